//! The P1 yardstick (`../shared/reference/p1-yardstick.md`): a deliberately
//! small mining economy written as a plain struct-of-arrays,
//! single-threaded loop, to time minesim's engine against.
//!
//! N agents, each with a fleet hashrate `h` (TH/s) and a fixed running cost
//! `c` (USD per TH/s per day); every daily step switches each agent on or off
//! by hashprice, grows or shrinks its fleet, draws the day's blocks from a
//! Poisson law, applies Bitcoin's retarget (pro-rated inside the day) and
//! moves the price by an exact GBM step. The day's row (price, difficulty,
//! hashrate, blocks, revenue, energy spend) is kept in a T × 6 table in
//! memory. The random stream is `Xoshiro256PlusPlus::seed_from_u64(seed)`
//! with `rand_distr`, so only the distributions agree with the NumPy and
//! Mesa versions of P1, not the draws.
//!
//! [`P1::operate`] (steps 1 to 7 but the draw) and [`P1::close`] (steps 8
//! to 11) are separate so that the tests can give the day's block count
//! and normal draw by hand; [`P1::step`] draws them and calls both.

use rand::rngs::Xoshiro256PlusPlus;
use rand::{Rng, RngExt, SeedableRng};
use rand_distr::{Distribution, LogNormal, Poisson, StandardNormal, Uniform};

/// Daily steps of a P1 run (10 years).
pub const DAYS: usize = 3650;
/// The default seed of P1.
pub const SEED: u64 = 42;
/// Start price, USD per BTC.
pub const START_PRICE: f64 = 90_000.0;
/// Start difficulty.
pub const START_DIFFICULTY: f64 = 1.48e14;
/// Start height.
pub const START_HEIGHT: u64 = 930_342;
/// Daily volatility of the log price.
pub const SIGMA: f64 = 0.04;
/// Fees per block, BTC.
pub const FEES_BTC: f64 = 0.02;
/// Blocks per retarget window.
const WINDOW: u64 = 2016;
/// Target timespan of a window, seconds.
const TARGET_TIMESPAN: f64 = 1_209_600.0;
/// 2^32, hashes per unit of difficulty.
const TWO_POW_32: f64 = 4_294_967_296.0;

/// One row of the T × 6 table: the day's price and difficulty (those used
/// for its revenue and blocks), operating hashrate (TH/s), blocks, expected
/// revenue (USD) and energy spend (USD).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Row {
    pub price: f64,
    pub difficulty: f64,
    pub hashrate: f64,
    pub blocks: f64,
    pub revenue: f64,
    pub energy: f64,
}

/// What steps 1 to 7 leave for the rest of the day.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Day {
    /// Expected revenue of the network, USD (step 2).
    pub revenue: f64,
    /// Operating hashrate after the investment step, TH/s (step 6).
    pub hashrate: f64,
    /// Energy spend of the operating agents, USD (step 6).
    pub energy: f64,
    /// Expected blocks of the day, the Poisson mean (step 7).
    pub lambda: f64,
}

/// The state of a P1 run.
#[derive(Debug, Clone)]
pub struct P1 {
    /// Fleet hashrate per agent, TH/s.
    pub h: Vec<f64>,
    /// Running cost per agent, USD per TH/s per day.
    pub c: Vec<f64>,
    pub price: f64,
    pub difficulty: f64,
    pub height: u64,
    /// Operating hashrate of the day before, TH/s.
    pub h_prev: f64,
    pub blocks_since_retarget: u64,
    pub secs_since_retarget: f64,
    /// One row per day run.
    pub table: Vec<Row>,
}

/// Block subsidy in BTC at `height` (step 1).
pub fn subsidy(height: u64) -> f64 {
    let era = (height as i64 - 840_000).div_euclid(210_000);
    3.125 * 0.5f64.powi(era as i32)
}

