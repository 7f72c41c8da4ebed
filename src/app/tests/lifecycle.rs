//! Quitting, acknowledgements of writes and failed writes.

use super::*;

// --- quitting ------------------------------------------------------------

#[test]
fn quit_records_session_ended_and_quits_once_it_is_saved() {
    let mut r = Runner::new();
    let effects = r.ch('q');
    assert_eq!(
        only_append(&effects).event,
        Event::new(Payload::SessionEnded(event::SessionEnded {
            reason: "quit".into()
        }))
    );
    assert!(r.app.quitting);
    assert!(r.tick().is_empty(), "not before it is saved");
    let after_ack = r.save(&effects);
    assert_eq!(after_ack, [Effect::Quit]);
}

#[test]
fn ctrl_c_quits_like_q() {
    let mut r = Runner::new();
    let effects = r.ctrl('c');
    assert_eq!(kinds(&effects), [Kind::SessionEnded]);
    assert_eq!(r.save(&effects), [Effect::Quit]);
}

#[test]
fn quitting_with_a_write_still_saving_asks_first() {
    let mut r = Runner::new();
    let started = r.enter();
    assert!(r.ch('q').is_empty());
    assert_eq!(r.app.mode, Mode::ConfirmQuit);
    assert!(r.ch('n').is_empty());
    assert_eq!(r.app.mode, Mode::Normal);
    r.ch('q');
    let quit = r.ch('y');
    assert_eq!(kinds(&quit), [Kind::SessionEnded], "the session still ends");
    assert_eq!(quit.last(), Some(&Effect::Quit), "quits without waiting");
    assert_eq!(
        r.app.pending().len(),
        2,
        "the runtime settles both on the way out"
    );
    assert!(r.save(&started).is_empty());
}

#[test]
fn a_quit_asked_about_only_because_of_saving_goes_ahead_once_saved() {
    let mut r = Runner::new();
    let started = r.enter();
    assert!(r.ctrl('c').is_empty());
    assert_eq!(r.app.mode, Mode::ConfirmQuit);
    // The entry is saved while the question shows: the session ends and
    // the runner quits once that is saved, with no key pressed.
    let ended = r.save(&started);
    assert_eq!(kinds(&ended), [Kind::SessionEnded]);
    assert_eq!(r.app.mode, Mode::Normal);
    assert!(r.app.quitting);
    assert_eq!(r.save(&ended), [Effect::Quit]);
}

#[test]
fn a_quit_asked_about_because_of_a_failed_write_still_waits_for_the_answer() {
    let mut r = Runner::new();
    let first = r.enter();
    let second = r.ch(' ');
    assert!(r.ch('q').is_empty());
    assert!(r.fail(&first, "No space left on device").is_empty());
    assert!(r.save(&second).is_empty(), "nothing is queued or quit");
    assert_eq!(r.app.mode, Mode::ConfirmQuit);
    assert!(!r.app.quitting);
}

// --- acknowledgements ----------------------------------------------------

#[test]
fn entries_saving_together_are_acknowledged_in_order() {
    let mut r = Runner::new();
    let first = r.enter();
    let second = r.ch(' ');
    assert!(matches!(second[0], Effect::Append { ticket: 2, .. }));
    let seqs: Vec<u64> = r
        .app
        .tail
        .iter()
        .rev()
        .take(2)
        .map(|t| t.entry.seq)
        .collect();
    assert_eq!(seqs, [3, 2], "provisional seqs follow the journal");
    r.save(&first);
    assert_eq!(r.app.pending().len(), 1);
    r.save(&second);
    let saved: Vec<&Saved> = r.app.tail.iter().rev().take(2).map(|t| &t.status).collect();
    assert_eq!(saved, [&Saved::Saved(3), &Saved::Saved(2)]);
    r.assert_live_state_is_replay();
}

#[test]
fn a_failed_write_makes_the_journal_read_only() {
    let mut r = Runner::new();
    let effects = r.enter();
    assert!(r.fail(&effects, "No space left on device").is_empty());
    assert_eq!(
        r.app.write_error.as_deref(),
        Some("No space left on device")
    );
    assert_eq!(
        r.app.tail.back().map(|t| &t.status),
        Some(&Saved::Failed("No space left on device".into()))
    );
    assert_eq!(r.status("confirm"), StepStatus::Open, "nothing was saved");

    assert!(r.ch('x').is_empty(), "later actions record nothing");
    let notice = r.app.notices.last().expect("a notice");
    assert!(notice.urgent);
    assert!(notice.text.contains("read-only"), "{}", notice.text);
    r.ch('s');
    r.type_text("whatever");
    assert!(r.enter().is_empty());
    assert!(r.app.pending().is_empty());
    r.advance(Duration::seconds(1)); // a moment after the dialog closed
    assert!(
        r.ch('q').is_empty(),
        "d15: never quits silently over an entry not saved"
    );
    assert!(matches!(r.app.mode, Mode::ConfirmQuit));
    assert_eq!(r.ch('y'), [Effect::Quit], "quit and lose, once confirmed");
}

// --- one replayed state --------------------------------------------------

/// A replayed state is about the journal's size: the runner holds it once
/// until an entry is pending, and again once nothing is.
#[test]
fn the_view_shares_the_saved_state_while_nothing_is_pending() {
    let mut r = Runner::new();
    assert!(Arc::ptr_eq(&r.app.saved, &r.app.view), "one state on open");

    let effects = r.enter();
    assert!(!Arc::ptr_eq(&r.app.saved, &r.app.view));
    assert_eq!(r.app.saved.status("confirm"), StepStatus::Open);
    assert_eq!(r.status("confirm"), StepStatus::InProgress);
    assert!(r.save(&effects).is_empty());
    r.assert_live_state_is_replay();
    assert_eq!(r.app.saved, r.app.view);

    let effects = r.ch('q');
    assert_eq!(kinds(&effects), [Kind::SessionEnded]);
    r.fail(&effects, "No space left on device");
    assert!(
        Arc::ptr_eq(&r.app.saved, &r.app.view),
        "the failed entry leaves the view the saved state again"
    );
    r.assert_live_state_is_replay();
}
