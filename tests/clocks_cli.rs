//! Deadline clocks end to end: facts set with `runsheet set`, due times read
//! from `runsheet status --json`, compared with times computed by hand for
//! every stage of every bundled clock pack; and the behaviours reviewers ask
//! about (counting from a submission, lateness shown, not applicable with
//! the reason, a corrected trigger moving the deadline).

mod support;

use std::path::Path;
use std::process::Command;

use runsheet::clocks::{self, StageState};
use runsheet::journal::Event;
use runsheet::journal::event::{Correction, Payload};
use serde_json::Value;
use support::{JournalBuilder, fixture_playbook, utc};

fn runsheet(dir: &Path, config: &Path, now: &str, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_runsheet"))
        .args(args)
        .current_dir(dir)
        .env("RUNSHEET_CONFIG_DIR", config)
        .env("RUNSHEET_DATA_DIR", dir.join("data"))
        .env("RUNSHEET_NOW", now)
        .output()
        .expect("run runsheet")
}

fn ok(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// Friday 27 November 2026, 14:00 UTC (09:00 in New York), the day after
/// Thanksgiving: every trigger is set to this instant.
const T: &str = "2026-11-27T14:00:00Z";

#[test]
fn status_json_due_times_match_hand_computed_ones_for_every_pack() {
    let work = tempfile::tempdir().expect("dir");
    let config = tempfile::tempdir().expect("config");
    let fixtures = support::fixture("cli");
    let run = |args: &[&str]| runsheet(&fixtures, config.path(), "2026-11-27T15:00:00Z", args);
    let journal = work.path().join("all-packs.jsonl");
    let journal_arg = journal.to_str().expect("utf-8");
    ok(&run(&[
        "new",
        "all-packs",
        "--journal",
        journal_arg,
        "--as",
        "Clock Tester",
    ]));
    for fact in [
        "aware_at",
        "breach_aware_at",
        "classified_major_at",
        "materiality_determined_at",
        "discovered_at",
        "incident_determined_at",
        "extortion_paid_at",
        "covered_incident_believed_at",
        "ransom_paid_at",
        "notification_incident_determined_at",
        "exploited_vuln_aware_at",
        "corrective_measure_at",
        "severe_incident_aware_at",
        "intermediate_requested_at",
    ] {
        ok(&run(&["set", journal_arg, &format!("{fact}={T}")]));
    }
    ok(&run(&["set", journal_arg, "affected_individuals=600"]));
    ok(&run(&["set", journal_arg, "max_residents_one_state=600"]));
    ok(&run(&["set", journal_arg, "nydfs_incident=yes"]));
    let status: Value =
        serde_json::from_str(&ok(&run(&["status", journal_arg, "--json"]))).expect("json");

    // (clock.stage, due as computed by hand, or the state when there is no date)
    let expected: &[(&str, &str)] = &[
        ("gdpr-art33.notify", "2026-11-30T14:00:00Z"), // 72 h, weekend included
        ("gdpr-art33.phased", "waiting"),              // counts from the notification
        ("gdpr-art34.subjects", "elapsing"),           // without undue delay: no date
        ("uk-gdpr-art33.notify", "2026-11-30T14:00:00Z"),
        ("uk-gdpr-art33.phased", "waiting"),
        ("uk-gdpr-art34.subjects", "elapsing"),
        ("nis2-art23.early-warning", "2026-11-28T14:00:00Z"), // 24 h
        ("nis2-art23.notification", "2026-11-30T14:00:00Z"),  // 72 h
        ("nis2-art23.intermediate", "elapsing"), // on the CSIRT's request, no fixed date
        ("nis2-art23.final-report", "waiting"),  // one month after the notification
        ("dora-art19.initial", "2026-11-27T18:00:00Z"), // 4 h from classification, inside the 24 h cap
        ("dora-art19.intermediate", "waiting"),
        ("dora-art19.final", "waiting"),
        ("dora-art19.clients", "elapsing"),
        // Fri 27 Nov + 4 business days: Mon 30, Tue 1, Wed 2, Thu 3 Dec, 17:30 New York (22:30 UTC).
        ("sec-8k-item105.form-8k", "2026-12-03T22:30:00Z"),
        ("hipaa-breach.individuals", "2027-01-26T14:00:00Z"), // 60 calendar days
        ("hipaa-breach.media", "2027-01-26T14:00:00Z"),       // more than 500 in one state
        ("hipaa-breach.hhs", "waiting"), // 500 or more: with the individual notices
        ("hipaa-breach.hhs-annual", "not_applicable"), // only under 500
        ("hipaa-ba-to-ce.covered-entity", "2027-01-26T14:00:00Z"), // 60 calendar days
        ("nydfs-500-17.notice", "2026-11-30T14:00:00Z"), // 72 h, a 500.1 cybersecurity incident
        ("nydfs-500-17.extortion-notice", "2026-11-28T14:00:00Z"), // 24 h
        ("nydfs-500-17.extortion-reasons", "2026-12-27T14:00:00Z"), // 30 days
        ("circia.incident", "not_in_force"),
        ("circia.ransom", "not_in_force"),
        ("us-bank-36h.regulator", "2026-11-29T02:00:00Z"), // 36 h
        ("cra-art14-vuln.early-warning", "2026-11-28T14:00:00Z"),
        ("cra-art14-vuln.notification", "2026-11-30T14:00:00Z"),
        ("cra-art14-vuln.final-report", "2026-12-11T14:00:00Z"), // 14 days after the fix
        ("cra-art14-incident.early-warning", "2026-11-28T14:00:00Z"),
        ("cra-art14-incident.notification", "2026-11-30T14:00:00Z"),
        ("cra-art14-incident.final-report", "waiting"),
    ];
    let stages = status["clocks"].as_array().expect("clocks");
    assert_eq!(
        stages.len(),
        expected.len(),
        "every stage of every pack is listed"
    );
    for (name, want) in expected {
        let (clock, stage) = name.split_once('.').expect("clock.stage");
        let got = stages
            .iter()
            .find(|s| s["clock"] == *clock && s["stage"] == *stage)
            .unwrap_or_else(|| panic!("{name} missing from status"));
        if want.starts_with("20") {
            assert_eq!(got["due"], *want, "{name}: {got}");
        } else {
            assert_eq!(got["state"], *want, "{name}: {got}");
        }
    }
}

#[test]
fn nis2_final_report_counts_from_the_notification_submission() {
    let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    j.set("aware_at", "2026-11-02T07:00:00Z");
    // Notified on 4 November at 10:00 UTC, 51 hours after awareness.
    j.advance(50 * 60).submit(
        "notify-csirt",
        &["csirt-report.notification"],
        "portal",
        "R-1",
    );
    let state = runsheet::run::replay(&j.resolved.playbook, j.lines.iter().map(|l| &l.entry));
    let stages = clocks::evaluate(&j.resolved.playbook, &state, j.now());
    let final_report = stages
        .iter()
        .find(|s| s.stage.id == "final-report")
        .expect("stage");
    // One month from the submission (4 Nov 11:00 in Amsterdam), not from
    // awareness (which would give 2 December).
    assert_eq!(final_report.started, Some(utc("2026-11-04T10:00:00Z")));
    assert_eq!(final_report.due, Some(utc("2026-12-04T10:00:00Z")));
}

#[test]
fn a_breached_clock_shows_its_lateness_in_status() {
    let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    j.set("aware_at", "2026-11-02T07:00:00Z")
        .set("jurisdictions", "eu")
        .decide("scope", "personal_data", "yes", "names and emails");
    let (_dir, path, _) = j.close();
    let config = tempfile::tempdir().expect("config");
    // 75 hours after awareness: the 72 h notification is 3 h late.
    let out = runsheet(
        &support::fixture(""),
        config.path(),
        "2026-11-05T10:00:00Z",
        &["status", path.to_str().expect("utf-8")],
    );
    let text = ok(&out);
    let line = text
        .lines()
        .find(|l| l.contains("breach-72h.notify"))
        .expect("stage line");
    assert!(line.contains("BREACHED, late by 3h 00m"), "{line}");
    let json = runsheet(
        &support::fixture(""),
        config.path(),
        "2026-11-05T10:00:00Z",
        &["status", path.to_str().expect("utf-8"), "--json"],
    );
    let status: Value = serde_json::from_str(&ok(&json)).expect("json");
    let stage = status["clocks"]
        .as_array()
        .expect("clocks")
        .iter()
        .find(|s| s["stage"] == "notify")
        .expect("notify");
    assert_eq!(stage["state"], "breached");
    assert_eq!(stage["late_by_seconds"], 3 * 3600);
}

#[test]
fn a_clock_whose_condition_is_false_is_not_applicable_and_says_why() {
    let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    j.set("aware_at", "2026-11-02T07:00:00Z").decide(
        "scope",
        "personal_data",
        "no",
        "only public data",
    );
    let state = runsheet::run::replay(&j.resolved.playbook, j.lines.iter().map(|l| &l.entry));
    let stages = clocks::evaluate(&j.resolved.playbook, &state, j.now());
    let notify = stages
        .iter()
        .find(|s| s.clock.id == "breach-72h")
        .expect("stage");
    match &notify.state {
        StageState::NotApplicable { reason } => {
            assert!(
                reason.contains("the clock does not apply given: Is personal data affected? no"),
                "{reason}"
            );
        }
        other => panic!("expected not applicable, got {other:?}"),
    }
}

#[test]
fn correcting_the_awareness_time_moves_the_deadline_and_keeps_both() {
    let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    j.set("aware_at", "2026-11-02T07:00:00Z");
    let wrong = j.lines.last().expect("fact_set").entry.seq;
    j.event(Event::new(Payload::Correction(Box::new(Correction {
        corrects: wrong,
        journal: None,
        reason: "the SOC alert was two hours earlier".into(),
        value: Some(Value::String("2026-11-02T05:00:00Z".into())),
        occurred_at: None,
        fields: serde_json::Map::new(),
    }))));
    let state = runsheet::run::replay(&j.resolved.playbook, j.lines.iter().map(|l| &l.entry));
    let stages = clocks::evaluate(&j.resolved.playbook, &state, j.now());
    let early = stages
        .iter()
        .find(|s| s.stage.id == "early-warning")
        .expect("stage");
    assert_eq!(
        early.due,
        Some(utc("2026-11-03T05:00:00Z")),
        "24 h from the corrected time"
    );
    let history = &state.facts["aware_at"].history;
    assert_eq!(history.len(), 1);
    assert_eq!(
        history[0].value,
        Value::String("2026-11-02T07:00:00Z".into()),
        "the original is kept"
    );
    assert_eq!(
        history[0].correction.as_ref().map(|c| c.reason.as_str()),
        Some("the SOC alert was two hours earlier")
    );
}

/// Holidays from config.toml are recorded in `journal_created`, so the due
/// times every command computes come from the journal, not from whoever
/// reads it later: the runner (which replays the same `journal_created`)
/// and `status` agree.
#[test]
fn code_2_holidays_recorded_at_creation_decide_due_times_for_every_reader() {
    let work = tempfile::tempdir().expect("dir");
    let plain = tempfile::tempdir().expect("config");
    let with_holidays = tempfile::tempdir().expect("config");
    std::fs::write(
        with_holidays.path().join("config.toml"),
        "holidays = [\"2026-11-30\", \"2026-12-01\"]\n",
    )
    .expect("config");
    let fixtures = support::fixture("cli");
    let now = "2026-11-27T15:00:00Z";
    let make = |name: &str, config: &Path| {
        let journal = work.path().join(name);
        let arg = journal.to_str().expect("utf-8").to_string();
        ok(&runsheet(
            &fixtures,
            config,
            now,
            &[
                "new",
                "all-packs",
                "--journal",
                &arg,
                "--as",
                "Clock Tester",
            ],
        ));
        ok(&runsheet(
            &fixtures,
            config,
            now,
            &["set", &arg, &format!("materiality_determined_at={T}")],
        ));
        arg
    };
    let a = make("a.jsonl", with_holidays.path());
    let b = make("b.jsonl", plain.path());
    let created: Value = serde_json::from_str(
        std::fs::read_to_string(&a)
            .expect("journal")
            .lines()
            .next()
            .expect("first line"),
    )
    .expect("json");
    assert_eq!(
        created["data"]["holidays"],
        serde_json::json!(["2026-11-30", "2026-12-01"])
    );
    let status = |journal: &str, config: &Path| {
        let text = ok(&runsheet(
            &fixtures,
            config,
            now,
            &["status", journal, "--json"],
        ));
        let v: Value = serde_json::from_str(&text).expect("json");
        v["clocks"].clone()
    };
    let a_plain = status(&a, plain.path());
    assert_eq!(
        a_plain,
        status(&a, with_holidays.path()),
        "the journal decides, not the reader's config"
    );
    assert_ne!(
        a_plain,
        status(&b, with_holidays.path()),
        "the recorded holidays move business-day deadlines"
    );
}

/// `status --json` of a bundled playbook after `set` of each of `facts`
/// (`id=value`, then any further arguments such as `--rationale`), at
/// `now`; also the plain `status` text.
fn bundled_status(playbook: &str, now: &str, facts: &[&[&str]]) -> (Vec<Value>, String) {
    let work = tempfile::tempdir().expect("dir");
    let config = tempfile::tempdir().expect("config");
    let run = |args: &[&str]| runsheet(work.path(), config.path(), now, args);
    let journal = work.path().join("run.jsonl");
    let journal_arg = journal.to_str().expect("utf-8");
    ok(&run(&[
        "new",
        playbook,
        "--journal",
        journal_arg,
        "--as",
        "Clock Tester",
    ]));
    for fact in facts {
        let args: Vec<&str> = ["set", journal_arg].iter().chain(*fact).copied().collect();
        ok(&run(&args));
    }
    let status: Value =
        serde_json::from_str(&ok(&run(&["status", journal_arg, "--json"]))).expect("json");
    let text = ok(&run(&["status", journal_arg]));
    let stages = status["clocks"].as_array().expect("clocks").clone();
    (stages, text)
}

fn stage<'a>(stages: &'a [Value], clock: &str, stage: &str) -> &'a Value {
    stages
        .iter()
        .find(|s| s["clock"] == clock && s["stage"] == stage)
        .unwrap_or_else(|| panic!("{clock}.{stage} missing from status"))
}

