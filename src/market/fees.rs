//! Transaction fees per block: a USD fee per transaction, a fixed BTC
//! amount, a share of the subsidy, a replay of historical daily fees, or
//! none. Every model can switch the subsidy off from a date on
//! (`fee_only_from`), the fee-only future of the "what happens when the
//! subsidy is gone" question.
//!
//! Noise, where a model has it, is multiplicative, mean-one lognormal
//! `exp(σZ − σ²/2)` and independent per step, so it leaves the expected fee
//! level unchanged.

use super::history::{load_daily_series, DailySeries};
use super::{check_valid, compound_growth, mean_one_noise, sane_seconds, DataFiles, MarketError};
use crate::calendar::{Date, SECONDS_PER_DAY};
use crate::validate::{join, Validator};
use serde::{Deserialize, Serialize};

/// Blocks per day at the 10-minute target spacing.
pub const BLOCKS_PER_DAY: f64 = 144.0;

fn default_blocks_per_day() -> f64 {
    BLOCKS_PER_DAY
}

fn default_fee_column() -> String {
    "FeeTotNtv".to_string()
}

fn default_date_column() -> String {
    "time".to_string()
}

/// Largest fee per block a [`FeeProcess`] returns, BTC: every bitcoin
/// there will ever be.
pub const MAX_FEE_BTC_PER_BLOCK: f64 = 21_000_000.0;

/// How fees evolve (scenario table `[fees]`, chosen by `model`).
///
/// Every variant also takes `fee_only_from` (`YYYY-MM-DD`, default none):
/// from that day on the engine sets the block subsidy to zero, whatever the
/// halving schedule says.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "model", rename_all = "snake_case", deny_unknown_fields)]
pub enum FeeConfig {
    /// A USD fee per transaction: fees per block in BTC =
    /// `usd_per_tx × tx_per_block / price` (0 when the price is 0).
    UsdPerTx {
        /// Mean fee per transaction, USD, >= 0. Required.
        usd_per_tx: f64,
        /// Transactions per block, >= 0 (about 3,000–4,000 in 2024). Required.
        tx_per_block: f64,
        /// σ of the mean-one lognormal noise per step, in [0, 5]. Default 0.
        #[serde(default)]
        noise_sd_log: f64,
        /// A path through time for both quantities (for example Layer-2
        /// settlement demand raising the fee per transaction). Default: flat.
        #[serde(default, skip_serializing_if = "FeeGrowth::is_flat")]
        growth: FeeGrowth,
        /// Day from which the subsidy is zero. Default none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fee_only_from: Option<Date>,
    },
    /// A fixed amount of BTC per block.
    BtcPerBlock {
        /// Fees per block, BTC, >= 0. Required.
        btc_per_block: f64,
        /// σ of the mean-one lognormal noise per step, in [0, 5]. Default 0.
        #[serde(default)]
        noise_sd_log: f64,
        /// Day from which the subsidy is zero. Default none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fee_only_from: Option<Date>,
    },
    /// Fees as a multiple of the block subsidy: `share × subsidy`.
    SubsidyShare {
        /// Fees per block as a share of the subsidy, in [0, 10]. Required.
        share: f64,
        /// σ of the mean-one lognormal noise per step, in [0, 5]. Default 0.
        #[serde(default)]
        noise_sd_log: f64,
        /// Day from which the subsidy is zero. Default none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fee_only_from: Option<Date>,
    },
    /// Historical daily total fees (BTC) from a CSV file divided by
    /// `blocks_per_day`; for a step the time-weighted mean of the days it
    /// covers.
    Replay {
        /// CSV file, relative to the scenario file's folder or absolute. Required.
        path: String,
        /// Column with the day's total fees in BTC. Default `"FeeTotNtv"` (Coin Metrics).
        #[serde(default = "default_fee_column")]
        column: String,
        /// Column with the day (`YYYY-MM-DD`). Default `"time"` (Coin Metrics).
        #[serde(default = "default_date_column")]
        date_column: String,
        /// Optional column with the day's transaction count (Coin Metrics:
        /// `"TxCnt"`), reported as transactions per block. Default none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tx_column: Option<String>,
        /// Blocks per day to spread a day's fees over, > 0. Default 144
        /// (one block per 10 minutes; real days vary with hashrate).
        #[serde(default = "default_blocks_per_day")]
        blocks_per_day: f64,
        /// Day from which the subsidy is zero. Default none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fee_only_from: Option<Date>,
    },
    /// No fees at all.
    None {
        /// Day from which the subsidy is zero. Default none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fee_only_from: Option<Date>,
    },
}

