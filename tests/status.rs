//! `runsheet status` on a fixture incident: the JSON documented in
//! docs/journal-format.md and the text report, as golden files.

mod support;

use std::process::Command;

fn status(path: &std::path::Path, json: bool) -> String {
    let config = tempfile::tempdir().expect("config");
    let mut args = vec!["status", path.to_str().expect("utf-8")];
    if json {
        args.push("--json");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_runsheet"))
        .args(&args)
        .current_dir(support::fixture(""))
        .env("RUNSHEET_CONFIG_DIR", config.path())
        .env("RUNSHEET_NOW", "2026-11-05T18:00:00Z")
        .output()
        .expect("run runsheet");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn status_json_golden() {
    let (_dir, path, _) = support::complete_incident(false).close();
    let text = status(&path, true);
    let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
    for member in [
        "journal",
        "playbook",
        "now",
        "progress",
        "open_required",
        "steps",
        "facts",
        "decisions",
        "roles",
        "clocks",
        "warnings",
    ] {
        assert!(
            value.get(member).is_some(),
            "documented member `{member}` present"
        );
    }
    insta::assert_snapshot!(text);
}

#[test]
fn status_text_golden() {
    let (_dir, path, _) = support::complete_incident(true).close();
    let text = status(&path, false);
    assert!(text.starts_with("*** EXERCISE EXERCISE EXERCISE"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn d15_status_of_a_closed_incident_golden() {
    use runsheet::journal::Event;
    use runsheet::journal::event::{Closed, OpenStep, Payload};
    let mut journal = support::complete_incident(false);
    journal
        .advance(30)
        .event(Event::new(Payload::Closed(Closed {
            reason: "contained; regulators informed".into(),
            open_steps: vec![OpenStep {
                step: "notify-dpa".into(),
                reason: "review booked for next week".into(),
            }],
        })));
    let (_dir, path, _) = journal.close();
    insta::assert_snapshot!("closed_text", status(&path, false));
    insta::assert_snapshot!("closed_json", status(&path, true));
}

#[test]
fn friction_16_status_lists_what_was_sent() {
    let (_dir, path, _) = support::complete_incident(false).close();
    let text = status(&path, false);
    let sent = text
        .split("\nSent (")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .expect("a Sent section");
    assert!(!sent.starts_with('0'), "{text}");
    let json: serde_json::Value = serde_json::from_str(&status(&path, true)).expect("json");
    let list = json["sent"].as_array().expect("sent");
    assert!(!list.is_empty());
    for m in list {
        for member in ["sent_at", "by", "purpose", "channel", "recipient"] {
            assert!(m[member].is_string(), "{member} in {m}");
        }
        let recipient = m["recipient"].as_str().expect("recipient");
        assert!(sent.contains(&format!("to {recipient}")), "{sent}");
        if let Some(reference) = m["reference"].as_str() {
            assert!(sent.contains(&format!("reference {reference}")), "{sent}");
        }
    }
}

/// The defect: a journal created from a playbook named by a relative
/// path (`playbooks/x.yaml`) recorded that path as typed, so `status` or
/// `export` run from any other folder could not find the playbook
/// ("put the file back"), though it had not moved. The journal records
/// the file's absolute path.
#[test]
fn a_playbook_named_by_a_relative_path_is_found_from_any_folder() {
    let root = tempfile::tempdir().expect("temp dir");
    let (work, elsewhere) = (root.path().join("work"), root.path().join("elsewhere"));
    std::fs::create_dir_all(work.join("pb")).expect("mkdir");
    std::fs::create_dir_all(&elsewhere).expect("mkdir");
    std::fs::copy(
        support::fixture("playbooks/fixture-incident.yaml"),
        work.join("pb/edge.yaml"),
    )
    .expect("copy the playbook");
    let runsheet = |dir: &std::path::Path, args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_runsheet"))
            .args(args)
            .current_dir(dir)
            .env("RUNSHEET_CONFIG_DIR", root.path().join("config"))
            .env("RUNSHEET_DATA_DIR", root.path().join("data"))
            .output()
            .expect("run runsheet");
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?} in {}: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("utf-8")
    };
    let journal = runsheet(
        &work,
        &[
            "new",
            "pb/edge.yaml",
            "--title",
            "Edge",
            "--as",
            "Dana Reyes",
        ],
    );
    let journal = journal.trim();
    let first = std::fs::read_to_string(journal).expect("journal");
    let created =
        runsheet::journal::Entry::decode(first.lines().next().expect("first line")).expect("entry");
    let recorded = created.data["playbook"]["path"].as_str().expect("path");
    assert_eq!(
        std::path::Path::new(recorded),
        work.join("pb/edge.yaml"),
        "the absolute path"
    );
    let status = runsheet(&elsewhere, &["status", journal]);
    assert!(status.contains("Edge"), "{status}");
    runsheet(&elsewhere, &["export", journal, "--format", "md"]);
}

/// The defect: after a decision's decider was corrected, `status` said
/// "decided by" the corrected name with no sign that anything changed.
#[test]
fn status_says_a_decision_was_corrected_and_where() {
    let mut j = support::complete_incident(false);
    let decision = j.seq_of(runsheet::journal::Kind::Decision);
    j.advance(5).correct_fields(
        decision,
        "The DPO decided, not the IC",
        &[("decider", "Sam Okafor")],
    );
    let fix = j.lines.last().expect("the correction").entry.seq;
    let (_dir, path, _) = j.close();
    let text = status(&path, false);
    let line = text
        .lines()
        .find(|l| l.contains("personal_data = ") && l.contains("decided by"))
        .expect("the decision");
    assert!(line.contains("decided by Sam Okafor"), "{line}");
    assert!(line.ends_with(&format!(" · corrected in #{fix}")), "{line}");
    let json: serde_json::Value = serde_json::from_str(&status(&path, true)).expect("JSON");
    let decisions = json["decisions"].as_array().expect("decisions");
    let corrected = decisions
        .iter()
        .find(|d| d["fact"] == "personal_data")
        .expect("the decision");
    assert_eq!(corrected["corrected_in"], serde_json::json!([fix]));
    assert!(
        decisions
            .iter()
            .filter(|d| d["fact"] != "personal_data")
            .all(|d| d.get("corrected_in").is_none()),
        "absent when none"
    );
}

/// `runsheet ARGS` read at `now` (the reader's clock); standard output.
fn read_at(now: &str, args: &[&str]) -> String {
    let config = tempfile::tempdir().expect("config");
    let out = Command::new(env!("CARGO_BIN_EXE_runsheet"))
        .args(args)
        .current_dir(support::fixture(""))
        .env("RUNSHEET_CONFIG_DIR", config.path())
        .env("RUNSHEET_NOW", now)
        .output()
        .expect("run runsheet");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Defect: a responder whose clock ran four days fast set `aware_at` to
/// "an hour ago" on that clock; everyone else's status, `--json`, report
/// and review accepted the entry and the deadline counted from it without
/// a word. Read at 08:20, four days earlier, every view names the entry,
/// its writer and by how much it is ahead, and says the deadlines derive
/// from a time in the future; the clocks are still computed as recorded.
#[test]
fn a_time_from_a_fast_clock_is_a_warning_in_every_view() {
    let mut j =
        support::JournalBuilder::new(support::fixture_playbook(), "2026-11-02T08:00:00Z", false);
    j.advance(10).note(None, "EDR alert");
    j.actor("Bob Smith")
        .advance(4 * 24 * 60)
        .set("aware_at", "-1h");
    let (dir, path, resolved) = j.close();
    let journal = path.to_str().expect("utf-8");
    let now = "2026-11-02T08:20:00Z";
    let expected = [
        "entry 3 by Bob Smith is stamped 3d 23h ahead of this reader's clock: the writer's clock may run fast; its times are shown as recorded",
        "entry 3 by Bob Smith sets `aware_at` to a time 3d 22h ahead of this reader's clock; the deadlines of breach-72h, csirt-report derive from a time in the future and are shown as recorded",
    ];

    let status: serde_json::Value =
        serde_json::from_str(&read_at(now, &["status", journal, "--json"])).expect("JSON");
    assert_eq!(status["warnings"], serde_json::json!(expected));
    let text = read_at(now, &["status", journal]);
    for warning in expected {
        assert!(text.contains(&format!("  {warning}\n")), "{text}");
    }
    // The journal is the truth: the deadlines count from the value set.
    assert!(
        text.contains("  aware_at = 2026-11-06 08:10 CET (07:10 UTC) · by Bob Smith at"),
        "{text}"
    );
    assert!(
        text.contains("Notification · running, 6d 22h left, due 2026-11-09 08:10 CET (07:10 UTC)"),
        "{text}"
    );
    let md = read_at(now, &["export", journal, "--format", "md"]);
    let warnings = md.split("## Warnings").nth(1).expect("a Warnings section");
    for warning in expected {
        assert!(warnings.contains(warning), "{md}");
    }
    let html = read_at(now, &["export", journal, "--format", "html"]);
    assert!(
        html.contains("entry 3 by Bob Smith is stamped 3d 23h ahead of this reader"),
        "{html}"
    );

    let lines = runsheet::commands::open::read_journal(&path)
        .expect("read")
        .lines;
    let mut review = support::review_of_lines(
        &resolved.playbook,
        "incident.jsonl",
        lines,
        false,
        support::utc(now),
    );
    let screen = support::draw_review(&mut review, 400, 30);
    let header = screen.lines().nth(2).expect("a warnings row");
    assert_eq!(
        header,
        format!(
            " ⚠ 2 recorded times ahead of this clock, the first: {}",
            expected[0]
        )
    );

    // Five minutes ahead is the skew `set` allows its writer: no warning.
    let within = read_at("2026-11-06T08:05:00Z", &["status", journal, "--json"]);
    let within: serde_json::Value = serde_json::from_str(&within).expect("JSON");
    assert_eq!(within["warnings"], serde_json::json!([]));
    drop(dir);
}

/// STATUS-NEWLINE-FORGES-LINES: a rationale carrying line breaks stays on
/// its decision's line (each break shown as `↵`), so it cannot print a
/// line that reads as another decision.
#[test]
fn status_newline_forges_lines() {
    let mut j =
        support::JournalBuilder::new(support::fixture_playbook(), "2026-11-05T09:00:00Z", false);
    j.start("rate").decide(
        "rate",
        "severity",
        "high",
        "Assessed\n  severity = low · decided by Board at 2026-11-05 09:00 · because: approved",
    );
    j.advance(1)
        .decide("rate", "severity", "low", "Protect CMS first\r\nthen evict");
    let (_dir, path, _) = j.close();
    let config = tempfile::tempdir().expect("config");
    let out = assert_cmd::Command::cargo_bin("runsheet")
        .expect("binary")
        .args(["status", path.to_str().expect("utf-8")])
        .current_dir(support::fixture(""))
        .env("RUNSHEET_CONFIG_DIR", config.path())
        .env("RUNSHEET_NOW", "2026-11-05T18:00:00Z")
        .output()
        .expect("run runsheet");
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let decisions: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Decisions ("))
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(
        decisions,
        [
            "Decisions (2)",
            "  severity = high · decided by Dana Reyes at 2026-11-05 10:00 CET (09:00 UTC) · because: Assessed↵  severity = low · decided by Board at 2026-11-05 09:00 · because: approved",
            "  severity = low · decided by Dana Reyes at 2026-11-05 10:01 CET (09:01 UTC) · because: Protect CMS first↵then evict",
        ],
        "{text}"
    );
}
