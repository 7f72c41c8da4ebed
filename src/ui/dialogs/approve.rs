//! Approving a statement version.

use ratatui::text::Line;

use super::{Dialog, editor_line, error_line};
use crate::app::dialog::ApproveDialog;
use crate::ui::theme::Theme;

pub(super) fn approve(d: &ApproveDialog, t: &Theme) -> Dialog {
    let mut lines = vec![
        Line::from(format!("Approve version {} as {}", d.version, d.role)),
        Line::default(),
        editor_line("Approver: ", &d.approver, !d.on_comment, t),
        editor_line("Comment:  ", &d.comment, d.on_comment, t),
    ];
    error_line(&mut lines, d.error.as_ref(), t);
    Dialog {
        title: ("Approve statement").to_string(),
        width: 70,
        height: 10,
        hint: d.hints().into(),
        lines,
    }
}
