//! Drills: the facilitator pane, injects and the scenario clock.

use super::*;

// --- drills --------------------------------------------------------------

#[test]
fn the_facilitator_pane_starts_the_scenario_clock_and_delivers_due_injects() {
    let mut r = drill_runner();
    let effects = r.ch(' ');
    assert_eq!(kinds(&effects), [Kind::DrillControl]);
    assert_eq!(
        (
            control(only_append(&effects)).action,
            control(only_append(&effects)).scenario_ms
        ),
        (DrillAction::Start, 0)
    );
    assert!(
        !r.app.drill.as_ref().expect("drill").clock.started,
        "the clock moves only once the control is saved"
    );
    let due = r.save(&effects);
    let delivered = payload!(only_append(&due), InjectDelivered);
    assert_eq!(
        (delivered.inject.as_str(), delivered.trigger.as_str()),
        ("kickoff", "at")
    );
    assert_eq!(only_append(&due).scenario_ms, Some(0));
    assert!(r.has_notice("📣 INJECT kickoff"));
    r.save(&due);

    r.advance(Duration::minutes(10));
    let paused = r.ch(' ');
    assert_eq!(control(only_append(&paused)).action, DrillAction::Pause);
    assert_eq!(control(only_append(&paused)).scenario_ms, 600_000);
    r.save(&paused);
    r.advance(Duration::hours(1));
    assert!(r.tick().is_empty(), "paused: T+30m has not come");
    let resumed = r.ch(' ');
    assert_eq!(control(only_append(&resumed)).action, DrillAction::Resume);
    r.save(&resumed);
    let faster = r.ch('+');
    assert_eq!(
        (
            control(only_append(&faster)).action,
            control(only_append(&faster)).speed
        ),
        (DrillAction::Speed, 2)
    );
    r.save(&faster);
    r.advance(Duration::minutes(10));
    let due = r.tick();
    assert_eq!(payload!(only_append(&due), InjectDelivered).inject, "later");
    assert_eq!(only_append(&due).scenario_ms, Some(600_000 + 1_200_000));
}

#[test]
fn n_jumps_to_the_next_timed_inject_and_r_releases_the_selected_one() {
    let mut r = drill_runner();
    let started = r.ch(' ');
    r.save(&started);
    let jump = r.ch('n');
    assert_eq!(kinds(&jump), [Kind::DrillControl]);
    assert_eq!(
        (
            control(appended(&jump)[0]).action,
            control(appended(&jump)[0]).scenario_ms
        ),
        (DrillAction::Jump, 1_800_000)
    );
    let due = r.save(&jump);
    assert_eq!(kinds(&due), [Kind::InjectDelivered]);
    r.save(&due);
    assert!(r.ch('n').is_empty());
    assert!(r.has_notice("no timed inject is left"));

    r.ch('j');
    r.ch('j');
    let released = r.ch('r');
    let delivered = payload!(only_append(&released), InjectDelivered);
    assert_eq!(
        (delivered.inject.as_str(), delivered.trigger.as_str()),
        ("reserve", "manual")
    );
    r.save(&released);
    assert!(r.ch('r').is_empty());
    assert!(r.has_notice("already delivered"));
}

#[test]
fn h_holds_an_inject_until_it_is_released() {
    let mut r = drill_runner();
    r.ch('j');
    let effects = r.ch('h');
    let hold = control(only_append(&effects));
    assert_eq!(
        (hold.action, hold.inject.as_deref()),
        (DrillAction::Hold, Some("later"))
    );
    r.save(&effects);
    let started = r.ch(' ');
    r.save(&started);
    r.advance(Duration::hours(1));
    assert!(r.tick().is_empty(), "held");
    let released = r.ch('h');
    assert_eq!(
        kinds(&released),
        [Kind::DrillControl, Kind::InjectDelivered]
    );
    assert_eq!(control(appended(&released)[0]).action, DrillAction::Unhold);
}

