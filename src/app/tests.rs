//! Unit tests of [`App::update`]: for every action, acknowledgement and
//! tick, the state it leaves and the effects it asks the runtime for.
//!
//! The journal here is in memory: lines are encoded from drafts exactly as
//! the writer would (`seq`, `prev` chain), and [`Runner::save`] plays the
//! writer by turning each `Effect::Append` into the next line and
//! acknowledging it.

use std::path::Path;
use std::sync::OnceLock;

use crate::app::input::{KeyCode, KeyEvent, KeyModifiers};
use chrono::{DateTime, Duration, Utc};
use serde_json::json;

use super::dialog::{DecideFocus, FieldInput, SubmitField};
use super::*;
use crate::catalog::{self, Catalog};
use crate::drill::DrillState;
use crate::hash::{ZERO_HASH, sha256_hex};
use crate::journal::Kind;
use crate::journal::event::{
    Created, DrillAction, FactSet, ObservationKind, PlaybookRef, Rating, RoleAssigned,
    SessionStarted,
};
use crate::playbook::{Drill, FactValue, Inject, Trigger};

const START: &str = "2026-11-02T08:00:00Z";
const JOURNAL: &str = "incident.jsonl";
const ACTOR: &str = "Dana Reyes";
const SESSION: &str = "unit-session";
const MARK: &str = message::EXERCISE_MARK;

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("valid time")
        .with_timezone(&Utc)
}

/// `tests/fixtures/playbooks/fixture-incident.yaml`, loaded once.
fn fixture_playbook() -> Playbook {
    static PLAYBOOK: OnceLock<Playbook> = OnceLock::new();
    PLAYBOOK
        .get_or_init(|| {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/playbooks/fixture-incident.yaml");
            let source = catalog::read_source(&path).expect("fixture playbook readable");
            let today = utc(START).date_naive();
            let library = Catalog::bundled(today).library;
            catalog::check_playbook(&source, &library, today)
                .expect("fixture playbook valid")
                .0
        })
        .clone()
}

/// Encodes `draft` as the next line of `lines`, chained to the last one.
fn append_line(lines: &mut Vec<Line>, draft: Draft) -> Line {
    let prev = lines
        .last()
        .map_or_else(|| ZERO_HASH.to_string(), |l| sha256_hex(l.text.as_bytes()));
    let seq = u64::try_from(lines.len()).expect("small journal");
    let entry = draft.into_entry(seq, prev);
    let line = Line {
        text: entry.encode(),
        entry,
    };
    lines.push(line.clone());
    line
}

/// A journal written before the runner opens it.
struct Journal {
    playbook: Playbook,
    lines: Vec<Line>,
    at: DateTime<Utc>,
}

impl Journal {
    /// A fixture incident created at [`START`].
    fn incident() -> Self {
        Self::created(utc(START), false)
    }

    /// A fixture exercise created at [`START`].
    fn exercise() -> Self {
        Self::created(utc(START), true)
    }

    fn created(at: DateTime<Utc>, exercise: bool) -> Self {
        let playbook = fixture_playbook();
        let created = Created {
            journal_id: "unit-test-journal".into(),
            playbook: PlaybookRef {
                id: playbook.id.clone(),
                version: playbook.version.clone(),
                path: "fixtures/fixture-incident.yaml".into(),
                sha256: playbook.sha256.clone(),
            },
            title: "Unit incident".into(),
            timezone: "Europe/Amsterdam".into(),
            exercise,
            app_version: "test".into(),
            drill: None,
            holidays: Vec::new(),
        };
        let mut journal = Self {
            playbook,
            lines: Vec::new(),
            at,
        };
        journal.push(Event::new(Payload::JournalCreated(created)));
        journal.push(Event::new(Payload::SessionStarted(SessionStarted {
            pid: 1,
            host: "test-host".into(),
            app_version: "test".into(),
            mode: "run".into(),
        })));
        journal
    }

    fn push(&mut self, event: Event) {
        let draft = Draft {
            ts: self.at,
            mono_ms: 0,
            scenario_ms: None,
            session: "earlier-session".into(),
            actor: ACTOR.into(),
            event,
        };
        append_line(&mut self.lines, draft);
    }

    fn with(mut self, event: Event) -> Self {
        self.push(event);
        self
    }

    fn fact(self, fact: &str, value: serde_json::Value) -> Self {
        self.with(Event::new(Payload::FactSet(FactSet {
            fact: fact.into(),
            value,
            occurred_at: None,
            confirmed: None,
        })))
    }

    /// `org` and `aware_at` (07:45 UTC), so messages have no gaps.
    fn with_basics(self) -> Self {
        self.fact("aware_at", json!("2026-11-02T07:45:00Z"))
            .fact("org", json!("Example Court"))
    }

    fn role(self, role: &str, person: &str) -> Self {
        self.with(Event::new(Payload::RoleAssigned(RoleAssigned {
            role: role.into(),
            person: person.into(),
        })))
    }

    fn step(self, step: &str, payload: Payload) -> Self {
        self.with(Event::on_step(step, payload))
    }

    fn open(self) -> Runner {
        let at = self.at;
        self.open_at(at)
    }

    fn open_at(self, now: DateTime<Utc>) -> Runner {
        let identity = Identity {
            actor: ACTOR.into(),
            session: SESSION.into(),
        };
        let app = App::new(
            self.playbook,
            &self.lines,
            identity,
            JOURNAL,
            Keymap::default(),
            now,
        );
        Runner {
            app,
            lines: self.lines,
            now,
        }
    }
}

/// The app, the lines "on disk", and the wall time inputs arrive at.
struct Runner {
    app: App,
    lines: Vec<Line>,
    now: DateTime<Utc>,
}

impl Runner {
    fn new() -> Self {
        Journal::incident().open()
    }

    fn update(&mut self, msg: Msg) -> Vec<Effect> {
        self.app.update(msg, self.now)
    }

    fn key(&mut self, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
        self.update(Msg::Key(KeyEvent::new(code, modifiers)))
    }

    fn press(&mut self, code: KeyCode) -> Vec<Effect> {
        self.key(code, KeyModifiers::NONE)
    }

    fn ch(&mut self, c: char) -> Vec<Effect> {
        self.press(KeyCode::Char(c))
    }

    fn ctrl(&mut self, c: char) -> Vec<Effect> {
        self.key(KeyCode::Char(c), KeyModifiers::CONTROL)
    }

    fn enter(&mut self) -> Vec<Effect> {
        self.press(KeyCode::Enter)
    }

    fn esc(&mut self) -> Vec<Effect> {
        self.press(KeyCode::Esc)
    }

    fn tab(&mut self) -> Vec<Effect> {
        self.press(KeyCode::Tab)
    }

    fn tick(&mut self) -> Vec<Effect> {
        self.update(Msg::Tick)
    }

    /// Types text into whatever has the keyboard; typing records nothing.
    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            let effects = self.ch(c);
            assert!(effects.is_empty(), "typing {c:?} had effects: {effects:?}");
        }
    }

    /// Ctrl-U: clears the editor's line.
    fn clear_line(&mut self) {
        assert!(self.ctrl('u').is_empty());
    }

    fn advance(&mut self, by: Duration) {
        self.now += by;
    }

    /// Selects a step in the step list.
    fn select(&mut self, step: &str) {
        self.app.select_step(step);
        self.app.focus = Pane::Steps;
    }

    /// Plays the writer: each append becomes the next line and is
    /// acknowledged. Returns what the acknowledgements asked for.
    fn save(&mut self, effects: &[Effect]) -> Vec<Effect> {
        let mut out = Vec::new();
        for effect in effects {
            if let Effect::Append { ticket, draft, .. } = effect {
                let line = append_line(&mut self.lines, draft.clone());
                out.extend(self.update(Msg::Ack(Ack::Saved {
                    ticket: *ticket,
                    line,
                })));
            }
        }
        out
    }

    /// Plays a writer that refuses every append.
    fn fail(&mut self, effects: &[Effect], error: &str) -> Vec<Effect> {
        let mut out = Vec::new();
        for effect in effects {
            if let Effect::Append { ticket, .. } = effect {
                out.extend(self.update(Msg::Ack(Ack::Failed {
                    ticket: *ticket,
                    error: crate::journal::writer::WriteError::new(
                        std::io::ErrorKind::Other,
                        error,
                    ),
                })));
            }
        }
        out
    }

    fn status(&self, step: &str) -> StepStatus {
        self.app.state().status(step)
    }

    fn notices(&self) -> Vec<&str> {
        self.app.notices.iter().map(|n| n.text.as_str()).collect()
    }

    fn has_notice(&self, fragment: &str) -> bool {
        self.app.notices.iter().any(|n| n.text.contains(fragment))
    }

    fn row_ids(&self, phase: usize) -> Vec<String> {
        self.app.rows(phase).into_iter().map(|r| r.id).collect()
    }

    /// With nothing saving, the live state is the replay of the journal.
    fn assert_live_state_is_replay(&self) {
        assert!(self.app.pending().is_empty(), "entries still saving");
        let replayed = run::replay(&self.app.playbook, self.lines.iter().map(|l| &l.entry));
        assert_eq!(self.app.state(), &replayed);
    }
}

/// The drafts of every append, in order.
fn appended(effects: &[Effect]) -> Vec<&Draft> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Append { draft, .. } => Some(draft),
            _ => None,
        })
        .collect()
}

fn kinds(effects: &[Effect]) -> Vec<Kind> {
    appended(effects).iter().map(|d| d.event.kind()).collect()
}

/// The one effect, which must be an append.
fn only_append(effects: &[Effect]) -> &Draft {
    match effects {
        [Effect::Append { draft, .. }] => draft,
        other => panic!("expected exactly one append, got {other:?}"),
    }
}

/// The attachment of the one append among `effects`.
fn attachment(effects: &[Effect]) -> &Attachment {
    effects
        .iter()
        .find_map(|e| match e {
            Effect::Append {
                attachment: Some(a),
                ..
            } => Some(a),
            _ => None,
        })
        .expect("an append with an attachment")
}

macro_rules! payload {
    ($draft:expr, $variant:ident) => {
        match &$draft.event.payload {
            Payload::$variant(p) => p,
            other => panic!("expected {}, got {other:?}", stringify!($variant)),
        }
    };
}

macro_rules! mode {
    ($runner:expr, $variant:ident) => {
        match &$runner.app.mode {
            Mode::$variant(d) => d,
            other => panic!("expected mode {}, got {other:?}", stringify!($variant)),
        }
    };
}

