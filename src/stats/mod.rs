//! Streaming statistics for Monte Carlo batches: exact order-independent
//! sums for mean and variance, a mergeable quantile sketch with a stated relative accuracy,
//! and confidence intervals of a mean.
//!
//! Determinism: results are folded in run-index order, and the sketch
//! stores integer counts per bucket, so the bytes written do not depend on
//! the thread count or on how runs were split into shards.

use serde::{Deserialize, Serialize};

/// Lowest binary exponent an [`ExactSum`] resolves: values are truncated
/// to multiples of 2^-256 (about 1e-77) before they are added.
const EXACT_LOW_EXP: i32 = -256;
/// Number of 32-bit limbs: covers magnitudes up to 2^(32·LIMBS − 256 − 1).
const EXACT_LIMBS: usize = 18;

/// An exact, order-independent sum of f64 values (a fixed-point
/// "superaccumulator"). Every value is truncated once to a multiple of
/// 2^-256 and then added exactly, so `a + b + c` gives the same bits in any
/// order and in any grouping: the property that makes Monte Carlo
/// aggregates byte-identical whatever the thread count or shard split.
/// Magnitudes are limited to 2^300 (about 2e90); larger values saturate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ExactSumRepr")]
pub struct ExactSum {
    limbs: [i64; EXACT_LIMBS],
    pending: u32,
}

/// The serialised form of an [`ExactSum`], checked when read: limbs and
/// the count of pending additions within what [`ExactSum::add`] leaves,
/// so that carries cannot overflow.
#[derive(Deserialize)]
struct ExactSumRepr {
    limbs: [i64; EXACT_LIMBS],
    pending: u32,
}

impl TryFrom<ExactSumRepr> for ExactSum {
    type Error = String;
    fn try_from(r: ExactSumRepr) -> Result<ExactSum, String> {
        const BOUND: u64 = 1 << 62;
        if r.pending >= 1 << 28 || r.limbs.iter().any(|l| l.unsigned_abs() > BOUND) {
            return Err("exact sum out of range".into());
        }
        Ok(ExactSum {
            limbs: r.limbs,
            pending: r.pending,
        })
    }
}

impl Default for ExactSum {
    fn default() -> Self {
        ExactSum {
            limbs: [0; EXACT_LIMBS],
            pending: 0,
        }
    }
}

impl ExactSum {
    pub fn add(&mut self, x: f64) {
        if !x.is_finite() || x == 0.0 {
            return;
        }
        let bits = x.to_bits();
        let negative = bits >> 63 == 1;
        let exp_raw = ((bits >> 52) & 0x7ff) as i32;
        if exp_raw == 0 {
            return; // subnormal: below the resolution
        }
        let mut mantissa = (bits & ((1u64 << 52) - 1)) | (1u64 << 52);
        let mut shift = exp_raw - 1075 - EXACT_LOW_EXP;
        if shift < 0 {
            if shift <= -53 {
                return;
            }
            mantissa >>= -shift;
            shift = 0;
        }
        let limb = (shift / 32) as usize;
        if limb + 2 >= EXACT_LIMBS {
            // Saturate: beyond the supported range.
            let top = EXACT_LIMBS - 1;
            self.limbs[top] = if negative { i64::MIN / 4 } else { i64::MAX / 4 };
            return;
        }
        let wide = (mantissa as u128) << (shift % 32);
        for j in 0..3 {
            let chunk = ((wide >> (32 * j)) & 0xffff_ffff) as i64;
            if negative {
                self.limbs[limb + j] -= chunk;
            } else {
                self.limbs[limb + j] += chunk;
            }
        }
        self.pending += 1;
        if self.pending >= 1 << 28 {
            self.normalize();
        }
    }

    /// Propagates carries so each limb but the top is in [0, 2^32).
    fn normalize(&mut self) {
        for i in 0..EXACT_LIMBS - 1 {
            // div_euclid and rem_euclid by 2^32, as a shift and a mask (in
            // two's complement the same for negative limbs too).
            let carry = self.limbs[i] >> 32;
            self.limbs[i] &= 0xffff_ffff;
            self.limbs[i + 1] += carry;
        }
        self.pending = 0;
    }

    pub fn merge(&mut self, other: &ExactSum) {
        let mut o = *other;
        o.normalize();
        self.normalize();
        for i in 0..EXACT_LIMBS {
            self.limbs[i] += o.limbs[i];
        }
        self.normalize();
    }

