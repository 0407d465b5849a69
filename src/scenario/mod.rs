//! Scenario files: the TOML schema of a run, loading and validation.
//!
//! One TOML file describes a whole run. Every table is a struct with
//! `deny_unknown_fields`, so a typo is an error that names the file, line
//! and column. Values are then checked by [`Scenario::validate`], which
//! reports each bad value with its field path and the allowed range.

pub mod load;
pub mod validate;

pub use load::{load_scenario, parse_scenario, ScenarioError};

use crate::calendar::Date;
use crate::consensus::{ChainParams, Target};
use crate::engine::blocks::BlockSampling;
use crate::engine::supply::HashSupplyConfig;
use crate::market::{FeeConfig, PriceConfig};
use crate::miners::MinersConfig;
use crate::sweep::SweepConfig;
use serde::{Deserialize, Serialize};
use validate::Validator;

/// Largest number of steps a run may have (a century of hourly steps).
pub const MAX_STEPS: u64 = 1_000_000;

/// Largest start height accepted (2^32 − 1: some 80,000 years of
/// ten-minute blocks), so that heights never overflow during a run.
pub const MAX_START_HEIGHT: u64 = u32::MAX as u64;

/// A whole scenario, as written in its TOML file.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Name of the scenario; outputs go to `output/<name>/`. Default: the
    /// file name without `.toml`. Letters, digits, `-`, `_` and `.` only.
    #[serde(default)]
    pub name: String,
    /// Free text shown by `minesim check`.
    #[serde(default)]
    pub description: String,
    /// Master seed of the random streams (default 1). Run `i` of a batch
    /// uses stream `i` of this seed.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// Number of Monte Carlo runs (default 1; `--runs` overrides).
    #[serde(default = "default_runs")]
    pub runs: u64,
    /// The chain at time zero.
    pub start: StartState,
    /// Horizon, step and block sampling.
    #[serde(default)]
    pub simulation: SimulationConfig,
    /// Consensus parameters (default: Bitcoin mainnet).
    #[serde(default)]
    pub chain: ChainParams,
    /// BTC price path.
    pub price: PriceConfig,
    /// Transaction fees (default: none).
    #[serde(default = "no_fees")]
    pub fees: FeeConfig,
    /// Agent-based miners. Exactly one of `[miners]` and `[hash_supply]`.
    #[serde(default)]
    pub miners: Option<MinersConfig>,
    /// Reduced-form hash supply instead of agents.
    #[serde(default)]
    pub hash_supply: Option<HashSupplyConfig>,
    /// Reference quantities of the world outside Bitcoin.
    #[serde(default)]
    pub world: WorldConfig,
    /// How summary metrics are computed.
    #[serde(default)]
    pub metrics: MetricsConfig,
    /// Parameter sweep: run the batch at several points of parameter
    /// space (default: none, a single batch). See [`crate::sweep`].
    #[serde(default)]
    pub sweep: Option<SweepConfig>,
}

fn no_fees() -> FeeConfig {
    FeeConfig::None {
        fee_only_from: None,
    }
}

fn default_seed() -> u64 {
    1
}
fn default_runs() -> u64 {
    1
}

/// The chain state at time zero.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StartState {
    /// Start date (UTC, `YYYY-MM-DD`); simulation time 0 is its midnight.
    pub date: Date,
    /// Height of the last block before the start, in [0, 2^32 − 1].
    pub height: u64,
    /// Difficulty of the next block. Give this or `bits`.
    #[serde(default)]
    pub difficulty: Option<f64>,
    /// Compact target (`nBits`) of the next block, e.g. `0x17034219`.
    #[serde(default)]
    pub bits: Option<u32>,
    /// Timestamp (Unix seconds) of the first block of the current
    /// retarget epoch, at or before the start. Default: the epoch so far
    /// ran at the target spacing.
    #[serde(default)]
    pub epoch_first_block_unix_s: Option<i64>,
}

