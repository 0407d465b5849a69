//! Helpers shared by the reliability tests (extremes, properties, fuzz
//! corpus): building a scenario from TOML text and checking that a run
//! produced only finite numbers.

use minesim::batch::run_rng;
use minesim::engine::{run, PreparedModel, RunResult};
use minesim::scenario::{parse_scenario, Scenario};
use std::path::Path;

/// Fields that may be `null` in JSON (`Option`s that are `None` when a
/// denominator is zero). A NaN or infinity also serialises as `null`, so
/// any other `null` is a non-finite number.
pub const NULLABLE: &[&str] = &[
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

/// Asserts that every number of a serialised record is finite.
pub fn assert_finite_json(what: &str, v: &serde_json::Value) {
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

/// Asserts that every number of every step record and of the summary is
/// finite (the optional ratios too, when present).
pub fn assert_finite_run(r: &RunResult) {
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
    for t in &r.retargets {
        assert!(t.new_difficulty.is_finite() && t.new_difficulty > 0.0);
    }
}

/// Parses, validates and prepares a scenario given as TOML text; panics
/// with the error message if it is rejected.
pub fn prepare(text: &str) -> Prepared {
    let scenario =
        parse_scenario(text, Path::new("extreme.toml")).unwrap_or_else(|e| panic!("{e}"));
    let model = scenario
        .prepare(Path::new("."))
        .unwrap_or_else(|e| panic!("{e}"));
    Prepared { scenario, model }
}

/// A scenario and its prepared model.
pub struct Prepared {
    pub scenario: Scenario,
    pub model: PreparedModel,
}

/// One run (stream 0 of the scenario's seed), checked for finite numbers.
pub fn run_checked(text: &str) -> RunResult {
    let p = prepare(text);
    let r = run(&p.model, &mut run_rng(p.scenario.seed, 0)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.records.len() as u64, p.scenario.simulation.steps());
    assert_finite_run(&r);
    r
}

/// A fresh, empty folder under the system's temporary folder, removed
/// with everything in it when dropped (the tests' own, so the test build
/// needs no crate that changes the features of the normal dependencies).
pub struct TempDir(std::path::PathBuf);

impl TempDir {
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Makes a [`TempDir`]; unique per process and call.
pub fn tempdir() -> std::io::Result<TempDir> {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("minesim-test-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(TempDir(dir))
}

/// Runs `cmd` with its output captured, killing it (and failing the test)
/// after `secs` seconds.
pub fn output_within(mut cmd: std::process::Command, secs: u64) -> std::process::Output {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(secs) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{cmd:?} did not finish within {secs} s");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// util-linux's `prlimit`, where the system has it.
pub fn prlimit() -> Option<&'static str> {
    ["/usr/bin/prlimit", "/bin/prlimit"]
        .into_iter()
        .find(|p| Path::new(p).exists())
}
