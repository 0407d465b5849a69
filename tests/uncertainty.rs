//! `[uncertainty]` designs end to end: the indices of a model with a
//! known answer, byte-identity over threads and shards, and the errors.

use crate::batch::{assert_same_outputs, input_error, ok, s, write_scenario};
use crate::common::tempdir;
use minesim::report::tables::Table;
use std::path::Path;

/// Constant price and a linear hash supply with no intercept: the
/// equilibrium energy spend / reward is `k × j_per_th ×
/// energy_price_usd_per_kwh` for a constant `k`, up to the luck of the
/// blocks (about 0.3 % over two years of blocks). The world's electricity
/// enters only the world share.
const BASE: &str = r#"
name = "product"
seed = 5
runs = 1
[start]
date = "2026-01-01"
height = 930342
difficulty = 148258433698386
[simulation]
years = 2
step_days = 7
[price]
model = "constant"
price_usd = 90000
[fees]
model = "btc_per_block"
btc_per_block = 0.03
[hash_supply]
model = "linear"
intercept_eh_s = 0
slope_eh_s = 20
j_per_th = 18
"#;

/// j ~ U(10, 30), e ~ U(0.02, 0.06), world ~ U(20,000, 40,000) TWh/yr.
const PARAMETERS: &str = r#"
[[uncertainty.parameters]]
path = "hash_supply.j_per_th"
distribution = { type = "uniform", low = 10, high = 30 }
[[uncertainty.parameters]]
path = "hash_supply.energy_price_usd_per_kwh"
distribution = { type = "uniform", low = 0.02, high = 0.06 }
[[uncertainty.parameters]]
path = "world.electricity_twh_per_year"
distribution = { type = "uniform", low = 20000, high = 40000 }
source = "IEA and Ember ranges, for the test only"
"#;

fn design(design: &str, samples: u64) -> String {
    format!("{BASE}[uncertainty]\ndesign = \"{design}\"\nsamples = {samples}\n{PARAMETERS}")
}

/// `(first_order, total_order, their intervals)` of `metric` and
/// `parameter` in `sensitivity.csv`.
fn sobol(t: &Table, metric: &str, parameter: &str) -> [f64; 6] {
    let rows: Vec<usize> = (0..t.rows.len())
        .filter(|&i| t.text("metric")[i] == metric && t.text("parameter")[i] == parameter)
        .collect();
    assert_eq!(rows.len(), 1, "{metric} {parameter}");
    let i = rows[0];
    [
        "first_order",
        "first_order_ci_low",
        "first_order_ci_high",
        "total_order",
        "total_order_ci_low",
        "total_order_ci_high",
    ]
    .map(|c| t.numbers(c)[i])
}

