//! The only code that writes journals.
//!
//! - create: mode 0600, `create_new`, first line written, file and folder synced;
//! - lock: an exclusive `flock` for as long as the journal is open, with a
//!   note beside it naming the holder so a second writer is told who;
//! - append: one `write_all` of the whole line, then `sync_data`, and only
//!   then is the entry acknowledged; after any error the file is read-only
//!   (a failed fsync may have dropped pages: never retry silently);
//! - open: verify, quarantine a torn last line, and report what to record.
//!
//! [`Writer`] runs a [`JournalFile`] on its own thread so the interface
//! never waits on the disk.

use std::fs::{File, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::os::unix::fs::{DirBuilderExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;

use sha2::{Digest, Sha256};

use super::event::{Payload, Recovery};
use super::holder::{HeldNote, Refusal};
use super::verify::{Break, Keep, LineView, verify, view_stream};
use super::{Draft, Line};
use crate::hash::{ZERO_HASH, sha256_hex, to_hex};

pub use super::write_error::WriteError;

/// Why a journal could not be opened for writing.
#[derive(Debug)]
pub enum OpenError {
    Io {
        path: PathBuf,
        error: io::Error,
    },
    /// Another runsheet (this or another process) holds the lock.
    Locked {
        path: PathBuf,
        holder: Option<String>,
    },
    /// A complete line fails verification: the journal is never rewritten
    /// and may only be opened read-only.
    Broken {
        path: PathBuf,
        problem: Break,
    },
    /// Not a runsheet journal (empty, or the first line is not one).
    NotAJournal {
        path: PathBuf,
        reason: String,
    },
}

/// Why a file none of whose lines is an entry is no journal.
pub const NO_ENTRY_LINE: &str =
    "no line of it is a journal entry (a journal is JSON Lines; is it a playbook or another file?)";

impl std::fmt::Display for OpenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Io { path, error } => {
                write!(f, "{}: {}", path.display(), crate::diag::describe_io(error))
            }
            Self::Locked { path, holder } => {
                write!(
                    f,
                    "{}: journal already open by another runsheet",
                    path.display()
                )?;
                match holder {
                    Some(h) => write!(f, " ({h})"),
                    None => Ok(()),
                }
            }
            Self::Broken { path, problem } => write!(
                f,
                "{}: journal fails verification at {problem}; it will not be written to (open it read-only with `runsheet review`)",
                path.display()
            ),
            Self::NotAJournal { path, reason } => {
                write!(f, "{}: not a runsheet journal: {reason}", path.display())
            }
        }
    }
}

impl std::error::Error for OpenError {}

/// An open, locked journal ready to append to.
#[derive(Debug)]
pub struct JournalFile {
    file: File,
    path: PathBuf,
    next_seq: u64,
    last_hash: String,
    failed: Option<WriteError>,
    /// The note naming this holder, removed before the journal is closed.
    holder_note: HeldNote,
    /// The journal's length before the write that failed: where a retry
    /// cuts any unfinished bytes back to.
    clean_len: Option<u64>,
}

/// What opening found.
#[derive(Debug)]
pub struct Opened {
    pub file: JournalFile,
    pub lines: Vec<Line>,
    /// Torn tails quarantined (now or by an earlier open that was
    /// interrupted) that no `recovery` entry records yet: append these first.
    pub recoveries: Vec<Recovery>,
}

/// What [`JournalFile::open_streaming`] opened: [`Opened`] without the
/// lines, which went to its caller one by one.
#[derive(Debug)]
pub struct OpenedStream {
    pub file: JournalFile,
    /// As [`Opened::recoveries`].
    pub recoveries: Vec<Recovery>,
}

/// A reader that counts the bytes it hands out.
struct CountingReader<R> {
    inner: R,
    count: u64,
}

impl<R: io::Read> io::Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buf)?;
        self.count += read as u64;
        Ok(read)
    }
}

fn io_error(path: &Path) -> impl Fn(io::Error) -> OpenError + '_ {
    move |error| OpenError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// Takes the exclusive lock or says who has it (see [`super::holder`]).
fn lock(file: &File, path: &Path) -> Result<HeldNote, OpenError> {
    super::holder::lock(file, path).map_err(|refusal| match refusal {
        Refusal::Held(holder) => OpenError::Locked {
            path: path.to_path_buf(),
            holder,
        },
        Refusal::Io(error) => io_error(path)(error),
    })
}

