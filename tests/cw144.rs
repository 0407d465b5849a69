//! Bitcoin Cash's cw-144 rule (`minesim::consensus::cw144`), on hand-made
//! header windows whose answer follows from the rule's definition.

use minesim::consensus::{
    block_proof, cw144_next_target, ChainParams, HeaderWork, Target, CW144_HEADERS, U256,
};

/// 147 headers `spacing` seconds apart, all mined at `bits`.
fn window(bits: u32, spacing: i64) -> [HeaderWork; CW144_HEADERS] {
    let proof = block_proof(&Target::from_compact(bits).unwrap().as_u256());
    let mut work = U256::ZERO;
    std::array::from_fn(|i| {
        work = work.checked_add(proof).unwrap();
        HeaderWork {
            time: 1_550_000_000 + i as i64 * spacing,
            chain_work: work,
        }
    })
}

fn next_difficulty(headers: &[HeaderWork; CW144_HEADERS]) -> f64 {
    let p = ChainParams::default();
    cw144_next_target(headers, 600, &p.pow_limit()).difficulty()
}

const BITS: u32 = 0x172e5b50; // difficulty 6,071,846,049,920 (March 2019)

#[test]
fn on_schedule_the_target_stays() {
    let p = ChainParams::default();
    let next = cw144_next_target(&window(BITS, 600), 600, &p.pow_limit());
    assert_eq!(next.to_compact(), BITS);
}

#[test]
fn difficulty_scales_with_the_pace_inside_the_clamp() {
    let d0 = Target::from_compact(BITS).unwrap().difficulty();
    for (spacing, factor) in [(300, 2.0), (400, 1.5), (900, 2.0 / 3.0), (1200, 0.5)] {
        let d = next_difficulty(&window(BITS, spacing));
        assert!(
            (d / d0 / factor - 1.0).abs() < 1e-6,
            "{spacing} s blocks: x{}, expected x{factor}",
            d / d0
        );
    }
}

#[test]
fn timespan_is_clamped_to_72_and_288_spacings() {
    let d0 = Target::from_compact(BITS).unwrap().difficulty();
    let fast = next_difficulty(&window(BITS, 60));
    let slow = next_difficulty(&window(BITS, 6000));
    assert!((fast / d0 / 2.0 - 1.0).abs() < 1e-6, "fast: x{}", fast / d0);
    assert!((slow / d0 / 0.5 - 1.0).abs() < 1e-6, "slow: x{}", slow / d0);
}

#[test]
fn one_bad_timestamp_at_either_end_changes_nothing() {
    let honest = next_difficulty(&window(BITS, 600));
    let mut future_tip = window(BITS, 600);
    future_tip[CW144_HEADERS - 1].time += 7_200;
    let mut past_first = window(BITS, 600);
    past_first[0].time -= 7_200;
    assert_eq!(next_difficulty(&future_tip), honest);
    assert_eq!(next_difficulty(&past_first), honest);
}

#[test]
fn never_easier_than_the_pow_limit() {
    let p = ChainParams::default();
    let next = cw144_next_target(&window(p.pow_limit_bits, 6000), 600, &p.pow_limit());
    assert_eq!(next.to_compact(), p.pow_limit_bits);
}
