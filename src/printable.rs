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

use crate::bytewise;

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

/// The mark a line break inside one item's text is shown as.
pub const LINE_BREAK_MARK: char = '\u{21B5}';

/// `text` on one line: each line break in it (`\n`, `\r\n`, a bare `\r`,
/// a vertical tab, a form feed, NEL, U+2028, U+2029) is shown as `↵`.
/// A plain-text report prints one item a line: a note or rationale that
/// carried its own line break could otherwise start a line that reads as
/// the report's own (a forged "decided by" line under "Decisions").
pub fn one_line(text: &str) -> Cow<'_, str> {
    let breaks = |c: char| {
        matches!(
            c,
            '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
        )
    };
    if !text.contains(breaks) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if !breaks(c) {
            out.push(c);
            continue;
        }
        // CRLF is one break, not two.
        if c == '\r' && chars.peek() == Some(&'\n') {
            chars.next();
        }
        out.push(LINE_BREAK_MARK);
    }
    Cow::Owned(out)
}

/// Like [`printable`] for JSON documents: unsafe characters (which can only
/// occur inside strings, since JSON syntax is ASCII) become JSON `\uXXXX`
/// escapes, so the document still parses to the same data.
pub fn printable_json(text: &str) -> Cow<'_, str> {
    escaped(text, Escape::Json)
}

fn escaped(text: &str, escape: Escape) -> Cow<'_, str> {
    if next_unsafe(text, 0).is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    push_escaped(&mut out, text, escape);
    Cow::Owned(out)
}

/// Bytes that can start an unsafe character: the C0 controls but tab and
/// newline, DEL, and the lead bytes of the C1 controls (0xC2) and of the
/// bidi controls (0xD8, 0xE2). No other byte starts one.
const MAY_START_UNSAFE: [bool; 256] = {
    let mut table = bytewise::table(true, &[0x7F, 0xC2, 0xD8, 0xE2]);
    table[b'\t' as usize] = false;
    table[b'\n' as usize] = false;
    table
};

/// The high bit of each byte of `word` that may start an unsafe
/// character: a C0 control other than tab and newline, DEL, or any byte
/// from 0x80 (whose character the caller decodes). Newlines (every line
/// of a `json` export) and tabs leave a word unflagged.
const fn suspects(word: u64) -> u64 {
    let newline_or_tab = bytewise::equal_to(word, b'\n') | bytewise::equal_to(word, b'\t');
    (bytewise::controls(word) & !newline_or_tab) | bytewise::del_or_above(word)
}

/// The first unsafe character of `text` at or after byte `from` (a
/// character boundary), and where it starts. Exports are megabytes of
/// mostly printable ASCII: it is skipped eight bytes at a time, and only
/// the bytes that can start an unsafe character are decoded.
fn next_unsafe(text: &str, from: usize) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    let unsafe_at = |i: usize| {
        // Never a continuation byte: `i` is then a character boundary.
        bytes
            .get(i)
            .is_some_and(|&byte| MAY_START_UNSAFE[usize::from(byte)])
            .then(|| text.get(i..).and_then(|t| t.chars().next()))
            .flatten()
            .filter(|&c| is_unsafe(c))
            .map(|c| (i, c))
    };
    let mut at = from;
    while let Some(word) = bytewise::word_at(bytes, at) {
        let mut flagged = suspects(word);
        while flagged != 0 {
            let i = at + bytewise::first_flagged(flagged);
            if let Some(found) = unsafe_at(i) {
                return Some(found);
            }
            flagged &= flagged - 1;
        }
        at += 8;
    }
    (at..bytes.len()).find_map(unsafe_at)
}

/// Appends `text` to `out` with its unsafe characters escaped: runs of
/// safe text are copied whole.
fn push_escaped(out: &mut String, text: &str, escape: Escape) {
    let mut copied = 0;
    while let Some((i, c)) = next_unsafe(text, copied) {
        out.push_str(text.get(copied..i).unwrap_or_default());
        copied = i + c.len_utf8();
        let line_end = c == '\r' && text.as_bytes().get(copied) == Some(&b'\n');
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
    out.push_str(text.get(copied..).unwrap_or_default());
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
    /// Each write is checked as UTF-8 once: a whole one, the usual case,
    /// is passed on as it is.
    fn pass_whole_of(&mut self, bytes: &[u8]) -> io::Result<()> {
        let (text, mut whole) = match std::str::from_utf8(bytes) {
            Ok(all) => (Cow::Borrowed(all), bytes.len()),
            Err(e) => {
                let whole = if e.error_len().is_none() {
                    e.valid_up_to()
                } else {
                    bytes.len() - unfinished_tail(bytes)
                };
                (String::from_utf8_lossy(&bytes[..whole]), whole)
            }
        };
        let mut text = text.as_ref();
        // A carriage return last may be the first half of a CRLF.
        if self.escape == Escape::Text
            && let Some(before) = text.strip_suffix('\r')
        {
            text = before;
            whole -= 1;
        }
        self.held.clear();
        self.held.extend_from_slice(&bytes[whole..]);
        self.pass_on(text)
    }

    fn pass_on(&mut self, text: &str) -> io::Result<()> {
        if next_unsafe(text, 0).is_none() {
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
    fn one_line_marks_every_line_break_once() {
        assert_eq!(one_line("plain · text"), "plain · text");
        assert_eq!(
            one_line("a\nb\r\nc\rd\u{2028}e\u{0B}f\tg"),
            "a↵b↵c↵d↵e↵f\tg"
        );
    }

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

    /// Every character, alone, among printable ASCII, after a multi-byte
    /// one, and across a word's end among newlines and tabs, is found
    /// exactly when it is unsafe: the word and byte filters in front of
    /// [`is_unsafe`] pass every unsafe one.
    #[test]
    fn the_fast_scan_finds_every_unsafe_character_and_only_those() {
        for c in (0..=0x10_FFFF_u32).filter_map(char::from_u32) {
            for text in [
                format!("{c}"),
                format!("abcdefghij{c}klm"),
                format!("é{c}"),
                format!("\n\tabcd\n{c}\n\t\n"),
            ] {
                let expected = text.char_indices().find(|&(_, c)| is_unsafe(c));
                assert_eq!(next_unsafe(&text, 0), expected, "U+{:04X}", u32::from(c));
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn printable_output_is_always_safe(text in ".*") {
            proptest::prop_assert!(!printable(&text).chars().any(is_unsafe));
        }

        /// The scan finds what a walk over every character finds, from any
        /// character boundary.
        #[test]
        fn the_fast_scan_agrees_with_a_walk_over_the_characters(
            text in "([a \\t\\r\\n,é\u{1b}\u{7f}\u{85}\u{9f}\u{a0}\u{61c}\u{200e}\u{2014}\u{202e}\u{2069}😀]|.){0,60}",
            from in 0usize..64,
        ) {
            let from = text
                .char_indices()
                .map(|(i, _)| i)
                .find(|&i| i >= from)
                .unwrap_or(text.len());
            let walked = text[from..]
                .char_indices()
                .find(|&(_, c)| is_unsafe(c))
                .map(|(i, c)| (from + i, c));
            proptest::prop_assert_eq!(next_unsafe(&text, from), walked);
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
