//! Bitcoin's consensus arithmetic, reproduced exactly: compact targets,
//! difficulty, the 2016-block retarget and the block subsidy schedule.
//!
//! Everything here is integer arithmetic identical to Bitcoin Core
//! (`src/pow.cpp`, `src/validation.cpp`, `arith_uint256`) and is tested
//! against Core's own test vectors; `f64` appears only in the derived
//! quantities [`Target::difficulty`] and
//! [`Target::expected_hashes_per_block`].
//!
//! # The retarget off-by-one
//!
//! An epoch has [`ChainParams::retarget_interval_blocks`] (2016) blocks, but
//! Bitcoin measures its duration as *time of the last block of the epoch −
//! time of the first block of the epoch*: 2015 block intervals, not 2016.
//! The target timespan is nevertheless 2016 × 600 s, so a network producing
//! blocks exactly every 600 s sees an actual timespan of 2015 × 600 s and
//! the target shrinks by 1/2016 per retarget (difficulty creeps up by about
//! 0.05 %). [`next_compact_target`] reproduces this faithfully *only if the
//! caller passes the first and last block times of the epoch*
//! (`first_block_time` = time of block `h − 2016`, `last_block_time` = time
//! of block `h − 1`, for a retarget at height `h`), exactly as Core passes
//! `pindexLast->GetBlockTime()` and the time of the block 2015 blocks
//! earlier.

pub mod asert;
pub mod compact;
pub mod cw144;
pub mod retarget;
pub mod subsidy;
pub mod uint256;

pub use asert::{asert_next_target, AsertAnchor, BCH_HALF_LIFE_S};
pub use compact::{
    decode_compact, encode_compact, CompactError, DecodedCompact, Target, DIFFICULTY_1_BITS,
    DIFFICULTY_1_TARGET,
};
pub use cw144::{
    block_proof, cw144_next_target, cw144_next_target_from_ends, HeaderWork, CW144_HEADERS,
};
pub use retarget::{clamped_timespan, next_compact_target};
pub use subsidy::{block_subsidy_sat, subsidy_sum_sat, supply_cap_sat};
pub use uint256::U256;

use crate::validate::{join, Validator};
use serde::{Deserialize, Serialize};

/// Consensus parameters of the simulated chain. Every field defaults to
/// Bitcoin mainnet, so an empty `[chain]` table is Bitcoin.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ChainParams {
    /// Blocks per difficulty epoch (Core's `DifficultyAdjustmentInterval`).
    /// Unit: blocks. Default 2016.
    #[serde(default = "default_retarget_interval_blocks")]
    pub retarget_interval_blocks: u64,
    /// Intended time between blocks (`nPowTargetSpacing`). Unit: seconds.
    /// Default 600.
    #[serde(default = "default_target_spacing_s")]
    pub target_spacing_s: u64,
    /// The actual epoch timespan is clamped to [timespan / factor, timespan ×
    /// factor] before retargeting. Dimensionless. Default 4.
    #[serde(default = "default_retarget_clamp_factor")]
    pub retarget_clamp_factor: u64,
    /// Blocks between subsidy halvings (`nSubsidyHalvingInterval`). Unit:
    /// blocks. Default 210000.
    #[serde(default = "default_halving_interval_blocks")]
    pub halving_interval_blocks: u64,
    /// Subsidy of the first era. Unit: satoshis. Default 5_000_000_000
    /// (50 BTC).
    #[serde(default = "default_initial_subsidy_sat")]
    pub initial_subsidy_sat: u64,
    /// Easiest allowed target (`powLimit`) in compact form; in TOML an
    /// integer, hex allowed (`pow_limit_bits = 0x1d00ffff`). Default
    /// 0x1d00ffff (difficulty 1).
    ///
    /// Core stores mainnet's limit as the full 256-bit 2^224 − 1, slightly
    /// above the 0xffff · 2^208 this decodes to. Capping at either gives
    /// the same compact result: every value between them encodes to the
    /// same `nBits`, because encoding is monotone and truncating.
    #[serde(default = "default_pow_limit_bits")]
    pub pow_limit_bits: u32,
    /// Number of halvings after which the subsidy is 0 (Core: 64, because
    /// shifting a 64-bit integer by 64 or more is undefined). Unit: halvings.
    /// Default 64.
    #[serde(default = "default_max_halvings")]
    pub max_halvings: u32,
    /// Difficulty rule: `"retarget"` (Bitcoin's, every
    /// `retarget_interval_blocks`, default), `"asert"` (Bitcoin Cash's
    /// per-block rule since 2020) or `"cw144"` (Bitcoin Cash's 2017-2020
    /// per-block rule); the per-block rules force per-block sampling.
    #[serde(default)]
    pub difficulty_rule: DifficultyRule,
    /// ASERT half-life in seconds, in [600, 10^8]; default 172,800 (two
    /// days, as on Bitcoin Cash). Used only with `difficulty_rule = "asert"`.
    #[serde(default = "default_asert_half_life_s")]
    pub asert_half_life_s: i64,
}

/// Which difficulty adjustment the chain uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DifficultyRule {
    /// Bitcoin: every `retarget_interval_blocks`, clamped.
    #[default]
    Retarget,
    /// Bitcoin Cash's aserti3-2d, every block.
    Asert,
    /// Bitcoin Cash's 2017-2020 rule: every block, from a 144-block window.
    Cw144,
}

fn default_asert_half_life_s() -> i64 {
    BCH_HALF_LIFE_S
}

