//! What a row of an export reads of one entry, from either an [`Entry`]
//! (a journal in memory) or a line read back for the row ([`RowEntry`]).
//!
//! A streamed export reads every line back to render its row. Decoding it
//! as an [`Entry`] built `data` as a JSON map, which a row then turned into
//! the typed event for its sentence, or wrote back as the JSON it was read
//! from: about an eighth of the `csv` export's time. A [`RowEntry`] reads
//! the event straight from the line, as a replay does, and keeps `data`
//! and `prev` as the line stores them. Rows are drawn through
//! [`Recorded`] from both, so a journal rendered in memory (from entries)
//! and the same journal streamed (from lines) must agree byte for byte:
//! the export tests compare the two.

use std::borrow::Cow;

use chrono::{DateTime, Utc};

use crate::journal::canonical;
use crate::journal::event::Payload;
use crate::journal::typed::{Recent, TypedEntry};
use crate::journal::{DecodeError, Entry, Kind};

/// One entry as rows read it.
pub trait Recorded {
    fn seq(&self) -> u64;
    fn ts(&self) -> DateTime<Utc>;
    fn mono_ms(&self) -> u64;
    fn scenario_ms(&self) -> Option<u64>;
    fn session(&self) -> &str;
    fn actor(&self) -> &str;
    fn kind(&self) -> Kind;
    fn step(&self) -> Option<&str>;
    fn prev(&self) -> &str;
    /// `data` as compact JSON, as the line stores it.
    fn data_json(&self) -> Cow<'_, str>;
    /// The kind's payload, or why `data` is not one.
    ///
    /// # Errors
    /// As [`Entry::event`].
    fn payload(&self) -> Result<Cow<'_, Payload>, DecodeError>;
}

impl Recorded for Entry {
    fn seq(&self) -> u64 {
        self.seq
    }

    fn ts(&self) -> DateTime<Utc> {
        self.ts
    }

    fn mono_ms(&self) -> u64 {
        self.mono_ms
    }

    fn scenario_ms(&self) -> Option<u64> {
        self.scenario_ms
    }

    fn session(&self) -> &str {
        &self.session
    }

    fn actor(&self) -> &str {
        &self.actor
    }

    fn kind(&self) -> Kind {
        self.kind
    }

    fn step(&self) -> Option<&str> {
        self.step.as_deref()
    }

    fn prev(&self) -> &str {
        &self.prev
    }

    fn data_json(&self) -> Cow<'_, str> {
        Cow::Owned(serde_json::to_string(&self.data).unwrap_or_default())
    }

    fn payload(&self) -> Result<Cow<'_, Payload>, DecodeError> {
        Payload::from_data(self.kind, &self.data).map(Cow::Owned)
    }
}

/// A verified line as its row reads it: the event decoded as a replay
/// decodes it, `data` and `prev` as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct RowEntry<'l> {
    entry: TypedEntry,
    mono_ms: u64,
    data: Cow<'l, str>,
    prev: Cow<'l, str>,
}

impl<'l> RowEntry<'l> {
    /// Reads `line`, whose bytes are exactly those of a line verified
    /// before (the same SHA-256). A line the canonical reader is not sure
    /// of, or whose `data` is not its kind's event, is decoded whole and
    /// its payload read from the map, as [`Entry::event`] reads it.
    ///
    /// # Errors
    /// When the text is not a journal line at all.
    pub fn decode(line: &'l str) -> Result<Self, DecodeError> {
        if let Some(header) = canonical::verified_header(line)
            && let Some(entry) = TypedEntry::from_header(&header, &mut Recent::default())
        {
            return Ok(Self {
                entry,
                mono_ms: header.mono_ms,
                data: Cow::Borrowed(header.data),
                prev: Cow::Borrowed(header.prev),
            });
        }
        let whole = Entry::decode_verified(line)?;
        Ok(Self {
            mono_ms: whole.mono_ms,
            data: whole.data_json().into_owned().into(),
            prev: Cow::Owned(whole.prev.clone()),
            entry: TypedEntry::from_entry(whole),
        })
    }
}

