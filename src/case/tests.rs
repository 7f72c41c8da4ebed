//! Merge order, conflicts and cross-witnessing over journals built in
//! memory through the real encoder and verifier.

use chrono::{DateTime, TimeZone as _, Utc};
use serde_json::json;

use super::conflict;
use super::merge::{CaseJournal, Merged, line_hash};
use super::replay::{JournalRead, Replayed};
use super::witness;
use crate::hash::ZERO_HASH;
use crate::journal::TypedEntry;
use crate::journal::event::{Correction, FactSet, Head, Note, Payload, Resolution, Seen};
use crate::journal::verify::verify;
use crate::journal::{Draft, Event};

fn at(secs: i64) -> DateTime<Utc> {
    Utc.timestamp_opt(1_800_000_000 + secs, 0).unwrap()
}

fn note(text: &str) -> Payload {
    Payload::Note(Note { text: text.into() })
}

fn fact(value: bool) -> Payload {
    Payload::FactSet(FactSet {
        fact: "personal_data".into(),
        value: json!(value),
        occurred_at: None,
        confirmed: None,
    })
}

/// A journal `id` whose entries are (seconds, payload, seen).
fn journal(id: &str, entries: Vec<(i64, Payload, Option<Seen>)>) -> CaseJournal {
    CaseJournal {
        id: id.into(),
        verified: verify(journal_bytes(id, entries).as_bytes()),
    }
}

/// The bytes of [`journal`].
fn journal_bytes(id: &str, entries: Vec<(i64, Payload, Option<Seen>)>) -> String {
    let mut prev = ZERO_HASH.to_string();
    let mut bytes = String::new();
    for (seq, (secs, payload, seen)) in entries.into_iter().enumerate() {
        let draft = Draft {
            ts: at(secs),
            mono_ms: 0,
            scenario_ms: None,
            session: "s".into(),
            actor: id.split('@').next().unwrap_or_default().into(),
            event: Event::new(payload),
        };
        let mut entry = draft.into_entry(seq as u64, prev.clone());
        entry.seen = seen;
        let line = entry.encode();
        prev = line_hash(&line);
        bytes.push_str(&line);
        bytes.push('\n');
    }
    bytes
}

fn seen_of(j: &CaseJournal, seq: usize) -> Seen {
    [(
        j.id.clone(),
        Head {
            seq: seq as u64,
            hash: line_hash(&j.verified.lines[seq].text),
        },
    )]
    .into()
}

fn order(m: &Merged) -> Vec<(String, u64)> {
    m.order
        .iter()
        .map(|a| (m.journals[a.journal].id.clone(), m.entry(*a).seq))
        .collect()
}

fn ids(list: &[(&str, u64)]) -> Vec<(String, u64)> {
    list.iter().map(|(j, s)| ((*j).to_string(), *s)).collect()
}

#[test]
fn an_entry_comes_after_what_it_saw_even_with_an_earlier_clock() {
    let a = journal("a@h", vec![(0, note("a0"), None), (50, note("a1"), None)]);
    let seen = seen_of(&a, 1);
    // b's clock is behind: its entry has an earlier ts than what it saw.
    let b = journal(
        "b@h",
        vec![(1, note("b0"), None), (2, note("b1"), Some(seen))],
    );
    let merged = Merged::new(vec![b, a]);
    assert_eq!(
        order(&merged),
        ids(&[("a@h", 0), ("b@h", 0), ("a@h", 1), ("b@h", 1)])
    );
}

#[test]
fn equal_times_fall_back_to_journal_id_then_seq_whatever_the_input_order() {
    let make = || {
        vec![
            journal("zed@h", vec![(0, note("z0"), None), (0, note("z1"), None)]),
            journal("amy@h", vec![(0, note("a0"), None)]),
        ]
    };
    let mut reversed = make();
    reversed.reverse();
    let (m1, m2) = (Merged::new(make()), Merged::new(reversed));
    assert_eq!(order(&m1), order(&m2));
    assert_eq!(order(&m1), ids(&[("amy@h", 0), ("zed@h", 0), ("zed@h", 1)]));
}

#[test]
fn a_seen_head_that_is_missing_still_gives_an_order_and_verify_names_it() {
    let a = journal("a@h", vec![(0, note("a0"), None)]);
    let phantom: Seen = [(
        "a@h".to_string(),
        Head {
            seq: 5,
            hash: "0".repeat(64),
        },
    )]
    .into();
    let b = journal("b@h", vec![(1, note("b0"), Some(phantom))]);
    let merged = Merged::new(vec![a, b]);
    assert_eq!(merged.order.len(), 2);
    let found = witness::check(&merged.journals);
    assert_eq!(found.len(), 1);
    assert_eq!((found[0].journal.as_str(), found[0].seq), ("a@h", 5));
    assert_eq!(found[0].witness, "b@h");
}

