//! `minesim run SCENARIO`: a Monte Carlo batch or a sweep, with
//! checkpoints, shards and the terminal headline.

use super::interrupt::STOP;
use super::progress::TerminalProgress;
use super::Error;
use minesim::batch::partial::Shard;
use minesim::plan::{ExecOptions, Outcome, Overrides, Plan, Set, Written};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Debug, clap::Args)]
pub struct RunArgs {
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
    /// Runs whose full per-step series are written (default 1: run 0 as
    /// steps.csv). Refused on a sweep, which writes no per-step series.
    #[arg(long, value_name = "K")]
    keep_runs: Option<u64>,
    /// No progress bar and no summary on stdout except the output path.
    #[arg(long)]
    quiet: bool,
    /// Run only shard K of N (0-based, 0 <= K < N) of the (point, run)
    /// list and write partial-K-of-N.bin into the output folder;
    /// combine the shards with `minesim merge`.
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    /// Continue an interrupted batch from its checkpoint in <out>/.partials/
    /// (without one, a notice on stderr says so, and the batch starts from the beginning).
    #[arg(long)]
    resume: bool,
    /// Least seconds between resume checkpoints (0: after every chunk of
    /// runs); after a checkpoint that took d seconds to write, at least
    /// 19 d, so that checkpoints take at most 5 % of the time.
    #[arg(long, value_name = "SECONDS", default_value_t = 10.0)]
    checkpoint_every: f64,
    /// Set a scenario field (repeatable): a sweep path and a TOML value,
    /// e.g. `price.volatility_per_year=0.8`, `miners.groups[0].count=5`.
    #[arg(long = "set", value_name = "PATH=VALUE", value_parser = Set::parse)]
    set: Vec<Set>,
    /// The base sample count of the scenario's [uncertainty] design
    /// (the same as --set uncertainty.samples=N).
    #[arg(long, value_name = "N")]
    samples: Option<u64>,
}

/// Why `--keep-runs` is refused on a sweep (the Python package says the
/// same for `keep_runs`).
pub const SWEEP_KEEP_RUNS: &str = "is not supported for a sweep: a sweep writes no per-step series (points.csv, runs.csv and summary.json only); to keep the runs of one point, run that point as a plain batch (the scenario without [sweep], the point's values given with --set PATH=VALUE)";

pub fn run(args: RunArgs) -> Result<(), Error> {
    if args.threads == Some(0) {
        return Err(Error::Argument {
            flag: "--threads",
            message: "must be at least 1, got 0".into(),
        });
    }
    if !(args.checkpoint_every.is_finite() && args.checkpoint_every >= 0.0) {
        return Err(Error::Argument {
            flag: "--checkpoint-every",
            message: format!(
                "must be a number of seconds >= 0, got {}",
                args.checkpoint_every
            ),
        });
    }
    let overrides = Overrides {
        runs: args.runs,
        seed: args.seed,
        name: None,
        set: super::with_samples(args.set, args.samples),
    };
    let plan = Plan::load(&args.scenario, &overrides, args.keep_runs.unwrap_or(1))?;
    if plan.sweep.is_some() && args.keep_runs.is_some() {
        return Err(Error::Argument {
            flag: "--keep-runs",
            message: SWEEP_KEEP_RUNS.into(),
        });
    }
    plan.check_memory(minesim::resources::available_memory_bytes(), args.threads)?;
    let out_dir = args
        .out
        .unwrap_or_else(|| Path::new("output").join(&plan.base.name));
    let options = ExecOptions {
        threads: args.threads,
        shard: args.shard,
        resume: args.resume,
        checkpoint_every: Duration::from_secs_f64(args.checkpoint_every),
        stop: &STOP,
    };
    let progress = TerminalProgress::new(args.quiet);
    match plan.execute(&out_dir, &options, &progress)? {
        Outcome::Finished { files, written } => {
            if !args.quiet {
                print_headline(&plan, &written, &out_dir);
            }
            println!("outputs: {} ({} files)", out_dir.display(), files.len());
            Ok(())
        }
        Outcome::Shard {
            file,
            shard,
            jobs,
            total_jobs,
        } => {
            println!(
                "partial: {} (shard {shard}: runs {}..{} of {total_jobs}); combine all shards with: minesim merge --out DIR {}",
                file.display(),
                jobs.start,
                jobs.end,
                out_dir.display()
            );
            Ok(())
        }
        Outcome::Interrupted {
            done,
            total,
            checkpoint,
        } => Err(Error::Interrupted {
            done,
            total,
            checkpoint,
        }),
    }
}

