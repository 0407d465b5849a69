//! One numeric chart axis: linear or log10 scale, padded range, tick
//! positions chosen here (not by plotters) and readable tick labels.
//!
//! [`Axis`] implements plotters' `Ranged` trait, so a chart is always a
//! `Cartesian2d<Axis, Axis>` whatever the scales; data stay in their own units
//! and the axis does the log transform. Values a scale cannot show
//! (non-finite, or non-positive on a log axis) are reported by
//! [`Axis::accepts`] and must be skipped by the caller; if one slips through,
//! `map` clamps it near the plot edge instead of overflowing.

use std::ops::Range;

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};

/// How values are placed along an axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scale {
    /// Equal distances for equal differences.
    Linear,
    /// Equal distances for equal ratios; only positive values are shown.
    Log10,
}

impl Scale {
    /// `Log10` when `log` is set, else `Linear`.
    pub(crate) fn from_log(log: bool) -> Self {
        if log {
            Scale::Log10
        } else {
            Scale::Linear
        }
    }

    /// Whether `v` can be placed on this scale.
    pub(crate) fn accepts(self, v: f64) -> bool {
        v.is_finite() && (self == Scale::Linear || v > 0.0)
    }
}

/// How tick labels are written.
#[derive(Debug, Clone, Copy)]
enum LabelMode {
    /// Evenly spaced ticks `step` apart: every label gets the same precision.
    Step(f64),
    /// Log ticks (1, 2, 5 × 10^k): up to three significant digits each.
    Significant,
}

/// A numeric axis with its range and ticks (see the module docs).
#[derive(Debug, Clone)]
pub(crate) struct Axis {
    scale: Scale,
    lo: f64,
    hi: f64,
    t_lo: f64,
    t_hi: f64,
    ticks: Vec<f64>,
    minor: Vec<f64>,
    mode: LabelMode,
    style: StepStyle,
    target: usize,
    /// Smallest step between linear ticks (0 for none), e.g. 1 for whole
    /// years.
    min_step: f64,
}

/// How the labels of evenly spaced ticks are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StepStyle {
    /// Plain decimals (largest tick below 10,000).
    Plain,
    /// Divided by 10^exp and followed by the SI prefix (`40 M`).
    Si(i32),
    /// Mantissa and exponent (tiny values, or beyond the exa prefix).
    Scientific,
}

/// SI prefixes from kilo to exa, by exponent.
const SI_PREFIXES: [(i32, &str); 6] = [
    (3, "k"),
    (6, "M"),
    (9, "G"),
    (12, "T"),
    (15, "P"),
    (18, "E"),
];

/// Values whose magnitude is below this are written without a prefix
/// (`2500`, not `2.5 k`).
const SI_FROM: f64 = 1e4;
/// Values from this magnitude up are beyond the largest prefix (exa) and
/// written in scientific notation.
const SI_UNTIL: f64 = 1e21;

/// The largest SI exponent (3, 6, ..., 18) whose power of ten is at most
/// `a` (a finite magnitude in `[SI_FROM, SI_UNTIL)`).
fn si_exponent(a: f64) -> i32 {
    SI_PREFIXES
        .iter()
        .rev()
        .map(|(e, _)| *e)
        .find(|&e| a >= 10f64.powi(e) * (1.0 - 1e-12))
        .unwrap_or(3)
}

/// The prefix letter for an exponent of [`SI_PREFIXES`].
fn si_prefix(exp: i32) -> &'static str {
    SI_PREFIXES
        .iter()
        .find(|(e, _)| *e == exp)
        .map(|(_, p)| *p)
        .unwrap_or("")
}

/// The label style of a linear axis whose largest tick magnitude is
/// `biggest`.
fn step_style(biggest: f64) -> StepStyle {
    if !biggest.is_finite() || biggest >= SI_UNTIL || (biggest > 0.0 && biggest < 1e-3) {
        StepStyle::Scientific
    } else if biggest < SI_FROM {
        StepStyle::Plain
    } else {
        StepStyle::Si(si_exponent(biggest))
    }
}

/// Largest number of ticks ever generated on one axis (guards loops).
const MAX_TICKS: usize = 200;

