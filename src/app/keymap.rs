//! Keys to actions. Defaults, user overrides by action name, and the help
//! text, all from one table. A key bound to two actions is an error.

use std::collections::BTreeMap;
use std::fmt;

use crate::app::input::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;

/// Key overrides as the config file writes them: an action name to one
/// key or a list of keys.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(untagged)]
pub enum KeyList {
    One(String),
    Many(Vec<String>),
}

impl KeyList {
    pub fn keys(&self) -> Vec<&str> {
        match self {
            Self::One(k) => vec![k.as_str()],
            Self::Many(ks) => ks.iter().map(String::as_str).collect(),
        }
    }
}

/// A key with its modifiers, as written in the config (`x`, `ctrl-d`,
/// `shift-tab`, `enter`, `f1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Key {
    pub code: KeyCode,
    pub ctrl: bool,
    pub alt: bool,
}

impl Key {
    pub const fn plain(code: KeyCode) -> Self {
        Self {
            code,
            ctrl: false,
            alt: false,
        }
    }

    pub const fn ch(c: char) -> Self {
        Self::plain(KeyCode::Char(c))
    }

    /// A key a text field takes as text: a character without Ctrl or Alt.
    pub const fn is_text(&self) -> bool {
        matches!(self.code, KeyCode::Char(_)) && !self.ctrl && !self.alt
    }

    /// Normalises a terminal key event (shift is folded into the character).
    pub fn from_event(event: &KeyEvent) -> Self {
        let code = match event.code {
            KeyCode::Char(c) if event.modifiers.contains(KeyModifiers::CONTROL) => {
                KeyCode::Char(c.to_ascii_lowercase())
            }
            other => other,
        };
        Self {
            code,
            ctrl: event.modifiers.contains(KeyModifiers::CONTROL),
            alt: event.modifiers.contains(KeyModifiers::ALT),
        }
    }

    /// Parses `ctrl-d`, `alt-x`, `enter`, `pgdn`, `?`, `space`, `f5`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut ctrl = false;
        let mut alt = false;
        let mut rest = text.trim();
        loop {
            let lower = rest.to_ascii_lowercase();
            if let Some(r) = lower
                .strip_prefix("ctrl-")
                .or_else(|| lower.strip_prefix("c-"))
            {
                ctrl = true;
                rest = &rest[rest.len() - r.len()..];
            } else if let Some(r) = lower
                .strip_prefix("alt-")
                .or_else(|| lower.strip_prefix("m-"))
            {
                alt = true;
                rest = &rest[rest.len() - r.len()..];
            } else {
                break;
            }
        }
        let lower = rest.to_ascii_lowercase();
        let code = match lower.as_str() {
            "enter" | "return" => KeyCode::Enter,
            "tab" => KeyCode::Tab,
            "shift-tab" | "backtab" => KeyCode::BackTab,
            "esc" | "escape" => KeyCode::Esc,
            "space" => KeyCode::Char(' '),
            "up" => KeyCode::Up,
            "down" => KeyCode::Down,
            "left" => KeyCode::Left,
            "right" => KeyCode::Right,
            "pgup" | "pageup" => KeyCode::PageUp,
            "pgdn" | "pagedown" => KeyCode::PageDown,
            "home" => KeyCode::Home,
            "end" => KeyCode::End,
            "backspace" => KeyCode::Backspace,
            "delete" | "del" => KeyCode::Delete,
            f if f.len() > 1
                && f.starts_with('f')
                && f[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
            {
                KeyCode::F(f[1..].parse().unwrap_or(1))
            }
            _ => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => KeyCode::Char(if ctrl { c.to_ascii_lowercase() } else { c }),
                    _ => {
                        return Err(format!(
                            "`{text}` is not a key (try `x`, `ctrl-d`, `enter`, `f2`)"
                        ));
                    }
                }
            }
        };
        Ok(Self { code, ctrl, alt })
    }
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            KeyCode::Char(' ') => f.write_str("space"),
            KeyCode::Char(c) => write!(f, "{c}"),
            KeyCode::Enter => f.write_str("enter"),
            KeyCode::Tab => f.write_str("tab"),
            KeyCode::BackTab => f.write_str("shift-tab"),
            KeyCode::Esc => f.write_str("esc"),
            KeyCode::Up => f.write_str("↑"),
            KeyCode::Down => f.write_str("↓"),
            KeyCode::Left => f.write_str("←"),
            KeyCode::Right => f.write_str("→"),
            KeyCode::PageUp => f.write_str("pgup"),
            KeyCode::PageDown => f.write_str("pgdn"),
            KeyCode::Home => f.write_str("home"),
            KeyCode::End => f.write_str("end"),
            KeyCode::F(n) => write!(f, "f{n}"),
            other => write!(f, "{other:?}"),
        }
    }
}

