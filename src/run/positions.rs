//! Where the items of a log are, by key: the runner reads one step's
//! notes, one clock stage's submissions or one step's drafts on every
//! frame, which must not mean reading every item of the journal.
//!
//! A position is an item's index in its [`AppendLog`]; the positions of
//! each key are kept in the order they were added, which is the log's
//! order when they are added as the items are pushed.

use std::collections::BTreeMap;

use super::AppendLog;

/// The positions of a log's items, by key (see the module docs). A clone
/// shares the positions' memory, as the log's does.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Positions {
    by_key: BTreeMap<String, AppendLog<usize>>,
}

impl Positions {
    /// Records that the item at `position` has `key`.
    pub fn add(&mut self, key: &str, position: usize) {
        // Look up before inserting: most keys are already known, and a
        // lookup needs no owned key.
        match self.by_key.get_mut(key) {
            Some(positions) => positions.push(position),
            None => {
                self.by_key
                    .insert(key.to_string(), std::iter::once(position).collect());
            }
        }
    }

    /// The positions of the items with `key`, in the order they were added.
    pub fn of<'a>(&'a self, key: &str) -> impl DoubleEndedIterator<Item = usize> + use<'a> {
        self.by_key.get(key).into_iter().flatten().copied()
    }

    /// The position added last for `key`.
    pub fn last(&self, key: &str) -> Option<usize> {
        self.by_key.get(key).and_then(AppendLog::last).copied()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::Positions;

    #[test]
    fn a_key_never_added_has_no_positions() {
        let mut positions = Positions::default();
        positions.add("a", 0);
        assert_eq!(positions.of("b").count(), 0);
        assert_eq!(positions.last("b"), None);
    }

    proptest! {
        /// The positions of a key are those of a scan of the keys for it,
        /// in order, read from either end.
        #[test]
        fn positions_equal_a_scan(keys in proptest::collection::vec(0u8..6, 0..700)) {
            let keys: Vec<String> = keys.iter().map(|k| format!("k{k}")).collect();
            let mut positions = Positions::default();
            for (i, key) in keys.iter().enumerate() {
                positions.add(key, i);
            }
            for probe in 0u8..7 {
                let probe = format!("k{probe}");
                let scan: Vec<usize> = (0..keys.len()).filter(|&i| keys[i] == probe).collect();
                prop_assert_eq!(positions.of(&probe).collect::<Vec<_>>(), scan.clone());
                prop_assert_eq!(
                    positions.of(&probe).rev().collect::<Vec<_>>(),
                    scan.iter().rev().copied().collect::<Vec<_>>()
                );
                prop_assert_eq!(positions.last(&probe), scan.last().copied());
            }
        }
    }
}