/// A number with four significant digits (`n/a` when undefined).
pub fn fmt_sig(x: Option<f64>) -> String {
    match x {
        Some(v) if v.is_finite() => {
            let magnitude = if v == 0.0 {
                0
            } else {
                v.abs().log10().floor() as i32
            };
            let decimals = (3 - magnitude).clamp(0, 12) as usize;
            format!("{v:.decimals$}")
        }
        _ => "n/a".into(),
    }
}

/// The batch statistics the headline quotes: (key in `summary.json`'s
/// `metrics`, label).
pub const HEADLINE_METRICS: [(&str, &str); 4] = [
    ("equilibrium_ratio_energy", "energy spend / reward"),
    ("equilibrium_ratio_total", "total cost / reward"),
    ("equilibrium_energy_twh_per_year", "energy use, TWh/yr"),
    ("equilibrium_hashrate_eh_s", "hashrate, EH/s"),
];

/// One headline line of a batch statistic: mean, 95 % confidence interval
/// of the mean and the p5-p95 range across runs, from `summary.json`.
fn headline_metric_line(label: &str, m: &serde_json::Value) -> String {
    let get = |k: &str| m.get(k).and_then(serde_json::Value::as_f64);
    let f = |k: &str| fmt_sig(get(k));
    // One run (or one defined value) has no interval.
    let ci = match (get("mean_ci95_low"), get("mean_ci95_high")) {
        (Some(lo), Some(hi)) => format!("[{}, {}]", fmt_sig(Some(lo)), fmt_sig(Some(hi))),
        _ => "n/a".into(),
    };
    format!(
        "  {label:<24} mean {}  95 % CI {ci}  p5-p95 [{}, {}]",
        f("mean"),
        f("p5"),
        f("p95")
    )
}

/// What stdout says about a finished batch or sweep: for a batch, the
/// batch means of the headline ratios with their 95 % intervals and p5-p95
/// ranges (read back from the `summary.json` just written into `out_dir`,
/// so the terminal quotes exactly the file), then run 0's block count,
/// labelled as run 0.
pub fn print_headline(plan: &Plan, written: &Written, out_dir: &Path) {
    match written {
        Written::Sweep {
            points,
            runs_per_point,
            mode,
            paths,
        } => match &plan.base.uncertainty {
            Some(u) => {
                println!(
                    "{}: {} design of {points} points x {runs_per_point} run(s) over {}; per-point results in points.csv{}; across all runs of the design's samples:",
                    plan.base.name,
                    u.design.name(),
                    paths.join(", "),
                    if u.design == minesim::scenario::uncertainty::DesignKind::LatinHypercube {
                        ""
                    } else {
                        ", sensitivity in sensitivity.csv"
                    }
                );
                let summary = std::fs::read_to_string(out_dir.join("summary.json"))
                    .ok()
                    .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
                if let Some(s) = summary {
                    for (key, label) in HEADLINE_METRICS {
                        println!(
                            "{}",
                            headline_metric_line(label, &s["combined"]["metrics"][key])
                        );
                    }
                }
            }
            None => println!(
                "{}: sweep of {points} points x {runs_per_point} run(s) ({} over {}); per-point means and 95 % intervals in points.csv",
                plan.base.name,
                mode.name(),
                paths.join(", ")
            ),
        },
        Written::Batch { runs, first } => {
            let steps = first.as_ref().map(|s| s.steps).unwrap_or(0);
            println!(
                "{}: {runs} run(s), {steps} steps; equilibrium over the last {} year(s), across the batch's runs:",
                plan.base.name,
                plan.base.metrics.window_years(plan.base.simulation.years),
            );
            let summary = std::fs::read_to_string(out_dir.join("summary.json"))
                .ok()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok());
            match summary {
                Some(s) => {
                    for (key, label) in HEADLINE_METRICS {
                        println!("{}", headline_metric_line(label, &s["metrics"][key]));
                    }
                }
                None => println!("  (batch statistics: see summary.json)"),
            }
            if let Some(s) = first {
                println!(
                    "  run 0 alone: {} blocks, mean block interval {} s",
                    s.blocks,
                    fmt_sig(s.mean_block_interval_s)
                );
            }
        }
    }
}
