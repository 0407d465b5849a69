//! What a run produces: one [`StepRecord`] per step and a [`RunSummary`].
//!
//! Every number here is finite: ratios whose denominator is zero (no
//! reward in a stalled step) are `None`, written as an empty CSV cell and
//! as `null` in JSON.

use super::blocks::{Retarget, StepBlocks};
use super::SAT_PER_BTC;
use crate::calendar::Date;
use crate::engine::config::ModelConfig;
use crate::miners::{CbeciEstimate, MarketView, StepOutcome};
use serde::Serialize;

/// Hours in a (Julian) year, for annualising power.
pub const HOURS_PER_YEAR: f64 = 8_766.0;
/// Share of the network's hashrate an attacker must match (the seed's 51 %).
pub const ATTACK_SHARE: f64 = 0.51;

/// One step of one run; one row of `steps.csv`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StepRecord {
    /// Step index, from 0.
    pub step: u64,
    /// Day the step starts in (UTC).
    pub date: Date,
    /// Years since the start, at the step's start.
    pub time_years: f64,
    /// Tip height at the end of the step.
    pub height: u64,
    /// Blocks mined in the step.
    pub blocks: u64,
    /// Difficulty retargets in the step.
    pub retargets: u32,
    /// Difficulty at the end of the step.
    pub difficulty: f64,
    /// Network hashrate the miners ran during the step, EH/s.
    pub hashrate_eh_s: f64,
    /// Installed hashrate (running or switched off), EH/s.
    pub installed_hashrate_eh_s: f64,
    /// Share of installed hashrate switched off.
    pub switched_off_share: f64,
    /// Mean efficiency of the operating fleet, J/TH.
    pub fleet_j_per_th: f64,
    /// Mean time between blocks in the step, seconds (empty without blocks).
    pub mean_block_interval_s: Option<f64>,
    /// BTC price, USD.
    pub price_usd: f64,
    /// Subsidy paid in the step, BTC (exact: integer satoshis).
    pub subsidy_btc: f64,
    /// Fees paid in the step, BTC.
    pub fees_btc: f64,
    /// Subsidy + fees, USD.
    pub reward_usd: f64,
    /// Subsidy part of the reward, USD.
    pub subsidy_usd: f64,
    /// Fee part of the reward, USD.
    pub fees_usd: f64,
    /// Expected reward per TH/s per day at the step's start, USD.
    pub hashprice_usd_per_th_day: f64,
    /// Electricity bill of the step, USD.
    pub energy_cost_usd: f64,
    /// Heat sold, USD (reduces net energy spend).
    pub heat_credit_usd: f64,
    /// Hardware bought in the step, USD.
    pub capex_usd: f64,
    /// Hardware cost amortised over the step, USD.
    pub amortised_capex_usd: f64,
    /// Other operating costs (maintenance, hosting), USD.
    pub other_cost_usd: f64,
    /// Net energy + amortised capex + other costs, USD.
    pub total_cost_usd: f64,
    /// (energy − heat credit) / reward.
    pub ratio_energy: Option<f64>,
    /// (energy − heat credit + amortised capex) / reward.
    pub ratio_energy_capex: Option<f64>,
    /// total cost / reward.
    pub ratio_total: Option<f64>,
    /// Cost of capital on the book value of the hardware (installed, plus
    /// paid orders in transit) at each group's discount rate, USD.
    pub capital_charge_usd: f64,
    /// (total cost + capital charge) / reward: every cost of mining,
    /// including the return the capital could earn elsewhere. Zero-profit
    /// free entry reads ≈ 1 here.
    pub ratio_economic: Option<f64>,
    /// Electrical power drawn, GW.
    pub power_gw: f64,
    /// Power annualised, TWh per year.
    pub energy_twh_per_year: f64,
    /// Share of world electricity generation.
    pub world_electricity_share: f64,
    /// Issued BTC at the end of the step.
    pub supply_btc: f64,
    /// Price × supply, USD.
    pub market_cap_usd: f64,
    /// Energy cost per hour of running 51 % of the network's hashrate on the
    /// least efficient operating hardware, USD.
    pub attack_energy_usd_per_hour: f64,
    /// Cost per hour of renting 51 % of the network's hashrate at the
    /// going hashprice (what the hashrate earns mining; crypto51's method),
    /// USD.
    pub attack_rent_usd_per_hour: f64,
    /// Cost of buying 51 % of the network's hashrate new, USD.
    pub attack_hardware_usd: f64,
    /// attack_energy_usd_per_hour / market cap.
    pub attack_hour_share_of_market_cap: Option<f64>,
    /// The CBECI accounting view of the same hashrate and revenue (most
    /// efficient profitable hardware × PUE 1.01), TWh per year.
    pub cbeci_lower_twh_per_year: f64,
    /// CBECI best guess (mean of profitable hardware × PUE 1.10), TWh/yr.
    pub cbeci_best_twh_per_year: f64,
    /// CBECI upper bound (least efficient profitable × PUE 1.20), TWh/yr.
    pub cbeci_upper_twh_per_year: f64,
    /// Price of a new machine of the best generation on sale, USD per
    /// TH/s: the posted price, or the last review's clearing price.
    pub asic_price_usd_per_th: f64,
    /// World output of new machines, MW of machine power a month.
    pub manufacturing_capacity_mw_per_month: f64,
    /// Manufacturers' revenue from the machines sold in the step, USD
    /// (the same money as `capex_usd`, seen from the seller).
    pub manufacturer_revenue_usd: f64,
    /// Manufacturers' margin on them (price minus unit cost, times TH/s),
    /// USD; empty for the posted market, which has no unit cost.
    pub manufacturer_margin_usd: Option<f64>,
    /// Price of the next MW of power in the cheapest finite power region
    /// with room, USD/kWh; empty without supply-curve regions or when all
    /// are full.
    pub marginal_power_price_usd_per_kwh: Option<f64>,
    /// Mean price of the used machines sold in the step (their USD over
    /// their TH/s), USD per TH/s; empty without a used market or when
    /// nothing was sold.
    pub used_asic_price_usd_per_th: Option<f64>,
    /// Machines scrapped in the step, TH/s: retired at their lifetime or
    /// after their patience, or, with a used market, past their physical
    /// life or offered and not sold.
    pub scrapped_th: f64,
}

