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

/// Bytes that can start a character [`escape_into`] changes: markup,
/// quotes, the C0 controls and DEL, and the lead bytes of the C1 controls
/// (0xC2) and of the bidi controls (0xD8, 0xE2).
const HTML_SPECIAL: [bool; 256] = crate::bytewise::table(true, b"&<>\"'\x7f\xc2\xd8\xe2");

/// [`escape`] appended to `out`; with `breaks`, line breaks become `<br>`
/// ([`text`]). Runs of text that need nothing are copied whole, found a
/// byte at a time (a report is mostly such runs).
pub fn escape_into(out: &mut String, text: &str, breaks: bool) {
    let mut copied = 0;
    for (i, &byte) in text.as_bytes().iter().enumerate() {
        if !HTML_SPECIAL[usize::from(byte)] {
            continue;
        }
        // `i` is a character boundary: no special byte continues one.
        let Some(c) = text.get(i..).and_then(|t| t.chars().next()) else {
            continue;
        };
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
                out.push_str(text.get(copied..i).unwrap_or_default());
                let _ = write!(out, "[U+{:04X}]", u32::from(c));
                copied = i + c.len_utf8();
                continue;
            }
            _ => continue,
        };
        out.push_str(text.get(copied..i).unwrap_or_default());
        out.push_str(replacement);
        copied = i + c.len_utf8();
    }
    out.push_str(text.get(copied..).unwrap_or_default());
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

    /// Every character, between letters and after a multi-byte one, is
    /// escaped as the walk over characters escapes it: the byte table in
    /// front of it lets every character that changes through.
    #[test]
    fn every_character_is_escaped_as_the_walk_over_characters_escapes_it() {
        for c in (0..=0x10_FFFF_u32).filter_map(char::from_u32) {
            for text in [format!("a{c}b"), format!("é{c}")] {
                for breaks in [false, true] {
                    let mut out = String::new();
                    escape_into(&mut out, &text, breaks);
                    assert_eq!(
                        out,
                        escaped_by_characters(&text, breaks),
                        "U+{:04X}",
                        u32::from(c)
                    );
                }
            }
        }
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
