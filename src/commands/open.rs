//! Opening journals for every command: resolving the playbook a journal
//! runs, creating journals, and reading them back.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::catalog::{self, Catalog, LoadError, SourceText};
use crate::journal::event::{Created, DrillRef, Payload, PlaybookRef, SessionStarted};
use crate::journal::identity::{Identity, new_id};
use crate::journal::verify::{Verified, verify};
use crate::journal::writer::{JournalFile, OpenError, hostname};
use crate::journal::{Event, Line};
use crate::playbook::{Drill, Playbook};
use crate::time::TimeSource;

/// The running program's version, recorded in journals.
pub const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The actor of the last session opened on `host`, which is who most likely
/// sits at this machine again.
pub fn last_actor_on_host(lines: &[Line], host: &str) -> Option<String> {
    lines
        .iter()
        .rev()
        .find(|line| {
            line.entry.kind == crate::journal::Kind::SessionStarted
                && line.entry.data.get("host").and_then(|h| h.as_str()) == Some(host)
        })
        .map(|line| line.entry.actor.clone())
}

/// When the last session that wrote `lines` never ended (its program was
/// killed or crashed), a sentence saying so and naming its last entry.
pub fn unexpected_end(lines: &[Line]) -> Option<String> {
    use crate::journal::Kind;
    let start = lines
        .iter()
        .rposition(|l| l.entry.kind == Kind::SessionStarted)?;
    let session = &lines[start].entry.session;
    let own: Vec<&Line> = lines[start..]
        .iter()
        .filter(|l| &l.entry.session == session)
        .collect();
    if own.iter().any(|l| l.entry.kind == Kind::SessionEnded) {
        return None;
    }
    let last = own.last()?;
    Some(session_end_notice(&lines[start], &last.entry))
}

/// The sentence of [`unexpected_end`] for the session `start` opened,
/// whose last saved entry is `last`.
pub fn session_end_notice(start: &Line, last: &crate::journal::Entry) -> String {
    format!(
        "The previous session ({}, {}) ended unexpectedly; its last saved entry is #{} ({}) at {}. Anything typed after it was lost.",
        start.entry.actor,
        start
            .entry
            .data
            .get("mode")
            .and_then(|m| m.as_str())
            .unwrap_or("?"),
        last.seq,
        last.kind,
        last.ts.format("%Y-%m-%d %H:%M:%S UTC")
    )
}

/// The scenario a drill journal ran: its recorded file, or the bundled or
/// local scenario with the recorded id, preferring whichever still has the
/// recorded SHA-256. `None` when neither is found: the report then says
/// the scenario definition is missing and renders from the journal alone.
pub fn scenario_for(created: &Created, catalog: &Catalog) -> Option<FoundScenario> {
    let recorded = created.drill.as_ref()?;
    let whole = catalog.widened_for(created);
    let catalog = whole.as_ref().unwrap_or(catalog);
    let path = Path::new(&recorded.path);
    let from_file = (!recorded.path.starts_with("bundled:") && path.is_file())
        .then(|| catalog::read_source(path).ok())
        .flatten()
        .and_then(|source| {
            let lookup = |id: &str| catalog.playbook(id).map(|e| e.playbook.clone());
            catalog::check_drill(&source, &lookup).ok()
        })
        .map(|(drill, _)| drill)
        .filter(|drill| drill.id == recorded.id);
    let mut found: Vec<Drill> = from_file
        .into_iter()
        .chain(catalog.drill(&recorded.id).map(|e| e.drill.clone()))
        .collect();
    let best = found
        .iter()
        .position(|d| d.sha256 == recorded.sha256)
        .unwrap_or(0);
    if best >= found.len() {
        return None;
    }
    let drill = found.swap_remove(best);
    let changed = (drill.sha256 != recorded.sha256).then(|| {
        format!(
            "drill scenario `{}` ({}) has changed since this exercise started (SHA-256 {}… then, {}… now)",
            recorded.id,
            recorded.path,
            &recorded.sha256.get(..12).unwrap_or(&recorded.sha256),
            &drill.sha256.get(..12).unwrap_or(&drill.sha256)
        )
    });
    Some(FoundScenario { drill, changed })
}

