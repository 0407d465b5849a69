//! ASERT ("aserti3-2d"), the per-block difficulty rule Bitcoin Cash adopted
//! in November 2020, with its half-life as a parameter.
//!
//! Every block's target is computed from a fixed anchor block: the target
//! doubles for every `half_life` seconds the chain is behind its ideal
//! schedule and halves for every `half_life` ahead,
//! `target = anchor_target × 2^((Δt − spacing × (Δh + 1)) / half_life)`.
//! The power of two is evaluated in 16.16 fixed point with the cubic
//! polynomial of the specification, so results are integer-exact and match
//! Bitcoin Cash Node's `CalculateASERT` (unsigned 64-bit arithmetic wraps
//! the same way; the 256-bit product is checked for overflow and capped at
//! the proof-of-work limit).

use super::compact::Target;
use super::uint256::U256;

/// Bitcoin Cash's half-life: two days.
pub const BCH_HALF_LIFE_S: i64 = 2 * 24 * 3600;

/// The block every ASERT target is computed from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AsertAnchor {
    /// Target of the anchor block.
    pub target: Target,
    /// Height of the anchor block.
    pub height: u64,
    /// Time of the anchor block's parent (Unix seconds).
    pub parent_time: i64,
}

/// The target of the block after a tip at (`tip_height`, `tip_time`).
pub fn asert_next_target(
    anchor: &AsertAnchor,
    tip_height: u64,
    tip_time: i64,
    spacing_s: i64,
    half_life_s: i64,
    pow_limit: &Target,
) -> Target {
    let time_diff = tip_time.saturating_sub(anchor.parent_time);
    let height_diff = tip_height.saturating_sub(anchor.height) as i64;
    let half_life = half_life_s.max(1);
    // C++ integer division truncates toward zero, as Rust's does.
    let exponent = time_diff
        .saturating_sub(spacing_s.saturating_mul(height_diff.saturating_add(1)))
        .saturating_mul(65_536)
        / half_life;
    let mut shifts = exponent >> 16; // arithmetic shift: floor
    let frac = (exponent & 0xffff) as u64;
    let poly = 195_766_423_245_049u64
        .wrapping_mul(frac)
        .wrapping_add(971_821_376u64.wrapping_mul(frac).wrapping_mul(frac))
        .wrapping_add(
            5_127u64
                .wrapping_mul(frac)
                .wrapping_mul(frac)
                .wrapping_mul(frac),
        )
        .wrapping_add(1u64 << 47);
    let factor = 65_536u64 + (poly >> 48);
    let limit = pow_limit.as_u256();
    let (product, carry) = anchor.target.as_u256().mul_u64_wide(factor);
    let next = if carry != 0 {
        limit
    } else {
        shifts -= 16;
        if shifts <= 0 {
            let s = (-shifts).min(256) as u32;
            if s >= 256 {
                U256::ZERO
            } else {
                product >> s
            }
        } else {
            let s = shifts.min(256) as u32;
            let shifted = if s >= 256 { U256::ZERO } else { product << s };
            if s >= 256 || (shifted >> s) != product {
                limit
            } else {
                shifted
            }
        }
    };
    let next = if next.is_zero() {
        U256::ONE
    } else {
        next.min(limit)
    };
    Target::new(next).unwrap_or(*pow_limit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchor_at(target: Target, parent_time: i64, height: u64) -> AsertAnchor {
        AsertAnchor {
            target,
            height,
            parent_time,
        }
    }

    fn limit() -> Target {
        Target::from_compact(0x1d00ffff).unwrap()
    }

    /// New difficulty / anchor difficulty after a tip `offset` seconds late.
    fn factor(offset: i64) -> f64 {
        let anchor = Target::from_compact(0x1802a2e1).unwrap();
        let t = asert_next_target(
            &anchor_at(anchor, 0, 100),
            1100,
            600 * 1001 + offset,
            600,
            BCH_HALF_LIFE_S,
            &limit(),
        );
        t.difficulty() / anchor.difficulty()
    }

    #[test]
    fn on_schedule_keeps_the_target() {
        assert_eq!(factor(0), 1.0);
    }

    #[test]
    fn one_half_life_behind_halves_difficulty_and_ahead_doubles_it() {
        // Exact powers of two: the polynomial is exact at frac = 0.
        assert_eq!(factor(BCH_HALF_LIFE_S), 0.5);
        assert_eq!(factor(-BCH_HALF_LIFE_S), 2.0);
        assert_eq!(factor(3 * BCH_HALF_LIFE_S), 0.125);
    }

    #[test]
    fn fractional_exponents_follow_two_to_the_x() {
        // The specification's polynomial approximates 2^x to within about
        // 0.01 % (relative); the 256-bit target keeps all of it.
        for k in -40..=40 {
            let offset = k * BCH_HALF_LIFE_S / 10 + 37;
            let x = -(((offset * 65_536) / BCH_HALF_LIFE_S) as f64) / 65_536.0;
            let want = 2f64.powf(x);
            let got = factor(offset);
            assert!(
                (got / want - 1.0).abs() < 2e-4,
                "offset {offset}: {got} vs {want}"
            );
        }
    }

    #[test]
    fn extremes_are_capped_not_wrapped() {
        let anchor = Target::from_compact(0x1802a2e1).unwrap();
        // Far behind schedule: easier than the limit → the limit.
        let t = asert_next_target(
            &anchor_at(anchor, 0, 0),
            1,
            i64::MAX / 2,
            600,
            BCH_HALF_LIFE_S,
            &limit(),
        );
        assert_eq!(t.to_compact(), 0x1d00ffff);
        // Far ahead: the hardest target, never zero.
        let t = asert_next_target(&anchor_at(anchor, 0, 0), 10_000_000, 0, 600, 3600, &limit());
        assert_eq!(t.as_u256(), U256::ONE);
    }
}
