//! The runner inside a team case, headless: lines of another responder's
//! journal folded in (whole lines only, chain checked), own entries placed
//! by the merge, corrections naming their target's journal, syncs on the
//! key and on the timer, and the team line. Time comes from the tests.

use std::path::Path;
use std::sync::OnceLock;

use chrono::{DateTime, Duration, Utc};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use serde_json::json;

use super::dialog::Write;
use super::*;
use crate::case::live::{CaseLive, SyncOutcome};
use crate::case::merge::{CaseJournal, line_hash};
use crate::catalog::{self, Catalog};
use crate::hash::ZERO_HASH;
use crate::journal::event::{Correction, Created, FactSet, Note, PlaybookRef};
use crate::journal::verify::verify;
use crate::journal::writer::Ack;
use crate::ui::{RunnerView, Theme};

const START: &str = "2026-11-02T08:00:00Z";
const OWN: &str = "dana@laptop";
const OTHER: &str = "tomas@desk";

fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("valid time")
        .with_timezone(&Utc)
}

fn start() -> DateTime<Utc> {
    utc(START)
}

/// `tests/fixtures/playbooks/fixture-incident.yaml`, loaded once.
fn fixture_playbook() -> Playbook {
    static PLAYBOOK: OnceLock<Playbook> = OnceLock::new();
    PLAYBOOK
        .get_or_init(|| {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/playbooks/fixture-incident.yaml");
            let source = catalog::read_source(&path).expect("fixture playbook readable");
            let today = start().date_naive();
            let library = Catalog::bundled(today).library;
            catalog::check_playbook(&source, &library, today)
                .expect("fixture playbook valid")
                .0
        })
        .clone()
}

/// One responder's journal, encoded line by line as the writer would.
struct Journal {
    actor: &'static str,
    lines: Vec<Line>,
}

impl Journal {
    /// A journal of the case, created `secs` after [`START`].
    fn new(actor: &'static str, secs: i64) -> Self {
        let playbook = fixture_playbook();
        let mut journal = Self {
            actor,
            lines: Vec::new(),
        };
        journal.push(
            secs,
            Payload::JournalCreated(Box::new(Created {
                journal_id: "case-1".into(),
                playbook: PlaybookRef {
                    id: playbook.id.clone(),
                    version: playbook.version.clone(),
                    path: "playbook.yaml".into(),
                    sha256: playbook.sha256.clone(),
                },
                title: "Team incident".into(),
                timezone: "UTC".into(),
                exercise: false,
                app_version: "test".into(),
                drill: None,
                holidays: Vec::new(),
            })),
        );
        journal
    }

    fn draft(&self, secs: i64, payload: Payload) -> Draft {
        Draft {
            ts: start() + Duration::seconds(secs),
            mono_ms: 0,
            scenario_ms: None,
            session: format!("{}-session", self.actor),
            actor: self.actor.into(),
            event: Event::new(payload),
        }
    }

    /// Appends `draft` as the next line; returns its bytes with newline.
    fn append(&mut self, draft: Draft) -> Line {
        let prev = self
            .lines
            .last()
            .map_or_else(|| ZERO_HASH.to_string(), |l| line_hash(&l.text));
        let entry = draft.into_entry(self.lines.len() as u64, prev);
        let line = Line {
            text: entry.encode(),
            entry,
        };
        self.lines.push(line.clone());
        line
    }

    fn push(&mut self, secs: i64, payload: Payload) -> String {
        let draft = self.draft(secs, payload);
        format!("{}\n", self.append(draft).text)
    }

    fn bytes(&self) -> String {
        self.lines.iter().fold(String::new(), |mut out, l| {
            out.push_str(&l.text);
            out.push('\n');
            out
        })
    }

    fn case_journal(&self, id: &str) -> CaseJournal {
        CaseJournal {
            id: id.into(),
            verified: verify(self.bytes().as_bytes()),
        }
    }
}

fn personal_data(value: bool) -> Payload {
    Payload::FactSet(FactSet {
        fact: "personal_data".into(),
        value: json!(value),
        occurred_at: None,
        confirmed: None,
    })
}

fn note(text: &str) -> Payload {
    Payload::Note(Note { text: text.into() })
}

