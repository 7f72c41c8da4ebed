//! Automatic checkpoints, headless through the real [`Core`]: a real
//! journal file, the real writer thread, a real key, and a [`ManualTime`]
//! moved by hand. Every checkpoint the runner makes must be accepted by
//! `runsheet verify`, and by `ssh-keygen -Y verify` like one made by
//! `runsheet checkpoint`.

mod support;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration as StdDuration;

use assert_cmd::Command;
use chrono::Duration;
use runsheet::app::input::{KeyCode, KeyEvent, KeyModifiers};
use runsheet::app::keymap::Keymap;
use runsheet::app::{App, Msg, Pane};
use runsheet::catalog::{self, Catalog, SourceText};
use runsheet::commands::open::{self, NewJournal, Resolved};
use runsheet::journal::event::Payload;
use runsheet::journal::identity::Identity;
use runsheet::journal::verify::verify;
use runsheet::journal::{Kind, Line};
use runsheet::proof::auto::AutoCheckpoint;
use runsheet::proof::key::SigningKey;
use runsheet::runtime::Core;
use runsheet::time::{ManualTime, TimeSource};

const START: &str = "2026-11-02T08:00:00Z";
const SETTLE: StdDuration = StdDuration::from_secs(10);

/// Two phases of one step each: marking a step done completes its phase.
const PLAYBOOK: &str = "\
runsheet: 1
id: two-phases
title: Two phases
version: 1.0.0
summary: One step per phase.
owner: runsheet tests
reviewed: 2026-11-01
timezone: Europe/Amsterdam
phases:
  - id: first
    title: First
    steps:
      - {id: one, title: Step one}
  - id: second
    title: Second
    steps:
      - {id: two, title: Step two}
";

fn playbook() -> Resolved {
    let today = support::utc(START).date_naive();
    let source = SourceText::bundled("two-phases.yaml", PLAYBOOK);
    let library = Catalog::bundled(today).library;
    let (playbook, _) = catalog::check_playbook(&source, &library, today).expect("valid playbook");
    Resolved { playbook, source }
}

/// A runner over a new journal in a scratch folder, checkpointing as
/// `config` says.
struct Session {
    dir: tempfile::TempDir,
    path: PathBuf,
    clock: ManualTime,
    core: Core,
}

impl Session {
    fn start(config: impl FnOnce(&Path) -> AutoCheckpoint) -> Self {
        let resolved = playbook();
        let dir = support::fast_tempdir();
        let path = dir.path().join("auto.jsonl");
        let key = dir.path().join("checkpoint_ed25519");
        SigningKey::create(&key, "auto checkpoint test").expect("key");
        let clock = ManualTime::at(support::utc(START));
        let who = Identity {
            actor: "Dana Reyes".into(),
            session: "auto-session".into(),
        };
        let settings = NewJournal {
            path: Some(path.clone()),
            title: Some("Checkpointed incident".into()),
            exercise: false,
            timezone: chrono_tz::UTC,
            drill: None,
            holidays: Vec::new(),
        };
        let (file, opening) =
            open::create_journal(&resolved, settings, &who, &clock, "run").expect("journal");
        let mut app = App::new(
            resolved.playbook,
            &opening,
            who,
            "auto.jsonl",
            Keymap::default(),
            clock.now(),
        );
        app.set_auto_checkpoint(config(&key));
        let core = Core::new(
            app,
            Box::new(file),
            Arc::new(clock.clone()),
            Box::new(|_: &str| {}),
        );
        Self {
            dir,
            path,
            clock,
            core,
        }
    }

    fn key(&mut self, c: char) {
        self.core.handle(Msg::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
        assert!(self.core.settle(SETTLE), "writes settle after {c:?}");
    }

    /// Marks `step` done.
    fn done(&mut self, step: &str) {
        self.core.app.select_step(step);
        self.core.app.focus = Pane::Steps;
        self.key('x');
    }

    fn tick_after(&mut self, by: Duration) {
        self.clock.advance(by);
        self.core.handle(Msg::Tick);
        assert!(self.core.settle(SETTLE), "writes settle after a tick");
    }

    fn lines(&self) -> Vec<Line> {
        let checked = verify(&std::fs::read(&self.path).expect("journal"));
        assert!(checked.is_intact(), "{:?}", checked.broken);
        checked.lines
    }

    /// Each checkpoint entry's seq with the size it covers.
    fn checkpoints(&self) -> Vec<(u64, u64)> {
        self.lines()
            .iter()
            .filter_map(|l| match l.entry.event().ok()?.payload {
                Payload::Checkpoint(c) => Some((l.entry.seq, c.size)),
                _ => None,
            })
            .collect()
    }

    fn kinds(&self) -> Vec<Kind> {
        self.lines().iter().map(|l| l.entry.kind).collect()
    }

    /// Quits with `q` and waits for the runner to finish.
    fn quit(mut self) -> Self {
        self.key('q');
        assert!(self.core.quit, "the runner quits once everything is saved");
        self
    }

    fn runsheet_verify(&self) -> (i32, String) {
        let out = Command::cargo_bin("runsheet")
            .expect("binary")
            .arg("verify")
            .arg(&self.path)
            .env("RUNSHEET_DATA_DIR", self.dir.path().join("data"))
            .env("RUNSHEET_CONFIG_DIR", self.dir.path().join("config"))
            .output()
            .expect("run verify");
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.code().unwrap_or(-1), text)
    }
}

