//! Headless scenarios: a playbook plus a script of key presses gives the
//! expected journal entries and final state.
//!
//! Each scenario runs through the real [`Core`]: a real journal file in a
//! temporary folder, the real writer thread, and a [`ManualTime`] moved by
//! hand. After every input the writes settle (bounded, no sleeping). At the
//! end the file is verified, the kinds appended by the script are compared
//! with the expected list, and the state replayed from the file must equal
//! the runner's live state.

mod support;

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};
use runsheet::app::input::{KeyCode, KeyEvent, KeyModifiers};
use runsheet::app::keymap::Keymap;
use runsheet::app::{App, Msg, Pane};
use runsheet::catalog::{self, Catalog};
use runsheet::clocks::{self, StageState};
use runsheet::commands::open::{self, NewJournal, Resolved};
use runsheet::drill::DrillState;
use runsheet::journal::event::{DrillAction, DrillRef};
use runsheet::journal::identity::Identity;
use runsheet::journal::verify::verify;
use runsheet::journal::{Kind, Line};
use runsheet::playbook::{Drill, FactValue, Playbook};
use runsheet::run::{self, RunState, StepStatus};
use runsheet::runtime::Core;
use runsheet::time::{ManualTime, TimeSource};

/// When every scenario starts (09:00 in Amsterdam).
const START: &str = "2026-11-02T08:00:00Z";
const ACTOR: &str = "Dana Reyes";
const JOURNAL: &str = "scenario.jsonl";
/// How long writes may take to settle after an input.
const SETTLE: StdDuration = StdDuration::from_secs(5);

