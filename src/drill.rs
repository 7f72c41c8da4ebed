//! Tabletop drills: the scenario clock and when injects fall due.
//!
//! The scenario clock is derived from the journal's `drill_control`
//! entries (start, pause, resume, speed, jump), so a resumed drill picks up
//! exactly where it was, and reviewers can recompute scenario time. Pure:
//! wall time is always passed in.

use chrono::{DateTime, Duration, Utc};

use crate::journal::Draft;
use crate::journal::event::DrillAction;
use crate::playbook::expr::Truth;
use crate::playbook::{Drill, Inject, Trigger};
use crate::run::{DrillControlRecord, EntryTime, RunState, StepStatus};

/// Speeds the facilitator can choose from.
pub const SPEEDS: [u32; 6] = [1, 2, 5, 10, 30, 60];

/// Where scenario time stands: a running or paused count, at a speed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScenarioClock {
    pub started: bool,
    pub running: bool,
    pub speed: u32,
    /// Scenario time at `base_wall`.
    pub base_ms: u64,
    pub base_wall: DateTime<Utc>,
    /// The instant T+0 stands for (when the drill journal was created).
    pub origin: DateTime<Utc>,
}

impl ScenarioClock {
    pub fn new(origin: DateTime<Utc>) -> Self {
        Self {
            started: false,
            running: false,
            speed: 1,
            base_ms: 0,
            base_wall: origin,
            origin,
        }
    }

    /// Rebuilds the clock from the journal's control entries.
    pub fn from_controls(origin: DateTime<Utc>, controls: &[DrillControlRecord]) -> Self {
        let mut clock = Self::new(origin);
        for c in controls {
            clock.apply(c.data.action, c.data.speed, c.data.scenario_ms, c.at.ts);
        }
        clock
    }

    /// Applies one control taking effect at wall time `at`, leaving the
    /// scenario at `scenario_ms`.
    pub fn apply(&mut self, action: DrillAction, speed: u32, scenario_ms: u64, at: DateTime<Utc>) {
        self.base_ms = scenario_ms;
        self.base_wall = at;
        self.speed = speed.clamp(1, 60);
        match action {
            DrillAction::Start | DrillAction::Resume => {
                self.started = true;
                self.running = true;
            }
            DrillAction::Pause => self.running = false,
            DrillAction::Speed | DrillAction::Jump | DrillAction::Hold | DrillAction::Unhold => {}
        }
    }

    /// Scenario milliseconds at wall time `now`.
    pub fn scenario_ms(&self, now: DateTime<Utc>) -> u64 {
        if !self.running {
            return self.base_ms;
        }
        let wall = (now - self.base_wall).num_milliseconds().max(0);
        let wall = u64::try_from(wall).unwrap_or(0);
        self.base_ms
            .saturating_add(wall.saturating_mul(u64::from(self.speed)))
    }

    /// The scenario instant at wall time `now`: deadlines in a drill run on it.
    pub fn scenario_now(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        scenario_instant(self.origin, self.scenario_ms(now))
    }
}

/// The instant `ms` after `origin`, held at the end of year 9999: a forged
/// or corrupt journal can name any `scenario_ms`, and no calendar (or time
/// zone conversion) has to cope with a time beyond that.
pub fn scenario_instant(origin: DateTime<Utc>, ms: u64) -> DateTime<Utc> {
    let latest = chrono::NaiveDate::from_ymd_opt(9999, 12, 31)
        .and_then(|d| d.and_hms_milli_opt(23, 59, 59, 999))
        .map_or(DateTime::<Utc>::MAX_UTC, |t| t.and_utc());
    i64::try_from(ms)
        .ok()
        .and_then(Duration::try_milliseconds)
        .and_then(|d| origin.checked_add_signed(d))
        .map_or(latest, |t| t.min(latest))
}

