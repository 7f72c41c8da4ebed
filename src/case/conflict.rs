//! Conflicts between responders: the same fact set (or decided) to
//! different values, or the same role given to different people, by
//! entries whose writers had not seen each other's. Found, listed, and
//! left for a person to settle with a `resolution` entry: never settled
//! silently. A later entry whose writer had seen the others (a resolution,
//! or a deliberate new value) ends the conflict.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::entry::CaseEntry;
use super::merge::{At, Merged};
use crate::journal::Kind;
use crate::journal::event::Payload;

/// One conflict, for `status` and the runner.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Conflict {
    /// `fact` or `role`.
    pub about: String,
    pub key: String,
    /// The concurrent entries, by journal id.
    pub entries: Vec<ConflictEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConflictEntry {
    pub journal: String,
    pub seq: u64,
    pub actor: String,
    pub kind: String,
    pub value: Value,
}

/// What an entry says about a contested key: (`fact`|`role`, key, value).
fn claim(payload: Payload) -> Option<(&'static str, String, Value)> {
    match payload {
        Payload::FactSet(f) => Some(("fact", f.fact, f.value)),
        Payload::Decision(d) => Some(("fact", d.fact, d.value)),
        Payload::RoleAssigned(r) => Some(("role", r.role, Value::String(r.person))),
        Payload::Resolution(r) => {
            let about = match r.about.as_str() {
                "fact" => "fact",
                "role" => "role",
                _ => return None,
            };
            Some((about, r.key, r.value))
        }
        _ => None,
    }
}

/// The kinds [`claim`] reads: no other entry's payload is decoded.
fn may_claim(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::FactSet | Kind::Decision | Kind::RoleAssigned | Kind::Resolution
    )
}

/// A key's latest claim per journal index.
type Claims = BTreeMap<usize, (At, Value)>;

/// Every open conflict of a merged case, sorted by (about, key).
pub fn find<L: CaseEntry>(merged: &Merged<L>) -> Vec<Conflict> {
    // Per key, the latest claim of each journal.
    let mut latest: BTreeMap<(&'static str, String), Claims> = BTreeMap::new();
    for at in &merged.order {
        let entry = merged.line(*at);
        if !may_claim(entry.kind()) {
            continue;
        }
        let Some(payload) = entry.payload() else {
            continue;
        };
        if let Some((about, key, value)) = claim(payload) {
            latest
                .entry((about, key))
                .or_default()
                .insert(at.journal, (*at, value));
        }
    }
    let mut out = Vec::new();
    for ((about, key), claims) in latest {
        let frontier: Vec<&(At, Value)> = claims
            .values()
            .filter(|(at, _)| {
                !claims
                    .values()
                    .any(|(other, _)| other != at && merged.saw(*other, *at))
            })
            .collect();
        let Some((_, first)) = frontier.first() else {
            continue;
        };
        if frontier.iter().all(|(_, v)| v == first) {
            continue;
        }
        out.push(Conflict {
            about: about.to_string(),
            key,
            entries: frontier
                .iter()
                .map(|(at, value)| {
                    let entry = merged.line(*at);
                    ConflictEntry {
                        journal: merged.journals[at.journal].id.clone(),
                        seq: entry.seq(),
                        actor: entry.actor().to_string(),
                        kind: entry.kind().to_string(),
                        value: value.clone(),
                    }
                })
                .collect(),
        });
    }
    out
}
