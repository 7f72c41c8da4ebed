//! Closing an incident: the rule the runner and `runsheet close` share.
//! A required step still open at closing needs its own reason, so the
//! record says why it was never done (docs/playbook-format.md:
//! `required: true`).
//!
//! Pure: the state to close is passed in.

use super::{RunState, query};
use crate::journal::event::{Closed, OpenStep};
use crate::playbook::Playbook;

/// Why the incident cannot be closed as asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CloseRefusal {
    /// The closing reason is empty.
    NoReason,
    /// A `closed` entry already exists.
    AlreadyClosed { seq: u64 },
    /// A reason names a step that is not an open required step.
    NotOpen(String),
    /// Required steps still open without a reason: `(id, title)`.
    Unexplained(Vec<(String, String)>),
}

impl std::fmt::Display for CloseRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoReason => f.write_str("say why the incident is closed"),
            Self::AlreadyClosed { seq } => {
                write!(f, "the incident is already closed (entry #{seq})")
            }
            Self::NotOpen(step) => write!(
                f,
                "`{step}` is not a required step that is still open; give reasons only for those"
            ),
            Self::Unexplained(steps) => {
                let names: Vec<String> = steps
                    .iter()
                    .map(|(id, title)| format!("{id} ({title})"))
                    .collect();
                write!(
                    f,
                    "required steps are still open: {}; give a reason for each to close anyway",
                    names.join(", ")
                )
            }
        }
    }
}

/// The required steps that closing now would leave open: `(id, title)`.
pub fn open_required(playbook: &Playbook, state: &RunState) -> Vec<(String, String)> {
    query::open_required(playbook, state)
        .into_iter()
        .map(|s| (s.id.clone(), s.title.clone()))
        .collect()
}

/// The `closed` entry for `reason`, with `step_reasons` (`step`, `why`)
/// covering every open required step, or why it cannot be written.
pub fn close(
    playbook: &Playbook,
    state: &RunState,
    reason: &str,
    step_reasons: &[(String, String)],
) -> Result<Closed, CloseRefusal> {
    if let Some(closed) = &state.closed {
        return Err(CloseRefusal::AlreadyClosed { seq: closed.at.seq });
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(CloseRefusal::NoReason);
    }
    let open = open_required(playbook, state);
    if let Some((step, _)) = step_reasons
        .iter()
        .find(|(step, _)| !open.iter().any(|(id, _)| id == step))
    {
        return Err(CloseRefusal::NotOpen(step.clone()));
    }
    let reason_for = |id: &str| {
        step_reasons
            .iter()
            .find(|(step, why)| step == id && !why.trim().is_empty())
            .map(|(_, why)| why.trim().to_string())
    };
    let unexplained: Vec<(String, String)> = open
        .iter()
        .filter(|(id, _)| reason_for(id).is_none())
        .cloned()
        .collect();
    if !unexplained.is_empty() {
        return Err(CloseRefusal::Unexplained(unexplained));
    }
    Ok(Closed {
        reason: reason.to_string(),
        open_steps: open
            .into_iter()
            .filter_map(|(id, _)| reason_for(&id).map(|reason| OpenStep { step: id, reason }))
            .collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::index_tests::fixture;

    #[test]
    fn d15_closing_needs_a_reason_for_every_open_required_step_and_only_those() {
        let playbook = fixture();
        let state = RunState::default();
        let open = open_required(&playbook, &state);
        assert!(!open.is_empty());
        assert_eq!(
            close(&playbook, &state, "  ", &[]),
            Err(CloseRefusal::NoReason)
        );
        assert_eq!(
            close(&playbook, &state, "done", &[]),
            Err(CloseRefusal::Unexplained(open.clone()))
        );
        let blank: Vec<(String, String)> = open
            .iter()
            .map(|(id, _)| (id.clone(), " ".into()))
            .collect();
        assert!(matches!(
            close(&playbook, &state, "done", &blank),
            Err(CloseRefusal::Unexplained(_))
        ));
        assert_eq!(
            close(&playbook, &state, "done", &[("nope".into(), "x".into())]),
            Err(CloseRefusal::NotOpen("nope".into()))
        );
        let reasons: Vec<(String, String)> = open
            .iter()
            .map(|(id, _)| (id.clone(), " vendor ".into()))
            .collect();
        let closed = close(&playbook, &state, " done ", &reasons).expect("closes");
        assert_eq!(closed.reason, "done");
        assert_eq!(closed.open_steps.len(), open.len());
        assert!(closed.open_steps.iter().all(|o| o.reason == "vendor"));
    }
}
