//! The evidence register end to end: files and a folder of 1,000 files
//! recorded, custody passed on, `evidence check` naming the one file whose
//! byte changed, and the chain-of-custody form.

mod support;

use std::path::Path;
use std::process::{Command, Output};

use support::{JournalBuilder, fixture_playbook};

fn runsheet(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_runsheet"))
        .args(args)
        .current_dir(dir)
        .env("RUNSHEET_CONFIG_DIR", dir.join("config"))
        .env("RUNSHEET_DATA_DIR", dir.join("data"))
        // The responder these commands record as acting.
        .env("USER", "tester")
        .env("RUNSHEET_NOW", "2026-11-28T12:00:00Z")
        .output()
        .expect("run runsheet")
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_folder_of_1000_files_is_recorded_and_one_changed_byte_is_named() {
    let (dir, journal, _) =
        JournalBuilder::new(fixture_playbook(), "2026-11-28T09:00:00Z", false).close();
    let d = dir.path();
    let folder = d.join("collected/logs");
    std::fs::create_dir_all(folder.join("sub")).unwrap();
    for i in 0..1000 {
        let sub = if i % 10 == 0 { "sub/" } else { "" };
        std::fs::write(
            folder.join(format!("{sub}log-{i:04}.txt")),
            format!("line {i}\n"),
        )
        .unwrap();
    }
    std::fs::write(d.join("collected/memory.img"), vec![7u8; 3 << 20]).unwrap();
    let j = journal.to_str().unwrap();
    let added = ok(&runsheet(
        d,
        &[
            "evidence",
            "add",
            j,
            "collected/memory.img",
            "collected/logs",
            "--label",
            "host WS-042",
            "--source",
            "ws-042",
            "--as",
            "Dana Reyes",
        ],
    ));
    assert!(added.contains("1001 item(s), E1–E1001"), "{added}");
    assert!(
        ok(&runsheet(d, &["evidence", "check", j])).contains("intact: all 1001 evidence items")
    );

    // One byte of one file changes.
    let victim = folder.join("log-0457.txt");
    std::fs::write(&victim, "line 458\n").unwrap();
    let out = runsheet(d, &["evidence", "check", j]);
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    let named: Vec<&str> = report
        .lines()
        .filter(|l| l.starts_with("changed:"))
        .collect();
    assert_eq!(named.len(), 1, "{report}");
    assert!(named[0].contains("log-0457.txt"), "{report}");
    assert!(report.contains("1 of 1001 evidence items changed or missing"));

    // Missing, and checked against a copy elsewhere by relative path.
    std::fs::remove_file(d.join("collected/memory.img")).unwrap();
    let out = runsheet(d, &["evidence", "check", j]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("missing: E1 "));
    let copy = d.join("copy");
    std::fs::create_dir_all(copy.join("logs")).unwrap();
    let out = runsheet(d, &["evidence", "check", j, copy.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("1001 of 1001"));
}

#[test]
fn custody_is_recorded_and_exported_as_a_form() {
    let (dir, journal, _) =
        JournalBuilder::new(fixture_playbook(), "2026-11-28T09:00:00Z", false).close();
    let d = dir.path();
    std::fs::write(d.join("disk.img"), b"image bytes").unwrap();
    let j = journal.to_str().unwrap();
    ok(&runsheet(
        d,
        &["evidence", "add", j, "disk.img", "--as", "Dana Reyes"],
    ));
    let moved = ok(&runsheet(
        d,
        &[
            "evidence",
            "transfer",
            j,
            "E1",
            "--to",
            "Lee (forensics lab)",
            "--reason",
            "imaging, sealed bag 7",
            "--as",
            "Dana Reyes",
        ],
    ));
    assert!(
        moved.contains("E1 from Dana Reyes to Lee (forensics lab)"),
        "{moved}"
    );
    let unknown = runsheet(
        d,
        &[
            "evidence", "transfer", j, "E9", "--to", "X", "--reason", "y",
        ],
    );
    assert_eq!(unknown.status.code(), Some(2));
    // The report needs the playbook: a local copy, as a reviewer would have.
    std::fs::create_dir_all(d.join("playbooks")).unwrap();
    std::fs::copy(
        support::fixture("playbooks/fixture-incident.yaml"),
        d.join("playbooks/fixture-incident.yaml"),
    )
    .unwrap();
    let typo = runsheet(
        d,
        &["evidence", "add", j, "disk.img", "--step", "no-such-step"],
    );
    assert_eq!(typo.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&typo.stderr).contains("has no step `no-such-step`"));
    let form = ok(&runsheet(d, &["export", j, "--format", "custody-csv"]));
    let rows: Vec<&str> = form.lines().collect();
    assert_eq!(rows.len(), 4, "{form}");
    assert!(rows[0].starts_with("item,label,name,sha256,size"));
    let sha = runsheet::hash::sha256_hex(b"image bytes");
    assert!(
        rows[1].starts_with(&format!("E1,,disk.img,{sha},11,")),
        "{form}"
    );
    assert!(
        rows[1].ends_with(",Dana Reyes,Dana Reyes,collected\r")
            || rows[1].ends_with(",Dana Reyes,Dana Reyes,collected"),
        "{form}"
    );
    assert!(
        rows[2].contains(",Dana Reyes,Lee (forensics lab),Dana Reyes,\"imaging, sealed bag 7\""),
        "{form}"
    );
    let md = ok(&runsheet(d, &["export", j, "--format", "md"]));
    assert!(md.contains("## Evidence and chain of custody"), "{md}");
    assert!(md.contains("Dana Reyes → Lee (forensics lab)"), "{md}");
    let html = ok(&runsheet(d, &["export", j, "--format", "html"]));
    assert!(html.contains("Evidence and chain of custody") && html.contains(&sha));
    let json: serde_json::Value =
        serde_json::from_str(&ok(&runsheet(d, &["export", j, "--format", "json"]))).unwrap();
    assert_eq!(json["evidence"][0]["sha256"], sha.as_str());
    assert_eq!(
        json["evidence"][0]["custody"][1]["to"],
        "Lee (forensics lab)"
    );
    let verified = ok(&runsheet(d, &["verify", j]));
    assert!(verified.starts_with("intact:"), "{verified}");
    // Read as a stream, the form is the one the whole journal gives, and
    // it ends with the row that ties it to the journal.
    let whole = runsheet::journal::verify::verify(&std::fs::read(&journal).unwrap());
    let expected =
        runsheet::evidence::custody::csv(&runsheet::evidence::register(&whole.lines), false);
    let (made, binding) = form
        .trim_end_matches('\n')
        .rsplit_once('\n')
        .map(|(made, last)| (format!("{made}\n"), last))
        .unwrap();
    assert_eq!(made, runsheet::printable::printable(&expected));
    assert!(binding.starts_with(",,,,,,,,,,,,JOURNAL "), "{binding}");
}

/// A journal (a drill's when `exercise`) with one evidence file `name`
/// registered by Dana Reyes, and its custody form as exported.
fn custody_form_of_one_item(
    exercise: bool,
    name: &str,
) -> (tempfile::TempDir, std::path::PathBuf, String) {
    let (dir, journal, _) =
        JournalBuilder::new(fixture_playbook(), "2026-11-28T09:00:00Z", exercise).close();
    let d = dir.path();
    std::fs::write(d.join(name), b"evidence bytes").unwrap();
    let j = journal.to_str().unwrap();
    ok(&runsheet(
        d,
        &["evidence", "add", j, name, "--as", "Dana Reyes"],
    ));
    let form = ok(&runsheet(d, &["export", j, "--format", "custody-csv"]));
    (dir, journal, form)
}

/// A drill's custody form carries EXERCISE on every row, as every other
/// export of a drill does: a form copied out must never pass for a real
/// incident's chain of custody.
#[test]
fn custody_form_of_an_exercise_marks_every_row_exercise() {
    let (_dir, _, form) = custody_form_of_one_item(true, "note.txt");
    let rows: Vec<&str> = form.lines().collect();
    assert_eq!(rows.len(), 3, "{form}");
    assert!(
        rows[0].starts_with("exercise,item,label,name,sha256"),
        "{form}"
    );
    assert!(rows[1].starts_with("EXERCISE,E1,,note.txt,"), "{form}");
    assert!(rows[2].starts_with("EXERCISE,,"), "{form}");
}

/// The defect: `evidence add` and `transfer` wrote their entry with no
/// session around it, so `verify` of a journal they ended said its tail
/// was written "by a session that never started" and could be anyone's.
#[test]
fn evidence_commands_frame_their_entries_so_the_tail_stays_proven() {
    let mut builder = JournalBuilder::new(fixture_playbook(), "2026-11-28T09:00:00Z", false);
    builder.event(runsheet::journal::Event::new(
        runsheet::journal::event::Payload::SessionEnded(runsheet::journal::event::SessionEnded {
            reason: "quit".into(),
        }),
    ));
    let (dir, journal, _) = builder.close();
    let d = dir.path();
    std::fs::write(d.join("mail.eml"), "From: x\n\nPay now.\n").unwrap();
    let j = journal.to_str().unwrap();
    ok(&runsheet(
        d,
        &["evidence", "add", j, "mail.eml", "--as", "Sam Okafor"],
    ));
    ok(&runsheet(
        d,
        &[
            "evidence",
            "transfer",
            j,
            "E1",
            "--to",
            "Lab",
            "--reason",
            "imaging",
            "--as",
            "Sam Okafor",
        ],
    ));
    let verified = ok(&runsheet(d, &["verify", j]));
    assert!(verified.starts_with("intact"), "{verified}");
    assert!(!verified.contains("tail not proven"), "{verified}");
    let text = std::fs::read_to_string(&journal).unwrap();
    let kinds: Vec<String> = text
        .lines()
        .rev()
        .take(6)
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["kind"].as_str().unwrap_or_default().to_string()
        })
        .collect();
    assert_eq!(
        kinds,
        [
            "session_ended",
            "evidence_transferred",
            "session_started",
            "session_ended",
            "evidence_added",
            "session_started"
        ]
    );
}

