//! The market for new ASICs: one uniform price per review period that
//! clears the period's manufacturing output against the buyers' bids.
//!
//! Each buyer bids its willingness to pay per TH/s, `value` (the present
//! value of the machine's expected operating cash flows at the buyer's own
//! power price, discount rate and expectations), and a cash `budget`; at a
//! price `p < value` it spends its whole budget, buying `budget / p` TH/s,
//! and at `p > value` nothing. Manufacturers sell at any price at or above
//! their unit cost, the `reserve`, up to the period's output `supply`.
//!
//! [`clear`] finds the lowest price `p ≥ reserve` at which demand fits the
//! supply. With the bids sorted by value, `v₁ ≥ v₂ ≥ … > reserve`, and
//! `Cⱼ` the sum of the first `j` budgets, demand on `[vⱼ₊₁, vⱼ)` is
//! `Cⱼ / p`, so the price is either `reserve` (supply not binding), `Cⱼ /
//! supply` inside one of those intervals (every buyer above it spends its
//! budget), or a bid value `vⱼ` (the marginal buyer, indifferent at that
//! price, gets what is left). Exact, one sort and one pass: O(n log n).
//!
//! A bid may also cap its quantity, `max_th` (a buyer whose power supply
//! has room for only so many machines, see the finite power regions of
//! `miners::population`): its demand is then `min(budget / p, max_th)`.
//! With caps the demand on an interval between bid values is `A / p + Q`
//! (`A` the budgets of the buyers bound by cash, `Q` the caps of those
//! bound by quantity), and a buyer moves from the second kind to the first
//! where `budget / p = max_th`; [`clear`] walks these events upward from
//! the reserve, again one sort and one pass. Without any finite cap it
//! takes the shorter walk above, which is the same computation.
//!
//! What holds for every clearing (tested as properties): `reserve ≤ price`;
//! every buyer's value is at least the price (nobody pays above its bid),
//! so the price is at most the lowest accepted bid; no bid above the price
//! goes unserved; quantity ≤ supply, and = supply when the price is above
//! the reserve; each payment is price × quantity and at most the budget;
//! nobody gets more than its cap.

/// One buyer's bid for new machines.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bid {
    /// Who bids (an agent index, or a candidate entrant's slot).
    pub bidder: u32,
    /// Order among bids of equal value, lower first (then `bidder`): the
    /// population gives an agent's draw order, which stays the same when
    /// agents are renumbered; [`Bid::uncapped`] sets it to `bidder`.
    pub rank: u32,
    /// The most it would pay per TH/s, USD.
    pub value_usd_per_th: f64,
    /// Cash it spends at any price below its value, USD.
    pub budget_usd: f64,
    /// The most TH/s it can take (`f64::INFINITY`: no cap). NaN or
    /// negative counts as 0.
    pub max_th: f64,
}

impl Bid {
    /// A bid without a quantity cap.
    pub fn uncapped(bidder: u32, value_usd_per_th: f64, budget_usd: f64) -> Bid {
        Bid {
            bidder,
            rank: bidder,
            value_usd_per_th,
            budget_usd,
            max_th: f64::INFINITY,
        }
    }

    /// The order in which bids are served: value, highest first; equal
    /// values by rank, then bidder (a total order, bidders being
    /// distinct). [`clear`] sorts by it, and a caller that merges bids
    /// before clearing must walk them in it too.
    pub fn by_value_desc(a: &Bid, b: &Bid) -> std::cmp::Ordering {
        b.value_usd_per_th
            .total_cmp(&a.value_usd_per_th)
            .then(a.rank.cmp(&b.rank))
            .then(a.bidder.cmp(&b.bidder))
    }

    /// TH/s demanded at price `p` (below the bid's value).
    fn demand_at(&self, p: f64) -> f64 {
        (self.budget_usd / p).min(self.max_th)
    }
}

/// The outcome of [`clear`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Clearing {
    /// The uniform price, USD per TH/s.
    pub price_usd_per_th: f64,
    /// TH/s sold (at most the supply).
    pub quantity_th: f64,
    /// Number of bids, from the front of the sorted slice, that buy.
    pub buyers: usize,
    /// TH/s of the last buyer when it is the indifferent marginal buyer
    /// (value = price) and gets only what is left; `None` when every buyer
    /// spends its whole budget.
    pub marginal_th: Option<f64>,
}

