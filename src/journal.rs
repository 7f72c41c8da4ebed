//! The journal: one JSON object per line, hash-chained, append-only.
//!
//! This module owns the line format (FORMATS section 3): field order, the
//! timestamp form, the `prev` chain and each line's own `hash`. Encoding is
//! canonical, so decoding a line and encoding it again gives the same bytes,
//! and verification always hashes the bytes as stored.

pub mod attachment;
pub mod canonical;
pub mod event;
mod holder;
pub mod identity;
pub mod typed;
pub mod verify;
pub mod write_error;
pub mod writer;

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::hash::sha256_hex;

pub use event::Event;
pub use typed::{SharedStr, TypedEntry};

/// Format version written in every line.
pub const VERSION: u32 = 1;

/// The kinds of entry. Names are the contract in FORMATS section 3, plus
/// `checklist_item`, `approval`, `drill_control`, `checkpoint`, `anchor`
/// and the evidence kinds (see journal-format.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    JournalCreated,
    SessionStarted,
    SessionEnded,
    StepStarted,
    StepDone,
    StepSkipped,
    StepBlocked,
    StepReopened,
    ChecklistItem,
    Note,
    FactSet,
    Decision,
    RoleAssigned,
    MessageDrafted,
    Approval,
    Submission,
    Correction,
    Recovery,
    InjectDelivered,
    Observation,
    DrillControl,
    Closed,
    Checkpoint,
    Anchor,
    EvidenceAdded,
    EvidenceTransferred,
    Resolution,
}

impl Kind {
    /// The name as written in the journal.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::JournalCreated => "journal_created",
            Self::SessionStarted => "session_started",
            Self::SessionEnded => "session_ended",
            Self::StepStarted => "step_started",
            Self::StepDone => "step_done",
            Self::StepSkipped => "step_skipped",
            Self::StepBlocked => "step_blocked",
            Self::StepReopened => "step_reopened",
            Self::ChecklistItem => "checklist_item",
            Self::Note => "note",
            Self::FactSet => "fact_set",
            Self::Decision => "decision",
            Self::RoleAssigned => "role_assigned",
            Self::MessageDrafted => "message_drafted",
            Self::Approval => "approval",
            Self::Submission => "submission",
            Self::Correction => "correction",
            Self::Recovery => "recovery",
            Self::InjectDelivered => "inject_delivered",
            Self::Observation => "observation",
            Self::DrillControl => "drill_control",
            Self::Closed => "closed",
            Self::Checkpoint => "checkpoint",
            Self::Anchor => "anchor",
            Self::EvidenceAdded => "evidence_added",
            Self::EvidenceTransferred => "evidence_transferred",
            Self::Resolution => "resolution",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `ts`: UTC, RFC 3339, exactly six fractional digits and `Z`.
pub mod timestamp {
    use chrono::{DateTime, Datelike as _, NaiveDate, NaiveDateTime, Timelike as _, Utc};
    use serde::{Deserialize, Deserializer, Serializer};

    const FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

    /// Length of `2026-11-28T13:05:00.000000Z`.
    const LEN: usize = 27;

    pub fn format(t: &DateTime<Utc>) -> String {
        format_fixed(t).unwrap_or_else(|| t.format(FORMAT).to_string())
    }

    pub fn parse(text: &str) -> Option<DateTime<Utc>> {
        if let Some(t) = parse_fixed(text) {
            return Some(t);
        }
        let t = NaiveDateTime::parse_from_str(text, FORMAT).ok()?.and_utc();
        // Only the canonical form is accepted, so re-encoding is exact.
        (format(&t) == text).then_some(t)
    }

    /// What `FORMAT` gives, written digit by digit (every journal line has
    /// one timestamp, decoded and encoded again by verification). `None`
    /// for what the fixed width cannot hold: years outside 0 to 9999 (which
    /// `%Y` signs) and leap seconds; those go through chrono.
    fn format_fixed(t: &DateTime<Utc>) -> Option<String> {
        let year = u32::try_from(t.year()).ok().filter(|y| *y <= 9999)?;
        let nanos = t.nanosecond();
        if nanos >= 1_000_000_000 {
            return None;
        }
        let mut out = *b"0000-00-00T00:00:00.000000Z";
        let mut put = |at: usize, width: usize, mut n: u32| {
            for i in (at..at + width).rev() {
                // A single decimal digit always fits in a byte.
                #[allow(clippy::cast_possible_truncation)]
                let digit = (n % 10) as u8;
                out[i] = b'0' + digit;
                n /= 10;
            }
        };
        put(0, 4, year);
        put(5, 2, t.month());
        put(8, 2, t.day());
        put(11, 2, t.hour());
        put(14, 2, t.minute());
        put(17, 2, t.second());
        put(20, 6, nanos / 1_000);
        String::from_utf8(out.to_vec()).ok()
    }

