//! The after-action report (`md`, `html`) written as it is made, in memory
//! that does not grow with the journal's text. One verifying pass replays
//! the state, counts what the summary needs and keeps only the lines the
//! report looks up (see [`scan`]); the sections are then rendered one at a
//! time, their long tables row by row on both cores in batches written in
//! order, the timeline's rows from the journal's lines read back by their
//! [`Slot`] and checked against the SHA-256 verified.
//!
//! The output is byte for byte the one [`super::render`] makes from the
//! whole journal in memory: both are drawn by the same section builders
//! (`content::outline`) and the same renderers.

use std::collections::HashSet;
use std::fs::File;
use std::io::{self, Write};
use std::os::unix::fs::FileExt as _;
use std::path::Path;

use sha2::{Digest as _, Sha256};

use super::content::{self, Part, timeline};
use super::document::{Block, Document, Row, Section, Text};
use super::stream::{self, Failed, Slot, Source};
use super::view::{Counts, View};
use super::{html, markdown};
use crate::journal::verify::{Verified, view_file_typed};
use crate::journal::{Entry, Kind, Line};
use crate::playbook::Playbook;
use crate::run::RunState;

/// A report written as it is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Report {
    Markdown,
    Html,
}

impl Report {
    fn open(self, out: &mut String, doc: &Document, parts: &[Ready<'_>]) {
        match self {
            Self::Markdown => markdown::write_open(out, doc),
            Self::Html => html::write_open(out, doc, parts.iter().map(Ready::contents)),
        }
    }

    fn section(self, out: &mut String, doc: &Document, section: &Section) {
        match self {
            Self::Markdown => markdown::write_section(out, doc, section),
            Self::Html => html::write_section(out, doc, section),
        }
    }

    /// The heading and every block but the last (the table whose rows
    /// follow), then that table's head.
    fn section_to_rows(self, out: &mut String, doc: &Document, section: &Section) {
        let (table, before) = match section.blocks.split_last() {
            Some((Block::Table(table), before)) => (Some(table), before),
            _ => (None, section.blocks.as_slice()),
        };
        match self {
            Self::Markdown => {
                markdown::write_heading(out, doc, section);
                for block in before {
                    markdown::write_block(out, block);
                }
                if let Some(table) = table {
                    markdown::write_table_head(out, &table.head);
                }
            }
            Self::Html => {
                html::write_heading(out, doc, section);
                for block in before {
                    html::write_block(out, block);
                }
                if let Some(table) = table {
                    html::write_table_head(out, &table.head);
                }
            }
        }
    }

    /// After the rows: the table's end and the section's.
    fn rows_end(self, out: &mut String) {
        match self {
            Self::Markdown => {
                markdown::write_table_end(out);
                markdown::write_section_end(out);
            }
            Self::Html => {
                html::write_table_end(out);
                html::write_section_end(out);
            }
        }
    }

    fn row(self, out: &mut String, cells: Vec<Text>, alert: bool) {
        let row = Row { cells, alert };
        match self {
            Self::Markdown => markdown::write_row(out, &row),
            Self::Html => html::write_row(out, &row),
        }
    }

    fn close(self, out: &mut String, doc: &Document) {
        match self {
            Self::Markdown => markdown::write_close(out, doc),
            Self::Html => html::write_close(out, doc),
        }
    }
}

/// What one verifying pass over a journal leaves for the report.
#[derive(Debug)]
pub struct Scanned<R> {
    /// Every verified line, in `seq` order.
    pub slots: Vec<Slot>,
    pub state: RunState,
    /// What the first line resolved to (its playbook).
    pub resolved: R,
    /// The looked-up lines, with what verification found.
    pub kept: Verified,
    pub counts: Counts,
}

/// Why [`scan`] stopped.
#[derive(Debug)]
pub enum Unscanned<E> {
    /// Verifying the journal.
    Verifying(io::Error),
    /// Reading a looked-up line back.
    Reading(io::Error),
    /// The first line resolved to no playbook.
    Unresolved(E),
    /// No line verified.
    Empty,
}

/// Whether the report looks `line` up: the journal's creation, what
/// corrections, messages and evidence sections show. The entries
/// corrections name are added after the pass.
fn is_looked_up(seq: u64, kind: Kind) -> bool {
    stream::is_looked_up_kind(seq, kind)
        || matches!(
            kind,
            Kind::Approval | Kind::Submission | Kind::EvidenceAdded | Kind::EvidenceTransferred
        )
}

/// `line` without its text, which the report never reads: only its entry
/// is kept.
fn entry_only(line: Line) -> Line {
    Line {
        entry: line.entry,
        text: String::new(),
    }
}

/// Verifies `journal` as a stream, replaying the state against the
/// playbook `resolve` finds for its first line.
pub fn scan<R, E>(
    journal: &Path,
    mut resolve: impl FnMut(&Line) -> Result<R, E>,
    playbook: impl Fn(&R) -> &Playbook,
) -> Result<Scanned<R>, Unscanned<E>> {
    let mut slots = Vec::new();
    let mut state = RunState::default();
    let mut resolved: Option<Result<R, E>> = None;
    let mut kept = Vec::new();
    let mut counts = Counts::default();
    // Each line's SHA-256 comes from the chain check, which needs it for
    // the next line's `prev` anyway. Lines are decoded for replay on the
    // checking cores; only the few looked up are kept whole.
    let tally = view_file_typed(journal, None, |line, _| {
        slots.push(Slot::of(&line));
        let looked_up = is_looked_up(line.seq, line.kind);
        if resolved.is_none() || looked_up {
            let whole = line.into_line();
            let resolved = resolved.get_or_insert_with(|| resolve(&whole));
            if let Ok(r) = resolved {
                state.apply(playbook(r), &whole.entry);
            }
            counts.add(&whole.entry);
            if looked_up {
                kept.push(entry_only(whole));
            }
        } else {
            let typed = line.into_typed();
            counts.count(typed.ts, &typed.actor);
            if let Some(Ok(r)) = &resolved {
                state.apply_typed(playbook(r), typed);
            }
        }
    })
    .map_err(Unscanned::Verifying)?;
    let resolved = resolved
        .ok_or(Unscanned::Empty)?
        .map_err(Unscanned::Unresolved)?;
    let source = Source::open(journal).map_err(Unscanned::Reading)?;
    let mut held: HashSet<u64> = kept.iter().map(|l| l.entry.seq).collect();
    for seq in stream::corrected_targets(&kept) {
        let at = slots.binary_search_by_key(&seq, |s| s.seq);
        if let Ok(i) = at
            && held.insert(seq)
        {
            let line = source.line(&slots[i]).map_err(Unscanned::Reading)?;
            kept.push(entry_only(line));
        }
    }
    kept.sort_by_key(|l| l.entry.seq);
    slots.shrink_to_fit();
    Ok(Scanned {
        slots,
        state,
        resolved,
        kept: Verified {
            lines: kept,
            head_hash: tally.head_hash,
            verified_len: tally.verified_len,
            broken: tally.broken,
            torn_tail: tally.torn_tail,
        },
        counts,
    })
}

/// Rows made at once on each core, then written in order.
const BATCH: usize = 1024;

/// Bytes of the report held before they go to the writer.
const FLUSH_AT: usize = 256 << 10;

/// Writes the report to `out`: `view` holds the looked-up lines and the
/// counts over all of them, `slots` every verified line in `seq` order,
/// read back from `journal`.
pub fn write(
    report: Report,
    view: &View<'_>,
    slots: &[Slot],
    journal: &File,
    out: &mut dyn Write,
) -> Result<(), Failed> {
    // A short section is rendered as soon as it is built, and only its
    // text kept until the contents before it are written.
    let mut ready = Vec::new();
    let doc = content::outline(view, |part| {
        ready.push(match part {
            Part::Whole(section) => {
                let mut text = String::new();
                report.section(&mut text, &doc_of(view), &section);
                Ready::Text {
                    id: section.id,
                    title: section.title,
                    text,
                }
            }
            part => Ready::Part(part),
        });
    });
    let mut text = String::with_capacity(FLUSH_AT + (FLUSH_AT >> 2));
    report.open(&mut text, &doc, &ready);
    for part in &ready {
        match part {
            Ready::Text { text: section, .. } => text.push_str(section),
            Ready::Part(Part::Whole(section)) => report.section(&mut text, &doc, section),
            Ready::Part(Part::Rows(lazy)) => {
                report.section_to_rows(&mut text, &doc, &lazy.section);
                in_batches(lazy.len, &mut text, out, |i, text| {
                    report.row(text, (lazy.row)(i), false);
                })?;
                report.rows_end(&mut text);
            }
            Ready::Part(Part::Timeline(section)) => {
                report.section_to_rows(&mut text, &doc, section);
                let mut order: Vec<&Slot> = slots.iter().collect();
                order.sort_by_key(|s| (s.ts, s.seq));
                in_batches_read(&order, journal, &mut text, out, |entry, text| {
                    report.row(text, timeline::cells(view, entry), false);
                })?;
                if let Some(cells) = timeline::end_row(view, timeline::WIDTH) {
                    report.row(&mut text, cells, true);
                }
                report.rows_end(&mut text);
            }
        }
        flush(&mut text, out, FLUSH_AT)?;
    }
    report.close(&mut text, &doc);
    flush(&mut text, out, 0)
}

/// A section ready to be written: already rendered, or still to be.
enum Ready<'v> {
    Text {
        id: &'static str,
        title: String,
        text: String,
    },
    Part(Part<'v>),
}

impl Ready<'_> {
    /// Its id and title, for the contents.
    fn contents(&self) -> (&str, &str) {
        match self {
            Self::Text { id, title, .. } => (id, title),
            Self::Part(part) => (part.section().id, &part.section().title),
        }
    }
}