// --- moving around -------------------------------------------------------

#[test]
fn opens_on_the_first_open_required_step() {
    let r = Runner::new();
    assert_eq!(r.app.selected.as_deref(), Some("confirm"));
    assert_eq!(
        (r.app.focus, r.app.phase, &r.app.mode),
        (Pane::Steps, 0, &Mode::Normal)
    );
}

#[test]
fn resumes_on_the_step_the_journal_last_acted_on() {
    let r = Journal::incident()
        .step("isolate", Payload::StepStarted(event::Empty {}))
        .open();
    assert_eq!(
        (r.app.selected.as_deref(), r.app.phase),
        (Some("isolate"), 1)
    );
}

#[test]
fn move_down_and_up_walk_the_steps_of_the_phase() {
    let mut r = Runner::new();
    assert!(r.ch('j').is_empty());
    assert_eq!(r.app.selected.as_deref(), Some("scope"));
    r.press(KeyCode::Down);
    r.press(KeyCode::Down);
    assert_eq!(r.app.selected.as_deref(), Some("rate"), "stops at the last");
    assert!(r.ch('k').is_empty());
    assert_eq!(r.app.selected.as_deref(), Some("scope"));
    r.press(KeyCode::Up);
    r.press(KeyCode::Up);
    assert_eq!(
        r.app.selected.as_deref(),
        Some("confirm"),
        "stops at the first"
    );
}

#[test]
fn moves_in_the_detail_pane_walk_the_checklist_or_scroll() {
    let mut r = Runner::new();
    r.app.focus = Pane::Detail;
    r.ch('j');
    r.ch('j');
    assert_eq!(r.app.item, 1, "confirm has two items");
    r.ch('k');
    assert_eq!(r.app.item, 0);
    r.select("isolate");
    r.app.focus = Pane::Detail;
    r.ch('j');
    assert_eq!(
        (r.app.item, r.app.detail_scroll),
        (0, 1),
        "no checklist: scrolls"
    );
    r.ch('k');
    assert_eq!(r.app.detail_scroll, 0);
}

#[test]
fn moves_in_the_phases_pane_change_phase() {
    let mut r = Runner::new();
    r.app.focus = Pane::Phases;
    r.ch('j');
    assert_eq!(
        (r.app.phase, r.app.selected.as_deref()),
        (1, Some("isolate"))
    );
}

#[test]
fn tab_and_backtab_cycle_the_panes() {
    let mut r = Runner::new();
    let mut seen = Vec::new();
    for _ in 0..3 {
        assert!(r.tab().is_empty());
        seen.push(r.app.focus);
    }
    assert_eq!(seen, [Pane::Detail, Pane::Phases, Pane::Steps]);
    seen.clear();
    for _ in 0..3 {
        r.press(KeyCode::BackTab);
        seen.push(r.app.focus);
    }
    assert_eq!(seen, [Pane::Phases, Pane::Detail, Pane::Steps]);
}

#[test]
fn phase_keys_change_phase_wrap_around_and_select_its_first_visible_step() {
    let mut r = Runner::new();
    assert!(r.ch('l').is_empty());
    assert_eq!(
        (r.app.phase, r.app.selected.as_deref()),
        (1, Some("isolate"))
    );
    r.ch(']');
    assert_eq!(
        (r.app.phase, r.app.selected.as_deref()),
        (2, Some("early-warning"))
    );
    r.ch('[');
    r.press(KeyCode::Left);
    assert_eq!(
        (r.app.phase, r.app.selected.as_deref()),
        (0, Some("confirm"))
    );
    r.ch('h');
    assert_eq!(
        (r.app.phase, r.app.selected.as_deref()),
        (3, Some("holding-statement")),
        "wraps to the last phase"
    );
    r.press(KeyCode::Right);
    assert_eq!(r.app.phase, 0, "wraps to the first phase");
}

#[test]
fn page_keys_scroll_the_details_by_eight_lines() {
    let mut r = Runner::new();
    assert!(r.press(KeyCode::PageDown).is_empty());
    r.press(KeyCode::PageDown);
    assert_eq!(r.app.detail_scroll, 16);
    r.press(KeyCode::PageUp);
    assert_eq!(r.app.detail_scroll, 8);
    r.press(KeyCode::PageUp);
    r.press(KeyCode::PageUp);
    assert_eq!(r.app.detail_scroll, 0);
}

// --- open / start --------------------------------------------------------

#[test]
fn enter_on_an_open_step_records_step_started() {
    let mut r = Runner::new();
    let effects = r.enter();
    let draft = only_append(&effects);
    assert_eq!(
        draft.event,
        Event::on_step("confirm", Payload::StepStarted(event::Empty {}))
    );
    assert_eq!(
        (draft.ts, draft.actor.as_str(), draft.session.as_str()),
        (r.now, ACTOR, SESSION)
    );
    assert_eq!(draft.scenario_ms, None, "not a drill");
    assert!(matches!(
        effects[0],
        Effect::Append {
            ticket: 1,
            attachment: None,
            ..
        }
    ));
    assert_eq!(
        r.status("confirm"),
        StepStatus::InProgress,
        "shown while saving"
    );
    assert_eq!(r.app.pending().len(), 1);
    assert_eq!(r.app.tail.back().map(|t| &t.status), Some(&Saved::Saving));

    assert!(r.save(&effects).is_empty());
    assert!(r.app.pending().is_empty());
    assert_eq!(r.app.tail.back().map(|t| &t.status), Some(&Saved::Saved(2)));
    assert_eq!(r.status("confirm"), StepStatus::InProgress);
    r.assert_live_state_is_replay();
}

#[test]
fn enter_on_a_started_step_opens_its_details_and_then_ticks_items() {
    let mut r = Journal::incident()
        .step("confirm", Payload::StepStarted(event::Empty {}))
        .open();
    assert!(r.enter().is_empty());
    assert_eq!(r.app.focus, Pane::Detail);
    let effects = r.enter();
    let tick = payload!(only_append(&effects), ChecklistItem);
    assert_eq!((tick.item, tick.checked), (0, true));
}

#[test]
fn enter_on_a_step_that_normally_follows_another_warns_and_starts_it() {
    let mut r = Runner::new();
    r.select("scope");
    let effects = r.enter();
    assert_eq!(only_append(&effects).event.step.as_deref(), Some("scope"));
    assert!(
        r.has_notice("normally follows confirm"),
        "{:?}",
        r.notices()
    );
}

#[test]
fn enter_on_a_blocked_step_starts_it_again() {
    let mut r = Journal::incident()
        .step(
            "isolate",
            Payload::StepBlocked(event::Reason {
                reason: "no access".into(),
            }),
        )
        .open();
    let effects = r.enter();
    assert_eq!(kinds(&effects), [Kind::StepStarted]);
    r.save(&effects);
    assert_eq!(r.status("isolate"), StepStatus::InProgress);
}

#[test]
fn enter_in_the_phases_pane_moves_to_the_steps() {
    let mut r = Runner::new();
    r.app.focus = Pane::Phases;
    assert!(r.enter().is_empty());
    assert_eq!(r.app.focus, Pane::Steps);
}

// --- done and submissions ------------------------------------------------

#[test]
fn done_records_step_done_and_names_unanswered_facts() {
    let mut r = Runner::new();
    assert!(r.ch('x').is_empty(), "unticked checklist: asks first");
    assert!(r.has_notice("press x again"));
    let effects = r.ch('x');
    assert_eq!(
        only_append(&effects).event,
        Event::on_step("confirm", Payload::StepDone(event::StepDone::default()))
    );
    assert!(
        r.has_notice("not answered yet: aware_at, org"),
        "{:?}",
        r.notices()
    );
    r.save(&effects);
    assert_eq!(r.status("confirm"), StepStatus::Done);
    assert!(r.ch('x').is_empty(), "already done");
    assert!(r.has_notice("already done"));
}

#[test]
fn done_on_a_step_that_meets_a_clock_opens_the_submission_form() {
    let mut r = Journal::incident().with_basics().open();
    r.select("early-warning");
    assert!(r.ch('x').is_empty(), "nothing recorded before the form");
    let form = mode!(r, Submit);
    assert_eq!(form.stages, ["csirt-report.early-warning"]);
    assert!(form.then_done);
    assert_eq!(
        form.fields[1].1.text(),
        "National CSIRT",
        "the step's contact"
    );
    assert_eq!(form.fields[3].1.text(), "now");

    r.press(KeyCode::End);
    r.type_text("-portal");
    let effects = r.enter();
    assert_eq!(kinds(&effects), [Kind::Submission, Kind::StepDone]);
    let sub = payload!(appended(&effects)[0], Submission);
    assert_eq!(sub.stages, ["csirt-report.early-warning"]);
    assert_eq!(
        (sub.channel.as_str(), sub.recipient.as_str(), sub.sent_at),
        ("email-portal", "National CSIRT", r.now)
    );
    assert_eq!((&sub.backdated_reason, sub.version), (&None, None));
    assert_eq!(r.app.mode, Mode::Normal);
    r.save(&effects);
    assert_eq!(r.status("early-warning"), StepStatus::Done);
    let met = clocks::evaluate(&r.app.playbook, r.app.state(), r.now)
        .into_iter()
        .find(|v| v.stage.id == "early-warning")
        .expect("stage");
    assert!(
        matches!(met.state, StageState::Met { .. }),
        "{:?}",
        met.state
    );
    r.assert_live_state_is_replay();
}

#[test]
fn a_submission_backdated_beyond_ten_minutes_needs_a_reason() {
    let mut r = Journal::incident().with_basics().open();
    r.select("early-warning");
    r.ch('x');
    for _ in 0..3 {
        r.tab();
    }
    r.clear_line();
    r.type_text("-30m");
    assert!(r.enter().is_empty(), "refused without a reason");
    let form = mode!(r, Submit);
    assert_eq!(
        form.error.as_deref(),
        Some("sent 30m ago: say why it is recorded late · the cursor is now in Why backdated")
    );
    assert_eq!(form.fields[form.focus].0, SubmitField::Backdate);

    r.type_text("Phoned in before the journal was open");
    let effects = r.enter();
    assert_eq!(kinds(&effects), [Kind::Submission, Kind::StepDone]);
    let sub = payload!(appended(&effects)[0], Submission);
    assert_eq!(sub.sent_at, r.now - Duration::minutes(30));
    assert_eq!(
        sub.backdated_reason.as_deref(),
        Some("Phoned in before the journal was open")
    );
}

