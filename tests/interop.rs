//! Interoperability: CACAO 2.0 in and out, Markdown playbooks in, checked
//! against public material no one on this project wrote (`../shared/corpus`,
//! see its README) and against independent readers: the OASIS JSON schemas
//! through Python `jsonschema`, and a Python count of the Markdown sources.

#[path = "interop/cacao_import.rs"]
mod cacao_import;
#[path = "interop/cli.rs"]
mod cli;
#[path = "interop/limits.rs"]
mod limits;
#[path = "interop/long_chain.rs"]
mod long_chain;
#[path = "interop/markdown_import.rs"]
mod markdown_import;
#[path = "interop/output.rs"]
mod output;
mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use runsheet::catalog::{self, Catalog};
use runsheet::interop::cacao::{self, EXTENSION_ID};
use runsheet::interop::markdown::{self, Preset};
use runsheet::interop::{ImportError, document};
use runsheet::playbook::Playbook;
use serde_json::{Value, json};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn today() -> chrono::NaiveDate {
    support::utc("2026-11-29T00:00:00Z").date_naive()
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Something a test needs is missing: fail under CI, else say so loudly.
fn missing(what: &str) -> Option<()> {
    assert!(!in_ci(), "{what} is required under CI=true");
    eprintln!("SKIPPED: {what} is missing");
    None
}

/// Imports `text` as a Markdown playbook with `preset`.
fn import_text(label: &str, text: &str, preset: Preset) -> runsheet::interop::Imported {
    let source = markdown::Source {
        label,
        text,
        licence: None,
        imported_on: today(),
    };
    markdown::import(source, Some(preset), today())
        .unwrap_or_else(|e| panic!("{}", e.render(label)))
}

/// The shared corpus: `../shared/corpus` beside the clone (or the nearest
/// such folder above it, for worktrees), or `RUNSHEET_CORPUS`.
fn corpus() -> Option<PathBuf> {
    if let Ok(dir) = std::env::var("RUNSHEET_CORPUS") {
        return Some(PathBuf::from(dir));
    }
    let found = root()
        .ancestors()
        .skip(1)
        .map(|a| a.join("shared/corpus"))
        .find(|p| p.join("README.md").is_file());
    found.or_else(|| missing("the corpus (../shared/corpus)").map(|()| PathBuf::new()))
}

/// python3 with `jsonschema` and `referencing`.
fn python() -> Option<()> {
    let ok = Command::new("python3")
        .args(["-c", "import jsonschema, referencing"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        Some(())
    } else {
        missing("python3 with jsonschema")
    }
}

fn files(dir: &Path, ext: &str) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("readable folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .collect();
    out.sort();
    out
}

/// Validates CACAO files with the OASIS schemas; each file's errors.
fn validate_cacao(schemas: &Path, files: &[PathBuf]) -> HashMap<String, Vec<String>> {
    let out = Command::new("python3")
        .arg(root().join("tests/interop/cacao_validate.py"))
        .arg(schemas)
        .args(files)
        .output()
        .expect("python3 runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.is_empty(),
        "validator said nothing: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut result: HashMap<String, Vec<String>> = HashMap::new();
    for line in text.lines() {
        if let Some(file) = line.strip_prefix("ok ") {
            result.entry(file.to_string()).or_default();
        } else if let Some(rest) = line.strip_prefix("invalid ") {
            let (file, error) = rest.split_once(": ").unwrap_or((rest, ""));
            result
                .entry(file.to_string())
                .or_default()
                .push(error.to_string());
        }
    }
    result
}

fn schemas(corpus: &Path) -> PathBuf {
    corpus.join("cacao/schemas/schemas")
}

fn import_cacao(label: &str, text: &str) -> Result<runsheet::interop::Imported, ImportError> {
    cacao::import::import(label, text, today())
}

fn problems(
    result: Result<runsheet::interop::Imported, ImportError>,
) -> Vec<runsheet::interop::Problem> {
    match result {
        Err(ImportError::Invalid(p)) => p,
        Err(ImportError::Playbook(e)) => panic!("mapping defect: {}", e.render()),
        Ok(i) => panic!("imported what should be refused:\n{}", i.yaml),
    }
}

#[test]
fn every_soarca_playbook_imports_and_the_negative_ones_are_refused_where_they_break() {
    let Some(corpus) = corpus() else { return };
    let dir = corpus.join("cacao/soarca");
    let all = files(&dir, "json");
    assert!(all.len() >= 7, "{all:?}");
    for path in &all {
        let label = path.display().to_string();
        let text = std::fs::read_to_string(path).expect("readable");
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let result = import_cacao(&label, &text);
        match name {
            "invalid_playbook.json" => {
                let found = problems(result);
                assert_eq!(found.len(), 1, "{found:?}");
                let p = &found[0];
                assert_eq!(
                    p.pointer,
                    "/agent_definitions/http-api--7e9174ec-a293-43df-a72d-471c79e276bf/type"
                );
                assert!(p.message.contains("`invalid`"), "{}", p.message);
                let line = text.lines().nth(p.line - 1).expect("line exists");
                assert!(line.contains("\"invalid\""), "line {} is {line}", p.line);
            }
            "missing_step_playbook.json" => {
                let found = problems(result);
                let rendered = ImportError::Invalid(found.clone()).render(&label);
                assert!(
                    found
                        .iter()
                        .any(|p| p.message.contains("dangling reference")
                            && p.pointer.ends_with("/on_completion")),
                    "{rendered}"
                );
                assert!(
                    found.iter().any(|p| p.message.contains("unreachable step")),
                    "{rendered}"
                );
                for p in &found {
                    assert!(
                        rendered.contains(&format!("--> {label}:{}:{}\n", p.line, p.column)),
                        "{rendered}"
                    );
                }
            }
            _ => {
                let imported = result.unwrap_or_else(|e| panic!("{}", e.render(&label)));
                assert!(imported.playbook.step_count() > 0, "{label}");
                if text.contains("authentication_info_definitions") {
                    assert!(
                        imported
                            .notes
                            .iter()
                            .any(|n| n.contains("authentication_info_definitions")),
                        "{:?}",
                        imported.notes
                    );
                    assert!(!imported.yaml.contains("password"), "{}", imported.yaml);
                }
            }
        }
    }
}

#[test]
fn automated_commands_become_copy_only_text() {
    let Some(corpus) = corpus() else { return };
    let path = corpus.join("cacao/soarca/http-playbook.json");
    let text = std::fs::read_to_string(&path).expect("readable");
    let imported = import_cacao("http-playbook.json", &text).expect("imports");
    let step = imported.playbook.steps().next().expect("a step");
    let command = step
        .command
        .as_deref()
        .expect("the http-api command as text");
    assert!(command.contains("GET"), "{command}");
    assert!(
        step.instructions
            .as_deref()
            .unwrap_or("")
            .contains("runsheet never runs it"),
        "{step:?}"
    );
}

/// Python count of phases and steps per Markdown file.
fn python_counts(files: &[PathBuf]) -> Value {
    let out = Command::new("python3")
        .arg(root().join("tests/interop/markdown_counts.py"))
        .args(files)
        .output()
        .expect("python3 runs");
    serde_json::from_slice(&out.stdout).expect("the counter prints JSON")
}

fn import_markdown_folder(dir: &Path, preset: Preset) -> Vec<(PathBuf, Playbook, Vec<String>)> {
    let licence = std::fs::read_to_string(dir.join("LICENSE"))
        .map(|t| markdown::licence_line(&t))
        .expect("the folder keeps its licence");
    files(dir, "md")
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable");
            let label = path.display().to_string();
            assert_eq!(markdown::detect(&text), preset, "{label}");
            let source = markdown::Source {
                label: &label,
                text: &text,
                licence: Some(&licence),
                imported_on: today(),
            };
            let imported = markdown::import(source, None, today())
                .unwrap_or_else(|e| panic!("{}", e.render(&label)));
            (path, imported.playbook, imported.notes)
        })
        .collect()
}

fn assert_matches_python(dir: &Path, preset: Preset, expected_files: usize) {
    let imported = import_markdown_folder(dir, preset);
    assert_eq!(imported.len(), expected_files, "{}", dir.display());
    let paths: Vec<PathBuf> = imported.iter().map(|(p, _, _)| p.clone()).collect();
    let counts = python_counts(&paths);
    for (path, playbook, _) in &imported {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let expected = &counts[name];
        let titles: Vec<&str> = playbook.phases.iter().map(|p| p.title.as_str()).collect();
        let source: Vec<&str> = expected["phases"]
            .as_array()
            .expect("phases")
            .iter()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(titles, source, "{name}: phases match the source headings");
        assert_eq!(
            playbook.step_count() as u64,
            expected["steps"].as_u64().expect("steps"),
            "{name}: step count"
        );
        let refs: Vec<&str> = playbook
            .references
            .iter()
            .map(|r| r.title.as_str())
            .collect();
        assert!(
            refs.iter()
                .any(|r| r.starts_with("Source: ") && r.contains(name) && r.contains("2026-11-29")),
            "{refs:?}"
        );
        assert!(
            refs.iter().any(|r| r.starts_with("Licence: MIT")),
            "{refs:?}"
        );
    }
}

#[test]
fn guardsight_cards_import_with_the_source_phases_and_step_counts() {
    let Some(corpus) = corpus() else { return };
    let Some(()) = python() else { return };
    let dir = corpus.join("guardsight");
    assert_matches_python(&dir, Preset::GuardSight, files(&dir, "md").len());
    let cards = import_markdown_folder(&dir, Preset::GuardSight);
    assert!(cards.len() >= 34, "{}", cards.len());
    for (path, playbook, notes) in &cards {
        assert!(
            playbook.tags.iter().any(|t| {
                let digits = t.trim_start_matches(|c: char| c.is_ascii_uppercase());
                t.len() > digits.len()
                    && digits.len() >= 4
                    && digits[..4].chars().all(|c| c.is_ascii_digit())
            }),
            "{}: ATT&CK id as a tag: {:?}",
            path.display(),
            playbook.tags
        );
        // The logo and copyright line are listed, not silently dropped.
        let text = std::fs::read_to_string(path).expect("readable");
        if text.contains("data:image/png;base64") {
            assert!(notes.iter().any(|n| n.contains("not mapped")), "{notes:?}");
        }
    }
}

#[test]
fn aws_playbooks_import_with_parts_as_phases_roles_checklists_and_commands() {
    let Some(corpus) = corpus() else { return };
    let Some(()) = python() else { return };
    let dir = corpus.join("aws");
    assert_matches_python(&dir, Preset::Aws, 5);
    let mut with_commands = Vec::new();
    for (path, playbook, notes) in import_markdown_folder(&dir, Preset::Aws) {
        let label = path.display();
        assert!(
            playbook.steps().any(|s| !s.checklist.is_empty()),
            "{label}: checklists"
        );
        if playbook.steps().any(|s| {
            s.instructions
                .as_deref()
                .is_some_and(|i| i.contains("```bash") && i.contains("aws "))
        }) {
            with_commands.push(label.to_string());
        }
        assert!(
            playbook.role("ir-lead").is_some(),
            "{label}: {:?}",
            playbook.roles
        );
        let owners: Vec<&str> = playbook
            .roles
            .iter()
            .map(|r| r.title.as_str())
            .filter(|t| t.contains("Agent Owner"))
            .collect();
        assert!(
            owners.len() <= 1,
            "{label}: spellings normalised: {owners:?}"
        );
        assert!(
            notes
                .iter()
                .any(|n| n.contains("not mapped: section `Overview`")),
            "{notes:?}"
        );
    }
    // `bash` blocks inside the parts stay in place in the instructions,
    // beside the numbered item each goes with: no step of these ends with
    // a lone block, the one kind lifted into `command`.
    assert!(with_commands.len() >= 2, "{with_commands:?}");
}

#[test]
fn an_aws_game_day_section_becomes_a_drill_stub() {
    let Some(corpus) = corpus() else { return };
    let path = corpus.join("aws/IRP-DoS.md");
    let text = std::fs::read_to_string(&path).expect("readable");
    let imported = import_text("IRP-DoS.md", &text, Preset::Aws);
    let drill = imported.drill.expect("a drill stub");
    assert!(drill.contains("drill: irp-dos-game-day"), "{drill}");
    assert!(drill.contains("playbook: irp-dos"), "{drill}");
    assert!(
        drill.contains("API Gateway"),
        "the scenario narrative: {drill}"
    );
    // The stub is a drill scenario the loader accepts for that playbook.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("irp-dos.yaml"), &imported.yaml).expect("written");
    std::fs::write(dir.path().join("irp-dos.drill.yaml"), &drill).expect("written");
    let run = assert_cmd::Command::cargo_bin("runsheet")
        .expect("binary")
        .env("XDG_CONFIG_HOME", dir.path())
        .env("XDG_DATA_HOME", dir.path())
        .arg("validate")
        .arg(dir.path().join("irp-dos.yaml"))
        .arg(dir.path().join("irp-dos.drill.yaml"))
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(stdout.contains("drill `irp-dos-game-day`"), "{stdout}");
}

#[test]
fn a_folder_imports_with_one_summary_line_per_file() {
    let Some(corpus) = corpus() else { return };
    let out = tempfile::tempdir().expect("tempdir");
    let run = assert_cmd::Command::cargo_bin("runsheet")
        .expect("binary")
        .env("RUNSHEET_NOW", "2026-11-29T00:00:00Z")
        .env("XDG_CONFIG_HOME", out.path())
        .env("XDG_DATA_HOME", out.path())
        .args(["import"])
        .arg(corpus.join("cacao/soarca"))
        .arg("-o")
        .arg(out.path())
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&run.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines.len(),
        files(&corpus.join("cacao/soarca"), "json").len(),
        "{stdout}"
    );
    assert_eq!(
        lines.iter().filter(|l| l.starts_with("FAIL")).count(),
        2,
        "{stdout}"
    );
    assert_eq!(
        run.status.code(),
        Some(1),
        "a refused file makes the exit code 1"
    );
    let fail = |name: &str| {
        lines
            .iter()
            .find(|l| l.starts_with("FAIL") && l.contains(name))
            .copied()
            .unwrap_or("")
    };
    assert!(
        fail("invalid_playbook.json").contains("type `invalid`"),
        "{stdout}"
    );
    assert!(
        fail("missing_step_playbook.json").contains("dangling reference"),
        "{stdout}"
    );
    assert!(out.path().join("manual-playbook.yaml").is_file());
}

