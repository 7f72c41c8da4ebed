//! A case followed live: the journals read so far, what each new read of
//! another responder's journal adds to them, and who else is acting.
//!
//! Only complete lines are ever taken. Bytes after a journal's last
//! newline (a line still being written, or half-copied by a sync) are left
//! where they are and read again, whole, once the rest arrives. A line
//! that does not continue its journal's hash chain is refused: nothing
//! after it in that journal is folded, and the refusal is reported.

use chrono::{DateTime, Utc};

use super::merge::{self, At, CaseJournal, Merged};
use crate::hash::ZERO_HASH;
use crate::journal::Line;
use crate::journal::verify::{Verified, verify_from};

/// What reading more of a journal did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read {
    /// No new complete line (or the journal is this responder's own, or
    /// already refused).
    Nothing,
    /// Only part of a line arrived: it is waited for, not read.
    Waiting,
    /// This many new lines were taken in.
    Folded(usize),
    /// A line failed the chain; the lines before it (this many) were
    /// taken in, nothing from it on. The text says which journal and why.
    Refused { folded: usize, why: String },
}

/// Another responder's journal as the header shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Presence {
    pub journal: String,
    /// The actor of the journal's last entry.
    pub actor: String,
    /// When its last entry was written.
    pub last: DateTime<Utc>,
}

/// How a sync started from the runner ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncOutcome {
    Ok,
    /// The remote could not be reached; nothing was lost.
    Offline,
    /// git reported a conflict in these files; the sync was undone.
    Conflict(Vec<String>),
    /// Anything else git refused, in git's words.
    Failed(String),
}

impl SyncOutcome {
    /// One word or a few, for the header.
    pub fn label(&self) -> String {
        match self {
            Self::Ok => "ok".into(),
            Self::Offline => "offline".into(),
            Self::Conflict(files) => format!("CONFLICT in {}", files.join(", ")),
            Self::Failed(why) => format!("failed: {why}"),
        }
    }
}

/// The journals of a case as this runner has read them.
#[derive(Debug, Clone)]
pub struct CaseLive {
    own_id: String,
    /// Sorted by id, like [`Merged`] sorts them, so indices agree.
    journals: Vec<CaseJournal>,
    /// Journals with a refused line: read no further.
    refused: Vec<String>,
    /// Where each line of the last computed feed comes from.
    origins: Vec<At>,
    /// The open conflicts of the last computed feed.
    conflicts: Vec<super::conflict::Conflict>,
    /// The case id, as this responder's own journal's creation names it:
    /// a journal created for another case is refused, never merged.
    case: Option<String>,
}

fn empty(id: &str) -> CaseJournal {
    CaseJournal {
        id: id.to_string(),
        verified: Verified {
            lines: Vec::new(),
            head_hash: None,
            verified_len: 0,
            broken: None,
            torn_tail: 0,
        },
    }
}

impl CaseLive {
    /// `journals` as loaded when the runner opened (its own included).
    pub fn new(own_id: &str, mut journals: Vec<CaseJournal>) -> Self {
        journals.sort_by(|a, b| a.id.cmp(&b.id));
        let refused = journals
            .iter()
            .filter(|j| j.verified.broken.is_some())
            .map(|j| j.id.clone())
            .collect();
        let case = journals
            .iter()
            .find(|j| j.id == own_id)
            .and_then(|j| crate::commands::open::created_of(&j.verified.lines))
            .map(|created| created.journal_id);
        let mut live = Self {
            own_id: own_id.to_string(),
            journals,
            refused,
            origins: Vec::new(),
            conflicts: Vec::new(),
            case,
        };
        live.slot(own_id);
        live
    }

    pub fn own_id(&self) -> &str {
        &self.own_id
    }

    /// The index of journal `id`, added empty when it is new.
    fn slot(&mut self, id: &str) -> usize {
        match self.journals.binary_search_by(|j| j.id.as_str().cmp(id)) {
            Ok(i) => i,
            Err(i) => {
                self.journals.insert(i, empty(id));
                i
            }
        }
    }

    fn get(&self, id: &str) -> Option<&CaseJournal> {
        self.journals
            .binary_search_by(|j| j.id.as_str().cmp(id))
            .ok()
            .map(|i| &self.journals[i])
    }

    /// The byte offset reading of journal `id` goes on from: the end of
    /// its last complete, verified line.
    pub fn read_from(&self, id: &str) -> usize {
        self.get(id).map_or(0, |j| j.verified.verified_len)
    }

    /// Whether journal `id` is read at all: not this responder's own (its
    /// lines come from the writer) and not refused.
    pub fn follows(&self, id: &str) -> bool {
        id != self.own_id && !self.refused.iter().any(|r| r == id)
    }

