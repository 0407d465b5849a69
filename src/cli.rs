//! The `minesim` command line: parses arguments, loads the scenario (and
//! expands its sweep), runs the batch on a rayon pool in checkpointed
//! chunks, draws the progress bar and writes outputs; `merge` combines
//! shard results.
//!
//! Exit codes: 0 ok, 2 bad input (scenario, data files, arguments,
//! partials that do not fit together), 1 internal error (I/O while
//! writing, a bug), 130 interrupted by Ctrl-C (finished chunks are kept;
//! rerun with `--resume`).

use crate::batch::partial::{
    checkpoint_path, collect_partials, fnv1a64, merge_partials, read_partial, remove_checkpoint,
    write_partial, Manifest, Shard,
};
use crate::batch::{
    complete_kept, run_chunks, BatchResult, ChunksOutcome, JobLayout, JobRow, JobsAggregate,
};
use crate::consensus::DifficultyRule;
use crate::engine::{EngineError, PreparedScenario, RunResult};
use crate::output::{self, write_bands_csv, write_csv, write_json, write_runs_csv};
use crate::scenario::{parse_scenario, Scenario, ScenarioError};
use crate::sweep::{self, ExpandedSweep};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// An agent-based simulator of the Bitcoin mining economy.
#[derive(Debug, Parser)]
#[command(name = "minesim", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario (Monte Carlo batch, or a sweep of batches) and write tables and charts.
    Run {
        /// Scenario TOML file.
        scenario: PathBuf,
        /// Number of Monte Carlo runs (per sweep point; default: the scenario's `runs`).
        #[arg(long)]
        runs: Option<u64>,
        /// Master seed (default: the scenario's `seed`).
        #[arg(long)]
        seed: Option<u64>,
        /// Output folder (default: output/<scenario name>).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Runs whose full per-step series are written (default 1: run 0 as steps.csv; not for sweeps).
        #[arg(long, default_value_t = 1)]
        keep_runs: u64,
        /// No progress bar and no summary on stdout except the output path.
        #[arg(long)]
        quiet: bool,
        /// Run only shard K of N (0-based, 0 <= K < N) of the (point, run)
        /// list and write partial-K-of-N.json into the output folder;
        /// combine the shards with `minesim merge`.
        #[arg(long, value_name = "K/N")]
        shard: Option<Shard>,
        /// Continue an interrupted batch from its checkpoint in <out>/.partials/.
        #[arg(long)]
        resume: bool,
        /// Seconds between resume checkpoints (0: after every chunk of runs).
        #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
        checkpoint_every: f64,
    },
    /// Rebuild the charts and report.html of an output folder from its files.
    Report {
        /// Output folder of an earlier run.
        dir: PathBuf,
    },
    /// Validate a scenario and print what it means.
    Check {
        /// Scenario TOML file.
        scenario: PathBuf,
    },
    /// Combine shard results (partial-K-of-N.json) into the outputs of the
    /// whole batch, byte-identical to a single-machine run.
    Merge {
        /// Output folder for the merged outputs.
        #[arg(long)]
        out: PathBuf,
        /// Partial files, or folders holding partial-K-of-N.json files.
        #[arg(required = true)]
        partials: Vec<PathBuf>,
        /// The scenario file, if it moved since the shards ran (its text
        /// must be unchanged; default: the text stored in the partials).
        #[arg(long)]
        scenario: Option<PathBuf>,
        /// No summary on stdout except the output path.
        #[arg(long)]
        quiet: bool,
    },
}

/// A failure, classified for the exit code.
#[derive(Debug)]
pub enum Failure {
    /// Bad input: exit code 2.
    Input(String),
    /// Internal error: exit code 1.
    Internal(String),
    /// Stopped by Ctrl-C after saving a checkpoint: exit code 130.
    Interrupted(String),
}

impl From<ScenarioError> for Failure {
    fn from(e: ScenarioError) -> Self {
        Failure::Input(e.to_string())
    }
}

