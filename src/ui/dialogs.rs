//! Overlays drawn over the runner: help, search, and every dialog.

mod approve;
mod assign;
mod clocks_view;
mod close;
mod confirm_quit;
mod correct;
mod decide;
mod edit_draft;
mod evidence;
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
use super::text;
use super::theme::Theme;
use crate::app::dialog::Choices;
use crate::app::editor::Editor;
use crate::app::modes::{Bound, Review};
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
        Mode::Close(d) => close::close(d, t),
        Mode::Correct(d) => correct::correct(d, t),
        Mode::Evidence(d) => evidence::evidence(app, d, t),
    };
    let mut dialog = dialog;
    if app.discard_armed {
        dialog.lines.push(Line::from(Span::styled(
            "Esc again discards what you typed · any other key keeps editing",
            t.warn,
        )));
    }
    dialog.render(area, buf, t);
}

/// The review screen's help, drawn from its key table.
pub fn review_help(keys: &Bound<Review>, t: &Theme, area: Rect, buf: &mut Buffer) {
    let mut lines = vec![
        Line::from(Span::styled(
            "Review is read-only: nothing here writes to the journal.",
            t.dim,
        )),
        Line::default(),
    ];
    for (keys, what) in keys.help_rows() {
        lines.push(Line::from(vec![
            Span::styled(format!("{keys:<16}"), t.key),
            Span::raw(what),
        ]));
    }
    Dialog {
        title: "Review help".to_string(),
        width: 72,
        height: 26,
        hint: "any key: close".into(),
        lines,
    }
    .render(area, buf, t);
}

/// Marks the line that has the keys, so the focus is never only a shade.
const FOCUS_MARK: &str = "▶ ";

/// A framed dialog: its lines, size and key hint.
struct Dialog {
    title: String,
    width: u16,
    height: u16,
    hint: String,
    lines: Vec<Line<'static>>,
}

impl Dialog {
    /// Draws the dialog; when its lines do not fit (a small terminal), it
    /// scrolls to keep the focused line in view and says there is more.
    fn render(self, area: Rect, buf: &mut Buffer, t: &Theme) {
        let wanted = u16::try_from(self.lines.len() + 3).unwrap_or(u16::MAX);
        let rect = centered(area, self.width, self.height.max(wanted));
        Clear.render(rect, buf);
        let rows = usize::from(rect.height.saturating_sub(2)).max(1);
        let width = usize::from(rect.width.saturating_sub(2)).max(1);
        // Rows each line takes once wrapped (close enough for scrolling).
        let heights: Vec<usize> = self
            .lines
            .iter()
            .map(|l| l.width().div_ceil(width).max(1))
            .collect();
        let total: usize = heights.iter().sum();
        let focus = self
            .lines
            .iter()
            .position(|l| {
                l.spans
                    .first()
                    .is_some_and(|s| s.content.starts_with(FOCUS_MARK))
            })
            .unwrap_or(0);
        // Keep the focused line and the one after it (an error, a
        // preview) in view.
        let focus_end: usize = heights.iter().take(focus + 2).sum();
        let top = if total > rows {
            focus_end.saturating_sub(rows).min(total - rows)
        } else {
            0
        };
        let more = match (top > 0, top + rows < total) {
            (true, true) => "▲▼ more · ",
            (true, false) => "▲ more · ",
            (false, true) => "▼ more · ",
            (false, false) => "",
        };
        let block = Block::new()
            .borders(Borders::ALL)
            .border_type(BorderType::Double)
            .border_style(t.focus_border)
            .title(Span::styled(format!(" {} ", self.title), t.title))
            .title_bottom(Span::styled(format!(" {more}{} ", self.hint), t.dim));
        let inner = block.inner(rect);
        block.render(rect, buf);
        Paragraph::new(self.lines)
            .wrap(Wrap { trim: false })
            .scroll((u16::try_from(top).unwrap_or(u16::MAX), 0))
            .render(inner, buf);
    }
}

fn error_line(lines: &mut Vec<Line<'_>>, error: Option<&String>, t: &Theme) {
    if let Some(e) = error {
        lines.push(Line::from(Span::styled(format!("✗ {e}"), t.danger)));
    }
}

/// A one-line editor with its label and a visible cursor.
/// The label above a multi-line field, marked when the field has the keys.
fn field_label(label: &str, focused: bool, t: &Theme) -> Line<'static> {
    let (mark, style) = if focused {
        (FOCUS_MARK, t.title)
    } else {
        ("  ", t.dim)
    };
    Line::from(Span::styled(format!("{mark}{label}"), style))
}

/// The focused field carries the focus mark; a selected (pre-filled)
/// value is drawn highlighted, as typing will replace it.
fn editor_line(label: &str, editor: &Editor, focused: bool, t: &Theme) -> Line<'static> {
    let text = editor.lines().first().cloned().unwrap_or_default();
    let (mark, style) = if focused {
        (FOCUS_MARK, t.title)
    } else {
        ("  ", t.dim)
    };
    let mut spans = vec![Span::styled(format!("{mark}{label}"), style)];
    if focused && editor.is_selected() {
        spans.push(Span::styled(text, t.selected));
        spans.push(Span::raw(" "));
    } else {
        spans.extend(with_cursor(&text, focused.then_some(editor.cursor().1), t));
    }
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

/// A line of an editor with the cursor drawn on character `cursor`. Tabs
/// (kept in multi-line fields) are drawn as spaces to the next tab stop;
/// on a tab the cursor takes its first column, as a terminal's does.
fn with_cursor(text: &str, cursor: Option<usize>, t: &Theme) -> Vec<Span<'static>> {
    let Some(col) = cursor else {
        return vec![Span::raw(text::expand_tabs(text).into_owned())];
    };
    let before: String = text.chars().take(col).collect();
    let before = text::expand_tabs(&before).into_owned();
    let column = text::width(&before);
    let (at, pad) = match text.chars().nth(col) {
        Some('\t') => (
            " ".to_string(),
            text::TAB_STOP - column % text::TAB_STOP - 1,
        ),
        Some(c) => (c.to_string(), 0),
        None => (" ".to_string(), 0),
    };
    let after_column = column + text::width(&at) + pad;
    let after: String = text.chars().skip(col + 1).collect();
    let after = " ".repeat(pad) + &text::expand_tabs_from(&after, after_column);
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
            let lead = if focused && i == c.cursor {
                FOCUS_MARK
            } else {
                "  "
            };
            Line::from(Span::styled(
                format!("{lead}{mark} {}. {label}", i + 1),
                style,
            ))
        })
        .collect()
}
