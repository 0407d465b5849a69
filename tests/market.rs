//! Integration tests of the market module: statistical properties of the
//! price processes (fixed seeds, tolerances stated per test), exact paths,
//! replay of the shared Coin Metrics file, loader error messages, fee
//! models and the TOML form of every config.

use minesim::calendar::Date;
use minesim::market::{
    FeeConfig, FeeProcess, MarketError, NoDataFiles, PriceConfig, PriceProcess, Regime,
};
use minesim::scenario::data::{load_daily_series, DataDir};
use minesim::validate::Validator;
use proptest::prelude::*;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::path::{Path, PathBuf};

const DAY: f64 = 86_400.0;
const YEAR_DAYS: f64 = 365.25;

fn d(s: &str) -> Date {
    s.parse().unwrap()
}

fn price_process(cfg: &PriceConfig) -> PriceProcess {
    PriceProcess::new(cfg, d("2026-01-01"), &NoDataFiles).unwrap()
}

/// Log returns of `n` consecutive steps of length `dt_days`.
fn log_returns(p: &mut PriceProcess, n: u64, dt_days: f64, seed: u64) -> Vec<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut prev = p.step_price_usd(0, 0.0, dt_days * DAY, &mut rng).ln();
    (1..=n)
        .map(|k| {
            let s = p.step_price_usd(k, k as f64 * dt_days * DAY, dt_days * DAY, &mut rng);
            let l = s.ln();
            let r = l - prev;
            prev = l;
            r
        })
        .collect()
}

fn mean_var(x: &[f64]) -> (f64, f64) {
    let n = x.len() as f64;
    let m = x.iter().sum::<f64>() / n;
    let v = x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, v)
}

#[test]
fn gbm_log_returns_have_the_exact_mean_and_variance() {
    let (mu, sigma) = (0.3, 0.8);
    let mut p = price_process(&PriceConfig::Gbm {
        start_price_usd: 50_000.0,
        drift_per_year: mu,
        volatility_per_year: sigma,
    });
    let n = 200_000;
    let dt = 1.0 / YEAR_DAYS;
    let r = log_returns(&mut p, n, 1.0, 11);
    let (m, v) = mean_var(&r);
    let want_m = (mu - sigma * sigma / 2.0) * dt;
    let want_v = sigma * sigma * dt;
    // Standard error of the mean: sqrt(want_v / n) ≈ 9.4e-5; allow 4 of them.
    assert!(
        (m - want_m).abs() < 4.0 * (want_v / n as f64).sqrt(),
        "mean {m} vs {want_m}"
    );
    // Standard error of the variance ≈ want_v·sqrt(2/n) ≈ 0.32 %; allow 2 %.
    assert!((v / want_v - 1.0).abs() < 0.02, "variance {v} vs {want_v}");
}

#[test]
fn gbm_distribution_at_a_date_does_not_depend_on_the_step_length() {
    // ln S after one year, from 3,000 paths with daily and with weekly steps:
    // both must match mean (μ − σ²/2)·1 and variance σ²·1.
    let (mu, sigma) = (0.1, 0.6);
    let cfg = PriceConfig::Gbm {
        start_price_usd: 1.0,
        drift_per_year: mu,
        volatility_per_year: sigma,
    };
    for (dt_days, seed) in [(1.0, 1u64), (7.0, 2)] {
        let steps = (YEAR_DAYS / dt_days).round() as u64;
        let horizon = steps as f64 * dt_days / YEAR_DAYS;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut ends = Vec::new();
        for _ in 0..3_000 {
            let mut p = price_process(&cfg);
            let mut s = 0.0;
            for k in 0..=steps {
                s = p.step_price_usd(k, k as f64 * dt_days * DAY, dt_days * DAY, &mut rng);
            }
            ends.push(s.ln());
        }
        let (m, v) = mean_var(&ends);
        let want_m = (mu - sigma * sigma / 2.0) * horizon;
        let want_v = sigma * sigma * horizon;
        // Standard error of the mean 0.6/sqrt(3000) ≈ 0.011; allow 0.045 (4 SE).
        assert!(
            (m - want_m).abs() < 0.045,
            "dt {dt_days}: mean {m} vs {want_m}"
        );
        // Standard error of the variance ≈ 2.6 %; allow 10 %.
        assert!(
            (v / want_v - 1.0).abs() < 0.10,
            "dt {dt_days}: var {v} vs {want_v}"
        );
    }
}

