//! Shared IO for every command that touches a journal: ids, resolving the
//! playbook a journal runs, creating journals, and reading them back.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::catalog::{self, Catalog, LoadError, SourceText};
use crate::clock::Clock;
use crate::hash::sha256_hex;
use crate::journal::event::{Created, DrillRef, Payload, PlaybookRef, SessionStarted};
use crate::journal::verify::{Verified, verify};
use crate::journal::writer::{JournalFile, OpenError, hostname};
use crate::journal::{Draft, Event, Line};
use crate::playbook::Playbook;

/// The running program's version, recorded in journals.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

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
    pub fn draft(&self, clock: &dyn Clock, event: Event) -> Draft {
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

/// A playbook ready to run, with the text it was loaded from.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub playbook: Playbook,
    pub source: SourceText,
}

impl Resolved {
    /// How the journal names this playbook.
    pub fn reference(&self) -> PlaybookRef {
        PlaybookRef {
            id: self.playbook.id.clone(),
            version: self.playbook.version.clone(),
            path: self.source.path.as_ref().map_or_else(
                || {
                    format!(
                        "bundled:{}",
                        self.source.label.trim_start_matches("(bundled) ")
                    )
                },
                |p| p.display().to_string(),
            ),
            sha256: self.source.sha256.clone(),
        }
    }
}

/// A playbook named on the command line: a file path, or an id from the
/// catalog.
pub fn resolve_playbook(
    arg: &str,
    catalog: &Catalog,
    today: chrono::NaiveDate,
) -> Result<Resolved, LoadError> {
    let path = Path::new(arg);
    let yaml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    if path.is_file() || yaml || arg.contains('/') {
        let source = catalog::read_source(path)?;
        let (playbook, _) = catalog::check_playbook(&source, &catalog.library, today)?;
        return Ok(Resolved { playbook, source });
    }
    catalog
        .playbook(arg)
        .map(|e| Resolved {
            playbook: e.playbook.clone(),
            source: e.source.clone(),
        })
        .ok_or_else(|| LoadError::Io {
            label: arg.to_string(),
            message: "no such playbook file, and no bundled or local playbook has that id (see `runsheet list`)".into(),
        })
}

/// Finds what a command names (a playbook file or id) and discovers the
/// catalog at the same time: the catalog loads on a second thread while a
/// named file is read and parsed, since only checking it needs the clock
/// library. Same result as [`Catalog::discover`] then [`resolve_playbook`].
pub fn discover_and_resolve(
    arg: &str,
    dirs: &[std::path::PathBuf],
    today: chrono::NaiveDate,
) -> Result<(Catalog, Resolved), LoadError> {
    let path = Path::new(arg);
    if !path.is_file() {
        let catalog = Catalog::discover(dirs, today);
        let resolved = resolve_playbook(arg, &catalog, today)?;
        return Ok((catalog, resolved));
    }
    let (catalog, parsed) = std::thread::scope(|scope| {
        let discovering = scope.spawn(|| Catalog::discover(dirs, today));
        let parsed = catalog::read_source(path).and_then(|source| {
            let doc = catalog::parse_playbook(&source)?;
            Ok((source, doc))
        });
        let catalog = discovering
            .join()
            .unwrap_or_else(|_| Catalog::discover(dirs, today));
        (catalog, parsed)
    });
    let (source, doc) = parsed?;
    let (playbook, _) = catalog::compile_playbook(&source, &doc, &catalog.library, today)?;
    Ok((catalog, Resolved { playbook, source }))
}

