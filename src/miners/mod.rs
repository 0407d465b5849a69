//! Miner economics: ASIC generations, a population of mining agents that
//! decide each step which machines run, what to buy and what to retire, and
//! accounting views (CBECI-style power estimate, attack cost).
//!
//! The engine calls [`Population::step`] once per step with a [`MarketView`]
//! (price, *current* difficulty, subsidy, fees), draws blocks with the
//! returned hashrate, and then calls [`Population::settle`] with the realised
//! reward. Miners decide on expected revenue at the current difficulty, never
//! on last step's network hashrate (see "A modelling pitfall" in
//! `reference/economics.md`): the operating set therefore does not oscillate
//! between steps.
//!
//! Units: hashrate in H/s at the interface, TH/s inside; hashprice in USD per
//! TH/s per day; power in W; energy prices in USD/kWh; one TH/s at `j` J/TH
//! uses `j × 24 / 1000` kWh per day.

pub mod asic;
pub mod asic_market;
pub mod attack_economics;
pub mod cbeci;
pub mod decisions;
pub mod population;
pub mod security;

pub use asic::{
    AsicCatalogue, AsicGeneration, AsicGenerationSpec, CatalogueError, CatalogueSource,
    FutureGenerationsConfig, HardwarePriceConfig, HardwarePriceModel,
};
pub use attack_economics::{attack_economics, AttackConfig, AttackEconomics, AttackState};
pub use cbeci::{cbeci_power_w, CbeciEstimate};
pub use population::{Population, PowerRegionState, RegionStep};
pub use security::{attack_cost, AttackCost, AttackInputs};

use crate::calendar::Date;
use crate::validate::{index, join, FieldError, Validator};
use serde::{Deserialize, Serialize};

/// 2^32: expected hashes per block = difficulty × 2^32.
pub const TWO_POW_32: f64 = 4_294_967_296.0;

/// kWh per day used by 1 TH/s at 1 J/TH (= 86,400 J = 0.024 kWh).
pub const KWH_PER_TH_DAY_PER_J_PER_TH: f64 = 0.024;

/// What miners see at the start of a step (all finite).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MarketView {
    /// Calendar day of the step.
    pub date: Date,
    /// Seconds since the scenario start.
    pub t_s: f64,
    /// Length of the step, seconds.
    pub dt_s: f64,
    /// Step counter, from 0.
    pub step_index: u64,
    /// USD per BTC this step.
    pub price_usd: f64,
    /// Current difficulty (expected hashes per block = difficulty × 2^32).
    pub difficulty: f64,
    /// Current block subsidy, BTC.
    pub subsidy_btc_per_block: f64,
    /// Expected fees per block this step, BTC.
    pub fee_btc_per_block: f64,
    /// Chain height.
    pub height: u64,
    /// Target block spacing, s (600).
    pub target_spacing_s: f64,
    /// Blocks until the next halving; `u64::MAX` if none.
    pub blocks_to_next_halving: u64,
    /// Blocks between halvings (210,000).
    pub halving_interval_blocks: u64,
}

impl MarketView {
    /// Expected revenue per TH/s per day at the current difficulty, USD:
    /// `(subsidy + fee) × price × 86,400 × 10^12 / (difficulty × 2^32)`.
    /// Zero when the difficulty is not positive or a value is not finite.
    pub fn hashprice_usd_per_th_day(&self) -> f64 {
        let h = (self.subsidy_btc_per_block + self.fee_btc_per_block) * self.price_usd * 86_400e12
            / (self.difficulty * TWO_POW_32);
        if h.is_finite() && self.difficulty > 0.0 {
            h.max(0.0)
        } else {
            0.0
        }
    }
}