/// Dana's runner over a case where Tomas has written; both journals as
/// they stand, the runner at `START` + 60 s.
fn runner(own: &Journal, other: &Journal, sync_every: Option<Duration>) -> App {
    let journals = vec![own.case_journal(OWN), other.case_journal(OTHER)];
    let mut case = CaseLive::new(OWN, journals);
    let feed = case.feed();
    let mut app = App::new(
        fixture_playbook(),
        &feed,
        crate::journal::identity::Identity::new("Dana".to_string()),
        "dana@laptop.jsonl",
        keymap::Keymap::default(),
        start() + Duration::seconds(60),
    );
    app.join_case(case, sync_every);
    app
}

fn fact(app: &App) -> Option<bool> {
    match app.state().fact("personal_data") {
        Some(crate::playbook::FactValue::Bool(b)) => Some(*b),
        _ => None,
    }
}

/// Plays the writer: every `Append` becomes Dana's next line, acknowledged.
fn save(app: &mut App, own: &mut Journal, effects: Vec<Effect>) -> Vec<Line> {
    let mut saved = Vec::new();
    for effect in effects {
        if let Effect::Append { ticket, draft, .. } = effect {
            let line = own.append(draft);
            saved.push(line.clone());
            app.update(Msg::Ack(Ack::Saved { ticket, line }), app.now);
        }
    }
    saved
}

#[test]
fn a_complete_line_from_another_journal_is_folded_into_the_merged_state() {
    let own = Journal::new("Dana", 0);
    let mut tomas = Journal::new("Tomas", 5);
    let mut app = runner(&own, &tomas, None);
    assert_eq!(fact(&app), None);
    let from = app.team.as_ref().unwrap().case.read_from(OTHER);
    assert_eq!(
        from,
        tomas.bytes().len(),
        "what was loaded is not read again"
    );
    let line = tomas.push(30, personal_data(true));
    assert!(app.fold(OTHER, line.as_bytes()), "the screen changes");
    assert_eq!(fact(&app), Some(true));
    let last = app.tail.back().expect("tail");
    assert_eq!(last.entry.actor, "Tomas");
    assert_eq!(
        last.status,
        Saved::Saved(1),
        "renumbered by merged position (one `journal_created` is kept)"
    );
    // Read again from the new offset: nothing more.
    let team = app.team.as_ref().unwrap();
    assert_eq!(team.case.read_from(OTHER), tomas.bytes().len());
    assert!(!app.clone().fold(OTHER, b""));
}

#[test]
fn a_torn_line_is_waited_for_and_read_whole_once_complete() {
    let own = Journal::new("Dana", 0);
    let mut tomas = Journal::new("Tomas", 5);
    let mut app = runner(&own, &tomas, None);
    let before = app.team.as_ref().unwrap().case.read_from(OTHER);
    let line = tomas.push(30, personal_data(true));
    let half = &line.as_bytes()[..line.len() / 2];
    assert!(!app.fold(OTHER, half), "half a line changes nothing");
    assert_eq!(fact(&app), None);
    let team = app.team.as_ref().unwrap();
    assert_eq!(
        team.case.read_from(OTHER),
        before,
        "the torn part is re-read"
    );
    assert!(team.refused.is_empty(), "a torn line is not an error");
    // Even without its newline, the complete text is not taken as a line.
    let no_newline = line.trim_end_matches('\n');
    assert!(!app.fold(OTHER, no_newline.as_bytes()));
    assert_eq!(fact(&app), None);
    assert!(app.fold(OTHER, line.as_bytes()));
    assert_eq!(fact(&app), Some(true));
}

#[test]
fn a_line_that_fails_the_chain_is_refused_reported_and_never_folded() {
    let own = Journal::new("Dana", 0);
    let mut tomas = Journal::new("Tomas", 5);
    let mut app = runner(&own, &tomas, None);
    let good = tomas.push(20, note("first"));
    // A line whose `prev` names no line of the journal: a rewrite.
    let mut forged = Journal::new("Tomas", 5);
    forged.push(6, note("other history"));
    let bad = forged.push(30, personal_data(true));
    let bytes = format!("{good}{bad}");
    assert!(app.fold(OTHER, bytes.as_bytes()));
    assert_eq!(fact(&app), None, "the refused line is not folded");
    assert!(
        !app.state().notes.iter().any(|n| n.text == "first"),
        "nor the line its `prev` fails to name: either may be the altered one"
    );
    let team = app.team.as_ref().unwrap();
    assert_eq!(team.refused.len(), 1);
    assert!(
        team.refused[0].contains(OTHER) && team.refused[0].contains("seq 2"),
        "{}",
        team.refused[0]
    );
    assert!(
        app.notices
            .iter()
            .any(|n| n.urgent && n.text.contains(OTHER))
    );
    // Nothing more is read from that journal.
    let later = tomas.push(40, personal_data(false));
    assert!(!app.fold(OTHER, later.as_bytes()));
    assert_eq!(fact(&app), None);
}

