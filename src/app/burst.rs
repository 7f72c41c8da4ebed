//! Keys that arrive together. A terminal that does not bracket pastes
//! (some ssh clients, `tmux paste-buffer` without `-p`) sends a paste as
//! plain keystrokes, all at once: its line breaks come as Enter and its
//! tabs as Tab. In a form those would save the field or move to the next
//! one, and the rest of the paste would be typed, and saved, as the
//! answer to questions it was never meant for.
//!
//! The runtime hands over the keys it read together (see
//! [`super::Msg::Burst`]); nobody types a letter and Enter faster than the
//! screen is drawn, so an Enter or Tab read together with text typed into
//! a field is part of a paste: it goes in as the line break or tab a
//! bracketed paste of the same text would carry (a space in a one-line
//! field), and the responder saves when they have read it.

use super::dialog::{DecideFocus, FieldInput};
use super::input::{KeyCode, KeyEvent, KeyModifiers};
use super::{App, Effect, Mode, ObserveField};

/// What the responder is told when line breaks of a paste stayed text.
pub(crate) const PASTED_BREAKS: &str =
    "pasted text had line breaks: kept in this field, not used as Enter or Tab (nothing saved)";

impl App {
    /// Handles keys read together, in order. An Enter or Tab after text
    /// typed into a field in the same burst is pasted text, never a
    /// save or a move to another field.
    pub(super) fn burst(&mut self, keys: &[KeyEvent]) -> Vec<Effect> {
        let mut effects = Vec::new();
        let mut typed = false;
        let mut kept = false;
        for key in keys {
            if typed
                && self.on_text_field()
                && let Some(text) = as_pasted_text(key)
            {
                kept |= !(key.code == KeyCode::Enter && self.enter_breaks_lines());
                self.paste(text);
                continue;
            }
            let was_on_text = self.on_text_field();
            effects.extend(self.key(key));
            typed |= key.printable().is_some() && was_on_text && self.on_text_field();
        }
        if kept {
            self.notice(PASTED_BREAKS, false);
        }
        effects
    }

    /// Whether typed text now goes into a text field (not a list of
    /// options, not the screen's commands).
    fn on_text_field(&self) -> bool {
        match &self.mode {
            Mode::Note(_)
            | Mode::EditDraft { .. }
            | Mode::Reason(_)
            | Mode::Assign(_)
            | Mode::Submit(_)
            | Mode::Approve(_)
            | Mode::Close(_)
            | Mode::Correct(_)
            | Mode::Evidence(_) => true,
            Mode::Facts(d) => {
                d.amend.as_ref().is_some_and(|a| a.reason.is_some())
                    || (d.amend.is_none() && matches!(d.editing, Some(FieldInput::Text(_))))
            }
            Mode::Decide(d) => d.focus != DecideFocus::Options,
            Mode::Observe(d) => d.focus != ObserveField::Kind,
            _ => false,
        }
    }

    /// Whether Enter here already breaks the line (a note, a draft, a
    /// rationale, an observation), so a pasted line break changes nothing worth a notice.
    fn enter_breaks_lines(&self) -> bool {
        match &self.mode {
            Mode::Note(_) | Mode::EditDraft { .. } => true,
            Mode::Decide(d) => d.focus == DecideFocus::Rationale,
            Mode::Observe(d) => d.focus == ObserveField::Note,
            _ => false,
        }
    }
}

/// The text a key of a paste stands for: a line break or a tab.
fn as_pasted_text(key: &KeyEvent) -> Option<&'static str> {
    if key.modifiers != KeyModifiers::NONE {
        return None;
    }
    match key.code {
        KeyCode::Enter => Some("\n"),
        KeyCode::Tab => Some("\t"),
        _ => None,
    }
}
