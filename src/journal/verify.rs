//! Verification of a journal's bytes: framing, each line's own hash,
//! contiguous `seq`, and the `prev` chain from the first line. Shared by
//! `runsheet verify`, opening a journal, and review.

use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc::{Receiver, SyncSender};

use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};

use super::typed::Recent;
use super::{DecodeError, Entry, Kind, Line, TypedEntry, canonical};
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

/// Whether a file that broke at its first line is no journal at all: no
/// line among its first 64 KiB starts as a JSON object does (`{"`). A playbook passed where a
/// journal belongs then reads as what it is, not as a journal someone
/// tampered with; a tampered journal keeps its other entries' lines.
pub fn is_not_a_journal(path: &std::path::Path) -> bool {
    use std::io::Read as _;
    const LOOK: u64 = 64 * 1024;
    let mut head = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(LOOK).read_to_end(&mut head));
    read.is_ok()
        && !head
            .split(|b| *b == b'\n')
            .any(|line| line.trim_ascii_start().starts_with(b"{\""))
}

impl std::fmt::Display for Break {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {} (seq {}): {}", self.line, self.seq, self.reason)
    }
}

/// The outcome of reading a journal's bytes. Its lines are usually kept
/// whole ([`Line`]); a reader that only replays them keeps less.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified<L = Line> {
    /// Every line before the first break, decoded, with its text.
    pub lines: Vec<L>,
    /// SHA-256 of the last verified line: the head a reviewer can anchor.
    pub head_hash: Option<String>,
    /// Byte length of the verified prefix (complete lines only).
    pub verified_len: usize,
    /// The first problem, if any; nothing after it is trusted.
    pub broken: Option<Break>,
    /// Bytes after the last newline: an interrupted write, if any.
    pub torn_tail: usize,
}

impl<L> Verified<L> {
    pub fn is_intact(&self) -> bool {
        self.broken.is_none() && self.torn_tail == 0
    }

    /// The lines `tally` counted, with what it found of them.
    pub fn of_tally(lines: Vec<L>, tally: Tally) -> Self {
        Self {
            lines,
            head_hash: tally.head_hash,
            verified_len: tally.verified_len,
            broken: tally.broken,
            torn_tail: tally.torn_tail,
        }
    }
}

impl Verified {
    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.lines.iter().map(|l| &l.entry)
    }
}

/// A verified line as the stream hands it over: its text, where the
/// stream read it, and what most readers look at first. The whole entry is
/// decoded only when asked for ([`LineView::entry`]), unless the stream was
/// asked to decode every line on the checking cores.
#[derive(Debug)]
pub struct LineView<'a> {
    /// The line as stored, without its newline.
    pub text: &'a str,
    pub seq: u64,
    pub ts: DateTime<Utc>,
    pub kind: Kind,
    /// The line's SHA-256 (the next line's `prev`).
    pub hash: [u8; 32],
    /// Byte offset of the line from the start of what was read (the file).
    pub offset: u64,
    /// Already decoded, when it was.
    decoded: Option<Decoded>,
}

/// A line decoded on the checking cores: whole, or as a replay reads it.
///
/// A piece's decoded lines travel between threads in one `Vec`, so a
/// replay's entry needs no allocation of its own: a box per line cost an
/// allocation on a checking core and a free on the replaying thread, which
/// contend for the allocator's lock, on every line of a long journal. A
/// whole entry stays boxed, keeping every slot small.
#[allow(
    clippy::large_enum_variant,
    reason = "a replay's entries are stored inline on purpose: see above"
)]
#[derive(Debug)]
enum Decoded {
    Entry(Box<Entry>),
    Typed(TypedEntry),
}

impl LineView<'_> {
    /// A line held whole, seen as the stream would hand it over (its
    /// offset unknown: 0).
    pub fn of(line: &Line) -> LineView<'_> {
        LineView {
            text: &line.text,
            seq: line.entry.seq,
            ts: line.entry.ts,
            kind: line.entry.kind,
            hash: Sha256::digest(line.text.as_bytes()).into(),
            offset: 0,
            decoded: Some(Decoded::Entry(Box::new(line.entry.clone()))),
        }
    }

    /// The decoded entry.
    ///
    /// # Errors
    /// Never for a line the stream verified; the error is kept for a
    /// reader that would still meet one.
    pub fn entry(&self) -> Result<Entry, DecodeError> {
        match &self.decoded {
            Some(Decoded::Entry(entry)) => Ok(Entry::clone(entry)),
            _ => Entry::decode_verified(self.text),
        }
    }

    /// The decoded entry, without a copy when it was already decoded.
    ///
    /// # Errors
    /// As [`LineView::entry`].
    pub fn into_entry(self) -> Result<Entry, DecodeError> {
        match self.decoded {
            Some(Decoded::Entry(entry)) => Ok(*entry),
            _ => Entry::decode_verified(self.text),
        }
    }

    /// The entry as a replay applies it, without a copy when the stream
    /// decoded it so ([`view_file_typed`]).
    pub fn into_typed(self) -> TypedEntry {
        match self.decoded {
            Some(Decoded::Typed(typed)) => typed,
            Some(Decoded::Entry(entry)) => TypedEntry::from_entry(*entry),
            None => TypedEntry::from_entry(
                Entry::decode_verified(self.text).unwrap_or_else(|e| unreachable_decode(&e)),
            ),
        }
    }

    /// The line, decoded, with a copy of its text.
    pub fn into_line(self) -> Line {
        let text = self.text.to_string();
        let entry = match self.decoded {
            Some(Decoded::Entry(entry)) => *entry,
            // Only lines already checked reach here, decoded on the
            // checking cores when a caller wants whole lines.
            _ => Entry::decode_verified(&text).unwrap_or_else(|e| unreachable_decode(&e)),
        };
        Line { entry, text }
    }
}

