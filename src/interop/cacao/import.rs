//! CACAO 2.0 → runsheet playbook.
//!
//! The input is checked first, and every problem is reported in one run
//! with its JSON pointer and line:column. Refused: text that is not JSON,
//! a document that is not a CACAO 2.0 playbook, a `workflow` that is not
//! an object, an unknown step type, an agent or target whose `type` is not
//! the kind its id names, a step reference to a step the workflow does not
//! have, and a step nothing reaches. Accepted with a note (real files do
//! this): actions without `commands` or `agent`, conditions without a
//! condition, a `switch-condition` without `switch`, identifiers that do
//! not match the identifier pattern, missing `created_by`/`created`/
//! `modified`, agents or targets a step names but nobody defines.
//!
//! A file runsheet exported carries runsheet's extension and is rebuilt
//! from it exactly; any other file is mapped as `docs/interop.md` says.

mod commands;
mod fields;
mod metadata;
mod references;
mod variables;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde_json::{Map, Value, json};

use super::EXTENSION_ID;
use super::branches::Branches;
use super::locate::Locator;
use crate::interop::document::{self, UniqueIds, slug};
use crate::interop::imported::{ImportError, Imported, Problem};

/// Imports CACAO JSON text.
pub fn import(label: &str, text: &str, today: NaiveDate) -> Result<Imported, ImportError> {
    let root: Value = serde_json::from_str(text).map_err(|e| {
        ImportError::Invalid(vec![Problem {
            pointer: String::new(),
            line: e.line(),
            column: e.column(),
            message: format!("not valid JSON: {e}"),
        }])
    })?;
    let mut check = Check {
        locator: Locator::new(text),
        problems: Vec::new(),
        notes: Vec::new(),
    };
    check.playbook(&root);
    if !check.problems.is_empty() {
        return Err(ImportError::Invalid(check.problems));
    }
    let mut notes = check.notes;
    let doc = if let Some(doc) = own_document(&root) {
        doc
    } else {
        // The check refused any file whose workflow is not an object.
        let empty = Map::new();
        let workflow = root["workflow"].as_object().unwrap_or(&empty);
        Mapper::new(&root, workflow, &mut notes).document(label, today)
    };
    let yaml = document::to_yaml(&doc).map_err(ImportError::unwritable)?;
    let playbook = document::check(label, &yaml, today)?;
    Ok(Imported {
        yaml,
        playbook,
        notes,
        drill: None,
    })
}

const STEP_TYPES: [&str; 8] = [
    "start",
    "end",
    "action",
    "playbook-action",
    "parallel",
    "if-condition",
    "while-condition",
    "switch-condition",
];

/// The agent and target kinds the schema defines.
const AGENT_TARGET_TYPES: [&str; 10] = [
    "group",
    "individual",
    "location",
    "organization",
    "sector",
    "http-api",
    "linux",
    "net-address",
    "security-category",
    "ssh",
];

/// A condition's two branches: read before where they join again.
const BRANCHES: [&str; 2] = ["on_true", "on_false"];

/// Where a step goes on to: after its branches (`on_completion` is where
/// they join), failure last.
const ONWARD: [&str; 3] = ["on_completion", "on_success", "on_failure"];

struct Check<'t> {
    /// One for the whole check: a note per step must not rescan the text.
    locator: Locator<'t>,
    problems: Vec<Problem>,
    notes: Vec<String>,
}

