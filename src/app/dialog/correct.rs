//! Correcting a recorded entry: an approval, submission, decision, role
//! assignment or note. The entry is never edited; a `correction` names it,
//! says why, and carries the corrected fields, exactly as
//! `runsheet correct` writes it and checked by the same rule
//! ([`crate::run::rules::correction_fields`]). A fact's value is corrected
//! by answering the fact again, which asks "correction or new value".

use crate::app::input::{KeyCode, KeyEvent};

use super::{Ctx, FocusRing, Outcome, Write, is_save, refusal};
use crate::app::editor::Editor;
use crate::journal::event::{self, Payload};
use crate::journal::{Event, Kind};
use crate::run::{RunState, rules};

/// A recorded entry that can be corrected, with its fields as they stand
/// (corrections already made included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Correctable {
    pub seq: u64,
    pub kind: Kind,
    pub step: Option<String>,
    /// One line naming the entry for the responder.
    pub summary: String,
    /// Each correctable field and its value in force.
    pub fields: Vec<(&'static str, String)>,
    /// For a fact: its id (corrected through the facts dialog).
    pub fact: Option<String>,
}

fn field(kind: Kind, get: impl Fn(&str) -> String) -> Vec<(&'static str, String)> {
    rules::correctable_fields(kind)
        .iter()
        .map(|name| (*name, get(name)))
        .collect()
}

/// The correctable entries about `step` (or, with `None`, every one),
/// newest first.
pub fn correctable(state: &RunState, step: Option<&str>) -> Vec<Correctable> {
    let mut out = Vec::new();
    for r in &state.approvals {
        let d = &r.data;
        out.push(Correctable {
            seq: r.at.seq,
            kind: Kind::Approval,
            step: Some(r.step.clone()),
            summary: format!("approval of version {} by {}", d.version, d.approver),
            fields: field(Kind::Approval, |f| match f {
                "approver" => d.approver.clone(),
                _ => d.comment.clone().unwrap_or_default(),
            }),
            fact: None,
        });
    }
    for r in &state.submissions {
        let d = &r.data;
        out.push(Correctable {
            seq: r.at.seq,
            kind: Kind::Submission,
            step: r.step.clone(),
            summary: format!("submission to {} via {}", d.recipient, d.channel),
            fields: field(Kind::Submission, |f| match f {
                "channel" => d.channel.clone(),
                "recipient" => d.recipient.clone(),
                "reference" => d.reference.clone().unwrap_or_default(),
                _ => d.url.clone().unwrap_or_default(),
            }),
            fact: None,
        });
    }
    for r in &state.decisions {
        out.push(Correctable {
            seq: r.at.seq,
            kind: Kind::Decision,
            step: r.step.clone(),
            summary: format!("decision {} = {} by {}", r.fact, r.value, r.decider),
            fields: field(Kind::Decision, |f| match f {
                "rationale" => r.rationale.clone(),
                _ => r.decider.clone(),
            }),
            fact: None,
        });
    }
    for r in &state.role_history {
        out.push(Correctable {
            seq: r.at.seq,
            kind: Kind::RoleAssigned,
            step: None,
            summary: format!("{} assigned to {}", r.role, r.person),
            fields: field(Kind::RoleAssigned, |_| r.person.clone()),
            fact: None,
        });
    }
    for r in &state.notes {
        out.push(Correctable {
            seq: r.at.seq,
            kind: Kind::Note,
            step: r.step.clone(),
            summary: format!("note: {}", first_line(&r.text)),
            fields: field(Kind::Note, |_| r.text.clone()),
            fact: None,
        });
    }
    for (id, fact) in &state.facts {
        for r in fact
            .history
            .iter()
            .filter(|r| r.source == crate::run::FactSource::Set)
        {
            out.push(Correctable {
                seq: r.at.seq,
                kind: Kind::FactSet,
                step: r.step.clone(),
                summary: format!("fact {id} = {}", r.value),
                fields: Vec::new(),
                fact: Some(id.clone()),
            });
        }
    }
    out.retain(|c| step.is_none() || c.step.as_deref() == step);
    out.sort_by_key(|c| std::cmp::Reverse(c.seq));
    out.dedup_by_key(|c| c.seq);
    out
}

fn first_line(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    match line.char_indices().nth(60) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_string(),
    }
}

/// What the dialog asks the runner to do besides recording.
#[derive(Debug, Clone, PartialEq)]
pub enum CorrectTurn {
    Stay(Outcome),
    /// A fact entry: open the facts dialog on it.
    AnswerFact(String),
}

/// Correcting one of the entries listed: ↑↓ choose the entry, the fields
/// hold its values selected (typing replaces them), the reason is last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectDialog {
    pub entries: Vec<Correctable>,
    pub index: usize,
    pub fields: Vec<(&'static str, Editor)>,
    pub reason: Editor,
    /// `fields.len()` is the reason.
    pub focus: usize,
    pub error: Option<String>,
}