/// A verified line that no longer decodes is a bug in this module, not a
/// property of the journal.
fn unreachable_decode(error: &DecodeError) -> ! {
    panic!("a verified line failed to decode: {error}")
}

/// Decodes a canonical line: its own hash and form were checked on its
/// bytes, so serde reads the body once and nothing is written back.
fn decode_canonical(text: &str, body_end: usize, body: &mut String) -> Result<Entry, DecodeError> {
    body.clear();
    body.push_str(&text[..body_end]);
    body.push('}');
    serde_json::from_str(body).map_err(|e| DecodeError(format!("not a journal entry: {e}")))
}

/// Verifies complete lines in order and stops at the first problem.
pub fn verify(bytes: &[u8]) -> Verified {
    verify_from(bytes, 0, ZERO_HASH)
}

/// Below this many bytes, lines are checked on the calling thread only.
const PARALLEL_FROM: usize = 64 << 10;

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
    let (text, not_utf8) = utf8_lines(&bytes[..complete]);
    let mut chain = Chain::new(first_seq, prev);
    let mut lines = Vec::new();
    for piece in check_pieces(text, not_utf8, Keep::Entries, None) {
        lines.reserve(piece.lines.len());
        if !chain.accept(text, piece, &mut |line, _| lines.push(line.into_line())) {
            break;
        }
    }
    let tally = chain.finish(text, bytes.len() - complete, &mut |line, _| {
        lines.push(line.into_line());
    });
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
/// from one read stay about a MiB whatever the journal's size (a decoded
/// entry takes several times its line; two reads are in flight).
const STREAM_CHUNK: usize = 1 << 18;

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

/// [`verify_stream`] handing each line as a [`LineView`], decoded on the
/// checking cores as `keep` asks: whole ([`LineView::into_line`] costs
/// nothing) or for replay ([`LineView::into_typed`] costs nothing).
pub fn view_stream(
    reader: impl Read + Send,
    keep: Keep,
    mut each: impl FnMut(LineView<'_>),
) -> io::Result<Tally> {
    stream_in_chunks(reader, Pace::LONE, keep, None, &mut |view, _| {
        each(view);
    })
}

/// A digest of one line's bytes (without its newline) that a caller wants
/// beside the line, computed on the cores that check it.
pub type LineDigest = fn(&[u8]) -> [u8; 32];

/// Whether the checking cores decode every line for the caller (whole, or
/// as a replay reads it), or leave the caller to decode the few it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    Entries,
    Typed,
    /// As `Typed`, but a note's text is left empty: for a replay that
    /// keeps no notes ([`crate::run::RunState::for_summary`]). The text
    /// was decoded and copied on a checking core only to be freed on the
    /// replaying thread, which contended for that core's allocator.
    Summary,
    Views,
}

/// [`verify_stream`] reading `chunk` bytes at a time, handing each line
/// with its `digest`, if one is asked for.
fn verify_in_chunks(
    reader: impl Read + Send,
    chunk: usize,
    digest: Option<LineDigest>,
    each: &mut impl FnMut(Line, Option<[u8; 32]>),
) -> io::Result<Tally> {
    let pace = Pace {
        chunk,
        ..Pace::LONE
    };
    stream_in_chunks(reader, pace, Keep::Entries, digest, &mut |view, digest| {
        each(view.into_line(), digest);
    })
}

/// How a stream reads: `chunk` bytes at a time, on a reading thread that
/// spreads each chunk over every core, or all on the caller's thread.
#[derive(Debug, Clone, Copy)]
struct Pace {
    chunk: usize,
    every_core: bool,
}

impl Pace {
    /// A journal read on its own.
    const LONE: Self = Self {
        chunk: STREAM_CHUNK,
        every_core: true,
    };
}

