//! Sobol' indices from the outputs of a [`super::SaltelliDesign`]: the
//! first-order estimator of Saltelli et al. (2010) and the total-order
//! estimator of Jansen (1999), with percentile bootstrap intervals.
//!
//! With y_A, y_B and y_ABi the outputs at the rows of A, B and AB_i
//! (all first centred on the mean of y_A and y_B together, which changes
//! no expectation and keeps large offsets from costing digits):
//!
//! - V = the variance (divisor 2N) of y_A and y_B concatenated;
//! - S_i = mean(y_B · (y_ABi − y_A)) / V;
//! - ST_i = mean((y_A − y_ABi)²) / 2 / V.
//!
//! Estimates are not clipped to [0, 1]: sampling error can put a small
//! index slightly below 0.
//!
//! Zero variance: when V is 0 or its square root is at most 1e-13 times
//! the largest |y| of y_A and y_B (a constant output up to rounding), the
//! indices are undefined and reported as `None`, never NaN or infinity;
//! so are they when the variance or an index overflows f64 (outputs
//! beyond about 1e150).
//! A bootstrap resample with zero variance is left out of the intervals;
//! an interval is `None` when no resample is left, or when the bootstrap
//! is switched off (`resamples = 0`).

use super::SensitivityError;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

/// Settings of the percentile bootstrap: `resamples` resamples of the N
/// base rows (with replacement, the same rows of A, B and every AB_i),
/// drawn from `ChaCha8Rng::seed_from_u64(seed)`; the interval holds the
/// central `confidence` fraction of the resampled estimates (order
/// statistics linearly interpolated, as R's type 7 quantile).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bootstrap {
    pub resamples: usize,
    pub confidence: f64,
    pub seed: u64,
}

impl Default for Bootstrap {
    /// 1,000 resamples, 95 %, seed 0.
    fn default() -> Self {
        Bootstrap {
            resamples: 1000,
            confidence: 0.95,
            seed: 0,
        }
    }
}

impl Bootstrap {
    /// `confidence` must be in (0, 1).
    pub fn validate(&self) -> Result<(), String> {
        if self.confidence > 0.0 && self.confidence < 1.0 {
            Ok(())
        } else {
            Err(format!(
                "bootstrap confidence must be in (0, 1) (got {})",
                self.confidence
            ))
        }
    }
}

/// The Sobol' indices of one parameter, with bootstrap intervals. `None`
/// where undefined (see the module doc).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SobolIndices {
    pub parameter_index: usize,
    pub first_order: Option<f64>,
    pub first_order_ci_low: Option<f64>,
    pub first_order_ci_high: Option<f64>,
    pub total_order: Option<f64>,
    pub total_order_ci_low: Option<f64>,
    pub total_order_ci_high: Option<f64>,
}

/// The outputs of a Saltelli design, centred, and the rows to use.
struct Outputs<'a> {
    n: usize,
    k: usize,
    y: &'a [f64],
    centre: f64,
    /// Variances at or below this are zero.
    zero_variance: f64,
}

impl Outputs<'_> {
    fn a(&self, j: usize) -> f64 {
        self.y[j] - self.centre
    }
    fn b(&self, j: usize) -> f64 {
        self.y[self.n + j] - self.centre
    }
    fn ab(&self, i: usize, j: usize) -> f64 {
        self.y[(2 + i) * self.n + j] - self.centre
    }

    /// (S_i, ST_i) for every i over the base rows `rows` (with
    /// repetitions), or `None` when their variance is zero.
    fn estimate(&self, rows: &[usize], first: &mut [f64], total: &mut [f64]) -> bool {
        let m = rows.len() as f64;
        let mean = rows.iter().map(|&j| self.a(j) + self.b(j)).sum::<f64>() / (2.0 * m);
        let var = rows
            .iter()
            .map(|&j| (self.a(j) - mean).powi(2) + (self.b(j) - mean).powi(2))
            .sum::<f64>()
            / (2.0 * m);
        if var <= self.zero_variance || !var.is_finite() {
            return false;
        }
        for i in 0..self.k {
            let (mut s, mut st) = (0.0, 0.0);
            for &j in rows {
                let (a, ab) = (self.a(j), self.ab(i, j));
                s += self.b(j) * (ab - a);
                st += (a - ab) * (a - ab);
            }
            first[i] = s / m / var;
            total[i] = st / (2.0 * m) / var;
        }
        first.iter().chain(total.iter()).all(|x| x.is_finite())
    }
}

