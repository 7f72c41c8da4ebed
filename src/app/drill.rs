//! The facilitator's side of a drill in the runner: the scenario clock's
//! controls, releasing and holding injects, and recording observations.

use ratatui::crossterm::event::{KeyCode, KeyEvent};

use super::dialog::{Choices, Outcome, Write};
use super::editor::Editor;
use super::{App, Effect, Mode, Pane};
use crate::drill::{self, SPEEDS};
use crate::journal::Event;
use crate::journal::event::{self, DrillAction, ObservationKind, Payload, Rating};

/// Which field of the observation form has the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObserveField {
    Kind,
    Note,
    Owner,
    Due,
}

/// An evaluation of an inject against its `expect`, or a hot-wash item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObserveDialog {
    pub inject: Option<String>,
    /// Met / partly / not met for an inject; strength / improvement otherwise.
    pub kind: Choices,
    pub note: Editor,
    pub owner: Editor,
    pub due: Editor,
    pub focus: ObserveField,
    pub error: Option<String>,
}

impl ObserveDialog {
    pub fn evaluation(inject: &str) -> Self {
        Self::with_options(
            Some(inject),
            &[
                ("met", "Met"),
                ("partly", "Partly met"),
                ("not_met", "Not met"),
            ],
        )
    }

    pub fn hot_wash() -> Self {
        Self::with_options(
            None,
            &[
                ("strength", "Strength"),
                ("improvement", "Area for improvement"),
            ],
        )
    }

    fn with_options(inject: Option<&str>, options: &[(&str, &str)]) -> Self {
        let options: Vec<(String, String)> = options
            .iter()
            .map(|(v, l)| ((*v).to_string(), (*l).to_string()))
            .collect();
        let n = options.len();
        Self {
            inject: inject.map(str::to_string),
            kind: Choices {
                options,
                cursor: 0,
                chosen: vec![false; n],
                multiple: false,
            },
            note: Editor::multi(""),
            owner: Editor::single(""),
            due: Editor::single(""),
            focus: ObserveField::Kind,
            error: None,
        }
    }

    /// The fields in Tab order (owner and due only for hot-wash items).
    pub fn fields(&self) -> Vec<ObserveField> {
        if self.inject.is_some() {
            vec![ObserveField::Kind, ObserveField::Note]
        } else {
            vec![
                ObserveField::Kind,
                ObserveField::Note,
                ObserveField::Owner,
                ObserveField::Due,
            ]
        }
    }

    pub fn key(&mut self, key: &KeyEvent) -> Outcome {
        if key.code == KeyCode::Esc {
            return Outcome::Close;
        }
        if key.code == KeyCode::Tab || key.code == KeyCode::BackTab {
            let fields = self.fields();
            let i = fields.iter().position(|f| *f == self.focus).unwrap_or(0);
            let next = if key.code == KeyCode::Tab {
                i + 1
            } else {
                i + fields.len() - 1
            };
            self.focus = fields[next % fields.len()];
            return Outcome::Stay;
        }
        if super::dialog::is_save(key)
            || (key.code == KeyCode::Enter && self.focus != ObserveField::Note)
        {
            return self.submit();
        }
        match self.focus {
            ObserveField::Kind => {
                self.kind.key(key);
            }
            ObserveField::Note => {
                self.note.key(key);
            }
            ObserveField::Owner => {
                self.owner.key(key);
            }
            ObserveField::Due => {
                self.due.key(key);
            }
        }
        self.error = None;
        Outcome::Stay
    }

    fn submit(&mut self) -> Outcome {
        let chosen = self.kind.as_input();
        let note = self.note.text().trim().to_string();
        if note.is_empty() {
            self.error = Some("write what was observed".into());
            self.focus = ObserveField::Note;
            return Outcome::Stay;
        }
        let due = self.due.text().trim().to_string();
        if !due.is_empty() && chrono::NaiveDate::parse_from_str(&due, "%Y-%m-%d").is_err() {
            self.error = Some("due date as YYYY-MM-DD".into());
            self.focus = ObserveField::Due;
            return Outcome::Stay;
        }
        let owner = self.owner.text().trim().to_string();
        let (kind, rating) = match chosen.as_str() {
            "met" => (ObservationKind::Evaluation, Some(Rating::Met)),
            "partly" => (ObservationKind::Evaluation, Some(Rating::Partly)),
            "not_met" => (ObservationKind::Evaluation, Some(Rating::NotMet)),
            "strength" => (ObservationKind::Strength, None),
            _ => (ObservationKind::Improvement, None),
        };
        Outcome::Record(vec![Write::event(Event::new(Payload::Observation(
            event::Observation {
                kind,
                inject: self.inject.clone(),
                rating,
                note,
                owner: (!owner.is_empty()).then_some(owner),
                due: (!due.is_empty()).then_some(due),
            },
        )))])
    }
}

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
        let effects = match key.code {
            KeyCode::Tab => {
                self.focus = Pane::Phases;
                Vec::new()
            }
            KeyCode::BackTab => {
                self.focus = Pane::Detail;
                Vec::new()
            }
            KeyCode::Up | KeyCode::Char('k') => {
                drill.selected = drill.selected.saturating_sub(1);
                Vec::new()
            }
            KeyCode::Down | KeyCode::Char('j') => {
                drill.selected = (drill.selected + 1).min(count.saturating_sub(1));
                Vec::new()
            }
            KeyCode::Char(' ') => {
                let action = match (intended.started, intended.running) {
                    (false, _) => DrillAction::Start,
                    (true, true) => DrillAction::Pause,
                    (true, false) => DrillAction::Resume,
                };
                let speed = intended.speed;
                self.control(action, speed, None, None)
            }
            KeyCode::Char('+' | '=' | '-') => {
                let i = SPEEDS
                    .iter()
                    .position(|s| *s >= intended.speed)
                    .unwrap_or(0);
                let next = if key.code == KeyCode::Char('-') {
                    SPEEDS[i.saturating_sub(1)]
                } else {
                    SPEEDS[(i + 1).min(SPEEDS.len() - 1)]
                };
                self.control(DrillAction::Speed, next, None, None)
            }
            KeyCode::Char('n') => {
                let state = self.state().clone();
                let target = self
                    .drill
                    .as_ref()
                    .and_then(|d| d.next_timed(&state).map(|(_, ms)| ms));
                if let Some(ms) = target {
                    self.control(DrillAction::Jump, intended.speed, Some(ms), None)
                } else {
                    self.notice("no timed inject is left", false);
                    Vec::new()
                }
            }
            KeyCode::Char('r') => match selected {
                Some(id) => self.deliver(&id, "manual"),
                None => Vec::new(),
            },
            KeyCode::Char('h') => match selected {
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
            KeyCode::Char('o') => {
                if let Some(id) = selected {
                    self.mode = Mode::Observe(ObserveDialog::evaluation(&id));
                }
                Vec::new()
            }
            KeyCode::Char('w') => {
                self.mode = Mode::Observe(ObserveDialog::hot_wash());
                Vec::new()
            }
            _ => return None,
        };
        Some(effects)
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
