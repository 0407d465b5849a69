//! Hostile input and faults (issue 15): data files that are not regular
//! files, too big, or not CSV at all, and messages that quote none of
//! their lines; charts of degenerate ranges; no `inf` or `NaN` in any
//! output file; output folders written whole (staging, stale files, a
//! file in the way, a read-only folder, `--resume` without a checkpoint).

use crate::common::{output_within, tempdir, TempDir};
use minesim::chart::{
    histogram_svg_string, time_chart_svg_string, xy_chart_svg_string, HistogramChart, Panel,
    Series, TimeChart, XyChart, XyLine,
};
use minesim::output::folder;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_minesim");

/// Runs the binary with `args`, killing it (and failing) after `secs`.
fn minesim(args: &[&str], secs: u64) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    output_within(cmd, secs)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A reduced-form scenario of 30 days whose price replays `path`
/// (columns `date_column`, `column`).
fn replay_scenario(path: &str, date_column: &str, column: &str) -> String {
    format!(
        r#"
name = "replay-input"
[start]
date = "2020-01-01"
height = 610000
difficulty = 13798783827516
[simulation]
years = 0.08
[price]
model = "replay"
path = "{path}"
date_column = "{date_column}"
column = "{column}"
[hash_supply]
model = "linear"
intercept_eh_s = 0
slope_eh_s = 20
"#
    )
}

/// `check` of a scenario (written into `dir`) replaying `path`: exit code
/// and stderr.
fn check_replay(dir: &TempDir, path: &str, date_column: &str, column: &str) -> (i32, String) {
    let sc = dir.path().join("replay.toml");
    fs::write(&sc, replay_scenario(path, date_column, column)).unwrap();
    let o = minesim(&["check", sc.to_str().unwrap()], 30);
    (o.status.code().unwrap_or(-1), stderr(&o))
}

#[test]
fn data_files_must_be_regular_files_under_the_limit() {
    let dir = tempdir().unwrap();
    // A folder.
    let (code, err) = check_replay(&dir, dir.path().to_str().unwrap(), "time", "PriceUSD");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("price.path") && err.contains("a directory"),
        "{err}"
    );
    // A device that never ends: refused before a byte is read.
    if Path::new("/dev/zero").exists() {
        let (code, err) = check_replay(&dir, "/dev/zero", "time", "PriceUSD");
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("price.path") && err.contains("character device"),
            "{err}"
        );
    }
    // A FIFO with no writer: opening it would block forever.
    let fifo = dir.path().join("fifo");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if made.is_ok_and(|s| s.success()) {
        let (code, err) = check_replay(&dir, fifo.to_str().unwrap(), "time", "PriceUSD");
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("price.path") && err.contains("FIFO"), "{err}");
    } else {
        eprintln!("skipped the FIFO case: mkfifo is not available");
    }
    // A (sparse) file one byte over 256 MiB.
    let big = dir.path().join("big.csv");
    fs::File::create(&big)
        .unwrap()
        .set_len(minesim::scenario::data::MAX_DATA_FILE_BYTES + 1)
        .unwrap();
    let (code, err) = check_replay(&dir, big.to_str().unwrap(), "time", "PriceUSD");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("price.path") && err.contains("more than the limit"),
        "{err}"
    );
}

