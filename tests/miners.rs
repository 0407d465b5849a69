//! Integration tests of the miner economics, driven by a tiny deterministic
//! engine: daily steps, expected (not random) block counts, difficulty reset
//! every 14 days so that the block rate returns to one per 600 s
//! (`difficulty = mean hashrate × 600 / 2^32`, clamped to a factor 4 like
//! Bitcoin's rule), price and subsidy given as functions of the day.

use minesim::calendar::Date;
use minesim::miners::{MarketView, MinersConfig, MinersError, Population, StepOutcome, TWO_POW_32};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Sums of a window of steps.
#[derive(Debug, Default, Clone, Copy)]
struct Totals {
    reward: f64,
    energy: f64,
    heat: f64,
    amortised: f64,
    other: f64,
    capex: f64,
    capital: f64,
    hashrate_days: f64,
    days: f64,
}

impl Totals {
    fn add(&mut self, o: &StepOutcome, reward: f64) {
        self.reward += reward;
        self.energy += o.energy_cost_usd;
        self.heat += o.heat_credit_usd;
        self.amortised += o.amortised_capex_usd;
        self.other += o.other_cost_usd;
        self.capex += o.capex_usd;
        self.capital += o.capital_charge_usd;
        self.hashrate_days += o.hashrate_hs;
        self.days += 1.0;
    }
    /// Economic spend: electricity − heat credit + depreciation + other costs.
    fn spend(&self) -> f64 {
        self.energy - self.heat + self.amortised + self.other
    }
}

struct Engine {
    date0: Date,
    day: u64,
    difficulty: f64,
    height: u64,
    epoch_hash_sum: f64,
    epoch_days: u64,
}

const HALVING_INTERVAL: u64 = 210_000;

impl Engine {
    fn new(date0: Date, difficulty: f64, height: u64) -> Self {
        Engine {
            date0,
            day: 0,
            difficulty,
            height,
            epoch_hash_sum: 0.0,
            epoch_days: 0,
        }
    }

    fn view(&self, price: f64, subsidy: f64, fee: f64) -> MarketView {
        let next_halving = (self.height / HALVING_INTERVAL + 1) * HALVING_INTERVAL;
        MarketView {
            date: self.date0.add_days(self.day as i64),
            t_s: self.day as f64 * 86_400.0,
            dt_s: 86_400.0,
            step_index: self.day,
            price_usd: price,
            difficulty: self.difficulty,
            subsidy_btc_per_block: subsidy,
            fee_btc_per_block: fee,
            height: self.height,
            target_spacing_s: 600.0,
            blocks_to_next_halving: next_halving - self.height,
            halving_interval_blocks: HALVING_INTERVAL,
        }
    }

    /// One day: step, expected blocks, settle, retarget. Returns (outcome, reward USD).
    fn day(
        &mut self,
        pop: &mut Population,
        rng: &mut ChaCha8Rng,
        price: f64,
        subsidy: f64,
        fee: f64,
    ) -> (StepOutcome, f64) {
        let v = self.view(price, subsidy, fee);
        let o = pop.step(&v, rng);
        let blocks = o.hashrate_hs * 86_400.0 / (self.difficulty * TWO_POW_32);
        let reward = blocks * (subsidy + fee) * price;
        pop.settle(reward);
        self.height += blocks.round() as u64;
        self.epoch_hash_sum += o.hashrate_hs;
        self.epoch_days += 1;
        self.day += 1;
        if self.epoch_days == 14 {
            let mean = self.epoch_hash_sum / 14.0;
            if mean > 0.0 {
                let d = mean * 600.0 / TWO_POW_32;
                self.difficulty = d.clamp(self.difficulty / 4.0, self.difficulty * 4.0);
            }
            self.epoch_hash_sum = 0.0;
            self.epoch_days = 0;
        }
        (o, reward)
    }
}

fn assert_finite(o: &StepOutcome, pop: &Population) {
    let f = [
        o.hashrate_hs,
        o.installed_hashrate_hs,
        o.power_w,
        o.energy_cost_usd,
        o.heat_credit_usd,
        o.capex_usd,
        o.amortised_capex_usd,
        o.other_cost_usd,
        o.switched_off_share,
        o.marginal_energy_cost_usd_per_th_day,
        o.hardware_cost_usd_per_th,
        o.fleet_j_per_th,
    ];
    assert!(f.iter().all(|x| x.is_finite()), "{o:?}");
    assert!(pop
        .hashrate_by_generation_hs()
        .iter()
        .all(|x| x.is_finite()));
    assert!(pop.group_profit_usd().iter().all(|x| x.is_finite()));
    assert!(pop.agent_cash_usd().iter().all(|x| x.is_finite()));
}

fn cfg(toml_text: &str) -> MinersConfig {
    let c: MinersConfig = toml::from_str(toml_text).unwrap();
    c.check().unwrap();
    c
}

/// Three generations at 100, 50 and 30 J/TH (explicit prices), one group
/// of identical agents at $0.05/kWh, PUE 1, no purchases (capacity 0).
const FIXED_FLEET: &str = r#"
catalogue = [
  { name = "old", release = "2018-01", j_per_th = 100, th_per_unit = 10, price_usd_per_th = 50, lifetime_years = 30 },
  { name = "mid", release = "2019-01", j_per_th = 50, th_per_unit = 20, price_usd_per_th = 40, lifetime_years = 30 },
  { name = "new", release = "2020-01", j_per_th = 30, th_per_unit = 50, price_usd_per_th = 30, lifetime_years = 30 },
]
manufacturing_capacity_th_per_month = 0
initial_fleet = { years = 5, age_decay_years = 100 }
[[groups]]
name = "all"
share = 1
agents = 50
electricity = { distribution = "fixed", usd_per_kwh = 0.05 }
pue = 1.0
patience_days = 3650
"#;

fn start_view(date: Date, difficulty: f64, price: f64, subsidy: f64, height: u64) -> MarketView {
    let mut e = Engine::new(date, difficulty, height);
    e.day = 0;
    e.view(price, subsidy, 0.0)
}

/// Difficulty at which hashprice is `h` USD/TH/day for a given reward.
fn difficulty_for_hashprice(h: f64, subsidy: f64, price: f64) -> f64 {
    subsidy * price * 86_400e12 / (h * TWO_POW_32)
}

