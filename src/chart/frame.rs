//! Layout and drawing pieces shared by all chart kinds: colours, title,
//! legend box, plot frame with axes, reference lines, vertical markers,
//! broken polylines and shaded bands.

use std::fmt::Display;

use plotters::chart::{ChartBuilder, ChartContext};
use plotters::coord::cartesian::Cartesian2d;
use plotters::coord::{CoordTranslate, Shift};
use plotters::drawing::DrawingArea;
use plotters::element::{
    Circle, DashedPathElement, EmptyElement, PathElement, Polygon, Rectangle, Text,
};
use plotters::prelude::DrawingBackend;
use plotters::series::{DashedLineSeries, LineSeries};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{Color, FontTransform, RGBColor, ShapeStyle, BLACK, WHITE};

use super::axis::Axis;
use super::font::{text_style, AXIS_DESC_PX, LEGEND_PX, TICK_PX, TITLE_PX};
use super::tips::Tips;
use super::{ChartError, RefLine, VLine};

/// A drawing area in pixel coordinates.
pub(crate) type Area<DB> = DrawingArea<DB, Shift>;
/// A chart with two numeric axes.
pub(crate) type Plot<'a, DB> = ChartContext<'a, DB, Cartesian2d<Axis, Axis>>;

/// Series colours as RGB (Tableau 10: distinguishable, print-friendly);
/// `color_index` values wrap around.
pub const PALETTE: [(u8, u8, u8); 10] = [
    (78, 121, 167),
    (242, 142, 43),
    (225, 87, 89),
    (118, 183, 178),
    (89, 161, 79),
    (237, 201, 72),
    (176, 122, 161),
    (255, 157, 167),
    (156, 117, 95),
    (186, 176, 172),
];

/// Text colour for titles, labels and legends.
pub(crate) const INK: RGBColor = RGBColor(25, 25, 25);
/// Colour of reference lines and their labels.
pub(crate) const REF_COLOR: RGBColor = RGBColor(70, 70, 70);
/// Colour of the "no data" message.
const MUTED: RGBColor = RGBColor(120, 120, 120);

/// Space right of the plot area, so the last x tick label is not clipped.
pub(crate) const RIGHT_MARGIN: u32 = 40;
/// Length of axis tick marks in pixels (plotters' default).
const TICK_SIZE: u32 = 5;
/// Line width of data series in pixels.
pub(crate) const LINE_WIDTH: u32 = 3;

/// The palette colour for an index (wrapping).
pub(crate) fn color(index: usize) -> RGBColor {
    let (r, g, b) = PALETTE[index % PALETTE.len()];
    RGBColor(r, g, b)
}

/// Converts any plotters error into [`ChartError::Draw`].
pub(crate) fn draw_err<E: Display>(e: E) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// Width and height of `text` at `px` pixels; a rough estimate when the
/// backend cannot measure.
pub(crate) fn text_size<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    text: &str,
    px: f64,
) -> (u32, u32) {
    area.estimate_text_size(text, &text_style(px, INK))
        .unwrap_or_else(|_| ((text.chars().count() as f64 * px * 0.6) as u32, px as u32))
}

/// Draws the centred title and returns the area below it.
pub(crate) fn draw_title<DB: DrawingBackend>(
    root: &Area<DB>,
    title: &str,
) -> Result<Area<DB>, ChartError> {
    let (w, _) = root.dim_in_pixel();
    if title.trim().is_empty() {
        return Ok(root.margin(12, 0, 0, 0));
    }
    // Shrink long titles so they fit the width (not below 18 px).
    let mut px = TITLE_PX;
    let (tw, _) = text_size(root, title, px);
    let room = f64::from(w.saturating_sub(40).max(1));
    if f64::from(tw) > room {
        px = (px * room / f64::from(tw)).max(18.0);
    }
    let style = text_style(px, INK).pos(Pos::new(HPos::Center, VPos::Top));
    root.draw_text(title, &style, ((w / 2) as i32, 14))
        .map_err(draw_err)?;
    let (_, below) = root.split_vertically((TITLE_PX * 1.2) as u32 + 24);
    Ok(below)
}