#[test]
fn messages_quote_no_line_of_a_data_file() {
    let dir = tempdir().unwrap();
    let write = |name: &str, text: &str| {
        let p = dir.path().join(name);
        fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    // A password file: its first line as the date column, so that the
    // second line would be parsed as a date.
    let first = "root:x:0:0:root:/root:/bin/bash";
    let passwd = write(
        "passwd",
        &format!("{first}\nsecret:$6$saltsalt$hash:19000:0:99999:7:::\n"),
    );
    for (date_col, col) in [("time", "PriceUSD"), (first, first)] {
        let (code, err) = check_replay(&dir, &passwd, date_col, col);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("is not a CSV header"), "{err}");
        assert!(!err.contains("secret") && !err.contains("$6$"), "{err}");
        assert!(!err.contains("root:x"), "{err}");
    }
    // KEY=value lines (an environment file) and NUL-separated ones.
    for (name, text) in [
        ("env", "TOKEN=abcdef,OTHER=ghijkl\nX=1,Y=2\n"),
        ("environ", "HOME=/root\0SECRET=abc\0"),
    ] {
        let p = write(name, text);
        let (code, err) = check_replay(&dir, &p, "time", "PriceUSD");
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("is not a CSV header"), "{err}");
        assert!(!err.contains("abc") && !err.contains("TOKEN"), "{err}");
    }
    // A real CSV header: its names are listed, the cells never.
    let cells = write(
        "cells.csv",
        "time,PriceUSD\n2020-01-01,hunter2\n2020-01-02,5\n",
    );
    let (code, err) = check_replay(&dir, &cells, "time", "PriceUSD");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("line 2") && err.contains("PriceUSD") && err.contains("not a number"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
    let dates = write("dates.csv", "time,PriceUSD\nhunter2,1\n");
    let (_, err) = check_replay(&dir, &dates, "time", "PriceUSD");
    assert!(err.contains("line 2") && !err.contains("hunter2"), "{err}");
    // Many long column names: the first eight, cut to 40 characters.
    let names: Vec<String> = (0..12)
        .map(|i| format!("column_{i:02}_{}", "x".repeat(50)))
        .collect();
    let wide = write("wide.csv", &format!("{}\n", names.join(",")));
    let (code, err) = check_replay(&dir, &wide, "time", "PriceUSD");
    assert_eq!(code, 2, "{err}");
    let listed = err
        .split("available columns: ")
        .nth(1)
        .unwrap_or_else(|| panic!("{err}"))
        .trim();
    let items: Vec<&str> = listed.split(", ").collect();
    assert_eq!(items.len(), 9, "{listed}");
    assert_eq!(items[8], "and 4 more");
    assert!(
        items[..8].iter().all(|n| n.chars().count() <= 40),
        "{listed}"
    );
    assert!(
        items[0].starts_with("column_00_") && !listed.contains("column_08"),
        "{listed}"
    );
}

#[test]
fn charts_of_degenerate_ranges_render() {
    let x: Vec<f64> = (0..50).map(|i| 2020.0 + i as f64 / 50.0).collect();
    // A constant price with rounding noise (a few ULPs): used to make the
    // tick generator loop without end.
    let noisy: Vec<f64> = (0..50)
        .map(|i| {
            if i % 2 == 0 {
                5400.0
            } else {
                5400f64.next_up()
            }
        })
        .collect();
    let series = |y: Vec<f64>| Series {
        label: "s".into(),
        y,
        ..Default::default()
    };
    for log_y in [false, true] {
        for y in [
            noisy.clone(),
            vec![1.48e14; 50],
            vec![0.0; 50],
            vec![f64::NAN; 50],
            (0..50)
                .map(|i| if i == 7 { 3.0 } else { f64::NAN })
                .collect(),
        ] {
            let chart = TimeChart {
                title: "degenerate".into(),
                x: x.clone(),
                panels: vec![Panel {
                    y_label: "y".into(),
                    log_y,
                    series: vec![series(y)],
                    ..Default::default()
                }],
                ..Default::default()
            };
            let svg = time_chart_svg_string(&chart).unwrap();
            assert!(!svg.contains("NaN"), "log {log_y}");
        }
    }
    // One point in time.
    let one = TimeChart {
        title: "one step".into(),
        x: vec![2020.0],
        panels: vec![Panel {
            series: vec![series(vec![42.0])],
            ..Default::default()
        }],
        ..Default::default()
    };
    assert!(time_chart_svg_string(&one).unwrap().contains("one step"));
    for values in [vec![0.8; 100], noisy.clone(), vec![1e17], Vec::new()] {
        let h = HistogramChart {
            title: "h".into(),
            markers: vec![("mean".into(), values.first().copied().unwrap_or(f64::NAN))],
            values,
            ..Default::default()
        };
        histogram_svg_string(&h).unwrap();
    }
    for log in [false, true] {
        let xy = XyChart {
            title: "xy".into(),
            log_x: log,
            log_y: log,
            lines: vec![XyLine {
                x: vec![0.5, 0.5f64.next_up()],
                y: vec![5400.0, 5400f64.next_up()],
                y_lower: Some(vec![5400.0; 2]),
                y_upper: Some(vec![5400.0; 2]),
                ..Default::default()
            }],
            ..Default::default()
        };
        xy_chart_svg_string(&xy).unwrap();
    }
}

