//! The runner's link to its team case: the watch on `journals/` and the
//! syncs through git, both off the interface's thread. A change wakes the
//! event loop, which reads only the new bytes of the other journals and
//! hands them to the app; a sync runs on a thread of its own and its
//! outcome arrives the same way.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use tokio::sync::Notify;

use super::Core;
use crate::app::Msg;
use crate::case::live::SyncOutcome;
use crate::case::watch::{self, Watch};

/// Runs one sync and says how it ended (blocking: never on the UI thread).
pub type SyncJob = Arc<dyn Fn() -> SyncOutcome + Send + Sync>;

/// What [`Core`] holds for a runner inside a case.
pub struct CaseLink {
    dir: PathBuf,
    changed: Arc<AtomicBool>,
    watch: Watch,
    sync: SyncJob,
    synced_tx: mpsc::Sender<SyncOutcome>,
    synced: mpsc::Receiver<SyncOutcome>,
}

impl std::fmt::Debug for CaseLink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseLink")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl Core {
    /// Follows case folder `dir` (the app must have joined the case) and
    /// syncs it with `sync` when the app asks.
    pub fn link_case(&mut self, dir: PathBuf, mode: watch::Mode, sync: SyncJob) {
        let changed = Arc::new(AtomicBool::new(true));
        let flag = Arc::clone(&changed);
        let wake = Arc::clone(&self.wake);
        let on_change: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
            flag.store(true, Ordering::Release);
            wake.notify_one();
        });
        let watch = watch::start(&dir, mode, on_change);
        let (synced_tx, synced) = mpsc::channel();
        self.case = Some(CaseLink {
            dir,
            changed,
            watch,
            sync,
            synced_tx,
            synced,
        });
        self.wake.notify_one();
    }

    /// Whether notifications (not only polling) watch the case.
    pub fn case_notifying(&self) -> Option<bool> {
        self.case.as_ref().map(|c| c.watch.notifying)
    }

    /// Folds in what the other journals gained and applies ended syncs.
    /// Returns whether the screen changed.
    pub fn poll_case(&mut self) -> bool {
        let Some(link) = self.case.as_ref() else {
            return false;
        };
        let mut outcomes = Vec::new();
        while let Ok(outcome) = link.synced.try_recv() {
            outcomes.push(outcome);
        }
        let reads = if link.changed.swap(false, Ordering::AcqRel) {
            self.app
                .team
                .as_ref()
                .map(|team| watch::appended(&link.dir, &team.case))
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        let mut dirty = !outcomes.is_empty();
        for outcome in outcomes {
            self.handle(Msg::Synced(outcome));
        }
        for (id, bytes) in reads {
            dirty |= self.app.fold(&id, &bytes);
        }
        dirty
    }

    /// Waits (bounded) for the sync under way, if any, and applies how it
    /// ended. Returns whether no sync is left running.
    pub fn wait_for_sync(&mut self, bound: std::time::Duration) -> bool {
        let running = self.app.team.as_ref().is_some_and(|t| t.syncing);
        let Some(link) = self.case.as_ref().filter(|_| running) else {
            return true;
        };
        match link.synced.recv_timeout(bound) {
            Ok(outcome) => {
                self.handle(Msg::Synced(outcome));
                true
            }
            Err(_) => false,
        }
    }

    /// Starts the sync on a thread of its own.
    pub(super) fn start_sync(&mut self) {
        let Some(link) = self.case.as_ref() else {
            self.handle(Msg::Synced(SyncOutcome::Failed(
                "this runner is not in a case".into(),
            )));
            return;
        };
        let job = Arc::clone(&link.sync);
        let tx = link.synced_tx.clone();
        let wake: Arc<Notify> = Arc::clone(&self.wake);
        let started = std::thread::Builder::new()
            .name("case-sync".into())
            .spawn(move || {
                let _ = tx.send(job());
                wake.notify_one();
            });
        if let Err(e) = started {
            self.handle(Msg::Synced(SyncOutcome::Failed(format!(
                "could not start the sync: {e}"
            ))));
        }
    }
}
