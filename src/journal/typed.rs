//! Entries decoded for replay: what a replay reads of a line, with `data`
//! read straight into the kind's typed event.
//!
//! [`Entry`] keeps `data` as a JSON map, which is what exports and reviews
//! show. A replay only wants the typed event, and building the map first
//! cost an allocation per member that the replay then converted and threw
//! away, on every line of a long journal.

use std::borrow::Cow;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::canonical::{Header, Quoted};
use super::event::{Event, Note, Payload};
use super::{DecodeError, Entry, Kind};

/// A verified entry as a replay applies it.
#[derive(Debug, Clone, PartialEq)]
pub struct TypedEntry {
    pub seq: u64,
    pub ts: DateTime<Utc>,
    pub scenario_ms: Option<u64>,
    /// Shared with the entries around it that name the same session: a
    /// replay reads it on a few kinds only, and copying it for every line
    /// cost an allocation per line.
    pub session: SharedStr,
    pub actor: String,
    pub kind: Kind,
    pub step: Option<String>,
    /// The kind's payload, or why `data` is not one (a replay warns and
    /// goes on).
    pub payload: Result<Payload, DecodeError>,
}

impl TypedEntry {
    /// The entry's replay view, copied.
    pub fn of(entry: &Entry) -> Self {
        Self {
            seq: entry.seq,
            ts: entry.ts,
            scenario_ms: entry.scenario_ms,
            session: SharedStr::from(entry.session.as_str()),
            actor: entry.actor.clone(),
            kind: entry.kind,
            step: entry.step.clone(),
            payload: Payload::from_data(entry.kind, &entry.data),
        }
    }

    /// The entry's replay view, taking its strings.
    pub fn from_entry(entry: Entry) -> Self {
        let payload = Payload::from_data(entry.kind, &entry.data);
        Self {
            seq: entry.seq,
            ts: entry.ts,
            scenario_ms: entry.scenario_ms,
            session: SharedStr::from(entry.session),
            actor: entry.actor,
            kind: entry.kind,
            step: entry.step,
            payload,
        }
    }

    /// The typed event, as [`Entry::event`] gives it.
    ///
    /// # Errors
    /// When `data` is not the kind's payload.
    pub fn event(&self) -> Result<Event, DecodeError> {
        Ok(Event {
            step: self.step.clone(),
            payload: self.payload.clone()?,
        })
    }

    /// Reads a line already checked canonical from the members its
    /// `header` found, the event straight from the `data` it stores.
    /// `None` when `data` does not read as the kind's event (or anything
    /// else is off): the caller then decodes the [`Entry`], whose verdict
    /// and wording stand, as they always did.
    ///
    /// The header has found every member already: reading the line again
    /// as a JSON object, stepping over the members a replay does not keep
    /// (`v`, `seq`, `ts`, `mono_ms`, `kind`, `prev`, `hash`), cost two
    /// thirds of the decoding.
    pub fn from_header(head: &Header<'_>, recent: &mut Recent) -> Option<Self> {
        Self::from_header_as(head, recent, false)
    }

    /// [`TypedEntry::from_header`], a note's text left empty when
    /// `without_note_text` (for a replay that keeps no notes). The note is
    /// still read as its kind's payload, borrowing its text: a `data` that
    /// is not one gives `None`, as it does with the text.
    pub fn from_header_as(
        head: &Header<'_>,
        recent: &mut Recent,
        without_note_text: bool,
    ) -> Option<Self> {
        let mut data = serde_json::Deserializer::from_str(head.data);
        let payload = if without_note_text && head.kind == Kind::Note {
            NoteText::deserialize(&mut data).ok()?;
            Payload::Note(Note::default())
        } else {
            Payload::deserialize_data(head.kind, &mut data).ok()?
        };
        data.end().ok()?;
        Some(Self {
            seq: head.seq,
            ts: head.ts,
            scenario_ms: head.scenario_ms,
            session: recent.session(text_of(head.session)?),
            actor: text_of(head.actor)?.into_owned(),
            kind: head.kind,
            step: head.step.map(str::to_string),
            payload: Ok(payload),
        })
    }
}

/// A note's `data` as [`Note`] reads it, its text borrowed where it has
/// no escape: read to be checked, then dropped.
#[derive(Deserialize)]
struct NoteText<'a> {
    #[serde(borrow)]
    #[allow(dead_code, reason = "read to check it is there and a string")]
    text: Cow<'a, str>,
}

/// The string a stored member holds: its text in place when it has no
/// escape, else unescaped as JSON reads it.
fn text_of(member: Quoted<'_>) -> Option<Cow<'_, str>> {
    match member.plain() {
        Some(text) => Some(Cow::Borrowed(text)),
        None => serde_json::from_str(member.json).ok().map(Cow::Owned),
    }
}

/// A string that many entries repeat, shared between them rather than
/// copied for each: it reads, compares and prints as the text it holds.
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SharedStr(Arc<str>);

impl std::ops::Deref for SharedStr {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl From<&str> for SharedStr {
    fn from(text: &str) -> Self {
        Self(Arc::from(text))
    }
}

impl From<String> for SharedStr {
    fn from(text: String) -> Self {
        Self(Arc::from(text))
    }
}

impl PartialEq<str> for SharedStr {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for SharedStr {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for SharedStr {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl std::fmt::Debug for SharedStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&*self.0, f)
    }
}

impl std::fmt::Display for SharedStr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// What the lines decoded before the next one named, for it to share
/// (see [`TypedEntry::from_header`]).
#[derive(Debug, Default)]
pub struct Recent {
    session: Option<SharedStr>,
}

impl Recent {
    /// `session`, shared with the line before when it named the same.
    fn session(&mut self, session: Cow<'_, str>) -> SharedStr {
        match &self.session {
            Some(last) if **last == *session => last.clone(),
            _ => {
                let shared = SharedStr::from(session.into_owned());
                self.session = Some(shared.clone());
                shared
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests;
