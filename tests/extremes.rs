//! Extreme regimes: the engine must keep running and write only finite
//! numbers when prices collapse or explode, miners disappear, fees are
//! zero, the population is tiny or huge, steps are hourly or weekly, and
//! the run goes past the last halving.

use crate::common::run_checked;
use minesim::consensus::{supply_cap_sat, ChainParams};

const START: &str = r#"
[start]
date = "2026-01-01"
height = 930342
difficulty = 148258433698386
"#;

/// A small agent population (two groups, 30 agents).
const AGENTS: &str = r#"
[miners]
max_agents = 200
free_entry = true
entry_agent_capital_usd = 2.0e6
[[miners.groups]]
name = "industrial"
share = 0.7
agents = 20
electricity = { distribution = "lognormal", median_usd_per_kwh = 0.045, sigma = 0.3 }
capital_usd = 5.0e6
[[miners.groups]]
name = "home"
share = 0.3
agents = 10
electricity = { distribution = "uniform", low_usd_per_kwh = 0.08, high_usd_per_kwh = 0.25 }
patience_days = 400
"#;

fn scenario(parts: &[&str]) -> String {
    let mut s = String::from("seed = 7\n");
    s.push_str(START);
    for p in parts {
        s.push_str(p);
        s.push('\n');
    }
    s
}

#[test]
fn price_collapsing_to_zero_stalls_the_chain() {
    // Price falls linearly to 0 over a month; a linear supply without
    // intercept then offers no hashrate and no block comes.
    let r = run_checked(&scenario(&[
        "[simulation]\nyears = 0.5",
        r#"[price]
model = "piecewise_linear"
points = [{ date = "2026-01-01", price_usd = 90000 }, { date = "2026-02-01", price_usd = 0 }]"#,
        "[fees]\nmodel = \"usd_per_tx\"\nusd_per_tx = 2\ntx_per_block = 3500",
        "[hash_supply]\nmodel = \"linear\"\nintercept_eh_s = 0\nslope_eh_s = 20",
    ]));
    let tail = &r.records[40..];
    assert!(tail.iter().all(|s| s.blocks == 0 && s.hashrate_eh_s == 0.0));
    assert!(tail
        .iter()
        .all(|s| s.reward_usd == 0.0 && s.ratio_total.is_none()));
    assert!(r.records[0].blocks > 0);
}

#[test]
fn price_decaying_towards_zero_with_usd_fees() {
    // drift -10 a year for 10 years: the price ends near 1e-39 USD, so a
    // USD fee per transaction is an astronomical number of BTC.
    let r = run_checked(&scenario(&[
        "[simulation]\nyears = 10\nstep_days = 7",
        "[price]\nmodel = \"gbm\"\nstart_price_usd = 90000\ndrift_per_year = -10\nvolatility_per_year = 0",
        "[fees]\nmodel = \"usd_per_tx\"\nusd_per_tx = 2\ntx_per_block = 3500",
        "[hash_supply]\nmodel = \"fixed\"\nhashrate_eh_s = 1000",
    ]));
    assert!(r.summary.final_price_usd < 1e-30);
}

#[test]
fn price_of_a_billion_dollars() {
    let r = run_checked(&scenario(&[
        "[simulation]\nyears = 1",
        "[price]\nmodel = \"constant\"\nprice_usd = 1e9",
        "[fees]\nmodel = \"usd_per_tx\"\nusd_per_tx = 2\ntx_per_block = 3500",
        AGENTS,
    ]));
    let first = r.records[0].installed_hashrate_eh_s;
    let last = r.records.last().unwrap().installed_hashrate_eh_s;
    assert!(
        last > first,
        "a billion-dollar price should attract hardware"
    );
}

#[test]
fn price_of_a_billion_dollars_with_a_supply_curve() {
    let r = run_checked(&scenario(&[
        "[simulation]\nyears = 2\nstep_days = 7",
        "[price]\nmodel = \"constant\"\nprice_usd = 1e9",
        "[fees]\nmodel = \"subsidy_share\"\nshare = 10\nnoise_sd_log = 5",
        "[hash_supply]\nmodel = \"linear\"\nintercept_eh_s = 0\nslope_eh_s = 1e9\nreward_unit_usd_per_day = 1",
    ]));
    assert!(r.summary.blocks > 0);
}

#[test]
fn miners_switch_off_for_a_year_and_come_back() {
    // Price at a dollar for a year: every machine is switched off and the
    // chain stalls; then the price returns.
    let r = run_checked(&scenario(&[
        "[simulation]\nyears = 2\nstep_days = 1",
        r#"[price]
model = "piecewise_linear"
points = [
  { date = "2026-01-01", price_usd = 90000 },
  { date = "2026-01-15", price_usd = 1 },
  { date = "2027-01-15", price_usd = 1 },
  { date = "2027-02-01", price_usd = 90000 },
]"#,
        AGENTS,
    ]));
    let off = &r.records[60..370];
    assert!(
        off.iter().all(|s| s.hashrate_eh_s == 0.0 && s.blocks == 0),
        "miners kept running at a price of $1"
    );
    let end = r.records.last().unwrap();
    assert!(end.hashrate_eh_s > 0.0, "miners never came back");
    assert!(r.records[420..].iter().map(|s| s.blocks).sum::<u64>() > 0);
}

