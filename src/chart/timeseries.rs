//! [`TimeChart`]: one or more panels stacked vertically over a shared x
//! axis, with lines, shaded bands, stacked areas, reference lines and
//! vertical markers.

use plotters::prelude::DrawingBackend;

use plotters::element::Circle;
use plotters::style::{Color, RGBColor};

use super::axis::{format_si, Axis, Scale};
use super::frame::{
    build_plot, color, draw_band, draw_err, draw_legend, draw_message, draw_polyline,
    draw_ref_lines, draw_title, draw_vlines, fit_ticks, legend_height, segments,
    x_label_area_height, y_label_area_width, Area, LegendEntry, Mark, Plot, PlotLayout,
    RIGHT_MARGIN, VLINE_LABEL_H,
};
use super::tips::Tips;
use super::{check_len, stacked, ChartError, ChartSize, Panel, Render, Series, TimeChart};

/// Swatch colour of a band legend entry shared by several series (whose
/// bands have different colours).
const SHARED_BAND_COLOR: RGBColor = RGBColor(110, 110, 110);
/// Fewest values for the outlier cut of [`robust_top`].
const ROBUST_MIN_VALUES: usize = 20;
/// The quantile of the plotted values the cut is measured from.
const ROBUST_QUANTILE: f64 = 0.98;
/// Points with hover tooltips per line (SVG), at most.
const HOVER_POINTS: usize = 60;

/// Where to cut a linear y axis so a few outliers cannot flatten the
/// picture: with `q` the 98 % quantile of the finite `values` (nearest
/// rank) and `lo` their minimum, the axis is cut at `q + (q - lo) / 4`
/// when the maximum lies more than `2 (q - lo)` above `q`; `None` (no
/// cut) otherwise, or with fewer than 20 finite values, or when `q` equals
/// the minimum. Returns the cut and the number of values above it.
pub fn robust_top(values: &[f64]) -> Option<(f64, usize)> {
    let mut v: Vec<f64> = values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.len() < ROBUST_MIN_VALUES {
        return None;
    }
    v.sort_by(f64::total_cmp);
    let lo = v[0];
    let max = v[v.len() - 1];
    let rank = ((ROBUST_QUANTILE * v.len() as f64).ceil() as usize).clamp(1, v.len());
    let q = v[rank - 1];
    let span = q - lo;
    // All values are finite, so `span` and `max - q` are too.
    if span <= 0.0 || max - q <= 2.0 * span {
        return None;
    }
    let top = q + 0.25 * span;
    let above = v.iter().filter(|&&x| x > top).count();
    Some((top, above))
}

/// Opacity of one shaded band; overlapping bands add up, so inner bands
/// look darker.
const BAND_ALPHA: f64 = 0.2;
/// Vertical gap between stacked panels.
const PANEL_GAP: u32 = 10;
/// Smallest plot height worth drawing.
const MIN_PLOT_H: u32 = 40;

/// A panel with its y axis and legend worked out.
struct Prepared<'p> {
    panel: &'p Panel,
    /// `None` when the panel has nothing drawable.
    y: Option<Axis>,
    /// Layer tops for stacked panels.
    tops: Vec<Vec<f64>>,
    legend: Vec<LegendEntry>,
}

/// A count with commas between groups of three digits: `36,530`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The cut of a panel's y axis and the legend's note about it.
fn cut_note(cut: Option<(f64, usize)>, total: usize) -> Option<String> {
    cut.map(|(top, above)| {
        format!(
            "y axis cut at {}: {} of {} plotted values above it (drawn at the top edge)",
            format_si(top),
            thousands(above),
            thousands(total)
        )
    })
}

/// The values of `v` at indices where x is drawable.
fn at_valid_x<'a>(xs: &'a [f64], x: &'a Axis, v: &'a [f64]) -> impl Iterator<Item = f64> + 'a {
    xs.iter()
        .zip(v)
        .filter(|(xv, _)| x.accepts(**xv))
        .map(|(_, y)| *y)
}

