//! The runner's evidence key: the form opens on the current step; saving it
//! queues a collection that the writer thread hashes and records as
//! `runsheet evidence add --step <step> --label <description> --as
//! <custodian> <path>` would.

use chrono::Duration;

use super::dialog::{Collect, EvidenceDialog, EvidenceOutcome, Write};
use super::input::KeyEvent;
use super::{App, Effect, Mode, TYPE_AHEAD_MS};
use crate::journal::event::{EvidenceAdded, Payload};
use crate::journal::{Event, Kind};

impl App {
    /// Opens the evidence form on the selected step.
    pub(super) fn open_evidence(&mut self) {
        let dialog = EvidenceDialog::new(self.selected.as_deref(), &self.identity.actor);
        self.mode = Mode::Evidence(dialog);
    }

    pub(super) fn evidence_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        if self.guard_discard(key) {
            return Vec::new();
        }
        let Mode::Evidence(dialog) = &mut self.mode else {
            return Vec::new();
        };
        match dialog.key(key) {
            EvidenceOutcome::Stay => Vec::new(),
            EvidenceOutcome::Close => {
                self.close_dialog();
                Vec::new()
            }
            EvidenceOutcome::Collect(collect) => {
                self.close_dialog();
                self.typed_ahead_until = Some(self.now + Duration::milliseconds(TYPE_AHEAD_MS));
                self.collect(collect)
            }
        }
    }

    /// Queues the entry; its items are hashed by the writer thread, and the
    /// custodian is its actor.
    fn collect(&mut self, collect: Collect) -> Vec<Effect> {
        let event = Event {
            step: collect.step,
            payload: Payload::EvidenceAdded(EvidenceAdded {
                items: Vec::new(),
                label: collect.label,
                source: String::new(),
            }),
        };
        let custodian = collect.custodian;
        let effects = self.record(vec![Write::event(event)]);
        effects
            .into_iter()
            .map(|effect| match effect {
                Effect::Append {
                    ticket, mut draft, ..
                } => {
                    draft.actor.clone_from(&custodian);
                    if let Some(p) = self.pending.iter_mut().find(|p| p.ticket == ticket) {
                        p.draft.actor.clone_from(&custodian);
                    }
                    if let Some(t) = self.tail.iter_mut().find(|t| t.ticket == Some(ticket)) {
                        t.entry.actor.clone_from(&custodian);
                    }
                    Effect::Collect {
                        ticket,
                        draft,
                        paths: vec![collect.path.clone()],
                    }
                }
                other => other,
            })
            .collect()
    }

    /// An entry the writer did not write, with the journal still writable:
    /// a checkpoint that could not be signed, or evidence that could not be
    /// read.
    pub(super) fn write_skipped(&mut self, ticket: u64, reason: String) {
        let evidence = self
            .pending
            .iter()
            .find(|p| p.ticket == ticket)
            .is_some_and(|p| p.draft.event.kind() == Kind::EvidenceAdded);
        if !evidence {
            self.checkpoint_skipped(ticket, reason);
            return;
        }
        self.pending.retain(|p| p.ticket != ticket);
        self.tail.retain(|t| t.ticket != Some(ticket));
        self.notice(format!("evidence not recorded: {reason}"), true);
        self.rebuild_view();
    }
}
