//! The runner's journal target in a team case: each entry records the
//! heads of the other journals read just before it was written (`seen`),
//! only when they changed since the previous entry.

use std::path::PathBuf;

use super::{merge, seen};
use crate::journal::event::Seen;
use crate::journal::writer::{Append, JournalFile};
use crate::journal::{Draft, Line};

/// A responder's own, locked journal in a case folder.
#[derive(Debug)]
pub struct CaseTarget {
    file: JournalFile,
    case_dir: PathBuf,
    own_id: String,
    /// The heads this journal has recorded so far.
    declared: Seen,
}

impl CaseTarget {
    pub fn new(file: JournalFile, case_dir: PathBuf, own_id: String, own: &[Line]) -> Self {
        Self {
            file,
            case_dir,
            own_id,
            declared: seen::declared(own),
        }
    }
}

impl Append for CaseTarget {
    fn append(&mut self, draft: Draft) -> Result<Line, crate::journal::writer::WriteError> {
        // An unreadable folder records no new heads; the entry still saves.
        let current = merge::load(&self.case_dir).map_or_else(
            |_| self.declared.clone(),
            |journals| seen::current(&journals, &self.own_id),
        );
        let record = seen::to_record(&self.declared, &current);
        let line = self.file.append_seen(draft, record)?;
        if let Some(seen) = &line.entry.seen {
            for (id, head) in seen {
                self.declared.insert(id.clone(), head.clone());
            }
        }
        Ok(line)
    }

    fn attach(
        &mut self,
        file_name: &str,
        text: &str,
    ) -> Result<(), crate::journal::writer::WriteError> {
        self.file.attach(file_name, text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::event::{Note, Payload};
    use crate::journal::{Draft, Event};

    fn draft(text: &str) -> Draft {
        Draft {
            ts: chrono::Utc::now(),
            mono_ms: 0,
            scenario_ms: None,
            session: "s".into(),
            actor: "me".into(),
            event: Event::new(Payload::Note(Note { text: text.into() })),
        }
    }

    #[test]
    fn heads_are_recorded_once_and_again_only_when_another_journal_moves() {
        let dir = tempfile::tempdir().unwrap();
        let journals = dir.path().join("journals");
        std::fs::create_dir(&journals).unwrap();
        let (mut other, _) =
            JournalFile::create(&journals.join("you@h.jsonl"), draft("y0")).unwrap();
        let (mine, first) = JournalFile::create(&journals.join("me@h.jsonl"), draft("m0")).unwrap();
        let mut target = CaseTarget::new(mine, dir.path().to_path_buf(), "me@h".into(), &[first]);
        let one = target.append(draft("m1")).unwrap();
        assert_eq!(one.entry.seen.as_ref().map(|s| s["you@h"].seq), Some(0));
        let two = target.append(draft("m2")).unwrap();
        assert_eq!(two.entry.seen, None, "nothing moved");
        other.append(draft("y1")).unwrap();
        let three = target.append(draft("m3")).unwrap();
        assert_eq!(three.entry.seen.as_ref().map(|s| s["you@h"].seq), Some(1));
    }
}
