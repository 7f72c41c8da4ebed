//! `runsheet export --format aar|aar-html`: the exercise after-action
//! report. Golden files of both renderings on the fixture drill, plus what
//! must hold for any of them: well-formed self-contained HTML, EXERCISE on
//! every section and at both ends, byte-identical output, scenario time
//! (T+) beside wall time, the report without its scenario file, and the
//! command's refusal of a real incident's journal.

mod support;

use std::process::Command;

use runsheet::commands::open::Resolved;
use runsheet::export::aar::{self, Exercise, Format, NotAnExercise};
use runsheet::journal::verify::verify;
use runsheet::playbook::Drill;
use runsheet::run;
use support::{DrillBuilder, complete_incident, drill_exercise, fixture_drill, html_check};

/// A fixture journal as bytes, with the folder it was written in.
struct Fixture {
    dir: tempfile::TempDir,
    bytes: Vec<u8>,
    resolved: Resolved,
}

impl Fixture {
    fn from_drill(d: DrillBuilder) -> Self {
        let bytes = d.j.bytes();
        let (dir, _, resolved) = d.j.close();
        Self {
            dir,
            bytes,
            resolved,
        }
    }

    /// The report as the command renders it, with `drill` as the scenario found.
    fn report(&self, format: Format, drill: Option<&Drill>) -> Result<String, NotAnExercise> {
        let verified = verify(&self.bytes);
        let state = run::replay(&self.resolved.playbook, verified.entries());
        let exercise = Exercise::new(&verified, &self.resolved.playbook, &state, drill)?;
        Ok(aar::render(format, &exercise))
    }

    /// The journal in the review, as opened at wall time `now`.
    fn review_at(&self, now: &str) -> runsheet::app::review::Review {
        runsheet::app::review::Review::new(
            self.resolved.playbook.clone(),
            "drill.jsonl",
            verify(&self.bytes),
            false,
            support::utc(now),
        )
    }

    /// The report as `export --format aar` renders it: with the fixture
    /// scenario and the draft files read beside the journal.
    fn render_as_the_command(&self, format: Format) -> String {
        let verified = verify(&self.bytes);
        let state = run::replay(&self.resolved.playbook, verified.entries());
        let drill = fixture_drill();
        let drafts = runsheet::export::drafts::DraftTexts::read(
            &self.dir.path().join("drill.jsonl"),
            &verified,
        );
        let exercise = Exercise::new(&verified, &self.resolved.playbook, &state, Some(&drill))
            .expect("the fixture drill is an exercise")
            .with_drafts(&drafts);
        aar::render(format, &exercise)
    }

    /// The journal as `runsheet export --format FORMAT` renders it.
    fn export(&self, format: runsheet::export::Format) -> String {
        let verified = verify(&self.bytes);
        let state = run::replay(&self.resolved.playbook, verified.entries());
        let input = runsheet::export::Input::new(&verified, &self.resolved.playbook, &state);
        runsheet::export::render(format, &input)
    }

    /// The report with the fixture scenario.
    fn render(&self, format: Format) -> String {
        self.report(format, Some(&fixture_drill()))
            .expect("the fixture drill is an exercise")
    }
}

fn drill() -> Fixture {
    Fixture::from_drill(drill_exercise())
}

#[test]
fn golden_reports() {
    let fixture = drill();
    let dir = fixture.dir.path().to_string_lossy().into_owned();
    for format in Format::ALL {
        let text = fixture.render(format);
        assert!(
            !text.contains(&dir),
            "{format:?}: the temporary folder's path leaked into the report"
        );
        insta::assert_snapshot!(format!("drill.{}", format.extension()), text);
    }
}

#[test]
fn the_report_states_what_when_and_the_record_it_rests_on() {
    let fixture = drill();
    let md = fixture.render(Format::Markdown);
    let verified = verify(&fixture.bytes);
    let drill = fixture_drill();
    // What: scenario and playbook, pinned by their hashes.
    for expected in [
        "Fixture drill — case files leaking from a court registry (`fixture-drill`, 7 injects)",
        "`playbooks/drills/fixture-drill.yaml`",
        &format!("`{}` (recorded when the journal was created)", drill.sha256),
        "the scenario file used for this report has the same SHA-256",
        &format!("`{}`", fixture.resolved.playbook.sha256),
        "version 1.0.0",
    ] {
        assert!(md.contains(expected), "{expected}");
    }
    // When: wall time and scenario time covered.
    assert!(md.contains(
        "**Drill started (wall time):** T+00:00 · wall 2026-11-02 09:05 CET (08:05 UTC)"
    ));
    assert!(
        md.contains("of which 25m paused"),
        "15m break + 10m hot-wash"
    );
    assert!(md.contains("T+00:00 to T+75:00 (3d 3h 00m of scenario time)"));
    // The record: entries, head hash, intact.
    let head = verified.head_hash.expect("head hash");
    assert!(md.contains(&format!("**Entries verified:** {}", verified.lines.len())));
    assert!(md.contains(&format!("**Head hash:** `{head}`")));
    assert!(md.contains("✓ intact"));
}

