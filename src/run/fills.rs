//! The facts a submission answers (a step's `fills:`), shared by the
//! runner and anything else that records a submission. Only facts with no
//! value yet are filled: a value someone typed is never replaced silently.
//!
//! Pure: the time and zone are passed in.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::RunState;
use crate::journal::Event;
use crate::journal::event::{FactSet, Payload, Submission};
use crate::playbook::value::parse_input;
use crate::playbook::{FillSource, Playbook, Step};

/// The `fact_set` entries that recording `submission` on `step` adds.
pub fn filled_by(
    playbook: &Playbook,
    state: &RunState,
    step: &Step,
    submission: &Submission,
    now: DateTime<Utc>,
    tz: Tz,
) -> Vec<Event> {
    step.fills
        .iter()
        .filter(|fill| state.fact(&fill.fact).is_none())
        .filter_map(|fill| {
            let def = playbook.fact(&fill.fact)?;
            let value = match &fill.source {
                FillSource::Field(field) => match field.as_str() {
                    "reference" => serde_json::Value::String(
                        submission
                            .reference
                            .clone()
                            .filter(|r| !r.trim().is_empty())?,
                    ),
                    "sent_at" => serde_json::Value::String(submission.sent_at.to_rfc3339()),
                    "channel" => serde_json::Value::String(submission.channel.clone()),
                    "recipient" => serde_json::Value::String(submission.recipient.clone()),
                    _ => return None,
                },
                FillSource::Value(text) => parse_input(def, text, now, tz).ok()?.to_json(),
            };
            Some(Event::on_step(
                step.id.clone(),
                Payload::FactSet(FactSet {
                    fact: fill.fact.clone(),
                    value,
                    occurred_at: None,
                    confirmed: None,
                }),
            ))
        })
        .collect()
}
