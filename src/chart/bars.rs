//! [`BarChart`]: horizontal bars with interval whiskers, one row per
//! category, the bars of every series grouped in each row (e.g. first- and
//! total-order Sobol' indices per parameter).
//!
//! The category axis is drawn here, not by plotters: rows are the unit
//! intervals of a `0..n` y axis (row 0 at the top), and the labels are
//! fitted into a left margin of at most [`MAX_LABEL_SHARE`] of the width by
//! shrinking, wrapping onto two lines or shortening in the middle.

use plotters::chart::ChartBuilder;
use plotters::element::{EmptyElement, PathElement, Polygon, Rectangle, Text};
use plotters::prelude::DrawingBackend;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, RGBColor, BLACK};

use super::axis::{format_si, Axis, Scale};
use super::font::{text_style, AXIS_DESC_PX, TICK_PX};
use super::frame::{
    color, draw_err, draw_legend, draw_message, draw_title, draw_vlines, fit_ticks, legend_height,
    legend_width, text_size, x_label_area_height, Area, LegendEntry, Mark, Plot, INK, RIGHT_MARGIN,
    VLINE_LABEL_H,
};
use super::tips::Tips;
use super::{BarChart, BarSeries, ChartError, ChartSize, Render};

/// Opacity of the bars.
const BAR_ALPHA: f64 = 0.8;
/// Share of a row's height taken by its bars (the rest separates rows).
const GROUP_FILL: f64 = 0.76;
/// Share of one bar's slot left empty between neighbouring bars.
const BAR_GAP: f64 = 0.1;
/// Thickest bar, in pixels (few categories on a high canvas).
const MAX_BAR_PX: f64 = 40.0;
/// Narrowest bar drawn, in pixels (a zero value shows as a thin bar).
const MIN_BAR_W: i32 = 3;
/// Half height of the whisker caps, in pixels (at most).
const CAP_HALF_H: f64 = 6.0;
/// Colour of the whiskers and of the arrowheads of cut bars.
const WHISKER: RGBColor = RGBColor(30, 30, 30);
/// Long category labels are shrunk down to this size (in pixels), then
/// wrapped or shortened.
const MIN_LABEL_PX: f64 = 13.0;
/// Smallest label size whatever the row height.
const TINY_LABEL_PX: f64 = 6.0;
/// Most of the canvas width the category labels may take.
const MAX_LABEL_SHARE: f64 = 0.35;
/// Space between a category label and the plot's frame.
const LABEL_GAP: u32 = 10;
/// Space left of the category labels.
const LABEL_MARGIN: u32 = 8;
/// Line height of label text, in font sizes.
const LINE_SPACING: f64 = 1.2;
/// Tick count the value axis aims at before fitting to the width.
const X_TICKS: usize = 8;
/// Shares of a shortened label kept from its start, tried in turn until
/// the shortened labels are told apart.
const HEAD_SHARES: [f64; 9] = [0.5, 0.6, 0.4, 0.7, 0.3, 0.8, 0.2, 0.9, 0.1];
/// Text of an undefined value.
const NA: &str = "n/a";

/// A finite value, or `None`.
fn finite(v: Option<f64>) -> Option<f64> {
    v.filter(|x| x.is_finite())
}

/// Entry `i` of an optional vector of optional values, when finite.
fn end_at(v: &Option<Vec<Option<f64>>>, i: usize) -> Option<f64> {
    v.as_ref().and_then(|v| finite(v.get(i).copied().flatten()))
}

impl BarSeries {
    /// The bar of category `i`, when defined and finite.
    fn value_at(&self, i: usize) -> Option<f64> {
        finite(self.values.get(i).copied().flatten())
    }

    /// The interval ends of category `i` (each when finite), in order.
    fn interval_at(&self, i: usize) -> (Option<f64>, Option<f64>) {
        match (end_at(&self.lower, i), end_at(&self.upper, i)) {
            (Some(a), Some(b)) if a > b => (Some(b), Some(a)),
            ends => ends,
        }
    }
}

