//! A decision: an option, a rationale and who decided.

use crate::app::input::{KeyCode, KeyEvent};

use super::{Choices, Ctx, Outcome, Write, is_save};
use crate::app::editor::Editor;
use crate::journal::Event;
use crate::journal::event::{self, Payload};
use crate::playbook::FactDef;
use crate::playbook::value::parse_input;
use crate::run::RunState;

/// Which part of the decision form has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DecideFocus {
    Options,
    Rationale,
    Decider,
}

/// Taking a decision: an option, a rationale (required), who decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecideDialog {
    pub step: String,
    pub fact: String,
    pub prompt: String,
    pub choices: Choices,
    pub rationale: Editor,
    pub decider: Editor,
    pub focus: DecideFocus,
    pub error: Option<String>,
}

impl DecideDialog {
    pub fn new(step: &str, fact: &FactDef, prompt: &str, decider: &str, state: &RunState) -> Self {
        Self {
            step: step.to_string(),
            fact: fact.id.clone(),
            prompt: prompt.to_string(),
            choices: Choices::for_fact(fact, state.fact(&fact.id)),
            rationale: Editor::multi(""),
            decider: Editor::single(decider),
            focus: DecideFocus::Options,
            error: None,
        }
    }

    pub fn key(&mut self, key: &KeyEvent, cx: Ctx<'_>) -> Outcome {
        if key.code == KeyCode::Esc {
            return Outcome::Close;
        }
        if key.code == KeyCode::Tab || key.code == KeyCode::BackTab {
            let order = [
                DecideFocus::Options,
                DecideFocus::Rationale,
                DecideFocus::Decider,
            ];
            let i = order.iter().position(|f| *f == self.focus).unwrap_or(0);
            let next = if key.code == KeyCode::Tab {
                i + 1
            } else {
                i + order.len() - 1
            };
            self.focus = order[next % order.len()];
            return Outcome::Stay;
        }
        if is_save(key) || (key.code == KeyCode::Enter && self.focus != DecideFocus::Rationale) {
            return self.submit(cx);
        }
        match self.focus {
            DecideFocus::Options => {
                self.choices.key(key);
            }
            DecideFocus::Rationale => {
                self.rationale.key(key);
            }
            DecideFocus::Decider => {
                self.decider.key(key);
            }
        }
        self.error = None;
        Outcome::Stay
    }

    fn submit(&mut self, cx: Ctx<'_>) -> Outcome {
        let Some(def) = cx.playbook.fact(&self.fact) else {
            return Outcome::Close;
        };
        let Ok(value) = parse_input(def, &self.choices.as_input(), cx.now, cx.tz) else {
            self.error = Some("choose an option (space or its number)".into());
            self.focus = DecideFocus::Options;
            return Outcome::Stay;
        };
        let rationale = self.rationale.text().trim().to_string();
        if rationale.is_empty() {
            self.error = Some("a rationale is required: reviewers will ask why".into());
            self.focus = DecideFocus::Rationale;
            return Outcome::Stay;
        }
        let decider = self.decider.text().trim().to_string();
        if decider.is_empty() {
            self.error = Some("name who decided".into());
            self.focus = DecideFocus::Decider;
            return Outcome::Stay;
        }
        Outcome::Record(vec![Write::event(Event::on_step(
            self.step.clone(),
            Payload::Decision(event::Decision {
                fact: self.fact.clone(),
                value: value.to_json(),
                rationale,
                options: self.choices.options.iter().map(|o| o.0.clone()).collect(),
                decider,
            }),
        ))])
    }
}