impl From<EngineError> for Failure {
    fn from(e: EngineError) -> Self {
        Failure::Input(e.to_string())
    }
}

/// Raised by Ctrl-C: the batch stops after the chunk in flight.
static STOP: AtomicBool = AtomicBool::new(false);

/// First Ctrl-C: ask the batch to stop after its current chunk (it saves a
/// checkpoint). Second Ctrl-C: exit at once.
#[cfg(unix)]
fn install_interrupt_handler() {
    extern "C" fn on_sigint(_: libc::c_int) {
        if STOP.swap(true, Ordering::SeqCst) {
            // SAFETY: _exit is async-signal-safe.
            unsafe { libc::_exit(130) }
        }
    }
    // SAFETY: the handler only touches an atomic and calls _exit, both
    // async-signal-safe.
    unsafe {
        libc::signal(
            libc::SIGINT,
            on_sigint as extern "C" fn(libc::c_int) as libc::sighandler_t,
        );
    }
}

#[cfg(not(unix))]
fn install_interrupt_handler() {}

/// Entry point used by `main`.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    install_interrupt_handler();
    match execute(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Input(m)) => {
            eprintln!("error: {m}");
            ExitCode::from(2)
        }
        Err(Failure::Internal(m)) => {
            eprintln!("internal error: {m}");
            ExitCode::from(1)
        }
        Err(Failure::Interrupted(m)) => {
            eprintln!("{m}");
            ExitCode::from(130)
        }
    }
}

fn prepare(path: &Path, scenario: Scenario) -> Result<PreparedScenario, Failure> {
    let base = path.parent().unwrap_or(Path::new("."));
    PreparedScenario::new(scenario, base).map_err(|e| match e {
        EngineError::Market(m) => Failure::Input(format!("{}: {m}", path.display())),
        other => Failure::Input(format!("{}: {other}", path.display())),
    })
}

/// Refuses, before allocating anything, a batch whose estimated peak memory
/// exceeds what the machine has available (Linux: `MemAvailable`).
fn check_memory(plan: &Plan) -> Result<(), Failure> {
    let Some(available) = crate::resources::available_memory_bytes() else {
        return Ok(());
    };
    let needed = plan
        .points
        .iter()
        .map(|p| {
            crate::resources::estimate_batch_memory_bytes(
                &p.scenario,
                plan.base.runs,
                plan.keep_runs,
            )
        })
        .max()
        .unwrap_or(0);
    if needed > available {
        let gb = |b: u64| b as f64 / 1e9;
        return Err(Failure::Input(format!(
            "{}: this batch needs about {:.1} GB of memory, but only {:.1} GB are available; reduce simulation.years, the number of agents or --keep-runs, or lengthen simulation.step_days",
            plan.path.display(),
            gb(needed),
            gb(available)
        )));
    }
    Ok(())
}

/// A batch ready to run or merge: the scenario, its sweep points prepared
/// and the job layout.
struct Plan {
    path: PathBuf,
    text: String,
    /// The scenario as loaded, with `--runs`/`--seed` applied.
    base: Scenario,
    /// One prepared scenario per sweep point (one for a plain batch).
    points: Vec<PreparedScenario>,
    sweep: Option<ExpandedSweep>,
    layout: JobLayout,
    keep_runs: u64,
}