#[test]
fn an_own_entry_saved_in_a_case_is_placed_by_the_merge_after_what_arrived() {
    let mut own = Journal::new("Dana", 0);
    let mut tomas = Journal::new("Tomas", 5);
    let mut app = runner(&own, &tomas, None);
    let line = tomas.push(30, personal_data(true));
    app.fold(OTHER, line.as_bytes());
    let effects = app.record(vec![Write::event(Event::new(note("seen it")))]);
    assert_eq!(app.pending().len(), 1);
    let saved = save(&mut app, &mut own, effects);
    assert_eq!(saved[0].entry.seq, 1, "own journal seq");
    assert!(app.pending().is_empty());
    assert_eq!(
        app.next_seq, 3,
        "merged: one creation, Tomas' fact, this note"
    );
    let last = app.tail.back().expect("tail");
    assert_eq!(last.entry.actor, "Dana");
    assert_eq!(last.status, Saved::Saved(2));
    assert_eq!(fact(&app), Some(true));
    let mut rebuilt = app.clone();
    rebuilt.rebuild_view();
    assert_eq!(rebuilt.view, app.view, "the view is saved + pending");
}

#[test]
fn c12_a_correction_in_a_case_names_the_journal_and_seq_of_its_target() {
    let mut own = Journal::new("Dana", 0);
    let mut tomas = Journal::new("Tomas", 5);
    // Both journals hold an entry at seq 1: only the journal tells which.
    own.push(10, note("dana's seq 1"));
    tomas.push(30, personal_data(true));
    let mut app = runner(&own, &tomas, None);
    assert_eq!(fact(&app), Some(true));
    let position = app
        .state()
        .facts
        .get("personal_data")
        .and_then(|f| f.latest())
        .map(|r| r.at.seq)
        .expect("the fact is recorded");
    let correction = Payload::Correction(Box::new(Correction {
        corrects: position,
        journal: None,
        reason: "Tomas misread the ticket".into(),
        value: Some(json!(false)),
        occurred_at: None,
        fields: serde_json::Map::new(),
    }));
    let effects = app.record(vec![Write::event(Event::new(correction))]);
    assert_eq!(fact(&app), Some(false), "shown corrected while saving");
    let Some(Effect::Append { draft, .. }) = effects.first() else {
        panic!("an append: {effects:?}");
    };
    let Payload::Correction(written) = &draft.event.payload else {
        panic!("a correction");
    };
    assert_eq!(
        (written.journal.as_deref(), written.corrects),
        (Some(OTHER), 1),
        "the journal names Tomas' entry, not the merged position {position}"
    );
    save(&mut app, &mut own, effects);
    assert_eq!(fact(&app), Some(false), "and after the merge replays it");
    // Another machine, with the journals only, reads the same correction.
    let journals = vec![own.case_journal(OWN), tomas.case_journal(OTHER)];
    let feed = crate::case::merge::Merged::new(journals).feed();
    let state = run::replay(&fixture_playbook(), feed.iter().map(|l| &l.entry));
    assert_eq!(
        state.fact("personal_data"),
        Some(&crate::playbook::FactValue::Bool(false))
    );
    assert!(state.warnings.is_empty(), "{:?}", state.warnings);
}

