//! Screens that fit: panes taller than the terminal scroll and say so, at
//! 80x24 and 120x36, and the selection never sits on a row nobody can see.

mod support;

use chrono::Duration;
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use runsheet::app::input::{KeyCode, KeyEvent, KeyModifiers};
use runsheet::app::keymap::Keymap;
use runsheet::app::review::{Review, Tab};
use runsheet::app::{App, Effect, Msg, Pane};
use runsheet::drill::DrillState;
use runsheet::journal::Line;
use runsheet::journal::identity::Identity;
use runsheet::journal::verify::verify;
use runsheet::journal::writer::Ack;
use runsheet::ui::Theme;
use runsheet::ui::participant::ParticipantView;

use support::{JournalBuilder, utc};

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 36)];

fn draw(app: &App, width: u16, height: u16) -> String {
    support::screen(&support::draw_runner(app, width, height))
}

fn draw_review(review: &mut Review, width: u16, height: u16) -> String {
    support::draw_review(review, width, height)
}

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Sends a message and saves whatever it asked to write, and what those
/// acknowledgements asked to write in turn (a saved drill control delivers
/// the injects it made due).
fn send(app: &mut App, msg: Msg) {
    let now = app.now;
    let mut queue: std::collections::VecDeque<Effect> = app.update(msg, now).into();
    while let Some(effect) = queue.pop_front() {
        if let Effect::Append { ticket, draft, .. } = effect {
            let seq = app.state().entry_count - app.pending().len() as u64;
            let entry = draft.into_entry(seq, String::new());
            let line = Line {
                text: entry.encode(),
                entry,
            };
            queue.extend(app.update(Msg::Ack(Ack::Saved { ticket, line }), now));
        }
    }
}

fn court_drill() -> runsheet::playbook::Drill {
    let catalog = runsheet::catalog::Catalog::bundled(utc("2026-11-28T00:00:00Z").date_naive());
    catalog
        .drill("intl-court-intrusion")
        .expect("bundled drill")
        .drill
        .clone()
}

/// A facilitator 45 scenario minutes into the court drill, panel focused.
fn facilitator() -> (JournalBuilder, App) {
    let mut j = JournalBuilder::new(
        support::bundled_playbook("state-actor-intrusion"),
        "2026-11-02T08:00:00Z",
        true,
    );
    j.advance(1);
    let mut app = App::new(
        j.resolved.playbook.clone(),
        &j.lines,
        Identity {
            actor: "Nora Lind".into(),
            session: "session-2".into(),
        },
        "drill.jsonl",
        Keymap::default(),
        j.now(),
    );
    app.drill = Some(DrillState::new(court_drill(), app.state()));
    app.focus = Pane::Drill;
    send(&mut app, key(KeyCode::Char(' ')));
    app.now += Duration::minutes(45);
    send(&mut app, Msg::Tick);
    (j, app)
}

#[test]
fn m3_selection_never_moves_onto_an_inject_the_facilitator_cannot_see() {
    for (w, h) in SIZES {
        let (_j, mut app) = facilitator();
        for _ in 0..12 {
            send(&mut app, key(KeyCode::Char('j')));
        }
        let drill = app.drill.as_ref().expect("drill");
        let selected = drill.drill.injects[drill.selected].id.clone();
        assert_eq!(selected, "i13-older-implant");
        let text = draw(&app, w, h);
        assert!(
            text.contains("○ i13-older-implant"),
            "{w}x{h}: the selected inject is on screen\n{text}"
        );
        assert!(
            text.contains("of 13 · j/k"),
            "{w}x{h}: list position\n{text}"
        );
        insta::assert_snapshot!(format!("facilitator_last_inject_{w}x{h}"), text);
    }
}