fn phases_only(key: &Path) -> AutoCheckpoint {
    let mut c = AutoCheckpoint::all_with_key(key, 60);
    c.on_quit = false;
    c.every_minutes = None;
    c
}

#[test]
fn a_completed_phase_is_checkpointed_once_and_verify_accepts_it() {
    let mut s = Session::start(phases_only);
    s.done("one");
    let first = s.checkpoints();
    assert_eq!(first.len(), 1, "one checkpoint for the completed phase");
    let (seq, size) = first[0];
    assert_eq!(seq, size, "a checkpoint of N entries is entry N");
    assert_eq!(
        s.kinds()[usize::try_from(seq).expect("seq") - 1],
        Kind::StepDone
    );
    s.done("two");
    assert_eq!(s.checkpoints().len(), 2, "the second phase too");
    let s = s.quit();
    assert_eq!(s.checkpoints().len(), 2, "quit is off here");
    let (code, report) = s.runsheet_verify();
    assert_eq!(code, 0, "{report}");
    assert!(report.contains("checkpoint"), "{report}");
}

#[test]
fn a_timed_checkpoint_comes_every_n_minutes_while_entries_arrive() {
    let mut s = Session::start(|key| {
        let mut c = AutoCheckpoint::all_with_key(key, 15);
        c.on_quit = false;
        c.on_phase_complete = false;
        c
    });
    s.tick_after(Duration::minutes(14));
    assert!(s.checkpoints().is_empty(), "not before 15 minutes");
    s.tick_after(Duration::minutes(1));
    assert_eq!(s.checkpoints().len(), 1, "at 15 minutes");
    s.tick_after(Duration::minutes(15));
    assert_eq!(
        s.checkpoints().len(),
        1,
        "nothing new was written: no checkpoint of a checkpoint"
    );
    s.done("one");
    s.tick_after(Duration::minutes(15));
    assert_eq!(
        s.checkpoints().len(),
        2,
        "entries arrived: the next interval signs again"
    );
    let (code, report) = s.runsheet_verify();
    assert_eq!(code, 0, "{report}");
}

#[test]
fn quitting_checkpoints_after_session_ended_and_ssh_keygen_agrees() {
    let s = Session::start(|key| {
        let mut c = AutoCheckpoint::all_with_key(key, 60);
        c.on_phase_complete = false;
        c.every_minutes = None;
        c
    });
    let s = s.quit();
    let kinds = s.kinds();
    assert_eq!(
        kinds[kinds.len() - 2..],
        [Kind::SessionEnded, Kind::Checkpoint],
        "the last checkpoint covers the end of the session"
    );
    let (seq, size) = s.checkpoints()[0];
    assert_eq!(
        (seq, size),
        (kinds.len() as u64 - 1, kinds.len() as u64 - 1)
    );
    let (code, report) = s.runsheet_verify();
    assert_eq!(code, 0, "{report}");
    if !support::have_tool("ssh-keygen", "-?") {
        return;
    }
    let note = s
        .dir
        .path()
        .join(format!("auto.jsonl.checkpoint-{size}.note"));
    let signers = s.dir.path().join("allowed_signers");
    let public = std::fs::read_to_string(s.dir.path().join("checkpoint_ed25519.pub")).expect("pub");
    std::fs::write(&signers, format!("responder {public}")).expect("signers");
    let verified = std::process::Command::new("ssh-keygen")
        .args(["-Y", "verify", "-f"])
        .arg(&signers)
        .args(["-I", "responder", "-n", "runsheet-checkpoint", "-s"])
        .arg(note.with_extension("note.sig"))
        .stdin(std::fs::File::open(&note).expect("note"))
        .output()
        .expect("ssh-keygen");
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stderr)
    );
}

#[test]
fn a_missing_key_is_said_once_and_loses_no_entry() {
    let mut s =
        Session::start(|key| AutoCheckpoint::all_with_key(&key.with_file_name("no-such-key"), 5));
    s.done("one");
    s.tick_after(Duration::minutes(5));
    s.done("two");
    let said: Vec<&String> = s
        .core
        .app
        .banners
        .iter()
        .filter(|t| t.contains("checkpoint not signed"))
        .collect();
    assert_eq!(said.len(), 1, "one message, not one per attempt: {said:?}");
    assert!(
        said[0].contains("every entry is still saved"),
        "{}",
        said[0]
    );
    assert!(
        said[0].contains("no-such-key"),
        "names the key: {}",
        said[0]
    );
    assert_eq!(s.core.app.write_error, None, "the journal stays writable");
    let s = s.quit();
    assert!(s.checkpoints().is_empty());
    let kinds = s.kinds();
    assert_eq!(
        kinds.iter().filter(|k| **k == Kind::StepDone).count(),
        2,
        "both steps saved"
    );
    assert_eq!(kinds.last(), Some(&Kind::SessionEnded));
}
