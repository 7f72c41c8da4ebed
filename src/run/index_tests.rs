//! The state's indexes (by step, by clock stage, by fact, by inject) answer
//! as a read of the whole list they index does, for any mix of entries and
//! corrections of them.

use std::path::Path;

use chrono::{DateTime, Duration, Utc};
use proptest::prelude::*;
use serde_json::{Map, Value};

use super::{NotesKept, ObservationRecord, RunState, StageSubmissions};
use crate::catalog::{self, Catalog};
use crate::journal::event::{
    Approval, Correction, Decision, MessageDrafted, Note, Observation, ObservationKind, Payload,
    Purpose, Rating, Submission,
};
use crate::journal::{Kind, TypedEntry};
use crate::playbook::Playbook;

const STEPS: [&str; 3] = ["triage", "notify", "contain"];
const STAGES: [(&str, &str); 3] = [("gdpr", "initial"), ("gdpr", "final"), ("nis2", "early")];
const FACTS: [&str; 2] = ["severity", "personal_data"];
const INJECTS: [&str; 2] = ["inj-1", "inj-2"];

/// `tests/fixtures/playbooks/fixture-incident.yaml`, checked: the playbook
/// the state's unit tests replay against.
pub(super) fn fixture() -> Playbook {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/playbooks/fixture-incident.yaml");
    let source = catalog::read_source(&path).expect("fixture readable");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 2).expect("date");
    catalog::check_playbook(&source, &Catalog::bundled(today).library, today)
        .expect("fixture valid")
        .0
}

fn base() -> DateTime<Utc> {
    DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default()
}

fn submission(stages: &[usize], minutes: i64) -> Submission {
    Submission {
        stages: stages
            .iter()
            .map(|&s| format!("{}.{}", STAGES[s].0, STAGES[s].1))
            .collect(),
        channel: "portal".into(),
        recipient: "authority".into(),
        reference: None,
        sent_at: base() + Duration::minutes(minutes),
        backdated_reason: None,
        version: None,
        url: None,
        override_reason: None,
    }
}

/// One entry of a generated journal.
#[derive(Debug, Clone)]
enum Made {
    Submit(usize, Vec<usize>, i64),
    Note(usize),
    Draft(usize, u32),
    Approve(usize, u32),
    Decide(usize),
    Observe(Option<usize>, bool),
    /// Corrects the entry this many entries back: a submission's stages
    /// and time, an approval's version (other kinds ignore the fields).
    Correct(usize, Vec<usize>, i64, u32),
}

fn made() -> impl Strategy<Value = Made> {
    let step = 0..STEPS.len();
    let stages = proptest::collection::vec(0..STAGES.len(), 0..3);
    prop_oneof![
        (step.clone(), stages.clone(), -600i64..600).prop_map(|(a, b, c)| Made::Submit(a, b, c)),
        step.clone().prop_map(Made::Note),
        (step.clone(), 1u32..4).prop_map(|(a, b)| Made::Draft(a, b)),
        (step, 1u32..4).prop_map(|(a, b)| Made::Approve(a, b)),
        (0..FACTS.len()).prop_map(Made::Decide),
        (proptest::option::of(0..INJECTS.len()), any::<bool>())
            .prop_map(|(a, b)| Made::Observe(a, b)),
        (1usize..20, stages, -600i64..600, 1u32..4)
            .prop_map(|(a, b, c, d)| Made::Correct(a, b, c, d)),
    ]
}

