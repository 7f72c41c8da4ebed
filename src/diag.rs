//! Diagnostics: source positions, located values, and the one renderer used
//! for every YAML and semantic error so authors see the same shape everywhere.

use std::fmt::{self, Write as _};

/// A 1-based line and column in a source file (columns count characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Pos {
    pub line: u32,
    pub col: u32,
}

impl Pos {
    pub const fn new(line: u32, col: u32) -> Self {
        Self { line, col }
    }

    /// True when the parser could not tell where a value came from.
    pub const fn is_unknown(self) -> bool {
        self.line == 0
    }

    /// The position `chars` characters further along the same line.
    #[must_use]
    pub fn shifted(self, chars: usize) -> Self {
        let chars = u32::try_from(chars).unwrap_or(u32::MAX);
        Self::new(self.line, self.col.saturating_add(chars))
    }
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// A value together with where it was written, so validation can point at it.
///
/// Deserialisation (which needs the YAML crate) lives in `playbook::load`.
/// Ordered by value first, so a map keyed by located keys (a case file's
/// `clocks:`) iterates in the order the plain keys would.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Located<T> {
    pub value: T,
    pub at: Pos,
}

impl<T> Located<T> {
    pub const fn new(value: T, at: Pos) -> Self {
        Self { value, at }
    }
}

impl Located<String> {
    pub fn as_str(&self) -> &str {
        &self.value
    }
}

impl<T> std::ops::Deref for Located<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
        }
    }
}

/// One problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub message: String,
    pub pos: Option<Pos>,
    /// How many characters to underline at `pos` (at least one is drawn).
    pub width: usize,
    pub help: Option<String>,
    /// How many problems this one stands for: more than one for "N more
    /// like … not shown", so a file's count of errors is the real one.
    pub count: usize,
}

impl Diagnostic {
    pub fn error(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            message: message.into(),
            pos: None,
            width: 1,
            help: None,
            count: 1,
        }
    }

    /// A diagnostic that stands for `count` problems of one kind.
    #[must_use]
    pub const fn standing_for(mut self, count: usize) -> Self {
        self.count = count;
        self
    }

    /// How many errors this diagnostic counts for in a file's summary.
    pub fn errors(&self) -> usize {
        if self.is_error() { self.count } else { 0 }
    }

    pub fn warning(message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(message)
        }
    }

    #[must_use]
    pub fn at(mut self, pos: Pos) -> Self {
        if !pos.is_unknown() {
            self.pos = Some(pos);
        }
        self
    }

    /// Points at a located value and underlines its text.
    #[must_use]
    pub fn at_value(self, value: &Located<String>) -> Self {
        let width = value.value.chars().count().max(1);
        self.at(value.at).underline(width)
    }

    #[must_use]
    pub fn underline(mut self, width: usize) -> Self {
        self.width = width.max(1);
        self
    }

    #[must_use]
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Renders `severity: message`, the `path:line:col` locator, the source
    /// line with a caret underline, and any help, in the style of rustc.
    pub fn render(&self, path: &str, source: &str) -> String {
        let mut out = format!("{}: {}\n", self.severity.label(), self.message);
        match self.pos {
            Some(pos) => {
                let _ = writeln!(out, "  --> {path}:{pos}");
                if let Some(line_text) = source_line(source, pos.line) {
                    let number = pos.line.to_string();
                    let pad = " ".repeat(number.len());
                    let caret_col = usize::try_from(pos.col.saturating_sub(1)).unwrap_or(0);
                    let (shown, caret_col) = snippet_window(line_text, caret_col);
                    let available = shown.chars().count().saturating_sub(caret_col).max(1);
                    let width = self.width.min(available).max(1);
                    let _ = writeln!(out, "{pad} |");
                    let _ = writeln!(out, "{number} | {shown}");
                    let _ = writeln!(
                        out,
                        "{pad} | {}{}",
                        " ".repeat(caret_col),
                        "^".repeat(width)
                    );
                }
            }
            None => {
                let _ = writeln!(out, "  --> {path}");
            }
        }
        if let Some(help) = &self.help {
            let _ = writeln!(out, "  = help: {help}");
        }
        out
    }

    /// One line, `path:line:col: severity: message`, for terse listings.
    pub fn one_line(&self, path: &str) -> String {
        match self.pos {
            Some(pos) => format!("{path}:{pos}: {}: {}", self.severity.label(), self.message),
            None => format!("{path}: {}: {}", self.severity.label(), self.message),
        }
    }
}

