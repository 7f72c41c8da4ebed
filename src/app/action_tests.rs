//! Typing sequences through [`App::update`] for the runner's record-level
//! actions: closing the incident, correcting an entry, and retrying an
//! entry the writer could not save. Each asserts the exact entries
//! written; the journal is in memory, encoded as the writer encodes it.

use std::path::Path;
use std::sync::OnceLock;

use chrono::{DateTime, Utc};

use super::*;
use crate::app::input::{KeyCode, KeyEvent, KeyModifiers};
use crate::catalog::{self, Catalog};
use crate::hash::{ZERO_HASH, sha256_hex};
use crate::journal::Kind;
use crate::journal::event::{Closed, Correction, Created, OpenStep, PlaybookRef, RoleAssigned};
use crate::journal::writer::WriteError;

const START: &str = "2026-11-02T08:00:00Z";

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("valid time")
        .with_timezone(&Utc)
}

fn fixture_playbook() -> Playbook {
    static PLAYBOOK: OnceLock<Playbook> = OnceLock::new();
    PLAYBOOK
        .get_or_init(|| {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/playbooks/fixture-incident.yaml");
            let source = catalog::read_source(&path).expect("fixture playbook readable");
            let today = utc(START).date_naive();
            catalog::check_playbook(&source, &Catalog::bundled(today).library, today)
                .expect("fixture playbook valid")
                .0
        })
        .clone()
}

/// The app and the lines "on disk".
struct Desk {
    app: App,
    lines: Vec<Line>,
}

impl Desk {
    /// A fixture incident with `events` already written.
    fn with(events: Vec<Event>) -> Self {
        Self::with_playbook(fixture_playbook(), events)
    }

    fn with_playbook(playbook: Playbook, events: Vec<Event>) -> Self {
        let created = Created {
            journal_id: "action-tests".into(),
            playbook: PlaybookRef {
                id: playbook.id.clone(),
                version: playbook.version.clone(),
                path: "fixtures/fixture-incident.yaml".into(),
                sha256: playbook.sha256.clone(),
            },
            title: "Unit incident".into(),
            timezone: "Europe/Amsterdam".into(),
            exercise: false,
            app_version: "test".into(),
            drill: None,
            holidays: Vec::new(),
        };
        let mut lines = Vec::new();
        for event in
            std::iter::once(Event::new(Payload::JournalCreated(Box::new(created)))).chain(events)
        {
            append(
                &mut lines,
                Draft {
                    ts: utc(START),
                    mono_ms: 0,
                    scenario_ms: None,
                    session: "earlier".into(),
                    actor: "Dana Reyes".into(),
                    event,
                },
            );
        }
        let identity = Identity {
            actor: "Dana Reyes".into(),
            session: "now".into(),
        };
        let app = App::new(
            playbook,
            &lines,
            identity,
            "incident.jsonl",
            Keymap::default(),
            utc(START),
        );
        Self { app, lines }
    }

    fn key(&mut self, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
        let now = self.app.now;
        self.app
            .update(Msg::Key(KeyEvent::new(code, modifiers)), now)
    }

    fn press(&mut self, code: KeyCode) -> Vec<Effect> {
        self.key(code, KeyModifiers::NONE)
    }

    fn ch(&mut self, c: char) -> Vec<Effect> {
        self.press(KeyCode::Char(c))
    }

    /// A second passes, as when a person reads a question.
    fn read(&mut self) {
        self.app.now += chrono::Duration::seconds(1);
    }