/// Scenario milliseconds of the entry written at `at`: as recorded, else
/// where the clock stood after the controls before it (`controls` in
/// journal order). An entry from `runsheet note` during a drill, or one
/// written before the drill view opened, carries none.
pub fn scenario_ms_of(
    origin: DateTime<Utc>,
    controls: &[DrillControlRecord],
    at: EntryTime,
) -> u64 {
    at.scenario_ms.unwrap_or_else(|| {
        let before = controls.partition_point(|c| c.at.seq < at.seq);
        ScenarioClock::from_controls(origin, &controls[..before]).scenario_ms(at.ts)
    })
}

/// Whether the journal's facts and submissions are scenario instants: a
/// drill's are, since the drill view's "now" is the scenario clock's
/// (docs/journal-format.md, Drills). An `--exercise` journal run without a
/// scenario has no scenario clock and runs on wall time like an incident.
pub fn runs_on_scenario_time(state: &RunState) -> bool {
    state.created.as_ref().is_some_and(|c| c.drill.is_some())
}

/// The scenario clock as a drill journal's controls leave it: "now" for
/// whatever writes without the facilitator's panel (a participant's
/// runner in a team drill, `runsheet set`, `note`, `submit`), whose
/// entries carry `scenario_ms` and whose times are scenario instants like
/// the panel's. `None` outside a drill.
pub fn journal_clock(state: &RunState) -> Option<ScenarioClock> {
    runs_on_scenario_time(state).then(|| {
        ScenarioClock::from_controls(state.created_at.unwrap_or_default(), &state.drill_controls)
    })
}

/// "Now" on `scenario` at wall time `wall`: its instant in a drill, else
/// the wall time itself.
pub fn now_on(scenario: Option<&ScenarioClock>, wall: DateTime<Utc>) -> DateTime<Utc> {
    scenario.map_or(wall, |c| c.scenario_now(wall))
}

/// `draft` with where `scenario` stands at its wall time, as every entry
/// written during a drill carries it (unchanged outside a drill).
pub fn stamped(scenario: Option<&ScenarioClock>, mut draft: Draft) -> Draft {
    if let Some(clock) = scenario {
        draft.scenario_ms = Some(clock.scenario_ms(draft.ts));
    }
    draft
}

/// The scenario instant of the entry written at `at`, T+0 being when the
/// journal was created.
pub fn scenario_instant_of(state: &RunState, at: EntryTime) -> DateTime<Utc> {
    let origin = state.created_at.unwrap_or(DateTime::UNIX_EPOCH);
    scenario_instant(origin, scenario_ms_of(origin, &state.drill_controls, at))
}

/// The instant deadline clocks are evaluated at "as at" the entry written
/// at `at` (a review's state at the cursor): its scenario instant in a
/// drill, whose facts are scenario instants, else its wall time.
/// Evaluating a drill at wall time compares scenario deadlines with the
/// afternoon the drill was held and gives impossible figures.
pub fn clocks_at(state: &RunState, at: EntryTime) -> DateTime<Utc> {
    if runs_on_scenario_time(state) {
        scenario_instant_of(state, at)
    } else {
        at.ts
    }
}

/// The instant every view of a whole journal (`status`, the exports, the
/// after-action report, the review's metrics) evaluates deadline clocks
/// at: in a drill, the scenario time of its newest entry, so they all
/// agree; otherwise `otherwise`, the view's own choice for an incident
/// (the last entry's time for a report, the wall clock for `status`).
pub fn clocks_now(state: &RunState, otherwise: DateTime<Utc>) -> DateTime<Utc> {
    match state.newest {
        Some(newest) if runs_on_scenario_time(state) => scenario_instant_of(state, newest),
        _ => otherwise,
    }
}

