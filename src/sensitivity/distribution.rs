//! Input distributions of the parameters, as inverse CDFs (quantile
//! functions) from the unit interval, and the normal CDF and quantile
//! they need (written here: `erfc` by series and continued fraction, the
//! inverse by Acklam's rational approximation refined by one Halley step).

use serde::{Deserialize, Serialize};
use std::f64::consts::{PI, SQRT_2};

/// The distribution of one uncertain parameter. A plain data type: the
/// scenario schema that names these is elsewhere.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Distribution {
    /// Uniform on [low, high].
    Uniform { low: f64, high: f64 },
    /// log X uniform on [ln low, ln high], 0 < low < high.
    LogUniform { low: f64, high: f64 },
    /// Normal with mean and standard deviation `sd` > 0.
    Normal { mean: f64, sd: f64 },
    /// Normal(mean, sd) conditioned on [low, high].
    TruncatedNormal {
        mean: f64,
        sd: f64,
        low: f64,
        high: f64,
    },
    /// Triangular on [low, high] with its peak at `mode`.
    Triangular { low: f64, mode: f64, high: f64 },
    /// One of `values`, with probabilities proportional to `weights`
    /// (equal when absent).
    Discrete {
        values: Vec<f64>,
        weights: Option<Vec<f64>>,
    },
}

/// The smallest `u` (and `1 - u` the largest) that the quantile of an
/// unbounded distribution is evaluated at: 2^-53, where the standard
/// normal quantile is about -8.2. So `quantile(0)` and `quantile(1)` of a
/// normal distribution are finite (mean ∓ 8.2 sd).
pub const QUANTILE_U_MIN: f64 = 1.0 / (1u64 << 53) as f64;

fn check(ok: bool, msg: impl FnOnce() -> String) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(msg())
    }
}

fn finite(name: &str, x: f64) -> Result<(), String> {
    check(x.is_finite(), || {
        format!("{name} must be a finite number (got {x})")
    })
}

impl Distribution {
    /// Checks the parameters: every number finite, `low < high`, `sd > 0`,
    /// `low > 0` for a log-uniform, `low <= mode <= high` for a
    /// triangular, and for a discrete distribution at least one value,
    /// as many weights as values, weights >= 0 with a positive sum.
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Distribution::Uniform { low, high } => {
                finite("low", *low)?;
                finite("high", *high)?;
                check(low < high, || {
                    format!("uniform: low ({low}) must be < high ({high})")
                })
            }
            Distribution::LogUniform { low, high } => {
                finite("low", *low)?;
                finite("high", *high)?;
                check(*low > 0.0, || {
                    format!("log_uniform: low ({low}) must be > 0")
                })?;
                check(low < high, || {
                    format!("log_uniform: low ({low}) must be < high ({high})")
                })
            }
            Distribution::Normal { mean, sd } => {
                finite("mean", *mean)?;
                finite("sd", *sd)?;
                check(*sd > 0.0, || format!("normal: sd ({sd}) must be > 0"))
            }
            Distribution::TruncatedNormal {
                mean,
                sd,
                low,
                high,
            } => {
                finite("mean", *mean)?;
                finite("sd", *sd)?;
                finite("low", *low)?;
                finite("high", *high)?;
                check(*sd > 0.0, || {
                    format!("truncated_normal: sd ({sd}) must be > 0")
                })?;
                check(low < high, || {
                    format!("truncated_normal: low ({low}) must be < high ({high})")
                })
            }
            Distribution::Triangular { low, mode, high } => {
                finite("low", *low)?;
                finite("mode", *mode)?;
                finite("high", *high)?;
                check(low < high, || {
                    format!("triangular: low ({low}) must be < high ({high})")
                })?;
                check(low <= mode && mode <= high, || {
                    format!("triangular: mode ({mode}) must be in [low, high] = [{low}, {high}]")
                })
            }
            Distribution::Discrete { values, weights } => {
                check(!values.is_empty(), || {
                    "discrete: values must not be empty".to_string()
                })?;
                for (i, v) in values.iter().enumerate() {
                    finite(&format!("values[{i}]"), *v)?;
                }
                if let Some(w) = weights {
                    check(w.len() == values.len(), || {
                        format!(
                            "discrete: {} weights for {} values (must be as many)",
                            w.len(),
                            values.len()
                        )
                    })?;
                    for (i, x) in w.iter().enumerate() {
                        check(x.is_finite() && *x >= 0.0, || {
                            format!("discrete: weights[{i}] ({x}) must be finite and >= 0")
                        })?;
                    }
                    let sum: f64 = w.iter().sum();
                    check(sum > 0.0 && sum.is_finite(), || {
                        "discrete: the weights must have a positive, finite sum".to_string()
                    })?;
                }
                Ok(())
            }
        }
    }

    /// The value at cumulative probability `u` (the inverse CDF). `u` is
    /// clamped to [0, 1] (NaN counts as 0.5); for the normal distribution
    /// to [[`QUANTILE_U_MIN`], 1 − `QUANTILE_U_MIN`]. Bounded
    /// distributions map 0 and 1 to their bounds. A discrete distribution
    /// orders its values ascending (ties in the given order) and returns
    /// the first whose cumulative weight exceeds `u` times the total, so
    /// [0, 1) is cut into one interval per value, of length its
    /// probability. Assumes [`Distribution::validate`] passed; otherwise
    /// the result is unspecified (but this does not panic).
    pub fn quantile(&self, u: f64) -> f64 {
        let u = if u.is_nan() { 0.5 } else { u.clamp(0.0, 1.0) };
        match self {
            Distribution::Uniform { low, high } => (low + u * (high - low)).clamp(*low, *high),
            Distribution::LogUniform { low, high } => {
                let (a, b) = (low.ln(), high.ln());
                (a + u * (b - a)).exp().clamp(*low, *high)
            }
            Distribution::Normal { mean, sd } => {
                let u = u.clamp(QUANTILE_U_MIN, 1.0 - QUANTILE_U_MIN);
                mean + sd * normal_quantile(u)
            }
            Distribution::TruncatedNormal {
                mean,
                sd,
                low,
                high,
            } => {
                let z = truncated_standard_quantile(u, (low - mean) / sd, (high - mean) / sd);
                (mean + sd * z).clamp(*low, *high)
            }
            Distribution::Triangular { low, mode, high } => {
                let (a, c, b) = (*low, *mode, *high);
                let f_mode = (c - a) / (b - a);
                let x = if u < f_mode {
                    a + (u * (b - a) * (c - a)).sqrt()
                } else {
                    b - ((1.0 - u) * (b - a) * (b - c)).sqrt()
                };
                x.clamp(a, b)
            }
            Distribution::Discrete { values, weights } => discrete_quantile(values, weights, u),
        }
    }
}

