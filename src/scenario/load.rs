//! Reading a scenario file: syntax errors with file, line and column;
//! semantic errors with field paths.

use super::validate::FieldError;
use super::Scenario;
use std::fmt;
use std::path::{Path, PathBuf};

/// Why a scenario could not be loaded.
#[derive(Debug)]
pub enum ScenarioError {
    /// The file could not be read.
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// TOML syntax, unknown field or wrong type, located in the file.
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// Values out of range, listed by field path.
    Invalid {
        path: PathBuf,
        errors: Vec<FieldError>,
    },
    /// A data file the scenario names (price CSV, ...) is missing or bad.
    Data { path: PathBuf, message: String },
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::Io { path, source } => {
                write!(f, "{}: cannot read scenario: {source}", path.display())
            }
            ScenarioError::Syntax {
                path,
                line,
                column,
                message,
            } => write!(f, "{}:{line}:{column}: {message}", path.display()),
            ScenarioError::Invalid { path, errors } => {
                write!(f, "{}: invalid scenario:", path.display())?;
                for e in errors {
                    write!(f, "\n  {e}")?;
                }
                Ok(())
            }
            ScenarioError::Data { path, message } => write!(f, "{}: {message}", path.display()),
        }
    }
}

impl std::error::Error for ScenarioError {}

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

/// For "unknown field `x`" errors inside tables that serde buffers (tagged
/// enums), the span covers only the table header; find the key's own line
/// between that header and the next one.
fn refine_offset(text: &str, message: &str, start: usize) -> usize {
    let Some(key) = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next())
    else {
        return start;
    };
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
    let mut pos = 0;
    for line in after[..table_end].split_inclusive('\n') {
        let trimmed = line.trim_start();
        let is_key = |rest: Option<&str>| rest.is_some_and(|r| r.trim_start().starts_with('='));
        if is_key(trimmed.strip_prefix(key)) || is_key(trimmed.strip_prefix(&format!("\"{key}\"")))
        {
            return offset + pos + (line.len() - trimmed.len());
        }
        pos += line.len();
    }
    start
}

/// Parses and validates scenario text; `path` names it in errors and gives
/// the default scenario name.
pub fn parse_scenario(text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
    let mut scenario: Scenario = toml::from_str(text).map_err(|e| {
        let (line, column) = e
            .span()
            .map(|s| line_column(text, refine_offset(text, e.message(), s.start)))
            .unwrap_or((1, 1));
        ScenarioError::Syntax {
            path: path.to_path_buf(),
            line,
            column,
            message: e.message().trim().to_string(),
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
    let text = std::fs::read_to_string(path).map_err(|source| ScenarioError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    parse_scenario(&text, path)
}

#[cfg(test)]
mod tests {
    use super::{line_column, refine_offset};

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
}
