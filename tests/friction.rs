//! Friction a responder under stress meets: `g` picks what is urgent and
//! says why, filters show that they are on, steps waiting on facts are
//! counted and explained, through `App::update` and the rendered screen.

mod support;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use runsheet::app::input::{KeyCode, KeyEvent, KeyModifiers};

use runsheet::app::{App, Effect, Msg};
use runsheet::journal::Line;

use runsheet::journal::writer::Ack;
use runsheet::ui::{RunnerView, Theme};
use support::{JournalBuilder, fixture_playbook};

fn app_for(j: &JournalBuilder) -> App {
    support::runner_app(j)
}

fn send(app: &mut App, c: char) {
    let now = app.now;
    let mut seq = app.state().entry_count;
    let msg = Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE));
    for effect in app.update(msg, now) {
        if let Effect::Append { ticket, draft, .. } = effect {
            let entry = draft.into_entry(seq, String::new());
            seq += 1;
            let line = Line {
                text: entry.encode(),
                entry,
            };
            app.update(Msg::Ack(Ack::Saved { ticket, line }), now);
        }
    }
}

fn draw(app: &App, width: u16, height: u16) -> String {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    let theme = Theme::default();
    terminal
        .draw(|f| f.render_widget(RunnerView { app, theme: &theme }, f.area()))
        .expect("draw");
    let buf = terminal.backend().buffer();
    let mut out = String::new();
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn last_notice(app: &App) -> String {
    app.notices
        .last()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

#[test]
fn friction1_g_prefers_a_running_deadline_and_says_why() {
    let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    j.set("aware_at", "2026-11-02T07:45:00Z")
        .set("jurisdictions", "eu")
        .decide("scope", "personal_data", "yes", "Contact details")
        .done("confirm")
        .advance(10);
    let mut app = app_for(&j);
    send(&mut app, 'g');
    // isolate (no timebox, no deadline) comes first in the list, but the
    // DPA notification has a running 72-hour clock.
    assert_eq!(app.selected.as_deref(), Some("notify-dpa"));
    let notice = last_notice(&app);
    assert!(notice.contains("deadline first"), "{notice}");
    assert!(notice.contains("Notify the authority"), "{notice}");
    assert!(notice.contains("left"), "{notice}");
}

#[test]
fn friction1_g_passes_over_steps_waiting_on_others() {
    let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    j.start("confirm").advance(5);
    let mut app = app_for(&j);
    app.select_step("isolate");
    send(&mut app, 'g');
    assert_eq!(app.selected.as_deref(), Some("confirm"));
    let notice = last_notice(&app);
    assert!(notice.contains("earliest timebox: 25m"), "{notice}");
}

/// The ransomware exercise just started, on its "Notify authorities" phase.
fn ransomware_at_notify() -> App {
    let j = JournalBuilder::new(
        support::bundled_playbook("ransomware-extortion"),
        "2026-11-02T08:00:00Z",
        true,
    );
    let mut app = app_for(&j);
    let notify = app
        .playbook
        .phases
        .iter()
        .position(|p| p.title.starts_with("Notify"))
        .expect("a notify phase");
    for _ in 0..notify {
        send(&mut app, ']');
    }
    app
}

#[test]
fn d5_a_phase_of_steps_waiting_on_facts_never_reads_zero_of_zero() {
    // Nothing answered: every notification step waits on scoping facts.
    let app = ransomware_at_notify();
    for (w, h) in [(80, 24), (120, 36)] {
        let text = draw(&app, w, h);
        assert!(!text.contains("0/0"), "{w}x{h}\n{text}");
        assert!(text.contains("steps waiting on facts"), "{w}x{h}\n{text}");
        assert!(text.contains("Answered"), "{w}x{h}\n{text}");
        insta::assert_snapshot!(format!("waiting_on_facts_{w}x{h}"), text);
    }
}

/// `◌` reads "does not apply": a phase (or a step) that only waits for an
/// answer may yet apply, and a responder must not read a phase of
/// notification duties as none.
#[test]
fn steps_awaiting_an_answer_are_marked_may_apply_never_does_not_apply() {
    let mut app = ransomware_at_notify();
    let text = draw(&app, 120, 36);
    let notify = text
        .lines()
        .find(|l| l.contains("Notify authori") && l.contains(" 29 ?"))
        .unwrap_or_else(|| panic!("the phase row marks its steps ?\n{text}"));
    assert!(!notify.contains('◌'), "{notify}");
    send(&mut app, 'H');
    let text = draw(&app, 120, 36);
    assert!(text.contains("? "), "hidden rows awaiting answers\n{text}");
    assert!(
        !text.contains("◌ "),
        "none of them reads as not applying\n{text}"
    );
}

#[test]
fn d5_show_hidden_selects_a_row_so_details_say_why() {
    let mut app = ransomware_at_notify();
    send(&mut app, 'H');
    let selected = app.selected.clone().expect("a hidden row is selected");
    let rows = app.rows(app.phase);
    assert!(rows.iter().any(|r| r.id == selected), "{selected}");
    let text = draw(&app, 120, 36);
    assert!(text.contains("waiting for"), "the why is shown\n{text}");
}

#[test]
fn d12_my_roles_filter_is_visible_and_details_follow_the_list() {
    let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    j.event(runsheet::journal::Event::new(
        runsheet::journal::event::Payload::RoleAssigned(runsheet::journal::event::RoleAssigned {
            role: "ic".into(),
            person: "Dana Reyes".into(),
        }),
    ));
    let mut app = app_for(&j);
    send(&mut app, ']');
    send(&mut app, ']');
    send(&mut app, ']');
    // The public statement is for comms; with the filter the list is empty
    // and no step stays in the Details pane.
    send(&mut app, 'f');
    assert!(app.mine_only);
    for (w, h) in [(80, 24), (120, 36)] {
        let text = draw(&app, w, h);
        assert!(text.contains("[mine only]"), "{w}x{h}\n{text}");
    }
    assert_eq!(app.selected, None);
}

#[test]
fn friction7_clocks_screen_sorts_by_urgency_and_folds_what_does_not_apply() {
    let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    j.set("aware_at", "2026-11-02T07:45:00Z")
        .set("jurisdictions", "eu")
        .decide("scope", "personal_data", "yes", "Contact details")
        .advance(60 * 30);
    let mut app = app_for(&j);
    send(&mut app, 'c');
    let text = draw(&app, 120, 36);
    let row = |needle: &str| text.lines().position(|l| l.contains(needle));
    let breached = row("BREACHED").expect("a breached clock");
    let running = row("left of the time").expect("a running clock");
    let waiting = row("waiting —").expect("a waiting clock");
    assert!(breached < running && running < waiting, "{text}");

    let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    j.set("aware_at", "2026-11-02T07:45:00Z")
        .set("jurisdictions", "eu")
        .decide("scope", "personal_data", "no", "Only service logs");
    let mut app = app_for(&j);
    send(&mut app, 'c');
    let text = draw(&app, 120, 36);
    assert!(
        text.contains("▸ 1 more do not apply or are not in force: Personal data breach notification (Notify the authority)"),
        "{text}"
    );
    assert!(!text.contains("not applicable —"), "folded away\n{text}");
}

#[test]
fn friction8_the_header_counts_from_awareness_and_says_so() {
    let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    j.advance(9);
    let app = app_for(&j);
    let text = draw(&app, 120, 36);
    assert!(text.contains("⏱ since opened 9m"), "{text}");
    j.set("aware_at", "2026-11-02T06:01:00Z");
    let app = app_for(&j);
    let text = draw(&app, 120, 36);
    assert!(text.contains("⏱ since aware 2h 08m"), "{text}");
}

#[test]
fn friction5_the_footer_always_keeps_help_and_narrow_lists_drop_the_role() {
    let j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    let app = app_for(&j);
    for width in [60, 80, 120] {
        let text = draw(&app, width, 24);
        let footer = text.lines().last().unwrap_or_default();
        assert!(footer.contains("? help"), "{width}: {footer}");
    }
    let narrow = draw(&app, 80, 24);
    let row = narrow
        .lines()
        .find(|l| l.contains("○! Confirm the incident"))
        .unwrap_or_default();
    assert!(!row.contains(" ic "), "no role column at 80: {row}");
    let wide = draw(&app, 130, 36);
    let row = wide
        .lines()
        .find(|l| l.contains("○! Confirm the incident"))
        .unwrap_or_default();
    assert!(row.contains(" ic"), "role column when wide: {row}");
}

#[test]
fn d4_copy_does_not_claim_what_it_cannot_confirm_and_names_the_file() {
    let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    j.set("aware_at", "2026-11-02T07:45:00Z")
        .set("org", "Example Court");
    let mut app = app_for(&j);
    app.journal_dir = Some("/srv/journals".into());
    app.select_step("early-warning");
    send(&mut app, 'm');
    send(&mut app, 'c');
    let notice = last_notice(&app);
    assert!(!notice.contains("copied"), "{notice}");
    assert!(
        notice.contains("sent to the terminal clipboard (OSC 52"),
        "{notice}"
    );
    assert!(
        notice.contains("also saved to /srv/journals/incident.early-warning.v1.txt"),
        "{notice}"
    );
}

#[test]
fn friction13_a_step_that_meets_a_running_deadline_shows_it_in_the_list() {
    let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    j.set("aware_at", "2026-11-02T07:45:00Z")
        .set("jurisdictions", "eu")
        .decide("scope", "personal_data", "yes", "Contact details")
        .advance(60 * 25);
    let mut app = app_for(&j);
    app.phase = 2;
    for (w, h) in [(80, 24), (120, 36)] {
        let text = draw(&app, w, h);
        // The early warning (24h from awareness) is breached; the DPA
        // notification (72h) is due Thursday 08:45 CET.
        let row = |needle: &str| {
            text.lines()
                .find(|l| l.contains(needle))
                .unwrap_or_default()
                .to_string()
        };
        assert!(row("Send the early").contains("⚑ late"), "{w}x{h}\n{text}");
        assert!(
            row("Notify the data").contains("⚑ Thu 08:45"),
            "{w}x{h}\n{text}"
        );
    }
}

#[test]
fn friction15_the_phases_pane_widens_to_show_whole_phase_names() {
    let j = JournalBuilder::new(
        support::bundled_playbook("state-actor-intrusion"),
        "2026-11-02T08:00:00Z",
        false,
    );
    let app = app_for(&j);
    let text = draw(&app, 200, 40);
    assert!(
        text.contains("○ Detect, scope and preserve evidence"),
        "{text}"
    );
    assert!(
        text.contains("○ Contain while judicial work continues"),
        "{text}"
    );
    let narrow = draw(&app, 120, 36);
    assert!(narrow.contains("╭ Phases ────────────────╮"), "{narrow}");
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    let now = app.now;
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)), now)
}

