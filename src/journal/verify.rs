//! Verification of a journal's bytes: framing, each line's own hash,
//! contiguous `seq`, and the `prev` chain from the first line. Shared by
//! `runsheet verify`, opening a journal, and review.

use sha2::{Digest, Sha256};

use super::Entry;
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

/// Below this many bytes, lines are checked on the calling thread only.
const PARALLEL_FROM: usize = 1 << 20;

/// Verifies lines that continue a journal already verified up to `seq`
/// (exclusive) with head hash `prev`: used to follow a journal that
/// another runsheet is still writing, reading only what was appended.
///
/// What makes a line valid on its own (UTF-8, its own hash, canonical
/// form, version) is checked for a large journal in pieces, one per core;
/// `seq` and the `prev` chain are then followed in line order. Each line's
/// checks still run in that order, so the problem reported is the first
/// in line order, exactly as when checking one line after another.
pub fn verify_from(bytes: &[u8], first_seq: u64, prev: &str) -> Verified {
    let complete = bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
    let mut out = Verified {
        lines: Vec::new(),
        head_hash: None,
        verified_len: 0,
        broken: None,
        torn_tail: bytes.len() - complete,
    };
    // The hash of the last line accepted; before the first, `prev`.
    let mut last: Option<LineHash> = None;
    for piece in check_pieces(&bytes[..complete]) {
        let mut accepted = 0;
        let mut unlinked = None;
        for (line, hash) in piece.lines.iter().zip(&piece.hashes) {
            let seq = first_seq + (out.lines.len() + accepted) as u64;
            if let Err(reason) = link(&line.entry, seq, prev, last.as_ref()) {
                unlinked = Some(broken_at(seq, reason));
                break;
            }
            last = Some(*hash);
            accepted += 1;
        }
        let mut lines = piece.lines;
        lines.truncate(accepted);
        out.verified_len += lines.iter().map(|l| l.text.len() + 1).sum::<usize>();
        if out.lines.is_empty() {
            out.lines = lines;
        } else {
            out.lines.append(&mut lines);
        }
        let seq = first_seq + out.lines.len() as u64;
        out.broken = unlinked.or_else(|| piece.failed.map(|reason| broken_at(seq, reason)));
        if out.broken.is_some() {
            break;
        }
    }
    out.head_hash = last.map(|hash| to_hex(&hash));
    out
}

/// SHA-256 of a line as stored (without its newline): the next `prev`.
type LineHash = sha2::digest::Output<Sha256>;

/// Consecutive lines checked on their own: those that passed, each with
/// its hash, up to the first that did not and why.
#[derive(Default)]
struct Piece {
    lines: Vec<super::Line>,
    hashes: Vec<LineHash>,
    failed: Option<String>,
}

/// Checks every complete line, in order: a large journal in one piece per
/// core, each on its own thread (the calling thread takes the first).
fn check_pieces(bytes: &[u8]) -> Vec<Piece> {
    let threads = if bytes.len() < PARALLEL_FROM {
        1
    } else {
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    };
    if threads <= 1 {
        return vec![check_piece(bytes)];
    }
    let pieces = cut(bytes, threads);
    std::thread::scope(|scope| {
        let helpers: Vec<_> = pieces[1..]
            .iter()
            .map(|&piece| {
                std::thread::Builder::new()
                    .name("journal-verify".into())
                    .spawn_scoped(scope, move || check_piece(piece))
                    .map_err(|_| piece)
            })
            .collect();
        let mut checked = vec![check_piece(pieces[0])];
        for helper in helpers {
            checked.push(match helper {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                // No thread to be had: check the piece here.
                Err(piece) => check_piece(piece),
            });
        }
        checked
    })
}

/// Cuts `bytes` (complete lines) into about `n` pieces of whole lines.
fn cut(bytes: &[u8], n: usize) -> Vec<&[u8]> {
    let mut pieces = Vec::with_capacity(n);
    let mut start = 0;
    for k in 1..n {
        let target = (bytes.len() * k / n).max(start);
        let Some(end) = bytes[target..].iter().position(|b| *b == b'\n') else {
            break;
        };
        let end = target + end + 1;
        if end < bytes.len() {
            pieces.push(&bytes[start..end]);
            start = end;
        }
    }
    pieces.push(&bytes[start..]);
    pieces
}

/// Checks each line of `bytes` on its own, stopping at the first failure.
fn check_piece(bytes: &[u8]) -> Piece {
    let mut piece = Piece::default();
    for raw in bytes.split_inclusive(|b| *b == b'\n') {
        let body = &raw[..raw.len() - 1];
        match check_line(body) {
            Ok(line) => {
                piece.lines.push(line);
                piece.hashes.push(Sha256::digest(body));
            }
            Err(reason) => {
                piece.failed = Some(reason);
                break;
            }
        }
    }
    piece
}

fn broken_at(seq: u64, reason: String) -> Break {
    Break {
        line: usize::try_from(seq).unwrap_or(usize::MAX) + 1,
        seq,
        reason,
    }
}

/// What makes a line valid on its own; its place in the chain is
/// [`link`]'s to check.
fn check_line(body: &[u8]) -> Result<super::Line, String> {
    let text = std::str::from_utf8(body).map_err(|_| "not valid UTF-8".to_string())?;
    if text.is_empty() {
        return Err("empty line".into());
    }
    // Checks the line's own hash first, then its canonical form.
    let entry = Entry::decode(text).map_err(|e| e.0)?;
    if entry.v != super::VERSION {
        return Err(format!("unsupported version `v: {}`", entry.v));
    }
    Ok(super::Line {
        entry,
        text: text.to_string(),
    })
}

/// A line's place in the chain: the `seq` expected there, and a `prev`
/// naming the line before (`last`, or `prev` for the first line checked).
fn link(entry: &Entry, seq: u64, prev: &str, last: Option<&LineHash>) -> Result<(), String> {
    if entry.seq != seq {
        return Err(format!(
            "`seq` is {} where {seq} was expected (an entry was removed, inserted or reordered)",
            entry.seq
        ));
    }
    let linked = match last {
        None => entry.prev == prev,
        Some(hash) => super::is_hex_of(hash, &entry.prev),
    };
    if linked {
        Ok(())
    } else if seq == 0 {
        Err("the first entry's `prev` is not 64 zeros".into())
    } else {
        Err(format!(
            "`prev` does not match the hash of line {seq}: the line before was altered or removed"
        ))
    }
}
