//! The evidence register: what the responders collected, its SHA-256 when
//! recorded, and who has held it since (chain of custody). Everything is
//! derived from `evidence_added` and `evidence_transferred` entries.

pub mod custody;
pub mod hashing;

use crate::journal::Line;
use crate::journal::event::{EvidenceItem, Payload};

/// One custody event of an item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Custody {
    pub seq: u64,
    /// UTC, as the journal has it.
    pub at: String,
    pub from: Option<String>,
    pub to: String,
    /// Who recorded it.
    pub by: String,
    pub reason: String,
}

/// An item with its history.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registered {
    pub item: EvidenceItem,
    pub label: Option<String>,
    pub source: String,
    pub step: Option<String>,
    pub custody: Vec<Custody>,
}

impl Registered {
    /// Who holds it now.
    pub fn holder(&self) -> &str {
        self.custody.last().map_or("", |c| c.to.as_str())
    }
}

/// The register of a journal's verified lines, in the order collected.
pub fn register(lines: &[Line]) -> Vec<Registered> {
    let mut items: Vec<Registered> = Vec::new();
    for line in lines {
        let e = &line.entry;
        let at = crate::journal::timestamp::format(&e.ts);
        match e.event().map(|ev| ev.payload) {
            Ok(Payload::EvidenceAdded(added)) => {
                for item in added.items {
                    items.push(Registered {
                        custody: vec![Custody {
                            seq: e.seq,
                            at: at.clone(),
                            from: None,
                            to: e.actor.clone(),
                            by: e.actor.clone(),
                            reason: "collected".into(),
                        }],
                        item,
                        label: added.label.clone(),
                        source: added.source.clone(),
                        step: e.step.clone(),
                    });
                }
            }
            Ok(Payload::EvidenceTransferred(t)) => {
                if let Some(r) = items.iter_mut().find(|r| r.item.id == t.item) {
                    r.custody.push(Custody {
                        seq: e.seq,
                        at,
                        from: Some(t.from),
                        to: t.to,
                        by: e.actor.clone(),
                        reason: t.reason,
                    });
                }
            }
            _ => {}
        }
    }
    items
}

/// The id the next item gets: `E1`, `E2`, …
pub fn next_id(register: &[Registered], offset: usize) -> String {
    format!("E{}", register.len() + offset + 1)
}
