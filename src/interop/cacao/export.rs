//! runsheet playbook → CACAO 2.0.
//!
//! Generic CACAO consumers see a chain of `manual` actions: every step's
//! instructions, checklist items, copy-only command and message draft are
//! manual commands (never `bash` or `ssh`, which an executor would run);
//! a step with `when:` sits behind an `if-condition`; a role is a `group`
//! agent; a fact is a playbook variable. runsheet's extension carries the
//! original document, so nothing is lost for runsheet. `timebox` is never
//! a CACAO `timeout`, which would mean the step failed.

use serde_json::{Map, Value, json};

use super::{EXTENSION_ID, EXTENSION_SCHEMA, identifier};
use crate::playbook::{FactType, Playbook, Step};

/// The CACAO playbook for a checked playbook and its document (the YAML
/// file as JSON), which goes into the extension unchanged apart from the
/// steps, each of which travels in its own action's `step_extensions`.
pub fn export(playbook: &Playbook, doc: &Value) -> Value {
    let creator = identifier("identity", "runsheet");
    let stamp = playbook.reviewed.map_or_else(
        || "1970-01-01T00:00:00.000Z".to_string(),
        |d| format!("{d}T00:00:00.000Z"),
    );
    let start = identifier("start", &format!("{}/start", playbook.id));
    let workflow = workflow(playbook, doc, &start);
    let mut out = Map::new();
    out.insert("type".into(), "playbook".into());
    out.insert("spec_version".into(), "cacao-2.0".into());
    out.insert("id".into(), identifier("playbook", &playbook.id).into());
    out.insert("name".into(), playbook.title.clone().into());
    out.insert("description".into(), playbook.summary.clone().into());
    out.insert("created_by".into(), creator.clone().into());
    out.insert("created".into(), stamp.clone().into());
    out.insert("modified".into(), stamp.into());
    if !playbook.tags.is_empty() {
        out.insert("labels".into(), json!(playbook.tags));
    }
    if !playbook.references.is_empty() {
        let refs: Vec<Value> = playbook
            .references
            .iter()
            .map(|r| {
                let mut m = Map::new();
                m.insert("name".into(), r.title.clone().into());
                if let Some(url) = &r.url {
                    m.insert("url".into(), url.clone().into());
                }
                Value::Object(m)
            })
            .collect();
        out.insert("external_references".into(), refs.into());
    }
    out.insert("workflow_start".into(), start.into());
    out.insert("workflow".into(), Value::Object(workflow));
    let variables = variables(playbook);
    if !variables.is_empty() {
        out.insert("playbook_variables".into(), Value::Object(variables));
    }
    out.insert("agent_definitions".into(), Value::Object(agents(playbook)));
    out.insert(
        "extension_definitions".into(),
        json!({ EXTENSION_ID: {
            "type": "extension-definition",
            "name": "runsheet playbook",
            "description": "What CACAO cannot express: phases, clocks, messages, roles, typed facts, conditions and advisory timeboxes, as the runsheet playbook document.",
            "created_by": creator,
            "schema": EXTENSION_SCHEMA,
            "version": "1",
        }}),
    );
    out.insert(
        "playbook_extensions".into(),
        json!({ EXTENSION_ID: { "document": playbook_document(doc) } }),
    );
    Value::Object(out)
}

/// The chain start → (if-condition →) action → … → end.
fn workflow(playbook: &Playbook, doc: &Value, start: &str) -> Map<String, Value> {
    let steps: Vec<&Step> = playbook.steps().collect();
    let end = identifier("end", &format!("{}/end", playbook.id));
    let entry = |i: usize| -> String {
        steps.get(i).map_or_else(
            || end.clone(),
            |s| {
                if s.when.is_some() {
                    condition_id(playbook, s)
                } else {
                    action_id(playbook, s)
                }
            },
        )
    };

    let mut workflow = Map::new();
    workflow.insert(
        start.to_string(),
        json!({"type": "start", "name": "Start", "on_completion": entry(0)}),
    );
    let step_docs = step_documents(doc);
    for (i, step) in steps.iter().enumerate() {
        let next = entry(i + 1);
        let phase = playbook
            .phase_of(&step.id)
            .map(|p| playbook.phases[p].id.clone());
        let mut action = action(playbook, step, &next);
        let mut extension = Map::new();
        extension.insert("phase".into(), phase.into());
        extension.insert(
            "step".into(),
            step_docs.get(&step.id).cloned().unwrap_or(Value::Null),
        );
        action.insert(
            "step_extensions".into(),
            json!({ EXTENSION_ID: Value::Object(extension) }),
        );
        if let Some(when) = &step.when {
            workflow.insert(
                condition_id(playbook, step),
                json!({
                    "type": "if-condition",
                    "name": format!("Only when: {}", when.source),
                    "condition": stix_condition(&when.source),
                    "on_true": action_id(playbook, step),
                    "on_false": next,
                }),
            );
        }
        workflow.insert(action_id(playbook, step), Value::Object(action));
    }
    workflow.insert(end, json!({"type": "end", "name": "End"}));

    workflow
}

fn action_id(playbook: &Playbook, step: &Step) -> String {
    step_action_id(&playbook.id, &step.id)
}

