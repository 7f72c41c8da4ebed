//! `export --format cacao-status`: a run as step execution statuses, in the
//! shape of SOARCA's reporter API (`PlaybookExecutionReport` with one
//! `StepExecutionReport` per step), which SOARCA-GUI reads. Step ids are
//! the action ids `export-playbook --format cacao` gives the same steps.
//!
//! Status mapping (the shape has no status for a skipped step or one that
//! does not apply):
//!
//! | runsheet | `status` | `status_text` |
//! |---|---|---|
//! | done | `successfully_executed` | `done` |
//! | skipped | `successfully_executed` | `skipped: <reason>` |
//! | in progress, decision or captured fact unanswered | `await_user_input` | `waiting for: <facts>` |
//! | in progress | `ongoing` | `in progress` |
//! | blocked | `failed` | `blocked: <reason>` |
//! | not started, or does not apply | left out | — |
//!
//! `variables` holds the facts a step captures or decides, with their
//! current values as text (`null` when unanswered); `commands_b64` the checklist items ticked; an
//! exercise says `EXERCISE` first in its `name`, its `description` and
//! every `status_text`.

use std::fmt::Write as _;

use base64::Engine as _;
use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::export::step_action_id;
use super::identifier;
use crate::export::view::View;
use crate::playbook::{FactType, Step};
use crate::run::{StepState, StepStatus};

pub fn render(view: &View<'_>) -> String {
    let input = view.input;
    let playbook = input.playbook;
    let state = input.state;
    let mark = |text: String| {
        if view.is_exercise() {
            format!("EXERCISE: {text}")
        } else {
            text
        }
    };
    let mut results = Map::new();
    for step in playbook.steps() {
        let Some(step_state) = state.steps.get(&step.id) else {
            continue;
        };
        if let Some(report) = step_report(view, step, step_state, &mark) {
            results.insert(step_action_id(&playbook.id, &step.id), report);
        }
    }
    let (status, mut text, ended) = run_status(view);
    let verified = input.verified;
    let intact = verified.broken.is_none() && verified.torn_tail == 0;
    if !intact {
        text.push_str("; the journal does not fully verify: this report covers its verified part");
    }
    let journal_id = state
        .created
        .as_ref()
        .map_or_else(String::new, |c| c.journal_id.clone());
    let mut report = Map::new();
    report.insert("type".into(), "execution_status".into());
    report.insert(
        "execution_id".into(),
        identifier("execution", &journal_id).into(),
    );
    report.insert(
        "playbook_id".into(),
        identifier("playbook", &playbook.id).into(),
    );
    // A list of executions shows the name first: an exercise's must say
    // so there too, not only in the texts a reader opens.
    report.insert("name".into(), mark(playbook.title.clone()).into());
    report.insert("description".into(), mark(playbook.summary.clone()).into());
    if let Some(at) = state.created_at {
        report.insert("started".into(), iso(at).into());
    }
    if let Some(at) = ended {
        report.insert("ended".into(), iso(at).into());
    }
    report.insert("status".into(), status.into());
    report.insert("status_text".into(), mark(text).into());
    report.insert("step_results".into(), Value::Object(results));
    report.insert("request_interval".into(), 0.into());
    let mut out = serde_json::to_string_pretty(&Value::Object(report)).unwrap_or_default();
    out.push('\n');
    out
}

/// The run's `status`, `status_text` and `ended`. A run closed with
/// `runsheet close` ended then, whatever was left open (each required
/// step left open is named with the reason given at closing); otherwise
/// it ended when its last required step was closed, and is `ongoing`
/// while one is open. A note written later does not move the end.
fn run_status(view: &View<'_>) -> (&'static str, String, Option<DateTime<Utc>>) {
    let playbook = view.input.playbook;
    let state = view.input.state;
    if let Some(closed) = &state.closed {
        let mut text = format!("closed: {}", closed.data.reason);
        if closed.data.open_steps.is_empty() {
            text.push_str("; every required step is closed");
        } else {
            let left: Vec<String> = closed
                .data
                .open_steps
                .iter()
                .map(|o| format!("{} ({})", o.step, o.reason))
                .collect();
            let _ = write!(text, "; required steps left open: {}", left.join(", "));
        }
        return ("successfully_executed", text, Some(closed.at.ts));
    }
    let mut ended = None;
    for step in playbook
        .steps()
        .filter(|s| s.required && crate::run::query::applicability(s, state).applies())
    {
        match state.steps.get(&step.id).and_then(StepState::closed_at) {
            Some(at) => ended = ended.max(Some(at)),
            None => return ("ongoing", "required steps are still open".to_string(), None),
        }
    }
    (
        "successfully_executed",
        "every required step is closed".to_string(),
        ended.or(state.created_at),
    )
}

