//! Monte Carlo batches: many runs of one scenario, in parallel, with
//! results that do not depend on the thread count.
//!
//! Run `i` draws from stream `i` of a ChaCha8 generator seeded with the
//! scenario's seed, so its numbers depend only on (seed, i). Runs are
//! computed in parallel in chunks and folded into the aggregates in
//! run-index order, so the bytes written are the same with one thread or
//! many. Memory is bounded: per step and metric the batch keeps a running
//! mean/variance and a quantile sketch, plus one scalar row per run; full
//! time series only for the first `keep_runs` runs.

use crate::engine::{run, EngineError, PreparedScenario, RunResult, RunSummary, StepRecord};
use crate::stats::{Moments, QuantileSketch};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use std::ops::Range;

/// Runs folded together per parallel chunk; any value gives the same
/// results, this one bounds memory at a few dozen runs in flight.
pub const CHUNK_RUNS: u64 = 64;

/// The random stream of run `run_index` of a scenario seeded with `seed`.
pub fn run_rng(seed: u64, run_index: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(run_index);
    rng
}

/// A per-step metric that gets Monte Carlo bands.
pub struct BandMetric {
    pub name: &'static str,
    pub value: fn(&StepRecord) -> Option<f64>,
}

/// The metrics with per-step bands in `bands.csv`.
pub const BAND_METRICS: &[BandMetric] = &[
    BandMetric {
        name: "price_usd",
        value: |r| Some(r.price_usd),
    },
    BandMetric {
        name: "reward_usd",
        value: |r| Some(r.reward_usd),
    },
    BandMetric {
        name: "subsidy_usd",
        value: |r| Some(r.subsidy_usd),
    },
    BandMetric {
        name: "fees_usd",
        value: |r| Some(r.fees_usd),
    },
    BandMetric {
        name: "energy_cost_usd",
        value: |r| Some(r.energy_cost_usd),
    },
    BandMetric {
        name: "total_cost_usd",
        value: |r| Some(r.total_cost_usd),
    },
    BandMetric {
        name: "ratio_energy",
        value: |r| r.ratio_energy,
    },
    BandMetric {
        name: "ratio_energy_capex",
        value: |r| r.ratio_energy_capex,
    },
    BandMetric {
        name: "ratio_total",
        value: |r| r.ratio_total,
    },
    BandMetric {
        name: "hashrate_eh_s",
        value: |r| Some(r.hashrate_eh_s),
    },
    BandMetric {
        name: "difficulty",
        value: |r| Some(r.difficulty),
    },
    BandMetric {
        name: "blocks",
        value: |r| Some(r.blocks as f64),
    },
    BandMetric {
        name: "energy_twh_per_year",
        value: |r| Some(r.energy_twh_per_year),
    },
    BandMetric {
        name: "world_electricity_share",
        value: |r| Some(r.world_electricity_share),
    },
    BandMetric {
        name: "market_cap_usd",
        value: |r| Some(r.market_cap_usd),
    },
    BandMetric {
        name: "attack_energy_usd_per_hour",
        value: |r| Some(r.attack_energy_usd_per_hour),
    },
    BandMetric {
        name: "attack_hour_share_of_market_cap",
        value: |r| r.attack_hour_share_of_market_cap,
    },
    BandMetric {
        name: "switched_off_share",
        value: |r| Some(r.switched_off_share),
    },
];

/// Running statistics of one metric at one step across runs.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BandCell {
    pub moments: Moments,
    pub sketch: QuantileSketch,
}

/// Per-step, per-metric statistics across runs.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Bands {
    /// Step dates (from the first run folded in).
    pub dates: Vec<String>,
    pub time_years: Vec<f64>,
    /// `cells[step * BAND_METRICS.len() + metric]`.
    pub cells: Vec<BandCell>,
}

impl Bands {
    fn fold(&mut self, records: &[StepRecord]) {
        let m = BAND_METRICS.len();
        if self.cells.is_empty() {
            self.cells = vec![BandCell::default(); records.len() * m];
            self.dates = records.iter().map(|r| r.date.to_string()).collect();
            self.time_years = records.iter().map(|r| r.time_years).collect();
        }
        for (s, r) in records.iter().enumerate() {
            for (k, metric) in BAND_METRICS.iter().enumerate() {
                if let (Some(v), Some(cell)) = ((metric.value)(r), self.cells.get_mut(s * m + k)) {
                    cell.moments.push(v);
                    cell.sketch.push(v);
                }
            }
        }
    }

    pub fn steps(&self) -> usize {
        self.dates.len()
    }

    /// The cell of a metric (by index in [`BAND_METRICS`]) at a step.
    pub fn cell(&self, step: usize, metric: usize) -> &BandCell {
        &self.cells[step * BAND_METRICS.len() + metric]
    }

    /// Index of a metric by name.
    pub fn metric_index(name: &str) -> Option<usize> {
        BAND_METRICS.iter().position(|m| m.name == name)
    }
}

/// One run's scalar results.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunRow {
    pub run: u64,
    pub summary: RunSummary,
}

/// Everything a batch keeps.
#[derive(Debug, Clone)]
pub struct BatchResult {
    pub runs: Range<u64>,
    pub rows: Vec<RunRow>,
    pub bands: Bands,
    /// Full results of the first `keep_runs` runs of the range.
    pub kept: Vec<(u64, RunResult)>,
}

/// Runs `runs` of the scenario (run indices, so shards can take slices) in
/// the current rayon pool. `on_run_done` is called once per finished run
/// (from worker threads) for progress display.
pub fn run_batch(
    prepared: &PreparedScenario,
    runs: Range<u64>,
    keep_runs: u64,
    on_run_done: &(dyn Fn() + Sync),
) -> Result<BatchResult, EngineError> {
    let seed = prepared.scenario.seed;
    let mut result = BatchResult {
        runs: runs.clone(),
        rows: Vec::with_capacity((runs.end - runs.start) as usize),
        bands: Bands::default(),
        kept: Vec::new(),
    };
    let mut chunk_start = runs.start;
    while chunk_start < runs.end {
        let chunk_end = (chunk_start + CHUNK_RUNS).min(runs.end);
        let done: Vec<Result<(u64, RunResult), EngineError>> = (chunk_start..chunk_end)
            .into_par_iter()
            .map(|i| {
                let mut rng = run_rng(seed, i);
                let r = run(prepared, &mut rng);
                on_run_done();
                r.map(|r| (i, r))
            })
            .collect();
        for item in done {
            let (i, r) = item?;
            result.bands.fold(&r.records);
            result.rows.push(RunRow {
                run: i,
                summary: r.summary.clone(),
            });
            if i - runs.start < keep_runs {
                result.kept.push((i, r));
            }
        }
        chunk_start = chunk_end;
    }
    Ok(result)
}

impl Bands {
    /// Adds another batch's bands (of the same scenario) to these. Exact:
    /// the result does not depend on the order or grouping of merges.
    pub fn merge(&mut self, other: &Bands) {
        if self.cells.is_empty() {
            *self = other.clone();
            return;
        }
        for (a, b) in self.cells.iter_mut().zip(&other.cells) {
            a.moments.merge(&b.moments);
            a.sketch.merge(&b.sketch);
        }
    }
}
