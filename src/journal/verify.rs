//! Verification of a journal's bytes: framing, each line's own hash,
//! contiguous `seq`, and the `prev` chain from the first line. Shared by
//! `runsheet verify`, opening a journal, and review.

use sha2::{Digest, Sha256};

use super::{Entry, check_own_hash};
use crate::hash::{ZERO_HASH, to_hex};

/// Where and why verification stopped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// 1-based line number.
    pub line: usize,
    /// The `seq` the line should have had.
    pub seq: u64,
    pub reason: String,
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {} (seq {}): {}", self.line, self.seq, self.reason)
    }
}

/// The outcome of reading a journal's bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// Every line before the first break, decoded, with its text.
    pub lines: Vec<super::Line>,
    /// SHA-256 of the last verified line: the head a reviewer can anchor.
    pub head_hash: Option<String>,
    /// Byte length of the verified prefix (complete lines only).
    pub verified_len: usize,
    /// The first problem, if any; nothing after it is trusted.
    pub broken: Option<Break>,
    /// Bytes after the last newline: an interrupted write, if any.
    pub torn_tail: usize,
}

impl Verified {
    pub fn is_intact(&self) -> bool {
        self.broken.is_none() && self.torn_tail == 0
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.lines.iter().map(|l| &l.entry)
    }
}

/// Verifies complete lines in order and stops at the first problem.
pub fn verify(bytes: &[u8]) -> Verified {
    verify_from(bytes, 0, ZERO_HASH)
}

/// Verifies lines that continue a journal already verified up to `seq`
/// (exclusive) with head hash `prev`: used to follow a journal that
/// another runsheet is still writing, reading only what was appended.
pub fn verify_from(bytes: &[u8], first_seq: u64, prev: &str) -> Verified {
    let complete = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let mut out = Verified {
        lines: Vec::new(),
        head_hash: None,
        verified_len: 0,
        broken: None,
        torn_tail: bytes.len() - complete,
    };
    let mut prev = prev.to_string();
    let mut offset = 0;
    for (index, raw) in bytes[..complete]
        .split_inclusive(|b| *b == b'\n')
        .enumerate()
    {
        let seq = first_seq + index as u64;
        let line_no = usize::try_from(seq).unwrap_or(usize::MAX) + 1;
        let body = &raw[..raw.len() - 1];
        match check_line(body, seq, &prev) {
            Ok(line) => {
                prev = to_hex(&Sha256::digest(body));
                out.lines.push(line);
                offset += raw.len();
                out.verified_len = offset;
                out.head_hash = Some(prev.clone());
            }
            Err(reason) => {
                out.broken = Some(Break {
                    line: line_no,
                    seq,
                    reason,
                });
                break;
            }
        }
    }
    out
}

fn check_line(body: &[u8], seq: u64, prev: &str) -> Result<super::Line, String> {
    let text = std::str::from_utf8(body).map_err(|_| "not valid UTF-8".to_string())?;
    if text.is_empty() {
        return Err("empty line".into());
    }
    check_own_hash(text).map_err(|e| e.0)?;
    let entry = Entry::decode(text).map_err(|e| e.0)?;
    if entry.v != super::VERSION {
        return Err(format!("unsupported version `v: {}`", entry.v));
    }
    if entry.seq != seq {
        return Err(format!(
            "`seq` is {} where {seq} was expected (an entry was removed, inserted or reordered)",
            entry.seq
        ));
    }
    if entry.prev != prev {
        return Err(if seq == 0 {
            "the first entry's `prev` is not 64 zeros".into()
        } else {
            format!(
                "`prev` does not match the hash of line {}: the line before was altered or removed",
                seq
            )
        });
    }
    Ok(super::Line {
        entry,
        text: text.to_string(),
    })
}
