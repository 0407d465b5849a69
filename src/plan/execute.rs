//! Running a plan with checkpoints, writing its outputs, and merging shard
//! results.

use super::{Overrides, Plan, PlanError, Set};
use crate::batch::partial::{
    checkpoint_path, collect_partials, fnv1a64, merge_partials, read_partial, remove_checkpoint,
    write_partial, Shard,
};
use crate::batch::{
    complete_kept, with_threads, BatchResult, ChunksOutcome, JobRow, Jobs, JobsAggregate,
};
use crate::engine::{RunResult, RunSummary};
use crate::output::folder::{check_target, Staging};
use crate::output::{sweep::write_sweep_outputs, write_batch_outputs};
use crate::scenario::sweep::SweepMode;
use crate::scenario::{read_scenario_text, ScenarioError};
use crate::validate::FieldError;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

/// What the caller of [`Plan::execute`] is told while it runs. Every
/// method has an empty default.
pub trait Observer: Sync {
    /// Work starts: `done` of `total` jobs are already finished (resumed).
    fn started(&self, total: u64, done: u64) {
        let _ = (total, done);
    }
    /// One job (run) finished; called from worker threads.
    fn job_done(&self) {}
    /// The batch continues from the checkpoint at `path`.
    fn resumed(&self, path: &Path, done: u64, total: u64) {
        let _ = (path, done, total);
    }
    /// `--resume` was asked for but there is no checkpoint at `path`; the
    /// batch starts from the beginning.
    fn no_checkpoint(&self, path: &Path) {
        let _ = path;
    }
    /// The runs are over (finished or stopped); outputs are next.
    fn runs_over(&self, stopped: bool) {
        let _ = stopped;
    }
}

/// An observer that ignores everything.
impl Observer for () {}

/// A checkpoint that took `d` to write is followed by at least
/// `CHECKPOINT_WAIT_FACTOR × d` of running before the next, so that
/// checkpoints take at most 1 / (1 + 19) = 5 % of a batch's time whatever
/// `--checkpoint-every` says (the bands of a long batch take a second or
/// more to write).
pub const CHECKPOINT_WAIT_FACTOR: u32 = 19;

/// The least time from one checkpoint to the next: `every`, or, if the
/// last one took `took` to write, `CHECKPOINT_WAIT_FACTOR × took` when
/// that is longer (`every` = 0 keeps "after every chunk": it is asked for
/// explicitly).
pub fn checkpoint_gap(every: Duration, took: Duration) -> Duration {
    if every.is_zero() {
        every
    } else {
        every.max(took.saturating_mul(CHECKPOINT_WAIT_FACTOR))
    }
}

/// How [`Plan::execute`] runs a plan.
#[derive(Debug)]
pub struct ExecOptions<'a> {
    /// Worker threads (default: one per core).
    pub threads: Option<usize>,
    /// Run only this shard and write its partial file.
    pub shard: Option<Shard>,
    /// Continue from the checkpoint in `<out>/.partials/` if there is one.
    pub resume: bool,
    /// Least time between checkpoints (zero: after every chunk of runs);
    /// longer after a slow checkpoint ([`checkpoint_gap`]).
    pub checkpoint_every: Duration,
    /// Raised (by a signal handler, say) to stop after the chunk in
    /// flight; the finished chunks are saved in a checkpoint.
    pub stop: &'a AtomicBool,
}

/// What a finished plan wrote.
#[derive(Debug, Clone)]
pub enum Written {
    /// A plain batch: its run count and run 0's summary.
    Batch {
        runs: u64,
        first: Option<RunSummary>,
    },
    /// A sweep: its points, runs per point, mode and swept paths.
    Sweep {
        points: u64,
        runs_per_point: u64,
        mode: SweepMode,
        paths: Vec<String>,
    },
}

/// How [`Plan::execute`] ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Every output file was written into the output folder.
    Finished {
        files: Vec<String>,
        written: Written,
    },
    /// One shard ran; its partial file was written.
    Shard {
        file: PathBuf,
        shard: Shard,
        jobs: Range<u64>,
        total_jobs: u64,
    },
    /// Stopped through [`ExecOptions::stop`]: `done` of `total` jobs are
    /// saved in `checkpoint`.
    Interrupted {
        done: u64,
        total: u64,
        checkpoint: PathBuf,
    },
}

fn write_err(path: &Path) -> impl FnOnce(std::io::Error) -> PlanError + '_ {
    move |source| PlanError::Write {
        path: path.to_path_buf(),
        source,
    }
}

