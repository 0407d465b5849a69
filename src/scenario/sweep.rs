//! The `[sweep]` table of a scenario: which parameters to vary, by field
//! path, and their values. This is schema only; expanding a sweep into
//! point scenarios is the job of the sweep layer above the schema.

use crate::validate::{index, join, Validator};
use serde::{Deserialize, Serialize};
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

/// A parameter path as a snake_case column name of `points.csv` and a
/// sweep's `runs.csv`: `price.volatility_per_year` gives
/// `price_volatility_per_year`, `miners.groups[0].share` gives
/// `miners_groups_0_share` (dots and brackets become `_`, `-` too, and
/// letters are lowercased).
pub fn path_column(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '.' | '[' | '-' => out.push('_'),
            ']' => {}
            c => out.extend(c.to_lowercase()),
        }
    }
    out
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

/// Checks one parameter path of a sweep or an uncertainty design, at
/// `at`: it parses, does not start with one of `fixed` (`what` says why:
/// "cannot be {what}") and is not in `seen` (`twice` names the repeat:
/// "is {twice}"), to which it is then added.
pub(crate) fn check_parameter_path<'a>(
    v: &mut Validator,
    at: &str,
    path: &'a str,
    fixed: &[&str],
    what: &str,
    twice: &str,
    seen: &mut Vec<&'a str>,
) {
    match parse_path(path) {
        Err(e) => v.error(at, e),
        Ok(segs) => {
            if let Some(PathSegment::Key(first)) = segs.first() {
                if fixed.contains(&first.as_str()) {
                    v.error(
                        at,
                        format!("{path:?} cannot be {what} (seed, runs and name belong to the whole batch)"),
                    );
                }
            }
        }
    }
    if seen.contains(&path) {
        v.error(at, format!("{path:?} is {twice}"));
    }
    seen.push(path);
}

/// Checks an explicit parameter value at `at`: a finite number, a string
/// or a boolean.
pub(crate) fn check_parameter_value(v: &mut Validator, at: &str, x: &Value) {
    let ok = match x {
        Value::Float(f) => f.is_finite(),
        Value::Integer(_) | Value::String(_) | Value::Boolean(_) => true,
        _ => false,
    };
    if !ok {
        v.error(
            at,
            format!("must be a finite number, a string or a boolean, got {x}"),
        );
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
            check_parameter_path(
                v,
                &join(&pp, "path"),
                &p.path,
                &FIXED_FIELDS,
                "swept",
                "swept twice",
                &mut seen,
            );
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
                    check_parameter_value(v, &index(&join(&pp, "values"), j), x);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_snake_case_columns() {
        assert_eq!(
            path_column("price.volatility_per_year"),
            "price_volatility_per_year"
        );
        assert_eq!(
            path_column("miners.groups[0].share"),
            "miners_groups_0_share"
        );
        assert_eq!(path_column("a[1][2].B-c"), "a_1_2_b_c");
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
}
