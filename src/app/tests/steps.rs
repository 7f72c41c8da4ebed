//! Starting, finishing, skipping, blocking and reopening steps; checklists.

use super::*;

// --- open / start --------------------------------------------------------

#[test]
fn enter_on_an_open_step_records_step_started() {
    let mut r = Runner::new();
    let effects = r.enter();
    let draft = only_append(&effects);
    assert_eq!(
        draft.event,
        Event::on_step("confirm", Payload::StepStarted(event::Empty {}))
    );
    assert_eq!(
        (draft.ts, draft.actor.as_str(), draft.session.as_str()),
        (r.now, ACTOR, SESSION)
    );
    assert_eq!(draft.scenario_ms, None, "not a drill");
    assert!(matches!(
        effects[0],
        Effect::Append {
            ticket: 1,
            attachment: None,
            ..
        }
    ));
    assert_eq!(
        r.status("confirm"),
        StepStatus::InProgress,
        "shown while saving"
    );
    assert_eq!(r.app.pending().len(), 1);
    assert_eq!(r.app.tail.back().map(|t| &t.status), Some(&Saved::Saving));

    assert!(r.save(&effects).is_empty());
    assert!(r.app.pending().is_empty());
    assert_eq!(r.app.tail.back().map(|t| &t.status), Some(&Saved::Saved(2)));
    assert_eq!(r.status("confirm"), StepStatus::InProgress);
    r.assert_live_state_is_replay();
}

#[test]
fn enter_on_a_started_step_opens_its_details_and_then_ticks_items() {
    let mut r = Journal::incident()
        .step("confirm", Payload::StepStarted(event::Empty {}))
        .open();
    assert!(r.enter().is_empty());
    assert_eq!(r.app.focus, Pane::Detail);
    let effects = r.enter();
    let tick = payload!(only_append(&effects), ChecklistItem);
    assert_eq!((tick.item, tick.checked), (0, true));
}

#[test]
fn enter_on_a_step_that_normally_follows_another_warns_and_starts_it() {
    let mut r = Runner::new();
    r.select("scope");
    let effects = r.enter();
    assert_eq!(only_append(&effects).event.step.as_deref(), Some("scope"));
    assert!(
        r.has_notice("normally follows “Confirm the incident”"),
        "{:?}",
        r.notices()
    );
}

#[test]
fn enter_on_a_blocked_step_starts_it_again() {
    let mut r = Journal::incident()
        .step(
            "isolate",
            Payload::StepBlocked(event::Reason {
                reason: "no access".into(),
            }),
        )
        .open();
    let effects = r.enter();
    assert_eq!(kinds(&effects), [Kind::StepStarted]);
    r.save(&effects);
    assert_eq!(r.status("isolate"), StepStatus::InProgress);
}

#[test]
fn enter_in_the_phases_pane_moves_to_the_steps() {
    let mut r = Runner::new();
    r.app.focus = Pane::Phases;
    assert!(r.enter().is_empty());
    assert_eq!(r.app.focus, Pane::Steps);
}

// --- done and submissions ------------------------------------------------

#[test]
fn done_records_step_done_and_names_unanswered_facts() {
    let mut r = Runner::new();
    assert!(r.ch('x').is_empty(), "unticked checklist: asks first");
    assert!(r.has_notice("press x again"));
    r.advance(Duration::seconds(1));
    let effects = r.ch('x');
    assert_eq!(
        only_append(&effects).event,
        Event::on_step("confirm", Payload::StepDone(event::StepDone::default()))
    );
    assert!(
        r.has_notice("not answered yet: aware_at, org"),
        "{:?}",
        r.notices()
    );
    r.save(&effects);
    assert_eq!(r.status("confirm"), StepStatus::Done);
    assert!(r.ch('x').is_empty(), "already done");
    assert!(r.has_notice("already done"));
}

