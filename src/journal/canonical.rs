//! A journal line checked on its own bytes, without decoding it.
//!
//! Verification must accept exactly the lines [`Entry::decode`] accepts:
//! those whose own `hash` matches and which `encode` would write again byte
//! for byte. Decoding every line into an [`Entry`] (its `data` map, its
//! strings) and serialising it again to compare costs more than hashing
//! the line. This module reads the bytes once instead and answers either
//! "certainly canonical", with the few fields the chain and the callers
//! need, or "not sure". It is deliberately narrow: anything unusual (a
//! float, an escape serde would not write, a duplicate key, deep nesting)
//! is "not sure", and the caller then asks [`Entry::decode`], whose verdict
//! and wording stand. So a line is never accepted here that the decoder
//! would refuse; the tests below and the journal fuzz target compare the
//! two on generated and mutated lines.
//!
//! [`Entry::decode`]: super::Entry::decode
//! [`Entry`]: super::Entry

use chrono::{DateTime, Utc};
use sha2::{Digest as _, Sha256};

use super::{HASH_KEY, Kind, VERSION, is_hex_of, timestamp};

/// What a canonical line says, read in place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<'a> {
    pub seq: u64,
    pub ts: DateTime<Utc>,
    pub kind: Kind,
    /// The `prev` member's text.
    pub prev: &'a str,
    /// The `step` member's text, if there is one.
    pub step: Option<&'a str>,
    pub mono_ms: u64,
    pub scenario_ms: Option<u64>,
    pub session: Quoted<'a>,
    pub actor: Quoted<'a>,
    /// The `data` member's text, as stored (compact JSON).
    pub data: &'a str,
    /// Byte offset of the end of the body, where `,"hash":"` starts.
    pub body_end: usize,
}

/// A string member as stored: its JSON text, quotes included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quoted<'a> {
    pub json: &'a str,
    /// Whether it holds an escape: when not, the text between the quotes
    /// is the string.
    pub escaped: bool,
}

impl<'a> Quoted<'a> {
    /// The string, when it holds no escape: the text between the quotes.
    pub fn plain(&self) -> Option<&'a str> {
        let text = self.json.strip_prefix('"')?.strip_suffix('"')?;
        (!self.escaped).then_some(text)
    }
}

/// The line's header when `line` (without its newline) has its own hash
/// right and is certainly in canonical form at the current version;
/// `None` when that is not certain (decode the line to know).
pub fn header(line: &str) -> Option<Header<'_>> {
    header_and_hash(line).map(|(header, _)| header)
}

/// The header of a line already verified (its bytes have the SHA-256 a
/// check of them found), read without hashing it again; `None` as for
/// [`header`] when the line is not certainly canonical.
pub fn verified_header(line: &str) -> Option<Header<'_>> {
    if crate::bytewise::has_control(line.as_bytes()) {
        return None;
    }
    read_fields(line)
}

/// [`header`], with the SHA-256 of the whole line (the next line's
/// `prev`). The line and its body (the line without its `hash` member)
/// share everything up to that member, so it is hashed once for both.
pub fn header_and_hash(line: &str) -> Option<(Header<'_>, [u8; 32])> {
    // A raw control character has no place in a canonical line: JSON
    // writes no whitespace and escapes them in strings.
    if crate::bytewise::has_control(line.as_bytes()) {
        return None;
    }
    let header = read_fields(line)?;
    let mut prefix = Sha256::new();
    prefix.update(&line.as_bytes()[..header.body_end]);
    let mut body = prefix.clone();
    body.update(b"}");
    let stored = &line[header.body_end + HASH_KEY.len()..line.len() - 2];
    if !is_hex_of(&body.finalize(), stored) {
        return None;
    }
    prefix.update(&line.as_bytes()[header.body_end..]);
    Some((header, prefix.finalize().into()))
}

/// Nesting deeper than this is left to the decoder (`serde_json`'s own limit
/// is 128).
const MAX_DEPTH: usize = 32;

/// Keys of one object compared for duplicates; an object with more is
/// left to the decoder.
const MAX_KEYS: usize = 64;

