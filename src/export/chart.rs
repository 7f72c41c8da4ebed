//! What the visual timeline shows: phases as bars from first start to last
//! close, clock stages as bars from trigger to due with their submission
//! marked. Pure data; `svg` draws it.

use chrono::{DateTime, Duration, Utc};

use super::metrics::PhaseSpan;
use super::when;
use crate::clocks::{StageState, StageView};

/// Bars on one time axis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The instant clocks were evaluated at (the last entry).
    pub now: DateTime<Utc>,
    pub bars: Vec<Bar>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A phase still open, or a deadline still running at `now`.
    Open,
    /// A finished phase.
    Closed,
    Met,
    Breached,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub label: String,
    /// Stated in words beside the bar, so colour is never the only signal.
    pub note: String,
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    pub outcome: Outcome,
    /// A submission, drawn as a marker.
    pub marker: Option<DateTime<Utc>>,
    /// The part past the deadline: from due to the late submission (or to
    /// `now` while still open).
    pub late: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

impl Chart {
    /// The chart for these phases and stages; `None` when nothing started.
    pub fn build(
        phases: &[PhaseSpan<'_>],
        stages: &[StageView<'_>],
        now: DateTime<Utc>,
    ) -> Option<Self> {
        let mut bars: Vec<Bar> = phases.iter().filter_map(|p| phase_bar(p, now)).collect();
        bars.extend(stages.iter().filter_map(|s| stage_bar(s, now)));
        if bars.is_empty() {
            return None;
        }
        // The axis covers what happened up to the last entry; a deadline
        // further out is drawn to the edge and its due time written out.
        let start = bars.iter().map(|b| b.from).min().unwrap_or(now);
        let end = bars
            .iter()
            .filter(|b| b.outcome != Outcome::Open)
            .map(|b| b.to)
            .chain(bars.iter().filter_map(|b| b.marker))
            .chain(bars.iter().filter_map(|b| b.late.map(|(_, to)| to)))
            .fold(now, DateTime::max);
        let end = if end <= start {
            start + Duration::hours(1)
        } else {
            end
        };
        Some(Self {
            start,
            end,
            now,
            bars,
        })
    }
}

fn phase_bar(span: &PhaseSpan<'_>, now: DateTime<Utc>) -> Option<Bar> {
    let from = span.first_start?;
    let (to, outcome, note) = match span.last_close {
        Some(close) => (
            close,
            Outcome::Closed,
            format!("finished in {}", when::span(close - from)),
        ),
        None => (
            now.max(from),
            Outcome::Open,
            format!(
                "open: {} of {} steps closed",
                span.progress.closed, span.progress.total
            ),
        ),
    };
    Some(Bar {
        label: format!("Phase: {}", span.phase.title),
        note,
        from,
        to,
        outcome,
        marker: None,
        late: None,
    })
}

fn stage_bar(view: &StageView<'_>, now: DateTime<Utc>) -> Option<Bar> {
    let from = view.started?;
    let label = format!("{}: {}", view.clock.title, view.stage.title);
    let due = view.due;
    let (outcome, note, marker, late) = match &view.state {
        StageState::Met { at, margin } => (
            Outcome::Met,
            margin.map_or_else(
                || "✓ met".to_string(),
                |m| format!("✓ met, {} before the deadline", when::span(m)),
            ),
            Some(*at),
            None,
        ),
        StageState::Breached {
            late_by,
            submitted: Some(at),
        } => (
            Outcome::Breached,
            format!("✗ BREACHED: submitted {} late", when::span(*late_by)),
            Some(*at),
            due.map(|d| (d, *at)),
        ),
        StageState::Breached {
            late_by,
            submitted: None,
        } => (
            Outcome::Breached,
            format!(
                "✗ BREACHED: not submitted, {} past due",
                when::span(*late_by)
            ),
            None,
            due.map(|d| (d, now)),
        ),
        StageState::Running { remaining, .. } => (
            Outcome::Open,
            format!("running: {} left", when::span(*remaining)),
            None,
            None,
        ),
        StageState::Elapsing { elapsed } => (
            Outcome::Open,
            format!(
                "{}: {} elapsed{}",
                view.stage.soft.as_deref().unwrap_or("no fixed deadline"),
                when::span(*elapsed),
                if view.due.is_some() {
                    ", with a cap"
                } else {
                    ""
                }
            ),
            None,
            None,
        ),
        StageState::NotInForce { .. }
        | StageState::NotApplicable { .. }
        | StageState::Waiting { .. } => return None,
    };
    Some(Bar {
        label,
        note,
        from,
        to: due.unwrap_or_else(|| marker.unwrap_or(now)).max(from),
        outcome,
        marker,
        late,
    })
}