/// Writes a centred grey message such as "no data".
pub(crate) fn draw_message<DB: DrawingBackend>(
    area: &Area<DB>,
    msg: &str,
) -> Result<(), ChartError> {
    let (w, h) = area.dim_in_pixel();
    let style = text_style(26.0, MUTED).pos(Pos::new(HPos::Center, VPos::Center));
    area.draw_text(msg, &style, ((w / 2) as i32, (h / 2) as i32))
        .map_err(draw_err)
}

/// What a legend entry shows left of its text.
#[derive(Debug, Clone)]
pub(crate) enum Mark {
    /// A line sample.
    Line { color: RGBColor, dashed: bool },
    /// A line sample with a point marker.
    LinePoint { color: RGBColor },
    /// A filled rectangle (band, stacked area, histogram bar).
    Fill { color: RGBColor, alpha: f64 },
    /// No sample: a note in the legend box (e.g. where the y axis is cut).
    Note,
}

/// One legend entry.
#[derive(Debug, Clone)]
pub(crate) struct LegendEntry {
    /// Text.
    pub label: String,
    /// Sample drawn before the text.
    pub mark: Mark,
}

const SWATCH_W: i32 = 40;
const SWATCH_GAP: i32 = 8;
const ENTRY_GAP: i32 = 30;
const LEGEND_PAD: i32 = 10;
const ROW_H: i32 = (LEGEND_PX * 1.7) as i32;
/// Space between the legend box and the plot below.
const LEGEND_GAP_BELOW: u32 = 6;

/// Positions `(x, row)` of each entry in a box at most `max_w` wide, and the
/// box width and row count.
fn legend_layout<DB: DrawingBackend>(
    area: &Area<DB>,
    entries: &[LegendEntry],
    max_w: i32,
) -> (Vec<(i32, i32)>, i32, i32) {
    let mut pos = Vec::with_capacity(entries.len());
    let (mut x, mut row, mut widest) = (LEGEND_PAD, 0, 0);
    for e in entries {
        let (tw, _) = text_size(area, &e.label, LEGEND_PX);
        let swatch = if matches!(e.mark, Mark::Note) {
            0
        } else {
            SWATCH_W + SWATCH_GAP
        };
        let w = swatch + tw as i32;
        if x > LEGEND_PAD && x + w + LEGEND_PAD > max_w {
            row += 1;
            x = LEGEND_PAD;
        }
        pos.push((x, row));
        widest = widest.max(x + w + LEGEND_PAD);
        x += w + ENTRY_GAP;
    }
    (pos, widest, if entries.is_empty() { 0 } else { row + 1 })
}

/// Height of the legend strip (box plus gap) for `entries` in `width`
/// pixels; 0 without entries.
pub(crate) fn legend_height<DB: DrawingBackend>(
    area: &Area<DB>,
    entries: &[LegendEntry],
    width: u32,
) -> u32 {
    let (_, _, rows) = legend_layout(area, entries, width as i32);
    if rows == 0 {
        0
    } else {
        (rows * ROW_H + 2 * LEGEND_PAD) as u32 + LEGEND_GAP_BELOW
    }
}

/// Width of the legend box for `entries` laid out in at most `width`
/// pixels: more than `width` when one entry alone is wider.
pub(crate) fn legend_width<DB: DrawingBackend>(
    area: &Area<DB>,
    entries: &[LegendEntry],
    width: u32,
) -> u32 {
    let (_, widest, _) = legend_layout(area, entries, width as i32);
    widest.max(0) as u32
}

