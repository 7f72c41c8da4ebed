//! The app's own key type. The runtime translates terminal events into it,
//! so nothing under `app/` depends on the terminal library and tests can
//! build keys without one.

use std::ops::BitOr;

/// A key the runner understands. Keys outside this set (media keys, a bare
/// modifier) are dropped by the runtime before they reach the app.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum KeyCode {
    Char(char),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    PageUp,
    PageDown,
    F(u8),
}

/// Modifier keys held with a key, as a small set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct KeyModifiers(u8);

impl KeyModifiers {
    pub const NONE: Self = Self(0);
    pub const SHIFT: Self = Self(1);
    pub const CONTROL: Self = Self(2);
    pub const ALT: Self = Self(4);

    /// Whether every modifier in `other` is held.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }
}

impl BitOr for KeyModifiers {
    type Output = Self;

    fn bitor(self, rhs: Self) -> Self {
        Self(self.0 | rhs.0)
    }
}

/// One key press.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyEvent {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl KeyEvent {
    pub const fn new(code: KeyCode, modifiers: KeyModifiers) -> Self {
        Self { code, modifiers }
    }

    /// A key pressed with no modifier.
    pub const fn plain(code: KeyCode) -> Self {
        Self::new(code, KeyModifiers::NONE)
    }

    /// A printable character typed without Ctrl or Alt: text, in any
    /// dialog that takes text.
    pub fn printable(&self) -> Option<char> {
        match self.code {
            KeyCode::Char(c)
                if !self.modifiers.contains(KeyModifiers::CONTROL)
                    && !self.modifiers.contains(KeyModifiers::ALT)
                    && !c.is_control() =>
            {
                Some(c)
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modifiers_combine_and_contain() {
        let both = KeyModifiers::CONTROL | KeyModifiers::ALT;
        assert!(both.contains(KeyModifiers::CONTROL));
        assert!(both.contains(KeyModifiers::ALT));
        assert!(!both.contains(KeyModifiers::SHIFT));
        assert!(KeyModifiers::SHIFT.contains(KeyModifiers::NONE));
    }

    #[test]
    fn printable_excludes_ctrl_and_alt() {
        let a = KeyEvent::plain(KeyCode::Char('a'));
        assert_eq!(a.printable(), Some('a'));
        let shifted = KeyEvent::new(KeyCode::Char('A'), KeyModifiers::SHIFT);
        assert_eq!(shifted.printable(), Some('A'));
        let ctrl = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(ctrl.printable(), None);
        assert_eq!(KeyEvent::plain(KeyCode::Enter).printable(), None);
    }
}
