//! Expectations: checked against the playbook when the case file is read,
//! then judged against the replayed run at the case's `now`.

use chrono_tz::Tz;

use super::build::{ClockExpect, DraftExpect, Due, Expectations, absolute_time};
use super::doc::ExpectDoc;
use crate::app::message;
use crate::clocks;
use crate::diag::{Diagnostic, Located, Pos};
use crate::export::summary::state_name;
use crate::playbook::Playbook;
use crate::playbook::validate::{Checker, with_suggestion};
use crate::playbook::value::format_utc;
use crate::run::{self, query};

use super::Case;

/// Checks every name an expectation uses; keeps the ones that exist.
pub(super) fn compile_expectations(
    c: &mut Checker<'_>,
    playbook: &Playbook,
    doc: &ExpectDoc,
    tz: Tz,
) -> Expectations {
    let step_ids: Vec<&str> = playbook.steps().map(|s| s.id.as_str()).collect();
    let unknown_step = |c: &mut Checker<'_>, id: &str, at: Pos| {
        let known = step_ids.contains(&id);
        if !known {
            let d = Diagnostic::error(format!("unknown step `{id}`"))
                .at(at)
                .underline(id.chars().count());
            c.push(with_suggestion(d, id, step_ids.iter().copied()));
        }
        known
    };
    let mut out = Expectations::default();
    for step in &doc.visible {
        if unknown_step(c, step, step.at) {
            out.visible.push(step.value.clone());
        }
    }
    for (step, reason) in &doc.hidden {
        if unknown_step(c, step, step.at) {
            out.hidden.push((step.value.clone(), reason.value.clone()));
        }
    }
    for (key, expect) in &doc.clocks {
        let (stage, at) = (&key.value, key.at);
        if expect.state.is_none() && expect.due.is_none() {
            c.push(Diagnostic::error(format!("`{stage}`: give `state`, `due` or both")).at(at));
            continue;
        }
        let exists = stage.split_once('.').is_some_and(|(clock, id)| {
            playbook
                .clocks
                .iter()
                .any(|k| k.id == clock && k.stage(id).is_some())
        });
        if !exists {
            let known: Vec<String> = playbook
                .clocks
                .iter()
                .flat_map(|k| k.stages.iter().map(move |s| format!("{}.{}", k.id, s.id)))
                .collect();
            let d = Diagnostic::error(format!(
                "`{stage}` is not a clock stage of this playbook (write `clock.stage`)"
            ))
            .at_value(key);
            c.push(with_suggestion(d, stage, known.iter().map(String::as_str)));
            continue;
        }
        let due = expect.due.as_ref().and_then(|d| due_time(c, d, tz));
        if expect.due.is_some() && due.is_none() {
            continue;
        }
        out.clocks.push(ClockExpect {
            stage: stage.clone(),
            state: expect.state.as_ref().map(|s| s.value.name()),
            due,
        });
    }
    for (key, expect) in &doc.drafts {
        let (step, at) = (&key.value, key.at);
        if !unknown_step(c, step, at) {
            continue;
        }
        if playbook.step(step).is_some_and(|s| s.message.is_none()) {
            c.push(Diagnostic::error(format!("step `{step}` has no message to draft")).at(at));
            continue;
        }
        let texts = |v: &[Located<String>]| v.iter().map(|l| l.value.clone()).collect();
        out.drafts.push(DraftExpect {
            step: step.clone(),
            contains: texts(&expect.contains),
            not_contains: texts(&expect.not_contains),
            gaps: expect.gaps.as_deref().map(texts),
        });
    }
    out.warnings = doc
        .warnings
        .as_ref()
        .map(|w| w.iter().map(|l| l.value.clone()).collect());
    out
}

/// `none`, or a time.
fn due_time(c: &mut Checker<'_>, text: &Located<String>, tz: Tz) -> Option<Due> {
    if text.trim() == "none" {
        return Some(Due::None);
    }
    match absolute_time(text, tz) {
        Ok(t) => Some(Due::At(t)),
        Err(why) => {
            c.push(Diagnostic::error(why).at_value(text));
            None
        }
    }
}