fn step_report(
    view: &View<'_>,
    step: &Step,
    st: &StepState,
    mark: &dyn Fn(String) -> String,
) -> Option<Value> {
    let reason = || {
        st.history
            .last()
            .and_then(|c| c.reason.clone())
            .unwrap_or_default()
    };
    let waiting = waiting_facts(view, step);
    let (status, text) = match st.status {
        StepStatus::Open => return None,
        StepStatus::Done => ("successfully_executed", "done".to_string()),
        StepStatus::Skipped => ("successfully_executed", format!("skipped: {}", reason())),
        StepStatus::Blocked => ("failed", format!("blocked: {}", reason())),
        StepStatus::InProgress if !waiting.is_empty() => (
            "await_user_input",
            format!("waiting for: {}", waiting.join(", ")),
        ),
        StepStatus::InProgress => ("ongoing", "in progress".to_string()),
    };
    let playbook = view.input.playbook;
    let mut report = Map::new();
    report.insert(
        "step_id".into(),
        step_action_id(&playbook.id, &step.id).into(),
    );
    report.insert("name".into(), step.title.clone().into());
    report.insert(
        "description".into(),
        step.instructions.clone().unwrap_or_default().into(),
    );
    let started = st
        .started_at()
        .or_else(|| st.history.first().map(|c| c.at.ts));
    if let Some(at) = started {
        report.insert("started".into(), iso(at).into());
    }
    if let Some(at) = st.closed_at() {
        report.insert("ended".into(), iso(at).into());
    }
    report.insert("status".into(), status.into());
    report.insert("status_text".into(), mark(text).into());
    let actor = st
        .history
        .last()
        .map(|c| c.at.actor.clone())
        .unwrap_or_default();
    report.insert("executed_by".into(), actor.into());
    let ticked: Vec<Value> = step
        .checklist
        .iter()
        .enumerate()
        .filter(|(i, _)| st.is_checked(*i))
        .map(|(_, item)| {
            base64::engine::general_purpose::STANDARD
                .encode(item)
                .into()
        })
        .collect();
    report.insert("commands_b64".into(), ticked.into());
    report.insert("variables".into(), variables(view, step));
    report.insert("automated_execution".into(), false.into());
    Some(Value::Object(report))
}

/// The facts a step asks for that nobody has answered.
fn waiting_facts(view: &View<'_>, step: &Step) -> Vec<String> {
    step.capture
        .iter()
        .chain(step.decide.as_ref().map(|d| &d.fact))
        .filter(|f| view.input.state.fact(f).is_none())
        .cloned()
        .collect()
}

/// The facts a step captures or decides, with their current values.
fn variables(view: &View<'_>, step: &Step) -> Value {
    let mut out = Map::new();
    let asked: Vec<&String> = step
        .capture
        .iter()
        .chain(step.decide.as_ref().map(|d| &d.fact))
        .collect();
    for fact in view
        .input
        .playbook
        .facts
        .iter()
        .filter(|f| asked.contains(&&f.id))
    {
        let value = view.input.state.fact(&fact.id).map(|v| match v.to_json() {
            Value::String(s) => s,
            other => other.to_string(),
        });
        let ty = match fact.ty {
            FactType::Bool => "bool",
            FactType::Number => "float",
            _ => "string",
        };
        out.insert(
            format!("__{}__", fact.id),
            json!({"type": ty, "name": format!("__{}__", fact.id), "value": value}),
        );
    }
    Value::Object(out)
}

fn iso(at: chrono::DateTime<chrono::Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