fn payload(made: &Made, seq: u64) -> (Kind, Option<&'static str>, Payload) {
    match made {
        Made::Submit(step, stages, minutes) => (
            Kind::Submission,
            Some(STEPS[*step]),
            Payload::Submission(Box::new(submission(stages, *minutes))),
        ),
        Made::Note(step) => (
            Kind::Note,
            Some(STEPS[*step]),
            Payload::Note(Note {
                text: format!("note {seq}"),
            }),
        ),
        Made::Draft(step, version) => (
            Kind::MessageDrafted,
            Some(STEPS[*step]),
            Payload::MessageDrafted(MessageDrafted {
                version: *version,
                purpose: Purpose::Notification,
                subject: None,
                text_sha256: String::new(),
                file: format!("draft-{seq}.md"),
                gaps: Vec::new(),
                edited: false,
            }),
        ),
        Made::Approve(step, version) => (
            Kind::Approval,
            Some(STEPS[*step]),
            Payload::Approval(Approval {
                version: *version,
                approver: "Dana".into(),
                role: "legal".into(),
                comment: None,
            }),
        ),
        Made::Decide(fact) => (
            Kind::Decision,
            None,
            Payload::Decision(Box::new(Decision {
                fact: FACTS[*fact].into(),
                value: Value::String(format!("value {seq}")),
                rationale: "because".into(),
                options: Vec::new(),
                decider: "Dana".into(),
            })),
        ),
        Made::Observe(inject, rated) => (
            Kind::Observation,
            None,
            Payload::Observation(Box::new(Observation {
                kind: ObservationKind::Evaluation,
                inject: inject.map(|i| INJECTS[i].to_string()),
                rating: rated.then_some(Rating::SomeChallenges),
                note: format!("seen {seq}"),
                owner: None,
                due: None,
                corrective_action: None,
                capability: None,
                organisation: None,
                start: None,
                status: None,
            })),
        ),
        Made::Correct(back, stages, minutes, version) => {
            let mut fields = Map::new();
            if let Ok(Value::Object(sent)) = serde_json::to_value(submission(stages, *minutes)) {
                for key in ["stages", "sent_at"] {
                    if let Some(value) = sent.get(key) {
                        fields.insert(key.to_string(), value.clone());
                    }
                }
            }
            fields.insert("version".into(), Value::from(*version));
            (
                Kind::Correction,
                None,
                Payload::Correction(Box::new(Correction {
                    corrects: seq.saturating_sub(*back as u64).max(1),
                    journal: None,
                    reason: "wrong".into(),
                    value: None,
                    occurred_at: None,
                    fields,
                })),
            )
        }
    }
}

fn replayed(playbook: &Playbook, journal: &[Made]) -> RunState {
    replayed_into(RunState::default(), playbook, journal)
}

/// `journal` replayed into `state`.
fn replayed_into(mut state: RunState, playbook: &Playbook, journal: &[Made]) -> RunState {
    for (i, made) in journal.iter().enumerate() {
        let seq = i as u64 + 1;
        let (kind, step, payload) = payload(made, seq);
        state.apply_typed(
            playbook,
            TypedEntry {
                seq,
                ts: base() + Duration::seconds(i64::try_from(seq).unwrap_or(0)),
                scenario_ms: None,
                session: "s1".into(),
                actor: "Dana".into(),
                kind,
                step: step.map(str::to_string),
                payload: Ok(payload),
            },
        );
    }
    state
}

/// What [`RunState::stage_submissions`] replaces: every submission read.
fn scanned_stage(state: &RunState, stage_ref: &str) -> (Vec<u64>, Option<StageSubmissions>) {
    let meeting: Vec<_> = state
        .submissions
        .iter()
        .filter(|s| s.data.stages.iter().any(|x| x == stage_ref))
        .collect();
    let sent: Vec<DateTime<Utc>> = meeting.iter().map(|s| s.data.sent_at).collect();
    let summary = sent.first().map(|&first| StageSubmissions {
        count: sent.len(),
        first,
        earliest: sent.iter().copied().min().unwrap_or(first),
        latest: sent.iter().copied().max().unwrap_or(first),
    });
    (meeting.iter().map(|s| s.at.seq).collect(), summary)
}