    /// Types text; typing records nothing.
    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            assert!(self.ch(c).is_empty(), "typing {c:?} recorded something");
        }
    }

    /// Plays the writer: each append becomes the next line, acknowledged.
    fn save(&mut self, effects: &[Effect]) -> Vec<Effect> {
        let mut out = Vec::new();
        for effect in effects {
            if let Effect::Append { ticket, draft, .. } = effect {
                let line = append(&mut self.lines, draft.clone());
                let now = self.app.now;
                out.extend(self.app.update(
                    Msg::Ack(Ack::Saved {
                        ticket: *ticket,
                        line,
                    }),
                    now,
                ));
            }
        }
        out
    }

    /// Plays a writer that refuses every append, as a full disk does.
    fn fail(&mut self, effects: &[Effect]) {
        for effect in effects {
            if let Effect::Append { ticket, .. } = effect {
                let now = self.app.now;
                self.app.update(
                    Msg::Ack(Ack::Failed {
                        ticket: *ticket,
                        error: WriteError::new(
                            std::io::ErrorKind::StorageFull,
                            "No space left on device; nothing of this entry was written",
                        ),
                    }),
                    now,
                );
            }
        }
    }

    /// Plays the writer for a retry: the first entry clears the failure.
    fn save_retry(&mut self, effects: &[Effect]) {
        let as_appends: Vec<Effect> = effects.iter().map(as_append).collect();
        self.save(&as_appends);
    }

    fn fail_retry(&mut self, effects: &[Effect]) {
        let as_appends: Vec<Effect> = effects.iter().map(as_append).collect();
        self.fail(&as_appends);
    }

    /// The events written since the journal opened.
    fn written_since(&self, count: usize) -> Vec<Event> {
        self.lines[count..]
            .iter()
            .map(|l| l.entry.event().expect("decodes"))
            .collect()
    }
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

fn as_append(effect: &Effect) -> Effect {
    match effect.clone() {
        Effect::Retry {
            ticket,
            draft,
            attachment,
        } => Effect::Append {
            ticket,
            draft,
            attachment,
        },
        other => other,
    }
}

fn events(effects: &[Effect]) -> Vec<&Event> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Append { draft, .. } => Some(&draft.event),
            _ => None,
        })
        .collect()
}

/// The `closed` entry `runsheet close` writes for the same input.
fn cli_closed(app: &App, reason: &str, steps: &[(&str, &str)]) -> Event {
    let pairs: Vec<(String, String)> = steps
        .iter()
        .map(|(s, r)| ((*s).to_string(), (*r).to_string()))
        .collect();
    let closed = crate::run::closing::close(&app.playbook, app.state(), reason, &pairs)
        .expect("the CLI closes with these reasons");
    Event::new(Payload::Closed(closed))
}

#[test]
fn close_dialog_types_ahead_through_every_reason_and_writes_the_cli_entry() {
    let mut d = Desk::with(Vec::new());
    let before = d.lines.len();
    assert!(d.ch('X').is_empty());
    assert!(matches!(d.app.mode, Mode::Close(_)));
    // Typed without pausing: Enter moves to the next field, and letters
    // that are commands elsewhere (`q`, `x`) are text here.
    d.type_text("contained; handed to the vendor qx");
    assert!(d.press(KeyCode::Enter).is_empty());
    d.type_text("vendor confirmed it");
    assert!(d.press(KeyCode::Enter).is_empty());
    d.type_text("isolated by the vendor");
    assert!(d.press(KeyCode::Enter).is_empty(), "checked, then asks");
    let Mode::Close(dialog) = &d.app.mode else {
        panic!("still closing")
    };
    assert!(dialog.confirming, "asks before the final entry");
    let expected = cli_closed(
        &d.app,
        "contained; handed to the vendor qx",
        &[
            ("confirm", "vendor confirmed it"),
            ("isolate", "isolated by the vendor"),
        ],
    );
    d.read();
    let effects = d.ch('y');
    assert_eq!(events(&effects), [&expected]);
    d.save(&effects);
    assert_eq!(d.written_since(before), std::slice::from_ref(&expected));
    assert!(d.app.state().closed.is_some());
    assert!(d.ch('X').is_empty(), "a second close writes nothing");
}

