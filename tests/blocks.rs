//! The block clock: aggregate sampling against per-block sampling, stalls,
//! and retargets at the right heights.

use minesim::consensus::{ChainParams, DifficultyRule};
use minesim::engine::blocks::{BlockSampling, ChainClock, HASHES_PER_DIFFICULTY};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Sample mean and variance.
fn mean_var(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, v)
}

/// Difficulty 1 target bits, and a hashrate that mines one block per 600 s
/// at the difficulty of `bits`.
fn clock(sampling: BlockSampling, height: u64) -> (ChainClock, f64) {
    let params = ChainParams::default();
    // 0x1b0404cb: difficulty 16307.42 (a real 2010 value).
    let c = ChainClock::new(params, height, 0x1b0404cb, 1_300_000_000, None, sampling).unwrap();
    let h = c.difficulty() * HASHES_PER_DIFFICULTY / 600.0;
    (c, h)
}

struct Observed {
    blocks_per_day: Vec<f64>,
    epoch_timespans: Vec<f64>,
    first_retarget_factor: Vec<f64>,
}

/// Runs `seeds` clocks for `days` days at a hashrate of `mult` × the
/// equilibrium of the start difficulty.
fn observe(sampling: BlockSampling, seeds: u64, days: u64, mult: f64) -> Observed {
    let mut o = Observed {
        blocks_per_day: Vec::new(),
        epoch_timespans: Vec::new(),
        first_retarget_factor: Vec::new(),
    };
    for seed in 0..seeds {
        let mut rng = ChaCha8Rng::seed_from_u64(1000 + seed);
        // Start at the last block of an epoch, so every epoch is whole.
        let (mut c, h) = clock(sampling, 2016 * 50 - 1);
        for day in 0..days {
            let r = c.advance(86_400.0, h * mult, &mut rng);
            if day < 10 {
                o.blocks_per_day.push(r.blocks as f64);
            }
        }
        for r in c.retargets() {
            assert_eq!(r.height % 2016, 0, "retarget at height {}", r.height);
            o.epoch_timespans.push(r.actual_timespan_s as f64);
        }
        if let Some(r) = c.retargets().first() {
            o.first_retarget_factor
                .push(r.new_difficulty / r.old_difficulty);
        }
    }
    o
}

/// Both modes against each other and against the theory: blocks per day
/// are Poisson(144) before the first retarget; an epoch's measured
/// timespan (2015 intervals) is Gamma(2015, 600 s) while the difficulty is
/// unchanged. Tolerance: 4.5 standard errors of the difference (a false
/// alarm about once in 150,000 for each check).
#[test]
fn aggregate_and_per_block_sampling_agree() {
    let a = observe(BlockSampling::Aggregate, 400, 30, 1.0);
    let p = observe(BlockSampling::PerBlock, 400, 30, 1.0);
    let (ma, va) = mean_var(&a.blocks_per_day);
    let (mp, vp) = mean_var(&p.blocks_per_day);
    let se = (va / a.blocks_per_day.len() as f64 + vp / p.blocks_per_day.len() as f64).sqrt();
    assert!(
        (ma - mp).abs() < 4.5 * se,
        "blocks/day {ma} vs {mp} (se {se})"
    );
    // Theory: mean 144, variance 144 (Poisson); 4000 days each.
    assert!(
        (ma - 144.0).abs() < 4.5 * (144.0f64 / 4000.0).sqrt(),
        "mean {ma}"
    );
    assert!((va / 144.0 - 1.0).abs() < 0.15, "variance {va}");

    let (ta, tva) = mean_var(&a.epoch_timespans);
    let (tp, tvp) = mean_var(&p.epoch_timespans);
    let se = (tva / a.epoch_timespans.len() as f64 + tvp / p.epoch_timespans.len() as f64).sqrt();
    assert!(
        (ta - tp).abs() < 4.5 * se,
        "epoch timespan {ta} vs {tp} (se {se})"
    );
    // The first epoch is exactly Gamma(2015, 600); later ones run at an
    // adjusted difficulty, still with mean close to 2015 × 600 s.
    assert!(
        (ta / (2015.0 * 600.0) - 1.0).abs() < 0.01,
        "mean timespan {ta}"
    );
    let rel_sd_a = tva.sqrt() / ta;
    let rel_sd_p = tvp.sqrt() / tp;
    assert!(
        (rel_sd_a - rel_sd_p).abs() < 0.15 * rel_sd_p,
        "sd {rel_sd_a} vs {rel_sd_p}"
    );
}

