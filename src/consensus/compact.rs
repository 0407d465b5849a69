//! Proof-of-work targets and their compact `nBits` encoding.
//!
//! The compact form packs a 256-bit target into 32 bits like a tiny
//! floating-point number: the top byte is the size (number of bytes of the
//! magnitude), the low 23 bits the mantissa and bit `0x00800000` a sign.
//! [`decode_compact`] and [`encode_compact`] follow Bitcoin Core's
//! `arith_uint256::SetCompact` / `GetCompact` bit for bit; [`Target`] is the
//! validated form used by the rest of the simulator (positive, no overflow).

use super::uint256::U256;

/// Compact encoding of the difficulty-1 target (Bitcoin mainnet `powLimit`).
pub const DIFFICULTY_1_BITS: u32 = 0x1d00ffff;

/// The difficulty-1 target `0xffff × 2^208` (compact `0x1d00ffff`).
pub const DIFFICULTY_1_TARGET: U256 = U256::from_limbs([0, 0, 0, 0x0000_0000_ffff_0000]);

/// Why a compact `nBits` value is not a usable target (Bitcoin Core's
/// `CheckProofOfWork` rejects the same three cases).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CompactError {
    /// The sign bit `0x00800000` is set on a non-zero mantissa.
    #[error("compact target {bits:#010x} is negative (sign bit 0x00800000 set)")]
    Negative {
        /// The offending compact value.
        bits: u32,
    },
    /// The encoded magnitude does not fit in 256 bits.
    #[error("compact target {bits:#010x} overflows 256 bits")]
    Overflow {
        /// The offending compact value.
        bits: u32,
    },
    /// The encoded magnitude is zero (no hash could ever meet it).
    #[error("compact target {bits:#010x} encodes zero")]
    Zero {
        /// The offending compact value.
        bits: u32,
    },
}

/// The raw result of decoding a compact value, with Core's two flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodedCompact {
    /// The magnitude (truncated to 256 bits when `overflow` is set).
    pub value: U256,
    /// Sign bit set on a non-zero mantissa (`pfNegative`).
    pub negative: bool,
    /// The magnitude needs more than 256 bits (`pfOverflow`).
    pub overflow: bool,
}

/// Decodes `nBits` exactly like Core's `arith_uint256::SetCompact`.
pub fn decode_compact(bits: u32) -> DecodedCompact {
    let size = bits >> 24;
    let mut word = bits & 0x007f_ffff;
    let value = if size <= 3 {
        word >>= 8 * (3 - size);
        U256::from_u64(word as u64)
    } else {
        // Shifts of 256 bits or more yield 0; those cases are flagged below.
        U256::from_u64(word as u64) << (8 * (size - 3))
    };
    let negative = word != 0 && (bits & 0x0080_0000) != 0;
    let overflow =
        word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
    DecodedCompact {
        value,
        negative,
        overflow,
    }
}

/// Encodes `value` exactly like Core's `arith_uint256::GetCompact(negative)`.
///
/// The mantissa is truncated (not rounded) to its top 2–3 bytes; when its
/// top bit would collide with the sign bit it is shifted right one byte and
/// the size raised by one, so the result never reads back as negative
/// unless `negative` asks for it.
pub fn encode_compact(value: &U256, negative: bool) -> u32 {
    let mut size = value.bits().div_ceil(8);
    let mut compact: u32 = if size <= 3 {
        (value.low_u64() << (8 * (3 - size))) as u32
    } else {
        (*value >> (8 * (size - 3))).low_u64() as u32
    };
    if compact & 0x0080_0000 != 0 {
        compact >>= 8;
        size += 1;
    }
    debug_assert_eq!(compact & !0x007f_ffff, 0);
    debug_assert!(size < 256);
    compact |= size << 24;
    if negative && compact & 0x007f_ffff != 0 {
        compact |= 0x0080_0000;
    }
    compact
}

/// A proof-of-work target: a block hash must be ≤ the target. Always
/// positive (≥ 1), so its difficulty is finite.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Target(U256);

impl Target {
    /// The difficulty-1 target (compact `0x1d00ffff`).
    pub const DIFFICULTY_1: Target = Target(DIFFICULTY_1_TARGET);

    /// The hardest possible target, 1.
    pub const HARDEST: Target = Target(U256::ONE);

    /// Wraps a 256-bit value; `None` for 0.
    pub fn new(value: U256) -> Option<Target> {
        (!value.is_zero()).then_some(Target(value))
    }