/// The defect: Ctrl-S then `y` in one burst closed the incident, for
/// ever, before "This entry cannot be undone" could be read. A `y` that
/// soon is no answer: the question stays for one meant for it.
#[test]
fn a_y_typed_on_with_ctrl_s_never_closes_the_incident() {
    let mut d = Desk::with(Vec::new());
    d.ch('X');
    d.type_text("duplicate ticket");
    for reason in ["dup", "dup"] {
        d.press(KeyCode::Enter);
        d.type_text(reason);
    }
    assert!(d.key(KeyCode::Char('s'), KeyModifiers::CONTROL).is_empty());
    assert!(d.ch('y').is_empty(), "typed on with Ctrl-S: not an answer");
    assert!(d.ch('y').is_empty(), "nor a second one in the burst");
    let Mode::Close(dialog) = &d.app.mode else {
        panic!("still closing")
    };
    assert!(dialog.confirming, "the question stays");
    assert_eq!(
        dialog.reason.text(),
        "duplicate ticket",
        "and nothing was typed"
    );
    d.read();
    let effects = d.ch('y');
    assert!(
        matches!(events(&effects)[..], [e] if matches!(e.payload, Payload::Closed(_))),
        "{effects:?}"
    );
}

#[test]
fn close_dialog_save_with_a_missing_step_reason_says_where_the_cursor_went_and_keeps_typing_there()
{
    let mut d = Desk::with(Vec::new());
    let before = d.lines.len();
    d.ch('X');
    d.type_text("false alarm");
    let ctrl_s = d.key(KeyCode::Char('s'), KeyModifiers::CONTROL);
    assert!(
        ctrl_s.is_empty(),
        "refused: steps are open without a reason"
    );
    let Mode::Close(dialog) = &d.app.mode else {
        panic!("still closing")
    };
    let error = dialog.error.clone().expect("a sentence");
    assert!(error.contains("required steps are still open"), "{error}");
    assert!(
        error.contains("the cursor is now in the reason for `confirm`"),
        "{error}"
    );
    assert_eq!(dialog.focus, 1);
    // Keep typing: it lands in the field the sentence named.
    d.type_text("not an incident");
    d.press(KeyCode::Tab);
    d.type_text("nothing to isolate");
    d.key(KeyCode::Char('s'), KeyModifiers::CONTROL);
    let expected = cli_closed(
        &d.app,
        "false alarm",
        &[
            ("confirm", "not an incident"),
            ("isolate", "nothing to isolate"),
        ],
    );
    // Any key but `y` goes back to editing and is not typed.
    assert!(d.ch('n').is_empty());
    let Mode::Close(dialog) = &d.app.mode else {
        panic!("still closing")
    };
    assert!(!dialog.confirming);
    assert_eq!(dialog.open[1].editor.text(), "nothing to isolate");
    d.key(KeyCode::Char('s'), KeyModifiers::CONTROL);
    d.read();
    let effects = d.ch('y');
    d.save(&effects);
    assert_eq!(d.written_since(before), std::slice::from_ref(&expected));
    let Payload::Closed(Closed { open_steps, .. }) = &expected.payload else {
        panic!("a closed entry")
    };
    assert_eq!(
        open_steps[0],
        OpenStep {
            step: "confirm".into(),
            reason: "not an incident".into()
        }
    );
}

#[test]
fn close_dialog_esc_mid_edit_asks_before_discarding_and_writes_nothing() {
    let mut d = Desk::with(Vec::new());
    let before = d.lines.len();
    d.ch('X');
    d.type_text("handed over");
    assert!(d.press(KeyCode::Esc).is_empty());
    assert!(d.app.discard_armed, "asks first");
    assert!(matches!(d.app.mode, Mode::Close(_)));
    d.type_text(" to legal");
    let Mode::Close(dialog) = &d.app.mode else {
        panic!("kept editing")
    };
    assert_eq!(dialog.reason.text(), "handed over to legal");
    d.press(KeyCode::Esc);
    d.press(KeyCode::Esc);
    assert_eq!(d.app.mode, Mode::Normal);
    assert!(d.written_since(before).is_empty());
    assert!(d.app.pending().is_empty());
}

