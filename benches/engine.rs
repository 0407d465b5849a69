//! Criterion benches of the engine: one 10-year daily run with a
//! reduced-form supply and with agent populations, a Monte Carlo batch, and
//! one year of hourly steps under each difficulty rule (per-block sampling
//! for ASERT and cw-144, about 52,000 blocks).
//!
//! Run from the project root: `cargo bench -p minesim-benches --bench engine`
//! (results in target/criterion).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use minesim::batch::{run_batch, run_rng};
use minesim::engine::run;
use minesim_benches::{agents_scenario, clearing_scenario, prepared, rule_scenario, CURVE};
use std::hint::black_box;

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
    let p = prepared(&clearing_scenario(10_000, 10.0));
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
