//! Signed checkpoints end to end, with the real `ssh-keygen` on the other
//! side: keys it makes sign checkpoints, its `-Y verify` accepts the SSH
//! signatures, and the tamper table (lines cut, file rewritten, a line
//! changed, a checkpoint forged with another key) is reported with the
//! entry or the count.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use runsheet::hash::sha256_hex;
use runsheet::journal::Entry;
use support::{JournalBuilder, fast_tempdir, fixture_playbook, rechain};

const NOW: &str = "2026-11-28T12:00:00Z";

/// Whether `tool` runs; under CI a missing tool fails the test (CI installs
/// it), elsewhere the test says so and stops.
fn have(tool: &str) -> bool {
    support::have_tool(tool, "-V")
}

fn runsheet(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_runsheet"))
        .args(args)
        .current_dir(dir)
        .env("RUNSHEET_CONFIG_DIR", dir.join("config"))
        .env("RUNSHEET_DATA_DIR", dir.join("data"))
        // The responder these commands record as acting.
        .env("USER", "tester")
        .env("RUNSHEET_NOW", NOW)
        .output()
        .expect("run runsheet")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        stdout(out),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout(out)
}

/// Exit 1 with `needle` in the report.
fn broken_with(out: &Output, needle: &str) {
    let text = stdout(out);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains(needle), "`{needle}` not in:\n{text}");
}

/// A journal of `notes` notes (plus `journal_created` and
/// `session_started`), closed, in its own folder.
fn journal(notes: usize) -> (tempfile::TempDir, PathBuf) {
    let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-28T09:00:00Z", false);
    for i in 0..notes {
        j.advance(1).note(None, &format!("note {i}"));
    }
    let (dir, path, _) = j.close();
    (dir, path)
}

fn ssh_keygen_key(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", name, "-f"])
        .arg(&path)
        .output()
        .expect("ssh-keygen");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

fn lines(path: &Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .expect("journal")
        .lines()
        .map(str::to_string)
        .collect()
}

fn write_lines(path: &Path, lines: &[String]) {
    let mut text = lines.join("\n");
    text.push('\n');
    std::fs::write(path, text).expect("write journal");
}

/// Runs `checkpoint` and returns the entry number it recorded.
fn checkpoint(dir: &Path, journal: &Path, key: &Path) -> u64 {
    let out = ok(&runsheet(
        dir,
        &[
            "checkpoint",
            journal.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
        ],
    ));
    out.split("saved: entry ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no entry number in {out}"))
}

#[test]
fn a_key_made_by_ssh_keygen_signs_and_ssh_keygen_verify_agrees() {
    if !have("ssh-keygen") {
        return;
    }
    let (dir, path) = journal(3);
    let key = ssh_keygen_key(dir.path(), "responder");
    let seq = checkpoint(dir.path(), &path, &key);
    assert_eq!(seq, 5, "2 opening entries and 3 notes are covered");
    let note = dir.path().join("incident.jsonl.checkpoint-5.note");
    let sig = dir.path().join("incident.jsonl.checkpoint-5.note.sig");
    let text = std::fs::read_to_string(&note).expect("note");
    assert!(
        text.starts_with("runsheet/fixture-journal-0001\n5\n"),
        "{text}"
    );
    let public = std::fs::read_to_string(key.with_extension("pub")).expect("public key");
    let allowed = dir.path().join("allowed_signers");
    std::fs::write(&allowed, format!("responder@example.org {public}")).expect("allowed");
    let ssh_verify = |message: &Path| {
        Command::new("ssh-keygen")
            .args(["-Y", "verify", "-f"])
            .arg(&allowed)
            .args([
                "-I",
                "responder@example.org",
                "-n",
                "runsheet-checkpoint",
                "-s",
            ])
            .arg(&sig)
            .stdin(std::fs::File::open(message).expect("message"))
            .output()
            .expect("ssh-keygen -Y verify")
    };
    let good = ssh_verify(&note);
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    let changed = dir.path().join("changed.note");
    std::fs::write(&changed, text.replacen("\n5\n", "\n4\n", 1)).expect("changed");
    assert!(!ssh_verify(&changed).status.success());

    let report = ok(&runsheet(dir.path(), &["verify", path.to_str().unwrap()]));
    assert!(
        report.contains("entry 5: checkpoint covering entries 0–4 verifies"),
        "{report}"
    );
    let with_key = ok(&runsheet(
        dir.path(),
        &[
            "verify",
            path.to_str().unwrap(),
            "--key",
            key.with_extension("pub").to_str().unwrap(),
        ],
    ));
    assert!(with_key.contains("verifies"), "{with_key}");
}

