//! Render snapshots of the record-level dialogs: closing the incident,
//! correcting an entry, and an entry the journal could not save.

mod support;

use runsheet::app::input::{KeyCode, KeyEvent, KeyModifiers};
use runsheet::app::keymap::Keymap;
use runsheet::app::{App, Effect, Msg, Pane};
use runsheet::journal::identity::Identity;
use runsheet::journal::writer::{Ack, WriteError};

use support::{JournalBuilder, fixture_playbook};

fn draw(app: &App, width: u16, height: u16) -> String {
    support::screen(&support::draw_runner(app, width, height))
}

fn app() -> App {
    let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", false);
    j.set("aware_at", "2026-11-02T07:45:00Z")
        .set("org", "Example Court")
        .note(Some("confirm"), "SOC paged at 08:10")
        .start("confirm")
        .advance(30);
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

fn send(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    let now = app.now;
    app.update(Msg::Key(KeyEvent::new(code, modifiers)), now)
}

fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        send(app, KeyCode::Char(c), KeyModifiers::NONE);
    }
}

#[test]
fn close_dialog_with_open_required_steps() {
    let mut app = app();
    typed(&mut app, "X");
    typed(&mut app, "false alarm");
    send(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let text = draw(&app, 80, 24);
    assert!(text.contains("cursor is now in"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn close_dialog_asks_to_confirm() {
    let mut app = app();
    typed(&mut app, "X");
    typed(&mut app, "false alarm");
    send(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    typed(&mut app, "not an incident");
    send(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    typed(&mut app, "nothing to isolate");
    send(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    let text = draw(&app, 80, 24);
    assert!(text.contains("y: close"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn correct_dialog_starts_on_the_recorded_value_selected() {
    let mut app = app();
    app.select_step("confirm");
    app.focus = Pane::Steps;
    typed(&mut app, "C");
    let text = draw(&app, 80, 24);
    assert!(text.contains("SOC paged at 08:10"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn a_failed_write_says_nothing_was_saved_and_why_and_offers_a_retry() {
    let mut app = app();
    app.select_step("confirm");
    typed(&mut app, "n");
    typed(&mut app, "Vendor on site");
    let effects = send(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let now = app.now;
    for effect in effects {
        if let Effect::Append { ticket, .. } = effect {
            app.update(
                Msg::Ack(Ack::Failed {
                    ticket,
                    error: WriteError::new(
                        std::io::ErrorKind::StorageFull,
                        "No space left on device; nothing of this entry was written",
                    ),
                }),
                now,
            );
        }
    }
    let text = draw(&app, 80, 24);
    assert!(
        text.contains("NOT saved (Ctrl-R retries): No space left"),
        "{text}"
    );
    assert!(text.contains("✗ NOT SAVED  Dana Reyes: note"), "{text}");
    assert!(!text.contains("all saved"), "{text}");
    insta::assert_snapshot!(text);
}
