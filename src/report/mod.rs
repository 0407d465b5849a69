//! Charts and the HTML report of an output folder, built from its files
//! (`bands.csv`, `steps.csv`, `runs.csv`, `fleet.csv`, `summary.json`), so
//! `minesim report DIR` can rebuild them without running anything.

pub mod params;
pub mod tables;

use crate::calendar::Date;
use crate::chart::{
    self, Band, BarChart, BarSeries, ChartError, Format, HistogramChart, Panel, RefLine, Series,
    TimeChart, VLine, XyChart, XyLine,
};
use crate::scenario::sweep::path_column;
use serde_json::Value;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use tables::{BandTable, MetricBands, Table, TableError};

/// The claim, from the forum discussion the project grew from, that
/// miners' total spend converges to about 0.8 × the block reward (drawn as
/// the reference line of the spend / reward charts).
pub const CLAIMED_SPEND_RATIO: f64 = 0.8;
/// The annual electricity use of banking (650 TWh) and of gold mining
/// (132 TWh), TWh per year, as quoted in the forum discussion the project
/// grew from to compare Bitcoin's use with (reference lines of the energy
/// chart).
pub const REFERENCE_TWH: [(&str, f64); 2] =
    [("banking 650 TWh", 650.0), ("gold mining 132 TWh", 132.0)];
/// The claim, from the forum discussion the project grew from, that Bitcoin
/// uses about 0.7 % of world electricity (2021), as a fraction.
pub const CLAIMED_WORLD_ELECTRICITY_SHARE: f64 = 0.007;

