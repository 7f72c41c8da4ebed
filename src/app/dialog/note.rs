//! A free note, about a step or the incident in general.

use crate::app::input::{KeyCode, KeyEvent};

use super::{Outcome, Write, is_save};
use crate::app::editor::Editor;
use crate::journal::Event;
use crate::journal::event::{self, Payload};

/// A multi-line note, about a step or the incident in general.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteDialog {
    pub step: Option<String>,
    /// The step the note was opened on, so Tab can toggle back to it.
    pub on_step: Option<String>,
    pub editor: Editor,
}

impl NoteDialog {
    /// The keys this dialog takes, for its footer: written beside the
    /// handler that reads them.
    pub const fn hints(&self) -> &'static str {
        "Ctrl-S: save · Tab: step/general · Esc: cancel"
    }

    /// Whether the responder typed something not yet recorded.
    pub fn typed(&self) -> bool {
        self.editor.is_edited()
    }

    pub fn new(step: Option<&str>) -> Self {
        Self {
            step: step.map(str::to_string),
            on_step: step.map(str::to_string),
            editor: Editor::multi(""),
        }
    }

    pub fn key(&mut self, key: &KeyEvent) -> Outcome {
        if is_save(key) {
            if self.editor.is_blank() {
                return Outcome::Close;
            }
            let text = self.editor.text().trim_end().to_string();
            return Outcome::Record(vec![Write::event(Event {
                step: self.step.clone(),
                payload: Payload::Note(event::Note { text }),
            })]);
        }
        match key.code {
            KeyCode::Esc => Outcome::Close,
            KeyCode::Tab => {
                self.step = if self.step.is_some() {
                    None
                } else {
                    self.on_step.clone()
                };
                Outcome::Stay
            }
            _ => {
                self.editor.key(key);
                Outcome::Stay
            }
        }
    }
}