/// The defect: `x x` in one burst (a double press, or keys typed ahead
/// before the screen was drawn) marked a required step done past the
/// "checklist items unticked" question nobody had seen.
#[test]
fn x_pressed_twice_in_one_burst_never_confirms_marking_done() {
    let mut r = Runner::new();
    assert!(r.ch('x').is_empty(), "asks first");
    r.advance(Duration::milliseconds(150));
    assert!(r.ch('x').is_empty(), "too soon to be an answer: asks again");
    assert!(r.has_notice("press x again"));
    assert_eq!(r.status("confirm"), StepStatus::Open);
    // Typed ahead in one burst: each repeat asks again, none answers.
    for _ in 0..3 {
        assert!(r.ch('x').is_empty());
    }
    assert_eq!(r.status("confirm"), StepStatus::Open);
    // Read, then pressed again: the yes it asked for.
    r.advance(Duration::seconds(1));
    let effects = r.ch('x');
    assert_eq!(
        only_append(&effects).event,
        Event::on_step("confirm", Payload::StepDone(event::StepDone::default()))
    );
}

#[test]
fn done_on_a_step_that_meets_a_clock_opens_the_submission_form() {
    let mut r = Journal::incident().with_basics().open();
    r.select("early-warning");
    assert!(r.ch('x').is_empty(), "nothing recorded before the form");
    let form = mode!(r, Submit);
    assert_eq!(form.stages, ["csirt-report.early-warning"]);
    assert!(form.then_done);
    assert_eq!(
        form.fields[1].1.text(),
        "National CSIRT",
        "the step's contact"
    );
    assert_eq!(form.fields[3].1.text(), "now");

    r.press(KeyCode::End);
    r.type_text("-portal");
    let effects = r.enter();
    assert_eq!(kinds(&effects), [Kind::Submission, Kind::StepDone]);
    let sub = payload!(appended(&effects)[0], Submission);
    assert_eq!(sub.stages, ["csirt-report.early-warning"]);
    assert_eq!(
        (sub.channel.as_str(), sub.recipient.as_str(), sub.sent_at),
        ("email-portal", "National CSIRT", r.now)
    );
    assert_eq!((&sub.backdated_reason, sub.version), (&None, None));
    assert_eq!(r.app.mode, Mode::Normal);
    r.save(&effects);
    assert_eq!(r.status("early-warning"), StepStatus::Done);
    let met = clocks::evaluate(&r.app.playbook, r.app.state(), r.now)
        .into_iter()
        .find(|v| v.stage.id == "early-warning")
        .expect("stage");
    assert!(
        matches!(met.state, StageState::Met { .. }),
        "{:?}",
        met.state
    );
    r.assert_live_state_is_replay();
}

#[test]
fn a_submission_backdated_beyond_ten_minutes_needs_a_reason() {
    let mut r = Journal::incident().with_basics().open();
    r.select("early-warning");
    r.ch('x');
    for _ in 0..3 {
        r.tab();
    }
    r.clear_line();
    r.type_text("-30m");
    assert!(r.enter().is_empty(), "refused without a reason");
    let form = mode!(r, Submit);
    assert_eq!(
        form.error.as_deref(),
        Some("sent 30m ago: say why it is recorded late · the cursor is now in Why backdated")
    );
    assert_eq!(form.fields[form.focus].0, SubmitField::Backdate);

    r.type_text("Phoned in before the journal was open");
    let effects = r.enter();
    assert_eq!(kinds(&effects), [Kind::Submission, Kind::StepDone]);
    let sub = payload!(appended(&effects)[0], Submission);
    assert_eq!(sub.sent_at, r.now - Duration::minutes(30));
    assert_eq!(
        sub.backdated_reason.as_deref(),
        Some("Phoned in before the journal was open")
    );
}

