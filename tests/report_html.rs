//! report.html as a reader sees it: the scenario as run in a wrapping
//! table (every field, miner groups included, plain values, units), and a
//! sweep's table of points with each point's runs, means and intervals.

use std::path::Path;
use std::process::Command;

fn minesim(args: &[&str], out: &Path) {
    let o = Command::new(env!("CARGO_BIN_EXE_minesim"))
        .args(args)
        .arg("--quiet")
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The scalar leaves of a JSON tree (a list of scalars counts once), as
/// the parameter table has one row per leaf; absent top-level tables
/// (`null`) have none.
fn leaves(v: &serde_json::Value, top: bool) -> usize {
    use serde_json::Value;
    match v {
        Value::Object(m) => m
            .values()
            .map(|x| {
                if top && x.is_null() {
                    0
                } else {
                    leaves(x, false)
                }
            })
            .sum(),
        Value::Array(a) if a.iter().all(|x| !x.is_object() && !x.is_array()) => 1,
        Value::Array(a) => a.iter().map(|x| leaves(x, false)).sum(),
        _ => 1,
    }
}

/// The `<table class="params">` after the heading `title`.
fn params_table<'a>(html: &'a str, title: &str) -> &'a str {
    let at = html
        .find(&format!("<h2>{title}</h2>"))
        .unwrap_or_else(|| panic!("no {title}"));
    let rest = &html[at..];
    let start = rest.find("<table class=\"params\">").unwrap();
    let end = rest[start..].find("</table>").unwrap();
    &rest[start..start + end]
}

/// Two runs of the baseline over 0.2 years (equilibrium window 0.1) into
/// `out`.
fn short_baseline(out: &Path) {
    minesim(
        &[
            "run",
            "scenarios/baseline.toml",
            "--runs",
            "2",
            "--set",
            "simulation.years=0.2",
            "--set",
            "metrics.equilibrium_window_years=0.1",
        ],
        out,
    );
}

#[test]
fn agent_report_shows_every_parameter_plainly() {
    let tmp = crate::common::tempdir().unwrap();
    let out = tmp.path().join("out");
    short_baseline(&out);
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    // Tables wrap instead of growing past the page.
    assert!(html.contains("table-layout:fixed"));
    assert!(html.contains("overflow-wrap:anywhere"));
    let table = params_table(&html, "Scenario as run");
    let rows = table.matches("<tr><td>").count();
    assert_eq!(rows, leaves(&summary["config"], true));
    // Plain values with their units, no JSON quotes.
    assert!(
        table.contains("<tr><td>date</td><td>2026-01-01</td>"),
        "{table}"
    );
    assert!(table.contains("<tr><td>years</td><td>0.2</td><td class=\"text\">years</td></tr>"));
    assert!(!table.contains("<td>&quot;"));
    // Each miner group is a section, with its parameters.
    let groups = summary["config"]["miners"]["groups"].as_array().unwrap();
    assert!(groups.len() >= 2);
    for (i, g) in groups.iter().enumerate() {
        let name = g["name"].as_str().unwrap();
        assert!(
            table.contains(&format!(
                "<th colspan=\"3\">miners.groups[{i}]: {name}</th>"
            )),
            "group {i}"
        );
    }
    assert!(table.contains("USD/kWh"));
    // The run's facts: exact seed, the world total with its unit.
    let facts = params_table(&html, "Run");
    let seed = summary["seed"].as_u64().unwrap();
    assert!(
        facts.contains(&format!("<td>seed</td><td>{seed}</td>")),
        "{facts}"
    );
    assert!(facts.contains("TWh/yr"));
}