#[test]
fn a_submission_within_ten_minutes_needs_no_reason_and_a_future_one_is_refused() {
    let mut r = Journal::incident().with_basics().open();
    r.select("early-warning");
    r.ch('x');
    for _ in 0..3 {
        r.tab();
    }
    r.clear_line();
    r.type_text("+1h");
    assert!(r.enter().is_empty());
    assert!(mode!(r, Submit).error.is_some(), "not a time");
    r.clear_line();
    r.type_text(&(r.now + Duration::hours(1)).to_rfc3339());
    assert!(r.enter().is_empty());
    assert_eq!(
        mode!(r, Submit).error.as_deref(),
        Some("the time sent is in the future")
    );
    r.clear_line();
    r.type_text("-10m");
    let effects = r.enter();
    let sub = payload!(appended(&effects)[0], Submission);
    assert_eq!(
        (sub.sent_at, &sub.backdated_reason),
        (r.now - Duration::minutes(10), &None)
    );
}

#[test]
fn a_submission_of_a_draft_with_gaps_asks_for_confirmation() {
    let mut r = Runner::new();
    r.select("early-warning");
    r.ch('m');
    let effects = r.ch('y');
    assert_eq!(
        payload!(appended(&effects)[0], MessageDrafted).gaps,
        ["org", "aware_at"]
    );
    r.save(&effects);
    r.esc();
    r.ch('x');
    assert_eq!(mode!(r, Submit).gaps, ["org", "aware_at"]);
    assert!(r.enter().is_empty(), "first Enter only warns");
    let form = mode!(r, Submit);
    assert!(form.confirmed_gaps);
    assert!(
        form.error
            .as_deref()
            .is_some_and(|e| e.contains("still has gaps (org, aware_at)"))
    );
    let effects = r.enter();
    assert_eq!(kinds(&effects), [Kind::Submission, Kind::StepDone]);
    assert_eq!(payload!(appended(&effects)[0], Submission).version, Some(1));
}

#[test]
fn a_submission_needs_a_channel_and_a_recipient_and_esc_cancels() {
    let mut r = Journal::incident().with_basics().open();
    r.select("final-report");
    r.ch('x');
    assert_eq!(mode!(r, Submit).fields[1].1.text(), "National CSIRT");
    r.tab();
    r.clear_line();
    assert!(r.enter().is_empty());
    let form = mode!(r, Submit);
    assert_eq!(form.error.as_deref(), Some("the recipient is required"));
    assert_eq!(form.fields[form.focus].0, SubmitField::Recipient);
    assert!(r.esc().is_empty());
    assert!(
        r.app.discard_armed,
        "a cleared field is typed text: Esc asks"
    );
    assert!(r.esc().is_empty());
    assert_eq!(r.app.mode, Mode::Normal);
    assert_eq!(r.status("final-report"), StepStatus::Open);
}

// --- skip, block, reopen -------------------------------------------------

#[test]
fn skip_asks_for_a_reason_and_refuses_an_empty_one() {
    let mut r = Runner::new();
    r.select("preserve");
    assert!(r.ch('s').is_empty());
    let dialog = mode!(r, Reason);
    assert_eq!(
        (dialog.kind, dialog.step.as_str()),
        (ReasonKind::Skip, "preserve")
    );
    r.type_text("   ");
    assert!(r.enter().is_empty());
    assert_eq!(
        mode!(r, Reason).error.as_deref(),
        Some("a reason is required: it is what reviewers will read")
    );
    assert_eq!(r.status("preserve"), StepStatus::Open);
}

#[test]
fn skip_with_a_reason_records_step_skipped() {
    let mut r = Runner::new();
    r.select("preserve");
    r.ch('s');
    r.type_text("Vendor imaged the disks");
    let effects = r.enter();
    assert_eq!(
        only_append(&effects).event,
        Event::on_step(
            "preserve",
            Payload::StepSkipped(event::Reason {
                reason: "Vendor imaged the disks".into()
            })
        )
    );
    assert_eq!(r.app.mode, Mode::Normal);
    r.save(&effects);
    assert_eq!(r.status("preserve"), StepStatus::Skipped);
    r.assert_live_state_is_replay();
}

#[test]
fn esc_leaves_the_reason_dialog_without_recording() {
    let mut r = Runner::new();
    r.ch('s');
    r.type_text("not yet");
    assert!(r.esc().is_empty());
    assert!(
        matches!(r.app.mode, Mode::Reason(_)),
        "typed text: Esc asks first"
    );
    assert!(r.esc().is_empty());
    assert_eq!(r.app.mode, Mode::Normal);
}

#[test]
fn skip_with_the_phases_pane_focused_asks_to_select_a_step() {
    let mut r = Runner::new();
    r.app.focus = Pane::Phases;
    assert!(r.ch('s').is_empty());
    assert_eq!(r.app.mode, Mode::Normal);
    assert!(r.has_notice("select a step first"));
}

#[test]
fn block_records_step_blocked_with_its_reason() {
    let mut r = Runner::new();
    r.select("isolate");
    r.ch('b');
    assert_eq!(mode!(r, Reason).kind, ReasonKind::Block);
    assert!(r.enter().is_empty(), "a reason is required");
    r.type_text("Waiting for network team");
    let effects = r.enter();
    let blocked = payload!(only_append(&effects), StepBlocked);
    assert_eq!(blocked.reason, "Waiting for network team");
    r.save(&effects);
    assert_eq!(r.status("isolate"), StepStatus::Blocked);
}

#[test]
fn reopen_an_open_step_is_refused() {
    let mut r = Runner::new();
    assert!(r.ch('r').is_empty());
    assert_eq!(r.app.mode, Mode::Normal);
    assert!(r.has_notice("already open"));
}

#[test]
fn reopen_a_closed_step_takes_an_optional_reason() {
    let mut r = Journal::incident()
        .step("isolate", Payload::StepDone(event::StepDone::default()))
        .step("rate", Payload::StepDone(event::StepDone::default()))
        .open();
    r.select("isolate");
    r.ch('r');
    assert_eq!(mode!(r, Reason).kind, ReasonKind::Reopen);
    let effects = r.enter();
    assert_eq!(
        payload!(only_append(&effects), StepReopened).reason,
        None,
        "no reason needed"
    );
    r.select("rate");
    r.advance(Duration::seconds(1)); // a moment after the dialog closed
    r.ch('r');
    r.type_text("New evidence");
    let more = r.enter();
    assert_eq!(
        payload!(only_append(&more), StepReopened).reason.as_deref(),
        Some("New evidence")
    );
    r.save(&effects);
    r.save(&more);
    assert_eq!(
        (r.status("isolate"), r.status("rate")),
        (StepStatus::Open, StepStatus::Open)
    );
}

// --- notes ---------------------------------------------------------------

#[test]
fn a_note_on_the_selected_step_is_saved_with_ctrl_s() {
    let mut r = Runner::new();
    assert!(r.ch('n').is_empty());
    assert_eq!(mode!(r, Note).step.as_deref(), Some("confirm"));
    r.type_text("Alert from EDR");
    assert!(r.enter().is_empty(), "Enter breaks the line");
    r.type_text("Channel #inc-42");
    let effects = r.ctrl('s');
    assert_eq!(
        only_append(&effects).event,
        Event::on_step(
            "confirm",
            Payload::Note(event::Note {
                text: "Alert from EDR\nChannel #inc-42".into()
            })
        )
    );
    assert_eq!(r.app.mode, Mode::Normal);
}

#[test]
fn tab_in_the_note_dialog_makes_it_a_general_note_and_alt_enter_saves() {
    let mut r = Runner::new();
    r.ch('n');
    r.tab();
    assert_eq!(mode!(r, Note).step, None);
    r.tab();
    assert_eq!(mode!(r, Note).step.as_deref(), Some("confirm"), "and back");
    r.tab();
    r.type_text("Shift handover at 18:00");
    let effects = r.key(KeyCode::Enter, KeyModifiers::ALT);
    let draft = only_append(&effects);
    assert_eq!(draft.event.step, None);
    assert_eq!(payload!(draft, Note).text, "Shift handover at 18:00");
}

#[test]
fn a_note_from_the_phases_pane_is_general_and_a_blank_one_is_dropped() {
    let mut r = Runner::new();
    r.app.focus = Pane::Phases;
    r.ch('n');
    assert_eq!(mode!(r, Note).step, None);
    r.type_text("  ");
    assert!(r.ctrl('s').is_empty());
    assert_eq!(r.app.mode, Mode::Normal);
}

// --- facts ---------------------------------------------------------------

#[test]
fn answer_offers_the_steps_facts_or_else_every_fact() {
    let mut r = Runner::new();
    r.ch('a');
    let dialog = mode!(r, Facts);
    assert_eq!(
        (dialog.step.as_deref(), dialog.facts.as_slice()),
        (
            Some("confirm"),
            ["aware_at".to_string(), "org".to_string()].as_slice()
        )
    );
    r.esc();
    assert_eq!(r.app.mode, Mode::Normal);
    r.select("rate");
    r.ch('a');
    let dialog = mode!(r, Facts);
    assert_eq!(dialog.step, None);
    assert_eq!(dialog.facts.len(), r.app.playbook.facts.len());
}

#[test]
fn a_datetime_typed_as_a_local_time_is_stored_as_utc_in_the_incident_zone() {
    // 08:00 UTC is 09:00 in Amsterdam (CET, UTC+1) on 2 November.
    let mut r = Runner::new();
    r.ch('a');
    r.type_text("08:30");
    let preview = mode!(r, Facts).preview(r.app.ctx());
    assert_eq!(
        preview.as_deref(),
        Some("= 2026-11-02 08:30 CET (07:30 UTC)")
    );
    let effects = r.enter();
    let draft = only_append(&effects);
    assert_eq!(draft.event.step.as_deref(), Some("confirm"));
    assert_eq!(
        payload!(draft, FactSet),
        &FactSet {
            fact: "aware_at".into(),
            value: json!("2026-11-02T07:30:00Z"),
            occurred_at: None,
            confirmed: None,
        }
    );
    let dialog = mode!(r, Facts);
    assert_eq!(dialog.selected, 1, "on to `org`");
    assert!(
        matches!(&dialog.editing, Some(FieldInput::Text(e)) if e.text().is_empty()),
        "`org` is ready for typing"
    );
    assert_eq!(
        dialog.echo.as_deref(),
        Some("aware_at = 2026-11-02 08:30 CET (07:30 UTC)")
    );
    assert_eq!(
        r.app.state().fact("aware_at"),
        Some(&FactValue::DateTime(utc("2026-11-02T07:30:00Z")))
    );
}