/// The charts of a plain batch ([`crate::report::charts`]), by file stem.
const BATCH_CHART_STEMS: [&str; 6] = [
    "spend_vs_reward",
    "ratio_histogram",
    "hashrate_difficulty",
    "fleet_mix",
    "energy",
    "security",
];

/// Whether `name` is a kind of file that `run` or `merge` writes into an
/// output folder (tables, `summary.json`, charts, `report.html`): these
/// are replaced or removed when a new output is moved in; any other file
/// in the folder is left alone.
pub fn is_output_file(name: &str) -> bool {
    const FIXED: [&str; 11] = [
        "steps.csv",
        "retargets.csv",
        "fleet.csv",
        "regions.csv",
        "attack.csv",
        "runs.csv",
        "bands.csv",
        "points.csv",
        "sensitivity.csv",
        "summary.json",
        "report.html",
    ];
    let kept_run = |prefix: &str| {
        name.strip_prefix(prefix)
            .and_then(|r| r.strip_suffix(".csv"))
            .is_some_and(|i| !i.is_empty() && i.bytes().all(|b| b.is_ascii_digit()))
    };
    let chart = |stem: &str| {
        BATCH_CHART_STEMS.contains(&stem)
            || crate::report::SWEEP_CHART_KEYS.iter().any(|k| k.2 == stem)
            || crate::report::SENSITIVITY_CHART_STEMS
                .iter()
                .any(|k| k.1 == stem)
    };
    // `steps-run<i>.csv` and `retargets-run<i>.csv` are the kept runs'
    // files of earlier builds (now stacked in `steps.csv`): an older
    // output's are removed as stale when a new one is moved in.
    FIXED.contains(&name)
        || kept_run("steps-run")
        || kept_run("retargets-run")
        || [".png", ".svg"]
            .iter()
            .any(|ext| name.strip_suffix(ext).is_some_and(chart))
}

/// Starts writing the output folder `out_dir` through a staging folder.
fn stage(out_dir: &Path) -> Result<Staging, PlanError> {
    Staging::begin(out_dir, &is_output_file).map_err(write_err(out_dir))
}

impl Plan {
    /// Runs the plan (or one shard of it) with checkpoints into `out_dir`,
    /// then writes the outputs (or the shard's partial file).
    pub fn execute(
        &self,
        out_dir: &Path,
        opt: &ExecOptions<'_>,
        observer: &dyn Observer,
    ) -> Result<Outcome, PlanError> {
        let layout = self.layout;
        let target = match opt.shard {
            Some(s) => layout.shard_jobs(s.index, s.count),
            None => 0..layout.jobs(),
        };
        let manifest = self.manifest(opt.shard, target.clone());
        let checkpoint = checkpoint_path(out_dir, opt.shard);
        // Output-side faults show before the runs, not after them.
        check_target(out_dir).map_err(write_err(out_dir))?;
        let staging = match opt.shard {
            None => Some(stage(out_dir)?),
            // Shards of one batch share a folder: each writes its one
            // partial file atomically.
            Some(_) => None,
        };
        let mut agg = JobsAggregate::starting_at(target.start);
        if opt.resume {
            if checkpoint.is_file() {
                let saved = read_partial(&checkpoint)?;
                let fits = saved.manifest == manifest
                    && saved.aggregate.jobs.start == target.start
                    && saved.aggregate.jobs.end <= target.end
                    && saved.aggregate.rows.len() as u64
                        == saved.aggregate.jobs.end - saved.aggregate.jobs.start;
                if !fits {
                    return Err(PlanError::ForeignCheckpoint {
                        mismatch: saved.manifest.same_batch(&manifest).err(),
                        checkpoint,
                    });
                }
                agg = saved.aggregate;
                observer.resumed(
                    &checkpoint,
                    agg.jobs.end - target.start,
                    target.end - target.start,
                );
            } else {
                observer.no_checkpoint(&checkpoint);
            }
        }

        let total = target.end - target.start;
        observer.started(total, agg.jobs.end - target.start);
        let jobs =
            Jobs {
                points: &self.points,
                seed: self.base.seed,
                layout,
                keep: self.keep(),
                common_streams: self.base.uncertainty.as_ref().is_some_and(|u| {
                    u.streams == crate::scenario::uncertainty::StreamsKind::Common
                }),
                combined_bands: self.combined_bands(),
            };
        let mut kept = Vec::new();
        let mut last_checkpoint = Instant::now();
        let mut gap = opt.checkpoint_every;
        let mut save = |a: &JobsAggregate| -> Result<(), PlanError> {
            if a.jobs.end < target.end && last_checkpoint.elapsed() >= gap {
                let writing = Instant::now();
                write_partial(&checkpoint, &manifest, a).map_err(write_err(&checkpoint))?;
                last_checkpoint = Instant::now();
                gap = checkpoint_gap(opt.checkpoint_every, writing.elapsed());
            }
            Ok(())
        };
        let tick = || observer.job_done();
        let outcome = with_threads(opt.threads, || {
            jobs.run_chunks(target.end, &mut agg, &mut kept, &tick, opt.stop, &mut save)
        })??;
        if outcome == ChunksOutcome::Stopped {
            observer.runs_over(true);
            write_partial(&checkpoint, &manifest, &agg).map_err(write_err(&checkpoint))?;
            return Ok(Outcome::Interrupted {
                done: agg.jobs.end - target.start,
                total,
                checkpoint,
            });
        }
        observer.runs_over(false);
        if let Some(shard) = opt.shard {
            let file = out_dir.join(shard.file_name());
            write_partial(&file, &manifest, &agg).map_err(write_err(&file))?;
            remove_checkpoint(&checkpoint).map_err(write_err(&checkpoint))?;
            return Ok(Outcome::Shard {
                file,
                shard,
                jobs: target,
                total_jobs: layout.jobs(),
            });
        }
        let staging = match staging {
            Some(s) => s,
            None => stage(out_dir)?,
        };
        let (files, written) = self.finish(out_dir, staging, agg, kept)?;
        remove_checkpoint(&checkpoint).map_err(write_err(&checkpoint))?;
        Ok(Outcome::Finished { files, written })
    }

