//! Two runners on one team case folder on one machine, no git, in real
//! terminals (tmux): what one responder records shows in the other's
//! runner, and neither contends for the other's lock. No sleeps for
//! synchronisation: every wait polls the screen with a bound. How fast a
//! line reaches the other screen is measured by `benches/case_live.rs`,
//! not asserted here.
//!
//! `.ci/run` installs tmux when it is missing; under `CI=true` a missing
//! tmux fails this test, elsewhere it says so and passes.

mod support;

use std::path::Path;
use std::process::Command;
use std::time::Instant;

const BIN: &str = env!("CARGO_BIN_EXE_runsheet");

/// One tmux server private to the test, with its own data and config.
struct Tmux {
    socket: String,
    data: tempfile::TempDir,
    config: tempfile::TempDir,
}

impl Tmux {
    fn start(name: &str) -> Option<Self> {
        if Command::new("tmux").arg("-V").output().is_err() {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "tmux is not installed but CI=true: .ci/run must install it"
            );
            eprintln!("tmux is not installed: skipping {name} (CI installs it)");
            return None;
        }
        let config = tempfile::tempdir().expect("config dir");
        std::fs::write(config.path().join("config.toml"), "timezone = \"UTC\"\n").expect("config");
        Some(Self {
            socket: format!("runsheet-{name}-{}", std::process::id()),
            data: tempfile::tempdir().expect("data dir"),
            config,
        })
    }

    fn env(&self) -> [(String, String); 2] {
        [
            (
                "RUNSHEET_DATA_DIR".into(),
                self.data.path().display().to_string(),
            ),
            (
                "RUNSHEET_CONFIG_DIR".into(),
                self.config.path().display().to_string(),
            ),
        ]
    }

    fn tmux(&self, args: &[&str]) -> String {
        let out = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("run tmux");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// `runsheet <args>` in a 110x34 window that stays after it exits.
    fn launch(&self, session: &str, args: &[&str]) {
        let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        let script = format!("{BIN} {}; echo \"EXITED $?\"; exec cat", quoted.join(" "));
        self.tmux(&["new-session", "-d", "-s", session, "-x", "110", "-y", "34"]);
        self.tmux(&["set-option", "-t", session, "remain-on-exit", "on"]);
        let env: Vec<String> = self.env().iter().map(|(k, v)| format!("{k}={v}")).collect();
        self.tmux(&[
            "respawn-pane",
            "-k",
            "-t",
            session,
            "-e",
            &env[0],
            "-e",
            &env[1],
            "-e",
            "TERM=xterm-256color",
            &format!("sh -c '{}'", script.replace('\'', "'\\''")),
        ]);
    }

    fn screen(&self, session: &str) -> String {
        self.tmux(&["capture-pane", "-p", "-t", session])
    }

    /// Polls the screen until `needle` is gone (a dialog closed).
    fn wait_gone(&self, session: &str, needle: &str) {
        support::poll_until(&format!("`{needle}` gone from {session}"), || {
            let screen = self.screen(session);
            if screen.contains(needle) {
                Err(screen)
            } else {
                Ok(())
            }
        });
    }

    fn wait_for(&self, session: &str, needle: &str) -> String {
        support::poll_until(&format!("`{needle}` in {session}"), || {
            let screen = self.screen(session);
            if screen.contains(needle) {
                Ok(screen)
            } else {
                Err(screen)
            }
        })
    }

    fn keys(&self, session: &str, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", session, k]);
        }
    }

    fn text(&self, session: &str, text: &str) {
        self.tmux(&["send-keys", "-t", session, "-l", text]);
    }

    /// Writes a note in `session`'s runner; returns when it is sent.
    fn note(&self, session: &str, text: &str) -> Instant {
        self.keys(session, &["n"]);
        self.wait_for(session, "Ctrl-S");
        self.text(session, text);
        let sent = Instant::now();
        self.keys(session, &["C-s"]);
        sent
    }

    /// A runsheet command outside tmux, with this test's folders.
    fn cmd(&self, args: &[&str]) -> std::process::Output {
        Command::new(BIN)
            .args(args)
            .envs(self.env())
            .output()
            .expect("run runsheet")
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .arg("kill-server")
            .output();
    }
}

fn entries(journal: &Path) -> Vec<String> {
    let checked = runsheet::journal::verify::verify(&std::fs::read(journal).expect("journal"));
    assert!(checked.is_intact(), "{:?}", checked.broken);
    checked.entries().map(|e| e.kind.to_string()).collect()
}

#[test]
fn two_runners_on_one_case_folder_see_each_other_live_without_contending_for_a_lock() {
    let Some(t) = Tmux::start("case-live") else {
        return;
    };
    let case = t.data.path().join("case");
    let playbook = support::fixture("playbooks/fixture-incident.yaml");
    let made = t.cmd(&[
        "case",
        "new",
        playbook.to_str().expect("utf-8"),
        case.to_str().expect("utf-8"),
        "--title",
        "Shared drive leak",
    ]);
    assert!(made.status.success(), "{made:?}");
    let dir = case.to_str().expect("utf-8");
    t.launch("ana", &["run", "--case", dir, "--as", "Ana"]);
    t.wait_for("ana", "Shared drive leak");
    t.launch("tomas", &["run", "--case", dir, "--as", "Tomas"]);
    t.wait_for("tomas", "Shared drive leak");
    // Each holds only its own journal's lock: both are open and writable.
    t.wait_for("tomas", "With Ana ·");
    t.wait_for("ana", "With Tomas ·");

    let sent = t.note("ana", "VPN logs exported");
    t.wait_gone("ana", "Ctrl-S");
    t.wait_for("ana", "✓ all saved");
    t.wait_for("tomas", "Ana: VPN logs exported");
    eprintln!(
        "Ana's note on Tomas' screen {} ms after Ctrl-S (measured in benches/case_live.rs)",
        sent.elapsed().as_millis()
    );
    let sent = t.note("tomas", "Share unmounted");
    t.wait_for("ana", "Tomas: Share unmounted");
    t.wait_gone("tomas", "Ctrl-S");
    eprintln!(
        "Tomas' note on Ana's screen {} ms after Ctrl-S",
        sent.elapsed().as_millis()
    );

    for who in ["ana", "tomas"] {
        // A key that is not a letter (PgUp: scrolls the details) ends the
        // moment after saving in which letters are held as type-ahead.
        t.keys(who, &["PageUp", "q"]);
        t.wait_for(who, "EXITED 0");
    }
    let journals = case.join("journals");
    let mut found: Vec<String> = std::fs::read_dir(&journals)
        .expect("journals")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .map(|p| {
            p.file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    found.sort();
    assert_eq!(found.len(), 2, "{found:?}");
    for name in &found {
        let kinds = entries(&journals.join(name));
        assert!(kinds.contains(&"note".to_string()), "{name}: {kinds:?}");
        assert_eq!(kinds.last().map(String::as_str), Some("session_ended"));
    }
    let verified = t.cmd(&["verify", dir]);
    assert!(
        verified.status.success(),
        "{}",
        String::from_utf8_lossy(&verified.stdout)
    );
}
