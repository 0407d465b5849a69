//! Daily historical series read from CSV files.
//!
//! The loader reads Coin Metrics' community data format (`csv/btc.csv` from
//! github.com/coinmetrics/data: a `time` column with `YYYY-MM-DD` days and
//! one column per metric, e.g. `PriceUSD`, `FeeTotNtv`, `TxCnt`) and any
//! other CSV with a header row, a date column and a value column (for
//! example a plain `date,price` file).
//!
//! Rules, each violation reported with the file, the line and the problem:
//! - one row per day, in increasing order, without gaps or duplicates;
//! - values are non-negative finite numbers;
//! - empty value cells are skipped at the start and at the end of the file
//!   (the upstream file has empty cells before a metric exists and sometimes
//!   on its last day), but not between days that have values.
//!
//! Dates may carry a time part (`2024-01-01T00:00:00Z`); only the day is used.
//!
//! A file whose first line does not look like CSV column names is not read
//! further ([`super::looks_like_column_names`]), and messages never quote a
//! cell: they name the file, line and column, and list at most the
//! (truncated) column names of the header.

use super::{DataFiles, MarketError};
use crate::calendar::Date;
use std::io::Read;

/// A series with exactly one value per day over a contiguous range of days.
#[derive(Debug, Clone, PartialEq)]
pub struct DailySeries {
    dates: Vec<Date>,
    values: Vec<f64>,
}

impl DailySeries {
    /// Builds a series from consecutive days; `None` when the lengths differ,
    /// the series is empty, a day is skipped or repeated, or a value is
    /// negative or not finite.
    pub fn new(dates: Vec<Date>, values: Vec<f64>) -> Option<DailySeries> {
        if dates.is_empty() || dates.len() != values.len() {
            return None;
        }
        if dates.windows(2).any(|w| w[1].days() != w[0].days() + 1) {
            return None;
        }
        if values.iter().any(|v| !v.is_finite() || *v < 0.0) {
            return None;
        }
        Some(DailySeries { dates, values })
    }

    /// The days, consecutive and increasing.
    pub fn dates(&self) -> &[Date] {
        &self.dates
    }

    /// The value of each day, >= 0 and finite.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Number of days.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Never true for a loaded series (kept for the `len` convention).
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// First day of the series.
    pub fn first_date(&self) -> Date {
        self.dates[0]
    }

    /// Last day of the series.
    pub fn last_date(&self) -> Date {
        self.dates[self.dates.len() - 1]
    }

    /// Whether every day from `from` through `to` (inclusive) has a value.
    pub fn covers(&self, from: Date, to: Date) -> bool {
        from >= self.first_date() && to <= self.last_date()
    }

    /// The value on `date`, or `None` outside the series.
    pub fn value_on(&self, date: Date) -> Option<f64> {
        let i = date.days() - self.first_date().days();
        if i < 0 {
            return None;
        }
        self.values.get(i as usize).copied()
    }

    /// The value on day number `day` (days since 1970-01-01), holding the
    /// first/last value outside the series.
    pub fn value_on_day_clamped(&self, day: i64) -> f64 {
        let i = day
            .saturating_sub(self.first_date().days())
            .clamp(0, self.values.len() as i64 - 1);
        self.values[i as usize]
    }

    /// Time-weighted mean over the interval `[from_day, to_day)` given in
    /// fractional day numbers (days since 1970-01-01), holding the first and
    /// last value outside the series. When the interval is empty, the value
    /// of the day containing `from_day`. Never allocates; the loop is bounded
    /// by the length of the series.
    pub fn mean_over_days(&self, from_day: f64, to_day: f64) -> f64 {
        if !from_day.is_finite() {
            return self.values[0];
        }
        if !(to_day.is_finite() && to_day > from_day) {
            return self.value_on_day_clamped(from_day.floor() as i64);
        }
        let first = self.first_date().days() as f64;
        let end = first + self.values.len() as f64; // exclusive
        let mut sum = 0.0;
        // Before the first day: first value.
        let before = (to_day.min(first) - from_day).max(0.0);
        sum += before * self.values[0];
        // After the last day: last value.
        let after = (to_day - from_day.max(end)).max(0.0);
        sum += after * self.values[self.values.len() - 1];
        // Inside.
        let lo = from_day.max(first);
        let hi = to_day.min(end);
        if hi > lo {
            let mut d = lo.floor();
            while d < hi {
                let a = d.max(lo);
                let b = (d + 1.0).min(hi);
                sum += (b - a) * self.value_on_day_clamped(d as i64);
                d += 1.0;
            }
        }
        sum / (to_day - from_day)
    }
}

