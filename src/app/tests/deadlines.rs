//! The clocks view and the notices clocks raise as time passes.

use super::*;

// --- clocks --------------------------------------------------------------

#[test]
fn clocks_lists_the_stages_and_g_goes_to_the_step_that_meets_one() {
    let mut r = Runner::new();
    assert!(r.ch('c').is_empty());
    assert_eq!(r.app.mode, Mode::Clocks(ClocksView::default()));
    r.ch('j');
    r.enter();
    assert_eq!(
        r.app.mode,
        Mode::Clocks(ClocksView {
            selected: 1,
            detail: true
        })
    );
    r.esc();
    assert_eq!(
        r.app.mode,
        Mode::Clocks(ClocksView {
            selected: 1,
            detail: false
        })
    );
    for _ in 0..10 {
        r.ch('j');
    }
    assert_eq!(mode!(r, Clocks).selected, 3, "four stages");
    r.ch('k');
    r.ch('k');
    r.ch('g');
    assert_eq!(r.app.mode, Mode::Normal);
    assert_eq!(r.app.selected.as_deref(), Some("early-warning"));
    r.ch('c');
    r.ch('q');
    assert_eq!(r.app.mode, Mode::Normal);
}

#[test]
fn clocks_in_a_playbook_without_clocks_says_so() {
    let mut r = Runner::new();
    r.app.playbook.clocks.clear();
    assert!(r.ch('c').is_empty());
    assert_eq!(r.app.mode, Mode::Normal);
    assert!(r.has_notice("no deadline clocks"));
}

// --- ticks and clock nudges ----------------------------------------------

/// Notices about the fixture's 24-hour early-warning stage.
fn early_warning_notices(r: &Runner) -> Vec<(String, bool)> {
    r.app
        .notices
        .iter()
        .filter(|n| n.text.contains("csirt-report.early-warning"))
        .map(|n| (n.text.clone(), n.urgent))
        .collect()
}

#[test]
fn clock_nudges_appear_once_each_at_75_and_90_percent_and_at_breach() {
    let mut r = Journal::incident()
        .fact("aware_at", json!("2026-11-02T08:00:00Z"))
        .open();
    let mut seen = Vec::new();
    // (minutes after awareness, what the tick announces)
    for minutes in [60, 17 * 60, 18 * 60, 18 * 60 + 10, 1296, 1300, 1441, 1500] {
        r.now = utc(START) + Duration::minutes(minutes);
        assert!(r.tick().is_empty(), "ticks record nothing");
        seen.push((minutes, early_warning_notices(&r)));
    }
    let announced: Vec<(i64, String, bool)> = seen
        .into_iter()
        .flat_map(|(m, n)| n.into_iter().map(move |(t, u)| (m, t, u)))
        .collect();
    assert_eq!(
        announced,
        [
            (
                18 * 60,
                "⏰ 75% of the time used: csirt-report.early-warning — Early warning".into(),
                false
            ),
            (
                1296,
                "⏰ 90% of the time used: csirt-report.early-warning — Early warning".into(),
                true
            ),
            (
                1441,
                "⚠ DEADLINE PASSED: csirt-report.early-warning — Early warning".into(),
                true
            ),
        ]
    );
}

#[test]
fn thresholds_passed_before_the_journal_opened_are_not_announced() {
    let mut r = Journal::incident()
        .fact("aware_at", json!("2026-11-02T08:00:00Z"))
        .open_at(utc(START) + Duration::hours(20));
    r.tick();
    assert!(early_warning_notices(&r).is_empty());
    r.advance(Duration::hours(2));
    r.tick();
    assert_eq!(early_warning_notices(&r).len(), 1, "90 % is new");
}

#[test]
fn notices_expire_after_ten_seconds() {
    let mut r = Runner::new();
    r.ch('m');
    assert_eq!(r.notices().len(), 1);
    r.advance(Duration::seconds(9));
    r.tick();
    assert_eq!(r.notices().len(), 1);
    r.advance(Duration::seconds(2));
    r.tick();
    assert!(r.notices().is_empty());
}
