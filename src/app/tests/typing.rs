//! Typing lands where it is meant: regressions of keys that once went astray.

use super::*;

// --- typing lands where it is meant (regressions) ---------------------------

#[test]
fn d1_m4_type_ahead_after_a_save_goes_into_the_next_field() {
    let mut r = Runner::new();
    r.ch('a');
    r.type_text("08:30");
    let first = r.enter();
    assert_eq!(kinds(&first), [Kind::FactSet]);
    // Straight on, without pressing anything first.
    r.type_text("Example Corp");
    let second = r.enter();
    assert_eq!(
        payload!(only_append(&second), FactSet),
        &FactSet {
            fact: "org".into(),
            value: json!("Example Corp"),
            occurred_at: None,
            confirmed: None,
        }
    );
    r.save(&first);
    r.save(&second);
    r.assert_live_state_is_replay();
}

#[test]
fn d1_qx_inside_the_facts_dialog_is_text_not_commands() {
    let mut r = Runner::new();
    r.select("confirm");
    r.ch('a');
    r.tab();
    r.type_text("qx quick note: sandbox x");
    assert!(matches!(
        &mode!(r, Facts).editing,
        Some(FieldInput::Text(e)) if e.text() == "qx quick note: sandbox x"
    ));
    assert_eq!(
        r.status("confirm"),
        StepStatus::Open,
        "x did not mark it done"
    );
    let effects = r.enter();
    assert_eq!(
        payload!(only_append(&effects), FactSet).value,
        json!("qx quick note: sandbox x")
    );
}

#[test]
fn d3a_tab_then_type_in_approve_writes_the_comment_not_the_approver() {
    let mut r = Journal::incident().with_basics().open();
    r.select("holding-statement");
    r.ch('m');
    let drafted = r.ch('p');
    assert!(
        !mode!(r, Approve).on_comment,
        "focus starts on Approver, drawn first"
    );
    r.tab();
    r.type_text("Registrar concurred by phone");
    let approval = r.enter();
    assert_eq!(
        payload!(only_append(&approval), Approval),
        &event::Approval {
            version: 1,
            approver: ACTOR.into(),
            role: "ic".into(),
            comment: Some("Registrar concurred by phone".into()),
        }
    );
    r.save(&drafted);
}

#[test]
fn d3b_a_name_typed_into_the_prefilled_assignee_replaces_it() {
    let mut r = Journal::incident().role("ic", "Ana Ruiz").open();
    r.ch('o');
    assert_eq!(mode!(r, Assign).person.text(), "Ana Ruiz");
    r.type_text("Dana Reyes");
    let effects = r.enter();
    assert_eq!(
        payload!(only_append(&effects), RoleAssigned),
        &RoleAssigned {
            role: "ic".into(),
            person: "Dana Reyes".into()
        }
    );
}

#[test]
fn d3c_ctrl_s_with_a_missing_rationale_then_typing_fills_the_rationale() {
    let mut r = Runner::new();
    r.select("scope");
    r.ch('d');
    r.ch('n');
    assert!(r.ctrl('s').is_empty(), "refused: no rationale");
    let dialog = mode!(r, Decide);
    assert_eq!(dialog.focus, DecideFocus::Rationale);
    assert!(
        dialog
            .error
            .as_deref()
            .is_some_and(|e| e.ends_with("the cursor is now in Rationale")),
        "the move is said: {:?}",
        dialog.error
    );
    r.type_text("Only system logs were in the share");
    r.tab();
    assert!(
        mode!(r, Decide).decider.is_selected(),
        "a name is replaced, never appended to"
    );
    let effects = r.ctrl('s');
    let decision = payload!(only_append(&effects), Decision);
    assert_eq!(
        (
            &decision.value,
            decision.rationale.as_str(),
            decision.decider.as_str()
        ),
        (&json!(false), "Only system logs were in the share", ACTOR)
    );
}

#[test]
fn d9_a_submission_missing_its_recipient_then_typing_fills_the_recipient() {
    let mut r = Journal::incident().with_basics().open();
    r.select("final-report");
    r.ch('x');
    r.tab();
    r.press(KeyCode::Backspace);
    r.press(KeyCode::BackTab);
    assert_eq!(
        mode!(r, Submit).fields[mode!(r, Submit).focus].0,
        SubmitField::Channel
    );
    assert!(r.enter().is_empty(), "refused: no recipient");
    let form = mode!(r, Submit);
    assert_eq!(form.fields[form.focus].0, SubmitField::Recipient);
    assert_eq!(
        form.error.as_deref(),
        Some("the recipient is required · the cursor is now in Recipient")
    );
    r.type_text("in person via the protection unit");
    let effects = r.enter();
    let sub = payload!(appended(&effects)[0], Submission);
    assert_eq!(
        (sub.channel.as_str(), sub.recipient.as_str()),
        ("email", "in person via the protection unit")
    );
}

