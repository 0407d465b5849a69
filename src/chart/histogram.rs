//! [`HistogramChart`]: equal-width bins of sample values with labelled
//! vertical markers (mean, confidence bounds, reference values).

use plotters::element::Rectangle;
use plotters::prelude::DrawingBackend;
use plotters::series::LineSeries;
use plotters::style::{Color, WHITE};

use super::axis::{format_si, Axis, Scale};
use super::frame::{
    build_plot, color, draw_err, draw_message, draw_title, single_panel, Area, LegendEntry, Mark,
    PlotLayout, SinglePanel, LINE_WIDTH,
};
use super::tips::Tips;
use super::{ChartError, ChartSize, HistogramChart, Render};

/// Bins used when the spec asks for 0.
const DEFAULT_BINS: usize = 30;
/// Most bins allowed.
const MAX_BINS: usize = 1000;
/// Opacity of the bars.
const BAR_ALPHA: f64 = 0.75;

/// Equal-width bins over the finite values: `(lower edge, upper edge,
/// count)` for each bin; empty when no value is finite. A single distinct
/// value (or values a few rounding errors apart) gets a range of 10 % of
/// its magnitude (1 for zero).
pub(crate) fn bin_values(values: &[f64], bins: usize) -> Vec<(f64, f64, usize)> {
    let bins = if bins == 0 {
        DEFAULT_BINS
    } else {
        bins.min(MAX_BINS)
    };
    let (mut min, mut max) = (f64::INFINITY, f64::NEG_INFINITY);
    for &v in values.iter().filter(|v| v.is_finite()) {
        min = min.min(v);
        max = max.max(v);
    }
    if min > max {
        return Vec::new();
    }
    let (lo, hi) = if super::axis::degenerate(min, max) || !(max - min).is_finite() {
        let half = if min == 0.0 { 0.5 } else { min.abs() * 0.05 };
        (min - half, max + half)
    } else {
        (min, max)
    };
    let width = (hi - lo) / bins as f64;
    let mut counts = vec![0usize; bins];
    for &v in values.iter().filter(|v| v.is_finite()) {
        let k = ((v - lo) / width).floor();
        let k = if k.is_finite() {
            k.max(0.0) as usize
        } else {
            0
        };
        counts[k.min(bins - 1)] += 1;
    }
    counts
        .into_iter()
        .enumerate()
        .map(|(k, c)| (lo + k as f64 * width, lo + (k + 1) as f64 * width, c))
        .collect()
}

/// The markers grouped by label, in order of first appearance: one colour
/// and one legend entry per group.
fn marker_groups(markers: &[(String, f64)]) -> Vec<(String, Vec<f64>)> {
    let mut out: Vec<(String, Vec<f64>)> = Vec::new();
    for (label, v) in markers {
        match out.iter_mut().find(|(l, _)| l == label) {
            Some((_, vs)) => vs.push(*v),
            None => out.push((label.clone(), vec![*v])),
        }
    }
    out
}

impl Render for HistogramChart {
    fn size(&self) -> ChartSize {
        self.size
    }

    fn validate(&self) -> Result<(), ChartError> {
        Ok(())
    }

