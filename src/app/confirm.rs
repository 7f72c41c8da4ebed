//! Actions that ask before they write: marking a required step done with
//! checklist items unticked, and starting a step that does not apply. The
//! question is a notice; pressing the same key again on the same step
//! answers yes, any other key answers no. The notice goes with the
//! question: at the next key, or when the question lapses.

use chrono::{DateTime, Utc};

use super::words;
use crate::playbook::{Playbook, Step};
use crate::run::RunState;
use crate::run::query::{self, Applicability};

/// An action waiting for its key to be pressed again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Armed {
    Done(String),
    Start(String),
}

/// A question on screen: the action a yes confirms, the notice that asks,
/// when a yes counts from (a repeat typed before anyone could read the
/// question is not an answer to it) and when it lapses (a yes must be
/// meant now, not found by a later key).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub action: Armed,
    pub text: String,
    pub readable_from: DateTime<Utc>,
    pub until: DateTime<Utc>,
}

impl Question {
    /// The action a key at `now` confirms: none before the question could
    /// be read (`x x` in one burst, or typed ahead before the screen was
    /// drawn) or after it lapsed.
    pub fn answered_at(self, now: DateTime<Utc>) -> Option<Armed> {
        (self.readable_from <= now && now < self.until).then_some(self.action)
    }
}

/// Why `x` on this step should ask first, if it should: a required step
/// with checklist items nobody ticked.
pub fn done_question(step: &Step, state: &RunState) -> Option<String> {
    if !step.required || step.checklist.is_empty() {
        return None;
    }
    let ticked = state.step(&step.id).map_or(0, |s| {
        (0..step.checklist.len())
            .filter(|i| s.is_checked(*i))
            .count()
    });
    let unticked = step.checklist.len() - ticked;
    (unticked > 0).then(|| {
        format!(
            "{unticked} of {} checklist items unticked — press x again to mark done anyway",
            step.checklist.len()
        )
    })
}

/// Why starting this step should ask first, if it should: its condition
/// is false or still undecided, so it is hidden from the list.
pub fn start_question(step: &Step, playbook: &Playbook, state: &RunState) -> Option<String> {
    let why = match query::applicability(step, state) {
        Applicability::Applies => return None,
        Applicability::Undetermined { waiting_on, .. } => format!(
            "waiting for the answer to: {}",
            words::fact_questions(playbook, &waiting_on)
        ),
        Applicability::NotApplicable { .. } => step.when.as_ref().map_or_else(
            || "this step does not apply".to_string(),
            |c| {
                format!(
                    "does not apply given: {}",
                    words::condition_answers(c, playbook, state)
                )
            },
        ),
    };
    // What to press comes first: the reason can be long (a fact's
    // question) and a narrow status line cuts its end.
    Some(format!("press Enter again to start it anyway: {why}"))
}
