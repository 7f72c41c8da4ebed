//! `runsheet test`: playbooks tested like code. Every bundled playbook's
//! case files pass; a fixture playbook's cases pass through discovery; bad
//! case files are located errors; failing expectations are named; and a
//! deliberately broken copy of a playbook fails on the expectation it breaks.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use runsheet::catalog::{self, Catalog};
use runsheet::clocks::{self, StageState};
use runsheet::playtest;
use support::{fixture, utc};

/// A fixed "today" for validation warnings that depend on the date: no
/// earlier than the latest bundled `reviewed:` date, which would be a
/// date in the future.
const NOW: &str = "2026-12-01T12:00:00Z";

fn runsheet(dir: &Path, args: &[&str]) -> Output {
    let config = tempfile::tempdir().expect("config dir");
    Command::new(env!("CARGO_BIN_EXE_runsheet"))
        .args(args)
        .current_dir(dir)
        .env("RUNSHEET_CONFIG_DIR", config.path())
        .env("RUNSHEET_DATA_DIR", config.path().join("data"))
        .env("RUNSHEET_NOW", NOW)
        .output()
        .expect("run runsheet")
}

fn text(out: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_bundled_playbook_passes_its_test_cases() {
    let out = runsheet(root(), &["test", "playbooks/"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(
        summary.ends_with(" passed, 0 failed") && !summary.starts_with("0 "),
        "{stdout}"
    );
    for entry in std::fs::read_dir(root().join("playbooks")).expect("playbooks") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let id = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or_default();
            let cases = format!("tests/playbooks/{id}/");
            assert!(
                stdout
                    .lines()
                    .any(|l| l.starts_with("ok   ") && l.contains(&cases)),
                "no passing case for {id}:\n{stdout}"
            );
        }
    }
}

#[test]
fn fixture_cases_are_discovered_beside_the_playbook_folder() {
    let dir = fixture("playtest");
    let out = runsheet(&dir, &["test", "playbooks/mini.yaml"]);
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains(
        "ok   tests/playbooks/mini/branches.yaml: nothing known yet, the draft asserts nothing"
    ));
    assert_eq!(
        stdout.lines().last(),
        Some("4 passed, 0 failed"),
        "{stdout}"
    );
    // From another folder, discovery walks up from the playbook's own folder.
    let out = runsheet(root(), &["test", "tests/fixtures/playtest/playbooks"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out).0);
}

#[test]
fn failing_expectations_are_named_one_line_per_case() {
    let dir = fixture("playtest");
    let out = runsheet(&dir, &["test", "playbooks/mini.yaml", "bad/failing.yaml"]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    let fail = lines[0];
    assert!(
        fail.starts_with("FAIL bad/failing.yaml:4: expectations that do not hold: "),
        "{fail}"
    );
    for named in [
        "step `notify-authority` visible — expected visible, got hidden (does not apply: personal_data and \"eu\" in regions)",
        "step `uk-only` hidden — expected hidden, got visible",
        "clock `authority.notify` state — expected running, got not_applicable",
        "clock `authority.notify` due — expected 2026-11-30T10:00:00Z, got none",
        "draft `notify-authority` contains \"has been contained\" — not found in: Subject: Breach notification — ⟦org?⟧",
        "draft `notify-authority` does not contain \"working to contain\" — found in:",
    ] {
        assert!(fail.contains(named), "missing `{named}` in {fail}");
    }
    assert_eq!(lines[1], "ok   bad/failing.yaml: this one passes");
    assert_eq!(lines[2], "1 passed, 1 failed");
}

#[test]
fn a_deliberately_broken_copy_fails_naming_the_broken_expectation() {
    let work = tempfile::tempdir().expect("dir");
    let from = fixture("playtest");
    let playbook = std::fs::read_to_string(from.join("playbooks/mini.yaml")).expect("playbook");
    // The draft now claims containment whatever the facts say.
    let broken = playbook.replace(
        "            {{#if contained}}\n            The attack has been contained.\n            {{else}}\n            We are working to contain the attack.\n            {{/if}}\n",
        "            The attack has been contained.\n",
    );
    assert_ne!(broken, playbook);
    std::fs::create_dir_all(work.path().join("playbooks")).expect("dir");
    std::fs::create_dir_all(work.path().join("tests/playbooks/mini")).expect("dir");
    std::fs::write(work.path().join("playbooks/mini.yaml"), broken).expect("write");
    std::fs::copy(
        from.join("tests/playbooks/mini/branches.yaml"),
        work.path().join("tests/playbooks/mini/branches.yaml"),
    )
    .expect("copy cases");
    let out = runsheet(work.path(), &["test", "playbooks"]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.lines().any(|l| l.starts_with(
            "FAIL tests/playbooks/mini/branches.yaml:4: nothing known yet, the draft asserts nothing: \
             draft `notify-authority` does not contain \"contained.\" — found in: "
        )),
        "{stdout}"
    );
    assert_eq!(
        stdout.lines().last(),
        Some("3 passed, 1 failed"),
        "{stdout}"
    );
}

#[test]
fn a_playbook_without_cases_fails_in_folder_mode() {
    let work = tempfile::tempdir().expect("dir");
    std::fs::create_dir_all(work.path().join("playbooks")).expect("dir");
    std::fs::copy(
        fixture("playtest/playbooks/mini.yaml"),
        work.path().join("playbooks/mini.yaml"),
    )
    .expect("copy");
    let out = runsheet(work.path(), &["test", "playbooks"]);
    let (stdout, _) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stdout,
        "FAIL mini: no test cases in tests/playbooks/mini/\n0 passed, 1 failed\n"
    );
}

