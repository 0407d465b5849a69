//! BTC price paths: constant, geometric Brownian motion, Merton jump
//! diffusion, two-regime switching, piecewise-linear paths through given
//! dates, and replay of a historical daily series.
//!
//! Time convention: the engine asks for the price of the step that starts
//! `t_s` seconds after the start date. The stochastic models return the
//! start price at `t_s = 0` and evolve the price exactly over the time that
//! elapsed since the previous call (`t_s` minus the previous `t_s`, normally
//! the previous step's `dt`), so changing the step length does not change
//! the distribution of the path at a given time. Drifts and volatilities are
//! per year of 365.25 days.

use super::history::{load_daily_series, DailySeries};
use super::{check_valid, sane_seconds, DataFiles, MarketError, SECONDS_PER_YEAR};
use crate::calendar::{Date, SECONDS_PER_DAY};
use crate::validate::{index, join, Validator};
use rand_distr::{Distribution, Poisson, StandardNormal};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Largest |ln price| the stochastic models reach; keeps `exp` finite.
const MAX_ABS_LOG_PRICE: f64 = 690.0;

/// Highest BTC price a scenario may give (start, constant or point
/// prices), USD.
pub const MAX_PRICE_USD: f64 = 1e15;

/// Highest BTC price a [`PriceProcess`] returns, USD: a random walk may
/// drift far above [`MAX_PRICE_USD`] over centuries, but not so far that
/// market caps, rewards and their sums over a run overflow.
pub const MAX_PATH_PRICE_USD: f64 = 1e100;

/// A price field: > 0 (or >= 0 with `allow_zero`) and at most [`MAX_PRICE_USD`].
fn validate_price(v: &mut Validator, path: &str, price: f64, allow_zero: bool) {
    if allow_zero {
        v.non_negative(path, price);
    } else {
        v.positive(path, price);
    }
    if price.is_finite() && price > MAX_PRICE_USD {
        v.error(
            path,
            format!(
                "must be at most {} USD, got {}",
                crate::validate::num(MAX_PRICE_USD),
                crate::validate::num(price)
            ),
        );
    }
}

/// Market regime of the regime-switching model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Regime {
    /// Rising market (the `bull_*` parameters apply).
    Bull,
    /// Falling market (the `bear_*` parameters apply).
    Bear,
}

impl Regime {
    /// The other regime.
    pub fn other(self) -> Regime {
        match self {
            Regime::Bull => Regime::Bear,
            Regime::Bear => Regime::Bull,
        }
    }
}

impl fmt::Display for Regime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Regime::Bull => "bull",
            Regime::Bear => "bear",
        })
    }
}

fn default_start_in() -> Regime {
    Regime::Bull
}

fn default_price_column() -> String {
    "PriceUSD".to_string()
}

fn default_date_column() -> String {
    "time".to_string()
}

/// One point of a piecewise-linear price path.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PricePoint {
    /// Day of this point (`YYYY-MM-DD`, price at the start of the day). Required.
    pub date: Date,
    /// Price on that day, USD per BTC, in [0, 1e15]. Required.
    pub price_usd: f64,
}

