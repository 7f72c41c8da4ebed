//! Typed payloads for every kind of entry. An `Event` is what the rest of
//! the program speaks; `(kind, step, data)` is how it is stored.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{DecodeError, Kind};

/// One thing that happened, optionally about a step.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub step: Option<String>,
    pub payload: Payload,
}

impl Event {
    pub fn new(payload: Payload) -> Self {
        Self {
            step: None,
            payload,
        }
    }

    pub fn on_step(step: impl Into<String>, payload: Payload) -> Self {
        Self {
            step: Some(step.into()),
            payload,
        }
    }

    pub fn kind(&self) -> Kind {
        self.payload.kind()
    }

    pub fn into_parts(self) -> (Kind, Option<String>, Map<String, Value>) {
        (self.payload.kind(), self.step, self.payload.to_data())
    }

    pub fn from_parts(
        kind: Kind,
        step: Option<&str>,
        data: &Map<String, Value>,
    ) -> Result<Self, DecodeError> {
        Ok(Self {
            step: step.map(str::to_string),
            payload: Payload::from_data(kind, data)?,
        })
    }
}

fn to_map<T: Serialize>(value: &T) -> Map<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    }
}

fn from_map<T: DeserializeOwned>(kind: Kind, data: &Map<String, Value>) -> Result<T, DecodeError> {
    // Reads the map in place: no copy of it to consume (every replay and
    // export decodes every entry).
    T::deserialize(data).map_err(|e| DecodeError(format!("bad `data` for {kind}: {e}")))
}

macro_rules! payloads {
    ($( $variant:ident($ty:ty) ),* $(,)?) => {
        /// The kind-specific part of an entry.
        #[derive(Debug, Clone, PartialEq)]
        pub enum Payload { $( $variant($ty) ),* }

        impl Payload {
            pub fn kind(&self) -> Kind {
                match self { $( Self::$variant(_) => Kind::$variant ),* }
            }

            pub fn to_data(&self) -> Map<String, Value> {
                match self { $( Self::$variant(p) => to_map(p) ),* }
            }

            pub fn from_data(kind: Kind, data: &Map<String, Value>) -> Result<Self, DecodeError> {
                Ok(match kind { $( Kind::$variant => Self::$variant(from_map(kind, data)?) ),* })
            }

            /// `kind`'s payload read straight from `data` as it is
            /// stored, with no map in between (see [`super::typed`]).
            pub(super) fn deserialize_data<'de, D: serde::Deserializer<'de>>(
                kind: Kind,
                data: D,
            ) -> Result<Self, D::Error> {
                Ok(match kind { $( Kind::$variant => Self::$variant(<$ty>::deserialize(data)?) ),* })
            }
        }
    };
}

// Variants much larger than the common ones (notes, facts, step work) are
// boxed: every decoded entry is as large as the largest variant, and a
// replay hands a hundred thousand of them between threads.
payloads! {
    JournalCreated(Box<Created>),
    SessionStarted(SessionStarted),
    SessionEnded(SessionEnded),
    StepStarted(Empty),
    StepDone(StepDone),
    StepSkipped(Reason),
    StepBlocked(Reason),
    StepReopened(Reopened),
    ChecklistItem(ChecklistItem),
    Note(Note),
    FactSet(FactSet),
    Decision(Box<Decision>),
    RoleAssigned(RoleAssigned),
    MessageDrafted(MessageDrafted),
    Approval(Approval),
    Submission(Box<Submission>),
    Correction(Box<Correction>),
    Recovery(Recovery),
    InjectDelivered(InjectDelivered),
    Observation(Box<Observation>),
    DrillControl(DrillControl),
    Closed(Closed),
    Checkpoint(Box<Checkpoint>),
    Anchor(Box<Anchor>),
    EvidenceAdded(EvidenceAdded),
    EvidenceTransferred(EvidenceTransferred),
    Resolution(Box<Resolution>),
}

/// In a team case, the heads of other journals an entry's writer had read,
/// by journal id (`<actor-slug>@<host>`), sorted so the line is canonical.
pub type Seen = std::collections::BTreeMap<String, Head>;

/// The last line of a journal as another responder read it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Head {
    pub seq: u64,
    /// SHA-256 of that line's exact bytes (as `prev` of the line after it).
    pub hash: String,
}

/// An entry of another journal, named across a case.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EntryRef {
    pub journal: String,
    pub seq: u64,
}

/// A person settles a conflict between responders: the value chosen for a
/// fact or a role, why, and the conflicting entries it settles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resolution {
    /// `fact` or `role`.
    pub about: String,
    /// The fact or role id.
    pub key: String,
    pub value: Value,
    pub reason: String,
    pub resolves: Vec<EntryRef>,
}