/// Linear interpolation between order statistics (type 7) of sorted `x`.
fn percentile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// First- and total-order Sobol' indices of the `parameters` = k inputs
/// of a Saltelli design with `base_samples` = N, from its `N * (k + 2)`
/// outputs in the design's order (A, B, AB_0, …, AB_(k−1); see
/// [`super::SaltelliDesign`]). Errors: a wrong number of outputs, a
/// non-finite output, N < 2, or a bad [`Bootstrap`].
pub fn sobol_indices(
    base_samples: usize,
    parameters: usize,
    outputs: &[f64],
    bootstrap: &Bootstrap,
) -> Result<Vec<SobolIndices>, SensitivityError> {
    let (n, k) = (base_samples, parameters);
    if n < 2 || k == 0 {
        return Err(SensitivityError::Invalid(format!(
            "Sobol' indices need N >= 2 base samples and k >= 1 parameters (got N = {n}, k = {k})"
        )));
    }
    bootstrap.validate().map_err(SensitivityError::Invalid)?;
    let expected = n
        .checked_mul(k + 2)
        .ok_or_else(|| SensitivityError::Invalid(format!("N = {n} and k = {k} overflow")))?;
    if outputs.len() != expected {
        return Err(SensitivityError::OutputLength {
            expected,
            got: outputs.len(),
        });
    }
    if let Some(index) = outputs.iter().position(|y| !y.is_finite()) {
        return Err(SensitivityError::NonFiniteOutput { index });
    }
    let ab_rows = &outputs[..2 * n];
    // Each term divided first, so that huge outputs do not overflow.
    let centre = ab_rows.iter().map(|y| y / (2 * n) as f64).sum::<f64>();
    let scale = ab_rows.iter().fold(0.0f64, |m, y| m.max(y.abs()));
    let out = Outputs {
        n,
        k,
        y: outputs,
        centre,
        zero_variance: (1e-13 * scale).powi(2),
    };

    let all: Vec<usize> = (0..n).collect();
    let mut first = vec![0.0; k];
    let mut total = vec![0.0; k];
    let defined = out.estimate(&all, &mut first, &mut total);

    // Bootstrap: resampled estimates per parameter.
    let mut boot_first = vec![Vec::new(); k];
    let mut boot_total = vec![Vec::new(); k];
    if defined && bootstrap.resamples > 0 {
        let mut rng = ChaCha8Rng::seed_from_u64(bootstrap.seed);
        let mut rows = vec![0usize; n];
        let (mut f, mut t) = (vec![0.0; k], vec![0.0; k]);
        for _ in 0..bootstrap.resamples {
            for r in rows.iter_mut() {
                *r = rng.random_range(0..n as u64) as usize;
            }
            if out.estimate(&rows, &mut f, &mut t) {
                for i in 0..k {
                    boot_first[i].push(f[i]);
                    boot_total[i].push(t[i]);
                }
            }
        }
    }
    let tail = (1.0 - bootstrap.confidence) / 2.0;
    let interval = |v: &mut Vec<f64>| {
        v.sort_by(f64::total_cmp);
        (percentile(v, tail), percentile(v, 1.0 - tail))
    };
    Ok((0..k)
        .map(|i| {
            let (fl, fh) = interval(&mut boot_first[i]);
            let (tl, th) = interval(&mut boot_total[i]);
            SobolIndices {
                parameter_index: i,
                first_order: defined.then_some(first[i]),
                first_order_ci_low: fl,
                first_order_ci_high: fh,
                total_order: defined.then_some(total[i]),
                total_order_ci_low: tl,
                total_order_ci_high: th,
            }
        })
        .collect())
}
