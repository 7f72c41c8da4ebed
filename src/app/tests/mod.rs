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
        journal.push(Event::new(Payload::JournalCreated(Box::new(created))));
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

    /// Keys read together, as a terminal without bracketed paste sends a
    /// paste: `\n` comes as Enter and `\t` as Tab.
    fn burst(&mut self, text: &str) -> Vec<Effect> {
        let keys = text
            .chars()
            .map(|c| {
                KeyEvent::plain(match c {
                    '\n' => KeyCode::Enter,
                    '\t' => KeyCode::Tab,
                    c => KeyCode::Char(c),
                })
            })
            .collect();
        self.update(Msg::Burst(keys))
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

// --- drill helpers shared by the drill and typing tests ---------------------

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

mod deadlines;
mod dialogs;
mod drill;
mod facts;
mod keys;
mod lifecycle;
mod messages;
mod navigation;
mod steps;
mod typing;
