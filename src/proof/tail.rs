//! The honest tail: whether the end of a journal can be shown complete.
//!
//! A session that ended normally writes `session_ended`. When the last
//! session did not, and no runsheet holds the journal's lock, the process
//! stopped without closing: a crash, a kill, a power cut, or lines cut off
//! by someone. The chain cannot tell these apart; only a checkpoint taken
//! elsewhere can show which lines existed.

use std::collections::HashSet;
use std::fs::File;
use std::path::Path;

use crate::journal::event::Payload;
use crate::journal::verify::LineView;
use crate::journal::{Kind, Line};

/// What can be said about the end of a journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tail {
    /// The last session (interactive or one-shot) ended with
    /// `session_ended`, or none was started.
    Closed,
    /// A runsheet holds the lock: the journal is being written now.
    Live,
    /// The last session has no `session_ended` and nobody holds the lock.
    Open {
        /// `seq` of the last `session_started`.
        started_at: u64,
        /// The last checkpoint entry and how many entries it covers.
        checkpoint: Option<(u64, u64)>,
        /// How many entries the journal has.
        entries: u64,
    },
    /// After the last session end or checkpoint come entries of a session
    /// that never started: nothing a runsheet writes closes them, so they
    /// may have been appended by anyone with the file.
    Unclaimed {
        /// `seq` of the first and last such entry.
        first: u64,
        last: u64,
        /// The last checkpoint entry and how many entries it covers.
        checkpoint: Option<(u64, u64)>,
    },
}

/// Looks at the last session and the lock of the journal at `path`.
pub fn assess(path: &Path, lines: &[Line]) -> Tail {
    let mut scan = TailScan::default();
    for line in lines {
        scan.add(&LineView::of(line));
    }
    scan.assess(path)
}

/// What [`assess`] needs, gathered one verified line at a time, so that
/// `verify` can judge the tail in the same pass that checks the chain.
#[derive(Debug, Default)]
pub struct TailScan {
    /// `seq` and session of the last `session_started` (of any mode), and
    /// whether a `session_ended` of that session came after it.
    last_session: Option<(u64, String, bool)>,
    /// The last checkpoint entry and how many entries it covers.
    checkpoint: Option<(u64, u64)>,
    entries: u64,
    /// Every session that wrote a `session_started`.
    started: HashSet<String>,
    /// The session of the last line found in `started`: runs of lines
    /// share one, and comparing it is cheaper than hashing each line's.
    last_claimed: String,
    /// `seq` of the first and last entry, since the last session end or
    /// checkpoint, whose session never started.
    unclaimed: Option<(u64, u64)>,
    /// Entries after the last checkpoint, session ends and timestamps
    /// aside (a session's end follows its closing checkpoint; a timestamp
    /// stamps a checkpoint's note).
    since_checkpoint: u64,
}

impl TailScan {
    /// Takes the line after those already added.
    /// Only the session and checkpoint entries it looks at are decoded.
    pub fn add(&mut self, line: &LineView<'_>) {
        self.entries += 1;
        self.note_claim(line);
        match line.kind {
            Kind::Checkpoint => self.since_checkpoint = 0,
            Kind::SessionEnded | Kind::Anchor => {}
            _ => self.since_checkpoint += 1,
        }
        if !matches!(
            line.kind,
            Kind::SessionStarted | Kind::SessionEnded | Kind::Checkpoint
        ) {
            return;
        }
        let Ok(entry) = line.entry() else { return };
        match entry.kind {
            // Every session counts, a one-shot command's (`mode: cli`) too:
            // it frames its entry with `session_ended`, so a journal ending
            // inside one was cut (or the command was killed mid-write), just
            // like an interactive session with no end.
            Kind::SessionStarted => {
                self.last_session = Some((entry.seq, entry.session, false));
            }
            Kind::SessionEnded => {
                if let Some((_, session, ended)) = &mut self.last_session
                    && *session == entry.session
                {
                    *ended = true;
                }
            }
            Kind::Checkpoint => {
                if let Ok(Payload::Checkpoint(c)) = entry.event().map(|e| e.payload) {
                    self.checkpoint = Some((entry.seq, c.size));
                }
            }
            _ => {}
        }
    }

    /// Keeps track of entries no started session claims. A checkpoint
    /// covers, and the end of a started session closes, everything before
    /// it (the end of a session that never started is itself a stray); an anchor
    /// is checked on its own, and a recovery and the journal's creation
    /// precede their session's start, so none of them is a stray.
    fn note_claim(&mut self, line: &LineView<'_>) {
        match line.kind {
            Kind::SessionStarted => {
                self.started.insert(session_of(line.text).to_string());
            }
            Kind::Checkpoint => self.unclaimed = None,
            Kind::Anchor | Kind::Recovery | Kind::JournalCreated => {}
            _ if self.is_started(session_of(line.text)) => {
                if line.kind == Kind::SessionEnded {
                    self.unclaimed = None;
                }
            }
            _ => {
                let first = self.unclaimed.map_or(line.seq, |(first, _)| first);
                self.unclaimed = Some((first, line.seq));
            }
        }
    }

    /// Whether `session` wrote a `session_started` among the lines added.
    fn is_started(&mut self, session: &str) -> bool {
        if !session.is_empty() && session == self.last_claimed {
            return true;
        }
        let started = self.started.contains(session);
        if started {
            session.clone_into(&mut self.last_claimed);
        }
        started
    }

