//! Bad scenario files, each with the exact error it must produce.
//!
//! Every file under `tests/bad_scenarios/` ends with `# expect: ` lines
//! (at the end, so line numbers in messages are unaffected); together they
//! are the whole expected message, one line each.

use minesim::scenario::load_scenario;
use std::path::{Path, PathBuf};
use std::process::Command;

fn bad_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("tests/bad_scenarios")
        .expect("tests/bad_scenarios exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

fn expected(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let lines: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# expect: "))
        .collect();
    assert!(
        !lines.is_empty(),
        "{} has no '# expect: ' line",
        path.display()
    );
    lines.join("\n")
}

/// Loads and prepares like `minesim check` does; returns the error text.
fn error_of(path: &Path) -> String {
    match load_scenario(path) {
        Err(e) => e.to_string(),
        Ok(sc) => match sc.prepare(path.parent().unwrap()) {
            Err(e) => format!("{}: {e}", path.display()),
            Ok(_) => panic!("{} was accepted", path.display()),
        },
    }
}

/// Writes `name` in `dir`: the real chain state of 2026-01-01 as `[start]`,
/// then `rest` (the big batches' scenarios).
fn big_scenario(dir: &std::path::Path, name: &str, rest: &str) -> PathBuf {
    let path = dir.join(name);
    let start = "[start]\ndate = \"2026-01-01\"\nheight = 930342\ndifficulty = 148258433698386";
    std::fs::write(&path, format!("{start}{rest}")).unwrap();
    path
}

#[test]
fn every_bad_file_gives_its_exact_message() {
    let files = bad_files();
    assert!(files.len() >= 45, "only {} bad files", files.len());
    let mut failures = Vec::new();
    for f in &files {
        let got = error_of(f);
        let want = expected(f);
        if got != want {
            failures.push(format!("{}:\n  want: {want}\n  got:  {got}", f.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The binary exits with 2 on bad input and writes nothing.
#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let dir = crate::common::tempdir().unwrap();
    for f in bad_files() {
        let out = dir.path().join(f.file_stem().unwrap());
        let status = Command::new(env!("CARGO_BIN_EXE_minesim"))
            .args(["run", "--quiet", "--out"])
            .arg(&out)
            .arg(&f)
            .output()
            .unwrap();
        assert_eq!(status.status.code(), Some(2), "{}", f.display());
        let stderr = String::from_utf8_lossy(&status.stderr);
        assert_eq!(
            stderr.trim_end(),
            format!("error: {}", expected(&f)),
            "{}",
            f.display()
        );
        assert!(!out.exists(), "{} wrote {}", f.display(), out.display());
    }
}

/// A file that does not exist is bad input too.
#[test]
fn missing_scenario_file() {
    let e = error_of(Path::new("tests/bad_scenarios/no-such-file.toml"));
    assert!(
        e.starts_with("tests/bad_scenarios/no-such-file.toml: cannot read scenario: "),
        "{e}"
    );
}

/// A batch that cannot fit in memory is refused before anything is
/// allocated or written (about 180 GB: 100 years of hourly steps, 100 kept
/// runs, up to a million agents).
#[test]
fn batch_too_big_for_memory_is_refused() {
    if minesim::resources::available_memory_bytes().is_none() {
        eprintln!("skipped: no /proc/meminfo on this system");
        return;
    }
    let dir = crate::common::tempdir().unwrap();
    let sc = big_scenario(
        dir.path(),
        "huge.toml",
        r#"
[simulation]
years = 100
step_days = 0.041666666666666664
[price]
model = "constant"
price_usd = 90000
[miners]
max_agents = 1000000
free_entry = true
[[miners.groups]]
name = "all"
share = 1
agents = 100000
electricity = { distribution = "fixed", usd_per_kwh = 0.05 }
"#,
    );
    let out = dir.path().join("out");
    let r = Command::new(env!("CARGO_BIN_EXE_minesim"))
        .args([
            "run",
            "--quiet",
            "--runs",
            "1000",
            "--keep-runs",
            "100",
            "--out",
        ])
        .arg(&out)
        .arg(&sc)
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(stderr.contains("this batch needs about"), "{stderr}");
    assert!(stderr.contains("GB are available"), "{stderr}");
    assert!(!out.exists());
}

#[test]
fn a_batch_over_the_address_space_limit_is_refused_not_aborted() {
    // Under `ulimit -v` (here 4 GiB, through util-linux's prlimit) the
    // memory check counts the limit, not just the machine's free memory:
    // this 500-year batch of 1,000 runs (about 23 GB) used to pass the
    // check on a large machine and abort for memory (exit 134) while
    // folding its bands.
    let prlimit = crate::common::prlimit();
    let (Some(prlimit), Some(_)) = (prlimit, minesim::resources::available_memory_bytes()) else {
        eprintln!("skipped: needs prlimit and /proc");
        return;
    };
    let dir = crate::common::tempdir().unwrap();
    let sc = big_scenario(
        dir.path(),
        "long.toml",
        r#"
[simulation]
years = 500
[price]
model = "gbm"
start_price_usd = 90000
drift_per_year = 0.0
volatility_per_year = 0.5
[hash_supply]
model = "fixed"
hashrate_eh_s = 1000
"#,
    );
    let out = dir.path().join("out");
    let r = Command::new(prlimit)
        .arg("--as=4294967296")
        .arg(env!("CARGO_BIN_EXE_minesim"))
        .args(["run", "--quiet", "--runs", "1000", "--out"])
        .arg(&out)
        .arg(&sc)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("this batch needs about"), "{stderr}");
    assert!(stderr.contains("GB are available"), "{stderr}");
    assert!(!out.exists());
}
