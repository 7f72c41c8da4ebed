//! Entries decoded for replay: what a replay reads of a line, with `data`
//! read straight into the kind's typed event.
//!
//! [`Entry`] keeps `data` as a JSON map, which is what exports and reviews
//! show. A replay only wants the typed event, and building the map first
//! cost an allocation per member that the replay then converted and threw
//! away, on every line of a long journal.

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
    pub session: String,
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
            session: entry.session.clone(),
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
            session: entry.session,
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
        let mut reader = serde_json::Deserializer::from_str(line);
        let body = reader.deserialize_map(BodyVisitor { kind }).ok()?;
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

/// The members of a line a replay keeps beyond its header.
#[derive(Default)]
struct Body {
    scenario_ms: Option<u64>,
    session: Option<String>,
    actor: Option<String>,
    step: Option<String>,
    payload: Option<Payload>,
}

struct BodyVisitor {
    kind: Kind,
}

impl<'de> Visitor<'de> for BodyVisitor {
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
                "session" => body.session = Some(map.next_value()?),
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