/// Aggregates of one step, returned by [`Population::step`]. Money amounts
/// are for the whole step (rates × `dt`).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StepOutcome {
    /// Operating hashrate (after curtailment downtime), H/s.
    pub hashrate_hs: f64,
    /// Installed (delivered, not retired) hashrate, H/s.
    pub installed_hashrate_hs: f64,
    /// Facility power of the operating fleet (PUE included), W.
    pub power_w: f64,
    /// Electricity bill of the step, USD.
    pub energy_cost_usd: f64,
    /// Value of reused heat of the step, USD (not subtracted from `energy_cost_usd`).
    pub heat_credit_usd: f64,
    /// Hardware paid for this step (orders placed), USD.
    pub capex_usd: f64,
    /// Straight-line depreciation of installed hardware over its lifetime, USD.
    pub amortised_capex_usd: f64,
    /// Cost of capital on the book value of the hardware (installed,
    /// depreciated straight-line, plus paid orders not yet delivered) at
    /// each group's discount rate `ln(1 + hurdle_rate_per_year)` a year
    /// (continuous compounding, the rate the investment NPV uses), USD.
    pub capital_charge_usd: f64,
    /// Other costs (maintenance, hosting) on installed hashrate, USD.
    pub other_cost_usd: f64,
    /// Share of installed hashrate not operating this step (switched off or curtailed).
    pub switched_off_share: f64,
    /// Net energy cost of the least efficient operating holding, USD per TH/s per day.
    pub marginal_energy_cost_usd_per_th_day: f64,
    /// Current price of new hardware (best available generation), USD per
    /// TH/s: the posted price, or the last review's clearing price.
    pub hardware_cost_usd_per_th: f64,
    /// World output of new machines, MW of machine power per month (for
    /// the posted market: its TH/s a month at the best generation's
    /// efficiency).
    pub manufacturing_capacity_mw_per_month: f64,
    /// Manufacturers' margin on the machines sold this step (price minus
    /// unit cost, times quantity), USD; `None` for the posted market,
    /// which has no unit cost.
    pub manufacturer_margin_usd: Option<f64>,
    /// Mean efficiency of the operating fleet (ASIC level, without PUE), J/TH.
    pub fleet_j_per_th: f64,
    /// Efficiency of the best generation on sale, J/TH (0 when none).
    pub best_j_per_th: f64,
    /// Used machines sold this step (at the reviews' clearing prices),
    /// TH/s, and what they sold for, USD (both 0 without a used market).
    pub used_sold_th: f64,
    pub used_sold_usd: f64,
    /// Machines scrapped (retired) this step, TH/s.
    pub scrapped_th: f64,
    /// Price of the next MW in the cheapest finite power region with room
    /// (groups whose electricity is a supply curve), USD/kWh; `None`
    /// without such regions or when all are full.
    pub marginal_power_price_usd_per_kwh: Option<f64>,
}

/// Why a population could not be built.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MinersError {
    /// Configuration values out of range (all of them, with field paths).
    #[error("invalid miners configuration: {}", join_errors(.0))]
    Invalid(Vec<FieldError>),
    /// The catalogue could not be built.
    #[error(transparent)]
    Catalogue(#[from] CatalogueError),
    /// No ASIC generation is released by the start date.
    #[error("no ASIC generation in the catalogue is released by the start date {0}")]
    NoGenerationAtStart(Date),
    /// The start market view is unusable.
    #[error("start market view: {0}")]
    BadStart(String),
}

fn join_errors(e: &[FieldError]) -> String {
    e.iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// Electricity price of the agents of a group, USD/kWh, drawn once per agent
/// (`electricity = { distribution = "lognormal", median_usd_per_kwh = 0.05, sigma = 0.4 }`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "distribution", rename_all = "snake_case", deny_unknown_fields)]
pub enum ElectricityPrice {
    /// Every agent pays the same.
    Fixed {
        /// USD/kWh (>= 0).
        usd_per_kwh: f64,
    },
    /// Uniform between two prices.
    Uniform {
        /// Lowest price, USD/kWh (>= 0).
        low_usd_per_kwh: f64,
        /// Highest price, USD/kWh (>= low).
        high_usd_per_kwh: f64,
    },
    /// Log-normal: `median × exp(sigma × z)`, z standard normal.
    Lognormal {
        /// Median, USD/kWh (> 0).
        median_usd_per_kwh: f64,
        /// Standard deviation of the log price, in [0, 3].
        sigma: f64,
    },
    /// A list of regions; an agent is in a region with probability `share`.
    Empirical {
        /// Regions (shares sum to 1 within 1e-9).
        regions: Vec<PowerRegion>,
    },
    /// Finite power: the group is one region whose power comes in tiers of
    /// MW (at the meter, PUE included) at rising prices. An agent's price
    /// is that of the tier its power contract (its site) was taken from:
    /// initial agents fill the tiers from the cheapest, an entrant takes
    /// the cheapest tier with room left, and nobody runs more machines
    /// than its site's MW. When every tier is taken, the region admits no
    /// entrant (see `miners::population`).
    SupplyCurve {
        /// Tiers, in order of non-decreasing price (1 to 64).
        tiers: Vec<PowerTier>,
    },
}

/// One tier of a region's power supply curve.
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PowerTier {
    /// Power available at this price, MW at the meter, in (0, 1e6].
    pub mw: f64,
    /// Price, USD/kWh, in [0, 10].
    pub usd_per_kwh: f64,
}

/// One region of an empirical electricity price distribution.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PowerRegion {
    /// Region name (informational).
    pub name: String,
    /// Probability of an agent being there, in (0, 1].
    pub share: f64,
    /// Price, USD/kWh (>= 0).
    pub usd_per_kwh: f64,
}

