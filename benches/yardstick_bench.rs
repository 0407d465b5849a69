//! Criterion benches of the P1 yardstick (`yardstick.rs`,
//! `../shared/reference/p1-yardstick.md`): one 10-year daily run of the
//! plain struct-of-arrays loop with 1,000, 10,000 and 100,000 agents, set-up
//! included. Divide by agents × 3,650 for the time per agent-step.
//!
//! Run from the project root: `cargo bench -p minesim-benches --bench yardstick`

use criterion::{criterion_group, criterion_main, Criterion};
use minesim_benches::yardstick::{run_p1, DAYS, SEED};
use std::hint::black_box;

fn p1(c: &mut Criterion) {
    let mut g = c.benchmark_group("yardstick");
    for agents in [1_000usize, 10_000, 100_000] {
        g.sample_size(if agents >= 100_000 { 10 } else { 20 });
        g.bench_function(format!("p1_{agents}_agents"), |b| {
            b.iter(|| {
                let m = run_p1(black_box(agents), DAYS, SEED);
                black_box(m.table.last().copied())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, p1);
criterion_main!(benches);
