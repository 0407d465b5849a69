//! Block arrivals and difficulty: the chain's clock.
//!
//! Within a step the network hashrate `H` (hashes per second) is constant, so
//! blocks arrive as a Poisson process with rate `λ = H / (D × 2^32)` per
//! second, where `D` is the current difficulty. [`ChainClock::advance`]
//! moves the chain through one step in one of two ways:
//!
//! * [`BlockSampling::Aggregate`] (the default) costs O(1) random draws per
//!   step plus O(1) per retarget inside the step. With `R` seconds left in
//!   the step and `k` blocks to go until the last block of the current
//!   difficulty epoch, draw the number of blocks `N ~ Poisson(λR)`. If
//!   `N < k` the epoch does not end in this step: the chain advances by `N`
//!   blocks. Otherwise the epoch's last block falls inside the step; given
//!   `N` arrivals in `[0, R]` the arrival times are ordered uniforms, so the
//!   `k`-th arrives at `R × Beta(k, N − k + 1)`. This is exactly the law of
//!   the `Gamma(k, 1/λ)` time to the boundary, conditioned on falling inside
//!   the step. The retarget is applied at that block, the rate changes, and
//!   the rest of the step is sampled afresh (a Poisson process has no memory
//!   at an arrival time). The time of the epoch's first block, which the
//!   retarget needs, is the smallest of the ordered uniforms:
//!   `S_k × Beta(1, k − 1)` when both fall in the same segment, or
//!   `R × Beta(1, N)` when only the first does.
//! * [`BlockSampling::PerBlock`] draws one exponential inter-arrival time
//!   per block. It is the reference the aggregate mode is tested against.
//!
//! Retargets use the exact compact-target arithmetic of
//! [`crate::consensus::next_compact_target`], with block times rounded down
//! to whole seconds as block headers carry them. Bitcoin measures an
//! epoch's timespan from its first to its last block (2015 intervals for
//! 2016 blocks), and so does the clock.
//!
//! A hashrate of zero means no block comes: the chain stalls, as Bitcoin
//! would, and nothing divides by zero.

use crate::consensus::{
    asert_next_target, block_proof, cw144_next_target_from_ends, next_compact_target, AsertAnchor,
    ChainParams, DifficultyRule, HeaderWork, Target, CW144_HEADERS, U256,
};
use rand::Rng;
use rand_distr::{Beta, Distribution, Exp, Poisson};
use serde::{Deserialize, Serialize};

/// 2^32: expected hashes per block at difficulty 1.
pub const HASHES_PER_DIFFICULTY: f64 = 4_294_967_296.0;

/// How block arrivals are sampled within a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BlockSampling {
    /// O(1) draws per step (Poisson count, Beta order statistics).
    #[default]
    Aggregate,
    /// One exponential draw per block.
    PerBlock,
}

/// A difficulty change, as it happened in the simulation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Retarget {
    /// Height of the first block mined at the new difficulty.
    pub height: u64,
    /// Simulation time (seconds since the start) of the epoch's last block.
    pub time_s: f64,
    /// Measured timespan of the epoch, seconds (before clamping).
    pub actual_timespan_s: i64,
    pub old_bits: u32,
    pub new_bits: u32,
    pub old_difficulty: f64,
    pub new_difficulty: f64,
}

/// What happened to the chain during one step.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StepBlocks {
    /// Blocks mined in the step.
    pub blocks: u64,
    /// Height of the first block of the step (tip + 1 at the step start);
    /// the step mined heights `first_height .. first_height + blocks`.
    pub first_height: u64,
    /// Number of retargets applied in the step.
    pub retargets: u32,
}

