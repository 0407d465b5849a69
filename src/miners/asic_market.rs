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
//! What holds for every clearing (tested as properties): `reserve ≤ price`;
//! every buyer's value is at least the price (nobody pays above its bid),
//! so the price is at most the lowest accepted bid; no bid above the price
//! goes unserved; quantity ≤ supply, and = supply when the price is above
//! the reserve; each payment is price × quantity and at most the budget.

/// One buyer's bid for new machines.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bid {
    /// Who bids (an agent index, or a candidate entrant's slot).
    pub bidder: u32,
    /// The most it would pay per TH/s, USD.
    pub value_usd_per_th: f64,
    /// Cash it spends at any price below its value, USD.
    pub budget_usd: f64,
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
            _ => bid.budget_usd / self.price_usd_per_th,
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
    bids.sort_unstable_by(|a, b| {
        b.value_usd_per_th
            .total_cmp(&a.value_usd_per_th)
            .then(a.bidder.cmp(&b.bidder))
    });
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

#[cfg(test)]
mod tests {
    use super::*;

    fn bid(bidder: u32, value: f64, budget: f64) -> Bid {
        Bid {
            bidder,
            value_usd_per_th: value,
            budget_usd: budget,
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
