//! The merged replay of a case, for `status`, which shows no line. Every
//! journal is read and checked at once, each on a thread of its own, a few
//! batches ahead of the merge; the merge takes each journal's next line as
//! it arrives, gathers its conflict claims, renumbers it and names its
//! writer `actor@host`, while the replay, on another core, applies what
//! the merge has fed. No journal is held whole: what stays of a line once
//! it is fed is its `seq`, its SHA-256 and any `seen` heads, for the
//! witness check at the end. So memory is that of one journal's replay,
//! whatever the case holds.
//!
//! Same order, renumbering, carried scenario, conflicts, contradictions and
//! errors as feeding [`merge::Merged`] ([`super::views::into_responder_lines`]):
//! a test holds the two together.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::thread;

use serde_json::Value;

use super::conflict::{Claims, Conflict};
use super::entry::{CaseEntry, ReplayLine};
use super::folder;
use super::merge::{self, Merger, Renumbering};
use super::scenario::{carry, drill_of, names_no_drill};
use super::views::responder;
use super::witness::{self, Contradiction, Witnessed};
use crate::journal::event::Seen;
use crate::journal::verify::{Break, Keep, Tally, view_file_typed_in_chunks};

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

/// A case's journals, found but not read yet (see [`Loaded::replay`]).
#[derive(Debug)]
pub struct Loaded {
    /// In folder order: an unreadable journal's error is the first's.
    files: Vec<(String, PathBuf)>,
    /// The case's id, which each journal's creation must name.
    case: Option<String>,
    /// How each line is decoded for the replay.
    keep: Keep,
}

/// Finds the journals of the case in `dir`.
pub fn load(dir: &Path) -> Result<Loaded, String> {
    Ok(Loaded {
        case: folder::case_id(dir),
        files: folder::journal_files(dir)?,
        keep: Keep::Typed,
    })
}

/// Lines a journal's reader hands the merge at a time.
const READ_BATCH: usize = 512;

/// Batches a journal's reader may be ahead of the merge.
const READ_AHEAD: usize = 2;

/// Bytes each journal's reader reads at a time: every journal is read at
/// once, so their chunks in flight (and the lines decoded from them) add
/// up. A quarter of a lone journal's chunk: at 256 KiB the bench case held
/// 78 MiB, at 64 KiB 69 MiB, in the same time (see docs/BENCHMARKS.md).
const READ_CHUNK: usize = 64 << 10;

/// Lines the merge hands the replay at a time.
const FED_BATCH: usize = 1024;

/// Batches the merge may be ahead of the replay.
const FED_AHEAD: usize = 4;

impl Loaded {
    /// For a replay that keeps no notes ([`RunState::for_summary`]): a
    /// note's entry is fed with its text left empty ([`Keep::Summary`]).
    ///
    /// [`RunState::for_summary`]: crate::run::RunState::for_summary
    #[must_use]
    pub fn for_summary(self) -> Self {
        Self {
            keep: Keep::Summary,
            ..self
        }
    }

    /// Replays the case, handing each line, in merged order, to `apply`.
    /// The error is the first unreadable journal's, in folder order; the
    /// lines of the others were fed meanwhile.
    pub fn replay(self, mut apply: impl FnMut(ReplayLine)) -> Result<Replayed, String> {
        let mut sorted = self.files.clone();
        sorted.sort_by(|a, b| a.0.cmp(&b.0));
        let ids: Vec<String> = sorted.iter().map(|(id, _)| id.clone()).collect();
        let keep = self.keep;
        let case = self.case.as_deref();
        let (merged, tallies) = thread::scope(|scope| {
            let mut streams = Vec::with_capacity(sorted.len());
            let mut readers = Vec::with_capacity(sorted.len());
            for (_, path) in &sorted {
                let (send, receive) = sync_channel(READ_AHEAD);
                streams.push(Stream::new(receive));
                // A reader that cannot start drops its sender: its stream
                // ends at once, and its journal is reported unreadable.
                let started = thread::Builder::new()
                    .name("case-read".into())
                    .spawn_scoped(scope, move || read(path, case, keep, &send));
                readers.push(started.map_err(|e| merge::unreadable(path, &e)));
            }
            let (hand, fed_lines) = sync_channel(FED_AHEAD);
            let ids = &ids;
            // A merge that cannot start drops the streams: the readers,
            // refused their batches, read on to their ends and stop.
            let merging = thread::Builder::new()
                .name("case-merge".into())
                .spawn_scoped(scope, move || merge_and_feed(ids, streams, hand));
            for batch in fed_lines {
                batch.into_iter().for_each(&mut apply);
            }
            let merged = merging
                .map(crate::threads::joined)
                .map_err(|e| format!("cannot merge the case's journals: {e}"));
            let tallies: Vec<Result<Tally, String>> = readers
                .into_iter()
                .map(|reader| reader.and_then(crate::threads::joined))
                .collect();
            (merged, tallies)
        });
        if let Some(error) = self.files.iter().find_map(|(id, _)| {
            let at = ids.binary_search(id).ok()?;
            tallies.get(at)?.as_ref().err().cloned()
        }) {
            return Err(error);
        }
        let Merged {
            fed,
            conflicts,
            contradictions,
            ends,
        } = merged?;
        let journals = ids
            .into_iter()
            .zip(ends)
            .zip(tallies.into_iter().flatten())
            .map(|((id, end), tally)| journal_read(id, end, tally))
            .collect();
        Ok(Replayed {
            journals,
            conflicts,
            contradictions,
            fed,
        })
    }
}

