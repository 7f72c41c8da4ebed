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

/// One claim on a key: where it sits and what it says.
#[derive(Debug, Clone)]
struct Claim {
    at: At,
    seq: u64,
    actor: String,
    kind: Kind,
    /// `None` when the value cannot be read (no conflict on it).
    value: Option<Value>,
}

/// Every key's latest claim per journal, gathered in merged order: from a
/// finished merge ([`find`]), or line by line as the case replay
/// ([`super::replay`]) applies them.
#[derive(Debug, Default)]
pub struct Claims {
    /// Per `fact`, then per `role` key: journal index -> its latest claim.
    /// A key is copied once, when first claimed.
    by_about: [BTreeMap<String, BTreeMap<usize, Claim>>; 2],
}

impl Claims {
    /// Takes in the line at `at`, the next in merged order (as written: its
    /// own `seq` and actor).
    pub fn offer<L: CaseEntry>(&mut self, at: At, line: &L) {
        if !may_claim(line.kind()) {
            return;
        }
        line.with_payload(|payload| {
            let Some((about, key)) = claimed_key(payload) else {
                return;
            };
            let claim = Claim {
                at,
                seq: line.seq(),
                actor: line.actor().to_string(),
                kind: line.kind(),
                value: claimed_value(payload),
            };
            let keys = &mut self.by_about[usize::from(about == "role")];
            match keys.get_mut(key) {
                Some(claims) => {
                    claims.insert(at.journal, claim);
                }
                None => {
                    keys.insert(key.to_string(), BTreeMap::from([(at.journal, claim)]));
                }
            }
        });
    }

    /// The open conflicts, sorted by (about, key): on each key, the latest
    /// claims no other latest claim had seen (`saw(later, earlier)`),
    /// when they differ. `ids` names the journals by index.
    pub fn conflicts(self, ids: &[String], saw: impl Fn(At, At) -> bool) -> Vec<Conflict> {
        let [facts, roles] = self.by_about;
        let latest = facts
            .into_iter()
            .map(|(key, claims)| ("fact", key, claims))
            .chain(roles.into_iter().map(|(key, claims)| ("role", key, claims)));
        let mut out = Vec::new();
        for (about, key, claims) in latest {
            let frontier: Vec<&Claim> = claims
                .values()
                .filter(|c| {
                    !claims
                        .values()
                        .any(|other| other.at != c.at && saw(other.at, c.at))
                })
                .collect();
            if frontier.len() < 2 {
                continue;
            }
            let valued: Vec<(&Claim, &Value)> = frontier
                .into_iter()
                .filter_map(|c| Some((c, c.value.as_ref()?)))
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
                    .map(|(claim, value)| ConflictEntry {
                        journal: ids.get(claim.at.journal).cloned().unwrap_or_default(),
                        seq: claim.seq,
                        actor: claim.actor.clone(),
                        kind: claim.kind.to_string(),
                        value: (*value).clone(),
                    })
                    .collect(),
            });
        }
        out
    }
}

/// Every open conflict of a merged case, sorted by (about, key).
pub fn find<L: CaseEntry>(merged: &Merged<L>) -> Vec<Conflict> {
    let mut claims = Claims::default();
    for at in &merged.order {
        claims.offer(*at, merged.line(*at));
    }
    let ids: Vec<String> = merged.journals.iter().map(|j| j.id.clone()).collect();
    claims.conflicts(&ids, |later, earlier| merged.saw(later, earlier))
}
