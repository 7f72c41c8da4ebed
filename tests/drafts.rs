//! Message texts are part of the record: `verify` and `export` check every
//! draft file against the SHA-256 its `message_drafted` entry records, and
//! exports embed the verified text of every message sent or published.

mod support;

use std::path::PathBuf;
use std::process::Output;

use assert_cmd::Command;

const STATEMENT: &str = "Example Court is responding to a security incident.";
const DRAFT_FILE: &str = "incident.jsonl.holding-statement-v1.txt";
/// The holding statement's `message_drafted` entry in the fixture journal.
const DRAFTED_ENTRY: &str = "entry 26 (message_drafted v1 of step `holding-statement`)";

/// A folder holding the fixture playbook where the journal names it, and a
/// journal that published the holding statement, with its draft file.
struct Case {
    home: tempfile::TempDir,
    journal: PathBuf,
}

impl Case {
    fn new() -> Self {
        Self::with(|_| {})
    }

    /// [`Case::new`], with `more` written after the statement is published.
    fn with(more: impl FnOnce(&mut support::JournalBuilder)) -> Self {
        Self::built(false, more)
    }

    /// [`Case::new`] for an exercise journal (one `export --format aar`
    /// reports on).
    fn exercise() -> Self {
        Self::built(true, |_| {})
    }

    fn built(exercise: bool, more: impl FnOnce(&mut support::JournalBuilder)) -> Self {
        let mut j = support::complete_incident(exercise);
        support::publish_holding_statement(&mut j);
        more(&mut j);
        let bytes = j.bytes();
        drop(j.close());
        let home = support::fast_tempdir();
        let fixtures = home.path().join("fixtures");
        std::fs::create_dir_all(&fixtures).expect("mkdir");
        std::fs::copy(
            support::fixture("playbooks/fixture-incident.yaml"),
            fixtures.join("fixture-incident.yaml"),
        )
        .expect("copy playbook");
        let journal = home.path().join("incident.jsonl");
        std::fs::write(&journal, bytes).expect("write journal");
        std::fs::write(home.path().join(DRAFT_FILE), STATEMENT).expect("write draft");
        Self { home, journal }
    }

    fn draft(&self) -> PathBuf {
        self.home.path().join(DRAFT_FILE)
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::cargo_bin("runsheet")
            .expect("binary")
            .current_dir(self.home.path())
            .env("RUNSHEET_DATA_DIR", self.home.path().join("data"))
            .env("RUNSHEET_CONFIG_DIR", self.home.path().join("config"))
            .args(args)
            .output()
            .expect("runs")
    }

    fn journal(&self) -> &str {
        self.journal.to_str().expect("utf-8 path")
    }

