//! The playbook domain: what a checked playbook, clock and drill scenario
//! mean, with every reference resolved and every expression and duration
//! parsed. Built only by `validate`, so holding a `Playbook` means it is valid.

pub mod doc;
pub mod expr;
pub mod load;
pub mod period;
pub mod recover;
pub mod template;
pub mod validate;
pub mod value;

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveTime};
use chrono_tz::Tz;

pub use doc::{ContactKind, StatementKind, Verification};
pub use expr::Expr;
pub use period::Period;
pub use template::Template;
pub use value::FactValue;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    pub title: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Role {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChoiceOption {
    pub value: String,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactType {
    Text,
    Bool,
    Number,
    DateTime,
    Choice(Vec<ChoiceOption>),
}

impl FactType {
    /// `a datetime`, `one of: eu, uk`, for messages.
    pub fn describe(&self, multiple: bool) -> String {
        match self {
            Self::Text => "text".into(),
            Self::Bool => "yes or no".into(),
            Self::Number => "a number".into(),
            Self::DateTime => "a date and time".into(),
            Self::Choice(options) => {
                let values: Vec<_> = options.iter().map(|o| o.value.as_str()).collect();
                if multiple {
                    format!("any of: {}", values.join(", "))
                } else {
                    format!("one of: {}", values.join(", "))
                }
            }
        }
    }

    pub const fn name(&self) -> &'static str {
        match self {
            Self::Text => "text",
            Self::Bool => "bool",
            Self::Number => "number",
            Self::DateTime => "datetime",
            Self::Choice(_) => "choice",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactDef {
    pub id: String,
    pub prompt: String,
    pub ty: FactType,
    pub multiple: bool,
    pub help: Option<String>,
    /// Datetime facts this one is never earlier than.
    pub not_before: Vec<String>,
    /// Datetime facts this one is never later than.
    pub not_after: Vec<String>,
}

impl FactDef {
    pub fn option_label(&self, value: &str) -> Option<&str> {
        match &self.ty {
            FactType::Choice(options) => options
                .iter()
                .find(|o| o.value == value)
                .map(|o| o.label.as_str()),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub id: String,
    pub name: String,
    pub kind: ContactKind,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub notes: Option<String>,
}

impl Contact {
    /// The playbook's stand-in rather than a real contact: its name asks
    /// to be replaced, or its phone number uses the unassigned country
    /// code `+00`. A local `contacts.yaml` entry with its id replaces it.
    pub fn is_placeholder(&self) -> bool {
        let asks = self.name.to_lowercase().contains("replace with yours");
        let fake_phone = self.phone.as_deref().is_some_and(|p| {
            p.trim_start()
                .strip_prefix('+')
                .is_some_and(|rest| rest.trim_start().starts_with("00"))
        });
        asks || fake_phone
    }

    /// Whether an exercise stands the facilitator in for this contact
    /// ([`Playbook::play_contacts_by_facilitator`]).
    pub fn is_played_by_facilitator(&self) -> bool {
        self.phone.as_deref() == Some(PLAYED_BY_FACILITATOR)
    }

    /// The warning shown wherever a placeholder contact would be used.
    /// None in an exercise: the facilitator plays every outside party and
    /// `contacts.yaml` is never loaded, so "add it to contacts.yaml" would
    /// send the facilitator to a file that changes nothing.
    pub fn placeholder_warning(&self) -> Option<String> {
        (self.is_placeholder() && !self.is_played_by_facilitator()).then(|| {
            format!(
                "⚠ `{}` is the playbook's placeholder contact, not a real one: check the recipient (add `{}` to contacts.yaml)",
                self.id, self.id
            )
        })
    }
}

/// A parsed `when:`/`condition:` with its source text for display.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub source: String,
    pub expr: Expr,
}

/// What a clock stage counts from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    /// A datetime fact.
    Fact(String),
    /// The (latest) submission of an earlier stage of the same clock.
    Stage(String),
}

impl Anchor {
    pub fn name(&self) -> &str {
        match self {
            Self::Fact(s) | Self::Stage(s) => s,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StartRule {
    /// Count from the trigger itself.
    #[default]
    Trigger,
    /// A trigger on a non-business day counts from the next business day.
    NextBusinessDay,
    /// Count from 31 December 24:00 of the trigger's year.
    EndOfYear,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Stage {
    pub id: String,
    pub title: String,
    pub from: Anchor,
    pub within: Option<Period>,
    pub soft: Option<String>,
    pub earliest_of: Vec<(Anchor, Period)>,
    pub start: StartRule,
    pub condition: Option<Condition>,
    pub repeatable: bool,
    pub notes: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ClockStatus {
    #[default]
    InForce,
    NotInEffect,
    Proposal,
}

impl ClockStatus {
    pub const fn label(self) -> &'static str {
        match self {
            Self::InForce => "in force",
            Self::NotInEffect => "not in effect",
            Self::Proposal => "proposal",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Clock {
    pub id: String,
    pub title: String,
    pub regime: String,
    pub jurisdiction: Option<String>,
    pub source: String,
    pub verified_on: NaiveDate,
    pub verification: Option<Verification>,
    pub notes: Option<String>,
    pub status: ClockStatus,
    pub applies_from: Option<NaiveDate>,
    pub timezone: Option<Tz>,
    pub holidays: Vec<NaiveDate>,
    pub cutoff: Option<NaiveTime>,
    /// The playbook's condition for using this clock.
    pub when: Option<Condition>,
    pub stages: Vec<Stage>,
}

impl Clock {
    pub fn stage(&self, id: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| s.id == id)
    }
}

/// A message draft: optional subject, body.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    pub subject: Option<Template>,
    pub body: Template,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    pub kind: StatementKind,
    pub approver: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decide {
    pub fact: String,
    pub prompt: String,
}

/// `clock.stage`, as named by `satisfies:` and recorded in submissions.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StageRef {
    pub clock: String,
    pub stage: String,
}

impl std::fmt::Display for StageRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.clock, self.stage)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub id: String,
    pub title: String,
    pub role: Option<String>,
    pub instructions: Option<String>,
    pub checklist: Vec<String>,
    pub capture: Vec<String>,
    pub decide: Option<Decide>,
    pub when: Option<Condition>,
    pub after: Vec<String>,
    pub required: bool,
    pub timebox: Option<Period>,
    pub contact: Option<String>,
    pub message: Option<Message>,
    pub statement: Option<Statement>,
    pub satisfies: Vec<StageRef>,
    pub command: Option<String>,
    pub references: Vec<Reference>,
    /// Facts a submission on this step answers when they have no value.
    pub fills: Vec<Fill>,
}

/// A fact a submission answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Fill {
    pub fact: String,
    pub source: FillSource,
}

/// Where a filled fact's value comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum FillSource {
    /// A submission field: `reference`, `sent_at`, `channel`, `recipient`.
    Field(String),
    /// A fixed value, as a responder would type it (checked when loaded).
    Value(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Phase {
    pub id: String,
    pub title: String,
    pub summary: Option<String>,
    pub steps: Vec<Step>,
}

/// A checked playbook.
#[derive(Debug, Clone, PartialEq)]
pub struct Playbook {
    pub id: String,
    pub title: String,
    pub version: String,
    pub summary: String,
    pub owner: Option<String>,
    pub reviewed: Option<NaiveDate>,
    pub timezone: Option<Tz>,
    pub tags: Vec<String>,
    pub references: Vec<Reference>,
    pub roles: Vec<Role>,
    pub facts: Vec<FactDef>,
    pub contacts: Vec<Contact>,
    pub clocks: Vec<Clock>,
    pub phases: Vec<Phase>,
    /// Lowercase hex SHA-256 of the file's bytes, recorded in journals.
    pub sha256: String,
    step_index: HashMap<String, (usize, usize)>,
    fact_index: HashMap<String, usize>,
}

impl Playbook {
    pub(crate) fn assemble(mut self) -> Self {
        self.step_index = self
            .phases
            .iter()
            .enumerate()
            .flat_map(|(p, phase)| {
                phase
                    .steps
                    .iter()
                    .enumerate()
                    .map(move |(s, step)| (step.id.clone(), (p, s)))
            })
            .collect();
        self.fact_index = self
            .facts
            .iter()
            .enumerate()
            .map(|(i, f)| (f.id.clone(), i))
            .collect();
        self
    }

    pub fn step(&self, id: &str) -> Option<&Step> {
        let (p, s) = *self.step_index.get(id)?;
        Some(&self.phases[p].steps[s])
    }

    /// Index of the phase holding a step.
    pub fn phase_of(&self, step: &str) -> Option<usize> {
        self.step_index.get(step).map(|(p, _)| *p)
    }

    pub fn fact(&self, id: &str) -> Option<&FactDef> {
        self.fact_index.get(id).map(|i| &self.facts[*i])
    }

    pub fn role(&self, id: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.id == id)
    }

    pub fn contact(&self, id: &str) -> Option<&Contact> {
        self.contacts.iter().find(|c| c.id == id)
    }

    pub fn clock(&self, id: &str) -> Option<&Clock> {
        self.clocks.iter().find(|c| c.id == id)
    }

    /// All steps in playbook order.
    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.phases.iter().flat_map(|p| p.steps.iter())
    }

    /// Adds non-business days (from the user's config) to every clock.
    #[must_use]
    pub fn with_extra_holidays(mut self, days: &[NaiveDate]) -> Self {
        for clock in &mut self.clocks {
            for day in days {
                if !clock.holidays.contains(day) {
                    clock.holidays.push(*day);
                }
            }
        }
        self
    }

    /// Applies local contact details (a `contacts.yaml`) over the
    /// playbook's placeholders, by contact id; returns the ids it did not
    /// know, so a typo is reported rather than ignored.
    pub fn apply_contacts(&mut self, overrides: &[doc::ContactOverrideDoc]) -> Vec<String> {
        let mut unknown = Vec::new();
        for o in overrides {
            let Some(c) = self.contacts.iter_mut().find(|c| c.id == o.id.value) else {
                unknown.push(o.id.value.clone());
                continue;
            };
            if let Some(v) = &o.name {
                c.name.clone_from(v);
            }
            if let Some(k) = o.kind {
                c.kind = k;
            }
            for (field, value) in [
                (&mut c.phone, &o.phone),
                (&mut c.email, &o.email),
                (&mut c.url, &o.url),
                (&mut c.notes, &o.notes),
            ] {
                if value.is_some() {
                    field.clone_from(value);
                }
            }
        }
        unknown
    }

    /// Contact details for a run: the local `contacts.yaml` for a real
    /// incident, none at all in an exercise (see
    /// [`Playbook::play_contacts_by_facilitator`]). Returns the override
    /// ids the playbook does not know.
    pub fn contacts_for_run(
        &mut self,
        overrides: &[doc::ContactOverrideDoc],
        exercise: bool,
    ) -> Vec<String> {
        if exercise {
            self.play_contacts_by_facilitator();
            return Vec::new();
        }
        self.apply_contacts(overrides)
    }

    /// In an exercise every outside party is played by the facilitator:
    /// no number, address or link is shown, so no participant reaches the
    /// real CSIRT, police or regulator by mistake.
    pub fn play_contacts_by_facilitator(&mut self) {
        for c in &mut self.contacts {
            c.phone = Some(PLAYED_BY_FACILITATOR.into());
            c.email = None;
            c.url = None;
            c.notes = Some(format!(
                "EXERCISE: {PLAYED_BY_FACILITATOR}; do not contact the real {}",
                c.name
            ));
        }
    }

    pub fn step_count(&self) -> usize {
        self.step_index.len()
    }
}

/// Shown instead of a contact's details during an exercise.
pub const PLAYED_BY_FACILITATOR: &str = "played by the facilitator";

/// What sets off an inject in a drill.
#[derive(Debug, Clone, PartialEq)]
pub enum Trigger {
    /// Scenario time since the start of the drill.
    At(chrono::Duration),
    /// When the named step is done.
    AfterStep(String),
    /// When the condition over facts becomes true.
    When(Condition),
    /// Released by the facilitator only.
    Manual,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Inject {
    pub id: String,
    pub title: String,
    pub body: Option<String>,
    pub trigger: Trigger,
    pub audience: Vec<String>,
    /// Ids of the objectives the inject tests.
    pub objectives: Vec<String>,
    pub module: Option<String>,
    pub expect: Option<String>,
    pub notes: Option<String>,
}

/// A checked drill scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Drill {
    pub id: String,
    pub title: String,
    pub playbook: String,
    pub summary: Option<String>,
    pub objectives: Vec<Objective>,
    pub ground_rules: Vec<String>,
    /// Said by anyone to stop the exercise for a real-world emergency.
    pub codeword: Option<String>,
    pub modules: Vec<Module>,
    pub facilitator_notes: Option<String>,
    pub injects: Vec<Inject>,
    pub sha256: String,
}

/// An exercise objective (HSEEP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Objective {
    /// Absent for an objective written as a plain sentence.
    pub id: Option<String>,
    pub text: String,
    pub capability: Option<String>,
}

/// A discussion module and its questions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    pub id: String,
    pub title: String,
    pub questions: Vec<String>,
}

impl Drill {
    pub fn inject(&self, id: &str) -> Option<&Inject> {
        self.injects.iter().find(|i| i.id == id)
    }
}
