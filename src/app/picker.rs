//! The picker `runsheet` opens with: journals to resume, playbooks to
//! start, drills to rehearse, with a filter. Pure state; the runtime
//! gathers the entries (reading journals is IO) and acts on the choice.

use std::path::PathBuf;

use crate::app::input::{KeyCode, KeyEvent, KeyModifiers};
use chrono::{DateTime, Utc};

use super::editor::Editor;
use super::modes::Bound;
use super::view_keys::{PICKER, Picker as Act};

/// A journal found in the data directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JournalItem {
    pub path: PathBuf,
    pub title: String,
    pub playbook: String,
    pub last_activity: Option<DateTime<Utc>>,
    pub closed: usize,
    pub total: usize,
    pub exercise: bool,
    /// Why it cannot be resumed (fails verification, playbook missing).
    pub problem: Option<String>,
}

/// A team case folder: joining it opens the responder's own journal in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseItem {
    pub path: PathBuf,
    pub title: String,
    pub playbook: String,
    pub exercise: bool,
    /// Journals in the case: one per responder and machine.
    pub responders: usize,
    /// Why it cannot be joined (unreadable `case.yaml`).
    pub problem: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaybookItem {
    pub id: String,
    pub version: String,
    pub title: String,
    pub summary: String,
    /// Matched by the filter too (`gdpr`, `apt`).
    pub tags: Vec<String>,
    pub local: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrillItem {
    pub id: String,
    pub title: String,
    pub playbook: String,
    pub injects: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    Journal(JournalItem),
    Playbook(PlaybookItem),
    Drill(DrillItem),
    Case(CaseItem),
}

impl Item {
    fn haystack(&self) -> String {
        match self {
            Self::Journal(j) => format!("{} {} {}", j.title, j.playbook, j.path.display()),
            Self::Playbook(p) => {
                format!("{} {} {} {}", p.id, p.title, p.summary, p.tags.join(" "))
            }
            Self::Drill(d) => format!("{} {} {}", d.id, d.title, d.playbook),
            Self::Case(c) => format!("{} {} {}", c.title, c.playbook, c.path.display()),
        }
        .to_lowercase()
    }
}

/// What the responder chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choice {
    Resume(PathBuf),
    Start {
        playbook: String,
        title: String,
        exercise: bool,
    },
    Drill(String),
    /// Join the team case in this folder.
    Case(PathBuf),
    Quit,
}

/// The "new incident" form shown after choosing a playbook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewIncident {
    pub playbook: PlaybookItem,
    pub title: Editor,
    pub exercise: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker {
    pub items: Vec<Item>,
    pub filter: Editor,
    pub cursor: usize,
    pub form: Option<NewIncident>,
    /// Problems found while gathering (invalid local playbooks...).
    pub problems: Vec<String>,
    /// The list's keys (every other printable key filters).
    pub keys: Bound<Act>,
}

impl Picker {
    /// Journals (most recent first), then playbooks, then drills.
    pub fn new(
        mut journals: Vec<JournalItem>,
        playbooks: Vec<PlaybookItem>,
        drills: Vec<DrillItem>,
    ) -> Self {
        journals.sort_by_key(|j| std::cmp::Reverse(j.last_activity));
        let items = journals
            .into_iter()
            .map(Item::Journal)
            .chain(playbooks.into_iter().map(Item::Playbook))
            .chain(drills.into_iter().map(Item::Drill))
            .collect();
        Self {
            items,
            filter: Editor::single(""),
            cursor: 0,
            form: None,
            problems: Vec::new(),
            keys: Bound::defaults(PICKER),
        }
    }

    /// The same picker with team case folders listed first.
    #[must_use]
    pub fn with_cases(mut self, cases: Vec<CaseItem>) -> Self {
        let rest = std::mem::take(&mut self.items);
        self.items = cases.into_iter().map(Item::Case).chain(rest).collect();
        self
    }

