//! After a failed write, a retry first cuts whatever the failed write left
//! at the end of the journal, so the retried entry chains to the last
//! saved one and the file verifies.

use std::io::Write as _;

use super::*;
use crate::journal::Event;
use crate::journal::event::{Note, Payload};

fn note(text: &str) -> Draft {
    Draft {
        ts: chrono::DateTime::parse_from_rfc3339("2026-11-02T08:00:00Z")
            .expect("time")
            .with_timezone(&chrono::Utc),
        mono_ms: 0,
        scenario_ms: None,
        session: "s".into(),
        actor: "Dana Reyes".into(),
        event: Event::new(Payload::Note(Note { text: text.into() })),
    }
}

#[test]
fn clear_failure_cuts_the_unfinished_bytes_and_the_retried_entry_chains() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("j.jsonl");
    let (mut journal, _) = JournalFile::create(&path, note("first")).expect("create");
    let clean = std::fs::metadata(&path).expect("meta").len();
    // What a write torn by a full disk leaves: part of a line, and the
    // journal marked failed at the length before it.
    OpenOptions::new()
        .append(true)
        .open(&path)
        .and_then(|mut f| f.write_all(b"{\"v\":1,\"seq\":1,\"ts"))
        .expect("torn bytes");
    journal.failed = Some(WriteError::new(io::ErrorKind::StorageFull, "full"));
    journal.clean_len = Some(clean);
    assert!(
        journal.append(note("refused")).is_err(),
        "read-only until cleared"
    );

    journal.clear_failure().expect("cleared");
    assert_eq!(std::fs::metadata(&path).expect("meta").len(), clean);
    journal.append(note("retried")).expect("appends again");
    let verified = crate::journal::verify::verify(&std::fs::read(&path).expect("read"));
    assert!(verified.is_intact(), "{:?}", verified.broken);
    assert_eq!(verified.lines.len(), 2, "exactly one entry after the first");
}

#[test]
fn clear_failure_refuses_a_journal_shorter_than_its_last_saved_entry() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("j.jsonl");
    let (mut journal, _) = JournalFile::create(&path, note("first")).expect("create");
    let clean = std::fs::metadata(&path).expect("meta").len();
    journal.failed = Some(WriteError::new(io::ErrorKind::StorageFull, "full"));
    journal.clean_len = Some(clean + 10);
    assert!(journal.clear_failure().is_err());
    assert!(journal.append(note("still refused")).is_err());
}
