//! CACAO import on this project's own small fixtures (the corpus has no
//! schema-valid conditions): the order of steps and what is carried over.

use std::path::PathBuf;

use runsheet::interop::Imported;

use super::{corpus, import_cacao, python, root, schemas, validate_cacao};

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/interop").join(name)
}

/// Imports a fixture, first checking that it follows the OASIS schemas
/// (when the corpus and Python's `jsonschema` are at hand).
fn imported(name: &str) -> Imported {
    let path = fixture(name);
    if let (Some(corpus), Some(())) = (corpus(), python()) {
        for (file, errors) in validate_cacao(&schemas(&corpus), std::slice::from_ref(&path)) {
            assert!(errors.is_empty(), "{file} follows the schemas: {errors:#?}");
        }
    }
    let text = std::fs::read_to_string(&path).expect("fixture");
    import_cacao(name, &text).unwrap_or_else(|e| panic!("{}", e.render(name)))
}

/// Each step's title and `when:`, in playbook order.
fn steps(imported: &Imported) -> Vec<(String, Option<String>)> {
    imported
        .playbook
        .steps()
        .map(|s| (s.title.clone(), s.when.as_ref().map(|w| w.source.clone())))
        .collect()
}

/// Defect: the steps an `if-condition`'s branches lead to were listed
/// after everything past its `on_completion` (where they join), because
/// `on_completion` was followed first; a `parallel` step's branches too.
/// Branches now come before the join, the join after every branch.
#[test]
fn if_condition_branch_steps_come_before_the_steps_past_the_join() {
    let imported = imported("branches-join-again.json");
    let owned = steps(&imported);
    let got: Vec<(&str, Option<&str>)> = owned
        .iter()
        .map(|(title, when)| (title.as_str(), when.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("Check the alert", None),
            ("Is the host a server", None),
            ("Isolate the server", Some("is_the_host_a_server")),
            ("Quarantine the laptop", Some("not is_the_host_a_server")),
            ("Collect memory", None),
            ("Tell the owner", None),
            ("Tell legal", None),
            ("Write the report", None),
        ]
    );
}

/// Defect: CACAO import dropped, with no line on standard error, constant
/// values (a step read "Block __ip__" with the address nowhere),
/// `created_by`, `valid_from`/`valid_until`, `priority`/`severity`/
/// `impact`, `playbook_types` and a `parallel` step's name and
/// description. What a responder needs is now carried (values in the
/// instructions of the steps that name them and in the facts' help,
/// types as tags, the parallel's name and description on its branches'
/// first steps); the rest is named on standard error, an expired source
/// as a warning.
#[test]
fn cacao_import_carries_or_names_everything_it_used_to_drop_silently() {
    let imported = imported("constants-and-metadata.json");
    let p = &imported.playbook;
    assert_eq!(p.tags, ["cacao", "network", "mitigation", "notification"]);
    let help = |fact: &str| p.fact(fact).and_then(|f| f.help.clone());
    assert_eq!(
        help("ip").as_deref(),
        Some("The source sets it to `1.2.3.4` (a constant).")
    );
    assert_eq!(
        help("port").as_deref(),
        Some("The source sets it to `443` (a constant).")
    );
    assert_eq!(help("ticket"), None, "no value, no help");
    let instructions: Vec<(&str, &str)> = p
        .steps()
        .map(|s| (s.title.as_str(), s.instructions.as_deref().unwrap_or("")))
        .collect();
    let parallel = "Part of \"Contain and tell\" in the source: its branches run in parallel. \
                    Blocking and telling the owner do not wait for each other.";
    assert_eq!(
        instructions,
        [
            (
                "Block __ip__ at the firewall",
                format!(
                    "{parallel}\n\nAdd a deny rule for __ip__ on port __port__\n\n\
                     Values in the source: `__port__` = `443` (constant); `__ip__` = `1.2.3.4` (constant)."
                )
                .as_str()
            ),
            (
                "Tell the owner",
                format!("{parallel}\n\nCall the service owner").as_str()
            ),
        ]
    );
    assert_eq!(
        imported.notes,
        [
            "not mapped: `created_by` (identity--00000000-0000-4000-8000-000000000101): runsheet does not record a playbook's author",
            "not mapped: `valid_from` (2024-01-05T09:00:00.000Z): runsheet playbooks have no validity period",
            "not mapped: `valid_until` (2025-01-05T09:00:00.000Z): runsheet playbooks have no validity period",
            "warning: the source was valid until 2025-01-05T09:00:00.000Z, which has passed: check it is still current before use",
            "not mapped: `priority` (80 on CACAO's 0-100 scale): runsheet does not rank playbooks",
            "not mapped: `severity` (60 on CACAO's 0-100 scale): runsheet does not rank playbooks",
            "not mapped: `impact` (40 on CACAO's 0-100 scale): runsheet does not rank playbooks",
            "not mapped: `created` (2024-01-05T09:00:00.000Z)",
        ]
    );
}

