//! Deadline clocks: pure arithmetic over recorded triggers and submissions.
//!
//! Hours are exact elapsed time (no weekend relief, no rounding: the
//! conservative reading). Days, business days and months are counted in the
//! clock's time zone (else the incident's), so daylight-saving changes move
//! wall-clock hours but never dates. Every state is derived from the run
//! state at a given `now`; nothing here reads a clock or a file.

pub mod answers;
pub mod arith;

use chrono::{DateTime, Duration, Utc};

use crate::playbook::expr::Truth;
use crate::playbook::{Anchor, Clock, ClockStatus, Playbook, Stage, StageRef, StartRule};
use crate::run::{RunState, StageSubmissions};

pub use arith::{Calendar, add_period};

/// Where one stage of a clock stands at `now`.
#[derive(Debug, Clone, PartialEq)]
pub enum StageState {
    /// The clock is shown for reference but does not count (not in force,
    /// a proposal, or before the date it applies from).
    NotInForce { reason: String },
    /// The clock's `when:` or the stage's `condition:` is false.
    NotApplicable { reason: String },
    /// The trigger has not been recorded (or the earlier stage submitted).
    Waiting { reason: String },
    /// Counting down to `due`.
    Running { remaining: Duration, used: f64 },
    /// A duty "without undue delay": time elapsed. When the stage also has
    /// a cap, `due` on the view is that cap (shown beside, never as time left).
    Elapsing { elapsed: Duration },
    /// Submitted; `margin` is how long before the deadline (when there is one).
    Met {
        at: DateTime<Utc>,
        margin: Option<Duration>,
    },
    /// Past due: still open (`submitted` none) or submitted late.
    Breached {
        late_by: Duration,
        submitted: Option<DateTime<Utc>>,
    },
}

impl StageState {
    /// Sorting key for panels: breached first, then running by urgency.
    pub const fn is_live(&self) -> bool {
        matches!(
            self,
            Self::Running { .. }
                | Self::Elapsing { .. }
                | Self::Breached {
                    submitted: None,
                    ..
                }
        )
    }

    pub const fn label(&self) -> &'static str {
        match self {
            Self::NotInForce { .. } => "not in force",
            Self::NotApplicable { .. } => "not applicable",
            Self::Waiting { .. } => "waiting",
            Self::Running { .. } => "running",
            Self::Elapsing { .. } => "due without undue delay",
            Self::Met { .. } => "met",
            Self::Breached {
                submitted: None, ..
            } => "breached",
            Self::Breached { .. } => "submitted late",
        }
    }
}

/// One stage, evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct StageView<'a> {
    pub clock: &'a Clock,
    pub stage: &'a Stage,
    pub state: StageState,
    /// When the stage's count started (its trigger, after any start rule).
    pub started: Option<DateTime<Utc>>,
    pub due: Option<DateTime<Utc>>,
    /// Facts whose answers decide whether the clock applies at all; while
    /// non-empty the deadline is shown as provisional ("if it applies").
    pub provisional: Vec<String>,
    /// Steps whose submission meets this stage.
    pub met_by: Vec<&'a str>,
    /// Every submission recorded for the stage (repeatable ones may be many).
    pub submissions: usize,
}

impl StageView<'_> {
    pub fn stage_ref(&self) -> StageRef {
        StageRef {
            clock: self.clock.id.clone(),
            stage: self.stage.id.clone(),
        }
    }

    /// Share of the allowed time used, for gauges (0.0 to 1.0+).
    pub fn used(&self) -> Option<f64> {
        match &self.state {
            StageState::Running { used, .. } => Some(*used),
            StageState::Breached {
                submitted: None, ..
            } => Some(1.0),
            _ => None,
        }
    }
}

/// Every stage of every clock in the playbook, at `now`.
pub fn evaluate<'a>(
    playbook: &'a Playbook,
    state: &RunState,
    now: DateTime<Utc>,
) -> Vec<StageView<'a>> {
    playbook
        .clocks
        .iter()
        .flat_map(|clock| evaluate_clock(playbook, clock, state, now))
        .collect()
}

/// Whether stage `stage_ref` (`clock.stage`) can be met on the facts known
/// now: its clock is in force and neither the clock's nor the stage's
/// condition is false. A stage still waiting on facts may apply, so it is
/// kept. A submission records only stages that apply, and reports name
/// only those.
pub fn stage_applies(playbook: &Playbook, state: &RunState, stage_ref: &str) -> bool {
    let Some((clock_id, stage_id)) = stage_ref.split_once('.') else {
        return false;
    };
    let Some(clock) = playbook.clock(clock_id) else {
        return false;
    };
    let Some(spec) = clock.stage(stage_id) else {
        return false;
    };
    clock.status == ClockStatus::InForce
        && truth(clock.when.as_ref(), state).0 != Truth::False
        && truth(spec.condition.as_ref(), state).0 != Truth::False
}