#[test]
fn a_saltelli_design_recovers_the_indices_of_a_product() {
    // Y = j × e with independent uniforms: V_j = Var(j) E[e]^2 = 0.0533,
    // V_e = Var(e) E[j]^2 = 0.0533, V = E[j^2] E[e^2] - (E[j] E[e])^2 =
    // 0.1111: S_j = S_e = 0.48, ST_j = ST_e = 0.52, and 0 for the world's
    // electricity.
    let t = tempdir().unwrap();
    let sc = write_scenario(t.path(), "p.toml", &design("saltelli", 256));
    let out = t.path().join("out");
    ok(&["run", s(&sc), "--quiet", "--out", s(&out)]);
    let table = Table::read(&out.join("sensitivity.csv")).unwrap();
    assert_eq!(
        table.columns,
        [
            "metric",
            "parameter",
            "first_order",
            "first_order_ci_low",
            "first_order_ci_high",
            "total_order",
            "total_order_ci_low",
            "total_order_ci_high"
        ]
    );
    // 7 key scalars x 3 parameters.
    assert_eq!(table.rows.len(), 21);
    let m = "equilibrium_ratio_energy";
    // Tolerance 0.06 at N = 256 base samples (measured at seed 5: S1 =
    // 0.471 and 0.484, ST = 0.524 and 0.517; bootstrap intervals about
    // ±0.12 for S1, ±0.09 for ST).
    for p in [
        "hash_supply.j_per_th",
        "hash_supply.energy_price_usd_per_kwh",
    ] {
        let [s1, lo1, hi1, st, lo_t, hi_t] = sobol(&table, m, p);
        assert!((s1 - 0.48).abs() < 0.06, "S1 of {p}: {s1}");
        assert!((st - 0.52).abs() < 0.06, "ST of {p}: {st}");
        assert!(lo1 <= s1 && s1 <= hi1 && lo_t <= st && st <= hi_t, "{p}");
    }
    let [s1, _, _, st, _, _] = sobol(&table, m, "world.electricity_twh_per_year");
    assert!(s1.abs() < 0.02 && st.abs() < 0.02, "world: {s1}, {st}");
    // The world share depends on all three.
    let [_, _, _, st, _, _] = sobol(
        &table,
        "equilibrium_world_electricity_share",
        "world.electricity_twh_per_year",
    );
    assert!(st > 0.1, "{st}");

    // summary.json: the design, the combined statistics, the indices.
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["points"], 256 * 5);
    assert_eq!(summary["uncertainty"]["design"], "saltelli");
    assert!(summary.get("sweep").is_none());
    // The A and B blocks: 2 × 256 points of one run each.
    assert_eq!(summary["combined"]["runs"], 512);
    let mean = summary["combined"]["metrics"][m]["mean"].as_f64().unwrap();
    let s_j = summary["sensitivity"][m][0]["first_order"]
        .as_f64()
        .unwrap();
    assert!((s_j - sobol(&table, m, "hash_supply.j_per_th")[0]).abs() == 0.0);
    assert!(mean > 0.0);
    // points.csv: one row per design point, the values inside the ranges.
    let points = Table::read(&out.join("points.csv")).unwrap();
    assert_eq!(points.rows.len(), 1280);
    assert!(points
        .numbers("hash_supply_j_per_th")
        .iter()
        .all(|x| (10.0..30.0).contains(x)));
    // One bar chart per key scalar, in the report too.
    for (_, stem) in minesim::report::SENSITIVITY_CHART_STEMS {
        for ext in ["png", "svg"] {
            assert!(out.join(format!("{stem}.{ext}")).exists(), "{stem}.{ext}");
        }
    }
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("id=\"sensitivity_energy_ratio\""));
    for want in [
        "Uncertain parameters",
        "Combined uncertainty",
        "Sensitivity",
        "IEA and Ember ranges",
    ] {
        assert!(html.contains(want), "report.html lacks {want:?}");
    }
}

#[test]
fn morris_screens_out_a_parameter_without_effect() {
    let t = tempdir().unwrap();
    let sc = write_scenario(t.path(), "m.toml", &design("morris", 20));
    let out = t.path().join("out");
    ok(&["run", s(&sc), "--quiet", "--out", s(&out)]);
    let table = Table::read(&out.join("sensitivity.csv")).unwrap();
    assert_eq!(
        table.columns,
        ["metric", "parameter", "mu", "mu_star", "sigma"]
    );
    let get = |metric: &str, p: &str| {
        let i = (0..table.rows.len())
            .find(|&i| table.text("metric")[i] == metric && table.text("parameter")[i] == p)
            .unwrap();
        table.numbers("mu_star")[i]
    };
    let m = "equilibrium_ratio_energy";
    let j = get(m, "hash_supply.j_per_th");
    let e = get(m, "hash_supply.energy_price_usd_per_kwh");
    let w = get(m, "world.electricity_twh_per_year");
    // Both factors move the ratio the same way over their ranges; the
    // world's electricity only through the luck of the blocks.
    assert!(j > 0.0 && (j / e - 1.0).abs() < 0.35, "{j} {e}");
    assert!(w < 0.02 * j, "{w} vs {j}");
    let summary = std::fs::read_to_string(out.join("summary.json")).unwrap();
    assert!(
        summary.contains("\"points\": 80"),
        "20 trajectories of 4 points"
    );
}

