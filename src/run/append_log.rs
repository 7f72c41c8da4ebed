//! An append-only list whose clones share their memory.
//!
//! A replayed state grows with the journal, and the runner keeps two of
//! them (what is saved, and what is shown while entries are saving): the
//! second must not copy the first. Items live in fixed-size chunks behind
//! `Arc`s, so a clone copies only the chunk pointers, and a change through
//! one clone copies only the chunk it touches: a push copies at most the
//! last chunk, `get_mut` the chunk of its item.

use std::fmt;
use std::ops::Index;
use std::sync::Arc;

/// Items per chunk. A shared chunk is copied whole on its first change, so
/// it stays small; every chunk but the last is full, so an index finds its
/// chunk by division.
const CHUNK: usize = 256;

/// An append-only list of `T`, cheap to clone (see the module docs).
pub struct AppendLog<T> {
    chunks: Vec<Arc<Vec<T>>>,
    len: usize,
}

impl<T> AppendLog<T> {
    pub const fn new() -> Self {
        Self {
            chunks: Vec::new(),
            len: 0,
        }
    }

    pub const fn len(&self) -> usize {
        self.len
    }

    pub const fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn get(&self, index: usize) -> Option<&T> {
        self.chunks
            .get(index / CHUNK)
            .and_then(|chunk| chunk.get(index % CHUNK))
    }

    pub fn first(&self) -> Option<&T> {
        self.chunks.first().and_then(|chunk| chunk.first())
    }

    pub fn last(&self) -> Option<&T> {
        self.chunks.last().and_then(|chunk| chunk.last())
    }

    /// The items in order; `.rev()` reads them newest first.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter {
            front: [].iter(),
            chunks: self.chunks.iter(),
            back: [].iter(),
            remaining: self.len,
        }
    }

    /// The index of the first item that `matches`: a scan of each chunk
    /// as a slice, as fast as one over a `Vec`.
    pub fn position(&self, matches: impl Fn(&T) -> bool) -> Option<usize> {
        self.chunks.iter().enumerate().find_map(|(i, chunk)| {
            chunk
                .iter()
                .position(&matches)
                .map(|offset| i * CHUNK + offset)
        })
    }

    /// The index of the first item whose key is `key`, in a list whose
    /// items' keys never decrease (as `seq` never does in a replay): a
    /// binary search, where [`Self::position`] reads every item.
    pub fn position_by_key<K: Ord>(&self, key: &K, key_of: impl Fn(&T) -> K) -> Option<usize> {
        // The first chunk whose last key reaches `key` holds the first
        // item with that key, if any does.
        let chunk = self
            .chunks
            .partition_point(|chunk| chunk.last().is_some_and(|last| key_of(last) < *key));
        let items = self.chunks.get(chunk)?;
        let offset = items.partition_point(|item| key_of(item) < *key);
        let found = items.get(offset)?;
        (key_of(found) == *key).then_some(chunk * CHUNK + offset)
    }

    /// The chunks, to check in tests which ones two clones share.
    #[cfg(test)]
    fn chunks(&self) -> &[Arc<Vec<T>>] {
        &self.chunks
    }
}

impl<T: Clone> AppendLog<T> {
    /// Adds an item at the end, copying the last chunk first if another
    /// clone shares it.
    pub fn push(&mut self, item: T) {
        self.len += 1;
        if let Some(last) = self.chunks.last_mut()
            && last.len() < CHUNK
        {
            if let Some(items) = Arc::get_mut(last) {
                items.push(item);
            } else {
                // Room for the item and some more, without paying for a
                // whole chunk on a short list.
                let mut items = Vec::with_capacity((last.len() * 2).clamp(4, CHUNK));
                items.extend_from_slice(last);
                items.push(item);
                *last = Arc::new(items);
            }
            return;
        }
        // A list that outgrew one chunk is long: its next chunks are made
        // whole at once, rather than grown (and copied) in steps.
        let mut items = Vec::with_capacity(if self.chunks.is_empty() { 1 } else { CHUNK });
        items.push(item);
        self.chunks.push(Arc::new(items));
    }

    /// The item at `index`, to change it: its chunk is copied first if
    /// another clone shares it (and no other chunk is).
    pub fn get_mut(&mut self, index: usize) -> Option<&mut T> {
        let chunk = self.chunks.get_mut(index / CHUNK)?;
        if index % CHUNK >= chunk.len() {
            return None;
        }
        Arc::make_mut(chunk).get_mut(index % CHUNK)
    }