/// The playbook a journal runs: its recorded file when it still exists,
/// else the catalogued playbook with the same id (the run state reports
/// when its bytes differ from those recorded).
pub fn playbook_for(
    created: &Created,
    catalog: &Catalog,
    today: chrono::NaiveDate,
) -> Result<Resolved, LoadError> {
    let recorded = &created.playbook;
    if !recorded.path.starts_with("bundled:") {
        let path = Path::new(&recorded.path);
        if path.is_file()
            && let Ok(source) = catalog::read_source(path)
            && let Ok((playbook, _)) = catalog::check_playbook(&source, &catalog.library, today)
        {
            return Ok(Resolved { playbook, source });
        }
    }
    catalog
        .playbook(&recorded.id)
        .map(|e| Resolved {
            playbook: e.playbook.clone(),
            source: e.source.clone(),
        })
        .ok_or_else(|| LoadError::Io {
            label: format!("playbook `{}` {}", recorded.id, recorded.version),
            message: format!(
                "this journal runs it (recorded from {}), and no playbook with that id can be found: put the file back, or a playbook with id `{}` in ./playbooks; `runsheet verify` checks the journal without it",
                recorded.path, recorded.id
            ),
        })
}

/// Settings for a new journal.
#[derive(Debug, Clone)]
pub struct NewJournal {
    pub path: Option<PathBuf>,
    pub title: Option<String>,
    pub exercise: bool,
    pub timezone: Tz,
    pub drill: Option<DrillRef>,
}

/// `<journals>/<YYYY-MM-DDTHHMMZ>-<playbook>-<id>.jsonl`
pub fn default_journal_path(playbook: &str, now: DateTime<Utc>) -> PathBuf {
    crate::paths::journals_dir().join(format!(
        "{}-{playbook}-{}.jsonl",
        now.format("%Y-%m-%dT%H%MZ"),
        new_id(6)
    ))
}

/// Creates a journal: `journal_created`, then `session_started`.
pub fn create_journal(
    resolved: &Resolved,
    settings: NewJournal,
    who: &Identity,
    clock: &dyn Clock,
    mode: &str,
) -> Result<(JournalFile, Vec<Line>), OpenError> {
    let now = clock.now();
    let path = settings
        .path
        .unwrap_or_else(|| default_journal_path(&resolved.playbook.id, now));
    let title = settings
        .title
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| {
            format!(
                "{} — {}",
                resolved.playbook.title,
                now.with_timezone(&settings.timezone).format("%Y-%m-%d")
            )
        });
    let created = Created {
        journal_id: new_id(32),
        playbook: resolved.reference(),
        title,
        timezone: settings.timezone.name().to_string(),
        exercise: settings.exercise,
        app_version: APP_VERSION.to_string(),
        drill: settings.drill,
    };
    let (mut file, first) = JournalFile::create(
        &path,
        who.draft(clock, Event::new(Payload::JournalCreated(created))),
    )?;
    let started = file
        .append(who.draft(clock, session_started(mode)))
        .map_err(|e| OpenError::Io {
            path: path.clone(),
            error: std::io::Error::other(e),
        })?;
    Ok((file, vec![first, started]))
}

pub fn session_started(mode: &str) -> Event {
    Event::new(Payload::SessionStarted(SessionStarted {
        pid: std::process::id(),
        host: hostname(),
        app_version: APP_VERSION.to_string(),
        mode: mode.to_string(),
    }))
}

/// Reads and verifies a journal without locking or writing it.
pub fn read_journal(path: &Path) -> Result<Verified, OpenError> {
    let bytes =
        crate::journal::attachment::read_limited(path, crate::journal::attachment::JOURNAL_LIMIT)
            .map_err(|error| OpenError::Io {
            path: path.to_path_buf(),
            error,
        })?;
    Ok(verify(&bytes))
}

/// The `journal_created` payload every journal starts with, or why the
/// file cannot be treated as a journal (exit 1).
pub fn require_created(lines: &[Line], path: &Path) -> Result<Created, OpenError> {
    created_of(lines).ok_or_else(|| OpenError::NotAJournal {
        path: path.to_path_buf(),
        reason: "no verified `journal_created` entry opens it".into(),
    })
}

/// The `journal_created` payload of verified lines, if the first line is one.
pub fn created_of(lines: &[Line]) -> Option<Created> {
    let first = lines.first()?;
    match first.entry.event().ok()?.payload {
        Payload::JournalCreated(c) => Some(c),
        _ => None,
    }
}