/// The stages of `refs` that apply (see [`stage_applies`]), in order.
pub fn applicable_stages<'r>(
    playbook: &Playbook,
    state: &RunState,
    refs: impl IntoIterator<Item = &'r str>,
) -> Vec<String> {
    refs.into_iter()
        .filter(|r| stage_applies(playbook, state, r))
        .map(str::to_string)
        .collect()
}

fn truth(cond: Option<&crate::playbook::Condition>, state: &RunState) -> (Truth, Vec<String>) {
    match cond {
        None => (Truth::True, Vec::new()),
        Some(c) => {
            let lookup = |id: &str| state.fact(id);
            let e = c.expr.eval(&lookup);
            (e.truth, e.waiting_on)
        }
    }
}

/// Why `whose` condition does not apply, as the answers it reads.
fn does_not_apply(
    whose: &str,
    cond: Option<&crate::playbook::Condition>,
    playbook: &Playbook,
    state: &RunState,
) -> String {
    let given = cond
        .map(|c| answers::condition_answers(c, playbook, state))
        .unwrap_or_default();
    format!("{whose} does not apply given: {given}")
}

fn evaluate_clock<'a>(
    playbook: &'a Playbook,
    clock: &'a Clock,
    state: &RunState,
    now: DateTime<Utc>,
) -> Vec<StageView<'a>> {
    let tz = clock.timezone.unwrap_or_else(|| state.timezone());
    let calendar = Calendar {
        tz,
        holidays: &clock.holidays,
        cutoff: clock.cutoff,
    };
    let (clock_truth, clock_waiting) = truth(clock.when.as_ref(), state);
    let mut out: Vec<StageView<'a>> = Vec::with_capacity(clock.stages.len());
    for stage in &clock.stages {
        let met_by: Vec<&str> = playbook
            .steps()
            .filter(|s| {
                s.satisfies
                    .iter()
                    .any(|r| r.clock == clock.id && r.stage == stage.id)
            })
            .map(|s| s.id.as_str())
            .collect();
        let submissions = state.stage_submissions(&clock.id, &stage.id);
        let mut view = StageView {
            clock,
            stage,
            state: StageState::Waiting {
                reason: String::new(),
            },
            started: None,
            due: None,
            provisional: Vec::new(),
            met_by,
            submissions: submissions.map_or(0, |s| s.count),
        };
        view.state = stage_state(
            &mut view,
            playbook,
            &calendar,
            state,
            now,
            submissions,
            (clock_truth, &clock_waiting),
        );
        out.push(view);
    }
    out
}

/// When an anchor happened: a datetime fact, or an earlier stage's
/// submission (the latest one for a repeatable stage).
fn anchor_time(clock: &Clock, anchor: &Anchor, state: &RunState) -> Option<DateTime<Utc>> {
    match anchor {
        Anchor::Fact(f) => state
            .fact(f)
            .and_then(crate::playbook::FactValue::as_datetime),
        Anchor::Stage(s) => {
            let repeatable = clock.stage(s).is_some_and(|st| st.repeatable);
            let sent = state.stage_submissions(&clock.id, s)?;
            Some(if repeatable { sent.latest } else { sent.first })
        }
    }
}

/// What a stage waits for, as the fact's question or the earlier stage's
/// title (an id the playbook lacks stays as is).
fn waiting_for(clock: &Clock, anchor: &Anchor, playbook: &Playbook) -> String {
    match anchor {
        Anchor::Fact(f) => format!(
            "waiting for the answer to: {}",
            playbook.fact(f).map_or(f.as_str(), |d| d.prompt.trim())
        ),
        Anchor::Stage(s) => format!(
            "waiting for the “{}” submission",
            clock.stage(s).map_or(s.as_str(), |st| st.title.as_str())
        ),
    }
}