/// How the BTC price evolves (scenario table `[price]`, chosen by `model`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "model", rename_all = "snake_case", deny_unknown_fields)]
pub enum PriceConfig {
    /// A fixed price.
    Constant {
        /// Price, USD per BTC, in (0, 1e15]. Required.
        price_usd: f64,
    },
    /// Geometric Brownian motion, stepped exactly:
    /// `ln S += (μ − σ²/2)·dt + σ·√dt·Z`, dt in years of 365.25 days.
    Gbm {
        /// Price at the start date, USD per BTC, in (0, 1e15]. Required.
        start_price_usd: f64,
        /// Expected growth rate μ per year (E[S_t] = S_0·e^{μt}), in [-10, 10]. Required.
        drift_per_year: f64,
        /// Volatility σ of log price per √year, in [0, 10]. Required.
        volatility_per_year: f64,
    },
    /// Merton jump diffusion: GBM plus a Poisson number of jumps per step,
    /// each multiplying the price by `exp(N(jump_mean_log, jump_sd_log²))`;
    /// the drift is compensated so that E[S_t] = S_0·e^{μt} still holds.
    JumpDiffusion {
        /// Price at the start date, USD per BTC, in (0, 1e15]. Required.
        start_price_usd: f64,
        /// Expected growth rate μ per year, jumps included, in [-10, 10]. Required.
        drift_per_year: f64,
        /// Volatility σ of the diffusion part per √year, in [0, 10]. Required.
        volatility_per_year: f64,
        /// Mean number of jumps per year, in [0, 1000]. Required.
        jumps_per_year: f64,
        /// Mean of a jump's log size (e.g. -0.1 for a 10 % crash), in [-5, 5]. Required.
        jump_mean_log: f64,
        /// Standard deviation of a jump's log size, in [0, 5]. Required.
        jump_sd_log: f64,
    },
    /// Two-state Markov chain (bull, bear), GBM within each regime. At each
    /// step the regime switches with probability `1 − exp(−dt/mean_days)`.
    RegimeSwitching {
        /// Price at the start date, USD per BTC, in (0, 1e15]. Required.
        start_price_usd: f64,
        /// Growth rate per year in the bull regime, in [-10, 10]. Required.
        bull_drift_per_year: f64,
        /// Volatility per √year in the bull regime, in [0, 10]. Required.
        bull_volatility_per_year: f64,
        /// Growth rate per year in the bear regime, in [-10, 10]. Required.
        bear_drift_per_year: f64,
        /// Volatility per √year in the bear regime, in [0, 10]. Required.
        bear_volatility_per_year: f64,
        /// Mean length of a bull regime, days, > 0. Required.
        mean_bull_days: f64,
        /// Mean length of a bear regime, days, > 0. Required.
        mean_bear_days: f64,
        /// Regime at the start date, `"bull"` or `"bear"`. Default `"bull"`.
        #[serde(default = "default_start_in")]
        start_in: Regime,
    },
    /// Straight lines between given (date, price) points, flat before the
    /// first and after the last point.
    PiecewiseLinear {
        /// The points, dates strictly increasing, at least one. Required.
        points: Vec<PricePoint>,
    },
    /// Replays a daily price column of a CSV file: the value of the day on
    /// which the step starts.
    Replay {
        /// CSV file, relative to the scenario file's folder or absolute. Required.
        path: String,
        /// Column with the price, USD per BTC. Default `"PriceUSD"` (Coin Metrics).
        #[serde(default = "default_price_column")]
        column: String,
        /// Column with the day (`YYYY-MM-DD`). Default `"time"` (Coin Metrics).
        #[serde(default = "default_date_column")]
        date_column: String,
    },
}

fn validate_drift_vol(v: &mut Validator, path: &str, drift: (&str, f64), vol: (&str, f64)) {
    v.in_closed(&join(path, drift.0), drift.1, -10.0, 10.0);
    v.in_closed(&join(path, vol.0), vol.1, 0.0, 10.0);
}

fn validate_non_empty(v: &mut Validator, path: &str, field: &str, value: &str) {
    if value.trim().is_empty() {
        v.error(join(path, field), "must not be empty");
    }
}

