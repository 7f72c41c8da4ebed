//! Terminal keys to the app's own key type: the one place the terminal
//! library's key events are read.

use ratatui::crossterm::event as ct;

use crate::app::Msg;
use crate::app::input::{KeyCode, KeyEvent, KeyModifiers};

/// The app's key for a terminal key event; `None` for keys the app has no
/// use for (media keys, a modifier pressed alone).
pub fn translate(event: &ct::KeyEvent) -> Option<KeyEvent> {
    let code = match event.code {
        ct::KeyCode::Char(c) => KeyCode::Char(c),
        ct::KeyCode::Enter => KeyCode::Enter,
        ct::KeyCode::Esc => KeyCode::Esc,
        ct::KeyCode::Tab => KeyCode::Tab,
        ct::KeyCode::BackTab => KeyCode::BackTab,
        ct::KeyCode::Backspace => KeyCode::Backspace,
        ct::KeyCode::Delete => KeyCode::Delete,
        ct::KeyCode::Left => KeyCode::Left,
        ct::KeyCode::Right => KeyCode::Right,
        ct::KeyCode::Up => KeyCode::Up,
        ct::KeyCode::Down => KeyCode::Down,
        ct::KeyCode::Home => KeyCode::Home,
        ct::KeyCode::End => KeyCode::End,
        ct::KeyCode::PageUp => KeyCode::PageUp,
        ct::KeyCode::PageDown => KeyCode::PageDown,
        ct::KeyCode::F(n) => KeyCode::F(n),
        _ => return None,
    };
    let mut modifiers = KeyModifiers::NONE;
    for (theirs, ours) in [
        (ct::KeyModifiers::SHIFT, KeyModifiers::SHIFT),
        (ct::KeyModifiers::CONTROL, KeyModifiers::CONTROL),
        (ct::KeyModifiers::ALT, KeyModifiers::ALT),
    ] {
        if event.modifiers.contains(theirs) {
            modifiers = modifiers | ours;
        }
    }
    Some(KeyEvent::new(code, modifiers))
}

/// The messages for events read together: each run of more than one key
/// becomes one [`Msg::Burst`], so the app knows those keys came at once
/// (a paste sent as keystrokes); a lone key stays a [`Msg::Key`].
pub fn grouped(messages: impl IntoIterator<Item = Msg>) -> Vec<Msg> {
    let mut out = Vec::new();
    let mut keys = Vec::new();
    for msg in messages {
        match msg {
            Msg::Key(key) => keys.push(key),
            other => {
                flush(&mut keys, &mut out);
                out.push(other);
            }
        }
    }
    flush(&mut keys, &mut out);
    out
}

/// Moves a run of keys into `out` as one message.
fn flush(keys: &mut Vec<KeyEvent>, out: &mut Vec<Msg>) {
    match keys.as_slice() {
        [] => {}
        [key] => out.push(Msg::Key(*key)),
        _ => out.push(Msg::Burst(std::mem::take(keys))),
    }
    keys.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_read_together_are_one_burst() {
        let key = |c| KeyEvent::plain(KeyCode::Char(c));
        let enter = KeyEvent::plain(KeyCode::Enter);
        assert_eq!(grouped([Msg::Key(key('a'))]), [Msg::Key(key('a'))]);
        assert_eq!(
            grouped([
                Msg::Key(key('a')),
                Msg::Key(enter),
                Msg::Key(key('b')),
                Msg::Resize,
                Msg::Key(key('c')),
            ]),
            [
                Msg::Burst(vec![key('a'), enter, key('b')]),
                Msg::Resize,
                Msg::Key(key('c')),
            ]
        );
    }

    #[test]
    fn keys_and_modifiers_carry_over() {
        let ctrl_s = ct::KeyEvent::new(ct::KeyCode::Char('s'), ct::KeyModifiers::CONTROL);
        assert_eq!(
            translate(&ctrl_s),
            Some(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL))
        );
        let back = ct::KeyEvent::new(ct::KeyCode::BackTab, ct::KeyModifiers::SHIFT);
        assert_eq!(
            translate(&back),
            Some(KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT))
        );
        let media = ct::KeyEvent::new(ct::KeyCode::CapsLock, ct::KeyModifiers::NONE);
        assert_eq!(translate(&media), None);
    }
}