/// Compound growth of the `usd_per_tx` model's two quantities from the
/// run's start (scenario sub-table `[fees.growth]`): after `y` years the fee
/// per transaction is `min(usd_per_tx × (1 + usd_per_tx_per_year)^y,
/// usd_per_tx_max)` and likewise the transactions per block, `y` taken at
/// the middle of each step. Rates in [-0.9, 1]; a cap, where given, > 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FeeGrowth {
    /// Growth of the USD fee per transaction, per year. Default 0.
    #[serde(default)]
    pub usd_per_tx_per_year: f64,
    /// Upper bound on the USD fee per transaction. Default none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usd_per_tx_max: Option<f64>,
    /// Growth of the transactions per block, per year. Default 0.
    #[serde(default)]
    pub tx_per_block_per_year: f64,
    /// Upper bound on the transactions per block (block space). Default none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tx_per_block_max: Option<f64>,
}

impl FeeGrowth {
    /// True when nothing grows and nothing is capped (the default).
    pub fn is_flat(&self) -> bool {
        *self == FeeGrowth::default()
    }

    fn validate(&self, v: &mut Validator, path: &str) {
        let path = join(path, "growth");
        v.in_closed(
            &join(&path, "usd_per_tx_per_year"),
            self.usd_per_tx_per_year,
            -0.9,
            1.0,
        );
        v.in_closed(
            &join(&path, "tx_per_block_per_year"),
            self.tx_per_block_per_year,
            -0.9,
            1.0,
        );
        if let Some(max) = self.usd_per_tx_max {
            v.positive(&join(&path, "usd_per_tx_max"), max);
        }
        if let Some(max) = self.tx_per_block_max {
            v.positive(&join(&path, "tx_per_block_max"), max);
        }
    }

    /// `start × (1 + rate)^years`, at most `max`; finite for finite input.
    fn grown(start: f64, rate: f64, max: Option<f64>, years: f64) -> f64 {
        let x = start * compound_growth(rate, years);
        match max {
            Some(m) => x.min(m),
            None => x,
        }
    }

    /// Fee per transaction (USD) and transactions per block `years` after
    /// the start, from their starting values.
    pub fn at(&self, usd_per_tx: f64, tx_per_block: f64, years: f64) -> (f64, f64) {
        if self.is_flat() {
            return (usd_per_tx, tx_per_block);
        }
        (
            Self::grown(
                usd_per_tx,
                self.usd_per_tx_per_year,
                self.usd_per_tx_max,
                years,
            ),
            Self::grown(
                tx_per_block,
                self.tx_per_block_per_year,
                self.tx_per_block_max,
                years,
            ),
        )
    }
}

fn validate_noise(v: &mut Validator, path: &str, noise_sd_log: f64) {
    v.in_closed(&join(path, "noise_sd_log"), noise_sd_log, 0.0, 5.0);
}

