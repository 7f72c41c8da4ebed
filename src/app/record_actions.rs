//! Runner actions on the record as a whole: closing the incident and
//! correcting an entry already written. Both open a dialog; the entries
//! they write are the ones `runsheet close` and `runsheet correct` write.

use super::dialog::{
    CloseDialog, CorrectDialog, CorrectTurn, FactsDialog, Outcome, SubmitDialog, correctable,
};
use super::{App, Effect, Mode, Pane};
use crate::app::input::KeyEvent;
use crate::journal::event::Purpose;

impl App {
    /// `X`: the close dialog, unless the incident is already closed.
    pub(super) fn close_incident(&mut self) {
        if let Some(closed) = &self.state().closed {
            let seq = closed.at.seq;
            self.notice(
                format!("the incident is already closed (entry #{seq})"),
                false,
            );
            return;
        }
        self.mode = Mode::Close(CloseDialog::new(self.ctx()));
    }

    /// `C`: corrects the selected step's entries (or, from the phases
    /// pane, any entry), newest first.
    pub(super) fn correct(&mut self) {
        let step = match self.focus {
            Pane::Phases => None,
            _ => self.selected.clone(),
        };
        let mut entries = correctable(self.state(), step.as_deref());
        if entries.is_empty() && step.is_some() {
            entries = correctable(self.state(), None);
        }
        match CorrectDialog::new(entries) {
            Some(dialog) => self.mode = Mode::Correct(dialog),
            None => self.notice("nothing recorded yet can be corrected", false),
        }
    }

    /// A key in the correction dialog; a fact entry opens the facts
    /// dialog, where answering again records the correction.
    pub(super) fn correct_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        let (cx, mode) = self.ctx_and_mode();
        let Mode::Correct(dialog) = mode else {
            return Vec::new();
        };
        match dialog.key(key, cx) {
            CorrectTurn::Stay(outcome) => self.apply_outcome(outcome),
            CorrectTurn::AnswerFact(fact) => {
                let step = dialog.entry().step.clone();
                let dialog = FactsDialog::open(step.as_deref(), vec![fact], self.ctx());
                self.mode = Mode::Facts(dialog);
                self.notice(
                    "type the right value: it is recorded as a correction of the one before",
                    false,
                );
                self.apply_outcome(Outcome::Stay)
            }
        }
    }

    /// `m`: the step's message, or, for a step with a contact but no
    /// message, the record of the contact made.
    pub(super) fn open_message(&mut self, step: &str) {
        if self.has_message(step) {
            self.mode = Mode::Message(super::MessageView {
                step: step.to_string(),
                scroll: 0,
                version: None,
            });
        } else if self
            .playbook
            .step(step)
            .is_some_and(|s| s.contact.is_some())
        {
            self.record_contact_made(step);
        } else {
            self.notice("this step has no message to draft", false);
        }
    }

    /// Whether the step has a message to draft (the view dialogs return to).
    pub(super) fn has_message(&self, step: &str) -> bool {
        self.playbook
            .step(step)
            .is_some_and(|s| s.message.is_some())
    }

    /// `m` on a step with a contact but no message: records the contact
    /// made (a submission with no drafted version), with the channel, who
    /// was reached and the reference they gave. It meets the step's clock
    /// stages that apply and are not met yet.
    pub(super) fn record_contact_made(&mut self, step: &str) {
        let Some(step) = self.playbook.step(step).cloned() else {
            return;
        };
        let recipient = step
            .contact
            .as_deref()
            .and_then(|c| self.playbook.contact(c))
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let stages: Vec<String> = step
            .satisfies
            .iter()
            .map(ToString::to_string)
            .filter(|r| crate::clocks::stage_applies(&self.playbook, self.state(), r))
            .filter(|r| self.state().submissions_meeting(r).next().is_none())
            .collect();
        self.mode = Mode::Submit(SubmitDialog::new(
            &step.id,
            stages,
            Purpose::Notification,
            None,
            Vec::new(),
            false,
            &recipient,
            false,
        ));
        self.notice(
            "record the contact made: channel, who was reached, and any reference they gave",
            false,
        );
    }
}
