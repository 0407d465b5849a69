//! Reading a scenario file: syntax errors with file, line and column;
//! semantic errors with field paths.

use super::Scenario;
use crate::validate::FieldError;
use std::path::{Path, PathBuf};

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{}: cannot read scenario: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// TOML syntax, unknown field or wrong type, located in the file.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// Values out of range, listed by field path.
    #[error("{}: invalid scenario:{}", path.display(), list(errors))]
    Invalid {
        path: PathBuf,
        errors: Vec<FieldError>,
    },
}

/// The field errors, one per indented line.
fn list(errors: &[FieldError]) -> String {
    errors.iter().map(|e| format!("\n  {e}")).collect()
}

/// 1-based (line, column) of a byte offset; columns count characters.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// For errors inside tables that serde buffers (tagged enums, inline
/// tables), the span covers only the table header (or the inline table's
/// `{`); find the offending key or value between that point and the next
/// table header: the key of an "unknown field `x`" error (`x =`), or the
/// quoted value of an "unknown variant `x`" or `invalid ... "x"` error.
fn refine_offset(text: &str, message: &str, start: usize) -> usize {
    let key = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next());
    let value = message
        .strip_prefix("unknown variant `")
        .and_then(|rest| rest.split('`').next())
        .or_else(|| {
            message
                .starts_with("invalid ")
                .then(|| message.split('"').nth(1))
                .flatten()
        });
    if key.is_none() && value.is_none() {
        return start;
    }
    let mut offset = start.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let after = &text[offset..];
    let table_end = after
        .get(1..)
        .and_then(|t| t.find("\n["))
        .map(|i| i + 1)
        .unwrap_or(after.len());
    let table = &after[..table_end];
    let found = match (key, value) {
        (Some(key), _) => find_key(table, key),
        (None, Some(value)) => table.find(&format!("\"{value}\"")),
        (None, None) => None,
    };
    found.map_or(start, |i| offset + i)
}

/// Byte offset in `table` of the first `key =` (or `"key" =`) that starts a
/// line or follows `{` or `,` (a key of an inline table).
fn find_key(table: &str, key: &str) -> Option<usize> {
    let quoted = format!("\"{key}\"");
    for (i, _) in table.char_indices() {
        let before_ok = table[..i]
            .chars()
            .rev()
            .find(|c| *c != ' ' && *c != '\t')
            .is_none_or(|c| matches!(c, '\n' | '{' | ','));
        if !before_ok {
            continue;
        }
        let rest = &table[i..];
        for k in [key, quoted.as_str()] {
            if rest
                .strip_prefix(k)
                .is_some_and(|r| r.trim_start_matches([' ', '\t']).starts_with('='))
            {
                return Some(i);
            }
        }
    }
    None
}

/// Rewrites the TOML/serde message in the user's terms: no Rust type names
/// (`u64`, `f64`, `i128`), TOML's names for tables and arrays, and the key of
/// a duplicate.
fn plain_message(text: &str, offset: usize, message: &str) -> String {
    let mut m = message.trim().to_string();
    if m.starts_with("invalid type: integer `") && m.contains("` as i128") {
        m = m.replacen("invalid type: integer", "integer", 1).replacen(
            "` as i128,",
            "` is out of range,",
            1,
        );
    }
    for (rust, plain) in [
        ("expected usize", "expected a non-negative integer"),
        ("expected u64", "expected a non-negative integer"),
        ("expected u32", "expected an integer in [0, 4294967295]"),
        ("expected f64", "expected a number"),
        ("invalid type: map,", "invalid type: table,"),
        (
            "expected a sequence",
            "expected an array (write [[name]] for each table of an array of tables)",
        ),
    ] {
        if let Some(prefix) = m.strip_suffix(rust) {
            m = format!("{prefix}{plain}");
        } else {
            m = m.replacen(rust, plain, 1);
        }
    }
    if m == "duplicate key" {
        let offset = offset.min(text.len());
        let line_start = text
            .get(..offset)
            .and_then(|t| t.rfind('\n'))
            .map_or(0, |i| i + 1);
        let line = text
            .get(line_start..)
            .and_then(|t| t.lines().next())
            .unwrap_or("")
            .trim();
        if line.starts_with('[') {
            let header = line
                .split(']')
                .next()
                .unwrap_or(line)
                .trim_start_matches('[');
            m = format!("duplicate table `[{}]`", header.trim());
        } else if let Some(name) = line.split('=').next().map(str::trim) {
            if !name.is_empty() {
                m = format!("duplicate key `{name}`");
            }
        }
    }
    m
}

