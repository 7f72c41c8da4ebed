//! The merged replay of a case, for `status`, which shows no line. The
//! journals are read and checked on every core; then the merge decides the
//! order on one core while the replay, on another, takes each line as
//! soon as its place is known, renumbers it, names its writer `actor@host`
//! and applies it. Conflicts are gathered as the lines pass.
//!
//! Same order, renumbering, carried scenario, conflicts, contradictions and
//! errors as feeding [`merge::Merged`] ([`super::views::into_responder_lines`]):
//! a test holds the two together.

use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::conflict::{Claims, Conflict};
use super::entry::{CaseEntry, ReplayLine};
use super::merge::{self, CaseJournal, MergeHead, Merger, Renumbering};
use super::views::{carry, drill_of, names_no_drill, responder};
use super::witness::{self, Contradiction};
use crate::journal::event::Seen;
use crate::journal::verify::Break;

/// What a merged replay found besides the lines it fed.
#[derive(Debug, Clone, PartialEq)]
pub struct Replayed {
    /// Every journal, sorted by id.
    pub journals: Vec<JournalRead>,
    pub conflicts: Vec<Conflict>,
    pub contradictions: Vec<Contradiction>,
    /// How many lines were fed to the replay.
    pub fed: usize,
}

impl Replayed {
    /// See [`merge::Merged::case_head`].
    pub fn case_head(&self) -> String {
        merge::case_head_of(self.journals.iter().filter_map(|j| {
            j.head
                .as_ref()
                .map(|(seq, hash)| (j.id.as_str(), *seq, hash.as_str()))
        }))
    }
}

/// One journal of a case as read for replay.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalRead {
    pub id: String,
    /// How many lines verified.
    pub entries: usize,
    /// `seq` and SHA-256 of its last verified line.
    pub head: Option<(u64, String)>,
    pub broken: Option<Break>,
    /// Bytes after its last newline.
    pub torn_tail: usize,
}

impl JournalRead {
    pub fn is_intact(&self) -> bool {
        self.broken.is_none() && self.torn_tail == 0
    }
}

/// A case's journals read and verified for replay (see
/// [`merge::load_for_replay`]), sorted by id.
#[derive(Debug)]
pub struct Loaded {
    journals: Vec<CaseJournal<ReplayLine>>,
}

/// Reads the case in `dir` for replay. The error is the first unreadable
/// journal's, in folder order.
pub fn load(dir: &Path) -> Result<Loaded, String> {
    let mut journals = merge::load_for_replay(dir)?;
    journals.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Loaded { journals })
}

impl Loaded {
    /// Replays the case, handing each line, in merged order, to `apply`.
    pub fn replay(self, mut apply: impl FnMut(ReplayLine)) -> Replayed {
        let Self { journals } = self;
        let ids: Vec<String> = journals.iter().map(|j| j.id.clone()).collect();
        let read: Vec<JournalRead> = journals.iter().map(journal_read).collect();
        // What the merge reads of each line is copied out (seen heads are
        // few) while the seen heads are checked on another core: the lines
        // themselves then go to the replay.
        let (heads, contradictions) = thread::scope(|scope| {
            let witnessed = scope.spawn(|| witness::check(&journals));
            (merge_heads(&journals), crate::threads::joined(witnessed))
        });
        let (fed, claims, merger) = thread::scope(|scope| {
            let (send, receive) = sync_channel(ORDER_AHEAD);
            let (ids, heads) = (&ids, &heads);
            // The merge owns the sender: the feed's list ends with it.
            let merging = scope.spawn(move || merge_order(ids, heads, &send));
            // The feed (claims, renumbering, writers' names) runs beside
            // the replay, which then only applies: on its own, the replay
            // is the longest of the three.
            let (hand, fed_lines) = sync_channel(FED_AHEAD);
            let feeding = scope.spawn(move || feed_in_batches(ids, journals, &receive, &hand));
            for batch in fed_lines {
                batch.into_iter().for_each(&mut apply);
            }
            let (fed, claims) = crate::threads::joined(feeding);
            (fed, claims, crate::threads::joined(merging))
        });
        let conflicts = claims.conflicts(&ids, |later, earlier| merger.saw(later, earlier));
        Replayed {
            journals: read,
            conflicts,
            contradictions,
            fed,
        }
    }
}