fn prepare<'p>(panel: &'p Panel, xs: &[f64], x: &Axis) -> Prepared<'p> {
    let scale = Scale::from_log(panel.log_y);
    let at_valid_x = |v| at_valid_x(xs, x, v);
    let has_data = panel
        .series
        .iter()
        .any(|s| at_valid_x(&s.y).any(|v| scale.accepts(v)));
    let tops = if panel.stacked {
        stacked::stack_tops(&panel.series, xs.len())
    } else {
        Vec::new()
    };
    let mut cut = None;
    let mut total = 0;
    let y = if !has_data {
        None
    } else {
        let refs = panel.ref_lines.iter().map(|r| r.y);
        if panel.stacked {
            let values: Vec<f64> = tops.iter().flat_map(|t| at_valid_x(t)).collect();
            Axis::fit(scale, values.into_iter().chain(refs), 0.05, true, 6)
        } else {
            let values: Vec<f64> = panel
                .series
                .iter()
                .flat_map(|s| {
                    let bands = s
                        .bands
                        .iter()
                        .flat_map(|b| at_valid_x(&b.lower).chain(at_valid_x(&b.upper)));
                    at_valid_x(&s.y).chain(bands)
                })
                .filter(|v| scale.accepts(*v))
                .collect();
            if scale == Scale::Linear {
                cut = robust_top(&values).map(|(top0, above)| {
                    // Reference lines stay on the chart.
                    let top = panel
                        .ref_lines
                        .iter()
                        .map(|r| r.y)
                        .filter(|v| v.is_finite())
                        .fold(top0, f64::max);
                    let above = if top > top0 {
                        values.iter().filter(|&&v| v > top).count()
                    } else {
                        above
                    };
                    (top, above)
                });
                total = values.len();
            }
            let top = cut.map_or(f64::INFINITY, |c| c.0);
            let values = values.into_iter().map(|v| v.min(top));
            Axis::fit(scale, values.chain(refs), 0.05, true, 6)
        }
    };
    let mut legend = if panel.stacked {
        stacked::legend(&panel.series)
    } else {
        line_legend(panel)
    };
    if let Some(note) = cut_note(cut, total) {
        legend.push(LegendEntry {
            label: note,
            mark: Mark::Note,
        });
    }
    Prepared {
        panel,
        y,
        tops,
        legend,
    }
}

/// Legend entries: each labelled series, then its labelled bands; a band
/// label that several series carry (the same quantile range on each) gets
/// one entry with a grey swatch after all the series.
fn line_legend(panel: &Panel) -> Vec<LegendEntry> {
    let carriers = |label: &str| {
        panel
            .series
            .iter()
            .filter(|s| s.bands.iter().any(|b| b.label == label))
            .count()
    };
    // The swatch shows how the band looks where it overlaps the bands
    // drawn before it.
    let alpha = |k: usize| 1.0 - (1.0 - BAND_ALPHA).powi(k as i32 + 1);
    let mut out = Vec::new();
    let mut shared: Vec<(String, usize)> = Vec::new();
    for s in &panel.series {
        let c = color(s.color_index);
        if !s.label.is_empty() {
            out.push(LegendEntry {
                label: s.label.clone(),
                mark: Mark::Line {
                    color: c,
                    dashed: s.dashed,
                },
            });
        }
        for (k, b) in s.bands.iter().enumerate() {
            if b.label.is_empty() {
                continue;
            }
            if carriers(&b.label) > 1 {
                if !shared.iter().any(|(l, _)| *l == b.label) {
                    shared.push((b.label.clone(), k));
                }
            } else {
                out.push(LegendEntry {
                    label: b.label.clone(),
                    mark: Mark::Fill {
                        color: c,
                        alpha: alpha(k),
                    },
                });
            }
        }
    }
    out.extend(shared.into_iter().map(|(label, k)| LegendEntry {
        label,
        mark: Mark::Fill {
            color: SHARED_BAND_COLOR,
            alpha: alpha(k),
        },
    }));
    out
}

/// The legend texts of a panel as drawn (series, bands, stacked layers;
/// without the note on a cut axis), for checking that every series drawn
/// has an entry.
pub fn legend_labels(panel: &Panel) -> Vec<String> {
    let entries = if panel.stacked {
        stacked::legend(&panel.series)
    } else {
        line_legend(panel)
    };
    entries.into_iter().map(|e| e.label).collect()
}

impl Render for TimeChart {
    fn size(&self) -> ChartSize {
        self.size
    }

