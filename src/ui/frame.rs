//! Pieces every screen shares: the pane frame, the status glyphs, the
//! exercise band and the too-small notice.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Widget, Wrap};

use super::theme::Theme;
use crate::run::StepStatus;

/// Smallest usable terminal.
pub const MIN_WIDTH: u16 = 40;

pub const MIN_HEIGHT: u16 = 12;

/// The notice shown instead of the screen on a tiny terminal.
pub fn too_small(area: Rect, buf: &mut Buffer, t: &Theme) {
    Clear.render(area, buf);
    let text = vec![
        Line::from(Span::styled("Terminal too small", t.title)),
        Line::from(format!(
            "{}x{} — runsheet needs at least {MIN_WIDTH}x{MIN_HEIGHT}.",
            area.width, area.height
        )),
        Line::from("Enlarge the window; nothing is lost meanwhile."),
    ];
    Paragraph::new(text)
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

/// The band that marks every exercise screen.
pub fn exercise_band(area: Rect, buf: &mut Buffer, t: &Theme) {
    let unit = " EXERCISE ·";
    let text: String = unit
        .repeat(usize::from(area.width) / unit.len() + 1)
        .chars()
        .take(usize::from(area.width))
        .collect();
    Paragraph::new(Line::from(Span::styled(text, t.exercise))).render(area, buf);
}

/// The bordered frame of a pane; the focused pane has a thick border.
pub fn pane_block<'a>(title: &str, focused: bool, t: &Theme) -> Block<'a> {
    Block::new()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
        .border_style(if focused { t.focus_border } else { t.border })
        .title(Span::styled(format!(" {title} "), t.title))
}

/// Glyph and style of a step status; a hidden step is always dim.
pub fn status_glyph(status: StepStatus, t: &Theme) -> (&'static str, Style) {
    match status {
        StepStatus::Open => ("○", t.base),
        StepStatus::InProgress => ("▶", t.active),
        StepStatus::Blocked => ("✗", t.danger),
        StepStatus::Skipped => ("↷", t.dim),
        StepStatus::Done => ("✓", t.ok),
    }
}
