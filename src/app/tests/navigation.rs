//! Moving between panes, phases and steps; search, filters and help.

use super::*;

// --- moving around -------------------------------------------------------

#[test]
fn opens_on_the_first_open_required_step() {
    let r = Runner::new();
    assert_eq!(r.app.selected.as_deref(), Some("confirm"));
    assert_eq!(
        (r.app.focus, r.app.phase, &r.app.mode),
        (Pane::Steps, 0, &Mode::Normal)
    );
}

#[test]
fn resumes_on_the_step_the_journal_last_acted_on() {
    let r = Journal::incident()
        .step("isolate", Payload::StepStarted(event::Empty {}))
        .open();
    assert_eq!(
        (r.app.selected.as_deref(), r.app.phase),
        (Some("isolate"), 1)
    );
}

#[test]
fn move_down_and_up_walk_the_steps_of_the_phase() {
    let mut r = Runner::new();
    assert!(r.ch('j').is_empty());
    assert_eq!(r.app.selected.as_deref(), Some("scope"));
    r.press(KeyCode::Down);
    r.press(KeyCode::Down);
    assert_eq!(r.app.selected.as_deref(), Some("rate"), "stops at the last");
    assert!(r.ch('k').is_empty());
    assert_eq!(r.app.selected.as_deref(), Some("scope"));
    r.press(KeyCode::Up);
    r.press(KeyCode::Up);
    assert_eq!(
        r.app.selected.as_deref(),
        Some("confirm"),
        "stops at the first"
    );
}

#[test]
fn moves_in_the_detail_pane_walk_the_checklist_or_scroll() {
    let mut r = Runner::new();
    r.app.focus = Pane::Detail;
    r.ch('j');
    r.ch('j');
    assert_eq!(r.app.item, 1, "confirm has two items");
    r.ch('k');
    assert_eq!(r.app.item, 0);
    r.select("isolate");
    r.app.focus = Pane::Detail;
    r.ch('j');
    assert_eq!(
        (r.app.item, r.app.detail_scroll),
        (0, 1),
        "no checklist: scrolls"
    );
    r.ch('k');
    assert_eq!(r.app.detail_scroll, 0);
}

#[test]
fn moves_in_the_phases_pane_change_phase() {
    let mut r = Runner::new();
    r.app.focus = Pane::Phases;
    r.ch('j');
    assert_eq!(
        (r.app.phase, r.app.selected.as_deref()),
        (1, Some("isolate"))
    );
}

#[test]
fn tab_and_backtab_cycle_the_panes() {
    let mut r = Runner::new();
    let mut seen = Vec::new();
    for _ in 0..3 {
        assert!(r.tab().is_empty());
        seen.push(r.app.focus);
    }
    assert_eq!(seen, [Pane::Detail, Pane::Phases, Pane::Steps]);
    seen.clear();
    for _ in 0..3 {
        r.press(KeyCode::BackTab);
        seen.push(r.app.focus);
    }
    assert_eq!(seen, [Pane::Phases, Pane::Detail, Pane::Steps]);
}

#[test]
fn phase_keys_change_phase_wrap_around_and_select_its_first_visible_step() {
    let mut r = Runner::new();
    assert!(r.ch('l').is_empty());
    assert_eq!(
        (r.app.phase, r.app.selected.as_deref()),
        (1, Some("isolate"))
    );
    r.ch(']');
    assert_eq!(
        (r.app.phase, r.app.selected.as_deref()),
        (2, Some("early-warning"))
    );
    r.ch('[');
    r.press(KeyCode::Left);
    assert_eq!(
        (r.app.phase, r.app.selected.as_deref()),
        (0, Some("confirm"))
    );
    r.ch('h');
    assert_eq!(
        (r.app.phase, r.app.selected.as_deref()),
        (3, Some("holding-statement")),
        "wraps to the last phase"
    );
    r.press(KeyCode::Right);
    assert_eq!(r.app.phase, 0, "wraps to the first phase");
}

#[test]
fn page_keys_scroll_the_details_by_eight_lines() {
    let mut r = Runner::new();
    assert!(r.press(KeyCode::PageDown).is_empty());
    r.press(KeyCode::PageDown);
    assert_eq!(r.app.detail_scroll, 16);
    r.press(KeyCode::PageUp);
    assert_eq!(r.app.detail_scroll, 8);
    r.press(KeyCode::PageUp);
    r.press(KeyCode::PageUp);
    assert_eq!(r.app.detail_scroll, 0);
}

