//! A whole `run` or `merge`, as a library call: a [`Plan`] is a scenario
//! with its overrides applied, its sweep expanded and every point
//! prepared; [`Plan::execute`] runs it (or one shard of it) with resume
//! checkpoints and writes its outputs; [`merge`] combines shard results.
//!
//! Nothing here prints or exits: progress and notes reach the caller
//! through an [`Observer`], results come back as an [`Outcome`], failures
//! as a [`PlanError`] whose [`PlanError::kind`] tells bad input from an
//! internal fault.

mod execute;
mod overrides;

pub use execute::{is_output_file, merge, ExecOptions, Merged, Observer, Outcome, Written};
pub use overrides::{overrides_json, parse_value, Set};

use crate::batch::partial::{fnv1a64, Manifest, ManifestMismatch, PartialError, Shard};
use crate::batch::{BatchError, JobLayout, JobsGap};
use crate::engine::{EngineError, PreparedModel};
use crate::report::ReportError;
use crate::scenario::{parse_scenario, Scenario, ScenarioError};
use crate::sweep::{self, ExpandedSweep};
use std::ops::Range;
use std::path::{Path, PathBuf};

/// Largest `--runs` accepted.
pub const MAX_RUNS: u64 = 1_000_000;

/// The field `--samples N` sets: the base sample count of the
/// `[uncertainty]` design.
pub const SAMPLES_PATH: &str = "uncertainty.samples";

/// Whether a failure is the user's input or minesim's own fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Bad input: the scenario, a data file, an argument, partial files
    /// that do not fit together. Nothing was written.
    Input,
    /// The outputs could not be written: permission denied, a read-only
    /// file system, no space left, the output path is a file. The output
    /// folder holds its previous complete contents, or does not exist.
    Output,
    /// A bug.
    Internal,
}