    /// Writes the final outputs of the whole batch from its aggregate
    /// into `staging`: the tables, then the charts and `report.html` drawn
    /// from them; then moves them into `out_dir` (see
    /// [`crate::output::folder`]).
    fn finish(
        &self,
        out_dir: &Path,
        staging: Staging,
        agg: JobsAggregate,
        kept: Vec<(u64, RunResult)>,
    ) -> Result<(Vec<String>, Written), PlanError> {
        let dir = staging.dir();
        if agg.jobs != (0..self.layout.jobs()) {
            return Err(PlanError::Incomplete {
                jobs: agg.jobs,
                expected: self.layout.jobs(),
            });
        }
        let overrides = (!self.set.is_empty()).then(|| super::overrides::overrides_json(&self.set));
        let (mut files, written, bands) = match &self.sweep {
            Some(sw) => {
                let bands = self
                    .combined_bands()
                    .then_some(&agg.bands)
                    .filter(|b| b.steps() > 0);
                let files =
                    write_sweep_outputs(dir, &self.base, sw, &agg.rows, bands, overrides.as_ref())
                        .map_err(write_err(out_dir))?;
                let written = Written::Sweep {
                    points: sw.points.len() as u64,
                    runs_per_point: self.base.runs,
                    mode: sw.config.mode,
                    paths: sw
                        .config
                        .parameters
                        .iter()
                        .map(|p| p.path.clone())
                        .collect(),
                };
                (files, written, bands.map(band_table))
            }
            None => {
                let kept = complete_kept(&self.points[0], self.base.seed, self.keep(), kept)?;
                let batch = BatchResult {
                    runs: 0..self.layout.runs_per_point,
                    rows: agg.rows.into_iter().map(JobRow::into_run_row).collect(),
                    bands: agg.bands,
                    kept,
                };
                let files = write_batch_outputs(dir, &self.base, &batch, overrides.as_ref())
                    .map_err(write_err(out_dir))?;
                let written = Written::Batch {
                    runs: batch.rows.len() as u64,
                    first: batch.rows.first().map(|r| r.summary.clone()),
                };
                (files, written, Some(band_table(&batch.bands)))
            }
        };
        // The charts are drawn from the bands in memory (the same numbers
        // as the bands.csv just written), not from the file.
        let charts = match self.sweep {
            Some(_) => crate::report::build_sweep_report(dir, bands),
            None => crate::report::build_batch_report(dir, bands),
        }
        .map_err(|source| PlanError::Report {
            dir: out_dir.to_path_buf(),
            source,
        })?;
        files.extend(charts);
        staging
            .commit(&files, &is_output_file)
            .map_err(write_err(out_dir))?;
        Ok((files, written))
    }
}

