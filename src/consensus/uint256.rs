//! A small unsigned 256-bit integer for consensus arithmetic.
//!
//! Only what the difficulty rules need: construction, shifts, comparison,
//! complement, multiplication and division by a `u64` (with a 320-bit
//! intermediate for `a × m / d`), division by a `U256` (for block work and
//! cw-144), correctly rounded conversion to `f64`, and the bit length.
//! Bitcoin Core's `arith_uint256` plays the same role in `pow.cpp`.

use std::cmp::Ordering;
use std::fmt;
use std::ops::{Not, Shl, Shr};

/// Unsigned 256-bit integer stored as four little-endian `u64` limbs
/// (`limbs[0]` is the least significant).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct U256([u64; 4]);

impl U256 {
    /// 0.
    pub const ZERO: U256 = U256([0; 4]);
    /// 1.
    pub const ONE: U256 = U256([1, 0, 0, 0]);
    /// 2^256 − 1.
    pub const MAX: U256 = U256([u64::MAX; 4]);

    /// The value `v`.
    pub const fn from_u64(v: u64) -> U256 {
        U256([v, 0, 0, 0])
    }

    /// The value `v`.
    pub const fn from_u128(v: u128) -> U256 {
        U256([v as u64, (v >> 64) as u64, 0, 0])
    }

    /// From little-endian limbs (`limbs[0]` least significant).
    pub const fn from_limbs(limbs: [u64; 4]) -> U256 {
        U256(limbs)
    }

    /// The little-endian limbs.
    pub const fn limbs(&self) -> [u64; 4] {
        self.0
    }

    /// Parses up to 64 hexadecimal digits (most significant first, optional
    /// `0x` prefix, no sign). `None` for an empty, too long or non-hex string.
    pub fn from_hex(s: &str) -> Option<U256> {
        let s = s.strip_prefix("0x").unwrap_or(s);
        if s.is_empty() || s.len() > 64 {
            return None;
        }
        let mut limbs = [0u64; 4];
        for (i, c) in s.bytes().rev().enumerate() {
            let d = (c as char).to_digit(16)? as u64;
            limbs[i / 16] |= d << (4 * (i % 16));
        }
        Some(U256(limbs))
    }

    /// Whether the value is 0.
    pub fn is_zero(&self) -> bool {
        self.0 == [0; 4]
    }

    /// The least significant 64 bits (Core's `GetLow64`).
    pub fn low_u64(&self) -> u64 {
        self.0[0]
    }

    /// The value as `u128` when it fits.
    pub fn to_u128(&self) -> Option<u128> {
        if self.0[2] == 0 && self.0[3] == 0 {
            Some(((self.0[1] as u128) << 64) | self.0[0] as u128)
        } else {
            None
        }
    }

    /// Number of significant bits: 0 for 0, otherwise `floor(log2(x)) + 1`.
    pub fn bits(&self) -> u32 {
        for i in (0..4).rev() {
            if self.0[i] != 0 {
                return 64 * i as u32 + (64 - self.0[i].leading_zeros());
            }
        }
        0
    }

    /// `self + rhs`, `None` on overflow.
    pub fn checked_add(self, rhs: U256) -> Option<U256> {
        let mut out = [0u64; 4];
        let mut carry = false;
        for (i, o) in out.iter_mut().enumerate() {
            let (s1, c1) = self.0[i].overflowing_add(rhs.0[i]);
            let (s2, c2) = s1.overflowing_add(carry as u64);
            *o = s2;
            carry = c1 || c2;
        }
        (!carry).then_some(U256(out))
    }

    /// `self − rhs`, `None` when `rhs > self`.
    pub fn checked_sub(self, rhs: U256) -> Option<U256> {
        let mut out = [0u64; 4];
        let mut borrow = false;
        for (i, o) in out.iter_mut().enumerate() {
            let (d1, b1) = self.0[i].overflowing_sub(rhs.0[i]);
            let (d2, b2) = d1.overflowing_sub(borrow as u64);
            *o = d2;
            borrow = b1 || b2;
        }
        (!borrow).then_some(U256(out))
    }

    /// Truncating division by a 256-bit divisor, with remainder: binary
    /// long division over the `bits(self) − bits(d) + 1` quotient bits.
    /// `None` when `d` is 0.
    pub fn checked_div_rem(self, d: U256) -> Option<(U256, U256)> {
        if d.is_zero() {
            return None;
        }
        if self < d {
            return Some((U256::ZERO, self));
        }
        let shift = self.bits() - d.bits();
        let mut rem = self;
        let mut quo = [0u64; 4];
        // bits(d) + shift = bits(self) <= 256: nothing is shifted out.
        let mut div = d << shift;
        for i in (0..=shift).rev() {
            if rem >= div {
                rem = rem.checked_sub(div)?;
                quo[(i / 64) as usize] |= 1u64 << (i % 64);
            }
            div = div >> 1;
        }
        Some((U256(quo), rem))
    }