impl Clearing {
    /// TH/s bought by the `i`-th bid of the sorted slice.
    pub fn quantity_of(&self, i: usize, bid: &Bid) -> f64 {
        if i >= self.buyers {
            return 0.0;
        }
        match self.marginal_th {
            Some(q) if i + 1 == self.buyers => q,
            _ => bid.demand_at(self.price_usd_per_th),
        }
    }

    /// Manufacturers' revenue, USD.
    pub fn revenue_usd(&self) -> f64 {
        self.price_usd_per_th * self.quantity_th
    }
}

/// Clears `supply_th` TH/s at a price of at least `reserve_usd_per_th`
/// against `bids`, which it sorts in place by value, highest first (ties
/// by bidder, so the result does not depend on the input order). Bids at
/// or below the reserve, and bids without cash, never buy. With no
/// supply, or no bid above the reserve, nothing is sold at the reserve.
pub fn clear(bids: &mut [Bid], supply_th: f64, reserve_usd_per_th: f64) -> Clearing {
    let reserve = if reserve_usd_per_th.is_finite() {
        reserve_usd_per_th.max(f64::MIN_POSITIVE)
    } else {
        f64::MAX
    };
    for b in bids.iter_mut() {
        if !b.value_usd_per_th.is_finite() {
            b.value_usd_per_th = f64::NEG_INFINITY;
        }
    }
    // A total order (bidders are distinct), so any sort gives the same
    // slice. The stable sort finds the runs that callers often pass (the
    // population's bids come group by group, each falling in value) and
    // merges them in linear time; it allocates a buffer, once per call.
    bids.sort_by(Bid::by_value_desc);
    let nothing = Clearing {
        price_usd_per_th: reserve,
        quantity_th: 0.0,
        buyers: 0,
        marginal_th: None,
    };
    if !(supply_th > 0.0 && supply_th.is_finite()) {
        return nothing;
    }
    // The bids that can buy: value above the reserve and some cash. They
    // are a prefix of the sorted slice except for cashless ones, which
    // add nothing to demand and are skipped by quantity_of's budget of 0.
    let n = bids
        .iter()
        .position(|b| b.value_usd_per_th <= reserve)
        .unwrap_or(bids.len());
    let budget = |b: &Bid| {
        if b.budget_usd.is_finite() {
            b.budget_usd.max(0.0)
        } else {
            0.0
        }
    };
    for b in bids[..n].iter_mut() {
        b.budget_usd = budget(b);
        if b.max_th.is_nan() || b.max_th < 0.0 {
            b.max_th = 0.0;
        }
    }
    if bids[..n].iter().any(|b| b.max_th.is_finite()) {
        return clear_capped(&bids[..n], supply_th, reserve);
    }
    let total: f64 = bids[..n].iter().map(|b| b.budget_usd).sum();
    if n == 0 || total <= 0.0 {
        return nothing;
    }
    if total / reserve <= supply_th {
        return Clearing {
            price_usd_per_th: reserve,
            quantity_th: total / reserve,
            buyers: n,
            marginal_th: None,
        };
    }
    // Demand at the reserve exceeds the supply: raise the price, dropping
    // bidders from the lowest value up. `cum[j]` = budgets of bids 0..j.
    let mut cum = total;
    for j in (0..n).rev() {
        let v = bids[j].value_usd_per_th;
        let p = cum / supply_th;
        if p < v {
            // Interior: bids 0..=j spend their budgets at p.
            return Clearing {
                price_usd_per_th: p,
                quantity_th: supply_th,
                buyers: j + 1,
                marginal_th: None,
            };
        }
        let others = cum - bids[j].budget_usd;
        if others / v <= supply_th {
            // At p = v bid j is indifferent and takes what is left.
            let left = (supply_th - others / v).max(0.0);
            return Clearing {
                price_usd_per_th: v,
                quantity_th: others / v + left,
                buyers: j + 1,
                marginal_th: Some(left),
            };
        }
        cum = others;
    }
    // Unreachable: with no bidder left demand is 0 <= supply.
    nothing
}

/// Tells a caller that produces bids in decreasing value when it has
/// produced enough to clear `supply_th` TH/s, so that it need not value
/// every buyer: once the bids taken would demand more than the supply
/// even at the lowest value taken, demand exceeds the supply at every
/// price below that value, so the clearing price is at least that value
/// and every bid of lower value buys nothing. [`clear`] over the bids
/// taken (and the ones that tie with the last, which
/// [`SufficientBids::needs`] asks for) then gives the same clearing as
/// over all bids, up to the rounding of its sums. The bound summed is each
/// bid's demand at its own value (demand only rises as the price falls).
/// Any superset of the bids asked for gives the same clearing too.
#[derive(Debug, Clone, Copy)]
pub struct SufficientBids {
    supply_th: f64,
    lower_th: f64,
    last_value: f64,
}

