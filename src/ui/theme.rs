//! Colours and emphasis. Meaning is never carried by colour alone: every
//! coloured status also has a glyph or a word, so `NO_COLOR` and the `mono`
//! theme lose nothing.

use ratatui::style::{Color, Modifier, Style};

use crate::config::Theme as ThemeName;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    pub base: Style,
    pub dim: Style,
    pub title: Style,
    pub selected: Style,
    pub focus_border: Style,
    pub border: Style,
    pub ok: Style,
    pub active: Style,
    pub warn: Style,
    pub danger: Style,
    /// The red band across the top of exercise journals.
    pub exercise: Style,
    pub code: Style,
    pub gap: Style,
    pub key: Style,
}

impl Theme {
    pub fn new(name: ThemeName, colour: bool) -> Self {
        if !colour || name == ThemeName::Mono {
            return Self::mono();
        }
        let (fg, dim) = match name {
            ThemeName::Light => (Color::Black, Color::DarkGray),
            _ => (Color::Reset, Color::DarkGray),
        };
        Self {
            base: Style::new().fg(fg),
            dim: Style::new().fg(dim),
            title: Style::new().add_modifier(Modifier::BOLD),
            selected: Style::new().add_modifier(Modifier::REVERSED),
            focus_border: Style::new().fg(Color::Cyan),
            border: Style::new().fg(dim),
            ok: Style::new().fg(Color::Green),
            active: Style::new().fg(Color::Cyan),
            warn: Style::new().fg(Color::Yellow),
            danger: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            exercise: Style::new()
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD),
            code: Style::new().fg(Color::Magenta),
            gap: Style::new()
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            key: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
        }
    }

    /// Emphasis only: bold, reverse, underline.
    pub fn mono() -> Self {
        let plain = Style::new();
        Self {
            base: plain,
            dim: plain.add_modifier(Modifier::DIM),
            title: plain.add_modifier(Modifier::BOLD),
            selected: plain.add_modifier(Modifier::REVERSED),
            focus_border: plain.add_modifier(Modifier::BOLD),
            border: plain,
            ok: plain,
            active: plain.add_modifier(Modifier::BOLD),
            warn: plain.add_modifier(Modifier::BOLD),
            danger: plain.add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            exercise: plain.add_modifier(Modifier::REVERSED | Modifier::BOLD),
            code: plain.add_modifier(Modifier::ITALIC),
            gap: plain.add_modifier(Modifier::REVERSED),
            key: plain.add_modifier(Modifier::BOLD),
        }
    }
}

impl Default for Theme {
    fn default() -> Self {
        Self::new(ThemeName::Dark, true)
    }
}
