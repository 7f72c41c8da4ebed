//! The one order in which a case's journals are replayed, the same on
//! every machine holding the same files:
//!
//! 1. causal: an entry comes after every entry it had seen (its own
//!    journal's earlier entries, and the heads named in `seen`);
//! 2. among entries free to come next, the earliest `ts`;
//! 3. then the smaller journal id, then the smaller `seq`.
//!
//! If no entry is free (a `seen` head names a line that is not there: a
//! journal truncated or not synced yet), the smallest by (`ts`, journal,
//! `seq`) comes next, so the order always exists; `verify` reports why.
//!
//! The merged entries feed the existing replay unchanged, renumbered by
//! their merged position (corrections follow their target), with only the
//! first `journal_created` kept, carrying a drill case's scenario
//! ([`super::scenario`]).

use std::fmt::Write as _;
use std::path::Path;

use chrono::{DateTime, Utc};
use sha2::{Digest as _, Sha256};

use super::entry::CaseEntry;
use super::{folder, scenario};
use crate::hash::to_hex;
use crate::journal::event::{Payload, Seen};
use crate::journal::verify::{Verified, verify};
use crate::journal::{Entry, Kind, Line};

/// One journal of a case, verified: its lines held whole (or, in the
/// witness check of a replay, what it reads of each: see [`super::replay`]).
#[derive(Debug, Clone)]
pub struct CaseJournal<L = Line> {
    pub id: String,
    pub verified: Verified<L>,
}

impl<L: CaseEntry> CaseJournal<L> {
    /// `seq` and SHA-256 of its last verified line.
    pub fn head(&self) -> Option<(u64, &str)> {
        let last = self.verified.lines.last()?;
        Some((last.seq(), self.verified.head_hash.as_deref()?))
    }
}

/// Where an entry sits: journal index and line index (= `seq`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    pub journal: usize,
    pub line: usize,
}

/// A case's journals in merged order, with each entry's causal past.
#[derive(Debug, Clone)]
pub struct Merged<L = Line> {
    pub journals: Vec<CaseJournal<L>>,
    pub order: Vec<At>,
    /// The merge that decided `order`: each entry's causal past.
    merger: Merger,
}

/// Reads and verifies every journal of a case folder. A journal another
/// case created is refused whole (see [`folder::foreign`]).
pub fn load(dir: &Path) -> Result<Vec<CaseJournal>, String> {
    let case = folder::case_id(dir);
    folder::journal_files(dir)?
        .into_iter()
        .map(|(id, path)| {
            if let Some(refused) = case.as_deref().and_then(|c| folder::foreign(&path, c)) {
                return Ok(CaseJournal {
                    id,
                    verified: Verified {
                        lines: Vec::new(),
                        head_hash: None,
                        verified_len: 0,
                        broken: Some(refused),
                        torn_tail: 0,
                    },
                });
            }
            let bytes = crate::journal::attachment::read_limited(
                &path,
                crate::journal::attachment::JOURNAL_LIMIT,
            )
            .map_err(|e| unreadable(&path, &e))?;
            Ok(CaseJournal {
                id,
                verified: verify(&bytes),
            })
        })
        .collect()
}

/// A count of entries as `known` holds it (saturated: see there).
fn count_of(entries: u64) -> u32 {
    u32::try_from(entries).unwrap_or(u32::MAX)
}

pub(super) fn unreadable(path: &Path, e: &std::io::Error) -> String {
    format!("{}: {}", path.display(), crate::diag::describe_io(e))
}

/// SHA-256 of a line's exact bytes, as `prev` and `seen` name it.
pub fn line_hash(text: &str) -> String {
    to_hex(&Sha256::digest(text.as_bytes()))
}

impl<L: CaseEntry> Merged<L> {
    pub fn new(mut journals: Vec<CaseJournal<L>>) -> Self {
        journals.sort_by(|a, b| a.id.cmp(&b.id));
        let ids: Vec<String> = journals.iter().map(|j| j.id.clone()).collect();
        let mut merger = Merger::new(ids);
        for (j, journal) in journals.iter().enumerate() {
            merger.expect(j, journal.verified.lines.len());
        }
        let total: usize = journals.iter().map(|j| j.verified.lines.len()).sum();
        let mut order = Vec::with_capacity(total);
        while let Some(j) = merger.pick(|j| journals[j].verified.lines.get(merger.taken(j))) {
            let line = &journals[j].verified.lines[merger.taken(j)];
            order.push(merger.take(j, line));
        }
        Self {
            journals,
            order,
            merger,
        }
    }