#[test]
fn sweep_report_has_a_table_of_points() {
    let tmp = crate::common::tempdir().unwrap();
    let out = tmp.path().join("out");
    minesim(
        &[
            "run",
            "scenarios/sweep-volatility.toml",
            "--runs",
            "3",
            "--set",
            "simulation.years=0.5",
        ],
        &out,
    );
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("null"), "a null in the sweep report");
    assert!(!html.contains("world_electricity"));
    let at = html.find("<h2>Points</h2>").unwrap();
    let table = &html[at..at + html[at..].find("</table>").unwrap()];
    let points = minesim::report::tables::Table::read(&out.join("points.csv")).unwrap();
    let vols = points.text("price_volatility_per_year");
    assert_eq!(vols.len(), 5);
    let means = points.numbers("equilibrium_ratio_total_mean");
    let lows = points.numbers("equilibrium_ratio_total_ci95_low");
    let rows: Vec<&str> = table.split("<tr><td>").skip(1).collect();
    assert_eq!(rows.len(), 5);
    let f = minesim::chart::format_value;
    for (i, row) in rows.iter().enumerate() {
        // point, swept value, runs of this point (not of the sweep), then
        // the total cost / reward's mean and interval.
        let want = format!(
            "{i}</td><td>{}</td><td>3</td><td>{}<br><small>[{} – ",
            vols[i],
            f(means[i]),
            f(lows[i])
        );
        assert!(row.starts_with(&want), "point {i}: {row}\nwant {want}");
    }
    assert!(html.contains("<td>runs per point</td><td>3</td>"));
    assert!(html.contains("<td>runs in all</td><td>15</td>"));
}

/// The text nodes of an SVG, one per line.
fn svg_texts(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .map(|t| t.trim().to_string())
        .filter(|t| !t.is_empty())
        .collect()
}

/// A batch's charts as a referee reads them: every series and band drawn
/// is named in its legend, every axis says its unit, halvings are
/// labelled, the security chart puts the flow and the stock on panels of
/// their own and names the attack-cost method, and the SVGs carry
/// tooltips.
#[test]
fn batch_charts_name_every_series_unit_and_halving() {
    use minesim::report::{charts, ChartSpec, ReportInputs};
    let tmp = crate::common::tempdir().unwrap();
    let out = tmp.path().join("out");
    minesim(
        &[
            "run",
            "scenarios/baseline.toml",
            "--runs",
            "3",
            "--set",
            "simulation.years=2.5",
        ],
        &out,
    );
    let inputs = ReportInputs::read(&out).unwrap();
    let specs = charts(&inputs);
    for c in &specs {
        let svg = std::fs::read_to_string(out.join(format!("{}.svg", c.stem))).unwrap();
        let texts = svg_texts(&svg);
        assert!(svg.contains("<title>"), "{}: no tooltips", c.stem);
        assert!(!svg.contains("@@"), "{}", c.stem);
        let ChartSpec::Time(t) = &c.spec else {
            continue;
        };
        assert!(
            t.vlines.iter().any(|v| v.label == "halving 2028"),
            "{}: {:?}",
            c.stem,
            t.vlines
        );
        assert!(texts.iter().any(|s| s == "halving 2028"), "{}", c.stem);
        for p in &t.panels {
            // A unit in parentheses, or a plain ratio.
            assert!(
                p.y_label.ends_with(')')
                    || p.y_label.contains("ratio")
                    || p.y_label.contains("log scale"),
                "{}: axis {:?} has no unit",
                c.stem,
                p.y_label
            );
            let legend = minesim::chart::legend_labels(p);
            for s in &p.series {
                if s.y.iter().any(|v| v.is_finite()) {
                    assert!(!s.label.is_empty(), "{}: an unnamed series", c.stem);
                    assert!(legend.contains(&s.label), "{}: {}", c.stem, s.label);
                    assert!(
                        texts.contains(&s.label),
                        "{}: {} not drawn",
                        c.stem,
                        s.label
                    );
                }
                for b in &s.bands {
                    assert!(
                        !b.label.is_empty(),
                        "{}: an unnamed band of {}",
                        c.stem,
                        s.label
                    );
                    assert!(legend.contains(&b.label), "{}: {}", c.stem, b.label);
                    assert!(
                        texts.contains(&b.label),
                        "{}: {} not drawn",
                        c.stem,
                        b.label
                    );
                }
            }
        }
    }
    let security = specs.iter().find(|c| c.stem == "security").unwrap();
    let ChartSpec::Time(t) = &security.spec else {
        panic!("security is a time chart")
    };
    assert_eq!(t.panels[0].y_label, "attack cost (USD/h)");
    assert_eq!(t.panels[1].y_label, "market cap (USD)");
    assert!(t.panels[0].series[0].label.contains("marginal fleet"));
    assert!(security
        .caption
        .contains("least efficient machines now running"));
    // SI prefixes, not scientific notation, on the money axes.
    let svg = std::fs::read_to_string(out.join("spend_vs_reward.svg")).unwrap();
    let texts = svg_texts(&svg);
    assert!(texts.iter().any(|s| s.ends_with(" M")), "{texts:?}");
    assert!(!texts.iter().any(|s| s.ends_with("e7")), "{texts:?}");
}

