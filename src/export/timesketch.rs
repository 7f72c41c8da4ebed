//! The `timesketch` export: JSON Lines that Timesketch imports as is.
//!
//! Every line has `message` (a sentence), `datetime` (ISO 8601, UTC, `Z`),
//! `timestamp` (the same instant in microseconds since the Unix epoch, so
//! the server parses nothing) and `timestamp_desc`, plus attributes:
//! `journal_id`, `playbook_id`, `playbook_version`, `exercise`, `tag`, the
//! entry's own fields (`seq`, `recorded_at`, `mono_ms`, `scenario_ms`,
//! `session`, `actor`, `kind`, `step`, `step_title`, `phase`, `prev`,
//! `hash` = SHA-256 of the line) and its `data` flattened as `data_<key>`
//! (nested objects as `data_<key>_<field>`). No name starts with `_`.
//!
//! Every attribute keeps one JSON type on every line, because Timesketch's
//! index maps a field by the first type it sees and rejects later lines
//! that disagree. The one rule for `data_*`: **every `data_*` value is a
//! string** — text as is, any other value (boolean, number, list) as its
//! compact JSON text (`true`, `4.5`, `["eu","uk"]`). An attribute with no
//! value is left out rather than written as `null`.
//!
//! `tag` is a list Timesketch shows as filter chips: the entry's kind, then
//! `phase:<id>` when the entry is about a step, then `exercise` for an
//! exercise journal.
//!
//! Each entry gives a `Recorded` line. Secondary times give extra lines with
//! the same attributes: `Fact occurred` for a fact's or a correction's
//! `occurred_at`, `Sent` for a submission's `sent_at`, and `Fact value:
//! <fact>` at the time a datetime fact states (e.g. `aware_at`), so that
//! moment sits on the timeline where it happened. Lines are ordered by
//! `datetime`, ties by `seq`.
//!
//! Exercise journals: `exercise` is `true`, `tag` holds `exercise`, and
//! every `message` starts with `[EXERCISE]`. A drill's secondary times are
//! scenario instants: their `timestamp_desc` ends with `(scenario time)`
//! (`Sent (scenario time)`), as they sit among wall-clock `Recorded` lines. A journal that fails verification ends with a
//! `Verification` line saying where and why.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::view::View;
use super::when;
use crate::hash::sha256_hex;
use crate::journal::event::{FactSet, Payload};
use crate::journal::typed::TypedEntry;
use crate::journal::{Entry, Kind, Line};
use crate::playbook::{FactType, Playbook};

/// Where one Timesketch event comes from, and its sort key: time, `seq`,
/// then which of the entry's times it is.
struct Event<'v> {
    at: DateTime<Utc>,
    seq: u64,
    order: usize,
    desc: String,
    line: &'v Line,
}

pub fn render(view: &View<'_>) -> String {
    // Sort what each event is first, then build and write each in turn:
    // only one event's fields exist at a time.
    let facts = FactsSet::of(view);
    let mut events: Vec<Event> = Vec::with_capacity(view.timeline.len());
    for line in &view.timeline {
        for (order, (at, desc)) in times(view, &facts, &line.entry).into_iter().enumerate() {
            events.push(Event {
                at,
                seq: line.entry.seq,
                order,
                desc,
                line,
            });
        }
    }
    events.sort_by_key(|e| (e.at, e.seq, e.order));
    let mut out = Vec::new();
    for event in events {
        let hash = sha256_hex(event.line.text.as_bytes());
        push_event_line(
            &mut out,
            view,
            &event.line.entry,
            &hash,
            event.at,
            &event.desc,
        );
    }
    let mut out = String::from_utf8(out).unwrap_or_default();
    if let Some(closing) = closing_line(view, view.last().map(|e| e.ts)) {
        out.push_str(&closing);
    }
    out
}

/// The `timestamp_desc` of the time an entry was written.
const RECORDED: &str = "Recorded";

