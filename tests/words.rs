//! The runner speaks the responder's words: where a step or a deadline does
//! not apply, or a step normally follows another, the screen names the
//! questions and titles, never a fact id or a raw `when:` expression.

mod support;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use runsheet::app::input::{KeyCode, KeyEvent, KeyModifiers};

use runsheet::app::{App, Msg};

use runsheet::ui::Theme;
use support::{JournalBuilder, fixture_playbook};

fn app_for(j: &JournalBuilder) -> App {
    support::runner_app(j)
}

fn press(app: &mut App, code: KeyCode) {
    let now = app.now;
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)), now);
}

fn draw(app: &App, width: u16, height: u16) -> String {
    support::screen(&support::draw_runner(app, width, height))
}

/// No personal data: the DPA step and the breach clock do not apply.
fn no_personal_data() -> JournalBuilder {
    let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    j.set("aware_at", "2026-11-02T07:45:00Z")
        .set("personal_data", "no")
        .set("jurisdictions", "eu");
    j
}

/// The step detail pane of the DPA step, which does not apply and meets
/// a clock that does not apply either.
fn dpa_step_screen() -> String {
    let j = no_personal_data();
    let mut app = app_for(&j);
    app.show_hidden = true;
    app.phase = 2;
    app.select_step("notify-dpa");
    draw(&app, 160, 40)
}

#[test]
fn d18_a_step_that_does_not_apply_says_why_in_answers_not_an_expression() {
    let text = dpa_step_screen();
    assert!(
        text.contains("◌ hidden: does not apply given: Is personal data affected? no"),
        "{text}"
    );
    assert!(!text.contains("personal_data"), "{text}");
    insta::assert_snapshot!("d18_step_and_clock_do_not_apply", text);
}

#[test]
fn d18_a_clock_that_does_not_apply_says_why_in_answers_not_an_expression() {
    let text = dpa_step_screen();
    assert!(
        text.contains("breach-72h.notify: not applicable — the clock does not apply given: Is")
            && text.contains("personal data affected? no · Which jurisdictions? European Union"),
        "{text}"
    );
    assert!(!text.contains("clock condition is false"), "{text}");
}

#[test]
fn d18_the_start_question_and_the_follows_note_name_titles_and_questions() {
    let j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    let mut app = app_for(&j);
    app.select_step("scope");
    press(&mut app, KeyCode::Enter);
    let notices: Vec<&str> = app.notices.iter().map(|n| n.text.as_str()).collect();
    assert!(
        notices
            .iter()
            .any(|n| n.contains("normally follows “Confirm the incident”")),
        "{notices:?}"
    );

    let mut app = app_for(&j);
    app.show_hidden = true;
    app.phase = 2;
    app.select_step("notify-dpa");
    press(&mut app, KeyCode::Enter);
    let question = app
        .notices
        .last()
        .map(|n| n.text.clone())
        .unwrap_or_default();
    assert!(
        question.ends_with("waiting for the answer to: Is personal data affected?"),
        "{question}"
    );
    assert!(!question.contains("personal_data"), "{question}");
}

#[test]
fn d21_the_help_wraps_its_legend_names_the_config_file_and_lists_the_view_keys() {
    let j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    let mut app = app_for(&j);
    app.config_path = "/srv/runsheet-config/config.toml".into();
    press(&mut app, KeyCode::Char('?'));
    let text = draw(&app, 80, 90);
    assert!(text.contains("waits for another step"), "{text}");
    assert!(text.contains("/srv/runsheet-config/config.toml"), "{text}");
    assert!(!text.contains("~/.config"), "{text}");
    for heading in ["Search (/)", "Deadline clocks (c)", "Message view (m)"] {
        assert!(text.contains(heading), "{heading}: {text}");
    }
    assert!(text.contains("scroll down a page"), "{text}");
}

#[test]
fn d21_the_picker_form_shows_a_long_playbook_title_whole() {
    use runsheet::app::picker::{Picker, PlaybookItem};
    use runsheet::ui::picker::PickerView;

    let title = "Targeted intrusion at an international organisation (suspected state actor)";
    let mut picker = Picker::new(
        Vec::new(),
        vec![PlaybookItem {
            id: "state-actor-intrusion".into(),
            version: "1.0.0".into(),
            title: title.into(),
            summary: "A long title".into(),
            tags: Vec::new(),
            local: false,
        }],
        Vec::new(),
    );
    picker.key(&KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE));
    assert!(picker.form.is_some(), "Enter opens the form");
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    let theme = Theme::default();
    terminal
        .draw(|f| {
            f.render_widget(
                PickerView {
                    picker: &picker,
                    theme: &theme,
                },
                f.area(),
            );
        })
        .expect("draw");
    let buf = terminal.backend().buffer();
    let rows: Vec<String> = (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol().to_string())
                .collect::<String>()
        })
        .collect();
    let form = rows
        .iter()
        .position(|r| r.contains("Start a new incident"))
        .expect("form");
    let body: String = rows[form..]
        .iter()
        .map(|r| {
            r.trim_matches(|c: char| c == '║' || c.is_whitespace())
                .to_string()
                + " "
        })
        .collect();
    let body = body.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(body.contains(&format!("Playbook: {title}")), "{body}");
}

/// `runsheet <args…>` with a fixed clock and an empty configuration.
fn cli(args: &[&str]) -> std::process::Output {
    let config = tempfile::tempdir().expect("config");
    std::process::Command::new(env!("CARGO_BIN_EXE_runsheet"))
        .args(args)
        .current_dir(support::fixture(""))
        .env("RUNSHEET_CONFIG_DIR", config.path())
        .env("RUNSHEET_NOW", "2026-11-02T09:00:00Z")
        .output()
        .expect("run runsheet")
}

