//! What the runner lists: panes and the rows of a phase's step list.

use super::App;
use crate::run::StepStatus;
use crate::run::query::Applicability;

/// The panes Tab moves between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pane {
    Phases,
    Steps,
    Detail,
    /// The facilitator's panel in a drill.
    Drill,
}

impl Pane {
    #[must_use]
    pub const fn next(self) -> Self {
        match self {
            Self::Phases => Self::Steps,
            Self::Steps => Self::Detail,
            Self::Detail | Self::Drill => Self::Phases,
        }
    }

    #[must_use]
    pub const fn prev(self) -> Self {
        match self {
            Self::Phases | Self::Drill => Self::Detail,
            Self::Steps => Self::Phases,
            Self::Detail => Self::Steps,
        }
    }
}

/// One line of the step list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRow {
    pub id: String,
    pub status: StepStatus,
    /// Why the step is greyed out (shown only with "show hidden").
    pub hidden: Option<String>,
    /// Whether it is hidden only until a question is answered: it may yet
    /// apply, which must never read as "does not apply".
    pub awaits_answer: bool,
    pub waiting_for: Vec<String>,
    pub overdue: bool,
}

/// The steps of a phase as the responder asked to see them: hidden ones
/// only on request (with the reason), and only their roles' steps when
/// filtering to "mine".
pub fn rows(app: &App, phase: usize) -> Vec<StepRow> {
    let Some(phase) = app.playbook.phases.get(phase) else {
        return Vec::new();
    };
    let mine = app.state().roles_of(&app.identity.actor);
    phase
        .steps
        .iter()
        .filter_map(|step| {
            let view = app.step_view(step);
            if !view.is_visible() && !app.show_hidden {
                return None;
            }
            if app.mine_only && !step.role.as_deref().is_some_and(|r| mine.contains(&r)) {
                return None;
            }
            let hidden = match &view.applicability {
                Applicability::Applies => None,
                other if view.status == StepStatus::Open => other.reason(),
                other => other
                    .reason()
                    .map(|r| format!("{r} (kept: already acted on)")),
            };
            Some(StepRow {
                id: step.id.clone(),
                status: view.status,
                hidden,
                awaits_answer: matches!(view.applicability, Applicability::Undetermined { .. }),
                waiting_for: view.waiting_for.iter().map(|w| (*w).to_string()).collect(),
                overdue: view.overdue_by.is_some(),
            })
        })
        .collect()
}