/// Tokens of `text` that spell a non-finite number.
fn non_finite_tokens(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| matches!(t.to_ascii_lowercase().as_str(), "inf" | "infinity" | "nan"))
        .map(str::to_string)
        .collect()
}

/// Every file of `dir`, recursively.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Writes `text` with `edits` (`(line start, new line)`) applied.
fn perturbed(src: &str, edits: &[(&str, &str)]) -> String {
    let mut text = fs::read_to_string(src).unwrap();
    for (start, line) in edits {
        let at = text
            .lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("{src}: no line starting with {start}"))
            .to_string();
        text = text.replacen(&at, line, 1);
    }
    text
}

#[test]
fn no_output_file_holds_inf_or_nan() {
    let dir = tempdir().unwrap();
    let cases: Vec<(&str, String)> = vec![
        (
            "noda-flat",
            perturbed(
                "scenarios/q8a-noda-sigmoid-retarget.toml",
                &[
                    ("volatility_per_year", "volatility_per_year = 0"),
                    ("years", "years = 0.1"),
                ],
            ),
        ),
        (
            "tiny-world",
            // The lowest world electricity allowed.
            perturbed("scenarios/curve-gbm.toml", &[])
                + "[world]\nelectricity_twh_per_year = 1.0000001\n",
        ),
        (
            "one-step",
            perturbed(
                "scenarios/curve-gbm.toml",
                &[("years", "years = 0.01\nstep_days = 4")],
            ),
        ),
        (
            "fee-only",
            perturbed("scenarios/q4-fee-only.toml", &[("years", "years = 1")]),
        ),
        (
            "sweep",
            fs::read_to_string("scenarios/sweep-volatility.toml").unwrap(),
        ),
    ];
    for (name, text) in &cases {
        let sc = dir.path().join(format!("{name}.toml"));
        fs::write(&sc, text).unwrap();
        let out = dir.path().join(format!("out-{name}"));
        let o = minesim(
            &[
                "run",
                sc.to_str().unwrap(),
                "--runs",
                "3",
                "--quiet",
                "--out",
                out.to_str().unwrap(),
            ],
            300,
        );
        assert!(o.status.success(), "{name}: {}", stderr(&o));
        let files = files_under(&out);
        assert!(files.len() > 5, "{name}: {files:?}");
        for f in files {
            let bytes = fs::read(&f).unwrap();
            if f.extension().is_some_and(|e| e == "png") {
                continue;
            }
            let bad = non_finite_tokens(&String::from_utf8_lossy(&bytes));
            assert!(bad.is_empty(), "{}: {bad:?}", f.display());
        }
    }
    // Below the validated bound, refused with the field path and range
    // (it used to write `inf` into steps.csv).
    let text =
        perturbed("scenarios/curve-gbm.toml", &[]) + "[world]\nelectricity_twh_per_year = 1e-320\n";
    let sc = dir.path().join("denormal.toml");
    fs::write(&sc, text).unwrap();
    let o = minesim(&["check", sc.to_str().unwrap()], 30);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("world.electricity_twh_per_year must be in (1, 10000000]"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn the_token_scan_finds_non_finite_numbers() {
    assert_eq!(non_finite_tokens("1,inf,2"), ["inf"]);
    assert_eq!(non_finite_tokens("x=\"NaN\" y=-inf"), ["NaN", "inf"]);
    assert!(non_finite_tokens("information, infinite, nano, 1e-7").is_empty());
}

/// Names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn run_into(scenario: &str, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        scenario,
        "--runs",
        "2",
        "--quiet",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    minesim(&args, 300)
}

#[test]
fn a_reused_output_folder_holds_only_this_runs_files_and_the_users() {
    let root = tempdir().unwrap();
    let out = root.path().join("out");
    let o = run_into("scenarios/baseline.toml", &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(out.join("fleet.csv").exists());
    // The user's file, and what killed runs leave behind.
    fs::write(out.join("notes.txt"), "mine").unwrap();
    let dead = u32::MAX - 1;
    fs::write(out.join(format!(".fleet.csv.tmp-{dead}")), "half").unwrap();
    fs::write(out.join(format!(".energy.tmp-{dead}-0.png")), "half").unwrap();
    fs::create_dir(root.path().join(format!(".out.staging-{dead}"))).unwrap();
    // A reduced-form scenario into the same folder: no fleet.csv.
    let o = run_into("scenarios/curve-gbm.toml", &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let fresh = root.path().join("fresh");
    let o = run_into("scenarios/curve-gbm.toml", &fresh, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let mut want = names(&fresh);
    want.push("notes.txt".into());
    want.sort();
    assert_eq!(names(&out), want);
    assert_eq!(fs::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    for f in names(&fresh) {
        assert_eq!(
            fs::read(out.join(&f)).unwrap(),
            fs::read(fresh.join(&f)).unwrap(),
            "{f}"
        );
    }
    assert_eq!(names(root.path()), ["fresh", "out"]);
    // Every file a run or merge writes is one of the tool's own kinds (so
    // a later run can replace it); a sweep's too.
    let sweep = root.path().join("sweep");
    let o = run_into("scenarios/sweep-volatility.toml", &sweep, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    for f in names(&fresh)
        .iter()
        .chain(&names(&sweep))
        .chain(&names(&out))
    {
        assert_eq!(minesim::plan::is_output_file(f), f != "notes.txt", "{f}");
    }
    for f in ["steps-run12.csv", "retargets-run3.csv"] {
        assert!(minesim::plan::is_output_file(f), "{f}");
    }
    for f in ["steps-run.csv", "steps-runx.csv", "mine.png", "notes.csv"] {
        assert!(!minesim::plan::is_output_file(f), "{f}");
    }
}

#[test]
fn an_output_path_that_is_a_file_is_an_output_error() {
    let root = tempdir().unwrap();
    let file = root.path().join("out.txt");
    fs::write(&file, "keep").unwrap();
    let o = run_into("scenarios/curve-gbm.toml", &file, &[]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("cannot write the outputs") && err.contains("is not a folder"),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), "keep");
    assert_eq!(names(root.path()), ["out.txt"]);
    // A folder under a file cannot be made either.
    let under = file.join("sub");
    let o = run_into("scenarios/curve-gbm.toml", &under, &[]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert_eq!(names(root.path()), ["out.txt"]);
}

/// Whether this process can write into folders without write permission
/// (root can: permission tests prove nothing then).
fn permissions_bite(root: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = root.join("probe");
    fs::create_dir(&probe).unwrap();
    fs::set_permissions(&probe, fs::Permissions::from_mode(0o555)).unwrap();
    let bites = fs::write(probe.join("x"), "").is_err();
    fs::set_permissions(&probe, fs::Permissions::from_mode(0o755)).unwrap();
    let _ = fs::remove_dir_all(&probe);
    bites
}

#[test]
fn a_read_only_parent_keeps_the_previous_output() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempdir().unwrap();
    if !permissions_bite(root.path()) {
        eprintln!("skipped: this process ignores file permissions (root)");
        return;
    }
    let parent = root.path().join("ro");
    let out = parent.join("out");
    let o = run_into("scenarios/curve-gbm.toml", &out, &[]);
    assert!(o.status.success(), "{}", stderr(&o));
    let before: Vec<(String, Vec<u8>)> = names(&out)
        .into_iter()
        .map(|f| (f.clone(), fs::read(out.join(&f)).unwrap()))
        .collect();
    for d in [&parent, &out] {
        fs::set_permissions(d, fs::Permissions::from_mode(0o555)).unwrap();
    }
    let o = run_into("scenarios/curve-gbm.toml", &out, &["--seed", "9"]);
    for d in [&parent, &out] {
        fs::set_permissions(d, fs::Permissions::from_mode(0o755)).unwrap();
    }
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("Permission denied"), "{}", stderr(&o));
    let after: Vec<(String, Vec<u8>)> = names(&out)
        .into_iter()
        .map(|f| (f.clone(), fs::read(out.join(&f)).unwrap()))
        .collect();
    assert!(before == after, "the previous output changed");
    assert_eq!(names(&parent), ["out"]);
}

#[test]
fn resume_without_a_checkpoint_says_so() {
    let root = tempdir().unwrap();
    let out = root.path().join("out");
    let o = run_into("scenarios/curve-gbm.toml", &out, &["--resume"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains("--resume: no checkpoint at") && err.contains("starting from the beginning"),
        "{err}"
    );
}

/// Stands for `minesim::plan::is_output_file` in the staging tests.
fn own(name: &str) -> bool {
    matches!(name, "a.csv" | "b.csv" | "c.png")
}

#[test]
fn a_new_target_is_the_renamed_staging_folder() {
    let root = tempdir().unwrap();
    let target = root.path().join("out");
    let s = folder::Staging::begin(&target, &own).unwrap();
    fs::write(s.dir().join("a.csv"), "1").unwrap();
    s.commit(&["a.csv".into()], &own).unwrap();
    assert_eq!(names(&target), ["a.csv"]);
    assert_eq!(names(root.path()), ["out"]);
}

#[test]
fn an_existing_target_keeps_foreign_files_and_loses_stale_own_ones() {
    let root = tempdir().unwrap();
    let target = root.path().join("out");
    fs::create_dir_all(target.join(".partials")).unwrap();
    for f in ["a.csv", "b.csv", "notes.txt"] {
        fs::write(target.join(f), "old").unwrap();
    }
    // Left by killed processes: a staging folder, temp files (an own
    // kind and a foreign one), and a live process's temp file.
    let dead = u32::MAX - 1;
    fs::create_dir(root.path().join(format!(".out.staging-{dead}"))).unwrap();
    fs::write(target.join(format!(".a.csv.tmp-{dead}")), "").unwrap();
    fs::write(target.join(format!(".c.tmp-{dead}-3.png")), "").unwrap();
    fs::write(target.join(format!(".notes.txt.tmp-{dead}")), "").unwrap();
    let live = format!(".b.csv.tmp-{}", std::process::id());
    fs::write(target.join(&live), "").unwrap();
    let s = folder::Staging::begin(&target, &own).unwrap();
    assert_eq!(names(root.path()).len(), 2, "{:?}", names(root.path()));
    fs::write(s.dir().join("a.csv"), "new").unwrap();
    fs::write(s.dir().join("c.png"), "new").unwrap();
    s.commit(&["a.csv".into(), "c.png".into()], &own).unwrap();
    let mut want = vec![
        ".b.csv.tmp-".to_string() + &std::process::id().to_string(),
        format!(".notes.txt.tmp-{dead}"),
        ".partials".into(),
        "a.csv".into(),
        "c.png".into(),
        "notes.txt".into(),
    ];
    want.sort();
    assert_eq!(names(&target), want);
    assert_eq!(fs::read_to_string(target.join("a.csv")).unwrap(), "new");
    assert_eq!(names(root.path()), ["out"]);
}

#[test]
fn a_dropped_staging_folder_leaves_the_target_as_it_was() {
    let root = tempdir().unwrap();
    let target = root.path().join("out");
    fs::create_dir_all(&target).unwrap();
    fs::write(target.join("a.csv"), "old").unwrap();
    {
        let s = folder::Staging::begin(&target, &own).unwrap();
        fs::write(s.dir().join("a.csv"), "half").unwrap();
    }
    assert_eq!(names(root.path()), ["out"]);
    assert_eq!(fs::read_to_string(target.join("a.csv")).unwrap(), "old");
}

#[test]
fn a_file_is_not_a_target() {
    let root = tempdir().unwrap();
    let target = root.path().join("out.txt");
    fs::write(&target, "x").unwrap();
    let e = folder::Staging::begin(&target, &own).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::NotADirectory);
    assert!(e.to_string().contains("is not a folder"), "{e}");
    assert_eq!(names(root.path()), ["out.txt"]);
}
