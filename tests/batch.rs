//! Batches, sweeps, shards, merge and resume: every way of computing a
//! batch must write the same bytes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_minesim");

/// A fast scenario: reduced-form hash supply, 2 years of weekly steps.
pub(crate) const PLAIN: &str = r#"
name = "plain"
seed = 11
runs = 10
[start]
date = "2026-01-01"
height = 930342
difficulty = 148258433698386
[simulation]
years = 2
step_days = 7
[price]
model = "gbm"
start_price_usd = 88684
drift_per_year = 0.1
volatility_per_year = 0.6
[fees]
model = "btc_per_block"
btc_per_block = 0.03
[hash_supply]
model = "linear"
intercept_eh_s = 0
slope_eh_s = 20
j_per_th = 18
"#;

pub(crate) const SWEEP: &str = r#"
[sweep]
mode = "grid"
[[sweep.parameters]]
path = "price.volatility_per_year"
values = [0.6, 0.3]
[[sweep.parameters]]
path = "hash_supply.slope_eh_s"
linear = { from = 20, to = 30, count = 3 }
"#;

pub(crate) fn write_scenario(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

/// Runs the binary; its exit code and stderr.
fn run(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(BIN)
        .args(args)
        .output()
        .expect("minesim binary runs");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

pub(crate) fn ok(args: &[&str]) {
    let (code, stderr) = run(args);
    assert_eq!(code, Some(0), "minesim {args:?} failed: {stderr}");
}

/// The message of an input error (exit code 2, `error: ` on stderr).
pub(crate) fn input_error(args: &[&str]) -> String {
    let (code, stderr) = run(args);
    assert_eq!(
        code,
        Some(2),
        "expected an input error from {args:?}, got: {stderr}"
    );
    let m = stderr.trim_end();
    m.strip_prefix("error: ")
        .unwrap_or_else(|| panic!("expected `error: ...` from {args:?}, got: {m}"))
        .to_string()
}

/// Every file of a folder (not hidden ones), by name.
pub(crate) fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.path().is_file())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .filter(|(n, _)| !n.starts_with('.') && !n.starts_with("partial-"))
        .collect()
}