impl Axis {
    /// An axis over `lo..hi` (data units) aiming at about `target_ticks`
    /// labelled ticks. Invalid bounds are replaced by a unit range so that
    /// drawing never fails.
    pub(crate) fn new(scale: Scale, lo: f64, hi: f64, target_ticks: usize) -> Self {
        Axis::with_min_step(scale, lo, hi, target_ticks, 0.0)
    }

    /// As [`Axis::new`], with linear ticks at least `min_step` apart
    /// (whole years on a time axis) when the range holds at least three
    /// such ticks; `min_step` 0 (or not finite) for no minimum.
    pub(crate) fn with_min_step(
        scale: Scale,
        lo: f64,
        hi: f64,
        target_ticks: usize,
        min_step: f64,
    ) -> Self {
        let min_step = if min_step.is_finite() && min_step > 0.0 {
            min_step
        } else {
            0.0
        };
        let (lo, hi) = sanitize_bounds(scale, lo, hi);
        let (t_lo, t_hi) = match scale {
            Scale::Linear => (lo, hi),
            Scale::Log10 => (lo.log10(), hi.log10()),
        };
        let target = target_ticks.clamp(2, 20);
        let (ticks, minor, mode) = match scale {
            Scale::Linear => {
                let (mut ticks, mut step) = linear_ticks(lo, hi, target);
                if min_step > 0.0 && step < min_step {
                    let (t, st) = linear_ticks_from(lo, hi, target, min_step);
                    if t.len() >= 3 {
                        (ticks, step) = (t, st);
                    }
                }
                (ticks, Vec::new(), LabelMode::Step(step))
            }
            Scale::Log10 => log_ticks(lo, hi, target),
        };
        // The largest tick decides the prefix shared by all labels.
        let biggest = ticks
            .iter()
            .map(|t| t.abs())
            .fold(0.0, f64::max)
            .max(if ticks.is_empty() {
                lo.abs().max(hi.abs())
            } else {
                0.0
            });
        let style = step_style(biggest);
        Axis {
            scale,
            lo,
            hi,
            t_lo,
            t_hi,
            ticks,
            minor,
            mode,
            style,
            target,
            min_step,
        }
    }

    /// The same range with about `target_ticks` ticks.
    pub(crate) fn with_target(&self, target_ticks: usize) -> Self {
        Axis::with_min_step(self.scale, self.lo, self.hi, target_ticks, self.min_step)
    }

    /// The same range with linear ticks at least `min_step` apart.
    pub(crate) fn min_step(&self, min_step: f64) -> Self {
        Axis::with_min_step(self.scale, self.lo, self.hi, self.target, min_step)
    }

    /// The tick count this axis aims at.
    pub(crate) fn target(&self) -> usize {
        self.target
    }

    /// An axis covering every value this scale accepts, widened by
    /// `pad_frac` of the span on each side (of the log span on log axes);
    /// a degenerate range (one value, or a constant series with rounding
    /// noise) gets [`pad_degenerate`]'s padding instead. With `snap_zero`, a linear range whose data are all ≥ 0 starts at 0
    /// when padding would cross zero or the minimum is below a quarter of the
    /// maximum (and the mirror image for all-negative data).
    /// `None` when no value is acceptable.
    pub(crate) fn fit(
        scale: Scale,
        values: impl IntoIterator<Item = f64>,
        pad_frac: f64,
        snap_zero: bool,
        target_ticks: usize,
    ) -> Option<Self> {
        let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
        for v in values.into_iter().filter(|&v| scale.accepts(v)) {
            min = min.min(v);
            max = max.max(v);
        }
        if min > max {
            return None;
        }
        let (lo, hi) = match scale {
            _ if degenerate(min, max) => pad_degenerate(scale, min, max),
            Scale::Linear => {
                let span = max - min;
                let mut lo = min - pad_frac * span;
                let mut hi = max + pad_frac * span;
                if snap_zero && min >= 0.0 && (lo < 0.0 || min < 0.25 * max) {
                    lo = 0.0;
                }
                if snap_zero && max <= 0.0 && (hi > 0.0 || max > 0.25 * min) {
                    hi = 0.0;
                }
                (lo, hi)
            }
            Scale::Log10 => {
                let f = 10f64.powf(pad_frac * (max / min).log10());
                (min / f, max * f)
            }
        };
        Some(Axis::new(scale, lo, hi, target_ticks))
    }

