//! The `[uncertainty]` table of a scenario: parameters nobody knows, each
//! with a distribution over the same field paths as a sweep, and the
//! design that samples them (Latin hypercube, Saltelli's design for Sobol
//! indices, Morris trajectories). This is schema only; turning a design
//! into points is the job of the sweep layer above the schema, and the
//! estimators live in [`crate::sensitivity`].
//!
//! ```toml
//! [uncertainty]
//! design = "saltelli"        # or "latin_hypercube", "morris"
//! samples = 64               # base samples N (see `UncertaintyConfig::points`)
//! [[uncertainty.parameters]]
//! path = "price.volatility_per_year"
//! distribution = { type = "uniform", low = 0.4, high = 1.0 }
//! source = "realised volatility 2019-2025, Coin Metrics"
//! ```

use crate::scenario::sweep::{check_parameter_path, check_parameter_value, MAX_POINTS};
use crate::validate::{index, join, num, Validator};
use serde::{Deserialize, Serialize};
use toml::Value;

/// Largest number of parameters an uncertainty design may have.
pub const MAX_PARAMETERS: usize = 64;

/// Largest number of parameters of a Saltelli design: its Sobol'
/// sequence has [`crate::sensitivity::SOBOL_MAX_DIMS`] dimensions, two per
/// parameter.
pub const MAX_SALTELLI_PARAMETERS: usize = crate::sensitivity::SOBOL_MAX_DIMS / 2;

/// Largest number of bootstrap resamples of the Sobol indices.
pub const MAX_BOOTSTRAP: u64 = 100_000;

/// How the uncertain parameters are sampled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DesignKind {
    /// Latin hypercube (McKay et al. 1979): `samples` points, each
    /// parameter's range cut into `samples` equally likely strata, one
    /// point in each. For combined uncertainty (bands of a result over
    /// everything unknown), not for indices.
    LatinHypercube,
    /// Saltelli et al. (2010)'s design on a scrambled Sobol' sequence:
    /// matrices A and B of `samples` rows and, per parameter i, A with
    /// column i from B; `samples × (k + 2)` points. Gives first-order
    /// (Saltelli 2010) and total-order (Jansen 1999) Sobol indices.
    Saltelli,
    /// Morris (1991) elementary effects: `samples` trajectories of
    /// `k + 1` points on a `levels`-level grid, one parameter moved per
    /// step. Gives mu* and sigma per parameter: cheap screening.
    Morris,
}

impl DesignKind {
    /// The name used in scenario files.
    pub fn name(&self) -> &'static str {
        match self {
            DesignKind::LatinHypercube => "latin_hypercube",
            DesignKind::Saltelli => "saltelli",
            DesignKind::Morris => "morris",
        }
    }
}

/// Which random streams the runs of a design's points draw from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StreamsKind {
    /// Run `r` of point `p` draws from stream `p · 2^32 + r`, as in a
    /// sweep: every run of every point has its own luck.
    #[default]
    Independent,
    /// Run `r` of every point draws from stream `r` (common random
    /// numbers): points differ only in their parameters, so the chance
    /// that separates two points' means cancels out of the estimators.
    /// The runs of different points are then not independent, which the
    /// combined statistics' intervals do not account for.
    Common,
}

impl StreamsKind {
    /// The name used in scenario files.
    pub fn name(&self) -> &'static str {
        match self {
            StreamsKind::Independent => "independent",
            StreamsKind::Common => "common",
        }
    }
}

/// The model output of a design point: a statistic of a metric over the
/// point's runs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PointStatistic {
    /// The mean over the runs in which the metric is defined.
    #[default]
    Mean,
    /// The median over those runs (type 7), robust to a run that stalls.
    Median,
}

impl PointStatistic {
    /// The name used in scenario files.
    pub fn name(&self) -> &'static str {
        match self {
            PointStatistic::Mean => "mean",
            PointStatistic::Median => "median",
        }
    }
}

/// The distribution of one uncertain parameter, in the parameter's unit.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum DistributionConfig {
    /// Every value in `[low, high]` equally likely.
    Uniform { low: f64, high: f64 },
    /// The logarithm uniform in `[ln low, ln high]` (`low` > 0): for
    /// quantities known to within a factor.
    LogUniform { low: f64, high: f64 },
    /// Normal with mean `mean` and standard deviation `sd` > 0.
    Normal { mean: f64, sd: f64 },
    /// Normal(`mean`, `sd`) cut to `[low, high]` and renormalised.
    TruncatedNormal {
        mean: f64,
        sd: f64,
        low: f64,
        high: f64,
    },
    /// Triangular on `[low, high]` with its peak at `mode`.
    Triangular { low: f64, mode: f64, high: f64 },
    /// One of `values` (numbers, strings or booleans), with `weights`
    /// (default: all equal).
    Discrete {
        values: Vec<Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        weights: Option<Vec<f64>>,
    },
}

