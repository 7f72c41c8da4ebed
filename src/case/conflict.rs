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

/// What an entry says about a contested key: (`fact`|`role`, key), read
/// from the payload without copying it.
fn claimed_key(payload: &Payload) -> Option<(&'static str, &str)> {
    match payload {
        Payload::FactSet(f) => Some(("fact", &f.fact)),
        Payload::Decision(d) => Some(("fact", &d.fact)),
        Payload::RoleAssigned(r) => Some(("role", &r.role)),
        Payload::Resolution(r) => match r.about.as_str() {
            "fact" => Some(("fact", &r.key)),
            "role" => Some(("role", &r.key)),
            _ => None,
        },
        _ => None,
    }
}

/// The value an entry claims for its key (see [`claimed_key`]).
fn claimed_value(payload: &Payload) -> Option<Value> {
    match payload {
        Payload::FactSet(f) => Some(f.value.clone()),
        Payload::Decision(d) => Some(d.value.clone()),
        Payload::RoleAssigned(r) => Some(Value::String(r.person.clone())),
        Payload::Resolution(r) => Some(r.value.clone()),
        _ => None,
    }
}

/// The kinds [`claimed_key`] reads: no other entry's payload is decoded.
fn may_claim(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::FactSet | Kind::Decision | Kind::RoleAssigned | Kind::Resolution
    )
}

/// A key's latest claim per journal index.
type Claims = BTreeMap<usize, At>;

/// Every open conflict of a merged case, sorted by (about, key).
pub fn find<L: CaseEntry>(merged: &Merged<L>) -> Vec<Conflict> {
    // Per key, the latest claim of each journal. A key is copied once,
    // when first claimed; values are read only where claims compete.
    let mut by_about: [BTreeMap<String, Claims>; 2] = [BTreeMap::new(), BTreeMap::new()];
    let slot = |about: &str| usize::from(about == "role");
    for at in &merged.order {
        let entry = merged.line(*at);
        if !may_claim(entry.kind()) {
            continue;
        }
        entry.with_payload(|payload| {
            let Some((about, key)) = claimed_key(payload) else {
                return;
            };
            let keys = &mut by_about[slot(about)];
            match keys.get_mut(key) {
                Some(claims) => {
                    claims.insert(at.journal, *at);
                }
                None => {
                    keys.insert(key.to_string(), BTreeMap::from([(at.journal, *at)]));
                }
            }
        });
    }
    let [facts, roles] = by_about;
    let latest = facts
        .into_iter()
        .map(|(key, claims)| ("fact", key, claims))
        .chain(roles.into_iter().map(|(key, claims)| ("role", key, claims)));
    let mut out = Vec::new();
    for (about, key, claims) in latest {
        let frontier: Vec<At> = claims
            .values()
            .filter(|at| {
                !claims
                    .values()
                    .any(|other| other != *at && merged.saw(*other, **at))
            })
            .copied()
            .collect();
        if frontier.len() < 2 {
            continue;
        }
        let valued: Vec<(At, Value)> = frontier
            .into_iter()
            .filter_map(|at| {
                let value = merged.line(at).with_payload(claimed_value).flatten()?;
                Some((at, value))
            })
            .collect();
        let Some((_, first)) = valued.first() else {
            continue;
        };
        if valued.iter().all(|(_, v)| v == first) {
            continue;
        }
        out.push(Conflict {
            about: about.to_string(),
            key,
            entries: valued
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
