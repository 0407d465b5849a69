//! The bucket counts of a [`super::QuantileSketch`]: integer counts per
//! logarithmic bucket key, held densely (an array over a key range) or
//! sparsely (the non-zero keys only), whichever is smaller.
//!
//! The representation changes nothing a caller can see: the non-zero
//! `(key, count)` pairs, the serialised bytes and equality depend only on
//! the values added, never on the order or on which form holds them. It
//! bounds memory by the number of distinct buckets instead of their
//! spread: a few runs of a metric spanning many decades (a 100-year GBM
//! price) used to take 4 bytes for every bucket between the extremes,
//! about 10 KB a cell, and a 20-run batch of 100,000 steps 15 GB.
//!
//! Bound: a store takes at most [`BYTES_PER_BUCKET`] bytes per non-zero
//! bucket, spare capacity included (a sparse entry is 8 bytes in a vector
//! at most twice its length; the dense form is kept only while its
//! capacity is at most 4 buckets per non-zero one).

use serde::{Deserialize, Serialize};

/// Most buckets a store spans; beyond that the lowest buckets are
/// collapsed into one (DDSketch's rule), which only affects quantiles
/// below the collapse point. At 0.5 % accuracy 4096 buckets span a factor
/// of about e^41 between the smallest and largest value, so collapsing
/// does not happen with physical quantities.
pub const SKETCH_MAX_BUCKETS: usize = 4096;

/// Upper bound of a store's heap bytes per non-zero bucket (see the
/// module documentation).
pub const BYTES_PER_BUCKET: u64 = 16;

/// Highest key offset below the largest key that is still kept apart.
const SPAN_LAST: i32 = SKETCH_MAX_BUCKETS as i32 - 1;

#[derive(Debug, Clone)]
pub(super) enum BucketStore {
    /// The non-zero buckets as `(key, count)`, keys ascending.
    Sparse(Vec<(i32, u32)>),
    /// Counts of the keys `offset ..`; the first and last count are
    /// non-zero, `nonzero` counts the non-zero ones.
    Dense {
        offset: i32,
        counts: Vec<u32>,
        nonzero: usize,
    },
}

impl Default for BucketStore {
    fn default() -> Self {
        BucketStore::Sparse(Vec::new())
    }
}