    fn render<DB: DrawingBackend>(&self, root: &Area<DB>, tips: &Tips) -> Result<(), ChartError> {
        let body = draw_title(root, &self.title)?;
        let bins = bin_values(&self.values, self.bins);
        let (Some(first), Some(last)) = (bins.first(), bins.last()) else {
            return draw_message(&body, "no data");
        };
        let finite_markers = self.markers.iter().map(|m| m.1).filter(|v| v.is_finite());
        let x_values = [first.0, last.1].into_iter().chain(finite_markers);
        let Some(x) = Axis::fit(Scale::Linear, x_values, 0.03, false, 8) else {
            return draw_message(&body, "no data");
        };
        let max_count = bins.iter().map(|b| b.2).max().unwrap_or(0);
        // At least 0..5 so small counts get integer ticks.
        let y = Axis::new(Scale::Linear, 0.0, (max_count as f64 * 1.08).max(5.0), 6);

        let finite = bins.iter().map(|b| b.2).sum::<usize>();
        let skipped = self.values.len() - finite;
        let mut sample_label = format!("n = {finite}");
        if skipped > 0 {
            sample_label.push_str(&format!(" ({skipped} non-finite skipped)"));
        }
        let mut legend = vec![LegendEntry {
            label: sample_label,
            mark: Mark::Fill {
                color: color(0),
                alpha: BAR_ALPHA,
            },
        }];
        let groups = marker_groups(&self.markers);
        for (g, (label, values)) in groups.iter().enumerate() {
            let values: Vec<String> = values.iter().map(|v| format_si(*v)).collect();
            legend.push(LegendEntry {
                label: format!("{label} = {}", values.join(" – ")),
                mark: Mark::Line {
                    color: color(g + 1),
                    dashed: false,
                },
            });
        }

        let y_desc = if self.y_label.is_empty() {
            "count"
        } else {
            self.y_label.as_str()
        };
        let SinglePanel {
            plot_area,
            x,
            y,
            y_label_width,
        } = single_panel(&body, &legend, x, y, !self.x_label.is_empty(), true)?;
        let layout = PlotLayout {
            y_label_width,
            show_x_labels: true,
            top_extra: 0,
            x_desc: &self.x_label,
            y_desc,
        };
        let mut plot = build_plot(&plot_area, &x, &y, &layout)?;
        for &(e0, e1, c) in bins.iter().filter(|b| b.2 > 0) {
            let title = format!("{} to {}: {c} of {finite}", format_si(e0), format_si(e1));
            tips.begin(plot.plotting_area(), (e0, 0.0), &title)?;
            plot.draw_series([
                Rectangle::new(
                    [(e0, 0.0), (e1, c as f64)],
                    color(0).mix(BAR_ALPHA).filled(),
                ),
                Rectangle::new([(e0, 0.0), (e1, c as f64)], WHITE.stroke_width(1)),
            ])
            .map_err(draw_err)?;
            tips.end(plot.plotting_area(), (e0, 0.0))?;
        }
        for (label, v) in &self.markers {
            let g = groups.iter().position(|(l, _)| l == label).unwrap_or(0);
            if v.is_finite() && x.contains(*v) {
                let title = format!("{label} = {}", format_si(*v));
                tips.begin(plot.plotting_area(), (*v, y.lo()), &title)?;
                plot.draw_series(LineSeries::new(
                    [(*v, y.lo()), (*v, y.hi())],
                    color(g + 1).stroke_width(LINE_WIDTH),
                ))
                .map_err(draw_err)?;
                tips.end(plot.plotting_area(), (*v, y.lo()))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bins_count_every_finite_value() {
        let values = [0.0, 0.5, 1.0, f64::NAN, 2.0, f64::INFINITY];
        let bins = bin_values(&values, 4);
        assert_eq!(bins.len(), 4);
        assert_eq!(bins.iter().map(|b| b.2).sum::<usize>(), 4);
        assert_eq!(bins[0].0, 0.0);
        assert_eq!(bins[3].1, 2.0);
        // The maximum lands in the last bin.
        assert_eq!(bins[3].2, 1);
    }

    #[test]
    fn markers_with_one_label_form_one_group() {
        let m = vec![
            ("mean".to_string(), 0.5),
            ("95 % CI".to_string(), 0.4),
            ("95 % CI".to_string(), 0.6),
        ];
        let g = marker_groups(&m);
        assert_eq!(g.len(), 2);
        assert_eq!(g[1], ("95 % CI".to_string(), vec![0.4, 0.6]));
    }

    #[test]
    fn single_value_and_empty_inputs() {
        let one = bin_values(&[3.0, 3.0], 0);
        assert_eq!(one.len(), DEFAULT_BINS);
        assert_eq!(one.iter().map(|b| b.2).sum::<usize>(), 2);
        assert!(bin_values(&[f64::NAN], 10).is_empty());
        assert!(bin_values(&[], 10).is_empty());
        assert_eq!(bin_values(&[1.0, 2.0], 1_000_000).len(), MAX_BINS);
    }
}
