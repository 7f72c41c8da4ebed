//! `runsheet export`: golden files of every format on five fixture
//! journals (complete, exercise, corrected, recovered torn tail, tampered),
//! plus checks that hold for any journal: well-formed self-contained HTML,
//! RFC 4180 CSV, importable Timesketch lines, exercise marking everywhere,
//! byte-identical output on every run, and the command's exit codes.

mod support;

use std::path::Path;

use runsheet::commands::open::Resolved;
use runsheet::export::drafts::DraftTexts;
use runsheet::export::{self, Format, Input};
use runsheet::journal::event::Payload;
use runsheet::journal::verify::verify;
use runsheet::journal::writer::JournalFile;
use runsheet::journal::{Draft, Event};
use runsheet::run;
use support::{
    JournalBuilder, complete_incident, html_check, incident_with_correction,
    publish_holding_statement,
};

/// Exports a journal's bytes the way the command does, with the draft
/// texts read from beside `journal`.
fn export_bytes(bytes: &[u8], journal: &Path, resolved: &Resolved, format: Format) -> String {
    let verified = verify(bytes);
    let state = run::replay(&resolved.playbook, verified.entries());
    let drafts = DraftTexts::read(journal, &verified);
    let input = Input::new(&verified, &resolved.playbook, &state).with_drafts(&drafts);
    export::render(format, &input)
}

/// One fixture journal, as bytes, with the folder it was written in.
struct Fixture {
    dir: tempfile::TempDir,
    bytes: Vec<u8>,
    resolved: Resolved,
}

impl Fixture {
    fn from_builder(j: JournalBuilder) -> Self {
        let bytes = j.bytes();
        let (dir, _, resolved) = j.close();
        Self {
            dir,
            bytes,
            resolved,
        }
    }

    fn export(&self, format: Format) -> String {
        let journal = self.dir.path().join("incident.jsonl");
        export_bytes(&self.bytes, &journal, &self.resolved, format)
    }

    /// Writes the journal into `folder` beside its draft files (which
    /// `json` embeds), and returns its path.
    fn copy_into(&self, folder: &Path) -> std::path::PathBuf {
        std::fs::create_dir_all(folder).expect("mkdir");
        for file in std::fs::read_dir(self.dir.path()).expect("fixture folder") {
            let file = file.expect("fixture file").path();
            if file.is_file() {
                std::fs::copy(&file, folder.join(file.file_name().expect("named")))
                    .expect("copy fixture file");
            }
        }
        let journal = folder.join("incident.jsonl");
        std::fs::write(&journal, &self.bytes).expect("write journal");
        journal
    }

    fn all(&self) -> Vec<(Format, String)> {
        Format::ALL.iter().map(|f| (*f, self.export(*f))).collect()
    }
}

fn complete() -> Fixture {
    Fixture::from_builder(complete_incident(false))
}

fn exercise() -> Fixture {
    Fixture::from_builder(complete_incident(true))
}

fn corrected() -> Fixture {
    Fixture::from_builder(incident_with_correction())
}

/// A complete incident whose file then gained half a line (a crash during
/// a write), reopened: the writer quarantines the torn bytes and the
/// `recovery` entries it reports are appended, as `resume` does.
fn recovered() -> Fixture {
    let j = complete_incident(false);
    let at = j.now() + chrono::Duration::minutes(1);
    let torn_seq = j.lines.len();
    let (dir, path, resolved) = j.close();
    let mut bytes = std::fs::read(&path).expect("read journal");
    bytes.extend_from_slice(
        format!("{{\"v\":1,\"seq\":{torn_seq},\"ts\":\"2026-11-05T17:2").as_bytes(),
    );
    std::fs::write(&path, &bytes).expect("tear the journal");
    let opened = JournalFile::open(&path).expect("reopen");
    assert_eq!(opened.recoveries.len(), 1, "one torn tail quarantined");
    let mut file = opened.file;
    for recovery in opened.recoveries {
        file.append(Draft {
            ts: at,
            mono_ms: 0,
            scenario_ms: None,
            session: "session-2".into(),
            actor: "Dana Reyes".into(),
            event: Event::new(Payload::Recovery(recovery)),
        })
        .expect("record recovery");
    }
    drop(file);
    let bytes = std::fs::read(&path).expect("read journal");
    Fixture {
        dir,
        bytes,
        resolved,
    }
}

/// The text of the note tampered with in [`tampered`].
const TAMPERED_NOTE: &[u8] = b"Registry file server moved to quarantine VLAN";

