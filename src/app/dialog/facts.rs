//! Answering a step's facts one at a time, with corrections of earlier values.

use crate::app::input::{KeyCode, KeyEvent};

use super::{Choices, Ctx, Outcome, Write};
use crate::app::editor::Editor;
use crate::journal::Event;
use crate::journal::event::{self, FactSet, Payload};
use crate::playbook::FactType;
use crate::playbook::value::{format_local_and_utc, parse_datetime, parse_input};

/// How one fact is being edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldInput {
    Text(Editor),
    Pick(Choices),
}

/// A new value for a fact that already has one: was the earlier value
/// wrong (a correction, with a reason, kept beside the original) or has the
/// situation changed (a new value)?
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amend {
    pub fact: String,
    pub value: serde_json::Value,
    pub shown: String,
    pub previous: String,
    /// `seq` of the entry that recorded the value in force.
    pub previous_seq: u64,
    /// `Some` once the responder chose "correction".
    pub reason: Option<Editor>,
}

/// Answering a step's facts, one at a time, each saved on Enter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactsDialog {
    pub step: Option<String>,
    pub facts: Vec<String>,
    pub selected: usize,
    pub editing: Option<FieldInput>,
    pub amend: Option<Amend>,
    pub error: Option<String>,
    /// The last saved value, read back in both time zones.
    pub echo: Option<String>,
}

impl FactsDialog {
    pub fn new(step: Option<&str>, facts: Vec<String>) -> Self {
        Self {
            step: step.map(str::to_string),
            facts,
            selected: 0,
            editing: None,
            amend: None,
            error: None,
            echo: None,
        }
    }

    fn set_event(&self, fact: &str, value: serde_json::Value) -> Write {
        Write::event(Event {
            step: self.step.clone(),
            payload: Payload::FactSet(FactSet {
                fact: fact.to_string(),
                value,
                occurred_at: None,
            }),
        })
    }

    /// Saved: echo it and move to the next fact.
    fn saved(&mut self, echo: String) {
        self.echo = Some(echo);
        self.editing = None;
        self.amend = None;
        self.error = None;
        if self.selected + 1 < self.facts.len() {
            self.selected += 1;
        }
    }

    fn amend_key(&mut self, key: &KeyEvent) -> Outcome {
        let Some(amend) = &mut self.amend else {
            return Outcome::Stay;
        };
        if let Some(reason) = &mut amend.reason {
            return match key.code {
                KeyCode::Esc => {
                    amend.reason = None;
                    Outcome::Stay
                }
                KeyCode::Enter => {
                    let why = reason.text().trim().to_string();
                    if why.is_empty() {
                        self.error = Some("say why the earlier value was wrong".into());
                        return Outcome::Stay;
                    }
                    let write = Write::event(Event {
                        step: self.step.clone(),
                        payload: Payload::Correction(event::Correction {
                            corrects: amend.previous_seq,
                            reason: why,
                            value: Some(amend.value.clone()),
                            occurred_at: None,
                        }),
                    });
                    let echo = format!(
                        "{} corrected to {} (was {})",
                        amend.fact, amend.shown, amend.previous
                    );
                    self.saved(echo);
                    Outcome::RecordAndStay(vec![write])
                }
                _ => {
                    reason.key(key);
                    self.error = None;
                    Outcome::Stay
                }
            };
        }
        match key.code {
            KeyCode::Char('c') => {
                amend.reason = Some(Editor::single(""));
                Outcome::Stay
            }
            KeyCode::Char('n') => {
                let (fact, value, echo) = (
                    amend.fact.clone(),
                    amend.value.clone(),
                    format!("{} = {}", amend.fact, amend.shown),
                );
                let write = self.set_event(&fact, value);
                self.saved(echo);
                Outcome::RecordAndStay(vec![write])
            }
            KeyCode::Esc => {
                self.amend = None;
                Outcome::Stay
            }
            _ => Outcome::Stay,
        }
    }

