//! The bundled font and the text sizes used by every chart.
//!
//! Charts must render on a fresh machine without system fonts, so the DejaVu
//! Sans font shipped in `assets/fonts/` is compiled into the binary and
//! registered with plotters' `ab_glyph` font table under the family name
//! [`FONT_FAMILY`] the first time a chart is drawn.

use std::sync::OnceLock;

use plotters::style::{register_font, FontStyle, IntoFont, RGBColor, TextStyle};

use super::ChartError;

/// Family name under which the bundled DejaVu Sans font is registered; all
/// chart text uses it.
pub const FONT_FAMILY: &str = "sans-serif";

// Text sizes below are font sizes in pixels (the em size, as in CSS
// `font-size`). plotters measures fonts by line height instead (em × 1.24,
// see `text_style`), so its SVG output shows exactly these numbers.

/// Chart title font size in pixels.
pub(crate) const TITLE_PX: f64 = 28.0;
/// Axis description ("Year", "Hashrate (H/s)") font size in pixels.
pub(crate) const AXIS_DESC_PX: f64 = 20.0;
/// Tick label font size in pixels.
pub(crate) const TICK_PX: f64 = 18.0;
/// Legend and annotation font size in pixels.
pub(crate) const LEGEND_PX: f64 = 18.0;

/// plotters' font size for an em size: it divides by this factor.
const PLOTTERS_LINE_FACTOR: f64 = 1.24;

/// The font file, embedded at compile time.
static DEJAVU_SANS: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Outcome of the one-time registration (true when the font parsed).
static REGISTERED: OnceLock<bool> = OnceLock::new();

/// Registers the bundled font once per process; later calls are free.
///
/// # Errors
/// [`ChartError::Font`] when the embedded font cannot be parsed (a broken
/// build, never user input).
pub fn ensure_font_registered() -> Result<(), ChartError> {
    let ok = *REGISTERED
        .get_or_init(|| register_font(FONT_FAMILY, FontStyle::Normal, DEJAVU_SANS).is_ok());
    if ok {
        Ok(())
    } else {
        Err(ChartError::Font(
            "the bundled assets/fonts/DejaVuSans.ttf could not be parsed".to_string(),
        ))
    }
}

/// A text style in the bundled family with font size `px` (em, in pixels)
/// and the given colour.
pub(crate) fn text_style(px: f64, color: RGBColor) -> TextStyle<'static> {
    (FONT_FAMILY, px * PLOTTERS_LINE_FACTOR)
        .into_font()
        .color(&color)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registration_is_idempotent() {
        ensure_font_registered().unwrap();
        ensure_font_registered().unwrap();
    }

    #[test]
    fn embedded_font_is_not_empty() {
        assert!(DEJAVU_SANS.len() > 100_000);
    }
}