impl ElectricityPrice {
    /// Reports bad values with their field paths.
    pub fn validate(&self, v: &mut Validator, path: &str) {
        match self {
            ElectricityPrice::Fixed { usd_per_kwh } => {
                v.in_closed(&join(path, "usd_per_kwh"), *usd_per_kwh, 0.0, 10.0)
            }
            ElectricityPrice::Uniform {
                low_usd_per_kwh,
                high_usd_per_kwh,
            } => {
                v.in_closed(&join(path, "low_usd_per_kwh"), *low_usd_per_kwh, 0.0, 10.0);
                v.in_closed(
                    &join(path, "high_usd_per_kwh"),
                    *high_usd_per_kwh,
                    0.0,
                    10.0,
                );
                if high_usd_per_kwh < low_usd_per_kwh {
                    v.error(
                        join(path, "high_usd_per_kwh"),
                        format!("must be >= low_usd_per_kwh ({low_usd_per_kwh}), got {high_usd_per_kwh}"),
                    );
                }
            }
            ElectricityPrice::Lognormal {
                median_usd_per_kwh,
                sigma,
            } => {
                v.in_open_closed(
                    &join(path, "median_usd_per_kwh"),
                    *median_usd_per_kwh,
                    0.0,
                    10.0,
                );
                v.in_closed(&join(path, "sigma"), *sigma, 0.0, 3.0);
            }
            ElectricityPrice::Empirical { regions } => {
                let p = join(path, "regions");
                if regions.is_empty() {
                    v.error(&p, "must list at least one region");
                }
                let mut sum = 0.0;
                for (i, r) in regions.iter().enumerate() {
                    let rp = index(&p, i);
                    v.in_open_closed(&join(&rp, "share"), r.share, 0.0, 1.0);
                    v.in_closed(&join(&rp, "usd_per_kwh"), r.usd_per_kwh, 0.0, 10.0);
                    sum += r.share;
                }
                if !regions.is_empty() && (sum - 1.0).abs() > 1e-9 {
                    v.error(&p, format!("shares must sum to 1 (within 1e-9), got {sum}"));
                }
            }
            ElectricityPrice::SupplyCurve { tiers } => {
                let p = join(path, "tiers");
                if tiers.is_empty() || tiers.len() > 64 {
                    v.error(&p, format!("must list 1 to 64 tiers, got {}", tiers.len()));
                }
                for (i, t) in tiers.iter().enumerate() {
                    let tp = index(&p, i);
                    v.in_open_closed(&join(&tp, "mw"), t.mw, 0.0, 1e6);
                    v.in_closed(&join(&tp, "usd_per_kwh"), t.usd_per_kwh, 0.0, 10.0);
                    if i > 0 && t.usd_per_kwh < tiers[i - 1].usd_per_kwh {
                        v.error(
                            join(&tp, "usd_per_kwh"),
                            format!(
                                "tiers must be in order of non-decreasing price: {} after {}",
                                t.usd_per_kwh,
                                tiers[i - 1].usd_per_kwh
                            ),
                        );
                    }
                }
            }
        }
    }

    /// Draws one agent's price, USD/kWh (>= 0).
    pub fn draw<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        use rand::RngExt;
        let p = match self {
            ElectricityPrice::Fixed { usd_per_kwh } => *usd_per_kwh,
            ElectricityPrice::Uniform {
                low_usd_per_kwh,
                high_usd_per_kwh,
            } => {
                let u: f64 = rng.random();
                low_usd_per_kwh + (high_usd_per_kwh - low_usd_per_kwh) * u
            }
            ElectricityPrice::Lognormal {
                median_usd_per_kwh,
                sigma,
            } => {
                let z: f64 = rand_distr::Distribution::sample(&rand_distr::StandardNormal, rng);
                median_usd_per_kwh * (sigma * z).exp()
            }
            ElectricityPrice::Empirical { regions } => {
                let u: f64 = rng.random();
                let mut acc = 0.0;
                let mut price = regions.last().map_or(0.0, |r| r.usd_per_kwh);
                for r in regions {
                    acc += r.share;
                    if u < acc {
                        price = r.usd_per_kwh;
                        break;
                    }
                }
                price
            }
            // The population prices supply-curve agents from their tier;
            // a draw gives the cheapest tier's price.
            ElectricityPrice::SupplyCurve { tiers } => tiers.first().map_or(0.0, |t| t.usd_per_kwh),
        };
        if p.is_finite() {
            p.max(0.0)
        } else {
            0.0
        }
    }
}

/// Interruptible power: cheaper electricity in exchange for forced downtime.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Curtailment {
    /// Share of time the power is cut, in [0, 1). Machines earn and use
    /// power only the rest of the time.
    pub share_of_time_off: f64,
    /// Discount on the electricity price, in [0, 1].
    pub price_discount: f64,
}

/// How agents form the hashprice path they expect when buying hardware.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum Expectation {
    /// Hashprice falls as difficulty grows at `difficulty_growth_per_year`;
    /// price, subsidy and fees stay as now.
    #[default]
    Myopic,
    /// As myopic, and the subsidy halves at each coming halving.
    HalvingAware,
}

/// How agents project difficulty when they value a new machine
/// (`difficulty_outlook` of a group, chosen by `model`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Deserialize, Serialize)]
#[serde(tag = "model", rename_all = "snake_case", deny_unknown_fields)]
pub enum DifficultyOutlook {
    /// Difficulty grows at the group's `difficulty_growth_per_year` from
    /// today's level.
    #[default]
    Fixed,
    /// What a miner sees: the machines already ordered and due for
    /// delivery raise the hashrate (and so the difficulty) from today's
    /// level by their TH/s within the delivery lag, and after that the
    /// difficulty grows at the rate it grew over the last `window_days`
    /// (the group's `difficulty_growth_per_year` until the run has that
    /// much history).
    Pipeline {
        /// Days over which the recent growth of difficulty is measured, in
        /// [1, 3650]. Default 180.
        #[serde(default = "default_outlook_window")]
        window_days: f64,
    },
}