fn seqs<'a, T: 'a>(items: impl Iterator<Item = &'a T>, seq: impl Fn(&T) -> u64) -> Vec<u64> {
    items.map(seq).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_index_answers_as_a_read_of_its_whole_list(
        journal in proptest::collection::vec(made(), 0..120)
    ) {
        let playbook = fixture();
        let state = replayed(&playbook, &journal);
        for (clock, stage) in STAGES {
            let stage_ref = format!("{clock}.{stage}");
            let (meeting, summary) = scanned_stage(&state, &stage_ref);
            prop_assert_eq!(seqs(state.submissions_for(clock, stage), |s| s.at.seq), meeting.clone());
            prop_assert_eq!(seqs(state.submissions_meeting(&stage_ref), |s| s.at.seq), meeting);
            prop_assert_eq!(state.stage_submissions(clock, stage), summary);
        }
        for step in STEPS {
            prop_assert_eq!(
                seqs(state.submissions_on(step), |s| s.at.seq),
                seqs(state.submissions.iter().filter(|s| s.step.as_deref() == Some(step)), |s| s.at.seq)
            );
            prop_assert_eq!(
                seqs(state.notes_for(step), |n| n.at.seq),
                seqs(state.notes.iter().filter(|n| n.step.as_deref() == Some(step)), |n| n.at.seq)
            );
            prop_assert_eq!(
                seqs(state.drafts_for(step), |d| d.at.seq),
                seqs(state.drafts.iter().filter(|d| d.step == step), |d| d.at.seq)
            );
            prop_assert_eq!(
                state.latest_draft(step).map(|d| d.at.seq),
                state.drafts.iter().rev().find(|d| d.step == step).map(|d| d.at.seq)
            );
            for version in 0..5 {
                prop_assert_eq!(
                    state.is_approved(step, version),
                    state.approvals.iter().any(|a| a.step == step && a.data.version == version)
                );
            }
        }
        for fact in FACTS {
            prop_assert_eq!(
                state.latest_decision(fact).map(|d| d.at.seq),
                state.decisions.iter().rev().find(|d| d.fact == fact).map(|d| d.at.seq)
            );
        }
        for inject in INJECTS {
            let scanned = state.observations.iter().rev().find_map(|o: &ObservationRecord| {
                (o.data.inject.as_deref() == Some(inject))
                    .then_some(o.data.rating.map(|r| (r, o.at.seq)))
                    .flatten()
            });
            prop_assert_eq!(
                state.evaluation_of(inject).map(|(r, o)| (r, o.at.seq)),
                scanned
            );
        }
    }
}

#[test]
fn a_correction_moves_a_submission_to_the_stages_and_time_it_names() {
    let playbook = fixture();
    let state = replayed(
        &playbook,
        &[
            Made::Submit(1, vec![0], 0),
            Made::Submit(1, vec![0], 30),
            Made::Correct(2, vec![1], -90, 1),
        ],
    );
    assert_eq!(state.submissions_for("gdpr", "initial").count(), 1);
    let moved = state.stage_submissions("gdpr", "final");
    assert_eq!(moved.map(|s| s.count), Some(1));
    assert_eq!(
        moved.map(|s| s.earliest),
        Some(base() - Duration::minutes(90))
    );
    let kept = state.stage_submissions("gdpr", "initial");
    assert_eq!(
        kept.map(|s| (s.count, s.first)),
        Some((1, base() + Duration::minutes(30)))
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// What `status` and the row-per-entry exports replay: the same state
    /// but for its notes, whatever corrects what.
    #[test]
    fn a_state_replayed_for_a_summary_is_the_whole_state_without_its_notes(
        journal in proptest::collection::vec(made(), 0..120)
    ) {
        let playbook = fixture();
        let mut whole = replayed(&playbook, &journal);
        let summary = replayed_into(RunState::for_summary(), &playbook, &journal);
        let notes = journal.iter().filter(|m| matches!(m, Made::Note(_))).count();
        prop_assert_eq!(whole.notes.len(), notes);
        prop_assert!(summary.notes.is_empty());
        prop_assert_eq!(summary.notes_for(STEPS[0]).count(), 0);
        whole.notes = summary.notes.clone();
        whole.notes_by_step = summary.notes_by_step.clone();
        whole.notes_kept = NotesKept::No;
        prop_assert_eq!(whole, summary);
    }
}