/// With 3 × the hashrate the first retarget raises difficulty about 3 ×
/// (3 × 2016/2015 in expectation of the inverse timespan); both modes agree.
#[test]
fn retarget_tracks_hashrate_in_both_modes() {
    for sampling in [BlockSampling::Aggregate, BlockSampling::PerBlock] {
        let o = observe(sampling, 100, 6, 3.0);
        let (m, _) = mean_var(&o.first_retarget_factor);
        assert_eq!(o.first_retarget_factor.len(), 100);
        assert!((m / 3.0 - 1.0).abs() < 0.02, "{sampling:?}: factor {m}");
    }
}

/// Ten times the hashrate hits the 4 × clamp exactly.
#[test]
fn retarget_is_clamped() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let (mut c, h) = clock(BlockSampling::Aggregate, 2016 * 10 - 1);
    c.advance(86_400.0 * 3.0, h * 10.0, &mut rng);
    let r = c.retargets()[0];
    assert_eq!(r.height, 2016 * 11);
    let f = r.new_difficulty / r.old_difficulty;
    // Compact encoding keeps 3 bytes of mantissa: relative error < 2^-15.
    assert!((f - 4.0).abs() < 4.0 * 3e-5, "factor {f}");
}

/// No hashrate: the chain stalls, time passes, nothing divides by zero.
#[test]
fn zero_hashrate_stalls_the_chain() {
    for sampling in [BlockSampling::Aggregate, BlockSampling::PerBlock] {
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let (mut c, _) = clock(sampling, 12_345);
        let d = c.difficulty();
        for _ in 0..100 {
            let r = c.advance(86_400.0, 0.0, &mut rng);
            assert_eq!(r.blocks, 0);
        }
        assert_eq!(c.height(), 12_345);
        assert_eq!(c.difficulty(), d);
        assert!(c.retargets().is_empty());
        assert_eq!(c.time_s(), 8_640_000.0);
        // Non-finite input is treated as no hashrate.
        assert_eq!(c.advance(86_400.0, f64::NAN, &mut rng).blocks, 0);
        assert_eq!(c.advance(86_400.0, f64::INFINITY, &mut rng).blocks, 0);
    }
}

/// The same seed gives the same chain.
#[test]
fn same_seed_same_chain() {
    let run = || {
        let mut rng = ChaCha8Rng::seed_from_u64(99);
        let (mut c, h) = clock(BlockSampling::Aggregate, 100_000);
        let mut out = Vec::new();
        for i in 0..200 {
            out.push(
                c.advance(86_400.0, h * (1.0 + (i % 7) as f64 / 10.0), &mut rng)
                    .blocks,
            );
        }
        (out, c.bits())
    };
    assert_eq!(run(), run());
}

