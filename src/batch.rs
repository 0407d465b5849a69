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

use crate::engine::{run, EngineError, PreparedModel, RunResult, RunSummary, StepRecord};
use crate::stats::{Moments, QuantileSketch};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rayon::prelude::*;
use std::ops::Range;
use std::sync::atomic::{AtomicBool, Ordering};

pub mod partial;

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
        name: "ratio_economic",
        value: |r| r.ratio_economic,
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
        name: "cbeci_lower_twh_per_year",
        value: |r| Some(r.cbeci_lower_twh_per_year),
    },
    BandMetric {
        name: "cbeci_best_twh_per_year",
        value: |r| Some(r.cbeci_best_twh_per_year),
    },
    BandMetric {
        name: "cbeci_upper_twh_per_year",
        value: |r| Some(r.cbeci_upper_twh_per_year),
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
        name: "attack_rent_usd_per_hour",
        value: |r| Some(r.attack_rent_usd_per_hour),
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
    /// Folds several runs at once, cell by cell: each cell's sketch is
    /// touched once per chunk instead of once per run, which keeps it in
    /// cache (the per-run order touched every cell's buckets once per run
    /// and was bound by memory latency). Steps are folded in parallel; a
    /// cell still receives its values in run order, and the aggregates are
    /// exact anyway, so the result is the same bytes.
    fn fold_many(&mut self, runs: &[&[StepRecord]]) {
        let Some(first) = runs.first() else {
            return;
        };
        let m = BAND_METRICS.len();
        if self.cells.is_empty() {
            self.cells = vec![BandCell::default(); first.len() * m];
            self.dates = first.iter().map(|r| r.date.to_string()).collect();
            self.time_years = first.iter().map(|r| r.time_years).collect();
        }
        self.cells
            .par_chunks_mut(m)
            .enumerate()
            .for_each(|(s, cells)| {
                // Each run's record is read once for all metrics (metric by
                // metric, every metric re-read the record of every run from
                // a different allocation), into one column of values per
                // metric, in run order; each cell then takes its column:
                // the moments value by value, the sketch in one merge.
                const M: usize = BAND_METRICS.len();
                const RUNS: usize = CHUNK_RUNS as usize;
                let mut columns = [[0.0f64; RUNS]; M];
                for group in runs.chunks(RUNS) {
                    let mut len = [0usize; M];
                    for r in group.iter().filter_map(|records| records.get(s)) {
                        for (k, metric) in BAND_METRICS.iter().enumerate() {
                            if let Some(v) = (metric.value)(r) {
                                columns[k][len[k]] = v;
                                len[k] += 1;
                            }
                        }
                    }
                    for ((cell, column), &n) in cells.iter_mut().zip(&columns).zip(&len) {
                        column[..n].iter().for_each(|&v| cell.moments.push(v));
                        cell.sketch.push_many(&column[..n]);
                    }
                }
            });
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

/// Runs `runs` of the model (run indices, so shards can take slices) with
/// master seed `seed` in the current rayon pool. `on_run_done` is called
/// once per finished run (from worker threads) for progress display.
pub fn run_batch(
    prepared: &PreparedModel,
    seed: u64,
    runs: Range<u64>,
    keep_runs: u64,
    on_run_done: &(dyn Fn() + Sync),
) -> Result<BatchResult, EngineError> {
    let layout = JobLayout {
        points: 1,
        runs_per_point: runs.end,
    };
    let keep = runs.start..runs.start.saturating_add(keep_runs).min(runs.end);
    let mut kept = Vec::new();
    let mut agg = JobsAggregate::starting_at(runs.start);
    let jobs = Jobs {
        points: std::slice::from_ref(prepared),
        seed,
        layout,
        keep,
        common_streams: false,
        combined_bands: false,
    };
    let outcome = jobs.run_chunks(
        runs.end,
        &mut agg,
        &mut kept,
        on_run_done,
        &AtomicBool::new(false),
        &mut |_| Ok::<(), EngineError>(()),
    )?;
    debug_assert_eq!(outcome, ChunksOutcome::Finished);
    Ok(BatchResult {
        runs,
        rows: agg.rows.into_iter().map(JobRow::into_run_row).collect(),
        bands: agg.bands,
        kept,
    })
}

/// Bits the point index is shifted by in a run's stream number.
pub const POINT_STREAM_SHIFT: u32 = 32;

/// The ChaCha8 stream of run `run` of sweep point `point`:
/// `point · 2^32 + run`. A plain batch is point 0, so its run `i` uses
/// stream `i`. Runs per point are at most 10^6 < 2^32, so streams never
/// collide.
pub fn stream_index(point: u64, run: u64) -> u64 {
    (point << POINT_STREAM_SHIFT) + run
}

/// The random generator of run `run` of point `point`.
pub fn point_run_rng(seed: u64, point: u64, run: u64) -> ChaCha8Rng {
    run_rng(seed, stream_index(point, run))
}

/// The work of a batch or sweep as one list of jobs: job
/// `j = point · runs_per_point + run`. Shards and checkpoints are
/// contiguous slices of this list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JobLayout {
    /// Sweep points (1 for a plain batch).
    pub points: u64,
    /// Monte Carlo runs per point.
    pub runs_per_point: u64,
}

impl JobLayout {
    /// Number of jobs.
    pub fn jobs(&self) -> u64 {
        self.points.saturating_mul(self.runs_per_point)
    }

    /// `(point, run)` of a job.
    pub fn locate(&self, job: u64) -> (u64, u64) {
        let r = self.runs_per_point.max(1);
        (job / r, job % r)
    }

    /// Jobs of shard `index` of `count`: contiguous, in order, sizes
    /// differing by at most one; together the shards tile all jobs.
    pub fn shard_jobs(&self, index: u64, count: u64) -> Range<u64> {
        let total = self.jobs() as u128;
        let count = count.max(1) as u128;
        let at = |k: u128| (total * k / count) as u64;
        at(index as u128)..at(index as u128 + 1)
    }
}

/// One run's scalar results, with its sweep point.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct JobRow {
    pub point: u64,
    pub run: u64,
    pub summary: RunSummary,
}

