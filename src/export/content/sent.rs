//! The texts that went to an authority or the public, embedded after each
//! draft file was checked against the SHA-256 its `message_drafted` entry
//! records. A file that is missing or changed is named as a verification
//! failure, and its contents are never shown as if they were the text sent.

use super::seq;
use crate::export::document::{Block, Span, Text, Tone, code, message};
use crate::export::drafts;
use crate::export::view::View;
use crate::journal::event::{MessageDrafted, Payload, Purpose, Submission};
use crate::journal::{Event, Line};

/// A send that names a drafted version, with the draft entry it names.
struct Send<'v> {
    line: &'v Line,
    sent: Submission,
    step: String,
    version: u32,
    drafted: Option<(&'v Line, MessageDrafted)>,
}

/// Every send naming a drafted version, in timeline order, with its
/// corrections applied (a channel or recipient corrected later), as the
/// replayed state holds it and every other view shows it.
fn sends<'v>(view: &View<'v>) -> Vec<Send<'v>> {
    view.timeline
        .iter()
        .filter_map(|line| {
            let Ok(Event {
                step: Some(step),
                payload: Payload::Submission(sent),
            }) = line.entry.event()
            else {
                return None;
            };
            let version = sent.version?;
            let drafted = drafted_for(view, &step, version, line.entry.seq);
            let sent = view
                .input
                .state
                .submissions
                .iter()
                .find(|s| s.at.seq == line.entry.seq)
                .map_or(*sent, |s| s.data.clone());
            Some(Send {
                line,
                sent,
                step,
                version,
                drafted,
            })
        })
        .collect()
}

/// One block group per send that names a drafted version, in timeline
/// order; empty when nothing was sent or the drafts were not read.
pub fn texts(view: &View<'_>) -> Vec<Block> {
    let Some(texts) = view.input.drafts else {
        return Vec::new();
    };
    let mut blocks = Vec::new();
    for send in sends(view) {
        let Send {
            line,
            sent,
            step,
            version,
            drafted,
        } = send;
        let Some((drafted_line, drafted)) = drafted else {
            blocks.push(Block::Subheading(heading(view, line, &sent, None, version)));
            blocks.push(Block::Paragraph(message(&format!(
                "No `message_drafted` entry for version {version} of step `{step}` verifies, so there is no text to show."
            ))));
            continue;
        };
        blocks.push(Block::Subheading(heading(
            view,
            line,
            &sent,
            Some(drafted.purpose),
            version,
        )));
        match texts.text(drafted_line.entry.seq) {
            Some(Ok(text)) => {
                blocks.push(Block::Paragraph(verified_caption(drafted_line, &drafted)));
                blocks.push(Block::Verbatim(text.clone()));
            }
            Some(Err(problem)) => blocks.push(Block::Banner(
                Tone::Alert,
                message(&format!(
                    "✗ TEXT NOT VERIFIED: {}. The file beside the journal is not the text recorded, so it is not shown.",
                    drafts::problem_sentence(drafted_line, &drafted, problem)
                )),
            )),
            None => {}
        }
    }
    blocks
}

/// The `sent_texts` array of the json export; `None` when nothing drafted
/// was sent or the drafts were not read.
pub fn json(view: &View<'_>) -> Option<serde_json::Value> {
    let texts = view.input.drafts?;
    let items: Vec<serde_json::Value> = sends(view)
        .into_iter()
        .map(|send| {
            let mut item = serde_json::json!({
                "entry": send.line.entry.seq,
                "step": send.step,
                "version": send.version,
                "recipient": send.sent.recipient,
                "channel": send.sent.channel,
            });
            let fields = match &send.drafted {
                None => serde_json::json!({
                    "verified": false,
                    "problem": "no message_drafted entry for this version verifies",
                }),
                Some((drafted_line, drafted)) => {
                    let mut fields = serde_json::json!({
                        "drafted_entry": drafted_line.entry.seq,
                        "purpose": drafted.purpose,
                        "file": drafted.file,
                        "sha256": drafted.text_sha256,
                    });
                    let outcome = match texts.text(drafted_line.entry.seq) {
                        Some(Ok(text)) => serde_json::json!({"verified": true, "text": text}),
                        Some(Err(problem)) => serde_json::json!({
                            "verified": false,
                            "problem": drafts::problem_sentence(drafted_line, drafted, problem),
                        }),
                        None => serde_json::json!({"verified": false}),
                    };
                    merge(&mut fields, outcome);
                    fields
                }
            };
            merge(&mut item, fields);
            item
        })
        .collect();
    (!items.is_empty()).then_some(serde_json::Value::Array(items))
}

fn merge(into: &mut serde_json::Value, from: serde_json::Value) {
    if let (serde_json::Value::Object(into), serde_json::Value::Object(from)) = (into, from) {
        into.extend(from);
    }
}

/// `#14 — notification v2 sent to the regulator via portal`, and
/// `(corrected in #17)` when a correction changed how it went.
fn heading(
    view: &View<'_>,
    line: &Line,
    sent: &Submission,
    purpose: Option<Purpose>,
    version: u32,
) -> String {
    let (what, verb) = match purpose {
        Some(Purpose::Statement) => ("statement", "published"),
        Some(Purpose::Notification) => ("notification", "sent"),
        None => ("message", "sent"),
    };
    let corrected: Vec<String> = view
        .corrections_of(line.entry.seq)
        .iter()
        .map(|c| format!("#{}", c.seq))
        .collect();
    let corrected = if corrected.is_empty() {
        String::new()
    } else {
        format!(" (corrected in {})", corrected.join(", "))
    };
    format!(
        "#{} — {what} v{version} {verb} to {} via {}{corrected}",
        line.entry.seq, sent.recipient, sent.channel
    )
}

fn verified_caption(drafted_line: &Line, drafted: &MessageDrafted) -> Text {
    let mut text = vec![Span::Good("✓ verified".into())];
    text.push(Span::Plain(": the text drafted in entry ".into()));
    text.extend(seq(drafted_line.entry.seq));
    text.push(Span::Plain(", file ".into()));
    text.extend(code(drafted.file.clone()));
    text.push(Span::Plain(", SHA-256 ".into()));
    text.extend(code(drafted.text_sha256.clone()));
    text.push(Span::Plain(" as recorded:".into()));
    text
}

/// The latest `message_drafted` entry of `step` and `version` before the
/// send.
fn drafted_for<'v>(
    view: &View<'v>,
    step: &str,
    version: u32,
    before: u64,
) -> Option<(&'v Line, MessageDrafted)> {
    view.input
        .verified
        .lines
        .iter()
        .rev()
        .filter(|l| l.entry.seq < before && l.entry.step.as_deref() == Some(step))
        .filter_map(|l| drafts::drafted(l).map(|d| (l, d)))
        .find(|(_, d)| d.version == version)
}
