//! Civil (proleptic Gregorian, UTC) dates, without a date-time dependency.
//!
//! Simulation time is measured in seconds since the scenario's start; dates
//! appear at the edges (scenario start, ASIC release months, price files,
//! output). A [`Date`] is a day number since 1970-01-01.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Seconds in a day.
pub const SECONDS_PER_DAY: f64 = 86_400.0;

/// A UTC calendar day, stored as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    days: i64,
}

/// Why a date string was rejected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid date {input:?}: {reason} (expected YYYY-MM-DD)")]
pub struct DateError {
    pub input: String,
    pub reason: &'static str,
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        _ => 28,
    }
}

impl Date {
    /// Builds a date from year, month (1-12) and day (1-31); `None` when it
    /// does not exist.
    pub fn from_ymd(y: i64, m: u32, d: u32) -> Option<Date> {
        if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        // Howard Hinnant's days_from_civil.
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m as i64 + 9) % 12;
        let doy = (153 * mp + 2) / 5 + d as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Some(Date {
            days: era * 146_097 + doe - 719_468,
        })
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days(days: i64) -> Date {
        Date { days }
    }

    /// Days since 1970-01-01.
    pub fn days(self) -> i64 {
        self.days
    }

    /// Unix time of the start of this day.
    pub fn unix_seconds(self) -> i64 {
        self.days * 86_400
    }

    /// The day that contains the given Unix time.
    pub fn from_unix_seconds(s: i64) -> Date {
        Date {
            days: s.div_euclid(86_400),
        }
    }

    /// (year, month, day).
    pub fn ymd(self) -> (i64, u32, u32) {
        // Howard Hinnant's civil_from_days.
        let z = self.days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        (if m <= 2 { y + 1 } else { y }, m, d)
    }

    /// Fractional years since 1970-01-01 (365.2425-day years), for
    /// exponential trends such as efficiency improvement per year.
    pub fn year_fraction(self) -> f64 {
        1970.0 + self.days as f64 / 365.2425
    }

    /// This date plus `n` days.
    pub fn add_days(self, n: i64) -> Date {
        Date {
            days: self.days + n,
        }
    }

    /// Parses `YYYY-MM` as the first day of that month.
    pub fn parse_month(s: &str) -> Result<Date, DateError> {
        let err = |reason| DateError {
            input: s.to_string(),
            reason,
        };
        let (y, m) = s.trim().split_once('-').ok_or(err("missing '-'"))?;
        let y: i64 = y.parse().map_err(|_| err("year is not a number"))?;
        let m: u32 = m.parse().map_err(|_| err("month is not a number"))?;
        Date::from_ymd(y, m, 1).ok_or(err("no such month"))
    }
}

impl FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Date, DateError> {
        let err = |reason| DateError {
            input: s.to_string(),
            reason,
        };
        let t = s.trim();
        let mut parts = t.splitn(3, '-');
        let (Some(y), Some(m), Some(d)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(err("not three '-'-separated parts"));
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(err("wrong number of digits"));
        }
        let y: i64 = y.parse().map_err(|_| err("year is not a number"))?;
        let m: u32 = m.parse().map_err(|_| err("month is not a number"))?;
        let d: u32 = d.parse().map_err(|_| err("day is not a number"))?;
        Date::from_ymd(y, m, d).ok_or(err("no such day"))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_days() {
        assert_eq!(Date::from_ymd(1970, 1, 1).unwrap().days(), 0);
        // Bitcoin's genesis block: 2009-01-03 18:15:05 UTC = 1231006505.
        assert_eq!(
            Date::from_unix_seconds(1_231_006_505).to_string(),
            "2009-01-03"
        );
        let d: Date = "2024-04-20".parse().unwrap();
        assert_eq!(d.unix_seconds(), 1_713_571_200);
        assert_eq!(d.to_string(), "2024-04-20");
    }

    #[test]
    fn round_trip_over_centuries() {
        for days in (-100_000..100_000).step_by(37) {
            let d = Date::from_days(days);
            let (y, m, dd) = d.ymd();
            assert_eq!(Date::from_ymd(y, m, dd), Some(d));
            assert_eq!(d.to_string().parse::<Date>(), Ok(d));
        }
    }

    #[test]
    fn rejects_bad_dates() {
        assert!("2023-02-29".parse::<Date>().is_err());
        assert!("2024-02-29".parse::<Date>().is_ok());
        assert!("2024-13-01".parse::<Date>().is_err());
        assert!("24-01-01".parse::<Date>().is_err());
        assert!("2024/01/01".parse::<Date>().is_err());
        assert_eq!(
            Date::parse_month("2016-07").unwrap().to_string(),
            "2016-07-01"
        );
    }
}