fn role(role: &str, person: &str) -> Event {
    Event::new(Payload::RoleAssigned(RoleAssigned {
        role: role.into(),
        person: person.into(),
    }))
}

/// The correction `runsheet correct` writes for the same input.
fn cli_correction(d: &Desk, seq: u64, fields: &[(&str, &str)], reason: &str) -> Event {
    let target = &d.lines[usize::try_from(seq).expect("small")].entry;
    let pairs: Vec<(String, String)> = fields
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect();
    let corrected = crate::run::rules::correction_fields(target.kind, &pairs, reason)
        .expect("the CLI accepts it");
    Event {
        step: target.step.clone(),
        payload: Payload::Correction(Box::new(Correction {
            journal: None,
            corrects: seq,
            reason: reason.trim().into(),
            value: None,
            occurred_at: None,
            fields: corrected,
        })),
    }
}

#[test]
fn correct_a_role_assignment_typing_a_name_into_the_prefilled_person_replaces_it() {
    let mut d = Desk::with(vec![role("ic", "Dana Rayes")]);
    let before = d.lines.len();
    d.app.focus = Pane::Phases;
    assert!(d.ch('C').is_empty());
    let Mode::Correct(dialog) = &d.app.mode else {
        panic!("correcting")
    };
    assert_eq!(dialog.entry().seq, 1);
    assert!(dialog.fields[0].1.is_selected(), "pre-filled and selected");
    d.type_text("Dana Reyes");
    d.press(KeyCode::Enter);
    d.type_text("name misspelt");
    let effects = d.press(KeyCode::Enter);
    let expected = cli_correction(&d, 1, &[("person", "Dana Reyes")], "name misspelt");
    assert_eq!(events(&effects), [&expected]);
    d.save(&effects);
    assert_eq!(d.written_since(before), std::slice::from_ref(&expected));
    assert_eq!(d.app.state().holder("ic"), Some("Dana Reyes"));
}

#[test]
fn correct_a_note_tab_then_type_goes_into_the_reason_and_back_tab_reselects_the_text() {
    let note = Event::on_step(
        "confirm",
        Payload::Note(crate::journal::event::Note {
            text: "called the SOC at 9".into(),
        }),
    );
    let mut d = Desk::with(vec![note]);
    let before = d.lines.len();
    d.app.select_step("confirm");
    d.app.focus = Pane::Steps;
    d.ch('C');
    d.press(KeyCode::Tab);
    d.type_text("wrong hour");
    d.press(KeyCode::BackTab);
    d.type_text("called the SOC at 10");
    let effects = d.key(KeyCode::Char('s'), KeyModifiers::CONTROL);
    let expected = cli_correction(&d, 1, &[("text", "called the SOC at 10")], "wrong hour");
    assert_eq!(events(&effects), [&expected]);
    d.save(&effects);
    assert_eq!(d.written_since(before), std::slice::from_ref(&expected));
}

#[test]
fn correct_without_a_reason_keeps_the_typed_value_and_names_the_reason_field() {
    let mut d = Desk::with(vec![role("ic", "Sam")]);
    let before = d.lines.len();
    d.app.focus = Pane::Phases;
    d.ch('C');
    d.type_text("Sam Ortiz");
    assert!(d.key(KeyCode::Char('s'), KeyModifiers::CONTROL).is_empty());
    let Mode::Correct(dialog) = &d.app.mode else {
        panic!("still correcting")
    };
    let error = dialog.error.clone().expect("a sentence");
    assert!(error.contains("the cursor is now in the reason"), "{error}");
    assert_eq!(dialog.fields[0].1.text(), "Sam Ortiz");
    d.type_text("surname missing");
    let effects = d.press(KeyCode::Enter);
    d.save(&effects);
    let expected = cli_correction(&d, 1, &[("person", "Sam Ortiz")], "surname missing");
    assert_eq!(d.written_since(before), std::slice::from_ref(&expected));
    // Esc with typed text asks; nothing more is written.
    d.app.now += chrono::Duration::seconds(1); // past the type-ahead window
    d.app.focus = Pane::Phases;
    d.ch('C');
    d.type_text("x");
    d.press(KeyCode::Esc);
    assert!(matches!(d.app.mode, Mode::Correct(_)), "asks first");
    d.press(KeyCode::Esc);
    assert_eq!(d.app.mode, Mode::Normal);
    assert_eq!(d.written_since(before).len(), 1);
}