/// The value axis and what falls outside a fixed range.
struct ValueAxis {
    axis: Axis,
    /// Defined values beyond the axis range.
    cut_values: usize,
    /// Interval ends (of defined values) beyond the axis range.
    cut_ends: usize,
}

/// The category labels as drawn.
struct Labels {
    /// Font size in pixels.
    px: f64,
    /// One or two lines per category.
    lines: Vec<Vec<String>>,
    /// Whether a label was shortened (its tooltip gives it in full).
    shortened: Vec<bool>,
    /// Width of the widest drawn line.
    width: u32,
}

impl Render for BarChart {
    fn size(&self) -> ChartSize {
        self.size
    }

    fn validate(&self) -> Result<(), ChartError> {
        let n = self.categories.len();
        for (k, s) in self.series.iter().enumerate() {
            let check = |what: &str, len: usize| {
                if len == n {
                    Ok(())
                } else {
                    Err(ChartError::InvalidSpec(format!(
                        "series[{k}] \"{}\".{what} has {len} values but categories has {n}",
                        s.label
                    )))
                }
            };
            check("values", s.values.len())?;
            if let Some(v) = &s.lower {
                check("lower", v.len())?;
            }
            if let Some(v) = &s.upper {
                check("upper", v.len())?;
            }
        }
        if let Some((lo, hi)) = self.x_range {
            if !(lo.is_finite() && hi.is_finite() && lo < hi && (hi - lo).is_finite()) {
                return Err(ChartError::InvalidSpec(format!(
                    "x_range ({lo}, {hi}) must be finite with lo < hi"
                )));
            }
        }
        Ok(())
    }

