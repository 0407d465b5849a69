//! The Sobol' low-discrepancy sequence (Sobol' 1967; Bratley & Fox 1988,
//! Gray-code order of Antonov & Saltykov 1979) with the direction numbers
//! of Joe & Kuo (2008), table `new-joe-kuo-6.21201`, for the first
//! [`SOBOL_MAX_DIMS`] dimensions.
//!
//! Points are 32-bit fractions `X / 2^32`; the first point of the
//! unscrambled sequence is the origin. An optional random digital shift
//! (each coordinate's 32 bits XORed with a per-dimension random word drawn
//! from a ChaCha8 stream of the seed) keeps every net property of the
//! sequence and moves points off the origin; it is not Owen's nested
//! scrambling.
//!
//! References: I. M. Sobol' (1967), USSR Comput. Math. Math. Phys.
//! 7:86–112; S. Joe and F. Y. Kuo (2008), "Constructing Sobol sequences
//! with better two-dimensional projections", SIAM J. Sci. Comput.
//! 30:2635–2654.

use super::{Points, SensitivityError};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Bits per coordinate: points are multiples of 2^-32, and at most 2^32
/// points can be drawn.
pub const SOBOL_BITS: u32 = 32;

/// Dimensions with embedded direction numbers: the first (all m = 1) and
/// 52 more from the Joe–Kuo table (its rows d = 2 ..= 53, the primitive
/// polynomials of degree 1 to 8).
pub const SOBOL_MAX_DIMS: usize = JOE_KUO.len() + 1;

/// Rows `d = 2, 3, …` of `new-joe-kuo-6.21201`: the degree `s` of the
/// primitive polynomial, its inner coefficients `a` (bits from x^(s-1)
/// down to x^1) and the initial direction integers `m_1 .. m_s`.
const JOE_KUO: &[(u32, u32, &[u32])] = &[
    (1, 0, &[1]),
    (2, 1, &[1, 3]),
    (3, 1, &[1, 3, 1]),
    (3, 2, &[1, 1, 1]),
    (4, 1, &[1, 1, 3, 3]),
    (4, 4, &[1, 3, 5, 13]),
    (5, 2, &[1, 1, 5, 5, 17]),
    (5, 4, &[1, 1, 5, 5, 5]),
    (5, 7, &[1, 1, 7, 11, 19]),
    (5, 11, &[1, 1, 5, 1, 1]),
    (5, 13, &[1, 1, 1, 3, 11]),
    (5, 14, &[1, 3, 5, 5, 31]),
    (6, 1, &[1, 3, 3, 9, 7, 49]),
    (6, 13, &[1, 1, 1, 15, 21, 21]),
    (6, 16, &[1, 3, 1, 13, 27, 49]),
    (6, 19, &[1, 1, 1, 15, 7, 5]),
    (6, 22, &[1, 3, 1, 15, 13, 25]),
    (6, 25, &[1, 1, 5, 5, 19, 61]),
    (7, 1, &[1, 3, 7, 11, 23, 15, 103]),
    (7, 4, &[1, 3, 7, 13, 13, 15, 69]),
    (7, 7, &[1, 1, 3, 13, 7, 35, 63]),
    (7, 8, &[1, 3, 5, 9, 1, 25, 53]),
    (7, 14, &[1, 3, 1, 13, 9, 35, 107]),
    (7, 19, &[1, 3, 1, 5, 27, 61, 31]),
    (7, 21, &[1, 1, 5, 11, 19, 41, 61]),
    (7, 28, &[1, 3, 5, 3, 3, 13, 69]),
    (7, 31, &[1, 1, 7, 13, 1, 19, 1]),
    (7, 32, &[1, 3, 7, 5, 13, 19, 59]),
    (7, 37, &[1, 1, 3, 9, 25, 29, 41]),
    (7, 41, &[1, 3, 5, 13, 23, 1, 55]),
    (7, 42, &[1, 3, 7, 3, 13, 59, 17]),
    (7, 50, &[1, 3, 1, 3, 5, 53, 69]),
    (7, 55, &[1, 1, 5, 5, 23, 33, 13]),
    (7, 56, &[1, 1, 7, 7, 1, 61, 123]),
    (7, 59, &[1, 1, 7, 9, 13, 61, 49]),
    (7, 62, &[1, 3, 3, 5, 3, 55, 33]),
    (8, 14, &[1, 3, 1, 15, 31, 13, 49, 245]),
    (8, 21, &[1, 3, 5, 15, 31, 59, 63, 97]),
    (8, 22, &[1, 3, 1, 11, 11, 11, 77, 249]),
    (8, 38, &[1, 3, 1, 11, 27, 43, 71, 9]),
    (8, 47, &[1, 1, 7, 15, 21, 11, 81, 45]),
    (8, 49, &[1, 3, 7, 3, 25, 31, 65, 79]),
    (8, 50, &[1, 3, 1, 1, 19, 11, 3, 205]),
    (8, 52, &[1, 1, 5, 9, 19, 21, 29, 157]),
    (8, 56, &[1, 3, 7, 11, 1, 33, 89, 185]),
    (8, 67, &[1, 3, 3, 3, 15, 9, 79, 71]),
    (8, 70, &[1, 3, 7, 11, 15, 39, 119, 27]),
    (8, 84, &[1, 1, 3, 1, 11, 31, 97, 225]),
    (8, 97, &[1, 1, 1, 3, 23, 43, 57, 177]),
    (8, 103, &[1, 3, 7, 7, 17, 17, 37, 71]),
    (8, 115, &[1, 3, 1, 5, 27, 63, 123, 213]),
    (8, 122, &[1, 1, 3, 5, 11, 43, 53, 133]),
];