#[test]
fn a_local_time_in_summer_is_read_with_daylight_saving() {
    // 06:00 UTC is 08:00 in Amsterdam (CEST, UTC+2) on 1 July.
    let mut r = Journal::created(utc("2026-07-01T06:00:00Z"), false).open();
    r.ch('a');
    r.type_text("07:05");
    let effects = r.enter();
    assert_eq!(
        payload!(only_append(&effects), FactSet).value,
        json!("2026-07-01T05:05:00Z")
    );
}

#[test]
fn d8_a_local_time_later_today_is_refused_as_in_the_future() {
    // 08:00 in Amsterdam: "14:05" would be six hours from now.
    let mut r = Journal::created(utc("2026-07-01T06:00:00Z"), false).open();
    r.ch('a');
    r.type_text("14:05");
    assert!(r.enter().is_empty(), "nothing written");
    let error = mode!(r, Facts).error.clone().unwrap_or_default();
    assert!(error.contains("in the future"), "{error}");
}

#[test]
fn a_bad_value_is_refused_with_the_type_expected() {
    let mut r = Runner::new();
    r.select("scope");
    r.ch('a');
    r.tab();
    assert_eq!(mode!(r, Facts).selected, 1, "`records`");
    r.type_text("lots");
    assert!(r.enter().is_empty());
    let dialog = mode!(r, Facts);
    assert_eq!(
        dialog.error.as_deref(),
        Some("expected a number such as 1200 or 0.5, not `lots` (a number expected)")
    );
    assert!(dialog.editing.is_some(), "still editing");
    r.clear_line();
    r.type_text("1_200");
    let effects = r.enter();
    assert_eq!(
        payload!(only_append(&effects), FactSet).value,
        json!(1200.0)
    );

    r.esc();
    assert_eq!(r.app.mode, Mode::Normal);
    r.select("confirm");
    r.ch('a');
    r.type_text("25:99");
    assert!(r.enter().is_empty());
    assert!(
        mode!(r, Facts)
            .error
            .as_deref()
            .is_some_and(|e| e.ends_with("(a date and time expected)"))
    );
}

#[test]
fn a_multiple_choice_fact_is_answered_by_picking_options() {
    let mut r = Runner::new();
    r.select("scope");
    r.ch('a');
    assert!(matches!(mode!(r, Facts).editing, Some(FieldInput::Pick(_))));
    r.ch('1');
    r.ch('2');
    r.ch('1');
    r.ch(' ');
    let effects = r.enter();
    assert_eq!(
        payload!(only_append(&effects), FactSet).value,
        json!(["eu", "us"])
    );
}

#[test]
fn a_new_value_for_a_fact_asks_whether_the_old_one_was_wrong() {
    let mut r = Journal::incident()
        .fact("aware_at", json!("2026-11-02T07:30:00Z"))
        .open();
    let first_seq = r.lines.last().expect("fact").entry.seq;
    r.ch('a');
    assert!(matches!(
        &mode!(r, Facts).editing,
        Some(FieldInput::Text(e)) if e.text() == "2026-11-02 08:30"
    ));
    r.clear_line();
    r.type_text("08:10");
    assert!(r.enter().is_empty(), "asks first");
    let amend = mode!(r, Facts)
        .amend
        .clone()
        .expect("asks: wrong or changed?");
    assert_eq!(amend.previous_seq, first_seq);
    assert_eq!(amend.previous, "2026-11-02 08:30 CET (07:30 UTC)");
    assert_eq!(amend.shown, "2026-11-02 08:10 CET (07:10 UTC)");

    r.press(KeyCode::Up);
    assert!(r.enter().is_empty(), "opens the reason");
    assert!(r.enter().is_empty(), "a correction needs a reason");
    assert_eq!(
        mode!(r, Facts).error.as_deref(),
        Some("say why the earlier value was wrong")
    );
    r.type_text("The first alert was earlier");
    let effects = r.enter();
    let correction = payload!(only_append(&effects), Correction);
    assert_eq!(
        (correction.corrects, correction.reason.as_str()),
        (first_seq, "The first alert was earlier")
    );
    assert_eq!(correction.value, Some(json!("2026-11-02T07:10:00Z")));
    r.save(&effects);
    let history = &r.app.state().facts["aware_at"].history;
    assert_eq!(history.len(), 1, "kept beside the original");
    assert_eq!(
        r.app.state().fact("aware_at"),
        Some(&FactValue::DateTime(utc("2026-11-02T07:10:00Z")))
    );
    r.assert_live_state_is_replay();
}

#[test]
fn a_new_value_that_reflects_a_change_is_recorded_as_a_new_fact_set() {
    let mut r = Journal::incident().fact("records", json!(100.0)).open();
    r.select("scope");
    r.ch('a');
    r.tab();
    r.clear_line();
    r.type_text("250");
    assert!(r.enter().is_empty());
    r.press(KeyCode::Down);
    let effects = r.enter();
    assert_eq!(payload!(only_append(&effects), FactSet).value, json!(250.0));
    r.save(&effects);
    assert_eq!(r.app.state().facts["records"].history.len(), 2);
}

// --- decisions -----------------------------------------------------------

#[test]
fn a_decision_without_a_rationale_is_refused() {
    let mut r = Runner::new();
    r.select("scope");
    assert!(r.ch('d').is_empty());
    let dialog = mode!(r, Decide);
    assert_eq!(dialog.decider.text(), ACTOR, "nobody holds the step's role");
    assert_eq!(dialog.prompt, "Is personal data affected?");
    r.ch('2');
    assert!(r.enter().is_empty());
    let dialog = mode!(r, Decide);
    assert_eq!(
        dialog.error.as_deref(),
        Some("a rationale is required: reviewers will ask why · the cursor is now in Rationale")
    );
    assert_eq!(dialog.focus, DecideFocus::Rationale);
}

#[test]
fn a_decision_records_the_choice_the_rationale_and_the_options_offered() {
    let mut r = Runner::new();
    r.select("scope");
    r.ch('d');
    r.ch('2');
    r.tab();
    r.type_text("Only system logs");
    assert!(r.enter().is_empty(), "Enter breaks the rationale's line");
    r.type_text("were in the share");
    let effects = r.ctrl('s');
    let draft = only_append(&effects);
    assert_eq!(draft.event.step.as_deref(), Some("scope"));
    assert_eq!(
        payload!(draft, Decision),
        &event::Decision {
            fact: "personal_data".into(),
            value: json!(false),
            rationale: "Only system logs\nwere in the share".into(),
            options: vec!["true".into(), "false".into()],
            decider: ACTOR.into(),
        }
    );
    r.save(&effects);
    assert_eq!(
        r.app.state().fact("personal_data"),
        Some(&FactValue::Bool(false))
    );
    assert_eq!(r.app.state().decisions.len(), 1);
}

#[test]
fn the_decider_defaults_to_the_role_holder_and_may_not_be_empty() {
    let mut r = Journal::incident().role("ic", "Ana Ruiz").open();
    r.select("rate");
    r.ch('d');
    assert_eq!(mode!(r, Decide).decider.text(), "Ana Ruiz");
    r.tab();
    r.type_text("Privileged account");
    r.tab();
    assert_eq!(mode!(r, Decide).focus, DecideFocus::Decider);
    r.clear_line();
    assert!(r.enter().is_empty());
    assert_eq!(mode!(r, Decide).error.as_deref(), Some("name who decided"));
    r.type_text("Board");
    let effects = r.enter();
    let decision = payload!(only_append(&effects), Decision);
    assert_eq!(
        (&decision.value, decision.decider.as_str()),
        (&json!("low"), "Board"),
        "nothing picked: the option under the cursor"
    );
}

#[test]
fn decide_on_a_step_without_a_decision_says_so() {
    let mut r = Runner::new();
    assert!(r.ch('d').is_empty());
    assert_eq!(r.app.mode, Mode::Normal);
    assert!(r.has_notice("no decision"));
}

// --- roles ---------------------------------------------------------------

#[test]
fn assign_prefills_me_and_records_role_assigned() {
    let mut r = Runner::new();
    assert!(r.ch('o').is_empty());
    let dialog = mode!(r, Assign);
    assert_eq!(
        (dialog.roles.as_slice(), dialog.cursor),
        (["ic".to_string(), "comms".to_string()].as_slice(), 0)
    );
    assert_eq!(mode!(r, Assign).person.text(), "", "nobody holds it yet");
    r.type_text("Sam Okafor");
    let effects = r.enter();
    assert_eq!(
        payload!(only_append(&effects), RoleAssigned),
        &RoleAssigned {
            role: "ic".into(),
            person: "Sam Okafor".into()
        }
    );
    assert_eq!(mode!(r, Assign).cursor, 1, "on to the next role");
    r.save(&effects);
    assert_eq!(r.app.state().holder("ic"), Some("Sam Okafor"));
    r.esc();
    assert_eq!(r.app.mode, Mode::Normal);

    r.select("holding-statement");
    r.ch('o');
    assert_eq!(mode!(r, Assign).cursor, 1, "the step's role");
}

#[test]
fn assign_in_a_playbook_without_roles_says_so() {
    let mut r = Runner::new();
    r.app.playbook.roles.clear();
    assert!(r.ch('o').is_empty());
    assert_eq!(r.app.mode, Mode::Normal);
    assert!(r.has_notice("defines no roles"));
}

// --- messages ------------------------------------------------------------

#[test]
fn message_on_a_step_without_one_says_so() {
    let mut r = Runner::new();
    assert!(r.ch('m').is_empty());
    assert_eq!(r.app.mode, Mode::Normal);
    assert!(r.has_notice("no message"));
}

