//! The verified lines of a journal under review, kept as their text plus
//! one small row each (when, who, what kind, which step): all that sorting
//! and filtering the timeline need. A review of a long journal then costs
//! about the journal's own size in memory; an entry is decoded again only
//! when it is shown or replayed.
//!
//! A journal read from a file leaves its text there: a row then knows where
//! its line lies, and a line is read back when shown and checked against the
//! hash the chain recorded for it. The review then costs the rows and the
//! replayed state, not the journal's size again.
//!
//! A team case's lines are the case's copies of stored lines (see
//! [`crate::case::views`]): their merged `seq`, their writer named
//! `actor@host`, a correction's target renumbered. Each is given back as
//! that copy, from its text and its row, plus the few `data` the case
//! changed (corrections, the kept creation), held aside.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fs::File;
use std::os::unix::fs::FileExt as _;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::export::report;
use crate::export::stream;
use crate::export::view::Counts;
use crate::journal::canonical;
use crate::journal::event::Payload;
use crate::journal::typed::{Recent, TypedEntry};
use crate::journal::{Entry, Kind, Line};

/// What the timeline sorts and filters on, for one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// Where the line's text ends in [`JournalLines`]' text or file (it
    /// starts where the row before ends).
    end: usize,
    pub seq: u64,
    pub ts: DateTime<Utc>,
    pub kind: Kind,
    actor: u32,
    /// Index in the step names, or `None` for an entry of no step.
    step: Option<u32>,
}

/// Verified lines, in journal order.
#[derive(Clone, Default)]
pub struct JournalLines {
    texts: Texts,
    /// Bytes of text so far, newlines included.
    bytes: usize,
    rows: Vec<Row>,
    names: Vec<String>,
    name_index: HashMap<String, u32>,
    /// Which of `names` are actors, each once: a journal has few.
    actors: Vec<u32>,
    /// Corrected `seq` → the `seq` of the last correction naming it.
    corrected: BTreeMap<u64, u64>,
    /// For a team case's copies: the `data` of those lines whose copy
    /// changed it, by line index. `None` for one journal's own lines.
    copies: Option<HashMap<usize, Map<String, Value>>>,
}

/// Where the lines' texts are.
#[derive(Clone)]
enum Texts {
    /// Every line's exact text, each followed by a newline.
    Memory(String),
    /// In the file the lines verified from, from its start.
    File {
        file: Arc<File>,
        /// The SHA-256 each line had when it verified: the next line's
        /// `prev` (the last line's is kept whole in `last`).
        hashes: Vec<[u8; 32]>,
        /// The last line's text, whose hash no later line records yet.
        last: String,
    },
}

impl Default for Texts {
    fn default() -> Self {
        Self::Memory(String::new())
    }
}

impl std::fmt::Debug for JournalLines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JournalLines")
            .field("lines", &self.rows.len())
            .field("bytes", &self.bytes)
            .finish_non_exhaustive()
    }
}

impl JournalLines {
    /// Room for about `bytes` of text, so that reading a whole journal
    /// does not grow (and copy) the text buffer again and again.
    pub fn with_capacity(bytes: usize) -> Self {
        Self {
            texts: Texts::Memory(String::with_capacity(bytes)),
            ..Self::default()
        }
    }

    /// [`JournalLines::with_capacity`] for a team case's copies of its
    /// journals' lines, given back as the copies (see the module comment).
    pub fn of_case(bytes: usize) -> Self {
        Self {
            copies: Some(HashMap::new()),
            ..Self::with_capacity(bytes)
        }
    }

    /// Whether the lines are a team case's copies.
    pub const fn is_case(&self) -> bool {
        self.copies.is_some()
    }

    /// Lines about to be read from the start of `file`, in order, whose
    /// texts stay there.
    pub fn in_file(file: File) -> Self {
        Self {
            texts: Texts::File {
                file: Arc::new(file),
                hashes: Vec::new(),
                last: String::new(),
            },
            ..Self::default()
        }
    }

