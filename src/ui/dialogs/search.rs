//! The step search box and its hits.

use ratatui::text::{Line, Span};

use super::{Dialog, editor_line};
use crate::app::view_keys::Search;
use crate::app::{App, SearchView};
use crate::ui::theme::Theme;

pub(super) fn search(app: &App, s: &SearchView, t: &Theme) -> Dialog {
    let hits = app.search_hits(&s.editor.text());
    let mut lines = vec![editor_line("Find: ", &s.editor, true, t), Line::default()];
    for (i, id) in hits.iter().enumerate().take(12) {
        let Some(step) = app.playbook.step(id) else {
            continue;
        };
        let phase = app
            .playbook
            .phase_of(id)
            .map_or("", |p| app.playbook.phases[p].title.as_str());
        let style = if i == s.selected.min(hits.len().saturating_sub(1)) {
            t.selected
        } else {
            t.base
        };
        lines.push(Line::from(vec![
            Span::styled(step.title.clone(), style),
            Span::styled(format!("  {phase} · {id}"), t.dim),
        ]));
    }
    if hits.is_empty() && !s.editor.is_blank() {
        lines.push(Line::from(Span::styled("no step matches", t.dim)));
    }
    Dialog {
        title: ("Search steps").to_string(),
        width: 70,
        height: 18,
        hint: app.mode_keys.search.hint(&[
            (&[Search::Go], "go"),
            (&[Search::Up, Search::Down], "choose"),
            (&[Search::Close], "close"),
        ]),
        lines,
    }
}