#[test]
fn copy_saves_a_version_beside_the_journal_and_puts_it_on_the_clipboard() {
    let mut r = Journal::incident().with_basics().open();
    r.select("early-warning");
    r.ch('m');
    assert_eq!(mode!(r, Message).step, "early-warning");
    let effects = r.ch('y');
    assert_eq!(effects.len(), 2, "{effects:?}");
    let text = "Subject: Early warning — Example Court\n\n\
                We became aware of an incident at 2026-11-02 08:45 CET (07:45 UTC).\n";
    assert_eq!(effects[1], Effect::Clipboard(text.into()));
    let file = attachment(&effects);
    assert_eq!(file.text, text);
    let drafted = payload!(appended(&effects)[0], MessageDrafted);
    assert_eq!(
        drafted,
        &event::MessageDrafted {
            version: 1,
            purpose: event::Purpose::Notification,
            subject: Some("Early warning — Example Court".into()),
            text_sha256: sha256_hex(text.as_bytes()),
            file: "incident.early-warning.v1.txt".into(),
            gaps: Vec::new(),
            edited: false,
        }
    );
    assert_eq!(file.file_name, drafted.file, "the file the entry names");
    assert!(!file.file_name.contains('/'), "beside the journal");
    assert!(r.has_notice("version 1 sent to the terminal clipboard"));

    r.save(&effects);
    let again = r.ch('c');
    assert_eq!(again, [Effect::Clipboard(text.into())], "no new version");
    assert!(r.ch('w').is_empty());
    assert!(r.has_notice("already saved as version 1"));
    r.assert_live_state_is_replay();
}

#[test]
fn w_saves_the_current_text_as_a_version() {
    let mut r = Journal::incident().with_basics().open();
    r.select("notify-csirt");
    r.ch('m');
    let effects = r.ch('w');
    let drafted = payload!(only_append(&effects), MessageDrafted);
    assert_eq!(
        (drafted.version, drafted.gaps.as_slice()),
        (1, ["records".to_string()].as_slice())
    );
    assert!(r.has_notice("saving version 1 as incident.notify-csirt.v1.txt"));
}

#[test]
fn editing_a_draft_makes_a_new_version_and_keeps_the_old_one() {
    let mut r = Journal::incident().with_basics().open();
    r.select("early-warning");
    r.ch('m');
    let first = r.ch('y');
    let v1 = attachment(&first).text.clone();
    r.save(&first);

    assert!(r.ch('e').is_empty());
    let Mode::EditDraft { step, editor } = &r.app.mode else {
        panic!("expected the editor, got {:?}", r.app.mode);
    };
    assert_eq!(
        (step.as_str(), editor.text()),
        ("early-warning", v1.trim_end().to_string())
    );
    r.update(Msg::Paste(" Call 555-0100.".into()));
    let effects = r.ctrl('s');
    let v2 = format!("{} Call 555-0100.\n", v1.trim_end());
    assert_eq!(attachment(&effects).text, v2);
    let drafted = payload!(only_append(&effects), MessageDrafted);
    assert_eq!(
        (drafted.version, drafted.edited, drafted.file.as_str()),
        (2, true, "incident.early-warning.v2.txt")
    );
    assert_eq!(drafted.text_sha256, sha256_hex(v2.as_bytes()));
    assert_eq!(mode!(r, Message).version, Some(2));
    r.save(&effects);
    assert_eq!(
        r.app.draft_texts.get(&("early-warning".into(), 1)),
        Some(&v1),
        "version 1 is never overwritten"
    );
    assert_eq!(r.app.state().drafts_for("early-warning").count(), 2);
    let step = r.app.playbook.step("early-warning").cloned().expect("step");
    assert_eq!(
        r.app.message_text(&step, None).map(|(t, _)| t),
        Some(v2),
        "the edited text is the current one"
    );
}

#[test]
fn esc_in_the_draft_editor_returns_to_the_message_unsaved() {
    let mut r = Journal::incident().with_basics().open();
    r.select("early-warning");
    r.ch('m');
    r.ch('e');
    r.type_text("scratch");
    assert!(r.esc().is_empty());
    assert!(r.app.discard_armed, "typed text: Esc asks first");
    assert!(r.esc().is_empty());
    assert_eq!(mode!(r, Message).version, None);
    assert!(r.app.state().drafts.is_empty());
    r.ch('j');
    assert_eq!(mode!(r, Message).scroll, 1);
    r.ch('q');
    assert_eq!(r.app.mode, Mode::Normal);
}

#[test]
fn a_statement_published_without_approval_requires_an_override_reason() {
    let mut r = Journal::incident().with_basics().open();
    r.select("holding-statement");
    r.ch('m');
    let drafted = r.ch('s');
    assert_eq!(
        payload!(only_append(&drafted), MessageDrafted).purpose,
        event::Purpose::Statement
    );
    let form = mode!(r, Submit);
    assert!(form.unapproved && !form.then_done);
    assert_eq!(form.fields[0].1.text(), "website");
    assert_eq!(form.fields[1].1.text(), "the public");
    assert!(r.enter().is_empty());
    let form = mode!(r, Submit);
    assert_eq!(
        form.error.as_deref(),
        Some(
            "this version was not approved: give the reason to publish it anyway \
             · the cursor is now in Publish unapproved: why"
        )
    );
    assert_eq!(form.fields[form.focus].0, SubmitField::Override);
    r.type_text("IC unreachable; press deadline");
    let effects = r.enter();
    let sub = payload!(only_append(&effects), Submission);
    assert_eq!(
        sub.override_reason.as_deref(),
        Some("IC unreachable; press deadline")
    );
    assert_eq!((sub.version, sub.stages.is_empty()), (Some(1), true));
    assert_eq!(
        mode!(r, Message).step,
        "holding-statement",
        "back to the message"
    );
    r.save(&drafted);
    r.save(&effects);
    assert_eq!(r.status("holding-statement"), StepStatus::Open);
    r.assert_live_state_is_replay();
}

#[test]
fn an_approved_statement_is_published_without_an_override() {
    let mut r = Journal::incident().with_basics().open();
    r.select("holding-statement");
    r.ch('m');
    let drafted = r.ch('p');
    assert_eq!(kinds(&drafted), [Kind::MessageDrafted]);
    let dialog = mode!(r, Approve);
    assert_eq!(
        (dialog.version, dialog.role.as_str(), dialog.approver.text()),
        (1, "ic", ACTOR.to_string())
    );
    r.tab();
    r.type_text("Approved as drafted");
    let approval = r.enter();
    assert_eq!(
        payload!(only_append(&approval), Approval),
        &event::Approval {
            version: 1,
            approver: ACTOR.into(),
            role: "ic".into(),
            comment: Some("Approved as drafted".into()),
        }
    );
    assert!(matches!(r.app.mode, Mode::Message(_)));
    r.save(&drafted);
    r.save(&approval);
    r.advance(Duration::seconds(1)); // a moment after the dialog closed
    assert!(r.ch('s').is_empty(), "version 1 is already saved");
    let form = mode!(r, Submit);
    assert!(!form.unapproved);
    assert!(form.fields.iter().all(|(f, _)| *f != SubmitField::Override));
    r.tab();
    r.tab();
    r.type_text("PR-1");
    let effects = r.enter();
    let sub = payload!(only_append(&effects), Submission);
    assert_eq!(
        (
            sub.override_reason.as_ref(),
            sub.reference.as_deref(),
            sub.version
        ),
        (None, Some("PR-1"), Some(1))
    );
}

#[test]
fn p_approves_only_statements() {
    let mut r = Journal::incident().with_basics().open();
    r.select("early-warning");
    r.ch('m');
    assert!(r.ch('p').is_empty());
    assert!(matches!(r.app.mode, Mode::Message(_)));
}

#[test]
fn exercise_drafts_carry_the_marking_top_and_bottom() {
    let mut r = Journal::exercise().with_basics().open();
    r.select("early-warning");
    r.ch('m');
    let effects = r.ch('y');
    let text = attachment(&effects).text.clone();
    assert!(
        text.starts_with(&format!("{MARK}\n\nSubject: Early warning")),
        "{text}"
    );
    assert!(text.ends_with(&format!("\n\n{MARK}\n")), "{text}");
    assert_eq!(effects[1], Effect::Clipboard(text.clone()));
    r.save(&effects);

    // Deleting the bottom marking while editing does not remove it.
    r.ch('e');
    for _ in 0..MARK.chars().count() + 2 {
        r.press(KeyCode::Backspace);
    }
    r.type_text(" Edited.");
    let edited = r.ctrl('s');
    let text = &attachment(&edited).text;
    assert!(text.starts_with(&format!("{MARK}\n\n")), "{text}");
    assert!(text.ends_with(&format!("Edited.\n\n{MARK}\n")), "{text}");
    assert_eq!(text.matches(MARK).count(), 2, "{text}");
}

// --- clocks --------------------------------------------------------------

#[test]
fn clocks_lists_the_stages_and_g_goes_to_the_step_that_meets_one() {
    let mut r = Runner::new();
    assert!(r.ch('c').is_empty());
    assert_eq!(r.app.mode, Mode::Clocks(ClocksView::default()));
    r.ch('j');
    r.enter();
    assert_eq!(
        r.app.mode,
        Mode::Clocks(ClocksView {
            selected: 1,
            detail: true
        })
    );
    r.esc();
    assert_eq!(
        r.app.mode,
        Mode::Clocks(ClocksView {
            selected: 1,
            detail: false
        })
    );
    for _ in 0..10 {
        r.ch('j');
    }
    assert_eq!(mode!(r, Clocks).selected, 3, "four stages");
    r.ch('k');
    r.ch('k');
    r.ch('g');
    assert_eq!(r.app.mode, Mode::Normal);
    assert_eq!(r.app.selected.as_deref(), Some("early-warning"));
    r.ch('c');
    r.ch('q');
    assert_eq!(r.app.mode, Mode::Normal);
}

#[test]
fn clocks_in_a_playbook_without_clocks_says_so() {
    let mut r = Runner::new();
    r.app.playbook.clocks.clear();
    assert!(r.ch('c').is_empty());
    assert_eq!(r.app.mode, Mode::Normal);
    assert!(r.has_notice("no deadline clocks"));
}

// --- checklist -----------------------------------------------------------

#[test]
fn space_ticks_the_selected_item_and_again_unticks_it() {
    let mut r = Runner::new();
    let effects = r.ch(' ');
    assert_eq!(
        payload!(only_append(&effects), ChecklistItem),
        &event::ChecklistItem {
            item: 0,
            text: "Collect the alert".into(),
            checked: true,
        }
    );
    r.save(&effects);
    assert!(
        r.app
            .state()
            .step("confirm")
            .is_some_and(|s| s.is_checked(0))
    );
    let effects = r.ch(' ');
    assert!(!payload!(only_append(&effects), ChecklistItem).checked);
    r.save(&effects);
    assert!(
        !r.app
            .state()
            .step("confirm")
            .is_some_and(|s| s.is_checked(0))
    );
}