/// The table row of dimension `dim` (0-based; dimension 0 has none):
/// `(s, a, m)`. For tests of the table itself.
pub fn joe_kuo_row(dim: usize) -> Option<(u32, u32, &'static [u32])> {
    dim.checked_sub(1).and_then(|i| JOE_KUO.get(i)).copied()
}

/// The 32 direction numbers `v_1 .. v_32` (as 32-bit fractions) of
/// dimension `dim` (0-based).
fn direction_numbers(dim: usize) -> [u32; SOBOL_BITS as usize] {
    let mut v = [0u32; SOBOL_BITS as usize];
    let Some((s, a, m)) = joe_kuo_row(dim) else {
        // The first dimension: all m_j = 1, the van der Corput sequence.
        for (j, vj) in v.iter_mut().enumerate() {
            *vj = 1 << (SOBOL_BITS - 1 - j as u32);
        }
        return v;
    };
    let s = s as usize;
    for j in 0..SOBOL_BITS as usize {
        if j < s {
            v[j] = m[j] << (SOBOL_BITS - 1 - j as u32);
        } else {
            // m_j = 2^s m_{j-s} ^ m_{j-s} ^ sum_k 2^k a_k m_{j-k}, in
            // fractions: v_j = v_{j-s} ^ (v_{j-s} >> s) ^ sum_k a_k v_{j-k}.
            let mut x = v[j - s] ^ (v[j - s] >> s);
            for k in 1..s {
                if (a >> (s - 1 - k)) & 1 == 1 {
                    x ^= v[j - k];
                }
            }
            v[j] = x;
        }
    }
    v
}

/// A generator of the Sobol' sequence in `dims` dimensions, in Gray-code
/// order (the order of Joe & Kuo's reference program and of most
/// libraries), optionally digitally shifted.
#[derive(Debug, Clone)]
pub struct SobolSequence {
    directions: Vec<[u32; SOBOL_BITS as usize]>,
    /// The current point's integer coordinates (unshifted).
    state: Vec<u32>,
    shift: Vec<u32>,
    /// Index of the point the next call to `next_point` returns.
    index: u64,
}