/// Reads and checks the journal at `path`, handing its verified lines,
/// decoded for replay, to the merge in batches.
/// A journal another case created hands nothing over: it is refused whole
/// (see [`folder::foreign`]).
fn read(
    path: &Path,
    case: Option<&str>,
    keep: Keep,
    send: &SyncSender<Vec<ReplayLine>>,
) -> Result<Tally, String> {
    if let Some(refused) = case.and_then(|c| folder::foreign(path, c)) {
        return Ok(Tally {
            entries: 0,
            head_hash: None,
            verified_len: 0,
            broken: Some(refused),
            torn_tail: 0,
        });
    }
    let mut batch = Vec::with_capacity(READ_BATCH);
    // A merge that has stopped takes nothing more: the lines are dropped.
    let tally = view_file_typed_in_chunks(path, READ_CHUNK, keep, |view| {
        batch.push(ReplayLine::of_view(view));
        if batch.len() == READ_BATCH {
            drop(send.send(std::mem::replace(
                &mut batch,
                Vec::with_capacity(READ_BATCH),
            )));
        }
    })
    .map_err(|e| merge::unreadable(path, &e));
    if !batch.is_empty() {
        drop(send.send(batch));
    }
    tally
}

/// One journal's lines as they arrive from its reader.
struct Stream {
    receive: Receiver<Vec<ReplayLine>>,
    lines: VecDeque<ReplayLine>,
    ended: bool,
}

impl Stream {
    fn new(receive: Receiver<Vec<ReplayLine>>) -> Self {
        Self {
            receive,
            lines: VecDeque::new(),
            ended: false,
        }
    }

    /// Waits for the next batch when none is held, unless the journal
    /// has ended (read to its end, or to its first bad line).
    fn fill(&mut self) {
        while self.lines.is_empty() && !self.ended {
            match self.receive.recv() {
                Ok(batch) => self.lines.extend(batch),
                Err(_) => self.ended = true,
            }
        }
    }
}

/// What is kept of a line once it is fed: what the witness check reads.
#[derive(Debug)]
struct SealedLine {
    seq: u64,
    sha256: [u8; 32],
    /// Boxed: few lines record heads.
    seen: Option<Box<Seen>>,
}

impl SealedLine {
    fn of(line: &ReplayLine) -> Self {
        Self {
            seq: CaseEntry::seq(line),
            sha256: line.sha256(),
            seen: CaseEntry::seen(line).cloned().map(Box::new),
        }
    }
}

impl Witnessed for SealedLine {
    fn seq(&self) -> u64 {
        self.seq
    }

    fn seen(&self) -> Option<&Seen> {
        self.seen.as_deref()
    }

    fn hashes_to(&self, sha256: &str) -> bool {
        // Compared digit by digit: no hex string made for every head.
        crate::journal::is_hex_of(&self.sha256, sha256)
    }
}

fn journal_read(id: String, end: End, tally: Tally) -> JournalRead {
    JournalRead {
        id,
        entries: end.lines,
        head: end.last_seq.zip(tally.head_hash),
        broken: tally.broken,
        torn_tail: tally.torn_tail,
    }
}