#[test]
fn concurrent_different_values_conflict_and_a_resolution_that_saw_both_ends_it() {
    let a = journal("a@h", vec![(0, note("open"), None), (10, fact(true), None)]);
    let b = journal(
        "b@h",
        vec![(0, note("open"), None), (11, fact(false), None)],
    );
    let merged = Merged::new(vec![a.clone(), b.clone()]);
    let found = conflict::find(&merged);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].key, "personal_data");
    assert_eq!(found[0].entries.len(), 2);

    let resolution = Payload::Resolution(Box::new(Resolution {
        about: "fact".into(),
        key: "personal_data".into(),
        value: json!(true),
        reason: "confirmed".into(),
        resolves: Vec::new(),
    }));
    let a2 = journal(
        "a@h",
        vec![
            (0, note("open"), None),
            (10, fact(true), None),
            (20, resolution, Some(seen_of(&b, 1))),
        ],
    );
    assert!(conflict::find(&Merged::new(vec![a2, b.clone()])).is_empty());

    // A value set after seeing the other is a decision, not a conflict.
    let b_informed = journal(
        "b@h",
        vec![
            (0, note("open"), None),
            (11, fact(false), Some(seen_of(&a, 1))),
        ],
    );
    assert!(conflict::find(&Merged::new(vec![a, b_informed])).is_empty());
}

#[test]
fn the_same_value_from_two_responders_is_no_conflict() {
    let a = journal("a@h", vec![(10, fact(true), None)]);
    let b = journal("b@h", vec![(11, fact(true), None)]);
    assert!(conflict::find(&Merged::new(vec![a, b])).is_empty());
}

#[test]
fn the_feed_renumbers_keeps_one_creation_and_corrections_follow_their_target() {
    let correction = Payload::Correction(Box::new(Correction {
        corrects: 1,
        journal: None,
        reason: "typo".into(),
        value: Some(json!(false)),
        fields: serde_json::Map::new(),
        occurred_at: None,
    }));
    let a = journal(
        "a@h",
        vec![
            (0, created("c", None), None),
            (5, fact(true), None),
            (9, correction, None),
        ],
    );
    let b = journal(
        "b@h",
        vec![(1, created("c", None), None), (2, note("b"), None)],
    );
    let (a2, b2) = (a.clone(), b.clone());
    let feed = Merged::new(vec![a, b]).feed();
    let kinds: Vec<String> = feed.iter().map(|l| l.entry.kind.to_string()).collect();
    assert_eq!(kinds, ["journal_created", "note", "fact_set", "correction"]);
    let seqs: Vec<u64> = feed.iter().map(|l| l.entry.seq).collect();
    assert_eq!(seqs, [0, 1, 2, 3]);
    assert_eq!(feed[3].entry.data["corrects"], json!(2));
    let moved = Merged::new(vec![a2, b2]).into_feed();
    assert_eq!(moved, feed, "moving the lines out gives the same feed");
}

#[test]
fn positions_and_responder_lines_agree_with_the_feed() {
    let a = journal(
        "ana@lap-1",
        vec![(0, note("a0"), None), (5, fact(true), None)],
    );
    let b = journal(
        "bob@lap-2",
        vec![(1, note("b0"), None), (2, note("b1"), None)],
    );
    let merged = Merged::new(vec![b, a]);
    let feed = merged.feed();
    let positions = merged.positions();
    for (j, slots) in positions.iter().enumerate() {
        for (line, slot) in slots.iter().enumerate() {
            let at = usize::try_from(slot.unwrap()).unwrap();
            assert_eq!(
                feed[at].text, merged.journals[j].verified.lines[line].text,
                "journal {j} line {line}"
            );
        }
    }
    let shown = super::views::into_responder_lines(merged.clone());
    let who: Vec<&str> = shown.iter().map(|l| l.entry.actor.as_str()).collect();
    assert_eq!(who, ["ana@lap-1", "bob@lap-2", "bob@lap-2", "ana@lap-1"]);
    assert!(
        shown.iter().zip(&feed).all(|(s, f)| s.text == f.text),
        "the stored bytes are kept"
    );
}