impl Check<'_> {
    fn problem(&mut self, pointer: String, message: String) {
        let (line, column) = self.locator.locate(&pointer);
        self.problems.push(Problem {
            pointer,
            line,
            column,
            message,
        });
    }

    fn lenient(&mut self, pointer: &str, message: &str) {
        let (line, column) = self.locator.locate(pointer);
        self.notes.push(format!(
            "lenient: {message} (line {line}:{column}, at {pointer}); imported anyway"
        ));
    }

    fn playbook(&mut self, root: &Value) {
        let Some(object) = root.as_object() else {
            self.problem(String::new(), "a CACAO playbook is a JSON object".into());
            return;
        };
        if object.get("type").and_then(Value::as_str) != Some("playbook") {
            self.problem("/type".into(), "`type` must be `playbook`".into());
        }
        if object.get("spec_version").and_then(Value::as_str) != Some("cacao-2.0") {
            self.problem(
                "/spec_version".into(),
                "`spec_version` must be `cacao-2.0`; runsheet imports CACAO 2.0 only".into(),
            );
        }
        for key in ["id", "name", "workflow_start"] {
            if !object.get(key).is_some_and(Value::is_string) {
                self.problem(format!("/{key}"), format!("missing required text `{key}`"));
            }
        }
        for key in ["created_by", "created", "modified"] {
            if !object.contains_key(key) {
                self.lenient("", &format!("missing required `{key}`"));
            }
        }
        if let Some(id) = object.get("id").and_then(Value::as_str) {
            self.identifier("/id", id);
        }
        self.definitions(object, "agent_definitions");
        self.definitions(object, "target_definitions");
        match object.get("workflow") {
            Some(Value::Object(workflow)) => self.workflow(object, workflow),
            Some(Value::Array(_)) => self.problem(
                "/workflow".into(),
                "`workflow` is a list (a pre-2.0 draft shape); CACAO 2.0 wants an object keyed by step id".into(),
            ),
            _ => self.problem("/workflow".into(), "missing required object `workflow`".into()),
        }
    }

    fn identifier(&mut self, pointer: &str, id: &str) {
        let valid = id.split_once("--").is_some_and(|(kind, uuid)| {
            !kind.is_empty()
                && kind
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && uuid::Uuid::parse_str(uuid).is_ok()
        });
        if !valid {
            self.lenient(
                pointer,
                &format!("`{id}` is not a CACAO identifier (`<type>--<uuid>`)"),
            );
        }
    }

    /// An agent or target whose id names one of the schema's kinds must
    /// have that `type` (the schema binds them); other kinds are open.
    fn definitions(&mut self, object: &Map<String, Value>, key: &str) {
        let Some(definitions) = object.get(key).and_then(Value::as_object) else {
            return;
        };
        for (id, definition) in definitions {
            let pointer = format!("/{key}/{}", escape(id));
            let kind = id.split_once("--").map_or(id.as_str(), |(k, _)| k);
            match definition.get("type").and_then(Value::as_str) {
                Some(ty) if ty == kind || !AGENT_TARGET_TYPES.contains(&kind) => {}
                Some(ty) => self.problem(
                    format!("{pointer}/type"),
                    format!("{key} entry `{id}` has type `{ty}`, but its id says `{kind}`"),
                ),
                None => self.problem(pointer, format!("{key} entry `{id}` has no `type`")),
            }
        }
    }

    fn workflow(&mut self, object: &Map<String, Value>, workflow: &Map<String, Value>) {
        let agents = known_keys(object, "agent_definitions");
        let targets = known_keys(object, "target_definitions");
        for (id, step) in workflow {
            let pointer = format!("/workflow/{}", escape(id));
            self.identifier(&pointer, id);
            let ty = step.get("type").and_then(Value::as_str).unwrap_or("");
            if !STEP_TYPES.contains(&ty) {
                self.problem(
                    format!("{pointer}/type"),
                    format!(
                        "step `{id}` has type `{ty}`; expected one of: {}",
                        STEP_TYPES.join(", ")
                    ),
                );
                continue;
            }
            self.step_fields(&pointer, ty, step, &agents, &targets);
            for (field, target) in links(step) {
                if !workflow.contains_key(&target) {
                    self.problem(
                        format!("{pointer}/{field}"),
                        format!(
                            "dangling reference: step `{id}` goes on to `{target}`, which the workflow does not have"
                        ),
                    );
                }
            }
        }
        let mut roots = Vec::new();
        for key in ["workflow_start", "workflow_exception"] {
            if let Some(start) = object.get(key).and_then(Value::as_str) {
                if workflow.contains_key(start) {
                    roots.push(start.to_string());
                } else if key == "workflow_exception" {
                    // SOARCA's own examples point it at a step they lack.
                    self.lenient(
                        &format!("/{key}"),
                        &format!("`{key}` names `{start}`, which the workflow does not have"),
                    );
                } else {
                    self.problem(
                        format!("/{key}"),
                        format!("dangling reference: `{key}` names `{start}`, which the workflow does not have"),
                    );
                }
            }
        }
        if roots.is_empty() {
            return;
        }
        let reached: HashSet<String> = reachable(workflow, &roots).into_iter().collect();
        for (id, step) in workflow {
            if !reached.contains(id) {
                let name = step.get("name").and_then(Value::as_str).unwrap_or("");
                self.problem(
                    format!("/workflow/{}", escape(id)),
                    format!("unreachable step `{id}` ({name}): nothing leads to it from `workflow_start`"),
                );
            }
        }
    }

    fn step_fields(
        &mut self,
        pointer: &str,
        ty: &str,
        step: &Value,
        agents: &HashSet<String>,
        targets: &HashSet<String>,
    ) {
        let missing = |field: &str| step.get(field).is_none();
        match ty {
            "action" => {
                for field in ["commands", "agent"] {
                    if missing(field) {
                        self.lenient(pointer, &format!("action has no `{field}`"));
                    }
                }
                if let Some(agent) = step.get("agent").and_then(Value::as_str)
                    && !agents.contains(agent)
                {
                    self.lenient(
                        &format!("{pointer}/agent"),
                        &format!("agent `{agent}` is not in `agent_definitions`"),
                    );
                }
                for (i, target) in step["targets"].as_array().into_iter().flatten().enumerate() {
                    if let Some(target) = target.as_str()
                        && !targets.contains(target)
                    {
                        self.lenient(
                            &format!("{pointer}/targets/{i}"),
                            &format!("target `{target}` is not in `target_definitions`"),
                        );
                    }
                }
            }
            "if-condition" | "while-condition" if missing("condition") => {
                self.lenient(pointer, &format!("{ty} has no `condition`"));
            }
            "switch-condition" if missing("switch") => {
                self.lenient(pointer, "switch-condition has no `switch`");
            }
            _ => {}
        }
    }
}

