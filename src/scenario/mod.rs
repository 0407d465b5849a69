//! Scenario files: the TOML schema of a run, loading and validation.
//!
//! One TOML file describes a whole run. Every table is a struct with
//! `deny_unknown_fields`, so a typo is an error that names the file, line
//! and column. Values are then checked by [`Scenario::validate`], which
//! reports each bad value with its field path and the allowed range.

//!
//! The schema composes the core's own config types and imports nothing
//! above the core: [`Scenario::model`] hands the engine its
//! [`ModelConfig`]; the batch settings (seed, runs), the name and the
//! sweep stay here.

pub mod data;
pub mod load;
pub mod sweep;
pub mod uncertainty;

pub use crate::engine::config::{MetricsConfig, SimulationConfig, StartState, WorldConfig};
pub use load::{load_scenario, parse_scenario, read_scenario_text, ScenarioError};

use crate::calendar::Date;
use crate::consensus::{ChainParams, Target};
use crate::engine::config::{end_date, ModelConfig, SupplyConfig};
use crate::engine::supply::HashSupplyConfig;
use crate::engine::{EngineError, PreparedModel};
use crate::market::{FeeConfig, PriceConfig};
use crate::miners::{AttackConfig, MinersConfig};
use crate::validate::{self, Validator};
use serde::{Deserialize, Serialize};
use std::path::Path;
use sweep::SweepConfig;
use uncertainty::UncertaintyConfig;

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
    /// A double spend to price at every step (Budish's attack economics;
    /// default: none). See [`crate::miners::attack_economics`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attack: Option<AttackConfig>,
    /// Parameter sweep: run the batch at several points of parameter
    /// space (default: none, a single batch). See [`sweep`].
    #[serde(default)]
    pub sweep: Option<SweepConfig>,
    /// Uncertain parameters and the design that samples them (default:
    /// none). See [`uncertainty`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uncertainty: Option<UncertaintyConfig>,
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
            1.0,
            1e7,
        );
        if let Some(a) = &self.attack {
            a.validate(&mut v, "attack");
        }
        v.in_closed(
            "world.electricity_growth_per_year",
            self.world.electricity_growth_per_year,
            -0.1,
            0.2,
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
        if let Some(u) = &self.uncertainty {
            if self.sweep.is_some() {
                v.error(
                    "uncertainty",
                    "a scenario has either a [sweep] or an [uncertainty] table, not both",
                );
            }
            u.validate(&mut v, "uncertainty");
        }
        v.finish()
    }

    /// The last day the run covers (inclusive): the day that contains the
    /// last second of the last step. Data files must cover it.
    pub fn end_date(&self) -> Date {
        end_date(&self.start, &self.simulation)
    }

    /// The model with its data files loaded (relative to `base_dir`, the
    /// scenario file's folder), ready for [`crate::engine::run`].
    pub fn prepare(&self, base_dir: &Path) -> Result<PreparedModel, EngineError> {
        let model = self.model().ok_or_else(|| {
            EngineError::Start("no hash supply: give [miners] or [hash_supply]".into())
        })?;
        PreparedModel::new(model, &data::DataDir::for_scenario(base_dir, self))
    }

    /// The model the engine runs: this scenario's core configuration,
    /// without the batch settings (seed, runs), the name and the sweep.
    /// `None` unless exactly one of `[miners]` and `[hash_supply]` is given
    /// (which [`Scenario::validate`] ensures).
    pub fn model(&self) -> Option<ModelConfig> {
        let supply = match (&self.miners, &self.hash_supply) {
            (Some(m), None) => SupplyConfig::Agents(Box::new(m.clone())),
            (None, Some(h)) => SupplyConfig::Curve(h.clone()),
            _ => return None,
        };
        Some(ModelConfig {
            start: self.start.clone(),
            simulation: self.simulation.clone(),
            chain: self.chain.clone(),
            price: self.price.clone(),
            fees: self.fees.clone(),
            supply,
            world: self.world.clone(),
            metrics: self.metrics.clone(),
            attack: self.attack,
        })
    }
}
