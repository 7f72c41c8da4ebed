//! Time, injected: the pure core never reads the wall clock, so every test
//! and replay is deterministic.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Instant;

use chrono::{DateTime, Utc};

/// Wall time for timestamps and a monotonic count for `mono_ms`.
pub trait TimeSource: Send + Sync {
    fn now(&self) -> DateTime<Utc>;
    /// Milliseconds since this session started, never going backwards.
    fn mono_ms(&self) -> u64;
}

/// The real clock.
#[derive(Debug)]
pub struct SystemTime {
    start: Instant,
}

impl SystemTime {
    pub fn new() -> Self {
        Self {
            start: Instant::now(),
        }
    }
}

impl Default for SystemTime {
    fn default() -> Self {
        Self::new()
    }
}

impl TimeSource for SystemTime {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn mono_ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}

/// A clock tests move by hand; clones share the same time.
#[derive(Debug, Clone)]
pub struct ManualTime {
    micros: Arc<AtomicI64>,
    mono: Arc<AtomicU64>,
}

impl ManualTime {
    pub fn at(t: DateTime<Utc>) -> Self {
        Self {
            micros: Arc::new(AtomicI64::new(t.timestamp_micros())),
            mono: Arc::new(AtomicU64::new(0)),
        }
    }

    pub fn advance(&self, by: chrono::Duration) {
        let micros = by.num_microseconds().unwrap_or(0);
        self.micros.fetch_add(micros, Ordering::SeqCst);
        self.mono.fetch_add(
            u64::try_from(by.num_milliseconds()).unwrap_or(0),
            Ordering::SeqCst,
        );
    }
}

impl TimeSource for ManualTime {
    fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp_micros(self.micros.load(Ordering::SeqCst)).unwrap_or_default()
    }

    fn mono_ms(&self) -> u64 {
        self.mono.load(Ordering::SeqCst)
    }
}
