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
//! first `journal_created` kept.

use std::fmt::Write as _;
use std::path::Path;

use sha2::{Digest as _, Sha256};

use super::entry::{CaseEntry, ReplayLine};
use super::folder;
use crate::hash::to_hex;
use crate::journal::event::Payload;
use crate::journal::verify::{Verified, verify, view_file_typed};
use crate::journal::{Entry, Kind, Line};

/// One journal of a case, verified: its lines held whole, unless only a
/// replay reads them ([`load_for_replay`]).
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
    /// `known[j][line * width + k]`: how many entries of journal `k` the
    /// entry at (`j`, `line`) had seen, directly or through what it saw.
    /// One flat row of `width` (the number of journals) per entry, so the
    /// merge allocates once per journal rather than once per entry. A
    /// count is 32 bits: a row costs half as much memory, and a count
    /// beyond it (no journal has one) reads as "all".
    known: Vec<Vec<u32>>,
    width: usize,
}

/// Reads and verifies every journal of a case folder.
pub fn load(dir: &Path) -> Result<Vec<CaseJournal>, String> {
    folder::journal_files(dir)?
        .into_iter()
        .map(|(id, path)| {
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

/// [`load`] for a caller that only replays the merged case: each journal
/// is streamed through the checking cores, which decode its lines as a
/// replay reads them; no line's text or JSON map is kept. Same checks,
/// same findings, same errors (the first journal's, in folder order).
///
/// Two journals are read at a time: one's start (opening, the first
/// pieces) and end (the last piece, the threads joined) leave cores idle
/// that the other's reading fills.
pub fn load_for_replay(dir: &Path) -> Result<Vec<CaseJournal<ReplayLine>>, String> {
    let files = folder::journal_files(dir)?;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let read_next = || {
        let mut read = Vec::new();
        loop {
            let at = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let Some((id, path)) = files.get(at) else {
                return read;
            };
            read.push((at, read_for_replay(id, path)));
        }
    };
    let mut read: Vec<(usize, Result<CaseJournal<ReplayLine>, String>)> =
        std::thread::scope(|scope| {
            let other = scope.spawn(read_next);
            let mut read = read_next();
            read.extend(crate::threads::joined(other));
            read
        });
    read.sort_by_key(|(at, _)| *at);
    read.into_iter().map(|(_, journal)| journal).collect()
}

/// One journal of [`load_for_replay`].
fn read_for_replay(id: &str, path: &Path) -> Result<CaseJournal<ReplayLine>, String> {
    let mut lines = Vec::new();
    let tally = view_file_typed(path, None, |view, _| {
        lines.push(ReplayLine::of_view(view));
    })
    .map_err(|e| unreadable(path, &e))?;
    Ok(CaseJournal {
        id: id.to_string(),
        verified: Verified::of_tally(lines, tally),
    })
}

/// A count of entries as `known` holds it (saturated: see there).
fn count_of(entries: u64) -> u32 {
    u32::try_from(entries).unwrap_or(u32::MAX)
}

fn unreadable(path: &Path, e: &std::io::Error) -> String {
    format!("{}: {}", path.display(), crate::diag::describe_io(e))
}

/// SHA-256 of a line's exact bytes, as `prev` and `seen` name it.
pub fn line_hash(text: &str) -> String {
    to_hex(&Sha256::digest(text.as_bytes()))
}

impl<L: CaseEntry> Merged<L> {
    pub fn new(mut journals: Vec<CaseJournal<L>>) -> Self {
        journals.sort_by(|a, b| a.id.cmp(&b.id));
        let count = journals.len();
        let index = |id: &str| journals.binary_search_by(|j| j.id.as_str().cmp(id)).ok();
        let mut next = vec![0_usize; count];
        let mut known: Vec<Vec<u32>> = journals
            .iter()
            .map(|j| Vec::with_capacity(j.verified.lines.len() * count))
            .collect();
        let total: usize = journals.iter().map(|j| j.verified.lines.len()).sum();
        let mut order = Vec::with_capacity(total);
        let entry_at = |j: usize, line: usize| &journals[j].verified.lines[line];
        let key = |j: usize, line: usize| {
            let e = entry_at(j, line);
            (e.ts(), journals[j].id.as_str(), e.seq())
        };
        // One entry's past at a time, in a buffer reused for every entry.
        let mut past: Vec<u32> = Vec::with_capacity(count);
        while order.len() < total {
            let pending = (0..count).filter(|j| next[*j] < journals[*j].verified.lines.len());
            let free = pending.clone().filter(|j| {
                entry_at(*j, next[*j]).seen().is_none_or(|seen| {
                    seen.iter().all(|(id, head)| {
                        index(id)
                            .is_some_and(|k| usize::try_from(head.seq).is_ok_and(|s| next[k] > s))
                    })
                })
            });
            let pick = free
                .min_by(|a, b| key(*a, next[*a]).cmp(&key(*b, next[*b])))
                .or_else(|| pending.min_by(|a, b| key(*a, next[*a]).cmp(&key(*b, next[*b]))));
            let Some(j) = pick else { break };
            let line = next[j];
            past.clear();
            match line {
                0 => past.resize(count, 0),
                _ => past.extend_from_slice(&known[j][(line - 1) * count..line * count]),
            }
            past[j] = count_of(line as u64 + 1);
            if let Some(seen) = entry_at(j, line).seen() {
                for (id, head) in seen {
                    let Some(k) = index(id) else { continue };
                    let reached = usize::try_from(head.seq)
                        .ok()
                        .and_then(|s| known[k].get(s * count..(s + 1) * count));
                    match reached {
                        Some(theirs) => {
                            for (mine, t) in past.iter_mut().zip(theirs) {
                                *mine = (*mine).max(*t);
                            }
                        }
                        None => past[k] = past[k].max(count_of(head.seq.saturating_add(1))),
                    }
                }
            }
            known[j].extend_from_slice(&past);
            order.push(At { journal: j, line });
            next[j] += 1;
        }
        Self {
            journals,
            order,
            known,
            width: count,
        }
    }

    /// The line at `at`.
    pub fn line(&self, at: At) -> &L {
        &self.journals[at.journal].verified.lines[at.line]
    }

    /// Whether the writer of `later` had seen `earlier` when writing it.
    pub fn saw(&self, later: At, earlier: At) -> bool {
        u64::from(self.known[later.journal][later.line * self.width + earlier.journal])
            > earlier.line as u64
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
        renumber(&self.journals, &self.order, |at| {
            self.journals[at.journal]
                .verified
                .lines
                .get(at.line)
                .cloned()
        })
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
    pub fn into_feed_each(self, each: impl FnMut(L, At)) {
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
        renumber_counted(&counts, &ids, &order, |at| lines[at.journal].next(), each);
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
        let mut text = String::new();
        for j in &self.journals {
            if let Some((seq, hash)) = j.head() {
                let _ = writeln!(text, "{} {seq} {hash}", j.id);
            }
        }
        to_hex(&Sha256::digest(text.as_bytes()))
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
/// to `each` with where it comes from: each `seq` is its merged position,
/// corrections point at their target's merged position, and only the
/// first `journal_created` is kept. `ids` are the journals' ids, sorted,
/// as `order` indexes them.
fn renumber_counted<L: CaseEntry>(
    counts: &[usize],
    ids: &[String],
    order: &[At],
    mut take: impl FnMut(At) -> Option<L>,
    mut each: impl FnMut(L, At),
) {
    let mut position: Vec<Vec<Option<u64>>> = counts.iter().map(|n| vec![None; *n]).collect();
    let index = |id: &str| ids.binary_search_by(|j| j.as_str().cmp(id)).ok();
    let mut fed = 0_u64;
    for at in order {
        let Some(mut line) = take(*at) else { continue };
        if line.kind() == Kind::JournalCreated && fed > 0 {
            continue;
        }
        let seq = fed;
        fed += 1;
        line.set_seq(seq);
        position[at.journal][at.line] = Some(seq);
        if line.kind() == Kind::Correction
            && let Some(Some(mut c)) = line.with_payload(|p| match p {
                Payload::Correction(c) => Some(c.clone()),
                _ => None,
            })
        {
            // The target names its journal in a case; without one it
            // is in the correction's own journal.
            let journal = c.journal.as_deref().map_or(Some(at.journal), index);
            let target = journal.and_then(|j| {
                usize::try_from(c.corrects)
                    .ok()
                    .and_then(|s| position[j].get(s).copied().flatten())
            });
            // A target not (yet) in the merged past is never taken for
            // another entry at that number: the correction points at
            // itself, which the replay reports and ignores.
            c.corrects = target.unwrap_or(seq);
            c.journal = None;
            line.set_correction(*c);
        }
        each(line, *at);
    }
}