impl JobRow {
    /// As a plain batch's row (the point is dropped).
    pub fn into_run_row(self) -> RunRow {
        RunRow {
            run: self.run,
            summary: self.summary,
        }
    }
}

/// The aggregated results of a contiguous range of jobs: one row per job
/// in job order, and per-step bands (plain batches only). Appending the
/// aggregates of consecutive ranges gives exactly the aggregate of their
/// union, which is what shards, checkpoints and `merge` rely on.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct JobsAggregate {
    /// The jobs folded in.
    pub jobs: Range<u64>,
    pub rows: Vec<JobRow>,
    /// Per-step bands across runs; empty for sweeps other than designs
    /// with combined bands.
    pub bands: Bands,
}

impl JobsAggregate {
    /// An empty aggregate about to receive jobs from `job` on.
    pub fn starting_at(job: u64) -> JobsAggregate {
        JobsAggregate {
            jobs: job..job,
            ..JobsAggregate::default()
        }
    }

    /// Appends the aggregate of the jobs right after these.
    pub fn append(&mut self, other: JobsAggregate) -> Result<(), JobsGap> {
        if other.jobs.start != self.jobs.end {
            return Err(JobsGap {
                have: self.jobs.clone(),
                next: other.jobs,
            });
        }
        self.jobs.end = other.jobs.end;
        self.rows.extend(other.rows);
        if self.bands.cells.is_empty() {
            self.bands = other.bands;
        } else {
            self.bands.merge(&other.bands);
        }
        Ok(())
    }
}

/// An aggregate that does not continue where another one ends.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("jobs {}..{} do not follow jobs {}..{}", next.start, next.end, have.start, have.end)]
pub struct JobsGap {
    pub have: Range<u64>,
    pub next: Range<u64>,
}

/// How [`Jobs::run_chunks`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChunksOutcome {
    /// Every job up to the end was folded in.
    Finished,
    /// `stop` was raised; the aggregate holds the finished chunks.
    Stopped,
}

/// Why the batch layer could not run.
#[derive(Debug, thiserror::Error)]
pub enum BatchError {
    /// The worker threads could not be started.
    #[error("cannot start {threads} worker thread(s): {source}")]
    ThreadPool {
        threads: String,
        #[source]
        source: rayon::ThreadPoolBuildError,
    },
}

/// Runs `f` on a rayon pool of `threads` worker threads (default: one per
/// core). The batch layer owns parallelism: callers say how many threads,
/// never build a pool themselves.
pub fn with_threads<T: Send>(
    threads: Option<usize>,
    f: impl FnOnce() -> T + Send,
) -> Result<T, BatchError> {
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        builder = builder.num_threads(t);
    }
    let pool = builder.build().map_err(|source| BatchError::ThreadPool {
        threads: threads.map_or_else(|| "the default number of".into(), |t| t.to_string()),
        source,
    })?;
    Ok(pool.install(f))
}