/// The playbook (and drill) a scenario runs.
#[derive(Debug, Clone, Copy)]
enum Setup {
    /// `tests/fixtures/playbooks/fixture-incident.yaml`.
    Fixture,
    /// A bundled playbook by id.
    Bundled(&'static str),
    /// `tests/fixtures/playbooks/drills/scenario-drill.yaml` on the fixture.
    FixtureDrill,
    /// A bundled drill by id, on its bundled playbook.
    BundledDrill(&'static str),
}

impl Setup {
    fn load(self) -> (Resolved, Option<(Drill, String)>) {
        let today = support::utc(START).date_naive();
        match self {
            Self::Fixture => (support::fixture_playbook(), None),
            Self::Bundled(id) => (support::bundled_playbook(id), None),
            Self::FixtureDrill => {
                let resolved = support::fixture_playbook();
                let path = support::fixture("playbooks/drills/scenario-drill.yaml");
                let source = catalog::read_source(&path).expect("drill readable");
                let lookup =
                    |id: &str| (id == resolved.playbook.id).then(|| resolved.playbook.clone());
                let (drill, _) = catalog::check_drill(&source, &lookup).expect("drill valid");
                (resolved, Some((drill, path.display().to_string())))
            }
            Self::BundledDrill(id) => {
                let catalog = Catalog::bundled(today);
                let entry = catalog.drill(id).expect("bundled drill");
                let drill = entry.drill.clone();
                let label = format!("bundled:drills/{id}.yaml");
                (
                    support::bundled_playbook(&drill.playbook),
                    Some((drill, label)),
                )
            }
        }
    }
}

/// One input of a script.
#[derive(Debug, Clone)]
enum Do {
    /// Put the step list's cursor on a step (as the picker or search would).
    Select(&'static str),
    Key(char),
    Ctrl(char),
    Type(&'static str),
    /// A bracketed paste, delivered whole as the terminal sends it.
    Paste(&'static str),
    Enter,
    Esc,
    Tab,
    /// Any other key (Backspace, Shift-Tab).
    Press(KeyCode),
    /// Move the manual clock on.
    Wait(Duration),
    Tick,
    /// Draw the runner (120x40) and keep its text in [`Outcome::screens`].
    Screen,
}

impl Do {
    fn apply(&self, core: &mut Core, clock: &ManualTime) {
        let key = |code, modifiers| Msg::Key(KeyEvent::new(code, modifiers));
        match self {
            Self::Select(step) => {
                core.app.select_step(step);
                core.app.focus = Pane::Steps;
            }
            Self::Key(c) => core.handle(key(KeyCode::Char(*c), KeyModifiers::NONE)),
            Self::Ctrl(c) => core.handle(key(KeyCode::Char(*c), KeyModifiers::CONTROL)),
            Self::Type(text) => {
                for c in text.chars() {
                    core.handle(key(KeyCode::Char(c), KeyModifiers::NONE));
                }
            }
            Self::Paste(text) => core.handle(Msg::Paste((*text).to_string())),
            Self::Enter => core.handle(key(KeyCode::Enter, KeyModifiers::NONE)),
            Self::Esc => core.handle(key(KeyCode::Esc, KeyModifiers::NONE)),
            Self::Tab => core.handle(key(KeyCode::Tab, KeyModifiers::NONE)),
            Self::Press(pressed) => core.handle(key(*pressed, KeyModifiers::NONE)),
            Self::Wait(by) => clock.advance(*by),
            Self::Tick => core.handle(Msg::Tick),
            Self::Screen => {}
        }
    }
}

/// A playbook, a script, and the kinds of entry the script must append.
struct Scenario {
    setup: Setup,
    script: Vec<Do>,
    expect: Vec<Kind>,
}

/// What a scenario left behind, read back from the journal file.
struct Outcome {
    playbook: Playbook,
    /// Replayed from the verified file (equal to the live state).
    state: RunState,
    /// Lines the script appended (after `journal_created`, `session_started`).
    appended: Vec<Line>,
    now: DateTime<Utc>,
    /// Notices on screen at the end.
    notices: Vec<String>,
    /// Visible step ids of each phase at the end.
    rows: Vec<Vec<String>>,
    clipboard: Vec<String>,
    quit: bool,
    /// The runner's text at each [`Do::Screen`], in order.
    screens: Vec<String>,
    /// The whole journal file at the end.
    bytes: Vec<u8>,
}

fn run(scenario: &Scenario) -> Outcome {
    let (mut resolved, drill) = scenario.setup.load();
    // As the runner opens an exercise: every outside party is played by
    // the facilitator, and no contacts.yaml is read.
    if drill.is_some() {
        resolved.playbook.contacts_for_run(&[], true);
    }
    let dir = support::fast_tempdir();
    let path = dir.path().join(JOURNAL);
    let clock = ManualTime::at(support::utc(START));
    let who = Identity {
        actor: ACTOR.into(),
        session: "scenario-session".into(),
    };
    let settings = NewJournal {
        path: Some(path.clone()),
        title: Some("Scenario incident".into()),
        exercise: drill.is_some(),
        timezone: resolved.playbook.timezone.unwrap_or(chrono_tz::UTC),
        drill: drill.as_ref().map(|(d, path)| DrillRef {
            id: d.id.clone(),
            path: path.clone(),
            sha256: d.sha256.clone(),
        }),
        holidays: Vec::new(),
    };
    let mode = if drill.is_some() { "drill" } else { "run" };
    let (file, opening) =
        open::create_journal(&resolved, settings, &who, &clock, mode).expect("create journal");
    let mut app = App::new(
        resolved.playbook.clone(),
        &opening,
        who,
        JOURNAL,
        Keymap::default(),
        clock.now(),
    );
    if let Some((drill, _)) = drill {
        app.drill = Some(DrillState::new(drill, app.state()));
        app.focus = Pane::Drill;
    }
    let journal = Written {
        path: &path,
        dir: dir.path(),
        before: opening.len(),
    };
    play(
        app,
        Box::new(file),
        &clock,
        &journal,
        resolved.playbook,
        scenario,
    )
}

/// A journal a scenario appends to: its file, its folder (drafts sit
/// beside it), and how many lines it held before the script ran.
struct Written<'a> {
    path: &'a Path,
    dir: &'a Path,
    before: usize,
}

/// Runs `scenario`'s script through a real [`Core`] over `app` and
/// `file`, then reads the journal back: shared by new and resumed runs so
/// both are checked the same way.
fn play(
    app: App,
    file: Box<dyn runsheet::journal::writer::Append>,
    clock: &ManualTime,
    journal: &Written<'_>,
    playbook: Playbook,
    scenario: &Scenario,
) -> Outcome {
    let clipboard = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&clipboard);
    let mut core = Core::new(
        app,
        file,
        Arc::new(clock.clone()),
        Box::new(move |text: &str| sink.lock().expect("clipboard").push(text.to_string())),
    );
    let mut screens = Vec::new();
    for input in &scenario.script {
        input.apply(&mut core, clock);
        assert!(core.settle(SETTLE), "writes did not settle after {input:?}");
        if matches!(input, Do::Screen) {
            screens.push(support::screen(&support::draw_runner(&core.app, 120, 40)));
        }
    }
    assert_eq!(core.app.write_error, None);
    let live = core.app.state().clone();
    let notices = core.app.notices.iter().map(|n| n.text.clone()).collect();
    let rows = (0..playbook.phases.len())
        .map(|p| core.app.rows(p).into_iter().map(|r| r.id).collect())
        .collect();
    let quit = core.quit;
    core.finish();

    let bytes = std::fs::read(journal.path).expect("journal readable");
    let verified = verify(&bytes);
    assert!(
        verified.is_intact(),
        "journal verifies: {:?}",
        verified.broken
    );
    let state = run::replay(&playbook, verified.entries());
    assert_eq!(live, state, "the live state is the replay of the file");
    let appended = verified.lines[journal.before..].to_vec();
    let kinds: Vec<Kind> = appended.iter().map(|l| l.entry.kind).collect();
    assert_eq!(kinds, scenario.expect, "kinds appended by the script");
    assert_drafts_sit_beside_the_journal(journal.dir, &state);
    let clipboard = clipboard.lock().expect("clipboard").clone();
    Outcome {
        playbook,
        state,
        appended,
        now: clock.now(),
        notices,
        rows,
        clipboard,
        quit,
        screens,
        bytes,
    }
}

/// Every drafted version's file exists beside the journal with the hash
/// its entry records.
fn assert_drafts_sit_beside_the_journal(dir: &Path, state: &RunState) {
    for draft in &state.drafts {
        let text = std::fs::read(dir.join(&draft.data.file)).expect("draft file beside journal");
        assert_eq!(
            runsheet::hash::sha256_hex(&text),
            draft.data.text_sha256,
            "{}",
            draft.data.file
        );
    }
}

impl Outcome {
    fn status(&self, step: &str) -> StepStatus {
        self.state.status(step)
    }

    /// Delivered injects, in order, with their trigger.
    fn delivered(&self) -> Vec<(&str, &str)> {
        self.state
            .injects
            .iter()
            .map(|i| (i.inject.as_str(), i.trigger.as_str()))
            .collect()
    }

    /// The appended entry of a kind, the `n`th one (0-based).
    fn entry(&self, kind: Kind, n: usize) -> &Line {
        self.appended
            .iter()
            .filter(|l| l.entry.kind == kind)
            .nth(n)
            .unwrap_or_else(|| panic!("no {kind} #{n}"))
    }

    fn stage(&self, clock: &str, stage: &str) -> StageState {
        clocks::evaluate(&self.playbook, &self.state, self.now)
            .into_iter()
            .find(|v| v.clock.id == clock && v.stage.id == stage)
            .map(|v| v.state)
            .expect("stage in playbook")
    }
}

fn minutes(n: i64) -> Duration {
    Duration::minutes(n)
}

/// Answers `aware_at` (08:00 local: 07:00 UTC) and `org` on `confirm`.
fn answer_basics() -> Vec<Do> {
    use Do::{Enter, Esc, Key, Select, Type};
    vec![
        Select("confirm"),
        Key('a'),
        Type("08:00"),
        Enter,
        Type("Example Court"),
        Enter,
        Esc,
    ]
}

fn with_basics(script: Vec<Do>) -> Vec<Do> {
    answer_basics().into_iter().chain(script).collect()
}

// --- incidents -----------------------------------------------------------

#[test]
fn complete_a_step_with_a_checklist() {
    use Do::{Enter, Key, Select, Tab};
    let out = run(&Scenario {
        setup: Setup::Fixture,
        script: vec![
            Select("confirm"),
            Enter,
            Tab,
            Key(' '),
            Key('j'),
            Enter,
            Key('x'),
            Key('q'),
        ],
        expect: vec![
            Kind::StepStarted,
            Kind::ChecklistItem,
            Kind::ChecklistItem,
            Kind::StepDone,
            Kind::SessionEnded,
        ],
    });
    assert_eq!(out.status("confirm"), StepStatus::Done);
    let confirm = out.state.step("confirm").expect("acted on");
    assert!(confirm.is_checked(0) && confirm.is_checked(1));
    assert!(out.quit, "quit once session_ended was saved");
    let session = out.state.sessions.last().expect("session");
    assert_eq!(
        session.ended.as_ref().map(|(_, r)| r.as_str()),
        Some("quit")
    );
    assert!(out.notices.iter().any(|n| n.contains("not answered yet")));
}

#[test]
fn a_bundled_playbook_runs_from_its_first_required_step() {
    use Do::{Enter, Key, Wait};
    let out = run(&Scenario {
        setup: Setup::Bundled("ddos"),
        // The second `x`, once the question could be read, confirms
        // "checklist items unticked — done anyway".
        script: vec![Enter, Key('x'), Wait(Duration::seconds(1)), Key('x')],
        expect: vec![Kind::StepStarted, Kind::StepDone],
    });
    assert_eq!(out.appended[0].entry.step.as_deref(), Some("confirm-ddos"));
    assert_eq!(out.status("confirm-ddos"), StepStatus::Done);
}

/// The defect: `Enter x x` typed before the first screen was drawn
/// started a required step and marked it done past the "checklist items
/// unticked" question nobody saw.
#[test]
fn typed_ahead_x_x_never_marks_a_step_done_past_its_question() {
    use Do::{Enter, Key};
    let out = run(&Scenario {
        setup: Setup::Bundled("ddos"),
        script: vec![Enter, Key('x'), Key('x'), Key('x')],
        expect: vec![Kind::StepStarted],
    });
    assert_eq!(out.status("confirm-ddos"), StepStatus::InProgress);
}

#[test]
fn answering_a_datetime_fact_starts_a_clock() {
    use Do::{Enter, Esc, Key, Select, Tick, Type, Wait};
    let out = run(&Scenario {
        setup: Setup::Fixture,
        script: vec![
            Select("confirm"),
            Key('a'),
            Type("08:30"),
            Enter,
            Esc,
            Wait(Duration::hours(18)),
            Tick,
        ],
        expect: vec![Kind::FactSet],
    });
    let aware = support::utc("2026-11-02T07:30:00Z");
    assert_eq!(
        out.state.fact("aware_at"),
        Some(&FactValue::DateTime(aware)),
        "08:30 in Amsterdam"
    );
    let view = clocks::evaluate(&out.playbook, &out.state, out.now)
        .into_iter()
        .find(|v| v.stage.id == "early-warning")
        .expect("stage");
    assert_eq!(
        (view.started, view.due),
        (Some(aware), Some(aware + Duration::hours(24)))
    );
    assert!(
        matches!(view.state, StageState::Running { .. }),
        "{:?}",
        view.state
    );
    assert!(
        out.notices
            .iter()
            .any(|n| n.contains("75% of the time used: csirt-report.early-warning")),
        "{:?}",
        out.notices
    );
}

#[test]
fn a_decision_reveals_a_step_that_depends_on_it() {
    use Do::{Ctrl, Key, Select, Tab, Type};
    let before = run(&Scenario {
        setup: Setup::Fixture,
        script: Vec::new(),
        expect: Vec::new(),
    });
    assert!(!before.rows[2].contains(&"notify-dpa".to_string()));

    let out = run(&Scenario {
        setup: Setup::Fixture,
        script: vec![
            Select("scope"),
            Key('d'),
            Key('1'),
            Tab,
            Type("Case-party contact details were in the share"),
            Ctrl('s'),
        ],
        expect: vec![Kind::Decision],
    });
    assert_eq!(
        out.state.fact("personal_data"),
        Some(&FactValue::Bool(true))
    );
    let decision = &out.state.decisions[0];
    assert_eq!(
        (decision.step.as_deref(), decision.decider.as_str()),
        (Some("scope"), ACTOR)
    );
    assert_eq!(
        out.rows[2],
        [
            "early-warning",
            "notify-csirt",
            "final-report",
            "notify-dpa"
        ]
    );
    assert_eq!(
        out.rows[1],
        ["isolate"],
        "`preserve` still waits for severity"
    );
}

#[test]
fn skip_with_a_reason() {
    use Do::{Enter, Key, Select, Type};
    let out = run(&Scenario {
        setup: Setup::Fixture,
        script: vec![
            Select("preserve"),
            Key('s'),
            Enter,
            Type("Vendor imaged the disks before isolation"),
            Enter,
        ],
        expect: vec![Kind::StepSkipped],
    });
    let preserve = out.state.step("preserve").expect("acted on");
    assert_eq!(preserve.status, StepStatus::Skipped);
    assert_eq!(
        preserve.history[0].reason.as_deref(),
        Some("Vendor imaged the disks before isolation")
    );
}

#[test]
fn block_and_reopen() {
    use Do::{Enter, Key, Select, Type};
    let out = run(&Scenario {
        setup: Setup::Fixture,
        script: vec![
            Select("isolate"),
            Key('b'),
            Type("Waiting for the network team"),
            Enter,
            // A moment later: letters typed on at once are held back.
            Do::Wait(minutes(1)),
            Key('r'),
            Type("Access granted"),
            Enter,
            // A moment later again: an Enter typed on at once after a
            // save is held back too (ENTER-TYPEAHEAD-AFTER-SAVE-STARTS-STEP).
            Do::Wait(minutes(1)),
            Enter,
        ],
        expect: vec![Kind::StepBlocked, Kind::StepReopened, Kind::StepStarted],
    });
    let history: Vec<(StepStatus, Option<&str>)> = out
        .state
        .step("isolate")
        .expect("acted on")
        .history
        .iter()
        .map(|c| (c.status, c.reason.as_deref()))
        .collect();
    assert_eq!(
        history,
        [
            (StepStatus::Blocked, Some("Waiting for the network team")),
            (StepStatus::Open, Some("Access granted")),
            (StepStatus::InProgress, None),
        ]
    );
}

#[test]
fn a_notification_submission_meets_its_clock_stage() {
    use Do::{Enter, Esc, Key, Select, Tab, Type};
    let out = run(&Scenario {
        setup: Setup::Fixture,
        script: with_basics(vec![
            Select("early-warning"),
            Key('m'),
            Key('y'),
            Esc,
            Key('x'),
            Tab,
            Tab,
            Type("CSIRT-2026-0042"),
            Enter,
        ]),
        expect: vec![
            Kind::FactSet,
            Kind::FactSet,
            Kind::MessageDrafted,
            Kind::Submission,
            Kind::StepDone,
        ],
    });
    assert_eq!(
        out.stage("csirt-report", "early-warning"),
        StageState::Met {
            at: support::utc(START),
            margin: Some(Duration::hours(23)),
        }
    );
    let submission = &out.state.submissions[0].data;
    assert_eq!(
        (
            submission.reference.as_deref(),
            submission.version,
            submission.recipient.as_str()
        ),
        (Some("CSIRT-2026-0042"), Some(1), "National CSIRT")
    );
    assert_eq!(out.status("early-warning"), StepStatus::Done);
    assert_eq!(
        out.clipboard,
        ["Subject: Early warning — Example Court\n\n\
          We became aware of an incident at 2026-11-02 08:00 CET (07:00 UTC).\n"]
    );
    assert_eq!(
        out.state.drafts[0].data.file,
        "scenario.early-warning.v1.txt"
    );
}

#[test]
fn an_approved_holding_statement_is_published() {
    use Do::{Enter, Esc, Key, Select, Tab, Type};
    let mut script = vec![
        Select("holding-statement"),
        Key('o'),
        Type("Sam Okafor"),
        Enter,
        Esc,
        Key('m'),
        Key('p'),
        Tab,
        Type("Approved as drafted"),
        Enter,
        Do::Wait(minutes(1)),
        Key('s'),
    ];
    script.extend(std::iter::repeat_n(Tab, 5));
    script.extend([
        Type("https://court.example/news/incident"),
        Enter,
        // Esc right after the save closes the view (it never writes, so it
        // is not held back), and ends the type-ahead moment: `x` acts.
        Esc,
        Key('x'),
    ]);
    let out = run(&Scenario {
        setup: Setup::Fixture,
        script: with_basics(script),
        expect: vec![
            Kind::FactSet,
            Kind::FactSet,
            Kind::RoleAssigned,
            Kind::MessageDrafted,
            Kind::Approval,
            Kind::Submission,
            Kind::StepDone,
        ],
    });
    assert_eq!(out.state.holder("comms"), Some("Sam Okafor"));
    let approval = &out.state.approvals[0].data;
    assert_eq!(
        (
            approval.version,
            approval.approver.as_str(),
            approval.role.as_str()
        ),
        (1, ACTOR, "ic")
    );
    let published = &out.state.submissions[0].data;
    assert_eq!(published.version, Some(1));
    assert_eq!(published.override_reason, None, "approved: no override");
    assert_eq!(
        (published.channel.as_str(), published.url.as_deref()),
        ("website", Some("https://court.example/news/incident"))
    );
    assert!(out.state.is_approved("holding-statement", 1));
    assert_eq!(out.status("holding-statement"), StepStatus::Done);
}

// --- resuming a journal ---------------------------------------------------

/// A runner over a journal `JournalBuilder` wrote, reopened as `resume`
/// reopens it: a second session of the same responder.
struct Resumed {
    app: App,
    file: runsheet::journal::writer::JournalFile,
    clock: ManualTime,
    playbook: Playbook,
    before: usize,
    dir: tempfile::TempDir,
    path: std::path::PathBuf,
}

impl Resumed {
    fn open(j: support::JournalBuilder) -> Self {
        let clock = j.clock.clone();
        let (dir, path, resolved) = j.close();
        let opened = runsheet::journal::writer::JournalFile::open(&path).expect("reopen");
        assert!(opened.recoveries.is_empty(), "nothing torn");
        let who = Identity {
            actor: ACTOR.into(),
            session: "scenario-session-2".into(),
        };
        let app = App::new(
            resolved.playbook.clone(),
            &opened.lines,
            who,
            "incident.jsonl",
            Keymap::default(),
            clock.now(),
        );
        Self {
            app,
            file: opened.file,
            clock,
            playbook: resolved.playbook,
            before: opened.lines.len(),
            dir,
            path,
        }
    }

    /// Runs `script` on the resumed runner; `expect` as in [`Scenario`].
    fn play(self, script: Vec<Do>, expect: Vec<Kind>) -> Outcome {
        let journal = Written {
            path: &self.path,
            dir: self.dir.path(),
            before: self.before,
        };
        let scenario = Scenario {
            setup: Setup::Fixture,
            script,
            expect,
        };
        play(
            self.app,
            Box::new(self.file),
            &self.clock,
            &journal,
            self.playbook,
            &scenario,
        )
    }
}

/// The defect: the journal last named `notify-dpa` (a note on it), which
/// is hidden while personal data is not affected; resuming selected it,
/// so the list showed no cursor and Enter started a step nobody could
/// see. Resume now selects the next step to do, and Enter, pressed at
/// once, starts that one.
#[test]
fn on_resume_a_hidden_step_can_be_the_selected_one() {
    let mut j = support::JournalBuilder::new(support::fixture_playbook(), START, false);
    j.note(Some("notify-dpa"), "DPA desk reachable on Monday only");
    j.advance(1).set("personal_data", "no");
    let resumed = Resumed::open(j);
    assert_eq!(
        (resumed.app.selected.as_deref(), resumed.app.phase),
        (Some("confirm"), 0)
    );
    let listed: Vec<String> = (resumed.app.rows(resumed.app.phase).into_iter())
        .map(|r| r.id)
        .collect();
    assert!(listed.contains(&"confirm".to_string()), "{listed:?}");
    let out = resumed.play(vec![Do::Enter], vec![Kind::StepStarted]);
    assert_eq!(
        written(&out),
        [(
            Kind::StepStarted,
            Some("confirm".into()),
            serde_json::json!({})
        )]
    );
    assert_eq!(out.status("notify-dpa"), StepStatus::Open);
}

// --- drills --------------------------------------------------------------

#[test]
fn a_drill_delivers_timed_injects_as_the_scenario_clock_runs() {
    use Do::{Key, Tick, Wait};
    let out = run(&Scenario {
        setup: Setup::FixtureDrill,
        script: vec![Key(' '), Wait(minutes(31)), Tick, Wait(minutes(10)), Tick],
        expect: vec![
            Kind::DrillControl,
            Kind::InjectDelivered,
            Kind::InjectDelivered,
        ],
    });
    assert_eq!(
        out.delivered(),
        [("s01-kickoff", "at"), ("s02-manager-call", "at")],
        "T+45m has not come"
    );
    let start = &out.state.drill_controls[0].data;
    assert_eq!((start.action, start.scenario_ms), (DrillAction::Start, 0));
    assert_eq!(out.state.injects[1].at.scenario_ms, Some(31 * 60_000));
    assert!(out.state.is_exercise());
    assert!(out.appended.iter().all(|l| l.entry.scenario_ms.is_some()));
}

/// `+` at the fastest speed writes nothing: an entry is forever, and one
/// that changes nothing is noise in the record (x1 → x60 takes five).
#[test]
fn faster_at_the_fastest_speed_writes_no_entry() {
    use Do::Key;
    let out = run(&Scenario {
        setup: Setup::FixtureDrill,
        script: vec![
            Key(' '),
            Key('+'),
            Key('+'),
            Key('+'),
            Key('+'),
            Key('+'),
            Key('+'),
            Key('+'),
        ],
        // Starting delivers the T+0 inject.
        expect: [Kind::DrillControl, Kind::InjectDelivered]
            .into_iter()
            .chain([Kind::DrillControl; 5])
            .collect(),
    });
    let speeds: Vec<u32> = out
        .state
        .drill_controls
        .iter()
        .map(|c| c.data.speed)
        .collect();
    assert_eq!(speeds, [1, 2, 5, 10, 30, 60]);
}

#[test]
fn an_after_inject_fires_once_its_step_is_done() {
    use Do::{Key, Select, Tick, Wait};
    let out = run(&Scenario {
        setup: Setup::FixtureDrill,
        // The second `x`, once the question could be read, confirms
        // "checklist items unticked — done anyway".
        script: vec![
            Key(' '),
            Select("confirm"),
            Tick,
            Key('x'),
            Wait(Duration::seconds(1)),
            Key('x'),
            Tick,
        ],
        expect: vec![
            Kind::DrillControl,
            Kind::InjectDelivered,
            Kind::StepDone,
            Kind::InjectDelivered,
        ],
    });
    assert_eq!(out.delivered()[1], ("s03-after-confirm", "after"));
    assert!(out.entry(Kind::InjectDelivered, 1).entry.seq > out.entry(Kind::StepDone, 0).entry.seq);
}

#[test]
fn a_when_inject_fires_once_its_fact_is_set() {
    use Do::{Enter, Esc, Key, Select, Tab, Tick};
    let out = run(&Scenario {
        setup: Setup::FixtureDrill,
        script: vec![
            Key(' '),
            Tick,
            Select("rate"),
            Key('a'),
            Tab,
            Tab,
            Key('1'),
            Enter,
            Esc,
            Tick,
        ],
        expect: vec![
            Kind::DrillControl,
            Kind::InjectDelivered,
            Kind::FactSet,
            Kind::InjectDelivered,
        ],
    });
    assert_eq!(
        out.state.fact("personal_data"),
        Some(&FactValue::Bool(true))
    );
    assert_eq!(out.delivered()[1], ("s04-personal-data", "when"));
}

#[test]
fn a_held_inject_does_not_fire_until_released() {
    use Do::{Key, Tick, Wait};
    let mut script = vec![Key(' ')];
    script.extend(std::iter::repeat_n(Key('j'), 5));
    script.extend([Key('h'), Wait(minutes(50)), Tick, Tick, Key('h')]);
    let out = run(&Scenario {
        setup: Setup::FixtureDrill,
        script,
        expect: vec![
            Kind::DrillControl,
            Kind::InjectDelivered,
            Kind::DrillControl,
            Kind::InjectDelivered,
            Kind::DrillControl,
            Kind::InjectDelivered,
        ],
    });
    assert_eq!(
        out.delivered(),
        [
            ("s01-kickoff", "at"),
            ("s02-manager-call", "at"),
            ("s06-journalist", "at"),
        ]
    );
    let actions: Vec<(DrillAction, Option<&str>)> = out
        .state
        .drill_controls
        .iter()
        .map(|c| (c.data.action, c.data.inject.as_deref()))
        .collect();
    assert_eq!(
        actions,
        [
            (DrillAction::Start, None),
            (DrillAction::Hold, Some("s06-journalist")),
            (DrillAction::Unhold, Some("s06-journalist")),
        ]
    );
    assert!(!out.state.is_held("s06-journalist"));
}

#[test]
fn a_reserve_inject_fires_only_when_released_by_hand() {
    use Do::{Key, Tick, Wait};
    let mut script = vec![Key(' '), Wait(Duration::hours(4)), Tick];
    script.extend(std::iter::repeat_n(Key('j'), 4));
    script.push(Key('r'));
    let out = run(&Scenario {
        setup: Setup::FixtureDrill,
        script,
        expect: vec![
            Kind::DrillControl,
            Kind::InjectDelivered,
            Kind::InjectDelivered,
            Kind::InjectDelivered,
            Kind::InjectDelivered,
        ],
    });
    assert_eq!(
        out.delivered(),
        [
            ("s01-kickoff", "at"),
            ("s02-manager-call", "at"),
            ("s06-journalist", "at"),
            ("s05-reserve", "manual"),
        ]
    );
}

#[test]
fn a_bundled_drill_jumps_to_its_next_timed_inject() {
    use Do::{Key, Tick, Wait};
    let out = run(&Scenario {
        setup: Setup::BundledDrill("intl-court-intrusion"),
        script: vec![Key(' '), Key('n'), Wait(minutes(25)), Tick],
        expect: vec![
            Kind::DrillControl,
            Kind::InjectDelivered,
            Kind::DrillControl,
            Kind::InjectDelivered,
            Kind::InjectDelivered,
        ],
    });
    assert_eq!(
        out.delivered(),
        [
            ("i01-soc-alert", "at"),
            ("i03-registrar-keep-cms-up", "at"),
            ("i04-host-csirt-call", "at"),
        ]
    );
    let jump = &out.state.drill_controls[1].data;
    assert_eq!(
        (jump.action, jump.scenario_ms),
        (DrillAction::Jump, 50 * 60_000)
    );
    let created = out.state.created.as_ref().expect("created");
    assert_eq!(
        created.drill.as_ref().map(|d| d.id.as_str()),
        Some("intl-court-intrusion")
    );
    assert_eq!(
        out.entry(Kind::InjectDelivered, 2).entry.scenario_ms,
        Some(75 * 60_000)
    );
}

// --- typing lands where it is meant: the exact entries on disk ---------------

/// The appended entries as (kind, step, data), to compare whole.
fn written(out: &Outcome) -> Vec<(Kind, Option<String>, serde_json::Value)> {
    out.appended
        .iter()
        .map(|l| {
            (
                l.entry.kind,
                l.entry.step.clone(),
                serde_json::Value::Object(l.entry.data.clone()),
            )
        })
        .collect()
}

#[test]
fn d1_type_example_corp_right_after_a_save() {
    use Do::{Enter, Key, Select, Type};
    let out = run(&Scenario {
        setup: Setup::Fixture,
        script: vec![
            Select("confirm"),
            Key('a'),
            Type("08:00"),
            Enter,
            Type("Example Corp"),
            Enter,
        ],
        expect: vec![Kind::FactSet, Kind::FactSet],
    });
    assert_eq!(
        written(&out),
        [
            (
                Kind::FactSet,
                Some("confirm".into()),
                serde_json::json!({"fact": "aware_at", "value": "2026-11-02T07:00:00Z"})
            ),
            (
                Kind::FactSet,
                Some("confirm".into()),
                serde_json::json!({"fact": "org", "value": "Example Corp"})
            ),
        ]
    );
}

#[test]
fn d1_m4_qx_inside_the_facts_dialog() {
    use Do::{Enter, Key, Select, Tab, Type};
    let out = run(&Scenario {
        setup: Setup::Fixture,
        script: vec![Select("confirm"), Key('a'), Tab, Type("qx quiet x"), Enter],
        expect: vec![Kind::FactSet],
    });
    assert_eq!(
        written(&out),
        [(
            Kind::FactSet,
            Some("confirm".into()),
            serde_json::json!({"fact": "org", "value": "qx quiet x"})
        )]
    );
    assert_eq!(
        out.status("confirm"),
        StepStatus::Open,
        "x marked nothing done"
    );
}

#[test]
fn d3a_tab_then_type_in_approve() {
    use Do::{Enter, Key, Select, Tab, Type};
    let out = run(&Scenario {
        setup: Setup::Fixture,
        script: with_basics(vec![
            Select("holding-statement"),
            Key('m'),
            Key('p'),
            Tab,
            Type("Registrar concurred by phone"),
            Enter,
        ]),
        expect: vec![
            Kind::FactSet,
            Kind::FactSet,
            Kind::MessageDrafted,
            Kind::Approval,
        ],
    });
    assert_eq!(
        written(&out)[3],
        (
            Kind::Approval,
            Some("holding-statement".into()),
            serde_json::json!({
                "version": 1,
                "approver": ACTOR,
                "role": "ic",
                "comment": "Registrar concurred by phone"
            })
        )
    );
}

#[test]
fn d3b_type_a_name_into_the_prefilled_assignee() {
    use Do::{Enter, Esc, Key, Select, Type};
    let out = run(&Scenario {
        setup: Setup::Fixture,
        script: vec![
            Select("confirm"),
            Key('o'),
            Type("Ana Ruiz"),
            Enter,
            Esc,
            Key('o'),
            // `ic` is held by Ana Ruiz now: her name is selected.
            Type("Dana Reyes"),
            Enter,
        ],
        expect: vec![Kind::RoleAssigned, Kind::RoleAssigned],
    });
    assert_eq!(
        written(&out),
        [
            (
                Kind::RoleAssigned,
                None,
                serde_json::json!({"role": "ic", "person": "Ana Ruiz"})
            ),
            (
                Kind::RoleAssigned,
                None,
                serde_json::json!({"role": "ic", "person": "Dana Reyes"})
            ),
        ]
    );
}

#[test]
fn d3c_ctrl_s_with_a_missing_rationale_then_keep_typing() {
    use Do::{Ctrl, Key, Select, Tab, Type};
    let out = run(&Scenario {
        setup: Setup::Fixture,
        script: vec![
            Select("scope"),
            Key('d'),
            Key('n'),
            Ctrl('s'),
            Type("Only system logs were in the share"),
            Tab,
            Type("Ana Ruiz"),
            Ctrl('s'),
        ],
        expect: vec![Kind::Decision],
    });
    assert_eq!(
        written(&out),
        [(
            Kind::Decision,
            Some("scope".into()),
            serde_json::json!({
                "fact": "personal_data",
                "value": false,
                "rationale": "Only system logs were in the share",
                "options": ["true", "false"],
                "decider": "Ana Ruiz"
            })
        )]
    );
}

#[test]
fn d9_submission_with_a_missing_recipient_then_keep_typing() {
    use Do::{Enter, Key, Press, Select, Tab, Type};
    let out = run(&Scenario {
        setup: Setup::Fixture,
        script: with_basics(vec![
            Select("final-report"),
            Key('x'),
            Tab,
            Press(KeyCode::Backspace),
            Press(KeyCode::BackTab),
            Enter,
            Type("in person via the protection unit"),
            Enter,
        ]),
        expect: vec![
            Kind::FactSet,
            Kind::FactSet,
            Kind::Submission,
            Kind::StepDone,
        ],
    });
    let submission = &out.entry(Kind::Submission, 0).entry.data;
    assert_eq!(
        (
            submission.get("channel"),
            submission.get("recipient"),
            submission.get("backdated_reason")
        ),
        (
            Some(&serde_json::json!("email")),
            Some(&serde_json::json!("in person via the protection unit")),
            None
        )
    );
}

/// A table copied from a spreadsheet: cells split by tabs, rows by CRLF.
const PASTED_TABLE: &str = "host\tip\tseen\r\nweb-01\t10.0.0.5\t08:12\r\n";

/// The defect: each tab of a pasted table became one space, so the note
/// recorded `host ip seen` and its columns could no longer be told from
/// spaces inside a cell. Pasted and saved at once (Ctrl-S right after the
/// paste), then typing straight on: the note keeps every tab, and the
/// type-ahead writes nothing more.
#[test]
fn a_tab_pasted_into_a_note_becomes_one_space() {
    use Do::{Ctrl, Enter, Key, Paste, Select, Type};
    let out = run(&Scenario {
        setup: Setup::Fixture,
        script: vec![
            Select("confirm"),
            Key('n'),
            Type("Hosts seen:"),
            Enter,
            Paste(PASTED_TABLE),
            Ctrl('s'),
            Type("qx"),
        ],
        expect: vec![Kind::Note],
    });
    assert_eq!(
        written(&out),
        [(
            Kind::Note,
            Some("confirm".into()),
            serde_json::json!({"text": "Hosts seen:\nhost\tip\tseen\nweb-01\t10.0.0.5\t08:12"})
        )]
    );
}

/// The same defect in a decision's rationale, a multi-line field too; the
/// decider's name, a one-line field, still turns a pasted tab into a space.
#[test]
fn a_tab_pasted_into_a_rationale_is_kept_and_one_in_a_name_is_a_space() {
    use Do::{Ctrl, Key, Paste, Select, Tab};
    let out = run(&Scenario {
        setup: Setup::Fixture,
        script: vec![
            Select("scope"),
            Key('d'),
            Key('n'),
            Tab,
            Paste("share\tfiles\tpersonal\nlogs\t1204\t0"),
            Tab,
            Paste("Ana\tRuiz"),
            Ctrl('s'),
        ],
        expect: vec![Kind::Decision],
    });
    assert_eq!(
        written(&out),
        [(
            Kind::Decision,
            Some("scope".into()),
            serde_json::json!({
                "fact": "personal_data",
                "value": false,
                "rationale": "share\tfiles\tpersonal\nlogs\t1204\t0",
                "options": ["true", "false"],
                "decider": "Ana Ruiz"
            })
        )]
    );
}

/// The screen row holding `needle`, trimmed (for asserting one whole line).
fn row_with<'s>(screen: &'s str, needle: &str) -> &'s str {
    screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no row with {needle:?} in:\n{screen}"))
        .trim()
}

/// DRILL-TIMEBOX-MIXES-CLOCKS: at x10 after a jump to T+00:50, a step
/// with a 30m timebox started at once showed "⚠ overdue by 21m" (the
/// scenario "now" minus its wall-clock start). Its start and timebox are
/// on the scenario clock: not overdue at start, nor when exactly 30
/// scenario minutes have passed, then overdue by the scenario minutes
/// past that.
#[test]
fn drill_timebox_mixes_clocks() {
    use Do::{Enter, Key, Screen, Select, Tick, Wait};
    let out = run(&Scenario {
        setup: Setup::BundledDrill("intl-court-intrusion"),
        script: vec![
            Key(' '),
            Key('+'),
            Key('+'),
            Key('+'),
            Key('n'),
            // Six wall seconds at x10: T+00:51.
            Wait(Duration::seconds(6)),
            Tick,
            Select("triage-confirm"),
            Enter,
            Screen,
            // Three wall minutes at x10: T+01:21, the timebox's end.
            Wait(minutes(3)),
            Tick,
            Screen,
            // One more: T+01:31, ten scenario minutes past it.
            Wait(minutes(1)),
            Tick,
            Screen,
        ],
        expect: vec![
            Kind::DrillControl,
            Kind::InjectDelivered,
            Kind::DrillControl,
            Kind::DrillControl,
            Kind::DrillControl,
            Kind::DrillControl,
            Kind::InjectDelivered,
            Kind::StepStarted,
            Kind::InjectDelivered,
        ],
    });
    let started = out.entry(Kind::StepStarted, 0);
    assert_eq!(started.entry.scenario_ms, Some(51 * 60_000));
    let [at_start, at_end, past] = out.screens.as_slice() else {
        panic!("three screens");
    };
    let header = "Scenario incident · scenario T+00:51 ▶ x10 · ⏱ since opened 51m · scenario time 09:51 CET     Dana Reyes · ✓ all saved";
    assert_eq!(row_with(at_start, "Scenario incident"), header);
    for screen in [at_start, at_end] {
        assert_eq!(
            row_with(screen, "since T+"),
            "│○ Detect, scope …  0/11 │┃▶! Confirm the activity and … 30m ic ┃│▶ in progress since T+00:51 by Dana Reyes · Incident │"
        );
        assert_eq!(
            row_with(screen, "timebox"),
            "│○ Contain while …  0/6  │┃○! Move the response to out… 1h ⋯ ic ┃│commander — unassigned · required · timebox 30m      │"
        );
        assert!(
            !screen.contains("overdue") && !screen.contains("⚠late"),
            "{screen}"
        );
    }
    assert!(at_end.contains("scenario T+01:21 ▶ x10"), "{at_end}");
    assert_eq!(
        row_with(past, "since T+"),
        "│○ Detect, scope …  0/11 │┃▶! Confirm the activity an… ⚠late ic ┃│▶ in progress since T+00:51 by Dana Reyes · Incident │"
    );
    assert_eq!(
        row_with(past, "timebox"),
        "│○ Contain while …  0/6  │┃○! Move the response to out… 1h ⋯ ic ┃│commander — unassigned · required · timebox 30m · ⚠  │"
    );
    assert_eq!(
        row_with(past, "overdue by"),
        "│○ Eradicate        0/3  │┃○! Stand up the crisis cell… 1h ⋯ ic ┃│overdue by 10m                                       │"
    );
}

/// NEXT-INJECT-BEFORE-START-NOOP: `n` before `space` journaled "scenario
/// clock: jump x1" to T+0 at each press, delivered nothing and said
/// nothing. Now it writes nothing and says how to start the clock.
#[test]
fn next_inject_before_start_noop() {
    use Do::{Key, Screen};
    let out = run(&Scenario {
        setup: Setup::BundledDrill("intl-court-intrusion"),
        script: vec![Key('n'), Key('n'), Screen],
        expect: vec![],
    });
    assert_eq!(
        out.notices,
        [
            "the scenario clock has not started: space starts it (then n jumps to the next inject)",
            "the scenario clock has not started: space starts it (then n jumps to the next inject)",
        ]
    );
    assert!(out.state.drill_controls.is_empty());
    let screen = &out.screens[0];
    assert!(
        row_with(screen, "Scenario incide").contains("scenario T+00:00 not started"),
        "{screen}"
    );
    assert_eq!(
        row_with(screen, "has not started"),
        "the scenario clock has not started: space starts it (then n jumps to the next inject)"
    );
}

/// NEXT-INJECT-BEFORE-START-NOOP, the report: a jump from T+00:02 read
/// "Drill clock moved at scenario time T+50m" in a row whose scenario
/// time is T+00:02. It names both ends now.
#[test]
fn next_inject_before_start_noop_aar_names_where_the_jump_was_from() {
    use Do::{Key, Tick, Wait};
    let out = run(&Scenario {
        setup: Setup::BundledDrill("intl-court-intrusion"),
        script: vec![Key(' '), Wait(minutes(2)), Tick, Key('n'), Tick],
        expect: vec![
            Kind::DrillControl,
            Kind::InjectDelivered,
            Kind::DrillControl,
            Kind::InjectDelivered,
        ],
    });
    let jump = out.entry(Kind::DrillControl, 1);
    assert_eq!(jump.entry.scenario_ms, Some(2 * 60_000));
    let (_, drill) = Setup::BundledDrill("intl-court-intrusion").load();
    let drill = drill.map(|(d, _)| d);
    let verified = verify(&out.bytes);
    let exercise =
        runsheet::export::aar::Exercise::new(&verified, &out.playbook, &out.state, drill.as_ref())
            .expect("an exercise");
    let report = runsheet::export::aar::render(runsheet::export::aar::Format::Markdown, &exercise);
    let rows: Vec<&str> = report
        .lines()
        .filter(|l| l.contains("Drill clock"))
        .collect();
    assert_eq!(
        rows,
        [
            "| #4 | T+00:02 | 2026-11-02 09:02 CET (08:02 UTC) | Dana Reyes | Drill clock moved from T+00:02 to T+50m (speed 1x) |",
            "| #4 | T+00:02 | 2026-11-02 08:02:00 UTC | 2026-11-02 09:02:00 CET | Dana Reyes | `drill_control` | Drill clock moved from T+00:02 to T+50m (speed 1x) |",
        ]
    );
}

/// A paste into the decision dialog while its options had the keys was
/// dropped without a word: open, paste the reasoning, Ctrl-S, and the
/// reasoning was gone. It lands in the rationale (which gets the keys)
/// and the dialog says so; Ctrl-S then asks only for the option.
#[test]
fn a_paste_on_the_decision_options_goes_to_the_rationale() {
    use Do::{Ctrl, Key, Paste, Screen, Select};
    let out = run(&Scenario {
        setup: Setup::Fixture,
        script: vec![
            Select("scope"),
            Key('d'),
            Paste("Only system logs were in the share"),
            Screen,
            Ctrl('s'),
            Screen,
            Key('n'),
            Ctrl('s'),
        ],
        expect: vec![Kind::Decision],
    });
    let [pasted, refused] = out.screens.as_slice() else {
        panic!("two screens");
    };
    assert_eq!(
        row_with(pasted, "Rationale (required)"),
        "│                     ║▶ Rationale (required):                                                   ║                     │"
    );
    assert_eq!(
        row_with(pasted, "Only system logs"),
        "│                     ║Only system logs were in the share                                        ║                     │"
    );
    assert_eq!(
        row_with(pasted, "pasted into"),
        "│                     ║✗ pasted into the Rationale (the options take keys: Shift-Tab goes back)  ║                     │"
    );
    // Ctrl-S with no option chosen records nothing (not the "Yes" under
    // the cursor) and keeps the pasted rationale.
    assert!(
        row_with(refused, "choose an option").contains("choose an option"),
        "{refused}"
    );
    assert!(
        refused.contains("Only system logs were in the share"),
        "{refused}"
    );
    assert_eq!(
        written(&out),
        [(
            Kind::Decision,
            Some("scope".into()),
            serde_json::json!({
                "fact": "personal_data",
                "value": false,
                "rationale": "Only system logs were in the share",
                "options": ["true", "false"],
                "decider": "Dana Reyes"
            })
        )]
    );
}

/// AAR-RATES-UNDELIVERED-INJECTS, the panel: with the clock never
/// started, `o` on an inject, P, Ctrl-S recorded a "Performed without
/// Challenges" for an inject nobody received. The dialog still opens
/// (the keys typed after `o` must not fall through to the runner, where
/// `1` ticks a checklist item) but says the inject has not been
/// delivered and records nothing, however the save is asked for.
#[test]
fn aar_rates_undelivered_injects_refused_in_the_panel() {
    use Do::{Ctrl, Enter, Key, Screen, Tab, Type};
    let out = run(&Scenario {
        setup: Setup::BundledDrill("hospital-ransomware"),
        script: vec![
            Key('j'),
            Key('o'),
            Key('1'),
            Ctrl('s'),
            Tab,
            Type("Team handled it"),
            Ctrl('s'),
            Screen,
            Enter,
        ],
        expect: vec![],
    });
    assert!(out.state.observations.is_empty());
    let screen = &out.screens[0];
    let shown = |needle: &str| {
        let row = row_with(screen, needle);
        row.split('║')
            .nth(1)
            .unwrap_or_default()
            .trim_end()
            .to_string()
    };
    assert_eq!(
        [
            shown("has not been delivered"),
            shown("releases it, w records")
        ],
        [
            "✗ inject i02 has not been delivered: nothing to rate yet (Esc; then r",
            "releases it, w records a hot-wash note)",
        ]
    );
}

/// MISLEADING-HINTS-IN-DRAFT: the message view sent a missing `role.ic`
/// to "`a` with the phases pane focused (every fact)", where `a` opened
/// only the selected step's facts and no role; in a drill every draft
/// told the facilitator to add the placeholder contact to contacts.yaml,
/// which an exercise never loads. A role is assigned with `o`; `a` with
/// the phases pane focused offers every fact; a drill has no such
/// warning.
#[test]
fn misleading_hints_in_draft() {
    use Do::{Ctrl, Esc, Key, Press, Screen, Select, Tab, Type, Wait};
    let out = run(&Scenario {
        setup: Setup::Fixture,
        script: vec![
            Select("scope"),
            Key('d'),
            Key('y'),
            Tab,
            Type("Payroll files were in the share"),
            Ctrl('s'),
            Wait(Duration::seconds(1)),
            Select("notify-dpa"),
            Key('m'),
            Screen,
            Esc,
            Select("confirm"),
            Press(KeyCode::BackTab),
            Key('a'),
            Screen,
            Esc,
        ],
        expect: vec![Kind::Decision],
    });
    let (draft, facts) = (&out.screens[0], &out.screens[1]);
    assert_eq!(
        [
            "⟦gaps⟧ not yet known:",
            "  org, aware_at:",
            "  records:",
            "  role.ic:"
        ]
        .map(|n| inside(row_with(draft, n))),
        [
            "⟦gaps⟧ not yet known: org, aware_at, records, role.ic",
            "  org, aware_at: `a` on “Confirm the incident”",
            "  records: `a` on “Decide whether personal data is affected”",
            "  role.ic: `o` (assign roles)",
        ]
    );
    // `a` with the phases pane focused offers every fact, not only the
    // selected step's (Confirm asks two).
    assert_eq!(
        [
            "When did we become aware?",
            "Organisation name",
            "Is personal data",
            "How many records?",
            "Which jurisdictions?",
            "Severity"
        ]
        .map(|n| inside(row_with(facts, n))),
        [
            "When did we become aware? —",
            "Organisation name —",
            "Is personal data affected? yes",
            "How many records? —",
            "Which jurisdictions? —",
            "Severity —",
        ]
    );
    let drill = run(&Scenario {
        setup: Setup::BundledDrill("intl-court-intrusion"),
        script: vec![
            Select("notify-host-csirt"),
            Key('m'),
            Screen,
            Key('s'),
            Screen,
        ],
        expect: vec![Kind::MessageDrafted],
    });
    let [draft, send] = drill.screens.as_slice() else {
        panic!("two screens");
    };
    for screen in [draft, send] {
        assert!(!screen.contains("contacts.yaml"), "{screen}");
        assert!(!screen.contains("placeholder contact"), "{screen}");
    }
    assert_eq!(
        inside(row_with(draft, "To: Host-country")),
        "To: Host-country national CSIRT / cyber security centre (replace with yours) played by the"
    );
    assert_eq!(
        inside(row_with(send, "Recipient")),
        "  Recipient               Host-country national CSIRT / cyber security centre"
    );
}

/// The text of a dialog row: between its double-ruled borders.
fn inside(row: &str) -> &str {
    row.split('║').nth(1).unwrap_or_default().trim_end()
}