    /// Whether `v` can be drawn on this axis (see [`Scale::accepts`]).
    pub(crate) fn accepts(&self, v: f64) -> bool {
        self.scale.accepts(v)
    }

    /// Lower bound in data units.
    pub(crate) fn lo(&self) -> f64 {
        self.lo
    }

    /// Upper bound in data units.
    pub(crate) fn hi(&self) -> f64 {
        self.hi
    }

    /// Whether `v` lies inside the axis range.
    pub(crate) fn contains(&self, v: f64) -> bool {
        v >= self.lo && v <= self.hi
    }

    /// `v` forced into the axis range; values the scale cannot show (NaN,
    /// non-positive on a log axis) go to the lower bound. Used for the lower
    /// edge of shaded areas, which should run off the bottom of a log axis.
    pub(crate) fn clamp(&self, v: f64) -> f64 {
        if v.is_nan() || !self.accepts(v) && self.scale == Scale::Log10 {
            self.lo
        } else {
            v.clamp(self.lo, self.hi)
        }
    }

    /// The labelled tick positions.
    #[cfg(test)]
    pub(crate) fn ticks(&self) -> &[f64] {
        &self.ticks
    }

    /// The tick labels, in tick order.
    pub(crate) fn tick_labels(&self) -> Vec<String> {
        self.ticks.iter().map(|&v| self.label(v)).collect()
    }

    /// The tick label for `v`.
    pub(crate) fn label(&self, v: f64) -> String {
        match self.mode {
            LabelMode::Step(step) => match self.style {
                StepStyle::Plain => format_with_step(v, step, false),
                StepStyle::Scientific => format_with_step(v, step, true),
                StepStyle::Si(exp) => format_with_prefix(v, step, exp),
            },
            LabelMode::Significant => format_si(v),
        }
    }

    fn transform(&self, v: f64) -> f64 {
        match self.scale {
            Scale::Linear => v,
            Scale::Log10 if v > 0.0 => v.log10(),
            Scale::Log10 => f64::NEG_INFINITY,
        }
    }
}

impl Ranged for Axis {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let frac = (self.transform(*value) - self.t_lo) / (self.t_hi - self.t_lo);
        let frac = if frac.is_nan() {
            0.0
        } else {
            frac.clamp(-1.0, 2.0)
        };
        let px = f64::from(limit.0) + frac * (f64::from(limit.1) - f64::from(limit.0));
        px.round() as i32
    }

    fn key_points<H: KeyPointHint>(&self, hint: H) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            let mut all = self.minor.clone();
            all.extend_from_slice(&self.ticks);
            all
        } else {
            self.ticks.clone()
        }
    }

    fn range(&self) -> Range<f64> {
        self.lo..self.hi
    }
}

impl ValueFormatter<f64> for Axis {
    fn format(value: &f64) -> String {
        format_significant(*value)
    }

    fn format_ext(&self, value: &f64) -> String {
        self.label(*value)
    }
}

/// Replaces unusable bounds by a sane range for the scale, and a
/// degenerate range (see [`degenerate`]) by a padded one.
fn sanitize_bounds(scale: Scale, lo: f64, hi: f64) -> (f64, f64) {
    let (lo, hi) = if lo <= hi { (lo, hi) } else { (hi, lo) };
    let usable = scale.accepts(lo) && scale.accepts(hi) && (hi - lo).is_finite();
    match scale {
        Scale::Linear if !usable => (0.0, 1.0),
        Scale::Log10 if !usable => (1.0, 10.0),
        _ if degenerate(lo, hi) => pad_degenerate(scale, lo, hi),
        _ => (lo, hi),
    }
}

/// Relative width below which a range counts as one value: no tick label
/// could tell its ends apart, and tick positions `k × step` would need
/// multipliers beyond 2^53, where `k + 1 == k`.
const DEGENERATE_RELATIVE_SPAN: f64 = 1e-9;