#[test]
fn a_latin_hypercube_gives_combined_uncertainty_and_no_indices() {
    let t = tempdir().unwrap();
    let sc = write_scenario(t.path(), "l.toml", &design("latin_hypercube", 40));
    let out = t.path().join("out");
    ok(&["run", s(&sc), "--runs", "2", "--quiet", "--out", s(&out)]);
    assert!(!out.join("sensitivity.csv").exists());
    assert!(!out.join("sensitivity_ratio.png").exists());
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["points"], 40);
    assert_eq!(summary["combined"]["runs"], 80);
    assert!(summary.get("sensitivity").is_none());
    // Stratified: each tenth of j's range holds 4 of the 40 points.
    let points = Table::read(&out.join("points.csv")).unwrap();
    let mut bins = [0; 10];
    for x in points.numbers("hash_supply_j_per_th") {
        bins[((x - 10.0) / 2.0) as usize] += 1;
    }
    assert_eq!(bins, [4; 10]);
    // --samples overrides the design's size, and is recorded.
    let small = t.path().join("small");
    ok(&[
        "run",
        s(&sc),
        "--samples",
        "10",
        "--quiet",
        "--out",
        s(&small),
    ]);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(small.join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(summary["points"], 10);
    assert_eq!(summary["overrides"]["uncertainty.samples"], 10);
}

#[test]
fn design_bytes_do_not_depend_on_threads_or_shards() {
    let t = tempdir().unwrap();
    let sc = write_scenario(t.path(), "d.toml", &design("saltelli", 8));
    let out = |n: &str| t.path().join(n);
    let run = |extra: &[&str]| {
        let mut a = vec!["run", s(&sc), "--runs", "3", "--quiet"];
        a.extend_from_slice(extra);
        ok(&a);
    };
    run(&["--threads", "1", "--out", s(&out("t1"))]);
    run(&["--threads", "2", "--out", s(&out("t2"))]);
    for k in 0..3 {
        run(&["--shard", &format!("{k}/3"), "--out", s(&out("p3"))]);
    }
    ok(&["merge", "--quiet", "--out", s(&out("m3")), s(&out("p3"))]);
    assert!(out("t1").join("sensitivity.csv").exists());
    assert!(out("t1").join("bands.csv").exists());
    assert_same_outputs(&out("t1"), &out("t2"));
    assert_same_outputs(&out("t1"), &out("m3"));
}

#[test]
fn integer_and_discrete_parameters_take_their_values() {
    let t = tempdir().unwrap();
    let text = format!(
        "{BASE}{}",
        r#"
[uncertainty]
design = "latin_hypercube"
samples = 30
[[uncertainty.parameters]]
path = "hash_supply.slope_eh_s"
distribution = { type = "uniform", low = 9.5, high = 12.5 }
integer = true
[[uncertainty.parameters]]
path = "hash_supply.j_per_th"
distribution = { type = "discrete", values = [15, 20], weights = [1, 2] }
"#
    );
    let sc = write_scenario(t.path(), "i.toml", &text);
    let out = t.path().join("out");
    ok(&["run", s(&sc), "--quiet", "--out", s(&out)]);
    let points = Table::read(&out.join("points.csv")).unwrap();
    let slopes = points.text("hash_supply_slope_eh_s");
    assert!(
        slopes
            .iter()
            .all(|x| ["10", "11", "12"].contains(&x.as_str())),
        "{slopes:?}"
    );
    let js = points.numbers("hash_supply_j_per_th");
    let fifteen = js.iter().filter(|&&x| x == 15.0).count();
    assert_eq!(fifteen + js.iter().filter(|&&x| x == 20.0).count(), 30);
    // A Latin hypercube gives each value its share exactly: 10 of 30.
    assert_eq!(fifteen, 10);
}

fn error_of(t: &Path, text: &str) -> String {
    let sc = write_scenario(t, "e.toml", text);
    input_error(&["check", s(&sc)])
}

