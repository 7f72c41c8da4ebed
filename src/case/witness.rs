//! Cross-witnessing: every `seen` head a responder recorded must still be
//! a line of the journal it names, byte for byte. A journal rewritten or
//! cut after someone else had read it no longer matches.

use super::entry::CaseEntry;
use super::merge::CaseJournal;
use crate::journal::event::Seen;

/// What the check reads of a line: its `seq`, the heads it records, and
/// whether its bytes are those a head names. A replay that keeps no line
/// keeps this much of each ([`super::replay`]).
pub trait Witnessed {
    fn seq(&self) -> u64;
    fn seen(&self) -> Option<&Seen>;
    /// Whether the line's exact bytes have this SHA-256 (hex).
    fn hashes_to(&self, sha256: &str) -> bool;
}

impl<L: CaseEntry> Witnessed for L {
    fn seq(&self) -> u64 {
        CaseEntry::seq(self)
    }

    fn seen(&self) -> Option<&Seen> {
        CaseEntry::seen(self)
    }

    fn hashes_to(&self, sha256: &str) -> bool {
        CaseEntry::hashes_to(self, sha256)
    }
}

/// A `seen` head that the named journal contradicts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contradiction {
    /// The journal whose entry recorded the head.
    pub witness: String,
    pub witness_seq: u64,
    /// The journal it names.
    pub journal: String,
    pub seq: u64,
    pub why: &'static str,
}

impl std::fmt::Display for Contradiction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "journal {} at seq {} {}: {} had seen it at its seq {}",
            self.journal, self.seq, self.why, self.witness, self.witness_seq
        )
    }
}

/// Checks every `seen` head of every journal against the journal it names.
pub fn check<L: Witnessed>(journals: &[CaseJournal<L>]) -> Vec<Contradiction> {
    let lines: Vec<(&str, &[L])> = journals
        .iter()
        .map(|j| (j.id.as_str(), j.verified.lines.as_slice()))
        .collect();
    check_lines(&lines)
}

/// [`check`] of each journal's id and verified lines: for a replay that
/// keeps what the check reads of each line, but not a [`CaseJournal`].
pub fn check_lines<L: Witnessed>(journals: &[(&str, &[L])]) -> Vec<Contradiction> {
    let mut out = Vec::new();
    for &(witness, lines) in journals {
        for line in lines {
            let Some(seen) = line.seen() else {
                continue;
            };
            for (id, head) in seen {
                let why = match journals.iter().find(|(named, _)| *named == id.as_str()) {
                    None => Some("is missing from the case"),
                    Some((_, named)) => {
                        match usize::try_from(head.seq).ok().and_then(|s| named.get(s)) {
                            None => Some("is missing (the journal was cut short)"),
                            Some(l) if !l.hashes_to(&head.hash) => {
                                Some("differs from what was seen (the journal was rewritten)")
                            }
                            Some(_) => None,
                        }
                    }
                };
                if let Some(why) = why {
                    out.push(Contradiction {
                        witness: witness.to_string(),
                        witness_seq: line.seq(),
                        journal: id.clone(),
                        seq: head.seq,
                        why,
                    });
                }
            }
        }
    }
    out
}
