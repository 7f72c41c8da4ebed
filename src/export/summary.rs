//! A serialisable summary of a run: the single derived view behind
//! `status`, `status --json` and the `json` export's `state`. Pure: built
//! from verified lines, a playbook and a time.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::clocks::{self, StageState};
use crate::journal::verify::{Tally, Verified};
use crate::playbook::Playbook;
use crate::playbook::value::format_utc;
use crate::run::query::{self, Applicability};
use crate::run::{FactSource, RunState};

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Summary {
    pub journal: JournalInfo,
    pub playbook: PlaybookInfo,
    /// The time clocks were evaluated at.
    pub now: String,
    pub progress: ProgressInfo,
    pub open_required: Vec<StepInfo>,
    pub steps: Vec<StepInfo>,
    pub facts: Vec<FactInfo>,
    pub decisions: Vec<DecisionInfo>,
    pub roles: Vec<RoleInfo>,
    pub clocks: Vec<StageInfo>,
    pub warnings: Vec<String>,
    /// Notifications and statements recorded as sent, in the order sent.
    pub sent: Vec<SentInfo>,
    /// `null` while the incident is open.
    pub closed: Option<ClosedInfo>,
    /// A drill's facts and sending times are scenario instants: the text
    /// report says so beside each (not in the JSON, whose times are plain
    /// instants as documented).
    #[serde(skip)]
    pub on_scenario_time: bool,
}

/// A notification or statement recorded as sent (corrections applied).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SentInfo {
    pub sent_at: String,
    /// Who recorded it.
    pub by: String,
    pub step: Option<String>,
    /// `notification` or `statement`.
    pub purpose: &'static str,
    pub channel: String,
    pub recipient: String,
    pub reference: Option<String>,
    pub url: Option<String>,
    /// The clock stages it meets (only those that apply).
    pub stages: Vec<String>,
}