/// A journal with one evidence item, then a line of plain text: 5 verified
/// entries and the garbage at line 6. Returns the folder and the journal.
fn journal_with_a_garbage_line() -> (tempfile::TempDir, std::path::PathBuf) {
    let (dir, journal, _) =
        JournalBuilder::new(fixture_playbook(), "2026-11-28T09:00:00Z", false).close();
    std::fs::write(dir.path().join("disk.img"), b"image bytes").expect("evidence");
    let j = journal.to_str().expect("utf-8");
    ok(&runsheet(
        dir.path(),
        &["evidence", "add", j, "disk.img", "--as", "Dana Reyes"],
    ));
    let mut bytes = std::fs::read(&journal).expect("read");
    bytes.extend_from_slice(b"not json at all\n");
    std::fs::write(&journal, bytes).expect("write");
    (dir, journal)
}

/// INTEGRITY-MESSAGES (a): a line that is not JSON is said to be no
/// journal entry, not a line missing its `hash` member.
#[test]
fn integrity_messages_garbage_line_is_not_a_journal_entry() {
    let (dir, journal) = journal_with_a_garbage_line();
    let out = runsheet(dir.path(), &["verify", journal.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        report.lines().next(),
        Some("broken at line 6 (seq 5): not a journal entry: the line is not JSON"),
        "{report}"
    );
}

/// INTEGRITY-MESSAGES (b): the custody form of a broken journal names the
/// file, line and reason in its warning, and ends with a row saying where
/// and why its verified part stops.
#[test]
fn integrity_messages_custody_csv_says_where_and_why_it_stops() {
    let (dir, journal) = journal_with_a_garbage_line();
    let j = journal.to_str().expect("utf-8");
    let out = runsheet(dir.path(), &["export", j, "--format", "custody-csv"]);
    assert_eq!(out.status.code(), Some(1));
    let stops = "journal broken at line 6 (seq 5): not a journal entry: the line is not JSON; the form holds the custody recorded in the 5 entries before it";
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!("warning: {j}: {stops}\n")
    );
    let form = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = form.lines().collect();
    assert_eq!(rows.len(), 4, "{form}");
    assert!(rows[1].starts_with("E1,,disk.img,"), "{form}");
    assert_eq!(rows[2], format!(",,,,,,,,,,,,FORM INCOMPLETE: {stops}"));
    assert!(
        rows[3].starts_with(",,,,,,,,,,,,JOURNAL ")
            && rows[3].contains(": made from its 5 verified entries; head hash "),
        "{form}"
    );
}

