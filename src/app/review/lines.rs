//! The verified lines of a journal under review, kept as their text plus
//! one small row each (when, who, what kind, which step): all that sorting
//! and filtering the timeline need. A review of a long journal then costs
//! about the journal's own size in memory; an entry is decoded again only
//! when it is shown or replayed.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};

use crate::journal::event::Payload;
use crate::journal::{Entry, Kind, Line};

/// What the timeline sorts and filters on, for one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row {
    /// Where the line's text ends in [`JournalLines`]' text (it starts
    /// where the row before ends).
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
    /// Every line's exact text, each followed by a newline.
    text: String,
    rows: Vec<Row>,
    names: Vec<String>,
    name_index: HashMap<String, u32>,
    /// Corrected `seq` → the `seq` of the last correction naming it.
    corrected: BTreeMap<u64, u64>,
}

impl std::fmt::Debug for JournalLines {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JournalLines")
            .field("lines", &self.rows.len())
            .field("bytes", &self.text.len())
            .finish_non_exhaustive()
    }
}

impl JournalLines {
    /// Room for about `bytes` of text, so that reading a whole journal
    /// does not grow (and copy) the text buffer again and again.
    pub fn with_capacity(bytes: usize) -> Self {
        Self {
            text: String::with_capacity(bytes),
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
        let step = e.step.as_deref().map(|s| self.intern(s));
        self.text.push_str(&line.text);
        self.text.push('\n');
        self.rows.push(Row {
            end: self.text.len() - 1,
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

    /// The exact text of line `i`, without its newline.
    pub fn text(&self, i: usize) -> &str {
        let start = match i {
            0 => 0,
            _ => self.rows[i - 1].end + 1,
        };
        &self.text[start..self.rows[i].end]
    }

    pub fn actor(&self, row: &Row) -> &str {
        self.name(row.actor)
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
        Entry::decode(text).ok().map(|entry| Line {
            entry,
            text: text.to_string(),
        })
    }

    /// The entry of line `i`, decoded again.
    pub fn entry(&self, i: usize) -> Option<Entry> {
        Entry::decode(self.text(i)).ok()
    }

    /// Every line decoded again, in order.
    pub fn decode_all(&self) -> Vec<Line> {
        (0..self.len()).filter_map(|i| self.line(i)).collect()
    }

    /// The entry that last corrected entry `seq`, if one did.
    pub fn corrected_by(&self, seq: u64) -> Option<u64> {
        self.corrected.get(&seq).copied()
    }
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
                Payload::Correction(Correction {
                    journal: None,
                    corrects: 4,
                    reason: "typo".into(),
                    value: None,
                    fields: serde_json::Map::new(),
                    occurred_at: None,
                })
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
}
