//! The data files a scenario names (replayed price and fee series), read
//! from disk for the core: paths relative to the scenario file's folder,
//! or absolute.

use crate::market::{DailySeries, DataFiles, MarketError, OpenError, OpenedFile};
use std::path::{Path, PathBuf};

/// Data files in a folder: the scenario file's folder, against which
/// relative paths are resolved.
#[derive(Debug, Clone)]
pub struct DataDir {
    base: PathBuf,
}

impl DataDir {
    pub fn new(base: &Path) -> DataDir {
        DataDir {
            base: base.to_path_buf(),
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
}

impl DataFiles for DataDir {
    fn open(&self, path: &str) -> Result<OpenedFile<'_>, OpenError> {
        let resolved = self.resolve(path);
        let name = resolved.display().to_string();
        match std::fs::File::open(&resolved) {
            Ok(f) => Ok(OpenedFile {
                name,
                reader: Box::new(f),
            }),
            Err(e) => Err(OpenError {
                file: name,
                reason: e.to_string(),
            }),
        }
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