impl P1 {
    /// The initial state of the spec for `n` agents, drawn from `rng` in
    /// the spec's order: every `h`, then every efficiency, then every
    /// electricity price; room for `days` rows in the table.
    pub fn new<R: Rng + ?Sized>(n: usize, days: usize, rng: &mut R) -> P1 {
        let u = Uniform::new(0.5, 1.5).expect("valid range");
        let h: Vec<f64> = (0..n)
            .map(|_| 1e6 / n as f64 * 600.0 * u.sample(rng))
            .collect();
        let eff = Uniform::new(15.0, 35.0).expect("valid range");
        let e: Vec<f64> = (0..n).map(|_| eff.sample(rng)).collect();
        let power = LogNormal::new(0.05f64.ln(), 0.5).expect("valid lognormal");
        let c = e
            .iter()
            .map(|&e| e * 86_400.0 / 3.6e6 * power.sample(rng))
            .collect();
        P1::from_parts(h, c, days)
    }

    /// A state with the given agents and the spec's network start.
    pub fn from_parts(h: Vec<f64>, c: Vec<f64>, days: usize) -> P1 {
        assert_eq!(h.len(), c.len(), "one cost per agent");
        let h_prev = h.iter().sum();
        P1 {
            h,
            c,
            price: START_PRICE,
            difficulty: START_DIFFICULTY,
            height: START_HEIGHT,
            h_prev,
            blocks_since_retarget: 0,
            secs_since_retarget: 0.0,
            table: Vec::with_capacity(days),
        }
    }

    /// Steps 1 to 7 of a day, without the Poisson draw: revenue,
    /// hashprice, the on/off rule and the investment rule of every agent,
    /// the day's hashrate and energy spend, and the Poisson mean.
    pub fn operate(&mut self) -> Day {
        let revenue = 144.0 * (subsidy(self.height) + FEES_BTC) * self.price;
        let hp = if self.h_prev == 0.0 {
            f64::INFINITY
        } else {
            revenue / self.h_prev
        };
        let mut hashrate = 0.0;
        let mut energy = 0.0;
        for (h, &c) in self.h.iter_mut().zip(&self.c) {
            if hp > c {
                *h *= 1.0 + 0.01 * ((hp - c) / c).min(1.0);
                hashrate += *h;
                energy += *h * c;
            } else {
                *h *= 0.999;
            }
        }
        let lambda = 86_400.0 * hashrate * 1e12 / (self.difficulty * TWO_POW_32);
        Day {
            revenue,
            hashrate,
            energy,
            lambda,
        }
    }

    /// Steps 8 to 11 with the day's `blocks` and standard normal `z`:
    /// the day's row, the pro-rated retarget, the height and the price.
    pub fn close(&mut self, day: Day, blocks: u64, z: f64) {
        self.table.push(Row {
            price: self.price,
            difficulty: self.difficulty,
            hashrate: day.hashrate,
            blocks: blocks as f64,
            revenue: day.revenue,
            energy: day.energy,
        });
        if blocks == 0 {
            self.secs_since_retarget += 86_400.0;
        } else {
            let dt = 86_400.0 / blocks as f64;
            let mut remaining = blocks;
            while self.blocks_since_retarget + remaining >= WINDOW {
                let k = WINDOW - self.blocks_since_retarget;
                self.secs_since_retarget += k as f64 * dt;
                self.difficulty *= (TARGET_TIMESPAN / self.secs_since_retarget).clamp(0.25, 4.0);
                self.blocks_since_retarget = 0;
                self.secs_since_retarget = 0.0;
                remaining -= k;
            }
            self.blocks_since_retarget += remaining;
            self.secs_since_retarget += remaining as f64 * dt;
        }
        self.height += blocks;
        self.h_prev = day.hashrate;
        self.price *= (-SIGMA * SIGMA / 2.0 + SIGMA * z).exp();
    }

    /// One day: steps 1 to 7, one Poisson draw, one standard normal draw,
    /// steps 8 to 11.
    pub fn step<R: Rng + ?Sized>(&mut self, rng: &mut R) {
        let day = self.operate();
        let blocks = if day.lambda > 0.0 {
            Poisson::new(day.lambda)
                .expect("the day's expected blocks are a valid Poisson mean")
                .sample(rng) as u64
        } else {
            0
        };
        let z: f64 = rng.sample(StandardNormal);
        self.close(day, blocks, z);
    }