impl FeeConfig {
    /// Reports every out-of-range field under `path` (e.g. `fees`).
    pub fn validate(&self, v: &mut Validator, path: &str) {
        match self {
            FeeConfig::UsdPerTx {
                usd_per_tx,
                tx_per_block,
                noise_sd_log,
                growth,
                ..
            } => {
                v.non_negative(&join(path, "usd_per_tx"), *usd_per_tx);
                v.non_negative(&join(path, "tx_per_block"), *tx_per_block);
                validate_noise(v, path, *noise_sd_log);
                growth.validate(v, path);
            }
            FeeConfig::BtcPerBlock {
                btc_per_block,
                noise_sd_log,
                ..
            } => {
                v.non_negative(&join(path, "btc_per_block"), *btc_per_block);
                validate_noise(v, path, *noise_sd_log);
            }
            FeeConfig::SubsidyShare {
                share,
                noise_sd_log,
                ..
            } => {
                v.in_closed(&join(path, "share"), *share, 0.0, 10.0);
                validate_noise(v, path, *noise_sd_log);
            }
            FeeConfig::Replay {
                path: file,
                column,
                date_column,
                tx_column,
                blocks_per_day,
                ..
            } => {
                for (field, value) in [
                    ("path", file.as_str()),
                    ("column", column.as_str()),
                    ("date_column", date_column.as_str()),
                    ("tx_column", tx_column.as_deref().unwrap_or("-")),
                ] {
                    if value.trim().is_empty() {
                        v.error(join(path, field), "must not be empty");
                    }
                }
                v.positive(&join(path, "blocks_per_day"), *blocks_per_day);
            }
            FeeConfig::None { .. } => {}
        }
    }

    /// The day from which the subsidy is zero, if any.
    pub fn fee_only_from(&self) -> Option<Date> {
        match self {
            FeeConfig::UsdPerTx { fee_only_from, .. }
            | FeeConfig::BtcPerBlock { fee_only_from, .. }
            | FeeConfig::SubsidyShare { fee_only_from, .. }
            | FeeConfig::Replay { fee_only_from, .. }
            | FeeConfig::None { fee_only_from } => *fee_only_from,
        }
    }
}

/// Model-specific state of a [`FeeProcess`].
#[derive(Debug, Clone)]
enum FeeModel {
    UsdPerTx {
        usd_per_tx: f64,
        tx_per_block: f64,
        noise_sd_log: f64,
        growth: FeeGrowth,
    },
    BtcPerBlock {
        btc_per_block: f64,
        noise_sd_log: f64,
    },
    SubsidyShare {
        share: f64,
        noise_sd_log: f64,
    },
    Replay {
        fees: DailySeries,
        tx: Option<DailySeries>,
        file: String,
        column: String,
        tx_column: String,
        blocks_per_day: f64,
    },
    None,
}

/// The fee level for one run. Build with [`FeeProcess::new`], then call
/// [`FeeProcess::step_fee_btc_per_block`] once per step.
#[derive(Debug, Clone)]
pub struct FeeProcess {
    model: FeeModel,
    start: Date,
    fee_only_from: Option<Date>,
    /// Transactions per block of the last step, where the model knows it.
    tx_per_block: Option<f64>,
}

fn finite_non_negative(x: f64) -> f64 {
    if x.is_finite() && x > 0.0 {
        x
    } else {
        0.0
    }
}

impl FeeProcess {
    /// Builds the process; replay files are opened through `files` (for a
    /// scenario: relative to its folder). Replay files are loaded here and must cover
    /// `start`; call [`FeeProcess::check_covers`] with the run's horizon.
    pub fn new(
        cfg: &FeeConfig,
        start: Date,
        files: &dyn DataFiles,
    ) -> Result<FeeProcess, MarketError> {
        check_valid(|v| cfg.validate(v, "fees"))?;
        let mut tx_per_block = None;
        let model = match cfg {
            FeeConfig::UsdPerTx {
                usd_per_tx,
                tx_per_block: tx,
                noise_sd_log,
                growth,
                ..
            } => {
                tx_per_block = Some(*tx);
                FeeModel::UsdPerTx {
                    usd_per_tx: *usd_per_tx,
                    tx_per_block: *tx,
                    noise_sd_log: *noise_sd_log,
                    growth: *growth,
                }
            }
            FeeConfig::BtcPerBlock {
                btc_per_block,
                noise_sd_log,
                ..
            } => FeeModel::BtcPerBlock {
                btc_per_block: *btc_per_block,
                noise_sd_log: *noise_sd_log,
            },
            FeeConfig::SubsidyShare {
                share,
                noise_sd_log,
                ..
            } => FeeModel::SubsidyShare {
                share: *share,
                noise_sd_log: *noise_sd_log,
            },
            FeeConfig::Replay {
                path,
                column,
                date_column,
                tx_column,
                blocks_per_day,
                ..
            } => {
                let (fees, file) = load_daily_series(files, path, date_column, column)?;
                let tx = match tx_column {
                    Some(c) => Some(load_daily_series(files, path, date_column, c)?.0),
                    None => None,
                };
                FeeModel::Replay {
                    fees,
                    tx,
                    file,
                    column: column.clone(),
                    tx_column: tx_column.clone().unwrap_or_default(),
                    blocks_per_day: *blocks_per_day,
                }
            }
            FeeConfig::None { .. } => FeeModel::None,
        };
        let p = FeeProcess {
            model,
            start,
            fee_only_from: cfg.fee_only_from(),
            tx_per_block,
        };
        p.check_covers(start, start)?;
        Ok(p)
    }

