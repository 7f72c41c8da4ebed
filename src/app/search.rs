//! Finding a step by title, id or instructions.

use crate::app::input::KeyEvent;

use super::view_keys::Search as Act;
use super::{App, Effect, Mode, Pane};
use crate::run::query;

impl App {
    pub(super) fn search_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        let Mode::Search(search) = &mut self.mode else {
            return Vec::new();
        };
        match self.mode_keys.search.action(key) {
            Some(Act::Close) => self.mode = Mode::Normal,
            Some(Act::Up) => search.selected = search.selected.saturating_sub(1),
            Some(Act::Down) => search.selected += 1,
            Some(Act::Go) => {
                let query = search.editor.text();
                let selected = search.selected;
                let hits = self.search_hits(&query);
                if let Some(step) = hits.get(selected.min(hits.len().saturating_sub(1))) {
                    let step = step.clone();
                    self.select_step(&step);
                    self.focus = Pane::Steps;
                    self.show_hidden |= !query::applicability(
                        self.playbook.step(&step).expect("hit is a step"),
                        &self.view,
                    )
                    .applies();
                }
                self.mode = Mode::Normal;
            }
            None => {
                search.editor.key(key);
                search.selected = 0;
            }
        }
        Vec::new()
    }

    /// Steps whose title, id or instructions contain every word of
    /// `query`: title matches first, then id matches, then the rest.
    pub fn search_hits(&self, query: &str) -> Vec<String> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        if words.is_empty() {
            return Vec::new();
        }
        let all = |text: &str| {
            let text = text.to_lowercase();
            words.iter().all(|w| text.contains(w))
        };
        let mut hits: Vec<(u8, String)> = self
            .playbook
            .steps()
            .filter_map(|s| {
                let rank = if all(&s.title) {
                    0
                } else if all(&s.id) {
                    1
                } else if all(&format!(
                    "{} {} {}",
                    s.id,
                    s.title,
                    s.instructions.as_deref().unwrap_or("")
                )) {
                    2
                } else {
                    return None;
                };
                Some((rank, s.id.clone()))
            })
            .collect();
        hits.sort_by_key(|(rank, _)| *rank);
        hits.into_iter().map(|(_, id)| id).collect()
    }
}
