//! Text taller than its pane: word wrap by display columns, a window from
//! an offset, and a marker row that says more text lies below or above, so
//! nothing is ever cut off silently.

use std::ops::Range;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::text;
use super::theme::Theme;

/// Wraps lines at word boundaries to `width` display columns. A word wider
/// than the pane is cut across rows; spaces at a break are dropped, never
/// the words around them.
pub fn wrap(lines: &[Line<'_>], width: usize) -> Vec<Line<'static>> {
    wrap_window(lines, width, 0..usize::MAX).rows
}

/// Some of the rows wrapping makes, and how many it makes in all.
struct Wrapped {
    /// The rows asked for.
    rows: Vec<Line<'static>>,
    total: usize,
}

/// Wraps `lines` as [`wrap`] does, building only the rows numbered in
/// `keep` (from 0) and counting the others: a long document (the review's
/// metrics of a 100,000-entry journal) is drawn a page at a time, and
/// building every row of it on each frame took tens of MiB.
fn wrap_window(lines: &[Line<'_>], width: usize, keep: Range<usize>) -> Wrapped {
    let width = width.max(1);
    let mut out = Rows {
        built: Vec::new(),
        count: 0,
        keep,
    };
    for line in lines {
        let mut row = Row::new(line, width);
        for span in &line.spans {
            for token in tokens(&span.content) {
                row.place(token, span.style, &mut out);
            }
        }
        row.finish(&mut out);
    }
    Wrapped {
        rows: out.built,
        total: out.count,
    }
}

/// Where finished rows go: built when their number is in `keep`, counted
/// in any case.
struct Rows {
    built: Vec<Line<'static>>,
    count: usize,
    keep: Range<usize>,
}

impl Rows {
    /// Whether the row being filled is one to build.
    fn building(&self) -> bool {
        self.keep.contains(&self.count)
    }
}

/// Runs of spaces, runs of other characters, and each line break on its
/// own, in order.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut blank = None;
    for (i, c) in text.char_indices() {
        if c == '\n' {
            if start < i {
                out.push(&text[start..i]);
            }
            out.push("\n");
            start = i + 1;
            blank = None;
            continue;
        }
        let is_blank = c.is_whitespace();
        if blank.is_some_and(|b| b != is_blank) {
            out.push(&text[start..i]);
            start = i;
        }
        blank = Some(is_blank);
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// The row being filled while wrapping one source line.
struct Row {
    spans: Vec<Span<'static>>,
    used: usize,
    width: usize,
    /// True on rows after the first of a source line (leading spaces go).
    continued: bool,
    /// The source line's own indent, repeated on its continuation rows so
    /// wrapped text stays in its column.
    indent: usize,
    style: ratatui::style::Style,
    alignment: Option<ratatui::layout::Alignment>,
}

impl Row {
    fn new(line: &Line<'_>, width: usize) -> Self {
        let leading = line
            .spans
            .iter()
            .flat_map(|s| s.content.chars())
            .take_while(|c| *c == ' ')
            .count();
        Self {
            spans: Vec::new(),
            used: 0,
            width,
            continued: false,
            indent: leading.min(width / 2),
            style: line.style,
            alignment: line.alignment,
        }
    }

    fn break_row(&mut self, out: &mut Rows) {
        self.finish(out);
        self.continued = true;
        if self.indent > 0 {
            let indent = " ".repeat(self.indent);
            self.push(&indent, self.indent, ratatui::style::Style::default(), out);
        }
    }

    fn finish(&mut self, out: &mut Rows) {
        if out.building() {
            let mut line = Line::from(std::mem::take(&mut self.spans)).style(self.style);
            line.alignment = self.alignment;
            out.built.push(line);
        }
        out.count += 1;
        self.used = 0;
    }

    fn place(&mut self, token: &str, style: ratatui::style::Style, out: &mut Rows) {
        if token == "\n" {
            self.finish(out);
            self.continued = false;
            return;
        }
        let w = text::width(token);
        if token.chars().all(char::is_whitespace) {
            if self.used <= self.indent && self.continued {
                return;
            }
            if self.used + w > self.width {
                self.break_row(out);
                return;
            }
            self.push(token, w, style, out);
            return;
        }
        if self.used + w <= self.width {
            self.push(token, w, style, out);
            return;
        }
        if self.used > 0 && w <= self.width {
            self.break_row(out);
            self.push(token, w, style, out);
            return;
        }
        // A word wider than what is left: cut it across rows.
        let mut bytes = [0; 4];
        for c in token.chars() {
            let cw = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
            if self.used + cw > self.width && self.used > 0 {
                self.break_row(out);
            }
            self.push(c.encode_utf8(&mut bytes), cw, style, out);
        }
    }

    /// Adds `piece` (`w` columns) to the row; only its width when the row
    /// is not one to build.
    fn push(&mut self, piece: &str, w: usize, style: ratatui::style::Style, out: &Rows) {
        self.used += w;
        if out.building() {
            self.spans.push(Span::styled(piece.to_string(), style));
        }
    }
}

/// What a scrolled render showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The first row drawn, after clamping to the last full page.
    pub offset: usize,
    /// Rows of wrapped text in all.
    pub rows: usize,
}

/// Draws `lines` wrapped into `area` from row `offset`. When they do not
/// fit, the last row of the area becomes a marker ("▼ 12 more lines" with
/// `hint`, or "▲ 5 lines above" at the end), so a reader always knows text
/// is hidden.
pub fn render(
    lines: &[Line<'_>],
    offset: usize,
    hint: &str,
    area: Rect,
    buf: &mut Buffer,
    t: &Theme,
) -> Window {
    let width = usize::from(area.width);
    let height = usize::from(area.height);
    // Counted first (nothing built past the first page), then the page
    // at the offset, which the count bounds, built alone.
    let first = wrap_window(lines, width, 0..height);
    let total = first.total;
    if total <= height || height < 2 {
        Paragraph::new(first.rows).render(area, buf);
        return Window {
            offset: 0,
            rows: total,
        };
    }
    let page = height - 1;
    let offset = offset.min(total - page);
    let mut shown = if offset == 0 {
        let mut rows = first.rows;
        rows.truncate(page);
        rows
    } else {
        wrap_window(lines, width, offset..offset + page).rows
    };
    let below = total - page - offset;
    let marker = if below > 0 {
        format!(
            "▼ {below} more line{}{hint}",
            if below == 1 { "" } else { "s" }
        )
    } else {
        format!(
            "▲ {offset} line{} above{hint}",
            if offset == 1 { "" } else { "s" }
        )
    };
    shown.push(Line::from(Span::styled(
        text::fit(&marker, usize::from(area.width)),
        t.warn,
    )));
    Paragraph::new(shown).render(area, buf);
    Window {
        offset,
        rows: total,
    }
}

/// The first row of a list window of `height` rows that keeps `selected`
/// visible, with one row of context after it when there is room.
pub fn list_start(selected: usize, len: usize, height: usize) -> usize {
    if height == 0 || len <= height {
        return 0;
    }
    let wanted_end = (selected + 2).min(len);
    wanted_end.saturating_sub(height).min(len - height)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn m1_wrapping_never_glues_words() {
        let rows = wrap(&[Line::from("shall notify not later than 72 hours")], 14);
        assert_eq!(
            plain(&rows),
            ["shall notify ", "not later than", "72 hours"]
        );
        let words: Vec<String> = plain(&rows)
            .iter()
            .flat_map(|r| r.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .collect();
        assert_eq!(
            words,
            ["shall", "notify", "not", "later", "than", "72", "hours"]
        );
    }

    #[test]
    fn m1_a_line_break_inside_a_span_starts_a_row_instead_of_gluing() {
        let rows = wrap(&[Line::from(Span::raw("not later\nthan 72 hours"))], 40);
        assert_eq!(plain(&rows), ["not later", "than 72 hours"]);
    }

    #[test]
    fn wraps_by_display_columns() {
        let rows = wrap(&[Line::from("事件 事件事件")], 6);
        assert_eq!(plain(&rows), ["事件 ", "事件事", "件"]);
        assert!(rows.iter().all(|r| text::width(&r.to_string()) <= 6));
    }

    #[test]
    fn keeps_leading_indent_and_empty_lines() {
        let rows = wrap(&[Line::from("  • one two"), Line::default()], 8);
        assert_eq!(plain(&rows), ["  • one ", "  two", ""]);
    }

    #[test]
    fn a_window_of_rows_is_that_slice_of_the_whole_wrap() {
        let lines = [
            Line::from("  • shall notify not later than 72 hours after awareness"),
            Line::default(),
            Line::from(Span::raw("a\nbreak and a wordwiderthanthepaneitself here")),
            Line::from("事件 事件事件 事件"),
        ];
        let whole = plain(&wrap(&lines, 9));
        for start in 0..=whole.len() {
            for end in start..=whole.len() + 1 {
                let window = wrap_window(&lines, 9, start..end);
                assert_eq!(window.total, whole.len());
                assert_eq!(
                    plain(&window.rows),
                    whole[start..end.min(whole.len())],
                    "{start}..{end}"
                );
            }
        }
    }

    #[test]
    fn marker_says_how_much_is_below_and_above() {
        let t = Theme::mono();
        let lines: Vec<Line> = (1..=10).map(|i| Line::from(format!("line {i}"))).collect();
        let area = Rect::new(0, 0, 30, 4);
        let mut buf = Buffer::empty(area);
        let w = render(&lines, 0, " · PgDn", area, &mut buf, &t);
        assert_eq!(
            w,
            Window {
                offset: 0,
                rows: 10
            }
        );
        let last: String = (0..30).map(|x| buf[(x, 3)].symbol().to_string()).collect();
        assert!(last.starts_with("▼ 7 more lines · PgDn"), "{last}");
        let mut buf = Buffer::empty(area);
        let w = render(&lines, 99, " · PgUp", area, &mut buf, &t);
        assert_eq!(w.offset, 7);
        let first: String = (0..30).map(|x| buf[(x, 0)].symbol().to_string()).collect();
        assert!(first.starts_with("line 8"), "{first}");
        let last: String = (0..30).map(|x| buf[(x, 3)].symbol().to_string()).collect();
        assert!(last.starts_with("▲ 7 lines above · PgUp"), "{last}");
    }

    #[test]
    fn list_window_keeps_the_selection_visible() {
        for selected in 0..20 {
            let start = list_start(selected, 20, 8);
            assert!(start <= selected && selected < start + 8, "{selected}");
        }
        assert_eq!(list_start(3, 5, 8), 0);
    }
}