/// The bundled playbooks, read from `playbooks/` whatever it holds.
fn bundled() -> Vec<(PathBuf, catalog::SourceText, Playbook)> {
    let library = Catalog::bundled(today()).library;
    files(&root().join("playbooks"), "yaml")
        .into_iter()
        .map(|path| {
            let source = catalog::read_source(&path).expect("readable");
            let (playbook, _) = catalog::check_playbook(&source, &library, today())
                .unwrap_or_else(|e| panic!("{}", e.render()));
            (path, source, playbook)
        })
        .collect()
}

fn export(source: &catalog::SourceText, playbook: &Playbook) -> Value {
    let doc = document::from_yaml(&source.text).expect("a YAML document");
    cacao::export::export(playbook, &doc)
}

#[test]
fn bundled_playbooks_export_to_schema_valid_cacao_and_import_back_equal() {
    let Some(corpus) = corpus() else { return };
    let Some(()) = python() else { return };
    let dir = tempfile::tempdir().expect("tempdir");
    let playbooks = bundled();
    assert!(!playbooks.is_empty());
    let mut written = Vec::new();
    for (path, source, playbook) in &playbooks {
        let cacao = export(source, playbook);
        let text = serde_json::to_string_pretty(&cacao).expect("JSON");
        let out = dir
            .path()
            .join(path.file_stem().expect("stem"))
            .with_extension("json");
        std::fs::write(&out, &text).expect("written");
        written.push(out);

        let imported = import_cacao(&path.display().to_string(), &text)
            .unwrap_or_else(|e| panic!("{}", e.render(&path.display().to_string())));
        let mut back = imported.playbook;
        back.sha256.clone_from(&playbook.sha256);
        assert!(
            back == *playbook,
            "{}: the round trip changed the playbook",
            path.display()
        );
    }
    for (file, errors) in validate_cacao(&schemas(&corpus), &written) {
        assert!(errors.is_empty(), "{file}: {errors:#?}");
    }
}

