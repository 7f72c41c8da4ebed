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
//! every `message` starts with `[EXERCISE]`. A journal that fails verification ends with a
//! `Verification` line saying where and why.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::view::View;
use super::when;
use crate::hash::sha256_hex;
use crate::journal::event::Payload;
use crate::journal::{Kind, Line};
use crate::playbook::FactType;

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
    let mut events: Vec<Event> = Vec::with_capacity(view.timeline.len());
    for line in &view.timeline {
        for (order, (at, desc)) in times(view, line).into_iter().enumerate() {
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
    let mut out = String::new();
    for event in events {
        let hash = sha256_hex(event.line.text.as_bytes());
        push_event_line(&mut out, view, event.line, &hash, event.at, &event.desc);
    }
    if let Some(closing) = closing_line(view, view.last().map(|e| e.ts)) {
        out.push_str(&closing);
    }
    out
}

/// Appends one event's line (with its newline): `line`, whose SHA-256 is
/// `hash`, seen at `at`, as `desc`.
pub(super) fn push_event_line(
    out: &mut String,
    view: &View<'_>,
    line: &Line,
    hash: &str,
    at: DateTime<Utc>,
    desc: &str,
) {
    let mut fields = Map::new();
    fields.insert(
        "message".into(),
        message(view, &view.sentence(&line.entry)).into(),
    );
    fields.insert("datetime".into(), when::iso(at).into());
    fields.insert("timestamp".into(), at.timestamp_micros().into());
    fields.insert("timestamp_desc".into(), desc.into());
    fields.extend(attributes(view, line, hash));
    out.push_str(&Value::Object(fields).to_string());
    out.push('\n');
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
pub(super) fn times(view: &View<'_>, line: &Line) -> Vec<(DateTime<Utc>, String)> {
    let mut out = vec![(line.entry.ts, "Recorded".to_string())];
    // Only these kinds carry a second time: skip decoding the others.
    if !has_stated_times(line.entry.kind) {
        return out;
    }
    let occurred = |t: DateTime<Utc>| (t, "Fact occurred".to_string());
    match line.entry.event().map(|e| e.payload) {
        Ok(Payload::FactSet(f)) => {
            out.extend(f.occurred_at.map(occurred));
            out.extend(stated_time(view, &f.fact, &f.value));
        }
        Ok(Payload::Correction(c)) => {
            out.extend(c.occurred_at.map(occurred));
            let fact = view
                .input
                .state
                .facts
                .iter()
                .find(|(_, state)| state.history.iter().any(|r| r.at.seq == c.corrects));
            if let (Some((fact, _)), Some(value)) = (fact, &c.value) {
                out.extend(stated_time(view, fact, value));
            }
        }
        Ok(Payload::Submission(s)) => out.push((s.sent_at, "Sent".to_string())),
        _ => {}
    }
    out
}

/// The time a datetime fact's value states, as its own event.
fn stated_time(view: &View<'_>, fact: &str, value: &Value) -> Option<(DateTime<Utc>, String)> {
    let def = view.input.playbook.fact(fact)?;
    if def.ty != FactType::DateTime {
        return None;
    }
    let at = DateTime::parse_from_rfc3339(value.as_str()?).ok()?;
    Some((at.with_timezone(&Utc), format!("Fact value: {fact}")))
}

/// Journal-wide attributes, then the entry's own, then its data.
fn attributes(view: &View<'_>, line: &Line, hash: &str) -> Map<String, Value> {
    let e = &line.entry;
    let mut map = journal_attributes(view);
    map.insert("seq".into(), e.seq.into());
    map.insert("recorded_at".into(), when::iso(e.ts).into());
    map.insert("mono_ms".into(), e.mono_ms.into());
    if let Some(ms) = e.scenario_ms {
        map.insert("scenario_ms".into(), ms.into());
    }
    map.insert("session".into(), e.session.clone().into());
    map.insert("actor".into(), e.actor.clone().into());
    map.insert("kind".into(), e.kind.as_str().into());
    let mut tags = vec![Value::from(e.kind.as_str())];
    if let Some(step) = &e.step {
        map.insert("step".into(), step.clone().into());
        if let Some(s) = view.step(step) {
            map.insert("step_title".into(), s.title.clone().into());
        }
        if let Some(p) = view.phase_of(step) {
            map.insert("phase".into(), p.id.clone().into());
            tags.push(format!("phase:{}", p.id).into());
        }
    }
    if view.is_exercise() {
        tags.push("exercise".into());
    }
    map.insert("tag".into(), tags.into());
    map.insert("prev".into(), e.prev.clone().into());
    map.insert("hash".into(), hash.into());
    for (key, value) in &e.data {
        flatten(&mut map, &format!("data_{key}"), value);
    }
    map
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
