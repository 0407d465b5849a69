//! Every test value of `shared/reference/bitcoin-consensus.md`, through the
//! public API of `minesim::consensus`.

use minesim::consensus::{
    block_subsidy_sat, clamped_timespan, next_compact_target, subsidy_sum_sat, supply_cap_sat,
    ChainParams, CompactError, Target, U256,
};
use minesim::validate::Validator;

/// One row of the reference's retarget table (Bitcoin Core `pow_tests.cpp`).
struct RetargetCase {
    name: &'static str,
    first_block_time: i64,
    last_block_height: u64,
    last_block_time: i64,
    bits_in: u32,
    bits_expected: u32,
}

const RETARGET_CASES: [RetargetCase; 4] = [
    RetargetCase {
        name: "ordinary",
        first_block_time: 1261130161,
        last_block_height: 32255,
        last_block_time: 1262152739,
        bits_in: 0x1d00ffff,
        bits_expected: 0x1d00d86a,
    },
    RetargetCase {
        name: "capped at powLimit",
        first_block_time: 1231006505,
        last_block_height: 2015,
        last_block_time: 1233061996,
        bits_in: 0x1d00ffff,
        bits_expected: 0x1d00ffff,
    },
    RetargetCase {
        name: "lower clamp",
        first_block_time: 1279008237,
        last_block_height: 68543,
        last_block_time: 1279297671,
        bits_in: 0x1c05a3f4,
        bits_expected: 0x1c0168fd,
    },
    RetargetCase {
        name: "upper clamp",
        first_block_time: 1263163443,
        last_block_height: 46367,
        last_block_time: 1269211443,
        bits_in: 0x1c387f6f,
        bits_expected: 0x1d00e1fd,
    },
];

#[test]
fn retarget_reference_cases() {
    let p = ChainParams::default();
    for c in &RETARGET_CASES {
        // Each case's last block ends an epoch: the next height retargets.
        assert!(p.is_retarget_height(c.last_block_height + 1), "{}", c.name);
        let got = next_compact_target(c.bits_in, c.first_block_time, c.last_block_time, &p);
        assert_eq!(
            got, c.bits_expected,
            "{}: got {got:#010x}, expected {:#010x}",
            c.name, c.bits_expected
        );
    }
}

/// Three consecutive mainnet retargets of 2019 (the chain state of
/// `scenarios/q8b-attack-rent-2019-03.toml`): nBits and timestamps of blocks
/// 564,480 / 566,495 -> 566,496, 566,496 / 568,511 -> 568,512 and
/// 568,512 / 570,527 -> 570,528, from the public block headers.
const MAINNET_2019_CASES: [RetargetCase; 3] = [
    RetargetCase {
        name: "mainnet 566,496 (2019-03-10)",
        first_block_time: 1551026038,
        last_block_height: 566495,
        last_block_time: 1552236227,
        bits_in: 0x172e5b50,
        bits_expected: 0x172e6117,
    },
    RetargetCase {
        name: "mainnet 568,512 (2019-03-24)",
        first_block_time: 1552236304,
        last_block_height: 568511,
        last_block_time: 1553387053,
        bits_in: 0x172e6117,
        bits_expected: 0x172c1f6c,
    },
    RetargetCase {
        name: "mainnet 570,528 (2019-04-06)",
        first_block_time: 1553387093,
        last_block_height: 570527,
        last_block_time: 1554594090,
        bits_in: 0x172c1f6c,
        bits_expected: 0x172c071d,
    },
];

#[test]
fn retarget_mainnet_2019_epochs() {
    let p = ChainParams::default();
    let difficulties = [
        6_068_891_541_676.0,
        6_379_265_451_411.0,
        6_393_023_717_201.0,
    ];
    for (c, want) in MAINNET_2019_CASES.iter().zip(difficulties) {
        assert!(p.is_retarget_height(c.last_block_height + 1), "{}", c.name);
        let got = next_compact_target(c.bits_in, c.first_block_time, c.last_block_time, &p);
        assert_eq!(
            got, c.bits_expected,
            "{}: got {got:#010x}, expected {:#010x}",
            c.name, c.bits_expected
        );
        let d = Target::from_compact(got).unwrap().difficulty();
        assert!(
            (d - want).abs() < 1.0,
            "{}: difficulty {d}, the header says {want}",
            c.name
        );
    }
}

