//! Dialogs: the forms a responder fills in (reasons, notes, facts,
//! decisions, roles, submissions, approvals). Each is pure state plus a key
//! handler that says what to record; nothing here touches the disk.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::editor::{Edit, Editor};
use crate::journal::Event;
use crate::journal::event::{self, FactSet, Payload, Purpose};
use crate::playbook::value::{format_local_and_utc, parse_datetime, parse_input};
use crate::playbook::{FactDef, FactType, Playbook};
use crate::run::{RunState, rules};

/// A file written beside the journal before the entry that names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub file_name: String,
    pub text: String,
}

/// One entry to record, with an optional file to write first.
#[derive(Debug, Clone, PartialEq)]
pub struct Write {
    pub event: Event,
    pub attachment: Option<Attachment>,
}

impl Write {
    pub fn event(event: Event) -> Self {
        Self {
            event,
            attachment: None,
        }
    }
}

/// What a key in a dialog leads to.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Stay,
    Close,
    /// Record these entries and close.
    Record(Vec<Write>),
    /// Record these entries and keep the dialog open (e.g. one fact saved).
    RecordAndStay(Vec<Write>),
}

/// What dialogs may read while handling a key.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub playbook: &'a Playbook,
    pub state: &'a RunState,
    pub now: DateTime<Utc>,
    pub tz: Tz,
    pub actor: &'a str,
}

fn ctrl(key: &KeyEvent, c: char) -> bool {
    key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char(c)
}

/// Ctrl-S, or Alt-Enter, or Ctrl-Enter where the terminal reports it.
pub fn is_save(key: &KeyEvent) -> bool {
    ctrl(key, 's')
        || (key.code == KeyCode::Enter
            && (key.modifiers.contains(KeyModifiers::ALT)
                || key.modifiers.contains(KeyModifiers::CONTROL)))
}

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

/// A multi-line note, about a step or the incident in general.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteDialog {
    pub step: Option<String>,
    /// The step the note was opened on, so Tab can toggle back to it.
    pub on_step: Option<String>,
    pub editor: Editor,
}

impl NoteDialog {
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

/// Picking among options: one, or several.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choices {
    /// (value, label)
    pub options: Vec<(String, String)>,
    pub cursor: usize,
    pub chosen: Vec<bool>,
    pub multiple: bool,
}

impl Choices {
    /// The options of a bool or choice fact, with the current value chosen.
    pub fn for_fact(def: &FactDef, current: Option<&crate::playbook::FactValue>) -> Self {
        use crate::playbook::FactValue;
        let options: Vec<(String, String)> = match &def.ty {
            FactType::Bool => vec![("true".into(), "Yes".into()), ("false".into(), "No".into())],
            FactType::Choice(options) => options
                .iter()
                .map(|o| (o.value.clone(), o.label.clone()))
                .collect(),
            _ => Vec::new(),
        };
        let chosen = options
            .iter()
            .map(|(v, _)| match current {
                Some(FactValue::Bool(b)) => v == &b.to_string(),
                Some(FactValue::Choice(c)) => c == v,
                Some(FactValue::Choices(cs)) => cs.contains(v),
                _ => false,
            })
            .collect::<Vec<_>>();
        let cursor = chosen.iter().position(|c| *c).unwrap_or(0);
        Self {
            options,
            cursor,
            chosen,
            multiple: def.multiple,
        }
    }

    /// Up, down, space (toggle), a digit (pick). `true` when handled.
    pub fn key(&mut self, key: &KeyEvent) -> bool {
        match key.code {
            KeyCode::Up | KeyCode::Char('k') => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Down | KeyCode::Char('j') => {
                self.cursor = (self.cursor + 1).min(self.options.len().saturating_sub(1));
            }
            KeyCode::Char(' ') => self.toggle(self.cursor),
            KeyCode::Char(c @ '1'..='9') => {
                let i = c as usize - '1' as usize;
                if i < self.options.len() {
                    self.cursor = i;
                    self.toggle(i);
                }
            }
            _ => return false,
        }
        true
    }

    fn toggle(&mut self, i: usize) {
        if self.multiple {
            self.chosen[i] = !self.chosen[i];
        } else {
            for (j, c) in self.chosen.iter_mut().enumerate() {
                *c = j == i;
            }
        }
    }

