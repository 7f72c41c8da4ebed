//! Asking before quitting with entries still saving.

use ratatui::text::Line;

use super::Dialog;
use crate::app::App;

pub(super) fn confirm_quit(app: &App) -> Dialog {
    let n = app.pending().len();
    let lines = vec![
        Line::from(format!(
            "{n} entr{} still saving.",
            if n == 1 { "y is" } else { "ies are" }
        )),
        Line::from("Quit anyway? Writes already queued are finished first."),
    ];
    Dialog {
        title: ("Quit?").to_string(),
        width: 60,
        height: 6,
        hint: "y: quit · any other key: stay",
        lines,
    }
}