/// Intervals of quantities that are positive by nature stay above zero in
/// the charts: the Student t interval when it does, the log-scale one
/// when it would cross zero.
#[test]
fn positive_intervals_do_not_cross_zero() {
    use minesim::report::positive_ci;
    assert_eq!(positive_ci(2.0, 1.0, 3.0), Some((1.0, 3.0, false)));
    let (lo, hi, log) = positive_ci(1.0, -0.5, 2.5).unwrap();
    assert!(log && lo > 0.0 && hi > 2.5, "{lo} {hi}");
    // The log-scale interval: mean × exp(∓ half-width / mean).
    assert!((lo - (-1.5f64).exp()).abs() < 1e-12 && (hi - 1.5f64.exp()).abs() < 1e-12);
    assert_eq!(positive_ci(0.0, -1.0, 1.0), None);
    assert_eq!(positive_ci(f64::NAN, 0.0, 1.0), None);

    let tmp = crate::common::tempdir().unwrap();
    let out = tmp.path().join("out");
    minesim(
        &[
            "run",
            "scenarios/sweep-volatility.toml",
            "--runs",
            "2",
            "--set",
            "simulation.years=0.5",
        ],
        &out,
    );
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    let points = minesim::report::tables::Table::read(&out.join("points.csv")).unwrap();
    let charts = minesim::report::sweep_charts(&summary, &points);
    assert_eq!(charts.len(), 4);
    for c in &charts {
        let minesim::report::ChartSpec::Xy(xy) = &c.spec else {
            panic!("sweep charts are x-y charts")
        };
        assert_eq!(xy.x_label, "price volatility (per year)");
        for l in &xy.lines {
            for v in l.y_lower.iter().flatten().filter(|v| v.is_finite()) {
                assert!(*v > 0.0, "{}: {v}", c.stem);
            }
        }
        assert!(xy.note.contains("95 % CI of mean"), "{}", xy.note);
    }
    assert_eq!(
        minesim::report::sweep_axis_label("miners.groups[0].electricity.median_usd_per_kwh"),
        "miners group 0 electricity median (USD/kWh)"
    );
    assert_eq!(
        minesim::report::sweep_axis_label("hash_supply.j_per_th"),
        "hash supply efficiency (J/TH)"
    );
}

#[test]
fn every_summary_metric_has_a_readable_name_and_its_key() {
    use minesim::report::params::{has_metric_name, metric_label};
    assert_eq!(
        metric_label("equilibrium_ratio_total"),
        "total cost / reward (equilibrium)"
    );
    assert_eq!(metric_label("final_hashrate_eh_s"), "hashrate at the end");
    assert_eq!(metric_label("some_new_metric"), "some new metric");
    let tmp = crate::common::tempdir().unwrap();
    let out = tmp.path().join("out");
    short_baseline(&out);
    let runs = std::fs::read_to_string(out.join("runs.csv")).unwrap();
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    // Every per-run scalar (a new one must get a name here too) is shown
    // by its name, with its key for code beside it.
    for key in runs.lines().next().unwrap().split(',').skip(1) {
        assert!(
            has_metric_name(key),
            "no readable name for {key} (report::params::METRIC_NAMES)"
        );
        let label = metric_label(key).replace('\'', "&#39;");
        assert!(
            html.contains(&label) || html.contains(&metric_label(key)),
            "{label} not in the report"
        );
        assert!(
            html.contains(&format!(">{key}</code>")),
            "{key} not in the report"
        );
    }
}
