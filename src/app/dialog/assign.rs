//! Assigning roles to people.

use crate::app::input::{KeyCode, KeyEvent};

use super::{Ctx, Outcome, Write};
use crate::app::editor::Editor;
use crate::journal::Event;
use crate::journal::event::{self, Payload};

/// Assigning a role to a person (an empty name clears it). The person
/// field of the role under the cursor always takes the keys: a holder's
/// name is selected, so typing replaces it; Enter records and moves on to
/// the next role, as answering facts does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignDialog {
    pub roles: Vec<String>,
    pub cursor: usize,
    pub person: Editor,
    /// What happened to the last role, to read back.
    pub echo: Option<String>,
    /// The field was filled before the last entry was applied; it is
    /// filled again from the run before the next key.
    stale: bool,
}

impl AssignDialog {
    pub fn new(roles: Vec<String>, preselect: Option<&str>, cx: Ctx<'_>) -> Self {
        let cursor = preselect
            .and_then(|r| roles.iter().position(|x| x == r))
            .unwrap_or(0);
        let mut dialog = Self {
            roles,
            cursor,
            person: Editor::single(""),
            echo: None,
            stale: false,
        };
        dialog.begin(cx);
        dialog
    }

    /// The current holder of the role under the cursor, selected.
    fn begin(&mut self, cx: Ctx<'_>) {
        let holder = self
            .roles
            .get(self.cursor)
            .and_then(|r| cx.state.holder(r))
            .unwrap_or("");
        self.person = Editor::prefilled(holder);
    }

    /// The keys this dialog takes, for its footer.
    pub const fn hints(&self) -> &'static str {
        "type a name (empty clears) · Enter: assign, next role · ↑↓: role · Esc: close"
    }

    /// Whether the responder typed a name not yet recorded.
    pub fn typed(&self) -> bool {
        self.person.is_edited()
    }

    pub fn paste(&mut self, text: &str) {
        self.person.insert(text);
    }

    fn move_by(&mut self, delta: isize, cx: Ctx<'_>) {
        let n = self.roles.len().max(1);
        self.cursor = (self.cursor.cast_signed() + delta)
            .rem_euclid(n.cast_signed())
            .cast_unsigned();
        self.begin(cx);
    }

    pub fn key(&mut self, key: &KeyEvent, cx: Ctx<'_>) -> Outcome {
        if self.stale {
            self.stale = false;
            self.begin(cx);
        }
        match key.code {
            KeyCode::Esc => Outcome::Close,
            KeyCode::Up | KeyCode::BackTab => {
                self.move_by(-1, cx);
                Outcome::Stay
            }
            KeyCode::Down | KeyCode::Tab => {
                self.move_by(1, cx);
                Outcome::Stay
            }
            KeyCode::Enter => {
                let Some(role) = self.roles.get(self.cursor).cloned() else {
                    return Outcome::Close;
                };
                let person = self.person.text().trim().to_string();
                let holder = cx.state.holder(&role).unwrap_or("");
                if person == holder {
                    self.echo = Some(format!("{role} unchanged"));
                    self.move_by(1, cx);
                    return Outcome::Stay;
                }
                self.echo = Some(if person.is_empty() {
                    format!("{role} cleared")
                } else {
                    format!("{person} is {role}")
                });
                let write = Write::event(Event::new(Payload::RoleAssigned(event::RoleAssigned {
                    role,
                    person,
                })));
                if self.cursor + 1 < self.roles.len() {
                    self.cursor += 1;
                    self.begin(cx);
                } else {
                    // The last role stays, showing what was recorded; its
                    // field is filled again from the run before the next key.
                    self.person = Editor::prefilled(self.person.text().trim());
                    self.stale = true;
                }
                Outcome::RecordAndStay(vec![write])
            }
            _ => {
                self.person.key(key);
                Outcome::Stay
            }
        }
    }
}
