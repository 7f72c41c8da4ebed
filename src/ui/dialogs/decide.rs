//! A decision with rationale and decider.

use ratatui::text::{Line, Span};

use super::{Dialog, choice_lines, editor_line, editor_lines, error_line};
use crate::app::dialog::{DecideDialog, DecideFocus};
use crate::ui::theme::Theme;

pub(super) fn decide(d: &DecideDialog, t: &Theme) -> Dialog {
    let mut lines = vec![
        Line::from(Span::styled(d.prompt.clone(), t.title)),
        Line::default(),
    ];
    lines.extend(choice_lines(&d.choices, d.focus == DecideFocus::Options, t));
    lines.push(Line::default());
    lines.push(super::field_label(
        "Rationale (required):",
        d.focus == DecideFocus::Rationale,
        t,
    ));
    lines.extend(editor_lines(
        &d.rationale,
        d.focus == DecideFocus::Rationale,
        t,
    ));
    lines.push(editor_line(
        "Decided by: ",
        &d.decider,
        d.focus == DecideFocus::Decider,
        t,
    ));
    error_line(&mut lines, d.error.as_ref(), t);
    Dialog {
        title: ("Decision").to_string(),
        width: 76,
        height: 20,
        hint: d.hints().into(),
        lines,
    }
}
