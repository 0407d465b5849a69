//! The decision rules of a mining agent, as pure functions.
//!
//! - **Operate**: a holding runs in a step iff the expected revenue per TH/s
//!   for the step, the hashprice at the *current* difficulty, exceeds its net
//!   energy cost per TH/s per day, `j_per_th × pue × 0.024 × (price −
//!   heat credit)`. Interruptible (curtailed) agents are, in addition, off for
//!   their share of time; that scales their effective hashrate and energy, not
//!   the decision. Because the cost per TH-day of a holding is `j × k_agent`
//!   with a per-agent constant `k`, the operating holdings of a generation
//!   and group are a prefix of the holdings sorted by cost.
//! - **Invest**: buy the best available generation iff the net present value
//!   per TH/s over its lifetime is positive ([`NpvCurve`]); it is decreasing
//!   in the agent's power price, so buyers are a prefix of the agents sorted
//!   by `k`. Manufacturing capacity goes to the highest NPV per TH/s first
//!   (a merge over the groups' buyer prefixes, see `population.rs`).
//! - **Retire**: after the lifetime, or after `patience_days` without running
//!   (see `population.rs`).
//! - **Entry**: a drawn entrant enters iff its NPV per TH/s is positive.

use super::asic::DAYS_PER_YEAR;
use super::{Expectation, MarketView, KWH_PER_TH_DAY_PER_J_PER_TH};

/// Net energy cost of running 1 TH/s for a day, USD: `j × pue × 0.024 ×
/// (price − heat credit)` (negative when reused heat is worth more than the
/// power).
pub fn energy_cost_usd_per_th_day(
    j_per_th: f64,
    pue: f64,
    usd_per_kwh: f64,
    heat_credit_usd_per_kwh: f64,
) -> f64 {
    j_per_th * pue * KWH_PER_TH_DAY_PER_J_PER_TH * (usd_per_kwh - heat_credit_usd_per_kwh)
}

/// The operate rule: run iff hashprice exceeds the net energy cost.
#[inline]
pub fn operates(cost_usd_per_th_day: f64, hashprice_usd_per_th_day: f64) -> bool {
    cost_usd_per_th_day < hashprice_usd_per_th_day
}

/// What an agent of a group expects of hashprice over the coming years.
#[derive(Debug, Clone, Copy)]
pub struct HashpriceExpectation {
    /// Hashprice now, USD/TH/day.
    pub hashprice_now: f64,
    /// Expected difficulty growth per year (hashprice falls by `1/(1+g)` a year).
    pub difficulty_growth_per_year: f64,
    /// Myopic or halving-aware.
    pub model: Expectation,
    /// Subsidy per block now, BTC.
    pub subsidy_btc: f64,
    /// Fees per block now, BTC.
    pub fee_btc: f64,
    /// Days to the next halving (infinite if none).
    pub days_to_halving: f64,
    /// Days between halvings.
    pub halving_interval_days: f64,
    /// Days from now before difficulty starts growing (0: at once; the
    /// delivery lag with the pipeline outlook, whose deliveries are
    /// already in `hashprice_now`).
    pub growth_from_days: f64,
}

impl HashpriceExpectation {
    /// From the market view.
    pub fn from_view(view: &MarketView, model: Expectation, growth: f64) -> Self {
        let spacing_days = view.target_spacing_s.max(1.0) / 86_400.0;
        HashpriceExpectation {
            hashprice_now: view.hashprice_usd_per_th_day(),
            difficulty_growth_per_year: growth,
            model,
            subsidy_btc: view.subsidy_btc_per_block.max(0.0),
            fee_btc: view.fee_btc_per_block.max(0.0),
            days_to_halving: if view.blocks_to_next_halving == u64::MAX {
                f64::INFINITY
            } else {
                view.blocks_to_next_halving as f64 * spacing_days
            },
            halving_interval_days: (view.halving_interval_blocks.max(1) as f64) * spacing_days,
            growth_from_days: 0.0,
        }
    }

    /// The pipeline outlook: hashprice now as if the `pending_th` TH/s
    /// ordered were already running beside today's `network_th` (the
    /// hashrate implied by today's difficulty), then difficulty growth at
    /// `growth` from `lag_days` on.
    pub fn with_pipeline(mut self, network_th: f64, pending_th: f64, lag_days: f64) -> Self {
        if network_th > 0.0 && pending_th > 0.0 && pending_th.is_finite() {
            self.hashprice_now *= network_th / (network_th + pending_th);
        }
        self.growth_from_days = lag_days.max(0.0);
        self
    }