#[test]
fn a_failed_write_keeps_the_entry_whole_and_ctrl_r_writes_exactly_it_once() {
    let mut d = Desk::with(Vec::new());
    let before = d.lines.len();
    d.app.select_step("confirm");
    d.app.focus = Pane::Steps;
    d.ch('n');
    d.type_text("Vendor on site qx");
    let effects = d.key(KeyCode::Char('s'), KeyModifiers::CONTROL);
    let sent = events(&effects).into_iter().cloned().collect::<Vec<_>>();
    assert_eq!(sent.len(), 1);
    d.fail(&effects);
    assert!(d.written_since(before).is_empty(), "nothing written");
    assert_eq!(d.app.unsaved.len(), 1, "the entry is kept whole");
    assert!(
        d.app
            .tail
            .iter()
            .all(|t| !matches!(t.status, Saved::Saved(s) if s >= before as u64)),
        "nothing is shown as saved"
    );
    assert!(d.app.write_error.is_some());
    // Ctrl-R writes the same entry, asking the writer to clear first.
    let retry = d.key(KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert!(
        matches!(retry.as_slice(), [Effect::Retry { draft, .. }] if draft.event == sent[0]),
        "{retry:?}"
    );
    assert!(d.app.unsaved.is_empty());
    assert!(
        d.app
            .tail
            .iter()
            .any(|t| t.status == Saved::Saving && t.entry.event().ok() == Some(sent[0].clone())),
        "saving again, not saved"
    );
    // A second failure keeps it again; the next retry saves it.
    d.fail_retry(&retry);
    assert_eq!(d.app.unsaved.len(), 1);
    let again = d.key(KeyCode::Char('r'), KeyModifiers::CONTROL);
    d.save_retry(&again);
    assert_eq!(d.written_since(before), sent, "exactly one entry, the same");
    assert!(
        d.app.write_error.is_none(),
        "the journal takes entries again"
    );
    assert!(d.app.unsaved.is_empty());
    assert!(d.app.pending().is_empty());
    let replayed = crate::run::replay(&d.app.playbook, d.lines.iter().map(|l| &l.entry));
    assert_eq!(d.app.state(), &replayed);
    d.app.now += chrono::Duration::seconds(1);
    let next = d.press(KeyCode::Enter);
    assert!(!events(&next).is_empty(), "new actions record again");
}

#[test]
fn every_entry_refused_after_a_failure_is_retried_in_order() {
    let mut d = Desk::with(Vec::new());
    let before = d.lines.len();
    d.app.select_step("confirm");
    d.app.focus = Pane::Steps;
    let start = d.press(KeyCode::Enter);
    d.app.now += chrono::Duration::seconds(1);
    d.app.select_step("scope");
    let second = d.press(KeyCode::Enter);
    let mut all: Vec<Event> = events(&start).into_iter().cloned().collect();
    all.extend(events(&second).into_iter().cloned());
    d.fail(&start);
    d.fail(&second);
    assert_eq!(d.app.unsaved.len(), 2);
    let retry = d.key(KeyCode::Char('r'), KeyModifiers::CONTROL);
    assert!(matches!(retry[0], Effect::Retry { .. }));
    assert!(matches!(retry[1], Effect::Append { .. }));
    d.save_retry(&retry);
    assert_eq!(d.written_since(before), all);
}

#[test]
fn friction10_a_step_with_a_contact_but_no_message_records_the_contact_made() {
    let mut d = Desk::with(Vec::new());
    let before = d.lines.len();
    d.app.select_step("final-report");
    d.app.focus = Pane::Steps;
    assert!(d.ch('m').is_empty());
    assert!(matches!(d.app.mode, Mode::Submit(_)), "{:?}", d.app.mode);
    d.type_text("phone");
    d.press(KeyCode::Tab);
    d.press(KeyCode::Tab);
    d.type_text("CSIRT-2026-114");
    let effects = d.press(KeyCode::Enter);
    d.save(&effects);
    let written = d.written_since(before);
    let [event] = written.as_slice() else {
        panic!("one entry: {written:?}")
    };
    assert_eq!(event.step.as_deref(), Some("final-report"));
    let Payload::Submission(s) = &event.payload else {
        panic!("a submission: {event:?}")
    };
    assert_eq!(s.channel, "phone");
    assert_eq!(s.recipient, "National CSIRT");
    assert_eq!(s.reference.as_deref(), Some("CSIRT-2026-114"));
    assert_eq!(s.version, None, "no drafted message was sent");
    assert_eq!(
        d.app.mode,
        Mode::Normal,
        "back to the steps, not a message view"
    );
}

#[test]
fn friction19_a_follow_up_can_quote_the_reference_of_an_earlier_submission() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/playbooks/fixture-incident.yaml");
    let mut source = catalog::read_source(&path).expect("fixture readable");
    let text = std::mem::take(&mut source.text);
    let today = utc(START).date_naive();
    let library = Catalog::bundled(today).library;
    let with = |text: &str, body: &str| {
        let mut s = source.clone();
        s.text = text.replace(
            "body: Notification for {{org}}; {{records}} records.",
            &format!("body: Notification for {{{{org}}}}; {body}"),
        );
        assert_ne!(s.text, text, "the fixture body is found");
        catalog::check_playbook(&s, &library, today)
    };
    let (playbook, _) = with(&text, "our ref {{submission.early-warning.reference}}.")
        .expect("a known step and field validate");
    for (bad, why) in [
        ("{{submission.nowhere.reference}}", "unknown step `nowhere`"),
        ("{{submission.early-warning.colour}}", "has no `colour`"),
        ("{{submission.early-warning}}", "needs a step and a field"),
    ] {
        let refused = format!("{:?}", with(&text, bad).expect_err(bad));
        assert!(refused.contains(why), "{bad}: {refused}");
    }
    let mut d = Desk::with(vec![Event::on_step(
        "early-warning",
        Payload::Submission(Box::new(crate::journal::event::Submission {
            stages: Vec::new(),
            channel: "portal".into(),
            recipient: "National CSIRT".into(),
            reference: Some("EW-7".into()),
            sent_at: utc(START),
            backdated_reason: None,
            version: None,
            url: None,
            override_reason: None,
        })),
    )]);
    d.app.playbook = playbook;
    let value = |name: &str| {
        message::placeholder_value(name, &d.app.playbook, d.app.state(), chrono_tz::UTC)
    };
    assert_eq!(
        value("submission.early-warning.reference").as_deref(),
        Some("EW-7")
    );
    assert_eq!(
        value("submission.notify-csirt.reference"),
        None,
        "a gap until sent"
    );
}

