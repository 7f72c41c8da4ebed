//! Editing a message draft as a new version.

use super::{Dialog, editor_lines};
use crate::app::editor::Editor;
use crate::ui::theme::Theme;

pub(super) fn edit_draft(editor: &Editor, t: &Theme) -> Dialog {
    let lines = editor_lines(editor, true, t);
    Dialog {
        title: ("Edit draft (saved as a new version)").to_string(),
        width: 90,
        height: 24,
        hint: "Ctrl-S: save version · Esc: close (asks first if you typed)".into(),
        lines,
    }
}