/// The chain state the engine carries: tip, time and difficulty.
#[derive(Debug, Clone)]
pub struct ChainClock {
    params: ChainParams,
    /// Unix time of simulation time 0.
    start_unix_s: i64,
    /// Height of the last mined block.
    height: u64,
    /// Current simulation time, seconds since the start.
    time_s: f64,
    /// Simulation time of the first block of the current epoch (may be
    /// negative: before the start).
    epoch_first_time_s: f64,
    bits: u32,
    difficulty: f64,
    sampling: BlockSampling,
    retargets: Vec<Retarget>,
    /// ASERT anchor: the start tip's height and target, and its parent's
    /// time (one target spacing before the start).
    asert_anchor: AsertAnchor,
    /// Time of the last block, seconds since the start (ASERT needs it).
    tip_time_s: f64,
    /// The last headers, for cw-144 (allocated once, only for that rule).
    cw144: Option<Box<Cw144Window>>,
}

/// Ring buffer of the last [`CW144_HEADERS`] headers' time and chain work.
#[derive(Debug, Clone)]
struct Cw144Window {
    headers: [HeaderWork; CW144_HEADERS],
    /// Index of the oldest header; the newest is just before it.
    oldest: usize,
}

impl Cw144Window {
    /// A history in which the blocks before the start tip (at `tip_time`)
    /// came at the target spacing with the start target.
    fn steady(tip_time: i64, spacing_s: i64, target: &Target) -> Cw144Window {
        let proof = block_proof(&target.as_u256());
        let mut headers = [HeaderWork {
            time: 0,
            chain_work: U256::ZERO,
        }; CW144_HEADERS];
        let mut work = U256::ZERO;
        for (i, h) in headers.iter_mut().enumerate() {
            work = work.checked_add(proof).unwrap_or(U256::MAX);
            *h = HeaderWork {
                time: tip_time - (CW144_HEADERS - 1 - i) as i64 * spacing_s,
                chain_work: work,
            };
        }
        Cw144Window { headers, oldest: 0 }
    }

    fn at(&self, age_from_oldest: usize) -> HeaderWork {
        self.headers[(self.oldest + age_from_oldest) % CW144_HEADERS]
    }

    /// Appends a block mined at `time` with `target`, dropping the oldest.
    fn push(&mut self, time: i64, target: &Target) {
        let tip = self.at(CW144_HEADERS - 1);
        let chain_work = tip
            .chain_work
            .checked_add(block_proof(&target.as_u256()))
            .unwrap_or(U256::MAX);
        self.headers[self.oldest] = HeaderWork { time, chain_work };
        self.oldest = (self.oldest + 1) % CW144_HEADERS;
    }

    fn next_target(&self, spacing_s: i64, pow_limit: &Target) -> Target {
        let n = CW144_HEADERS;
        cw144_next_target_from_ends(
            [self.at(0), self.at(1), self.at(2)],
            [self.at(n - 3), self.at(n - 2), self.at(n - 1)],
            spacing_s,
            pow_limit,
        )
    }
}

impl ChainClock {
    /// A clock at tip `height` with compact target `bits`, at simulation
    /// time 0 = `start_unix_s`. The current epoch's first block time is
    /// `epoch_first_time_s` (seconds relative to the start, usually
    /// negative); pass `None` to assume the epoch so far ran at the target
    /// spacing.
    pub fn new(
        params: ChainParams,
        height: u64,
        bits: u32,
        start_unix_s: i64,
        epoch_first_time_s: Option<f64>,
        sampling: BlockSampling,
    ) -> Result<ChainClock, crate::consensus::CompactError> {
        let target = Target::from_compact(bits)?;
        let difficulty = target.difficulty();
        let spacing = params.target_spacing_s as i64;
        let asert_anchor = AsertAnchor {
            target,
            height,
            parent_time: start_unix_s - spacing,
        };
        let interval = params.retarget_interval_blocks;
        let first_height = (height / interval) * interval;
        let assumed = -((height - first_height) as f64) * params.target_spacing_s as f64;
        Ok(ChainClock {
            start_unix_s,
            height,
            time_s: 0.0,
            epoch_first_time_s: epoch_first_time_s.unwrap_or(assumed),
            bits,
            difficulty,
            // ASERT and cw-144 move the difficulty every block: only
            // per-block sampling is exact then.
            sampling: if params.difficulty_rule == DifficultyRule::Retarget {
                sampling
            } else {
                BlockSampling::PerBlock
            },
            retargets: Vec::new(),
            asert_anchor,
            tip_time_s: 0.0,
            cw144: (params.difficulty_rule == DifficultyRule::Cw144)
                .then(|| Box::new(Cw144Window::steady(start_unix_s, spacing, &target))),
            params,
        })
    }

