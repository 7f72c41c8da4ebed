//! The `json` export: one pretty-printed object.
//!
//! ```text
//! {
//!   "format": "runsheet-export",
//!   "version": 1,
//!   "exercise": false,
//!   "generated_for": "<journal id>",
//!   "evaluated_at": "<time of the last entry: clocks are evaluated then>",
//!   "verification": {
//!     "intact": true,            // no break and no torn tail
//!     "entries": 31,             // verified entries, all in "entries"
//!     "head_hash": "<SHA-256 of the last verified line>",
//!     "broken": null,            // or {"line", "seq", "reason"}: nothing after it is trusted
//!     "torn_tail_bytes": 0,      // bytes of an interrupted write after the last line
//!     "draft_problems": []       // one sentence per draft file missing or changed, naming its entry
//!   },
//!   "playbook": {"id", "version", "title", "sha256" (of the playbook used),
//!                "recorded_path", "recorded_sha256" (from the journal), "changed"},
//!   "entries": [ ... each verified line's object exactly as stored, `hash` included,
//!                ordered by `ts`, ties by `seq`; in a team case with `responder`
//!                (`actor@host`) added after the stored members ... ],
//!   "state": { ... the same summary as `runsheet status --json`, at "evaluated_at" ... },
//!   "sent_texts": [ ... only when a drafted version was sent or published: "entry", "drafted_entry",
//!                   "step", "purpose", "version", "recipient", "channel", "file", "sha256", "verified",
//!                   and "text" (verified) or "problem" (missing or changed file; no text) ... ],
//!   "evidence": [ ... only when evidence was recorded: each item with its "custody" ... ]
//! }
//! ```

use serde::ser::{Serialize, SerializeSeq, Serializer};
use serde_json::{Map, Value, json};

use super::view::View;
use crate::export::summary::{self, Summary};
use crate::journal::Line;
use crate::journal::verify::Tally;
use crate::playbook::value::format_utc;

/// The document, member by member in the order written.
#[derive(serde::Serialize)]
struct Document<'a> {
    format: &'static str,
    version: u32,
    exercise: bool,
    generated_for: Option<String>,
    evaluated_at: String,
    verification: Value,
    playbook: Value,
    entries: Entries<'a>,
    state: Summary,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sent_texts: Option<Value>,
}

/// The entries, each parsed only while it is written: the export never
/// holds a parsed copy of the whole journal. `Elsewhere` stands in for
/// entries the caller writes itself (see [`frame`]).
enum Entries<'a> {
    Lines(&'a [&'a Line]),
    Elsewhere,
}

impl Serialize for Entries<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let Self::Lines(lines) = self else {
            return serializer.serialize_unit();
        };
        let mut seq = serializer.serialize_seq(Some(lines.len()))?;
        for line in *lines {
            let mut entry: Value =
                serde_json::from_str(&line.text).unwrap_or_else(|_| Value::Object(Map::new()));
            // A team case names each responder `actor@host`; the stored
            // object keeps its own `actor`.
            if let Value::Object(map) = &mut entry
                && map.get("actor").and_then(Value::as_str) != Some(line.entry.actor.as_str())
            {
                map.insert("responder".into(), line.entry.actor.clone().into());
            }
            seq.serialize_element(&entry)?;
        }
        seq.end()
    }
}

pub fn render(view: &View<'_>) -> String {
    let entries = view.input.verified.lines.len();
    document(view, Entries::Lines(&view.timeline), entries)
}

/// The document around its entries, for a caller that writes the
/// `entries` array itself (of `entries` verified lines): the text before
/// the array's `[`, and the text after its `]`.
pub(super) fn frame(view: &View<'_>, entries: usize) -> (String, String) {
    let mut text = document(view, Entries::Elsewhere, entries);
    // Only a top-level member starts a line two spaces in: strings hold no
    // raw newline, and nested members are indented further.
    let Some(at) = text.find(ENTRIES_ELSEWHERE) else {
        return (text, String::new());
    };
    let tail = text.split_off(at + ENTRIES_ELSEWHERE.len());
    text.truncate(text.len() - "null".len());
    (text, tail)
}

/// How the document names entries written elsewhere.
const ENTRIES_ELSEWHERE: &str = "\n  \"entries\": null";