#[test]
fn bad_designs_are_refused_with_the_field_path() {
    let t = tempdir().unwrap();
    let cases = [
        (
            design("saltelli", 8).replace("low = 10, high = 30", "low = 30, high = 10"),
            "uncertainty.parameters[0].distribution.high must be greater than low (30), got 10",
        ),
        (
            design("saltelli", 8).replace("\"hash_supply.j_per_th\"", "\"hash_supply.jpt\""),
            "uncertainty.parameters[0].path \"hash_supply.jpt\" names no field of the scenario",
        ),
        (
            design("saltelli", 1),
            "uncertainty.samples must be in [2, 100000], got 1",
        ),
        (
            design("morris", 4).replace("design = \"morris\"", "design = \"morris\"\nlevels = 5"),
            "uncertainty.levels must be even",
        ),
        (
            design("saltelli", 4).replace("path = \"world", "path = \"seed\"\n#"),
            "cannot be uncertain",
        ),
        (
            format!(
                "{}{}",
                design("saltelli", 4),
                "[sweep]\n[[sweep.parameters]]\npath = \"price.price_usd\"\nvalues = [1, 2]\n"
            ),
            "either a [sweep] or an [uncertainty] table, not both",
        ),
        (
            design("saltelli", 4).replace(
                "type = \"uniform\", low = 0.02",
                "type = \"triangular\", mode = 0.1, low = 0.02",
            ),
            "uncertainty.parameters[1].distribution.mode must be in [low, high] = [0.02, 0.06], got 0.1",
        ),
    ];
    for (text, want) in cases {
        let m = error_of(t.path(), &text);
        assert!(m.contains(want), "expected {want:?} in: {m}");
    }
    // A design point outside a field's range names the point.
    let m = error_of(
        t.path(),
        &design("saltelli", 4).replace("low = 0.02, high = 0.06", "low = -5, high = 0.06"),
    );
    assert!(
        m.contains("design point") && m.contains("energy_price_usd_per_kwh"),
        "{m}"
    );
    // --samples without a design.
    let sc = write_scenario(t.path(), "b.toml", BASE);
    let m = input_error(&["run", s(&sc), "--samples", "8", "--quiet"]);
    assert!(m.contains("needs an [uncertainty] table"), "{m}");
}

#[test]
fn common_streams_give_every_point_the_same_luck() {
    // The world's electricity changes no block: with common random
    // numbers every point's run r mines the same blocks as a plain
    // batch's run r; with independent streams they differ.
    let t = tempdir().unwrap();
    let one = r#"
[uncertainty]
design = "latin_hypercube"
samples = 5
STREAMS
[[uncertainty.parameters]]
path = "world.electricity_twh_per_year"
distribution = { type = "uniform", low = 20000, high = 40000 }
"#;
    let blocks = |streams: &str| {
        let text = format!("{BASE}{}", one.replace("STREAMS", streams));
        let sc = write_scenario(t.path(), "c.toml", &text);
        let out = t.path().join(format!("out{}", streams.len()));
        ok(&["run", s(&sc), "--runs", "2", "--quiet", "--out", s(&out)]);
        let runs = Table::read(&out.join("runs.csv")).unwrap();
        let (p, r, b) = (
            runs.numbers("point"),
            runs.numbers("run"),
            runs.numbers("blocks"),
        );
        (0..p.len()).map(|i| (p[i], r[i], b[i])).collect::<Vec<_>>()
    };
    let plain = t.path().join("plain.toml");
    std::fs::write(&plain, BASE).unwrap();
    let pout = t.path().join("plain");
    ok(&[
        "run",
        s(&plain),
        "--runs",
        "2",
        "--quiet",
        "--out",
        s(&pout),
    ]);
    let base_blocks = Table::read(&pout.join("runs.csv"))
        .unwrap()
        .numbers("blocks");
    for (_, r, b) in blocks("streams = \"common\"") {
        assert_eq!(b, base_blocks[r as usize]);
    }
    let independent = blocks("");
    let distinct: std::collections::BTreeSet<u64> =
        independent.iter().map(|(_, _, b)| *b as u64).collect();
    assert!(distinct.len() > 2, "{independent:?}");
}

