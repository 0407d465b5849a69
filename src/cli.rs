//! The `minesim` command line: parses arguments, loads the scenario, runs
//! the batch on a rayon pool, draws the progress bar and writes outputs.
//!
//! Exit codes: 0 ok, 2 bad input (scenario, data files, arguments), 1
//! internal error (I/O while writing, a bug).

use crate::batch::{run_batch, BatchResult};
use crate::engine::{EngineError, PreparedScenario};
use crate::output::{self, write_bands_csv, write_csv, write_json, write_runs_csv};
use crate::scenario::{load_scenario, Scenario, ScenarioError};
use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// An agent-based simulator of the Bitcoin mining economy.
#[derive(Debug, Parser)]
#[command(name = "minesim", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a scenario (Monte Carlo batch) and write tables and charts.
    Run {
        /// Scenario TOML file.
        scenario: PathBuf,
        /// Number of Monte Carlo runs (default: the scenario's `runs`).
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
        /// Runs whose full per-step series are written (default 1: run 0 as steps.csv).
        #[arg(long, default_value_t = 1)]
        keep_runs: u64,
        /// No progress bar and no summary on stdout except the output path.
        #[arg(long)]
        quiet: bool,
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
}

/// A failure, classified for the exit code.
#[derive(Debug)]
pub enum Failure {
    /// Bad input: exit code 2.
    Input(String),
    /// Internal error: exit code 1.
    Internal(String),
}

impl From<ScenarioError> for Failure {
    fn from(e: ScenarioError) -> Self {
        Failure::Input(e.to_string())
    }
}

/// Entry point used by `main`.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
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
    }
}

fn prepare(path: &Path, scenario: Scenario) -> Result<PreparedScenario, Failure> {
    let base = path.parent().unwrap_or(Path::new("."));
    PreparedScenario::new(scenario, base).map_err(|e| match e {
        EngineError::Market(m) => Failure::Input(format!("{}: {m}", path.display())),
        other => Failure::Input(format!("{}: {other}", path.display())),
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
            let sc = load_scenario(&scenario)?;
            let prepared = prepare(&scenario, sc)?;
            print!("{}", describe(&prepared.scenario));
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
        } => {
            let mut sc = load_scenario(&scenario)?;
            if let Some(r) = runs {
                if r == 0 || r > 1_000_000 {
                    return Err(Failure::Input(format!(
                        "--runs must be in [1, 1000000], got {r}"
                    )));
                }
                sc.runs = r;
            }
            if let Some(s) = seed {
                sc.seed = s;
            }
            if threads == Some(0) {
                return Err(Failure::Input("--threads must be at least 1, got 0".into()));
            }
            let prepared = prepare(&scenario, sc)?;
            let out_dir = out.unwrap_or_else(|| Path::new("output").join(&prepared.scenario.name));
            let batch = run_with_progress(&prepared, threads, keep_runs, quiet)?;
            let files = write_outputs(&out_dir, &prepared, &batch)
                .map_err(|e| Failure::Internal(format!("writing {}: {e}", out_dir.display())))?;
            if !quiet {
                print_headline(&prepared, &batch);
            }
            println!("outputs: {} ({} files)", out_dir.display(), files.len());
            Ok(())
        }
    }
}

fn run_with_progress(
    prepared: &PreparedScenario,
    threads: Option<usize>,
    keep_runs: u64,
    quiet: bool,
) -> Result<BatchResult, Failure> {
    let runs = prepared.scenario.runs;
    let show = !quiet && std::io::stderr().is_terminal();
    let bar = if show {
        let b = ProgressBar::new(runs);
        b.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}  ETA {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        b
    } else {
        ProgressBar::hidden()
    };
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(t) = threads {
        builder = builder.num_threads(t);
    }
    let pool = builder
        .build()
        .map_err(|e| Failure::Internal(format!("thread pool: {e}")))?;
    let tick = || bar.inc(1);
    let result = pool
        .install(|| run_batch(prepared, 0..runs, keep_runs, &tick))
        .map_err(|e| Failure::Input(e.to_string()))?;
    bar.finish_and_clear();
    Ok(result)
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
    s += &format!(
        "chain        retarget every {} blocks, spacing {} s, clamp x{}, halving every {} blocks, subsidy {} sat\n",
        chain.retarget_interval_blocks,
        chain.target_spacing_s,
        chain.retarget_clamp_factor,
        chain.halving_interval_blocks,
        chain.initial_subsidy_sat
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
