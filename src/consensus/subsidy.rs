//! The block subsidy schedule, as Bitcoin Core's `GetBlockSubsidy`.

use super::ChainParams;

/// Subsidy of the block at `height` in satoshis: `initial >> (height /
/// halving_interval)`, and 0 from `max_halvings` halvings on (or once the
/// shift reaches 64). Mainnet: 5,000,000,000 sat until height 209,999.
///
/// Never panics: a halving interval of 0 (rejected by validation) acts as 1.
pub fn block_subsidy_sat(height: u64, params: &ChainParams) -> u64 {
    let halvings = height / params.halving_interval_blocks.max(1);
    era_subsidy_sat(halvings, params)
}

/// Subsidy of every block in halving era `era` (0-based).
fn era_subsidy_sat(era: u64, params: &ChainParams) -> u64 {
    if era >= params.max_halvings as u64 {
        return 0;
    }
    u32::try_from(era)
        .ok()
        .and_then(|e| params.initial_subsidy_sat.checked_shr(e))
        .unwrap_or(0)
}

/// Sum of the subsidies of heights `from_height..to_height_exclusive`, in
/// satoshis; 0 for an empty range.
///
/// Computed era by era — O(number of halving eras touched, at most 64) —
/// not block by block. Sums above `u64::MAX` (impossible with validated
/// params, whose total is at most 2 × interval × initial) saturate.
pub fn subsidy_sum_sat(from_height: u64, to_height_exclusive: u64, params: &ChainParams) -> u64 {
    if from_height >= to_height_exclusive {
        return 0;
    }
    let interval = params.halving_interval_blocks.max(1);
    let first_era = from_height / interval;
    let last_era = (to_height_exclusive - 1) / interval;
    // Eras from `max_halvings` (and from 64) on pay nothing.
    let paying_eras_end = (params.max_halvings as u64).min(64);
    let mut total: u128 = 0;
    let mut era = first_era;
    while era <= last_era && era < paying_eras_end {
        let era_start = era as u128 * interval as u128;
        let era_end = era_start + interval as u128;
        let start = era_start.max(from_height as u128);
        let end = era_end.min(to_height_exclusive as u128);
        total += (end - start) * era_subsidy_sat(era, params) as u128;
        era += 1;
    }
    u64::try_from(total).unwrap_or(u64::MAX)
}

/// Sum of the subsidies of all heights `0..=u64::MAX`: the supply cap in
/// satoshis. Mainnet: 2,099,999,997,690,000 sat (20,999,999.9769 BTC).
pub fn supply_cap_sat(params: &ChainParams) -> u64 {
    subsidy_sum_sat(0, u64::MAX, params).saturating_add(block_subsidy_sat(u64::MAX, params))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn mainnet_schedule() {
        let p = ChainParams::default();
        assert_eq!(block_subsidy_sat(0, &p), 5_000_000_000);
        assert_eq!(block_subsidy_sat(209_999, &p), 5_000_000_000);
        assert_eq!(block_subsidy_sat(210_000, &p), 2_500_000_000);
        assert_eq!(block_subsidy_sat(420_000, &p), 1_250_000_000);
        assert_eq!(block_subsidy_sat(630_000, &p), 625_000_000);
        assert_eq!(block_subsidy_sat(840_000, &p), 312_500_000);
        assert_eq!(block_subsidy_sat(6_929_999, &p), 1);
        assert_eq!(block_subsidy_sat(6_930_000, &p), 0);
        assert_eq!(block_subsidy_sat(64 * 210_000, &p), 0);
        assert_eq!(block_subsidy_sat(u64::MAX, &p), 0);
        assert_eq!(supply_cap_sat(&p), 2_099_999_997_690_000);
    }

    #[test]
    fn core_subsidy_limit_test_walk() {
        // Core's subsidy_limit_test: sum of subsidy(h) × 1000 for h in steps
        // of 1000 below 14,000,000 — valid because 1000 divides 210,000.
        let p = ChainParams::default();
        let mut sum: u64 = 0;
        let mut h = 0;
        while h < 14_000_000 {
            sum += block_subsidy_sat(h, &p) * 1000;
            h += 1000;
        }
        assert_eq!(sum, 2_099_999_997_690_000);
        assert_eq!(subsidy_sum_sat(0, 14_000_000, &p), sum);
    }

    #[test]
    fn degenerate_params_never_panic() {
        let p = ChainParams {
            halving_interval_blocks: 0,
            max_halvings: u32::MAX,
            initial_subsidy_sat: u64::MAX,
            ..ChainParams::default()
        };
        assert_eq!(block_subsidy_sat(0, &p), u64::MAX);
        assert_eq!(block_subsidy_sat(64, &p), 0);
        assert_eq!(supply_cap_sat(&p), u64::MAX); // saturated
        let none = ChainParams {
            max_halvings: 0,
            ..ChainParams::default()
        };
        assert_eq!(supply_cap_sat(&none), 0);
    }

    fn small_params() -> impl Strategy<Value = ChainParams> {
        (1u64..50, 0u64..1_000_000, 0u32..70).prop_map(|(interval, initial, max_halvings)| {
            ChainParams {
                halving_interval_blocks: interval,
                initial_subsidy_sat: initial,
                max_halvings,
                ..ChainParams::default()
            }
        })
    }

    proptest! {
        #[test]
        fn sum_matches_naive_loop(p in small_params(), a in 0u64..4000, len in 0u64..400) {
            let naive: u64 = (a..a + len).map(|h| block_subsidy_sat(h, &p)).sum();
            prop_assert_eq!(subsidy_sum_sat(a, a + len, &p), naive);
        }

        #[test]
        fn sum_is_additive(p in small_params(), mut x in any::<[u64; 3]>()) {
            x.sort_unstable();
            let [a, b, c] = x;
            prop_assert_eq!(
                subsidy_sum_sat(a, b, &p) + subsidy_sum_sat(b, c, &p),
                subsidy_sum_sat(a, c, &p)
            );
        }

        #[test]
        fn cap_is_sum_of_eras(p in small_params()) {
            let eras = (p.max_halvings as u64).min(64);
            let expected: u64 = (0..eras).map(|e| p.halving_interval_blocks * (p.initial_subsidy_sat >> e)).sum();
            prop_assert_eq!(supply_cap_sat(&p), expected);
        }
    }
}