#[test]
fn each_inject_shows_trigger_expectation_evaluation_and_responses() {
    let md = drill().render(Format::Markdown);
    let section = |heading: &str| -> String {
        let from = md.find(heading).unwrap_or_else(|| panic!("{heading}"));
        let rest = &md[from + heading.len()..];
        let to = rest.find("\n### ").unwrap_or(rest.len());
        rest[..to].to_string()
    };
    let i1 = section("### i1: SOC sees anomalous outbound traffic");
    assert!(i1.contains("**Planned trigger:** at T+00:00 on the scenario clock"));
    assert!(i1.contains("**Audience:** Incident commander (ic)"));
    assert!(i1.contains("trigger recorded: `at`"));
    assert!(i1.contains("**Expected response:** Confirm the incident, record awareness"));
    assert!(i1.contains("**Evaluation:** ✓ Performed without Challenges (P): Awareness recorded"));
    assert!(
        i1.contains("| #6 | T+00:10 (+10m) |"),
        "response time since the inject"
    );
    let i2 = section("### i2: A journalist asks for comment");
    assert!(i2.contains("**◐ Performed with Some Challenges (S)**"));
    let i3 = section("### i3: Attacker posts a sample of case files");
    assert!(i3.contains("after \"Isolate affected hosts\" (`isolate`) is done"));
    assert!(i3.contains("**◔ Performed with Major Challenges (M)**"));
    let i4 = section("### i4: The data protection authority calls");
    assert!(i4.contains("when `personal_data` holds"));
    let i5 = section("### i5: A forged document appears among the leaked files");
    assert!(i5.contains("manual: released by the facilitator"));
    assert!(i5.contains("**Evaluation:** not evaluated"));
    assert!(i5.contains("Leaked sample not yet compared"));
    let i6 = section("### i6: A second implant is found on the backup server (not delivered)");
    assert!(i6.contains("**not delivered**: held by the facilitator"));
    let i7 = section("### i7: The CSIRT asks for the final report (not delivered)");
    assert!(i7.contains("never triggered; \"Send the final report\" was not done"));
    assert!(md.contains(
        "7 injects: 5 delivered, 2 not delivered (1 held by the facilitator, 1 never triggered)"
    ));
    assert!(md.contains("rated (HSEEP) P 2, S 1, M 1, U 0; 1 not evaluated"));
}

#[test]
fn deadlines_are_met_or_missed_on_scenario_time() {
    let md = drill().render(Format::Markdown);
    let row = |stage: &str| -> String {
        md.lines()
            .find(|l| l.starts_with("| ") && l.contains(stage))
            .unwrap_or_else(|| panic!("{stage}"))
            .to_string()
    };
    let early = row("`csirt-report.early-warning`");
    assert!(
        early.contains("✓ met, 4h 05m before the deadline"),
        "{early}"
    );
    assert!(
        early.contains("T+24:05 · scenario date 2026-11-03 09:05 CET"),
        "{early}"
    );
    assert!(early.contains("T+20:00 · scenario date"), "{early}");
    assert!(early.contains("at wall 2026-11-02 09:56 CET"), "{early}");
    let late = row("`csirt-report.notification`");
    assert!(
        late.contains("**✗ BREACHED**: not submitted, 2h 55m past due"),
        "{late}"
    );
    assert!(md.contains("1 met, 2 missed"));
    assert!(md.contains("Not legal advice."));
}