impl PriceConfig {
    /// Reports every out-of-range field under `path` (e.g. `price`).
    pub fn validate(&self, v: &mut Validator, path: &str) {
        match self {
            PriceConfig::Constant { price_usd } => {
                validate_price(v, &join(path, "price_usd"), *price_usd, false)
            }
            PriceConfig::Gbm {
                start_price_usd,
                drift_per_year,
                volatility_per_year,
            } => {
                validate_price(v, &join(path, "start_price_usd"), *start_price_usd, false);
                validate_drift_vol(
                    v,
                    path,
                    ("drift_per_year", *drift_per_year),
                    ("volatility_per_year", *volatility_per_year),
                );
            }
            PriceConfig::JumpDiffusion {
                start_price_usd,
                drift_per_year,
                volatility_per_year,
                jumps_per_year,
                jump_mean_log,
                jump_sd_log,
            } => {
                validate_price(v, &join(path, "start_price_usd"), *start_price_usd, false);
                validate_drift_vol(
                    v,
                    path,
                    ("drift_per_year", *drift_per_year),
                    ("volatility_per_year", *volatility_per_year),
                );
                v.in_closed(&join(path, "jumps_per_year"), *jumps_per_year, 0.0, 1000.0);
                v.in_closed(&join(path, "jump_mean_log"), *jump_mean_log, -5.0, 5.0);
                v.in_closed(&join(path, "jump_sd_log"), *jump_sd_log, 0.0, 5.0);
            }
            PriceConfig::RegimeSwitching {
                start_price_usd,
                bull_drift_per_year,
                bull_volatility_per_year,
                bear_drift_per_year,
                bear_volatility_per_year,
                mean_bull_days,
                mean_bear_days,
                start_in: _,
            } => {
                validate_price(v, &join(path, "start_price_usd"), *start_price_usd, false);
                validate_drift_vol(
                    v,
                    path,
                    ("bull_drift_per_year", *bull_drift_per_year),
                    ("bull_volatility_per_year", *bull_volatility_per_year),
                );
                validate_drift_vol(
                    v,
                    path,
                    ("bear_drift_per_year", *bear_drift_per_year),
                    ("bear_volatility_per_year", *bear_volatility_per_year),
                );
                v.positive(&join(path, "mean_bull_days"), *mean_bull_days);
                v.positive(&join(path, "mean_bear_days"), *mean_bear_days);
            }
            PriceConfig::PiecewiseLinear { points } => {
                let pp = join(path, "points");
                if points.is_empty() {
                    v.error(pp.clone(), "must have at least one point");
                }
                for (i, p) in points.iter().enumerate() {
                    let ip = index(&pp, i);
                    validate_price(v, &join(&ip, "price_usd"), p.price_usd, true);
                    if i > 0 && p.date <= points[i - 1].date {
                        v.error(
                            join(&ip, "date"),
                            format!(
                                "must be after the previous point's date {}, got {}",
                                points[i - 1].date,
                                p.date
                            ),
                        );
                    }
                }
            }
            PriceConfig::Replay {
                path: file,
                column,
                date_column,
            } => {
                validate_non_empty(v, path, "path", file);
                validate_non_empty(v, path, "column", column);
                validate_non_empty(v, path, "date_column", date_column);
            }
        }
    }
}

/// Model-specific state of a [`PriceProcess`].
#[derive(Debug, Clone)]
enum PriceModel {
    Constant(f64),
    /// Exact log-normal steps with log drift `(μ − σ²/2)` per year.
    Gbm {
        log_drift: f64,
        vol: f64,
    },
    JumpDiffusion {
        /// `μ − σ²/2 − λ·k` with `k = E[e^Y] − 1`.
        log_drift: f64,
        vol: f64,
        jumps_per_year: f64,
        jump_mean_log: f64,
        jump_sd_log: f64,
    },
    RegimeSwitching {
        /// (log drift, volatility) per year for bull and bear.
        bull: (f64, f64),
        bear: (f64, f64),
        mean_bull_s: f64,
        mean_bear_s: f64,
        regime: Regime,
    },
    PiecewiseLinear {
        /// Day numbers (days since 1970-01-01) of the points.
        days: Vec<f64>,
        prices: Vec<f64>,
    },
    Replay {
        series: DailySeries,
        file: String,
        column: String,
    },
}

/// A BTC price path for one run. Build with [`PriceProcess::new`], then call
/// [`PriceProcess::step_price_usd`] once per step.
#[derive(Debug, Clone)]
pub struct PriceProcess {
    model: PriceModel,
    start: Date,
    /// ln price of the stochastic models at `last_t_s`.
    log_price: f64,
    /// Start price of the stochastic models, returned exactly until the
    /// first move.
    start_price: f64,
    /// Whether a stochastic model has moved from its start price.
    moved: bool,
    /// `t_s` of the previous call (0 before the first).
    last_t_s: f64,
    /// Step index and price of the previous call.
    last: Option<(u64, f64)>,
}

/// One exact log-normal increment over `dt_years`.
fn log_increment<R: rand::Rng + ?Sized>(
    log_drift: f64,
    vol: f64,
    dt_years: f64,
    rng: &mut R,
) -> f64 {
    let mut x = log_drift * dt_years;
    if vol > 0.0 {
        let z: f64 = StandardNormal.sample(rng);
        x += vol * dt_years.sqrt() * z;
    }
    x
}