/// Defect: CACAO import still dropped, with no line on standard error,
/// the start and end steps' names and descriptions, the root's
/// `industry_sectors`, `playbook_activities`, `derived_from`,
/// `related_to`, `created`, `playbook_processing_summary` and extensions,
/// and a step's `external_references`, `owner`, `in_args`,
/// `step_extensions` (and a condition's `step_variables`). What runsheet
/// can hold is carried: sectors and activities as tags, `derived_from` and
/// `related_to` as references, a step's references as its own, every
/// step's variables as facts. Every other field the import does not read,
/// on the root or on any step, is named on standard error with its value.
#[test]
fn cacao_import_drops_no_root_or_step_field_silently() {
    let imported = imported("every-field.json");
    let p = &imported.playbook;
    assert_eq!(
        p.tags,
        [
            "cacao",
            "investigation",
            "analyze-collected-data",
            "financial-services"
        ]
    );
    let references: Vec<&str> = p.references.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(
        references[1..],
        [
            "Derived from CACAO playbook playbook--00000000-0000-4000-8000-000000000200",
            "Related in the source: playbook--00000000-0000-4000-8000-000000000300",
        ]
    );
    let read = p
        .steps()
        .find(|s| s.title == "Read the reported mail")
        .expect("the step");
    let step_references: Vec<(&str, Option<&str>)> = read
        .references
        .iter()
        .map(|r| (r.title.as_str(), r.url.as_deref()))
        .collect();
    assert_eq!(
        step_references,
        [("Phishing guide", Some("https://example.org/phishing"))]
    );
    assert!(p.fact("sender").is_some(), "the condition's step variable");
    let id = |kind: &str, n: u32| format!("{kind}--00000000-0000-4000-8000-{n:012}");
    let extension = id("extension-definition", 400);
    assert_eq!(
        imported.notes,
        [
            format!(
                "not mapped: `created_by` ({}): runsheet does not record a playbook's author",
                id("identity", 101)
            ),
            "not mapped: `created` (2026-01-05T09:00:00.000Z)".into(),
            "not mapped: `playbook_processing_summary` (manual_playbook, if_logic)".into(),
            format!("not mapped: `extension_definitions` ({extension})"),
            format!("not mapped: `playbook_extensions` ({extension})"),
            format!(
                "not mapped: `name` of start `{}` (Begin the review)",
                id("start", 1)
            ),
            format!(
                "not mapped: `description` of start `{}` (Someone reported a phishing mail.)",
                id("start", 1)
            ),
            format!(
                "not mapped: `owner` of action `{}` ({})",
                id("action", 2),
                id("identity", 102)
            ),
            format!(
                "not mapped: `in_args` of action `{}` (__sender__)",
                id("action", 2)
            ),
            format!(
                "not mapped: `step_extensions` of action `{}` ({extension})",
                id("action", 4)
            ),
            format!("not mapped: `name` of end `{}` (Review done)", id("end", 5)),
            format!(
                "not mapped: `description` of end `{}` (Close the ticket.)",
                id("end", 5)
            ),
        ]
    );
}