#[test]
fn the_improvement_plan_is_sorted_by_due_date_then_owner() {
    let md = drill().render(Format::Markdown);
    let plan = &md[md.find("## Improvement plan").expect("plan")..];
    let rows: Vec<Vec<&str>> = plan
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| Capability"))
        .take(5)
        .map(|r| r.split(" | ").collect())
        .collect();
    // Completion date and point of contact, in plan order.
    let due_owner: Vec<String> = rows.iter().map(|c| format!("{} {}", c[6], c[4])).collect();
    assert_eq!(
        due_owner,
        [
            "2026-12-01 Dana Reyes",
            "2026-12-01 Sam Okafor",
            "2026-12-15 Dana Reyes",
            "2027-01-15 Dana Reyes",
            "**no due date** **no owner**",
        ]
    );
    // The finding and its corrective action are separate columns.
    assert_eq!(
        (rows[3][1], rows[3][2]),
        (
            "The leaked sample was not compared with the records by hash",
            "Add a hash comparison to the leak-handling procedure and train the analysts"
        )
    );
    assert_eq!(rows[0][2], "**to be agreed**");
    assert!(plan.contains(
        "5 actions; 4 still without a corrective action, a point of contact or a completion date"
    ));
}

#[test]
fn participants_and_roles_are_listed() {
    let md = drill().render(Format::Markdown);
    for expected in [
        "| Alex Moreau | facilitator | — |",
        "| Dana Reyes | participant | Incident commander |",
        "| Sam Okafor | participant | Communications lead |",
        "| Lee Chen | participant | — | 1 | T+00:23 · wall",
        "| Incident commander (`ic`) | Dana Reyes | #2 Dana Reyes at T+00:00 by Alex Moreau |",
        "| Communications lead (`comms`) | Sam Okafor | #9 Sam Okafor at T+00:15 by Dana Reyes |",
    ] {
        assert!(md.contains(expected), "{expected}");
    }
}

#[test]
fn exercise_is_marked_at_both_ends_and_on_every_section() {
    let fixture = drill();
    let md = fixture.render(Format::Markdown);
    let first = md.lines().next().unwrap_or_default();
    assert!(
        first.starts_with("# EXERCISE — After-action report"),
        "{first}"
    );
    assert!(
        md.lines()
            .nth(2)
            .is_some_and(|l| l.contains("EXERCISE — EXERCISE")),
        "top banner"
    );
    let last = md.trim_end().lines().last().unwrap_or_default();
    assert!(
        last.contains("EXERCISE — EXERCISE"),
        "bottom banner: {last}"
    );
    let headings: Vec<&str> = md.lines().filter(|l| l.starts_with("## ")).collect();
    assert!(headings.len() >= 12, "{headings:?}");
    for heading in headings {
        assert!(heading.ends_with("— EXERCISE"), "{heading}");
    }

    let html = fixture.render(Format::Html);
    let title = between(&html, "<title>", "</title>").unwrap_or_default();
    assert!(title.starts_with("EXERCISE"), "{title}");
    let body = between(&html, "<body>", "</body>").unwrap_or_default();
    let first_banner = between(body, "<p class=\"banner", "</p>").unwrap_or_default();
    assert!(first_banner.contains("EXERCISE"), "top banner");
    let last_banner = body.rsplit("<p class=\"banner").next().unwrap_or_default();
    assert!(
        last_banner.contains("EXERCISE") && !last_banner.contains("<section"),
        "bottom banner"
    );
    let sections = body.matches("<section ").count();
    assert_eq!(
        body.matches("</h2>").count(),
        sections,
        "one heading a section"
    );
    assert_eq!(
        body.matches("<span class=\"tag\">EXERCISE</span></h2>")
            .count(),
        sections,
        "every section heading is tagged"
    );
    assert!(
        html.contains("@top-center") && html.contains("@bottom-center"),
        "every printed page"
    );
}

#[test]
fn html_is_well_formed_and_requests_nothing() {
    let fixture = drill();
    let html = fixture.render(Format::Html);
    let tags = html_check::parse(&html).unwrap_or_else(|problem| panic!("{problem}"));
    for banned in [
        "<script", "<link", "@import", "url(", "<img", "<iframe", "<object",
    ] {
        assert!(!html.contains(banned), "{banned}");
    }
    let playbook = &fixture.resolved.playbook;
    let listed: Vec<&str> = playbook.clocks.iter().map(|c| c.source.as_str()).collect();
    for tag in &tags {
        for (name, value) in &tag.attributes {
            assert_ne!(name, "src", "<{} src={value}>", tag.name);
            if name == "href" && !value.starts_with('#') {
                assert_eq!(tag.name, "a", "only links may point elsewhere");
                assert!(
                    listed.contains(&value.as_str()),
                    "{value} is not a clock source"
                );
            }
        }
    }
    // The Markdown says the same as the HTML, section by section.
    let md = fixture.render(Format::Markdown);
    assert_eq!(
        md.matches("\n## ").count(),
        html.matches("<section ").count()
    );
}