impl PriceProcess {
    /// Builds the process; replay files are opened through `files` (for a
    /// scenario: relative to its folder). Replay files are loaded here and must cover
    /// `start`; call [`PriceProcess::check_covers`] with the run's horizon.
    pub fn new(
        cfg: &PriceConfig,
        start: Date,
        files: &dyn DataFiles,
    ) -> Result<PriceProcess, MarketError> {
        check_valid(|v| cfg.validate(v, "price"))?;
        let mut log_price = 0.0;
        let mut start_price = 0.0;
        let model = match cfg {
            PriceConfig::Constant { price_usd } => PriceModel::Constant(*price_usd),
            PriceConfig::Gbm {
                start_price_usd,
                drift_per_year,
                volatility_per_year,
            } => {
                log_price = start_price_usd.ln();
                start_price = *start_price_usd;
                PriceModel::Gbm {
                    log_drift: drift_per_year - 0.5 * volatility_per_year.powi(2),
                    vol: *volatility_per_year,
                }
            }
            PriceConfig::JumpDiffusion {
                start_price_usd,
                drift_per_year,
                volatility_per_year,
                jumps_per_year,
                jump_mean_log,
                jump_sd_log,
            } => {
                log_price = start_price_usd.ln();
                start_price = *start_price_usd;
                let k = (jump_mean_log + 0.5 * jump_sd_log.powi(2)).exp() - 1.0;
                PriceModel::JumpDiffusion {
                    log_drift: drift_per_year
                        - 0.5 * volatility_per_year.powi(2)
                        - jumps_per_year * k,
                    vol: *volatility_per_year,
                    jumps_per_year: *jumps_per_year,
                    jump_mean_log: *jump_mean_log,
                    jump_sd_log: *jump_sd_log,
                }
            }
            PriceConfig::RegimeSwitching {
                start_price_usd,
                bull_drift_per_year,
                bull_volatility_per_year,
                bear_drift_per_year,
                bear_volatility_per_year,
                mean_bull_days,
                mean_bear_days,
                start_in,
            } => {
                log_price = start_price_usd.ln();
                start_price = *start_price_usd;
                PriceModel::RegimeSwitching {
                    bull: (
                        bull_drift_per_year - 0.5 * bull_volatility_per_year.powi(2),
                        *bull_volatility_per_year,
                    ),
                    bear: (
                        bear_drift_per_year - 0.5 * bear_volatility_per_year.powi(2),
                        *bear_volatility_per_year,
                    ),
                    mean_bull_s: mean_bull_days * SECONDS_PER_DAY,
                    mean_bear_s: mean_bear_days * SECONDS_PER_DAY,
                    regime: *start_in,
                }
            }
            PriceConfig::PiecewiseLinear { points } => PriceModel::PiecewiseLinear {
                days: points.iter().map(|p| p.date.days() as f64).collect(),
                prices: points.iter().map(|p| p.price_usd).collect(),
            },
            PriceConfig::Replay {
                path,
                column,
                date_column,
            } => {
                let (series, file) = load_daily_series(files, path, date_column, column)?;
                let p = PriceProcess {
                    model: PriceModel::Replay {
                        series,
                        file,
                        column: column.clone(),
                    },
                    start,
                    log_price: 0.0,
                    start_price: 0.0,
                    moved: false,
                    last_t_s: 0.0,
                    last: None,
                };
                p.check_covers(start, start)?;
                return Ok(p);
            }
        };
        Ok(PriceProcess {
            model,
            start,
            log_price,
            start_price,
            moved: false,
            last_t_s: 0.0,
            last: None,
        })
    }

    /// Errors unless the price is defined for every day from `from` through
    /// `to` (inclusive). Only replayed series can fail.
    pub fn check_covers(&self, from: Date, to: Date) -> Result<(), MarketError> {
        match &self.model {
            PriceModel::Replay {
                series,
                file,
                column,
            } if !series.covers(from, to) => Err(MarketError::NotCovered {
                file: file.clone(),
                column: column.clone(),
                first: series.first_date(),
                last: series.last_date(),
                from,
                to,
            }),
            _ => Ok(()),
        }
    }

