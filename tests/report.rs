//! Charts and the HTML report: every file is produced, PNGs decode with the
//! expected size, SVGs parse, the report's links resolve, and the data
//! behind the spend-versus-reward chart is right (a golden test of data,
//! not of pixels).

use minesim::report::{charts, ChartSpec, ReportInputs};
use std::path::Path;
use std::process::Command;

const SCENARIO: &str = r#"
name = "report-test"
seed = 3
[start]
date = "2026-01-01"
height = 930342
difficulty = 148258433698386
[simulation]
years = 0.5
[price]
model = "constant"
price_usd = 100000
[fees]
model = "btc_per_block"
btc_per_block = 0.05
[hash_supply]
model = "fixed"
hashrate_eh_s = 1000
j_per_th = 20
energy_price_usd_per_kwh = 0.05
"#;

fn run(dir: &Path, runs: &str) {
    let sc = dir.join("s.toml");
    std::fs::write(&sc, SCENARIO).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_minesim"))
        .args(["run", "--quiet", "--runs", runs, "--out"])
        .arg(dir.join("out"))
        .arg(&sc)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn png_size(path: &Path) -> (u32, u32) {
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(path).unwrap()));
    let reader = decoder.read_info().unwrap();
    let info = reader.info();
    (info.width, info.height)
}

#[test]
fn every_chart_and_the_report_are_written_and_readable() {
    let tmp = crate::common::tempdir().unwrap();
    run(tmp.path(), "8");
    let out = tmp.path().join("out");
    let inputs = ReportInputs::read(&out).unwrap();
    let specs = charts(&inputs);
    assert_eq!(specs.len(), 6);
    for c in &specs {
        let png = out.join(format!("{}.png", c.stem));
        let (w, h) = png_size(&png);
        let want = match &c.spec {
            ChartSpec::Time(t) => (t.size.width, t.size.height),
            ChartSpec::Histogram(t) => (t.size.width, t.size.height),
            ChartSpec::Xy(t) => (t.size.width, t.size.height),
            ChartSpec::Bars(t) => (t.size.width, t.size.height),
        };
        assert_eq!((w, h), want, "{}", png.display());
        let svg = std::fs::read_to_string(out.join(format!("{}.svg", c.stem))).unwrap();
        roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("{}: {e}", c.stem));
    }
    // Every link of report.html resolves to a file in the folder.
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let mut links = 0;
    for part in html.split("href=\"").skip(1) {
        let target = &part[..part.find('"').unwrap()];
        assert!(out.join(target).is_file(), "broken link {target}");
        links += 1;
    }
    assert!(links >= 6 * 2 + 4, "only {links} links");
    assert_eq!(html.matches("<svg").count(), 6);
    // `minesim report` rebuilds the same charts from the files: byte for
    // byte what the run drew from its bands in memory.
    let drawn: Vec<(String, Vec<u8>)> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("png" | "svg" | "html")
            )
        })
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    assert!(drawn.len() >= 13, "{} charts and pages", drawn.len());
    std::fs::remove_file(out.join("energy.png")).unwrap();
    let st = Command::new(env!("CARGO_BIN_EXE_minesim"))
        .arg("report")
        .arg(&out)
        .output()
        .unwrap();
    assert!(st.status.success());
    for (path, bytes) in &drawn {
        assert!(
            std::fs::read(path).unwrap() == *bytes,
            "{path} differs when rebuilt from the files"
        );
    }
}

/// The data behind chart 1, against numbers worked out by hand: 1,000 EH/s
/// at 20 J/TH draw 20 GW, 480 GWh a day, $24,000,000 a day at $0.05/kWh;
/// the reward is blocks × (3.125 + 0.05) BTC × $100,000.
#[test]
fn spend_versus_reward_data_is_right() {
    let tmp = crate::common::tempdir().unwrap();
    run(tmp.path(), "1");
    let out = tmp.path().join("out");
    let inputs = ReportInputs::read(&out).unwrap();
    let specs = charts(&inputs);
    let ChartSpec::Time(chart) = &specs[0].spec else {
        panic!("chart 1 is a time chart")
    };
    assert_eq!(specs[0].stem, "spend_vs_reward");
    let steps = minesim::report::tables::Table::read(&out.join("steps.csv")).unwrap();
    let blocks = steps.numbers("blocks");
    let money = &chart.panels[1];
    let reward = &money.series[0].y;
    let energy = &money.series[1].y;
    assert_eq!(reward.len(), blocks.len());
    for (i, b) in blocks.iter().enumerate() {
        // Before the halving at 1,050,000 the subsidy is 3.125 BTC.
        let want_reward = b * 3.175 * 100_000.0;
        assert!(
            (reward[i] / want_reward - 1.0).abs() < 1e-9 || (*b == 0.0 && reward[i] == 0.0),
            "step {i}"
        );
        assert!(
            (energy[i] / 24_000_000.0 - 1.0).abs() < 1e-9,
            "step {i}: {}",
            energy[i]
        );
    }
    let ratio = &chart.panels[2].series[0].y;
    for i in 0..blocks.len() {
        if blocks[i] > 0.0 {
            assert!(
                (ratio[i] - 24_000_000.0 / reward[i]).abs() < 1e-9 * ratio[i],
                "step {i}"
            );
        }
    }
    // The seed's 0.8 is drawn as a reference line on the ratio panel.
    assert_eq!(chart.panels[2].ref_lines[0].y, 0.8);
}

#[test]
fn sweep_gets_its_charts() {
    let tmp = crate::common::tempdir().unwrap();
    let sc = tmp.path().join("sweep.toml");
    let text = format!(
        "{SCENARIO}\n[sweep]\nmode = \"grid\"\n[[sweep.parameters]]\npath = \"hash_supply.hashrate_eh_s\"\nvalues = [500, 1000, 2000]\n[[sweep.parameters]]\npath = \"hash_supply.j_per_th\"\nvalues = [10, 20]\n"
    )
    .replace("name = \"report-test\"", "name = \"sweep-test\"\nruns = 3");
    std::fs::write(&sc, text).unwrap();
    let out = tmp.path().join("out");
    let st = Command::new(env!("CARGO_BIN_EXE_minesim"))
        .args(["run", "--quiet", "--out"])
        .arg(&out)
        .arg(&sc)
        .output()
        .unwrap();
    assert!(
        st.status.success(),
        "{}",
        String::from_utf8_lossy(&st.stderr)
    );
    for stem in [
        "sweep_ratio",
        "sweep_energy_ratio",
        "sweep_hashrate",
        "sweep_energy",
    ] {
        assert_eq!(png_size(&out.join(format!("{stem}.png"))), (1280, 800));
        let svg = std::fs::read_to_string(out.join(format!("{stem}.svg"))).unwrap();
        let doc = roxmltree::Document::parse(&svg).unwrap();
        // One line per value of the second parameter.
        assert!(svg.contains("hash_supply.j_per_th = 10"), "{stem}");
        assert!(doc.descendants().count() > 10);
    }
}