/// Draws the legend box at the top of `strip`, starting `x0` pixels from its
/// left edge (aligned with the plot area) and at most `width` wide.
pub(crate) fn draw_legend<DB: DrawingBackend>(
    strip: &Area<DB>,
    entries: &[LegendEntry],
    x0: i32,
    width: u32,
) -> Result<(), ChartError> {
    if entries.is_empty() {
        return Ok(());
    }
    let (pos, box_w, rows) = legend_layout(strip, entries, width as i32);
    let box_h = rows * ROW_H + 2 * LEGEND_PAD;
    strip
        .draw(&Rectangle::new(
            [(x0, 0), (x0 + box_w, box_h)],
            WHITE.filled(),
        ))
        .map_err(draw_err)?;
    strip
        .draw(&Rectangle::new(
            [(x0, 0), (x0 + box_w, box_h)],
            BLACK.mix(0.35).stroke_width(1),
        ))
        .map_err(draw_err)?;
    let text = text_style(LEGEND_PX, INK).pos(Pos::new(HPos::Left, VPos::Center));
    for (e, &(x, row)) in entries.iter().zip(&pos) {
        let x = x0 + x;
        let cy = LEGEND_PAD + row * ROW_H + ROW_H / 2;
        let sample = [(x, cy), (x + SWATCH_W, cy)];
        let text_x = if matches!(e.mark, Mark::Note) {
            x
        } else {
            x + SWATCH_W + SWATCH_GAP
        };
        match e.mark {
            Mark::Note => Ok(()),
            Mark::Line { color, dashed } => {
                let style = color.stroke_width(LINE_WIDTH);
                if dashed {
                    strip.draw(&DashedPathElement::new(sample, 9, 6, style))
                } else {
                    strip.draw(&PathElement::new(sample, style))
                }
            }
            Mark::LinePoint { color } => strip
                .draw(&PathElement::new(sample, color.stroke_width(LINE_WIDTH)))
                .and_then(|_| strip.draw(&Circle::new((x + SWATCH_W / 2, cy), 5, color.filled()))),
            Mark::Fill { color, alpha } => strip.draw(&Rectangle::new(
                [(x, cy - 8), (x + SWATCH_W, cy + 8)],
                color.mix(alpha).filled(),
            )),
        }
        .map_err(draw_err)?;
        strip
            .draw(&Text::new(e.label.clone(), (text_x, cy), text.clone()))
            .map_err(draw_err)?;
    }
    Ok(())
}

/// Lowers the tick count of `axis` until its labels fit along `length_px`
/// pixels: side by side with gaps on a horizontal axis, at least about two
/// text heights apart on a vertical one.
pub(crate) fn fit_ticks<DB: DrawingBackend>(
    area: &Area<DB>,
    axis: Axis,
    length_px: u32,
    horizontal: bool,
) -> Axis {
    let mut axis = axis;
    loop {
        let labels = axis.tick_labels();
        let per_label = if horizontal {
            labels
                .iter()
                .map(|l| text_size(area, l, TICK_PX).0)
                .max()
                .unwrap_or(0)
                + 24
        } else {
            (TICK_PX * 2.2) as u32
        };
        if per_label * labels.len() as u32 <= length_px || axis.target() <= 2 {
            return axis;
        }
        axis = axis.with_target(axis.target() - 1);
    }
}

/// A single-panel chart's frame: the plot area under the legend strip, the
/// axes with their ticks fitted to it, and the y label area's width.
pub(crate) struct SinglePanel<DB: DrawingBackend> {
    pub plot_area: Area<DB>,
    pub x: Axis,
    pub y: Axis,
    pub y_label_width: u32,
}

/// Lays out a single-panel chart in `body`: sizes the y label area and the
/// legend, fits the ticks of `x` and `y` to the room left, draws the legend
/// strip at the top and returns the rest.
pub(crate) fn single_panel<DB: DrawingBackend>(
    body: &Area<DB>,
    legend: &[LegendEntry],
    x: Axis,
    y: Axis,
    has_x_desc: bool,
    has_y_desc: bool,
) -> Result<SinglePanel<DB>, ChartError> {
    let y_label_width = y_label_area_width(body, Some(&y), has_y_desc);
    let (w, h) = body.dim_in_pixel();
    let legend_w = w.saturating_sub(y_label_width + RIGHT_MARGIN);
    let legend_h = legend_height(body, legend, legend_w);
    let plot_h = single_plot_height(h, legend_h, has_x_desc);
    let x = fit_ticks(body, x, legend_w, true);
    let y = fit_ticks(body, y, plot_h, false);
    let (strip, plot_area) = body.split_vertically(legend_h);
    draw_legend(&strip, legend, y_label_width as i32, legend_w)?;
    Ok(SinglePanel {
        plot_area,
        x,
        y,
        y_label_width,
    })
}