#[test]
fn d3_prefilled_channel_is_replaced_by_typing() {
    let mut r = Journal::incident().with_basics().open();
    r.select("final-report");
    r.ch('x');
    r.type_text("phone");
    let effects = r.enter();
    assert_eq!(payload!(appended(&effects)[0], Submission).channel, "phone");
}

#[test]
fn friction3_esc_on_typed_text_asks_before_discarding_it() {
    let mut r = Runner::new();
    r.ch('n');
    r.type_text("half a thought");
    assert!(r.esc().is_empty());
    assert!(r.app.discard_armed);
    r.type_text(" and the rest");
    assert!(!r.app.discard_armed, "any other key keeps editing");
    assert_eq!(mode!(r, Note).editor.text(), "half a thought and the rest");
    r.esc();
    r.esc();
    assert_eq!(r.app.mode, Mode::Normal, "Esc twice discards");
    r.ch('n');
    r.esc();
    assert_eq!(
        r.app.mode,
        Mode::Normal,
        "nothing typed: Esc closes at once"
    );
}

#[test]
fn friction4_enter_on_a_done_step_keeps_the_keys_in_the_list() {
    let mut r = Journal::incident()
        .step("preserve", Payload::StepDone(event::StepDone::default()))
        .open();
    r.select("preserve");
    assert!(r.enter().is_empty());
    assert_eq!(r.app.focus, Pane::Steps);
    assert!(r.has_notice("`r` reopens it"));
}

#[test]
fn friction17_the_roles_dialog_moves_on_after_an_assignment() {
    let mut r = Runner::new();
    r.ch('o');
    r.type_text("Sam Okafor");
    let first = r.enter();
    assert_eq!(mode!(r, Assign).cursor, 1);
    r.type_text("Lena Visser");
    let second = r.enter();
    assert_eq!(
        (
            payload!(only_append(&first), RoleAssigned).role.as_str(),
            payload!(only_append(&second), RoleAssigned).role.as_str()
        ),
        ("ic", "comms")
    );
    // Enter on the same name again records nothing.
    r.save(&first);
    r.save(&second);
    r.press(KeyCode::Up);
    assert!(r.enter().is_empty(), "unchanged: nothing recorded");
}

#[test]
fn friction18_choice_questions_accept_y_n_and_the_first_letter() {
    let mut r = Runner::new();
    r.select("scope");
    r.ch('d');
    r.ch('y');
    assert_eq!(mode!(r, Decide).choices.as_input(), "true");
    r.ch('n');
    assert_eq!(mode!(r, Decide).choices.as_input(), "false");
    r.ch('z');
    assert!(
        mode!(r, Decide)
            .error
            .as_deref()
            .is_some_and(|e| e.contains("y/n")),
        "the hint says which letters work"
    );
    r.esc();
    r.esc();
    r.select("rate");
    r.ch('d');
    r.ch('h');
    assert_eq!(
        mode!(r, Decide).choices.as_input(),
        "high",
        "first letter of `high`"
    );
    r.ch('l');
    assert_eq!(mode!(r, Decide).choices.as_input(), "low");
}

#[test]
fn code11_paste_goes_into_every_text_dialog() {
    let mut r = Runner::new();
    r.ch('a');
    r.update(Msg::Paste("2026-11-02 08:30".into()));
    assert!(matches!(
        &mode!(r, Facts).editing,
        Some(FieldInput::Text(e)) if e.text() == "2026-11-02 08:30"
    ));
    // Saved on the last fact, then pasted at once: it still lands in it.
    r.tab();
    r.update(Msg::Paste("Example Corp".into()));
    let saved = r.enter();
    assert_eq!(
        payload!(only_append(&saved), FactSet).value,
        json!("Example Corp")
    );
    r.update(Msg::Paste(" Ltd".into()));
    assert!(matches!(
        &mode!(r, Facts).editing,
        Some(FieldInput::Text(e)) if e.text() == " Ltd"
    ));
    r.esc();
    r.esc();
    r.select("scope");
    r.ch('d');
    r.tab();
    r.update(Msg::Paste("pasted rationale".into()));
    assert_eq!(mode!(r, Decide).rationale.text(), "pasted rationale");
    r.esc();
    r.esc();
    r.ch('o');
    r.update(Msg::Paste("Lena Visser".into()));
    assert_eq!(mode!(r, Assign).person.text(), "Lena Visser");
}

