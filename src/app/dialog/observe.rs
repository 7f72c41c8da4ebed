//! An observation in a drill: an inject evaluated against its `expect`, or
//! a hot-wash item.

use crate::app::input::{KeyCode, KeyEvent};

use super::{Choices, Outcome, Write, is_save};
use crate::app::editor::Editor;
use crate::journal::Event;
use crate::journal::event::{self, ObservationKind, Payload, Rating};

/// Which field of the observation form has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObserveField {
    Kind,
    Note,
    Owner,
    Due,
}

/// An evaluation of an inject against its `expect`, or a hot-wash item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObserveDialog {
    pub inject: Option<String>,
    /// Met / partly / not met for an inject; strength / improvement otherwise.
    pub kind: Choices,
    pub note: Editor,
    pub owner: Editor,
    pub due: Editor,
    pub focus: ObserveField,
    pub error: Option<String>,
}

impl ObserveDialog {
    pub fn evaluation(inject: &str) -> Self {
        Self::with_options(
            Some(inject),
            &[
                ("met", "Met"),
                ("partly", "Partly met"),
                ("not_met", "Not met"),
            ],
        )
    }

    pub fn hot_wash() -> Self {
        Self::with_options(
            None,
            &[
                ("strength", "Strength"),
                ("improvement", "Area for improvement"),
            ],
        )
    }

    fn with_options(inject: Option<&str>, options: &[(&str, &str)]) -> Self {
        let options: Vec<(String, String)> = options
            .iter()
            .map(|(v, l)| ((*v).to_string(), (*l).to_string()))
            .collect();
        let n = options.len();
        Self {
            inject: inject.map(str::to_string),
            kind: Choices {
                options,
                cursor: 0,
                chosen: vec![false; n],
                multiple: false,
            },
            note: Editor::multi(""),
            owner: Editor::single(""),
            due: Editor::single(""),
            focus: ObserveField::Kind,
            error: None,
        }
    }

    /// The fields in Tab order (owner and due only for hot-wash items).
    pub fn fields(&self) -> Vec<ObserveField> {
        if self.inject.is_some() {
            vec![ObserveField::Kind, ObserveField::Note]
        } else {
            vec![
                ObserveField::Kind,
                ObserveField::Note,
                ObserveField::Owner,
                ObserveField::Due,
            ]
        }
    }

    pub fn key(&mut self, key: &KeyEvent) -> Outcome {
        if key.code == KeyCode::Esc {
            return Outcome::Close;
        }
        if key.code == KeyCode::Tab || key.code == KeyCode::BackTab {
            let fields = self.fields();
            let i = fields.iter().position(|f| *f == self.focus).unwrap_or(0);
            let next = if key.code == KeyCode::Tab {
                i + 1
            } else {
                i + fields.len() - 1
            };
            self.focus = fields[next % fields.len()];
            return Outcome::Stay;
        }
        if is_save(key) || (key.code == KeyCode::Enter && self.focus != ObserveField::Note) {
            return self.submit();
        }
        match self.focus {
            ObserveField::Kind => {
                self.kind.key(key);
            }
            ObserveField::Note => {
                self.note.key(key);
            }
            ObserveField::Owner => {
                self.owner.key(key);
            }
            ObserveField::Due => {
                self.due.key(key);
            }
        }
        self.error = None;
        Outcome::Stay
    }

    fn submit(&mut self) -> Outcome {
        let chosen = self.kind.as_input();
        let note = self.note.text().trim().to_string();
        if note.is_empty() {
            self.error = Some("write what was observed".into());
            self.focus = ObserveField::Note;
            return Outcome::Stay;
        }
        let due = self.due.text().trim().to_string();
        if !due.is_empty() && chrono::NaiveDate::parse_from_str(&due, "%Y-%m-%d").is_err() {
            self.error = Some("due date as YYYY-MM-DD".into());
            self.focus = ObserveField::Due;
            return Outcome::Stay;
        }
        let owner = self.owner.text().trim().to_string();
        let (kind, rating) = match chosen.as_str() {
            "met" => (ObservationKind::Evaluation, Some(Rating::Met)),
            "partly" => (ObservationKind::Evaluation, Some(Rating::Partly)),
            "not_met" => (ObservationKind::Evaluation, Some(Rating::NotMet)),
            "strength" => (ObservationKind::Strength, None),
            _ => (ObservationKind::Improvement, None),
        };
        Outcome::Record(vec![Write::event(Event::new(Payload::Observation(
            event::Observation {
                kind,
                inject: self.inject.clone(),
                rating,
                note,
                owner: (!owner.is_empty()).then_some(owner),
                due: (!due.is_empty()).then_some(due),
            },
        )))])
    }
}