    /// The line at `at`.
    pub fn line(&self, at: At) -> &L {
        &self.journals[at.journal].verified.lines[at.line]
    }

    /// Whether the writer of `later` had seen `earlier` when writing it.
    pub fn saw(&self, later: At, earlier: At) -> bool {
        self.merger.saw(later, earlier)
    }

    /// The lines to replay, in merged order: renumbered by position,
    /// corrections pointing at their target's new position, and only the
    /// first `journal_created`.
    pub fn feed(&self) -> Vec<L>
    where
        L: Clone,
    {
        self.feed_from().0
    }

    /// [`Merged::feed`] with where each fed line comes from (its journal
    /// and line), so a position shown on screen names one entry of one
    /// journal (`origins[position]`).
    pub fn feed_from(&self) -> (Vec<L>, Vec<At>)
    where
        L: Clone,
    {
        let (mut feed, origins) = renumber(&self.journals, &self.order, |at| {
            self.journals[at.journal]
                .verified
                .lines
                .get(at.line)
                .cloned()
        });
        scenario::carry(scenario::recorded_drill(self), &mut feed);
        (feed, origins)
    }

    /// [`Merged::feed`] taking the lines out of the journals instead of
    /// copying them, for a caller that needs nothing else of the merge.
    pub fn into_feed(self) -> Vec<L> {
        self.into_feed_from().0
    }

    /// [`Merged::feed_from`] taking the lines out of the journals.
    pub fn into_feed_from(self) -> (Vec<L>, Vec<At>) {
        let mut out = (Vec::new(), Vec::new());
        self.into_feed_each(|line, at| {
            out.0.push(line);
            out.1.push(at);
        });
        out
    }

    /// [`Merged::into_feed_from`] handing each line over as it is
    /// renumbered, for a caller that uses it at once (a replay): the
    /// merged lines are never held twice.
    pub fn into_feed_each(self, mut each: impl FnMut(L, At)) {
        let mut drill = scenario::recorded_drill(&self);
        let Self {
            journals, order, ..
        } = self;
        let counts: Vec<usize> = journals.iter().map(|j| j.verified.lines.len()).collect();
        let ids: Vec<String> = journals.iter().map(|j| j.id.clone()).collect();
        let mut lines: Vec<std::vec::IntoIter<L>> = journals
            .into_iter()
            .map(|j| j.verified.lines.into_iter())
            .collect();
        // The merged order visits each journal's lines in their own order
        // (an entry comes after its journal's earlier entries), so the next
        // line of its journal is always the one asked for.
        renumber_counted(
            &counts,
            &ids,
            &order,
            |at| lines[at.journal].next(),
            |mut line, at| {
                // Only the first line fed can be the kept `journal_created`.
                scenario::carry(drill.take(), std::slice::from_mut(&mut line));
                each(line, at);
            },
        );
    }

    /// Where [`Self::feed`] puts each line: `positions()[journal][line]`
    /// is its merged `seq`, `None` for a `journal_created` it leaves out.
    pub fn positions(&self) -> Vec<Vec<Option<u64>>> {
        let mut position: Vec<Vec<Option<u64>>> = self
            .journals
            .iter()
            .map(|j| vec![None; j.verified.lines.len()])
            .collect();
        let mut next = 0_u64;
        for at in &self.order {
            if self.line(*at).kind() == Kind::JournalCreated && next > 0 {
                continue;
            }
            position[at.journal][at.line] = Some(next);
            next += 1;
        }
        position
    }

    /// SHA-256 over the sorted lines `<journal id> <seq> <head hash>\n`:
    /// one value that anchors every journal of the case.
    pub fn case_head(&self) -> String {
        case_head_of(
            self.journals
                .iter()
                .filter_map(|j| j.head().map(|(seq, hash)| (j.id.as_str(), seq, hash))),
        )
    }
}

/// [`Merged::case_head`] of the journals' heads (id, `seq`, SHA-256), in
/// the journals' sorted order.
pub fn case_head_of<'h>(heads: impl Iterator<Item = (&'h str, u64, &'h str)>) -> String {
    let mut text = String::new();
    for (id, seq, hash) in heads {
        let _ = writeln!(text, "{id} {seq} {hash}");
    }
    to_hex(&Sha256::digest(text.as_bytes()))
}

/// What the merge reads of a line to place it.
pub(super) trait MergeHead {
    fn ts(&self) -> DateTime<Utc>;
    fn seq(&self) -> u64;
    /// The heads of other journals its writer had read, if recorded.
    fn seen(&self) -> Option<&Seen>;
}