    /// The full 320-bit product `self × m` as (low 256 bits, high 64 bits).
    pub fn mul_u64_wide(self, m: u64) -> (U256, u64) {
        let mut out = [0u64; 4];
        let mut carry: u64 = 0;
        for (i, o) in out.iter_mut().enumerate() {
            let p = self.0[i] as u128 * m as u128 + carry as u128;
            *o = p as u64;
            carry = (p >> 64) as u64;
        }
        (U256(out), carry)
    }

    /// `self × m`, `None` when the product does not fit in 256 bits.
    pub fn checked_mul_u64(self, m: u64) -> Option<U256> {
        let (lo, hi) = self.mul_u64_wide(m);
        (hi == 0).then_some(lo)
    }

    /// Truncating division with remainder. Panics when `d == 0`, like the
    /// integer division of the standard library; see
    /// [`U256::checked_div_u64`].
    pub fn div_rem_u64(self, d: u64) -> (U256, u64) {
        assert!(d != 0, "U256 division by zero");
        let mut q = [0u64; 4];
        let mut rem: u64 = 0;
        for i in (0..4).rev() {
            let cur = ((rem as u128) << 64) | self.0[i] as u128;
            q[i] = (cur / d as u128) as u64;
            rem = (cur % d as u128) as u64;
        }
        (U256(q), rem)
    }

    /// Truncating division, `None` when `d == 0`.
    pub fn checked_div_u64(self, d: u64) -> Option<U256> {
        (d != 0).then(|| self.div_rem_u64(d).0)
    }

    /// `floor(self × m / d)` computed exactly through a 320-bit
    /// intermediate, so the product never wraps. `None` when `d == 0` or
    /// when the quotient does not fit in 256 bits.
    pub fn mul_div_u64(self, m: u64, d: u64) -> Option<U256> {
        if d == 0 {
            return None;
        }
        let (lo, hi) = self.mul_u64_wide(m);
        let num = [lo.0[0], lo.0[1], lo.0[2], lo.0[3], hi];
        let mut q = [0u64; 5];
        let mut rem: u64 = 0;
        for i in (0..5).rev() {
            let cur = ((rem as u128) << 64) | num[i] as u128;
            q[i] = (cur / d as u128) as u64;
            rem = (cur % d as u128) as u64;
        }
        (q[4] == 0).then_some(U256([q[0], q[1], q[2], q[3]]))
    }

    /// The value as `f64`, correctly rounded (round to nearest, ties to
    /// even): relative error at most 2^-53. Every `U256` is finite as `f64`
    /// (`MAX` rounds to 2^256 ≈ 1.158e77).
    pub fn to_f64(&self) -> f64 {
        let b = self.bits();
        if b <= 128 {
            // `as` rounds to nearest, ties to even.
            return self.to_u128().unwrap_or(0) as f64;
        }
        let shift = b - 128; // 1..=128
        let top = (*self >> shift).to_u128().unwrap_or(0);
        // Bits shifted out only matter as a "sticky" bit far below the
        // rounding position (bit 74 of `top`), which keeps rounding exact.
        let sticky = !(*self << (256 - shift)).is_zero();
        let top = top | sticky as u128;
        // 2^shift is exact: shift <= 128 is well within f64's exponent range.
        let scale = f64::from_bits(((1023 + shift) as u64) << 52);
        top as f64 * scale
    }
}

