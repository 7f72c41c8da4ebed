//! A free note.

use ratatui::text::{Line, Span};

use super::{Dialog, editor_lines};
use crate::app::App;
use crate::app::dialog::NoteDialog;
use crate::ui::theme::Theme;

pub(super) fn note(app: &App, d: &NoteDialog, t: &Theme) -> Dialog {
    let about = d
        .step
        .as_deref()
        .and_then(|s| app.playbook.step(s))
        .map_or("the incident in general".to_string(), |s| {
            format!("step: {}", s.title)
        });
    let mut lines = vec![
        Line::from(Span::styled(format!("About {about}"), t.dim)),
        Line::default(),
    ];
    lines.extend(editor_lines(&d.editor, true, t));
    Dialog {
        title: ("Note").to_string(),
        width: 76,
        height: 16,
        hint: d.hints().into(),
        lines,
    }
}