/// What a drill's stated times (a fact's value, when it occurred, when a
/// message was sent) are marked with: scenario instants, which the
/// timeline sorts among the wall-clock times the entries were recorded,
/// so each must say which clock it is on.
const SCENARIO_TIME: &str = "(scenario time)";

/// Appends one event's line (with its newline): the entry `e` of a line
/// whose SHA-256 is `hash`, seen at `at`, as `desc`. Written member by member, in the order
/// and the form a `serde_json` object of them prints.
pub(super) fn push_event_line(
    out: &mut Vec<u8>,
    view: &View<'_>,
    e: &Entry,
    hash: &str,
    at: DateTime<Utc>,
    desc: &str,
) {
    let mut object = Object::open(out);
    let sentence = view.sentence(e);
    if view.is_exercise() {
        object.text("message", &message(view, &sentence));
    } else {
        object.text("message", &sentence);
    }
    object.text("datetime", &when::iso(at));
    object.number("timestamp", at.timestamp_micros());
    if desc != RECORDED && crate::drill::runs_on_scenario_time(view.input.state) {
        object.text("timestamp_desc", &format!("{desc} {SCENARIO_TIME}"));
    } else {
        object.text("timestamp_desc", desc);
    }
    if let Some(c) = view.input.state.created.as_ref() {
        object.text("journal_id", &c.journal_id);
    }
    object.text("playbook_id", &view.input.playbook.id);
    object.text("playbook_version", &view.input.playbook.version);
    object.number("exercise", view.is_exercise());
    object.number("seq", e.seq);
    object.text("recorded_at", &when::iso(e.ts));
    object.number("mono_ms", e.mono_ms);
    if let Some(ms) = e.scenario_ms {
        object.number("scenario_ms", ms);
    }
    object.text("session", &e.session);
    object.text("actor", &e.actor);
    object.text("kind", e.kind.as_str());
    let mut phase_tag = None;
    if let Some(step) = &e.step {
        object.text("step", step);
        if let Some(s) = view.step(step) {
            object.text("step_title", &s.title);
        }
        if let Some(p) = view.phase_of(step) {
            object.text("phase", &p.id);
            phase_tag = Some(format!("phase:{}", p.id));
        }
    }
    let exercise_tag = view.is_exercise().then_some("exercise");
    let tags = std::iter::once(e.kind.as_str())
        .chain(phase_tag.as_deref())
        .chain(exercise_tag);
    object.texts("tag", tags);
    object.text("prev", &e.prev);
    object.text("hash", hash);
    let mut data = Vec::new();
    for (key, value) in &e.data {
        flatten_into(&mut data, format!("data_{key}"), value);
    }
    for (name, value) in &data {
        object.text(name, value);
    }
    object.close();
    out.push(b'\n');
}

/// A compact JSON object written member by member.
struct Object<'o> {
    out: &'o mut Vec<u8>,
    first: bool,
}

impl<'o> Object<'o> {
    fn open(out: &'o mut Vec<u8>) -> Self {
        out.push(b'{');
        Self { out, first: true }
    }

    fn key(&mut self, name: &str) {
        if !self.first {
            self.out.push(b',');
        }
        self.first = false;
        quoted(self.out, name);
        self.out.push(b':');
    }

    fn text(&mut self, name: &str, value: &str) {
        self.key(name);
        quoted(self.out, value);
    }

    /// A number or a boolean, as JSON prints it.
    fn number(&mut self, name: &str, value: impl std::fmt::Display) {
        use std::io::Write as _;
        self.key(name);
        let _ = write!(self.out, "{value}");
    }

    fn texts<'t>(&mut self, name: &str, values: impl Iterator<Item = &'t str>) {
        self.key(name);
        self.out.push(b'[');
        for (i, value) in values.enumerate() {
            if i > 0 {
                self.out.push(b',');
            }
            quoted(self.out, value);
        }
        self.out.push(b']');
    }

    fn close(self) {
        self.out.push(b'}');
    }
}