#[test]
fn timebox_never_becomes_a_cacao_timeout() {
    let playbooks = bundled();
    let with_timebox = playbooks
        .iter()
        .filter(|(_, _, p)| p.steps().any(|s| s.timebox.is_some()))
        .count();
    assert!(with_timebox > 0, "a bundled playbook has a timebox");
    for (path, source, playbook) in &playbooks {
        let cacao = export(source, playbook);
        for step in cacao["workflow"].as_object().expect("workflow").values() {
            assert!(step.get("timeout").is_none(), "{}: {step}", path.display());
            for command in step["commands"].as_array().into_iter().flatten() {
                assert_eq!(
                    command["type"],
                    "manual",
                    "{}: never executable",
                    path.display()
                );
            }
        }
    }
}

/// A CACAO playbook made from the schemas, with every control step:
/// start, a `parallel` fan-out, an `if-condition`, a `switch-condition`, a
/// `while-condition` loop and a `playbook-action`, then end.
fn synthetic() -> Value {
    let id = |kind: &str, n: u32| format!("{kind}--00000000-0000-4000-8000-{n:012}");
    let manual = |name: &str, next: &str| {
        json!({"type": "action", "name": name, "commands": [{"type": "manual", "command": format!("Do {name}")}],
               "agent": id("individual", 99), "on_completion": next})
    };
    let mut workflow = serde_json::Map::new();
    let (start, par, cond, switch, looped, sub, end) = (
        id("start", 1),
        id("parallel", 2),
        id("if-condition", 3),
        id("switch-condition", 4),
        id("while-condition", 5),
        id("playbook-action", 6),
        id("end", 7),
    );
    let a = |n| id("action", n);
    workflow.insert(
        start.clone(),
        json!({"type": "start", "on_completion": par}),
    );
    workflow.insert(par.clone(), json!({"type": "parallel", "name": "Fan out", "next_steps": [a(10), a(11)], "on_completion": cond}));
    workflow.insert(a(10), manual("Collect logs", &end));
    workflow.insert(a(11), manual("Notify owner", &end));
    workflow.insert(cond.clone(), json!({"type": "if-condition", "name": "Is host critical", "condition": "__critical__:value = 'true'", "on_true": a(12), "on_false": a(13), "on_completion": switch}));
    workflow.insert(a(12), manual("Escalate", &switch));
    workflow.insert(a(13), manual("Ticket only", &switch));
    workflow.insert(switch.clone(), json!({"type": "switch-condition", "name": "Severity", "switch": "__severity__", "cases": {"low": a(14), "high": a(15)}, "on_completion": looped}));
    workflow.insert(a(14), manual("Close", &looped));
    workflow.insert(a(15), manual("Call the CISO", &looped));
    workflow.insert(looped.clone(), json!({"type": "while-condition", "name": "Until clean", "condition": "__infected__:value = 'true'", "on_true": a(16), "on_completion": sub}));
    workflow.insert(a(16), manual("Rescan", &looped));
    workflow.insert(sub.clone(), json!({"type": "playbook-action", "name": "Run the comms playbook", "playbook_id": id("playbook", 8), "playbook_version": "2024-01-01T00:00:00.000Z", "on_completion": end}));
    workflow.insert(end.clone(), json!({"type": "end"}));
    json!({
        "type": "playbook", "spec_version": "cacao-2.0", "id": id("playbook", 9), "name": "Synthetic control flow",
        "created_by": id("identity", 1), "created": "2024-01-01T00:00:00.000Z", "modified": "2024-01-01T00:00:00.000Z",
        "workflow_start": start, "workflow": workflow,
        "playbook_variables": {"__critical__": {"type": "bool", "value": null}, "__severity__": {"type": "string"}, "__infected__": {"type": "bool"}},
        "agent_definitions": {id("individual", 99): {"type": "individual", "name": "Analyst on duty"}},
    })
}