/// Parses and validates scenario text; `path` names it in errors and gives
/// the default scenario name.
pub fn parse_scenario(text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
    let mut scenario: Scenario = toml::from_str(text).map_err(|e| {
        let offset = e
            .span()
            .map(|s| refine_offset(text, e.message(), s.start))
            .unwrap_or(0);
        let (line, column) = line_column(text, offset);
        ScenarioError::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            message: plain_message(text, offset, e.message()),
        }
    })?;
    if scenario.name.is_empty() {
        scenario.name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
    }
    scenario
        .validate()
        .map_err(|errors| ScenarioError::Invalid {
            path: path.to_path_buf(),
            errors,
        })?;
    Ok(scenario)
}

/// Reads, parses and validates a scenario file.
pub fn load_scenario(path: &Path) -> Result<Scenario, ScenarioError> {
    parse_scenario(&read_scenario_text(path)?, path)
}

/// The text of the scenario file at `path`.
pub fn read_scenario_text(path: &Path) -> Result<String, ScenarioError> {
    std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
        path: path.to_path_buf(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::{line_column, plain_message, refine_offset};

    #[test]
    fn line_and_column_are_one_based() {
        let t = "a = 1\nbb = 2\n";
        assert_eq!(line_column(t, 0), (1, 1));
        assert_eq!(line_column(t, 6), (2, 1));
        assert_eq!(line_column(t, 9), (2, 4));
        assert_eq!(line_column(t, 999), (3, 1));
    }

    #[test]
    fn unknown_field_points_at_its_key() {
        let t = "[a]\nx = 1\n[b]\nmodel = 1\n  typo = 2\n[c]\ntypo = 3\n";
        let b = t.find("[b]").unwrap();
        let off = refine_offset(t, "unknown field `typo`, expected x", b);
        assert_eq!(line_column(t, off), (5, 3));
        assert_eq!(refine_offset(t, "something else", b), b);
    }

    #[test]
    fn values_and_inline_keys_are_located() {
        let t = "[p]\nmodel = \"x\"\npoints = [{ a = 1 }, { b = 2 }]\nstart_in = \"crab\"\n[q]\n";
        let p = t.find("[p]").unwrap();
        let off = refine_offset(t, "unknown field `b`, expected `a`", p);
        assert_eq!(line_column(t, off), (3, 24));
        let off = refine_offset(t, "unknown variant `crab`, expected `bull`", p);
        assert_eq!(line_column(t, off), (4, 12));
        let off = refine_offset(t, "invalid date \"crab\": no", p);
        assert_eq!(line_column(t, off), (4, 12));
        // A key only mentioned inside a value is not taken for the key.
        let t = "[p]\nname = \"typo = 1\"\ntypo = 2\n";
        let off = refine_offset(t, "unknown field `typo`", 0);
        assert_eq!(line_column(t, off), (3, 1));
    }

    #[test]
    fn messages_use_toml_terms() {
        assert_eq!(
            plain_message("", 0, "invalid type: string \"x\", expected u64"),
            "invalid type: string \"x\", expected a non-negative integer"
        );
        assert_eq!(
            plain_message(
                "",
                0,
                "invalid type: integer `99999999999999999999` as i128, expected usize"
            ),
            "integer `99999999999999999999` is out of range, expected a non-negative integer"
        );
        assert_eq!(
            plain_message("", 0, "invalid type: map, expected a sequence"),
            "invalid type: table, expected an array (write [[name]] for each table of an array of tables)"
        );
        let t = "a = 1\n[b]\nc = 2\nc = 3\n[b]\n";
        assert_eq!(plain_message(t, 18, "duplicate key"), "duplicate key `c`");
        assert_eq!(
            plain_message(t, 25, "duplicate key"),
            "duplicate table `[b]`"
        );
    }
}