#[test]
fn m3_expected_outcome_and_notes_are_reachable_with_page_down() {
    for (w, h) in SIZES {
        let (_j, mut app) = facilitator();
        let first = draw(&app, w, h);
        assert!(first.contains("more lines · PgDn"), "{w}x{h}\n{first}");
        let mut seen_expect = false;
        let mut seen_notes = false;
        for _ in 0..20 {
            send(&mut app, key(KeyCode::PageDown));
            let text = draw(&app, w, h);
            seen_expect |= text.contains("Expect:");
            seen_notes |= text.contains("Notes:");
        }
        assert!(seen_expect && seen_notes, "{w}x{h}: expect and notes shown");
        let end = draw(&app, w, h);
        assert!(end.contains("lines above"), "{w}x{h}: end marker\n{end}");
        insta::assert_snapshot!(format!("facilitator_scrolled_{w}x{h}"), end);
        // Moving to another inject starts its text from the top.
        send(&mut app, key(KeyCode::Char('j')));
        assert_eq!(app.drill.as_ref().map(|d| d.detail_scroll), Some(0));
    }
}

#[test]
fn m1_inject_notes_keep_spaces_between_joined_lines() {
    let (_j, mut app) = facilitator();
    for _ in 0..20 {
        send(&mut app, key(KeyCode::PageDown));
    }
    let text = draw(&app, 120, 36);
    for glued in ["arrangement.-", "Rewardteams", "readied.-"] {
        assert!(!text.contains(glued), "glued words {glued}\n{text}");
    }
}

#[test]
fn m2_markdown_in_inject_text_is_rendered_not_shown_raw() {
    let (_j, app) = facilitator();
    let text = draw(&app, 120, 36);
    assert!(text.contains("06:40."), "{text}");
    assert!(!text.contains("**"), "raw emphasis on screen\n{text}");
}

/// The participant projector after the first inject, from the journal.
fn projector(j: &JournalBuilder, app: &App) -> Review {
    let mut lines = j.lines.clone();
    for t in app.tail.iter().skip(lines.len()) {
        lines.push(Line {
            text: t.entry.encode(),
            entry: t.entry.clone(),
        });
    }
    let mut review =
        support::review_of_lines(&j.resolved.playbook, "drill.jsonl", lines, true, app.now);
    review.drill = Some(court_drill());
    review
}

#[test]
fn m2_projector_shows_the_whole_inject_or_says_it_is_cut() {
    let (j, app) = facilitator();
    let review = projector(&j, &app);
    for (w, h) in SIZES {
        let mut terminal = Terminal::new(TestBackend::new(w, h)).expect("terminal");
        let theme = Theme::default();
        terminal
            .draw(|f| {
                f.render_widget(
                    ParticipantView {
                        review: &review,
                        theme: &theme,
                    },
                    f.area(),
                );
            })
            .expect("draw");
        let text = support::screen(terminal.backend().buffer());
        let whole = text.contains("destination?\"");
        let marked = text.contains("more line");
        assert!(whole || marked, "{w}x{h}\n{text}");
        if h >= 36 {
            assert!(whole, "the closing question fits at {w}x{h}\n{text}");
        }
        insta::assert_snapshot!(format!("projector_{w}x{h}"), text);
    }
}

fn reviewed() -> Review {
    let mut j = support::complete_incident(false);
    j.note(
        None,
        "Called the registrar.\nShe agreed to keep the CMS up.",
    );
    Review::new(
        j.resolved.playbook.clone(),
        "incident.jsonl",
        verify(&j.bytes()),
        false,
        j.now(),
    )
}

#[test]
fn m1_review_state_at_cursor_scrolls_to_every_fact_and_deadline() {
    for (w, h) in SIZES {
        let mut review = reviewed();
        review.cursor = 12;
        review.key(&KeyEvent::new(KeyCode::Char('2'), KeyModifiers::NONE));
        assert_eq!(review.tab, Tab::State);
        let first = draw_review(&mut review, w, h);
        assert!(first.contains("Deadlines then"), "{w}x{h}\n{first}");
        assert!(first.contains("Facts then"), "{w}x{h}\n{first}");
        insta::assert_snapshot!(format!("review_state_{w}x{h}"), first);
        let mut all = first.clone();
        for _ in 0..5 {
            review.key(&KeyEvent::new(KeyCode::PageDown, KeyModifiers::NONE));
            all.push_str(&draw_review(&mut review, w, h));
        }
        assert!(
            all.contains("Communicate publicly"),
            "{w}x{h}: last phase reached"
        );
        assert_eq!(review.cursor, 12, "scrolling does not move in time");
        review.key(&KeyEvent::new(KeyCode::Char(']'), KeyModifiers::NONE));
        assert_eq!(review.cursor, 13, "] moves in time");
    }
}