#[test]
fn observations_are_recorded_from_the_facilitator_pane() {
    let mut r = drill_runner();
    // Only a delivered inject is rated: start the clock, deliver kickoff.
    let started = r.ch(' ');
    r.save(&started);
    let delivered = r.tick();
    r.save(&delivered);
    assert!(r.app.state().delivered("kickoff").is_some());
    r.ch('o');
    assert_eq!(mode!(r, Observe).inject.as_deref(), Some("kickoff"));
    r.ch('2');
    assert!(r.enter().is_empty(), "a note is required");
    r.type_text("Slow to confirm");
    let effects = r.ctrl('s');
    let observed = payload!(only_append(&effects), Observation);
    assert_eq!(
        (
            observed.kind,
            observed.rating,
            observed.inject.as_deref(),
            observed.note.as_str()
        ),
        (
            ObservationKind::Evaluation,
            Some(Rating::SomeChallenges),
            Some("kickoff"),
            "Slow to confirm"
        )
    );

    r.advance(Duration::seconds(1)); // a moment after the dialog closed
    // DR5: the improvement plan keeps the corrective action apart from the
    // finding, with capability, organisation, contact and dates.
    r.ch('w');
    r.ch('2');
    for text in [
        "No runbook for DNS",
        "Write and test a DNS runbook",
        "Cybersecurity",
        "Network operations",
        "Sam",
        "2026-11-20",
        "2026-12-01",
    ] {
        r.tab();
        r.type_text(text);
    }
    let effects = r.enter();
    let o = payload!(only_append(&effects), Observation);
    assert_eq!(
        (
            o.kind,
            o.note.as_str(),
            o.corrective_action.as_deref(),
            o.capability.as_deref(),
            o.organisation.as_deref(),
            o.owner.as_deref(),
            o.start.as_deref(),
            o.due.as_deref()
        ),
        (
            ObservationKind::Improvement,
            "No runbook for DNS",
            Some("Write and test a DNS runbook"),
            Some("Cybersecurity"),
            Some("Network operations"),
            Some("Sam"),
            Some("2026-11-20"),
            Some("2026-12-01")
        )
    );
}

#[test]
fn tab_reaches_the_facilitator_pane_in_a_drill() {
    let mut r = drill_runner();
    r.tab();
    assert_eq!(r.app.focus, Pane::Phases);
    r.press(KeyCode::BackTab);
    assert_eq!(r.app.focus, Pane::Drill);
    r.press(KeyCode::BackTab);
    assert_eq!(r.app.focus, Pane::Detail);
    r.tab();
    assert_eq!(r.app.focus, Pane::Drill);
    assert!(r.enter().is_empty());
    assert_eq!(r.app.focus, Pane::Steps, "Enter leaves the pane");
}

#[test]
fn after_a_write_error_the_scenario_clock_does_not_move() {
    let mut r = drill_runner();
    let note = {
        r.app.focus = Pane::Steps;
        r.ch('n');
        r.type_text("x");
        r.ctrl('s')
    };
    r.fail(&note, "I/O error");
    r.advance(Duration::seconds(1)); // a moment after the dialog closed
    r.app.focus = Pane::Drill;
    assert!(r.ch(' ').is_empty());
    assert!(r.has_notice("read-only"));
    let clock = r.app.drill.as_ref().expect("drill").clock;
    assert!(!clock.started, "a start that is not journaled must not run");
    r.advance(Duration::hours(1));
    assert!(r.tick().is_empty());
    assert_eq!(r.app.domain_now(), utc(START), "scenario time stays at T+0");
}

#[test]
fn end_session_on_a_signal_records_why_and_then_quits() {
    let mut r = Runner::new();
    let effects = r.app.end_session("signal");
    assert_eq!(
        payload!(only_append(&effects), SessionEnded).reason,
        "signal"
    );
    assert_eq!(r.save(&effects), [Effect::Quit]);
}

#[test]
fn quitting_still_quits_when_session_ended_cannot_be_saved() {
    let mut r = Runner::new();
    let effects = r.ch('q');
    assert_eq!(r.fail(&effects, "I/O error"), [Effect::Quit]);
}
