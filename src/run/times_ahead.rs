//! Recorded times ahead of the reader's clock. `set` refuses a future
//! time only on its writer's clock, so a responder whose clock runs fast
//! writes entries (and time facts) that every other machine accepts
//! silently: a deadline then counts from a moment that has not come. The
//! journal stays the truth (clocks are computed as recorded); every view
//! that reads it warns, by this one rule, at the reader's "now".
//!
//! Pure: "now" is passed in.

use chrono::{DateTime, Duration, Utc};

use super::{RunState, Warning, rules};
use crate::playbook::{Anchor, Playbook};

/// How far ahead of the reader's clock a recorded time may be before it
/// is called ahead: the skew `set` allows its writer
/// ([`rules::CLOCK_SKEW_MINUTES`]), so two honest clocks a few minutes
/// apart never warn, and a time `set` would refuse always does.
pub const TOLERANCE: Duration = Duration::minutes(rules::CLOCK_SKEW_MINUTES);

/// Every recorded time of `state` ahead of `now` (the reader's wall
/// clock) by more than [`TOLERANCE`]: each writer's newest entry, then
/// each time fact in force. A drill's facts are scenario times, compared
/// with the scenario's "now" as its clocks are.
pub fn warnings(state: &RunState, playbook: &Playbook, now: DateTime<Utc>) -> Vec<Warning> {
    let mut found = entries_ahead(state, now);
    found.extend(facts_ahead(
        state,
        playbook,
        crate::drill::clocks_now(state, now),
    ));
    found
}

/// Adds [`warnings`] to `state`'s own, for a view that shows them.
pub fn add_warnings(state: &mut RunState, playbook: &Playbook, now: DateTime<Utc>) {
    let found = warnings(state, playbook, now);
    state.warnings.extend(found);
}

/// The newest entry of each writer, when stamped ahead of `now`.
fn entries_ahead(state: &RunState, now: DateTime<Utc>) -> Vec<Warning> {
    state
        .newest_by_writer
        .iter()
        .filter(|(_, newest)| newest.ts - now > TOLERANCE)
        .map(|(actor, newest)| Warning::EntryAhead {
            actor: actor.clone(),
            seq: newest.seq,
            ahead: newest.ts - now,
        })
        .collect()
}

/// Each time fact whose value in force is ahead of `now`, with the clocks
/// that count from it.
fn facts_ahead(state: &RunState, playbook: &Playbook, now: DateTime<Utc>) -> Vec<Warning> {
    state
        .facts
        .iter()
        .filter_map(|(id, fact)| {
            let record = fact.latest()?;
            let at = record.effective()?.as_datetime()?;
            let by = record.correction.as_ref().map_or(&record.at, |c| &c.at);
            (at - now > TOLERANCE).then(|| Warning::FactAhead {
                fact: id.clone(),
                seq: by.seq,
                actor: by.actor.clone(),
                ahead: at - now,
                clocks: clocks_counting_from(playbook, id),
            })
        })
        .collect()
}

/// The ids of the clocks with a stage counted from fact `fact`.
fn clocks_counting_from(playbook: &Playbook, fact: &str) -> Vec<String> {
    let from_fact = |anchor: &Anchor| matches!(anchor, Anchor::Fact(f) if f == fact);
    playbook
        .clocks
        .iter()
        .filter(|clock| {
            clock.stages.iter().any(|stage| {
                from_fact(&stage.from) || stage.earliest_of.iter().any(|(a, _)| from_fact(a))
            })
        })
        .map(|clock| clock.id.clone())
        .collect()
}