    /// Runs `days` days.
    pub fn run<R: Rng + ?Sized>(&mut self, days: usize, rng: &mut R) {
        for _ in 0..days {
            self.step(rng);
        }
    }

    /// The table as CSV text, one header line and one line per day.
    pub fn csv(&self) -> String {
        let mut out =
            String::from("day,price,difficulty,hashrate_th_s,blocks,revenue_usd,energy_usd\n");
        for (d, r) in self.table.iter().enumerate() {
            out.push_str(&format!(
                "{d},{},{},{},{},{},{}\n",
                r.price, r.difficulty, r.hashrate, r.blocks, r.revenue, r.energy
            ));
        }
        out
    }
}

impl P1 {
    /// The run's price path as a daily CSV file that minesim's price
    /// replay reads (`time,PriceUSD`, one row per day from `start`): the
    /// price of each day run, then the price after the last move.
    pub fn price_csv(&self, start: minesim::calendar::Date) -> String {
        let mut out = String::from("time,PriceUSD\n");
        let prices = self.table.iter().map(|r| r.price).chain([self.price]);
        for (d, p) in prices.enumerate() {
            let (y, m, day) = start.add_days(d as i64).ymd();
            out.push_str(&format!("{y:04}-{m:02}-{day:02},{p}\n"));
        }
        out
    }
}

