//! Output writers: tidy CSV tables and JSON summaries, written atomically.
//!
//! Layout of an output folder (`output/<scenario-name>/` by default):
//!
//! | file | content |
//! | --- | --- |
//! | `steps.csv` | one row per kept run (`--keep-runs`, run 0 by default) and step ([`crate::engine::StepRecord`]), `run` first |
//! | `retargets.csv` | every difficulty retarget of the kept runs, `run` first |
//! | `fleet.csv` | the kept runs' operating and installed hashrate by step and ASIC generation, long format (agent scenarios) |
//! | `regions.csv` | the kept runs' finite power regions by step, long format (scenarios with supply curves) |
//! | `attack.csv` | the kept runs' attack economics by step (scenarios with an `[attack]` table) |
//! | `runs.csv` | one row per run: its seed stream and scalar summary |
//! | `bands.csv` | per step and metric: mean, sd and 5/25/50/75/95 % across runs |
//! | `summary.json` | scenario, run count, equilibrium values with confidence intervals |
//! | `*.png`, `*.svg` | charts ([`crate::report`]) |
//! | `report.html` | everything on one self-contained page |
//! | `points.csv` | sweeps only: one row per sweep point ([`sweep`]) |
//!
//! Every cell goes through [`cells`], so no `inf` or `NaN` is written; a
//! whole folder is written through [`folder::Staging`] (a staging folder
//! beside it, moved in at the end). This layer writes tables only; the
//! charts and `report.html` are drawn afterwards from these files by
//! [`crate::report`], which never imports this module.

pub mod cells;
pub mod folder;
pub mod sensitivity;
pub mod sweep;

use crate::atomic::write_atomic;
use crate::batch::{BandCell, Bands, BatchResult, RunRow, BAND_METRICS};
use crate::engine::RunResult;
use crate::scenario::Scenario;
use crate::stats::{Moments, SKETCH_RELATIVE_ACCURACY};
use cells::{fields, float_cell, write_rows, Finite};
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::io;
use std::path::Path;

/// Writes serialisable rows (structs) as a CSV file with a header,
/// atomically; undefined and non-finite values are empty cells
/// ([`cells::Finite`]).
pub fn write_csv<T: Serialize>(path: &Path, rows: &[T]) -> io::Result<()> {
    write_atomic(path, |w| {
        let mut csv = csv::Writer::from_writer(w);
        for r in rows {
            csv.serialize(Finite(r)).map_err(io::Error::other)?;
        }
        csv.flush()?;
        Ok(())
    })
}

/// Writes a value as pretty JSON, atomically.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> io::Result<()> {
    write_atomic(path, |w| {
        serde_json::to_writer_pretty(&mut *w, value).map_err(io::Error::other)?;
        io::Write::write_all(w, b"\n")
    })
}

/// Quantiles reported in bands and summaries.
pub const QUANTILES: [(&str, f64); 5] = [
    ("p5", 0.05),
    ("p25", 0.25),
    ("p50", 0.50),
    ("p75", 0.75),
    ("p95", 0.95),
];

/// Writes `runs.csv`: one row per run, the run index then every scalar of
/// its summary; empty cells for undefined values.
pub fn write_runs_csv(path: &Path, rows: &[RunRow]) -> io::Result<()> {
    let lead = ["run".to_string()];
    write_rows(
        path,
        &lead,
        rows.iter()
            .map(|row| Ok((vec![row.run.to_string()], fields(&row.summary)?))),
    )
}

/// The numbers of one `bands.csv` cell (a step and metric across runs).
#[derive(Debug, Clone, Copy)]
pub struct BandNumbers {
    pub mean: f64,
    pub sd: f64,
    /// At [`QUANTILES`], in order.
    pub quantiles: [Option<f64>; QUANTILES.len()],
}

/// What `bands.csv` writes for `cell`; `None` when no run has a value.
pub fn band_numbers(cell: &BandCell) -> Option<BandNumbers> {
    (cell.moments.n > 0).then(|| BandNumbers {
        mean: cell.moments.mean(),
        sd: cell.moments.sd(),
        quantiles: QUANTILES.map(|(_, q)| cell.sketch.quantile(q)),
    })
}

