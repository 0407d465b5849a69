//! Parameter sweeps: one Monte Carlo batch at each point of a grid (or a
//! zipped list) of scenario parameters.
//!
//! A scenario may carry a `[sweep]` table:
//!
//! ```toml
//! [sweep]
//! mode = "grid"            # or "zip"
//! [[sweep.parameters]]
//! path = "price.volatility_per_year"
//! values = [0.2, 0.5, 0.8]
//! [[sweep.parameters]]
//! path = "hash_supply.slope_eh_s"
//! linear = { from = 10, to = 30, count = 3 }
//! [[sweep.parameters]]
//! path = "fees.btc_per_block"
//! log = { from = 0.01, to = 1, count = 3 }
//! ```
//!
//! A point is applied by editing the scenario file's TOML tree: the dotted
//! path (with list indices, `miners.groups[0].share`) is set to the point's
//! value, missing tables on the way are created, and the edited tree is
//! deserialised and validated like a hand-written file. So a point means
//! exactly what the same value written into the file would mean.
//!
//! Order of points: in `grid` mode the first parameter varies slowest (the
//! nested loops are written in parameter order); in `zip` mode point `i`
//! takes the `i`-th value of every parameter (all must have equally many).
//!
//! Random streams: run `r` of point `p` draws from ChaCha8 stream
//! `p · 2^32 + r` of the master seed ([`crate::batch::stream_index`]), so a
//! run's numbers depend only on (seed, point, run), and point 0 of a sweep
//! uses the same streams as a plain batch.
//!
//! Outputs of a sweep (see [`write_sweep_outputs`]): `points.csv`,
//! `runs.csv` and `summary.json`; no per-step bands.

use crate::batch::JobRow;
use crate::output::atomic::write_atomic;
use crate::output::{scalar_stats, write_json};
use crate::scenario::validate::{index, join, FieldError, Validator};
use crate::scenario::{Scenario, ScenarioError};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value as Json};
use std::io;
use std::path::Path;
use toml::Value;

/// Largest number of points a sweep may have.
pub const MAX_POINTS: u64 = 100_000;

/// Scenario fields that cannot be swept: they describe the batch, not the
/// model (`seed`, `runs`), or the sweep itself.
const FIXED_FIELDS: [&str; 4] = ["name", "seed", "runs", "sweep"];

/// How the values of several parameters combine into points.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SweepMode {
    /// Cartesian product: every combination of values (default).
    #[default]
    Grid,
    /// Point `i` takes the `i`-th value of each parameter.
    Zip,
}

impl SweepMode {
    /// The name used in scenario files: `grid` or `zip`.
    pub fn name(&self) -> &'static str {
        match self {
            SweepMode::Grid => "grid",
            SweepMode::Zip => "zip",
        }
    }
}

/// Evenly spaced values from `from` to `to` inclusive.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ValueRange {
    /// First value (in the parameter's unit).
    pub from: f64,
    /// Last value (in the parameter's unit).
    pub to: f64,
    /// Number of values, at least 1 (1 gives just `from`).
    pub count: u64,
}

/// One swept parameter: a field path and its values. Give exactly one of
/// `values`, `linear` and `log`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SweepParameter {
    /// Dotted path of a scenario field, with list indices:
    /// `price.volatility_per_year`, `miners.groups[0].share`.
    pub path: String,
    /// Explicit values (numbers, strings or booleans).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<Value>>,
    /// Evenly spaced values on a linear scale (interior values rounded to
    /// 12 significant digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linear: Option<ValueRange>,
    /// Evenly spaced values on a log scale (`from`, `to` > 0; interior
    /// values rounded to 12 significant digits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log: Option<ValueRange>,
}

/// The `[sweep]` table of a scenario.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SweepConfig {
    /// `grid` (default: every combination) or `zip` (values side by side).
    #[serde(default)]
    pub mode: SweepMode,
    /// The swept parameters, in order (`[[sweep.parameters]]`).
    pub parameters: Vec<SweepParameter>,
}

