//! The benches' scenarios, shared by the criterion benches (`engine.rs`)
//! and the profiling example (`examples/profile.rs`), so that a profile
//! measures exactly what a bench times. Also the P1 yardstick
//! ([`yardstick`]) and what the timing examples share.

use minesim::engine::PreparedModel;
use minesim::plan::{Overrides, Plan, Set};
use minesim::scenario::parse_scenario;
use std::path::Path;

pub mod yardstick;

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

/// A scenario file with `--set PATH=VALUE` overrides applied, prepared as
/// `minesim run` prepares it; with its seed and its number of agents at
/// the start (0 for a reduced-form supply). A sweep's first point.
pub fn prepared_file(path: &Path, sets: &[String]) -> Result<(PreparedModel, u64, u64), String> {
    let set = sets
        .iter()
        .map(|s| Set::parse(s))
        .collect::<Result<Vec<_>, _>>()?;
    let overrides = Overrides {
        set,
        ..Overrides::default()
    };
    let mut plan = Plan::load(path, &overrides, 0).map_err(|e| e.to_string())?;
    let agents = plan
        .base
        .miners
        .as_ref()
        .map_or(0, |m| m.groups.iter().map(|g| g.agents as u64).sum());
    Ok((plan.points.swap_remove(0), plan.base.seed, agents))
}

/// CPU time of this process so far, in seconds (user and system, all
/// threads: the timing examples are single-threaded, so it is also the
/// thread's), which another process on the machine does not inflate as it
/// does wall-clock time.
pub fn cpu_seconds() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec and the clock id is a
    // constant that Linux always provides.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed");
    ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9
}