/// `text` as a JSON string, escaped exactly as `serde_json` escapes it:
/// `"` and `\\` with a backslash, the C0 controls as `\\b`, `\\t`, `\\n`,
/// `\\f`, `\\r` or `\\u00xx`, and every other character as it is. Runs
/// needing nothing are copied whole.
fn quoted(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let bytes = text.as_bytes();
    out.push(b'"');
    let mut copied = 0;
    while let Some(i) = next_to_escape(bytes, copied) {
        let byte = bytes[i];
        let short = match byte {
            b'"' => b'"',
            b'\\' => b'\\',
            0x08 => b'b',
            b'\t' => b't',
            b'\n' => b'n',
            0x0C => b'f',
            b'\r' => b'r',
            _ => b'u',
        };
        out.extend_from_slice(&bytes[copied..i]);
        out.extend_from_slice(&[b'\\', short]);
        if short == b'u' {
            out.extend_from_slice(&[
                b'0',
                b'0',
                HEX[usize::from(byte >> 4)],
                HEX[usize::from(byte & 0xF)],
            ]);
        }
        copied = i + 1;
    }
    out.extend_from_slice(&bytes[copied..]);
    out.push(b'"');
}

/// Where the next byte a JSON string escapes (a C0 control, `"` or `\\`)
/// is, at or after `from`: eight bytes are tested at once.
fn next_to_escape(bytes: &[u8], from: usize) -> Option<usize> {
    use crate::bytewise::{controls, equal_to, first_flagged, word_at};
    let mut at = from;
    while let Some(word) = word_at(bytes, at) {
        let flagged = controls(word) | equal_to(word, b'"') | equal_to(word, b'\\');
        if flagged != 0 {
            return Some(at + first_flagged(flagged));
        }
        at += 8;
    }
    (at..bytes.len()).find(|&i| bytes[i] < 0x20 || bytes[i] == b'"' || bytes[i] == b'\\')
}

/// [`flatten`] into a list kept in the order a JSON object of the same
/// insertions has: a name given again keeps its first place and takes the
/// later value.
///
/// Texts are borrowed from `value`: a long note is not copied to be
/// written once.
fn flatten_into<'v>(out: &mut Vec<(String, Cow<'v, str>)>, name: String, value: &'v Value) {
    match value {
        Value::Object(fields) => {
            for (key, v) in fields {
                flatten_into(out, format!("{name}_{key}"), v);
            }
        }
        Value::Null => {}
        other => {
            let text = match other {
                Value::String(text) => Cow::Borrowed(text.as_str()),
                _ => Cow::Owned(other.to_string()),
            };
            match out.iter_mut().find(|(n, _)| *n == name) {
                Some((_, held)) => *held = text,
                None => out.push((name, text)),
            }
        }
    }
}

/// Whether entries of `kind` can state a time besides their recorded one.
pub(super) const fn has_stated_times(kind: Kind) -> bool {
    matches!(kind, Kind::FactSet | Kind::Correction | Kind::Submission)
}

/// The closing line of a journal that does not fully verify, dated `last`
/// (the recorded time of the last entry in time order).
pub(super) fn closing_line(view: &View<'_>, last: Option<DateTime<Utc>>) -> Option<String> {
    let mut text = Value::Object(problem(view, last)?).to_string();
    text.push('\n');
    Some(text)
}

fn message(view: &View<'_>, text: &str) -> String {
    if view.is_exercise() {
        format!("[EXERCISE] {text}")
    } else {
        text.to_string()
    }
}

