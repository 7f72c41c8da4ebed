//! The shared fixture builder produces a journal that verifies and replays.

mod support;

use runsheet::journal::verify::verify;
use runsheet::run;

#[test]
fn complete_incident_fixture_verifies_and_replays() {
    let j = support::complete_incident(false);
    let checked = verify(&j.bytes());
    assert!(checked.is_intact(), "{:?}", checked.broken);
    let state = run::replay(&j.resolved.playbook, checked.entries());
    assert_eq!(state.status("confirm"), run::StepStatus::Done);
    assert_eq!(state.decisions.len(), 2);
    assert!(state.warnings.is_empty(), "{:?}", state.warnings);
}