/// The stream behind every streaming reader.
///
/// Reading and checking run on a thread of their own (which spreads each
/// chunk over every core), one chunk ahead of the linking and the caller's
/// work on this thread: at most two chunks of checked lines exist at once.
/// A stream kept to one core reads, checks and links on this thread.
fn stream_in_chunks(
    reader: impl Read + Send,
    pace: Pace,
    keep: Keep,
    digest: Option<LineDigest>,
    each: &mut impl FnMut(LineView<'_>, Option<[u8; 32]>),
) -> io::Result<Tally> {
    let mut chain = Chain::new(0, ZERO_HASH);
    if !pace.every_core {
        // Chunks linked go back to be read into again.
        let (recycle, recycled) = std::sync::mpsc::sync_channel(RECYCLED);
        let link = |(text, pieces): CheckedChunk| {
            let intact = pieces
                .into_iter()
                .all(|piece| chain.accept(text.as_str(), piece, each));
            chain.detach(text.as_str());
            drop(recycle.try_send(text));
            intact
        };
        let torn_tail = read_and_check(reader, pace, keep, digest, link, &recycled)?;
        return Ok(chain.finish("", torn_tail, each));
    }
    std::thread::scope(|scope| {
        // No buffer: the reader waits with its next chunk in hand.
        let (checked, chunks) = std::sync::mpsc::sync_channel(0);
        // Chunks read go back to the reader to be read into again.
        let (recycle, recycled) = std::sync::mpsc::sync_channel(RECYCLED);
        let reading = std::thread::Builder::new()
            .name("journal-read".into())
            .spawn_scoped(scope, move || {
                let hand = |chunk| checked.send(chunk).is_ok();
                read_and_check(reader, pace, keep, digest, hand, &recycled)
            })?;
        for (text, pieces) in &chunks {
            let intact = pieces
                .into_iter()
                .all(|piece| chain.accept(text.as_str(), piece, each));
            chain.detach(text.as_str());
            // Full (the reader is ahead): this one is simply freed.
            drop(recycle.try_send(text));
            if !intact {
                // Nothing after a break is checked: the reader, refused its
                // next chunk, only reads on to measure the torn tail.
                break;
            }
        }
        drop(chunks);
        let torn_tail = crate::threads::joined(reading)?;
        Ok(chain.finish("", torn_tail, each))
    })
}

/// A chunk of whole lines as read (those before the first line that is
/// not UTF-8), with its checked pieces.
type CheckedChunk = (Arc<String>, Vec<Piece>);

/// Chunks handed back for reading into again, at most.
const RECYCLED: usize = 2;

/// A buffer to read the next chunk into: one the caller is done with when
/// there is one, so that a long journal is read into the same few buffers
/// (a fresh one is new memory, which the kernel clears page by page).
fn next_buffer(recycled: &Receiver<Arc<String>>, capacity: usize) -> Vec<u8> {
    while let Ok(text) = recycled.try_recv() {
        // A checking thread may still hold it for a moment: then it is
        // freed when that thread lets go.
        if let Ok(text) = Arc::try_unwrap(text) {
            let mut bytes = text.into_bytes();
            if bytes.capacity() >= capacity {
                bytes.clear();
                return bytes;
            }
        }
    }
    Vec::with_capacity(capacity)
}

/// The reading side of [`stream_in_chunks`]: hands each chunk of whole
/// lines with its checked pieces, in order, to `hand`; returns the length
/// of the torn tail (bytes after the file's last newline). Once `hand`
/// refuses a chunk (the chain broke) it only reads on to the end to
/// measure that tail.
fn read_and_check(
    mut reader: impl Read,
    Pace { chunk, every_core }: Pace,
    keep: Keep,
    digest: Option<LineDigest>,
    mut hand: impl FnMut(CheckedChunk) -> bool,
    recycled: &Receiver<Arc<String>>,
) -> io::Result<usize> {
    let extra = if every_core {
        std::thread::available_parallelism().map_or(0, |n| n.get() - 1)
    } else {
        0
    };
    std::thread::scope(|scope| {
        let checkers = Checkers::start(scope, extra, keep, digest);
        let mut buffer = next_buffer(recycled, chunk + chunk / 2);
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
                // The whole lines go with their pieces; the start of the
                // next line stays to be completed.
                let mut rest = next_buffer(recycled, chunk + chunk / 2);
                rest.extend_from_slice(&buffer[complete..]);
                buffer.truncate(complete);
                let (text, not_utf8) = utf8_text(std::mem::replace(&mut buffer, rest));
                let text = Arc::new(text);
                let pieces = checkers.check(&text, not_utf8);
                if !hand((text, pieces)) {
                    return torn_tail_after(&mut reader, buffer.len());
                }
            }
            if at_end {
                return Ok(buffer.len());
            }
        }
    })
}

/// A piece of a chunk for a checking thread: the chunk and where.
type Job = (Arc<String>, usize, usize);

