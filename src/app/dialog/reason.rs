//! Skip, block or reopen a step, with a reason reviewers will read.

use crate::app::input::{KeyCode, KeyEvent};

use super::{Outcome, Write};
use crate::app::editor::Editor;
use crate::journal::Event;
use crate::journal::event::{self, Payload};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonKind {
    Skip,
    Block,
    Reopen,
}

impl ReasonKind {
    pub const fn title(self) -> &'static str {
        match self {
            Self::Skip => "Skip step",
            Self::Block => "Block step",
            Self::Reopen => "Reopen step",
        }
    }

    pub const fn required(self) -> bool {
        !matches!(self, Self::Reopen)
    }
}

/// Skip, block or reopen with a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasonDialog {
    pub kind: ReasonKind,
    pub step: String,
    pub editor: Editor,
    pub error: Option<String>,
}

impl ReasonDialog {
    /// The keys this dialog takes, for its footer: written beside the
    /// handler that reads them.
    pub const fn hints(&self) -> &'static str {
        "Enter: record · Esc: cancel"
    }

    /// Whether the responder typed something not yet recorded.
    pub fn typed(&self) -> bool {
        self.editor.is_edited()
    }

    pub fn new(kind: ReasonKind, step: &str) -> Self {
        Self {
            kind,
            step: step.to_string(),
            editor: Editor::single(""),
            error: None,
        }
    }

    pub fn key(&mut self, key: &KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Esc => Outcome::Close,
            KeyCode::Enter => {
                let reason = self.editor.text().trim().to_string();
                if reason.is_empty() && self.kind.required() {
                    self.error =
                        Some("a reason is required: it is what reviewers will read".into());
                    return Outcome::Stay;
                }
                let payload = match self.kind {
                    ReasonKind::Skip => Payload::StepSkipped(event::Reason { reason }),
                    ReasonKind::Block => Payload::StepBlocked(event::Reason { reason }),
                    ReasonKind::Reopen => Payload::StepReopened(event::Reopened {
                        reason: (!reason.is_empty()).then_some(reason),
                    }),
                };
                Outcome::Record(vec![Write::event(Event::on_step(
                    self.step.clone(),
                    payload,
                ))])
            }
            _ => {
                self.editor.key(key);
                self.error = None;
                Outcome::Stay
            }
        }
    }
}