    /// The sum, rounded to f64 (deterministically: from the canonical form).
    pub fn value(&self) -> f64 {
        let mut c = *self;
        c.normalize();
        let mut total = 0.0;
        for i in (0..EXACT_LIMBS).rev() {
            total += c.limbs[i] as f64 * limb_scale(i);
        }
        total
    }
}

/// The weight of limb `i` of an [`ExactSum`], 2^(EXACT_LOW_EXP + 32 i),
/// built from its exponent bits (`2f64.powi`, which this replaces, is a
/// library call per limb and gives the same, exact, powers of two).
fn limb_scale(i: usize) -> f64 {
    let exp = EXACT_LOW_EXP + 32 * i as i32;
    f64::from_bits(((exp + 1023) as u64) << 52)
}

/// Count, mean and standard deviation of a stream of values, merged
/// exactly (see [`ExactSum`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Moments {
    pub n: u64,
    sum: ExactSum,
    sum_sq: ExactSum,
}

impl Moments {
    pub fn push(&mut self, x: f64) {
        if !x.is_finite() {
            return;
        }
        self.n += 1;
        self.sum.add(x);
        self.sum_sq.add(x * x);
    }

    pub fn merge(&mut self, other: &Moments) {
        self.n += other.n;
        self.sum.merge(&other.sum);
        self.sum_sq.merge(&other.sum_sq);
    }

    /// Mean (0 when empty).
    pub fn mean(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.sum.value() / self.n as f64
        }
    }

    /// Sample standard deviation (0 for fewer than two values).
    pub fn sd(&self) -> f64 {
        if self.n < 2 {
            return 0.0;
        }
        let n = self.n as f64;
        let s = self.sum.value();
        let var = (self.sum_sq.value() - s * s / n) / (n - 1.0);
        if var.is_finite() && var > 0.0 {
            var.sqrt()
        } else {
            0.0
        }
    }

    /// 95 % confidence interval of the mean (Student t), `None` for n < 2.
    pub fn ci95(&self) -> Option<(f64, f64)> {
        if self.n < 2 {
            return None;
        }
        let half = t975(self.n - 1) * self.sd() / (self.n as f64).sqrt();
        let m = self.mean();
        Some((m - half, m + half))
    }
}

/// The 97.5 % quantile of Student's t with `df` degrees of freedom (exact
/// table to 30, then the Cornish-Fisher expansion, error < 1e-4).
pub fn t975(df: u64) -> f64 {
    const TABLE: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    if df == 0 {
        return f64::INFINITY;
    }
    if df <= 30 {
        return TABLE[df as usize - 1];
    }
    let z: f64 = 1.959_963_985;
    let n = df as f64;
    z + (z.powi(3) + z) / (4.0 * n)
        + (5.0 * z.powi(5) + 16.0 * z.powi(3) + 3.0 * z) / (96.0 * n * n)
}

/// Relative accuracy of [`QuantileSketch`]: a reported quantile is within
/// this fraction of a value that is a true sample quantile.
pub const SKETCH_RELATIVE_ACCURACY: f64 = 0.005;

mod buckets;

use buckets::BucketStore;
pub use buckets::{BYTES_PER_BUCKET, SKETCH_MAX_BUCKETS};

/// A logarithmic-bucket quantile sketch (the DDSketch idea): positive values
/// go to bucket `ceil(ln x / ln γ)` with `γ = (1 + α) / (1 − α)`, negative
/// ones to a mirrored store, zeros to a counter. Any quantile is returned
/// within relative error α of a true sample quantile. Counts are integers
/// per bucket, so merging is exact and independent of order. Memory grows
/// with the number of distinct buckets (at most [`BYTES_PER_BUCKET`] bytes
/// each, and never more buckets than values), not with the spread of the
/// values: a store is dense while that is smaller and sparse otherwise
/// (`buckets`), invisibly to every output. The smallest and the largest value are kept exactly, so the
/// order statistics at the ends are exact (every quantile of one or two
/// values, and the minimum and maximum of any number), and no quantile
/// lies outside them.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QuantileSketch {
    positive: BucketStore,
    negative: BucketStore,
    zeros: u64,
    count: u64,
    /// The smallest and largest value pushed (meaningless while `count`
    /// is 0).
    min: f64,
    max: f64,
}

fn gamma_ln() -> f64 {
    let a = SKETCH_RELATIVE_ACCURACY;
    ((1.0 + a) / (1.0 - a)).ln()
}