/// Whether `[lo, hi]` (finite, `lo <= hi`) is a single value for drawing
/// purposes: equal ends, or ends closer than [`DEGENERATE_RELATIVE_SPAN`] of
/// their magnitude (a constant series with rounding noise, one point).
pub(crate) fn degenerate(lo: f64, hi: f64) -> bool {
    hi - lo <= DEGENERATE_RELATIVE_SPAN * lo.abs().max(hi.abs())
}

/// The padded range around a degenerate `[lo, hi]`: ±10 % of the value
/// on a linear scale (±1 around zero), a factor of 2 each way on a log
/// scale. Always finite with `lo < hi` (and `lo > 0` on a log scale).
pub(crate) fn pad_degenerate(scale: Scale, lo: f64, hi: f64) -> (f64, f64) {
    let mid = lo + (hi - lo) / 2.0;
    match scale {
        Scale::Linear => {
            let a = mid.abs();
            // Tiny magnitudes pad by 1 like zero; huge ones stay finite.
            let d = if a < 1e-300 { 1.0 } else { a * 0.1 };
            // Near ±f64::MAX the outer end stays at the largest float.
            ((mid - d).max(-f64::MAX), (mid + d).min(f64::MAX))
        }
        Scale::Log10 => {
            let m = mid.clamp(f64::MIN_POSITIVE * 4.0, f64::MAX / 4.0);
            (m / 2.0, m * 2.0)
        }
    }
}

/// The smallest "nice" step (1, 2, 2.5 or 5 × 10^k) that is at least `raw`.
pub(crate) fn nice_step(raw: f64) -> f64 {
    if !(raw.is_finite() && raw > 0.0) {
        return 1.0;
    }
    let base = 10f64.powf(raw.log10().floor());
    let m = raw / base;
    let nice = if m <= 1.0 + 1e-9 {
        1.0
    } else if m <= 2.0 + 1e-9 {
        2.0
    } else if m <= 2.5 + 1e-9 {
        2.5
    } else if m <= 5.0 + 1e-9 {
        5.0
    } else {
        10.0
    };
    nice * base
}

/// Multiples of the smallest nice step that gives at most `target + 1`
/// ticks inside `[lo, hi]`.
fn linear_ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, f64) {
    linear_ticks_from(lo, hi, target, 0.0)
}

/// As [`linear_ticks`], with a step of at least `min_step` (a nice one).
fn linear_ticks_from(lo: f64, hi: f64, target: usize, min_step: f64) -> (Vec<f64>, f64) {
    let count = |step: f64| ((hi / step + 1e-9).floor() - (lo / step - 1e-9).ceil() + 1.0).max(0.0);
    let mut step = nice_step(((hi - lo) / (2.0 * target as f64)).max(min_step));
    for _ in 0..20 {
        if count(step) <= (target + 1) as f64 {
            break;
        }
        step = nice_step(step * 1.0001);
    }
    let k0 = (lo / step - 1e-9).ceil();
    let k1 = (hi / step + 1e-9).floor();
    let mut ticks: Vec<f64> = Vec::new();
    if k0.is_finite() && k1.is_finite() && k1 >= k0 && k1 - k0 < MAX_TICKS as f64 {
        // Counted by an integer: `k += 1.0` would stand still beyond 2^53.
        for i in 0..=(k1 - k0) as usize {
            let v = (k0 + i as f64) * step;
            let v = if v == 0.0 { 0.0 } else { v };
            if ticks.last().is_none_or(|&last| v > last) {
                ticks.push(v);
            }
        }
    }
    (ticks, step)
}

