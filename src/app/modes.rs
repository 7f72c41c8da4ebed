//! Key tables of the screens beside normal mode: the facilitator pane of a
//! drill and the review screen. Each table is the one place a mode's keys
//! are written: dispatch reads it, the help screen lists it, and the
//! duplicate check runs over it (within the mode, and against normal mode
//! where the facilitator pane lies over it).

use std::collections::BTreeMap;

use super::action::Action;
use super::input::{KeyCode, KeyEvent};
use super::keymap::{Key, Keymap};

/// One row of a mode's table: what it does, its config-style name, its
/// help text and its keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Binding<A: 'static> {
    pub action: A,
    pub name: &'static str,
    pub describe: &'static str,
    pub keys: &'static [Key],
}

/// A mode's key table.
#[derive(Debug, Clone, Copy)]
pub struct Table<A: 'static>(pub &'static [Binding<A>]);

impl<A: Copy + PartialEq> Table<A> {
    /// The action a key means in this mode.
    pub fn action(&self, key: &KeyEvent) -> Option<A> {
        let key = Key::from_event(key);
        self.0
            .iter()
            .find(|b| b.keys.contains(&key))
            .map(|b| b.action)
    }

    /// `(keys, description)` rows for the help screen.
    pub fn help_rows(&self) -> Vec<(String, &'static str)> {
        self.0
            .iter()
            .map(|b| {
                let keys: Vec<String> = b.keys.iter().map(ToString::to_string).collect();
                (keys.join(" "), b.describe)
            })
            .collect()
    }

    /// Keys bound to two actions of this table.
    pub fn duplicates(&self) -> Vec<String> {
        let mut owner: BTreeMap<String, &'static str> = BTreeMap::new();
        let mut clashes = Vec::new();
        for b in self.0 {
            for key in b.keys {
                if let Some(other) = owner.insert(key.to_string(), b.name) {
                    clashes.push(format!(
                        "`{key}` is bound to both `{other}` and `{}`",
                        b.name
                    ));
                }
            }
        }
        clashes
    }
}

/// A mode's table with the keys in force: the defaults, or the config's
/// keys for an action it rebinds. Dispatch, footers and help read this, so
/// a rebinding shows everywhere the key is named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bound<A: 'static> {
    table: &'static [Binding<A>],
    keys: Vec<Vec<Key>>,
}

impl<A: Copy + PartialEq> Bound<A> {
    /// The table's own keys.
    pub fn defaults(table: Table<A>) -> Self {
        Self {
            table: table.0,
            keys: table.0.iter().map(|b| b.keys.to_vec()).collect(),
        }
    }

    /// The action a key means in this mode.
    pub fn action(&self, key: &KeyEvent) -> Option<A> {
        let key = Key::from_event(key);
        self.table
            .iter()
            .zip(&self.keys)
            .find(|(_, keys)| keys.contains(&key))
            .map(|(b, _)| b.action)
    }

    /// The keys of an action.
    pub fn keys(&self, action: A) -> &[Key] {
        self.table
            .iter()
            .position(|b| b.action == action)
            .map_or(&[], |i| self.keys[i].as_slice())
    }

    /// `c copy · ↑/↓ choose`: the first key of each action (of each
    /// group, joined by `/`), for a footer.
    pub fn hint(&self, items: &[(&[A], &str)]) -> String {
        items
            .iter()
            .filter_map(|(actions, what)| {
                let keys: Vec<String> = actions
                    .iter()
                    .filter_map(|a| self.keys(*a).first().map(ToString::to_string))
                    .collect();
                (!keys.is_empty()).then(|| format!("{} {what}", keys.join("/")))
            })
            .collect::<Vec<_>>()
            .join(" · ")
    }

    /// `(keys, description)` rows for the help screen.
    pub fn help_rows(&self) -> Vec<(String, &'static str)> {
        self.table
            .iter()
            .zip(&self.keys)
            .map(|(b, keys)| {
                let keys: Vec<String> = keys.iter().map(ToString::to_string).collect();
                (keys.join(" "), b.describe)
            })
            .collect()
    }

