//! The CBECI accounting view: Cambridge's bottom-up power estimate from the
//! network hashrate, hashprice and a list of ASIC models.
//!
//! Method (`reference/economics.md`, "How others estimate energy"): a model
//! counts as profitable when it is released, less than 5 years old, and its
//! efficiency is below the break-even efficiency `hashprice ÷ (0.024 ×
//! electricity price)` (J/TH at which the energy of a TH-day costs exactly
//! the hashprice). Then
//!
//! - lower bound = most efficient profitable model × hashrate × PUE 1.01,
//! - upper bound = least efficient profitable model × hashrate × PUE 1.20,
//! - best guess = mean efficiency of the profitable models × hashrate × PUE 1.10.
//!
//! CBECI smooths the profitability threshold over 14 days and its output over
//! 7 days: callers that want that pass a 14-day mean of hashprice (and average
//! the results over 7 days). If no model is profitable, all three use the most
//! efficient model of the last 5 years (or, failing that, the most efficient
//! released one); if none is released, all are 0. Electricity only, no capex.

use super::asic::{AsicCatalogue, DAYS_PER_YEAR};
use super::KWH_PER_TH_DAY_PER_J_PER_TH;
use crate::calendar::Date;

/// CBECI's default electricity price, USD/kWh.
pub const CBECI_DEFAULT_USD_PER_KWH: f64 = 0.05;
/// Models older than this many years are not counted (CBECI v1.3+).
pub const CBECI_MAX_AGE_YEARS: f64 = 5.0;

/// A power estimate with bounds, W.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct CbeciEstimate {
    /// Lower bound, W.
    pub lower_w: f64,
    /// Best guess, W.
    pub best_w: f64,
    /// Upper bound, W.
    pub upper_w: f64,
}

/// CBECI estimate of network power, W (see the module documentation);
/// `electricity_usd_per_kwh` is CBECI's assumed price, usually
/// [`CBECI_DEFAULT_USD_PER_KWH`].
pub fn cbeci_power_w(
    hashrate_hs: f64,
    hashprice_usd_per_th_day: f64,
    date: Date,
    catalogue: &AsicCatalogue,
    electricity_usd_per_kwh: f64,
) -> CbeciEstimate {
    let th = if hashrate_hs.is_finite() {
        hashrate_hs.max(0.0) / 1e12
    } else {
        0.0
    };
    let breakeven_j = if electricity_usd_per_kwh > 0.0 {
        hashprice_usd_per_th_day / (KWH_PER_TH_DAY_PER_J_PER_TH * electricity_usd_per_kwh)
    } else {
        f64::INFINITY
    };
    let today = date.days() as f64;
    let (mut n, mut sum, mut lo, mut hi) = (0usize, 0.0, f64::INFINITY, 0.0f64);
    let (mut recent_best, mut any_best) = (f64::INFINITY, f64::INFINITY);
    for g in catalogue.generations() {
        let age = today - g.release.days() as f64;
        if age < 0.0 {
            continue;
        }
        any_best = any_best.min(g.j_per_th);
        if age >= CBECI_MAX_AGE_YEARS * DAYS_PER_YEAR {
            continue;
        }
        recent_best = recent_best.min(g.j_per_th);
        if g.j_per_th < breakeven_j {
            n += 1;
            sum += g.j_per_th;
            lo = lo.min(g.j_per_th);
            hi = hi.max(g.j_per_th);
        }
    }
    let (lo, mean, hi) = if n > 0 {
        (lo, sum / n as f64, hi)
    } else if recent_best.is_finite() {
        (recent_best, recent_best, recent_best)
    } else if any_best.is_finite() {
        (any_best, any_best, any_best)
    } else {
        return CbeciEstimate::default();
    };
    CbeciEstimate {
        lower_w: lo * th * 1.01,
        best_w: mean * th * 1.10,
        upper_w: hi * th * 1.20,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::miners::asic::HardwarePriceConfig;

    #[test]
    fn bounds_follow_profitable_models() {
        let c = AsicCatalogue::default_catalogue(&HardwarePriceConfig::default()).unwrap();
        let d = Date::from_ymd(2026, 1, 1).unwrap();
        // Break-even at $0.05: 0.0376 / (0.024 × 0.05) = 31.3 J/TH: S19 Pro
        // (2020-02) is older than 5 years; S19 XP, S21, S21 XP count.
        let e = cbeci_power_w(1e21, 0.0376, d, &c, 0.05);
        assert!((e.lower_w - 13.5 * 1e9 * 1.01).abs() < 1.0);
        assert!((e.upper_w - 21.5 * 1e9 * 1.20).abs() < 1.0);
        assert!((e.best_w - (13.5 + 17.5 + 21.5) / 3.0 * 1e9 * 1.10).abs() < 1.0);
        assert!(e.lower_w <= e.best_w && e.best_w <= e.upper_w);
        // Nothing profitable: the best recent model; nothing released: zero.
        let z = cbeci_power_w(1e21, 0.0, d, &c, 0.05);
        assert!((z.best_w - 13.5 * 1e9 * 1.10).abs() < 1.0);
        let none = cbeci_power_w(1e21, 1.0, Date::from_ymd(2010, 1, 1).unwrap(), &c, 0.05);
        assert_eq!(none, CbeciEstimate::default());
    }
}
