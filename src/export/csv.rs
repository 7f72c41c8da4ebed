//! The `csv` export: one RFC 4180 row per verified entry, for spreadsheets.
//!
//! - CRLF line ends; a field is quoted when it holds a comma, a quote, CR
//!   or LF, and quotes inside are doubled. UTF-8, no byte-order mark.
//! - Columns: `seq, ts_utc, scenario_ms, actor, session, kind, step,
//!   step_title, phase, summary, data, prev, hash, message, datetime,
//!   timestamp_desc`. The last three are the columns Timesketch requires,
//!   so the file imports into it as is: `message` is the summary (with
//!   `[EXERCISE] ` first in an exercise journal), `datetime` the recorded
//!   time and `timestamp_desc` reads `Recorded`. `ts_utc` is the
//!   recorded time as stored (RFC 3339, UTC, `Z`); `summary` is a sentence;
//!   `data` is the entry's `data` as compact JSON; `prev` is as stored;
//!   `hash` is the SHA-256 of the line as stored, which is what the next
//!   row's `prev` names (the last row's is the journal's head hash).
//! - Rows are ordered by `ts_utc`, ties by `seq`.
//! - Exercise journals get an extra first column, `exercise`, reading
//!   `EXERCISE` on every row, so no row can be mistaken for a real event
//!   when copied out on its own.
//! - A field that starts with `=`, `+`, `-` or `@` (which a spreadsheet
//!   would run as a formula) is written with a leading apostrophe.
//! - A journal that fails verification ends with one extra row whose
//!   `kind` is `verification_failed` (or `torn_tail`) and whose `summary`
//!   says where and why; its `seq` is empty.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::recorded::Recorded;
use super::view::View;
use super::when;
use crate::hash::sha256_hex;

const COLUMNS: [&str; 16] = [
    "seq",
    "ts_utc",
    "scenario_ms",
    "actor",
    "session",
    "kind",
    "step",
    "step_title",
    "phase",
    "summary",
    "data",
    "prev",
    "hash",
    "message",
    "datetime",
    "timestamp_desc",
];

pub fn render(view: &View<'_>) -> String {
    let mut out = header(view);
    for line in &view.timeline {
        push_row(
            &mut out,
            view,
            &line.entry,
            &sha256_hex(line.text.as_bytes()),
        );
    }
    if let Some(closing) = closing_row(view, view.last().map(|e| e.ts)) {
        out.push_str(&closing);
    }
    out
}

/// The first record: the column names.
pub(super) fn header(view: &View<'_>) -> String {
    let mark = view.is_exercise().then_some("EXERCISE");
    let mut out = String::new();
    record(&mut out, mark.map(|_| "exercise"), &COLUMNS);
    out
}

/// Appends the record of the entry of one verified line, whose SHA-256
/// is `hash`. Written field by field, as [`record`] writes them: the
/// fields runsheet makes itself (digits, the kind, hex) need no quoting,
/// and `message` repeats `summary` when there is no exercise mark.
pub(super) fn push_row(out: &mut String, view: &View<'_>, e: &impl Recorded, hash: &str) {
    let mark = view.is_exercise().then_some("EXERCISE");
    let step = e.step();
    let step_title = step
        .and_then(|s| view.step(s))
        .map_or("", |s| s.title.as_str());
    let phase = step
        .and_then(|s| view.phase_of(s))
        .map_or("", |p| p.id.as_str());
    let summary = view.sentence(e);
    let ts = when::iso(e.ts());
    if let Some(mark) = mark {
        push_field(out, mark);
        out.push(',');
    }
    let _ = write!(out, "{},", e.seq());
    push_field(out, &ts);
    out.push(',');
    if let Some(ms) = e.scenario_ms() {
        let _ = write!(out, "{ms}");
    }
    out.push(',');
    for field in [e.actor(), e.session()] {
        push_field(out, field);
        out.push(',');
    }
    out.push_str(e.kind().as_str());
    out.push(',');
    for field in [step.unwrap_or(""), step_title, phase] {
        push_field(out, field);
        out.push(',');
    }
    let summary_at = out.len();
    push_field(out, &summary);
    let summary_field = summary_at..out.len();
    out.push(',');
    push_field(out, &e.data_json());
    out.push(',');
    push_field(out, e.prev());
    out.push(',');
    out.push_str(hash);
    out.push(',');
    match mark {
        None => out.extend_from_within(summary_field),
        Some(_) => push_field(out, &timesketch_message(mark, &summary)),
    }
    out.push(',');
    push_field(out, &ts);
    out.push_str(",Recorded\r\n");
}

