//! Views over a team case (no git: responders share one case folder, each
//! with their own `HOME`, data and config folders): every export format,
//! `set DIR` under the same rules as a single journal, and a drill with a
//! facilitator and two participants.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::time::Duration;

use runsheet::app::Msg;
use runsheet::app::input::{KeyCode, KeyEvent, KeyModifiers};
use runsheet::commands::Env;
use runsheet::journal::{Entry, Kind};

mod support;

const BIN: &str = env!("CARGO_BIN_EXE_runsheet");

/// One responder: a name and a home of their own.
struct Person {
    name: &'static str,
    home: PathBuf,
}

impl Person {
    fn new(root: &Path, name: &'static str) -> Self {
        let home = root.join(format!("home-{name}"));
        std::fs::create_dir_all(&home).unwrap();
        Self { name, home }
    }

    fn cmd(&self, args: &[&str]) -> Output {
        Command::new(BIN)
            .args(args)
            .env("HOME", &self.home)
            .env("XDG_CONFIG_HOME", self.home.join(".config"))
            .env("XDG_DATA_HOME", self.home.join(".local/share"))
            .env("RUNSHEET_DATA_DIR", self.home.join("data"))
            .env("RUNSHEET_CONFIG_DIR", self.home.join("config"))
            .env_remove("RUNSHEET_ACTOR")
            .env_remove("RUNSHEET_NOW")
            .output()
            .expect("runsheet runs")
    }

    /// A CLI action under this person's name; must succeed.
    fn act(&self, args: &[&str]) -> String {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--as", self.name]);
        let out = self.cmd(&all);
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        assert!(
            out.status.success(),
            "{} {args:?}: {}{stdout}",
            self.name,
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }
}

/// The host part of every journal id written on this machine.
fn host() -> String {
    let name = std::fs::read_to_string("/proc/sys/kernel/hostname").unwrap_or_default();
    runsheet::case::journal_id("x", name.trim())
        .trim_start_matches("x@")
        .to_string()
}

fn journal(case: &Path, name: &str) -> Vec<Entry> {
    let path = case
        .join("journals")
        .join(format!("{}@{}.jsonl", name.to_lowercase(), host()));
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| Entry::decode(l).expect("every line decodes"))
        .collect()
}

/// The last entry of `name`'s journal that is not a session's start or
/// end: each command frames its entry in a session of its own.
fn last_act(case: &Path, name: &str) -> Entry {
    journal(case, name)
        .into_iter()
        .rev()
        .find(|e| !matches!(e.kind, Kind::SessionStarted | Kind::SessionEnded))
        .expect("an entry")
}