pub(crate) fn assert_same_outputs(a: &Path, b: &Path) {
    let (fa, fb) = (files(a), files(b));
    assert_eq!(
        fa.keys().collect::<Vec<_>>(),
        fb.keys().collect::<Vec<_>>(),
        "{} vs {}",
        a.display(),
        b.display()
    );
    for (name, bytes) in &fa {
        assert!(
            bytes == &fb[name],
            "{name} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

pub(crate) fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Runs `runs` runs of a scenario quietly, with `extra` arguments.
fn run_quiet(sc: &Path, runs: &str, extra: &[&str]) {
    let mut a = vec!["run", s(sc), "--runs", runs, "--quiet"];
    a.extend_from_slice(extra);
    ok(&a);
}

#[test]
fn plain_batch_bytes_do_not_depend_on_threads_or_shards() {
    let t = crate::common::tempdir().unwrap();
    let sc = write_scenario(t.path(), "plain.toml", PLAIN);
    let out = |n: &str| t.path().join(n);
    let common = ["--keep-runs", "2", "--quiet"];
    let with = |extra: &[&str]| {
        let mut a = vec!["run", s(&sc)];
        a.extend_from_slice(&common);
        a.extend_from_slice(extra);
        ok(&a);
    };
    with(&["--threads", "1", "--out", s(&out("t1"))]);
    with(&["--threads", "2", "--out", s(&out("t2"))]);
    for k in 0..2 {
        with(&["--shard", &format!("{k}/2"), "--out", s(&out("p2"))]);
    }
    // Three shards in three folders, merged from the files and folders.
    for k in 0..3 {
        with(&[
            "--shard",
            &format!("{k}/3"),
            "--out",
            s(&out(&format!("p3-{k}"))),
        ]);
    }
    // More shards than runs: some are empty (the first, and some between).
    for k in 0..12 {
        with(&["--shard", &format!("{k}/12"), "--out", s(&out("p12"))]);
    }
    ok(&["merge", "--quiet", "--out", s(&out("m2")), s(&out("p2"))]);
    ok(&["merge", "--quiet", "--out", s(&out("m12")), s(&out("p12"))]);
    ok(&[
        "merge",
        "--quiet",
        "--out",
        s(&out("m3")),
        s(&out("p3-0")),
        s(&out("p3-1").join("partial-1-of-3.bin")),
        s(&out("p3-2")),
    ]);
    let names: Vec<String> = files(&out("t1")).into_keys().collect();
    for f in [
        "bands.csv",
        "runs.csv",
        "steps.csv",
        "retargets.csv",
        "summary.json",
    ] {
        assert!(names.contains(&f.to_string()), "{f} missing: {names:?}");
    }
    // The kept runs (0 and 1) are stacked in steps.csv, `run` first.
    let steps = std::fs::read_to_string(out("t1").join("steps.csv")).unwrap();
    assert!(steps.starts_with("run,step,date,"), "{}", &steps[..40]);
    let runs_in_steps: std::collections::BTreeSet<&str> = steps
        .lines()
        .skip(1)
        .filter_map(|l| l.split(',').next())
        .collect();
    assert_eq!(runs_in_steps.into_iter().collect::<Vec<_>>(), ["0", "1"]);
    assert!(
        !names.iter().any(|n| n.starts_with("steps-run")),
        "{names:?}"
    );
    assert_same_outputs(&out("t1"), &out("t2"));
    assert_same_outputs(&out("t1"), &out("m2"));
    assert_same_outputs(&out("t1"), &out("m3"));
    assert_same_outputs(&out("t1"), &out("m12"));
    // 10 runs: one header line and ten rows.
    let runs = std::fs::read_to_string(out("t1").join("runs.csv")).unwrap();
    assert_eq!(runs.lines().count(), 11);
    let summary = std::fs::read_to_string(out("t1").join("summary.json")).unwrap();
    for word in ["thread", "shard", "time\""] {
        assert!(!summary.contains(word), "summary.json mentions {word}");
    }
}

#[test]
fn sweep_bytes_do_not_depend_on_threads_or_shards() {
    let t = crate::common::tempdir().unwrap();
    let sc = write_scenario(t.path(), "sw.toml", &format!("{PLAIN}{SWEEP}"));
    let plain = write_scenario(t.path(), "plain.toml", PLAIN);
    let out = |n: &str| t.path().join(n);
    let runs = ["--runs", "3", "--quiet"];
    let with = |extra: &[&str]| {
        let mut a = vec!["run", s(&sc)];
        a.extend_from_slice(&runs);
        a.extend_from_slice(extra);
        ok(&a);
    };
    with(&["--threads", "1", "--out", s(&out("t1"))]);
    with(&["--threads", "2", "--out", s(&out("t2"))]);
    for k in 0..4 {
        with(&["--shard", &format!("{k}/4"), "--out", s(&out("p4"))]);
    }
    ok(&["merge", "--quiet", "--out", s(&out("m4")), s(&out("p4"))]);
    assert_eq!(
        files(&out("t1")).into_keys().collect::<Vec<_>>(),
        vec![
            "points.csv",
            "report.html",
            "runs.csv",
            "summary.json",
            "sweep_energy.png",
            "sweep_energy.svg",
            "sweep_energy_ratio.png",
            "sweep_energy_ratio.svg",
            "sweep_hashrate.png",
            "sweep_hashrate.svg",
            "sweep_ratio.png",
            "sweep_ratio.svg",
        ]
    );
    assert_same_outputs(&out("t1"), &out("t2"));
    assert_same_outputs(&out("t1"), &out("m4"));

    let points = std::fs::read_to_string(out("t1").join("points.csv")).unwrap();
    let lines: Vec<&str> = points.lines().collect();
    assert_eq!(lines.len(), 7, "{points}");
    assert!(lines[0].starts_with(
        "point,price_volatility_per_year,hash_supply_slope_eh_s,runs,equilibrium_ratio_energy_mean,equilibrium_ratio_energy_ci95_low,equilibrium_ratio_energy_ci95_high,equilibrium_ratio_energy_p5,equilibrium_ratio_energy_p50,equilibrium_ratio_energy_p95,"
    ));
    assert!(lines[0].contains("equilibrium_attack_energy_usd_per_hour_p95"));
    assert!(lines[2].starts_with("1,0.6,25,3,"), "{}", lines[2]);
    assert!(lines[4].starts_with("3,0.3,20,3,"), "{}", lines[4]);

    // Point 0 has the base values, and its runs use streams 0, 1, 2: the
    // same numbers as runs 0..3 of the plain batch.
    ok(&[
        "run",
        s(&plain),
        "--runs",
        "3",
        "--quiet",
        "--out",
        s(&out("plain")),
    ]);
    let sweep_runs = std::fs::read_to_string(out("t1").join("runs.csv")).unwrap();
    let plain_runs = std::fs::read_to_string(out("plain").join("runs.csv")).unwrap();
    assert_eq!(sweep_runs.lines().count(), 1 + 6 * 3);
    for (sw, pl) in sweep_runs.lines().skip(1).zip(plain_runs.lines().skip(1)) {
        // Sweep rows: point, run, 2 parameters, then the plain row's
        // scalars (after its run column).
        let sw_tail: Vec<&str> = sw.split(',').skip(4).collect();
        let pl_tail: Vec<&str> = pl.split(',').skip(1).collect();
        assert_eq!(sw_tail, pl_tail);
    }
}

#[test]
fn merge_rejects_partials_that_do_not_fit() {
    let t = crate::common::tempdir().unwrap();
    let sc = write_scenario(t.path(), "plain.toml", PLAIN);
    let out = |n: &str| t.path().join(n);
    let shard = |k: &str, dir: &str, seed: &str| {
        run_quiet(
            &sc,
            "4",
            &["--seed", seed, "--shard", k, "--out", s(&out(dir))],
        )
    };
    shard("0/3", "a", "1");
    shard("2/3", "a", "1");
    shard("2/3", "b", "1");
    shard("1/3", "c", "2");
    shard("1/2", "d", "1");
    let merge = |inputs: &[&str]| {
        let o = out("m");
        let mut a = vec!["merge", "--quiet", "--out", s(&o)];
        a.extend_from_slice(inputs);
        input_error(&a)
    };
    let e = merge(&[s(&out("a"))]);
    assert!(e.contains("missing shard(s) 1/3"), "{e}");
    let e = merge(&[s(&out("a")), s(&out("b"))]);
    assert!(e.contains("shard 2/3 is given twice"), "{e}");
    let e = merge(&[s(&out("a")), s(&out("c"))]);
    assert!(
        e.contains("belong to different batches: seed differs"),
        "{e}"
    );
    let e = merge(&[s(&out("a")), s(&out("d"))]);
    assert!(e.contains("from the same --shard K/3 split"), "{e}");
    let e = merge(&[s(&out("nowhere"))]);
    assert!(e.contains("no such file or folder"), "{e}");
    assert!(!out("m").exists());
}

/// Partial files of another format version, the old JSON ones and
/// damaged ones are refused with exit code 2 and a message saying which.
#[test]
fn merge_refuses_other_formats_and_damaged_partials() {
    let t = crate::common::tempdir().unwrap();
    let sc = write_scenario(t.path(), "plain.toml", PLAIN);
    let out = |n: &str| t.path().join(n);
    run_quiet(&sc, "4", &["--shard", "0/1", "--out", s(&out("p"))]);
    let good = std::fs::read(out("p").join("partial-0-of-1.bin")).unwrap();
    assert_eq!(&good[..8], b"MINESIMP");
    assert_eq!(&good[8..12], &3u32.to_le_bytes());
    let merge_of = |name: &str, bytes: &[u8]| {
        let dir = out(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("partial-0-of-1.bin"), bytes).unwrap();
        input_error(&["merge", "--quiet", "--out", s(&out("m")), s(&dir)])
    };
    let mut v4 = good.clone();
    v4[8..12].copy_from_slice(&4u32.to_le_bytes());
    let e = merge_of("v4", &v4);
    assert!(
        e.contains("partial format version 4, but this minesim reads version 3 only"),
        "{e}"
    );
    let e = merge_of(
        "json",
        b"{\"format\":\"minesim-partial\",\"format_version\":1}",
    );
    assert!(e.contains("old JSON format (version 1)"), "{e}");
    let e = merge_of("other", b"steps,price\n1,2\n");
    assert!(e.contains("not a minesim partial file"), "{e}");
    let e = merge_of("cut", &good[..good.len() - 100]);
    assert!(e.contains("damaged partial file"), "{e}");
    let mut flipped = good.clone();
    let at = good.len() - 5000;
    flipped[at] ^= 0x55;
    let e = merge_of("flipped", &flipped);
    assert!(e.contains("damaged partial file"), "{e}");
    // A folder of old-format files only says so.
    std::fs::create_dir_all(out("old")).unwrap();
    std::fs::write(out("old").join("partial-0-of-1.json"), b"{}").unwrap();
    let e = input_error(&["merge", "--quiet", "--out", s(&out("m")), s(&out("old"))]);
    assert!(
        e.contains("only partial files of the old JSON format"),
        "{e}"
    );
    assert!(!out("m").exists());
    // The good file still merges, to the one-machine bytes.
    ok(&["merge", "--quiet", "--out", s(&out("m")), s(&out("p"))]);
    run_quiet(&sc, "4", &["--out", s(&out("one"))]);
    assert_same_outputs(&out("one"), &out("m"));
}

#[test]
fn bad_arguments_exit_2() {
    let t = crate::common::tempdir().unwrap();
    let sc = write_scenario(t.path(), "plain.toml", PLAIN);
    for shard in ["2/2", "1", "x/3", "-1/2"] {
        let st = Command::new(BIN)
            .args(["run", s(&sc), "--quiet", "--shard", shard])
            .current_dir(t.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .unwrap();
        assert_eq!(st.code(), Some(2), "--shard {shard}");
    }
    let st = Command::new(BIN)
        .args(["merge", "--out", "x", s(&t.path().join("none"))])
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(2));
}

#[test]
fn resume_rejects_a_checkpoint_of_another_batch() {
    let t = crate::common::tempdir().unwrap();
    let sc = write_scenario(t.path(), "plain.toml", PLAIN);
    let out = t.path().join("o");
    run_quiet(&sc, "4", &["--shard", "0/2", "--out", s(&out)]);
    std::fs::create_dir_all(out.join(".partials")).unwrap();
    std::fs::rename(
        out.join("partial-0-of-2.bin"),
        out.join(".partials/checkpoint-all.bin"),
    )
    .unwrap();
    let e = input_error(&[
        "run",
        s(&sc),
        "--runs",
        "4",
        "--quiet",
        "--resume",
        "--out",
        s(&out),
    ]);
    assert!(e.contains("belongs to another batch"), "{e}");
}

/// A batch killed with SIGKILL after some checkpoints, then rerun with
/// `--resume`, writes the same bytes as an uninterrupted run.
#[test]
fn killed_batch_resumes_to_identical_outputs() {
    let t = crate::common::tempdir().unwrap();
    // Daily steps over 1 year and 448 runs (7 chunks of 64): long enough
    // that the child is still running when the first checkpoint appears.
    let text = PLAIN
        .replace("years = 2\nstep_days = 7", "years = 1\nstep_days = 1")
        .replace("runs = 10", "runs = 448");
    let sc = write_scenario(t.path(), "long.toml", &text);
    let killed = t.path().join("killed");
    let checkpoint = killed.join(".partials/checkpoint-all.bin");
    let args = |out: &Path| {
        vec![
            "run".to_string(),
            s(&sc).to_string(),
            "--threads".into(),
            "1".into(),
            "--checkpoint-every".into(),
            "0".into(),
            "--quiet".into(),
            "--out".into(),
            s(out).to_string(),
        ]
    };
    let mut child = Command::new(BIN)
        .args(args(&killed))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while !checkpoint.exists() {
        assert!(
            child.try_wait().unwrap().is_none(),
            "the batch finished before its first checkpoint"
        );
        assert!(start.elapsed() < Duration::from_secs(60), "no checkpoint");
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    assert!(!killed.join("summary.json").exists(), "killed too late");

    let mut resumed_args = args(&killed);
    resumed_args.push("--resume".into());
    let resumed = Command::new(BIN).args(&resumed_args).output().unwrap();
    assert!(resumed.status.success(), "{resumed:?}");
    let stderr = String::from_utf8_lossy(&resumed.stderr);
    assert!(stderr.contains("resuming from"), "{stderr}");
    assert!(stderr.contains("of 448 runs already done"), "{stderr}");
    assert!(!killed.join(".partials").exists(), ".partials left behind");

    let whole = t.path().join("whole");
    let mut whole_args = args(&whole);
    whole_args[3] = "2".into(); // two threads: same bytes
    let st = Command::new(BIN)
        .args(&whole_args)
        .stdout(Stdio::null())
        .status()
        .unwrap();
    assert!(st.success());
    assert_same_outputs(&whole, &killed);

    // Ctrl-C: the batch stops after the chunk in flight, saves a
    // checkpoint, exits with 130 and says how to resume.
    #[cfg(unix)]
    {
        let stopped = t.path().join("stopped");
        let checkpoint = stopped.join(".partials/checkpoint-all.bin");
        let child = Command::new(BIN)
            .args(args(&stopped))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let start = Instant::now();
        while !checkpoint.exists() {
            assert!(start.elapsed() < Duration::from_secs(60), "no checkpoint");
            std::thread::sleep(Duration::from_millis(2));
        }
        let sent = Command::new("kill")
            .args(["-INT", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success(), "kill -INT failed");
        let done = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&done.stderr);
        if done.status.code() == Some(130) {
            assert!(
                stderr.contains("rerun the same command with --resume"),
                "{stderr}"
            );
            assert!(checkpoint.exists());
            let mut resumed_args = args(&stopped);
            resumed_args.push("--resume".into());
            let st = Command::new(BIN)
                .args(&resumed_args)
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .unwrap();
            assert!(st.success());
        } else {
            // The signal arrived after the last chunk: the run completed.
            assert!(done.status.success(), "{done:?}");
        }
        assert_same_outputs(&whole, &stopped);
    }
}

#[test]
fn a_one_run_batch_has_exact_quantiles() {
    // With one run every band quantile is that run's value, exactly as in
    // steps.csv (the sketch alone would be up to 0.5 % off).
    let t = crate::common::tempdir().unwrap();
    let sc = write_scenario(t.path(), "plain.toml", PLAIN);
    let out = t.path().join("one");
    run_quiet(&sc, "1", &["--out", s(&out)]);
    let read = |name: &str| {
        let text = std::fs::read_to_string(out.join(name)).unwrap();
        let mut lines = text.lines();
        let head: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
        let rows: Vec<Vec<String>> = lines
            .map(|l| l.split(',').map(String::from).collect())
            .collect();
        (head, rows)
    };
    let (sh, steps) = read("steps.csv");
    let (bh, bands) = read("bands.csv");
    let col = |h: &[String], n: &str| h.iter().position(|c| c == n).unwrap();
    let (b_step, b_metric) = (col(&bh, "step"), col(&bh, "metric"));
    let qs: Vec<usize> = ["p5", "p25", "p50", "p75", "p95"]
        .iter()
        .map(|q| col(&bh, q))
        .collect();
    let mut checked = 0;
    for row in &bands {
        let Some(c) = sh.iter().position(|h| *h == row[b_metric]) else {
            continue;
        };
        let step: usize = row[b_step].parse().unwrap();
        let want = &steps[step][c];
        for &q in &qs {
            if want.is_empty() {
                assert!(
                    row[q].is_empty(),
                    "{} at step {step}: {}",
                    row[b_metric],
                    row[q]
                );
            } else {
                let (w, g): (f64, f64) = (want.parse().unwrap(), row[q].parse().unwrap());
                assert_eq!(g, w, "{} at step {step}: band {g}, run {w}", row[b_metric]);
            }
        }
        checked += 1;
    }
    assert!(checked > 100, "only {checked} cells compared");
}

#[test]
fn a_sweep_summary_carries_the_scenario_as_run() {
    // Like a batch's: the base scenario with its defaults (`config`) and
    // the world electricity the shares are taken of.
    let t = crate::common::tempdir().unwrap();
    let sc = write_scenario(t.path(), "sw.toml", &format!("{PLAIN}{SWEEP}"));
    let out = t.path().join("sw");
    run_quiet(&sc, "2", &["--out", s(&out)]);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(v["world_electricity_twh_per_year"].as_f64(), Some(30_500.0));
    assert_eq!(v["config"]["name"], v["scenario"]);
    assert!(
        v["config"]["simulation"]["years"].as_f64().is_some(),
        "{}",
        v["config"]
    );
    assert_eq!(v["runs_per_point"].as_u64(), Some(2));
}