impl CorrectDialog {
    /// `None` when nothing listed can be corrected.
    pub fn new(entries: Vec<Correctable>) -> Option<Self> {
        if entries.is_empty() {
            return None;
        }
        let mut dialog = Self {
            entries,
            index: 0,
            fields: Vec::new(),
            reason: Editor::single(""),
            focus: 0,
            error: None,
        };
        dialog.begin();
        Some(dialog)
    }

    /// The entry being corrected.
    pub fn entry(&self) -> &Correctable {
        &self.entries[self.index.min(self.entries.len() - 1)]
    }

    fn begin(&mut self) {
        self.fields = self
            .entry()
            .fields
            .iter()
            .map(|(name, value)| (*name, Editor::prefilled(value)))
            .collect();
        self.reason = Editor::single("");
        self.focus = 0;
        self.error = None;
    }

    pub const fn hints(&self) -> &'static str {
        "↑↓: entry · Tab/Enter: field · Ctrl-S: record · Esc: cancel"
    }

    pub fn typed(&self) -> bool {
        self.reason.is_edited() || self.fields.iter().any(|(_, e)| e.is_edited())
    }

    fn editor(&mut self) -> &mut Editor {
        match self.fields.get_mut(self.focus) {
            Some((_, e)) => e,
            None => &mut self.reason,
        }
    }

    pub fn paste(&mut self, text: &str) {
        self.editor().insert(text);
    }

    fn focus_on(&mut self, focus: usize) {
        self.focus = focus;
        if let Some((_, e)) = self.fields.get_mut(focus)
            && !e.is_edited()
        {
            e.select_all();
        }
    }

    /// The correction entry, or why not (and the field to fix).
    fn correction(&self) -> Result<Event, (usize, String)> {
        let entry = self.entry();
        let changed: Vec<(String, String)> = self
            .fields
            .iter()
            .zip(&entry.fields)
            .filter(|((_, e), (_, was))| e.text().trim() != was.trim())
            .map(|((name, e), _)| ((*name).to_string(), e.text().trim().to_string()))
            .collect();
        if changed.is_empty() {
            return Err((
                0,
                "change at least one field: each holds the value recorded".into(),
            ));
        }
        if self.reason.is_blank() {
            return Err((
                self.fields.len(),
                "say why the entry was wrong: reviewers read it beside both values".into(),
            ));
        }
        let corrected = rules::correction_fields(entry.kind, &changed, &self.reason.text())
            .map_err(|r| (self.focus, r.to_string()))?;
        Ok(Event {
            step: entry.step.clone(),
            payload: Payload::Correction(Box::new(event::Correction {
                journal: None,
                corrects: entry.seq,
                reason: self.reason.text().trim().to_string(),
                value: None,
                occurred_at: None,
                fields: corrected,
            })),
        })
    }

    pub fn key(&mut self, key: &KeyEvent, _cx: Ctx<'_>) -> CorrectTurn {
        if let Some(fact) = self.entry().fact.clone() {
            return CorrectTurn::Stay(match key.code {
                KeyCode::Enter => return CorrectTurn::AnswerFact(fact),
                KeyCode::Esc => Outcome::Close,
                KeyCode::Up | KeyCode::Down => {
                    self.choose(key.code == KeyCode::Down);
                    Outcome::Stay
                }
                _ => Outcome::Stay,
            });
        }
        let last = self.fields.len();
        if is_save(key) || (key.code == KeyCode::Enter && self.focus == last) {
            return CorrectTurn::Stay(match self.correction() {
                Ok(event) => Outcome::Record(vec![Write::event(event)]),
                Err((field, why)) => {
                    let moved = field != self.focus;
                    let name = self.fields.get(field).map_or("the reason", |(n, _)| n);
                    self.error = Some(refusal(&why, name, moved));
                    self.focus_on(field);
                    Outcome::Stay
                }
            });
        }
        let ring: Vec<usize> = (0..=last).collect();
        if let Some(next) = FocusRing(&ring).step(self.focus, key) {
            self.focus_on(next);
            return CorrectTurn::Stay(Outcome::Stay);
        }
        CorrectTurn::Stay(match key.code {
            KeyCode::Esc => Outcome::Close,
            KeyCode::Enter => {
                self.focus_on((self.focus + 1).min(last));
                Outcome::Stay
            }
            KeyCode::Up | KeyCode::Down => {
                self.choose(key.code == KeyCode::Down);
                Outcome::Stay
            }
            _ => {
                self.editor().key(key);
                self.error = None;
                Outcome::Stay
            }
        })
    }

    /// Another entry, only while nothing is typed: typed text is never
    /// thrown away by an arrow key.
    fn choose(&mut self, down: bool) {
        if self.typed() {
            self.error = Some("Esc first to leave this correction: text is typed".into());
            return;
        }
        let n = self.entries.len();
        self.index = if down {
            (self.index + 1) % n
        } else {
            (self.index + n - 1) % n
        };
        self.begin();
    }
}