    /// The first item that `matches`, to change it (copies its chunk only).
    pub fn find_mut(&mut self, matches: impl Fn(&T) -> bool) -> Option<&mut T> {
        let index = self.position(matches)?;
        self.get_mut(index)
    }

    /// The last item that `matches`, to change it (copies its chunk only).
    pub fn rfind_mut(&mut self, matches: impl Fn(&T) -> bool) -> Option<&mut T> {
        let index = self.iter().rposition(matches)?;
        self.get_mut(index)
    }

    /// Changes every item that `matches`; only the chunks holding one are
    /// copied.
    pub fn update_where(&mut self, matches: impl Fn(&T) -> bool, mut change: impl FnMut(&mut T)) {
        for chunk in &mut self.chunks {
            if chunk.iter().any(&matches) {
                Arc::make_mut(chunk)
                    .iter_mut()
                    .filter(|item| matches(item))
                    .for_each(&mut change);
            }
        }
    }
}

impl<T> Default for AppendLog<T> {
    fn default() -> Self {
        Self::new()
    }
}

/// Copies the chunk pointers: the items stay shared.
impl<T> Clone for AppendLog<T> {
    fn clone(&self) -> Self {
        Self {
            chunks: self.chunks.clone(),
            len: self.len,
        }
    }
}

/// Shown as a list, as a `Vec` is.
impl<T: fmt::Debug> fmt::Debug for AppendLog<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: PartialEq> PartialEq for AppendLog<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len
            && self
                .chunks
                .iter()
                .zip(&other.chunks)
                .all(|(a, b)| Arc::ptr_eq(a, b) || a == b)
    }
}

impl<T: Eq> Eq for AppendLog<T> {}

impl<T: PartialEq> PartialEq<Vec<T>> for AppendLog<T> {
    fn eq(&self, other: &Vec<T>) -> bool {
        self.len == other.len() && self.iter().eq(other)
    }
}

impl<T> Index<usize> for AppendLog<T> {
    type Output = T;

    fn index(&self, index: usize) -> &T {
        match self.get(index) {
            Some(item) => item,
            None => panic!(
                "index out of bounds: the len is {} but the index is {index}",
                self.len
            ),
        }
    }
}

impl<T: Clone> Extend<T> for AppendLog<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for item in items {
            self.push(item);
        }
    }
}

impl<T: Clone> FromIterator<T> for AppendLog<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let mut log = Self::new();
        log.extend(items);
        log
    }
}

impl<'a, T> IntoIterator for &'a AppendLog<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

/// The items of an [`AppendLog`], in order or (`.rev()`) newest first.
/// Reads run over one chunk's slice at a time, so a scan costs what a
/// scan of a `Vec` does.
pub struct Iter<'a, T> {
    /// The chunk being read from the front.
    front: std::slice::Iter<'a, T>,
    /// The chunks not started from either end.
    chunks: std::slice::Iter<'a, Arc<Vec<T>>>,
    /// The chunk being read from the back.
    back: std::slice::Iter<'a, T>,
    remaining: usize,
}

impl<T> Clone for Iter<'_, T> {
    fn clone(&self) -> Self {
        Self {
            front: self.front.clone(),
            chunks: self.chunks.clone(),
            back: self.back.clone(),
            remaining: self.remaining,
        }
    }
}

impl<T: fmt::Debug> fmt::Debug for Iter<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.clone()).finish()
    }
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;

    #[inline]
    fn next(&mut self) -> Option<&'a T> {
        loop {
            if let Some(item) = self.front.next() {
                self.remaining -= 1;
                return Some(item);
            }
            let Some(chunk) = self.chunks.next() else {
                let item = self.back.next()?;
                self.remaining -= 1;
                return Some(item);
            };
            self.front = chunk.iter();
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }

    /// Searches chunk by chunk, with the slices' own search (`filter`
    /// goes through it).
    fn find<P: FnMut(&&'a T) -> bool>(&mut self, mut predicate: P) -> Option<&'a T> {
        loop {
            let before = self.front.len();
            let found = self.front.find(&mut predicate);
            self.remaining -= before - self.front.len();
            if found.is_some() {
                return found;
            }
            let Some(chunk) = self.chunks.next() else {
                let before = self.back.len();
                let found = self.back.find(&mut predicate);
                self.remaining -= before - self.back.len();
                return found;
            };
            self.front = chunk.iter();
        }
    }

    /// Folds chunk by chunk (for `for_each`, `count`, `collect`...).
    fn fold<B, F: FnMut(B, &'a T) -> B>(self, init: B, mut f: F) -> B {
        let mut acc = self.front.fold(init, &mut f);
        for chunk in self.chunks {
            acc = chunk.iter().fold(acc, &mut f);
        }
        self.back.fold(acc, f)
    }
}

