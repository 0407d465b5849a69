//! [`XyChart`]: y against a numeric x (parameter sweeps), lines with point
//! markers and optional confidence bars.

use plotters::element::{Circle, EmptyElement, PathElement};
use plotters::prelude::DrawingBackend;
use plotters::style::Color;

use super::axis::{format_si, Axis, Scale};
use super::frame::{
    build_plot, color, draw_err, draw_message, draw_polyline, draw_ref_lines, draw_title, segments,
    single_panel, Area, LegendEntry, Mark, Plot, PlotLayout, SinglePanel,
};
use super::tips::Tips;
use super::{ChartError, ChartSize, Render, XyChart, XyLine};

/// Half width of the caps on confidence bars, in pixels.
const CAP_HALF_W: i32 = 7;
/// Radius of point markers, in pixels.
const POINT_R: i32 = 5;

impl Render for XyChart {
    fn size(&self) -> ChartSize {
        self.size
    }

    fn validate(&self) -> Result<(), ChartError> {
        for (i, l) in self.lines.iter().enumerate() {
            let name = format!("lines[{i}] \"{}\"", l.label);
            let n = l.x.len();
            let check = |what: &str, len: usize| {
                if len == n {
                    Ok(())
                } else {
                    Err(ChartError::InvalidSpec(format!(
                        "{name}.{what} has {len} values but x has {n}"
                    )))
                }
            };
            check("y", l.y.len())?;
            if let Some(v) = &l.y_lower {
                check("y_lower", v.len())?;
            }
            if let Some(v) = &l.y_upper {
                check("y_upper", v.len())?;
            }
        }
        Ok(())
    }

    fn render<DB: DrawingBackend>(&self, root: &Area<DB>, tips: &Tips) -> Result<(), ChartError> {
        let body = draw_title(root, &self.title)?;
        let (xs, ys) = (Scale::from_log(self.log_x), Scale::from_log(self.log_y));
        // Only points whose x and y are both drawable set the ranges.
        let valid = |l: &XyLine, i: usize| xs.accepts(l.x[i]) && ys.accepts(l.y[i]);
        let x_values = self
            .lines
            .iter()
            .flat_map(|l| (0..l.x.len()).filter(|&i| valid(l, i)).map(|i| l.x[i]));
        let Some(x) = Axis::fit(xs, x_values, 0.04, false, 8) else {
            return draw_message(&body, "no data");
        };
        let mut y_values = Vec::new();
        for l in &self.lines {
            for i in (0..l.x.len()).filter(|&i| valid(l, i)) {
                y_values.push(l.y[i]);
                y_values.extend(l.y_lower.as_ref().map(|v| v[i]));
                y_values.extend(l.y_upper.as_ref().map(|v| v[i]));
            }
        }
        y_values.extend(self.ref_lines.iter().map(|r| r.y));
        let Some(y) = Axis::fit(ys, y_values, 0.06, true, 6) else {
            return draw_message(&body, "no data");
        };

        let mut legend: Vec<LegendEntry> = self
            .lines
            .iter()
            .enumerate()
            .filter(|(_, l)| !l.label.is_empty())
            .map(|(i, l)| LegendEntry {
                label: l.label.clone(),
                mark: Mark::LinePoint { color: color(i) },
            })
            .collect();
        if !self.note.is_empty() {
            legend.push(LegendEntry {
                label: self.note.clone(),
                mark: Mark::Note,
            });
        }
        let SinglePanel {
            plot_area,
            x,
            y,
            y_label_width,
        } = single_panel(
            &body,
            &legend,
            x,
            y,
            !self.x_label.is_empty(),
            !self.y_label.is_empty(),
        )?;
        let layout = PlotLayout {
            y_label_width,
            show_x_labels: true,
            top_extra: 0,
            x_desc: &self.x_label,
            y_desc: &self.y_label,
        };
        let mut plot = build_plot(&plot_area, &x, &y, &layout)?;
        // Lines, markers and bars: kept clear of reference line labels.
        let mut drawn = Vec::new();
        for (i, l) in self.lines.iter().enumerate() {
            drawn.extend(draw_error_bars(&mut plot, l, &x, &y, i)?);
        }
        let at = (x.lo(), y.lo());
        for (i, l) in self.lines.iter().enumerate() {
            let c = color(i);
            let runs = segments(&l.x, &l.y, &x, &y);
            tips.begin(plot.plotting_area(), at, &l.label)?;
            draw_polyline(&mut plot, &runs, c, false, tips.enabled())?;
            tips.end(plot.plotting_area(), at)?;
            for j in 0..l.x.len() {
                let (xv, yv) = (l.x[j], l.y[j]);
                if !(x.accepts(xv) && y.accepts(yv)) {
                    continue;
                }
                let p = (xv, y.clamp(yv));
                tips.begin(plot.plotting_area(), p, &self.point_tip(l, j))?;
                plot.draw_series(std::iter::once(
                    EmptyElement::at(p)
                        + Circle::new((0, 0), POINT_R, c.filled())
                        + Circle::new((0, 0), POINT_R, plotters::style::WHITE.stroke_width(1)),
                ))
                .map_err(draw_err)?;
                tips.end(plot.plotting_area(), p)?;
            }
            drawn.extend(runs);
        }
        draw_ref_lines(&mut plot, &x, &y, &self.ref_lines, &drawn, tips)
    }
}