#[test]
fn synthetic_control_steps_map_to_decisions_conditions_and_notes() {
    let fixture = synthetic();
    let text = serde_json::to_string_pretty(&fixture).expect("JSON");
    if let (Some(corpus), Some(())) = (corpus(), python()) {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("synthetic.json");
        std::fs::write(&path, &text).expect("written");
        for (file, errors) in validate_cacao(&schemas(&corpus), &[path]) {
            assert!(
                errors.is_empty(),
                "the fixture follows the schemas: {file}: {errors:#?}"
            );
        }
    }
    let imported = import_cacao("synthetic.json", &text)
        .unwrap_or_else(|e| panic!("{}", e.render("synthetic")));
    let p = &imported.playbook;
    let step = |title: &str| {
        p.steps()
            .find(|s| s.title == title)
            .unwrap_or_else(|| panic!("no step {title}: {}", imported.yaml))
    };
    // parallel: both branches are plain steps, no ordering between them.
    assert!(step("Collect logs").after.is_empty() && step("Notify owner").after.is_empty());
    assert!(step("Collect logs").when.is_none());
    // if-condition: a yes/no decision; branches carry `when:`.
    let decide = step("Is host critical")
        .decide
        .clone()
        .expect("a decide step");
    assert_eq!(
        step("Escalate").when.as_ref().map(|w| w.source.as_str()),
        Some(decide.fact.as_str())
    );
    assert_eq!(
        step("Ticket only").when.as_ref().map(|w| w.source.clone()),
        Some(format!("not {}", decide.fact))
    );
    // switch-condition: a choice decision with the cases as options.
    let choice = step("Severity").decide.clone().expect("a decide step");
    let fact = p.fact(&choice.fact).expect("the choice fact");
    assert_eq!(fact.ty.describe(false), "one of: low, high");
    assert_eq!(
        step("Call the CISO")
            .when
            .as_ref()
            .map(|w| w.source.clone()),
        Some(format!("{} == \"high\"", choice.fact))
    );
    // while-condition: kept once, with the loop as an instruction, listed.
    assert!(
        step("Until clean")
            .instructions
            .as_deref()
            .unwrap_or("")
            .contains("repeat them by hand")
    );
    assert!(step("Rescan").when.is_none());
    assert!(
        imported.notes.iter().any(|n| n.contains("while-condition")),
        "{:?}",
        imported.notes
    );
    // playbook-action: a note naming the sub-playbook.
    assert!(
        step("Run the comms playbook")
            .instructions
            .as_deref()
            .unwrap_or("")
            .contains("playbook--00000000-0000-4000-8000-000000000008")
    );
    assert!(
        imported.notes.iter().any(|n| n.contains("playbook-action")),
        "{:?}",
        imported.notes
    );
    // people agents become roles; variables become facts.
    assert_eq!(step("Escalate").role.as_deref(), Some("analyst-on-duty"));
    assert!(p.fact("critical").is_some() && p.fact("severity").is_some());
}

