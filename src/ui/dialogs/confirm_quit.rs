//! Asking before quitting with entries still saving or not saved at all:
//! the dialog names what quitting would lose.

use ratatui::text::Line;

use super::Dialog;
use crate::app::App;

pub(super) fn confirm_quit(app: &App) -> Dialog {
    let n = app.pending().len();
    let mut lines = Vec::new();
    if let Some(error) = &app.write_error {
        let lost: Vec<String> = app
            .tail
            .iter()
            .filter(|t| matches!(t.status, crate::app::Saved::Failed(_)))
            .map(|t| crate::ui::text::entry_summary(&t.entry, &app.playbook))
            .collect();
        lines.push(Line::from(format!(
            "The journal stopped accepting entries: {error}"
        )));
        lines.push(Line::from(format!("NOT saved: {}", lost.join("; "))));
        lines.push(Line::from(
            "Quitting loses them; note them elsewhere, free the disk, then resume.",
        ));
    }
    if n > 0 {
        lines.push(Line::from(format!(
            "{n} entr{} still saving.",
            if n == 1 { "y is" } else { "ies are" }
        )));
        lines.push(Line::from(
            "Quit anyway? Writes already queued are finished first.",
        ));
    }
    Dialog {
        title: ("Quit?").to_string(),
        width: 70,
        height: 8,
        hint: "y: quit · any other key: stay".into(),
        lines,
    }
}
