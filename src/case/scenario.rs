//! The drill scenario of a team case. It is recorded in the facilitator's
//! `journal_created`, but the merge keeps only the first journal's
//! creation, which may be a participant's who joined first. Every merged
//! feed (the runner's, the command line's, the views', `status`'s) puts
//! the recorded scenario on the kept creation, so each of them knows the
//! case is a drill and runs its facts and deadlines on the scenario clock.

use super::entry::CaseEntry;
use super::merge::Merged;

/// The scenario recorded by the first journal's creation naming one, in
/// merged order: a drill case's scenario is recorded in the facilitator's
/// `journal_created`, which need not be the one the merge keeps (a
/// participant may have joined first), and the kept one carries it. A
/// journal's creation is its first line: a `journal_created` further on
/// creates nothing and names no scenario for the case (a replay then
/// knows the scenario before it feeds anything).
pub(super) fn recorded_drill<L: CaseEntry>(merged: &Merged<L>) -> Option<serde_json::Value> {
    merged
        .order
        .iter()
        .filter(|at| at.line == 0)
        .find_map(|at| drill_of(merged.line(*at)))
}

/// The scenario a `journal_created` line names, if any.
pub(super) fn drill_of<L: CaseEntry>(line: &L) -> Option<serde_json::Value> {
    line.created()
        .and_then(|entry| entry.data.get("drill").filter(|d| !d.is_null()).cloned())
}

/// Whether `line` is a `journal_created` naming no scenario: the one a
/// recorded scenario is carried onto when it is fed first.
pub(super) fn names_no_drill<L: CaseEntry>(line: &L) -> bool {
    line.created().is_some_and(|entry| {
        entry
            .data
            .get("drill")
            .is_none_or(serde_json::Value::is_null)
    })
}

/// Puts the `recorded` scenario on the kept `journal_created` (`feed[0]`)
/// when that one names none.
pub(super) fn carry<L: CaseEntry>(recorded: Option<serde_json::Value>, feed: &mut [L]) {
    let (Some(drill), Some(first)) = (recorded, feed.first_mut()) else {
        return;
    };
    first.change_created(|entry| {
        let names_none = entry
            .data
            .get("drill")
            .is_none_or(serde_json::Value::is_null);
        if names_none {
            entry.data.insert("drill".into(), drill);
        }
        names_none
    });
}