/// At most ~100 characters of a line around the caret, control characters
/// made visible, so a minified or binary line cannot flood the terminal.
fn snippet_window(line: &str, caret: usize) -> (String, usize) {
    const WIDTH: usize = 100;
    let visible = |c: char| match c {
        '\t' => ' ',
        c if c.is_control() => '\u{FFFD}',
        c => c,
    };
    // Only characters up to one window past the caret are counted, so a
    // report on a megabyte-long line costs the window, not the line.
    let seen = line.chars().take(caret.max(WIDTH) + WIDTH + 1).count();
    if seen <= WIDTH {
        return (line.chars().map(visible).collect(), caret);
    }
    let start = caret.saturating_sub(WIDTH / 2).min(seen - WIDTH);
    let end = (start + WIDTH).min(seen);
    let mut shown = String::new();
    let mut caret = caret - start;
    if start > 0 {
        shown.push('…');
        caret += 1;
    }
    shown.extend(line.chars().skip(start).take(end - start).map(visible));
    if end < seen {
        shown.push('…');
    }
    (shown, caret)
}

/// The text of a 1-based line, without its line ending.
pub fn source_line(source: &str, line: u32) -> Option<&str> {
    let index = usize::try_from(line.checked_sub(1)?).ok()?;
    source
        .split('\n')
        .nth(index)
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
}

/// Byte offset of a position in `source`, if it exists.
pub fn byte_offset(source: &str, pos: Pos) -> Option<usize> {
    LineIndex::new(source).offset(pos)
}

/// The position of a byte offset in `source`.
pub fn pos_of_offset(source: &str, offset: usize) -> Pos {
    LineIndex::new(source).pos(offset)
}

/// Where each line of a source starts, so positions and byte offsets convert
/// in time proportional to one line, not to the whole file. Validation
/// locates every placeholder and expression token through one of these.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    source: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(source: &'a str) -> Self {
        let starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Self { source, starts }
    }

    /// Byte offset of a position, if its line exists. A column past the end
    /// of its line runs on into the following text.
    pub fn offset(&self, pos: Pos) -> Option<usize> {
        let index = usize::try_from(pos.line.checked_sub(1)?).ok()?;
        let line_start = *self.starts.get(index)?;
        let rest = &self.source[line_start..];
        let col = usize::try_from(pos.col.checked_sub(1)?).ok()?;
        let within = rest
            .char_indices()
            .nth(col)
            .map_or(rest.len(), |(offset, _)| offset);
        Some(line_start + within)
    }

    /// The position of a byte offset (clamped to the end of the source, and
    /// back to the start of the character it falls in).
    pub fn pos(&self, offset: usize) -> Pos {
        let mut offset = offset.min(self.source.len());
        while !self.source.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|start| *start <= offset);
        let line_start = self.starts[line.saturating_sub(1)];
        let col = self.source[line_start..offset].chars().count() + 1;
        Pos::new(
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(col).unwrap_or(u32::MAX),
        )
    }

    /// Where `needle` is first written at or after `from`: used to point
    /// inside a scalar (a placeholder in a block of text). Falls back to
    /// `from`.
    pub fn find_after(&self, from: Pos, needle: &str) -> Pos {
        self.offset(from)
            .and_then(|start| self.source[start..].find(needle).map(|i| start + i))
            .map_or(from, |offset| self.pos(offset))
    }

    /// The position of byte `offset` of a scalar's value, given where the
    /// scalar starts in the source (its first character, or its opening
    /// quote).
    ///
    /// YAML keeps a scalar's words in order but may fold line breaks and
    /// indentation into single spaces, so the offset is mapped by word: the
    /// same word in the source, then the same number of characters into it.
    /// Exact for unescaped scalars on one line or several; falls back to
    /// `start`.
    pub fn pos_in_scalar(&self, start: Pos, value: &str, offset: usize) -> Pos {
        let (Some(begin), Some(prefix)) = (self.offset(start), value.get(..offset)) else {
            return start;
        };
        let quote = usize::from(self.source[begin..].starts_with(['"', '\'']));
        let text = &self.source[begin + quote..];
        let ends_in_word = prefix
            .chars()
            .next_back()
            .is_some_and(|c| !c.is_whitespace());
        let words_before = prefix.split_whitespace().count();
        let (word, into) = if ends_in_word {
            let last = prefix.split_whitespace().next_back().unwrap_or_default();
            (words_before - 1, last.chars().count())
        } else {
            (words_before, 0)
        };
        let mut seen = 0;
        let mut in_word = false;
        for (i, c) in text.char_indices() {
            if c.is_whitespace() {
                in_word = false;
                continue;
            }
            if !in_word {
                in_word = true;
                if seen == word {
                    let found = &text[i..];
                    let skip = found
                        .char_indices()
                        .take_while(|(_, c)| !c.is_whitespace())
                        .nth(into)
                        .map_or_else(
                            || found.find(char::is_whitespace).unwrap_or(found.len()),
                            |(j, _)| j,
                        );
                    return self.pos(begin + quote + i + skip);
                }
                seen += 1;
            }
        }
        start
    }
}