/// Why a plan could not be made, run or merged.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error(transparent)]
    Scenario(#[from] ScenarioError),
    /// A data file of the scenario (or of one sweep point) is missing,
    /// bad or too short.
    #[error("{}{}: {source}", point_prefix(point), path.display())]
    Prepare {
        path: PathBuf,
        /// The sweep point (index, label), if the scenario has a sweep.
        point: Option<(u64, String)>,
        #[source]
        source: Box<EngineError>,
    },
    #[error("--runs must be in [1, {MAX_RUNS}], got {0}")]
    Runs(u64),
    #[error("{}: --samples (or --set {SAMPLES_PATH}) needs an [uncertainty] table, and this scenario has none", path.display())]
    NoDesign { path: PathBuf },
    #[error("{}: this batch needs about {:.1} GB of memory, but only {:.1} GB are available; reduce simulation.years, the number of agents or --keep-runs, or lengthen simulation.step_days", path.display(), *needed as f64 / 1e9, *available as f64 / 1e9)]
    Memory {
        path: PathBuf,
        needed: u64,
        available: u64,
    },
    /// A run failed to start (its engine error).
    #[error(transparent)]
    Run(Box<EngineError>),
    #[error(transparent)]
    Partial(#[from] PartialError),
    #[error("{}: this checkpoint belongs to another batch ({}); delete it or run without --resume", checkpoint.display(), mismatch.as_ref().map_or_else(|| "different shard or scenario text".to_string(), |m| m.to_string()))]
    ForeignCheckpoint {
        checkpoint: PathBuf,
        mismatch: Option<ManifestMismatch>,
    },
    #[error("{}: this is not the scenario text the partials were computed from (FNV-1a 64 {found}, expected {expected})", path.display())]
    ScenarioChanged {
        path: PathBuf,
        found: String,
        expected: String,
    },
    #[error("the partials have {} point(s) x {} run(s) but the scenario gives {} x {}", partials.points, partials.runs_per_point, scenario.points, scenario.runs_per_point)]
    LayoutMismatch {
        partials: JobLayout,
        scenario: JobLayout,
    },
    #[error("writing {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("writing {}: {source}", dir.display())]
    Report {
        dir: PathBuf,
        #[source]
        source: ReportError,
    },
    #[error(transparent)]
    Batch(#[from] BatchError),
    #[error("aggregate covers jobs {jobs:?}, expected 0..{expected}")]
    Incomplete { jobs: Range<u64>, expected: u64 },
    #[error("checkpoint: {0}")]
    Gap(#[from] JobsGap),
}

impl From<EngineError> for PlanError {
    fn from(e: EngineError) -> Self {
        PlanError::Run(Box::new(e))
    }
}

fn point_prefix(point: &Option<(u64, String)>) -> String {
    match point {
        Some((i, label)) => format!("sweep point {i} ({label}): "),
        None => String::new(),
    }
}

impl PlanError {
    /// Bad input, an output-side fault or an internal fault.
    pub fn kind(&self) -> ErrorKind {
        match self {
            PlanError::Write { .. } => ErrorKind::Output,
            PlanError::Report { source, .. } if report_error_is_output(source) => ErrorKind::Output,
            PlanError::Report { .. }
            | PlanError::Batch(_)
            | PlanError::Incomplete { .. }
            | PlanError::Gap(_) => ErrorKind::Internal,
            _ => ErrorKind::Input,
        }
    }
}

/// Whether a report failed because its files could not be written (an I/O
/// error), not because of a bug. plotters reports a failed PNG write as a
/// drawing error whose text carries the image crate's `IoError(..)`.
pub fn report_error_is_output(e: &ReportError) -> bool {
    use crate::chart::ChartError;
    match e {
        ReportError::Io { .. } | ReportError::Chart(ChartError::Io { .. }) => true,
        ReportError::Chart(ChartError::Draw(message)) => {
            message.contains("IoError(") || message.contains("os error")
        }
        _ => false,
    }
}

/// Overrides of a scenario's batch settings (the command line's `--runs`,
/// `--seed`; `merge` also restores the name and `--keep-runs`) and of its
/// fields (`--set`, applied first).
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub runs: Option<u64>,
    pub seed: Option<u64>,
    pub name: Option<String>,
    /// `--set PATH=VALUE`, in order ([`Set`]).
    pub set: Vec<Set>,
}

/// A batch ready to run or merge: the scenario, its sweep points prepared
/// and the job layout.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The scenario file.
    pub path: PathBuf,
    /// Its text (stored in partial files, so `merge` needs nothing else).
    pub text: String,
    /// The scenario as loaded, with the overrides applied.
    pub base: Scenario,
    /// One prepared model per sweep point (one for a plain batch).
    pub points: Vec<PreparedModel>,
    pub sweep: Option<ExpandedSweep>,
    pub layout: JobLayout,
    /// Runs whose full per-step series are written (plain batches).
    pub keep_runs: u64,
    /// The `--set` overrides applied to `text`.
    pub set: Vec<Set>,
}

/// Loads the data files of `scenario` (relative to the folder of `path`).
fn prepare(path: &Path, scenario: &Scenario) -> Result<PreparedModel, EngineError> {
    scenario.prepare(path.parent().unwrap_or(Path::new(".")))
}

impl Plan {
    /// Reads the scenario file at `path` and makes its plan.
    pub fn load(path: &Path, overrides: &Overrides, keep_runs: u64) -> Result<Plan, PlanError> {
        let text = crate::scenario::read_scenario_text(path)?;
        Plan::new(path, text, overrides, keep_runs)
    }

    /// Parses `text` (the file at `path`), applies the overrides, expands
    /// and checks every sweep point and loads its data files.
    pub fn new(
        path: &Path,
        text: String,
        overrides: &Overrides,
        keep_runs: u64,
    ) -> Result<Plan, PlanError> {
        if overrides.set.iter().any(|s| s.path == SAMPLES_PATH) {
            let has_design = toml::from_str::<toml::Table>(&text)
                .map(|t| t.contains_key("uncertainty"))
                .unwrap_or(true);
            if !has_design {
                return Err(PlanError::NoDesign {
                    path: path.to_path_buf(),
                });
            }
        }
        let (mut base, edited) = if overrides.set.is_empty() {
            (parse_scenario(&text, path)?, None)
        } else {
            let (sc, edited) = overrides::apply(&text, path, &overrides.set)?;
            (sc, Some(edited))
        };
        if let Some(r) = overrides.runs {
            if r == 0 || r > MAX_RUNS {
                return Err(PlanError::Runs(r));
            }
            base.runs = r;
        }
        if let Some(s) = overrides.seed {
            base.seed = s;
        }
        if let Some(n) = &overrides.name {
            base.name = n.clone();
        }
        let sweep = sweep::expand(edited.as_deref().unwrap_or(&text), path, &base)?;
        let points = match &sweep {
            None => vec![prepare(path, &base).map_err(|source| PlanError::Prepare {
                path: path.to_path_buf(),
                point: None,
                source: Box::new(source),
            })?],
            Some(sw) => sw
                .scenarios
                .iter()
                .zip(&sw.points)
                .map(|(sc, point)| {
                    prepare(path, sc).map_err(|source| PlanError::Prepare {
                        path: path.to_path_buf(),
                        point: Some((point.index, point.label())),
                        source: Box::new(source),
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
        };
        let layout = JobLayout {
            points: points.len() as u64,
            runs_per_point: base.runs,
        };
        Ok(Plan {
            path: path.to_path_buf(),
            text,
            base,
            points,
            sweep,
            layout,
            keep_runs,
            set: overrides.set.clone(),
        })
    }

    /// The scenarios of the batch's points (the base alone for a plain
    /// batch).
    fn point_scenarios(&self) -> &[Scenario] {
        match &self.sweep {
            Some(sw) => sw.scenarios.as_slice(),
            None => std::slice::from_ref(&self.base),
        }
    }

    /// The estimated peak memory of this batch run with `threads` worker
    /// threads (all available cores when `None`), in bytes: the largest of
    /// its points' estimates (see [`crate::resources`]).
    pub fn estimated_memory(&self, threads: Option<usize>) -> u64 {
        let threads = threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            as u64;
        let jobs = self
            .layout
            .points
            .saturating_mul(self.layout.runs_per_point);
        let band_runs = if self.sweep.is_none() {
            self.layout.runs_per_point
        } else if self.combined_bands() {
            jobs
        } else {
            0
        };
        let shape = crate::resources::BatchShape {
            jobs,
            keep_runs: self.keep().end,
            band_runs,
            threads,
        };
        let scenarios = self.point_scenarios();
        scenarios
            .iter()
            .map(|sc| crate::resources::estimate_batch_memory_bytes(sc, &shape))
            .max()
            .unwrap_or(0)
    }

    /// The work of this batch: (steps of all its runs, agent-steps of all
    /// its runs, counting the agents a run starts with; entry can raise
    /// them up to `max_agents`).
    pub fn estimated_work(&self) -> (u64, u64) {
        let scenarios = self.point_scenarios();
        let runs = self.layout.runs_per_point;
        scenarios
            .iter()
            .fold((0u64, 0u64), |(steps, agent_steps), sc| {
                let s = sc.simulation.steps().saturating_mul(runs);
                let agents: u64 = sc
                    .miners
                    .as_ref()
                    .map_or(0, |m| m.groups.iter().map(|g| g.agents as u64).sum());
                (
                    steps.saturating_add(s),
                    agent_steps.saturating_add(s.saturating_mul(agents)),
                )
            })
    }

    /// Refuses, before allocating anything, a batch whose estimated peak
    /// memory with `threads` worker threads exceeds `available` bytes.
    pub fn check_memory(
        &self,
        available: Option<u64>,
        threads: Option<usize>,
    ) -> Result<(), PlanError> {
        let Some(available) = available else {
            return Ok(());
        };
        let needed = self.estimated_memory(threads);
        if needed > available {
            return Err(PlanError::Memory {
                path: self.path.clone(),
                needed,
                available,
            });
        }
        Ok(())
    }

    /// The manifest of a slice of this batch.
    pub fn manifest(&self, shard: Option<Shard>, jobs: Range<u64>) -> Manifest {
        let path = std::fs::canonicalize(&self.path).unwrap_or_else(|_| self.path.clone());
        Manifest {
            minesim_version: env!("CARGO_PKG_VERSION").to_string(),
            scenario_name: self.base.name.clone(),
            scenario_path: path.display().to_string(),
            scenario_fnv1a64: format!("{:016x}", fnv1a64(self.text.as_bytes())),
            scenario_text: self.text.clone(),
            seed: self.base.seed,
            runs_per_point: self.base.runs,
            points: self.layout.points,
            keep_runs: self.keep_runs,
            overrides: self.set.iter().map(Set::to_arg).collect(),
            shard,
            jobs,
        }
    }

    /// Whether the runs of every point are folded into one set of bands:
    /// for an uncertainty design whose points all start on the same day
    /// with the same steps (a design over the horizon or the step has no
    /// common time axis, and writes no bands).
    pub fn combined_bands(&self) -> bool {
        let is_design = self.sweep.as_ref().is_some_and(|s| s.design.is_some());
        let axis = |p: &PreparedModel| {
            let m = &p.model;
            (
                m.start.date,
                m.simulation.steps(),
                m.simulation.step_days.to_bits(),
            )
        };
        is_design
            && self
                .points
                .first()
                .is_some_and(|first| self.points.iter().all(|p| axis(p) == axis(first)))
    }

    /// Run indices whose full series are written (plain batches only).
    pub fn keep(&self) -> Range<u64> {
        if self.sweep.is_some() {
            0..0
        } else {
            0..self.keep_runs.min(self.layout.runs_per_point)
        }
    }
}
