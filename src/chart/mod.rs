//! Paper-ready PNG and SVG charts drawn with plotters.
//!
//! The chart layer knows nothing about the simulation: callers describe a
//! chart with plain specs ([`TimeChart`], [`HistogramChart`], [`XyChart`],
//! [`BarChart`]) and either write it to a file ([`draw_time_chart`],
//! [`draw_histogram`], [`draw_xy_chart`], [`draw_bar_chart`]) or get the SVG
//! text for embedding in an HTML report ([`time_chart_svg_string`],
//! [`histogram_svg_string`], [`xy_chart_svg_string`],
//! [`bar_chart_svg_string`]).
//!
//! Conventions shared by every chart:
//! - Default canvas 1280×800 px ([`ChartSize`]); titles 28 px, axis labels
//!   21 px, ticks and legends 18 px, all in the bundled DejaVu Sans font
//!   (see [`font`]), so text renders without system fonts.
//! - Legends sit in a box above the plot area, never over the data.
//! - Tick labels carry SI prefixes from kilo to exa (`40 M`, `150 T`) for
//!   magnitudes from 10,000 up ([`format_si`]); the axis label names the
//!   unit (`USD/day`), so a reader sees "40 M" on an axis of "USD/day".
//!   Tiny magnitudes and those beyond exa use scientific notation.
//! - Every labelled line, band and marker has a legend entry; bands of the
//!   same name on several series share one entry with a grey swatch.
//! - A linear time panel whose largest values are outliers (see
//!   [`robust_top`]) is cut above them, and its legend says where and how
//!   many values lie above.
//! - SVGs carry `<title>` tooltips on lines, points, bars and markers.
//! - Non-finite values, and non-positive values on log axes, are skipped
//!   (lines break there). A chart without any drawable value still produces
//!   a file that says "no data".
//! - Files are written atomically: drawn to a temporary file next to the
//!   target, then renamed over it.
//! - Nothing panics on bad data: errors come back as [`ChartError`].

pub mod font;

mod axis;
mod bars;
mod frame;
mod histogram;
mod stacked;
mod timeseries;
mod tips;
mod xy;

use std::fs;
use std::io;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use crate::atomic::write_atomic_path;

use plotters::backend::{BitMapBackend, SVGBackend};
use plotters::coord::Shift;
use plotters::drawing::{DrawingArea, IntoDrawingArea};
use plotters::prelude::DrawingBackend;
use plotters::style::WHITE;

pub use axis::format_si;
pub use axis::format_significant as format_value;
pub use timeseries::{legend_labels, robust_top};

/// The tick labels of a numeric axis over `lo..hi` (linear, or log10 with
/// `log`) aiming at about `target` ticks, as a chart writes them (for
/// tests and for checking a range by hand).
pub fn axis_tick_labels(lo: f64, hi: f64, log: bool, target: usize) -> Vec<String> {
    axis::Axis::new(axis::Scale::from_log(log), lo, hi, target).tick_labels()
}
pub use frame::PALETTE;

/// Anything that can go wrong while drawing a chart.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    /// Reading or writing a chart file failed.
    #[error("chart file {path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: io::Error,
    },
    /// plotters reported an error while drawing.
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    /// The chart spec is inconsistent (e.g. a series longer than its x axis).
    #[error("invalid chart spec: {0}")]
    InvalidSpec(String),
    /// The bundled font could not be loaded.
    #[error("chart font: {0}")]
    Font(String),
}

/// Output file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Raster image (RGB PNG).
    Png,
    /// Scalable vector graphics; text stays selectable.
    Svg,
}

impl Format {
    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Svg => "svg",
        }
    }
}

/// Canvas size in pixels (SVG user units for [`Format::Svg`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChartSize {
    /// Width in pixels; default 1280, allowed 320..=10000.
    pub width: u32,
    /// Height in pixels; default 800, allowed 240..=10000.
    pub height: u32,
}

impl Default for ChartSize {
    fn default() -> Self {
        ChartSize {
            width: 1280,
            height: 800,
        }
    }
}

impl ChartSize {
    /// Checks the size is within the supported bounds.
    fn checked(self) -> Result<(u32, u32), ChartError> {
        if (320..=10_000).contains(&self.width) && (240..=10_000).contains(&self.height) {
            Ok((self.width, self.height))
        } else {
            Err(ChartError::InvalidSpec(format!(
                "chart size {}x{} px is outside 320..=10000 x 240..=10000",
                self.width, self.height
            )))
        }
    }
}

