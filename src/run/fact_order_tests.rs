//! A correction finds the fact record it names the same way whether each
//! fact's history is searched by halves (entries in journal order) or
//! read whole (entries fed out of order).

use chrono::{DateTime, NaiveDate, TimeDelta};
use serde_json::{Value, json};

use super::RunState;
use crate::catalog::Catalog;
use crate::journal::{Entry, Kind, VERSION};
use crate::playbook::Playbook;

fn playbook() -> Playbook {
    let today = NaiveDate::from_ymd_opt(2026, 11, 29).expect("date");
    Catalog::bundled(today)
        .playbook("ransomware-extortion")
        .expect("bundled playbook")
        .playbook
        .clone()
}

fn entry(seq: u64, kind: Kind, data: &Value) -> Entry {
    Entry {
        v: VERSION,
        seq,
        ts: DateTime::from_timestamp(1_790_000_000, 0).expect("time")
            + TimeDelta::seconds(i64::try_from(seq).expect("small")),
        mono_ms: seq,
        scenario_ms: None,
        session: "session-1".into(),
        actor: "Dana Reyes".into(),
        kind,
        step: None,
        data: data.as_object().cloned().unwrap_or_default(),
        seen: None,
        prev: "00".repeat(32),
    }
}

fn fact_set(seq: u64, fact: &str) -> Entry {
    entry(
        seq,
        Kind::FactSet,
        &json!({"fact": fact, "value": format!("v{seq}")}),
    )
}

fn correction(seq: u64, corrects: u64) -> Entry {
    entry(
        seq,
        Kind::Correction,
        &json!({"corrects": corrects, "reason": "typo", "value": format!("c{seq}")}),
    )
}

fn corrected(state: &RunState) -> Vec<(String, u64)> {
    state
        .facts
        .iter()
        .flat_map(|(fact, s)| {
            s.history
                .iter()
                .filter(|r| r.correction.is_some())
                .map(|r| (fact.clone(), r.at.seq))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn corrections_found_by_halves_are_those_found_reading_every_record() {
    let playbook = playbook();
    let facts = ["org", "ransomware_variant", "unknown_fact"];
    let mut entries: Vec<Entry> = (0..90)
        .zip(facts.iter().cycle())
        .map(|(seq, fact)| fact_set(seq, fact))
        .collect();
    // The first, a middle and the last record of a fact, one that no
    // entry made, and one that is not a fact's.
    for (seq, corrects) in (90..).zip([0, 44, 89, 1_000, 90]) {
        entries.push(correction(seq, corrects));
    }
    let mut by_halves = RunState::default();
    let mut read_whole = RunState {
        facts_out_of_order: true,
        ..RunState::default()
    };
    for entry in &entries {
        by_halves.apply(&playbook, entry);
        read_whole.apply(&playbook, entry);
    }
    assert!(!by_halves.facts_out_of_order);
    assert_eq!(
        corrected(&by_halves),
        [
            ("org".to_string(), 0),
            ("unknown_fact".to_string(), 44),
            ("unknown_fact".to_string(), 89),
        ]
    );
    read_whole.facts_out_of_order = false;
    assert_eq!(by_halves, read_whole);
}

#[test]
fn a_history_out_of_seq_order_is_read_whole() {
    let playbook = playbook();
    let mut state = RunState::default();
    for entry in [
        fact_set(9, "org"),
        fact_set(3, "org"),
        fact_set(1, "org"),
        correction(10, 9),
    ] {
        state.apply(&playbook, &entry);
    }
    assert!(state.facts_out_of_order);
    assert_eq!(corrected(&state), [("org".to_string(), 9)]);
}
