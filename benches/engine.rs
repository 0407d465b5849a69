//! Criterion benches of the engine: one 10-year daily run with a
//! reduced-form supply and with agent populations, a Monte Carlo batch, and
//! one year of hourly steps under each difficulty rule (per-block sampling
//! for ASERT and cw-144, about 52,000 blocks).
//!
//! Run from the project root: `cargo bench -p minesim-benches --bench engine`
//! (results in target/criterion).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use minesim::batch::{run_batch, run_rng};
use minesim::engine::{run, PreparedModel};
use minesim::scenario::parse_scenario;
use std::hint::black_box;
use std::path::Path;

const CURVE: &str = r#"
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

/// The baseline's agent economy with `agents` agents in total.
fn agents_scenario(agents: u64, years: f64) -> String {
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

fn prepared(text: &str) -> PreparedModel {
    let sc = parse_scenario(text, Path::new("bench.toml")).expect("bench scenario is valid");
    sc.prepare(Path::new(".")).expect("bench scenario prepares")
}

fn ten_year_curve(c: &mut Criterion) {
    let p = prepared(CURVE);
    c.bench_function("run_10y_daily_curve", |b| {
        b.iter_batched(
            || run_rng(1, 0),
            |mut rng| black_box(run(&p, &mut rng).unwrap().summary),
            BatchSize::SmallInput,
        )
    });
}

fn ten_year_agents(c: &mut Criterion) {
    let mut g = c.benchmark_group("agents");
    g.sample_size(20);
    for agents in [1_000u64, 10_000] {
        let p = prepared(&agents_scenario(agents, 10.0));
        g.bench_function(format!("run_10y_daily_{agents}_agents"), |b| {
            b.iter_batched(
                || run_rng(1, 0),
                |mut rng| black_box(run(&p, &mut rng).unwrap().summary),
                BatchSize::SmallInput,
            )
        });
    }
    // The same 10,000 agents buying through the clearing market: every
    // review sorts the bids of the agents for whom a machine is worth
    // more than its unit cost.
    let clearing = agents_scenario(10_000, 10.0).replace(
        "free_entry = false\n",
        "free_entry = false\nhardware_market = { model = \"clearing\", capacity_mw_per_month = 400, manufacturing_cost_usd_per_watt = 0.4 }\n",
    );
    let p = prepared(&clearing);
    g.bench_function("run_10y_daily_10000_agents_clearing", |b| {
        b.iter_batched(
            || run_rng(1, 0),
            |mut rng| black_box(run(&p, &mut rng).unwrap().summary),
            BatchSize::SmallInput,
        )
    });
    // 100,000 agents for 30 daily steps: the per-step cost at that size
    // is this time / 30 (construction included; see the doc comment).
    let p = prepared(&agents_scenario(100_000, 30.0 / 365.25));
    g.bench_function("run_30_steps_100000_agents", |b| {
        b.iter_batched(
            || run_rng(1, 0),
            |mut rng| black_box(run(&p, &mut rng).unwrap().summary),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

/// Noda et al.'s setting (q8a-noda-sigmoid-*.toml) under `rule`.
fn rule_scenario(rule: &str) -> String {
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

fn one_year_hourly_rules(c: &mut Criterion) {
    let mut g = c.benchmark_group("rules");
    g.sample_size(20);
    for rule in ["retarget", "asert", "cw144"] {
        let p = prepared(&rule_scenario(rule));
        g.bench_function(format!("run_1y_hourly_{rule}"), |b| {
            b.iter_batched(
                || run_rng(1, 0),
                |mut rng| black_box(run(&p, &mut rng).unwrap().summary),
                BatchSize::SmallInput,
            )
        });
    }
    g.finish();
}

fn batch_200_agents(c: &mut Criterion) {
    let p = prepared(&agents_scenario(1_000, 10.0));
    let mut g = c.benchmark_group("batch");
    g.sample_size(10);
    g.bench_function("batch_200_runs_10y_1000_agents", |b| {
        b.iter(|| black_box(run_batch(&p, 1, 0..200, 0, &|| {}).unwrap().rows.len()))
    });
    g.finish();
}

fn batch_200_curve(c: &mut Criterion) {
    let p = prepared(CURVE);
    let mut g = c.benchmark_group("batch");
    g.sample_size(10);
    g.bench_function("batch_200_runs_10y_curve", |b| {
        b.iter(|| black_box(run_batch(&p, 1, 0..200, 0, &|| {}).unwrap().rows.len()))
    });
    g.finish();
}

criterion_group!(
    benches,
    ten_year_curve,
    ten_year_agents,
    one_year_hourly_rules,
    batch_200_curve,
    batch_200_agents
);
criterion_main!(benches);