    fn begin(&mut self, cx: Ctx<'_>) {
        let Some(def) = self
            .facts
            .get(self.selected)
            .and_then(|f| cx.playbook.fact(f))
        else {
            return;
        };
        let current = cx.state.fact(&def.id);
        self.editing = Some(match def.ty {
            FactType::Bool | FactType::Choice(_) => {
                FieldInput::Pick(Choices::for_fact(def, current))
            }
            FactType::DateTime => FieldInput::Text(Editor::single(
                &current
                    .and_then(crate::playbook::FactValue::as_datetime)
                    .map(|t| t.with_timezone(&cx.tz).format("%Y-%m-%d %H:%M").to_string())
                    .unwrap_or_default(),
            )),
            _ => FieldInput::Text(Editor::single(
                &current
                    .map(|v| v.display(Some(def), cx.tz))
                    .unwrap_or_default(),
            )),
        });
        self.error = None;
    }

    pub fn key(&mut self, key: &KeyEvent, cx: Ctx<'_>) -> Outcome {
        if self.amend.is_some() {
            return self.amend_key(key);
        }
        let Some(input) = &mut self.editing else {
            match key.code {
                KeyCode::Esc | KeyCode::Char('q') => return Outcome::Close,
                KeyCode::Up | KeyCode::Char('k') => self.selected = self.selected.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => {
                    self.selected = (self.selected + 1).min(self.facts.len().saturating_sub(1));
                }
                KeyCode::Enter | KeyCode::Char('e') => self.begin(cx),
                _ => {}
            }
            return Outcome::Stay;
        };
        match key.code {
            KeyCode::Esc => {
                self.editing = None;
                self.error = None;
                Outcome::Stay
            }
            KeyCode::Enter => {
                let text = match input {
                    FieldInput::Text(e) => e.text(),
                    FieldInput::Pick(c) => c.as_input(),
                };
                let Some(def) = self
                    .facts
                    .get(self.selected)
                    .and_then(|f| cx.playbook.fact(f))
                else {
                    return Outcome::Stay;
                };
                match parse_input(def, &text, cx.now, cx.tz) {
                    Ok(value) => {
                        // A different value for a fact that has one: ask
                        // whether the old one was wrong or has changed.
                        let in_force = cx
                            .state
                            .facts
                            .get(&def.id)
                            .and_then(crate::run::FactState::latest)
                            .and_then(|r| r.effective().map(|v| (r.at.seq, v)));
                        if let Some((previous_seq, old)) = in_force
                            && *old != value
                        {
                            self.amend = Some(Amend {
                                fact: def.id.clone(),
                                value: value.to_json(),
                                shown: value.display(Some(def), cx.tz),
                                previous: old.display(Some(def), cx.tz),
                                previous_seq,
                                reason: None,
                            });
                            self.editing = None;
                            self.error = None;
                            return Outcome::Stay;
                        }
                        self.echo =
                            Some(format!("{} = {}", def.id, value.display(Some(def), cx.tz)));
                        self.editing = None;
                        self.error = None;
                        if self.selected + 1 < self.facts.len() {
                            self.selected += 1;
                        }
                        Outcome::RecordAndStay(vec![Write::event(Event {
                            step: self.step.clone(),
                            payload: Payload::FactSet(FactSet {
                                fact: def.id.clone(),
                                value: value.to_json(),
                                occurred_at: None,
                            }),
                        })])
                    }
                    Err(why) => {
                        self.error = Some(format!(
                            "{why} ({} expected)",
                            def.ty.describe(def.multiple)
                        ));
                        Outcome::Stay
                    }
                }
            }
            _ => {
                match input {
                    FieldInput::Text(e) => {
                        e.key(key);
                    }
                    FieldInput::Pick(c) => {
                        c.key(key);
                    }
                }
                self.error = None;
                Outcome::Stay
            }
        }
    }

    /// A preview of how the typed datetime will be read, so `14:05` is
    /// checked before it is saved.
    pub fn preview(&self, cx: Ctx<'_>) -> Option<String> {
        let Some(FieldInput::Text(e)) = &self.editing else {
            return None;
        };
        let def = cx.playbook.fact(self.facts.get(self.selected)?)?;
        if def.ty != FactType::DateTime || e.is_blank() {
            return None;
        }
        Some(match parse_datetime(&e.text(), cx.now, cx.tz) {
            Ok(t) => format!("= {}", format_local_and_utc(t, cx.tz)),
            Err(_) => "not a time yet".into(),
        })
    }
}
