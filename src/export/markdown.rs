//! Renders a [`Document`] as GitHub-flavoured Markdown that also reads
//! well as plain text. User text is escaped so it can never become markup:
//! no links, HTML, headings or table breaks can be smuggled in a note.

use std::fmt::Write as _;

use super::document::{Block, Document, Row, Section, Span, Table, Text};

const EXERCISE_MARK: &str = " — EXERCISE";

pub fn render(doc: &Document) -> String {
    let mut out = String::new();
    write_open(&mut out, doc);
    for section in &doc.sections {
        write_section(&mut out, doc, section);
    }
    write_close(&mut out, doc);
    out
}

/// The title and preamble, before the first section.
pub fn write_open(out: &mut String, doc: &Document) {
    let _ = writeln!(out, "# {}\n", escape(&doc.title));
    for block in &doc.preamble {
        write_block(out, block);
    }
}

/// A whole section of `doc`.
pub fn write_section(out: &mut String, doc: &Document, section: &Section) {
    write_heading(out, doc, section);
    for block in &section.blocks {
        write_section_block(out, doc, block);
    }
}

/// A block inside a section: in an exercise a subheading is marked as
/// every heading is, so a part copied out on its own still says EXERCISE.
pub fn write_section_block(out: &mut String, doc: &Document, block: &Block) {
    match block {
        Block::Subheading(text) if doc.exercise => {
            let _ = writeln!(out, "### {}{EXERCISE_MARK}\n", escape(text));
        }
        _ => write_block(out, block),
    }
}

/// A section's heading, before its blocks.
pub fn write_heading(out: &mut String, doc: &Document, section: &Section) {
    let mark = if doc.exercise { EXERCISE_MARK } else { "" };
    let _ = writeln!(out, "## {}{mark}\n", escape(&section.title));
}

/// Nothing closes a section in Markdown.
pub const fn write_section_end(_: &mut String) {}

/// The closing blocks, after the last section. The whole report ends with
/// one newline, however the last block ended: what is trimmed is always
/// within this part, which starts with a rule.
pub fn write_close(out: &mut String, doc: &Document) {
    let mut closing = String::from("---\n\n");
    for block in &doc.closing {
        write_block(&mut closing, block);
    }
    out.push_str(closing.trim_end());
    out.push('\n');
}

pub(super) fn write_block(out: &mut String, block: &Block) {
    match block {
        // Both kinds of banner say what they are in words.
        Block::Banner(_, text) => {
            let _ = writeln!(out, "> **{}**\n", inline(text));
        }
        Block::Subheading(text) => {
            let _ = writeln!(out, "### {}\n", escape(text));
        }
        Block::Paragraph(text) => {
            let _ = writeln!(out, "{}\n", guard_line_start(inline(text)));
        }
        Block::Fields(fields) => {
            for (label, value) in fields {
                let _ = writeln!(out, "- **{}:** {}", escape(label), inline(value));
            }
            out.push('\n');
        }
        Block::List(items) => {
            for item in items {
                let _ = writeln!(out, "- {}", guard_line_start(inline(item)));
            }
            out.push('\n');
        }
        Block::Table(table) => write_table(out, table),
        Block::Verbatim(text) => write_verbatim(out, text),
        // The phases and deadlines tables carry the same data.
        Block::Chart(_) => {}
    }
}

/// A fenced block whose fence is longer than any run of backticks in the
/// text, so no line of the text can close it early.
fn write_verbatim(out: &mut String, text: &str) {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let text = crate::printable::printable(text.trim_end_matches('\n'));
    let _ = writeln!(out, "{fence}text\n{text}\n{fence}\n");
}

fn write_table(out: &mut String, table: &Table) {
    write_table_head(out, &table.head);
    for row in &table.rows {
        write_row(out, row);
    }
    write_table_end(out);
}

/// A table's head, before its rows.
pub fn write_table_head(out: &mut String, head: &[String]) {
    let cells: Vec<String> = head
        .iter()
        .map(|h| cell(&[Span::Plain(h.clone())]))
        .collect();
    let _ = writeln!(out, "| {} |", cells.join(" | "));
    let _ = writeln!(out, "|{}", "---|".repeat(head.len()));
}

/// One row of a table.
pub fn write_row(out: &mut String, row: &Row) {
    out.push_str("| ");
    for (i, text) in row.cells.iter().enumerate() {
        if i > 0 {
            out.push_str(" | ");
        }
        cell_into(out, text);
    }
    out.push_str(" |\n");
}

/// What ends a table, after its rows.
pub fn write_table_end(out: &mut String) {
    out.push('\n');
}

