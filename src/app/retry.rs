//! Entries the writer could not save, kept whole so a key (`Ctrl-R`)
//! writes the same entries again. Nothing is shown as saved until the
//! writer acknowledges it, after `fsync`; until every kept entry is saved
//! the journal takes no new entry, so the order on disk is the order the
//! responder acted in.

use super::dialog::Attachment;
use super::{App, Effect, Pending, Saved};
use crate::journal::Draft;

/// An entry not saved, as it was when the responder made it.
#[derive(Debug, Clone, PartialEq)]
pub struct Unsaved {
    pub draft: Draft,
    pub attachment: Option<Attachment>,
    /// The ticket it was last sent with (its line in the tail).
    ticket: u64,
}

impl App {
    /// The writer refused `ticket`: keep its entry for a retry.
    pub(super) fn keep_unsaved(&mut self, ticket: u64) {
        let attachment = self.attachments.remove(&ticket);
        if let Some(p) = self.pending.iter().find(|p| p.ticket == ticket) {
            self.unsaved.push(Unsaved {
                draft: p.draft.clone(),
                attachment,
                ticket,
            });
        }
        self.retrying = false;
    }

    /// A saved acknowledgement: once every retried entry is saved, the
    /// journal takes entries again.
    pub(super) fn saved_after_retry(&mut self, ticket: u64) {
        self.attachments.remove(&ticket);
        if self.retrying && self.pending.is_empty() && self.unsaved.is_empty() {
            self.retrying = false;
            self.write_error = None;
            self.notice("saved on retry: the journal holds every entry again", false);
        }
    }

    /// `Ctrl-R`: writes the entries not saved again, in order, the first
    /// one asking the writer to make the journal end at its last saved
    /// entry before it appends.
    pub(super) fn retry_unsaved(&mut self) -> Vec<Effect> {
        if self.unsaved.is_empty() {
            return Vec::new();
        }
        if !self.pending.is_empty() {
            self.notice(
                "entries are still saving: retry once they have failed or saved",
                false,
            );
            return Vec::new();
        }
        self.retrying = true;
        let mut effects = Vec::new();
        for (i, kept) in std::mem::take(&mut self.unsaved).into_iter().enumerate() {
            let ticket = self.next_ticket;
            self.next_ticket += 1;
            if let Some(line) = self.tail.iter_mut().find(|t| t.ticket == Some(kept.ticket)) {
                line.ticket = Some(ticket);
                line.status = Saved::Saving;
            }
            if let Some(a) = &kept.attachment {
                self.attachments.insert(ticket, a.clone());
            }
            self.pending.push(Pending {
                ticket,
                draft: kept.draft.clone(),
            });
            effects.push(if i == 0 {
                Effect::Retry {
                    ticket,
                    draft: kept.draft,
                    attachment: kept.attachment,
                }
            } else {
                Effect::Append {
                    ticket,
                    draft: kept.draft,
                    attachment: kept.attachment,
                }
            });
        }
        self.rebuild_view();
        effects
    }
}