    /// Errors unless fees are defined for every day from `from` through `to`
    /// (inclusive). Only replayed series can fail.
    pub fn check_covers(&self, from: Date, to: Date) -> Result<(), MarketError> {
        if let FeeModel::Replay {
            fees,
            tx,
            file,
            column,
            tx_column,
            ..
        } = &self.model
        {
            let series = std::iter::once((fees, column)).chain(tx.iter().map(|t| (t, tx_column)));
            for (s, col) in series {
                if !s.covers(from, to) {
                    return Err(MarketError::NotCovered {
                        file: file.clone(),
                        column: col.clone(),
                        first: s.first_date(),
                        last: s.last_date(),
                        from,
                        to,
                    });
                }
            }
        }
        Ok(())
    }

    /// Date from which the subsidy is forced to zero (fee-only what-if), if any.
    pub fn fee_only_from(&self) -> Option<Date> {
        self.fee_only_from
    }

    /// Transactions per block of the last step: the configured count for
    /// `usd_per_tx`, the replayed count ÷ blocks per day for `replay` with a
    /// `tx_column`; `None` otherwise.
    pub fn tx_per_block(&self) -> Option<f64> {
        self.tx_per_block
    }

    /// Expected fees per block in BTC for this step, given the step's price
    /// (USD/BTC) and the per-block subsidy in BTC. Finite, >= 0 and at most
    /// [`MAX_FEE_BTC_PER_BLOCK`] (a USD fee at a price near zero would
    /// otherwise be more bitcoin than will ever exist).
    ///
    /// `step_index` is informational; the step covers `t_s .. t_s + dt_s`
    /// seconds after the start date (replay averages over those days).
    pub fn step_fee_btc_per_block<R: rand::Rng + ?Sized>(
        &mut self,
        step_index: u64,
        t_s: f64,
        dt_s: f64,
        price_usd: f64,
        subsidy_btc_per_block: f64,
        rng: &mut R,
    ) -> f64 {
        let _ = step_index;
        let fee = match &self.model {
            FeeModel::UsdPerTx {
                usd_per_tx,
                tx_per_block,
                noise_sd_log,
                growth,
            } => {
                let mid_years =
                    (sane_seconds(t_s) + 0.5 * sane_seconds(dt_s)) / (365.25 * SECONDS_PER_DAY);
                let (usd_per_tx, tx_per_block) = growth.at(*usd_per_tx, *tx_per_block, mid_years);
                self.tx_per_block = Some(tx_per_block);
                let noise = mean_one_noise(*noise_sd_log, rng);
                if price_usd.is_finite() && price_usd > 0.0 {
                    let fee = usd_per_tx * tx_per_block / price_usd * noise;
                    // Huge but valid inputs saturate instead of reading as 0.
                    if fee.is_nan() {
                        0.0
                    } else {
                        fee.min(MAX_FEE_BTC_PER_BLOCK)
                    }
                } else {
                    0.0
                }
            }
            FeeModel::BtcPerBlock {
                btc_per_block,
                noise_sd_log,
            } => btc_per_block * mean_one_noise(*noise_sd_log, rng),
            FeeModel::SubsidyShare {
                share,
                noise_sd_log,
            } => {
                share
                    * finite_non_negative(subsidy_btc_per_block)
                    * mean_one_noise(*noise_sd_log, rng)
            }
            FeeModel::Replay {
                fees,
                tx,
                blocks_per_day,
                ..
            } => {
                let from = self.start.days() as f64 + sane_seconds(t_s) / SECONDS_PER_DAY;
                let to = from + sane_seconds(dt_s) / SECONDS_PER_DAY;
                if let Some(tx) = tx {
                    self.tx_per_block = Some(tx.mean_over_days(from, to) / blocks_per_day);
                }
                fees.mean_over_days(from, to) / blocks_per_day
            }
            FeeModel::None => 0.0,
        };
        finite_non_negative(fee).min(MAX_FEE_BTC_PER_BLOCK)
    }
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