    /// Expected hashprice `tau_days` from now, USD/TH/day.
    pub fn at(&self, tau_days: f64) -> f64 {
        let grown = (tau_days - self.growth_from_days).max(0.0);
        let growth = (1.0 + self.difficulty_growth_per_year).powf(-grown / DAYS_PER_YEAR);
        let mut h = self.hashprice_now * growth;
        if self.model == Expectation::HalvingAware && tau_days >= self.days_to_halving {
            let reward = self.subsidy_btc + self.fee_btc;
            if reward > 0.0 {
                let n =
                    1.0 + ((tau_days - self.days_to_halving) / self.halving_interval_days).floor();
                let factor = (self.subsidy_btc * 0.5f64.powf(n.min(64.0)) + self.fee_btc) / reward;
                h *= factor;
            }
        }
        if h.is_finite() {
            h.max(0.0)
        } else {
            0.0
        }
    }
}

/// Growth of difficulty per year from `history` ((day, difficulty) samples,
/// oldest first) to `difficulty` on day `now`: from the oldest sample at
/// most `window_days` old, `(difficulty / then)^(365.25 / span) − 1`,
/// within [−0.9, 10] (the range of `difficulty_growth_per_year`). `None`
/// when the history spans less than half the window.
pub fn observed_growth_per_year<'a>(
    history: impl IntoIterator<Item = &'a (f64, f64)>,
    now: f64,
    difficulty: f64,
    window_days: f64,
) -> Option<f64> {
    let &(day, then) = history
        .into_iter()
        .find(|&&(d, _)| now - d <= window_days + 1e-9)?;
    let span = now - day;
    if span < 0.5 * window_days || !(then > 0.0 && difficulty > 0.0) {
        return None;
    }
    let g = ((difficulty / then).ln() * DAYS_PER_YEAR / span).exp() - 1.0;
    g.is_finite().then(|| g.clamp(-0.9, 10.0))
}

/// Points of the NPV integration over a machine's lifetime.
pub const NPV_POINTS: usize = 64;

/// Net present value per TH/s of buying one generation now, as a function
/// of the agent's cost factor `k` (net energy cost per TH-day per J/TH =
/// `pue × 0.024 × (price − heat credit)`):
///
/// `NPV(k) = Σ_i disc(τ_i) Δτ max(0, a (ĥ(τ_i) − j k) − other) − price`,
///
/// with `τ_i` the midpoints of `NPV_POINTS` intervals over `[lag, lag +
/// lifetime]`, `ĥ` the expected hashprice, `a` the availability (share of time
/// not curtailed), `disc(τ) = (1 + hurdle)^(−τ / year)`. The `max(0, ·)`
/// models the options to switch off (energy) and to retire (other costs).
/// NPV is non-increasing in `k`.
#[derive(Debug, Clone, Copy)]
pub struct NpvCurve {
    weight: [f64; NPV_POINTS],
    hashprice: [f64; NPV_POINTS],
    j_per_th: f64,
    availability: f64,
    other_usd_per_th_day: f64,
    price_usd_per_th: f64,
}

impl NpvCurve {
    /// Builds the curve (no allocation).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        expectation: &HashpriceExpectation,
        hurdle_rate_per_year: f64,
        lifetime_days: f64,
        lag_days: f64,
        j_per_th: f64,
        availability: f64,
        other_usd_per_th_day: f64,
        price_usd_per_th: f64,
    ) -> Self {
        let mut weight = [0.0; NPV_POINTS];
        let mut hashprice = [0.0; NPV_POINTS];
        let d = lifetime_days.max(0.0) / NPV_POINTS as f64;
        let ln_disc = (1.0 + hurdle_rate_per_year.max(0.0)).ln() / DAYS_PER_YEAR;
        for i in 0..NPV_POINTS {
            let tau = lag_days.max(0.0) + (i as f64 + 0.5) * d;
            weight[i] = (-ln_disc * tau).exp() * d;
            hashprice[i] = expectation.at(tau);
        }
        NpvCurve {
            weight,
            hashprice,
            j_per_th,
            availability,
            other_usd_per_th_day,
            price_usd_per_th,
        }
    }

    /// Present value per TH/s of operating cash flows (without the price).
    pub fn value_per_th(&self, k: f64) -> f64 {
        let c = self.j_per_th * k;
        let mut s = 0.0;
        for i in 0..NPV_POINTS {
            let margin =
                self.availability * (self.hashprice[i] - c).max(0.0) - self.other_usd_per_th_day;
            s += self.weight[i] * margin.max(0.0);
        }
        s
    }

    /// The same values as [`NpvCurve::value_per_th`] for many agents at
    /// once, in O(1) amortised per agent when the agents come in
    /// increasing `k` (see [`SortedValues`]).
    pub fn sorted_values(&self) -> SortedValues {
        SortedValues::new(self)
    }

    /// NPV per TH/s, USD.
    pub fn npv_per_th(&self, k: f64) -> f64 {
        self.value_per_th(k) - self.price_usd_per_th
    }

    /// Price per TH/s used.
    pub fn price_usd_per_th(&self) -> f64 {
        self.price_usd_per_th
    }
}

