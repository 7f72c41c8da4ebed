//! A replay that reads each line straight into its typed event (what
//! `status`, the exports and `resume` do on a long journal) reaches the
//! same state, line by line, as one that decodes whole entries first:
//! checked on generated journals of every kind the runner writes, an
//! incident and an exercise.

#[path = "../benches/common/mod.rs"]
mod common;

use std::path::Path;

use runsheet::catalog::Catalog;
use runsheet::journal::TypedEntry;
use runsheet::journal::verify::{verify_file, view_file_typed};
use runsheet::playbook::Playbook;
use runsheet::run::RunState;

use common::Incident;

/// Enough lines for every kind the generator writes, corrections and
/// recoveries of earlier lines included, and for a stream of several
/// reads on every core.
const ENTRIES: usize = 4_000;

fn compare(path: &Path, playbook: &Playbook) {
    let mut whole = Vec::new();
    let tally = verify_file(path, |line| whole.push(line)).expect("read");
    assert!(tally.is_intact());
    assert_eq!(whole.len(), ENTRIES);
    let mut typed = Vec::new();
    let tally = view_file_typed(path, None, |line, _| typed.push(line.into_typed())).expect("read");
    assert!(tally.is_intact());
    assert_eq!(typed.len(), whole.len());
    let mut by_entries = RunState::default();
    let mut by_typed = RunState::default();
    for (line, typed) in whole.iter().zip(typed) {
        assert_eq!(
            typed,
            TypedEntry::from_entry(line.entry.clone()),
            "{}",
            line.text
        );
        by_entries.apply(playbook, &line.entry);
        by_typed.apply_typed(playbook, typed);
    }
    assert_eq!(by_typed, by_entries);
}

#[test]
fn typed_replay_reaches_the_state_whole_entries_reach() {
    let catalog = Catalog::bundled(common::today());
    let resolved = common::bundled(&catalog, "ransomware-extortion").expect("bundled playbook");
    let dir = tempfile::tempdir().expect("tempdir");
    let incident = dir.path().join("incident.jsonl");
    common::write_journal(&incident, Incident::new(&resolved, false), ENTRIES).expect("write");
    compare(&incident, &resolved.playbook);
    let drill = catalog
        .drill("intl-court-intrusion")
        .expect("bundled drill");
    let exercise_playbook = common::bundled(&catalog, &drill.drill.playbook).expect("its playbook");
    let exercise = dir.path().join("exercise.jsonl");
    common::write_journal(
        &exercise,
        Incident::exercise(&exercise_playbook, drill),
        ENTRIES,
    )
    .expect("write");
    compare(&exercise, &exercise_playbook.playbook);
}
