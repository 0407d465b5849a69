//! SVG tooltips: `<title>` elements around the marks of a chart, so a
//! browser shows a series' name and value on hovering, without scripts or
//! network.
//!
//! plotters' SVG backend cannot group elements or write a `<title>`, so
//! while drawing an SVG the chart layer draws two marker texts around each
//! mark (`@@tip:N@@` before it, `@@/tip@@` after it) and [`Tips::apply`]
//! then replaces each marker's whole `<text>` element with `<g><title>…`
//! and `</g>`. Drawing a PNG, [`Tips::off`] draws nothing. The markers
//! are drawn in drawing order, so the output is as deterministic as the
//! rest of the SVG.

use std::cell::RefCell;

use plotters::coord::CoordTranslate;
use plotters::drawing::DrawingArea;
use plotters::element::Text;
use plotters::prelude::DrawingBackend;

use super::font::text_style;
use super::frame::{draw_err, INK};
use super::ChartError;

const BEGIN: &str = "@@tip:";
const END: &str = "@@/tip@@";

/// The tooltips of one chart being drawn.
#[derive(Debug, Default)]
pub(crate) struct Tips {
    on: bool,
    titles: RefCell<Vec<String>>,
}

impl Tips {
    /// Tooltips for an SVG.
    pub(crate) fn svg() -> Tips {
        Tips {
            on: true,
            titles: RefCell::new(Vec::new()),
        }
    }

    /// Whether tooltips are drawn (an SVG).
    pub(crate) fn enabled(&self) -> bool {
        self.on
    }

    /// No tooltips (PNG).
    pub(crate) fn off() -> Tips {
        Tips::default()
    }

    fn marker<DB: DrawingBackend, CT: CoordTranslate>(
        &self,
        area: &DrawingArea<DB, CT>,
        at: CT::From,
        text: String,
    ) -> Result<(), ChartError> {
        area.draw(&Text::new(text, at, text_style(10.0, INK)))
            .map_err(draw_err)
    }

    /// Opens a group titled `title`; the marks drawn until [`Tips::end`]
    /// show it on hovering. `at` is any point of `area`.
    pub(crate) fn begin<DB: DrawingBackend, CT: CoordTranslate>(
        &self,
        area: &DrawingArea<DB, CT>,
        at: CT::From,
        title: &str,
    ) -> Result<(), ChartError> {
        if !self.on {
            return Ok(());
        }
        let n = {
            let mut t = self.titles.borrow_mut();
            t.push(title.to_string());
            t.len() - 1
        };
        self.marker(area, at, format!("{BEGIN}{n}@@"))
    }

    /// Closes the group opened by the last [`Tips::begin`].
    pub(crate) fn end<DB: DrawingBackend, CT: CoordTranslate>(
        &self,
        area: &DrawingArea<DB, CT>,
        at: CT::From,
    ) -> Result<(), ChartError> {
        if !self.on {
            return Ok(());
        }
        self.marker(area, at, END.to_string())
    }

    /// Replaces the marker texts in `svg` by groups with titles.
    pub(crate) fn apply(&self, svg: &str) -> String {
        if !self.on {
            return svg.to_string();
        }
        let titles = self.titles.borrow();
        let mut out =
            String::with_capacity(svg.len() + titles.iter().map(|t| t.len() + 20).sum::<usize>());
        let mut rest = svg;
        loop {
            let b = rest.find(BEGIN);
            let e = rest.find(END);
            let (at, is_begin) = match (b, e) {
                (Some(b), Some(e)) if b < e => (b, true),
                (Some(b), None) => (b, true),
                (_, Some(e)) => (e, false),
                (None, None) => break,
            };
            // The marker's whole <text …>marker\n</text> element.
            let start = rest[..at].rfind("<text").unwrap_or(at);
            let close = rest[at..]
                .find("</text>")
                .map_or(at, |c| at + c + "</text>".len());
            let close = if rest[close..].starts_with('\n') {
                close + 1
            } else {
                close
            };
            out.push_str(&rest[..start]);
            if is_begin {
                let digits: String = rest[at + BEGIN.len()..]
                    .chars()
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                let title = digits
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| titles.get(i))
                    .map(String::as_str)
                    .unwrap_or("");
                out.push_str("<g><title>");
                out.push_str(&escape(title));
                out.push_str("</title>\n");
            } else {
                out.push_str("</g>\n");
            }
            rest = &rest[close..];
        }
        out.push_str(rest);
        out
    }
}

/// XML text escaping for a title.
fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}