impl Ord for U256 {
    fn cmp(&self, other: &Self) -> Ordering {
        for i in (0..4).rev() {
            match self.0[i].cmp(&other.0[i]) {
                Ordering::Equal => continue,
                o => return o,
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for U256 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Not for U256 {
    type Output = U256;

    /// Bitwise complement, `2^256 − 1 − self` (Core's `operator~`).
    fn not(self) -> U256 {
        U256([!self.0[0], !self.0[1], !self.0[2], !self.0[3]])
    }
}

impl Shl<u32> for U256 {
    type Output = U256;

    /// Logical left shift; bits moved past bit 255 are lost, a shift of 256
    /// or more gives 0 (like `arith_uint256::operator<<=`).
    fn shl(self, n: u32) -> U256 {
        if n >= 256 {
            return U256::ZERO;
        }
        let limbs = (n / 64) as usize;
        let bits = n % 64;
        let mut out = [0u64; 4];
        for i in (limbs..4).rev() {
            let src = i - limbs;
            out[i] = self.0[src] << bits;
            if bits > 0 && src > 0 {
                out[i] |= self.0[src - 1] >> (64 - bits);
            }
        }
        U256(out)
    }
}

impl Shr<u32> for U256 {
    type Output = U256;

    /// Logical right shift; a shift of 256 or more gives 0.
    fn shr(self, n: u32) -> U256 {
        if n >= 256 {
            return U256::ZERO;
        }
        let limbs = (n / 64) as usize;
        let bits = n % 64;
        let mut out = [0u64; 4];
        for (i, o) in out.iter_mut().enumerate().take(4 - limbs) {
            let src = i + limbs;
            *o = self.0[src] >> bits;
            if bits > 0 && src + 1 < 4 {
                *o |= self.0[src + 1] << (64 - bits);
            }
        }
        U256(out)
    }
}

impl From<u64> for U256 {
    fn from(v: u64) -> U256 {
        U256::from_u64(v)
    }
}

impl From<u128> for U256 {
    fn from(v: u128) -> U256 {
        U256::from_u128(v)
    }
}

impl fmt::LowerHex for U256 {
    /// Minimal lowercase hex digits (no padding, `0` for zero); `{:#x}`
    /// adds the `0x` prefix.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::with_capacity(64);
        let mut started = false;
        for i in (0..4).rev() {
            if started {
                s.push_str(&format!("{:016x}", self.0[i]));
            } else if self.0[i] != 0 {
                s.push_str(&format!("{:x}", self.0[i]));
                started = true;
            }
        }
        if !started {
            s.push('0');
        }
        f.pad_integral(true, "0x", &s)
    }
}

impl fmt::Display for U256 {
    /// Decimal digits.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const CHUNK: u64 = 10_000_000_000_000_000_000; // 10^19
        let mut chunks = Vec::new();
        let mut x = *self;
        loop {
            let (q, r) = x.div_rem_u64(CHUNK);
            chunks.push(r);
            if q.is_zero() {
                break;
            }
            x = q;
        }
        let mut s = format!("{}", chunks.pop().unwrap_or(0));
        for c in chunks.iter().rev() {
            s.push_str(&format!("{c:019}"));
        }
        f.pad_integral(true, "", &s)
    }
}

impl fmt::Debug for U256 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "U256({self:#x})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn constants_and_bits() {
        assert_eq!(U256::ZERO.bits(), 0);
        assert_eq!(U256::ONE.bits(), 1);
        assert_eq!(U256::MAX.bits(), 256);
        assert_eq!((U256::ONE << 255).bits(), 256);
        assert_eq!(U256::from_u64(0xff).bits(), 8);
        assert_eq!(U256::ONE << 256, U256::ZERO);
        assert_eq!(U256::MAX >> 256, U256::ZERO);
        assert_eq!(U256::MAX >> 255, U256::ONE);
    }

    #[test]
    fn hex_parse_and_format() {
        let x =
            U256::from_hex("0x00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff")
                .unwrap();
        assert_eq!(x, (U256::ONE << 224).checked_sub(U256::ONE).unwrap());
        assert_eq!(format!("{:x}", U256::from_u64(0x1234)), "1234");
        assert_eq!(format!("{:#x}", U256::ONE << 64), "0x10000000000000000");
        assert_eq!(format!("{:x}", U256::ZERO), "0");
        assert_eq!(U256::from_hex(""), None);
        assert_eq!(U256::from_hex("xyz"), None);
        assert_eq!(U256::from_hex(&"1".repeat(65)), None);
    }

    #[test]
    fn decimal_display() {
        assert_eq!(U256::ZERO.to_string(), "0");
        assert_eq!(U256::from_u64(u64::MAX).to_string(), u64::MAX.to_string());
        // 2^256 - 1
        assert_eq!(
            U256::MAX.to_string(),
            "115792089237316195423570985008687907853269984665640564039457584007913129639935"
        );
    }

    #[test]
    fn wide_products_never_wrap() {
        let (lo, hi) = U256::MAX.mul_u64_wide(u64::MAX);
        // (2^256-1)(2^64-1) = (2^64-2)·2^256 + (2^256 - 2^64 + 1)
        assert_eq!(hi, u64::MAX - 1);
        assert_eq!(lo, U256::from_limbs([1, u64::MAX, u64::MAX, u64::MAX]));
        assert_eq!(U256::MAX.checked_mul_u64(2), None);
        // MAX * 4 / 4 is exact through the 320-bit intermediate.
        assert_eq!(U256::MAX.mul_div_u64(4, 4), Some(U256::MAX));
        assert_eq!(U256::MAX.mul_div_u64(4, 3), None);
        assert_eq!(U256::MAX.mul_div_u64(1, 0), None);
        assert_eq!(U256::ONE.checked_div_u64(0), None);
    }