impl StartState {
    /// The compact target the chain starts from.
    pub fn start_bits(&self, chain: &ChainParams) -> u32 {
        match (self.bits, self.difficulty) {
            (Some(b), _) => b,
            (None, Some(d)) => Target::from_difficulty(d, &chain.pow_limit()).to_compact(),
            (None, None) => chain.pow_limit_bits,
        }
    }
}

/// Horizon and time step.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SimulationConfig {
    /// Length of the run in years of 365.25 days (default 10).
    #[serde(default = "default_years")]
    pub years: f64,
    /// Length of a step in days (default 1; 1/24 for hourly, 7 for weekly).
    #[serde(default = "default_step_days")]
    pub step_days: f64,
    /// `aggregate` (default, O(1) draws per step) or `per_block`.
    #[serde(default)]
    pub block_sampling: BlockSampling,
}

fn default_years() -> f64 {
    10.0
}
fn default_step_days() -> f64 {
    1.0
}

impl Default for SimulationConfig {
    fn default() -> Self {
        SimulationConfig {
            years: default_years(),
            step_days: default_step_days(),
            block_sampling: BlockSampling::default(),
        }
    }
}

impl SimulationConfig {
    /// Step length in seconds.
    pub fn step_s(&self) -> f64 {
        self.step_days * 86_400.0
    }
    /// Number of steps, rounded up so the horizon is covered.
    pub fn steps(&self) -> u64 {
        let s = (self.years * 365.25 / self.step_days).ceil();
        if s.is_finite() && s > 0.0 {
            s as u64
        } else {
            0
        }
    }
}

/// The world outside Bitcoin, for shares and comparisons.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WorldConfig {
    /// World electricity generation, TWh per year (default 30,500: 2024,
    /// IEA / Ember, see shared/reference/economics.md).
    #[serde(default = "default_world_twh")]
    pub electricity_twh_per_year: f64,
}

fn default_world_twh() -> f64 {
    30_500.0
}

impl Default for WorldConfig {
    fn default() -> Self {
        WorldConfig {
            electricity_twh_per_year: default_world_twh(),
        }
    }
}

/// How summary metrics are computed.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MetricsConfig {
    /// The equilibrium values (spend ratios, energy) are taken over the
    /// last this many years of the run (default: 2 years, or the whole run
    /// if it is shorter; at most the horizon).
    #[serde(default)]
    pub equilibrium_window_years: Option<f64>,
    /// Electricity price the CBECI view assumes, USD/kWh (default 0.05).
    #[serde(default = "default_cbeci_price")]
    pub cbeci_energy_price_usd_per_kwh: f64,
}

fn default_cbeci_price() -> f64 {
    0.05
}

impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig {
            equilibrium_window_years: None,
            cbeci_energy_price_usd_per_kwh: default_cbeci_price(),
        }
    }
}

impl MetricsConfig {
    /// The equilibrium window in years for a horizon of `years`.
    pub fn window_years(&self, years: f64) -> f64 {
        self.equilibrium_window_years.unwrap_or(years.min(2.0))
    }
}

