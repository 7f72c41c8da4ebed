//! Recording that a notification was sent or a statement published.

use crate::app::input::{KeyCode, KeyEvent};
use chrono::{DateTime, Duration, Utc};

use super::{Ctx, Outcome, Write};
use crate::app::editor::{Edit, Editor};
use crate::journal::Event;
use crate::journal::event::{self, Payload, Purpose};
use crate::playbook::value::parse_datetime;

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

/// Sent-at times further back than this need a reason.
const BACKDATE_GRACE_MINUTES: i64 = 10;

impl SubmitDialog {
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
                Editor::single(if purpose == Purpose::Statement {
                    "website"
                } else {
                    "email"
                }),
            ),
            (SubmitField::Recipient, Editor::single(recipient)),
            (SubmitField::Reference, Editor::single("")),
            (SubmitField::SentAt, Editor::single("now")),
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
                self.focus = (self.focus + 1) % self.fields.len();
                return Outcome::Stay;
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
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

    /// When the text says it was sent, read in the incident's zone.
    pub fn sent_at(&self, cx: Ctx<'_>) -> Result<DateTime<Utc>, String> {
        parse_datetime(&self.value(SubmitField::SentAt), cx.now, cx.tz)
    }

    fn focus_on(&mut self, field: SubmitField) {
        self.focus = self
            .fields
            .iter()
            .position(|(f, _)| *f == field)
            .unwrap_or(0);
    }

    fn submit(&mut self, cx: Ctx<'_>) -> Outcome {
        let channel = self.value(SubmitField::Channel);
        let recipient = self.value(SubmitField::Recipient);
        if channel.is_empty() || recipient.is_empty() {
            self.error = Some("channel and recipient are required".into());
            self.focus_on(if channel.is_empty() {
                SubmitField::Channel
            } else {
                SubmitField::Recipient
            });
            return Outcome::Stay;
        }
        let sent_at = match self.sent_at(cx) {
            Ok(t) if t > cx.now + Duration::minutes(1) => {
                self.error = Some("the time sent is in the future".into());
                self.focus_on(SubmitField::SentAt);
                return Outcome::Stay;
            }
            Ok(t) => t,
            Err(why) => {
                self.error = Some(why);
                self.focus_on(SubmitField::SentAt);
                return Outcome::Stay;
            }
        };
        let backdated = cx.now - sent_at > Duration::minutes(BACKDATE_GRACE_MINUTES);
        let backdate_reason = self.value(SubmitField::Backdate);
        if backdated && backdate_reason.is_empty() {
            self.error = Some(format!(
                "sent {} ago: say why it is recorded late",
                crate::clocks::format_duration(cx.now - sent_at)
            ));
            self.focus_on(SubmitField::Backdate);
            return Outcome::Stay;
        }
        let override_reason = self.value(SubmitField::Override);
        if self.unapproved && override_reason.is_empty() {
            self.error =
                Some("this version was not approved: give the reason to publish it anyway".into());
            self.focus_on(SubmitField::Override);
            return Outcome::Stay;
        }
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
        let mut writes = vec![Write::event(Event::on_step(
            self.step.clone(),
            Payload::Submission(event::Submission {
                stages: self.stages.clone(),
                channel,
                recipient,
                reference: (!reference.is_empty()).then_some(reference),
                sent_at,
                backdated_reason: (backdated && !backdate_reason.is_empty())
                    .then_some(backdate_reason),
                version: self.version,
                url: (!url.is_empty()).then_some(url),
                override_reason: (self.unapproved && !override_reason.is_empty())
                    .then_some(override_reason),
            }),
        ))];
        if self.then_done {
            writes.push(Write::event(Event::on_step(
                self.step.clone(),
                Payload::StepDone(event::StepDone::default()),
            )));
        }
        Outcome::Record(writes)
    }
}