impl Plan {
    /// Loads `text` (the file at `path`), applies the overrides, expands
    /// and checks every sweep point and loads its data files.
    fn new(
        path: &Path,
        text: String,
        runs: Option<u64>,
        seed: Option<u64>,
        name: Option<&str>,
        keep_runs: u64,
    ) -> Result<Plan, Failure> {
        let mut base = parse_scenario(&text, path)?;
        if let Some(r) = runs {
            if r == 0 || r > 1_000_000 {
                return Err(Failure::Input(format!(
                    "--runs must be in [1, 1000000], got {r}"
                )));
            }
            base.runs = r;
        }
        if let Some(s) = seed {
            base.seed = s;
        }
        if let Some(n) = name {
            base.name = n.to_string();
        }
        let sweep = sweep::expand(&text, path, &base)?;
        let points = match &sweep {
            None => vec![prepare(path, base.clone())?],
            Some(sw) => sw
                .scenarios
                .iter()
                .zip(&sw.points)
                .map(|(sc, point)| {
                    let mut sc = sc.clone();
                    sc.runs = base.runs;
                    sc.seed = base.seed;
                    sc.name = base.name.clone();
                    prepare(path, sc).map_err(|f| match f {
                        Failure::Input(m) => Failure::Input(format!(
                            "sweep point {} ({}): {m}",
                            point.index,
                            point.label()
                        )),
                        other => other,
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
        })
    }

    /// The manifest of a slice of this batch.
    fn manifest(&self, shard: Option<Shard>, jobs: Range<u64>) -> Manifest {
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
            shard,
            jobs,
        }
    }

    /// Run indices whose full series are written (plain batches only).
    fn keep(&self) -> Range<u64> {
        if self.sweep.is_some() {
            0..0
        } else {
            0..self.keep_runs.min(self.layout.runs_per_point)
        }
    }

    /// Writes the final outputs of the whole batch from its aggregate.
    fn finish(
        &self,
        out_dir: &Path,
        agg: JobsAggregate,
        kept: Vec<(u64, RunResult)>,
        quiet: bool,
    ) -> Result<Vec<String>, Failure> {
        let internal =
            |e: std::io::Error| Failure::Internal(format!("writing {}: {e}", out_dir.display()));
        if agg.jobs != (0..self.layout.jobs()) {
            return Err(Failure::Internal(format!(
                "aggregate covers jobs {:?}, expected 0..{}",
                agg.jobs,
                self.layout.jobs()
            )));
        }
        match &self.sweep {
            Some(sw) => {
                let mut files = sweep::write_sweep_outputs(out_dir, &self.base, sw, &agg.rows)
                    .map_err(internal)?;
                files.extend(
                    crate::report::build_report(out_dir)
                        .map_err(|e| internal(std::io::Error::other(e)))?,
                );
                if !quiet {
                    println!(
                        "{}: sweep of {} points x {} run(s) ({} over {})",
                        self.base.name,
                        sw.points.len(),
                        self.base.runs,
                        sw.config.mode.name(),
                        sw.config
                            .parameters
                            .iter()
                            .map(|p| p.path.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    );
                }
                Ok(files)
            }
            None => {
                let prepared = &self.points[0];
                let kept = complete_kept(prepared, self.keep(), kept)?;
                let batch = BatchResult {
                    runs: 0..self.layout.runs_per_point,
                    rows: agg.rows.into_iter().map(JobRow::into_run_row).collect(),
                    bands: agg.bands,
                    kept,
                };
                let files = write_outputs(out_dir, prepared, &batch).map_err(internal)?;
                if !quiet {
                    print_headline(prepared, &batch);
                }
                Ok(files)
            }
        }
    }
}

fn read_text(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|source| {
        Failure::from(ScenarioError::Io {
            path: path.to_path_buf(),
            source,
        })
    })
}

/// Runs a parsed command.
pub fn execute(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Report { dir } => {
            let files =
                crate::report::build_report(&dir).map_err(|e| Failure::Input(e.to_string()))?;
            println!(
                "report: {} ({} files)",
                dir.join("report.html").display(),
                files.len()
            );
            Ok(())
        }
        Command::Check { scenario } => {
            let plan = Plan::new(&scenario, read_text(&scenario)?, None, None, None, 1)?;
            print!("{}", describe(&plan.base));
            if let Some(sw) = &plan.sweep {
                println!(
                    "sweep        {} of {} points, {} runs in all",
                    sw.config.mode.name(),
                    sw.points.len(),
                    plan.layout.jobs()
                );
                for p in sw.points.iter().take(20) {
                    println!("  point {:<5} {}", p.index, p.label());
                }
                if sw.points.len() > 20 {
                    println!("  ...");
                }
            }
            println!("ok: {} is valid", scenario.display());
            Ok(())
        }
        Command::Run {
            scenario,
            runs,
            seed,
            out,
            threads,
            keep_runs,
            quiet,
            shard,
            resume,
            checkpoint_every,
        } => {
            if threads == Some(0) {
                return Err(Failure::Input("--threads must be at least 1, got 0".into()));
            }
            if !(checkpoint_every.is_finite() && checkpoint_every >= 0.0) {
                return Err(Failure::Input(format!(
                    "--checkpoint-every must be a number of seconds >= 0, got {checkpoint_every}"
                )));
            }
            let plan = Plan::new(
                &scenario,
                read_text(&scenario)?,
                runs,
                seed,
                None,
                keep_runs,
            )?;
            check_memory(&plan)?;
            let out_dir = out.unwrap_or_else(|| Path::new("output").join(&plan.base.name));
            let options = RunOptions {
                threads,
                quiet,
                shard,
                resume,
                checkpoint_every: Duration::from_secs_f64(checkpoint_every),
            };
            run_plan(&plan, &out_dir, &options)
        }
        Command::Merge {
            out,
            partials,
            scenario,
            quiet,
        } => {
            let files = collect_partials(&partials).map_err(Failure::Input)?;
            let parts = files
                .iter()
                .map(|f| read_partial(f).map(|p| (f.clone(), p)))
                .collect::<Result<Vec<_>, _>>()
                .map_err(Failure::Input)?;
            let shards = parts.len();
            let (manifest, agg) = merge_partials(parts).map_err(Failure::Input)?;
            let (path, text) = match scenario {
                Some(p) => {
                    let text = read_text(&p)?;
                    let h = format!("{:016x}", fnv1a64(text.as_bytes()));
                    if h != manifest.scenario_fnv1a64 {
                        return Err(Failure::Input(format!(
                            "{}: this is not the scenario text the partials were computed from (FNV-1a 64 {h}, expected {})",
                            p.display(),
                            manifest.scenario_fnv1a64
                        )));
                    }
                    (p, text)
                }
                None => (
                    PathBuf::from(&manifest.scenario_path),
                    manifest.scenario_text.clone(),
                ),
            };
            let plan = Plan::new(
                &path,
                text,
                Some(manifest.runs_per_point),
                Some(manifest.seed),
                Some(&manifest.scenario_name),
                manifest.keep_runs,
            )?;
            if plan.layout != manifest.layout() {
                return Err(Failure::Input(format!(
                    "the partials have {} point(s) x {} run(s) but the scenario gives {} x {}",
                    manifest.points,
                    manifest.runs_per_point,
                    plan.layout.points,
                    plan.layout.runs_per_point
                )));
            }
            let written = plan.finish(&out, agg, Vec::new(), quiet)?;
            println!(
                "outputs: {} ({} files, merged from {shards} shards)",
                out.display(),
                written.len()
            );
            Ok(())
        }
    }
}

/// How `minesim run` runs a plan.
struct RunOptions {
    threads: Option<usize>,
    quiet: bool,
    shard: Option<Shard>,
    resume: bool,
    checkpoint_every: Duration,
}

/// Runs a plan (or one shard of it) with checkpoints, then writes the
/// outputs (or the shard's partial file).
fn run_plan(plan: &Plan, out_dir: &Path, opt: &RunOptions) -> Result<(), Failure> {
    let layout = plan.layout;
    let target = match opt.shard {
        Some(s) => layout.shard_jobs(s.index, s.count),
        None => 0..layout.jobs(),
    };
    let manifest = plan.manifest(opt.shard, target.clone());
    let checkpoint = checkpoint_path(out_dir, opt.shard);
    let internal = |what: &Path, e: std::io::Error| {
        Failure::Internal(format!("writing {}: {e}", what.display()))
    };
    let mut agg = JobsAggregate::starting_at(target.start);
    if opt.resume {
        if checkpoint.is_file() {
            let saved = read_partial(&checkpoint).map_err(Failure::Input)?;
            let fits = saved.manifest == manifest
                && saved.aggregate.jobs.start == target.start
                && saved.aggregate.jobs.end <= target.end
                && saved.aggregate.rows.len() as u64
                    == saved.aggregate.jobs.end - saved.aggregate.jobs.start;
            if !fits {
                let why = saved
                    .manifest
                    .same_batch(&manifest)
                    .err()
                    .unwrap_or_else(|| "different shard or scenario text".into());
                return Err(Failure::Input(format!(
                    "{}: this checkpoint belongs to another batch ({why}); delete it or run without --resume",
                    checkpoint.display()
                )));
            }
            agg = saved.aggregate;
            eprintln!(
                "resuming from {}: {} of {} runs already done",
                checkpoint.display(),
                agg.jobs.end - target.start,
                target.end - target.start
            );
        } else if !opt.quiet {
            eprintln!(
                "no checkpoint at {}: starting from the beginning",
                checkpoint.display()
            );
        }
    }

    let total = target.end - target.start;
    let bar = progress_bar(total, opt.quiet);
    bar.set_position(agg.jobs.end - target.start);
    bar.reset_eta();
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = opt.threads {
        builder = builder.num_threads(t);
    }
    let pool = builder
        .build()
        .map_err(|e| Failure::Internal(format!("thread pool: {e}")))?;
    let mut kept = Vec::new();
    let mut last_checkpoint = Instant::now();
    let mut save = |a: &JobsAggregate| -> Result<(), Failure> {
        if a.jobs.end < target.end && last_checkpoint.elapsed() >= opt.checkpoint_every {
            write_partial(&checkpoint, &manifest, a).map_err(|e| internal(&checkpoint, e))?;
            last_checkpoint = Instant::now();
        }
        Ok(())
    };
    let tick = || bar.inc(1);
    let outcome = pool.install(|| {
        run_chunks(
            &plan.points,
            layout,
            target.end,
            &mut agg,
            &mut kept,
            plan.keep(),
            &tick,
            &STOP,
            &mut save,
        )
    })?;
    if outcome == ChunksOutcome::Stopped {
        bar.abandon();
        write_partial(&checkpoint, &manifest, &agg).map_err(|e| internal(&checkpoint, e))?;
        return Err(Failure::Interrupted(format!(
            "interrupted: {} of {} runs done, saved in {}; rerun the same command with --resume to continue",
            agg.jobs.end - target.start,
            total,
            checkpoint.display()
        )));
    }
    bar.finish_and_clear();
    if let Some(s) = opt.shard {
        let file = out_dir.join(s.file_name());
        write_partial(&file, &manifest, &agg).map_err(|e| internal(&file, e))?;
        remove_checkpoint(&checkpoint).map_err(|e| internal(&checkpoint, e))?;
        println!(
            "partial: {} (shard {s}: runs {}..{} of {}); combine all shards with: minesim merge --out DIR {}",
            file.display(),
            target.start,
            target.end,
            layout.jobs(),
            out_dir.display()
        );
        return Ok(());
    }
    let files = plan.finish(out_dir, agg, kept, opt.quiet)?;
    remove_checkpoint(&checkpoint).map_err(|e| internal(&checkpoint, e))?;
    println!("outputs: {} ({} files)", out_dir.display(), files.len());
    Ok(())
}

/// A progress bar over `runs` runs on stderr, only when it is a terminal.
fn progress_bar(runs: u64, quiet: bool) -> ProgressBar {
    if !quiet && std::io::stderr().is_terminal() {
        let b = ProgressBar::new(runs);
        b.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}  ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    }
}

