//! A decision: an option, a rationale and who decided.

use crate::app::input::{KeyCode, KeyEvent};

use super::{Choices, Ctx, FocusRing, Outcome, Write, is_save, refusal};
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

impl DecideFocus {
    /// Tab order: as drawn.
    pub const ORDER: [Self; 3] = [Self::Options, Self::Rationale, Self::Decider];

    pub const fn label(self) -> &'static str {
        match self {
            Self::Options => "the options",
            Self::Rationale => "Rationale",
            Self::Decider => "Decided by",
        }
    }
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
            decider: Editor::prefilled(decider),
            focus: DecideFocus::Options,
            error: None,
        }
    }

    pub fn key(&mut self, key: &KeyEvent, cx: Ctx<'_>) -> Outcome {
        if key.code == KeyCode::Esc {
            return Outcome::Close;
        }
        if let Some(next) = FocusRing(&DecideFocus::ORDER).step(self.focus, key) {
            self.focus_on(next);
            self.error = None;
            return Outcome::Stay;
        }
        if key.code == KeyCode::Enter && self.focus == DecideFocus::Options {
            self.choices.choose_cursor_if_none();
        }
        if is_save(key) || (key.code == KeyCode::Enter && self.focus != DecideFocus::Rationale) {
            return self.submit(cx);
        }
        match self.focus {
            DecideFocus::Options => {
                if self.choices.key(key) {
                    self.error = None;
                } else if key.printable().is_some() {
                    self.error = Some(format!(
                        "{}; Tab moves to the rationale",
                        self.choices.keys_hint()
                    ));
                }
                return Outcome::Stay;
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

    /// Moves the keys to a field; a name there is selected, so typing
    /// replaces it.
    fn focus_on(&mut self, field: DecideFocus) {
        self.focus = field;
        if field == DecideFocus::Decider {
            self.decider.select_all();
        }
    }

    /// Refuses a save: names the field and, if the keys were elsewhere,
    /// moves them there and says so.
    fn refuse(&mut self, problem: &str, field: DecideFocus) -> Outcome {
        let moved = self.focus != field;
        self.error = Some(refusal(problem, field.label(), moved));
        self.focus_on(field);
        Outcome::Stay
    }

    /// The keys this dialog takes, for its footer.
    pub const fn hints(&self) -> &'static str {
        match self.focus {
            DecideFocus::Options => {
                "y/n, first letter, 1-9: choose · Tab: next field · Ctrl-S: record · Esc"
            }
            _ => "Tab: next field · Ctrl-S: record · Esc: cancel",
        }
    }

    /// Whether the responder typed or chose something not yet recorded.
    pub fn typed(&self) -> bool {
        self.choices.touched || self.rationale.is_edited() || self.decider.is_edited()
    }

    /// A paste lands in a text field, never nowhere: on the options
    /// (which take keys, not text) it goes to the rationale, which gets
    /// the keys, and the dialog says so. Dropping it silently left the
    /// responder saving a decision without the reasoning they pasted.
    pub fn paste(&mut self, text: &str) {
        match self.focus {
            DecideFocus::Options => {
                self.focus_on(DecideFocus::Rationale);
                self.rationale.insert(text);
                self.error = Some(
                    "pasted into the Rationale (the options take keys: Shift-Tab goes back)".into(),
                );
            }
            DecideFocus::Rationale => self.rationale.insert(text),
            DecideFocus::Decider => self.decider.insert(text),
        }
    }

    fn submit(&mut self, cx: Ctx<'_>) -> Outcome {
        let Some(def) = cx.playbook.fact(&self.fact) else {
            return Outcome::Close;
        };
        let Ok(value) = parse_input(def, &self.choices.as_input(), cx.now, cx.tz) else {
            return self.refuse("choose an option", DecideFocus::Options);
        };
        let rationale = self.rationale.text().trim().to_string();
        if rationale.is_empty() {
            return self.refuse(
                "a rationale is required: reviewers will ask why",
                DecideFocus::Rationale,
            );
        }
        let decider = self.decider.text().trim().to_string();
        if decider.is_empty() {
            return self.refuse("name who decided", DecideFocus::Decider);
        }
        // A decision is forever: Ctrl-S from the rationale never records
        // the option that merely sat under the cursor (open, paste the
        // reasoning, Ctrl-S would have recorded "Yes" nobody chose).
        if !self.choices.is_chosen() {
            return self.refuse("choose an option", DecideFocus::Options);
        }
        Outcome::Record(vec![Write::event(Event::on_step(
            self.step.clone(),
            Payload::Decision(Box::new(event::Decision {
                fact: self.fact.clone(),
                value: value.to_json(),
                rationale,
                options: self.choices.options.iter().map(|o| o.0.clone()).collect(),
                decider,
            })),
        ))])
    }
}
