//! Verification of a journal's bytes: framing, each line's own hash,
//! contiguous `seq`, and the `prev` chain from the first line. Shared by
//! `runsheet verify`, opening a journal, and review.

use std::io::{self, Read};
use std::path::Path;

use sha2::{Digest, Sha256};

use super::{Entry, Line};
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
    pub lines: Vec<Line>,
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
const PARALLEL_FROM: usize = 256 << 10;

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
    let complete = complete_len(bytes);
    let mut chain = Chain::new(first_seq, prev);
    let mut lines = Vec::new();
    for piece in check_pieces(&bytes[..complete], None) {
        lines.reserve(piece.lines.len());
        if !chain.accept(piece, &mut |line, _| lines.push(line)) {
            break;
        }
    }
    let tally = chain.finish(bytes.len() - complete);
    Verified {
        lines,
        head_hash: tally.head_hash,
        verified_len: tally.verified_len,
        broken: tally.broken,
        torn_tail: tally.torn_tail,
    }
}

/// What verifying a journal as a stream found: a [`Verified`] whose lines
/// went, one by one, to the caller instead of into memory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// How many lines verified (each was handed over, in order).
    pub entries: usize,
    /// SHA-256 of the last verified line.
    pub head_hash: Option<String>,
    /// Byte length of the verified prefix (complete lines only).
    pub verified_len: usize,
    /// The first problem, if any; no line after it was handed over.
    pub broken: Option<Break>,
    /// Bytes after the last newline of the whole file.
    pub torn_tail: usize,
}

impl Tally {
    pub fn is_intact(&self) -> bool {
        self.broken.is_none() && self.torn_tail == 0
    }
}

/// Bytes read at a time by [`verify_stream`]: large enough to give every
/// core a piece (see `PARALLEL_FROM`), small enough that the lines decoded
/// from one read stay a few MiB whatever the journal's size.
const STREAM_CHUNK: usize = 1 << 20;

/// Verifies a whole journal read from `reader`, handing each verified line
/// to `each` in order, in bounded memory: the same checks, the same first
/// problem and torn tail as [`verify`] on the same bytes.
///
/// The journal is read a chunk of whole lines at a time; each chunk is
/// checked on every core as [`verify`] checks a whole file, then linked to
/// the chunk before. After a problem nothing more is checked or handed
/// over, but the rest is still read to measure the torn tail.
pub fn verify_stream(reader: impl Read + Send, mut each: impl FnMut(Line)) -> io::Result<Tally> {
    verify_in_chunks(reader, STREAM_CHUNK, None, &mut |line, _| each(line))
}

/// A digest of one line's bytes (without its newline) that a caller wants
/// beside the line, computed on the cores that check it.
pub type LineDigest = fn(&[u8]) -> [u8; 32];

/// [`verify_stream`] reading `chunk` bytes at a time, handing each line
/// with its `digest`, if one is asked for.
///
/// Reading and checking run on a thread of their own (which spreads each
/// chunk over every core), one chunk ahead of the linking and the caller's
/// work on this thread: at most two chunks of checked lines exist at once.
fn verify_in_chunks(
    reader: impl Read + Send,
    chunk: usize,
    digest: Option<LineDigest>,
    each: &mut impl FnMut(Line, Option<[u8; 32]>),
) -> io::Result<Tally> {
    let mut chain = Chain::new(0, ZERO_HASH);
    std::thread::scope(|scope| {
        // No buffer: the reader waits with its next chunk in hand.
        let (checked, pieces) = std::sync::mpsc::sync_channel(0);
        let reading = std::thread::Builder::new()
            .name("journal-read".into())
            .spawn_scoped(scope, move || {
                read_and_check(reader, chunk, digest, &checked)
            })?;
        for chunk_pieces in &pieces {
            let intact = chunk_pieces
                .into_iter()
                .all(|piece| chain.accept(piece, each));
            if !intact {
                // Nothing after a break is checked: the reader, refused its
                // next chunk, only reads on to measure the torn tail.
                break;
            }
        }
        drop(pieces);
        let torn_tail = reading
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?;
        Ok(chain.finish(torn_tail))
    })
}