#[test]
fn runsheet_key_new_writes_a_key_ssh_keygen_reads() {
    if !have("ssh-keygen") {
        return;
    }
    let (dir, path) = journal(1);
    let key = dir.path().join("keys/cp");
    let made = ok(&runsheet(
        dir.path(),
        &["key", "new", key.to_str().unwrap()],
    ));
    let listed = Command::new("ssh-keygen")
        .arg("-l")
        .arg("-f")
        .arg(key.with_extension("pub"))
        .output()
        .expect("ssh-keygen -l");
    let fingerprint = String::from_utf8_lossy(&listed.stdout)
        .split_whitespace()
        .nth(1)
        .expect("fingerprint")
        .to_string();
    assert!(made.contains(&fingerprint), "{made} vs {fingerprint}");
    // ssh-keygen derives the same public key from the private file.
    let derived = Command::new("ssh-keygen")
        .arg("-y")
        .arg("-f")
        .arg(&key)
        .output()
        .expect("ssh-keygen -y");
    let written = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    assert_eq!(
        String::from_utf8_lossy(&derived.stdout)
            .split_whitespace()
            .nth(1),
        written.split_whitespace().nth(1)
    );
    checkpoint(dir.path(), &path, &key);
    let again = runsheet(dir.path(), &["key", "new", key.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
}

/// A tampered copy of the journal, its checkpoint files beside it.
struct Copy {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

fn copy_of(original: &Path) -> Copy {
    let dir = fast_tempdir();
    for entry in std::fs::read_dir(original.parent().unwrap()).unwrap() {
        let entry = entry.unwrap();
        if entry.path().is_file() {
            std::fs::copy(entry.path(), dir.path().join(entry.file_name())).unwrap();
        }
    }
    let path = dir.path().join(original.file_name().unwrap());
    Copy { _dir: dir, path }
}

/// The tamper table's starting point: a journal of 26 entries, a
/// checkpoint of them (entry 26) by the responder's key, and a copy of the
/// note kept elsewhere (e.g. pasted into the ticket).
struct Table {
    dir: tempfile::TempDir,
    path: PathBuf,
    key: PathBuf,
    kept: tempfile::TempDir,
    outside: String,
}

impl Table {
    fn new() -> Self {
        let (dir, path) = journal(24);
        let key = ssh_keygen_key(dir.path(), "responder");
        assert_eq!(checkpoint(dir.path(), &path, &key), 26);
        let kept = fast_tempdir();
        let outside = kept.path().join("ticket-1234.note");
        std::fs::copy(
            dir.path().join("incident.jsonl.checkpoint-26.note"),
            &outside,
        )
        .unwrap();
        let outside = outside.to_str().unwrap().to_string();
        Self {
            dir,
            path,
            key,
            kept,
            outside,
        }
    }

    /// `verify JOURNAL --checkpoint <kept note> EXTRA…`
    fn verify(&self, journal: &Path, extra: &[&str]) -> Output {
        let mut args = vec![
            "verify",
            journal.to_str().unwrap(),
            "--checkpoint",
            &self.outside,
        ];
        args.extend_from_slice(extra);
        runsheet(self.dir.path(), &args)
    }

    fn trusted(&self) -> String {
        self.key.with_extension("pub").to_str().unwrap().to_string()
    }
}

#[test]
fn tamper_table_intact_journal_matches_the_kept_note() {
    if !have("ssh-keygen") {
        return;
    }
    let t = Table::new();
    let intact = t.verify(&t.path, &["--key", &t.trusted()]);
    assert!(
        ok(&intact)
            .contains("matches entries 0–25, recorded as entry 26; 0 entries were added after it"),
        "{}",
        stdout(&intact)
    );
}

#[test]
fn tamper_table_last_line_and_last_10_lines_removed() {
    if !have("ssh-keygen") {
        return;
    }
    let t = Table::new();
    let head = stdout(&runsheet(
        t.dir.path(),
        &["verify", t.path.to_str().unwrap()],
    ))
    .lines()
    .find_map(|l| l.strip_prefix("head hash: ").map(str::to_string))
    .expect("head hash");

    let cut = copy_of(&t.path);
    let mut l = lines(&cut.path);
    l.pop();
    write_lines(&cut.path, &l);
    broken_with(&t.verify(&cut.path, &[]), "1 entry missing (entry 26)");
    broken_with(
        &runsheet(
            t.dir.path(),
            &["verify", cut.path.to_str().unwrap(), "--expect-head", &head],
        ),
        &format!("the expected head {head} is not in this journal"),
    );

    let cut10 = copy_of(&t.path);
    let mut l = lines(&cut10.path);
    l.truncate(l.len() - 10);
    write_lines(&cut10.path, &l);
    broken_with(
        &t.verify(&cut10.path, &["--key", &t.trusted()]),
        "10 entries missing (entries 17–26)",
    );
}

/// A copy of the table's journal with line `at` changed by `change` and
/// every line from it on chained again: a rewrite with the right tools.
fn rewritten(t: &Table, at: usize, change: impl Fn(&str) -> String) -> Copy {
    let copy = copy_of(&t.path);
    let mut l = lines(&copy.path);
    l[at] = change(&l[at]);
    rechain(&mut l, at);
    write_lines(&copy.path, &l);
    copy
}

#[test]
fn tamper_table_whole_file_rewritten_with_recomputed_hashes() {
    if !have("ssh-keygen") {
        return;
    }
    let t = Table::new();
    let rewritten = rewritten(&t, 10, |l| l.replace("note 8", "note 8, edited"));
    let report = t.verify(&rewritten.path, &[]);
    assert!(
        stdout(&report).starts_with("hash chain: 27 entries"),
        "the chain alone is fooled, and the report does not call it intact"
    );
    broken_with(&report, "entries 0–25 do not give the Merkle root");
    broken_with(
        &report,
        "entry 26 (checkpoint): entries 0–25 no longer give the Merkle root it recorded",
    );
}

#[test]
fn tamper_table_one_line_changed_before_the_checkpoint() {
    if !have("ssh-keygen") {
        return;
    }
    let t = Table::new();
    let edited = copy_of(&t.path);
    let mut l = lines(&edited.path);
    l[7] = l[7].replacen("note 5", "note 6", 1);
    write_lines(&edited.path, &l);
    let report = t.verify(&edited.path, &[]);
    broken_with(&report, "broken at line 8 (seq 7)");
    broken_with(&report, "only entries 0–6 verify");
}

#[test]
fn tamper_table_checkpoint_forged_with_another_key() {
    if !have("ssh-keygen") {
        return;
    }
    let t = Table::new();
    let other = ssh_keygen_key(t.kept.path(), "intruder");
    // Entries rewritten, then re-signed with another key.
    let forged = copy_of(&t.path);
    let mut l = lines(&forged.path);
    l[12] = l[12].replace("note 10", "note 10 (never happened)");
    rechain(&mut l, 12);
    l.pop();
    write_lines(&forged.path, &l);
    let m = checkpoint(forged.path.parent().unwrap(), &forged.path, &other);
    let report = runsheet(
        t.dir.path(),
        &[
            "verify",
            forged.path.to_str().unwrap(),
            "--key",
            &t.trusted(),
        ],
    );
    broken_with(
        &report,
        &format!("entry {m} (checkpoint): signed by SHA256:"),
    );
    broken_with(&report, "which is not a key given with --key");
    // The note kept elsewhere still shows what the journal held.
    broken_with(
        &t.verify(&forged.path, &["--key", &t.trusted()]),
        "entries 0–25 do not give the Merkle root",
    );

    // Without --key: a later checkpoint by another key is named too.
    let appended = copy_of(&t.path);
    let m = checkpoint(appended.path.parent().unwrap(), &appended.path, &other);
    let report = runsheet(t.dir.path(), &["verify", appended.path.to_str().unwrap()]);
    broken_with(
        &report,
        &format!("entry {m} (checkpoint): signed by SHA256:"),
    );
    broken_with(&report, "but the first checkpoint (entry 26) was signed by");
}

#[test]
fn an_unclosed_tail_is_named_with_the_checkpoint_that_covers_it() {
    if !have("ssh-keygen") {
        return;
    }
    let (dir, path) = journal(2);
    let before = ok(&runsheet(dir.path(), &["verify", path.to_str().unwrap()]));
    assert!(
        before.contains(
            "tail not proven complete: the last session (started at entry 1) has no session_ended"
        ) && before.contains("No checkpoint covers any of it"),
        "{before}"
    );
    let key = ssh_keygen_key(dir.path(), "responder");
    checkpoint(dir.path(), &path, &key);
    let after = ok(&runsheet(dir.path(), &["verify", path.to_str().unwrap()]));
    assert!(
        after.contains("The last checkpoint, entry 4, covers entries 0–3"),
        "{after}"
    );
}

/// The reviewer's Python recipe in docs/journal-format.md computes the
/// same Merkle root as the signed note.
#[test]
fn the_documented_python_merkle_recipe_gives_the_checkpoint_root() {
    if !have("ssh-keygen") || !have("python3") {
        return;
    }
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/journal-format.md"
    ))
    .expect("doc");
    let start = doc
        .find("<!-- merkle-recipe:start -->")
        .expect("start marker");
    let end = doc.find("<!-- merkle-recipe:end -->").expect("end marker");
    let code = doc[start..end]
        .split("```python\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("python block");
    let (dir, path) = journal(6);
    let key = ssh_keygen_key(dir.path(), "responder");
    let n = checkpoint(dir.path(), &path, &key);
    let script = dir.path().join("merkle.py");
    std::fs::write(&script, code).unwrap();
    let out = Command::new("python3")
        .arg(&script)
        .arg(&path)
        .arg(n.to_string())
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let note = std::fs::read_to_string(
        dir.path()
            .join(format!("incident.jsonl.checkpoint-{n}.note")),
    )
    .unwrap();
    let root = note.lines().nth(2).expect("root line");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), root);
}