/// What a section's rendering reads of the document: whether it is an
/// exercise.
fn doc_of(view: &View<'_>) -> Document {
    Document {
        title: String::new(),
        exercise: view.is_exercise(),
        preamble: Vec::new(),
        sections: Vec::new(),
        closing: Vec::new(),
    }
}

/// Hands `text` to `out` once it holds more than `at` bytes.
fn flush(text: &mut String, out: &mut dyn Write, at: usize) -> Result<(), Failed> {
    if text.len() > at {
        out.write_all(text.as_bytes()).map_err(Failed::Writing)?;
        text.clear();
    }
    Ok(())
}

/// Renders rows `0..len` with `row`, a batch at a time split between this
/// thread and one other, appending them in order to `text`.
fn in_batches(
    len: usize,
    text: &mut String,
    out: &mut dyn Write,
    row: impl Fn(usize, &mut String) + Sync,
) -> Result<(), Failed> {
    in_batches_chunked(len, text, out, |range, text| {
        range.for_each(|i| row(i, text));
        Ok(())
    })
}

/// [`in_batches`] over entries read back from `journal` at `order`.
fn in_batches_read(
    order: &[&Slot],
    journal: &File,
    text: &mut String,
    out: &mut dyn Write,
    row: impl Fn(&Entry, &mut String) + Sync,
) -> Result<(), Failed> {
    // Each batch half reads its own lines: a window of the file ahead.
    in_batches_chunked(order.len(), text, out, |range, text| {
        let mut window = Window::default();
        for slot in &order[range] {
            let entry = window.entry(journal, slot)?;
            row(&entry, text);
        }
        Ok(())
    })
}

