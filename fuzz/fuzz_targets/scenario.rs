//! Fuzz target: arbitrary bytes as a scenario file. Must never panic; a
//! scenario that validates (with a short horizon and few agents) must run
//! and produce only finite numbers.
//!
//! The check is duplicated in `tests/fuzz_corpus.rs`, which replays the
//! corpus on stable as a normal test.
#![no_main]

use libfuzzer_sys::fuzz_target;
use minesim::batch::run_rng;
use minesim::engine::{run, RunResult};
use minesim::scenario::parse_scenario;
use std::path::Path;

/// Largest number of steps and agents a fuzzed scenario may run with.
const MAX_FUZZ_STEPS: u64 = 3_000;
const MAX_FUZZ_AGENTS: usize = 2_000;

/// Fields that may be `null` in JSON (`Option`s that are `None` when a
/// denominator is zero). A NaN or infinity also serialises as `null`, so
/// any other `null` is a non-finite number.
const NULLABLE: &[&str] = &[
    "mean_block_interval_s",
    "ratio_energy",
    "ratio_energy_capex",
    "ratio_total",
    "ratio_economic",
    "attack_hour_share_of_market_cap",
    "manufacturer_margin_usd",
    "marginal_power_price_usd_per_kwh",
    "used_asic_price_usd_per_th",
    "equilibrium_ratio_energy",
    "equilibrium_ratio_energy_capex",
    "equilibrium_ratio_total",
    "equilibrium_ratio_economic",
];

fn assert_finite_json(what: &str, v: &serde_json::Value) {
    let obj = v.as_object().expect("records serialise as objects");
    for (k, x) in obj {
        match x {
            serde_json::Value::Null => {
                assert!(NULLABLE.contains(&k.as_str()), "{what}.{k} is not finite")
            }
            serde_json::Value::Number(n) => {
                assert!(n.as_f64().is_some_and(f64::is_finite), "{what}.{k} = {n}")
            }
            _ => {}
        }
    }
}

fn assert_finite_run(r: &RunResult) {
    for (i, rec) in r.records.iter().enumerate() {
        for x in [
            rec.mean_block_interval_s,
            rec.ratio_energy,
            rec.ratio_energy_capex,
            rec.ratio_total,
            rec.ratio_economic,
            rec.attack_hour_share_of_market_cap,
            rec.manufacturer_margin_usd,
            rec.marginal_power_price_usd_per_kwh,
            rec.used_asic_price_usd_per_th,
        ]
        .into_iter()
        .flatten()
        {
            assert!(x.is_finite(), "step {i}: optional field {x}");
        }
        assert_finite_json(&format!("step {i}"), &serde_json::to_value(rec).unwrap());
    }
    let s = &r.summary;
    for x in [
        s.mean_block_interval_s,
        s.equilibrium_ratio_energy,
        s.equilibrium_ratio_energy_capex,
        s.equilibrium_ratio_total,
        s.equilibrium_ratio_economic,
    ]
    .into_iter()
    .flatten()
    {
        assert!(x.is_finite(), "summary optional field {x}");
    }
    assert_finite_json("summary", &serde_json::to_value(s).unwrap());
    assert!(r.hashrate_by_generation.iter().all(|x| x.is_finite()));
}

fn check(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(mut sc) = parse_scenario(text, Path::new("fuzz.toml")) else {
        return;
    };
    if sc.simulation.steps() > MAX_FUZZ_STEPS {
        return;
    }
    if let Some(m) = sc.miners.as_mut() {
        if m.groups.iter().map(|g| g.agents).sum::<usize>() > MAX_FUZZ_AGENTS {
            return;
        }
        m.max_agents = m.max_agents.min(MAX_FUZZ_AGENTS);
    }
    let seed = sc.seed;
    let Ok(prepared) = sc.prepare(Path::new(".")) else {
        return;
    };
    if let Ok(r) = run(&prepared, &mut run_rng(seed, 0)) {
        assert_finite_run(&r);
    }
}

fuzz_target!(|data: &[u8]| check(data));
