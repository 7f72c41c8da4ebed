//! What a new entry records in `seen`: the heads of the other journals its
//! writer has read, only those that changed since the writer last said.

use crate::journal::Line;
use crate::journal::event::{Head, Seen};

use super::merge::CaseJournal;

/// The heads the writer's journal last recorded, journal by journal.
pub fn declared(own: &[Line]) -> Seen {
    let mut out = Seen::new();
    for line in own {
        if let Some(seen) = &line.entry.seen {
            for (id, head) in seen {
                out.insert(id.clone(), head.clone());
            }
        }
    }
    out
}

/// The heads of every journal but `own_id`, as read now.
pub fn current(journals: &[CaseJournal], own_id: &str) -> Seen {
    journals
        .iter()
        .filter(|j| j.id != own_id)
        .filter_map(|j| {
            let (seq, hash) = j.head()?;
            Some((
                j.id.clone(),
                Head {
                    seq,
                    hash: hash.to_string(),
                },
            ))
        })
        .collect()
}

/// The `seen` member for the next entry: heads that differ from those
/// already declared, or nothing.
pub fn to_record(declared: &Seen, current: &Seen) -> Option<Seen> {
    let changed: Seen = current
        .iter()
        .filter(|(id, head)| declared.get(*id) != Some(*head))
        .map(|(id, head)| (id.clone(), head.clone()))
        .collect();
    (!changed.is_empty()).then_some(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(seq: u64) -> Head {
        Head {
            seq,
            hash: format!("{seq:064}"),
        }
    }

    #[test]
    fn only_changed_heads_are_recorded() {
        let declared: Seen = [("a@h".to_string(), head(3))].into();
        let same: Seen = [("a@h".to_string(), head(3))].into();
        assert_eq!(to_record(&declared, &same), None);
        let moved: Seen = [("a@h".to_string(), head(4)), ("b@h".to_string(), head(0))].into();
        assert_eq!(to_record(&declared, &moved), Some(moved.clone()));
        let one_moved: Seen = [("a@h".to_string(), head(3)), ("b@h".to_string(), head(0))].into();
        assert_eq!(
            to_record(&declared, &one_moved),
            Some([("b@h".to_string(), head(0))].into())
        );
    }
}
