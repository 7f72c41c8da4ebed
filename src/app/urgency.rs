//! "What should I do now?": the most urgent required step a responder can
//! act on, and the reason it was chosen, for the `g` key.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use crate::clocks::{self, StageState, format_duration};
use crate::playbook::{Playbook, Step};
use crate::run::query::{self, StepView};
use crate::run::{RunState, StepStatus};

/// The step `g` goes to and why, in words for the notice line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Urgent {
    pub step: String,
    pub why: String,
}

/// How pressing a step is: a legal deadline it meets, else the end of its
/// timebox, else nothing (playbook order decides).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Pressure {
    Deadline(DateTime<Utc>),
    Timebox(DateTime<Utc>),
    None,
}

impl Pressure {
    fn at(&self) -> Option<DateTime<Utc>> {
        match self {
            Self::Deadline(t) | Self::Timebox(t) => Some(*t),
            Self::None => None,
        }
    }
}

/// The open, required, applicable step that waits on no other step and is
/// not blocked, with the earliest deadline or timebox end; ties and steps
/// with neither go by playbook order.
pub fn most_urgent(playbook: &Playbook, state: &RunState, now: DateTime<Utc>) -> Option<Urgent> {
    let stages = clocks::evaluate(playbook, state, now);
    let open = query::open_required(playbook, state);
    let waiting = open
        .iter()
        .filter(|s| {
            !query::step_view(playbook, state, s, now)
                .waiting_for
                .is_empty()
        })
        .count();
    let (step, pressure, about) = open
        .into_iter()
        .filter_map(|step| {
            let view = query::step_view(playbook, state, step, now);
            if !view.waiting_for.is_empty() || view.status == StepStatus::Blocked {
                return None;
            }
            let deadline = stages
                .iter()
                .filter(|v| step.satisfies.contains(&v.stage_ref()))
                .filter(|v| v.state.is_live())
                .filter_map(|v| v.due.map(|d| (d, v)))
                .min_by_key(|(d, _)| *d);
            Some(match deadline {
                Some((due, v)) => (
                    step,
                    Pressure::Deadline(due),
                    format!(
                        "{}{}",
                        v.stage.title,
                        if matches!(v.state, StageState::Breached { .. }) {
                            " is BREACHED"
                        } else {
                            ""
                        }
                    ),
                ),
                None => (step, timebox_end(&view, state, now), String::new()),
            })
        })
        .enumerate()
        .min_by(|(i, a), (j, b)| {
            let key_a = (a.1.at().is_none(), a.1.at(), *i);
            let key_b = (b.1.at().is_none(), b.1.at(), *j);
            key_a.cmp(&key_b)
        })
        .map(|(_, found)| found)?;
    let mut why = match &pressure {
        Pressure::Deadline(due) => format!("deadline first: {about}, {}", left(*due, now)),
        Pressure::Timebox(end) => format!("earliest timebox: {}", left(*end, now)),
        Pressure::None => "first open required step that waits on nothing".to_string(),
    };
    if waiting > 0 {
        let _ = write!(why, " ({waiting} waiting on other steps passed over)");
    }
    Some(Urgent {
        step: step.id.clone(),
        why,
    })
}

/// When a step's timebox runs out: from its start when in progress, from
/// now when not started.
fn timebox_end(view: &StepView<'_>, state: &RunState, now: DateTime<Utc>) -> Pressure {
    let Some(timebox) = view.step.timebox else {
        return Pressure::None;
    };
    let from = match view.status {
        StepStatus::InProgress => query::started_on_clock(state, &view.step.id).unwrap_or(now),
        _ => now,
    };
    Pressure::Timebox(from + timebox.approximate())
}

fn left(at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    if at <= now {
        format!("{} overdue", format_duration(now - at))
    } else {
        format!("{} left", format_duration(at - now))
    }
}

/// The step title for the notice.
pub fn title<'a>(playbook: &'a Playbook, id: &'a str) -> &'a str {
    playbook.step(id).map_or(id, |s: &Step| s.title.as_str())
}

/// Where a stage ranks among the deadlines, most urgent first: breached
/// and unsubmitted; running, or a duty "without undue delay" with a cap,
/// by due time (a cap is a deadline like any other); an uncapped duty;
/// waiting; met. One order for the header's strip and the clocks screen,
/// so the first deadline on one is the first on the other.
pub fn urgency_rank(v: &clocks::StageView<'_>) -> (u8, Option<chrono::DateTime<chrono::Utc>>) {
    let rank = match v.state {
        StageState::Breached {
            submitted: None, ..
        } => 0,
        StageState::Running { .. } => 1,
        StageState::Elapsing { .. } if v.due.is_some() => 1,
        StageState::Elapsing { .. } => 2,
        StageState::Waiting { .. } => 3,
        _ => 4,
    };
    (rank, v.due)
}

/// The clocks screen's order ([`urgency_rank`]); clocks that do not
/// apply or are not in force are returned apart, to be folded under one
/// line.
pub fn clocks_by_urgency(
    stages: Vec<clocks::StageView<'_>>,
) -> (Vec<clocks::StageView<'_>>, Vec<clocks::StageView<'_>>) {
    let (mut shown, folded): (Vec<_>, Vec<_>) = stages.into_iter().partition(|v| {
        !matches!(
            v.state,
            StageState::NotApplicable { .. } | StageState::NotInForce { .. }
        )
    });
    shown.sort_by_key(urgency_rank);
    (shown, folded)
}