/// Appends one entry of the `entries` array as [`render`] writes it: the
/// stored object of a verified line of one journal (whose `actor` is its
/// responder), pretty-printed at its depth. `text` is canonical compact
/// JSON, so re-indenting it gives exactly what parsing and pretty-printing
/// it would.
pub(super) fn push_entry(out: &mut Vec<u8>, text: &str) {
    const DEPTH: usize = 2;
    indent(out, DEPTH);
    let bytes = text.as_bytes();
    let mut depth = DEPTH;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'"' => {
                let end = string_end(bytes, i);
                out.extend_from_slice(&bytes[i..end]);
                i = end;
                continue;
            }
            b'{' | b'[' => {
                let close = if b == b'{' { b'}' } else { b']' };
                out.push(b);
                if bytes.get(i + 1) == Some(&close) {
                    out.push(close);
                    i += 2;
                    continue;
                }
                depth += 1;
                indent(out, depth);
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                indent(out, depth);
                out.push(b);
            }
            b',' => {
                out.push(b',');
                indent(out, depth);
            }
            b':' => out.extend_from_slice(b": "),
            _ => out.push(b),
        }
        i += 1;
    }
}

/// Where the JSON string opening at `start` ends (just past its quote).
/// Strings are most of an entry (a note's text): their bytes are skipped
/// to the next quote or backslash a word at a time.
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while let Some(found) = bytes
        .get(i..)
        .and_then(|rest| memchr::memchr2(b'"', b'\\', rest))
    {
        let at = i + found;
        if bytes[at] == b'"' {
            return at + 1;
        }
        i = at + 2;
    }
    bytes.len()
}

/// A new line indented to `depth`, as `serde_json`'s pretty printer does.
fn indent(out: &mut Vec<u8>, depth: usize) {
    out.push(b'\n');
    for _ in 0..depth {
        out.extend_from_slice(b"  ");
    }
}

fn document(view: &View<'_>, entries: Entries<'_>, count: usize) -> String {
    let input = view.input;
    let verified = input.verified;
    let created = input.state.created.as_ref();
    let broken = verified.broken.as_ref().map(|b| {
        json!({
            "line": b.line,
            "seq": b.seq,
            "reason": b.reason,
        })
    });
    let tally = Tally {
        entries: count,
        head_hash: verified.head_hash.clone(),
        verified_len: verified.verified_len,
        broken: verified.broken.clone(),
        torn_tail: verified.torn_tail,
    };
    let document = Document {
        format: "runsheet-export",
        version: 1,
        exercise: view.is_exercise(),
        generated_for: created.map(|c| c.journal_id.clone()),
        evaluated_at: format_utc(input.now),
        verification: json!({
            "intact": verified.is_intact() && input.proof_problems.is_empty(),
            "proof_problems": input.proof_problems,
            "entries": count,
            "head_hash": verified.head_hash,
            "broken": broken,
            "torn_tail_bytes": verified.torn_tail,
            "draft_problems": super::content::integrity::draft_problems(view),
        }),
        playbook: json!({
            "id": input.playbook.id,
            "version": input.playbook.version,
            "title": input.playbook.title,
            "sha256": input.playbook.sha256,
            "recorded_path": created.map(|c| c.playbook.path.clone()),
            "recorded_sha256": created.map(|c| c.playbook.sha256.clone()),
            "changed": created.is_some_and(|c| c.playbook.sha256 != input.playbook.sha256),
        }),
        entries,
        state: summary::summarise_tally(&tally, input.playbook, input.state, input.now),
        evidence: super::content::evidence::json(view),
        sent_texts: super::content::sent::json(view),
    };
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What [`render`] writes for one entry inside the document.
    fn pretty_in_document(text: &str) -> String {
        let value: Value = serde_json::from_str(text).expect("valid JSON");
        let wrapped = json!({"a": [value]});
        let pretty = serde_json::to_string_pretty(&wrapped).expect("prints");
        let start = "{\n  \"a\": [".len();
        let end = pretty.len() - "\n  ]\n}".len();
        pretty[start..end].to_string()
    }

    #[test]
    fn a_compact_entry_is_re_indented_as_pretty_printing_it_would() {
        let values = [
            json!({"v": 1, "seq": 0, "data": {}, "list": [], "text": "a,b:{c}[d] \"q\" \\ \n é"}),
            json!({"nested": {"deep": [1, 2.5, -3e-7, {"x": null}], "empty": {}}, "t": true}),
            json!({"k\"ey": "\u{1}\u{7f}", "z": [[], [[]], {"a": {}}]}),
            json!({}),
            json!({"path": "C:\\", "quote": "\"", "after": "x".repeat(300)}),
        ];
        for value in values {
            let text = serde_json::to_string(&value).expect("prints");
            let mut out = Vec::new();
            push_entry(&mut out, &text);
            assert_eq!(
                String::from_utf8(out).expect("UTF-8"),
                pretty_in_document(&text),
                "{text}"
            );
        }
    }
}
