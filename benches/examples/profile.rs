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
//!
//! `profile scenario FILE [REPS] [--set PATH=VALUE]...` times the engine
//! alone (`engine::run`, population set-up included; no output written) on
//! a scenario file, prepared as `minesim run` prepares it: run 0 of the
//! file's seed, REPS times (default 3), printing each repetition's CPU and
//! wall-clock time per agent-step (agents at the start × steps) and the
//! least of each. `scripts/perf_p1like.sh` uses it on
//! `scenarios/perf-p1like.toml`.

use minesim::batch::run_rng;
use minesim::engine::run;
use minesim_benches::{
    agents_scenario, clearing_scenario, cpu_seconds, prepared, prepared_file, CURVE,
};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("scenario") {
        return time_scenario(&args[1..]);
    }
    let text = match args.first().map(String::as_str) {
        Some("curve") => CURVE.to_string(),
        Some("agents") => agents_scenario(10_000, 10.0),
        Some("clearing") => clearing_scenario(10_000, 10.0),
        Some("agents100k") => agents_scenario(100_000, 30.0 / 365.25),
        _ => {
            eprintln!(
                "usage: profile curve|agents|clearing|agents100k [RUNS]\n       profile scenario FILE [REPS] [--set PATH=VALUE]..."
            );
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

/// `profile scenario FILE [REPS] [--set PATH=VALUE]...`: the engine alone,
/// timed.
fn time_scenario(args: &[String]) -> ExitCode {
    let mut sets = Vec::new();
    let mut plain = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--set" {
            match it.next() {
                Some(v) => sets.push(v.clone()),
                None => {
                    eprintln!("--set needs PATH=VALUE");
                    return ExitCode::from(2);
                }
            }
        } else if let Some(v) = a.strip_prefix("--set=") {
            sets.push(v.to_string());
        } else {
            plain.push(a.as_str());
        }
    }
    let Some(file) = plain.first() else {
        eprintln!("usage: profile scenario FILE [REPS] [--set PATH=VALUE]...");
        return ExitCode::from(2);
    };
    let reps: u64 = match plain.get(1).map(|s| s.parse()) {
        None => 3,
        Some(Ok(n)) if n > 0 => n,
        _ => {
            eprintln!("REPS must be a whole number of at least 1");
            return ExitCode::from(2);
        }
    };
    let (p, seed, agents) = match prepared_file(Path::new(file), &sets) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let (mut best_cpu, mut best_wall) = (f64::INFINITY, f64::INFINITY);
    let mut agent_steps = 1.0;
    for r in 0..reps {
        let mut rng = run_rng(seed, 0);
        let (c0, w0) = (cpu_seconds(), Instant::now());
        let res = match run(&p, &mut rng) {
            Ok(res) => res,
            Err(e) => {
                eprintln!("{file}: run failed: {e}");
                return ExitCode::FAILURE;
            }
        };
        let (cpu, wall) = (cpu_seconds() - c0, w0.elapsed().as_secs_f64());
        let steps = res.records.len();
        agent_steps = (agents.max(1) * steps as u64) as f64;
        println!(
            "rep {r}: {agents} agents x {steps} steps: cpu {cpu:.4} s ({:.3} ns per agent-step), wall {wall:.4} s ({:.3} ns); final hashrate {:.3} EH/s",
            cpu / agent_steps * 1e9,
            wall / agent_steps * 1e9,
            res.records.last().map_or(0.0, |s| s.hashrate_eh_s),
        );
        best_cpu = best_cpu.min(cpu);
        best_wall = best_wall.min(wall);
    }
    println!(
        "min: engine {file} agents={agents}: cpu_ns_per_agent_step {:.4} wall_ns_per_agent_step {:.4} cpu_s {:.5} wall_s {:.5}",
        best_cpu / agent_steps * 1e9,
        best_wall / agent_steps * 1e9,
        best_cpu,
        best_wall
    );
    ExitCode::SUCCESS
}
