//! Journal durability and integrity: replay equals live state, recovery at
//! every cut, tamper detection at the altered line, SIGKILL safety, locking.

mod support;

use std::io::{BufRead as _, BufReader, Write as _};
use std::process::{Command, Stdio};

use proptest::prelude::*;
use runsheet::journal::event::{Note, Payload};
use runsheet::journal::verify::verify;
use runsheet::journal::writer::{JournalFile, OpenError};
use runsheet::journal::{Draft, Event, Line};
use runsheet::playbook::FactValue;
use runsheet::run::{self, RunState};
use support::{JournalBuilder, fixture_playbook};

/// Actions a responder can take, as the property generator sees them.
#[derive(Debug, Clone)]
enum Action {
    Start(usize),
    Done(usize),
    Skip(usize),
    Block(usize),
    Reopen(usize),
    Note(String),
    SetRecords(u32),
    SetOrg(String),
    Decide(bool),
    Wait(u16),
}

fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        (0..10usize).prop_map(Action::Start),
        (0..10usize).prop_map(Action::Done),
        (0..10usize).prop_map(Action::Skip),
        (0..10usize).prop_map(Action::Block),
        (0..10usize).prop_map(Action::Reopen),
        "[a-zA-Z0-9 \"\\\\é✓\n]{0,40}".prop_map(Action::Note),
        any::<u32>().prop_map(Action::SetRecords),
        "[a-zA-Z ,]{1,20}".prop_map(Action::SetOrg),
        any::<bool>().prop_map(Action::Decide),
        (1..600u16).prop_map(Action::Wait),
    ]
}

