//! A long journal read for review in the background: the screen shows the
//! first verified lines at once, says "verifying" in its header while the
//! rest is checked and replayed on another thread, and takes the whole
//! result when it is known. Until then nothing claims the journal intact.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::Notify;

use super::JournalLines;
use crate::journal::Line;
use crate::journal::verify::Tally;
use crate::run::RunState;

/// What the background reader hands over, in this order: the first
/// verified line (to settle the playbook), the first lines with the state
/// after them (for the first frame), then the end.
#[derive(Debug)]
pub enum Progress {
    First(Box<Line>),
    Early {
        lines: Vec<Line>,
        state: Box<RunState>,
    },
    Done(std::io::Result<Box<Complete>>),
}

/// A journal read to its end: everything a review shows about it.
#[derive(Debug)]
pub struct Complete {
    pub lines: JournalLines,
    pub state: RunState,
    pub tally: Tally,
    pub draft_problems: Vec<String>,
}

/// The reader's side of a read in progress: how many lines it verified,
/// and the wake-up it gives when it has something to hand over.
#[derive(Debug, Default)]
pub struct Counter {
    entries: AtomicUsize,
    wake: Arc<Notify>,
}

impl Counter {
    /// One more line verified.
    pub fn count(&self, entries: usize) {
        self.entries.store(entries, Ordering::Relaxed);
    }

    /// Wakes the screen (a message is waiting).
    pub fn wake(&self) {
        self.wake.notify_one();
    }
}

/// The screen's side of a read still in progress. Clones share it.
#[derive(Debug, Clone)]
pub struct Reading {
    progress: Arc<Mutex<Receiver<Progress>>>,
    counter: Arc<Counter>,
    failed: Arc<Mutex<Option<std::io::Error>>>,
}

impl Reading {
    pub fn new(progress: Receiver<Progress>, counter: Arc<Counter>) -> Self {
        Self {
            progress: Arc::new(Mutex::new(progress)),
            counter,
            failed: Arc::default(),
        }
    }

    /// Lines verified so far.
    pub fn entries(&self) -> usize {
        self.counter.entries.load(Ordering::Relaxed)
    }

    /// What wakes the screen's loop when the read has something new.
    pub fn waker(&self) -> Arc<Notify> {
        Arc::clone(&self.counter.wake)
    }

    /// The read error that stopped the read after the screen opened, if
    /// one did (taken: the command reports it once the terminal is back).
    pub fn take_failure(&self) -> Option<std::io::Error> {
        self.failed
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    /// The end of the read, if it has come (`wait`: block until it does).
    fn done(&self, wait: bool) -> Option<std::io::Result<Box<Complete>>> {
        let progress = self.progress.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            let next = if wait {
                progress.recv().map_err(|_| TryRecvError::Disconnected)
            } else {
                progress.try_recv()
            };
            match next {
                Ok(Progress::Done(done)) => return Some(done),
                Ok(_) => {}
                Err(TryRecvError::Empty) => return None,
                Err(TryRecvError::Disconnected) => {
                    return Some(Err(std::io::Error::other(
                        "the journal reader stopped before the end",
                    )));
                }
            }
        }
    }
}

impl super::Review {
    /// Whether the journal is still being verified (the header says so).
    pub fn verifying(&self) -> Option<usize> {
        self.reading.as_ref().map(Reading::entries)
    }

    /// Takes the end of a background read if it has come; returns whether
    /// the screen changed (it also changes while the count moves on).
    pub fn poll_reading(&mut self) -> bool {
        let Some(reading) = &self.reading else {
            return false;
        };
        match reading.done(false) {
            Some(done) => {
                self.finish_reading(done);
                true
            }
            None => true,
        }
    }

    /// Blocks until the background read ends and takes its result.
    pub fn wait_for_reading(&mut self) {
        if let Some(done) = self.reading.as_ref().and_then(|r| r.done(true)) {
            self.finish_reading(done);
        }
    }

    /// Replaces the first lines shown by the whole journal read (tab,
    /// filter and scroll stay; a cursor at the end stays at the end). A
    /// read error ends the review: the command reports it.
    fn finish_reading(&mut self, done: std::io::Result<Box<Complete>>) {
        let Some(reading) = self.reading.take() else {
            return;
        };
        match done {
            Ok(complete) => {
                let complete = *complete;
                let at_end = self.cursor + 1 >= self.visible.len();
                self.lines = complete.lines;
                self.state = complete.state;
                self.head_hash = complete.tally.head_hash;
                self.broken = complete.tally.broken;
                self.torn_tail = complete.tally.torn_tail;
                self.verified_len = complete.tally.verified_len;
                self.draft_problems = complete.draft_problems;
                self.cursor_state = None;
                self.metrics = None;
                self.resort();
                if at_end || self.follow {
                    self.cursor = self.visible.len().saturating_sub(1);
                }
            }
            Err(error) => {
                *reading
                    .failed
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner) = Some(error);
                self.quit = true;
            }
        }
    }
}
