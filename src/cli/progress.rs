//! The progress bar on stderr (runs, runs per second, ETA), drawn only
//! when stderr is a terminal and `--quiet` is not given, and the notes a
//! plan sends while it runs.

use indicatif::{ProgressBar, ProgressStyle};
use minesim::plan::Observer;
use std::io::IsTerminal;
use std::path::Path;

/// Shows a running plan on the terminal.
pub struct TerminalProgress {
    bar: ProgressBar,
}

impl TerminalProgress {
    pub fn new(quiet: bool) -> TerminalProgress {
        let bar = if !quiet && std::io::stderr().is_terminal() {
            let b = ProgressBar::new(0);
            b.set_style(
                ProgressStyle::with_template("{bar:40} {pos}/{len} runs  {per_sec}  ETA {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            b
        } else {
            ProgressBar::hidden()
        };
        TerminalProgress { bar }
    }
}

impl Observer for TerminalProgress {
    fn started(&self, total: u64, done: u64) {
        self.bar.set_length(total);
        self.bar.set_position(done);
        self.bar.reset_eta();
    }

    fn job_done(&self) {
        self.bar.inc(1);
    }

    fn resumed(&self, path: &Path, done: u64, total: u64) {
        eprintln!(
            "resuming from {}: {done} of {total} runs already done",
            path.display()
        );
    }

    /// Printed with `--quiet` too: a `--resume` that finds nothing to
    /// resume is worth knowing about (a wrong `--out`, say).
    fn no_checkpoint(&self, path: &Path) {
        eprintln!(
            "--resume: no checkpoint at {}: starting from the beginning",
            path.display()
        );
    }

    fn runs_over(&self, stopped: bool) {
        if stopped {
            self.bar.abandon();
        } else {
            self.bar.finish_and_clear();
        }
    }
}