/// The result of [`merge`].
#[derive(Debug, Clone)]
pub struct Merged {
    /// The plan rebuilt from the partials' scenario text.
    pub plan: Plan,
    /// Number of shards merged.
    pub shards: usize,
    pub files: Vec<String>,
    pub written: Written,
}

/// Combines shard results (`partial-K-of-N.bin` files, or folders holding
/// them) into the outputs of the whole batch in `out_dir`, byte-identical
/// to a single-machine run. `scenario` is the scenario file if it moved
/// since the shards ran (its text must be unchanged); by default the text
/// stored in the partials is used.
pub fn merge(
    partials: &[PathBuf],
    scenario: Option<&Path>,
    out_dir: &Path,
) -> Result<Merged, PlanError> {
    let staging = stage(out_dir)?;
    let files = collect_partials(partials)?;
    let shards = files.len();
    let (manifest, agg) = merge_partials(&files)?;
    let (path, text) = match scenario {
        Some(p) => {
            let text = read_scenario_text(p)?;
            let found = format!("{:016x}", fnv1a64(text.as_bytes()));
            if found != manifest.scenario_fnv1a64 {
                return Err(PlanError::ScenarioChanged {
                    path: p.to_path_buf(),
                    found,
                    expected: manifest.scenario_fnv1a64,
                });
            }
            (p.to_path_buf(), text)
        }
        None => (
            PathBuf::from(&manifest.scenario_path),
            manifest.scenario_text.clone(),
        ),
    };
    let overrides = Overrides {
        runs: Some(manifest.runs_per_point),
        seed: Some(manifest.seed),
        name: Some(manifest.scenario_name.clone()),
        set: manifest
            .overrides
            .iter()
            .map(|a| {
                Set::parse(a).map_err(|message| ScenarioError::Invalid {
                    path: path.clone(),
                    errors: vec![FieldError {
                        path: "--set".into(),
                        message,
                    }],
                })
            })
            .collect::<Result<_, _>>()?,
    };
    let plan = Plan::new(&path, text, &overrides, manifest.keep_runs)?;
    if plan.layout != manifest.layout() {
        return Err(PlanError::LayoutMismatch {
            partials: manifest.layout(),
            scenario: plan.layout,
        });
    }
    let (files, written) = plan.finish(out_dir, staging, agg, Vec::new())?;
    Ok(Merged {
        plan,
        shards,
        files,
        written,
    })
}

/// `bands.csv`'s numbers as the report reads them back, from the batch's
/// bands in memory ([`crate::output::band_numbers`], what the file's cells
/// hold): the cells are shortest round-trip decimals and empty cells read
/// as NaN, so these are the same values, and the report need not parse
/// the file it was just given.
fn band_table(bands: &crate::batch::Bands) -> crate::report::tables::BandTable {
    use crate::output::{band_numbers, QUANTILES};
    let finite = |x: f64| if x.is_finite() { x } else { f64::NAN };
    let mut table = crate::report::tables::BandTable {
        dates: bands.dates.clone(),
        ..Default::default()
    };
    for (k, metric) in crate::batch::BAND_METRICS.iter().enumerate() {
        let mut m = crate::report::tables::MetricBands::default();
        for s in 0..bands.steps() {
            let (mean, qs) = match band_numbers(bands.cell(s, k)) {
                None => (f64::NAN, [f64::NAN; QUANTILES.len()]),
                Some(b) => (
                    finite(b.mean),
                    b.quantiles.map(|q| q.map_or(f64::NAN, finite)),
                ),
            };
            m.mean.push(mean);
            for (v, x) in [&mut m.p5, &mut m.p25, &mut m.p50, &mut m.p75, &mut m.p95]
                .into_iter()
                .zip(qs)
            {
                v.push(x);
            }
        }
        table.metrics.insert(metric.name.to_string(), m);
    }
    table
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_checkpoint_waits_nineteen_times_its_writing() {
        let s = Duration::from_secs_f64;
        assert_eq!(checkpoint_gap(s(10.0), s(0.1)), s(10.0));
        assert_eq!(checkpoint_gap(s(10.0), s(1.0)), s(19.0));
        assert_eq!(checkpoint_gap(s(1.0), s(0.5)), s(9.5));
        // Zero is "after every chunk", asked for explicitly.
        assert_eq!(checkpoint_gap(Duration::ZERO, s(3.0)), Duration::ZERO);
        // No overflow for absurd durations.
        assert_eq!(checkpoint_gap(s(1.0), Duration::MAX), Duration::MAX);
    }
}