    /// The current regime of the regime-switching model (the regime of the
    /// step last asked for); `None` for the other models.
    pub fn regime(&self) -> Option<Regime> {
        match &self.model {
            PriceModel::RegimeSwitching { regime, .. } => Some(*regime),
            _ => None,
        }
    }

    /// Price (USD/BTC) for the step that starts at `t_s` seconds after the
    /// start date and lasts `dt_s` seconds; `step_index` increases by 1 each
    /// call (asking twice for the same step returns the same price without
    /// drawing). Always finite, >= 0 and at most [`MAX_PATH_PRICE_USD`].
    ///
    /// Stochastic models evolve from the previous call's `t_s` to this one;
    /// the regime-switching model then draws whether the regime changes for
    /// the step that starts now. Replay returns the value of the day on
    /// which the step starts, holding the first/last value outside the file
    /// (use [`PriceProcess::check_covers`] to reject that up front).
    pub fn step_price_usd<R: rand::Rng + ?Sized>(
        &mut self,
        step_index: u64,
        t_s: f64,
        dt_s: f64,
        rng: &mut R,
    ) -> f64 {
        let _ = dt_s; // Prices are spot values at the step's start.
        if let Some((idx, price)) = self.last {
            if idx == step_index {
                return price;
            }
        }
        let t_s = sane_seconds(t_s);
        let elapsed = (t_s - self.last_t_s).max(0.0);
        let dt_years = elapsed / SECONDS_PER_YEAR;
        let price = match &mut self.model {
            PriceModel::Constant(p) => *p,
            PriceModel::Gbm { log_drift, vol } => {
                if elapsed > 0.0 {
                    self.moved = true;
                    self.log_price += log_increment(*log_drift, *vol, dt_years, rng);
                }
                if self.moved {
                    clamped_exp(&mut self.log_price)
                } else {
                    self.start_price
                }
            }
            PriceModel::JumpDiffusion {
                log_drift,
                vol,
                jumps_per_year,
                jump_mean_log,
                jump_sd_log,
            } => {
                if elapsed > 0.0 {
                    self.moved = true;
                    let mut x = log_increment(*log_drift, *vol, dt_years, rng);
                    let lambda = *jumps_per_year * dt_years;
                    if let Ok(poisson) = Poisson::new(lambda) {
                        let n: f64 = poisson.sample(rng);
                        if n > 0.0 {
                            x += n * *jump_mean_log;
                            if *jump_sd_log > 0.0 {
                                let z: f64 = StandardNormal.sample(rng);
                                x += *jump_sd_log * n.sqrt() * z;
                            }
                        }
                    }
                    self.log_price += x;
                }
                if self.moved {
                    clamped_exp(&mut self.log_price)
                } else {
                    self.start_price
                }
            }
            PriceModel::RegimeSwitching {
                bull,
                bear,
                mean_bull_s,
                mean_bear_s,
                regime,
            } => {
                if elapsed > 0.0 {
                    self.moved = true;
                    let ((log_drift, vol), mean_s) = match regime {
                        Regime::Bull => (*bull, *mean_bull_s),
                        Regime::Bear => (*bear, *mean_bear_s),
                    };
                    self.log_price += log_increment(log_drift, vol, dt_years, rng);
                    let p_switch = 1.0 - (-elapsed / mean_s).exp();
                    let u: f64 = rand::RngExt::random(rng);
                    if u < p_switch {
                        *regime = regime.other();
                    }
                }
                if self.moved {
                    clamped_exp(&mut self.log_price)
                } else {
                    self.start_price
                }
            }
            PriceModel::PiecewiseLinear { days, prices } => {
                let x = self.start.days() as f64 + t_s / SECONDS_PER_DAY;
                interpolate(days, prices, x)
            }
            PriceModel::Replay { series, .. } => {
                let day = self
                    .start
                    .days()
                    .saturating_add((t_s / SECONDS_PER_DAY).floor() as i64);
                series.value_on_day_clamped(day)
            }
        };
        let price = if price.is_finite() && price >= 0.0 {
            price.min(MAX_PATH_PRICE_USD)
        } else {
            0.0
        };
        self.last_t_s = t_s;
        self.last = Some((step_index, price));
        price
    }
}