/// A shaded band around a series, e.g. the 5–95 % or 25–75 % range over
/// Monte Carlo runs. Drawn translucent in the series colour; several bands
/// overlap so inner bands look darker.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Band {
    /// Lower edge, one value per x (same length as [`TimeChart::x`]).
    pub lower: Vec<f64>,
    /// Upper edge, one value per x.
    pub upper: Vec<f64>,
    /// Legend text, e.g. "5–95 %"; empty for no legend entry.
    pub label: String,
}

/// One line on a time panel, optionally with shaded bands.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Series {
    /// Legend text; empty for no legend entry.
    pub label: String,
    /// One value per x; non-finite values break the line.
    pub y: Vec<f64>,
    /// Shaded ranges drawn under the line, outermost first.
    pub bands: Vec<Band>,
    /// Index into [`PALETTE`] (wraps around).
    pub color_index: usize,
    /// Draw the line dashed (e.g. for a baseline or scenario variant).
    pub dashed: bool,
}

/// A horizontal labelled reference line, e.g. "seed claim 0.8".
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RefLine {
    /// Text written just above the right end of the line.
    pub label: String,
    /// Height of the line in y units (skipped when not drawable).
    pub y: f64,
}

/// A thin vertical marker on every panel of a [`TimeChart`] (e.g. a
/// halving), with its label written beside it at the top of the first
/// panel; also a vertical reference line of a [`BarChart`] (label above
/// the plot).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct VLine {
    /// x position (skipped when not drawable).
    pub x: f64,
    /// Text beside the line, e.g. "halving 2028"; empty for none.
    pub label: String,
}

/// One plot area of a [`TimeChart`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Panel {
    /// y axis description including the unit, e.g. "Hashrate (H/s)".
    pub y_label: String,
    /// Logarithmic y axis (zeros and negatives are skipped).
    pub log_y: bool,
    /// The lines (or stacked areas) of this panel.
    pub series: Vec<Series>,
    /// Horizontal reference lines.
    pub ref_lines: Vec<RefLine>,
    /// Draw the series as stacked areas (first series at the bottom).
    /// Values are expected to be ≥ 0; negative or non-finite values count as
    /// 0. Bands and `dashed` are ignored for stacked panels.
    pub stacked: bool,
    /// Unit of the y values for tooltips, e.g. "USD/day" (the axis label
    /// says it to the reader); empty for none.
    pub unit: String,
}

/// A chart over time: one or more panels stacked vertically sharing the x
/// axis (tick labels only under the bottom panel).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TimeChart {
    /// Title above the chart.
    pub title: String,
    /// x axis description, e.g. "Year".
    pub x_label: String,
    /// x positions, e.g. fractional years (2026.5); non-finite entries are
    /// skipped together with the matching y values.
    pub x: Vec<f64>,
    /// Panels from top to bottom (1 or 2 is typical).
    pub panels: Vec<Panel>,
    /// Thin vertical markers (e.g. halvings) on every panel.
    pub vlines: Vec<VLine>,
    /// Smallest step between x ticks, e.g. 1 for whole years (used when
    /// at least three such ticks fit); 0 for none.
    pub x_min_step: f64,
    /// Canvas size.
    pub size: ChartSize,
}

/// A histogram of sample values with labelled vertical markers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistogramChart {
    /// Title above the chart.
    pub title: String,
    /// x axis description including the unit.
    pub x_label: String,
    /// y axis description, e.g. "runs"; empty for "count".
    pub y_label: String,
    /// The samples; non-finite values are skipped (and counted in the
    /// legend).
    pub values: Vec<f64>,
    /// Number of equal-width bins over the sample range (clamped to
    /// 1..=1000; 0 means 30).
    pub bins: usize,
    /// Vertical markers `(label, x)`, e.g. mean, CI bounds, a reference
    /// value. The legend shows `label = value`; markers that share a label
    /// (the two ends of an interval) share a colour and one legend entry,
    /// `label = low – high`.
    pub markers: Vec<(String, f64)>,
    /// Canvas size.
    pub size: ChartSize,
}

/// One line of an [`XyChart`], with optional confidence bars.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct XyLine {
    /// Legend text; empty for no legend entry.
    pub label: String,
    /// x positions.
    pub x: Vec<f64>,
    /// y values, same length as `x`.
    pub y: Vec<f64>,
    /// Lower ends of the confidence bars as absolute y values (not offsets),
    /// same length as `x`.
    pub y_lower: Option<Vec<f64>>,
    /// Upper ends of the confidence bars as absolute y values.
    pub y_upper: Option<Vec<f64>>,
}