/// The reading side of [`verify_in_chunks`]: sends the checked pieces of
/// each chunk of whole lines, in order; returns the length of the torn
/// tail (bytes after the file's last newline). Once a send is refused
/// (the chain broke) it only reads on to the end to measure that tail.
fn read_and_check(
    mut reader: impl Read,
    chunk: usize,
    digest: Option<LineDigest>,
    checked: &std::sync::mpsc::SyncSender<Vec<Piece>>,
) -> io::Result<usize> {
    let mut buffer = Vec::with_capacity(chunk + chunk / 2);
    loop {
        // Tops the buffer up to a chunk, or a chunk more when the lines
        // in it have no end yet (a line longer than a chunk).
        let want = if complete_len(&buffer) == 0 {
            buffer.len() + chunk
        } else {
            chunk
        };
        let room = want.saturating_sub(buffer.len()) as u64;
        let read = reader.by_ref().take(room).read_to_end(&mut buffer)?;
        let at_end = (read as u64) < room;
        let complete = complete_len(&buffer);
        if complete > 0 || at_end {
            let pieces = check_pieces(&buffer[..complete], digest);
            buffer.drain(..complete);
            if checked.send(pieces).is_err() {
                return torn_tail_after(&mut reader, buffer.len());
            }
        }
        if at_end {
            return Ok(buffer.len());
        }
    }
}

/// [`verify_stream`] of the journal at `path`, which must be a regular
/// file of at most `JOURNAL_LIMIT` bytes, as for reading it whole.
pub fn verify_file(path: &Path, mut each: impl FnMut(Line)) -> io::Result<Tally> {
    verify_file_digesting(path, None, &mut |line, _| each(line))
}

/// [`verify_file`], handing each line with its `digest` (for example the
/// Merkle leaf hash of checkpoints), so that a caller needing both reads
/// the journal once.
pub fn verify_file_with(
    path: &Path,
    digest: LineDigest,
    mut each: impl FnMut(Line, [u8; 32]),
) -> io::Result<Tally> {
    verify_file_digesting(path, Some(digest), &mut |line, hash| {
        each(line, hash.unwrap_or_default());
    })
}

fn verify_file_digesting(
    path: &Path,
    digest: Option<LineDigest>,
    each: &mut impl FnMut(Line, Option<[u8; 32]>),
) -> io::Result<Tally> {
    let file = super::attachment::open_regular(path)?;
    let limit = super::attachment::JOURNAL_LIMIT;
    if file.metadata()?.len() > limit {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("is larger than {limit} bytes; refusing to read it"),
        ));
    }
    verify_in_chunks(file.take(limit + 1), STREAM_CHUNK, digest, each)
}

/// Reads `reader` to its end and returns how many bytes follow the last
/// newline, counting `pending` bytes already read without one.
fn torn_tail_after(reader: &mut impl Read, pending: usize) -> io::Result<usize> {
    let mut tail = pending;
    let mut buffer = vec![0; 64 * 1024];
    loop {
        let read = match reader.read(&mut buffer) {
            Ok(0) => return Ok(tail),
            Ok(read) => read,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        tail = match buffer[..read].iter().rposition(|b| *b == b'\n') {
            Some(i) => read - i - 1,
            None => tail + read,
        };
    }
}

/// Length of the complete lines at the start of `bytes`.
fn complete_len(bytes: &[u8]) -> usize {
    bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1)
}

/// The chain followed in line order across checked pieces.
struct Chain<'p> {
    first_seq: u64,
    /// The `prev` the first line must name.
    prev: &'p str,
    /// The hash of the last line accepted; before the first, `prev`.
    last: Option<LineHash>,
    tally: Tally,
}