    fn render<DB: DrawingBackend>(&self, root: &Area<DB>, tips: &Tips) -> Result<(), ChartError> {
        let body = draw_title(root, &self.title)?;
        let n = self.categories.len();
        if n == 0 {
            return draw_message(&body, "no data");
        }
        let values = self.value_axis();
        let legend = self.legend(&values);
        let (w, h) = body.dim_in_pixel();
        let has_x_desc = !self.x_label.is_empty();
        let labelled_refs = self
            .ref_lines
            .iter()
            .any(|r| !r.label.is_empty() && values.axis.accepts(r.x) && values.axis.contains(r.x));
        let top_extra = if labelled_refs { VLINE_LABEL_H } else { 0 };

        // The rows' height depends on the legend's, which depends on the
        // left margin: size the legend for the widest margin first. The
        // labels can only get narrower, which never adds legend rows.
        let max_text_w = ((f64::from(w) * MAX_LABEL_SHARE) as u32).max(40);
        let widest = self
            .categories
            .iter()
            .map(|c| text_size(&body, c, TICK_PX).0)
            .max()
            .unwrap_or(0)
            .min(max_text_w);
        let margin = |text_w: u32| text_w.max(20) + LABEL_GAP + LABEL_MARGIN;
        let first_legend_h = legend_height(
            &body,
            &legend,
            w.saturating_sub(margin(widest) + RIGHT_MARGIN),
        );
        let plot_h = h
            .saturating_sub(first_legend_h + 6 + top_extra + x_label_area_height(has_x_desc))
            .max(1);
        let labels = fit_labels(
            &body,
            &self.categories,
            max_text_w,
            f64::from(plot_h) / n as f64,
        );
        let left_w = margin(labels.width);
        let plot_w = w.saturating_sub(left_w + RIGHT_MARGIN).max(1);
        // The legend lines up with the plot, unless it needs fewer rows
        // over the whole width or an entry is wider than the plot (a wide
        // label column, a narrow canvas).
        let full_w = w.saturating_sub(LABEL_MARGIN + RIGHT_MARGIN).max(1);
        let aligned_h = legend_height(&body, &legend, plot_w);
        let full_h = legend_height(&body, &legend, full_w);
        let overflows = legend_width(&body, &legend, plot_w) > plot_w;
        let (legend_x, legend_w, legend_h) = if full_h < aligned_h || overflows {
            (LABEL_MARGIN, full_w, full_h)
        } else {
            (left_w, plot_w, aligned_h)
        };
        let x = fit_ticks(&body, values.axis, plot_w, true);
        let (strip, rest) = body.split_vertically(legend_h);
        draw_legend(&strip, &legend, legend_x as i32, legend_w)?;

        let y = Axis::new(Scale::Linear, 0.0, n as f64, 2);
        let mut plot = build_plot(&rest, &x, &y, left_w, top_extra, &self.x_label)?;
        let (_, yr) = plot.plotting_area().get_pixel_range();
        let row_px = f64::from((yr.end - yr.start).max(1)) / n as f64;

        // Faint lines between the rows, the zero line, reference lines.
        for i in 1..n {
            let yv = i as f64;
            plot.draw_series(std::iter::once(PathElement::new(
                vec![(x.lo(), yv), (x.hi(), yv)],
                BLACK.mix(0.12).stroke_width(1),
            )))
            .map_err(draw_err)?;
        }
        if x.lo() < 0.0 && x.hi() > 0.0 {
            plot.draw_series(std::iter::once(PathElement::new(
                vec![(0.0, y.lo()), (0.0, y.hi())],
                BLACK.mix(0.6).stroke_width(1),
            )))
            .map_err(draw_err)?;
        }
        draw_vlines(&mut plot, &x, &y, &self.ref_lines, true, tips)?;

        let slots = self.series.len().max(1) as f64;
        // Bars' share of a row, less when they would be thicker than
        // MAX_BAR_PX; the group stays centred in its row.
        let fill = GROUP_FILL.min(MAX_BAR_PX * slots / (row_px * (1.0 - BAR_GAP)));
        let slot = fill / slots;
        let slot_px = row_px * slot;
        for i in 0..n {
            let group_top = (n - i) as f64 - (1.0 - fill) / 2.0;
            for (k, s) in self.series.iter().enumerate() {
                let top = group_top - k as f64 * slot - slot * BAR_GAP / 2.0;
                let bottom = group_top - (k + 1) as f64 * slot + slot * BAR_GAP / 2.0;
                let mid = (top + bottom) / 2.0;
                let title = self.bar_tip(s, i);
                let Some(v) = s.value_at(i) else {
                    let at = (x.clamp(0.0), mid);
                    draw_na(&mut plot, at, color(k), slot_px, &title, tips)?;
                    continue;
                };
                let base = x.clamp(0.0);
                tips.begin(plot.plotting_area(), (base, mid), &title)?;
                let end = x.clamp(v);
                let c = color(k);
                plot.draw_series([
                    Rectangle::new([(base, bottom), (end, top)], c.mix(BAR_ALPHA).filled()),
                    Rectangle::new([(base, bottom), (end, top)], c.stroke_width(1)),
                ])
                .map_err(draw_err)?;
                // A zero (or tiny) value still shows as a thin bar, so it
                // is not mistaken for an undefined one.
                let (bx, _) = plot.backend_coord(&(base, mid));
                let (ex, _) = plot.backend_coord(&(end, mid));
                if (ex - bx).abs() < MIN_BAR_W && x.contains(v) {
                    let (_, ty) = plot.backend_coord(&(base, top));
                    let (_, by) = plot.backend_coord(&(base, bottom));
                    let (_, my) = plot.backend_coord(&(base, mid));
                    let dir = if v < 0.0 { -1 } else { 1 };
                    // Inside the frame when the base is on its edge.
                    let x0 = if base <= x.lo() || base >= x.hi() {
                        dir
                    } else {
                        0
                    };
                    plot.plotting_area()
                        .draw(
                            &(EmptyElement::at((base, mid))
                                + Rectangle::new(
                                    [(x0, ty - my), (x0 + dir * MIN_BAR_W, by - my)],
                                    c.filled(),
                                )),
                        )
                        .map_err(draw_err)?;
                }
                if !x.contains(v) {
                    draw_arrowhead(&mut plot, end, mid, v > x.hi(), slot_px)?;
                }
                draw_whisker(&mut plot, &x, v, s.interval_at(i), mid, slot_px)?;
                tips.end(plot.plotting_area(), (base, mid))?;
            }
        }
        draw_category_labels(&rest, &plot, &labels, &self.categories, row_px, tips)
    }
}

