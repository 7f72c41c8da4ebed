//! Answering a step's facts one at a time, with corrections of earlier values.

use crate::app::input::{KeyCode, KeyEvent};

use super::{Choices, Ctx, Outcome, Write};
use crate::app::editor::Editor;
use crate::app::words::asked;
use crate::journal::Event;
use crate::journal::event::{self, FactSet, Payload};
use crate::playbook::value::{format_local_and_utc, parse_datetime, parse_input};
use crate::playbook::{FactDef, FactType};
use crate::run::rules;

/// How one fact is being edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldInput {
    Text(Editor),
    Pick(Choices),
}

impl FieldInput {
    /// Whether the responder changed it from what it was filled with.
    pub fn is_edited(&self) -> bool {
        match self {
            Self::Text(e) => e.is_edited(),
            Self::Pick(c) => c.touched,
        }
    }

    /// The answer as it would be read on Enter.
    pub fn as_input(&self) -> String {
        match self {
            Self::Text(e) => e.text(),
            Self::Pick(c) => c.as_input(),
        }
    }
}

/// A new value for a fact that already has one: was the earlier value
/// wrong (a correction, with a reason, kept beside the original) or has the
/// situation changed (a new value)?
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Amend {
    pub fact: String,
    /// The fact's question as the dialog shows it, for what is read back.
    pub question: String,
    pub value: serde_json::Value,
    pub shown: String,
    pub previous: String,
    /// `seq` of the entry that recorded the value in force.
    pub previous_seq: u64,
    /// The answer chosen with ↑↓: `Some(true)` a correction, `Some(false)`
    /// a change since. Letters never answer it, so text typed ahead cannot.
    pub choice: Option<bool>,
    /// `Some` once the responder chose "correction".
    pub reason: Option<Editor>,
}