fn stage_state(
    view: &mut StageView<'_>,
    playbook: &Playbook,
    calendar: &Calendar<'_>,
    state: &RunState,
    now: DateTime<Utc>,
    submissions: Option<StageSubmissions>,
    (clock_truth, clock_waiting): (Truth, &[String]),
) -> StageState {
    let clock = view.clock;
    let spec = view.stage;
    if clock.status != ClockStatus::InForce {
        return StageState::NotInForce {
            reason: format!(
                "{}: shown for reference, not counting",
                clock.status.label()
            ),
        };
    }
    if clock_truth == Truth::False {
        return StageState::NotApplicable {
            reason: does_not_apply("the clock", clock.when.as_ref(), playbook, state),
        };
    }
    let (stage_truth, stage_waiting) = truth(spec.condition.as_ref(), state);
    if stage_truth == Truth::False {
        return StageState::NotApplicable {
            reason: does_not_apply("this stage", spec.condition.as_ref(), playbook, state),
        };
    }
    view.provisional = clock_waiting
        .iter()
        .chain(&stage_waiting)
        .cloned()
        .collect();
    view.provisional.dedup();

    // Each cap as (its anchor time, its deadline).
    let caps: Vec<(DateTime<Utc>, DateTime<Utc>)> = spec
        .earliest_of
        .iter()
        .filter_map(|(anchor, period)| {
            let t = anchor_time(clock, anchor, state)?;
            Some((t, add_period(t, *period, calendar)))
        })
        .collect();
    let Some(trigger) = anchor_time(clock, &spec.from, state) else {
        // The stage's own trigger is unknown, but a cap is already running
        // (DORA: at most 24 h from awareness): show that limit, provisionally.
        return match (caps.iter().min_by_key(|(_, due)| *due), spec.within) {
            (Some(&(from, cap)), Some(_)) if submissions.is_none() => {
                view.provisional.push(spec.from.name().to_string());
                view.started = Some(from);
                view.due = Some(cap);
                open_stage(spec, from, cap, now)
            }
            _ => StageState::Waiting {
                reason: waiting_for(clock, &spec.from, playbook),
            },
        };
    };
    if let Some(from) = clock.applies_from
        && trigger.with_timezone(&calendar.tz).date_naive() < from
    {
        return StageState::NotInForce {
            reason: format!("applies to events from {from}"),
        };
    }
    // Business days are counted after the trigger's date, so a trigger on a
    // Saturday already counts Monday as day one (Form 8-K B.1); the start
    // rule moves only the point the gauge starts from.
    let (count_from, started) = match spec.start {
        StartRule::Trigger => (trigger, trigger),
        StartRule::NextBusinessDay => (trigger, calendar.next_business_start(trigger)),
        StartRule::EndOfYear => {
            let end = calendar.end_of_year(trigger);
            (end, end)
        }
    };
    view.started = Some(started);
    let due = spec.within.map(|within| {
        let own = add_period(count_from, within, calendar);
        caps.iter()
            .map(|(_, cap)| *cap)
            // A cap already past when the stage's own trigger happened does
            // not apply (DORA: classified after the 24 h mark -> 4 h from then).
            .filter(|cap| *cap >= trigger)
            .fold(own, DateTime::min)
    });
    view.due = due;

    // Met or late is judged on the first submission, also for a repeatable
    // stage: later updates re-anchor the stages counting from it (see
    // `anchor_time`) but never turn an on-time report into a late one.
    let submitted = submissions.map(|s| s.earliest);
    match (submitted, due) {
        (Some(at), Some(due)) if at <= due => StageState::Met {
            at,
            margin: Some(due - at),
        },
        (Some(at), Some(due)) => StageState::Breached {
            late_by: at - due,
            submitted: Some(at),
        },
        (Some(at), None) => StageState::Met { at, margin: None },
        (None, Some(due)) => open_stage(spec, started, due, now),
        (None, None) => StageState::Elapsing {
            elapsed: (now - started).max(Duration::zero()),
        },
    }
}

/// An open stage with a deadline. A `soft` duty ("without undue delay")
/// with a cap shows the time elapsed, the cap beside it: the cap is a limit,
/// never time the law grants, so it is not shown as time left.
fn open_stage(
    spec: &Stage,
    started: DateTime<Utc>,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StageState {
    if spec.soft.is_some() && now <= due {
        return StageState::Elapsing {
            elapsed: (now - started).max(Duration::zero()),
        };
    }
    running_or_breached(started, due, now)
}

/// An open stage counting from `started` towards `due`.
fn running_or_breached(
    started: DateTime<Utc>,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> StageState {
    if now > due {
        return StageState::Breached {
            late_by: now - due,
            submitted: None,
        };
    }
    // Minutes keep the share exact to well past any legal deadline.
    let minutes = |d: Duration| f64::from(i32::try_from(d.num_minutes()).unwrap_or(i32::MAX));
    let total = minutes(due - started).max(1.0);
    let used = (minutes(now - started) / total).max(0.0);
    StageState::Running {
        remaining: due - now,
        used,
    }
}

/// `3d 4h`, `5h 20m`, `12m`, `45s`: a compact, human duration.
pub fn format_duration(d: Duration) -> String {
    let secs = d.num_seconds().abs();
    let (days, hours, minutes) = (secs / 86_400, secs % 86_400 / 3600, secs % 3600 / 60);
    let text = match (days, hours, minutes) {
        (0, 0, 0) => format!("{secs}s"),
        (0, 0, m) => format!("{m}m"),
        (0, h, m) => format!("{h}h {m:02}m"),
        (d, h, _) => format!("{d}d {h}h"),
    };
    if d < Duration::zero() {
        format!("-{text}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests;