#[test]
fn digits_tick_the_numbered_item() {
    let mut r = Runner::new();
    let effects = r.ch('2');
    let tick = payload!(only_append(&effects), ChecklistItem);
    assert_eq!(
        (tick.item, tick.text.as_str(), tick.checked),
        (1, "Open the channel", true)
    );
    assert_eq!(r.app.item, 1);
    assert!(r.ch('9').is_empty(), "no ninth item");
}

#[test]
fn ticking_a_step_without_a_checklist_says_so() {
    let mut r = Runner::new();
    r.select("isolate");
    assert!(r.ch(' ').is_empty());
    assert!(r.has_notice("no checklist"));
}

// --- search and navigation -----------------------------------------------

#[test]
fn search_selects_a_hit_and_esc_leaves_the_selection() {
    let mut r = Runner::new();
    assert!(r.ch('/').is_empty());
    r.type_text("isolate");
    assert!(r.enter().is_empty());
    assert_eq!(
        (
            r.app.selected.as_deref(),
            r.app.phase,
            r.app.focus,
            &r.app.mode
        ),
        (Some("isolate"), 1, Pane::Steps, &Mode::Normal)
    );
    r.ch('/');
    r.type_text("send");
    r.press(KeyCode::Down);
    r.enter();
    assert_eq!(
        r.app.selected.as_deref(),
        Some("final-report"),
        "second hit"
    );
    r.ch('/');
    r.type_text("confirm");
    r.esc();
    assert_eq!(r.app.selected.as_deref(), Some("final-report"));
    assert_eq!(r.app.search_hits("SEND"), ["early-warning", "final-report"]);
}

#[test]
fn searching_for_a_step_that_does_not_apply_shows_hidden_steps() {
    let mut r = Runner::new();
    r.ch('/');
    r.update(Msg::Paste("preserve".into()));
    r.enter();
    assert_eq!(r.app.selected.as_deref(), Some("preserve"));
    assert!(r.app.show_hidden);
}

#[test]
fn next_required_goes_to_the_most_urgent_actionable_step() {
    let mut r = Runner::new();
    assert!(r.ch('g').is_empty());
    assert_eq!(r.app.selected.as_deref(), Some("confirm"), "30m timebox");
    assert!(r.has_notice("earliest timebox"));
    r.ch('g');
    assert_eq!(r.app.selected.as_deref(), Some("confirm"), "stays on it");

    let mut done = Journal::incident()
        .step("confirm", Payload::StepDone(event::StepDone::default()))
        .step("isolate", Payload::StepDone(event::StepDone::default()))
        .open();
    done.ch('g');
    assert!(done.has_notice("no required step is open"));
}

#[test]
fn my_roles_shows_only_the_steps_of_roles_i_hold() {
    let mut r = Runner::new();
    assert!(r.ch('f').is_empty());
    assert!(r.app.mine_only);
    assert!(r.has_notice("Dana Reyes holds no role yet"));
    assert!(r.row_ids(0).is_empty());
    r.ch('f');
    assert!(!r.app.mine_only);

    let mut ic = Journal::incident().role("ic", ACTOR).open();
    ic.ch('f');
    assert_eq!(ic.row_ids(0), ["confirm", "scope", "rate"]);
    assert!(ic.row_ids(3).is_empty(), "the statement is for comms");
    assert!(ic.notices().is_empty());
}

#[test]
fn show_hidden_lists_steps_that_do_not_apply_with_why() {
    let mut r = Runner::new();
    assert_eq!(r.row_ids(1), ["isolate"]);
    assert!(r.ch('H').is_empty());
    let rows = r.app.rows(1);
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[1].id.as_str(), rows[1].hidden.as_deref()),
        ("preserve", Some("waiting for: severity"))
    );
    r.ch('H');
    assert_eq!(r.row_ids(1), ["isolate"]);
}

#[test]
fn help_opens_scrolls_and_any_other_key_closes_it() {
    let mut r = Runner::new();
    assert!(r.ch('?').is_empty());
    r.ch('j');
    r.ch('j');
    r.ch('k');
    assert_eq!(r.app.mode, Mode::Help { scroll: 1 });
    assert!(r.ch('x').is_empty(), "closes, does not mark done");
    assert_eq!(r.app.mode, Mode::Normal);
    r.press(KeyCode::F(1));
    assert_eq!(r.app.mode, Mode::Help { scroll: 0 });
}

#[test]
fn unbound_keys_do_nothing() {
    let mut r = Runner::new();
    let before = r.app.clone();
    assert!(r.ch('z').is_empty());
    assert_eq!(
        (&r.app.mode, &r.app.selected, r.app.focus),
        (&before.mode, &before.selected, before.focus)
    );
    assert!(r.update(Msg::Paste("text".into())).is_empty());
}

// --- quitting ------------------------------------------------------------

#[test]
fn quit_records_session_ended_and_quits_once_it_is_saved() {
    let mut r = Runner::new();
    let effects = r.ch('q');
    assert_eq!(
        only_append(&effects).event,
        Event::new(Payload::SessionEnded(event::SessionEnded {
            reason: "quit".into()
        }))
    );
    assert!(r.app.quitting);
    assert!(r.tick().is_empty(), "not before it is saved");
    let after_ack = r.save(&effects);
    assert_eq!(after_ack, [Effect::Quit]);
}

#[test]
fn ctrl_c_quits_like_q() {
    let mut r = Runner::new();
    let effects = r.ctrl('c');
    assert_eq!(kinds(&effects), [Kind::SessionEnded]);
    assert_eq!(r.save(&effects), [Effect::Quit]);
}

#[test]
fn quitting_with_a_write_still_saving_asks_first() {
    let mut r = Runner::new();
    let started = r.enter();
    assert!(r.ch('q').is_empty());
    assert_eq!(r.app.mode, Mode::ConfirmQuit);
    assert!(r.ch('n').is_empty());
    assert_eq!(r.app.mode, Mode::Normal);
    r.ch('q');
    let quit = r.ch('y');
    assert_eq!(kinds(&quit), [Kind::SessionEnded], "the session still ends");
    assert_eq!(quit.last(), Some(&Effect::Quit), "quits without waiting");
    assert_eq!(
        r.app.pending().len(),
        2,
        "the runtime settles both on the way out"
    );
    assert!(r.save(&started).is_empty());
}

// --- acknowledgements ----------------------------------------------------

#[test]
fn entries_saving_together_are_acknowledged_in_order() {
    let mut r = Runner::new();
    let first = r.enter();
    let second = r.ch(' ');
    assert!(matches!(second[0], Effect::Append { ticket: 2, .. }));
    let seqs: Vec<u64> = r
        .app
        .tail
        .iter()
        .rev()
        .take(2)
        .map(|t| t.entry.seq)
        .collect();
    assert_eq!(seqs, [3, 2], "provisional seqs follow the journal");
    r.save(&first);
    assert_eq!(r.app.pending().len(), 1);
    r.save(&second);
    let saved: Vec<&Saved> = r.app.tail.iter().rev().take(2).map(|t| &t.status).collect();
    assert_eq!(saved, [&Saved::Saved(3), &Saved::Saved(2)]);
    r.assert_live_state_is_replay();
}

#[test]
fn a_failed_write_makes_the_journal_read_only() {
    let mut r = Runner::new();
    let effects = r.enter();
    assert!(r.fail(&effects, "No space left on device").is_empty());
    assert_eq!(
        r.app.write_error.as_deref(),
        Some("No space left on device")
    );
    assert_eq!(
        r.app.tail.back().map(|t| &t.status),
        Some(&Saved::Failed("No space left on device".into()))
    );
    assert_eq!(r.status("confirm"), StepStatus::Open, "nothing was saved");

    assert!(r.ch('x').is_empty(), "later actions record nothing");
    let notice = r.app.notices.last().expect("a notice");
    assert!(notice.urgent);
    assert!(notice.text.contains("read-only"), "{}", notice.text);
    r.ch('s');
    r.type_text("whatever");
    assert!(r.enter().is_empty());
    assert!(r.app.pending().is_empty());
    r.advance(Duration::seconds(1)); // a moment after the dialog closed
    assert!(
        r.ch('q').is_empty(),
        "d15: never quits silently over an entry not saved"
    );
    assert!(matches!(r.app.mode, Mode::ConfirmQuit));
    assert_eq!(r.ch('y'), [Effect::Quit], "quit and lose, once confirmed");
}

// --- ticks and clock nudges ----------------------------------------------

/// Notices about the fixture's 24-hour early-warning stage.
fn early_warning_notices(r: &Runner) -> Vec<(String, bool)> {
    r.app
        .notices
        .iter()
        .filter(|n| n.text.contains("csirt-report.early-warning"))
        .map(|n| (n.text.clone(), n.urgent))
        .collect()
}

#[test]
fn clock_nudges_appear_once_each_at_75_and_90_percent_and_at_breach() {
    let mut r = Journal::incident()
        .fact("aware_at", json!("2026-11-02T08:00:00Z"))
        .open();
    let mut seen = Vec::new();
    // (minutes after awareness, what the tick announces)
    for minutes in [60, 17 * 60, 18 * 60, 18 * 60 + 10, 1296, 1300, 1441, 1500] {
        r.now = utc(START) + Duration::minutes(minutes);
        assert!(r.tick().is_empty(), "ticks record nothing");
        seen.push((minutes, early_warning_notices(&r)));
    }
    let announced: Vec<(i64, String, bool)> = seen
        .into_iter()
        .flat_map(|(m, n)| n.into_iter().map(move |(t, u)| (m, t, u)))
        .collect();
    assert_eq!(
        announced,
        [
            (
                18 * 60,
                "⏰ 75% of the time used: csirt-report.early-warning — Early warning".into(),
                false
            ),
            (
                1296,
                "⏰ 90% of the time used: csirt-report.early-warning — Early warning".into(),
                true
            ),
            (
                1441,
                "⚠ DEADLINE PASSED: csirt-report.early-warning — Early warning".into(),
                true
            ),
        ]
    );
}

#[test]
fn thresholds_passed_before_the_journal_opened_are_not_announced() {
    let mut r = Journal::incident()
        .fact("aware_at", json!("2026-11-02T08:00:00Z"))
        .open_at(utc(START) + Duration::hours(20));
    r.tick();
    assert!(early_warning_notices(&r).is_empty());
    r.advance(Duration::hours(2));
    r.tick();
    assert_eq!(early_warning_notices(&r).len(), 1, "90 % is new");
}

