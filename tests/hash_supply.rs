//! The reduced-form hash supplies of `[hash_supply]`, checked against
//! hand-computed values of their formulas.

use minesim::calendar::Date;
use minesim::engine::supply::HashSupplyConfig;
use minesim::miners::MarketView;

/// A market where the expected reward is exactly `r` USD per 10^18 hashes:
/// 12.5 BTC per block, difficulty 1e18 / 2^32 (one block per 10^18 hashes),
/// price r / 12.5.
fn view_with_reward_per_eh(r: f64) -> MarketView {
    MarketView {
        date: "2018-11-20".parse::<Date>().unwrap(),
        t_s: 0.0,
        dt_s: 3600.0,
        step_index: 0,
        price_usd: r / 12.5,
        difficulty: 1e18 / 4_294_967_296.0,
        subsidy_btc_per_block: 12.5,
        fee_btc_per_block: 0.0,
        height: 551_443,
        target_spacing_s: 600.0,
        blocks_to_next_halving: 78_557,
        halving_interval_blocks: 210_000,
    }
}

fn noda_sigmoid() -> HashSupplyConfig {
    toml::from_str(
        "model = \"sigmoid_per_hash\"\ncap_eh_s = 55\ncenter_usd_per_eh = 1.5\nsteepness = 3",
    )
    .unwrap()
}

#[test]
fn sigmoid_matches_the_logistic_formula() {
    let s = noda_sigmoid();
    for r in [0.0, 0.5, 1.0, 1.5, 1.578, 2.0, 2.458, 3.12, 5.0] {
        let want = 55.0 / (1.0 + (-3.0 * (r - 1.5f64)).exp());
        let got = s.hashrate_hs(&view_with_reward_per_eh(r)) / 1e18;
        assert!(
            (got - want).abs() < 1e-9 * 55.0,
            "R = {r}: {got} EH/s, formula {want}"
        );
    }
    // Half the cap at the center, by construction.
    let mid = s.hashrate_hs(&view_with_reward_per_eh(1.5)) / 1e18;
    assert!((mid - 27.5).abs() < 1e-9);
}

#[test]
fn sigmoid_is_finite_and_bounded_at_extremes() {
    let s = noda_sigmoid();
    let mut last = 0.0;
    for r in [-1e12, -1e3, -10.0, 0.0, 1.0, 10.0, 1e3, 1e12] {
        let h = s.hashrate_hs(&view_with_reward_per_eh(r));
        assert!(h.is_finite() && (0.0..=55e18).contains(&h), "R = {r}: {h}");
        assert!(h >= last, "not monotone at R = {r}");
        last = h;
    }
    assert_eq!(s.hashrate_hs(&view_with_reward_per_eh(1e12)), 55e18);
    // Zero difficulty: no reward per hash is defined; the supply is the
    // logistic at R = 0.
    let mut v = view_with_reward_per_eh(2.0);
    v.difficulty = 0.0;
    let h0 = s.hashrate_hs(&v) / 1e18;
    assert!((h0 - 55.0 / (1.0 + 4.5f64.exp())).abs() < 1e-9);
}

#[test]
fn linear_per_hash_matches_noda_fit() {
    let s: HashSupplyConfig = toml::from_str(
        "model = \"linear_per_hash\"\nintercept_eh_s = 23.5944\nslope_eh_s = 9.0222",
    )
    .unwrap();
    let got = s.hashrate_hs(&view_with_reward_per_eh(2.458)) / 1e18;
    assert!((got - (23.5944 + 9.0222 * 2.458)).abs() < 1e-9);
}

#[test]
fn sigmoid_rejects_out_of_range_fields_with_paths() {
    let s: HashSupplyConfig = toml::from_str(
        "model = \"sigmoid_per_hash\"\ncap_eh_s = -1\ncenter_usd_per_eh = 1.5\nsteepness = -3",
    )
    .unwrap();
    let mut v = minesim::validate::Validator::default();
    s.validate(&mut v, "hash_supply");
    let text: Vec<String> = v.into_errors().iter().map(|e| e.to_string()).collect();
    let text = text.join("\n");
    assert!(
        text.contains("hash_supply.cap_eh_s must be in [0, 1000000000], got -1"),
        "{text}"
    );
    assert!(
        text.contains("hash_supply.steepness must be in [0, 1000000000], got -3"),
        "{text}"
    );
}