impl<'a, T> DoubleEndedIterator for Iter<'a, T> {
    #[inline]
    fn next_back(&mut self) -> Option<&'a T> {
        loop {
            if let Some(item) = self.back.next_back() {
                self.remaining -= 1;
                return Some(item);
            }
            let Some(chunk) = self.chunks.next_back() else {
                let item = self.front.next_back()?;
                self.remaining -= 1;
                return Some(item);
            };
            self.back = chunk.iter();
        }
    }

    fn rfind<P: FnMut(&&'a T) -> bool>(&mut self, mut predicate: P) -> Option<&'a T> {
        loop {
            let before = self.back.len();
            let found = self.back.rfind(&mut predicate);
            self.remaining -= before - self.back.len();
            if found.is_some() {
                return found;
            }
            let Some(chunk) = self.chunks.next_back() else {
                let before = self.front.len();
                let found = self.front.rfind(&mut predicate);
                self.remaining -= before - self.front.len();
                return found;
            };
            self.back = chunk.iter();
        }
    }

    fn rfold<B, F: FnMut(B, &'a T) -> B>(self, init: B, mut f: F) -> B {
        let mut acc = self.back.rfold(init, &mut f);
        for chunk in self.chunks.rev() {
            acc = chunk.iter().rfold(acc, &mut f);
        }
        self.front.rfold(acc, f)
    }
}

impl<T> ExactSizeIterator for Iter<'_, T> {}