    fn validate(&self) -> Result<(), ChartError> {
        let n = self.x.len();
        for (pi, p) in self.panels.iter().enumerate() {
            for (si, s) in p.series.iter().enumerate() {
                let name = format!("panels[{pi}].series[{si}] \"{}\"", s.label);
                check_len(&format!("{name}.y"), s.y.len(), n)?;
                for (bi, b) in s.bands.iter().enumerate() {
                    check_len(&format!("{name}.bands[{bi}].lower"), b.lower.len(), n)?;
                    check_len(&format!("{name}.bands[{bi}].upper"), b.upper.len(), n)?;
                }
            }
        }
        Ok(())
    }

    fn render<DB: DrawingBackend>(&self, root: &Area<DB>, tips: &Tips) -> Result<(), ChartError> {
        let body = draw_title(root, &self.title)?;
        let x = match Axis::fit(Scale::Linear, self.x.iter().copied(), 0.0, false, 8) {
            Some(x) if !self.panels.is_empty() => x.min_step(self.x_min_step),
            _ => return draw_message(&body, "no data"),
        };
        let mut prepared: Vec<Prepared> = self
            .panels
            .iter()
            .map(|p| prepare(p, &self.x, &x))
            .collect();

        let y_label_width = prepared
            .iter()
            .map(|p| y_label_area_width(&body, p.y.as_ref(), !p.panel.y_label.is_empty()))
            .max()
            .unwrap_or(0);
        let (w, h) = body.dim_in_pixel();
        let legend_w = w.saturating_sub(y_label_width + RIGHT_MARGIN);
        let legend_h: Vec<u32> = prepared
            .iter()
            .map(|p| legend_height(&body, &p.legend, legend_w))
            .collect();
        let n = prepared.len() as u32;
        let bottom_x_area = x_label_area_height(!self.x_label.is_empty());
        // Per panel: legend, top margin (6), plot, bottom margin (8) or the x
        // labels under the last panel; gaps between panels.
        let top_extra = if self
            .vlines
            .iter()
            .any(|v| !v.label.is_empty() && x.accepts(v.x) && x.contains(v.x))
        {
            VLINE_LABEL_H
        } else {
            0
        };
        let fixed: u32 = legend_h.iter().sum::<u32>()
            + n * 6
            + top_extra
            + (n - 1) * (8 + PANEL_GAP)
            + bottom_x_area
            + 8;
        let plot_h = (h.saturating_sub(fixed) / n).max(MIN_PLOT_H);
        for p in &mut prepared {
            p.y = p.y.take().map(|y| fit_ticks(&body, y, plot_h, false));
        }
        let x = fit_ticks(&body, x, legend_w, true);

        let mut rest = body;
        for (i, p) in prepared.iter().enumerate() {
            let last = i + 1 == prepared.len();
            let extra = if i == 0 { top_extra } else { 0 };
            let panel_h = legend_h[i] + 6 + extra + plot_h + if last { bottom_x_area } else { 8 };
            let (area, below) = rest.split_vertically(panel_h);
            let (strip, plot_area) = area.split_vertically(legend_h[i]);
            draw_legend(&strip, &p.legend, y_label_width as i32, legend_w)?;
            self.draw_panel(&plot_area, p, &x, y_label_width, last, extra, tips)?;
            rest = below.margin(if last { 0 } else { PANEL_GAP }, 0, 0, 0);
        }
        Ok(())
    }
}

impl TimeChart {
    #[allow(clippy::too_many_arguments)]
    fn draw_panel<DB: DrawingBackend>(
        &self,
        area: &Area<DB>,
        p: &Prepared<'_>,
        x: &Axis,
        y_label_width: u32,
        last: bool,
        top_extra: u32,
        tips: &Tips,
    ) -> Result<(), ChartError> {
        let Some(y) = &p.y else {
            let inner = area.margin(0, 0, y_label_width, RIGHT_MARGIN);
            return draw_message(&inner, "no data");
        };
        let layout = PlotLayout {
            y_label_width,
            show_x_labels: last,
            top_extra,
            x_desc: &self.x_label,
            y_desc: &p.panel.y_label,
        };
        let mut plot = build_plot(area, x, y, &layout)?;
        draw_vlines(&mut plot, x, y, &self.vlines, top_extra > 0, tips)?;
        let mut drawn = Vec::new();
        let at = (x.lo(), y.lo());
        let unit = &p.panel.unit;
        if p.panel.stacked {
            stacked::draw_layers(
                &mut plot,
                &self.x,
                &p.panel.series,
                &p.tops,
                x,
                y,
                unit,
                tips,
            )?;
            for top in &p.tops {
                drawn.extend(segments(&self.x, top, x, y));
            }
        } else {
            for s in &p.panel.series {
                for b in &s.bands {
                    let c = color(s.color_index);
                    let title = if b.label.is_empty() {
                        s.label.clone()
                    } else {
                        format!("{}: {}", s.label, b.label)
                    };
                    tips.begin(plot.plotting_area(), at, &title)?;
                    draw_band(&mut plot, &self.x, &b.lower, &b.upper, x, y, c, BAND_ALPHA)?;
                    tips.end(plot.plotting_area(), at)?;
                }
            }
            for s in &p.panel.series {
                let runs = segments(&self.x, &s.y, x, y);
                tips.begin(plot.plotting_area(), at, &line_tip(s, &self.x, &s.y, unit))?;
                draw_polyline(
                    &mut plot,
                    &runs,
                    color(s.color_index),
                    s.dashed,
                    tips.enabled(),
                )?;
                tips.end(plot.plotting_area(), at)?;
                drawn.extend(runs);
            }
            if tips.enabled() {
                for s in &p.panel.series {
                    hover_points(&mut plot, &self.x, s, x, y, unit, tips)?;
                }
            }
        }
        draw_ref_lines(&mut plot, x, y, &p.panel.ref_lines, &drawn, tips)
    }
}