#[test]
fn jump_diffusion_grows_at_the_drift_in_expectation() {
    let (mu, sigma, lambda, jm, js) = (0.2, 0.5, 4.0, -0.15, 0.1);
    let cfg = PriceConfig::JumpDiffusion {
        start_price_usd: 100.0,
        drift_per_year: mu,
        volatility_per_year: sigma,
        jumps_per_year: lambda,
        jump_mean_log: jm,
        jump_sd_log: js,
    };
    // One year of daily steps, 20,000 paths.
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let steps = 365u64;
    let horizon = steps as f64 / YEAR_DAYS;
    let paths = 20_000;
    let mut growth = Vec::with_capacity(paths);
    let mut logs = Vec::with_capacity(paths);
    for _ in 0..paths {
        let mut p = price_process(&cfg);
        let mut s = 0.0;
        for k in 0..=steps {
            s = p.step_price_usd(k, k as f64 * DAY, DAY, &mut rng);
        }
        growth.push(s / 100.0);
        logs.push((s / 100.0).ln());
    }
    let (m, v) = mean_var(&growth);
    let se = (v / paths as f64).sqrt();
    let want = (mu * horizon).exp();
    // E[S_T]/S_0 = e^{μT}: allow 4 standard errors of the sample mean.
    assert!(
        (m - want).abs() < 4.0 * se,
        "mean growth {m} vs {want} (se {se})"
    );
    // E[ln S_T/S_0] = (μ − σ²/2 − λk + λ·m_J)·T, k = e^{m_J + s_J²/2} − 1.
    let k = (jm + js * js / 2.0).exp() - 1.0;
    let want_log = (mu - sigma * sigma / 2.0 - lambda * k + lambda * jm) * horizon;
    let (lm, lv) = mean_var(&logs);
    let lse = (lv / paths as f64).sqrt();
    assert!(
        (lm - want_log).abs() < 4.0 * lse,
        "mean log {lm} vs {want_log}"
    );
    // Variance of ln: (σ² + λ(m_J² + s_J²))·T; allow 5 % (SE ≈ 1 %).
    let want_lv = (sigma * sigma + lambda * (jm * jm + js * js)) * horizon;
    assert!(
        (lv / want_lv - 1.0).abs() < 0.05,
        "var log {lv} vs {want_lv}"
    );
}