    /// Keeps `line` (its text and its row), dropping its decoded entry.
    pub fn push(&mut self, line: &Line) {
        let e = &line.entry;
        if e.kind == Kind::Correction
            && let Ok(Payload::Correction(c)) = e.event().map(|event| event.payload)
        {
            self.corrected.insert(c.corrects, e.seq);
        }
        let actor = self.intern(&e.actor);
        if !self.actors.contains(&actor) {
            self.actors.push(actor);
        }
        let step = e.step.as_deref().map(|s| self.intern(s));
        if let Some(copies) = &mut self.copies
            && matches!(e.kind, Kind::Correction | Kind::JournalCreated)
        {
            copies.insert(self.rows.len(), e.data.clone());
        }
        match &mut self.texts {
            Texts::Memory(text) => {
                text.push_str(&line.text);
                text.push('\n');
            }
            Texts::File { hashes, last, .. } => {
                if !self.rows.is_empty() {
                    hashes.push(hash_bytes(&e.prev));
                }
                last.clone_from(&line.text);
            }
        }
        self.bytes += line.text.len() + 1;
        self.rows.push(Row {
            end: self.bytes - 1,
            seq: e.seq,
            ts: e.ts,
            kind: e.kind,
            actor,
            step,
        });
    }

    fn intern(&mut self, name: &str) -> u32 {
        if let Some(i) = self.name_index.get(name) {
            return *i;
        }
        let i = u32::try_from(self.names.len()).unwrap_or(u32::MAX);
        self.names.push(name.to_string());
        self.name_index.insert(name.to_string(), i);
        i
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    pub fn rows(&self) -> &[Row] {
        &self.rows
    }

    /// The exact text of line `i`, without its newline. A line read back
    /// from the file that no longer has the hash it verified with (the file
    /// was changed since) comes back empty, which decodes to nothing.
    pub fn text(&self, i: usize) -> Cow<'_, str> {
        let start = match i {
            0 => 0,
            _ => self.rows[i - 1].end + 1,
        };
        let end = self.rows[i].end;
        match &self.texts {
            Texts::Memory(text) => Cow::Borrowed(&text[start..end]),
            Texts::File { last, .. } if i + 1 == self.rows.len() => Cow::Borrowed(last),
            Texts::File { file, hashes, .. } => {
                Cow::Owned(read_checked(file, start, end, hashes.get(i)).unwrap_or_default())
            }
        }
    }

    pub fn actor(&self, row: &Row) -> &str {
        self.name(row.actor)
    }

    /// Every actor of the lines, once each, in the order they first wrote.
    pub fn actors(&self) -> impl Iterator<Item = &str> {
        self.actors.iter().map(|i| self.name(*i))
    }

    pub fn step(&self, row: &Row) -> Option<&str> {
        row.step.map(|s| self.name(s))
    }

    fn name(&self, i: u32) -> &str {
        usize::try_from(i)
            .ok()
            .and_then(|i| self.names.get(i))
            .map_or("", String::as_str)
    }

    /// Line `i` decoded again from its text (which verified when read).
    pub fn line(&self, i: usize) -> Option<Line> {
        let text = self.text(i);
        Entry::decode(&text).ok().map(|entry| Line {
            entry: self.as_copied(i, entry),
            text: text.into_owned(),
        })
    }

    /// The entry of line `i`, decoded again.
    pub fn entry(&self, i: usize) -> Option<Entry> {
        Entry::decode(&self.text(i))
            .ok()
            .map(|entry| self.as_copied(i, entry))
    }

    /// `entry`, decoded from line `i`'s stored text, as a team case copied
    /// it; unchanged for one journal's own lines.
    fn as_copied(&self, i: usize, mut entry: Entry) -> Entry {
        let (Some(copies), Some(row)) = (&self.copies, self.rows.get(i)) else {
            return entry;
        };
        entry.seq = row.seq;
        entry.actor = self.actor(row).to_string();
        if let Some(data) = copies.get(&i) {
            entry.data.clone_from(data);
        }
        entry
    }

