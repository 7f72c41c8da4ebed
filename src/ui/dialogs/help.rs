//! The help screen.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Widget, Wrap};

use crate::app::App;
use crate::app::modes::shadowed_by;
use crate::ui::centered;
use crate::ui::theme::Theme;

pub(super) fn help(app: &App, t: &Theme, area: Rect, buf: &mut Buffer, scroll: u16) {
    let mut lines = vec![
        Line::from(Span::styled(
            "Every action is written to the journal and shown as “saving” until it is on disk.",
            t.dim,
        )),
        Line::default(),
    ];
    for (keys, what) in app.keymap.help_rows() {
        lines.push(Line::from(vec![
            Span::styled(format!("{keys:<16}"), t.key),
            Span::raw(what),
        ]));
    }
    lines.push(Line::from(vec![
        Span::styled(format!("{:<16}", "1-9"), t.key),
        Span::raw("tick or untick that checklist item"),
    ]));
    lines.push(Line::from(vec![
        Span::styled(format!("{:<16}", "Ctrl-R"), t.key),
        Span::raw("after a failed write: write the entries not saved again, in order"),
    ]));
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(
        "In a dialog every letter is text; its bottom line says how it saves (Enter, or Ctrl-S where Enter breaks a line) · Tab moves field · Esc closes (twice if you typed)",
        t.dim,
    )));
    if app.drill.is_some() {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            "Facilitator pane (Tab to it); its keys apply while it has the focus:",
            t.title,
        )));
        push_rows(&mut lines, app.mode_keys.facilitator.help_rows(), t);
        for shadow in shadowed_by(&app.keymap, &app.mode_keys.facilitator) {
            lines.push(Line::from(Span::styled(format!("  {shadow}"), t.dim)));
        }
    }
    let views = [
        (
            "Search (/): printable keys are the search text",
            app.mode_keys.search.help_rows(),
        ),
        ("Deadline clocks (c)", app.mode_keys.clocks.help_rows()),
        ("Message view (m)", app.mode_keys.message.help_rows()),
    ];
    for (title, rows) in views {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(title, t.title)));
        push_rows(&mut lines, rows, t);
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Glyphs: ○ open ▶ in progress ✓ done ↷ skipped ✗ blocked ◌ does not apply ? applies once a question is answered ! required ⋯ waits for another step", t.dim)));
    lines.push(Line::from(Span::styled(
        "Clocks: ◔ <50% ◑ <75% ◕ <90% ⚠ ≥90% ✗ breached ⌛ without undue delay",
        t.dim,
    )));
    lines.push(Line::from(Span::styled(
        format!(
            "Keys can be changed in {} under [keys] and [keys.<view>].",
            app.config_path
        ),
        t.dim,
    )));
    let rect = centered(area, 84, area.height.saturating_sub(2));
    Clear.render(rect, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(t.focus_border)
        .title(Span::styled(" Help ", t.title))
        .title_bottom(Span::styled(" ↑↓ scroll · any key: close ", t.dim));
    let inner = block.inner(rect);
    block.render(rect, buf);
    // Wrapped, so the glyph legend is never cut at a narrow width.
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0))
        .render(inner, buf);
}

/// `keys   what it does` rows, keys in the key colour.
fn push_rows(lines: &mut Vec<Line<'static>>, rows: Vec<(String, &'static str)>, t: &Theme) {
    for (keys, what) in rows {
        lines.push(Line::from(vec![
            Span::styled(format!("{keys:<16}"), t.key),
            Span::raw(what),
        ]));
    }
}