/// Threads that check pieces of a stream's chunks, one per core beside
/// the reading thread, kept for the whole stream: each decoded line is
/// then freed into the allocator of a thread that goes on allocating,
/// rather than of one that ended with its chunk.
struct Checkers {
    keep: Keep,
    digest: Option<LineDigest>,
    helpers: Vec<(SyncSender<Job>, Receiver<Piece>)>,
}

impl Checkers {
    fn start<'scope>(
        scope: &'scope std::thread::Scope<'scope, '_>,
        count: usize,
        keep: Keep,
        digest: Option<LineDigest>,
    ) -> Self {
        let mut helpers = Vec::with_capacity(count);
        for _ in 0..count {
            let (job, jobs) = std::sync::mpsc::sync_channel::<Job>(1);
            let (done, checked) = std::sync::mpsc::sync_channel(1);
            let spawned = std::thread::Builder::new()
                .name("journal-verify".into())
                .spawn_scoped(scope, move || {
                    for (text, start, end) in jobs {
                        if done
                            .send(check_piece(&text, start, end, keep, digest))
                            .is_err()
                        {
                            break;
                        }
                    }
                });
            // No thread to be had: fewer pieces, checked here.
            if spawned.is_ok() {
                helpers.push((job, checked));
            }
        }
        Self {
            keep,
            digest,
            helpers,
        }
    }

    /// [`check_pieces`] of a chunk, on these threads and this one.
    fn check(&self, text: &Arc<String>, not_utf8: bool) -> Vec<Piece> {
        let mut pieces = if text.len() < PARALLEL_FROM || self.helpers.is_empty() {
            vec![check_piece(text, 0, text.len(), self.keep, self.digest)]
        } else {
            let ranges = cut(text.as_bytes(), self.helpers.len() + 1);
            let mut sent = Vec::with_capacity(ranges.len() - 1);
            for (&(start, end), (job, checked)) in ranges[1..].iter().zip(&self.helpers) {
                sent.push(match job.send((Arc::clone(text), start, end)) {
                    Ok(()) => Ok(checked),
                    Err(_) => Err((start, end)),
                });
            }
            let (start, end) = ranges[0];
            let mut pieces = vec![check_piece(text, start, end, self.keep, self.digest)];
            for helper in sent {
                let piece = match helper {
                    Ok(checked) => checked.recv().ok(),
                    Err(_) => None,
                };
                pieces.push(match (piece, helper) {
                    (Some(piece), _) => piece,
                    // A helper gone (it panicked): check its piece here.
                    (None, Err((start, end))) => {
                        check_piece(text, start, end, self.keep, self.digest)
                    }
                    (None, Ok(_)) => unreachable!("a checking thread ended early"),
                });
            }
            pieces
        };
        if not_utf8 && pieces.iter().all(|piece| piece.failed.is_none()) {
            pieces.push(not_utf8_piece());
        }
        pieces
    }
}

/// [`verify_stream`] of the journal at `path`, which must be a regular
/// file of at most `JOURNAL_LIMIT` bytes, as for reading it whole.
pub fn verify_file(path: &Path, mut each: impl FnMut(Line)) -> io::Result<Tally> {
    stream_file(path, Keep::Entries, None, &mut |view, _| {
        each(view.into_line());
    })
}

/// [`verify_file`], handing each line with its `digest` (for example the
/// Merkle leaf hash of checkpoints), so that a caller needing both reads
/// the journal once.
pub fn verify_file_with(
    path: &Path,
    digest: LineDigest,
    mut each: impl FnMut(Line, [u8; 32]),
) -> io::Result<Tally> {
    stream_file(path, Keep::Entries, Some(digest), &mut |view, hash| {
        each(view.into_line(), hash.unwrap_or_default());
    })
}