#[test]
fn notices_expire_after_ten_seconds() {
    let mut r = Runner::new();
    r.ch('m');
    assert_eq!(r.notices().len(), 1);
    r.advance(Duration::seconds(9));
    r.tick();
    assert_eq!(r.notices().len(), 1);
    r.advance(Duration::seconds(2));
    r.tick();
    assert!(r.notices().is_empty());
}

// --- drills --------------------------------------------------------------

fn inject(id: &str, trigger: Trigger) -> Inject {
    Inject {
        id: id.into(),
        title: format!("Inject {id}"),
        body: None,
        trigger,
        audience: Vec::new(),
        objectives: Vec::new(),
        module: None,
        expect: None,
        notes: None,
    }
}

/// An exercise with a small drill: one inject at T+0, one at T+30m, one
/// held for the facilitator.
fn drill_runner() -> Runner {
    let mut r = Journal::exercise().open();
    let drill = Drill {
        id: "unit-drill".into(),
        title: "Unit drill".into(),
        playbook: "fixture-incident".into(),
        summary: None,
        objectives: Vec::new(),
        ground_rules: Vec::new(),
        codeword: None,
        modules: Vec::new(),
        facilitator_notes: None,
        injects: vec![
            inject("kickoff", Trigger::At(Duration::zero())),
            inject("later", Trigger::At(Duration::minutes(30))),
            inject("reserve", Trigger::Manual),
        ],
        sha256: "0".repeat(64),
    };
    r.app.drill = Some(DrillState::new(drill, r.app.state()));
    r.app.focus = Pane::Drill;
    r
}

fn control(draft: &Draft) -> &event::DrillControl {
    payload!(draft, DrillControl)
}

#[test]
fn the_facilitator_pane_starts_the_scenario_clock_and_delivers_due_injects() {
    let mut r = drill_runner();
    let effects = r.ch(' ');
    assert_eq!(kinds(&effects), [Kind::DrillControl]);
    assert_eq!(
        (
            control(only_append(&effects)).action,
            control(only_append(&effects)).scenario_ms
        ),
        (DrillAction::Start, 0)
    );
    assert!(
        !r.app.drill.as_ref().expect("drill").clock.started,
        "the clock moves only once the control is saved"
    );
    let due = r.save(&effects);
    let delivered = payload!(only_append(&due), InjectDelivered);
    assert_eq!(
        (delivered.inject.as_str(), delivered.trigger.as_str()),
        ("kickoff", "at")
    );
    assert_eq!(only_append(&due).scenario_ms, Some(0));
    assert!(r.has_notice("📣 INJECT kickoff"));
    r.save(&due);

    r.advance(Duration::minutes(10));
    let paused = r.ch(' ');
    assert_eq!(control(only_append(&paused)).action, DrillAction::Pause);
    assert_eq!(control(only_append(&paused)).scenario_ms, 600_000);
    r.save(&paused);
    r.advance(Duration::hours(1));
    assert!(r.tick().is_empty(), "paused: T+30m has not come");
    let resumed = r.ch(' ');
    assert_eq!(control(only_append(&resumed)).action, DrillAction::Resume);
    r.save(&resumed);
    let faster = r.ch('+');
    assert_eq!(
        (
            control(only_append(&faster)).action,
            control(only_append(&faster)).speed
        ),
        (DrillAction::Speed, 2)
    );
    r.save(&faster);
    r.advance(Duration::minutes(10));
    let due = r.tick();
    assert_eq!(payload!(only_append(&due), InjectDelivered).inject, "later");
    assert_eq!(only_append(&due).scenario_ms, Some(600_000 + 1_200_000));
}

#[test]
fn n_jumps_to_the_next_timed_inject_and_r_releases_the_selected_one() {
    let mut r = drill_runner();
    let started = r.ch(' ');
    r.save(&started);
    let jump = r.ch('n');
    assert_eq!(kinds(&jump), [Kind::DrillControl]);
    assert_eq!(
        (
            control(appended(&jump)[0]).action,
            control(appended(&jump)[0]).scenario_ms
        ),
        (DrillAction::Jump, 1_800_000)
    );
    let due = r.save(&jump);
    assert_eq!(kinds(&due), [Kind::InjectDelivered]);
    r.save(&due);
    assert!(r.ch('n').is_empty());
    assert!(r.has_notice("no timed inject is left"));

    r.ch('j');
    r.ch('j');
    let released = r.ch('r');
    let delivered = payload!(only_append(&released), InjectDelivered);
    assert_eq!(
        (delivered.inject.as_str(), delivered.trigger.as_str()),
        ("reserve", "manual")
    );
    r.save(&released);
    assert!(r.ch('r').is_empty());
    assert!(r.has_notice("already delivered"));
}

#[test]
fn h_holds_an_inject_until_it_is_released() {
    let mut r = drill_runner();
    r.ch('j');
    let effects = r.ch('h');
    let hold = control(only_append(&effects));
    assert_eq!(
        (hold.action, hold.inject.as_deref()),
        (DrillAction::Hold, Some("later"))
    );
    r.save(&effects);
    let started = r.ch(' ');
    r.save(&started);
    r.advance(Duration::hours(1));
    assert!(r.tick().is_empty(), "held");
    let released = r.ch('h');
    assert_eq!(
        kinds(&released),
        [Kind::DrillControl, Kind::InjectDelivered]
    );
    assert_eq!(control(appended(&released)[0]).action, DrillAction::Unhold);
}

#[test]
fn observations_are_recorded_from_the_facilitator_pane() {
    let mut r = drill_runner();
    r.ch('o');
    assert_eq!(mode!(r, Observe).inject.as_deref(), Some("kickoff"));
    r.ch('2');
    assert!(r.enter().is_empty(), "a note is required");
    r.type_text("Slow to confirm");
    let effects = r.ctrl('s');
    let observed = payload!(only_append(&effects), Observation);
    assert_eq!(
        (
            observed.kind,
            observed.rating,
            observed.inject.as_deref(),
            observed.note.as_str()
        ),
        (
            ObservationKind::Evaluation,
            Some(Rating::SomeChallenges),
            Some("kickoff"),
            "Slow to confirm"
        )
    );

    r.advance(Duration::seconds(1)); // a moment after the dialog closed
    // DR5: the improvement plan keeps the corrective action apart from the
    // finding, with capability, organisation, contact and dates.
    r.ch('w');
    r.ch('2');
    for text in [
        "No runbook for DNS",
        "Write and test a DNS runbook",
        "Cybersecurity",
        "Network operations",
        "Sam",
        "2026-11-20",
        "2026-12-01",
    ] {
        r.tab();
        r.type_text(text);
    }
    let effects = r.enter();
    let o = payload!(only_append(&effects), Observation);
    assert_eq!(
        (
            o.kind,
            o.note.as_str(),
            o.corrective_action.as_deref(),
            o.capability.as_deref(),
            o.organisation.as_deref(),
            o.owner.as_deref(),
            o.start.as_deref(),
            o.due.as_deref()
        ),
        (
            ObservationKind::Improvement,
            "No runbook for DNS",
            Some("Write and test a DNS runbook"),
            Some("Cybersecurity"),
            Some("Network operations"),
            Some("Sam"),
            Some("2026-11-20"),
            Some("2026-12-01")
        )
    );
}

#[test]
fn tab_reaches_the_facilitator_pane_in_a_drill() {
    let mut r = drill_runner();
    r.tab();
    assert_eq!(r.app.focus, Pane::Phases);
    r.press(KeyCode::BackTab);
    assert_eq!(r.app.focus, Pane::Drill);
    r.press(KeyCode::BackTab);
    assert_eq!(r.app.focus, Pane::Detail);
    r.tab();
    assert_eq!(r.app.focus, Pane::Drill);
    assert!(r.enter().is_empty());
    assert_eq!(r.app.focus, Pane::Steps, "Enter leaves the pane");
}

#[test]
fn after_a_write_error_the_scenario_clock_does_not_move() {
    let mut r = drill_runner();
    let note = {
        r.app.focus = Pane::Steps;
        r.ch('n');
        r.type_text("x");
        r.ctrl('s')
    };
    r.fail(&note, "I/O error");
    r.advance(Duration::seconds(1)); // a moment after the dialog closed
    r.app.focus = Pane::Drill;
    assert!(r.ch(' ').is_empty());
    assert!(r.has_notice("read-only"));
    let clock = r.app.drill.as_ref().expect("drill").clock;
    assert!(!clock.started, "a start that is not journaled must not run");
    r.advance(Duration::hours(1));
    assert!(r.tick().is_empty());
    assert_eq!(r.app.domain_now(), utc(START), "scenario time stays at T+0");
}

#[test]
fn end_session_on_a_signal_records_why_and_then_quits() {
    let mut r = Runner::new();
    let effects = r.app.end_session("signal");
    assert_eq!(
        payload!(only_append(&effects), SessionEnded).reason,
        "signal"
    );
    assert_eq!(r.save(&effects), [Effect::Quit]);
}

#[test]
fn quitting_still_quits_when_session_ended_cannot_be_saved() {
    let mut r = Runner::new();
    let effects = r.ch('q');
    assert_eq!(r.fail(&effects, "I/O error"), [Effect::Quit]);
}

// --- typing lands where it is meant (regressions) ---------------------------

#[test]
fn d1_m4_type_ahead_after_a_save_goes_into_the_next_field() {
    let mut r = Runner::new();
    r.ch('a');
    r.type_text("08:30");
    let first = r.enter();
    assert_eq!(kinds(&first), [Kind::FactSet]);
    // Straight on, without pressing anything first.
    r.type_text("Example Corp");
    let second = r.enter();
    assert_eq!(
        payload!(only_append(&second), FactSet),
        &FactSet {
            fact: "org".into(),
            value: json!("Example Corp"),
            occurred_at: None,
            confirmed: None,
        }
    );
    r.save(&first);
    r.save(&second);
    r.assert_live_state_is_replay();
}

#[test]
fn d1_qx_inside_the_facts_dialog_is_text_not_commands() {
    let mut r = Runner::new();
    r.select("confirm");
    r.ch('a');
    r.tab();
    r.type_text("qx quick note: sandbox x");
    assert!(matches!(
        &mode!(r, Facts).editing,
        Some(FieldInput::Text(e)) if e.text() == "qx quick note: sandbox x"
    ));
    assert_eq!(
        r.status("confirm"),
        StepStatus::Open,
        "x did not mark it done"
    );
    let effects = r.enter();
    assert_eq!(
        payload!(only_append(&effects), FactSet).value,
        json!("qx quick note: sandbox x")
    );
}