/// A table cell: pipes are escaped everywhere, code spans included.
fn cell(text: &[Span]) -> String {
    let mut out = String::new();
    cell_into(&mut out, text);
    out
}

/// [`cell`], appended to `out`.
fn cell_into(out: &mut String, text: &[Span]) {
    for s in text {
        match s {
            Span::Code(t) if is_plain_code(t) && !t.contains('|') => {
                out.push('`');
                out.push_str(t);
                out.push('`');
            }
            Span::Code(t) => out.push_str(&code(t).replace('|', "\\|")),
            Span::Plain(t) | Span::Good(t) => escape_into(out, t),
            other => out.push_str(&span(other)),
        }
    }
}

fn inline(text: &Text) -> String {
    text.iter().map(span).collect()
}

fn span(span: &Span) -> String {
    match span {
        Span::Plain(t) | Span::Good(t) => escape(t),
        Span::Strong(t) | Span::Alert(t) => format!("**{}**", escape(t)),
        Span::Code(t) => code(t),
        Span::Link { text, url } => format!("[{}](<{}>)", escape(text), url_text(url)),
    }
}

/// Backslash-escapes Markdown punctuation; line breaks become `<br>` so
/// user text cannot start a new block. An underscore inside a word stays
/// as it is (it cannot start emphasis there), so `aware_at` reads cleanly.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// Bytes that can start a character [`escape_into`] changes: Markdown
/// punctuation, the C0 controls and DEL, the lead byte of the C1
/// controls (0xC2) and of the bidi controls (0xD8, 0xE2). Every other
/// byte is copied as it is.
const MARKDOWN_SPECIAL: [bool; 256] = crate::bytewise::table(true, b"\\`*_[]<>|&~\x7f\xc2\xd8\xe2");

/// [`escape`], appended to `out`: runs of text that need nothing are
/// copied whole, found a byte at a time (a report is mostly such runs).
fn escape_into(out: &mut String, text: &str) {
    let bytes = text.as_bytes();
    let mut copied = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        if !MARKDOWN_SPECIAL[usize::from(byte)] {
            continue;
        }
        // What goes before the character, whether it is kept, and its
        // length. `i` is a character boundary: no special byte continues
        // a character.
        let (prefix, kept, len) = match byte {
            b'_' if is_between_words(text, i) => continue,
            b'\\' | b'`' | b'*' | b'_' | b'[' | b']' | b'<' | b'>' | b'|' | b'&' | b'~' => {
                ("\\", true, 1)
            }
            b'\r' => ("", false, 1),
            b'\n' => ("<br>", false, 1),
            _ => match text.get(i..).and_then(|t| t.chars().next()) {
                Some(c) if crate::printable::is_bidi_control(c) => {
                    // Shown, never obeyed: an override would make the rest
                    // of a cell read backwards (HTML shows it the same way).
                    out.push_str(text.get(copied..i).unwrap_or_default());
                    let _ = write!(out, "\\[U+{:04X}\\]", u32::from(c));
                    copied = i + c.len_utf8();
                    continue;
                }
                Some(c) if c.is_control() => (" ", false, c.len_utf8()),
                _ => continue,
            },
        };
        out.push_str(text.get(copied..i).unwrap_or_default());
        out.push_str(prefix);
        copied = if kept { i } else { i + len };
    }
    out.push_str(text.get(copied..).unwrap_or_default());
}

/// Whether the character at byte `at` of `text` has a letter or digit on
/// both sides (an underscore there cannot start emphasis).
fn is_between_words(text: &str, at: usize) -> bool {
    let before = text.get(..at).and_then(|t| t.chars().next_back());
    let after = text.get(at + 1..).and_then(|t| t.chars().next());
    before.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric)
}

