//! Browsing every deadline clock and jumping to the step that meets one.

use crate::app::input::KeyEvent;

use super::view_keys::Clocks as Act;
use super::{App, Effect, Mode, Pane, urgency};
use crate::clocks;

impl App {
    pub(super) fn clocks_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        let count = urgency::clocks_by_urgency(clocks::evaluate(
            &self.playbook,
            &self.view,
            self.domain_now(),
        ))
        .0
        .len();
        let Mode::Clocks(view) = &mut self.mode else {
            return Vec::new();
        };
        match self.mode_keys.clocks.action(key) {
            Some(Act::Close) => {
                if view.detail {
                    view.detail = false;
                } else {
                    self.mode = Mode::Normal;
                }
            }
            Some(Act::Up) => view.selected = view.selected.saturating_sub(1),
            Some(Act::Down) => {
                view.selected = (view.selected + 1).min(count.saturating_sub(1));
            }
            Some(Act::Detail) => view.detail = !view.detail,
            Some(Act::GoToStep) => {
                let selected = view.selected;
                let (stages, _) = urgency::clocks_by_urgency(clocks::evaluate(
                    &self.playbook,
                    &self.view,
                    self.domain_now(),
                ));
                if let Some(step) = stages.get(selected).and_then(|s| s.met_by.first()) {
                    let step = (*step).to_string();
                    self.mode = Mode::Normal;
                    self.select_step(&step);
                    self.focus = Pane::Steps;
                }
            }
            None => {}
        }
        Vec::new()
    }
}
