//! Team cases end to end, with the real `git`: a bare repository in a
//! temporary folder is the remote, and each responder has their own clone,
//! `HOME`, data and config folders. Every action goes through the CLI.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use runsheet::journal::Entry;

const BIN: &str = env!("CARGO_BIN_EXE_runsheet");
const NOW: &str = "2026-11-29T12:00:00Z";

/// git must be there: these tests are about it (CI installs it).
fn require_git() {
    let found = Command::new("git").arg("--version").output();
    assert!(
        found.is_ok_and(|o| o.status.success()),
        "the system `git` is required for the team-case tests (.ci/run installs it)"
    );
}

fn git(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// One responder: a name, a home, a clone.
struct Responder {
    name: &'static str,
    home: PathBuf,
    clone: PathBuf,
}

impl Responder {
    fn case(&self) -> PathBuf {
        self.clone.join("case")
    }

    /// The clone's top folder as sync's messages name it (`git -C TOP`).
    fn top(&self) -> String {
        std::fs::canonicalize(&self.clone)
            .expect("the clone exists")
            .display()
            .to_string()
    }

    fn cmd(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("runsheet runs")
    }

    /// The command `cmd` runs, for a test that sets more on it.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(BIN);
        if args.first() == Some(&"status") {
            // Clocks evaluated at one instant, so two machines agree.
            command.env("RUNSHEET_NOW", NOW);
        }
        command
            .args(args)
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("RUNSHEET_DATA_DIR", self.home.join("data"))
            .env("RUNSHEET_CONFIG_DIR", self.home.join("config"))
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", self.name)
            .env("GIT_AUTHOR_EMAIL", format!("{}@example.org", self.name))
            .env("GIT_COMMITTER_NAME", self.name)
            .env("GIT_COMMITTER_EMAIL", format!("{}@example.org", self.name))
            .env_remove("RUNSHEET_ACTOR");
        command
    }

    /// `sync` in a process group of its own, so a hook can kill it and
    /// every git under it at one precise step (and nothing else).
    fn sync_killed_by_hook(&self) -> Output {
        use std::os::unix::process::CommandExt;
        let case = self.case();
        let out = self
            .command(&["sync", case.to_str().unwrap(), "--as", self.name])
            .process_group(0)
            .output()
            .expect("runsheet runs");
        assert_eq!(out.status.code(), None, "the hook killed the sync");
        out
    }

    fn journal(&self) -> PathBuf {
        self.case()
            .join("journals")
            .join(format!("{}@{}.jsonl", self.name.to_lowercase(), host()))
    }

    /// Installs the git hook `name` in this responder's clone.
    fn hook(&self, name: &str, script: &str) {
        use std::os::unix::fs::PermissionsExt;
        let path = self.clone.join(".git/hooks").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, format!("#!/bin/sh\n{script}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    /// A CLI action in this responder's journal; returns its `saved:` line.
    fn act(&self, args: &[&str]) -> String {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--as", self.name]);
        let out = self.cmd(&all);
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "{args:?}: {}{stdout}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }

    fn sync(&self) -> Output {
        let case = self.case();
        self.cmd(&["sync", case.to_str().unwrap(), "--as", self.name])
    }

    fn sync_ok(&self) {
        let out = self.sync();
        assert!(
            out.status.success(),
            "{} sync: {}",
            self.name,
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn status_json(&self) -> String {
        let case = self.case();
        let out = self.cmd(&["status", "--json", case.to_str().unwrap()]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn verify(&self) -> Output {
        let case = self.case();
        self.cmd(&["verify", case.to_str().unwrap()])
    }
}

/// A hook that removes itself (it fires once) and kills its process group:
/// the sync that ran git, and git, at the hook's step.
const KILL_ONCE: &str = "rm -f \"$0\"\nkill -KILL 0";

/// The trimmed standard error of a command that must exit with `code`.
fn fails_with(out: &Output, code: i32) -> String {
    assert_eq!(out.status.code(), Some(code), "{}", stderr_of(out));
    stderr_of(out).trim().to_string()
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A remote and two responders: Ana creates the case and pushes it, Bob
/// clones it.
struct Team {
    root: tempfile::TempDir,
    remote: PathBuf,
    ana: Responder,
    bob: Responder,
}

fn team() -> Team {
    require_git();
    let root = tempfile::tempdir().unwrap();
    let remote = root.path().join("remote.git");
    std::fs::create_dir(&remote).unwrap();
    git(&remote, &["init", "--quiet", "--bare", "-b", "main"]);
    let make = |name: &'static str| {
        let home = root.path().join(format!("home-{name}"));
        std::fs::create_dir_all(&home).unwrap();
        Responder {
            name,
            clone: home.join("incident"),
            home,
        }
    };
    let (ana, bob) = (make("Ana"), make("Bob"));
    std::fs::create_dir(&ana.clone).unwrap();
    git(&ana.clone, &["init", "--quiet", "-b", "main"]);
    git(
        &ana.clone,
        &["remote", "add", "origin", remote.to_str().unwrap()],
    );
    for r in [&ana, &bob] {
        if r.name == "Bob" {
            git(
                &r.home,
                &["clone", "--quiet", remote.to_str().unwrap(), "incident"],
            );
        }
        git(&r.clone, &["config", "user.name", r.name]);
        git(&r.clone, &["config", "user.email", "r@example.org"]);
        git(&r.clone, &["config", "commit.gpgsign", "false"]);
        if r.name == "Ana" {
            let case = r.case();
            let out = r.cmd(&[
                "case",
                "new",
                "ransomware-extortion",
                case.to_str().unwrap(),
                "--title",
                "Team test",
                "--timezone",
                "Europe/Amsterdam",
            ]);
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            r.act(&["note", case.to_str().unwrap(), "case opened"]);
            r.sync_ok();
        }
    }
    bob.sync_ok();
    assert!(
        bob.case().join("case.yaml").is_file(),
        "Bob's clone has the case"
    );
    Team {
        root,
        remote,
        ana,
        bob,
    }
}

/// A small deterministic generator (xorshift64*), so a failure repeats.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn journal_entries(path: &Path) -> Vec<Entry> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| Entry::decode(l).expect("every line decodes"))
        .collect()
}

/// `saved: <path> entry <seq> (<kind>)` → (journal file name, seq, kind).
fn acknowledged(saved: &str) -> (String, u64, String) {
    let first = saved.lines().next().unwrap_or_default();
    let rest = first.trim().strip_prefix("saved: ").expect("a saved line");
    let (path, tail) = rest.rsplit_once(" entry ").unwrap();
    let (seq, kind) = tail.split_once(' ').unwrap();
    let file = Path::new(path)
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();
    (
        file,
        seq.parse().unwrap(),
        kind.trim_matches(|c| c == '(' || c == ')').to_string(),
    )
}

/// One action of the random mix, through the CLI: a note, a fact, a step,
/// a decision or a submission; returns its `saved:` output.
fn random_action(r: &Responder, rng: &mut Rng, n: u64) -> String {
    let facts = [
        ("exfiltration_confirmed", ["yes", "no"]),
        ("records_estimate", ["120", "5000"]),
    ];
    let decisions = [
        ("personal_data", ["yes", "no"]),
        ("significant_incident", ["yes", "no"]),
    ];
    let submissions = [
        ("gdpr-notify-sa", "Supervisory authority"),
        ("ico-notify", "ICO"),
    ];
    let steps = ["declare", "oob-comms", "contain-isolate"];
    let case = r.case();
    let case = case.to_str().unwrap();
    match rng.below(6) {
        0 => {
            let text = format!("{} note {}", r.name, n);
            r.act(&["note", case, &text])
        }
        1 => {
            let (fact, values) = facts[usize::try_from(rng.below(2)).unwrap()];
            let value = values[usize::try_from(rng.below(2)).unwrap()];
            r.act(&["set", case, &format!("{fact}={value}")])
        }
        2 => {
            let step = steps[usize::try_from(rng.below(3)).unwrap()];
            let action = if rng.below(2) == 0 { "start" } else { "done" };
            r.act(&["case", "step", case, step, action])
        }
        3 => {
            // A fact a step decides: a decision, with why.
            let (fact, values) = decisions[usize::try_from(rng.below(2)).unwrap()];
            let value = values[usize::try_from(rng.below(2)).unwrap()];
            let why = format!("{} decided at action {}", r.name, n);
            r.act(&["set", case, &format!("{fact}={value}"), "--rationale", &why])
        }
        4 => {
            let (step, recipient) = submissions[usize::try_from(rng.below(2)).unwrap()];
            let reference = format!("{}-{}", r.name, n);
            r.act(&[
                "case",
                "submit",
                case,
                step,
                "--channel",
                "portal",
                "--recipient",
                recipient,
                "--reference",
                &reference,
            ])
        }
        _ => {
            let text = format!("{} remark {}", r.name, n);
            r.act(&["note", case, &text, "--step", "declare"])
        }
    }
}

#[test]
fn random_actions_and_syncs_converge_on_both_machines() {
    let actions: u64 = std::env::var("RUNSHEET_TEAM_ACTIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
    let t = team();
    let seed = 0x5eed_1234_u64;
    let mut rng = Rng(seed);
    let mut acked: Vec<(String, u64, String)> = Vec::new();
    let mut done = [0_u64; 2];
    let mut syncs = 0;
    while done.iter().any(|d| *d < actions) {
        let who = if done[0] >= actions {
            1
        } else if done[1] >= actions {
            0
        } else {
            usize::try_from(rng.below(2)).unwrap()
        };
        let r = if who == 0 { &t.ana } else { &t.bob };
        let saved = random_action(r, &mut rng, done[who]);
        acked.push(acknowledged(&saved));
        done[who] += 1;
        if rng.below(10) == 0 {
            r.sync_ok();
            syncs += 1;
        }
    }
    t.ana.sync_ok();
    t.bob.sync_ok();
    t.ana.sync_ok();
    eprintln!("seed {seed:#x}: {actions} actions per responder, {syncs} random syncs");
    for kind in ["note", "fact_set", "decision", "submission", "step_done"] {
        assert!(
            acked.iter().any(|(_, _, k)| k == kind),
            "the mix wrote a {kind} through the CLI"
        );
    }

    // Every acknowledged entry is there exactly once, in both clones.
    for r in [&t.ana, &t.bob] {
        let mut by_journal: BTreeMap<String, Vec<(u64, String)>> = BTreeMap::new();
        for (file, seq, kind) in &acked {
            by_journal
                .entry(file.clone())
                .or_default()
                .push((*seq, kind.clone()));
        }
        for (file, acks) in &by_journal {
            let entries = journal_entries(&r.case().join("journals").join(file));
            // Line 0 is `journal_created`, then Ana's note she opened the
            // case with; every other entry was acknowledged here, each
            // framed by a session of its own (started, the entry, ended).
            let setup = if file.starts_with("ana@") { 4 } else { 1 };
            assert_eq!(
                entries.len(),
                3 * acks.len() + setup,
                "{file} in {}'s clone",
                r.name
            );
            for (seq, kind) in acks {
                let entry = &entries[usize::try_from(*seq).unwrap()];
                assert_eq!(&entry.kind.to_string(), kind, "{file} seq {seq}");
            }
        }
    }
    let (a, b) = (t.ana.status_json(), t.bob.status_json());
    assert_eq!(a, b, "both machines compute the same merged state");
    let status: serde_json::Value = serde_json::from_str(&a).unwrap();
    assert_eq!(status["case"]["journals"].as_array().unwrap().len(), 2);
    for r in [&t.ana, &t.bob] {
        let out = r.verify();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stdout)
        );
    }
}

#[test]
fn concurrent_personal_data_is_a_conflict_until_resolved_on_both() {
    let t = team();
    let (ca, cb) = (t.ana.case(), t.bob.case());
    let (ca, cb) = (ca.to_str().unwrap(), cb.to_str().unwrap());
    t.ana.act(&[
        "set",
        ca,
        "personal_data=yes",
        "--rationale",
        "HR share encrypted",
    ]);
    t.bob.act(&[
        "set",
        cb,
        "personal_data=no",
        "--rationale",
        "only build servers hit",
    ]);
    t.ana.sync_ok();
    t.bob.sync_ok();
    t.ana.sync_ok();
    for r in [&t.ana, &t.bob] {
        let status: serde_json::Value = serde_json::from_str(&r.status_json()).unwrap();
        let conflicts = status["conflicts"].as_array().unwrap();
        assert_eq!(conflicts.len(), 1, "{} sees the conflict", r.name);
        assert_eq!(conflicts[0]["key"], "personal_data");
        assert_eq!(conflicts[0]["entries"].as_array().unwrap().len(), 2);
        let text = r.cmd(&["status", r.case().to_str().unwrap()]);
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(text.contains("fact personal_data: "), "{text}");
        // Each side named as every view names it, its value as the facts
        // list shows it (not the stored `true`).
        assert!(
            text.contains(" = yes (") && text.contains(" = no ("),
            "{text}"
        );
        assert!(text.contains("Ana@") && text.contains("Bob@"), "{text}");
    }
    // Every view of the case says the value is contested, naming each
    // side `actor@host`: the report, `json`'s state and the review.
    let open = "open conflict on fact `personal_data`: ";
    let md = t.ana.cmd(&["export", ca, "--format", "md"]);
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.contains(open), "{md}");
    assert!(md.contains(" = yes (") && md.contains(" = no ("), "{md}");
    let json = t.ana.cmd(&["export", ca, "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let warned = json["state"]["warnings"].as_array().unwrap();
    assert!(
        warned.iter().any(|w| w
            .as_str()
            .is_some_and(|w| w.starts_with(open) && w.contains('@'))),
        "{warned:?}"
    );
    t.ana.act(&[
        "resolve",
        ca,
        "personal_data=yes",
        "--reason",
        "the DPO confirmed customer records were copied",
    ]);
    t.ana.sync_ok();
    t.bob.sync_ok();
    let (a, b) = (t.ana.status_json(), t.bob.status_json());
    assert_eq!(a, b);
    let status: serde_json::Value = serde_json::from_str(&b).unwrap();
    assert_eq!(status["conflicts"].as_array().unwrap().len(), 0);
    let md = t.ana.cmd(&["export", ca, "--format", "md"]);
    assert!(!String::from_utf8_lossy(&md.stdout).contains("open conflict"));
    let fact = status["facts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == "personal_data")
        .unwrap();
    assert_eq!(fact["value"], true);
}

/// Rewrites Ana's journal consistently (chain recomputed), as a forger
/// with the file and the format could.
fn rewrite_consistently(path: &Path) {
    let mut prev = "0".repeat(64);
    let mut out = String::new();
    let entries = journal_entries(path);
    let first_note = entries
        .iter()
        .find(|e| e.kind == runsheet::journal::Kind::Note)
        .map(|e| e.seq);
    for mut entry in entries {
        if Some(entry.seq) == first_note {
            entry.data.insert(
                "text".into(),
                serde_json::Value::String("nothing happened".into()),
            );
        }
        entry.prev.clone_from(&prev);
        let line = entry.encode();
        prev = runsheet::hash::sha256_hex(line.as_bytes());
        out.push_str(&line);
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn a_journal_rewritten_after_the_other_saw_it_fails_verify() {
    let t = team();
    let (ca, cb) = (t.ana.case(), t.bob.case());
    let (ca, cb) = (ca.to_str().unwrap(), cb.to_str().unwrap());
    t.ana.act(&["note", ca, "second note"]);
    t.ana.sync_ok();
    t.bob.sync_ok();
    t.bob.act(&["note", cb, "I read Ana's notes"]);
    t.bob.sync_ok();
    t.ana.sync_ok();
    assert_eq!(t.ana.verify().status.code(), Some(0));
    let journal = t
        .ana
        .case()
        .join("journals")
        .join("ana@".to_string() + &host() + ".jsonl");
    rewrite_consistently(&journal);
    // The rewritten journal verifies on its own...
    let alone = t.ana.cmd(&["verify", journal.to_str().unwrap()]);
    assert_eq!(alone.status.code(), Some(0));
    // ...but not against what Bob had seen.
    let out = t.ana.verify();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&format!("journal ana@{} at seq 6", host())) && text.contains("bob@"),
        "{text}"
    );
}

fn host() -> String {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    runsheet::case::journal_id("x", name.trim())
        .trim_start_matches("x@")
        .to_string()
}

#[test]
fn an_unreachable_remote_loses_nothing_and_a_later_sync_catches_up() {
    let t = team();
    let ca = t.ana.case();
    let ca = ca.to_str().unwrap();
    let moved = t.remote.with_extension("away");
    std::fs::rename(&t.remote, &moved).unwrap();
    t.ana.act(&["note", ca, "written while offline"]);
    let out = t.ana.sync();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim().lines().count(), 1, "one sentence: {stderr}");
    assert!(stderr.contains("nothing was lost"), "{stderr}");
    let log = git(&t.ana.clone, &["log", "--oneline"]);
    assert_eq!(String::from_utf8_lossy(&log.stdout).lines().count(), 2);
    std::fs::rename(&moved, &t.remote).unwrap();
    t.ana.sync_ok();
    t.bob.sync_ok();
    let status: serde_json::Value = serde_json::from_str(&t.bob.status_json()).unwrap();
    assert_eq!(
        status["journal"]["entries"], 7,
        "Bob has Ana's offline note (each note in a session of its own)"
    );
}

#[test]
fn a_bundle_carries_a_case_without_a_network() {
    let t = team();
    let ca = t.ana.case();
    t.ana
        .act(&["note", ca.to_str().unwrap(), "carried on a USB stick"]);
    let bundle = t.ana.home.join("case.bundle");
    let out = t.ana.cmd(&[
        "sync",
        ca.to_str().unwrap(),
        "--as",
        "Ana",
        "--bundle-out",
        bundle.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let cb = t.bob.case();
    let out = t.bob.cmd(&[
        "sync",
        cb.to_str().unwrap(),
        "--as",
        "Bob",
        "--bundle-in",
        bundle.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(t.ana.status_json(), t.bob.status_json());
}

#[test]
fn a_solo_journal_becomes_a_case_without_being_rewritten() {
    let root = tempfile::tempdir().unwrap();
    let r = Responder {
        name: "Ana",
        home: root.path().to_path_buf(),
        clone: root.path().join("x"),
    };
    let solo = root.path().join("solo.jsonl");
    let out = r.cmd(&[
        "new",
        "ransomware-extortion",
        "--journal",
        solo.to_str().unwrap(),
        "--as",
        "Ana",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    r.act(&["note", solo.to_str().unwrap(), "before the team joined"]);
    let before = std::fs::read(&solo).unwrap();
    let case = r.case();
    let out = r.cmd(&[
        "case",
        "from",
        solo.to_str().unwrap(),
        case.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let copied = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    assert_eq!(
        std::fs::read(&copied).unwrap(),
        before,
        "copied byte for byte"
    );
    assert_eq!(
        std::fs::read(&solo).unwrap(),
        before,
        "the original is untouched"
    );
    // Ana continues in the same journal; Bob starts his own.
    let saved = r.act(&["note", case.to_str().unwrap(), "now a team"]);
    assert!(saved.contains(copied.to_str().unwrap()), "{saved}");
    let bob = Responder { name: "Bob", ..r };
    bob.act(&["note", case.to_str().unwrap(), "joined"]);
    assert_eq!(bob.verify().status.code(), Some(0));
    let status: serde_json::Value = serde_json::from_str(&bob.status_json()).unwrap();
    assert_eq!(status["case"]["journals"].as_array().unwrap().len(), 2);
}

#[test]
fn a_conflict_git_reports_stops_the_sync_and_names_the_file() {
    let t = team();
    let ca = t.ana.case();
    t.ana.act(&["note", ca.to_str().unwrap(), "Ana's own line"]);
    t.ana.sync_ok();
    // Bob's clone changes Ana's journal by hand: a second writer.
    let name = format!("ana@{}.jsonl", host());
    let theirs = t.bob.case().join("journals").join(&name);
    let mut bytes = std::fs::read(&theirs).unwrap();
    bytes.extend_from_slice(b"edited by hand\n");
    std::fs::write(&theirs, bytes).unwrap();
    git(&t.bob.clone, &["commit", "--quiet", "-am", "hand edit"]);
    let out = t.bob.sync();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains(&format!("case/journals/{name}")),
        "{stderr}"
    );
    // The rebase was undone: Bob's clone is not left half-way.
    let state = git(&t.bob.clone, &["status", "--porcelain=v1"]);
    assert!(
        !String::from_utf8_lossy(&state.stdout).contains("UU"),
        "no unmerged files remain"
    );
}

/// A sync killed half-way through its `git pull --rebase` (here: as the
/// rebase checks out the remote's branch) leaves an older version of
/// Ana's journal on disk. No entry may be written on it; the next sync
/// undoes the rebase and sends everything.
#[test]
fn a_sync_killed_during_its_rebase_loses_nothing_and_blocks_writes_until_synced() {
    let t = team();
    let (ca, cb) = (t.ana.case(), t.bob.case());
    let (ca, cb) = (ca.to_str().unwrap(), cb.to_str().unwrap());
    t.bob.act(&["note", cb, "Bob's first"]);
    t.bob.sync_ok();
    t.ana.act(&["note", ca, "Ana's second"]);
    let written = std::fs::read(t.ana.journal()).unwrap();
    t.ana.hook("post-checkout", KILL_ONCE);
    t.ana.sync_killed_by_hook();
    assert_ne!(
        std::fs::read(t.ana.journal()).unwrap(),
        written,
        "the rebase was stopped with an older journal on disk"
    );
    let refused = t
        .ana
        .cmd(&["note", ca, "on the old version", "--as", "Ana"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr_of(&refused));
    assert!(
        stderr_of(&refused).contains(&format!(
            "run `runsheet sync {ca}` to finish the interrupted sync first"
        )),
        "{}",
        stderr_of(&refused)
    );
    // The journal named by its file, not the case: refused too (the
    // defect: `note FILE` and `evidence add FILE` wrote an entry the
    // undone rebase then dropped); a case's journal file is never written
    // on its own.
    let file = t.ana.journal();
    let file = file.to_str().unwrap();
    std::fs::write(t.ana.clone.join("disk.img"), "image").unwrap();
    let disk = t.ana.clone.join("disk.img");
    for args in [
        vec!["note", file, "on the old version", "--as", "Ana"],
        vec![
            "evidence",
            "add",
            file,
            disk.to_str().unwrap(),
            "--as",
            "Ana",
        ],
    ] {
        let refused = t.ana.cmd(&args);
        assert!(
            fails_with(&refused, 2).starts_with(&format!(
                "error: {file} is a journal of the team case {ca}: "
            )),
            "{args:?}"
        );
    }
    t.ana.sync_ok();
    assert_eq!(std::fs::read(t.ana.journal()).unwrap(), written);
    t.bob.sync_ok();
    let name = t.ana.journal().file_name().unwrap().to_owned();
    assert_eq!(
        std::fs::read(t.bob.case().join("journals").join(name)).unwrap(),
        written,
        "Bob has every entry Ana wrote"
    );
    assert_eq!(t.bob.verify().status.code(), Some(0));
}

/// A journal on disk cut shorter than the committed one (whatever did it)
/// takes no new entry: the entry would fork the journal.
#[test]
fn a_journal_shorter_than_the_committed_one_takes_no_entry() {
    let t = team();
    let ca = t.ana.case();
    let ca = ca.to_str().unwrap();
    t.ana.act(&["note", ca, "Ana's second"]);
    t.ana.sync_ok();
    let committed = std::fs::read(t.ana.journal()).unwrap();
    let first_line = committed.iter().position(|b| *b == b'\n').unwrap() + 1;
    std::fs::write(t.ana.journal(), &committed[..first_line]).unwrap();
    let refused = t.ana.cmd(&["note", ca, "forked", "--as", "Ana"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stderr_of(&refused));
    assert!(
        stderr_of(&refused).contains("on disk has fewer entries than the version committed in git"),
        "{}",
        stderr_of(&refused)
    );
    assert_eq!(
        std::fs::read(t.ana.journal()).unwrap(),
        &committed[..first_line]
    );
}

/// The file of a responder's journal as git names it from the clone's top.
fn journal_in_git(r: &Responder) -> String {
    format!(
        "case/journals/{}",
        r.journal().file_name().unwrap().to_string_lossy()
    )
}

/// Ana's journal as the remote has it.
fn anas_journal_on_remote(t: &Team) -> Vec<u8> {
    let spec = format!("main:{}", journal_in_git(&t.ana));
    git(&t.remote, &["show", &spec]).stdout
}

/// Ana puts back an old copy of her journal (no sync was interrupted):
/// the write guard and sync both say so and give the command that
/// restores the committed one; sync commits and sends nothing.
#[test]
fn a_journal_put_back_from_an_old_copy_is_never_committed_or_pushed() {
    let t = team();
    let ca = t.ana.case();
    let ca = ca.to_str().unwrap();
    let old_copy = std::fs::read(t.ana.journal()).unwrap();
    t.ana.act(&["note", ca, "Ana's second"]);
    t.ana.sync_ok();
    let pushed = anas_journal_on_remote(&t);
    std::fs::write(t.ana.journal(), &old_copy).unwrap();
    let top = t.ana.top();
    let file = journal_in_git(&t.ana);
    let refused = t.ana.cmd(&["note", ca, "on the old copy", "--as", "Ana"]);
    assert_eq!(
        fails_with(&refused, 2),
        format!(
            "error: {} on disk has fewer entries than the version committed in git (an older copy put back?); restore the committed one with `git -C {top} checkout HEAD -- {file}` first",
            t.ana.journal().display()
        )
    );
    let out = t.ana.sync();
    assert_eq!(
        fails_with(&out, 1),
        format!(
            "error: sync: your journal {file} on disk has fewer entries than the one committed in git (an older copy put back?); nothing was committed or sent; restore the committed one, which holds every entry on disk and more, with `git -C {top} checkout HEAD -- {file}` and run `runsheet sync` again"
        )
    );
    assert_eq!(anas_journal_on_remote(&t), pushed, "nothing was pushed");
    git(&t.ana.clone, &["checkout", "HEAD", "--", &file]);
    t.ana.sync_ok();
    t.ana.act(&["note", ca, "Ana's third"]);
    t.ana.sync_ok();
    assert!(anas_journal_on_remote(&t).starts_with(&pushed));
}

/// Ana's journal on disk holds entries of its own that do not continue
/// the committed one: sync names it a fork and sends nothing.
#[test]
fn a_forked_journal_is_never_committed_and_is_named_a_fork() {
    let t = team();
    let ca = t.ana.case();
    let ca = ca.to_str().unwrap();
    t.ana.act(&["note", ca, "Ana's second"]);
    t.ana.sync_ok();
    let pushed = anas_journal_on_remote(&t);
    rewrite_consistently(&t.ana.journal());
    let top = t.ana.top();
    let file = journal_in_git(&t.ana);
    let refused = t.ana.cmd(&["note", ca, "on the fork", "--as", "Ana"]);
    assert_eq!(
        fails_with(&refused, 2),
        format!(
            "error: {} on disk is a fork of the version committed in git: it does not begin with the committed entries; keep a copy of it elsewhere and restore the committed one with `git -C {top} checkout HEAD -- {file}` first",
            t.ana.journal().display()
        )
    );
    let out = t.ana.sync();
    assert_eq!(
        fails_with(&out, 1),
        format!(
            "error: sync: your journal {file} on disk is a fork of the one committed in git: it does not begin with the committed entries, so it holds entries git has not; nothing was committed or sent; keep a copy of it elsewhere, restore the committed one with `git -C {top} checkout HEAD -- {file}` and run `runsheet sync` again"
        )
    );
    assert_eq!(anas_journal_on_remote(&t), pushed, "nothing was pushed");
}

/// A rebase someone started by hand is theirs to finish: sync refuses and
/// says how, and leaves it as it is.
#[test]
fn a_rebase_sync_did_not_start_is_refused_with_instructions() {
    let t = team();
    let ca = t.ana.case();
    t.ana.act(&["note", ca.to_str().unwrap(), "Ana's second"]);
    t.ana.sync_ok();
    git(&t.ana.clone, &["config", "core.editor", "true"]);
    let stopped = Command::new("git")
        .arg("-C")
        .arg(&t.ana.clone)
        .args(["rebase", "--exec", "false", "HEAD~1"])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .output()
        .unwrap();
    assert!(!stopped.status.success(), "the rebase stopped at its exec");
    let out = t.ana.sync();
    let top = t.ana.top();
    assert_eq!(
        fails_with(&out, 2),
        format!(
            "error: sync: a git rebase that runsheet sync did not start is in progress in {top}; finish it (`git -C {top} rebase --continue`) or undo it (`git -C {top} rebase --abort`), then run `runsheet sync` again"
        )
    );
    assert!(
        t.ana.clone.join(".git/rebase-merge").exists(),
        "left as it was"
    );
}

/// A sync killed during its `git commit` leaves git's index lock; the
/// next sync says what the file is and what to do, then works once the
/// file is gone.
#[test]
fn a_sync_killed_during_its_commit_names_the_lock_file_left_behind() {
    let t = team();
    let ca = t.ana.case();
    t.ana.act(&["note", ca.to_str().unwrap(), "Ana's second"]);
    t.ana.hook("pre-commit", KILL_ONCE);
    t.ana.sync_killed_by_hook();
    let lock = std::fs::canonicalize(t.ana.clone.join(".git/index.lock")).unwrap();
    let out = t.ana.sync();
    assert_eq!(out.status.code(), Some(2), "{}", stderr_of(&out));
    let lock = lock.display();
    assert_eq!(
        stderr_of(&out).trim(),
        format!(
            "error: sync: {lock} exists: an earlier git command in this clone was interrupted and left its lock file; if no git command is running here, remove it (`rm {lock}`) and run `runsheet sync` again"
        )
    );
    std::fs::remove_file(t.ana.clone.join(".git/index.lock")).unwrap();
    t.ana.sync_ok();
    t.bob.sync_ok();
    let status: serde_json::Value = serde_json::from_str(&t.bob.status_json()).unwrap();
    assert_eq!(
        status["journal"]["entries"], 7,
        "Bob has Ana's second note (each note in a session of its own)"
    );
}

/// Bob's clone holds a hand edit of Ana's journal, not committed: sync
/// names the file, says whose it is and how to restore it.
#[test]
fn a_hand_edit_to_another_responders_journal_is_named_with_the_command_to_restore_it() {
    let t = team();
    let name = format!("ana@{}.jsonl", host());
    let theirs = t.bob.case().join("journals").join(&name);
    let mut bytes = std::fs::read(&theirs).unwrap();
    bytes.extend_from_slice(b"edited by hand\n");
    std::fs::write(&theirs, bytes).unwrap();
    let out = t.bob.sync();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let top = std::fs::canonicalize(&t.bob.clone).unwrap();
    let file = format!("case/journals/{name}");
    assert_eq!(
        stderr_of(&out).trim(),
        format!(
            "error: sync: changed in this clone but not yours to commit: {file} (another responder's journal, which only they write); nothing was pulled or pushed; restore with `git -C {} checkout HEAD -- {file}` and run `runsheet sync` again",
            top.display()
        )
    );
    git(&top, &["checkout", "HEAD", "--", &file]);
    t.bob.sync_ok();
    assert_eq!(t.bob.verify().status.code(), Some(0));
}

/// A pre-push hook in Ana's clone that makes Bob push first: Bob's clone
/// commits (his note, or nothing) and pushes, so Ana's push loses the race.
/// `once`: the hook removes itself after its first run.
fn bob_pushes_first(t: &Team, once: bool) {
    let bob = t.bob.clone.display();
    let remove = if once { "rm -f \"$0\"\n" } else { "" };
    t.ana.hook(
        "pre-push",
        &format!(
            "{remove}unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE\n\
             git -C '{bob}' add -A && git -C '{bob}' commit -q --allow-empty -m race && git -C '{bob}' push -q origin HEAD:main"
        ),
    );
}

/// Bob pushes between Ana's pull and her push: her sync pulls again and
/// pushes, and both end with each other's entries.
#[test]
fn a_push_that_loses_a_race_pulls_again_and_succeeds() {
    let t = team();
    let (ca, cb) = (t.ana.case(), t.bob.case());
    let (ca, cb) = (ca.to_str().unwrap(), cb.to_str().unwrap());
    t.bob.act(&["note", cb, "Bob's race"]);
    t.ana.act(&["note", ca, "Ana's race"]);
    bob_pushes_first(&t, true);
    let out = t.ana.sync();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    t.bob.sync_ok();
    assert_eq!(t.ana.status_json(), t.bob.status_json());
    for journal in [t.ana.journal(), t.bob.journal()] {
        let name = journal.file_name().unwrap();
        let in_ana = std::fs::read(t.ana.case().join("journals").join(name)).unwrap();
        let in_bob = std::fs::read(t.bob.case().join("journals").join(name)).unwrap();
        assert_eq!(in_ana, in_bob, "{name:?} is the same in both clones");
    }
    let anas = std::fs::read_to_string(
        t.bob
            .case()
            .join("journals")
            .join(t.ana.journal().file_name().unwrap()),
    )
    .unwrap();
    assert!(anas.contains("Ana's race"), "Bob has Ana's note");
}

/// Bob wins every race: after its retries, Ana's sync says the remote
/// moved on (never that it could not be reached); the next sync works.
#[test]
fn a_push_that_keeps_losing_says_the_remote_moved_on() {
    let t = team();
    let ca = t.ana.case();
    t.ana.act(&["note", ca.to_str().unwrap(), "Ana's race"]);
    bob_pushes_first(&t, false);
    let out = t.ana.sync();
    assert_eq!(
        fails_with(&out, 2),
        "error: sync: the remote `origin` moved on while syncing (another responder pushed first, 4 times in a row); nothing was lost: your entries are committed locally; run `runsheet sync` again"
    );
    std::fs::remove_file(t.ana.clone.join(".git/hooks/pre-push")).unwrap();
    t.ana.sync_ok();
    t.bob.sync_ok();
    assert_eq!(t.ana.status_json(), t.bob.status_json());
}

/// A sync that brought others' entries says how many and from whom.
#[test]
fn a_sync_that_received_entries_says_how_many_and_from_whom() {
    let t = team();
    let cb = t.bob.case();
    t.bob.act(&["note", cb.to_str().unwrap(), "Bob's first"]);
    t.bob.act(&["note", cb.to_str().unwrap(), "Bob's second"]);
    t.bob.sync_ok();
    let out = t.ana.sync();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "synced: nothing new to commit, received 7 entries from bob@{}, up to date with origin\n",
            host()
        )
    );
    let again = t.ana.sync();
    assert_eq!(
        String::from_utf8_lossy(&again.stdout),
        "synced: nothing new to commit, up to date with origin\n"
    );
}

/// Ana and Bob each saw the other's journal; then Ana's is rewritten
/// consistently (it verifies alone).
fn ana_rewrites_what_bob_saw(t: &Team) {
    let (ca, cb) = (t.ana.case(), t.bob.case());
    let (ca, cb) = (ca.to_str().unwrap(), cb.to_str().unwrap());
    t.ana.act(&["note", ca, "second note"]);
    t.ana.sync_ok();
    t.bob.sync_ok();
    t.bob.act(&["note", cb, "I read Ana's notes"]);
    t.bob.sync_ok();
    t.ana.sync_ok();
    rewrite_consistently(&t.ana.journal());
}

/// What `verify DIR` says of Ana's rewritten journal.
fn contradiction_of_ana() -> String {
    format!(
        "journal ana@{h} at seq 6 differs from what was seen (the journal was rewritten): bob@{h} had seen it at its seq 2",
        h = host()
    )
}

/// A responder who rewrote their own pushed journal cannot sync it: sync
/// names the seq and who saw it, and the remote keeps what Bob saw.
#[test]
fn a_rewritten_journal_others_saw_is_refused_by_sync() {
    let t = team();
    ana_rewrites_what_bob_saw(&t);
    let out = t.ana.sync();
    assert_eq!(
        fails_with(&out, 1),
        format!(
            "error: sync: refusing to send your journal: it contradicts what others recorded seeing (it was rewritten or cut after they read it): {}; it was not sent; put back the version they saw, then run `runsheet sync` again",
            contradiction_of_ana()
        )
    );
    t.bob.sync_ok();
    assert_eq!(
        t.bob.verify().status.code(),
        Some(0),
        "Bob has the original"
    );
}

/// A journal pushed rewritten by other means (plain git) is received with
/// a warning naming the contradiction, not as "nothing new".
#[test]
fn a_received_journal_contradicted_by_what_was_seen_is_warned_about() {
    let t = team();
    ana_rewrites_what_bob_saw(&t);
    git(
        &t.ana.clone,
        &["commit", "--quiet", "-am", "rewritten by hand"],
    );
    git(&t.ana.clone, &["push", "--quiet", "origin", "HEAD:main"]);
    let out = t.bob.sync();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "synced: nothing new to commit, up to date with origin\nwarning: {}; `runsheet verify {}` says more\n",
            contradiction_of_ana(),
            t.bob.case().display()
        )
    );
}

#[test]
fn drafts_saved_beside_a_journal_travel_with_it() {
    let t = team();
    let name = format!("ana@{}.declare.v1.txt", host());
    let draft = t.ana.case().join("journals").join(&name);
    std::fs::write(&draft, "EXERCISE holding statement").unwrap();
    t.ana.sync_ok();
    t.bob.sync_ok();
    assert_eq!(
        std::fs::read_to_string(t.bob.case().join("journals").join(&name)).unwrap(),
        "EXERCISE holding statement",
        "Ana's draft reached Bob's clone"
    );
}

/// Defect SYNC-COMMITS-UNRELATED-FILE: a hand edit to the case's
/// `.gitignore` was committed and pushed with Ana's entries. Sync now
/// stages only her journal, her drafts, `case.yaml` and the playbook copy
/// (the skeleton `case new` wrote only on the first sync, when git does
/// not track it yet): the edit is left alone, named, and never sent.
#[test]
fn sync_commits_unrelated_file() {
    let t = team();
    let skeleton = git(&t.remote, &["show", "main:case/.gitignore"]).stdout;
    assert_eq!(
        skeleton, b"journals/*.lock\n",
        "the first sync sent the skeleton"
    );
    let ignore = t.ana.case().join(".gitignore");
    std::fs::write(&ignore, "journals/*.lock\n*.tmp\n").unwrap();
    let case = t.ana.case();
    t.ana.act(&["note", case.to_str().unwrap(), "offline note"]);
    let out = t.ana.sync();
    assert_eq!(
        fails_with(&out, 1),
        format!(
            "error: sync: changed in this clone but not yours to commit: case/.gitignore (sync commits only your own journal and drafts, case.yaml and the playbook copy); nothing was pulled or pushed; restore with `git -C {} checkout HEAD -- case/.gitignore` and run `runsheet sync` again",
            t.ana.top()
        )
    );
    let committed = git(&t.ana.clone, &["show", "--name-only", "--format=", "HEAD"]).stdout;
    assert_eq!(
        String::from_utf8_lossy(&committed),
        format!("{}\n", journal_in_git(&t.ana)),
        "only Ana's journal is committed"
    );
    assert_eq!(
        std::fs::read_to_string(&ignore).unwrap(),
        "journals/*.lock\n*.tmp\n",
        "the edit is left alone"
    );
    assert_eq!(
        git(&t.remote, &["show", "main:case/.gitignore"]).stdout,
        skeleton,
        "the edit never reached the remote"
    );
}

/// The mode of every regular file in `folder` but the `.gitkeep` marker,
/// by file name.
fn modes(folder: &Path) -> BTreeMap<String, u32> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::read_dir(folder)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| std::fs::symlink_metadata(p).unwrap().file_type().is_file())
        .filter(|p| !p.ends_with(".gitkeep"))
        .map(|p| {
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            (p.file_name().unwrap().to_string_lossy().into_owned(), mode)
        })
        .collect()
}

/// Defect JOURNAL-MODE-0644-AFTER-SYNC: after a sync that pulled Bob's
/// commits, Ana's journal (and Bob's, and his draft) were mode 0644: git
/// checks files out so, whatever mode they had. Sync now puts every
/// journal and draft of the case back to 0600, and never follows a
/// symbolic link out of the case.
#[test]
fn journal_mode_0644_after_sync() {
    use std::os::unix::fs::PermissionsExt as _;
    let t = team();
    let (ca, cb) = (t.ana.case(), t.bob.case());
    let bobs_draft = format!("bob@{}.declare.v1.txt", host());
    std::fs::write(cb.join("journals").join(&bobs_draft), "EXERCISE draft").unwrap();
    t.bob.act(&["note", cb.to_str().unwrap(), "bob was here"]);
    t.bob.sync_ok();
    t.ana.act(&["note", ca.to_str().unwrap(), "ana was here"]);
    let outside = t.root.path().join("outside.txt");
    std::fs::write(&outside, "not the case's").unwrap();
    std::fs::set_permissions(&outside, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::os::unix::fs::symlink(&outside, ca.join("journals/link.txt")).unwrap();
    t.ana.sync_ok();
    let expected: BTreeMap<String, u32> = [
        (format!("ana@{}.jsonl", host()), 0o600),
        (format!("bob@{}.jsonl", host()), 0o600),
        (bobs_draft, 0o600),
    ]
    .into_iter()
    .collect();
    assert_eq!(modes(&ca.join("journals")), expected);
    let outside_mode = std::fs::metadata(&outside).unwrap().permissions().mode() & 0o777;
    assert_eq!(
        outside_mode, 0o644,
        "a link is never followed out of the case"
    );
}

/// Defect RUNNER-SYNC-DROPS-DRAFTS: the runner's sync committed the files
/// it had listed when it opened, so a draft saved since (`m`, `w`) stayed
/// untracked and the others read "the draft file is missing". The runner
/// and `runsheet sync` now share one decision of what to stage, made at
/// each sync; the draft reaches Bob, private on his disk too.
#[test]
fn runner_sync_drops_drafts() {
    use runsheet::app::Msg;
    use runsheet::app::input::{KeyCode, KeyEvent, KeyModifiers};
    let t = team();
    let clock: std::sync::Arc<dyn runsheet::time::TimeSource> =
        std::sync::Arc::new(runsheet::time::SystemTime::new());
    let env = runsheet::commands::Env {
        config: runsheet::config::Config::default(),
        today: clock.now().date_naive(),
        clock,
    };
    let key = |code| Msg::Key(KeyEvent::new(code, KeyModifiers::NONE));
    let mut runner =
        runsheet::commands::case::case_runner(&env, &t.ana.case(), "Ana".into(), None).unwrap();
    runner.app.select_step("holding-statement");
    runner.handle(key(KeyCode::Char('m')));
    runner.handle(key(KeyCode::Char('w')));
    assert!(runner.settle(std::time::Duration::from_secs(10)));
    runner.handle(key(KeyCode::Esc));
    let name = format!("ana@{}.holding-statement.v1.txt", host());
    let draft = std::fs::read(t.ana.case().join("journals").join(&name)).expect("the draft saved");
    runner.handle(key(KeyCode::Char('S')));
    assert!(runner.wait_for_sync(std::time::Duration::from_secs(60)));
    runner.finish();
    let on_remote = git(&t.remote, &["show", &format!("main:case/journals/{name}")]).stdout;
    assert_eq!(on_remote, draft, "the runner's sync sent the draft");
    t.bob.sync_ok();
    let bobs = t.bob.case().join("journals");
    assert_eq!(std::fs::read(bobs.join(&name)).unwrap(), draft);
    assert_eq!(modes(&bobs).get(&name), Some(&0o600));
}

/// A rebase replaces the journal's file; a runner writing it meanwhile
/// would write to the replaced file and its entries would be lost. While a
/// runner (here: this test) holds the journal, `sync` refuses and says to
/// sync from the runner; nothing is committed or lost.
#[test]
fn sync_refuses_while_a_runner_holds_the_journal() {
    let t = team();
    let ca = t.ana.case();
    let cs = ca.to_str().unwrap();
    t.ana.act(&["note", cs, "before the runner"]);
    let journal = ca.join(format!("journals/ana@{}.jsonl", host()));
    let runner = runsheet::journal::writer::JournalFile::open(&journal).expect("lock");
    let before = std::fs::read(&journal).unwrap();
    let out = t.ana.sync();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("sync from the runner"), "{stderr}");
    assert_eq!(std::fs::read(&journal).unwrap(), before);
    drop(runner);
    t.ana.sync_ok();
}

/// Waits (bounded, polling) until `ready` holds for the tmux pane's text.
fn wait_screen(socket: &str, ready: impl Fn(&str) -> bool, what: &str) -> String {
    support::poll_until(what, || {
        let out = Command::new("tmux")
            .args(["-L", socket, "capture-pane", "-p", "-t", "ana"])
            .output()
            .expect("tmux");
        let screen = String::from_utf8_lossy(&out.stdout).into_owned();
        if ready(&screen) {
            Ok(screen)
        } else {
            Err(screen)
        }
    })
}

/// The runner syncs through the real git on its key, off the screen's
/// thread: what Bob pushed appears, the team line reports the sync, and
/// an entry written after the rebase is in Ana's journal (the file git
/// replaced was reopened), then reaches Bob.
#[test]
fn the_runner_syncs_on_its_key_and_folds_in_what_the_other_pushed() {
    if Command::new("tmux").arg("-V").output().is_err() {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "tmux is not installed but CI=true: .ci/run must install it"
        );
        eprintln!("tmux is not installed: skipping (CI installs it)");
        return;
    }
    let t = team();
    let socket = format!("runsheet-team-sync-{}", std::process::id());
    let tmux = |args: &[&str]| {
        Command::new("tmux")
            .args(["-L", &socket])
            .args(args)
            .output()
            .expect("tmux")
    };
    let ana = &t.ana;
    let case = ana.case();
    let env = [
        ("HOME", ana.home.clone()),
        ("XDG_CONFIG_HOME", ana.home.join(".config")),
        ("RUNSHEET_DATA_DIR", ana.home.join("data")),
        ("RUNSHEET_CONFIG_DIR", ana.home.join("config")),
    ];
    let assignments: Vec<String> = env
        .iter()
        .map(|(k, v)| format!("{k}='{}'", v.display()))
        .collect();
    let script = format!(
        "env GIT_CONFIG_NOSYSTEM=1 TERM=xterm-256color {} {BIN} run --case '{}' --as Ana; echo \"EXITED $?\"; exec cat",
        assignments.join(" "),
        case.display()
    );
    tmux(&["new-session", "-d", "-s", "ana", "-x", "110", "-y", "34"]);
    tmux(&["set-option", "-t", "ana", "remain-on-exit", "on"]);
    let command = format!("sh -c '{}'", script.replace('\'', "'\\''"));
    tmux(&["respawn-pane", "-k", "-t", "ana", &command]);
    wait_screen(&socket, |s| s.contains("not synced yet"), "the team line");

    let cb = t.bob.case();
    t.bob.act(&["note", cb.to_str().unwrap(), "bob was here"]);
    t.bob.sync_ok();
    tmux(&["send-keys", "-t", "ana", "S"]);
    wait_screen(
        &socket,
        |s| {
            s.lines()
                .any(|l| l.contains(" sync ") && l.trim_end().ends_with(" ok"))
        },
        "`sync HH:MM ok`",
    );
    wait_screen(&socket, |s| s.contains("With Bob"), "Bob in the team line");

    tmux(&["send-keys", "-t", "ana", "n"]);
    wait_screen(&socket, |s| s.contains("Ctrl-S"), "the note dialog");
    tmux(&["send-keys", "-t", "ana", "-l", "after the sync"]);
    tmux(&["send-keys", "-t", "ana", "C-s"]);
    wait_screen(
        &socket,
        |s| !s.contains("Ctrl-S") && s.contains("✓ all saved"),
        "the note saved and its dialog closed",
    );
    tmux(&["send-keys", "-t", "ana", "PageUp"]);
    tmux(&["send-keys", "-t", "ana", "q"]);
    wait_screen(&socket, |s| s.contains("EXITED 0"), "the runner's exit");
    tmux(&["kill-server"]);

    let journal = case.join(format!("journals/ana@{}.jsonl", host()));
    let entries = journal_entries(&journal);
    assert!(
        entries
            .iter()
            .any(|e| e.data.get("text").and_then(|t| t.as_str()) == Some("after the sync")),
        "the entry written after the rebase is in the journal file"
    );
    let verified = ana.verify();
    assert_eq!(verified.status.code(), Some(0), "{verified:?}");
    ana.sync_ok();
    t.bob.sync_ok();
    let bobs_copy = journal_entries(&cb.join(format!("journals/ana@{}.jsonl", host())));
    assert_eq!(
        bobs_copy.len(),
        entries.len(),
        "Bob has all of Ana's entries"
    );
}

/// Bob's journal as the remote has it.
fn bobs_journal_on_remote(t: &Team) -> Vec<u8> {
    let spec = format!("main:{}", journal_in_git(&t.bob));
    git(&t.remote, &["show", &spec]).stdout
}

/// A commit made by hand in Ana's clone that rewrites Bob's journal (a
/// typo fixed, the chain recomputed) is never pushed: sync names the file
/// and the commit, and the revert it suggests lets the next sync through.
#[test]
fn a_local_commit_rewriting_another_responders_journal_is_never_pushed() {
    let t = team();
    let cb = t.bob.case();
    t.bob.act(&["note", cb.to_str().unwrap(), "Bob's frist"]);
    t.bob.sync_ok();
    t.ana.sync_ok();
    let pushed = bobs_journal_on_remote(&t);
    let bobs_in_ana = t
        .ana
        .case()
        .join("journals")
        .join(t.bob.journal().file_name().unwrap());
    rewrite_consistently(&bobs_in_ana);
    git(&t.ana.clone, &["commit", "--quiet", "-am", "fix typo"]);
    let commit = git(&t.ana.clone, &["log", "-1", "--format=%h"]);
    let commit = String::from_utf8_lossy(&commit.stdout).trim().to_string();
    let out = t.ana.sync();
    let top = t.ana.top();
    let file = journal_in_git(&t.bob);
    assert_eq!(
        fails_with(&out, 1),
        format!(
            "error: sync: refusing to push: {file} is changed other than by appending to the version on `origin` (its entries would be rewritten for everyone) by the local commit(s) `{commit} fix typo`; nothing was pushed; undo them with `git -C {top} revert --no-edit {commit}` and run `runsheet sync` again"
        )
    );
    assert_eq!(bobs_journal_on_remote(&t), pushed, "nothing was pushed");
    git(&t.ana.clone, &["revert", "--quiet", "--no-edit", &commit]);
    t.ana.sync_ok();
    t.bob.act(&["note", cb.to_str().unwrap(), "Bob's second"]);
    t.bob.sync_ok();
    assert_eq!(t.bob.verify().status.code(), Some(0));
}

/// Bob's entries carried to Ana on a bundle only grow his journal: Ana's
/// sync sends them on to the remote.
#[test]
fn a_relayed_bundle_of_another_responders_entries_is_still_pushed() {
    let t = team();
    let cb = t.bob.case();
    t.bob.act(&["note", cb.to_str().unwrap(), "Bob, online"]);
    t.bob.sync_ok();
    t.ana.sync_ok();
    t.bob.act(&["note", cb.to_str().unwrap(), "Bob, offline"]);
    let bundle = t.bob.home.join("case.bundle");
    let out = t.bob.cmd(&[
        "sync",
        cb.to_str().unwrap(),
        "--as",
        "Bob",
        "--bundle-out",
        bundle.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let ca = t.ana.case();
    let out = t.ana.cmd(&[
        "sync",
        ca.to_str().unwrap(),
        "--as",
        "Ana",
        "--bundle-in",
        bundle.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    t.ana.sync_ok();
    assert_eq!(
        bobs_journal_on_remote(&t),
        std::fs::read(t.bob.journal()).unwrap()
    );
}

/// A hand edit to another responder's journal that was also staged: the
/// restore command sync gives undoes it in the index and the work tree,
/// so the next sync goes through.
#[test]
fn a_staged_hand_edit_to_another_responders_journal_is_restored_by_the_command_given() {
    let t = team();
    let name = format!("ana@{}.jsonl", host());
    let theirs = t.bob.case().join("journals").join(&name);
    let committed = std::fs::read(&theirs).unwrap();
    let mut bytes = committed.clone();
    bytes.extend_from_slice(b"edited by hand\n");
    std::fs::write(&theirs, bytes).unwrap();
    let top = std::fs::canonicalize(&t.bob.clone).unwrap();
    let file = format!("case/journals/{name}");
    git(&top, &["add", "--", &file]);
    let out = t.bob.sync();
    assert_eq!(out.status.code(), Some(1), "{}", stderr_of(&out));
    let restore = format!("git -C {} checkout HEAD -- {file}", top.display());
    assert!(
        stderr_of(&out).contains(&format!("restore with `{restore}`")),
        "{}",
        stderr_of(&out)
    );
    let args: Vec<&str> = restore.split(' ').skip(3).collect();
    git(&top, &args);
    assert_eq!(std::fs::read(&theirs).unwrap(), committed);
    t.bob.sync_ok();
    assert_eq!(t.bob.verify().status.code(), Some(0));
}

/// The sync that recovers one killed during its rebase counts what it
/// received across the recovery and says it sent the commit the killed
/// sync had made.
#[test]
fn a_sync_that_recovers_an_interrupted_one_says_what_it_received_and_sent() {
    let t = team();
    let (ca, cb) = (t.ana.case(), t.bob.case());
    let (ca, cb) = (ca.to_str().unwrap(), cb.to_str().unwrap());
    t.bob.act(&["note", cb, "Bob's first"]);
    t.bob.sync_ok();
    t.ana.act(&["note", ca, "Ana's second"]);
    t.ana.hook("post-checkout", KILL_ONCE);
    t.ana.sync_killed_by_hook();
    let out = t.ana.sync();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "synced: nothing new to commit, received 4 entries from bob@{}, sent 1 commit made earlier, up to date with origin\n",
            host()
        )
    );
}

/// Taking in a bundle in a clone that has a remote sends nothing, and
/// says so with the command that sends; the next sync does.
#[test]
fn a_bundle_taken_in_where_there_is_a_remote_says_it_sent_nothing() {
    let t = team();
    let cb = t.bob.case();
    t.bob.act(&["note", cb.to_str().unwrap(), "Bob, offline"]);
    let bundle = t.bob.home.join("case.bundle");
    let out = t.bob.cmd(&[
        "sync",
        cb.to_str().unwrap(),
        "--as",
        "Bob",
        "--bundle-out",
        bundle.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    let ca = t.ana.case();
    let ca = ca.to_str().unwrap();
    t.ana.act(&["note", ca, "Ana's second"]);
    let remote_before = git(&t.remote, &["rev-parse", "main"]).stdout;
    let out = t.ana.cmd(&[
        "sync",
        ca,
        "--as",
        "Ana",
        "--bundle-in",
        bundle.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "synced: committed your entries, received 4 entries from bob@{}; took in the bundle and sent nothing: run `runsheet sync {ca}` to send to origin\n",
            host()
        )
    );
    assert_eq!(
        git(&t.remote, &["rev-parse", "main"]).stdout,
        remote_before,
        "nothing was pushed"
    );
    let out = t.ana.sync();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "synced: nothing new to commit, sent 2 commits made earlier, up to date with origin\n"
    );
}

/// The commit `rev` names in the repository `dir`, in full.
fn rev_of(dir: &Path, rev: &str) -> String {
    let out = git(dir, &["rev-parse", rev]);
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The defect: sync committed before it looked for the current branch,
/// so on a detached HEAD it made a commit only HEAD reached and then
/// failed with git's raw "symbolic-ref failed". Sync now refuses before
/// committing anything, says what is wrong and the command that fixes it;
/// that command works.
#[test]
fn a_detached_head_is_refused_before_anything_is_committed() {
    let t = team();
    let ca = t.ana.case();
    t.ana
        .act(&["note", ca.to_str().unwrap(), "written while detached"]);
    git(&t.ana.clone, &["checkout", "--quiet", "--detach"]);
    let head = rev_of(&t.ana.clone, "HEAD");
    let on_remote = anas_journal_on_remote(&t);
    let out = t.ana.sync();
    let top = t.ana.top();
    let at = &head[..7];
    assert_eq!(
        fails_with(&out, 2),
        format!(
            "error: sync: HEAD in {top} is detached (at {at}), not on a branch, so a commit made now would belong to no branch and could not be sent; nothing was committed or sent; switch to the case's branch with `git -C {top} switch main`, then run `runsheet sync` again"
        )
    );
    assert_eq!(rev_of(&t.ana.clone, "HEAD"), head, "nothing was committed");
    let state = git(&t.ana.clone, &["status", "--porcelain=v1"]);
    assert_eq!(
        String::from_utf8_lossy(&state.stdout),
        format!(" M {}\n", journal_in_git(&t.ana)),
        "the note is still only on disk, not staged"
    );
    assert_eq!(anas_journal_on_remote(&t), on_remote, "nothing was sent");
    git(&t.ana.clone, &["switch", "--quiet", "main"]);
    t.ana.sync_ok();
    assert_eq!(
        anas_journal_on_remote(&t),
        std::fs::read(t.ana.journal()).unwrap(),
        "once on the branch, the note is sent"
    );
}

/// `sync --bundle-out FILE` for `r`.
fn bundle_out(r: &Responder, bundle: &Path) -> Output {
    let case = r.case();
    r.cmd(&[
        "sync",
        case.to_str().unwrap(),
        "--as",
        r.name,
        "--bundle-out",
        bundle.to_str().unwrap(),
    ])
}

/// The defect: `--bundle-out` skipped the check a push makes, so a local
/// commit that rewrote another responder's journal left on a bundle. It
/// is refused as a push is, and no bundle is written.
#[test]
fn a_bundle_out_of_a_rewritten_journal_is_refused_like_a_push() {
    let t = team();
    let cb = t.bob.case();
    t.bob.act(&["note", cb.to_str().unwrap(), "Bob's frist"]);
    t.bob.sync_ok();
    t.ana.sync_ok();
    let bobs_in_ana = t
        .ana
        .case()
        .join("journals")
        .join(t.bob.journal().file_name().unwrap());
    rewrite_consistently(&bobs_in_ana);
    git(&t.ana.clone, &["commit", "--quiet", "-am", "fix typo"]);
    let commit = git(&t.ana.clone, &["log", "-1", "--format=%h"]);
    let commit = String::from_utf8_lossy(&commit.stdout).trim().to_string();
    let bundle = t.ana.home.join("case.bundle");
    let out = bundle_out(&t.ana, &bundle);
    let top = t.ana.top();
    let file = journal_in_git(&t.bob);
    assert_eq!(
        fails_with(&out, 1),
        format!(
            "error: sync: refusing to write the bundle {}: {file} is changed other than by appending to the version on `origin` (its entries would be rewritten for everyone) by the local commit(s) `{commit} fix typo`; no bundle was written; undo them with `git -C {top} revert --no-edit {commit}` and write the bundle again",
            bundle.display()
        )
    );
    assert!(!bundle.exists(), "no bundle was written");
    git(&t.ana.clone, &["revert", "--quiet", "--no-edit", &commit]);
    assert_eq!(bundle_out(&t.ana, &bundle).status.code(), Some(0));
    assert!(bundle.is_file());
}

/// The defect: `--bundle-out` said "up to date with FILE" of a bundle it
/// had just written. It says what it wrote (the branch's whole history),
/// how much, and where.
#[test]
fn a_bundle_out_says_what_it_wrote_and_where() {
    let t = team();
    let ca = t.ana.case();
    t.ana
        .act(&["note", ca.to_str().unwrap(), "carried by hand"]);
    let bundle = t.ana.home.join("case.bundle");
    let out = bundle_out(&t.ana, &bundle);
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "synced: committed your entries, wrote 2 commits (the whole history of main, holding 7 entries in 1 journal) to the bundle {}\n",
            bundle.display()
        )
    );
    let listed = git(
        &t.ana.clone,
        &["bundle", "list-heads", bundle.to_str().unwrap()],
    );
    assert_eq!(
        String::from_utf8_lossy(&listed.stdout),
        format!("{} refs/heads/main\n", rev_of(&t.ana.clone, "main"))
    );
    assert_eq!(
        std::fs::read_to_string(t.ana.journal())
            .unwrap()
            .lines()
            .count(),
        7
    );
}

/// A third responder, cloned from the team's remote, named `name`.
fn join(t: &Team, name: &'static str) -> Responder {
    let home = t.root.path().join(format!("home-{name}"));
    std::fs::create_dir_all(&home).unwrap();
    let r = Responder {
        name,
        clone: home.join("incident"),
        home,
    };
    git(
        &r.home,
        &["clone", "--quiet", t.remote.to_str().unwrap(), "incident"],
    );
    git(&r.clone, &["config", "user.name", name]);
    git(&r.clone, &["config", "user.email", "r@example.org"]);
    git(&r.clone, &["config", "commit.gpgsign", "false"]);
    r
}

/// git quotes a non-ASCII path by default (`"zo\303\253@…"`), which the
/// push-time check did not take for a journal: a rewritten journal with
/// such a name was pushed. With `core.quotePath=false` it is refused.
#[test]
fn a_rewritten_journal_with_a_non_ascii_name_is_never_pushed() {
    let t = team();
    let zoe = join(&t, "Zoë");
    let cz = zoe.case();
    zoe.act(&["note", cz.to_str().unwrap(), "Zoë's frist"]);
    zoe.sync_ok();
    t.ana.sync_ok();
    let spec = format!("main:{}", journal_in_git(&zoe));
    let pushed = git(&t.remote, &["show", &spec]).stdout;
    let zoes_in_ana = t
        .ana
        .case()
        .join("journals")
        .join(zoe.journal().file_name().unwrap());
    rewrite_consistently(&zoes_in_ana);
    git(&t.ana.clone, &["commit", "--quiet", "-am", "fix typo"]);
    let commit = git(&t.ana.clone, &["log", "-1", "--format=%h"]);
    let commit = String::from_utf8_lossy(&commit.stdout).trim().to_string();
    let out = t.ana.sync();
    let top = t.ana.top();
    let file = journal_in_git(&zoe);
    assert!(file.contains("zoë@"), "{file}");
    assert_eq!(
        fails_with(&out, 1),
        format!(
            "error: sync: refusing to push: {file} is changed other than by appending to the version on `origin` (its entries would be rewritten for everyone) by the local commit(s) `{commit} fix typo`; nothing was pushed; undo them with `git -C {top} revert --no-edit {commit}` and run `runsheet sync` again"
        )
    );
    assert_eq!(
        git(&t.remote, &["show", &spec]).stdout,
        pushed,
        "nothing was pushed"
    );
}

/// A hook that removes itself and leaves git's index lock behind, so the
/// rebase stops at its first pick and `git rebase --abort` fails too.
const LOCK_ONCE: &str = "rm -f \"$0\"\ntouch \"$(git rev-parse --git-dir)/index.lock\"";

/// When the rebase of a failed pull cannot be undone (`git rebase
/// --abort` fails), the pull marker stays: the next sync recognises the
/// rebase as its own, undoes it and sends everything, instead of calling
/// it someone else's rebase.
#[test]
fn a_failed_rebase_abort_keeps_the_pull_marker_so_the_next_sync_undoes_it() {
    let t = team();
    let (ca, cb) = (t.ana.case(), t.bob.case());
    let (ca, cb) = (ca.to_str().unwrap(), cb.to_str().unwrap());
    t.bob.act(&["note", cb, "Bob's first"]);
    t.bob.sync_ok();
    t.ana.act(&["note", ca, "Ana's second"]);
    let written = std::fs::read(t.ana.journal()).unwrap();
    t.ana.hook("post-checkout", LOCK_ONCE);
    let out = t.ana.sync();
    let git_dir = std::fs::canonicalize(t.ana.clone.join(".git")).unwrap();
    let lock = git_dir.join("index.lock");
    let why = format!("error: Unable to create '{}': File exists.", lock.display());
    assert_eq!(
        fails_with(&out, 2),
        format!(
            "error: sync: git pull --rebase from `origin` stopped half-way ({why}) and undoing its rebase failed too (git rebase --abort: {why}); nothing was pushed; the next `runsheet sync` undoes the rebase"
        )
    );
    assert!(
        git_dir.join("rebase-merge").is_dir(),
        "the rebase is half done"
    );
    assert!(
        git_dir.join("runsheet-sync-pulling").is_file(),
        "the pull marker is kept"
    );
    let refused = t
        .ana
        .cmd(&["note", ca, "on the old version", "--as", "Ana"]);
    assert!(
        fails_with(&refused, 2).contains("to finish the interrupted sync first"),
        "no entry is written meanwhile"
    );
    std::fs::remove_file(&lock).unwrap();
    let out = t.ana.sync();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!(
            "synced: nothing new to commit, received 4 entries from bob@{}, sent 1 commit made earlier, up to date with origin\n",
            host()
        )
    );
    assert!(!git_dir.join("runsheet-sync-pulling").exists());
    assert_eq!(std::fs::read(t.ana.journal()).unwrap(), written);
    assert_eq!(anas_journal_on_remote(&t), written, "everything was sent");
}

/// A first push of a branch the remote has not got yet counts as "made
/// earlier" only what no branch of the remote has: the defect counted the
/// branch's whole history, which the remote already had under `main`.
#[test]
fn a_first_push_of_a_branch_counts_only_what_the_remote_lacked() {
    let t = team();
    let ca = t.ana.case();
    git(&t.ana.clone, &["switch", "--quiet", "-c", "ana-work"]);
    t.ana
        .act(&["note", ca.to_str().unwrap(), "on a branch of my own"]);
    let out = t.ana.sync();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "synced: committed your entries, up to date with origin\n"
    );
    assert_eq!(
        rev_of(&t.remote, "ana-work"),
        rev_of(&t.ana.clone, "HEAD"),
        "the branch was pushed"
    );
}

/// A first push to an empty remote of commits made while the clone had
/// no remote: every one of them is what the remote lacked, and the line
/// says so (the commit this sync made is not counted among them).
#[test]
fn a_first_push_to_an_empty_remote_counts_the_commits_made_before_it() {
    let t = team();
    let ca = t.ana.case();
    let empty = t.root.path().join("empty.git");
    std::fs::create_dir(&empty).unwrap();
    git(&empty, &["init", "--quiet", "--bare", "-b", "main"]);
    git(&t.ana.clone, &["remote", "remove", "origin"]);
    t.ana.act(&["note", ca.to_str().unwrap(), "with no remote"]);
    let out = t.ana.sync();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "synced: committed your entries (no remote to send to)\n"
    );
    git(
        &t.ana.clone,
        &["remote", "add", "origin", empty.to_str().unwrap()],
    );
    t.ana
        .act(&["note", ca.to_str().unwrap(), "the remote is back"]);
    let out = t.ana.sync();
    assert_eq!(out.status.code(), Some(0), "{}", stderr_of(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "synced: committed your entries, sent 2 commits made earlier, up to date with origin\n"
    );
    assert_eq!(rev_of(&empty, "main"), rev_of(&t.ana.clone, "HEAD"));
}

/// A cherry-pick left half done (a conflict) is a state sync cannot
/// commit from (git refuses a partial commit then): sync refuses before
/// it stages anything, with the commands that finish or undo it.
#[test]
fn a_cherry_pick_in_progress_is_refused_before_anything_is_staged() {
    let t = team();
    let ca = t.ana.case();
    let clone = &t.ana.clone;
    git(clone, &["switch", "--quiet", "-c", "side"]);
    std::fs::write(clone.join("notes.txt"), "side\n").unwrap();
    git(clone, &["add", "notes.txt"]);
    git(clone, &["commit", "--quiet", "-m", "side"]);
    git(clone, &["switch", "--quiet", "main"]);
    std::fs::write(clone.join("notes.txt"), "main\n").unwrap();
    git(clone, &["add", "notes.txt"]);
    git(clone, &["commit", "--quiet", "-m", "main"]);
    let picked = Command::new("git")
        .arg("-C")
        .arg(clone)
        .args(["cherry-pick", "side"])
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", clone)
        .output()
        .unwrap();
    assert!(!picked.status.success(), "the cherry-pick stopped");
    t.ana
        .act(&["note", ca.to_str().unwrap(), "during a cherry-pick"]);
    let head = rev_of(clone, "HEAD");
    let out = t.ana.sync();
    let top = t.ana.top();
    assert_eq!(
        fails_with(&out, 2),
        format!(
            "error: sync: a git cherry-pick that runsheet sync did not start is in progress in {top}; finish it (`git -C {top} cherry-pick --continue`) or undo it (`git -C {top} cherry-pick --abort`), then run `runsheet sync` again"
        )
    );
    assert_eq!(rev_of(clone, "HEAD"), head, "nothing was committed");
    let state = git(clone, &["status", "--porcelain=v1"]);
    assert_eq!(
        String::from_utf8_lossy(&state.stdout),
        format!(" M {}\nAA notes.txt\n", journal_in_git(&t.ana)),
        "the note is not staged"
    );
    git(clone, &["cherry-pick", "--abort"]);
    t.ana.sync_ok();
}

/// A detached HEAD during a bisect: sync says to end the bisect, which
/// puts HEAD back on its branch.
#[test]
fn a_bisect_in_progress_is_refused_with_the_command_that_ends_it() {
    let t = team();
    let clone = &t.ana.clone;
    git(clone, &["bisect", "start"]);
    git(clone, &["checkout", "--quiet", "--detach"]);
    let out = t.ana.sync();
    let top = t.ana.top();
    let at = &rev_of(clone, "HEAD")[..7];
    assert_eq!(
        fails_with(&out, 2),
        format!(
            "error: sync: HEAD in {top} is detached (at {at}), not on a branch, so a commit made now would belong to no branch and could not be sent; nothing was committed or sent; a git bisect is in progress: end it with `git -C {top} bisect reset`, then run `runsheet sync` again"
        )
    );
    git(clone, &["bisect", "reset"]);
    t.ana.sync_ok();
}