/// A complete incident with one byte flipped inside a note's text in the
/// middle of the file.
fn tampered() -> Fixture {
    let mut fixture = complete();
    let at = find(&fixture.bytes, TAMPERED_NOTE).expect("the note is in the journal");
    fixture.bytes[at] ^= 0x20; // 'R' becomes 'r': still valid JSON and UTF-8
    fixture
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Snapshots every format and checks what must hold for any of them.
fn assert_goldens(name: &str, fixture: &Fixture) {
    let dir = fixture.dir.path().to_string_lossy().into_owned();
    for (format, text) in fixture.all() {
        assert!(
            !text.contains(&dir),
            "{name}.{}: the temporary folder's path leaked into the export",
            format.extension()
        );
        insta::assert_snapshot!(format!("{name}.{}", format.extension()), text);
    }
}

#[test]
fn golden_complete_incident() {
    assert_goldens("complete", &complete());
}

#[test]
fn golden_exercise() {
    assert_goldens("exercise", &exercise());
}

#[test]
fn golden_correction() {
    let fixture = corrected();
    let md = fixture.export(Format::Markdown);
    // The correction and what it corrects appear side by side.
    let row = md
        .lines()
        .find(|l| l.starts_with("| #") && l.contains("Recount after removing"))
        .expect("a corrections row");
    assert!(row.contains("1200") && row.contains("1500"), "{row}");
    assert_goldens("corrected", &fixture);
}

#[test]
fn golden_recovered_torn_tail() {
    let fixture = recovered();
    let md = fixture.export(Format::Markdown);
    assert!(
        md.contains("`incident.jsonl.torn-24-"),
        "quarantine file named"
    );
    assert_goldens("recovered", &fixture);
}

#[test]
fn golden_tampered() {
    let fixture = tampered();
    let verified = verify(&fixture.bytes);
    let broken = verified.broken.as_ref().expect("tampering is detected");
    let md = fixture.export(Format::Markdown);
    assert!(md.contains(&format!("JOURNAL BROKEN at line {}", broken.line)));
    assert!(
        !md.contains("Lessons-learned session"),
        "nothing after the break is reported"
    );
    let csv = fixture.export(Format::Csv);
    assert!(
        csv.trim_end()
            .lines()
            .last()
            .is_some_and(|l| l.contains("verification_failed"))
    );
    assert_goldens("tampered", &fixture);
}

#[test]
fn every_format_is_byte_identical_on_every_run() {
    for (name, build) in [
        ("complete", complete as fn() -> Fixture),
        ("exercise", exercise),
        ("corrected", corrected),
        ("recovered", recovered),
        ("tampered", tampered),
    ] {
        let first = build();
        let again = build();
        assert_eq!(
            first.bytes, again.bytes,
            "{name}: the fixture is deterministic"
        );
        for format in Format::ALL {
            let a = first.export(format);
            assert_eq!(a, first.export(format), "{name} {format:?}: same input");
            assert_eq!(
                a,
                again.export(format),
                "{name} {format:?}: rebuilt journal"
            );
        }
    }
}

#[test]
fn exercise_is_marked_everywhere() {
    let fixture = exercise();
    let md = fixture.export(Format::Markdown);
    let first = md.lines().next().unwrap_or_default();
    assert!(first.starts_with("# EXERCISE"), "{first}");
    assert!(
        md.lines().nth(2).is_some_and(|l| l.contains("EXERCISE")),
        "top banner"
    );
    let last = md.trim_end().lines().last().unwrap_or_default();
    assert!(last.contains("EXERCISE"), "bottom banner: {last}");
    for heading in md.lines().filter(|l| l.starts_with("## ")) {
        assert!(heading.ends_with("EXERCISE"), "{heading}");
    }

    let html = fixture.export(Format::Html);
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
    assert!(
        html.contains("@top-center") && html.contains("@bottom-center"),
        "printed pages"
    );

    let records = parse_csv(&fixture.export(Format::Csv));
    assert_eq!(records[0][0], "exercise");
    for record in &records[1..] {
        assert_eq!(record[0], "EXERCISE", "{record:?}");
    }

    for line in fixture.export(Format::Timesketch).lines() {
        let event: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        assert_eq!(event["exercise"], true, "{line}");
        let tags = event["tag"].as_array().expect("tag list");
        assert!(tags.contains(&"exercise".into()), "{line}");
        let message = event["message"].as_str().unwrap_or_default();
        assert!(message.starts_with("[EXERCISE] "), "{message}");
    }

    let json: serde_json::Value =
        serde_json::from_str(&fixture.export(Format::Json)).expect("JSON");
    assert_eq!(json["exercise"], true);
}

#[test]
fn a_real_incident_is_never_marked_as_an_exercise() {
    for (format, text) in complete().all() {
        assert!(!text.contains("EXERCISE"), "{format:?}");
    }
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = text.find(start)? + start.len();
    let to = text[from..].find(end)? + from;
    Some(&text[from..to])
}

#[test]
fn html_is_well_formed() {
    for fixture in [complete(), exercise(), corrected(), recovered(), tampered()] {
        let html = fixture.export(Format::Html);
        if let Err(problem) = html_check::parse(&html) {
            panic!("{problem}");
        }
    }
}

#[test]
fn html_makes_no_external_request() {
    for fixture in [complete(), corrected(), tampered()] {
        let html = fixture.export(Format::Html);
        let playbook = &fixture.resolved.playbook;
        let listed: Vec<&str> = playbook
            .references
            .iter()
            .chain(playbook.steps().flat_map(|s| s.references.iter()))
            .filter_map(|r| r.url.as_deref())
            .chain(playbook.clocks.iter().map(|c| c.source.as_str()))
            .collect();
        for banned in [
            "<script", "<link", "@import", "url(", "<img", "<iframe", "<object",
        ] {
            assert!(!html.contains(banned), "{banned}");
        }
        let tags = html_check::parse(&html).expect("well formed");
        let mut links = 0;
        for tag in &tags {
            for (name, value) in &tag.attributes {
                assert_ne!(name, "src", "<{} src={value}>", tag.name);
                if name != "href" || value.starts_with('#') {
                    continue;
                }
                assert_eq!(tag.name, "a", "only links may point elsewhere");
                assert!(
                    listed.contains(&value.as_str()),
                    "{value} is not a reference the playbook lists"
                );
                links += 1;
            }
        }
        assert!(links > 0, "the playbook's references are linked");
    }
}

#[test]
fn user_text_is_escaped_in_html_and_markdown() {
    let mut j = complete_incident(false);
    j.note(
        None,
        "<script>alert(1)</script> & [click](javascript:x) | `tick`\n# not a heading",
    );
    let fixture = Fixture::from_builder(j);
    let html = fixture.export(Format::Html);
    assert!(!html.contains("<script>"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; [click](javascript:x)"));
    html_check::parse(&html).expect("well formed");
    let md = fixture.export(Format::Markdown);
    assert!(md.contains("\\<script\\>"));
    assert!(md.contains("\\[click\\](javascript:x) \\| \\`tick\\`<br># not a heading"));
    assert!(!md.lines().any(|l| l.starts_with("# not")));
}

#[test]
fn every_kind_of_entry_reads_as_a_sentence() {
    use runsheet::journal::event::{
        ChecklistItem, DrillAction, DrillControl, InjectDelivered, Observation, ObservationKind,
        Rating, Reopened, SessionEnded,
    };
    let mut j = incident_with_correction();
    j.block("final-report", "Waiting for the forensic report");
    j.event(Event::on_step(
        "confirm",
        Payload::ChecklistItem(ChecklistItem {
            item: 0,
            text: "Collect the alert".into(),
            checked: true,
        }),
    ));
    j.event(Event::on_step(
        "confirm",
        Payload::StepReopened(Reopened {
            reason: Some("New indicators".into()),
        }),
    ));
    j.event(Event::new(Payload::InjectDelivered(InjectDelivered {
        inject: "i1".into(),
        title: "A journalist calls".into(),
        trigger: "manual".into(),
    })));
    j.event(Event::new(Payload::Observation(Box::new(Observation {
        kind: ObservationKind::Evaluation,
        inject: Some("i1".into()),
        rating: Some(Rating::Partly),
        note: "Holding line given late".into(),
        owner: Some("Sam Okafor".into()),
        due: Some("2026-12-01".into()),
        corrective_action: None,
        capability: None,
        organisation: None,
        start: None,
        status: None,
    }))));
    j.event(Event::new(Payload::DrillControl(DrillControl {
        action: DrillAction::Pause,
        speed: 1,
        scenario_ms: 5_400_000,
        inject: None,
    })));
    j.event(Event::new(Payload::SessionEnded(SessionEnded {
        reason: "quit".into(),
    })));
    let fixture = Fixture::from_builder(j);
    let records = parse_csv(&fixture.export(Format::Csv));
    let kinds: std::collections::BTreeSet<&str> =
        records[1..].iter().map(|r| r[5].as_str()).collect();
    assert_eq!(kinds.len(), 20, "every kind but recovery: {kinds:?}");
    for record in &records[1..] {
        let summary = &record[9];
        assert!(
            summary.len() > 10 && !summary.contains("could not be read"),
            "{record:?}"
        );
    }
    let summaries: Vec<&str> = records[1..].iter().map(|r| r[9].as_str()).collect();
    for expected in [
        "Blocked \"Send the final report\": Waiting for the forensic report",
        "Ticked checklist item 1 \"Collect the alert\" on \"Confirm the incident\"",
        "Reopened \"Confirm the incident\": New indicators",
        "Inject i1 delivered (manual): A journalist calls",
        "Evaluation of inject i1, partly met: Holding line given late (owner Sam Okafor, due 2026-12-01)",
        "Drill paused at scenario time T+1h 30m (speed 1x)",
        "Session ended (quit)",
    ] {
        assert!(summaries.contains(&expected), "{expected}\n{summaries:#?}");
    }
}

#[test]
fn csv_is_rfc_4180() {
    let fixture = corrected();
    let text = fixture.export(Format::Csv);
    assert!(text.ends_with("\r\n"));
    let records = parse_csv(&text);
    let header = &records[0];
    assert_eq!(
        header.join(","),
        "seq,ts_utc,scenario_ms,actor,session,kind,step,step_title,phase,summary,data,prev,hash,message,datetime,timestamp_desc"
    );
    let verified = verify(&fixture.bytes);
    assert_eq!(records.len(), verified.lines.len() + 1);
    let mut previous: Option<&Vec<String>> = None;
    for record in &records[1..] {
        assert_eq!(record.len(), header.len(), "{record:?}");
        assert!(record[1].ends_with('Z'), "UTC: {}", record[1]);
        serde_json::from_str::<serde_json::Value>(&record[10]).expect("data is JSON");
        if let Some(p) = previous {
            assert!(p[1] <= record[1], "sorted by time");
            assert_eq!(record[11], p[12], "prev names the row before's hash");
        }
        previous = Some(record);
    }
    assert_eq!(
        previous.map(|r| r[12].as_str()),
        verified.head_hash.as_deref(),
        "the last row's hash is the head hash"
    );
}

#[test]
fn timesketch_lines_are_importable() {
    let fixture = corrected();
    let text = fixture.export(Format::Timesketch);
    let mut last = String::new();
    let mut sent = 0;
    for line in text.lines() {
        let event: serde_json::Value = serde_json::from_str(line).expect("one JSON object a line");
        let object = event.as_object().expect("an object");
        for key in ["message", "datetime", "timestamp_desc"] {
            assert!(
                object.get(key).is_some_and(serde_json::Value::is_string),
                "{key}: {line}"
            );
        }
        assert!(object.keys().all(|k| !k.starts_with('_')), "{line}");
        assert!(
            object
                .iter()
                .all(|(k, v)| !v.is_object() && (k == "tag" || !v.is_array())),
            "flat attributes: {line}"
        );
        let micros = object["timestamp"].as_i64().expect("timestamp in µs");
        let stated =
            chrono::DateTime::parse_from_rfc3339(object["datetime"].as_str().unwrap_or(""))
                .expect("datetime");
        assert_eq!(micros, stated.timestamp_micros(), "{line}");
        let datetime = object["datetime"].as_str().unwrap_or_default().to_string();
        assert!(datetime.ends_with('Z'));
        chrono::DateTime::parse_from_rfc3339(&datetime).expect("ISO 8601");
        assert!(last <= datetime, "sorted by time");
        last = datetime;
        sent += usize::from(object["timestamp_desc"] == "Sent");
    }
    assert_eq!(sent, 4, "one `Sent` line per submission");
}

/// The search index (`OpenSearch`) maps a field by the first type it sees: a fact of every type
/// (datetime, text, choice, number, bool decision, a correction) must not
/// give one attribute two JSON types.
#[test]
fn m7_timesketch_fields_keep_one_type_across_lines() {
    let fixture = corrected();
    let text = fixture.export(Format::Timesketch);
    let mut types: std::collections::BTreeMap<String, (&'static str, String)> =
        std::collections::BTreeMap::new();
    let type_of = |v: &serde_json::Value| match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "bool",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    };
    let mut fact_kinds = std::collections::BTreeSet::new();
    for line in text.lines() {
        let event: serde_json::Value = serde_json::from_str(line).expect("JSON line");
        if let Some(fact) = event["data_fact"].as_str() {
            fact_kinds.insert(fact.to_string());
        }
        for (key, value) in event.as_object().expect("object") {
            let ty = type_of(value);
            assert_ne!(ty, "null", "{key} is null: {line}");
            if key.starts_with("data_") {
                assert_eq!(ty, "string", "{key}: {line}");
            }
            let first = types
                .entry(key.clone())
                .or_insert_with(|| (ty, line.to_string()));
            assert_eq!(
                first.0, ty,
                "{key} changes type between\n{}\nand\n{line}",
                first.1
            );
        }
        let tags = event["tag"].as_array().expect("tag is a list");
        assert_eq!(tags[0], event["kind"], "{line}");
        if let Some(phase) = event["phase"].as_str() {
            assert!(tags.contains(&format!("phase:{phase}").into()), "{line}");
        }
    }
    for fact in [
        "aware_at",
        "org",
        "jurisdictions",
        "records",
        "personal_data",
    ] {
        assert!(
            fact_kinds.contains(fact),
            "the journal sets {fact}: {fact_kinds:?}"
        );
    }
    let aware = text
        .lines()
        .find(|l| l.contains("\"timestamp_desc\":\"Fact value: aware_at\""))
        .expect("the stated time of aware_at is its own event");
    assert!(
        aware.contains("\"datetime\":\"2026-11-02T07:45:00"),
        "{aware}"
    );
}

#[test]
fn csv_has_the_columns_timesketch_requires() {
    let fixture = exercise();
    let records = parse_csv(&fixture.export(Format::Csv));
    let header = &records[0];
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (message, datetime, desc) = (
        column("message"),
        column("datetime"),
        column("timestamp_desc"),
    );
    for record in &records[1..] {
        assert!(record[message].starts_with("[EXERCISE] "), "{record:?}");
        chrono::DateTime::parse_from_rfc3339(&record[datetime]).expect("ISO 8601");
        assert!(!record[desc].is_empty());
    }
}

#[test]
fn json_holds_entries_as_stored_and_the_derived_state() {
    let fixture = tampered();
    let json: serde_json::Value =
        serde_json::from_str(&fixture.export(Format::Json)).expect("JSON");
    let verified = verify(&fixture.bytes);
    assert_eq!(json["format"], "runsheet-export");
    assert_eq!(json["version"], 1);
    assert_eq!(json["generated_for"], "fixture-journal-0001");
    assert_eq!(json["verification"]["intact"], false);
    let broken = verified.broken.as_ref().expect("broken");
    assert_eq!(json["verification"]["broken"]["line"], broken.line);
    let entries = json["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), verified.lines.len());
    for (entry, line) in entries.iter().zip(&verified.lines) {
        let stored: serde_json::Value = serde_json::from_str(&line.text).expect("stored line");
        assert_eq!(entry, &stored);
    }
    assert_eq!(json["state"]["journal"]["intact"], false);
    assert_eq!(json["state"]["now"], json["evaluated_at"]);
}

/// Each row is written field by field (digits, the kind and hex unquoted,
/// `message` copied from `summary`): hostile actors, steps and notes, in a
/// real and an exercise journal, must come out as the general field writer
/// writes them, and `message` must read as `summary` (marked in an
/// exercise).
#[test]
fn csv_rows_written_field_by_field_match_the_field_writer() {
    for exercise in [false, true] {
        let mut j = JournalBuilder::new(
            support::fixture_playbook(),
            "2026-11-02T09:00:00Z",
            exercise,
        );
        for actor in [
            "=HYPERLINK(\"x\")",
            "-1, \"two\"\r\nlines",
            "@sum",
            "+ plain",
        ] {
            j.actor(actor)
                .advance(1)
                .note(Some("confirm"), "=1+1, \"quoted\"\nnext line");
            j.advance(1).note(None, "-starts with a minus");
        }
        let fixture = Fixture::from_builder(j);
        let text = fixture.export(Format::Csv);
        let records = parse_csv(&text);
        let rewritten: String = records.iter().map(|r| reference_record(r)).collect();
        assert_eq!(rewritten, text, "exercise: {exercise}");
        let shift = usize::from(exercise);
        for record in &records[1..] {
            let (summary, message) = (&record[9 + shift], &record[13 + shift]);
            if exercise {
                assert_eq!(message.strip_prefix("[EXERCISE] "), Some(summary.as_str()));
            } else {
                assert_eq!(message, summary);
            }
        }
        let actors: Vec<&str> = records[1..].iter().map(|r| r[3 + shift].as_str()).collect();
        for defused in [
            "'=HYPERLINK(\"x\")",
            "'-1, \"two\"\r\nlines",
            "'@sum",
            "'+ plain",
        ] {
            assert!(actors.contains(&defused), "{defused} in {actors:?}");
        }
    }
}

/// A record as RFC 4180 and the formula rule write its (parsed) fields:
/// an apostrophe before `=`, `+`, `-`, `@`, tab or CR, then quotes when a
/// comma, quote, CR or LF is in the field, quotes doubled.
fn reference_record(fields: &[String]) -> String {
    let written: Vec<String> = fields
        .iter()
        .map(|field| {
            let field = if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                format!("'{field}")
            } else {
                field.clone()
            };
            if field.contains([',', '"', '\r', '\n']) {
                format!("\"{}\"", field.replace('"', "\"\""))
            } else {
                field
            }
        })
        .collect();
    format!("{}\r\n", written.join(","))
}

/// Splits RFC 4180 text into records, checking quoting and CRLF endings.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => {
                quoted = false;
                assert!(
                    matches!(chars.peek(), Some(',' | '\r') | None),
                    "a closing quote ends its field"
                );
            }
            (false, '"') => {
                assert!(field.is_empty(), "quotes open a field");
                quoted = true;
            }
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "CRLF line ends");
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, '\n') => panic!("bare LF outside quotes"),
            (_, c) => field.push(c),
        }
    }
    assert!(
        !quoted && field.is_empty() && record.is_empty(),
        "ends with CRLF"
    );
    records
}