impl PartialEq for BucketStore {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

/// The non-zero buckets of a store, ascending (either form).
pub(super) enum Iter<'a> {
    Sparse(std::slice::Iter<'a, (i32, u32)>),
    Dense {
        offset: i32,
        counts: std::iter::Enumerate<std::slice::Iter<'a, u32>>,
    },
}

impl Iterator for Iter<'_> {
    type Item = (i32, u64);
    fn next(&mut self) -> Option<(i32, u64)> {
        match self {
            Iter::Sparse(it) => it.next().map(|&(k, c)| (k, c as u64)),
            Iter::Dense { offset, counts } => counts
                .find(|(_, &c)| c > 0)
                .map(|(i, &c)| (*offset + i as i32, c as u64)),
        }
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<(i32, u64)> {
        match self {
            Iter::Sparse(it) => it.next_back().map(|&(k, c)| (k, c as u64)),
            Iter::Dense { offset, counts } => counts
                .rfind(|(_, &c)| c > 0)
                .map(|(i, &c)| (*offset + i as i32, c as u64)),
        }
    }
}

/// The serialised form of a store: the first non-zero key, the span of
/// keys to the last non-zero one, and the non-zero buckets as
/// `(gap, count)` pairs, `gap` being the number of zero buckets before
/// this one since the previous non-zero one. (The same bytes as partial
/// format 3's dense stores, which never had zeros at either end.)
#[derive(Serialize, Deserialize)]
pub(super) struct SparseStore {
    pub(super) offset: i32,
    pub(super) len: u32,
    pub(super) nonzero: Vec<(u32, u32)>,
}

impl Serialize for BucketStore {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (first, last) = match (self.iter().next(), self.iter().next_back()) {
            (Some((f, _)), Some((l, _))) => (f, l),
            _ => (0, -1),
        };
        let mut nonzero = Vec::with_capacity(self.nonzero());
        let mut next = first;
        for (k, c) in self.iter() {
            nonzero.push(((k - next) as u32, c as u32));
            next = k + 1;
        }
        SparseStore {
            offset: first,
            len: (last - first + 1) as u32,
            nonzero,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for BucketStore {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let sparse = SparseStore::deserialize(d)?;
        let len = sparse.len as usize;
        // Keys are clamped to ±10^6 (`bucket_of`).
        if sparse.offset.unsigned_abs() > 2_000_000 || len > SKETCH_MAX_BUCKETS {
            return Err(D::Error::custom(format!(
                "sketch of {len} buckets from key {}: out of range",
                sparse.offset
            )));
        }
        let mut pairs = Vec::with_capacity(sparse.nonzero.len().min(len));
        let mut next = 0usize;
        for (gap, c) in sparse.nonzero {
            let i = next.saturating_add(gap as usize);
            if i >= len || c == 0 {
                return Err(D::Error::custom("sketch buckets out of range"));
            }
            pairs.push((sparse.offset + i as i32, c));
            next = i + 1;
        }
        let mut store = BucketStore::Sparse(pairs);
        store.settle_sparse();
        Ok(store)
    }
}

/// Grows `counts` for `additional` more entries by at most a quarter of
/// the new length beyond what is needed (so the dense form's spare
/// capacity stays within the bound).
fn reserve(counts: &mut Vec<u32>, additional: usize) {
    let needed = counts.len() + additional;
    if needed > counts.capacity() {
        counts.reserve_exact(needed + needed / 4 - counts.len());
    }
}

impl BucketStore {
    pub(super) fn add(&mut self, key: i32, count: u32) {
        if count == 0 {
            return;
        }
        match self {
            BucketStore::Sparse(pairs) => {
                add_sparse(pairs, key, count);
                self.settle_sparse();
            }
            BucketStore::Dense {
                offset,
                counts,
                nonzero,
            } => {
                let max_key = *offset + counts.len() as i32 - 1;
                let mut grew = false;
                if key < *offset {
                    // Keys below `max key − (cap − 1)` collapse into that
                    // bucket.
                    let lowest = key.max(max_key - SPAN_LAST);
                    if lowest < *offset {
                        let grow = (*offset - lowest) as usize;
                        reserve(counts, grow);
                        counts.splice(0..0, std::iter::repeat_n(0, grow));
                        *offset = lowest;
                        grew = true;
                    }
                } else if key > max_key {
                    let len = (key - *offset) as usize + 1;
                    reserve(counts, len - counts.len());
                    counts.resize(len, 0);
                    grew = true;
                    if counts.len() > SKETCH_MAX_BUCKETS {
                        // Collapse the lowest buckets into the new lowest.
                        let excess = counts.len() - SKETCH_MAX_BUCKETS;
                        let low: u32 = counts[..=excess]
                            .iter()
                            .fold(0u32, |a, &c| a.saturating_add(c));
                        counts.drain(..excess);
                        counts[0] = low;
                        *offset += excess as i32;
                        *nonzero = counts.iter().filter(|&&c| c > 0).count();
                    }
                }
                let k = (key.max(*offset) - *offset) as usize;
                if counts[k] == 0 {
                    *nonzero += 1;
                }
                counts[k] = counts[k].saturating_add(count);
                if grew && counts.capacity() > 4 * *nonzero {
                    let pairs = self.iter().map(|(k, c)| (k, c as u32)).collect();
                    *self = BucketStore::Sparse(pairs);
                }
            }
        }
    }

    /// Adds one count for each of `keys`, which are sorted ascending
    /// (repeats allowed): the same store as adding them one at a time, in
    /// one merge instead of a search and an insertion per key.
    pub(super) fn add_sorted(&mut self, keys: &[i32]) {
        debug_assert!(keys.windows(2).all(|w| w[0] <= w[1]));
        let BucketStore::Sparse(pairs) = self else {
            for_each_run(keys, |k, c| self.add(k, c));
            return;
        };
        let (Some(&first), Some(&last)) = (keys.first(), keys.last()) else {
            return;
        };
        let max_key = pairs.last().map_or(last, |&(k, _)| k.max(last));
        let floor = max_key - SPAN_LAST;
        if first < floor || pairs.first().is_some_and(|&(k, _)| k < floor) {
            // Something collapses: the general rule, key by key.
            for_each_run(keys, |k, c| add_sparse(pairs, k, c));
            self.settle_sparse();
            return;
        }
        // Keys not in the store yet, then a merge from the back into the
        // room made for them.
        let mut fresh = 0;
        let mut i = 0;
        for_each_run(keys, |k, _| {
            while i < pairs.len() && pairs[i].0 < k {
                i += 1;
            }
            if i == pairs.len() || pairs[i].0 != k {
                fresh += 1;
            }
        });
        let old = pairs.len();
        pairs.resize(old + fresh, (0, 0));
        let (mut src, mut dst, mut key_end) = (old, old + fresh, keys.len());
        while key_end > 0 {
            let k = keys[key_end - 1];
            let mut key_start = key_end - 1;
            while key_start > 0 && keys[key_start - 1] == k {
                key_start -= 1;
            }
            let c = (key_end - key_start) as u32;
            while src > 0 && pairs[src - 1].0 > k {
                src -= 1;
                dst -= 1;
                pairs[dst] = pairs[src];
            }
            dst -= 1;
            if src > 0 && pairs[src - 1].0 == k {
                src -= 1;
                pairs[dst] = (k, pairs[src].1.saturating_add(c));
            } else {
                pairs[dst] = (k, c);
            }
            key_end = key_start;
        }
        debug_assert_eq!(src, dst, "the rest of the store is in place");
        self.settle_sparse();
    }

