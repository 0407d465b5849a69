//! The benches' scenarios, shared by the criterion benches (`engine.rs`)
//! and the profiling example (`examples/profile.rs`), so that a profile
//! measures exactly what a bench times.

use minesim::engine::PreparedModel;
use minesim::scenario::parse_scenario;
use std::path::Path;

/// A 10-year daily run with a reduced-form (linear) hash supply.
pub const CURVE: &str = r#"
name = "bench-curve"
[start]
date = "2026-01-01"
height = 930342
difficulty = 148258433698386
[simulation]
years = 10
[price]
model = "gbm"
start_price_usd = 88684
drift_per_year = 0.05
volatility_per_year = 0.6
[fees]
model = "usd_per_tx"
usd_per_tx = 2
tx_per_block = 3500
[hash_supply]
model = "linear"
intercept_eh_s = 100
slope_eh_s = 20
"#;

/// The baseline's agent economy with `agents` agents in total, buying at
/// the posted hardware price.
pub fn agents_scenario(agents: u64, years: f64) -> String {
    format!(
        r#"
name = "bench-agents"
[start]
date = "2026-01-01"
height = 930342
difficulty = 148258433698386
[simulation]
years = {years}
[price]
model = "gbm"
start_price_usd = 88684
drift_per_year = 0.10
volatility_per_year = 0.55
[fees]
model = "usd_per_tx"
usd_per_tx = 1.5
tx_per_block = 3500
[miners]
catalogue = "default"
free_entry = false
max_agents = {agents}
[miners.future]
efficiency_improvement_per_year = 0.2
every_years = 1.5
until = "2040-01-01"
[[miners.groups]]
name = "industrial"
share = 0.7
agents = {a1}
electricity = {{ distribution = "lognormal", median_usd_per_kwh = 0.045, sigma = 0.3 }}
[[miners.groups]]
name = "home"
share = 0.3
agents = {a2}
electricity = {{ distribution = "uniform", low_usd_per_kwh = 0.08, high_usd_per_kwh = 0.25 }}
"#,
        a1 = agents * 7 / 10,
        a2 = agents - agents * 7 / 10,
    )
}

/// [`agents_scenario`] with the machines sold through the clearing market:
/// every review sorts the bids of the agents for whom a machine is worth
/// more than its unit cost.
pub fn clearing_scenario(agents: u64, years: f64) -> String {
    agents_scenario(agents, years).replace(
        "free_entry = false\n",
        "free_entry = false\nhardware_market = { model = \"clearing\", capacity_mw_per_month = 400, manufacturing_cost_usd_per_watt = 0.4 }\n",
    )
}

/// Noda et al.'s setting (q8a-noda-sigmoid-*.toml) under `rule`.
pub fn rule_scenario(rule: &str) -> String {
    format!(
        r#"
name = "bench-rule"
[start]
date = "2018-11-20"
height = 551442
difficulty = 6.964e12
[simulation]
years = 1
step_days = 0.041666666666666664
[chain]
difficulty_rule = "{rule}"
[price]
model = "gbm"
start_price_usd = 5400
drift_per_year = 0
volatility_per_year = 0.811
[hash_supply]
model = "sigmoid_per_hash"
cap_eh_s = 55
center_usd_per_eh = 1.5
steepness = 3
"#
    )
}

/// Parses and prepares a bench scenario (data files, if any, relative to
/// the working directory).
pub fn prepared(text: &str) -> PreparedModel {
    let sc = parse_scenario(text, Path::new("bench.toml")).expect("bench scenario is valid");
    sc.prepare(Path::new(".")).expect("bench scenario prepares")
}