/// The recorded time, then any time the entry says something happened.
pub(super) fn times(
    view: &View<'_>,
    facts: &FactsSet<'_>,
    entry: &Entry,
) -> Vec<(DateTime<Utc>, String)> {
    let mut out = vec![(entry.ts, RECORDED.to_string())];
    // Only these kinds carry a second time: skip decoding the others.
    if !has_stated_times(entry.kind) {
        return out;
    }
    let playbook = view.input.playbook;
    match entry.event().map(|e| e.payload) {
        Ok(Payload::FactSet(f)) => out.extend(fact_set_times(playbook, &f)),
        Ok(Payload::Correction(c)) => {
            out.extend(c.occurred_at.map(occurred));
            if let (Some(fact), Some(value)) = (facts.by(c.corrects), &c.value) {
                out.extend(stated_time(playbook, fact, value));
            }
        }
        Ok(Payload::Submission(s)) => out.push((s.sent_at, "Sent".to_string())),
        _ => {}
    }
    out
}

/// The times a `fact_set` states besides when it was recorded: when the
/// fact occurred, then the time a date-time fact's value names. They
/// depend on the entry and the playbook alone, so a streamed export
/// gathers them while it replays (see [`StatedTime`]).
pub(super) fn fact_set_times(
    playbook: &Playbook,
    f: &FactSet,
) -> impl Iterator<Item = (DateTime<Utc>, String)> {
    f.occurred_at
        .map(occurred)
        .into_iter()
        .chain(stated_time(playbook, &f.fact, &f.value))
}

fn occurred(at: DateTime<Utc>) -> (DateTime<Utc>, String) {
    (at, "Fact occurred".to_string())
}

/// One event of a `fact_set` at a time it states, noted as the journal is
/// replayed: `rank` is its place among the entry's times (0 is when it
/// was recorded), as in [`times`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatedTime {
    pub seq: u64,
    pub rank: u32,
    pub at: DateTime<Utc>,
    pub desc: String,
}

/// The [`StatedTime`]s of a replayed entry, if it is a `fact_set`.
pub fn note_stated_times(playbook: &Playbook, entry: &TypedEntry, into: &mut Vec<StatedTime>) {
    if let Ok(Payload::FactSet(f)) = &entry.payload {
        for (rank, (at, desc)) in (1..).zip(fact_set_times(playbook, f)) {
            into.push(StatedTime {
                seq: entry.seq,
                rank,
                at,
                desc,
            });
        }
    }
}

/// Which fact each entry of the facts' histories set, so that a
/// correction finds the fact it corrects without searching every history.
pub(super) struct FactsSet<'s> {
    by_seq: HashMap<u64, &'s str>,
}

impl<'s> FactsSet<'s> {
    pub(super) fn of(view: &View<'s>) -> Self {
        let mut by_seq = HashMap::new();
        // The first fact (in name order) whose history holds an entry.
        for (fact, state) in &view.input.state.facts {
            for record in &state.history {
                by_seq.entry(record.at.seq).or_insert(fact.as_str());
            }
        }
        Self { by_seq }
    }

    /// The fact whose history holds entry `seq`.
    fn by(&self, seq: u64) -> Option<&'s str> {
        self.by_seq.get(&seq).copied()
    }
}

/// The time a datetime fact's value states, as its own event.
fn stated_time(playbook: &Playbook, fact: &str, value: &Value) -> Option<(DateTime<Utc>, String)> {
    let def = playbook.fact(fact)?;
    if def.ty != FactType::DateTime {
        return None;
    }
    let at = DateTime::parse_from_rfc3339(value.as_str()?).ok()?;
    Some((at.with_timezone(&Utc), format!("Fact value: {fact}")))
}

fn journal_attributes(view: &View<'_>) -> Map<String, Value> {
    let mut map = Map::new();
    let created = view.input.state.created.as_ref();
    if let Some(c) = created {
        map.insert("journal_id".into(), c.journal_id.clone().into());
    }
    map.insert("playbook_id".into(), view.input.playbook.id.clone().into());
    map.insert(
        "playbook_version".into(),
        view.input.playbook.version.clone().into(),
    );
    map.insert("exercise".into(), view.is_exercise().into());
    map
}

