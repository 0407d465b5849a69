//! Runs one of the benches' engine scenarios a fixed number of times, for
//! a profiler or an instruction counter (criterion's adaptive iteration
//! counts make its own process a poor profiling target):
//!
//! ```text
//! cargo build --release -p minesim-benches --example profile
//! perf stat -e instructions:u target/release/examples/profile clearing 5
//! valgrind --tool=callgrind target/release/examples/profile clearing 1
//! ```
//!
//! Scenarios: `curve`, `agents` (10,000 agents, posted market),
//! `clearing` (the same agents, clearing market), `agents100k` (100,000
//! agents, 30 daily steps). The second argument is the number of runs
//! (default 1). Prints the runs' summed final hashrate so that the work
//! cannot be optimised away.

use minesim::batch::run_rng;
use minesim::engine::run;
use minesim_benches::{agents_scenario, clearing_scenario, prepared, CURVE};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = match args.first().map(String::as_str) {
        Some("curve") => CURVE.to_string(),
        Some("agents") => agents_scenario(10_000, 10.0),
        Some("clearing") => clearing_scenario(10_000, 10.0),
        Some("agents100k") => agents_scenario(100_000, 30.0 / 365.25),
        _ => {
            eprintln!("usage: profile curve|agents|clearing|agents100k [RUNS]");
            return ExitCode::from(2);
        }
    };
    let runs: u64 = match args.get(1).map(|s| s.parse()) {
        None => 1,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            eprintln!("RUNS must be a whole number, got {:?}", args[1]);
            return ExitCode::from(2);
        }
    };
    let p = prepared(&text);
    let mut total = 0.0;
    for r in 0..runs {
        let mut rng = run_rng(1, r);
        match run(&p, &mut rng) {
            Ok(res) => total += res.records.last().map_or(0.0, |s| s.hashrate_eh_s),
            Err(e) => {
                eprintln!("run {r} failed: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("{runs} runs, summed final hashrate {total:.6} EH/s");
    ExitCode::SUCCESS
}