impl Recorded for RowEntry<'_> {
    fn seq(&self) -> u64 {
        self.entry.seq
    }

    fn ts(&self) -> DateTime<Utc> {
        self.entry.ts
    }

    fn mono_ms(&self) -> u64 {
        self.mono_ms
    }

    fn scenario_ms(&self) -> Option<u64> {
        self.entry.scenario_ms
    }

    fn session(&self) -> &str {
        &self.entry.session
    }

    fn actor(&self) -> &str {
        &self.entry.actor
    }

    fn kind(&self) -> Kind {
        self.entry.kind
    }

    fn step(&self) -> Option<&str> {
        self.entry.step.as_deref()
    }

    fn prev(&self) -> &str {
        &self.prev
    }

    fn data_json(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.data)
    }

    fn payload(&self) -> Result<Cow<'_, Payload>, DecodeError> {
        self.entry
            .payload
            .as_ref()
            .map(Cow::Borrowed)
            .map_err(Clone::clone)
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::{Map, Value, json};

    use super::*;
    use crate::journal::typed::tests::{entry_with, json_value};

    /// The line of an entry whose session and actor both hold escapes.
    fn line_of(kind: Kind, step: Option<&str>, data: Map<String, Value>) -> String {
        let mut entry = entry_with(kind, step, data);
        entry.actor = "Dana \"D\" Reyes é".into();
        entry.encode()
    }

    /// Everything a row reads of `line` is the same read from the entry
    /// decoded whole and from the line as rows read it back. A line that
    /// never verifies (a float that does not write back the same) is
    /// never read back: false.
    fn assert_rows_agree(line: &str) -> bool {
        let Ok(entry) = Entry::decode(line) else {
            return false;
        };
        let row = RowEntry::decode(line).expect("a verified line reads as a row");
        assert_eq!(row.seq(), entry.seq(), "{line}");
        assert_eq!(row.ts(), entry.ts(), "{line}");
        assert_eq!(row.mono_ms(), entry.mono_ms(), "{line}");
        assert_eq!(row.scenario_ms(), entry.scenario_ms(), "{line}");
        assert_eq!(row.session(), entry.session(), "{line}");
        assert_eq!(row.actor(), entry.actor(), "{line}");
        assert_eq!(row.kind(), entry.kind(), "{line}");
        assert_eq!(row.step(), entry.step(), "{line}");
        assert_eq!(row.prev(), entry.prev(), "{line}");
        assert_eq!(row.data_json(), entry.data_json(), "{line}");
        assert_eq!(
            row.payload().map(Cow::into_owned),
            entry.payload().map(Cow::into_owned),
            "{line}"
        );
        true
    }

    fn object(value: &Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap_or_default()
    }

    /// The lines the canonical reader reads in place, those it leaves to
    /// the decoder (a float), and `data` that is not the kind's event.
    #[test]
    fn a_row_read_back_is_the_entry_decoded_whole() {
        let cases = [
            (
                Kind::Note,
                json!({"text": "first \"look\"\nat the logs \\ ünï"}),
            ),
            (Kind::FactSet, json!({"fact": "records", "value": 1200})),
            (Kind::FactSet, json!({"fact": "ratio", "value": 0.25})),
            (Kind::Note, json!({"text": 5})),
            (Kind::Note, json!({})),
            (Kind::StepDone, json!({"note": "=cmd|' /C calc'!A0"})),
            (
                Kind::Decision,
                json!({"fact": "notify", "value": "yes", "decider": "Ana", "options": ["yes", "no"], "rationale": "72h"}),
            ),
        ];
        for (kind, data) in cases {
            assert!(assert_rows_agree(&line_of(
                kind,
                Some("contain/isolate"),
                object(&data)
            )));
            assert!(assert_rows_agree(&line_of(kind, None, object(&data))));
        }
    }

    proptest! {
        /// Whatever `data` holds, for any kind, a row reads the same from
        /// the line as from the entry.
        #[test]
        fn generated_rows_read_the_same_from_the_line_and_the_entry(
            kind in prop::sample::select(vec![
                Kind::Note, Kind::FactSet, Kind::Decision, Kind::StepDone,
                Kind::Submission, Kind::Correction, Kind::RoleAssigned,
            ]),
            step in prop::option::of("[a-z/]{1,10}"),
            members in prop::collection::vec((
                prop_oneof![
                    prop::sample::select(vec!["text", "fact", "value", "note", "reason",
                        "corrects", "role", "person", "channel", "recipient", "stages"])
                        .prop_map(str::to_string),
                    "[a-z_]{1,8}",
                ],
                json_value(),
            ), 0..5),
        ) {
            let data: Map<String, Value> = members.into_iter().collect();
            assert_rows_agree(&line_of(kind, step.as_deref(), data));
        }
    }
}