/// Defect: with `nydfs_incident` answered "no" (no cybersecurity incident
/// under 500.1), the NYDFS 72-hour notice showed "waiting" instead of "not
/// applicable"; the extortion-payment notices (500.17(c)) still run from
/// the payment.
#[test]
fn nydfs_72h_notice_is_not_applicable_when_nydfs_incident_is_no() {
    let (stages, text) = bundled_status(
        "ransomware-extortion",
        "2026-11-28T12:00:00Z",
        &[
            &["nydfs_covered=yes"],
            &[
                "nydfs_incident=no",
                "--rationale",
                "no material harm to normal operations",
            ],
            &["extortion_paid_at=2026-11-28T10:00:00Z"],
        ],
    );
    let reason = "this stage does not apply given: Has a cybersecurity incident occurred \
                  under 23 NYCRR 500.1 (at us, an affiliate or a third-party service provider)? no";
    let notice = stage(&stages, "nydfs-500-17", "notice");
    assert_eq!(notice["state"], "not_applicable", "{notice}");
    assert_eq!(notice["reason"], reason, "{notice}");
    assert_eq!(notice["due"], Value::Null, "{notice}");
    let line = text
        .lines()
        .find(|l| l.contains("nydfs-500-17.notice"))
        .unwrap_or_else(|| panic!("no notice line in:\n{text}"));
    assert_eq!(
        line.trim(),
        format!(
            "nydfs-500-17.notice · Notify the DFS Superintendent of the cybersecurity incident \
             (§500.17(a)(1)) · not applicable: {reason}"
        )
    );

    let payment = stage(&stages, "nydfs-500-17", "extortion-notice");
    assert_eq!(payment["state"], "running", "{payment}");
    assert_eq!(payment["due"], "2026-11-29T10:00:00Z", "{payment}");
    let reasons = stage(&stages, "nydfs-500-17", "extortion-reasons");
    assert_eq!(reasons["state"], "running", "{reasons}");
    assert_eq!(reasons["due"], "2026-12-28T10:00:00Z", "{reasons}");
}

