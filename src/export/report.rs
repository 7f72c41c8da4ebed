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
use std::path::Path;

use super::content::{self, Part, timeline};
use super::document::{Block, Document, Row, Section, Text};
use super::stream::{self, Failed, Slot, Source};
use super::view::{Counts, View};
use super::{html, markdown};
use crate::journal::verify::{Verified, view_file_typed};
use crate::journal::{Kind, Line};
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
                    markdown::write_section_block(out, doc, block);
                }
                if let Some(table) = table {
                    markdown::write_table_head(out, &table.head);
                }
            }
            Self::Html => {
                html::write_heading(out, doc, section);
                for block in before {
                    html::write_section_block(out, doc, block);
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
pub fn is_looked_up(seq: u64, kind: Kind) -> bool {
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
                stream::rows_in_order(
                    lazy.len,
                    |rows: &mut String, i| report.row(rows, (lazy.row)(i), false),
                    |rows| {
                        text.push_str(rows);
                        flush(&mut text, out, FLUSH_AT)
                    },
                )?;
                report.rows_end(&mut text);
            }
            Ready::Part(Part::Timeline(section)) => {
                report.section_to_rows(&mut text, &doc, section);
                let mut order: Vec<&Slot> = slots.iter().collect();
                order.sort_by_key(|s| (s.ts, s.seq));
                stream::in_order(
                    &order,
                    |slot| slot,
                    journal,
                    |rows: &mut String, _, _, line| {
                        let entry = stream::parse_row(line)?;
                        report.row(rows, timeline::cells(view, &entry), false);
                        Ok(())
                    },
                    |rows| {
                        text.push_str(rows);
                        flush(&mut text, out, FLUSH_AT)
                    },
                )?;
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
