//! Assigning roles.

use ratatui::text::{Line, Span};

use super::{Dialog, editor_line};
use crate::app::App;
use crate::app::dialog::AssignDialog;
use crate::ui::theme::Theme;

pub(super) fn assign(app: &App, d: &AssignDialog, t: &Theme) -> Dialog {
    let mut lines = Vec::new();
    for (i, role) in d.roles.iter().enumerate() {
        let title = app
            .playbook
            .role(role)
            .map_or(role.as_str(), |r| r.title.as_str());
        let holder = app.state().holder(role).unwrap_or("unassigned");
        let style = if i == d.cursor { t.selected } else { t.base };
        lines.push(Line::from(vec![
            Span::styled(format!("{title} ({role})"), style),
            Span::styled(format!("  {holder}"), t.dim),
        ]));
        if i == d.cursor {
            lines.push(editor_line("  person: ", &d.person, true, t));
        }
    }
    Dialog {
        title: ("Assign roles").to_string(),
        width: 70,
        height: 18,
        hint: d.hints().into(),
        lines,
    }
}
