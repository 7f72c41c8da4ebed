//! Dialogs: the forms a responder fills in (reasons, notes, facts,
//! decisions, roles, submissions, approvals). Each is pure state plus a key
//! handler that says what to record; nothing here touches the disk. One
//! dialog per file.

mod approve;
mod assign;
mod choices;
mod close;
mod correct;
mod decide;
mod evidence;
mod facts;
mod note;
mod observe;
mod reason;
mod submit;

use crate::app::input::{KeyCode, KeyEvent, KeyModifiers};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;

pub use self::approve::ApproveDialog;
pub use self::assign::AssignDialog;
pub use self::choices::Choices;
pub use self::close::{CloseDialog, OpenStepReason};
pub use self::correct::{CorrectDialog, CorrectTurn, Correctable, correctable};
pub use self::decide::{DecideDialog, DecideFocus};
pub use self::evidence::{Collect, EvidenceDialog, EvidenceField, EvidenceOutcome};
pub use self::facts::{Amend, FactsDialog, FieldInput};
pub use self::note::NoteDialog;
pub use self::observe::{ObserveDialog, ObserveField};
pub use self::reason::{ReasonDialog, ReasonKind};
pub use self::submit::{SubmitDialog, SubmitField};
use crate::journal::Event;
use crate::playbook::Playbook;
use crate::run::RunState;

/// A file written beside the journal before the entry that names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub file_name: String,
    pub text: String,
}

/// One entry to record, with an optional file to write first.
#[derive(Debug, Clone, PartialEq)]
pub struct Write {
    pub event: Event,
    pub attachment: Option<Attachment>,
}

impl Write {
    pub fn event(event: Event) -> Self {
        Self {
            event,
            attachment: None,
        }
    }
}

/// What a key in a dialog leads to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Stay,
    Close,
    /// Record these entries and close.
    Record(Vec<Write>),
    /// Record these entries and keep the dialog open (e.g. one fact saved).
    RecordAndStay(Vec<Write>),
}

/// What dialogs may read while handling a key.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub playbook: &'a Playbook,
    pub state: &'a RunState,
    pub now: DateTime<Utc>,
    pub tz: Tz,
    pub actor: &'a str,
}

fn ctrl(key: &KeyEvent, c: char) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char(c)
}

/// Ctrl-S, or Alt-Enter, or Ctrl-Enter where the terminal reports it.
pub fn is_save(key: &KeyEvent) -> bool {
    ctrl(key, 's')
        || (key.code == KeyCode::Enter
            && (key.modifiers.contains(KeyModifiers::ALT)
                || key.modifiers.contains(KeyModifiers::CONTROL)))
}

/// The fields of a form in the order they are drawn: Tab moves forward,
/// Shift-Tab back, both wrapping round.
#[derive(Debug, Clone, Copy)]
pub struct FocusRing<'a, T>(pub &'a [T]);

impl<T: Copy + PartialEq> FocusRing<'_, T> {
    /// The field after (or before) `current`, for Tab (or Shift-Tab);
    /// `None` for any other key.
    pub fn step(&self, current: T, key: &KeyEvent) -> Option<T> {
        let forward = match key.code {
            KeyCode::Tab => true,
            KeyCode::BackTab => false,
            _ => return None,
        };
        let n = self.0.len();
        let i = self.0.iter().position(|f| *f == current).unwrap_or(0);
        let next = if forward { i + 1 } else { i + n - 1 };
        self.0.get(next % n.max(1)).copied()
    }
}

/// The sentence after a refused save: what is wrong and, when focus had to
/// move to fix it, where the cursor now is.
pub fn refusal(problem: &str, field: &str, moved: bool) -> String {
    if moved {
        format!("{problem} · the cursor is now in {field}")
    } else {
        problem.to_string()
    }
}
