//! The runner's journal target in a team case: each entry records the
//! heads of the other journals read just before it was written (`seen`),
//! only when they changed since the previous entry.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};

use super::{merge, seen};
use crate::journal::event::Seen;
use crate::journal::writer::{Append, JournalFile, WriteError};
use crate::journal::{Draft, Line};

/// The open journal, shared between the writer thread and a sync started
/// from the runner, which holds it for as long as git runs.
#[derive(Debug)]
struct Slot {
    /// `None` only while a sync reopens it, or after reopening failed.
    file: Option<JournalFile>,
    /// How many lines the journal holds and the hash of the last one.
    head: (usize, Option<String>),
    /// Why the journal cannot be written any more, if it cannot.
    lost: Option<String>,
}

/// A responder's own, locked journal in a case folder.
#[derive(Debug)]
pub struct CaseTarget {
    slot: Arc<Mutex<Slot>>,
    path: PathBuf,
    case_dir: PathBuf,
    own_id: String,
    /// The heads this journal has recorded so far.
    declared: Seen,
}

/// A handle to pause a [`CaseTarget`] while git works on its file.
#[derive(Debug, Clone)]
pub struct Pause {
    slot: Arc<Mutex<Slot>>,
    path: PathBuf,
}

impl CaseTarget {
    pub fn new(file: JournalFile, case_dir: PathBuf, own_id: String, own: &[Line]) -> Self {
        let path = file.path().to_path_buf();
        let head = (own.len(), own.last().map(|l| merge::line_hash(&l.text)));
        Self {
            slot: Arc::new(Mutex::new(Slot {
                file: Some(file),
                head,
                lost: None,
            })),
            path,
            case_dir,
            own_id,
            declared: seen::declared(own),
        }
    }

    /// What a sync from the runner holds while git runs.
    pub fn pause(&self) -> Pause {
        Pause {
            slot: Arc::clone(&self.slot),
            path: self.path.clone(),
        }
    }
}

impl Pause {
    /// Runs `git` (the closure) with no entry being written, then reopens
    /// the journal: a rebase replaces the file git checks out, and an
    /// entry written to the replaced file would be lost. The reopened
    /// journal must hold exactly the lines written before; otherwise every
    /// later write fails, saying why, and nothing is written to a journal
    /// that changed underneath.
    pub fn around<T>(&self, git: impl FnOnce() -> T) -> T {
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        let done = git();
        if slot.lost.is_some() {
            return done;
        }
        // The lock goes with the old file; taken again on the new one.
        drop(slot.file.take());
        match JournalFile::open(&self.path) {
            Ok(opened) => {
                let head = (
                    opened.lines.len(),
                    opened.lines.last().map(|l| merge::line_hash(&l.text)),
                );
                if head == slot.head && opened.recoveries.is_empty() {
                    slot.file = Some(opened.file);
                } else {
                    slot.lost = Some(format!(
                        "{} changed on disk during the sync (it holds {} entries, {} were written here); nothing more is written to it",
                        self.path.display(),
                        head.0,
                        slot.head.0
                    ));
                }
            }
            Err(e) => {
                slot.lost = Some(format!(
                    "{} could not be opened again after the sync: {e}",
                    self.path.display()
                ));
            }
        }
        done
    }
}

impl Append for CaseTarget {
    fn append(&mut self, draft: Draft) -> Result<Line, WriteError> {
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        let lost = |why: &str| WriteError::new(std::io::ErrorKind::Other, why.to_string());
        if let Some(why) = &slot.lost {
            return Err(lost(why));
        }
        // An unreadable folder records no new heads; the entry still saves.
        let current = merge::load(&self.case_dir).map_or_else(
            |_| self.declared.clone(),
            |journals| seen::current(&journals, &self.own_id),
        );
        let record = seen::to_record(&self.declared, &current);
        let file = slot
            .file
            .as_mut()
            .ok_or_else(|| lost("the journal is not open"))?;
        let line = file.append_seen(draft, record)?;
        slot.head = (slot.head.0 + 1, Some(merge::line_hash(&line.text)));
        if let Some(seen) = &line.entry.seen {
            for (id, head) in seen {
                self.declared.insert(id.clone(), head.clone());
            }
        }
        Ok(line)
    }