/// Height left for the plot itself in an area of `area_h` pixels holding a
/// legend strip of `legend_h` and the x labels.
pub(crate) fn single_plot_height(area_h: u32, legend_h: u32, has_x_desc: bool) -> u32 {
    area_h
        .saturating_sub(legend_h + 6 + x_label_area_height(has_x_desc))
        .max(1)
}

/// Width of the y label area: widest tick label, tick marks and the rotated
/// axis description.
pub(crate) fn y_label_area_width<DB: DrawingBackend>(
    area: &Area<DB>,
    y: Option<&Axis>,
    has_desc: bool,
) -> u32 {
    let widest = y
        .map(|axis| {
            axis.tick_labels()
                .iter()
                .map(|l| text_size(area, l, TICK_PX).0)
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0)
        .max(30);
    let desc = if has_desc {
        (AXIS_DESC_PX * 1.3) as u32 + 12
    } else {
        0
    };
    widest + 2 * TICK_SIZE + 10 + desc
}

/// Height of the x label area: tick labels and, if any, the description.
pub(crate) fn x_label_area_height(has_desc: bool) -> u32 {
    let ticks = 2 * TICK_SIZE + (TICK_PX * 1.3) as u32;
    let desc = if has_desc {
        (AXIS_DESC_PX * 1.4) as u32 + 8
    } else {
        0
    };
    ticks + desc + 6
}

/// How to lay out the axes of one plot.
pub(crate) struct PlotLayout<'s> {
    /// Width of the area left of the plot (same for stacked panels).
    pub y_label_width: u32,
    /// Whether to draw x tick labels under the plot.
    pub show_x_labels: bool,
    /// Extra room above the plot (for the labels of vertical markers).
    pub top_extra: u32,
    /// x axis description under the tick labels.
    pub x_desc: &'s str,
    /// y axis description, rotated, left of the tick labels.
    pub y_desc: &'s str,
}

/// Sets up a plot on `area` with grid, tick labels, axis descriptions and a
/// frame around the plot area.
pub(crate) fn build_plot<'a, DB: DrawingBackend>(
    area: &'a Area<DB>,
    x: &Axis,
    y: &Axis,
    layout: &PlotLayout<'_>,
) -> Result<Plot<'a, DB>, ChartError> {
    let has_x_desc = layout.show_x_labels && !layout.x_desc.is_empty();
    let x_area = if layout.show_x_labels {
        x_label_area_height(has_x_desc)
    } else {
        0
    };
    let mut chart = ChartBuilder::on(area)
        .margin_top(6 + layout.top_extra)
        .margin_right(RIGHT_MARGIN)
        .margin_bottom(if layout.show_x_labels { 0 } else { 8 })
        .x_label_area_size(x_area)
        .y_label_area_size(layout.y_label_width)
        .build_cartesian_2d(x.clone(), y.clone())
        .map_err(draw_err)?;
    {
        let tick_style = text_style(TICK_PX, INK);
        let desc_style = text_style(AXIS_DESC_PX, INK);
        let mut mesh = chart.configure_mesh();
        mesh.label_style(tick_style)
            .axis_desc_style(desc_style)
            .bold_line_style(BLACK.mix(0.13))
            .light_line_style(BLACK.mix(0.05))
            .axis_style(BLACK.mix(0.7));
        if has_x_desc {
            mesh.x_desc(layout.x_desc);
        }
        mesh.draw().map_err(draw_err)?;
    }
    chart
        .plotting_area()
        .draw(&Rectangle::new(
            [(x.lo(), y.lo()), (x.hi(), y.hi())],
            BLACK.mix(0.7).stroke_width(1),
        ))
        .map_err(draw_err)?;
    if !layout.y_desc.is_empty() {
        draw_y_desc(area, &chart, layout.y_desc)?;
    }
    Ok(chart)
}

