//! The market the miners sell into: the BTC price path and the fee level.
//!
//! At the start of every simulation step the engine asks a
//! [`PriceProcess`] for the step's price in USD per BTC and then a
//! [`FeeProcess`] for the expected fees per block in BTC (which may depend
//! on that price and on the block subsidy). Both are built once from their
//! scenario configs ([`PriceConfig`], [`FeeConfig`]); stepping is pure
//! (randomness comes from the RNG the engine passes in) and allocates
//! nothing.
//!
//! Historical series are read by [`history::load_daily_series`], which
//! accepts Coin Metrics' community data format (`time,PriceUSD,FeeTotNtv,...`)
//! or any CSV with a date column and a value column. The core opens no file
//! itself: the bytes come through a [`DataFiles`] that a layer above
//! implements (the scenario layer: files beside the scenario file).

pub mod fees;
pub mod history;
pub mod price;

use crate::calendar::Date;
use std::io::Read;

pub use fees::{FeeConfig, FeeGrowth, FeeProcess};
pub use history::{load_daily_series, read_daily_series, DailySeries};
pub use price::{PriceConfig, PricePoint, PriceProcess, Regime};

/// Where daily BTC market data in the format the loaders expect comes from.
pub const DATA_SOURCE_HINT: &str = "daily BTC market data is available from Coin Metrics' \
community data (github.com/coinmetrics/data, file csv/btc.csv, columns time, PriceUSD, FeeTotNtv, TxCnt)";

/// Seconds in a year of 365.25 days, the time unit of drifts and volatilities.
pub const SECONDS_PER_YEAR: f64 = 365.25 * 86_400.0;

/// Why a market model could not be built, or a data file could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MarketError {
    /// The file does not exist or cannot be opened.
    #[error("{file}: cannot open ({reason}); {hint}", hint = DATA_SOURCE_HINT)]
    MissingFile { file: String, reason: String },
    /// Reading failed in the middle of the file or the CSV is malformed.
    #[error("{file} line {line}: {reason}")]
    Malformed {
        file: String,
        line: u64,
        reason: String,
    },
    /// The file has no header or no data rows.
    #[error("{file}: {reason}")]
    Empty { file: String, reason: String },
    /// The first line is not a CSV header of column names (fewer than two
    /// columns, or characters no column name has, such as `:`, `=`, `$`
    /// or control characters): the file is not read further, and the line
    /// is not shown.
    #[error("{file}: line 1 is not a CSV header of column names (expected at least two comma-separated names such as time,PriceUSD; the line is not shown)")]
    NotCsvHeader { file: String },
    /// A column named in the scenario is not in the header. `available`
    /// is [`describe_columns`]' summary of the header.
    #[error("{file}: no column {column:?}; available columns: {available}")]
    MissingColumn {
        file: String,
        column: String,
        available: String,
    },
    /// A date cell could not be parsed. Messages never quote a cell of a
    /// data file (it could be any file's contents), only its line and
    /// column.
    #[error("{file} line {line}: the date in column {column} is not a valid date ({reason}; expected YYYY-MM-DD)")]
    BadDate {
        file: String,
        line: u64,
        column: String,
        reason: String,
    },
    /// A value cell is not a number.
    #[error("{file} line {line}: the value in column {column} is not a number")]
    NotANumber {
        file: String,
        line: u64,
        column: String,
    },
    /// A value cell is NaN or infinite.
    #[error("{file} line {line}: the value in column {column} is not finite (NaN or infinite)")]
    NotFinite {
        file: String,
        line: u64,
        column: String,
    },
    /// A value cell is negative.
    #[error("{file} line {line}: the value in column {column} is negative")]
    Negative {
        file: String,
        line: u64,
        column: String,
    },
    /// A value cell is empty between rows that have values.
    #[error("{file} line {line}: column {column} is empty on {date} (only leading and trailing rows may be empty)")]
    EmptyValue {
        file: String,
        line: u64,
        column: String,
        date: Date,
    },
    /// A date is earlier than the one on the row before.
    #[error("{file} line {line}: date {date} comes after {previous}; rows must be in increasing date order")]
    OutOfOrder {
        file: String,
        line: u64,
        date: Date,
        previous: Date,
    },
    /// The same date appears twice.
    #[error("{file} line {line}: date {date} appears twice")]
    Duplicate { file: String, line: u64, date: Date },
    /// A day is missing between two rows.
    #[error("{file} line {line}: day {first_missing} is missing (previous row {previous}, this row {date}); the file needs one row per day")]
    Gap {
        file: String,
        line: u64,
        first_missing: Date,
        previous: Date,
        date: Date,
    },
    /// A replayed series does not cover the days the run needs.
    #[error("{file}: column {column} covers {first} to {last}, but the run needs {from} to {to}")]
    NotCovered {
        file: String,
        column: String,
        first: Date,
        last: Date,
        from: Date,
        to: Date,
    },
    /// The config failed validation (the messages name each field).
    #[error("invalid market config: {0}")]
    InvalidConfig(String),
}

/// Most column names [`describe_columns`] lists.
pub const MAX_LISTED_COLUMNS: usize = 8;
/// Longest column name [`describe_columns`] writes out in full (characters).
pub const MAX_COLUMN_NAME_CHARS: usize = 40;

