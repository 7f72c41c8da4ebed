//! An observation in a drill: an inject evaluated against its `expect`, or
//! a hot-wash item.

use crate::app::input::{KeyCode, KeyEvent};

use super::{Choices, FocusRing, Outcome, Write, is_save, refusal};
use crate::app::editor::Editor;
use crate::journal::Event;
use crate::journal::event::{self, ObservationKind, Payload, Rating};

/// Which field of the observation form has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObserveField {
    Kind,
    Note,
    /// Improvement plan (hot-wash items): kept apart from the finding.
    Action,
    Capability,
    Organisation,
    Owner,
    Start,
    Due,
}

/// An evaluation of an inject against its `expect`, or a hot-wash item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObserveDialog {
    pub inject: Option<String>,
    /// The HSEEP rating for an inject; strength / improvement otherwise.
    pub kind: Choices,
    pub note: Editor,
    pub action: Editor,
    pub capability: Editor,
    pub organisation: Editor,
    pub owner: Editor,
    pub start: Editor,
    pub due: Editor,
    pub focus: ObserveField,
    pub error: Option<String>,
    /// The inject evaluated has not been delivered: the dialog opens (so
    /// the keys typed after `o` land in it, not in the runner) but
    /// records nothing. See [`ObserveDialog::not_delivered`].
    pub undelivered: bool,
}