fn default_outlook_window() -> f64 {
    180.0
}

/// One group of agents (`[[miners.groups]]`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GroupConfig {
    /// Group name (non-empty, unique).
    pub name: String,
    /// Share of the initial hashrate, in (0, 1]; the shares of all groups sum
    /// to 1 within 1e-9.
    pub share: f64,
    /// Number of agents at the start (>= 1; all groups together at most 100,000).
    pub agents: usize,
    /// Electricity price distribution.
    pub electricity: ElectricityPrice,
    /// Power usage effectiveness (facility power ÷ ASIC power), in [1, 3]. Default 1.1.
    #[serde(default = "default_pue")]
    pub pue: f64,
    /// Value of reused heat per kWh of facility power, USD/kWh (>= 0). Default 0.
    #[serde(default)]
    pub heat_reuse_credit_usd_per_kwh: f64,
    /// Interruptible power contract; default none.
    #[serde(default)]
    pub curtailment: Option<Curtailment>,
    /// Cash of each agent at the start, USD (>= 0). Default 1,000,000.
    #[serde(default = "default_capital")]
    pub capital_usd: f64,
    /// Discount rate for investment decisions, per year, in [0, 2]. Default 0.15.
    #[serde(default = "default_hurdle")]
    pub hurdle_rate_per_year: f64,
    /// Holdings not run for this many days are retired, in [1, 3650]. Default 90.
    #[serde(default = "default_patience")]
    pub patience_days: f64,
    /// Expectation model, `"myopic"` or `"halving_aware"`. Default myopic.
    #[serde(default)]
    pub expectation: Expectation,
    /// Expected growth of difficulty per year, in [-0.9, 10]. Default 0.3.
    /// With the `pipeline` outlook, the prior until there is history.
    #[serde(default = "default_growth")]
    pub difficulty_growth_per_year: f64,
    /// How difficulty is projected: `{ model = "fixed" }` (default) or
    /// `{ model = "pipeline", window_days = 180 }`.
    #[serde(default)]
    pub difficulty_outlook: DifficultyOutlook,
    /// Maintenance, hosting etc. per installed TH/s per day, USD (>= 0). Default 0.
    #[serde(default)]
    pub other_cost_usd_per_th_day: f64,
}

fn default_pue() -> f64 {
    1.1
}
fn default_capital() -> f64 {
    1e6
}
fn default_hurdle() -> f64 {
    0.15
}
fn default_patience() -> f64 {
    90.0
}
fn default_growth() -> f64 {
    0.3
}

impl GroupConfig {
    /// Reports bad values with their field paths.
    pub fn validate(&self, v: &mut Validator, path: &str) {
        if self.name.trim().is_empty() {
            v.error(join(path, "name"), "must not be empty");
        }
        v.in_open_closed(&join(path, "share"), self.share, 0.0, 1.0);
        v.int_in(&join(path, "agents"), self.agents as u64, 1, 100_000);
        self.electricity.validate(v, &join(path, "electricity"));
        v.in_closed(&join(path, "pue"), self.pue, 1.0, 3.0);
        v.in_closed(
            &join(path, "heat_reuse_credit_usd_per_kwh"),
            self.heat_reuse_credit_usd_per_kwh,
            0.0,
            10.0,
        );
        if let Some(c) = &self.curtailment {
            let p = join(path, "curtailment");
            v.in_closed_open(
                &join(&p, "share_of_time_off"),
                c.share_of_time_off,
                0.0,
                1.0,
            );
            v.in_closed(&join(&p, "price_discount"), c.price_discount, 0.0, 1.0);
        }
        v.non_negative(&join(path, "capital_usd"), self.capital_usd);
        v.in_closed(
            &join(path, "hurdle_rate_per_year"),
            self.hurdle_rate_per_year,
            0.0,
            2.0,
        );
        v.in_closed(
            &join(path, "patience_days"),
            self.patience_days,
            1.0,
            3650.0,
        );
        v.in_closed(
            &join(path, "difficulty_growth_per_year"),
            self.difficulty_growth_per_year,
            -0.9,
            10.0,
        );
        if let DifficultyOutlook::Pipeline { window_days } = self.difficulty_outlook {
            v.in_closed(
                &join(&join(path, "difficulty_outlook"), "window_days"),
                window_days,
                1.0,
                3650.0,
            );
        }
        v.in_closed(
            &join(path, "other_cost_usd_per_th_day"),
            self.other_cost_usd_per_th_day,
            0.0,
            100.0,
        );
    }

