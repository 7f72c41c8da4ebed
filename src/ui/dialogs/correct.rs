//! Correcting a recorded entry: which entry, its fields as recorded
//! (selected: typing replaces them), and the reason.

use ratatui::text::{Line, Span};

use super::{Dialog, editor_line, error_line};
use crate::app::dialog::CorrectDialog;
use crate::ui::theme::Theme;

pub(super) fn correct(d: &CorrectDialog, t: &Theme) -> Dialog {
    let entry = d.entry();
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("#{} ", entry.seq), t.dim),
            Span::raw(entry.summary.clone()),
        ]),
        Line::from(Span::styled(
            format!(
                "entry {} of {} · the original stays in the journal beside the correction",
                d.index + 1,
                d.entries.len()
            ),
            t.dim,
        )),
        Line::default(),
    ];
    if entry.fact.is_some() {
        lines.push(Line::from(
            "A fact is corrected by answering it again: Enter opens it.",
        ));
    } else {
        let width = d.fields.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
        for (i, (name, editor)) in d.fields.iter().enumerate() {
            lines.push(editor_line(
                &format!("{name:<width$}: "),
                editor,
                d.focus == i,
                t,
            ));
        }
        lines.push(editor_line(
            "Why it was wrong: ",
            &d.reason,
            d.focus == d.fields.len(),
            t,
        ));
    }
    error_line(&mut lines, d.error.as_ref(), t);
    Dialog {
        title: "Correct an entry".to_string(),
        width: 76,
        height: 12,
        hint: d.hints().to_string(),
        lines,
    }
}
