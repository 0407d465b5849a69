//! The engine's own configuration: the model a run simulates.
//!
//! [`ModelConfig`] composes the core's config types (chain, price, fees,
//! miners or a supply curve) with the start state, horizon, world and
//! metric settings defined here. The scenario schema, a layer above,
//! builds one from a TOML file; the engine never sees the file, the seed,
//! the run count or a sweep.

use crate::calendar::Date;
use crate::consensus::{ChainParams, Target};
use crate::engine::blocks::BlockSampling;
use crate::engine::supply::HashSupplyConfig;
use crate::market::{compound_growth, FeeConfig, PriceConfig};
use crate::miners::{AttackConfig, MinersConfig};
use serde::{Deserialize, Serialize};

/// Everything one run simulates.
#[derive(Debug, Clone, Serialize)]
pub struct ModelConfig {
    /// The chain at time zero.
    pub start: StartState,
    /// Horizon, step and block sampling.
    pub simulation: SimulationConfig,
    /// Consensus parameters.
    pub chain: ChainParams,
    /// BTC price path.
    pub price: PriceConfig,
    /// Transaction fees.
    pub fees: FeeConfig,
    /// Who supplies the hashrate.
    pub supply: SupplyConfig,
    /// Reference quantities of the world outside Bitcoin.
    pub world: WorldConfig,
    /// How summary metrics are computed.
    pub metrics: MetricsConfig,
    /// The double spend whose economics every step prices (none: no
    /// attack economics).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attack: Option<AttackConfig>,
}

/// Who supplies the hashrate: miner agents or a reduced-form curve.
#[derive(Debug, Clone, Serialize)]
pub enum SupplyConfig {
    /// Agent-based miners.
    Agents(Box<MinersConfig>),
    /// A reduced-form hash supply curve.
    Curve(HashSupplyConfig),
}

impl ModelConfig {
    /// The last day the run covers (inclusive): the day that contains the
    /// last second of the last step. Data files must cover it.
    pub fn end_date(&self) -> Date {
        end_date(&self.start, &self.simulation)
    }

    /// The agents' configuration, if the hashrate comes from agents.
    pub fn miners(&self) -> Option<&MinersConfig> {
        match &self.supply {
            SupplyConfig::Agents(m) => Some(m),
            SupplyConfig::Curve(_) => None,
        }
    }
}

/// The last day a run from `start` over `simulation` covers (inclusive).
pub fn end_date(start: &StartState, simulation: &SimulationConfig) -> Date {
    let seconds = simulation.steps() as f64 * simulation.step_s();
    Date::from_unix_seconds(start.date.unix_seconds() + seconds.ceil() as i64 - 1)
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
    /// Compound growth of world generation per year from the run's start,
    /// in [-0.1, 0.2] (default 0: the share is of today's generation).
    /// World generation grew 2.55 % a year over 2012-2022 (Ember / Energy
    /// Institute, shared/data/world_electricity_generation_twh.csv).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub electricity_growth_per_year: f64,
}

fn is_zero(x: &f64) -> bool {
    *x == 0.0
}

impl WorldConfig {
    /// World electricity generation `years` after the start, TWh per year.
    pub fn electricity_twh_per_year_at(&self, years: f64) -> f64 {
        if self.electricity_growth_per_year == 0.0 {
            return self.electricity_twh_per_year;
        }
        self.electricity_twh_per_year * compound_growth(self.electricity_growth_per_year, years)
    }
}

fn default_world_twh() -> f64 {
    30_500.0
}

impl Default for WorldConfig {
    fn default() -> Self {
        WorldConfig {
            electricity_twh_per_year: default_world_twh(),
            electricity_growth_per_year: 0.0,
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

#[cfg(test)]
mod tests {
    use super::WorldConfig;

    #[test]
    fn world_electricity_grows_from_the_start_and_stays_finite() {
        let flat = WorldConfig::default();
        assert_eq!(flat.electricity_twh_per_year_at(100.0), 30_500.0);
        let w = WorldConfig {
            electricity_twh_per_year: 30_500.0,
            electricity_growth_per_year: 0.0255,
        };
        assert_eq!(w.electricity_twh_per_year_at(0.0), 30_500.0);
        let after_115 = w.electricity_twh_per_year_at(115.0);
        assert!((after_115 / (30_500.0 * 1.0255f64.powi(115)) - 1.0).abs() < 1e-12);
        // Before the start (never asked by the engine) and non-finite times
        // give the start value; a shrinking world stays positive.
        assert_eq!(w.electricity_twh_per_year_at(-3.0), 30_500.0);
        assert_eq!(w.electricity_twh_per_year_at(f64::NAN), 30_500.0);
        let shrinking = WorldConfig {
            electricity_twh_per_year: 30_500.0,
            electricity_growth_per_year: -0.1,
        };
        let x = shrinking.electricity_twh_per_year_at(1e6);
        assert!(x > 0.0 && x.is_finite());
    }
}