/// One element of a parameter path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PathSegment {
    /// A table key.
    Key(String),
    /// A list index.
    Index(usize),
}

/// Parses `a.b[0].c` into segments.
pub fn parse_path(path: &str) -> Result<Vec<PathSegment>, String> {
    let bad = |why: &str| {
        format!("{path:?} is not a field path ({why}); write e.g. \"price.volatility_per_year\" or \"miners.groups[0].share\"")
    };
    let mut segs = Vec::new();
    for part in path.split('.') {
        let (key, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if key.is_empty()
            || !key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(bad("empty or invalid key"));
        }
        segs.push(PathSegment::Key(key.to_string()));
        while !rest.is_empty() {
            let close = rest.find(']').ok_or_else(|| bad("unclosed '['"))?;
            let n: usize = rest[1..close]
                .parse()
                .map_err(|_| bad("list index must be a non-negative integer"))?;
            segs.push(PathSegment::Index(n));
            rest = &rest[close + 1..];
            if !rest.is_empty() && !rest.starts_with('[') {
                return Err(bad("unexpected text after ']'"));
            }
        }
    }
    Ok(segs)
}

impl ValueRange {
    fn validate(&self, v: &mut Validator, path: &str, log: bool) {
        if log {
            v.in_open_closed(&join(path, "from"), self.from, 0.0, f64::MAX);
            v.in_open_closed(&join(path, "to"), self.to, 0.0, f64::MAX);
        } else {
            v.finite(&join(path, "from"), self.from);
            v.finite(&join(path, "to"), self.to);
        }
        v.int_in(&join(path, "count"), self.count, 1, MAX_POINTS);
    }

    /// The values; the end points are exact.
    fn values(&self, log: bool) -> Vec<f64> {
        let n = self.count.max(1);
        (0..n)
            .map(|i| {
                if i == 0 {
                    self.from
                } else if i == n - 1 {
                    self.to
                } else {
                    let f = i as f64 / (n - 1) as f64;
                    let x = if log {
                        self.from * (self.to / self.from).powf(f)
                    } else {
                        self.from + f * (self.to - self.from)
                    };
                    round_significant(x)
                }
            })
            .collect()
    }
}

/// Rounds to 12 significant digits, so generated values read like the
/// numbers a person would type (`0.6`, not `0.6000000000000001`).
fn round_significant(x: f64) -> f64 {
    format!("{x:.11e}").parse().unwrap_or(x)
}

impl SweepParameter {
    /// The parameter's values in order.
    pub fn values(&self) -> Vec<Value> {
        if let Some(v) = &self.values {
            v.clone()
        } else if let Some(r) = &self.linear {
            r.values(false).into_iter().map(Value::Float).collect()
        } else if let Some(r) = &self.log {
            r.values(true).into_iter().map(Value::Float).collect()
        } else {
            Vec::new()
        }
    }

    fn count(&self) -> u64 {
        match (&self.values, &self.linear, &self.log) {
            (Some(v), _, _) => v.len() as u64,
            (None, Some(r), _) | (None, None, Some(r)) => r.count,
            _ => 0,
        }
    }
}