/// `No such file or directory` without the `(os error 2)` noise.
pub fn describe_io(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_locator_snippet_and_caret() {
        let src = "a: 1\nstep: unknwn\n";
        let d = Diagnostic::error("unknown step `unknwn`")
            .at(Pos::new(2, 7))
            .underline(6)
            .help("did you mean `unknown`?");
        let out = d.render("p.yaml", src);
        assert_eq!(
            out,
            "error: unknown step `unknwn`\n  --> p.yaml:2:7\n  |\n2 | step: unknwn\n  |       ^^^^^^\n  = help: did you mean `unknown`?\n"
        );
    }

    #[test]
    fn offsets_and_positions_round_trip() {
        let src = "ab\ncdé\nf";
        for (offset, _) in src.char_indices() {
            let pos = pos_of_offset(src, offset);
            assert_eq!(byte_offset(src, pos), Some(offset));
        }
        let lines = LineIndex::new(src);
        assert_eq!(lines.find_after(Pos::new(1, 1), "f"), Pos::new(3, 1));
        assert_eq!(lines.find_after(Pos::new(1, 1), "zz"), Pos::new(1, 1));
        assert_eq!(lines.pos(src.len()), Pos::new(3, 2));
        assert_eq!(lines.pos(6), Pos::new(2, 3), "inside `é`: the start of `é`");
        assert_eq!(lines.offset(Pos::new(4, 1)), None);
    }

    #[test]
    fn offsets_inside_folded_and_quoted_scalars() {
        let src = "when: >-\n  a and\n    b > 'x'\nother: \"c and d\"\n";
        let lines = LineIndex::new(src);
        let folded = "a and b > 'x'";
        let at = Pos::new(2, 3);
        assert_eq!(lines.pos_in_scalar(at, folded, 0), Pos::new(2, 3));
        assert_eq!(lines.pos_in_scalar(at, folded, 6), Pos::new(3, 5));
        assert_eq!(lines.pos_in_scalar(at, folded, 10), Pos::new(3, 9));
        assert_eq!(lines.pos_in_scalar(at, folded, 11), Pos::new(3, 10));
        let quoted = Pos::new(4, 8);
        assert_eq!(lines.pos_in_scalar(quoted, "c and d", 6), Pos::new(4, 15));
        assert_eq!(lines.pos_in_scalar(quoted, "c and d", 99), quoted);
    }
}