    /// The exact inverse of [`format_fixed`]: `YYYY-MM-DDTHH:MM:SS.ffffffZ`
    /// with every field in range, or `None` (and the general, slower path
    /// decides).
    pub(super) fn parse_fixed(text: &str) -> Option<DateTime<Utc>> {
        let b = text.as_bytes();
        if b.len() != LEN
            || b[4] != b'-'
            || b[7] != b'-'
            || b[10] != b'T'
            || b[13] != b':'
            || b[16] != b':'
            || b[19] != b'.'
            || b[26] != b'Z'
        {
            return None;
        }
        let num = |from: usize, to: usize| -> Option<u32> {
            b[from..to].iter().try_fold(0_u32, |n, c| {
                c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
            })
        };
        let year = i32::try_from(num(0, 4)?).ok()?;
        let date = NaiveDate::from_ymd_opt(year, num(5, 7)?, num(8, 10)?)?;
        let (hour, minute, second) = (num(11, 13)?, num(14, 16)?, num(17, 19)?);
        if hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        let time = date.and_hms_micro_opt(hour, minute, second, num(20, 26)?)?;
        Some(time.and_utc())
    }

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(t))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        parse(&text).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "`{text}` is not a UTC timestamp with microseconds (2026-11-28T13:05:00.000000Z)"
            ))
        })
    }

    #[cfg(test)]
    pub(super) fn chrono_format(t: &DateTime<Utc>) -> String {
        t.format(FORMAT).to_string()
    }

    #[cfg(test)]
    pub(super) fn chrono_parse(text: &str) -> Option<DateTime<Utc>> {
        let t = NaiveDateTime::parse_from_str(text, FORMAT).ok()?.and_utc();
        (chrono_format(&t) == text).then_some(t)
    }
}

/// One journal line, decoded. `hash` is not a field: it is derived from the
/// other fields when encoding and checked when decoding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub v: u32,
    pub seq: u64,
    #[serde(with = "timestamp")]
    pub ts: DateTime<Utc>,
    pub mono_ms: u64,
    /// Scenario time in a drill: milliseconds since T+0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_ms: Option<u64>,
    pub session: String,
    pub actor: String,
    pub kind: Kind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<String>,
    pub data: serde_json::Map<String, serde_json::Value>,
    /// In a team case: heads of the other journals the writer had read,
    /// written only when they changed since its previous entry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seen: Option<event::Seen>,
    pub prev: String,
}

/// Why a line could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeError {}

const HASH_KEY: &str = ",\"hash\":\"";

impl Entry {
    /// The canonical line, without the trailing newline.
    pub fn encode(&self) -> String {
        let body = serde_json::to_string(self).unwrap_or_default();
        let hash = sha256_hex(body.as_bytes());
        let mut line = String::with_capacity(body.len() + HASH_KEY.len() + 66);
        line.push_str(&body[..body.len() - 1]);
        line.push_str(HASH_KEY);
        line.push_str(&hash);
        line.push_str("\"}");
        line
    }

    /// Decodes one line (without its newline), checking its own hash and
    /// that it is in canonical form.
    pub fn decode(line: &str) -> Result<Self, DecodeError> {
        let body = check_own_hash(line)?;
        let entry: Self = serde_json::from_str(&body)
            .map_err(|e| DecodeError(format!("not a journal entry: {e}")))?;
        // `encode` would give back `line` exactly when the entry serialises
        // to `body`: the hash member after it was just checked to be the
        // hash of `body`. Comparing as it serialises needs no copy, and no
        // second hash.
        let mut rest = Unwritten(body.as_bytes());
        if serde_json::to_writer(&mut rest, &entry).is_err() || !rest.0.is_empty() {
            return Err(DecodeError(
                "not in canonical form (edited by hand or by another tool)".into(),
            ));
        }
        Ok(entry)
    }

