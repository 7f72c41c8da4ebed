//! A case read as one journal by the views that show it to people who were
//! not there (review, every export): the merged order of
//! [`super::merge`], each entry naming its responder as `actor@host`.
//!
//! Only the decoded copy handed to a view changes: `actor` becomes
//! `actor@host` (the host part of the entry's journal id) and `seq` its
//! merged position. Each line's text stays the stored bytes, so every hash
//! a view shows is the journal's own. The journals are never written.

use std::path::Path;

use super::entry::CaseEntry;
use super::merge::{self, Merged};
use super::witness;
use crate::journal::verify::{Break, Verified};

/// The host part of a journal id (`ana@laptop-7` → `laptop-7`).
pub fn host_of(journal_id: &str) -> &str {
    journal_id
        .rsplit_once('@')
        .map_or(journal_id, |(_, host)| host)
}

/// `actor@host` for an entry of journal `journal_id`.
pub fn responder(actor: &str, journal_id: &str) -> String {
    format!("{actor}@{}", host_of(journal_id))
}

/// The merged lines as every view shows them (see the module comment),
/// taken out of the merge instead of copied.
pub fn into_responder_lines<L: CaseEntry>(merged: Merged<L>) -> Vec<L> {
    let mut feed = Vec::new();
    into_responder_lines_each(merged, |line| feed.push(line));
    feed
}

/// [`into_responder_lines`] handing each line over as it is made, for a
/// caller that uses it at once (a replay).
pub fn into_responder_lines_each<L: CaseEntry>(merged: Merged<L>, mut each: impl FnMut(L)) {
    let ids: Vec<String> = merged.journals.iter().map(|j| j.id.clone()).collect();
    merged.into_feed_each(|mut line, at| {
        line.set_actor(responder(line.actor(), &ids[at.journal]));
        each(line);
    });
}

/// The case as one verified journal: the merged lines, the case head as
/// head, and the first problem of any journal (a break, or a `seen` head
/// its journal contradicts) as the break, so every view says the case does
/// not fully verify. A half-synced last line counts as a torn tail.
pub fn verified(merged: Merged) -> Verified {
    let problem = merged
        .journals
        .iter()
        .find_map(|j| {
            j.verified
                .broken
                .as_ref()
                .map(|b| witness::break_problem(&j.id, b))
        })
        .or_else(|| {
            witness::check(&merged.journals)
                .first()
                .map(witness::Contradiction::as_problem)
        });
    let head_hash = Some(merged.case_head());
    let torn_tail = merged.journals.iter().map(|j| j.verified.torn_tail).sum();
    // Taken out of the merge, not copied: a case of 100,000 entries held
    // two decoded copies of every line.
    let lines = into_responder_lines(merged);
    Verified {
        // The break sits after the last merged line: every line kept is
        // reported, and none is taken for the broken one.
        broken: problem.map(|reason| Break {
            line: lines.len() + 1,
            seq: lines.len() as u64,
            reason,
        }),
        lines,
        head_hash,
        verified_len: 0,
        torn_tail,
    }
}

/// The merged case replayed as every view of it replays it: a warning
/// about an entry names its writer (`actor@host`), since the entry's `seq`
/// is its merged position, not its place in its writer's journal.
pub fn replay(playbook: &crate::playbook::Playbook, verified: &Verified) -> crate::run::RunState {
    let mut state = crate::run::RunState::default().naming_writers();
    for entry in verified.entries() {
        state.apply(playbook, entry);
    }
    state
}

/// The conflicts nobody has settled, as warnings every view of the case
/// carries (the report's warnings, `json`'s `state.warnings`, the review's
/// header): each side named `actor@host` with its value as the facts list
/// shows it, in zone `tz`.
pub fn open_conflicts(
    merged: &Merged,
    playbook: &crate::playbook::Playbook,
    tz: chrono_tz::Tz,
) -> Vec<crate::run::Warning> {
    super::conflict::find(merged)
        .into_iter()
        .map(|c| crate::run::Warning::OpenConflict {
            sides: conflict_sides(&c, playbook, tz),
            about: c.about,
            key: c.key,
        })
        .collect()
}

/// Each side of a conflict as every view names it: `actor@host = value
/// (journal entry seq)`, the value as the facts list shows it (`17`,
/// `yes`, `High risk`), in zone `tz`.
pub fn conflict_sides(
    conflict: &super::conflict::Conflict,
    playbook: &crate::playbook::Playbook,
    tz: chrono_tz::Tz,
) -> Vec<String> {
    let def = (conflict.about == "fact")
        .then(|| playbook.fact(&conflict.key))
        .flatten();
    conflict
        .entries
        .iter()
        .map(|e| {
            let value = def
                .and_then(|d| {
                    crate::playbook::FactValue::from_json(d, &e.value)
                        .ok()
                        .map(|v| v.display(Some(d), tz))
                })
                .or_else(|| e.value.as_str().map(str::to_string))
                .unwrap_or_else(|| e.value.to_string());
            format!(
                "{} = {value} ({} entry {})",
                responder(&e.actor, &e.journal),
                e.journal,
                e.seq
            )
        })
        .collect()
}

/// Reads a case folder's journals and merges them, each journal a `seen`
/// head shows was rewritten cut where what others read ends
/// ([`witness::cut_rewritten`]): the views report no rewritten entry.
pub fn load(dir: &Path) -> Result<Merged, String> {
    let mut journals = merge::load(dir)?;
    witness::cut_rewritten(&mut journals);
    Ok(Merged::new(journals))
}

/// Following a case live: reads its journals again and, when any head
/// moved, hands the review the new merged lines (another responder's entry
/// may sort before ones already shown). Never writes, never locks.
pub fn poll(review: &mut crate::app::review::Review, dir: &Path) -> std::io::Result<bool> {
    let merged = load(dir).map_err(std::io::Error::other)?;
    let conflicts = open_conflicts(&merged, &review.playbook, review.state.timezone());
    let fresh = verified(merged);
    if fresh.head_hash == review.head_hash
        && fresh.torn_tail == review.torn_tail
        && fresh.broken.is_some() == review.broken.is_some()
    {
        return Ok(false);
    }
    review.replace(fresh);
    review.state.warnings.extend(conflicts);
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_responder_is_the_actor_at_the_journal_host() {
        assert_eq!(responder("Ana \"A\"", "ana-a@lap-1"), "Ana \"A\"@lap-1");
        assert_eq!(host_of("x@y@z"), "z");
    }
}