/// The y axis description, rotated, centred on the plot's height at the
/// left edge of `area`; shrunk when longer than the plot is high.
fn draw_y_desc<DB: DrawingBackend>(
    area: &Area<DB>,
    plot: &Plot<'_, DB>,
    desc: &str,
) -> Result<(), ChartError> {
    let (_, yr) = plot.plotting_area().get_pixel_range();
    let (_, base_y) = area.get_base_pixel();
    let room = f64::from((yr.end - yr.start - 8).max(1));
    let (tw, _) = text_size(area, desc, AXIS_DESC_PX);
    let px = if f64::from(tw) > room {
        (AXIS_DESC_PX * room / f64::from(tw)).max(10.0)
    } else {
        AXIS_DESC_PX
    };
    let style = text_style(px, INK)
        .transform(FontTransform::Rotate270)
        .pos(Pos::new(HPos::Center, VPos::Center));
    let cx = (AXIS_DESC_PX * 0.7) as i32 + 4;
    let cy = (yr.start + yr.end) / 2 - base_y;
    area.draw_text(desc, &style, (cx, cy)).map_err(draw_err)
}

/// Room above a plot for the labels of vertical markers, in pixels.
pub(crate) const VLINE_LABEL_H: u32 = (TICK_PX * 1.4) as u32;

/// Dashed grey vertical lines at the given x positions (inside the range),
/// with their labels (when `labelled`) just above the plot's frame, which
/// needs [`VLINE_LABEL_H`] of room there.
pub(crate) fn draw_vlines<DB: DrawingBackend>(
    plot: &mut Plot<'_, DB>,
    x: &Axis,
    y: &Axis,
    vlines: &[VLine],
    labelled: bool,
    tips: &Tips,
) -> Result<(), ChartError> {
    for v in vlines.iter().filter(|v| x.accepts(v.x) && x.contains(v.x)) {
        tips.begin(plot.plotting_area(), (v.x, y.lo()), &v.label)?;
        plot.draw_series(DashedLineSeries::new(
            [(v.x, y.lo()), (v.x, y.hi())],
            6,
            6,
            BLACK.mix(0.45).stroke_width(1),
        ))
        .map_err(draw_err)?;
        tips.end(plot.plotting_area(), (v.x, y.lo()))?;
        if !labelled || v.label.is_empty() {
            continue;
        }
        // Above the frame, centred on the line (kept inside the plot's
        // width), clear of the data and of reference line labels.
        let area = plot.plotting_area();
        let (xr, _) = area.get_pixel_range();
        let (px, _) = plot.backend_coord(&(v.x, y.hi()));
        let (tw, _) = text_size(area, &v.label, TICK_PX);
        let half = tw as i32 / 2;
        let cx = px.clamp(xr.start + half, (xr.end - half).max(xr.start + half));
        let style = text_style(TICK_PX, REF_COLOR).pos(Pos::new(HPos::Center, VPos::Bottom));
        let element =
            EmptyElement::at((v.x, y.hi())) + Text::new(v.label.clone(), (cx - px, -4), style);
        area.draw(&element).map_err(draw_err)?;
    }
    Ok(())
}

/// Pixel points along the polylines `runs` (data coordinates), about every
/// 4 px, used to keep annotation labels off the data.
fn sample_pixels<DB: DrawingBackend>(
    plot: &Plot<'_, DB>,
    runs: &[Vec<(f64, f64)>],
) -> Vec<(i32, i32)> {
    let mut out = Vec::new();
    for run in runs {
        let px: Vec<(i32, i32)> = run.iter().map(|p| plot.backend_coord(p)).collect();
        if let [only] = px.as_slice() {
            out.push(*only);
        }
        for w in px.windows(2) {
            let (a, b) = (w[0], w[1]);
            let len = f64::from((b.0 - a.0).abs().max((b.1 - a.1).abs()));
            let steps = ((len / 4.0).ceil() as i32).clamp(1, 400);
            for k in 0..=steps {
                let f = f64::from(k) / f64::from(steps);
                out.push((
                    a.0 + (f * f64::from(b.0 - a.0)).round() as i32,
                    a.1 + (f * f64::from(b.1 - a.1)).round() as i32,
                ));
            }
        }
    }
    out
}