#[test]
fn every_problem_in_a_broken_file_is_reported_in_one_run_with_its_place() {
    let mut broken = synthetic();
    let workflow = broken["workflow"].as_object_mut().expect("workflow");
    // A dangling reference, a step nothing reaches, an unknown step type.
    workflow["action--00000000-0000-4000-8000-000000000010"]["on_completion"] =
        json!("action--00000000-0000-4000-8000-000000000404");
    workflow.insert("action--00000000-0000-4000-8000-000000000500".into(), json!({"type": "action", "name": "Orphan", "commands": [{"type": "manual", "command": "x"}], "agent": "individual--00000000-0000-4000-8000-000000000099"}));
    workflow["end--00000000-0000-4000-8000-000000000007"]["type"] = json!("finish");
    let text = serde_json::to_string_pretty(&broken).expect("JSON");
    let found = problems(import_cacao("broken.json", &text));
    let messages: Vec<&str> = found.iter().map(|p| p.message.as_str()).collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("dangling reference") && m.contains("000000000404")),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("unreachable step") && m.contains("Orphan")),
        "{messages:#?}"
    );
    assert!(
        messages.iter().any(|m| m.contains("has type `finish`")),
        "{messages:#?}"
    );
    for p in &found {
        let line = text.lines().nth(p.line - 1).expect("the line exists");
        let last = p.pointer.rsplit('/').next().unwrap_or("");
        assert!(
            line.contains(last) || line.contains('{') || line.contains("finish"),
            "{p:?} points at: {line}"
        );
    }
}