/// This machine's name, for lock notes and session entries.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "unknown host".into())
}

/// Makes a newly created or renamed entry in `dir` durable.
fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    })?
    .sync_all()
}

impl JournalFile {
    /// Creates a new journal whose first entry is `first` (`journal_created`).
    pub fn create(path: &Path, first: Draft) -> Result<(Self, Line), OpenError> {
        let dir = path.parent().unwrap_or(Path::new(""));
        if !dir.as_os_str().is_empty() {
            std::fs::DirBuilder::new()
                .recursive(true)
                .mode(0o700)
                .create(dir)
                .map_err(io_error(dir))?;
        }
        let file = OpenOptions::new()
            .append(true)
            .read(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
            .map_err(io_error(path))?;
        let holder_note = lock(&file, path)?;
        let mut journal = Self {
            file,
            path: path.to_path_buf(),
            next_seq: 0,
            last_hash: ZERO_HASH.to_string(),
            failed: None,
            holder_note,
            clean_len: None,
        };
        let line = journal
            .append(first)
            .map_err(|e| io_error(path)(io::Error::other(e)))?;
        journal.file.sync_all().map_err(io_error(path))?;
        sync_dir(dir).map_err(io_error(dir))?;
        Ok((journal, line))
    }

    /// Opens an existing journal for appending: locks it, verifies every
    /// complete line, and quarantines a torn last line.
    pub fn open(path: &Path) -> Result<Opened, OpenError> {
        Self::open_through(path, &|file| Box::new(file))
    }

    /// [`Self::open`] handing each verified line to `each` instead of
    /// keeping them all, decoded for replay ([`LineView::into_typed`]): the
    /// runner needs the state they replay to and a few lines whole, not
    /// every decoded entry of a long journal. Same checks, same errors.
    pub fn open_streaming(
        path: &Path,
        mut each: impl FnMut(LineView<'_>),
    ) -> Result<OpenedStream, OpenError> {
        Self::open_streaming_through(path, &|file| Box::new(file), Keep::Typed, &mut each)
    }

    /// [`Self::open`] with the quarantine copy written through `sink`, so
    /// tests can make the disk fail at any byte.
    pub(crate) fn open_through(path: &Path, sink: &SinkFactory) -> Result<Opened, OpenError> {
        let mut lines = Vec::new();
        let opened = Self::open_streaming_through(path, sink, Keep::Entries, &mut |view| {
            lines.push(view.into_line());
        })?;
        Ok(Opened {
            file: opened.file,
            lines,
            recoveries: opened.recoveries,
        })
    }

    fn open_streaming_through(
        path: &Path,
        sink: &SinkFactory,
        keep: Keep,
        each: &mut dyn FnMut(LineView<'_>),
    ) -> Result<OpenedStream, OpenError> {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)
            .map_err(io_error(path))?;
        super::attachment::refuse_special(&file).map_err(io_error(path))?;
        let holder_note = lock(&file, path)?;
        let limit = super::attachment::JOURNAL_LIMIT;
        let too_large = || {
            io_error(path)(io::Error::new(
                io::ErrorKind::FileTooLarge,
                "is larger than the journal size limit; refusing to read it",
            ))
        };
        if file.metadata().map_err(io_error(path))?.len() > limit {
            return Err(too_large());
        }
        let mut first_kind = None;
        let mut count = 0_u64;
        let mut recorded = Vec::new();
        let mut read = CountingReader {
            inner: (&mut file).take(limit + 1),
            count: 0,
        };
        let mut view = |line: LineView<'_>| {
            first_kind.get_or_insert(line.kind);
            count += 1;
            if line.kind == super::Kind::Recovery
                && let Ok(Payload::Recovery(r)) =
                    line.entry().and_then(|e| e.event()).map(|e| e.payload)
            {
                recorded.push(r.file);
            }
            each(line);
        };
        let checked = view_stream(&mut read, keep, &mut view).map_err(io_error(path))?;
        if read.count > limit {
            return Err(too_large());
        }
        if let Some(problem) = checked.broken {
            if count == 0 && super::verify::is_not_a_journal(path) {
                return Err(OpenError::NotAJournal {
                    path: path.to_path_buf(),
                    reason: NO_ENTRY_LINE.into(),
                });
            }
            return Err(OpenError::Broken {
                path: path.to_path_buf(),
                problem,
            });
        }
        if count == 0 {
            return Err(OpenError::NotAJournal {
                path: path.to_path_buf(),
                reason: if checked.torn_tail == 0 {
                    "the file is empty".into()
                } else {
                    "it holds no complete entry".into()
                },
            });
        }
        if first_kind != Some(super::Kind::JournalCreated) {
            return Err(OpenError::NotAJournal {
                path: path.to_path_buf(),
                reason: "the first entry is not `journal_created`".into(),
            });
        }
        let journal = Self {
            file,
            path: path.to_path_buf(),
            next_seq: count,
            last_hash: checked.head_hash.unwrap_or_else(|| ZERO_HASH.into()),
            failed: None,
            holder_note,
            clean_len: None,
        };
        if checked.torn_tail > 0 {
            let torn = journal.read_from(checked.verified_len)?;
            journal.quarantine(&torn, checked.verified_len, sink)?;
        }
        let recoveries = journal.unrecorded_quarantines(&recorded);
        Ok(OpenedStream {
            file: journal,
            recoveries,
        })
    }

    /// The journal's bytes from `offset` to its end (a torn tail).
    fn read_from(&self, offset: usize) -> Result<Vec<u8>, OpenError> {
        use std::io::Seek as _;
        let mut file = &self.file;
        let mut bytes = Vec::new();
        file.seek(io::SeekFrom::Start(offset as u64))
            .and_then(|_| file.read_to_end(&mut bytes))
            .map_err(io_error(&self.path))?;
        Ok(bytes)
    }

    /// Copies the torn bytes beside the journal, durably and verified,
    /// and only then cuts them off. A kill or a full disk at any moment
    /// leaves either the journal untouched or a complete quarantine file.
    fn quarantine(&self, torn: &[u8], keep: usize, sink: &SinkFactory) -> Result<(), OpenError> {
        let name = quarantine_name(&self.path, self.next_seq, torn);
        let target = self.path.with_file_name(&name);
        let dir = self.path.parent().unwrap_or(Path::new(""));
        if !holds_exactly(&target, torn) {
            if std::fs::symlink_metadata(&target).is_ok() {
                // An earlier copy cut short (by a version that wrote in
                // place): kept for inspection, never trusted.
                let journal_name = self.path.file_name().unwrap_or_default().to_string_lossy();
                let tear = name
                    .strip_prefix(&format!("{journal_name}."))
                    .unwrap_or(&name);
                let kept = free_name(&self.path, &format!("partial-{tear}"));
                std::fs::rename(&target, &kept).map_err(io_error(&target))?;
            }
            write_verified(&target, torn, sink).map_err(io_error(&target))?;
            sync_dir(dir).map_err(io_error(dir))?;
        }
        self.file
            .set_len(keep as u64)
            .map_err(io_error(&self.path))?;
        self.file.sync_all().map_err(io_error(&self.path))?;
        Ok(())
    }

    /// Quarantine files for this journal that no `recovery` entry names.
    fn unrecorded_quarantines(&self, recorded: &[String]) -> Vec<Recovery> {
        let prefix = format!(
            "{}.torn-",
            self.path.file_name().unwrap_or_default().to_string_lossy()
        );
        let dir = self
            .path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let mut found: Vec<Recovery> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| {
                let name = e.file_name().to_string_lossy().into_owned();
                if !name.starts_with(&prefix) || recorded.contains(&name) {
                    return None;
                }
                let bytes = std::fs::read(e.path()).ok()?;
                // Only a copy whose content matches the hash in its name
                // is a quarantine; anything else records nothing true.
                if !name.ends_with(&format!("-{}", &sha256_hex(&bytes)[..12])) {
                    return None;
                }
                Some(Recovery {
                    bytes: bytes.len() as u64,
                    sha256: sha256_hex(&bytes),
                    file: name,
                })
            })
            .collect();
        found.sort_by(|a, b| a.file.cmp(&b.file));
        found
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The `seq` the next entry will get.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Writes one entry durably: a single `write_all` of the line and its
    /// newline, then `sync_data`. Returns only once it is on disk.
    pub fn append(&mut self, draft: Draft) -> Result<Line, WriteError> {
        self.append_seen(draft, None)
    }

    /// [`JournalFile::append`] for a team case: the entry also records the
    /// heads of other journals its writer had read.
    pub fn append_seen(
        &mut self,
        draft: Draft,
        seen: Option<super::event::Seen>,
    ) -> Result<Line, WriteError> {
        if let Some(earlier) = &self.failed {
            return Err(WriteError::new(
                earlier.kind,
                format!(
                    "journal is read-only after an earlier write error: {}",
                    earlier.message
                ),
            ));
        }
        let mut entry = draft.into_entry(self.next_seq, self.last_hash.clone());
        entry.seen = seen;
        let text = entry.encode();
        let mut bytes = Vec::with_capacity(text.len() + 1);
        bytes.extend_from_slice(text.as_bytes());
        bytes.push(b'\n');
        let before = self.file.metadata().map(|m| m.len());
        let result = self
            .file
            .write_all(&bytes)
            .and_then(|()| self.file.sync_data());
        if let Err(e) = result {
            let clean_len = before.as_ref().ok().copied();
            let what_remains = match (before, self.file.metadata().map(|m| m.len())) {
                (Ok(before), Ok(after)) if after > before => format!(
                    "; {} bytes of this unfinished entry remain at the end of the journal (the next open quarantines them and records a `recovery` entry)",
                    after - before
                ),
                (Ok(before), Ok(after)) if after == before => {
                    "; nothing of this entry was written".to_string()
                }
                _ => "; part of this entry may remain at the end of the journal (the next open quarantines it)"
                    .to_string(),
            };
            let error = WriteError::new(
                e.kind(),
                format!("{}{what_remains}", crate::diag::describe_io(&e)),
            );
            self.failed = Some(error.clone());
            self.clean_len = clean_len;
            return Err(error);
        }
        self.last_hash = to_hex(&Sha256::digest(text.as_bytes()));
        self.next_seq += 1;
        Ok(Line { entry, text })
    }
}

impl JournalFile {
    /// Makes the journal writable again after a failed write, for a retry:
    /// whatever the failed write left is cut off (and synced), so the file
    /// ends at the last saved entry. Refused when that length is unknown
    /// or the file is shorter than it.
    pub fn clear_failure(&mut self) -> Result<(), WriteError> {
        if self.failed.is_none() {
            return Ok(());
        }
        let Some(clean) = self.clean_len else {
            return Err(WriteError::new(
                io::ErrorKind::Other,
                "the journal's length before the failed write is unknown; resume it to recover",
            ));
        };
        let now = self
            .file
            .metadata()
            .map_err(|e| WriteError::io(None, &e))?
            .len();
        if now < clean {
            return Err(WriteError::new(
                io::ErrorKind::UnexpectedEof,
                format!("the journal is shorter than its last saved entry ({now} < {clean} bytes)"),
            ));
        }
        if now > clean {
            self.file
                .set_len(clean)
                .and_then(|()| self.file.sync_data())
                .map_err(|e| WriteError::io(None, &e))?;
        }
        self.failed = None;
        self.clean_len = None;
        Ok(())
    }
}

impl Drop for JournalFile {
    fn drop(&mut self) {
        // The note goes while the journal is still locked; the flock goes
        // with the file.
        self.holder_note.release();
    }
}

/// `<journal>.torn-<seq>-<first 12 hex of the bytes' SHA-256>`: unique per
/// tear, and found again if recording it was interrupted.
fn quarantine_name(path: &Path, seq: u64, torn: &[u8]) -> String {
    format!(
        "{}.torn-{seq}-{}",
        path.file_name().unwrap_or_default().to_string_lossy(),
        &sha256_hex(torn)[..12]
    )
}

/// Where a quarantine copy is written: a file, or in tests one that fails.
pub(crate) trait QuarantineSink: io::Write {
    /// Makes what was written durable (`sync_data`).
    fn sync(&mut self) -> io::Result<()>;
}

impl QuarantineSink for File {
    fn sync(&mut self) -> io::Result<()> {
        self.sync_data()
    }
}

/// Wraps the opened temporary file of a quarantine copy.
pub(crate) type SinkFactory = dyn Fn(File) -> Box<dyn QuarantineSink>;

/// True when `path` is a regular file holding exactly `bytes`.
fn holds_exactly(path: &Path, bytes: &[u8]) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return false;
    };
    meta.is_file()
        && meta.len() == bytes.len() as u64
        && std::fs::read(path).is_ok_and(|found| sha256_hex(&found) == sha256_hex(bytes))
}

