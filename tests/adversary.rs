//! Hostile files: every input here comes from an attacker who can drop a
//! playbook where responders work or hand over a journal for review. None
//! may crash runsheet (exit 101 or 134), stall it, or write control
//! characters to the reader's terminal.

mod support;

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;

/// A scratch working folder with its own data and config folders.
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Self {
        let dir = support::fast_tempdir();
        for sub in ["data", "config", "playbooks"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("scratch folder");
        }
        Self { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// Copies an adversary fixture into the scratch folder at `rel`.
    fn copy(&self, fixture: &str, rel: &str) -> PathBuf {
        let to = self.path(rel);
        std::fs::copy(adversary(fixture), &to).expect("copy fixture");
        to
    }

    fn write(&self, rel: &str, text: &str) -> PathBuf {
        let to = self.path(rel);
        std::fs::write(&to, text).expect("write scratch file");
        to
    }

    /// Runs runsheet here; never a crash, whatever the input.
    fn run(&self, args: &[&str]) -> Output {
        let out = Command::cargo_bin("runsheet")
            .expect("binary")
            .args(args)
            .current_dir(self.dir.path())
            .env("RUNSHEET_DATA_DIR", self.path("data"))
            .env("RUNSHEET_CONFIG_DIR", self.path("config"))
            .env_remove("RUNSHEET_NOW")
            // Scripts name the actor; with no --as or config, `$USER`.
            .env("USER", "Tester")
            .output()
            .expect("run runsheet");
        let code = out.status.code();
        assert!(
            matches!(code, Some(0..=2)),
            "runsheet {args:?} crashed ({:?}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

fn adversary(name: &str) -> PathBuf {
    support::fixture("adversary").join(name)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Bytes below 0x20 other than newline and tab, DEL, C1 controls, and
/// bidi controls: none may reach a terminal.
fn unsafe_chars(output: &[u8]) -> Vec<char> {
    text(output)
        .chars()
        .filter(|&c| runsheet::printable::is_unsafe(c))
        .collect()
}

fn assert_clean(args: &[&str], out: &Output) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let found = unsafe_chars(bytes);
        assert!(
            found.is_empty(),
            "runsheet {args:?} wrote {found:?} raw to {stream}: {}",
            text(bytes)
        );
    }
}

/// A playbook whose every string is hostile.
const HOSTILE_PLAYBOOK: &str = "runsheet: 1
id: hostile-\u{1b}
title: \"Evil \\e]0;PWNED\\a \\e]52;c;ZXZpbA==\\a \\u202e title\"
version: \"1.0.0\\e[2J\"
summary: \"s \\e[31m red \\x08\\r\"
\"\\e]52;c;ZXZpbA==\\a\\e[2J\": 1
phases:
  - id: p
    title: \"P\\x9b\"
    steps:
      - {id: s, title: \"step \\e[31mred\"}
";

#[test]
fn d4_d8_no_command_writes_control_characters_to_the_terminal() {
    let s = Scratch::new();
    s.copy(
        "terminal-injection-list-status-title.yaml",
        "playbooks/evil.yaml",
    );
    s.copy(
        "terminal-injection-validate-unknown-key.yaml",
        "unknown-key.yaml",
    );
    s.write("hostile.yaml", HOSTILE_PLAYBOOK);
    let j = s.copy("terminal-injection-status-csv.jsonl", "status.jsonl");
    let kind = s.copy("terminal-injection-verify-kind.jsonl", "kind.jsonl");
    let j = j.to_str().expect("utf-8");
    let kind = kind.to_str().expect("utf-8");
    let mut runs: Vec<Vec<&str>> = vec![
        vec!["list"],
        vec![],
        vec!["validate", "playbooks/evil.yaml"],
        vec!["validate", "unknown-key.yaml"],
        vec!["validate", "hostile.yaml"],
        vec!["validate", "playbooks"],
        vec!["verify", j],
        vec!["verify", kind],
        vec!["status", j],
        vec!["status", j, "--json"],
        vec!["status", kind],
    ];
    for format in ["md", "html", "csv", "json", "timesketch", "aar", "aar-html"] {
        runs.push(vec!["export", j, "--format", format]);
    }
    runs.push(vec!["note", j, "\u{1b}]0;PWNED\u{7} note \u{202e}"]);
    runs.push(vec!["set", j, "org=\u{1b}[5mBLINK\u{202e}"]);
    runs.push(vec!["new", "evil", "--title", "t\u{1b}[2J"]);
    for args in &runs {
        let out = s.run(args);
        assert_clean(args, &out);
    }
    // JSON on stdout stays JSON, with the hostile text intact.
    let status = s.run(&["status", j, "--json"]);
    let value: serde_json::Value = serde_json::from_slice(&status.stdout).expect("status JSON");
    assert!(value.to_string().contains('\u{202e}'), "{value}");
    let export = s.run(&["export", j, "--format", "json"]);
    serde_json::from_slice::<serde_json::Value>(&export.stdout).expect("export JSON");
    let sketch = s.run(&["export", j, "--format", "timesketch"]);
    for line in text(&sketch.stdout).lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("timesketch line");
    }
}

#[test]
fn d4_files_written_with_o_keep_the_exact_data() {
    let s = Scratch::new();
    let j = s.copy("terminal-injection-status-csv.jsonl", "status.jsonl");
    let out = s.path("out.csv");
    s.run(&[
        "export",
        j.to_str().expect("utf-8"),
        "--format",
        "csv",
        "-o",
        out.to_str().expect("utf-8"),
    ]);
    let written = std::fs::read_to_string(&out).expect("export written");
    assert!(
        written.contains('\u{1b}'),
        "the file keeps the data as recorded"
    );
}

#[test]
fn d4_verify_names_a_hostile_kind_escaped() {
    let s = Scratch::new();
    let kind = s.copy("terminal-injection-verify-kind.jsonl", "kind.jsonl");
    let out = s.run(&["verify", kind.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("\\u{1b}]0;PWNED"), "{stdout}");
}

#[test]
fn d5_verify_reports_a_draft_outside_the_folder() {
    let s = Scratch::new();
    let j = s.copy("draft-file-path-traversal-etc-passwd.jsonl", "j.jsonl");
    let out = s.run(&["verify", j.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("message_drafted") && stdout.contains("/etc/passwd"),
        "{stdout}"
    );
    assert!(stdout.contains("outside the journal's folder"), "{stdout}");
}

/// The stack-overflow fixture with its `when:` replaced by `when`.
fn with_when(when: &str) -> String {
    let base = std::fs::read_to_string(adversary("stackoverflow-when-parens-10000.yaml"))
        .expect("fixture");
    let start = base.find("when: '").expect("fixture has a when") + "when: '".len();
    let end = start + base[start..].find('\'').expect("closing quote");
    format!("{}{when}{}", &base[..start], &base[end..])
}

fn assert_located_refusal(s: &Scratch, file: &Path, needle: &str) {
    let out = s.run(&["validate", file.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stdout));
    let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
    let name = file.file_name().expect("name").to_string_lossy();
    assert!(
        all.contains(&format!("{name}:")),
        "error names the file: {all}"
    );
    assert!(all.contains(needle), "{needle}: {all}");
}

#[test]
fn d9_deep_when_expressions_are_refused_with_a_located_error() {
    let s = Scratch::new();
    let parens = s.copy("stackoverflow-when-parens-10000.yaml", "parens.yaml");
    assert_located_refusal(&s, &parens, "64 levels");
    let cases = [
        (
            "and.yaml",
            vec!["a"; 30_000].join(" and "),
            "1000 conditions",
        ),
        ("or.yaml", vec!["a"; 50_000].join(" or "), "1000 conditions"),
        (
            "not.yaml",
            format!("{}a", "not ".repeat(50_000)),
            "64 levels",
        ),
    ];
    for (name, when, needle) in cases {
        let file = s.write(name, &with_when(&when));
        assert_located_refusal(&s, &file, needle);
    }
}

#[test]
fn d9_one_bad_local_playbook_never_stops_other_commands() {
    let s = Scratch::new();
    s.copy(
        "stackoverflow-when-parens-10000.yaml",
        "playbooks/deep.yaml",
    );
    let list = s.run(&["list"]);
    assert_eq!(list.status.code(), Some(0), "{}", text(&list.stderr));
    assert!(
        text(&list.stderr).contains("deep.yaml"),
        "the bad file is reported: {}",
        text(&list.stderr)
    );
    assert!(
        text(&list.stdout).contains("ransomware-extortion"),
        "{}",
        text(&list.stdout)
    );
    let new = s.run(&["new", "ransomware-extortion", "--journal", "j.jsonl"]);
    assert_eq!(new.status.code(), Some(0), "{}", text(&new.stderr));
    let note = s.run(&["note", "j.jsonl", "still works"]);
    assert_eq!(note.status.code(), Some(0), "{}", text(&note.stderr));
}

#[test]
fn d10_huge_scenario_times_never_panic() {
    let s = Scratch::new();
    for name in [
        "panic-aar-and-resume-drill-jump-2p63.jsonl",
        "panic-aar-entry-scenario-ms-u64max.jsonl",
    ] {
        let j = s.copy(name, name);
        let j = j.to_str().expect("utf-8");
        for args in [
            vec!["export", j, "--format", "aar-html"],
            vec!["export", j, "--format", "aar"],
            vec!["export", j, "--format", "html"],
            vec!["status", j],
            vec!["verify", j],
        ] {
            s.run(&args);
        }
    }
}

#[test]
fn d15_fifos_and_devices_are_refused_not_waited_on() {
    let s = Scratch::new();
    let fifo = s.path("pipe.yaml");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo");
    assert!(made.success());
    let fifo = fifo.to_str().expect("utf-8");
    for args in [
        vec!["validate", fifo],
        vec!["verify", fifo],
        vec!["status", fifo],
        vec!["note", fifo, "x"],
        vec!["verify", "/dev/zero"],
        vec!["export", "/dev/zero", "--format", "csv"],
    ] {
        let out = s.run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains("not a regular file"),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}

#[test]
fn d16_a_failed_append_says_what_remains_in_the_journal() {
    let s = Scratch::new();
    let new = s.run(&["new", "ransomware-extortion", "--journal", "j.jsonl"]);
    assert_eq!(new.status.code(), Some(0), "{}", text(&new.stderr));
    let size = std::fs::metadata(s.path("j.jsonl")).expect("journal").len();
    // A file-size limit one 512-byte block past the journal's end: the
    // note's line is cut short there, as on a full disk.
    let blocks = size / 512 + 1;
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f {blocks}; exec \"$0\" note j.jsonl \"$1\"",
        ))
        .arg(assert_cmd::cargo::cargo_bin("runsheet"))
        .arg("x".repeat(4096))
        .current_dir(s.path(""))
        .env("RUNSHEET_DATA_DIR", s.path("data"))
        .env("RUNSHEET_CONFIG_DIR", s.path("config"))
        .env_remove("RUNSHEET_NOW")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let bytes = std::fs::read(s.path("j.jsonl")).expect("journal");
    let after = bytes.len() as u64;
    assert!(after > size, "part of the line was written");
    // The command's own session start is whole; the note is cut short.
    let torn = bytes.len() - bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let stderr = text(&out.stderr);
    assert!(!stderr.contains("nothing was recorded"), "{stderr}");
    assert!(
        stderr.contains(&format!("{torn} bytes of this unfinished entry remain")),
        "{stderr}"
    );
    let note = s.run(&["note", "j.jsonl", "after"]);
    assert!(
        text(&note.stdout).contains("recovered an interrupted write"),
        "{}",
        text(&note.stdout)
    );
}

/// A small valid header for generated playbooks.
const HEAD: &str = "runsheet: 1
id: gen
title: G
version: 1.0.0
summary: s
facts:
  - {id: a, prompt: A?, type: bool}
";

fn errors_in(out: &Output) -> usize {
    text(&out.stderr)
        .lines()
        .chain(text(&out.stdout).lines())
        .filter(|l| l.starts_with("error:"))
        .count()
}

#[test]
fn d11_300k_unknown_placeholders_get_a_capped_located_report() {
    let s = Scratch::new();
    let file = s.write(
        "placeholders.yaml",
        &format!(
            "{HEAD}phases:\n  - id: p\n    title: P\n    steps:\n      - id: s1\n        title: S\n        message:\n          body: \"{}\"\n",
            "{{zz}}".repeat(300_000)
        ),
    );
    assert_located_refusal(&s, &file, "placeholders.yaml:15:18");
    let out = s.run(&["validate", "placeholders.yaml"]);
    assert_eq!(errors_in(&out), 101, "100 shown and one count");
    assert!(text(&out.stderr).contains("299900 more like"));
}

#[test]
fn d12_d27_100k_character_ids_are_refused_without_a_quadratic_suggestion() {
    let s = Scratch::new();
    let (fact, capture) = (
        format!("f{}", "a".repeat(99_999)),
        format!("f{}", "b".repeat(99_999)),
    );
    let file = s.write(
        "long-ids.yaml",
        &format!(
            "runsheet: 1\nid: gen\ntitle: G\nversion: 1.0.0\nsummary: s\nfacts:\n  - {{id: {fact}, prompt: A?, type: bool}}\nphases:\n  - id: p\n    title: P\n    steps:\n      - id: s1\n        title: S\n        capture: [{capture}]\n"
        ),
    );
    assert_located_refusal(&s, &file, "longer than 64 characters");
    let out = s.run(&["validate", "long-ids.yaml"]);
    assert!(
        out.stderr.len() + out.stdout.len() < 8_000,
        "names are quoted shortened"
    );
}

#[test]
fn d13_30k_duplicate_ids_get_a_capped_report() {
    let s = Scratch::new();
    let steps = "      - {id: s, title: S}\n".repeat(30_000);
    let file = s.write(
        "dups.yaml",
        &format!("{HEAD}phases:\n  - id: p\n    title: P\n    steps:\n{steps}"),
    );
    assert_located_refusal(&s, &file, "duplicate step id `s`");
    let out = s.run(&["validate", "dups.yaml"]);
    assert_eq!(errors_in(&out), 101);
    assert!(text(&out.stderr).contains("29899 more like \"duplicate step id…\""));
}

/// ERROR-COUNT-WRONG: 149 duplicate step ids were shown as 100 and "49
/// more like …", then counted as "101 errors"; the count is now 149.
#[test]
fn error_count_wrong() {
    let s = Scratch::new();
    let steps = "      - {id: s, title: S}\n".repeat(150);
    let file = s.write(
        "dups.yaml",
        &format!("{HEAD}phases:\n  - id: p\n    title: P\n    steps:\n{steps}"),
    );
    assert_located_refusal(&s, &file, "duplicate step id `s`");
    let out = s.run(&["validate", "dups.yaml"]);
    assert_eq!(errors_in(&out), 101);
    let stderr = text(&out.stderr);
    assert!(
        stderr.ends_with(
            "error: 49 more like \"duplicate step id…\" not shown (the first 100 of a kind are)\n  --> dups.yaml\n\ndups.yaml: 149 errors\n"
        ),
        "{stderr}"
    );
}

#[test]
fn d3_runsheet_now_never_stamps_a_written_entry() {
    let s = Scratch::new();
    let new = s.run(&["new", "ransomware-extortion", "--journal", "j.jsonl"]);
    assert_eq!(new.status.code(), Some(0), "{}", text(&new.stderr));
    let out = Command::cargo_bin("runsheet")
        .expect("binary")
        .args(["note", "j.jsonl", "frozen?"])
        .current_dir(s.path(""))
        .env("RUNSHEET_DATA_DIR", s.path("data"))
        .env("RUNSHEET_CONFIG_DIR", s.path("config"))
        .env("RUNSHEET_NOW", "2020-01-01T00:00:00Z")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stderr).contains("RUNSHEET_NOW is ignored"));
    let journal = std::fs::read_to_string(s.path("j.jsonl")).expect("journal");
    // The note, inside the command's own session.
    let last = journal
        .lines()
        .rev()
        .find(|l| l.contains("\"kind\":\"note\""))
        .expect("an entry");
    assert!(last.contains("frozen?"), "{last}");
    assert!(!last.contains("\"ts\":\"2020-"), "{last}");
}

#[test]
fn d20_occurred_at_takes_a_relative_time_as_written() {
    let s = Scratch::new();
    s.run(&["new", "ransomware-extortion", "--journal", "j.jsonl"]);
    let out = s.run(&[
        "set",
        "j.jsonl",
        "encryption_observed=yes",
        "--occurred-at",
        "-2h",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let journal = std::fs::read_to_string(s.path("j.jsonl")).expect("journal");
    assert!(
        journal
            .lines()
            .rev()
            .find(|l| l.contains("\"kind\":\"fact_set\""))
            .expect("entry")
            .contains("occurred_at")
    );
}

#[test]
fn d2_set_refuses_a_time_replay_would_reject() {
    let s = Scratch::new();
    s.run(&["new", "ransomware-extortion", "--journal", "j.jsonl"]);
    let before = std::fs::read(s.path("j.jsonl")).expect("journal");
    for value in ["aware_at=9999-12-31T23:59:59-12:00", "aware_at=-99999999h"] {
        let out = s.run(&["set", "j.jsonl", value]);
        assert_eq!(out.status.code(), Some(2), "{value}: {}", text(&out.stdout));
    }
    assert_eq!(std::fs::read(s.path("j.jsonl")).expect("journal"), before);
}

/// Found by `tests/fuzz.rs` (journal target): a forged `journal_created`
/// whose playbook SHA-256 holds multi-byte characters made `status` and
/// every export panic while shortening it.
#[test]
fn fuzz_regression_playbook_hash_with_multibyte_characters() {
    let warning = runsheet::run::Warning::PlaybookChanged {
        recorded:
            "0aa3ebbeaQ\u{fffd}\u{fffd}092b0bddb0b3b502a1ccfd518309c056f19498b7ea13d97004b6520"
                .into(),
        current: "é".repeat(20),
    };
    let text = warning.to_string();
    assert!(text.contains("0aa3ebbeaQ\u{fffd}\u{fffd}"), "{text}");
}

fn playbook_with_title(title: &str) -> String {
    format!(
        "runsheet: 1\nid: gen\ntitle: {title}\nversion: 1.0.0\nsummary: s\nphases:\n  - id: p\n    title: P\n    steps:\n      - {{id: s, title: S}}\n"
    )
}

#[test]
fn d7_scalar_yaml_tags_are_refused_with_a_located_error() {
    let s = Scratch::new();
    for (i, (title, needle)) in [
        ("!!binary aGVsbG8=", "tag `!!binary` is not allowed"),
        (
            "!!python/object/apply:os.system \"echo PWNED\"",
            "tag `!!python/object/apply:os.system` is not allowed",
        ),
        ("!evil x", "tag `!evil` is not allowed"),
    ]
    .into_iter()
    .enumerate()
    {
        let file = s.write(&format!("tag{i}.yaml"), &playbook_with_title(title));
        assert_located_refusal(&s, &file, needle);
    }
    let quoted = s.write("quoted.yaml", &playbook_with_title("\"!!binary is text\""));
    let out = s.run(&["validate", quoted.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn d19_parser_wording_is_about_the_users_file() {
    let s = Scratch::new();
    let recursive = s.write(
        "recursive.yaml",
        &playbook_with_title("t\ntags: &r [a, *r]"),
    );
    assert_located_refusal(&s, &recursive, "recursive alias");
    let out = s.run(&["validate", "recursive.yaml"]);
    assert!(!text(&out.stderr).contains("weak recursion"));
    let negative = s.write(
        "negative.yaml",
        &playbook_with_title("t").replace("runsheet: 1", "runsheet: -1"),
    );
    assert_located_refusal(&s, &negative, "from 0 to 4294967295");
}

/// Re-seals journal lines as a forger would: every `prev` and `hash`
/// recomputed, so the chain verifies.
fn reseal(entries: &mut [serde_json::Value]) -> String {
    let mut prev = "0".repeat(64);
    let mut out = String::new();
    for (seq, entry) in entries.iter_mut().enumerate() {
        let object = entry.as_object_mut().expect("an object");
        object.remove("hash");
        object.insert("seq".into(), serde_json::json!(seq));
        object.insert("prev".into(), serde_json::json!(prev));
        let unsealed = serde_json::to_string(&entry).expect("encode");
        let hash = runsheet::hash::sha256_hex(unsealed.as_bytes());
        let line = format!("{},\"hash\":\"{hash}\"}}", &unsealed[..unsealed.len() - 1]);
        prev = runsheet::hash::sha256_hex(line.as_bytes());
        out.push_str(&line);
        out.push('\n');
    }
    out
}

#[test]
fn d24_forged_but_consistent_journals_draw_warnings() {
    let s = Scratch::new();
    s.run(&["new", "ransomware-extortion", "--journal", "j.jsonl"]);
    s.run(&["note", "j.jsonl", "first"]);
    let mut entries: Vec<serde_json::Value> = std::fs::read_to_string(s.path("j.jsonl"))
        .expect("journal")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    entries[0]["data"]["timezone"] = "Mars/Olympus".into();
    let mut hijack = entries[0].clone();
    hijack["data"]["title"] = "HIJACKED".into();
    let mut correction = entries[entries.len() - 1].clone();
    correction["kind"] = "correction".into();
    correction["data"] = serde_json::json!({"corrects": 99, "reason": "forged"});
    let mut backwards = entries[entries.len() - 1].clone();
    backwards["ts"] = "2001-01-01T00:00:00.000000Z".into();
    let mut leap = entries[entries.len() - 1].clone();
    leap["ts"] = "9999-01-01T00:00:00.000000Z".into();
    entries.extend([hijack, correction, backwards, leap]);
    std::fs::write(s.path("forged.jsonl"), reseal(&mut entries)).expect("forged");
    let verify = s.run(&["verify", "forged.jsonl"]);
    assert_eq!(verify.status.code(), Some(0), "{}", text(&verify.stdout));
    let status = s.run(&["status", "forged.jsonl"]);
    for out in [text(&verify.stdout), text(&status.stdout)] {
        for needle in [
            "time zone `Mars/Olympus`, which does not exist",
            "is a second `journal_created`",
            "corrects entry 99, which does not come before it",
            "stamped earlier than the entry before it",
            "more than a year after",
        ] {
            assert!(out.contains(needle), "{needle}: {out}");
        }
        assert!(!out.contains("HIJACKED"), "{out}");
    }
}

#[test]
fn note_wait_appends_once_the_holder_closes_the_journal() {
    use std::io::BufRead as _;
    let s = Scratch::new();
    s.run(&["new", "ransomware-extortion", "--journal", "j.jsonl"]);
    let held = runsheet::journal::writer::JournalFile::open(&s.path("j.jsonl")).expect("lock");
    let refused = s.run(&["note", "j.jsonl", "no wait"]);
    assert_eq!(refused.status.code(), Some(2));
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("runsheet"))
        .args([
            "note",
            "j.jsonl",
            "from the alert pipeline",
            "--wait",
            "60s",
        ])
        .current_dir(s.path(""))
        .env("RUNSHEET_DATA_DIR", s.path("data"))
        .env("RUNSHEET_CONFIG_DIR", s.path("config"))
        .env_remove("RUNSHEET_NOW")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stderr = std::io::BufReader::new(child.stderr.take().expect("stderr"));
    let mut line = String::new();
    stderr.read_line(&mut line).expect("read");
    assert!(line.contains("waiting for the journal"), "{line}");
    drop(held);
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains("saved: entry"));
    let journal = std::fs::read_to_string(s.path("j.jsonl")).expect("journal");
    assert!(journal.contains("from the alert pipeline"));
}

#[test]
fn d22_set_shows_occurred_at_and_warns_about_implausible_times() {
    let s = Scratch::new();
    s.run(&["new", "ransomware-extortion", "--journal", "j.jsonl"]);
    let out = s.run(&[
        "set",
        "j.jsonl",
        "encryption_observed=yes",
        "--occurred-at",
        "9999-12-31T23:59:59Z",
    ]);
    // A time in the future is refused outright, nothing written (D8).
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("in the future"), "{stderr}");
    let journal = std::fs::read_to_string(s.path("j.jsonl")).expect("journal");
    assert!(!journal.contains("9999-12-31"), "nothing written");
    let past = s.run(&[
        "set",
        "j.jsonl",
        "encryption_observed=no",
        "--occurred-at=-2h",
    ]);
    assert!(
        !text(&past.stdout).contains("warning"),
        "{}",
        text(&past.stdout)
    );
    let old = s.run(&["set", "j.jsonl", "aware_at=0001-01-01T00:00:00Z"]);
    assert_eq!(old.status.code(), Some(0), "{}", text(&old.stderr));
    assert!(
        text(&old.stdout).contains("warning: this time is more than a year ago"),
        "{}",
        text(&old.stdout)
    );
}

#[test]
fn d25_an_unknown_playbook_is_named_by_its_id() {
    let s = Scratch::new();
    s.run(&["new", "ransomware-extortion", "--journal", "j.jsonl"]);
    let mut entries: Vec<serde_json::Value> = std::fs::read_to_string(s.path("j.jsonl"))
        .expect("journal")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    entries[0]["data"]["playbook"]["id"] = "no-such-playbook".into();
    std::fs::write(s.path("unknown.jsonl"), reseal(&mut entries)).expect("forged");
    let status = s.run(&["status", "unknown.jsonl"]);
    assert_eq!(status.status.code(), Some(2));
    let stderr = text(&status.stderr);
    assert!(
        stderr.starts_with("error: playbook `no-such-playbook`"),
        "{stderr}"
    );
    assert!(stderr.contains("runsheet verify"), "{stderr}");
    let verify = s.run(&["verify", "unknown.jsonl"]);
    assert_eq!(verify.status.code(), Some(0));
}

/// Defect 18: every refused open names the holder, even when it races the
/// holder taking the lock and writing its note or removing its note and
/// closing, and a note left by a dead holder is never shown as the current
/// one.
#[test]
fn d18_every_refused_open_names_the_live_holder() {
    let s = Scratch::new();
    s.run(&["new", "ransomware-extortion", "--journal", "j.jsonl"]);
    let journal = s.path("j.jsonl");
    let note = s.path("j.jsonl.lock");
    let named = format!("(pid {} on ", std::process::id());
    let mut refusals = race_rounds_after_a_dead_holder(&journal, &note);
    assert_eq!(refusals.len(), 3 * 60, "one holder per round");
    let free = race_freely(&journal);
    assert!(!free.is_empty(), "the free race refused no open");
    refusals.extend(free);
    for refusal in &refusals {
        assert!(refusal.contains(&named), "holder not named: {refusal}");
        assert!(
            !refusal.contains("a-dead-holder"),
            "stale note shown: {refusal}"
        );
    }
    assert!(!note.exists(), "the last holder removed its note");
}

/// Four threads, 60 rounds: a dead holder's note is planted, all open at
/// once, and the one that wins keeps the journal until the other three have
/// been refused. Returns the refusals.
fn race_rounds_after_a_dead_holder(journal: &Path, note: &Path) -> Vec<String> {
    use std::sync::{Barrier, Mutex};
    let barrier = Barrier::new(4);
    let refusals = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for thread in 0..4 {
            let (barrier, refusals) = (&barrier, &refusals);
            scope.spawn(move || {
                for _ in 0..60 {
                    if thread == 0 {
                        std::fs::write(note, "pid 1 on a-dead-holder").expect("stale note");
                    }
                    barrier.wait();
                    let opened = runsheet::journal::writer::JournalFile::open(journal);
                    barrier.wait();
                    record_refusal(opened, refusals);
                    barrier.wait();
                }
            });
        }
    });
    refusals.into_inner().expect("refusals")
}

/// Four threads each open and close the journal 150 times as fast as they
/// can, so refusals also meet a holder that is removing its note.
fn race_freely(journal: &Path) -> Vec<String> {
    let refusals = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let refusals = &refusals;
            scope.spawn(move || {
                for _ in 0..150 {
                    let opened = runsheet::journal::writer::JournalFile::open(journal);
                    record_refusal(opened, refusals);
                }
            });
        }
    });
    refusals.into_inner().expect("refusals")
}

/// Closes a journal that was opened, keeps the message of a refusal.
fn record_refusal(
    opened: Result<runsheet::journal::writer::Opened, runsheet::journal::writer::OpenError>,
    refusals: &std::sync::Mutex<Vec<String>>,
) {
    match opened {
        Ok(held) => drop(held),
        Err(error @ runsheet::journal::writer::OpenError::Locked { .. }) => {
            refusals.lock().expect("refusals").push(error.to_string());
        }
        Err(other) => panic!("unexpected: {other}"),
    }
}