    /// Share of time machines can run (1 − curtailment downtime).
    pub fn availability(&self) -> f64 {
        self.curtailment
            .as_ref()
            .map_or(1.0, |c| 1.0 - c.share_of_time_off)
    }

    /// Factor applied to drawn electricity prices (1 − curtailment discount).
    pub fn price_factor(&self) -> f64 {
        self.curtailment
            .as_ref()
            .map_or(1.0, |c| 1.0 - c.price_discount)
    }
}

/// Vintage mix of the initial fleet (`[miners.initial_fleet]`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct InitialFleetConfig {
    /// Generations released within this many years before the start make up
    /// the initial fleet, in (0, 30]. Default 4.
    #[serde(default = "default_fleet_years")]
    pub years: f64,
    /// Weight of a generation ∝ exp(−age / age_decay_years), in (0, 100].
    /// Default 1.5 (newer generations weigh more).
    #[serde(default = "default_age_decay")]
    pub age_decay_years: f64,
}

fn default_fleet_years() -> f64 {
    4.0
}
fn default_age_decay() -> f64 {
    1.5
}

impl Default for InitialFleetConfig {
    fn default() -> Self {
        InitialFleetConfig {
            years: default_fleet_years(),
            age_decay_years: default_age_decay(),
        }
    }
}

/// The `[miners]` table of a scenario.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MinersConfig {
    /// `"default"` (the shipped efficiency frontier) or a list of
    /// generations. Default `"default"`.
    #[serde(default)]
    pub catalogue: CatalogueSource,
    /// Rule for generations after the catalogue; default none.
    #[serde(default)]
    pub future: Option<FutureGenerationsConfig>,
    /// Hardware price model of the `posted` market.
    #[serde(default)]
    pub hardware_price: HardwarePriceConfig,
    /// How new machines are priced and shared out: `posted` (default; the
    /// price of `[hardware_price]`, world output
    /// `manufacturing_capacity_th_per_month` rationed to the highest NPV
    /// first) or `clearing` (one price per review clears the output).
    #[serde(default)]
    pub hardware_market: HardwareMarketConfig,
    /// Agent groups (at least one; shares sum to 1 within 1e-9).
    pub groups: Vec<GroupConfig>,
    /// World ASIC output of the `posted` market, TH/s per month, in [0,
    /// 1e12]. Default 30,000,000 (30 EH/s a month, roughly the network's
    /// growth plus replacement in 2024-25). Not for `hardware_market.model
    /// = "clearing"`, whose output is in MW a month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manufacturing_capacity_th_per_month: Option<f64>,
    /// Days from order to delivery, in [0, 730]. Default 60.
    #[serde(default = "default_lag")]
    pub delivery_lag_days: f64,
    /// Whether new agents enter while entry is profitable. Default false.
    #[serde(default)]
    pub free_entry: bool,
    /// Cash of an entering agent, USD (> 0). Default 1,000,000.
    #[serde(default = "default_capital")]
    pub entry_agent_capital_usd: f64,
    /// Most agents there can be with entry, in [1, 1,000,000]. Default 20,000.
    #[serde(default = "default_max_agents")]
    pub max_agents: usize,
    /// Initial operating hashrate, EH/s, in (0, 1e9]. Default: consistent with the
    /// start difficulty, `difficulty × 2^32 / target_spacing`.
    #[serde(default)]
    pub initial_hashrate_eh_s: Option<f64>,
    /// Vintage mix of the initial fleet.
    #[serde(default)]
    pub initial_fleet: InitialFleetConfig,
    /// Days between investment reviews (books, retirements, orders, entry),
    /// in [0.01, 365]. Default 7.
    #[serde(default = "default_review")]
    pub review_interval_days: f64,
    /// A market for used machines with economic scrapping (absent: every
    /// machine retires at its generation's lifetime, or after
    /// `patience_days` idle, as before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_market: Option<UsedMarketConfig>,
    /// The option to wait for an announced generation (clearing market
    /// only; absent: buyers compare machines only with not buying).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_for_next_generation: Option<WaitConfig>,
}

/// The option value of waiting for the next generation
/// (`[miners.wait_for_next_generation]`; see `miners::population`).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WaitConfig {
    /// A generation is known this many days before its release, in (0,
    /// 1000]: within that window a buyer values waiting for it.
    pub announce_days: f64,
}

/// Economic scrapping and a market for used machines
/// (`[miners.used_market]`; see `miners::population`).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct UsedMarketConfig {
    /// What a scrapped machine fetches, USD per TH/s, in [0, 1e6]; the
    /// lowest price a used machine is sold at.
    pub scrap_value_usd_per_th: f64,
    /// Physical life: machines of a generation are scrapped this many
    /// years after its release, in (0, 50].
    pub max_life_years: f64,
}

/// Default of `manufacturing_capacity_th_per_month`.
pub const DEFAULT_CAPACITY_TH_PER_MONTH: f64 = 3e7;