/// Log ticks inside `[lo, hi]`: the richest of 1…9 × 10^k, 1-2-5 × 10^k
/// (each needs at least three ticks), every power of ten, every second
/// power… that has at most `target + 1` ticks; falls back to linear ticks
/// when the range is too narrow for any of them. The other 1…9 multiples
/// become light grid lines.
fn log_ticks(lo: f64, hi: f64, target: usize) -> (Vec<f64>, Vec<f64>, LabelMode) {
    let e0 = lo.log10().ceil() as i32;
    let e1 = hi.log10().floor() as i32;
    let decades = (e1 - e0 + 1).max(0) as usize;
    let inside = |v: &f64| *v >= lo * (1.0 - 1e-12) && *v <= hi * (1.0 + 1e-12);
    let with_multipliers = |mults: &[f64]| -> Vec<f64> {
        let mut out = Vec::new();
        for e in (lo.log10().floor() as i32)..=(hi.log10().ceil() as i32) {
            for m in mults {
                let v = m * 10f64.powi(e);
                if inside(&v) {
                    out.push(v);
                }
            }
        }
        out
    };
    let max_ticks = target + 1;
    let mut chosen: Option<Vec<f64>> = None;
    if decades <= 3 {
        for mults in [
            &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0][..],
            &[1.0, 2.0, 5.0][..],
        ] {
            let set = with_multipliers(mults);
            if (3..=max_ticks).contains(&set.len()) {
                chosen = Some(set);
                break;
            }
        }
    }
    if chosen.is_none() && decades >= 2 {
        let stride = decades.div_ceil(max_ticks).max(1) as i32;
        chosen = Some(
            (e0..=e1)
                .filter(|e| (e - e0) % stride == 0)
                .map(|e| 10f64.powi(e))
                .collect(),
        );
    }
    let Some(ticks) = chosen else {
        let (ticks, step) = linear_ticks(lo, hi, target);
        return (
            ticks.into_iter().filter(|v| *v > 0.0).collect(),
            Vec::new(),
            LabelMode::Step(step),
        );
    };
    let minor = if decades <= 12 {
        with_multipliers(&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])
    } else {
        (e0..=e1).map(|e| 10f64.powi(e)).collect()
    };
    let minor = minor.into_iter().filter(|v| !ticks.contains(v)).collect();
    (ticks, minor, LabelMode::Significant)
}

/// Number of decimals needed to write multiples of `step` exactly (≤ 8).
fn decimals_for(step: f64) -> usize {
    let step = step.abs();
    for d in 0..=8 {
        let scaled = step * 10f64.powi(d as i32);
        if (scaled - scaled.round()).abs() <= 1e-6 * scaled.max(1.0) {
            return d;
        }
    }
    8
}

/// Removes trailing zeros (and a trailing dot) from a decimal number.
fn trim_zeros(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// Mantissa and exponent of `v` written with `decimals` mantissa decimals,
/// e.g. `1.5e14`.
fn scientific(v: f64, decimals: usize) -> String {
    if v == 0.0 {
        return "0".to_string();
    }
    let mut exp = v.abs().log10().floor() as i32;
    let mut mant = v / 10f64.powi(exp);
    let rounded = format!("{mant:.decimals$}");
    if rounded.parse::<f64>().is_ok_and(|m| m.abs() >= 10.0) {
        exp += 1;
        mant /= 10.0;
    }
    format!("{}e{exp}", trim_zeros(&format!("{mant:.decimals$}")))
}

/// Label for a tick on an evenly spaced axis: every label carries the
/// precision the step needs; huge or tiny axes use scientific notation.
pub(crate) fn format_with_step(v: f64, step: f64, scientific_notation: bool) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    if v == 0.0 {
        return "0".to_string();
    }
    if scientific_notation {
        let exp = v.abs().log10().floor() as i32;
        let decimals = decimals_for(step / 10f64.powi(exp)).min(4);
        scientific(v, decimals)
    } else {
        let decimals = decimals_for(step);
        format!("{v:.decimals$}")
    }
}

/// Label for a tick on an evenly spaced axis whose labels share the SI
/// prefix of `exp`: `v / 10^exp` with the precision the step needs, then
/// the prefix (`40 M`, `2.5 T`; zero is `0`).
pub(crate) fn format_with_prefix(v: f64, step: f64, exp: i32) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    if v == 0.0 {
        return "0".to_string();
    }
    let k = 10f64.powi(exp);
    let decimals = decimals_for(step / k).min(4);
    format!("{:.decimals$} {}", v / k, si_prefix(exp))
}