#[test]
fn clamped_timespans_of_the_clamp_cases() {
    let p = ChainParams::default();
    assert_eq!(p.target_timespan_s(), 1_209_600);
    let lower = &RETARGET_CASES[2];
    let upper = &RETARGET_CASES[3];
    assert_eq!(
        clamped_timespan(lower.last_block_time - lower.first_block_time, &p),
        302_400
    );
    assert_eq!(
        clamped_timespan(upper.last_block_time - upper.first_block_time, &p),
        4_838_400
    );
    // The ordinary case is inside the clamp range and passes through unchanged.
    let ordinary = &RETARGET_CASES[0];
    let actual = ordinary.last_block_time - ordinary.first_block_time;
    assert_eq!(clamped_timespan(actual, &p), actual);
}

#[test]
fn difficulties_of_the_reference_nbits() {
    // Tolerance: the reference gives 10 decimals; we require agreement to
    // 5e-11 absolute (half a unit of the last printed digit), which the f64
    // computation (relative error ~3e-16) meets with a wide margin.
    let cases = [
        (0x1d00ffff, 1.0),
        (0x1d00d86a, 1.1828995343),
        (0x1c05a3f4, 45.3858223410),
        (0x1c0168fd, 181.5432893641),
        (0x1c387f6f, 4.5310817501),
        (0x1d00e1fd, 1.1327848167),
    ];
    for (bits, expected) in cases {
        let d = Target::from_compact(bits).unwrap().difficulty();
        assert!(
            (d - expected).abs() <= 5e-11,
            "{bits:#010x}: difficulty {d:.12}, expected {expected}"
        );
    }
    assert_eq!(Target::from_compact(0x1d00ffff).unwrap().difficulty(), 1.0);
}

#[test]
fn pow_limit_is_difficulty_one() {
    let p = ChainParams::default();
    let limit = p.pow_limit();
    assert_eq!(limit.to_compact(), 0x1d00ffff);
    assert_eq!(limit.difficulty(), 1.0);
    // Core's powLimit 0x00000000ffff…ff encodes to the same nBits.
    let core_limit =
        U256::from_hex("00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff").unwrap();
    assert_eq!(Target::new(core_limit).unwrap().to_compact(), 0x1d00ffff);
    // Difficulty-1 target = 0x00000000ffff × 2^208.
    assert_eq!(limit.as_u256(), U256::from_u64(0xffff) << 208);
}

#[test]
fn expected_hashes_per_block_vs_difficulty() {
    // Reference: expected hashes = difficulty × 2^32 within 0.0015 %
    // (exactly 1/65535 = 0.001526 % at large targets; tolerance 1.6e-5).
    for bits in [
        0x1d00ffffu32,
        0x1d00d86a,
        0x1c05a3f4,
        0x1c0168fd,
        0x17034219,
    ] {
        let t = Target::from_compact(bits).unwrap();
        let approx = t.difficulty() * 2f64.powi(32);
        let exact = t.expected_hashes_per_block();
        assert!((exact / approx - 1.0).abs() < 1.6e-5, "{bits:#x}");
        // The exact figure 2^256 / (target + 1), to f64 precision (1e-15).
        let direct = 2f64.powi(256) / (t.as_u256().to_f64() + 1.0);
        assert!((exact / direct - 1.0).abs() < 1e-15, "{bits:#x}");
    }
}

#[test]
fn difficulty_round_trip_through_from_difficulty() {
    // Tolerance: from_difficulty(d) = floor(diff1 / d) with d carrying f64
    // rounding (relative ~3e-16), so the target comes back within 1e-15
    // relative, and its compact form within one mantissa unit (truncation).
    let limit = ChainParams::default().pow_limit();
    for bits in [
        0x1d00ffffu32,
        0x1d00d86a,
        0x1c05a3f4,
        0x1c0168fd,
        0x1c387f6f,
        0x1d00e1fd,
    ] {
        let t = Target::from_compact(bits).unwrap();
        let back = Target::from_difficulty(t.difficulty(), &limit);
        let rel = (back.as_u256().to_f64() / t.as_u256().to_f64() - 1.0).abs();
        assert!(rel < 1e-15, "{bits:#x}: {rel}");
        let got = back.to_compact();
        assert!(got == bits || got + 1 == bits, "{bits:#x} -> {got:#x}");
    }
    // Capped at the limit.
    assert_eq!(Target::from_difficulty(0.25, &limit), limit);
}