#[test]
fn regime_switching_has_the_configured_mean_durations() {
    let cfg = PriceConfig::RegimeSwitching {
        start_price_usd: 30_000.0,
        bull_drift_per_year: 0.8,
        bull_volatility_per_year: 0.5,
        bear_drift_per_year: -0.6,
        bear_volatility_per_year: 0.8,
        mean_bull_days: 60.0,
        mean_bear_days: 30.0,
        start_in: Regime::Bear,
    };
    let mut p = price_process(&cfg);
    assert_eq!(p.regime(), Some(Regime::Bear));
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let mut runs: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
    let mut current = Regime::Bear;
    let mut len = 0.0;
    let mut bull_log_returns = Vec::new();
    let mut prev_log = 30_000f64.ln();
    for k in 0..200_000u64 {
        let s = p.step_price_usd(k, k as f64 * DAY, DAY, &mut rng);
        assert!(s.is_finite() && s > 0.0);
        let r = p.regime().unwrap();
        if r != current {
            runs[(current == Regime::Bear) as usize].push(len);
            current = r;
            len = 0.0;
        }
        // The price move into step k was made in the regime of step k − 1.
        if k > 0 && len > 0.0 && r == Regime::Bull {
            bull_log_returns.push(s.ln() - prev_log);
        }
        prev_log = s.ln();
        len += 1.0;
    }
    // With a switch probability p = 1 − e^{−1/m} per daily step, a regime
    // lasts 1/p ≈ m + 0.5 steps on average. About 2,200 runs of each: the
    // standard error is ≈ 2 % of the mean; allow 8 %.
    for (i, m) in [(0usize, 60.0f64), (1, 30.0)] {
        let (mean, _) = mean_var(&runs[i]);
        let want = 1.0 / (1.0 - (-1.0 / m).exp());
        assert!(
            (mean / want - 1.0).abs() < 0.08,
            "regime {i}: mean run {mean} vs {want}"
        );
    }
    // Within the bull regime, daily log returns have mean (0.8 − 0.125)/365.25.
    let (m, v) = mean_var(&bull_log_returns);
    let want = (0.8 - 0.5 * 0.25) / YEAR_DAYS;
    assert!((m - want).abs() < 4.0 * (v / bull_log_returns.len() as f64).sqrt());
}

#[test]
fn piecewise_linear_is_exact_between_and_flat_outside() {
    let cfg: PriceConfig = toml::from_str(
        r#"
        model = "piecewise_linear"
        points = [
            { date = "2026-01-11", price_usd = 100000 },
            { date = "2026-01-21", price_usd = 50000 },
        ]
        "#,
    )
    .unwrap();
    let mut p = price_process(&cfg);
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    // Hourly steps from 2026-01-01.
    let mut at = |k: u64| p.step_price_usd(k, k as f64 * 3_600.0, 3_600.0, &mut rng);
    assert_eq!(at(0), 100_000.0); // before the first point: flat
    assert_eq!(at(240), 100_000.0); // on the first point
    assert_eq!(at(240 + 60), 87_500.0); // 2.5 of 10 days on
    assert_eq!(at(240 + 120), 75_000.0); // midway
    assert_eq!(at(480), 50_000.0); // on the last point
    assert_eq!(at(10_000), 50_000.0); // after: flat
}

fn shared_data() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/btc_daily_market.csv");
    if p.exists() {
        Some(p)
    } else {
        println!("skipping: {} not found (shared data absent)", p.display());
        None
    }
}

#[test]
fn replay_of_the_coin_metrics_file() {
    let Some(file) = shared_data() else { return };
    let base = file.parent().unwrap();
    let cfg: PriceConfig = toml::from_str(
        r#"model = "replay"
path = "btc_daily_market.csv""#,
    )
    .unwrap();
    let mut p = PriceProcess::new(&cfg, d("2016-01-01"), &DataDir::new(base)).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    let s0 = p.step_price_usd(0, 0.0, DAY, &mut rng);
    assert!((s0 - 434.678006428989).abs() < 1e-9);
    // 2016-01-01 + 3653 days = 2026-01-01; hourly steps stay on the day.
    let s1 = p.step_price_usd(1, 3_653.0 * DAY + 23.0 * 3_600.0, 3_600.0, &mut rng);
    assert!((s1 - 88_684.2178474576).abs() < 1e-6);
    assert!(p.check_covers(d("2011-01-01"), d("2026-03-22")).is_ok());
    assert_eq!(
        p.check_covers(d("2016-01-01"), d("2030-01-01")).unwrap_err().to_string(),
        format!(
            "{}: column PriceUSD covers 2011-01-01 to 2026-03-22, but the run needs 2016-01-01 to 2030-01-01",
            file.display()
        )
    );
    // A start outside the file is an error at construction.
    assert!(matches!(
        PriceProcess::new(&cfg, d("2010-06-01"), &DataDir::new(base)),
        Err(MarketError::NotCovered { .. })
    ));

    // Fees: FeeTotNtv / 144 per block; TxCnt / 144 per block.
    let fcfg: FeeConfig = toml::from_str(
        r#"model = "replay"
path = "btc_daily_market.csv"
tx_column = "TxCnt""#,
    )
    .unwrap();
    let mut f = FeeProcess::new(&fcfg, d("2016-01-01"), &DataDir::new(base)).unwrap();
    let fee = f.step_fee_btc_per_block(0, 0.0, DAY, s0, 25.0, &mut rng);
    assert!((fee - 19.87269548 / 144.0).abs() < 1e-12);
    assert!((f.tx_per_block().unwrap() - 124_427.0 / 144.0).abs() < 1e-9);
    assert!(f.check_covers(d("2016-01-01"), d("2027-01-01")).is_err());

    // The loader itself.
    let s = load_daily_series(&file, "time", "CapMrktCurUSD").unwrap();
    assert_eq!(s.len(), 5_560);
    assert_eq!(s.first_date(), d("2011-01-01"));
    assert_eq!(s.last_date(), d("2026-03-22"));
}

