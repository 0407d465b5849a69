//! Semantic validation of scenario values with field paths.
//!
//! Every config struct of the scenario implements a `validate(&self, v:
//! &mut Validator, path: &str)` method and reports problems against the
//! dotted path of the offending field (`miners.groups[2].share`), together
//! with the allowed range and the value it got. The validator collects all
//! problems so a user sees every mistake of a file at once.

use std::fmt;

/// One semantic problem in a scenario, located by its field path.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldError {
    /// Dotted path of the field, e.g. `miners.groups[2].share`.
    pub path: String,
    /// What is wrong and what is allowed, e.g. `must be in (0, 1], got 1.7`.
    pub message: String,
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.path, self.message)
    }
}

/// Joins a parent path and a field name: `join("a.b", "c") == "a.b.c"`.
pub fn join(parent: &str, field: &str) -> String {
    if parent.is_empty() {
        field.to_string()
    } else {
        format!("{parent}.{field}")
    }
}

/// Path of an element of a list: `index("miners.groups", 2) == "miners.groups[2]"`.
pub fn index(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

/// Formats a number for a message: plain for ordinary magnitudes,
/// scientific for huge or tiny ones (`1e30`, not thirty-one digits).
pub fn num(x: f64) -> String {
    let a = x.abs();
    if a != 0.0 && a.is_finite() && !(1e-4..1e15).contains(&a) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Collects [`FieldError`]s.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a free-form problem.
    pub fn error(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(FieldError {
            path: path.into(),
            message: message.into(),
        });
    }

    /// Records an error unless `v` is finite; returns whether it was.
    pub fn finite(&mut self, path: &str, v: f64) -> bool {
        if v.is_finite() {
            true
        } else {
            self.error(path, format!("must be a finite number, got {}", num(v)));
            false
        }
    }

    /// `v > 0` and finite.
    pub fn positive(&mut self, path: &str, v: f64) {
        if self.finite(path, v) && v <= 0.0 {
            self.error(path, format!("must be > 0, got {}", num(v)));
        }
    }

    /// `v >= 0` and finite.
    pub fn non_negative(&mut self, path: &str, v: f64) {
        if self.finite(path, v) && v < 0.0 {
            self.error(path, format!("must be >= 0, got {}", num(v)));
        }
    }

    /// `lo <= v <= hi`.
    pub fn in_closed(&mut self, path: &str, v: f64, lo: f64, hi: f64) {
        if self.finite(path, v) && !(lo..=hi).contains(&v) {
            self.error(
                path,
                format!("must be in [{}, {}], got {}", num(lo), num(hi), num(v)),
            );
        }
    }

    /// `lo < v <= hi`.
    pub fn in_open_closed(&mut self, path: &str, v: f64, lo: f64, hi: f64) {
        if self.finite(path, v) && !(v > lo && v <= hi) {
            self.error(
                path,
                format!("must be in ({}, {}], got {}", num(lo), num(hi), num(v)),
            );
        }
    }

    /// `lo <= v < hi`.
    pub fn in_closed_open(&mut self, path: &str, v: f64, lo: f64, hi: f64) {
        if self.finite(path, v) && !(v >= lo && v < hi) {
            self.error(
                path,
                format!("must be in [{}, {}), got {}", num(lo), num(hi), num(v)),
            );
        }
    }

    /// Integer range check `lo <= v <= hi`.
    pub fn int_in(&mut self, path: &str, v: u64, lo: u64, hi: u64) {
        if !(lo..=hi).contains(&v) {
            self.error(path, format!("must be in [{lo}, {hi}], got {v}"));
        }
    }

    /// Number of problems recorded so far.
    pub fn len(&self) -> usize {
        self.errors.len()
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn into_errors(self) -> Vec<FieldError> {
        self.errors
    }

    /// `Ok(())` when nothing was recorded.
    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_path_range_and_value() {
        let mut v = Validator::new();
        v.in_open_closed("miners.groups[2].share", 1.7, 0.0, 1.0);
        v.positive("a", -1.0);
        v.non_negative("b", f64::NAN);
        let e = v.finish().unwrap_err();
        assert_eq!(
            e[0].to_string(),
            "miners.groups[2].share must be in (0, 1], got 1.7"
        );
        assert_eq!(e[1].to_string(), "a must be > 0, got -1");
        assert_eq!(e[2].to_string(), "b must be a finite number, got NaN");
    }

    #[test]
    fn paths_join() {
        assert_eq!(join("", "a"), "a");
        assert_eq!(join("a", "b"), "a.b");
        assert_eq!(index("a.b", 3), "a.b[3]");
    }
}
