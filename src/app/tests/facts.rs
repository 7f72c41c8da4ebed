//! Answering facts: types, local times, corrections.

use super::*;

// --- facts ---------------------------------------------------------------

#[test]
fn answer_offers_the_steps_facts_or_else_every_fact() {
    let mut r = Runner::new();
    r.ch('a');
    let dialog = mode!(r, Facts);
    assert_eq!(
        (dialog.step.as_deref(), dialog.facts.as_slice()),
        (
            Some("confirm"),
            ["aware_at".to_string(), "org".to_string()].as_slice()
        )
    );
    r.esc();
    assert_eq!(r.app.mode, Mode::Normal);
    r.select("rate");
    r.ch('a');
    let dialog = mode!(r, Facts);
    assert_eq!(dialog.step, None);
    assert_eq!(dialog.facts.len(), r.app.playbook.facts.len());
}

#[test]
fn a_datetime_typed_as_a_local_time_is_stored_as_utc_in_the_incident_zone() {
    // 08:00 UTC is 09:00 in Amsterdam (CET, UTC+1) on 2 November.
    let mut r = Runner::new();
    r.ch('a');
    r.type_text("08:30");
    let preview = mode!(r, Facts).preview(r.app.ctx());
    assert_eq!(
        preview.as_deref(),
        Some("= 2026-11-02 08:30 CET (07:30 UTC)")
    );
    let effects = r.enter();
    let draft = only_append(&effects);
    assert_eq!(draft.event.step.as_deref(), Some("confirm"));
    assert_eq!(
        payload!(draft, FactSet),
        &FactSet {
            fact: "aware_at".into(),
            value: json!("2026-11-02T07:30:00Z"),
            occurred_at: None,
            confirmed: None,
        }
    );
    let dialog = mode!(r, Facts);
    assert_eq!(dialog.selected, 1, "on to `org`");
    assert!(
        matches!(&dialog.editing, Some(FieldInput::Text(e)) if e.text().is_empty()),
        "`org` is ready for typing"
    );
    assert_eq!(
        dialog.echo.as_deref(),
        Some("When did we become aware? 2026-11-02 08:30 CET (07:30 UTC)")
    );
    assert_eq!(
        r.app.state().fact("aware_at"),
        Some(&FactValue::DateTime(utc("2026-11-02T07:30:00Z")))
    );
}

#[test]
fn a_local_time_in_summer_is_read_with_daylight_saving() {
    // 06:00 UTC is 08:00 in Amsterdam (CEST, UTC+2) on 1 July.
    let mut r = Journal::created(utc("2026-07-01T06:00:00Z"), false).open();
    r.ch('a');
    r.type_text("07:05");
    let effects = r.enter();
    assert_eq!(
        payload!(only_append(&effects), FactSet).value,
        json!("2026-07-01T05:05:00Z")
    );
}

#[test]
fn d8_a_local_time_later_today_is_refused_as_in_the_future() {
    // 08:00 in Amsterdam: "14:05" would be six hours from now.
    let mut r = Journal::created(utc("2026-07-01T06:00:00Z"), false).open();
    r.ch('a');
    r.type_text("14:05");
    assert!(r.enter().is_empty(), "nothing written");
    let error = mode!(r, Facts).error.clone().unwrap_or_default();
    assert!(error.contains("in the future"), "{error}");
}

#[test]
fn a_bad_value_is_refused_with_the_type_expected() {
    let mut r = Runner::new();
    r.select("scope");
    r.ch('a');
    r.tab();
    assert_eq!(mode!(r, Facts).selected, 1, "`records`");
    r.type_text("lots");
    assert!(r.enter().is_empty());
    let dialog = mode!(r, Facts);
    assert_eq!(
        dialog.error.as_deref(),
        Some("expected a number such as 1200 or 0.5, not `lots` (a number expected)")
    );
    assert!(dialog.editing.is_some(), "still editing");
    r.clear_line();
    r.type_text("1_200");
    let effects = r.enter();
    assert_eq!(
        payload!(only_append(&effects), FactSet).value,
        json!(1200.0)
    );

    r.esc();
    assert_eq!(r.app.mode, Mode::Normal);
    r.select("confirm");
    r.ch('a');
    r.type_text("25:99");
    assert!(r.enter().is_empty());
    assert!(
        mode!(r, Facts)
            .error
            .as_deref()
            .is_some_and(|e| e.ends_with("(a date and time expected)"))
    );
}

#[test]
fn a_multiple_choice_fact_is_answered_by_picking_options() {
    let mut r = Runner::new();
    r.select("scope");
    r.ch('a');
    assert!(matches!(mode!(r, Facts).editing, Some(FieldInput::Pick(_))));
    r.ch('1');
    r.ch('2');
    r.ch('1');
    r.ch(' ');
    let effects = r.enter();
    assert_eq!(
        payload!(only_append(&effects), FactSet).value,
        json!(["eu", "us"])
    );
}

#[test]
fn a_new_value_for_a_fact_asks_whether_the_old_one_was_wrong() {
    let mut r = Journal::incident()
        .fact("aware_at", json!("2026-11-02T07:30:00Z"))
        .open();
    let first_seq = r.lines.last().expect("fact").entry.seq;
    r.ch('a');
    assert!(matches!(
        &mode!(r, Facts).editing,
        Some(FieldInput::Text(e)) if e.text() == "2026-11-02 08:30"
    ));
    r.clear_line();
    r.type_text("08:10");
    assert!(r.enter().is_empty(), "asks first");
    let amend = mode!(r, Facts)
        .amend
        .clone()
        .expect("asks: wrong or changed?");
    assert_eq!(amend.previous_seq, first_seq);
    assert_eq!(amend.previous, "2026-11-02 08:30 CET (07:30 UTC)");
    assert_eq!(amend.shown, "2026-11-02 08:10 CET (07:10 UTC)");

    r.press(KeyCode::Up);
    assert!(r.enter().is_empty(), "opens the reason");
    assert!(r.enter().is_empty(), "a correction needs a reason");
    assert_eq!(
        mode!(r, Facts).error.as_deref(),
        Some("say why the earlier value was wrong")
    );
    r.type_text("The first alert was earlier");
    let effects = r.enter();
    let correction = payload!(only_append(&effects), Correction);
    assert_eq!(
        (correction.corrects, correction.reason.as_str()),
        (first_seq, "The first alert was earlier")
    );
    assert_eq!(correction.value, Some(json!("2026-11-02T07:10:00Z")));
    r.save(&effects);
    let history = &r.app.state().facts["aware_at"].history;
    assert_eq!(history.len(), 1, "kept beside the original");
    assert_eq!(
        r.app.state().fact("aware_at"),
        Some(&FactValue::DateTime(utc("2026-11-02T07:10:00Z")))
    );
    r.assert_live_state_is_replay();
}

#[test]
fn a_new_value_that_reflects_a_change_is_recorded_as_a_new_fact_set() {
    let mut r = Journal::incident().fact("records", json!(100.0)).open();
    r.select("scope");
    r.ch('a');
    r.tab();
    r.clear_line();
    r.type_text("250");
    assert!(r.enter().is_empty());
    r.press(KeyCode::Down);
    let effects = r.enter();
    assert_eq!(payload!(only_append(&effects), FactSet).value, json!(250.0));
    r.save(&effects);
    assert_eq!(r.app.state().facts["records"].history.len(), 2);
}