/// Defect: CACAO import carried an external reference's name and url
/// only, and an HTTP command's request line only, dropping with no line
/// on standard error a reference's `description`, `source` and
/// `external_id`, a command's `description`, `headers`, body, `version`
/// and references. A reference's details are now carried in its title; an
/// HTTP command as the whole request to copy (a header that may hold a
/// credential keeps its name, its value dropped with a warning); a
/// command's description as an instruction and its references as the
/// step's; the rest is named.
#[test]
fn cacao_import_carries_or_names_the_fields_of_references_and_commands() {
    let imported = imported("nested-fields.json");
    let p = &imported.playbook;
    let titled = |references: &[runsheet::playbook::Reference]| -> Vec<(String, Option<String>)> {
        references
            .iter()
            .map(|r| (r.title.clone(), r.url.clone()))
            .collect()
    };
    assert_eq!(
        titled(&p.references)[1..],
        [(
            "TNO SOARCA (SOARCA Homepage; source: TNO CST)".to_string(),
            Some("http://tno.nl/cst".to_string())
        )]
    );
    let block = p.steps().next().expect("the step");
    assert_eq!(
        titled(&block.references),
        [
            (
                "Firewall runbook (source: Network team wiki; id: NET-42)".to_string(),
                None
            ),
            (
                "Firewall API".to_string(),
                Some("https://firewall.example/api".to_string())
            ),
        ]
    );
    assert_eq!(
        block.command.as_deref(),
        Some(
            "POST /api/v1/rules HTTP/1.1\n\
             Content-Type: application/json\n\
             Authorization: <credential: fill in by hand>\n\
             \n\
             {\"action\": \"deny\", \"source\": \"203.0.113.7\"}"
        )
    );
    let instructions = block.instructions.as_deref().unwrap_or("");
    assert!(
        instructions
            .contains("About the `http-api` command: Adds a deny rule on the perimeter firewall"),
        "{instructions}"
    );
    let action = "action--00000000-0000-4000-8000-000000000511";
    assert_eq!(
        imported.notes,
        [
            "not mapped: `created_by` (identity--00000000-0000-4000-8000-000000000501): runsheet does not record a playbook's author".to_string(),
            "not mapped: `created` (2026-01-05T09:00:00.000Z)".to_string(),
            format!("not mapped: `version` of command 1 (`http-api`) of action `{action}` (1.1)"),
            format!(
                "warning: the value of header `Authorization` of command 1 (`http-api`) of action `{action}` dropped: it may hold a credential"
            ),
        ]
    );
    let everything = format!("{imported:?}");
    assert!(
        !everything.contains("0123456789abcdef"),
        "no credential is kept"
    );
}

/// IMPORT-COMMANDS-RUN-TOGETHER: an action's commands of different types
/// were joined into one `command:` with no separator and no type, so a
/// responder copying it pasted an HTTP request into a shell (or shell lines
/// into a request body), and nothing was printed. The first command is now
/// the step's `command`; each other one is a block of its own in the
/// instructions under its number and type, and a `not mapped:` line says so.
#[test]
fn import_commands_run_together() {
    let imported = imported("several-commands.json");
    let mut steps = imported.playbook.steps();
    let preserve = steps.next().expect("the first action");
    assert_eq!(
        preserve.command.as_deref(),
        Some("tar czf /tmp/evidence.tgz /var/log")
    );
    assert_eq!(
        preserve.instructions.as_deref(),
        Some(
            "Automated in the source: command 1 (`bash`), command 2 (`bash`) and command 3 (`http-api`), in this order. \
             runsheet never runs them: each is here to copy and run by hand if you decide to. \
             Command 1 is the step's command; a step holds one, so each other one follows here in a block of its own.\n\n\
             Command 2 (`bash`):\n\n```bash\nsha256sum /tmp/evidence.tgz\n```\n\n\
             Command 3, an HTTP request (`http-api`):\n\n```http\nPOST /api/cases/42/evidence HTTP/1.1\n\n{\"host\":\"x\"}\n```"
        )
    );
    let block = steps.next().expect("the second action");
    assert_eq!(
        block.command.as_deref(),
        Some("POST /api/blocklist HTTP/1.1\n\n{\"sender\":\"a@b\"}")
    );
    // The fence is longer than the backticks in the command it holds.
    assert_eq!(
        block.instructions.as_deref(),
        Some(
            "Tell the mail team\n\n\
             Automated in the source: command 1 (`http-api`) and command 3 (`bash`), in this order. \
             runsheet never runs them: each is here to copy and run by hand if you decide to. \
             Command 1 is the step's command; a step holds one, so each other one follows here in a block of its own.\n\n\
             Command 3 (`bash`):\n\n````bash\necho 'see ```notes```'\n````"
        )
    );
    let action = |n: u32| format!("action--00000000-0000-4000-8000-000000000{n}");
    assert_eq!(
        imported.notes,
        [
            "not mapped: `created_by` (identity--00000000-0000-4000-8000-000000000602): runsheet does not record a playbook's author".to_string(),
            "not mapped: `created` (2026-01-05T09:00:00.000Z)".to_string(),
            format!(
                "not mapped: command 2 (`bash`) and command 3 (`http-api`) of action `{}`: a step's `command` holds one, command 1; the others are in its instructions, each in a block of its own with its type",
                action(611)
            ),
            format!(
                "not mapped: command 3 (`bash`) of action `{}`: a step's `command` holds one, command 1; the others are in its instructions, each in a block of its own with its type",
                action(612)
            ),
        ]
    );
}
