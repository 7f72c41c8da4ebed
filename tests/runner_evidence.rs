//! The runner's evidence key: the form drawn, and the entry it records
//! through the real writer thread, compared with the one
//! `runsheet evidence add` records for the same file.

mod support;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use ratatui::buffer::Buffer;
use runsheet::app::input::{KeyCode, KeyEvent, KeyModifiers};
use runsheet::app::keymap::Keymap;
use runsheet::app::{App, Msg, Pane};
use runsheet::commands::open::{self, NewJournal};
use runsheet::journal::identity::Identity;
use runsheet::journal::verify::verify;
use runsheet::journal::{Entry, Kind, Line};
use runsheet::runtime::Core;
use runsheet::time::{ManualTime, TimeSource};

const START: &str = "2026-11-02T08:00:00Z";

fn draw(app: &App, width: u16, height: u16) -> Buffer {
    support::draw_runner(app, width, height)
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn type_into(app: &mut App, text: &str) {
    for c in text.chars() {
        app.update(key(KeyCode::Char(c)), app.now);
    }
}

#[test]
fn evidence_form_80x24() {
    let j = support::JournalBuilder::new(support::fixture_playbook(), START, false);
    let mut app = App::new(
        j.resolved.playbook.clone(),
        &j.lines,
        Identity {
            actor: "Dana Reyes".into(),
            session: "session-2".into(),
        },
        "incident.jsonl",
        Keymap::default(),
        j.now(),
    );
    app.select_step("confirm");
    app.focus = Pane::Steps;
    app.update(key(KeyCode::Char('e')), app.now);
    type_into(&mut app, "/cases/2026-11/mail.eml");
    app.update(key(KeyCode::Tab), app.now);
    type_into(&mut app, "Phishing mail as received");
    insta::assert_snapshot!(support::screen(&draw(&app, 80, 24)));
}

/// The last entry of a journal file.
fn last_entry(path: &std::path::Path) -> Entry {
    let checked = verify(&std::fs::read(path).expect("journal"));
    assert!(checked.is_intact(), "{:?}", checked.broken);
    checked.lines.last().expect("an entry").entry.clone()
}

#[test]
fn the_evidence_key_records_what_evidence_add_records() {
    let resolved = support::fixture_playbook();
    let dir = support::fast_tempdir();
    let evidence = dir.path().join("mail.eml");
    std::fs::write(&evidence, "From: attacker@example.net\n\nPay now.\n").expect("evidence");
    let path = dir.path().join("incident.jsonl");
    let clock = ManualTime::at(support::utc(START));
    let who = Identity {
        actor: "Dana Reyes".into(),
        session: "evidence-session".into(),
    };
    let settings = NewJournal {
        path: Some(path.clone()),
        title: Some("Evidence incident".into()),
        exercise: false,
        timezone: chrono_tz::UTC,
        drill: None,
        holidays: Vec::new(),
    };
    let (file, opening) =
        open::create_journal(&resolved, settings, &who, &clock, "run").expect("journal");
    let before: Vec<Line> = opening.clone();
    let mut app = App::new(
        resolved.playbook.clone(),
        &opening,
        who,
        "incident.jsonl",
        Keymap::default(),
        clock.now(),
    );
    app.select_step("confirm");
    app.focus = Pane::Steps;
    let mut core = Core::new(
        app,
        Box::new(file),
        Arc::new(clock.clone()),
        Box::new(|_: &str| {}),
    );
    core.handle(key(KeyCode::Char('e')));
    type_text(&mut core, evidence.to_str().expect("utf-8"));
    core.handle(key(KeyCode::Tab));
    type_text(&mut core, "Phishing mail as received");
    core.handle(key(KeyCode::Tab));
    type_text(&mut core, "Sam Okafor");
    core.handle(key(KeyCode::Enter));
    assert!(core.settle(StdDuration::from_secs(10)), "saved");
    assert_eq!(core.app.write_error, None);
    core.finish();
    let runner = last_entry(&path);
    assert_eq!(runner.kind, Kind::EvidenceAdded);
    assert_eq!(runner.seq, before.len() as u64);

    let cli = evidence_add_on(&before, &evidence);
    assert_eq!(
        (runner.kind, &runner.step, &runner.actor, &runner.data),
        (cli.kind, &cli.step, &cli.actor, &cli.data),
        "the same entry as `runsheet evidence add`"
    );
    assert_eq!(runner.actor, "Sam Okafor");
    assert_eq!(runner.step.as_deref(), Some("confirm"));
    let data = serde_json::Value::Object(runner.data.clone()).to_string();
    assert!(
        data.contains(&runsheet::hash::sha256_hex(
            &std::fs::read(&evidence).expect("evidence")
        )),
        "{data}"
    );
}

fn type_text(core: &mut Core, text: &str) {
    for c in text.chars() {
        core.handle(key(KeyCode::Char(c)));
    }
}

/// The entry `runsheet evidence add` appends to a journal of `before`.
fn evidence_add_on(before: &[Line], evidence: &std::path::Path) -> Entry {
    // The same journal before that entry, recorded by the command line.
    let cli_dir = support::fast_tempdir();
    let copy = cli_dir.path().join("incident.jsonl");
    let head: String = before.iter().fold(String::new(), |mut out, l| {
        out.push_str(&l.text);
        out.push('\n');
        out
    });
    std::fs::write(&copy, head).expect("copy");
    let playbooks = cli_dir.path().join("playbooks");
    std::fs::create_dir_all(&playbooks).expect("playbooks");
    std::fs::copy(
        support::fixture("playbooks/fixture-incident.yaml"),
        playbooks.join("fixture-incident.yaml"),
    )
    .expect("playbook");
    let out = assert_cmd::Command::cargo_bin("runsheet")
        .expect("binary")
        .current_dir(cli_dir.path())
        .env("RUNSHEET_DATA_DIR", cli_dir.path().join("data"))
        .env("RUNSHEET_CONFIG_DIR", cli_dir.path().join("config"))
        .env_remove("RUNSHEET_NOW")
        .args(["evidence", "add"])
        .arg(&copy)
        .arg(evidence)
        .args([
            "--step",
            "confirm",
            "--label",
            "Phishing mail as received",
            "--as",
            "Sam Okafor",
        ])
        .output()
        .expect("evidence add");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The command frames its entry in a session of its own.
    let checked = verify(&std::fs::read(&copy).expect("journal"));
    let kinds: Vec<Kind> = checked.lines[before.len()..]
        .iter()
        .map(|l| l.entry.kind)
        .collect();
    assert_eq!(
        kinds,
        [
            Kind::SessionStarted,
            Kind::EvidenceAdded,
            Kind::SessionEnded
        ]
    );
    checked.lines[before.len() + 1].entry.clone()
}