/// A whole P1 run: `n` agents, `days` days, Xoshiro256++ seeded with `seed`.
pub fn run_p1(n: usize, days: usize, seed: u64) -> P1 {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut m = P1::new(n, days, &mut rng);
    m.run(days, &mut rng);
    m
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * a.abs().max(b.abs())
    }

    #[test]
    fn subsidy_halves_every_210000_blocks_from_840000() {
        assert_eq!(subsidy(930_342), 3.125);
        assert_eq!(subsidy(1_049_999), 3.125);
        assert_eq!(subsidy(1_050_000), 1.5625);
        assert_eq!(subsidy(1_260_000), 0.78125);
        assert_eq!(subsidy(840_000), 3.125);
    }

    /// Two agents, worked by hand: hashprice 135,864 USD per TH/s per day;
    /// agent 0's cost is hp / 1.5, so its margin ratio is 0.5 and it grows
    /// 0.5 %; agent 1's cost is 2 hp, so it is off and shrinks 0.1 %.
    #[test]
    fn one_day_of_two_agents_matches_the_spec() {
        let hp = 144.0 * 3.145 * 90_000.0 / 300.0;
        assert_eq!(hp, 135_864.0);
        let mut m = P1::from_parts(vec![100.0, 200.0], vec![90_576.0, 271_728.0], 1);
        assert_eq!(m.h_prev, 300.0);
        let day = m.operate();
        assert!(close(day.revenue, 40_759_200.0));
        assert!(close(m.h[0], 100.5), "{}", m.h[0]);
        assert!(close(m.h[1], 199.8), "{}", m.h[1]);
        assert!(close(day.hashrate, 100.5));
        assert!(close(day.energy, 100.5 * 90_576.0));
        let lambda = 86_400.0 * 100.5e12 / (1.48e14 * 4_294_967_296.0);
        assert!(close(day.lambda, lambda));

        m.close(day, 3, 1.0);
        assert_eq!(
            m.table,
            vec![Row {
                price: 90_000.0,
                difficulty: 1.48e14,
                hashrate: day.hashrate,
                blocks: 3.0,
                revenue: day.revenue,
                energy: day.energy,
            }]
        );
        assert_eq!(m.height, 930_345);
        assert_eq!(m.h_prev, day.hashrate);
        assert_eq!(m.blocks_since_retarget, 3);
        assert!(close(m.secs_since_retarget, 86_400.0));
        assert_eq!(m.difficulty, 1.48e14);
        assert!(close(m.price, 90_000.0 * (0.04f64 - 0.0008).exp()));
    }

    #[test]
    fn an_agent_far_in_the_money_grows_one_percent_and_no_hashrate_means_infinite_hashprice() {
        let mut m = P1::from_parts(vec![0.0, 0.0], vec![1.0, 2.0], 1);
        let day = m.operate();
        assert_eq!(day.hashrate, 0.0);
        assert_eq!(day.lambda, 0.0);
        let mut m = P1::from_parts(vec![10.0], vec![1.0], 1);
        m.operate();
        assert!(close(m.h[0], 10.1));
    }

    /// A window closed inside a day: 2,000 blocks and 1,100,000 s so far,
    /// 32 blocks of 2,700 s each today; 16 close the window.
    #[test]
    fn the_retarget_is_pro_rated_inside_the_day() {
        let mut m = P1::from_parts(vec![1.0], vec![1.0], 1);
        m.blocks_since_retarget = 2000;
        m.secs_since_retarget = 1_100_000.0;
        let day = m.operate();
        m.close(day, 32, 0.0);
        assert!(close(m.difficulty, 1.48e14 * 1_209_600.0 / 1_143_200.0));
        assert_eq!(m.blocks_since_retarget, 16);
        assert!(close(m.secs_since_retarget, 43_200.0));
        assert_eq!(m.table[0].difficulty, 1.48e14, "the row has the day's D");
        assert!(close(m.price, 90_000.0 * (-0.0008f64).exp()));
    }

    #[test]
    fn two_windows_in_one_day_are_clamped_at_four_each_and_an_empty_day_adds_a_day() {
        let mut m = P1::from_parts(vec![1.0], vec![1.0], 2);
        let day = m.operate();
        m.close(day, 5000, 0.0);
        assert_eq!(m.difficulty, 1.48e14 * 16.0);
        assert_eq!(m.blocks_since_retarget, 968);
        assert!(close(m.secs_since_retarget, 968.0 * 17.28));
        let day = m.operate();
        m.close(day, 0, 0.0);
        assert!(close(m.secs_since_retarget, 968.0 * 17.28 + 86_400.0));
        assert_eq!(m.height, 930_342 + 5000);
        // A long window is clamped at 1/4.
        m.blocks_since_retarget = 2015;
        m.secs_since_retarget = 1e8;
        let day = m.operate();
        m.close(day, 1, 0.0);
        assert_eq!(m.difficulty, 1.48e14 * 4.0);
    }

    #[test]
    fn the_initial_state_has_the_spec_s_ranges_and_a_run_is_reproducible() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(SEED);
        let m = P1::new(10_000, 0, &mut rng);
        let total: f64 = m.h.iter().sum();
        assert!((total / 6e8 - 1.0).abs() < 0.01, "{total}");
        assert!(m.h.iter().all(|&h| (30_000.0..90_000.0).contains(&h)));
        // c = e · 0.024 · p: e in [15, 35), p lognormal around 0.05.
        let mut logs: Vec<f64> = m.c.iter().map(|&c| c.ln()).collect();
        logs.sort_by(f64::total_cmp);
        let median = logs[logs.len() / 2].exp();
        assert!((0.025..0.035).contains(&median), "{median}");
        assert_eq!(m.h_prev, total);

        let a = run_p1(100, 400, 7);
        let b = run_p1(100, 400, 7);
        assert_eq!(a.table, b.table);
        assert_eq!(a.table.len(), 400);
        assert_eq!(
            a.height - START_HEIGHT,
            a.table.iter().map(|r| r.blocks as u64).sum::<u64>()
        );
        assert!(a.csv().lines().count() == 401);
        let start = minesim::calendar::Date::from_ymd(2026, 1, 1).unwrap();
        let prices = a.price_csv(start);
        let lines: Vec<&str> = prices.lines().collect();
        assert_eq!(lines.len(), 402);
        assert_eq!(lines[1], "2026-01-01,90000");
        assert_eq!(lines[401], format!("2027-02-05,{}", a.price));
    }
}
