//! Where a JSON pointer's value starts in the text, as line and column,
//! so an import error names the place an editor can jump to.
//!
//! `serde_json` keeps no positions, so this walks the text itself: a small
//! scanner over valid JSON that skips what it does not need.

/// 1-based line and column (in characters) of the value `pointer`
/// (RFC 6901) names, or of its nearest existing parent.
pub fn locate(text: &str, pointer: &str) -> (usize, usize) {
    let tokens: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|t| t.replace("~1", "/").replace("~0", "~"))
        .collect();
    let mut scanner = Scanner {
        bytes: text.as_bytes(),
        at: 0,
    };
    scanner.whitespace();
    let mut found = scanner.at;
    for token in &tokens {
        match scanner.child(token) {
            Some(at) => {
                found = at;
                scanner.at = at;
            }
            None => break,
        }
    }
    line_column(text, found)
}

fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
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

    /// From the start of an object or array, the offset of the member
    /// `token` names.
    fn child(&mut self, token: &str) -> Option<usize> {
        match self.peek()? {
            b'{' => {
                self.at += 1;
                loop {
                    self.whitespace();
                    if self.peek()? != b'"' {
                        return None;
                    }
                    let key = self.string()?;
                    self.whitespace();
                    if self.peek()? != b':' {
                        return None;
                    }
                    self.at += 1;
                    self.whitespace();
                    if key == token {
                        return Some(self.at);
                    }
                    self.skip_value()?;
                    self.whitespace();
                    if self.peek()? == b',' {
                        self.at += 1;
                    } else {
                        return None;
                    }
                }
            }
            b'[' => {
                let index: usize = token.parse().ok()?;
                self.at += 1;
                for _ in 0..index {
                    self.whitespace();
                    self.skip_value()?;
                    self.whitespace();
                    if self.peek()? != b',' {
                        return None;
                    }
                    self.at += 1;
                }
                self.whitespace();
                Some(self.at)
            }
            _ => None,
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
    use super::locate;

    #[test]
    fn finds_nested_members_and_array_items() {
        let text = "{\n  \"a\": {\"b\": [1, {\"c\": \"x\"}]},\n  \"d\": \"}\"\n}";
        assert_eq!(locate(text, ""), (1, 1));
        assert_eq!(locate(text, "/a"), (2, 8));
        assert_eq!(locate(text, "/a/b/1/c"), (2, 24));
        assert_eq!(locate(text, "/d"), (3, 8));
        assert_eq!(locate(text, "/a/missing"), (2, 8), "the nearest parent");
    }
}