fn discrete_quantile(values: &[f64], weights: &Option<Vec<f64>>, u: f64) -> f64 {
    let weight = |i: usize| {
        weights
            .as_ref()
            .map_or(1.0, |w| w.get(i).copied().unwrap_or(0.0))
    };
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&i, &j| values[i].total_cmp(&values[j]));
    let total: f64 = order.iter().map(|&i| weight(i)).sum();
    let target = u * total;
    let mut cum = 0.0;
    let mut last = None;
    for &i in &order {
        let w = weight(i);
        if w > 0.0 {
            cum += w;
            last = Some(i);
            if cum > target {
                return values[i];
            }
        }
    }
    // u = 1, or rounding in the cumulative sum: the largest value with a
    // positive weight.
    last.or(order.last().copied()).map_or(0.0, |i| values[i])
}

/// The quantile at `u` of the standard normal truncated to [a, b], a < b.
fn truncated_standard_quantile(u: f64, a: f64, b: f64) -> f64 {
    if a > 0.0 {
        // The interval is in the upper tail: reflect it into the lower
        // one, where the CDF (through erfc) keeps its relative accuracy.
        return -truncated_standard_quantile(1.0 - u, -b, -a);
    }
    let (pa, pb) = (normal_cdf(a), normal_cdf(b));
    if pb < 1e-300 {
        // Beyond the reach of f64 CDFs (b < -37): near b the density is
        // close to exp(-|b| (b - x)), an exponential truncated at a, whose
        // CDF is (exp(-|b| (b - x)) - e_a) / (1 - e_a).
        let rate = -b;
        let e_a = (-rate * (b - a)).exp();
        return (b + (e_a + u * (1.0 - e_a)).ln() / rate).clamp(a, b);
    }
    let p = pa + u * (pb - pa);
    normal_quantile(p.max(f64::MIN_POSITIVE)).clamp(a, b)
}