/// Replays a case and returns every expectation that does not hold, each
/// named and with what was found instead.
pub fn run_case(case: &Case, playbook: &Playbook, warnings: &[Diagnostic]) -> Vec<String> {
    let state = run::replay(playbook, &case.entries);
    let mut failures = Vec::new();
    let mut fail = |s: String| failures.push(s);
    for id in &case.expect.visible {
        let view = step(playbook, &state, id, case);
        if let Some(v) = view.filter(|v| !v.is_visible()) {
            fail(format!(
                "step `{id}` visible — expected visible, got hidden ({})",
                v.applicability.reason().unwrap_or_default()
            ));
        }
    }
    for (id, reason) in &case.expect.hidden {
        let Some(view) = step(playbook, &state, id, case) else {
            continue;
        };
        let why = view.applicability.reason().unwrap_or_default();
        if view.is_visible() {
            fail(format!("step `{id}` hidden — expected hidden, got visible"));
        } else if !why.contains(reason.as_str()) {
            fail(format!(
                "step `{id}` hidden because \"{reason}\" — got \"{why}\""
            ));
        }
    }
    let stages = clocks::evaluate(playbook, &state, case.now);
    for expect in &case.expect.clocks {
        let Some(view) = stages
            .iter()
            .find(|v| format!("{}.{}", v.clock.id, v.stage.id) == expect.stage)
        else {
            continue;
        };
        let got_state = state_name(&view.state);
        let got_due = view.due.map_or_else(|| "none".to_string(), format_utc);
        if let Some(want) = expect.state
            && want != got_state
        {
            fail(format!(
                "clock `{}` state — expected {want}, got {got_state} (due {got_due})",
                expect.stage
            ));
        }
        if let Some(want) = expect.due.map(Due::time)
            && want != view.due
        {
            let want = want.map_or_else(|| "none".to_string(), format_utc);
            fail(format!(
                "clock `{}` due — expected {want}, got {got_due} ({got_state})",
                expect.stage
            ));
        }
    }
    for expect in &case.expect.drafts {
        let Some(filled) = playbook
            .step(&expect.step)
            .and_then(|s| message::fill(s, playbook, &state, case.tz))
        else {
            continue;
        };
        let text = filled.text(case.exercise);
        for part in &expect.contains {
            if !text.contains(part.as_str()) {
                fail(format!(
                    "draft `{}` contains \"{part}\" — not found in: {}",
                    expect.step,
                    excerpt(&text)
                ));
            }
        }
        for part in &expect.not_contains {
            if let Some(i) = text.find(part.as_str()) {
                fail(format!(
                    "draft `{}` does not contain \"{part}\" — found in: …{}…",
                    expect.step,
                    around(&text, i, part.len())
                ));
            }
        }
        if let Some(want) = &expect.gaps {
            let got = filled.gaps();
            let sorted = |v: &[String]| {
                let mut v = v.to_vec();
                v.sort();
                v
            };
            if sorted(&got) != sorted(want) {
                fail(format!(
                    "draft `{}` gaps — expected [{}], got [{}]",
                    expect.step,
                    want.join(", "),
                    got.join(", ")
                ));
            }
        }
    }
    if let Some(parts) = &case.expect.warnings {
        warning_failures(parts, warnings, &mut fail);
    }
    failures
}

fn step<'a>(
    playbook: &'a Playbook,
    state: &run::RunState,
    id: &str,
    case: &Case,
) -> Option<query::StepView<'a>> {
    playbook
        .step(id)
        .map(|s| query::step_view(playbook, state, s, case.now))
}

/// Each listed part must match a warning, and each warning a listed part.
fn warning_failures(parts: &[String], warnings: &[Diagnostic], fail: &mut dyn FnMut(String)) {
    for part in parts {
        if !warnings.iter().any(|w| w.message.contains(part.as_str())) {
            fail(format!(
                "warning \"{part}\" — not among the playbook's warnings"
            ));
        }
    }
    for w in warnings {
        if !parts.iter().any(|p| w.message.contains(p.as_str())) {
            let at = w
                .pos
                .map(|p| format!(" (line {})", p.line))
                .unwrap_or_default();
            fail(format!("no other warnings — got \"{}\"{at}", w.message));
        }
    }
}

/// The draft on one line, shortened.
fn excerpt(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut short: String = flat.chars().take(160).collect();
    if short.len() < flat.len() {
        short.push('…');
    }
    short
}

/// Up to 40 characters either side of a match, on one line.
fn around(text: &str, at: usize, len: usize) -> String {
    let before: String = text[..at]
        .chars()
        .rev()
        .take(40)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let after: String = text[at + len..].chars().take(40).collect();
    format!("{before}{}{after}", &text[at..at + len])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