/// Answering a step's facts, one at a time, each saved on Enter. The
/// selected fact is always in edit mode: every printable key is text (or,
/// for a choice, picks an option), and after a save the next fact is ready
/// for typing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactsDialog {
    pub step: Option<String>,
    pub facts: Vec<String>,
    pub selected: usize,
    /// The input of the selected fact (`None` only before the first key
    /// when opened without a context).
    pub editing: Option<FieldInput>,
    pub amend: Option<Amend>,
    pub error: Option<String>,
    /// What happened to the last fact, read back in both time zones.
    pub echo: Option<String>,
    /// Whether `echo` is an entry written (shown "saving" until on disk)
    /// or only a note ("unchanged", "left unanswered").
    pub echo_recorded: bool,
    /// The text whose contradiction with the playbook was shown; Enter on
    /// the same text again confirms it.
    pub confirm_asked: Option<String>,
    /// What was typed for another fact and not saved, by fact id: Tab
    /// away keeps it (shown "not saved"), coming back brings it back, and
    /// Esc asks before it is thrown away.
    pub kept: std::collections::BTreeMap<String, FieldInput>,
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
            echo_recorded: false,
            confirm_asked: None,
            kept: std::collections::BTreeMap::new(),
        }
    }

    /// Opens the dialog with the first fact ready for typing.
    pub fn open(step: Option<&str>, facts: Vec<String>, cx: Ctx<'_>) -> Self {
        let mut dialog = Self::new(step, facts);
        dialog.begin(cx);
        dialog
    }

    /// The keys this dialog takes now, for its footer.
    pub fn hints(&self) -> &'static str {
        match (&self.amend, &self.editing) {
            (Some(a), _) if a.reason.is_some() => "Enter: record the correction · Esc: back",
            (Some(_), _) => "↑↓: choose · Enter: confirm · Esc: back",
            (None, Some(FieldInput::Pick(_))) => {
                "y/n, first letter, 1-9 or ↑↓ space: choose · Enter: save, next · Tab: next fact · Esc: close"
            }
            (None, _) => "type the answer · Enter: save, next · Tab/↑↓: fact · Esc: close",
        }
    }

    /// Whether the responder typed something not yet recorded.
    pub fn typed(&self) -> bool {
        self.editing.as_ref().is_some_and(FieldInput::is_edited)
            || !self.kept.is_empty()
            || self.amend.is_some()
            || self
                .amend
                .as_ref()
                .and_then(|a| a.reason.as_ref())
                .is_some_and(Editor::is_edited)
    }

    /// Pasted text goes where typed text would.
    pub fn paste(&mut self, text: &str, cx: Ctx<'_>) {
        if self.editing.is_none() {
            self.begin(cx);
        }
        if let Some(reason) = self.amend.as_mut().and_then(|a| a.reason.as_mut()) {
            reason.insert(text);
        } else if self.amend.is_none()
            && let Some(FieldInput::Text(e)) = &mut self.editing
        {
            e.insert(text);
            self.error = None;
        }
    }

    fn set_event(&self, fact: &str, value: serde_json::Value, confirmed: Option<String>) -> Write {
        Write::event(Event {
            step: self.step.clone(),
            payload: Payload::FactSet(FactSet {
                fact: fact.to_string(),
                value,
                occurred_at: None,
                confirmed,
            }),
        })
    }

    /// Recorded (or left as it was): echo it and make the next fact ready.
    fn saved(&mut self, echo: String, recorded: bool, cx: Ctx<'_>) {
        self.echo = Some(echo);
        self.echo_recorded = recorded;
        self.amend = None;
        self.error = None;
        if self.selected + 1 < self.facts.len() {
            self.selected += 1;
            self.begin(cx);
        } else {
            // The last fact stays selected: its field is filled again from
            // the run (with this entry) before the next key.
            self.editing = None;
        }
    }

    fn amend_key(&mut self, key: &KeyEvent, cx: Ctx<'_>) -> Outcome {
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
                        payload: Payload::Correction(Box::new(event::Correction {
                            corrects: amend.previous_seq,
                            journal: None,
                            reason: why,
                            value: Some(amend.value.clone()),
                            occurred_at: None,
                            fields: serde_json::Map::new(),
                        })),
                    });
                    let echo = format!(
                        "{} corrected to {} (was {})",
                        amend.question, amend.shown, amend.previous
                    );
                    self.saved(echo, true, cx);
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
            KeyCode::Up | KeyCode::BackTab => {
                amend.choice = Some(true);
                self.error = None;
                Outcome::Stay
            }
            KeyCode::Down | KeyCode::Tab => {
                amend.choice = Some(false);
                self.error = None;
                Outcome::Stay
            }
            KeyCode::Enter => match amend.choice {
                Some(true) => {
                    amend.reason = Some(Editor::single(""));
                    self.error = None;
                    Outcome::Stay
                }
                Some(false) => {
                    let (fact, value, echo) = (
                        amend.fact.clone(),
                        amend.value.clone(),
                        format!("{} {}", amend.question, amend.shown),
                    );
                    let write = self.set_event(&fact, value, None);
                    self.saved(echo, true, cx);
                    Outcome::RecordAndStay(vec![write])
                }
                None => {
                    self.error = Some("choose with ↑ or ↓ first, then Enter".into());
                    Outcome::Stay
                }
            },
            KeyCode::Esc => {
                self.amend = None;
                self.error = None;
                Outcome::Stay
            }
            _ => {
                self.error = Some(
                    "answer the question first: ↑ the earlier value was wrong · ↓ it has changed"
                        .into(),
                );
                Outcome::Stay
            }
        }
    }

    /// Makes the selected fact's input ready: what was typed for it and
    /// kept, else its current value, selected so that typing replaces it
    /// (see [`as_prefilled`]).
    fn begin(&mut self, cx: Ctx<'_>) {
        let Some(def) = self
            .facts
            .get(self.selected)
            .and_then(|f| cx.playbook.fact(f))
        else {
            return;
        };
        if let Some(kept) = self.kept.remove(&def.id) {
            self.editing = Some(kept);
            return;
        }
        let current = cx.state.fact(&def.id);
        self.editing = Some(match def.ty {
            FactType::Bool | FactType::Choice(_) => {
                FieldInput::Pick(Choices::for_fact(def, current))
            }
            _ => FieldInput::Text(Editor::prefilled(&as_prefilled(def, current, cx.tz))),
        });
    }

    fn move_to(&mut self, index: usize, cx: Ctx<'_>) {
        // Typed and not saved: kept for this fact, never dropped unseen.
        if let (Some(fact), Some(input)) = (
            self.facts.get(self.selected),
            self.editing.take_if(|e| e.is_edited()),
        ) {
            self.kept.insert(fact.clone(), input);
        }
        self.selected = index.min(self.facts.len().saturating_sub(1));
        self.error = None;
        self.begin(cx);
    }

    pub fn key(&mut self, key: &KeyEvent, cx: Ctx<'_>) -> Outcome {
        if self.amend.is_some() {
            return self.amend_key(key, cx);
        }
        if self.editing.is_none() {
            self.begin(cx);
        }
        let picking = matches!(self.editing, Some(FieldInput::Pick(_)));
        match key.code {
            KeyCode::Esc => return Outcome::Close,
            KeyCode::Tab => return self.step_by(1, cx),
            KeyCode::BackTab => return self.step_by(-1, cx),
            KeyCode::Down if !picking => return self.step_by(1, cx),
            KeyCode::Up if !picking => return self.step_by(-1, cx),
            KeyCode::Enter => return self.enter(cx),
            _ => {}
        }
        match &mut self.editing {
            Some(FieldInput::Text(e)) => {
                e.key(key);
                self.error = None;
            }
            Some(FieldInput::Pick(c)) => {
                if c.key(key) {
                    self.error = None;
                } else if key.printable().is_some() {
                    self.error = Some(c.keys_hint());
                }
            }
            None => {}
        }
        Outcome::Stay
    }

    fn step_by(&mut self, delta: isize, cx: Ctx<'_>) -> Outcome {
        let n = self.facts.len();
        if n > 0 {
            let next = (self.selected.cast_signed() + delta).rem_euclid(n.cast_signed());
            self.move_to(next.cast_unsigned(), cx);
        }
        Outcome::Stay
    }

    /// The shared rules for a new value ([`rules::fact_value`]): what was
    /// confirmed, if anything; or, when it is refused or awaits
    /// confirmation, the error set and the outcome to return.
    fn check_rules(
        &mut self,
        def: &FactDef,
        value: &crate::playbook::FactValue,
        text: String,
        cx: Ctx<'_>,
    ) -> Result<Option<String>, Outcome> {
        let again = self.confirm_asked.take().is_some_and(|t| t == text);
        match rules::fact_value(
            &cx.playbook.facts,
            def,
            value,
            cx.state,
            cx.now,
            cx.tz,
            again,
        ) {
            Ok(confirmed) => Ok(confirmed),
            Err(rules::Refusal::Refused(why)) => {
                self.echo = None;
                self.error = Some(why);
                Err(Outcome::Stay)
            }
            Err(rules::Refusal::Confirm(why)) => {
                self.echo = None;
                self.error = Some(format!("{why}. Enter again records it anyway."));
                self.confirm_asked = Some(text);
                Err(Outcome::Stay)
            }
        }
    }

    fn enter(&mut self, cx: Ctx<'_>) -> Outcome {
        let Some(input) = &self.editing else {
            return Outcome::Stay;
        };
        let text = input.as_input();
        let Some(def) = self
            .facts
            .get(self.selected)
            .and_then(|f| cx.playbook.fact(f))
        else {
            return Outcome::Stay;
        };
        let current = cx.state.fact(&def.id);
        if current.is_some() && text.trim() == as_prefilled(def, current, cx.tz) {
            // The value in force as the field showed it, sent back: nothing
            // to record, though the shown form may hold less than the
            // stored one (a time recorded as `-9h` keeps its seconds).
            let shown = current
                .map(|v| v.display(Some(def), cx.tz))
                .unwrap_or_default();
            let echo = format!("{} {shown} (unchanged)", asked(&def.prompt));
            self.saved(echo, false, cx);
            return Outcome::Stay;
        }
        if text.trim().is_empty() && current.is_none() {
            // Nothing typed for an unanswered fact: move on, record nothing.
            let echo = format!("{} left unanswered", asked(&def.prompt));
            self.saved(echo, false, cx);
            return Outcome::Stay;
        }
        match parse_input(def, &text, cx.now, cx.tz) {
            Ok(value) => {
                let confirmed = match self.check_rules(def, &value, text, cx) {
                    Ok(confirmed) => confirmed,
                    Err(outcome) => return outcome,
                };
                let in_force = cx
                    .state
                    .facts
                    .get(&def.id)
                    .and_then(crate::run::FactState::latest)
                    .and_then(|r| r.effective().map(|v| (r.at.seq, v)));
                match in_force {
                    // The same value again: nothing to record.
                    Some((_, old)) if *old == value => {
                        let echo = format!(
                            "{} {} (unchanged)",
                            asked(&def.prompt),
                            value.display(Some(def), cx.tz)
                        );
                        self.saved(echo, false, cx);
                        Outcome::Stay
                    }
                    // A different value for a fact that has one: ask
                    // whether the old one was wrong or has changed.
                    Some((previous_seq, old)) => {
                        self.amend = Some(Amend {
                            fact: def.id.clone(),
                            question: asked(&def.prompt),
                            value: value.to_json(),
                            shown: value.display(Some(def), cx.tz),
                            previous: old.display(Some(def), cx.tz),
                            previous_seq,
                            choice: None,
                            reason: None,
                        });
                        self.error = None;
                        Outcome::Stay
                    }
                    None => {
                        let write = self.set_event(&def.id, value.to_json(), confirmed);
                        let echo =
                            format!("{} {}", asked(&def.prompt), value.display(Some(def), cx.tz));
                        self.saved(echo, true, cx);
                        Outcome::RecordAndStay(vec![write])
                    }
                }
            }
            Err(why) => {
                self.echo = None;
                self.error = Some(format!(
                    "{why} ({} expected)",
                    def.ty.describe(def.multiple)
                ));
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

/// The value in force as a fact's text field shows it to be edited: a
/// time to the minute in the incident's zone (the form a responder types),
/// anything else as displayed; empty for an unanswered fact.
fn as_prefilled(
    def: &crate::playbook::FactDef,
    current: Option<&crate::playbook::FactValue>,
    tz: chrono_tz::Tz,
) -> String {
    match def.ty {
        FactType::DateTime => current
            .and_then(crate::playbook::FactValue::as_datetime)
            .map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default(),
        _ => current
            .map(|v| v.display(Some(def), tz))
            .unwrap_or_default(),
    }
}