#[test]
fn d3a_tab_then_type_in_approve_writes_the_comment_not_the_approver() {
    let mut r = Journal::incident().with_basics().open();
    r.select("holding-statement");
    r.ch('m');
    let drafted = r.ch('p');
    assert!(
        !mode!(r, Approve).on_comment,
        "focus starts on Approver, drawn first"
    );
    r.tab();
    r.type_text("Registrar concurred by phone");
    let approval = r.enter();
    assert_eq!(
        payload!(only_append(&approval), Approval),
        &event::Approval {
            version: 1,
            approver: ACTOR.into(),
            role: "ic".into(),
            comment: Some("Registrar concurred by phone".into()),
        }
    );
    r.save(&drafted);
}

#[test]
fn d3b_a_name_typed_into_the_prefilled_assignee_replaces_it() {
    let mut r = Journal::incident().role("ic", "Ana Ruiz").open();
    r.ch('o');
    assert_eq!(mode!(r, Assign).person.text(), "Ana Ruiz");
    r.type_text("Dana Reyes");
    let effects = r.enter();
    assert_eq!(
        payload!(only_append(&effects), RoleAssigned),
        &RoleAssigned {
            role: "ic".into(),
            person: "Dana Reyes".into()
        }
    );
}

#[test]
fn d3c_ctrl_s_with_a_missing_rationale_then_typing_fills_the_rationale() {
    let mut r = Runner::new();
    r.select("scope");
    r.ch('d');
    r.ch('n');
    assert!(r.ctrl('s').is_empty(), "refused: no rationale");
    let dialog = mode!(r, Decide);
    assert_eq!(dialog.focus, DecideFocus::Rationale);
    assert!(
        dialog
            .error
            .as_deref()
            .is_some_and(|e| e.ends_with("the cursor is now in Rationale")),
        "the move is said: {:?}",
        dialog.error
    );
    r.type_text("Only system logs were in the share");
    r.tab();
    assert!(
        mode!(r, Decide).decider.is_selected(),
        "a name is replaced, never appended to"
    );
    let effects = r.ctrl('s');
    let decision = payload!(only_append(&effects), Decision);
    assert_eq!(
        (
            &decision.value,
            decision.rationale.as_str(),
            decision.decider.as_str()
        ),
        (&json!(false), "Only system logs were in the share", ACTOR)
    );
}

#[test]
fn d9_a_submission_missing_its_recipient_then_typing_fills_the_recipient() {
    let mut r = Journal::incident().with_basics().open();
    r.select("final-report");
    r.ch('x');
    r.tab();
    r.press(KeyCode::Backspace);
    r.press(KeyCode::BackTab);
    assert_eq!(
        mode!(r, Submit).fields[mode!(r, Submit).focus].0,
        SubmitField::Channel
    );
    assert!(r.enter().is_empty(), "refused: no recipient");
    let form = mode!(r, Submit);
    assert_eq!(form.fields[form.focus].0, SubmitField::Recipient);
    assert_eq!(
        form.error.as_deref(),
        Some("the recipient is required · the cursor is now in Recipient")
    );
    r.type_text("in person via the protection unit");
    let effects = r.enter();
    let sub = payload!(appended(&effects)[0], Submission);
    assert_eq!(
        (sub.channel.as_str(), sub.recipient.as_str()),
        ("email", "in person via the protection unit")
    );
}

#[test]
fn d3_prefilled_channel_is_replaced_by_typing() {
    let mut r = Journal::incident().with_basics().open();
    r.select("final-report");
    r.ch('x');
    r.type_text("phone");
    let effects = r.enter();
    assert_eq!(payload!(appended(&effects)[0], Submission).channel, "phone");
}

#[test]
fn friction3_esc_on_typed_text_asks_before_discarding_it() {
    let mut r = Runner::new();
    r.ch('n');
    r.type_text("half a thought");
    assert!(r.esc().is_empty());
    assert!(r.app.discard_armed);
    r.type_text(" and the rest");
    assert!(!r.app.discard_armed, "any other key keeps editing");
    assert_eq!(mode!(r, Note).editor.text(), "half a thought and the rest");
    r.esc();
    r.esc();
    assert_eq!(r.app.mode, Mode::Normal, "Esc twice discards");
    r.ch('n');
    r.esc();
    assert_eq!(
        r.app.mode,
        Mode::Normal,
        "nothing typed: Esc closes at once"
    );
}

#[test]
fn friction4_enter_on_a_done_step_keeps_the_keys_in_the_list() {
    let mut r = Journal::incident()
        .step("preserve", Payload::StepDone(event::StepDone::default()))
        .open();
    r.select("preserve");
    assert!(r.enter().is_empty());
    assert_eq!(r.app.focus, Pane::Steps);
    assert!(r.has_notice("`r` reopens it"));
}

#[test]
fn friction17_the_roles_dialog_moves_on_after_an_assignment() {
    let mut r = Runner::new();
    r.ch('o');
    r.type_text("Sam Okafor");
    let first = r.enter();
    assert_eq!(mode!(r, Assign).cursor, 1);
    r.type_text("Lena Visser");
    let second = r.enter();
    assert_eq!(
        (
            payload!(only_append(&first), RoleAssigned).role.as_str(),
            payload!(only_append(&second), RoleAssigned).role.as_str()
        ),
        ("ic", "comms")
    );
    // Enter on the same name again records nothing.
    r.save(&first);
    r.save(&second);
    r.press(KeyCode::Up);
    assert!(r.enter().is_empty(), "unchanged: nothing recorded");
}

#[test]
fn friction18_choice_questions_accept_y_n_and_the_first_letter() {
    let mut r = Runner::new();
    r.select("scope");
    r.ch('d');
    r.ch('y');
    assert_eq!(mode!(r, Decide).choices.as_input(), "true");
    r.ch('n');
    assert_eq!(mode!(r, Decide).choices.as_input(), "false");
    r.ch('z');
    assert!(
        mode!(r, Decide)
            .error
            .as_deref()
            .is_some_and(|e| e.contains("y/n")),
        "the hint says which letters work"
    );
    r.esc();
    r.esc();
    r.select("rate");
    r.ch('d');
    r.ch('h');
    assert_eq!(
        mode!(r, Decide).choices.as_input(),
        "high",
        "first letter of `high`"
    );
    r.ch('l');
    assert_eq!(mode!(r, Decide).choices.as_input(), "low");
}

#[test]
fn code11_paste_goes_into_every_text_dialog() {
    let mut r = Runner::new();
    r.ch('a');
    r.update(Msg::Paste("2026-11-02 08:30".into()));
    assert!(matches!(
        &mode!(r, Facts).editing,
        Some(FieldInput::Text(e)) if e.text() == "2026-11-02 08:30"
    ));
    // Saved on the last fact, then pasted at once: it still lands in it.
    r.tab();
    r.update(Msg::Paste("Example Corp".into()));
    let saved = r.enter();
    assert_eq!(
        payload!(only_append(&saved), FactSet).value,
        json!("Example Corp")
    );
    r.update(Msg::Paste(" Ltd".into()));
    assert!(matches!(
        &mode!(r, Facts).editing,
        Some(FieldInput::Text(e)) if e.text() == " Ltd"
    ));
    r.esc();
    r.esc();
    r.select("scope");
    r.ch('d');
    r.tab();
    r.update(Msg::Paste("pasted rationale".into()));
    assert_eq!(mode!(r, Decide).rationale.text(), "pasted rationale");
    r.esc();
    r.esc();
    r.ch('o');
    r.update(Msg::Paste("Lena Visser".into()));
    assert_eq!(mode!(r, Assign).person.text(), "Lena Visser");
}

#[test]
fn code11_a_resize_is_not_a_domain_tick() {
    let mut r = Runner::new();
    let notices = r.app.notices.len();
    assert!(r.update(Msg::Resize).is_empty());
    assert_eq!(r.app.notices.len(), notices);
    assert_eq!(r.app.mode, Mode::Normal);
}

#[test]
fn d1_letters_typed_on_after_a_dialog_closes_are_not_commands() {
    let mut r = Runner::new();
    r.select("preserve");
    r.ch('s');
    r.type_text("Vendor imaged the disks");
    let skipped = r.enter();
    assert_eq!(kinds(&skipped), [Kind::StepSkipped]);
    // Typed on in the same burst: `x` would mark a step done, `b` block.
    assert!(r.ch('x').is_empty());
    assert!(r.ch('b').is_empty());
    assert_eq!(r.app.mode, Mode::Normal, "no dialog opened");
    assert!(r.has_notice("not used as commands"));
    // A moment later, keys are commands again.
    r.advance(Duration::seconds(1));
    r.ch('n');
    assert!(matches!(r.app.mode, Mode::Note(_)));
    // An arrow key also ends the window at once.
    r.esc();
    r.select("isolate");
    r.ch('b');
    r.type_text("Waiting for the network team");
    assert_eq!(kinds(&r.enter()), [Kind::StepBlocked]);
    r.press(KeyCode::Down);
    r.ch('n');
    assert!(matches!(r.app.mode, Mode::Note(_)));
}

#[test]
fn m5_quitting_a_running_drill_pauses_the_scenario_clock_first() {
    let mut r = drill_runner();
    let started = r.ch(' ');
    let due = r.save(&started);
    r.save(&due);
    r.advance(Duration::minutes(7));
    r.app.focus = Pane::Steps;
    let quit = r.ch('q');
    assert_eq!(kinds(&quit), [Kind::DrillControl, Kind::SessionEnded]);
    let pause = control(appended(&quit)[0]);
    assert_eq!(
        (pause.action, pause.scenario_ms),
        (DrillAction::Pause, 420_000)
    );
}

#[test]
fn code_2_a_failed_clock_control_never_moves_the_clock_shown() {
    let mut r = drill_runner();
    let started = r.ch(' ');
    r.fail(&started, "No space left on device");
    let clock = r.app.drill.as_ref().expect("drill").clock;
    assert!(!clock.started, "the journal holds no start");
    r.advance(Duration::hours(1));
    assert_eq!(r.app.drill.as_ref().expect("drill").scenario_ms(r.now), 0);
}