    /// The config names of this mode's actions.
    pub fn names(&self) -> Vec<&'static str> {
        self.table.iter().map(|b| b.name).collect()
    }

    /// Replaces the keys of the action named `name`; `false` when the mode
    /// has no such action.
    pub fn rebind(&mut self, name: &str, keys: Vec<Key>) -> bool {
        let Some(i) = self.table.iter().position(|b| b.name == name) else {
            return false;
        };
        self.keys[i] = keys;
        true
    }

    /// The first key bound to two actions, with their names.
    pub fn clash(&self) -> Option<(String, &'static str, &'static str)> {
        let mut owner: BTreeMap<String, &'static str> = BTreeMap::new();
        for (b, keys) in self.table.iter().zip(&self.keys) {
            for key in keys {
                if let Some(other) = owner.insert(key.to_string(), b.name) {
                    return Some((key.to_string(), other, b.name));
                }
            }
        }
        None
    }
}

/// What the facilitator pane of a drill does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Facilitator {
    Up,
    Down,
    /// Scrolls the selected inject's text (body, expected outcome, notes).
    ScrollDown,
    ScrollUp,
    NextPane,
    PrevPane,
    StartPause,
    Faster,
    Slower,
    NextInject,
    Release,
    Hold,
    Observe,
    HotWash,
}

impl Facilitator {
    /// Whether the action only moves the selection, the focus or the
    /// scroll (see [`crate::app::action::Action::only_moves`]).
    pub const fn only_moves(self) -> bool {
        matches!(
            self,
            Self::Up
                | Self::Down
                | Self::ScrollDown
                | Self::ScrollUp
                | Self::NextPane
                | Self::PrevPane
        )
    }
}

/// The facilitator pane's keys. Where a key also means something in the
/// step list (`r` reopen, `h` previous phase, `o` assign, `n` note), the
/// pane's meaning applies while the pane has the focus.
pub const FACILITATOR: Table<Facilitator> = Table(&[
    Binding {
        action: Facilitator::Up,
        name: "inject_up",
        describe: "previous inject",
        keys: &[Key::plain(KeyCode::Up), Key::ch('k')],
    },
    Binding {
        action: Facilitator::Down,
        name: "inject_down",
        describe: "next inject in the list",
        keys: &[Key::plain(KeyCode::Down), Key::ch('j')],
    },
    Binding {
        action: Facilitator::ScrollDown,
        name: "inject_text_down",
        describe: "scroll the inject text down",
        keys: &[Key::plain(KeyCode::PageDown)],
    },
    Binding {
        action: Facilitator::ScrollUp,
        name: "inject_text_up",
        describe: "scroll the inject text up",
        keys: &[Key::plain(KeyCode::PageUp)],
    },
    Binding {
        action: Facilitator::NextPane,
        name: "next_pane",
        describe: "leave the facilitator pane",
        keys: &[Key::plain(KeyCode::Tab)],
    },
    Binding {
        action: Facilitator::PrevPane,
        name: "prev_pane",
        describe: "previous pane",
        keys: &[Key::plain(KeyCode::BackTab)],
    },
    Binding {
        action: Facilitator::StartPause,
        name: "start_pause",
        describe: "start, pause or resume the scenario clock",
        keys: &[Key::ch(' ')],
    },
    Binding {
        action: Facilitator::Faster,
        name: "faster",
        describe: "scenario clock faster",
        keys: &[Key::ch('+'), Key::ch('=')],
    },
    Binding {
        action: Facilitator::Slower,
        name: "slower",
        describe: "scenario clock slower",
        keys: &[Key::ch('-')],
    },
    Binding {
        action: Facilitator::NextInject,
        name: "jump_to_next_inject",
        describe: "jump the clock to the next timed inject",
        keys: &[Key::ch('n')],
    },
    Binding {
        action: Facilitator::Release,
        name: "release",
        describe: "release the selected inject now",
        keys: &[Key::ch('r')],
    },
    Binding {
        action: Facilitator::Hold,
        name: "hold",
        describe: "hold or unhold the selected inject",
        keys: &[Key::ch('h')],
    },
    Binding {
        action: Facilitator::Observe,
        name: "observe",
        describe: "record an observation on the selected inject",
        keys: &[Key::ch('o')],
    },
    Binding {
        action: Facilitator::HotWash,
        name: "hot_wash",
        describe: "record a hot-wash item",
        keys: &[Key::ch('w')],
    },
]);

