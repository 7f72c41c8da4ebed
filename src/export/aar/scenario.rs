//! Scenario time as a reviewer can recompute it from the journal: each
//! entry's `scenario_ms` as recorded, else the scenario clock rebuilt from
//! the drill controls written before it.

use chrono::{DateTime, Duration, Utc};

use crate::drill::{format_scenario, scenario_ms_of};
use crate::journal::Entry;
use crate::journal::event::DrillAction;
use crate::run::{DrillControlRecord, EntryTime, RunState, Stamp};

/// `T+01:35`: scenario milliseconds as facilitators write them.
pub fn label(ms: u64) -> String {
    format_scenario(ms)
}

/// The drill's scenario clock, as the journal records it.
#[derive(Debug, Clone, Copy)]
pub struct ScenarioTime<'a> {
    /// T+0: when the drill journal was created.
    pub origin: DateTime<Utc>,
    /// In journal order, which is the order they took effect.
    controls: &'a [DrillControlRecord],
}

impl<'a> ScenarioTime<'a> {
    pub fn new(state: &'a RunState) -> Self {
        Self {
            origin: state.created_at.unwrap_or(DateTime::UNIX_EPOCH),
            controls: &state.drill_controls,
        }
    }

    /// Scenario milliseconds of the entry `seq`, written at `ts`: as
    /// recorded, else where the clock stood after the controls before it
    /// (an entry from `runsheet note` during a drill carries none).
    pub fn at(&self, seq: u64, ts: DateTime<Utc>, recorded: Option<u64>) -> u64 {
        let at = EntryTime {
            seq,
            ts,
            scenario_ms: recorded,
        };
        scenario_ms_of(self.origin, self.controls, at)
    }

    pub fn of_entry(&self, entry: &Entry) -> u64 {
        self.at(entry.seq, entry.ts, entry.scenario_ms)
    }

    pub fn of_stamp(&self, stamp: &Stamp) -> u64 {
        self.at(stamp.seq, stamp.ts, stamp.scenario_ms)
    }

    /// Scenario milliseconds of an instant (0 before T+0).
    pub fn ms_of(&self, t: DateTime<Utc>) -> u64 {
        u64::try_from((t - self.origin).num_milliseconds()).unwrap_or(0)
    }

    /// `T+24:05` for an instant on the scenario clock, `T-00:15` for one
    /// before T+0 (awareness is often recorded as earlier than the start).
    pub fn offset(&self, t: DateTime<Utc>) -> String {
        let ms = (t - self.origin).num_milliseconds();
        match u64::try_from(ms) {
            Ok(ms) => label(ms),
            Err(_) => label(ms.unsigned_abs()).replacen('+', "-", 1),
        }
    }

