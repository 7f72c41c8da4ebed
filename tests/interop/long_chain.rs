//! Defect: a CACAO chain of 80,000 action steps (4.4 MB) took minutes to
//! import. The generator here builds such chains; the tests check the
//! import's work grows linearly, by counting it, never by timing it.

use runsheet::interop::cacao::branches::Branches;
use runsheet::interop::cacao::locate::Locator;
use serde_json::{Map, Value, json};

/// The id of the `i`th step of a generated chain.
fn step_id(kind: &str, i: usize) -> String {
    format!("{kind}--00000000-0000-4000-8000-{i:012}")
}

/// The CACAO playbook document around `workflow`, its one agent `agent`.
fn playbook_text(name: &str, workflow: Map<String, Value>, agent: &str) -> String {
    let playbook = json!({
        "type": "playbook",
        "spec_version": "cacao-2.0",
        "id": "playbook--00000000-0000-4000-8000-000000000000",
        "name": name,
        "created_by": "identity--00000000-0000-4000-8000-000000000002",
        "created": "2026-01-05T09:00:00.000Z",
        "modified": "2026-01-05T09:00:00.000Z",
        "workflow_start": step_id("start", 0),
        "workflow": Value::Object(workflow),
        "agent_definitions": {agent: {"type": "individual", "name": "Responder"}},
    });
    serde_json::to_string(&playbook).expect("a JSON value prints")
}

/// A CACAO 2.0 playbook, on one line, whose workflow is a start, `actions` action steps
/// one after another, and an end. Titles repeat (three names in turn), so
/// step ids must be made unique; every other action has no `agent`, so
/// the import writes a lenient note with a line:column for it.
pub fn long_cacao_chain(actions: usize) -> String {
    const NAMES: [&str; 3] = ["Check the host", "Isolate the host", "Collect logs"];
    let agent = "individual--00000000-0000-4000-8000-000000000001";
    let end = step_id("end", actions + 1);
    let mut workflow = Map::new();
    let first = if actions == 0 {
        end.clone()
    } else {
        step_id("action", 1)
    };
    workflow.insert(
        step_id("start", 0),
        json!({"type": "start", "on_completion": first}),
    );
    for i in 1..=actions {
        let next = if i == actions {
            end.clone()
        } else {
            step_id("action", i + 1)
        };
        let mut step = json!({
            "type": "action",
            "name": NAMES[i % NAMES.len()],
            "commands": [{"type": "manual", "command": format!("Do step {i}")}],
            "on_completion": next,
        });
        if i % 2 == 0 {
            step["agent"] = agent.into();
        }
        workflow.insert(step_id("action", i), step);
    }
    workflow.insert(end, json!({"type": "end"}));
    playbook_text("A long chain", workflow, agent)
}

/// Not a test: writes `chain-N.json` for N = 2,000, 8,000, 32,000 (7.6 MB,
/// under the 8 MiB limit) into `RUNSHEET_CHAIN_DIR`, for the release-build measurements
/// in docs/BENCHMARKS.md. Run with `--ignored`.
#[test]
#[ignore = "writes benchmark input; run by hand"]
fn write_long_cacao_chains_for_benchmarks() {
    let dir = std::env::var("RUNSHEET_CHAIN_DIR").expect("RUNSHEET_CHAIN_DIR is set");
    for n in [2_000, 8_000, 32_000] {
        let path = std::path::Path::new(&dir).join(format!("chain-{n}.json"));
        std::fs::write(path, long_cacao_chain(n)).expect("written");
    }
}

/// Defect: importing a chain of 80,000 steps took minutes (a rescan of the
/// text per note, a suffix search from `-2` per repeated title). Checked
/// by counting work, not timing it: locating a pointer for every step
/// scans the text about once, and the ids come out `check-the-host`,
/// `check-the-host-2`, … in order.
#[test]
fn a_long_cacao_chain_imports_in_linear_work() {
    let actions = 6_000;
    let text = long_cacao_chain(actions);
    let imported = super::import_cacao("chain.json", &text).expect("the chain imports");
    let lenient = imported
        .notes
        .iter()
        .filter(|n| n.contains("action has no `agent`"))
        .count();
    assert_eq!(
        lenient,
        actions / 2,
        "a located note per step without agent"
    );
    let ids: Vec<&str> = imported.playbook.steps().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.len(), actions);
    assert_eq!(
        &ids[..4],
        [
            "isolate-the-host",
            "collect-logs",
            "check-the-host",
            "isolate-the-host-2"
        ]
    );
    assert_eq!(ids[actions - 1], format!("check-the-host-{}", actions / 3));

    let mut locator = Locator::new(&text);
    for i in 1..=actions {
        locator.locate(&format!("/workflow/{}", step_id("action", i)));
        locator.locate(&format!("/workflow/{}/commands/0", step_id("action", i)));
    }
    assert!(
        locator.scanned_bytes() <= 3 * text.len(),
        "scanned {} bytes to locate a pointer per step in a {}-byte text",
        locator.scanned_bytes(),
        text.len()
    );
}