/// `<journal>.<what>` or, if taken, `<journal>.<what>.2`, `.3`, …
fn free_name(journal: &Path, what: &str) -> PathBuf {
    let base = format!(
        "{}.{what}",
        journal.file_name().unwrap_or_default().to_string_lossy()
    );
    let mut candidate = journal.with_file_name(&base);
    let mut n = 2u32;
    while std::fs::symlink_metadata(&candidate).is_ok() {
        candidate = journal.with_file_name(format!("{base}.{n}"));
        n += 1;
    }
    candidate
}

/// Writes `bytes` to a temporary file, syncs it, reads it back to check
/// its length and SHA-256, and only then renames it to `target`: a file
/// with the final name is always complete.
fn write_verified(target: &Path, bytes: &[u8], sink: &SinkFactory) -> io::Result<()> {
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(target.file_name().unwrap_or_default());
    temp_name.push(".tmp");
    let temp = target.with_file_name(temp_name);
    // A leftover from an interrupted copy; never followed if a symlink.
    match std::fs::remove_file(&temp) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    let file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)?;
    let written = {
        let mut out = sink(file);
        out.write_all(bytes).and_then(|()| out.sync())
    };
    let checked = written.and_then(|()| {
        let found = std::fs::read(&temp)?;
        if found.len() == bytes.len() && sha256_hex(&found) == sha256_hex(bytes) {
            Ok(())
        } else {
            Err(io::Error::other(format!(
                "the quarantine copy reads back as {} bytes, not the {} torn bytes",
                found.len(),
                bytes.len()
            )))
        }
    });
    if let Err(e) = checked {
        let _ = std::fs::remove_file(&temp);
        return Err(e);
    }
    std::fs::rename(&temp, target)
}

