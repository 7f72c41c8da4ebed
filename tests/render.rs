//! Render snapshots of every screen at 80x24 (and a tiny terminal), plus
//! explicit style checks where colour carries meaning. Snapshots are
//! reviewed by people; CI never writes them.

mod support;

use chrono::Duration;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::Color;
use runsheet::app::input::{KeyCode, KeyEvent, KeyModifiers};
use runsheet::app::keymap::Keymap;
use runsheet::app::picker::{DrillItem, JournalItem, Picker, PlaybookItem};
use runsheet::app::review::{Review, Tab};
use runsheet::app::{App, Effect, Msg};
use runsheet::drill::DrillState;
use runsheet::journal::Line;
use runsheet::journal::identity::Identity;
use runsheet::journal::verify::verify;
use runsheet::journal::writer::Ack;
use runsheet::ui::Theme;
use runsheet::ui::participant::ParticipantView;
use runsheet::ui::picker::PickerView;

use runsheet::ui::{RunnerView, theme};
use support::{JournalBuilder, fixture_playbook, utc};

fn draw(app: &App, width: u16, height: u16) -> Buffer {
    support::draw_runner(app, width, height)
}

fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

fn code(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// An app over a builder's journal, at the builder's current time.
fn app_for(j: &JournalBuilder) -> App {
    App::new(
        j.resolved.playbook.clone(),
        &j.lines,
        Identity {
            actor: "Dana Reyes".into(),
            session: "session-2".into(),
        },
        "incident.jsonl",
        Keymap::default(),
        j.now(),
    )
}

/// Sends a message and acknowledges whatever it asked to write, and what
/// those acknowledgements asked to write in turn (a saved drill control
/// delivers the injects it made due).
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

/// A run in progress: facts known, a step started and overdue, one clock
/// running and one breached.
fn in_progress() -> App {
    let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    j.set("aware_at", "2026-11-02T07:45:00Z")
        .set("org", "Example Court")
        .set("jurisdictions", "eu")
        .decide(
            "scope",
            "personal_data",
            "yes",
            "Contact details in the share",
        )
        .start("confirm")
        .start("isolate")
        .advance(60 * 70);
    let mut app = app_for(&j);
    app.select_step("confirm");
    app
}

#[test]
fn main_screen_80x24() {
    insta::assert_snapshot!(support::screen(&draw(&in_progress(), 80, 24)));
}

#[test]
fn main_screen_wide_shows_phases_pane() {
    insta::assert_snapshot!(support::screen(&draw(&in_progress(), 130, 32)));
}

#[test]
fn too_small_notice() {
    let app = in_progress();
    let text = support::screen(&draw(&app, 30, 10));
    assert!(text.contains("Terminal too small"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn help_overlay() {
    let mut app = in_progress();
    send(&mut app, key('?'));
    insta::assert_snapshot!(support::screen(&draw(&app, 80, 24)));
}

/// The defect: the help said "Enter saves" in every dialog (a note's
/// Enter breaks the line; `Ctrl-S` saves) and left out `Ctrl-R`, which the
/// README lists.
#[test]
fn the_help_says_how_dialogs_save_and_lists_ctrl_r() {
    let mut app = in_progress();
    send(&mut app, key('?'));
    let text = support::screen(&draw(&app, 120, 80));
    assert!(text.contains("Ctrl-S where Enter breaks a line"), "{text}");
    assert!(!text.contains("Enter saves ·"), "{text}");
    assert!(
        text.contains("Ctrl-R          after a failed write: write the entries not saved again"),
        "{text}"
    );
}

#[test]
fn decision_dialog() {
    let mut app = in_progress();
    app.select_step("rate");
    send(&mut app, key('d'));
    send(&mut app, key('2'));
    send(&mut app, code(KeyCode::Tab));
    for c in "Privileged account".chars() {
        send(&mut app, key(c));
    }
    insta::assert_snapshot!(support::screen(&draw(&app, 80, 24)));
}

#[test]
fn fact_input_with_time_preview() {
    let mut app = in_progress();
    app.select_step("confirm");
    send(&mut app, key('a'));
    for c in "09:30".chars() {
        send(&mut app, key(c));
    }
    let text = support::screen(&draw(&app, 80, 24));
    // `09:30` is today in the incident's zone (Europe/Amsterdam).
    assert!(
        text.contains("= 2026-11-05 09:30 CET (08:30 UTC)"),
        "{text}"
    );
    insta::assert_snapshot!(text);
}

#[test]
fn note_editor() {
    let mut app = in_progress();
    send(&mut app, key('n'));
    for c in "Registry server isolated.".chars() {
        send(&mut app, key(c));
    }
    send(&mut app, code(KeyCode::Enter));
    for c in "Vendor imaging next.".chars() {
        send(&mut app, key(c));
    }
    insta::assert_snapshot!(support::screen(&draw(&app, 80, 24)));
}

#[test]
fn message_draft_marks_gaps() {
    let mut app = in_progress();
    app.select_step("notify-csirt");
    send(&mut app, key('m'));
    let text = support::screen(&draw(&app, 80, 24));
    assert!(text.contains("⟦records?⟧"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn d19_the_gap_hint_names_the_step_that_answers_each_fact() {
    let mut app = in_progress();
    app.select_step("notify-csirt");
    send(&mut app, key('m'));
    let text = support::screen(&draw(&app, 100, 40));
    assert!(
        text.contains("records: `a` on “"),
        "the hint points to the step capturing `records`:\n{text}"
    );
    assert!(!text.contains("answer the facts with a"), "{text}");
}

#[test]
fn clocks_panel_and_detail() {
    let mut app = in_progress();
    send(&mut app, key('c'));
    insta::assert_snapshot!("clock_list", support::screen(&draw(&app, 100, 30)));
    send(&mut app, code(KeyCode::Enter));
    let detail = support::screen(&draw(&app, 100, 30));
    assert!(detail.contains("Not legal advice"), "{detail}");
    assert!(detail.contains("Verified on: 2026-11-01"), "{detail}");
    insta::assert_snapshot!("clock_detail", detail);
}

#[test]
fn picker_screen() {
    let picker = Picker::new(
        vec![JournalItem {
            path: "/data/journals/2026-11-02T0800Z-ransomware-extortion-1a2b3c.jsonl".into(),
            title: "Ransomware at the registry".into(),
            playbook: "ransomware-extortion".into(),
            last_activity: Some(utc("2026-11-02T09:10:00Z")),
            closed: 12,
            total: 40,
            exercise: false,
            problem: None,
        }],
        vec![
            PlaybookItem {
                id: "state-actor-intrusion".into(),
                version: "1.0.0".into(),
                title: "State-actor intrusion".into(),
                summary: "An international court detects anomalous activity".into(),
                tags: vec!["apt".into()],
                local: false,
            },
            PlaybookItem {
                id: "ddos".into(),
                version: "1.0.0".into(),
                title: "DDoS".into(),
                summary: "Public services flooded".into(),
                tags: vec!["availability".into()],
                local: false,
            },
        ],
        vec![DrillItem {
            id: "intl-court-intrusion".into(),
            title: "Intrusion at an international court".into(),
            playbook: "state-actor-intrusion".into(),
            injects: 13,
        }],
    );
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
    insta::assert_snapshot!(support::screen(terminal.backend().buffer()));
}

/// The first cell whose text starts a match of `needle`.
fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    let area = buf.area;
    for y in 0..area.height {
        let row: Vec<&str> = (0..area.width).map(|x| buf[(x, y)].symbol()).collect();
        let text: String = row.concat();
        if let Some(byte) = text.find(needle) {
            let col = text[..byte].chars().count();
            return Some((u16::try_from(col).unwrap_or(0), y));
        }
    }
    None
}

#[test]
fn colour_carries_meaning_with_glyphs_too() {
    let app = in_progress();
    let buf = draw(&app, 100, 30);
    // The breached 24 h early warning: red and spelled out.
    let (x, y) = find(&buf, "BREACHED").expect("breach shown in words");
    assert_eq!(buf[(x, y)].fg, Color::Red);
    // The overdue step: red and marked.
    let (x, y) = find(&buf, "⚠late").expect("overdue shown with a glyph");
    assert_eq!(buf[(x, y)].fg, Color::Red);
    // Saved status: green and with a tick.
    let (x, y) = find(&buf, "✓ all saved").expect("saved status");
    assert_eq!(buf[(x, y)].fg, Color::Green);
}

#[test]
fn exercise_band_is_red_and_says_exercise() {
    let j = support::complete_incident(true);
    let app = app_for(&j);
    let buf = draw(&app, 80, 24);
    let text = support::screen(&buf);
    assert!(
        text.lines().next().is_some_and(|l| l.contains("EXERCISE")),
        "{text}"
    );
    assert_eq!(buf[(0, 0)].bg, Color::Red);
}

#[test]
fn no_color_mono_theme_keeps_every_word() {
    let app = in_progress();
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    let mono = theme::Theme::mono();
    terminal
        .draw(|f| {
            f.render_widget(
                RunnerView {
                    app: &app,
                    theme: &mono,
                },
                f.area(),
            );
        })
        .expect("draw");
    let buf = terminal.backend().buffer();
    let coloured = draw(&app, 100, 30);
    assert_eq!(
        support::screen(buf),
        support::screen(&coloured),
        "mono shows the same text"
    );
    for y in 0..buf.area.height {
        for x in 0..buf.area.width {
            assert!(
                buf[(x, y)].fg == Color::Reset && buf[(x, y)].bg == Color::Reset,
                "no colour at {x},{y}"
            );
        }
    }
}

fn review_of(j: &JournalBuilder, bytes: &[u8]) -> Review {
    Review::new(
        j.resolved.playbook.clone(),
        "incident.jsonl",
        verify(bytes),
        false,
        j.now(),
    )
}

fn draw_review(review: &mut Review) -> String {
    support::draw_review(review, 100, 30)
}

#[test]
fn review_timeline_metrics_and_time_cursor() {
    let j = support::complete_incident(false);
    let mut review = review_of(&j, &j.bytes());
    insta::assert_snapshot!("review_timeline", draw_review(&mut review));
    review.tab = Tab::Metrics;
    insta::assert_snapshot!("review_metrics", draw_review(&mut review));
    review.tab = Tab::Timeline;
    review.cursor = 12;
    review.tab = Tab::State;
    let at = draw_review(&mut review);
    assert!(at.contains("As at entry #"), "{at}");
    insta::assert_snapshot!("review_time_cursor", at);
}

/// The complete incident's review with the entries `more` makes from its
/// last line appended, the cursor on the last, drawn.
fn review_drawn_with(more: impl FnOnce(&Line) -> Vec<runsheet::journal::Entry>) -> (String, Line) {
    let j = support::complete_incident(false);
    let mut lines = j.lines.clone();
    let last = lines.last().cloned().expect("entries");
    lines.extend(more(&last).into_iter().map(|entry| Line {
        text: entry.encode(),
        entry,
    }));
    let mut review = support::review_of_lines(
        &j.resolved.playbook,
        "incident.jsonl",
        lines,
        false,
        j.now(),
    );
    review.cursor = review.visible.len() - 1;
    (draw_review(&mut review), last)
}

#[test]
fn review_of_a_journal_past_entry_9999_keeps_seq_and_actor_apart() {
    let (screen, last) = review_drawn_with(|last| {
        (last.entry.seq + 1..=10_000)
            .map(|seq| runsheet::journal::Entry {
                seq,
                ..last.entry.clone()
            })
            .collect()
    });
    let actor = &last.entry.actor;
    assert!(screen.contains(&format!("#10000 {actor}")), "{screen}");
    assert!(screen.contains(&format!("#9999  {actor}")), "{screen}");
}

/// A team case names each writer `actor@host`: two people of one name on
/// two machines must show whole in the timeline, not cut to one name.
#[test]
fn review_actor_column_widens_to_show_actor_at_host_whole() {
    let actors = ["Ana Ruiz@laptop-7", "Ana Ruiz@laptop-9"];
    let (screen, _) = review_drawn_with(|last| {
        (last.entry.seq + 1..)
            .zip(actors)
            .map(|(seq, actor)| runsheet::journal::Entry {
                seq,
                actor: actor.to_string(),
                ..last.entry.clone()
            })
            .collect()
    });
    for actor in actors {
        assert!(screen.contains(&format!("{actor} ")), "{actor}: {screen}");
    }
}

/// The header's head hash never shows cut without a mark: a hash clipped
/// at the edge of an 80-column terminal reads, and copies, as whole.
#[test]
fn review_header_never_shows_a_head_hash_cut_without_an_ellipsis() {
    let j = support::complete_incident(false);
    let bytes = j.bytes();
    let mut review = review_of(&j, &bytes);
    let head = review.head_hash.clone().expect("a head");
    let screen = support::draw_review(&mut review, 80, 24);
    let header = screen
        .lines()
        .find(|l| l.contains("intact"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(!header.contains(&head), "the hash cannot fit: {header}");
    assert!(header.trim_end().ends_with('…'), "{header}");
    let wide = support::draw_review(&mut review, 160, 24);
    assert!(wide.contains(&head), "{wide}");
}

/// A duty whose regime may not apply (NIS2 before anyone answered whether
/// the organisation is an entity under it) reads "if it applies" in the
/// review's state at an entry, as in the runner and `status`: without it
/// the clock reads as a duty that is running.
#[test]
fn review_state_says_if_it_applies_of_a_provisional_duty() {
    let j = support::ransomware_scoped_to_the_eu();
    let bytes = j.bytes();
    let mut review = review_of(&j, &bytes);
    review.key(&KeyEvent::new(KeyCode::Char('2'), KeyModifiers::NONE));
    let screen = support::draw_review(&mut review, 200, 120);
    let nis2 = screen
        .lines()
        .find(|l| l.contains("nis2-art23.early-warning"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(
        nis2.contains("nis2-art23.early-warning: if it applies: "),
        "{nis2}"
    );
}

#[test]
fn review_metrics_from_the_looked_up_lines_match_every_line_decoded() {
    let mut j = support::complete_incident(false);
    support::publish_holding_statement(&mut j);
    let fact = j
        .lines
        .iter()
        .find(|l| l.entry.kind == runsheet::journal::Kind::FactSet)
        .map(|l| l.entry.clone())
        .expect("a fact set");
    let value = fact.data.get("value").cloned().expect("a value");
    j.advance(3).correct(
        fact.seq,
        "Time confirmed from the EDR console",
        value,
        Some(fact.ts),
    );
    let bytes = j.bytes();
    let mut review = review_of(&j, &bytes);
    let all = verify(&bytes);
    let state = runsheet::run::replay(&j.resolved.playbook, all.lines.iter().map(|l| &l.entry));
    let mut counts = runsheet::export::Counts::default();
    for line in &all.lines {
        counts.add(&line.entry);
    }
    let input = runsheet::export::Input::new(&all, &j.resolved.playbook, &state);
    let expected = runsheet::export::metrics_document(&input, counts);
    assert!(
        expected.sections.iter().any(|s| s.id == "decisions"),
        "{expected:?}"
    );
    assert_eq!(review.metrics(), &expected);
    // The review keeps what a streamed report keeps: the looked-up lines,
    // the entry the correction names among them.
    let scanned = runsheet::export::report::scan(
        &j.path,
        |_| Ok::<_, ()>(j.resolved.playbook.clone()),
        |p| p,
    )
    .expect("scanned");
    let seqs = |lines: &[Line]| lines.iter().map(|l| l.entry.seq).collect::<Vec<_>>();
    let (kept, counts) = review.lines.for_report();
    assert!(seqs(&kept).contains(&fact.seq), "{:?}", seqs(&kept));
    assert_eq!(seqs(&kept), seqs(&scanned.kept.lines));
    assert_eq!(counts, scanned.counts);
}

#[test]
fn review_state_at_the_last_entry_is_the_state_already_replayed() {
    let mut j = support::complete_incident(false);
    j.note(None, "Bridge call started");
    let bytes = j.bytes();
    let mut review = review_of(&j, &bytes);
    review.tab = Tab::State;
    review.cursor = review.visible.len() - 1;
    assert!(
        review.state.notes.is_empty(),
        "a review's state keeps no notes"
    );
    let shown = review.state_at_cursor().map(std::ptr::from_ref);
    assert_eq!(shown, Some(std::ptr::from_ref(&review.state)), "not a copy");
    // Earlier, a replay of the entries up to the cursor, without notes,
    // which the tab does not show (`review_time_cursor`, drawn from a full
    // replay when it was recorded, is unchanged).
    review.cursor = 12;
    let seq = review.selected().expect("selected").entry.seq;
    let lines = verify(&bytes).lines;
    let mut summary = runsheet::run::RunState::for_summary();
    for line in lines.iter().filter(|l| l.entry.seq <= seq) {
        summary.apply(&j.resolved.playbook, &line.entry);
    }
    assert_eq!(review.state_at_cursor(), Some(&summary));
}

#[test]
fn review_header_of_a_broken_journal() {
    let j = support::complete_incident(false);
    let mut bytes = j.bytes();
    let at = bytes.len() / 2;
    let at = at
        + bytes[at..]
            .iter()
            .position(|b| *b == b'"')
            .expect("a quote")
        + 2;
    bytes[at] ^= 0x01;
    let mut review = review_of(&j, &bytes);
    let text = draw_review(&mut review);
    assert!(text.contains("✗ BROKEN at line"), "{text}");
    assert!(text.contains("verification stops here"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn facilitator_panel_and_participant_view() {
    // The fixture scenario: its text changes only with the tests.
    let drill = support::fixture_drill();
    let mut j = JournalBuilder::new(support::fixture_playbook(), "2026-11-02T08:00:00Z", true);
    j.advance(1);
    let mut app = app_for(&j);
    app.drill = Some(DrillState::new(drill.clone(), app.state()));
    app.focus = runsheet::app::Pane::Drill;
    send(&mut app, key(' '));
    app.now += Duration::minutes(45);
    send(&mut app, Msg::Tick);
    let panel = support::screen(&draw(&app, 100, 30));
    assert!(panel.contains("Facilitator"), "{panel}");
    // DR4: the real-world codeword and the ground rules are always in view.
    assert!(
        panel.contains("Real-world emergency codeword: REAL WORLD"),
        "{panel}"
    );
    assert!(panel.contains("• Every outside party"), "{panel}");
    insta::assert_snapshot!("facilitator_panel", panel);

    // Participants see delivered injects' text only.
    let mut lines = j.lines.clone();
    for t in app.tail.iter().skip(lines.len()) {
        lines.push(Line {
            text: t.entry.encode(),
            entry: t.entry.clone(),
        });
    }
    let state = runsheet::run::replay(&j.resolved.playbook, lines.iter().map(|l| &l.entry));
    let mut review =
        support::review_of_lines(&j.resolved.playbook, "drill.jsonl", lines, true, app.now);
    review.drill = Some(drill.clone());
    assert!(!state.injects.is_empty(), "an inject fell due");
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
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
    let view = support::screen(terminal.backend().buffer());
    for inject in &drill.injects {
        if let Some(expect) = &inject.expect {
            let probe: String = expect.chars().take(30).collect();
            assert!(!view.contains(&probe), "expected outcome leaked: {probe}");
        }
        if let Some(notes) = &inject.notes {
            let probe: String = notes.chars().take(30).collect();
            assert!(!view.contains(&probe), "facilitator note leaked: {probe}");
        }
    }
    insta::assert_snapshot!("participant_view", view);
}

#[test]
fn d17_review_header_of_a_torn_journal_is_not_intact() {
    let j = support::complete_incident(false);
    let mut bytes = j.bytes();
    bytes.extend_from_slice(br#"{"v":1,"seq":99,"ts":"2026-11"#);
    let mut review = review_of(&j, &bytes);
    let text = draw_review(&mut review);
    assert!(!text.contains("intact"), "{text}");
    assert!(
        text.contains("✗ INCOMPLETE") && text.contains("29 bytes of an interrupted write"),
        "{text}"
    );
}

// --- every dialog --------------------------------------------------------

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        send(app, key(c));
    }
}

#[test]
fn reason_dialog() {
    let mut app = in_progress();
    send(&mut app, key('s'));
    typed(&mut app, "Vendor imaged the disks");
    insta::assert_snapshot!(support::screen(&draw(&app, 80, 24)));
}

#[test]
fn assign_dialog_replaces_the_holder_as_typed() {
    let mut app = in_progress();
    send(&mut app, key('o'));
    typed(&mut app, "Sam Okafor");
    insta::assert_snapshot!(support::screen(&draw(&app, 80, 24)));
}

#[test]
fn submit_dialog_says_where_the_cursor_went() {
    let mut app = in_progress();
    app.select_step("final-report");
    send(&mut app, key('x'));
    send(&mut app, code(KeyCode::Tab));
    send(&mut app, code(KeyCode::Backspace));
    send(&mut app, code(KeyCode::BackTab));
    send(&mut app, code(KeyCode::Enter));
    let text = support::screen(&draw(&app, 80, 24));
    assert!(text.contains("the cursor is now in Recipient"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn approve_dialog_starts_on_the_approver_selected() {
    let mut app = in_progress();
    app.select_step("holding-statement");
    send(&mut app, key('m'));
    send(&mut app, key('p'));
    insta::assert_snapshot!(support::screen(&draw(&app, 80, 24)));
}

#[test]
fn observe_dialog() {
    let mut app = in_progress();
    app.drill = None;
    app.mode = runsheet::app::Mode::Observe(runsheet::app::ObserveDialog::hot_wash());
    typed(&mut app, "s");
    send(&mut app, code(KeyCode::Tab));
    typed(&mut app, "Out-of-band channel worked");
    insta::assert_snapshot!(support::screen(&draw(&app, 80, 24)));
}

#[test]
fn search_dialog() {
    let mut app = in_progress();
    send(&mut app, key('/'));
    typed(&mut app, "isolate");
    insta::assert_snapshot!(support::screen(&draw(&app, 80, 24)));
}

#[test]
fn confirm_quit_dialog() {
    let mut app = in_progress();
    // A note written but not yet acknowledged: `q` asks first.
    let now = app.now;
    app.update(key('n'), now);
    for c in "call back".chars() {
        app.update(key(c), now);
    }
    app.update(
        Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
        now,
    );
    assert_eq!(app.pending().len(), 1);
    app.update(key('q'), now + chrono::Duration::seconds(2));
    assert!(matches!(app.mode, runsheet::app::Mode::ConfirmQuit));
    insta::assert_snapshot!(support::screen(&draw(&app, 80, 24)));
}

#[test]
fn edit_draft_dialog_asks_before_discarding() {
    let mut app = in_progress();
    app.select_step("early-warning");
    send(&mut app, key('m'));
    send(&mut app, key('e'));
    typed(&mut app, " Update.");
    send(&mut app, code(KeyCode::Esc));
    let text = support::screen(&draw(&app, 80, 24));
    assert!(text.contains("Esc again discards what you typed"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn facts_dialog_at_40x12_scrolls_and_says_there_is_more() {
    let mut app = in_progress();
    app.select_step("isolate");
    send(&mut app, key('a'));
    for _ in 0..5 {
        send(&mut app, code(KeyCode::Tab));
    }
    send(&mut app, key('z'));
    let text = support::screen(&draw(&app, 40, 12));
    assert!(text.contains("more"), "{text}");
    assert!(text.contains("▶"), "the focused field is in view: {text}");
    insta::assert_snapshot!(text);
}

/// The bundled court drill, as the catalog finds it on `today`.
fn court_drill(today: chrono::DateTime<chrono::Utc>) -> runsheet::playbook::Drill {
    runsheet::catalog::Catalog::bundled(today.date_naive())
        .drill("intl-court-intrusion")
        .expect("bundled drill")
        .drill
        .clone()
}

#[test]
fn m3_drill_help_lists_the_facilitator_keys() {
    let drill = court_drill(utc("2026-11-28T00:00:00Z"));
    let mut j = JournalBuilder::new(
        support::bundled_playbook("state-actor-intrusion"),
        "2026-11-02T08:00:00Z",
        true,
    );
    j.advance(1);
    let mut app = app_for(&j);
    app.drill = Some(DrillState::new(drill, app.state()));
    send(&mut app, key('?'));
    for _ in 0..30 {
        send(&mut app, code(KeyCode::Down));
    }
    let text = support::screen(&draw(&app, 100, 40));
    for line in [
        "Facilitator pane",
        "start, pause or resume the scenario clock",
        "record a hot-wash item",
        "`r`: reopen (steps) / release (facilitator pane)",
    ] {
        assert!(text.contains(line), "`{line}` missing:\n{text}");
    }
}

#[test]
fn m4_review_has_a_help_screen_from_its_key_table() {
    let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    j.set("org", "Example Court");
    let bytes = j.bytes();
    let mut review = review_of(&j, &bytes);
    let footer = draw_review(&mut review);
    assert!(
        footer.lines().any(|l| l.starts_with(" ? help · q quit")),
        "help and quit come first in the footer, so a cut keeps them:\n{footer}"
    );
    review.key(&KeyEvent::new(KeyCode::Char('?'), KeyModifiers::NONE));
    let text = draw_review(&mut review);
    for line in [
        "Review help",
        "filter by kind (cycles)",
        "follow the journal",
    ] {
        assert!(text.contains(line), "`{line}` missing:\n{text}");
    }
    review.key(&KeyEvent::new(KeyCode::Char('K'), KeyModifiers::NONE));
    assert!(!review.help, "any key closes the help");
    assert_eq!(
        review.filter.kind, None,
        "the closing key does nothing else"
    );
}

#[test]
fn d24_review_shows_consistency_warnings() {
    let mut j = support::complete_incident(false);
    j.advance(-600);
    j.note(None, "stamped before the entry above");
    let mut review = review_of(&j, &j.bytes());
    review.tab = Tab::Metrics;
    let mut found = false;
    for _ in 0..40 {
        let text = draw_review(&mut review);
        if text.contains("stamped earlier than the entry before") {
            found = true;
            break;
        }
        review.scroll = review.scroll.saturating_add(25);
    }
    assert!(found, "the warning is shown on the metrics tab");
}

#[test]
fn m10_esc_does_not_end_the_projection() {
    let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", true);
    j.set("org", "Example Court");
    let bytes = j.bytes();
    let mut review = review_of(&j, &bytes);
    let press =
        |r: &mut Review, c: KeyCode| r.participant_key(&KeyEvent::new(c, KeyModifiers::NONE));
    press(&mut review, KeyCode::Esc);
    assert!(!review.quit, "Esc is a stray key on a projector");
    press(&mut review, KeyCode::Char('q'));
    assert!(!review.quit && review.stop_armed, "q asks first");
    press(&mut review, KeyCode::Char('x'));
    assert!(!review.stop_armed, "any other key keeps projecting");
    press(&mut review, KeyCode::Char('q'));
    press(&mut review, KeyCode::Char('q'));
    assert!(review.quit, "q twice stops");
}

#[test]
fn d13_the_facts_dialog_says_saved_once_the_entry_is_on_disk() {
    let mut app = in_progress();
    app.select_step("scope");
    send(&mut app, key('a'));
    send(&mut app, code(KeyCode::Tab));
    // Not acknowledged yet: the entry is still on its way to the disk.
    let now = app.now;
    for c in "1200".chars() {
        app.update(key(c), now);
    }
    let effects = app.update(code(KeyCode::Enter), now);
    assert_eq!(effects.len(), 1, "{effects:?}");
    let saving = support::screen(&draw(&app, 100, 30));
    assert!(
        saving.contains("saving: How many records? 1200"),
        "{saving}"
    );
    // Acknowledged: the same line says saved, and a later error replaces it.
    if let Some(Effect::Append { ticket, draft, .. }) = effects.into_iter().next() {
        let entry = draft.into_entry(app.state().entry_count - 1, String::new());
        let line = Line {
            text: entry.encode(),
            entry,
        };
        app.update(Msg::Ack(Ack::Saved { ticket, line }), now);
    }
    let saved = support::screen(&draw(&app, 100, 30));
    assert!(saved.contains("✓ saved: How many records? 1200"), "{saved}");
    assert!(!saved.contains("saving:"), "{saved}");
}

#[test]
fn the_focused_pane_is_visible_at_80x24() {
    let mut app = in_progress();
    app.focus = runsheet::app::Pane::Phases;
    let text = support::screen(&draw(&app, 80, 24));
    assert!(
        text.contains("▶ phases (←→, Enter)"),
        "the strip that stands in for the Phases pane shows the focus:\n{text}"
    );
}

#[test]
fn d20_a_placeholder_contact_is_flagged_in_the_draft_and_the_recipient() {
    let mut app = in_progress();
    let csirt = app.playbook.contact("csirt").expect("csirt");
    assert!(csirt.is_placeholder(), "`+00` is no real country code");
    let dpa = app.playbook.contact("dpa").expect("dpa");
    assert!(!dpa.is_placeholder());
    app.select_step("notify-csirt");
    send(&mut app, key('m'));
    let draft = support::screen(&draw(&app, 120, 36));
    assert!(draft.contains("placeholder contact"), "{draft}");
    send(&mut app, key('s'));
    let dialog = support::screen(&draw(&app, 120, 36));
    assert!(dialog.contains("Record as sent"), "{dialog}");
    assert!(dialog.contains("placeholder contact"), "{dialog}");
}

#[test]
fn d15_review_shows_the_incident_closed_from_its_closed_entry() {
    use runsheet::journal::event::{Closed, Payload};
    let mut j = support::complete_incident(false);
    let before = j.lines.len();
    j.advance(30)
        .event(runsheet::journal::Event::new(Payload::Closed(Closed {
            reason: "contained".into(),
            open_steps: Vec::new(),
        })));
    let mut review = review_of(&j, &j.bytes());
    review.tab = Tab::State;
    review.cursor = before;
    let closed = draw_review(&mut review);
    assert!(closed.contains("CLOSED by"), "{closed}");
    assert!(closed.contains("contained"), "{closed}");
    review.cursor = before - 1;
    let open = draw_review(&mut review);
    assert!(
        !open.contains("CLOSED by"),
        "not closed before its entry:\n{open}"
    );
}

#[test]
fn detail_shows_a_command_and_a_note_of_several_lines_line_by_line() {
    let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    j.note(
        Some("isolate"),
        "Isolated the file server.\nImaging the hypervisor next.",
    );
    let mut app = app_for(&j);
    for phase in &mut app.playbook.phases {
        for step in phase.steps.iter_mut().filter(|s| s.id == "isolate") {
            step.command = Some("netstat -an\nGet-NetTCPConnection -State Listen".into());
        }
    }
    app.select_step("isolate");
    let screen = support::screen(&draw(&app, 120, 40));
    let row_of = |text: &str| {
        screen
            .lines()
            .position(|l| l.contains(text))
            .unwrap_or_else(|| panic!("{text} not shown: {screen}"))
    };
    assert_eq!(
        row_of("Get-NetTCPConnection -State Listen"),
        row_of("netstat -an") + 1,
        "{screen}"
    );
    assert_eq!(
        row_of("Imaging the hypervisor next."),
        row_of("Isolated the file server.") + 1,
        "{screen}"
    );
    assert!(!screen.contains("-anGet"), "{screen}");
}

/// The defect: the header's deadline strip and the clocks screen sorted
/// deadlines two ways (the strip put a capped "without undue delay" duty
/// among the running clocks by its cap, the screen after all of them), so
/// the first deadline named in one was not the first in the other. Both
/// now use one order.
#[test]
fn the_deadline_strip_and_the_clocks_screen_list_deadlines_in_one_order() {
    let mut j = support::ransomware_scoped_to_the_eu();
    j.set("personal_data", "yes")
        .set("nis2_entity", "yes")
        .set("significant_incident", "yes");
    let app = support::runner_app(&j);
    let name = |v: &runsheet::clocks::StageView<'_>| format!("{}.{}", v.clock.id, v.stage.id);
    let strip: Vec<String> = runsheet::ui::deadlines::live_clocks(&app)
        .iter()
        .map(name)
        .collect();
    let all = runsheet::clocks::evaluate(&app.playbook, app.state(), app.domain_now());
    let (screen, _) = runsheet::app::urgency::clocks_by_urgency(all);
    let screen: Vec<String> = screen
        .iter()
        .filter(|v| v.state.is_live())
        .map(name)
        .collect();
    assert!(strip.len() >= 3, "{strip:?}");
    assert_eq!(strip, screen);
}

/// An answer typed and left with Tab stays on screen under its question,
/// marked as not saved (the defect: it vanished, unsaved and unsaid).
#[test]
fn a_fact_answer_left_with_tab_shows_as_not_saved() {
    let mut app = in_progress();
    send(&mut app, key('a'));
    send(&mut app, code(KeyCode::Down));
    typed(&mut app, "Registry of the Court");
    send(&mut app, code(KeyCode::Tab));
    let screen = support::screen(&draw(&app, 100, 30));
    assert!(
        screen.contains("✎ not saved: Registry of the Court (Enter on it saves)"),
        "{screen}"
    );
}

/// A note keeps the tabs of a pasted table (see the scenario
/// `a_tab_pasted_into_a_note_becomes_one_space`); on screen each is drawn
/// as spaces to the next tab stop, in the editor and in the Details pane
/// once saved, so the columns still line up and no tab reaches the
/// terminal.
#[test]
fn a_tab_pasted_into_a_note_is_drawn_as_spaces_to_the_next_stop() {
    let mut app = in_progress();
    send(&mut app, key('n'));
    send(&mut app, Msg::Paste("host\tip\nweb-01\t10.0.0.5".into()));
    let editing = support::screen(&draw(&app, 100, 30));
    assert!(editing.contains("host    ip"), "{editing}");
    assert!(editing.contains("web-01  10.0.0.5"), "{editing}");
    send(
        &mut app,
        Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)),
    );
    assert_eq!(
        app.state().notes.last().map(|n| n.text.as_str()),
        Some("host\tip\nweb-01\t10.0.0.5"),
        "recorded with its tabs"
    );
    let saved = support::screen(&draw(&app, 120, 40));
    assert!(saved.contains("Dana Reyes: host    ip"), "{saved}");
    assert!(saved.contains("  web-01  10.0.0.5"), "{saved}");
}

/// The participant view of `review` at `width` x `height`.
fn draw_participant(review: &Review, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    let theme = Theme::default();
    terminal
        .draw(|f| {
            f.render_widget(
                ParticipantView {
                    review,
                    theme: &theme,
                },
                f.area(),
            );
        })
        .expect("draw");
    support::screen(terminal.backend().buffer())
}

/// The rows from " Earlier injects" to the first empty one, the left
/// column only (the right one holds deadlines and actions).
fn earlier_injects_rows(screen: &str, width: usize) -> Vec<String> {
    screen
        .lines()
        .skip_while(|l| !l.starts_with(" Earlier injects"))
        .map(|l| {
            l.chars()
                .take(width)
                .collect::<String>()
                .trim_end()
                .to_string()
        })
        .take_while(|l| !l.is_empty())
        .collect()
}

/// `review --follow` of the bundled court drill with its first `n`
/// injects delivered ten scenario minutes apart.
fn court_drill_follow(n: usize, now: chrono::DateTime<chrono::Utc>) -> Review {
    use runsheet::journal::event::{Event, InjectDelivered, Payload};
    let drill = court_drill(now);
    let mut j = JournalBuilder::new(
        support::bundled_playbook(&drill.playbook),
        "2026-11-02T08:00:00Z",
        true,
    );
    for (k, inject) in drill.injects.iter().take(n).enumerate() {
        j.scenario_ms = Some(u64::try_from(k).unwrap_or(0) * 600_000);
        j.event(Event::new(Payload::InjectDelivered(InjectDelivered {
            inject: inject.id.clone(),
            title: inject.title.clone(),
            trigger: "manual".into(),
        })));
    }
    let mut review = support::review_of_lines(
        &j.resolved.playbook,
        "drill.jsonl",
        j.lines.clone(),
        true,
        j.now(),
    );
    review.drill = Some(drill);
    review
}

/// FOLLOW-VIEW-DROPS-FIRST-INJECT: with eight injects delivered the
/// participant view listed six earlier ones, leaving out the T+00:00 one
/// with empty rows below and no sign of it. Every earlier inject that
/// fits is listed (a long title wraps), and a count names the rest.
#[test]
fn follow_view_drops_first_inject() {
    let review = court_drill_follow(8, utc("2026-11-02T08:00:00Z"));
    let all = [
        " Earlier injects",
        "  T+01:00 A witness's lawyer asks whether their client",
        "  is exposed",
        "  T+00:50 A leak channel posts a sample of case files",
        "  T+00:40 A wire-agency journalist asks for comment",
        "  T+00:30 The host-country cyber security centre calls",
        "  T+00:20 The Registrar asks you to keep the",
        "  case-management system up",
        "  T+00:10 A privileged account is active where it",
        "  should not be",
        "  T+00:00 SOC flags anomalous outbound traffic from a",
        "  Registry file server",
    ];
    for height in [40, 60] {
        let screen = draw_participant(&review, 120, height);
        assert_eq!(earlier_injects_rows(&screen, 54), all, "120x{height}");
    }
    // Twelve earlier injects do not all fit in 120x30: the newest that
    // do, then how many older ones are left out.
    let review = court_drill_follow(13, utc("2026-11-02T08:00:00Z"));
    let screen = draw_participant(&review, 120, 30);
    let rows = earlier_injects_rows(&screen, 54);
    assert_eq!(
        rows[..rows.len() - 1],
        [
            " Earlier injects",
            "  T+01:50 The leaked sample contains a forged document",
            "  T+01:40 A state party asks for a private briefing",
            "  T+01:30 Defence counsel file an urgent request",
            "  T+01:20 The actor is active on the case-management",
            "  database during the hearing",
            "  T+01:10 Hash comparison finds a tampered",
            "  closed-session transcript",
            "  T+01:00 A witness's lawyer asks whether their client",
            "  is exposed",
            "  + 6 older injects not shown",
        ]
    );
    assert!(
        rows[rows.len() - 1].contains("EXERCISE"),
        "the band follows"
    );
}