#[test]
fn subsidy_reference_values() {
    let p = ChainParams::default();
    assert_eq!(supply_cap_sat(&p), 2_099_999_997_690_000);
    assert_eq!(subsidy_sum_sat(0, u64::MAX, &p), 2_099_999_997_690_000);
    // Last non-zero subsidy: 1 sat at height 6,929,999 (epoch 32).
    assert_eq!(6_929_999 / 210_000, 32);
    assert_eq!(block_subsidy_sat(6_929_999, &p), 1);
    assert_eq!(block_subsidy_sat(6_930_000, &p), 0);
    assert_eq!(subsidy_sum_sat(6_930_000, u64::MAX, &p), 0);
    // Halvings so far.
    for (h, sat) in [
        (209_999, 5_000_000_000u64),
        (210_000, 2_500_000_000),
        (420_000, 1_250_000_000),
        (630_000, 625_000_000),
        (840_000, 312_500_000),
    ] {
        assert_eq!(block_subsidy_sat(h, &p), sat, "height {h}");
    }
    // From 64 halvings on the subsidy is 0.
    assert_eq!(block_subsidy_sat(64 * 210_000, &p), 0);
}

#[test]
fn chain_params_from_toml() {
    let p: ChainParams = toml::from_str("").unwrap();
    assert_eq!(p, ChainParams::default());
    let p: ChainParams = toml::from_str(
        "retarget_interval_blocks = 144\npow_limit_bits = 0x207fffff\nretarget_clamp_factor = 2",
    )
    .unwrap();
    assert_eq!(p.retarget_interval_blocks, 144);
    assert_eq!(p.pow_limit_bits, 0x207fffff);
    assert_eq!(p.retarget_clamp_factor, 2);
    assert_eq!(p.target_spacing_s, 600);
    assert!(toml::from_str::<ChainParams>("pow_limit_bit = 1").is_err());
    assert!(toml::from_str::<ChainParams>("pow_limit_bits = -1").is_err());
    // Round trip through serialisation.
    let text = toml::to_string(&p).unwrap();
    assert_eq!(toml::from_str::<ChainParams>(&text).unwrap(), p);
}

#[test]
fn chain_params_validation_messages() {
    let p = ChainParams {
        retarget_interval_blocks: 1,
        target_spacing_s: 0,
        retarget_clamp_factor: 1001,
        halving_interval_blocks: 0,
        initial_subsidy_sat: 2_100_000_000_000_001,
        pow_limit_bits: 0x1d80ffff,
        max_halvings: 65,
        ..ChainParams::default()
    };
    let mut v = Validator::new();
    p.validate(&mut v, "chain");
    let msgs: Vec<String> = v.into_errors().iter().map(|e| e.to_string()).collect();
    assert_eq!(
        msgs,
        [
            "chain.retarget_interval_blocks must be in [2, 1000000], got 1",
            "chain.target_spacing_s must be in [1, 86400], got 0",
            "chain.retarget_clamp_factor must be in [1, 1000], got 1001",
            "chain.halving_interval_blocks must be >= 1, got 0",
            "chain.initial_subsidy_sat must be in [0, 2100000000000000], got 2100000000000001",
            "chain.max_halvings must be in [0, 64], got 65",
            "chain.pow_limit_bits must encode a positive compact target, got 0x1d80ffff which has the sign bit 0x00800000 set",
        ]
    );
    for (bits, why) in [
        (0u32, "encodes a zero target"),
        (0xff123456, "overflows 256 bits"),
    ] {
        let p = ChainParams {
            pow_limit_bits: bits,
            ..ChainParams::default()
        };
        let mut v = Validator::new();
        p.validate(&mut v, "chain");
        let e = v.into_errors();
        assert_eq!(e.len(), 1);
        assert!(e[0].to_string().ends_with(why), "{}", e[0]);
    }
    assert_eq!(
        Target::from_compact(0x1d80ffff),
        Err(CompactError::Negative { bits: 0x1d80ffff })
    );
}