/// The default bindings (FORMATS/issue: arrows and j/k move, Tab switches
/// pane, Enter opens or starts, x s b n a d / ? q).
fn defaults() -> Vec<(Action, Vec<Key>)> {
    use Action as A;
    vec![
        (A::MoveUp, vec![Key::plain(KeyCode::Up), Key::ch('k')]),
        (A::MoveDown, vec![Key::plain(KeyCode::Down), Key::ch('j')]),
        (A::NextPane, vec![Key::plain(KeyCode::Tab)]),
        (A::PrevPane, vec![Key::plain(KeyCode::BackTab)]),
        (
            A::NextPhase,
            vec![Key::plain(KeyCode::Right), Key::ch('l'), Key::ch(']')],
        ),
        (
            A::PrevPhase,
            vec![Key::plain(KeyCode::Left), Key::ch('h'), Key::ch('[')],
        ),
        (A::PageUp, vec![Key::plain(KeyCode::PageUp)]),
        (A::PageDown, vec![Key::plain(KeyCode::PageDown)]),
        (A::Open, vec![Key::plain(KeyCode::Enter)]),
        (A::Done, vec![Key::ch('x')]),
        (A::Skip, vec![Key::ch('s')]),
        (A::Block, vec![Key::ch('b')]),
        (A::Reopen, vec![Key::ch('r')]),
        (A::Note, vec![Key::ch('n')]),
        (A::Answer, vec![Key::ch('a')]),
        (A::Decide, vec![Key::ch('d')]),
        (A::Assign, vec![Key::ch('o')]),
        (A::Message, vec![Key::ch('m')]),
        (A::Clocks, vec![Key::ch('c')]),
        (A::ToggleItem, vec![Key::ch(' ')]),
        (A::Search, vec![Key::ch('/')]),
        (A::NextRequired, vec![Key::ch('g')]),
        (A::MyRoles, vec![Key::ch('f')]),
        (A::ShowHidden, vec![Key::ch('H')]),
        (A::Help, vec![Key::ch('?'), Key::plain(KeyCode::F(1))]),
        (A::Evidence, vec![Key::ch('e')]),
        (A::Quit, vec![Key::ch('q')]),
        (A::Sync, vec![Key::ch('S')]),
        (A::CloseIncident, vec![Key::ch('X')]),
        (A::Correct, vec![Key::ch('C')]),
    ]
}

/// The bindings in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keymap {
    by_action: BTreeMap<Action, Vec<Key>>,
}

impl Default for Keymap {
    fn default() -> Self {
        Self {
            by_action: defaults().into_iter().collect(),
        }
    }
}