/// Why a report could not be built.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error(transparent)]
    Table(#[from] TableError),
    #[error(transparent)]
    Chart(#[from] ChartError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {source}")]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
}

/// A chart ready to draw: its file stem, a caption and the spec.
pub enum ChartSpec {
    Time(TimeChart),
    Histogram(HistogramChart),
    Xy(XyChart),
    Bars(BarChart),
}

/// One chart of the report.
pub struct ReportChart {
    pub stem: &'static str,
    pub caption: String,
    pub spec: ChartSpec,
}

impl ReportChart {
    fn draw(&self, dir: &Path) -> Result<(), ChartError> {
        for format in [Format::Png, Format::Svg] {
            let path = dir.join(format!("{}.{}", self.stem, format.extension()));
            match &self.spec {
                ChartSpec::Time(c) => chart::draw_time_chart(c, &path, format)?,
                ChartSpec::Histogram(c) => chart::draw_histogram(c, &path, format)?,
                ChartSpec::Xy(c) => chart::draw_xy_chart(c, &path, format)?,
                ChartSpec::Bars(c) => chart::draw_bar_chart(c, &path, format)?,
            }
        }
        Ok(())
    }

    fn svg(&self) -> Result<String, ChartError> {
        match &self.spec {
            ChartSpec::Time(c) => chart::time_chart_svg_string(c),
            ChartSpec::Histogram(c) => chart::histogram_svg_string(c),
            ChartSpec::Xy(c) => chart::xy_chart_svg_string(c),
            ChartSpec::Bars(c) => chart::bar_chart_svg_string(c),
        }
    }
}

/// What the report is built from.
pub struct ReportInputs {
    pub summary: Value,
    pub bands: BandTable,
    pub steps: Option<Table>,
    pub runs: Option<Table>,
    pub fleet: Option<Table>,
    /// A sweep's `points.csv` (none for a plain batch).
    pub points: Option<Table>,
    /// Calendar years of the steps (x axis).
    pub years: Vec<f64>,
    pub step_days: f64,
}

/// Reads an output folder's `summary.json`.
fn read_summary(dir: &Path) -> Result<Value, ReportError> {
    let path = dir.join("summary.json");
    let text = std::fs::read_to_string(&path).map_err(|source| ReportError::Io {
        path: path.clone(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| ReportError::Json { path, source })
}

/// Draws every chart into `dir`, then writes `report.html`; returns the
/// file names written.
fn write_charts_and_html(
    dir: &Path,
    inputs: &ReportInputs,
    charts: &[ReportChart],
) -> Result<Vec<String>, ReportError> {
    let mut files = Vec::new();
    for c in charts {
        c.draw(dir)?;
        files.push(format!("{}.png", c.stem));
        files.push(format!("{}.svg", c.stem));
    }
    let html = report_html(inputs, charts, dir)?;
    let path = dir.join("report.html");
    crate::atomic::write_bytes_atomic(&path, html.as_bytes())
        .map_err(|source| ReportError::Io { path, source })?;
    files.push("report.html".into());
    Ok(files)
}

impl ReportInputs {
    /// Reads an output folder.
    pub fn read(dir: &Path) -> Result<ReportInputs, ReportError> {
        Self::read_with(dir, None)
    }

    /// [`ReportInputs::read`], with `bands.csv`'s contents given (a caller
    /// that has just written the file from memory) instead of parsed.
    pub fn read_with(dir: &Path, bands: Option<BandTable>) -> Result<ReportInputs, ReportError> {
        let summary = read_summary(dir)?;
        let bands = match bands {
            Some(b) => b,
            None => BandTable::read(&dir.join("bands.csv"))?,
        };
        let optional = |name: &str| -> Result<Option<Table>, ReportError> {
            let p = dir.join(name);
            if p.exists() {
                Ok(Some(Table::read(&p)?))
            } else {
                Ok(None)
            }
        };
        let years = bands
            .dates
            .iter()
            .map(|d| {
                d.parse::<Date>()
                    .map(|d| d.year_fraction())
                    .unwrap_or(f64::NAN)
            })
            .collect();
        let step_days = summary["step_days"].as_f64().unwrap_or(1.0);
        Ok(ReportInputs {
            bands,
            // Run 0's rows of the kept runs' tables.
            steps: optional("steps.csv")?.map(|t| t.run(0)),
            runs: optional("runs.csv")?,
            fleet: optional("fleet.csv")?.map(|t| t.run(0)),
            points: None,
            summary,
            years,
            step_days,
        })
    }

    fn runs_count(&self) -> u64 {
        self.summary["runs"].as_u64().unwrap_or(1)
    }
}

fn scaled(v: &[f64], k: f64) -> Vec<f64> {
    v.iter().map(|x| x * k).collect()
}

/// Legend text of the outer band (5 % to 95 % quantiles across runs).
pub const BAND_90_LABEL: &str = "p5–p95 across runs";
/// Legend text of the inner band (25 % to 75 % quantiles across runs).
pub const BAND_50_LABEL: &str = "p25–p75 across runs";

/// A median line with 50 % and 90 % bands (bands only with several runs).
fn banded(label: &str, m: &MetricBands, k: f64, color: usize, runs: u64) -> Series {
    let bands = if runs > 1 {
        vec![
            Band {
                lower: scaled(&m.p5, k),
                upper: scaled(&m.p95, k),
                label: BAND_90_LABEL.into(),
            },
            Band {
                lower: scaled(&m.p25, k),
                upper: scaled(&m.p75, k),
                label: BAND_50_LABEL.into(),
            },
        ]
    } else {
        Vec::new()
    };
    Series {
        label: if runs > 1 {
            format!("{label} (median)")
        } else {
            label.to_string()
        },
        // One run: its exact value (the mean of one), not the sketch's
        // median, which is within 0.5 % of it.
        y: scaled(if runs > 1 { &m.p50 } else { &m.mean }, k),
        bands,
        color_index: color,
        dashed: false,
    }
}

fn line(label: &str, y: Vec<f64>, color: usize) -> Series {
    Series {
        label: label.into(),
        y,
        bands: Vec::new(),
        color_index: color,
        dashed: false,
    }
}

/// A panel whose axis reads `quantity (unit)` (just `quantity` without a
/// unit); the chart layer gives bands of the same name on several series
/// one shared legend entry.
fn panel(
    quantity: &str,
    unit: &str,
    log_y: bool,
    series: Vec<Series>,
    ref_lines: Vec<RefLine>,
) -> Panel {
    Panel {
        y_label: axis_label(quantity, unit),
        log_y,
        series,
        ref_lines,
        stacked: false,
        unit: unit.into(),
    }
}

/// `quantity (unit)`, or `quantity` alone without a unit.
fn axis_label(quantity: &str, unit: &str) -> String {
    if unit.is_empty() {
        quantity.to_string()
    } else {
        format!("{quantity} ({unit})")
    }
}

/// Builds every chart the inputs support.
pub fn charts(inp: &ReportInputs) -> Vec<ReportChart> {
    let cx = ChartContext::new(inp);
    [
        Some(spend_vs_reward_chart(&cx)),
        ratio_histogram_chart(&cx),
        Some(hashrate_difficulty_chart(&cx)),
        Some(fleet_mix_chart(&cx)),
        Some(energy_chart(&cx)),
        Some(security_chart(&cx)),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// What the charts of one output folder share: the inputs, the number of
/// runs, the scenario's name, the caption's note on the bands and the
/// halvings.
struct ChartContext<'a> {
    inp: &'a ReportInputs,
    runs: u64,
    name: String,
    /// Converts a per-step amount to per day.
    per_day: f64,
    band_note: String,
    halvings: Vec<VLine>,
}

impl<'a> ChartContext<'a> {
    fn new(inp: &'a ReportInputs) -> ChartContext<'a> {
        let runs = inp.runs_count();
        let name = inp.summary["scenario"]
            .as_str()
            .unwrap_or("scenario")
            .to_string();
        let band_note = if inp.points.is_some() {
            format!("median of the {runs} runs of every design point (parameters and chance together), with the ranges of the middle 50 % (p25–p75) and 90 % (p5–p95) of runs at each step")
        } else if runs > 1 {
            format!("median of {runs} runs, with the ranges of the middle 50 % (p25–p75) and 90 % (p5–p95) of runs at each step")
        } else {
            "one run".to_string()
        };
        ChartContext {
            inp,
            runs,
            name,
            per_day: 1.0 / inp.step_days,
            band_note,
            halvings: halving_lines(inp),
        }
    }

    /// A metric's bands (empty when `bands.csv` lacks it).
    fn bands(&self, metric: &str) -> MetricBands {
        self.inp.bands.metric(metric).cloned().unwrap_or_default()
    }

    /// A metric's median line with its bands, scaled by `k`.
    fn banded(&self, label: &str, metric: &str, k: f64, color: usize) -> Series {
        banded(label, &self.bands(metric), k, color, self.runs)
    }

    /// A chart over the steps' calendar years, taller with more panels,
    /// with the halvings marked.
    fn time_chart(&self, title: String, panels: Vec<Panel>) -> TimeChart {
        TimeChart {
            title,
            x_label: "year".into(),
            x: self.inp.years.clone(),
            size: chart::ChartSize {
                width: 1280,
                height: 400 + 300 * panels.len() as u32,
            },
            panels,
            vlines: self.halvings.clone(),
            // Whole years as x ticks (when three fit), not 2026.5.
            x_min_step: 1.0,
        }
    }
}

/// The halvings of run 0 as labelled vertical lines ("halving 2028"; from
/// `steps.csv`; none without it).
fn halving_lines(inp: &ReportInputs) -> Vec<VLine> {
    halving_years(inp)
        .into_iter()
        .filter(|y| y.is_finite())
        .map(|x| VLine {
            x,
            label: format!("halving {}", x.floor()),
        })
        .collect()
}

/// Calendar years of the halvings in run 0 (from `steps.csv`; none without
/// it).
fn halving_years(inp: &ReportInputs) -> Vec<f64> {
    let mut halvings = Vec::new();
    if let Some(st) = &inp.steps {
        let heights = st.numbers("height");
        let interval = inp.summary["config"]["chain"]["halving_interval_blocks"]
            .as_f64()
            .unwrap_or(210_000.0);
        for w in 1..heights.len() {
            if (heights[w - 1] / interval).floor() < (heights[w] / interval).floor() {
                halvings.push(inp.years.get(w).copied().unwrap_or(f64::NAN));
            }
        }
    }
    halvings
}

/// Block reward (subsidy and fees stacked) against miners' energy spend
/// and total cost, and their ratio against the claimed 0.8.
fn spend_vs_reward_chart(cx: &ChartContext) -> ReportChart {
    let per_day = cx.per_day;
    let mut composition = panel(
        "block reward",
        "USD/day",
        false,
        vec![
            line(
                "subsidy (median)",
                scaled(&cx.bands("subsidy_usd").p50, per_day),
                0,
            ),
            line(
                "fees (median)",
                scaled(&cx.bands("fees_usd").p50, per_day),
                1,
            ),
        ],
        Vec::new(),
    );
    composition.stacked = true;
    let band_note = &cx.band_note;
    ReportChart {
        stem: "spend_vs_reward",
        caption: format!(
            "Block reward (subsidy and fees stacked, medians) against miners' energy spend and total cost, and their ratio; {band_note}. The dashed line is the seed's claim of 0.8; vertical lines mark halvings in run 0. Where a panel's y axis is cut above outliers, its legend says at what value and how many plotted values lie above."
        ),
        spec: ChartSpec::Time(cx.time_chart(
            format!("{}: miners' spend versus block reward", cx.name),
            vec![
                composition,
                panel(
                    "reward and spend",
                    "USD/day",
                    false,
                    vec![
                        cx.banded("reward", "reward_usd", per_day, 0),
                        cx.banded("energy spend", "energy_cost_usd", per_day, 3),
                        cx.banded("total cost", "total_cost_usd", per_day, 2),
                    ],
                    Vec::new(),
                ),
                panel(
                    "spend / reward (ratio)",
                    "",
                    false,
                    vec![
                        cx.banded("energy / reward", "ratio_energy", 1.0, 3),
                        cx.banded("total cost / reward", "ratio_total", 1.0, 2),
                    ],
                    vec![RefLine {
                        label: "seed claim 0.8".into(),
                        y: CLAIMED_SPEND_RATIO,
                    }],
                ),
            ],
        )),
    }
}

/// A 95 % confidence interval of the mean of a quantity that is positive
/// by nature, for drawing: the Student t interval `[lo, hi]` as given when
/// its lower end is not below zero; otherwise the interval on the log
/// scale with the same half-width relative to the mean (delta method:
/// `mean × exp(∓ (hi − mean) / mean)`), which stays above zero. Returns
/// the ends and whether the log-scale interval was used; `None` when the
/// mean is not positive or the ends are not finite.
pub fn positive_ci(mean: f64, lo: f64, hi: f64) -> Option<(f64, f64, bool)> {
    if !(mean.is_finite() && lo.is_finite() && hi.is_finite()) || mean <= 0.0 {
        return None;
    }
    if lo >= 0.0 {
        return Some((lo, hi, false));
    }
    let rel = ((hi - mean).max(mean - lo).max(0.0)) / mean;
    Some((mean * (-rel).exp(), mean * rel.exp(), true))
}

/// The legend name of a 95 % interval drawn through [`positive_ci`].
fn ci_label(log_scale: bool) -> &'static str {
    if log_scale {
        "95 % CI of mean (log scale: the Student t interval crosses 0)"
    } else {
        "95 % CI of mean (Student t)"
    }
}

/// Histogram of the equilibrium total cost / reward across runs, with the
/// mean, its 95 % confidence interval and the claim (needs `runs.csv`).
fn ratio_histogram_chart(cx: &ChartContext) -> Option<ReportChart> {
    let inp = cx.inp;
    let rt = inp.runs.as_ref()?;
    let values = rt.numbers("equilibrium_ratio_total");
    let m = &inp.summary["metrics"]["equilibrium_ratio_total"];
    let mut markers = Vec::new();
    if let Some(mean) = m["mean"].as_f64() {
        markers.push(("mean".to_string(), mean));
        if let (Some(lo), Some(hi)) = (m["mean_ci95_low"].as_f64(), m["mean_ci95_high"].as_f64()) {
            if let Some((lo, hi, log)) = positive_ci(mean, lo, hi) {
                markers.push((ci_label(log).to_string(), lo));
                markers.push((ci_label(log).to_string(), hi));
            }
        }
    }
    markers.push(("seed claim".to_string(), CLAIMED_SPEND_RATIO));
    let runs = cx.runs;
    Some(ReportChart {
        stem: "ratio_histogram",
        caption: format!(
            "Equilibrium total cost / reward of each of {runs} run(s), over the last {} years, with the mean and its 95 % confidence interval (Student t; on the log scale when the t interval would cross zero, as a ratio of costs cannot).",
            inp.summary["equilibrium_window_years"].as_f64().unwrap_or(0.0)
        ),
        spec: ChartSpec::Histogram(HistogramChart {
            title: format!("{}: equilibrium total cost / reward across runs", cx.name),
            x_label: "equilibrium total cost / reward (ratio)".into(),
            y_label: "runs".into(),
            bins: ((values.len() as f64).sqrt().ceil() as usize).clamp(5, 60),
            values,
            markers,
            ..Default::default()
        }),
    })
}

/// Network hashrate and (with `steps.csv`) run 0's difficulty, with the
/// halvings marked.
fn hashrate_difficulty_chart(cx: &ChartContext) -> ReportChart {
    let mut panels = vec![panel(
        "hashrate, log scale",
        "EH/s",
        true,
        vec![cx.banded("hashrate", "hashrate_eh_s", 1.0, 0)],
        Vec::new(),
    )];
    if let Some(st) = &cx.inp.steps {
        panels.push(panel(
            "difficulty, log scale",
            "",
            true,
            vec![line("difficulty (run 0)", st.numbers("difficulty"), 4)],
            Vec::new(),
        ));
    }
    let band_note = &cx.band_note;
    ReportChart {
        stem: "hashrate_difficulty",
        caption: format!(
            "Network hashrate ({band_note}) and run 0's difficulty, which steps at each retarget; vertical lines mark halvings in run 0."
        ),
        spec: ChartSpec::Time(
            cx.time_chart(format!("{}: hashrate and difficulty", cx.name), panels),
        ),
    }
}

/// Run 0's operating hashrate by ASIC generation (stacked, with
/// `fleet.csv`) and the share of installed hashrate switched off.
fn fleet_mix_chart(cx: &ChartContext) -> ReportChart {
    let mut fleet_panels = Vec::new();
    if let Some(ft) = &cx.inp.fleet {
        fleet_panels.push(generation_panel(ft));
    }
    fleet_panels.push(panel(
        "installed hashrate off",
        "%",
        false,
        vec![cx.banded("share switched off", "switched_off_share", 100.0, 3)],
        Vec::new(),
    ));
    let band_note = &cx.band_note;
    ReportChart {
        stem: "fleet_mix",
        caption: format!("Operating hashrate by ASIC generation (run 0, stacked) and the share of installed hashrate switched off ({band_note}); vertical lines mark halvings in run 0."),
        spec: ChartSpec::Time(cx.time_chart(format!("{}: fleet mix", cx.name), fleet_panels)),
    }
}

/// The stacked panel of the generations that ever run in run 0's rows of
/// `fleet.csv` (long: one row per step and generation; the ten largest by
/// peak when there are more).
fn generation_panel(ft: &Table) -> Panel {
    let steps = ft.numbers("step");
    let names = ft.text("generation");
    let operating = ft.numbers("operating_eh_s");
    let n_steps = steps
        .iter()
        .filter(|s| s.is_finite())
        .fold(0.0, |m: f64, &s| m.max(s + 1.0)) as usize;
    let mut order: Vec<&str> = Vec::new();
    let mut ys: Vec<Vec<f64>> = Vec::new();
    for ((s, name), h) in steps.iter().zip(&names).zip(&operating) {
        let k = match order.iter().position(|n| n == name) {
            Some(k) => k,
            None => {
                order.push(name);
                ys.push(vec![0.0; n_steps]);
                order.len() - 1
            }
        };
        if s.is_finite() && *s >= 0.0 && (*s as usize) < n_steps {
            ys[k][*s as usize] = *h;
        }
    }
    let mut series: Vec<Series> = order
        .iter()
        .zip(ys)
        .enumerate()
        .map(|(i, (g, y))| line(g, y, i))
        .filter(|s| s.y.iter().any(|v| *v > 0.0))
        .collect();
    if series.len() > 10 {
        // Keep the legend readable: the ten largest generations.
        series.sort_by(|a, b| {
            let peak = |s: &Series| s.y.iter().cloned().fold(0.0, f64::max);
            peak(b).total_cmp(&peak(a))
        });
        series.truncate(10);
    }
    let mut p = panel("hashrate, run 0", "EH/s", false, series, Vec::new());
    p.stacked = true;
    p
}

/// Annualised electricity use next to the CBECI view of the same chain and
/// the reference figures, and as a share of world electricity.
fn energy_chart(cx: &ChartContext) -> ReportChart {
    let world = cx.inp.summary["world_electricity_twh_per_year"].as_f64();
    let band_note = &cx.band_note;
    ReportChart {
        stem: "energy",
        caption: format!(
            "Electricity use annualised ({band_note}), next to the CBECI accounting method applied to the same simulated hashrate and revenue, against the seed's reference figures; and as a share of world generation."
        ),
        spec: ChartSpec::Time(cx.time_chart(
            format!("{}: energy use", cx.name),
            vec![
                panel(
                    "electricity use",
                    "TWh/yr",
                    false,
                    vec![
                        cx.banded("agent-based energy", "energy_twh_per_year", 1.0, 0),
                        Series {
                            label: "CBECI view of the same chain (median best guess)".into(),
                            y: cx.bands("cbeci_best_twh_per_year").p50,
                            bands: vec![Band {
                                lower: cx.bands("cbeci_lower_twh_per_year").p50,
                                upper: cx.bands("cbeci_upper_twh_per_year").p50,
                                label: "CBECI lower to upper bound (medians)".into(),
                            }],
                            color_index: 4,
                            dashed: true,
                        },
                    ],
                    energy_reference_lines(world),
                ),
                panel(
                    "world electricity share",
                    "%",
                    false,
                    vec![cx.banded("share", "world_electricity_share", 100.0, 1)],
                    vec![RefLine {
                        label: "seed: 0.7 %".into(),
                        y: 100.0 * CLAIMED_WORLD_ELECTRICITY_SHARE,
                    }],
                ),
            ],
        )),
    }
}

/// The TWh-per-year reference lines: [`REFERENCE_TWH`], and the claimed
/// share of world electricity when the world total is known.
fn energy_reference_lines(world_twh_per_year: Option<f64>) -> Vec<RefLine> {
    let mut refs: Vec<RefLine> = REFERENCE_TWH
        .iter()
        .map(|(l, v)| RefLine {
            label: (*l).into(),
            y: *v,
        })
        .collect();
    if let Some(w) = world_twh_per_year {
        refs.push(RefLine {
            label: "0.7 % of world electricity".into(),
            y: CLAIMED_WORLD_ELECTRICITY_SHARE * w,
        });
    }
    refs
}

/// The cost of a 51 % attack per hour (a flow, USD/h) and the market cap
/// (a stock, USD) on panels of their own, and the cost of one hour as a
/// share of the market cap, with the halvings marked.
fn security_chart(cx: &ChartContext) -> ReportChart {
    let band_note = &cx.band_note;
    ReportChart {
        stem: "security",
        caption: format!(
            "The cost per hour of running 51 % of the network's hashrate (a flow, USD/h): its energy at the marginal fleet's cost, the net energy cost per TH/s of the least efficient machines now running (the attack cost this report quotes), and, for comparison, renting the same hashrate at hashprice (crypto51's method); the market capitalisation (a stock, USD) on its own axis; and one hour of the energy attack as a share of it, in parts per million. The per-hour costs compare to the market cap only through the attack's length. {band_note}; vertical lines mark halvings in run 0."
        ),
        spec: ChartSpec::Time(cx.time_chart(
            format!(
                "{}: cost of a 51 % attack per hour, and market cap",
                cx.name
            ),
            vec![
                panel(
                    "attack cost",
                    "USD/h",
                    false,
                    vec![
                        cx.banded(
                            "energy at the marginal fleet's cost",
                            "attack_energy_usd_per_hour",
                            1.0,
                            3,
                        ),
                        Series {
                            // The comparison method, dashed.
                            dashed: true,
                            ..cx.banded(
                                "renting at hashprice",
                                "attack_rent_usd_per_hour",
                                1.0,
                                5,
                            )
                        },
                    ],
                    Vec::new(),
                ),
                panel(
                    "market cap",
                    "USD",
                    false,
                    vec![cx.banded("market cap", "market_cap_usd", 1.0, 0)],
                    Vec::new(),
                ),
                panel(
                    "1 h of attack / market cap",
                    "ppm",
                    false,
                    vec![cx.banded(
                        "one hour's energy attack / market cap",
                        "attack_hour_share_of_market_cap",
                        1e6,
                        2,
                    )],
                    Vec::new(),
                ),
            ],
        )),
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn fmt_num(v: &Value) -> String {
    match v.as_f64() {
        Some(x) => chart::format_value(x),
        None => "–".into(),
    }
}

/// The scalars a sweep chart shows against the swept parameter.
pub const SWEEP_CHART_KEYS: [(&str, &str, &str); 4] = [
    (
        "equilibrium_ratio_total",
        "total cost / reward",
        "sweep_ratio",
    ),
    (
        "equilibrium_ratio_energy",
        "energy spend / reward",
        "sweep_energy_ratio",
    ),
    (
        "equilibrium_hashrate_eh_s",
        "hashrate, EH/s",
        "sweep_hashrate",
    ),
    (
        "equilibrium_energy_twh_per_year",
        "energy, TWh per year",
        "sweep_energy",
    ),
];

/// The sensitivity charts of a design: `(key scalar, chart stem)`, one
/// per key scalar of [`SWEEP_CHART_KEYS`].
pub const SENSITIVITY_CHART_STEMS: [(&str, &str); 4] = [
    ("equilibrium_ratio_total", "sensitivity_ratio"),
    ("equilibrium_ratio_energy", "sensitivity_energy_ratio"),
    ("equilibrium_hashrate_eh_s", "sensitivity_hashrate"),
    ("equilibrium_energy_twh_per_year", "sensitivity_energy"),
];

/// Bar charts of a design's `sensitivity` (from `summary.json`): per key
/// scalar, the first- and total-order Sobol' indices of each parameter
/// with their bootstrap intervals, or Morris's mu* and sigma. None for a
/// sweep or a Latin hypercube.
pub fn sensitivity_charts(summary: &Value) -> Vec<ReportChart> {
    let Some(sens) = summary["sensitivity"].as_object() else {
        return Vec::new();
    };
    let name = summary["scenario"].as_str().unwrap_or("design");
    let sobol = summary["uncertainty"]["design"].as_str() == Some("saltelli");
    let statistic = summary["uncertainty"]["point_statistic"]
        .as_str()
        .unwrap_or("mean");
    let mut out = Vec::new();
    for (key, stem) in SENSITIVITY_CHART_STEMS {
        let Some(rows) = sens.get(key).and_then(Value::as_array) else {
            continue;
        };
        let label = SWEEP_CHART_KEYS
            .iter()
            .find(|k| k.0 == key)
            .map_or(key, |k| k.1);
        let categories: Vec<String> = rows
            .iter()
            .map(|r| r["parameter"].as_str().unwrap_or("").to_string())
            .collect();
        let num = |r: &Value, k: &str| r[k].as_f64().filter(|x| x.is_finite());
        let end = |r: &Value, k: &str, i: usize| r[k][i].as_f64().filter(|x| x.is_finite());
        let (series, x_label, x_range, note, ref_lines) = if sobol {
            let s = |k: &str, ci: &str, label: &str| BarSeries {
                label: label.into(),
                values: rows.iter().map(|r| num(r, k)).collect(),
                lower: Some(rows.iter().map(|r| end(r, ci, 0)).collect()),
                upper: Some(rows.iter().map(|r| end(r, ci, 1)).collect()),
            };
            (
                vec![
                    s("first_order", "first_order_ci95", "first order"),
                    s("total_order", "total_order_ci95", "total order"),
                ],
                "Sobol' index (share of the variance)".to_string(),
                Some((-0.2, 1.2)),
                "whiskers: 95 % bootstrap interval".to_string(),
                vec![
                    VLine {
                        x: 0.0,
                        label: String::new(),
                    },
                    VLine {
                        x: 1.0,
                        label: "all of the variance".into(),
                    },
                ],
            )
        } else {
            let s = |k: &str, label: &str| BarSeries {
                label: label.into(),
                values: rows.iter().map(|r| num(r, k)).collect(),
                lower: None,
                upper: None,
            };
            let (quantity, unit) = sweep_quantity(key, label);
            (
                vec![s("mu_star", "mu*"), s("sigma", "sigma")],
                axis_label(&format!("elementary effect on {quantity}"), unit),
                None,
                "per move over the whole quantile range".to_string(),
                Vec::new(),
            )
        };
        let caption = if sobol {
            format!("Sobol' indices of {label} (each design point's {statistic} over its runs): first order, the share of its variance a parameter explains alone; total order, the share it takes part in with interactions; whiskers are 95 % bootstrap intervals of the base samples. Estimates outside [-0.2, 1.2] are cut at the edge.")
        } else {
            format!("Morris screening of {label} (each design point's {statistic} over its runs): mu*, the mean absolute elementary effect, ranks the parameters; sigma, the spread of the effects, marks non-linearity or interactions.")
        };
        out.push(ReportChart {
            stem,
            caption,
            spec: ChartSpec::Bars(BarChart {
                title: format!("{name}: what drives {label}"),
                x_label,
                categories,
                series,
                note,
                ref_lines,
                x_range,
                ..Default::default()
            }),
        });
    }
    out
}

/// The quantity and unit of a sweep chart's y axis for a key scalar of
/// [`SWEEP_CHART_KEYS`] (`label` is its table heading).
fn sweep_quantity<'l>(key: &str, label: &'l str) -> (&'l str, &'static str) {
    match key {
        "equilibrium_hashrate_eh_s" => ("equilibrium hashrate", "EH/s"),
        "equilibrium_energy_twh_per_year" => ("equilibrium electricity use", "TWh/yr"),
        "equilibrium_ratio_total" => ("equilibrium total cost / reward", ""),
        "equilibrium_ratio_energy" => ("equilibrium energy spend / reward", ""),
        _ => (label, ""),
    }
}

/// Name-part suffixes of scenario fields that spell a unit, longest first
/// (the unit itself comes from [`params::unit_of`]).
const UNIT_NAME_SUFFIXES: &[&str] = &[
    "_usd_per_th_day",
    "_usd_per_mw_per_month",
    "_mw_per_month",
    "_th_per_month",
    "_usd_per_kwh",
    "_usd_per_watt_at_release",
    "_usd_per_day",
    "_usd_per_tx",
    "_usd_per_watt",
    "_twh_per_year",
    "_btc_per_block",
    "_usd_per_hour",
    "_per_year",
    "_per_month",
    "_eh_s",
    "_th_s",
    "_unix_s",
    "_blocks",
    "_sat",
    "_usd",
    "_btc",
    "_days",
    "_years",
    "_mw",
    "_gw",
    "_kwh",
    "_s",
];

/// A sweep parameter's path as words, without its unit:
/// `price.volatility_per_year` → `price volatility`,
/// `miners.groups[0].share` → `miners group 0 share`,
/// `hash_supply.j_per_th` → `hash supply efficiency`.
pub fn sweep_axis_label_name(path: &str) -> String {
    let mut words: Vec<String> = Vec::new();
    let parts: Vec<&str> = path.split('.').collect();
    for (i, part) in parts.iter().enumerate() {
        let (field, index) = match part.split_once('[') {
            Some((f, rest)) => (f, Some(rest.trim_end_matches(']'))),
            None => (*part, None),
        };
        let mut field = field.to_string();
        if i + 1 == parts.len() {
            if field == "j_per_th" || field.ends_with("_j_per_th") {
                field = field.trim_end_matches("j_per_th").to_string() + "efficiency";
            } else if let Some(s) = UNIT_NAME_SUFFIXES.iter().find(|s| field.ends_with(*s)) {
                field.truncate(field.len() - s.len());
            }
        }
        let mut name = field.replace('_', " ").trim().to_string();
        if let Some(k) = index {
            // `groups[0]` → `group 0`.
            if let Some(one) = name.strip_suffix('s') {
                name = one.to_string();
            }
            name = format!("{name} {k}");
        }
        if !name.is_empty() {
            words.push(name);
        }
    }
    words.join(" ")
}

/// A sweep axis label: the parameter as words with its unit,
/// `price volatility (per year)`, `hash supply hashrate (EH/s)`.
pub fn sweep_axis_label(path: &str) -> String {
    let last = path.rsplit('.').next().unwrap_or(path);
    axis_label(&sweep_axis_label_name(path), params::unit_of(last))
}

/// Charts of a sweep (from `points.csv`): each key scalar's mean with its
/// 95 % confidence interval against the first swept parameter, one line per
/// value of the second parameter when there are two or more.
pub fn sweep_charts(summary: &Value, points: &Table) -> Vec<ReportChart> {
    let name = summary["scenario"].as_str().unwrap_or("sweep").to_string();
    let params: Vec<String> = summary["sweep"]["parameters"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p["path"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    // points.csv names each path's column in snake_case.
    let in_points = |p: &&String| points.has(&path_column(p));
    let Some(x_param) = params.first().filter(in_points) else {
        return Vec::new();
    };
    let xs = points.numbers(&path_column(x_param));
    // Group the points by the second parameter's value (as written).
    let groups: Vec<(String, Vec<usize>)> = match params.get(1).filter(in_points) {
        Some(second) => {
            let labels = points.text(&path_column(second));
            let mut g: Vec<(String, Vec<usize>)> = Vec::new();
            for (i, l) in labels.iter().enumerate() {
                match g.iter_mut().find(|(k, _)| k == l) {
                    Some((_, v)) => v.push(i),
                    None => g.push((l.clone(), vec![i])),
                }
            }
            g.into_iter()
                .map(|(l, v)| {
                    // The path as in the scenario file, with its unit.
                    let unit = params::unit_of(second.rsplit('.').next().unwrap_or(second));
                    let label = if unit.is_empty() {
                        format!("{second} = {l}")
                    } else {
                        format!("{second} = {l} {unit}")
                    };
                    (label, v)
                })
                .collect()
        }
        None => vec![("mean over runs".to_string(), (0..xs.len()).collect())],
    };
    let x_label = sweep_axis_label(x_param);
    let log_x = {
        let finite: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
        let (lo, hi) = finite
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &x| {
                (a.min(x), b.max(x))
            });
        lo > 0.0 && hi / lo > 50.0
    };
    SWEEP_CHART_KEYS
        .iter()
        .map(|(key, label, stem)| {
            let mean = points.numbers(&format!("{key}_mean"));
            let t_lo = points.numbers(&format!("{key}_ci95_low"));
            let t_hi = points.numbers(&format!("{key}_ci95_high"));
            // Every key scalar is positive by nature: its interval must not
            // cross zero (see `positive_ci`).
            let mut any_log = false;
            let (mut lo, mut hi) = (Vec::new(), Vec::new());
            for (i, &m) in mean.iter().enumerate() {
                let get = |v: &[f64]| v.get(i).copied().unwrap_or(f64::NAN);
                match positive_ci(m, get(&t_lo), get(&t_hi)) {
                    Some((l, h, log)) => {
                        any_log |= log;
                        lo.push(l);
                        hi.push(h);
                    }
                    None => {
                        lo.push(f64::NAN);
                        hi.push(f64::NAN);
                    }
                }
            }
            let pick = |v: &[f64], idx: &[usize]| idx.iter().map(|&i| v.get(i).copied().unwrap_or(f64::NAN)).collect::<Vec<f64>>();
            let ci = if any_log {
                "bars: 95 % CI of mean (Student t; log scale where t crosses 0)"
            } else {
                "bars: 95 % CI of mean (Student t)"
            };
            let lines = groups
                .iter()
                .map(|(l, idx)| XyLine {
                    label: l.clone(),
                    x: pick(&xs, idx),
                    y: pick(&mean, idx),
                    y_lower: Some(pick(&lo, idx)),
                    y_upper: Some(pick(&hi, idx)),
                })
                .collect();
            let (quantity, unit) = sweep_quantity(key, label);
            let ref_lines = if key.starts_with("equilibrium_ratio") {
                vec![RefLine {
                    label: "seed claim 0.8".into(),
                    y: CLAIMED_SPEND_RATIO,
                }]
            } else {
                Vec::new()
            };
            ReportChart {
                stem,
                caption: format!(
                    "{label} (mean over each point's runs, with the 95 % confidence interval of the mean: Student t, or on the log scale where the t interval would cross zero) against {x_label} (`{x_param}` in the scenario)."
                ),
                spec: ChartSpec::Xy(XyChart {
                    title: format!("{name}: {quantity} versus {}", sweep_axis_label_name(x_param)),
                    x_label: x_label.clone(),
                    y_label: axis_label(quantity, unit),
                    log_x,
                    log_y: false,
                    lines,
                    ref_lines,
                    note: ci.to_string(),
                    ..Default::default()
                }),
            }
        })
        .collect()
}

/// Writes a sweep's charts and `report.html` into `dir` (which holds
/// `points.csv` and `summary.json`); returns the file names written. A
/// design with bands (every point's runs folded together: `bands` as the
/// caller has just written them, or `None` to read `bands.csv` if there
/// is one) also gets the batch's time charts of those bands, over
/// parameters and chance. Same bytes either way.
pub fn build_sweep_report(
    dir: &Path,
    bands: Option<BandTable>,
) -> Result<Vec<String>, ReportError> {
    let points = Table::read(&dir.join("points.csv"))?;
    let combined = bands.is_some() || dir.join("bands.csv").exists();
    let mut inputs = if combined {
        ReportInputs::read_with(dir, bands)?
    } else {
        ReportInputs {
            summary: read_summary(dir)?,
            bands: BandTable::default(),
            steps: None,
            runs: None,
            fleet: None,
            points: None,
            years: Vec::new(),
            step_days: 1.0,
        }
    };
    let mut charts = sweep_charts(&inputs.summary, &points);
    charts.extend(sensitivity_charts(&inputs.summary));
    inputs.points = Some(points);
    if combined {
        charts.extend(
            self::charts(&inputs)
                .into_iter()
                .filter(|c| COMBINED_BAND_CHART_STEMS.contains(&c.stem)),
        );
    }
    write_charts_and_html(dir, &inputs, &charts)
}

/// The batch charts a design with combined bands gets (the others need a
/// kept run's fleet).
pub const COMBINED_BAND_CHART_STEMS: [&str; 5] = [
    "spend_vs_reward",
    "ratio_histogram",
    "hashrate_difficulty",
    "energy",
    "security",
];

/// Writes every chart (PNG and SVG) and `report.html` into `dir`; returns
/// the file names written. A sweep's folder (with `points.csv`) gets the
/// sweep charts.
pub fn build_report(dir: &Path) -> Result<Vec<String>, ReportError> {
    if dir.join("points.csv").exists() {
        return build_sweep_report(dir, None);
    }
    build_batch_report(dir, None)
}

/// [`build_report`] for a plain batch whose `bands.csv` the caller has
/// just written and gives as `bands` (the same numbers as the file, which
/// is then not parsed again; `None`: read it). The other tables are read
/// from `dir`. Same bytes either way.
pub fn build_batch_report(
    dir: &Path,
    bands: Option<BandTable>,
) -> Result<Vec<String>, ReportError> {
    let inputs = ReportInputs::read_with(dir, bands)?;
    let charts = charts(&inputs);
    write_charts_and_html(dir, &inputs, &charts)
}

/// The report's style sheet: tables fill the page width and wrap long
/// cells (no cell is pushed off-screen).
const STYLE: &str = "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}\
table{border-collapse:collapse;margin:1em 0;width:100%;table-layout:fixed}\
td,th{border:1px solid #ccc;padding:3px 8px;text-align:right;vertical-align:top;overflow-wrap:anywhere;word-wrap:break-word}\
th:first-child,td:first-child{text-align:left}\
td.text,th.text{text-align:left}\
tr.section th{background:#f0f0f0;text-align:left}\
table.params td:nth-child(2),table.params th{text-align:left}\
figure{margin:2em 0}figure svg{width:100%;height:auto}figcaption{color:#555}";

/// The column widths of the three-column tables (name, value, unit).
const PARAM_COLS: &str = "<colgroup><col style=\"width:45%\"><col style=\"width:40%\"><col style=\"width:15%\"></colgroup>";

/// A JSON scalar as plain text (strings without quotes; `None` for null).
fn plain_value(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(params::number_text(n)),
        other => Some(other.to_string()),
    }
}

/// The run's facts (dates, runs, seed, window, overrides), from the top
/// of `summary.json`; fields that are null or absent are left out.
fn run_facts_html(h: &mut String, s: &Value) {
    let sweep = s.get("point_results").is_some();
    let mut facts: Vec<(&str, &str, &str)> = vec![
        ("start date", "start_date", ""),
        ("end date", "end_date", ""),
        ("steps", "steps", ""),
        ("step length", "step_days", "days"),
    ];
    if sweep {
        let points = if s.get("uncertainty").is_some() {
            "design points"
        } else {
            "sweep points"
        };
        facts.extend([
            (points, "points", ""),
            ("runs per point", "runs_per_point", ""),
            ("runs in all", "runs", ""),
        ]);
    } else {
        facts.push(("runs", "runs", ""));
    }
    facts.extend([
        ("seed", "seed", ""),
        (
            "equilibrium window (last)",
            "equilibrium_window_years",
            "years",
        ),
        (
            "world electricity generation",
            "world_electricity_twh_per_year",
            "TWh/yr",
        ),
    ]);
    let _ = writeln!(h, "<h2>Run</h2><table class=\"params\">{PARAM_COLS}");
    for (label, key, unit) in facts {
        if let Some(v) = s.get(key).and_then(plain_value) {
            let _ = writeln!(
                h,
                "<tr><td>{label}</td><td>{}</td><td class=\"text\">{unit}</td></tr>",
                esc(&v)
            );
        }
    }
    if let Some(o) = s["overrides"].as_object().filter(|o| !o.is_empty()) {
        for (path, v) in o {
            let _ = writeln!(
                h,
                "<tr><td>--set {}</td><td>{}</td><td class=\"text\">{}</td></tr>",
                esc(path),
                esc(&plain_value(v).unwrap_or_default()),
                params::unit_of(path)
            );
        }
    }
    let _ = writeln!(h, "</table>");
}

/// The scenario as run: every field of `config` (or, in a sweep, of the
/// sweep's definition), one row each, grouped by table.
fn params_html(h: &mut String, s: &Value) {
    let (title, note, rows) = match s.get("config") {
        Some(cfg) => (
            "Scenario as run",
            "Every field of the scenario after defaults and <code>--set</code> overrides, by its path in the file (as <code>--set</code> takes it); <em>not set</em> marks an optional field left out.",
            params::param_rows(cfg),
        ),
        None => (
            "Sweep",
            "The swept parameters and their values (each point's values and results are in the table of points). A sweep's summary.json records the sweep, not the rest of the base scenario: that is in the scenario file.",
            params::param_rows(&serde_json::json!({ "sweep": s["sweep"] })),
        ),
    };
    let _ = writeln!(
        h,
        "<h2>{title}</h2><p>{note}</p><table class=\"params\">{PARAM_COLS}<tr><th>parameter</th><th>value</th><th>unit</th></tr>"
    );
    let mut section = None;
    let mut seen: Vec<String> = Vec::new();
    for r in rows {
        if section.as_ref() != Some(&r.section) {
            let mut name = if r.section.is_empty() {
                "top level".to_string()
            } else {
                r.section.clone()
            };
            if seen.contains(&r.section) {
                // Back in a table after its list of tables (miner groups).
                name.push_str(" (continued)");
            } else {
                seen.push(r.section.clone());
            }
            let _ = writeln!(
                h,
                "<tr class=\"section\"><th colspan=\"3\">{}</th></tr>",
                esc(&name)
            );
            section = Some(r.section.clone());
        }
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td>{}</td><td class=\"text\">{}</td></tr>",
            esc(&r.path),
            esc(&r.value),
            r.unit
        );
    }
    let _ = writeln!(h, "</table>");
}

/// A `mean [low – high]` cell from `points.csv`'s columns for `key`.
fn mean_ci_cell(points: &Table, key: &str, i: usize) -> String {
    let get = |suffix: &str| {
        points
            .numbers(&format!("{key}_{suffix}"))
            .get(i)
            .copied()
            .filter(|x| x.is_finite())
    };
    match (get("mean"), get("ci95_low"), get("ci95_high")) {
        (None, _, _) => "–".into(),
        (Some(m), Some(lo), Some(hi)) => format!(
            "{}<br><small>[{} – {}]</small>",
            chart::format_value(m),
            chart::format_value(lo),
            chart::format_value(hi)
        ),
        (Some(m), _, _) => chart::format_value(m),
    }
}

/// The sweep's table of points: the swept values, the runs of each point,
/// and the mean with its 95 % confidence interval of the main metrics.
fn points_html(h: &mut String, s: &Value, points: &Table) {
    let params: Vec<String> = s["sweep"]["parameters"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p["path"].as_str().map(str::to_string))
                .filter(|p| points.has(&path_column(p)))
                .collect()
        })
        .unwrap_or_default();
    let _ = writeln!(
        h,
        "<h2>Points</h2><p>Each point's mean across its runs, with the 95 % confidence interval of the mean (Student t) below it; quantiles and the other metrics are in <a href=\"points.csv\">points.csv</a>, each run in <a href=\"runs.csv\">runs.csv</a>.</p><table><colgroup><col style=\"width:6%\">{}<col style=\"width:6%\"></colgroup><tr><th>point</th>",
        "<col>".repeat(params.len())
    );
    for p in &params {
        // Break long paths after their dots, not inside a word.
        let _ = write!(h, "<th>{}</th>", esc(p).replace('.', ".<wbr>"));
    }
    let _ = write!(h, "<th>runs</th>");
    for (_, label, _) in SWEEP_CHART_KEYS {
        let _ = write!(h, "<th>{}</th>", esc(label));
    }
    let _ = writeln!(h, "</tr>");
    let index = points.text("point");
    let runs = points.text("runs");
    let values: Vec<Vec<String>> = params
        .iter()
        .map(|p| points.text(&path_column(p)))
        .collect();
    let cell = |v: &[String], i: usize| esc(v.get(i).map(String::as_str).unwrap_or(""));
    for i in 0..index.len() {
        let _ = write!(h, "<tr><td>{}</td>", cell(&index, i));
        for v in &values {
            let _ = write!(h, "<td>{}</td>", cell(v, i));
        }
        let _ = write!(h, "<td>{}</td>", cell(&runs, i));
        for (key, _, _) in SWEEP_CHART_KEYS {
            let _ = write!(h, "<td>{}</td>", mean_ci_cell(points, key, i));
        }
        let _ = writeln!(h, "</tr>");
    }
    let _ = writeln!(h, "</table>");
}

/// The batch's "Summary across runs": every per-run scalar of
/// `summary.json`'s `metrics` with its unit, mean, 95 % confidence
/// interval of the mean and 5/50/95 % quantiles.
fn summary_html(h: &mut String, s: &Value) {
    metrics_table_html(
        h,
        "Summary across runs",
        "across runs",
        &s["equilibrium_window_years"],
        &s["metrics"],
    );
}

/// A table of run-scalar statistics (`metrics` of `summary.json`).
fn metrics_table_html(h: &mut String, title: &str, across: &str, window: &Value, metrics: &Value) {
    let _ = writeln!(
        h,
        "<h2>{title}</h2><p>Mean with its 95 % confidence interval (Student t), and the 5 %, 50 % and 95 % quantiles {across}; <em>equilibrium</em> values are taken over the last {} year(s) of each run.</p><table><colgroup><col style=\"width:34%\"><col style=\"width:11%\"><col style=\"width:11%\"><col style=\"width:17%\"><col style=\"width:9%\"><col style=\"width:9%\"><col style=\"width:9%\"></colgroup><tr><th>metric</th><th class=\"text\">unit</th><th>mean</th><th>95 % CI</th><th>p5</th><th>p50</th><th>p95</th></tr>",
        fmt_num(window)
    );
    if let Some(metrics) = metrics.as_object() {
        for (k, m) in metrics {
            let ci = match (m.get("mean_ci95_low"), m.get("mean_ci95_high")) {
                (Some(lo), Some(hi)) if lo.is_number() => {
                    format!("{} – {}", fmt_num(lo), fmt_num(hi))
                }
                _ => "–".into(),
            };
            let _ = writeln!(
                h,
                "<tr><td>{}<br><code style=\"font-size:80%;color:#666\">{}</code></td><td class=\"text\">{}</td><td>{}</td><td>{ci}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(&params::metric_label(k)),
                esc(k),
                params::unit_of(k),
                fmt_num(&m["mean"]),
                fmt_num(&m["p5"]),
                fmt_num(&m["p50"]),
                fmt_num(&m["p95"])
            );
        }
    }
    let _ = writeln!(h, "</table>");
}

/// An uncertainty design's sections: its parameters and distributions,
/// the combined statistics over its samples, and the sensitivity table.
fn design_html(h: &mut String, s: &Value, u: &Value) {
    let design = u["design"].as_str().unwrap_or("");
    let what = match design {
        "saltelli" => "Saltelli's design for Sobol' indices (first order: Saltelli 2010; total order: Jansen 1999)",
        "morris" => "Morris elementary effects (mu*, sigma; Morris 1991, Campolongo et al. 2007)",
        _ => "a Latin hypercube (McKay et al. 1979)",
    };
    let _ = writeln!(
        h,
        "<h2>Uncertain parameters</h2><p>{} design points from {what}, {} samples, design seed {}; each point runs {} Monte Carlo run(s). Each point's values and results are in <a href=\"points.csv\">points.csv</a>, each run in <a href=\"runs.csv\">runs.csv</a>.</p><table><colgroup><col style=\"width:34%\"><col style=\"width:36%\"><col style=\"width:30%\"></colgroup><tr><th class=\"text\">parameter</th><th class=\"text\">distribution</th><th class=\"text\">source</th></tr>",
        fmt_num(&s["points"]),
        fmt_num(&u["samples"]),
        s["design_seed"].as_u64().map_or("–".into(), |x| x.to_string()),
        fmt_num(&s["runs_per_point"]),
    );
    for p in u["parameters"].as_array().into_iter().flatten() {
        let path = p["path"].as_str().unwrap_or("");
        let unit = params::unit_of(path);
        let _ = writeln!(
            h,
            "<tr><td class=\"text\">{}</td><td class=\"text\">{}</td><td class=\"text\">{}</td></tr>",
            esc(path).replace('.', ".<wbr>"),
            esc(&distribution_text(&p["distribution"], unit)),
            esc(p["source"].as_str().unwrap_or("–"))
        );
    }
    let _ = writeln!(h, "</table>");
    metrics_table_html(
        h,
        "Combined uncertainty",
        &format!(
            "over all {} runs of the design's samples (parameters and chance together{}){}",
            fmt_num(&s["combined"]["runs"]),
            if design == "saltelli" {
                "; the A and B blocks of the design"
            } else {
                ""
            },
            if u["streams"].as_str() == Some("common") {
                ". The points share their random streams (common random numbers), so the runs are not independent and the interval of the mean is too narrow; the quantiles are not affected"
            } else {
                ""
            }
        ),
        &s["equilibrium_window_years"],
        &s["combined"]["metrics"],
    );
    let statistic = u["point_statistic"].as_str().unwrap_or("mean");
    let common = u["streams"].as_str() == Some("common");
    sensitivity_html(h, design, statistic, common, &s["sensitivity"]);
}

/// A distribution of `[uncertainty]` as text: `uniform on [0.3, 0.9] per year`.
fn distribution_text(d: &Value, unit: &str) -> String {
    let n = |k: &str| fmt_num(&d[k]);
    let u = if unit.is_empty() {
        String::new()
    } else {
        format!(" {unit}")
    };
    match d["type"].as_str().unwrap_or("") {
        "uniform" => format!("uniform on [{}, {}]{u}", n("low"), n("high")),
        "log_uniform" => format!("log-uniform on [{}, {}]{u}", n("low"), n("high")),
        "normal" => format!("normal, mean {}, sd {}{u}", n("mean"), n("sd")),
        "truncated_normal" => format!(
            "normal, mean {}, sd {}, cut to [{}, {}]{u}",
            n("mean"),
            n("sd"),
            n("low"),
            n("high")
        ),
        "triangular" => format!(
            "triangular on [{}, {}], mode {}{u}",
            n("low"),
            n("high"),
            n("mode")
        ),
        "discrete" => {
            let values: Vec<String> = d["values"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| plain_value(v).unwrap_or_default())
                .collect();
            match d["weights"].as_array() {
                Some(w) => format!(
                    "one of {} with weights {}",
                    values.join(", "),
                    w.iter().map(fmt_num).collect::<Vec<_>>().join(", ")
                ),
                None => format!("one of {}, equally likely", values.join(", ")),
            }
        }
        other => other.to_string(),
    }
}

/// The sensitivity table of `summary.json`: per metric and parameter, the
/// Sobol' indices with their bootstrap intervals, or Morris's mu*, sigma.
fn sensitivity_html(h: &mut String, design: &str, statistic: &str, common: bool, sens: &Value) {
    let Some(by_metric) = sens.as_object() else {
        if design == "latin_hypercube" {
            let _ = writeln!(h, "<p>A Latin hypercube gives the combined uncertainty above, not sensitivity indices: use <code>design = \"saltelli\"</code> or <code>\"morris\"</code> for those.</p>");
        }
        return;
    };
    let sobol = design == "saltelli";
    let noise = if common {
        "The points share their random streams (common random numbers), so chance largely cancels between them."
    } else {
        "The Monte Carlo noise of each point's value is explained by no parameter: it lowers the first-order and raises the total-order indices; more runs per point shrink it."
    };
    let intro = if sobol {
        format!("First-order index: the share of the variance of the output (each point's {statistic} over its runs) that the parameter explains alone; total-order index: the share it takes part in, interactions included. 95 % intervals from a bootstrap of the base samples. {noise} All values are in <a href=\"sensitivity.csv\">sensitivity.csv</a>.")
    } else {
        format!("mu*: the mean absolute change of the output (each point's {statistic} over its runs) when the parameter moves by the design's step, in units of the whole range of its quantiles; sigma: the spread of those changes (non-linearity or interactions). {noise} All values are in <a href=\"sensitivity.csv\">sensitivity.csv</a>.")
    };
    let _ = writeln!(h, "<h2>Sensitivity</h2><p>{intro}</p><table>");
    if sobol {
        let _ = writeln!(h, "<tr><th class=\"text\">metric</th><th class=\"text\">parameter</th><th>first order</th><th>95 % CI</th><th>total order</th><th>95 % CI</th></tr>");
    } else {
        let _ = writeln!(h, "<tr><th class=\"text\">metric</th><th class=\"text\">parameter</th><th>mu*</th><th>mu</th><th>sigma</th></tr>");
    }
    for (metric, rows) in by_metric {
        for (j, r) in rows.as_array().into_iter().flatten().enumerate() {
            let m = if j == 0 {
                esc(&params::metric_label(metric))
            } else {
                String::new()
            };
            let p = esc(r["parameter"].as_str().unwrap_or("")).replace('.', ".<wbr>");
            let ci = |k: &str| match r[k].as_array() {
                Some(a) if a.len() == 2 && a[0].is_number() => {
                    format!("{} – {}", fmt_num(&a[0]), fmt_num(&a[1]))
                }
                _ => "–".into(),
            };
            if sobol {
                let _ = writeln!(
                    h,
                    "<tr><td class=\"text\">{m}</td><td class=\"text\">{p}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    fmt_num(&r["first_order"]),
                    ci("first_order_ci95"),
                    fmt_num(&r["total_order"]),
                    ci("total_order_ci95")
                );
            } else {
                let _ = writeln!(
                    h,
                    "<tr><td class=\"text\">{m}</td><td class=\"text\">{p}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    fmt_num(&r["mu_star"]),
                    fmt_num(&r["mu"]),
                    fmt_num(&r["sigma"])
                );
            }
        }
    }
    let _ = writeln!(h, "</table>");
}

/// The self-contained HTML report.
pub fn report_html(
    inp: &ReportInputs,
    charts: &[ReportChart],
    dir: &Path,
) -> Result<String, ReportError> {
    let s = &inp.summary;
    let name = s["scenario"].as_str().unwrap_or("scenario");
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>minesim: {}</title>\n<style>{STYLE}</style></head><body>\n",
        esc(name)
    );
    let _ = writeln!(h, "<h1>minesim report: {}</h1>", esc(name));
    if let Some(d) = s["description"].as_str().filter(|d| !d.is_empty()) {
        let _ = writeln!(h, "<p>{}</p>", esc(d));
    }
    run_facts_html(&mut h, s);
    match (&inp.points, s.get("uncertainty")) {
        (Some(_), Some(u)) => design_html(&mut h, s, u),
        (Some(points), None) => points_html(&mut h, s, points),
        (None, _) => summary_html(&mut h, s),
    }
    params_html(&mut h, s);
    let _ = writeln!(h, "<h2>Charts</h2>");
    for c in charts {
        let svg = c.svg()?;
        let _ = writeln!(
            h,
            "<figure id=\"{stem}\">{svg}<figcaption>{cap} Files: <a href=\"{stem}.png\">PNG</a>, <a href=\"{stem}.svg\">SVG</a>.</figcaption></figure>",
            stem = c.stem,
            cap = esc(&c.caption)
        );
    }
    let _ = writeln!(h, "<h2>Data files</h2><ul>");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".csv") || n.ends_with(".json"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    for n in names {
        let _ = writeln!(h, "<li><a href=\"{0}\">{0}</a></li>", esc(&n));
    }
    let _ = writeln!(
        h,
        "</ul><p>Made by minesim {}.</p></body></html>",
        esc(s["minesim_version"].as_str().unwrap_or(""))
    );
    Ok(h)
}