/// [`NpvCurve::value_per_th`] rewritten for fast evaluation. Each term is
/// `w max(0, a max(0, h − j k) − o) = a w max(0, t − j k)` with `t = h −
/// o / a` (availability `a > 0`, other costs `o ≥ 0`), so with the `t`
/// sorted from the highest, `value(k) = a (Σ w t − j k Σ w)` over the
/// terms with `t > j k`: a prefix, found by a pointer that only moves
/// back as `k` grows. Equal to `value_per_th` up to rounding (the sums
/// are taken in another order).
#[derive(Debug, Clone, Copy)]
pub struct SortedValues {
    /// Thresholds `t`, highest first.
    t: [f64; NPV_POINTS],
    /// Prefix sums of `w` and of `w t` in that order: `[i]` sums the
    /// first `i` terms.
    sum_w: [f64; NPV_POINTS + 1],
    sum_wt: [f64; NPV_POINTS + 1],
    j_per_th: f64,
    availability: f64,
    /// The curve's price per TH/s.
    price_usd_per_th: f64,
    /// Terms with `t > j k` for the last `k` asked.
    live: usize,
}

impl SortedValues {
    fn new(c: &NpvCurve) -> SortedValues {
        let a = c.availability;
        let mut terms = [(0.0f64, 0.0f64); NPV_POINTS];
        for (i, term) in terms.iter_mut().enumerate() {
            let t = if a > 0.0 {
                c.hashprice[i] - c.other_usd_per_th_day / a
            } else {
                f64::NEG_INFINITY
            };
            *term = (t, c.weight[i]);
        }
        terms.sort_unstable_by(|x, y| y.0.total_cmp(&x.0));
        let mut s = SortedValues {
            t: [0.0; NPV_POINTS],
            sum_w: [0.0; NPV_POINTS + 1],
            sum_wt: [0.0; NPV_POINTS + 1],
            j_per_th: c.j_per_th,
            availability: a,
            price_usd_per_th: c.price_usd_per_th,
            live: NPV_POINTS,
        };
        for (i, &(t, w)) in terms.iter().enumerate() {
            s.t[i] = t;
            let wt = if t.is_finite() { w * t } else { 0.0 };
            s.sum_w[i + 1] = s.sum_w[i] + if t.is_finite() { w } else { 0.0 };
            s.sum_wt[i + 1] = s.sum_wt[i] + wt;
        }
        s
    }

    /// Present value per TH/s of operating cash flows at cost factor `k`.
    /// Fastest when successive calls have non-decreasing `k`.
    pub fn value_per_th(&mut self, k: f64) -> f64 {
        let c = self.j_per_th * k;
        // Move the pointer to the number of thresholds above c.
        while self.live > 0 && self.t[self.live - 1] <= c {
            self.live -= 1;
        }
        while self.live < NPV_POINTS && self.t[self.live] > c {
            self.live += 1;
        }
        let n = self.live;
        let v = self.availability * (self.sum_wt[n] - c * self.sum_w[n]);
        v.max(0.0)
    }