impl Scenario {
    /// Checks every value; returns all problems found.
    pub fn validate(&self) -> Result<(), Vec<validate::FieldError>> {
        let mut v = Validator::new();
        if self.name.is_empty()
            || !self
                .name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            || self.name.starts_with('.')
        {
            v.error(
                "name",
                format!(
                    "must be non-empty and use only letters, digits, '-', '_' and '.', got {:?}",
                    self.name
                ),
            );
        }
        v.int_in("runs", self.runs, 1, 1_000_000);
        self.chain.validate(&mut v, "chain");
        let chain_ok = v.is_empty();
        if chain_ok && self.chain.retarget_clamp_factor < 2 {
            // With a factor of 1 the difficulty never moves, and a hashrate
            // far above it would mine unboundedly many blocks per step.
            v.error(
                "chain.retarget_clamp_factor",
                format!(
                    "must be at least 2 so the difficulty can follow the hashrate, got {}",
                    self.chain.retarget_clamp_factor
                ),
            );
        }
        match (self.start.difficulty, self.start.bits) {
            (Some(_), Some(_)) => v.error(
                "start.bits",
                "must not be given together with start.difficulty (give one of them)",
            ),
            (None, None) => v.error(
                "start.difficulty",
                "is missing: give start.difficulty or start.bits",
            ),
            (Some(d), None) => v.in_closed("start.difficulty", d, 1.0, 1e30),
            (None, Some(b)) => {
                if let Err(e) = Target::from_compact(b) {
                    v.error("start.bits", format!("is not a valid compact target: {e}"));
                } else if chain_ok && Target::from_compact(b).ok() > Some(self.chain.pow_limit()) {
                    v.error(
                        "start.bits",
                        format!(
                            "must not be easier than the proof-of-work limit {:#010x}, got {b:#010x}",
                            self.chain.pow_limit_bits
                        ),
                    );
                }
            }
        }
        v.int_in("start.height", self.start.height, 0, MAX_START_HEIGHT);
        if let Some(t) = self.start.epoch_first_block_unix_s {
            let start = self.start.date.unix_seconds();
            if !(0..=start).contains(&t) {
                v.error(
                    "start.epoch_first_block_unix_s",
                    format!(
                        "must be in [0, {start}] (not after midnight UTC of start.date), got {t}"
                    ),
                );
            }
        }
        let sim = &self.simulation;
        let before = v.len();
        v.in_open_closed("simulation.years", sim.years, 0.0, 1000.0);
        if !(sim.step_days.is_finite() && (1.0 / 24.0..=31.0).contains(&sim.step_days)) {
            v.error(
                "simulation.step_days",
                format!(
                    "must be in [1/24 (one hour), 31], got {}",
                    validate::num(sim.step_days)
                ),
            );
        }
        let horizon_ok = v.len() == before;
        if horizon_ok && sim.steps() > MAX_STEPS {
            v.error(
                "simulation.years",
                format!(
                    "{} at step_days {} gives {} steps, more than the limit of {MAX_STEPS} \
                     (shorten years or lengthen step_days)",
                    validate::num(sim.years),
                    validate::num(sim.step_days),
                    sim.steps()
                ),
            );
        }
        self.price.validate(&mut v, "price");
        self.fees.validate(&mut v, "fees");
        match (&self.miners, &self.hash_supply) {
            (Some(m), None) => m.validate(&mut v, "miners"),
            (None, Some(h)) => h.validate(&mut v, "hash_supply"),
            (Some(_), Some(_)) => {
                v.error("miners", "give either [miners] or [hash_supply], not both")
            }
            (None, None) => v.error(
                "miners",
                "is missing: give [miners] (agents) or [hash_supply]",
            ),
        }
        v.in_open_closed(
            "world.electricity_twh_per_year",
            self.world.electricity_twh_per_year,
            0.0,
            1e7,
        );
        if let (true, Some(w)) = (horizon_ok, self.metrics.equilibrium_window_years) {
            v.in_open_closed(
                "metrics.equilibrium_window_years",
                w,
                0.0,
                self.simulation.years,
            );
        }
        v.in_open_closed(
            "metrics.cbeci_energy_price_usd_per_kwh",
            self.metrics.cbeci_energy_price_usd_per_kwh,
            0.0,
            100.0,
        );
        if let Some(sweep) = &self.sweep {
            sweep.validate(&mut v, "sweep");
        }
        v.finish()
    }

    /// The last day the run covers (inclusive): the day that contains the
    /// last second of the last step. Data files must cover it.
    pub fn end_date(&self) -> Date {
        let seconds = self.simulation.steps() as f64 * self.simulation.step_s();
        Date::from_unix_seconds(self.start.date.unix_seconds() + seconds.ceil() as i64 - 1)
    }
}