    /// The facilitator's first start of the clock.
    pub fn started(&self) -> Option<&'a Stamp> {
        self.controls
            .iter()
            .find(|c| c.data.action == DrillAction::Start)
            .map(|c| &c.at)
    }

    /// Each span the started clock stood still, up to `end`: when it
    /// stopped (wall time), for how long, and at which scenario time. A
    /// facilitator's break, or the time a crashed session was away.
    pub fn gaps(&self, end: DateTime<Utc>) -> Vec<(DateTime<Utc>, Duration, u64)> {
        let mut gaps = Vec::new();
        let mut paused_since: Option<(DateTime<Utc>, u64)> = None;
        let mut started = false;
        for c in self.controls {
            match c.data.action {
                DrillAction::Start | DrillAction::Resume => {
                    if let Some((since, ms)) = paused_since.take() {
                        gaps.push((since, c.at.ts - since, ms));
                    }
                    started = true;
                }
                DrillAction::Pause if started && paused_since.is_none() => {
                    paused_since = Some((c.at.ts, c.data.scenario_ms));
                }
                _ => {}
            }
        }
        if let Some((since, ms)) = paused_since {
            gaps.push((since, (end - since).max(Duration::zero()), ms));
        }
        gaps
    }

    /// Wall time the started clock spent paused, up to `end`.
    pub fn paused(&self, end: DateTime<Utc>) -> Duration {
        let mut total = Duration::zero();
        let mut paused_since = None;
        let mut started = false;
        for c in self.controls {
            match c.data.action {
                DrillAction::Start | DrillAction::Resume => {
                    if let Some(since) = paused_since.take() {
                        total += c.at.ts - since;
                    }
                    started = true;
                }
                DrillAction::Pause if started => {
                    paused_since.get_or_insert(c.at.ts);
                }
                _ => {}
            }
        }
        if let Some(since) = paused_since {
            total += (end - since).max(Duration::zero());
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::event::DrillControl;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn control(seq: u64, ts: &str, action: DrillAction, scenario_ms: u64) -> DrillControlRecord {
        DrillControlRecord {
            at: Stamp {
                seq,
                ts: t(ts),
                actor: "f".into(),
                scenario_ms: Some(scenario_ms),
            },
            data: DrillControl {
                action,
                speed: 2,
                scenario_ms,
                inject: None,
            },
        }
    }

    #[test]
    fn unrecorded_entries_follow_the_controls_before_them() {
        let controls = [
            control(2, "2026-11-02T08:10:00Z", DrillAction::Start, 0),
            control(5, "2026-11-02T08:20:00Z", DrillAction::Pause, 1_200_000),
            control(8, "2026-11-02T08:50:00Z", DrillAction::Resume, 1_200_000),
        ];
        let time = ScenarioTime {
            origin: t("2026-11-02T08:00:00Z"),
            controls: &controls,
        };
        assert_eq!(
            time.at(1, t("2026-11-02T08:05:00Z"), None),
            0,
            "not started"
        );
        assert_eq!(time.at(3, t("2026-11-02T08:15:00Z"), None), 600_000, "x2");
        assert_eq!(
            time.at(6, t("2026-11-02T08:40:00Z"), None),
            1_200_000,
            "paused"
        );
        assert_eq!(
            time.at(6, t("2026-11-02T08:40:00Z"), Some(7)),
            7,
            "recorded"
        );
        assert_eq!(
            time.paused(t("2026-11-02T09:00:00Z")),
            Duration::minutes(30)
        );
    }

    #[test]
    fn offsets_before_the_start_are_negative() {
        let time = ScenarioTime {
            origin: t("2026-11-02T08:00:00Z"),
            controls: &[],
        };
        assert_eq!(time.offset(t("2026-11-03T08:05:00Z")), "T+24:05");
        assert_eq!(time.offset(t("2026-11-02T07:45:00Z")), "T-00:15");
        assert_eq!(
            crate::drill::scenario_instant(time.origin, u64::MAX),
            t("9999-12-31T23:59:59.999Z")
        );
        assert_eq!(time.ms_of(t("2026-11-02T07:00:00Z")), 0);
    }

    #[test]
    fn m5_the_report_lists_each_gap_in_the_scenario_clock() {
        let controls = [
            control(2, "2026-11-02T08:10:00Z", DrillAction::Start, 0),
            control(5, "2026-11-02T08:20:00Z", DrillAction::Pause, 1_200_000),
            control(8, "2026-11-02T08:50:00Z", DrillAction::Resume, 1_200_000),
            control(9, "2026-11-02T09:00:00Z", DrillAction::Pause, 2_400_000),
        ];
        let time = ScenarioTime {
            origin: t("2026-11-02T08:00:00Z"),
            controls: &controls,
        };
        assert_eq!(
            time.gaps(t("2026-11-02T09:05:00Z")),
            [
                (t("2026-11-02T08:20:00Z"), Duration::minutes(30), 1_200_000),
                (t("2026-11-02T09:00:00Z"), Duration::minutes(5), 2_400_000),
            ]
        );
    }
}