/// Dashed horizontal reference lines, each with its label in a small white
/// box just above or below the line, at the right, left or middle of the
/// plot: whichever spot covers the fewest points of `avoid` (the data
/// polylines, in data coordinates) and no earlier label.
pub(crate) fn draw_ref_lines<DB: DrawingBackend>(
    plot: &mut Plot<'_, DB>,
    x: &Axis,
    y: &Axis,
    refs: &[RefLine],
    avoid: &[Vec<(f64, f64)>],
    tips: &Tips,
) -> Result<(), ChartError> {
    let refs: Vec<&RefLine> = refs
        .iter()
        .filter(|r| y.accepts(r.y) && y.contains(r.y))
        .collect();
    for r in &refs {
        tips.begin(plot.plotting_area(), (x.lo(), r.y), &r.label)?;
        plot.draw_series(DashedLineSeries::new(
            [(x.lo(), r.y), (x.hi(), r.y)],
            12,
            6,
            REF_COLOR.stroke_width(2),
        ))
        .map_err(draw_err)?;
        tips.end(plot.plotting_area(), (x.lo(), r.y))?;
    }
    if refs.iter().all(|r| r.label.is_empty()) {
        return Ok(());
    }
    let data = sample_pixels(plot, avoid);
    let area = plot.plotting_area();
    let (xr, yr) = area.get_pixel_range();
    let mut taken: Vec<(i32, i32, i32, i32)> = Vec::new();
    for r in refs.iter().filter(|r| !r.label.is_empty()) {
        let (tw, th) = text_size(area, &r.label, LEGEND_PX);
        let (bw, bh) = (tw as i32 + 12, th as i32 + 8);
        let (_, py) = plot.backend_coord(&(x.lo(), r.y));
        let lefts = [
            xr.end - 10 - bw,
            xr.start + 10,
            (xr.start + xr.end - bw) / 2,
        ];
        let tops = [py - 4 - bh, py + 4];
        let mut best: Option<(usize, (i32, i32, i32, i32))> = None;
        for top in tops {
            if top < yr.start || top + bh > yr.end {
                continue;
            }
            for left in lefts {
                let b = (left, top, left + bw, top + bh);
                let overlaps = |p: &(i32, i32)| {
                    p.0 >= b.0 - 3 && p.0 <= b.2 + 3 && p.1 >= b.1 - 3 && p.1 <= b.3 + 3
                };
                let mut score = data.iter().filter(|p| overlaps(p)).count();
                if taken
                    .iter()
                    .any(|t| t.0 < b.2 && b.0 < t.2 && t.1 < b.3 && b.1 < t.3)
                {
                    score += 10_000;
                }
                if best.is_none_or(|(s, _)| score < s) {
                    best = Some((score, b));
                }
            }
        }
        let Some((_, b)) = best else { continue };
        taken.push(b);
        let (ax, ay) = plot.backend_coord(&(x.lo(), r.y));
        let style = text_style(LEGEND_PX, REF_COLOR).pos(Pos::new(HPos::Left, VPos::Center));
        let element = EmptyElement::at((x.lo(), r.y))
            + Rectangle::new(
                [(b.0 - ax, b.1 - ay), (b.2 - ax, b.3 - ay)],
                WHITE.mix(0.9).filled(),
            )
            + Text::new(r.label.clone(), (b.0 - ax + 6, (b.1 + b.3) / 2 - ay), style);
        area.draw(&element).map_err(draw_err)?;
    }
    Ok(())
}