/// Parses a date cell: `YYYY-MM-DD`, optionally followed by `T...` or a
/// space and a time of day.
fn parse_day(cell: &str) -> Result<Date, &'static str> {
    let s = cell.trim();
    let day = match s.char_indices().nth(10) {
        Some((i, 'T' | ' ')) => &s[..i],
        _ => s,
    };
    day.parse::<Date>().map_err(|e| e.reason)
}

/// Loads one value column of the daily CSV file a model names as `path`,
/// opened through `files` (the core opens no file itself).
///
/// `date_column` names the column with the days (`time` in Coin Metrics'
/// files), `value_column` the values (e.g. `PriceUSD`, `FeeTotNtv`). Errors
/// name the file, the line (the header is line 1) and the problem; see the
/// module docs for the rules. Returns the series and the file's name as
/// `files` gives it (for later messages).
pub fn load_daily_series(
    files: &dyn DataFiles,
    path: &str,
    date_column: &str,
    value_column: &str,
) -> Result<(DailySeries, String), MarketError> {
    let opened = files.open(path).map_err(|e| MarketError::MissingFile {
        file: e.file,
        reason: e.reason,
    })?;
    let file = opened.name;
    let series = read_daily_series(opened.reader, &file, date_column, value_column)?;
    Ok((series, file))
}

