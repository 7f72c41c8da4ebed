//! Skip, block or reopen with a reason.

use ratatui::text::Line;

use super::{Dialog, editor_line, error_line};
use crate::app::App;
use crate::app::dialog::ReasonDialog;
use crate::ui::theme::Theme;

pub(super) fn reason(app: &App, d: &ReasonDialog, t: &Theme) -> Dialog {
    let mut lines = vec![
        Line::from(
            app.playbook
                .step(&d.step)
                .map_or(d.step.clone(), |s| s.title.clone()),
        ),
        Line::default(),
        editor_line("Reason: ", &d.editor, true, t),
    ];
    error_line(&mut lines, d.error.as_ref(), t);
    Dialog {
        title: (d.kind.title()).to_string(),
        width: 70,
        height: 8,
        hint: d.hints().into(),
        lines,
    }
}
