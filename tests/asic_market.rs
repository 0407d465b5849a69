//! Properties of the ASIC market's uniform-price clearing
//! (`miners::asic_market::clear`), over random bids, supplies and
//! reserves.

use minesim::miners::asic_market::{clear, Bid, SufficientBids};
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
                rank: i as u32,
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
    fn the_bids_sufficient_bids_asks_for_clear_as_all_bids(
        mut b in bids(),
        supply in prop_oneof![Just(0.0), 1e-3f64..1e6],
        reserve in 0.01f64..50.0,
    ) {
        // Taken from the highest value down, as the population does.
        b.sort_by(|x, y| y.value_usd_per_th.total_cmp(&x.value_usd_per_th));
        let mut need = SufficientBids::new(supply);
        let mut prefix = Vec::new();
        for bid in b.iter().filter(|x| x.value_usd_per_th > reserve) {
            if !need.needs(bid.value_usd_per_th) {
                break;
            }
            need.take(bid);
            prefix.push(*bid);
        }
        let all = clear(&mut b, supply, reserve);
        let some = clear(&mut prefix, supply, reserve);
        let close = |x: f64, y: f64| (x - y).abs() <= TOL * x.abs().max(y.abs()).max(1e-12);
        prop_assert!(close(all.price_usd_per_th, some.price_usd_per_th),
            "price {} with all {} bids, {} with the {} asked for", all.price_usd_per_th, b.len(), some.price_usd_per_th, prefix.len());
        prop_assert!(close(all.quantity_th, some.quantity_th));
        // Every bidder gets the same with or without the bids left out.
        for (i, bid) in b.iter().enumerate() {
            let q_all = all.quantity_of(i, bid);
            let q_some = prefix
                .iter()
                .position(|x| x.bidder == bid.bidder)
                .map_or(0.0, |j| some.quantity_of(j, &prefix[j]));
            prop_assert!((q_all - q_some).abs() <= TOL * q_all.max(q_some).max(1.0),
                "bidder {} gets {q_all} with all bids, {q_some} with the prefix", bid.bidder);
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

#[test]
fn sufficient_bids_stops_only_when_demand_exceeds_the_supply() {
    // Two bids capped at 5 TH/s meet a supply of 10 exactly: a third,
    // lower bid sets the price (at its value, taking nothing), so it is
    // still needed; with supply 9 the first two exceed it and it is not.
    let b: Vec<Bid> = [(1, 30.0), (2, 20.0), (3, 10.0)]
        .iter()
        .map(|&(i, v)| Bid {
            max_th: if i < 3 { 5.0 } else { f64::INFINITY },
            ..Bid::uncapped(i, v, 1_000.0)
        })
        .collect();
    for (supply, needed) in [(10.0, 3), (9.0, 2)] {
        let mut need = SufficientBids::new(supply);
        let taken = b.iter().take_while(|x| {
            let more = need.needs(x.value_usd_per_th);
            if more {
                need.take(x);
            }
            more
        });
        assert_eq!(taken.count(), needed, "supply {supply}");
    }
    let c = clear(&mut b.clone(), 10.0, 5.0);
    assert_eq!(c.price_usd_per_th, 10.0);
    // Ties with the last bid taken are still needed.
    let mut need = SufficientBids::new(1.0);
    need.take(&Bid::uncapped(1, 10.0, 1_000.0));
    assert!(need.needs(10.0));
    assert!(!need.needs(9.99));
}

#[test]
fn equal_bids_go_by_rank_then_bidder() {
    // Three bids of one value and one budget for 1 TH/s at most: the lowest
    // rank buys, whatever the bidder indices (the population ranks agents by
    // draw order, which renumbering keeps).
    let mut b: Vec<Bid> = [(7, 2), (3, 1), (5, 0)]
        .iter()
        .map(|&(bidder, rank)| Bid {
            rank,
            ..Bid::uncapped(bidder, 10.0, 10.0)
        })
        .collect();
    let c = clear(&mut b, 1.0, 1.0);
    assert_eq!(b[0].bidder, 5);
    assert!((c.quantity_of(0, &b[0]) - 1.0).abs() < 1e-12);
    assert_eq!(c.quantity_of(1, &b[1]) + c.quantity_of(2, &b[2]), 0.0);
    assert_eq!(b.iter().map(|x| x.rank).collect::<Vec<_>>(), [0, 1, 2]);
    // Equal ranks fall back to the bidder.
    let mut e = vec![Bid::uncapped(9, 10.0, 10.0), Bid::uncapped(4, 10.0, 10.0)];
    e.iter_mut().for_each(|x| x.rank = 0);
    clear(&mut e, 1.0, 1.0);
    assert_eq!(e[0].bidder, 4);
}