/// Anything that durably appends drafts: a [`JournalFile`], or a failing
/// stand-in in tests.
pub trait Append: Send {
    fn append(&mut self, draft: Draft) -> Result<Line, WriteError>;

    /// Writes a file beside the journal (a message draft) durably, before
    /// the entry that names it.
    fn attach(&mut self, file_name: &str, text: &str) -> Result<(), WriteError>;

    /// The journal's path and every line in it, read back from the disk.
    fn read_back(&mut self) -> Result<(PathBuf, Vec<Line>), String> {
        Err("this journal cannot be read back".into())
    }

    /// Accepts appends again after a failure (for a retry the person
    /// asked for); by default there is nothing to clear.
    fn clear_failure(&mut self) -> Result<(), WriteError> {
        Ok(())
    }
}

impl Append for JournalFile {
    fn append(&mut self, draft: Draft) -> Result<Line, WriteError> {
        Self::append(self, draft)
    }

    fn read_back(&mut self) -> Result<(PathBuf, Vec<Line>), String> {
        let bytes = std::fs::read(&self.path)
            .map_err(|e| format!("{}: {}", self.path.display(), crate::diag::describe_io(&e)))?;
        let checked = verify(&bytes);
        if checked.broken.is_some()
            || checked.torn_tail > 0
            || checked.lines.len() as u64 != self.next_seq
        {
            return Err(format!(
                "{}: the file no longer holds exactly what this runner wrote",
                self.path.display()
            ));
        }
        Ok((self.path.clone(), checked.lines))
    }