    /// Line `i` decoded for a replay that keeps no notes: read from its
    /// header (the line verified, so it is hashed no more), or decoded
    /// whole when the header cannot say or a team case changed its `data`.
    pub fn entry_for_summary(&self, i: usize, recent: &mut Recent) -> Option<TypedEntry> {
        if self
            .copies
            .as_ref()
            .is_some_and(|data| data.contains_key(&i))
        {
            return self.entry(i).map(TypedEntry::from_entry);
        }
        let text = self.text(i);
        let mut entry = canonical::verified_header(&text)
            .and_then(|head| TypedEntry::from_header_as(&head, recent, true))
            .or_else(|| Entry::decode(&text).ok().map(TypedEntry::from_entry))?;
        if self.copies.is_some()
            && let Some(row) = self.rows.get(i)
        {
            entry.seq = row.seq;
            entry.actor = self.actor(row).to_string();
        }
        Some(entry)
    }

    /// Every line decoded again, in order (what tests compare).
    #[cfg(test)]
    pub fn decode_all(&self) -> Vec<Line> {
        (0..self.len()).filter_map(|i| self.line(i)).collect()
    }

    /// What a report's summary sections read, as a streamed report keeps
    /// it: the lines it looks up (and those their corrections name),
    /// decoded, in journal order; and the counts over every line.
    pub fn for_report(&self) -> (Vec<Line>, Counts) {
        let mut counts = Counts::default();
        let mut kept = Vec::new();
        let mut at = Vec::new();
        for (i, row) in self.rows.iter().enumerate() {
            counts.count(row.ts, self.actor(row));
            if report::is_looked_up(row.seq, row.kind)
                && let Some(line) = self.line(i)
            {
                kept.push(line);
                at.push(i);
            }
        }
        let held: HashSet<u64> = kept.iter().map(|l| l.entry.seq).collect();
        let named: HashSet<u64> = stream::corrected_targets(&kept)
            .into_iter()
            .filter(|seq| !held.contains(seq))
            .collect();
        if named.is_empty() {
            return (kept, counts);
        }
        let mut placed: Vec<(usize, Line)> = at.into_iter().zip(kept).collect();
        for (i, row) in self.rows.iter().enumerate() {
            if named.contains(&row.seq)
                && let Some(line) = self.line(i)
            {
                placed.push((i, line));
            }
        }
        placed.sort_by_key(|(i, _)| *i);
        (placed.into_iter().map(|(_, line)| line).collect(), counts)
    }

    /// The entry that last corrected entry `seq`, if one did.
    pub fn corrected_by(&self, seq: u64) -> Option<u64> {
        self.corrected.get(&seq).copied()
    }
}

/// The bytes `start..end` of `file`, if they are text with SHA-256 `hash`.
fn read_checked(file: &File, start: usize, end: usize, hash: Option<&[u8; 32]>) -> Option<String> {
    let mut bytes = vec![0; end.checked_sub(start)?];
    file.read_exact_at(&mut bytes, u64::try_from(start).ok()?)
        .ok()?;
    let digest = Sha256::digest(&bytes);
    hash.is_some_and(|h| digest.as_slice() == h.as_slice())
        .then_some(())?;
    String::from_utf8(bytes).ok()
}