impl BarChart {
    /// The value axis: the fixed range, or one fitted to the values,
    /// interval ends, reference lines and 0 (0..1 when all of them are 0).
    fn value_axis(&self) -> ValueAxis {
        let n = self.categories.len();
        let mut data = vec![0.0];
        let (mut cut_values, mut cut_ends) = (0, 0);
        let inside = |v: f64| self.x_range.is_none_or(|(lo, hi)| v >= lo && v <= hi);
        for s in &self.series {
            for i in 0..n {
                let Some(v) = s.value_at(i) else { continue };
                data.push(v);
                cut_values += usize::from(!inside(v));
                let (lo, hi) = s.interval_at(i);
                for e in [lo, hi].into_iter().flatten() {
                    data.push(e);
                    cut_ends += usize::from(!inside(e));
                }
            }
        }
        data.extend(self.ref_lines.iter().map(|r| r.x));
        let axis = match self.x_range {
            Some((lo, hi)) => Axis::new(Scale::Linear, lo, hi, X_TICKS),
            None if data.iter().all(|v| *v == 0.0 || !v.is_finite()) => {
                Axis::new(Scale::Linear, 0.0, 1.0, X_TICKS)
            }
            None => Axis::fit(Scale::Linear, data, 0.04, true, X_TICKS)
                .unwrap_or_else(|| Axis::new(Scale::Linear, 0.0, 1.0, X_TICKS)),
        };
        ValueAxis {
            axis,
            cut_values,
            cut_ends,
        }
    }

    /// A swatch per labelled series, notes on undefined and cut values,
    /// then the chart's own note.
    fn legend(&self, values: &ValueAxis) -> Vec<LegendEntry> {
        let mut legend: Vec<LegendEntry> = self
            .series
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.label.is_empty())
            .map(|(k, s)| LegendEntry {
                label: s.label.clone(),
                mark: Mark::Fill {
                    color: color(k),
                    alpha: BAR_ALPHA,
                },
            })
            .collect();
        let n = self.categories.len();
        let undefined = self
            .series
            .iter()
            .map(|s| (0..n).filter(|&i| s.value_at(i).is_none()).count())
            .sum::<usize>();
        if undefined > 0 {
            legend.push(LegendEntry {
                label: format!(
                    "{NA}: undefined ({undefined} value{})",
                    if undefined == 1 { "" } else { "s" }
                ),
                mark: Mark::Note,
            });
        }
        if values.cut_values + values.cut_ends > 0 {
            let a = &values.axis;
            let mut parts = Vec::new();
            if values.cut_values > 0 {
                let s = if values.cut_values == 1 { "" } else { "s" };
                parts.push(format!("{} bar{s} (arrowhead)", values.cut_values));
            }
            if values.cut_ends > 0 {
                let s = if values.cut_ends == 1 { "" } else { "s" };
                parts.push(format!("{} interval end{s} (no cap)", values.cut_ends));
            }
            legend.push(LegendEntry {
                label: format!(
                    "beyond {} – {}, cut at the edge: {}",
                    format_si(a.lo()),
                    format_si(a.hi()),
                    parts.join(", ")
                ),
                mark: Mark::Note,
            });
        }
        if !self.note.is_empty() {
            legend.push(LegendEntry {
                label: self.note.clone(),
                mark: Mark::Note,
            });
        }
        legend
    }

    /// A bar's tooltip: "category — series: value [low – high]", or
    /// "…: undefined".
    fn bar_tip(&self, s: &BarSeries, i: usize) -> String {
        let category = self.categories.get(i).map_or("", String::as_str);
        let head = if s.label.is_empty() {
            category.to_string()
        } else {
            format!("{category} — {}", s.label)
        };
        let Some(v) = s.value_at(i) else {
            return format!("{head}: undefined");
        };
        let mut t = format!("{head}: {}", format_si(v));
        let (lo, hi) = s.interval_at(i);
        if lo.is_some() || hi.is_some() {
            let f = |e: Option<f64>| e.map_or_else(|| NA.to_string(), format_si);
            t.push_str(&format!(" [{} – {}]", f(lo), f(hi)));
        }
        t
    }
}