/// Defect: after a chain break, `verify` went on to state that the last
/// session never ended, that no checkpoint covered the journal, and that a
/// kept note's signature did not verify, all from lines past the break.
/// It now says only what the verified part shows.
#[test]
fn after_a_break_nothing_is_stated_about_sessions_checkpoints_or_keys_past_it() {
    if !have("ssh-keygen") {
        return;
    }
    let t = Table::new();
    let edited = copy_of(&t.path);
    let mut l = lines(&edited.path);
    l[7] = l[7].replacen("note 5", "note 6", 1);
    write_lines(&edited.path, &l);
    let report = t.verify(&edited.path, &[]);
    let outside = &t.outside;
    let expected = [
        "broken at line 8 (seq 7): content does not match the line's own `hash`: the line was altered".to_string(),
        format!(
            "7 entries before it verify; head hash of the verified part: {}",
            sha256_hex(l[6].as_bytes())
        ),
        format!(
            "{outside}: signature not checked: the key is recorded in entry 26, past the break; give it with --key to check the signature"
        ),
        format!(
            "broken: {outside} covers entries 0–25, but only entries 0–6 verify: the chain breaks before the checkpoint"
        ),
        "tail cannot be checked past the break: the session ends and checkpoints recorded from line 8 on do not verify, so nothing is said about them".to_string(),
    ];
    assert_eq!(report.status.code(), Some(1));
    assert_eq!(stdout(&report).lines().collect::<Vec<_>>(), expected);

    // Cut after line 20: the key is recorded past the end, not "wrong".
    let cut = copy_of(&t.path);
    let mut l = lines(&cut.path);
    l.truncate(20);
    write_lines(&cut.path, &l);
    let report = stdout(&t.verify(&cut.path, &[]));
    let unchecked = format!(
        "{outside}: signature not checked: the key is recorded in entry 26, past the end of the journal; give it with --key to check the signature"
    );
    assert!(report.lines().any(|line| line == unchecked), "{report}");
    assert!(!report.contains("does not verify with any key"), "{report}");
}

