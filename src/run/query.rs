//! Questions every view asks of a run: does a step apply, what is it waiting
//! for, is it overdue, how far along is each phase, what must still be done.

use chrono::{DateTime, Duration, Utc};

use super::{RunState, StepStatus};
use crate::playbook::expr::Truth;
use crate::playbook::{Playbook, Step};

/// Whether a step's `when:` holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applicability {
    Applies,
    /// The condition is false.
    NotApplicable {
        condition: String,
    },
    /// The condition depends on facts nobody has answered yet.
    Undetermined {
        condition: String,
        waiting_on: Vec<String>,
    },
}

impl Applicability {
    pub fn applies(&self) -> bool {
        matches!(self, Self::Applies)
    }

    /// A short reason for a hidden step, e.g. `waiting for: personal_data`.
    pub fn reason(&self) -> Option<String> {
        match self {
            Self::Applies => None,
            Self::NotApplicable { condition } => Some(format!("does not apply: {condition}")),
            Self::Undetermined { waiting_on, .. } => {
                Some(format!("waiting for: {}", waiting_on.join(", ")))
            }
        }
    }
}

/// Evaluates a step's condition over the current facts.
pub fn applicability(step: &Step, state: &RunState) -> Applicability {
    let Some(when) = &step.when else {
        return Applicability::Applies;
    };
    let lookup = |id: &str| state.fact(id);
    let eval = when.expr.eval(&lookup);
    match eval.truth {
        Truth::True => Applicability::Applies,
        Truth::False => Applicability::NotApplicable {
            condition: when.source.clone(),
        },
        Truth::Unknown => Applicability::Undetermined {
            condition: when.source.clone(),
            waiting_on: eval.waiting_on,
        },
    }
}

/// When work on `step` last started, on the clock its timebox runs on
/// and every view's "now" is read from: in a drill the scenario instant
/// of the `step_started` entry, else its wall time. Mixing the two (a
/// scenario "now" against a wall-clock start) made a step started at
/// T+00:50 look 20 minutes overdue the moment it started, and one with a
/// 4-hour timebox overdue long before its four scenario hours were up.
pub fn started_on_clock(state: &RunState, step: &str) -> Option<DateTime<Utc>> {
    let start = state.step(step)?.last_start()?;
    Some(crate::drill::clocks_at(state, entry_time(&start.at)))
}

/// Where an entry recorded by `stamp` stands in time.
pub const fn entry_time(stamp: &super::Stamp) -> super::EntryTime {
    super::EntryTime {
        seq: stamp.seq,
        ts: stamp.ts,
        scenario_ms: stamp.scenario_ms,
    }
}

/// Everything a view needs to show one step.
#[derive(Debug, Clone, PartialEq)]
pub struct StepView<'a> {
    pub step: &'a Step,
    pub status: StepStatus,
    pub applicability: Applicability,
    /// `after:` steps that apply and are not yet done or skipped.
    pub waiting_for: Vec<&'a str>,
    /// How far past its timebox an in-progress step is.
    pub overdue_by: Option<Duration>,
}

impl StepView<'_> {
    /// Shown in the normal list: applies, or was already acted on (a step
    /// that stops applying after it was done keeps its record in view).
    pub fn is_visible(&self) -> bool {
        self.applicability.applies() || self.status != StepStatus::Open
    }

    pub fn is_closed(&self) -> bool {
        self.status.is_closed()
    }
}

pub fn step_view<'a>(
    playbook: &'a Playbook,
    state: &RunState,
    step: &'a Step,
    now: DateTime<Utc>,
) -> StepView<'a> {
    let status = state.status(&step.id);
    let waiting_for = step
        .after
        .iter()
        .filter(|dep| {
            let Some(dep_step) = playbook.step(dep) else {
                return false;
            };
            !state.status(dep).is_closed() && applicability(dep_step, state).applies()
        })
        .map(String::as_str)
        .collect();
    let overdue_by = match (status, step.timebox) {
        (StepStatus::InProgress, Some(timebox)) => started_on_clock(state, &step.id)
            .map(|started| now - (started + timebox.approximate()))
            .filter(|late| *late > Duration::zero()),
        _ => None,
    };
    StepView {
        step,
        status,
        applicability: applicability(step, state),
        waiting_for,
        overdue_by,
    }
}

/// Steps closed out of steps expected, for a progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Progress {
    pub closed: usize,
    pub total: usize,
}

impl Progress {
    pub fn percent(self) -> u16 {
        if self.total == 0 {
            return 100;
        }
        u16::try_from(self.closed * 100 / self.total).unwrap_or(100)
    }

    pub fn is_complete(self) -> bool {
        self.closed >= self.total
    }
}

impl std::ops::Add for Progress {
    type Output = Self;
    fn add(self, other: Self) -> Self {
        Self {
            closed: self.closed + other.closed,
            total: self.total + other.total,
        }
    }
}

/// Progress of one phase: steps that apply (or were acted on) count.
pub fn phase_progress(playbook: &Playbook, state: &RunState, phase: usize) -> Progress {
    let Some(phase) = playbook.phases.get(phase) else {
        return Progress::default();
    };
    phase.steps.iter().fold(Progress::default(), |p, step| {
        let status = state.status(&step.id);
        if status == StepStatus::Open && !applicability(step, state).applies() {
            return p;
        }
        Progress {
            closed: p.closed + usize::from(status.is_closed()),
            total: p.total + 1,
        }
    })
}

/// Progress over all phases.
pub fn total_progress(playbook: &Playbook, state: &RunState) -> Progress {
    (0..playbook.phases.len()).fold(Progress::default(), |p, i| {
        p + phase_progress(playbook, state, i)
    })
}

/// Required steps that apply and are neither done nor skipped, in order.
pub fn open_required<'a>(playbook: &'a Playbook, state: &RunState) -> Vec<&'a Step> {
    playbook
        .steps()
        .filter(|s| {
            s.required && !state.status(&s.id).is_closed() && applicability(s, state).applies()
        })
        .collect()
}

/// The first open step that applies, in playbook order (only required ones
/// when asked): "what do I do next?".
pub fn next_open<'a>(
    playbook: &'a Playbook,
    state: &RunState,
    required_only: bool,
) -> Option<&'a Step> {
    playbook.steps().find(|s| {
        (!required_only || s.required)
            && !state.status(&s.id).is_closed()
            && applicability(s, state).applies()
    })
}
