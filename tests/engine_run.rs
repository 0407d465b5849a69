//! Whole runs of the engine: invariants that must hold in every step.

use minesim::batch::run_rng;
use minesim::consensus::{subsidy_sum_sat, supply_cap_sat, ChainParams};
use minesim::engine::{run, PreparedModel, RunResult};
use minesim::scenario::parse_scenario;
use std::path::Path;

const SCENARIO: &str = r#"
name = "invariants"
[start]
date = "2026-01-01"
height = 930342
difficulty = 148258433698386
[simulation]
years = 10
[price]
model = "gbm"
start_price_usd = 88684
drift_per_year = 0.05
volatility_per_year = 0.8
[fees]
model = "usd_per_tx"
usd_per_tx = 2
tx_per_block = 3500
noise_sd_log = 0.3
[hash_supply]
model = "linear"
intercept_eh_s = 100
slope_eh_s = 20
"#;

fn prepared(text: &str) -> PreparedModel {
    let sc = parse_scenario(text, Path::new("invariants.toml")).unwrap();
    sc.prepare(Path::new(".")).unwrap()
}

fn check_invariants(r: &RunResult, chain: &ChainParams, start_height: u64) {
    let mut height = start_height;
    let mut difficulty = r.records[0].difficulty;
    let cap = supply_cap_sat(chain) as f64 / 1e8;
    for (i, rec) in r.records.iter().enumerate() {
        assert_eq!(rec.height, height + rec.blocks, "step {i}");
        // Subsidy is the exact integer sum over the step's heights.
        let sat = subsidy_sum_sat(height + 1, height + 1 + rec.blocks, chain);
        assert_eq!(rec.subsidy_btc, sat as f64 / 1e8, "step {i}");
        height = rec.height;
        if i > 0 && rec.retargets == 0 {
            assert_eq!(
                rec.difficulty, difficulty,
                "difficulty changed without retarget at step {i}"
            );
        }
        difficulty = rec.difficulty;
        assert!(rec.supply_btc <= cap, "supply {} above cap", rec.supply_btc);
        for (name, v) in [
            ("difficulty", rec.difficulty),
            ("hashrate", rec.hashrate_eh_s),
            ("reward", rec.reward_usd),
            ("energy", rec.energy_cost_usd),
            ("power", rec.power_gw),
            ("market cap", rec.market_cap_usd),
            ("attack", rec.attack_energy_usd_per_hour),
        ] {
            assert!(v.is_finite() && v >= 0.0, "{name} = {v} at step {i}");
        }
    }
    for t in &r.retargets {
        assert_eq!(t.height % chain.retarget_interval_blocks, 0);
        let f = t.new_difficulty / t.old_difficulty;
        // Compact encoding keeps 3 mantissa bytes: 2^-15 relative slack.
        assert!(
            (0.25 * (1.0 - 3.1e-5)..=4.0 * (1.0 + 3.1e-5)).contains(&f),
            "factor {f}"
        );
    }
    let retargets: u32 = r.records.iter().map(|x| x.retargets).sum();
    assert_eq!(retargets as usize, r.retargets.len());
}

#[test]
fn ten_year_run_keeps_every_invariant() {
    let p = prepared(SCENARIO);
    for run_index in 0..5 {
        let r = run(&p, &mut run_rng(11, run_index)).unwrap();
        assert_eq!(r.records.len(), 3653);
        check_invariants(&r, &p.model.chain, 930_342);
        // The two halvings of the decade (1,050,000 and 1,260,000) happen.
        let last = r.records.last().unwrap();
        assert!(last.height > 1_260_000, "height {}", last.height);
        // Blocks keep coming at about 10 minutes on average.
        let mean = r.summary.mean_block_interval_s.unwrap();
        assert!((mean - 600.0).abs() < 30.0, "mean interval {mean}");
    }
}

#[test]
fn same_seed_same_run_different_seed_different_run() {
    let p = prepared(SCENARIO);
    let a = run(&p, &mut run_rng(5, 0)).unwrap();
    let b = run(&p, &mut run_rng(5, 0)).unwrap();
    let c = run(&p, &mut run_rng(5, 1)).unwrap();
    assert_eq!(a.records, b.records);
    assert_ne!(a.records, c.records);
}