impl<L: CaseEntry> MergeHead for L {
    fn ts(&self) -> DateTime<Utc> {
        CaseEntry::ts(self)
    }

    fn seq(&self) -> u64 {
        CaseEntry::seq(self)
    }

    fn seen(&self) -> Option<&Seen> {
        CaseEntry::seen(self)
    }
}

/// The merged order decided one entry at a time, from the next line of
/// each journal: the rule in the module comment. [`Merged::new`] hands it
/// the lines themselves; the case replay ([`super::replay`]) hands it the
/// copy of each line it keeps for the merge, on a thread of its own.
#[derive(Debug, Clone)]
pub(super) struct Merger {
    /// The journals' ids, sorted: a journal is its index here.
    ids: Vec<String>,
    /// How many lines of each journal are merged.
    next: Vec<usize>,
    /// `known[j][line * width + k]`: how many entries of journal `k` the
    /// entry at (`j`, `line`) had seen, directly or through what it saw.
    /// One flat row of `width` (the number of journals) per entry, so the
    /// merge allocates once per journal rather than once per entry. A
    /// count is 32 bits: a row costs half as much memory, and a count
    /// beyond it (no journal has one) reads as "all".
    known: Vec<Vec<u32>>,
    /// One entry's past at a time, in a buffer reused for every entry.
    past: Vec<u32>,
}

impl Merger {
    /// A merge of the journals with these ids, sorted.
    pub(super) fn new(ids: Vec<String>) -> Self {
        let count = ids.len();
        Self {
            next: vec![0; count],
            known: vec![Vec::new(); count],
            past: Vec::with_capacity(count),
            ids,
        }
    }

    /// Reserves room for journal `j`'s `lines`, when they are known.
    pub(super) fn expect(&mut self, j: usize, lines: usize) {
        let width = self.ids.len();
        if let Some(known) = self.known.get_mut(j) {
            known.reserve_exact(lines * width);
        }
    }

    /// How many lines of journal `j` are merged: the index of its next.
    pub(super) fn taken(&self, j: usize) -> usize {
        self.next.get(j).copied().unwrap_or(0)
    }

    fn index(&self, id: &str) -> Option<usize> {
        self.ids.binary_search_by(|j| j.as_str().cmp(id)).ok()
    }

    /// The journal whose next line comes next, given each journal's next
    /// line (`None` when it has no more); `None` when none has.
    pub(super) fn pick<'l, L: MergeHead + 'l>(
        &self,
        head: impl Fn(usize) -> Option<&'l L>,
    ) -> Option<usize> {
        let key = |j: usize, e: &L| (e.ts(), self.ids[j].as_str(), e.seq());
        let pending = (0..self.ids.len()).filter_map(|j| head(j).map(|e| (j, e)));
        let free = pending.clone().filter(|(_, e)| {
            e.seen().is_none_or(|seen| {
                seen.iter().all(|(id, head)| {
                    self.index(id)
                        .is_some_and(|k| usize::try_from(head.seq).is_ok_and(|s| self.next[k] > s))
                })
            })
        });
        free.min_by(|(a, ea), (b, eb)| key(*a, ea).cmp(&key(*b, eb)))
            .or_else(|| pending.min_by(|(a, ea), (b, eb)| key(*a, ea).cmp(&key(*b, eb))))
            .map(|(j, _)| j)
    }

    /// Merges journal `j`'s next line, `line`: records its causal past
    /// and returns where it sits.
    pub(super) fn take<L: MergeHead>(&mut self, j: usize, line: &L) -> At {
        let count = self.ids.len();
        let at = self.next[j];
        self.past.clear();
        match at {
            0 => self.past.resize(count, 0),
            _ => self
                .past
                .extend_from_slice(&self.known[j][(at - 1) * count..at * count]),
        }
        self.past[j] = count_of(at as u64 + 1);
        if let Some(seen) = line.seen() {
            for (id, head) in seen {
                let Some(k) = self.index(id) else { continue };
                let reached = usize::try_from(head.seq)
                    .ok()
                    .and_then(|s| self.known[k].get(s * count..(s + 1) * count));
                match reached {
                    Some(theirs) => {
                        for (mine, t) in self.past.iter_mut().zip(theirs) {
                            *mine = (*mine).max(*t);
                        }
                    }
                    None => {
                        self.past[k] = self.past[k].max(count_of(head.seq.saturating_add(1)));
                    }
                }
            }
        }
        self.known[j].extend_from_slice(&self.past);
        self.next[j] += 1;
        At {
            journal: j,
            line: at,
        }
    }