/// The market for new machines (`[miners.hardware_market]`, chosen by
/// `model`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(tag = "model", rename_all = "snake_case", deny_unknown_fields)]
pub enum HardwareMarketConfig {
    /// The price follows hashprice (`[miners.hardware_price]`); each
    /// review's share of `manufacturing_capacity_th_per_month` goes to the
    /// highest NPV per TH/s first, and the scarcity rent stays with the
    /// buyers.
    #[default]
    Posted,
    /// Each review, buyers (agents and, with free entry, candidate
    /// entrants) bid the present value of a new machine at their own
    /// power price, discount rate and expectations, and one uniform price
    /// clears the review's output (`miners::asic_market`). The price is
    /// at least the manufacturers' unit cost; what it adds to that cost
    /// is the manufacturers' margin, and all of it is miners' spend.
    Clearing {
        /// Power of the machines the world's manufacturers build per month
        /// (at the efficiency of the best generation on sale), MW, in
        /// (0, 1e6]. Required.
        capacity_mw_per_month: f64,
        /// Manufacturers' unit cost, USD per watt of machine power, in
        /// (0, 100]: the lowest price they sell at. Required.
        manufacturing_cost_usd_per_watt: f64,
        /// Output that grows with the manufacturers' margins; default
        /// none (the output stays at `capacity_mw_per_month`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        capacity_growth: Option<CapacityGrowthConfig>,
        /// Output that follows a daily series from a CSV file instead
        /// (MW a month by day); default none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        capacity_path: Option<CapacityPathConfig>,
    },
}

/// World output read from a daily CSV file
/// (`[miners.hardware_market.capacity_path]`): on each review day the
/// output is that day's value, MW of machine power a month.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityPathConfig {
    /// CSV file, relative to the scenario file's folder or absolute.
    pub path: String,
    /// Column with the output, MW a month. Default `capacity_mw_per_month`.
    #[serde(default = "default_capacity_column")]
    pub column: String,
    /// Column with the days. Default `date`.
    #[serde(default = "default_date_column")]
    pub date_column: String,
}

fn default_capacity_column() -> String {
    "capacity_mw_per_month".into()
}
fn default_date_column() -> String {
    "date".into()
}

/// Manufacturing output that grows with the manufacturers' margins
/// (`[miners.hardware_market.capacity_growth]`): a share of each review's
/// margin buys new output, which starts after the build lag.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CapacityGrowthConfig {
    /// Share of the margin spent on new output, in [0, 1].
    pub reinvested_margin_share: f64,
    /// What one MW a month of new output costs to build, USD, in (0, 1e15].
    pub usd_per_mw_per_month: f64,
    /// Days from the decision to build to the first output (foundry lead
    /// time), in [0, 3650].
    pub build_lag_days: f64,
    /// Share of the output lost per year (foundry capacity that goes to
    /// other customers when it is not renewed), continuously compounded,
    /// in [0, 10]. Default 0: output never shrinks.
    #[serde(default)]
    pub decay_per_year: f64,
}
fn default_lag() -> f64 {
    60.0
}
fn default_max_agents() -> usize {
    20_000
}
fn default_review() -> f64 {
    7.0
}

