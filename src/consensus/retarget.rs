//! The difficulty retarget, exactly as Bitcoin Core's
//! `CalculateNextWorkRequired` (`src/pow.cpp`).
//!
//! See the module documentation of [`crate::consensus`] for the
//! first/last-block-time convention (Bitcoin's off-by-one).

use super::compact::{decode_compact, encode_compact};
use super::ChainParams;

/// Clamps an epoch's actual timespan to `[timespan / clamp, timespan ×
/// clamp]` in integer arithmetic (`/` truncates, as in Core), where
/// `timespan` is [`ChainParams::target_timespan_s`] and `clamp` is
/// [`ChainParams::retarget_clamp_factor`]. Mainnet: [302,400 s, 4,838,400 s].
///
/// Never panics: a clamp factor of 0 (rejected by validation) acts as 1 and
/// huge products saturate.
pub fn clamped_timespan(actual: i64, params: &ChainParams) -> i64 {
    let timespan = i64::try_from(params.target_timespan_s()).unwrap_or(i64::MAX);
    let clamp = i64::try_from(params.retarget_clamp_factor.max(1)).unwrap_or(i64::MAX);
    let lo = timespan / clamp;
    let hi = timespan.saturating_mul(clamp);
    actual.clamp(lo, hi)
}

/// The compact target (`nBits`) of the first block of a new epoch, given
/// the previous epoch's `nBits` and the times of its first and last blocks.
///
/// Bit-for-bit Core's `CalculateNextWorkRequired`:
/// 1. actual = `last_block_time − first_block_time` (2015 intervals for
///    2016 blocks), clamped by [`clamped_timespan`];
/// 2. new = old × actual / timespan: multiply first, then divide,
///    truncating (here through a 320-bit intermediate, so even a custom
///    pow limit near 2^256 cannot wrap the product — Core's 256-bit product
///    would, but never for mainnet where old ≤ 2^224);
/// 3. capped at the pow limit;
/// 4. re-encoded with `GetCompact` (mantissa truncated).
///
/// Like Core, the old target is the raw `SetCompact` magnitude of
/// `prev_bits` (sign and overflow flags ignored); validated inputs never
/// have them. Never panics.
pub fn next_compact_target(
    prev_bits: u32,
    first_block_time: i64,
    last_block_time: i64,
    params: &ChainParams,
) -> u32 {
    let actual = clamped_timespan(last_block_time.saturating_sub(first_block_time), params);
    // `actual` >= timespan / clamp >= 0 after clamping.
    let actual = u64::try_from(actual).unwrap_or(0);
    let timespan = params.target_timespan_s().max(1);
    let pow_limit = params.pow_limit().as_u256();
    let old = decode_compact(prev_bits).value;
    let new = match old.mul_div_u64(actual, timespan) {
        Some(t) if t <= pow_limit => t,
        _ => pow_limit, // above the limit, or even above 2^256
    };
    encode_compact(&new, false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consensus::{Target, U256};
    use proptest::prelude::*;

    #[test]
    fn reference_cases() {
        // Bitcoin Core pow_tests.cpp: (first block time, last block time, nBits in, nBits out).
        let p = ChainParams::default();
        let cases = [
            (1261130161, 1262152739, 0x1d00ffff, 0x1d00d86a),
            (1231006505, 1233061996, 0x1d00ffff, 0x1d00ffff),
            (1279008237, 1279297671, 0x1c05a3f4, 0x1c0168fd),
            (1263163443, 1269211443, 0x1c387f6f, 0x1d00e1fd),
        ];
        for (first, last, bits_in, bits_out) in cases {
            assert_eq!(
                next_compact_target(bits_in, first, last, &p),
                bits_out,
                "{bits_in:#x}"
            );
        }
    }

    #[test]
    fn clamps() {
        let p = ChainParams::default();
        assert_eq!(clamped_timespan(1279297671 - 1279008237, &p), 302_400);
        assert_eq!(clamped_timespan(1269211443 - 1263163443, &p), 4_838_400);
        assert_eq!(clamped_timespan(1_000_000, &p), 1_000_000);
        assert_eq!(clamped_timespan(-5, &p), 302_400);
        assert_eq!(clamped_timespan(i64::MAX, &p), 4_838_400);
        // Extreme times never overflow.
        assert_eq!(
            next_compact_target(0x1c05a3f4, i64::MIN, i64::MAX, &p),
            next_compact_target(0x1c05a3f4, 0, 4_838_400, &p)
        );
    }

    #[test]
    fn no_wrap_near_2_pow_256() {
        // A custom pow limit of 0x7fffff · 2^232 (just below 2^255): ×4 would
        // wrap a 256-bit product; the result must be capped at the limit.
        let p = ChainParams {
            pow_limit_bits: 0x207fffff,
            ..ChainParams::default()
        };
        assert_eq!(next_compact_target(0x207fffff, 0, i64::MAX, &p), 0x207fffff);
        // And at exactly the target timespan the target is unchanged.
        assert_eq!(
            next_compact_target(0x207fffff, 0, 1_209_600, &p),
            0x207fffff
        );
    }

    fn mainnet_prev_bits() -> impl Strategy<Value = u32> {
        // Targets between 2^64 and the mainnet pow limit, re-encoded compactly.
        (any::<[u64; 4]>(), 0u32..160).prop_map(|(limbs, shift)| {
            let limit = ChainParams::default().pow_limit().as_u256();
            let t = (U256::from_limbs(limbs) >> (32 + shift)).max(U256::ONE << 64);
            Target::new(t.min(limit)).unwrap().to_compact()
        })
    }

    proptest! {
        #[test]
        fn bounded_by_clamp_and_pow_limit(
            prev_bits in mainnet_prev_bits(),
            first in 1_230_000_000i64..1_800_000_000,
            elapsed in -10_000_000i64..20_000_000,
            clamp in 1u64..10,
        ) {
            let p = ChainParams { retarget_clamp_factor: clamp, ..ChainParams::default() };
            let next = next_compact_target(prev_bits, first, first + elapsed, &p);
            let prev = Target::from_compact(prev_bits).unwrap();
            let new = Target::from_compact(next).unwrap();
            // Never easier than the pow limit.
            prop_assert!(new <= p.pow_limit());
            // Exact integer upper bound: truncation only lowers the target,
            // so new ≤ prev × clamp.
            let bound = prev.as_u256().checked_mul_u64(clamp).unwrap();
            prop_assert!(new.as_u256() <= bound);
            // In difficulty terms new/prev ∈ [1/clamp, clamp], with relative
            // tolerance 2^-15 + 1e-12: the compact re-encoding truncates the
            // target by < 2^-15 (the mantissa keeps >= 16 significant bits),
            // the integer division by < 1 unit of a target >= 2^64, and f64
            // division adds ~1e-16. timespan / clamp is exact here (1,209,600
            // = 2^7·3^3·5^2·7 is divisible by every clamp in 1..10).
            let ratio = new.difficulty() / prev.difficulty();
            let tol = 2f64.powi(-15) + 1e-12;
            prop_assert!(ratio >= (1.0 / clamp as f64) * (1.0 - tol), "ratio {ratio}");
            prop_assert!(ratio <= clamp as f64 * (1.0 + tol), "ratio {ratio}");
        }

        #[test]
        fn on_schedule_epoch_keeps_target_up_to_truncation(prev_bits in mainnet_prev_bits()) {
            // actual == timespan: new = old exactly, re-encoded losslessly.
            let p = ChainParams::default();
            prop_assert_eq!(next_compact_target(prev_bits, 0, 1_209_600, &p), prev_bits);
        }
    }
}