/// Defect: an entry appended with a correct chain and hash by a session
/// that never started (no `session_started`, no `session_ended`) verified
/// as intact with no word about the tail.
#[test]
fn an_entry_appended_by_a_session_that_never_started_leaves_the_tail_unproven() {
    use runsheet::journal::event::{Payload, SessionEnded};
    let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-28T09:00:00Z", false);
    j.advance(1).note(None, "contained");
    j.event(runsheet::journal::Event::new(Payload::SessionEnded(
        SessionEnded {
            reason: "quit".into(),
        },
    )));
    let (dir, path) = {
        let (dir, path, _) = j.close();
        (dir, path)
    };
    let verify = || runsheet(dir.path(), &["verify", path.to_str().unwrap()]);
    assert_eq!(
        ok(&verify()).lines().count(),
        2,
        "a closed journal: no tail warning"
    );

    let mut l = lines(&path);
    let body = runsheet::journal::check_own_hash(&l[2]).expect("the note");
    let mut forged: Entry = serde_json::from_str(&body).expect("the note");
    forged.seq = l.len() as u64;
    forged.session = "f0f0f0f0f0f0".into();
    forged.prev = sha256_hex(l[l.len() - 1].as_bytes());
    l.push(forged.encode());
    write_lines(&path, &l);
    let report = ok(&verify());
    let expected = [
        "intact: 5 entries, hash chain verified from the first line".to_string(),
        format!("head hash: {}", sha256_hex(l[4].as_bytes())),
        "tail not proven complete: entry 4 was written after the last session end by a session that never started, and no checkpoint or session end covers it: anyone with the file could have added it. No checkpoint covers any of the journal".to_string(),
    ];
    assert_eq!(report.lines().collect::<Vec<_>>(), expected);
}