    /// The target as a 256-bit integer.
    pub fn as_u256(&self) -> U256 {
        self.0
    }

    /// Decodes compact `nBits` (Core's `SetCompact`), rejecting negative,
    /// overflowing and zero targets.
    pub fn from_compact(bits: u32) -> Result<Target, CompactError> {
        let d = decode_compact(bits);
        if d.negative {
            Err(CompactError::Negative { bits })
        } else if d.overflow {
            Err(CompactError::Overflow { bits })
        } else if d.value.is_zero() {
            Err(CompactError::Zero { bits })
        } else {
            Ok(Target(d.value))
        }
    }

    /// Compact `nBits` of this target (Core's `GetCompact()`); truncates the
    /// mantissa, so `from_compact(t.to_compact()) <= t` with a relative
    /// loss below 2^-15.
    pub fn to_compact(&self) -> u32 {
        encode_compact(&self.0, false)
    }

    /// Difficulty = difficulty-1 target / this target.
    ///
    /// Both integers are converted to `f64` with correct rounding and then
    /// divided, so the relative error is at most about 3 × 2^-53 ≈ 3.3e-16:
    /// far below the 10 significant digits Bitcoin tooling reports.
    pub fn difficulty(&self) -> f64 {
        DIFFICULTY_1_TARGET.to_f64() / self.0.to_f64()
    }