#[test]
fn the_sync_key_asks_for_one_sync_and_the_header_keeps_its_outcome() {
    let own = Journal::new("Dana", 0);
    let tomas = Journal::new("Tomas", 5);
    let mut app = runner(&own, &tomas, None);
    let now = app.now;
    assert_eq!(app.act(action::Action::Sync, None), vec![Effect::Sync]);
    assert!(
        app.act(action::Action::Sync, None).is_empty(),
        "one at a time"
    );
    assert!(
        app.notices
            .iter()
            .any(|n| n.text.contains("already running"))
    );
    app.update(Msg::Synced(SyncOutcome::Offline), now);
    let team = app.team.as_ref().unwrap();
    assert!(!team.syncing);
    let last = team.last_sync.as_ref().expect("reported");
    assert_eq!((last.at, &last.outcome), (now, &SyncOutcome::Offline));
    let conflict = SyncOutcome::Conflict(vec!["case/journals/ana@h.jsonl".into()]);
    app.act(action::Action::Sync, None);
    app.update(Msg::Synced(conflict), now);
    assert!(
        app.notices
            .iter()
            .any(|n| n.urgent && n.text.contains("CONFLICT in case/journals/ana@h.jsonl")),
        "a conflict is named at once"
    );
}

#[test]
fn the_sync_key_outside_a_case_explains_and_asks_for_nothing() {
    let own = Journal::new("Dana", 0);
    let mut app = App::new(
        fixture_playbook(),
        &own.lines,
        crate::journal::identity::Identity::new("Dana".to_string()),
        "x.jsonl",
        keymap::Keymap::default(),
        start(),
    );
    let key = KeyEvent::plain(KeyCode::Char('S'));
    assert!(app.update(Msg::Key(key), start()).is_empty());
    assert!(app.notices.iter().any(|n| n.text.contains("team case")));
}

#[test]
fn the_timer_syncs_every_sync_every_by_the_injected_clock() {
    let own = Journal::new("Dana", 0);
    let tomas = Journal::new("Tomas", 5);
    let every = Duration::seconds(30);
    let mut app = runner(&own, &tomas, Some(every));
    let t0 = app.now;
    assert!(app.update(Msg::Tick, t0 + Duration::seconds(29)).is_empty());
    let due = t0 + every;
    assert_eq!(app.update(Msg::Tick, due), vec![Effect::Sync]);
    assert!(
        app.update(Msg::Tick, due + every).is_empty(),
        "not while one runs"
    );
    app.update(Msg::Synced(SyncOutcome::Ok), due + Duration::seconds(3));
    assert!(
        app.update(Msg::Tick, due + Duration::seconds(29))
            .is_empty()
    );
    assert_eq!(app.update(Msg::Tick, due + every), vec![Effect::Sync]);
}