#[test]
fn the_case_head_changes_with_any_journal_head() {
    let a = journal("a@h", vec![(0, note("a0"), None)]);
    let b = journal("b@h", vec![(0, note("b0"), None)]);
    let b2 = journal("b@h", vec![(0, note("b0"), None), (1, note("b1"), None)]);
    let one = Merged::new(vec![a.clone(), b]).case_head();
    assert_eq!(one.len(), 64);
    assert_ne!(one, Merged::new(vec![a, b2]).case_head());
}

#[test]
fn the_same_role_given_to_different_people_concurrently_is_a_conflict() {
    let role = |person: &str| {
        Payload::RoleAssigned(crate::journal::event::RoleAssigned {
            role: "ic".into(),
            person: person.into(),
        })
    };
    let decision = |value: &str| {
        Payload::Decision(Box::new(crate::journal::event::Decision {
            fact: "ransom_decision".into(),
            value: json!(value),
            rationale: "r".into(),
            options: Vec::new(),
            decider: "d".into(),
        }))
    };
    let a = journal(
        "a@h",
        vec![(1, role("Ana"), None), (2, decision("pay"), None)],
    );
    let b = journal(
        "b@h",
        vec![(1, role("Bob"), None), (3, decision("refuse"), None)],
    );
    let found = conflict::find(&Merged::new(vec![a, b]));
    let keys: Vec<(&str, &str)> = found
        .iter()
        .map(|c| (c.about.as_str(), c.key.as_str()))
        .collect();
    assert_eq!(keys, [("fact", "ransom_decision"), ("role", "ic")]);
}

/// A `journal_created` payload for a case journal (a drill's when `drill`).
pub(super) fn created(journal_id: &str, drill: Option<crate::journal::event::DrillRef>) -> Payload {
    Payload::JournalCreated(Box::new(crate::journal::event::Created {
        journal_id: journal_id.into(),
        playbook: crate::journal::event::PlaybookRef {
            id: "p".into(),
            version: "1".into(),
            path: "playbook.yaml".into(),
            sha256: "x".into(),
        },
        title: "t".into(),
        timezone: "UTC".into(),
        exercise: drill.is_some(),
        app_version: "0".into(),
        drill,
        holidays: Vec::new(),
    }))
}

