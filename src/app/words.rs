//! Playbook identifiers in the responder's words: step titles for step
//! ids, and a condition as the questions it reads with the answers given,
//! so no raw id or expression reaches a stressed reader.

pub use crate::clocks::answers::{asked, condition_answers};
use crate::playbook::Playbook;

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

/// Stages named by their clock's title and their own, one clock once:
/// `Personal data breach notification (Notify the authority, Tell the
/// people affected)`, in the order given.
pub fn stage_titles(views: &[crate::clocks::StageView<'_>]) -> String {
    let mut clocks: Vec<(&str, Vec<&str>)> = Vec::new();
    for v in views {
        match clocks.iter_mut().find(|(title, _)| *title == v.clock.title) {
            Some((_, stages)) => stages.push(&v.stage.title),
            None => clocks.push((&v.clock.title, vec![&v.stage.title])),
        }
    }
    clocks
        .iter()
        .map(|(clock, stages)| format!("{clock} ({})", stages.join(", ")))
        .collect::<Vec<_>>()
        .join(" · ")
}