fn journal_read(j: &CaseJournal<ReplayLine>) -> JournalRead {
    JournalRead {
        id: j.id.clone(),
        entries: j.verified.lines.len(),
        head: j.head().map(|(seq, hash)| (seq, hash.to_string())),
        broken: j.verified.broken.clone(),
        torn_tail: j.verified.torn_tail,
    }
}

/// What the merge reads of a line, copied out of it.
struct Head {
    ts: DateTime<Utc>,
    seq: u64,
    /// Boxed: few lines record heads, and a line's `Head` stays small.
    seen: Option<Box<Seen>>,
}

impl MergeHead for Head {
    fn ts(&self) -> DateTime<Utc> {
        self.ts
    }

    fn seq(&self) -> u64 {
        self.seq
    }

    fn seen(&self) -> Option<&Seen> {
        self.seen.as_deref()
    }
}

/// Each journal's lines as the merge reads them, and the scenario each
/// `journal_created` naming one records (by journal and line).
struct Heads {
    lines: Vec<Vec<Head>>,
    scenarios: Vec<(usize, usize, Value)>,
}

fn merge_heads(journals: &[CaseJournal<ReplayLine>]) -> Heads {
    let mut scenarios = Vec::new();
    let lines = journals
        .iter()
        .enumerate()
        .map(|(j, journal)| {
            journal
                .verified
                .lines
                .iter()
                .enumerate()
                .map(|(at, line)| {
                    if let Some(drill) = drill_of(line) {
                        scenarios.push((j, at, drill));
                    }
                    Head {
                        ts: CaseEntry::ts(line),
                        seq: CaseEntry::seq(line),
                        seen: CaseEntry::seen(line).cloned().map(Box::new),
                    }
                })
                .collect()
        })
        .collect();
    Heads { lines, scenarios }
}

/// What the merge tells the replay.
enum Merging {
    /// The next places in merged order.
    Order(Vec<merge::At>),
    /// The scenario the first `journal_created` naming one, in merged
    /// order, records: told as soon as it is known.
    Scenario(Option<Value>),
}

/// Places merged at a time.
const ORDER_BATCH: usize = 1024;

/// Batches of the order the merge may be ahead of the replay.
const ORDER_AHEAD: usize = 8;

/// The merge, on its own core: sends the order as it is decided, and the
/// recorded scenario as soon as it is known; returns each line's causal
/// past (for the conflicts).
fn merge_order(ids: &[String], heads: &Heads, send: &SyncSender<Merging>) -> Merger {
    let mut merger = Merger::new(ids.to_vec());
    for (j, lines) in heads.lines.iter().enumerate() {
        merger.expect(j, lines.len());
    }
    // A replay that has stopped is not waiting for anything.
    let tell = |message| drop(send.send(message));
    if heads.scenarios.is_empty() {
        tell(Merging::Scenario(None));
    }
    let mut scenario_told = heads.scenarios.is_empty();
    let mut batch = Vec::with_capacity(ORDER_BATCH);
    while let Some(j) = merger.pick(|j| heads.lines[j].get(merger.taken(j))) {
        let line = merger.taken(j);
        let at = merger.take(j, &heads.lines[j][line]);
        batch.push(at);
        if !scenario_told
            && let Some((_, _, drill)) = heads
                .scenarios
                .iter()
                .find(|(k, l, _)| (*k, *l) == (j, line))
        {
            // The order so far goes first: the replay may be waiting on it.
            tell(Merging::Order(std::mem::take(&mut batch)));
            tell(Merging::Scenario(Some(drill.clone())));
            scenario_told = true;
        }
        if batch.len() == ORDER_BATCH {
            tell(Merging::Order(std::mem::replace(
                &mut batch,
                Vec::with_capacity(ORDER_BATCH),
            )));
        }
    }
    tell(Merging::Order(batch));
    merger
}