/// A small "n/a" in the series' colour where an undefined value's bar
/// would start.
fn draw_na<DB: DrawingBackend>(
    plot: &mut Plot<'_, DB>,
    at: (f64, f64),
    color: RGBColor,
    slot_px: f64,
    title: &str,
    tips: &Tips,
) -> Result<(), ChartError> {
    let px = (slot_px * 0.9).min(15.0);
    tips.begin(plot.plotting_area(), at, title)?;
    if px >= TINY_LABEL_PX {
        let style = text_style(px, color).pos(Pos::new(HPos::Left, VPos::Center));
        plot.plotting_area()
            .draw(&(EmptyElement::at(at) + Text::new(NA, (5, 0), style)))
            .map_err(draw_err)?;
    }
    tips.end(plot.plotting_area(), at)
}

/// Sets up the plot right of the category labels: x grid, ticks and
/// description, no y axis (the categories are drawn separately), a frame.
fn build_plot<'a, DB: DrawingBackend>(
    area: &'a Area<DB>,
    x: &Axis,
    y: &Axis,
    left_w: u32,
    top_extra: u32,
    x_desc: &str,
) -> Result<Plot<'a, DB>, ChartError> {
    let has_desc = !x_desc.is_empty();
    let mut chart = ChartBuilder::on(area)
        .margin_top(6 + top_extra)
        .margin_right(RIGHT_MARGIN)
        .x_label_area_size(x_label_area_height(has_desc))
        .y_label_area_size(left_w)
        .build_cartesian_2d(x.clone(), y.clone())
        .map_err(draw_err)?;
    {
        let mut mesh = chart.configure_mesh();
        mesh.label_style(text_style(TICK_PX, INK))
            .axis_desc_style(text_style(AXIS_DESC_PX, INK))
            .bold_line_style(BLACK.mix(0.13))
            .light_line_style(BLACK.mix(0.05))
            .axis_style(BLACK.mix(0.7))
            .disable_y_mesh()
            .disable_y_axis();
        mesh.draw().map_err(draw_err)?;
    }
    chart
        .plotting_area()
        .draw(&Rectangle::new(
            [(x.lo(), y.lo()), (x.hi(), y.hi())],
            BLACK.mix(0.7).stroke_width(1),
        ))
        .map_err(draw_err)?;
    if has_desc {
        draw_x_desc(area, &chart, x_desc)?;
    }
    Ok(chart)
}

/// The value axis description under the tick labels, centred on the plot
/// but moved (and if need be shrunk) to stay on the canvas: the label
/// column can make the plot narrower than the text.
fn draw_x_desc<DB: DrawingBackend>(
    area: &Area<DB>,
    plot: &Plot<'_, DB>,
    desc: &str,
) -> Result<(), ChartError> {
    let (w, h) = area.dim_in_pixel();
    let (xr, _) = plot.plotting_area().get_pixel_range();
    let (bx, _) = area.get_base_pixel();
    let room = f64::from(w.saturating_sub(2 * LABEL_MARGIN).max(1));
    let (tw, _) = text_size(area, desc, AXIS_DESC_PX);
    let px = if f64::from(tw) > room {
        (AXIS_DESC_PX * room / f64::from(tw)).max(10.0)
    } else {
        AXIS_DESC_PX
    };
    let half = (f64::from(text_size(area, desc, px).0) / 2.0).ceil() as i32;
    let centre = (xr.start + xr.end) / 2 - bx;
    let lo = LABEL_MARGIN as i32 + half;
    let hi = (w as i32 - LABEL_MARGIN as i32 - half).max(lo);
    let style = text_style(px, INK).pos(Pos::new(HPos::Center, VPos::Bottom));
    area.draw_text(desc, &style, (centre.clamp(lo, hi), h as i32 - 2))
        .map_err(draw_err)
}