/// The fixture with two more facts and `fills` on `final-report`.
fn playbook_with_fills(fills: &str) -> Result<Playbook, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/playbooks/fixture-incident.yaml");
    let mut source = catalog::read_source(&path).expect("fixture readable");
    let step = "      - id: final-report\n        title: Send the final report\n";
    assert!(source.text.contains(step));
    source.text = source
        .text
        .replace(
            "facts:\n",
            "facts:\n  - {id: csirt_reference, prompt: CSIRT reference, type: text}\n  - {id: statement_published, prompt: Published?, type: bool}\n",
        )
        .replace(step, &format!("{step}        fills:\n{fills}"));
    let today = utc(START).date_naive();
    catalog::check_playbook(&source, &Catalog::bundled(today).library, today)
        .map(|(p, _)| p)
        .map_err(|e| format!("{e:?}"))
}

#[test]
fn friction9_a_submission_fills_the_related_facts_that_have_no_value() {
    let playbook = playbook_with_fills(
        "          - {fact: csirt_reference, from: reference}\n          - {fact: statement_published, value: \"yes\"}\n          - {fact: org, from: recipient}\n",
    )
    .expect("fills validate");
    // `org` is answered already: a fill never replaces a typed value.
    let org = Event::new(Payload::FactSet(crate::journal::event::FactSet {
        fact: "org".into(),
        value: serde_json::json!("Example Court"),
        occurred_at: None,
        confirmed: None,
    }));
    let mut d = Desk::with_playbook(playbook, vec![org]);
    let before = d.lines.len();
    d.app.select_step("final-report");
    d.app.focus = Pane::Steps;
    d.ch('m');
    d.type_text("phone");
    d.press(KeyCode::Tab);
    d.press(KeyCode::Tab);
    d.type_text("CSIRT-2026-114");
    let effects = d.press(KeyCode::Enter);
    d.save(&effects);
    let written = d.written_since(before);
    let kinds: Vec<Kind> = written.iter().map(Event::kind).collect();
    assert_eq!(kinds, [Kind::Submission, Kind::FactSet, Kind::FactSet]);
    let set = |i: usize| match &written[i].payload {
        Payload::FactSet(f) => (f.fact.as_str(), f.value.clone()),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        set(1),
        ("csirt_reference", serde_json::json!("CSIRT-2026-114"))
    );
    assert_eq!(set(2), ("statement_published", serde_json::json!(true)));
    assert_eq!(
        d.app
            .state()
            .fact("org")
            .map(|v| v.display(None, chrono_tz::UTC)),
        Some("Example Court".into())
    );
}