/// Defect CUSTODY-CSV-NOT-BOUND-TO-JOURNAL: the custody form named no
/// journal, entry count or head hash, so a form made from a journal cut
/// short could not be told from the whole one's. Its last row ties it to
/// its journal: the id, the entries it is made from and the head hash a
/// reader compares with one kept elsewhere.
#[test]
fn custody_csv_not_bound_to_journal() {
    let (_dir, journal, form) = custody_form_of_one_item(false, "disk.img");
    let bytes = std::fs::read(&journal).unwrap();
    let whole = runsheet::journal::verify::verify(&bytes);
    let first: serde_json::Value =
        serde_json::from_slice(bytes.split(|b| *b == b'\n').next().unwrap()).unwrap();
    let id = first["data"]["journal_id"].as_str().unwrap();
    let last = form.lines().last().unwrap();
    assert_eq!(
        last,
        format!(
            ",,,,,,,,,,,,JOURNAL {id}: made from its {} verified entries; head hash {}",
            whole.lines.len(),
            whole.head_hash.unwrap()
        )
    );
}

/// INTEGRITY-MESSAGES (c): `--expect-head` with a hash the journal does
/// not hold gives one outcome: the chain is described, the failed check is
/// the only verdict (no "intact" beside "broken").
#[test]
fn integrity_messages_expect_head_states_one_outcome() {
    let (dir, journal, _) =
        JournalBuilder::new(fixture_playbook(), "2026-11-28T09:00:00Z", false).close();
    let j = journal.to_str().expect("utf-8");
    let old = "0".repeat(64);
    let out = runsheet(dir.path(), &["verify", j, "--expect-head", &old]);
    assert_eq!(out.status.code(), Some(1));
    let report = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = report.lines().collect();
    assert_eq!(
        lines[0], "hash chain: 2 entries, hash chain verified from the first line",
        "{report}"
    );
    assert!(lines[1].starts_with("head hash: "), "{report}");
    assert_eq!(
        lines[2],
        format!(
            "broken: the expected head {old} is not in this journal: no verified entry has that head hash, so the journal was cut before that entry or rewritten (it has 2 verified entries)"
        )
    );
    assert!(!report.contains("intact"), "{report}");
}
