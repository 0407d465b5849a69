//! `--set PATH=VALUE`: changing scenario fields without editing the file,
//! through the sweep layer's path machinery ([`crate::sweep::edit`]).
//!
//! A [`Set`] names a field by the same dotted path as a sweep parameter
//! (`price.volatility_per_year`, `miners.groups[0].share`; a whole table
//! too: `price={model="constant", price_usd=50000}`). The file's TOML
//! tree is edited, then deserialised and validated as if the value had
//! been written into the file, so an override means exactly what the same
//! value in the file would mean, and a bad one gives the scenario error
//! with its field path. Unlike a sweep, an override may set `name`,
//! `seed`, `runs` and the `[sweep]` table itself.
//!
//! The overrides in effect are recorded in `summary.json` (an
//! `"overrides"` object, after `"seed"`; absent without overrides, so
//! such a file is unchanged) and in partial files, so `merge` applies
//! them again.

use crate::scenario::sweep::parse_path;
use crate::scenario::{parse_scenario, Scenario, ScenarioError};
use crate::validate::FieldError;
use serde_json::{Map, Value as Json};
use std::path::Path;
use toml::Value;

/// One override: a field path and its new value.
#[derive(Debug, Clone, PartialEq)]
pub struct Set {
    /// Dotted field path, as in a sweep: `miners.groups[0].share`.
    pub path: String,
    pub value: Value,
}

impl Set {
    pub fn new(path: impl Into<String>, value: Value) -> Set {
        Set {
            path: path.into(),
            value,
        }
    }

    /// Parses `PATH=VALUE`. The value is read as a TOML value (`0.8`,
    /// `true`, `"text"`, `[1, 2]`, `{ a = 1 }`); text that is no TOML
    /// value, or a TOML date, is taken as a string, so `name=x` and
    /// `start.date=2026-01-01` need no quotes.
    pub fn parse(arg: &str) -> Result<Set, String> {
        let Some((path, value)) = arg.split_once('=') else {
            return Err(format!("{arg:?} is not PATH=VALUE"));
        };
        let path = path.trim();
        parse_path(path)?;
        Ok(Set::new(path, parse_value(value.trim())))
    }

    /// `path=value`, the value as TOML text; [`Set::parse`] reads it back.
    pub fn to_arg(&self) -> String {
        format!("{}={}", self.path, self.value)
    }
}

/// A command-line value as a TOML value (see [`Set::parse`]).
pub fn parse_value(text: &str) -> Value {
    let parsed = format!("v = {text}")
        .parse::<toml::Table>()
        .ok()
        .and_then(|mut t| t.remove("v"));
    match parsed {
        Some(Value::Datetime(_)) | None => Value::String(text.to_string()),
        Some(v) => v,
    }
}