/// A case folder holding what the merge must get right: a participant's
/// creation kept before the facilitator's (whose scenario is carried), a
/// correction across journals, a correction within one, concurrent facts,
/// `seen` heads (one of them contradicted), text that looks like a `seen`
/// member, a torn tail and a tampered line.
fn awkward_case(dir: &std::path::Path) {
    let drill = crate::journal::event::DrillRef {
        id: "court".into(),
        path: "bundled:court.yaml".into(),
        sha256: "d".into(),
    };
    let correction = |corrects: u64, journal: Option<&str>| {
        Payload::Correction(Box::new(Correction {
            corrects,
            journal: journal.map(Into::into),
            reason: "typo".into(),
            value: Some(json!(false)),
            fields: serde_json::Map::new(),
            occurred_at: None,
        }))
    };
    let fac_entries = || {
        vec![
            (0, created("c", Some(drill.clone())), None),
            (10, fact(true), None),
            (12, note(r#"pasted: {"seen":{"x@y":{"seq":0}}}"#), None),
            (30, correction(1, None), None),
        ]
    };
    let fac = journal("fac@h1", fac_entries());
    let part = journal_bytes(
        "part@h2",
        vec![
            (-5, created("c", None), None),
            (11, fact(false), None),
            (40, correction(1, Some("fac@h1")), Some(seen_of(&fac, 2))),
        ],
    );
    let mut forged = seen_of(&fac, 1);
    if let Some(head) = forged.get_mut("fac@h1") {
        head.hash = "0".repeat(64);
    }
    let mut ghost = journal_bytes(
        "ghost@h3",
        vec![(20, note("g0"), None), (21, note("g1"), Some(forged))],
    );
    ghost.push_str(r#"{"v":1,"seq":2,"ts":"#);
    let tampered = journal_bytes(
        "bad@h4",
        vec![
            (3, note("b0"), None),
            (4, note("b1"), None),
            (5, note("b2"), None),
        ],
    )
    .replacen("b1", "B1", 1);
    let journals = dir.join("journals");
    std::fs::create_dir_all(&journals).unwrap();
    let fac_bytes = journal_bytes("fac@h1", fac_entries());
    for (id, bytes) in [
        ("fac@h1", fac_bytes),
        ("part@h2", part),
        ("ghost@h3", ghost),
        ("bad@h4", tampered),
    ] {
        std::fs::write(journals.join(format!("{id}.jsonl")), bytes).unwrap();
    }
}

#[test]
fn a_case_read_for_replay_names_the_first_unreadable_journal_in_folder_order() {
    let dir = tempfile::tempdir().unwrap();
    awkward_case(dir.path());
    // Journals are read all at once: the error is still the first
    // journal's in folder order, as when they were read one by one.
    for name in ["zz@last.jsonl", "aa@first.jsonl"] {
        std::fs::create_dir(super::folder::journals_dir(dir.path()).join(name)).unwrap();
    }
    let mut fed = 0;
    let error = super::replay::load(dir.path())
        .unwrap()
        .replay(|_| fed += 1)
        .unwrap_err();
    assert!(error.contains("aa@first.jsonl"), "{error}");
    assert!(!error.contains("zz@last.jsonl"), "{error}");
    let whole = super::merge::load(dir.path()).unwrap_err();
    assert!(whole.contains("aa@first.jsonl"), "{whole}");
}

/// What the merge of whole lines makes of the case in `dir`: what the
/// checks find, and the entries fed to the replay.
fn replayed_whole(dir: &std::path::Path) -> (Replayed, Vec<TypedEntry>) {
    let merged = Merged::new(super::merge::load(dir).unwrap());
    let conflicts = conflict::find(&merged);
    let contradictions = witness::check(&merged.journals);
    let journals = merged
        .journals
        .iter()
        .map(|j| JournalRead {
            id: j.id.clone(),
            entries: j.verified.lines.len(),
            head: j.head().map(|(seq, hash)| (seq, hash.to_string())),
            broken: j.verified.broken.clone(),
            torn_tail: j.verified.torn_tail,
        })
        .collect();
    let head = merged.case_head();
    let fed: Vec<TypedEntry> = super::views::into_responder_lines(merged)
        .into_iter()
        .map(|l| TypedEntry::from_entry(l.entry))
        .collect();
    let replayed = Replayed {
        journals,
        conflicts,
        contradictions,
        fed: fed.len(),
    };
    assert_eq!(replayed.case_head(), head);
    (replayed, fed)
}

/// The merged replay of the case in `dir` (merge and replay side by
/// side): what it found, and the entries it fed.
fn replayed_side_by_side(dir: &std::path::Path) -> (Replayed, Vec<TypedEntry>) {
    let mut fed = Vec::new();
    let replayed = super::replay::load(dir)
        .unwrap()
        .replay(|line| fed.push(line.entry))
        .unwrap();
    (replayed, fed)
}

/// The scenario the first entry fed carries.
fn carried_drill(fed: &[TypedEntry]) -> Option<&str> {
    match &fed.first()?.payload {
        Ok(Payload::JournalCreated(c)) => c.drill.as_ref().map(|d| d.id.as_str()),
        _ => None,
    }
}

#[test]
fn a_merged_replay_feeds_and_finds_what_the_merge_of_whole_lines_does() {
    let dir = tempfile::tempdir().unwrap();
    awkward_case(dir.path());
    let (whole, by_whole) = replayed_whole(dir.path());
    let (replayed, by_replay) = replayed_side_by_side(dir.path());
    assert_eq!(replayed, whole);
    assert_eq!(by_replay, by_whole);
    // What the case gives each check, so the comparison is not vacuous:
    // the participant's creation waited for the facilitator's scenario.
    assert_eq!(whole.conflicts.len(), 1, "the concurrent facts");
    assert_eq!(whole.contradictions.len(), 1, "the forged head");
    assert_eq!(carried_drill(&by_whole), Some("court"));
    assert_eq!(by_whole[0].actor, "part@h2");
    assert!(whole.journals.iter().any(|j| j.broken.is_some()));
    assert!(whole.journals.iter().any(|j| j.torn_tail > 0));
}

/// A case replayed for a summary finds what a full replay finds and feeds
/// the same entries, each note's text left empty (a summary keeps none).
#[test]
fn a_case_replayed_for_a_summary_feeds_notes_without_their_text() {
    let dir = tempfile::tempdir().unwrap();
    awkward_case(dir.path());
    let (whole, by_whole) = replayed_side_by_side(dir.path());
    let mut by_summary = Vec::new();
    let replayed = super::replay::load(dir.path())
        .unwrap()
        .for_summary()
        .replay(|line| by_summary.push(line.entry))
        .unwrap();
    assert_eq!(replayed, whole);
    let notes = by_whole
        .iter()
        .filter(|e| matches!(&e.payload, Ok(Payload::Note(n)) if !n.text.is_empty()))
        .count();
    assert!(notes > 0, "the case has notes with text");
    let expected: Vec<TypedEntry> = by_whole
        .into_iter()
        .map(|mut entry| {
            if let Ok(Payload::Note(n)) = &mut entry.payload {
                n.text.clear();
            }
            entry
        })
        .collect();
    assert_eq!(by_summary, expected);
}

#[test]
fn a_merged_replay_of_many_interleaved_journals_feeds_what_the_merge_does() {
    // Eight responders writing at once, each seeing the others now and
    // then, setting the same fact and correcting each other: many batches
    // of the order, so the replay waits on the merge in turn.
    let dir = tempfile::tempdir().unwrap();
    let journals = dir.path().join("journals");
    std::fs::create_dir_all(&journals).unwrap();
    let ids: Vec<String> = (0..8).map(|r| format!("r{r}@h{r}")).collect();
    let mut written: Vec<CaseJournal> = Vec::new();
    for (r, id) in (0_i64..).zip(&ids) {
        let mut entries = vec![(r, created("c", None), None)];
        for k in 1..700_u16 {
            let secs = i64::from(k) * 8 + (r * 3) % 8;
            let payload = match k % 50 {
                7 => fact((i64::from(k) + r) % 2 == 0),
                9 => Payload::Correction(Box::new(Correction {
                    corrects: u64::from(k - 2),
                    journal: ids.iter().cycle().nth(written.len() + 1).cloned(),
                    reason: "typo".into(),
                    value: None,
                    fields: serde_json::Map::new(),
                    occurred_at: None,
                })),
                _ => note(&format!("{id} {k}")),
            };
            // Every 100th entry records the head an earlier responder had
            // written a while before.
            let seen = (k % 100 == 0)
                .then(|| written.last().map(|j| seen_of(j, usize::from(k) / 2)))
                .flatten();
            entries.push((secs, payload, seen));
        }
        let bytes = journal_bytes(id, entries.clone());
        std::fs::write(journals.join(format!("{id}.jsonl")), &bytes).unwrap();
        written.push(journal(id, entries));
    }
    let (whole, by_whole) = replayed_whole(dir.path());
    let (replayed, by_replay) = replayed_side_by_side(dir.path());
    assert_eq!(replayed, whole);
    assert_eq!(by_replay, by_whole);
    assert_eq!(whole.fed, 8 * 699 + 1);
    assert!(!whole.conflicts.is_empty());
    assert!(whole.contradictions.is_empty());
}

#[test]
fn a_scenario_named_by_a_creation_merged_late_is_carried_onto_the_first_line_fed() {
    // The kept creation names no scenario; the facilitator's journal,
    // created later, names one: its creation is merged after other lines,
    // and the first line fed waits for it.
    let (whole, fed) = replayed_both_ways_with_b(vec![
        (2, created("c", Some(court_drill())), None),
        (3, note("b1"), None),
    ]);
    assert_eq!(carried_drill(&fed), Some("court"));
    assert_eq!(whole.fed, 3, "the late creation is left out");
}

#[test]
fn a_journal_created_line_after_a_journals_first_names_no_scenario() {
    // A journal's creation is its first line: a `journal_created` further
    // on creates nothing, so the scenario it names is not the case's (the
    // replay knows the scenario before it feeds anything).
    let (whole, fed) = replayed_both_ways_with_b(vec![
        (2, created("c", None), None),
        (3, created("c", Some(court_drill())), None),
    ]);
    assert_eq!(carried_drill(&fed), None);
    assert_eq!(whole.fed, 2, "both later creations are left out");
}

/// A case of journal `a@h1` (a creation naming no scenario, then a note)
/// and `b@h2` holding `b`, replayed both ways: the merged replay must find
/// and feed what the merge of whole lines does.
fn replayed_both_ways_with_b(b: Vec<(i64, Payload, Option<Seen>)>) -> (Replayed, Vec<TypedEntry>) {
    let dir = tempfile::tempdir().unwrap();
    let journals = dir.path().join("journals");
    std::fs::create_dir_all(&journals).unwrap();
    let a = vec![(0, created("c", None), None), (1, note("a1"), None)];
    std::fs::write(journals.join("a@h1.jsonl"), journal_bytes("a@h1", a)).unwrap();
    std::fs::write(journals.join("b@h2.jsonl"), journal_bytes("b@h2", b)).unwrap();
    let (whole, by_whole) = replayed_whole(dir.path());
    let (replayed, by_replay) = replayed_side_by_side(dir.path());
    assert_eq!(replayed, whole);
    assert_eq!(by_replay, by_whole);
    (whole, by_whole)
}

fn court_drill() -> crate::journal::event::DrillRef {
    crate::journal::event::DrillRef {
        id: "court".into(),
        path: "bundled:court.yaml".into(),
        sha256: "d".into(),
    }
}
