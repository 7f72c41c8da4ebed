//! `review --follow` keeps checking the message drafts: a draft file edited
//! or deleted after the review opened, or a `message_drafted` entry that
//! arrives naming a file that does not match, is flagged in the header as
//! soon as it is seen, not only when the journal was opened.

use std::path::Path;

use crate::app::review::Review;
use crate::export::drafts::{drafted, problem_sentence};
use crate::journal::Kind;
use crate::journal::attachment::read_draft;

/// Re-reads every draft file the followed journal names (from beside
/// `journal`) and updates the header's list of problems; true when it
/// changed.
pub fn recheck_drafts(review: &mut Review, journal: &Path) -> bool {
    let lines = &review.lines;
    let problems: Vec<String> = (0..lines.len())
        .filter(|i| lines.rows()[*i].kind == Kind::MessageDrafted)
        .filter_map(|i| {
            let line = lines.line(i)?;
            let recorded = drafted(&line)?;
            let problem = read_draft(journal, &recorded.file, &recorded.text_sha256).err()?;
            Some(problem_sentence(&line, &recorded, &problem.to_string()))
        })
        .collect();
    if problems == review.draft_problems {
        return false;
    }
    review.draft_problems = problems;
    true
}
