//! The keys in force for every mode: each table's defaults with the
//! config's `[keys]` overrides applied and checked. Top-level entries of
//! `[keys]` rebind normal mode; a `[keys.<mode>]` table rebinds that mode.
//! An unknown mode or action, a key that is not a key, a printable key in a
//! mode that takes text, and a key bound twice in one mode are refused with
//! the line and column of the entry.

use super::action::Action;
use super::keymap::{Key, Keymap};
use super::modes::{Bound, FACILITATOR, Facilitator, REVIEW, Review};
use super::view_keys::{
    CLOCKS, Clocks, MESSAGE, Message, PARTICIPANT, PICKER, Participant, Picker, SEARCH, Search,
};

/// One entry of `[keys]` as the config file wrote it, with where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyOverride {
    /// `normal` for a top-level entry, else the `[keys.<mode>]` name.
    pub mode: String,
    pub action: String,
    pub keys: Vec<String>,
    /// 1-based line and column of the entry in the config file.
    pub line: usize,
    pub column: usize,
}

/// The modes a `[keys.<mode>]` table may name, in help order.
pub const MODES: [&str; 8] = [
    "normal",
    "facilitator",
    "search",
    "clocks",
    "message",
    "review",
    "picker",
    "participant",
];

/// Modes where printable keys are text (a filter or a search box), so no
/// action may take one.
const TAKES_TEXT: [&str; 2] = ["search", "picker"];

/// The bound tables of every mode beside normal mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModeKeys {
    pub facilitator: Bound<Facilitator>,
    pub search: Bound<Search>,
    pub clocks: Bound<Clocks>,
    pub message: Bound<Message>,
    pub review: Bound<Review>,
    pub picker: Bound<Picker>,
    pub participant: Bound<Participant>,
}

impl Default for ModeKeys {
    fn default() -> Self {
        Self {
            facilitator: Bound::defaults(FACILITATOR),
            search: Bound::defaults(SEARCH),
            clocks: Bound::defaults(CLOCKS),
            message: Bound::defaults(MESSAGE),
            review: Bound::defaults(REVIEW),
            picker: Bound::defaults(PICKER),
            participant: Bound::defaults(PARTICIPANT),
        }
    }
}

impl ModeKeys {
    /// Rebinds `action` of `mode`; `None` when the mode is not one of
    /// these, `Some(false)` when it has no such action.
    fn rebind(&mut self, mode: &str, action: &str, keys: Vec<Key>) -> Option<bool> {
        Some(match mode {
            "facilitator" => self.facilitator.rebind(action, keys),
            "search" => self.search.rebind(action, keys),
            "clocks" => self.clocks.rebind(action, keys),
            "message" => self.message.rebind(action, keys),
            "review" => self.review.rebind(action, keys),
            "picker" => self.picker.rebind(action, keys),
            "participant" => self.participant.rebind(action, keys),
            _ => return None,
        })
    }

    /// The action names of `mode`.
    fn names(&self, mode: &str) -> Vec<&'static str> {
        match mode {
            "facilitator" => self.facilitator.names(),
            "search" => self.search.names(),
            "clocks" => self.clocks.names(),
            "message" => self.message.names(),
            "review" => self.review.names(),
            "picker" => self.picker.names(),
            "participant" => self.participant.names(),
            _ => Action::ALL.iter().map(|a| a.name()).collect(),
        }
    }

    /// A key bound twice in `mode`, as `(key, action, action)`.
    fn clash(&self, mode: &str) -> Option<(String, &'static str, &'static str)> {
        match mode {
            "facilitator" => self.facilitator.clash(),
            "search" => self.search.clash(),
            "clocks" => self.clocks.clash(),
            "message" => self.message.clash(),
            "review" => self.review.clash(),
            "picker" => self.picker.clash(),
            "participant" => self.participant.clash(),
            _ => None,
        }
    }
}

