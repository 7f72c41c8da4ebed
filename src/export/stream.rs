//! The exports that do not need the whole journal in memory (`csv`,
//! `timesketch`, `json`, `cacao-status`), written as they are made: the
//! journal is verified as a stream, each line leaving only its [`Slot`]
//! (time, `seq`, place in the file, SHA-256); the lines are then read back
//! in time order, in batches rendered on every core and written in order,
//! each line used only when its bytes still have the SHA-256 verified.
//! What the rows look up (the replayed state, corrections and the entries
//! they correct, drafts, sends, evidence, the last entry) comes from a
//! small [`Input`] holding only those lines.
//!
//! The output is byte for byte the one [`super::render`] makes from the
//! whole journal in memory.

use std::fs::File;
use std::io::{self, Write};
use std::num::NonZeroUsize;
use std::os::unix::fs::FileExt as _;
use std::path::Path;
use std::sync::mpsc;
use std::thread;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::recorded::RowEntry;
use super::timesketch::StatedTime;
use super::view::View;
use super::{Input, csv, json, timesketch};
use crate::journal::event::Payload;
use crate::journal::verify::LineView;
use crate::journal::{Entry, Kind, Line};

/// An export written without holding the journal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Streamed {
    Csv,
    Timesketch,
    Json,
    /// Made from the replayed state alone: no line is read back.
    CacaoStatus,
}

impl Streamed {
    /// Whether the export reads lines back (all but `cacao-status`).
    pub const fn reads_back(self) -> bool {
        !matches!(self, Self::CacaoStatus)
    }
}

/// Where one verified line is and what orders it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Slot {
    pub ts: DateTime<Utc>,
    pub seq: u64,
    pub kind: Kind,
    /// Byte offset of the line in the journal.
    pub offset: u64,
    /// Byte length of the line, without its newline.
    pub len: usize,
    /// SHA-256 of the line as verified.
    pub hash: [u8; 32],
}

impl Slot {
    /// The slot of a line as the verifying stream hands it over (its
    /// SHA-256 from the chain check).
    pub fn of(line: &LineView<'_>) -> Self {
        Self {
            ts: line.ts,
            seq: line.seq,
            kind: line.kind,
            offset: line.offset,
            len: line.text.len(),
            hash: line.hash,
        }
    }
}

/// Whether the exports look `line` up: the first line (the journal's
/// creation), corrections, drafted messages and their sends (`json`'s
/// sent texts), and evidence (`json`'s register). The entries corrections
/// name, and the last entry in time order, are added by the caller (see
/// [`corrected_targets`]).
pub fn is_looked_up(line: &Line) -> bool {
    is_looked_up_kind(line.entry.seq, line.entry.kind)
}

/// [`is_looked_up`] of the line with `seq` and `kind`.
pub fn is_looked_up_kind(seq: u64, kind: Kind) -> bool {
    seq == 0
        || matches!(
            kind,
            Kind::Correction
                | Kind::MessageDrafted
                | Kind::Submission
                | Kind::EvidenceAdded
                | Kind::EvidenceTransferred
        )
}

/// The `seq` of every entry a kept correction names.
pub fn corrected_targets(kept: &[Line]) -> Vec<u64> {
    kept.iter()
        .filter(|l| l.entry.kind == Kind::Correction)
        .filter_map(|l| match l.entry.event().map(|e| e.payload) {
            Ok(Payload::Correction(c)) => Some(c.corrects),
            _ => None,
        })
        .collect()
}

/// The journal opened again to look a few verified lines up by their
/// slot: each is read on its own, exactly its bytes, wherever it is.
#[derive(Debug)]
pub struct Source {
    file: File,
}

impl Source {
    pub fn open(path: &Path) -> io::Result<Self> {
        Ok(Self {
            file: crate::journal::attachment::open_regular(path)?,
        })
    }