/// Lines fed at a time to the replay.
const FED_BATCH: usize = 1024;

/// Batches of fed lines the feed may be ahead of the replay.
const FED_AHEAD: usize = 4;

/// [`feed`] on a thread of its own: the fed lines go to the replay in
/// batches, in order. The replay's list ends when this returns (`hand` is
/// dropped).
fn feed_in_batches(
    ids: &[String],
    journals: Vec<CaseJournal<ReplayLine>>,
    receive: &Receiver<Merging>,
    hand: &SyncSender<Vec<ReplayLine>>,
) -> (usize, Claims) {
    let mut batch = Vec::with_capacity(FED_BATCH);
    // A replay that has stopped takes nothing more: the lines are dropped.
    let fed = feed(ids, journals, receive, &mut |line| {
        batch.push(line);
        if batch.len() == FED_BATCH {
            drop(hand.send(std::mem::replace(&mut batch, Vec::with_capacity(FED_BATCH))));
        }
    });
    if !batch.is_empty() {
        drop(hand.send(batch));
    }
    fed
}

/// The replay's side: takes each line out of its journal in the order
/// the merge sends, gathers its claims, renumbers it, names its writer and
/// hands it to `apply`. A first line that is a `journal_created` naming no
/// scenario waits, with the lines after it, for the merge to tell the
/// scenario to carry onto it. Returns how many lines were fed.
fn feed(
    ids: &[String],
    journals: Vec<CaseJournal<ReplayLine>>,
    receive: &Receiver<Merging>,
    apply: &mut impl FnMut(ReplayLine),
) -> (usize, Claims) {
    let mut lines: Vec<std::vec::IntoIter<ReplayLine>> = journals
        .into_iter()
        .map(|j| j.verified.lines.into_iter())
        .collect();
    let mut claims = Claims::default();
    let mut renumbering = Renumbering::new(ids, &[]);
    let mut writers = Writers::new(ids.len());
    let mut scenario: Option<Option<Value>> = None;
    let mut waiting: Option<Vec<ReplayLine>> = None;
    let mut fed = 0;
    for message in receive {
        let order = match message {
            Merging::Scenario(told) => {
                scenario = Some(told);
                Vec::new()
            }
            Merging::Order(order) => order,
        };
        for at in order {
            // The merge visits each journal's lines in their own order.
            let Some(line) = lines.get_mut(at.journal).and_then(Iterator::next) else {
                continue;
            };
            claims.offer(at, &line);
            let Some(mut line) = renumbering.feed(at, line) else {
                continue;
            };
            line.set_actor(writers.name(at.journal, CaseEntry::actor(&line), &ids[at.journal]));
            fed += 1;
            match &mut waiting {
                Some(held) => held.push(line),
                None if fed == 1 && names_no_drill(&line) => waiting = Some(vec![line]),
                None => apply(line),
            }
        }
        if let (Some(told), Some(mut held)) = (&scenario, waiting.take_if(|_| scenario.is_some())) {
            carry(told.clone(), &mut held);
            held.into_iter().for_each(&mut *apply);
        }
    }
    if let Some(held) = waiting {
        // The merge ended without telling (it always tells).
        held.into_iter().for_each(&mut *apply);
    }
    (fed, claims)
}

/// Each journal's last writer named as views name it (`actor@host`): a
/// journal's lines mostly share their actor, and naming each anew cost a
/// formatted string per line.
struct Writers {
    last: Vec<Option<(String, String)>>,
}

impl Writers {
    fn new(journals: usize) -> Self {
        Self {
            last: vec![None; journals],
        }
    }

    /// [`responder`] of `actor` in journal `j` (id `id`).
    fn name(&mut self, j: usize, actor: &str, id: &str) -> String {
        let Some(last) = self.last.get_mut(j) else {
            return responder(actor, id);
        };
        match last {
            Some((held, named)) if held == actor => named.clone(),
            _ => {
                let named = responder(actor, id);
                *last = Some((actor.to_string(), named.clone()));
                named
            }
        }
    }
}