#[test]
fn shares_not_summing_to_one_give_the_exact_error() {
    let mut c: MinersConfig = toml::from_str(FIXED_FLEET).unwrap();
    c.groups[0].share = 0.5;
    let mut g2 = c.groups[0].clone();
    g2.name = "second".into();
    g2.share = 0.4;
    c.groups.push(g2);
    let d = Date::from_ymd(2021, 1, 1).unwrap();
    let v = start_view(d, 1e13, 30_000.0, 6.25, 660_000);
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    match Population::new(&c, &v, &mut rng) {
        Err(MinersError::Invalid(e)) => {
            assert_eq!(e.len(), 1);
            assert_eq!(
                e[0].to_string(),
                "miners.groups shares must sum to 1 (within 1e-9), got 0.9"
            );
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
}

#[test]
fn initial_hashrate_matches_start_difficulty_and_is_stable() {
    // The pitfall: deciding on current difficulty, the operating set at a
    // constant price does not flip on/off between steps.
    let c = cfg(FIXED_FLEET);
    let d = Date::from_ymd(2021, 1, 1).unwrap();
    let (price, subsidy) = (30_000.0, 6.25);
    let diff = difficulty_for_hashprice(0.2, subsidy, price);
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let mut pop =
        Population::new(&c, &start_view(d, diff, price, subsidy, 660_000), &mut rng).unwrap();
    let mut e = Engine::new(d, diff, 660_000);
    let (o, _) = e.day(&mut pop, &mut rng, price, subsidy, 0.0);
    let target = diff * TWO_POW_32 / 600.0;
    // Tolerance 1e-9 relative: pure arithmetic.
    assert!(
        (o.hashrate_hs / target - 1.0).abs() < 1e-9,
        "{} vs {target}",
        o.hashrate_hs
    );
    let mut prev = o.hashrate_hs;
    for _ in 0..200 {
        let (o, _) = e.day(&mut pop, &mut rng, price, subsidy, 0.0);
        assert!((o.hashrate_hs / prev - 1.0).abs() < 1e-9);
        prev = o.hashrate_hs;
    }
}

#[test]
fn energy_share_of_reward_falls_when_price_rises() {
    // Fixed hardware, no entry: the electricity bill is set by the fleet,
    // the reward by the price, so energy / reward falls as price rises.
    let c = cfg(FIXED_FLEET);
    let d = Date::from_ymd(2021, 1, 1).unwrap();
    let subsidy = 6.25;
    let diff = difficulty_for_hashprice(0.2, subsidy, 30_000.0);
    let ratio = |price: f64| {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let mut pop = Population::new(
            &c,
            &start_view(d, diff, 30_000.0, subsidy, 660_000),
            &mut rng,
        )
        .unwrap();
        let mut e = Engine::new(d, diff, 660_000);
        let mut t = Totals::default();
        for day in 0..140 {
            let (o, r) = e.day(&mut pop, &mut rng, price, subsidy, 0.0);
            if day >= 84 {
                t.add(&o, r);
            }
        }
        t.energy / t.reward
    };
    let (r1, r2, r4) = (ratio(30_000.0), ratio(60_000.0), ratio(120_000.0));
    assert!(r1 > r2 && r2 > r4, "{r1} {r2} {r4}");
    // All machines run at these prices, so the ratio halves exactly (1e-6).
    assert!(
        (r2 / r1 - 0.5).abs() < 1e-6 && (r4 / r2 - 0.5).abs() < 1e-6,
        "{r1} {r2} {r4}"
    );
    assert!(r1 < 1.0);
}

#[test]
fn halving_switches_off_the_least_efficient_first() {
    let c = cfg(FIXED_FLEET);
    let d = Date::from_ymd(2022, 1, 1).unwrap();
    let price = 40_000.0;
    // Hashprice 0.20 before the halving: every generation runs (costs 0.12,
    // 0.06, 0.036). Just after it, 0.10: "old" (0.12) must stop, the others run.
    let diff = difficulty_for_hashprice(0.2, 6.25, price);
    let height = 840_000 - 144 * 20; // halving in about 20 days
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let mut pop = Population::new(&c, &start_view(d, diff, price, 6.25, height), &mut rng).unwrap();
    let mut e = Engine::new(d, diff, height);
    let mut before = Vec::new();
    loop {
        let subsidy = if e.height >= 840_000 { 3.125 } else { 6.25 };
        let (o, _) = e.day(&mut pop, &mut rng, price, subsidy, 0.0);
        assert_finite(&o, &pop);
        if subsidy == 6.25 {
            before = pop.hashrate_by_generation_hs().to_vec();
            assert!(before.iter().all(|&x| x > 0.0));
        } else {
            let after = pop.hashrate_by_generation_hs();
            assert_eq!(pop.generation_names()[0], "old");
            assert_eq!(after[0], 0.0, "least efficient still on");
            assert_eq!(after[1], before[1]);
            assert_eq!(after[2], before[2]);
            break;
        }
    }
}

#[test]
fn price_crash_gives_zero_hashrate_and_no_nan() {
    let c = cfg(FIXED_FLEET);
    let d = Date::from_ymd(2021, 1, 1).unwrap();
    let diff = difficulty_for_hashprice(0.2, 6.25, 30_000.0);
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let mut pop =
        Population::new(&c, &start_view(d, diff, 30_000.0, 6.25, 660_000), &mut rng).unwrap();
    let mut e = Engine::new(d, diff, 660_000);
    for day in 0..120 {
        let price = if day < 10 { 30_000.0 } else { 1.0 };
        let (o, r) = e.day(&mut pop, &mut rng, price, 6.25, 0.0);
        assert_finite(&o, &pop);
        assert!(r.is_finite());
        if day >= 10 {
            assert_eq!(o.hashrate_hs, 0.0);
            assert_eq!(o.energy_cost_usd, 0.0);
            assert_eq!(o.switched_off_share, 1.0);
            assert!(pop.hashrate_by_generation_hs().iter().all(|&x| x == 0.0));
        }
    }
    // Also the default catalogue with investment and entry switched on.
    let c = cfg(&format!(
        "free_entry = true\nmanufacturing_capacity_th_per_month = 1e7\n{BASE_DEFAULT}"
    ));
    let d = Date::from_ymd(2026, 1, 1).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(6);
    let mut pop = Population::new(
        &c,
        &start_view(d, 1.4826e14, 88_684.0, 3.125, 930_342),
        &mut rng,
    )
    .unwrap();
    let mut e = Engine::new(d, 1.4826e14, 930_342);
    for day in 0..200 {
        let price = if day < 30 { 88_684.0 } else { 1e-3 };
        let (o, _) = e.day(&mut pop, &mut rng, price, 3.125, 0.02);
        assert_finite(&o, &pop);
        if day >= 30 {
            assert_eq!(o.hashrate_hs, 0.0);
        }
    }
}

const BASE_DEFAULT: &str = r#"
catalogue = "default"
delivery_lag_days = 30
[future]
[[groups]]
name = "industrial"
share = 0.7
agents = 300
electricity = { distribution = "lognormal", median_usd_per_kwh = 0.045, sigma = 0.3 }
expectation = "halving_aware"
other_cost_usd_per_th_day = 0.001
[[groups]]
name = "home"
share = 0.3
agents = 700
electricity = { distribution = "uniform", low_usd_per_kwh = 0.05, high_usd_per_kwh = 0.2 }
pue = 1.0
heat_reuse_credit_usd_per_kwh = 0.01
curtailment = { share_of_time_off = 0.1, price_discount = 0.2 }
"#;

/// Free entry with one kind of miner: no power cost, one generation at a
/// fixed price, no discounting and no expected difficulty growth.
fn zero_rent_config(j_per_th: f64, electricity: &str) -> String {
    format!(
        r#"
catalogue = [ {{ name = "only", release = "2020-01", j_per_th = {j_per_th}, th_per_unit = 100, price_usd_per_th = 20, lifetime_years = 2 }} ]
hardware_price = {{ track_hashprice = false }}
manufacturing_capacity_th_per_month = 2e8
delivery_lag_days = 14
free_entry = true
entry_agent_capital_usd = 1e6
max_agents = 50000
review_interval_days = 7
[[groups]]
name = "miners"
share = 1
agents = 100
capital_usd = 0
electricity = {electricity}
pue = 1.0
hurdle_rate_per_year = 0
difficulty_growth_per_year = 0
patience_days = 3650
"#
    )
}

/// Runs `years` at a constant price; returns totals over the last `tail_years`.
fn long_run(c: &MinersConfig, years: u64, tail_years: u64, seed: u64) -> (Totals, Population) {
    let d = Date::from_ymd(2021, 1, 1).unwrap();
    let (price, subsidy) = (30_000.0, 6.25);
    // Start at 100 EH/s.
    let diff = 1e20 * 600.0 / TWO_POW_32;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut pop =
        Population::new(c, &start_view(d, diff, price, subsidy, 660_000), &mut rng).unwrap();
    let mut e = Engine::new(d, diff, 660_000);
    let mut t = Totals::default();
    let days = years * 365;
    for day in 0..days {
        // Subsidy held constant: no halving in these equilibrium tests.
        let (o, r) = e.day(&mut pop, &mut rng, price, subsidy, 0.0);
        assert_finite(&o, &pop);
        if day >= days - tail_years * 365 {
            t.add(&o, r);
        }
    }
    (t, pop)
}

/// Machines retire after two years while agents keep topping up: the
/// slot of a retired holding is reused, and a top-up must go to the
/// agent's own holding, never to another agent's that took the slot (a bug
/// that once left phantom load on sites and machines with the wrong owner).
/// Every day each agent's booked load equals its own holdings and orders.
#[test]
fn every_agents_load_is_its_own_machines_through_retirements_and_top_ups() {
    let c = cfg(&zero_rent_config(
        30.0,
        "{ distribution = \"lognormal\", median_usd_per_kwh = 0.02, sigma = 0.5 }",
    ));
    let d = Date::from_ymd(2021, 1, 1).unwrap();
    let (price, subsidy) = (30_000.0, 6.25);
    let diff = 1e20 * 600.0 / TWO_POW_32;
    let mut rng = ChaCha8Rng::seed_from_u64(17);
    let mut pop =
        Population::new(&c, &start_view(d, diff, price, subsidy, 660_000), &mut rng).unwrap();
    let mut e = Engine::new(d, diff, 660_000);
    let mut worst: f64 = 0.0;
    let mut load_w: f64 = 0.0;
    for _ in 0..6 * 365 {
        let (o, _) = e.day(&mut pop, &mut rng, price, subsidy, 0.0);
        assert_finite(&o, &pop);
        load_w = load_w.max(o.power_w);
        worst = worst.max(pop.load_accounting_gap_w());
    }
    assert!(load_w > 0.0);
    // Rounding of sums of a few thousand terms: 1e-9 of the peak power.
    assert!(
        worst <= 1e-9 * load_w,
        "gap {worst} W at a peak of {load_w} W"
    );
}

#[test]
fn free_entry_with_identical_zero_cost_miners_spends_the_reward() {
    // Zero power cost, identical miners, hurdle 0, free entry: entry and
    // reinvestment continue while a machine earns more than its price over
    // its life, so in the long run depreciation (the only cost) equals the
    // reward (Budish; Ma, Gans & Tourky). Tolerance ±10 % over years 6-10:
    // the 14-day retarget and the 14-day delivery lag make investment
    // overshoot and echo with the 2-year lifetime.
    let c = cfg(&zero_rent_config(
        20.0,
        r#"{ distribution = "fixed", usd_per_kwh = 0.0 }"#,
    ));
    let (t, pop) = long_run(&c, 10, 5, 7);
    let ratio = t.spend() / t.reward;
    eprintln!(
        "zero-cost free entry: spend / reward = {ratio:.3}, agents {}",
        pop.agent_count()
    );
    assert!((ratio - 1.0).abs() < 0.10, "spend / reward = {ratio}");
    assert!(pop.agent_count() > 100, "entry happened");
    assert_eq!(t.energy, 0.0);
}

#[test]
fn doubling_efficiency_leaves_long_run_spend_in_a_band() {
    // Same hardware price per TH/s, same power prices, every generation twice
    // as efficient. With free entry, hashrate grows until the marginal
    // machine only just pays back; total cost (power + depreciation) is then
    // tied to the reward, not to efficiency: more efficient machines mean
    // more hashrate and a lower hashprice, and a shift of spend from power to
    // hardware. Spend differs only by the change in inframarginal rents of
    // cheap-power miners, so the two runs' spend agree within ±20 % (and both
    // stay within 60-110 % of the reward).
    let el = r#"{ distribution = "uniform", low_usd_per_kwh = 0.02, high_usd_per_kwh = 0.08 }"#;
    let a = cfg(&zero_rent_config(40.0, el));
    let b = cfg(&zero_rent_config(20.0, el));
    let (ta, _) = long_run(&a, 10, 5, 8);
    let (tb, _) = long_run(&b, 10, 5, 8);
    let (sa, sb) = (ta.spend() / ta.reward, tb.spend() / tb.reward);
    eprintln!(
        "spend/reward: {sa:.3} (40 J/TH, energy share {:.3}) vs {sb:.3} (20 J/TH, energy share {:.3}); hashrate ratio {:.2}",
        ta.energy / ta.reward,
        tb.energy / tb.reward,
        tb.hashrate_days / ta.hashrate_days
    );
    // Same price and subsidy; the reward differs only through block timing
    // between retargets (within 5 %).
    assert!((ta.reward / tb.reward - 1.0).abs() < 0.05);
    assert!((sb / sa - 1.0).abs() < 0.20, "{sa} vs {sb}");
    assert!(
        (0.6..1.1).contains(&sa) && (0.6..1.1).contains(&sb),
        "{sa} {sb}"
    );
    // More efficient machines: more hashrate, less of the spend on power.
    // Not twice the hashrate: at $20/TH over 2 years, hardware is about half
    // of the marginal machine's cost per TH-day and does not get cheaper; the
    // marginal (cheapest-power) entrant's break-even hashprice falls from
    // 0.047 to 0.037 USD/TH/day, i.e. 1.26 times the hashrate.
    assert!(tb.hashrate_days > 1.15 * ta.hashrate_days);
    assert!(tb.energy / tb.reward < ta.energy / ta.reward);
}

#[test]
fn hundred_thousand_agents_build_and_step() {
    let text = BASE_DEFAULT
        .replace("agents = 300", "agents = 30000")
        .replace("agents = 700", "agents = 70000");
    let c = cfg(&format!("free_entry = true\nmax_agents = 110000\n{text}"));
    let d = Date::from_ymd(2026, 1, 1).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(9);
    let t0 = std::time::Instant::now();
    let mut pop = Population::new(
        &c,
        &start_view(d, 1.4826e14, 88_684.0, 3.125, 930_342),
        &mut rng,
    )
    .unwrap();
    assert_eq!(pop.agent_count(), 100_000);
    let mut e = Engine::new(d, 1.4826e14, 930_342);
    for _ in 0..60 {
        let (o, _) = e.day(&mut pop, &mut rng, 88_684.0, 3.125, 0.02);
        assert_finite(&o, &pop);
        assert!(o.hashrate_hs > 0.0);
    }
    eprintln!("100k agents: build + 60 days in {:?}", t0.elapsed());
    assert!(pop.agent_count() <= 110_000);
}

#[test]
fn default_scenario_ten_years_runs_and_is_plausible() {
    // 10,000 agents, 10 years daily, default catalogue plus future rule,
    // price flat: hashrate grows, efficiency improves, nothing blows up.
    let text = BASE_DEFAULT
        .replace("agents = 300", "agents = 3000")
        .replace("agents = 700", "agents = 7000");
    let c = cfg(&format!("free_entry = true\nmax_agents = 20000\n{text}"));
    let d = Date::from_ymd(2026, 1, 1).unwrap();
    let mut rng = ChaCha8Rng::seed_from_u64(10);
    let mut pop = Population::new(
        &c,
        &start_view(d, 1.4826e14, 88_684.0, 3.125, 930_342),
        &mut rng,
    )
    .unwrap();
    let mut e = Engine::new(d, 1.4826e14, 930_342);
    let t0 = std::time::Instant::now();
    let mut first = StepOutcome::default();
    let mut last = StepOutcome::default();
    let mut t = Totals::default();
    for day in 0..3652u64 {
        let subsidy = 50.0 / 2f64.powi((e.height / HALVING_INTERVAL) as i32);
        let (o, r) = e.day(&mut pop, &mut rng, 88_684.0, subsidy, 0.02);
        assert_finite(&o, &pop);
        if day == 0 {
            first = o;
        }
        if day >= 3652 - 365 {
            t.add(&o, r);
        }
        last = o;
    }
    let el = t0.elapsed();
    eprintln!(
        "10k agents x 10 years: {el:?}; agents {}, holdings {}; J/TH {:.1} -> {:.1}; EH/s {:.0} -> {:.0}; spend/reward last year {:.2}, energy/reward {:.2}",
        pop.agent_count(),
        pop.holding_count(),
        first.fleet_j_per_th,
        last.fleet_j_per_th,
        first.hashrate_hs / 1e18,
        last.hashrate_hs / 1e18,
        t.spend() / t.reward,
        t.energy / t.reward
    );
    assert!(last.fleet_j_per_th < first.fleet_j_per_th);
    assert!(last.hashrate_hs > 0.0);
    let s = t.spend() / t.reward;
    assert!(s > 0.2 && s < 2.0, "{s}");
}

/// `zero_rent_config` with the machines' market replaced: `market` is the
/// `[hardware_market]` table, or `None` for the posted market with world
/// output `posted_th_per_month`.
fn zero_rent_with_market(market: Option<&str>, posted_th_per_month: f64) -> String {
    let base = zero_rent_config(20.0, r#"{ distribution = "fixed", usd_per_kwh = 0.0 }"#);
    match market {
        Some(m) => base.replace(
            "manufacturing_capacity_th_per_month = 2e8\n",
            &format!("hardware_market = {m}\n"),
        ),
        None => base.replace(
            "manufacturing_capacity_th_per_month = 2e8",
            &format!("manufacturing_capacity_th_per_month = {posted_th_per_month:e}"),
        ),
    }
}

/// Totals of the last `tail_years` of a constant-price run, and the
/// clearing market's prices and margins over them.
fn market_run(c: &MinersConfig, years: u64, tail_years: u64) -> (Totals, f64, Vec<f64>) {
    let d = Date::from_ymd(2021, 1, 1).unwrap();
    let (price, subsidy) = (30_000.0, 6.25);
    let diff = 1e20 * 600.0 / TWO_POW_32;
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut pop =
        Population::new(c, &start_view(d, diff, price, subsidy, 660_000), &mut rng).unwrap();
    let mut e = Engine::new(d, diff, 660_000);
    let (mut t, mut margin, mut prices) = (Totals::default(), 0.0, Vec::new());
    let days = years * 365;
    for day in 0..days {
        let (o, r) = e.day(&mut pop, &mut rng, price, subsidy, 0.0);
        assert_finite(&o, &pop);
        if let Some(m) = o.manufacturer_margin_usd {
            assert!(
                m >= 0.0 && m <= o.capex_usd * (1.0 + 1e-9) + 1e-6,
                "margin {m} of capex {}",
                o.capex_usd
            );
        }
        if day >= days - tail_years * 365 {
            t.add(&o, r);
            margin += o.manufacturer_margin_usd.unwrap_or(0.0);
            prices.push(o.hardware_cost_usd_per_th);
        }
    }
    (t, margin, prices)
}

#[test]
fn clearing_market_passes_scarcity_rents_to_manufacturers() {
    // Zero power cost, identical miners, free entry, a 2-year machine life,
    // 20 J/TH and a unit cost of 1 USD/W (20 USD per TH/s). The reward is
    // 144 × 6.25 × 30,000 = 27 M USD a day.
    //
    // Scarce output: 200 MW a month sustains 200e6 / 20 × 24 = 2.4e8 TH/s.
    // Posted (rationed) at the same output, 1e7 TH/s a month, machines
    // cost 20 USD/TH whatever the demand, so spend is depreciation of
    // 2.4e8 × 20 / 730 ≈ 6.6 M USD a day, a quarter of the reward: the
    // rent stays with the miners. With a clearing price the price rises
    // until a machine earns its price (≈ 82 USD/TH), so spend ≈ reward and
    // the rent, ≈ 3/4 of the hardware bill, is the manufacturers' margin.
    // Tolerances: ±10 % on spend/reward over years 6-10 (as for the posted
    // free-entry test: the 14-day retarget and delivery lag echo with the
    // lifetime); margin share within [0.6, 0.9].
    let clearing = cfg(&zero_rent_with_market(
        Some("{ model = \"clearing\", capacity_mw_per_month = 200, manufacturing_cost_usd_per_watt = 1.0 }"),
        0.0,
    ));
    let (t, margin, prices) = market_run(&clearing, 10, 5);
    let ratio = t.spend() / t.reward;
    let margin_share = margin / t.capex;
    eprintln!(
        "clearing, scarce: spend / reward {ratio:.3}, margin share {margin_share:.3}, mean price {:.1}",
        prices.iter().sum::<f64>() / prices.len() as f64
    );
    assert!((ratio - 1.0).abs() < 0.10, "spend / reward = {ratio}");
    assert!(
        (0.6..0.9).contains(&margin_share),
        "margin share {margin_share}"
    );
    assert!(
        prices.iter().all(|&p| p >= 20.0 - 1e-9),
        "price below unit cost"
    );

    let posted = cfg(&zero_rent_with_market(None, 200e6 / 20.0));
    let (t, _, _) = market_run(&posted, 10, 5);
    let ratio_posted = t.spend() / t.reward;
    eprintln!("posted, scarce: spend / reward {ratio_posted:.3}");
    assert!(ratio_posted < 0.5, "posted spend / reward = {ratio_posted}");

    // Ample output (1,000 MW a month, 1.2× what free entry needs): most
    // of what miners pay is the unit cost, and the margin share is far
    // below the scarce case's. Spend / reward is not ≈ 1 here (it was
    // 1.22 at this seed): with myopic expectations buyers bid today's
    // hashprice over the whole life, ignoring the machines already
    // ordered and the entry to come, and a clearing price makes them pay
    // that bid; forward-looking expectations are what removes the bias.
    let ample = cfg(&zero_rent_with_market(
        Some("{ model = \"clearing\", capacity_mw_per_month = 1000, manufacturing_cost_usd_per_watt = 1.0 }"),
        0.0,
    ));
    let (t, margin, prices) = market_run(&ample, 10, 5);
    let ratio = t.spend() / t.reward;
    let ample_share = margin / t.capex;
    eprintln!("clearing, ample: spend / reward {ratio:.3}, margin share {ample_share:.3}");
    assert!(
        ample_share < 0.5 * margin_share,
        "margin share {ample_share} vs scarce {margin_share}"
    );
    assert!(
        prices.iter().all(|&p| p >= 20.0 - 1e-9),
        "price below unit cost"
    );
}

#[test]
fn clearing_market_fields_are_validated_with_their_paths() {
    let bad = |text: &str| -> String {
        let c: MinersConfig = toml::from_str(text).unwrap();
        match c.check() {
            Err(MinersError::Invalid(e)) => e
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
            other => panic!("expected invalid, got {other:?}"),
        }
    };
    let base = zero_rent_with_market(
        Some("{ model = \"clearing\", capacity_mw_per_month = 0, manufacturing_cost_usd_per_watt = 1e9 }"),
        0.0,
    );
    let m = bad(&base);
    assert!(
        m.contains("miners.hardware_market.capacity_mw_per_month must be in (0, 1000000], got 0"),
        "{m}"
    );
    assert!(m.contains("miners.hardware_market.manufacturing_cost_usd_per_watt must be in (0, 100], got 1000000000"), "{m}");
    let both = format!(
        "manufacturing_capacity_th_per_month = 1e6\n{}",
        zero_rent_with_market(
            Some("{ model = \"clearing\", capacity_mw_per_month = 10, manufacturing_cost_usd_per_watt = 1 }"),
            0.0
        )
    );
    let m = bad(&both);
    assert!(
        m.contains(
            "miners.manufacturing_capacity_th_per_month is for hardware_market.model = \"posted\""
        ),
        "{m}"
    );
    let outlook = zero_rent_with_market(None, 1e6).replace(
        "difficulty_growth_per_year = 0\n",
        "difficulty_growth_per_year = 0\ndifficulty_outlook = { model = \"pipeline\", window_days = 0.5 }\n",
    );
    let m = bad(&outlook);
    assert!(
        m.contains("miners.groups[0].difficulty_outlook.window_days must be in [1, 3650], got 0.5"),
        "{m}"
    );
    let growth = zero_rent_with_market(
        Some("{ model = \"clearing\", capacity_mw_per_month = 10, manufacturing_cost_usd_per_watt = 1, capacity_growth = { reinvested_margin_share = 1.5, usd_per_mw_per_month = 0, build_lag_days = 4000 } }"),
        0.0,
    );
    let m = bad(&growth);
    for want in [
        "miners.hardware_market.capacity_growth.reinvested_margin_share must be in [0, 1], got 1.5",
        "miners.hardware_market.capacity_growth.usd_per_mw_per_month must be in (0, 1e15], got 0",
        "miners.hardware_market.capacity_growth.build_lag_days must be in [0, 3650], got 4000",
    ] {
        assert!(m.contains(want), "{m}");
    }
}

#[test]
fn free_entry_with_a_cost_of_capital_reads_one_in_ratio_economic() {
    // As the zero-cost free-entry test, but the miners discount at 50 % a
    // year (ρ = ln 1.5 = 0.405 continuously). Entry stops when a machine's
    // revenue, discounted at ρ over its life [lag, lag + L], pays its
    // price, so the undiscounted revenue of a machine is price × L /
    // ∫ e^(−ρτ) dτ = 1.482 × price (L = 2 years, lag = 14 days), while its
    // depreciation is the price: ratio_total ≈ 1 / 1.482 = 0.675. Adding
    // the capital charge, ρ × book value (the price for the lag, then
    // straight-line), costs price × (1 + ρ (lag + L/2)) = 1.420 × price:
    // ratio_economic ≈ 1.420 / 1.482 = 0.958 in the steady state.
    // Tolerances: ±10 % around 1 for ratio_economic and below 0.8 for
    // ratio_total over years 6-10 (the echo of the 14-day retarget, the
    // delivery lag and the lifetime, as in the test without discounting).
    let c = cfg(
        &zero_rent_config(20.0, r#"{ distribution = "fixed", usd_per_kwh = 0.0 }"#)
            .replace("hurdle_rate_per_year = 0", "hurdle_rate_per_year = 0.5"),
    );
    let (t, _) = long_run(&c, 10, 5, 7);
    let economic = (t.spend() + t.capital) / t.reward;
    let total = t.spend() / t.reward;
    eprintln!("discounting free entry: ratio_economic {economic:.3}, ratio_total {total:.3}");
    assert!((economic - 1.0).abs() < 0.10, "ratio_economic = {economic}");
    assert!(total < 0.8, "ratio_total = {total}");
}

#[test]
fn pipeline_outlook_is_pro_cyclical_in_a_free_entry_cycle() {
    // The ample clearing market of the scarcity test (1,000 MW a month,
    // 1.2× what free entry needs; zero power cost, 2-year life), where
    // myopic buyers pay more than the reward over years 6-10. Buyers who
    // count the machines on order and extrapolate the last 180 days'
    // growth of difficulty overpay more, not less: the investment cycle's
    // falling difficulty after a boom reads as a trend. A documented
    // finding (docs/scenario.md, `difficulty_outlook`), checked here so
    // that a change of the outlook that removes it is noticed.
    let market = "{ model = \"clearing\", capacity_mw_per_month = 1000, manufacturing_cost_usd_per_watt = 1.0 }";
    let myopic = cfg(&zero_rent_with_market(Some(market), 0.0));
    let (t, _, _) = market_run(&myopic, 10, 5);
    let myopic_ratio = t.spend() / t.reward;
    let pipeline = cfg(&zero_rent_with_market(Some(market), 0.0).replace(
        "difficulty_growth_per_year = 0\n",
        "difficulty_growth_per_year = 0\ndifficulty_outlook = { model = \"pipeline\", window_days = 180 }\n",
    ));
    let (t, _, _) = market_run(&pipeline, 10, 5);
    let ratio = t.spend() / t.reward;
    eprintln!("clearing, ample: spend / reward myopic {myopic_ratio:.3}, pipeline {ratio:.3}");
    assert!(myopic_ratio > 1.0, "myopic spend / reward = {myopic_ratio}");
    assert!(
        ratio > myopic_ratio,
        "pipeline {ratio} vs myopic {myopic_ratio}"
    );
}

#[test]
fn reinvested_margins_grow_the_output_after_the_build_lag() {
    // The scarce clearing market (200 MW a month) with all of the margin
    // reinvested at 100 M USD per MW a month of new output, built in 180
    // days. Checked: the output never falls and first grows no sooner
    // than 180 days after the first margin; what it gained is what the
    // margins bought (those of the last 180 days + one review still being
    // built), to 1e-9; and the scarcity eases: the tail's margin share is
    // below the fixed output's (0.80 in the scarcity test).
    let market = "{ model = \"clearing\", capacity_mw_per_month = 200, manufacturing_cost_usd_per_watt = 1.0, capacity_growth = { reinvested_margin_share = 1.0, usd_per_mw_per_month = 1e8, build_lag_days = 180 } }";
    let c = cfg(&zero_rent_with_market(Some(market), 0.0));
    let d = Date::from_ymd(2021, 1, 1).unwrap();
    let (price, subsidy) = (30_000.0, 6.25);
    let diff = 1e20 * 600.0 / TWO_POW_32;
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut pop =
        Population::new(&c, &start_view(d, diff, price, subsidy, 660_000), &mut rng).unwrap();
    let mut e = Engine::new(d, diff, 660_000);
    let days = 10 * 365;
    let (mut capacity, mut margins) = (Vec::new(), Vec::new());
    let (mut tail_margin, mut tail_capex) = (0.0, 0.0);
    for day in 0..days {
        let (o, _) = e.day(&mut pop, &mut rng, price, subsidy, 0.0);
        capacity.push(o.manufacturing_capacity_mw_per_month);
        margins.push(o.manufacturer_margin_usd.unwrap());
        if day >= days - 5 * 365 {
            tail_margin += margins[day];
            tail_capex += o.capex_usd;
        }
    }
    assert_eq!(capacity[0], 200.0);
    assert!(capacity.windows(2).all(|w| w[1] >= w[0]), "output fell");
    let first_margin = margins.iter().position(|&m| m > 0.0).expect("some margin");
    let first_growth = capacity
        .iter()
        .position(|&c| c > 200.0)
        .expect("output grew");
    assert!(
        first_growth >= first_margin + 180,
        "grew on day {first_growth}, first margin on day {first_margin}"
    );
    let gained = capacity[days - 1] - 200.0;
    let bought_all: f64 = margins.iter().sum::<f64>() / 1e8;
    let bought_built: f64 = margins[..days - 180 - 7].iter().sum::<f64>() / 1e8;
    assert!(
        gained <= bought_all * (1.0 + 1e-9),
        "gained {gained} > bought {bought_all}"
    );
    assert!(
        gained >= bought_built * (1.0 - 1e-9),
        "gained {gained} < built {bought_built}"
    );
    let share = tail_margin / tail_capex;
    eprintln!(
        "growing output: {:.0} MW a month after 10 years, tail margin share {share:.3}",
        capacity[days - 1]
    );
    assert!(share < 0.7, "margin share {share}");
}

/// `zero_rent_config` with a finite power region: `tiers` (MW, USD/kWh)
/// as the group's supply curve, and `market` as in `zero_rent_with_market`.
fn finite_power_config(tiers: &[(f64, f64)], market: Option<&str>) -> String {
    let tiers: Vec<String> = tiers
        .iter()
        .map(|(mw, p)| format!("{{ mw = {mw}, usd_per_kwh = {p} }}"))
        .collect();
    zero_rent_with_market(market, 2e8).replace(
        r#"electricity = { distribution = "fixed", usd_per_kwh = 0.0 }"#,
        &format!(
            r#"electricity = {{ distribution = "supply_curve", tiers = [{}] }}"#,
            tiers.join(", ")
        ),
    )
}

/// Runs 6 years of the free-entry constant-price economy and checks, at
/// every step, that no site is over its power and no region over its
/// curve. Returns the region's state at the start and after each step.
fn finite_power_run(c: &MinersConfig) -> (Population, Vec<minesim::miners::PowerRegionState>) {
    let d = Date::from_ymd(2021, 1, 1).unwrap();
    let (price, subsidy) = (30_000.0, 6.25);
    let diff = 1e20 * 600.0 / TWO_POW_32;
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let mut pop =
        Population::new(c, &start_view(d, diff, price, subsidy, 660_000), &mut rng).unwrap();
    let mut e = Engine::new(d, diff, 660_000);
    let mut states = pop.power_regions();
    for _ in 0..6 * 365 {
        let (o, _) = e.day(&mut pop, &mut rng, price, subsidy, 0.0);
        assert_finite(&o, &pop);
        let r = pop.power_regions()[0];
        assert!(
            r.sites_w <= r.capacity_w * (1.0 + 1e-9),
            "sites {} W over the curve's {} W",
            r.sites_w,
            r.capacity_w
        );
        assert!(
            r.load_w <= r.sites_w * (1.0 + 1e-9),
            "load {} W over the sites' {} W",
            r.load_w,
            r.sites_w
        );
        assert!(
            r.max_site_overrun_w <= 1e-6 * r.capacity_w,
            "an agent is {} W over its site",
            r.max_site_overrun_w
        );
        // The operating fleet's power (PUE 1) is within the load.
        assert!(o.power_w <= r.load_w * (1.0 + 1e-9) + 1.0);
        states.push(r);
    }
    (pop, states)
}

#[test]
fn a_regional_power_cap_is_never_exceeded() {
    // 100 EH/s at 20 J/TH start with 2,000 MW. The curve offers 2,100 MW
    // at 0.02 and 1,000 MW more at 0.04 USD/kWh; the hashprice (0.27 USD
    // per TH/s-day at the start) is far above the energy cost (0.01-0.02),
    // so free entry fills the region. Checked for both markets: the
    // clearing one (ample output, 2,000 MW a month at 1 USD/W) and the
    // posted one (2e8 TH/s a month).
    let tiers = [(2_100.0, 0.02), (1_000.0, 0.04)];
    let clearing = "{ model = \"clearing\", capacity_mw_per_month = 2000, manufacturing_cost_usd_per_watt = 1.0 }";
    for market in [Some(clearing), None] {
        let c = cfg(&finite_power_config(&tiers, market));
        let (pop, states) = finite_power_run(&c);
        let last = states.last().unwrap();
        assert!(
            last.sites_w > 0.999 * last.capacity_w,
            "{market:?}: the region did not fill: {} of {} W",
            last.sites_w,
            last.capacity_w
        );
        assert_eq!(last.marginal_price_usd_per_kwh, None, "{market:?}");
        // While it filled, the next MW got dearer: the initial fleet left
        // 100 MW of the cheap tier.
        assert_eq!(states[0].marginal_price_usd_per_kwh, Some(0.02));
        assert!((states[0].sites_w - 2_000e6).abs() < 1e-3 * 2_000e6);
        assert!(states
            .iter()
            .any(|s| s.marginal_price_usd_per_kwh == Some(0.04)));
        // Entrants beyond the cheap tier pay more than it.
        let prices = pop.agent_power_price_usd_per_kwh();
        assert!(prices.iter().all(|&p| (0.02..=0.04).contains(&p)));
        assert!(prices[100..].iter().any(|&p| p > 0.03), "{market:?}");
        eprintln!(
            "finite power, {}: {} agents, {:.0} of {:.0} MW taken",
            if market.is_some() {
                "clearing"
            } else {
                "posted"
            },
            pop.agent_count(),
            last.sites_w / 1e6,
            last.capacity_w / 1e6
        );
    }
}

#[test]
fn a_region_too_small_for_its_initial_fleet_is_refused_with_its_path() {
    // 100 EH/s at 20 J/TH needs 2,000 MW; the curve has 1,500.
    let c = cfg(&finite_power_config(
        &[(1_000.0, 0.02), (500.0, 0.04)],
        None,
    ));
    let d = Date::from_ymd(2021, 1, 1).unwrap();
    let diff = 1e20 * 600.0 / TWO_POW_32;
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let Err(err) = Population::new(&c, &start_view(d, diff, 30_000.0, 6.25, 660_000), &mut rng)
    else {
        panic!("a region too small for its initial fleet was accepted");
    };
    let m = err.to_string();
    assert!(
        m.contains("groups[0].electricity.tiers")
            && m.contains("2000.0 MW")
            && m.contains("1500.0 MW"),
        "{m}"
    );
}

#[test]
fn supply_curve_tiers_are_validated_with_their_paths() {
    for (tiers, want) in [
        ("[]", "groups[0].electricity.tiers must list 1 to 64 tiers, got 0"),
        (
            "[{ mw = 0, usd_per_kwh = 0.02 }]",
            "groups[0].electricity.tiers[0].mw",
        ),
        (
            "[{ mw = 10, usd_per_kwh = 0.05 }, { mw = 10, usd_per_kwh = 0.03 }]",
            "groups[0].electricity.tiers[1].usd_per_kwh tiers must be in order of non-decreasing price: 0.03 after 0.05",
        ),
    ] {
        let text = zero_rent_with_market(None, 2e8).replace(
            r#"electricity = { distribution = "fixed", usd_per_kwh = 0.0 }"#,
            &format!(r#"electricity = {{ distribution = "supply_curve", tiers = {tiers} }}"#),
        );
        let c: MinersConfig = toml::from_str(&text).unwrap();
        let m = c.check().unwrap_err().to_string();
        assert!(m.contains(want), "{m}");
    }
}

#[test]
fn unrenewed_output_decays_at_its_rate() {
    // Nothing reinvested (share 0) and decay 1.0 a year: after each weekly
    // review the output is multiplied by exp(−7 / 365.2425) (the model's
    // year), so after n reviews it is 200 × exp(−7n / 365.2425) MW a month
    // (to 1e-9), about 200 / e after a year.
    let market = "{ model = \"clearing\", capacity_mw_per_month = 200, manufacturing_cost_usd_per_watt = 1.0, capacity_growth = { reinvested_margin_share = 0.0, usd_per_mw_per_month = 1e8, build_lag_days = 0, decay_per_year = 1.0 } }";
    let c = cfg(&zero_rent_with_market(Some(market), 0.0));
    let d = Date::from_ymd(2021, 1, 1).unwrap();
    let (price, subsidy) = (30_000.0, 6.25);
    let diff = 1e20 * 600.0 / TWO_POW_32;
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    let mut pop =
        Population::new(&c, &start_view(d, diff, price, subsidy, 660_000), &mut rng).unwrap();
    let mut e = Engine::new(d, diff, 660_000);
    for day in 0..400u64 {
        let (o, _) = e.day(&mut pop, &mut rng, price, subsidy, 0.0);
        // Reviews on days 0, 7, 14, ...: n + 1 of them by day `day`.
        let reviews = (day / 7 + 1) as f64;
        let want = 200.0 * (-reviews * 7.0 / 365.2425f64).exp();
        let got = o.manufacturing_capacity_mw_per_month;
        assert!(
            (got - want).abs() <= 1e-9 * want,
            "day {day}: {got} MW a month, want {want}"
        );
    }
}

/// Two groups running one old generation (50 J/TH, released 2019-01,
/// physical life 5 years with the used market): "dear" at 0.12 USD/kWh
/// with no cash, "cheap" at 0.02 USD/kWh with 10 M USD an agent; no new
/// machines (posted market with no output), scrap value 1 USD per TH/s.
const USED_MARKET: &str = r#"
catalogue = [ { name = "old", release = "2019-01", j_per_th = 50, th_per_unit = 100, price_usd_per_th = 20, lifetime_years = 4 } ]
manufacturing_capacity_th_per_month = 0
initial_fleet = { years = 5, age_decay_years = 100 }
review_interval_days = 7
used_market = { scrap_value_usd_per_th = 1.0, max_life_years = 5 }
[[groups]]
name = "dear"
share = 0.5
agents = 40
capital_usd = 0
electricity = { distribution = "fixed", usd_per_kwh = 0.12 }
pue = 1.0
hurdle_rate_per_year = 0.1
[[groups]]
name = "cheap"
share = 0.5
agents = 40
capital_usd = 1e7
electricity = { distribution = "fixed", usd_per_kwh = 0.02 }
pue = 1.0
hurdle_rate_per_year = 0.1
"#;

#[test]
fn the_used_market_moves_machines_without_making_or_losing_any() {
    // The price falls from 30,000 to 6,000 USD over 2021-2023, so the
    // dear group's machines lose their value to it first. Checked at
    // every step: installed TH/s change only by what was scrapped (no
    // machine is delivered: the posted market has no output), i.e.
    // trades conserve machines (to 1e-9). Checked over the run: used
    // machines were sold, at no less than the scrap value; and at the
    // physical end of life (2024-01 + one review) everything is gone.
    let c = cfg(USED_MARKET);
    let d = Date::from_ymd(2021, 1, 1).unwrap();
    let subsidy = 6.25;
    let diff = 1e20 * 600.0 / TWO_POW_32;
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    let mut pop = Population::new(
        &c,
        &start_view(d, diff, 30_000.0, subsidy, 660_000),
        &mut rng,
    )
    .unwrap();
    let mut e = Engine::new(d, diff, 660_000);
    let (mut sold_th, mut sold_usd, mut scrapped) = (0.0, 0.0, 0.0);
    let mut installed = None;
    for day in 0..4 * 365u64 {
        let price = (30_000.0 - 24_000.0 * day as f64 / (3.0 * 365.0)).max(6_000.0);
        let (o, _) = e.day(&mut pop, &mut rng, price, subsidy, 0.0);
        assert_finite(&o, &pop);
        let now = o.installed_hashrate_hs / 1e12;
        if let Some(before) = installed {
            let change: f64 = now - before;
            assert!(
                (change + o.scrapped_th).abs() <= 1e-9 * before,
                "day {day}: installed {before} -> {now}, scrapped {}",
                o.scrapped_th
            );
        }
        installed = Some(now);
        if o.used_sold_th > 0.0 {
            assert!(o.used_sold_usd >= 1.0 * o.used_sold_th * (1.0 - 1e-12));
        }
        sold_th += o.used_sold_th;
        sold_usd += o.used_sold_usd;
        scrapped += o.scrapped_th;
        if day == 3 * 365 + 7 {
            assert_eq!(now, 0.0, "machines past their physical life remain");
        }
    }
    eprintln!(
        "used market: {sold_th:.3e} TH/s sold for {sold_usd:.3e} USD (mean {:.2} USD per TH/s), {scrapped:.3e} TH/s scrapped",
        sold_usd / sold_th
    );
    assert!(sold_th > 0.0, "nothing changed hands");
    // Everything ends scrapped: the 1e8 TH/s of the start (100 EH/s).
    assert!((scrapped - 1e8).abs() <= 1e-6 * 1e8, "scrapped {scrapped}");
}

#[test]
fn used_market_fields_are_validated_with_their_paths() {
    let text = USED_MARKET.replace(
        "used_market = { scrap_value_usd_per_th = 1.0, max_life_years = 5 }",
        "used_market = { scrap_value_usd_per_th = -1, max_life_years = 0 }",
    );
    let c: MinersConfig = toml::from_str(&text).unwrap();
    let m = c.check().unwrap_err().to_string();
    for want in [
        "used_market.scrap_value_usd_per_th must be in [0, 1000000], got -1",
        "used_market.max_life_years must be in (0, 50], got 0",
    ] {
        assert!(m.contains(want), "{m}");
    }
}

/// One group with cash, a generation on sale at 40 J/TH and one at 15
/// J/TH released on 2021-04-01; machines priced by a clearing market at
/// 0.5 USD/W with ample output; `wait` is the waiting option's table, if
/// any.
fn waiting_config(wait: Option<&str>) -> String {
    let mut text = String::from(
        r#"
catalogue = [
  { name = "now", release = "2020-01", j_per_th = 40, th_per_unit = 100, price_usd_per_th = 20, lifetime_years = 5 },
  { name = "next", release = "2021-04-01", j_per_th = 15, th_per_unit = 100, price_usd_per_th = 7.5, lifetime_years = 5 },
]
hardware_market = { model = "clearing", capacity_mw_per_month = 1000, manufacturing_cost_usd_per_watt = 0.5 }
delivery_lag_days = 30
initial_fleet = { years = 1, age_decay_years = 100 }
review_interval_days = 7
"#,
    );
    if let Some(w) = wait {
        text.push_str(&format!("wait_for_next_generation = {w}\n"));
    }
    text.push_str(
        r#"[[groups]]
name = "all"
share = 1
agents = 50
capital_usd = 1e6
electricity = { distribution = "fixed", usd_per_kwh = 0.05 }
pue = 1.0
hurdle_rate_per_year = 0.15
"#,
    );
    text
}

/// Capex (USD) spent before the next generation's release (days 0-84)
/// and in its first 100 days on sale (days 90-189), at a hashprice held
/// at 0.15 USD per TH-day.
fn capex_around_release(c: &MinersConfig) -> (f64, f64) {
    let d = Date::from_ymd(2021, 1, 1).unwrap();
    let (price, subsidy) = (30_000.0, 6.25);
    let diff = difficulty_for_hashprice(0.15, subsidy, price);
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let mut pop =
        Population::new(c, &start_view(d, diff, price, subsidy, 660_000), &mut rng).unwrap();
    let mut e = Engine::new(d, diff, 660_000);
    let (mut before, mut after) = (0.0, 0.0);
    for day in 0..190u64 {
        // Difficulty held: the hashprice the agents see stays put.
        e.difficulty = diff;
        let (o, _) = e.day(&mut pop, &mut rng, price, subsidy, 0.0);
        assert_finite(&o, &pop);
        match day {
            0..=84 => before += o.capex_usd,
            90.. => after += o.capex_usd,
            _ => {}
        }
    }
    (before, after)
}

#[test]
fn an_announced_generation_defers_purchases_until_it_is_on_sale() {
    // 40 J/TH at 20 USD per TH/s returns less per dollar than 15 J/TH at
    // 7.5 (margins at 0.15 USD per TH-day and 0.05 USD/kWh: 0.102 and
    // 0.132 USD per TH-day), so with the next generation announced
    // (180 days ahead) buyers hold their cash for it; without the option
    // they buy at once. After the release both buy the new machines.
    let (now_plain, later_plain) = capex_around_release(&cfg(&waiting_config(None)));
    let (now_wait, later_wait) =
        capex_around_release(&cfg(&waiting_config(Some("{ announce_days = 180 }"))));
    eprintln!(
        "capex before the release: {now_plain:.3e} without the option, {now_wait:.3e} with it; after: {later_plain:.3e}, {later_wait:.3e}"
    );
    assert!(now_plain > 0.0, "without the option nobody buys");
    assert!(
        now_wait < 0.1 * now_plain,
        "with the option buyers still spent {now_wait:.3e} of {now_plain:.3e} before the release"
    );
    assert!(later_wait > 0.0, "nobody bought the new generation");
    // The cash kept for it is spent on it: more after the release than
    // without the option.
    assert!(
        later_wait > later_plain,
        "{later_wait:.3e} vs {later_plain:.3e}"
    );
    // Announced only 30 days ahead, the release is outside the window at
    // first: purchases start as without the option.
    let (now_short, _) =
        capex_around_release(&cfg(&waiting_config(Some("{ announce_days = 30 }"))));
    assert!(
        now_short > 0.5 * now_plain,
        "{now_short:.3e} vs {now_plain:.3e}"
    );
}

#[test]
fn the_waiting_option_is_validated_with_its_path() {
    let bad = waiting_config(Some("{ announce_days = 0 }"));
    let c: MinersConfig = toml::from_str(&bad).unwrap();
    let e = c.check().unwrap_err().to_string();
    assert!(
        e.contains("wait_for_next_generation.announce_days must be in (0, 1000], got 0"),
        "{e}"
    );
    let posted = waiting_config(Some("{ announce_days = 90 }")).replace(
        "hardware_market = { model = \"clearing\", capacity_mw_per_month = 1000, manufacturing_cost_usd_per_watt = 0.5 }\n",
        "",
    );
    let c: MinersConfig = toml::from_str(&posted).unwrap();
    let e = c.check().unwrap_err().to_string();
    assert!(
        e.contains("wait_for_next_generation needs the clearing hardware market"),
        "{e}"
    );
}