/// A chart of y against a numeric x (e.g. a parameter sweep), lines with
/// point markers and optional confidence bars.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct XyChart {
    /// Title above the chart.
    pub title: String,
    /// x axis description including the unit.
    pub x_label: String,
    /// y axis description including the unit.
    pub y_label: String,
    /// Logarithmic x axis.
    pub log_x: bool,
    /// Logarithmic y axis.
    pub log_y: bool,
    /// The lines; colours follow [`PALETTE`] in order.
    pub lines: Vec<XyLine>,
    /// A note at the end of the legend, e.g. what the bars are; empty for
    /// none.
    pub note: String,
    /// Horizontal reference lines.
    pub ref_lines: Vec<RefLine>,
    /// Canvas size.
    pub size: ChartSize,
}

/// One group of bars of a [`BarChart`]: a value per category, e.g. the
/// first-order Sobol' indices of every parameter, with optional interval
/// ends (whiskers).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BarSeries {
    /// Legend text, e.g. "first order"; empty for no legend entry.
    pub label: String,
    /// One value per category; `None` (or a non-finite value) draws no bar
    /// but a small "n/a", and the tooltip says undefined.
    pub values: Vec<Option<f64>>,
    /// Lower interval ends as absolute values (not offsets), one per
    /// category; `None` for no whiskers.
    pub lower: Option<Vec<Option<f64>>>,
    /// Upper interval ends as absolute values, one per category.
    pub upper: Option<Vec<Option<f64>>>,
}

/// Horizontal bars with interval whiskers, one row per category (e.g. the
/// global-sensitivity indices of each parameter), the bars of every series
/// grouped in each row.
///
/// Bars start at 0 (negative values extend to the left). Long category
/// labels are wrapped onto two lines at a `.` or space when the rows are
/// high enough, else shrunk (to 13 px), else shortened in the middle with
/// an ellipsis (the SVG tooltip keeps the full text); the label column
/// takes at most 35 % of the width. With a fixed [`BarChart::x_range`]
/// values and interval ends beyond it are cut at the edge (a bar with an
/// arrowhead, a whisker without its cap) and the legend counts them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BarChart {
    /// Title above the chart.
    pub title: String,
    /// Value axis description, e.g. "Sobol' index (share of variance)".
    pub x_label: String,
    /// One row per category, drawn top to bottom in this order.
    pub categories: Vec<String>,
    /// The grouped bars, drawn top to bottom within a row in this order;
    /// colours follow [`PALETTE`].
    pub series: Vec<BarSeries>,
    /// A note at the end of the legend, e.g. what the whiskers are; empty
    /// for none.
    pub note: String,
    /// Vertical reference lines (e.g. at 0 and 1), dashed, labelled above
    /// the plot; included in a fitted range.
    pub ref_lines: Vec<VLine>,
    /// Fixed value axis range `(lo, hi)`, e.g. `(0.0, 1.0)` for indices;
    /// `None` fits the range to the values, interval ends, reference lines
    /// and 0.
    pub x_range: Option<(f64, f64)>,
    /// Canvas size.
    pub size: ChartSize,
}

/// A chart spec that can draw itself on any plotters backend.
trait Render {
    /// Canvas size.
    fn size(&self) -> ChartSize;
    /// Checks lengths and other structural invariants before drawing.
    fn validate(&self) -> Result<(), ChartError>;
    /// Draws onto `root`, which is already filled white, with tooltips
    /// through `tips` (SVG only).
    fn render<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        tips: &tips::Tips,
    ) -> Result<(), ChartError>;
}

/// Writes a time chart to `path` in `format`.
///
/// # Errors
/// [`ChartError::InvalidSpec`] for mismatched lengths or an unsupported
/// size, [`ChartError::Io`] when the file cannot be written,
/// [`ChartError::Draw`] when plotters fails.
pub fn draw_time_chart(chart: &TimeChart, path: &Path, format: Format) -> Result<(), ChartError> {
    write_chart(chart, path, format)
}

/// Writes a histogram to `path` in `format` (errors as for
/// [`draw_time_chart`]).
pub fn draw_histogram(
    chart: &HistogramChart,
    path: &Path,
    format: Format,
) -> Result<(), ChartError> {
    write_chart(chart, path, format)
}

/// Writes an x–y chart to `path` in `format` (errors as for
/// [`draw_time_chart`]).
pub fn draw_xy_chart(chart: &XyChart, path: &Path, format: Format) -> Result<(), ChartError> {
    write_chart(chart, path, format)
}