fn apply(j: &mut JournalBuilder, action: &Action) {
    let steps: Vec<String> = j.resolved.playbook.steps().map(|s| s.id.clone()).collect();
    match action {
        Action::Start(i) => {
            j.start(&steps[*i]);
        }
        Action::Done(i) => {
            j.done(&steps[*i]);
        }
        Action::Skip(i) => {
            j.skip(&steps[*i], "not needed");
        }
        Action::Block(i) => {
            j.block(&steps[*i], "waiting on vendor");
        }
        Action::Reopen(i) => {
            j.event(Event::on_step(
                steps[*i].clone(),
                Payload::StepReopened(runsheet::journal::event::Reopened::default()),
            ));
        }
        Action::Note(t) => {
            j.note(None, t);
        }
        Action::SetRecords(n) => {
            j.set("records", &n.to_string());
        }
        Action::SetOrg(o) => {
            if !o.trim().is_empty() {
                j.set("org", o);
            }
        }
        Action::Decide(b) => {
            j.decide(
                "scope",
                "personal_data",
                if *b { "yes" } else { "no" },
                "because",
            );
        }
        Action::Wait(m) => {
            j.advance(i64::from(*m));
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// The state built entry by entry as writes are acknowledged equals the
    /// state replayed from the file read back.
    #[test]
    fn replay_of_written_journal_equals_live_state(actions in proptest::collection::vec(action(), 0..40)) {
        let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
        for a in &actions {
            apply(&mut j, a);
        }
        let mut live = RunState::default();
        for line in &j.lines {
            live.apply(&j.resolved.playbook, &line.entry);
        }
        let checked = verify(&j.bytes());
        prop_assert!(checked.is_intact());
        let replayed = run::replay(&j.resolved.playbook, checked.entries());
        prop_assert_eq!(&replayed, &live);
        // Re-encoding every decoded line gives the stored bytes.
        for line in &checked.lines {
            prop_assert_eq!(line.entry.encode(), line.text.clone());
        }
    }
}

/// What replay should conclude from `actions`, worked out without any of
/// replay's code: each step's last status and how many changes it had,
/// each fact's last value, and how many notes and decisions were taken.
#[derive(Debug, Default, PartialEq)]
struct Expected {
    steps: std::collections::BTreeMap<String, (run::StepStatus, usize)>,
    facts: std::collections::BTreeMap<&'static str, FactValue>,
    notes: usize,
    decisions: usize,
}

fn expected(steps: &[String], actions: &[Action]) -> Expected {
    let mut model = Expected::default();
    let mut change = |step: usize, status| {
        let entry = model
            .steps
            .entry(steps[step].clone())
            .or_insert((run::StepStatus::Open, 0));
        *entry = (status, entry.1 + 1);
    };
    for action in actions {
        match action {
            Action::Start(i) => change(*i, run::StepStatus::InProgress),
            Action::Done(i) => change(*i, run::StepStatus::Done),
            Action::Skip(i) => change(*i, run::StepStatus::Skipped),
            Action::Block(i) => change(*i, run::StepStatus::Blocked),
            Action::Reopen(i) => change(*i, run::StepStatus::Open),
            Action::Note(_) => model.notes += 1,
            Action::SetRecords(n) => {
                model
                    .facts
                    .insert("records", FactValue::Number(f64::from(*n)));
            }
            Action::SetOrg(o) if !o.trim().is_empty() => {
                model
                    .facts
                    .insert("org", FactValue::Text(o.trim().to_string()));
            }
            Action::SetOrg(_) | Action::Wait(_) => {}
            Action::Decide(b) => {
                model.facts.insert("personal_data", FactValue::Bool(*b));
                model.decisions += 1;
            }
        }
    }
    model
}

/// The same conclusions, read from a replayed state.
fn observed(steps: &[String], state: &RunState) -> Expected {
    let mut seen = Expected {
        notes: state.notes.len(),
        decisions: state.decisions.len(),
        ..Expected::default()
    };
    for id in steps {
        if let Some(step) = state.step(id) {
            seen.steps
                .insert(id.clone(), (step.status, step.history.len()));
        }
    }
    for fact in ["records", "org", "personal_data"] {
        if let Some(value) = state.fact(fact) {
            seen.facts.insert(fact, value.clone());
        }
    }
    seen
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Replay of the written journal reaches what an independent model of
    /// the actions expects: the last status of every step, every fact's
    /// last value, the notes and decisions.
    #[test]
    fn code_q4_replay_agrees_with_an_independent_model(actions in proptest::collection::vec(action(), 0..40)) {
        let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
        for a in &actions {
            apply(&mut j, a);
        }
        let steps: Vec<String> = j.resolved.playbook.steps().map(|s| s.id.clone()).collect();
        let checked = verify(&j.bytes());
        prop_assert!(checked.is_intact());
        let replayed = run::replay(&j.resolved.playbook, checked.entries());
        prop_assert_eq!(observed(&steps, &replayed), expected(&steps, &actions));
    }
}

/// A journal of a dozen varied entries, closed.
fn sample() -> (tempfile::TempDir, std::path::PathBuf, Vec<u8>) {
    let mut j = support::complete_incident(false);
    j.note(
        Some("confirm"),
        "Quoted \"text\", a backslash \\ and unicode ✓",
    );
    let bytes = j.bytes();
    let (dir, path, _) = j.close();
    (dir, path, bytes)
}

#[test]
fn a_journal_cut_at_every_byte_offset_reopens_to_a_valid_prefix() {
    let (dir, _, bytes) = sample();
    let line_ends: Vec<usize> = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i + 1)
        .collect();
    let path = dir.path().join("cut.jsonl");
    for cut in 0..=bytes.len() {
        // Clean slate for each cut: the journal and any quarantine files.
        for entry in std::fs::read_dir(dir.path()).expect("dir").flatten() {
            if entry.file_name().to_string_lossy().starts_with("cut.jsonl") {
                std::fs::remove_file(entry.path()).expect("remove");
            }
        }
        std::fs::write(&path, &bytes[..cut]).expect("write prefix");
        let complete = line_ends.iter().filter(|end| **end <= cut).count();
        match JournalFile::open(&path) {
            Err(OpenError::NotAJournal { .. }) => {
                assert_eq!(complete, 0, "cut {cut}: a complete first line must open");
                continue;
            }
            Err(e) => panic!("cut {cut}: {e}"),
            Ok(opened) => {
                assert_eq!(opened.lines.len(), complete, "cut {cut}");
                let torn = cut
                    - line_ends
                        .get(complete.wrapping_sub(1))
                        .copied()
                        .unwrap_or(0);
                assert_eq!(opened.recoveries.len(), usize::from(torn > 0), "cut {cut}");
                let mut file = opened.file;
                for r in opened.recoveries {
                    assert_eq!(usize::try_from(r.bytes).ok(), Some(torn));
                    let quarantined =
                        std::fs::read(dir.path().join(&r.file)).expect("quarantine file");
                    assert_eq!(quarantined, &bytes[cut - torn..cut]);
                    file.append(draft(Event::new(Payload::Recovery(r))))
                        .expect("append recovery");
                }
                drop(file);
            }
        }
        let after = verify(&std::fs::read(&path).expect("read"));
        assert!(after.is_intact(), "cut {cut}: {:?}", after.broken);
        assert!(after.lines.len() >= complete);
    }
}

#[test]
fn flipping_any_byte_of_any_line_is_reported_at_that_line() {
    let (_dir, _, bytes) = sample();
    let mut start = 0;
    let mut line_no = 0;
    let mut checked = 0;
    while start < bytes.len() {
        let end = start
            + bytes[start..]
                .iter()
                .position(|b| *b == b'\n')
                .expect("newline");
        line_no += 1;
        for offset in start..end {
            for mask in [0x01u8, 0xFF] {
                let mut tampered = bytes.clone();
                tampered[offset] ^= mask;
                let result = verify(&tampered);
                let problem = result
                    .broken
                    .unwrap_or_else(|| panic!("line {line_no}, byte {offset}: not detected"));
                assert_eq!(
                    problem.line, line_no,
                    "byte {offset} ^ {mask:#x}: {problem}"
                );
                checked += 1;
            }
        }
        start = end + 1;
    }
    assert!(checked > 1000);
}

#[test]
fn removing_or_reordering_lines_breaks_the_chain() {
    let (_dir, _, bytes) = sample();
    let text = String::from_utf8(bytes).expect("utf-8");
    let mut lines: Vec<&str> = text.lines().collect();
    let removed: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 3)
        .map(|(_, l)| *l)
        .collect();
    let broken = verify(format!("{}\n", removed.join("\n")).as_bytes())
        .broken
        .expect("removal detected");
    assert_eq!(broken.line, 4);
    assert!(broken.reason.contains("seq"), "{}", broken.reason);
    lines.swap(2, 3);
    let broken = verify(format!("{}\n", lines.join("\n")).as_bytes())
        .broken
        .expect("swap detected");
    assert_eq!(broken.line, 3);
}