/// Normal-mode actions whose keys the facilitator pane's default keys take.
pub fn shadowed_by_facilitator(keymap: &Keymap) -> Vec<String> {
    shadowed_by(keymap, &Bound::defaults(FACILITATOR))
}

/// Normal-mode actions whose keys the facilitator pane takes while it has
/// the focus, said in the help so a rebinding is never silently shadowed.
pub fn shadowed_by(keymap: &Keymap, pane: &Bound<Facilitator>) -> Vec<String> {
    Action::ALL
        .iter()
        .flat_map(|action| {
            keymap.keys(*action).iter().filter_map(move |key| {
                let event = KeyEvent::new(
                    key.code,
                    if key.ctrl {
                        super::input::KeyModifiers::CONTROL
                    } else {
                        super::input::KeyModifiers::NONE
                    },
                );
                let pane = pane.action(&event)?;
                let name = FACILITATOR.0.iter().find(|b| b.action == pane)?.name;
                // Tab and Shift-Tab mean the same in both: moving panes.
                (!matches!(pane, Facilitator::NextPane | Facilitator::PrevPane)
                    && !matches!(
                        (action, pane),
                        (Action::MoveUp, Facilitator::Up) | (Action::MoveDown, Facilitator::Down)
                    ))
                .then(|| {
                    format!(
                        "`{key}`: {} (steps) / {name} (facilitator pane)",
                        action.name()
                    )
                })
            })
        })
        .collect()
}

/// What the review screen does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Review {
    Down,
    Up,
    /// Always one entry on in time, even where `Down` scrolls a tab.
    NextEntry,
    /// Always one entry back in time.
    PrevEntry,
    PageDown,
    PageUp,
    First,
    Last,
    NextTab,
    PrevTab,
    Timeline,
    State,
    Metrics,
    StateAtCursor,
    Search,
    FilterKind,
    FilterActor,
    FilterPhase,
    FilterStep,
    ClearFilters,
    Follow,
    Help,
    Quit,
}

