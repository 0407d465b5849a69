//! Properties of the ASIC market's uniform-price clearing
//! (`miners::asic_market::clear`), over random bids, supplies and
//! reserves.

use minesim::miners::asic_market::{clear, Bid};
use proptest::prelude::*;

fn bids() -> impl Strategy<Value = Vec<Bid>> {
    prop::collection::vec(
        (
            0.0f64..100.0,
            prop_oneof![Just(0.0), 0.0f64..1e6],
            prop_oneof![
                Just(f64::INFINITY),
                Just(f64::INFINITY),
                Just(0.0),
                0.0f64..1e5
            ],
        ),
        0..40,
    )
    .prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (value, budget, max_th))| Bid {
                bidder: i as u32,
                value_usd_per_th: value,
                budget_usd: budget,
                max_th,
            })
            .collect()
    })
}

/// TH/s bids demand at price `p` (brute force).
fn demand(b: &[Bid], p: f64) -> f64 {
    b.iter()
        .filter(|x| x.value_usd_per_th > p)
        .map(|x| (x.budget_usd / p).min(x.max_th))
        .sum()
}

/// Relative tolerance of the float identities.
const TOL: f64 = 1e-9;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn clearing_prices_and_quantities_are_consistent(
        mut b in bids(),
        supply in prop_oneof![Just(0.0), 1e-3f64..1e6],
        reserve in 0.01f64..50.0,
    ) {
        let c = clear(&mut b, supply, reserve);
        let p = c.price_usd_per_th;
        prop_assert!(p >= reserve, "price {p} below the reserve {reserve}");
        prop_assert!(c.quantity_th <= supply * (1.0 + TOL), "sold {} of {supply}", c.quantity_th);
        let mut sold = 0.0;
        for (i, bid) in b.iter().enumerate() {
            let q = c.quantity_of(i, bid);
            prop_assert!(q >= 0.0);
            prop_assert!(q <= bid.max_th * (1.0 + TOL), "bid {} capped at {} gets {q}", i, bid.max_th);
            if q > 0.0 {
                // Nobody pays above its bid; the payment is price × quantity
                // and within the budget.
                prop_assert!(bid.value_usd_per_th >= p, "bid {} at {} pays {p}", i, bid.value_usd_per_th);
                prop_assert!(p * q <= bid.budget_usd * (1.0 + TOL));
            } else if bid.budget_usd > 0.0 && bid.max_th > 0.0 && supply > 0.0 {
                // A bid with cash strictly above the price is served.
                prop_assert!(bid.value_usd_per_th <= p * (1.0 + TOL),
                    "bid {} with value {} unserved at price {p}", i, bid.value_usd_per_th);
            }
            sold += q;
        }
        prop_assert!((sold - c.quantity_th).abs() <= TOL * supply.max(1.0));
        prop_assert!((c.revenue_usd() - p * c.quantity_th).abs() <= TOL * c.revenue_usd().max(1.0));
        // Above the reserve the supply binds: all of it is sold.
        if p > reserve * (1.0 + TOL) {
            prop_assert!((c.quantity_th - supply).abs() <= TOL * supply, "price {p} > reserve but sold {} of {supply}", c.quantity_th);
        }
        // The price is at most the lowest accepted bid.
        if c.buyers > 0 {
            prop_assert!(b[c.buyers - 1].value_usd_per_th >= p);
        }
        // Buyers strictly above the price get all they demand there.
        for (i, bid) in b.iter().enumerate().take(c.buyers) {
            if bid.value_usd_per_th > p * (1.0 + TOL) && c.marginal_th.is_none_or(|_| i + 1 < c.buyers) {
                let want = (bid.budget_usd / p).min(bid.max_th);
                prop_assert!((c.quantity_of(i, bid) - want).abs() <= TOL * want.max(1.0));
            }
        }
        // The lowest price at which demand fits: a little below it,
        // demand exceeds the supply (when the price is above the reserve
        // and not at a bid value, where demand jumps).
        if supply > 0.0 && p > reserve * (1.0 + 1e-6) && c.marginal_th.is_none() {
            prop_assert!(demand(&b, p * (1.0 - 1e-6)) > supply * (1.0 - TOL));
        }
    }

    #[test]
    fn clearing_does_not_depend_on_bid_order(mut b in bids(), supply in 1e-3f64..1e6, reserve in 0.01f64..50.0) {
        let mut r = b.clone();
        r.reverse();
        let c1 = clear(&mut b, supply, reserve);
        let c2 = clear(&mut r, supply, reserve);
        prop_assert_eq!(c1, c2);
        prop_assert_eq!(b, r);
    }
}

#[test]
fn price_rises_to_ration_scarce_machines() {
    // Ten buyers, values 10, 20, ..., 100 and budgets of 1,000 each; a
    // supply of 30 TH/s at a reserve of 5 (at the reserve they would buy
    // 2,000 TH/s). The price must be the lowest at which demand, checked
    // here by brute force, fits the supply.
    let mut b: Vec<Bid> = (1..=10)
        .map(|i| Bid::uncapped(i, 10.0 * i as f64, 1_000.0))
        .collect();
    let c = clear(&mut b, 30.0, 5.0);
    // Check by brute force: demand(p) = Σ_{v > p} 1000 / p.
    assert!(demand(&b, c.price_usd_per_th) <= 30.0 + 1e-9);
    assert!(demand(&b, c.price_usd_per_th * (1.0 - 1e-9)) > 30.0);
    assert!((c.quantity_th - 30.0).abs() < 1e-9);
}

#[test]
fn caps_push_demand_to_the_uncapped() {
    // The same ten buyers with the five highest capped at 1 TH/s each:
    // 5 TH/s go to them, and the price must ration the other 25 among the
    // rest. Checked by brute force as above.
    let mut b: Vec<Bid> = (1..=10)
        .map(|i| Bid {
            max_th: if i > 5 { 1.0 } else { f64::INFINITY },
            ..Bid::uncapped(i, 10.0 * i as f64, 1_000.0)
        })
        .collect();
    let c = clear(&mut b, 30.0, 5.0);
    assert!(demand(&b, c.price_usd_per_th) <= 30.0 + 1e-9);
    assert!(demand(&b, c.price_usd_per_th * (1.0 - 1e-9)) > 30.0);
    let capped: f64 = (0..c.buyers)
        .filter(|&i| b[i].max_th == 1.0)
        .map(|i| c.quantity_of(i, &b[i]))
        .sum();
    assert!((capped - 5.0).abs() < 1e-12, "capped buyers got {capped}");
}
