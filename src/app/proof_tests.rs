//! The runner's part of the proof features: the evidence form (typing
//! sequences and the exact entry it asks for) and when automatic
//! checkpoints are queued.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};

use super::dialog::EvidenceField;
use super::input::{KeyCode, KeyEvent, KeyModifiers};
use super::*;
use crate::catalog::{self, Catalog};
use crate::hash::{ZERO_HASH, sha256_hex};
use crate::journal::Kind;
use crate::journal::event::{Created, EvidenceAdded, PlaybookRef, SessionStarted};
use crate::proof::auto::AutoCheckpoint;

const START: &str = "2026-11-02T08:00:00Z";
const ACTOR: &str = "Dana Reyes";

fn start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(START)
        .expect("valid time")
        .with_timezone(&Utc)
}

/// The fixture playbook, and a journal of `journal_created` and
/// `session_started` opened by Dana Reyes.
fn open() -> (App, Vec<Line>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/playbooks/fixture-incident.yaml");
    let source = catalog::read_source(&path).expect("fixture readable");
    let today = start().date_naive();
    let playbook = catalog::check_playbook(&source, &Catalog::bundled(today).library, today)
        .expect("fixture valid")
        .0;
    let created = Created {
        journal_id: "proof-test-journal".into(),
        playbook: PlaybookRef {
            id: playbook.id.clone(),
            version: playbook.version.clone(),
            path: "fixtures/fixture-incident.yaml".into(),
            sha256: playbook.sha256.clone(),
        },
        title: "Proof incident".into(),
        timezone: "Europe/Amsterdam".into(),
        exercise: false,
        app_version: "test".into(),
        drill: None,
        holidays: Vec::new(),
    };
    let mut lines = Vec::new();
    for payload in [
        Payload::JournalCreated(Box::new(created)),
        Payload::SessionStarted(SessionStarted {
            pid: 1,
            host: "test-host".into(),
            app_version: "test".into(),
            mode: "run".into(),
        }),
    ] {
        let draft = Draft {
            ts: start(),
            mono_ms: 0,
            scenario_ms: None,
            session: "proof-session".into(),
            actor: ACTOR.into(),
            event: Event::new(payload),
        };
        append(&mut lines, draft);
    }
    let identity = Identity {
        actor: ACTOR.into(),
        session: "proof-session".into(),
    };
    let app = App::new(
        playbook,
        &lines,
        identity,
        "incident.jsonl",
        Keymap::default(),
        start(),
    );
    (app, lines)
}

fn append(lines: &mut Vec<Line>, draft: Draft) -> Line {
    let prev = lines
        .last()
        .map_or_else(|| ZERO_HASH.to_string(), |l| sha256_hex(l.text.as_bytes()));
    let entry = draft.into_entry(lines.len() as u64, prev);
    let line = Line {
        text: entry.encode(),
        entry,
    };
    lines.push(line.clone());
    line
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)), start())
}

fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    app.update(
        Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)),
        start(),
    )
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        assert!(
            key(app, KeyCode::Char(c)).is_empty(),
            "typing writes nothing"
        );
    }
}

/// Opens the evidence form on step `confirm`.
fn evidence_form() -> App {
    let (mut app, _) = open();
    app.select_step("confirm");
    app.focus = Pane::Steps;
    assert!(key(&mut app, KeyCode::Char('e')).is_empty());
    app
}

fn form(app: &App) -> &dialog::EvidenceDialog {
    match &app.mode {
        Mode::Evidence(d) => d,
        other => panic!("expected the evidence form, got {other:?}"),
    }
}

/// The one collection among `effects`: its draft and paths.
fn collected(effects: &[Effect]) -> (&Draft, &[PathBuf]) {
    match effects {
        [Effect::Collect { draft, paths, .. }] => (draft, paths),
        other => panic!("expected one collection, got {other:?}"),
    }
}

#[test]
fn the_evidence_form_opens_on_the_step_with_the_actor_as_custodian() {
    let app = evidence_form();
    let d = form(&app);
    assert_eq!(d.step.as_deref(), Some("confirm"));
    assert_eq!(d.focus, EvidenceField::Path);
    assert_eq!(d.custodian.text(), ACTOR);
    assert!(!d.typed(), "nothing typed yet");
}

#[test]
fn typing_path_description_and_enter_on_the_custodian_records_the_cli_entry() {
    let mut app = evidence_form();
    typed(&mut app, "/cases/mail.eml");
    assert!(key(&mut app, KeyCode::Tab).is_empty());
    typed(&mut app, "Phishing mail as received");
    assert!(key(&mut app, KeyCode::Enter).is_empty(), "Enter moves on");
    assert_eq!(form(&app).focus, EvidenceField::Custodian);
    let effects = key(&mut app, KeyCode::Enter);
    let (draft, paths) = collected(&effects);
    assert_eq!(paths, [PathBuf::from("/cases/mail.eml")]);
    assert_eq!(draft.actor, ACTOR, "the custodian kept as pre-filled");
    assert_eq!(
        draft.event,
        Event::on_step(
            "confirm",
            Payload::EvidenceAdded(EvidenceAdded {
                items: Vec::new(),
                label: Some("Phishing mail as received".into()),
                source: String::new(),
            })
        ),
        "the writer fills the items and the source"
    );
    assert_eq!(app.mode, Mode::Normal);
    assert_eq!(app.pending().len(), 1);
}