/// Writes `bands.csv`: per step and metric, count, mean, sd and quantiles
/// across runs (tidy, long format).
pub fn write_bands_csv(path: &Path, bands: &Bands) -> io::Result<()> {
    use std::fmt::Write as _;
    use std::io::Write as _;
    write_atomic(path, |w| {
        // A line at a time through one reusable buffer, numbers as
        // `float_cell` writes them (a vector of strings per row through
        // the csv writer was a third of a one-run process). No cell needs
        // quoting: numbers, ISO dates and the metrics' identifiers.
        let mut line = String::from("step,date,time_years,metric,n,mean,sd");
        for (name, _) in QUANTILES {
            line.push(',');
            line.push_str(name);
        }
        line.push('\n');
        w.write_all(line.as_bytes())?;
        let cell = |line: &mut String, x: Option<f64>| {
            line.push(',');
            if let Some(x) = x {
                cells::push_float_cell(line, x);
            }
        };
        for s in 0..bands.steps() {
            for (k, metric) in BAND_METRICS.iter().enumerate() {
                let c = bands.cell(s, k);
                line.clear();
                write!(line, "{s},{}", bands.dates[s]).expect("writing to a String");
                cell(&mut line, Some(bands.time_years[s]));
                write!(line, ",{},{}", metric.name, c.moments.n).expect("writing to a String");
                match band_numbers(c) {
                    None => (0..2 + QUANTILES.len()).for_each(|_| line.push(',')),
                    Some(b) => {
                        cell(&mut line, Some(b.mean));
                        cell(&mut line, Some(b.sd));
                        b.quantiles.into_iter().for_each(|q| cell(&mut line, q));
                    }
                }
                line.push('\n');
                w.write_all(line.as_bytes())?;
            }
        }
        Ok(())
    })
}

/// Exact `q`-quantile of sorted values, linear interpolation between
/// order statistics (R's and numpy's default, "type 7").
pub fn quantile_sorted(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let h = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let lo = h.floor() as usize;
    let hi = (lo + 1).min(sorted.len() - 1);
    Some(sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo]))
}

/// Statistics of one scalar across runs, for `summary.json`: count, mean,
/// sd, 95 % confidence interval of the mean, exact 5/50/95 % quantiles.
pub fn scalar_stats(values: impl Iterator<Item = Option<f64>>) -> Value {
    let mut m = Moments::default();
    let mut all = Vec::new();
    let mut missing = 0u64;
    for v in values {
        match v {
            Some(x) if x.is_finite() => {
                m.push(x);
                all.push(x);
            }
            _ => missing += 1,
        }
    }
    all.sort_by(f64::total_cmp);
    let mut o = Map::new();
    o.insert("n".into(), json!(m.n));
    o.insert("undefined_runs".into(), json!(missing));
    if m.n > 0 {
        o.insert("mean".into(), json!(m.mean()));
        o.insert("sd".into(), json!(m.sd()));
        let ci = m.ci95();
        o.insert("mean_ci95_low".into(), json!(ci.map(|c| c.0)));
        o.insert("mean_ci95_high".into(), json!(ci.map(|c| c.1)));
        for (name, q) in [("p5", 0.05), ("p50", 0.5), ("p95", 0.95)] {
            o.insert(name.into(), json!(quantile_sorted(&all, q)));
        }
    }
    Value::Object(o)
}

/// `summary` with `"overrides"` (the command line's `--set`, as
/// `{path: value}`) inserted after `"seed"`; unchanged without overrides.
pub fn with_overrides(summary: Value, overrides: Option<&Value>) -> Value {
    let (Some(o), Value::Object(old)) = (overrides, &summary) else {
        return summary;
    };
    let mut new = Map::new();
    for (k, v) in old {
        new.insert(k.clone(), v.clone());
        if k == "seed" {
            new.insert("overrides".into(), o.clone());
        }
    }
    Value::Object(new)
}

/// Builds `summary.json` for a batch.
pub fn summary_json(sc: &Scenario, batch: &BatchResult, files: &[String]) -> Value {
    let mut metrics = Map::new();
    let maps: Vec<Map<String, Value>> = batch
        .rows
        .iter()
        .filter_map(|r| match serde_json::to_value(&r.summary) {
            Ok(Value::Object(m)) => Some(m),
            _ => None,
        })
        .collect();
    if let Some(first) = maps.first() {
        for key in first.keys() {
            let stats = scalar_stats(maps.iter().map(|m| m.get(key).and_then(Value::as_f64)));
            metrics.insert(key.clone(), stats);
        }
    }
    json!({
        "minesim_version": env!("CARGO_PKG_VERSION"),
        "scenario": sc.name,
        "description": sc.description,
        "seed": sc.seed,
        "runs": batch.rows.len(),
        "run_indices": [batch.runs.start, batch.runs.end],
        "steps": sc.simulation.steps(),
        "step_days": sc.simulation.step_days,
        "start_date": sc.start.date.to_string(),
        "end_date": sc.end_date().to_string(),
        "world_electricity_twh_per_year": sc.world.electricity_twh_per_year,
        "config": sc,
        "equilibrium_window_years": sc.metrics.window_years(sc.simulation.years),
        "quantile_relative_accuracy": SKETCH_RELATIVE_ACCURACY,
        "confidence_intervals": "95 % Student t interval of the mean across runs",
        "metrics": metrics,
        "files": files,
    })
}