/// `T+01:35`: scenario time as facilitators write it.
pub fn format_scenario(ms: u64) -> String {
    let minutes = ms / 60_000;
    format!("T+{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A drill being run: its scenario and its clock.
#[derive(Debug, Clone, PartialEq)]
pub struct DrillState {
    pub drill: Drill,
    pub clock: ScenarioClock,
    /// The inject selected in the facilitator's queue.
    pub selected: usize,
    /// The facilitator's panel (false: the participant view).
    pub facilitator: bool,
    /// Rows scrolled in the selected inject's text, expectation and notes.
    pub detail_scroll: u16,
}

impl DrillState {
    pub fn new(drill: Drill, state: &RunState) -> Self {
        let origin = state.created_at.unwrap_or_default();
        Self {
            clock: ScenarioClock::from_controls(origin, &state.drill_controls),
            drill,
            selected: 0,
            facilitator: true,
            detail_scroll: 0,
        }
    }

    /// Scrolls the selected inject's text by a few rows (`PgDn`/`PgUp`).
    pub fn scroll_detail(&mut self, down: bool) {
        const PAGE: u16 = 5;
        self.detail_scroll = if down {
            self.detail_scroll.saturating_add(PAGE)
        } else {
            self.detail_scroll.saturating_sub(PAGE)
        };
    }

    pub fn scenario_ms(&self, now: DateTime<Utc>) -> u64 {
        self.clock.scenario_ms(now)
    }

    pub fn scenario_now(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        self.clock.scenario_now(now)
    }

    /// Injects whose trigger has fired and that are neither delivered nor
    /// held, in scenario order. Nothing fires before the drill is started.
    pub fn due<'a>(&'a self, state: &RunState, now: DateTime<Utc>) -> Vec<&'a Inject> {
        if !self.clock.started {
            return Vec::new();
        }
        let elapsed = self.scenario_ms(now);
        self.drill
            .injects
            .iter()
            .filter(|i| state.delivered(&i.id).is_none() && !state.is_held(&i.id))
            .filter(|i| match &i.trigger {
                Trigger::At(at) => u64::try_from(at.num_milliseconds()).unwrap_or(0) <= elapsed,
                Trigger::AfterStep(step) => state.status(step) == StepStatus::Done,
                Trigger::When(cond) => {
                    let lookup = |id: &str| state.fact(id);
                    cond.expr.eval(&lookup).truth == Truth::True
                }
                Trigger::Manual => false,
            })
            .collect()
    }

    /// The next timed inject neither delivered nor held, for "jump to next
    /// inject" (a held one waits for the facilitator, not for the clock).
    pub fn next_timed(&self, state: &RunState) -> Option<(&Inject, u64)> {
        self.drill
            .injects
            .iter()
            .filter(|i| state.delivered(&i.id).is_none() && !state.is_held(&i.id))
            .filter_map(|i| match i.trigger {
                Trigger::At(at) => Some((i, u64::try_from(at.num_milliseconds()).unwrap_or(0))),
                _ => None,
            })
            .min_by_key(|(_, ms)| *ms)
    }
}

/// The trigger's name as journaled in `inject_delivered`.
pub const fn trigger_name(trigger: &Trigger) -> &'static str {
    match trigger {
        Trigger::At(_) => "at",
        Trigger::AfterStep(_) => "after",
        Trigger::When(_) => "when",
        Trigger::Manual => "manual",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn scenario_clock_pauses_speeds_and_jumps() {
        let origin = t("2026-11-28T09:00:00Z");
        let mut c = ScenarioClock::new(origin);
        assert_eq!(c.scenario_ms(t("2026-11-28T09:10:00Z")), 0, "not started");
        c.apply(DrillAction::Start, 1, 0, t("2026-11-28T09:00:00Z"));
        assert_eq!(c.scenario_ms(t("2026-11-28T09:10:00Z")), 600_000);
        let at = t("2026-11-28T09:10:00Z");
        c.apply(DrillAction::Pause, 1, c.scenario_ms(at), at);
        assert_eq!(c.scenario_ms(t("2026-11-28T09:30:00Z")), 600_000, "paused");
        let at = t("2026-11-28T09:30:00Z");
        c.apply(DrillAction::Resume, 10, c.scenario_ms(at), at);
        assert_eq!(
            c.scenario_ms(t("2026-11-28T09:31:00Z")),
            600_000 + 600_000,
            "x10"
        );
        let at = t("2026-11-28T09:31:00Z");
        c.apply(DrillAction::Jump, 10, 3_600_000, at);
        assert_eq!(c.scenario_ms(at), 3_600_000);
        assert_eq!(c.scenario_now(at), t("2026-11-28T10:00:00Z"));
        assert_eq!(format_scenario(c.scenario_ms(at)), "T+01:00");
    }
}