#[test]
fn the_median_statistic_is_the_middle_of_a_points_runs() {
    // With three runs a point's median is its middle run: the Morris
    // effects computed by hand from runs.csv match sensitivity.csv.
    let t = tempdir().unwrap();
    let text = design("morris", 3).replace(
        "design = \"morris\"",
        "design = \"morris\"\npoint_statistic = \"median\"",
    );
    let sc = write_scenario(t.path(), "med.toml", &text);
    let out = t.path().join("out");
    ok(&["run", s(&sc), "--runs", "3", "--quiet", "--out", s(&out)]);
    let runs = Table::read(&out.join("runs.csv")).unwrap();
    let (p, y) = (
        runs.numbers("point"),
        runs.numbers("equilibrium_ratio_energy"),
    );
    let mut by_point: Vec<Vec<f64>> = vec![Vec::new(); 12];
    for (p, y) in p.iter().zip(&y) {
        by_point[*p as usize].push(*y);
    }
    let medians: Vec<f64> = by_point
        .iter_mut()
        .map(|v| {
            v.sort_by(f64::total_cmp);
            v[1]
        })
        .collect();
    let sens = Table::read(&out.join("sensitivity.csv")).unwrap();
    let i = (0..sens.rows.len())
        .find(|&i| {
            sens.text("metric")[i] == "equilibrium_ratio_energy"
                && sens.text("parameter")[i] == "world.electricity_twh_per_year"
        })
        .unwrap();
    // mu* of the world's electricity from the medians: in each trajectory
    // of 4 points, the step that moved factor 2 (the only one that leaves
    // the other coordinates of points.csv unchanged but the world's).
    let pts = Table::read(&out.join("points.csv")).unwrap();
    let w = pts.numbers("world_electricity_twh_per_year");
    let j = pts.numbers("hash_supply_j_per_th");
    let mut effects = Vec::new();
    for tr in 0..3 {
        for step in 0..3 {
            let (a, b) = (tr * 4 + step, tr * 4 + step + 1);
            if w[a] != w[b] && j[a] == j[b] {
                // Delta = 4 / (2 × 3) = 2/3 in unit space.
                effects.push(((medians[b] - medians[a]) / (2.0 / 3.0)).abs());
            }
        }
    }
    assert_eq!(effects.len(), 3);
    let mu_star = effects.iter().sum::<f64>() / 3.0;
    let got = sens.numbers("mu_star")[i];
    assert!(
        (got - mu_star).abs() <= 1e-12 * mu_star.abs().max(1e-300),
        "{got} vs {mu_star}"
    );
}

/// A design whose points share their steps folds every point's runs into
/// one `bands.csv` (parameters and chance together) and draws the time
/// charts from it; one that varies the horizon has no common time axis
/// and writes none, and neither does a plain sweep.
#[test]
fn a_design_writes_bands_over_parameters_and_chance() {
    let t = tempdir().unwrap();
    let sc = write_scenario(t.path(), "l.toml", &design("latin_hypercube", 12));
    let out = t.path().join("out");
    ok(&["run", s(&sc), "--runs", "2", "--quiet", "--out", s(&out)]);
    let bands = Table::read(&out.join("bands.csv")).unwrap();
    let n = bands.numbers("n");
    assert!(!n.is_empty());
    // Every cell of a metric defined in every run counts 12 points x 2 runs.
    let (metric, steps) = (bands.text("metric"), bands.numbers("step"));
    let mut cells = 0;
    for ((m, &k), step) in metric.iter().zip(&n).zip(&steps) {
        if m == "hashrate_eh_s" {
            assert_eq!(k, 24.0, "step {step}");
            cells += 1;
        }
    }
    assert_eq!(
        cells as f64,
        steps.iter().fold(0.0f64, |a, &b| a.max(b)) + 1.0
    );
    // The spread of energy across points is wider than one point's: j and
    // the power price vary, so p5 < p95 at the last step.
    let last = steps.iter().fold(0.0f64, |a, &b| a.max(b));
    let row = metric
        .iter()
        .zip(&steps)
        .position(|(m, &st)| m == "energy_twh_per_year" && st == last)
        .unwrap();
    assert!(bands.numbers("p5")[row] < bands.numbers("p95")[row]);
    for chart in [
        "energy.svg",
        "spend_vs_reward.svg",
        "hashrate_difficulty.svg",
    ] {
        assert!(out.join(chart).exists(), "{chart}");
    }
    assert!(!out.join("fleet_mix.svg").exists());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("every design point (parameters and chance together)"));

    // Uncertain horizon: no common steps, no bands.
    let varying = design("latin_hypercube", 6)
        + "[[uncertainty.parameters]]\npath = \"simulation.years\"\ndistribution = { type = \"uniform\", low = 1, high = 3 }\n";
    let sc = write_scenario(t.path(), "v.toml", &varying);
    let out = t.path().join("varying");
    ok(&["run", s(&sc), "--quiet", "--out", s(&out)]);
    assert!(out.join("points.csv").exists());
    assert!(!out.join("bands.csv").exists());
    assert!(!out.join("energy.svg").exists());
}
