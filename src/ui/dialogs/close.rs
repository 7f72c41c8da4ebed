//! Closing the incident: the reason, one reason per open required step,
//! then the confirmation.

use ratatui::text::{Line, Span};

use super::{Dialog, editor_line, error_line};
use crate::app::dialog::CloseDialog;
use crate::ui::theme::Theme;

pub(super) fn close(d: &CloseDialog, t: &Theme) -> Dialog {
    let mut lines = vec![
        Line::from("Closing ends the incident: the journal records why, and who closed it."),
        Line::default(),
        editor_line("Why close: ", &d.reason, !d.confirming && d.focus == 0, t),
    ];
    if d.open.is_empty() {
        lines.push(Line::from(Span::styled(
            "No required step is still open.",
            t.dim,
        )));
    } else {
        lines.push(Line::default());
        lines.push(Line::from(format!(
            "{} required step{} still open: say why each was not done.",
            d.open.len(),
            if d.open.len() == 1 { " is" } else { "s are" }
        )));
        for (i, o) in d.open.iter().enumerate() {
            lines.push(editor_line(
                &format!("{}: ", o.title),
                &o.editor,
                !d.confirming && d.focus == i + 1,
                t,
            ));
        }
    }
    error_line(&mut lines, d.error.as_ref(), t);
    if d.confirming {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            "Close the incident now? This entry cannot be undone. y: close",
            t.warn,
        )));
    }
    Dialog {
        title: "Close the incident".to_string(),
        width: 76,
        height: 12,
        hint: d.hints().to_string(),
        lines,
    }
}
