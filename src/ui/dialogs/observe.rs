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
        // Markdown, as the facilitator's panel shows it: a list of what
        // the team should do, one item a line, never run together.
        lines.push(Line::from(Span::styled("Expected:", t.dim)));
        lines.extend(crate::ui::markdown::render(&expect, t));
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
        for (label, editor, field) in [
            ("Corrective action: ", &d.action, ObserveField::Action),
            ("Core capability: ", &d.capability, ObserveField::Capability),
            (
                "Responsible organisation: ",
                &d.organisation,
                ObserveField::Organisation,
            ),
            ("Point of contact: ", &d.owner, ObserveField::Owner),
            ("Start (YYYY-MM-DD): ", &d.start, ObserveField::Start),
            ("Completion (YYYY-MM-DD): ", &d.due, ObserveField::Due),
        ] {
            lines.push(editor_line(label, editor, d.focus == field, t));
        }
    }
    error_line(&mut lines, d.error.as_ref(), t);
    Dialog {
        title,
        width: 76,
        height: 22,
        hint: d.hints().into(),
        lines,
    }
}
