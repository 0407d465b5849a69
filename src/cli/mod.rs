//! The `minesim` command line: argument parsing (clap), one file per
//! subcommand, and the terminal around the library: the progress bar
//! ([`progress`]), Ctrl-C ([`interrupt`]) and the mapping of errors to
//! exit codes ([`Error::exit_code`]).
//!
//! Exit codes: 0 ok, 2 bad input (scenario, data files, arguments,
//! partials that do not fit together), 3 the outputs could not be written
//! (permission, read-only file system, no space, the output path is a
//! file; the folder keeps its previous complete outputs, or is not
//! created), 1 internal error (a bug), 130 interrupted by Ctrl-C
//! (finished chunks are kept; rerun with `--resume`).

mod check;
pub mod interrupt;
mod merge;
mod progress;
mod report;
mod run;

use clap::{Parser, Subcommand};
use minesim::plan::{report_error_is_output, ErrorKind, PlanError};
use minesim::report::ReportError;
use std::path::PathBuf;

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
    Run(run::RunArgs),
    /// Rebuild the charts and report.html of an output folder from its files.
    Report {
        /// Output folder of an earlier run.
        dir: PathBuf,
    },
    /// Validate a scenario and print what it means.
    Check {
        /// Scenario TOML file.
        scenario: PathBuf,
        /// Set a scenario field (repeatable), as for `run`.
        #[arg(long = "set", value_name = "PATH=VALUE", value_parser = minesim::plan::Set::parse)]
        set: Vec<minesim::plan::Set>,
        /// The base sample count of the scenario's [uncertainty] design, as for `run`.
        #[arg(long, value_name = "N")]
        samples: Option<u64>,
    },
    /// Combine shard results (partial-K-of-N.bin) into the outputs of the
    /// whole batch, byte-identical to a single-machine run.
    Merge {
        /// Output folder for the merged outputs.
        #[arg(long)]
        out: PathBuf,
        /// Partial files, or folders holding partial-K-of-N.bin files.
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

/// Why a command failed; [`Error::exit_code`] classifies it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// `minesim report DIR` on a folder it cannot read.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// A command-line value out of range (clap checks the syntax).
    #[error("{flag} {message}")]
    Argument { flag: &'static str, message: String },
    /// Ctrl-C: the finished runs are saved in `checkpoint`.
    #[error("interrupted: {done} of {total} runs done, saved in {}; rerun the same command with --resume to continue", checkpoint.display())]
    Interrupted {
        done: u64,
        total: u64,
        checkpoint: PathBuf,
    },
}

impl Error {
    /// 2 for bad input, 3 when the outputs cannot be written, 1 for an
    /// internal error, 130 for Ctrl-C.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Plan(e) => match e.kind() {
                ErrorKind::Input => 2,
                ErrorKind::Output => 3,
                ErrorKind::Internal => 1,
            },
            Error::Report(e) if report_error_is_output(e) => 3,
            Error::Interrupted { .. } => 130,
            _ => 2,
        }
    }

    /// The line printed on stderr.
    pub fn message(&self) -> String {
        match self.exit_code() {
            1 => format!("internal error: {self}"),
            3 => format!("error: cannot write the outputs: {self}"),
            130 => self.to_string(),
            _ => format!("error: {self}"),
        }
    }
}

/// The `--set` overrides with `--samples N` appended as
/// `uncertainty.samples=N`.
pub fn with_samples(
    mut set: Vec<minesim::plan::Set>,
    samples: Option<u64>,
) -> Vec<minesim::plan::Set> {
    if let Some(n) = samples {
        set.push(minesim::plan::Set::new(
            minesim::plan::SAMPLES_PATH,
            toml::Value::Integer(i64::try_from(n).unwrap_or(i64::MAX)),
        ));
    }
    set
}

/// Runs a parsed command.
pub fn execute(cli: Cli) -> Result<(), Error> {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Report { dir } => report::report(&dir),
        Command::Check {
            scenario,
            set,
            samples,
        } => check::check(&scenario, with_samples(set, samples)),
        Command::Merge {
            out,
            partials,
            scenario,
            quiet,
        } => merge::merge(&out, &partials, scenario.as_deref(), quiet),
    }
}