impl SobolSequence {
    /// The unscrambled sequence (first point: the origin).
    pub fn new(dims: usize) -> Result<SobolSequence, SensitivityError> {
        if dims == 0 || dims > SOBOL_MAX_DIMS {
            return Err(SensitivityError::Dimensions {
                dims,
                max: SOBOL_MAX_DIMS,
            });
        }
        Ok(SobolSequence {
            directions: (0..dims).map(direction_numbers).collect(),
            state: vec![0; dims],
            shift: vec![0; dims],
            index: 0,
        })
    }

    /// The sequence with a random digital shift: every coordinate XORed
    /// with a 32-bit word per dimension, drawn from ChaCha8 seeded with
    /// `seed` (stream 0).
    pub fn shifted(dims: usize, seed: u64) -> Result<SobolSequence, SensitivityError> {
        let mut seq = SobolSequence::new(dims)?;
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        for s in seq.shift.iter_mut() {
            *s = rng.next_u32();
        }
        Ok(seq)
    }

    pub fn dims(&self) -> usize {
        self.directions.len()
    }

    /// Index of the point the next [`SobolSequence::next_point`] returns.
    pub fn index(&self) -> u64 {
        self.index
    }

    /// Jumps to point `index` (random access through its Gray code).
    pub fn seek(&mut self, index: u64) -> Result<(), SensitivityError> {
        if index >= 1 << SOBOL_BITS {
            return Err(SensitivityError::Invalid(format!(
                "Sobol point index {index} is beyond 2^{SOBOL_BITS} - 1"
            )));
        }
        // The state is that of point index - 1: `next_point` returns it
        // after one more step. Point i's coordinates are the XOR of the
        // direction numbers of the set bits of gray(i) = i ^ (i >> 1).
        self.index = index;
        if index == 0 {
            self.state.iter_mut().for_each(|x| *x = 0);
            return Ok(());
        }
        let prev = index - 1;
        let gray = prev ^ (prev >> 1);
        for (x, v) in self.state.iter_mut().zip(&self.directions) {
            *x = (0..SOBOL_BITS as usize)
                .filter(|&b| (gray >> b) & 1 == 1)
                .fold(0, |acc, b| acc ^ v[b]);
        }
        Ok(())
    }

    /// Writes the next point into `out` (length [`SobolSequence::dims`]),
    /// each coordinate in [0, 1).
    ///
    /// # Panics
    /// If `out` has another length, or after 2^32 points.
    pub fn next_point(&mut self, out: &mut [f64]) {
        assert_eq!(out.len(), self.dims(), "Sobol point of the wrong length");
        assert!(self.index < 1 << SOBOL_BITS, "Sobol sequence exhausted");
        if self.index > 0 {
            // Point i = point (i-1) XOR v_c, c the lowest set bit of i.
            let c = self.index.trailing_zeros() as usize;
            for (x, v) in self.state.iter_mut().zip(&self.directions) {
                *x ^= v[c];
            }
        }
        const SCALE: f64 = 1.0 / (1u64 << SOBOL_BITS) as f64;
        for ((o, &x), &s) in out.iter_mut().zip(&self.state).zip(&self.shift) {
            *o = (x ^ s) as f64 * SCALE;
        }
        self.index += 1;
    }
}

/// `n` points of the Sobol' sequence in `dims` dimensions, starting at
/// point `skip` (the origin is point 0), digitally shifted when
/// `shift_seed` is given.
pub fn sobol_points(
    n: usize,
    dims: usize,
    skip: u64,
    shift_seed: Option<u64>,
) -> Result<Points, SensitivityError> {
    let mut seq = match shift_seed {
        Some(seed) => SobolSequence::shifted(dims, seed)?,
        None => SobolSequence::new(dims)?,
    };
    if skip.saturating_add(n as u64) > 1 << SOBOL_BITS {
        return Err(SensitivityError::Invalid(format!(
            "{n} Sobol points from index {skip} go beyond 2^{SOBOL_BITS} points"
        )));
    }
    seq.seek(skip)?;
    let mut values = vec![0.0; n * dims];
    for row in values.chunks_exact_mut(dims) {
        seq.next_point(row);
    }
    Ok(Points::from_flat(dims, values))
}
