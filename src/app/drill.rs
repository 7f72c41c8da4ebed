//! The facilitator's side of a drill in the runner: the scenario clock's
//! controls, releasing and holding injects, and recording observations.

use super::modes::Facilitator;
use crate::app::input::KeyEvent;

use super::dialog::{ObserveDialog, Write};
use super::{App, Effect, Mode, Pane};
use crate::drill::{self, SPEEDS};
use crate::journal::Event;
use crate::journal::event::{self, DrillAction, Payload};

impl App {
    /// Keys of the facilitator pane; `None` when the pane does not have
    /// the keyboard (the key then goes to the normal keymap).
    pub(super) fn drill_key(&mut self, key: &KeyEvent) -> Option<Vec<Effect>> {
        if self.focus != Pane::Drill {
            return None;
        }
        let intended = self.intended_clock()?;
        let drill = self.drill.as_mut()?;
        let count = drill.drill.injects.len();
        let selected = drill
            .drill
            .injects
            .get(drill.selected)
            .map(|i| i.id.clone());
        let action = self.mode_keys.facilitator.action(key)?;
        let effects = match action {
            Facilitator::NextPane => {
                self.focus = Pane::Phases;
                Vec::new()
            }
            Facilitator::PrevPane => {
                self.focus = Pane::Detail;
                Vec::new()
            }
            Facilitator::Up => {
                drill.selected = drill.selected.saturating_sub(1);
                drill.detail_scroll = 0;
                Vec::new()
            }
            Facilitator::Down => {
                drill.selected = (drill.selected + 1).min(count.saturating_sub(1));
                drill.detail_scroll = 0;
                Vec::new()
            }
            Facilitator::ScrollDown | Facilitator::ScrollUp => {
                drill.scroll_detail(action == Facilitator::ScrollDown);
                Vec::new()
            }
            Facilitator::StartPause => {
                let action = match (intended.started, intended.running) {
                    (false, _) => DrillAction::Start,
                    (true, true) => DrillAction::Pause,
                    (true, false) => DrillAction::Resume,
                };
                let speed = intended.speed;
                self.control(action, speed, None, None)
            }
            Facilitator::Faster | Facilitator::Slower => {
                self.change_speed(action == Facilitator::Slower, intended.speed)
            }
            Facilitator::NextInject => self.jump_to_next_inject(intended),
            Facilitator::Release => match selected {
                Some(id) => self.deliver(&id, "manual"),
                None => Vec::new(),
            },
            Facilitator::Hold => match selected {
                Some(id) => {
                    let action = if self.state().is_held(&id) {
                        DrillAction::Unhold
                    } else {
                        DrillAction::Hold
                    };
                    self.control(action, intended.speed, None, Some(id))
                }
                None => Vec::new(),
            },
            Facilitator::Observe => {
                if let Some(id) = selected {
                    self.evaluate_inject(&id);
                }
                Vec::new()
            }
            Facilitator::HotWash => {
                self.mode = Mode::Observe(ObserveDialog::hot_wash());
                Vec::new()
            }
        };
        Some(effects)
    }

    /// `n`: moves the scenario clock on to the next timed inject. An entry
    /// is forever, so a jump that would not move the clock forward writes
    /// nothing: before the clock is started (nothing is delivered until
    /// `space` starts it, and the jump only re-recorded T+0), and when the
    /// next inject is already due (the clock would go back; the due
    /// injects are delivered instead).
    fn jump_to_next_inject(&mut self, intended: drill::ScenarioClock) -> Vec<Effect> {
        if !intended.started {
            self.notice(
                "the scenario clock has not started: space starts it (then n jumps to the next inject)",
                false,
            );
            return Vec::new();
        }
        let state = self.state().clone();
        let target = self
            .drill
            .as_ref()
            .and_then(|d| d.next_timed(&state).map(|(_, ms)| ms));
        match target {
            Some(ms) if ms > intended.scenario_ms(self.now) => {
                self.control(DrillAction::Jump, intended.speed, Some(ms), None)
            }
            Some(_) => self.drill_tick(),
            None => {
                self.notice("no timed inject is left", false);
                Vec::new()
            }
        }
    }

    /// `o`: opens the evaluation of the selected inject; one not yet
    /// delivered opens refusing to record (see
    /// [`ObserveDialog::not_delivered`]).
    fn evaluate_inject(&mut self, id: &str) {
        self.mode = Mode::Observe(if self.state().delivered(id).is_some() {
            ObserveDialog::evaluation(id)
        } else {
            ObserveDialog::not_delivered(id)
        });
    }