#[test]
fn friction9_fills_that_cannot_hold_are_refused_when_the_playbook_loads() {
    for (fills, why) in [
        (
            "          - {fact: nope, from: reference}\n",
            "unknown fact `nope`",
        ),
        (
            "          - {fact: org, from: colour}\n",
            "no field `colour`",
        ),
        (
            "          - {fact: org, from: sent_at}\n",
            "the submission's `sent_at` is a date and time",
        ),
        (
            "          - {fact: statement_published, value: \"maybe\"}\n",
            "is not a value of fact",
        ),
        ("          - {fact: org}\n", "exactly one of"),
    ] {
        let refused = playbook_with_fills(fills).expect_err(fills);
        assert!(refused.contains(why), "{fills}: {refused}");
    }
}

/// A time recorded to the second (as `-9h` records it), answered again
/// without typing: the field shows it to the minute, and sending it back
/// must record nothing, never offer a correction that drops the seconds.
/// Typing a different minute still asks whether it was wrong or changed.
#[test]
fn reanswering_a_time_kept_to_the_second_without_typing_records_nothing() {
    let aware = Event::new(Payload::FactSet(crate::journal::event::FactSet {
        fact: "aware_at".into(),
        value: serde_json::json!("2026-11-02T07:40:24Z"),
        occurred_at: None,
        confirmed: None,
    }));
    let mut d = Desk::with(vec![aware]);
    let before = d.lines.len();
    d.app.focus = Pane::Steps;
    d.ch('a');
    let Mode::Facts(dialog) = &d.app.mode else {
        panic!("the facts dialog opens");
    };
    let at = dialog
        .facts
        .iter()
        .position(|f| f == "aware_at")
        .expect("asked");
    for _ in 0..at {
        d.press(KeyCode::Down);
    }
    let effects = d.press(KeyCode::Enter);
    d.save(&effects);
    assert!(d.written_since(before).is_empty(), "nothing recorded");
    let Mode::Facts(dialog) = &d.app.mode else {
        panic!("the dialog stays open");
    };
    assert!(dialog.amend.is_none(), "no correction is offered");
    assert!(
        dialog
            .echo
            .as_deref()
            .is_some_and(|e| e.contains("(unchanged)")),
        "{:?}",
        dialog.echo
    );
}
