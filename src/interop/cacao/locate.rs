//! Where a JSON pointer's value starts in the text, as line and column,
//! so an import error names the place an editor can jump to.
//!
//! `serde_json` keeps no positions, so this walks the text itself: a small
//! scanner over valid JSON that skips what it does not need. An import
//! can locate one pointer per step of a 80,000-step workflow, so a
//! [`Locator`] scans each object or array at most once and keeps its
//! members' offsets, and turns offsets into line:column through an index
//! of line starts: the work is linear in the text, not in text × notes.

use std::collections::HashMap;

/// 1-based line and column (in characters) of the value `pointer`
/// (RFC 6901) names, or of its nearest existing parent.
pub fn locate(text: &str, pointer: &str) -> (usize, usize) {
    Locator::new(text).locate(pointer)
}

/// Bytes between the marks of how many characters precede them: a column
/// is counted from the nearest mark, never from the start of a long line.
const CHAR_MARK_STRIDE: usize = 4096;

/// Locates many pointers in one text in linear total work.
#[derive(Debug)]
pub struct Locator<'t> {
    text: &'t str,
    /// Offset of the first byte of each line.
    line_starts: Vec<usize>,
    /// Characters before offset `k * CHAR_MARK_STRIDE`, for each `k`.
    char_marks: Vec<usize>,
    /// The members of each object or array scanned so far, by its offset.
    members: HashMap<usize, Members>,
    /// Bytes the scanner has stepped over: the work, for tests.
    scanned: usize,
}

/// Where each member's value starts.
#[derive(Debug)]
enum Members {
    Object(HashMap<String, usize>),
    Array(Vec<usize>),
    /// Not a container, or text the scanner could not read.
    None,
}

impl<'t> Locator<'t> {
    pub fn new(text: &'t str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        let mut char_marks = vec![0];
        for chunk in text.as_bytes().chunks(CHAR_MARK_STRIDE) {
            let last = char_marks.last().copied().unwrap_or(0);
            char_marks.push(last + char_starts(chunk));
        }
        Self {
            text,
            line_starts,
            char_marks,
            members: HashMap::new(),
            scanned: 0,
        }
    }

    /// 1-based line and column (in characters) of the value `pointer`
    /// (RFC 6901) names, or of its nearest existing parent.
    pub fn locate(&mut self, pointer: &str) -> (usize, usize) {
        let mut scanner = Scanner {
            bytes: self.text.as_bytes(),
            at: 0,
        };
        scanner.whitespace();
        let mut found = scanner.at;
        for token in pointer.split('/').skip(1) {
            let token = token.replace("~1", "/").replace("~0", "~");
            match self.child(found, &token) {
                Some(at) => found = at,
                None => break,
            }
        }
        self.line_column(found)
    }

    /// Bytes scanned so far, over every pointer located: at most a few
    /// times the text's length, however many pointers.
    pub fn scanned_bytes(&self) -> usize {
        self.scanned
    }

    /// The offset of the member `token` names in the object or array at
    /// `container`, scanning the container the first time it is asked.
    fn child(&mut self, container: usize, token: &str) -> Option<usize> {
        let text = self.text;
        let scanned = &mut self.scanned;
        let members = self.members.entry(container).or_insert_with(|| {
            let (members, bytes) = scan_members(text.as_bytes(), container);
            *scanned += bytes;
            members
        });
        match members {
            Members::Object(keys) => keys.get(token).copied(),
            Members::Array(items) => items.get(token.parse::<usize>().ok()?).copied(),
            Members::None => None,
        }
    }

    fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&start| start <= offset);
        let line_start = self
            .line_starts
            .get(line.wrapping_sub(1))
            .copied()
            .unwrap_or(0);
        let column = self.chars_before(offset) - self.chars_before(line_start) + 1;
        (line, column)
    }

    /// Characters in the text before byte `offset`.
    fn chars_before(&self, offset: usize) -> usize {
        let mark = offset / CHAR_MARK_STRIDE;
        let from = mark * CHAR_MARK_STRIDE;
        let bytes = self.text.as_bytes().get(from..offset).unwrap_or_default();
        self.char_marks.get(mark).copied().unwrap_or(0) + char_starts(bytes)
    }
}

/// How many characters start in `bytes` (UTF-8 continuation bytes do not
/// start one).
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b & 0xC0 != 0x80).count()
}

