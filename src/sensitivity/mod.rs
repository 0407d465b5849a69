//! Global sensitivity analysis: input distributions, sampling designs in
//! the unit hypercube, and the estimators of variance-based (Sobol')
//! indices and of Morris elementary effects.
//!
//! Pure computation: no files, no terminal, no threads. Everything random
//! is a ChaCha8 stream of a `u64` seed, so the same seed gives the same
//! bits on every platform.
//!
//! The workflow: draw a design of points in the unit hypercube
//! ([`latin_hypercube`], [`sobol_points`], [`saltelli_design`],
//! [`morris_trajectories`]), map each coordinate to a parameter value
//! through its [`Distribution`]'s quantile ([`Points::map_to`]), evaluate
//! the model at every point, in the design's order, and hand the outputs
//! to the estimator ([`sobol_indices`] or [`morris_effects`]).
//!
//! Designs are [`Points`]: `len()` points of `dims()` coordinates each,
//! stored flat in row-major order (point `i` is `flat()[i*dims ..
//! (i+1)*dims]`).
//!
//! Sources:
//! - Latin hypercube: M. D. McKay, R. J. Beckman and W. J. Conover (1979),
//!   Technometrics 21:239–245.
//! - Sobol' sequence and indices: I. M. Sobol' (1993), Math. Model.
//!   Comput. Exp. 1:407–414; I. M. Sobol' (2001), Math. Comput. Simul.
//!   55:271–280; direction numbers of S. Joe and F. Y. Kuo (2008), SIAM
//!   J. Sci. Comput. 30:2635–2654 (`new-joe-kuo-6.21201`).
//! - Saltelli design and first-order estimator: A. Saltelli, P. Annoni,
//!   I. Azzini, F. Campolongo, M. Ratto and S. Tarantola (2010), Comput.
//!   Phys. Commun. 181:259–270.
//! - Total-order estimator: M. J. W. Jansen (1999), Comput. Phys. Commun.
//!   117:35–43.
//! - Elementary effects: M. D. Morris (1991), Technometrics 33:161–174;
//!   F. Campolongo, J. Cariboni and A. Saltelli (2007), Environ. Model.
//!   Softw. 22:1509–1518 (mu*).
//! - Test functions (in `tests/sensitivity.rs`): T. Ishigami and T. Homma
//!   (1990), Proc. ISUMA '90, 398–403; the Sobol' G-function (Saltelli &
//!   Sobol' 1995).

mod design;
mod distribution;
mod indices;
mod morris;
mod sobol_sequence;

pub use design::{
    latin_hypercube, morris_trajectories, saltelli_design, MorrisDesign, SaltelliDesign,
    MORRIS_DEFAULT_LEVELS,
};
pub use distribution::{erfc, normal_cdf, normal_quantile, Distribution, QUANTILE_U_MIN};
pub use indices::{sobol_indices, Bootstrap, SobolIndices};
pub use morris::{morris_effects, MorrisEffects};
pub use sobol_sequence::{joe_kuo_row, sobol_points, SobolSequence, SOBOL_BITS, SOBOL_MAX_DIMS};

/// What went wrong in building a design or estimating indices.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SensitivityError {
    #[error("{dims} dimensions requested; the Sobol' sequence has 1 to {max}")]
    Dimensions { dims: usize, max: usize },
    #[error("{got} model outputs given; the design has {expected} points")]
    OutputLength { expected: usize, got: usize },
    #[error("model output {index} is not a finite number")]
    NonFiniteOutput { index: usize },
    #[error("distribution of parameter {index}: {message}")]
    Distribution { index: usize, message: String },
    #[error("{0}")]
    Invalid(String),
}

/// Points in the unit hypercube [0, 1)^dims (the Morris grid also uses
/// 1), stored flat, row-major: point `i` is `flat()[i*dims .. (i+1)*dims]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Points {
    dims: usize,
    values: Vec<f64>,
}

impl Points {
    /// # Panics
    /// If `dims` is 0 or does not divide `values.len()`.
    pub(crate) fn from_flat(dims: usize, values: Vec<f64>) -> Points {
        assert!(
            dims > 0 && values.len().is_multiple_of(dims),
            "ragged points"
        );
        Points { dims, values }
    }

    /// Points of `dims` coordinates from `values`, row-major (e.g. a
    /// design read back); `dims` must be at least 1 and divide
    /// `values.len()`.
    pub fn new(dims: usize, values: Vec<f64>) -> Result<Points, SensitivityError> {
        if dims == 0 || !values.len().is_multiple_of(dims) {
            return Err(SensitivityError::Invalid(format!(
                "{} coordinates do not make points of {dims} dimensions",
                values.len()
            )));
        }
        Ok(Points { dims, values })
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.values.len() / self.dims
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Coordinates per point.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// Point `i`.
    ///
    /// # Panics
    /// If `i >= len()`.
    pub fn point(&self, i: usize) -> &[f64] {
        &self.values[i * self.dims..(i + 1) * self.dims]
    }

    /// The points in order.
    pub fn iter(&self) -> std::slice::ChunksExact<'_, f64> {
        self.values.chunks_exact(self.dims)
    }

    /// All coordinates, row-major.
    pub fn flat(&self) -> &[f64] {
        &self.values
    }

    /// The points with coordinate `j` mapped through the quantile of
    /// `distributions[j]` (unit space to parameter space). Every
    /// distribution is validated first.
    pub fn map_to(&self, distributions: &[Distribution]) -> Result<Points, SensitivityError> {
        if distributions.len() != self.dims {
            return Err(SensitivityError::Invalid(format!(
                "{} distributions for points of {} dimensions",
                distributions.len(),
                self.dims
            )));
        }
        for (index, d) in distributions.iter().enumerate() {
            d.validate()
                .map_err(|message| SensitivityError::Distribution { index, message })?;
        }
        let values = self
            .iter()
            .flat_map(|p| p.iter().zip(distributions).map(|(&u, d)| d.quantile(u)))
            .collect();
        Ok(Points::from_flat(self.dims, values))
    }
}

impl<'a> IntoIterator for &'a Points {
    type Item = &'a [f64];
    type IntoIter = std::slice::ChunksExact<'a, f64>;
    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}
