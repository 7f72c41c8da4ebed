//! Drawing. Every screen is a widget over borrowed state: pure, so render
//! tests draw into a `TestBackend` buffer. The terminal library is named
//! only here and in the runtime.

pub mod deadlines;
pub mod detail;
pub mod dialogs;
pub mod document;
pub mod drill;
pub mod frame;
pub mod markdown;
pub mod name_prompt;
pub mod participant;
pub mod picker;
pub mod review;
pub mod runner;
pub mod scroll;
pub mod steps;
pub mod team;
pub mod text;
pub mod theme;

use ratatui::layout::{Constraint, Flex, Layout, Rect};

pub use runner::RunnerView;
pub use theme::Theme;

/// A rectangle of at most `width` x `height` centred in `area`.
pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [cell] = Layout::horizontal([Constraint::Length(width.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    cell
}
