//! One key vocabulary: each view dispatches from its bound table, config
//! overrides reach every view, and a "press again" question shows only
//! while it can still be answered.

use super::*;
use crate::app::key_config::{self, KeyOverride};

fn rebind(r: &mut Runner, mode: &str, action: &str, keys: &[&str]) {
    let (keymap, modes) = key_config::bind(&[KeyOverride {
        mode: mode.into(),
        action: action.into(),
        keys: keys.iter().map(ToString::to_string).collect(),
        line: 1,
        column: 1,
    }])
    .expect("valid override");
    r.app.keymap = keymap;
    r.app.mode_keys = modes;
}

#[test]
fn the_press_again_notice_goes_at_the_next_key() {
    let mut r = Runner::new();
    assert!(r.ch('x').is_empty(), "unticked checklist: asks first");
    assert!(r.has_notice("press x again"));
    r.ch('j');
    assert!(
        !r.has_notice("press x again"),
        "another key answered no: {:?}",
        r.notices()
    );
    r.ch('k');
    assert!(r.ch('x').is_empty(), "asks again after a no");
    assert!(r.has_notice("press x again"));
}

#[test]
fn the_press_again_notice_goes_with_an_unbound_key_or_a_digit_too() {
    let mut r = Runner::new();
    r.ch('x');
    r.ch('Z');
    assert!(!r.has_notice("press x again"), "{:?}", r.notices());
    assert!(r.ch('x').is_empty(), "the question was answered no");
}

#[test]
fn the_press_again_question_lapses_with_its_notice() {
    let mut r = Runner::new();
    r.ch('x');
    r.advance(Duration::seconds(6));
    r.tick();
    assert!(!r.has_notice("press x again"), "{:?}", r.notices());
    assert!(r.app.armed.is_none());
    assert!(r.ch('x').is_empty(), "a lapsed question is asked again");
    assert!(r.has_notice("press x again"));
}

#[test]
fn pressing_again_in_time_confirms() {
    let mut r = Runner::new();
    r.ch('x');
    r.advance(Duration::seconds(2));
    let effects = r.ch('x');
    assert_eq!(kinds(&effects), [Kind::StepDone]);
    assert!(!r.has_notice("press x again"), "{:?}", r.notices());
}

#[test]
fn d21_pgdn_and_pgup_scroll_the_message_view() {
    let mut r = Journal::incident().with_basics().open();
    r.select("early-warning");
    r.ch('m');
    r.press(KeyCode::PageDown);
    assert_eq!(mode!(r, Message).scroll, 10);
    r.press(KeyCode::PageDown);
    r.press(KeyCode::PageUp);
    assert_eq!(mode!(r, Message).scroll, 10);
    r.ch('j');
    assert_eq!(mode!(r, Message).scroll, 11);
}

#[test]
fn a_rebound_message_key_copies_and_the_old_one_does_nothing() {
    let mut r = Journal::incident().with_basics().open();
    rebind(&mut r, "message", "copy", &["y"]);
    r.select("early-warning");
    r.ch('m');
    assert!(r.ch('c').is_empty(), "`c` no longer copies");
    let effects = r.ch('y');
    assert!(
        effects.iter().any(|e| matches!(e, Effect::Clipboard(_))),
        "{effects:?}"
    );
}

#[test]
fn a_rebound_clocks_key_leaves_the_view() {
    let mut r = Runner::new();
    rebind(&mut r, "clocks", "close", &["esc", "x"]);
    r.ch('c');
    r.ch('q');
    assert!(matches!(r.app.mode, Mode::Clocks(_)), "`q` is now free");
    r.ch('x');
    assert_eq!(r.app.mode, Mode::Normal);
}

#[test]
fn a_rebound_search_key_goes_and_letters_stay_text() {
    let mut r = Runner::new();
    rebind(&mut r, "search", "go", &["ctrl-g"]);
    r.ch('/');
    r.type_text("isolate");
    r.enter();
    assert!(matches!(r.app.mode, Mode::Search(_)), "Enter is free now");
    r.ctrl('g');
    assert_eq!(r.app.mode, Mode::Normal);
    assert_eq!(r.app.selected.as_deref(), Some("isolate"));
}

#[test]
fn a_rebound_facilitator_key_drives_the_pane() {
    let mut r = drill_runner();
    rebind(&mut r, "facilitator", "start_pause", &["S"]);
    let space = r.ch(' ');
    assert!(
        !kinds(&space).contains(&Kind::DrillControl),
        "space no longer drives the clock: {space:?}"
    );
    let effects = r.ch('S');
    assert_eq!(kinds(&effects), [Kind::DrillControl]);
}