fn default_retarget_interval_blocks() -> u64 {
    2016
}
fn default_target_spacing_s() -> u64 {
    600
}
fn default_retarget_clamp_factor() -> u64 {
    4
}
fn default_halving_interval_blocks() -> u64 {
    210_000
}
fn default_initial_subsidy_sat() -> u64 {
    5_000_000_000
}
fn default_pow_limit_bits() -> u32 {
    DIFFICULTY_1_BITS
}
fn default_max_halvings() -> u32 {
    64
}

impl Default for ChainParams {
    fn default() -> Self {
        ChainParams {
            retarget_interval_blocks: default_retarget_interval_blocks(),
            target_spacing_s: default_target_spacing_s(),
            retarget_clamp_factor: default_retarget_clamp_factor(),
            halving_interval_blocks: default_halving_interval_blocks(),
            initial_subsidy_sat: default_initial_subsidy_sat(),
            pow_limit_bits: default_pow_limit_bits(),
            max_halvings: default_max_halvings(),
            difficulty_rule: DifficultyRule::Retarget,
            asert_half_life_s: default_asert_half_life_s(),
        }
    }
}

impl ChainParams {
    /// Bitcoin mainnet (same as `Default`).
    pub fn mainnet() -> Self {
        Self::default()
    }

    /// Target duration of an epoch, `retarget_interval_blocks ×
    /// target_spacing_s` (`nPowTargetTimespan`; 1,209,600 s on mainnet).
    /// Saturates instead of overflowing on unvalidated input.
    pub fn target_timespan_s(&self) -> u64 {
        self.retarget_interval_blocks
            .saturating_mul(self.target_spacing_s)
    }

    /// The easiest allowed target, decoded from `pow_limit_bits`, or the
    /// reason it is unusable.
    pub fn try_pow_limit(&self) -> Result<Target, CompactError> {
        Target::from_compact(self.pow_limit_bits)
    }

    /// The easiest allowed target. For validated params this is exactly
    /// [`ChainParams::try_pow_limit`]; an invalid `pow_limit_bits` (which
    /// [`ChainParams::validate`] rejects) falls back to the magnitude Core's
    /// `SetCompact` would produce, at least 1, so this never panics.
    pub fn pow_limit(&self) -> Target {
        self.try_pow_limit().unwrap_or_else(|_| {
            Target::new(decode_compact(self.pow_limit_bits).value).unwrap_or(Target::HARDEST)
        })
    }

    /// Whether a block at `height` is the first of a new difficulty epoch
    /// (the genesis block at height 0 is not: it has no predecessor).
    pub fn is_retarget_height(&self, height: u64) -> bool {
        height > 0 && height.is_multiple_of(self.retarget_interval_blocks.max(1))
    }

    /// Reports every out-of-range field under `path`, e.g.
    /// `chain.retarget_interval_blocks must be in [2, 1000000], got 1`.
    pub fn validate(&self, v: &mut Validator, path: &str) {
        v.int_in(
            &join(path, "retarget_interval_blocks"),
            self.retarget_interval_blocks,
            2,
            1_000_000,
        );
        v.int_in(
            &join(path, "target_spacing_s"),
            self.target_spacing_s,
            1,
            86_400,
        );
        v.int_in(
            &join(path, "retarget_clamp_factor"),
            self.retarget_clamp_factor,
            1,
            1000,
        );
        if self.halving_interval_blocks < 1 {
            v.error(
                join(path, "halving_interval_blocks"),
                format!("must be >= 1, got {}", self.halving_interval_blocks),
            );
        }
        v.int_in(
            &join(path, "initial_subsidy_sat"),
            self.initial_subsidy_sat,
            0,
            2_100_000_000_000_000,
        );
        v.int_in(&join(path, "max_halvings"), self.max_halvings as u64, 0, 64);
        if !(600..=100_000_000).contains(&self.asert_half_life_s) {
            v.error(
                join(path, "asert_half_life_s"),
                format!(
                    "must be in [600, 100000000], got {}",
                    self.asert_half_life_s
                ),
            );
        }
        if let Err(e) = self.try_pow_limit() {
            let why = match e {
                CompactError::Negative { .. } => "has the sign bit 0x00800000 set",
                CompactError::Overflow { .. } => "overflows 256 bits",
                CompactError::Zero { .. } => "encodes a zero target",
            };
            v.error(
                join(path, "pow_limit_bits"),
                format!(
                    "must encode a positive compact target, got {:#010x} which {why}",
                    self.pow_limit_bits
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mainnet_defaults() {
        let p = ChainParams::default();
        assert_eq!(p.target_timespan_s(), 1_209_600);
        assert_eq!(p.pow_limit(), Target::DIFFICULTY_1);
        // Core's mainnet powLimit is 2^224 − 1; its compact form decodes to
        // 0xffff · 2^208, and both encode to the same nBits.
        let core_limit =
            U256::from_hex("00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff")
                .unwrap();
        assert_eq!(p.pow_limit().as_u256(), U256::from_u64(0xffff) << 208);
        assert_eq!(encode_compact(&core_limit, false), p.pow_limit_bits);
        let mut v = Validator::new();
        p.validate(&mut v, "chain");
        assert!(v.is_empty(), "{:?}", v.into_errors());
        assert!(p.is_retarget_height(2016));
        assert!(!p.is_retarget_height(0));
        assert!(!p.is_retarget_height(2015));
    }

    #[test]
    fn pow_limit_fallback_never_panics() {
        let p = ChainParams {
            pow_limit_bits: 0,
            ..ChainParams::default()
        };
        assert_eq!(p.pow_limit(), Target::HARDEST);
        let p = ChainParams {
            pow_limit_bits: 0x1d80ffff,
            ..ChainParams::default()
        };
        assert_eq!(p.pow_limit(), Target::DIFFICULTY_1);
    }
}