/// [`verify_file`] handing each line as a [`LineView`]: nothing is decoded
/// or copied for the caller unless it asks, so a reader that needs only a
/// few entries whole (`runsheet verify`, the first pass of an export) pays
/// for checking the bytes and little more. `digest`, if given, comes with
/// each line as in [`verify_file_with`].
pub fn view_file(
    path: &Path,
    digest: Option<LineDigest>,
    mut each: impl FnMut(LineView<'_>, Option<[u8; 32]>),
) -> io::Result<Tally> {
    stream_file(path, Keep::Views, digest, &mut each)
}

/// [`view_file`], with every line also decoded on the checking cores as a
/// replay reads it ([`LineView::into_typed`] then costs nothing): for
/// readers that replay every entry and need few of them whole.
pub fn view_file_typed(
    path: &Path,
    digest: Option<LineDigest>,
    mut each: impl FnMut(LineView<'_>, Option<[u8; 32]>),
) -> io::Result<Tally> {
    stream_file(path, Keep::Typed, digest, &mut each)
}

/// [`view_file_typed`] for a replay that keeps no notes
/// ([`crate::run::RunState::for_summary`]): a note's entry comes with its
/// text left empty ([`Keep::Summary`]). The lines themselves are intact:
/// [`LineView::into_line`] decodes a note whole.
pub fn view_file_for_summary(path: &Path, mut each: impl FnMut(LineView<'_>)) -> io::Result<Tally> {
    stream_file(path, Keep::Summary, None, &mut |view, _| each(view))
}

/// [`view_file_typed`] reading `chunk` bytes at a time rather than the
/// 256 KiB a lone journal is read in, and reading, checking and linking
/// them on the caller's thread alone: for a reader of many journals at
/// once (a case), whose chunks in flight add up and whose readers already
/// keep every core busy. Threads of its own only added hand-overs: the
/// bench case's CPU time, medians of 11 and 15 runs, went 0.65 → 0.63 s
/// without a checking helper, then 0.57 → 0.54 s without a reading
/// thread. `keep` is `Typed` or `Summary`.
pub fn view_file_typed_in_chunks(
    path: &Path,
    chunk: usize,
    keep: Keep,
    mut each: impl FnMut(LineView<'_>),
) -> io::Result<Tally> {
    let pace = Pace {
        chunk,
        every_core: false,
    };
    stream_file_in_chunks(path, pace, keep, None, &mut |view, _| each(view))
}

fn stream_file(
    path: &Path,
    keep: Keep,
    digest: Option<LineDigest>,
    each: &mut impl FnMut(LineView<'_>, Option<[u8; 32]>),
) -> io::Result<Tally> {
    stream_file_in_chunks(path, Pace::LONE, keep, digest, each)
}

fn stream_file_in_chunks(
    path: &Path,
    pace: Pace,
    keep: Keep,
    digest: Option<LineDigest>,
    each: &mut impl FnMut(LineView<'_>, Option<[u8; 32]>),
) -> io::Result<Tally> {
    let file = super::attachment::open_regular(path)?;
    let limit = super::attachment::JOURNAL_LIMIT;
    if file.metadata()?.len() > limit {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("is larger than {limit} bytes; refusing to read it"),
        ));
    }
    stream_in_chunks(file.take(limit + 1), pace, keep, digest, each)
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

/// The lines of `bytes` (whole lines) before the first that is not UTF-8,
/// and whether there is such a line. A newline never falls inside a UTF-8
/// sequence, so the first invalid byte is in the first invalid line.
fn utf8_lines(bytes: &[u8]) -> (&str, bool) {
    match std::str::from_utf8(bytes) {
        Ok(text) => (text, false),
        Err(e) => {
            let cut = line_start(bytes, e.valid_up_to());
            (std::str::from_utf8(&bytes[..cut]).unwrap_or_default(), true)
        }
    }
}

/// [`utf8_lines`] of a chunk read, keeping its buffer (checked once).
fn utf8_text(bytes: Vec<u8>) -> (String, bool) {
    match String::from_utf8(bytes) {
        Ok(text) => (text, false),
        Err(e) => {
            let cut = line_start(e.as_bytes(), e.utf8_error().valid_up_to());
            let bytes = e.into_bytes();
            (String::from_utf8_lossy(&bytes[..cut]).into_owned(), true)
        }
    }
}

/// Where the line holding byte `at` starts.
fn line_start(bytes: &[u8], at: usize) -> usize {
    bytes[..at]
        .iter()
        .rposition(|b| *b == b'\n')
        .map_or(0, |i| i + 1)
}

/// Length of the complete lines at the start of `bytes`.
fn complete_len(bytes: &[u8]) -> usize {
    bytes.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1)
}

/// The chain followed in line order across checked pieces.
///
/// A line is handed over only once the line after it links to it (or the
/// journal ends there): a line's own `hash` is recomputable by anyone, so
/// when the next line's `prev` does not name it, nothing shows whether it
/// or its successor was altered, and it is not verified. Holding back one
/// line keeps this a single pass.
struct Chain {
    first_seq: u64,
    /// The `prev` the first line must name.
    prev: Option<[u8; 32]>,
    /// The hash of the last line linked; before the first, `prev`.
    last: Option<[u8; 32]>,
    /// How many lines linked (the held-back one included).
    linked: u64,
    /// Where the next line starts, from the start of what was read.
    offset: u64,
    /// The last line linked, not handed over until its successor links.
    pending: Option<Pending>,
    /// The hash of the last line handed over.
    head: Option<[u8; 32]>,
    tally: Tally,
}

/// A linked line held back until the line after it links to it.
struct Pending {
    /// Where its text is: in the chunk being linked, or copied out of it
    /// once that chunk is done with.
    text: PendingText,
    len: usize,
    seq: u64,
    ts: DateTime<Utc>,
    kind: Kind,
    hash: [u8; 32],
    offset: u64,
    decoded: Option<Decoded>,
    digest: Option<[u8; 32]>,
}

/// The text of a [`Pending`] line.
enum PendingText {
    /// Starts at this byte of the chunk being linked.
    Here(usize),
    /// Copied when its chunk was handed back (one line per chunk).
    Owned(String),
}

/// Why a line does not link: the reason, and whether it is a `prev` that
/// does not name the line before (which then is not verified either).
struct Unlinked {
    reason: String,
    prev_mismatch: bool,
}

impl Chain {
    fn new(first_seq: u64, prev: &str) -> Self {
        Self {
            first_seq,
            prev: parse_hash(prev),
            last: None,
            linked: 0,
            offset: 0,
            pending: None,
            head: None,
            tally: Tally::default(),
        }
    }

    /// Links the lines of `piece` (read from `text`) after those linked
    /// so far, handing each to `each` once its successor links; false once
    /// a line failed (then nothing more may be accepted).
    fn accept(
        &mut self,
        text: &str,
        piece: Piece,
        each: &mut impl FnMut(LineView<'_>, Option<[u8; 32]>),
    ) -> bool {
        let mut decoded = piece.lines.into_iter();
        for checked in piece.checked {
            let seq = self.next_seq();
            if let Err(unlinked) = link(&checked, seq, self.prev, self.last) {
                if unlinked.prev_mismatch {
                    // The line `prev` fails to name is not proven either.
                    self.pending = None;
                } else {
                    self.hand_over(text, each);
                }
                self.tally.broken = Some(broken_at(seq, unlinked.reason));
                return false;
            }
            self.hand_over(text, each);
            self.last = Some(checked.hash);
            self.linked += 1;
            self.pending = Some(Pending {
                text: PendingText::Here(checked.start),
                len: checked.len,
                seq: checked.seq,
                ts: checked.ts,
                kind: checked.kind,
                hash: checked.hash,
                offset: self.offset,
                decoded: if checked.decoded {
                    decoded.next()
                } else {
                    None
                },
                digest: checked.digest,
            });
            self.offset += checked.len as u64 + 1;
        }
        if let Some(reason) = piece.failed {
            // A line bad on its own leaves the line before it proven.
            self.hand_over(text, each);
            self.tally.broken = Some(broken_at(self.next_seq(), reason));
        }
        self.tally.broken.is_none()
    }

    /// Hands the held-back line over to `each`, counting it as verified.
    /// `text` is the chunk being linked, where a line not yet copied lies.
    fn hand_over(&mut self, text: &str, each: &mut impl FnMut(LineView<'_>, Option<[u8; 32]>)) {
        let Some(pending) = self.pending.take() else {
            return;
        };
        self.tally.entries += 1;
        self.tally.verified_len += pending.len + 1;
        self.head = Some(pending.hash);
        let line_text = match &pending.text {
            PendingText::Here(start) => &text[*start..*start + pending.len],
            PendingText::Owned(owned) => owned.as_str(),
        };
        let view = LineView {
            text: line_text,
            seq: pending.seq,
            ts: pending.ts,
            kind: pending.kind,
            hash: pending.hash,
            offset: pending.offset,
            decoded: pending.decoded,
        };
        each(view, pending.digest);
    }

    /// Copies the held-back line out of `text`, the chunk about to be
    /// handed back for reading into again.
    fn detach(&mut self, text: &str) {
        if let Some(pending) = &mut self.pending
            && let PendingText::Here(start) = pending.text
        {
            pending.text = PendingText::Owned(text[start..start + pending.len].to_string());
        }
    }

    fn next_seq(&self) -> u64 {
        self.first_seq + self.linked
    }

    /// The tally once nothing more is read: the held-back line, linked
    /// and with nothing after it to contradict it, is handed over. `text`
    /// is the last chunk linked, unless the held-back line was detached.
    fn finish(
        mut self,
        text: &str,
        torn_tail: usize,
        each: &mut impl FnMut(LineView<'_>, Option<[u8; 32]>),
    ) -> Tally {
        self.hand_over(text, each);
        self.tally.head_hash = self.head.map(|hash| to_hex(&hash));
        self.tally.torn_tail = torn_tail;
        self.tally
    }
}

/// What checking one line on its own found, for linking it in order.
struct Checked {
    /// Where the line starts in the chunk, and its length (no newline).
    start: usize,
    len: usize,
    seq: u64,
    ts: DateTime<Utc>,
    kind: Kind,
    /// `prev` as the hash it names, when it is one.
    prev: Option<[u8; 32]>,
    /// SHA-256 of the line (the next line's `prev`).
    hash: [u8; 32],
    /// The caller's digest of the line, when one was asked for.
    digest: Option<[u8; 32]>,
    /// Whether the line's entry is among the piece's decoded `lines`.
    decoded: bool,
}

/// Consecutive lines checked on their own: those that passed, up to the
/// first that did not and why.
struct Piece {
    checked: Vec<Checked>,
    /// The decoded entries of the lines marked `decoded`, in order.
    lines: Vec<Decoded>,
    failed: Option<String>,
}

/// Checks every complete line of `text`, in order: a large journal in one
/// piece per core, each on its own thread (the calling thread takes the
/// first). `not_utf8`: the line after `text` is not UTF-8, a failure of
/// its own once every line of `text` passed.
fn check_pieces(text: &str, not_utf8: bool, keep: Keep, digest: Option<LineDigest>) -> Vec<Piece> {
    let threads = if text.len() < PARALLEL_FROM {
        1
    } else {
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
    };
    let mut checked = if threads <= 1 {
        vec![check_piece(text, 0, text.len(), keep, digest)]
    } else {
        let pieces = cut(text.as_bytes(), threads);
        std::thread::scope(|scope| {
            let helpers: Vec<_> = pieces[1..]
                .iter()
                .map(|&(start, end)| {
                    std::thread::Builder::new()
                        .name("journal-verify".into())
                        .spawn_scoped(scope, move || check_piece(text, start, end, keep, digest))
                        .map_err(|_| (start, end))
                })
                .collect();
            let (start, end) = pieces[0];
            let mut checked = vec![check_piece(text, start, end, keep, digest)];
            for helper in helpers {
                checked.push(match helper {
                    Ok(handle) => crate::threads::joined(handle),
                    // No thread to be had: check the piece here.
                    Err((start, end)) => check_piece(text, start, end, keep, digest),
                });
            }
            checked
        })
    };
    if not_utf8 && checked.iter().all(|piece| piece.failed.is_none()) {
        checked.push(not_utf8_piece());
    }
    checked
}

/// The failure of the line after the checked ones: not UTF-8.
fn not_utf8_piece() -> Piece {
    Piece {
        checked: Vec::new(),
        lines: Vec::new(),
        failed: Some("not valid UTF-8".into()),
    }
}

/// Cuts `bytes` (complete lines) into about `n` ranges of whole lines.
fn cut(bytes: &[u8], n: usize) -> Vec<(usize, usize)> {
    let mut pieces = Vec::with_capacity(n);
    let mut start = 0;
    for k in 1..n {
        let target = (bytes.len() * k / n).max(start);
        let Some(end) = memchr::memchr(b'\n', &bytes[target..]) else {
            break;
        };
        let end = target + end + 1;
        if end < bytes.len() {
            pieces.push((start, end));
            start = end;
        }
    }
    pieces.push((start, bytes.len()));
    pieces
}

/// Checks each line of `text[start..end]` on its own, stopping at the
/// first failure.
fn check_piece(
    text: &str,
    start: usize,
    end: usize,
    keep: Keep,
    digest: Option<LineDigest>,
) -> Piece {
    // Sized once for the piece's lines: growing a vector of decoded
    // entries line by line would copy them over and over.
    let count = memchr::memchr_iter(b'\n', &text.as_bytes()[start..end]).count() + 1;
    let mut piece = Piece {
        checked: Vec::with_capacity(count),
        lines: Vec::with_capacity(if keep == Keep::Views { 0 } else { count }),
        failed: None,
    };
    // One buffer for every canonical body serde reads.
    let mut body = String::new();
    let mut recent = Recent::default();
    let mut at = start;
    while at < end {
        let len = memchr::memchr(b'\n', &text.as_bytes()[at..end]).unwrap_or(end - at);
        let line = &text[at..at + len];
        match check_line(line, keep, &mut body, &mut recent) {
            Ok((head, entry)) => {
                piece.checked.push(Checked {
                    start: at,
                    len,
                    seq: head.seq,
                    ts: head.ts,
                    kind: head.kind,
                    prev: head.prev,
                    hash: head.hash,
                    digest: digest.map(|digest| digest(line.as_bytes())),
                    decoded: entry.is_some(),
                });
                piece.lines.extend(entry);
            }
            Err(reason) => {
                piece.failed = Some(reason);
                break;
            }
        }
        at += len + 1;
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

/// What the chain needs of a line that is valid on its own.
struct Head {
    seq: u64,
    ts: DateTime<Utc>,
    kind: Kind,
    prev: Option<[u8; 32]>,
    /// SHA-256 of the line.
    hash: [u8; 32],
}

/// What makes a line valid on its own; its place in the chain is
/// [`link`]'s to check. The entry comes back decoded when `keep` asks for
/// it, or when only decoding could tell (then the decoder's verdict and
/// wording stand, as they always did).
fn check_line(
    text: &str,
    keep: Keep,
    body: &mut String,
    recent: &mut Recent,
) -> Result<(Head, Option<Decoded>), String> {
    if text.is_empty() {
        return Err("empty line".into());
    }
    if let Some((header, hash)) = canonical::header_and_hash(text) {
        let head = Head {
            seq: header.seq,
            ts: header.ts,
            kind: header.kind,
            prev: parse_hash(header.prev),
            hash,
        };
        let decoded = match keep {
            Keep::Views => None,
            Keep::Typed | Keep::Summary => Some(Decoded::Typed(
                match TypedEntry::from_header_as(&header, recent, keep == Keep::Summary) {
                    Some(typed) => typed,
                    None => TypedEntry::from_entry(
                        decode_canonical(text, header.body_end, body).map_err(|e| e.0)?,
                    ),
                },
            )),
            Keep::Entries => Some(Decoded::Entry(Box::new(
                decode_canonical(text, header.body_end, body).map_err(|e| e.0)?,
            ))),
        };
        return Ok((head, decoded));
    }
    // Checks the line's own hash first, then its canonical form.
    let entry = Entry::decode(text).map_err(|e| e.0)?;
    if entry.v != super::VERSION {
        return Err(format!("unsupported version `v: {}`", entry.v));
    }
    let head = Head {
        seq: entry.seq,
        ts: entry.ts,
        kind: entry.kind,
        prev: parse_hash(&entry.prev),
        hash: Sha256::digest(text.as_bytes()).into(),
    };
    let decoded = match keep {
        Keep::Typed | Keep::Summary => Decoded::Typed(TypedEntry::from_entry(entry)),
        Keep::Entries | Keep::Views => Decoded::Entry(Box::new(entry)),
    };
    Ok((head, Some(decoded)))
}

/// The hash `hex` names, if it is 64 lowercase hex digits (as every
/// `prev` runsheet writes).
fn parse_hash(hex: &str) -> Option<[u8; 32]> {
    crate::hash::from_hex32(hex)
}

/// A line's place in the chain: the `seq` expected there, and a `prev`
/// naming the line before (`last`, or `prev` for the first line checked).
fn link(
    line: &Checked,
    seq: u64,
    prev: Option<[u8; 32]>,
    last: Option<[u8; 32]>,
) -> Result<(), Unlinked> {
    if line.seq != seq {
        return Err(Unlinked {
            reason: format!(
                "`seq` is {} where {seq} was expected (an entry was removed, inserted or reordered)",
                line.seq
            ),
            prev_mismatch: false,
        });
    }
    let wanted = last.or(prev);
    if wanted.is_some() && line.prev == wanted {
        Ok(())
    } else if seq == 0 {
        Err(Unlinked {
            reason: "the first entry's `prev` is not 64 zeros".into(),
            prev_mismatch: false,
        })
    } else {
        // Either line's own hash can be recomputed by anyone: which of the
        // two was altered cannot be told, so neither is verified.
        Err(Unlinked {
            reason: format!(
                "`prev` does not match the hash of line {seq}: line {seq} or this line was altered, or a line between them removed; line {seq} is not verified either"
            ),
            prev_mismatch: true,
        })
    }
}

#[cfg(test)]
mod tests {
    //! Streaming must find exactly what verifying the whole bytes finds,
    //! wherever the reads cut the lines.

    use chrono::{DateTime, TimeDelta};

    use super::{Keep, Pace, Verified, stream_in_chunks, verify, verify_in_chunks};
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
        assert_streams_as_verified(streamed, bytes, chunks);
    }

    /// `stream` of `bytes`, `chunk` bytes at a time for each of `chunks`,
    /// finds what [`verify`] of the whole bytes finds.
    fn assert_streams_as_verified(
        stream: fn(&[u8], usize) -> Verified,
        bytes: &[u8],
        chunks: &[usize],
    ) {
        let whole = verify(bytes);
        for &chunk in chunks {
            assert_eq!(stream(bytes, chunk), whole, "read {chunk} bytes at a time");
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

    /// [`streamed`] read, checked and linked on this thread alone, as a
    /// case reads each of its journals.
    fn streamed_on_one_core(bytes: &[u8], chunk: usize) -> Verified {
        let mut lines = Vec::new();
        let pace = Pace {
            chunk,
            every_core: false,
        };
        let tally = stream_in_chunks(bytes, pace, Keep::Entries, None, &mut |view, _| {
            lines.push(view.into_line());
        })
        .expect("in memory");
        Verified::of_tally(lines, tally)
    }

    #[test]
    fn a_stream_on_one_core_reports_every_cut_change_and_torn_tail_as_verified() {
        let same = |bytes: &[u8], chunks: &[usize]| {
            assert_streams_as_verified(streamed_on_one_core, bytes, chunks);
        };
        let bytes = journal(5, 10);
        for end in 0..=bytes.len() {
            same(&bytes[..end], &[1, 97, 1 << 16]);
        }
        for at in (0..bytes.len()).step_by(7) {
            let mut changed = bytes.clone();
            changed[at] = if changed[at] == b'0' { b'1' } else { b'0' };
            changed.extend_from_slice(b"{\"torn\":");
            same(&changed, &[1, 150, 1 << 16]);
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