#[test]
fn past_the_last_halving_supply_stops_at_the_cap() {
    let text = SCENARIO
        .replace("height = 930342", "height = 6929000")
        .replace("date = \"2026-01-01\"", "date = \"2140-01-01\"")
        .replace("years = 10", "years = 1");
    let p = prepared(&text);
    let r = run(&p, &mut run_rng(1, 0)).unwrap();
    let chain = &p.model.chain;
    check_invariants(&r, chain, 6_929_000);
    let last = r.records.last().unwrap();
    assert_eq!(last.supply_btc, supply_cap_sat(chain) as f64 / 1e8);
    assert_eq!(r.records[200].subsidy_btc, 0.0);
}

/// A fee path (`[fees.growth]`) and a growing world through two decades and
/// five halvings' worth of blocks: the fee per block paid follows the
/// compound path to its cap, and the world share divides by the grown world.
#[test]
fn a_fee_path_and_a_growing_world_are_followed_step_by_step() {
    let text = SCENARIO
        .replace("years = 10", "years = 20\nstep_days = 7")
        .replace(
            "noise_sd_log = 0.3",
            "growth = { usd_per_tx_per_year = 0.1, usd_per_tx_max = 10 }",
        )
        .replace("model = \"gbm\"", "model = \"constant\"\nprice_usd = 88684")
        .replace("drift_per_year = 0.05\nvolatility_per_year = 0.8\n", "")
        .replace("start_price_usd = 88684\n", "")
        + "[world]\nelectricity_twh_per_year = 30000\nelectricity_growth_per_year = 0.03\n";
    let p = prepared(&text);
    let r = run(&p, &mut run_rng(3, 0)).unwrap();
    check_invariants(&r, &p.model.chain, 930_342);
    let mut checked = 0;
    for rec in r.records.iter().filter(|x| x.blocks > 0) {
        let mid = rec.time_years + 3.5 / 365.25;
        let usd_per_tx = (2.0 * 1.1f64.powf(mid)).min(10.0);
        // Fees are paid in whole satoshis per block: compare per block.
        let paid_usd_per_block = rec.fees_usd / rec.blocks as f64;
        let expected = usd_per_tx * 3500.0;
        assert!(
            (paid_usd_per_block / expected - 1.0).abs() < 1e-6,
            "step {}: {paid_usd_per_block} vs {expected}",
            rec.step
        );
        let world = 30_000.0 * 1.03f64.powf(rec.time_years);
        assert!((rec.world_electricity_share * world / rec.energy_twh_per_year - 1.0).abs() < 1e-9);
        checked += 1;
    }
    assert!(checked > 1000, "{checked} steps with blocks");
    // The cap of 10 USD is reached after ln 5 / ln 1.1 = 16.9 years.
    let last = r.records.last().unwrap();
    assert!((last.fees_usd / last.blocks as f64 / 35_000.0 - 1.0).abs() < 1e-6);
}

/// A year of a small agent economy buying through the clearing market,
/// with the output read from `capacity.csv` (or `extra` instead).
fn clearing_path_scenario(extra: &str) -> String {
    format!(
        r#"
name = "clearing-path"
[start]
date = "2026-01-01"
height = 930342
difficulty = 148258433698386
[simulation]
years = 1
[price]
model = "constant"
price_usd = 88684
[miners]
catalogue = "default"
free_entry = true
max_agents = 300
{extra}
[[miners.groups]]
name = "all"
share = 1
agents = 100
electricity = {{ distribution = "lognormal", median_usd_per_kwh = 0.045, sigma = 0.3 }}
"#
    )
}