impl<T> std::iter::FusedIterator for Iter<'_, T> {}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use proptest::prelude::*;

    use super::{AppendLog, CHUNK};

    fn log_of(n: usize) -> AppendLog<usize> {
        (0..n).collect()
    }

    #[test]
    fn pushes_fill_each_chunk_before_starting_the_next() {
        let log = log_of(2 * CHUNK + 3);
        let sizes: Vec<usize> = log.chunks().iter().map(|c| c.len()).collect();
        assert_eq!(sizes, vec![CHUNK, CHUNK, 3]);
        assert_eq!(log.len(), 2 * CHUNK + 3);
        for i in [0, CHUNK - 1, CHUNK, 2 * CHUNK, 2 * CHUNK + 2] {
            assert_eq!(log[i], i);
            assert_eq!(log.get(i), Some(&i));
        }
        assert_eq!(log.get(2 * CHUNK + 3), None);
        assert_eq!(log.first(), Some(&0));
        assert_eq!(log.last(), Some(&(2 * CHUNK + 2)));
    }

    #[test]
    fn a_log_past_its_first_chunk_makes_the_next_ones_whole() {
        let short = log_of(3);
        assert!(short.chunks()[0].capacity() < CHUNK);
        let long = log_of(CHUNK + 1);
        assert_eq!(long.chunks()[1].capacity(), CHUNK);
    }

    #[test]
    fn an_empty_log_has_nothing_to_give() {
        let mut log = AppendLog::<u8>::default();
        assert!(log.is_empty());
        assert_eq!(log.first(), None);
        assert_eq!(log.last(), None);
        assert_eq!(log.get(0), None);
        assert_eq!(log.get_mut(0), None);
        assert_eq!(log.iter().next(), None);
        assert_eq!(format!("{log:?}"), "[]");
    }

    #[test]
    fn a_clone_shares_every_chunk() {
        let log = log_of(CHUNK + 1);
        let copy = log.clone();
        for (a, b) in log.chunks().iter().zip(copy.chunks()) {
            assert!(Arc::ptr_eq(a, b));
            assert_eq!(Arc::strong_count(a), 2);
        }
    }

    #[test]
    fn pushes_on_each_side_of_a_clone_leave_the_other_untouched() {
        let mut log = log_of(CHUNK + 10);
        let mut copy = log.clone();
        log.push(1000);
        copy.push(2000);
        copy.push(2001);
        assert_eq!(log.len(), CHUNK + 11);
        assert_eq!(log.last(), Some(&1000));
        assert_eq!(copy.len(), CHUNK + 12);
        assert_eq!(copy[CHUNK + 10], 2000);
        assert_eq!(copy.last(), Some(&2001));
        // The full chunk is still shared; only the last was copied.
        assert!(Arc::ptr_eq(&log.chunks()[0], &copy.chunks()[0]));
        assert!(!Arc::ptr_eq(&log.chunks()[1], &copy.chunks()[1]));
    }

    #[test]
    fn a_push_after_a_full_chunk_copies_nothing() {
        let mut log = log_of(CHUNK);
        let copy = log.clone();
        log.push(CHUNK);
        assert!(Arc::ptr_eq(&log.chunks()[0], &copy.chunks()[0]));
        assert_eq!(Arc::strong_count(&log.chunks()[1]), 1);
        assert_eq!(copy, log_of(CHUNK));
    }

    #[test]
    fn get_mut_on_a_shared_clone_copies_only_its_chunk() {
        let mut log = log_of(3 * CHUNK);
        let copy = log.clone();
        *log.get_mut(CHUNK + 5).expect("in range") = 7;
        assert_eq!(log[CHUNK + 5], 7);
        assert_eq!(copy[CHUNK + 5], CHUNK + 5);
        assert!(Arc::ptr_eq(&log.chunks()[0], &copy.chunks()[0]));
        assert!(!Arc::ptr_eq(&log.chunks()[1], &copy.chunks()[1]));
        assert!(Arc::ptr_eq(&log.chunks()[2], &copy.chunks()[2]));
        assert_eq!(Arc::strong_count(&copy.chunks()[1]), 1);
        assert_eq!(log.get_mut(3 * CHUNK), None);
    }

    #[test]
    fn update_where_copies_only_the_chunks_it_changes() {
        let mut log = log_of(3 * CHUNK);
        let copy = log.clone();
        log.update_where(|i| *i == 2 * CHUNK + 1, |i| *i = 0);
        assert_eq!(log[2 * CHUNK + 1], 0);
        assert!(Arc::ptr_eq(&log.chunks()[0], &copy.chunks()[0]));
        assert!(Arc::ptr_eq(&log.chunks()[1], &copy.chunks()[1]));
        assert!(!Arc::ptr_eq(&log.chunks()[2], &copy.chunks()[2]));
        assert_eq!(copy, log_of(3 * CHUNK));
    }

    #[test]
    fn find_mut_and_rfind_mut_change_the_first_and_last_match() {
        let mut vec: Vec<usize> = (0..2 * CHUNK).map(|i| i % 3).collect();
        let mut log: AppendLog<usize> = vec.iter().copied().collect();
        *log.find_mut(|i| *i == 2).expect("a match") = 10;
        *log.rfind_mut(|i| *i == 2).expect("a match") = 20;
        *vec.iter_mut().find(|i| **i == 2).expect("a match") = 10;
        *vec.iter_mut().rfind(|i| **i == 2).expect("a match") = 20;
        assert_eq!(log, vec);
        assert_eq!(log.find_mut(|i| *i == 99), None);
        assert_eq!(
            log.position(|i| *i == 20),
            vec.iter().position(|i| *i == 20)
        );
        assert_eq!(log.position(|i| *i == 1), Some(1));
        assert_eq!(log.position(|i| *i == 99), None);
    }

    #[test]
    fn iterates_both_ways_with_an_exact_size() {
        let log = log_of(2 * CHUNK + 7);
        let forward: Vec<usize> = log.iter().copied().collect();
        let backward: Vec<usize> = log.iter().rev().copied().collect();
        assert_eq!(forward, (0..2 * CHUNK + 7).collect::<Vec<_>>());
        assert_eq!(backward, (0..2 * CHUNK + 7).rev().collect::<Vec<_>>());
        let mut both = log.iter();
        assert_eq!(both.len(), 2 * CHUNK + 7);
        assert_eq!(both.next(), Some(&0));
        assert_eq!(both.next_back(), Some(&(2 * CHUNK + 6)));
        assert_eq!(both.len(), 2 * CHUNK + 5);
        let mut searched = log.iter();
        assert_eq!(searched.find(|i| **i == CHUNK + 3), Some(&(CHUNK + 3)));
        assert_eq!(searched.len(), CHUNK + 3);
        assert_eq!(searched.rfind(|i| **i == CHUNK + 5), Some(&(CHUNK + 5)));
        assert_eq!(searched.len(), 1);
        assert_eq!(searched.find(|i| **i == 0), None);
        assert_eq!(searched.len(), 0);
        assert_eq!(log.iter().filter(|i| **i % 2 == 0).count(), CHUNK + 4);
        assert_eq!(log.iter().rev().find(|i| **i < 5), Some(&4));
        // Folds (as `collect` and `for_each` use) start where `next` stopped.
        let rest: Vec<usize> = both.clone().copied().collect();
        assert_eq!(rest, (1..2 * CHUNK + 6).collect::<Vec<_>>());
        let reversed = both.rfold(Vec::new(), |mut all, i| {
            all.push(*i);
            all
        });
        assert_eq!(reversed, (1..2 * CHUNK + 6).rev().collect::<Vec<_>>());
        assert_eq!((&log).into_iter().count(), 2 * CHUNK + 7);
    }

    #[test]
    fn equals_a_vec_of_the_same_items_and_prints_as_one() {
        let log = log_of(CHUNK + 2);
        let vec: Vec<usize> = (0..CHUNK + 2).collect();
        assert_eq!(log, vec);
        assert_ne!(log, vec[..CHUNK].to_vec());
        assert_eq!(format!("{log:?}"), format!("{vec:?}"));
        let mut other = log.clone();
        assert_eq!(other, log);
        *other.get_mut(0).expect("in range") = 1;
        assert_ne!(other, log);
    }

    /// One step of a random history of a log and its clones.
    #[derive(Debug, Clone)]
    enum Op {
        Push(u16),
        Set(usize, u16),
        /// Clone the log being changed, and change the clone from then on.
        Fork,
        /// Go back to changing the log before the last fork.
        Back,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            6 => any::<u16>().prop_map(Op::Push),
            2 => (any::<usize>(), any::<u16>()).prop_map(|(i, v)| Op::Set(i, v)),
            1 => Just(Op::Fork),
            1 => Just(Op::Back),
        ]
    }

    proptest! {
        /// Every clone keeps behaving as its own `Vec`, whatever its
        /// siblings do.
        #[test]
        fn behaves_as_a_vec_through_clones(
            start in 0..3 * CHUNK,
            ops in proptest::collection::vec(op(), 0..400),
        ) {
            let first: Vec<u16> = (0..start).map(|i| u16::try_from(i).unwrap_or(u16::MAX)).collect();
            let mut logs = vec![(first.iter().copied().collect::<AppendLog<u16>>(), first)];
            for op in ops {
                let (log, vec) = logs.last_mut().expect("one log at least");
                match op {
                    Op::Push(v) => {
                        log.push(v);
                        vec.push(v);
                    }
                    Op::Set(i, v) if !vec.is_empty() => {
                        let i = i % vec.len();
                        *log.get_mut(i).expect("in range") = v;
                        vec[i] = v;
                    }
                    Op::Set(i, _) => prop_assert_eq!(log.get_mut(i), None),
                    Op::Fork => {
                        let copy = (log.clone(), vec.clone());
                        logs.push(copy);
                    }
                    Op::Back => {
                        if logs.len() > 1 {
                            logs.pop();
                        }
                    }
                }
                for (log, vec) in &logs {
                    prop_assert_eq!(log.len(), vec.len());
                    prop_assert_eq!(log.last(), vec.last());
                    prop_assert!(log.iter().eq(vec.iter()));
                    prop_assert!(log.iter().rev().eq(vec.iter().rev()));
                    if let Some(probe) = vec.get(vec.len() / 2) {
                        prop_assert_eq!(
                            log.position(|v| v == probe),
                            vec.iter().position(|v| v == probe)
                        );
                    }
                }
            }
        }

        /// In a list whose keys never decrease, the binary search finds
        /// what a scan finds, present or not, across chunk boundaries.
        #[test]
        fn position_by_key_is_the_scan_of_a_sorted_list(
            steps in proptest::collection::vec(0_u16..3, 0..3 * CHUNK),
            probe in 0_u32..2_000,
        ) {
            let keys: Vec<u32> = steps
                .iter()
                .scan(0_u32, |key, step| {
                    *key += u32::from(*step);
                    Some(*key)
                })
                .collect();
            let log: AppendLog<u32> = keys.iter().copied().collect();
            let probe = probe % (keys.last().copied().unwrap_or(0) + 2);
            prop_assert_eq!(
                log.position_by_key(&probe, |k| *k),
                keys.iter().position(|k| *k == probe)
            );
        }
    }
}