/// What the merge leaves once every line is fed, and the checks it made
/// of the whole case meanwhile.
struct Merged {
    fed: usize,
    conflicts: Vec<Conflict>,
    contradictions: Vec<Contradiction>,
    /// Each journal's end, in the order of the ids.
    ends: Vec<End>,
}

/// How far a journal verified: its lines, and the last one's `seq`.
#[derive(Clone, Copy)]
struct End {
    lines: usize,
    last_seq: Option<u64>,
}

/// The merge, on its own core: takes the next line in merged order from
/// the journals' streams, gathers its claims, renumbers it, names its
/// writer and hands it to the replay in batches. Once the last batch is
/// handed, `hand` is dropped (the replay's list ends) and the conflicts
/// and `seen` heads are checked here, while the replay applies what it
/// still holds: on the replay's thread they were its serial tail.
///
/// A first line fed that is a `journal_created` naming no scenario waits,
/// with the lines after it, until the scenario a journal's creation
/// records is merged, and carries it. Every journal's creation is its
/// first line, so whether one names a scenario is known before anything
/// is fed: when none does, nothing waits.
fn merge_and_feed(
    ids: &[String],
    mut streams: Vec<Stream>,
    hand: SyncSender<Vec<ReplayLine>>,
) -> Merged {
    streams.iter_mut().for_each(Stream::fill);
    let names_a_scenario = streams
        .iter()
        .any(|s| s.lines.front().is_some_and(|l| drill_of(l).is_some()));
    let mut scenario: Option<Option<Value>> = (!names_a_scenario).then_some(None);
    let mut merger = Merger::new(ids.to_vec());
    let mut claims = Claims::default();
    let mut renumbering = Renumbering::new(ids, &[]);
    let mut writers = Writers::new(ids.len());
    let mut sealed: Vec<Vec<SealedLine>> = streams.iter().map(|_| Vec::new()).collect();
    let mut waiting: Option<Vec<ReplayLine>> = None;
    let mut batch = Vec::with_capacity(FED_BATCH);
    let mut fed = 0;
    // A replay that has stopped takes nothing more: the lines are dropped.
    let send = |batch: &mut Vec<ReplayLine>| {
        drop(hand.send(std::mem::replace(batch, Vec::with_capacity(FED_BATCH))));
    };
    while let Some(j) = merger.pick(|j| streams[j].lines.front()) {
        let Some(line) = streams[j].lines.pop_front() else {
            break;
        };
        streams[j].fill();
        let at = merger.take(j, &line);
        if let Some(lines) = sealed.get_mut(j) {
            lines.push(SealedLine::of(&line));
        }
        if scenario.is_none()
            && at.line == 0
            && let Some(drill) = drill_of(&line)
        {
            scenario = Some(Some(drill));
        }
        claims.offer(at, &line);
        let Some(mut line) = renumbering.feed(at, line) else {
            continue;
        };
        line.set_actor(writers.name(j, CaseEntry::actor(&line), &ids[j]));
        fed += 1;
        match &mut waiting {
            Some(held) => held.push(line),
            None if fed == 1 && names_no_drill(&line) => waiting = Some(vec![line]),
            None => batch.push(line),
        }
        if let (Some(told), Some(mut held)) = (&scenario, waiting.take_if(|_| scenario.is_some())) {
            carry(told.clone(), &mut held);
            batch.append(&mut held);
        }
        if batch.len() >= FED_BATCH {
            send(&mut batch);
        }
    }
    if let Some(mut held) = waiting {
        // Every stream ended before the scenario was merged: a journal's
        // creation that named one was not verified.
        batch.append(&mut held);
    }
    if !batch.is_empty() {
        send(&mut batch);
    }
    drop(hand);
    let journals: Vec<(&str, &[SealedLine])> = ids
        .iter()
        .map(String::as_str)
        .zip(sealed.iter().map(Vec::as_slice))
        .collect();
    let contradictions = witness::check_lines(&journals);
    let conflicts = claims.conflicts(ids, |later, earlier| merger.saw(later, earlier));
    let ends = sealed
        .iter()
        .map(|lines| End {
            lines: lines.len(),
            last_seq: lines.last().map(|l| l.seq),
        })
        .collect();
    Merged {
        fed,
        conflicts,
        contradictions,
        ends,
    }
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