/// Writes every output file of a batch; returns their names.
pub fn write_outputs(
    dir: &Path,
    prepared: &PreparedScenario,
    batch: &BatchResult,
) -> std::io::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let mut files = Vec::new();
    for (i, run) in &batch.kept {
        let (steps, retargets) = if *i == 0 {
            ("steps.csv".to_string(), "retargets.csv".to_string())
        } else {
            (format!("steps-run{i}.csv"), format!("retargets-run{i}.csv"))
        };
        write_csv(&dir.join(&steps), &run.records)?;
        write_csv(&dir.join(&retargets), &run.retargets)?;
        files.push(steps);
        files.push(retargets);
        if *i == 0 && !run.generation_names.is_empty() {
            output::write_fleet_csv(&dir.join("fleet.csv"), run)?;
            files.push("fleet.csv".into());
        }
    }
    write_runs_csv(&dir.join("runs.csv"), &batch.rows)?;
    files.push("runs.csv".into());
    write_bands_csv(&dir.join("bands.csv"), &batch.bands)?;
    files.push("bands.csv".into());
    files.push("summary.json".into());
    let summary = output::summary_json(prepared, batch, &files);
    write_json(&dir.join("summary.json"), &summary)?;
    let charts = crate::report::build_report(dir).map_err(std::io::Error::other)?;
    files.extend(charts);
    Ok(files)
}

