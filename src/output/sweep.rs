//! The outputs of a sweep: `points.csv`, `runs.csv` (one row per point and
//! run) and `summary.json`; per-step bands only for an uncertainty design
//! whose points share their steps (`bands.csv` over every point's runs:
//! parameters and chance together).

use super::cells::{fields, value_cell as cell, write_rows};
use super::sensitivity::{
    combined_metrics, sensitivity_json, sensitivity_table, write_sensitivity_csv, SensitivityTable,
};
use super::{scalar_stats, with_overrides, write_bands_csv, write_json};
use crate::atomic::write_atomic;
use crate::batch::{Bands, JobRow};
use crate::scenario::sweep::{path_column, value_text};
use crate::scenario::Scenario;
use crate::sweep::design::design_seed;
use crate::sweep::ExpandedSweep;
use serde_json::{json, Map, Value as Json};
use std::io;
use std::path::Path;

/// The run scalars summarised per point in `points.csv`.
pub const KEY_SCALARS: [&str; 7] = [
    "equilibrium_ratio_energy",
    "equilibrium_ratio_energy_capex",
    "equilibrium_ratio_total",
    "equilibrium_hashrate_eh_s",
    "equilibrium_energy_twh_per_year",
    "equilibrium_world_electricity_share",
    "equilibrium_attack_energy_usd_per_hour",
];

/// Statistics per key scalar in `points.csv`, as `(column suffix, key in
/// [`scalar_stats`])`.
const POINT_STATS: [(&str, &str); 6] = [
    ("mean", "mean"),
    ("ci95_low", "mean_ci95_low"),
    ("ci95_high", "mean_ci95_high"),
    ("p5", "p5"),
    ("p50", "p50"),
    ("p95", "p95"),
];

fn summary_map(row: &JobRow) -> io::Result<Map<String, Json>> {
    fields(&row.summary)
}

/// Rows of each point (rows must be in job order: point-major).
fn rows_by_point<'a>(sweep: &ExpandedSweep, rows: &'a [JobRow]) -> Vec<Vec<&'a JobRow>> {
    let mut by = vec![Vec::new(); sweep.points.len()];
    for r in rows {
        if let Some(v) = by.get_mut(r.point as usize) {
            v.push(r);
        }
    }
    by
}

/// Per point and metric: the [`scalar_stats`] of every run-summary scalar.
fn point_metrics(sweep: &ExpandedSweep, rows: &[JobRow]) -> io::Result<Vec<Map<String, Json>>> {
    let mut out = Vec::new();
    for point_rows in rows_by_point(sweep, rows) {
        let maps = point_rows
            .iter()
            .map(|r| summary_map(r))
            .collect::<io::Result<Vec<_>>>()?;
        let mut metrics = Map::new();
        if let Some(first) = maps.first() {
            for key in first.keys() {
                let stats = scalar_stats(maps.iter().map(|m| m.get(key).and_then(Json::as_f64)));
                metrics.insert(key.clone(), stats);
            }
        }
        out.push(metrics);
    }
    Ok(out)
}

/// Writes `points.csv`: one row per point: `point`, one column per swept
/// path (named by [`path_column`]), `runs`, then `<scalar>_mean`, `_ci95_low`, `_ci95_high`, `_p5`,
/// `_p50`, `_p95` for each of [`KEY_SCALARS`] (exact quantiles of the
/// point's runs; 95 % Student t interval of the mean; empty cells when
/// undefined).
pub fn write_points_csv(path: &Path, sweep: &ExpandedSweep, rows: &[JobRow]) -> io::Result<()> {
    let metrics = point_metrics(sweep, rows)?;
    write_atomic(path, |w| {
        let mut csv = csv::Writer::from_writer(w);
        let mut header = vec!["point".to_string()];
        header.extend(sweep.config.parameters.iter().map(|p| path_column(&p.path)));
        header.push("runs".into());
        for k in KEY_SCALARS {
            header.extend(POINT_STATS.iter().map(|(s, _)| format!("{k}_{s}")));
        }
        csv.write_record(&header)?;
        for (point, m) in sweep.points.iter().zip(&metrics) {
            let mut rec = vec![point.index.to_string()];
            rec.extend(point.assignments.iter().map(|(_, v)| value_text(v)));
            let n = m
                .get("steps")
                .and_then(|s| s.get("n"))
                .map(cell)
                .unwrap_or_else(|| "0".into());
            rec.push(n);
            for k in KEY_SCALARS {
                let stats = m.get(k);
                for (_, key) in POINT_STATS {
                    rec.push(stats.and_then(|s| s.get(key)).map(cell).unwrap_or_default());
                }
            }
            csv.write_record(&rec)?;
        }
        csv.flush()
    })
}