/// Defect: the `ddos` playbook told a NYDFS-covered entity that paid an
/// extortion demand about the 24-hour notice but ran no clock for it. Every
/// stage of the NYDFS clock, due times computed by hand from the same
/// instant T (Friday 27 Nov 2026, 14:00 UTC).
#[test]
fn ddos_runs_the_nydfs_extortion_payment_clock() {
    let (stages, _) = bundled_status(
        "ddos",
        "2026-11-27T15:00:00Z",
        &[&["nydfs_covered=yes"], &[&format!("extortion_paid_at={T}")]],
    );
    let nydfs: Vec<(&str, &str)> = stages
        .iter()
        .filter(|s| s["clock"] == "nydfs-500-17")
        .map(|s| {
            (
                s["stage"].as_str().unwrap_or(""),
                s["state"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        nydfs,
        [
            ("notice", "waiting"), // no 500.1 determination recorded
            ("extortion-notice", "running"),
            ("extortion-reasons", "running"),
        ]
    );
    let due = |s: &str| stage(&stages, "nydfs-500-17", s)["due"].clone();
    assert_eq!(due("extortion-notice"), "2026-11-28T14:00:00Z"); // 24 h
    assert_eq!(due("extortion-reasons"), "2026-12-27T14:00:00Z"); // 30 days
    assert_eq!(due("notice"), Value::Null);

    // Once the event is determined to be a cybersecurity incident, the 72 h
    // notice runs from the determination.
    let (stages, _) = bundled_status(
        "ddos",
        "2026-11-27T15:00:00Z",
        &[
            &["nydfs_covered=yes"],
            &[
                "nydfs_incident=yes",
                "--rationale",
                "customer portal down for most customers",
            ],
            &[&format!("incident_determined_at={T}")],
            &[&format!("extortion_paid_at={T}")],
        ],
    );
    let notice = stage(&stages, "nydfs-500-17", "notice");
    assert_eq!(notice["state"], "elapsing", "{notice}"); // "as promptly as possible", 72 h cap
    assert_eq!(notice["due"], "2026-11-30T14:00:00Z", "{notice}"); // 72 h

    // Not a covered entity: the whole clock is not applicable.
    let (stages, _) = bundled_status(
        "ddos",
        "2026-11-27T15:00:00Z",
        &[&["nydfs_covered=no"], &[&format!("extortion_paid_at={T}")]],
    );
    for s in ["notice", "extortion-notice", "extortion-reasons"] {
        assert_eq!(
            stage(&stages, "nydfs-500-17", s)["state"],
            "not_applicable",
            "{s}"
        );
    }
}