#[test]
fn m13_review_detail_is_readable_not_raw_json() {
    let mut review = reviewed();
    let text = draw_review(&mut review, 120, 36);
    assert!(text.contains("text: Called the registrar."), "{text}");
    assert!(text.contains("She agreed to keep the CMS up."), "{text}");
    assert!(!text.contains("{\"text\""), "{text}");
    assert!(!text.contains("\\n"), "{text}");
}

#[test]
fn d11_the_picker_shows_exercise_at_every_width() {
    use runsheet::app::picker::{JournalItem, Picker};
    use runsheet::ui::picker::PickerView;
    let picker = Picker::new(
        vec![JournalItem {
            path: "/data/journals/picker-test.jsonl".into(),
            title: "Picker test intrusion with a rather long title to cut".into(),
            playbook: "state-actor-intrusion".into(),
            last_activity: Some(utc("2026-11-29T01:44:00Z")),
            closed: 0,
            total: 32,
            exercise: true,
            problem: None,
        }],
        vec![],
        vec![],
    );
    for width in [60, 80, 120] {
        let mut terminal = Terminal::new(TestBackend::new(width, 24)).expect("terminal");
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
        let text = support::screen(buf);
        let row = text
            .lines()
            .position(|l| l.contains("Picker test"))
            .expect("the journal row");
        let line = text.lines().nth(row).unwrap_or_default();
        assert!(line.contains("EXERCISE"), "{width}: {line}");
        let x = u16::try_from(line.find("EXERCISE").unwrap_or(0)).unwrap_or(0);
        let y = u16::try_from(row).unwrap_or(0);
        assert_eq!(
            buf[(x, y)].style().bg,
            theme.exercise.bg,
            "{width}: the mark has the exercise colour"
        );
    }
}

#[test]
fn m11_scenario_time_stays_in_the_drill_header_and_help_in_the_footer() {
    let (_j, app) = facilitator();
    for (w, h) in SIZES {
        let text = draw(&app, w, h);
        let header = text.lines().nth(1).unwrap_or_default();
        assert!(header.contains("scenario T+00:45"), "{w}x{h}: {header}");
        assert!(header.contains("Nora Lind"), "{w}x{h}: {header}");
        let footer = text.lines().last().unwrap_or_default();
        assert!(footer.contains("? help"), "{w}x{h}: {footer}");
        assert!(footer.contains("q quit"), "{w}x{h}: {footer}");
    }
}

#[test]
fn m8_next_inject_skips_held_ones() {
    let (_j, mut app) = facilitator();
    // i03 (T+00:50) is the next timed inject; hold it.
    send(&mut app, key(KeyCode::Char('j')));
    send(&mut app, key(KeyCode::Char('j')));
    let drill = app.drill.as_ref().expect("drill");
    assert_eq!(
        drill.drill.injects[drill.selected].id,
        "i03-registrar-keep-cms-up"
    );
    send(&mut app, key(KeyCode::Char('h')));
    assert!(app.state().is_held("i03-registrar-keep-cms-up"));
    let drill = app.drill.as_ref().expect("drill");
    let next = drill.next_timed(app.state()).map(|(i, _)| i.id.clone());
    assert_eq!(next.as_deref(), Some("i04-host-csirt-call"));
}

/// An observation on an inject shows what the team is expected to do as
/// the panel does, one item of its Markdown list a line: run together
/// (`…decided.- Memory and EDR triage…`) it read as one garbled sentence.
#[test]
fn an_observation_shows_the_expected_response_as_a_list() {
    let (_j, mut app) = facilitator();
    let inject = court_drill().injects[0].id.clone();
    app.mode = runsheet::app::Mode::Observe(runsheet::app::ObserveDialog::evaluation(&inject));
    let screen = draw(&app, 120, 40);
    assert_eq!(inject, "i01-soc-alert");
    for item in ["• IC confirms the incident", "• No immediate block"] {
        assert!(screen.lines().any(|l| l.contains(item)), "{item}: {screen}");
    }
    assert!(!screen.contains("decided.-"), "{screen}");
    assert!(!screen.contains("- **No immediate block**"), "{screen}");
}
