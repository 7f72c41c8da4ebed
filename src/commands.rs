//! One module per subcommand: the IO shell that calls the pure core.

pub(crate) mod ahead;
pub mod case;
pub mod case_views;
pub mod evidence;
pub mod export;
pub mod guard;
pub mod journal;
mod last_actor;
pub mod list;
pub mod open;
pub mod proof;
mod resume_read;
pub mod review_read;
pub mod schema;
pub mod status;
pub mod test;
pub mod tui;
pub mod validate;

use std::path::Path;
use std::sync::Arc;

use chrono::NaiveDate;

use crate::catalog::{Catalog, LoadError};
use crate::config::Config;
use crate::journal::writer::OpenError;
use crate::time::{ManualTime, SystemTime, TimeSource};

/// A command that could not finish: the message for stderr and the exit
/// code (1: the thing checked is bad; 2: usage or IO).
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub message: String,
}

/// What a reporting command prints: the report for stdout, its exit code,
/// and, when what it reports on fails verification, why, for stderr: a
/// script that keeps only the report, or only stderr, still sees it named.
#[derive(Debug)]
pub struct Report {
    pub text: String,
    pub code: u8,
    pub problem: Option<String>,
}

impl From<(String, u8)> for Report {
    fn from((text, code): (String, u8)) -> Self {
        Self {
            text,
            code,
            problem: None,
        }
    }
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Self {
        Self {
            code: 2,
            message: message.into(),
        }
    }

    pub fn bad(message: impl Into<String>) -> Self {
        Self {
            code: 1,
            message: message.into(),
        }
    }
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Self {
        Self {
            code: e.exit_code(),
            message: e
                .render()
                .trim_end()
                .trim_start_matches("error: ")
                .to_string(),
        }
    }
}

impl From<OpenError> for Failure {
    fn from(e: OpenError) -> Self {
        let code = match e {
            OpenError::Broken { .. } | OpenError::NotAJournal { .. } => 1,
            OpenError::Io { .. } | OpenError::Locked { .. } => 2,
        };
        Self {
            code,
            message: e.to_string(),
        }
    }
}

/// What every command may need: settings, time, and the playbook catalog.
#[derive(Clone)]
pub struct Env {
    pub config: Config,
    pub clock: Arc<dyn TimeSource>,
    pub today: NaiveDate,
}

impl std::fmt::Debug for Env {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Env")
            .field("config", &self.config)
            .field("today", &self.today)
            .finish_non_exhaustive()
    }
}

impl Env {
    /// The default settings, with a clock and a day that stand still: the
    /// environment of the commands' unit tests.
    #[cfg(test)]
    pub(crate) fn fixed() -> Self {
        Self {
            config: crate::config::Config::default(),
            clock: Arc::new(crate::time::ManualTime::at(
                chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default(),
            )),
            today: NaiveDate::from_ymd_opt(2026, 11, 29).unwrap_or_default(),
        }
    }

    /// The real environment. `RUNSHEET_NOW` (RFC 3339) fixes the current
    /// time, for reproducible reports and tests.
    pub fn from_system() -> Result<Self, Failure> {
        Self::with_clock(true)
    }

    /// The environment of a command that writes a journal: always the
    /// system clock, so `RUNSHEET_NOW` can never stamp a real entry with a
    /// made-up time.
    pub fn for_writing() -> Result<Self, Failure> {
        Self::with_clock(false)
    }

    fn with_clock(honour_now: bool) -> Result<Self, Failure> {
        let config = Config::load(&Config::default_path()).map_err(Failure::usage)?;
        let fixed = std::env::var("RUNSHEET_NOW").ok().filter(|_| honour_now);
        let clock: Arc<dyn TimeSource> = match fixed {
            Some(text) if !text.is_empty() => {
                let now = chrono::DateTime::parse_from_rfc3339(&text).map_err(|_| {
                    Failure::usage(format!("RUNSHEET_NOW=`{text}` is not an RFC 3339 time"))
                })?;
                Arc::new(ManualTime::at(now.with_timezone(&chrono::Utc)))
            }
            _ => Arc::new(SystemTime::new()),
        };
        let today = clock.now().date_naive();
        Ok(Self {
            config,
            clock,
            today,
        })
    }

    /// Bundled playbooks plus local folders.
    pub fn catalog(&self) -> Catalog {
        Catalog::discover(&crate::paths::local_playbook_dirs(), self.today)
    }

    /// The catalog for opening `journal`, discovered on a thread of `scope`
    /// while the caller goes on (reading the journal that names the
    /// playbook): narrowed to the playbook its first line names when that
    /// line can be read ahead (see [`Catalog::discover_for`]; a narrowed
    /// catalog that turns out not to cover the verified line is widened
    /// where it is used).
    pub fn catalog_ahead<'scope>(
        &self,
        scope: &'scope std::thread::Scope<'scope, '_>,
        journal: &Path,
    ) -> ahead::Ahead<'scope, Catalog> {
        let dirs = crate::paths::local_playbook_dirs();
        let today = self.today;
        let journal = journal.to_path_buf();
        ahead::Ahead::start(scope, move || {
            match open::peek_created(&journal).filter(|c| c.drill.is_none()) {
                Some(created) => Catalog::discover_for(&dirs, today, &created.playbook.id),
                None => Catalog::discover(&dirs, today),
            }
        })
    }
}

/// Frees a large value (a replayed state) on a thread of its own: a
/// command that is about to end need not wait while every allocation of a
/// long journal's state is returned one by one.
pub fn free_in_background<T: Send + 'static>(value: T) {
    // When no thread can be had, the value is freed here with the closure.
    let spawned = std::thread::Builder::new()
        .name("free".into())
        .spawn(move || drop(value));
    drop(spawned);
}
