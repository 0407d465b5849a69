//! [`TimeChart`]: one or more panels stacked vertically over a shared x
//! axis, with lines, shaded bands, stacked areas, reference lines and
//! vertical markers.

use plotters::prelude::DrawingBackend;

use super::axis::{Axis, Scale};
use super::frame::{
    build_plot, color, draw_band, draw_legend, draw_message, draw_polyline, draw_ref_lines,
    draw_title, draw_vlines, fit_ticks, legend_height, segments, x_label_area_height,
    y_label_area_width, Area, LegendEntry, Mark, PlotLayout, RIGHT_MARGIN,
};
use super::{check_len, stacked, ChartError, ChartSize, Panel, Render, TimeChart};

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
                .collect();
            Axis::fit(scale, values.into_iter().chain(refs), 0.05, true, 6)
        }
    };
    let legend = if panel.stacked {
        stacked::legend(&panel.series)
    } else {
        line_legend(panel)
    };
    Prepared {
        panel,
        y,
        tops,
        legend,
    }
}

/// Legend entries: each labelled series, then its labelled bands.
fn line_legend(panel: &Panel) -> Vec<LegendEntry> {
    let mut out = Vec::new();
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
            if !b.label.is_empty() {
                // The swatch shows how the band looks where it overlaps the
                // bands drawn before it.
                let alpha = 1.0 - (1.0 - BAND_ALPHA).powi(k as i32 + 1);
                out.push(LegendEntry {
                    label: b.label.clone(),
                    mark: Mark::Fill { color: c, alpha },
                });
            }
        }
    }
    out
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

    fn render<DB: DrawingBackend>(&self, root: &Area<DB>) -> Result<(), ChartError> {
        let body = draw_title(root, &self.title)?;
        let x = match Axis::fit(Scale::Linear, self.x.iter().copied(), 0.0, false, 8) {
            Some(x) if !self.panels.is_empty() => x,
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
        let fixed: u32 =
            legend_h.iter().sum::<u32>() + n * 6 + (n - 1) * (8 + PANEL_GAP) + bottom_x_area + 8;
        let plot_h = (h.saturating_sub(fixed) / n).max(MIN_PLOT_H);
        for p in &mut prepared {
            p.y = p.y.take().map(|y| fit_ticks(&body, y, plot_h, false));
        }
        let x = fit_ticks(&body, x, legend_w, true);

        let mut rest = body;
        for (i, p) in prepared.iter().enumerate() {
            let last = i + 1 == prepared.len();
            let panel_h = legend_h[i] + 6 + plot_h + if last { bottom_x_area } else { 8 };
            let (area, below) = rest.split_vertically(panel_h);
            let (strip, plot_area) = area.split_vertically(legend_h[i]);
            draw_legend(&strip, &p.legend, y_label_width as i32, legend_w)?;
            self.draw_panel(&plot_area, p, &x, y_label_width, last)?;
            rest = below.margin(if last { 0 } else { PANEL_GAP }, 0, 0, 0);
        }
        Ok(())
    }
}

impl TimeChart {
    fn draw_panel<DB: DrawingBackend>(
        &self,
        area: &Area<DB>,
        p: &Prepared<'_>,
        x: &Axis,
        y_label_width: u32,
        last: bool,
    ) -> Result<(), ChartError> {
        let Some(y) = &p.y else {
            let inner = area.margin(0, 0, y_label_width, RIGHT_MARGIN);
            return draw_message(&inner, "no data");
        };
        let layout = PlotLayout {
            y_label_width,
            show_x_labels: last,
            x_desc: &self.x_label,
            y_desc: &p.panel.y_label,
        };
        let mut plot = build_plot(area, x, y, &layout)?;
        draw_vlines(&mut plot, x, y, &self.vlines)?;
        let mut drawn = Vec::new();
        if p.panel.stacked {
            stacked::draw_layers(&mut plot, &self.x, &p.panel.series, &p.tops, x, y)?;
            for top in &p.tops {
                drawn.extend(segments(&self.x, top, x, y));
            }
        } else {
            for s in &p.panel.series {
                for b in &s.bands {
                    let c = color(s.color_index);
                    draw_band(&mut plot, &self.x, &b.lower, &b.upper, x, y, c, BAND_ALPHA)?;
                }
            }
            for s in &p.panel.series {
                let runs = segments(&self.x, &s.y, x, y);
                draw_polyline(&mut plot, &runs, color(s.color_index), s.dashed)?;
                drawn.extend(runs);
            }
        }
        draw_ref_lines(&mut plot, x, y, &p.panel.ref_lines, &drawn)
    }
}