#[test]
fn lenient_imports_say_what_they_let_through() {
    let mut lax = synthetic();
    let workflow = lax["workflow"].as_object_mut().expect("workflow");
    let escalate = workflow["action--00000000-0000-4000-8000-000000000012"]
        .as_object_mut()
        .expect("action");
    escalate.remove("agent");
    workflow["if-condition--00000000-0000-4000-8000-000000000003"]
        .as_object_mut()
        .expect("if")
        .remove("condition");
    let text = serde_json::to_string_pretty(&lax).expect("JSON");
    let imported =
        import_cacao("lax.json", &text).unwrap_or_else(|e| panic!("{}", e.render("lax")));
    let lenient: Vec<&String> = imported
        .notes
        .iter()
        .filter(|n| n.starts_with("lenient:"))
        .collect();
    assert!(
        lenient.iter().any(|n| n.contains("action has no `agent`")),
        "{lenient:?}"
    );
    assert!(
        lenient
            .iter()
            .any(|n| n.contains("if-condition has no `condition`")),
        "{lenient:?}"
    );
}

#[test]
fn the_extension_is_declared_and_carries_the_document() {
    let (_, source, playbook) = bundled().into_iter().next().expect("a bundled playbook");
    let cacao = export(&source, &playbook);
    assert_eq!(
        cacao["extension_definitions"][EXTENSION_ID]["type"],
        "extension-definition"
    );
    let doc = &cacao["playbook_extensions"][EXTENSION_ID]["document"];
    assert_eq!(doc["id"], json!(playbook.id));
    let phases = doc["phases"].as_array().expect("phases");
    assert_eq!(phases.len(), playbook.phases.len());
}