impl Keymap {
    /// Defaults with the config's overrides: an override replaces all the
    /// keys of that action. Unknown names and clashing keys are errors.
    pub fn with_overrides(overrides: &BTreeMap<String, KeyList>) -> Result<Self, String> {
        let mut map = Self::default();
        for (name, keys) in overrides {
            let action = Action::from_name(name).ok_or_else(|| {
                let names: Vec<_> = Action::ALL.iter().map(|a| a.name()).collect();
                format!(
                    "[keys] `{name}` is not an action; actions are: {}",
                    names.join(", ")
                )
            })?;
            let parsed = keys
                .keys()
                .into_iter()
                .map(Key::parse)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| format!("[keys] {name}: {e}"))?;
            map.by_action.insert(action, parsed);
        }
        let mut owner: std::collections::HashMap<Key, Action> = std::collections::HashMap::new();
        for (action, keys) in &map.by_action {
            for key in keys {
                if let Some(other) = owner.insert(*key, *action) {
                    return Err(format!(
                        "[keys] `{key}` is bound to both `{}` and `{}`",
                        other.name(),
                        action.name()
                    ));
                }
            }
        }
        Ok(map)
    }

    pub fn action(&self, key: Key) -> Option<Action> {
        self.by_action
            .iter()
            .find(|(_, keys)| keys.contains(&key))
            .map(|(a, _)| *a)
    }

    pub fn keys(&self, action: Action) -> &[Key] {
        self.by_action.get(&action).map_or(&[], Vec::as_slice)
    }

    /// `x` for the footer: the first key of an action.
    pub fn first(&self, action: Action) -> Option<Key> {
        self.keys(action).first().copied()
    }

    /// Replaces every key of `action`.
    pub fn rebind(&mut self, action: Action, keys: Vec<Key>) {
        self.by_action.insert(action, keys);
    }

    /// The first key bound to two actions, with their names.
    pub fn clash(&self) -> Option<(String, &'static str, &'static str)> {
        let mut owner: std::collections::HashMap<Key, Action> = std::collections::HashMap::new();
        for (action, keys) in &self.by_action {
            for key in keys {
                if let Some(other) = owner.insert(*key, *action) {
                    return Some((key.to_string(), other.name(), action.name()));
                }
            }
        }
        None
    }

    /// `(keys, description)` rows for the help screen, in a stable order.
    pub fn help_rows(&self) -> Vec<(String, &'static str)> {
        Action::ALL
            .iter()
            .map(|a| {
                let keys: Vec<String> = self.keys(*a).iter().map(ToString::to_string).collect();
                (keys.join(" "), a.describe())
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keys_table() {
        let cases = [
            ("x", Key::ch('x')),
            ("X", Key::ch('X')),
            (
                "ctrl-d",
                Key {
                    code: KeyCode::Char('d'),
                    ctrl: true,
                    alt: false,
                },
            ),
            (
                "C-D",
                Key {
                    code: KeyCode::Char('d'),
                    ctrl: true,
                    alt: false,
                },
            ),
            (
                "alt-enter",
                Key {
                    code: KeyCode::Enter,
                    ctrl: false,
                    alt: true,
                },
            ),
            ("enter", Key::plain(KeyCode::Enter)),
            ("shift-tab", Key::plain(KeyCode::BackTab)),
            ("space", Key::ch(' ')),
            ("f5", Key::plain(KeyCode::F(5))),
            ("?", Key::ch('?')),
            ("pgdn", Key::plain(KeyCode::PageDown)),
        ];
        for (text, key) in cases {
            assert_eq!(Key::parse(text), Ok(key), "{text}");
        }
        for bad in ["", "ctrl-", "xy", "f13", "hyper-x"] {
            assert!(Key::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn defaults_have_no_clashes_and_cover_every_action() {
        let map = Keymap::with_overrides(&BTreeMap::new()).expect("defaults are consistent");
        for action in Action::ALL {
            assert!(!map.keys(action).is_empty(), "{action:?} has no key");
        }
        assert_eq!(map.action(Key::ch('x')), Some(Action::Done));
        assert_eq!(map.action(Key::plain(KeyCode::Enter)), Some(Action::Open));
    }

    #[test]
    fn overrides_replace_and_clashes_are_refused() {
        let overrides = BTreeMap::from([(
            "done".to_string(),
            KeyList::Many(vec!["ctrl-d".into(), "D".into()]),
        )]);
        let map = Keymap::with_overrides(&overrides).expect("valid");
        assert_eq!(map.action(Key::ch('x')), None);
        assert_eq!(map.action(Key::ch('D')), Some(Action::Done));
        let clash = BTreeMap::from([("done".to_string(), KeyList::One("s".into()))]);
        let err = Keymap::with_overrides(&clash).unwrap_err();
        assert!(err.contains("`s` is bound to both"), "{err}");
        let unknown = BTreeMap::from([("fly".to_string(), KeyList::One("z".into()))]);
        assert!(
            Keymap::with_overrides(&unknown)
                .unwrap_err()
                .contains("not an action")
        );
    }
}