fn fmt_opt(x: Option<f64>) -> String {
    x.map(|v| format!("{v:.3}")).unwrap_or_else(|| "n/a".into())
}

fn print_headline(prepared: &PreparedScenario, batch: &BatchResult) {
    let Some(first) = batch.rows.first() else {
        return;
    };
    let s = &first.summary;
    println!(
        "{}: {} run(s), {} steps; run 0: {} blocks, mean interval {} s, equilibrium energy/reward {}, total cost/reward {}, {:.1} TWh/yr",
        prepared.scenario.name,
        batch.rows.len(),
        s.steps,
        s.blocks,
        fmt_opt(s.mean_block_interval_s),
        fmt_opt(s.equilibrium_ratio_energy),
        fmt_opt(s.equilibrium_ratio_total),
        s.equilibrium_energy_twh_per_year,
    );
}

/// A one-screen description of what a scenario means.
pub fn describe(sc: &Scenario) -> String {
    let mut s = String::new();
    let sim = &sc.simulation;
    let chain = &sc.chain;
    s += &format!("scenario     {}\n", sc.name);
    if !sc.description.is_empty() {
        s += &format!("             {}\n", sc.description.trim());
    }
    s += &format!(
        "horizon      {} to {} ({} years, {} steps of {} day(s), {:?} block sampling)\n",
        sc.start.date,
        sc.end_date(),
        sim.years,
        sim.steps(),
        sim.step_days,
        sim.block_sampling
    );
    s += &format!(
        "start        height {}, bits {:#010x}\n",
        sc.start.height,
        sc.start.start_bits(chain)
    );
    let rule = match chain.difficulty_rule {
        DifficultyRule::Retarget => format!(
            "retarget every {} blocks, clamp x{}",
            chain.retarget_interval_blocks, chain.retarget_clamp_factor
        ),
        DifficultyRule::Asert => {
            format!("ASERT every block, half-life {} s", chain.asert_half_life_s)
        }
        DifficultyRule::Cw144 => "cw-144 every block (144-block window)".to_string(),
    };
    s += &format!(
        "chain        {rule}, spacing {} s, halving every {} blocks, subsidy {} sat\n",
        chain.target_spacing_s, chain.halving_interval_blocks, chain.initial_subsidy_sat
    );
    s += &format!("price        {}\n", one_line(&sc.price));
    s += &format!("fees         {}\n", one_line(&sc.fees));
    match (&sc.miners, &sc.hash_supply) {
        (Some(m), _) => s += &format!("miners       {}\n", one_line(m)),
        (_, Some(h)) => s += &format!("hash supply  {}\n", one_line(h)),
        _ => {}
    }
    s += &format!("runs         {} (seed {})\n", sc.runs, sc.seed);
    s
}

fn one_line<T: serde::Serialize>(v: &T) -> String {
    let t = serde_json::to_string(v).unwrap_or_default();
    if t.chars().count() > 160 {
        let cut: String = t.chars().take(157).collect();
        format!("{cut}...")
    } else {
        t
    }
}
