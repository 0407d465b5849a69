//! `--set PATH=VALUE` on `run` and `check`: an override means what the
//! same value written into the file means, bad ones are scenario errors
//! with the field path, and the overrides are recorded in summary.json
//! and carried through shards and merge.

use crate::batch::{files, PLAIN, SWEEP};
use minesim::plan::{Overrides, Plan, Set};
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_minesim");

fn minesim(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok(args: &[&str]) -> String {
    let (code, stdout, stderr) = minesim(args);
    assert_eq!(code, Some(0), "minesim {args:?}: {stderr}");
    stdout
}

/// The message of an input error (exit code 2).
fn input_error(args: &[&str]) -> String {
    let (code, _, stderr) = minesim(args);
    assert_eq!(code, Some(2), "minesim {args:?}: {stderr}");
    stderr
}

fn summary(dir: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(dir.join("summary.json")).unwrap()).unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn set_means_the_same_value_written_into_the_file() {
    let t = crate::common::tempdir().unwrap();
    let plain = t.path().join("plain.toml");
    std::fs::write(&plain, PLAIN).unwrap();
    let edited = t.path().join("edited.toml");
    let text = PLAIN
        .replace("volatility_per_year = 0.6", "volatility_per_year = 0.3")
        .replace("slope_eh_s = 20", "slope_eh_s = 25");
    std::fs::write(&edited, text).unwrap();
    let (a, b) = (t.path().join("a"), t.path().join("b"));
    let common = ["--quiet", "--keep-runs", "2", "--threads", "2"];
    let mut args = vec!["run", s(&plain), "--out", s(&a)];
    args.extend([
        "--set",
        "price.volatility_per_year=0.3",
        "--set",
        "hash_supply.slope_eh_s=25",
    ]);
    args.extend(common);
    ok(&args);
    let mut args = vec!["run", s(&edited), "--out", s(&b)];
    args.extend(common);
    ok(&args);

    let (fa, fb) = (files(&a), files(&b));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for name in ["steps.csv", "retargets.csv", "runs.csv", "bands.csv"] {
        assert!(fa[name] == fb[name], "{name} differs");
    }
    // summary.json: the same but for the overrides, recorded after "seed".
    let (mut sa, sb) = (summary(&a), summary(&b));
    let keys: Vec<&String> = sa.as_object().unwrap().keys().take(5).collect();
    assert_eq!(
        keys,
        [
            "minesim_version",
            "scenario",
            "description",
            "seed",
            "overrides"
        ]
    );
    let o = sa
        .as_object_mut()
        .unwrap()
        .shift_remove("overrides")
        .unwrap();
    assert_eq!(
        o,
        serde_json::json!({"price.volatility_per_year": 0.3, "hash_supply.slope_eh_s": 25})
    );
    assert_eq!(sa, sb);
    assert!(sb.get("overrides").is_none());
    assert_eq!(sa["config"]["price"]["volatility_per_year"], 0.3);
}

#[test]
fn bad_overrides_are_scenario_errors_with_the_field_path() {
    let t = crate::common::tempdir().unwrap();
    let plain = t.path().join("plain.toml");
    std::fs::write(&plain, PLAIN).unwrap();
    let out = t.path().join("out");
    let p = s(&plain);
    let cases = [
        (
            "price.volatilty=0.8",
            "--set price.volatilty names no field of the scenario: unknown field `volatilty`",
        ),
        (
            "price.volatility_per_year=20",
            "price.volatility_per_year must be in [0, 10], got 20",
        ),
        (
            "price.volatility_per_year=fast",
            "--set price.volatility_per_year = \"fast\": invalid type: string \"fast\", expected a number",
        ),
        (
            "start.height=-1",
            "--set start.height = -1: invalid value: integer `-1`, expected a non-negative integer",
        ),
        (
            "nosuch.table=1",
            "--set nosuch.table names no field of the scenario: unknown field `nosuch`",
        ),
        (
            "hash_supply.slope_eh_s[0]=1",
            "--set hash_supply.slope_eh_s[0] names no field of the scenario: `hash_supply.slope_eh_s` is not a list",
        ),
    ];
    for (set, want) in cases {
        for cmd in ["run", "check"] {
            let mut args = vec![cmd, p, "--set", set];
            if cmd == "run" {
                args.extend(["--out", s(&out), "--quiet"]);
            }
            let e = input_error(&args);
            let head = format!("error: {p}: invalid scenario:\n  ");
            assert!(e.starts_with(&head), "{set}: {e}");
            assert!(e.contains(want), "{cmd} --set {set}: {e}");
        }
        assert!(!out.exists(), "--set {set}: something was written");
    }
    // Not a path at all: refused by the argument parser.
    let e = input_error(&["check", p, "--set", "price..x=1"]);
    assert!(e.contains("\"price..x\" is not a field path"), "{e}");
    let e = input_error(&["check", p, "--set", "price.volatility_per_year"]);
    assert!(e.contains("is not PATH=VALUE"), "{e}");
    // A syntax error of the file itself keeps its line and column.
    let broken = t.path().join("broken.toml");
    std::fs::write(&broken, PLAIN.replace("years = 2", "years = ")).unwrap();
    let e = input_error(&["check", s(&broken), "--set", "seed=3"]);
    assert!(
        e.starts_with(&format!("error: {}:10:9: ", s(&broken))),
        "{e}"
    );
}

#[test]
fn overrides_apply_before_defaults_validation_and_sweeps() {
    let dir = Path::new("plain.toml");
    let set = |args: &[&str]| Overrides {
        set: args.iter().map(|a| Set::parse(a).unwrap()).collect(),
        ..Overrides::default()
    };
    // A range error in the file can be overridden; integers stay integers.
    let bad = PLAIN.replace("volatility_per_year = 0.6", "volatility_per_year = 20");
    assert!(Plan::new(dir, bad.clone(), &Overrides::default(), 1).is_err());
    let p = Plan::new(
        dir,
        bad,
        &set(&["price.volatility_per_year=0.5", "runs=3", "name=renamed"]),
        1,
    )
    .unwrap();
    assert_eq!(p.base.runs, 3);
    assert_eq!(p.base.name, "renamed");
    assert_eq!(p.layout.runs_per_point, 3);
    // A whole table can be replaced (here: switching the price model).
    let p = Plan::new(
        dir,
        PLAIN.to_string(),
        &set(&["price={ model = \"constant\", price_usd = 50000 }"]),
        1,
    )
    .unwrap();
    let price = serde_json::to_value(&p.base.price).unwrap();
    assert_eq!(
        price,
        serde_json::json!({"model": "constant", "price_usd": 50000.0})
    );
    // Every sweep point sees the override; the sweep itself can be set.
    let text = format!("{PLAIN}{SWEEP}");
    let p = Plan::new(
        dir,
        text.clone(),
        &set(&["hash_supply.intercept_eh_s=1"]),
        1,
    )
    .unwrap();
    let sw = p.sweep.unwrap();
    assert_eq!(sw.scenarios.len(), 6);
    for sc in &sw.scenarios {
        let h = serde_json::to_value(&sc.hash_supply).unwrap();
        assert_eq!(h["intercept_eh_s"], 1.0);
    }
    let p = Plan::new(
        dir,
        text.clone(),
        &set(&["sweep.parameters[0].values=[0.1, 0.2, 0.4]"]),
        1,
    )
    .unwrap();
    assert_eq!(p.layout.points, 9);
    let e = Plan::new(
        dir,
        text,
        &set(&["sweep.parameters[0].values=[0.1, 99]"]),
        1,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("sweep point 3 (price.volatility_per_year = 99, hash_supply.slope_eh_s = 20): price.volatility_per_year must be in [0, 10], got 99"),
        "{e}"
    );
}

#[test]
fn shards_carry_the_overrides_to_merge() {
    let t = crate::common::tempdir().unwrap();
    let plain = t.path().join("plain.toml");
    std::fs::write(&plain, PLAIN).unwrap();
    let p = s(&plain);
    let (single, parts, merged) = (t.path().join("1"), t.path().join("p"), t.path().join("m"));
    let set = ["--set", "price.drift_per_year=0.3", "--quiet"];
    let mut a = vec!["run", p, "--out", s(&single)];
    a.extend(set);
    ok(&a);
    for k in ["0/2", "1/2"] {
        let mut a = vec!["run", p, "--out", s(&parts), "--shard", k];
        a.extend(set);
        ok(&a);
    }
    ok(&["merge", "--out", s(&merged), s(&parts), "--quiet"]);
    let (fa, fb) = (files(&single), files(&merged));
    assert_eq!(fa.keys().collect::<Vec<_>>(), fb.keys().collect::<Vec<_>>());
    for (name, bytes) in &fa {
        assert!(bytes == &fb[name], "{name} differs after merge");
    }
    assert_eq!(summary(&merged)["overrides"]["price.drift_per_year"], 0.3);
    // A shard computed with other overrides is another batch.
    let other = t.path().join("other");
    ok(&["run", p, "--out", s(&other), "--shard", "1/2", "--quiet"]);
    std::fs::copy(
        other.join("partial-1-of-2.bin"),
        parts.join("partial-1-of-2.bin"),
    )
    .unwrap();
    let e = input_error(&["merge", "--out", s(&merged), s(&parts)]);
    assert!(e.contains("--set differs"), "{e}");
}