    fn attach(&mut self, file_name: &str, text: &str) -> Result<(), WriteError> {
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        match slot.file.as_mut() {
            Some(file) => file.attach(file_name, text),
            None => Err(WriteError::new(
                std::io::ErrorKind::Other,
                slot.lost
                    .clone()
                    .unwrap_or_else(|| "the journal is not open".into()),
            )),
        }
    }

    /// A retry after a failed write clears the failure of this
    /// responder's own journal (a journal lost to a sync stays lost).
    fn clear_failure(&mut self) -> Result<(), WriteError> {
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(why) = &slot.lost {
            return Err(WriteError::new(std::io::ErrorKind::Other, why.clone()));
        }
        slot.file
            .as_mut()
            .map_or(Ok(()), JournalFile::clear_failure)
    }

    /// A checkpoint in a case covers this responder's own journal.
    fn read_back(&mut self) -> Result<(PathBuf, Vec<Line>), String> {
        let mut slot = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
        match slot.file.as_mut() {
            Some(file) => file.read_back(),
            None => Err(slot
                .lost
                .clone()
                .unwrap_or_else(|| "the journal is not open".into())),
        }
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

    /// The first entry of a journal (reopening checks it is there).
    fn created() -> Draft {
        let mut first = draft("");
        first.event = Event::new(crate::case::tests::created("case", None));
        first
    }

    /// What a rebase does to the journal: the same bytes in a new file.
    fn replace(path: &std::path::Path, bytes: &[u8]) {
        let temp = path.with_extension("replaced");
        std::fs::write(&temp, bytes).unwrap();
        std::fs::rename(&temp, path).unwrap();
    }

    #[test]
    fn a_sync_from_the_runner_holds_writes_and_reopens_the_file_git_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let journals = dir.path().join("journals");
        std::fs::create_dir(&journals).unwrap();
        let path = journals.join("me@h.jsonl");
        let (mine, first) = JournalFile::create(&path, created()).unwrap();
        let mut target = CaseTarget::new(mine, dir.path().to_path_buf(), "me@h".into(), &[first]);
        target.append(draft("m1")).unwrap();
        let pause = target.pause();
        pause.around(|| replace(&path, &std::fs::read(&path).unwrap()));
        target.append(draft("m2")).unwrap();
        let on_disk = crate::journal::verify::verify(&std::fs::read(&path).unwrap());
        assert!(on_disk.is_intact());
        let notes: Vec<u64> = on_disk.lines.iter().map(|l| l.entry.seq).collect();
        assert_eq!(notes, [0, 1, 2], "the entry after the sync is in the file");
    }

    #[test]
    fn a_journal_changed_during_the_sync_is_never_written_again() {
        let dir = tempfile::tempdir().unwrap();
        let journals = dir.path().join("journals");
        std::fs::create_dir(&journals).unwrap();
        let path = journals.join("me@h.jsonl");
        let (mine, first) = JournalFile::create(&path, created()).unwrap();
        let first_line = format!("{}\n", first.text);
        let mut target = CaseTarget::new(mine, dir.path().to_path_buf(), "me@h".into(), &[first]);
        target.append(draft("m1")).unwrap();
        target
            .pause()
            .around(|| replace(&path, first_line.as_bytes()));
        let refused = target.append(draft("m2")).unwrap_err();
        assert!(
            refused
                .to_string()
                .contains("changed on disk during the sync"),
            "{refused}"
        );
        assert_eq!(std::fs::read(&path).unwrap(), first_line.as_bytes());
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
