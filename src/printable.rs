//! Text from files (playbooks, journals, config) made safe to print.
//!
//! A journal handed over for review or a playbook dropped in `./playbooks`
//! may hold escape sequences (window titles, OSC 52 clipboard writes,
//! screen clears) or bidi overrides that make text read differently from
//! what it is. Everything printed to a terminal goes through [`printable`]:
//! those characters are shown escaped (`\u{1b}`), never interpreted.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, Write};

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

/// How an unsafe character is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Escape {
    /// `\u{1b}`, and a CRLF line ending becomes a plain newline.
    Text,
    /// `\u001b`, a JSON escape, so a document parses to the same data.
    Json,
}

/// `text` with every unsafe character written as `\u{…}`; newline and tab
/// are kept so reports keep their layout, and a CRLF line ending (CSV)
/// becomes a plain newline: only a bare carriage return, which can
/// overwrite what was printed, is shown escaped.
pub fn printable(text: &str) -> Cow<'_, str> {
    escaped(text, Escape::Text)
}

/// Like [`printable`] for JSON documents: unsafe characters (which can only
/// occur inside strings, since JSON syntax is ASCII) become JSON `\uXXXX`
/// escapes, so the document still parses to the same data.
pub fn printable_json(text: &str) -> Cow<'_, str> {
    escaped(text, Escape::Json)
}

fn escaped(text: &str, escape: Escape) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    push_escaped(&mut out, text, escape);
    Cow::Owned(out)
}

/// Appends `text` to `out` with its unsafe characters escaped: runs of
/// safe text are copied whole.
fn push_escaped(out: &mut String, text: &str, escape: Escape) {
    let mut copied = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !is_unsafe(c) {
            continue;
        }
        out.push_str(&text[copied..i]);
        copied = i + c.len_utf8();
        let line_end = c == '\r' && chars.peek().is_some_and(|&(_, next)| next == '\n');
        match escape {
            Escape::Text if line_end => {}
            Escape::Text => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            Escape::Json => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
        }
    }
    out.push_str(&text[copied..]);
}

/// A writer that passes what it is given on with unsafe characters
/// escaped, as [`printable`] (or [`printable_json`]) would escape the whole
/// text: an export streamed to standard output is never held whole in
/// memory to be made safe. A write may end anywhere, even inside a
/// character or between the two bytes of a CRLF; [`SafeWriter::finish`]
/// writes what was held back for that reason.
#[derive(Debug)]
pub struct SafeWriter<W: Write> {
    inner: W,
    escape: Escape,
    /// Bytes not yet passed on: an unfinished character, or a carriage
    /// return whose next byte decides whether it ends a line.
    held: Vec<u8>,
    /// The escaped text of one write, kept to reuse its allocation.
    out: String,
}

impl<W: Write> SafeWriter<W> {
    pub const fn new(inner: W, escape: Escape) -> Self {
        Self {
            inner,
            escape,
            held: Vec::new(),
            out: String::new(),
        }
    }

    /// Writes what was held back (a last carriage return is escaped, bytes
    /// that never became a character are replaced by U+FFFD) and flushes.
    pub fn finish(&mut self) -> io::Result<()> {
        let held = std::mem::take(&mut self.held);
        self.pass_on(&String::from_utf8_lossy(&held))?;
        self.inner.flush()
    }

    /// Passes on the whole characters of `bytes` and holds the rest back.
    fn pass_whole_of(&mut self, bytes: &[u8]) -> io::Result<()> {
        let mut whole = whole_characters(bytes);
        // A carriage return last may be the first half of a CRLF.
        if self.escape == Escape::Text && whole > 0 && bytes[whole - 1] == b'\r' {
            whole -= 1;
        }
        let (text, rest) = bytes.split_at(whole);
        self.held = rest.to_vec();
        self.pass_on(&String::from_utf8_lossy(text))
    }

    fn pass_on(&mut self, text: &str) -> io::Result<()> {
        if !text.chars().any(is_unsafe) {
            return self.inner.write_all(text.as_bytes());
        }
        self.out.clear();
        push_escaped(&mut self.out, text, self.escape);
        self.inner.write_all(self.out.as_bytes())
    }
}

impl<W: Write> Write for SafeWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.held.is_empty() {
            self.pass_whole_of(buf)?;
        } else {
            let mut joined = std::mem::take(&mut self.held);
            joined.extend_from_slice(buf);
            self.pass_whole_of(&joined)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// How many bytes at the start of `bytes` are whole characters (or bytes
/// that can never become one): all but an unfinished character at the end.
fn whole_characters(bytes: &[u8]) -> usize {
    match std::str::from_utf8(bytes) {
        Ok(_) => bytes.len(),
        Err(e) if e.error_len().is_none() => e.valid_up_to(),
        Err(_) => bytes.len() - unfinished_tail(bytes),
    }
}

/// How many bytes at the end of `bytes` start a character not yet whole.
fn unfinished_tail(bytes: &[u8]) -> usize {
    for back in 1..=bytes.len().min(3) {
        let width = match bytes[bytes.len() - back] {
            0xC0..=0xDF => 2,
            0xE0..=0xEF => 3,
            0xF0..=0xF7 => 4,
            0x80..=0xBF => continue,
            _ => return 0,
        };
        return if width > back { back } else { 0 };
    }
    0
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

    /// What a [`SafeWriter`] passes on when given `text` in pieces cut
    /// at the byte offsets `cuts`.
    fn written_in_pieces(text: &str, cuts: &[usize], escape: Escape) -> String {
        let mut writer = SafeWriter::new(Vec::new(), escape);
        let mut from = 0;
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c % (text.len() + 1)).collect();
        cuts.sort_unstable();
        for cut in cuts.into_iter().chain([text.len()]) {
            writer.write_all(&text.as_bytes()[from..cut]).unwrap();
            from = cut;
        }
        writer.finish().unwrap();
        String::from_utf8(writer.inner).unwrap()
    }

    #[test]
    fn a_crlf_cut_between_its_two_bytes_is_still_a_line_end() {
        assert_eq!(
            written_in_pieces("a,b\r\nc\r", &[4], Escape::Text),
            "a,b\nc\\u{d}"
        );
        assert_eq!(written_in_pieces("é\u{1b}", &[1], Escape::Json), "é\\u001b");
    }

    proptest::proptest! {
        #[test]
        fn printable_output_is_always_safe(text in ".*") {
            proptest::prop_assert!(!printable(&text).chars().any(is_unsafe));
        }

        /// Streamed in any pieces, the text comes out as [`printable`]
        /// (or [`printable_json`]) makes it whole.
        #[test]
        fn a_safe_writer_writes_what_printable_makes_of_the_whole(
            text in "([a\\r\\n,é\u{1b}\u{85}\u{202e}😀]|.){0,40}",
            cuts in proptest::collection::vec(0usize..200, 0..6),
        ) {
            proptest::prop_assert_eq!(
                written_in_pieces(&text, &cuts, Escape::Text),
                printable(&text).into_owned()
            );
            proptest::prop_assert_eq!(
                written_in_pieces(&text, &cuts, Escape::Json),
                printable_json(&text).into_owned()
            );
        }
    }
}