/// The review screen's keys.
pub const REVIEW: Table<Review> = Table(&[
    Binding {
        action: Review::Down,
        name: "down",
        describe: "next entry (or scroll the metrics and state tabs)",
        keys: &[Key::plain(KeyCode::Down), Key::ch('j')],
    },
    Binding {
        action: Review::Up,
        name: "up",
        describe: "previous entry (or scroll the metrics and state tabs)",
        keys: &[Key::plain(KeyCode::Up), Key::ch('k')],
    },
    Binding {
        action: Review::NextEntry,
        name: "next_entry",
        describe: "next entry in time, on every tab",
        keys: &[Key::ch(']')],
    },
    Binding {
        action: Review::PrevEntry,
        name: "prev_entry",
        describe: "previous entry in time, on every tab",
        keys: &[Key::ch('[')],
    },
    Binding {
        action: Review::PageDown,
        name: "page_down",
        describe: "15 entries on",
        keys: &[Key::plain(KeyCode::PageDown)],
    },
    Binding {
        action: Review::PageUp,
        name: "page_up",
        describe: "15 entries back",
        keys: &[Key::plain(KeyCode::PageUp)],
    },
    Binding {
        action: Review::First,
        name: "first",
        describe: "first entry",
        keys: &[Key::plain(KeyCode::Home), Key::ch('g')],
    },
    Binding {
        action: Review::Last,
        name: "last",
        describe: "last entry",
        keys: &[Key::plain(KeyCode::End), Key::ch('G')],
    },
    Binding {
        action: Review::NextTab,
        name: "next_tab",
        describe: "next tab",
        keys: &[Key::plain(KeyCode::Tab)],
    },
    Binding {
        action: Review::PrevTab,
        name: "prev_tab",
        describe: "previous tab",
        keys: &[Key::plain(KeyCode::BackTab)],
    },
    Binding {
        action: Review::Timeline,
        name: "timeline",
        describe: "timeline tab",
        keys: &[Key::ch('1')],
    },
    Binding {
        action: Review::State,
        name: "state",
        describe: "state-at-cursor tab",
        keys: &[Key::ch('2')],
    },
    Binding {
        action: Review::Metrics,
        name: "metrics",
        describe: "metrics tab",
        keys: &[Key::ch('3')],
    },
    Binding {
        action: Review::StateAtCursor,
        name: "open",
        describe: "the state at the selected entry",
        keys: &[Key::plain(KeyCode::Enter)],
    },
    Binding {
        action: Review::Search,
        name: "search",
        describe: "filter by text",
        keys: &[Key::ch('/')],
    },
    Binding {
        action: Review::FilterKind,
        name: "filter_kind",
        describe: "filter by kind (cycles)",
        keys: &[Key::ch('K')],
    },
    Binding {
        action: Review::FilterActor,
        name: "filter_actor",
        describe: "filter by actor (cycles)",
        keys: &[Key::ch('A')],
    },
    Binding {
        action: Review::FilterPhase,
        name: "filter_phase",
        describe: "filter by phase (cycles)",
        keys: &[Key::ch('P')],
    },
    Binding {
        action: Review::FilterStep,
        name: "filter_step",
        describe: "only the selected entry's step (again: all)",
        keys: &[Key::ch('S')],
    },
    Binding {
        action: Review::ClearFilters,
        name: "clear_filters",
        describe: "clear every filter",
        keys: &[Key::plain(KeyCode::Esc), Key::ch('0')],
    },
    Binding {
        action: Review::Follow,
        name: "follow",
        describe: "follow the journal as it grows",
        keys: &[Key::ch('f')],
    },
    Binding {
        action: Review::Help,
        name: "help",
        describe: "this help",
        keys: &[Key::ch('?'), Key::plain(KeyCode::F(1))],
    },
    Binding {
        action: Review::Quit,
        name: "quit",
        describe: "quit",
        keys: &[Key::ch('q')],
    },
]);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code1_no_mode_binds_a_key_twice() {
        assert_eq!(FACILITATOR.duplicates(), Vec::<String>::new());
        assert_eq!(REVIEW.duplicates(), Vec::<String>::new());
    }

    #[test]
    fn code1_a_normal_key_the_facilitator_pane_takes_is_named() {
        let shadowed = shadowed_by_facilitator(&Keymap::default());
        assert!(
            shadowed.iter().any(|s| s.starts_with("`r`: reopen")),
            "{shadowed:?}"
        );
        let rebound = Keymap::with_overrides(&BTreeMap::from([(
            "next_required".to_string(),
            crate::app::keymap::KeyList::One("w".into()),
        )]))
        .expect("valid");
        assert!(
            shadowed_by_facilitator(&rebound)
                .iter()
                .any(|s| s.contains("next_required") && s.contains("hot_wash")),
            "a rebinding the pane shadows is reported"
        );
    }

    #[test]
    fn tables_dispatch_their_keys() {
        let key = |c| KeyEvent::plain(KeyCode::Char(c));
        assert_eq!(FACILITATOR.action(&key('n')), Some(Facilitator::NextInject));
        assert_eq!(REVIEW.action(&key('K')), Some(Review::FilterKind));
        assert_eq!(REVIEW.action(&key('?')), Some(Review::Help));
        assert_eq!(FACILITATOR.action(&key('x')), None);
    }
}