impl DistributionConfig {
    /// The name used in scenario files (`type = "..."`).
    pub fn name(&self) -> &'static str {
        match self {
            DistributionConfig::Uniform { .. } => "uniform",
            DistributionConfig::LogUniform { .. } => "log_uniform",
            DistributionConfig::Normal { .. } => "normal",
            DistributionConfig::TruncatedNormal { .. } => "truncated_normal",
            DistributionConfig::Triangular { .. } => "triangular",
            DistributionConfig::Discrete { .. } => "discrete",
        }
    }

    fn validate(&self, v: &mut Validator, path: &str) {
        let low_high = |v: &mut Validator, low: f64, high: f64| {
            if v.finite(&join(path, "low"), low)
                && v.finite(&join(path, "high"), high)
                && low >= high
            {
                v.error(
                    join(path, "high"),
                    format!("must be greater than low ({}), got {}", num(low), num(high)),
                );
            }
        };
        match self {
            DistributionConfig::Uniform { low, high } => low_high(v, *low, *high),
            DistributionConfig::LogUniform { low, high } => {
                v.in_open_closed(&join(path, "low"), *low, 0.0, f64::MAX);
                low_high(v, *low, *high);
            }
            DistributionConfig::Normal { mean, sd } => {
                v.finite(&join(path, "mean"), *mean);
                v.in_open_closed(&join(path, "sd"), *sd, 0.0, f64::MAX);
            }
            DistributionConfig::TruncatedNormal {
                mean,
                sd,
                low,
                high,
            } => {
                v.finite(&join(path, "mean"), *mean);
                v.in_open_closed(&join(path, "sd"), *sd, 0.0, f64::MAX);
                low_high(v, *low, *high);
                // Further than 30 sd from the mean the truncated mass
                // underflows and the quantiles lose all precision.
                if sd.is_finite() && *sd > 0.0 && mean.is_finite() {
                    let far = |x: f64| ((x - mean) / sd).abs();
                    if *high < *mean - 30.0 * sd || *low > *mean + 30.0 * sd {
                        v.error(
                            path,
                            format!(
                                "[low, high] lies {} sd from the mean: at most 30 sd",
                                num(far(*low).min(far(*high)))
                            ),
                        );
                    }
                }
            }
            DistributionConfig::Triangular { low, mode, high } => {
                low_high(v, *low, *high);
                if v.finite(&join(path, "mode"), *mode) && (*mode < *low || *mode > *high) {
                    v.error(
                        join(path, "mode"),
                        format!(
                            "must be in [low, high] = [{}, {}], got {}",
                            num(*low),
                            num(*high),
                            num(*mode)
                        ),
                    );
                }
            }
            DistributionConfig::Discrete { values, weights } => {
                if values.is_empty() {
                    v.error(join(path, "values"), "must not be empty");
                }
                for (j, x) in values.iter().enumerate() {
                    check_parameter_value(v, &index(&join(path, "values"), j), x);
                }
                if let Some(w) = weights {
                    if w.len() != values.len() {
                        v.error(
                            join(path, "weights"),
                            format!(
                                "needs one weight per value ({}), got {}",
                                values.len(),
                                w.len()
                            ),
                        );
                    }
                    for (j, x) in w.iter().enumerate() {
                        v.in_closed(&index(&join(path, "weights"), j), *x, 0.0, f64::MAX);
                    }
                    if w.iter().all(|x| x.is_finite() && *x >= 0.0) && w.iter().sum::<f64>() <= 0.0
                    {
                        v.error(join(path, "weights"), "must not all be 0");
                    }
                }
            }
        }
    }
}

/// One uncertain parameter.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UncertainParameter {
    /// Dotted path of a scenario field, as in a sweep:
    /// `price.volatility_per_year`, `miners.groups[0].share`.
    pub path: String,
    /// Its distribution, in the field's unit.
    pub distribution: DistributionConfig,
    /// Round each sampled value to the nearest integer and write it as an
    /// integer (for integer fields such as `miners.groups[0].agents`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub integer: bool,
    /// Where the range comes from (free text, shown in the report).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

fn default_levels() -> u64 {
    4
}
fn default_bootstrap() -> u64 {
    1000
}