/// Writes the rows of several runs as one CSV table with a `run` column
/// first: for each `(run, rows)`, every row as `run` followed by the row's
/// fields (the header from the first row's field names; no row: an empty
/// file). Undefined and non-finite values are empty cells
/// ([`cells::Finite`]).
pub fn write_runs_csv_stacked<'a, T, I>(path: &Path, runs: I) -> io::Result<()>
where
    T: Serialize + 'a,
    I: IntoIterator<Item = (u64, &'a [T])>,
{
    write_atomic(path, |w| {
        let mut csv = csv::WriterBuilder::new().has_headers(false).from_writer(w);
        let mut header = false;
        for (run, rows) in runs {
            for r in rows {
                if !header {
                    let mut names = vec!["run".to_string()];
                    names.extend(fields(r)?.keys().cloned());
                    csv.write_record(&names)?;
                    header = true;
                }
                csv.serialize((run, Finite(r))).map_err(io::Error::other)?;
            }
        }
        csv.flush()?;
        Ok(())
    })
}

/// Writes `fleet.csv` in long format: per kept run, step and ASIC
/// generation installed at some step of that run, the generation's
/// efficiency (J/TH at the ASIC) and its operating and installed hashrate
/// (EH/s). Generations a run never installed are left out.
pub fn write_fleet_csv(path: &Path, runs: &[(u64, RunResult)]) -> io::Result<()> {
    write_atomic(path, |w| {
        let mut csv = csv::Writer::from_writer(w);
        csv.write_record([
            "run",
            "step",
            "date",
            "generation",
            "efficiency_j_per_th",
            "operating_eh_s",
            "installed_eh_s",
        ])?;
        for (i, run) in runs {
            let g = run.generation_names.len();
            let steps = run.records.len();
            let ever: Vec<usize> = (0..g)
                .filter(|&j| {
                    (0..steps).any(|s| {
                        run.installed_by_generation
                            .get(s * g + j)
                            .copied()
                            .unwrap_or(0.0)
                            > 0.0
                            || run
                                .hashrate_by_generation
                                .get(s * g + j)
                                .copied()
                                .unwrap_or(0.0)
                                > 0.0
                    })
                })
                .collect();
            let (run_cell, j_cells): (String, Vec<String>) = (
                i.to_string(),
                (0..g)
                    .map(|j| {
                        run.generation_j_per_th
                            .get(j)
                            .map_or(String::new(), |&x| float_cell(x))
                    })
                    .collect(),
            );
            for (s, rec) in run.records.iter().enumerate() {
                let step = s.to_string();
                let date = rec.date.to_string();
                for &j in &ever {
                    let cell = |v: &[f64]| {
                        v.get(s * g + j)
                            .map_or(String::new(), |h| float_cell(h / 1e18))
                    };
                    csv.write_record([
                        run_cell.as_str(),
                        step.as_str(),
                        date.as_str(),
                        run.generation_names[j].as_str(),
                        j_cells[j].as_str(),
                        cell(&run.hashrate_by_generation).as_str(),
                        cell(&run.installed_by_generation).as_str(),
                    ])?;
                }
            }
        }
        csv.flush()
    })
}

/// Writes `regions.csv`: one row per step and finite power region of
/// `run` (long format): its curve's power, the sites taken, the machines'
/// load, the power running and the part of it that is curtailable, in MW,
/// and the price of the next MW (empty when the region is full).
pub fn write_regions_csv(path: &Path, runs: &[(u64, RunResult)]) -> io::Result<()> {
    write_atomic(path, |w| {
        let mut csv = csv::Writer::from_writer(w);
        csv.write_record([
            "run",
            "step",
            "date",
            "region",
            "capacity_mw",
            "sites_mw",
            "load_mw",
            "operating_mw",
            "curtailable_mw",
            "marginal_price_usd_per_kwh",
        ])?;
        for (i, run) in runs {
            let n = run.region_names.len();
            for (s, rec) in run.records.iter().enumerate() {
                let rows = run.regions.get(s * n..(s + 1) * n).unwrap_or(&[]);
                for (name, r) in run.region_names.iter().zip(rows) {
                    csv.write_record([
                        i.to_string(),
                        s.to_string(),
                        rec.date.to_string(),
                        name.clone(),
                        float_cell(r.capacity_w / 1e6),
                        float_cell(r.sites_w / 1e6),
                        float_cell(r.load_w / 1e6),
                        float_cell(r.operating_w / 1e6),
                        float_cell(r.curtailable_w / 1e6),
                        r.marginal_price_usd_per_kwh
                            .map_or(String::new(), float_cell),
                    ])?;
                }
            }
        }
        csv.flush()
    })
}

/// Writes `attack.csv`: per kept run and step, the `[attack]` table's
/// double spend priced after Budish ([`crate::miners::attack_economics`]):
/// its duration, payoff, the rented and the bought attack's costs, the
/// time to build the hashrate and the security margins. Empty cells where
/// a quantity is undefined (no hashrate, not rentable, no hardware market,
/// no payoff).
pub fn write_attack_csv(path: &Path, runs: &[(u64, RunResult)]) -> io::Result<()> {
    write_atomic(path, |w| {
        let mut csv = csv::Writer::from_writer(w);
        csv.write_record([
            "run",
            "step",
            "date",
            "duration_hours",
            "attacker_eh_s",
            "payoff_usd",
            "rent_usd",
            "rent_usd_per_hour",
            "rewards_won_usd",
            "rent_net_usd",
            "hardware_usd",
            "build_days",
            "buy_net_usd",
            "security_margin_rent",
            "security_margin_buy",
            "security_margin",
        ])?;
        let cell = |x: Option<f64>| x.map_or(String::new(), float_cell);
        for (i, run) in runs {
            for (s, (rec, a)) in run.records.iter().zip(&run.attack).enumerate() {
                csv.write_record([
                    i.to_string(),
                    s.to_string(),
                    rec.date.to_string(),
                    cell(a.duration_hours),
                    float_cell(a.attacker_eh_s),
                    float_cell(a.payoff_usd),
                    cell(a.rent_usd),
                    cell(a.rent_usd_per_hour),
                    cell(a.rewards_won_usd),
                    cell(a.rent_net_usd),
                    cell(a.hardware_usd),
                    cell(a.build_days),
                    cell(a.buy_net_usd),
                    cell(a.security_margin_rent),
                    cell(a.security_margin_buy),
                    cell(a.security_margin),
                ])?;
            }
        }
        csv.flush()
    })
}

/// Writes every table of a plain batch into `dir`: `steps.csv` and
/// `retargets.csv` (the kept runs, stacked, with a `run` column),
/// `fleet.csv` (agent scenarios) and `regions.csv` (scenarios with finite
/// power regions) and `attack.csv` (scenarios with an `[attack]` table)
/// for the same runs, `runs.csv`, `bands.csv` and
/// `summary.json` (with `overrides`, see [`with_overrides`]). Returns the
/// file names, in the order written.
pub fn write_batch_outputs(
    dir: &Path,
    scenario: &Scenario,
    batch: &BatchResult,
    overrides: Option<&Value>,
) -> io::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    let mut files = Vec::new();
    let kept = &batch.kept;
    write_runs_csv_stacked(
        &dir.join("steps.csv"),
        kept.iter().map(|(i, r)| (*i, r.records.as_slice())),
    )?;
    write_runs_csv_stacked(
        &dir.join("retargets.csv"),
        kept.iter().map(|(i, r)| (*i, r.retargets.as_slice())),
    )?;
    files.push("steps.csv".into());
    files.push("retargets.csv".into());
    if kept.iter().any(|(_, r)| !r.generation_names.is_empty()) {
        write_fleet_csv(&dir.join("fleet.csv"), kept)?;
        files.push("fleet.csv".into());
    }
    if kept.iter().any(|(_, r)| !r.region_names.is_empty()) {
        write_regions_csv(&dir.join("regions.csv"), kept)?;
        files.push("regions.csv".into());
    }
    if kept.iter().any(|(_, r)| !r.attack.is_empty()) {
        write_attack_csv(&dir.join("attack.csv"), kept)?;
        files.push("attack.csv".into());
    }
    write_runs_csv(&dir.join("runs.csv"), &batch.rows)?;
    files.push("runs.csv".into());
    write_bands_csv(&dir.join("bands.csv"), &batch.bands)?;
    files.push("bands.csv".into());
    files.push("summary.json".into());
    let summary = with_overrides(summary_json(scenario, batch, &files), overrides);
    write_json(&dir.join("summary.json"), &summary)?;
    Ok(files)
}
