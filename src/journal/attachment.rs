//! Files a journal names beside itself (message drafts), read so that a
//! journal cannot make runsheet show or hang on anything else.
//!
//! A `message_drafted` entry names a file and the SHA-256 of its text. The
//! journal may come from someone else, so the name is trusted only as a
//! plain file name in the journal's own folder; the file must be a regular
//! file (never followed through a symlink, never a FIFO or a device), no
//! larger than [`DRAFT_LIMIT`], and hash to what the entry recorded.

use std::fmt;
use std::fs::OpenOptions;
use std::io::{self, Read as _};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Component, Path};

use crate::hash::sha256_hex;

/// The largest draft read: far above any regulatory notification.
pub const DRAFT_LIMIT: u64 = 4 * 1024 * 1024;

/// Why a draft named by the journal was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttachmentError {
    /// No file of that name beside the journal.
    Missing,
    /// The name is not a plain file name in the journal's folder.
    OutsideFolder,
    /// A symlink, FIFO, device or folder.
    NotRegularFile,
    TooLarge {
        limit: u64,
    },
    /// The text differs from the one the entry recorded.
    HashMismatch {
        expected: String,
        actual: String,
    },
    Io(io::ErrorKind),
}

impl fmt::Display for AttachmentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing => f.write_str("the draft file is missing"),
            Self::OutsideFolder => {
                f.write_str("the entry names a file outside the journal's folder")
            }
            Self::NotRegularFile => {
                f.write_str("the draft is not a regular file (a symlink, FIFO, device or folder)")
            }
            Self::TooLarge { limit } => {
                write!(f, "the draft file is larger than {limit} bytes")
            }
            Self::HashMismatch { expected, actual } => write!(
                f,
                "the draft file was changed: its SHA-256 is {actual}, the journal recorded {expected}"
            ),
            Self::Io(io::ErrorKind::InvalidData) => {
                f.write_str("the draft file is not valid UTF-8 text")
            }
            Self::Io(kind) => write!(f, "the draft file could not be read: {kind}"),
        }
    }
}

impl std::error::Error for AttachmentError {}

/// Reads a draft named by a `message_drafted` entry: inside the journal's
/// folder, a regular file, size-limited, matching its recorded SHA-256.
pub fn read_draft(
    journal_path: &Path,
    file: &str,
    expected_sha256: &str,
) -> Result<String, AttachmentError> {
    let bytes = read_beside(journal_path, file, DRAFT_LIMIT)?;
    let actual = sha256_hex(&bytes);
    if !actual.eq_ignore_ascii_case(expected_sha256) {
        return Err(AttachmentError::HashMismatch {
            expected: expected_sha256.to_string(),
            actual,
        });
    }
    String::from_utf8(bytes).map_err(|_| AttachmentError::Io(io::ErrorKind::InvalidData))
}

/// True when `file` is one plain name (no folder, no `..`, not absolute).
fn is_plain_name(file: &str) -> bool {
    let mut parts = Path::new(file).components();
    matches!(
        (parts.next(), parts.next()),
        (Some(Component::Normal(_)), None)
    ) && !file.contains('/')
}

/// The bytes of `file` beside the journal, under the rules above (all but
/// the hash).
fn read_beside(journal_path: &Path, file: &str, limit: u64) -> Result<Vec<u8>, AttachmentError> {
    if !is_plain_name(file) {
        return Err(AttachmentError::OutsideFolder);
    }
    let path = journal_path.with_file_name(file);
    // No symlink is followed, and opening a FIFO does not wait for a writer.
    let handle = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(&path)
        .map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => AttachmentError::Missing,
            _ if e.raw_os_error() == Some(libc::ELOOP) => AttachmentError::NotRegularFile,
            kind => AttachmentError::Io(kind),
        })?;
    let meta = handle
        .metadata()
        .map_err(|e| AttachmentError::Io(e.kind()))?;
    if !meta.is_file() {
        return Err(AttachmentError::NotRegularFile);
    }
    if meta.len() > limit {
        return Err(AttachmentError::TooLarge { limit });
    }
    let mut bytes = Vec::new();
    handle
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| AttachmentError::Io(e.kind()))?;
    if bytes.len() as u64 > limit {
        return Err(AttachmentError::TooLarge { limit });
    }
    Ok(bytes)
}

/// The largest journal read: far beyond years of entries, small enough
/// that a hostile file cannot exhaust memory.
pub const JOURNAL_LIMIT: u64 = 1 << 30;

/// Opens `path` for reading only if it is a regular file (following
/// symlinks, as a user naming a file expects), without ever waiting on a
/// FIFO or reading a device.
pub fn open_regular(path: &Path) -> io::Result<std::fs::File> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)?;
    refuse_special(&file)?;
    Ok(file)
}

/// An error unless `file` is a regular file.
pub fn refuse_special(file: &std::fs::File) -> io::Result<()> {
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "is a directory, not a file",
        ));
    }
    if !meta.is_file() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "is not a regular file (a FIFO, socket or device); refusing to read it",
        ));
    }
    Ok(())
}

/// All of a regular file, refused when larger than `limit`.
pub fn read_limited(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = open_regular(path)?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("is larger than {limit} bytes; refusing to read it"),
        ));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn journal_in(dir: &Path) -> std::path::PathBuf {
        dir.join("j.jsonl")
    }

    #[test]
    fn reads_a_matching_draft() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("j.msg-1.txt"), "hello").unwrap();
        let text = read_draft(
            &journal_in(dir.path()),
            "j.msg-1.txt",
            &sha256_hex(b"hello"),
        );
        assert_eq!(text, Ok("hello".to_string()));
    }

    #[test]
    fn d5_refuses_paths_outside_the_journal_folder() {
        let dir = tempfile::tempdir().unwrap();
        let j = journal_in(dir.path());
        for name in ["/etc/passwd", "../j.txt", "a/b.txt", "..", ".", ""] {
            assert_eq!(
                read_draft(&j, name, &sha256_hex(b"")),
                Err(AttachmentError::OutsideFolder),
                "{name}"
            );
        }
    }

    #[test]
    fn d5_refuses_symlinks_fifos_and_changed_text() {
        let dir = tempfile::tempdir().unwrap();
        let j = journal_in(dir.path());
        std::os::unix::fs::symlink("/etc/passwd", dir.path().join("link.txt")).unwrap();
        assert_eq!(
            read_draft(&j, "link.txt", &sha256_hex(b"")),
            Err(AttachmentError::NotRegularFile)
        );
        let status = std::process::Command::new("mkfifo")
            .arg(dir.path().join("fifo.txt"))
            .status()
            .unwrap();
        assert!(status.success());
        assert_eq!(
            read_draft(&j, "fifo.txt", &sha256_hex(b"")),
            Err(AttachmentError::NotRegularFile)
        );
        std::fs::write(dir.path().join("m.txt"), "changed").unwrap();
        assert!(matches!(
            read_draft(&j, "m.txt", &sha256_hex(b"original")),
            Err(AttachmentError::HashMismatch { .. })
        ));
        assert_eq!(
            read_draft(&j, "absent.txt", &sha256_hex(b"")),
            Err(AttachmentError::Missing)
        );
    }

    #[test]
    fn d5_refuses_drafts_over_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let j = journal_in(dir.path());
        let f = std::fs::File::create(dir.path().join("big.txt")).unwrap();
        f.set_len(DRAFT_LIMIT + 1).unwrap();
        assert_eq!(
            read_draft(&j, "big.txt", &sha256_hex(b"")),
            Err(AttachmentError::TooLarge { limit: DRAFT_LIMIT })
        );
    }
}