fn new_case(by: &Person, case: &Path, exercise: bool) {
    let mut args = vec![
        "case",
        "new",
        "ransomware-extortion",
        case.to_str().unwrap(),
        "--title",
        "Views test",
        "--timezone",
        "Europe/Amsterdam",
    ];
    if exercise {
        args.push("--exercise");
    }
    let out = by.cmd(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Ana and Bob each write their own journal: notes, facts, a step, a
/// decision and a submission.
fn two_journal_case(root: &Path, exercise: bool) -> (Person, Person, PathBuf) {
    let (ana, bob) = (Person::new(root, "Ana"), Person::new(root, "Bob"));
    let case = root.join("case");
    new_case(&ana, &case, exercise);
    let dir = case.to_str().unwrap();
    ana.act(&["note", dir, "EDR alert on three file servers"]);
    ana.act(&["set", dir, "aware_at=-30m"]);
    ana.act(&["case", "step", dir, "declare", "done"]);
    bob.act(&[
        "note",
        dir,
        "backups offline, checking",
        "--step",
        "declare",
    ]);
    bob.act(&[
        "set",
        dir,
        "personal_data=yes",
        "--rationale",
        "the HR share was encrypted",
    ]);
    bob.act(&[
        "case",
        "submit",
        dir,
        "gdpr-notify-sa",
        "--channel",
        "portal",
        "--recipient",
        "Supervisory authority",
    ]);
    ana.act(&["set", dir, "exfiltration_confirmed=yes"]);
    (ana, bob, case)
}

const FORMATS: [&str; 9] = [
    "md",
    "html",
    "csv",
    "json",
    "timesketch",
    "aar",
    "aar-html",
    "cacao-status",
    "custody-csv",
];

fn export(p: &Person, case: &Path, format: &str) -> String {
    let out = p.cmd(&["export", case.to_str().unwrap(), "--format", format]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "export {format}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn every_export_format_of_a_two_journal_case_names_each_responder_and_is_deterministic() {
    let root = tempfile::tempdir().unwrap();
    let (ana, bob, case) = two_journal_case(root.path(), true);
    let (ana_at, bob_at) = (format!("Ana@{}", host()), format!("Bob@{}", host()));
    let copy = root.path().join("copy");
    let status = Command::new("cp")
        .args(["-r", case.to_str().unwrap(), copy.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    // Entries in both journals, one `journal_created` kept in the merge.
    let merged = journal(&case, "Ana").len() + journal(&case, "Bob").len() - 1;
    for format in FORMATS {
        let text = export(&ana, &case, format);
        assert!(!text.is_empty(), "{format}");
        assert_eq!(
            text,
            export(&bob, &case, format),
            "{format}: the same from either responder's machine"
        );
        assert_eq!(
            text,
            export(&bob, &copy, format),
            "{format}: the same from a copy of the files"
        );
        match format {
            "csv" => {
                let mut rows = csv_rows(&text);
                let header = rows.remove(0);
                let actor = header.iter().position(|c| c == "actor").unwrap();
                assert_eq!(rows.len(), merged, "one row per merged entry");
                assert!(
                    rows.iter()
                        .all(|r| r[actor] == ana_at || r[actor] == bob_at),
                    "every row names actor@host"
                );
            }
            "json" => {
                let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
                let entries = doc["entries"].as_array().unwrap();
                assert_eq!(entries.len(), merged);
                for e in entries {
                    let who = e["responder"].as_str().unwrap();
                    assert!(who == ana_at || who == bob_at, "{e}");
                    assert_eq!(who, format!("{}@{}", e["actor"].as_str().unwrap(), host()));
                }
                // The derived state spans both journals.
                let facts = doc["state"]["facts"].as_array().unwrap();
                let set: Vec<&str> = facts.iter().filter_map(|f| f["id"].as_str()).collect();
                for id in ["aware_at", "personal_data", "exfiltration_confirmed"] {
                    assert!(set.contains(&id), "{id} in {set:?}");
                }
                let decisions = doc["state"]["decisions"].as_array().unwrap();
                assert_eq!(decisions.len(), 1);
                assert_eq!(decisions[0]["decider"], "Bob");
            }
            "timesketch" => {
                let lines: Vec<serde_json::Value> = text
                    .lines()
                    .map(|l| serde_json::from_str(l).unwrap())
                    .collect();
                // One `Recorded` line per entry; secondary times repeat it.
                let by: Vec<&serde_json::Value> = lines
                    .iter()
                    .filter(|l| l["timestamp_desc"] == "Recorded")
                    .filter_map(|l| l.get("actor"))
                    .collect();
                assert_eq!(by.len(), merged);
                assert!(
                    by.iter()
                        .all(|a| *a == ana_at.as_str() || *a == bob_at.as_str())
                );
            }
            "cacao-status" => {
                assert!(text.contains(&ana_at), "declare was done by Ana: {text}");
            }
            "custody-csv" => {
                assert!(text.lines().count() >= 1, "the header at least");
            }
            _ => {
                assert!(
                    text.contains(&ana_at) && text.contains(&bob_at),
                    "{format} names both responders"
                );
            }
        }
    }
}

/// RFC 4180 rows (quoted fields may hold commas, quotes and newlines).
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (_, c) => field.push(c),
        }
    }
    rows
}

#[test]
fn the_exercise_report_of_a_real_case_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let (ana, _, case) = two_journal_case(root.path(), false);
    let out = ana.cmd(&["export", case.to_str().unwrap(), "--format", "aar"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a drill"));
}

#[test]
fn set_dir_follows_the_single_journal_rules_future_refused_contradiction_confirmed() {
    let root = tempfile::tempdir().unwrap();
    let (ana, bob) = (
        Person::new(root.path(), "Ana"),
        Person::new(root.path(), "Bob"),
    );
    let case = root.path().join("case");
    new_case(&ana, &case, false);
    let dir = case.to_str().unwrap();
    ana.act(&["set", dir, "aware_at=-1h"]);
    let before = journal(&case, "Ana").len();
    // A time in the future is refused, nothing written.
    let later = (chrono::Utc::now() + chrono::Duration::hours(3)).to_rfc3339();
    let out = ana.cmd(&["set", dir, &format!("aware_at={later}"), "--as", "Ana"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("in the future"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = ana.cmd(&[
        "set",
        dir,
        "records_estimate=10",
        "--occurred-at",
        &later,
        "--as",
        "Ana",
    ]);
    assert_eq!(out.status.code(), Some(2), "--occurred-at in the future");
    assert_eq!(journal(&case, "Ana").len(), before, "nothing was written");
    // Bob's breach_aware_at before Ana's aware_at contradicts `not_before`:
    // the rule reads the merged case, and asks for --confirm.
    let out = bob.cmd(&["set", dir, "breach_aware_at=-2h", "--as", "Bob"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("aware_at") && stderr.contains("--confirm"),
        "{stderr}"
    );
    bob.act(&["set", dir, "breach_aware_at=-2h", "--confirm"]);
    let last = last_act(&case, "Bob");
    assert_eq!(last.kind, Kind::FactSet);
    assert!(
        last.data["confirmed"]
            .as_str()
            .is_some_and(|c| c.contains("aware_at")),
        "the confirmation is recorded: {:?}",
        last.data
    );
    // A fact a step decides needs a rationale, and is then a decision.
    let out = bob.cmd(&["set", dir, "personal_data=yes", "--as", "Bob"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--rationale"));
}

#[test]
fn case_submit_follows_the_submission_rules() {
    let root = tempfile::tempdir().unwrap();
    let ana = Person::new(root.path(), "Ana");
    let case = root.path().join("case");
    new_case(&ana, &case, false);
    let dir = case.to_str().unwrap();
    let late = [
        "case",
        "submit",
        dir,
        "gdpr-notify-sa",
        "--channel",
        "portal",
        "--recipient",
        "SA",
        "--sent-at",
        "-2h",
    ];
    let out = ana.cmd(&[&late[..], &["--as", "Ana"]].concat());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--backdated-reason"));
    let later = (chrono::Utc::now() + chrono::Duration::hours(1)).to_rfc3339();
    let future = [&late[..8], &["--sent-at", later.as_str(), "--as", "Ana"]].concat();
    let out = ana.cmd(&future);
    assert_eq!(out.status.code(), Some(2), "sent in the future");
    ana.act(
        &[
            &late[..],
            &["--backdated-reason", "recorded after the call"],
        ]
        .concat(),
    );
    let last = last_act(&case, "Ana");
    assert_eq!(last.kind, Kind::Submission);
    assert_eq!(last.step.as_deref(), Some("gdpr-notify-sa"));
    assert_eq!(last.data["backdated_reason"], "recorded after the call");
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

/// Fran's facilitator runner on the bundled hospital drill in `case`.
fn open_facilitator(env: &Env, case: &Path) -> runsheet::runtime::Core {
    runsheet::commands::case::case_runner(env, case, "Fran".into(), Some("hospital-ransomware"))
        .expect("the facilitator opens the drill")
}

/// Marks `step` done in a runner as its keys do (`x` starts it, `x`
/// again marks it done) and waits for both entries to be saved.
/// Ticks the step's checklist and marks it done: on the wall clock a
/// second `x` at once would be too soon to answer "items unticked".
fn mark_done(runner: &mut runsheet::runtime::Core, step: &str) {
    runner.app.select_step(step);
    runner.app.focus = runsheet::app::Pane::Steps;
    let items = runner
        .app
        .playbook
        .step(step)
        .map_or(0, |s| s.checklist.len());
    for item in (1..=items.min(9)).filter_map(|n| char::from_digit(u32::try_from(n).ok()?, 10)) {
        runner.handle(key(item));
    }
    runner.handle(key('x'));
    assert!(runner.settle(Duration::from_secs(5)));
}

fn env() -> Env {
    let clock: Arc<dyn runsheet::time::TimeSource> = Arc::new(runsheet::time::SystemTime::new());
    Env {
        config: runsheet::config::Config::default(),
        today: clock.now().date_naive(),
        clock,
    }
}

#[test]
fn a_drill_case_journals_every_participant_action_under_that_participant() {
    let root = tempfile::tempdir().unwrap();
    let fran = Person::new(root.path(), "Fran");
    let (ana, bob) = (
        Person::new(root.path(), "Ana"),
        Person::new(root.path(), "Bob"),
    );
    let case = root.path().join("drill");
    new_case(&fran, &case, true);
    let dir = case.to_str().unwrap();
    let env = env();
    // The facilitator's runner: the scenario in her own journal; starting
    // the scenario clock delivers the T+0 inject.
    let mut facilitator = open_facilitator(&env, &case);
    facilitator.handle(key(' '));
    facilitator.handle(Msg::Tick);
    assert!(facilitator.settle(Duration::from_secs(5)));
    // The projector view follows the case.
    let mut projector = runsheet::commands::case_views::review_of(&env, &case, true).unwrap();
    assert!(
        projector.drill.is_some(),
        "the participant view shows the drill"
    );
    let shown = projector.lines.len();
    // Participants act from their own machines (own HOME, data, config).
    ana.act(&["note", dir, "EXERCISE: EHR down on 4 West"]);
    ana.act(&["set", dir, "aware_at=-5m"]);
    ana.act(&["case", "step", dir, "declare", "start"]);
    bob.act(&["note", dir, "EXERCISE: backups disconnected"]);
    bob.act(&[
        "set",
        dir,
        "personal_data=yes",
        "--rationale",
        "EXERCISE: patient records posted",
    ]);
    // Bob also joins with his own runner and ticks a step done.
    let mut runner =
        runsheet::commands::case::case_runner(&env, &case, "Bob".into(), None).unwrap();
    mark_done(&mut runner, "oob-comms");
    runner.finish();
    facilitator.handle(Msg::Tick);
    assert!(facilitator.settle(Duration::from_secs(5)));
    facilitator.finish();

    assert!(runsheet::case::views::poll(&mut projector, &case).unwrap());
    assert!(
        projector.lines.len() > shown,
        "the projector saw the new entries"
    );

    let fran_lines = journal(&case, "Fran");
    assert!(fran_lines.iter().all(|e| e.actor == "Fran"));
    assert!(
        fran_lines.iter().any(|e| e.kind == Kind::InjectDelivered),
        "the inject is in the facilitator's journal"
    );
    for (name, least) in [("Ana", 3), ("Bob", 2)] {
        let lines = journal(&case, name);
        let acts: Vec<&Entry> = lines
            .iter()
            .filter(|e| !matches!(e.kind, Kind::JournalCreated | Kind::SessionStarted))
            .collect();
        assert!(acts.len() >= least, "{name}: {acts:?}");
        assert!(
            lines.iter().all(|e| e.actor == name),
            "every entry of {name}'s journal is under {name}"
        );
        assert!(
            lines.iter().all(|e| e.kind != Kind::InjectDelivered),
            "injects are the facilitator's"
        );
    }
    let bob_done = journal(&case, "Bob")
        .iter()
        .any(|e| e.kind == Kind::StepDone && e.step.as_deref() == Some("oob-comms"));
    assert!(bob_done, "Bob's runner journaled his step under his name");
    // The merged case: the exercise report names each participant.
    let aar = export(&ana, &case, "aar");
    for name in ["Ana", "Bob", "Fran"] {
        assert!(
            aar.contains(&format!("{name}@{}", host())),
            "{name} in the report"
        );
    }
    let out = ana.cmd(&["verify", dir]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_drill_runs_only_in_an_exercise_case_on_its_playbook() {
    let root = tempfile::tempdir().unwrap();
    let fran = Person::new(root.path(), "Fran");
    let case = root.path().join("real");
    new_case(&fran, &case, false);
    let refused = runsheet::commands::case::case_runner(
        &env(),
        &case,
        "Fran".into(),
        Some("hospital-ransomware"),
    )
    .expect_err("a real case runs no drill");
    assert!(refused.message.contains("exercise"), "{}", refused.message);
    assert!(
        !case
            .join("journals")
            .join(format!("fran@{}.jsonl", host()))
            .exists(),
        "nothing written"
    );
}

#[test]
fn the_picker_lists_case_folders_with_title_exercise_and_responders() {
    let root = tempfile::tempdir().unwrap();
    let (_, _, case) = two_journal_case(root.path(), true);
    std::fs::create_dir(root.path().join("not-a-case")).unwrap();
    let items = runsheet::commands::case_views::case_items(&[root.path().to_path_buf()]);
    assert_eq!(items.len(), 1, "{items:?}");
    let item = &items[0];
    assert_eq!(item.title, "Views test");
    assert!(item.exercise);
    assert_eq!(item.responders, 2);
    assert_eq!(item.path, std::path::absolute(&case).unwrap());
    // The case folder itself, given as where to look, is found too.
    assert_eq!(
        runsheet::commands::case_views::case_items(std::slice::from_ref(&case)).len(),
        1
    );
    // A git clone under `cases/` holds its case in a subfolder, as
    // docs/team.md lays it out: `cases/incident/case`.
    let cases = root.path().join("cases");
    let clone = cases.join("incident");
    std::fs::create_dir_all(&clone).unwrap();
    std::fs::rename(&case, clone.join("case")).unwrap();
    let items = runsheet::commands::case_views::case_items(&[cases]);
    assert_eq!(items.len(), 1, "{items:?}");
    assert_eq!(
        items[0].path,
        std::path::absolute(clone.join("case")).unwrap()
    );
}

#[test]
fn the_picker_shows_a_case_row_and_enter_joins_it() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use runsheet::app::picker::{CaseItem, Choice, Picker};
    let case = CaseItem {
        path: "/srv/cases/registry".into(),
        title: "Ransomware at the registry".into(),
        playbook: "ransomware-extortion".into(),
        exercise: true,
        responders: 3,
        problem: None,
    };
    let mut picker = Picker::new(vec![], vec![], vec![]).with_cases(vec![case]);
    let mut terminal = Terminal::new(TestBackend::new(100, 12)).expect("terminal");
    let theme = runsheet::ui::Theme::default();
    terminal
        .draw(|f| {
            f.render_widget(
                runsheet::ui::picker::PickerView {
                    picker: &picker,
                    theme: &theme,
                },
                f.area(),
            );
        })
        .expect("draw");
    let buf = terminal.backend().buffer();
    let text: String = (0..buf.area.height)
        .map(|y| {
            let row: String = (0..buf.area.width).map(|x| buf[(x, y)].symbol()).collect();
            row + "\n"
        })
        .collect();
    for shown in [
        "Join a team case",
        "EXERCISE Ransomware at the registry",
        "3 responders",
    ] {
        assert!(text.contains(shown), "{shown}:\n{text}");
    }
    let enter = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(
        picker.key(&enter),
        Some(Choice::Case("/srv/cases/registry".into()))
    );
}

#[test]
fn status_dir_is_byte_identical_from_either_responder_and_a_copy() {
    let root = tempfile::tempdir().unwrap();
    let (ana, bob, case) = two_journal_case(root.path(), false);
    let copy = root.path().join("copy");
    let copied = Command::new("cp")
        .args(["-r", case.to_str().unwrap(), copy.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(copied.success());
    let status = |p: &Person, dir: &Path, json: bool| {
        let mut args = vec!["status", dir.to_str().unwrap()];
        if json {
            args.insert(1, "--json");
        }
        let out = Command::new(BIN)
            .args(&args)
            .env("HOME", &p.home)
            .env("RUNSHEET_DATA_DIR", p.home.join("data"))
            .env("RUNSHEET_CONFIG_DIR", p.home.join("config"))
            .env("RUNSHEET_NOW", "2030-01-01T00:00:00Z")
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        String::from_utf8(out.stdout).unwrap()
    };
    for json in [true, false] {
        let a = status(&ana, &case, json);
        assert_eq!(a, status(&bob, &case, json));
        assert_eq!(a, status(&bob, &copy, json));
        if json {
            assert!(a.contains(&format!("Bob@{}", host())), "{a}");
        }
    }
}

/// A drill case Ana joined (with a note) before Fran, the facilitator,
/// opened the scenario and pressed `keys` on her panel, each followed by
/// a tick and the save: the case's kept creation is Ana's, naming no
/// scenario. Returns Fran, Ana and the case folder.
fn drill_joined_early(root: &Path, keys: &[char]) -> (Person, Person, PathBuf) {
    let (fran, ana) = (Person::new(root, "Fran"), Person::new(root, "Ana"));
    let case = root.join("drill");
    new_case(&fran, &case, true);
    ana.act(&[
        "note",
        case.to_str().unwrap(),
        "EXERCISE: in the room early",
    ]);
    let mut facilitator = open_facilitator(&env(), &case);
    for c in keys {
        facilitator.handle(key(*c));
        facilitator.handle(Msg::Tick);
        assert!(facilitator.settle(Duration::from_secs(5)));
    }
    facilitator.finish();
    (fran, ana, case)
}

#[test]
fn a_participant_who_joined_before_the_facilitator_still_gets_the_scenario_report() {
    let root = tempfile::tempdir().unwrap();
    let (_fran, ana, case) = drill_joined_early(root.path(), &[' ']);
    let env = env();
    let review = runsheet::commands::case_views::review_of(&env, &case, true).unwrap();
    assert!(review.drill.is_some());
    let aar = export(&ana, &case, "aar");
    // The objectives come from the scenario the facilitator recorded.
    assert!(
        aar.contains("downtime procedures activated"),
        "the report pairs the case with its scenario:\n{aar}"
    );
}

/// The defect: in a team drill only the facilitator's runner ran on the
/// scenario clock. A participant's runner and `set DIR`/`note DIR` wrote
/// wall-clock times with no `scenario_ms`, so after the facilitator jumped
/// ahead a participant's "aware now" landed half an hour before the
/// scenario, and when a participant had joined before the facilitator the
/// command line did not know the case was a drill at all. Every writer
/// now stamps the scenario clock the facilitator's controls leave.
#[test]
fn participants_in_a_drill_case_write_on_the_facilitators_scenario_clock() {
    let root = tempfile::tempdir().unwrap();
    // Fran starts the clock, then jumps to the T+15m and T+30m injects.
    let (_fran, ana, case) = drill_joined_early(root.path(), &[' ', 'n', 'n']);
    let dir = case.to_str().unwrap();
    let env = env();
    let half_hour_ms: u64 = 30 * 60 * 1_000;
    let origin = journal(&case, "Ana")[0].ts;
    let on_scenario = |entry: &Entry| {
        let ms = entry
            .scenario_ms
            .unwrap_or_else(|| panic!("no scenario time: {entry:?}"));
        assert!(ms >= half_hour_ms, "{ms} ms: not on the scenario clock");
        origin + chrono::Duration::milliseconds(i64::try_from(ms).unwrap())
    };

    // Bob's runner: "now" is the scenario's, shown as such, and what he
    // ticks carries its scenario time.
    let mut runner =
        runsheet::commands::case::case_runner(&env, &case, "Bob".into(), None).unwrap();
    let ahead = runner.app.domain_now() - runner.app.now;
    assert!(
        ahead >= chrono::Duration::minutes(29),
        "the participant's runner runs {ahead} ahead of the wall clock"
    );
    let screen = support::screen(&support::draw_runner(&runner.app, 160, 40));
    assert!(screen.contains("scenario T+00:3"), "{screen}");
    // The latest inject Fran delivered, by its title.
    assert!(
        screen.contains("INJECT T+00:30  The emergency department asks about diversion"),
        "{screen}"
    );
    mark_done(&mut runner, "oob-comms");
    runner.finish();
    let bob_done = journal(&case, "Bob")
        .into_iter()
        .find(|e| e.kind == Kind::StepDone)
        .expect("Bob's step");
    on_scenario(&bob_done);

    // Ana from the command line: the fact is the scenario instant.
    ana.act(&["set", dir, "aware_at=now"]);
    ana.act(&["note", dir, "EXERCISE: legal on the bridge"]);
    let ana_lines = journal(&case, "Ana");
    let set = ana_lines
        .iter()
        .rev()
        .find(|e| e.kind == Kind::FactSet)
        .expect("Ana's fact");
    let at = on_scenario(set);
    let value = chrono::DateTime::parse_from_rfc3339(set.data["value"].as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    assert!(
        (value - at).num_seconds().abs() <= 1,
        "aware_at {value} is not the scenario instant {at}"
    );
    let note = ana_lines
        .iter()
        .rev()
        .find(|e| e.kind == Kind::Note)
        .expect("Ana's note");
    // Framed by a session of its own, on the scenario clock too.
    assert_eq!(ana_lines.last().map(|e| e.kind), Some(Kind::SessionEnded));
    on_scenario(note);
    // `status DIR` evaluates the clocks there, as for a single drill.
    let out = ana.cmd(&["status", dir, "--json"]);
    let status: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let now = chrono::DateTime::parse_from_rfc3339(status["now"].as_str().unwrap()).unwrap();
    assert_eq!(
        now.timestamp(),
        on_scenario(note).timestamp(),
        "status evaluates the clocks at {now}"
    );
}

/// The defect: a facilitator's start, pause or jump waited for the next
/// timed sync (never, with none configured), and quitting did not wait
/// for a sync under way: participants' clocks ran on past a pause and
/// stamped their entries with scenario time that never happened. A saved
/// control or inject now starts a sync at once (this folder has no git
/// remote, so it ends as a failure, which shows it ran).
#[test]
fn a_facilitators_clock_control_is_sent_at_once() {
    let root = tempfile::tempdir().unwrap();
    let fran = Person::new(root.path(), "Fran");
    let case = root.path().join("drill");
    new_case(&fran, &case, true);
    let mut facilitator = open_facilitator(&env(), &case);
    assert!(facilitator.app.team.as_ref().unwrap().last_sync.is_none());
    facilitator.handle(key(' '));
    assert!(facilitator.settle(Duration::from_secs(5)));
    assert!(
        facilitator.app.team.as_ref().unwrap().syncing,
        "the start is being sent"
    );
    assert!(facilitator.wait_for_sync(Duration::from_secs(20)));
    assert!(facilitator.app.team.as_ref().unwrap().last_sync.is_some());
    facilitator.finish();
}

#[test]
fn a_facilitator_back_after_a_crash_finds_the_scenario_clock_paused() {
    let root = tempfile::tempdir().unwrap();
    let fran = Person::new(root.path(), "Fran");
    let case = root.path().join("drill");
    new_case(&fran, &case, true);
    let env = env();
    let open = || open_facilitator(&env, &case);
    let mut first = open();
    first.handle(key(' '));
    first.handle(Msg::Tick);
    assert!(first.settle(Duration::from_secs(5)));
    // Gone without quitting: no `session_ended`, the clock still running.
    first.finish();
    let second = open();
    assert!(
        second.app.banners.iter().any(|b| b.contains("paused")),
        "{:?}",
        second.app.banners
    );
    second.finish();
    let lines = journal(&case, "Fran");
    let pause = lines
        .iter()
        .rev()
        .find(|e| e.kind == Kind::DrillControl)
        .unwrap();
    assert_eq!(pause.data["action"], "pause");
}

#[test]
fn the_state_at_an_entry_of_a_case_is_every_merged_line_up_to_it() {
    let root = tempfile::tempdir().unwrap();
    let (_ana, _bob, case) = two_journal_case(root.path(), false);
    let mut review = runsheet::commands::case_views::review_of(&env(), &case, false).unwrap();
    // Bob's note, merged after Ana declared, though its `seq` in Bob's
    // journal is lower than that of Ana's declaration in hers.
    let at = (0..review.lines.len())
        .find(|&i| {
            review.lines.line(i).is_some_and(|l| {
                l.entry.actor == format!("Bob@{}", host())
                    && l.entry.kind == runsheet::journal::Kind::Note
            })
        })
        .expect("Bob's note");
    let playbook = review.playbook.clone();
    // Replayed as every view of a case replays it: its warnings name
    // their writer.
    let mut expected = runsheet::run::RunState::for_summary().naming_writers();
    for i in 0..=at {
        expected.apply(&playbook, &review.lines.entry(i).expect("entry"));
    }
    assert_eq!(
        expected.status("declare"),
        runsheet::run::StepStatus::Done,
        "Ana declared before Bob's note"
    );
    review.cursor = review.visible.iter().position(|&i| i == at).expect("shown");
    assert_eq!(review.state_at_cursor(), Some(&expected));
}

/// The review of a case shows every entry as the case's views copy it:
/// its merged position as `seq`, its writer as `actor@host`, a
/// correction naming its target's merged position. The timeline, the
/// details and the state at any entry all read that copy, not the stored
/// text (whose `seq` and `corrects` are those of its own journal).
#[test]
fn a_case_review_shows_and_replays_each_entry_as_the_merged_copy() {
    let root = tempfile::tempdir().unwrap();
    let (ana, bob, case) = two_journal_case(root.path(), false);
    let dir = case.to_str().unwrap();
    // Bob corrects his submission through the case, by its merged number;
    // his journal stores it by journal and `seq` there.
    let before = runsheet::case::views::verified(runsheet::case::views::load(&case).unwrap());
    let submission = before
        .lines
        .iter()
        .find(|l| l.entry.kind == Kind::Submission)
        .expect("Bob's submission")
        .entry
        .seq
        .to_string();
    bob.act(&[
        "correct",
        dir,
        &submission,
        "--field",
        "channel=email",
        "--reason",
        "sent by email, the portal was down",
    ]);
    ana.act(&["note", dir, "containment holding"]);

    let merged = runsheet::case::views::verified(runsheet::case::views::load(&case).unwrap());
    let mut review = runsheet::commands::case_views::review_of(&env(), &case, false).unwrap();
    assert_eq!(review.lines.len(), merged.lines.len());
    for (i, copy) in merged.lines.iter().enumerate() {
        assert_eq!(review.lines.line(i).as_ref(), Some(copy), "line {i}");
        assert_eq!(
            review.lines.entry(i).as_ref(),
            Some(&copy.entry),
            "entry {i}"
        );
    }
    let correction = merged
        .lines
        .iter()
        .find(|l| l.entry.kind == Kind::Correction)
        .expect("Bob's correction");
    let stored = Entry::decode(&correction.text).unwrap();
    assert_ne!(
        stored.data["corrects"], correction.entry.data["corrects"],
        "the case renumbers the correction's target"
    );

    // The state at each entry is the replay of the merged copies up to it.
    let playbook = review.playbook.clone();
    let mut expected = runsheet::run::RunState::for_summary().naming_writers();
    for (i, copy) in merged.lines.iter().enumerate() {
        expected.apply(&playbook, &copy.entry);
        review.cursor = review.visible.iter().position(|&v| v == i).expect("shown");
        assert_eq!(
            review.state_at_cursor(),
            Some(&expected),
            "state at line {i}"
        );
    }

    // The timeline names each writer `actor@host`, at the merged `seq`.
    review.cursor = review.visible.len() - 1;
    let screen = support::draw_review(&mut review, 160, 40);
    let host = host();
    let last = merged.lines.last().unwrap();
    assert!(
        screen
            .lines()
            .any(|row| row.contains(&format!("#{} ", last.entry.seq)) && row.contains(" Ana@")),
        "the last row, at its merged seq: {screen}"
    );
    assert!(
        screen.contains(&format!(" · Ana@{host} · ")),
        "the details name the writer: {screen}"
    );
    assert!(screen.contains(" Bob@"), "{screen}");

    // A search for a writer as shown finds every entry of theirs (and the
    // lines that name their journal, in `seen`).
    let bob = format!("bob@{host}");
    let key = |c| runsheet::app::input::KeyEvent::new(c, KeyModifiers::NONE);
    review.key(&key(KeyCode::Char('/')));
    bob.chars().for_each(|c| review.key(&key(KeyCode::Char(c))));
    review.key(&key(KeyCode::Enter));
    let found: Vec<usize> = review.visible.clone();
    let bobs: Vec<usize> = (0..merged.lines.len())
        .filter(|&i| merged.lines[i].entry.actor == format!("Bob@{host}"))
        .collect();
    assert!(!bobs.is_empty());
    assert!(bobs.iter().all(|i| found.contains(i)), "{found:?} {bobs:?}");
    assert!(
        found
            .iter()
            .all(|&i| bobs.contains(&i) || merged.lines[i].text.contains(&bob)),
        "{found:?}"
    );
}

/// `correct DIR SEQ` takes the number the case's views show (the merged
/// position) and corrects that entry, naming it by journal and `seq` in
/// the correcting responder's journal; `correct` and `resume` on a case's
/// journal file are refused, since that journal's own numbers are not the
/// ones shown and alone it holds none of the others' entries.
#[test]
fn correct_dir_takes_the_merged_position_and_a_case_journal_file_is_refused() {
    let root = tempfile::tempdir().unwrap();
    let (ana, bob, case) = two_journal_case(root.path(), false);
    let dir = case.to_str().unwrap();
    let merged = runsheet::case::views::verified(runsheet::case::views::load(&case).unwrap());
    let submission = merged
        .lines
        .iter()
        .find(|l| l.entry.kind == Kind::Submission)
        .expect("Bob's submission")
        .entry
        .seq;
    let bobs = journal(&case, "Bob");
    let own = bobs
        .iter()
        .find(|e| e.kind == Kind::Submission)
        .expect("in Bob's journal")
        .seq;
    assert_ne!(own, submission, "the two numberings differ here");

    // Bob's journal file, by the number the views show: refused.
    let bob_file = case.join("journals").join(format!("bob@{}.jsonl", host()));
    let out = bob.cmd(&[
        "correct",
        bob_file.to_str().unwrap(),
        &submission.to_string(),
        "--field",
        "channel=email",
        "--reason",
        "sent by email",
        "--as",
        "Bob",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!("runsheet correct {dir} SEQ")),
        "{err}"
    );
    assert_eq!(journal(&case, "Bob"), bobs, "nothing written");
    let resumed = runsheet::commands::tui::resume(&env(), &bob_file, Some("Bob"));
    let refusal = resumed.expect_err("refused").message;
    assert!(
        refusal.contains(&format!("runsheet run --case {dir}")),
        "{refusal}"
    );

    // Ana corrects Bob's submission through the case, by its merged number.
    ana.act(&[
        "correct",
        dir,
        &submission.to_string(),
        "--field",
        "channel=email",
        "--reason",
        "sent by email, the portal was down",
    ]);
    let written = last_act(&case, "Ana");
    assert_eq!(written.kind, Kind::Correction);
    assert_eq!(written.data["corrects"], serde_json::json!(own));
    assert_eq!(
        written.data["journal"],
        serde_json::json!(format!("bob@{}", host()))
    );
    let after = runsheet::case::views::verified(runsheet::case::views::load(&case).unwrap());
    let correction = after
        .lines
        .iter()
        .rev()
        .find(|l| l.entry.kind == Kind::Correction)
        .expect("the correction, merged last");
    assert_eq!(
        correction.entry.data["corrects"],
        serde_json::json!(submission)
    );
    let status = ana.cmd(&["status", dir, "--json"]);
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(status["sent"][0]["channel"], "email", "{status:#}");
}

/// Defect CLI-WRITES-INTO-ANOTHER-RESPONDERS-JOURNAL: `note` and `set`
/// given Ana's journal file (where the case folder belongs) wrote Bob's
/// entries into Ana's journal and said "saved"; every command that writes
/// one journal now refuses a case's journal file (exit 2), names the case
/// and the command to run through it, and writes nothing.
#[test]
fn cli_writes_into_another_responders_journal() {
    let root = tempfile::tempdir().unwrap();
    let (_ana, bob, case) = two_journal_case(root.path(), false);
    let dir = case.display().to_string();
    let anas_file = case.join("journals").join(format!("ana@{}.jsonl", host()));
    let file = anas_file.to_str().unwrap();
    let anas = std::fs::read(&anas_file).unwrap();
    let evidence = root.path().join("disk.img");
    std::fs::write(&evidence, b"image").unwrap();
    let key = root.path().join("checkpoint_ed25519");
    let made = bob.cmd(&["key", "new", key.to_str().unwrap()]);
    assert!(made.status.success(), "{made:?}");
    let refusal =
        |tail: &str| format!("error: {file} is a journal of the team case {dir}: {tail}\n");
    let written_through =
        "a case's journal is written only through the case, each by its own responder";
    let runner = format!("runsheet run --case {dir}");
    let cases: [(Vec<&str>, String); 7] = [
        (
            vec!["note", file, "bob writes in ana's journal"],
            format!("{written_through}; note through the case: runsheet note {dir} TEXT"),
        ),
        (
            vec!["set", file, "org=Evil"],
            format!("{written_through}; set through the case: runsheet set {dir} org=Evil"),
        ),
        (
            vec!["close", file, "--reason", "done"],
            format!("{written_through}; close it from the case's runner: {runner}"),
        ),
        (
            vec!["evidence", "add", file, evidence.to_str().unwrap()],
            format!("{written_through}; record evidence from the case's runner: {runner}"),
        ),
        (
            vec![
                "evidence", "transfer", file, "E1", "--to", "Lab", "--reason", "analysis",
            ],
            format!("{written_through}; record evidence from the case's runner: {runner}"),
        ),
        (
            vec!["checkpoint", file, "--key", key.to_str().unwrap()],
            format!(
                "{written_through}; a case is anchored by its case head instead: runsheet verify {dir} prints it, to paste into a ticket"
            ),
        ),
        (
            vec!["anchor", "attach", file, "reply.tsr"],
            format!(
                "{written_through}; a case is anchored by its case head instead: runsheet verify {dir} prints it, to paste into a ticket"
            ),
        ),
    ];
    for (args, tail) in cases {
        let mut all = args.clone();
        all.extend(["--as", "Bob"]);
        let out = bob.cmd(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            refusal(&tail),
            "{args:?}"
        );
        assert_eq!(
            std::fs::read(&anas_file).unwrap(),
            anas,
            "{args:?}: nothing written"
        );
    }
    // NEW-JOURNAL-INSIDE-A-CASE: `new --journal` into a case's journals
    // made a journal of another case's playbook among its responders'.
    let stray = case.join("journals").join("stray@host.jsonl");
    let out = bob.cmd(&[
        "new",
        "state-actor-intrusion",
        "--journal",
        stray.to_str().unwrap(),
        "--as",
        "Bob",
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: {} is a journal of the team case {dir}: {written_through}; a responder joins it with: runsheet run --case {dir} --as NAME\n",
            stray.display()
        )
    );
    assert!(!stray.exists(), "nothing created");
}

/// A journal copied in from another case folder is refused whole: `verify`
/// and `status` say the case does not fully verify and name it, and no
/// view merges a line of it (its creation would otherwise give the case
/// another title, time zone and playbook).
#[test]
fn a_journal_from_another_case_is_refused_whole() {
    let root = tempfile::tempdir().unwrap();
    let (ana, _bob, case) = two_journal_case(root.path(), false);
    let carol = Person::new(root.path(), "Carol");
    let other = root.path().join("other");
    new_case(&carol, &other, false);
    carol.act(&[
        "note",
        other.to_str().unwrap(),
        "another incident altogether",
    ]);
    let carols = format!("carol@{}.jsonl", host());
    std::fs::copy(
        other.join("journals").join(&carols),
        case.join("journals").join(&carols),
    )
    .unwrap();
    let dir = case.to_str().unwrap();

    let verify = ana.cmd(&["verify", dir]);
    assert_eq!(verify.status.code(), Some(1));
    let said = String::from_utf8_lossy(&verify.stdout);
    assert!(
        said.contains(&format!("BROKEN carol@{}", host()))
            && said.contains("belongs to another case"),
        "{said}"
    );
    assert_eq!(ana.cmd(&["status", dir]).status.code(), Some(1));
    let md = ana.cmd(&["export", dir, "--format", "md"]);
    assert_eq!(md.status.code(), Some(1));
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(!md.contains("another incident altogether"), "{md}");
    assert!(!md.contains("Carol@"), "{md}");
    let review = runsheet::commands::case_views::review_of(&env(), &case, false).unwrap();
    assert!(
        (0..review.lines.len()).all(|i| !review.lines.entry(i).unwrap().actor.starts_with("Carol")),
        "no line of Carol's is merged"
    );
}

/// A journal rewritten after another responder read it re-chains and so
/// verifies on its own; the head that responder recorded no longer
/// matches. The case's views then report none of its lines past what
/// others confirmed (here none), so a falsified entry is never shown as
/// verified, and the banner names the rewrite.
#[test]
fn a_journal_rewritten_after_others_read_it_is_not_reported_as_verified() {
    let root = tempfile::tempdir().unwrap();
    let (ana, _bob, case) = two_journal_case(root.path(), false);
    let dir = case.to_str().unwrap();
    let path = case.join("journals").join(format!("bob@{}.jsonl", host()));
    let mut prev = "0".repeat(64);
    let mut rewritten = String::new();
    for mut entry in journal(&case, "Bob") {
        if entry.kind == Kind::Decision {
            entry.data["rationale"] = serde_json::json!("FALSIFIED after the fact");
        }
        entry.prev = prev;
        let line = entry.encode();
        prev = runsheet::hash::sha256_hex(line.as_bytes());
        rewritten.push_str(&line);
        rewritten.push('\n');
    }
    std::fs::write(&path, rewritten).unwrap();
    assert!(
        String::from_utf8_lossy(&ana.cmd(&["verify", path.to_str().unwrap()]).stdout)
            .starts_with("intact"),
        "alone, the rewritten journal verifies"
    );

    let verify = ana.cmd(&["verify", dir]);
    assert_eq!(verify.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&verify.stdout).contains("CONTRADICTED"));
    for format in ["md", "csv", "json"] {
        let out = ana.cmd(&["export", dir, "--format", format]);
        assert_eq!(out.status.code(), Some(1), "{format}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!text.contains("FALSIFIED"), "{format}: {text}");
        assert!(
            text.contains("rewritten after others read it"),
            "{format}: {text}"
        );
    }
    let review = runsheet::commands::case_views::review_of(&env(), &case, false).unwrap();
    assert!(
        (0..review.lines.len()).all(|i| !review.lines.text(i).contains("FALSIFIED")),
        "the review shows none of it"
    );
}

/// A case's report gives the case head and says so: it is the head
/// `verify DIR` prints, not the SHA-256 of any one line, and the recipe to
/// check it names the case folder.
#[test]
fn the_report_of_a_case_calls_its_head_the_case_head() {
    let root = tempfile::tempdir().unwrap();
    let (ana, _bob, case) = two_journal_case(root.path(), false);
    let dir = case.to_str().unwrap();
    let verify = String::from_utf8(ana.cmd(&["verify", dir]).stdout).unwrap();
    let head = verify
        .lines()
        .find_map(|l| l.strip_prefix("case head: "))
        .expect("verify prints the case head");
    let md = export(&ana, &case, "md");
    assert!(
        md.contains(&format!(
            "`{head}` (the case head: SHA-256 over every journal's head"
        )),
        "{md}"
    );
    assert!(!md.contains("SHA-256 of the last verified line"), "{md}");
    assert!(md.contains("`runsheet verify <case folder>`"), "{md}");
}

/// A case nobody has written in yet: `status` names the case and says how
/// to join, instead of a summary of nothing (a blank title, the hash of
/// no bytes).
#[test]
fn status_of_a_case_nobody_has_written_in_says_so() {
    let root = tempfile::tempdir().unwrap();
    let ana = Person::new(root.path(), "Ana");
    let case = root.path().join("case");
    new_case(&ana, &case, true);
    let out = ana.cmd(&["status", case.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("Views test · EXERCISE · playbook ransomware-extortion"),
        "{text}"
    );
    assert!(
        text.contains("no responder has written in this case yet"),
        "{text}"
    );
    assert!(text.contains("runsheet run --case"), "{text}");
    assert!(!text.contains("e3b0c442"), "{text}");
}

/// Copies a case folder as a responder without sync would have it.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Ana and Bob set `records_estimate` each in their own copy of the case,
/// neither having seen the other's; Bob's journal is then copied into
/// Ana's folder. Returns Ana's folder.
fn case_with_an_open_conflict(root: &Path) -> PathBuf {
    case_where_ana_and_bob_set(root, "records_estimate=100", "records_estimate=250")
}

/// A case where Ana and Bob each set a fact in their own copy (`ana_sets`,
/// `bob_sets`), then Bob's journal is brought in: the two values conflict.
fn case_where_ana_and_bob_set(root: &Path, ana_sets: &str, bob_sets: &str) -> PathBuf {
    let (ana, bob) = (Person::new(root, "Ana"), Person::new(root, "Bob"));
    let (s1, s2) = (root.join("s1"), root.join("s2"));
    new_case(&ana, &s1, false);
    copy_dir(&s1, &s2);
    ana.act(&["set", s1.to_str().unwrap(), ana_sets]);
    bob.act(&["set", s2.to_str().unwrap(), bob_sets]);
    let bobs = format!("bob@{}.jsonl", host());
    std::fs::copy(
        s2.join("journals").join(&bobs),
        s1.join("journals").join(&bobs),
    )
    .unwrap();
    s1
}

/// Defect: the review of a case with an open conflict said only
/// "✓ intact" in its header, and its State tab showed the contested fact
/// as if settled, though docs/team.md promises the header names it.
#[test]
fn the_review_header_names_an_open_conflict_and_the_state_marks_the_fact() {
    let root = tempfile::tempdir().unwrap();
    let case = case_with_an_open_conflict(root.path());
    let mut review = runsheet::commands::case_views::review_of(&env(), &case, false).unwrap();
    let screen = support::draw_review(&mut review, 200, 30).replace(&host(), "HOST");
    let rows: Vec<&str> = screen.lines().collect();
    assert!(rows[1].starts_with(" ✓ intact: "), "{screen}");
    insta::assert_snapshot!("review_header_open_conflict", rows[2]);

    review.tab = runsheet::app::review::Tab::State;
    let state = support::draw_review(&mut review, 200, 40);
    let fact = state
        .lines()
        .find(|row| row.contains("records_estimate = "))
        .unwrap_or_else(|| panic!("the fact is listed: {state}"));
    assert_eq!(
        fact.trim_end(),
        "  records_estimate = 250  ⚠ contested: open conflict, see the header"
    );
}

/// The defect: the review header put every warning kind on one row, so at
/// 160 columns the times-ahead warning was cut off after the open
/// conflict's detail. Each kind has its own row.
#[test]
fn each_kind_of_header_warning_has_its_own_row_at_usual_widths() {
    let root = tempfile::tempdir().unwrap();
    let case = case_with_an_open_conflict(root.path());
    let mut review = runsheet::commands::case_views::review_of(&env(), &case, false).unwrap();
    // A reader whose clock is a day behind: every writer's entries are ahead.
    review.now -= chrono::Duration::days(1);
    let screen = support::draw_review(&mut review, 120, 30);
    let rows: Vec<&str> = screen.lines().collect();
    assert!(
        rows[2].starts_with(" ⚠ 1 open conflict, on fact `records_estimate`"),
        "{screen}"
    );
    assert!(
        rows[3].starts_with(" ⚠ 2 recorded times ahead of this clock"),
        "{screen}"
    );
    assert!(rows[4].contains("Timeline"), "{screen}");
}

/// The defect: the case commands wrote their entry bare, so `verify` of a
/// responder's journal file said its tail was "written by a session that
/// never started ... anyone with the file could have added them".
#[test]
fn a_case_journal_written_by_the_case_commands_has_its_tail_proven() {
    let root = tempfile::tempdir().unwrap();
    let (ana, bob, case) = two_journal_case(root.path(), false);
    for (person, name) in [(&ana, "ana"), (&bob, "bob")] {
        let file = case
            .join("journals")
            .join(format!("{name}@{}.jsonl", host()));
        let out = person.cmd(&["verify", file.to_str().unwrap()]);
        let said = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{said}");
        assert!(!said.contains("tail not proven"), "{said}");
    }
}

/// Changes one byte of the content of line `line` (1-based) of `name`'s
/// journal, leaving its hash as it was: the line no longer verifies.
fn alter_line(case: &Path, name: &str, line: usize) -> PathBuf {
    let path = case
        .join("journals")
        .join(format!("{}@{}.jsonl", name.to_lowercase(), host()));
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    lines[line - 1] = lines[line - 1].replacen("\"actor\":\"", "\"actor\":\"X", 1);
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    path
}

/// Defect: one altered line in Bob's journal was followed by a
/// "CONTRADICTED … is missing (the journal was cut short)" line for every
/// head Ana had recorded past it, though Bob's file has every line.
#[test]
fn seen_heads_past_a_broken_line_are_not_checked_rather_than_cut_short() {
    let root = tempfile::tempdir().unwrap();
    let (ana, _bob, case) = two_journal_case(root.path(), false);
    let bobs = alter_line(&case, "Bob", 3);
    let verify = ana.cmd(&["verify", case.to_str().unwrap()]);
    assert_eq!(verify.status.code(), Some(1));
    let said = String::from_utf8_lossy(&verify.stdout);
    let host = host();
    let lines: Vec<&str> = said.lines().collect();
    assert!(
        lines.contains(&format!("BROKEN bob@{host}: {}:3 (seq 2): content does not match the line's own `hash`: the line was altered", bobs.display()).as_str()),
        "{said}"
    );
    assert_eq!(
        lines[2..lines.len() - 1],
        [
            format!(
                "not checked: bob@{host} is broken at line 3: what ana@{host} had seen of it past the break cannot be compared"
            ),
            "cross-witnessing: every seen head that can be checked matches".to_string(),
        ],
        "{said}"
    );
}

/// Defect: `status DIR` said "BROKEN at line 0 (seq 0): journal …", a
/// line no file has. It names the journal and its own line.
#[test]
fn status_of_a_case_names_the_broken_journal_and_its_own_line() {
    let root = tempfile::tempdir().unwrap();
    let (ana, _bob, case) = two_journal_case(root.path(), false);
    alter_line(&case, "Bob", 3);
    let status = ana.cmd(&["status", case.to_str().unwrap()]);
    assert_eq!(status.status.code(), Some(1));
    let said = String::from_utf8_lossy(&status.stdout);
    let verification = said
        .lines()
        .find_map(|l| l.split(" · ").nth(2))
        .unwrap_or_default();
    assert_eq!(
        verification,
        format!(
            "BROKEN at line 3 (seq 2) of journal bob@{}: content does not match the line's own `hash`: the line was altered",
            host()
        ),
        "{said}"
    );
    // STATUS-ON-BROKEN-JOURNAL-SILENT-ON-STDERR: the problem is on stderr
    // too, for a script that keeps only the report.
    assert_eq!(
        String::from_utf8_lossy(&status.stderr),
        format!(
            "error: {case}/journals/bob@{host}.jsonl:3: {case} does not verify: line 3 (seq 2) of journal bob@{host}: content does not match the line's own `hash`: the line was altered (`runsheet verify {case}` says more)\n",
            case = case.display(),
            host = host()
        )
    );
}

/// Defect VERIFY-CASE-ERROR-NO-PATH: `verify DIR` named a broken journal
/// by its id alone, and printed the head of a broken case as "case head:",
/// the anchor to paste into a ticket. It now gives the file's `path:line`
/// and calls that head the head of the verified part.
#[test]
fn verify_case_error_no_path() {
    let root = tempfile::tempdir().unwrap();
    let (ana, _bob, case) = two_journal_case(root.path(), false);
    let bobs = alter_line(&case, "Bob", 3);
    let verify = ana.cmd(&["verify", case.to_str().unwrap()]);
    assert_eq!(verify.status.code(), Some(1));
    let said = String::from_utf8_lossy(&verify.stdout);
    let broken: Vec<&str> = said.lines().filter(|l| l.starts_with("BROKEN")).collect();
    assert_eq!(
        broken,
        [format!(
            "BROKEN bob@{}: {}:3 (seq 2): content does not match the line's own `hash`: the line was altered",
            host(),
            bobs.display()
        )],
        "{said}"
    );
    let last = said.lines().last().unwrap_or_default();
    assert!(
        last.strip_prefix("case head of the verified part: ")
            .is_some_and(|head| head.len() == 64),
        "{said}"
    );
    assert!(!said.contains("\ncase head: "), "{said}");
}

/// Re-chains `name`'s journal with `change` applied to each entry, as
/// someone rewriting the file with the right tools would.
fn rewrite_journal(case: &Path, name: &str, change: impl Fn(&mut Entry)) {
    let path = case
        .join("journals")
        .join(format!("{}@{}.jsonl", name.to_lowercase(), host()));
    let mut prev = "0".repeat(64);
    let mut rewritten = String::new();
    for mut entry in journal(case, name) {
        change(&mut entry);
        entry.prev = prev;
        let line = entry.encode();
        prev = runsheet::hash::sha256_hex(line.as_bytes());
        rewritten.push_str(&line);
        rewritten.push('\n');
    }
    std::fs::write(&path, rewritten).unwrap();
}

/// Defect: after Bob rewrote a line others had read, `status DIR` still
/// used his facts while every export dropped his journal, so the two gave
/// different deadlines for the same files; the exports also put the break
/// on the last kept line. Every view now keeps the same lines, names what
/// is excluded, and puts the break after the last kept line.
#[test]
fn a_rewritten_journal_is_cut_the_same_way_in_status_and_every_export() {
    let root = tempfile::tempdir().unwrap();
    let (ana, _bob, case) = two_journal_case(root.path(), false);
    let bob_lines = journal(&case, "Bob").len();
    rewrite_journal(&case, "Bob", |entry| {
        if entry.kind == Kind::Decision {
            entry.data["rationale"] = serde_json::json!("FALSIFIED after the fact");
        }
    });
    let dir = case.to_str().unwrap();
    let host = host();

    let status = ana.cmd(&["status", dir]);
    assert_eq!(status.status.code(), Some(1));
    let said = String::from_utf8_lossy(&status.stdout);
    let excluded = format!(
        "  bob@{host} · {bob_lines} entries · excluded from line 1 (seq 0): rewritten after others read it: its line at seq {} is not the one ana@{host} recorded seeing, so no line from here on is confirmed",
        bob_lines - 1
    );
    assert!(said.lines().any(|l| l == excluded), "{said}");

    let facts = |value: &serde_json::Value| value["facts"].clone();
    let status_json: serde_json::Value =
        serde_json::from_slice(&ana.cmd(&["status", dir, "--json"]).stdout).unwrap();
    let export_json: serde_json::Value =
        serde_json::from_slice(&ana.cmd(&["export", dir, "--format", "json"]).stdout).unwrap();
    assert_eq!(facts(&status_json), facts(&export_json["state"]));
    assert!(
        facts(&status_json)
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["by"] != format!("Bob@{host}")),
        "{status_json}"
    );

    let problem = status_json["journal"]["problem"]
        .as_str()
        .unwrap_or_default();
    assert_eq!(
        problem,
        format!(
            "line 1 (seq 0) of journal bob@{host}: rewritten after others read it: its line at seq {} is not the one ana@{host} recorded seeing, so no line from here on is confirmed",
            bob_lines - 1
        )
    );
    let kept = export_json["entries"].as_array().unwrap().len();
    let md = String::from_utf8(ana.cmd(&["export", dir, "--format", "md"]).stdout).unwrap();
    let lines: Vec<&str> = md.lines().collect();
    assert!(
        lines.contains(&format!("- **Entries:** {kept} verified").as_str()),
        "{md}"
    );
    assert!(
        md.contains(&format!(
            "JOURNAL BROKEN at line {} (entry {kept})",
            kept + 1
        )),
        "{md}"
    );
}

/// Moves the stamp of the last note in `name`'s journal `minutes` back, as
/// a clock stepped back on that laptop would have stamped it, and seals
/// that line and the ones after it again: the journal still verifies.
fn restamp_last_note(case: &Path, name: &str, minutes: i64) {
    let path = case
        .join("journals")
        .join(format!("{}@{}.jsonl", name.to_lowercase(), host()));
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let at = lines
        .iter()
        .rposition(|l| Entry::decode(l).unwrap().kind == Kind::Note)
        .expect("a note");
    let mut prev = None;
    for line in &mut lines[at..] {
        let mut entry = Entry::decode(line).unwrap();
        if let Some(prev) = prev.take() {
            entry.prev = prev;
        } else {
            entry.ts -= chrono::Duration::minutes(minutes);
        }
        *line = entry.encode();
        prev = Some(runsheet::hash::sha256_hex(line.as_bytes()));
    }
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
}

/// The defect: in a case, "entry N is stamped earlier than the entry
/// before it" gave only the merged position, and not whose journal holds
/// the entry, so a reviewer could not find which laptop's clock went back.
/// Case views now name the writer as they name every responder
/// (`actor@host`); a single journal's wording is unchanged.
#[test]
fn in_a_case_the_stamped_earlier_warning_does_not_name_the_writer() {
    let root = tempfile::tempdir().unwrap();
    let (ana, bob, case) = two_journal_case(root.path(), false);
    let dir = case.to_str().unwrap();
    bob.act(&["note", dir, "second look at the backups"]);
    restamp_last_note(&case, "Bob", 60);
    let host = host();
    let merged_lines = journal(&case, "Ana").len() + journal(&case, "Bob").len() - 1;
    // Bob's note is the merged case's last but one entry (his session's
    // end is the last).
    let merged_seq = merged_lines - 2;
    let own_seq = journal(&case, "Bob").len() - 2;
    let expected = format!(
        "entry {merged_seq} by Bob@{host} is stamped earlier than the entry before it (clock changed, or the journal was edited)"
    );

    let status = ana.cmd(&["status", dir]);
    let said = String::from_utf8_lossy(&status.stdout);
    assert!(said.contains(&expected), "{expected}\n{said}");

    let review = runsheet::commands::case_views::review_of(&env(), &case, false).unwrap();
    let warnings: Vec<String> = review
        .state
        .warnings
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(warnings.contains(&expected), "{warnings:?}");

    let report = export(&ana, &case, "md");
    assert!(report.contains(&expected), "{report}");

    let file = case.join("journals").join(format!("bob@{host}.jsonl"));
    let single = ana.cmd(&["verify", file.to_str().unwrap()]);
    let said = String::from_utf8_lossy(&single.stdout);
    assert!(
        said.contains(&format!(
            "entry {own_seq} is stamped earlier than the entry before it (clock changed, or the journal was edited)"
        )),
        "{said}"
    );
}

/// Ana and Bob set `aware_at` each in their own copy of the case (04:10
/// and 03:55 UTC), neither having seen the other's; Bob's journal is then
/// copied into Ana's folder. Returns Ana's folder.
fn case_with_a_contested_aware_at(root: &Path) -> PathBuf {
    case_where_ana_and_bob_set(
        root,
        "aware_at=2026-03-02T04:10:00Z",
        "aware_at=2026-03-02T03:55:00Z",
    )
}

/// RUNNER-HIDES-OPEN-CONFLICTS-AND-CONTESTED-CLOCKS, in `status`: the
/// open conflicts were listed only at the very bottom, and a clock line
/// counted from a contested `aware_at` did not say so. Now the line under
/// the header counts and names the open conflicts, and every clock reading
/// the contested fact says so on its own line, with both values.
#[test]
fn status_of_a_case_says_which_clocks_count_from_a_contested_fact() {
    let root = tempfile::tempdir().unwrap();
    let case = case_with_a_contested_aware_at(root.path());
    let ana = Person::new(root.path(), "Ana");
    let out = ana.cmd(&["status", case.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let rows: Vec<&str> = text.lines().collect();
    let header_end = rows
        .iter()
        .position(|r| r.starts_with("created "))
        .unwrap_or_else(|| panic!("a header: {text}"));
    assert_eq!(
        rows[header_end + 1],
        "⚠ 1 open conflict, on fact aware_at: the latest value by time is shown until settled with `runsheet resolve` (both sides under conflicts below)"
    );
    let note = " [⚠ runs from aware_at, contested: 04:10 vs 03:55 UTC]";
    let clocks: Vec<&str> = rows
        .iter()
        .skip_while(|r| !r.starts_with("Clocks "))
        .skip(1)
        .take_while(|r| !r.is_empty())
        .copied()
        .collect();
    let marked: Vec<&str> = clocks
        .iter()
        .filter(|r| r.ends_with(note))
        .map(|r| r.split(" · ").next().unwrap_or_default())
        .collect();
    insta::assert_snapshot!("status_contested_clocks", marked.join("\n"));
    assert!(
        clocks
            .iter()
            .filter(|r| !r.ends_with(note))
            .all(|r| !r.contains("contested")),
        "{text}"
    );
}