impl<'p> Chain<'p> {
    fn new(first_seq: u64, prev: &'p str) -> Self {
        Self {
            first_seq,
            prev,
            last: None,
            tally: Tally::default(),
        }
    }

    /// Links the lines of `piece` after those accepted so far, handing
    /// each to `each`; false once a line failed (then nothing more may
    /// be accepted).
    fn accept(&mut self, piece: Piece, each: &mut impl FnMut(Line, Option<[u8; 32]>)) -> bool {
        let mut unlinked = None;
        let mut digests = piece.digests.into_iter();
        for (line, hash) in piece.lines.into_iter().zip(piece.hashes) {
            let seq = self.next_seq();
            if let Err(reason) = link(&line.entry, seq, self.prev, self.last.as_ref()) {
                unlinked = Some(broken_at(seq, reason));
                break;
            }
            self.last = Some(hash);
            self.tally.entries += 1;
            self.tally.verified_len += line.text.len() + 1;
            each(line, digests.next());
        }
        let seq = self.next_seq();
        self.tally.broken = unlinked.or_else(|| piece.failed.map(|reason| broken_at(seq, reason)));
        self.tally.broken.is_none()
    }

    fn next_seq(&self) -> u64 {
        self.first_seq + self.tally.entries as u64
    }

    fn finish(mut self, torn_tail: usize) -> Tally {
        self.tally.head_hash = self.last.map(|hash| to_hex(&hash));
        self.tally.torn_tail = torn_tail;
        self.tally
    }
}

/// SHA-256 of a line as stored (without its newline): the next `prev`.
type LineHash = sha2::digest::Output<Sha256>;

/// Consecutive lines checked on their own: those that passed, each with
/// its hash, up to the first that did not and why.
#[derive(Default)]
struct Piece {
    lines: Vec<Line>,
    hashes: Vec<LineHash>,
    /// Each line's caller digest, when one was asked for.
    digests: Vec<[u8; 32]>,
    failed: Option<String>,
}