fn draft(event: Event) -> Draft {
    Draft {
        ts: support::utc("2026-11-05T00:00:00Z"),
        mono_ms: 0,
        scenario_ms: None,
        session: "test".into(),
        actor: "tester".into(),
        event,
    }
}

#[test]
fn a_second_writer_in_the_same_process_is_refused() {
    let (_dir, path, _) = sample();
    let first = JournalFile::open(&path).expect("first writer");
    match JournalFile::open(&path) {
        Err(OpenError::Locked { holder, .. }) => {
            let holder = holder.expect("lock note names the holder");
            assert!(
                holder.contains(&format!("pid {}", std::process::id())),
                "{holder}"
            );
        }
        other => panic!("expected Locked, got {other:?}"),
    }
    drop(first);
    JournalFile::open(&path).expect("lock released on close");
}

#[test]
fn a_second_writer_in_another_process_is_refused() {
    let (_dir, path, _) = sample();
    let _held = JournalFile::open(&path).expect("first writer");
    let config = tempfile::tempdir().expect("config dir");
    let output = Command::new(env!("CARGO_BIN_EXE_runsheet"))
        .args([
            "note",
            path.to_str().expect("utf-8 path"),
            "from another process",
        ])
        .env("RUNSHEET_CONFIG_DIR", config.path())
        .current_dir(support::fixture(""))
        .output()
        .expect("run runsheet");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("journal already open by another runsheet"),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!("pid {}", std::process::id())),
        "{stderr}"
    );
}

/// The child side of the crash test: appends notes until killed, printing
/// an acknowledgement only after each entry is synced. Does nothing unless
/// started by the crash test.
#[test]
fn crash_child() {
    let Ok(path) = std::env::var("RUNSHEET_CRASH_JOURNAL") else {
        return;
    };
    let round = std::env::var("RUNSHEET_CRASH_ROUND").unwrap_or_default();
    let opened = JournalFile::open(std::path::Path::new(&path)).expect("child opens");
    let mut file = opened.file;
    for r in opened.recoveries {
        file.append(draft(Event::new(Payload::Recovery(r))))
            .expect("recovery");
    }
    let mut stdout = std::io::stdout().lock();
    for n in 0.. {
        let text = format!("round {round} note {n} {}", "x".repeat(n % 700));
        let line: Line = file
            .append(draft(Event::new(Payload::Note(Note {
                text: text.clone(),
            }))))
            .expect("append");
        writeln!(stdout, "ack {} {text}", line.entry.seq).expect("stdout");
        stdout.flush().expect("flush");
    }
}

