//! The outputs of an `[uncertainty]` design: `sensitivity.csv` (Sobol'
//! indices of a Saltelli design, or Morris's mu*, sigma) and the combined
//! statistics over the design's samples for `summary.json`.
//!
//! The model output at a design point is the mean (or, with
//! `point_statistic = "median"`, the median) of a run scalar over the
//! point's runs in which it is defined. So the indices apportion the
//! variance of that statistic over the parameters. With independent
//! streams the Monte Carlo noise left in a mean of R runs (its variance
//! over R) is a part that no parameter explains, which lowers the
//! first-order indices and raises the total-order ones by about (noise
//! variance) / (variance of the means); more runs per point, or common
//! random numbers (`streams = "common"`), shrink it.

use super::cells::Finite;
use super::scalar_stats;
use super::sweep::KEY_SCALARS;
use crate::atomic::write_atomic;
use crate::batch::JobRow;
use crate::scenario::uncertainty::PointStatistic;
use crate::sensitivity::{morris_effects, sobol_indices, Bootstrap};
use crate::sweep::design::{design_seed, DesignLayout};
use crate::sweep::ExpandedSweep;
use serde::Serialize;
use serde_json::{json, Map, Value as Json};
use std::io;
use std::path::Path;

/// Confidence of the bootstrap intervals of the Sobol' indices.
pub const BOOTSTRAP_CONFIDENCE: f64 = 0.95;

/// One row of a Saltelli design's `sensitivity.csv`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SobolRow {
    pub metric: String,
    pub parameter: String,
    pub first_order: Option<f64>,
    pub first_order_ci_low: Option<f64>,
    pub first_order_ci_high: Option<f64>,
    pub total_order: Option<f64>,
    pub total_order_ci_low: Option<f64>,
    pub total_order_ci_high: Option<f64>,
}

/// One row of a Morris design's `sensitivity.csv` (effects in unit space:
/// the change of the output over the whole range of the parameter's
/// quantiles, see [`crate::sensitivity::morris_effects`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MorrisRow {
    pub metric: String,
    pub parameter: String,
    pub mu: Option<f64>,
    pub mu_star: Option<f64>,
    pub sigma: Option<f64>,
}

/// The sensitivity table of a design.
#[derive(Debug, Clone, PartialEq)]
pub enum SensitivityTable {
    Sobol(Vec<SobolRow>),
    Morris(Vec<MorrisRow>),
}

/// Per point, the mean or median of `metric` over the point's runs in
/// which it is defined; `None` if some point has no such run.
fn point_values(
    sweep: &ExpandedSweep,
    rows: &[JobRow],
    metric: &str,
    statistic: PointStatistic,
) -> Option<Vec<f64>> {
    let mut values: Vec<Vec<f64>> = vec![Vec::new(); sweep.points.len()];
    for r in rows {
        let v = super::cells::fields(&r.summary)
            .ok()?
            .get(metric)
            .and_then(Json::as_f64);
        if let (Some(v), Some(at)) = (v, values.get_mut(r.point as usize)) {
            at.push(v);
        }
    }
    values
        .iter_mut()
        .map(|v| {
            if v.is_empty() {
                return None;
            }
            Some(match statistic {
                PointStatistic::Mean => v.iter().sum::<f64>() / v.len() as f64,
                PointStatistic::Median => {
                    v.sort_by(f64::total_cmp);
                    let h = (v.len() - 1) as f64 * 0.5;
                    let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
                    v[lo] + (h - lo as f64) * (v[hi] - v[lo])
                }
            })
        })
        .collect()
}