    pub fn params(&self) -> &ChainParams {
        &self.params
    }
    /// Height of the last mined block.
    pub fn height(&self) -> u64 {
        self.height
    }
    /// Simulation time, seconds since the start.
    pub fn time_s(&self) -> f64 {
        self.time_s
    }
    /// Current compact target.
    pub fn bits(&self) -> u32 {
        self.bits
    }
    /// Current difficulty.
    pub fn difficulty(&self) -> f64 {
        self.difficulty
    }
    /// Every retarget so far.
    pub fn retargets(&self) -> &[Retarget] {
        &self.retargets
    }
    /// Blocks until the end of the current epoch's last block, counting it.
    pub fn blocks_to_epoch_end(&self) -> u64 {
        let i = self.params.retarget_interval_blocks;
        i - (self.height + 1) % i
    }
    /// Arrival rate of blocks, per second, for a hashrate in hashes/s.
    pub fn block_rate(&self, hashrate_hs: f64) -> f64 {
        if hashrate_hs > 0.0 && hashrate_hs.is_finite() {
            hashrate_hs / (self.difficulty * HASHES_PER_DIFFICULTY)
        } else {
            0.0
        }
    }

    /// Moves the chain `dt_s` seconds forward with a constant hashrate.
    pub fn advance<R: Rng + ?Sized>(
        &mut self,
        dt_s: f64,
        hashrate_hs: f64,
        rng: &mut R,
    ) -> StepBlocks {
        let mut out = StepBlocks {
            first_height: self.height + 1,
            ..StepBlocks::default()
        };
        let end = self.time_s + dt_s;
        match self.sampling {
            BlockSampling::Aggregate => self.advance_aggregate(end, hashrate_hs, rng, &mut out),
            BlockSampling::PerBlock => self.advance_per_block(end, hashrate_hs, rng, &mut out),
        }
        self.time_s = end;
        out
    }

    fn advance_aggregate<R: Rng + ?Sized>(
        &mut self,
        end: f64,
        hashrate_hs: f64,
        rng: &mut R,
        out: &mut StepBlocks,
    ) {
        loop {
            let rate = self.block_rate(hashrate_hs);
            let remaining = end - self.time_s;
            if rate <= 0.0 || remaining <= 0.0 {
                return;
            }
            let k = self.blocks_to_epoch_end();
            let first_in_segment = k == self.params.retarget_interval_blocks;
            let n = sample_poisson(rate * remaining, k, rng);
            if n < k {
                if first_in_segment && n > 0 {
                    self.epoch_first_time_s = self.time_s + remaining * beta(1.0, n as f64, rng);
                }
                self.height += n;
                out.blocks += n;
                return;
            }
            // The epoch's last block falls inside this step.
            let s_k = remaining * beta(k as f64, (n - k + 1) as f64, rng);
            if first_in_segment {
                self.epoch_first_time_s = self.time_s + s_k * beta(1.0, (k - 1) as f64, rng);
            }
            self.height += k;
            out.blocks += k;
            self.time_s += s_k;
            self.retarget();
            out.retargets += 1;
        }
    }