/// `v` with its unit, for tooltips.
fn with_unit(v: f64, unit: &str) -> String {
    if unit.is_empty() {
        format_si(v)
    } else {
        format!("{} {unit}", format_si(v))
    }
}

/// An x position (a fractional year) for tooltips: two decimals at most,
/// cut rather than rounded (2035.997 is still 2035.99, not 2036).
fn x_text(v: f64) -> String {
    let cut = (v * 100.0 + 1e-6).floor() / 100.0;
    let s = format!("{cut:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    s.to_string()
}

/// A whole line's tooltip: its name, first and last values, and range.
pub(crate) fn line_tip(s: &Series, xs: &[f64], ys: &[f64], unit: &str) -> String {
    let pts: Vec<(f64, f64)> = xs
        .iter()
        .zip(ys)
        .filter(|(a, b)| a.is_finite() && b.is_finite())
        .map(|(a, b)| (*a, *b))
        .collect();
    let (Some(first), Some(last)) = (pts.first(), pts.last()) else {
        return s.label.clone();
    };
    let (lo, hi) = pts
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
            (a.min(p.1), b.max(p.1))
        });
    format!(
        "{}: {} in {} to {} in {}; range {} to {}",
        s.label,
        with_unit(first.1, unit),
        x_text(first.0),
        with_unit(last.1, unit),
        x_text(last.0),
        format_si(lo),
        with_unit(hi, unit)
    )
}

/// Nearly invisible points along a line, each with a tooltip giving the
/// series, the x position, the value and its bands' ranges there.
fn hover_points<DB: DrawingBackend>(
    plot: &mut Plot<'_, DB>,
    xs: &[f64],
    s: &Series,
    x: &Axis,
    y: &Axis,
    unit: &str,
    tips: &Tips,
) -> Result<(), ChartError> {
    let n = xs.len().min(s.y.len());
    let stride = n.div_ceil(HOVER_POINTS).max(1);
    let c = color(s.color_index);
    for i in (0..n).step_by(stride) {
        let (xv, yv) = (xs[i], s.y[i]);
        if !(x.accepts(xv) && y.accepts(yv)) {
            continue;
        }
        let mut title = format!("{}, {}: {}", s.label, x_text(xv), with_unit(yv, unit));
        for b in s.bands.iter().filter(|b| !b.label.is_empty()) {
            let (lo, hi) = (b.lower[i], b.upper[i]);
            if lo.is_finite() && hi.is_finite() {
                title.push_str(&format!(
                    "; {} {} to {}",
                    b.label,
                    format_si(lo),
                    format_si(hi)
                ));
            }
        }
        let p = (xv, y.clamp(yv));
        tips.begin(plot.plotting_area(), p, &title)?;
        plot.draw_series(std::iter::once(Circle::new(p, 6, c.mix(0.02).filled())))
            .map_err(draw_err)?;
        tips.end(plot.plotting_area(), p)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_digits() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(36_530), "36,530");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn x_text_trims() {
        assert_eq!(x_text(2027.5), "2027.5");
        assert_eq!(x_text(2027.0), "2027");
        assert_eq!(x_text(2035.997), "2035.99");
    }
}
