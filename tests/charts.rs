//! Integration tests of the chart layer: every chart kind writes a PNG that
//! decodes at the requested size and an SVG that parses as XML and contains
//! its title; empty, NaN and zero-on-log data produce a file without panics.
//!
//! Set `CHART_SAMPLES_DIR=/tmp/chart-samples` to keep the sample charts for
//! looking at them; otherwise they go to a temporary directory.

use std::fs::File;
use std::path::{Path, PathBuf};

use minesim::chart::{
    axis_tick_labels, bar_chart_svg_string, draw_bar_chart, draw_histogram, draw_time_chart,
    draw_xy_chart, format_si, histogram_svg_string, legend_labels, robust_top,
    time_chart_svg_string, xy_chart_svg_string, Band, BarChart, BarSeries, ChartError, ChartSize,
    Format, HistogramChart, Panel, RefLine, Series, TimeChart, VLine, XyChart, XyLine,
};

/// Width and height of a PNG file.
fn png_size(path: &Path) -> (u32, u32) {
    let decoder = png::Decoder::new(File::open(path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    (info.width, info.height)
}

/// Parses the SVG and returns all its text content joined by newlines.
fn svg_text(svg: &str) -> String {
    let doc = roxmltree::Document::parse(svg).expect("SVG must be well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    doc.descendants()
        .filter(|n| n.is_text())
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writes `name.png` and `name.svg` with `draw`, checks both, and returns
/// the SVG text content.
fn write_both(
    dir: &Path,
    name: &str,
    size: ChartSize,
    draw: impl Fn(&Path, Format) -> Result<(), ChartError>,
) -> String {
    let png = dir.join(format!("{name}.png"));
    let svg = dir.join(format!("{name}.svg"));
    draw(&png, Format::Png).unwrap();
    draw(&svg, Format::Svg).unwrap();
    assert_eq!(png_size(&png), (size.width, size.height), "{name}");
    // No temporary files are left behind.
    let leftovers: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains(".tmp."))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    svg_text(&std::fs::read_to_string(svg).unwrap())
}

/// Sample output directory: `CHART_SAMPLES_DIR` if set, else a tempdir.
fn sample_dir() -> (Option<crate::common::TempDir>, PathBuf) {
    match std::env::var_os("CHART_SAMPLES_DIR") {
        Some(d) => {
            let d = PathBuf::from(d);
            std::fs::create_dir_all(&d).unwrap();
            (None, d)
        }
        None => {
            let t = crate::common::tempdir().unwrap();
            let p = t.path().to_path_buf();
            (Some(t), p)
        }
    }
}

/// Years 2024.0 .. 2040 in monthly steps.
fn years() -> Vec<f64> {
    (0..=192).map(|m| 2024.0 + m as f64 / 12.0).collect()
}

/// A realistic two-panel chart: network hashrate on a log axis with 5–95 %
/// and 25–75 % bands, and hashprice with a reference line.
fn hashrate_chart() -> TimeChart {
    let x = years();
    let median: Vec<f64> = x
        .iter()
        .map(|t| 6e20 * 1.35f64.powf(t - 2024.0) * (1.0 + 0.05 * (t * 6.0).sin()))
        .collect();
    let spread = |k: f64| -> Vec<f64> {
        x.iter()
            .zip(&median)
            .map(|(t, m)| m * (1.0 + k * (t - 2024.0) / 16.0).max(0.05))
            .collect()
    };
    let baseline: Vec<f64> = x.iter().map(|t| 6e20 * 1.2f64.powf(t - 2024.0)).collect();
    let hashprice: Vec<f64> = x
        .iter()
        .map(|t| {
            0.055
                * 0.5f64.powf(((t - 2024.3) / 4.0).floor().max(0.0))
                * (1.0 + 0.1 * (t * 3.0).cos())
        })
        .collect();
    TimeChart {
        title: "Network hashrate and hashprice, 1000 runs".into(),
        x_label: "Year".into(),
        x: x.clone(),
        panels: vec![
            Panel {
                y_label: "Hashrate (H/s)".into(),
                log_y: true,
                series: vec![
                    Series {
                        label: "median".into(),
                        y: median.clone(),
                        bands: vec![
                            Band {
                                lower: spread(-0.7),
                                upper: spread(1.5),
                                label: "5–95 %".into(),
                            },
                            Band {
                                lower: spread(-0.35),
                                upper: spread(0.6),
                                label: "25–75 %".into(),
                            },
                        ],
                        color_index: 0,
                        dashed: false,
                    },
                    Series {
                        label: "no-growth baseline".into(),
                        y: baseline,
                        bands: vec![],
                        color_index: 1,
                        dashed: true,
                    },
                ],
                ref_lines: vec![],
                stacked: false,
                unit: "H/s".into(),
            },
            Panel {
                y_label: "Hashprice (USD/TH/day)".into(),
                log_y: false,
                series: vec![Series {
                    label: "median hashprice".into(),
                    y: hashprice,
                    bands: vec![],
                    color_index: 2,
                    dashed: false,
                }],
                ref_lines: vec![RefLine {
                    label: "breakeven at 0.05 USD/kWh".into(),
                    y: 0.035,
                }],
                stacked: false,
                unit: "USD/TH/day".into(),
            },
        ],
        vlines: [2024.3, 2028.3, 2032.3, 2036.3]
            .iter()
            .map(|&x| VLine {
                x,
                label: format!("halving {}", x.floor()),
            })
            .collect(),
        size: ChartSize::default(),
        x_min_step: 1.0,
    }
}

fn fleet_chart() -> TimeChart {
    let x = years();
    let n = x.len();
    let gen = |start: f64, peak: f64, k: usize| -> Series {
        let y = x
            .iter()
            .map(|t| {
                let a = t - start;
                if a < 0.0 {
                    0.0
                } else {
                    peak * (a / 2.0).min(1.0) * (-(a - 2.0).max(0.0) / 5.0).exp()
                }
            })
            .collect::<Vec<f64>>();
        assert_eq!(y.len(), n);
        Series {
            label: format!("gen {k} ({start:.0})"),
            y,
            color_index: k,
            ..Default::default()
        }
    };
    let series = (0..6)
        .map(|k| gen(2022.0 + 2.5 * k as f64, 300.0 * 1.6f64.powi(k as i32), k))
        .collect();
    TimeChart {
        title: "Installed hashrate by ASIC generation".into(),
        x_label: "Year".into(),
        x,
        panels: vec![Panel {
            y_label: "Hashrate (EH/s)".into(),
            series,
            stacked: true,
            ..Default::default()
        }],
        vlines: vec![],
        size: ChartSize::default(),
        x_min_step: 1.0,
    }
}

fn histogram_chart() -> HistogramChart {
    // Deterministic pseudo-normal samples (sum of 12 uniforms from an LCG).
    let mut state: u64 = 42;
    let mut uniform = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let values: Vec<f64> = (0..2000)
        .map(|_| 0.74 + 0.06 * ((0..12).map(|_| uniform()).sum::<f64>() - 6.0))
        .collect();
    HistogramChart {
        title: "Share of hashrate that exits within 6 months of the halving".into(),
        x_label: "Exit share".into(),
        y_label: "runs".into(),
        values,
        bins: 40,
        markers: vec![
            ("mean".into(), 0.74),
            ("95 % CI low".into(), 0.623),
            ("95 % CI high".into(), 0.857),
            ("seed claim".into(), 0.8),
        ],
        size: ChartSize::default(),
    }
}

fn xy_chart() -> XyChart {
    let x: Vec<f64> = vec![0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1];
    let line = |scale: f64, label: &str| {
        let y: Vec<f64> = x
            .iter()
            .map(|p| scale * (1.0 - (-p * 30.0).exp()))
            .collect();
        XyLine {
            label: label.into(),
            x: x.clone(),
            y_lower: Some(y.iter().map(|v| v - 0.04).collect()),
            y_upper: Some(y.iter().map(|v| v + 0.05).collect()),
            y,
        }
    };
    XyChart {
        title: "Exit share vs electricity price".into(),
        x_label: "Electricity price (USD/kWh)".into(),
        y_label: "Exit share within 6 months".into(),
        lines: vec![
            line(0.9, "difficulty model A"),
            line(0.7, "difficulty model B"),
        ],
        ref_lines: vec![RefLine {
            label: "seed claim 0.8".into(),
            y: 0.8,
        }],
        note: "bars: 95 % CI of mean".into(),
        ..Default::default()
    }
}

#[test]
fn samples_of_every_chart_kind() {
    let (_guard, dir) = sample_dir();
    let size = ChartSize::default();

    let chart = hashrate_chart();
    let text = write_both(&dir, "time_two_panels", size, |p, f| {
        draw_time_chart(&chart, p, f)
    });
    assert!(text.contains(&chart.title), "{text}");
    assert!(text.contains("Hashrate (H/s)"));
    assert!(text.contains("breakeven at 0.05 USD/kWh"));
    assert!(text.contains("5–95 %"));

    let chart = fleet_chart();
    let text = write_both(&dir, "time_stacked", size, |p, f| {
        draw_time_chart(&chart, p, f)
    });
    assert!(text.contains(&chart.title));

    let chart = histogram_chart();
    let text = write_both(&dir, "histogram", size, |p, f| draw_histogram(&chart, p, f));
    assert!(text.contains(&chart.title));
    assert!(text.contains("seed claim = 0.8"), "{text}");

    let chart = xy_chart();
    let text = write_both(&dir, "xy_sweep", size, |p, f| draw_xy_chart(&chart, p, f));
    assert!(text.contains(&chart.title));
    assert!(text.contains("bars: 95 % CI of mean"), "{text}");

    let mut log_xy = xy_chart();
    log_xy.title = "Log-log sweep with a zero".into();
    log_xy.log_x = true;
    log_xy.log_y = true;
    log_xy.lines[0].y[0] = 0.0;
    let text = write_both(&dir, "xy_loglog", size, |p, f| draw_xy_chart(&log_xy, p, f));
    assert!(text.contains("Log-log sweep with a zero"));
}

#[test]
fn svg_strings_match_files_and_escape_markup() {
    let mut chart = histogram_chart();
    chart.title = "Exit share <P&L> \"test\"".into();
    let svg = histogram_svg_string(&chart).unwrap();
    assert!(svg_text(&svg).contains("Exit share <P&L> \"test\""));
    let svg = time_chart_svg_string(&hashrate_chart()).unwrap();
    assert!(svg.len() > 1000);
    let svg = xy_chart_svg_string(&xy_chart()).unwrap();
    svg_text(&svg);
}

#[test]
fn empty_and_nan_data_give_a_no_data_file() {
    let (_guard, dir) = sample_dir();
    let dir = dir.join("edge");
    std::fs::create_dir_all(&dir).unwrap();
    let size = ChartSize::default();

    let empty = TimeChart {
        title: "Empty".into(),
        ..Default::default()
    };
    let text = write_both(&dir, "empty_time", size, |p, f| {
        draw_time_chart(&empty, p, f)
    });
    assert!(text.contains("no data"));

    let nan = TimeChart {
        title: "All NaN".into(),
        x: vec![2024.0, 2025.0, 2026.0],
        panels: vec![
            Panel {
                y_label: "y".into(),
                log_y: true,
                series: vec![Series {
                    label: "nan".into(),
                    y: vec![f64::NAN, 0.0, -1.0],
                    bands: vec![Band {
                        lower: vec![f64::NAN; 3],
                        upper: vec![f64::INFINITY; 3],
                        label: "band".into(),
                    }],
                    ..Default::default()
                }],
                ref_lines: vec![RefLine {
                    label: "ref".into(),
                    y: 1.0,
                }],
                ..Default::default()
            },
            Panel {
                y_label: "ok".into(),
                series: vec![Series {
                    label: "fine".into(),
                    y: vec![1.0, f64::NAN, 3.0],
                    ..Default::default()
                }],
                ..Default::default()
            },
        ],
        ..Default::default()
    };
    let text = write_both(&dir, "nan_time", size, |p, f| draw_time_chart(&nan, p, f));
    assert!(text.contains("no data"));
    assert!(text.contains("fine"));

    let hist = HistogramChart {
        title: "Empty histogram".into(),
        values: vec![f64::NAN, f64::INFINITY],
        markers: vec![("mean".into(), f64::NAN)],
        ..Default::default()
    };
    let text = write_both(&dir, "empty_hist", size, |p, f| draw_histogram(&hist, p, f));
    assert!(text.contains("no data"));

    let xy = XyChart {
        title: "Empty xy".into(),
        log_x: true,
        lines: vec![XyLine {
            x: vec![0.0, -1.0],
            y: vec![1.0, 2.0],
            ..Default::default()
        }],
        ..Default::default()
    };
    let text = write_both(&dir, "empty_xy", size, |p, f| draw_xy_chart(&xy, p, f));
    assert!(text.contains("no data"));
}

#[test]
fn log_scale_with_zeros_and_single_points() {
    let (_guard, dir) = sample_dir();
    let dir = dir.join("log");
    std::fs::create_dir_all(&dir).unwrap();
    let chart = TimeChart {
        title: "Zeros on a log axis".into(),
        x_label: "Year".into(),
        x: vec![2024.0, 2025.0, 2026.0, 2027.0, 2028.0],
        panels: vec![Panel {
            y_label: "Difficulty".into(),
            log_y: true,
            series: vec![Series {
                label: "difficulty".into(),
                y: vec![0.0, 5e13, 0.0, 8e13, 1e14],
                bands: vec![Band {
                    lower: vec![0.0; 5],
                    upper: vec![1e12, 1e14, 2e14, 2e14, 3e14],
                    label: "range".into(),
                }],
                ..Default::default()
            }],
            stacked: false,
            ..Default::default()
        }],
        vlines: [2026.0, f64::NAN, 1e9]
            .iter()
            .map(|&x| VLine {
                x,
                label: "marker".into(),
            })
            .collect(),
        size: ChartSize {
            width: 640,
            height: 400,
        },
        x_min_step: 0.0,
    };
    write_both(&dir, "log_zeros", chart.size, |p, f| {
        draw_time_chart(&chart, p, f)
    });
    let mut stacked = chart.clone();
    stacked.panels[0].stacked = true;
    write_both(&dir, "log_zeros_stacked", chart.size, |p, f| {
        draw_time_chart(&stacked, p, f)
    });
}

#[test]
fn mismatched_lengths_are_reported() {
    let dir = crate::common::tempdir().unwrap();
    let chart = TimeChart {
        title: "bad".into(),
        x: vec![1.0, 2.0],
        panels: vec![Panel {
            series: vec![Series {
                label: "short".into(),
                y: vec![1.0],
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let path = dir.path().join("bad.png");
    let err = draw_time_chart(&chart, &path, Format::Png).unwrap_err();
    assert!(matches!(err, ChartError::InvalidSpec(_)));
    assert!(err.to_string().contains("short"), "{err}");
    assert!(!path.exists());
    // Nothing is left behind in the directory.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn existing_file_is_replaced() {
    let dir = crate::common::tempdir().unwrap();
    let path = dir.path().join("h.svg");
    std::fs::write(&path, "old").unwrap();
    draw_histogram(&histogram_chart(), &path, Format::Svg).unwrap();
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.starts_with("<svg"), "{}", &svg[..40.min(svg.len())]);
}

/// Known values of the SI tick formatter.
#[test]
fn si_tick_labels() {
    for (v, want) in [
        (4e7, "40 M"),
        (1.5e14, "150 T"),
        (2.5e12, "2.5 T"),
        (999.0, "999"),
        (2500.0, "2500"),
        (12_345.0, "12.3 k"),
        (999_700.0, "1 M"),
        (0.8, "0.8"),
        (-4e7, "-40 M"),
        (1.2e18, "1.2 E"),
        (3e22, "3e22"),
        (1.5e-5, "1.5e-5"),
        (0.0, "0"),
    ] {
        assert_eq!(format_si(v), want, "{v}");
    }
    // A linear axis shares one prefix over its ticks.
    assert_eq!(
        axis_tick_labels(0.0, 4e7, false, 4),
        ["0", "10 M", "20 M", "30 M", "40 M"]
    );
    assert_eq!(
        axis_tick_labels(0.0, 1.5e8, false, 6),
        ["0", "25 M", "50 M", "75 M", "100 M", "125 M", "150 M"]
    );
    // Below 10,000 no prefix; fractional steps keep their decimals.
    assert_eq!(
        axis_tick_labels(0.0, 2.5, false, 5),
        ["0", "0.5", "1.0", "1.5", "2.0", "2.5"]
    );
    // A log axis labels each tick with its own prefix.
    assert_eq!(
        axis_tick_labels(1e3, 1e7, true, 6),
        ["1000", "10 k", "100 k", "1 M", "10 M"]
    );
}

/// The outlier cut: 200 values near 1 and one run's spike to 40 give a
/// cut just above the bulk, with the spike counted; no outliers, too few
/// values or a constant series give no cut.
#[test]
fn robust_top_cuts_outliers_only() {
    let mut v: Vec<f64> = (0..200).map(|i| 0.5 + (i % 10) as f64 * 0.1).collect();
    assert_eq!(robust_top(&v), None);
    v.push(40.0);
    v.push(f64::NAN);
    let (top, above) = robust_top(&v).unwrap();
    assert!(top > 1.4 && top < 2.0, "{top}");
    assert_eq!(above, 1);
    assert_eq!(robust_top(&[1.0, 50.0, 1.0]), None);
    assert_eq!(robust_top(&[3.0; 100]), None);
    // Drawn: the axis stops near the cut and the legend says so.
    let x: Vec<f64> = (0..v.len() - 1)
        .map(|i| 2026.0 + i as f64 / 100.0)
        .collect();
    let chart = TimeChart {
        title: "cut".into(),
        x,
        panels: vec![Panel {
            y_label: "ratio".into(),
            series: vec![Series {
                label: "ratio (median)".into(),
                y: v[..v.len() - 1].to_vec(),
                ..Default::default()
            }],
            ..Default::default()
        }],
        ..Default::default()
    };
    let text = svg_text(&time_chart_svg_string(&chart).unwrap());
    assert!(
        text.contains("y axis cut at 1.62: 1 of 201 plotted values above it"),
        "{text}"
    );
    assert!(
        !text.lines().any(|l| l.trim() == "40" || l.trim() == "35"),
        "{text}"
    );
}

/// Every labelled series and band has exactly one legend entry; bands of
/// one name on several series share an entry; histogram interval ends
/// share one entry.
#[test]
fn every_series_and_band_has_a_legend_entry() {
    let n = 30;
    let series = |label: &str, c: usize| Series {
        label: label.into(),
        y: vec![1.0; n],
        bands: vec![
            Band {
                lower: vec![0.5; n],
                upper: vec![1.5; n],
                label: "p5–p95 across runs".into(),
            },
            Band {
                lower: vec![0.8; n],
                upper: vec![1.2; n],
                label: "p25–p75 across runs".into(),
            },
        ],
        color_index: c,
        dashed: false,
    };
    let mut cbeci = series("CBECI", 4);
    cbeci.bands = vec![Band {
        lower: vec![0.1; n],
        upper: vec![2.0; n],
        label: "CBECI bounds".into(),
    }];
    let panel = Panel {
        series: vec![series("reward", 0), series("cost", 2), cbeci],
        ..Default::default()
    };
    let labels = legend_labels(&panel);
    assert_eq!(
        labels,
        [
            "reward",
            "cost",
            "CBECI",
            "CBECI bounds",
            "p5–p95 across runs",
            "p25–p75 across runs"
        ]
    );
    let chart = TimeChart {
        title: "legend".into(),
        x: (0..n).map(|i| 2026.0 + i as f64).collect(),
        panels: vec![panel],
        ..Default::default()
    };
    let text = svg_text(&time_chart_svg_string(&chart).unwrap());
    for l in &labels {
        assert_eq!(
            text.lines().filter(|t| t.trim() == l).count(),
            1,
            "{l}: {text}"
        );
    }
    let mut h = histogram_chart();
    h.markers = vec![
        ("mean".into(), 0.74),
        ("95 % CI of mean".into(), 0.7),
        ("95 % CI of mean".into(), 0.78),
    ];
    let text = svg_text(&histogram_svg_string(&h).unwrap());
    assert!(text.contains("95 % CI of mean = 0.7 – 0.78"), "{text}");
    assert!(text.contains("mean = 0.74"));
}

/// The `<title>` elements of an SVG.
fn titles(svg: &str) -> Vec<String> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("title"))
        .map(|n| n.text().unwrap_or("").to_string())
        .collect()
}

/// Lines, hover points, bars and markers carry tooltips; no marker text is
/// left over; the output is the same bytes every time and no NaN shows.
#[test]
fn svgs_have_title_tooltips_and_are_deterministic() {
    let chart = hashrate_chart();
    let svg = time_chart_svg_string(&chart).unwrap();
    assert_eq!(svg, time_chart_svg_string(&chart).unwrap());
    assert!(!svg.contains("@@"), "a tooltip marker is left");
    assert!(!svg.contains("NaN"));
    let t = titles(&svg);
    assert!(
        t.iter()
            .any(|s| s.starts_with("median: ") && s.contains("H/s")),
        "{t:?}"
    );
    assert!(
        t.iter()
            .any(|s| s.starts_with("median, 2030") && s.contains("5–95 %")),
        "{t:?}"
    );
    assert!(t.iter().any(|s| s == "halving 2028"), "{t:?}");
    assert!(t.iter().any(|s| s == "breakeven at 0.05 USD/kWh"));
    let svg = xy_chart_svg_string(&xy_chart()).unwrap();
    let t = titles(&svg);
    assert!(
        t.iter()
            .any(|s| s.starts_with("difficulty model A: Electricity price (USD/kWh) = 0.02, ")),
        "{t:?}"
    );
    assert_eq!(
        t.iter().filter(|s| s.contains(" = 0.1,")).count(),
        2,
        "{t:?}"
    );
    let svg = histogram_svg_string(&histogram_chart()).unwrap();
    let t = titles(&svg);
    assert!(t.iter().any(|s| s.contains(" of 2000")), "{t:?}");
    assert!(t.iter().any(|s| s == "seed claim = 0.8"), "{t:?}");
    // PNGs: the same bytes twice, without tooltip text.
    let dir = crate::common::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.png"), dir.path().join("b.png"));
    draw_time_chart(&chart, &a, Format::Png).unwrap();
    draw_time_chart(&chart, &b, Format::Png).unwrap();
    assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
}

/// Sobol' indices of three parameters (one with a long path), first and
/// total order with bootstrap intervals, reference lines at 0 and 1.
fn sobol_chart() -> BarChart {
    let some = |v: &[f64]| v.iter().map(|&x| Some(x)).collect::<Vec<_>>();
    BarChart {
        title: "Sobol' indices of the exit share".into(),
        x_label: "Sobol' index (share of variance)".into(),
        categories: vec![
            "miners.groups[0].electricity.median_usd_per_kwh".into(),
            "price.drift".into(),
            "difficulty.window".into(),
        ],
        series: vec![
            BarSeries {
                label: "first order".into(),
                values: some(&[0.52, 0.21, -0.012]),
                lower: Some(some(&[0.45, 0.15, -0.05])),
                upper: Some(some(&[0.6, 0.27, 0.03])),
            },
            BarSeries {
                label: "total order".into(),
                values: some(&[0.68, 0.3, 0.04]),
                lower: Some(some(&[0.6, 0.24, 0.01])),
                upper: Some(some(&[0.77, 0.37, 0.08])),
            },
        ],
        note: "whiskers: 95 % bootstrap interval".into(),
        ref_lines: vec![VLine {
            x: 0.0,
            label: String::new(),
        }],
        x_range: None,
        size: ChartSize::default(),
    }
}

/// The bar tooltips of an SVG: titles of the form "category — series: …".
fn bar_titles(svg: &str) -> Vec<String> {
    titles(svg)
        .into_iter()
        .filter(|t| t.contains(" — "))
        .collect()
}

/// Checks an SVG of a bar chart: well-formed, no NaN, no marker left.
fn clean_svg(svg: &str) -> String {
    assert!(!svg.contains("NaN"), "NaN in the SVG");
    assert!(!svg.contains("@@"), "a tooltip marker is left");
    svg_text(svg)
}

#[test]
fn bar_chart_with_whiskers() {
    let (_guard, dir) = sample_dir();
    let chart = sobol_chart();
    let size = chart.size;
    let text = write_both(&dir, "bars_sobol", size, |p, f| {
        draw_bar_chart(&chart, p, f)
    });
    assert!(text.contains(&chart.title));
    for label in [
        "first order",
        "total order",
        "whiskers: 95 % bootstrap interval",
        "Sobol' index (share of variance)",
        "price.drift",
        "difficulty.window",
    ] {
        assert!(text.lines().any(|l| l.trim() == label), "{label}: {text}");
    }
    let svg = bar_chart_svg_string(&chart).unwrap();
    assert_eq!(svg, bar_chart_svg_string(&chart).unwrap());
    clean_svg(&svg);
    let t = bar_titles(&svg);
    assert_eq!(
        t,
        [
            "miners.groups[0].electricity.median_usd_per_kwh — first order: 0.52 [0.45 – 0.6]",
            "miners.groups[0].electricity.median_usd_per_kwh — total order: 0.68 [0.6 – 0.77]",
            "price.drift — first order: 0.21 [0.15 – 0.27]",
            "price.drift — total order: 0.3 [0.24 – 0.37]",
            "difficulty.window — first order: -0.012 [-0.05 – 0.03]",
            "difficulty.window — total order: 0.04 [0.01 – 0.08]",
        ]
    );
    // The long label is drawn whole (on one or two lines) or shortened
    // with an ellipsis and a tooltip; never wider than 35 % of the width.
    let long = &chart.categories[0];
    let whole = text.lines().any(|l| l.trim() == long)
        || text.contains("median_usd_per_kwh") && text.contains("miners.groups[0]");
    assert!(whole || titles(&svg).contains(long), "{text}");

    // Narrow canvas and many long labels: shortened, still drawn.
    let mut many = chart.clone();
    many.size = ChartSize {
        width: 480,
        height: 360,
    };
    many.categories = (0..12)
        .map(|i| format!("miners.groups[{i}].electricity.median_usd_per_kwh"))
        .collect();
    let some = |v: f64| vec![Some(v); 12];
    many.series = vec![BarSeries {
        label: "total order".into(),
        values: some(0.1),
        lower: Some(some(0.05)),
        upper: None,
    }];
    let text = write_both(&dir, "bars_many_long", many.size, |p, f| {
        draw_bar_chart(&many, p, f)
    });
    assert!(text.contains('…'), "{text}");
    // Shortened so that they stay apart: each keeps its group index.
    for i in 0..12 {
        assert!(text.contains(&format!("groups[{i}]")), "{i}: {text}");
    }
    let svg = bar_chart_svg_string(&many).unwrap();
    clean_svg(&svg);
    assert_eq!(bar_titles(&svg).len(), 12);
    assert!(bar_titles(&svg)[3]
        .ends_with("groups[3].electricity.median_usd_per_kwh — total order: 0.1 [0.05 – n/a]"));
    // Shortened labels carry their full text as a tooltip.
    assert!(titles(&svg).contains(&many.categories[11]));
}

#[test]
fn bar_chart_degenerate_inputs() {
    let (_guard, dir) = sample_dir();
    let dir = dir.join("bars");
    std::fs::create_dir_all(&dir).unwrap();
    let size = ChartSize::default();
    let draw = |name: &str, chart: &BarChart| {
        let text = write_both(&dir, name, chart.size, |p, f| draw_bar_chart(chart, p, f));
        let svg = bar_chart_svg_string(chart).unwrap();
        clean_svg(&svg);
        (text, svg)
    };

    // No categories: "no data".
    let empty = BarChart {
        title: "No parameters".into(),
        series: vec![BarSeries {
            label: "first order".into(),
            ..Default::default()
        }],
        ..Default::default()
    };
    let (text, _) = draw("bars_empty", &empty);
    assert!(text.contains("no data"), "{text}");

    // Every value undefined (a constant output): rows with "n/a".
    let mut undefined = sobol_chart();
    undefined.title = "Constant output".into();
    for s in &mut undefined.series {
        s.values = vec![None, Some(f64::NAN), None];
    }
    let (text, svg) = draw("bars_all_undefined", &undefined);
    assert!(
        text.lines().filter(|l| l.trim() == "n/a").count() == 6,
        "{text}"
    );
    assert!(text.contains("n/a: undefined (6 values)"), "{text}");
    let t = bar_titles(&svg);
    assert_eq!(t.len(), 6);
    assert!(t.iter().all(|s| s.ends_with(": undefined")), "{t:?}");
    assert_eq!(t[2], "price.drift — first order: undefined");

    // One category, all values equal, no whiskers.
    let one = BarChart {
        title: "One parameter".into(),
        x_label: "index".into(),
        categories: vec!["price.drift".into()],
        series: vec![
            BarSeries {
                label: "first order".into(),
                values: vec![Some(0.4)],
                ..Default::default()
            },
            BarSeries {
                label: "total order".into(),
                values: vec![Some(0.4)],
                ..Default::default()
            },
        ],
        size,
        ..Default::default()
    };
    let (_, svg) = draw("bars_one", &one);
    assert_eq!(
        bar_titles(&svg),
        [
            "price.drift — first order: 0.4",
            "price.drift — total order: 0.4"
        ]
    );
    let mut zeros = one.clone();
    zeros.title = "All zero".into();
    for s in &mut zeros.series {
        s.values = vec![Some(0.0)];
    }
    let (text, _) = draw("bars_zeros", &zeros);
    assert!(text.lines().any(|l| l.trim() == "1.0"), "{text}");

    // A fixed range [0, 1]: values and interval ends beyond it are cut
    // and counted in the legend; the tooltips keep the true values.
    let mut fixed = sobol_chart();
    fixed.title = "Fixed range".into();
    fixed.x_range = Some((0.0, 1.0));
    fixed.ref_lines = vec![
        VLine {
            x: 0.0,
            label: String::new(),
        },
        VLine {
            x: 1.0,
            label: "x = 1".into(),
        },
    ];
    fixed.series[1].values[0] = Some(1.3);
    fixed.series[1].upper.as_mut().unwrap()[0] = Some(1.5);
    let (text, svg) = draw("bars_fixed_cut", &fixed);
    assert!(
        text.contains(
            "beyond 0 – 1, cut at the edge: 2 bars (arrowhead), 2 interval ends (no cap)"
        ),
        "{text}"
    );
    assert!(text.contains("x = 1"));
    let t = bar_titles(&svg);
    assert!(
        t.contains(
            &"miners.groups[0].electricity.median_usd_per_kwh — total order: 1.3 [0.6 – 1.5]"
                .to_string()
        ),
        "{t:?}"
    );
    // No series at all, a tiny canvas: rows only.
    let bare = BarChart {
        title: "No series".into(),
        categories: vec!["a".into(), "b".into()],
        size: ChartSize {
            width: 320,
            height: 240,
        },
        ..Default::default()
    };
    draw("bars_no_series", &bare);
}

#[test]
fn bar_chart_spec_errors() {
    let dir = crate::common::tempdir().unwrap();
    let path = dir.path().join("bad.svg");
    let mut chart = sobol_chart();
    chart.series[1].upper = Some(vec![Some(1.0)]);
    let err = draw_bar_chart(&chart, &path, Format::Svg).unwrap_err();
    assert!(matches!(err, ChartError::InvalidSpec(_)), "{err}");
    assert!(
        err.to_string()
            .contains("series[1] \"total order\".upper has 1 values but categories has 3"),
        "{err}"
    );
    let mut chart = sobol_chart();
    chart.series[0].values.pop();
    let err = bar_chart_svg_string(&chart).unwrap_err();
    assert!(
        err.to_string().contains("series[0] \"first order\".values"),
        "{err}"
    );
    for range in [(1.0, 0.0), (0.0, f64::NAN), (0.5, 0.5)] {
        let mut chart = sobol_chart();
        chart.x_range = Some(range);
        let err = draw_bar_chart(&chart, &path, Format::Png).unwrap_err();
        assert!(err.to_string().contains("x_range"), "{err}");
    }
    assert!(!path.exists());
}