#[test]
fn typing_a_name_replaces_the_selected_custodian() {
    let mut app = evidence_form();
    typed(&mut app, "disk.img");
    key(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab);
    typed(&mut app, "Sam Okafor");
    assert_eq!(
        form(&app).custodian.text(),
        "Sam Okafor",
        "replaced, not appended"
    );
    let effects = ctrl(&mut app, 's');
    let (draft, paths) = collected(&effects);
    assert_eq!(paths, [PathBuf::from("disk.img")]);
    assert_eq!(
        draft.actor, "Sam Okafor",
        "the custodian is the entry's actor, as with --as"
    );
    assert_eq!(app.pending()[0].draft.actor, "Sam Okafor");
    assert_eq!(
        draft.event,
        Event::on_step(
            "confirm",
            Payload::EvidenceAdded(EvidenceAdded {
                items: Vec::new(),
                label: None,
                source: String::new(),
            })
        ),
        "an empty description is no label"
    );
}

#[test]
fn saving_without_a_path_or_a_custodian_is_refused_in_place() {
    let mut app = evidence_form();
    assert!(ctrl(&mut app, 's').is_empty());
    let d = form(&app);
    assert_eq!(d.focus, EvidenceField::Path);
    assert_eq!(
        d.error.as_deref(),
        Some("name the file or folder to record")
    );
    typed(&mut app, "x.log");
    key(&mut app, KeyCode::BackTab);
    assert_eq!(form(&app).focus, EvidenceField::Custodian);
    key(&mut app, KeyCode::Backspace);
    assert!(ctrl(&mut app, 's').is_empty());
    assert_eq!(
        form(&app).error.as_deref(),
        Some("name who holds it"),
        "{:?}",
        form(&app)
    );
}

#[test]
fn esc_on_a_typed_form_asks_before_discarding() {
    let mut app = evidence_form();
    typed(&mut app, "notes.txt");
    assert!(key(&mut app, KeyCode::Esc).is_empty());
    assert!(app.discard_armed, "the first Esc asks");
    assert!(matches!(app.mode, Mode::Evidence(_)));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.mode, Mode::Normal, "the second Esc discards");
}

#[test]
fn evidence_that_cannot_be_read_is_said_and_leaves_the_journal_writable() {
    let mut app = evidence_form();
    typed(&mut app, "missing.bin");
    let effects = ctrl(&mut app, 's');
    let ticket = match effects.as_slice() {
        [Effect::Collect { ticket, .. }] => *ticket,
        other => panic!("{other:?}"),
    };
    let reason = "missing.bin: No such file or directory (os error 2)".to_string();
    app.update(Msg::Ack(Ack::Skipped { ticket, reason }), start());
    assert!(app.pending().is_empty());
    assert_eq!(app.write_error, None);
    assert!(
        app.notices.iter().any(|n| n.urgent
            && n.text
                == "evidence not recorded: missing.bin: No such file or directory (os error 2)"),
        "{:?}",
        app.notices
    );
}

#[test]
fn automatic_checkpoints_are_queued_on_time_and_at_the_end_only_when_configured() {
    let (mut app, mut lines) = open();
    let on = start() + Duration::hours(3);
    assert!(app.update(Msg::Tick, on).is_empty(), "off by default");
    // The interval counts from when they are turned on.
    app.set_auto_checkpoint(AutoCheckpoint::all_with_key(Path::new("/keys/k"), 10));
    assert!(app.update(Msg::Tick, on + Duration::minutes(9)).is_empty());
    let due = app.update(Msg::Tick, on + Duration::minutes(10));
    let (ticket, draft) = match due.as_slice() {
        [Effect::Checkpoint { ticket, draft, key }] => {
            assert_eq!(key, Path::new("/keys/k"));
            (*ticket, draft.clone())
        }
        other => panic!("{other:?}"),
    };
    assert_eq!(draft.event.kind(), Kind::Checkpoint);
    let line = append(&mut lines, draft);
    app.update(Msg::Ack(Ack::Saved { ticket, line }), start());
    let end = app.end_session("quit");
    let kinds: Vec<Kind> = end
        .iter()
        .filter_map(|e| match e {
            Effect::Append { draft, .. } | Effect::Checkpoint { draft, .. } => {
                Some(draft.event.kind())
            }
            _ => None,
        })
        .collect();
    assert_eq!(kinds, [Kind::SessionEnded, Kind::Checkpoint]);
}