/// After hashrate falls to 20 %, Bitcoin's rule leaves blocks slow until the
/// epoch ends (weeks at 1/5 of the pace), while ASERT (two-day half-life)
/// and cw-144 bring the pace back to about 144 a day within days.
/// Tolerance: days 10–20 averaged over 20 seeds (4,000+ blocks; Poisson sd
/// ~1.6 %).
#[test]
fn per_block_rules_recover_from_a_hashrate_crash_and_retarget_does_not() {
    let mut per_rule = Vec::new();
    for rule in [
        DifficultyRule::Retarget,
        DifficultyRule::Asert,
        DifficultyRule::Cw144,
    ] {
        let mut blocks = Vec::new();
        for seed in 0..20 {
            let mut rng = ChaCha8Rng::seed_from_u64(500 + seed);
            let params = ChainParams {
                difficulty_rule: rule,
                ..ChainParams::default()
            };
            // Right after a retarget: the whole epoch is ahead.
            let mut c = ChainClock::new(
                params,
                2016 * 50 - 1,
                0x1b0404cb,
                1_300_000_000,
                None,
                BlockSampling::Aggregate,
            )
            .unwrap();
            let h = c.difficulty() * HASHES_PER_DIFFICULTY / 600.0;
            for day in 0..20 {
                let r = c.advance(86_400.0, 0.2 * h, &mut rng);
                if day >= 10 {
                    blocks.push(r.blocks as f64);
                }
            }
        }
        per_rule.push(mean_var(&blocks).0);
    }
    assert!(
        per_rule[0] < 40.0,
        "retarget rule: {} blocks/day",
        per_rule[0]
    );
    assert!(
        (per_rule[1] / 144.0 - 1.0).abs() < 0.1,
        "ASERT: {} blocks/day",
        per_rule[1]
    );
    assert!(
        (per_rule[2] / 144.0 - 1.0).abs() < 0.1,
        "cw-144: {} blocks/day",
        per_rule[2]
    );
}

/// With the equilibrium hashrate cw-144 keeps the pace, and after the
/// hashrate doubles the difficulty follows within days (the window is 144
/// blocks, about a day at the new pace). Tolerances: 200 days, 28,800
/// expected blocks (Poisson sd 0.6 %); the difficulty after the doubling is
/// a ratio of window work to window time, whose relative sd over ~144
/// blocks is about 1/√144 ≈ 8 %, hence ±25 %.
#[test]
fn cw144_is_stable_at_equilibrium_and_follows_a_doubling() {
    let (mut c, mut rng, d0, h, total) = run_at_equilibrium(DifficultyRule::Cw144, 11, 200);
    assert!(
        (total as f64 / 28_800.0 - 1.0).abs() < 0.03,
        "{total} blocks"
    );
    assert!(
        (c.difficulty() / d0 - 1.0).abs() < 0.25,
        "difficulty moved {}",
        c.difficulty() / d0
    );
    for _ in 0..5 {
        c.advance(86_400.0, 2.0 * h, &mut rng);
    }
    assert!(
        (c.difficulty() / d0 / 2.0 - 1.0).abs() < 0.25,
        "difficulty after doubling: x{}",
        c.difficulty() / d0
    );
    assert!(c.retargets().is_empty());
}

/// A clock on a chain with `rule`, run for `days` days at the hashrate that
/// matches its start difficulty. Returns the clock, its generator, the
/// start difficulty, that hashrate and the number of blocks mined.
fn run_at_equilibrium(
    rule: DifficultyRule,
    seed: u64,
    days: u32,
) -> (ChainClock, ChaCha8Rng, f64, f64, u64) {
    let params = ChainParams {
        difficulty_rule: rule,
        ..ChainParams::default()
    };
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut c = ChainClock::new(
        params,
        700_000,
        0x1b0404cb,
        1_300_000_000,
        None,
        BlockSampling::Aggregate,
    )
    .unwrap();
    let d0 = c.difficulty();
    let h = d0 * HASHES_PER_DIFFICULTY / 600.0;
    let mut total = 0;
    for _ in 0..days {
        total += c.advance(86_400.0, h, &mut rng).blocks;
    }
    (c, rng, d0, h, total)
}

/// With the equilibrium hashrate ASERT keeps the difficulty and the pace.
#[test]
fn asert_is_stable_at_equilibrium() {
    let (c, _, d0, _, total) = run_at_equilibrium(DifficultyRule::Asert, 9, 200);
    // 28,800 expected blocks; sd 170.
    assert!(
        (total as f64 / 28_800.0 - 1.0).abs() < 0.03,
        "{total} blocks"
    );
    assert!(
        (c.difficulty() / d0 - 1.0).abs() < 0.1,
        "difficulty moved {}",
        c.difficulty() / d0
    );
    assert!(c.retargets().is_empty());
}
