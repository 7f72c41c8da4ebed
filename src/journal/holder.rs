//! Who holds a journal's lock, told to the writer that is refused.
//!
//! The lock is the `flock` on the journal itself; the note beside it
//! (`<journal>.lock`) only names the holder. Taking a lock and writing a note
//! cannot be one step, so the note carries its own proof of life: the holder
//! keeps an exclusive `flock` on the note for as long as it holds the
//! journal. A refused writer believes a note only while that lock is held,
//! so a note left by a holder that was killed is never shown as the current
//! holder, and when it finds no live note (the holder is between taking the
//! journal and renaming its note into place, or between removing its note
//! and closing the journal) it tries the journal again for a bounded time
//! instead of answering with no name.

use std::fs::{File, OpenOptions};
use std::io::{self, Read as _, Write as _};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a refused writer keeps looking for a live note (or for the
/// journal to come free) before it answers without a name. The holder writes
/// its note right after taking the lock, so this is only reached when the
/// note could not be written at all.
const NOTE_WAIT: Duration = Duration::from_secs(2);

/// The longest pause between two looks.
const MAX_PAUSE: Duration = Duration::from_millis(20);

/// The note beside a journal naming who holds its lock.
pub(super) fn note_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".lock");
    path.with_file_name(name)
}

/// The holder's own note, locked for as long as the journal is open.
#[derive(Debug)]
pub(super) struct HeldNote {
    path: PathBuf,
    /// Keeps the note's `flock`; `None` when the note could not be written
    /// (it is informative only: the journal lock still holds).
    file: Option<File>,
}

impl HeldNote {
    /// Removes the note while the journal is still locked (so it can never
    /// remove a later holder's note), then releases the note's lock.
    pub(super) fn release(&mut self) {
        if let Some(file) = self.file.take() {
            let _ = std::fs::remove_file(&self.path);
            drop(file);
        }
    }
}

impl Drop for HeldNote {
    fn drop(&mut self) {
        self.release();
    }
}

/// Why the journal could not be locked.
pub(super) enum Refusal {
    /// Another writer has it: its name when a live note gave one.
    Held(Option<String>),
    Io(io::Error),
}

/// Takes the journal's exclusive lock and writes the note naming this
/// process, or says who holds it.
pub(super) fn lock(file: &File, path: &Path) -> Result<HeldNote, Refusal> {
    let note = note_path(path);
    let deadline = Instant::now() + NOTE_WAIT;
    let mut pause = Duration::from_millis(1);
    loop {
        match file.try_lock() {
            Ok(()) => {
                let text = format!(
                    "pid {} on {}",
                    std::process::id(),
                    super::writer::hostname()
                );
                return Ok(HeldNote {
                    file: write_note(&note, &text).ok(),
                    path: note,
                });
            }
            Err(std::fs::TryLockError::WouldBlock) => {
                if let Some(holder) = live_holder(&note) {
                    return Err(Refusal::Held(Some(holder)));
                }
                if Instant::now() >= deadline {
                    return Err(Refusal::Held(None));
                }
                std::thread::sleep(pause);
                pause = (pause * 2).min(MAX_PAUSE);
            }
            Err(std::fs::TryLockError::Error(error)) => return Err(Refusal::Io(error)),
        }
    }
}

/// Writes the note without following anything already at its path (a
/// symlink planted in a shared folder would otherwise redirect the write):
/// a new 0600 file, locked, filled, then renamed over the path so a reader
/// only ever finds a complete note.
fn write_note(note_path: &Path, note: &str) -> io::Result<File> {
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(note_path.file_name().unwrap_or_default());
    temp_name.push(format!(".{}", std::process::id()));
    let temp = note_path.with_file_name(temp_name);
    let _ = std::fs::remove_file(&temp);
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&temp)?;
    let written = file
        .try_lock()
        .map_err(io::Error::from)
        .and_then(|()| file.write_all(note.as_bytes()))
        .and_then(|()| std::fs::rename(&temp, note_path));
    match written {
        Ok(()) => Ok(file),
        Err(e) => {
            let _ = std::fs::remove_file(&temp);
            Err(e)
        }
    }
}

/// The holder named by a note whose writer still holds it: a short regular
/// file, never followed through a symlink and never waited on (a FIFO). A
/// note nobody holds is stale and names no one.
fn live_holder(note_path: &Path) -> Option<String> {
    let file = OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
        .open(note_path)
        .ok()?;
    if !file.metadata().ok()?.is_file() {
        return None;
    }
    match file.try_lock_shared() {
        Err(std::fs::TryLockError::WouldBlock) => {}
        // Free (its writer is gone) or unlockable: not evidence of a holder.
        Ok(()) | Err(std::fs::TryLockError::Error(_)) => return None,
    }
    let mut text = String::new();
    file.take(256).read_to_string(&mut text).ok()?;
    Some(text.trim().to_string()).filter(|s| !s.is_empty())
}