#[test]
fn reports_are_byte_identical_on_every_run() {
    let first = drill();
    let again = drill();
    assert_eq!(first.bytes, again.bytes, "the fixture is deterministic");
    for format in Format::ALL {
        let a = first.render(format);
        assert_eq!(a, first.render(format), "{format:?}: same input");
        assert_eq!(a, again.render(format), "{format:?}: rebuilt journal");
    }
}

#[test]
fn without_its_scenario_the_report_still_renders_from_the_journal() {
    let fixture = drill();
    let md = fixture.report(Format::Markdown, None).expect("an exercise");
    assert!(md.contains("SCENARIO DEFINITION MISSING: drill scenario `fixture-drill`"));
    assert!(md.contains(
        "The scenario definition is missing, so the exercise's objectives cannot be shown."
    ));
    assert!(
        md.contains("### i2: A journalist asks for comment"),
        "injects from the journal"
    );
    assert!(md.contains("**Expected response:** unknown: the scenario definition is missing"));
    assert!(md.contains("5 injects were delivered"));
    assert!(
        !md.contains("(not delivered)"),
        "the journal cannot know them"
    );
    assert!(
        md.contains("1 met, 2 missed"),
        "deadlines need only the playbook"
    );
    html_check::parse(&fixture.report(Format::Html, None).expect("an exercise"))
        .unwrap_or_else(|problem| panic!("{problem}"));

    // A scenario with another id is not this drill's.
    let mut other = fixture_drill();
    other.id = "another-drill".into();
    let md_other = fixture
        .report(Format::Markdown, Some(&other))
        .expect("an exercise");
    assert_eq!(md_other, md);
}

#[test]
fn a_changed_scenario_file_is_called_out() {
    let fixture = drill();
    let mut changed = fixture_drill();
    changed.sha256 = "f".repeat(64);
    let md = fixture
        .report(Format::Markdown, Some(&changed))
        .expect("an exercise");
    assert!(md.contains("SCENARIO CHANGED: the scenario file found now"));
    assert!(md.contains(&format!(
        "**✗ differs** from the scenario file found now: `{}`",
        "f".repeat(64)
    )));
}

#[test]
fn a_real_incident_has_no_after_action_exercise_report() {
    let j = complete_incident(false);
    let bytes = j.bytes();
    let (_dir, _, resolved) = j.close();
    let fixture = Fixture {
        dir: tempfile::tempdir().expect("temp dir"),
        bytes,
        resolved,
    };
    assert_eq!(fixture.report(Format::Markdown, None), Err(NotAnExercise));
    assert_eq!(
        NotAnExercise.to_string(),
        "this journal is a real incident, not a drill; use --format md or --format html"
    );
}

#[test]
fn a_broken_drill_journal_reports_the_verified_part() {
    let mut fixture = drill();
    let note = b"Leaked sample not yet compared";
    let at = fixture
        .bytes
        .windows(note.len())
        .position(|w| w == note)
        .expect("the note is in the journal");
    fixture.bytes[at] ^= 0x20; // 'L' becomes 'l': still valid JSON and UTF-8
    let verified = verify(&fixture.bytes);
    let broken = verified.broken.as_ref().expect("tampering is detected");
    let md = fixture.render(Format::Markdown);
    assert!(md.contains(&format!("JOURNAL BROKEN at line {}", broken.line)));
    assert!(md.contains(&format!("| line {} | **✗ BROKEN** |", broken.line)));
    assert!(
        !md.contains("Rehearse the backup-server"),
        "nothing after the break"
    );
    assert!(
        md.contains("T+20:00 · scenario date"),
        "clocks at the last verified entry"
    );
    html_check::parse(&fixture.render(Format::Html)).unwrap_or_else(|problem| panic!("{problem}"));
}

/// The command from `tests/fixtures`, where the fixture playbook and drill
/// are local files, with empty configuration and data folders.
fn runsheet(args: &[&str]) -> std::process::Output {
    runsheet_now(args, None)
}

/// [`runsheet`], with `RUNSHEET_NOW` set to `now` when given.
fn runsheet_now(args: &[&str], now: Option<&str>) -> std::process::Output {
    let home = tempfile::tempdir().expect("temp dir");
    let mut command = Command::new(env!("CARGO_BIN_EXE_runsheet"));
    command
        .args(args)
        .env("RUNSHEET_CONFIG_DIR", home.path().join("config"))
        .env("RUNSHEET_DATA_DIR", home.path().join("data"))
        .current_dir(support::fixture(""));
    if let Some(now) = now {
        command.env("RUNSHEET_NOW", now);
    }
    command.output().expect("run runsheet")
}

