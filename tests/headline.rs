//! The terminal side of `minesim run`: the headline quotes the batch (mean, 95 %
//! confidence interval of the mean, p5-p95 range across runs) exactly as
//! `summary.json` has it, and labels anything of run 0 as run 0; a sweep
//! refuses `--keep-runs`.

use std::path::Path;
use std::process::Command;

const SCENARIO: &str = r#"
name = "headline-test"
seed = 11
[start]
date = "2026-01-01"
height = 930342
difficulty = 148258433698386
[simulation]
years = 1
[price]
model = "gbm"
start_price_usd = 88684
drift_per_year = 0.1
volatility_per_year = 0.8
[fees]
model = "btc_per_block"
btc_per_block = 0.03
[hash_supply]
model = "linear"
intercept_eh_s = 0
slope_eh_s = 20
j_per_th = 18
"#;

fn run_binary(dir: &Path, runs: &str, extra: &[&str]) -> String {
    let sc = dir.join("s.toml");
    std::fs::write(&sc, SCENARIO).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_minesim"))
        .args(["run", "--runs", runs, "--out"])
        .arg(dir.join("out"))
        .args(extra)
        .arg(&sc)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The numbers after `word` on `line`, up to the next word: `mean 0.54`
/// gives [0.54]; `[0.47, 0.61]` gives [0.47, 0.61].
fn numbers_after(line: &str, word: &str) -> Vec<f64> {
    let rest = &line[line
        .find(word)
        .unwrap_or_else(|| panic!("no {word:?} in {line:?}"))
        + word.len()..];
    let mut out = Vec::new();
    for tok in rest.split_whitespace() {
        let t = tok.trim_matches(|c| c == '[' || c == ']' || c == ',');
        match t.parse::<f64>() {
            Ok(v) => out.push(v),
            Err(_) if out.is_empty() => continue,
            Err(_) => break,
        }
    }
    out
}

/// Printed with four significant digits: equal to the file's value to
/// within half a unit of the fourth digit.
fn assert_printed(printed: f64, exact: f64, what: &str) {
    let tol = 0.5 * 10f64.powi(exact.abs().log10().floor() as i32 - 3) * (1.0 + 1e-9);
    assert!(
        (printed - exact).abs() <= tol,
        "{what}: printed {printed}, summary.json {exact}"
    );
}

#[test]
fn headline_quotes_the_batch_statistics_of_summary_json() {
    let tmp = crate::common::tempdir().unwrap();
    let stdout = run_binary(tmp.path(), "12", &[]);
    let summary: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("out/summary.json")).unwrap(),
    )
    .unwrap();
    assert!(stdout.contains("12 run(s)"), "{stdout}");
    let mut checked = 0;
    for (label, key) in [
        ("energy spend / reward", "equilibrium_ratio_energy"),
        ("total cost / reward", "equilibrium_ratio_total"),
        ("energy use, TWh/yr", "equilibrium_energy_twh_per_year"),
        ("hashrate, EH/s", "equilibrium_hashrate_eh_s"),
    ] {
        let line = stdout
            .lines()
            .find(|l| l.trim_start().starts_with(label))
            .unwrap_or_else(|| panic!("no line for {label}: {stdout}"));
        let m = &summary["metrics"][key];
        let f = |k: &str| m[k].as_f64().unwrap();
        // The runs differ (a GBM price), so the interval and range are
        // not one number.
        assert!(f("p5") < f("p95"), "{key}");
        assert!(f("mean_ci95_low") < f("mean_ci95_high"), "{key}");
        assert_printed(numbers_after(line, "mean")[0], f("mean"), key);
        let ci = numbers_after(line, "95 % CI");
        assert_eq!(ci.len(), 2, "{line}");
        assert_printed(ci[0], f("mean_ci95_low"), key);
        assert_printed(ci[1], f("mean_ci95_high"), key);
        let range = numbers_after(line, "p5-p95");
        assert_eq!(range.len(), 2, "{line}");
        assert_printed(range[0], f("p5"), key);
        assert_printed(range[1], f("p95"), key);
        checked += 1;
    }
    assert_eq!(checked, 4);
    // Run 0's own numbers appear only on a line that says so.
    let run0 = &summary["metrics"]["blocks"];
    assert!(run0.is_object());
    for line in stdout.lines().filter(|l| l.contains("blocks")) {
        assert!(line.contains("run 0"), "unlabelled run-0 line: {line}");
    }
    // --quiet prints only the output path.
    let quiet = run_binary(tmp.path(), "12", &["--quiet"]);
    assert_eq!(quiet.lines().count(), 1, "{quiet}");
    assert!(quiet.starts_with("outputs: "), "{quiet}");
    // One run has no interval of the mean.
    let one = run_binary(tmp.path(), "1", &[]);
    let line = one
        .lines()
        .find(|l| l.trim_start().starts_with("total cost / reward"))
        .unwrap();
    assert!(line.contains("95 % CI n/a  p5-p95 ["), "{line}");
}

/// A sweep writes no per-step series, so `--keep-runs` on one is refused
/// (exit 2, nothing written) rather than ignored.
#[test]
fn keep_runs_is_refused_on_a_sweep() {
    let tmp = crate::common::tempdir().unwrap();
    let out = tmp.path().join("out");
    let o = Command::new(env!("CARGO_BIN_EXE_minesim"))
        .args(["run", "scenarios/sweep-volatility.toml", "--runs", "2"])
        .args(["--keep-runs", "2", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.starts_with("error: --keep-runs is not supported for a sweep"),
        "{err}"
    );
    assert!(!out.exists());
}