    /// The tail of the lines added, with the lock of the journal at `path`.
    /// The last checkpoint (its `seq` and how many entries it covers)
    /// and how many entries came after it, session ends and timestamps
    /// aside, when any did.
    pub fn after_last_checkpoint(&self) -> Option<(u64, u64, u64)> {
        let (seq, size) = self.checkpoint?;
        (self.since_checkpoint > 0).then_some((seq, size, self.since_checkpoint))
    }

    pub fn assess(&self, path: &Path) -> Tail {
        let open = self
            .last_session
            .as_ref()
            .and_then(|(started_at, _, ended)| (!ended).then_some(*started_at));
        let Some(started_at) = open else {
            return self.unclaimed_tail();
        };
        if lock_held(path) {
            return Tail::Live;
        }
        Tail::Open {
            started_at,
            checkpoint: self.checkpoint,
            entries: self.entries,
        }
    }

    /// Closed, unless entries no started session claims end the journal.
    fn unclaimed_tail(&self) -> Tail {
        match self.unclaimed {
            Some((first, last)) => Tail::Unclaimed {
                first,
                last,
                checkpoint: self.checkpoint,
            },
            None => Tail::Closed,
        }
    }
}

/// The `session` member of a canonical line, found without decoding it:
/// it comes before `data`, so no value typed by a person can fake it.
fn session_of(text: &str) -> &str {
    const MEMBER: &str = ",\"session\":\"";
    text.find(MEMBER)
        .map(|at| &text[at + MEMBER.len()..])
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
}

/// Whether another process holds the journal's exclusive lock.
fn lock_held(path: &Path) -> bool {
    File::open(path)
        .is_ok_and(|f| matches!(f.try_lock_shared(), Err(std::fs::TryLockError::WouldBlock)))
}

impl Tail {
    /// The sentence for `verify` and `review`, if there is something to say.
    pub fn message(&self) -> Option<String> {
        match *self {
            Self::Closed => None,
            Self::Live => Some(
                "the last session is still open: a runsheet is writing this journal now".into(),
            ),
            Self::Open {
                started_at,
                checkpoint,
                entries,
            } => {
                let cover = match checkpoint {
                    Some((seq, size)) => format!(
                        "the last checkpoint, entry {seq}, covers entries 0–{}{}",
                        size.saturating_sub(1),
                        match entries.saturating_sub(seq + 1) {
                            0 => String::new(),
                            after => format!(
                                " ({after} later entries are not covered by any checkpoint)"
                            ),
                        }
                    ),
                    None => "no checkpoint covers any of it".into(),
                };
                Some(format!(
                    "tail not proven complete: the last session (started at entry {started_at}) has no session_ended and no runsheet holds the journal, so lines may be missing at the end; without a checkpoint kept elsewhere this cannot be shown. {}",
                    capitalise(&cover)
                ))
            }
            Self::Unclaimed {
                first,
                last,
                checkpoint,
            } => Some(unclaimed_message(first, last, checkpoint)),
        }
    }
}

/// Names the entries that no session end and no checkpoint covers.
fn unclaimed_message(first: u64, last: u64, checkpoint: Option<(u64, u64)>) -> String {
    let (entries, them) = if first == last {
        (format!("entry {first} was"), "it")
    } else {
        (format!("entries {first}–{last} were"), "them")
    };
    let cover = match checkpoint {
        Some((seq, size)) => format!(
            "The last checkpoint, entry {seq}, covers entries 0–{}",
            size.saturating_sub(1)
        ),
        None => "No checkpoint covers any of the journal".into(),
    };
    format!(
        "tail not proven complete: {entries} written after the last session end by a session that never started, and no checkpoint or session end covers {them}: anyone with the file could have added {them}. {cover}"
    )
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::event::{SessionEnded, SessionStarted};
    use crate::journal::{Draft, Event};

    fn lines(modes: &[(&str, bool)]) -> Vec<Line> {
        let mut out = Vec::new();
        for (i, (mode, ended)) in modes.iter().enumerate() {
            let session = format!("s{i}");
            let mut push = |payload| {
                let draft = Draft {
                    ts: chrono::DateTime::UNIX_EPOCH,
                    mono_ms: 0,
                    scenario_ms: None,
                    session: session.clone(),
                    actor: "a".into(),
                    event: Event::new(payload),
                };
                let entry = draft.into_entry(out.len() as u64, String::new());
                out.push(Line {
                    text: entry.encode(),
                    entry,
                });
            };
            push(Payload::SessionStarted(SessionStarted {
                pid: 1,
                host: "h".into(),
                app_version: "t".into(),
                mode: (*mode).to_string(),
            }));
            if *ended {
                push(Payload::SessionEnded(SessionEnded {
                    reason: "quit".into(),
                }));
            }
        }
        out
    }

    #[test]
    fn any_unclosed_last_session_leaves_the_tail_open() {
        let nowhere = Path::new("/nonexistent/journal.jsonl");
        assert!(matches!(
            assess(nowhere, &lines(&[("cli", false)])),
            Tail::Open { started_at: 0, .. }
        ));
        assert!(matches!(
            assess(nowhere, &lines(&[("run", true), ("cli", false)])),
            Tail::Open { started_at: 2, .. }
        ));
        assert_eq!(
            assess(nowhere, &lines(&[("run", false), ("cli", true)])),
            Tail::Closed,
            "a later session that ended closes the tail"
        );
        let open = assess(nowhere, &lines(&[("run", true), ("resume", false)]));
        assert!(
            matches!(
                open,
                Tail::Open {
                    started_at: 2,
                    checkpoint: None,
                    ..
                }
            ),
            "{open:?}"
        );
        assert!(open.message().unwrap().contains("started at entry 2"));
    }
}
