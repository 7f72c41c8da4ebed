//! Text from files (playbooks, journals, config) made safe to print.
//!
//! A journal handed over for review or a playbook dropped in `./playbooks`
//! may hold escape sequences (window titles, OSC 52 clipboard writes,
//! screen clears) or bidi overrides that make text read differently from
//! what it is. Everything printed to a terminal goes through [`printable`]:
//! those characters are shown escaped (`\u{1b}`), never interpreted.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Bidirectional formatting characters: they reorder how the text around
/// them is displayed (U+202E makes `exe.txt` show as `txt.exe`).
pub fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// True for characters that must never reach a terminal raw: C0 and C1
/// controls (except newline and tab), DEL, and bidi controls.
pub fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t') || is_bidi_control(c)
}

/// `text` with every unsafe character written as `\u{…}`; newline and tab
/// are kept so reports keep their layout, and a CRLF line ending (CSV)
/// becomes a plain newline: only a bare carriage return, which can
/// overwrite what was printed, is shown escaped.
pub fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' && chars.peek() == Some(&'\n') {
            continue;
        }
        if is_unsafe(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Like [`printable`] for JSON documents: unsafe characters (which can only
/// occur inside strings, since JSON syntax is ASCII) become JSON `\uXXXX`
/// escapes, so the document still parses to the same data.
pub fn printable_json(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        if is_unsafe(c) {
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn d4_escapes_controls_and_keeps_layout() {
        assert_eq!(
            printable("a\u{1b}]0;PWNED\u{7}b\u{8}\r\n\tc\u{9b}"),
            "a\\u{1b}]0;PWNED\\u{7}b\\u{8}\n\tc\\u{9b}"
        );
        assert!(matches!(printable("plain ✓ text"), Cow::Borrowed(_)));
    }

    #[test]
    fn d4_crlf_line_endings_become_newlines_and_bare_cr_is_escaped() {
        assert_eq!(printable("a,b\r\nc\rd\r\n"), "a,b\nc\\u{d}d\n");
    }

    #[test]
    fn d8_escapes_bidi_overrides() {
        assert_eq!(printable("x\u{202e}txt.exe"), "x\\u{202e}txt.exe");
        assert_eq!(printable("\u{2066}\u{2069}"), "\\u{2066}\\u{2069}");
    }

    #[test]
    fn json_escapes_parse_back_to_the_same_text() {
        let original = "t\u{202e}x\u{85}";
        let doc = serde_json::to_string(original).unwrap();
        let safe = printable_json(&doc);
        assert!(!safe.chars().any(is_unsafe));
        let back: String = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, original);
    }

    proptest::proptest! {
        #[test]
        fn printable_output_is_always_safe(text in ".*") {
            proptest::prop_assert!(!printable(&text).chars().any(is_unsafe));
        }
    }
}
