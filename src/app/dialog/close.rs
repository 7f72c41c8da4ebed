//! Closing the incident: the closing reason, a reason for each required
//! step still open, then a confirmation. The entry is the `closed` entry
//! `runsheet close` writes, checked by the same rule
//! ([`crate::run::closing::close`]).

use chrono::{DateTime, Utc};

use crate::app::input::{KeyCode, KeyEvent};

use super::{Ctx, FocusRing, Outcome, Write, is_save, refusal};
use crate::app::editor::Editor;
use crate::journal::Event;
use crate::journal::event::Payload;
use crate::run::closing::{self, CloseRefusal};

/// One required step still open, with the reason typed for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenStepReason {
    pub step: String,
    pub title: String,
    pub editor: Editor,
}

/// The close dialog's fields: the closing reason, then one per open step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseDialog {
    pub reason: Editor,
    pub open: Vec<OpenStepReason>,
    /// 0 is the closing reason; `i + 1` is `open[i]`.
    pub focus: usize,
    /// Everything checked: the next `y` writes the entry.
    pub confirming: bool,
    /// When a `y` starts to count as the answer: a `y` typed on with
    /// Ctrl-S, before anyone could read "This entry cannot be undone",
    /// is no answer (closing is for ever).
    pub answer_from: DateTime<Utc>,
    pub error: Option<String>,
}

impl CloseDialog {
    pub fn new(cx: Ctx<'_>) -> Self {
        let open = closing::open_required(cx.playbook, cx.state)
            .into_iter()
            .map(|(step, title)| OpenStepReason {
                step,
                title,
                editor: Editor::single(""),
            })
            .collect();
        Self {
            reason: Editor::single(""),
            open,
            focus: 0,
            confirming: false,
            answer_from: cx.now,
            error: None,
        }
    }

    /// The keys this dialog takes, for its footer.
    pub const fn hints(&self) -> &'static str {
        if self.confirming {
            "y: close the incident · any other key: keep editing"
        } else {
            "Enter: next field · Ctrl-S: check and close · Tab: field · Esc: cancel"
        }
    }

    /// Whether the responder typed something not yet recorded.
    pub fn typed(&self) -> bool {
        self.reason.is_edited() || self.open.iter().any(|o| o.editor.is_edited())
    }

    fn fields(&self) -> Vec<usize> {
        (0..=self.open.len()).collect()
    }

    fn editor(&mut self) -> &mut Editor {
        match self.focus.checked_sub(1) {
            Some(i) if i < self.open.len() => &mut self.open[i].editor,
            _ => &mut self.reason,
        }
    }

    /// The name of field `focus`, as the dialog draws it.
    fn label(&self, focus: usize) -> String {
        match focus.checked_sub(1).and_then(|i| self.open.get(i)) {
            Some(o) => format!("the reason for `{}`", o.step),
            None => "the closing reason".into(),
        }
    }

    pub fn paste(&mut self, text: &str) {
        self.confirming = false;
        self.editor().insert(text);
    }

    /// Checks the fields with the closing rule; on a refusal the cursor
    /// goes to the field to fix, and the sentence says so.
    fn check(&mut self, cx: Ctx<'_>) -> Option<crate::journal::event::Closed> {
        let reasons: Vec<(String, String)> = self
            .open
            .iter()
            .map(|o| (o.step.clone(), o.editor.text()))
            .collect();
        match closing::close(cx.playbook, cx.state, &self.reason.text(), &reasons) {
            Ok(closed) => Some(closed),
            Err(why) => {
                let target = match &why {
                    CloseRefusal::NoReason => Some(0),
                    CloseRefusal::Unexplained(steps) => steps
                        .first()
                        .and_then(|(id, _)| self.open.iter().position(|o| &o.step == id))
                        .map(|i| i + 1),
                    CloseRefusal::AlreadyClosed { .. } | CloseRefusal::NotOpen(_) => None,
                };
                let moved = target.is_some_and(|t| t != self.focus);
                if let Some(t) = target {
                    self.focus = t;
                }
                self.error = Some(refusal(&why.to_string(), &self.label(self.focus), moved));
                None
            }
        }
    }

    pub fn key(&mut self, key: &KeyEvent, cx: Ctx<'_>) -> Outcome {
        if self.confirming {
            let yes = matches!(key.code, KeyCode::Char('y' | 'Y'));
            if yes && cx.now < self.answer_from {
                // Typed ahead: the question stays, for a `y` meant for it.
                return Outcome::Stay;
            }
            self.confirming = false;
            if yes {
                return match self.check(cx) {
                    Some(closed) => {
                        Outcome::Record(vec![Write::event(Event::new(Payload::Closed(closed)))])
                    }
                    None => Outcome::Stay,
                };
            }
            // Any other key goes back to editing, and is not typed.
            return Outcome::Stay;
        }
        let last = self.open.len();
        if is_save(key) || (key.code == KeyCode::Enter && self.focus == last) {
            if self.check(cx).is_some() {
                self.error = None;
                self.confirming = true;
                self.answer_from =
                    cx.now + chrono::Duration::milliseconds(crate::app::TYPE_AHEAD_MS);
            }
            return Outcome::Stay;
        }
        let fields = self.fields();
        if let Some(next) = FocusRing(&fields).step(self.focus, key) {
            self.focus = next;
            return Outcome::Stay;
        }
        match key.code {
            KeyCode::Esc => Outcome::Close,
            KeyCode::Enter => {
                self.focus = (self.focus + 1).min(last);
                Outcome::Stay
            }
            _ => {
                self.editor().key(key);
                self.error = None;
                Outcome::Stay
            }
        }
    }
}