/// A second passes, as when a person reads a question before answering it.
fn read_the_question(app: &mut App) {
    app.now += chrono::Duration::seconds(1);
}

fn appends(effects: &[Effect]) -> usize {
    effects
        .iter()
        .filter(|e| matches!(e, Effect::Append { .. }))
        .count()
}

#[test]
fn friction2_done_on_a_required_step_with_unticked_items_asks_first() {
    let j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    let mut app = app_for(&j);
    app.select_step("confirm");
    assert_eq!(appends(&key(&mut app, KeyCode::Char('x'))), 0);
    let notice = last_notice(&app);
    assert!(notice.contains("checklist items unticked"), "{notice}");
    assert!(notice.contains("press x again"), "{notice}");
    // Any other key says no: the next x asks again.
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Up);
    assert_eq!(app.selected.as_deref(), Some("confirm"));
    assert_eq!(appends(&key(&mut app, KeyCode::Char('x'))), 0);
    // The same key again, once the question could be read, says yes.
    read_the_question(&mut app);
    assert_eq!(appends(&key(&mut app, KeyCode::Char('x'))), 1);
}

#[test]
fn friction14_starting_a_step_that_does_not_apply_asks_first() {
    let j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    let mut app = app_for(&j);
    app.show_hidden = true;
    app.phase = 2;
    app.select_step("notify-dpa");
    assert_eq!(appends(&key(&mut app, KeyCode::Enter)), 0);
    let notice = last_notice(&app);
    assert!(
        notice.contains("waiting for the answer to: Is personal data affected?"),
        "{notice}"
    );
    // What to press leads: a long question's end is what a narrow
    // status line cuts (it once cut "press Enter again" at 100 columns).
    assert!(
        notice.starts_with("press Enter again to start it anyway: waiting for"),
        "{notice}"
    );
    read_the_question(&mut app);
    assert_eq!(appends(&key(&mut app, KeyCode::Enter)), 1);
}