/// The scenario a drill journal runs, and a sentence when its file is not
/// the one the exercise started with.
#[derive(Debug, Clone)]
pub struct FoundScenario {
    pub drill: Drill,
    pub changed: Option<String>,
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
            path: self.source.recorded_path(),
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
        let (playbook, _) = catalog::check_playbook_file(&source, &catalog.library, today)?;
        return Ok(Resolved { playbook, source });
    }
    catalog
        .playbook(arg)
        .map(|e| Resolved {
            playbook: e.playbook.clone(),
            source: e.source.clone(),
        })
        .ok_or_else(|| {
            if let Some(broken) = blocked_by_a_pack(arg, catalog, today) {
                return broken;
            }
            let ids = catalog.playbooks.iter().map(|e| e.playbook.id.as_str());
            LoadError::Io {
                label: arg.to_string(),
                message: format!(
                    "no such playbook file, and no bundled or local playbook has that id (see `runsheet list`){}",
                    crate::suggest::did_you_mean(&crate::suggest::similar(arg, ids))
                ),
            }
        })
}

/// Why the local playbook `id` is not in the catalog when a clock pack
/// beside it does not load: that, not "no such playbook", is the answer.
fn blocked_by_a_pack(id: &str, catalog: &Catalog, today: chrono::NaiveDate) -> Option<LoadError> {
    catalog.problems.iter().find_map(|problem| {
        let LoadError::LocalPack { playbook, .. } = problem else {
            return None;
        };
        let source = catalog::read_source(Path::new(playbook)).ok()?;
        let doc = catalog::parse_playbook(&source).ok()?;
        (doc.id.value == id)
            .then(|| catalog::check_playbook_file(&source, &catalog.library, today).err())
            .flatten()
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
    let library = catalog::library_for(&source, &catalog.library, today)?;
    let (playbook, _) = catalog::compile_playbook(&source, &doc, &library, today)?;
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
    let whole = catalog.widened_for(created);
    let catalog = whole.as_ref().unwrap_or(catalog);
    let recorded = &created.playbook;
    if !recorded.path.starts_with("bundled:")
        && let Some(Resolved { playbook, source }) =
            recorded_file(Path::new(&recorded.path), catalog, today)?
    {
        return Ok(Resolved {
            playbook: playbook.with_extra_holidays(&created.holidays),
            source,
        });
    }
    catalog
        .playbook(&recorded.id)
        .map(|e| Resolved {
            playbook: e.playbook.clone().with_extra_holidays(&created.holidays),
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

/// The playbook at a journal's recorded path, when it is there and valid.
/// A broken clock pack beside it is an error, never passed over for the
/// catalog's playbook and its bundled clocks (see [`catalog::library_for`]).
fn recorded_file(
    path: &Path,
    catalog: &Catalog,
    today: chrono::NaiveDate,
) -> Result<Option<Resolved>, LoadError> {
    let Some(source) = path
        .is_file()
        .then(|| catalog::read_source(path).ok())
        .flatten()
    else {
        return Ok(None);
    };
    match catalog::check_playbook_file(&source, &catalog.library, today) {
        Ok((playbook, _)) => Ok(Some(Resolved { playbook, source })),
        Err(e @ LoadError::LocalPack { .. }) => Err(e),
        Err(_) => Ok(None),
    }
}

/// Settings for a new journal.
#[derive(Debug, Clone)]
pub struct NewJournal {
    pub path: Option<PathBuf>,
    pub title: Option<String>,
    pub exercise: bool,
    pub timezone: Tz,
    pub drill: Option<DrillRef>,
    /// Extra non-business days (config.toml), recorded in the journal.
    pub holidays: Vec<chrono::NaiveDate>,
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
    clock: &dyn TimeSource,
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
        holidays: settings.holidays,
    };
    let (mut file, first) = JournalFile::create(
        &path,
        who.draft(
            clock,
            Event::new(Payload::JournalCreated(Box::new(created))),
        ),
    )?;
    let started = file
        .append(who.draft(clock, session_started(mode)))
        .map_err(|e| OpenError::Io {
            path: path.clone(),
            error: std::io::Error::other(e),
        })?;
    Ok((file, vec![first, started]))
}

/// A journal of the bundled ransomware playbook created at `dir/j.jsonl`
/// by Dana, titled `title`, open to append to: what the commands' unit
/// tests write their entries into.
#[cfg(test)]
pub(crate) fn test_journal(
    dir: &Path,
    env: &super::Env,
    catalog: &Catalog,
    title: &str,
) -> (Resolved, JournalFile, Identity, PathBuf) {
    let resolved =
        resolve_playbook("ransomware-extortion", catalog, env.today).expect("bundled playbook");
    let path = dir.join("j.jsonl");
    let settings = NewJournal {
        path: Some(path.clone()),
        title: Some(title.into()),
        exercise: false,
        timezone: chrono_tz::UTC,
        drill: None,
        holidays: Vec::new(),
    };
    let who = Identity::new("Dana");
    let (file, _) =
        create_journal(&resolved, settings, &who, env.clock.as_ref(), "run").expect("journal");
    (resolved, file, who, path)
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

/// The `journal_created` payload the first line of `journal` holds, read
/// without verifying anything: only a hint of which playbook to look for
/// (see [`Catalog::discover_for`]), `None` when the line cannot be read.
pub fn peek_created(journal: &Path) -> Option<Created> {
    use std::io::Read as _;
    let file = crate::journal::attachment::open_regular(journal).ok()?;
    let mut head = Vec::with_capacity(PEEK_BYTES);
    file.take(PEEK_BYTES as u64).read_to_end(&mut head).ok()?;
    let end = memchr::memchr(b'\n', &head)?;
    let line = std::str::from_utf8(&head[..end]).ok()?;
    let entry = crate::journal::Entry::decode(line).ok()?;
    match entry.event().ok()?.payload {
        Payload::JournalCreated(created) => Some(*created),
        _ => None,
    }
}

/// Bytes read for [`peek_created`]: a `journal_created` line is well under.
const PEEK_BYTES: usize = 64 << 10;

/// The `journal_created` payload of verified lines, if the first line is one.
pub fn created_of(lines: &[Line]) -> Option<Created> {
    let first = lines.first()?;
    match first.entry.event().ok()?.payload {
        Payload::JournalCreated(c) => Some(*c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{Entry, Kind};

    fn session(seq: u64, actor: &str, host: &str) -> Line {
        let mut data = serde_json::Map::new();
        data.insert("host".into(), host.into());
        Line {
            entry: Entry {
                v: 1,
                seq,
                ts: chrono::DateTime::UNIX_EPOCH,
                mono_ms: 0,
                scenario_ms: None,
                session: "s".into(),
                actor: actor.into(),
                kind: Kind::SessionStarted,
                step: None,
                data,
                seen: None,
                prev: String::new(),
            },
            text: String::new(),
        }
    }

    #[test]
    fn d2_last_actor_on_this_host_not_another() {
        let lines = vec![
            session(0, "Dana Reyes", "laptop"),
            session(1, "Sam Ortiz", "desk"),
        ];
        assert_eq!(
            last_actor_on_host(&lines, "laptop").as_deref(),
            Some("Dana Reyes")
        );
        assert_eq!(
            last_actor_on_host(&lines, "desk").as_deref(),
            Some("Sam Ortiz")
        );
        assert_eq!(last_actor_on_host(&lines, "kiosk"), None);
    }

    fn entry(seq: u64, session_id: &str, kind: Kind) -> Line {
        let mut line = session(seq, "Dana Reyes", "laptop");
        line.entry.session = session_id.into();
        line.entry.kind = kind;
        line
    }

    #[test]
    fn friction_12_a_session_without_its_end_is_named_with_its_last_entry() {
        let mut lines = vec![
            entry(0, "a", Kind::SessionStarted),
            entry(1, "a", Kind::Note),
            entry(2, "a", Kind::SessionEnded),
            entry(3, "b", Kind::SessionStarted),
            entry(4, "b", Kind::StepDone),
        ];
        let notice = unexpected_end(&lines).expect("b never ended");
        assert!(notice.contains("ended unexpectedly"), "{notice}");
        assert!(notice.contains("#4 (step_done)"), "{notice}");
        lines.push(entry(5, "b", Kind::SessionEnded));
        assert_eq!(unexpected_end(&lines), None);
    }
}
