//! Playbook identifiers in the responder's words: step titles for step
//! ids, and a condition as the questions it reads with the answers given,
//! so no raw id or expression reaches a stressed reader.

use crate::clocks::{StageState, StageView};
use crate::playbook::expr::Truth;
use crate::playbook::{Condition, Playbook};
use crate::run::RunState;

/// The titles of `steps`, joined; an id the playbook lacks stays as is.
pub fn step_titles<S: AsRef<str>>(playbook: &Playbook, steps: &[S]) -> String {
    steps
        .iter()
        .map(|s| {
            let id = s.as_ref();
            playbook
                .step(id)
                .map_or_else(|| id.to_string(), |st| format!("“{}”", st.title))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The questions `facts` ask, joined; an id the playbook lacks stays as is.
pub fn fact_questions<S: AsRef<str>>(playbook: &Playbook, facts: &[S]) -> String {
    facts
        .iter()
        .map(|f| {
            let id = f.as_ref();
            playbook
                .fact(id)
                .map_or_else(|| id.to_string(), |d| d.prompt.trim().to_string())
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Each fact a condition reads, as its question and the answer given
/// (`Is personal data involved? no`), once each, in order.
pub fn condition_answers(condition: &Condition, playbook: &Playbook, state: &RunState) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for fact in condition.expr.facts() {
        if !seen.contains(&fact.name.as_str()) {
            seen.push(&fact.name);
        }
    }
    seen.iter()
        .map(|id| {
            let def = playbook.fact(id);
            let question = def.map_or_else(|| format!("{id} ="), |d| asked(&d.prompt));
            let answer = state.fact(id).map_or_else(
                || "not answered".to_string(),
                |v| v.display(def, state.timezone()),
            );
            format!("{question} {answer}")
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// Why a stage does not apply, in words: the answers that make its clock's
/// (or its own) condition false; `None` for any other state.
pub fn stage_not_applicable(
    v: &StageView<'_>,
    playbook: &Playbook,
    state: &RunState,
) -> Option<String> {
    if !matches!(v.state, StageState::NotApplicable { .. }) {
        return None;
    }
    let is_false = |c: &&Condition| c.expr.eval(&|id| state.fact(id)).truth == Truth::False;
    let (whose, condition) = v
        .clock
        .when
        .as_ref()
        .filter(is_false)
        .map(|c| ("the clock", c))
        .or_else(|| v.stage.condition.as_ref().map(|c| ("this stage", c)))?;
    Some(format!(
        "{} — {whose} does not apply given: {}",
        v.state.label(),
        condition_answers(condition, playbook, state)
    ))
}

/// A fact's prompt ready for its answer: a question as it is, a label
/// with a colon (`Severity:`).
pub fn asked(prompt: &str) -> String {
    let prompt = prompt.trim();
    if prompt.ends_with('?') || prompt.ends_with(':') {
        prompt.to_string()
    } else {
        format!("{prompt}:")
    }
}