/// Keeps a paragraph or list item from opening a heading, list or rule:
/// escapes a leading `#`, `-`, `+`, `=` or the `.`/`)` of `1.`.
fn guard_line_start(line: String) -> String {
    if line.starts_with(['#', '-', '+', '=']) {
        return format!("\\{line}");
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && line[digits..].starts_with(['.', ')']) {
        return format!("{}\\{}", &line[..digits], &line[digits..]);
    }
    line
}

/// Whether `text` is its own code span between single backticks.
fn is_plain_code(text: &str) -> bool {
    !text.is_empty()
        && !text.contains('`')
        && !text
            .chars()
            .any(|c| c.is_control() || crate::printable::is_bidi_control(c))
}

/// A code span long enough to hold any backticks in `text`.
fn code(text: &str) -> String {
    let mut flat = String::with_capacity(text.len());
    for c in text.chars() {
        if crate::printable::is_bidi_control(c) {
            let _ = write!(flat, "[U+{:04X}]", u32::from(c));
        } else {
            flat.push(if c.is_control() { ' ' } else { c });
        }
    }
    let longest = flat.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if flat.starts_with('`') || flat.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{flat}{pad}{fence}")
}

/// A link destination in angle brackets: no spaces, `<`, `>`, `|` or
/// controls (a bidi override would disguise where it leads).
fn url_text(url: &str) -> String {
    url.chars()
        .filter(|c| {
            !matches!(c, '<' | '>')
                && !c.is_whitespace()
                && !c.is_control()
                && !crate::printable::is_bidi_control(*c)
        })
        .map(|c| {
            if c == '|' {
                "%7C".to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_text_cannot_close_its_fence() {
        let mut out = String::new();
        write_verbatim(&mut out, "Dear DPA,\n```\n# not a heading ```` <b>\n");
        assert_eq!(
            out,
            "`````text\nDear DPA,\n```\n# not a heading ```` <b>\n`````\n\n"
        );
        let mut short = String::new();
        write_verbatim(&mut short, "plain");
        assert_eq!(short, "```text\nplain\n```\n\n");
    }

    #[test]
    fn user_text_cannot_become_markup() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("[x](javascript:y)"), "\\[x\\](javascript:y)");
        assert_eq!(escape("line\n# heading"), "line<br># heading");
        assert_eq!(escape("aware_at _x_"), "aware_at \\_x\\_");
        assert_eq!(escape("<script>"), "\\<script\\>");
    }

    #[test]
    fn lines_cannot_open_blocks() {
        assert_eq!(guard_line_start("# x".into()), "\\# x");
        assert_eq!(guard_line_start("- x".into()), "\\- x");
        assert_eq!(guard_line_start("12. x".into()), "12\\. x");
        assert_eq!(guard_line_start("12 x".into()), "12 x");
    }

    /// The defect: a note holding U+202E reached the Markdown report as it
    /// was, so the rest of its cell (and "(corrected by entry N)") read
    /// backwards; HTML already showed it as `[U+202E]`.
    #[test]
    fn bidi_controls_are_shown_never_obeyed() {
        assert_eq!(escape("rlo\u{202e}evil.exe"), "rlo\\[U+202E\\]evil.exe");
        assert_eq!(escape("\u{2066}a\u{061c}"), "\\[U+2066\\]a\\[U+061C\\]");
        assert_eq!(span(&Span::Code("a\u{202e}b".into())), "`a[U+202E]b`");
    }

    #[test]
    fn code_spans_hold_backticks() {
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x"), "`` `x ``");
        assert_eq!(code("plain"), "`plain`");
    }

    #[test]
    fn pipes_in_cells_are_escaped_once() {
        assert_eq!(cell(&[Span::Code("a|b".into())]), "`a\\|b`");
        assert_eq!(cell(&[Span::Plain("a|b".into())]), "a\\|b");
    }

    /// The escape as first written, one character at a time: the reference
    /// the run-copying [`escape_into`] must match.
    fn escaped_by_characters(text: &str) -> String {
        let mut out = String::new();
        let mut before = None;
        let mut chars = text.chars().peekable();
        while let Some(c) = chars.next() {
            let between_words = before.is_some_and(char::is_alphanumeric)
                && chars.peek().is_some_and(|n| n.is_alphanumeric());
            match c {
                '_' if between_words => out.push(c),
                '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '&' | '~' => {
                    out.push('\\');
                    out.push(c);
                }
                '\r' => {}
                '\n' => out.push_str("<br>"),
                c if crate::printable::is_bidi_control(c) => {
                    let _ = write!(out, "\\[U+{:04X}\\]", u32::from(c));
                }
                c if c.is_control() => out.push(' '),
                c => out.push(c),
            }
            before = Some(c);
        }
        out
    }

    /// Every character, between letters and after a multi-byte one, is
    /// escaped as the walk over characters escapes it: the byte table in
    /// front of it lets every character that changes through.
    #[test]
    fn every_character_is_escaped_as_the_walk_over_characters_escapes_it() {
        for c in (0..=0x10_FFFF_u32).filter_map(char::from_u32) {
            for text in [format!("a{c}b"), format!("é{c}")] {
                let mut out = String::new();
                escape_into(&mut out, &text);
                assert_eq!(out, escaped_by_characters(&text), "U+{:04X}", u32::from(c));
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn escaping_copies_runs_as_escaping_each_character_does(
            text in "([a_é\\\\`*\\[\\]<>|&~\r\n\t\u{85}\u{1b}]|.){0,40}",
        ) {
            let mut out = String::from("kept ");
            escape_into(&mut out, &text);
            proptest::prop_assert_eq!(out, format!("kept {}", escaped_by_characters(&text)));
        }
    }
}