#[test]
fn bad_case_files_are_located_errors() {
    let dir = fixture("playtest");
    let out = runsheet(
        &dir,
        &["test", "playbooks/mini.yaml", "bad/unknown-key.yaml"],
    );
    let (stdout, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("error: unknown key `visibel`\n  --> bad/unknown-key.yaml:8:7"));
    assert!(stderr.contains("did you mean `visible`?"), "{stderr}");
    assert!(stdout.ends_with("0 passed, 1 failed\n"), "{stdout}");

    let out = runsheet(&dir, &["test", "playbooks/mini.yaml", "bad/names.yaml"]);
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    for (message, at) in [
        ("`tomorrow` is not a time", "bad/names.yaml:6:10"),
        ("unknown fact `awareat`", "bad/names.yaml:8:16"),
        (
            "`maybe` is not a valid value for `personal_data`",
            "bad/names.yaml:9:38",
        ),
        (
            "`decide` needs a bool or choice fact, but `org` is text",
            "bad/names.yaml:10:18",
        ),
        ("a step answer needs `status`", "bad/names.yaml:11:16"),
        (
            "`authority.notfy` is not a clock stage",
            "bad/names.yaml:12:78",
        ),
        ("unknown role `scribe`", "bad/names.yaml:13:16"),
        ("a `given` item is one answer", "bad/names.yaml:14:33"),
        ("unknown step `triagee`", "bad/names.yaml:16:17"),
        (
            "`authority.final-report` is not a clock stage",
            "bad/names.yaml:18:9",
        ),
        (
            "step `triage` has no message to draft",
            "bad/names.yaml:20:9",
        ),
    ] {
        assert!(
            stderr.contains(&format!("error: {message}")) && stderr.contains(&format!("--> {at}")),
            "missing {message} at {at}:\n{stderr}"
        );
    }
    assert!(stderr.ends_with("bad/names.yaml: 11 errors\n"), "{stderr}");
}

/// The `error: MESSAGE` and `--> FILE:LINE:COL` pairs of a run, in order.
fn located_errors(stderr: &str) -> Vec<(String, String)> {
    let lines: Vec<&str> = stderr.lines().collect();
    lines
        .windows(2)
        .filter_map(|pair| {
            let message = pair[0].strip_prefix("error: ")?;
            let at = pair[1].trim_start().strip_prefix("--> ")?;
            Some((message.to_string(), at.to_string()))
        })
        .collect()
}

/// Defect TEST-CASE-ERRORS-ONE-PER-RUN: a case file with three misspelt
/// keys or words took three runs to fix, one error each. Every shape
/// problem is reported in one run, as `validate` does for a playbook.
#[test]
fn test_case_errors_one_per_run() {
    let dir = fixture("playtest");
    let out = runsheet(
        &dir,
        &["test", "playbooks/mini.yaml", "bad/shape-typos.yaml"],
    );
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    let found: Vec<(String, String)> = located_errors(&stderr)
        .into_iter()
        .map(|(message, at)| (message.split(':').next().unwrap_or_default().into(), at))
        .collect();
    let expected = [
        (
            "`finished` is not a valid value here",
            "bad/shape-typos.yaml:8:32",
        ),
        ("unknown key `hiden`", "bad/shape-typos.yaml:10:7"),
        (
            "`runing` is not a valid value here",
            "bad/shape-typos.yaml:12:35",
        ),
    ]
    .map(|(m, at)| (m.to_string(), at.to_string()));
    assert_eq!(found, expected, "{stderr}");
    assert!(stderr.contains("did you mean `hidden`?"), "{stderr}");
    assert!(
        stderr.ends_with("bad/shape-typos.yaml: 3 errors\n"),
        "{stderr}"
    );
}

/// Defect TEST-LOCATION-ON-VALUE: an unknown clock stage or draft step
/// named as a key of `expect:` was shown at its value (`{state: …}`,
/// inside `[x]`), not at the key. See also the positions asserted in
/// `bad_case_files_are_located_errors`.
#[test]
fn test_location_on_value() {
    let dir = fixture("playtest");
    let out = runsheet(&dir, &["test", "playbooks/mini.yaml", "bad/names.yaml"]);
    let (_, stderr) = text(&out);
    let errors = located_errors(&stderr);
    let at = |start: &str| {
        errors
            .iter()
            .find(|(m, _)| m.starts_with(start))
            .map(|(_, at)| at.clone())
    };
    assert_eq!(
        at("`authority.final-report` is not a clock stage").as_deref(),
        Some("bad/names.yaml:18:9"),
        "{stderr}"
    );
    assert_eq!(
        at("step `triage` has no message to draft").as_deref(),
        Some("bad/names.yaml:20:9"),
        "{stderr}"
    );
}