    fn clear_failure(&mut self) -> Result<(), WriteError> {
        Self::clear_failure(self)
    }

    fn attach(&mut self, file_name: &str, text: &str) -> Result<(), WriteError> {
        if file_name.contains('/') || file_name.contains('\\') || file_name.starts_with('.') {
            return Err(WriteError::new(
                io::ErrorKind::InvalidInput,
                format!("refusing to write `{file_name}` outside the journal's folder"),
            ));
        }
        let target = self.path.with_file_name(file_name);
        let temp = self.path.with_file_name(format!(".{file_name}.tmp"));
        let dir = self.path.parent().unwrap_or(Path::new(""));
        let write = || -> io::Result<()> {
            let mut f = OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(true)
                .mode(0o600)
                .open(&temp)?;
            f.write_all(text.as_bytes())?;
            f.sync_all()?;
            std::fs::rename(&temp, &target)?;
            sync_dir(dir)
        };
        write().map_err(|e| WriteError::io(Some(file_name), &e))
    }
}

/// What the writer thread reports for each submitted draft, in order
/// (moved once, by value, so the large variant is not boxed).
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Ack {
    /// On disk (written and synced).
    Saved { ticket: u64, line: Line },
    /// Not written; the journal is now read-only.
    Failed { ticket: u64, error: WriteError },
    /// Not written, for a reason that leaves the journal writable (a
    /// checkpoint whose key could not be read or used).
    Skipped { ticket: u64, reason: String },
}

