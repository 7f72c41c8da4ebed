//! Runner actions on the record as a whole: closing the incident and
//! correcting an entry already written. Both open a dialog; the entries
//! they write are the ones `runsheet close` and `runsheet correct` write.

use super::dialog::{CloseDialog, CorrectDialog, CorrectTurn, FactsDialog, Outcome, correctable};
use super::{App, Effect, Mode, Pane};
use crate::app::input::KeyEvent;

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
}
