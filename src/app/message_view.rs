//! The message view of a step: versions, copying, approval and recording as sent.

use crate::app::input::{KeyCode, KeyEvent};

use super::dialog::{self, ApproveDialog, Attachment, SubmitDialog, Write};
use super::editor::Editor;
use super::view_keys::Message as Act;
use super::{App, Effect, MessageView, Mode, message};
use crate::journal::Event;
use crate::journal::event::{self, Payload, Purpose};
use crate::playbook::Step;

/// Lines one page key scrolls the message text.
const MESSAGE_PAGE: u16 = 10;

impl App {
    /// The text the message view shows: a saved version, or the template
    /// filled from current facts (marked when this is an exercise).
    pub fn message_text(&self, step: &Step, version: Option<u32>) -> Option<(String, Vec<String>)> {
        if let Some(v) = version.or_else(|| self.edited_latest(&step.id))
            && let Some(text) = self.draft_texts.get(&(step.id.clone(), v))
        {
            return Some((text.clone(), message::gaps_in(text)));
        }
        let filled = message::fill(step, &self.playbook, &self.view, self.tz())?;
        Some((filled.text(self.view.is_exercise()), filled.gaps()))
    }

    /// The latest version if it was edited by hand (then it, not the
    /// template, is the current text).
    pub(super) fn edited_latest(&self, step: &str) -> Option<u32> {
        self.view
            .latest_draft(step)
            .filter(|d| d.data.edited)
            .map(|d| d.data.version)
    }

    /// Records the text as the next version unless the latest is the same.
    /// Returns the version that holds the text and the writes needed.
    pub(super) fn save_version(
        &mut self,
        step: &Step,
        text: &str,
        edited: bool,
    ) -> (u32, Vec<Write>) {
        let hash = message::text_hash(text);
        if let Some(latest) = self.view.latest_draft(&step.id)
            && latest.data.text_sha256 == hash
        {
            return (latest.data.version, Vec::new());
        }
        let version = self
            .view
            .drafts_for(&step.id)
            .map(|d| d.data.version)
            .max()
            .unwrap_or(0)
            + 1;
        let file = message::draft_file_name(&self.journal_file, &step.id, version);
        self.draft_texts
            .insert((step.id.clone(), version), text.to_string());
        let purpose = if step.statement.is_some() {
            Purpose::Statement
        } else {
            Purpose::Notification
        };
        let subject = step
            .message
            .as_ref()
            .and_then(|m| m.subject.as_ref())
            .map(|t| {
                t.render(
                    &|n| message::placeholder_value(n, &self.playbook, &self.view, self.tz()),
                    &|n| self.view.fact(n),
                )
                .text()
            });
        let write = Write {
            event: Event::on_step(
                step.id.clone(),
                Payload::MessageDrafted(event::MessageDrafted {
                    version,
                    purpose,
                    subject,
                    text_sha256: hash,
                    file: file.clone(),
                    gaps: message::gaps_in(text),
                    edited,
                }),
            ),
            attachment: Some(Attachment {
                file_name: file,
                text: text.to_string(),
            }),
        };
        (version, vec![write])
    }