/// The sensitivity table of the sweep's design for the key scalars
/// ([`KEY_SCALARS`]); `None` for a sweep without a design or a Latin
/// hypercube (which gives no indices). A metric undefined at some point
/// has empty cells.
pub fn sensitivity_table(
    sweep: &ExpandedSweep,
    rows: &[JobRow],
    seed: u64,
) -> Option<SensitivityTable> {
    let design = sweep.design.as_ref()?;
    let names: Vec<&str> = design
        .config
        .parameters
        .iter()
        .map(|p| p.path.as_str())
        .collect();
    let statistic = design.config.point_statistic;
    match &design.layout {
        DesignLayout::LatinHypercube => None,
        DesignLayout::Saltelli(d) => {
            let bootstrap = Bootstrap {
                resamples: design.config.bootstrap_resamples as usize,
                confidence: BOOTSTRAP_CONFIDENCE,
                seed: design_seed(seed).wrapping_add(1),
            };
            let mut out = Vec::new();
            for metric in KEY_SCALARS {
                let indices = point_values(sweep, rows, metric, statistic).and_then(|y| {
                    sobol_indices(d.base_samples(), d.parameters(), &y, &bootstrap).ok()
                });
                for (i, name) in names.iter().enumerate() {
                    let s = indices.as_ref().and_then(|v| v.get(i));
                    out.push(SobolRow {
                        metric: metric.to_string(),
                        parameter: name.to_string(),
                        first_order: s.and_then(|s| s.first_order),
                        first_order_ci_low: s.and_then(|s| s.first_order_ci_low),
                        first_order_ci_high: s.and_then(|s| s.first_order_ci_high),
                        total_order: s.and_then(|s| s.total_order),
                        total_order_ci_low: s.and_then(|s| s.total_order_ci_low),
                        total_order_ci_high: s.and_then(|s| s.total_order_ci_high),
                    });
                }
            }
            Some(SensitivityTable::Sobol(out))
        }
        DesignLayout::Morris(d) => {
            let mut out = Vec::new();
            for metric in KEY_SCALARS {
                let effects = point_values(sweep, rows, metric, statistic)
                    .and_then(|y| morris_effects(d, &y).ok());
                for (i, name) in names.iter().enumerate() {
                    let e = effects.as_ref().and_then(|v| v.get(i));
                    out.push(MorrisRow {
                        metric: metric.to_string(),
                        parameter: name.to_string(),
                        mu: e.map(|e| e.mu),
                        mu_star: e.map(|e| e.mu_star),
                        sigma: e.map(|e| e.sigma),
                    });
                }
            }
            Some(SensitivityTable::Morris(out))
        }
    }
}

/// Writes `sensitivity.csv`.
pub fn write_sensitivity_csv(path: &Path, table: &SensitivityTable) -> io::Result<()> {
    fn rows<T: Serialize>(w: &mut dyn io::Write, header: &[&str], rows: &[T]) -> io::Result<()> {
        let mut csv = csv::WriterBuilder::new().has_headers(false).from_writer(w);
        csv.write_record(header)?;
        for r in rows {
            csv.serialize(Finite(r)).map_err(io::Error::other)?;
        }
        csv.flush()
    }
    write_atomic(path, |w| match table {
        SensitivityTable::Sobol(r) => rows(
            w,
            &[
                "metric",
                "parameter",
                "first_order",
                "first_order_ci_low",
                "first_order_ci_high",
                "total_order",
                "total_order_ci_low",
                "total_order_ci_high",
            ],
            r,
        ),
        SensitivityTable::Morris(r) => {
            rows(w, &["metric", "parameter", "mu", "mu_star", "sigma"], r)
        }
    })
}

/// The table as JSON for `summary.json`: per metric, one object per
/// parameter (null where undefined).
pub fn sensitivity_json(table: &SensitivityTable) -> Json {
    let mut by_metric: Map<String, Json> = Map::new();
    let mut push = |metric: &str, row: Json| {
        if let Json::Array(a) = by_metric
            .entry(metric.to_string())
            .or_insert_with(|| Json::Array(Vec::new()))
        {
            a.push(row);
        }
    };
    match table {
        SensitivityTable::Sobol(rows) => {
            for r in rows {
                push(
                    &r.metric,
                    json!({
                        "parameter": r.parameter,
                        "first_order": r.first_order,
                        "first_order_ci95": [r.first_order_ci_low, r.first_order_ci_high],
                        "total_order": r.total_order,
                        "total_order_ci95": [r.total_order_ci_low, r.total_order_ci_high],
                    }),
                );
            }
        }
        SensitivityTable::Morris(rows) => {
            for r in rows {
                push(
                    &r.metric,
                    json!({
                        "parameter": r.parameter,
                        "mu": r.mu,
                        "mu_star": r.mu_star,
                        "sigma": r.sigma,
                    }),
                );
            }
        }
    }
    Json::Object(by_metric)
}

/// Statistics of every run scalar over the runs of the design's sample
/// points ([`crate::sweep::design::Design::is_sample`]): the result's
/// spread over what is unknown (the parameters) and over chance (the
/// runs) together. `None` for a sweep without a design.
pub fn combined_metrics(sweep: &ExpandedSweep, rows: &[JobRow]) -> io::Result<Option<Json>> {
    let Some(design) = &sweep.design else {
        return Ok(None);
    };
    let maps = rows
        .iter()
        .filter(|r| design.is_sample(r.point as usize))
        .map(|r| super::cells::fields(&r.summary))
        .collect::<io::Result<Vec<_>>>()?;
    let mut metrics = Map::new();
    if let Some(first) = maps.first() {
        for key in first.keys() {
            let stats = scalar_stats(maps.iter().map(|m| m.get(key).and_then(Json::as_f64)));
            metrics.insert(key.clone(), stats);
        }
    }
    Ok(Some(json!({
        "runs": maps.len(),
        "metrics": metrics,
    })))
}