/// `exp` of a log price after clamping it (in place) to ±[`MAX_ABS_LOG_PRICE`].
fn clamped_exp(log_price: &mut f64) -> f64 {
    if log_price.is_nan() {
        *log_price = 0.0;
    }
    *log_price = log_price.clamp(-MAX_ABS_LOG_PRICE, MAX_ABS_LOG_PRICE);
    log_price.exp()
}

/// Linear interpolation through `(xs[i], ys[i])`, flat outside; `xs`
/// strictly increasing and non-empty.
fn interpolate(xs: &[f64], ys: &[f64], x: f64) -> f64 {
    let n = xs.len();
    if n == 0 {
        return 0.0;
    }
    if x <= xs[0] {
        return ys[0];
    }
    if x >= xs[n - 1] {
        return ys[n - 1];
    }
    // First index with xs[i] > x; 1 <= i <= n-1 here.
    let i = xs.partition_point(|&v| v <= x);
    let (x0, x1, y0, y1) = (xs[i - 1], xs[i], ys[i - 1], ys[i]);
    y0 + (y1 - y0) * (x - x0) / (x1 - x0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::market::NoDataFiles;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn start() -> Date {
        Date::from_ymd(2026, 1, 1).unwrap()
    }

    #[test]
    fn interpolation_is_exact_and_flat_outside() {
        let xs = [0.0, 10.0, 20.0];
        let ys = [100.0, 200.0, 0.0];
        assert_eq!(interpolate(&xs, &ys, -5.0), 100.0);
        assert_eq!(interpolate(&xs, &ys, 0.0), 100.0);
        assert_eq!(interpolate(&xs, &ys, 5.0), 150.0);
        assert_eq!(interpolate(&xs, &ys, 10.0), 200.0);
        assert_eq!(interpolate(&xs, &ys, 15.0), 100.0);
        assert_eq!(interpolate(&xs, &ys, 25.0), 0.0);
        assert_eq!(interpolate(&[3.0], &[7.0], 1.0), 7.0);
    }

    #[test]
    fn constant_and_repeat_calls() {
        let mut p = PriceProcess::new(
            &PriceConfig::Gbm {
                start_price_usd: 50_000.0,
                drift_per_year: 0.1,
                volatility_per_year: 0.6,
            },
            start(),
            &NoDataFiles,
        )
        .unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        assert_eq!(p.step_price_usd(0, 0.0, 86_400.0, &mut rng), 50_000.0);
        let a = p.step_price_usd(1, 86_400.0, 86_400.0, &mut rng);
        let b = p.step_price_usd(1, 86_400.0, 86_400.0, &mut rng);
        assert_eq!(a, b);
        assert_ne!(a, 50_000.0);
    }

    #[test]
    fn invalid_config_is_an_error_not_a_panic() {
        let e = PriceProcess::new(
            &PriceConfig::Gbm {
                start_price_usd: -1.0,
                drift_per_year: f64::NAN,
                volatility_per_year: 11.0,
            },
            start(),
            &NoDataFiles,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid market config: price.start_price_usd must be > 0, got -1; \
             price.drift_per_year must be a finite number, got NaN; \
             price.volatility_per_year must be in [0, 10], got 11"
        );
    }

    #[test]
    fn extreme_parameters_stay_finite() {
        let mut p = PriceProcess::new(
            &PriceConfig::JumpDiffusion {
                start_price_usd: MAX_PRICE_USD,
                drift_per_year: 10.0,
                volatility_per_year: 10.0,
                jumps_per_year: 1000.0,
                jump_mean_log: 5.0,
                jump_sd_log: 5.0,
            },
            start(),
            &NoDataFiles,
        )
        .unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(2);
        for k in 0..2_000u64 {
            let t = k as f64 * 7.0 * 86_400.0;
            let s = p.step_price_usd(k, t, 7.0 * 86_400.0, &mut rng);
            assert!(
                s.is_finite() && (0.0..=MAX_PATH_PRICE_USD).contains(&s),
                "step {k}: {s}"
            );
        }
    }
}