    pub(super) fn message_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        let Mode::Message(view) = &mut self.mode else {
            return Vec::new();
        };
        let Some(step) = self.playbook.step(&view.step).cloned() else {
            self.mode = Mode::Normal;
            return Vec::new();
        };
        let version = view.version;
        let Some(action) = self.mode_keys.message.action(key) else {
            return Vec::new();
        };
        match action {
            Act::Close => self.mode = Mode::Normal,
            Act::ScrollDown => view.scroll = view.scroll.saturating_add(1),
            Act::ScrollUp => view.scroll = view.scroll.saturating_sub(1),
            Act::PageDown => view.scroll = view.scroll.saturating_add(MESSAGE_PAGE),
            Act::PageUp => view.scroll = view.scroll.saturating_sub(MESSAGE_PAGE),
            Act::Template => view.version = None,
            Act::Edit => {
                let text = self
                    .message_text(&step, version)
                    .map(|(t, _)| t)
                    .unwrap_or_default();
                self.mode = Mode::EditDraft {
                    step: step.id.clone(),
                    editor: Editor::multi(text.trim_end()),
                };
            }
            Act::Save => {
                let Some((text, _)) = self.message_text(&step, version) else {
                    return Vec::new();
                };
                let (version, writes) = self.save_version(&step, &text, false);
                let effects = self.record(writes);
                if self.write_error.is_some() {
                    return effects;
                }
                let ticket = effects.iter().find_map(|e| match e {
                    Effect::Append { ticket, .. } => Some(*ticket),
                    _ => None,
                });
                let file = message::draft_file_name(&self.journal_file, &step.id, version);
                match ticket {
                    None => self.notice(format!("already saved as version {version}"), false),
                    Some(ticket) => self.notice_until_saved(
                        ticket,
                        format!("saving version {version} as {file}"),
                        format!("saved version {version} as {file}"),
                    ),
                }
                return effects;
            }
            Act::Copy => {
                let Some((text, _)) = self.message_text(&step, version) else {
                    return Vec::new();
                };
                let (version, writes) = self.save_version(&step, &text, false);
                let mut effects = self.record(writes);
                effects.push(Effect::Clipboard(text));
                // OSC 52 has no reply: the terminal (or tmux) may drop it,
                // so the file is named in full as the sure way to the text.
                let file = message::draft_file_name(&self.journal_file, &step.id, version);
                let path = self
                    .journal_dir
                    .as_ref()
                    .map_or_else(|| file.clone(), |d| d.join(&file).display().to_string());
                let saved = if self.write_error.is_some() {
                    "NOT saved (read-only journal)".to_string()
                } else {
                    format!("also saved to {path}")
                };
                self.notice(
                    format!(
                        "version {version} sent to the terminal clipboard (OSC 52; if paste fails, use the file); {saved}"
                    ),
                    self.write_error.is_some(),
                );
                return effects;
            }
            Act::Approve if step.statement.is_some() => return self.approve(&step),
            Act::Approve => {}
            Act::Send => return self.send(&step),
        }
        Vec::new()
    }

    pub(super) fn approve(&mut self, step: &Step) -> Vec<Effect> {
        let Some(statement) = &step.statement else {
            return Vec::new();
        };
        let version_text = self.message_text(step, None);
        let Some((text, _)) = version_text else {
            return Vec::new();
        };
        let (version, writes) = self.save_version(step, &text, false);
        let effects = self.record(writes);
        let approver = self
            .view
            .holder(&statement.approver)
            .unwrap_or(&self.identity.actor)
            .to_string();
        self.mode = Mode::Approve(ApproveDialog::new(
            &step.id,
            version,
            &statement.approver,
            &approver,
        ));
        effects
    }

    pub(super) fn send(&mut self, step: &Step) -> Vec<Effect> {
        let Some((text, gaps)) = self.message_text(step, None) else {
            return Vec::new();
        };
        let (version, writes) = self.save_version(step, &text, false);
        let effects = self.record(writes);
        let unapproved = step.statement.is_some() && !self.view.is_approved(&step.id, version);
        let refs: Vec<String> = step.satisfies.iter().map(ToString::to_string).collect();
        let stages = crate::clocks::applicable_stages(
            &self.playbook,
            &self.view,
            refs.iter().map(String::as_str),
        );
        let recipient = step
            .contact
            .as_deref()
            .and_then(|c| self.playbook.contact(c))
            .map_or_else(
                || {
                    if step.statement.is_some() {
                        "the public".to_string()
                    } else {
                        String::new()
                    }
                },
                |c| c.name.clone(),
            );
        let purpose = if step.statement.is_some() {
            Purpose::Statement
        } else {
            Purpose::Notification
        };
        let mut dialog = SubmitDialog::new(
            &step.id,
            stages,
            purpose,
            Some(version),
            gaps,
            unapproved,
            &recipient,
            false,
        );
        dialog.then_done = false;
        self.mode = Mode::Submit(dialog);
        effects
    }

    pub(super) fn open_submit(&mut self, step: &Step, stages: Vec<String>, then_done: bool) {
        let recipient = step
            .contact
            .as_deref()
            .and_then(|c| self.playbook.contact(c))
            .map(|c| c.name.clone())
            .unwrap_or_default();
        let version = self.view.latest_draft(&step.id).map(|d| d.data.version);
        let gaps = version
            .and_then(|v| self.draft_texts.get(&(step.id.clone(), v)))
            .map(|t| message::gaps_in(t))
            .unwrap_or_default();
        let purpose = if step.statement.is_some() {
            Purpose::Statement
        } else {
            Purpose::Notification
        };
        let unapproved =
            step.statement.is_some() && version.is_none_or(|v| !self.view.is_approved(&step.id, v));
        self.mode = Mode::Submit(SubmitDialog::new(
            &step.id, stages, purpose, version, gaps, unapproved, &recipient, then_done,
        ));
        self.notice(
            "record the submission: it meets the step's deadline clock",
            false,
        );
    }

    pub(super) fn edit_draft_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        let Mode::EditDraft { step, editor } = &mut self.mode else {
            return Vec::new();
        };
        if key.code == KeyCode::Esc {
            let step = step.clone();
            self.mode = Mode::Message(MessageView {
                step,
                scroll: 0,
                version: None,
            });
            return Vec::new();
        }
        if dialog::is_save(key) {
            let step_id = step.clone();
            let text = message::mark(&editor.text(), self.view.is_exercise());
            let Some(step) = self.playbook.step(&step_id).cloned() else {
                return Vec::new();
            };
            let (version, writes) = self.save_version(&step, &text, true);
            self.mode = Mode::Message(MessageView {
                step: step_id,
                scroll: 0,
                version: Some(version),
            });
            return self.record(writes);
        }
        editor.key(key);
        Vec::new()
    }
}