/// Serde helper for optional UTC datetimes in payloads.
mod opt_time {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    #[allow(clippy::ref_option)]
    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        match t {
            Some(t) => s.serialize_str(&crate::playbook::value::format_utc(*t)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        let text: Option<String> = Option::deserialize(d)?;
        text.map(|t| {
            DateTime::parse_from_rfc3339(&t)
                .map(|t| t.with_timezone(&Utc))
                .map_err(serde::de::Error::custom)
        })
        .transpose()
    }
}

/// Serde helper for required UTC datetimes in payloads.
mod time {
    use chrono::{DateTime, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&crate::playbook::value::format_utc(*t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let t = String::deserialize(d)?;
        DateTime::parse_from_rfc3339(&t)
            .map(|t| t.with_timezone(&Utc))
            .map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Empty {}

/// The playbook a journal runs, pinned by the hash of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlaybookRef {
    pub id: String,
    pub version: String,
    /// File path, or `bundled:<file>` for a playbook compiled into runsheet.
    pub path: String,
    pub sha256: String,
}

/// The drill scenario an exercise journal runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillRef {
    pub id: String,
    pub path: String,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Created {
    pub journal_id: String,
    pub playbook: PlaybookRef,
    pub title: String,
    /// IANA zone used to show times and count days.
    pub timezone: String,
    pub exercise: bool,
    pub app_version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drill: Option<DrillRef>,
    /// Extra non-business days from the creator's config.toml, so every
    /// reader of the journal computes the same business-day deadlines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<chrono::NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionStarted {
    pub pid: u32,
    pub host: String,
    pub app_version: String,
    /// `run`, `resume`, `cli`, `drill`.
    pub mode: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionEnded {
    /// `quit`, `signal`, `cli`.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct StepDone {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Reopened {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChecklistItem {
    /// 0-based position in the step's checklist.
    pub item: usize,
    pub text: String,
    pub checked: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Note {
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FactSet {
    pub fact: String,
    /// Typed per the playbook: string, bool, number, RFC 3339 string, array.
    pub value: Value,
    /// When it became true, if different from when it was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_time")]
    pub occurred_at: Option<DateTime<Utc>>,
    /// What the person confirmed when the value contradicts the playbook
    /// (a time before a fact it never precedes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirmed: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Decision {
    pub fact: String,
    pub value: Value,
    pub rationale: String,
    /// The options that were offered, so a reviewer sees what was rejected.
    pub options: Vec<String>,
    pub decider: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleAssigned {
    pub role: String,
    pub person: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    Notification,
    Statement,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageDrafted {
    /// 1, 2, … per step: editing makes a new version, never an overwrite.
    pub version: u32,
    pub purpose: Purpose,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// SHA-256 of the exact text written to `file`.
    pub text_sha256: String,
    /// File name beside the journal holding the text.
    pub file: String,
    /// Placeholders that had no value when drafted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gaps: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub edited: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub version: u32,
    pub approver: String,
    pub role: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    /// Clock stages met, as `clock.stage`.
    pub stages: Vec<String>,
    pub channel: String,
    pub recipient: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// When it was actually sent or published.
    #[serde(with = "time")]
    pub sent_at: DateTime<Utc>,
    /// Required when `sent_at` is earlier than the entry's own time by more
    /// than a few minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backdated_reason: Option<String>,
    /// The message version sent, when one was drafted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Publishing a statement version that was not approved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Correction {
    /// The `seq` of the entry corrected; it is never edited.
    pub corrects: u64,
    /// In a team case: the journal holding the corrected entry, so the
    /// target is named the same way on every machine. Absent: the
    /// correction's own journal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub journal: Option<String>,
    pub reason: String,
    /// For a corrected fact: its new value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    #[serde(default, skip_serializing_if = "Option::is_none", with = "opt_time")]
    pub occurred_at: Option<DateTime<Utc>>,
    /// For any other entry: the corrected fields and their new values
    /// (an approval's `approver`, a submission's `recipient`, ...).
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub fields: Map<String, Value>,
}

/// The incident is closed. Required steps still open at that moment are
/// named, each with why it was left open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closed {
    pub reason: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub open_steps: Vec<OpenStep>,
}

/// A required step left open when the incident was closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenStep {
    pub step: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recovery {
    /// Bytes of the torn last line that were quarantined.
    pub bytes: u64,
    pub sha256: String,
    /// Quarantine file beside the journal.
    pub file: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InjectDelivered {
    pub inject: String,
    pub title: String,
    /// `at`, `after`, `when` or `manual`.
    pub trigger: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObservationKind {
    /// Against an inject's `expect`.
    Evaluation,
    Strength,
    Improvement,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rating {
    /// HSEEP "Performed without Challenges" (P).
    WithoutChallenges,
    /// HSEEP "Performed with Some Challenges" (S).
    SomeChallenges,
    /// HSEEP "Performed with Major Challenges" (M).
    MajorChallenges,
    /// HSEEP "Unable to be Performed" (U).
    Unable,
    /// Earlier three-level scale, still read from older journals.
    Met,
    Partly,
    NotMet,
}

impl Rating {
    /// The HSEEP scale, best first, as the facilitator chooses from it.
    pub const HSEEP: [Self; 4] = [
        Self::WithoutChallenges,
        Self::SomeChallenges,
        Self::MajorChallenges,
        Self::Unable,
    ];

    pub const fn label(self) -> &'static str {
        match self {
            Self::WithoutChallenges => "Performed without Challenges (P)",
            Self::SomeChallenges => "Performed with Some Challenges (S)",
            Self::MajorChallenges => "Performed with Major Challenges (M)",
            Self::Unable => "Unable to be Performed (U)",
            Self::Met => "met",
            Self::Partly => "partly met",
            Self::NotMet => "not met",
        }
    }

    /// `P`, `S`, `M`, `U` (older scale: its words), for tight spaces.
    pub const fn short(self) -> &'static str {
        match self {
            Self::WithoutChallenges => "P",
            Self::SomeChallenges => "S",
            Self::MajorChallenges => "M",
            Self::Unable => "U",
            Self::Met => "met",
            Self::Partly => "partly",
            Self::NotMet => "not met",
        }
    }

    /// The stable name written in the journal.
    pub const fn name(self) -> &'static str {
        match self {
            Self::WithoutChallenges => "without_challenges",
            Self::SomeChallenges => "some_challenges",
            Self::MajorChallenges => "major_challenges",
            Self::Unable => "unable",
            Self::Met => "met",
            Self::Partly => "partly",
            Self::NotMet => "not_met",
        }
    }

    /// 0 (best) to 3 (worst), with the older scale mapped onto it, so an
    /// objective tested by several injects takes its worst rating.
    pub const fn severity(self) -> u8 {
        match self {
            Self::WithoutChallenges | Self::Met => 0,
            Self::SomeChallenges | Self::Partly => 1,
            Self::MajorChallenges => 2,
            Self::Unable | Self::NotMet => 3,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    pub kind: ObservationKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inject: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Rating>,
    pub note: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// Improvement plan (HSEEP): what will be done about the finding in
    /// `note`, kept apart from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub corrective_action: Option<String>,
    /// The core capability the finding concerns.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capability: Option<String>,
    /// The organisation responsible for the corrective action (`owner` is
    /// its point of contact).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// `YYYY-MM-DD` the corrective action starts (`due`: its completion).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// `open`, `in progress`, `complete`…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DrillAction {
    Start,
    Pause,
    Resume,
    Speed,
    Jump,
    Hold,
    Unhold,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DrillControl {
    pub action: DrillAction,
    /// Scenario speed after the action (1 to 60).
    pub speed: u32,
    /// Scenario time when the action took effect.
    pub scenario_ms: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inject: Option<String>,
}

/// A signed checkpoint of the entries before this one: the note and the
/// SSH signature are files beside the journal (see `crate::proof`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// How many entries it covers: entries 0 to `size - 1`.
    pub size: u64,
    /// Base64 RFC 6962 Merkle root over those lines, as in the note.
    pub root: String,
    /// SHA-256 of entry `size - 1`: the chain head at that moment.
    pub head: String,
    /// `SHA256:…` fingerprint of the signing key.
    pub key: String,
    /// The signed-note verifier key (`name+id+base64`).
    pub verifier: String,
    /// File name of the signed note, in the journal's folder.
    pub note: String,
    /// File name of the SSH signature of the note file.
    pub ssh_signature: String,
}

/// An RFC 3161 timestamp of a checkpoint note, checked when attached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    /// File name of the checkpoint note stamped, beside the journal.
    pub note: String,
    /// SHA-256 of the note file, in hex: the message imprint.
    pub imprint: String,
    /// The request's nonce, in hex.
    pub nonce: String,
    /// The authority's time (`genTime`).
    pub gen_time: String,
    /// Subject of the authority's certificate.
    pub tsa: String,
    /// The timestamp token (CMS), DER in base64.
    pub token: String,
    /// The authority's certificate the token was checked with, DER in base64.
    pub tsa_cert: String,
}

/// Evidence collected: one or more items (a folder is recorded file by
/// file), collected by the entry's actor at the entry's time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceAdded {
    pub items: Vec<EvidenceItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// The machine it was collected from.
    pub source: String,
}

/// One file of evidence as it was when recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceItem {
    /// `E1`, `E2`, … in the journal.
    pub id: String,
    /// Absolute path when collected.
    pub path: String,
    /// Path relative to what was named on the command line's folder (for
    /// `evidence check` against a copy elsewhere).
    pub rel: String,
    pub size: u64,
    pub sha256: String,
    /// Modification time of the file (UTC, RFC 3339), if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<String>,
}

/// Custody of an item passed to someone else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceTransferred {
    pub item: String,
    /// Who held it (the collector or the last recipient).
    pub from: String,
    pub to: String,
    pub reason: String,
}