#[test]
fn fee_only_with_zero_fees() {
    // No subsidy from the start and no fees: nothing to earn.
    for supply in [
        "[hash_supply]\nmodel = \"linear\"\nintercept_eh_s = 0\nslope_eh_s = 20",
        AGENTS,
    ] {
        let r = run_checked(&scenario(&[
            "[simulation]\nyears = 0.5",
            "[price]\nmodel = \"constant\"\nprice_usd = 90000",
            "[fees]\nmodel = \"none\"\nfee_only_from = \"2026-01-01\"",
            supply,
        ]));
        assert!(r
            .records
            .iter()
            .all(|s| s.subsidy_btc == 0.0 && s.fees_btc == 0.0));
        assert!(r.records.iter().all(|s| s.reward_usd == 0.0));
        assert_eq!(r.summary.equilibrium_ratio_total, None);
    }
}

#[test]
fn one_agent() {
    let r = run_checked(&scenario(&[
        "[simulation]\nyears = 1",
        "[price]\nmodel = \"gbm\"\nstart_price_usd = 90000\ndrift_per_year = 0.1\nvolatility_per_year = 0.6",
        r#"[miners]
max_agents = 1
[[miners.groups]]
name = "solo"
share = 1
agents = 1
electricity = { distribution = "fixed", usd_per_kwh = 0.04 }"#,
    ]));
    assert!(r.records[0].installed_hashrate_eh_s > 0.0);
}

#[test]
fn a_hundred_thousand_agents() {
    let r = run_checked(&scenario(&[
        "[simulation]\nyears = 0.05",
        "[price]\nmodel = \"constant\"\nprice_usd = 90000",
        r#"[miners]
max_agents = 100000
[[miners.groups]]
name = "crowd"
share = 1
agents = 100000
electricity = { distribution = "lognormal", median_usd_per_kwh = 0.06, sigma = 0.5 }"#,
    ]));
    assert!(r.summary.blocks > 0);
}

#[test]
fn hourly_steps() {
    let r = run_checked(&scenario(&[
        "[simulation]\nyears = 0.1\nstep_days = 0.041666666666666664",
        "[price]\nmodel = \"jump_diffusion\"\nstart_price_usd = 90000\ndrift_per_year = 0\nvolatility_per_year = 0.8\njumps_per_year = 20\njump_mean_log = -0.1\njump_sd_log = 0.2",
        "[fees]\nmodel = \"btc_per_block\"\nbtc_per_block = 0.02\nnoise_sd_log = 0.5",
        AGENTS,
    ]));
    assert_eq!(r.records.len(), 877);
    // About six blocks an hour; many hours have none.
    assert!(r.records.iter().any(|s| s.blocks == 0));
}

#[test]
fn weekly_steps() {
    let r = run_checked(&scenario(&[
        "[simulation]\nyears = 4\nstep_days = 7\nblock_sampling = \"per_block\"",
        "[price]\nmodel = \"regime_switching\"\nstart_price_usd = 90000\nbull_drift_per_year = 0.8\nbull_volatility_per_year = 0.6\nbear_drift_per_year = -0.6\nbear_volatility_per_year = 0.9\nmean_bull_days = 400\nmean_bear_days = 300",
        "[fees]\nmodel = \"usd_per_tx\"\nusd_per_tx = 2\ntx_per_block = 3500\nnoise_sd_log = 0.3",
        AGENTS,
    ]));
    assert_eq!(r.records.len(), 209);
    assert!(r.summary.retargets > 0);
}

#[test]
fn past_the_last_halving() {
    // From 2136, a few eras before the subsidy ends at height 6,930,000,
    // to 2150: the subsidy reaches zero and the supply stops at the cap.
    let r = run_checked(
        r#"
[start]
date = "2136-01-01"
height = 6800000
difficulty = 1e15
[simulation]
years = 14
step_days = 7
[price]
model = "constant"
price_usd = 1e7
[fees]
model = "btc_per_block"
btc_per_block = 0.1
[hash_supply]
model = "fixed"
hashrate_eh_s = 7000
"#,
    );
    let cap = supply_cap_sat(&ChainParams::default()) as f64 / 1e8;
    let last = r.records.last().unwrap();
    assert!(last.height >= 6_930_000, "ended at {}", last.height);
    assert_eq!(last.subsidy_btc, 0.0);
    assert!(last.fees_btc > 0.0);
    assert_eq!(last.supply_btc, cap);
    assert!(r.records.iter().all(|s| s.supply_btc <= cap));
}

#[test]
fn absurd_magnitudes_at_the_validation_limits() {
    // The highest price, fees, capital and manufacturing capacity of 1e300 and the
    // smallest difficulty: products overflow f64 unless guarded.
    let r = run_checked(include_str!(
        "../fuzz/corpus/scenario/seed_absurd_magnitudes.toml"
    ));
    assert_eq!(r.records.len(), 366);
}

#[test]
fn price_walk_reaching_the_ceiling() {
    // The highest start price and drift: the walk hits the process's
    // ceiling of 1e100 USD within decades; sums over the run stay finite.
    let r = run_checked(&scenario(&[
        "[simulation]\nyears = 100\nstep_days = 7",
        "[price]\nmodel = \"gbm\"\nstart_price_usd = 1e15\ndrift_per_year = 10\nvolatility_per_year = 1",
        "[fees]\nmodel = \"usd_per_tx\"\nusd_per_tx = 1e3\ntx_per_block = 1e5",
        AGENTS,
    ]));
    assert!(r.records.iter().any(|s| s.price_usd == 1e100));
}