/// The jobs of a batch or sweep: the prepared model of each sweep point
/// (one for a plain batch), the master seed, the job layout and the jobs
/// whose full results are kept (plain batches: run indices).
#[derive(Debug, Clone)]
pub struct Jobs<'a> {
    pub points: &'a [PreparedModel],
    pub seed: u64,
    pub layout: JobLayout,
    pub keep: Range<u64>,
    /// Run `r` of every point draws from stream `r` (common random
    /// numbers) instead of `point · 2^32 + r`.
    pub common_streams: bool,
    /// Fold every point's runs into one set of bands (an uncertainty
    /// design whose points share their steps: bands over parameters and
    /// chance together). A plain batch always folds its bands.
    pub combined_bands: bool,
}

impl Jobs<'_> {
    /// Continues `agg` (whose jobs end where work resumes) up to job
    /// `end`, in chunks of [`CHUNK_RUNS`] jobs run in parallel in the
    /// current rayon pool and folded in job order. Full results of the
    /// jobs in `keep` are pushed to `kept`. After each chunk `after_chunk`
    /// sees the aggregate (to checkpoint it); before each chunk `stop` is
    /// checked. Bands are folded when there is one point, or for every
    /// point with `combined_bands`.
    pub fn run_chunks<E: From<EngineError>>(
        &self,
        end: u64,
        agg: &mut JobsAggregate,
        kept: &mut Vec<(u64, RunResult)>,
        on_run_done: &(dyn Fn() + Sync),
        stop: &AtomicBool,
        after_chunk: &mut dyn FnMut(&JobsAggregate) -> Result<(), E>,
    ) -> Result<ChunksOutcome, E> {
        let points = self.points;
        let layout = self.layout;
        let with_bands = points.len() == 1 || self.combined_bands;
        while agg.jobs.end < end {
            if stop.load(Ordering::SeqCst) {
                return Ok(ChunksOutcome::Stopped);
            }
            let chunk_start = agg.jobs.end;
            let chunk_end = chunk_start.saturating_add(CHUNK_RUNS).min(end);
            let done: Vec<Result<(u64, RunResult), EngineError>> = (chunk_start..chunk_end)
                .into_par_iter()
                .map(|job| {
                    let (point, run_index) = layout.locate(job);
                    let prepared = &points[(point as usize).min(points.len() - 1)];
                    let mut rng = if self.common_streams {
                        run_rng(self.seed, run_index)
                    } else {
                        point_run_rng(self.seed, point, run_index)
                    };
                    let r = run(prepared, &mut rng);
                    on_run_done();
                    r.map(|r| (job, r))
                })
                .collect();
            let mut results = Vec::with_capacity(done.len());
            for item in done {
                results.push(item?);
            }
            if with_bands {
                let all: Vec<&[StepRecord]> =
                    results.iter().map(|(_, r)| r.records.as_slice()).collect();
                agg.bands.fold_many(&all);
            }
            for (job, r) in results {
                let (point, run_index) = layout.locate(job);
                agg.rows.push(JobRow {
                    point,
                    run: run_index,
                    summary: r.summary.clone(),
                });
                agg.jobs.end = job + 1;
                if self.keep.contains(&job) {
                    kept.push((job, r));
                }
            }
            after_chunk(agg)?;
        }
        Ok(ChunksOutcome::Finished)
    }
}

/// Full results of runs `keep` of a plain batch: those already in `kept`
/// are used, the others are recomputed (a run depends only on the seed
/// and its index, so the bytes are the same). Sorted by run.
pub fn complete_kept(
    prepared: &PreparedModel,
    seed: u64,
    keep: Range<u64>,
    mut kept: Vec<(u64, RunResult)>,
) -> Result<Vec<(u64, RunResult)>, EngineError> {
    kept.retain(|(i, _)| keep.contains(i));
    for i in keep {
        if !kept.iter().any(|(k, _)| *k == i) {
            let mut rng = point_run_rng(seed, 0, i);
            kept.push((i, run(prepared, &mut rng)?));
        }
    }
    kept.sort_by_key(|(i, _)| *i);
    Ok(kept)
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