/// Writes a sweep's `runs.csv`: one row per (point, run): `point`, `run`,
/// the point's parameter values, then every run-summary scalar.
pub fn write_sweep_runs_csv(path: &Path, sweep: &ExpandedSweep, rows: &[JobRow]) -> io::Result<()> {
    let mut lead = vec!["point".to_string(), "run".to_string()];
    lead.extend(sweep.config.parameters.iter().map(|p| path_column(&p.path)));
    let rows = rows.iter().map(|row| {
        let mut rec = vec![row.point.to_string(), row.run.to_string()];
        if let Some(p) = sweep.points.get(row.point as usize) {
            rec.extend(p.assignments.iter().map(|(_, v)| value_text(v)));
        }
        Ok((rec, summary_map(row)?))
    });
    write_rows(path, &lead, rows)
}

/// Builds a sweep's `summary.json`: the sweep's definition and, per
/// point, its parameter values and the statistics of every run scalar.
/// Nothing in it depends on threads, shards or time. A design's
/// `sensitivity` is the table written as `sensitivity.csv`.
pub fn sweep_summary_json(
    base: &Scenario,
    sweep: &ExpandedSweep,
    rows: &[JobRow],
    files: &[String],
    sensitivity: Option<&SensitivityTable>,
) -> io::Result<Json> {
    let metrics = point_metrics(sweep, rows)?;
    let points: Vec<Json> = sweep
        .points
        .iter()
        .zip(metrics)
        .map(|(p, m)| {
            let mut params = Map::new();
            for (path, v) in &p.assignments {
                params.insert(path.clone(), serde_json::to_value(v).unwrap_or(Json::Null));
            }
            json!({ "point": p.index, "parameters": params, "metrics": m })
        })
        .collect();
    let sim = &base.simulation;
    let mut summary = json!({
        "minesim_version": env!("CARGO_PKG_VERSION"),
        "scenario": base.name,
        "description": base.description,
        "seed": base.seed,
        "runs_per_point": base.runs,
        "points": sweep.points.len(),
        "runs": sweep.points.len() as u64 * base.runs,
        "random_streams": "run r of point p uses ChaCha8 stream p * 2^32 + r of the seed",
        "sweep": serde_json::to_value(&sweep.config).map_err(io::Error::other)?,
        "steps": sim.steps(),
        "step_days": sim.step_days,
        "start_date": base.start.date.to_string(),
        "end_date": base.end_date().to_string(),
        "world_electricity_twh_per_year": base.world.electricity_twh_per_year,
        "config": base,
        "equilibrium_window_years": base.metrics.window_years(sim.years),
        "confidence_intervals": "95 % Student t interval of the mean across runs",
        "quantiles": "exact sample quantiles across the point's runs (linear interpolation)",
        "point_results": points,
        "files": files,
    });
    if let (Some(design), Json::Object(m)) = (&sweep.design, &mut summary) {
        // A design's points are in point_results; its definition replaces
        // the expanded sweep.
        let mut out = Map::new();
        for (k, v) in std::mem::take(m) {
            if k == "sweep" {
                out.insert(
                    "uncertainty".into(),
                    serde_json::to_value(&design.config).map_err(io::Error::other)?,
                );
                out.insert("design_seed".into(), json!(design_seed(base.seed)));
            } else if k == "random_streams"
                && design.config.streams == crate::scenario::uncertainty::StreamsKind::Common
            {
                out.insert(
                    k,
                    json!("run r of every point uses ChaCha8 stream r of the seed (common random numbers)"),
                );
            } else if k == "point_results" {
                if let Some(c) = combined_metrics(sweep, rows)? {
                    out.insert("combined".into(), c);
                }
                if let Some(t) = sensitivity {
                    out.insert("sensitivity".into(), sensitivity_json(t));
                }
                out.insert(k, v);
            } else {
                out.insert(k, v);
            }
        }
        *m = out;
    }
    Ok(summary)
}

/// Writes every output of a sweep (`points.csv`, `runs.csv`, for a design
/// `sensitivity.csv` and, given `bands` (its runs of every point folded
/// together), `bands.csv`; `summary.json`, with `overrides` as for a
/// batch) into `dir`; `rows` in job order. Returns the file names.
pub fn write_sweep_outputs(
    dir: &Path,
    base: &Scenario,
    sweep: &ExpandedSweep,
    rows: &[JobRow],
    bands: Option<&Bands>,
    overrides: Option<&Json>,
) -> io::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    write_points_csv(&dir.join("points.csv"), sweep, rows)?;
    write_sweep_runs_csv(&dir.join("runs.csv"), sweep, rows)?;
    let mut files: Vec<String> = vec!["points.csv".into(), "runs.csv".into()];
    if let Some(b) = bands {
        write_bands_csv(&dir.join("bands.csv"), b)?;
        files.push("bands.csv".into());
    }
    let sensitivity = sensitivity_table(sweep, rows, base.seed);
    if let Some(t) = &sensitivity {
        write_sensitivity_csv(&dir.join("sensitivity.csv"), t)?;
        files.push("sensitivity.csv".into());
    }
    files.push("summary.json".into());
    let summary = with_overrides(
        sweep_summary_json(base, sweep, rows, &files, sensitivity.as_ref())?,
        overrides,
    );
    write_json(&dir.join("summary.json"), &summary)?;
    Ok(files)
}