    /// The chosen value(s) as the input text a fact parser accepts; a single
    /// choice with nothing chosen takes the option under the cursor.
    pub fn as_input(&self) -> String {
        if !self.multiple && !self.chosen.iter().any(|c| *c) {
            return self
                .options
                .get(self.cursor)
                .map(|o| o.0.clone())
                .unwrap_or_default();
        }
        self.options
            .iter()
            .zip(&self.chosen)
            .filter(|(_, c)| **c)
            .map(|(o, _)| o.0.clone())
            .collect::<Vec<_>>()
            .join(",")
    }
}

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
    /// The text whose contradiction with the playbook was shown; Enter on
    /// the same text again confirms it.
    pub confirm_asked: Option<String>,
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
            confirm_asked: None,
        }
    }

    fn set_event(&self, fact: &str, value: serde_json::Value) -> Write {
        Write::event(Event {
            step: self.step.clone(),
            payload: Payload::FactSet(FactSet {
                fact: fact.to_string(),
                value,
                occurred_at: None,
                confirmed: None,
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
                            fields: serde_json::Map::new(),
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
        match rules::fact_value(def, value, cx.state, cx.now, cx.tz, again) {
            Ok(confirmed) => Ok(confirmed),
            Err(rules::Refusal::Refused(why)) => {
                self.error = Some(why);
                Err(Outcome::Stay)
            }
            Err(rules::Refusal::Confirm(why)) => {
                self.error = Some(format!("{why}. Enter again records it anyway."));
                self.confirm_asked = Some(text);
                Err(Outcome::Stay)
            }
        }
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
                        let confirmed = match self.check_rules(def, &value, text, cx) {
                            Ok(confirmed) => confirmed,
                            Err(outcome) => return outcome,
                        };
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
                                confirmed,
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

/// Fields of the "record as sent / published" form, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitField {
    Channel,
    Recipient,
    Reference,
    SentAt,
    Backdate,
    Url,
    Override,
}

impl SubmitField {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Channel => "Channel",
            Self::Recipient => "Recipient",
            Self::Reference => "Reference no.",
            Self::SentAt => "Time sent",
            Self::Backdate => "Why backdated",
            Self::Url => "URL / reference",
            Self::Override => "Publish unapproved: why",
        }
    }
}

/// Recording that a notification was sent or a statement published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmitDialog {
    pub step: String,
    pub stages: Vec<String>,
    pub purpose: Purpose,
    pub version: Option<u32>,
    /// Placeholders with no value in the version being sent.
    pub gaps: Vec<String>,
    /// Publishing a statement version nobody approved.
    pub unapproved: bool,
    pub fields: Vec<(SubmitField, Editor)>,
    pub focus: usize,
    /// Gaps were shown and the responder confirmed sending anyway.
    pub confirmed_gaps: bool,
    pub error: Option<String>,
    /// Mark the step done once recorded.
    pub then_done: bool,
}

impl SubmitDialog {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        step: &str,
        stages: Vec<String>,
        purpose: Purpose,
        version: Option<u32>,
        gaps: Vec<String>,
        unapproved: bool,
        recipient: &str,
        then_done: bool,
    ) -> Self {
        let mut fields = vec![
            (
                SubmitField::Channel,
                Editor::single(if purpose == Purpose::Statement {
                    "website"
                } else {
                    "email"
                }),
            ),
            (SubmitField::Recipient, Editor::single(recipient)),
            (SubmitField::Reference, Editor::single("")),
            (SubmitField::SentAt, Editor::single("now")),
            (SubmitField::Backdate, Editor::single("")),
        ];
        if purpose == Purpose::Statement {
            fields.push((SubmitField::Url, Editor::single("")));
        }
        if unapproved {
            fields.push((SubmitField::Override, Editor::single("")));
        }
        Self {
            step: step.to_string(),
            stages,
            purpose,
            version,
            gaps,
            unapproved,
            fields,
            focus: 0,
            confirmed_gaps: false,
            error: None,
            then_done,
        }
    }

    fn value(&self, field: SubmitField) -> String {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, e)| e.text().trim().to_string())
            .unwrap_or_default()
    }

    pub fn key(&mut self, key: &KeyEvent, cx: Ctx<'_>) -> Outcome {
        match key.code {
            KeyCode::Esc => return Outcome::Close,
            KeyCode::Tab | KeyCode::Down => {
                self.focus = (self.focus + 1) % self.fields.len();
                return Outcome::Stay;
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
                return Outcome::Stay;
            }
            KeyCode::Enter => return self.submit(cx),
            _ => {}
        }
        if let Some((_, editor)) = self.fields.get_mut(self.focus)
            && editor.key(key) == Edit::Changed
        {
            self.error = None;
        }
        Outcome::Stay
    }

    /// When the text says it was sent, read in the incident's zone.
    pub fn sent_at(&self, cx: Ctx<'_>) -> Result<DateTime<Utc>, String> {
        parse_datetime(&self.value(SubmitField::SentAt), cx.now, cx.tz)
    }

    fn focus_on(&mut self, field: SubmitField) {
        self.focus = self
            .fields
            .iter()
            .position(|(f, _)| *f == field)
            .unwrap_or(0);
    }

    fn submit(&mut self, cx: Ctx<'_>) -> Outcome {
        let channel = self.value(SubmitField::Channel);
        let recipient = self.value(SubmitField::Recipient);
        if channel.is_empty() || recipient.is_empty() {
            self.error = Some("channel and recipient are required".into());
            self.focus_on(if channel.is_empty() {
                SubmitField::Channel
            } else {
                SubmitField::Recipient
            });
            return Outcome::Stay;
        }
        let sent_at = match self.sent_at(cx) {
            Ok(t) => t,
            Err(why) => {
                self.error = Some(why);
                self.focus_on(SubmitField::SentAt);
                return Outcome::Stay;
            }
        };
        let drafted_at = cx
            .state
            .drafts
            .iter()
            .find(|d| d.step == self.step && Some(d.data.version) == self.version)
            .map(|d| d.at.ts);
        let backdate_reason = self.value(SubmitField::Backdate);
        let override_reason = self.value(SubmitField::Override);
        let times = rules::SubmissionTimes {
            sent_at,
            drafted_at,
            backdate_reason: &backdate_reason,
            unapproved: self.unapproved,
            override_reason: &override_reason,
        };
        let reasons = match rules::submission(&times, cx.now, cx.tz) {
            Ok(reasons) => reasons,
            Err((field, refusal)) => {
                self.error = Some(refusal.sentence().to_string());
                self.focus_on(match field {
                    rules::SubmissionField::SentAt => SubmitField::SentAt,
                    rules::SubmissionField::Backdate => SubmitField::Backdate,
                    rules::SubmissionField::Override => SubmitField::Override,
                });
                return Outcome::Stay;
            }
        };
        if !self.gaps.is_empty() && !self.confirmed_gaps {
            self.confirmed_gaps = true;
            self.error = Some(format!(
                "the text still has gaps ({}); press Enter again to record it as sent anyway",
                self.gaps.join(", ")
            ));
            return Outcome::Stay;
        }
        let reference = self.value(SubmitField::Reference);
        let url = self.value(SubmitField::Url);
        let mut writes = vec![Write::event(Event::on_step(
            self.step.clone(),
            Payload::Submission(event::Submission {
                stages: self.stages.clone(),
                channel,
                recipient,
                reference: (!reference.is_empty()).then_some(reference),
                sent_at,
                backdated_reason: reasons.backdated_reason,
                version: self.version,
                url: (!url.is_empty()).then_some(url),
                override_reason: reasons.override_reason,
            }),
        ))];
        if self.then_done {
            writes.push(Write::event(Event::on_step(
                self.step.clone(),
                Payload::StepDone(event::StepDone::default()),
            )));
        }
        Outcome::Record(writes)
    }
}

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
    pub fn new(step: &str, version: u32, role: &str, approver: &str) -> Self {
        Self {
            step: step.to_string(),
            version,
            role: role.to_string(),
            approver: Editor::single(approver),
            comment: Editor::single(""),
            on_comment: true,
            error: None,
        }
    }

    pub fn key(&mut self, key: &KeyEvent) -> Outcome {
        match key.code {
            KeyCode::Esc => Outcome::Close,
            KeyCode::Tab | KeyCode::BackTab => {
                self.on_comment = !self.on_comment;
                Outcome::Stay
            }
            KeyCode::Enter => {
                let approver = self.approver.text().trim().to_string();
                if approver.is_empty() {
                    self.error = Some("name the approver".into());
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