/// The `[uncertainty]` table of a scenario.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UncertaintyConfig {
    /// `latin_hypercube`, `saltelli` or `morris`.
    pub design: DesignKind,
    /// The design's base sample count: points of a Latin hypercube, base
    /// samples N of Saltelli's design, trajectories of Morris's
    /// (`--samples N` on the command line).
    pub samples: u64,
    /// Levels of Morris's grid (default 4, even).
    #[serde(default = "default_levels")]
    pub levels: u64,
    /// Bootstrap resamples for the intervals of the Sobol indices
    /// (default 1,000).
    #[serde(default = "default_bootstrap")]
    pub bootstrap_resamples: u64,
    /// The points' random streams (default `independent`).
    #[serde(default)]
    pub streams: StreamsKind,
    /// The output of a point for the indices (default `mean`).
    #[serde(default)]
    pub point_statistic: PointStatistic,
    /// The uncertain parameters, in order (`[[uncertainty.parameters]]`).
    pub parameters: Vec<UncertainParameter>,
}

/// Scenario fields that cannot be uncertain: the batch's own settings.
const FIXED_FIELDS: [&str; 5] = ["name", "seed", "runs", "sweep", "uncertainty"];

impl UncertaintyConfig {
    /// Design points: `samples` for a Latin hypercube, `samples × (k + 2)`
    /// for Saltelli's design, `samples × (k + 1)` for Morris's (k
    /// parameters). Saturates.
    pub fn points(&self) -> u64 {
        let k = self.parameters.len() as u64;
        match self.design {
            DesignKind::LatinHypercube => self.samples,
            DesignKind::Saltelli => self.samples.saturating_mul(k.saturating_add(2)),
            DesignKind::Morris => self.samples.saturating_mul(k.saturating_add(1)),
        }
    }

    /// Checks the table (paths, distributions, sizes); whether each path
    /// names a field and every point is a valid scenario is checked when
    /// the design is expanded.
    pub fn validate(&self, v: &mut Validator, path: &str) {
        let params = join(path, "parameters");
        if self.parameters.is_empty() {
            v.error(&params, "must list at least one parameter");
        }
        if self.parameters.len() > MAX_PARAMETERS {
            v.error(
                &params,
                format!(
                    "has {} parameters, more than {MAX_PARAMETERS}",
                    self.parameters.len()
                ),
            );
        }
        // Two at least: a hypercube's spread, Saltelli's variance and
        // Morris's sigma need two samples.
        v.int_in(&join(path, "samples"), self.samples, 2, MAX_POINTS);
        if self.design == DesignKind::Saltelli && self.parameters.len() > MAX_SALTELLI_PARAMETERS {
            v.error(
                &params,
                format!(
                    "a saltelli design takes at most {MAX_SALTELLI_PARAMETERS} parameters (two Sobol' dimensions each), got {}",
                    self.parameters.len()
                ),
            );
        }
        if self.design == DesignKind::Morris {
            let lp = join(path, "levels");
            v.int_in(&lp, self.levels, 2, 1000);
            if !self.levels.is_multiple_of(2) {
                v.error(
                    lp,
                    format!(
                        "must be even (Morris's step of levels / (2 (levels - 1)) then keeps every point on the grid), got {}",
                        self.levels
                    ),
                );
            }
        }
        if self.design == DesignKind::Saltelli {
            v.int_in(
                &join(path, "bootstrap_resamples"),
                self.bootstrap_resamples,
                0,
                MAX_BOOTSTRAP,
            );
        }
        if !self.parameters.is_empty() && self.points() > MAX_POINTS {
            v.error(
                join(path, "samples"),
                format!(
                    "the {} design of {} parameters with {} samples has {} points, more than the limit of {MAX_POINTS}",
                    self.design.name(),
                    self.parameters.len(),
                    self.samples,
                    self.points()
                ),
            );
        }
        let mut seen: Vec<&str> = Vec::new();
        for (i, p) in self.parameters.iter().enumerate() {
            let pp = index(&params, i);
            check_parameter_path(
                v,
                &join(&pp, "path"),
                &p.path,
                &FIXED_FIELDS,
                "uncertain",
                "listed twice",
                &mut seen,
            );
            p.distribution.validate(v, &join(&pp, "distribution"));
            if p.integer && matches!(p.distribution, DistributionConfig::Discrete { .. }) {
                v.error(
                    join(&pp, "integer"),
                    "applies to continuous distributions only (give the discrete values as integers)",
                );
            }
        }
    }
}