fn screen(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    let theme = Theme::new(crate::config::Theme::Dark, false);
    terminal
        .draw(|f| {
            f.render_widget(RunnerView { app, theme: &theme }, f.area());
        })
        .expect("draw");
    let buffer = terminal.backend().buffer();
    (0..buffer.area.height)
        .map(|y| {
            (0..buffer.area.width)
                .map(|x| buffer[(x, y)].symbol())
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_header_shows_who_else_is_in_and_how_fresh_and_the_last_sync() {
    let own = Journal::new("Dana", 0);
    let mut tomas = Journal::new("Tomas Novák", 5);
    tomas.push(48, note("isolating the VPN"));
    let mut app = runner(&own, &tomas, None);
    let mut ana = Journal::new("Ana", -300);
    ana.push(-180, note("comms drafted"));
    app.fold("ana@phone", ana.bytes().as_bytes());
    let now = app.now;
    app.update(Msg::Synced(SyncOutcome::Offline), now);
    let text = screen(&app, 100, 24);
    let team_row = text.lines().nth(1).expect("second row");
    assert!(
        team_row.contains("Tomas Novák · 12 s ago") && team_row.contains("sync 08:01 offline"),
        "{team_row}"
    );
    insta::assert_snapshot!(text);
}

fn aware_at(at: &str) -> Payload {
    Payload::FactSet(FactSet {
        fact: "aware_at".into(),
        value: json!(at),
        occurred_at: None,
        confirmed: None,
    })
}

/// Dana and Tomas, neither having seen the other's entry, set `aware_at`
/// (08:00 and 07:45) and `personal_data` (yes and no): two open conflicts.
fn contested_runner() -> (App, Journal) {
    let mut own = Journal::new("Dana", 0);
    let mut tomas = Journal::new("Tomas", 5);
    own.push(10, aware_at("2026-11-02T08:00:00Z"));
    own.push(12, personal_data(true));
    tomas.push(20, aware_at("2026-11-02T07:45:00Z"));
    tomas.push(22, personal_data(false));
    (runner(&own, &tomas, None), tomas)
}

/// RUNNER-HIDES-OPEN-CONFLICTS-AND-CONTESTED-CLOCKS: two responders set
/// `aware_at` and `personal_data` differently, and the runner silently
/// counted from the latest value: no conflict marker, the header's "since
/// aware" and the deadlines as if settled, and a clock the other answer
/// would start folded away in the clocks list. Now the team line counts
/// the open conflicts until settled, the header and every deadline reading
/// a contested fact say `⚠ contested`, the facts show both values, and the
/// clocks list names each conflict's sides and every stage hanging on one.
#[test]
fn runner_hides_open_conflicts_and_contested_clocks() {
    let (mut app, _) = contested_runner();
    let contested = app.contested();
    assert_eq!(contested.count(), 2);
    assert_eq!(contested.fact("aware_at"), Some("08:00 vs 07:45 UTC"));
    assert_eq!(contested.fact("personal_data"), Some("yes vs no"));
    let runner = screen(&app, 120, 30);
    let rows: Vec<&str> = runner.lines().collect();
    assert!(
        rows[0].contains(" · ⏱ since aware 16m ⚠ contested · "),
        "{runner}"
    );
    assert!(
        rows[1].starts_with(" ⚠ 2 open conflicts (`c`) · With Tomas"),
        "{runner}"
    );
    assert!(
        rows.iter()
            .any(|r| r
                .starts_with("  ◔ csirt-report.early-warning ⚠ contested: 23h 44m left · due ")),
        "{runner}"
    );

    app.act(action::Action::Clocks, None);
    let list = screen(&app, 140, 40);
    // The dialog's rows, between its borders.
    let rows: Vec<&str> = list
        .lines()
        .filter_map(|r| {
            let (_, rest) = r.split_once('║')?;
            Some(rest.rsplit_once('║')?.0.trim_end())
        })
        .collect();
    assert_eq!(
        rows[2],
        "⚠ 2 open conflicts: the latest value by time counts until one is settled with `runsheet resolve`"
    );
    assert_eq!(
        rows[5],
        "  fact personal_data: Dana@laptop = yes (dana@laptop entry 2) vs Tomas@desk = no (tomas@desk entry 2)"
    );
    let early = rows
        .iter()
        .position(|r| r.starts_with("csirt-report.early-warning"))
        .unwrap_or_else(|| panic!("the stage is listed: {list}"));
    assert_eq!(
        rows[early + 1],
        "  ⚠ runs from aware_at, contested: 08:00 vs 07:45 UTC"
    );
    // Not applicable on Tomas' "no", but Dana's "yes" would start it: named
    // with what it hangs on, not folded away.
    assert!(
        rows.contains(
            &"  ⚠ runs from aware_at, contested: 08:00 vs 07:45 UTC; depends on personal_data, contested: yes vs no"
        ),
        "{list}"
    );
    insta::assert_snapshot!(rows.join("\n"));
}

/// RUNNER-HIDES-OPEN-CONFLICTS-AND-CONTESTED-CLOCKS, later in the walk:
/// another responder set `aware_at` earlier and the header's "since aware"
/// jumped with nothing said. Now the notice line names the fact, who moved
/// it and both values; a fact answered for the first time is no change.
#[test]
fn a_fact_another_journal_moves_is_named_with_who_and_both_values() {
    let (mut app, mut tomas) = contested_runner();
    let before = app.notices.len();
    let line = tomas.push(70, aware_at("2026-11-02T07:00:00Z"));
    assert!(app.fold(OTHER, line.as_bytes()));
    let said: Vec<&str> = app.notices[before..]
        .iter()
        .map(|n| n.text.as_str())
        .collect();
    assert_eq!(said, ["aware_at changed by Tomas: 07:45 → 07:00 UTC"]);
    let line = tomas.push(75, note("first answer of nothing"));
    let records = Payload::FactSet(FactSet {
        fact: "records".into(),
        value: json!(120),
        occurred_at: None,
        confirmed: None,
    });
    let more = format!("{line}{}", tomas.push(80, records));
    let before = app.notices.len();
    assert!(app.fold(OTHER, more.as_bytes()));
    assert_eq!(app.notices.len(), before, "{:?}", app.notices);
}