impl ObserveDialog {
    /// The keys this dialog takes, for its footer: written beside the
    /// handler that reads them.
    pub const fn hints(&self) -> &'static str {
        "Tab: field · Ctrl-S: record · Esc: cancel"
    }

    pub fn evaluation(inject: &str) -> Self {
        Self::with_options(Some(inject), &Rating::HSEEP.map(|r| (r.name(), r.label())))
    }

    pub fn hot_wash() -> Self {
        Self::with_options(
            None,
            &[
                ("strength", "Strength"),
                ("improvement", "Area for improvement"),
            ],
        )
    }

    fn with_options(inject: Option<&str>, options: &[(&str, &str)]) -> Self {
        let options: Vec<(String, String)> = options
            .iter()
            .map(|(v, l)| ((*v).to_string(), (*l).to_string()))
            .collect();
        let n = options.len();
        Self {
            inject: inject.map(str::to_string),
            kind: Choices {
                options,
                cursor: 0,
                chosen: vec![false; n],
                multiple: false,
                touched: false,
            },
            note: Editor::multi(""),
            action: Editor::single(""),
            capability: Editor::single(""),
            organisation: Editor::single(""),
            owner: Editor::single(""),
            start: Editor::single(""),
            due: Editor::single(""),
            focus: ObserveField::Kind,
            error: None,
            undelivered: false,
        }
    }

    /// The evaluation of an inject not delivered yet, which cannot be
    /// recorded. HSEEP rates the performance observed against an
    /// inject's expected outcome; an inject the team never received was
    /// never played, and a rating of it read in the after-action report as
    /// a result for something that did not happen. The dialog still opens
    /// and says so, so that `o 1 Ctrl-S` typed in a hurry is absorbed here
    /// rather than ticking checklist item 1 in the runner.
    pub fn not_delivered(inject: &str) -> Self {
        let mut dialog = Self::evaluation(inject);
        dialog.undelivered = true;
        dialog.error = Some(Self::not_delivered_text(inject));
        dialog
    }

    fn not_delivered_text(inject: &str) -> String {
        format!(
            "inject {inject} has not been delivered: nothing to rate yet (Esc; then r releases it, w records a hot-wash note)"
        )
    }

    /// The fields in Tab order (the improvement-plan fields only for
    /// hot-wash items).
    pub fn fields(&self) -> Vec<ObserveField> {
        if self.inject.is_some() {
            vec![ObserveField::Kind, ObserveField::Note]
        } else {
            vec![
                ObserveField::Kind,
                ObserveField::Note,
                ObserveField::Action,
                ObserveField::Capability,
                ObserveField::Organisation,
                ObserveField::Owner,
                ObserveField::Start,
                ObserveField::Due,
            ]
        }
    }

    /// Whether the responder typed or chose something not yet recorded.
    pub fn typed(&self) -> bool {
        self.kind.touched
            || [
                &self.note,
                &self.action,
                &self.capability,
                &self.organisation,
                &self.owner,
                &self.start,
                &self.due,
            ]
            .iter()
            .any(|e| e.is_edited())
    }

    /// A paste lands in a text field, never nowhere: on the rating (which
    /// takes keys, not text) it goes to the note, which gets the keys, and
    /// the dialog says so.
    pub fn paste(&mut self, text: &str) {
        match self.focus {
            ObserveField::Kind => {
                self.focus = ObserveField::Note;
                self.note.insert(text);
                self.error = Some(
                    "pasted into the note (the options take keys: Shift-Tab goes back)".into(),
                );
            }
            ObserveField::Note => self.note.insert(text),
            ObserveField::Action => self.action.insert(text),
            ObserveField::Capability => self.capability.insert(text),
            ObserveField::Organisation => self.organisation.insert(text),
            ObserveField::Owner => self.owner.insert(text),
            ObserveField::Start => self.start.insert(text),
            ObserveField::Due => self.due.insert(text),
        }
    }

    pub fn key(&mut self, key: &KeyEvent) -> Outcome {
        if key.code == KeyCode::Esc {
            return Outcome::Close;
        }
        if let Some(next) = FocusRing(&self.fields()).step(self.focus, key) {
            self.focus = next;
            return Outcome::Stay;
        }
        if key.code == KeyCode::Enter && self.focus == ObserveField::Kind {
            self.kind.choose_cursor_if_none();
        }
        if is_save(key) || (key.code == KeyCode::Enter && self.focus != ObserveField::Note) {
            return self.submit();
        }
        match self.focus {
            ObserveField::Kind => {
                if !self.kind.key(key) && key.printable().is_some() {
                    self.error = Some(format!("{}; Tab moves to the note", self.kind.keys_hint()));
                    return Outcome::Stay;
                }
            }
            ObserveField::Note => {
                self.note.key(key);
            }
            ObserveField::Action => {
                self.action.key(key);
            }
            ObserveField::Capability => {
                self.capability.key(key);
            }
            ObserveField::Organisation => {
                self.organisation.key(key);
            }
            ObserveField::Owner => {
                self.owner.key(key);
            }
            ObserveField::Start => {
                self.start.key(key);
            }
            ObserveField::Due => {
                self.due.key(key);
            }
        }
        self.error = None;
        Outcome::Stay
    }

    fn submit(&mut self) -> Outcome {
        if self.undelivered {
            let inject = self.inject.clone().unwrap_or_default();
            self.error = Some(Self::not_delivered_text(&inject));
            return Outcome::Stay;
        }
        // An observation is forever: Ctrl-S never records the rating (or
        // kind) that merely sat under the cursor, which the screen shows
        // as unchosen; Enter on the field still picks it, an explicit act.
        if !self.kind.is_chosen() {
            let moved = self.focus != ObserveField::Kind;
            let (what, field) = if self.inject.is_some() {
                ("choose a rating", "the rating")
            } else {
                ("choose strength or area for improvement", "the kind")
            };
            self.error = Some(refusal(what, field, moved));
            self.focus = ObserveField::Kind;
            return Outcome::Stay;
        }
        let chosen = self.kind.as_input();
        let note = self.note.text().trim().to_string();
        if note.is_empty() {
            let moved = self.focus != ObserveField::Note;
            self.error = Some(refusal("write what was observed", "the note", moved));
            self.focus = ObserveField::Note;
            return Outcome::Stay;
        }
        let due = self.due.text().trim().to_string();
        if !due.is_empty() && chrono::NaiveDate::parse_from_str(&due, "%Y-%m-%d").is_err() {
            let moved = self.focus != ObserveField::Due;
            self.error = Some(refusal(
                "completion date as YYYY-MM-DD",
                "Completion",
                moved,
            ));
            self.focus = ObserveField::Due;
            return Outcome::Stay;
        }
        let start = self.start.text().trim().to_string();
        if !start.is_empty() && chrono::NaiveDate::parse_from_str(&start, "%Y-%m-%d").is_err() {
            let moved = self.focus != ObserveField::Start;
            self.error = Some(refusal("start date as YYYY-MM-DD", "Start", moved));
            self.focus = ObserveField::Start;
            return Outcome::Stay;
        }
        let date = |text: &str| chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").ok();
        if let (Some(from), Some(until)) = (date(&start), date(&due))
            && until < from
        {
            let moved = self.focus != ObserveField::Due;
            self.error = Some(refusal(
                &format!("a completion date on or after the start, {start}"),
                "Completion",
                moved,
            ));
            self.focus = ObserveField::Due;
            return Outcome::Stay;
        }
        let owner = self.owner.text().trim().to_string();
        let given = |e: &Editor| Some(e.text().trim().to_string()).filter(|t| !t.is_empty());
        let (kind, rating) = match Rating::HSEEP.iter().find(|r| r.name() == chosen) {
            Some(r) => (ObservationKind::Evaluation, Some(*r)),
            None if chosen == "strength" => (ObservationKind::Strength, None),
            None => (ObservationKind::Improvement, None),
        };
        Outcome::Record(vec![Write::event(Event::new(Payload::Observation(
            Box::new(event::Observation {
                kind,
                inject: self.inject.clone(),
                rating,
                note,
                owner: (!owner.is_empty()).then_some(owner),
                due: (!due.is_empty()).then_some(due),
                corrective_action: given(&self.action),
                capability: given(&self.capability),
                organisation: given(&self.organisation),
                start: (!start.is_empty()).then_some(start),
                status: None,
            }),
        )))])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An improvement item whose completion comes before its start is
    /// refused, the cursor put on Completion: the plan would list dates
    /// that cannot both be right. The same dates the right way round save.
    #[test]
    fn an_improvement_completed_before_it_starts_is_refused() {
        let mut dialog = ObserveDialog::hot_wash();
        dialog.kind.chosen = vec![false, true];
        dialog.note = Editor::single("Backups were reachable from the domain");
        dialog.start = Editor::single("2026-12-15");
        dialog.due = Editor::single("2026-12-01");
        assert!(matches!(dialog.submit(), Outcome::Stay));
        assert_eq!(dialog.focus, ObserveField::Due);
        let error = dialog.error.clone().unwrap_or_default();
        assert!(
            error.contains("on or after the start, 2026-12-15"),
            "{error}"
        );
        dialog.due = Editor::single("2027-01-15");
        assert!(matches!(dialog.submit(), Outcome::Record(_)));
    }

    fn recorded(outcome: &Outcome) -> Option<event::Observation> {
        let Outcome::Record(writes) = outcome else {
            return None;
        };
        writes.iter().find_map(|w| match &w.event.payload {
            Payload::Observation(o) => Some((**o).clone()),
            _ => None,
        })
    }

    /// Defect: an observation saved with Ctrl-S recorded the rating (or,
    /// in the hot wash, the kind) that merely sat under the cursor, the
    /// first one, which the screen showed as unchosen: `o`, the note,
    /// Ctrl-S rated the inject "Performed without Challenges". Now Ctrl-S
    /// asks for a rating and moves the keys there; Enter on the rating
    /// picks the one under the cursor, an explicit act.
    #[test]
    fn an_observation_saved_without_a_rating_recorded_the_one_under_the_cursor() {
        use crate::app::input::KeyModifiers;
        let key = |code| KeyEvent::new(code, KeyModifiers::NONE);
        let save = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        let mut dialog = ObserveDialog::evaluation("i1");
        dialog.focus = ObserveField::Note;
        dialog.note = Editor::multi("Channel opened in ten minutes");
        let refused = dialog.key(&save);
        assert!(recorded(&refused).is_none(), "nothing recorded");
        assert_eq!(dialog.focus, ObserveField::Kind);
        assert_eq!(
            dialog.error.as_deref(),
            Some("choose a rating · the cursor is now in the rating")
        );
        let saved = dialog.key(&key(KeyCode::Enter));
        let observation = recorded(&saved).expect("recorded once a rating is picked");
        assert_eq!(observation.rating, Some(Rating::HSEEP[0]));
        assert_eq!(observation.note, "Channel opened in ten minutes");
        let mut hot_wash = ObserveDialog::hot_wash();
        hot_wash.focus = ObserveField::Note;
        hot_wash.note = Editor::multi("Backups were reachable");
        assert!(recorded(&hot_wash.key(&save)).is_none());
        assert_eq!(
            hot_wash.error.as_deref(),
            Some("choose strength or area for improvement · the cursor is now in the kind")
        );
    }
}
