//! Recording evidence on the current step.

use ratatui::text::{Line, Span};

use super::{Dialog, editor_line, error_line};
use crate::app::App;
use crate::app::dialog::{EvidenceDialog, EvidenceField};
use crate::ui::theme::Theme;

pub(super) fn evidence(app: &App, d: &EvidenceDialog, t: &Theme) -> Dialog {
    let about = d
        .step
        .as_deref()
        .and_then(|s| app.playbook.step(s))
        .map_or("the incident in general".to_string(), |s| {
            format!("step: {}", s.title)
        });
    let mut lines = vec![
        Line::from(Span::styled(format!("Evidence on {about}"), t.dim)),
        Line::from(Span::styled(
            "A folder is recorded file by file; each file's SHA-256 is taken when you save.",
            t.dim,
        )),
        Line::default(),
    ];
    for (label, editor, field) in [
        ("File or folder: ", &d.path, EvidenceField::Path),
        ("Description: ", &d.description, EvidenceField::Description),
        ("Custodian: ", &d.custodian, EvidenceField::Custodian),
    ] {
        lines.push(editor_line(label, editor, d.focus == field, t));
    }
    error_line(&mut lines, d.error.as_ref(), t);
    Dialog {
        title: "Evidence".to_string(),
        width: 76,
        height: 12,
        hint: d.hints().to_string(),
        lines,
    }
}