fn bucket_of(x: f64) -> i32 {
    ceil_to_key((x.ln() / gamma_ln()).clamp(-1e6, 1e6))
}

/// `y.ceil() as i32` for `|y| ≤ 10^6` (NaN to 0, as the cast does),
/// without a call to libm's `ceil` (x86-64's baseline has no rounding
/// instruction): the truncation, plus one where it lies below `y`.
/// Clamping before the ceiling gives the same key as after it, the bounds
/// being whole numbers.
fn ceil_to_key(y: f64) -> i32 {
    let t = y as i32;
    if (t as f64) < y {
        t + 1
    } else {
        t
    }
}

fn bucket_value(k: i32) -> f64 {
    // The value with the smallest worst-case relative error in bucket k:
    // 2 γ^k / (γ + 1).
    let g = gamma_ln().exp();
    2.0 * (k as f64 * gamma_ln()).exp() / (g + 1.0)
}

/// Where a value pushed into a [`QuantileSketch`] is counted.
enum Slot {
    Positive(i32),
    Negative(i32),
    Zero,
}

impl QuantileSketch {
    /// Counts `x` in the extremes and the count and says where its bucket
    /// is (`None`, and nothing counted, for a NaN or an infinity).
    fn note(&mut self, x: f64) -> Option<Slot> {
        if !x.is_finite() {
            return None;
        }
        if self.count == 0 {
            (self.min, self.max) = (x, x);
        } else {
            self.min = self.min.min(x);
            self.max = self.max.max(x);
        }
        self.count += 1;
        Some(if x > f64::MIN_POSITIVE {
            Slot::Positive(bucket_of(x))
        } else if x < -f64::MIN_POSITIVE {
            Slot::Negative(bucket_of(-x))
        } else {
            Slot::Zero
        })
    }

    pub fn push(&mut self, x: f64) {
        match self.note(x) {
            Some(Slot::Positive(k)) => self.positive.add(k, 1),
            Some(Slot::Negative(k)) => self.negative.add(k, 1),
            Some(Slot::Zero) => self.zeros += 1,
            None => {}
        }
    }

    /// Pushes every value of `xs`: the same sketch as pushing them one at
    /// a time (the counts per bucket do not depend on the order), with
    /// their keys sorted and merged into the stores in one pass per 64.
    pub fn push_many(&mut self, xs: &[f64]) {
        const BATCH: usize = 64;
        let (mut pos, mut neg) = ([0i32; BATCH], [0i32; BATCH]);
        for chunk in xs.chunks(BATCH) {
            let (mut np, mut nn) = (0, 0);
            for &x in chunk {
                match self.note(x) {
                    Some(Slot::Positive(k)) => {
                        pos[np] = k;
                        np += 1;
                    }
                    Some(Slot::Negative(k)) => {
                        neg[nn] = k;
                        nn += 1;
                    }
                    Some(Slot::Zero) => self.zeros += 1,
                    None => {}
                }
            }
            pos[..np].sort_unstable();
            neg[..nn].sort_unstable();
            self.positive.add_sorted(&pos[..np]);
            self.negative.add_sorted(&neg[..nn]);
        }
    }