    fn process(cfg: FeeConfig) -> FeeProcess {
        FeeProcess::new(&cfg, start(), &NoDataFiles).unwrap()
    }

    #[test]
    fn usd_per_tx_converts_at_the_price() {
        let mut f = process(FeeConfig::UsdPerTx {
            usd_per_tx: 30.0,
            tx_per_block: 3_000.0,
            noise_sd_log: 0.0,
            growth: FeeGrowth::default(),
            fee_only_from: None,
        });
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        // $90,000 per block at $50,000/BTC = 1.8 BTC.
        let fee = f.step_fee_btc_per_block(0, 0.0, 86_400.0, 50_000.0, 3.125, &mut rng);
        assert!((fee - 1.8).abs() < 1e-12);
        for p in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(
                f.step_fee_btc_per_block(1, 0.0, 86_400.0, p, 3.125, &mut rng),
                0.0
            );
        }
        assert_eq!(f.tx_per_block(), Some(3_000.0));
    }

    #[test]
    fn usd_per_tx_grows_along_its_path_and_stops_at_the_caps() {
        let year = 365.25 * SECONDS_PER_DAY;
        let mut f = process(FeeConfig::UsdPerTx {
            usd_per_tx: 2.0,
            tx_per_block: 3_000.0,
            noise_sd_log: 0.0,
            growth: FeeGrowth {
                usd_per_tx_per_year: 0.05,
                usd_per_tx_max: Some(100.0),
                tx_per_block_per_year: 0.02,
                tx_per_block_max: Some(4_000.0),
            },
            fee_only_from: None,
        });
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        // A step of one day whose middle is exactly 10 years in.
        let t = 10.0 * year - 43_200.0;
        let fee = f.step_fee_btc_per_block(0, t, 86_400.0, 50_000.0, 0.0, &mut rng);
        let usd = 2.0 * 1.05f64.powi(10);
        let tx = 3_000.0 * 1.02f64.powi(10);
        assert!((fee - usd * tx / 50_000.0).abs() < 1e-9 * fee, "{fee}");
        assert!((f.tx_per_block().unwrap() - tx).abs() < 1e-6);
        // After 100 years both quantities sit at their caps.
        let fee = f.step_fee_btc_per_block(1, 100.0 * year, 86_400.0, 50_000.0, 0.0, &mut rng);
        assert!((fee - 100.0 * 4_000.0 / 50_000.0).abs() < 1e-12);
        assert_eq!(f.tx_per_block(), Some(4_000.0));
        // A fast rate over a long run saturates at the BTC cap, never 0 or inf.
        let mut g = process(FeeConfig::UsdPerTx {
            usd_per_tx: 1e10,
            tx_per_block: 1e10,
            noise_sd_log: 0.0,
            growth: FeeGrowth {
                usd_per_tx_per_year: 1.0,
                tx_per_block_per_year: 1.0,
                ..FeeGrowth::default()
            },
            fee_only_from: None,
        });
        let fee = g.step_fee_btc_per_block(0, 999.0 * year, year, 1.0, 0.0, &mut rng);
        assert_eq!(fee, MAX_FEE_BTC_PER_BLOCK);
        // Decline is allowed and stays positive.
        let mut d = process(FeeConfig::UsdPerTx {
            usd_per_tx: 10.0,
            tx_per_block: 1.0,
            noise_sd_log: 0.0,
            growth: FeeGrowth {
                usd_per_tx_per_year: -0.5,
                ..FeeGrowth::default()
            },
            fee_only_from: None,
        });
        let fee = d.step_fee_btc_per_block(0, 2.0 * year - 0.5, 1.0, 1.0, 0.0, &mut rng);
        assert!((fee - 2.5).abs() < 1e-6, "{fee}");
    }

    #[test]
    fn fee_growth_out_of_range_names_the_field() {
        let cfg: FeeConfig = toml::from_str(
            "model = 'usd_per_tx'\nusd_per_tx = 1\ntx_per_block = 1\ngrowth = { usd_per_tx_per_year = 2, tx_per_block_max = 0 }",
        )
        .unwrap();
        let err = FeeProcess::new(&cfg, start(), &NoDataFiles)
            .unwrap_err()
            .to_string();
        assert!(err.contains("fees.growth.usd_per_tx_per_year"), "{err}");
        assert!(err.contains("fees.growth.tx_per_block_max"), "{err}");
        let bad: Result<FeeConfig, _> = toml::from_str(
            "model = 'usd_per_tx'\nusd_per_tx = 1\ntx_per_block = 1\ngrowth = { per_year = 0.1 }",
        );
        assert!(bad.unwrap_err().to_string().contains("per_year"));
    }

    #[test]
    fn share_btc_and_none() {
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let mut s = process(FeeConfig::SubsidyShare {
            share: 0.1,
            noise_sd_log: 0.0,
            fee_only_from: None,
        });
        assert!(
            (s.step_fee_btc_per_block(0, 0.0, 1.0, 1.0, 3.125, &mut rng) - 0.3125).abs() < 1e-15
        );
        assert_eq!(
            s.step_fee_btc_per_block(0, 0.0, 1.0, 1.0, f64::NAN, &mut rng),
            0.0
        );
        let mut b = process(FeeConfig::BtcPerBlock {
            btc_per_block: 0.25,
            noise_sd_log: 0.0,
            fee_only_from: None,
        });
        assert_eq!(
            b.step_fee_btc_per_block(0, 0.0, 1.0, 0.0, 0.0, &mut rng),
            0.25
        );
        let d = Date::from_ymd(2140, 1, 1);
        let mut n = process(FeeConfig::None { fee_only_from: d });
        assert_eq!(
            n.step_fee_btc_per_block(0, 0.0, 1.0, 1e5, 3.125, &mut rng),
            0.0
        );
        assert_eq!(n.fee_only_from(), d);
        assert_eq!(b.fee_only_from(), None);
    }

    #[test]
    fn noise_is_mean_one() {
        let mut b = process(FeeConfig::BtcPerBlock {
            btc_per_block: 1.0,
            noise_sd_log: 0.5,
            fee_only_from: None,
        });
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let n = 100_000;
        let mean = (0..n)
            .map(|k| b.step_fee_btc_per_block(k, 0.0, 86_400.0, 1.0, 1.0, &mut rng))
            .sum::<f64>()
            / n as f64;
        // sd of the multiplier is sqrt(e^0.25 − 1) ≈ 0.53, standard error ≈
        // 0.0017; 1 % is about 6 standard errors.
        assert!((mean - 1.0).abs() < 0.01, "mean {mean}");
    }

    #[test]
    fn validation_names_fields() {
        let mut v = Validator::new();
        FeeConfig::Replay {
            path: " ".into(),
            column: "FeeTotNtv".into(),
            date_column: "time".into(),
            tx_column: Some(String::new()),
            blocks_per_day: 0.0,
            fee_only_from: None,
        }
        .validate(&mut v, "fees");
        FeeConfig::SubsidyShare {
            share: 11.0,
            noise_sd_log: -0.1,
            fee_only_from: None,
        }
        .validate(&mut v, "f2");
        let msgs: Vec<String> = v.into_errors().iter().map(|e| e.to_string()).collect();
        assert_eq!(
            msgs,
            [
                "fees.path must not be empty",
                "fees.tx_column must not be empty",
                "fees.blocks_per_day must be > 0, got 0",
                "f2.share must be in [0, 10], got 11",
                "f2.noise_sd_log must be in [0, 5], got -0.1",
            ]
        );
    }
}
