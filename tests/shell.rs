//! The shell around the interface, through the real binary: what happens
//! without a terminal, and when standard output cannot be written.

mod support;

use std::process::{Command, Output, Stdio};

fn runsheet(args: &[&str], stdin: Stdio, stdout: Stdio) -> Output {
    let config = tempfile::tempdir().expect("config");
    let data = tempfile::tempdir().expect("data");
    Command::new(env!("CARGO_BIN_EXE_runsheet"))
        .args(args)
        .current_dir(support::fixture(""))
        .env("RUNSHEET_CONFIG_DIR", config.path())
        .env("RUNSHEET_DATA_DIR", data.path())
        .env("RUNSHEET_NOW", "2026-11-05T18:00:00Z")
        .stdin(stdin)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .expect("run runsheet")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn resume_without_terminal_exits_2_with_one_sentence() {
    let (_dir, path, _) = support::complete_incident(false).close();
    let journal = path.to_str().expect("utf-8");
    let before = std::fs::read(&path).expect("journal");
    for args in [
        vec!["resume", journal],
        vec!["review", journal],
        vec!["run", "fixture-incident"],
        vec!["drill", "fixture-drill"],
    ] {
        let out = runsheet(&args, Stdio::null(), Stdio::piped());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let text = stderr(&out);
        // The clock override is refused for writing commands, and says so.
        let said: Vec<&str> = text
            .lines()
            .filter(|l| !l.starts_with("warning: RUNSHEET_NOW is ignored"))
            .collect();
        assert_eq!(said.len(), 1, "{args:?}: one sentence: {text}");
        assert!(
            text.contains(&format!(
                "runsheet {} needs an interactive terminal",
                args[0]
            )),
            "{text}"
        );
        assert!(!text.contains("panicked"), "{text}");
    }
    assert_eq!(
        std::fs::read(&path).expect("journal"),
        before,
        "nothing was written"
    );
}

#[test]
fn export_to_a_full_disk_exits_2() {
    let (_dir, path, _) = support::complete_incident(false).close();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let out = runsheet(
        &["export", path.to_str().expect("utf-8"), "--format", "md"],
        Stdio::null(),
        Stdio::from(full),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("standard output"), "{}", stderr(&out));
}

#[test]
fn export_to_a_closed_pipe_exits_2() {
    let (_dir, path, _) = support::complete_incident(false).close();
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = runsheet(
        &["export", path.to_str().expect("utf-8"), "--format", "json"],
        Stdio::null(),
        Stdio::from(writer),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

/// `runsheet` in `dir` with no login name, so only the journal can say who
/// is acting.
fn cli(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_runsheet"))
        .args(args)
        .current_dir(dir)
        .env("RUNSHEET_CONFIG_DIR", dir.join("config"))
        .env("RUNSHEET_DATA_DIR", dir.join("data"))
        .env_remove("USER")
        .stdin(Stdio::null())
        .output()
        .expect("run runsheet")
}

fn entries(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .expect("journal")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

fn new_journal(dir: &std::path::Path) -> std::path::PathBuf {
    let playbook = support::fixture("playbooks/fixture-incident.yaml");
    let journal = dir.join("j.jsonl");
    let out = cli(
        dir,
        &[
            "new",
            playbook.to_str().expect("utf-8"),
            "--journal",
            journal.to_str().expect("utf-8"),
            "--as",
            "Dana Reyes",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    journal
}

#[test]
fn d2_cli_without_a_name_acts_as_the_last_actor_on_this_host() {
    let dir = tempfile::tempdir().expect("dir");
    let journal = new_journal(dir.path());
    let out = cli(
        dir.path(),
        &["note", journal.to_str().expect("utf-8"), "called the CISO"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let note = entries(&journal)
        .into_iter()
        .find(|e| e["kind"] == "note")
        .expect("note written");
    assert_eq!(note["actor"], "Dana Reyes");
}

#[test]
fn d2_cli_refuses_to_guess_who_created_a_journal() {
    let dir = tempfile::tempdir().expect("dir");
    let playbook = support::fixture("playbooks/fixture-incident.yaml");
    let out = cli(dir.path(), &["new", playbook.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--as NAME"), "{}", stderr(&out));
}

#[test]
fn m16_cli_note_and_set_write_their_own_session() {
    let dir = tempfile::tempdir().expect("dir");
    let journal = new_journal(dir.path());
    let path = journal.to_str().expect("utf-8");
    let before = entries(&journal).len();
    let out = cli(
        dir.path(),
        &["note", path, "bridge opened", "--as", "Sam Ortiz"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let added: Vec<_> = entries(&journal).split_off(before);
    let kinds: Vec<&str> = added
        .iter()
        .map(|e| e["kind"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(kinds, ["session_started", "note", "session_ended"]);
    assert_eq!(added[0]["data"]["mode"], "cli");
    assert!(added.iter().all(|e| e["session"] == added[0]["session"]));
    assert!(added.iter().all(|e| e["actor"] == "Sam Ortiz"));
}

#[test]
fn d8_cli_set_refuses_a_time_in_the_future() {
    let dir = tempfile::tempdir().expect("dir");
    let journal = new_journal(dir.path());
    let path = journal.to_str().expect("utf-8");
    let before = entries(&journal).len();
    let out = cli(dir.path(), &["set", path, "aware_at=2099-01-01 10:00"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("in the future"), "{}", stderr(&out));
    assert_eq!(entries(&journal).len(), before, "nothing written");
    let out = cli(dir.path(), &["set", path, "aware_at=-3h"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn d16_cli_set_of_a_decided_fact_needs_a_rationale_and_records_a_decision() {
    let dir = tempfile::tempdir().expect("dir");
    let journal = new_journal(dir.path());
    let path = journal.to_str().expect("utf-8");
    let out = cli(dir.path(), &["set", path, "personal_data=true"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--rationale"), "{}", stderr(&out));
    let out = cli(
        dir.path(),
        &[
            "set",
            path,
            "personal_data=true",
            "--rationale",
            "HR files on the share",
            "--as",
            "Sam Ortiz",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let decision = entries(&journal)
        .into_iter()
        .find(|e| e["kind"] == "decision")
        .expect("decision written");
    assert_eq!(decision["data"]["rationale"], "HR files on the share");
    assert_eq!(decision["data"]["decider"], "Sam Ortiz");
    assert_eq!(decision["data"]["value"], true);
}

#[test]
fn d2_any_recorded_entry_can_be_corrected_and_exports_show_both_values() {
    let dir = tempfile::tempdir().expect("dir");
    let journal = new_journal(dir.path());
    let path = journal.to_str().expect("utf-8");
    let out = cli(dir.path(), &["note", path, "called Sam at the regulator"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let note = entries(&journal)
        .into_iter()
        .find(|e| e["kind"] == "note")
        .expect("note");
    let seq = note["seq"].to_string();
    let out = cli(
        dir.path(),
        &[
            "correct",
            path,
            &seq,
            "--field",
            "text=called Kim at the regulator",
            "--reason",
            "wrong name",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let correction = entries(&journal)
        .into_iter()
        .find(|e| e["kind"] == "correction")
        .expect("correction");
    assert_eq!(correction["data"]["corrects"], note["seq"]);
    assert_eq!(correction["data"]["reason"], "wrong name");
    assert_eq!(
        correction["data"]["fields"]["text"],
        "called Kim at the regulator"
    );
    let out = cli(dir.path(), &["export", path, "--format", "md"]);
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(
        md.contains("called Sam at the regulator"),
        "original kept:\n{md}"
    );
    assert!(
        md.contains("text is now “called Kim at the regulator”"),
        "{md}"
    );

    let out = cli(
        dir.path(),
        &["correct", path, "0", "--field", "title=x", "--reason", "y"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("no fields to correct"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn m12_a_cli_correction_carries_the_step_of_the_value_it_corrects() {
    use runsheet::journal::Event;
    use runsheet::journal::event::{FactSet, Payload};
    let mut j =
        support::JournalBuilder::new(support::fixture_playbook(), "2026-11-05T08:00:00Z", false);
    j.event(Event::on_step(
        "confirm",
        Payload::FactSet(FactSet {
            fact: "org".into(),
            value: serde_json::json!("Exmaple Corp"),
            occurred_at: None,
            confirmed: None,
        }),
    ));
    let (_keep, journal, _) = j.close();
    let path = journal.to_str().expect("utf-8");
    let out = runsheet(
        &[
            "set",
            path,
            "org=Example Corp",
            "--correct",
            "--reason",
            "typo",
            "--as",
            "Dana Reyes",
        ],
        Stdio::null(),
        Stdio::piped(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let correction = entries(&journal)
        .into_iter()
        .find(|e| e["kind"] == "correction")
        .expect("correction");
    assert_eq!(correction["step"], "confirm");
}

#[test]
fn d15_close_incident_names_open_required_steps_and_records_a_reason_for_each() {
    let dir = tempfile::tempdir().expect("dir");
    let journal = new_journal(dir.path());
    let path = journal.to_str().expect("utf-8");
    let status = cli(dir.path(), &["status", path, "--json"]);
    let summary: serde_json::Value = serde_json::from_slice(&status.stdout).expect("json");
    assert_eq!(
        summary["closed"],
        serde_json::Value::Null,
        "open until closed"
    );
    let open: Vec<String> = summary["open_required"]
        .as_array()
        .expect("open_required")
        .iter()
        .map(|s| s["id"].as_str().expect("id").to_string())
        .collect();
    assert!(!open.is_empty(), "the fixture has required steps open");

    let before = entries(&journal).len();
    let refused = cli(dir.path(), &["close", path, "--reason", "contained"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr(&refused));
    for id in &open {
        assert!(
            stderr(&refused).contains(id.as_str()),
            "{}",
            stderr(&refused)
        );
    }
    assert_eq!(
        entries(&journal).len(),
        before,
        "nothing written when refused"
    );

    let mut args = vec![
        "close".to_string(),
        path.to_string(),
        "--reason".into(),
        "contained and reported".into(),
    ];
    for id in &open {
        args.push("--open-step-reason".into());
        args.push(format!("{id}=handled by the vendor"));
    }
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = cli(dir.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let closed = entries(&journal)
        .into_iter()
        .find(|e| e["kind"] == "closed")
        .expect("closed entry");
    assert_eq!(closed["data"]["reason"], "contained and reported");
    assert_eq!(
        closed["data"]["open_steps"].as_array().map(Vec::len),
        Some(open.len())
    );

    let text = cli(dir.path(), &["status", path]);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("CLOSED"), "{text}");
    assert!(text.contains("contained and reported"), "{text}");
    let json = cli(dir.path(), &["status", path, "--json"]);
    let summary: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(summary["closed"]["reason"], "contained and reported");
    assert_eq!(summary["closed"]["by"], "Dana Reyes");
    let md = cli(dir.path(), &["export", path, "--format", "md"]);
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.contains("Closed by Dana Reyes"), "{md}");
    assert!(md.contains("left open: handled by the vendor"), "{md}");

    let again = cli(dir.path(), &["close", path, "--reason", "twice"]);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(
        stderr(&again).contains("already closed"),
        "{}",
        stderr(&again)
    );
}

#[test]
fn r13_two_names_for_the_ransom_payment_must_agree_or_be_confirmed() {
    let dir = tempfile::tempdir().expect("dir");
    let playbook = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("playbooks/ransomware-extortion.yaml");
    let journal = dir.path().join("r.jsonl");
    let path = journal.to_str().expect("utf-8");
    let out = cli(
        dir.path(),
        &[
            "new",
            playbook.to_str().expect("utf-8"),
            "--journal",
            path,
            "--as",
            "Dana Reyes",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = cli(dir.path(), &["set", path, "extortion_paid_at=-3h"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = entries(&journal).len();
    // The CIRCIA name for the same payment, an hour off: not saved silently.
    let out = cli(dir.path(), &["set", path, "ransom_paid_at=-2h"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--confirm"), "{}", stderr(&out));
    assert_eq!(entries(&journal).len(), before, "nothing written");
    // Confirmed on purpose: saved, and the confirmation is on the entry.
    let out = cli(
        dir.path(),
        &["set", path, "ransom_paid_at=-2h", "--confirm"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let fact = entries(&journal)
        .into_iter()
        .rfind(|e| e["kind"] == "fact_set")
        .expect("fact written");
    assert_eq!(fact["data"]["fact"], "ransom_paid_at");
    assert!(fact["data"]["confirmed"].is_string(), "{fact}");
}

/// The defect: a file of the wrong kind got the loader's words for
/// another kind. A journal given to `validate` or `new` said "unknown key
/// `v`, did you mean `id`?", a drill given to `new` "unknown key `drill`",
/// and `verify` or `note` on a playbook reported a journal broken at line
/// 1, which reads as tampering. Each now says what the file is.
#[test]
fn a_file_of_the_wrong_kind_is_named_for_what_it_is() {
    let (_dir, path, _) = support::complete_incident(false).close();
    let journal = path.to_str().expect("utf-8");
    let playbook = "playbooks/fixture-incident.yaml";
    let drill = "playbooks/drills/fixture-drill.yaml";
    let cases: [(&[&str], u8, &str); 5] = [
        (
            &["validate", journal],
            1,
            "help: this file is a runsheet journal, not a playbook",
        ),
        (
            &["new", journal, "--title", "x", "--as", "Dana"],
            1,
            "help: this file is a runsheet journal, not a playbook",
        ),
        (
            &["new", drill, "--title", "x", "--as", "Dana"],
            1,
            "help: this file is a drill scenario, not a playbook: run it with `runsheet drill FILE`",
        ),
        (
            &["note", playbook, "hello", "--as", "Dana"],
            1,
            "not a runsheet journal: no line of it is a journal entry",
        ),
        (&["verify", playbook], 1, ""),
    ];
    for (args, code, said) in cases {
        let out = runsheet(args, Stdio::null(), Stdio::piped());
        assert_eq!(out.status.code(), Some(i32::from(code)), "{args:?}");
        let text = stderr(&out);
        assert!(text.contains(said), "{args:?}: {text}");
        assert!(!text.contains("did you mean `id`"), "{args:?}: {text}");
    }
    let out = runsheet(&["verify", playbook], Stdio::null(), Stdio::piped());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("not a runsheet journal: no line of it is a journal entry"),
        "{text}"
    );
    assert!(!text.contains("broken at line 1"), "{text}");
}

/// The defect: `run PLAYBOOK --case DIR` ignored the playbook, so an
/// unquoted `--as Ana Ruiz` joined the case as "Ana" (with "Ruiz" taken
/// for a playbook nobody asked for) and every entry named the wrong
/// person. A playbook beside `--case` is a usage error.
#[test]
fn run_with_a_case_refuses_a_playbook_argument() {
    let case = tempfile::tempdir().expect("case");
    let dir = case.path().to_str().expect("utf-8");
    for args in [
        vec!["run", "--case", dir, "--as", "Ana", "Ruiz"],
        vec!["run", "ddos", "--case", dir],
    ] {
        let out = runsheet(&args, Stdio::null(), Stdio::piped());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&out).contains("cannot be used with"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

/// Defect NOT-BEFORE-CHECKED-ONE-WAY: `breach_aware_at` never precedes
/// `aware_at`. Setting `breach_aware_at` too early asked first, but moving
/// `aware_at` after the recorded `breach_aware_at` was saved at once. Both
/// sides of the order now ask.
#[test]
fn not_before_checked_one_way_on_the_command_line() {
    let dir = tempfile::tempdir().expect("dir");
    let playbook = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("playbooks/personal-data-breach.yaml");
    let journal = dir.path().join("p.jsonl");
    let path = journal.to_str().expect("utf-8");
    let playbook = playbook.to_str().expect("utf-8");
    let out = cli(
        dir.path(),
        &["new", playbook, "--journal", path, "--as", "Dana"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    for set in ["aware_at=-3h", "breach_aware_at=-2h"] {
        let out = cli(dir.path(), &["set", path, set]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }
    let before = entries(&journal).len();
    let out = cli(dir.path(), &["set", path, "aware_at=-1h"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains(
            "which the playbook says never precedes `aware_at`; pass --confirm to record it anyway"
        ),
        "{}",
        stderr(&out)
    );
    assert_eq!(entries(&journal).len(), before, "nothing written");
    let out = cli(dir.path(), &["set", path, "aware_at=-1h", "--confirm"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let fact = entries(&journal)
        .into_iter()
        .rfind(|e| e["kind"] == "fact_set")
        .expect("fact written");
    assert_eq!(fact["data"]["fact"], "aware_at");
    assert!(
        fact["data"]["confirmed"]
            .as_str()
            .is_some_and(|c| c.contains("is later than `breach_aware_at`")),
        "{fact}"
    );
}