    /// Takes in what journal `id` holds from [`CaseLive::read_from`] on.
    pub fn take(&mut self, id: &str, bytes: &[u8]) -> Read {
        if !self.follows(id) {
            return Read::Nothing;
        }
        let i = self.slot(id);
        let journal = &mut self.journals[i].verified;
        let head = journal.head_hash.as_deref().unwrap_or(ZERO_HASH);
        let mut more = verify_from(bytes, journal.lines.len() as u64, head);
        if journal.lines.is_empty()
            && let (Some(case), Some(created)) =
                (&self.case, crate::commands::open::created_of(&more.lines))
            && let Some(refused) = super::folder::another_case(&created, case)
        {
            more = Verified {
                lines: Vec::new(),
                head_hash: None,
                verified_len: 0,
                broken: Some(refused),
                torn_tail: 0,
            };
        }
        let folded = more.lines.len();
        journal.lines.extend(more.lines);
        if more.head_hash.is_some() {
            journal.head_hash = more.head_hash;
        }
        journal.verified_len += more.verified_len;
        journal.torn_tail = more.torn_tail;
        if let Some(broken) = more.broken {
            let why = format!(
                "journal {id}: the entry at seq {} was refused ({}); nothing after it is shown until `runsheet verify` explains it",
                broken.seq, broken.reason
            );
            journal.broken = Some(broken);
            self.refused.push(id.to_string());
            return Read::Refused { folded, why };
        }
        match (folded, more.torn_tail) {
            (0, 0) => Read::Nothing,
            (0, _) => Read::Waiting,
            (n, _) => Read::Folded(n),
        }
    }

    /// An entry of this responder's own journal, as the writer saved it.
    pub fn push_own(&mut self, line: Line) {
        let i = self.slot(&self.own_id.clone());
        let journal = &mut self.journals[i].verified;
        journal.verified_len += line.text.len() + 1;
        journal.head_hash = Some(merge::line_hash(&line.text));
        journal.lines.push(line);
    }

    /// How many entries this responder's own journal holds.
    pub fn own_len(&self) -> u64 {
        self.get(&self.own_id)
            .map_or(0, |j| j.verified.lines.len() as u64)
    }

    /// The merged lines to replay (see [`Merged::feed`]); remembers where
    /// each comes from, and the conflicts still open among them.
    pub fn feed(&mut self) -> Vec<Line> {
        let merged = Merged::new(self.journals.clone());
        self.conflicts = super::conflict::find(&merged);
        let (feed, origins) = merged.feed_from();
        self.origins = origins;
        feed
    }

    /// The conflicts nobody has settled, as of the last [`CaseLive::feed`].
    pub fn conflicts(&self) -> &[super::conflict::Conflict] {
        &self.conflicts
    }

    /// The journal and `seq` of the entry at merged `position`.
    pub fn origin(&self, position: u64) -> Option<(&str, u64)> {
        let at = self.origins.get(usize::try_from(position).ok()?)?;
        Some((self.journals[at.journal].id.as_str(), at.line as u64))
    }

    /// The merged position of entry `seq` of journal `id`.
    pub fn position(&self, id: &str, seq: u64) -> Option<u64> {
        let journal = self
            .journals
            .binary_search_by(|j| j.id.as_str().cmp(id))
            .ok()?;
        self.origins
            .iter()
            .position(|at| at.journal == journal && at.line as u64 == seq)
            .map(|p| p as u64)
    }

    /// Everyone else with a journal in the case, by journal id.
    pub fn others(&self) -> Vec<Presence> {
        self.journals
            .iter()
            .filter(|j| j.id != self.own_id)
            .filter_map(|j| {
                let last = &j.verified.lines.last()?.entry;
                Some(Presence {
                    journal: j.id.clone(),
                    actor: last.actor.clone(),
                    last: last.ts,
                })
            })
            .collect()
    }
}

