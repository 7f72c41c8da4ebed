//! Assigning roles to people.

use crate::app::input::{KeyCode, KeyEvent};

use super::{Ctx, Outcome, Write};
use crate::app::editor::Editor;
use crate::journal::Event;
use crate::journal::event::{self, Payload};

/// Assigning a role to a person (an empty name clears it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignDialog {
    pub roles: Vec<String>,
    pub cursor: usize,
    pub person: Editor,
    pub editing: bool,
}

impl AssignDialog {
    pub fn new(roles: Vec<String>, preselect: Option<&str>) -> Self {
        let cursor = preselect
            .and_then(|r| roles.iter().position(|x| x == r))
            .unwrap_or(0);
        Self {
            roles,
            cursor,
            person: Editor::single(""),
            editing: false,
        }
    }

    pub fn key(&mut self, key: &KeyEvent, cx: Ctx<'_>) -> Outcome {
        if !self.editing {
            match key.code {
                KeyCode::Esc | KeyCode::Char('q') => return Outcome::Close,
                KeyCode::Up | KeyCode::Char('k') => self.cursor = self.cursor.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => {
                    self.cursor = (self.cursor + 1).min(self.roles.len().saturating_sub(1));
                }
                KeyCode::Enter => {
                    let current = self
                        .roles
                        .get(self.cursor)
                        .and_then(|r| cx.state.holder(r))
                        .unwrap_or("");
                    self.person = Editor::single(if current.is_empty() {
                        cx.actor
                    } else {
                        current
                    });
                    self.editing = true;
                }
                _ => {}
            }
            return Outcome::Stay;
        }
        match key.code {
            KeyCode::Esc => {
                self.editing = false;
                Outcome::Stay
            }
            KeyCode::Enter => {
                let Some(role) = self.roles.get(self.cursor) else {
                    return Outcome::Close;
                };
                self.editing = false;
                Outcome::RecordAndStay(vec![Write::event(Event::new(Payload::RoleAssigned(
                    event::RoleAssigned {
                        role: role.clone(),
                        person: self.person.text().trim().to_string(),
                    },
                )))])
            }
            _ => {
                self.person.key(key);
                Outcome::Stay
            }
        }
    }
}