/// `export --format cacao-status` of a built journal, parsed, with the
/// playbook the journal runs.
fn cacao_status_of(j: support::JournalBuilder) -> (Value, runsheet::playbook::Playbook) {
    use runsheet::export::{Format, Input};
    let bytes = j.bytes();
    let (_dir, _, resolved) = j.close();
    let verified = runsheet::journal::verify::verify(&bytes);
    let state = runsheet::run::replay(&resolved.playbook, verified.entries());
    let text = runsheet::export::render(
        Format::CacaoStatus,
        &Input::new(&verified, &resolved.playbook, &state),
    );
    let report = serde_json::from_str(&text).expect("JSON");
    (report, resolved.playbook)
}

/// The execution report maps each runsheet status, including the two the
/// SOARCA shape lacks (skipped, not applicable).
#[test]
fn cacao_status_maps_every_step_status() {
    let mut j =
        support::JournalBuilder::new(support::fixture_playbook(), "2026-11-02T08:00:00Z", false);
    j.start("confirm").advance(5).done("confirm");
    j.start("rate").advance(1);
    j.start("isolate").block("isolate", "No console access");
    j.set("severity", "low");
    let (report, playbook) = cacao_status_of(j);
    let text = report.to_string();
    let step =
        |id: &str| report["step_results"][cacao::export::step_action_id(&playbook.id, id)].clone();
    assert_eq!(report["type"], "execution_status");
    assert_eq!(report["status"], "ongoing", "required `isolate` is open");
    assert_eq!(step("confirm")["status"], "successfully_executed");
    assert_eq!(step("confirm")["executed_by"], "Dana Reyes");
    assert_eq!(step("isolate")["status"], "failed");
    assert_eq!(step("isolate")["status_text"], "blocked: No console access");
    // `rate` was answered after it started: no longer waiting.
    assert_eq!(step("rate")["status"], "ongoing");
    assert_eq!(step("rate")["variables"]["__severity__"]["value"], "low");
    // `preserve` does not apply (severity is low) and `scope` never started.
    assert!(step("preserve").is_null(), "{text}");
    assert!(step("scope").is_null(), "{text}");
}

/// The defect: `cacao-status` ignored `runsheet close`. A closed incident
/// whose required steps were left open (each with a reason) still read
/// `ongoing` with no `ended`, and a finished run's `ended` was its last
/// entry, so a note written afterwards moved it. Now a closed run ended
/// when it was closed and names what was left open; an unclosed run ended
/// when its last required step was closed.
#[test]
fn cacao_status_ends_a_run_when_it_was_closed_or_its_last_required_step_was() {
    use runsheet::journal::event::{Closed, OpenStep, Payload};
    let report = |j: support::JournalBuilder| cacao_status_of(j).0;
    // Every required step closed by 09:20 UTC; a note at 10:20.
    let finished = support::complete_incident(false);
    let last_required = finished
        .lines
        .iter()
        .filter(|l| l.entry.kind == runsheet::journal::Kind::StepDone)
        .map(|l| l.entry.ts)
        .max()
        .expect("steps done");
    let mut later = finished;
    later.advance(60).note(None, "Insurer called back");
    let done = report(later);
    assert_eq!(done["status"], "successfully_executed");
    assert_eq!(
        done["ended"],
        last_required.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(),
        "the note after the last required step moves nothing"
    );
    // Closed with a required step left open.
    let mut j =
        support::JournalBuilder::new(support::fixture_playbook(), "2026-11-02T08:00:00Z", false);
    j.start("confirm").advance(5).done("confirm").advance(30);
    j.event(runsheet::journal::Event::new(Payload::Closed(Closed {
        reason: "False positive: a scheduled backup".into(),
        open_steps: vec![OpenStep {
            step: "isolate".into(),
            reason: "Nothing to isolate".into(),
        }],
    })));
    let closed = report(j);
    assert_eq!(closed["status"], "successfully_executed");
    assert_eq!(
        closed["status_text"],
        "closed: False positive: a scheduled backup; required steps left open: isolate (Nothing to isolate)"
    );
    assert_eq!(closed["ended"], "2026-11-02T08:35:00.000Z");
}

/// Defect: an exercise's execution report said EXERCISE only in its
/// `status_text` fields; its `name`, what a list of executions shows
/// (SOARCA's), read as an ordinary run of the playbook.
#[test]
fn a_drills_cacao_status_has_no_exercise_in_its_name() {
    let drill =
        support::JournalBuilder::new(support::fixture_playbook(), "2026-11-02T08:00:00Z", true);
    let (report, playbook) = cacao_status_of(drill);
    assert_eq!(report["name"], format!("EXERCISE: {}", playbook.title));
    assert_eq!(
        report["description"],
        format!("EXERCISE: {}", playbook.summary)
    );
    let real =
        support::JournalBuilder::new(support::fixture_playbook(), "2026-11-02T08:00:00Z", false);
    let (report, playbook) = cacao_status_of(real);
    assert_eq!(report["name"], playbook.title.as_str());
}