/// A filled triangle at the axis edge `at` pointing out of the plot
/// (right when `right`), on a bar cut there.
fn draw_arrowhead<DB: DrawingBackend>(
    plot: &mut Plot<'_, DB>,
    at: f64,
    mid: f64,
    right: bool,
    slot_px: f64,
) -> Result<(), ChartError> {
    let half = (slot_px * 0.35).clamp(2.0, 8.0).round() as i32;
    let len = (half * 3 / 2).max(3);
    let dir = if right { 1 } else { -1 };
    let tip = (-dir, 0);
    let back = -dir * (len + 1);
    let points = vec![tip, (back, -half), (back, half)];
    plot.plotting_area()
        .draw(&(EmptyElement::at((at, mid)) + Polygon::new(points, WHISKER.filled())))
        .map_err(draw_err)
}

/// The whisker of a bar ending at `v` from its interval's lower to upper
/// end (a missing end is the value itself), with caps at the given ends
/// inside the axis range; ends beyond it are cut at the edge, uncapped.
fn draw_whisker<DB: DrawingBackend>(
    plot: &mut Plot<'_, DB>,
    x: &Axis,
    v: f64,
    (lo, hi): (Option<f64>, Option<f64>),
    mid: f64,
    slot_px: f64,
) -> Result<(), ChartError> {
    if lo.is_none() && hi.is_none() {
        return Ok(());
    }
    let (a, b) = (lo.unwrap_or(v), hi.unwrap_or(v));
    let (a, b) = (a.min(b), a.max(b));
    let style = WHISKER.stroke_width(2);
    let (ca, cb) = (x.clamp(a), x.clamp(b));
    if cb > ca {
        plot.draw_series(std::iter::once(PathElement::new(
            vec![(ca, mid), (cb, mid)],
            style,
        )))
        .map_err(draw_err)?;
    }
    let half = (slot_px * 0.3).clamp(2.0, CAP_HALF_H).round() as i32;
    for end in [lo, hi].into_iter().flatten() {
        if x.contains(end) {
            plot.plotting_area()
                .draw(
                    &(EmptyElement::at((end, mid))
                        + PathElement::new(vec![(0, -half), (0, half)], style)),
                )
                .map_err(draw_err)?;
        }
    }
    Ok(())
}

