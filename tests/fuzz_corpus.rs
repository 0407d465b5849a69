//! Replays the fuzz corpus (`fuzz/corpus/scenario/`) through the same check
//! as the cargo-fuzz target `fuzz/fuzz_targets/scenario.rs`, on stable, as
//! a normal test: no input may panic, and a scenario that validates (with a
//! short horizon and few agents) must run and produce only finite numbers.

use crate::common::assert_finite_run;
use minesim::batch::run_rng;
use minesim::engine::run;
use minesim::scenario::parse_scenario;
use std::path::Path;

/// Largest number of steps and agents a fuzzed scenario may run with
/// (the same caps as the fuzz target).
const MAX_FUZZ_STEPS: u64 = 3_000;
const MAX_FUZZ_AGENTS: usize = 2_000;

/// The fuzz target's check; returns whether the input ran.
fn check(data: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(data) else {
        return false;
    };
    let Ok(mut sc) = parse_scenario(text, Path::new("fuzz.toml")) else {
        return false;
    };
    if sc.simulation.steps() > MAX_FUZZ_STEPS {
        return false;
    }
    if let Some(m) = sc.miners.as_mut() {
        if m.groups.iter().map(|g| g.agents).sum::<usize>() > MAX_FUZZ_AGENTS {
            return false;
        }
        m.max_agents = m.max_agents.min(MAX_FUZZ_AGENTS);
    }
    let seed = sc.seed;
    let Ok(prepared) = sc.prepare(Path::new(".")) else {
        return false;
    };
    match run(&prepared, &mut run_rng(seed, 0)) {
        Ok(r) => {
            assert_finite_run(&r);
            true
        }
        Err(_) => false,
    }
}

#[test]
fn every_corpus_input_is_handled() {
    let mut files: Vec<_> = std::fs::read_dir("fuzz/corpus/scenario")
        .expect("fuzz/corpus/scenario exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    assert!(files.len() >= 40, "only {} corpus files", files.len());
    let mut ran = 0;
    for f in &files {
        let data = std::fs::read(f).unwrap();
        let ok = std::panic::catch_unwind(|| check(&data))
            .unwrap_or_else(|_| panic!("{} panicked", f.display()));
        ran += usize::from(ok);
    }
    // The seeds include valid scenarios (scenarios/*.toml, baseline_short.toml).
    assert!(ran >= 1, "no corpus input ran");
    eprintln!("{ran} of {} corpus inputs ran", files.len());
}