impl MinersConfig {
    /// Reports every bad value with its field path (`path` is usually `"miners"`).
    pub fn validate(&self, v: &mut Validator, path: &str) {
        self.catalogue.validate(v, &join(path, "catalogue"));
        if let Some(f) = &self.future {
            f.validate(v, &join(path, "future"));
        }
        self.hardware_price
            .validate(v, &join(path, "hardware_price"));
        let gp = join(path, "groups");
        if self.groups.is_empty() {
            v.error(&gp, "must list at least one group");
        }
        let mut sum = 0.0;
        let mut agents = 0usize;
        for (i, g) in self.groups.iter().enumerate() {
            g.validate(v, &index(&gp, i));
            if self.groups[..i].iter().any(|o| o.name == g.name) {
                v.error(
                    join(&index(&gp, i), "name"),
                    format!("must be unique, {:?} appears twice", g.name),
                );
            }
            sum += g.share;
            agents = agents.saturating_add(g.agents);
        }
        if !self.groups.is_empty() && sum.is_finite() && (sum - 1.0).abs() > 1e-9 {
            v.error(
                &gp,
                format!("shares must sum to 1 (within 1e-9), got {sum}"),
            );
        }
        if agents > 100_000 {
            v.error(
                &gp,
                format!("agents must total at most 100000, got {agents}"),
            );
        }
        match (
            &self.hardware_market,
            self.manufacturing_capacity_th_per_month,
        ) {
            (HardwareMarketConfig::Posted, Some(c)) => v.in_closed(
                &join(path, "manufacturing_capacity_th_per_month"),
                c,
                0.0,
                1e12,
            ),
            (HardwareMarketConfig::Posted, None) => {}
            (HardwareMarketConfig::Clearing { .. }, Some(_)) => v.error(
                join(path, "manufacturing_capacity_th_per_month"),
                "is for hardware_market.model = \"posted\"; with \"clearing\" give the output as \
                 hardware_market.capacity_mw_per_month (machine power built per month)",
            ),
            (
                HardwareMarketConfig::Clearing {
                    capacity_mw_per_month,
                    manufacturing_cost_usd_per_watt,
                    capacity_growth,
                    capacity_path,
                },
                None,
            ) => {
                if let Some(p) = capacity_path {
                    let pp = join(&join(path, "hardware_market"), "capacity_path");
                    if p.path.trim().is_empty() {
                        v.error(join(&pp, "path"), "must name a CSV file");
                    }
                    if capacity_growth.is_some() {
                        v.error(
                            &pp,
                            "cannot be given together with hardware_market.capacity_growth \
                             (the path sets the output on every day)",
                        );
                    }
                }
                if let Some(g) = capacity_growth {
                    let gp = join(&join(path, "hardware_market"), "capacity_growth");
                    v.in_closed(
                        &join(&gp, "reinvested_margin_share"),
                        g.reinvested_margin_share,
                        0.0,
                        1.0,
                    );
                    v.in_open_closed(
                        &join(&gp, "usd_per_mw_per_month"),
                        g.usd_per_mw_per_month,
                        0.0,
                        1e15,
                    );
                    v.in_closed(&join(&gp, "build_lag_days"), g.build_lag_days, 0.0, 3650.0);
                    v.in_closed(&join(&gp, "decay_per_year"), g.decay_per_year, 0.0, 10.0);
                }
                let hp = join(path, "hardware_market");
                v.in_open_closed(
                    &join(&hp, "capacity_mw_per_month"),
                    *capacity_mw_per_month,
                    0.0,
                    1e6,
                );
                v.in_open_closed(
                    &join(&hp, "manufacturing_cost_usd_per_watt"),
                    *manufacturing_cost_usd_per_watt,
                    0.0,
                    100.0,
                );
            }
        }
        v.in_closed(
            &join(path, "delivery_lag_days"),
            self.delivery_lag_days,
            0.0,
            730.0,
        );
        v.positive(
            &join(path, "entry_agent_capital_usd"),
            self.entry_agent_capital_usd,
        );
        v.int_in(
            &join(path, "max_agents"),
            self.max_agents as u64,
            1,
            1_000_000,
        );
        if let Some(h) = self.initial_hashrate_eh_s {
            v.in_open_closed(&join(path, "initial_hashrate_eh_s"), h, 0.0, 1e9);
        }
        let fp = join(path, "initial_fleet");
        v.in_open_closed(&join(&fp, "years"), self.initial_fleet.years, 0.0, 30.0);
        v.in_open_closed(
            &join(&fp, "age_decay_years"),
            self.initial_fleet.age_decay_years,
            0.0,
            100.0,
        );
        v.in_closed(
            &join(path, "review_interval_days"),
            self.review_interval_days,
            0.01,
            365.0,
        );
        if let Some(u) = &self.used_market {
            let up = join(path, "used_market");
            v.in_closed(
                &join(&up, "scrap_value_usd_per_th"),
                u.scrap_value_usd_per_th,
                0.0,
                1e6,
            );
            v.in_open_closed(&join(&up, "max_life_years"), u.max_life_years, 0.0, 50.0);
        }
        if let Some(w) = &self.wait_for_next_generation {
            let wp = join(path, "wait_for_next_generation");
            v.in_open_closed(&join(&wp, "announce_days"), w.announce_days, 0.0, 1000.0);
            if !matches!(self.hardware_market, HardwareMarketConfig::Clearing { .. }) {
                v.error(
                    wp,
                    "needs the clearing hardware market (hardware_market = { model = \"clearing\", ... }); the posted market has no waiting option",
                );
            }
        }
    }

    /// World output of the `posted` market, TH/s per month (its default if
    /// not given).
    pub fn capacity_th_per_month(&self) -> f64 {
        self.manufacturing_capacity_th_per_month
            .unwrap_or(DEFAULT_CAPACITY_TH_PER_MONTH)
    }

    /// The capacity path the clearing market reads, if any.
    pub fn capacity_path(&self) -> Option<&CapacityPathConfig> {
        match &self.hardware_market {
            HardwareMarketConfig::Clearing { capacity_path, .. } => capacity_path.as_ref(),
            HardwareMarketConfig::Posted => None,
        }
    }

    /// Validates with path `miners`; `Err` lists every problem.
    pub fn check(&self) -> Result<(), MinersError> {
        let mut v = Validator::new();
        self.validate(&mut v, "miners");
        v.finish().map_err(MinersError::Invalid)
    }

