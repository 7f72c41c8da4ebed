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
/// holds a parsed copy of the whole journal.
struct Entries<'a>(&'a [&'a Line]);

impl Serialize for Entries<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.0.len()))?;
        for line in self.0 {
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
    let document = Document {
        format: "runsheet-export",
        version: 1,
        exercise: view.is_exercise(),
        generated_for: created.map(|c| c.journal_id.clone()),
        evaluated_at: format_utc(input.now),
        verification: json!({
            "intact": verified.is_intact(),
            "entries": verified.lines.len(),
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
        entries: Entries(&view.timeline),
        state: summary::summarise(verified, input.playbook, input.state, input.now),
        evidence: super::content::evidence::json(view),
        sent_texts: super::content::sent::json(view),
    };
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}