    /// The target of difficulty `d`: `floor(difficulty-1 target / d)`,
    /// computed exactly for the exact binary value of `d`, then limited to
    /// `[1, pow_limit]`.
    ///
    /// `d` should be finite and > 0. Other inputs never panic: `d <= 0` or
    /// NaN give `pow_limit` (no difficulty is easier than the limit), `+∞`
    /// gives the hardest target 1.
    pub fn from_difficulty(d: f64, pow_limit: &Target) -> Target {
        if d.is_nan() || d <= 0.0 {
            return *pow_limit;
        }
        if d == f64::INFINITY {
            return Target::HARDEST.min(*pow_limit);
        }
        // d = m · 2^e exactly, m a positive integer below 2^53.
        let raw = d.to_bits();
        let exp_field = ((raw >> 52) & 0x7ff) as i64;
        let frac = raw & ((1u64 << 52) - 1);
        let (m, e) = if exp_field == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), exp_field - 1075)
        };
        // target = floor(0xffff · 2^(208 − e) / m)
        let s = 208 - e;
        let ffff = U256::from_u64(0xffff);
        let exact: Option<U256> = if s < 0 {
            // floor(floor(a / b) / c) == floor(a / (b·c)) for positive integers.
            Some(U256::from_u64(0xffff / m) >> ((-s).min(256) as u32))
        } else if s <= 240 {
            Some((ffff << s as u32).div_rem_u64(m).0)
        } else if s <= 240 + 63 {
            // Numerator up to 2^319: use the 320-bit intermediate.
            (ffff << 240).mul_div_u64(1u64 << (s - 240), m)
        } else {
            None // ≥ 2^256: easier than any representable limit.
        };
        match exact {
            Some(t) if t.is_zero() => Target::HARDEST.min(*pow_limit),
            Some(t) if t <= pow_limit.0 => Target(t),
            _ => *pow_limit,
        }
    }

    /// Expected number of hashes to find a block at this target:
    /// 2^256 / (target + 1), as `f64` (relative error ≈ 2^-52). Close to
    /// `difficulty × 2^32` (within 0.0015 %).
    pub fn expected_hashes_per_block(&self) -> f64 {
        let two_256 = 2f64.powi(256);
        match self.0.checked_add(U256::ONE) {
            Some(t1) => two_256 / t1.to_f64(),
            None => 1.0, // target = 2^256 − 1: every hash wins
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hex(s: &str) -> U256 {
        U256::from_hex(s).unwrap()
    }

    /// Bitcoin Core `arith_uint256_tests.cpp`, `bignum_SetCompact`:
    /// (nBits, value, GetCompact(negative), negative, overflow).
    #[test]
    fn core_set_compact_examples() {
        let zero_cases = [
            0u32, 0x00123456, 0x01003456, 0x02000056, 0x03000000, 0x04000000, 0x00923456,
            0x01803456, 0x02800056, 0x03800000, 0x04800000,
        ];
        for bits in zero_cases {
            let d = decode_compact(bits);
            assert_eq!(d.value, U256::ZERO, "{bits:#x}");
            assert!(!d.negative && !d.overflow, "{bits:#x}");
            assert_eq!(encode_compact(&d.value, false), 0, "{bits:#x}");
            assert_eq!(Target::from_compact(bits), Err(CompactError::Zero { bits }));
        }
        let cases: [(u32, &str, u32, bool); 8] = [
            (0x01123456, "12", 0x01120000, false),
            (0x01fedcba, "7e", 0x01fe0000, true),
            (0x02123456, "1234", 0x02123400, false),
            (0x03123456, "123456", 0x03123456, false),
            (0x04123456, "12345600", 0x04123456, false),
            (0x04923456, "12345600", 0x04923456, true),
            (0x05009234, "92340000", 0x05009234, false),
            (
                0x20123456,
                "1234560000000000000000000000000000000000000000000000000000000000",
                0x20123456,
                false,
            ),
        ];
        for (bits, value, back, negative) in cases {
            let d = decode_compact(bits);
            assert_eq!(d.value, hex(value), "{bits:#x}");
            assert_eq!(d.negative, negative, "{bits:#x}");
            assert!(!d.overflow, "{bits:#x}");
            assert_eq!(encode_compact(&d.value, negative), back, "{bits:#x}");
            if negative {
                assert_eq!(
                    Target::from_compact(bits),
                    Err(CompactError::Negative { bits })
                );
            } else {
                assert_eq!(Target::from_compact(bits).unwrap().to_compact(), back);
            }
        }
        // 0x80 must not produce a compact with the sign bit set.
        assert_eq!(encode_compact(&U256::from_u64(0x80), false), 0x02008000);
        let d = decode_compact(0xff123456);
        assert!(d.overflow && !d.negative);
        assert_eq!(
            Target::from_compact(0xff123456),
            Err(CompactError::Overflow { bits: 0xff123456 })
        );
    }

    #[test]
    fn overflow_boundaries() {
        // Largest sizes that still fit for 1-, 2- and 3-byte mantissas.
        assert!(!decode_compact(0x220000ff).overflow);
        assert!(decode_compact(0x230000ff).overflow);
        assert!(!decode_compact(0x2100ffff).overflow);
        assert!(decode_compact(0x2200ffff).overflow);
        assert!(!decode_compact(0x207fffff).overflow);
        assert!(decode_compact(0x217fffff).overflow);
        assert_eq!(
            decode_compact(0x220000ff).value,
            U256::from_u64(0xff) << 248
        );
    }

    #[test]
    fn difficulty_one() {
        let t = Target::from_compact(DIFFICULTY_1_BITS).unwrap();
        assert_eq!(t, Target::DIFFICULTY_1);
        assert_eq!(
            t.as_u256(),
            hex("00000000ffff0000000000000000000000000000000000000000000000000000")
        );
        assert_eq!(t.difficulty(), 1.0);
        assert_eq!(Target::from_difficulty(1.0, &t), t);
    }

    #[test]
    fn from_difficulty_edge_inputs_never_panic() {
        let limit = Target::DIFFICULTY_1;
        assert_eq!(Target::from_difficulty(0.0, &limit), limit);
        assert_eq!(Target::from_difficulty(-3.0, &limit), limit);
        assert_eq!(Target::from_difficulty(f64::NAN, &limit), limit);
        assert_eq!(Target::from_difficulty(1e-300, &limit), limit);
        assert_eq!(
            Target::from_difficulty(f64::MIN_POSITIVE / 4.0, &limit),
            limit
        );
        assert_eq!(Target::from_difficulty(0.5, &limit), limit);
        assert_eq!(
            Target::from_difficulty(f64::INFINITY, &limit),
            Target::HARDEST
        );
        assert_eq!(Target::from_difficulty(1e300, &limit), Target::HARDEST);
        // diff1 / 2^200 = 0xffff · 2^8 exactly
        assert_eq!(
            Target::from_difficulty(2f64.powi(200), &limit).as_u256(),
            U256::from_u64(0xffff00)
        );
        // diff1 / 2^220 = floor(0xffff / 2^12) = 0xf
        assert_eq!(
            Target::from_difficulty(2f64.powi(220), &limit).as_u256(),
            U256::from_u64(0xf)
        );
        // A limit of 2^255 lets difficulties below 1 through the 320-bit path:
        // diff1 / 2^-20 = 0xffff · 2^228 exactly.
        let loose = Target::new(U256::ONE << 255).unwrap();
        assert_eq!(
            Target::from_difficulty(2f64.powi(-20), &loose).as_u256(),
            U256::from_u64(0xffff) << 228
        );
        // diff1 / 3 truncates: floor(0xffff · 2^208 / 3) = 0x5555 · 2^208.
        assert_eq!(
            Target::from_difficulty(3.0, &limit).as_u256(),
            U256::from_u64(0x5555) << 208
        );
    }

    #[test]
    fn expected_hashes_at_difficulty_one() {
        let h = Target::DIFFICULTY_1.expected_hashes_per_block();
        // 2^256 / (0xffff·2^208 + 1) = 2^32 · 65536/65535 to within 1e-15.
        let exact = 2f64.powi(32) * 65536.0 / 65535.0;
        assert!((h / exact - 1.0).abs() < 1e-15, "{h}");
        // The reference's difficulty × 2^32 approximation: the exact ratio is
        // 65536/65535 − 1 = 0.001526 % ("within 0.0015 %" rounded), so the
        // tolerance is 1.6e-5.
        assert!((h / 2f64.powi(32) - 1.0).abs() < 1.6e-5);
        let max = Target::new(U256::MAX).unwrap();
        assert_eq!(max.expected_hashes_per_block(), 1.0);
    }

    fn target_strategy() -> impl Strategy<Value = Target> {
        (any::<[u64; 4]>(), 0u32..255).prop_filter_map("nonzero", |(limbs, shift)| {
            Target::new(U256::from_limbs(limbs) >> shift)
        })
    }

    proptest! {
        #[test]
        fn compact_round_trip(bits in any::<u32>()) {
            // Every valid compact value re-encodes to its canonical form, and
            // decoding that canonical form gives the same target.
            if let Ok(t) = Target::from_compact(bits) {
                let canonical = t.to_compact();
                prop_assert_eq!(Target::from_compact(canonical), Ok(t));
                prop_assert_eq!(Target::from_compact(canonical).unwrap().to_compact(), canonical);
            }
        }

        #[test]
        fn encode_truncates_by_less_than_2_pow_minus_15(t in target_strategy()) {
            // Tolerance: the mantissa keeps at least 16 significant bits, so
            // the encoded value loses less than 2^-15 of the target.
            let back = Target::from_compact(t.to_compact()).unwrap();
            prop_assert!(back <= t);
            let loss = (t.as_u256().to_f64() - back.as_u256().to_f64()) / t.as_u256().to_f64();
            prop_assert!(loss < 2f64.powi(-15), "loss {loss}");
            // Encoding an already-compact value is lossless.
            prop_assert_eq!(back.to_compact(), t.to_compact());
        }

        #[test]
        fn difficulty_inverse(d in 1.0f64..1e15) {
            // Tolerance: the target is floor(diff1 / d) ≥ 2^176 here, so the
            // round trip is exact up to f64 rounding: relative 1e-14.
            let limit = Target::DIFFICULTY_1;
            let t = Target::from_difficulty(d, &limit);
            prop_assert!(t <= limit);
            let back = t.difficulty();
            prop_assert!((back / d - 1.0).abs() < 1e-14, "{d} -> {back}");
        }

        #[test]
        fn from_difficulty_is_monotone(a in 1e-3f64..1e20, b in 1e-3f64..1e20) {
            let limit = Target::new(U256::MAX >> 1).unwrap();
            let (ta, tb) = (Target::from_difficulty(a, &limit), Target::from_difficulty(b, &limit));
            if a <= b {
                prop_assert!(ta >= tb);
            } else {
                prop_assert!(ta <= tb);
            }
        }

        #[test]
        fn expected_hashes_close_to_difficulty_times_2_pow_32(
            t in (any::<[u64; 4]>(), 0u32..190).prop_filter_map("nonzero", |(limbs, shift)| {
                Target::new((U256::from_limbs(limbs) >> shift).max(U256::ONE << 65))
            })
        ) {
            // The ratio is 65536/65535 · target/(target+1): tolerance 1.6e-5
            // (the reference's "0.0015 %", 1/65535 = 1.526e-5, plus the +1,
            // negligible for targets ≥ 2^64 as here).
            let ratio = t.expected_hashes_per_block() / (t.difficulty() * 2f64.powi(32));
            prop_assert!((ratio - 1.0).abs() < 1.6e-5, "ratio {ratio}");
        }
    }
}