/// Checks every complete line, in order: a large journal in one piece per
/// core, each on its own thread (the calling thread takes the first).
fn check_pieces(bytes: &[u8], digest: Option<LineDigest>) -> Vec<Piece> {
    let threads = if bytes.len() < PARALLEL_FROM {
        1
    } else {
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    };
    if threads <= 1 {
        return vec![check_piece(bytes, digest)];
    }
    let pieces = cut(bytes, threads);
    std::thread::scope(|scope| {
        let helpers: Vec<_> = pieces[1..]
            .iter()
            .map(|&piece| {
                std::thread::Builder::new()
                    .name("journal-verify".into())
                    .spawn_scoped(scope, move || check_piece(piece, digest))
                    .map_err(|_| piece)
            })
            .collect();
        let mut checked = vec![check_piece(pieces[0], digest)];
        for helper in helpers {
            checked.push(match helper {
                Ok(handle) => handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                // No thread to be had: check the piece here.
                Err(piece) => check_piece(piece, digest),
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
fn check_piece(bytes: &[u8], digest: Option<LineDigest>) -> Piece {
    let mut piece = Piece::default();
    for raw in bytes.split_inclusive(|b| *b == b'\n') {
        let body = &raw[..raw.len() - 1];
        match check_line(body) {
            Ok(line) => {
                piece.lines.push(line);
                piece.hashes.push(Sha256::digest(body));
                piece.digests.extend(digest.map(|digest| digest(body)));
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
fn check_line(body: &[u8]) -> Result<Line, String> {
    let text = std::str::from_utf8(body).map_err(|_| "not valid UTF-8".to_string())?;
    if text.is_empty() {
        return Err("empty line".into());
    }
    // Checks the line's own hash first, then its canonical form.
    let entry = Entry::decode(text).map_err(|e| e.0)?;
    if entry.v != super::VERSION {
        return Err(format!("unsupported version `v: {}`", entry.v));
    }
    Ok(Line {
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

#[cfg(test)]
mod tests {
    //! Streaming must find exactly what verifying the whole bytes finds,
    //! wherever the reads cut the lines.

    use chrono::{DateTime, TimeDelta};

    use super::{Verified, verify, verify_in_chunks};
    use crate::hash::{ZERO_HASH, sha256_hex};
    use crate::journal::event::{Note, Payload};
    use crate::journal::{Draft, Event};

    fn journal(lines: usize, note_len: usize) -> Vec<u8> {
        let mut prev = ZERO_HASH.to_string();
        let mut bytes = Vec::new();
        for i in 0..lines {
            let draft = Draft {
                ts: DateTime::from_timestamp(1_790_000_000, 0).expect("time")
                    + TimeDelta::seconds(i64::try_from(i).expect("small")),
                mono_ms: 1_000 * i as u64,
                scenario_ms: None,
                session: "session-1".into(),
                actor: "Dana Reyes".into(),
                event: Event::new(Payload::Note(Note {
                    text: format!("{i}: {}", "x".repeat(note_len)),
                })),
            };
            let text = draft.into_entry(i as u64, prev.clone()).encode();
            prev = sha256_hex(text.as_bytes());
            bytes.extend_from_slice(text.as_bytes());
            bytes.push(b'\n');
        }
        bytes
    }

    /// The stream's outcome in the shape of [`verify`]'s.
    fn streamed(bytes: &[u8], chunk: usize) -> Verified {
        let mut lines = Vec::new();
        let tally = verify_in_chunks(bytes, chunk, None, &mut |line, _| lines.push(line))
            .expect("in memory");
        assert_eq!(tally.entries, lines.len());
        Verified {
            lines,
            head_hash: tally.head_hash,
            verified_len: tally.verified_len,
            broken: tally.broken,
            torn_tail: tally.torn_tail,
        }
    }

    fn assert_same(bytes: &[u8], chunks: &[usize]) {
        let whole = verify(bytes);
        for &chunk in chunks {
            assert_eq!(
                streamed(bytes, chunk),
                whole,
                "read {chunk} bytes at a time"
            );
        }
    }

    #[test]
    fn every_cut_of_a_small_journal_streams_as_it_verifies() {
        let bytes = journal(4, 20);
        for end in 0..=bytes.len() {
            assert_same(&bytes[..end], &[1, 97, 1 << 20]);
        }
    }

    #[test]
    fn every_changed_byte_is_reported_as_when_verified_whole() {
        let bytes = journal(5, 10);
        for at in (0..bytes.len()).step_by(7) {
            let mut changed = bytes.clone();
            changed[at] = if changed[at] == b'0' { b'1' } else { b'0' };
            assert_same(&changed, &[1, 150, 1 << 20]);
        }
    }

    #[test]
    fn removed_lines_and_torn_tails_after_a_break_stream_as_verified() {
        let bytes = journal(8, 30);
        let lines: Vec<&[u8]> = bytes.split_inclusive(|b| *b == b'\n').collect();
        for removed in 0..lines.len() {
            let mut cut: Vec<u8> = lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i != removed)
                .flat_map(|(_, l)| l.iter().copied())
                .collect();
            cut.extend_from_slice(b"{\"torn\":");
            assert_same(&cut, &[64, 200, 1 << 20]);
        }
    }

    #[test]
    fn large_reads_are_checked_on_every_core_and_report_the_first_problem() {
        // Reads of 1.25 MiB: the first is cut into pieces checked on
        // every core, the second holds the rest.
        let read = (1 << 20) + (1 << 18);
        let bytes = journal(2_400, 420);
        assert!(bytes.len() > read);
        assert_same(&bytes, &[read]);
        for at in [10, bytes.len() / 2 + 5, bytes.len() - 10] {
            let mut changed = bytes.clone();
            changed[at] ^= 1;
            assert_same(&changed, &[read]);
        }
    }
}