    fn export(&self, format: &str) -> Output {
        self.run(&["export", self.journal(), "--format", format])
    }
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn assert_verify_names_the_entry(case: &Case, needle: &str) {
    let out = case.run(&["verify", case.journal()]);
    let report = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{report}");
    assert!(report.contains(DRAFTED_ENTRY), "names the entry: {report}");
    assert!(report.contains(needle), "{needle}: {report}");
    assert!(!report.contains("intact:"), "{report}");
}

#[test]
fn an_intact_draft_verifies() {
    let case = Case::new();
    let out = case.run(&["verify", case.journal()]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("intact:"), "{}", stdout(&out));
}

#[test]
fn an_edited_draft_fails_verify_naming_the_entry() {
    let case = Case::new();
    std::fs::write(case.draft(), "Example Court has no incident.").expect("edit draft");
    assert_verify_names_the_entry(&case, "the draft file was changed");
}

#[test]
fn a_deleted_draft_fails_verify_naming_the_entry() {
    let case = Case::new();
    std::fs::remove_file(case.draft()).expect("delete draft");
    assert_verify_names_the_entry(&case, "the draft file is missing");
}

#[test]
fn every_export_embeds_the_verified_sent_text() {
    let case = Case::new();
    for format in ["md", "html", "json"] {
        let out = case.export(format);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", stderr(&out));
        let text = stdout(&out);
        assert!(text.contains(STATEMENT), "{format} embeds the text: {text}");
        assert!(!text.contains("NOT VERIFIED"), "{format}: {text}");
    }
    let md = stdout(&case.export("md"));
    assert!(
        md.contains(&format!("```text\n{STATEMENT}\n```")),
        "fenced verbatim: {md}"
    );
    assert!(
        md.contains("statement v1 published to public via website"),
        "{md}"
    );
    let html = stdout(&case.export("html"));
    assert!(
        html.contains(&format!("<pre class=\"message\">{STATEMENT}</pre>")),
        "{html}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&case.export("json"))).expect("json export parses");
    let sent = &json["sent_texts"][0];
    assert_eq!(sent["text"], STATEMENT, "{json}");
    assert_eq!(sent["verified"], true);
    assert_eq!(sent["purpose"], "statement");
    assert_eq!(sent["file"], DRAFT_FILE);
    assert_eq!(
        json["verification"]["draft_problems"],
        serde_json::json!([])
    );
}

#[test]
fn an_export_never_shows_an_edited_text_as_sent() {
    let case = Case::new();
    let forged = "Nothing happened & <b>no</b> data was taken.";
    std::fs::write(case.draft(), forged).expect("edit draft");
    for format in ["md", "html", "json"] {
        let out = case.export(format);
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(1), "{format}: {text}");
        assert!(
            stderr(&out).contains("entry 26 (message_drafted v1"),
            "{format}: the warning names the entry: {}",
            stderr(&out)
        );
        assert!(!text.contains("Nothing happened"), "{format}: {text}");
        assert!(!text.contains(STATEMENT), "{format}: {text}");
        assert!(
            text.contains("the draft file was changed"),
            "{format}: {text}"
        );
    }
    let md = stdout(&case.export("md"));
    assert!(md.contains("TEXT NOT VERIFIED"), "{md}");
    assert!(md.contains("MESSAGE TEXTS NOT VERIFIED"), "banner: {md}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&case.export("json"))).expect("json export parses");
    assert_eq!(json["sent_texts"][0]["verified"], false);
    assert!(json["sent_texts"][0].get("text").is_none(), "{json}");
    let problems = json["verification"]["draft_problems"].to_string();
    assert!(problems.contains("entry 26"), "{problems}");
}

#[test]
fn an_export_names_a_deleted_draft() {
    let case = Case::new();
    std::fs::remove_file(case.draft()).expect("delete draft");
    let out = case.export("html");
    let html = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{html}");
    assert!(html.contains("TEXT NOT VERIFIED"), "{html}");
    assert!(html.contains("the draft file is missing"), "{html}");
    assert!(!html.contains(STATEMENT), "{html}");
}

/// The review header as drawn for `case`'s journal, with the draft check
/// the `review` command makes when it opens a journal.
fn review_header(case: &Case) -> String {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use runsheet::app::review::Review;
    use runsheet::export::drafts::DraftTexts;
    use runsheet::ui::Theme;
    use runsheet::ui::review::ReviewView;

    let bytes = std::fs::read(&case.journal).expect("read journal");
    let verified = runsheet::journal::verify::verify(&bytes);
    let problems = DraftTexts::read(&case.journal, &verified).problems(&verified);
    let now = verified.entries().map(|e| e.ts).max().expect("entries");
    let playbook = support::fixture_playbook().playbook;
    let mut review = Review::new(playbook, "incident.jsonl", verified, false, now);
    review.draft_problems = problems;
    let mut terminal = Terminal::new(TestBackend::new(160, 30)).expect("terminal");
    let theme = Theme::default();
    terminal
        .draw(|f| {
            f.render_widget(
                ReviewView {
                    review: &mut review,
                    theme: &theme,
                },
                f.area(),
            );
        })
        .expect("draw");
    let buf = terminal.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn review_shows_a_changed_draft_as_a_verification_failure() {
    let case = Case::new();
    assert!(review_header(&case).contains("✓ intact"));
    std::fs::write(case.draft(), "Example Court has no incident.").expect("edit draft");
    let screen = review_header(&case);
    assert!(screen.contains("✗ MESSAGE DRAFTS DO NOT MATCH"), "{screen}");
    assert!(screen.contains("entry 26 (message_drafted v1"), "{screen}");
    assert!(!screen.contains("✓ intact"), "{screen}");
}

/// `case` with `count` more versions of the holding statement drafted
/// whose files were never copied with the journal.
fn with_missing_drafts(count: u32) -> Case {
    use runsheet::journal::event::{MessageDrafted, Payload, Purpose};
    let mut j = support::complete_incident(false);
    support::publish_holding_statement(&mut j);
    for version in 2..2 + count {
        j.advance(1).actor("Sam Okafor");
        j.event(runsheet::journal::Event::on_step(
            "holding-statement",
            Payload::MessageDrafted(MessageDrafted {
                version,
                purpose: Purpose::Statement,
                subject: None,
                text_sha256: runsheet::hash::sha256_hex(format!("v{version}").as_bytes()),
                file: format!("incident.jsonl.holding-statement-v{version}.txt"),
                gaps: Vec::new(),
                edited: false,
            }),
        ));
    }
    let bytes = j.bytes();
    drop(j.close());
    let case = Case::new();
    std::fs::write(&case.journal, bytes).expect("write journal");
    case
}

/// `message_drafted v{version}`, as a problem names its entry.
fn drafted_version(version: u32) -> String {
    format!("(message_drafted v{version} of step `holding-statement`)")
}

/// [`drafted_version`] as the HTML report writes it.
fn drafted_version_html(version: u32) -> String {
    format!("(message_drafted v{version} of step <code>holding-statement</code>)")
}

#[test]
fn many_missing_drafts_are_counted_in_a_warning_and_listed_in_full_by_verify() {
    let case = with_missing_drafts(6);
    let out = case.export("csv");
    let warning = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{warning}");
    for version in 2..=4 {
        assert!(warning.contains(&drafted_version(version)), "{warning}");
    }
    assert!(!warning.contains(&drafted_version(5)), "{warning}");
    assert!(
        warning.contains("; and 3 more (`runsheet verify` lists every one)"),
        "{warning}"
    );
    let report = stdout(&case.run(&["verify", case.journal()]));
    for version in 2..=7 {
        assert!(report.contains(&drafted_version(version)), "{report}");
    }
    let html = stdout(&case.export("html"));
    let banner = html
        .lines()
        .find(|l| l.contains("MESSAGE TEXTS NOT VERIFIED"))
        .expect("the banner");
    assert!(banner.contains(&drafted_version_html(4)), "{banner}");
    assert!(!banner.contains(&drafted_version_html(5)), "{banner}");
    assert!(
        banner.contains("and 3 more (the Verification section lists every one)"),
        "{banner}"
    );
    let listed = html
        .lines()
        .find(|l| l.contains("draft file(s) missing or changed"))
        .expect("the Verification section's drafts");
    for version in 2..=7 {
        assert!(listed.contains(&drafted_version_html(version)), "{listed}");
    }
    let screen = review_header(&case);
    assert!(
        screen.contains("✗ MESSAGE DRAFTS DO NOT MATCH (6 entries): "),
        "{screen}"
    );
}

/// A send whose channel was corrected later is shown with the corrected
/// channel, as `status` and the replayed state show it, and says so: the
/// report's heading and `json`'s `sent_texts` read the correction too.
#[test]
fn a_sent_text_shows_its_corrected_channel_in_every_export() {
    let case = Case::with(|j| {
        let sent = j
            .lines
            .iter()
            .rev()
            .find(|l| l.entry.kind == runsheet::journal::Kind::Submission)
            .expect("the statement was published")
            .entry
            .seq;
        let mut fields = serde_json::Map::new();
        fields.insert("channel".into(), serde_json::json!("press release"));
        j.advance(5).event(runsheet::journal::Event::new(
            runsheet::journal::event::Payload::Correction(Box::new(
                runsheet::journal::event::Correction {
                    journal: None,
                    corrects: sent,
                    reason: "it went out as a press release, not on the website".into(),
                    value: None,
                    occurred_at: None,
                    fields,
                },
            )),
        ));
    });
    let md = stdout(&case.export("md"));
    assert!(
        md.contains("statement v1 published to public via press release (corrected in #"),
        "{md}"
    );
    // The original stays beside the correction where the report lists
    // entries (the timeline, the corrections table).
    assert!(md.contains("(corrected by entry "), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&case.export("json"))).expect("json export parses");
    assert_eq!(json["sent_texts"][0]["channel"], "press release", "{json}");
}

/// Defect AAR-IGNORES-DRAFT-FAILURE: with a draft file missing, the
/// exercise report said "✓ intact" and exited 0 while `verify`, `md` and
/// `json` exit 1 naming the missing draft.
#[test]
fn aar_ignores_draft_failure() {
    let case = Case::exercise();
    for format in ["aar", "aar-html"] {
        assert_eq!(case.export(format).status.code(), Some(0), "{format}");
    }
    std::fs::remove_file(case.draft()).expect("delete draft");
    let problem = format!("{DRAFTED_ENTRY} names `{DRAFT_FILE}`: the draft file is missing");
    assert_eq!(case.run(&["verify", case.journal()]).status.code(), Some(1));
    for format in ["md", "aar", "aar-html"] {
        let out = case.export(format);
        let text = stdout(&out);
        assert_eq!(out.status.code(), Some(1), "{format}: {text}");
        assert!(
            stderr(&out).contains(&format!(
                "message drafts do not match the journal: {problem}"
            )),
            "{format}: {}",
            stderr(&out)
        );
        assert!(
            text.contains("✗ MESSAGE TEXTS NOT VERIFIED"),
            "{format}: {text}"
        );
        assert!(
            text.contains("✗ 1 draft file(s) missing or changed"),
            "{format}: {text}"
        );
    }
}

/// Defect STATUS-EXIT/INTEGRITY-DISAGREES-WITH-VERIFY: with a draft file
/// missing or changed, or a torn last line, `status` said "intact"
/// (`--json`: `"intact": true, "problem": null`) and exited 0 while
/// `verify` exited 1.
#[test]
fn status_exit_integrity_disagrees_with_verify() {
    let case = Case::new();
    let status = |extra: &[&str]| {
        let mut args = vec!["status", case.journal()];
        args.extend_from_slice(extra);
        case.run(&args)
    };
    assert_eq!(status(&[]).status.code(), Some(0), "intact: exit 0");
    assert!(stdout(&status(&[])).contains(" · intact\n"));

    let problem = format!("{DRAFTED_ENTRY} names `{DRAFT_FILE}`: the draft file is missing");
    std::fs::remove_file(case.draft()).expect("delete draft");
    assert_eq!(case.run(&["verify", case.journal()]).status.code(), Some(1));
    let text = status(&[]);
    assert_eq!(text.status.code(), Some(1));
    assert!(
        stdout(&text).contains(&format!(
            " entries · MESSAGE DRAFTS DO NOT MATCH the journal: {problem}\n"
        )),
        "{}",
        stdout(&text)
    );
    let json = status(&["--json"]);
    assert_eq!(json.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(value["journal"]["intact"], false);
    assert_eq!(
        value["journal"]["problem"],
        format!("MESSAGE DRAFTS DO NOT MATCH the journal: {problem}")
    );

    std::fs::write(case.draft(), "Example Court is not responding.").expect("change draft");
    assert_eq!(status(&[]).status.code(), Some(1), "a changed draft");

    // A torn last line: `verify` exits 1, and so does `status`.
    std::fs::write(case.draft(), STATEMENT).expect("restore draft");
    let mut bytes = std::fs::read(&case.journal).expect("journal");
    bytes.truncate(bytes.len() - 20);
    std::fs::write(&case.journal, bytes).expect("tear");
    assert_eq!(case.run(&["verify", case.journal()]).status.code(), Some(1));
    let torn = status(&[]);
    assert_eq!(torn.status.code(), Some(1));
    assert!(
        stdout(&torn).contains(" · incomplete last line ("),
        "{}",
        stdout(&torn)
    );
    let json = status(&["--json"]);
    assert_eq!(json.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert_eq!(value["journal"]["intact"], false);
}

/// Defect STATUS-ON-BROKEN-JOURNAL-SILENT-ON-STDERR: `status` of a journal
/// that fails verification exited 1 and wrote nothing to stderr, so a
/// script that sent the report to a file saw a failure without a reason.
/// It names the journal and the problem there, as `verify` does.
#[test]
fn status_on_broken_journal_silent_on_stderr() {
    let case = Case::new();
    let intact = case.run(&["status", case.journal()]);
    assert_eq!(intact.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&intact.stderr), "");

    std::fs::remove_file(case.draft()).expect("delete draft");
    for extra in [&[][..], &["--json"][..]] {
        let mut args = vec!["status", case.journal()];
        args.extend_from_slice(extra);
        let out = case.run(&args);
        assert_eq!(out.status.code(), Some(1));
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!(
                "error: {journal} does not verify: MESSAGE DRAFTS DO NOT MATCH the journal: \
                 {DRAFTED_ENTRY} names `{DRAFT_FILE}`: the draft file is missing \
                 (`runsheet verify {journal}` says more)\n",
                journal = case.journal()
            ),
            "{extra:?}"
        );
    }
}
