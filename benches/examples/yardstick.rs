//! Times the P1 yardstick (`yardstick.rs`): a 10-year daily run with N
//! agents, repeated, printing each repetition's CPU and wall-clock time per
//! agent-step and the least of each (set-up included, as in the spec's
//! timed runs).
//!
//! ```text
//! cargo build --release -p minesim-benches --example yardstick
//! target/release/examples/yardstick [N [REPS [SEED]]] [--csv PATH]
//! ```
//!
//! Defaults: N = 10,000, REPS = 3, SEED = 42. `--csv PATH` writes the last
//! repetition's T × 6 table, `--price-csv PATH` its price path as a daily
//! file for minesim's price replay from 2026-01-01 (`time,PriceUSD`; what
//! `scripts/perf_p1like.sh` gives `scenarios/perf-p1like.toml` to run on
//! the yardstick's own path). Neither is timed.

use minesim::calendar::Date;
use minesim_benches::cpu_seconds;
use minesim_benches::yardstick::{run_p1, DAYS, SEED};
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut take = |flag: &str| -> Result<Option<String>, String> {
        match args.iter().position(|a| a == flag) {
            None => Ok(None),
            Some(i) if i + 1 < args.len() => {
                let v = args.remove(i + 1);
                args.remove(i);
                Ok(Some(v))
            }
            Some(_) => Err(format!("{flag} needs a PATH")),
        }
    };
    let (csv, price_csv) = match (take("--csv"), take("--price-csv")) {
        (Ok(a), Ok(b)) => (a, b),
        (Err(e), _) | (_, Err(e)) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let number = |i: usize, default: u64| -> Result<u64, String> {
        args.get(i).map_or(Ok(default), |s| {
            s.parse()
                .map_err(|_| format!("expected a whole number, got {s:?}"))
        })
    };
    let (n, reps, seed) = match (number(0, 10_000), number(1, 3), number(2, SEED)) {
        (Ok(n), Ok(r), Ok(s)) if n > 0 && r > 0 => (n as usize, r, s),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => {
            eprintln!("{e}\nusage: yardstick [N [REPS [SEED]]] [--csv PATH] [--price-csv PATH]");
            return ExitCode::from(2);
        }
        _ => {
            eprintln!("N and REPS must be at least 1");
            return ExitCode::from(2);
        }
    };
    let agent_steps = (n * DAYS) as f64;
    let (mut best_cpu, mut best_wall) = (f64::INFINITY, f64::INFINITY);
    let mut last = None;
    for r in 0..reps {
        let (c0, w0) = (cpu_seconds(), Instant::now());
        let m = run_p1(n, DAYS, seed);
        let (cpu, wall) = (cpu_seconds() - c0, w0.elapsed().as_secs_f64());
        let end = m.table.last().copied().expect("at least one day");
        println!(
            "rep {r}: {n} agents x {DAYS} days: cpu {:.4} s ({:.3} ns per agent-step), wall {:.4} s ({:.3} ns); final price {:.2}, blocks {}",
            cpu,
            cpu / agent_steps * 1e9,
            wall,
            wall / agent_steps * 1e9,
            end.price,
            m.height - minesim_benches::yardstick::START_HEIGHT,
        );
        best_cpu = best_cpu.min(cpu);
        best_wall = best_wall.min(wall);
        last = Some(m);
    }
    println!(
        "min: yardstick N={n}: cpu_ns_per_agent_step {:.4} wall_ns_per_agent_step {:.4} cpu_s {:.5} wall_s {:.5}",
        best_cpu / agent_steps * 1e9,
        best_wall / agent_steps * 1e9,
        best_cpu,
        best_wall
    );
    let m = last.expect("at least one repetition");
    let start = Date::from_ymd(2026, 1, 1).expect("a valid date");
    for (path, text) in [(csv, m.csv()), (price_csv, m.price_csv(start))] {
        if let Some(path) = path {
            if let Err(e) = std::fs::write(&path, text) {
                eprintln!("cannot write {path}: {e}");
                return ExitCode::FAILURE;
            }
        }
    }
    ExitCode::SUCCESS
}