    pub fn merge(&mut self, other: &QuantileSketch) {
        if other.count > 0 {
            if self.count == 0 {
                (self.min, self.max) = (other.min, other.max);
            } else {
                self.min = self.min.min(other.min);
                self.max = self.max.max(other.max);
            }
        }
        self.positive.merge(&other.positive);
        self.negative.merge(&other.negative);
        self.zeros += other.zeros;
        self.count += other.count;
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// The value at 0-based `rank` in sorted order: exact at the ends,
    /// else its bucket's representative within the exact range.
    fn value_at_rank(&self, rank: u64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        if rank == 0 {
            return Some(self.min);
        }
        if rank + 1 >= self.count {
            return Some(self.max);
        }
        self.bucket_at_rank(rank)
            .map(|v| v.clamp(self.min, self.max))
    }

    /// The representative of the bucket holding the value at `rank`.
    fn bucket_at_rank(&self, rank: u64) -> Option<f64> {
        let mut seen = 0u64;
        // Negative values, most negative first.
        for (k, c) in self.negative.iter().rev() {
            seen += c;
            if seen > rank {
                return Some(-bucket_value(k));
            }
        }
        seen += self.zeros;
        if seen > rank {
            return Some(0.0);
        }
        for (k, c) in self.positive.iter() {
            seen += c;
            if seen > rank {
                return Some(bucket_value(k));
            }
        }
        self.positive.last_key().map(bucket_value)
    }

    /// The `q`-quantile (0 ≤ q ≤ 1), interpolating linearly between the
    /// order statistics at ranks ⌊q(n−1)⌋ and ⌈q(n−1)⌉ (R's and numpy's
    /// default definition, as in `summary.json`); `None` if empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        let h = q.clamp(0.0, 1.0) * (self.count - 1) as f64;
        let lo = h.floor();
        let a = self.value_at_rank(lo as u64)?;
        if h == lo {
            return Some(a);
        }
        let b = self.value_at_rank(lo as u64 + 1)?;
        Some(a + (h - lo) * (b - a))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pushing_many_gives_the_sketch_of_pushing_one_at_a_time() {
        // Positive, negative, zero and non-finite values, narrow and wide
        // spreads, in batches longer and shorter than the sketch's own.
        let mut x = 0.3_f64;
        let mut next = || {
            x = (x * 3.713 + 0.131) % 1.0;
            x
        };
        for case in 0..200 {
            let decades = [0.01, 1.0, 30.0, 200.0][case % 4];
            let mut one = QuantileSketch::default();
            let mut many = QuantileSketch::default();
            for _ in 0..3 {
                let n = 1 + (next() * 150.0) as usize;
                let xs: Vec<f64> = (0..n)
                    .map(|i| match i % 17 {
                        0 => 0.0,
                        1 => f64::NAN,
                        2 => -(10f64.powf(next() * decades)),
                        _ => 10f64.powf((next() - 0.5) * decades),
                    })
                    .collect();
                xs.iter().for_each(|&v| one.push(v));
                many.push_many(&xs);
                assert_eq!(many, one, "case {case}");
                assert_eq!(
                    postcard::to_allocvec(&many).unwrap(),
                    postcard::to_allocvec(&one).unwrap()
                );
                for q in [0.0, 0.05, 0.5, 0.95, 1.0] {
                    assert_eq!(many.quantile(q), one.quantile(q));
                }
            }
        }
    }

    #[test]
    fn bucket_keys_are_libm_ceilings() {
        let libm = |y: f64| y.ceil().clamp(-1e6, 1e6) as i32;
        let mut ys = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.0,
            -1.0,
            1.0 + f64::EPSILON,
            -1.0 - f64::EPSILON,
            1e6,
            -1e6,
            1e6 - 0.5,
            -1e6 + 0.5,
            2e6,
            -2e6,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        for i in 0..=20_000 {
            let y = (i as f64 - 10_000.0) * 0.37;
            ys.extend([y, y.next_up(), y.next_down()]);
        }
        for y in ys {
            assert_eq!(ceil_to_key(y.clamp(-1e6, 1e6)), libm(y), "y = {y:e}");
        }
        // And the keys of values over the whole positive range.
        let mut x = f64::MIN_POSITIVE * 1.5;
        while x < f64::MAX / 1.1 {
            assert_eq!(bucket_of(x), libm(x.ln() / gamma_ln()), "x = {x:e}");
            x *= 1.093;
        }
    }

    #[test]
    fn limb_scales_are_the_powers_of_two() {
        for i in 0..EXACT_LIMBS {
            let p = 2f64.powi(EXACT_LOW_EXP + 32 * i as i32);
            assert_eq!(limb_scale(i).to_bits(), p.to_bits(), "limb {i}");
        }
        // normalize's carry: a shift and a mask are div_euclid and
        // rem_euclid by 2^32.
        for x in [
            0i64,
            1,
            -1,
            1 << 32,
            -(1 << 32),
            (1 << 32) - 1,
            -(1 << 32) - 1,
            1 << 62,
        ]
        .into_iter()
        .chain((0..1000).map(|i| (i * 7_919_003_337i64) ^ -(i << 20)))
        {
            assert_eq!(x >> 32, x.div_euclid(1 << 32), "{x}");
            assert_eq!(x & 0xffff_ffff, x.rem_euclid(1 << 32), "{x}");
        }
    }

    #[test]
    fn moments_match_two_pass() {
        let xs: Vec<f64> = (0..1000)
            .map(|i| ((i * 7919) % 1000) as f64 / 10.0)
            .collect();
        let mut w = Moments::default();
        xs.iter().for_each(|&x| w.push(x));
        let mean = xs.iter().sum::<f64>() / xs.len() as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (xs.len() - 1) as f64;
        assert!((w.mean() - mean).abs() < 1e-9);
        assert!((w.sd() - var.sqrt()).abs() < 1e-9);
    }

    #[test]
    fn exact_sum_is_order_and_grouping_independent() {
        // Values of wildly different magnitudes, where f64 summation order
        // matters.
        let xs: Vec<f64> = (0..2000)
            .map(|i| ((i as f64) * 0.731).sin() * 10f64.powi((i % 40) - 20))
            .collect();
        let mut forward = ExactSum::default();
        xs.iter().for_each(|&x| forward.add(x));
        let mut backward = ExactSum::default();
        xs.iter().rev().for_each(|&x| backward.add(x));
        let (mut a, mut b) = (ExactSum::default(), ExactSum::default());
        for (i, &x) in xs.iter().enumerate() {
            if i % 3 == 0 {
                a.add(x)
            } else {
                b.add(x)
            }
        }
        b.merge(&a);
        assert_eq!(forward.value().to_bits(), backward.value().to_bits());
        assert_eq!(forward.value().to_bits(), b.value().to_bits());
        let naive: f64 = xs.iter().sum();
        assert!((forward.value() - naive).abs() <= 1e-12 * naive.abs().max(1.0));
        let mut d = ExactSum::default();
        d.add(0.0);
        assert_eq!(d.value(), 0.0);
    }

    #[test]
    fn t_quantiles() {
        assert_eq!(t975(1), 12.706);
        assert!((t975(100) - 1.984).abs() < 1e-3);
        assert!((t975(1_000_000) - 1.960).abs() < 1e-3);
    }

    #[test]
    fn sketch_quantiles_within_relative_accuracy() {
        // Values spanning 6 orders of magnitude, both signs and zeros.
        let mut xs: Vec<f64> = (1..=10_000)
            .map(|i| (i as f64).powf(1.5) * if i % 3 == 0 { -1.0 } else { 1.0 })
            .collect();
        xs.extend([0.0; 50]);
        let mut s = QuantileSketch::default();
        xs.iter().for_each(|&x| s.push(x));
        xs.sort_by(f64::total_cmp);
        for q in [0.0, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0] {
            let h = q * (xs.len() - 1) as f64;
            let (lo, hi) = (h.floor() as usize, h.ceil() as usize);
            let exact = xs[lo] + (h - lo as f64) * (xs[hi] - xs[lo]);
            let got = s.quantile(q).unwrap();
            assert!(
                (got - exact).abs() <= SKETCH_RELATIVE_ACCURACY * exact.abs() + 1e-12,
                "q={q} exact={exact} got={got}"
            );
        }
    }

    #[test]
    fn collapsing_is_order_independent() {
        // Values spanning far more than SKETCH_MAX_BUCKETS buckets, in an
        // order that adds low keys both before and after the collapse.
        let xs: Vec<f64> = (0..3000)
            .map(|i| 10f64.powf(((i * 37) % 97) as f64 - 48.0) * (1.0 + i as f64 / 7.0))
            .collect();
        let mut a = QuantileSketch::default();
        xs.iter().for_each(|&x| a.push(x));
        let mut b = QuantileSketch::default();
        xs.iter().rev().for_each(|&x| b.push(x));
        let (mut c, mut d) = (QuantileSketch::default(), QuantileSketch::default());
        for (i, &x) in xs.iter().enumerate() {
            if i % 2 == 0 {
                c.push(x)
            } else {
                d.push(x)
            }
        }
        d.merge(&c);
        assert_eq!(a, b);
        assert_eq!(a, d);
        assert!(a.positive.span() <= SKETCH_MAX_BUCKETS);
        // High quantiles are still accurate.
        let mut sorted = xs.clone();
        sorted.sort_by(f64::total_cmp);
        let exact = sorted[sorted.len() - 1];
        assert!((a.quantile(1.0).unwrap() / exact - 1.0).abs() <= SKETCH_RELATIVE_ACCURACY);
    }

    #[test]
    fn sketches_and_sums_round_trip_sparse() {
        let mut s = QuantileSketch::default();
        for x in [1.0, 1e3, 1e3, -5.0, 0.0, 2e6] {
            s.push(x);
        }
        let mut m = Moments::default();
        [1.5, -2.25, 1e300].iter().for_each(|&x| m.push(x));
        let bytes = postcard::to_allocvec(&(&s, &m)).unwrap();
        let back: (QuantileSketch, Moments) = postcard::from_bytes(&bytes).unwrap();
        assert_eq!(back, (s.clone(), m));
        // Sparse: far fewer bytes than the dense buckets.
        let dense = s.positive.span() * 4;
        assert!(postcard::to_allocvec(&s.positive).unwrap().len() * 20 < dense);
        // Out-of-range buckets and sums are refused, not trusted.
        let bad = buckets::SparseStore {
            offset: 0,
            len: 3,
            nonzero: vec![(1, 2), (1, 1)],
        };
        let b = postcard::to_allocvec(&bad).unwrap();
        assert!(postcard::from_bytes::<BucketStore>(&b).is_err());
        let mut sum = ExactSum::default();
        sum.limbs[3] = i64::MAX;
        let b = postcard::to_allocvec(&sum).unwrap();
        assert!(postcard::from_bytes::<ExactSum>(&b).is_err());
    }

    #[test]
    fn ends_and_small_samples_are_exact() {
        // One value: every quantile is it (the bucket alone would give
        // 89,776.86 or so for 90,000: 0.25 % off).
        let mut one = QuantileSketch::default();
        one.push(90_000.0);
        for q in [0.0, 0.05, 0.5, 0.95, 1.0] {
            assert_eq!(one.quantile(q), Some(90_000.0));
        }
        // Two values: linear interpolation between them, exactly.
        let mut two = QuantileSketch::default();
        two.push(3.0);
        two.push(-1.0);
        assert_eq!(two.quantile(0.0), Some(-1.0));
        assert_eq!(two.quantile(0.25), Some(0.0));
        assert_eq!(two.quantile(1.0), Some(3.0));
        // A constant cell of many runs: exact, not the bucket's value.
        let mut same = QuantileSketch::default();
        (0..100).for_each(|_| same.push(88_684.0));
        assert_eq!(same.quantile(0.05), Some(88_684.0));
        assert_eq!(same.quantile(0.5), Some(88_684.0));
        // Many values: the ends exact, the rest within the range and 0.5 %.
        let xs: Vec<f64> = (1..=1000).map(|i| 10.0 + i as f64 * 0.37).collect();
        let mut many = QuantileSketch::default();
        xs.iter().for_each(|&x| many.push(x));
        assert_eq!(many.quantile(0.0), Some(xs[0]));
        assert_eq!(many.quantile(1.0), Some(xs[999]));
        for q in [0.01, 0.05, 0.5, 0.95, 0.99] {
            let v = many.quantile(q).unwrap();
            assert!(v >= xs[0] && v <= xs[999]);
            let h = q * 999.0;
            let exact = xs[h.floor() as usize]
                + (h - h.floor()) * (xs[h.ceil() as usize] - xs[h.floor() as usize]);
            assert!(
                (v - exact).abs() <= 0.005 * exact + 0.37,
                "q {q}: {v} vs {exact}"
            );
        }
        // Merging keeps the exact ends, in any order, and an empty side
        // changes nothing.
        let (mut a, mut b) = (QuantileSketch::default(), QuantileSketch::default());
        xs[..500].iter().for_each(|&x| a.push(x));
        xs[500..].iter().for_each(|&x| b.push(x));
        let (mut ab, mut ba) = (a.clone(), b.clone());
        ab.merge(&b);
        ba.merge(&a);
        assert_eq!(ab, ba);
        assert_eq!(ab, many);
        let mut e = QuantileSketch::default();
        e.merge(&one);
        assert_eq!(e, one);
        let mut o = one.clone();
        o.merge(&QuantileSketch::default());
        assert_eq!(o, one);
    }

    #[test]
    fn merge_is_order_independent() {
        let mut a = QuantileSketch::default();
        let mut b = QuantileSketch::default();
        let mut all = QuantileSketch::default();
        for i in 0..500 {
            let x = (i as f64 * 1.37).sin() * 100.0;
            if i % 2 == 0 {
                a.push(x)
            } else {
                b.push(x)
            }
            all.push(x);
        }
        let mut ab = a.clone();
        ab.merge(&b);
        let mut ba = b.clone();
        ba.merge(&a);
        assert_eq!(ab, ba);
        assert_eq!(ab, all);
    }
}
