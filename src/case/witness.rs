//! Cross-witnessing: every `seen` head a responder recorded must still be
//! a line of the journal it names, byte for byte. A journal rewritten or
//! cut after someone else had read it no longer matches.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::entry::CaseEntry;
use super::merge::{CaseJournal, line_hash};
use crate::journal::Line;
use crate::journal::event::Seen;
use crate::journal::verify::Break;

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

/// Cuts each journal that a `seen` head shows was rewritten after another
/// responder had read it. A rewritten journal is chained again, so its
/// lines verify on their own: only the heads others recorded tell which
/// of them are still what was read. It keeps its lines up to the last head
/// another journal recorded that still matches, below the first that no
/// longer does; the rest is refused as a break there, so no view reports a
/// rewritten entry as verified. `verify DIR` still names every
/// contradiction ([`check`]).
pub fn cut_rewritten(journals: &mut [CaseJournal]) {
    // For each journal named: the heads recorded that still match, and
    // the first that does not (with who recorded it).
    let mut matching: HashMap<String, Vec<u64>> = HashMap::new();
    let mut differing: HashMap<String, (u64, String)> = HashMap::new();
    for journal in journals.iter() {
        for line in &journal.verified.lines {
            for (id, head) in line.entry.seen.iter().flatten() {
                let Some(named) = journals.iter().find(|j| j.id == *id) else {
                    continue;
                };
                let Some(at) = usize::try_from(head.seq)
                    .ok()
                    .and_then(|s| named.verified.lines.get(s))
                else {
                    continue;
                };
                if CaseEntry::hashes_to(at, &head.hash) {
                    matching.entry(id.clone()).or_default().push(head.seq);
                } else if differing.get(id).is_none_or(|(s, _)| head.seq < *s) {
                    differing.insert(id.clone(), (head.seq, journal.id.clone()));
                }
            }
        }
    }
    for journal in journals.iter_mut() {
        let Some((first, witness)) = differing.get(&journal.id) else {
            continue;
        };
        let kept = matching
            .get(&journal.id)
            .and_then(|seqs| seqs.iter().filter(|s| **s < *first).max())
            .map_or(0, |last| last + 1);
        cut(
            &mut journal.verified,
            usize::try_from(kept).unwrap_or(usize::MAX),
            format!(
                "rewritten after others read it: its line at seq {first} is not the one {witness} recorded seeing, so no line from here on is confirmed"
            ),
        );
    }
}

/// Keeps the first `kept` lines of `verified`, refusing the rest with
/// `reason`.
fn cut(verified: &mut crate::journal::verify::Verified<Line>, kept: usize, reason: String) {
    if kept >= verified.lines.len() && verified.broken.is_some() {
        return;
    }
    verified.lines.truncate(kept);
    verified.head_hash = verified.lines.last().map(|l| line_hash(&l.text));
    verified.verified_len = verified.lines.iter().map(|l| l.text.len() + 1).sum();
    verified.broken = Some(Break {
        line: kept + 1,
        seq: kept as u64,
        reason,
    });
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

/// `seen` heads naming lines past the break of a broken journal: those
/// lines do not verify, so what was seen there can be neither confirmed
/// nor contradicted, and the journal was not cut short.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PastBreak {
    /// The broken journal.
    pub journal: String,
    /// Its first bad line (1-based).
    pub line: usize,
    /// The journals whose heads name its lines past the break.
    pub witnesses: BTreeSet<String>,
}

impl std::fmt::Display for PastBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let witnesses: Vec<&str> = self.witnesses.iter().map(String::as_str).collect();
        write!(
            f,
            "{} is broken at line {}: what {} had seen of it past the break cannot be compared",
            self.journal,
            self.line,
            witnesses.join(", ")
        )
    }
}

impl Contradiction {
    /// The contradiction as the case's problem: the journal named and its
    /// own line, as a break of that journal would be given.
    pub fn as_problem(&self) -> String {
        format!(
            "line {} (seq {}) of journal {}: {}: {} had seen it at its seq {}",
            self.seq.saturating_add(1),
            self.seq,
            self.journal,
            self.why,
            self.witness,
            self.witness_seq
        )
    }
}

/// A journal's break as the case's problem: the journal and its own line,
/// never a position in the merged order, which no file has.
pub fn break_problem(journal: &str, at: &Break) -> String {
    format!(
        "line {} (seq {}) of journal {journal}: {}",
        at.line, at.seq, at.reason
    )
}

/// Checks every `seen` head of every journal against the journal it names;
/// heads past a broken journal's break are left to [`past_breaks`].
pub fn check<L: Witnessed>(journals: &[CaseJournal<L>]) -> Vec<Contradiction> {
    all_contradictions(journals)
        .into_iter()
        .filter(|c| break_line_before(journals, c).is_none())
        .collect()
}

/// The `seen` heads that name lines past a journal's break, one per
/// broken journal.
pub fn past_breaks<L: Witnessed>(journals: &[CaseJournal<L>]) -> Vec<PastBreak> {
    let mut by_journal: BTreeMap<String, PastBreak> = BTreeMap::new();
    for c in all_contradictions(journals) {
        let Some(line) = break_line_before(journals, &c) else {
            continue;
        };
        by_journal
            .entry(c.journal.clone())
            .or_insert_with(|| PastBreak {
                journal: c.journal.clone(),
                line,
                witnesses: BTreeSet::new(),
            })
            .witnesses
            .insert(c.witness);
    }
    by_journal.into_values().collect()
}

fn all_contradictions<L: Witnessed>(journals: &[CaseJournal<L>]) -> Vec<Contradiction> {
    let lines: Vec<(&str, &[L])> = journals
        .iter()
        .map(|j| (j.id.as_str(), j.verified.lines.as_slice()))
        .collect();
    check_lines(&lines)
}

/// The line of the break of the journal `c` names, when the head it
/// records is past that break (a line that was never verified).
fn break_line_before<L>(journals: &[CaseJournal<L>], c: &Contradiction) -> Option<usize> {
    let named = journals.iter().find(|j| j.id == c.journal)?;
    let broken = named.verified.broken.as_ref()?;
    let past = usize::try_from(c.seq).map_or(true, |seq| seq >= named.verified.lines.len());
    past.then_some(broken.line)
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