/// Contiguous runs of points `(x[i], y[i])` that both axes can show, with
/// y held inside the axis range (a value above a cut y axis runs along
/// its top edge).
pub(crate) fn segments(xs: &[f64], ys: &[f64], x: &Axis, y: &Axis) -> Vec<Vec<(f64, f64)>> {
    let mut out = Vec::new();
    let mut run: Vec<(f64, f64)> = Vec::new();
    for (&xv, &yv) in xs.iter().zip(ys) {
        if x.accepts(xv) && y.accepts(yv) {
            run.push((xv, y.clamp(yv)));
        } else if !run.is_empty() {
            out.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        out.push(run);
    }
    out
}

/// Pixel offsets of the thin strokes that make up a thick solid line in a
/// raster image (a plus-shaped brush about [`LINE_WIDTH`] wide).
const BRUSH: [(i32, i32); 5] = [(0, 0), (0, -1), (0, 1), (-1, 0), (1, 0)];

/// Draws a broken line; isolated points become dots so they stay visible.
///
/// In a raster image (`vector` false) a solid line is drawn as a few
/// one-pixel strokes offset by a pixel ([`BRUSH`]): plotters turns thick
/// polylines into polygons whose inner corners shoot far out at sharp
/// zigzags (a noisy daily series), drawing spikes across the frame. SVG
/// keeps one polyline with a real stroke width (browsers join it well).
pub(crate) fn draw_polyline<DB: DrawingBackend>(
    plot: &mut Plot<'_, DB>,
    runs: &[Vec<(f64, f64)>],
    color: RGBColor,
    dashed: bool,
    vector: bool,
) -> Result<(), ChartError> {
    let style: ShapeStyle = color.stroke_width(LINE_WIDTH);
    for run in runs {
        if run.len() == 1 {
            plot.draw_series(std::iter::once(Circle::new(run[0], 3, color.filled())))
                .map_err(draw_err)?;
        } else if !dashed && !vector {
            let area = plot.plotting_area().strip_coord_spec();
            let (bx, by) = area.get_base_pixel();
            let px: Vec<(i32, i32)> = run
                .iter()
                .map(|p| {
                    let (a, b) = plot.backend_coord(p);
                    (a - bx, b - by)
                })
                .collect();
            for (dx, dy) in BRUSH {
                let path: Vec<(i32, i32)> = px.iter().map(|&(a, b)| (a + dx, b + dy)).collect();
                area.draw(&PathElement::new(path, color.stroke_width(1)))
                    .map_err(draw_err)?;
            }
        } else if dashed {
            plot.draw_series(DashedLineSeries::new(run.iter().copied(), 10, 7, style))
                .map_err(draw_err)?;
        } else {
            plot.draw_series(LineSeries::new(run.iter().copied(), style))
                .map_err(draw_err)?;
        }
    }
    Ok(())
}

/// Fills the region between `lower` and `upper` over `xs`, in runs where
/// x and the upper edge are drawable; the lower edge is clamped into the
/// axis (so a zero lower edge on a log axis runs off the bottom).
#[allow(clippy::too_many_arguments)]
pub(crate) fn draw_band<DB: DrawingBackend>(
    plot: &mut Plot<'_, DB>,
    xs: &[f64],
    lower: &[f64],
    upper: &[f64],
    x: &Axis,
    y: &Axis,
    color: RGBColor,
    alpha: f64,
) -> Result<(), ChartError> {
    let mut run: Vec<(f64, f64, f64)> = Vec::new();
    let mut flush = |run: &mut Vec<(f64, f64, f64)>| -> Result<(), ChartError> {
        if run.len() >= 2 {
            let mut pts: Vec<(f64, f64)> = run.iter().map(|&(xv, _, u)| (xv, u)).collect();
            pts.extend(run.iter().rev().map(|&(xv, l, _)| (xv, l)));
            plot.draw_series(std::iter::once(Polygon::new(
                pts,
                color.mix(alpha).filled(),
            )))
            .map_err(draw_err)?;
        }
        run.clear();
        Ok(())
    };
    for ((&xv, &lo), &hi) in xs.iter().zip(lower).zip(upper) {
        if x.accepts(xv) && y.accepts(hi) && !lo.is_nan() {
            run.push((xv, y.clamp(lo.min(hi)), y.clamp(hi)));
        } else {
            flush(&mut run)?;
        }
    }
    flush(&mut run)
}
