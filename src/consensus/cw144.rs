//! Bitcoin Cash's difficulty rule of November 2017 to November 2020,
//! "cw-144": every block, the next target is set from the work done and the
//! time taken over a window of about 144 blocks.
//!
//! For a tip at height `h`, the window's ends are the *suitable* blocks
//! (the median by timestamp of three consecutive blocks) of `h − 2, h − 1,
//! h` and of `h − 146, h − 145, h − 144`. With `W` the chain work between
//! them and `T` their time difference clamped to `[72, 288] × spacing`, the
//! projected work per block is `W × spacing / T` and the next target is
//! `(2^256 − w) / w` for that projected work `w`, capped at the
//! proof-of-work limit. The work of a block with target `t` is
//! `2^256 / (t + 1)` (Core's `GetBlockProof`). All of it is integer
//! arithmetic on [`U256`], as in Bitcoin ABC's `GetNextCashWorkRequired`.
//! Noda, Okumura & Hashimoto compare Bitcoin's rule with this one.

use super::compact::Target;
use super::uint256::U256;

/// Blocks in the window between the two suitable blocks (when both are the
/// middle block of their triple).
pub const CW144_WINDOW: usize = 144;

/// Headers the rule reads: the tip and the 146 blocks before it.
pub const CW144_HEADERS: usize = CW144_WINDOW + 3;

/// What the rule needs of a block header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HeaderWork {
    /// Block timestamp, Unix seconds.
    pub time: i64,
    /// Total work of the chain up to and including this block.
    pub chain_work: U256,
}

/// Expected number of hashes to find a block at `target`:
/// `2^256 / (target + 1)`, computed as `~target / (target + 1) + 1` because
/// 2^256 does not fit (Core's `GetBlockProof`).
pub fn block_proof(target: &U256) -> U256 {
    match target.checked_add(U256::ONE) {
        Some(divisor) => {
            let (q, _) = (!*target)
                .checked_div_rem(divisor)
                .unwrap_or((U256::ZERO, U256::ZERO));
            q.checked_add(U256::ONE).unwrap_or(U256::MAX)
        }
        // target = 2^256 − 1: one hash always succeeds.
        None => U256::ONE,
    }
}

/// The median by time of three consecutive headers (oldest first), chosen
/// with the same three compare-and-swap steps as Bitcoin ABC's
/// `GetSuitableBlock`, so ties resolve the same way.
pub fn suitable_block(three: [HeaderWork; 3]) -> HeaderWork {
    let mut b = three;
    if b[0].time > b[2].time {
        b.swap(0, 2);
    }
    if b[0].time > b[1].time {
        b.swap(0, 1);
    }
    if b[1].time > b[2].time {
        b.swap(1, 2);
    }
    b[1]
}

/// Next target after a tip, from the last [`CW144_HEADERS`] headers in
/// height order (oldest first; the tip last).
pub fn cw144_next_target(
    headers: &[HeaderWork; CW144_HEADERS],
    spacing_s: i64,
    pow_limit: &Target,
) -> Target {
    let n = CW144_HEADERS;
    cw144_next_target_from_ends(
        [headers[0], headers[1], headers[2]],
        [headers[n - 3], headers[n - 2], headers[n - 1]],
        spacing_s,
        pow_limit,
    )
}

/// [`cw144_next_target`] from the window's two ends only: the headers at
/// heights `h − 146, h − 145, h − 144` and `h − 2, h − 1, h` (oldest first).
pub fn cw144_next_target_from_ends(
    first_three: [HeaderWork; 3],
    last_three: [HeaderWork; 3],
    spacing_s: i64,
    pow_limit: &Target,
) -> Target {
    let first = suitable_block(first_three);
    let last = suitable_block(last_three);
    let spacing = spacing_s.max(1);
    let timespan = (last.time - first.time).clamp(72 * spacing, 288 * spacing) as u64;
    let work = last
        .chain_work
        .checked_sub(first.chain_work)
        .unwrap_or(U256::ZERO)
        .mul_div_u64(spacing as u64, timespan)
        .unwrap_or(U256::MAX);
    if work.is_zero() {
        return *pow_limit;
    }
    // (2^256 − work) / work, with 2^256 − work as the two's complement.
    let neg = (!work).checked_add(U256::ONE).unwrap_or(U256::ZERO);
    let (next, _) = neg
        .checked_div_rem(work)
        .unwrap_or((pow_limit.as_u256(), U256::ZERO));
    match Target::new(next) {
        Some(t) if t.as_u256() <= pow_limit.as_u256() => t,
        _ => *pow_limit,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn division_by_u256_matches_u128() {
        let cases: [(u128, u128); 5] = [
            (1 << 100, 3),
            (u128::MAX, 1 << 64),
            (12_345_678_901_234_567_890_123, 98_765_432_109),
            (7, 9),
            (1 << 127, (1 << 127) - 1),
        ];
        for (a, b) in cases {
            let (q, r) = U256::from_u128(a)
                .checked_div_rem(U256::from_u128(b))
                .unwrap();
            assert_eq!(q, U256::from_u128(a / b), "{a} / {b}");
            assert_eq!(r, U256::from_u128(a % b), "{a} % {b}");
        }
        assert!(U256::ONE.checked_div_rem(U256::ZERO).is_none());
    }

    #[test]
    fn block_proof_of_difficulty_one_is_2_pow_32_ish() {
        // Target 0x00000000ffff << 208: 2^256 / (t + 1) = 4,295,032,833.
        let t = Target::from_compact(0x1d00ffff).unwrap().as_u256();
        assert_eq!(block_proof(&t), U256::from_u64(4_295_032_833));
        assert_eq!(block_proof(&U256::MAX), U256::ONE);
        assert_eq!(block_proof(&U256::ZERO), U256::MAX);
    }
}