/// Writes a bar chart to `path` in `format` (errors as for
/// [`draw_time_chart`]; a vector whose length differs from the categories'
/// or an unusable `x_range` is [`ChartError::InvalidSpec`]).
pub fn draw_bar_chart(chart: &BarChart, path: &Path, format: Format) -> Result<(), ChartError> {
    write_chart(chart, path, format)
}

/// Returns the time chart as an SVG document (for embedding in an HTML
/// report).
pub fn time_chart_svg_string(chart: &TimeChart) -> Result<String, ChartError> {
    svg_string(chart)
}

/// Returns the histogram as an SVG document.
pub fn histogram_svg_string(chart: &HistogramChart) -> Result<String, ChartError> {
    svg_string(chart)
}

/// Returns the x–y chart as an SVG document.
pub fn xy_chart_svg_string(chart: &XyChart) -> Result<String, ChartError> {
    svg_string(chart)
}

/// Returns the bar chart as an SVG document.
pub fn bar_chart_svg_string(chart: &BarChart) -> Result<String, ChartError> {
    svg_string(chart)
}

/// Runs `f`, turning a panic inside plotters into [`ChartError::Draw`] so a
/// failing chart cannot bring down a whole report run.
fn guarded<T>(f: impl FnOnce() -> Result<T, ChartError>) -> Result<T, ChartError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(ChartError::Draw(
            "plotters panicked while drawing".to_string(),
        ))
    })
}

fn svg_string<C: Render>(chart: &C) -> Result<String, ChartError> {
    font::ensure_font_registered()?;
    chart.validate()?;
    let size = chart.size().checked()?;
    guarded(|| {
        let mut buf = String::new();
        let tips = tips::Tips::svg();
        {
            let root = SVGBackend::with_string(&mut buf, size).into_drawing_area();
            root.fill(&WHITE).map_err(frame::draw_err)?;
            chart.render(&root, &tips)?;
            root.present().map_err(frame::draw_err)?;
        }
        Ok(tips.apply(&buf))
    })
}

fn write_chart<C: Render>(chart: &C, path: &Path, format: Format) -> Result<(), ChartError> {
    font::ensure_font_registered()?;
    chart.validate()?;
    let size = chart.size().checked()?;
    if path.file_name().is_none() {
        return Err(ChartError::InvalidSpec(format!(
            "chart path {} has no file name",
            path.display()
        )));
    }
    // plotters hides io errors inside image errors; report a missing
    // directory as what it is.
    if let Some(dir) = path.parent() {
        if !dir.as_os_str().is_empty() && !dir.is_dir() {
            return Err(ChartError::Io {
                path: path.to_path_buf(),
                source: io::Error::new(io::ErrorKind::NotFound, "directory does not exist"),
            });
        }
    }
    let io_err = |source| ChartError::Io {
        path: path.to_path_buf(),
        source,
    };
    write_atomic_path(
        path,
        |tmp| match format {
            Format::Png => guarded(|| {
                let root = BitMapBackend::new(tmp, size).into_drawing_area();
                root.fill(&WHITE).map_err(frame::draw_err)?;
                chart.render(&root, &tips::Tips::off())?;
                // The backend is dropped when this closure returns, so
                // nothing rewrites `tmp` after it is committed.
                root.present().map_err(frame::draw_err)
            }),
            Format::Svg => svg_string(chart).and_then(|svg| {
                fs::write(tmp, svg).map_err(|source| ChartError::Io {
                    path: tmp.to_path_buf(),
                    source,
                })
            }),
        },
        io_err,
    )
}

fn check_len(what: &str, len: usize, n: usize) -> Result<(), ChartError> {
    if len == n {
        Ok(())
    } else {
        Err(ChartError::InvalidSpec(format!(
            "{what} has {len} values but x has {n}"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_bounds() {
        assert!(ChartSize::default().checked().is_ok());
        assert!(ChartSize {
            width: 10,
            height: 800
        }
        .checked()
        .is_err());
    }

    #[test]
    fn missing_directory_is_an_error_not_a_panic() {
        let chart = HistogramChart {
            title: "x".into(),
            values: vec![1.0, 2.0],
            ..Default::default()
        };
        for format in [Format::Png, Format::Svg] {
            let err = draw_histogram(&chart, Path::new("/nonexistent-dir-minesim/h.png"), format)
                .unwrap_err();
            assert!(matches!(err, ChartError::Io { .. }), "{err}");
            assert!(err.to_string().contains("nonexistent-dir-minesim"), "{err}");
        }
    }
}
