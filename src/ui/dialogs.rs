//! Overlays drawn over the runner: help, search, and every dialog.

mod approve;
mod assign;
mod clocks_view;
mod confirm_quit;
mod decide;
mod edit_draft;
mod facts;
mod help;
mod message;
mod note;
mod observe;
mod reason;
mod search;
mod submit;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Widget, Wrap};

use super::centered;
use super::theme::Theme;
use crate::app::dialog::Choices;
use crate::app::editor::Editor;
use crate::app::{App, Mode};

/// Draws whatever dialog the mode calls for.
pub fn overlay(app: &App, t: &Theme, area: Rect, buf: &mut Buffer) {
    let dialog = match &app.mode {
        Mode::Normal => return,
        Mode::Help { scroll } => return help::help(app, t, area, buf, *scroll),
        Mode::Message(v) => return message::message(app, t, area, buf, v),
        Mode::Clocks(v) => {
            return clocks_view::clocks_dialog(app, t, area, buf, v.selected, v.detail);
        }
        Mode::Search(s) => search::search(app, s, t),
        Mode::Reason(d) => reason::reason(app, d, t),
        Mode::Note(d) => note::note(app, d, t),
        Mode::Facts(d) => facts::facts(app, d, t),
        Mode::Decide(d) => decide::decide(d, t),
        Mode::Assign(d) => assign::assign(app, d, t),
        Mode::EditDraft { editor, .. } => edit_draft::edit_draft(editor, t),
        Mode::Submit(d) => submit::submit(app, d, t),
        Mode::Approve(d) => approve::approve(d, t),
        Mode::Observe(d) => observe::observe(app, d, t),
        Mode::ConfirmQuit => confirm_quit::confirm_quit(app),
    };
    dialog.render(area, buf, t);
}

/// A framed dialog: its lines, size and key hint.
struct Dialog {
    title: String,
    width: u16,
    height: u16,
    hint: &'static str,
    lines: Vec<Line<'static>>,
}

impl Dialog {
    fn render(self, area: Rect, buf: &mut Buffer, t: &Theme) {
        let wanted = u16::try_from(self.lines.len() + 3).unwrap_or(u16::MAX);
        let rect = centered(area, self.width, self.height.max(wanted));
        Clear.render(rect, buf);
        let block = Block::new()
            .borders(Borders::ALL)
            .border_type(BorderType::Double)
            .border_style(t.focus_border)
            .title(Span::styled(format!(" {} ", self.title), t.title))
            .title_bottom(Span::styled(format!(" {} ", self.hint), t.dim));
        let inner = block.inner(rect);
        block.render(rect, buf);
        Paragraph::new(self.lines)
            .wrap(Wrap { trim: false })
            .render(inner, buf);
    }
}

fn error_line(lines: &mut Vec<Line<'_>>, error: Option<&String>, t: &Theme) {
    if let Some(e) = error {
        lines.push(Line::from(Span::styled(format!("✗ {e}"), t.danger)));
    }
}

/// A one-line editor with its label and a visible cursor.
fn editor_line(label: &str, editor: &Editor, focused: bool, t: &Theme) -> Line<'static> {
    let text = editor.lines().first().cloned().unwrap_or_default();
    let mut spans = vec![Span::styled(
        label.to_string(),
        if focused { t.title } else { t.dim },
    )];
    spans.extend(with_cursor(&text, focused.then_some(editor.cursor().1), t));
    Line::from(spans)
}

fn editor_lines(editor: &Editor, focused: bool, t: &Theme) -> Vec<Line<'static>> {
    let (row, col) = editor.cursor();
    editor
        .lines()
        .iter()
        .enumerate()
        .map(|(i, line)| Line::from(with_cursor(line, (focused && i == row).then_some(col), t)))
        .collect()
}

fn with_cursor(text: &str, cursor: Option<usize>, t: &Theme) -> Vec<Span<'static>> {
    let Some(col) = cursor else {
        return vec![Span::raw(text.to_string())];
    };
    let before: String = text.chars().take(col).collect();
    let at: String = text.chars().nth(col).map_or(" ".into(), |c| c.to_string());
    let after: String = text.chars().skip(col + 1).collect();
    vec![
        Span::raw(before),
        Span::styled(at, t.selected),
        Span::raw(after),
    ]
}

fn choice_lines(c: &Choices, focused: bool, t: &Theme) -> Vec<Line<'static>> {
    c.options
        .iter()
        .enumerate()
        .map(|(i, (_, label))| {
            let mark = match (c.multiple, c.chosen[i]) {
                (true, true) => "[x]",
                (true, false) => "[ ]",
                (false, true) => "(•)",
                (false, false) => "( )",
            };
            let style = if focused && i == c.cursor {
                t.selected
            } else {
                t.base
            };
            Line::from(Span::styled(format!("  {mark} {}. {label}", i + 1), style))
        })
        .collect()
}
