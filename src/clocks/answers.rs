//! A condition in the responder's words: each fact it reads, as the
//! playbook's question with the answer given, so no raw `when:` expression
//! reaches a reader of the screen, `status` or an export.

use crate::playbook::{Condition, Playbook};
use crate::run::RunState;

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
