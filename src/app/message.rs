//! Message and statement drafts: filling templates from facts, marking
//! exercises, and the versions a step's text has been saved as.

use chrono_tz::Tz;

use crate::hash::sha256_hex;
use crate::playbook::template::Rendered;
use crate::playbook::value::format_local_and_utc;
use crate::playbook::{Playbook, Step};
use crate::run::RunState;

/// The marking every drill draft carries, top and bottom.
pub const EXERCISE_MARK: &str = "EXERCISE EXERCISE EXERCISE";

/// The value a placeholder takes now, if known.
pub fn placeholder_value(
    name: &str,
    playbook: &Playbook,
    state: &RunState,
    tz: Tz,
) -> Option<String> {
    match name {
        "incident.title" => return Some(state.title().to_string()).filter(|t| !t.is_empty()),
        "incident.started_at" => return state.created_at.map(|t| format_local_and_utc(t, tz)),
        _ => {}
    }
    if let Some(role) = name.strip_prefix("role.") {
        return state.holder(role).map(str::to_string);
    }
    if let Some(contact) = name.strip_prefix("contact.") {
        return playbook.contact(contact).map(|c| c.name.clone());
    }
    if let Some(rest) = name.strip_prefix("submission.") {
        return submission_value(rest, state, tz);
    }
    let def = playbook.fact(name);
    state.fact(name).map(|v| v.display(def, tz))
}

/// `submission.<step>.<field>`: a field of the latest submission recorded
/// on that step (as corrected), e.g. the reference an authority gave for
/// the first notification, quoted in the follow-up.
fn submission_value(rest: &str, state: &RunState, tz: Tz) -> Option<String> {
    let (step, field) = rest.rsplit_once('.')?;
    let data = &state.submissions_on(step).next_back()?.data;
    match field {
        "reference" => data.reference.clone().filter(|r| !r.trim().is_empty()),
        "sent_at" => Some(format_local_and_utc(data.sent_at, tz)),
        "channel" => Some(data.channel.clone()),
        "recipient" => Some(data.recipient.clone()),
        _ => None,
    }
}

/// A step's message filled from current facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Filled {
    pub subject: Option<Rendered>,
    pub body: Rendered,
}

impl Filled {
    /// Placeholders with no value yet, each once.
    pub fn gaps(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for name in self
            .subject
            .iter()
            .flat_map(Rendered::gaps)
            .chain(self.body.gaps())
        {
            if !out.iter().any(|g| g == name) {
                out.push(name.to_string());
            }
        }
        out
    }

    /// The text as it would be sent: subject line, blank line, body.
    pub fn text(&self, exercise: bool) -> String {
        let mut body = String::new();
        if let Some(subject) = &self.subject {
            body.push_str("Subject: ");
            body.push_str(&subject.text());
            body.push_str("\n\n");
        }
        body.push_str(self.body.text().trim_end());
        mark(&body, exercise)
    }
}

/// Wraps a text in the exercise marking when the run is a drill.
pub fn mark(text: &str, exercise: bool) -> String {
    let text = text.trim_end();
    if !exercise {
        return format!("{text}\n");
    }
    // Top and bottom both, even when an edit removed one of them.
    let body = text
        .strip_prefix(EXERCISE_MARK)
        .map_or(text, str::trim_start);
    let body = body.strip_suffix(EXERCISE_MARK).map_or(body, str::trim_end);
    format!("{EXERCISE_MARK}\n\n{body}\n\n{EXERCISE_MARK}\n")
}

/// Fills a step's message template from the run state.
pub fn fill(step: &Step, playbook: &Playbook, state: &RunState, tz: Tz) -> Option<Filled> {
    let message = step.message.as_ref()?;
    let value = |name: &str| placeholder_value(name, playbook, state, tz);
    let fact = |name: &str| state.fact(name);
    Some(Filled {
        subject: message.subject.as_ref().map(|t| t.render(&value, &fact)),
        body: message.body.render(&value, &fact),
    })
}

/// Gap names in text saved earlier (drafts keep the visible markers),
/// each once, in the order they first appear.
pub fn gaps_in(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('⟦') {
        let after = &rest[start + '⟦'.len_utf8()..];
        let Some(end) = after.find("?⟧") else { break };
        let name = &after[..end];
        if !out.iter().any(|g| g == name) {
            out.push(name.to_string());
        }
        rest = &after[end..];
    }
    out
}

/// The file a draft version is saved to, beside the journal.
pub fn draft_file_name(journal_file: &str, step: &str, version: u32) -> String {
    let base = journal_file.strip_suffix(".jsonl").unwrap_or(journal_file);
    format!("{base}.{step}.v{version}.txt")
}

/// Hash of a draft's exact text, as recorded in `message_drafted`.
pub fn text_hash(text: &str) -> String {
    sha256_hex(text.as_bytes())
}

/// Plain parts for display: (text, `is_gap`).
pub fn parts(rendered: &Rendered) -> Vec<(String, bool)> {
    rendered
        .parts
        .iter()
        .map(|p| (p.text(), p.is_gap()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_gap_named_twice_in_a_saved_draft_is_listed_once() {
        let text =
            "We ⟦if exfiltration_confirmed?⟧ copied ⟦org?⟧ data ⟦if exfiltration_confirmed?⟧.";
        assert_eq!(gaps_in(text), ["if exfiltration_confirmed", "org"]);
    }

    #[test]
    fn exercise_marking_wraps_once() {
        let marked = mark("Hello", true);
        assert_eq!(
            marked,
            "EXERCISE EXERCISE EXERCISE\n\nHello\n\nEXERCISE EXERCISE EXERCISE\n"
        );
        assert_eq!(mark(&marked, true), marked);
        let top_only = "EXERCISE EXERCISE EXERCISE\n\nHello edited";
        assert_eq!(
            mark(top_only, true),
            marked.replace("Hello", "Hello edited")
        );
        let bottom_only = "Hello\n\nEXERCISE EXERCISE EXERCISE";
        assert_eq!(mark(bottom_only, true), marked);
        assert_eq!(mark("Hello\n\n", false), "Hello\n");
    }

    #[test]
    fn finds_gap_markers_in_saved_text() {
        assert_eq!(gaps_in("a ⟦org?⟧ b ⟦aware_at?⟧"), ["org", "aware_at"]);
        assert!(gaps_in("no gaps").is_empty());
    }

    #[test]
    fn an_open_decision_is_a_gap_that_needs_confirmation() {
        let template = crate::playbook::Template::parse(
            "Update.\n{{#if le_reported}}\nReported to the police.\n{{/if}}\nEnd.",
        )
        .expect("template");
        let filled = Filled {
            subject: None,
            body: template.render(&|_| None, &|_| None),
        };
        assert_eq!(filled.gaps(), ["if le_reported"]);
        let text = filled.text(false);
        assert_eq!(text, "Update.\n⟦if le_reported?⟧\nEnd.\n");
        assert_eq!(gaps_in(&text), ["if le_reported"]);
        assert!(
            parts(&filled.body)
                .iter()
                .any(|(t, gap)| *gap && t == "⟦if le_reported?⟧")
        );
    }

    #[test]
    fn draft_files_sit_beside_the_journal() {
        assert_eq!(
            draft_file_name("2026-x.jsonl", "notify-dpa", 2),
            "2026-x.notify-dpa.v2.txt"
        );
    }
}