/// A value with up to three significant digits and an SI prefix from kilo
/// to exa for magnitudes from 10,000 up: `40 M` (4e7), `150 T` (1.5e14),
/// `2500`, `0.8`; tiny magnitudes (below 0.001) and those beyond exa in
/// scientific notation (`1.5e-5`, `2e21`). Used for log-axis ticks,
/// legend values and tooltips.
pub fn format_si(v: f64) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    let a = v.abs();
    if a < SI_FROM {
        // 9999.7 rounds to 10000 with three significant digits: stays plain.
        return format_significant(v);
    }
    if a >= SI_UNTIL {
        return scientific(v, 2);
    }
    let mut exp = si_exponent(a);
    let mut text = format_significant(v / 10f64.powi(exp));
    // 999.7 k rounds to 1000 k: write 1 M instead.
    if exp < 18
        && text
            .trim_start_matches('-')
            .parse::<f64>()
            .is_ok_and(|m| m >= 1000.0)
    {
        exp += 3;
        text = format_significant(v / 10f64.powi(exp));
    }
    format!("{text} {}", si_prefix(exp))
}

/// A value with up to three significant digits, scientific when huge or tiny
/// (e.g. `2e14`, `350`, `0.005`). Used for log ticks and marker values.
pub fn format_significant(v: f64) -> String {
    if !v.is_finite() {
        return format!("{v}");
    }
    if v == 0.0 {
        return "0".to_string();
    }
    let a = v.abs();
    if !(1e-3..1e6).contains(&a) {
        scientific(v, 2)
    } else {
        let exp = a.log10().floor() as i32;
        let decimals = (2 - exp).clamp(0, 6) as usize;
        trim_zeros(&format!("{v:.decimals$}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(0.9), 1.0);
        assert_eq!(nice_step(1.7), 2.0);
        assert_eq!(nice_step(2.2), 2.5);
        assert_eq!(nice_step(3.0), 5.0);
        assert_eq!(nice_step(7.0), 10.0);
        assert!((nice_step(0.03) - 0.05).abs() < 1e-12);
        assert_eq!(nice_step(f64::NAN), 1.0);
    }

    #[test]
    fn linear_ticks_cover_range() {
        let a = Axis::new(Scale::Linear, 0.0, 1.0, 6);
        let t = a.ticks();
        assert_eq!(t.first(), Some(&0.0));
        assert!((t.last().unwrap() - 1.0).abs() < 1e-12);
        assert!(t.len() >= 4 && t.len() <= 11, "{t:?}");
        assert_eq!(a.label(0.2), "0.2");
    }

    #[test]
    fn huge_values_use_si_prefixes() {
        let a = Axis::new(Scale::Linear, 0.0, 3e14, 6);
        let labels: Vec<String> = a.ticks().iter().map(|&v| a.label(v)).collect();
        assert!(labels.contains(&"100 T".to_string()), "{labels:?}");
        assert!(labels.iter().all(|l| l.len() <= 7), "{labels:?}");
        // Beyond exa: scientific.
        let b = Axis::new(Scale::Linear, 0.0, 3e22, 6);
        assert!(
            b.tick_labels().contains(&"1e22".to_string()),
            "{:?}",
            b.tick_labels()
        );
        assert_eq!(format_with_step(1.5e14, 5e13, true), "1.5e14");
        assert_eq!(format_with_step(1.25e20, 2.5e19, true), "1.25e20");
    }

    #[test]
    fn min_step_gives_whole_years_when_three_fit() {
        let a = Axis::with_min_step(Scale::Linear, 2026.0, 2029.5, 8, 1.0);
        assert_eq!(a.tick_labels(), ["2026", "2027", "2028", "2029"]);
        // A year and a half: fewer than three whole years fit, so
        // finer steps stay.
        let b = Axis::with_min_step(Scale::Linear, 2026.0, 2027.5, 8, 1.0);
        assert!(b.ticks().len() >= 3, "{:?}", b.ticks());
        assert_eq!(b.with_target(4).min_step, 1.0);
    }

    #[test]
    fn years_have_no_decimals_with_integer_step() {
        let a = Axis::new(Scale::Linear, 2016.0, 2040.0, 8);
        assert_eq!(a.label(2020.0), "2020");
        assert!(a.ticks().contains(&2020.0));
    }

    #[test]
    fn log_ticks_are_powers_of_ten_over_decades() {
        let a = Axis::new(Scale::Log10, 1e10, 1e20, 8);
        assert!(a.ticks().iter().all(|v| {
            let e = v.log10();
            (e - e.round()).abs() < 1e-9
        }));
        assert_eq!(a.label(1e14), "100 T");
        assert_eq!(a.label(1e20), "100 E");
    }

    #[test]
    fn log_tick_density_follows_target() {
        // Two decades: 1-2-5 fits a target of 6, powers of ten only for 2.
        let a = Axis::new(Scale::Log10, 5e20, 5e22, 6);
        assert_eq!(a.ticks().len(), 7, "{:?}", a.ticks());
        let b = a.with_target(2);
        assert_eq!(b.ticks(), &[1e21, 1e22]);
        // Less than a decade: 1..9 multiples.
        let c = Axis::new(Scale::Log10, 0.019, 0.105, 8);
        assert_eq!(c.ticks().len(), 9, "{:?}", c.ticks());
        // Many decades with a small target: every n-th power.
        let d = Axis::new(Scale::Log10, 1.0, 1e20, 4);
        assert!(d.ticks().len() <= 5, "{:?}", d.ticks());
    }

    #[test]
    fn narrow_log_range_still_has_ticks() {
        let a = Axis::new(Scale::Log10, 1.2e14, 8e14, 6);
        assert!(a.ticks().len() >= 3, "{:?}", a.ticks());
        let b = Axis::new(Scale::Log10, 101.0, 104.0, 6);
        assert!(b.ticks().len() >= 2, "{:?}", b.ticks());
        assert!(b.ticks().iter().all(|v| *v > 0.0));
    }

    #[test]
    fn fit_skips_invalid_values_on_log_scale() {
        let a = Axis::fit(
            Scale::Log10,
            [0.0, -3.0, f64::NAN, 10.0, 1000.0],
            0.05,
            true,
            6,
        )
        .unwrap();
        assert!(a.lo() > 0.0 && a.lo() < 10.0);
        assert!(a.hi() > 1000.0);
        assert!(Axis::fit(Scale::Log10, [0.0, -1.0, f64::NAN], 0.05, true, 6).is_none());
        assert!(Axis::fit(Scale::Linear, [f64::INFINITY], 0.05, true, 6).is_none());
    }

    #[test]
    fn fit_snaps_to_zero_for_non_negative_data() {
        let a = Axis::fit(Scale::Linear, [0.1, 5.0], 0.05, true, 6).unwrap();
        assert_eq!(a.lo(), 0.0);
        let b = Axis::fit(Scale::Linear, [4.0, 5.0], 0.05, true, 6).unwrap();
        assert!(b.lo() > 3.0);
    }

    #[test]
    fn map_never_overflows() {
        let a = Axis::new(Scale::Log10, 1.0, 100.0, 6);
        for v in [0.0, -1.0, f64::NAN, f64::INFINITY, 1e308, 1e-308] {
            let px = a.map(&v, (0, 1000));
            assert!((-1000..=2000).contains(&px), "{v} -> {px}");
        }
        let bad = Axis::new(Scale::Linear, f64::NAN, f64::INFINITY, 6);
        assert_eq!(bad.range(), 0.0..1.0);
    }

    #[test]
    fn significant_formatting() {
        assert_eq!(format_significant(0.8), "0.8");
        assert_eq!(format_significant(350.0), "350");
        assert_eq!(format_significant(2e14), "2e14");
        assert_eq!(format_significant(0.8123456), "0.812");
        assert_eq!(format_significant(1.5e-5), "1.5e-5");
    }

    /// Ends a few ULPs apart (a constant series with rounding noise): the
    /// tick loop used to stand still at `k` beyond 2^53 and grow without
    /// bound; now the range is padded like a single value.
    #[test]
    fn ranges_a_few_ulps_wide_are_padded_like_one_value() {
        for v in [5400.0f64, 1.48e14, 1e17, 3e300, 1e-300, -7.5] {
            let up = v.next_up().next_up();
            for scale in [Scale::Linear, Scale::Log10] {
                if !scale.accepts(v) {
                    continue;
                }
                let a = Axis::new(scale, v, up, 6);
                assert!(
                    a.lo() < v && a.hi() > up,
                    "{scale:?} {v}: {}..{}",
                    a.lo(),
                    a.hi()
                );
                assert!(!a.ticks().is_empty() && a.ticks().len() <= MAX_TICKS);
                let f = Axis::fit(scale, [v, up, v], 0.05, true, 6).unwrap();
                assert_eq!(
                    (f.lo(), f.hi()),
                    pad_degenerate(scale, v, up),
                    "{scale:?} {v}"
                );
                assert!(!f.ticks().is_empty() && f.ticks().len() <= MAX_TICKS);
            }
        }
    }

    #[test]
    fn one_value_gets_a_padded_range() {
        // Zero: ±1 on a linear axis.
        let z = Axis::fit(Scale::Linear, [0.0], 0.05, true, 6).unwrap();
        assert_eq!((z.lo(), z.hi()), (-1.0, 1.0));
        // A constant: ±10 % (linear), a factor of 2 (log).
        let c = Axis::fit(Scale::Linear, [50.0; 4], 0.05, true, 6).unwrap();
        assert_eq!((c.lo(), c.hi()), (45.0, 55.0));
        assert!(c.ticks().contains(&50.0), "{:?}", c.ticks());
        let l = Axis::fit(Scale::Log10, [50.0], 0.05, true, 6).unwrap();
        assert_eq!((l.lo(), l.hi()), (25.0, 100.0));
        assert!(!l.ticks().is_empty());
        // Equal bounds given directly, huge and tiny magnitudes.
        for v in [1e17, f64::MAX, -f64::MAX, 1e-310, -3.0] {
            let a = Axis::new(Scale::Linear, v, v, 6);
            assert!(
                a.lo() < a.hi() && a.lo().is_finite() && a.hi().is_finite(),
                "{v}"
            );
            assert!(a.ticks().len() <= MAX_TICKS);
        }
        let m = Axis::new(Scale::Log10, f64::MAX, f64::MAX, 6);
        assert!(m.lo() > 0.0 && m.lo() < m.hi() && m.hi().is_finite());
    }

    #[test]
    fn tick_loop_is_bounded_for_far_off_ranges() {
        // A narrow range far from zero, just wider than degenerate: the
        // multipliers are near 1e9, ticks stay distinct and few.
        let (t, step) = linear_ticks(1e17, 1e17 + 1e9, 6);
        assert!(!t.is_empty() && t.len() <= 7, "{t:?} {step}");
        assert!(t.windows(2).all(|w| w[1] > w[0]));
        // Beyond 2^53 multipliers (called directly, bypassing the padding).
        let (t, _) = linear_ticks(1e17, 1e17f64.next_up(), 6);
        assert!(t.len() <= MAX_TICKS);
    }

    proptest::proptest! {
        /// Any mix of values (NaN, infinities, zeros, huge magnitudes) gives
        /// either no axis or a valid one whose ticks lie inside its range
        /// and format without panicking.
        #[test]
        fn fitted_axes_are_well_formed(
            values in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::num::f64::ANY,
                    -1e6f64..1e6,
                    1e-9f64..1e25,
                    proptest::strategy::Just(0.0),
                ],
                0..20,
            ),
            log in proptest::bool::ANY,
        ) {
            let scale = Scale::from_log(log);
            if let Some(a) = Axis::fit(scale, values.iter().copied(), 0.05, true, 6) {
                proptest::prop_assert!(a.lo() < a.hi(), "{} {}", a.lo(), a.hi());
                proptest::prop_assert!(a.lo().is_finite() && a.hi().is_finite());
                if log {
                    proptest::prop_assert!(a.lo() > 0.0);
                }
                proptest::prop_assert!(a.ticks().len() <= MAX_TICKS);
                for &t in a.ticks() {
                    let span = a.hi() - a.lo();
                    proptest::prop_assert!(
                        t >= a.lo() - 1e-9 * span && t <= a.hi() + 1e-9 * span,
                        "tick {t} outside {}..{}", a.lo(), a.hi()
                    );
                    proptest::prop_assert!(!a.label(t).is_empty());
                }
                for &v in &values {
                    let px = a.map(&v, (0, 1000));
                    proptest::prop_assert!((-1000..=2000).contains(&px));
                }
            }
        }
    }
}