/// A hex SHA-256 as its 32 bytes (all zero if it is not one: a `prev` of a
/// verified line always is).
fn hash_bytes(hex: &str) -> [u8; 32] {
    let mut out = [0; 32];
    if hex.len() == 64 {
        for (byte, pair) in out.iter_mut().zip(hex.as_bytes().chunks(2)) {
            *byte = std::str::from_utf8(pair)
                .ok()
                .and_then(|p| u8::from_str_radix(p, 16).ok())
                .unwrap_or(0);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::ZERO_HASH;
    use crate::journal::event::{Correction, Note};
    use crate::journal::verify::verify;
    use crate::journal::{Draft, Event};

    /// Notes by two actors, some on a step, and a correction.
    fn journal() -> Vec<Line> {
        let mut prev = ZERO_HASH.to_string();
        let mut bytes = String::new();
        for seq in 0..12_u64 {
            let payload = if seq == 9 {
                Payload::Correction(Box::new(Correction {
                    journal: None,
                    corrects: 4,
                    reason: "typo".into(),
                    value: None,
                    fields: serde_json::Map::new(),
                    occurred_at: None,
                }))
            } else {
                Payload::Note(Note {
                    text: format!("note {seq}"),
                })
            };
            let mut event = Event::new(payload);
            event.step = (seq % 3 == 0).then(|| format!("step-{}", seq % 2));
            let draft = Draft {
                ts: DateTime::from_timestamp(
                    1_800_000_000 + i64::try_from(seq).unwrap_or(0) * 7,
                    0,
                )
                .unwrap_or_default(),
                mono_ms: seq,
                scenario_ms: None,
                session: "s".into(),
                actor: if seq % 2 == 0 { "Dana" } else { "Lee" }.into(),
                event,
            };
            let text = draft.into_entry(seq, prev).encode();
            prev = crate::hash::sha256_hex(text.as_bytes());
            bytes.push_str(&text);
            bytes.push('\n');
        }
        let verified = verify(bytes.as_bytes());
        assert!(verified.is_intact(), "{:?}", verified.broken);
        verified.lines
    }

    #[test]
    fn every_line_comes_back_exactly_as_verified() {
        let lines = journal();
        let mut kept = JournalLines::default();
        for line in &lines {
            kept.push(line);
        }
        assert_eq!(kept.len(), lines.len());
        assert_eq!(kept.decode_all(), lines);
        for (i, line) in lines.iter().enumerate() {
            let row = kept.rows()[i];
            assert_eq!(kept.text(i), line.text);
            assert_eq!(
                (row.seq, row.ts, row.kind),
                (line.entry.seq, line.entry.ts, line.entry.kind)
            );
            assert_eq!(kept.actor(&row), line.entry.actor);
            assert_eq!(kept.step(&row), line.entry.step.as_deref());
        }
        assert_eq!(kept.corrected_by(4), Some(9));
        assert_eq!(kept.corrected_by(5), None);
    }

    #[test]
    fn lines_left_in_the_file_come_back_as_verified_and_a_changed_line_does_not() {
        let lines = journal();
        let text: String = lines.iter().flat_map(|l| [l.text.as_str(), "\n"]).collect();
        let dir = tempfile::tempdir().expect("temporary folder");
        let path = dir.path().join("j.jsonl");
        std::fs::write(&path, &text).expect("journal written");
        let mut kept = JournalLines::in_file(File::open(&path).expect("journal opened"));
        let mut whole = JournalLines::default();
        for line in &lines {
            kept.push(line);
            whole.push(line);
        }
        assert_eq!(kept.decode_all(), lines);
        assert_eq!(kept.rows(), whole.rows());
        for (i, line) in lines.iter().enumerate() {
            assert_eq!(kept.text(i), line.text);
        }

        // Line 3 changed on the disk after it verified (same length).
        let at = text.find(&lines[3].text).expect("line 3")
            + lines[3].text.find("note 3").expect("its note");
        let mut changed = text.into_bytes();
        changed[at + 5] = b'8';
        std::fs::write(&path, changed).expect("journal changed");
        assert_eq!(kept.text(3), "");
        assert_eq!(kept.line(3), None);
        assert_eq!(kept.line(2).as_ref(), Some(&lines[2]));
        assert_eq!(kept.line(11).as_ref(), Some(&lines[11]));
    }
}