    #[test]
    fn to_f64_exact_cases() {
        assert_eq!(U256::ZERO.to_f64(), 0.0);
        assert_eq!((U256::ONE << 200).to_f64(), 2f64.powi(200));
        assert_eq!(U256::MAX.to_f64(), 2f64.powi(256));
        // 2^200 + 2^147 is exactly halfway between two f64s: ties to even
        // rounds down to 2^200; adding 1 (sticky) must round up.
        let half = (U256::ONE << 200).checked_add(U256::ONE << 147).unwrap();
        assert_eq!(half.to_f64(), 2f64.powi(200));
        let above = half.checked_add(U256::ONE).unwrap();
        assert_eq!(above.to_f64(), 2f64.powi(200) + 2f64.powi(148));
    }

    fn u256_strategy() -> impl Strategy<Value = U256> {
        any::<[u64; 4]>().prop_map(U256::from_limbs)
    }

    proptest! {
        #[test]
        fn add_sub_match_u128(a in 0..=u128::MAX >> 1, b in 0..=u128::MAX >> 1) {
            let (ua, ub) = (U256::from(a), U256::from(b));
            prop_assert_eq!(ua.checked_add(ub), Some(U256::from(a + b)));
            let (hi, lo) = if a >= b { (a, b) } else { (b, a) };
            prop_assert_eq!(U256::from(hi).checked_sub(U256::from(lo)), Some(U256::from(hi - lo)));
            if hi != lo {
                prop_assert_eq!(U256::from(lo).checked_sub(U256::from(hi)), None);
            }
        }

        #[test]
        fn ordering_matches_u128(a in any::<u128>(), b in any::<u128>()) {
            prop_assert_eq!(U256::from(a).cmp(&U256::from(b)), a.cmp(&b));
        }

        #[test]
        fn shifts_match_u128(a in any::<u128>(), n in 0u32..128) {
            prop_assert_eq!(U256::from(a) >> n, U256::from(a >> n));
            let a_small = a >> n; // so the left shift stays within 128 bits
            prop_assert_eq!(U256::from(a_small) << n, U256::from(a_small << n));
            prop_assert_eq!(U256::from(a).bits(), 128 - a.leading_zeros());
        }

        #[test]
        fn shift_round_trip(x in u256_strategy(), n in 1u32..256) {
            // (x << n) >> n keeps the low 256−n bits, (x >> (256−n)) << (256−n)
            // keeps the high n bits; together they are x again.
            let low = (x << n) >> n;
            let high = (x >> (256 - n)) << (256 - n);
            prop_assert_eq!(low.checked_add(high), Some(x));
            prop_assert_eq!(x << 0, x);
            prop_assert_eq!(x >> 0, x);
        }

        #[test]
        fn mul_div_match_u128(a in any::<u64>(), m in any::<u64>(), d in 1u64..) {
            let exact = a as u128 * m as u128;
            prop_assert_eq!(U256::from_u64(a).checked_mul_u64(m), Some(U256::from(exact)));
            let (q, r) = U256::from(exact).div_rem_u64(d);
            prop_assert_eq!(q, U256::from(exact / d as u128));
            prop_assert_eq!(r as u128, exact % d as u128);
            prop_assert_eq!(U256::from_u64(a).mul_div_u64(m, d), Some(U256::from(exact / d as u128)));
        }

        #[test]
        fn div_mul_identity(x in u256_strategy(), d in 1u64..) {
            // q·d + r == x, r < d.
            let (q, r) = x.div_rem_u64(d);
            prop_assert!(r < d);
            let back = q.checked_mul_u64(d).unwrap().checked_add(U256::from_u64(r));
            prop_assert_eq!(back, Some(x));
        }

        #[test]
        fn to_f64_matches_u128(a in any::<u128>()) {
            // u128 -> f64 is correctly rounded by the language; so must we be.
            prop_assert_eq!(U256::from(a).to_f64(), a as f64);
        }

        #[test]
        fn to_f64_scales_by_powers_of_two(a in any::<u128>(), n in 0u32..128) {
            // Shifting an exact u128 left by n multiplies the correctly
            // rounded value by exactly 2^n.
            prop_assert_eq!((U256::from(a) << n).to_f64(), (a as f64) * 2f64.powi(n as i32));
        }
    }
}