/// Defect VERIFY-MISSES-CUT-TAIL-AFTER-CLI-SESSION: a one-shot command
/// (`note`, `set`, `correct`…) frames its entry in a session of its own;
/// cutting off its `session_ended`, or everything after its
/// `session_started`, verified as intact with no word about the tail.
#[test]
fn verify_misses_cut_tail_after_cli_session() {
    let dir = fast_tempdir();
    let journal = "j.jsonl";
    let path = dir.path().join(journal);
    ok(&runsheet(
        dir.path(),
        &["new", "ransomware-extortion", "--journal", journal],
    ));
    ok(&runsheet(dir.path(), &["note", journal, "called the DPO"]));
    let whole = lines(&path);
    let started = whole.len() - 3;
    assert!(
        whole[started].contains(r#""kind":"session_started""#)
            && whole[started].contains(r#""mode":"cli""#),
        "the note's session: started, note, ended"
    );
    let verify = || runsheet(dir.path(), &["verify", journal]);
    assert_eq!(ok(&verify()).lines().count(), 2, "closed: no tail warning");

    // Cut after the note (its session_ended removed), then after the
    // note's session_started (the note removed too).
    for kept in [started + 2, started + 1] {
        write_lines(&path, &whole[..kept]);
        let expected = [
            format!("intact: {kept} entries, hash chain verified from the first line"),
            format!("head hash: {}", sha256_hex(whole[kept - 1].as_bytes())),
            format!(
                "tail not proven complete: the last session (started at entry {started}) has no session_ended and no runsheet holds the journal, so lines may be missing at the end; without a checkpoint kept elsewhere this cannot be shown. No checkpoint covers any of it"
            ),
        ];
        let out = verify();
        assert_eq!(out.status.code(), Some(0), "a tail warning exits 0");
        assert_eq!(stdout(&out).lines().collect::<Vec<_>>(), expected);
    }
}

/// `runsheet new` closes its session too, so a fresh journal's tail is
/// proven complete.
#[test]
fn a_journal_made_by_new_ends_its_session() {
    let dir = fast_tempdir();
    let made = ok(&runsheet(
        dir.path(),
        &["new", "ransomware-extortion", "--journal", "j.jsonl"],
    ));
    assert!(made.trim_end().ends_with("j.jsonl"), "{made}");
    let path = dir.path().join("j.jsonl");
    let report = ok(&runsheet(dir.path(), &["verify", path.to_str().unwrap()]));
    assert_eq!(
        report.lines().next(),
        Some("intact: 3 entries, hash chain verified from the first line")
    );
    assert_eq!(report.lines().count(), 2, "{report}");
}

/// Defect VERIFIED-PART-INCLUDES-ALTERED-LINE: a fact changed on line 5
/// with that line's own `hash` recomputed (anyone can) broke the chain at
/// line 6, yet line 5 was counted, exported and anchored as verified.
#[test]
fn verified_part_includes_altered_line() {
    let dir = fast_tempdir();
    let journal = "j.jsonl";
    let path = dir.path().join(journal);
    ok(&runsheet(
        dir.path(),
        &["new", "personal-data-breach", "--journal", journal],
    ));
    ok(&runsheet(dir.path(), &["set", journal, "org=Acme Ltd"]));
    ok(&runsheet(dir.path(), &["note", journal, "called the DPO"]));
    let mut l = lines(&path);
    assert!(l[4].contains("Acme Ltd"), "line 5 is the fact: {}", l[4]);
    let body = runsheet::journal::check_own_hash(&l[4]).expect("the fact");
    let altered: Entry = serde_json::from_str(&body.replace("Acme Ltd", "Acme Ltc")).expect("fact");
    l[4] = altered.encode();
    write_lines(&path, &l);

    let reason = "`prev` does not match the hash of line 5: line 5 or this line was altered, or a line between them removed; line 5 is not verified either";
    let verify = runsheet(dir.path(), &["verify", journal]);
    assert_eq!(verify.status.code(), Some(1));
    assert_eq!(
        stdout(&verify).lines().take(2).collect::<Vec<_>>(),
        [
            format!("broken at line 6 (seq 5): {reason}"),
            format!(
                "4 entries before it verify; head hash of the verified part: {}",
                sha256_hex(l[3].as_bytes())
            ),
        ]
    );
    let status = stdout(&runsheet(dir.path(), &["status", journal]));
    assert!(
        status.contains(&format!("· 4 entries · BROKEN at line 6 (seq 5): {reason}")),
        "{status}"
    );
    for format in ["md", "html", "json", "csv"] {
        let out = runsheet(dir.path(), &["export", journal, "--format", format]);
        let text = stdout(&out);
        assert!(
            !text.contains("Acme Ltc"),
            "{format}: the altered fact is shown:\n{text}"
        );
    }
    let md = stdout(&runsheet(
        dir.path(),
        &["export", journal, "--format", "md"],
    ));
    assert!(
        md.contains(&format!(
            "✗ JOURNAL BROKEN at line 6 (entry 5): {reason}. Only the 4 entries before it are verified and reported"
        )),
        "{md}"
    );
}

/// The journals here name their playbook `fixtures/<id>.yaml`, relative
/// to where the command runs: a command that replays one needs it there.
fn with_its_playbook(dir: &Path) {
    let fixtures = dir.join("fixtures");
    std::fs::create_dir_all(&fixtures).unwrap();
    std::fs::copy(
        support::fixture("playbooks/fixture-incident.yaml"),
        fixtures.join("fixture-incident.yaml"),
    )
    .unwrap();
}

/// Defect EXPORT-STATUS-IGNORE-FAILED-CHECKPOINT: a journal rewritten with
/// its chain made again fails `verify` at its checkpoint, but `status` and
/// every export called it intact and exited 0. Each now says the
/// checkpoint does not verify, and exits 1; the journal as written is
/// still reported intact.
#[test]
fn export_status_ignore_failed_checkpoint() {
    if !have("ssh-keygen") {
        return;
    }
    let t = Table::new();
    let rewritten = rewritten(&t, 10, |l| l.replace("note 8", "note 8, edited"));
    let journal = rewritten.path.to_str().unwrap();
    let problem = "CHECKPOINT OR TIMESTAMP DOES NOT VERIFY: entry 26 (checkpoint): \
                   entries 0–25 no longer give the Merkle root it recorded: at least one of them was changed";
    let run = |args: &[&str]| runsheet(t.dir.path(), args);
    with_its_playbook(t.dir.path());

    let status = run(&["status", journal]);
    broken_with(&status, &format!("27 entries · {problem}\n"));
    let json = run(&["status", journal, "--json"]);
    assert_eq!(json.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(value["journal"]["intact"], false);
    assert_eq!(value["journal"]["problem"], problem);

    for format in [
        "md",
        "html",
        "json",
        "csv",
        "timesketch",
        "cacao-status",
        "custody-csv",
    ] {
        let out = run(&["export", journal, "--format", format]);
        assert_eq!(out.status.code(), Some(1), "{format}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(problem), "{format}: {stderr}");
    }
    let md = stdout(&run(&["export", journal, "--format", "md"]));
    assert!(
        md.contains("- **Integrity:** **✗ CHECKPOINT OR TIMESTAMP DOES NOT VERIFY: the record may have been rewritten (see Verification)**"),
        "{md}"
    );
    let exported: serde_json::Value =
        serde_json::from_slice(&run(&["export", journal, "--format", "json"]).stdout).unwrap();
    assert_eq!(exported["verification"]["intact"], false);
    assert_eq!(
        exported["verification"]["proof_problems"][0],
        problem.trim_start_matches("CHECKPOINT OR TIMESTAMP DOES NOT VERIFY: ")
    );
    let custody = stdout(&run(&["export", journal, "--format", "custody-csv"]));
    assert!(
        custody.contains(&format!("FORM NOT VERIFIED: {problem}")),
        "{custody}"
    );

    // The journal as written: intact everywhere, exit 0.
    let original = t.path.to_str().unwrap();
    assert!(ok(&run(&["status", original])).contains("27 entries · intact\n"));
    for format in ["md", "json", "custody-csv"] {
        ok(&run(&["export", original, "--format", format]));
    }
}

/// Defect INTACT-PRINTED-WITH-FAILED-CHECK: with a warning before it, the
/// chain's line still read "intact: …" above the "broken: …" of a failed
/// checkpoint. It reads "hash chain: …" wherever it is.
#[test]
fn intact_printed_with_failed_check() {
    if !have("ssh-keygen") {
        return;
    }
    let t = Table::new();
    // A day earlier than the entry before it: a consistency warning.
    let rewritten = rewritten(&t, 10, |l| {
        l.replace("\"ts\":\"2026-11-28T", "\"ts\":\"2026-11-27T")
    });
    let report = runsheet(t.dir.path(), &["verify", rewritten.path.to_str().unwrap()]);
    let text = stdout(&report);
    assert_eq!(report.status.code(), Some(1), "{text}");
    assert!(
        text.starts_with("warning: entry 10 is stamped earlier"),
        "{text}"
    );
    assert!(text.contains("\nhash chain: 27 entries"), "{text}");
    assert!(!text.contains("intact"), "{text}");
}

/// Defect FALSE-NO-CHECKPOINT-MESSAGE: `verify --key` on a journal broken
/// before its checkpoint said "the journal records no checkpoint", though
/// it records one past the break. It says none before the break can be
/// checked.
#[test]
fn false_no_checkpoint_message() {
    if !have("ssh-keygen") {
        return;
    }
    let t = Table::new();
    let altered = copy_of(&t.path);
    let mut l = lines(&altered.path);
    l[5] = l[5].replace("note 3", "note 3, edited");
    write_lines(&altered.path, &l);
    let report = runsheet(
        t.dir.path(),
        &[
            "verify",
            altered.path.to_str().unwrap(),
            "--key",
            &t.trusted(),
        ],
    );
    broken_with(
        &report,
        "broken: --key was given, but no checkpoint before the break at line 6 can be checked; one recorded past it would not be trusted\n",
    );
    assert!(!stdout(&report).contains("records no checkpoint"));
}

/// Defects EXPECT-HEAD-MALFORMED-REPORTED-AS-TAMPER and
/// MISSING-CHECKPOINT-FILE-EXIT-1: a head that is not 64 hexadecimal
/// digits, or a `--checkpoint` note that cannot be read, was reported as a
/// broken journal (exit 1). Each is the reader's mistake: exit 2, and the
/// journal is not judged.
#[test]
fn expect_head_malformed_reported_as_tamper() {
    let (dir, path) = journal(2);
    let journal = path.to_str().unwrap();
    for (args, said) in [
        (
            vec!["--expect-head", "zz"],
            "error: --expect-head `zz` is not a head hash: give the 64 hexadecimal digits `runsheet verify` printed (no `sha256:` prefix)\n",
        ),
        (
            vec!["--checkpoint", "nowhere.note"],
            "error: --checkpoint nowhere.note: cannot read: No such file or directory\n",
        ),
    ] {
        let mut all = vec!["verify", journal];
        all.extend(args);
        let out = runsheet(dir.path(), &all);
        assert_eq!(out.status.code(), Some(2), "{all:?}");
        assert_eq!(String::from_utf8_lossy(&out.stderr), said);
        assert_eq!(stdout(&out), "", "{all:?}: the journal is not judged");
    }
    let head = lines(&path)
        .last()
        .map(|l| sha256_hex(l.as_bytes()))
        .unwrap();
    let upper = runsheet(
        dir.path(),
        &["verify", journal, "--expect-head", &head.to_uppercase()],
    );
    ok(&upper);
}

/// Defect TAIL-CUT-AFTER-CHECKPOINT-SILENT: with whole sessions after the
/// checkpoint cut off, `verify` said "intact" with no word on the tail,
/// and said nothing either of the entries no checkpoint covers in the
/// journal as written. It names them, and a checkpoint taken last leaves
/// nothing to say.
#[test]
fn tail_cut_after_checkpoint_silent() {
    if !have("ssh-keygen") {
        return;
    }
    let t = Table::new();
    with_its_playbook(t.dir.path());
    let notes = |journal: &Path, n: usize| {
        for i in 0..n {
            ok(&runsheet(
                t.dir.path(),
                &["note", journal.to_str().unwrap(), &format!("later {i}")],
            ));
        }
    };
    notes(&t.path, 2);
    let report = ok(&runsheet(
        t.dir.path(),
        &["verify", t.path.to_str().unwrap()],
    ));
    assert!(
        report.ends_with(
            "note: the last checkpoint, entry 26, covers entries 0–25; 4 entries after it \
             (session ends and timestamps aside) are covered by no checkpoint or timestamp: \
             whole sessions cut off there would not show without a head hash kept elsewhere \
             (`--expect-head`) or a later checkpoint covering them\n"
        ),
        "{report}"
    );
    // Cut back to the end of the first note's session: still intact as a
    // chain, and the statement says what is uncovered.
    let cut = copy_of(&t.path);
    let mut l = lines(&cut.path);
    l.truncate(l.len() - 3);
    write_lines(&cut.path, &l);
    let report = ok(&runsheet(
        t.dir.path(),
        &["verify", cut.path.to_str().unwrap()],
    ));
    assert!(
        report.contains(
            "; 2 entries after it (session ends and timestamps aside) are covered by no checkpoint"
        ),
        "{report}"
    );
    // A checkpoint taken last: nothing uncovered, nothing said.
    checkpoint(t.dir.path(), &t.path, &t.key);
    let report = ok(&runsheet(
        t.dir.path(),
        &["verify", t.path.to_str().unwrap()],
    ));
    assert!(!report.contains("note: the last checkpoint"), "{report}");
}