    /// The line at `slot`, refused unless it is still the one verified.
    pub fn line(&self, slot: &Slot) -> io::Result<Line> {
        let mut bytes = vec![0; slot.len + 1];
        self.file.read_exact_at(&mut bytes, slot.offset)?;
        if bytes.pop() != Some(b'\n') || <[u8; 32]>::from(Sha256::digest(&bytes)) != slot.hash {
            return Err(changed());
        }
        let text = String::from_utf8(bytes).map_err(|_| changed())?;
        let entry = parse_verified(&text).ok_or_else(changed)?;
        Ok(Line { entry, text })
    }
}

/// The entry of a line whose bytes are exactly those verified (same
/// SHA-256).
fn parse_verified(text: &str) -> Option<Entry> {
    Entry::decode_verified(text).ok()
}

/// The entry of a verified text, decoded whole: a Timesketch event writes
/// `data` back member by member, which reads it as a map anyway. (Read as
/// a [`RowEntry`], which decodes the event typed and leaves `data` as
/// text to be read again as a map, the long notes took 0.64 → 0.73 s of
/// CPU, medians of 9, and the mix gained nothing.)
fn parse_entry(text: &str) -> io::Result<Entry> {
    parse_verified(text).ok_or_else(changed)
}

/// Lines rendered by one worker at a time: enough to amortise a read and a
/// hand-over, few enough that the output held in flight stays small.
const BATCH: usize = 512;

/// Batches a worker may finish ahead of the writer.
const AHEAD: usize = 2;

/// Batches a worker may finish ahead while the `json` head is built.
const FRAMED_AHEAD: usize = 12;

/// A batch's lines are read in one piece when they lie within this many
/// bytes more than their own length (lines already in time order).
const SPAN_SLACK: u64 = 64 << 10;

/// Lines of a batch this many bytes apart or less are read in one piece
/// with the bytes between them.
const RUN_GAP: u64 = 4 << 10;

/// Why a streamed export stopped.
#[derive(Debug)]
pub enum Failed {
    /// Reading a line back from the journal.
    Reading(io::Error),
    /// Writing the output.
    Writing(io::Error),
}

/// Writes `format` to `out`: `slots` are every verified line in `seq`
/// order, found in `journal`; `input` holds the looked-up lines and the
/// replayed state; `fact_times` the times the `fact_set` entries state,
/// noted during the replay (read by `timesketch` alone).
pub fn write(
    format: Streamed,
    input: &Input<'_>,
    slots: &[Slot],
    fact_times: &[StatedTime],
    journal: &File,
    out: &mut (impl Write + ?Sized),
) -> Result<(), Failed> {
    let view = View::new(input);
    let mut order: Vec<&Slot> = slots.iter().collect();
    order.sort_by_key(|s| (s.ts, s.seq));
    let last = order.last().map(|s| s.ts);
    let mut put = |bytes: &[u8]| out.write_all(bytes).map_err(Failed::Writing);
    match format {
        Streamed::Csv => {
            put(csv::header(&view).as_bytes())?;
            in_order(
                &order,
                |slot| slot,
                journal,
                |rows: &mut String, _, slot, text| {
                    let entry = parse_row(text)?;
                    let hash = crate::hash::hex32(&slot.hash);
                    let hash = std::str::from_utf8(&hash).map_err(io::Error::other)?;
                    csv::push_row(rows, &view, &entry, hash);
                    Ok(())
                },
                |rows| put(rows.as_bytes()),
            )?;
            if let Some(closing) = csv::closing_row(&view, last) {
                put(closing.as_bytes())?;
            }
        }
        Streamed::Timesketch => {
            let timeline = timesketch_events(&view, &order, slots, fact_times)?;
            drop(order);
            in_order(
                &timeline.events,
                |event| event.slot,
                journal,
                |lines: &mut Vec<u8>, _, event, text| {
                    let entry = parse_entry(text)?;
                    let hash = crate::hash::hex32(&event.slot.hash);
                    let hash = std::str::from_utf8(&hash).map_err(io::Error::other)?;
                    let desc = timeline.desc(event);
                    timesketch::push_event_line(lines, &view, &entry, hash, event.at, desc);
                    Ok(())
                },
                |lines| put(lines),
            )?;
            if let Some(closing) = timesketch::closing_line(&view, last) {
                put(closing.as_bytes())?;
            }
        }
        Streamed::Json => {
            if order.is_empty() {
                let (head, tail) = json::frame(&view, slots.len());
                put(head.as_bytes())?;
                put(b"[]")?;
                put(tail.as_bytes())?;
                return Ok(());
            }
            // The document's head (the summary, the registers) is built
            // beside the first batches of entries rather than before them.
            let tail = thread::scope(|scope| {
                let framing = scope.spawn(|| json::frame(&view, slots.len()));
                let mut framing = Some(framing);
                let mut tail = String::new();
                in_order_ahead(
                    FRAMED_AHEAD,
                    &order,
                    |slot| slot,
                    journal,
                    |entries: &mut Vec<u8>, index, _, text| {
                        if index > 0 {
                            entries.push(b',');
                        }
                        json::push_entry(entries, text);
                        Ok(())
                    },
                    |entries| {
                        if let Some(framing) = framing.take() {
                            let (head, rest) = crate::threads::joined(framing);
                            put(head.as_bytes())?;
                            put(b"[")?;
                            tail = rest;
                        }
                        put(entries)
                    },
                )?;
                Ok::<_, Failed>(tail)
            })?;
            put(b"\n  ]")?;
            put(tail.as_bytes())?;
        }
        Streamed::CacaoStatus => {
            put(crate::interop::cacao::status::render(&view).as_bytes())?;
        }
    }
    Ok(())
}

