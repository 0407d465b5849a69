//! Criterion benches of the engine: one 10-year daily run with a
//! reduced-form supply and with agent populations, and a Monte Carlo batch.
//!
//! Run: `cargo bench --bench engine` (results in target/criterion).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use minesim::batch::{run_batch, run_rng};
use minesim::engine::{run, PreparedScenario};
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

fn prepared(text: &str) -> PreparedScenario {
    let sc = parse_scenario(text, Path::new("bench.toml")).expect("bench scenario is valid");
    PreparedScenario::new(sc, Path::new(".")).expect("bench scenario prepares")
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

fn batch_200_curve(c: &mut Criterion) {
    let p = prepared(CURVE);
    let mut g = c.benchmark_group("batch");
    g.sample_size(10);
    g.bench_function("batch_200_runs_10y_curve", |b| {
        b.iter(|| black_box(run_batch(&p, 0..200, 0, &|| {}).unwrap().rows.len()))
    });
    g.finish();
}

criterion_group!(benches, ten_year_curve, batch_200_curve);
criterion_main!(benches);