fn ratio(num: f64, den: f64) -> Option<f64> {
    if den > 0.0 && num.is_finite() && den.is_finite() {
        // A tiny denominator can still overflow the quotient.
        Some(num / den).filter(|r| r.is_finite())
    } else {
        None
    }
}

fn finite(x: f64) -> f64 {
    if x.is_finite() {
        x
    } else {
        0.0
    }
}

impl StepRecord {
    /// Builds a step's row from what the engine saw and drew.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        model: &ModelConfig,
        step: u64,
        date: Date,
        t_s: f64,
        dt_s: f64,
        view: &MarketView,
        outcome: &StepOutcome,
        hashrate_hs: f64,
        difficulty_after: f64,
        mined: StepBlocks,
        subsidy_sat: u64,
        fees_sat: u64,
        issued_sat: u64,
        cbeci: CbeciEstimate,
    ) -> StepRecord {
        let price = view.price_usd;
        let subsidy_btc = subsidy_sat as f64 / SAT_PER_BTC;
        let fees_btc = fees_sat as f64 / SAT_PER_BTC;
        let subsidy_usd = subsidy_btc * price;
        let fees_usd = fees_btc * price;
        let reward_usd = subsidy_usd + fees_usd;
        let energy = finite(outcome.energy_cost_usd);
        let heat = finite(outcome.heat_credit_usd);
        let amortised = finite(outcome.amortised_capex_usd);
        let other = finite(outcome.other_cost_usd);
        let net_energy = energy - heat;
        let total = net_energy + amortised + other;
        let capital_charge = finite(outcome.capital_charge_usd);
        let power_gw = finite(outcome.power_w) / 1e9;
        let energy_twh_per_year = power_gw * HOURS_PER_YEAR / 1000.0;
        let supply_btc = issued_sat as f64 / SAT_PER_BTC;
        let market_cap = supply_btc * price;
        let attack_th = ATTACK_SHARE * hashrate_hs / 1e12;
        let attack_energy = finite(attack_th * outcome.marginal_energy_cost_usd_per_th_day / 24.0);
        StepRecord {
            step,
            date,
            time_years: t_s / (365.25 * 86_400.0),
            height: mined.first_height + mined.blocks - 1,
            blocks: mined.blocks,
            retargets: mined.retargets,
            difficulty: difficulty_after,
            hashrate_eh_s: hashrate_hs / 1e18,
            installed_hashrate_eh_s: finite(outcome.installed_hashrate_hs) / 1e18,
            switched_off_share: finite(outcome.switched_off_share),
            fleet_j_per_th: finite(outcome.fleet_j_per_th),
            mean_block_interval_s: ratio(dt_s, mined.blocks as f64),
            price_usd: price,
            subsidy_btc,
            fees_btc,
            reward_usd,
            subsidy_usd,
            fees_usd,
            hashprice_usd_per_th_day: finite(view.hashprice_usd_per_th_day()),
            energy_cost_usd: energy,
            heat_credit_usd: heat,
            capex_usd: finite(outcome.capex_usd),
            amortised_capex_usd: amortised,
            other_cost_usd: other,
            total_cost_usd: total,
            ratio_energy: ratio(net_energy, reward_usd),
            ratio_energy_capex: ratio(net_energy + amortised, reward_usd),
            capital_charge_usd: capital_charge,
            ratio_economic: ratio(total + capital_charge, reward_usd),
            ratio_total: ratio(total, reward_usd),
            power_gw,
            energy_twh_per_year,
            world_electricity_share: finite(
                energy_twh_per_year
                    / model
                        .world
                        .electricity_twh_per_year_at(t_s / (365.25 * 86_400.0)),
            ),
            supply_btc,
            market_cap_usd: market_cap,
            attack_energy_usd_per_hour: attack_energy,
            attack_rent_usd_per_hour: finite(attack_th * view.hashprice_usd_per_th_day() / 24.0),
            attack_hardware_usd: finite(attack_th * outcome.hardware_cost_usd_per_th),
            attack_hour_share_of_market_cap: ratio(attack_energy, market_cap),
            cbeci_lower_twh_per_year: finite(cbeci.lower_w) / 1e9 * HOURS_PER_YEAR / 1000.0,
            cbeci_best_twh_per_year: finite(cbeci.best_w) / 1e9 * HOURS_PER_YEAR / 1000.0,
            cbeci_upper_twh_per_year: finite(cbeci.upper_w) / 1e9 * HOURS_PER_YEAR / 1000.0,
            asic_price_usd_per_th: finite(outcome.hardware_cost_usd_per_th),
            manufacturing_capacity_mw_per_month: finite(
                outcome.manufacturing_capacity_mw_per_month,
            ),
            manufacturer_revenue_usd: finite(outcome.capex_usd),
            manufacturer_margin_usd: outcome.manufacturer_margin_usd.filter(|m| m.is_finite()),
            marginal_power_price_usd_per_kwh: outcome
                .marginal_power_price_usd_per_kwh
                .filter(|m| m.is_finite()),
            used_asic_price_usd_per_th: ratio(outcome.used_sold_usd, outcome.used_sold_th),
            scrapped_th: finite(outcome.scrapped_th),
        }
    }
}