    /// Whether the writer of `later` had seen `earlier` when writing it.
    pub(super) fn saw(&self, later: At, earlier: At) -> bool {
        let width = self.ids.len();
        self.known[later.journal]
            .get(later.line * width + earlier.journal)
            .is_some_and(|n| u64::from(*n) > earlier.line as u64)
    }
}

impl Merged {
    /// The entry at `at`.
    pub fn entry(&self, at: At) -> &Entry {
        &self.line(at).entry
    }
}

/// The lines of `order` renumbered by merged position; `take` hands over
/// the line at a position (each exactly once, in order).
fn renumber<L: CaseEntry>(
    journals: &[CaseJournal<L>],
    order: &[At],
    take: impl FnMut(At) -> Option<L>,
) -> (Vec<L>, Vec<At>) {
    let counts: Vec<usize> = journals.iter().map(|j| j.verified.lines.len()).collect();
    let ids: Vec<String> = journals.iter().map(|j| j.id.clone()).collect();
    let mut out = (
        Vec::with_capacity(order.len()),
        Vec::with_capacity(order.len()),
    );
    renumber_counted(&counts, &ids, order, take, |line, at| {
        out.0.push(line);
        out.1.push(at);
    });
    out
}

/// Renumbers the lines `take` hands over in merged `order`, handing each
/// to `each` with where it comes from (see [`Renumbering`]). `ids` are
/// the journals' ids, sorted, as `order` indexes them.
fn renumber_counted<L: CaseEntry>(
    counts: &[usize],
    ids: &[String],
    order: &[At],
    mut take: impl FnMut(At) -> Option<L>,
    mut each: impl FnMut(L, At),
) {
    let mut renumbering = Renumbering::new(ids, counts);
    for at in order {
        let Some(line) = take(*at) else { continue };
        if let Some(line) = renumbering.feed(*at, line) {
            each(line, *at);
        }
    }
}

/// Merged lines renumbered for the replay, one at a time in merged order:
/// each `seq` is its merged position, corrections point at their target's
/// merged position, and only the first `journal_created` is kept.
#[derive(Debug)]
pub(super) struct Renumbering<'i> {
    /// The journals' ids, sorted, as an [`At`] indexes them.
    ids: &'i [String],
    /// Each journal's lines' merged positions, as far as merged.
    position: Vec<Vec<Option<u64>>>,
    fed: u64,
}

impl<'i> Renumbering<'i> {
    /// `counts` reserves room for each journal's lines, when known.
    pub(super) fn new(ids: &'i [String], counts: &[usize]) -> Self {
        let position = (0..ids.len())
            .map(|j| Vec::with_capacity(counts.get(j).copied().unwrap_or(0)))
            .collect();
        Self {
            ids,
            position,
            fed: 0,
        }
    }

    /// The line at `at`, the next in merged order, renumbered; `None`
    /// for a `journal_created` after the first line fed, which is left out.
    pub(super) fn feed<L: CaseEntry>(&mut self, at: At, mut line: L) -> Option<L> {
        if line.kind() == Kind::JournalCreated && self.fed > 0 {
            return None;
        }
        let seq = self.fed;
        self.fed += 1;
        line.set_seq(seq);
        let positions = &mut self.position[at.journal];
        if positions.len() <= at.line {
            positions.resize(at.line + 1, None);
        }
        positions[at.line] = Some(seq);
        if line.kind() == Kind::Correction
            && let Some(Some(mut c)) = line.with_payload(|p| match p {
                Payload::Correction(c) => Some(c.clone()),
                _ => None,
            })
        {
            // The target names its journal in a case; without one it
            // is in the correction's own journal.
            let ids = self.ids;
            let index = |id: &str| ids.binary_search_by(|j| j.as_str().cmp(id)).ok();
            let journal = c.journal.as_deref().map_or(Some(at.journal), index);
            let target = journal.and_then(|j| {
                usize::try_from(c.corrects)
                    .ok()
                    .and_then(|s| self.position[j].get(s).copied().flatten())
            });
            // A target not (yet) in the merged past is never taken for
            // another entry at that number: the correction points at
            // itself, which the replay reports and ignores.
            c.corrects = target.unwrap_or(seq);
            c.journal = None;
            line.set_correction(*c);
        }
        Some(line)
    }
}