    /// The run's catalogue: the listed or default generations plus the
    /// future rule's.
    pub fn build_catalogue(&self) -> Result<AsicCatalogue, CatalogueError> {
        let c = match &self.catalogue {
            CatalogueSource::Default => AsicCatalogue::default_catalogue(&self.hardware_price)?,
            CatalogueSource::Custom(list) => AsicCatalogue::from_specs(list, &self.hardware_price)?,
        };
        Ok(match &self.future {
            Some(f) => c.with_future(f, &self.hardware_price),
            None => c,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
catalogue = "default"
manufacturing_capacity_th_per_month = 3.0e7
delivery_lag_days = 60
free_entry = true
entry_agent_capital_usd = 2.0e6
max_agents = 20000
review_interval_days = 7

[future]
efficiency_improvement_per_year = 0.2
every_years = 1.5
until = "2040-01-01"

[hardware_price]
usd_per_watt_at_release = 0.79
track_hashprice = true
floor_share_of_release_price = 0.5

[initial_fleet]
years = 4
age_decay_years = 1.5

[[groups]]
name = "industrial"
share = 0.6
agents = 2000
electricity = { distribution = "lognormal", median_usd_per_kwh = 0.045, sigma = 0.3 }
pue = 1.08
capital_usd = 5.0e6
hurdle_rate_per_year = 0.15
patience_days = 60
expectation = "halving_aware"
difficulty_growth_per_year = 0.3
other_cost_usd_per_th_day = 0.002

[[groups]]
name = "flexible"
share = 0.3
agents = 1000
electricity = { distribution = "empirical", regions = [
  { name = "Texas", share = 0.5, usd_per_kwh = 0.04 },
  { name = "Ethiopia", share = 0.5, usd_per_kwh = 0.03 },
] }
curtailment = { share_of_time_off = 0.1, price_discount = 0.3 }

[[groups]]
name = "home"
share = 0.1
agents = 7000
electricity = { distribution = "uniform", low_usd_per_kwh = 0.08, high_usd_per_kwh = 0.25 }
pue = 1.0
heat_reuse_credit_usd_per_kwh = 0.05
expectation = "myopic"
"#;

    #[test]
    fn example_parses_and_validates() {
        let c: MinersConfig = toml::from_str(EXAMPLE).unwrap();
        c.check().unwrap();
        assert_eq!(c.groups.len(), 3);
        assert!(c.build_catalogue().unwrap().len() > 12);
    }

    #[test]
    fn custom_catalogue_and_unknown_fields() {
        let t = r#"
catalogue = [ { name = "A", release = "2019-04", j_per_th = 40, th_per_unit = 50, lifetime_years = 5 },
              { name = "B", release = "2020-05", j_per_th = 30, th_per_unit = 100, price_usd_per_th = 25 } ]
[[groups]]
name = "g"
share = 1
agents = 10
electricity = { distribution = "fixed", usd_per_kwh = 0.05 }
"#;
        let c: MinersConfig = toml::from_str(t).unwrap();
        c.check().unwrap();
        let cat = c.build_catalogue().unwrap();
        assert_eq!(cat.generations()[1].release_price_usd_per_th, 25.0);
        let bad = t.replace("j_per_th = 40", "j_per_th = 40, efficency = 3");
        let e = toml::from_str::<MinersConfig>(&bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("efficency"), "{e}");
        let bad = t.replace("usd_per_kwh = 0.05", "usd_per_kwh = 0.05, low = 1");
        assert!(toml::from_str::<MinersConfig>(&bad).is_err());
        let bad = t.replace("catalogue = [", "catalogue = \"mine\"\nx = [");
        let e = toml::from_str::<MinersConfig>(&bad)
            .unwrap_err()
            .to_string();
        assert!(e.contains("unknown catalogue"), "{e}");
    }

    #[test]
    fn every_bad_value_is_reported_with_its_path() {
        let mut c: MinersConfig = toml::from_str(EXAMPLE).unwrap();
        c.groups[2].share = 1.7;
        c.groups[1].pue = 0.5;
        let mut v = Validator::new();
        c.validate(&mut v, "miners");
        let e: Vec<String> = v.into_errors().iter().map(|e| e.to_string()).collect();
        assert!(
            e.contains(&"miners.groups[2].share must be in (0, 1], got 1.7".to_string()),
            "{e:?}"
        );
        assert!(
            e.contains(&"miners.groups[1].pue must be in [1, 3], got 0.5".to_string()),
            "{e:?}"
        );
        assert!(
            e.iter()
                .any(|x| x.starts_with("miners.groups shares must sum to 1")),
            "{e:?}"
        );
    }

    #[test]
    fn hashprice_formula() {
        // 2026-01-01: difficulty 1.4826e14, price 88,684, subsidy 3.125 BTC.
        let v = MarketView {
            date: Date::from_ymd(2026, 1, 1).unwrap(),
            t_s: 0.0,
            dt_s: 86_400.0,
            step_index: 0,
            price_usd: 88_684.0,
            difficulty: 1.4826e14,
            subsidy_btc_per_block: 3.125,
            fee_btc_per_block: 0.0,
            height: 930_342,
            target_spacing_s: 600.0,
            blocks_to_next_halving: 119_658,
            halving_interval_blocks: 210_000,
        };
        let h = v.hashprice_usd_per_th_day();
        let expect = 3.125 * 88_684.0 * 86_400e12 / (1.4826e14 * TWO_POW_32);
        assert!(
            (h - expect).abs() < 1e-12 && (h - 0.0376).abs() < 0.001,
            "{h}"
        );
    }
}