impl XyChart {
    /// A point's tooltip: the line, x and y with their axis labels, and
    /// the bar's ends when it has any.
    fn point_tip(&self, l: &XyLine, j: usize) -> String {
        let name = |label: &str, fallback: &str| {
            if label.is_empty() {
                fallback.to_string()
            } else {
                label.to_string()
            }
        };
        let mut t = format!(
            "{}: {} = {}, {} = {}",
            name(&l.label, "point"),
            name(&self.x_label, "x"),
            format_si(l.x[j]),
            name(&self.y_label, "y"),
            format_si(l.y[j])
        );
        let lo = l.y_lower.as_ref().map(|v| v[j]).filter(|v| v.is_finite());
        let hi = l.y_upper.as_ref().map(|v| v[j]).filter(|v| v.is_finite());
        if let (Some(lo), Some(hi)) = (lo, hi) {
            t.push_str(&format!(" [{} to {}]", format_si(lo), format_si(hi)));
        }
        t
    }
}

/// Vertical bars with caps from `y_lower` to `y_upper` (either may be
/// missing: the bar then starts at the point itself). Returns the bars as
/// two-point polylines.
fn draw_error_bars<DB: DrawingBackend>(
    plot: &mut Plot<'_, DB>,
    line: &XyLine,
    x: &Axis,
    y: &Axis,
    index: usize,
) -> Result<Vec<Vec<(f64, f64)>>, ChartError> {
    let mut bars = Vec::new();
    if line.y_lower.is_none() && line.y_upper.is_none() {
        return Ok(bars);
    }
    let style = color(index).mix(0.9).stroke_width(2);
    for i in 0..line.x.len() {
        let (xv, yv) = (line.x[i], line.y[i]);
        if !x.accepts(xv) || !y.accepts(yv) {
            continue;
        }
        let lo = line.y_lower.as_ref().map_or(yv, |v| v[i]);
        let hi = line.y_upper.as_ref().map_or(yv, |v| v[i]);
        if lo.is_nan() || hi.is_nan() {
            continue;
        }
        let (lo, hi) = (y.clamp(lo.min(hi)), y.clamp(lo.max(hi)));
        plot.draw_series(std::iter::once(PathElement::new(
            vec![(xv, lo), (xv, hi)],
            style,
        )))
        .map_err(draw_err)?;
        let cap = |at: f64| {
            EmptyElement::at((xv, at))
                + PathElement::new(vec![(-CAP_HALF_W, 0), (CAP_HALF_W, 0)], style)
        };
        plot.draw_series([cap(lo), cap(hi)]).map_err(draw_err)?;
        bars.push(vec![(xv, lo), (xv, hi)]);
    }
    Ok(bars)
}