/// The defect: a bracketed paste from xterm, VTE terminals and tmux ends
/// each line with a carriage return, which the editor dropped as a control
/// character, so the pasted lines were saved glued together.
#[test]
fn a_pasted_carriage_return_is_a_line_break_in_notes_and_rationales() {
    let mut r = Runner::new();
    r.ch('n');
    r.type_text("line one");
    r.enter();
    r.type_text("line two ");
    r.update(Msg::Paste("pasted A\rpasted B\r\nWindows C\r".into()));
    r.type_text("typed on");
    let saved = r.ctrl('s');
    assert_eq!(
        only_append(&saved).event,
        Event::on_step(
            "confirm",
            Payload::Note(event::Note {
                text: "line one\nline two pasted A\npasted B\nWindows C\ntyped on".into()
            })
        )
    );
    r.advance(Duration::seconds(1));
    r.select("scope");
    r.ch('d');
    r.tab();
    r.update(Msg::Paste(
        "Registrar agreed by phone.\rHearings move to paper.".into(),
    ));
    assert_eq!(
        mode!(r, Decide).rationale.text(),
        "Registrar agreed by phone.\nHearings move to paper."
    );
    // A one-line field takes the same paste as one line, one space a break.
    r.esc();
    r.esc();
    r.ch('o');
    r.update(Msg::Paste("Lena\r\nVisser\r".into()));
    assert_eq!(mode!(r, Assign).person.text(), "Lena Visser ");
}

#[test]
fn code11_a_resize_is_not_a_domain_tick() {
    let mut r = Runner::new();
    let notices = r.app.notices.len();
    assert!(r.update(Msg::Resize).is_empty());
    assert_eq!(r.app.notices.len(), notices);
    assert_eq!(r.app.mode, Mode::Normal);
}

#[test]
fn d1_letters_typed_on_after_a_dialog_closes_are_not_commands() {
    let mut r = Runner::new();
    r.select("preserve");
    r.ch('s');
    r.type_text("Vendor imaged the disks");
    let skipped = r.enter();
    assert_eq!(kinds(&skipped), [Kind::StepSkipped]);
    // Typed on in the same burst: `x` would mark a step done, `b` block.
    assert!(r.ch('x').is_empty());
    assert!(r.ch('b').is_empty());
    assert_eq!(r.app.mode, Mode::Normal, "no dialog opened");
    assert!(r.has_notice("not used as commands"));
    // A moment later, keys are commands again.
    r.advance(Duration::seconds(1));
    r.ch('n');
    assert!(matches!(r.app.mode, Mode::Note(_)));
    // An arrow key also ends the window at once.
    r.esc();
    r.select("isolate");
    r.ch('b');
    r.type_text("Waiting for the network team");
    assert_eq!(kinds(&r.enter()), [Kind::StepBlocked]);
    r.press(KeyCode::Down);
    r.ch('n');
    assert!(matches!(r.app.mode, Mode::Note(_)));
}

#[test]
fn m5_quitting_a_running_drill_pauses_the_scenario_clock_first() {
    let mut r = drill_runner();
    let started = r.ch(' ');
    let due = r.save(&started);
    r.save(&due);
    r.advance(Duration::minutes(7));
    r.app.focus = Pane::Steps;
    let quit = r.ch('q');
    assert_eq!(kinds(&quit), [Kind::DrillControl, Kind::SessionEnded]);
    let pause = control(appended(&quit)[0]);
    assert_eq!(
        (pause.action, pause.scenario_ms),
        (DrillAction::Pause, 420_000)
    );
}

#[test]
fn code_2_a_failed_clock_control_never_moves_the_clock_shown() {
    let mut r = drill_runner();
    let started = r.ch(' ');
    r.fail(&started, "No space left on device");
    let clock = r.app.drill.as_ref().expect("drill").clock;
    assert!(!clock.started, "the journal holds no start");
    r.advance(Duration::hours(1));
    assert_eq!(r.app.drill.as_ref().expect("drill").scenario_ms(r.now), 0);
}