// --- search and navigation -----------------------------------------------

#[test]
fn search_selects_a_hit_and_esc_leaves_the_selection() {
    let mut r = Runner::new();
    assert!(r.ch('/').is_empty());
    r.type_text("isolate");
    assert!(r.enter().is_empty());
    assert_eq!(
        (
            r.app.selected.as_deref(),
            r.app.phase,
            r.app.focus,
            &r.app.mode
        ),
        (Some("isolate"), 1, Pane::Steps, &Mode::Normal)
    );
    r.ch('/');
    r.type_text("send");
    r.press(KeyCode::Down);
    r.enter();
    assert_eq!(
        r.app.selected.as_deref(),
        Some("final-report"),
        "second hit"
    );
    r.ch('/');
    r.type_text("confirm");
    r.esc();
    assert_eq!(r.app.selected.as_deref(), Some("final-report"));
    assert_eq!(r.app.search_hits("SEND"), ["early-warning", "final-report"]);
}

#[test]
fn searching_for_a_step_that_does_not_apply_shows_hidden_steps() {
    let mut r = Runner::new();
    r.ch('/');
    r.update(Msg::Paste("preserve".into()));
    r.enter();
    assert_eq!(r.app.selected.as_deref(), Some("preserve"));
    assert!(r.app.show_hidden);
}

#[test]
fn next_required_goes_to_the_most_urgent_actionable_step() {
    let mut r = Runner::new();
    assert!(r.ch('g').is_empty());
    assert_eq!(r.app.selected.as_deref(), Some("confirm"), "30m timebox");
    assert!(r.has_notice("earliest timebox"));
    r.ch('g');
    assert_eq!(r.app.selected.as_deref(), Some("confirm"), "stays on it");

    let mut done = Journal::incident()
        .step("confirm", Payload::StepDone(event::StepDone::default()))
        .step("isolate", Payload::StepDone(event::StepDone::default()))
        .open();
    done.ch('g');
    assert!(done.has_notice("no required step is open"));
}

#[test]
fn my_roles_shows_only_the_steps_of_roles_i_hold() {
    let mut r = Runner::new();
    assert!(r.ch('f').is_empty());
    assert!(r.app.mine_only);
    assert!(r.has_notice("Dana Reyes holds no role yet"));
    assert!(r.row_ids(0).is_empty());
    r.ch('f');
    assert!(!r.app.mine_only);

    let mut ic = Journal::incident().role("ic", ACTOR).open();
    ic.ch('f');
    assert_eq!(ic.row_ids(0), ["confirm", "scope", "rate"]);
    assert!(ic.row_ids(3).is_empty(), "the statement is for comms");
    assert!(ic.notices().is_empty());
}

#[test]
fn show_hidden_lists_steps_that_do_not_apply_with_why() {
    let mut r = Runner::new();
    assert_eq!(r.row_ids(1), ["isolate"]);
    assert!(r.ch('H').is_empty());
    let rows = r.app.rows(1);
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (rows[1].id.as_str(), rows[1].hidden.as_deref()),
        ("preserve", Some("waiting for: severity"))
    );
    r.ch('H');
    assert_eq!(r.row_ids(1), ["isolate"]);
}

#[test]
fn help_opens_scrolls_and_any_other_key_closes_it() {
    let mut r = Runner::new();
    assert!(r.ch('?').is_empty());
    r.ch('j');
    r.ch('j');
    r.ch('k');
    assert_eq!(r.app.mode, Mode::Help { scroll: 1 });
    assert!(r.ch('x').is_empty(), "closes, does not mark done");
    assert_eq!(r.app.mode, Mode::Normal);
    r.press(KeyCode::F(1));
    assert_eq!(r.app.mode, Mode::Help { scroll: 0 });
}

#[test]
fn unbound_keys_do_nothing() {
    let mut r = Runner::new();
    let before = r.app.clone();
    assert!(r.ch('z').is_empty());
    assert_eq!(
        (&r.app.mode, &r.app.selected, r.app.focus),
        (&before.mode, &before.selected, before.focus)
    );
    assert!(r.update(Msg::Paste("text".into())).is_empty());
}