#[test]
fn d18_a_hidden_step_names_the_question_it_waits_for_not_the_fact_id() {
    let j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    let mut app = app_for(&j);
    app.show_hidden = true;
    app.phase = 2;
    app.select_step("notify-dpa");
    let text = draw(&app, 120, 36);
    assert!(
        text.contains("? hidden: waiting for the answer to: Is personal data"),
        "{text}"
    );
    assert!(!text.contains("waiting for: personal_data"), "{text}");
}

/// The defect: the strip has three rows, and a fourth running deadline
/// (here GDPR's, once personal data is in scope) was hidden without a sign.
/// The last row now counts those it cannot show.
#[test]
fn running_deadlines_the_strip_cannot_show_are_counted() {
    let mut j = support::ransomware_scoped_to_the_eu();
    j.set("personal_data", "true")
        .advance(1)
        .note(None, "scoped");
    let app = app_for(&j);
    let text = draw(&app, 120, 40);
    let strip: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("Deadlines"))
        .take(4)
        .collect();
    assert!(
        strip[3].starts_with("  + ")
            && strip[3].contains("more running, less urgent: `c` lists every deadline"),
        "{text}"
    );
}

/// At 80 columns a duty "without undue delay" whose regime may not apply
/// (NIS2 before it is scoped) still shows its cap: the words that cost the
/// most room give way first, never the time elapsed or the cap.
#[test]
fn a_narrow_deadline_strip_keeps_the_cap_of_a_duty_without_undue_delay() {
    let j = support::ransomware_scoped_to_the_eu();
    let app = app_for(&j);
    let text = draw(&app, 80, 24);
    // A long `clock.stage` gives way in its middle before the cap does.
    let nis2 = text
        .lines()
        .find(|l| l.contains("nis2-art23.") && l.contains("rly-warning"))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        nis2.contains("if it applies: 30m elapsed · cap Tue 3 Nov 08:00 UTC"),
        "{nis2}"
    );
}