/// The defect: in "Answer facts", text typed for one fact was dropped
/// without a word on Tab or Shift-Tab, and Esc then closed without asking,
/// so "-1h" the responder believed entered was lost. Tab now keeps it
/// (shown "not saved"), coming back brings it back, Enter saves exactly
/// it, and Esc asks while anything typed is unsaved. Nothing is written
/// for a fact until Enter on it.
#[test]
fn facts_typed_then_tab_are_kept_never_dropped_and_never_written_unasked() {
    let mut r = Runner::new();
    r.ch('a');
    r.type_text("-1h");
    assert!(r.press(KeyCode::Tab).is_empty(), "Tab writes nothing");
    r.type_text("Example Court");
    assert!(r.press(KeyCode::BackTab).is_empty());
    let dialog = mode!(r, Facts);
    assert_eq!(dialog.selected, 0);
    assert!(
        matches!(&dialog.editing, Some(FieldInput::Text(e)) if e.text() == "-1h"),
        "back on `aware_at` with what was typed: {:?}",
        dialog.editing
    );
    assert!(
        matches!(dialog.kept.get("org"), Some(FieldInput::Text(e)) if e.text() == "Example Court"),
        "{:?}",
        dialog.kept
    );
    // Esc asks first: both answers are still unsaved.
    assert!(r.esc().is_empty());
    assert!(r.app.discard_armed);
    let effects = r.enter();
    let set = payload!(only_append(&effects), FactSet);
    assert_eq!(set.fact, "aware_at");
    assert_eq!(
        set.value,
        json!(
            (r.app.now - chrono::Duration::hours(1))
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        )
    );
    // On to `org`, holding "Example Court" as typed; Enter saves it.
    let effects = r.enter();
    let set = payload!(only_append(&effects), FactSet);
    assert_eq!(
        (set.fact.as_str(), &set.value),
        ("org", &json!("Example Court"))
    );
    assert!(mode!(r, Facts).kept.is_empty());
}

/// ENTER-TYPEAHEAD-AFTER-SAVE-STARTS-STEP: Enter typed in the same burst
/// as the Ctrl-S that saved a note started the step behind the dialog, an
/// entry nobody meant; now it is held back like letters, and acts as soon
/// as the type-ahead moment has passed.
#[test]
fn enter_typeahead_after_save_starts_step() {
    let mut r = Runner::new();
    r.select("confirm");
    r.ch('n');
    r.type_text("note on step2");
    let note = r.ctrl('s');
    assert_eq!(
        only_append(&note).event,
        Event::on_step(
            "confirm",
            Payload::Note(event::Note {
                text: "note on step2".into()
            })
        )
    );
    r.save(&note);
    // Ctrl-S, Enter in one burst: nothing is written, and the responder
    // is told why.
    assert_eq!(r.enter(), []);
    assert_eq!(r.status("confirm"), StepStatus::Open);
    assert!(
        r.notices()
            .contains(&"keys typed right after saving were not used as commands")
    );
    // Once the moment has passed, Enter starts the step.
    r.advance(Duration::milliseconds(TYPE_AHEAD_MS));
    let started = r.enter();
    assert_eq!(
        appended(&started)
            .iter()
            .map(|d| &d.event)
            .collect::<Vec<_>>(),
        [&Event::on_step(
            "confirm",
            Payload::StepStarted(event::Empty {})
        )]
    );
}

/// ENTER-TYPEAHEAD-AFTER-SAVE-STARTS-STEP, every key that writes: Space
/// and a digit tick an item, `x` marks done, and a key the config binds
/// to an action (F5 to `done`) is held back too, not just letters; a key
/// that only moves still ends the hold at once.
#[test]
fn enter_typeahead_after_save_starts_step_holds_every_key_that_writes() {
    let mut r = Runner::new();
    let overrides = BTreeMap::from([("done".to_string(), keymap::KeyList::One("f5".into()))]);
    r.app.keymap = Keymap::with_overrides(&overrides).expect("valid override");
    r.select("confirm");
    r.ch('n');
    r.type_text("Alert collected");
    let note = r.ctrl('s');
    r.save(&note);
    let burst = [
        KeyCode::Enter,
        KeyCode::Char(' '),
        KeyCode::Char('1'),
        KeyCode::Char('x'),
        KeyCode::F(5),
    ];
    for code in burst {
        assert_eq!(r.press(code), [], "{code:?} typed on after the save");
    }
    assert_eq!(r.status("confirm"), StepStatus::Open);
    assert_eq!(r.app.mode, Mode::Normal, "no dialog opened");
    // An arrow shows the responder reading the screen: it moves, and the
    // next Enter starts the step it moved to.
    assert_eq!(r.press(KeyCode::Down), []);
    let selected = r.app.selected.clone().expect("a step is selected");
    assert_ne!(selected, "confirm", "the arrow moved");
    let started = r.enter();
    assert_eq!(
        appended(&started)
            .iter()
            .map(|d| &d.event)
            .collect::<Vec<_>>(),
        [&Event::on_step(
            selected.as_str(),
            Payload::StepStarted(event::Empty {})
        )]
    );
}

