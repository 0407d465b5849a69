//! Property tests of the engine's invariants over random small scenarios:
//! random price, fee and hash-supply models (or a few agents), random
//! chain parameters, steps from an hour to a week and short horizons.
//!
//! Invariants, for every run: the issued supply never exceeds the cap;
//! difficulty changes only at retarget heights and each retarget stays
//! within the clamp of the previous difficulty; spends and hashrates are
//! non-negative; every number of every record and of the summary is finite.

use crate::common::{assert_finite_run, prepare};
use minesim::batch::run_rng;
use minesim::consensus::supply_cap_sat;
use minesim::engine::run;
use proptest::prelude::*;

pub(crate) fn price_model() -> impl Strategy<Value = String> {
    prop_oneof![
        (1e-3..1e8f64).prop_map(|p| format!("model = \"constant\"\nprice_usd = {p:e}")),
        (1.0..1e6f64, -10.0..10.0f64, 0.0..10.0f64).prop_map(|(p, mu, s)| format!(
            "model = \"gbm\"\nstart_price_usd = {p:e}\ndrift_per_year = {mu}\nvolatility_per_year = {s}"
        )),
        (1.0..1e6f64, -3.0..3.0f64, 0.0..3.0f64, 0.0..1000.0f64, -5.0..5.0f64, 0.0..5.0f64)
            .prop_map(|(p, mu, s, l, jm, js)| format!(
                "model = \"jump_diffusion\"\nstart_price_usd = {p:e}\ndrift_per_year = {mu}\n\
                 volatility_per_year = {s}\njumps_per_year = {l}\njump_mean_log = {jm}\njump_sd_log = {js}"
            )),
        (1.0..1e6f64, -5.0..5.0f64, 0.0..3.0f64, 0.1..1000.0f64, any::<bool>()).prop_map(
            |(p, mu, s, days, bull)| format!(
                "model = \"regime_switching\"\nstart_price_usd = {p:e}\nbull_drift_per_year = {mu}\n\
                 bull_volatility_per_year = {s}\nbear_drift_per_year = {}\nbear_volatility_per_year = {s}\n\
                 mean_bull_days = {days}\nmean_bear_days = {days}\nstart_in = \"{}\"",
                -mu,
                if bull { "bull" } else { "bear" }
            )
        ),
        (0.0..1e6f64, 0.0..1e6f64, 1..400i64).prop_map(|(a, b, days)| format!(
            "model = \"piecewise_linear\"\npoints = [{{ date = \"2026-01-01\", price_usd = {a:e} }}, \
             {{ date = \"{}\", price_usd = {b:e} }}]",
            minesim::calendar::Date::from_ymd(2026, 1, 1).unwrap().add_days(days)
        )),
    ]
}

pub(crate) fn fee_model() -> impl Strategy<Value = String> {
    let noise = 0.0..5.0f64;
    let fee_only = prop_oneof![
        Just(String::new()),
        (0..200i64).prop_map(|d| format!(
            "fee_only_from = \"{}\"\n",
            minesim::calendar::Date::from_ymd(2026, 1, 1)
                .unwrap()
                .add_days(d)
        ))
    ];
    (
        prop_oneof![
            (0.0..1e3f64, 0.0..1e5f64, noise.clone()).prop_map(|(u, n, s)| format!(
                "model = \"usd_per_tx\"\nusd_per_tx = {u}\ntx_per_block = {n}\nnoise_sd_log = {s}\n"
            )),
            (0.0..1e3f64, noise.clone()).prop_map(|(b, s)| format!(
                "model = \"btc_per_block\"\nbtc_per_block = {b}\nnoise_sd_log = {s}\n"
            )),
            (0.0..10.0f64, noise).prop_map(|(x, s)| format!(
                "model = \"subsidy_share\"\nshare = {x}\nnoise_sd_log = {s}\n"
            )),
            Just("model = \"none\"\n".to_string()),
        ],
        fee_only,
    )
        .prop_map(|(m, f)| format!("{m}{f}"))
}

