//! Message texts as they went out: every draft file read back and checked
//! against the SHA-256 its `message_drafted` entry records, so an export
//! shows a text only when it is exactly the one the journal names.

use std::collections::BTreeMap;
use std::path::Path;

use crate::journal::event::{MessageDrafted, Payload};
use crate::journal::verify::Verified;
use crate::journal::{Event, Kind, Line};

/// The draft texts of one journal, by the `seq` of their `message_drafted`
/// entry: the verified text, or why it cannot be shown.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DraftTexts {
    by_seq: BTreeMap<u64, Result<String, String>>,
}

impl DraftTexts {
    /// Reads every draft file `verified` names from beside `journal`.
    pub fn read(journal: &Path, verified: &Verified) -> Self {
        let by_seq = verified
            .lines
            .iter()
            .filter_map(|line| {
                let drafted = drafted(line)?;
                let text = crate::journal::attachment::read_draft(
                    journal,
                    &drafted.file,
                    &drafted.text_sha256,
                )
                .map_err(|e| e.to_string());
                Some((line.entry.seq, text))
            })
            .collect();
        Self { by_seq }
    }

    /// Adds the texts of another journal of a team case, renumbered by
    /// `seq_of` (its `seq` to the merged one); texts it cannot place are
    /// left out.
    pub fn insert_renumbered(&mut self, other: Self, seq_of: impl Fn(u64) -> Option<u64>) {
        for (seq, text) in other.by_seq {
            if let Some(merged) = seq_of(seq) {
                self.by_seq.insert(merged, text);
            }
        }
    }

    /// True when the journal drafted no message.
    pub fn is_empty(&self) -> bool {
        self.by_seq.is_empty()
    }

    /// The verified text drafted by entry `seq`, or why it is not shown.
    pub fn text(&self, seq: u64) -> Option<&Result<String, String>> {
        self.by_seq.get(&seq)
    }

    /// One sentence per draft file that is missing or changed, naming its
    /// entry.
    pub fn problems(&self, verified: &Verified) -> Vec<String> {
        verified
            .lines
            .iter()
            .filter_map(|line| {
                let drafted = drafted(line)?;
                let Some(Err(problem)) = self.by_seq.get(&line.entry.seq) else {
                    return None;
                };
                Some(problem_sentence(line, &drafted, problem))
            })
            .collect()
    }
}

/// Problems a one-line warning or banner names before it counts the rest.
const NAMED_IN_SHORT: usize = 3;

/// `problems` for one line (a warning, a banner, a header): the first
/// few, then how many more and where every one is listed. A journal
/// copied without its drafts folder can miss thousands of files, and a
/// line naming them all is a wall of text nobody reads to the end.
pub fn in_short(problems: &[String], listed_in: &str) -> String {
    let named = problems
        .iter()
        .take(NAMED_IN_SHORT)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join("; ");
    match problems.len().saturating_sub(NAMED_IN_SHORT) {
        0 => named,
        more => format!("{named}; and {more} more ({listed_in} lists every one)"),
    }
}

/// `entry 7 (message_drafted v2 of step `notify`) names `x.txt`: …`, the
/// wording `verify` uses. One line: a line break in the journal's file
/// or step name is shown as `↵`, never printed as a line of its own.
pub fn problem_sentence(line: &Line, drafted: &MessageDrafted, problem: &str) -> String {
    let sentence = format!(
        "entry {} (message_drafted v{}{}) names `{}`: {problem}",
        line.entry.seq,
        drafted.version,
        line.entry
            .step
            .as_deref()
            .map(|s| format!(" of step `{s}`"))
            .unwrap_or_default(),
        drafted.file
    );
    crate::printable::one_line(&sentence).into_owned()
}

/// The `message_drafted` payload of `line`, if it is one.
pub fn drafted(line: &Line) -> Option<MessageDrafted> {
    // Only a `message_drafted` entry can be one: the others are not decoded.
    if line.entry.kind != Kind::MessageDrafted {
        return None;
    }
    match line.entry.event() {
        Ok(Event {
            payload: Payload::MessageDrafted(m),
            ..
        }) => Some(m),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_problems_are_all_named_in_short() {
        let problems: Vec<String> = ["a", "b", "c"].map(String::from).into();
        assert_eq!(in_short(&problems, "`runsheet verify`"), "a; b; c");
        assert_eq!(in_short(&[], "`runsheet verify`"), "");
    }

    #[test]
    fn many_problems_are_counted_after_the_first_few() {
        let problems: Vec<String> = (1..=1000).map(|i| format!("entry {i}")).collect();
        assert_eq!(
            in_short(&problems, "`runsheet verify`"),
            "entry 1; entry 2; entry 3; and 997 more (`runsheet verify` lists every one)"
        );
    }

    #[test]
    fn texts_of_another_journal_are_renumbered_and_unplaced_ones_left_out() {
        let mut all = DraftTexts::default();
        let other = DraftTexts {
            by_seq: [(1, Ok("one".to_string())), (2, Err("gone".to_string()))].into(),
        };
        all.insert_renumbered(other, |seq| (seq == 1).then_some(7));
        assert_eq!(all.text(7), Some(&Ok("one".to_string())));
        assert_eq!(all.text(1), None);
        assert_eq!(all.text(2), None, "an entry the merge left out");
    }
}
