//! Reading `data` straight into the event must give what reading it into
//! a map and converting gives, or step aside for that path.

use chrono::DateTime;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::TypedEntry;
use crate::journal::event::{Note, Payload};
use crate::journal::{Entry, Kind, VERSION, canonical};

const KINDS: [Kind; 9] = [
    Kind::Note,
    Kind::FactSet,
    Kind::Decision,
    Kind::StepDone,
    Kind::StepSkipped,
    Kind::ChecklistItem,
    Kind::RoleAssigned,
    Kind::SessionStarted,
    Kind::Correction,
];

/// An entry of `kind` around `data`, its session holding an escape.
pub(crate) fn entry_with(kind: Kind, step: Option<&str>, data: Map<String, Value>) -> Entry {
    Entry {
        v: VERSION,
        seq: 3,
        ts: DateTime::from_timestamp(1_790_000_000, 654_321_000).expect("time"),
        mono_ms: 9,
        scenario_ms: Some(12),
        session: "s-\"1\"".into(),
        actor: "Dana Reyes é".into(),
        kind,
        step: step.map(str::to_string),
        data,
        seen: None,
        prev: "cd".repeat(32),
    }
}

/// What the fast read gives for `line`, if it reads it.
fn fast(line: &str) -> Option<TypedEntry> {
    let head = canonical::header(line)?;
    TypedEntry::from_header(&head, &mut super::Recent::default())
}

/// The fast read, when it answers, equals the map-and-convert read; the
/// read for a summary answers alike, a note's text left empty.
fn assert_agrees(line: &str) {
    let for_summary = canonical::header(line)
        .and_then(|head| TypedEntry::from_header_as(&head, &mut super::Recent::default(), true));
    if let Some(typed) = fast(line) {
        let entry = Entry::decode(line).expect("a canonical line decodes");
        assert_eq!(typed, TypedEntry::from_entry(entry), "{line}");
        assert_eq!(for_summary, Some(without_note_text(typed)), "{line}");
    } else {
        assert_eq!(for_summary, None, "{line}");
    }
}

/// `typed` as a summary reads it: a note's text left empty.
fn without_note_text(mut typed: TypedEntry) -> TypedEntry {
    if let Ok(Payload::Note(note)) = &mut typed.payload {
        note.text.clear();
    }
    typed
}

fn object(value: &Value) -> Map<String, Value> {
    value.as_object().cloned().unwrap_or_default()
}

#[test]
fn every_member_a_replay_reads_comes_through() {
    let data = object(&json!({"text": "first \"look\"\nat the logs \\ ünï"}));
    let entry = entry_with(Kind::Note, Some("detect/triage"), data);
    let typed = fast(&entry.encode()).expect("a plain note reads directly");
    assert_eq!(typed, TypedEntry::from_entry(entry.clone()));
    assert_eq!(typed.actor, "Dana Reyes é");
    assert_eq!(typed.session, "s-\"1\"");
    assert_eq!(typed.scenario_ms, Some(12));
    assert_eq!(typed.step.as_deref(), Some("detect/triage"));
    assert_eq!(typed.event(), entry.event());
}

/// A replay that keeps no notes gets a note's entry whole but its text,
/// escaped or not; a `data` that is not a note is refused as before.
#[test]
fn a_note_read_for_a_summary_comes_without_its_text() {
    let for_summary = |line: &str| {
        let head = canonical::header(line).expect("canonical");
        TypedEntry::from_header_as(&head, &mut super::Recent::default(), true)
    };
    for text in ["plain words", "an \"escaped\"\nnote é"] {
        let entry = entry_with(
            Kind::Note,
            Some("detect/triage"),
            object(&json!({"text": text})),
        );
        let typed = for_summary(&entry.encode()).expect("a note reads");
        assert_eq!(typed.payload, Ok(Payload::Note(Note::default())));
        assert_eq!(typed, without_note_text(TypedEntry::from_entry(entry)));
    }
    for data in [json!({}), json!({"text": 5}), json!({"text": ["x"]})] {
        let line = entry_with(Kind::Note, None, object(&data)).encode();
        assert!(for_summary(&line).is_none(), "{line}");
    }
    let fact = entry_with(
        Kind::FactSet,
        None,
        object(&json!({"fact": "records", "value": 3})),
    );
    assert_eq!(for_summary(&fact.encode()), fast(&fact.encode()));
}

#[test]
fn data_that_is_not_the_kinds_event_is_left_to_the_map_read() {
    for data in [json!({}), json!({"text": 5}), json!({"text": ["x"]})] {
        let entry = entry_with(Kind::Note, None, object(&data));
        let line = entry.encode();
        assert!(canonical::header(&line).is_some(), "{line}");
        assert!(fast(&line).is_none(), "{line}");
        // Whose wording is what a replay warns with, as before.
        let slow = TypedEntry::from_entry(Entry::decode(&line).expect("decodes"));
        assert!(slow.payload.is_err(), "{line}");
        assert_eq!(slow.event(), Entry::decode(&line).expect("decodes").event());
    }
    // What the map read accepts (a note ignores members it does not
    // know) the fast read accepts alike.
    let entry = entry_with(
        Kind::Note,
        None,
        object(&json!({"text": "x", "extra": true})),
    );
    assert_eq!(
        fast(&entry.encode()).map(|typed| typed.event()),
        Some(entry.event())
    );
}

/// Any JSON value, its strings often words the payloads use.
pub(crate) fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        "\\PC{0,8}|[\\x00-\\x20\"\\\\]{0,4}|(note|fact|yes|no|done|executive|2026-11-28T13:05:00Z)"
            .prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-z]{1,6}", inner), 0..4)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

/// Member names the payloads use, so that generated `data` often is an
/// event, or nearly one.
fn member_name() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "text",
            "fact",
            "value",
            "occurred_at",
            "reason",
            "note",
            "item",
            "checked",
            "role",
            "person",
            "mode",
            "host",
            "corrects",
            "field",
            "fields",
            "rationale",
            "options",
            "decider",
            "comment",
            "source",
        ])
        .prop_map(str::to_string),
        "[a-z_]{1,8}",
    ]
}

proptest! {
    /// Whatever `data` holds, for any kind, the fast read is either
    /// refused or the same as reading a map and converting it.
    #[test]
    fn generated_data_reads_the_same_both_ways(
        kind in prop::sample::select(KINDS.to_vec()),
        step in prop::option::of("[a-z/]{1,10}"),
        members in prop::collection::vec((member_name(), json_value()), 0..5),
    ) {
        let data: Map<String, Value> = members.into_iter().collect();
        let line = entry_with(kind, step.as_deref(), data).encode();
        assert_agrees(&line);
    }
}