#[test]
fn the_command_refuses_a_real_incident_with_exit_2() {
    let j = complete_incident(false);
    let path = j.path.to_string_lossy().into_owned();
    for format in ["aar", "aar-html"] {
        let out = runsheet(&["export", &path, "--format", format]);
        assert_eq!(out.status.code(), Some(2), "{format}");
        assert!(out.stdout.is_empty());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(
                "this journal is a real incident, not a drill; use --format md or --format html"
            ),
            "{stderr}"
        );
    }
}

#[test]
fn the_command_finds_the_scenario_and_writes_the_report() {
    let fixture = drill();
    let journal = fixture.dir.path().join("drill.jsonl");
    let journal = journal.to_string_lossy().into_owned();
    let out = runsheet(&["export", &journal, "--format", "aar"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        fixture.render_as_the_command(Format::Markdown)
    );

    let report = fixture.dir.path().join("report.html");
    let out = runsheet(&[
        "export",
        &journal,
        "--format",
        "aar-html",
        "-o",
        &report.to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(&report).expect("report written"),
        fixture.render_as_the_command(Format::Html)
    );
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(&text[from..to])
}

#[test]
fn m7_the_export_docs_describe_aar_and_aar_html() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/export.md"))
        .expect("docs/export.md");
    assert!(doc.contains("## `aar` and `aar-html`"), "a section");
    assert!(doc.contains("--format aar-html"), "an example");
    assert!(
        doc.contains("the journal records a real incident, not a drill"),
        "its exit codes"
    );
}

#[test]
fn m2_markdown_in_inject_texts_is_converted_not_shown_raw() {
    let fixture = drill();
    let mut scenario = fixture_drill();
    let first = scenario.injects.first_mut().expect("an inject");
    first.body = Some("**06:40.** The SOC calls.\nIt runs as `svchost.exe`.\n".into());
    first.expect = Some("- **No immediate block**\n- Verify first\n".into());
    let md = fixture
        .report(Format::Markdown, Some(&scenario))
        .expect("an exercise");
    assert!(
        md.contains("**06:40.** The SOC calls. It runs as `svchost.exe`"),
        "{md}"
    );
    assert!(
        md.contains("• **No immediate block**<br>• Verify first"),
        "{md}"
    );
    assert!(!md.contains("\\*\\*"), "escaped emphasis\n{md}");
    let html = fixture
        .report(Format::Html, Some(&scenario))
        .expect("an exercise");
    assert!(
        html.contains("<strong>06:40.</strong> The SOC calls."),
        "{html}"
    );
    assert!(
        html.contains("<strong>No immediate block</strong>"),
        "{html}"
    );
    assert!(!html.contains("**"), "raw emphasis in html");
}

/// A drill whose awareness is recorded on the scenario clock, which then
/// runs seven scenario hours ahead of the wall: the clock is started at
/// x60 at wall 08:01, awareness is recorded at T+01:00, the facilitator
/// pauses at T+08:00, and a note from the command line (no scenario time
/// of its own) is the last entry, at wall 08:12.
fn drill_aware_on_scenario_time() -> DrillBuilder {
    use runsheet::journal::event::DrillAction;
    let mut d = DrillBuilder::new("2026-11-02T08:00:00Z");
    d.wait(1)
        .control(DrillAction::Start, 60, None, None)
        .wait(1);
    let aware = d.scenario_now().to_rfc3339();
    d.j.set("aware_at", &aware);
    d.wait(7)
        .control(DrillAction::Pause, 60, None, None)
        .wait(3);
    d.cli_note("Lee Chen", "Paused for the hot wash");
    d
}

/// The defect: a drill's `md`/`html` report and `status` showed a time
/// fact (a scenario instant, hours ahead of the wall at x60) beside the
/// wall times of the entries with nothing to tell them apart, so
/// awareness read as hours after the decisions it led to. Such a value
/// reads "scenario date …", and the report says which times are which.
#[test]
fn a_drills_report_and_status_say_which_times_are_scenario_time() {
    let fixture = Fixture::from_drill(drill_aware_on_scenario_time());
    let journal = fixture.dir.path().join("drill.jsonl");
    let journal = journal.to_string_lossy().into_owned();
    let md = runsheet_at_wall(&["export", &journal, "--format", "md"]);
    let status = runsheet_at_wall(&["status", &journal]);
    assert!(
        md.contains("In this drill the entries' times are wall time, while the facts' times and the deadlines are on the scenario clock"),
        "{md}"
    );
    assert!(
        md.contains("| `aware_at` | scenario date 2026-11-02 10:00 CET (09:00 UTC) |"),
        "{md}"
    );
    assert!(
        status.contains("aware_at = scenario date 2026-11-02 10:00 CET (09:00 UTC)"),
        "{status}"
    );
}

/// The defect: the review's timeline gave a drill entry without its own
/// `scenario_ms` (a note from an earlier command line, a session's start)
/// no T+ at all, so its columns shifted; the after-action report places
/// such an entry on the clock rebuilt from the controls, and so does the
/// review now.
#[test]
fn every_row_of_a_drills_review_timeline_has_its_scenario_time() {
    let fixture = Fixture::from_drill(drill_aware_on_scenario_time());
    let mut review = fixture.review_at("2026-11-02T08:12:00Z");
    let screen = support::draw_review(&mut review, 160, 40);
    let note = screen
        .lines()
        .find(|l| l.contains("Paused for the hot wash"))
        .unwrap_or_else(|| panic!("the note's row:\n{screen}"));
    assert!(note.contains(" T+08:00 #"), "{note}");
    let created = screen
        .lines()
        .find(|l| l.contains("#0 "))
        .unwrap_or_else(|| panic!("the first row:\n{screen}"));
    assert!(created.contains(" T+00:00 #0 "), "{created}");
}

/// The defect: `runsheet set` and `note` on a drill journal wrote
/// wall-clock values and no `scenario_ms`, though a drill's facts are
/// scenario instants: nine scenario hours into a drill at x60, "aware
/// now" from the command line landed at the wall's time, before the
/// scenario had begun. They now write on the scenario clock the journal's
/// controls leave, as the drill view does. (Entries always get the real
/// time, so the drill is built ten minutes into the past.)
#[test]
fn set_and_note_from_the_command_line_write_on_a_drills_scenario_clock() {
    use runsheet::journal::event::DrillAction;
    let created = chrono::Utc::now() - chrono::Duration::minutes(10);
    let mut d = DrillBuilder::new(&created.to_rfc3339());
    // Started at x60 a minute later: nine scenario hours have run by now.
    d.wait(1).control(DrillAction::Start, 60, None, None);
    let fixture = Fixture::from_drill(d);
    let journal = fixture.dir.path().join("drill.jsonl");
    let journal = journal.to_string_lossy().into_owned();
    let write = |args: &[&str]| {
        let out = runsheet(args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    write(&["set", &journal, "aware_at=now", "--as", "Lee Chen"]);
    write(&[
        "note",
        &journal,
        "Legal is on the bridge",
        "--as",
        "Lee Chen",
    ]);
    let written: Vec<runsheet::journal::Entry> = std::fs::read_to_string(&journal)
        .expect("journal")
        .lines()
        .map(|l| runsheet::journal::Entry::decode(l).expect("entry"))
        .collect();
    let cli: Vec<_> = written.iter().filter(|e| e.actor == "Lee Chen").collect();
    assert_eq!(cli.len(), 6, "two sessions of three entries: {cli:?}");
    // As the journal holds them (to the microsecond), not as built.
    let origin = written[0].ts;
    let started = written
        .iter()
        .find(|e| e.kind == runsheet::journal::Kind::DrillControl)
        .expect("the start")
        .ts;
    let on_scenario = |entry: &runsheet::journal::Entry| {
        let ms = entry
            .scenario_ms
            .unwrap_or_else(|| panic!("no scenario time: {entry:?}"));
        let wall_ms = (entry.ts - started).num_milliseconds();
        let expected = u64::try_from(wall_ms * 60).expect("after the start");
        assert_eq!(ms, expected, "x60 since the start: {entry:?}");
        origin + chrono::Duration::milliseconds(i64::try_from(ms).expect("ms"))
    };
    for entry in &cli {
        on_scenario(entry);
    }
    let set = cli
        .iter()
        .find(|e| e.kind == runsheet::journal::Kind::FactSet)
        .expect("the fact");
    let value = chrono::DateTime::parse_from_rfc3339(set.data["value"].as_str().expect("time"))
        .expect("RFC 3339");
    assert!(
        (value.with_timezone(&chrono::Utc) - on_scenario(set))
            .num_seconds()
            .abs()
            <= 1,
        "aware_at {value} is not the scenario instant of its entry"
    );
}

/// `runsheet <args>` from `tests/fixtures` with `RUNSHEET_NOW` at the
/// last entry's wall time: a drill's clocks must not follow it.
fn runsheet_at_wall(args: &[&str]) -> String {
    let out = runsheet_now(args, Some("2026-11-02T08:12:00Z"));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// The defect: `status`, the `md`/`html` exports and the review's state
/// tab evaluated a drill's deadline clocks at wall time, while its facts
/// are scenario instants, so they showed a 24-hour clock barely started
/// hours into the scenario. Each must show what `aar` shows: the clocks
/// at the scenario time of the last entry (T+08:00, awareness at T+01:00).
#[test]
fn drill_clocks_in_status_review_and_reports_run_on_scenario_time() {
    let fixture = Fixture::from_drill(drill_aware_on_scenario_time());
    let journal = fixture.dir.path().join("drill.jsonl");
    let journal = journal.to_string_lossy().into_owned();
    let aar = fixture.render(Format::Markdown);
    let md = runsheet_at_wall(&["export", &journal, "--format", "md"]);
    let html = runsheet_at_wall(&["export", &journal, "--format", "html"]);
    let status = runsheet_at_wall(&["status", &journal]);
    let json = runsheet_at_wall(&["status", &journal, "--json"]);
    let mut review = fixture.review_at("2026-11-02T08:12:00Z");
    review.cursor = review.visible.len() - 1;
    review.tab = runsheet::app::review::Tab::State;
    let state = support::draw_review(&mut review, 160, 40);
    review.tab = runsheet::app::review::Tab::Metrics;
    let metrics = support::draw_review(&mut review, 160, 60);

    // What `aar` says, and what every other view must say with it.
    let early = "running: 17h 00m left at the last entry";
    let notification = "running: 2d 17h 00m left at the last entry";
    let elapsed = "without undue delay: 7h 00m elapsed at the last entry";
    for expected in [early, notification, elapsed] {
        assert!(aar.contains(expected), "aar: {expected}\n{aar}");
        assert!(md.contains(expected), "md: {expected}\n{md}");
        assert!(html.contains(expected), "html: {expected}");
    }
    assert!(aar.contains("scenario date 2026-11-02 17:00 CET (16:00 UTC)"));
    assert!(
        md.contains("Deadline clocks are evaluated on scenario time, at the scenario time of the last entry (scenario date 2026-11-02 17:00 CET (16:00 UTC))."),
        "{md}"
    );
    for expected in [
        "csirt-report.early-warning · Early warning · running, 17h 00m left, due",
        "csirt-report.notification · Notification · running, 2d 17h left, due",
        "breach-72h.notify · Notify the authority · without undue delay: 7h 00m elapsed,",
    ] {
        assert!(status.contains(expected), "status: {expected}\n{status}");
    }
    let json: serde_json::Value = serde_json::from_str(&json).expect("status JSON");
    assert_eq!(json["now"], "2026-11-02T16:00:00Z");
    let clock = |stage: &str| {
        json["clocks"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["stage"] == stage))
            .cloned()
            .unwrap_or_else(|| panic!("{stage}"))
    };
    assert_eq!(clock("early-warning")["remaining_seconds"], 17 * 3_600);
    assert_eq!(clock("notify")["elapsed_seconds"], 7 * 3_600);
    for expected in [
        "csirt-report.early-warning: 17h 00m left of the time (29% used)",
        "csirt-report.notification: 2d 17h left of the time (10% used)",
        "breach-72h.notify: if it applies: without undue delay: 7h 00m elapsed,",
    ] {
        assert!(
            state.contains(expected),
            "review state: {expected}\n{state}"
        );
    }
    for expected in ["17h 00m left", "2d 17h 00m left"] {
        assert!(
            metrics.contains(expected),
            "review metrics: {expected}\n{metrics}"
        );
    }
}

/// Defect (DRILL-SCENARIO-TIMES-UNLABELLED, Timesketch): a drill's stated
/// times (a submission's `sent_at`, a date-time fact's value) are scenario
/// instants, yet their events read `Sent` and `Fact value: aware_at`
/// among the wall-clock `Recorded` events, as if they were wall times.
#[test]
fn a_drills_timesketch_events_do_not_say_which_clock_their_times_are_on() {
    let sketch = drill().export(runsheet::export::Format::Timesketch);
    let descs: std::collections::BTreeSet<String> = sketch
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).expect("a JSON line"))
        .filter_map(|event| event["timestamp_desc"].as_str().map(str::to_string))
        .collect();
    assert!(descs.contains("Recorded"), "{descs:?}");
    assert!(descs.contains("Sent (scenario time)"), "{descs:?}");
    assert!(
        descs.contains("Fact value: aware_at (scenario time)"),
        "{descs:?}"
    );
    assert!(
        descs
            .iter()
            .all(|d| d == "Recorded" || d.ends_with(" (scenario time)")),
        "every stated time says its clock: {descs:?}"
    );
}

/// Defect (DRILL-SCENARIO-TIMES-UNLABELLED, reports): a drill's report
/// gave awareness and the notifications in scenario time but the phases
/// in wall time, all unlabelled, so "since awareness" and the phases'
/// chart mixed the afternoon of the drill with the scenario's days, and a
/// submission's "sent at" read as a wall time.
#[test]
fn a_drills_report_mixes_scenario_and_wall_times_unlabelled() {
    let md = drill().export(runsheet::export::Format::Markdown);
    let row = |starts: &str| -> String {
        md.lines()
            .find(|l| l.starts_with(starts))
            .unwrap_or_else(|| panic!("a row starting {starts:?} in\n{md}"))
            .to_string()
    };
    let awareness = row("| Awareness (`aware_at`)");
    assert!(awareness.contains("| scenario date "), "{awareness}");
    let detect = row("| Detect");
    assert!(
        detect.contains("| scenario date ") && !detect.contains("| 2026-11-02 09:"),
        "a phase on the scenario clock: {detect}"
    );
    assert!(md.contains(", sent at scenario date "), "{md}");
    assert!(md.contains("In a drill every time here is on the scenario clock."));
}

/// Defect DRILL-STATUS-SENT-UNLABELLED: a drill's `status` listed what was
/// sent at its scenario instant with nothing to say so, beside the wall
/// times of the other lines, as the reports did before
/// DRILL-SCENARIO-TIMES-UNLABELLED. It reads "sent at scenario date …".
#[test]
fn drill_status_sent_unlabelled() {
    let fixture = drill();
    let journal = fixture.dir.path().join("drill.jsonl");
    let out = runsheet_now(
        &["status", &journal.to_string_lossy()],
        Some("2026-11-02T12:00:00Z"),
    );
    let status = String::from_utf8_lossy(&out.stdout);
    let sent: Vec<&str> = status
        .lines()
        .skip_while(|l| !l.starts_with("Sent ("))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .collect();
    assert_eq!(sent.len(), 1, "{status}");
    let sent = sent[0];
    assert!(
        sent.contains(" · sent at scenario date 2026-11-03 05:00 CET (04:00 UTC) · "),
        "{sent}"
    );
}

/// AAR-RATES-UNDELIVERED-INJECTS: a rating recorded against an inject
/// never delivered (the clock never started) read "not delivered | ✓
/// Performed without Challenges (P)", and rated the objectives it tests
/// as performed. It is reported with its caveat and counts toward no
/// objective.
#[test]
fn aar_rates_undelivered_injects() {
    use runsheet::journal::event::Rating;
    let mut d = DrillBuilder::new("2026-11-02T08:00:00Z");
    d.wait(3)
        .evaluate("i2", Rating::WithoutChallenges, "Statement drafted");
    let report = Fixture::from_drill(d).render(Format::Markdown);
    let rows: Vec<&str> = report
        .lines()
        .filter(|l| {
            l.starts_with("| i2 ")
                || l.starts_with("| o4: ")
                || l.starts_with("- **Evaluation:** ✓")
                || l.starts_with("The scenario has")
        })
        .collect();
    assert_eq!(
        rows,
        [
            "| o4: Give the press an approved holding line without operational detail | Public Information and Warning | i2, i3 | not rated; a rating of i2, never delivered, is left out |",
            "The scenario has 7 injects: 0 delivered, 7 not delivered (0 held by the facilitator, 7 never triggered). Responses to delivered injects were rated (HSEEP) P 0, S 0, M 0, U 0; 0 not evaluated.",
            "| i2 | A journalist asks for comment | at T+00:40 on the scenario clock | **not delivered** | rated ✓ Performed without Challenges (P), but **the inject was never delivered**: not a performance result |",
            "- **Evaluation:** ✓ Performed without Challenges (P): Statement drafted (Alex Moreau at T+00:00, #2), but **the inject was never delivered**: not a performance result, left out of the objectives' ratings",
        ]
    );
}