#[test]
fn sigkill_at_random_moments_loses_no_acknowledged_entry() {
    let (_dir, path, _) = sample();
    let mut acked: Vec<String> = Vec::new();
    let mut rng = 0x2545_f491_4f6c_dd1d_u64;
    for round in 0..60 {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        let wait_for = 1 + (rng % 25) as usize;
        let mut child = Command::new(std::env::current_exe().expect("test binary"))
            .args([
                "--exact",
                "crash_child",
                "--nocapture",
                "--test-threads",
                "1",
            ])
            .env("RUNSHEET_CRASH_JOURNAL", &path)
            .env("RUNSHEET_CRASH_ROUND", round.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn child");
        let mut reader = BufReader::new(child.stdout.take().expect("stdout"));
        let mut seen = 0;
        let mut line = String::new();
        while seen < wait_for {
            line.clear();
            if reader.read_line(&mut line).expect("read") == 0 {
                break;
            }
            if let Some(rest) = line.trim_end().strip_prefix("ack ") {
                let (_, text) = rest.split_once(' ').expect("ack format");
                acked.push(text.to_string());
                seen += 1;
            }
        }
        child.kill().expect("SIGKILL");
        // Acks written before the kill but not yet read are acknowledged too.
        loop {
            line.clear();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                break;
            }
            if let Some(rest) = line.trim_end().strip_prefix("ack ")
                && let Some((_, text)) = rest.split_once(' ')
            {
                acked.push(text.to_string());
            }
        }
        child.wait().expect("reap");
        assert!(seen > 0, "round {round}: child acknowledged nothing");
    }
    let opened = JournalFile::open(&path).expect("reopen after crashes");
    let mut file = opened.file;
    for r in opened.recoveries {
        file.append(draft(Event::new(Payload::Recovery(r))))
            .expect("recovery");
    }
    drop(file);
    let checked = verify(&std::fs::read(&path).expect("read"));
    assert!(checked.is_intact(), "{:?}", checked.broken);
    let notes: Vec<String> = checked
        .entries()
        .filter_map(|e| match e.event().ok()?.payload {
            Payload::Note(n) => Some(n.text),
            _ => None,
        })
        .collect();
    for text in &acked {
        assert_eq!(
            notes.iter().filter(|n| *n == text).count(),
            1,
            "acknowledged entry `{}…` missing or duplicated",
            &text[..text.len().min(30)]
        );
    }
    let mut unique = notes.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), notes.len(), "an entry appears twice");
}

/// The Python recipe in docs/journal-format.md checks real journals: it
/// accepts an intact one and names the altered line of a tampered one.
#[test]
fn the_documented_python_recipe_verifies_journals() {
    if Command::new("python3").arg("--version").output().is_err() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI=true but python3 is missing: .ci/run must install it"
        );
        eprintln!("python3 is not installed: skipping the recipe check");
        return;
    }
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/journal-format.md"
    ))
    .expect("doc");
    let start = doc
        .find("<!-- verify-recipe:start -->")
        .expect("start marker");
    let end = doc.find("<!-- verify-recipe:end -->").expect("end marker");
    let block = &doc[start..end];
    let code = block
        .split("```python\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("python block");
    let (dir, path, bytes) = sample();
    let script = dir.path().join("verify.py");
    std::fs::write(&script, code).expect("script");
    let run = |file: &std::path::Path| {
        Command::new("python3")
            .arg(&script)
            .arg(file)
            .output()
            .expect("python3")
    };
    let ok = run(&path);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let head = runsheet::journal::verify::verify(&bytes)
        .head_hash
        .expect("head");
    assert!(String::from_utf8_lossy(&ok.stdout).contains(&head));
    let mut tampered = bytes.clone();
    let line4 = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(2)
        .map(|(i, _)| i + 20)
        .expect("line 4");
    tampered[line4] ^= 0x01;
    let bad = dir.path().join("tampered.jsonl");
    std::fs::write(&bad, &tampered).expect("write");
    let out = run(&bad);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("line 4"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // DOC-RECIPE-EMPTY-FILE-INTACT: an empty file is no journal, as
    // `runsheet verify` says, never "intact: 0 entries".
    let empty = dir.path().join("empty.jsonl");
    std::fs::write(&empty, b"").expect("write");
    let out = run(&empty);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no complete entry"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