/// The `[attack]` table prices a double spend at every step from the
/// step's own state: the attacker's hashrate and the attack's length
/// follow the network's, renting needs enough hashrate for rent, and
/// buying is bounded by the clearing market's output.
#[test]
fn attack_economics_follow_each_steps_state() {
    let market = "hardware_market = { model = \"clearing\", capacity_mw_per_month = 300, manufacturing_cost_usd_per_watt = 0.5 }";
    let attack = "\n[attack]\ndouble_spend_usd = 1e9\nrentable_share = 2\nrental_premium = 0.5\nprice_drop_after_attack = 0.3\n";
    let text = clearing_path_scenario(market) + attack;
    let dir = crate::common::tempdir().unwrap();
    let sc = parse_scenario(&text, &dir.path().join("s.toml")).unwrap();
    let p = sc.prepare(dir.path()).unwrap();
    let r = run(&p, &mut run_rng(2, 0)).unwrap();
    assert_eq!(r.attack.len(), r.records.len());
    let m = 0.51 / 0.49;
    let mut priced = 0;
    for (rec, a) in r.records.iter().zip(&r.attack) {
        assert!((a.attacker_eh_s - m * rec.hashrate_eh_s).abs() <= 1e-9 * a.attacker_eh_s.max(1.0));
        assert_eq!(a.payoff_usd, 1e9);
        let Some(hours) = a.duration_hours else {
            assert_eq!(rec.hashrate_eh_s, 0.0);
            continue;
        };
        let interval_s = rec.difficulty * 4_294_967_296.0 / (rec.hashrate_eh_s * 1e18);
        assert!((hours / (24.5 * interval_s / 3600.0) - 1.0).abs() < 1e-9);
        // Renting at the hashprice: the rewards won pay all but the premium.
        let (rent, won, net) = (
            a.rent_usd.unwrap(),
            a.rewards_won_usd.unwrap(),
            a.rent_net_usd.unwrap(),
        );
        assert!((rent / won - 1.5).abs() < 1e-9 && (net - (rent - won)).abs() <= 1e-6 * rent);
        // Buying: the clearing price per TH/s and at most the world's output.
        let hw = a.hardware_usd.unwrap();
        assert!((hw / (a.attacker_eh_s * 1e6 * rec.asic_price_usd_per_th) - 1.0).abs() < 1e-9);
        assert!(a.build_days.unwrap() > 0.0);
        let margin = a.security_margin.unwrap();
        assert!((margin - net.min(a.buy_net_usd.unwrap()) / 1e9).abs() < 1e-12);
        priced += 1;
    }
    assert!(priced > 300, "{priced} steps priced");
    // Without the table nothing is priced.
    let plain =
        parse_scenario(&clearing_path_scenario(market), &dir.path().join("s.toml")).unwrap();
    let r = run(&plain.prepare(dir.path()).unwrap(), &mut run_rng(2, 0)).unwrap();
    assert!(r.attack.is_empty());
}

#[test]
fn clearing_market_output_follows_a_capacity_path() {
    let dir = crate::common::tempdir().unwrap();
    // 100 MW a month in the first half of 2026, 500 MW from 2026-07-01.
    let mut csv = String::from("date,capacity_mw_per_month\n");
    let start: minesim::calendar::Date = "2026-01-01".parse().unwrap();
    for d in 0..366 {
        let day = start.add_days(d);
        let mw = if day < "2026-07-01".parse().unwrap() {
            100
        } else {
            500
        };
        csv += &format!("{day},{mw}\n");
    }
    std::fs::write(dir.path().join("capacity.csv"), csv).unwrap();
    let market = "hardware_market = { model = \"clearing\", capacity_mw_per_month = 1, manufacturing_cost_usd_per_watt = 0.4, capacity_path = { path = \"capacity.csv\" } }";
    let sc = parse_scenario(&clearing_path_scenario(market), &dir.path().join("s.toml")).unwrap();
    let p = sc.prepare(dir.path()).unwrap();
    let r = run(&p, &mut run_rng(1, 0)).unwrap();
    // The output of a step is the one its last review (every 7 days, the
    // first at step 0) read from the path.
    for (i, s) in r.records.iter().enumerate() {
        let review = s.date.add_days(-((i % 7) as i64));
        let want = if review < "2026-07-01".parse().unwrap() {
            100.0
        } else {
            500.0
        };
        assert!(
            (s.manufacturing_capacity_mw_per_month - want).abs() < 1e-9,
            "step {i} ({}): {} MW, want {want}",
            s.date,
            s.manufacturing_capacity_mw_per_month
        );
    }
    // A path that ends before the run: the error names the file and the gap.
    let short: String = std::fs::read_to_string(dir.path().join("capacity.csv"))
        .unwrap()
        .lines()
        .take(100)
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.path().join("capacity.csv"), short).unwrap();
    let e = sc.prepare(dir.path()).unwrap_err().to_string();
    assert!(
        e.contains("capacity.csv")
            && e.contains("capacity_mw_per_month covers 2026-01-01 to 2026-04-09"),
        "{e}"
    );
    // With capacity_growth too: refused, naming the field.
    let both = market.replace(
        "capacity_path = {",
        "capacity_growth = { reinvested_margin_share = 1, usd_per_mw_per_month = 1e8, build_lag_days = 30 }, capacity_path = {",
    );
    let e = parse_scenario(&clearing_path_scenario(&both), &dir.path().join("s.toml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("miners.hardware_market.capacity_path cannot be given together with hardware_market.capacity_growth"), "{e}");
}