/// Fits the category labels into `max_w` pixels for rows `row_px` high,
/// in one size for all: at most the tick size (less for low rows). A label
/// too long for one line is wrapped onto two at a `.`, space, `/`, `_` or
/// `-` when the rows are high enough; if some label neither fits nor
/// wraps, all are shrunk to fit it, down to [`MIN_LABEL_PX`]; a label still
/// too long is shortened in the middle with an ellipsis.
fn fit_labels<DB: DrawingBackend>(
    area: &Area<DB>,
    categories: &[String],
    max_w: u32,
    row_px: f64,
) -> Labels {
    let row_limit = (row_px * 0.8).clamp(TINY_LABEL_PX, TICK_PX);
    let two_lines = |px: f64| row_px * 0.9 >= 2.0 * LINE_SPACING * px;
    let worst = categories
        .iter()
        .filter_map(|c| {
            let measure = |s: &str| text_size(area, s, row_limit).0;
            let w = measure(c);
            let wraps = || two_lines(row_limit) && wrap(c, max_w, &measure).is_some();
            (w > max_w && !wraps()).then_some(w)
        })
        .max();
    let px = match worst {
        Some(w) => (row_limit * f64::from(max_w) / f64::from(w)).max(MIN_LABEL_PX.min(row_limit)),
        None => row_limit,
    };
    let measure = |s: &str| text_size(area, s, px).0;
    let mut lines = Vec::with_capacity(categories.len());
    let mut shortened = Vec::with_capacity(categories.len());
    for c in categories {
        if measure(c) <= max_w {
            lines.push(vec![c.clone()]);
            shortened.push(false);
        } else if let Some((a, b)) = two_lines(px).then(|| wrap(c, max_w, &measure)).flatten() {
            lines.push(vec![a, b]);
            shortened.push(false);
        } else {
            lines.push(Vec::new());
            shortened.push(true);
        }
    }
    // Shortened labels keep half of their text from each end, or more of
    // one end when that is what tells them apart (`groups[3]` in long
    // paths that differ only there).
    let distinct = |ls: &[Vec<String>]| {
        let mut v: Vec<&Vec<String>> = ls.iter().collect();
        v.sort();
        v.dedup();
        v.len()
    };
    let mut wanted: Vec<&String> = categories.iter().collect();
    wanted.sort();
    wanted.dedup();
    let mut best: Option<Vec<Vec<String>>> = None;
    for head_share in HEAD_SHARES {
        let mut candidate = lines.clone();
        for (i, c) in categories.iter().enumerate() {
            if shortened[i] {
                candidate[i] = vec![shorten(c, max_w, &measure, head_share)];
            }
        }
        let unique = distinct(&candidate) == wanted.len();
        if best.is_none() || unique {
            best = Some(candidate);
        }
        if unique || !shortened.contains(&true) {
            break;
        }
    }
    let lines = best.unwrap_or(lines);
    let width = lines
        .iter()
        .flatten()
        .map(|l| measure(l))
        .max()
        .unwrap_or(0)
        .min(max_w);
    Labels {
        px,
        lines,
        shortened,
        width,
    }
}

/// `text` on two lines that each fit `max_w`, broken after a `.` or space
/// if possible, else after a `/`, `_` or `-`; the most even such break.
fn wrap(text: &str, max_w: u32, measure: &impl Fn(&str) -> u32) -> Option<(String, String)> {
    let chars: Vec<char> = text.chars().collect();
    for breaks in [&['.', ' '][..], &['/', '_', '-'][..]] {
        let mut best: Option<(u32, String, String)> = None;
        for i in 1..chars.len() {
            if !breaks.contains(&chars[i - 1]) {
                continue;
            }
            let a: String = chars[..i].iter().collect::<String>().trim_end().to_string();
            let b: String = chars[i..]
                .iter()
                .collect::<String>()
                .trim_start()
                .to_string();
            if a.is_empty() || b.is_empty() {
                continue;
            }
            let (wa, wb) = (measure(&a), measure(&b));
            if wa <= max_w && wb <= max_w && best.as_ref().is_none_or(|(w, _, _)| wa.max(wb) < *w) {
                best = Some((wa.max(wb), a, b));
            }
        }
        if let Some((_, a, b)) = best {
            return Some((a, b));
        }
    }
    None
}

