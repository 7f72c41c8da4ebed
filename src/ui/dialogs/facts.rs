//! Answering facts, one at a time.

use ratatui::text::{Line, Span};

use super::{Dialog, choice_lines, editor_line, error_line};
use crate::app::App;
use crate::app::dialog::{FactsDialog, FieldInput};
use crate::ui::theme::Theme;

pub(super) fn facts(app: &App, d: &FactsDialog, t: &Theme) -> Dialog {
    let cx = app.ctx();
    let mut lines = Vec::new();
    for (i, fact) in d.facts.iter().enumerate() {
        let def = app.playbook.fact(fact);
        let prompt = def.map_or(fact.as_str(), |d| d.prompt.as_str());
        let value = app
            .state()
            .fact(fact)
            .map_or_else(|| "—".to_string(), |v| v.display(def, app.tz()));
        let style = if i == d.selected { t.selected } else { t.base };
        let mut spans = vec![
            Span::styled(format!("{prompt} "), style),
            Span::styled(value, t.ok),
        ];
        spans.extend(crate::ui::detail::contested_span(app, fact, t));
        lines.push(Line::from(spans));
        if let Some(kept) = d.kept.get(fact).filter(|_| i != d.selected) {
            // Typed, then Tab: still there, and plainly not recorded.
            lines.push(Line::from(Span::styled(
                format!("  ✎ not saved: {} (Enter on it saves)", kept.as_input()),
                t.warn,
            )));
        }
        if i == d.selected {
            match &d.editing {
                Some(FieldInput::Text(e)) => {
                    lines.push(editor_line("> ", e, d.amend.is_none(), t));
                    if let Some(p) = d.preview(cx) {
                        lines.push(Line::from(Span::styled(format!("    {p}"), t.dim)));
                    }
                }
                Some(FieldInput::Pick(c)) => lines.extend(choice_lines(c, true, t)),
                None => {}
            }
            if let Some(help) = def.and_then(|d| d.help.clone()) {
                lines.push(Line::from(Span::styled(format!("  {help}"), t.dim)));
            }
        }
    }
    if let Some(a) = &d.amend {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            format!("{} was {}; new value {}.", a.question, a.previous, a.shown),
            t.warn,
        )));
        match &a.reason {
            None => {
                for (answer, text) in [
                    (
                        true,
                        "↑ the earlier value was wrong (a correction, kept beside it)",
                    ),
                    (false, "↓ it has changed since"),
                ] {
                    let chosen = a.choice == Some(answer);
                    lines.push(Line::from(Span::styled(
                        format!("{}{text}", if chosen { "▶ " } else { "  " }),
                        if chosen { t.selected } else { t.base },
                    )));
                }
            }
            Some(reason) => lines.push(editor_line("Why was it wrong: ", reason, true, t)),
        }
    }
    error_line(&mut lines, d.error.as_ref(), t);
    if let Some(echo) = &d.echo {
        // Dialogs see no acknowledgements: "saving" only while entries are
        // on their way to the disk.
        let shown = match (d.echo_recorded, app.pending().is_empty()) {
            (true, false) => format!("saving: {echo}"),
            (true, true) if app.write_error.is_none() => format!("✓ saved: {echo}"),
            (true, true) => format!("✗ not saved: {echo}"),
            (false, _) => echo.clone(),
        };
        lines.push(Line::from(Span::styled(shown, t.ok)));
    }
    let hint = d.hints();
    Dialog {
        title: ("Answer facts").to_string(),
        width: 78,
        height: 20,
        hint: hint.into(),
        lines,
    }
}
