//! Real-terminal tests: the built binary inside tmux, driven with
//! send-keys and read with capture-pane. No sleeps for synchronisation:
//! every wait polls the screen (every 25 ms, so the program under test
//! keeps the CPU) until the expected text appears or a deadline passes.
//!
//! `.ci/run` installs tmux when it is missing; under `CI=true` a missing
//! tmux fails these tests, elsewhere they say so and pass, so a developer
//! machine without tmux can still run the rest.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

/// One tmux server private to a test.
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
        std::fs::write(
            config.path().join("config.toml"),
            "actor = \"Dana Reyes\"\ntimezone = \"Europe/Amsterdam\"\n",
        )
        .expect("config");
        Some(Self {
            socket: format!("runsheet-{name}-{}", std::process::id()),
            data: tempfile::tempdir().expect("data dir"),
            config,
        })
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

    /// Starts `runsheet <args>` in a 110x34 window; the pane stays after the
    /// program exits, showing its exit status.
    fn launch(&self, session: &str, args: &[&str]) {
        let bin = env!("CARGO_BIN_EXE_runsheet");
        let quoted: Vec<String> = args.iter().map(|a| format!("'{a}'")).collect();
        // `cat` keeps the pane open after the program exits, so its last
        // screen and exit status can be read.
        let script = format!("{bin} {}; echo \"EXITED $?\"; exec cat", quoted.join(" "));
        let data = format!("RUNSHEET_DATA_DIR={}", self.data.path().display());
        let config = format!("RUNSHEET_CONFIG_DIR={}", self.config.path().display());
        self.tmux(&["new-session", "-d", "-s", session, "-x", "110", "-y", "34"]);
        self.tmux(&["set-option", "-t", session, "remain-on-exit", "on"]);
        self.tmux(&[
            "respawn-pane",
            "-k",
            "-t",
            session,
            "-e",
            &data,
            "-e",
            &config,
            "-e",
            "TERM=xterm-256color",
            &format!("sh -c '{}'", script.replace('\'', "'\\''")),
        ]);
    }

    fn screen(&self, session: &str) -> String {
        self.tmux(&["capture-pane", "-p", "-t", session])
    }

    /// Polls the screen until `needle` shows, or fails with the screen.
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

    /// Polls the screen until `needle` is gone (a dialog closed), so the
    /// next keys cannot reach it.
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

    fn keys(&self, session: &str, keys: &[&str]) {
        for k in keys {
            self.tmux(&["send-keys", "-t", session, k]);
        }
    }

    fn text(&self, session: &str, text: &str) {
        self.tmux(&["send-keys", "-t", session, "-l", text]);
    }

    fn pane_pid(&self, session: &str) -> i32 {
        self.tmux(&["display-message", "-p", "-t", session, "#{pane_pid}"])
            .trim()
            .parse()
            .expect("pid")
    }

    fn journal(&self) -> PathBuf {
        let dir = self.data.path().join("journals");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("journals dir")
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
            .collect();
        files.sort();
        files.pop().expect("a journal")
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

/// The children of the shell running in the pane (runsheet itself).
fn runsheet_pid(shell: i32) -> i32 {
    support::poll_until("runsheet starting in the pane", || {
        let out = Command::new("pgrep")
            .args(["-P", &shell.to_string()])
            .output()
            .expect("pgrep");
        let children = String::from_utf8_lossy(&out.stdout).into_owned();
        children
            .lines()
            .next()
            .and_then(|l| l.trim().parse().ok())
            .ok_or(children)
    })
}

fn kinds(journal: &Path) -> Vec<String> {
    let checked = runsheet::journal::verify::verify(&std::fs::read(journal).expect("journal"));
    assert!(checked.broken.is_none(), "{:?}", checked.broken);
    checked.entries().map(|e| e.kind.to_string()).collect()
}

#[test]
fn run_act_sigkill_resume_and_quit_cleanly() {
    let Some(t) = Tmux::start("resume") else {
        return;
    };
    t.launch(
        "a",
        &[
            "run",
            "personal-data-breach",
            "--title",
            "Misdirected payroll email",
        ],
    );
    t.wait_for("a", "Misdirected payroll email");
    t.wait_for("a", "✓ all saved");
    // Start the first step, tick a checklist item, mark it done.
    t.keys("a", &["Enter"]);
    t.wait_for("a", "started ·");
    t.keys("a", &["1"]);
    t.wait_for("a", "ticked “");
    t.keys("a", &["x"]);
    // Four items are still unticked: runsheet asks. An x typed on at once
    // is too soon to be an answer (nobody has read the question): it asks
    // again. Ticking the rest marks it done without a question.
    t.wait_for("a", "press x again");
    t.keys("a", &["x", "2", "3", "4", "5"]);
    t.wait_for("a", "ticked “IC, DPO");
    t.keys("a", &["x"]);
    t.wait_for("a", "done ·");
    // Answer a fact on the next step.
    t.keys("a", &["j", "a"]);
    t.wait_for("a", "Answer facts");
    // The first fact is a choice: Enter takes the option under the cursor.
    t.keys("a", &["Enter"]);
    t.wait_for("a", "saved:");
    t.keys("a", &["Escape"]);
    t.wait_gone("a", "Answer facts");
    // Take a decision: the breach decision with a rationale.
    t.keys("a", &["j", "d"]);
    t.wait_for("a", " Decision ═");
    t.keys("a", &["1", "Tab"]);
    t.text("a", "Payroll data for 40 staff sent to a supplier");
    t.keys("a", &["C-s"]);
    t.wait_for("a", "decided");
    let before = t.wait_for("a", "✓ all saved");
    let progress = before
        .lines()
        .find(|l| l.contains("Detect and assess"))
        .expect("phase strip")
        .to_string();

    // SIGKILL the runner mid-session.
    let pid = runsheet_pid(t.pane_pid("a"));
    Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .expect("kill");
    t.wait_for("a", "EXITED 137");
    let journal = t.journal();
    let k = kinds(&journal);
    assert!(
        k.contains(&"decision".to_string()) && !k.contains(&"session_ended".to_string()),
        "{k:?}"
    );
    let ticks = k.iter().filter(|k| *k == "checklist_item").count();
    let done = k.iter().filter(|k| *k == "step_done").count();
    assert_eq!((ticks, done), (5, 1), "{k:?}");

    // Resume: the same progress is on screen, and a new session is recorded.
    t.launch("b", &["resume", journal.to_str().expect("utf-8")]);
    let resumed = t.wait_for("b", "Misdirected payroll email");
    let again = resumed
        .lines()
        .find(|l| l.contains("Detect and assess"))
        .expect("phase strip");
    assert_eq!(
        again.split('│').next().map(str::trim),
        progress.split('│').next().map(str::trim),
        "progress after resume:\n{resumed}"
    );
    // The first frame may come before the new session's entry is on disk
    // (resume draws while it reads): wait for it, with a bound.
    support::poll_until("the resumed session's entry", || {
        let k = kinds(&journal);
        if k.last().is_some_and(|k| k == "session_started") {
            Ok(())
        } else {
            Err(format!("{k:?}"))
        }
    });

    // `q` quits, writes session_ended, and leaves the alternate screen.
    t.keys("b", &["q"]);
    let after = t.wait_for("b", "EXITED 0");
    assert!(
        !after.contains("Deadlines"),
        "the runner's screen is gone after quitting:\n{after}"
    );
    assert_eq!(
        t.tmux(&["display-message", "-p", "-t", "b", "#{alternate_on}"])
            .trim(),
        "0"
    );
    assert_eq!(
        kinds(&journal).last().map(String::as_str),
        Some("session_ended")
    );
}

#[test]
fn recording_a_submission_meets_the_clock() {
    let Some(t) = Tmux::start("clock") else {
        return;
    };
    // A journal with the facts that start the GDPR clock, made with the CLI.
    let env = [
        ("RUNSHEET_DATA_DIR", t.data.path().to_path_buf()),
        ("RUNSHEET_CONFIG_DIR", t.config.path().to_path_buf()),
    ];
    let cli = |args: &[&str]| {
        let out = Command::new(env!("CARGO_BIN_EXE_runsheet"))
            .args(args)
            .envs(env.iter().cloned())
            .output()
            .expect("cli");
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    };
    let journal = cli(&["new", "personal-data-breach", "--title", "Lost laptop"]);
    for fact in [
        "breach_aware_at=-3h",
        "personal_data=yes",
        "jurisdictions=eu",
        "controller_role=controller",
        "risk_level=risk",
        "org=Example Court",
    ] {
        if fact.starts_with("personal_data=") || fact.starts_with("risk_level=") {
            cli(&[
                "set",
                &journal,
                fact,
                "--rationale",
                "the laptop held HR files",
            ]);
        } else {
            cli(&["set", &journal, fact]);
        }
    }
    t.launch("c", &["resume", &journal]);
    // The strip names the regime's clock first; the step title may be cut.
    let screen = t.wait_for("c", "gdpr-art33.notify");
    // A duty "without undue delay" with a 72 h cap: time elapsed and the
    // cap, never time left.
    assert!(
        screen.contains("elapsed · cap ") && !screen.contains(" left"),
        "clock running:\n{screen}"
    );
    // Find the notification step and record its submission.
    t.keys("c", &["/"]);
    t.text("c", "notify supervisory authority");
    t.keys("c", &["Enter"]);
    t.keys("c", &["x"]);
    t.wait_for("c", "Record as sent");
    t.keys("c", &["Tab", "Tab"]);
    t.text("c", "DPA-2026-118");
    // Seen before Enter: an Enter read together with the text would be a
    // line break of a paste, not a save.
    t.wait_for("c", "DPA-2026-118");
    t.keys("c", &["Enter"]);
    // The draft may still have gaps: confirm once more if asked.
    // Enter goes once per prompt seen: a spare Enter would land on the
    // main screen and act there.
    let mut confirmed = false;
    support::poll_until("the submission recorded", || {
        let s = t.screen("c");
        if !s.contains("Record as sent") {
            return Ok(());
        }
        if s.contains("press Enter again") && !confirmed {
            t.keys("c", &["Enter"]);
            confirmed = true;
        }
        Err(s)
    });
    // Letters typed at once after a dialog closes are held back as
    // type-ahead; a key that is not a letter ends that at once.
    t.keys("c", &["PageUp", "c"]);
    t.wait_for("c", "Deadline clocks");
    // The overlay's rows may reach the pane after its title: polled, with
    // a bound, until the clock shows met.
    support::poll_until("the clock shown met", || {
        let clocks = t.screen("c");
        if clocks.contains("gdpr-art33.notify") && clocks.contains("met at") {
            Ok(())
        } else {
            Err(clocks)
        }
    });
    let k = kinds(Path::new(&journal));
    assert!(k.contains(&"submission".to_string()), "{k:?}");
}

#[test]
fn drill_scenario_clock_delivers_an_inject() {
    let Some(t) = Tmux::start("drill") else {
        return;
    };
    t.launch("d", &["drill", "intl-court-intrusion"]);
    t.wait_for("d", "Facilitator");
    t.wait_for("d", "not started");
    // Start the scenario clock, speed it to x60, jump to the next inject.
    t.keys("d", &["Space"]);
    t.wait_for("d", "INJECT");
    t.keys("d", &["+", "+", "+", "+", "+"]);
    t.wait_for("d", "x60");
    t.keys("d", &["n"]);
    let screen = t.wait_for("d", "i03");
    assert!(screen.contains("EXERCISE"), "{screen}");
    let journal = support::poll_until("the second inject journaled", || {
        let j = t.journal();
        let delivered = kinds(&j)
            .iter()
            .filter(|k| *k == "inject_delivered")
            .count();
        if delivered >= 2 {
            Ok(j)
        } else {
            Err(t.screen("d"))
        }
    });
    // Pause the scenario clock and let every entry save, so `q` quits at
    // once instead of asking about entries still saving (a loaded machine
    // saves an inject delivered just before the key later).
    t.keys("d", &["Space"]);
    t.wait_for("d", "paused (x60)");
    t.wait_for("d", "✓ all saved");
    t.keys("d", &["q"]);
    t.wait_for("d", "EXITED 0");
    let k = kinds(&journal);
    assert!(k.contains(&"drill_control".to_string()), "{k:?}");
}

#[test]
fn sigterm_ends_the_session_and_restores_the_terminal() {
    let Some(t) = Tmux::start("sigterm") else {
        return;
    };
    t.launch("e", &["run", "ddos", "--title", "Flood"]);
    t.wait_for("e", "Flood");
    t.wait_for("e", "✓ all saved");
    let pid = runsheet_pid(t.pane_pid("e"));
    Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .expect("kill");
    let after = t.wait_for("e", "EXITED");
    assert!(
        !after.contains("Deadlines"),
        "the runner's screen is gone:\n{after}"
    );
    assert_eq!(
        t.tmux(&["display-message", "-p", "-t", "e", "#{alternate_on}"])
            .trim(),
        "0"
    );
    let journal = t.journal();
    let checked = runsheet::journal::verify::verify(&std::fs::read(&journal).expect("journal"));
    let last = checked.entries().last().expect("entries");
    assert_eq!(last.kind.to_string(), "session_ended");
    assert_eq!(last.data["reason"], "signal");
}

/// Typing ahead in the facts dialog: a time, Enter, and straight on into
/// the next fact, with letters that are commands on the main screen (`q`,
/// `x`). The journal holds exactly the two answers.
#[test]
fn d1_typing_ahead_in_the_facts_dialog_writes_exactly_what_was_typed() {
    let Some(t) = Tmux::start("typeahead") else {
        return;
    };
    let playbook = support::fixture("playbooks/fixture-incident.yaml");
    t.launch(
        "f",
        &[
            "run",
            playbook.to_str().expect("utf-8"),
            "--title",
            "Type-ahead check",
        ],
    );
    t.wait_for("f", "Type-ahead check");
    t.wait_for("f", "✓ all saved");
    t.keys("f", &["a"]);
    t.wait_for("f", "Answer facts");
    // No waiting between the first answer's Enter and the second answer.
    // Each answer is seen before its Enter: an Enter read together with
    // the text would be a line break of a paste, not a save.
    t.text("f", "now");
    t.wait_for("f", "= 20"); // the time it reads `now` as
    t.keys("f", &["Enter"]);
    t.text("f", "Example Corp quick x");
    t.wait_for("f", "Example Corp quick x");
    t.keys("f", &["Enter"]);
    t.wait_for("f", "saved: Organisation name: Example Corp quick x");
    t.keys("f", &["Escape"]);
    t.wait_for("f", "✓ all saved");
    let journal = t.journal();
    let checked = runsheet::journal::verify::verify(&std::fs::read(&journal).expect("journal"));
    assert!(checked.broken.is_none(), "{:?}", checked.broken);
    let acted: Vec<(String, serde_json::Value)> = checked
        .entries()
        .filter(|e| {
            !matches!(
                e.kind.to_string().as_str(),
                "journal_created" | "session_started"
            )
        })
        .map(|e| {
            (
                e.kind.to_string(),
                serde_json::Value::Object(e.data.clone()),
            )
        })
        .collect();
    assert_eq!(acted.len(), 2, "{acted:?}");
    assert_eq!(acted[0].0, "fact_set");
    assert_eq!(acted[0].1["fact"], "aware_at");
    assert_eq!(
        acted[1],
        (
            "fact_set".to_string(),
            serde_json::json!({"fact": "org", "value": "Example Corp quick x"})
        )
    );
}

/// RAW-MULTILINE-PASTE-SPLITS-INTO-NEXT-FACT, in a real terminal: a paste
/// tmux sends as plain keystrokes (`paste-buffer` without `-p`) into a fact
/// stays in that fact, its line breaks as spaces, and saves nothing until
/// Enter is pressed on its own. The journal holds exactly that answer.
#[test]
fn raw_multiline_paste_splits_into_next_fact_in_a_terminal() {
    let Some(t) = Tmux::start("rawpaste") else {
        return;
    };
    let playbook = support::fixture("playbooks/fixture-incident.yaml");
    t.launch(
        "p",
        &[
            "run",
            playbook.to_str().expect("utf-8"),
            "--title",
            "Raw paste check",
        ],
    );
    t.wait_for("p", "Raw paste check");
    t.wait_for("p", "✓ all saved");
    t.keys("p", &["a"]);
    t.wait_for("p", "Answer facts");
    t.keys("p", &["Tab"]);
    let paste = t.data.path().join("paste.txt");
    std::fs::write(&paste, "identity\nlocation\nhealth").expect("paste file");
    t.tmux(&["load-buffer", "-b", "raw", paste.to_str().expect("utf-8")]);
    t.tmux(&["paste-buffer", "-b", "raw", "-t", "p"]);
    let screen = t.wait_for("p", "pasted text had line breaks");
    assert!(screen.contains("identity location health"), "{screen}");
    t.keys("p", &["C-u"]);
    t.text("p", "Example Corp");
    t.wait_for("p", "Example Corp");
    t.keys("p", &["Enter"]);
    t.wait_for("p", "saved: Organisation name: Example Corp");
    t.keys("p", &["Escape"]);
    t.wait_for("p", "✓ all saved");
    let journal = t.journal();
    let checked = runsheet::journal::verify::verify(&std::fs::read(&journal).expect("journal"));
    let acted: Vec<serde_json::Value> = checked
        .entries()
        .filter(|e| {
            !matches!(
                e.kind.to_string().as_str(),
                "journal_created" | "session_started"
            )
        })
        .map(|e| serde_json::json!({"kind": e.kind.to_string(), "data": e.data.clone()}))
        .collect();
    assert_eq!(
        acted,
        [serde_json::json!({
            "kind": "fact_set",
            "data": {"fact": "org", "value": "Example Corp"}
        })]
    );
}

#[test]
fn m5_sigkilled_facilitator_resumes_with_the_scenario_clock_paused() {
    let Some(t) = Tmux::start("drillkill") else {
        return;
    };
    t.launch("f", &["drill", "intl-court-intrusion"]);
    t.wait_for("f", "not started");
    t.keys("f", &["Space"]);
    t.wait_for("f", "INJECT");
    t.wait_for("f", "✓ all saved");
    let pid = runsheet_pid(t.pane_pid("f"));
    Command::new("kill")
        .args(["-9", &pid.to_string()])
        .status()
        .expect("kill");
    t.wait_for("f", "EXITED 137");
    let journal = t.journal();
    let before = std::fs::read(&journal).expect("journal");
    let killed = runsheet::journal::verify::verify(&before);
    let last_scenario_ms = killed
        .entries()
        .filter_map(|e| e.scenario_ms)
        .last()
        .expect("scenario time recorded");

    t.launch("g", &["resume", journal.to_str().expect("utf-8")]);
    let screen = t.wait_for("g", "paused");
    assert!(screen.contains("ended unexpectedly"), "{screen}");
    let resumed = runsheet::journal::verify::verify(&std::fs::read(&journal).expect("journal"));
    let pause = resumed
        .entries()
        .skip(killed.entries().count())
        .find(|e| e.kind.to_string() == "drill_control")
        .expect("a pause written on resume");
    assert_eq!(pause.data["action"], "pause");
    assert_eq!(pause.data["scenario_ms"], last_scenario_ms);
    t.keys("g", &["q"]);
    t.wait_for("g", "EXITED 0");
}