#[test]
fn cacao_status_waits_for_user_input_on_an_open_decision() {
    let mut j =
        support::JournalBuilder::new(support::fixture_playbook(), "2026-11-02T08:00:00Z", true);
    j.start("rate");
    j.start("preserve").advance(3);
    j.event(runsheet::journal::Event::on_step(
        "preserve",
        runsheet::journal::event::Payload::StepSkipped(runsheet::journal::event::Reason {
            reason: "Vendor imaged the disks".into(),
        }),
    ));
    let (report, playbook) = cacao_status_of(j);
    let id = |s: &str| cacao::export::step_action_id(&playbook.id, s);
    let rate = &report["step_results"][id("rate")];
    assert_eq!(rate["status"], "await_user_input");
    assert_eq!(rate["status_text"], "EXERCISE: waiting for: severity");
    assert_eq!(rate["variables"]["__severity__"]["value"], Value::Null);
    let preserve = &report["step_results"][id("preserve")];
    assert_eq!(preserve["status"], "successfully_executed");
    assert_eq!(
        preserve["status_text"],
        "EXERCISE: skipped: Vendor imaged the disks"
    );
}

/// The pre-2.0 draft shape (`workflow` as a list, as in SOARCA's
/// `changed-playbook.json`) is refused, not half-imported.
#[test]
fn a_workflow_list_is_refused_at_its_place() {
    let mut old = synthetic();
    old["workflow"] = json!([{"type": "start"}]);
    let text = serde_json::to_string_pretty(&old).expect("JSON");
    let found = problems(import_cacao("old.json", &text));
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].pointer, "/workflow");
    assert!(
        found[0].message.contains("is a list"),
        "{}",
        found[0].message
    );
    let line = text.lines().nth(found[0].line - 1).expect("line");
    assert!(line.contains("\"workflow\""), "{line}");
}

/// A wiki page in no known layout: `##` phases, `###` steps or list items,
/// shell blocks as copy-only commands, roles, and what did not fit listed.
#[test]
fn a_generic_markdown_page_imports_and_lists_what_it_left_out() {
    let text = "\
# Lost laptop runbook

Owner: the service desk.

## Triage

### Confirm the loss `[Service Desk]`

- [ ] Ask when and where it was last seen
- [x] Check the asset register

```bash
mdm lock --device \"$SERIAL\"
```

## Contain

1. Revoke the user's sessions `[IAM Admin]`
2. Rotate VPN certificates
   with the PKI team
";
    assert_eq!(markdown::detect(text), Preset::Generic);
    let source = markdown::Source {
        label: "lost-laptop.md",
        text,
        licence: None,
        imported_on: today(),
    };
    let imported = markdown::import(source, None, today())
        .unwrap_or_else(|e| panic!("{}", e.render("lost-laptop.md")));
    let p = &imported.playbook;
    assert_eq!(p.id, "lost-laptop-runbook");
    let phases: Vec<&str> = p.phases.iter().map(|ph| ph.title.as_str()).collect();
    assert_eq!(phases, ["Triage", "Contain"]);
    let confirm = &p.phases[0].steps[0];
    assert_eq!(confirm.role.as_deref(), Some("service-desk"));
    assert_eq!(confirm.title, "Confirm the loss `[Service Desk]`");
    assert_eq!(
        confirm.checklist,
        [
            "Ask when and where it was last seen",
            "Check the asset register"
        ]
    );
    assert_eq!(
        confirm.command.as_deref(),
        Some("mdm lock --device \"$SERIAL\"")
    );
    let contain: Vec<&str> = p.phases[1].steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        contain,
        [
            "Revoke the user's sessions `[IAM Admin]`",
            "Rotate VPN certificates"
        ]
    );
    assert_eq!(p.phases[1].steps[0].role.as_deref(), Some("iam-admin"));
    assert!(p.role("service-desk").is_some(), "{:?}", p.roles);
    assert!(
        p.references
            .iter()
            .any(|r| r.title == "Licence: not stated beside the source")
    );
    assert!(
        imported
            .notes
            .iter()
            .any(|n| n.contains("line 3") && n.contains("Owner")),
        "the preamble line is listed: {:?}",
        imported.notes
    );
}