/// Writes `content` to `name` in a fresh temporary folder.
fn write_csv(name: &str, content: &str) -> (crate::common::TempDir, PathBuf) {
    let dir = crate::common::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    (dir, path)
}

#[test]
fn plain_date_price_files_replay_by_naming_the_columns() {
    let (dir, _) = write_csv(
        "prices.csv",
        "date,price\n2026-01-01,100\n2026-01-02,110.5\n2026-01-03,0\n",
    );
    let cfg: PriceConfig = toml::from_str(
        r#"
        model = "replay"
        path = "prices.csv"
        column = "price"
        date_column = "date"
        "#,
    )
    .unwrap();
    let mut p = PriceProcess::new(&cfg, d("2026-01-02"), &DataDir::new(dir.path())).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(0);
    assert_eq!(p.step_price_usd(0, 0.0, DAY, &mut rng), 110.5);
    assert_eq!(p.step_price_usd(1, DAY, DAY, &mut rng), 0.0);
    // Past the end: held at the last value (check_covers reports it).
    assert_eq!(p.step_price_usd(2, 2.0 * DAY, DAY, &mut rng), 0.0);
    assert!(p.check_covers(d("2026-01-02"), d("2026-01-04")).is_err());
}

#[test]
fn upstream_format_with_leading_and_trailing_empty_cells_loads() {
    // Coin Metrics' full btc.csv has empty PriceUSD cells before trading
    // began and sometimes on the last day; a BOM and a time part are allowed.
    let (_dir, path) = write_csv(
        "btc.csv",
        "\u{feff}time,PriceUSD,TxCnt\n\
         2010-07-16T00:00:00Z,,5\n\
         2010-07-17T00:00:00Z,0.05,6\n\
         2010-07-18T00:00:00Z,0.08,7\n\
         2010-07-19T00:00:00Z,,8\n",
    );
    let s = load_daily_series(&path, "time", "PriceUSD").unwrap();
    assert_eq!(s.dates(), &[d("2010-07-17"), d("2010-07-18")]);
    assert_eq!(s.values(), &[0.05, 0.08]);
    assert_eq!(load_daily_series(&path, "time", "TxCnt").unwrap().len(), 4);
}