/// The members of the object or array at `at`, and the bytes scanned to
/// find them. A repeated key keeps its first offset, as a reader from the
/// top would find it.
fn scan_members(bytes: &[u8], at: usize) -> (Members, usize) {
    let mut scanner = Scanner { bytes, at };
    let members = match scanner.peek() {
        Some(b'{') => scanner.object_members().map(Members::Object),
        Some(b'[') => scanner.array_members().map(Members::Array),
        _ => None,
    };
    (
        members.unwrap_or(Members::None),
        scanner.at.saturating_sub(at),
    )
}

struct Scanner<'t> {
    bytes: &'t [u8],
    at: usize,
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn whitespace(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.at += 1;
        }
    }

    /// From a `{`, each key and the offset of its value.
    fn object_members(&mut self) -> Option<HashMap<String, usize>> {
        let mut keys = HashMap::new();
        self.at += 1;
        loop {
            self.whitespace();
            if self.peek()? != b'"' {
                return Some(keys);
            }
            let key = self.string()?;
            self.whitespace();
            if self.peek()? != b':' {
                return Some(keys);
            }
            self.at += 1;
            self.whitespace();
            keys.entry(key).or_insert(self.at);
            self.skip_value()?;
            self.whitespace();
            if self.peek()? != b',' {
                return Some(keys);
            }
            self.at += 1;
        }
    }

    /// From a `[`, the offset of each item.
    fn array_members(&mut self) -> Option<Vec<usize>> {
        let mut items = Vec::new();
        self.at += 1;
        loop {
            self.whitespace();
            if matches!(self.peek()?, b']') {
                return Some(items);
            }
            items.push(self.at);
            self.skip_value()?;
            self.whitespace();
            if self.peek()? != b',' {
                return Some(items);
            }
            self.at += 1;
        }
    }

    /// Reads a string starting at `"`; escapes are kept as written, which
    /// is enough to compare with keys that have none.
    fn string(&mut self) -> Option<String> {
        let start = self.at + 1;
        self.at += 1;
        while let Some(b) = self.peek() {
            match b {
                b'\\' => self.at += 2,
                b'"' => {
                    let text = std::str::from_utf8(&self.bytes[start..self.at]).ok()?;
                    self.at += 1;
                    return Some(text.to_string());
                }
                _ => self.at += 1,
            }
        }
        None
    }

    fn skip_value(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => self.string().map(|_| ()),
            open @ (b'{' | b'[') => {
                let close = if open == b'{' { b'}' } else { b']' };
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b if b == open => depth += 1,
                        b if b == close => {
                            depth -= 1;
                            if depth == 0 {
                                self.at += 1;
                                return Some(());
                            }
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => depth = depth.checked_sub(1)?,
                        _ => {}
                    }
                    self.at += 1;
                }
            }
            _ => {
                while self
                    .peek()
                    .is_some_and(|b| !matches!(b, b',' | b'}' | b']') && !b.is_ascii_whitespace())
                {
                    self.at += 1;
                }
                Some(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Locator, locate};

    #[test]
    fn finds_nested_members_and_array_items() {
        let text = "{\n  \"a\": {\"b\": [1, {\"c\": \"x\"}]},\n  \"d\": \"}\"\n}";
        assert_eq!(locate(text, ""), (1, 1));
        assert_eq!(locate(text, "/a"), (2, 8));
        assert_eq!(locate(text, "/a/b/1/c"), (2, 24));
        assert_eq!(locate(text, "/d"), (3, 8));
        assert_eq!(locate(text, "/a/missing"), (2, 8), "the nearest parent");
    }

    #[test]
    fn columns_count_characters_on_a_long_line() {
        let text = format!("{{\"a\": \"{}\", \"b\": 1}}", "é".repeat(5_000));
        assert_eq!(locate(&text, "/b"), (1, 7 + 5_000 + 8 + 1));
    }

    /// Defect: each located pointer rescanned the text from its start, so a
    /// note per step of a long workflow cost text × steps. Each object or
    /// array is now scanned once, whatever how many pointers go through it.
    #[test]
    fn locating_a_pointer_per_member_scans_the_text_about_once() {
        let items: Vec<String> = (0..2_000)
            .map(|i| format!("\"k{i}\": {{\"v\": [{i}]}}"))
            .collect();
        let text = format!("{{\"w\": {{\n{}\n}}}}", items.join(",\n"));
        let mut locator = Locator::new(&text);
        for i in 0..2_000 {
            assert_eq!(locator.locate(&format!("/w/k{i}/v/0")).0, i + 2);
        }
        assert!(
            locator.scanned_bytes() <= 3 * text.len(),
            "scanned {} bytes of a {}-byte text",
            locator.scanned_bytes(),
            text.len()
        );
    }
}