/// The scalar results of one run; one row of `runs.csv`, and the heart of
/// `summary.json`. "Equilibrium" values are taken over the last
/// `metrics.equilibrium_window_years` of the run: ratios as the sum of
/// costs over the sum of rewards in the window, others as window means.
#[derive(Debug, Clone, Serialize, serde::Deserialize, PartialEq, Default)]
pub struct RunSummary {
    pub steps: u64,
    pub blocks: u64,
    pub retargets: u64,
    pub final_height: u64,
    pub final_difficulty: f64,
    /// Mean seconds between blocks over the whole run (empty without blocks).
    pub mean_block_interval_s: Option<f64>,
    /// Largest single retarget factor (new / old difficulty, or its inverse).
    pub max_retarget_factor: f64,
    pub equilibrium_ratio_energy: Option<f64>,
    pub equilibrium_ratio_energy_capex: Option<f64>,
    pub equilibrium_ratio_total: Option<f64>,
    /// (total cost + capital charge) / reward over the window.
    pub equilibrium_ratio_economic: Option<f64>,
    pub equilibrium_hashrate_eh_s: f64,
    pub equilibrium_energy_twh_per_year: f64,
    /// The CBECI view's best guess over the same window, TWh/yr.
    pub equilibrium_cbeci_best_twh_per_year: f64,
    pub equilibrium_world_electricity_share: f64,
    pub equilibrium_reward_usd_per_day: f64,
    pub equilibrium_total_cost_usd_per_day: f64,
    pub equilibrium_attack_energy_usd_per_hour: f64,
    pub equilibrium_attack_rent_usd_per_hour: f64,
    pub final_hashrate_eh_s: f64,
    pub final_price_usd: f64,
    pub final_supply_btc: f64,
    pub final_market_cap_usd: f64,
}