/// Reads one value column of a daily CSV from `source`; `file` names it in
/// messages. See [`load_daily_series`].
pub fn read_daily_series(
    source: impl Read,
    file: &str,
    date_column: &str,
    value_column: &str,
) -> Result<DailySeries, MarketError> {
    let file = file.to_string();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .trim(csv::Trim::All)
        .from_reader(std::io::BufReader::new(source));
    let malformed = |e: csv::Error| {
        let line = e.position().map(|p| p.line()).unwrap_or(0);
        let reason = match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("row has {len} fields, but the header has {expected_len}"),
            csv::ErrorKind::Utf8 { .. } => "not valid UTF-8 text".to_string(),
            csv::ErrorKind::Io(io) => format!("read error: {io}"),
            _ => e.to_string(),
        };
        MarketError::Malformed {
            file: file.clone(),
            line,
            reason,
        }
    };
    let headers: Vec<String> = reader
        .headers()
        .map_err(malformed)?
        .iter()
        .enumerate()
        .map(|(i, h)| {
            let h = if i == 0 {
                h.trim_start_matches('\u{feff}')
            } else {
                h
            };
            h.trim().to_string()
        })
        .collect();
    if headers.iter().all(|h| h.is_empty()) {
        return Err(MarketError::Empty {
            file,
            reason: "the file is empty (expected a header row and one row per day)".into(),
        });
    }
    if !super::looks_like_column_names(&headers) {
        return Err(MarketError::NotCsvHeader { file });
    }
    let find = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| MarketError::MissingColumn {
                file: file.clone(),
                column: name.to_string(),
                available: super::describe_columns(&headers),
            })
    };
    let date_idx = find(date_column)?;
    let value_idx = find(value_column)?;

    let mut dates: Vec<Date> = Vec::new();
    let mut values: Vec<f64> = Vec::new();
    // The last row read (with or without a value): line and date.
    let mut previous: Option<Date> = None;
    // First row with an empty value after values started: (line, date).
    let mut pending_empty: Option<(u64, Date)> = None;
    let mut rows = 0usize;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(malformed(e)),
        }
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        // Skip completely blank lines.
        if record.iter().all(|c| c.is_empty()) {
            continue;
        }
        rows += 1;
        let date_cell = record.get(date_idx).unwrap_or("");
        let date = parse_day(date_cell).map_err(|reason| MarketError::BadDate {
            file: file.clone(),
            line,
            column: date_column.to_string(),
            reason: reason.to_string(),
        })?;
        if let Some(prev) = previous {
            if date == prev {
                return Err(MarketError::Duplicate { file, line, date });
            }
            if date < prev {
                return Err(MarketError::OutOfOrder {
                    file,
                    line,
                    date,
                    previous: prev,
                });
            }
            if date.days() != prev.days() + 1 {
                return Err(MarketError::Gap {
                    file,
                    line,
                    first_missing: prev.add_days(1),
                    previous: prev,
                    date,
                });
            }
        }
        previous = Some(date);

        let cell = record.get(value_idx).unwrap_or("");
        if cell.is_empty() {
            if !values.is_empty() && pending_empty.is_none() {
                pending_empty = Some((line, date));
            }
            continue;
        }
        if let Some((eline, edate)) = pending_empty {
            return Err(MarketError::EmptyValue {
                file,
                line: eline,
                column: value_column.to_string(),
                date: edate,
            });
        }
        let value: f64 = cell.parse().map_err(|_| MarketError::NotANumber {
            file: file.clone(),
            line,
            column: value_column.to_string(),
        })?;
        if !value.is_finite() {
            return Err(MarketError::NotFinite {
                file,
                line,
                column: value_column.to_string(),
            });
        }
        if value < 0.0 {
            return Err(MarketError::Negative {
                file,
                line,
                column: value_column.to_string(),
            });
        }
        dates.push(date);
        values.push(value);
    }
    if values.is_empty() {
        let reason = if rows == 0 {
            "the file has a header but no data rows".to_string()
        } else {
            format!("column {value_column} has no values")
        };
        return Err(MarketError::Empty { file, reason });
    }
    Ok(DailySeries { dates, values })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn series(first: &str, values: &[f64]) -> DailySeries {
        let d0: Date = first.parse().unwrap();
        let dates = (0..values.len() as i64).map(|i| d0.add_days(i)).collect();
        DailySeries::new(dates, values.to_vec()).unwrap()
    }

    #[test]
    fn lookups_and_clamping() {
        let s = series("2020-01-01", &[1.0, 2.0, 4.0]);
        assert_eq!(s.value_on("2020-01-02".parse().unwrap()), Some(2.0));
        assert_eq!(s.value_on("2019-12-31".parse().unwrap()), None);
        assert_eq!(s.value_on("2020-01-04".parse().unwrap()), None);
        let d0 = s.first_date().days();
        assert_eq!(s.value_on_day_clamped(d0 - 5), 1.0);
        assert_eq!(s.value_on_day_clamped(d0 + 50), 4.0);
        assert!(s.covers(s.first_date(), s.last_date()));
        assert!(!s.covers(s.first_date(), s.last_date().add_days(1)));
    }

    #[test]
    fn mean_over_days_weights_overlap() {
        let s = series("2020-01-01", &[1.0, 2.0, 4.0]);
        let d0 = s.first_date().days() as f64;
        // A whole day is that day's value.
        assert_eq!(s.mean_over_days(d0 + 1.0, d0 + 2.0), 2.0);
        // Half of day 0 and half of day 1.
        assert!((s.mean_over_days(d0 + 0.5, d0 + 1.5) - 1.5).abs() < 1e-12);
        // All three days.
        assert!((s.mean_over_days(d0, d0 + 3.0) - 7.0 / 3.0).abs() < 1e-12);
        // Two days before the start (held at 1) and the first day.
        assert!((s.mean_over_days(d0 - 2.0, d0 + 1.0) - 1.0).abs() < 1e-12);
        // One day past the end held at 4.
        assert!((s.mean_over_days(d0 + 2.0, d0 + 4.0) - 4.0).abs() < 1e-12);
        // Empty interval: the day that contains it.
        assert_eq!(s.mean_over_days(d0 + 1.3, d0 + 1.3), 2.0);
        // Absurd intervals stay finite and bounded.
        let m = s.mean_over_days(d0, 1e300);
        assert!(m.is_finite() && (1.0..=4.0).contains(&m));
    }

    #[test]
    fn day_parsing_accepts_time_suffix() {
        assert_eq!(
            parse_day("2024-01-01T00:00:00.000000000Z")
                .unwrap()
                .to_string(),
            "2024-01-01"
        );
        assert!(parse_day("2024-1-1").is_err());
    }
}