#[test]
fn a_submission_within_ten_minutes_needs_no_reason_and_a_future_one_is_refused() {
    let mut r = Journal::incident().with_basics().open();
    r.select("early-warning");
    r.ch('x');
    for _ in 0..3 {
        r.tab();
    }
    r.clear_line();
    r.type_text("+1h");
    assert!(r.enter().is_empty());
    assert!(mode!(r, Submit).error.is_some(), "not a time");
    r.clear_line();
    r.type_text(&(r.now + Duration::hours(1)).to_rfc3339());
    assert!(r.enter().is_empty());
    assert_eq!(
        mode!(r, Submit).error.as_deref(),
        Some("the time sent is in the future")
    );
    r.clear_line();
    r.type_text("-10m");
    let effects = r.enter();
    let sub = payload!(appended(&effects)[0], Submission);
    assert_eq!(
        (sub.sent_at, &sub.backdated_reason),
        (r.now - Duration::minutes(10), &None)
    );
}

#[test]
fn a_submission_of_a_draft_with_gaps_asks_for_confirmation() {
    let mut r = Runner::new();
    r.select("early-warning");
    r.ch('m');
    let effects = r.ch('y');
    assert_eq!(
        payload!(appended(&effects)[0], MessageDrafted).gaps,
        ["org", "aware_at"]
    );
    r.save(&effects);
    r.esc();
    r.ch('x');
    assert_eq!(mode!(r, Submit).gaps, ["org", "aware_at"]);
    assert!(r.enter().is_empty(), "first Enter only warns");
    let form = mode!(r, Submit);
    assert!(form.confirmed_gaps);
    assert!(
        form.error
            .as_deref()
            .is_some_and(|e| e.contains("still has gaps (org, aware_at)"))
    );
    let effects = r.enter();
    assert_eq!(kinds(&effects), [Kind::Submission, Kind::StepDone]);
    assert_eq!(payload!(appended(&effects)[0], Submission).version, Some(1));
}

#[test]
fn a_submission_needs_a_channel_and_a_recipient_and_esc_cancels() {
    let mut r = Journal::incident().with_basics().open();
    r.select("final-report");
    r.ch('x');
    assert_eq!(mode!(r, Submit).fields[1].1.text(), "National CSIRT");
    r.tab();
    r.clear_line();
    assert!(r.enter().is_empty());
    let form = mode!(r, Submit);
    assert_eq!(form.error.as_deref(), Some("the recipient is required"));
    assert_eq!(form.fields[form.focus].0, SubmitField::Recipient);
    assert!(r.esc().is_empty());
    assert!(
        r.app.discard_armed,
        "a cleared field is typed text: Esc asks"
    );
    assert!(r.esc().is_empty());
    assert_eq!(r.app.mode, Mode::Normal);
    assert_eq!(r.status("final-report"), StepStatus::Open);
}

// --- skip, block, reopen -------------------------------------------------

#[test]
fn skip_asks_for_a_reason_and_refuses_an_empty_one() {
    let mut r = Runner::new();
    r.select("preserve");
    assert!(r.ch('s').is_empty());
    let dialog = mode!(r, Reason);
    assert_eq!(
        (dialog.kind, dialog.step.as_str()),
        (ReasonKind::Skip, "preserve")
    );
    r.type_text("   ");
    assert!(r.enter().is_empty());
    assert_eq!(
        mode!(r, Reason).error.as_deref(),
        Some("a reason is required: it is what reviewers will read")
    );
    assert_eq!(r.status("preserve"), StepStatus::Open);
}

#[test]
fn skip_with_a_reason_records_step_skipped() {
    let mut r = Runner::new();
    r.select("preserve");
    r.ch('s');
    r.type_text("Vendor imaged the disks");
    let effects = r.enter();
    assert_eq!(
        only_append(&effects).event,
        Event::on_step(
            "preserve",
            Payload::StepSkipped(event::Reason {
                reason: "Vendor imaged the disks".into()
            })
        )
    );
    assert_eq!(r.app.mode, Mode::Normal);
    r.save(&effects);
    assert_eq!(r.status("preserve"), StepStatus::Skipped);
    r.assert_live_state_is_replay();
}