impl SufficientBids {
    /// For a supply of `supply_th` TH/s (none, or not a number: every bid
    /// is needed, or none is, as [`clear`] then sells nothing anyway).
    pub fn new(supply_th: f64) -> SufficientBids {
        SufficientBids {
            supply_th,
            lower_th: 0.0,
            last_value: f64::INFINITY,
        }
    }

    /// Whether the next bid, of value `value_usd_per_th` (at most the
    /// value of every bid taken so far), can still matter to the clearing.
    pub fn needs(&self, value_usd_per_th: f64) -> bool {
        let enough = self.lower_th > self.supply_th;
        !enough || value_usd_per_th >= self.last_value
    }

    /// Counts `bid` as taken.
    pub fn take(&mut self, bid: &Bid) {
        let v = bid.value_usd_per_th;
        let budget = if bid.budget_usd.is_finite() {
            bid.budget_usd.max(0.0)
        } else {
            0.0
        };
        let cap = if bid.max_th.is_nan() {
            0.0
        } else {
            bid.max_th.max(0.0)
        };
        if v > 0.0 && v.is_finite() {
            self.lower_th += (budget / v).min(cap);
        }
        self.last_value = self.last_value.min(v);
    }
}

/// [`clear`] when some of the `bids` (sorted, all with value above the
/// `reserve`, budgets sanitised) cap their quantity.
fn clear_capped(bids: &[Bid], supply_th: f64, reserve: f64) -> Clearing {
    let n = bids.len();
    // `A` and `Q` at the reserve; bid i is bound by cash from price
    // `t_i = budget / max_th` on.
    let t = |b: &Bid| b.budget_usd / b.max_th;
    let (mut a, mut q) = (0.0, 0.0);
    let mut flips: Vec<(f64, usize)> = Vec::new();
    for (i, b) in bids.iter().enumerate() {
        let ti = t(b);
        if ti <= reserve {
            a += b.budget_usd;
        } else {
            q += b.max_th;
            if ti < b.value_usd_per_th {
                flips.push((ti, i));
            }
        }
    }
    if a / reserve + q <= supply_th {
        let quantity = bids.iter().map(|b| b.demand_at(reserve)).sum();
        return Clearing {
            price_usd_per_th: reserve,
            quantity_th: quantity,
            buyers: n,
            marginal_th: None,
        };
    }
    flips.sort_unstable_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
    let mut flipped = vec![false; n];
    let mut next_flip = 0;
    // Bids 0..m are still in; the next to drop is m − 1 (lowest value).
    let mut m = n;
    while m > 0 {
        while next_flip < flips.len() && flips[next_flip].1 >= m {
            next_flip += 1;
        }
        let drop_at = bids[m - 1].value_usd_per_th;
        let flip = flips.get(next_flip).filter(|f| f.0 < drop_at).copied();
        let event = flip.map_or(drop_at, |f| f.0);
        // Inside the interval up to the event demand is a / p + q.
        if a > 0.0 && supply_th > q {
            let p = a / (supply_th - q);
            if p < event {
                return Clearing {
                    price_usd_per_th: p.max(reserve),
                    quantity_th: supply_th,
                    buyers: m,
                    marginal_th: None,
                };
            }
        }
        if let Some((_, i)) = flip {
            a += bids[i].budget_usd;
            q = (q - bids[i].max_th).max(0.0);
            flipped[i] = true;
            next_flip += 1;
            continue;
        }
        // Bid m − 1 drops out at its value, where it is indifferent.
        let j = m - 1;
        let (a_rest, q_rest) = if flipped[j] || t(&bids[j]) <= reserve {
            (a - bids[j].budget_usd, q)
        } else {
            (a, (q - bids[j].max_th).max(0.0))
        };
        let others = a_rest / drop_at + q_rest;
        if others <= supply_th {
            let left = (supply_th - others).clamp(0.0, bids[j].demand_at(drop_at));
            return Clearing {
                price_usd_per_th: drop_at,
                quantity_th: others + left,
                buyers: m,
                marginal_th: Some(left),
            };
        }
        a = a_rest.max(0.0);
        q = q_rest;
        m = j;
    }
    Clearing {
        price_usd_per_th: reserve,
        quantity_th: 0.0,
        buyers: 0,
        marginal_th: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bid(bidder: u32, value: f64, budget: f64) -> Bid {
        Bid::uncapped(bidder, value, budget)
    }

    #[test]
    fn a_cap_limits_a_buyer_and_lowers_the_price() {
        // Values 20 and 10, budgets 100, supply 8: uncapped the price is
        // 12.5 (bid 1 alone). Capping bid 1 at 4 TH/s leaves 4 for bid 0
        // (value 10, wants 100/p): at p = 10 it is indifferent and takes
        // the 4 left.
        let mut b = vec![bid(0, 10.0, 100.0), bid(1, 20.0, 100.0)];
        b[1].max_th = 4.0;
        let c = clear(&mut b, 8.0, 5.0);
        assert_eq!(c.price_usd_per_th, 10.0);
        assert_eq!(c.quantity_of(0, &b[0]), 4.0);
        assert_eq!(c.quantity_of(1, &b[1]), 4.0);
        // Supply 30: at the reserve 5 bid 1 takes its cap 4, bid 0 its
        // 100/5 = 20: 24 ≤ 30, sold at the reserve.
        let c = clear(&mut b, 30.0, 5.0);
        assert_eq!(c.price_usd_per_th, 5.0);
        assert_eq!(c.quantity_th, 24.0);
        // Supply 22 between: bid 1 capped at 4, bid 0 buys 100/p = 18 at
        // p = 100/18, above the reserve and below both values.
        let c = clear(&mut b, 22.0, 5.0);
        assert!((c.price_usd_per_th - 100.0 / 18.0).abs() < 1e-12);
        assert!((c.quantity_th - 22.0).abs() < 1e-12);
    }

    #[test]
    fn infinite_caps_clear_as_without_caps() {
        let b = vec![bid(0, 10.0, 100.0), bid(1, 20.0, 100.0), bid(2, 15.0, 50.0)];
        for supply in [1.0, 8.0, 12.0, 15.0, 100.0] {
            let fast = clear(&mut b.clone(), supply, 5.0);
            let mut sorted = b.clone();
            clear(&mut sorted, supply, 5.0);
            let slow = clear_capped(&sorted, supply, 5.0);
            assert!((fast.price_usd_per_th - slow.price_usd_per_th).abs() < 1e-12);
            assert!((fast.quantity_th - slow.quantity_th).abs() < 1e-12);
            assert_eq!(fast.buyers, slow.buyers);
        }
    }

    #[test]
    fn slack_supply_sells_at_the_reserve() {
        let mut b = vec![bid(0, 10.0, 100.0), bid(1, 20.0, 100.0)];
        let c = clear(&mut b, 1_000.0, 5.0);
        assert_eq!(c.price_usd_per_th, 5.0);
        assert_eq!(c.quantity_th, 40.0);
        assert_eq!(c.buyers, 2);
    }

    #[test]
    fn binding_supply_prices_between_the_bids() {
        // Budgets 100 each, values 20 and 10, supply 8 TH/s: at p in
        // [10, 20) only bid 0 buys, 100/p = 8 at p = 12.5.
        let mut b = vec![bid(0, 10.0, 100.0), bid(1, 20.0, 100.0)];
        let c = clear(&mut b, 8.0, 5.0);
        assert_eq!(b[0].bidder, 1);
        assert_eq!(c.price_usd_per_th, 12.5);
        assert_eq!(c.quantity_th, 8.0);
        assert_eq!(c.buyers, 1);
        // Supply 15: with both in, 200/15 = 13.3 is above bid 1's value,
        // so the price stops at 10: bid 0 buys 100/10 = 10 and bid 1,
        // indifferent, the remaining 5.
        let c = clear(&mut b, 15.0, 5.0);
        assert_eq!(c.price_usd_per_th, 10.0);
        assert_eq!(c.buyers, 2);
        assert_eq!(c.marginal_th, Some(5.0));
        assert_eq!(c.quantity_of(0, &b[0]), 10.0);
        assert_eq!(c.quantity_of(1, &b[1]), 5.0);
    }

    #[test]
    fn nothing_sells_without_supply_or_bids_above_the_reserve() {
        let mut b = vec![bid(0, 4.0, 100.0)];
        assert_eq!(clear(&mut b, 10.0, 5.0).quantity_th, 0.0);
        let mut b = vec![bid(0, 6.0, 100.0)];
        assert_eq!(clear(&mut b, 0.0, 5.0).quantity_th, 0.0);
        assert_eq!(clear(&mut [], 10.0, 5.0).quantity_th, 0.0);
    }
}
