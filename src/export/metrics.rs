//! The measures reviewers ask for first: how long from awareness to
//! containment, to each authority notification and to the first public
//! statement, and how long each phase took.

use chrono::{DateTime, Utc};

use super::view::View;
use crate::playbook::Phase;
use crate::run::query::{self, Progress};

/// The fact that records when the organisation became aware.
pub const AWARE_FACT: &str = "aware_at";

/// The phase whose end counts as containment.
pub const CONTAIN_PHASE: &str = "contain";

/// One phase from its first recorded activity to its last close.
#[derive(Debug, Clone)]
pub struct PhaseSpan<'a> {
    pub phase: &'a Phase,
    /// The earliest entry about any of its steps.
    pub first_start: Option<DateTime<Utc>>,
    /// When its last applicable step was closed; `None` while any is open.
    pub last_close: Option<DateTime<Utc>>,
    pub progress: Progress,
}

/// Every phase of the playbook, in order.
pub fn phase_spans<'a>(view: &View<'a>) -> Vec<PhaseSpan<'a>> {
    let playbook = view.input.playbook;
    let state = view.input.state;
    playbook
        .phases
        .iter()
        .enumerate()
        .map(|(index, phase)| {
            let records: Vec<_> = phase
                .steps
                .iter()
                .filter_map(|s| state.step(&s.id))
                .collect();
            let first_start = records
                .iter()
                .filter_map(|r| r.history.first().map(|c| on_journal_clock(state, &c.at)))
                .min();
            let progress = query::phase_progress(playbook, state, index);
            let last_close = (progress.total > 0 && progress.is_complete())
                .then(|| {
                    records
                        .iter()
                        .filter(|r| r.status.is_closed())
                        .filter_map(|r| r.history.last().map(|c| on_journal_clock(state, &c.at)))
                        .max()
                })
                .flatten();
            PhaseSpan {
                phase,
                first_start,
                last_close,
                progress,
            }
        })
        .collect()
}

/// When a step changed, on the clock the journal's facts, submissions and
/// deadlines are on: in a drill its scenario instant, else its wall time.
/// A drill's phases measured in wall time sat beside awareness and
/// notifications in scenario time, and durations between them were
/// meaningless.
fn on_journal_clock(state: &crate::run::RunState, at: &crate::run::Stamp) -> DateTime<Utc> {
    crate::drill::clocks_at(
        state,
        crate::run::EntryTime {
            seq: at.seq,
            ts: at.ts,
            scenario_ms: at.scenario_ms,
        },
    )
}

/// When the organisation became aware, if recorded (corrections applied).
pub fn aware_at(view: &View<'_>) -> Option<DateTime<Utc>> {
    view.input
        .state
        .fact(AWARE_FACT)
        .and_then(crate::playbook::FactValue::as_datetime)
}

/// A moment measured from awareness.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Milestone {
    pub label: String,
    pub at: Option<DateTime<Utc>>,
    /// Why there is no time, when there is none.
    pub missing: Option<String>,
}

/// Containment, every authority notification, and the first public
/// statement, in that order.
pub fn milestones(view: &View<'_>, spans: &[PhaseSpan<'_>]) -> Vec<Milestone> {
    let mut out = vec![containment(spans)];
    let state = view.input.state;
    let is_statement = |step: Option<&str>| {
        step.and_then(|s| view.step(s))
            .is_some_and(|s| s.statement.is_some())
    };
    let mut sent: Vec<_> = state.submissions.iter().collect();
    sent.sort_by_key(|s| (s.data.sent_at, s.at.seq));
    for s in sent.iter().filter(|s| !is_statement(s.step.as_deref())) {
        let what = s
            .step
            .as_deref()
            .map_or_else(|| "Notification".to_string(), |id| view.step_title(id));
        // Only stages that apply: a stage recorded but not applicable is
        // not a deadline the organisation met.
        let applicable = crate::clocks::applicable_stages(
            view.input.playbook,
            state,
            s.data.stages.iter().map(String::as_str),
        );
        let stages = if applicable.is_empty() {
            String::new()
        } else {
            format!(" ({})", applicable.join(", "))
        };
        out.push(Milestone {
            label: format!("{what}{stages} to {}", s.data.recipient),
            at: Some(s.data.sent_at),
            missing: None,
        });
    }
    let statement = sent.iter().find(|s| is_statement(s.step.as_deref()));
    out.push(Milestone {
        label: "First public statement".into(),
        at: statement.map(|s| s.data.sent_at),
        missing: statement
            .is_none()
            .then(|| "no statement was recorded as published".into()),
    });
    out
}

fn containment(spans: &[PhaseSpan<'_>]) -> Milestone {
    match spans.iter().find(|s| s.phase.id == CONTAIN_PHASE) {
        None => Milestone {
            label: "Containment".into(),
            at: None,
            missing: Some(format!("the playbook has no phase \"{CONTAIN_PHASE}\"")),
        },
        Some(span) => Milestone {
            label: format!("Containment (phase \"{}\" finished)", span.phase.title),
            at: span.last_close,
            missing: span.last_close.is_none().then(|| {
                format!(
                    "not finished: {} of {} steps closed",
                    span.progress.closed, span.progress.total
                )
            }),
        },
    }
}