/// One Timesketch event: an entry seen at one of its times. Kept small,
/// since there is one for every entry.
struct TimedEvent<'s> {
    at: DateTime<Utc>,
    /// Which of the entry's times (0 is when it was recorded).
    rank: u32,
    /// The event's description: 0 for `Recorded`, else 1 + its place in
    /// the list of the others.
    desc: u32,
    slot: &'s Slot,
}

/// The Timesketch events in the order written, and the descriptions of
/// those not `Recorded`.
struct Timeline<'s> {
    events: Vec<TimedEvent<'s>>,
    stated: Vec<String>,
}

impl Timeline<'_> {
    fn desc(&self, event: &TimedEvent<'_>) -> &str {
        match event.desc.checked_sub(1) {
            None => "Recorded",
            Some(i) => self
                .stated
                .get(i as usize)
                .map_or("Recorded", String::as_str),
        }
    }
}

/// Every Timesketch event in the order written: each entry's recorded
/// time, and the times the few kinds that state one say. Those of a
/// `fact_set` were noted during the replay (`fact_times`); corrections
/// and submissions are among the lines the view holds. No line is read
/// back for them.
fn timesketch_events<'s>(
    view: &View<'_>,
    order: &[&'s Slot],
    slots: &'s [Slot],
    fact_times: &[StatedTime],
) -> Result<Timeline<'s>, Failed> {
    let held_times = held_stated_times(view);
    let mut events: Vec<TimedEvent> =
        Vec::with_capacity(order.len() + fact_times.len() + held_times.len());
    events.extend(order.iter().map(|slot| TimedEvent {
        at: slot.ts,
        rank: 0,
        desc: 0,
        slot,
    }));
    let mut stated = Vec::with_capacity(fact_times.len() + held_times.len());
    for time in fact_times.iter().chain(&held_times) {
        // Times are noted of verified entries only, whose slots are all
        // there: one missing would be no event rather than a guess.
        let Ok(i) = slots.binary_search_by_key(&time.seq, |s| s.seq) else {
            continue;
        };
        stated.push(time.desc.clone());
        let desc = u32::try_from(stated.len()).map_err(|e| Failed::Reading(io::Error::other(e)))?;
        events.push(TimedEvent {
            at: time.at,
            rank: time.rank,
            desc,
            slot: &slots[i],
        });
    }
    events.sort_by_key(|e| (e.at, e.slot.seq, e.rank));
    Ok(Timeline { events, stated })
}