    /// The next speed up (or down) from `current`. An entry is forever:
    /// at the end of the range none that changes nothing is written.
    fn change_speed(&mut self, slower: bool, current: u32) -> Vec<Effect> {
        let i = SPEEDS.iter().position(|s| *s >= current).unwrap_or(0);
        let next = if slower {
            SPEEDS[i.saturating_sub(1)]
        } else {
            SPEEDS[(i + 1).min(SPEEDS.len() - 1)]
        };
        if next == current {
            let end = if slower { "slowest" } else { "fastest" };
            self.notice(format!("already at the {end} speed, x{next}"), false);
            return Vec::new();
        }
        self.control(DrillAction::Speed, next, None, None)
    }

    /// Records a scenario-clock control.
    fn control(
        &mut self,
        action: DrillAction,
        speed: u32,
        jump_to: Option<u64>,
        inject: Option<String>,
    ) -> Vec<Effect> {
        let now = self.now;
        if self.write_error.is_some() {
            // Read-only: the clock may only move with a journaled control.
            return self.record(Vec::new());
        }
        // The clock shown moves only once the journal holds the control
        // (see `sync_drill_clock`), so a failed write never moves it.
        let Some(intended) = self.intended_clock() else {
            return Vec::new();
        };
        let scenario_ms = jump_to.unwrap_or_else(|| intended.scenario_ms(now));
        let writes = vec![Write::event(Event::new(Payload::DrillControl(
            event::DrillControl {
                action,
                speed,
                scenario_ms,
                inject,
            },
        )))];
        let mut effects = self.record(writes);
        effects.extend(self.drill_tick());
        effects
    }

    /// Journals an inject's delivery; participants see it as a banner.
    fn deliver(&mut self, inject: &str, trigger: &str) -> Vec<Effect> {
        let Some(def) = self
            .drill
            .as_ref()
            .and_then(|d| d.drill.inject(inject))
            .cloned()
        else {
            return Vec::new();
        };
        if self.state().delivered(inject).is_some() {
            self.notice(format!("inject {inject} was already delivered"), false);
            return Vec::new();
        }
        self.notice(format!("📣 INJECT {}: {}", def.id, def.title), true);
        self.record(vec![Write::event(Event::new(Payload::InjectDelivered(
            event::InjectDelivered {
                inject: def.id.clone(),
                title: def.title.clone(),
                trigger: trigger.to_string(),
            },
        )))])
    }

    /// Delivers every inject that has fallen due.
    pub(super) fn drill_tick(&mut self) -> Vec<Effect> {
        if self.write_error.is_some() {
            // Nothing can be journaled: announcing injects again every tick
            // would only repeat the read-only notice.
            return Vec::new();
        }
        let now = self.now;
        let due: Vec<(String, &'static str)> = match &self.drill {
            Some(d) => d
                .due(self.state(), now)
                .into_iter()
                .map(|i| (i.id.clone(), drill::trigger_name(&i.trigger)))
                .collect(),
            None => return Vec::new(),
        };
        let mut effects = Vec::new();
        for (id, trigger) in due {
            effects.extend(self.deliver(&id, trigger));
        }
        effects
    }

    /// Derives the scenario clock from the saved `drill_control` entries:
    /// the screen shows what the journal holds, never a control still
    /// saving or one that failed.
    pub(super) fn sync_drill_clock(&mut self) {
        let origin = self.saved.created_at.unwrap_or_default();
        if let Some(drill) = self.drill.as_mut() {
            drill.clock = drill::ScenarioClock::from_controls(origin, &self.saved.drill_controls);
        }
    }

    /// The clock as it will be once the controls still saving are saved:
    /// what the next key press builds on, so `+ + +` means x5 even before
    /// the first is acknowledged. The screen shows the saved clock.
    fn intended_clock(&self) -> Option<drill::ScenarioClock> {
        self.drill.as_ref()?;
        let origin = self.saved.created_at.unwrap_or_default();
        Some(drill::ScenarioClock::from_controls(
            origin,
            &self.state().drill_controls,
        ))
    }

    /// The pause a clean exit writes while the scenario clock runs, so
    /// time away from the drill never advances it.
    pub(super) fn pause_on_exit(&self) -> Option<Write> {
        let clock = self.intended_clock()?;
        if !clock.running {
            return None;
        }
        Some(Write::event(Event::new(Payload::DrillControl(
            event::DrillControl {
                action: DrillAction::Pause,
                speed: clock.speed,
                scenario_ms: clock.scenario_ms(self.now),
                inject: None,
            },
        ))))
    }
}
