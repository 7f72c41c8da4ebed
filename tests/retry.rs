//! Retrying an entry the journal could not save, through the real writer
//! thread and a real journal file, with an injected failing disk: nothing
//! is written while the disk fails, and exactly the same entry once after
//! the responder retries.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration as StdDuration;

use runsheet::app::input::{KeyCode, KeyEvent, KeyModifiers};
use runsheet::app::keymap::Keymap;
use runsheet::app::{App, Msg, Pane, Saved};
use runsheet::commands::open::{self, NewJournal};
use runsheet::journal::identity::Identity;
use runsheet::journal::verify::verify;
use runsheet::journal::writer::{Append, JournalFile, WriteError};
use runsheet::journal::{Draft, Kind, Line};
use runsheet::runtime::Core;
use runsheet::time::{ManualTime, TimeSource};

const SETTLE: StdDuration = StdDuration::from_secs(5);

/// A journal file on a disk that is full while `full` is set: appends
/// fail as `ENOSPC` does, before any byte is written.
struct FullDisk {
    file: JournalFile,
    full: Arc<AtomicBool>,
}

impl Append for FullDisk {
    fn append(&mut self, draft: Draft) -> Result<Line, WriteError> {
        if self.full.load(Ordering::SeqCst) {
            return Err(WriteError::new(
                std::io::ErrorKind::StorageFull,
                "No space left on device; nothing of this entry was written",
            ));
        }
        self.file.append(draft)
    }

    fn attach(&mut self, file_name: &str, text: &str) -> Result<(), WriteError> {
        Append::attach(&mut self.file, file_name, text)
    }

    fn clear_failure(&mut self) -> Result<(), WriteError> {
        self.file.clear_failure()
    }
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Msg {
    Msg::Key(KeyEvent::new(code, modifiers))
}

#[test]
fn a_note_refused_by_a_full_disk_is_written_exactly_once_after_ctrl_r() {
    let resolved = support::fixture_playbook();
    let dir = support::fast_tempdir();
    let path = dir.path().join("retry.jsonl");
    let clock = ManualTime::at(support::utc("2026-11-02T08:00:00Z"));
    let who = Identity {
        actor: "Dana Reyes".into(),
        session: "retry-session".into(),
    };
    let settings = NewJournal {
        path: Some(path.clone()),
        title: Some("Retry incident".into()),
        exercise: false,
        timezone: chrono_tz::UTC,
        drill: None,
        holidays: Vec::new(),
    };
    let (file, opening) =
        open::create_journal(&resolved, settings, &who, &clock, "run").expect("create journal");
    let app = App::new(
        resolved.playbook.clone(),
        &opening,
        who,
        "retry.jsonl",
        Keymap::default(),
        clock.now(),
    );
    let full = Arc::new(AtomicBool::new(true));
    let disk = FullDisk {
        file,
        full: Arc::clone(&full),
    };
    let mut core = Core::new(
        app,
        Box::new(disk),
        Arc::new(clock.clone()),
        Box::new(|_| {}),
    );
    core.app.select_step("confirm");
    core.app.focus = Pane::Steps;
    core.handle(key(KeyCode::Char('n'), KeyModifiers::NONE));
    for c in "Vendor on site".chars() {
        core.handle(key(KeyCode::Char(c), KeyModifiers::NONE));
    }
    core.handle(key(KeyCode::Char('s'), KeyModifiers::CONTROL));
    assert!(core.settle(SETTLE));
    let on_disk = |path: &std::path::Path| {
        let verified = verify(&std::fs::read(path).expect("journal readable"));
        assert!(verified.is_intact(), "{:?}", verified.broken);
        verified.lines
    };
    assert_eq!(on_disk(&path).len(), opening.len(), "nothing written");
    assert!(core.app.write_error.is_some());
    assert_eq!(core.app.unsaved.len(), 1);
    assert!(
        core.app
            .tail
            .iter()
            .any(|t| matches!(t.status, Saved::Failed(_))),
        "shown as not saved"
    );

    // Still full: the retry fails again and writes nothing.
    core.handle(key(KeyCode::Char('r'), KeyModifiers::CONTROL));
    assert!(core.settle(SETTLE));
    assert_eq!(on_disk(&path).len(), opening.len());
    assert_eq!(core.app.unsaved.len(), 1, "kept again");

    // Space freed: the retry writes exactly that note, once.
    full.store(false, Ordering::SeqCst);
    core.handle(key(KeyCode::Char('r'), KeyModifiers::CONTROL));
    assert!(core.settle(SETTLE));
    let lines = on_disk(&path);
    let added: Vec<_> = lines[opening.len()..].iter().map(|l| &l.entry).collect();
    assert_eq!(added.len(), 1, "exactly one entry");
    assert_eq!(added[0].kind, Kind::Note);
    assert_eq!(added[0].data["text"], "Vendor on site");
    assert_eq!(added[0].step.as_deref(), Some("confirm"));
    assert!(core.app.write_error.is_none());
    assert!(core.app.unsaved.is_empty());
    core.finish();
}