/// Whether a header row looks like CSV column names: at least two columns,
/// each made of letters, digits, spaces and `_ - . ( ) [ ] / % # + &`
/// (empty names too, such as pandas' index column). Lines of other files
/// (`/etc/passwd`, `KEY=value`, key material) fail this, so nothing of
/// them is read or quoted.
pub fn looks_like_column_names(headers: &[String]) -> bool {
    headers.len() >= 2
        && headers.iter().all(|h| {
            h.chars().all(|c| {
                c.is_alphanumeric()
                    || matches!(
                        c,
                        ' ' | '_' | '-' | '.' | '(' | ')' | '[' | ']' | '/' | '%' | '#' | '+' | '&'
                    )
            })
        })
}

/// The column names of a header for a message: the first
/// [`MAX_LISTED_COLUMNS`], each cut to [`MAX_COLUMN_NAME_CHARS`]
/// characters, then how many more there are. Only for headers that pass
/// [`looks_like_column_names`].
pub fn describe_columns(headers: &[String]) -> String {
    let mut names: Vec<String> = headers
        .iter()
        .take(MAX_LISTED_COLUMNS)
        .map(|h| {
            if h.chars().count() > MAX_COLUMN_NAME_CHARS {
                let cut: String = h.chars().take(MAX_COLUMN_NAME_CHARS - 3).collect();
                format!("{cut}...")
            } else {
                h.clone()
            }
        })
        .collect();
    if headers.len() > MAX_LISTED_COLUMNS {
        names.push(format!("and {} more", headers.len() - MAX_LISTED_COLUMNS));
    }
    names.join(", ")
}

/// Where the core reads the data files a model names (replayed price and
/// fee series). Implemented by the layers above: files relative to the
/// scenario's folder, or bytes in memory.
pub trait DataFiles {
    /// Opens the file named `path` in the model (as written in the
    /// scenario file).
    fn open(&self, path: &str) -> Result<OpenedFile<'_>, OpenError>;
}

/// No data files at all: every open fails. For models that replay
/// nothing, and for tests.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoDataFiles;

impl DataFiles for NoDataFiles {
    fn open(&self, path: &str) -> Result<OpenedFile<'_>, OpenError> {
        Err(OpenError {
            file: path.to_string(),
            reason: "no data files are available here".into(),
        })
    }
}

/// Bytes in memory, by path: for Python callers, fuzzing and tests.
#[derive(Debug, Clone, Default)]
pub struct InMemoryDataFiles {
    pub files: Vec<(String, Vec<u8>)>,
}

impl DataFiles for InMemoryDataFiles {
    fn open(&self, path: &str) -> Result<OpenedFile<'_>, OpenError> {
        match self.files.iter().find(|(p, _)| p == path) {
            Some((p, bytes)) => Ok(OpenedFile {
                name: p.clone(),
                reader: Box::new(bytes.as_slice()),
            }),
            None => Err(OpenError {
                file: path.to_string(),
                reason: "no such file among the in-memory data files".into(),
            }),
        }
    }
}

/// A data file opened by a [`DataFiles`].
pub struct OpenedFile<'a> {
    /// How messages name the file (e.g. the resolved path).
    pub name: String,
    pub reader: Box<dyn Read + 'a>,
}

/// Why a [`DataFiles`] could not open a file.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenError {
    /// How messages name the file.
    pub file: String,
    /// What went wrong, e.g. `No such file or directory (os error 2)`.
    pub reason: String,
}

/// Runs a config's `validate` and turns its findings into one error.
pub(crate) fn check_valid(
    f: impl FnOnce(&mut crate::validate::Validator),
) -> Result<(), MarketError> {
    let mut v = crate::validate::Validator::new();
    f(&mut v);
    v.finish().map_err(|errs| {
        MarketError::InvalidConfig(
            errs.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

/// Largest growth factor [`compound_growth`] applies (about 1e300, or its
/// inverse): keeps a fast rate over a long run finite and positive.
const MAX_LN_GROWTH: f64 = 690.0;

/// `(1 + rate)^years` for `years >= 0` (1 for a non-finite or negative
/// number of years), within `e^±690`: a compound growth path from a
/// run's start that is finite and positive for every finite rate > -1.
pub fn compound_growth(rate: f64, years: f64) -> f64 {
    let years = if years.is_finite() {
        years.max(0.0)
    } else {
        0.0
    };
    (years * (1.0 + rate).ln())
        .clamp(-MAX_LN_GROWTH, MAX_LN_GROWTH)
        .exp()
}

/// A number of seconds that is usable as a time offset (finite, >= 0), else 0.
pub(crate) fn sane_seconds(s: f64) -> f64 {
    if s.is_finite() && s > 0.0 {
        s
    } else {
        0.0
    }
}

/// Mean-one lognormal multiplicative noise `exp(σZ − σ²/2)`; exactly 1 (and
/// no draw) when `sd_log` is 0.
pub(crate) fn mean_one_noise<R: rand::Rng + ?Sized>(sd_log: f64, rng: &mut R) -> f64 {
    use rand_distr::{Distribution, StandardNormal};
    if sd_log > 0.0 && sd_log.is_finite() {
        let z: f64 = StandardNormal.sample(rng);
        (sd_log * z - 0.5 * sd_log * sd_log).exp()
    } else {
        1.0
    }
}