/// The complementary error function, erfc(x) = 1 − erf(x), with a
/// relative error below about 1e-14 for x ≥ 0 (where it is small) and an
/// absolute one below 1e-16 for x < 0 (2 − erfc(−x)). Series of erf below
/// x = 2, Laplace's continued fraction (modified Lentz) above; 0 beyond
/// x = 27.3, where it underflows.
pub fn erfc(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x < 0.0 {
        return 2.0 - erfc(-x);
    }
    if x < 2.0 {
        return 1.0 - erf_series(x);
    }
    if x > 27.3 {
        return 0.0;
    }
    // erfc x = exp(-x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))).
    const TINY: f64 = 1e-300;
    let mut f = x;
    let mut c = f;
    let mut d = 0.0;
    for n in 1..500 {
        let an = n as f64 * 0.5;
        d = x + an * d;
        if d == 0.0 {
            d = TINY;
        }
        c = x + an / c;
        if c == 0.0 {
            c = TINY;
        }
        d = 1.0 / d;
        let delta = c * d;
        f *= delta;
        if (delta - 1.0).abs() < 1e-16 {
            break;
        }
    }
    exp_minus_square(x) / (PI.sqrt() * f)
}

/// exp(−x²) with x² split as hi² + (x − hi)(x + hi), hi having few bits,
/// so the rounding of x² does not cost relative accuracy for large x.
fn exp_minus_square(x: f64) -> f64 {
    let hi = (x * 16.0).floor() / 16.0;
    let lo = (x - hi) * (x + hi);
    (-hi * hi).exp() * (-lo).exp()
}

/// erf(x) for 0 ≤ x < 2: 2/√π · exp(−x²) · Σ 2ⁿ x^(2n+1) / (1·3·…·(2n+1)),
/// a series of positive terms (no cancellation).
fn erf_series(x: f64) -> f64 {
    let x2 = x * x;
    let mut term = x;
    let mut sum = x;
    for n in 1..200 {
        term *= 2.0 * x2 / (2 * n + 1) as f64;
        sum += term;
        if term < 1e-17 * sum {
            break;
        }
    }
    2.0 / PI.sqrt() * exp_minus_square(x) * sum
}

/// The standard normal CDF Φ(x) = erfc(−x/√2)/2, accurate to relative
/// 1e-14 in the lower tail.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * erfc(-x / SQRT_2)
}

/// The standard normal quantile Φ⁻¹(p): Acklam's rational approximation
/// (relative error 1.15e-9) refined by one Halley step on Φ, giving about
/// 1e-15. −∞ at p ≤ 0 and +∞ at p ≥ 1 (callers that must stay finite
/// clamp p first, as [`Distribution::quantile`] does); NaN for NaN.
pub fn normal_quantile(p: f64) -> f64 {
    if p.is_nan() {
        return p;
    }
    if p <= 0.0 {
        return f64::NEG_INFINITY;
    }
    if p >= 1.0 {
        return f64::INFINITY;
    }
    if p > 0.5 {
        // 1 − p is exact here; the lower half keeps the relative accuracy.
        return -normal_quantile(1.0 - p);
    }
    let x = acklam(p);
    // Halley's step on Φ(x) − p = 0.
    let e = normal_cdf(x) - p;
    let u = e * (2.0 * PI).sqrt() * (0.5 * x * x).exp();
    if u.is_finite() {
        x - u / (1.0 + 0.5 * x * u)
    } else {
        x
    }
}

/// Acklam's approximation of Φ⁻¹(p) for 0 < p ≤ 0.5.
fn acklam(p: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969683028665376e+01,
        2.209460984245205e+02,
        -2.759285104469687e+02,
        1.38357751867269e+02,
        -3.066479806614716e+01,
        2.506628277459239e+00,
    ];
    const B: [f64; 5] = [
        -5.447609879822406e+01,
        1.615858368580409e+02,
        -1.556989798598866e+02,
        6.680131188771972e+01,
        -1.328068155288572e+01,
    ];
    const C: [f64; 6] = [
        -7.784894002430293e-03,
        -3.223964580411365e-01,
        -2.400758277161838e+00,
        -2.549732539343734e+00,
        4.374664141464968e+00,
        2.938163982698783e+00,
    ];
    const D: [f64; 4] = [
        7.784695709041462e-03,
        3.224671290700398e-01,
        2.445134137142996e+00,
        3.754408661907416e+00,
    ];
    const P_LOW: f64 = 0.02425;
    if p < P_LOW {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}
