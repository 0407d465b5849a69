//! An `[uncertainty]` design as sweep points: the design's points in the
//! unit hypercube ([`crate::sensitivity`]), each coordinate mapped through
//! its parameter's distribution, side by side like a `zip` sweep.
//!
//! The design is drawn from the scenario's `seed` alone (through
//! [`design_seed`]), so the same seed gives the same points on every
//! machine, and each point's runs then draw from streams `(seed, point,
//! run)` as a sweep's do.

use crate::scenario::sweep::{SweepConfig, SweepMode, SweepParameter};
use crate::scenario::uncertainty::{DesignKind, DistributionConfig, UncertaintyConfig};
use crate::sensitivity::{
    latin_hypercube, morris_trajectories, saltelli_design, Distribution, MorrisDesign, Points,
    SaltelliDesign,
};
use toml::Value;

/// The structure of a design's points, which the estimators need.
#[derive(Debug, Clone, PartialEq)]
pub enum DesignLayout {
    /// Independent points (no indices; combined uncertainty only).
    LatinHypercube,
    /// Blocks A, B, AB_0 … AB_(k−1) of N points each.
    Saltelli(SaltelliDesign),
    /// Trajectories of k + 1 points.
    Morris(MorrisDesign),
}

/// An expanded design: its table and layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Design {
    pub config: UncertaintyConfig,
    pub layout: DesignLayout,
}

impl Design {
    /// Whether point `p` is an independent draw from the parameters' joint
    /// distribution: every point of a Latin hypercube, the A and B blocks
    /// of a Saltelli design (AB_i repeats A's values but one), every
    /// point of a Morris design (a grid, so only approximately).
    pub fn is_sample(&self, p: usize) -> bool {
        match &self.layout {
            DesignLayout::LatinHypercube | DesignLayout::Morris(_) => true,
            DesignLayout::Saltelli(d) => p < 2 * d.base_samples(),
        }
    }
}

/// The seed of a scenario's design: its `seed` mixed with a fixed
/// constant (the first 64 bits of SHA-256's initial value), so the design
/// never shares a stream with the runs.
pub fn design_seed(seed: u64) -> u64 {
    seed ^ 0x6a09_e667_f3bc_c908
}

/// The distribution of a parameter in unit terms: continuous ones as they
/// are, a discrete one over the indices 0 … n−1 of its values.
fn unit_distribution(d: &DistributionConfig) -> Distribution {
    match d.clone() {
        DistributionConfig::Uniform { low, high } => Distribution::Uniform { low, high },
        DistributionConfig::LogUniform { low, high } => Distribution::LogUniform { low, high },
        DistributionConfig::Normal { mean, sd } => Distribution::Normal { mean, sd },
        DistributionConfig::TruncatedNormal {
            mean,
            sd,
            low,
            high,
        } => Distribution::TruncatedNormal {
            mean,
            sd,
            low,
            high,
        },
        DistributionConfig::Triangular { low, mode, high } => {
            Distribution::Triangular { low, mode, high }
        }
        DistributionConfig::Discrete { values, weights } => Distribution::Discrete {
            values: (0..values.len()).map(|i| i as f64).collect(),
            weights,
        },
    }
}

/// The design of `u` for a scenario seeded `seed`: its layout and a sweep
/// in `zip` mode whose parameter `i` takes, at point `p`, the value of
/// coordinate `i` of design point `p`. Errors (which validation should
/// have caught) come back as text.
pub fn expand_design(u: &UncertaintyConfig, seed: u64) -> Result<(Design, SweepConfig), String> {
    let k = u.parameters.len();
    let n = u.samples as usize;
    let s = design_seed(seed);
    let (layout, unit): (DesignLayout, Points) = match u.design {
        DesignKind::LatinHypercube => {
            let p = latin_hypercube(n, k, s).map_err(|e| e.to_string())?;
            (DesignLayout::LatinHypercube, p)
        }
        DesignKind::Saltelli => {
            let d = saltelli_design(n, k, Some(s)).map_err(|e| e.to_string())?;
            let p = d.points().clone();
            (DesignLayout::Saltelli(d), p)
        }
        DesignKind::Morris => {
            let d = morris_trajectories(n, k, u.levels as usize, s).map_err(|e| e.to_string())?;
            let p = d.points().clone();
            (DesignLayout::Morris(d), p)
        }
    };
    let dists: Vec<Distribution> = u
        .parameters
        .iter()
        .map(|p| unit_distribution(&p.distribution))
        .collect();
    let mapped = unit.map_to(&dists).map_err(|e| e.to_string())?;
    let mut columns: Vec<Vec<Value>> = vec![Vec::with_capacity(mapped.len()); k];
    for point in mapped.iter() {
        for (i, (&x, p)) in point.iter().zip(&u.parameters).enumerate() {
            let v = match &p.distribution {
                DistributionConfig::Discrete { values, .. } => {
                    let j = (x.round().max(0.0) as usize).min(values.len().saturating_sub(1));
                    values.get(j).cloned().unwrap_or(Value::Float(x))
                }
                _ if p.integer => Value::Integer(x.round() as i64),
                _ => Value::Float(x),
            };
            columns[i].push(v);
        }
    }
    let sweep = SweepConfig {
        mode: SweepMode::Zip,
        parameters: u
            .parameters
            .iter()
            .zip(columns)
            .map(|(p, values)| SweepParameter {
                path: p.path.clone(),
                values: Some(values),
                linear: None,
                log: None,
            })
            .collect(),
    };
    Ok((
        Design {
            config: u.clone(),
            layout,
        },
        sweep,
    ))
}