/// A folder to run the command in: the fixture journals name their
/// playbook `fixtures/<id>.yaml`, relative to where the command runs.
fn cli_home() -> tempfile::TempDir {
    let home = support::fast_tempdir();
    let fixtures = home.path().join("fixtures");
    std::fs::create_dir_all(&fixtures).expect("mkdir");
    std::fs::copy(
        support::fixture("playbooks/fixture-incident.yaml"),
        fixtures.join("fixture-incident.yaml"),
    )
    .expect("copy playbook");
    home
}

/// `runsheet ARGS` in folder `home`, with its data and config kept there.
fn run_in(home: &Path, args: &[&str]) -> std::process::Output {
    assert_cmd::Command::cargo_bin("runsheet")
        .expect("binary")
        .current_dir(home)
        .env("RUNSHEET_DATA_DIR", home.join("data"))
        .env("RUNSHEET_CONFIG_DIR", home.join("config"))
        .args(args)
        .output()
        .expect("runs")
}

#[test]
fn the_command_writes_whole_files_and_reports_breaks() {
    let home = cli_home();
    let run = |args: &[&str]| run_in(home.path(), args);
    let write = |name: &str, fixture: &Fixture| {
        let path = home.path().join(name);
        std::fs::write(&path, &fixture.bytes).expect("write journal");
        path.to_string_lossy().into_owned()
    };

    let intact = complete();
    let journal = write("intact.jsonl", &intact);
    let out = run(&["export", &journal, "--format", "md"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        intact.export(Format::Markdown)
    );

    let report = home.path().join("report.html");
    let out = run(&[
        "export",
        &journal,
        "--format",
        "html",
        "-o",
        &report.to_string_lossy(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert_eq!(
        std::fs::read_to_string(&report).expect("report written"),
        intact.export(Format::Html)
    );
    let leftovers: Vec<_> = std::fs::read_dir(home.path())
        .expect("list")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "no temporary file left behind");

    let broken = write("broken.jsonl", &tampered());
    let out = run(&["export", &broken, "--format", "csv"]);
    assert_eq!(out.status.code(), Some(1), "a broken journal exits 1");
    assert!(String::from_utf8_lossy(&out.stdout).contains("verification_failed"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("broken"));

    let missing = home.path().join("missing.jsonl");
    let out = run(&["export", &missing.to_string_lossy(), "--format", "json"]);
    assert_eq!(out.status.code(), Some(2), "a missing file is an IO error");

    let out = run(&["export", &journal, "--format", "aar"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "aar is for exercise journals only"
    );
}

#[test]
fn d10_a_stage_that_does_not_apply_is_never_shown_as_met() {
    let mut j = JournalBuilder::new(support::fixture_playbook(), "2026-11-02T08:00:00Z", false);
    j.set("aware_at", "2026-11-02T08:00:00Z")
        .set("personal_data", "no")
        .advance(60)
        .submit(
            "notify-dpa",
            &["breach-72h.notify", "csirt-report.early-warning"],
            "email",
            "REF-1",
        );
    let playbook = &j.resolved.playbook;
    let state = run::replay(playbook, j.lines.iter().map(|l| &l.entry));
    assert!(!runsheet::clocks::stage_applies(
        playbook,
        &state,
        "breach-72h.notify"
    ));
    assert!(runsheet::clocks::stage_applies(
        playbook,
        &state,
        "csirt-report.early-warning"
    ));
    assert_eq!(
        runsheet::clocks::applicable_stages(
            playbook,
            &state,
            ["breach-72h.notify", "csirt-report.early-warning", "nope.x"]
        ),
        ["csirt-report.early-warning"]
    );
    let md = Fixture::from_builder(j).export(Format::Markdown);
    let key_times = md
        .split("Key times")
        .nth(1)
        .and_then(|rest| rest.split("\n#").next())
        .expect("key times section");
    assert!(
        key_times.contains("(csirt-report.early-warning) to authority"),
        "{key_times}"
    );
    assert!(!key_times.contains("breach-72h.notify"), "{key_times}");
    assert!(
        md.contains("recorded as meeting breach-72h.notify, which does not apply"),
        "{md}"
    );
}

/// A longer journal than the fixtures, with entries out of time order
/// (the clock set back), datetime facts, corrections and notes: more than
/// two batches of 512 lines, so that every core renders several batches,
/// each into a buffer a batch before it filled. Every time an entry can
/// state besides its own is there for Timesketch's events: a fact that
/// occurred earlier, a datetime fact's value, and a correction giving a
/// datetime fact a new value that occurred at another time.
fn generated() -> Fixture {
    let mut j = incident_with_correction();
    for i in 0..1_600_i64 {
        let back = if i % 7 == 3 { -9 } else { 2 };
        j.advance(back).note(
            Some("confirm"),
            &format!("Observation {i}: \"quoted\", a comma, =formula"),
        );
        if i % 40 == 5 {
            j.set("aware_at", "2026-11-02T07:30:00Z");
        }
        if i % 300 == 17 {
            set_occurred(&mut j, "records", 4_000 + i, "2026-11-02T06:15:00Z");
        }
    }
    let aware = j
        .lines
        .iter()
        .rev()
        .find(|l| l.entry.data.get("fact") == Some(&serde_json::json!("aware_at")))
        .map(|l| l.entry.seq)
        .expect("aware_at was set");
    j.advance(5).correct(
        aware,
        "The first alert was earlier",
        serde_json::json!("2026-11-02T07:05:00Z"),
        Some(ts("2026-11-02T07:06:00Z")),
    );
    Fixture::from_builder(j)
}

/// Sets `fact` to `value`, noting that it became true at `occurred`.
fn set_occurred(j: &mut JournalBuilder, fact: &str, value: i64, occurred: &str) {
    j.event(Event::new(Payload::FactSet(
        runsheet::journal::event::FactSet {
            fact: fact.into(),
            value: serde_json::json!(value),
            occurred_at: Some(ts(occurred)),
            confirmed: None,
        },
    )));
}

fn ts(rfc3339: &str) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .expect("a valid time")
        .to_utc()
}

/// The row-per-entry exports are written as the journal is read back;
/// what they write must be exactly what the whole journal rendered in
/// memory gives, and they warn and exit as `md` does (whose warning and
/// exit code `streamed_reports_are_byte_identical_to_the_whole_journal_rendered`
/// checks against the whole journal).
#[test]
fn streamed_exports_are_byte_identical_to_the_whole_journal_rendered() {
    let home = cli_home();
    let run = |args: &[&str]| run_in(home.path(), args);
    let cases = [
        ("complete", complete()),
        ("exercise", exercise()),
        ("corrected", corrected()),
        ("recovered", recovered()),
        ("tampered", tampered()),
        ("generated", generated()),
    ];
    let mut torn = complete();
    torn.bytes
        .extend_from_slice(b"{\"v\":1,\"seq\":99,\"ts\":\"2026-11-0");
    let mut cases = Vec::from(cases);
    cases.push(("torn", torn));
    for (name, fixture) in &cases {
        let journal = fixture.copy_into(&home.path().join(name));
        let journal = journal.to_string_lossy().into_owned();
        let reference = run(&["export", &journal, "--format", "md"]);
        for (format, flag) in [
            (Format::Csv, "csv"),
            (Format::Timesketch, "timesketch"),
            (Format::Json, "json"),
            (Format::CacaoStatus, "cacao-status"),
        ] {
            let expected = fixture.export(format);
            if *name == "generated" && format == Format::Timesketch {
                // Six facts that occurred earlier and the correction.
                assert_eq!(
                    expected
                        .matches(r#""timestamp_desc":"Fact occurred""#)
                        .count(),
                    7
                );
                let corrected = r#""datetime":"2026-11-02T07:05:00.000000Z","timestamp":1793603100000000,"timestamp_desc":"Fact value: aware_at""#;
                assert_eq!(expected.matches(corrected).count(), 1, "{expected}");
            }
            // Standard output is made safe for a terminal as it is printed.
            let printed = match format {
                Format::Json | Format::Timesketch => runsheet::printable::printable_json(&expected),
                _ => runsheet::printable::printable(&expected),
            };
            let out = run(&["export", &journal, "--format", flag]);
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                printed,
                "{name}.{flag} on stdout"
            );
            assert_eq!(out.status.code(), reference.status.code(), "{name}.{flag}");
            assert_eq!(out.stderr, reference.stderr, "{name}.{flag} warnings");
            let file = home.path().join(format!("{name}.{flag}.out"));
            let out = run(&[
                "export",
                &journal,
                "--format",
                flag,
                "-o",
                &file.to_string_lossy(),
            ]);
            assert!(out.stdout.is_empty());
            assert_eq!(
                out.status.code(),
                reference.status.code(),
                "{name}.{flag} -o"
            );
            assert_eq!(out.stderr, reference.stderr, "{name}.{flag} -o warnings");
            assert_eq!(
                std::fs::read_to_string(&file).expect("export written"),
                expected,
                "{name}.{flag} written with -o"
            );
        }
    }
    let codes: Vec<_> = ["tampered", "torn"]
        .iter()
        .map(|name| {
            let journal = home.path().join(name).join("incident.jsonl");
            run(&["export", &journal.to_string_lossy(), "--format", "csv"])
                .status
                .code()
        })
        .collect();
    assert_eq!(
        codes,
        [Some(1), Some(1)],
        "a journal that does not verify exits 1"
    );
}

/// The after-action reports (`md`, `html`) are written section by section
/// as the journal is read back; what they write must be exactly what the
/// whole journal rendered in memory gives, with the same warning and exit
/// code, on intact, corrected, recovered, tampered and torn journals.
#[test]
fn streamed_reports_are_byte_identical_to_the_whole_journal_rendered() {
    let home = cli_home();
    let run = |args: &[&str]| run_in(home.path(), args);
    let mut torn = complete();
    torn.bytes
        .extend_from_slice(b"{\"v\":1,\"seq\":99,\"ts\":\"2026-11-0");
    let cases = [
        ("complete", complete()),
        ("exercise", exercise()),
        ("corrected", corrected()),
        ("recovered", recovered()),
        ("tampered", tampered()),
        ("generated", generated()),
        ("torn", torn),
    ];
    for (name, fixture) in &cases {
        // Beside the draft files the whole-journal render reads.
        let journal = fixture.dir.path().join("incident.jsonl");
        std::fs::write(&journal, &fixture.bytes).expect("write journal");
        let verified = verify(&fixture.bytes);
        let journal = journal.to_string_lossy().into_owned();
        for (format, flag) in [(Format::Markdown, "md"), (Format::Html, "html")] {
            let expected = fixture.export(format);
            let out = run(&["export", &journal, "--format", flag]);
            assert_eq!(
                String::from_utf8_lossy(&out.stdout),
                runsheet::printable::printable(&expected),
                "{name}.{flag} on stdout"
            );
            let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
            if verified.is_intact() {
                assert!(!stderr.contains("exported the"), "{name}.{flag}: {stderr}");
            } else {
                assert_eq!(out.status.code(), Some(1), "{name}.{flag}");
                let told = format!("exported the {} ", verified.lines.len());
                assert!(stderr.contains(&told), "{name}.{flag}: {stderr}");
            }
            let file = home.path().join(format!("{name}.{flag}"));
            let written = run(&[
                "export",
                &journal,
                "--format",
                flag,
                "-o",
                &file.to_string_lossy(),
            ]);
            assert!(written.stdout.is_empty());
            assert_eq!(written.status.code(), out.status.code(), "{name}.{flag} -o");
            assert_eq!(written.stderr, out.stderr, "{name}.{flag} -o warnings");
            assert_eq!(
                std::fs::read_to_string(&file).expect("export written"),
                expected,
                "{name}.{flag} written with -o"
            );
        }
    }
}

/// An exercise report marks every heading EXERCISE, subheadings too
/// ("Sources", a sent text, "Skipped and blocked"): a part copied out of
/// the report on its own must still read as a drill's.
#[test]
fn every_subheading_of_an_exercise_report_says_exercise() {
    let mut j = complete_incident(true);
    support::publish_holding_statement(&mut j);
    let bytes = j.bytes();
    let path = j.path.clone();
    let resolved = j.resolved.clone();
    let md = export_bytes(&bytes, &path, &resolved, Format::Markdown);
    let subheadings: Vec<&str> = md.lines().filter(|l| l.starts_with("### ")).collect();
    assert!(!subheadings.is_empty(), "{md}");
    for heading in subheadings {
        assert!(heading.ends_with(" — EXERCISE"), "{heading}");
    }
    let html = export_bytes(&bytes, &path, &resolved, Format::Html);
    let h3s: Vec<&str> = html.lines().filter(|l| l.starts_with("<h3>")).collect();
    assert!(!h3s.is_empty(), "{html}");
    for heading in h3s {
        assert!(heading.contains("EXERCISE"), "{heading}");
    }
    let real = complete_incident(false);
    let md = export_bytes(&real.bytes(), &real.path, &real.resolved, Format::Markdown);
    assert!(!md.contains("EXERCISE"), "a real incident's report: {md}");
}

/// The defect: the report's Notes table showed a note's corrected text
/// under the note's author with no mark, so a reviewer read words Bob
/// never wrote as Bob's; the Decisions and Roles tables did the same with
/// a corrected rationale, decider or person (and a corrected decider was
/// marked on the rationale). Each corrected value now says which entry
/// corrected it, who wrote that entry and what it was, in the cell of the
/// field corrected and no other.
#[test]
fn a_corrected_note_decision_or_role_is_never_shown_as_its_authors_words() {
    let mut j = complete_incident(false);
    publish_holding_statement(&mut j);
    let role = j.seq_of(runsheet::journal::Kind::RoleAssigned);
    j.actor("Bob Lin").note(None, "Backups are intact");
    let note = j.lines.last().expect("note").entry.seq;
    let decision = j.seq_of(runsheet::journal::Kind::Decision);
    let why = "Misheard on the bridge";
    j.advance(5)
        .actor("Ana Ruiz")
        .correct_fields(note, why, &[("text", "Backups are encrypted too")])
        .correct_fields(decision, why, &[("rationale", "Contact details and IDs")])
        .correct_fields(decision, why, &[("decider", "Sam Okafor")])
        .correct_fields(role, why, &[("person", "Sam Okafor-Reid")]);
    let fixture = Fixture::from_builder(j);
    let (note_fix, rationale_fix, decider_fix, role_fix) = (note + 1, note + 2, note + 3, note + 4);
    let md = fixture.export(Format::Markdown);
    for expected in [
        format!(
            "| Bob Lin | — | Backups are encrypted too (corrected in #{note_fix} by Ana Ruiz; was “Backups are intact”) |"
        ),
        format!(
            "| Sam Okafor (recorded by Dana Reyes) (corrected in #{decider_fix} by Ana Ruiz; was “Dana Reyes”) |"
        ),
        format!(
            "| Contact details and IDs (corrected in #{rationale_fix} by Ana Ruiz; was “Case-party contact details were in the exfiltrated share”) |"
        ),
        format!(
            "| Sam Okafor-Reid (corrected in #{role_fix} by Ana Ruiz; was “Sam Okafor”) | Dana Reyes |"
        ),
    ] {
        assert!(md.contains(&expected), "{expected}\n{md}");
    }
    let html = fixture.export(Format::Html);
    assert!(html.contains(&format!(
        "Backups are encrypted too (corrected in #{note_fix} by Ana Ruiz; was “Backups are intact”)"
    )));
}

/// EXPORT-O-OVERWRITES-JOURNAL: `-o` naming the journal (by any spelling,
/// a hard link or a symbolic link), a draft its chain covers, an evidence
/// file it registers, or a case's journal is refused with exit 2 before
/// anything is written: the journal and its files stay byte for byte.
#[test]
fn export_o_overwrites_journal() {
    let mut j = complete_incident(false);
    publish_holding_statement(&mut j);
    let (dir, journal, _) = j.close();
    let d = dir.path();
    let draft = d.join("incident.jsonl.holding-statement-v1.txt");
    std::fs::write(d.join("disk.img"), b"image bytes").expect("evidence file");
    std::fs::hard_link(&journal, d.join("hard.jsonl")).expect("hard link");
    std::os::unix::fs::symlink(&journal, d.join("soft.csv")).expect("symlink");
    let run = |args: &[&str]| run_in(d, args);
    let added = run(&[
        "evidence",
        "add",
        "incident.jsonl",
        "disk.img",
        "--as",
        "Dana Reyes",
    ]);
    assert_eq!(added.status.code(), Some(0), "{added:?}");
    let files = || {
        [
            "incident.jsonl",
            "incident.jsonl.holding-statement-v1.txt",
            "disk.img",
        ]
        .map(|name| std::fs::read(d.join(name)).expect("read"))
    };
    let before = files();
    // The journal names its playbook `fixtures/<id>.yaml`, relative to
    // where the command runs: the export could otherwise not be made.
    let playbook = support::fixture("playbooks/fixture-incident.yaml");
    std::fs::create_dir_all(d.join("fixtures")).expect("mkdir");
    std::fs::copy(&playbook, d.join("fixtures/fixture-incident.yaml")).expect("copy playbook");
    let listing = || {
        let mut names: Vec<String> = std::fs::read_dir(d)
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let names_before = listing();
    let absolute = journal.to_string_lossy().into_owned();
    let draft_abs = draft.to_string_lossy().into_owned();
    let playbook = playbook.to_string_lossy().into_owned();
    let journal_rule = "export only reads the journal; choose another output file\n";
    let cases: [(&[&str], String); 7] = [
        (
            &["export", "incident.jsonl", "--format", "csv", "-o", "incident.jsonl"],
            format!("error: incident.jsonl: refusing to write here: this is incident.jsonl, the journal; {journal_rule}"),
        ),
        (
            &["export", "./incident.jsonl", "--format", "json", "-o", &absolute],
            format!("error: {absolute}: refusing to write here: this is ./incident.jsonl, the journal; {journal_rule}"),
        ),
        (
            &["export", "incident.jsonl", "--format", "md", "-o", "hard.jsonl"],
            format!("error: hard.jsonl: refusing to write here: this is incident.jsonl, the journal; {journal_rule}"),
        ),
        (
            &["export", "incident.jsonl", "--format", "html", "-o", "soft.csv"],
            format!("error: soft.csv: refusing to write here: this is incident.jsonl, the journal; {journal_rule}"),
        ),
        (
            &["export", "incident.jsonl", "--format", "csv", "-o", &draft_abs],
            format!("error: {draft_abs}: refusing to write here: this is incident.jsonl.holding-statement-v1.txt, the message draft line 27 of the journal incident.jsonl covers; {journal_rule}"),
        ),
        (
            &["export", "incident.jsonl", "--format", "custody-csv", "-o", "disk.img"],
            format!(
                "error: disk.img: refusing to write here: this is {}, evidence item E1, registered by line 32 of the journal incident.jsonl; {journal_rule}",
                d.join("disk.img").display()
            ),
        ),
        (
            &["export-playbook", &playbook, "--format", "cacao", "-o", "hard.jsonl"],
            "error: hard.jsonl: is a runsheet journal; refusing to replace it (a journal is only ever appended to)\n".to_string(),
        ),
    ];
    for (args, expected) in cases {
        let out = run(args);
        assert_eq!(String::from_utf8_lossy(&out.stderr), expected, "{args:?}");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(files() == before, "{args:?} changed a covered file");
        assert_eq!(listing(), names_before, "{args:?} left a file behind");
    }
    let verified = run(&["verify", "incident.jsonl"]);
    assert_eq!(verified.status.code(), Some(0), "{verified:?}");

    refuses_the_files_of_a_case(d, &run, journal_rule);
}

/// For [`export_o_overwrites_journal`]: a case's journals and `case.yaml`
/// are covered too, made from the journal in `d`.
fn refuses_the_files_of_a_case(
    d: &Path,
    run: &dyn Fn(&[&str]) -> std::process::Output,
    journal_rule: &str,
) {
    // A case: its journals and its case.yaml are covered too.
    let made = run(&["case", "from", "incident.jsonl", "case"]);
    assert_eq!(made.status.code(), Some(0), "{made:?}");
    let case_journal = std::fs::read_dir(d.join("case/journals"))
        .expect("journals")
        .map(|e| e.expect("entry").path())
        .find(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .expect("a case journal");
    let case_bytes = std::fs::read(&case_journal).expect("read");
    let shown = case_journal
        .strip_prefix(d)
        .expect("inside")
        .to_string_lossy()
        .into_owned();
    for (output, what) in [
        (shown.as_str(), "a journal of the case case"),
        ("case/case.yaml", "the case's case.yaml"),
    ] {
        let out = run(&["export", "case", "--format", "md", "-o", output]);
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            format!(
                "error: {output}: refusing to write here: this is {output}, {what}; {journal_rule}"
            )
        );
        assert_eq!(out.status.code(), Some(2));
    }
    assert!(std::fs::read(&case_journal).expect("read") == case_bytes);
}

/// EXPORT-O-OVERWRITES-JOURNAL, the other writers: `import -o`, `key new`
/// (its `.pub`), `checkpoint` (its note) and `anchor request` (its `.tsq`)
/// each refuse, exit 2, when the file they would write is a journal (here
/// hard links to it), and nothing is written: no checkpoint entry either.
#[test]
fn every_writer_refuses_to_replace_a_journal() {
    let (dir, journal, _) = complete_incident(false).close();
    let d = dir.path();
    let run = |args: &[&str]| run_in(d, args);
    let key = run(&["key", "new", "signing"]);
    assert_eq!(key.status.code(), Some(0), "{key:?}");
    let checkpoint = run(&[
        "checkpoint",
        "incident.jsonl",
        "--key",
        "signing",
        "--as",
        "Dana Reyes",
    ]);
    assert_eq!(checkpoint.status.code(), Some(0), "{checkpoint:?}");
    let note = std::fs::read_dir(d)
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .find(|n| Path::new(n).extension().is_some_and(|e| e == "note"))
        .expect("the checkpoint's note");
    // A checkpoint is the next entry: its seq is the journal's line count.
    let lines = std::fs::read_to_string(&journal)
        .expect("read")
        .lines()
        .count();
    let next_note = format!("incident.jsonl.checkpoint-{lines}.note");
    let tsq = format!("{note}.tsq");
    for link in ["import.yaml", "other.pub", tsq.as_str(), next_note.as_str()] {
        std::fs::hard_link(&journal, d.join(link)).expect("hard link");
    }
    let before = std::fs::read(&journal).expect("read");
    let cacao = support::fixture("interop/one-manual-step.json");
    let cacao = cacao.to_string_lossy().into_owned();
    let refusal =
        "is a runsheet journal; refusing to replace it (a journal is only ever appended to)";
    let cases: [(&[&str], String); 4] = [
        (
            &["import", &cacao, "-o", "import.yaml"],
            format!("error: import.yaml: {refusal}"),
        ),
        (
            &["key", "new", "other"],
            "error: other.pub: refusing to write here: this is other.pub, a runsheet journal"
                .into(),
        ),
        (
            &["anchor", "request", &note],
            format!("error: {tsq}: cannot write: {refusal}"),
        ),
        (
            &[
                "checkpoint",
                "incident.jsonl",
                "--key",
                "signing",
                "--as",
                "Dana Reyes",
            ],
            format!("error: incident.jsonl: ./{next_note}: cannot write: {refusal}"),
        ),
    ];
    for (args, expected) in cases {
        let out = run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.starts_with(&expected), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(std::fs::read(&journal).expect("read"), before, "{args:?}");
    }
    assert!(!d.join("other").exists(), "no key without its .pub");
    let verified = run(&["verify", "incident.jsonl"]);
    assert_eq!(verified.status.code(), Some(0), "{verified:?}");
}