/// The stated times of the corrections and submissions the view holds.
fn held_stated_times(view: &View<'_>) -> Vec<StatedTime> {
    let facts = timesketch::FactsSet::of(view);
    let mut out = Vec::new();
    for line in &view.input.verified.lines {
        let entry = &line.entry;
        if !matches!(entry.kind, Kind::Correction | Kind::Submission) {
            continue;
        }
        let times = timesketch::times(view, &facts, entry);
        for (rank, (at, desc)) in (0..).zip(times).skip(1) {
            out.push(StatedTime {
                seq: entry.seq,
                rank,
                at,
                desc,
            });
        }
    }
    out
}

/// What a batch is rendered into: emptied once taken, and handed back to
/// be filled again.
pub(super) trait Reusable: Send + Default {
    fn empty(&mut self);
}

impl Reusable for String {
    fn empty(&mut self) {
        self.clear();
    }
}

impl<T: Send> Reusable for Vec<T> {
    fn empty(&mut self) {
        self.clear();
    }
}

/// Renders `items` with `each` (given the verified text of the line
/// `slot_of` names) on every core, a batch at a time, and hands the
/// batches to `take` in the order of `items` (see [`on_every_core`]).
pub(super) fn in_order<'i, T: Sync, B: Reusable>(
    items: &'i [T],
    slot_of: impl Fn(&'i T) -> &'i Slot + Sync,
    journal: &File,
    each: impl Fn(&mut B, usize, &'i T, &str) -> io::Result<()> + Sync,
    take: impl FnMut(&mut B) -> Result<(), Failed>,
) -> Result<(), Failed> {
    in_order_ahead(AHEAD, items, slot_of, journal, each, take)
}

/// [`in_order`] with `ahead` batches per worker.
fn in_order_ahead<'i, T: Sync, B: Reusable>(
    ahead: usize,
    items: &'i [T],
    slot_of: impl Fn(&'i T) -> &'i Slot + Sync,
    journal: &File,
    each: impl Fn(&mut B, usize, &'i T, &str) -> io::Result<()> + Sync,
    take: impl FnMut(&mut B) -> Result<(), Failed>,
) -> Result<(), Failed> {
    let batches: Vec<&'i [T]> = items.chunks(BATCH).collect();
    on_every_core(
        batches.len(),
        ahead,
        |i, read, rendered| {
            let batch = batches.get(i).copied().unwrap_or_default();
            render_batch(journal, batch, i * BATCH, &slot_of, &each, read, rendered)
        },
        take,
    )
}

/// Renders rows `0..len` with `each` on every core, a batch at a time,
/// and hands the batches to `take` in order (see [`on_every_core`]): for
/// long tables made from the replayed state rather than from lines.
pub(super) fn rows_in_order<B: Reusable>(
    len: usize,
    each: impl Fn(&mut B, usize) + Sync,
    take: impl FnMut(&mut B) -> Result<(), Failed>,
) -> Result<(), Failed> {
    on_every_core(
        len.div_ceil(BATCH),
        AHEAD,
        |i, _, rendered| {
            (i * BATCH..len.min((i + 1) * BATCH)).for_each(|row| each(rendered, row));
            Ok(())
        },
        take,
    )
}

/// Renders batches `0..count` with `render` on one worker per core and
/// hands them to `take` in order, as the writer takes them: the workers
/// go on with the next batches while a batch is written. At most
/// `ahead` batches per worker wait to be taken, so memory does not grow
/// with the journal.
///
/// Each worker reads into, and renders into, the same few buffers: taken
/// batches go back to their worker. Fresh buffers for every batch were
/// new memory each time, which the kernel clears page by page: the `json`
/// export of the bench mix took 13,300 page faults, 7,300 more than the
/// `status` it starts with.
fn on_every_core<B: Reusable>(
    count: usize,
    ahead: usize,
    render: impl Fn(usize, &mut ReadBack, &mut B) -> io::Result<()> + Sync,
    mut take: impl FnMut(&mut B) -> Result<(), Failed>,
) -> Result<(), Failed> {
    let workers = thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .min(count);
    if workers <= 1 {
        let mut read = ReadBack::default();
        let mut rendered = B::default();
        for i in 0..count {
            rendered.empty();
            render(i, &mut read, &mut rendered).map_err(Failed::Reading)?;
            take(&mut rendered)?;
        }
        return Ok(());
    }
    thread::scope(|scope| {
        let mut done = Vec::with_capacity(workers);
        let mut returns = Vec::with_capacity(workers);
        for worker in 0..workers {
            let (send, receive) = mpsc::sync_channel(ahead);
            done.push(receive);
            // The writer holds at most one batch: room for every one.
            let (back, given_back) = mpsc::sync_channel::<B>(ahead + 1);
            returns.push(back);
            let render = &render;
            scope.spawn(move || {
                let mut read = ReadBack::default();
                for i in (worker..count).step_by(workers) {
                    let mut rendered = given_back.try_recv().unwrap_or_default();
                    rendered.empty();
                    let rendered = render(i, &mut read, &mut rendered).map(|()| rendered);
                    let failed = rendered.is_err();
                    // The writer stopped (it failed): so does this worker.
                    if send.send(rendered).is_err() || failed {
                        return;
                    }
                }
            });
        }
        for i in 0..count {
            let mut rendered = done[i % workers]
                .recv()
                .map_err(|_| Failed::Reading(io::Error::other("a renderer stopped")))?
                .map_err(Failed::Reading)?;
            take(&mut rendered)?;
            // A worker that has ended takes nothing back: it is freed.
            drop(returns[i % workers].try_send(rendered));
        }
        Ok(())
    })
}

/// One batch rendered into `rendered`: its lines read back (into `read`),
/// checked and handed to `each` with their index in the whole export
/// (`first` for the batch's first).
fn render_batch<'i, T, B>(
    journal: &File,
    batch: &'i [T],
    first: usize,
    slot_of: &impl Fn(&'i T) -> &'i Slot,
    each: &impl Fn(&mut B, usize, &'i T, &str) -> io::Result<()>,
    read: &mut ReadBack,
    rendered: &mut B,
) -> io::Result<()> {
    let slots: Vec<&Slot> = batch.iter().map(slot_of).collect();
    read.fill(journal, &slots)?;
    for (k, (item, slot)) in batch.iter().zip(&slots).enumerate() {
        each(rendered, first + k, item, read.text(k, slot)?)?;
    }
    Ok(())
}

/// The lines of a batch, read with as few reads as their places allow.
/// Filled again for each batch, into the same memory.
#[derive(Default)]
struct ReadBack {
    bytes: Vec<u8>,
    /// Where each slot's line starts in `bytes`.
    starts: Vec<usize>,
}

impl ReadBack {
    fn fill(&mut self, journal: &File, slots: &[&Slot]) -> io::Result<()> {
        let from = slots.iter().map(|s| s.offset).min().unwrap_or(0);
        let to = slots
            .iter()
            .map(|s| s.offset + s.len as u64 + 1)
            .max()
            .unwrap_or(0);
        let wanted: u64 = slots.iter().map(|s| s.len as u64 + 1).sum();
        self.bytes.clear();
        self.starts.clear();
        if to - from <= wanted.saturating_mul(2).saturating_add(SPAN_SLACK) {
            // Lines near each other (in time order as in the file): one read.
            let span = usize::try_from(to - from).map_err(io::Error::other)?;
            self.bytes.resize(span, 0);
            journal.read_exact_at(&mut self.bytes, from)?;
            for slot in slots {
                let start = usize::try_from(slot.offset - from).map_err(io::Error::other)?;
                self.starts.push(start);
            }
            return Ok(());
        }
        // Lines far apart (a Timesketch batch: most lines in file order,
        // a few seen at a time they state): each run of lines near each
        // other in the file is read in one piece.
        let mut by_place: Vec<usize> = (0..slots.len()).collect();
        by_place.sort_by_key(|&k| slots[k].offset);
        self.starts.resize(slots.len(), 0);
        let mut run = by_place.as_slice();
        while let Some(&first) = run.first() {
            let from = slots[first].offset;
            let mut to = from + slots[first].len as u64 + 1;
            let mut taken = 1;
            for &k in &run[1..] {
                if slots[k].offset > to + RUN_GAP {
                    break;
                }
                to = to.max(slots[k].offset + slots[k].len as u64 + 1);
                taken += 1;
            }
            let base = self.bytes.len();
            let span = usize::try_from(to - from).map_err(io::Error::other)?;
            self.bytes.resize(base + span, 0);
            journal.read_exact_at(&mut self.bytes[base..], from)?;
            for &k in &run[..taken] {
                self.starts[k] =
                    base + usize::try_from(slots[k].offset - from).map_err(io::Error::other)?;
            }
            run = &run[taken..];
        }
        Ok(())
    }

    /// The text of the `k`th slot's line, refused unless it is still the
    /// one verified.
    fn text(&self, k: usize, slot: &Slot) -> io::Result<&str> {
        let start = self.starts.get(k).copied().ok_or_else(changed)?;
        let line = self
            .bytes
            .get(start..start + slot.len + 1)
            .ok_or_else(changed)?;
        let (text, end) = line.split_at(slot.len);
        if end != b"\n" || <[u8; 32]>::from(Sha256::digest(text)) != slot.hash {
            return Err(changed());
        }
        std::str::from_utf8(text).map_err(|_| changed())
    }
}

fn changed() -> io::Error {
    io::Error::other("the journal changed while it was being exported")
}

/// The entry of a verified line as its row reads it (see
/// [`RowEntry`]).
pub(super) fn parse_row(text: &str) -> io::Result<RowEntry<'_>> {
    RowEntry::decode(text).map_err(|_| changed())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::ZERO_HASH;
    use crate::journal::Draft;
    use crate::journal::event::{Event, Note, Payload};

    /// A batch whose lines lie far apart in the file (besides runs of
    /// neighbours, in any order, one line twice) reads each exactly, and
    /// refuses a line whose bytes changed.
    #[test]
    fn a_scattered_batch_reads_back_each_line_and_nothing_else() {
        let lines: Vec<String> = (0..3_000)
            .map(|i| format!("{{\"line\":{i},\"pad\":\"{}\"}}", "x".repeat(i % 97)))
            .collect();
        let mut file = tempfile::tempfile().expect("temp file");
        let mut offsets = Vec::new();
        let mut at = 0_u64;
        for line in &lines {
            offsets.push(at);
            at += line.len() as u64 + 1;
            writeln!(file, "{line}").expect("write");
        }
        let slot = |i: usize| Slot {
            ts: DateTime::UNIX_EPOCH,
            seq: i as u64,
            kind: Kind::Note,
            offset: offsets[i],
            len: lines[i].len(),
            hash: Sha256::digest(lines[i].as_bytes()).into(),
        };
        let picked = [2_999, 0, 1, 2, 40, 1_500, 3, 1_501, 2, 2_998, 700];
        let slots: Vec<Slot> = picked.iter().map(|&i| slot(i)).collect();
        let batch: Vec<&Slot> = slots.iter().collect();
        let mut read = ReadBack::default();
        read.fill(&file, &batch).expect("read");
        for (k, &i) in picked.iter().enumerate() {
            assert_eq!(read.text(k, &slots[k]).expect("unchanged"), lines[i]);
        }
        let mut changed = slot(1_500);
        changed.hash[0] ^= 1;
        let batch = [&slots[0], &changed];
        read.fill(&file, &batch).expect("read");
        assert!(read.text(1, &changed).is_err());
    }

    #[test]
    fn a_verified_line_parses_to_the_entry_decode_gives() {
        let draft = Draft {
            ts: DateTime::UNIX_EPOCH,
            mono_ms: 7,
            scenario_ms: Some(3),
            session: "s".into(),
            actor: "A \"quoted\" actor, with \\\"hash\\\":\\\" in it".into(),
            event: Event::on_step(
                "confirm",
                Payload::Note(Note {
                    text: ",\"hash\":\"not the member".into(),
                }),
            ),
        };
        let line = draft.into_entry(4, ZERO_HASH.into()).encode();
        let decoded = Entry::decode(&line).expect("a line encode wrote decodes");
        assert_eq!(parse_verified(&line), Some(decoded));
    }
}
