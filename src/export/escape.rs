//! Escaping text for HTML and SVG, shared by both writers.

use std::fmt::Write as _;

/// Escapes text for element content and double-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text, false);
    out
}

/// Escaped user text whose line breaks stay visible.
pub fn text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text, true);
    out
}

/// [`escape`] appended to `out`; with `breaks`, line breaks become `<br>`
/// ([`text`]).
pub fn escape_into(out: &mut String, text: &str, breaks: bool) {
    // Printable ASCII other than the five escaped is written as it is.
    if text
        .bytes()
        .all(|b| (0x20..0x7f).contains(&b) && !matches!(b, b'&' | b'<' | b'>' | b'"' | b'\''))
    {
        out.push_str(text);
        return;
    }
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\r' => {}
            '\n' if breaks => out.push_str("<br>"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => out.push(' '),
            // Shown, not obeyed: an override would make the text read
            // differently from what it is.
            c if crate::printable::is_bidi_control(c) => {
                let _ = write!(out, "[U+{:04X}]", u32::from(c));
            }
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn d8_shows_bidi_controls_visibly() {
        assert_eq!(escape("a\u{202e}b"), "a[U+202E]b");
    }

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
    }
}