/// The closing line for a journal that does not fully verify.
fn problem(view: &View<'_>, last: Option<DateTime<Utc>>) -> Option<Map<String, Value>> {
    let verified = view.input.verified;
    let (kind, text) = match (&verified.broken, verified.torn_tail) {
        (Some(b), _) => (
            "verification_failed",
            format!(
                "JOURNAL BROKEN at line {} (seq {}): {}. Entries from that line on are not trusted and are not exported.",
                b.line, b.seq, b.reason
            ),
        ),
        (None, n) if n > 0 => (
            "torn_tail",
            format!("The journal ends with {n} bytes of an interrupted write, not exported."),
        ),
        _ => return None,
    };
    let at = last.unwrap_or(DateTime::UNIX_EPOCH);
    let mut event = Map::new();
    event.insert("message".into(), message(view, &text).into());
    event.insert("datetime".into(), when::iso(at).into());
    event.insert("timestamp".into(), at.timestamp_micros().into());
    event.insert("timestamp_desc".into(), "Verification".into());
    event.extend(journal_attributes(view));
    event.insert("kind".into(), kind.into());
    let mut tags = vec![Value::from(kind)];
    if view.is_exercise() {
        tags.push("exercise".into());
    }
    event.insert("tag".into(), tags.into());
    if let Some(head) = &verified.head_hash {
        event.insert("head_hash".into(), head.clone().into());
    }
    Some(event)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Objects become `name_field` attributes; every other value becomes a
    /// string (text as is, anything else as compact JSON), so a field has one
    /// type on every line; `null` is left out.
    fn flatten(map: &mut Map<String, Value>, name: &str, value: &Value) {
        match value {
            Value::Object(fields) => {
                for (key, v) in fields {
                    flatten(map, &format!("{name}_{key}"), v);
                }
            }
            Value::Null => {}
            Value::String(text) => {
                map.insert(name.to_string(), text.clone().into());
            }
            other => {
                map.insert(name.to_string(), other.to_string().into());
            }
        }
    }

    /// Every ASCII character, at every place of the first two words and
    /// the tail, is quoted as `serde_json` quotes it.
    #[test]
    fn every_ascii_character_anywhere_is_quoted_as_serde_json_quotes_it() {
        for c in (0..=0x7F_u8).map(char::from) {
            for at in 0..=19 {
                let mut text = "a".repeat(19);
                text.insert(at, c);
                let mut out = Vec::new();
                quoted(&mut out, &text);
                let expected = serde_json::to_string(&text).expect("a string");
                assert_eq!(
                    String::from_utf8(out).expect("UTF-8"),
                    expected,
                    "{c:?} at {at}"
                );
            }
        }
    }

    proptest::proptest! {
        /// Every character, and every C0 control in particular, is
        /// escaped as `serde_json` escapes it.
        #[test]
        fn a_string_is_quoted_as_serde_json_quotes_it(
            text in "([\\x00-\\x1f\"\\\\/a é\u{7f}\u{85}\u{2028}😀]|.){0,80}",
        ) {
            let mut out = b"x".to_vec();
            quoted(&mut out, &text);
            let expected = format!("x{}", serde_json::to_string(&text).expect("a string"));
            proptest::prop_assert_eq!(String::from_utf8(out).expect("UTF-8"), expected);
        }
    }

    #[test]
    fn data_flattens_to_what_an_object_of_the_same_attributes_holds() {
        let data = json!({
            "a_b": 1,
            "a": {"b": "later value, first place", "c": null, "d": {"e": [1, "x"]}},
            "gone": null,
            "text": "say \"hi\"\n",
            "n": 4.5,
            "yes": true,
            "empty": {},
        });
        let mut object = Map::new();
        let mut list = Vec::new();
        for (key, value) in data.as_object().expect("an object") {
            flatten(&mut object, &format!("data_{key}"), value);
            flatten_into(&mut list, format!("data_{key}"), value);
        }
        let listed: Vec<(String, Value)> = list
            .into_iter()
            .map(|(k, v)| (k, v.into_owned().into()))
            .collect();
        let held: Vec<(String, Value)> = object.into_iter().collect();
        assert_eq!(listed, held);
    }
}