#[test]
fn loader_errors_name_file_line_and_problem() {
    let header = "time,PriceUSD\n";
    let cases: &[(&str, &str, &str)] = &[
        (
            "gap.csv",
            "time,PriceUSD\n2020-01-01,1\n2020-01-02,2\n2020-01-05,3\n",
            "line 4: day 2020-01-03 is missing (previous row 2020-01-02, this row 2020-01-05); the file needs one row per day",
        ),
        (
            "prices.csv",
            "time,PriceUSD\n2020-01-01,1\n2020-01-02,abc\n",
            "line 3: the value in column PriceUSD is not a number",
        ),
        (
            "negative.csv",
            "time,PriceUSD\n2020-01-01,-5\n",
            "line 2: the value in column PriceUSD is negative",
        ),
        (
            "nan.csv",
            "time,PriceUSD\n2020-01-01,NaN\n",
            "line 2: the value in column PriceUSD is not finite (NaN or infinite)",
        ),
        (
            "order.csv",
            "time,PriceUSD\n2020-01-02,1\n2020-01-01,2\n",
            "line 3: date 2020-01-01 comes after 2020-01-02; rows must be in increasing date order",
        ),
        (
            "dup.csv",
            "time,PriceUSD\n2020-01-01,1\n2020-01-01,2\n",
            "line 3: date 2020-01-01 appears twice",
        ),
        (
            "date.csv",
            "time,PriceUSD\n2020-02-30,1\n",
            "line 2: the date in column time is not a valid date (no such day; expected YYYY-MM-DD)",
        ),
        (
            "hole.csv",
            "time,PriceUSD\n2020-01-01,1\n2020-01-02,\n2020-01-03,3\n",
            "line 3: column PriceUSD is empty on 2020-01-02 (only leading and trailing rows may be empty)",
        ),
        (
            "ragged.csv",
            "time,PriceUSD\n2020-01-01,1\n2020-01-02,2,3\n",
            "line 3: row has 3 fields, but the header has 2",
        ),
    ];
    for (name, content, want) in cases {
        let (_dir, path) = write_csv(name, content);
        let err = load_daily_series(&path, "time", "PriceUSD").unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("{} {want}", path.display()),
            "{name}"
        );
    }

    let (_dir, path) = write_csv("cols.csv", "date,price\n2020-01-01,1\n");
    assert_eq!(
        load_daily_series(&path, "date", "PriceUSD")
            .unwrap_err()
            .to_string(),
        format!(
            "{}: no column \"PriceUSD\"; available columns: date, price",
            path.display()
        )
    );

    let (_dir, path) = write_csv("empty.csv", "");
    assert_eq!(
        load_daily_series(&path, "time", "PriceUSD")
            .unwrap_err()
            .to_string(),
        format!(
            "{}: the file is empty (expected a header row and one row per day)",
            path.display()
        )
    );
    let (_dir, path) = write_csv("header_only.csv", header);
    assert_eq!(
        load_daily_series(&path, "time", "PriceUSD")
            .unwrap_err()
            .to_string(),
        format!("{}: the file has a header but no data rows", path.display())
    );

    let missing = Path::new("/nonexistent/prices.csv");
    let msg = load_daily_series(missing, "time", "PriceUSD")
        .unwrap_err()
        .to_string();
    assert!(
        msg.starts_with("/nonexistent/prices.csv: cannot open ("),
        "{msg}"
    );
    assert!(
        msg.contains("github.com/coinmetrics/data, file csv/btc.csv"),
        "{msg}"
    );
}

#[test]
fn fee_models_from_toml() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let base = Path::new(".");
    let start = d("2026-01-01");
    let fees = |s: &str| -> FeeProcess {
        let cfg: FeeConfig = toml::from_str(s).unwrap();
        FeeProcess::new(&cfg, start, &DataDir::new(base)).unwrap()
    };
    // Seed example: $30/tx, 3,000 tx/block, $50,000/BTC → 1.8 BTC/block.
    let mut f = fees("model = \"usd_per_tx\"\nusd_per_tx = 30\ntx_per_block = 3000");
    assert!((f.step_fee_btc_per_block(0, 0.0, DAY, 50_000.0, 3.125, &mut rng) - 1.8).abs() < 1e-12);
    // Price 0 gives finite (zero) fees, not inf.
    assert_eq!(
        f.step_fee_btc_per_block(1, DAY, DAY, 0.0, 3.125, &mut rng),
        0.0
    );
    let mut f = fees("model = \"btc_per_block\"\nbtc_per_block = 0.2\nnoise_sd_log = 0.3");
    for k in 0..100 {
        let x = f.step_fee_btc_per_block(k, 0.0, DAY, 0.0, 0.0, &mut rng);
        assert!(x.is_finite() && x > 0.0);
    }
    let mut f = fees("model = \"subsidy_share\"\nshare = 0.05\nfee_only_from = \"2140-01-01\"");
    assert!((f.step_fee_btc_per_block(0, 0.0, DAY, 1.0, 3.125, &mut rng) - 0.15625).abs() < 1e-15);
    assert_eq!(f.fee_only_from(), Some(d("2140-01-01")));
    let mut f = fees("model = \"none\"");
    assert_eq!(
        f.step_fee_btc_per_block(0, 0.0, DAY, 1e5, 3.125, &mut rng),
        0.0
    );
    assert_eq!(f.fee_only_from(), None);
}

