//! Recording evidence on the current step: the file (or folder), what it
//! is, and who holds it. Hashing needs the disk, so the dialog only says
//! what to collect; the writer thread hashes and records it as
//! `runsheet evidence add` does.

use std::path::PathBuf;

use crate::app::input::{KeyCode, KeyEvent};

use super::{FocusRing, is_save, refusal};
use crate::app::editor::Editor;

/// Which field of the evidence form has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceField {
    Path,
    Description,
    Custodian,
}

const FIELDS: [EvidenceField; 3] = [
    EvidenceField::Path,
    EvidenceField::Description,
    EvidenceField::Custodian,
];

/// What to collect, once the form is complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Collect {
    pub step: Option<String>,
    pub path: PathBuf,
    /// The `--label`: what the item is; `None` when left empty.
    pub label: Option<String>,
    /// Who collected and holds it: the entry's actor, as with `--as`.
    pub custodian: String,
}

/// What a key in the evidence form leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EvidenceOutcome {
    Stay,
    Close,
    Collect(Collect),
}

/// The evidence form. The custodian is the current actor, selected, so
/// typing a name replaces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceDialog {
    pub step: Option<String>,
    pub path: Editor,
    pub description: Editor,
    pub custodian: Editor,
    pub focus: EvidenceField,
    pub error: Option<String>,
}

impl EvidenceDialog {
    pub fn new(step: Option<&str>, actor: &str) -> Self {
        Self {
            step: step.map(str::to_string),
            path: Editor::single(""),
            description: Editor::single(""),
            custodian: Editor::prefilled(actor),
            focus: EvidenceField::Path,
            error: None,
        }
    }

    /// The keys this dialog takes, for its footer.
    pub const fn hints(&self) -> &'static str {
        "Tab: field · Ctrl-S or Enter on the last field: record · Esc: cancel"
    }

    /// Whether the responder typed something not yet recorded.
    pub fn typed(&self) -> bool {
        !self.path.is_blank() || !self.description.is_blank() || self.custodian.is_edited()
    }

    fn editor(&mut self) -> &mut Editor {
        match self.focus {
            EvidenceField::Path => &mut self.path,
            EvidenceField::Description => &mut self.description,
            EvidenceField::Custodian => &mut self.custodian,
        }
    }

    pub fn paste(&mut self, text: &str) {
        // Single-line fields: a pasted path keeps its first line only.
        let first = text.lines().next().unwrap_or("");
        self.editor().insert(first);
    }

    pub fn key(&mut self, key: &KeyEvent) -> EvidenceOutcome {
        let last_field = self.focus == EvidenceField::Custodian && key.code == KeyCode::Enter;
        if is_save(key) || last_field {
            return self.save();
        }
        if let Some(next) = FocusRing(&FIELDS).step(self.focus, key) {
            self.focus = next;
            return EvidenceOutcome::Stay;
        }
        match key.code {
            KeyCode::Esc => EvidenceOutcome::Close,
            KeyCode::Enter => {
                self.focus = FocusRing(&FIELDS)
                    .step(self.focus, &KeyEvent::plain(KeyCode::Tab))
                    .unwrap_or(self.focus);
                EvidenceOutcome::Stay
            }
            _ => {
                self.error = None;
                self.editor().key(key);
                EvidenceOutcome::Stay
            }
        }
    }

    /// The form as a collection, or why not (the cursor moves to the field
    /// to fix).
    fn save(&mut self) -> EvidenceOutcome {
        let path = self.path.text().trim().to_string();
        if path.is_empty() {
            let moved = self.focus != EvidenceField::Path;
            self.focus = EvidenceField::Path;
            self.error = Some(refusal(
                "name the file or folder to record",
                "the path",
                moved,
            ));
            return EvidenceOutcome::Stay;
        }
        let custodian = self.custodian.text().trim().to_string();
        if custodian.is_empty() {
            let moved = self.focus != EvidenceField::Custodian;
            self.focus = EvidenceField::Custodian;
            self.error = Some(refusal("name who holds it", "the custodian", moved));
            return EvidenceOutcome::Stay;
        }
        let label = self.description.text().trim().to_string();
        EvidenceOutcome::Collect(Collect {
            step: self.step.clone(),
            path: PathBuf::from(path),
            label: (!label.is_empty()).then_some(label),
            custodian,
        })
    }
}
