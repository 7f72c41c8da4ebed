//! Noticing that a case's `journals/` changed: the operating system's file
//! notifications (the `notify` crate) where they work, and always a
//! polling pass beside them, which is all a network share may offer and
//! what remains when notifications cannot start. Nothing here reads a
//! journal's content: it only says "look again"; [`appended`] reads.

use std::io::{Read as _, Seek as _, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use notify::Watcher as _;

use super::folder;
use super::live::CaseLive;

/// How often the polling pass looks when notifications work (it catches
/// what a network share never notifies).
pub const POLL_BESIDE_NOTIFY: Duration = Duration::from_secs(2);
/// How often it looks when it is all there is.
pub const POLL_ALONE: Duration = Duration::from_millis(250);

/// Which mechanisms watch the folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Notifications, with the polling pass beside them.
    Notify,
    /// Polling only (also what `Notify` falls back to).
    Poll,
}

/// Watches a case's `journals/` until dropped.
pub struct Watch {
    _notifier: Option<notify::RecommendedWatcher>,
    stop: Arc<AtomicBool>,
    /// Whether notifications are working (else only polling is).
    pub notifying: bool,
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watch")
            .field("notifying", &self.notifying)
            .finish_non_exhaustive()
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// Size and modification time of every journal file: what the polling
/// pass compares.
fn signature(dir: &Path) -> Vec<(PathBuf, u64, Option<SystemTime>)> {
    folder::journal_files(dir)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(_, path)| {
            let meta = std::fs::metadata(&path).ok()?;
            Some((path, meta.len(), meta.modified().ok()))
        })
        .collect()
}

/// Starts watching case folder `dir`; `changed` is called (from another
/// thread) whenever a journal may have changed.
pub fn start(dir: &Path, mode: Mode, changed: Arc<dyn Fn() + Send + Sync>) -> Watch {
    let notifier = match mode {
        Mode::Notify => {
            let on_event = Arc::clone(&changed);
            notify::recommended_watcher(move |event: notify::Result<notify::Event>| {
                if event.is_ok() {
                    on_event();
                }
            })
            .and_then(|mut w| {
                w.watch(
                    &folder::journals_dir(dir),
                    notify::RecursiveMode::NonRecursive,
                )
                .map(|()| w)
            })
            .ok()
        }
        Mode::Poll => None,
    };
    let notifying = notifier.is_some();
    let every = if notifying {
        POLL_BESIDE_NOTIFY
    } else {
        POLL_ALONE
    };
    let stop = Arc::new(AtomicBool::new(false));
    let stopped = Arc::clone(&stop);
    let dir = dir.to_path_buf();
    // Taken now: a change right after `start` returns is a change.
    let mut last = signature(&dir);
    // A thread that cannot start leaves notifications (if any) alone.
    let _ = std::thread::Builder::new()
        .name("case-poll".into())
        .spawn(move || {
            while !stopped.load(Ordering::Relaxed) {
                std::thread::sleep(every);
                let now = signature(&dir);
                if now != last {
                    last = now;
                    changed();
                }
            }
        });
    Watch {
        _notifier: notifier,
        stop,
        notifying,
    }
}

/// What every followed journal holds beyond what `live` has read, by
/// journal id. A file shorter than what was read (a sync replacing it
/// this very moment) gives nothing now and is read again next time.
pub fn appended(dir: &Path, live: &CaseLive) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (id, path) in folder::journal_files(dir).unwrap_or_default() {
        if !live.follows(&id) {
            continue;
        }
        let from = live.read_from(&id) as u64;
        let Ok(mut file) = std::fs::File::open(&path) else {
            continue;
        };
        let Ok(len) = file.metadata().map(|m| m.len()) else {
            continue;
        };
        if len <= from || file.seek(SeekFrom::Start(from)).is_err() {
            continue;
        }
        let mut bytes = Vec::new();
        if file.take(len - from).read_to_end(&mut bytes).is_ok() {
            out.push((id, bytes));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;
    use std::sync::mpsc;

    use super::*;
    use crate::case::merge::CaseJournal;
    use crate::journal::verify::verify;

    fn case_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(folder::journals_dir(dir.path())).unwrap();
        dir
    }

    /// Waits (bounded) for the watch to call back.
    fn called(rx: &mpsc::Receiver<()>) -> bool {
        rx.recv_timeout(Duration::from_secs(10)).is_ok()
    }

    fn watch(dir: &Path, mode: Mode) -> (Watch, mpsc::Receiver<()>) {
        let (tx, rx) = mpsc::channel();
        let tx = std::sync::Mutex::new(tx);
        let changed: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
            let _ = tx.lock().map(|t| t.send(()));
        });
        (start(dir, mode, changed), rx)
    }

    #[test]
    fn polling_alone_notices_a_journal_that_grew() {
        let dir = case_dir();
        let path = folder::journal_path(dir.path(), "tomas@desk");
        std::fs::write(&path, b"").unwrap();
        let (w, rx) = watch(dir.path(), Mode::Poll);
        assert!(!w.notifying);
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(&path)
            .unwrap();
        file.write_all(b"{}\n").unwrap();
        assert!(called(&rx), "the polling pass saw the change");
    }

    #[test]
    fn notifications_notice_a_journal_that_grew() {
        let dir = case_dir();
        let path = folder::journal_path(dir.path(), "tomas@desk");
        let (w, rx) = watch(dir.path(), Mode::Notify);
        assert!(w.notifying, "inotify starts on a local folder");
        std::fs::write(&path, b"{}\n").unwrap();
        assert!(called(&rx));
    }

    #[test]
    fn only_the_bytes_beyond_what_was_read_are_read_and_never_the_own_journal() {
        let dir = case_dir();
        let other = folder::journal_path(dir.path(), "tomas@desk");
        let own = folder::journal_path(dir.path(), "dana@laptop");
        std::fs::write(&own, b"mine\n").unwrap();
        std::fs::write(&other, b"partial").unwrap();
        let empty = CaseJournal {
            id: "dana@laptop".into(),
            verified: verify(b""),
        };
        let live = CaseLive::new("dana@laptop", vec![empty]);
        let read = appended(dir.path(), &live);
        assert_eq!(read, vec![("tomas@desk".to_string(), b"partial".to_vec())]);
        // Shorter than what was read (a sync replacing it): nothing, for now.
        let draft = crate::journal::Draft {
            ts: chrono::Utc::now(),
            mono_ms: 0,
            scenario_ms: None,
            session: "s".into(),
            actor: "Tomas".into(),
            event: crate::journal::Event::new(crate::journal::event::Payload::Note(
                crate::journal::event::Note { text: "x".into() },
            )),
        };
        let entry_line = format!(
            "{}\n",
            draft
                .into_entry(0, crate::hash::ZERO_HASH.to_string())
                .encode()
        );
        let mut live = live;
        assert_eq!(
            live.take("tomas@desk", entry_line.as_bytes()),
            crate::case::live::Read::Folded(1)
        );
        std::fs::write(&other, &entry_line.as_bytes()[..4]).unwrap();
        assert!(appended(dir.path(), &live).is_empty());
        std::fs::write(&other, format!("{entry_line}more")).unwrap();
        assert_eq!(
            appended(dir.path(), &live),
            vec![("tomas@desk".to_string(), b"more".to_vec())]
        );
    }
}
