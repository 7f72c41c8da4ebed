//! The case-file format of `runsheet test`, as written (every value keeps
//! where it was written, for located errors).

use std::collections::BTreeMap;
use std::fmt;

use serde::de::{self, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};

use crate::diag::Located;

/// One case file: the playbook it tests and its cases.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseFileDoc {
    pub runsheet: Located<u32>,
    pub playbook: Located<String>,
    pub cases: Vec<CaseDoc>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseDoc {
    pub name: Located<String>,
    /// When the journal is created.
    pub start: Located<String>,
    /// When the expectations are evaluated.
    pub now: Located<String>,
    #[serde(default)]
    pub timezone: Option<Located<String>>,
    #[serde(default)]
    pub exercise: bool,
    #[serde(default)]
    pub given: Vec<GivenDoc>,
    #[serde(default)]
    pub expect: ExpectDoc,
}

/// One answer. Exactly one of `fact`, `decide`, `step`, `submit`, `role`
/// says what it is; the other keys go with it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GivenDoc {
    #[serde(default)]
    pub fact: Option<Located<String>>,
    #[serde(default)]
    pub decide: Option<Located<String>>,
    #[serde(default)]
    pub step: Option<Located<String>>,
    #[serde(default)]
    pub submit: Option<Located<String>>,
    #[serde(default)]
    pub role: Option<Located<String>>,
    #[serde(default)]
    pub value: Option<Located<ValueDoc>>,
    #[serde(default)]
    pub at: Option<Located<String>>,
    #[serde(default)]
    pub occurred_at: Option<Located<String>>,
    #[serde(default)]
    pub rationale: Option<String>,
    #[serde(default)]
    pub status: Option<Located<StatusDoc>>,
    #[serde(default)]
    pub reason: Option<String>,
    #[serde(default)]
    pub person: Option<Located<String>>,
    #[serde(default)]
    pub sent_at: Option<Located<String>>,
    #[serde(default)]
    pub stages: Option<Vec<Located<String>>>,
}

/// A step status change, as the runner records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusDoc {
    Started,
    Done,
    Skipped,
    Blocked,
    Reopened,
}

/// A fact's value as written: one scalar (typed later against the fact,
/// like `runsheet set`) or a list (multiple choice).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueDoc {
    One(String),
    Many(Vec<String>),
}

impl<'de> Deserialize<'de> for ValueDoc {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ValueVisitor;
        impl<'de> Visitor<'de> for ValueVisitor {
            type Value = ValueDoc;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value or a list of values")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ValueDoc, E> {
                Ok(ValueDoc::One(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<ValueDoc, E> {
                Ok(ValueDoc::One(v.to_string()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ValueDoc, E> {
                Ok(ValueDoc::One(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ValueDoc, E> {
                Ok(ValueDoc::One(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<ValueDoc, E> {
                Ok(ValueDoc::One(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ValueDoc, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<ScalarText>()? {
                    items.push(item.0);
                }
                Ok(ValueDoc::Many(items))
            }
        }
        deserializer.deserialize_any(ValueVisitor)
    }
}

/// Any scalar, as text.
struct ScalarText(String);

impl<'de> Deserialize<'de> for ScalarText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match ValueDoc::deserialize(deserializer)? {
            ValueDoc::One(s) => Ok(Self(s)),
            ValueDoc::Many(_) => Err(de::Error::custom("expected a single value in the list")),
        }
    }
}

/// What must hold at `now`. Map keys keep where they were written: a
/// problem with a key is shown at the key, not at its value.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectDoc {
    #[serde(default)]
    pub visible: Vec<Located<String>>,
    /// Step id → a part of the reason it is hidden (`""`: any reason).
    #[serde(default)]
    pub hidden: BTreeMap<Located<String>, Located<String>>,
    /// `clock.stage` → its state and/or due time.
    #[serde(default)]
    pub clocks: BTreeMap<Located<String>, ClockExpectDoc>,
    /// Step id → what its draft says.
    #[serde(default)]
    pub drafts: BTreeMap<Located<String>, DraftExpectDoc>,
    /// The playbook's validation warnings, each matched by a part.
    #[serde(default)]
    pub warnings: Option<Vec<Located<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockExpectDoc {
    #[serde(default)]
    pub state: Option<Located<StateDoc>>,
    /// RFC 3339, `YYYY-MM-DD HH:MM` in the case's zone, or `none`.
    #[serde(default)]
    pub due: Option<Located<String>>,
}

/// The stable stage-state names of `runsheet status --json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StateDoc {
    NotInForce,
    NotApplicable,
    Waiting,
    Running,
    Elapsing,
    Met,
    Breached,
    SubmittedLate,
}

impl StateDoc {
    pub const fn name(self) -> &'static str {
        match self {
            Self::NotInForce => "not_in_force",
            Self::NotApplicable => "not_applicable",
            Self::Waiting => "waiting",
            Self::Running => "running",
            Self::Elapsing => "elapsing",
            Self::Met => "met",
            Self::Breached => "breached",
            Self::SubmittedLate => "submitted_late",
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftExpectDoc {
    #[serde(default)]
    pub contains: Vec<Located<String>>,
    #[serde(default)]
    pub not_contains: Vec<Located<String>>,
    /// The exact open gaps, when given.
    #[serde(default)]
    pub gaps: Option<Vec<Located<String>>>,
}
