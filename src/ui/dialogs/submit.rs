//! Recording a notification as sent or a statement as published.

use ratatui::text::{Line, Span};

use super::{Dialog, editor_line, error_line};
use crate::app::App;
use crate::app::dialog::{SubmitDialog, SubmitField};
use crate::ui::theme::Theme;

pub(super) fn submit(app: &App, d: &SubmitDialog, t: &Theme) -> Dialog {
    let title = if d.purpose == crate::journal::event::Purpose::Statement {
        "Record publication"
    } else {
        "Record as sent"
    };
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{}{}",
            app.playbook
                .step(&d.step)
                .map_or(d.step.clone(), |s| s.title.clone()),
            d.version
                .map(|v| format!(" · version {v}"))
                .unwrap_or_default()
        ),
        t.title,
    ))];
    if !d.stages.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("meets: {}", d.stages.join(", ")),
            t.dim,
        )));
    }
    if !d.gaps.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("⟦gaps⟧ still unknown: {}", d.gaps.join(", ")),
            t.gap,
        )));
    }
    if d.unapproved {
        lines.push(Line::from(Span::styled(
            "this version has no approval",
            t.warn,
        )));
    }
    if let Some(warning) = app
        .playbook
        .step(&d.step)
        .and_then(|s| s.contact.as_deref())
        .and_then(|c| app.playbook.contact(c))
        .and_then(crate::playbook::Contact::placeholder_warning)
    {
        lines.push(Line::from(Span::styled(warning, t.warn)));
    }
    lines.push(Line::default());
    let cx = app.ctx();
    for (i, (field, editor)) in d.fields.iter().enumerate() {
        lines.push(editor_line(
            &format!("{:<24}", field.label()),
            editor,
            i == d.focus,
            t,
        ));
        if *field == SubmitField::SentAt {
            let shown = d.sent_at(cx).map_or_else(
                |e| e,
                |at| {
                    format!(
                        "= {}",
                        crate::playbook::value::format_local_and_utc(at, app.tz())
                    )
                },
            );
            lines.push(Line::from(Span::styled(
                format!("{:<24}{shown}", ""),
                t.dim,
            )));
        }
    }
    error_line(&mut lines, d.error.as_ref(), t);
    Dialog {
        title: (title).to_string(),
        width: 80,
        height: 20,
        hint: d.hints().into(),
        lines,
    }
}