    /// The curve's price per TH/s (NPV = value − price).
    pub fn price_usd_per_th(&self) -> f64 {
        self.price_usd_per_th
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exp(model: Expectation) -> HashpriceExpectation {
        HashpriceExpectation {
            hashprice_now: 0.1,
            difficulty_growth_per_year: 0.0,
            model,
            subsidy_btc: 3.0,
            fee_btc: 1.0,
            days_to_halving: 100.0,
            halving_interval_days: 1000.0,
            growth_from_days: 0.0,
        }
    }

    #[test]
    fn halving_aware_expectation_halves_the_subsidy() {
        let m = exp(Expectation::Myopic);
        let h = exp(Expectation::HalvingAware);
        assert_eq!(m.at(150.0), 0.1);
        assert!((h.at(50.0) - 0.1).abs() < 1e-15);
        assert!((h.at(150.0) - 0.1 * 2.5 / 4.0).abs() < 1e-15);
        assert!((h.at(1150.0) - 0.1 * 1.75 / 4.0).abs() < 1e-15);
    }

    #[test]
    fn pipeline_outlook_counts_orders_then_grows_after_the_lag() {
        // 100 TH/s running, 25 ordered: hashprice now × 100 / 125; growth
        // of 100 % a year starts after the 30-day lag.
        let e = HashpriceExpectation {
            difficulty_growth_per_year: 1.0,
            ..exp(Expectation::Myopic)
        }
        .with_pipeline(100.0, 25.0, 30.0);
        assert!((e.at(0.0) - 0.08).abs() < 1e-15);
        assert!((e.at(30.0) - 0.08).abs() < 1e-15);
        let year_later = e.at(30.0 + DAYS_PER_YEAR);
        assert!((year_later - 0.04).abs() < 1e-12, "{year_later}");
        // Nothing ordered: today's hashprice.
        let none = exp(Expectation::Myopic).with_pipeline(100.0, 0.0, 30.0);
        assert_eq!(none.at(10.0), 0.1);
    }

    #[test]
    fn observed_growth_reads_a_known_path() {
        // Difficulty doubling a year, sampled weekly for 400 days.
        let hist: Vec<(f64, f64)> = (0..58)
            .map(|w| {
                let d = 7.0 * w as f64;
                (d, 2f64.powf(d / DAYS_PER_YEAR))
            })
            .collect();
        let now = 406.0;
        let today = 2f64.powf(now / DAYS_PER_YEAR);
        let g = observed_growth_per_year(&hist, now, today, 180.0).unwrap();
        assert!((g - 1.0).abs() < 1e-12, "{g}");
        // Too little history for the window: no estimate.
        assert_eq!(observed_growth_per_year(&hist[..2], 7.0, 1.0, 180.0), None);
        // A collapse is clamped to the configurable range.
        let g = observed_growth_per_year(&[(0.0, 1e6)], 100.0, 1.0, 100.0).unwrap();
        assert_eq!(g, -0.9);
    }

    #[test]
    fn sorted_values_equal_the_direct_sum() {
        // Growth, a halving, curtailment and other costs: thresholds that
        // cross the agents' costs at many places.
        let e = HashpriceExpectation {
            difficulty_growth_per_year: 0.4,
            ..exp(Expectation::HalvingAware)
        };
        for (a, o) in [(1.0, 0.0), (0.8, 0.002), (0.3, 0.05), (0.0, 0.0)] {
            let c = NpvCurve::new(&e, 0.1, 1500.0, 30.0, 20.0, a, o, 50.0);
            let mut s = c.sorted_values();
            for i in 0..2000 {
                let k = i as f64 * 3e-6;
                let (fast, direct) = (s.value_per_th(k), c.value_per_th(k));
                assert!(
                    (fast - direct).abs() <= 1e-12 * direct.abs().max(1.0),
                    "a {a} o {o} k {k}: {fast} vs {direct}"
                );
            }
            // Out of order, too.
            for &k in &[0.004, 0.0, 0.002, 1.0, -0.001] {
                let (fast, direct) = (s.value_per_th(k), c.value_per_th(k));
                assert!(
                    (fast - direct).abs() <= 1e-12 * direct.abs().max(1.0),
                    "k {k}: {fast} vs {direct}"
                );
            }
        }
    }

    #[test]
    fn npv_without_costs_is_hashprice_times_lifetime() {
        let c = NpvCurve::new(
            &exp(Expectation::Myopic),
            0.0,
            1000.0,
            30.0,
            20.0,
            1.0,
            0.0,
            50.0,
        );
        assert!((c.npv_per_th(0.0) - (0.1 * 1000.0 - 50.0)).abs() < 1e-9);
        // Monotone in k, zero value when cost exceeds hashprice.
        assert!(c.npv_per_th(0.001) < c.npv_per_th(0.0));
        assert_eq!(c.value_per_th(1.0), 0.0);
    }
}