/// Defect TEST-ACCEPTS-FUTURE-DATETIMES: a case could give a fact a time
/// after the case's `now`, which `runsheet set` and the runner refuse, and
/// test a clock no journal can hold. A time later than the case's `now`,
/// or than the item's own `at`, is refused.
#[test]
fn test_accepts_future_datetimes() {
    let dir = fixture("playtest");
    let out = runsheet(
        &dir,
        &["test", "playbooks/mini.yaml", "bad/future-times.yaml"],
    );
    let (_, stderr) = text(&out);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        located_errors(&stderr),
        [
            (
                "`aware_at` 2026-11-30 11:00 CET (10:00 UTC) is later than the case's `now`, \
                 2026-11-28 13:00 CET (12:00 UTC): \
                 the runner and `runsheet set` refuse a time in the future"
                    .to_string(),
                "bad/future-times.yaml:9:33".to_string()
            ),
            (
                "`aware_at` 2026-11-28 12:00 CET (11:00 UTC) is later than when this answer is recorded \
                 (its `at`), 2026-11-28 11:00 CET (10:00 UTC): the runner and `runsheet set` refuse a time in the future"
                    .to_string(),
                "bad/future-times.yaml:14:33".to_string()
            ),
        ],
        "{stderr}"
    );
}

#[test]
fn a_missing_case_file_or_playbook_is_exit_2() {
    let dir = fixture("playtest");
    let out = runsheet(&dir, &["test", "playbooks/mini.yaml", "bad/none.yaml"]);
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
    let out = runsheet(&dir, &["test", "nowhere.yaml"]);
    assert_eq!(out.status.code(), Some(2), "{:?}", text(&out));
}

/// The fixture playbook and its cases, through the library.
fn mini_cases() -> (runsheet::playbook::Playbook, Vec<playtest::Case>) {
    let today = utc(NOW).date_naive();
    let source = catalog::read_source(&fixture("playtest/playbooks/mini.yaml")).expect("read");
    let library = Catalog::bundled(today).library;
    let (playbook, _) = catalog::check_playbook(&source, &library, today).expect("valid");
    let cases_source =
        catalog::read_source(&fixture("playtest/tests/playbooks/mini/branches.yaml"))
            .expect("read cases");
    let cases = playtest::compile(&cases_source, &playbook).expect("valid cases");
    (playbook, cases)
}

#[test]
fn d8_an_on_time_repeatable_report_stays_met_after_an_update() {
    let (playbook, cases) = mini_cases();
    let case = cases
        .iter()
        .find(|c| c.name.starts_with("on-time intermediate"))
        .expect("case");
    assert!(playtest::run_case(case, &playbook, &[]).is_empty());
    let state = runsheet::run::replay(&playbook, &case.entries);
    let stages = clocks::evaluate(&playbook, &state, case.now);
    let update = stages
        .iter()
        .find(|v| v.stage.id == "update")
        .expect("stage");
    // Judged on the first report (30 Nov, due 1 Dec); the update of 4 Dec
    // re-anchors the final report only.
    assert_eq!(
        update.state,
        StageState::Met {
            at: utc("2026-11-30T09:00:00Z"),
            margin: Some(chrono::Duration::days(1)),
        }
    );
    assert_eq!(update.submissions, 2);
    let last = stages
        .iter()
        .find(|v| v.stage.id == "final")
        .expect("stage");
    assert_eq!(last.due, Some(utc("2027-01-04T09:00:00Z")));
}

#[test]
fn d9_a_soft_stage_with_a_cap_shows_time_elapsed_and_the_cap_never_time_left() {
    let (playbook, cases) = mini_cases();
    let case = cases
        .iter()
        .find(|c| c.name.starts_with("personal data in the EU"))
        .expect("case");
    let state = runsheet::run::replay(&playbook, &case.entries);
    let stages = clocks::evaluate(&playbook, &state, case.now);
    let notify = stages
        .iter()
        .find(|v| v.stage.id == "notify")
        .expect("stage");
    assert_eq!(
        notify.state,
        StageState::Elapsing {
            elapsed: chrono::Duration::hours(27)
        }
    );
    assert_eq!(notify.due, Some(utc("2026-11-30T09:00:00Z")));
    let words = runsheet::ui::deadlines::stage_words(notify, chrono_tz::Europe::Amsterdam);
    assert_eq!(
        words,
        "without undue delay: 1d 3h elapsed, at the latest by 2026-11-30 10:00 CET (09:00 UTC)"
    );
    // Past the cap it is a breach like any deadline.
    let late = clocks::evaluate(&playbook, &state, utc("2026-11-30T09:01:00Z"));
    assert_eq!(late[0].state.label(), "breached");
}
