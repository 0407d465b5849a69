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
//! Outputs of a sweep (written by the output layer above this one): `points.csv`,
//! `runs.csv` and `summary.json`; no per-step bands.

pub mod design;
pub mod edit;

use crate::scenario::sweep::{parse_path, value_text, PathSegment, SweepConfig};
use crate::scenario::{Scenario, ScenarioError};
use crate::validate::{index, join, FieldError};
use design::{expand_design, Design};
use edit::{leaf_key, set_path};
use std::path::Path;
use toml::Value;

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
    /// The `[uncertainty]` design the points come from (`None` for a
    /// `[sweep]`, whose points are `config`'s).
    pub design: Option<Design>,
}

/// Expands the sweep of `base` (parsed from `text`, the file at `file`),
/// or its uncertainty design ([`design`]), into its point scenarios,
/// checking every point before anything runs. `Ok(None)` if the scenario
/// has neither. Errors name the parameter (`sweep.parameters[1].path`) or
/// the point and its values.
pub fn expand(
    text: &str,
    file: &Path,
    base: &Scenario,
) -> Result<Option<ExpandedSweep>, ScenarioError> {
    let invalid = |errors: Vec<FieldError>| ScenarioError::Invalid {
        path: file.to_path_buf(),
        errors,
    };
    let (config, design, table, point_name) = match (&base.sweep, &base.uncertainty) {
        (Some(sweep), _) => (sweep.clone(), None, "sweep", "sweep point"),
        (None, Some(u)) => {
            let (design, config) = expand_design(u, base.seed).map_err(|message| {
                invalid(vec![FieldError {
                    path: "uncertainty".into(),
                    message,
                }])
            })?;
            (config, Some(design), "uncertainty", "design point")
        }
        (None, None) => return Ok(None),
    };
    let mut tree: toml::Table = toml::from_str(text).map_err(|e| ScenarioError::Syntax {
        path: file.to_path_buf(),
        line: 1,
        column: 1,
        message: e.message().trim().to_string(),
    })?;
    tree.remove("sweep");
    tree.remove("uncertainty");
    let tree = Value::Table(tree);
    let paths: Vec<Vec<PathSegment>> = config
        .parameters
        .iter()
        .map(|p| parse_path(&p.path).unwrap_or_default())
        .collect();

    // Each path on its own: it must name a field of the scenario.
    let mut errors = Vec::new();
    for (i, (p, segs)) in config.parameters.iter().zip(&paths).enumerate() {
        let at = join(&index(&join(table, "parameters"), i), "path");
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
        let prefix = format!("{point_name} {k} ({})", point.label());
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
                    sc.uncertainty = None;
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
                path: table.into(),
                message: format!("{failed} of {} points are invalid", points.len()),
            });
        }
        return Err(invalid(errors));
    }
    Ok(Some(ExpandedSweep {
        config,
        points,
        scenarios,
        design,
    }))
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
