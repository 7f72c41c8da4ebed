//! Approving a statement version.

use crate::app::input::{KeyCode, KeyEvent};

use super::{Outcome, Write, refusal};
use crate::app::editor::Editor;
use crate::journal::Event;
use crate::journal::event::{self, Payload};

/// Approving a statement version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApproveDialog {
    pub step: String,
    pub version: u32,
    pub role: String,
    pub approver: Editor,
    pub comment: Editor,
    pub on_comment: bool,
    pub error: Option<String>,
}

impl ApproveDialog {
    /// The keys this dialog takes, for its footer: written beside the
    /// handler that reads them.
    pub const fn hints(&self) -> &'static str {
        "Tab: field · Enter: record · Esc: cancel"
    }

    /// Whether the responder typed something not yet recorded.
    pub fn typed(&self) -> bool {
        self.approver.is_edited() || self.comment.is_edited()
    }

    pub fn paste(&mut self, text: &str) {
        if self.on_comment {
            self.comment.insert(text);
        } else {
            self.approver.insert(text);
        }
    }

    pub fn new(step: &str, version: u32, role: &str, approver: &str) -> Self {
        Self {
            step: step.to_string(),
            version,
            role: role.to_string(),
            approver: Editor::prefilled(approver),
            comment: Editor::single(""),
            on_comment: false,
            error: None,
        }
    }

    pub fn key(&mut self, key: &KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Esc => Outcome::Close,
            KeyCode::Tab | KeyCode::BackTab => {
                self.on_comment = !self.on_comment;
                if !self.on_comment {
                    self.approver.select_all();
                }
                Outcome::Stay
            }
            KeyCode::Enter => {
                let approver = self.approver.text().trim().to_string();
                if approver.is_empty() {
                    self.error = Some(refusal("name the approver", "Approver", self.on_comment));
                    self.on_comment = false;
                    return Outcome::Stay;
                }
                let comment = self.comment.text().trim().to_string();
                Outcome::Record(vec![Write::event(Event::on_step(
                    self.step.clone(),
                    Payload::Approval(event::Approval {
                        version: self.version,
                        approver,
                        role: self.role.clone(),
                        comment: (!comment.is_empty()).then_some(comment),
                    }),
                ))])
            }
            _ => {
                if self.on_comment {
                    self.comment.key(key);
                } else {
                    self.approver.key(key);
                }
                self.error = None;
                Outcome::Stay
            }
        }
    }
}