/// `text` with its middle replaced by an ellipsis so it fits `max_w`,
/// keeping as many characters as possible, `head_share` of them from the
/// start.
fn shorten(text: &str, max_w: u32, measure: &impl Fn(&str) -> u32, head_share: f64) -> String {
    let chars: Vec<char> = text.chars().collect();
    let make = |keep: usize| -> String {
        let head = ((keep as f64 * head_share.clamp(0.0, 1.0)).floor() as usize).min(keep);
        let tail = keep - head;
        let mut s: String = chars[..head].iter().collect();
        s.push('…');
        s.extend(&chars[chars.len() - tail..]);
        s
    };
    // The widest `keep` that fits, by bisection (width grows with keep).
    let (mut lo, mut hi) = (0usize, chars.len().saturating_sub(1));
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if measure(&make(mid)) <= max_w {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    make(lo)
}

/// The category labels right-aligned left of the plot, centred on their
/// rows; shortened ones carry their full text as a tooltip.
fn draw_category_labels<DB: DrawingBackend>(
    area: &Area<DB>,
    plot: &Plot<'_, DB>,
    labels: &Labels,
    categories: &[String],
    row_px: f64,
    tips: &Tips,
) -> Result<(), ChartError> {
    let (xr, yr) = plot.plotting_area().get_pixel_range();
    let (bx, by) = area.get_base_pixel();
    let right = xr.start - bx - LABEL_GAP as i32;
    let style = text_style(labels.px, INK).pos(Pos::new(HPos::Right, VPos::Center));
    let line_h = labels.px * LINE_SPACING;
    for (i, lines) in labels.lines.iter().enumerate() {
        let cy = f64::from(yr.start - by) + (i as f64 + 0.5) * row_px;
        let at = (right, cy.round() as i32);
        let full = categories.get(i).map_or("", String::as_str);
        let shortened = labels.shortened.get(i).copied().unwrap_or(false);
        if shortened {
            tips.begin(area, at, full)?;
        }
        let first = cy - (lines.len() as f64 - 1.0) * line_h / 2.0;
        for (j, line) in lines.iter().enumerate() {
            let y = (first + j as f64 * line_h).round() as i32;
            area.draw_text(line, &style, (right, y)).map_err(draw_err)?;
        }
        if shortened {
            tips.end(area, at)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Width of a monospace font of 10 px per character.
    fn mono(s: &str) -> u32 {
        10 * s.chars().count() as u32
    }

    #[test]
    fn shorten_keeps_both_ends() {
        let long = "miners.groups[0].electricity.median_usd_per_kwh";
        let s = shorten(long, 200, &mono, 0.5);
        assert_eq!(s.chars().count(), 20);
        assert!(s.starts_with("miners.gr"), "{s}");
        assert!(s.ends_with("per_kwh"), "{s}");
        assert!(s.contains('…'));
        assert_eq!(shorten(long, 200, &mono, 0.8), "miners.groups[0…_kwh");
        // No room at all: just the ellipsis, no panic.
        assert_eq!(shorten("abc", 1, &mono, 0.5), "…");
        assert_eq!(shorten("", 1, &mono, 0.5), "…");
    }

    #[test]
    fn wrap_prefers_dots_and_balances() {
        let (a, b) = wrap(
            "miners.groups[0].electricity.median_usd_per_kwh",
            300,
            &mono,
        )
        .unwrap();
        assert_eq!(a, "miners.groups[0].electricity.");
        assert_eq!(b, "median_usd_per_kwh");
        assert_eq!(
            wrap("alpha beta", 50, &mono),
            Some(("alpha".to_string(), "beta".to_string()))
        );
        assert_eq!(wrap("nobreakshere", 50, &mono), None);
        assert_eq!(wrap("a_b", 10, &mono), None);
        assert_eq!(
            wrap("ab_cd", 30, &mono),
            Some(("ab_".to_string(), "cd".to_string()))
        );
    }

    #[test]
    fn intervals_are_ordered_and_finite() {
        let s = BarSeries {
            label: "s".into(),
            values: vec![Some(0.5), None, Some(f64::NAN)],
            lower: Some(vec![Some(0.7), Some(0.1), None]),
            upper: Some(vec![Some(0.3), Some(f64::INFINITY), None]),
        };
        assert_eq!(s.interval_at(0), (Some(0.3), Some(0.7)));
        assert_eq!(s.interval_at(1), (Some(0.1), None));
        assert_eq!(s.value_at(2), None);
        assert_eq!(s.value_at(9), None);
        assert_eq!(s.interval_at(9), (None, None));
    }
}