#[test]
fn every_variant_deserializes_and_unknown_fields_are_rejected() {
    let prices = [
        "model = \"constant\"\nprice_usd = 88000",
        "model = \"gbm\"\nstart_price_usd = 88000\ndrift_per_year = 0.2\nvolatility_per_year = 0.6",
        "model = \"jump_diffusion\"\nstart_price_usd = 88000\ndrift_per_year = 0.2\nvolatility_per_year = 0.5\njumps_per_year = 3\njump_mean_log = -0.1\njump_sd_log = 0.05",
        "model = \"regime_switching\"\nstart_price_usd = 88000\nbull_drift_per_year = 0.8\nbull_volatility_per_year = 0.5\nbear_drift_per_year = -0.5\nbear_volatility_per_year = 0.8\nmean_bull_days = 400\nmean_bear_days = 250\nstart_in = \"bear\"",
        "model = \"piecewise_linear\"\npoints = [{ date = \"2026-01-01\", price_usd = 88000 }, { date = \"2030-01-01\", price_usd = 250000 }]",
        "model = \"replay\"\npath = \"prices.csv\"",
    ];
    for s in prices {
        let cfg: PriceConfig = toml::from_str(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        let mut v = Validator::new();
        cfg.validate(&mut v, "price");
        assert!(v.is_empty(), "{s}: {:?}", v.into_errors());
        // Round trip through TOML.
        let again: PriceConfig = toml::from_str(&toml::to_string(&cfg).unwrap()).unwrap();
        assert_eq!(format!("{again:?}"), format!("{cfg:?}"));
        let bad = format!("{s}\nvolatilty = 1");
        let err = toml::from_str::<PriceConfig>(&bad).unwrap_err().to_string();
        assert!(err.contains("unknown field `volatilty`"), "{err}");
    }
    let fees = [
        "model = \"usd_per_tx\"\nusd_per_tx = 30\ntx_per_block = 3000\nnoise_sd_log = 0.2",
        "model = \"btc_per_block\"\nbtc_per_block = 0.1",
        "model = \"subsidy_share\"\nshare = 0.1\nfee_only_from = \"2140-01-01\"",
        "model = \"replay\"\npath = \"btc.csv\"\ntx_column = \"TxCnt\"\nblocks_per_day = 150",
        "model = \"none\"",
    ];
    for s in fees {
        let cfg: FeeConfig = toml::from_str(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        let mut v = Validator::new();
        cfg.validate(&mut v, "fees");
        assert!(v.is_empty(), "{s}: {:?}", v.into_errors());
        let again: FeeConfig = toml::from_str(&toml::to_string(&cfg).unwrap()).unwrap();
        assert_eq!(format!("{again:?}"), format!("{cfg:?}"));
        let bad = format!("{s}\nfee_only_form = \"2140-01-01\"");
        let err = toml::from_str::<FeeConfig>(&bad).unwrap_err().to_string();
        assert!(err.contains("unknown field `fee_only_form`"), "{err}");
    }
    assert!(toml::from_str::<PriceConfig>("model = \"brownian\"\nprice_usd = 1").is_err());
    // Defaults.
    let cfg: FeeConfig = toml::from_str("model = \"replay\"\npath = \"x.csv\"").unwrap();
    let FeeConfig::Replay {
        column,
        date_column,
        tx_column,
        blocks_per_day,
        ..
    } = cfg
    else {
        panic!()
    };
    assert_eq!(
        (column.as_str(), date_column.as_str()),
        ("FeeTotNtv", "time")
    );
    assert_eq!((tx_column, blocks_per_day), (None, 144.0));
}

#[test]
fn validation_reports_every_bad_field() {
    let cfg: PriceConfig = toml::from_str(
        "model = \"piecewise_linear\"\npoints = [{ date = \"2026-01-01\", price_usd = 1 }, { date = \"2026-01-01\", price_usd = -2 }]",
    )
    .unwrap();
    let mut v = Validator::new();
    cfg.validate(&mut v, "price");
    let msgs: Vec<String> = v.into_errors().iter().map(|e| e.to_string()).collect();
    assert_eq!(
        msgs,
        [
            "price.points[1].price_usd must be >= 0, got -2",
            "price.points[1].date must be after the previous point's date 2026-01-01, got 2026-01-01",
        ]
    );
    let cfg: PriceConfig = toml::from_str(
        "model = \"regime_switching\"\nstart_price_usd = 0\nbull_drift_per_year = 11\nbull_volatility_per_year = 0.5\nbear_drift_per_year = -0.5\nbear_volatility_per_year = -1\nmean_bull_days = 0\nmean_bear_days = 250",
    )
    .unwrap();
    let mut v = Validator::new();
    cfg.validate(&mut v, "price");
    let msgs: Vec<String> = v.into_errors().iter().map(|e| e.to_string()).collect();
    assert_eq!(
        msgs,
        [
            "price.start_price_usd must be > 0, got 0",
            "price.bull_drift_per_year must be in [-10, 10], got 11",
            "price.bear_volatility_per_year must be in [0, 10], got -1",
            "price.mean_bull_days must be > 0, got 0",
        ]
    );
    let cfg: PriceConfig = toml::from_str("model = \"piecewise_linear\"\npoints = []").unwrap();
    let mut v = Validator::new();
    cfg.validate(&mut v, "price");
    assert_eq!(
        v.into_errors()[0].to_string(),
        "price.points must have at least one point"
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Any valid stochastic config and any sequence of step lengths (an hour
    /// to a week) gives finite, non-negative prices and fees.
    #[test]
    fn prices_and_fees_stay_finite(
        start in 1e-6f64..1e9,
        drift in -10.0f64..10.0,
        vol in 0.0f64..10.0,
        jumps in 0.0f64..1000.0,
        jm in -5.0f64..5.0,
        js in 0.0f64..5.0,
        dts in proptest::collection::vec(3_600.0f64..604_800.0, 1..200),
        seed in any::<u64>(),
    ) {
        let cfg = PriceConfig::JumpDiffusion {
            start_price_usd: start,
            drift_per_year: drift,
            volatility_per_year: vol,
            jumps_per_year: jumps,
            jump_mean_log: jm,
            jump_sd_log: js,
        };
        let mut p = price_process(&cfg);
        let mut f = FeeProcess::new(
            &FeeConfig::UsdPerTx { usd_per_tx: 50.0, tx_per_block: 4_000.0, noise_sd_log: 5.0, growth: Default::default(), fee_only_from: None },
            d("2026-01-01"),
            &NoDataFiles,
        ).unwrap();
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut t = 0.0;
        for (k, dt) in dts.iter().enumerate() {
            let s = p.step_price_usd(k as u64, t, *dt, &mut rng);
            prop_assert!(s.is_finite() && s >= 0.0);
            let fee = f.step_fee_btc_per_block(k as u64, t, *dt, s, 3.125, &mut rng);
            prop_assert!(fee.is_finite() && fee >= 0.0);
            t += dt;
        }
    }
}