/// [`in_batches`] handing each thread its range of rows at once.
fn in_batches_chunked(
    len: usize,
    text: &mut String,
    out: &mut dyn Write,
    rows: impl Fn(std::ops::Range<usize>, &mut String) -> io::Result<()> + Sync,
) -> Result<(), Failed> {
    let mut second = String::new();
    let mut start = 0;
    while start < len {
        let end = (start + BATCH).min(len);
        let mid = start + (end - start) / 2;
        let (first, other) = std::thread::scope(|scope| {
            let other = scope.spawn(|| rows(mid..end, &mut second));
            let first = rows(start..mid, text);
            (first, other.join())
        });
        first.map_err(Failed::Reading)?;
        other
            .unwrap_or_else(|_| Err(io::Error::other("a report worker panicked")))
            .map_err(Failed::Reading)?;
        text.push_str(&second);
        second.clear();
        flush(text, out, FLUSH_AT)?;
        start = end;
    }
    Ok(())
}

/// Bytes of the journal read at once when reading lines back.
const WINDOW: usize = 64 << 10;

/// A stretch of the journal read ahead, so lines in file order cost one
/// read per window.
#[derive(Default)]
struct Window {
    bytes: Vec<u8>,
    /// Where `bytes` starts in the file.
    at: u64,
}

impl Window {
    /// The entry at `slot`, refused unless its line is still the one
    /// verified.
    fn entry(&mut self, journal: &File, slot: &Slot) -> io::Result<Entry> {
        let end = slot.offset + slot.len as u64 + 1;
        let inside = slot.offset >= self.at && end <= self.at + self.bytes.len() as u64;
        if !inside {
            let want = WINDOW.max(slot.len + 1);
            self.bytes.resize(want, 0);
            let mut got = 0;
            while got < want {
                match journal.read_at(&mut self.bytes[got..], slot.offset + got as u64) {
                    Ok(0) => break,
                    Ok(n) => got += n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            }
            self.bytes.truncate(got);
            self.at = slot.offset;
        }
        let changed = || io::Error::other("the journal changed while it was being exported");
        let from = usize::try_from(slot.offset - self.at).map_err(io::Error::other)?;
        let line = self
            .bytes
            .get(from..from + slot.len + 1)
            .ok_or_else(changed)?;
        let (newline, line) = line.split_last().ok_or_else(changed)?;
        if *newline != b'\n' || <[u8; 32]>::from(Sha256::digest(line)) != slot.hash {
            return Err(changed());
        }
        let text = std::str::from_utf8(line).map_err(|_| changed())?;
        parse_verified(text).ok_or_else(changed)
    }
}

/// The entry of a line whose bytes are exactly those verified (same
/// SHA-256).
fn parse_verified(text: &str) -> Option<Entry> {
    Entry::decode_verified(text).ok()
}