impl RunSummary {
    pub fn from_records(
        model: &ModelConfig,
        records: &[StepRecord],
        retargets: &[Retarget],
    ) -> RunSummary {
        let n = records.len();
        let Some(last) = records.last() else {
            return RunSummary::default();
        };
        let window = ((model.metrics.window_years(model.simulation.years) * 365.25
            / model.simulation.step_days)
            .ceil() as usize)
            .clamp(1, n);
        let w = &records[n - window..];
        let sum = |f: fn(&StepRecord) -> f64| -> f64 { w.iter().map(f).sum() };
        let reward = sum(|r| r.reward_usd);
        let net_energy = sum(|r| r.energy_cost_usd - r.heat_credit_usd);
        let amortised = sum(|r| r.amortised_capex_usd);
        let total = sum(|r| r.total_cost_usd);
        let capital = sum(|r| r.capital_charge_usd);
        let days = window as f64 * model.simulation.step_days;
        let mean = |f: fn(&StepRecord) -> f64| sum(f) / window as f64;
        let blocks: u64 = records.iter().map(|r| r.blocks).sum();
        let elapsed_s = n as f64 * model.simulation.step_s();
        RunSummary {
            steps: n as u64,
            blocks,
            retargets: retargets.len() as u64,
            final_height: last.height,
            final_difficulty: last.difficulty,
            mean_block_interval_s: ratio(elapsed_s, blocks as f64),
            max_retarget_factor: retargets
                .iter()
                .map(|r| {
                    let f = r.new_difficulty / r.old_difficulty;
                    if f >= 1.0 {
                        f
                    } else {
                        1.0 / f
                    }
                })
                .filter(|f| f.is_finite())
                .fold(1.0, f64::max),
            equilibrium_ratio_energy: ratio(net_energy, reward),
            equilibrium_ratio_energy_capex: ratio(net_energy + amortised, reward),
            equilibrium_ratio_total: ratio(total, reward),
            equilibrium_ratio_economic: ratio(total + capital, reward),
            equilibrium_hashrate_eh_s: mean(|r| r.hashrate_eh_s),
            equilibrium_energy_twh_per_year: mean(|r| r.energy_twh_per_year),
            equilibrium_cbeci_best_twh_per_year: mean(|r| r.cbeci_best_twh_per_year),
            equilibrium_world_electricity_share: mean(|r| r.world_electricity_share),
            equilibrium_reward_usd_per_day: reward / days,
            equilibrium_total_cost_usd_per_day: total / days,
            equilibrium_attack_energy_usd_per_hour: mean(|r| r.attack_energy_usd_per_hour),
            equilibrium_attack_rent_usd_per_hour: mean(|r| r.attack_rent_usd_per_hour),
            final_hashrate_eh_s: last.hashrate_eh_s,
            final_price_usd: last.price_usd,
            final_supply_btc: last.supply_btc,
            final_market_cap_usd: last.market_cap_usd,
        }
    }
}

/// Everything one run produced.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub records: Vec<StepRecord>,
    pub retargets: Vec<Retarget>,
    /// Names of the ASIC generations (agent runs only).
    pub generation_names: Vec<String>,
    /// Efficiency of each generation at the ASIC, J/TH (agent runs only).
    pub generation_j_per_th: Vec<f64>,
    /// Operating (effective) hashrate per generation, H/s: `steps ×
    /// generations`, row-major (agent runs only).
    pub hashrate_by_generation: Vec<f64>,
    /// Installed (nominal, idle machines included) hashrate per
    /// generation, H/s, laid out as `hashrate_by_generation`.
    pub installed_by_generation: Vec<f64>,
    /// Names of the finite power regions (groups with a supply curve).
    pub region_names: Vec<String>,
    /// Their records: `steps × regions`, row-major.
    pub regions: Vec<crate::miners::RegionStep>,
    /// The `[attack]` economics per step (empty without an `[attack]` table).
    pub attack: Vec<crate::miners::AttackEconomics>,
    pub summary: RunSummary,
}
