//! Sampling designs in the unit hypercube: Latin hypercube (McKay et al.
//! 1979), Saltelli's A/B/AB_i matrices from a Sobol' sequence (Saltelli et
//! al. 2010) and Morris trajectories on a p-level grid (Morris 1991,
//! Campolongo et al. 2007).
//!
//! Each design is a deterministic function of its arguments and a `u64`
//! seed: the random numbers come from `ChaCha8Rng::seed_from_u64(seed)`,
//! and integers below `n` are drawn as `u64` ranges, so the bits do not
//! depend on the platform's word size.

use super::sobol_sequence::{sobol_points, SOBOL_MAX_DIMS};
use super::{Points, SensitivityError};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Levels of the Morris grid unless told otherwise (p = 4: levels 0, 1/3,
/// 2/3, 1 and Δ = 2/3).
pub const MORRIS_DEFAULT_LEVELS: usize = 4;

/// A uniform random permutation of 0..n (Fisher–Yates).
fn permutation(rng: &mut ChaCha8Rng, n: usize) -> Vec<usize> {
    let mut p: Vec<usize> = (0..n).collect();
    for i in (1..n).rev() {
        let j = rng.random_range(0..=i as u64) as usize;
        p.swap(i, j);
    }
    p
}

/// A Latin hypercube of `n` points in [0, 1)^dims: in every dimension
/// each of the `n` bins [b/n, (b+1)/n) holds exactly one point (bin
/// `floor(x * n)`), at a uniform position within it. Random numbers are
/// drawn dimension by dimension: a permutation of the bins, then the `n`
/// positions.
pub fn latin_hypercube(n: usize, dims: usize, seed: u64) -> Result<Points, SensitivityError> {
    if n == 0 || dims == 0 {
        return Err(SensitivityError::Invalid(format!(
            "a Latin hypercube needs n >= 1 points and dims >= 1 (got n = {n}, dims = {dims})"
        )));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut values = vec![0.0; n * dims];
    let nf = n as f64;
    for d in 0..dims {
        let bins = permutation(&mut rng, n);
        for (i, &b) in bins.iter().enumerate() {
            let u: f64 = rng.random();
            let mut x = (b as f64 + u) / nf;
            // Rounding may carry (b + u)/n across a bin edge; keep the
            // point in its bin as `floor(x * n)` sees it.
            while x > 0.0 && (x * nf).floor() as usize > b {
                x = x.next_down();
            }
            while ((x * nf).floor() as usize) < b {
                x = x.next_up();
            }
            values[i * dims + d] = x;
        }
    }
    Ok(Points::from_flat(dims, values))
}

/// Saltelli's design for `n` base samples and `k` parameters: the
/// matrices A and B (the first and last `k` coordinates of points 1 ..= n
/// of the 2k-dimensional Sobol' sequence; point 0, the origin, is
/// skipped) and, for each parameter i, AB_i: A with column i taken from
/// B. `n * (k + 2)` points in all, in blocks of `n`: A, then B, then
/// AB_0, …, AB_(k−1) (see the `index_*` methods). A power of two for `n`
/// keeps the Sobol' points balanced.
#[derive(Debug, Clone, PartialEq)]
pub struct SaltelliDesign {
    n: usize,
    k: usize,
    points: Points,
}

impl SaltelliDesign {
    /// Base samples N.
    pub fn base_samples(&self) -> usize {
        self.n
    }

    /// Parameters k.
    pub fn parameters(&self) -> usize {
        self.k
    }

    /// All `n * (k + 2)` points, in the order the outputs must be given
    /// to [`super::sobol_indices`].
    pub fn points(&self) -> &Points {
        &self.points
    }

    /// Row of point `j` of A.
    pub fn index_a(&self, j: usize) -> usize {
        j
    }

    /// Row of point `j` of B.
    pub fn index_b(&self, j: usize) -> usize {
        self.n + j
    }

    /// Row of point `j` of AB_i.
    pub fn index_ab(&self, i: usize, j: usize) -> usize {
        (2 + i) * self.n + j
    }
}

/// Builds a [`SaltelliDesign`]; with `shift_seed` the Sobol' points are
/// digitally shifted (see [`super::SobolSequence::shifted`]). Needs
/// `n >= 2`, `k >= 1` and `2k <=` [`SOBOL_MAX_DIMS`].
pub fn saltelli_design(
    n: usize,
    k: usize,
    shift_seed: Option<u64>,
) -> Result<SaltelliDesign, SensitivityError> {
    if n < 2 || k == 0 {
        return Err(SensitivityError::Invalid(format!(
            "a Saltelli design needs n >= 2 base samples and k >= 1 parameters (got n = {n}, k = {k})"
        )));
    }
    if 2 * k > SOBOL_MAX_DIMS {
        return Err(SensitivityError::Invalid(format!(
            "a Saltelli design of {k} parameters needs {} Sobol' dimensions; at most {} parameters are supported",
            2 * k,
            SOBOL_MAX_DIMS / 2
        )));
    }
    let base = sobol_points(n, 2 * k, 1, shift_seed)?;
    let mut values = Vec::with_capacity(n * (k + 2) * k);
    for p in base.iter() {
        values.extend_from_slice(&p[..k]);
    }
    for p in base.iter() {
        values.extend_from_slice(&p[k..]);
    }
    for i in 0..k {
        for p in base.iter() {
            let start = values.len();
            values.extend_from_slice(&p[..k]);
            values[start + i] = p[k + i];
        }
    }
    Ok(SaltelliDesign {
        n,
        k,
        points: Points::from_flat(k, values),
    })
}

/// `r` Morris trajectories of `k + 1` points each on the grid of `levels`
/// values {0, 1/(p−1), …, 1} per coordinate. Each trajectory starts from
/// a random base point, then changes one factor at a time, in a random
/// order, by ±Δ with Δ = p / (2(p − 1)) and a random direction per
/// factor (Morris 1991; the B* construction of Campolongo et al. 2007).
#[derive(Debug, Clone, PartialEq)]
pub struct MorrisDesign {
    r: usize,
    k: usize,
    levels: usize,
    delta: f64,
    points: Points,
    /// For trajectory t and step s (0-based, s < k): the factor changed
    /// between points s and s + 1, at `t * k + s`.
    factors: Vec<usize>,
}

impl MorrisDesign {
    pub fn trajectories(&self) -> usize {
        self.r
    }

    pub fn parameters(&self) -> usize {
        self.k
    }

    pub fn levels(&self) -> usize {
        self.levels
    }

    /// The step Δ in unit space.
    pub fn delta(&self) -> f64 {
        self.delta
    }

    /// All `r * (k + 1)` points, trajectory after trajectory, in the order
    /// the outputs must be given to [`super::morris_effects`].
    pub fn points(&self) -> &Points {
        &self.points
    }

    /// The factor changed between points `step` and `step + 1` of
    /// trajectory `t`.
    pub fn factor_changed(&self, t: usize, step: usize) -> usize {
        self.factors[t * self.k + step]
    }
}

/// Builds a [`MorrisDesign`] of `r >= 2` trajectories (two at least, so
/// that sigma is defined) for `k >= 1` factors on an even number
/// `levels >= 2` of grid levels (usually [`MORRIS_DEFAULT_LEVELS`]).
/// Random numbers per trajectory: the base level of each factor (one of
/// the lower p/2 levels), its direction, then the order of the factors.
pub fn morris_trajectories(
    r: usize,
    k: usize,
    levels: usize,
    seed: u64,
) -> Result<MorrisDesign, SensitivityError> {
    if r < 2 || k == 0 {
        return Err(SensitivityError::Invalid(format!(
            "Morris screening needs r >= 2 trajectories and k >= 1 factors (got r = {r}, k = {k})"
        )));
    }
    if levels < 2 || !levels.is_multiple_of(2) {
        return Err(SensitivityError::Invalid(format!(
            "the Morris grid needs an even number of levels >= 2 (got {levels})"
        )));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let half = levels / 2;
    let top = (levels - 1) as f64;
    let mut values = Vec::with_capacity(r * (k + 1) * k);
    let mut factors = Vec::with_capacity(r * k);
    let mut grid = vec![0usize; k];
    let mut up = vec![true; k];
    for _ in 0..r {
        for i in 0..k {
            let base = rng.random_range(0..half as u64) as usize;
            up[i] = rng.random::<bool>();
            // A factor moving down starts Δ above its base level.
            grid[i] = if up[i] { base } else { base + half };
        }
        let order = permutation(&mut rng, k);
        values.extend(grid.iter().map(|&g| g as f64 / top));
        for &i in &order {
            grid[i] = if up[i] {
                grid[i] + half
            } else {
                grid[i] - half
            };
            values.extend(grid.iter().map(|&g| g as f64 / top));
            factors.push(i);
        }
    }
    Ok(MorrisDesign {
        r,
        k,
        levels,
        delta: half as f64 / top,
        points: Points::from_flat(k, values),
        factors,
    })
}