/// The CACAO id of a step's action, shared with the execution report.
pub fn step_action_id(playbook: &str, step: &str) -> String {
    identifier("action", &format!("{playbook}/step/{step}"))
}

fn condition_id(playbook: &Playbook, step: &Step) -> String {
    identifier("if-condition", &format!("{}/when/{}", playbook.id, step.id))
}

/// The agent a step is assigned to: its role's group, or the team.
fn agent_id(playbook: &Playbook, role: Option<&str>) -> String {
    let name = role.map_or_else(|| "team".to_string(), |r| format!("role/{r}"));
    identifier("group", &format!("{}/{name}", playbook.id))
}

fn agents(playbook: &Playbook) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert(
        agent_id(playbook, None),
        json!({"type": "group", "name": "Incident response team"}),
    );
    for role in &playbook.roles {
        let mut agent = json!({"type": "group", "name": role.title});
        if let Some(d) = &role.description {
            agent["description"] = d.clone().into();
        }
        out.insert(agent_id(playbook, Some(&role.id)), agent);
    }
    out
}

fn action(playbook: &Playbook, step: &Step, next: &str) -> Map<String, Value> {
    let mut commands: Vec<Value> = Vec::new();
    let mut manual = |text: String| commands.push(json!({"type": "manual", "command": text}));
    if let Some(text) = &step.instructions {
        manual(text.clone());
    }
    for item in &step.checklist {
        manual(item.clone());
    }
    if let Some(command) = &step.command {
        manual(format!("Command to copy and run by hand:\n{command}"));
    }
    if let Some(message) = &step.message {
        let subject = message
            .subject
            .as_ref()
            .map(|s| format!("Subject: {}\n\n", s.source))
            .unwrap_or_default();
        manual(format!("Message draft:\n{subject}{}", message.body.source));
    }
    if let Some(decide) = &step.decide {
        manual(format!("Decide: {}", decide.prompt));
    }
    if commands.is_empty() {
        commands.push(json!({"type": "manual", "command": step.title}));
    }
    let mut action = Map::new();
    action.insert("type".into(), "action".into());
    action.insert("name".into(), step.title.clone().into());
    action.insert("commands".into(), commands.into());
    action.insert(
        "agent".into(),
        agent_id(playbook, step.role.as_deref()).into(),
    );
    let out_args: Vec<String> = step
        .capture
        .iter()
        .chain(step.decide.as_ref().map(|d| &d.fact))
        .map(|f| format!("__{f}__"))
        .collect();
    if !out_args.is_empty() {
        action.insert("out_args".into(), out_args.into());
    }
    action.insert("on_completion".into(), next.into());
    action
}

/// Facts as playbook variables; unanswered, so `value` is `null`.
fn variables(playbook: &Playbook) -> Map<String, Value> {
    playbook
        .facts
        .iter()
        .map(|f| {
            let ty = match &f.ty {
                FactType::Bool => "bool",
                FactType::Number => "float",
                FactType::Text | FactType::DateTime | FactType::Choice(_) => "string",
            };
            (
                format!("__{}__", f.id),
                json!({"type": ty, "description": f.prompt, "value": null, "external": true}),
            )
        })
        .collect()
}

/// `fact == "x"` as the one comparison CACAO executors understand
/// (`__fact__:value = 'x'`); anything else is kept as written.
pub fn stix_condition(source: &str) -> String {
    let text = source.trim();
    for (op, stix) in [("==", "="), ("!=", "!=")] {
        if let Some((left, right)) = text.split_once(op) {
            let fact = left.trim();
            let value = right.trim();
            let simple_fact = fact
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if let Some(literal) = value.strip_prefix('"').and_then(|v| v.strip_suffix('"'))
                && simple_fact
                && !fact.is_empty()
                && !literal.contains(['"', '\''])
            {
                return format!("__{fact}__:value {stix} '{literal}'");
            }
        }
    }
    text.to_string()
}

/// The playbook document without step bodies: each phase lists its step ids.
fn playbook_document(doc: &Value) -> Value {
    let mut doc = doc.clone();
    if let Some(phases) = doc.get_mut("phases").and_then(Value::as_array_mut) {
        for phase in phases {
            if let Some(steps) = phase.get_mut("steps").and_then(Value::as_array_mut) {
                let ids: Vec<Value> = steps.iter().map(|s| s["id"].clone()).collect();
                *steps = ids;
            }
        }
    }
    doc
}

/// Each step's document by id.
fn step_documents(doc: &Value) -> std::collections::HashMap<String, Value> {
    doc["phases"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|p| p["steps"].as_array().into_iter().flatten())
        .filter_map(|s| Some((s["id"].as_str()?.to_string(), s.clone())))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::stix_condition;

    #[test]
    fn one_comparison_becomes_a_stix_comparison() {
        assert_eq!(
            stix_condition(r#"severity == "high""#),
            "__severity__:value = 'high'"
        );
        assert_eq!(stix_condition(r#"a == "x" and b"#), r#"a == "x" and b"#);
        assert_eq!(stix_condition("personal_data"), "personal_data");
    }
}