/// "12 s ago", "4 min ago", "2 h ago", "3 d ago": how fresh a journal is.
pub fn freshness(now: DateTime<Utc>, last: DateTime<Utc>) -> String {
    let s = (now - last).num_seconds().max(0);
    match s {
        0..60 => format!("{s} s ago"),
        60..3600 => format!("{} min ago", s / 60),
        3600..86_400 => format!("{} h ago", s / 3600),
        _ => format!("{} d ago", s / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone as _;
    use serde_json::json;

    use super::*;
    use crate::journal::event::{Correction, FactSet, Payload};
    use crate::journal::verify::verify;
    use crate::journal::{Draft, Event};

    fn at(secs: i64) -> DateTime<Utc> {
        Utc.timestamp_opt(1_800_000_000 + secs, 0).unwrap()
    }

    /// Encoded lines of journal `actor`, chained, one per payload.
    fn lines(actor: &str, payloads: Vec<(i64, Payload)>) -> String {
        let mut prev = ZERO_HASH.to_string();
        let mut out = String::new();
        for (seq, (secs, payload)) in payloads.into_iter().enumerate() {
            let draft = Draft {
                ts: at(secs),
                mono_ms: 0,
                scenario_ms: None,
                session: "s".into(),
                actor: actor.into(),
                event: Event::new(payload),
            };
            let line = draft.into_entry(seq as u64, prev).encode();
            prev = merge::line_hash(&line);
            out.push_str(&line);
            out.push('\n');
        }
        out
    }

    fn set(value: bool) -> Payload {
        Payload::FactSet(FactSet {
            fact: "personal_data".into(),
            value: json!(value),
            occurred_at: None,
            confirmed: None,
        })
    }

    fn journal(id: &str, text: &str) -> CaseJournal {
        CaseJournal {
            id: id.into(),
            verified: verify(text.as_bytes()),
        }
    }

    #[test]
    fn c12_a_correction_naming_another_journal_targets_its_entry_not_the_own_seq() {
        let correction = |journal: Option<&str>| {
            Payload::Correction(Box::new(Correction {
                corrects: 0,
                journal: journal.map(str::to_string),
                reason: "r".into(),
                value: Some(json!(false)),
                occurred_at: None,
                fields: serde_json::Map::new(),
            }))
        };
        // Both journals have an entry at seq 0; b's correction names a's.
        let a = lines("a", vec![(0, set(true))]);
        let b = lines("b", vec![(5, set(true)), (9, correction(Some("a@h")))]);
        let merged = Merged::new(vec![journal("a@h", &a), journal("b@h", &b)]);
        let (feed, origins) = merged.feed_from();
        let corrects = feed[2].entry.data["corrects"].clone();
        assert_eq!(corrects, json!(0), "a's entry sits at merged position 0");
        assert_eq!(
            origins[0],
            At {
                journal: 0,
                line: 0
            }
        );
        // Without a journal, seq 0 is the correction's own journal.
        let b = lines("b", vec![(5, set(true)), (9, correction(None))]);
        let feed = Merged::new(vec![journal("a@h", &a), journal("b@h", &b)]).feed();
        assert_eq!(feed[2].entry.data["corrects"], json!(1));
        // A target not read yet never lands on another entry.
        let b = lines("b", vec![(5, set(true)), (9, correction(Some("zed@h")))]);
        let feed = Merged::new(vec![journal("a@h", &a), journal("b@h", &b)]).feed();
        assert_eq!(feed[2].entry.data["corrects"], json!(2), "itself: ignored");
    }

    #[test]
    fn positions_and_origins_name_the_same_entries() {
        let a = lines("a", vec![(0, set(true)), (10, set(false))]);
        let b = lines("b", vec![(5, set(true))]);
        let mut live = CaseLive::new("a@h", vec![journal("a@h", &a)]);
        assert_eq!(live.take("b@h", b.as_bytes()), Read::Folded(1));
        live.feed();
        for position in 0..3 {
            let (id, seq) = live.origin(position).expect("an origin");
            assert_eq!(live.position(id, seq), Some(position));
        }
        assert_eq!(live.origin(1), Some(("b@h", 0)));
        assert_eq!(live.take("a@h", b"ignored"), Read::Nothing, "own journal");
    }

    fn created(case: &str) -> Payload {
        Payload::JournalCreated(Box::new(crate::journal::event::Created {
            journal_id: case.into(),
            playbook: crate::journal::event::PlaybookRef {
                id: "p".into(),
                version: "1".into(),
                path: "playbook.yaml".into(),
                sha256: String::new(),
            },
            title: format!("case {case}"),
            timezone: "UTC".into(),
            exercise: false,
            app_version: "test".into(),
            drill: None,
            holidays: Vec::new(),
        }))
    }

    #[test]
    fn a_journal_another_case_created_is_refused_not_merged() {
        let a = lines("a", vec![(0, created("case-1")), (1, set(true))]);
        let mut live = CaseLive::new("a@h", vec![journal("a@h", &a)]);
        let stranger = lines("z", vec![(0, created("case-2")), (2, set(false))]);
        let read = live.take("z@h", stranger.as_bytes());
        assert!(
            matches!(&read, Read::Refused { folded: 0, why } if why.contains("belongs to another case")),
            "{read:?}"
        );
        assert_eq!(live.feed().len(), 2, "nothing of it merged");
        assert!(!live.follows("z@h"), "never read again");
        // A journal of this case, found later, merges as always.
        let b = lines("b", vec![(0, created("case-1")), (3, set(true))]);
        assert_eq!(live.take("b@h", b.as_bytes()), Read::Folded(2));
    }

    #[test]
    fn freshness_reads_like_a_person_would_say_it() {
        let now = at(100_000);
        assert_eq!(
            freshness(now, now - chrono::Duration::seconds(12)),
            "12 s ago"
        );
        assert_eq!(
            freshness(now, now - chrono::Duration::seconds(250)),
            "4 min ago"
        );
        assert_eq!(freshness(now, now - chrono::Duration::hours(2)), "2 h ago");
        assert_eq!(freshness(now, now - chrono::Duration::days(3)), "3 d ago");
        assert_eq!(
            freshness(now, now + chrono::Duration::seconds(5)),
            "0 s ago"
        );
    }
}
