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
/// ([`text`]). Runs of text that need nothing are copied whole.
pub fn escape_into(out: &mut String, text: &str, breaks: bool) {
    let mut copied = 0;
    for (i, c) in text.char_indices() {
        let replacement = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            '"' => "&quot;",
            '\'' => "&#39;",
            '\r' => "",
            '\n' if breaks => "<br>",
            '\n' | '\t' => continue,
            c if c.is_control() => " ",
            c if crate::printable::is_bidi_control(c) => {
                // Shown, not obeyed: an override would make the text read
                // differently from what it is.
                out.push_str(&text[copied..i]);
                let _ = write!(out, "[U+{:04X}]", u32::from(c));
                copied = i + c.len_utf8();
                continue;
            }
            _ => continue,
        };
        out.push_str(&text[copied..i]);
        out.push_str(replacement);
        copied = i + c.len_utf8();
    }
    out.push_str(&text[copied..]);
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

    /// The escape as first written, one character at a time: the reference
    /// the run-copying [`escape_into`] must match.
    fn escaped_by_characters(text: &str, breaks: bool) -> String {
        let mut out = String::new();
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
                c if crate::printable::is_bidi_control(c) => {
                    let _ = write!(out, "[U+{:04X}]", u32::from(c));
                }
                c => out.push(c),
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn escaping_copies_runs_as_escaping_each_character_does(
            text in "([a&<>\"'é\r\n\t\u{85}\u{1b}\u{202e}\u{2066}]|.){0,40}",
            breaks in proptest::bool::ANY,
        ) {
            let mut out = String::from("kept ");
            escape_into(&mut out, &text, breaks);
            proptest::prop_assert_eq!(out, format!("kept {}", escaped_by_characters(&text, breaks)));
        }
    }
}