    /// Decodes a line whose bytes are exactly those of a line verified
    /// before (the same SHA-256): verification checked its own hash and
    /// canonical form, so the body is only parsed.
    ///
    /// # Errors
    /// When the text is not a journal line at all.
    pub fn decode_verified(line: &str) -> Result<Self, DecodeError> {
        let bad = || DecodeError("line does not end with its `hash` member".into());
        let body_end = line.rfind(HASH_KEY).ok_or_else(bad)?;
        let mut body = String::with_capacity(body_end + 1);
        body.push_str(&line[..body_end]);
        body.push('}');
        serde_json::from_str(&body).map_err(|e| DecodeError(format!("not a journal entry: {e}")))
    }

    /// The typed event this entry records.
    pub fn event(&self) -> Result<Event, DecodeError> {
        Event::from_parts(self.kind, self.step.as_deref(), &self.data)
    }
}

/// A line's `hash` must be the SHA-256 of the line with the hash member
/// removed; this is what catches a changed byte on the last line, which no
/// later `prev` covers.
/// Returns the line's body (the line without its hash member).
pub fn check_own_hash(line: &str) -> Result<String, DecodeError> {
    let bad = || missing_hash(line);
    let body_end = line.rfind(HASH_KEY).ok_or_else(bad)?;
    let stored = line[body_end + HASH_KEY.len()..]
        .strip_suffix("\"}")
        .ok_or_else(bad)?;
    let mut body = String::with_capacity(body_end + 1);
    body.push_str(&line[..body_end]);
    body.push('}');
    if is_hex_of(&Sha256::digest(body.as_bytes()), stored) {
        Ok(body)
    } else {
        Err(DecodeError(
            "content does not match the line's own `hash`: the line was altered".into(),
        ))
    }
}

/// Why a line has no `hash` member at its end. A line that is not JSON at
/// all (a stray text line, a half-pasted fragment) is said to be no journal
/// entry, so the reader looks for where it came from, not for a tampered
/// hash.
fn missing_hash(line: &str) -> DecodeError {
    if serde_json::from_str::<serde::de::IgnoredAny>(line).is_err() {
        DecodeError("not a journal entry: the line is not JSON".into())
    } else {
        DecodeError("line does not end with its `hash` member".into())
    }
}

/// Whether `hex` is the lowercase hex of `digest` (what [`sha256_hex`]
/// would return), without building that string.
pub(crate) fn is_hex_of(digest: &[u8], hex: &str) -> bool {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    hex.len() == digest.len() * 2
        && digest
            .iter()
            .zip(hex.as_bytes().chunks_exact(2))
            .all(|(b, pair)| {
                pair[0] == DIGITS[usize::from(b >> 4)] && pair[1] == DIGITS[usize::from(b & 0x0f)]
            })
}

/// The bytes a serialisation must still write to reproduce a line: each
/// write must be their next part, and none may be left at the end.
struct Unwritten<'a>(&'a [u8]);

impl std::io::Write for Unwritten<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.0.strip_prefix(buf) {
            Some(rest) => {
                self.0 = rest;
                Ok(buf.len())
            }
            None => Err(std::io::Error::other("differs from the stored line")),
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// What a caller supplies to append: everything but `seq` and `prev`, which
/// the journal file assigns in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub ts: DateTime<Utc>,
    pub mono_ms: u64,
    pub scenario_ms: Option<u64>,
    pub session: String,
    pub actor: String,
    pub event: Event,
}

impl Draft {
    /// The entry this draft becomes at position `seq` after `prev`.
    pub fn into_entry(self, seq: u64, prev: String) -> Entry {
        let (kind, step, data) = self.event.into_parts();
        Entry {
            v: VERSION,
            seq,
            ts: self.ts,
            mono_ms: self.mono_ms,
            scenario_ms: self.scenario_ms,
            session: self.session,
            actor: self.actor,
            kind,
            step,
            data,
            seen: None,
            prev,
        }
    }
}

/// A decoded line with its stored text, for consumers that hash or show it.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub entry: Entry,
    pub text: String,
}

#[cfg(test)]
mod tests;
