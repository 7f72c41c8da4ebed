//! Recording that a notification was sent or a statement published.

use crate::app::input::{KeyCode, KeyEvent};
use chrono::{DateTime, Utc};

use super::{Ctx, Outcome, Write, refusal};
use crate::app::editor::{Edit, Editor};
use crate::journal::Event;
use crate::journal::event::{self, Payload, Purpose};
use crate::playbook::value::parse_datetime;
use crate::run::rules;

/// Fields of the "record as sent / published" form, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitField {
    Channel,
    Recipient,
    Reference,
    SentAt,
    Backdate,
    Url,
    Override,
}

impl SubmitField {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Channel => "Channel",
            Self::Recipient => "Recipient",
            Self::Reference => "Reference no.",
            Self::SentAt => "Time sent",
            Self::Backdate => "Why backdated",
            Self::Url => "URL / reference",
            Self::Override => "Publish unapproved: why",
        }
    }
}

/// Recording that a notification was sent or a statement published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmitDialog {
    pub step: String,
    pub stages: Vec<String>,
    pub purpose: Purpose,
    pub version: Option<u32>,
    /// Placeholders with no value in the version being sent.
    pub gaps: Vec<String>,
    /// Publishing a statement version nobody approved.
    pub unapproved: bool,
    pub fields: Vec<(SubmitField, Editor)>,
    pub focus: usize,
    /// Gaps were shown and the responder confirmed sending anyway.
    pub confirmed_gaps: bool,
    pub error: Option<String>,
    /// Mark the step done once recorded.
    pub then_done: bool,
}

