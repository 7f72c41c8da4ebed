//! When the runner checkpoints by itself: at the end of the session, when a
//! phase completes, and every N minutes (see [`crate::proof::auto`]). The
//! app only decides when; the runtime reads the key and the writer thread
//! signs, so the checkpoint covers exactly the lines before it.

use std::collections::BTreeSet;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use super::dialog::Write;
use super::{App, Effect, Saved};
use crate::journal::event::{Checkpoint, Payload};
use crate::journal::{Event, Kind};
use crate::proof::auto::AutoCheckpoint;
use crate::run::query;

/// What the runner remembers between automatic checkpoints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AutoState {
    config: Option<AutoCheckpoint>,
    key: PathBuf,
    next_due: Option<DateTime<Utc>>,
    /// Phases complete in the saved state when last looked at.
    complete: BTreeSet<usize>,
    /// The last reason a checkpoint could not be signed, said once.
    problem: Option<String>,
}

impl App {
    /// Turns automatic checkpoints on as `config` says (off when it has no
    /// trigger). Phases already complete do not trigger one.
    pub fn set_auto_checkpoint(&mut self, config: AutoCheckpoint) {
        if !config.is_on() {
            self.auto = AutoState::default();
            return;
        }
        self.auto = AutoState {
            key: config.key_path(),
            next_due: config.every().map(|every| self.now + every),
            complete: self.complete_phases(),
            config: Some(config),
            problem: None,
        };
    }

    fn complete_phases(&self) -> BTreeSet<usize> {
        (0..self.playbook.phases.len())
            .filter(|&i| {
                let p = query::phase_progress(&self.playbook, &self.saved, i);
                p.is_complete() && p.total > 0
            })
            .collect()
    }

    /// After `session_ended` is queued.
    pub(super) fn checkpoint_on_quit(&mut self) -> Vec<Effect> {
        if self.auto.config.as_ref().is_some_and(|c| c.on_quit) {
            self.checkpoint_now()
        } else {
            Vec::new()
        }
    }

    /// After an acknowledgement: a phase that became complete in the saved
    /// state is checkpointed once (again if it is reopened and completed).
    pub(super) fn checkpoint_on_phase_completion(&mut self) -> Vec<Effect> {
        if self.quitting
            || !self
                .auto
                .config
                .as_ref()
                .is_some_and(|c| c.on_phase_complete)
        {
            return Vec::new();
        }
        let complete = self.complete_phases();
        let newly = complete.difference(&self.auto.complete).next().is_some();
        self.auto.complete = complete;
        if newly {
            self.checkpoint_now()
        } else {
            Vec::new()
        }
    }

    /// On a tick: a timed checkpoint once the interval has passed, unless
    /// nothing was written since the last checkpoint.
    pub(super) fn checkpoint_when_due(&mut self) -> Vec<Effect> {
        let (Some(due), Some(every)) = (
            self.auto.next_due,
            self.auto.config.as_ref().and_then(AutoCheckpoint::every),
        ) else {
            return Vec::new();
        };
        if self.quitting || self.now < due {
            return Vec::new();
        }
        let idle = self.pending.is_empty()
            && self.tail.back().is_some_and(|t| {
                t.entry.kind == Kind::Checkpoint && matches!(t.status, Saved::Saved(_))
            });
        if idle {
            self.auto.next_due = Some(self.now + every);
            return Vec::new();
        }
        self.checkpoint_now()
    }

    /// Queues a checkpoint; its payload is made by the writer thread.
    fn checkpoint_now(&mut self) -> Vec<Effect> {
        if self.write_error.is_some() {
            return Vec::new();
        }
        if let Some(every) = self.auto.config.as_ref().and_then(AutoCheckpoint::every) {
            self.auto.next_due = Some(self.now + every);
        }
        let signing = Checkpoint {
            size: self.next_seq + self.pending.len() as u64,
            root: String::new(),
            head: String::new(),
            key: "(signing)".into(),
            verifier: String::new(),
            note: String::new(),
            ssh_signature: String::new(),
        };
        let key = self.auto.key.clone();
        self.record(vec![Write::event(Event::new(Payload::Checkpoint(
            Box::new(signing),
        )))])
        .into_iter()
        .map(|effect| match effect {
            Effect::Append { ticket, draft, .. } => Effect::Checkpoint {
                ticket,
                draft,
                key: key.clone(),
            },
            other => other,
        })
        .collect()
    }

    /// A checkpoint that could not be signed: nothing was written and the
    /// journal stays writable; the reason is said once.
    pub(super) fn checkpoint_skipped(&mut self, ticket: u64, reason: String) {
        self.pending.retain(|p| p.ticket != ticket);
        self.tail.retain(|t| t.ticket != Some(ticket));
        if self.auto.problem.as_ref() != Some(&reason) {
            let text = format!("checkpoint not signed, every entry is still saved: {reason}");
            self.notice(text.clone(), true);
            // The notice fades; the banner stays until the runner closes.
            self.banners
                .retain(|b| !b.starts_with("checkpoint not signed"));
            self.banners.push(text);
            self.auto.problem = Some(reason);
        }
        self.rebuild_view();
    }
}