fn known_keys(object: &Map<String, Value>, key: &str) -> HashSet<String> {
    object
        .get(key)
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// RFC 6901 escaping of one pointer token.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Every step a step leads to, with the pointer suffix naming the field,
/// in the order a reader follows them: branches (`on_true`, `on_false`,
/// `next_steps`, `cases`), then where they join (`on_completion`,
/// `on_success`), the failure branch last.
pub(super) fn links(step: &Value) -> Vec<(String, String)> {
    let named = |fields: &[&str]| -> Vec<(String, String)> {
        fields
            .iter()
            .filter_map(|field| {
                let target = step.get(*field)?.as_str()?;
                Some(((*field).to_string(), target.to_string()))
            })
            .collect()
    };
    let mut out = named(&BRANCHES);
    for (i, target) in step["next_steps"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        if let Some(target) = target.as_str() {
            out.push((format!("next_steps/{i}"), target.to_string()));
        }
    }
    for (case, target) in step["cases"].as_object().into_iter().flatten() {
        if let Some(target) = target.as_str() {
            out.push((format!("cases/{}", escape(case)), target.to_string()));
        }
    }
    out.extend(named(&ONWARD));
    out
}

/// Steps reachable from `roots` in reading order: each step after every
/// step that leads to it (a join after all its branches; a loop's way back
/// aside), branches in [`links`] order, each root's new steps after the
/// previous root's. That is the reverse of a depth-first postorder.
pub(super) fn reachable(workflow: &Map<String, Value>, roots: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut order = Vec::new();
    for root in roots {
        let mut finished = postorder(workflow, root, None, &mut seen);
        finished.reverse();
        order.extend(finished);
    }
    order
}

/// The steps reachable from `root` that are not in `seen` (added to it),
/// never through `avoid`, each after every step it leads to. Links are
/// walked last first, so reversed the first link's steps come first. An
/// explicit stack, not recursion: a workflow can be a chain of 100,000
/// steps.
pub(super) fn postorder(
    workflow: &Map<String, Value>,
    root: &str,
    avoid: Option<&str>,
    seen: &mut HashSet<String>,
) -> Vec<String> {
    let following =
        |id: &str| -> Vec<String> { super::branches::successors(workflow, id).collect() };
    let mut finished = Vec::new();
    if Some(root) == avoid || !seen.insert(root.to_string()) {
        return finished;
    }
    let mut stack = vec![(root.to_string(), following(root))];
    while let Some((_, pending)) = stack.last_mut() {
        if let Some(next) = pending.pop() {
            if Some(next.as_str()) != avoid && seen.insert(next.clone()) {
                let after = following(&next);
                stack.push((next, after));
            }
        } else if let Some((id, _)) = stack.pop() {
            finished.push(id);
        }
    }
    finished
}

/// The playbook document of a file runsheet exported, from its extension.
fn own_document(root: &Value) -> Option<Value> {
    let mut doc = root["playbook_extensions"][EXTENSION_ID]["document"].clone();
    if !doc.is_object() {
        return None;
    }
    let steps: HashMap<String, Value> = root["workflow"]
        .as_object()?
        .values()
        .filter_map(|s| {
            let step = s["step_extensions"][EXTENSION_ID]["step"].clone();
            Some((step["id"].as_str()?.to_string(), step))
        })
        .collect();
    for phase in doc["phases"].as_array_mut()? {
        let ids = phase["steps"].as_array()?.clone();
        let bodies: Option<Vec<Value>> = ids
            .iter()
            .map(|id| id.as_str().and_then(|id| steps.get(id).cloned()))
            .collect();
        phase["steps"] = Value::Array(bodies?);
    }
    Some(doc)
}

/// Maps a generic CACAO playbook to a runsheet document.
struct Mapper<'r, 'n> {
    root: &'r Value,
    workflow: &'r Map<String, Value>,
    notes: &'n mut Vec<String>,
    facts: Vec<Value>,
    fact_ids: HashMap<String, String>,
    roles: Vec<Value>,
    role_ids: HashMap<String, String>,
    taken: UniqueIds,
    /// The step id each workflow step became.
    step_ids: HashMap<String, String>,
    /// Conditions (runsheet `when:` text) each workflow step is under.
    conditions: HashMap<String, Vec<String>>,
    /// The first step of each branch of a `parallel`: the instruction that
    /// carries the parallel's own name and description.
    parallel_heads: HashMap<String, String>,
}

impl<'r, 'n> Mapper<'r, 'n> {
    fn new(root: &'r Value, workflow: &'r Map<String, Value>, notes: &'n mut Vec<String>) -> Self {
        Self {
            root,
            workflow,
            notes,
            facts: Vec::new(),
            fact_ids: HashMap::new(),
            roles: Vec::new(),
            role_ids: HashMap::new(),
            taken: UniqueIds::default(),
            step_ids: HashMap::new(),
            conditions: HashMap::new(),
            parallel_heads: HashMap::new(),
        }
    }

    fn document(mut self, label: &str, today: NaiveDate) -> Value {
        let root = self.root;
        let text = |key: &str| root[key].as_str().unwrap_or("").trim().to_string();
        if root.get("authentication_info_definitions").is_some() {
            self.notes.push(
                "warning: `authentication_info_definitions` dropped: they may hold credentials, and runsheet runs no command".into(),
            );
        }
        self.notes.extend(metadata::notes(root, today));
        for key in [
            "markings",
            "data_marking_definitions",
            "signatures",
            "target_definitions",
        ] {
            if root.get(key).is_some() {
                self.notes.push(format!("not mapped: `{key}`"));
            }
        }
        self.notes.extend(fields::root_notes(root));
        for (name, variable) in root["playbook_variables"].as_object().into_iter().flatten() {
            self.fact(name, variable);
        }
        let mut roots = vec![text("workflow_start")];
        if let Some(exception) = root["workflow_exception"]
            .as_str()
            .filter(|e| self.workflow.contains_key(*e))
        {
            roots.push(exception.to_string());
            self.notes.push(format!(
                "not mapped: `workflow_exception` ({exception}): its steps are listed after the others, as ordinary steps"
            ));
        }
        let mut branches = Branches::new(self.workflow, &roots);
        self.branch_conditions(&mut branches);
        let order = branches.order();
        self.notes.extend(fields::step_notes(self.workflow, order));
        self.parallels(order);
        let mut steps = Vec::new();
        for id in order {
            if let Some(step) = self.step(id) {
                steps.push(step);
            }
        }
        if steps.is_empty() {
            steps.push(json!({"id": "review", "title": "Review the imported playbook", "instructions": "The source workflow has no steps runsheet can show."}));
        }
        let name = text("name");
        let tags = tags(root);
        let mut references = vec![json!({
            "title": format!("Imported from CACAO playbook {} ({label})", text("id")),
        })];
        references.extend(references::carried(root, "the playbook", self.notes));
        references.extend(
            metadata::related_references(root)
                .into_iter()
                .map(|title| json!({ "title": title })),
        );
        let summary = first_line(&text("description")).unwrap_or_else(|| name.clone());
        let mut doc = Map::new();
        doc.insert("runsheet".into(), 1.into());
        doc.insert("id".into(), slug(&name, "imported").into());
        doc.insert("title".into(), name.clone().into());
        doc.insert(
            "version".into(),
            root["modified"].as_str().unwrap_or("1").into(),
        );
        doc.insert("summary".into(), summary.into());
        doc.insert("tags".into(), tags.into());
        doc.insert("references".into(), references.into());
        if !self.roles.is_empty() {
            doc.insert("roles".into(), std::mem::take(&mut self.roles).into());
        }
        if !self.facts.is_empty() {
            doc.insert("facts".into(), std::mem::take(&mut self.facts).into());
        }
        doc.insert(
            "phases".into(),
            json!([{
                "id": "imported",
                "title": "Imported from CACAO",
                "summary": text("description"),
                "steps": steps,
            }]),
        );
        if doc["phases"][0]["summary"] == "" {
            doc["phases"][0]
                .as_object_mut()
                .map(|p| p.remove("summary"));
        }
        Value::Object(doc)
    }

    /// A CACAO variable as a fact; returns the fact id.
    fn fact(&mut self, name: &str, variable: &Value) -> String {
        if let Some(id) = self.fact_ids.get(name) {
            return id.clone();
        }
        let bare = name.trim_matches('_');
        let id = self.taken.claim(slug(bare, "fact").replace('-', "_"));
        let ty = match variable["type"].as_str().unwrap_or("string") {
            "bool" => "bool",
            "integer" | "long" | "float" => "number",
            _ => "text",
        };
        let prompt = variable["description"]
            .as_str()
            .map_or_else(|| bare.to_string(), str::to_string);
        let mut fact = json!({"id": id, "prompt": prompt, "type": ty});
        if let Some(help) = variables::fact_help(name, variable) {
            fact["help"] = help.into();
        }
        self.facts.push(fact);
        self.fact_ids.insert(name.to_string(), id.clone());
        id
    }

    /// A new fact that the importer needs for a decision.
    fn decision_fact(&mut self, base: &str, ty: &str, prompt: &str, options: &[String]) -> String {
        let id = self.taken.claim(slug(base, "decision").replace('-', "_"));
        let mut fact = json!({"id": id, "prompt": prompt, "type": ty});
        if !options.is_empty() {
            fact["options"] = json!(options);
        }
        self.facts.push(fact);
        id
    }

    /// Carries each `parallel`'s name and description into the first step
    /// of each of its branches; says so when no branch starts with a step.
    fn parallels(&mut self, order: &[String]) {
        for id in order {
            let step = &self.workflow[id];
            if step["type"].as_str() != Some("parallel") {
                continue;
            }
            let own = |key: &str| step[key].as_str().map(str::trim).filter(|t| !t.is_empty());
            let (name, description) = (own("name"), own("description"));
            if name.is_none() && description.is_none() {
                continue;
            }
            let mut carried = format!(
                "Part of {} in the source: its branches run in parallel",
                name.map_or_else(|| "a parallel step".to_string(), |n| format!("\"{n}\""))
            );
            match description {
                Some(d) => carried = format!("{carried}. {d}"),
                None => carried.push('.'),
            }
            let heads: Vec<&str> = step["next_steps"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .filter(|h| self.workflow.get(*h).is_some_and(becomes_step))
                .collect();
            if heads.is_empty() {
                self.notes.push(format!(
                    "not mapped: name and description of parallel `{id}`: no branch starts with a step to carry them"
                ));
            }
            for head in heads {
                self.parallel_heads
                    .entry(head.to_string())
                    .or_insert_with(|| carried.clone());
            }
        }
    }

    /// Works out, for every step, the branch conditions it is under: a step
    /// reached from only one branch of a condition gets that branch's
    /// `when:`; a step where branches meet again gets none.
    fn branch_conditions(&mut self, branches: &mut Branches) {
        let order = branches.order().to_vec();
        for id in &order {
            let step = &self.workflow[id];
            let name = step["name"].as_str().unwrap_or(id).to_string();
            let conditioned = match step["type"].as_str().unwrap_or("") {
                "if-condition" => self.if_branches(id, step, &name),
                "switch-condition" => self.switch_branches(id, step, &name),
                _ => continue,
            };
            let (conditions, starts): (Vec<String>, Vec<String>) = conditioned.into_iter().unzip();
            let only_under = branches.only_under(id, &starts);
            for (condition, members) in conditions.iter().zip(only_under) {
                for member in members {
                    self.conditions
                        .entry(member)
                        .or_default()
                        .push(condition.clone());
                }
            }
        }
    }

    /// An `if-condition`'s yes/no fact, and its branches: each `when:` and
    /// first step.
    fn if_branches(&mut self, id: &str, step: &Value, name: &str) -> Vec<(String, String)> {
        let prompt = format!(
            "Is this true? {}",
            step["condition"]
                .as_str()
                .unwrap_or("(the source gives no condition)")
        );
        let fact = self.decision_fact(name, "bool", &prompt, &[]);
        self.step_ids.insert(format!("fact:{id}"), fact.clone());
        let mut branches = vec![];
        if let Some(t) = step["on_true"].as_str() {
            branches.push((fact.clone(), t.to_string()));
        }
        if let Some(f) = step["on_false"].as_str() {
            branches.push((format!("not {fact}"), f.to_string()));
        }
        branches
    }

    /// A `switch-condition`'s choice fact, and its cases: each `when:` and
    /// first step.
    fn switch_branches(&mut self, id: &str, step: &Value, name: &str) -> Vec<(String, String)> {
        let cases: Vec<String> = step["cases"]
            .as_object()
            .map(|c| c.keys().cloned().collect())
            .unwrap_or_default();
        let prompt = format!(
            "Which case applies? {}",
            step["switch"]
                .as_str()
                .unwrap_or("(the source names no variable)")
        );
        let fact = self.decision_fact(name, "choice", &prompt, &cases);
        self.step_ids.insert(format!("fact:{id}"), fact.clone());
        step["cases"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(case, target)| {
                Some((
                    format!("{fact} == {}", quote(case)),
                    target.as_str()?.to_string(),
                ))
            })
            .collect()
    }

    fn when(&self, id: &str) -> Option<String> {
        let conditions = self.conditions.get(id)?;
        match conditions.as_slice() {
            [] => None,
            [one] => Some(one.clone()),
            many => Some(
                many.iter()
                    .map(|c| format!("({c})"))
                    .collect::<Vec<_>>()
                    .join(" and "),
            ),
        }
    }

    fn step(&mut self, id: &str) -> Option<Value> {
        let step = &self.workflow[id];
        let ty = step["type"].as_str().unwrap_or("");
        let name = step["name"]
            .as_str()
            .map(str::trim)
            .filter(|n| !n.is_empty());
        let mut instructions: Vec<String> = step["description"]
            .as_str()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_string)
            .into_iter()
            .collect();
        let mut out = Map::new();
        let title = match ty {
            "action" => {
                self.action(id, step, &mut instructions, &mut out);
                name.unwrap_or("Action").to_string()
            }
            "playbook-action" => {
                let callee = step["playbook_id"].as_str().unwrap_or("(not given)");
                let version = step["playbook_version"]
                    .as_str()
                    .map(|v| format!(" (version {v})"))
                    .unwrap_or_default();
                instructions.push(format!(
                    "Run the playbook `{callee}`{version} as a sub-playbook. runsheet does not run it: open it separately."
                ));
                self.notes.push(format!(
                    "not mapped: playbook-action `{id}` calls `{callee}`; kept as a note naming the sub-playbook"
                ));
                name.map_or_else(|| format!("Run playbook {callee}"), str::to_string)
            }
            "if-condition" | "switch-condition" => {
                let fact = self.step_ids.get(&format!("fact:{id}")).cloned();
                if let Some(fact) = fact {
                    out.insert("decide".into(), json!({"fact": fact}));
                }
                let what = step["condition"]
                    .as_str()
                    .or_else(|| step["switch"].as_str())
                    .unwrap_or("(not given)");
                instructions.push(format!("The source decides on: `{what}`."));
                name.unwrap_or("Decide").to_string()
            }
            "while-condition" => {
                let condition = step["condition"].as_str().unwrap_or("(not given)");
                let body = step["on_true"]
                    .as_str()
                    .and_then(|t| self.workflow.get(t))
                    .and_then(|t| t["name"].as_str())
                    .unwrap_or("the next steps");
                instructions.push(format!(
                    "The source repeats \"{body}\" while `{condition}` holds. runsheet lists those steps once: repeat them by hand until it no longer holds."
                ));
                self.notes.push(format!(
                    "not mapped: while-condition `{id}` (a loop) kept as an instruction"
                ));
                name.unwrap_or("Repeat while").to_string()
            }
            _ => return None,
        };
        self.common(id, step, &mut instructions);
        if let Some(carried) = self.parallel_heads.get(id) {
            instructions.insert(0, carried.clone());
        }
        let shown = readable(&title, &instructions, &out);
        if let Some(values) = variables::named_in(&shown, &variables::visible(self.root, step)) {
            instructions.push(values);
        }
        let step_id = self.taken.claim(slug(&title, "step"));
        self.step_ids.insert(id.to_string(), step_id.clone());
        let mut doc = Map::new();
        doc.insert("id".into(), step_id.into());
        doc.insert("title".into(), title.into());
        if !instructions.is_empty() {
            doc.insert("instructions".into(), instructions.join("\n\n").into());
        }
        if let Some(when) = self.when(id) {
            doc.insert("when".into(), when.into());
        }
        let mut step_references = references::carried(step, &format!("{ty} `{id}`"), self.notes);
        // An action's commands' references come after the step's own.
        if let Some(Value::Array(of_commands)) = out.remove("references") {
            step_references.extend(of_commands);
        }
        if !step_references.is_empty() {
            doc.insert("references".into(), step_references.into());
        }
        doc.extend(out);
        Some(Value::Object(doc))
    }

    /// What every step type can carry: its variables as facts; delay,
    /// timeout and failure routing as notes.
    fn common(&mut self, id: &str, step: &Value, instructions: &mut Vec<String>) {
        for (name, variable) in step["step_variables"].as_object().into_iter().flatten() {
            self.fact(name, variable);
        }
        if let Some(delay) = step["delay"].as_u64() {
            instructions.push(format!(
                "The source waits {} before this step.",
                millis(delay)
            ));
        }
        if let Some(timeout) = step["timeout"].as_u64() {
            instructions.push(format!(
                "The source counts this step as failed after {}.",
                millis(timeout)
            ));
        }
        if let Some(failure) = step["on_failure"].as_str() {
            let target = self.workflow[failure]["name"].as_str().unwrap_or(failure);
            instructions.push(format!(
                "If this step fails, the source continues with \"{target}\"."
            ));
            self.notes.push(format!(
                "not mapped: `on_failure` of `{id}` (error branch) kept as an instruction"
            ));
        }
    }

    fn action(
        &mut self,
        id: &str,
        step: &Value,
        instructions: &mut Vec<String>,
        out: &mut Map<String, Value>,
    ) {
        let commands::Read {
            mut manual,
            automated,
            described,
            references,
            notes,
        } = commands::read(id, step);
        self.notes.extend(notes);
        instructions.extend(described);
        if !references.is_empty() {
            out.insert("references".into(), references.into());
        }
        match manual.len() {
            0 => {}
            1 => instructions.push(manual.remove(0)),
            _ => {
                out.insert("checklist".into(), manual.into());
            }
        }
        if let Some(placed) = commands::place(id, automated) {
            instructions.extend(placed.instructions);
            self.notes.extend(placed.note);
            out.insert("command".into(), placed.command.into());
        }
        if let Some(agent) = step["agent"].as_str() {
            self.agent(agent, instructions, out);
        }
        let captured: Vec<String> = step["out_args"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter_map(|v| {
                let variable = step["step_variables"][v].clone();
                let variable = if variable.is_object() {
                    variable
                } else {
                    self.root["playbook_variables"][v].clone()
                };
                variable.is_object().then(|| self.fact(v, &variable))
            })
            .collect();
        if !captured.is_empty() {
            out.insert("capture".into(), captured.into());
        }
    }

    /// People (individual, group, organization) become roles; a system
    /// agent is named in the instructions.
    fn agent(&mut self, agent: &str, instructions: &mut Vec<String>, out: &mut Map<String, Value>) {
        let definition = &self.root["agent_definitions"][agent];
        let kind = definition["type"].as_str().unwrap_or("");
        let name = definition["name"].as_str().unwrap_or(agent);
        if matches!(kind, "individual" | "group" | "organization") {
            let role = if let Some(role) = self.role_ids.get(agent) {
                role.clone()
            } else {
                let role = self.taken.claim(slug(name, "role"));
                self.roles.push(json!({"id": role, "title": name}));
                self.role_ids.insert(agent.to_string(), role.clone());
                role
            };
            out.insert("role".into(), role.into());
        } else if !definition.is_null() {
            instructions.push(format!("Agent in the source: {name} ({kind})."));
        }
    }
}

/// `cacao`, the labels, then the playbook types, activities and industry
/// sectors not among them.
fn tags(root: &Value) -> Vec<Value> {
    let mut tags = vec![Value::from("cacao")];
    tags.extend(
        root["labels"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|l| Value::from(l.to_string())),
    );
    for kind in metadata::keyword_tags(root) {
        if !tags.iter().any(|t| t == kind.as_str()) {
            tags.push(kind.into());
        }
    }
    tags
}

/// All a responder reads of a step (title, instructions, command,
/// checklist): where to look for the variables it names.
fn readable(title: &str, instructions: &[String], out: &Map<String, Value>) -> String {
    let mut text = vec![title];
    text.extend(instructions.iter().map(String::as_str));
    text.extend(out.get("command").and_then(Value::as_str));
    text.extend(
        out.get("checklist")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str),
    );
    text.join("\n")
}

/// Whether a workflow step becomes a runsheet step (`start`, `end` and
/// `parallel` do not).
fn becomes_step(step: &Value) -> bool {
    matches!(
        step["type"].as_str(),
        Some(
            "action" | "playbook-action" | "if-condition" | "switch-condition" | "while-condition"
        )
    )
}

fn first_line(text: &str) -> Option<String> {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .map(str::to_string)
}

fn millis(ms: u64) -> String {
    if ms.is_multiple_of(60_000) {
        format!("{} min", ms / 60_000)
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{ms} ms")
    }
}

/// A string literal for a `when:` expression.
fn quote(text: &str) -> String {
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}