#[test]
fn esc_leaves_the_reason_dialog_without_recording() {
    let mut r = Runner::new();
    r.ch('s');
    r.type_text("not yet");
    assert!(r.esc().is_empty());
    assert!(
        matches!(r.app.mode, Mode::Reason(_)),
        "typed text: Esc asks first"
    );
    assert!(r.esc().is_empty());
    assert_eq!(r.app.mode, Mode::Normal);
}

#[test]
fn skip_with_the_phases_pane_focused_asks_to_select_a_step() {
    let mut r = Runner::new();
    r.app.focus = Pane::Phases;
    assert!(r.ch('s').is_empty());
    assert_eq!(r.app.mode, Mode::Normal);
    assert!(r.has_notice("select a step first"));
}

#[test]
fn block_records_step_blocked_with_its_reason() {
    let mut r = Runner::new();
    r.select("isolate");
    r.ch('b');
    assert_eq!(mode!(r, Reason).kind, ReasonKind::Block);
    assert!(r.enter().is_empty(), "a reason is required");
    r.type_text("Waiting for network team");
    let effects = r.enter();
    let blocked = payload!(only_append(&effects), StepBlocked);
    assert_eq!(blocked.reason, "Waiting for network team");
    r.save(&effects);
    assert_eq!(r.status("isolate"), StepStatus::Blocked);
}

#[test]
fn reopen_an_open_step_is_refused() {
    let mut r = Runner::new();
    assert!(r.ch('r').is_empty());
    assert_eq!(r.app.mode, Mode::Normal);
    assert!(r.has_notice("already open"));
}

#[test]
fn reopen_a_closed_step_takes_an_optional_reason() {
    let mut r = Journal::incident()
        .step("isolate", Payload::StepDone(event::StepDone::default()))
        .step("rate", Payload::StepDone(event::StepDone::default()))
        .open();
    r.select("isolate");
    r.ch('r');
    assert_eq!(mode!(r, Reason).kind, ReasonKind::Reopen);
    let effects = r.enter();
    assert_eq!(
        payload!(only_append(&effects), StepReopened).reason,
        None,
        "no reason needed"
    );
    r.select("rate");
    r.advance(Duration::seconds(1)); // a moment after the dialog closed
    r.ch('r');
    r.type_text("New evidence");
    let more = r.enter();
    assert_eq!(
        payload!(only_append(&more), StepReopened).reason.as_deref(),
        Some("New evidence")
    );
    r.save(&effects);
    r.save(&more);
    assert_eq!(
        (r.status("isolate"), r.status("rate")),
        (StepStatus::Open, StepStatus::Open)
    );
}

// --- checklist -----------------------------------------------------------

#[test]
fn space_ticks_the_selected_item_and_again_unticks_it() {
    let mut r = Runner::new();
    let effects = r.ch(' ');
    assert_eq!(
        payload!(only_append(&effects), ChecklistItem),
        &event::ChecklistItem {
            item: 0,
            text: "Collect the alert".into(),
            checked: true,
        }
    );
    r.save(&effects);
    assert!(
        r.app
            .state()
            .step("confirm")
            .is_some_and(|s| s.is_checked(0))
    );
    let effects = r.ch(' ');
    assert!(!payload!(only_append(&effects), ChecklistItem).checked);
    r.save(&effects);
    assert!(
        !r.app
            .state()
            .step("confirm")
            .is_some_and(|s| s.is_checked(0))
    );
}

#[test]
fn digits_tick_the_numbered_item() {
    let mut r = Runner::new();
    let effects = r.ch('2');
    let tick = payload!(only_append(&effects), ChecklistItem);
    assert_eq!(
        (tick.item, tick.text.as_str(), tick.checked),
        (1, "Open the channel", true)
    );
    assert_eq!(r.app.item, 1);
    assert!(r.ch('9').is_empty(), "no ninth item");
}

#[test]
fn ticking_a_step_without_a_checklist_says_so() {
    let mut r = Runner::new();
    r.select("isolate");
    assert!(r.ch(' ').is_empty());
    assert!(r.has_notice("no checklist"));
}
