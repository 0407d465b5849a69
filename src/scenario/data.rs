//! The data files a scenario names (replayed price and fee series, the
//! clearing market's capacity path), read from disk for the core: paths
//! relative to the scenario file's folder, or absolute.
//!
//! A data file must be a regular file of at most [`MAX_DATA_FILE_BYTES`]:
//! both are checked from its metadata before a byte is read (so a FIFO
//! cannot block, and `/dev/zero` cannot fill the memory), again on the
//! opened file, and the reader stops with an error past the limit should
//! the file grow while it is read. Messages name the file and, for a
//! [`DataDir::for_scenario`], the scenario fields that name it.

use super::Scenario;
use crate::market::{DailySeries, DataFiles, MarketError, OpenError, OpenedFile};
use crate::validate::{index, join};
use serde_json::Value;
use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Largest data file read: 256 MiB (Coin Metrics' whole `btc.csv`, every
/// metric of every day since 2009, is about 10 MB).
pub const MAX_DATA_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// Data files in a folder: the scenario file's folder, against which
/// relative paths are resolved.
#[derive(Debug, Clone)]
pub struct DataDir {
    base: PathBuf,
    /// `(path as written, field paths that name it)`, for messages.
    fields: Vec<(String, Vec<String>)>,
}

impl DataDir {
    pub fn new(base: &Path) -> DataDir {
        DataDir {
            base: base.to_path_buf(),
            fields: Vec::new(),
        }
    }

    /// The data files of `scenario`, whose messages also name the field
    /// that gives each path (`price.path`,
    /// `miners.hardware_market.capacity_path.path`).
    pub fn for_scenario(base: &Path, scenario: &Scenario) -> DataDir {
        let mut fields: Vec<(String, Vec<String>)> = Vec::new();
        if let Ok(Value::Object(top)) = serde_json::to_value(scenario) {
            for (key, value) in &top {
                // `sweep.parameters[i].path` names a parameter, not a file.
                if key != "sweep" {
                    collect_paths(value, key, &mut fields);
                }
            }
        }
        DataDir {
            base: base.to_path_buf(),
            fields,
        }
    }

    /// `path` as written in a scenario, resolved: relative paths are taken
    /// from the folder, absolute paths as they are.
    pub fn resolve(&self, path: &str) -> PathBuf {
        let p = Path::new(path);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.base.join(p)
        }
    }

    /// How messages name the file at `path`: the resolved path, and the
    /// fields that name it when they are known.
    fn name(&self, path: &str) -> String {
        let resolved = self.resolve(path).display().to_string();
        match self.fields.iter().find(|(p, _)| p == path) {
            Some((_, f)) => format!("{resolved} ({})", f.join(", ")),
            None => resolved,
        }
    }
}

/// Adds every string under a key `path` in `value` (at field path `at`).
fn collect_paths(value: &Value, at: &str, out: &mut Vec<(String, Vec<String>)>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let here = join(at, k);
                match v {
                    Value::String(s) if k == "path" => match out.iter_mut().find(|(p, _)| p == s) {
                        Some((_, f)) => f.push(here),
                        None => out.push((s.clone(), vec![here])),
                    },
                    _ => collect_paths(v, &here, out),
                }
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                collect_paths(v, &index(at, i), out);
            }
        }
        _ => {}
    }
}

/// What kind of file `meta` describes, for a refusal.
fn kind_of(meta: &Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// Why a file with this metadata is not read, if it is not.
fn refusal(meta: &Metadata) -> Option<String> {
    if !meta.is_file() {
        return Some(format!(
            "it is {}; a data file must be a regular file",
            kind_of(meta)
        ));
    }
    if meta.len() > MAX_DATA_FILE_BYTES {
        return Some(format!(
            "it has {} bytes, more than the limit of {MAX_DATA_FILE_BYTES} (256 MiB) for a data file",
            meta.len()
        ));
    }
    None
}

/// A reader that fails once more than `left` bytes have come through (a
/// file that grows while it is read).
struct Limited<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // One byte beyond the limit is enough to tell it was crossed.
        let cap = buf
            .len()
            .min(usize::try_from(self.left + 1).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..cap])?;
        if n as u64 > self.left {
            return Err(io::Error::other(format!(
                "the file grew beyond the limit of {MAX_DATA_FILE_BYTES} bytes (256 MiB) while being read"
            )));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

impl DataFiles for DataDir {
    fn open(&self, path: &str) -> Result<OpenedFile<'_>, OpenError> {
        let resolved = self.resolve(path);
        let name = self.name(path);
        let fail = |reason: String| OpenError {
            file: name.clone(),
            reason,
        };
        // The metadata first: opening a FIFO would block until a writer
        // comes, and a device would be read without end.
        let meta = std::fs::metadata(&resolved).map_err(|e| fail(e.to_string()))?;
        if let Some(r) = refusal(&meta) {
            return Err(fail(r));
        }
        let f = File::open(&resolved).map_err(|e| fail(e.to_string()))?;
        // The same checks on what was opened (the path may have changed).
        let meta = f.metadata().map_err(|e| fail(e.to_string()))?;
        if let Some(r) = refusal(&meta) {
            return Err(fail(r));
        }
        Ok(OpenedFile {
            name,
            reader: Box::new(Limited {
                inner: f,
                left: MAX_DATA_FILE_BYTES,
            }),
        })
    }
}

/// Loads one value column of the daily CSV file at `path` (see
/// [`crate::market::load_daily_series`]).
pub fn load_daily_series(
    path: &Path,
    date_column: &str,
    value_column: &str,
) -> Result<DailySeries, MarketError> {
    let dir = DataDir::new(Path::new(""));
    let path = path.to_string_lossy();
    crate::market::load_daily_series(&dir, &path, date_column, value_column).map(|(s, _)| s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reader_stops_past_its_limit() {
        let mut r = Limited {
            inner: &b"0123456789"[..],
            left: 10,
        };
        let mut all = Vec::new();
        r.read_to_end(&mut all).unwrap();
        assert_eq!(all.len(), 10);
        let mut r = Limited {
            inner: &b"0123456789"[..],
            left: 9,
        };
        let err = r.read_to_end(&mut Vec::new()).unwrap_err();
        assert!(err.to_string().contains("grew beyond the limit"), "{err}");
    }

    #[test]
    fn paths_are_collected_with_their_fields() {
        let v = serde_json::json!({
            "price": {"model": "replay", "path": "a.csv"},
            "fees": {"path": "a.csv"},
            "miners": {"groups": [{"x": {"path": "b.csv"}}]},
        });
        let mut out = Vec::new();
        if let Value::Object(m) = &v {
            for (k, x) in m {
                collect_paths(x, k, &mut out);
            }
        }
        for (_, f) in &mut out {
            f.sort();
        }
        out.sort();
        assert_eq!(
            out,
            vec![
                (
                    "a.csv".to_string(),
                    vec!["fees.path".to_string(), "price.path".to_string()]
                ),
                (
                    "b.csv".to_string(),
                    vec!["miners.groups[0].x.path".to_string()]
                ),
            ]
        );
    }
}