    /// Turns a sparse store dense once the dense form is no larger (its
    /// span at most twice the non-zero buckets).
    fn settle_sparse(&mut self) {
        let BucketStore::Sparse(pairs) = self else {
            return;
        };
        let (Some(&(first, _)), Some(&(last, _))) = (pairs.first(), pairs.last()) else {
            return;
        };
        let span = (last - first) as usize + 1;
        if span <= 2 * pairs.len() {
            let mut counts = vec![0u32; span];
            for &(k, c) in pairs.iter() {
                counts[(k - first) as usize] = c;
            }
            *self = BucketStore::Dense {
                offset: first,
                nonzero: pairs.len(),
                counts,
            };
        }
    }

    pub(super) fn merge(&mut self, other: &BucketStore) {
        for (k, c) in other.iter() {
            self.add(k, c as u32);
        }
    }

    /// `(key, count)` pairs with a non-zero count, ascending.
    pub(super) fn iter(&self) -> Iter<'_> {
        match self {
            BucketStore::Sparse(pairs) => Iter::Sparse(pairs.iter()),
            BucketStore::Dense { offset, counts, .. } => Iter::Dense {
                offset: *offset,
                counts: counts.iter().enumerate(),
            },
        }
    }

    pub(super) fn last_key(&self) -> Option<i32> {
        self.iter().next_back().map(|(k, _)| k)
    }

    /// Number of non-zero buckets.
    pub(super) fn nonzero(&self) -> usize {
        match self {
            BucketStore::Sparse(pairs) => pairs.len(),
            BucketStore::Dense { nonzero, .. } => *nonzero,
        }
    }

    /// Keys from the first to the last non-zero bucket (0 when empty).
    #[cfg(test)]
    pub(super) fn span(&self) -> usize {
        match (self.iter().next(), self.last_key()) {
            (Some((f, _)), Some(l)) => (l - f) as usize + 1,
            _ => 0,
        }
    }

    /// Heap bytes held (capacity, not length).
    #[cfg(test)]
    pub(super) fn heap_bytes(&self) -> usize {
        match self {
            BucketStore::Sparse(pairs) => pairs.capacity() * std::mem::size_of::<(i32, u32)>(),
            BucketStore::Dense { counts, .. } => counts.capacity() * std::mem::size_of::<u32>(),
        }
    }

