//! Stacked-area panels: each series is drawn as a filled layer on top of the
//! ones before it (first series at the bottom).

use plotters::prelude::DrawingBackend;
use plotters::series::LineSeries;
use plotters::style::Color;

use super::axis::Axis;
use super::frame::{color, draw_band, draw_err, LegendEntry, Mark, Plot};
use super::timeseries::line_tip;
use super::tips::Tips;
use super::{ChartError, Series};

/// Opacity of stacked layers.
const LAYER_ALPHA: f64 = 0.8;

/// Cumulative layer tops: `tops[k][i]` is the sum of the first `k + 1`
/// series at index `i`, counting negative or non-finite values as 0.
pub(crate) fn stack_tops(series: &[Series], n: usize) -> Vec<Vec<f64>> {
    let mut running = vec![0.0; n];
    series
        .iter()
        .map(|s| {
            for (acc, &v) in running.iter_mut().zip(&s.y) {
                if v.is_finite() && v > 0.0 {
                    *acc += v;
                }
            }
            running.clone()
        })
        .collect()
}

/// Legend entries for a stacked panel (filled swatches).
pub(crate) fn legend(series: &[Series]) -> Vec<LegendEntry> {
    series
        .iter()
        .filter(|s| !s.label.is_empty())
        .map(|s| LegendEntry {
            label: s.label.clone(),
            mark: Mark::Fill {
                color: color(s.color_index),
                alpha: LAYER_ALPHA,
            },
        })
        .collect()
}

/// Draws the layers between consecutive tops, each with a thin darker edge
/// and a tooltip with the layer's own values (in `unit`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn draw_layers<DB: DrawingBackend>(
    plot: &mut Plot<'_, DB>,
    xs: &[f64],
    series: &[Series],
    tops: &[Vec<f64>],
    x: &Axis,
    y: &Axis,
    unit: &str,
    tips: &Tips,
) -> Result<(), ChartError> {
    let zeros = vec![0.0; xs.len()];
    let mut below: &[f64] = &zeros;
    let at = (x.lo(), y.lo());
    for (s, top) in series.iter().zip(tops) {
        let c = color(s.color_index);
        tips.begin(plot.plotting_area(), at, &line_tip(s, xs, &s.y, unit))?;
        draw_band(plot, xs, below, top, x, y, c, LAYER_ALPHA)?;
        for run in super::frame::segments(xs, top, x, y) {
            if run.len() >= 2 {
                plot.draw_series(LineSeries::new(run, c.stroke_width(1)))
                    .map_err(draw_err)?;
            }
        }
        tips.end(plot.plotting_area(), at)?;
        below = top;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tops_accumulate_and_ignore_bad_values() {
        let a = Series {
            y: vec![1.0, f64::NAN, 2.0],
            ..Default::default()
        };
        let b = Series {
            y: vec![1.0, 3.0, -5.0],
            ..Default::default()
        };
        let tops = stack_tops(&[a, b], 3);
        assert_eq!(tops[0], vec![1.0, 0.0, 2.0]);
        assert_eq!(tops[1], vec![2.0, 3.0, 2.0]);
    }
}