impl SubmitDialog {
    /// The keys this dialog takes, for its footer: written beside the
    /// handler that reads them.
    pub const fn hints(&self) -> &'static str {
        "Tab/↑↓: field · Enter: record · Esc: cancel"
    }

    #[allow(clippy::too_many_arguments)]
    pub fn new(
        step: &str,
        stages: Vec<String>,
        purpose: Purpose,
        version: Option<u32>,
        gaps: Vec<String>,
        unapproved: bool,
        recipient: &str,
        then_done: bool,
    ) -> Self {
        let mut fields = vec![
            (
                SubmitField::Channel,
                Editor::prefilled(if purpose == Purpose::Statement {
                    "website"
                } else {
                    "email"
                }),
            ),
            (SubmitField::Recipient, Editor::prefilled(recipient)),
            (SubmitField::Reference, Editor::single("")),
            (SubmitField::SentAt, Editor::prefilled("now")),
            (SubmitField::Backdate, Editor::single("")),
        ];
        if purpose == Purpose::Statement {
            fields.push((SubmitField::Url, Editor::single("")));
        }
        if unapproved {
            fields.push((SubmitField::Override, Editor::single("")));
        }
        Self {
            step: step.to_string(),
            stages,
            purpose,
            version,
            gaps,
            unapproved,
            fields,
            focus: 0,
            confirmed_gaps: false,
            error: None,
            then_done,
        }
    }

    fn value(&self, field: SubmitField) -> String {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, e)| e.text().trim().to_string())
            .unwrap_or_default()
    }

    pub fn key(&mut self, key: &KeyEvent, cx: Ctx<'_>) -> Outcome {
        match key.code {
            KeyCode::Esc => return Outcome::Close,
            KeyCode::Tab | KeyCode::Down => {
                self.move_focus((self.focus + 1) % self.fields.len());
                return Outcome::Stay;
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.move_focus((self.focus + self.fields.len() - 1) % self.fields.len());
                return Outcome::Stay;
            }
            KeyCode::Enter => return self.submit(cx),
            _ => {}
        }
        if let Some((_, editor)) = self.fields.get_mut(self.focus)
            && editor.key(key) == Edit::Changed
        {
            self.error = None;
        }
        Outcome::Stay
    }

    /// Moves the keys to a field, its text selected so typing replaces it.
    fn move_focus(&mut self, index: usize) {
        self.focus = index;
        if let Some((_, editor)) = self.fields.get_mut(index) {
            editor.select_all();
        }
    }

    /// Whether the responder typed something not yet recorded.
    pub fn typed(&self) -> bool {
        self.fields.iter().any(|(_, e)| e.is_edited())
    }

    pub fn paste(&mut self, text: &str) {
        if let Some((_, editor)) = self.fields.get_mut(self.focus) {
            editor.insert(text);
            self.error = None;
        }
    }

    /// When the text says it was sent, read in the incident's zone.
    pub fn sent_at(&self, cx: Ctx<'_>) -> Result<DateTime<Utc>, String> {
        parse_datetime(&self.value(SubmitField::SentAt), cx.now, cx.tz)
    }

    /// Refuses a save: names the field and, if the keys were elsewhere,
    /// moves them there and says so.
    fn refuse(&mut self, problem: &str, field: SubmitField) -> Outcome {
        let index = self
            .fields
            .iter()
            .position(|(f, _)| *f == field)
            .unwrap_or(0);
        self.error = Some(refusal(problem, field.label(), index != self.focus));
        self.move_focus(index);
        Outcome::Stay
    }

    fn submit(&mut self, cx: Ctx<'_>) -> Outcome {
        let channel = self.value(SubmitField::Channel);
        let recipient = self.value(SubmitField::Recipient);
        if channel.is_empty() {
            return self.refuse("the channel is required", SubmitField::Channel);
        }
        if recipient.is_empty() {
            return self.refuse("the recipient is required", SubmitField::Recipient);
        }
        let sent_at = match self.sent_at(cx) {
            Ok(t) => t,
            Err(why) => return self.refuse(&why, SubmitField::SentAt),
        };
        let drafted_at = cx
            .state
            .drafts
            .iter()
            .find(|d| d.step == self.step && Some(d.data.version) == self.version)
            .map(|d| d.at.ts);
        let backdate_reason = self.value(SubmitField::Backdate);
        let override_reason = self.value(SubmitField::Override);
        let times = rules::SubmissionTimes {
            sent_at,
            drafted_at,
            backdate_reason: &backdate_reason,
            unapproved: self.unapproved,
            override_reason: &override_reason,
        };
        let reasons = match rules::submission(&times, cx.now, cx.tz) {
            Ok(reasons) => reasons,
            Err((field, refused)) => {
                let field = match field {
                    rules::SubmissionField::SentAt => SubmitField::SentAt,
                    rules::SubmissionField::Backdate => SubmitField::Backdate,
                    rules::SubmissionField::Override => SubmitField::Override,
                };
                return self.refuse(refused.sentence(), field);
            }
        };
        if !self.gaps.is_empty() && !self.confirmed_gaps {
            self.confirmed_gaps = true;
            self.error = Some(format!(
                "the text still has gaps ({}); press Enter again to record it as sent anyway",
                self.gaps.join(", ")
            ));
            return Outcome::Stay;
        }
        let reference = self.value(SubmitField::Reference);
        let url = self.value(SubmitField::Url);
        let submission = event::Submission {
            stages: self.stages.clone(),
            channel,
            recipient,
            reference: (!reference.is_empty()).then_some(reference),
            sent_at,
            backdated_reason: reasons.backdated_reason,
            version: self.version,
            url: (!url.is_empty()).then_some(url),
            override_reason: reasons.override_reason,
        };
        let filled = cx.playbook.step(&self.step).map_or_else(Vec::new, |step| {
            crate::run::fills::filled_by(cx.playbook, cx.state, step, &submission, cx.now, cx.tz)
        });
        let mut writes = vec![Write::event(Event::on_step(
            self.step.clone(),
            Payload::Submission(Box::new(submission)),
        ))];
        writes.extend(filled.into_iter().map(Write::event));
        if self.then_done {
            writes.push(Write::event(Event::on_step(
                self.step.clone(),
                Payload::StepDone(event::StepDone::default()),
            )));
        }
        Outcome::Record(writes)
    }
}