impl SweepConfig {
    /// Checks the sweep's structure (paths, value lists, point count); the
    /// values themselves are checked per point by [`expand`].
    pub fn validate(&self, v: &mut Validator, path: &str) {
        let params = join(path, "parameters");
        if self.parameters.is_empty() {
            v.error(&params, "must list at least one parameter");
            return;
        }
        let mut seen: Vec<&str> = Vec::new();
        for (i, p) in self.parameters.iter().enumerate() {
            let pp = index(&params, i);
            match parse_path(&p.path) {
                Err(e) => v.error(join(&pp, "path"), e),
                Ok(segs) => {
                    if let Some(PathSegment::Key(first)) = segs.first() {
                        if FIXED_FIELDS.contains(&first.as_str()) {
                            v.error(
                                join(&pp, "path"),
                                format!("{:?} cannot be swept (seed, runs and name belong to the whole batch)", p.path),
                            );
                        }
                    }
                }
            }
            if seen.contains(&p.path.as_str()) {
                v.error(join(&pp, "path"), format!("{:?} is swept twice", p.path));
            }
            seen.push(&p.path);
            let given = [p.values.is_some(), p.linear.is_some(), p.log.is_some()]
                .iter()
                .filter(|&&b| b)
                .count();
            if given != 1 {
                v.error(&pp, "must give exactly one of `values`, `linear` and `log`");
            }
            if let Some(values) = &p.values {
                if values.is_empty() {
                    v.error(join(&pp, "values"), "must not be empty");
                }
                if values.len() as u64 > MAX_POINTS {
                    v.error(
                        join(&pp, "values"),
                        format!("has {} values, more than {MAX_POINTS}", values.len()),
                    );
                }
                for (j, x) in values.iter().enumerate() {
                    let ok = match x {
                        Value::Float(f) => f.is_finite(),
                        Value::Integer(_) | Value::String(_) | Value::Boolean(_) => true,
                        _ => false,
                    };
                    if !ok {
                        v.error(
                            index(&join(&pp, "values"), j),
                            format!("must be a finite number, a string or a boolean, got {x}"),
                        );
                    }
                }
            }
            if let Some(r) = &p.linear {
                r.validate(v, &join(&pp, "linear"), false);
            }
            if let Some(r) = &p.log {
                r.validate(v, &join(&pp, "log"), true);
            }
        }
        let counts: Vec<u64> = self.parameters.iter().map(|p| p.count()).collect();
        match self.mode {
            SweepMode::Zip => {
                if counts.iter().any(|&c| c != counts[0]) {
                    v.error(
                        join(path, "mode"),
                        format!(
                            "\"zip\" needs equally many values for every parameter, got {}",
                            counts
                                .iter()
                                .map(|c| c.to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    );
                }
            }
            SweepMode::Grid => {
                let total = counts.iter().fold(1u64, |a, &c| a.saturating_mul(c));
                if total > MAX_POINTS {
                    v.error(
                        path,
                        format!("the grid has {total} points, more than the limit of {MAX_POINTS}"),
                    );
                }
            }
        }
    }

    /// Every point's values, one per parameter, in point order.
    pub fn point_values(&self) -> Vec<Vec<Value>> {
        let lists: Vec<Vec<Value>> = self.parameters.iter().map(|p| p.values()).collect();
        match self.mode {
            SweepMode::Zip => {
                let n = lists.iter().map(Vec::len).min().unwrap_or(0);
                (0..n)
                    .map(|i| lists.iter().map(|l| l[i].clone()).collect())
                    .collect()
            }
            SweepMode::Grid => {
                let mut points: Vec<Vec<Value>> = vec![Vec::new()];
                for list in &lists {
                    points = points
                        .into_iter()
                        .flat_map(|prefix| {
                            list.iter().map(move |x| {
                                let mut p = prefix.clone();
                                p.push(x.clone());
                                p
                            })
                        })
                        .collect();
                }
                points
            }
        }
    }
}

/// Text of a swept value for CSV cells and messages (`0.2`, `20`, `gbm`).
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Float(f) => format!("{f}"),
        Value::Integer(i) => i.to_string(),
        Value::String(s) => s.clone(),
        Value::Boolean(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// One point of a sweep: its index and the value of each parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepPoint {
    pub index: u64,
    /// `(path, value)` per swept parameter, in parameter order.
    pub assignments: Vec<(String, Value)>,
}

impl SweepPoint {
    /// `price.volatility_per_year = 0.2, hash_supply.slope_eh_s = 10`.
    pub fn label(&self) -> String {
        self.assignments
            .iter()
            .map(|(p, v)| format!("{p} = {}", value_text(v)))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A sweep expanded into validated point scenarios.
#[derive(Debug, Clone)]
pub struct ExpandedSweep {
    pub config: SweepConfig,
    pub points: Vec<SweepPoint>,
    /// The scenario of each point (`sweep` removed, name of the base).
    pub scenarios: Vec<Scenario>,
}

/// Sets `segs` in a TOML tree to `new`, creating missing tables on the way.
/// An integral float replacing an integer stays an integer, so integer
/// fields can be swept with `linear`.
fn set_path(root: &mut Value, segs: &[PathSegment], new: Value) -> Result<(), String> {
    let Some((last, parents)) = segs.split_last() else {
        return Err("empty path".into());
    };
    let mut cur = root;
    let mut walked = String::new();
    for (i, seg) in parents.iter().enumerate() {
        let next_is_index = matches!(segs[i + 1], PathSegment::Index(_));
        let here = walked.clone();
        match seg {
            PathSegment::Key(k) => walked = join(&walked, k),
            PathSegment::Index(n) => walked = index(&walked, *n),
        }
        cur = match (seg, cur) {
            (PathSegment::Key(k), Value::Table(t)) => {
                if !t.contains_key(k) {
                    if next_is_index {
                        return Err(format!(
                            "`{walked}` is not written in the scenario file (write the list out to sweep one of its elements)"
                        ));
                    }
                    t.insert(k.clone(), Value::Table(toml::Table::new()));
                }
                t.get_mut(k)
                    .ok_or_else(|| format!("`{walked}` is missing"))?
            }
            (PathSegment::Index(n), Value::Array(a)) => {
                let len = a.len();
                a.get_mut(*n).ok_or_else(|| {
                    format!("`{here}` has {len} element(s), index {n} is out of range")
                })?
            }
            (PathSegment::Key(_), _) => return Err(format!("`{here}` is not a table")),
            (PathSegment::Index(_), _) => return Err(format!("`{here}` is not a list")),
        };
    }
    let keep_integer = |old: Option<&Value>, new: Value| match (old, new) {
        (Some(Value::Integer(_)), Value::Float(f)) if f.fract() == 0.0 && f.abs() < 9e15 => {
            Value::Integer(f as i64)
        }
        (_, v) => v,
    };
    match (last, cur) {
        (PathSegment::Key(k), Value::Table(t)) => {
            let v = keep_integer(t.get(k), new);
            t.insert(k.clone(), v);
            Ok(())
        }
        (PathSegment::Index(n), Value::Array(a)) => {
            let len = a.len();
            let slot = a.get_mut(*n).ok_or_else(|| {
                format!("`{walked}` has {len} element(s), index {n} is out of range")
            })?;
            *slot = keep_integer(Some(slot), new);
            Ok(())
        }
        (PathSegment::Key(_), _) => Err(format!("`{walked}` is not a table")),
        (PathSegment::Index(_), _) => Err(format!("`{walked}` is not a list")),
    }
}

fn leaf_key(segs: &[PathSegment]) -> Option<&str> {
    segs.iter().rev().find_map(|s| match s {
        PathSegment::Key(k) => Some(k.as_str()),
        PathSegment::Index(_) => None,
    })
}

/// Expands the sweep of `base` (parsed from `text`, the file at `file`)
/// into its point scenarios, checking every point before anything runs.
/// `Ok(None)` if the scenario has no sweep. Errors name the parameter
/// (`sweep.parameters[1].path`) or the point and its values.
pub fn expand(
    text: &str,
    file: &Path,
    base: &Scenario,
) -> Result<Option<ExpandedSweep>, ScenarioError> {
    let Some(config) = base.sweep.clone() else {
        return Ok(None);
    };
    let invalid = |errors: Vec<FieldError>| ScenarioError::Invalid {
        path: file.to_path_buf(),
        errors,
    };
    let mut tree: toml::Table = toml::from_str(text).map_err(|e| ScenarioError::Syntax {
        path: file.to_path_buf(),
        line: 1,
        column: 1,
        message: e.message().trim().to_string(),
    })?;
    tree.remove("sweep");
    let tree = Value::Table(tree);
    let paths: Vec<Vec<PathSegment>> = config
        .parameters
        .iter()
        .map(|p| parse_path(&p.path).unwrap_or_default())
        .collect();

    // Each path on its own: it must name a field of the scenario.
    let mut errors = Vec::new();
    for (i, (p, segs)) in config.parameters.iter().zip(&paths).enumerate() {
        let at = join(&index("sweep.parameters", i), "path");
        let Some(first) = p.values().into_iter().next() else {
            continue;
        };
        let mut t = tree.clone();
        if let Err(e) = set_path(&mut t, segs, first) {
            errors.push(FieldError {
                path: at,
                message: format!("{:?} names no field of the scenario: {e}", p.path),
            });
            continue;
        }
        if let Err(e) = t.try_into::<Scenario>() {
            let m = e.message().trim().to_string();
            let unknown =
                leaf_key(segs).is_some_and(|k| m.starts_with(&format!("unknown field `{k}`")));
            if unknown {
                errors.push(FieldError {
                    path: at,
                    message: format!("{:?} names no field of the scenario: {m}", p.path),
                });
            }
        }
    }
    if !errors.is_empty() {
        return Err(invalid(errors));
    }

    // Every point: deserialise and validate like a hand-written file.
    const MAX_REPORTED: usize = 20;
    let mut failed = 0usize;
    let mut points = Vec::new();
    let mut scenarios = Vec::new();
    for (k, values) in config.point_values().into_iter().enumerate() {
        let point = SweepPoint {
            index: k as u64,
            assignments: config
                .parameters
                .iter()
                .map(|p| p.path.clone())
                .zip(values.iter().cloned())
                .collect(),
        };
        let prefix = format!("sweep point {k} ({})", point.label());
        let mut t = tree.clone();
        let mut point_errors = Vec::new();
        for (segs, v) in paths.iter().zip(values) {
            if let Err(e) = set_path(&mut t, segs, v) {
                point_errors.push(FieldError {
                    path: prefix.clone(),
                    message: e,
                });
            }
        }
        if point_errors.is_empty() {
            match t.try_into::<Scenario>() {
                Err(e) => point_errors.push(FieldError {
                    path: format!("{prefix}:"),
                    message: e.message().trim().to_string(),
                }),
                Ok(mut sc) => {
                    sc.name = base.name.clone();
                    sc.sweep = None;
                    match sc.validate() {
                        Ok(()) => scenarios.push(sc),
                        Err(es) => point_errors.extend(es.into_iter().map(|e| FieldError {
                            path: format!("{prefix}: {}", e.path),
                            message: e.message,
                        })),
                    }
                }
            }
        }
        if !point_errors.is_empty() {
            failed += 1;
            if errors.len() < MAX_REPORTED {
                errors.extend(point_errors);
            }
        }
        points.push(point);
    }
    if !errors.is_empty() {
        if failed > 1 {
            errors.push(FieldError {
                path: "sweep".into(),
                message: format!("{failed} of {} points are invalid", points.len()),
            });
        }
        return Err(invalid(errors));
    }
    Ok(Some(ExpandedSweep {
        config,
        points,
        scenarios,
    }))
}

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
    match serde_json::to_value(&row.summary).map_err(io::Error::other)? {
        Json::Object(m) => Ok(m),
        _ => Err(io::Error::other("run summary is not a JSON object")),
    }
}

fn cell(v: &Json) -> String {
    match v {
        Json::Null => String::new(),
        Json::String(s) => s.clone(),
        other => other.to_string(),
    }
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
/// path, `runs`, then `<scalar>_mean`, `_ci95_low`, `_ci95_high`, `_p5`,
/// `_p50`, `_p95` for each of [`KEY_SCALARS`] (exact quantiles of the
/// point's runs; 95 % Student t interval of the mean; empty cells when
/// undefined).
pub fn write_points_csv(path: &Path, sweep: &ExpandedSweep, rows: &[JobRow]) -> io::Result<()> {
    let metrics = point_metrics(sweep, rows)?;
    write_atomic(path, |w| {
        let mut csv = csv::Writer::from_writer(w);
        let mut header = vec!["point".to_string()];
        header.extend(sweep.config.parameters.iter().map(|p| p.path.clone()));
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
    write_atomic(path, |w| {
        let mut csv = csv::Writer::from_writer(w);
        let mut header_done = false;
        for row in rows {
            let map = summary_map(row)?;
            if !header_done {
                let mut header = vec!["point".to_string(), "run".to_string()];
                header.extend(sweep.config.parameters.iter().map(|p| p.path.clone()));
                header.extend(map.keys().cloned());
                csv.write_record(&header)?;
                header_done = true;
            }
            let mut rec = vec![row.point.to_string(), row.run.to_string()];
            if let Some(p) = sweep.points.get(row.point as usize) {
                rec.extend(p.assignments.iter().map(|(_, v)| value_text(v)));
            }
            rec.extend(map.values().map(cell));
            csv.write_record(&rec)?;
        }
        csv.flush()
    })
}

/// Builds a sweep's `summary.json`: the sweep's definition and, per
/// point, its parameter values and the statistics of every run scalar.
/// Nothing in it depends on threads, shards or time.
pub fn sweep_summary_json(
    base: &Scenario,
    sweep: &ExpandedSweep,
    rows: &[JobRow],
    files: &[String],
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
    Ok(json!({
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
        "equilibrium_window_years": base.metrics.window_years(sim.years),
        "confidence_intervals": "95 % Student t interval of the mean across runs",
        "quantiles": "exact sample quantiles across the point's runs (linear interpolation)",
        "point_results": points,
        "files": files,
    }))
}

/// Writes every output of a sweep (`points.csv`, `runs.csv`,
/// `summary.json`) into `dir`; `rows` in job order. Returns the file names.
pub fn write_sweep_outputs(
    dir: &Path,
    base: &Scenario,
    sweep: &ExpandedSweep,
    rows: &[JobRow],
) -> io::Result<Vec<String>> {
    std::fs::create_dir_all(dir)?;
    write_points_csv(&dir.join("points.csv"), sweep, rows)?;
    write_sweep_runs_csv(&dir.join("runs.csv"), sweep, rows)?;
    let files: Vec<String> = ["points.csv", "runs.csv", "summary.json"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let summary = sweep_summary_json(base, sweep, rows, &files)?;
    write_json(&dir.join("summary.json"), &summary)?;
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::parse_scenario;

    const BASE: &str = r#"
name = "s"
[start]
date = "2026-01-01"
height = 930342
difficulty = 148258433698386
[simulation]
years = 1
step_days = 7
[price]
model = "gbm"
start_price_usd = 88684
drift_per_year = 0.1
volatility_per_year = 0.6
[hash_supply]
model = "linear"
intercept_eh_s = 0
slope_eh_s = 20
"#;

    fn with_sweep(sweep: &str) -> Result<Option<ExpandedSweep>, String> {
        let text = format!("{BASE}{sweep}");
        let p = Path::new("s.toml");
        let sc = parse_scenario(&text, p).map_err(|e| e.to_string())?;
        expand(&text, p, &sc).map_err(|e| e.to_string())
    }

    #[test]
    fn paths_parse() {
        use PathSegment::*;
        assert_eq!(
            parse_path("miners.groups[0].share").unwrap(),
            vec![
                Key("miners".into()),
                Key("groups".into()),
                Index(0),
                Key("share".into())
            ]
        );
        assert_eq!(
            parse_path("a[1][2]").unwrap(),
            vec![Key("a".into()), Index(1), Index(2)]
        );
        for bad in ["", "a..b", "a[x]", "a[1", "a[1]b", "a b"] {
            assert!(parse_path(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ranges_have_exact_ends() {
        let r = ValueRange {
            from: 0.01,
            to: 1.0,
            count: 3,
        };
        let v = r.values(true);
        assert_eq!(v[0], 0.01);
        assert_eq!(v[1], 0.1);
        assert_eq!(v[2], 1.0);
        let l = ValueRange {
            from: 0.2,
            to: 1.0,
            count: 5,
        }
        .values(false);
        assert_eq!(l, vec![0.2, 0.4, 0.6, 0.8, 1.0]);
        let one = ValueRange {
            from: 3.0,
            to: 9.0,
            count: 1,
        };
        assert_eq!(one.values(false), vec![3.0]);
    }

    #[test]
    fn grid_first_parameter_slowest_and_zip() {
        let s = with_sweep(
            r#"
[sweep]
[[sweep.parameters]]
path = "price.volatility_per_year"
values = [0.2, 0.5]
[[sweep.parameters]]
path = "hash_supply.slope_eh_s"
linear = { from = 10, to = 30, count = 3 }
"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(s.points.len(), 6);
        assert_eq!(
            s.points[1].label(),
            "price.volatility_per_year = 0.2, hash_supply.slope_eh_s = 20"
        );
        assert_eq!(
            s.points[3].label(),
            "price.volatility_per_year = 0.5, hash_supply.slope_eh_s = 10"
        );
        let z = with_sweep(
            r#"
[sweep]
mode = "zip"
[[sweep.parameters]]
path = "price.volatility_per_year"
values = [0.2, 0.5]
[[sweep.parameters]]
path = "world.electricity_twh_per_year"
log = { from = 10000, to = 40000, count = 2 }
"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(z.points.len(), 2);
        assert_eq!(z.scenarios[1].world.electricity_twh_per_year, 40000.0);
        assert_eq!(z.scenarios[1].name, "s");
        assert!(z.scenarios[1].sweep.is_none());
    }

    #[test]
    fn integer_fields_take_integral_floats() {
        let s = with_sweep(
            r#"
[sweep]
[[sweep.parameters]]
path = "start.height"
linear = { from = 930000, to = 930100, count = 2 }
"#,
        )
        .unwrap()
        .unwrap();
        assert_eq!(s.scenarios[1].start.height, 930100);
    }

    #[test]
    fn errors_name_the_parameter_or_point() {
        let e = with_sweep(
            r#"
[sweep]
[[sweep.parameters]]
path = "price.volatility_per_year"
values = [0.2, 20]
[[sweep.parameters]]
path = "price.volatilty"
values = [1]
"#,
        )
        .unwrap_err();
        assert!(
            e.contains("sweep.parameters[1].path \"price.volatilty\" names no field of the scenario: unknown field `volatilty`"),
            "{e}"
        );
        let e = with_sweep(
            r#"
[sweep]
[[sweep.parameters]]
path = "price.volatility_per_year"
values = [0.2, 20]
"#,
        )
        .unwrap_err();
        assert!(
            e.contains("sweep point 1 (price.volatility_per_year = 20): price.volatility_per_year must be in [0, 10], got 20"),
            "{e}"
        );
        let e = with_sweep(
            r#"
[sweep]
mode = "zip"
[[sweep.parameters]]
path = "seed"
values = [1, 2]
[[sweep.parameters]]
path = "price.volatility_per_year"
values = [0.2]
"#,
        )
        .unwrap_err();
        assert!(
            e.contains("sweep.parameters[0].path \"seed\" cannot be swept"),
            "{e}"
        );
        assert!(
            e.contains("sweep.mode \"zip\" needs equally many values"),
            "{e}"
        );
        let e = with_sweep(
            r#"
[sweep]
[[sweep.parameters]]
path = "start.height[0]"
values = [1]
"#,
        )
        .unwrap_err();
        assert!(e.contains("sweep.parameters[0].path"), "{e}");
    }
}