    #[cfg(test)]
    pub(super) fn is_dense(&self) -> bool {
        matches!(self, BucketStore::Dense { .. })
    }
}

/// Calls `f(key, count)` for each run of equal keys of sorted `keys`.
fn for_each_run(keys: &[i32], mut f: impl FnMut(i32, u32)) {
    let mut i = 0;
    while i < keys.len() {
        let mut j = i + 1;
        while j < keys.len() && keys[j] == keys[i] {
            j += 1;
        }
        f(keys[i], (j - i) as u32);
        i = j;
    }
}

/// Adds to a sparse store with the dense form's collapsing rule: every key
/// ends in bucket `max(key, largest key − (cap − 1))`.
fn add_sparse(pairs: &mut Vec<(i32, u32)>, key: i32, count: u32) {
    let Some(&(max_key, _)) = pairs.last() else {
        pairs.push((key, count));
        return;
    };
    if key > max_key {
        let floor = key - SPAN_LAST;
        if pairs[0].0 < floor {
            let n = pairs.partition_point(|&(k, _)| k <= floor);
            let low = pairs[..n]
                .iter()
                .fold(0u32, |a, &(_, c)| a.saturating_add(c));
            pairs.splice(..n, [(floor, low)]);
            // Keep the spare capacity within the bound.
            pairs.shrink_to(2 * pairs.len() + 2);
        }
        pairs.push((key, count));
        return;
    }
    let key = key.max(max_key - SPAN_LAST);
    match pairs.binary_search_by_key(&key, |&(k, _)| k) {
        Ok(i) => pairs[i].1 = pairs[i].1.saturating_add(count),
        Err(i) => pairs.insert(i, (key, count)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{RngExt, SeedableRng};

    /// The dense rule written out: every key in bucket
    /// `max(key, largest − (cap − 1))`.
    fn reference(keys: &[(i32, u32)]) -> Vec<(i32, u64)> {
        let max = keys.iter().map(|&(k, _)| k).max();
        let mut out = std::collections::BTreeMap::new();
        for &(k, c) in keys {
            let k = k.max(max.unwrap() - SPAN_LAST);
            *out.entry(k).or_insert(0u64) += c as u64;
        }
        out.into_iter().collect()
    }

    #[test]
    fn sorted_batches_give_the_store_of_single_adds() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        for case in 0..600 {
            // Narrow spreads stay dense, wide ones sparse, the widest
            // collapse; batches of 1 to 64 keys onto stores of any size.
            let spread = [5, 60, 2_000, 6_000][case % 4];
            let centre = rng.random_range(-spread..=spread);
            let mut one = BucketStore::default();
            let mut batched = BucketStore::default();
            let mut all = Vec::new();
            for _ in 0..[1, 2, 8][(case / 4) % 3] {
                let n = rng.random_range(1..=64);
                let mut keys: Vec<i32> = (0..n)
                    .map(|_| centre + rng.random_range(-spread..=spread))
                    .collect();
                keys.iter().for_each(|&k| one.add(k, 1));
                keys.sort_unstable();
                batched.add_sorted(&keys);
                all.extend(keys.iter().map(|&k| (k, 1)));
                assert_eq!(
                    batched.iter().collect::<Vec<_>>(),
                    one.iter().collect::<Vec<_>>(),
                    "case {case}"
                );
                assert_eq!(batched.iter().collect::<Vec<_>>(), reference(&all));
                assert!(
                    batched.heap_bytes() as u64 <= BYTES_PER_BUCKET * batched.nonzero() as u64,
                    "case {case}: {} bytes for {} buckets",
                    batched.heap_bytes(),
                    batched.nonzero()
                );
            }
        }
    }

    #[test]
    fn both_forms_count_as_the_rule_says_in_any_order() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        for case in 0..400 {
            // Narrow, wide and beyond-the-cap spreads, few and many keys.
            let spread = [10, 300, 3_000, 9_000][case % 4];
            let n = [1, 3, 40, 700][(case / 4) % 4];
            let keys: Vec<(i32, u32)> = (0..n)
                .map(|_| (rng.random_range(-spread..=spread), rng.random_range(1..4)))
                .collect();
            let mut a = BucketStore::default();
            keys.iter().for_each(|&(k, c)| a.add(k, c));
            let mut b = BucketStore::default();
            keys.iter().rev().for_each(|&(k, c)| b.add(k, c));
            // Merged from two halves, both ways round.
            let (mut l, mut r) = (BucketStore::default(), BucketStore::default());
            for (i, &(k, c)) in keys.iter().enumerate() {
                if i % 3 == 0 {
                    l.add(k, c)
                } else {
                    r.add(k, c)
                }
            }
            let mut lr = l.clone();
            lr.merge(&r);
            r.merge(&l);
            let want = reference(&keys);
            for s in [&a, &b, &lr, &r] {
                assert_eq!(s.iter().collect::<Vec<_>>(), want, "case {case}");
                assert!(s.span() <= SKETCH_MAX_BUCKETS);
                assert!(
                    s.heap_bytes() as u64 <= BYTES_PER_BUCKET * s.nonzero() as u64,
                    "case {case}: {} bytes for {} buckets (dense {})",
                    s.heap_bytes(),
                    s.nonzero(),
                    s.is_dense()
                );
                // The same bytes whichever form and order.
                assert_eq!(
                    postcard::to_allocvec(s).unwrap(),
                    postcard::to_allocvec(&a).unwrap()
                );
            }
            assert_eq!(a, lr);
        }
    }

    #[test]
    fn a_wide_few_valued_store_is_sparse_and_a_crowded_one_dense() {
        let mut wide = BucketStore::default();
        for k in [-3_000, 0, 2_000, 4_000] {
            wide.add(k, 1);
        }
        assert!(!wide.is_dense());
        assert!(wide.heap_bytes() <= 64);
        let mut crowded = BucketStore::default();
        (0..200).for_each(|k| crowded.add(k % 50, 1));
        assert!(crowded.is_dense());
        // A far outlier turns a dense store sparse again.
        crowded.add(4_000, 1);
        assert!(!crowded.is_dense());
        assert_eq!(crowded.nonzero(), 51);
    }
}