/// Every mode's keys with `overrides` applied, or the first problem as
/// `line:column: sentence`.
pub fn bind(overrides: &[KeyOverride]) -> Result<(Keymap, ModeKeys), String> {
    let mut normal = Keymap::default();
    let mut modes = ModeKeys::default();
    let at = |o: &KeyOverride, what: String| format!("{}:{}: {what}", o.line, o.column);
    for o in overrides {
        let table = if o.mode == "normal" {
            "[keys]".to_string()
        } else {
            format!("[keys.{}]", o.mode)
        };
        if !MODES.contains(&o.mode.as_str()) {
            return Err(at(
                o,
                format!("{table} is not a mode; modes are: {}", MODES.join(", ")),
            ));
        }
        let keys = o
            .keys
            .iter()
            .map(|k| Key::parse(k))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| at(o, format!("{table} {}: {e}", o.action)))?;
        if TAKES_TEXT.contains(&o.mode.as_str())
            && let Some(key) = keys.iter().find(|k| k.is_text())
        {
            return Err(at(
                o,
                format!(
                    "{table} {}: `{key}` would be typed as text in {}; use a key such as `ctrl-g` or `f2`",
                    o.action, o.mode
                ),
            ));
        }
        let known = if o.mode == "normal" {
            Action::from_name(&o.action).map(|a| normal.rebind(a, keys))
        } else {
            modes
                .rebind(&o.mode, &o.action, keys)
                .and_then(|known| known.then_some(()))
        };
        if known.is_none() {
            return Err(at(
                o,
                format!(
                    "{table} `{}` is not a {} action; actions are: {}",
                    o.action,
                    o.mode,
                    modes.names(&o.mode).join(", ")
                ),
            ));
        }
    }
    for mode in MODES {
        let clash = if mode == "normal" {
            normal.clash()
        } else {
            modes.clash(mode)
        };
        if let Some((key, a, b)) = clash {
            let culprit = overrides
                .iter()
                .find(|o| o.mode == mode && (o.action == a || o.action == b));
            let table = if mode == "normal" {
                "[keys]".to_string()
            } else {
                format!("[keys.{mode}]")
            };
            let what = format!("{table} `{key}` is bound to both `{a}` and `{b}`");
            return Err(culprit.map_or(what.clone(), |o| at(o, what)));
        }
    }
    Ok((normal, modes))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::input::{KeyCode, KeyEvent};

    fn entry(mode: &str, action: &str, keys: &[&str], line: usize) -> KeyOverride {
        KeyOverride {
            mode: mode.into(),
            action: action.into(),
            keys: keys.iter().map(ToString::to_string).collect(),
            line,
            column: 1,
        }
    }

    #[test]
    fn overrides_reach_every_mode() {
        let (normal, modes) = bind(&[
            entry("normal", "done", &["ctrl-d"], 2),
            entry("review", "quit", &["Q"], 4),
            entry("message", "copy", &["y"], 5),
            entry("clocks", "go_to_step", &["enter", "g"], 6),
            entry("clocks", "detail", &["d"], 7),
            entry("search", "go", &["ctrl-g"], 8),
            entry("picker", "quit", &["f10"], 9),
            entry("participant", "stop", &["x"], 10),
            entry("facilitator", "observe", &["O"], 11),
        ])
        .expect("valid");
        let key = |c| KeyEvent::plain(KeyCode::Char(c));
        assert_eq!(normal.action(Key::ch('x')), None);
        assert_eq!(modes.review.action(&key('Q')), Some(Review::Quit));
        assert_eq!(modes.review.action(&key('q')), None);
        assert_eq!(modes.message.action(&key('c')), None);
        assert_eq!(modes.message.action(&key('y')), Some(Message::Copy));
        assert_eq!(
            modes.clocks.action(&KeyEvent::plain(KeyCode::Enter)),
            Some(Clocks::GoToStep)
        );
        assert_eq!(
            modes.picker.action(&KeyEvent::plain(KeyCode::F(10))),
            Some(Picker::ClearOrQuit)
        );
        assert_eq!(modes.participant.action(&key('x')), Some(Participant::Stop));
        assert_eq!(
            modes.facilitator.action(&key('O')),
            Some(Facilitator::Observe)
        );
        assert_eq!(
            modes
                .message
                .hint(&[(&[Message::Copy], "copy"), (&[Message::Close], "back")]),
            "y copy · esc back"
        );
    }

    #[test]
    fn an_unknown_mode_or_action_is_refused_with_its_place() {
        let err = bind(&[entry("projector", "stop", &["x"], 7)]).unwrap_err();
        assert!(
            err.starts_with("7:1: [keys.projector] is not a mode"),
            "{err}"
        );
        let err = bind(&[entry("review", "fly", &["x"], 9)]).unwrap_err();
        assert!(
            err.starts_with("9:1: [keys.review] `fly` is not a review action"),
            "{err}"
        );
        assert!(err.contains("filter_kind"), "names the actions: {err}");
        let err = bind(&[entry("clocks", "up", &["xy"], 3)]).unwrap_err();
        assert!(
            err.starts_with("3:1: [keys.clocks] up: `xy` is not a key"),
            "{err}"
        );
    }

    #[test]
    fn a_key_bound_twice_in_a_mode_is_refused_at_the_entry() {
        let err = bind(&[entry("message", "save", &["c"], 12)]).unwrap_err();
        assert!(
            err.starts_with("12:1: [keys.message] `c` is bound to both `copy` and `save`"),
            "{err}"
        );
        let err = bind(&[entry("normal", "done", &["s"], 2)]).unwrap_err();
        assert!(err.starts_with("2:1: [keys] `s` is bound to both"), "{err}");
        // The same key in two modes is no clash.
        bind(&[entry("review", "follow", &["x"], 1)]).expect("x is free in review");
    }

    #[test]
    fn a_printable_key_is_refused_where_keys_are_text() {
        let err = bind(&[entry("search", "go", &["g"], 5)]).unwrap_err();
        assert!(err.contains("would be typed as text in search"), "{err}");
        let err = bind(&[entry("picker", "open", &["o"], 6)]).unwrap_err();
        assert!(err.contains("would be typed as text in picker"), "{err}");
    }

    #[test]
    fn no_default_table_binds_a_key_twice() {
        let modes = ModeKeys::default();
        for mode in MODES {
            assert_eq!(modes.clash(mode), None, "{mode}");
        }
    }
}