/// RAW-MULTILINE-PASTE-SPLITS-INTO-NEXT-FACT: a paste a terminal sent as
/// plain keystrokes saved its first line as the answer and its second as
/// the answer to the next question; now the line breaks of keys read
/// together stay in the field as a bracketed paste's would (a space in a
/// one-line field), nothing is saved, and the responder is told.
#[test]
fn raw_multiline_paste_splits_into_next_fact() {
    let mut r = Runner::new();
    r.select("rate");
    r.ch('a');
    r.tab();
    assert_eq!(mode!(r, Facts).facts[mode!(r, Facts).selected], "org");
    assert_eq!(r.burst("identity\nlocation\nhealth"), []);
    let dialog = mode!(r, Facts);
    assert_eq!(
        dialog.facts[dialog.selected], "org",
        "still on the question"
    );
    assert!(matches!(
        &dialog.editing,
        Some(FieldInput::Text(e)) if e.text() == "identity location health"
    ));
    assert_eq!(r.notices(), [burst::PASTED_BREAKS]);
    // The responder reads it, puts it right, and saves it with Enter.
    r.clear_line();
    r.type_text("Example Corp");
    let saved = r.enter();
    assert_eq!(
        appended(&saved)
            .iter()
            .map(|d| &d.event)
            .collect::<Vec<_>>(),
        [&Event::new(Payload::FactSet(FactSet {
            fact: "org".into(),
            value: json!("Example Corp"),
            occurred_at: None,
            confirmed: None,
        }))]
    );
}

/// RAW-MULTILINE-PASTE-SPLITS-INTO-NEXT-FACT, the other forms: a raw
/// paste into a skip reason or a decider is never saved by its line
/// breaks, a tab in it never moves to another field, and a multi-line
/// field (a note, a rationale) keeps the lines as typed Enter would.
#[test]
fn raw_multiline_paste_splits_into_next_fact_in_every_form() {
    let mut r = Runner::new();
    r.select("preserve");
    r.ch('s');
    assert_eq!(r.burst("Vendor imaged\nthe disks\n"), []);
    assert_eq!(mode!(r, Reason).editor.text(), "Vendor imaged the disks ");
    assert_eq!(r.notices(), [burst::PASTED_BREAKS]);
    let skipped = r.enter();
    assert_eq!(
        only_append(&skipped).event,
        Event::on_step(
            "preserve",
            Payload::StepSkipped(event::Reason {
                reason: "Vendor imaged the disks".into()
            })
        )
    );
    r.save(&skipped);
    r.advance(Duration::seconds(1));

    r.select("scope");
    r.ch('d');
    r.ch('2');
    r.tab();
    assert_eq!(r.burst("Only system logs\nwere in the share\tTab"), []);
    let dialog = mode!(r, Decide);
    assert_eq!(
        dialog.focus,
        DecideFocus::Rationale,
        "the tab moved nowhere"
    );
    assert_eq!(
        dialog.rationale.text(),
        "Only system logs\nwere in the share\tTab"
    );
    r.tab();
    r.clear_line();
    assert_eq!(r.burst("Lena\nVisser\n"), []);
    assert_eq!(mode!(r, Decide).decider.text(), "Lena Visser ");
    let decided = r.ctrl('s');
    assert_eq!(
        payload!(only_append(&decided), Decision).rationale,
        "Only system logs\nwere in the share\tTab"
    );
    assert_eq!(
        payload!(only_append(&decided), Decision).decider,
        "Lena Visser"
    );
    r.save(&decided);
    r.advance(Duration::seconds(11)); // the notices have gone

    r.ch('n');
    assert_eq!(r.burst("line one\nline two"), []);
    assert!(
        !r.has_notice("pasted text had line breaks"),
        "Enter breaks a note's line anyway"
    );
    let note = r.ctrl('s');
    assert_eq!(
        only_append(&note).event,
        Event::on_step(
            "scope",
            Payload::Note(event::Note {
                text: "line one\nline two".into()
            })
        )
    );
}
