//! The row-per-entry exports (`csv`, `timesketch`) written as they are
//! made, in memory that does not grow with the journal's text: the journal
//! is verified as a stream, each line leaving only its [`Slot`] (time,
//! `seq`, place in the file, SHA-256); the lines are then read back one at
//! a time, in time order, and each row goes straight to the writer. What
//! the rows look up (the replayed state, corrections and the entries they
//! correct, drafts) comes from a small [`Input`] holding only those lines.
//!
//! The output is byte for byte the one [`super::render`] makes from the
//! whole journal in memory.

use std::fs::File;
use std::io::{self, BufReader, Read as _, Write};
use std::path::Path;

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::view::View;
use super::{Format, Input, csv, timesketch};
use crate::hash::to_hex;
use crate::journal::event::Payload;
use crate::journal::{Entry, Kind, Line};

/// An export written row by row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Streamed {
    Csv,
    Timesketch,
}

impl Streamed {
    /// The streamed form of `format`, if it has one.
    pub const fn of(format: Format) -> Option<Self> {
        match format {
            Format::Csv => Some(Self::Csv),
            Format::Timesketch => Some(Self::Timesketch),
            _ => None,
        }
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
    /// The slot of `line`, found at `offset` with SHA-256 `hash`.
    pub fn of(line: &Line, offset: u64, hash: [u8; 32]) -> Self {
        Self {
            ts: line.entry.ts,
            seq: line.entry.seq,
            kind: line.entry.kind,
            offset,
            len: line.text.len(),
            hash,
        }
    }
}

/// Whether the rows look `line` up: the first line (the journal's
/// creation), corrections, and drafted messages. The entries corrections
/// name are added by [`corrected_targets`].
pub fn is_looked_up(line: &Line) -> bool {
    line.entry.seq == 0 || matches!(line.entry.kind, Kind::Correction | Kind::MessageDrafted)
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

/// The journal opened again to read verified lines back by their slot:
/// buffered, so that lines already in time order are read in one sweep.
#[derive(Debug)]
pub struct Source {
    reader: BufReader<File>,
    /// Where the reader is in the file.
    at: u64,
}

impl Source {
    pub fn open(path: &Path) -> io::Result<Self> {
        let file = crate::journal::attachment::open_regular(path)?;
        Ok(Self {
            reader: BufReader::with_capacity(READ_AHEAD, file),
            at: 0,
        })
    }

    /// The line at `slot`, refused unless it is still the one verified.
    pub fn line(&mut self, slot: &Slot) -> io::Result<Line> {
        if slot.offset != self.at {
            // Within what is already read ahead, this moves in the buffer.
            let (to, from) = (i128::from(slot.offset), i128::from(self.at));
            let by = i64::try_from(to - from).map_err(io::Error::other)?;
            self.reader.seek_relative(by)?;
        }
        let mut bytes = vec![0; slot.len + 1];
        self.reader.read_exact(&mut bytes)?;
        self.at = slot.offset + bytes.len() as u64;
        let changed = || io::Error::other("the journal changed while it was being exported");
        if bytes.pop() != Some(b'\n') || <[u8; 32]>::from(Sha256::digest(&bytes)) != slot.hash {
            return Err(changed());
        }
        let text = String::from_utf8(bytes).map_err(|_| changed())?;
        let entry = parse_verified(&text).ok_or_else(changed)?;
        Ok(Line { entry, text })
    }
}

/// The entry of a line whose bytes are exactly those verified (same
/// SHA-256): parsed only, since verification already checked its own hash
/// and canonical form, which [`Entry::decode`] would check again.
fn parse_verified(text: &str) -> Option<Entry> {
    let body_end = text.rfind(",\"hash\":\"")?;
    let mut body = String::with_capacity(body_end + 1);
    body.push_str(&text[..body_end]);
    body.push('}');
    serde_json::from_str(&body).ok()
}

/// Bytes read ahead when reading lines back.
const READ_AHEAD: usize = 256 << 10;

/// Why a streamed export stopped.
#[derive(Debug)]
pub enum Failed {
    /// Reading a line back from the journal.
    Reading(io::Error),
    /// Writing the output.
    Writing(io::Error),
}

/// Writes `format` to `out`: `slots` are every verified line in `seq`
/// order, `input` holds the looked-up lines and the replayed state.
pub fn write(
    format: Streamed,
    input: &Input<'_>,
    slots: &[Slot],
    source: &mut Source,
    out: &mut impl Write,
) -> Result<(), Failed> {
    let view = View::new(input);
    let mut order: Vec<&Slot> = slots.iter().collect();
    order.sort_by_key(|s| (s.ts, s.seq));
    let last = order.last().map(|s| s.ts);
    let mut read = |slot: &Slot| source.line(slot).map_err(Failed::Reading);
    let mut put = |text: &str| out.write_all(text.as_bytes()).map_err(Failed::Writing);
    match format {
        Streamed::Csv => {
            put(&csv::header(&view))?;
            for slot in order {
                put(&csv::row(&view, &read(slot)?, &to_hex(&slot.hash)))?;
            }
            if let Some(closing) = csv::closing_row(&view, last) {
                put(&closing)?;
            }
        }
        Streamed::Timesketch => {
            let mut events = Vec::with_capacity(order.len());
            for slot in order {
                if matches!(
                    slot.kind,
                    Kind::FactSet | Kind::Correction | Kind::Submission
                ) {
                    let line = read(slot)?;
                    for (rank, (at, desc)) in
                        timesketch::times(&view, &line).into_iter().enumerate()
                    {
                        events.push((at, slot.seq, rank, desc, slot));
                    }
                } else {
                    events.push((slot.ts, slot.seq, 0, "Recorded".to_string(), slot));
                }
            }
            events.sort_by_key(|e| (e.0, e.1, e.2));
            for (at, _, _, desc, slot) in events {
                put(&timesketch::event_line(&view, &read(slot)?, at, desc))?;
            }
            if let Some(closing) = timesketch::closing_line(&view, last) {
                put(&closing)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::ZERO_HASH;
    use crate::journal::Draft;
    use crate::journal::event::{Event, Note, Payload};

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
