//! The note, decision and role dialogs.

use super::*;

// --- notes ---------------------------------------------------------------

#[test]
fn a_note_on_the_selected_step_is_saved_with_ctrl_s() {
    let mut r = Runner::new();
    assert!(r.ch('n').is_empty());
    assert_eq!(mode!(r, Note).step.as_deref(), Some("confirm"));
    r.type_text("Alert from EDR");
    assert!(r.enter().is_empty(), "Enter breaks the line");
    r.type_text("Channel #inc-42");
    let effects = r.ctrl('s');
    assert_eq!(
        only_append(&effects).event,
        Event::on_step(
            "confirm",
            Payload::Note(event::Note {
                text: "Alert from EDR\nChannel #inc-42".into()
            })
        )
    );
    assert_eq!(r.app.mode, Mode::Normal);
}

#[test]
fn tab_in_the_note_dialog_makes_it_a_general_note_and_alt_enter_saves() {
    let mut r = Runner::new();
    r.ch('n');
    r.tab();
    assert_eq!(mode!(r, Note).step, None);
    r.tab();
    assert_eq!(mode!(r, Note).step.as_deref(), Some("confirm"), "and back");
    r.tab();
    r.type_text("Shift handover at 18:00");
    let effects = r.key(KeyCode::Enter, KeyModifiers::ALT);
    let draft = only_append(&effects);
    assert_eq!(draft.event.step, None);
    assert_eq!(payload!(draft, Note).text, "Shift handover at 18:00");
}

#[test]
fn a_note_from_the_phases_pane_is_general_and_a_blank_one_is_dropped() {
    let mut r = Runner::new();
    r.app.focus = Pane::Phases;
    r.ch('n');
    assert_eq!(mode!(r, Note).step, None);
    r.type_text("  ");
    assert!(r.ctrl('s').is_empty());
    assert_eq!(r.app.mode, Mode::Normal);
}

// --- decisions -----------------------------------------------------------

#[test]
fn a_decision_without_a_rationale_is_refused() {
    let mut r = Runner::new();
    r.select("scope");
    assert!(r.ch('d').is_empty());
    let dialog = mode!(r, Decide);
    assert_eq!(dialog.decider.text(), ACTOR, "nobody holds the step's role");
    assert_eq!(dialog.prompt, "Is personal data affected?");
    r.ch('2');
    assert!(r.enter().is_empty());
    let dialog = mode!(r, Decide);
    assert_eq!(
        dialog.error.as_deref(),
        Some("a rationale is required: reviewers will ask why · the cursor is now in Rationale")
    );
    assert_eq!(dialog.focus, DecideFocus::Rationale);
}

#[test]
fn a_decision_records_the_choice_the_rationale_and_the_options_offered() {
    let mut r = Runner::new();
    r.select("scope");
    r.ch('d');
    r.ch('2');
    r.tab();
    r.type_text("Only system logs");
    assert!(r.enter().is_empty(), "Enter breaks the rationale's line");
    r.type_text("were in the share");
    let effects = r.ctrl('s');
    let draft = only_append(&effects);
    assert_eq!(draft.event.step.as_deref(), Some("scope"));
    assert_eq!(
        &**payload!(draft, Decision),
        &event::Decision {
            fact: "personal_data".into(),
            value: json!(false),
            rationale: "Only system logs\nwere in the share".into(),
            options: vec!["true".into(), "false".into()],
            decider: ACTOR.into(),
        }
    );
    r.save(&effects);
    assert_eq!(
        r.app.state().fact("personal_data"),
        Some(&FactValue::Bool(false))
    );
    assert_eq!(r.app.state().decisions.len(), 1);
}

#[test]
fn the_decider_defaults_to_the_role_holder_and_may_not_be_empty() {
    let mut r = Journal::incident().role("ic", "Ana Ruiz").open();
    r.select("rate");
    r.ch('d');
    assert_eq!(mode!(r, Decide).decider.text(), "Ana Ruiz");
    r.tab();
    r.type_text("Privileged account");
    r.tab();
    assert_eq!(mode!(r, Decide).focus, DecideFocus::Decider);
    r.clear_line();
    assert!(r.enter().is_empty());
    assert_eq!(mode!(r, Decide).error.as_deref(), Some("name who decided"));
    r.type_text("Board");
    // Nothing picked: the option under the cursor is not recorded from
    // the decider field; Enter on the options picks it.
    assert!(r.enter().is_empty());
    assert_eq!(mode!(r, Decide).focus, DecideFocus::Options);
    assert_eq!(
        mode!(r, Decide).error.as_deref(),
        Some("choose an option · the cursor is now in the options")
    );
    let effects = r.enter();
    let decision = payload!(only_append(&effects), Decision);
    assert_eq!(
        (&decision.value, decision.decider.as_str()),
        (&json!("low"), "Board"),
        "Enter on the options: the option under the cursor"
    );
}

#[test]
fn decide_on_a_step_without_a_decision_says_so() {
    let mut r = Runner::new();
    assert!(r.ch('d').is_empty());
    assert_eq!(r.app.mode, Mode::Normal);
    assert!(r.has_notice("no decision"));
}

// --- roles ---------------------------------------------------------------

#[test]
fn assign_prefills_me_and_records_role_assigned() {
    let mut r = Runner::new();
    assert!(r.ch('o').is_empty());
    let dialog = mode!(r, Assign);
    assert_eq!(
        (dialog.roles.as_slice(), dialog.cursor),
        (["ic".to_string(), "comms".to_string()].as_slice(), 0)
    );
    assert_eq!(mode!(r, Assign).person.text(), "", "nobody holds it yet");
    r.type_text("Sam Okafor");
    let effects = r.enter();
    assert_eq!(
        payload!(only_append(&effects), RoleAssigned),
        &RoleAssigned {
            role: "ic".into(),
            person: "Sam Okafor".into()
        }
    );
    assert_eq!(mode!(r, Assign).cursor, 1, "on to the next role");
    r.save(&effects);
    assert_eq!(r.app.state().holder("ic"), Some("Sam Okafor"));
    r.esc();
    assert_eq!(r.app.mode, Mode::Normal);

    r.select("holding-statement");
    r.ch('o');
    assert_eq!(mode!(r, Assign).cursor, 1, "the step's role");
}

#[test]
fn assign_in_a_playbook_without_roles_says_so() {
    let mut r = Runner::new();
    r.app.playbook.roles.clear();
    assert!(r.ch('o').is_empty());
    assert_eq!(r.app.mode, Mode::Normal);
    assert!(r.has_notice("defines no roles"));
}