pub(crate) fn supply() -> impl Strategy<Value = String> {
    prop_oneof![
        (0.0..1e4f64, 0.1..200.0f64, 0.0..1.0f64).prop_map(|(h, j, e)| format!(
            "[hash_supply]\nmodel = \"fixed\"\nhashrate_eh_s = {h}\nj_per_th = {j}\nenergy_price_usd_per_kwh = {e}"
        )),
        (-1e3..1e4f64, 0.0..1e3f64, 1.0..1e9f64).prop_map(|(a, b, u)| format!(
            "[hash_supply]\nmodel = \"linear\"\nintercept_eh_s = {a}\nslope_eh_s = {b}\nreward_unit_usd_per_day = {u:e}"
        )),
        (-1e3..1e3f64, 0.0..1e3f64).prop_map(|(a, b)| format!(
            "[hash_supply]\nmodel = \"linear_per_hash\"\nintercept_eh_s = {a}\nslope_eh_s = {b}"
        )),
        (0.0..1e4f64, -10.0..10.0f64, 0.0..100.0f64).prop_map(|(cap, c, k)| format!(
            "[hash_supply]\nmodel = \"sigmoid_per_hash\"\ncap_eh_s = {cap}\ncenter_usd_per_eh = {c}\nsteepness = {k}"
        )),
        (1..8usize, 0.0..0.3f64, 0.0..2.0f64, any::<bool>(), 0.0..0.9f64).prop_map(
            |(n, kwh, sigma, entry, off)| format!(
                "[miners]\nmax_agents = 20\nfree_entry = {entry}\nreview_interval_days = 3\n\
                 [[miners.groups]]\nname = \"a\"\nshare = 0.5\nagents = {n}\n\
                 electricity = {{ distribution = \"lognormal\", median_usd_per_kwh = {}, sigma = {sigma} }}\n\
                 curtailment = {{ share_of_time_off = {off}, price_discount = 0.5 }}\n\
                 [[miners.groups]]\nname = \"b\"\nshare = 0.5\nagents = {n}\nexpectation = \"halving_aware\"\n\
                 electricity = {{ distribution = \"uniform\", low_usd_per_kwh = 0, high_usd_per_kwh = {kwh} }}",
                kwh + 1e-3
            )
        ),
        // The clearing market for machines, scarce to ample output.
        (1..8usize, 0.0..0.3f64, any::<bool>(), 1e-3..1e5f64, 1e-3..10.0f64).prop_map(
            |(n, kwh, entry, mw, usd_w)| format!(
                "[miners]
max_agents = 20
free_entry = {entry}
review_interval_days = 3
                 hardware_market = {{ model = \"clearing\", capacity_mw_per_month = {mw}, manufacturing_cost_usd_per_watt = {usd_w} }}
                 [[miners.groups]]
name = \"a\"
share = 1
agents = {n}
                 electricity = {{ distribution = \"uniform\", low_usd_per_kwh = 0, high_usd_per_kwh = {} }}",
                kwh + 1e-3
            )
        ),
    ]
}

/// (chain table, start table) with random consensus parameters.
pub(crate) fn chain_and_start() -> impl Strategy<Value = (String, String)> {
    (
        2..3000u64,
        1..1200u64,
        2..10u64,
        1..300_000u64,
        0..7_000_000u64,
        1e3..1e15f64,
        any::<bool>(),
    )
        .prop_map(
            |(interval, spacing, clamp, halving, height, d, per_block)| {
                (
                    format!(
                    "[chain]\nretarget_interval_blocks = {interval}\ntarget_spacing_s = {spacing}\n\
                     retarget_clamp_factor = {clamp}\nhalving_interval_blocks = {halving}\n"
                ),
                    format!(
                        "[start]\ndate = \"2026-01-01\"\nheight = {height}\ndifficulty = {d:e}\n\
                     [simulation]\nblock_sampling = \"{}\"\n",
                        if per_block { "per_block" } else { "aggregate" }
                    ),
                )
            },
        )
}

fn scenario() -> impl Strategy<Value = String> {
    (
        chain_and_start(),
        1.0 / 24.0..7.0f64,
        5..120u64,
        price_model(),
        fee_model(),
        supply(),
        any::<u64>(),
    )
        .prop_map(
            |((chain, start), step_days, steps, price, fees, supply, seed)| {
                let years = step_days * steps as f64 / 365.25;
                format!(
                    "seed = {seed}\n{chain}{start}years = {years}\nstep_days = {step_days}\n\
                 [price]\n{price}\n[fees]\n{fees}\n{supply}\n"
                )
            },
        )
}

/// A random scenario on a chain with one of the per-block rules.
fn per_block_scenario() -> impl Strategy<Value = String> {
    (scenario(), any::<bool>(), 600..1_000_000i64).prop_map(|(text, asert, half_life)| {
        let rule = if asert {
            format!("difficulty_rule = \"asert\"\nasert_half_life_s = {half_life}\n")
        } else {
            "difficulty_rule = \"cw144\"\n".to_string()
        };
        text.replacen("[chain]\n", &format!("[chain]\n{rule}"), 1)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// ASERT and cw-144: the same supply, sign and finiteness invariants;
    /// no epoch retargets; the difficulty never easier than the
    /// proof-of-work limit (difficulty 1 on these chains).
    #[test]
    fn per_block_rule_invariants_hold(text in per_block_scenario()) {
        let p = prepare(&text);
        let sc = &p.scenario;
        let r = match run(&p.model, &mut run_rng(sc.seed, 0)) {
            Ok(r) => r,
            Err(e) => return Err(TestCaseError::reject(e.to_string())),
        };
        assert_finite_run(&r);
        let cap = supply_cap_sat(&sc.chain) as f64 / 1e8;
        let subsidies: f64 = r.records.iter().map(|s| s.subsidy_btc).sum();
        prop_assert!(subsidies <= cap);
        for (i, s) in r.records.iter().enumerate() {
            prop_assert!(s.supply_btc <= cap, "step {i}: supply {} above cap {cap}", s.supply_btc);
            prop_assert!(s.difficulty >= 1.0 - 1e-9, "step {i}: difficulty {}", s.difficulty);
            prop_assert!(s.hashrate_eh_s >= 0.0 && s.reward_usd >= 0.0 && s.energy_cost_usd >= 0.0);
            prop_assert_eq!(s.retargets, 0);
        }
        prop_assert!(r.retargets.is_empty());
    }

    #[test]
    fn engine_invariants_hold(text in scenario()) {
        let p = prepare(&text);
        let sc = &p.scenario;
        let chain = &sc.chain;
        let r = match run(&p.model, &mut run_rng(sc.seed, 0)) {
            Ok(r) => r,
            // Agents may find no hardware released by the start date, etc.
            Err(e) => return Err(TestCaseError::reject(e.to_string())),
        };
        assert_finite_run(&r);
        let cap = supply_cap_sat(chain) as f64 / 1e8;
        let clamp = chain.retarget_clamp_factor as f64;
        let timespan = chain.target_timespan_s();
        let mut prev_difficulty = r.records[0].difficulty;
        for (i, s) in r.records.iter().enumerate() {
            prop_assert!(s.supply_btc <= cap, "step {i}: supply {} above cap {cap}", s.supply_btc);
            prop_assert!(s.hashrate_eh_s >= 0.0 && s.installed_hashrate_eh_s >= 0.0);
            prop_assert!(s.hashrate_eh_s <= s.installed_hashrate_eh_s * (1.0 + 1e-9) + 1e-12);
            for (name, x) in [
                ("energy", s.energy_cost_usd),
                ("heat", s.heat_credit_usd),
                ("capex", s.capex_usd),
                ("amortised", s.amortised_capex_usd),
                ("capital charge", s.capital_charge_usd),
                ("other", s.other_cost_usd),
                ("power", s.power_gw),
                ("reward", s.reward_usd),
                ("fees", s.fees_btc),
                ("subsidy", s.subsidy_btc),
            ] {
                prop_assert!(x >= 0.0, "step {i}: {name} = {x}");
            }
            // The machines' market: revenue is the hardware bill, the margin
            // is within it, and no machine sells below zero.
            prop_assert_eq!(s.manufacturer_revenue_usd, s.capex_usd);
            prop_assert!(s.asic_price_usd_per_th >= 0.0);
            if let Some(m) = s.manufacturer_margin_usd {
                prop_assert!(m >= 0.0 && m <= s.capex_usd * (1.0 + 1e-9) + 1e-9, "step {i}: margin {m} of {}", s.capex_usd);
            }
            if i > 0 && s.retargets == 0 {
                prop_assert_eq!(s.difficulty, prev_difficulty, "step {} changed difficulty without a retarget", i);
            }
            prev_difficulty = s.difficulty;
        }
        // Issued supply: start supply plus the step subsidies, never above the cap.
        let subsidies: f64 = r.records.iter().map(|s| s.subsidy_btc).sum();
        prop_assert!(subsidies <= cap);
        let mut difficulty = None;
        for t in &r.retargets {
            prop_assert_eq!(t.height % chain.retarget_interval_blocks, 0, "retarget at height {}", t.height);
            if let Some(d) = difficulty {
                prop_assert_eq!(t.old_difficulty, d);
            }
            // The clamp is applied to the timespan in integer seconds, as in
            // Core: [timespan / clamp (truncated), timespan × clamp]. Compact
            // encoding truncates the target: allow a relative 1e-4.
            let f = t.new_difficulty / t.old_difficulty;
            let lo = timespan / chain.retarget_clamp_factor;
            let up = if lo > 0 { timespan as f64 / lo as f64 } else { f64::INFINITY };
            prop_assert!(
                f <= up * (1.0 + 1e-4) && f >= 1.0 / clamp * (1.0 - 1e-4),
                "retarget factor {f} outside clamp {clamp} (timespan {timespan} s)"
            );
            difficulty = Some(t.new_difficulty);
        }
        prop_assert_eq!(r.summary.retargets, r.retargets.len() as u64);
    }
}