/// The trailing record of a journal that does not fully verify, dated
/// `last` (the recorded time of the last entry in time order).
pub(super) fn closing_row(view: &View<'_>, last: Option<DateTime<Utc>>) -> Option<String> {
    let mark = view.is_exercise().then_some("EXERCISE");
    let (kind, summary) = problem(view)?;
    let ts = last.map(when::iso).unwrap_or_default();
    let mut out = String::new();
    record(
        &mut out,
        mark,
        &[
            "",
            &ts,
            "",
            "",
            "",
            kind,
            "",
            "",
            "",
            &summary,
            "",
            "",
            "",
            &timesketch_message(mark, &summary),
            &ts,
            "Verification",
        ],
    );
    Some(out)
}

/// The `message` column: the summary, marked in an exercise journal.
fn timesketch_message(exercise: Option<&str>, summary: &str) -> String {
    match exercise {
        Some(_) => format!("[EXERCISE] {summary}"),
        None => summary.to_string(),
    }
}

/// One CRLF-terminated record, with the exercise column first when marked.
fn record(out: &mut String, exercise: Option<&str>, fields: &[&str]) {
    for (i, field) in exercise.iter().chain(fields).enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, field);
    }
    out.push_str("\r\n");
}

/// The trailing row for a journal that does not fully verify.
fn problem(view: &View<'_>) -> Option<(&'static str, String)> {
    let verified = view.input.verified;
    if let Some(b) = &verified.broken {
        return Some((
            "verification_failed",
            format!(
                "JOURNAL BROKEN at line {} (seq {}): {}. Entries from that line on are not trusted and are not exported.",
                b.line, b.seq, b.reason
            ),
        ));
    }
    (verified.torn_tail > 0).then(|| {
        (
            "torn_tail",
            format!(
                "The file ends with {} bytes of an interrupted write, not exported.",
                verified.torn_tail
            ),
        )
    })
}

/// One field, quoted only when RFC 4180 requires it. A field a spreadsheet
/// would run as a formula gets a leading apostrophe (OWASP's advice for CSV
/// injection); no column runsheet writes itself starts that way. Every CSV
/// runsheet writes (the `csv` export, the custody form) writes its fields
/// with this.
pub(crate) fn push_field(out: &mut String, field: &str) {
    let defused = field.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let bytes = field.as_bytes();
    // The apostrophe needs no quotes: the field's own bytes decide.
    let quoted = memchr::memchr3(b',', b'"', b'\n', bytes).is_some() || bytes.contains(&b'\r');
    if quoted {
        out.push('"');
    }
    if defused {
        out.push('\'');
    }
    if quoted {
        // Runs up to each quote copied whole, the quote then doubled.
        let mut from = 0;
        for at in memchr::memchr_iter(b'"', bytes) {
            out.push_str(field.get(from..=at).unwrap_or_default());
            out.push('"');
            from = at + 1;
        }
        out.push_str(field.get(from..).unwrap_or_default());
        out.push('"');
    } else {
        out.push_str(field);
    }
}

#[cfg(test)]
mod tests {
    use super::push_field;

    #[test]
    fn quotes_only_when_needed() {
        let cases = [
            ("plain", "plain"),
            ("a,b", "\"a,b\""),
            ("say \"hi\"", "\"say \"\"hi\"\"\""),
            ("two\r\nlines", "\"two\r\nlines\""),
            ("", ""),
            ("=HYPERLINK(\"x\")", "\"'=HYPERLINK(\"\"x\"\")\""),
            ("-1", "'-1"),
        ];
        for (input, expected) in cases {
            let mut out = String::new();
            push_field(&mut out, input);
            assert_eq!(out, expected);
        }
    }

    /// The field as first written: the reference [`push_field`] must match.
    fn field_by_replacing(field: &str) -> String {
        let field = if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
            format!("'{field}")
        } else {
            field.to_string()
        };
        if field.contains([',', '"', '\r', '\n']) {
            format!("\"{}\"", field.replace('"', "\"\""))
        } else {
            field
        }
    }

    proptest::proptest! {
        #[test]
        fn a_field_is_written_as_replacing_its_quotes_writes_it(
            field in "([=+\\-@\t\r\n,\"a é]|.){0,20}",
        ) {
            let mut out = String::from("x,");
            push_field(&mut out, &field);
            proptest::prop_assert_eq!(out, format!("x,{}", field_by_replacing(&field)));
        }
    }
}