fn saved(ticket: u64, result: Result<Line, WriteError>) -> Ack {
    match result {
        Ok(line) => Ack::Saved { ticket, line },
        Err(error) => Ack::Failed { ticket, error },
    }
}

/// Makes an entry's payload from the journal's path and every line already
/// in it (a checkpoint must cover exactly the lines before it).
pub type FromLines = Box<dyn FnOnce(&Path, &[Line]) -> Result<Payload, String> + Send>;

#[allow(clippy::large_enum_variant)]
enum Request {
    Append {
        ticket: u64,
        draft: Draft,
        attachment: Option<(String, String)>,
        /// Clear an earlier failure first: the person asked to retry.
        retry: bool,
    },
    AppendFromLines {
        ticket: u64,
        draft: Draft,
        make: FromLines,
    },
    Stop,
}

/// Appends on a dedicated thread; callers submit and get acks through a
/// callback, so the interface never waits on `fsync`.
#[derive(Debug)]
pub struct Writer {
    tx: mpsc::Sender<Request>,
    thread: Option<JoinHandle<()>>,
}

impl Writer {
    pub fn spawn(mut target: Box<dyn Append>, on_ack: impl Fn(Ack) + Send + 'static) -> Self {
        let (tx, rx) = mpsc::channel::<Request>();
        let thread = std::thread::Builder::new()
            .name("journal-writer".into())
            .spawn(move || {
                loop {
                    let ack = match rx.recv() {
                        Ok(Request::Append {
                            ticket,
                            draft,
                            attachment,
                            retry,
                        }) => {
                            let cleared = if retry {
                                target.clear_failure()
                            } else {
                                Ok(())
                            };
                            let attached = cleared.and_then(|()| match &attachment {
                                Some((name, text)) => target.attach(name, text),
                                None => Ok(()),
                            });
                            saved(ticket, attached.and_then(|()| target.append(draft)))
                        }
                        Ok(Request::AppendFromLines {
                            ticket,
                            mut draft,
                            make,
                        }) => match target
                            .read_back()
                            .and_then(|(path, lines)| make(&path, &lines))
                        {
                            Ok(payload) => {
                                draft.event.payload = payload;
                                saved(ticket, target.append(draft))
                            }
                            Err(reason) => Ack::Skipped { ticket, reason },
                        },
                        Ok(Request::Stop) | Err(_) => break,
                    };
                    on_ack(ack);
                }
            })
            .ok();
        Self { tx, thread }
    }

    /// Queues a draft (and a file to write first); its ack arrives later
    /// through the callback.
    pub fn submit(
        &self,
        ticket: u64,
        draft: Draft,
        attachment: Option<(String, String)>,
    ) -> Result<(), WriteError> {
        self.send(ticket, draft, attachment, false)
    }

    /// [`Writer::submit`] after a failed write: the writer first makes the
    /// journal end at its last saved entry again, then appends.
    pub fn retry(
        &self,
        ticket: u64,
        draft: Draft,
        attachment: Option<(String, String)>,
    ) -> Result<(), WriteError> {
        self.send(ticket, draft, attachment, true)
    }

    fn send(
        &self,
        ticket: u64,
        draft: Draft,
        attachment: Option<(String, String)>,
        retry: bool,
    ) -> Result<(), WriteError> {
        self.tx
            .send(Request::Append {
                ticket,
                draft,
                attachment,
                retry,
            })
            .map_err(|_| {
                WriteError::new(io::ErrorKind::BrokenPipe, "the journal writer has stopped")
            })
    }

    /// Queues a draft whose payload `make` computes on the writer thread
    /// from every line written before it; a refusal of `make` is acked as
    /// [`Ack::Skipped`] and leaves the journal writable.
    pub fn submit_from_lines(
        &self,
        ticket: u64,
        draft: Draft,
        make: FromLines,
    ) -> Result<(), WriteError> {
        self.tx
            .send(Request::AppendFromLines {
                ticket,
                draft,
                make,
            })
            .map_err(|_| {
                WriteError::new(io::ErrorKind::BrokenPipe, "the journal writer has stopped")
            })
    }

    /// Finishes queued writes and stops the thread.
    pub fn close(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let _ = self.tx.send(Request::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Writer {
    fn drop(&mut self) {
        self.stop();
    }
}

#[cfg(test)]
mod retry_tests;
