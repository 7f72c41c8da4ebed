//! What the runner needs of a journal's saved lines: the state they replay
//! to, the last few of them, how many there are and the last step any of
//! them names. Gathered from a slice, or line by line as a long journal is
//! read, so that resuming never holds every decoded entry at once.

use std::collections::VecDeque;

use crate::journal::{Entry, Line, TypedEntry};
use crate::playbook::Playbook;
use crate::run::RunState;

#[derive(Debug, Clone, Default)]
pub struct SavedLines {
    pub state: RunState,
    /// The last `TAIL` entries, oldest first.
    pub tail: VecDeque<Entry>,
    pub count: u64,
    pub last_step: Option<String>,
}

impl SavedLines {
    /// Every line of `lines`, in order.
    pub fn of(playbook: &Playbook, lines: &[Line]) -> Self {
        let mut saved = Self::default();
        for line in lines {
            saved.apply(playbook, line);
        }
        let keep = lines.len().saturating_sub(super::TAIL);
        saved.tail = lines[keep..].iter().map(|l| l.entry.clone()).collect();
        saved
    }

    /// One more saved line, replayed with `playbook`.
    pub fn push_owned(&mut self, playbook: &Playbook, line: Line) {
        self.apply(playbook, &line);
        if self.tail.len() == super::TAIL {
            self.tail.pop_front();
        }
        self.tail.push_back(line.entry);
    }

    /// One more saved line decoded for replay; its entry joins the tail
    /// separately ([`SavedLines::push_tail`]), as only the last few are
    /// kept whole.
    pub fn push_typed(&mut self, playbook: &Playbook, entry: TypedEntry) {
        self.count += 1;
        // Most entries are on the step of the one before: no copy then.
        if let Some(step) = &entry.step
            && self.last_step.as_ref() != Some(step)
        {
            self.last_step = Some(step.clone());
        }
        self.state.apply_typed(playbook, entry);
    }

    /// An entry already counted and replayed, now shown in the tail.
    pub fn push_tail(&mut self, entry: Entry) {
        if self.tail.len() == super::TAIL {
            self.tail.pop_front();
        }
        self.tail.push_back(entry);
    }

    fn apply(&mut self, playbook: &Playbook, line: &Line) {
        self.state.apply(playbook, &line.entry);
        self.count += 1;
        if let Some(step) = &line.entry.step {
            self.last_step = Some(step.clone());
        }
    }
}
