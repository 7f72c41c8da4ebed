//! A drill observation or hot-wash item.

use ratatui::text::{Line, Span};

use super::{Dialog, choice_lines, editor_line, editor_lines, error_line};
use crate::app::{App, ObserveDialog, ObserveField};
use crate::ui::theme::Theme;

pub(super) fn observe(app: &App, d: &ObserveDialog, t: &Theme) -> Dialog {
    let title = d
        .inject
        .as_deref()
        .map_or("Hot-wash item".to_string(), |i| {
            format!("Observation on inject {i}")
        });
    let mut lines = Vec::new();
    if let Some(expect) = d
        .inject
        .as_deref()
        .and_then(|i| app.drill.as_ref()?.drill.inject(i))
        .and_then(|i| i.expect.clone())
    {
        lines.push(Line::from(Span::styled(
            format!("Expected: {expect}"),
            t.dim,
        )));
        lines.push(Line::default());
    }
    lines.extend(choice_lines(&d.kind, d.focus == ObserveField::Kind, t));
    lines.push(super::field_label(
        "What was observed:",
        d.focus == ObserveField::Note,
        t,
    ));
    lines.extend(editor_lines(&d.note, d.focus == ObserveField::Note, t));
    if d.inject.is_none() {
        lines.push(editor_line(
            "Owner: ",
            &d.owner,
            d.focus == ObserveField::Owner,
            t,
        ));
        lines.push(editor_line(
            "Due (YYYY-MM-DD): ",
            &d.due,
            d.focus == ObserveField::Due,
            t,
        ));
    }
    error_line(&mut lines, d.error.as_ref(), t);
    Dialog {
        title,
        width: 76,
        height: 18,
        hint: d.hints(),
        lines,
    }
}