/// Reads the members in the one order `encode` writes them.
fn read_fields(text: &str) -> Option<Header<'_>> {
    let bytes = text.as_bytes();
    let mut at = Cursor { text, bytes, at: 0 };
    at.literal(b"{\"v\":")?;
    if at.unsigned()? != u64::from(VERSION) {
        return None;
    }
    at.literal(b",\"seq\":")?;
    let seq = at.unsigned()?;
    at.literal(b",\"ts\":")?;
    let ts = at.plain_string()?;
    let ts = timestamp::parse_fixed(ts)?;
    at.literal(b",\"mono_ms\":")?;
    let mono_ms = at.unsigned()?;
    let mut scenario_ms = None;
    if at.literal(b",\"scenario_ms\":").is_some() {
        scenario_ms = Some(at.unsigned()?);
    }
    at.literal(b",\"session\":")?;
    let session = at.quoted()?;
    at.literal(b",\"actor\":")?;
    let actor = at.quoted()?;
    at.literal(b",\"kind\":")?;
    let kind_start = at.at;
    at.plain_string()?;
    // The quoted name, read as serde reads it: no copy for a unit variant.
    let kind: Kind = serde_json::from_slice(&bytes[kind_start..at.at]).ok()?;
    let mut step = None;
    if at.literal(b",\"step\":").is_some() {
        step = Some(at.plain_string()?);
    }
    at.literal(b",\"data\":")?;
    let data_start = at.at;
    at.object(0)?;
    let data = text.get(data_start..at.at)?;
    if at.literal(b",\"seen\":").is_some() {
        at.seen()?;
    }
    at.literal(b",\"prev\":")?;
    let prev = at.plain_string()?;
    let body_end = at.at;
    at.literal(HASH_KEY.as_bytes())?;
    // The 64 digits are compared with the body's SHA-256 written in
    // lowercase hex (`is_hex_of`), which no other byte can match.
    at.bytes.get(at.at..at.at + 64)?;
    at.at += 64;
    at.literal(b"\"}")?;
    (at.at == bytes.len()).then_some(Header {
        seq,
        ts,
        kind,
        prev,
        step,
        mono_ms,
        scenario_ms,
        session,
        actor,
        data,
        body_end,
    })
}

/// A string member as read: its raw bytes between the quotes.
struct Text<'a> {
    raw: &'a [u8],
    escaped: bool,
}