/// `runsheet <args…> <journal>`, which must succeed, as text.
fn cli_on(journal: &std::path::Path, args: &[&str]) -> String {
    let mut all = args.to_vec();
    all.push(journal.to_str().expect("utf-8"));
    let out = cli(&all);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn d18_status_and_the_exports_say_why_a_clock_does_not_apply_in_answers() {
    let (_dir, journal, _) = no_personal_data().close();
    for args in [
        &["status"][..],
        &["export", "--format", "md"],
        &["export", "--format", "json"],
    ] {
        let text = cli_on(&journal, args);
        assert!(
            text.contains("the clock does not apply given: Is personal data affected? no"),
            "{args:?}: {text}"
        );
        assert!(!text.contains("condition is false"), "{args:?}: {text}");
        assert!(!text.contains("personal_data and"), "{args:?}: {text}");
    }
}

#[test]
fn d18_the_clocks_view_folds_stages_under_their_titles_not_ids() {
    let j = no_personal_data();
    let mut app = app_for(&j);
    press(&mut app, KeyCode::Char('c'));
    let text = draw(&app, 120, 40);
    let folded = text
        .lines()
        .skip_while(|l| !l.contains("more do not apply or are not in force"))
        .take(3)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(!folded.is_empty(), "{text}");
    assert!(!folded.contains("breach-72h."), "{folded}");
    assert!(
        text.contains("waiting for the “Notification” submission"),
        "a stage waits for another in its title: {text}"
    );
    insta::assert_snapshot!("d18_clocks_view_folded_titles", text);
}

#[test]
fn d18_the_saved_notice_names_the_fact_question() {
    let j = no_personal_data();
    let mut app = app_for(&j);
    app.select_step("scope");
    press(&mut app, KeyCode::Char('a'));
    press(&mut app, KeyCode::Tab);
    for c in "1200".chars() {
        press(&mut app, KeyCode::Char(c));
    }
    press(&mut app, KeyCode::Enter);
    let text = draw(&app, 100, 30);
    assert!(text.contains("saving: How many records? 1200"), "{text}");
    assert!(!text.contains("records ="), "{text}");
}

#[test]
fn d21_set_takes_an_iso_time_without_an_offset_as_a_local_time() {
    let (_dir, journal, _) =
        JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false).close();
    let path = journal.to_str().expect("utf-8");
    for (typed, stored) in [
        ("2026-11-02T07:30:00", "2026-11-02T06:30:00Z"),
        ("2026-11-02 07:40:00", "2026-11-02T06:40:00Z"),
        ("2026-11-02T07:50:00.5", "2026-11-02T06:50:00Z"),
    ] {
        let out = cli(&[
            "set",
            path,
            &format!("aware_at={typed}"),
            "--as",
            "Dana Reyes",
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{typed}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = std::fs::read_to_string(&journal).expect("journal");
        let set = text
            .lines()
            .rfind(|l| l.contains("\"fact_set\""))
            .unwrap_or_default();
        assert!(set.contains(stored), "{typed}: {set}");
    }
    let out = cli(&[
        "set",
        path,
        "aware_at=28/11/2026 15:00",
        "--as",
        "Dana Reyes",
    ]);
    let refusal = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{refusal}");
    assert!(refusal.contains("`2026-11-28T14:05:00`"), "{refusal}");
}

#[test]
fn d21_every_command_line_argument_has_a_description() {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
        for arg in cmd.get_arguments() {
            let id = arg.get_id().as_str();
            if id != "help" && id != "version" && arg.get_help().is_none() {
                missing.push(format!("{path} {id}"));
            }
        }
        for sub in cmd.get_subcommands() {
            walk(sub, &format!("{path} {}", sub.get_name()), missing);
        }
    }
    let mut missing = Vec::new();
    walk(&runsheet::cli::Cli::command(), "runsheet", &mut missing);
    assert!(missing.is_empty(), "no description: {missing:#?}");
}

#[test]
fn d21_a_mistyped_playbook_or_subcommand_gets_a_did_you_mean() {
    let dir = tempfile::tempdir().expect("dir");
    let journal = dir.path().join("j.jsonl");
    let journal = journal.to_str().expect("utf-8");
    for (typed, meant) in [
        ("state-actor-intrustion", "`state-actor-intrusion`"),
        ("ransomware", "`ransomware-extortion`"),
    ] {
        let out = cli(&["new", typed, "--journal", journal]);
        let error = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{error}");
        assert!(error.contains(&format!("did you mean {meant}?")), "{error}");
    }
    for (args, meant) in [(&["rnu"][..], "'run'"), (&["case", "stpe"], "'step'")] {
        let out = cli(args);
        let error = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{error}");
        assert!(
            error.contains(&format!("a similar subcommand exists: {meant}")),
            "{args:?}: {error}"
        );
    }
}

#[test]
fn d21_a_filled_in_statement_is_not_broken_mid_sentence() {
    let mut j = JournalBuilder::new(
        support::bundled_playbook("state-actor-intrusion"),
        "2026-11-02T08:00:00Z",
        false,
    );
    j.set("org", "the International Court of Examples");
    let mut app = app_for(&j);
    app.show_hidden = true;
    app.select_step("holding-statement");
    press(&mut app, KeyCode::Char('m'));
    // The dialog wraps at its own width: the author's break after "is"
    // is gone, so "is responding" shares a line.
    let text = draw(&app, 140, 40);
    assert!(
        text.contains("systems and is responding to it with the support of external specialists."),
        "{text}"
    );
    assert!(text.contains("is our first priority."), "{text}");
    insta::assert_snapshot!("d21_statement_reflowed", draw(&app, 100, 34));
}
