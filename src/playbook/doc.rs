//! The shape of the YAML files as written: playbooks, clock packs and drill
//! scenarios. Every field a diagnostic may point at is `Located`. These types
//! also derive the JSON Schema, so the schema and the loader cannot disagree.
//!
//! Checking meaning and turning documents into the domain model happens in
//! `validate`; the YAML parser itself is only named in `load`.

use std::borrow::Cow;
use std::fmt;

use schemars::{JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;
use serde::de::{self, MapAccess, Visitor};

use crate::diag::Located;

impl<T: JsonSchema> JsonSchema for Located<T> {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

/// Any file runsheet reads: a playbook, a clock pack, a drill scenario or a
/// local contacts file.
#[derive(Debug, JsonSchema)]
#[serde(untagged)]
#[schemars(title = "runsheet playbook, clock pack, drill scenario or contacts file (format 1)")]
#[allow(dead_code)]
pub enum AnyDocument {
    Playbook(PlaybookDoc),
    ClockPack(PackDoc),
    Drill(DrillDoc),
    Contacts(ContactsDoc),
}

/// A playbook file (`runsheet: 1` with `phases`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlaybookDoc {
    /// Format version; always 1.
    #[schemars(extend("const" = 1))]
    pub runsheet: Located<u32>,
    /// Kebab-case identifier recorded in journals.
    pub id: Located<String>,
    pub title: String,
    /// The playbook's own version, e.g. `2.1.0`.
    pub version: String,
    /// One or two sentences shown in the picker.
    pub summary: String,
    #[serde(default)]
    pub owner: Option<String>,
    /// Last content review, `YYYY-MM-DD`.
    #[serde(default)]
    pub reviewed: Option<Located<String>>,
    /// IANA time zone for the incident, e.g. `Europe/Amsterdam`.
    #[serde(default)]
    pub timezone: Option<Located<String>>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub references: Vec<ReferenceDoc>,
    #[serde(default)]
    pub roles: Vec<RoleDoc>,
    #[serde(default)]
    pub facts: Vec<FactDoc>,
    #[serde(default)]
    pub contacts: Vec<ContactDoc>,
    #[serde(default)]
    pub clocks: Vec<ClockDoc>,
    pub phases: Vec<PhaseDoc>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferenceDoc {
    pub title: String,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleDoc {
    pub id: Located<String>,
    pub title: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FactTypeDoc {
    Text,
    Bool,
    Number,
    Datetime,
    Choice,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FactDoc {
    pub id: Located<String>,
    /// The question shown when the fact is answered.
    #[serde(default)]
    pub prompt: Option<String>,
    #[serde(rename = "type")]
    pub ty: Located<FactTypeDoc>,
    /// For `choice`: strings, or `{value, label}`.
    #[serde(default)]
    #[schemars(with = "Vec<ChoiceSchema>")]
    pub options: Vec<ChoiceDoc>,
    /// For `choice`: several options may be chosen.
    #[serde(default)]
    pub multiple: bool,
    #[serde(default)]
    pub help: Option<String>,
    /// For `datetime`: facts this time is never earlier than. A time
    /// before one of them is recorded only once the responder confirms it.
    #[serde(default)]
    pub not_before: Vec<Located<String>>,
    /// For `datetime`: facts this time is never later than.
    #[serde(default)]
    pub not_after: Vec<Located<String>>,
}

/// A choice option: a bare string is both value and label.
#[derive(Debug, Clone)]
pub struct ChoiceDoc {
    pub value: String,
    pub label: Option<String>,
}

#[derive(Debug, JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum ChoiceSchema {
    Bare(String),
    Full {
        value: String,
        #[serde(default)]
        label: Option<String>,
    },
}

impl<'de> Deserialize<'de> for ChoiceDoc {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ChoiceVisitor;
        impl<'de> Visitor<'de> for ChoiceVisitor {
            type Value = ChoiceDoc;

            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an option: a string, or a mapping with `value` and `label`")
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<ChoiceDoc, E> {
                Ok(ChoiceDoc {
                    value: v.to_string(),
                    label: None,
                })
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ChoiceDoc, A::Error> {
                let mut value = None;
                let mut label = None;
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "value" if value.is_none() => value = Some(map.next_value::<String>()?),
                        "label" if label.is_none() => label = Some(map.next_value::<String>()?),
                        "value" | "label" => return Err(de::Error::duplicate_field("value")),
                        other => return Err(de::Error::unknown_field(other, &["value", "label"])),
                    }
                }
                let value = value.ok_or_else(|| de::Error::missing_field("value"))?;
                Ok(ChoiceDoc { value, label })
            }
        }
        deserializer.deserialize_any(ChoiceVisitor)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum ContactKind {
    Authority,
    Regulator,
    Csirt,
    LawEnforcement,
    Internal,
    Legal,
    Insurer,
    Vendor,
    Media,
    Other,
}

impl ContactKind {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Authority => "authority",
            Self::Regulator => "regulator",
            Self::Csirt => "CSIRT",
            Self::LawEnforcement => "law enforcement",
            Self::Internal => "internal",
            Self::Legal => "legal",
            Self::Insurer => "insurer",
            Self::Vendor => "vendor",
            Self::Media => "media",
            Self::Other => "other",
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactDoc {
    pub id: Located<String>,
    pub name: String,
    pub kind: ContactKind,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}

/// A clock: in a pack, a full definition; in a playbook, either `use:` of a
/// pack clock (with an optional `when:`) or a full inline definition.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockDoc {
    /// Id of a clock from a clock pack.
    #[serde(default, rename = "use")]
    pub use_clock: Option<Located<String>>,
    /// Condition on facts: the clock applies only when true.
    #[serde(default)]
    pub when: Option<Located<String>>,
    #[serde(default)]
    pub id: Option<Located<String>>,
    #[serde(default)]
    pub title: Option<String>,
    /// Legal citation, e.g. `Regulation (EU) 2016/679, Art. 33`.
    #[serde(default)]
    pub regime: Option<String>,
    #[serde(default)]
    pub jurisdiction: Option<String>,
    /// URL of the official text.
    #[serde(default)]
    pub source: Option<String>,
    /// Date the clock was last checked against its source, `YYYY-MM-DD`.
    #[serde(default)]
    pub verified_on: Option<Located<String>>,
    /// How strongly the wording was verified.
    #[serde(default)]
    pub verification: Option<Verification>,
    #[serde(default)]
    pub notes: Option<String>,
    #[serde(default)]
    pub status: Option<ClockStatusDoc>,
    /// Date from which the clock applies, `YYYY-MM-DD`.
    #[serde(default)]
    pub applies_from: Option<Located<String>>,
    /// IANA time zone for day arithmetic.
    #[serde(default)]
    pub timezone: Option<Located<String>>,
    /// Dates that are not business days, `YYYY-MM-DD`.
    #[serde(default)]
    pub holidays: Vec<Located<String>>,
    /// `HH:MM`: day-based deadlines end at this local time.
    #[serde(default)]
    pub cutoff: Option<Located<String>>,
    #[serde(default)]
    pub stages: Vec<StageDoc>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Verification {
    Official,
    Verbatim,
    Partial,
    Unverified,
}

impl Verification {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Official => "OFFICIAL",
            Self::Verbatim => "VERBATIM",
            Self::Partial => "PARTIAL",
            Self::Unverified => "UNVERIFIED",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ClockStatusDoc {
    InForce,
    NotInEffect,
    Proposal,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StageDoc {
    pub id: Located<String>,
    pub title: String,
    /// A datetime fact, or an earlier stage (meaning its submission).
    pub from: Located<String>,
    #[serde(default)]
    pub within: Option<Located<String>>,
    /// Wording of a judgment standard such as `without undue delay`.
    #[serde(default)]
    pub soft: Option<String>,
    #[serde(default)]
    pub earliest_of: Vec<CapDoc>,
    #[serde(default)]
    pub start: Option<StartRuleDoc>,
    #[serde(default)]
    pub condition: Option<Located<String>>,
    #[serde(default)]
    pub repeatable: bool,
    #[serde(default)]
    pub notes: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CapDoc {
    pub from: Located<String>,
    pub within: Located<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum StartRuleDoc {
    NextBusinessDay,
    EndOfYear,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PhaseDoc {
    pub id: Located<String>,
    pub title: String,
    #[serde(default)]
    pub summary: Option<String>,
    pub steps: Vec<StepDoc>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StepDoc {
    pub id: Located<String>,
    pub title: String,
    #[serde(default)]
    pub role: Option<Located<String>>,
    /// Markdown.
    #[serde(default)]
    pub instructions: Option<String>,
    #[serde(default)]
    pub checklist: Vec<String>,
    /// Facts asked for at this step.
    #[serde(default)]
    pub capture: Vec<Located<String>>,
    #[serde(default)]
    pub decide: Option<DecideDoc>,
    /// Condition on facts: the step is shown only when true.
    #[serde(default)]
    pub when: Option<Located<String>>,
    /// Steps that should be done first.
    #[serde(default)]
    pub after: Vec<Located<String>>,
    #[serde(default)]
    pub required: bool,
    /// Advisory duration, e.g. `30m`.
    #[serde(default)]
    pub timebox: Option<Located<String>>,
    #[serde(default)]
    pub contact: Option<Located<String>>,
    #[serde(default)]
    pub message: Option<MessageDoc>,
    #[serde(default)]
    pub statement: Option<StatementDoc>,
    /// Clock stages met by this step's submission, as `clock.stage`.
    #[serde(default)]
    pub satisfies: Vec<Located<String>>,
    /// Text a responder can copy; never executed.
    #[serde(default)]
    pub command: Option<String>,
    #[serde(default)]
    pub references: Vec<ReferenceDoc>,
    /// Facts a submission recorded on this step answers, when they have
    /// no value yet: each from a field of the submission or a fixed value.
    #[serde(default)]
    pub fills: Vec<FillDoc>,
}

/// One fact a submission answers: `from:` a submission field
/// (`reference`, `sent_at`, `channel`, `recipient`) or a fixed `value:`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FillDoc {
    pub fact: Located<String>,
    #[serde(default)]
    pub from: Option<Located<String>>,
    #[serde(default)]
    pub value: Option<Located<String>>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DecideDoc {
    pub fact: Located<String>,
    #[serde(default)]
    pub prompt: Option<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageDoc {
    /// Subject line template: `{{fact}}` placeholders and
    /// `{{#if <when-expression>}} … {{else}} … {{/if}}` conditional text.
    #[serde(default)]
    pub subject: Option<Located<String>>,
    /// Body template: `{{fact}}`, `{{role.<id>}}`, `{{contact.<id>}}`,
    /// `{{incident.title}}`, `{{submission.<step>.reference}}` placeholders and
    /// `{{#if <when-expression>}} … {{else}} … {{/if}}` conditional text
    /// (nested at most 8 deep). While the condition's facts are unanswered
    /// the block shows as an open decision, `⟦if fact?⟧`.
    pub body: Located<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum StatementKind {
    Holding,
    Update,
    Final,
}

impl StatementKind {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Holding => "holding statement",
            Self::Update => "update",
            Self::Final => "final statement",
        }
    }
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatementDoc {
    pub kind: StatementKind,
    /// Role that approves the statement before publication.
    pub approver: Located<String>,
}

/// A clock pack file (`playbooks/clocks/*.yaml`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PackDoc {
    #[schemars(extend("const" = 1))]
    pub runsheet: Located<u32>,
    pub clocks: Vec<ClockDoc>,
}

/// A drill scenario file (`playbooks/drills/*.yaml`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DrillDoc {
    #[schemars(extend("const" = 1))]
    pub runsheet: Located<u32>,
    /// The scenario's id.
    pub drill: Located<String>,
    pub title: String,
    /// Id of the playbook the drill runs.
    pub playbook: Located<String>,
    #[serde(default)]
    pub summary: Option<String>,
    /// What the exercise tests (HSEEP: each with an id and the core
    /// capability it exercises). A plain string is read as an objective
    /// without id or capability, with a warning.
    #[serde(default)]
    #[schemars(with = "Vec<ObjectiveSchema>")]
    pub objectives: Vec<Located<ObjectiveDoc>>,
    /// Ground rules read out before the exercise starts (shown on the
    /// facilitator screen).
    #[serde(default)]
    pub ground_rules: Vec<String>,
    /// The word anyone says to stop the exercise for a real-world emergency
    /// (shown on the facilitator screen).
    #[serde(default)]
    pub codeword: Option<Located<String>>,
    /// Discussion modules, each with 3 to 5 questions.
    #[serde(default)]
    pub modules: Vec<ModuleDoc>,
    /// Markdown for the facilitator only.
    #[serde(default)]
    pub facilitator_notes: Option<String>,
    pub injects: Vec<InjectDoc>,
}

/// An exercise objective: `{id, text, capability}`, or a plain string.
#[derive(Debug)]
pub enum ObjectiveDoc {
    Text(Located<String>),
    Full(ObjectiveFields),
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ObjectiveFields {
    pub id: Located<String>,
    /// The objective, specific and observable within the exercise.
    pub text: String,
    /// The core capability it exercises (HSEEP / National Preparedness
    /// Goal), e.g. `Cybersecurity`, `Operational Communications`.
    pub capability: Located<String>,
}

/// The schema of an objective: either form.
#[derive(Debug, JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum ObjectiveSchema {
    Text(String),
    Full(ObjectiveFields),
}

impl<'de> Deserialize<'de> for ObjectiveDoc {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectiveVisitor;
        impl<'de> serde::de::Visitor<'de> for ObjectiveVisitor {
            type Value = ObjectiveDoc;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an objective: `{id, text, capability}` or a sentence")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ObjectiveDoc, E> {
                Ok(ObjectiveDoc::Text(Located::new(
                    v.to_string(),
                    crate::diag::Pos::default(),
                )))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<ObjectiveDoc, A::Error> {
                ObjectiveFields::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(ObjectiveDoc::Full)
            }
        }
        deserializer.deserialize_any(ObjectiveVisitor)
    }
}

/// A discussion module (HSEEP): a part of the exercise with its questions.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ModuleDoc {
    pub id: Located<String>,
    pub title: String,
    /// 3 to 5 discussion questions.
    #[serde(default)]
    pub questions: Vec<String>,
}

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InjectDoc {
    pub id: Located<String>,
    pub title: String,
    #[serde(default)]
    pub body: Option<String>,
    /// Scenario time, e.g. `T+40m`.
    #[serde(default)]
    pub at: Option<Located<String>>,
    /// Fires when this playbook step is done.
    #[serde(default)]
    pub after: Option<Located<String>>,
    /// Fires when this expression over facts becomes true.
    #[serde(default)]
    pub when: Option<Located<String>>,
    #[serde(default)]
    pub audience: Vec<Located<String>>,
    /// Ids of the objectives this inject tests.
    #[serde(default)]
    pub objectives: Vec<Located<String>>,
    /// Id of the discussion module the inject belongs to.
    #[serde(default)]
    pub module: Option<Located<String>>,
    /// The expected response; facilitator only.
    #[serde(default)]
    pub expect: Option<String>,
    /// Facilitator notes; never shown to participants.
    #[serde(default)]
    pub notes: Option<String>,
}

/// A local `contacts.yaml`: real details for the playbook's placeholder
/// contacts, kept out of shared playbooks.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactsDoc {
    #[schemars(extend("const" = 1))]
    pub runsheet: Located<u32>,
    pub contacts: Vec<ContactOverrideDoc>,
}

/// Replaces the given fields of the contact with the same id.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactOverrideDoc {
    pub id: Located<String>,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub kind: Option<ContactKind>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub notes: Option<String>,
}