    /// Items matching every word of the filter.
    pub fn visible(&self) -> Vec<&Item> {
        let words: Vec<String> = self
            .filter
            .text()
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        self.items
            .iter()
            .filter(|i| {
                let hay = i.haystack();
                words.iter().all(|w| hay.contains(w))
            })
            .collect()
    }

    pub fn key(&mut self, key: &KeyEvent) -> Option<Choice> {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return Some(Choice::Quit);
        }
        if let Some(form) = &mut self.form {
            match key.code {
                KeyCode::Esc => self.form = None,
                KeyCode::Tab | KeyCode::BackTab => form.exercise = !form.exercise,
                KeyCode::Enter => {
                    return Some(Choice::Start {
                        playbook: form.playbook.id.clone(),
                        title: form.title.text().trim().to_string(),
                        exercise: form.exercise,
                    });
                }
                _ => {
                    form.title.key(key);
                }
            }
            return None;
        }
        let count = self.visible().len();
        match self.keys.action(key) {
            Some(Act::ClearOrQuit) if self.filter.is_blank() => return Some(Choice::Quit),
            Some(Act::ClearOrQuit) => self.filter.set(""),
            Some(Act::Up) => self.cursor = self.cursor.saturating_sub(1),
            Some(Act::Down) => self.cursor = (self.cursor + 1).min(count.saturating_sub(1)),
            Some(Act::PageUp) => self.cursor = self.cursor.saturating_sub(10),
            Some(Act::PageDown) => self.cursor = (self.cursor + 10).min(count.saturating_sub(1)),
            Some(Act::Open) => {
                let item = self.visible().get(self.cursor).copied().cloned()?;
                return match item {
                    Item::Journal(j) if j.problem.is_none() => Some(Choice::Resume(j.path)),
                    Item::Playbook(p) => {
                        self.form = Some(NewIncident {
                            title: Editor::single(""),
                            playbook: p,
                            exercise: false,
                        });
                        None
                    }
                    Item::Drill(d) => Some(Choice::Drill(d.id)),
                    Item::Case(c) if c.problem.is_none() => Some(Choice::Case(c.path)),
                    Item::Journal(_) | Item::Case(_) => None,
                };
            }
            None => {
                self.filter.key(key);
                self.cursor = 0;
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn picker() -> Picker {
        Picker::new(
            vec![JournalItem {
                path: "/j/a.jsonl".into(),
                title: "Breach at registry".into(),
                playbook: "personal-data-breach".into(),
                last_activity: None,
                closed: 3,
                total: 10,
                exercise: false,
                problem: None,
            }],
            vec![PlaybookItem {
                id: "ddos".into(),
                version: "1.0.0".into(),
                title: "DDoS".into(),
                summary: "Service flooded".into(),
                tags: vec!["availability".into()],
                local: false,
            }],
            vec![],
        )
    }

    #[test]
    fn filters_and_starts_a_playbook_with_a_title() {
        let mut p = picker();
        for c in "flood".chars() {
            assert_eq!(p.key(&key(KeyCode::Char(c))), None);
        }
        assert_eq!(p.visible().len(), 1);
        assert_eq!(p.key(&key(KeyCode::Enter)), None, "opens the form");
        for c in "Outage".chars() {
            p.key(&key(KeyCode::Char(c)));
        }
        p.key(&key(KeyCode::Tab));
        assert_eq!(
            p.key(&key(KeyCode::Enter)),
            Some(Choice::Start {
                playbook: "ddos".into(),
                title: "Outage".into(),
                exercise: true
            })
        );
    }

    #[test]
    fn d14_the_filter_matches_tags() {
        let mut p = picker();
        for c in "availability".chars() {
            p.key(&key(KeyCode::Char(c)));
        }
        assert_eq!(p.visible().len(), 1, "the ddos playbook by its tag");
    }

    #[test]
    fn resumes_a_journal() {
        let mut p = picker();
        assert_eq!(
            p.key(&key(KeyCode::Enter)),
            Some(Choice::Resume("/j/a.jsonl".into()))
        );
    }
}