    fn advance_per_block<R: Rng + ?Sized>(
        &mut self,
        end: f64,
        hashrate_hs: f64,
        rng: &mut R,
        out: &mut StepBlocks,
    ) {
        loop {
            let rate = self.block_rate(hashrate_hs);
            if rate <= 0.0 {
                return;
            }
            let wait: f64 = Exp::new(rate)
                .map(|d| d.sample(rng))
                .unwrap_or(f64::INFINITY);
            if self.time_s + wait > end {
                // Memoryless: the partial wait is discarded.
                return;
            }
            self.time_s += wait;
            self.tip_time_s = self.time_s;
            self.height += 1;
            out.blocks += 1;
            match self.params.difficulty_rule {
                DifficultyRule::Asert => {
                    self.asert_step();
                    continue;
                }
                DifficultyRule::Cw144 => {
                    self.cw144_step();
                    continue;
                }
                DifficultyRule::Retarget => {}
            }
            let i = self.params.retarget_interval_blocks;
            if self.height.is_multiple_of(i) {
                self.epoch_first_time_s = self.time_s;
            }
            if (self.height + 1).is_multiple_of(i) {
                self.retarget();
                out.retargets += 1;
            }
        }
    }

    /// Sets the next block's target by ASERT from the anchor and the tip.
    fn asert_step(&mut self) {
        let tip_time = self.start_unix_s + self.tip_time_s.floor() as i64;
        let next = asert_next_target(
            &self.asert_anchor,
            self.height,
            tip_time,
            self.params.target_spacing_s as i64,
            self.params.asert_half_life_s,
            &self.params.pow_limit(),
        );
        self.bits = next.to_compact();
        self.difficulty = Target::from_compact(self.bits)
            .map(|t| t.difficulty())
            .unwrap_or(self.difficulty);
    }

    /// Records the new tip in the cw-144 window and sets the next block's
    /// target from it.
    fn cw144_step(&mut self) {
        let tip_time = self.start_unix_s + self.tip_time_s.floor() as i64;
        let spacing = self.params.target_spacing_s as i64;
        let pow_limit = self.params.pow_limit();
        let Ok(current) = Target::from_compact(self.bits) else {
            return;
        };
        if let Some(window) = self.cw144.as_mut() {
            window.push(tip_time, &current);
            self.bits = window.next_target(spacing, &pow_limit).to_compact();
            self.difficulty = Target::from_compact(self.bits)
                .map(|t| t.difficulty())
                .unwrap_or(self.difficulty);
        }
    }

    /// Applies the retarget after the epoch's last block (the tip).
    fn retarget(&mut self) {
        let first = self.start_unix_s + self.epoch_first_time_s.floor() as i64;
        let last = self.start_unix_s + self.time_s.floor() as i64;
        let old_bits = self.bits;
        let old_difficulty = self.difficulty;
        self.bits = next_compact_target(old_bits, first, last, &self.params);
        self.difficulty = Target::from_compact(self.bits)
            .map(|t| t.difficulty())
            .unwrap_or(old_difficulty);
        self.retargets.push(Retarget {
            height: self.height + 1,
            time_s: self.time_s,
            actual_timespan_s: last - first,
            old_bits,
            new_bits: self.bits,
            old_difficulty,
            new_difficulty: self.difficulty,
        });
    }
}

/// Poisson draw of the number of blocks in a segment with mean `mean`.
/// Means beyond what the sampler supports cannot occur with a sane
/// scenario (they mean more than 10^18 blocks in one step); they are
/// reported as "at least `k`", which is all the caller needs then.
fn sample_poisson<R: Rng + ?Sized>(mean: f64, k: u64, rng: &mut R) -> u64 {
    if mean.is_nan() || mean <= 0.0 {
        return 0;
    }
    if mean > 1e18 {
        return k;
    }
    match Poisson::new(mean) {
        Ok(d) => {
            let x: f64 = d.sample(rng);
            x as u64
        }
        Err(_) => 0,
    }
}

/// Beta(a, b) draw for a, b >= 1.
fn beta<R: Rng + ?Sized>(a: f64, b: f64, rng: &mut R) -> f64 {
    match Beta::new(a, b) {
        Ok(d) => d.sample(rng),
        Err(_) => 0.5,
    }
}
