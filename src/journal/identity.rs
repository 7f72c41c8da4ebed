//! Who wrote an entry: the actor and the id of the program start that
//! wrote it.

use std::sync::atomic::{AtomicU64, Ordering};

use chrono::Utc;

use crate::hash::sha256_hex;
use crate::journal::writer::hostname;
use crate::journal::{Draft, Event};
use crate::time::TimeSource;

/// A fresh random-looking id (hex) from time, process and a counter.
pub fn new_id(len: usize) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let seed = format!(
        "{}:{}:{}:{}",
        Utc::now().timestamp_nanos_opt().unwrap_or_default(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        hostname()
    );
    sha256_hex(seed.as_bytes())[..len.min(64)].to_string()
}

/// Who is acting, and the id of this program start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub actor: String,
    pub session: String,
}

impl Identity {
    pub fn new(actor: impl Into<String>) -> Self {
        Self {
            actor: actor.into(),
            session: new_id(12),
        }
    }

    /// A draft of `event` stamped now.
    pub fn draft(&self, clock: &dyn TimeSource, event: Event) -> Draft {
        Draft {
            ts: clock.now(),
            mono_ms: clock.mono_ms(),
            scenario_ms: None,
            session: self.session.clone(),
            actor: self.actor.clone(),
            event,
        }
    }
}