struct Cursor<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    /// Steps over `expected` if the bytes continue with it.
    fn literal(&mut self, expected: &[u8]) -> Option<()> {
        let end = self.at + expected.len();
        (self.bytes.get(self.at..end)? == expected).then(|| self.at = end)
    }

    /// A non-negative integer as serde writes a `u64`: digits, no leading
    /// zero, no fraction or exponent.
    fn unsigned(&mut self) -> Option<u64> {
        let start = self.at;
        let mut value: u64 = 0;
        while let Some(digit @ b'0'..=b'9') = self.peek() {
            value = value
                .checked_mul(10)?
                .checked_add(u64::from(digit - b'0'))?;
            self.at += 1;
        }
        let digits = self.at - start;
        let leading_zero = digits > 1 && self.bytes[start] == b'0';
        if digits == 0 || leading_zero || matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return None;
        }
        Some(value)
    }

    /// An integer of a `data` value: what `serde_json` reads as a `u64` or a
    /// negative `i64` and writes back the same (`-0` and anything out of
    /// range become floats, which are left to the decoder).
    fn integer(&mut self) -> Option<()> {
        if self.literal(b"-").is_some() {
            let magnitude = self.unsigned()?;
            (1..=1_u64 << 63).contains(&magnitude).then_some(())
        } else {
            self.unsigned().map(|_| ())
        }
    }

    /// A string in the form `serde_json` writes: control characters, `"`
    /// and `\` escaped (the short escapes where JSON has them, `\u00xx` in
    /// lowercase for the other control characters), nothing else escaped.
    /// Raw control characters are ruled out by the caller.
    fn string(&mut self) -> Option<Text<'a>> {
        self.literal(b"\"")?;
        let start = self.at;
        let mut escaped = false;
        // Control characters were ruled out for the whole line: only a
        // quote or a backslash stops the scan.
        loop {
            let found = memchr::memchr2(b'"', b'\\', &self.bytes[self.at..])?;
            self.at += found + 1;
            if self.bytes[self.at - 1] == b'"' {
                break;
            }
            escaped = true;
            self.escape()?;
        }
        Some(Text {
            raw: &self.bytes[start..self.at - 1],
            escaped,
        })
    }

    /// The rest of an escape, after its backslash.
    fn escape(&mut self) -> Option<()> {
        let kind = self.peek()?;
        self.at += 1;
        match kind {
            b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't' => Some(()),
            b'u' => {
                let code = self.bytes.get(self.at..self.at + 4)?;
                self.at += 4;
                let hex = |b: u8| match b {
                    b'0'..=b'9' => Some(b - b'0'),
                    b'a'..=b'f' => Some(b - b'a' + 10),
                    _ => None,
                };
                if code[0] != b'0' || code[1] != b'0' {
                    return None;
                }
                let value = hex(code[2])? * 16 + hex(code[3])?;
                // Only control characters without a short escape.
                let short = matches!(value, 0x08 | 0x09 | 0x0a | 0x0c | 0x0d);
                (value < 0x20 && !short).then_some(())
            }
            _ => None,
        }
    }

    /// A string as stored, quotes included.
    fn quoted(&mut self) -> Option<Quoted<'a>> {
        let start = self.at;
        let escaped = self.string()?.escaped;
        Some(Quoted {
            json: self.text.get(start..self.at)?,
            escaped,
        })
    }

    /// A string without any escape, as text.
    fn plain_string(&mut self) -> Option<&'a str> {
        let start = self.at + 1;
        if self.string()?.escaped {
            return None;
        }
        self.text.get(start..self.at - 1)
    }

    /// Any JSON value as a `serde_json::Value` writes it.
    fn value(&mut self, depth: usize) -> Option<()> {
        match self.peek()? {
            b'{' => self.object(depth + 1),
            b'[' => self.array(depth + 1),
            b'"' => self.string().map(|_| ()),
            b'n' => self.literal(b"null"),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'-' | b'0'..=b'9' => self.integer(),
            _ => None,
        }
    }

    /// An object of a `serde_json::Map` (insertion order kept): members
    /// with distinct keys, as a duplicate would be dropped on decoding.
    fn object(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.literal(b"{")?;
        if self.literal(b"}").is_some() {
            return Some(());
        }
        let mut keys: [&[u8]; MAX_KEYS] = [&[]; MAX_KEYS];
        let mut count = 0;
        loop {
            let key = self.string()?.raw;
            if count == MAX_KEYS || keys[..count].contains(&key) {
                return None;
            }
            keys[count] = key;
            count += 1;
            self.literal(b":")?;
            self.value(depth)?;
            if self.literal(b"}").is_some() {
                return Some(());
            }
            self.literal(b",")?;
        }
    }

    fn array(&mut self, depth: usize) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.literal(b"[")?;
        if self.literal(b"]").is_some() {
            return Some(());
        }
        loop {
            self.value(depth)?;
            if self.literal(b"]").is_some() {
                return Some(());
            }
            self.literal(b",")?;
        }
    }

    /// `seen`: a sorted map (keys strictly ascending, compared as their
    /// bytes, which is their order when they hold no escape) of
    /// `{"seq":N,"hash":"…"}`.
    fn seen(&mut self) -> Option<()> {
        self.literal(b"{")?;
        if self.literal(b"}").is_some() {
            return Some(());
        }
        let mut last: Option<&[u8]> = None;
        loop {
            let key = self.string()?;
            if key.escaped || last.is_some_and(|last| last >= key.raw) {
                return None;
            }
            last = Some(key.raw);
            self.literal(b":{\"seq\":")?;
            self.unsigned()?;
            self.literal(b",\"hash\":")?;
            self.string()?;
            self.literal(b"}")?;
            if self.literal(b"}").is_some() {
                return Some(());
            }
            self.literal(b",")?;
        }
    }
}

#[cfg(test)]
mod tests;
