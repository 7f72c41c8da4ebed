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
use serde::Deserializer as _;
use serde::de::{DeserializeSeed, IgnoredAny, MapAccess, Visitor};

use super::event::{Event, Payload};
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

    /// Reads a line already checked canonical, whose `seq`, `ts` and
    /// `kind` the check read. `None` when `data` does not read as the
    /// kind's event (or anything else is off): the caller then decodes the
    /// [`Entry`], whose verdict and wording stand, as they always did.
    pub fn decode_canonical(line: &str, seq: u64, ts: DateTime<Utc>, kind: Kind) -> Option<Self> {
        Self::decode_canonical_after(line, seq, ts, kind, &mut Recent::default())
    }

    /// [`TypedEntry::decode_canonical`] of a line that follows those
    /// `recent` saw: a session named as the line before shares its string.
    pub fn decode_canonical_after(
        line: &str,
        seq: u64,
        ts: DateTime<Utc>,
        kind: Kind,
        recent: &mut Recent,
    ) -> Option<Self> {
        let mut reader = serde_json::Deserializer::from_str(line);
        let body = reader.deserialize_map(BodyVisitor { kind, recent }).ok()?;
        reader.end().ok()?;
        Some(Self {
            seq,
            ts,
            scenario_ms: body.scenario_ms,
            session: body.session?,
            actor: body.actor?,
            kind,
            step: body.step,
            payload: Ok(body.payload?),
        })
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
/// (see [`TypedEntry::decode_canonical_after`]).
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

/// The members of a line a replay keeps beyond its header.
#[derive(Default)]
struct Body {
    scenario_ms: Option<u64>,
    session: Option<SharedStr>,
    actor: Option<String>,
    step: Option<String>,
    payload: Option<Payload>,
}

struct BodyVisitor<'r> {
    kind: Kind,
    recent: &'r mut Recent,
}

impl<'de> Visitor<'de> for BodyVisitor<'_> {
    type Value = Body;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a journal line")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Body, A::Error> {
        let mut body = Body::default();
        // A canonical line's member names are plain: an escaped one fails
        // here and the line is decoded as an `Entry` instead.
        while let Some(key) = map.next_key::<&'de str>()? {
            match key {
                "scenario_ms" => body.scenario_ms = map.next_value()?,
                "session" => {
                    body.session = Some(self.recent.session(map.next_value_seed(TextSeed)?));
                }
                "actor" => body.actor = Some(map.next_value()?),
                "step" => body.step = map.next_value()?,
                "data" => body.payload = Some(map.next_value_seed(DataSeed(self.kind))?),
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(body)
    }
}

/// A string member, borrowed from the line unless it has escapes: read
/// only to be compared, it is copied only when new.
struct TextSeed;

impl<'de> DeserializeSeed<'de> for TextSeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: serde::Deserializer<'de>>(self, text: D) -> Result<Self::Value, D::Error> {
        text.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for TextSeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: serde::de::Error>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(text))
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(text.to_owned()))
    }

    fn visit_string<E: serde::de::Error>(self, text: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(text))
    }
}

/// `data` read as `kind`'s payload.
struct DataSeed(Kind);

impl<'de> DeserializeSeed<'de> for DataSeed {
    type Value = Payload;

    fn deserialize<D: serde::Deserializer<'de>>(self, data: D) -> Result<Payload, D::Error> {
        Payload::deserialize_data(self.0, data)
    }
}

#[cfg(test)]
mod tests;