/// A CACAO 2.0 playbook whose workflow is a start, `conditions` condition
/// steps one after another, and an end. Odd ones are `if-condition`s named
/// "Check i", whose branches ("Escalate i", "Ticket i") join again at the
/// next condition; even ones are `while-condition`s whose body ("Rescan i")
/// leads back to them.
pub fn long_condition_chain(conditions: usize) -> String {
    let agent = "individual--00000000-0000-4000-8000-000000000001";
    let condition = |i: usize| {
        if i > conditions {
            step_id("end", 0)
        } else if i % 2 == 1 {
            step_id("if-condition", i)
        } else {
            step_id("while-condition", i)
        }
    };
    let action = |name: String, next: &str| {
        json!({"type": "action", "name": name, "agent": agent, "on_completion": next,
               "commands": [{"type": "manual", "command": format!("Do {name}")}]})
    };
    let mut workflow = Map::new();
    workflow.insert(
        step_id("start", 0),
        json!({"type": "start", "on_completion": condition(1)}),
    );
    for i in 1..=conditions {
        let (next, first, second) = (
            condition(i + 1),
            step_id("action", 2 * i),
            step_id("action", 2 * i + 1),
        );
        if i % 2 == 1 {
            workflow.insert(condition(i), json!({"type": "if-condition", "name": format!("Check {i}"),
                "condition": "__critical__:value = 'true'", "on_true": first, "on_false": second, "on_completion": next}));
            workflow.insert(first, action(format!("Escalate {i}"), &next));
            workflow.insert(second, action(format!("Ticket {i}"), &next));
        } else {
            workflow.insert(condition(i), json!({"type": "while-condition", "name": format!("Until clean {i}"),
                "condition": "__infected__:value = 'true'", "on_true": first, "on_completion": next}));
            workflow.insert(first, action(format!("Rescan {i}"), &condition(i)));
        }
    }
    workflow.insert(step_id("end", 0), json!({"type": "end"}));
    playbook_text("A long chain of conditions", workflow, agent)
}

/// Defect: each `if-condition` of a chain walked every step after it to
/// find the steps only one of its branches leads to, so a chain of N
/// conditions cost N² steps. Checked by counting the steps the branch
/// walks visit, not by timing: a few per condition, and each branch's
/// steps still get its `when:` (the loops of the `while-condition`s in
/// between change nothing).
#[test]
fn a_long_chain_of_conditions_imports_in_linear_work() {
    let conditions = 2_000;
    let text = long_condition_chain(conditions);
    let imported = super::import_cacao("conditions.json", &text).expect("the chain imports");
    let when = |title: &str| {
        let step = imported.playbook.steps().find(|s| s.title == title);
        step.and_then(|s| s.when.as_ref()).map(|w| w.source.clone())
    };
    for i in (1..=conditions).step_by(2) {
        assert_eq!(when(&format!("Escalate {i}")), Some(format!("check_{i}")));
        assert_eq!(when(&format!("Ticket {i}")), Some(format!("not check_{i}")));
        assert_eq!(when(&format!("Rescan {}", i + 1)), None);
    }

    let root: Value = serde_json::from_str(&text).expect("JSON");
    let workflow = root["workflow"].as_object().expect("a workflow");
    let mut branches = Branches::new(workflow, &[step_id("start", 0)]);
    let ifs: Vec<String> = branches
        .order()
        .iter()
        .filter(|id| id.starts_with("if-condition"))
        .cloned()
        .collect();
    assert_eq!(ifs.len(), conditions / 2);
    for id in &ifs {
        let starts: Vec<String> = ["on_true", "on_false"]
            .iter()
            .filter_map(|branch| workflow[id][*branch].as_str().map(str::to_string))
            .collect();
        let only_under = branches.only_under(id, &starts);
        for (set, start) in only_under.iter().zip(&starts) {
            assert_eq!(set.iter().collect::<Vec<_>>(), [start], "{id}");
        }
    }
    assert!(
        branches.steps_walked() <= 2 * conditions,
        "walked {} steps for the branches of {} if-conditions",
        branches.steps_walked(),
        ifs.len()
    );
}