/// Parses the scenario `text` (the file at `path`) with `sets` applied.
/// Returns the scenario and the edited text (from which sweep points are
/// expanded). Syntax errors of the file itself keep their line and
/// column; an override that names no field, or cannot be deserialised,
/// is reported as `--set PATH ...`; values out of range by field path.
pub(crate) fn apply(
    text: &str,
    path: &Path,
    sets: &[Set],
) -> Result<(Scenario, String), ScenarioError> {
    // The file on its own must parse (its range errors may be overridden).
    match parse_scenario(text, path) {
        Ok(_) | Err(ScenarioError::Invalid { .. }) => {}
        Err(e) => return Err(e),
    }
    let invalid = |errors: Vec<FieldError>| ScenarioError::Invalid {
        path: path.to_path_buf(),
        errors,
    };
    let mut tree =
        Value::Table(
            text.parse::<toml::Table>()
                .map_err(|e| ScenarioError::Syntax {
                    path: path.to_path_buf(),
                    line: 1,
                    column: 1,
                    message: e.message().trim().to_string(),
                })?,
        );
    let mut errors = Vec::new();
    // The first override after which the tree no longer deserialises is
    // the one to blame if the end result does not deserialise.
    let mut first_bad = None;
    for (i, set) in sets.iter().enumerate() {
        let segs = match parse_path(&set.path) {
            Ok(s) => s,
            Err(e) => {
                errors.push(FieldError {
                    path: "--set".into(),
                    message: e,
                });
                continue;
            }
        };
        if let Err(e) = crate::sweep::edit::set_path(&mut tree, &segs, set.value.clone()) {
            errors.push(FieldError {
                path: format!("--set {}", set.path),
                message: format!("names no field of the scenario: {e}"),
            });
            continue;
        }
        if first_bad.is_none() && tree.clone().try_into::<Scenario>().is_err() {
            first_bad = Some((i, segs));
        }
    }
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    let edited = toml::to_string(&tree).map_err(|e| ScenarioError::Syntax {
        path: path.to_path_buf(),
        line: 1,
        column: 1,
        message: e.to_string(),
    })?;
    // Parsed like a file, for the same defaults, validation and wording;
    // the edited text's line numbers mean nothing to the user, so a
    // deserialisation error is reported against the override instead.
    match parse_scenario(&edited, path) {
        Ok(scenario) => Ok((scenario, edited)),
        Err(ScenarioError::Syntax { message, .. }) => {
            let err = match first_bad {
                Some((i, segs)) => blame(&sets[i], &segs, &message),
                None => FieldError {
                    path: "--set".into(),
                    message,
                },
            };
            Err(invalid(vec![err]))
        }
        Err(e) => Err(e),
    }
}

/// The error of an override after which the scenario no longer
/// deserialises: an unknown key on its path names no field; anything else
/// is a value the field cannot take.
fn blame(set: &Set, segs: &[crate::scenario::sweep::PathSegment], message: &str) -> FieldError {
    use crate::scenario::sweep::PathSegment;
    let m = message.trim();
    let unknown = segs.iter().any(|s| match s {
        PathSegment::Key(k) => m.starts_with(&format!("unknown field `{k}`")),
        PathSegment::Index(_) => false,
    });
    let message = if unknown {
        format!("names no field of the scenario: {m}")
    } else {
        format!("= {}: {m}", set.value)
    };
    FieldError {
        path: format!("--set {}", set.path),
        message,
    }
}

/// The overrides as a JSON object `{path: value}`, in order (a path set
/// twice keeps its last value, which is the one in effect).
pub fn overrides_json(sets: &[Set]) -> Json {
    let mut m = Map::new();
    for s in sets {
        m.shift_remove(&s.path);
        m.insert(
            s.path.clone(),
            serde_json::to_value(&s.value).unwrap_or(Json::Null),
        );
    }
    Json::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_toml_or_text() {
        assert_eq!(parse_value("0.8"), Value::Float(0.8));
        assert_eq!(parse_value("5"), Value::Integer(5));
        assert_eq!(parse_value("true"), Value::Boolean(true));
        assert_eq!(parse_value("\"x y\""), Value::String("x y".into()));
        assert_eq!(parse_value("x"), Value::String("x".into()));
        assert_eq!(
            parse_value("2026-01-01"),
            Value::String("2026-01-01".into())
        );
        assert_eq!(
            parse_value("[1, 2]"),
            Value::Array(vec![Value::Integer(1), Value::Integer(2)])
        );
        let s = Set::parse("miners.groups[0].share = 0.5").unwrap();
        assert_eq!(s.path, "miners.groups[0].share");
        assert_eq!(Set::parse(&s.to_arg()).unwrap(), s);
        let t = Set::parse("name=\"a b\"").unwrap();
        assert_eq!(Set::parse(&t.to_arg()).unwrap(), t);
        assert!(Set::parse("novalue").is_err());
        assert!(Set::parse("a..b=1").is_err());
    }

    #[test]
    fn last_value_of_a_path_is_recorded() {
        let j = overrides_json(&[
            Set::new("b", Value::Integer(1)),
            Set::new("a", Value::Float(0.5)),
            Set::new("b", Value::Integer(2)),
        ]);
        assert_eq!(j.to_string(), r#"{"a":0.5,"b":2}"#);
    }
}