/// The `closed` entry that closed the incident.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ClosedInfo {
    pub at: String,
    pub by: String,
    pub reason: String,
    /// Required steps left open, each with why.
    pub open_steps: Vec<OpenStepInfo>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OpenStepInfo {
    pub step: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct JournalInfo {
    pub id: String,
    pub title: String,
    pub exercise: bool,
    pub created_at: Option<String>,
    pub timezone: String,
    pub entries: usize,
    pub head_hash: Option<String>,
    pub intact: bool,
    /// The first verification problem, e.g. `line 7 (seq 6): ...`.
    pub problem: Option<String>,
    pub torn_tail_bytes: usize,
    pub last_activity: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PlaybookInfo {
    pub id: String,
    pub version: String,
    pub title: String,
    pub sha256: String,
    /// The playbook's bytes differ from those the journal was created with.
    pub changed: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ProgressInfo {
    pub closed: usize,
    pub total: usize,
    pub phases: Vec<PhaseInfo>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PhaseInfo {
    pub id: String,
    pub title: String,
    pub closed: usize,
    pub total: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StepInfo {
    pub id: String,
    pub phase: String,
    pub title: String,
    pub status: &'static str,
    pub required: bool,
    pub role: Option<String>,
    /// `true`, `false`, or `null` while the facts it depends on are unknown.
    pub applies: Option<bool>,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FactInfo {
    pub id: String,
    /// As stored in the journal (corrections applied).
    pub value: serde_json::Value,
    /// As a person reads it, in the incident's time zone.
    pub display: String,
    pub recorded_at: String,
    pub by: String,
    /// `set` or `decision`.
    pub source: &'static str,
    pub occurred_at: Option<String>,
    /// How many values the fact has had.
    pub changes: usize,
    pub corrected: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DecisionInfo {
    pub at: String,
    pub step: Option<String>,
    pub fact: String,
    pub value: serde_json::Value,
    pub display: String,
    pub rationale: String,
    pub decider: String,
    pub options: Vec<String>,
    /// `seq` of each entry that corrected this decision's rationale or
    /// decider (the values above are the corrected ones).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub corrected_in: Vec<u64>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RoleInfo {
    pub role: String,
    pub title: String,
    pub person: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StageInfo {
    pub clock: String,
    pub stage: String,
    pub title: String,
    pub regime: String,
    pub source: String,
    pub verified_on: String,
    /// `not_in_force`, `not_applicable`, `waiting`, `running`, `elapsing`,
    /// `met`, `breached`, `submitted_late`.
    pub state: &'static str,
    pub reason: Option<String>,
    pub started: Option<String>,
    pub due: Option<String>,
    pub remaining_seconds: Option<i64>,
    pub elapsed_seconds: Option<i64>,
    pub submitted_at: Option<String>,
    pub margin_seconds: Option<i64>,
    pub late_by_seconds: Option<i64>,
    /// Facts still unanswered that decide whether this clock applies.
    pub provisional: Vec<String>,
    pub soft: Option<String>,
}

/// Builds the summary.
pub fn summarise(
    verified: &Verified,
    playbook: &Playbook,
    state: &RunState,
    now: DateTime<Utc>,
) -> Summary {
    let tally = Tally {
        entries: verified.lines.len(),
        head_hash: verified.head_hash.clone(),
        verified_len: verified.verified_len,
        broken: verified.broken.clone(),
        torn_tail: verified.torn_tail,
    };
    summarise_tally(&tally, playbook, state, now)
}

/// [`summarise`] for a journal verified as a stream (its lines not kept).
pub fn summarise_tally(
    verified: &Tally,
    playbook: &Playbook,
    state: &RunState,
    now: DateTime<Utc>,
) -> Summary {
    let tz = state.timezone();
    let steps = step_infos(playbook, state);
    let open_required = query::open_required(playbook, state)
        .into_iter()
        .filter_map(|s| steps.iter().find(|i| i.id == s.id).cloned())
        .collect();
    let phases: Vec<PhaseInfo> = playbook
        .phases
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let progress = query::phase_progress(playbook, state, i);
            PhaseInfo {
                id: p.id.clone(),
                title: p.title.clone(),
                closed: progress.closed,
                total: progress.total,
            }
        })
        .collect();
    let total = query::total_progress(playbook, state);
    let facts = fact_infos(playbook, state, tz);
    let decisions = decision_infos(playbook, state, tz);
    let roles = playbook
        .roles
        .iter()
        .map(|r| RoleInfo {
            role: r.id.clone(),
            title: r.title.clone(),
            person: state.holder(&r.id).map(str::to_string),
        })
        .collect();
    let clocks = clocks::evaluate(playbook, state, now)
        .iter()
        .map(stage_info)
        .collect();
    let created = state.created.as_ref();
    Summary {
        on_scenario_time: crate::drill::runs_on_scenario_time(state),
        journal: JournalInfo {
            id: created.map(|c| c.journal_id.clone()).unwrap_or_default(),
            title: state.title().to_string(),
            exercise: state.is_exercise(),
            created_at: state.created_at.map(format_utc),
            timezone: tz.name().to_string(),
            entries: verified.entries,
            head_hash: verified.head_hash.clone(),
            intact: verified.is_intact(),
            problem: verified.broken.as_ref().map(ToString::to_string),
            torn_tail_bytes: verified.torn_tail,
            last_activity: state.last.as_ref().map(|s| format_utc(s.ts)),
        },
        playbook: PlaybookInfo {
            id: playbook.id.clone(),
            version: playbook.version.clone(),
            title: playbook.title.clone(),
            sha256: playbook.sha256.clone(),
            changed: created.is_some_and(|c| c.playbook.sha256 != playbook.sha256),
        },
        now: format_utc(now),
        progress: ProgressInfo {
            closed: total.closed,
            total: total.total,
            phases,
        },
        open_required,
        steps,
        facts,
        decisions,
        roles,
        clocks,
        warnings: state.warnings.iter().map(ToString::to_string).collect(),
        sent: sent_infos(playbook, state),
        closed: state.closed.as_ref().map(|c| ClosedInfo {
            at: format_utc(c.at.ts),
            by: c.at.actor.clone(),
            reason: c.data.reason.clone(),
            open_steps: c
                .data
                .open_steps
                .iter()
                .map(|o| OpenStepInfo {
                    step: o.step.clone(),
                    reason: o.reason.clone(),
                })
                .collect(),
        }),
    }
}

fn sent_infos(playbook: &Playbook, state: &RunState) -> Vec<SentInfo> {
    let mut sent: Vec<_> = state.submissions.iter().collect();
    sent.sort_by_key(|s| (s.data.sent_at, s.at.seq));
    sent.into_iter()
        .map(|s| {
            let statement = s
                .step
                .as_deref()
                .and_then(|id| playbook.step(id))
                .is_some_and(|step| step.statement.is_some());
            SentInfo {
                sent_at: format_utc(s.data.sent_at),
                by: s.at.actor.clone(),
                step: s.step.clone(),
                purpose: if statement {
                    "statement"
                } else {
                    "notification"
                },
                channel: s.data.channel.clone(),
                recipient: s.data.recipient.clone(),
                reference: s.data.reference.clone(),
                url: s.data.url.clone(),
                stages: clocks::applicable_stages(
                    playbook,
                    state,
                    s.data.stages.iter().map(String::as_str),
                ),
            }
        })
        .collect()
}

/// The stable machine name of a stage state.
pub const fn state_name(state: &StageState) -> &'static str {
    match state {
        StageState::NotInForce { .. } => "not_in_force",
        StageState::NotApplicable { .. } => "not_applicable",
        StageState::Waiting { .. } => "waiting",
        StageState::Running { .. } => "running",
        StageState::Elapsing { .. } => "elapsing",
        StageState::Met { .. } => "met",
        StageState::Breached {
            submitted: None, ..
        } => "breached",
        StageState::Breached { .. } => "submitted_late",
    }
}

pub fn stage_info(v: &clocks::StageView<'_>) -> StageInfo {
    let (remaining, elapsed, submitted, margin, late, reason) = match &v.state {
        StageState::NotInForce { reason }
        | StageState::NotApplicable { reason }
        | StageState::Waiting { reason } => (None, None, None, None, None, Some(reason.clone())),
        StageState::Running { remaining, .. } => {
            (Some(remaining.num_seconds()), None, None, None, None, None)
        }
        StageState::Elapsing { elapsed } => {
            (None, Some(elapsed.num_seconds()), None, None, None, None)
        }
        StageState::Met { at, margin } => (
            None,
            None,
            Some(format_utc(*at)),
            margin.map(|m| m.num_seconds()),
            None,
            None,
        ),
        StageState::Breached { late_by, submitted } => (
            None,
            None,
            submitted.map(format_utc),
            None,
            Some(late_by.num_seconds()),
            None,
        ),
    };
    StageInfo {
        clock: v.clock.id.clone(),
        stage: v.stage.id.clone(),
        title: v.stage.title.clone(),
        regime: v.clock.regime.clone(),
        source: v.clock.source.clone(),
        verified_on: v.clock.verified_on.to_string(),
        state: state_name(&v.state),
        reason,
        started: v.started.map(format_utc),
        due: v.due.map(format_utc),
        remaining_seconds: remaining,
        elapsed_seconds: elapsed,
        submitted_at: submitted,
        margin_seconds: margin,
        late_by_seconds: late,
        provisional: v.provisional.clone(),
        soft: v.stage.soft.clone(),
    }
}

/// Every step with its status and whether it applies.
fn step_infos(playbook: &Playbook, state: &RunState) -> Vec<StepInfo> {
    let phase_title = |step: &str| {
        playbook
            .phase_of(step)
            .map(|p| playbook.phases[p].id.clone())
            .unwrap_or_default()
    };
    playbook
        .steps()
        .map(|s| {
            let a = query::applicability(s, state);
            StepInfo {
                id: s.id.clone(),
                phase: phase_title(&s.id),
                title: s.title.clone(),
                status: state.status(&s.id).label(),
                required: s.required,
                role: s.role.clone(),
                applies: match a {
                    Applicability::Applies => Some(true),
                    Applicability::NotApplicable { .. } => Some(false),
                    Applicability::Undetermined { .. } => None,
                },
                reason: a.reason(),
            }
        })
        .collect()
}

/// A value as a person reads it; in a drill a time reads "scenario date
/// …" (it is a scenario instant, unlike the wall times beside it).
pub(crate) fn shown(
    value: &crate::playbook::FactValue,
    def: Option<&crate::playbook::FactDef>,
    state: &RunState,
    tz: chrono_tz::Tz,
) -> String {
    let text = value.display(def, tz);
    if matches!(value, crate::playbook::FactValue::DateTime(_))
        && crate::drill::runs_on_scenario_time(state)
    {
        format!("scenario date {text}")
    } else {
        text
    }
}

/// Facts as they stand, corrections applied.
fn fact_infos(playbook: &Playbook, state: &RunState, tz: chrono_tz::Tz) -> Vec<FactInfo> {
    state
        .facts
        .iter()
        .filter_map(|(id, fact)| {
            let latest = fact.latest()?;
            let def = playbook.fact(id);
            let (value, corrected) = match &latest.correction {
                Some(c) => (c.value.clone(), true),
                None => (latest.value.clone(), false),
            };
            Some(FactInfo {
                id: id.clone(),
                display: latest
                    .effective()
                    .map_or_else(|| value.to_string(), |v| shown(v, def, state, tz)),
                value,
                recorded_at: format_utc(latest.at.ts),
                by: latest.at.actor.clone(),
                source: match latest.source {
                    FactSource::Set => "set",
                    FactSource::Decision => "decision",
                },
                occurred_at: latest.occurred_at.map(format_utc),
                changes: fact.history.len(),
                corrected: corrected || fact.history.iter().any(|r| r.correction.is_some()),
            })
        })
        .collect()
}

/// Decisions with their rationale and decider.
fn decision_infos(playbook: &Playbook, state: &RunState, tz: chrono_tz::Tz) -> Vec<DecisionInfo> {
    state
        .decisions
        .iter()
        .map(|d| DecisionInfo {
            at: format_utc(d.at.ts),
            step: d.step.clone(),
            fact: d.fact.clone(),
            display: playbook
                .fact(&d.fact)
                .and_then(|def| {
                    crate::playbook::FactValue::from_json(def, &d.value)
                        .ok()
                        .map(|v| shown(&v, Some(def), state, tz))
                })
                .unwrap_or_else(|| d.value.to_string()),
            value: d.value.clone(),
            rationale: d.rationale.clone(),
            decider: d.decider.clone(),
            options: d.options.clone(),
            corrected_in: state
                .corrections
                .iter()
                .filter(|c| c.corrects == d.at.seq)
                .map(|c| c.at.seq)
                .collect(),
        })
        .collect()
}
