//! The fields of a CACAO playbook and of its steps that the mapping reads:
//! each is carried into the runsheet playbook or named by a note of its
//! own. Every other field, including ones the specification does not
//! define, is named on standard error here, so nothing is dropped
//! silently.

use std::collections::HashMap;

use serde_json::{Map, Value};

/// Root fields the mapping carries or names in a note of its own.
const ROOT_FIELDS_READ: [&str; 30] = [
    "type",
    "spec_version",
    "id",
    "name",
    "description",
    "created_by",
    "modified",
    "valid_from",
    "valid_until",
    "revoked",
    "priority",
    "severity",
    "impact",
    "labels",
    "playbook_types",
    "playbook_activities",
    "industry_sectors",
    "derived_from",
    "related_to",
    "external_references",
    "authentication_info_definitions",
    "markings",
    "data_marking_definitions",
    "signatures",
    "target_definitions",
    "agent_definitions",
    "playbook_variables",
    "workflow_start",
    "workflow_exception",
    "workflow",
];

/// What every step that becomes a runsheet step carries.
const STEP_FIELDS_READ: [&str; 10] = [
    "type",
    "name",
    "description",
    "delay",
    "timeout",
    "on_completion",
    "on_success",
    "on_failure",
    "step_variables",
    "external_references",
];

/// The fields read of a step of type `ty`: a `start`, `end` or `parallel`
/// gives only its links (a parallel its name and description too, which
/// its branches carry); other steps what they carry over.
fn fields_read(ty: &str) -> Vec<&'static str> {
    let own: &[&str] = match ty {
        "start" => return vec!["type", "on_completion", "on_success"],
        "end" => return vec!["type"],
        "parallel" => {
            return vec![
                "type",
                "name",
                "description",
                "next_steps",
                "on_completion",
                "on_success",
            ];
        }
        "action" => &["commands", "agent", "targets", "out_args"],
        "playbook-action" => &["playbook_id", "playbook_version"],
        "if-condition" => &["condition", "on_true", "on_false"],
        "while-condition" => &["condition", "on_true"],
        "switch-condition" => &["switch", "cases"],
        _ => &[],
    };
    STEP_FIELDS_READ.iter().chain(own).copied().collect()
}

/// One note per root field the mapping does not read, with its value.
pub fn root_notes(root: &Value) -> Vec<String> {
    root.as_object()
        .into_iter()
        .flatten()
        .filter(|(key, _)| !ROOT_FIELDS_READ.contains(&key.as_str()))
        .map(|(key, value)| format!("not mapped: `{key}` ({})", preview(value)))
        .collect()
}

/// One field of one step type that the mapping does not read: how many
/// steps have it, and the first of them (in `order`) with its value.
struct Unread<'w> {
    steps: usize,
    first: &'w str,
    value: &'w Value,
}

/// One note per step type and field the mapping does not read (the
/// start's or an end's `name`, an action's `in_args`, any `owner`), in
/// reading order; several steps with the field share one note.
pub fn step_notes(workflow: &Map<String, Value>, order: &[String]) -> Vec<String> {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    let mut unread: HashMap<(&str, &str), Unread> = HashMap::new();
    for id in order {
        let Some(step) = workflow.get(id).and_then(Value::as_object) else {
            continue;
        };
        let ty = step.get("type").and_then(Value::as_str).unwrap_or("");
        let read = fields_read(ty);
        for (field, value) in step.iter().filter(|(f, _)| !read.contains(&f.as_str())) {
            let key = (ty, field.as_str());
            unread
                .entry(key)
                .and_modify(|u| u.steps += 1)
                .or_insert_with(|| {
                    seen.push(key);
                    Unread {
                        steps: 1,
                        first: id,
                        value,
                    }
                });
        }
    }
    seen.into_iter()
        .filter_map(|key| Some(step_note(key, unread.get(&key)?)))
        .collect()
}

fn step_note((ty, field): (&str, &str), unread: &Unread) -> String {
    let (first, value) = (unread.first, preview(unread.value));
    if unread.steps == 1 {
        format!("not mapped: `{field}` of {ty} `{first}` ({value})")
    } else {
        format!(
            "not mapped: `{field}` of {} {ty} steps (the first, `{first}`: {value})",
            unread.steps
        )
    }
}

/// A value as one short line: text as it is, a list's items, an
/// object's keys.
pub(super) fn preview(value: &Value) -> String {
    const LONGEST: usize = 80;
    let text = match value {
        Value::String(s) => s.split_whitespace().collect::<Vec<_>>().join(" "),
        Value::Array(items) => items.iter().map(preview).collect::<Vec<_>>().join(", "),
        Value::Object(fields) => fields.keys().cloned().collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    };
    if text.chars().count() > LONGEST {
        let short: String = text.chars().take(LONGEST).collect();
        format!("{short}…")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn unread_step_fields_share_a_note_per_type() {
        let workflow = json!({
            "start--1": {"type": "start", "name": "Begin", "on_completion": "end--1"},
            "end--1": {"type": "end", "name": "Done", "description": "All  clear"},
            "end--2": {"type": "end", "name": "Stopped"},
        });
        let workflow = workflow.as_object().expect("an object");
        let order = ["start--1", "end--1", "end--2"].map(String::from);
        assert_eq!(
            step_notes(workflow, &order),
            [
                "not mapped: `name` of start `start--1` (Begin)",
                "not mapped: `name` of 2 end steps (the first, `end--1`: Done)",
                "not mapped: `description` of end `end--1` (All clear)",
            ]
        );
    }
}
