//! The team-case commands: `case new`, `case from`, `note`/`set`/`case
//! step` into a case, `resolve`, `status DIR`, `verify DIR` and `sync`.
//! Each responder writes only their own journal; every read is the merged
//! state of all journals (see `crate::case::merge`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::ahead::Ahead;
use super::{Env, Failure, Report};
use crate::case::folder::{self, CaseFile, CasePlaybook};
use crate::case::merge::{self, Merged};
use crate::case::replay::{self, Replayed};
use std::sync::Arc;

use crate::case::contested::Contested;
use crate::case::live::SyncOutcome;
use crate::case::sync::{self, Sent, SyncError, Transport};
use crate::case::{conflict, seen, witness};
use crate::catalog;
use crate::commands::open::{self, Resolved};
use crate::drill::ScenarioClock;
use crate::export::summary;
use crate::journal::event::{
    Created, DrillRef, EntryRef, FactSet, Note, Payload, PlaybookRef, Reason, Resolution, StepDone,
};
use crate::journal::identity::{Identity, new_id};
use crate::journal::writer::{JournalFile, hostname};
use crate::journal::{Event, Line};
use crate::playbook::{Drill, value};
use crate::run::{self, RunState, rules};

const APP_VERSION: &str = env!("CARGO_PKG_VERSION");

fn usage(e: impl std::fmt::Display) -> Failure {
    Failure::usage(e.to_string())
}

/// What `case new` needs.
#[derive(Debug, Clone)]
pub struct NewCase {
    pub playbook: String,
    pub dir: Option<PathBuf>,
    pub title: String,
    pub exercise: bool,
    pub timezone: Option<String>,
}

/// `runsheet case new`: the folder, `case.yaml` and the playbook copy.
pub fn new_case(env: &Env, args: NewCase) -> Result<PathBuf, Failure> {
    let (_, resolved) = open::discover_and_resolve(
        &args.playbook,
        &crate::paths::local_playbook_dirs(),
        env.today,
    )?;
    let zone = match args.timezone.as_deref() {
        Some(z) => z.parse::<chrono_tz::Tz>().map_err(|_| {
            Failure::usage(format!(
                "--timezone `{z}`: not an IANA zone (e.g. Europe/Amsterdam)"
            ))
        })?,
        None => env.config.incident_zone(resolved.playbook.timezone),
    };
    if args.title.trim().is_empty() {
        return Err(Failure::usage("--title must name the incident"));
    }
    let id = new_id(16);
    let dir = args
        .dir
        .unwrap_or_else(|| PathBuf::from(format!("{}-{id}", resolved.playbook.id)));
    let case = CaseFile {
        case: id,
        title: args.title.trim().to_string(),
        timezone: zone.name().to_string(),
        exercise: args.exercise,
        playbook: CasePlaybook {
            id: resolved.playbook.id.clone(),
            version: resolved.playbook.version.clone(),
            sha256: resolved.source.sha256.clone(),
            file: folder::PLAYBOOK_FILE.into(),
        },
    };
    folder::create(&dir, &case, resolved.source.text.as_bytes()).map_err(usage)?;
    Ok(dir)
}

/// `runsheet case from`: a solo journal becomes the first journal of a
/// new case, copied byte for byte (never rewritten).
pub fn case_from(env: &Env, journal: &Path, dir: &Path) -> Result<PathBuf, Failure> {
    let verified = open::read_journal(journal)?;
    if !verified.is_intact() {
        return Err(Failure::bad(format!(
            "{}: the journal does not verify; check it with `runsheet verify` first",
            journal.display()
        )));
    }
    let created = open::require_created(&verified.lines, journal)?;
    let resolved = open::playbook_for(&created, &env.catalog(), env.today)?;
    let actor = verified.lines[0].entry.actor.clone();
    let host = verified
        .lines
        .iter()
        .find_map(|l| match l.entry.event().map(|e| e.payload) {
            Ok(Payload::SessionStarted(s)) => Some(s.host),
            _ => None,
        })
        .unwrap_or_else(hostname);
    let case = CaseFile {
        case: created.journal_id.clone(),
        title: created.title.clone(),
        timezone: created.timezone.clone(),
        exercise: created.exercise,
        playbook: CasePlaybook {
            id: resolved.playbook.id.clone(),
            version: resolved.playbook.version.clone(),
            sha256: resolved.source.sha256.clone(),
            file: folder::PLAYBOOK_FILE.into(),
        },
    };
    folder::create(dir, &case, resolved.source.text.as_bytes()).map_err(usage)?;
    let target = folder::journal_path(dir, &folder::journal_id(&actor, &host));
    let bytes = std::fs::read(journal).map_err(|e| usage(format!("{}: {e}", journal.display())))?;
    let bytes = &bytes[..verified.verified_len];
    write_new(&target, bytes).map_err(|e| usage(format!("{}: {e}", target.display())))?;
    Ok(target)
}

fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The case's playbook: its own copy, whatever the local catalog holds.
pub(crate) fn case_playbook(env: &Env, dir: &Path, case: &CaseFile) -> Result<Resolved, Failure> {
    let path = dir.join(&case.playbook.file);
    let source = catalog::read_source(&path)?;
    let library = catalog::Catalog::bundled_library(env.today);
    let (playbook, _) = catalog::check_playbook(&source, &library, env.today)?;
    Ok(Resolved { playbook, source })
}

/// A case read for display: merged, replayed, with its conflicts.
#[derive(Debug)]
pub struct CaseView {
    pub case: CaseFile,
    pub resolved: Resolved,
    pub merged: Merged,
    pub feed: Vec<Line>,
    pub state: RunState,
    pub conflicts: Vec<conflict::Conflict>,
}

/// Reads every journal of a case and replays their merged order.
pub fn read_case(env: &Env, dir: &Path) -> Result<CaseView, Failure> {
    let case = folder::read(dir).map_err(usage)?;
    let resolved = case_playbook(env, dir, &case)?;
    let merged = Merged::new(merge::load(dir).map_err(usage)?);
    let feed = merged.feed();
    let state = run::replay(&resolved.playbook, feed.iter().map(|l| &l.entry));
    let conflicts = conflict::find(&merged);
    Ok(CaseView {
        case,
        resolved,
        merged,
        feed,
        state,
        conflicts,
    })
}

/// A responder's own journal in a case, open (locked) for appending.
struct CaseWriter {
    file: JournalFile,
    view: CaseView,
    /// Where each merged line comes from (`view.feed[i]` is `origins[i]`).
    origins: Vec<merge::At>,
    who: Identity,
    seen: Option<crate::journal::event::Seen>,
    /// A drill case's scenario clock: the entry is stamped on it and
    /// "now" for its values is its instant, as in the runner.
    scenario: Option<ScenarioClock>,
}

impl CaseWriter {
    fn open(env: &Env, dir: &Path, actor: Option<&str>) -> Result<Self, Failure> {
        let case = folder::read(dir).map_err(usage)?;
        let resolved = case_playbook(env, dir, &case)?;
        let who = Identity::new(super::journal::script_actor(env, actor, &[])?);
        let (file, id, _) = open_own(env, dir, &case, &resolved, &who, None)?;
        // Read after the lock is held: our own journal cannot move now.
        let journals = merge::load(dir).map_err(usage)?;
        let own: &[Line] = journals
            .iter()
            .find(|j| j.id == id)
            .map_or(&[], |j| &j.verified.lines);
        let seen = seen::to_record(&seen::declared(own), &seen::current(&journals, &id));
        let merged = Merged::new(journals);
        let (feed, origins) = merged.feed_from();
        let state = run::replay(&resolved.playbook, feed.iter().map(|l| &l.entry));
        let conflicts = conflict::find(&merged);
        let scenario = crate::drill::journal_clock(&state);
        Ok(Self {
            file,
            origins,
            scenario,
            view: CaseView {
                case,
                resolved,
                merged,
                feed,
                state,
                conflicts,
            },
            who,
            seen,
        })
    }

    /// "Now" for the values written: the scenario instant in a drill case.
    fn now(&self, env: &Env) -> chrono::DateTime<chrono::Utc> {
        crate::drill::now_on(self.scenario.as_ref(), env.clock.now())
    }

    /// Appends `event` inside a session of its own, as the commands on a
    /// solo journal do: `verify` proves a journal's tail complete up to
    /// its last session end.
    fn append(mut self, env: &Env, event: Event) -> Result<String, Failure> {
        let path = self.file.path().display().to_string();
        let scenario = self.scenario.as_ref();
        let who = &self.who;
        let draft = |event| crate::drill::stamped(scenario, who.draft(env.clock.as_ref(), event));
        let failed = |e: crate::journal::writer::WriteError| {
            usage(format!(
                "{path}: write failed, the entry was not saved: {e}"
            ))
        };
        self.file
            .append(draft(open::session_started("cli")))
            .map_err(failed)?;
        let line = self
            .file
            .append_seen(draft(event), self.seen.take())
            .map_err(failed)?;
        let ended = Event::new(Payload::SessionEnded(crate::journal::event::SessionEnded {
            reason: "cli".into(),
        }));
        self.file.append(draft(ended)).map_err(|e| {
            usage(format!(
                "{path}: the entry was saved as #{}, but ending the session failed: {e}",
                line.entry.seq
            ))
        })?;
        Ok(format!(
            "saved: {} entry {} ({})\n",
            path, line.entry.seq, line.entry.kind
        ))
    }
}

/// Opens (locks) this responder's journal in the case, creating it on
/// first use; returns it, its id, and messages about recovered writes.
/// Every command that writes to a case comes through here, so this is
/// where a clone an interrupted sync left half done is refused.
fn open_own(
    env: &Env,
    dir: &Path,
    case: &CaseFile,
    resolved: &Resolved,
    who: &Identity,
    drill: Option<DrillRef>,
) -> Result<(JournalFile, String, Vec<String>), Failure> {
    let id = folder::journal_id(&who.actor, &hostname());
    let path = folder::journal_path(dir, &id);
    sync::refuse_unfinished(dir, &path).map_err(usage)?;
    let opened = open_or_create(env, case, resolved, who, drill, &id, &path)?;
    // Again with the lock held: a sync stopped between the first check and
    // the lock leaves the clone half done.
    sync::refuse_unfinished(dir, &path).map_err(usage)?;
    Ok(opened)
}

/// Opens (locks) journal `id` at `path`, creating it with its first entry
/// when absent, without [`sync::refuse_unfinished`]'s check: for the sync
/// that finishes what an interrupted one left.
fn open_or_create(
    env: &Env,
    case: &CaseFile,
    resolved: &Resolved,
    who: &Identity,
    drill: Option<DrillRef>,
    id: &str,
    path: &Path,
) -> Result<(JournalFile, String, Vec<String>), Failure> {
    let mut notices = Vec::new();
    let file = if path.exists() {
        let opened = JournalFile::open(path)?;
        let mut file = opened.file;
        for recovery in opened.recoveries {
            notices.push(format!(
                "Recovered an interrupted write: {} bytes were quarantined in {}.",
                recovery.bytes, recovery.file
            ));
            file.append(who.draft(env.clock.as_ref(), Event::new(Payload::Recovery(recovery))))
                .map_err(|e| usage(format!("{}: {e}", path.display())))?;
        }
        file
    } else {
        let created = Created {
            journal_id: case.case.clone(),
            playbook: PlaybookRef {
                id: case.playbook.id.clone(),
                version: case.playbook.version.clone(),
                path: case.playbook.file.clone(),
                sha256: resolved.source.sha256.clone(),
            },
            title: case.title.clone(),
            timezone: case.timezone.clone(),
            exercise: case.exercise,
            app_version: APP_VERSION.to_string(),
            drill,
            holidays: env.config.holidays(),
        };
        let first = who.draft(
            env.clock.as_ref(),
            Event::new(Payload::JournalCreated(Box::new(created))),
        );
        JournalFile::create(path, first)?.0
    };
    Ok((file, id.to_string(), notices))
}

/// `runsheet run --case DIR`: the runner over the merged case, writing
/// this responder's own journal (each entry with its `seen` heads).
pub fn run_case(
    env: &Env,
    dir: &Path,
    actor: Option<&str>,
) -> Result<crate::runtime::Outcome, Failure> {
    let actor = super::journal::script_actor(env, actor, &[])?;
    let core = case_runner(env, dir, actor, None)?;
    crate::runtime::run_runner(core, &super::tui::theme(env))
        .map_err(|e| super::tui::io_failure(&e))
}

/// `runsheet drill SCENARIO --case DIR`: the facilitator's runner in an
/// exercise case. The scenario is recorded in the facilitator's own
/// journal, and so are the injects and the scenario clock; participants
/// join with `run --case DIR` on their own machines, each in their own
/// journal, and the projector shows `review --follow DIR`.
pub fn drill_case(
    env: &Env,
    dir: &Path,
    scenario: &str,
    actor: Option<&str>,
) -> Result<crate::runtime::Outcome, Failure> {
    let actor = super::journal::script_actor(env, actor, &[])?;
    let core = case_runner(env, dir, actor, Some(scenario))?;
    crate::runtime::run_runner(core, &super::tui::theme(env))
        .map_err(|e| super::tui::io_failure(&e))
}

/// The drill `scenario` for the case: only in an exercise case, and only
/// a scenario written for the case's playbook.
fn case_drill(
    env: &Env,
    dir: &Path,
    case: &CaseFile,
    scenario: &str,
) -> Result<(Drill, DrillRef), Failure> {
    if !case.exercise {
        return Err(Failure::usage(format!(
            "{}: a drill runs only in an exercise case (create one with `runsheet case new … --exercise`)",
            dir.display()
        )));
    }
    let (drill, source) = super::tui::resolve_drill(scenario, &env.catalog())?;
    if drill.playbook != case.playbook.id {
        return Err(Failure::usage(format!(
            "drill `{}` runs playbook `{}`, but the case runs `{}`",
            drill.id, drill.playbook, case.playbook.id
        )));
    }
    let recorded = DrillRef {
        id: drill.id.clone(),
        path: source.recorded_path(),
        sha256: source.sha256.clone(),
    };
    Ok((drill, recorded))
}

/// The runner of `actor` in the case at `dir` (the facilitator's, with
/// `drill`): their own journal opened (created on first use) and locked,
/// a `session_started` written, the merged case replayed.
pub fn case_runner(
    env: &Env,
    dir: &Path,
    actor: String,
    drill: Option<&str>,
) -> Result<crate::runtime::Core, Failure> {
    let case = folder::read(dir).map_err(usage)?;
    let resolved = case_playbook(env, dir, &case)?;
    let drill = drill
        .map(|scenario| case_drill(env, dir, &case, scenario))
        .transpose()?;
    let who = Identity::new(actor);
    let recorded = drill.as_ref().map(|(_, r)| r.clone());
    let (mut file, id, mut banners) = open_own(env, dir, &case, &resolved, &who, recorded)?;
    let path = file.path().to_path_buf();
    if drill.is_some() {
        paused_after_crash(env, &mut file, &resolved, &who, &mut banners)?;
    }
    let mode = if drill.is_some() { "drill" } else { "run" };
    file.append(who.draft(env.clock.as_ref(), open::session_started(mode)))
        .map_err(|e| usage(format!("{}: {e}", path.display())))?;
    let journals = merge::load(dir).map_err(usage)?;
    let own: Vec<Line> = journals
        .iter()
        .find(|j| j.id == id)
        .map(|j| j.verified.lines.clone())
        .unwrap_or_default();
    let feed = Merged::new(journals.clone()).into_feed();
    let target = crate::case::target::CaseTarget::new(file, dir.to_path_buf(), id.clone(), &own);
    let pause = target.pause();
    let mut core = super::tui::runner_over(
        env,
        Box::new(target),
        &path,
        &feed,
        &resolved,
        who,
        banners,
        drill.map(|(d, _)| d),
    )?;
    core.app.join_case(
        crate::case::live::CaseLive::new(&id, journals),
        env.config.sync_every(),
    );
    let case_dir = dir.to_path_buf();
    let job: crate::runtime::SyncJob = Arc::new(move || {
        pause.around(|| match sync::sync(&case_dir, &id, &Transport::Remote) {
            Ok(_) => SyncOutcome::Ok,
            Err(SyncError::Unreachable { .. }) => SyncOutcome::Offline,
            Err(SyncError::Conflict(files)) => SyncOutcome::Conflict(files),
            Err(SyncError::Git(why)) => SyncOutcome::Failed(why),
            Err(
                other @ (SyncError::NotYours { .. }
                | SyncError::JournalBehind { .. }
                | SyncError::JournalForked { .. }
                | SyncError::Rewritten { .. }
                | SyncError::RemoteMoved { .. }
                | SyncError::Contradicted(_)),
            ) => SyncOutcome::Failed(other.to_string()),
        })
    });
    let watch_mode = if std::env::var_os("RUNSHEET_WATCH_POLL").is_some() {
        crate::case::watch::Mode::Poll
    } else {
        crate::case::watch::Mode::Notify
    };
    core.link_case(dir.to_path_buf(), watch_mode, job);
    Ok(core)
}

/// The facilitator's program died with the scenario clock running: as in
/// a solo drill, the clock is paused at the scenario time of the last
/// saved entry (journaled), so time away never advanced it.
fn paused_after_crash(
    env: &Env,
    file: &mut JournalFile,
    resolved: &Resolved,
    who: &Identity,
    banners: &mut Vec<String>,
) -> Result<(), Failure> {
    let path = file.path().to_path_buf();
    let own = open::read_journal(&path)?;
    let state = crate::run::replay(&resolved.playbook, own.lines.iter().map(|l| &l.entry));
    let last_scenario_ms = own.lines.iter().rev().find_map(|l| l.entry.scenario_ms);
    let Some(pause) = super::tui::crash_pause(&state, last_scenario_ms) else {
        return Ok(());
    };
    banners.push(format!(
        "The scenario clock was running when the last session ended; it is paused at {}. Press space to resume it.",
        crate::drill::format_scenario(pause.scenario_ms)
    ));
    file.append(who.draft(env.clock.as_ref(), Event::new(Payload::DrillControl(pause))))
        .map_err(|e| usage(format!("{}: {e}", path.display())))?;
    Ok(())
}

/// `runsheet note DIR TEXT`: a note in this responder's journal.
pub fn note(
    env: &Env,
    dir: &Path,
    actor: Option<&str>,
    text: &str,
    step: Option<&str>,
) -> Result<String, Failure> {
    if text.trim().is_empty() {
        return Err(Failure::usage("the note is empty"));
    }
    let writer = CaseWriter::open(env, dir, actor)?;
    check_step(&writer.view, step)?;
    let event = Event {
        step: step.map(str::to_string),
        payload: Payload::Note(Note {
            text: text.to_string(),
        }),
    };
    writer.append(env, event)
}

fn check_step(view: &CaseView, step: Option<&str>) -> Result<(), Failure> {
    match step {
        Some(s) if view.resolved.playbook.step(s).is_none() => Err(Failure::usage(format!(
            "playbook `{}` has no step `{s}`",
            view.resolved.playbook.id
        ))),
        _ => Ok(()),
    }
}

/// Parses `fact=value` against the case's playbook.
fn typed_fact(
    env: &Env,
    writer: &CaseWriter,
    assignment: &str,
) -> Result<(String, serde_json::Value), Failure> {
    let (def, value) = parsed_fact(env, writer, assignment)?;
    Ok((def.id.clone(), value.to_json()))
}

fn parsed_fact<'v>(
    env: &Env,
    writer: &'v CaseWriter,
    assignment: &str,
) -> Result<(&'v crate::playbook::FactDef, crate::playbook::FactValue), Failure> {
    let view = &writer.view;
    let (fact, raw) = assignment
        .split_once('=')
        .ok_or_else(|| Failure::usage(format!("expected FACT=VALUE, got `{assignment}`")))?;
    let fact = fact.trim();
    let playbook = &view.resolved.playbook;
    let def = playbook.fact(fact).ok_or_else(|| {
        Failure::usage(format!("playbook `{}` has no fact `{fact}`", playbook.id))
    })?;
    let value =
        value::parse_input(def, raw, writer.now(env), view.state.timezone()).map_err(|why| {
            Failure::usage(format!(
                "`{raw}` is not a valid value for `{fact}`, which expects {}: {why}",
                def.ty.describe(def.multiple)
            ))
        })?;
    Ok((def, value))
}

/// What `set DIR` records besides the value.
#[derive(Debug, Clone, Copy, Default)]
pub struct SetOptions<'a> {
    /// `--occurred-at`: when it became true, if not now.
    pub occurred_at: Option<&'a str>,
    /// `--confirm`: record a time that contradicts `not_before:`/`not_after:`.
    pub confirm: bool,
    /// `--rationale`: the fact is decided by a step; why.
    pub rationale: Option<&'a str>,
}

/// `runsheet set DIR fact=value`: the same rules as on a single journal
/// (`crate::run::rules`), checked against the merged state of the case: a
/// time in the future is refused, one that contradicts the playbook's
/// `not_before:`/`not_after:` (whoever recorded the other fact) needs
/// `--confirm`, and a fact a step decides needs `--rationale`.
pub fn set(
    env: &Env,
    dir: &Path,
    actor: Option<&str>,
    assignment: &str,
    options: SetOptions<'_>,
) -> Result<String, Failure> {
    let writer = CaseWriter::open(env, dir, actor)?;
    let (def, value) = parsed_fact(env, &writer, assignment)?;
    let now = writer.now(env);
    let tz = writer.view.state.timezone();
    let occurred_at = options
        .occurred_at
        .map(|t| value::parse_datetime(t, now, tz))
        .transpose()
        .map_err(|why| Failure::usage(format!("--occurred-at: {why}")))?;
    if let Some(at) = occurred_at {
        rules::not_in_future("--occurred-at", at, now, tz)
            .map_err(|r| Failure::usage(r.sentence()))?;
    }
    let confirmed = rules::fact_value(
        &writer.view.resolved.playbook.facts,
        def,
        &value,
        &writer.view.state,
        now,
        tz,
        options.confirm,
    )
    .map_err(|r| match r {
        rules::Refusal::Refused(why) => Failure::usage(why),
        rules::Refusal::Confirm(why) => {
            Failure::usage(format!("{why}; pass --confirm to record it anyway"))
        }
    })?;
    let playbook = &writer.view.resolved.playbook;
    let decided_by = playbook
        .steps()
        .find(|s| s.decide.as_ref().is_some_and(|d| d.fact == def.id))
        .map(|s| s.id.clone());
    let event = match (options.rationale, &decided_by) {
        (Some(rationale), _) => {
            super::journal::decision(def, &value, decided_by, rationale, &writer.who.actor)?
        }
        (None, Some(step)) => {
            return Err(Failure::usage(format!(
                "`{}` is decided in step `{step}`: a decision records why, so pass --rationale TEXT (the decider is --as)",
                def.id
            )));
        }
        (None, None) => Event::new(Payload::FactSet(FactSet {
            fact: def.id.clone(),
            value: value.to_json(),
            occurred_at,
            confirmed,
        })),
    };
    if options.rationale.is_some() && occurred_at.is_some() {
        return Err(Failure::usage(
            "a decision is recorded when it is taken: --occurred-at does not apply with --rationale",
        ));
    }
    let shown = format!("{} = {}\n", def.id, value.display(Some(def), tz));
    Ok(writer.append(env, event)? + &shown)
}

/// `runsheet correct DIR SEQ`: a correction of the entry at merged
/// position `seq` (the number `review DIR`, `status DIR` and every export
/// of the case show), written in this responder's journal. It names its
/// target by journal id and `seq` in that journal, as the runner's
/// corrections do: a merged position differs from machine to machine
/// while journals arrive.
pub fn correct(
    env: &Env,
    dir: &Path,
    actor: Option<&str>,
    seq: u64,
    fields: &[String],
    reason: &str,
) -> Result<String, Failure> {
    let pairs = super::journal::field_pairs(fields)?;
    let writer = CaseWriter::open(env, dir, actor)?;
    let found = writer.view.feed.iter().position(|l| l.entry.seq == seq);
    let (Some(target), Some(at)) = (
        found.and_then(|i| writer.view.feed.get(i)),
        found.and_then(|i| writer.origins.get(i)),
    ) else {
        return Err(usage(format!(
            "{} has no entry #{seq} (as `runsheet review {}` numbers them)",
            dir.display(),
            dir.display()
        )));
    };
    let journal = writer
        .view
        .merged
        .journals
        .get(at.journal)
        .ok_or_else(|| usage(format!("{}: entry #{seq} has no journal", dir.display())))?;
    let own_seq = journal
        .verified
        .lines
        .get(at.line)
        .map(|l| l.entry.seq)
        .ok_or_else(|| usage(format!("{}: entry #{seq} has no line", dir.display())))?;
    let corrected = rules::correction_fields(target.entry.kind, &pairs, reason)
        .map_err(|r| usage(format!("entry #{seq}: {r}")))?;
    let event = Event {
        step: target.entry.step.clone(),
        payload: Payload::Correction(Box::new(crate::journal::event::Correction {
            corrects: own_seq,
            journal: Some(journal.id.clone()),
            reason: reason.trim().to_string(),
            value: None,
            occurred_at: None,
            fields: corrected,
        })),
    };
    writer.append(env, event)
}

/// What `case step` does to a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StepAction {
    Start,
    Done,
    Skip,
}

/// `runsheet case step DIR STEP start|done|skip`.
pub fn step(
    env: &Env,
    dir: &Path,
    actor: Option<&str>,
    step: &str,
    action: StepAction,
    reason: Option<&str>,
) -> Result<String, Failure> {
    let writer = CaseWriter::open(env, dir, actor)?;
    check_step(&writer.view, Some(step))?;
    let payload = match action {
        StepAction::Start => Payload::StepStarted(crate::journal::event::Empty {}),
        StepAction::Done => Payload::StepDone(StepDone { note: None }),
        StepAction::Skip => Payload::StepSkipped(Reason {
            reason: reason
                .filter(|r| !r.trim().is_empty())
                .ok_or_else(|| Failure::usage("skipping a step needs --reason"))?
                .to_string(),
        }),
    };
    writer.append(env, Event::on_step(step, payload))
}

/// What `case submit` records: a notification sent or a statement
/// published, for a step.
#[derive(Debug, Clone, Default)]
pub struct Submit {
    pub step: String,
    pub channel: String,
    pub recipient: String,
    pub reference: Option<String>,
    /// When it was sent (default: now), in the incident's zone.
    pub sent_at: Option<String>,
    pub backdated_reason: Option<String>,
    pub override_reason: Option<String>,
}

/// `runsheet case submit DIR STEP`: a submission in this responder's
/// journal, under the rules the runner's dialog applies
/// (`crate::run::rules::submission`): not in the future, late or before
/// its draft only with a reason, an unapproved statement only with an
/// override reason. It meets the stages of the step's clocks that apply
/// in the merged state.
pub fn submit(
    env: &Env,
    dir: &Path,
    actor: Option<&str>,
    args: &Submit,
) -> Result<String, Failure> {
    let writer = CaseWriter::open(env, dir, actor)?;
    check_step(&writer.view, Some(&args.step))?;
    let (channel, recipient) = (args.channel.trim(), args.recipient.trim());
    if channel.is_empty() || recipient.is_empty() {
        return Err(Failure::usage(
            "--channel and --recipient must name where it went",
        ));
    }
    let playbook = &writer.view.resolved.playbook;
    let state = &writer.view.state;
    let Some(step) = playbook.step(&args.step) else {
        return Err(Failure::usage(format!(
            "playbook `{}` has no step `{}`",
            playbook.id, args.step
        )));
    };
    let now = writer.now(env);
    let tz = state.timezone();
    let sent_at = match args.sent_at.as_deref() {
        Some(t) => value::parse_datetime(t, now, tz)
            .map_err(|why| Failure::usage(format!("--sent-at: {why}")))?,
        None => now,
    };
    let draft = state.latest_draft(&step.id);
    let version = draft.map(|d| d.data.version);
    let unapproved =
        step.statement.is_some() && version.is_none_or(|v| !state.is_approved(&step.id, v));
    let times = rules::SubmissionTimes {
        sent_at,
        drafted_at: draft.map(|d| d.at.ts),
        backdate_reason: args.backdated_reason.as_deref().unwrap_or_default(),
        unapproved,
        override_reason: args.override_reason.as_deref().unwrap_or_default(),
    };
    let reasons = rules::submission(&times, now, tz).map_err(|(field, refused)| {
        let flag = match field {
            rules::SubmissionField::SentAt => "--sent-at",
            rules::SubmissionField::Backdate => "--backdated-reason",
            rules::SubmissionField::Override => "--override-reason",
        };
        Failure::usage(format!("{flag}: {}", refused.sentence()))
    })?;
    let refs: Vec<String> = step.satisfies.iter().map(ToString::to_string).collect();
    let stages = crate::clocks::applicable_stages(playbook, state, refs.iter().map(String::as_str));
    let event = Event::on_step(
        step.id.clone(),
        Payload::Submission(Box::new(crate::journal::event::Submission {
            stages,
            channel: channel.to_string(),
            recipient: recipient.to_string(),
            reference: args.reference.clone().filter(|r| !r.trim().is_empty()),
            sent_at,
            backdated_reason: reasons.backdated_reason,
            version,
            url: None,
            override_reason: reasons.override_reason,
        })),
    );
    writer.append(env, event)
}

/// `runsheet resolve DIR fact=value --reason R` (or `--role role=person`):
/// settles an open conflict with a journaled resolution.
pub fn resolve(
    env: &Env,
    dir: &Path,
    actor: Option<&str>,
    assignment: &str,
    role: bool,
    reason: &str,
) -> Result<String, Failure> {
    if reason.trim().is_empty() {
        return Err(Failure::usage(
            "--reason must say why this value was chosen",
        ));
    }
    let writer = CaseWriter::open(env, dir, actor)?;
    let (about, key, value) = if role {
        let (r, person) = assignment
            .split_once('=')
            .ok_or_else(|| Failure::usage(format!("expected ROLE=PERSON, got `{assignment}`")))?;
        (
            "role",
            r.trim().to_string(),
            serde_json::Value::String(person.trim().to_string()),
        )
    } else {
        let (fact, value) = typed_fact(env, &writer, assignment)?;
        ("fact", fact, value)
    };
    let conflict = writer
        .view
        .conflicts
        .iter()
        .find(|c| c.about == about && c.key == key)
        .ok_or_else(|| Failure::usage(format!("there is no open conflict on {about} `{key}`")))?;
    let resolves = conflict
        .entries
        .iter()
        .map(|e| EntryRef {
            journal: e.journal.clone(),
            seq: e.seq,
        })
        .collect();
    writer.append(
        env,
        Event::new(Payload::Resolution(Box::new(Resolution {
            about: about.to_string(),
            key,
            value,
            reason: reason.trim().to_string(),
            resolves,
        }))),
    )
}

/// `runsheet status DIR [--json]`: the merged state; exit 1 when a journal
/// fails verification or a `seen` head is contradicted.
pub fn status(env: &Env, dir: &Path, json: bool) -> Result<Report, Failure> {
    let case = folder::read(dir).map_err(usage)?;
    // A summary keeps no notes: their text is not even decoded.
    let loaded = replay::load(dir).map_err(usage)?.for_summary();
    // Who did what as `actor@host`, as review and every export say it.
    // Each entry's strings move into the state as it is replayed. Nothing
    // of a line is shown: each journal is read as a replay reads it.
    let mut state = RunState::for_summary().naming_writers();
    let (resolved, replayed) = std::thread::scope(|scope| {
        // The playbook is checked while the journals are read; the replay
        // waits for it at its first line.
        let mut resolved = Ahead::start(scope, || case_playbook(env, dir, &case));
        let replayed = loaded.replay(|line| {
            if let Ok(r) = resolved.get() {
                state.apply_typed(&r.playbook, line.entry);
            }
        });
        (resolved.into_value(), replayed)
    });
    let resolved = resolved?;
    let replayed = replayed.map_err(usage)?;
    // A contradicted case is stated as every other view states it: the
    // rewritten journal cut where what others confirmed ends.
    let confirmed = if replayed.contradictions.is_empty() {
        None
    } else {
        let (confirmed_state, confirmed) = confirmed_case(dir, &resolved)?;
        state = confirmed_state;
        Some(confirmed)
    };
    if replayed.journals.is_empty() && !json {
        // Nothing to merge: say so, rather than a summary of nothing with
        // a blank title and the hash of no bytes.
        let text = format!(
            "{}{} · playbook {} {}\nno responder has written in this case yet ({} holds no journal)\njoin it with: runsheet run --case {} --as NAME\n",
            case.title,
            if case.exercise { " · EXERCISE" } else { "" },
            case.playbook.id,
            case.playbook.version,
            folder::journals_dir(dir).display(),
            dir.display()
        );
        return Ok((text, 0).into());
    }
    let torn = replayed.journals.iter().map(|j| j.torn_tail).sum();
    let problem = case_problem(&replayed, confirmed.as_ref());
    let code = u8::from(problem.is_some());
    let failure = problem.as_deref().map(|p| {
        let said = super::status::does_not_verify(dir, p);
        match broken_line(dir, &replayed, p) {
            Some(at) => format!("{at}: {said}"),
            None => said,
        }
    });
    let about = case_json(&case, &replayed);
    let head = replayed.case_head();
    let tally = crate::journal::verify::Tally {
        entries: confirmed.as_ref().map_or(replayed.fed, |c| c.lines),
        head_hash: Some(head),
        verified_len: 0,
        broken: problem.clone().map(|reason| crate::journal::verify::Break {
            line: 0,
            seq: 0,
            reason,
        }),
        torn_tail: torn,
    };
    // A drill case's clocks at the scenario time of its last entry, as in
    // a single drill journal's `status`.
    run::times_ahead::add_warnings(&mut state, &resolved.playbook, env.clock.now());
    let now = crate::drill::clocks_now(&state, env.clock.now());
    let mut summary = summary::summarise_tally(&tally, &resolved.playbook, &state, now);
    summary.journal.id.clone_from(&case.case);
    // The problem names its journal and that journal's own line: the
    // tally's break has no line of its own in the merged order.
    summary.journal.problem = problem;
    let timezone = state.timezone();
    super::free_in_background(state);
    if json {
        let mut value = serde_json::to_value(&summary).map_err(usage)?;
        if let serde_json::Value::Object(map) = &mut value {
            map.insert("case".into(), about);
            map.insert(
                "conflicts".into(),
                serde_json::to_value(&replayed.conflicts).map_err(usage)?,
            );
        }
        let mut text = serde_json::to_string_pretty(&value).unwrap_or_default();
        text.push('\n');
        return Ok(Report {
            text,
            code,
            problem: failure,
        });
    }
    let contested = Contested::new(&replayed.conflicts, &resolved.playbook, timezone);
    let marks = super::status::CaseMarks {
        contested: &contested,
        playbook: &resolved.playbook,
    };
    let mut text = super::status::render_case_text(&summary, timezone, marks);
    responders_and_conflicts(&mut text, &replayed, confirmed.as_ref(), &contested);
    Ok(Report {
        text,
        code,
        problem: failure,
    })
}

/// The end of a case's `status` text: each responder's journal, and the
/// conflicts still open, both sides of each named.
fn responders_and_conflicts(
    text: &mut String,
    replayed: &Replayed,
    confirmed: Option<&Confirmed>,
    contested: &Contested,
) {
    let _ = writeln!(text, "\nresponders:");
    for j in &replayed.journals {
        let noun = if j.entries == 1 { "entry" } else { "entries" };
        let _ = write!(text, "  {} · {} {noun}", j.id, j.entries);
        match confirmed.and_then(|c| c.excluded.get(&j.id)) {
            Some(excluded) => {
                let _ = writeln!(text, " · excluded from {excluded}");
            }
            None => text.push('\n'),
        }
    }
    if contested.is_empty() {
        let _ = writeln!(text, "conflicts: none");
    } else {
        let _ = writeln!(text, "conflicts (settle with `runsheet resolve`):");
        for row in contested.rows() {
            let _ = writeln!(text, "  {row}");
        }
    }
}

/// The first thing that keeps the case from verifying, named by its
/// journal and that journal's own line; for a contradicted case, as the
/// other views state it.
fn case_problem(replayed: &Replayed, confirmed: Option<&Confirmed>) -> Option<String> {
    let broken = || {
        replayed
            .journals
            .iter()
            .find_map(|j| j.broken.as_ref().map(|b| witness::break_problem(&j.id, b)))
    };
    let contradicted = || {
        replayed
            .contradictions
            .first()
            .map(witness::Contradiction::as_problem)
    };
    confirmed
        .and_then(|c| c.problem.clone())
        .or_else(broken)
        .or_else(contradicted)
}

/// `path:line` of the broken line when `problem` is a journal's break
/// (the file to open, as for any file error), else `None`.
fn broken_line(dir: &Path, replayed: &Replayed, problem: &str) -> Option<String> {
    replayed.journals.iter().find_map(|j| {
        let at = j.broken.as_ref()?;
        (witness::break_problem(&j.id, at) == problem)
            .then(|| format!("{}:{}", folder::journal_path(dir, &j.id).display(), at.line))
    })
}

/// What `status` states of a case a `seen` head contradicts.
struct Confirmed {
    /// How many merged lines are kept.
    lines: usize,
    /// By journal id: where its excluded part starts, and why.
    excluded: std::collections::BTreeMap<String, String>,
    /// The case's problem as the other views state it.
    problem: Option<String>,
}

/// The state of a contradicted case as review and every export read it
/// ([`crate::case::views::load`]): one rule for every view, so they state
/// the same facts and deadlines from the same files.
fn confirmed_case(dir: &Path, resolved: &Resolved) -> Result<(RunState, Confirmed), Failure> {
    let merged = crate::case::views::load(dir).map_err(usage)?;
    let excluded = merged
        .journals
        .iter()
        .filter_map(|j| {
            let at = j.verified.broken.as_ref()?;
            Some((
                j.id.clone(),
                format!("line {} (seq {}): {}", at.line, at.seq, at.reason),
            ))
        })
        .collect();
    let verified = crate::case::views::verified(merged);
    let created = open::require_created(&verified.lines, dir)?;
    let playbook = resolved
        .playbook
        .clone()
        .with_extra_holidays(&created.holidays);
    let state = crate::case::views::replay(&playbook, &verified);
    let confirmed = Confirmed {
        lines: verified.lines.len(),
        excluded,
        problem: verified.broken.map(|b| b.reason),
    };
    Ok((state, confirmed))
}

fn case_json(case: &CaseFile, replayed: &Replayed) -> serde_json::Value {
    let journals: Vec<serde_json::Value> = replayed
        .journals
        .iter()
        .map(|j| {
            serde_json::json!({
                "id": j.id,
                "entries": j.entries,
                "head_hash": j.head.as_ref().map(|(_, hash)| hash),
                "intact": j.is_intact(),
            })
        })
        .collect();
    serde_json::json!({
        "id": case.case,
        "journals": journals,
        "case_head": replayed.case_head(),
    })
}

/// `runsheet verify DIR`: every journal, then every `seen` head against
/// the journal it names; each head and the case head.
pub fn verify(dir: &Path) -> Result<(String, u8), Failure> {
    folder::read(dir).map_err(usage)?;
    let merged = Merged::new(merge::load(dir).map_err(usage)?);
    let mut out = String::new();
    let mut bad = false;
    for j in &merged.journals {
        match (&j.verified.broken, j.head()) {
            (Some(b), _) => {
                bad = true;
                let _ = writeln!(
                    out,
                    "BROKEN {}: {}:{} (seq {}): {}",
                    j.id,
                    folder::journal_path(dir, &j.id).display(),
                    b.line,
                    b.seq,
                    b.reason
                );
            }
            (None, Some((seq, hash))) => {
                let _ = writeln!(
                    out,
                    "intact {}: {} entries, head seq {seq} {hash}",
                    j.id,
                    seq + 1
                );
            }
            (None, None) => {
                let _ = writeln!(out, "empty {}", j.id);
            }
        }
        if j.verified.torn_tail > 0 {
            let _ = writeln!(
                out,
                "  {} bytes of an unfinished line at the end (a write in progress or a partial copy)",
                j.verified.torn_tail
            );
        }
    }
    let contradictions = witness::check(&merged.journals);
    for c in &contradictions {
        bad = true;
        let _ = writeln!(out, "CONTRADICTED {c}");
    }
    let past_breaks = witness::past_breaks(&merged.journals);
    for past in &past_breaks {
        let _ = writeln!(out, "not checked: {past}");
    }
    match (contradictions.is_empty(), past_breaks.is_empty()) {
        (true, true) => {
            let _ = writeln!(out, "cross-witnessing: every seen head matches");
        }
        (true, false) => {
            let _ = writeln!(
                out,
                "cross-witnessing: every seen head that can be checked matches"
            );
        }
        (false, _) => {}
    }
    // A case that does not fully verify has a head over what verified
    // only: never one to paste into a ticket as the case's anchor.
    let label = if bad {
        "case head of the verified part"
    } else {
        "case head"
    };
    let _ = writeln!(out, "{label}: {}", merged.case_head());
    Ok((out, u8::from(bad)))
}

/// `runsheet sync DIR`: commit this responder's files, pull --rebase, push.
pub fn sync_case(
    env: &Env,
    dir: &Path,
    actor: Option<&str>,
    transport: &Transport,
) -> Result<String, Failure> {
    let case = folder::read(dir).map_err(usage)?;
    let who = super::journal::script_actor(env, actor, &[])?;
    let id = folder::journal_id(&who, &hostname());
    // A rebase replaces the journal's file: a runner writing it meanwhile
    // would write to the replaced file. Held (locked, an interrupted write
    // recovered) for the sync; a runner that has it open syncs itself.
    let _held = if folder::journal_path(dir, &id).exists() {
        let resolved = case_playbook(env, dir, &case)?;
        let who = Identity::new(who.clone());
        let path = folder::journal_path(dir, &id);
        let opened = open_or_create(env, &case, &resolved, &who, None, &id, &path);
        let (file, _, _) = opened.map_err(|mut f| {
            if f.message.contains("already open") {
                f.message
                    .push_str("; a runner has it open: sync from the runner (its sync key)");
            }
            f
        })?;
        Some(file)
    } else {
        None
    };
    let done = sync::sync(dir, &id, transport).map_err(|e| Failure {
        code: e.exit_code(),
        message: format!("sync: {e}"),
    })?;
    let mut said = vec![if done.committed {
        "committed your entries".to_string()
    } else {
        "nothing new to commit".to_string()
    }];
    said.extend(received(&done.received));
    if done.sent_earlier > 0 {
        said.push(format!(
            "sent {} made earlier",
            count(done.sent_earlier, "commit", "commits")
        ));
    }
    let said = said.join(", ");
    let mut out = format!("synced: {said}{}\n", sent(&done.sent, dir));
    out.push_str(&contradiction_warnings(dir));
    Ok(out)
}

/// A warning line for each `seen` record the case as synced contradicts:
/// a journal received rewritten after someone had read it.
fn contradiction_warnings(dir: &Path) -> String {
    let Ok(journals) = merge::load(dir) else {
        return String::new();
    };
    let mut out = String::new();
    for c in witness::check(&journals) {
        let _ = writeln!(
            out,
            "warning: {c}; `runsheet verify {}` says more",
            dir.display()
        );
    }
    out
}

/// The end of the sync line: where the case went, or why nowhere.
fn sent(sent: &Sent, dir: &Path) -> String {
    match sent {
        Sent::Remote(to) => format!(", up to date with {to}"),
        // A bundle is written whole, not brought up to date with anything.
        Sent::Bundle {
            file,
            branch,
            commits,
            entries,
            journals,
        } => format!(
            ", wrote {} (the whole history of {branch}, holding {} in {}) to the bundle {file}",
            count(*commits, "commit", "commits"),
            count(*entries, "entry", "entries"),
            count(*journals, "journal", "journals")
        ),
        Sent::NoRemote => " (no remote to send to)".to_string(),
        Sent::TookInBundle {
            remote: Some(remote),
        } => format!(
            "; took in the bundle and sent nothing: run `runsheet sync {}` to send to {remote}",
            dir.display()
        ),
        Sent::TookInBundle { remote: None } => {
            "; took in the bundle and sent nothing (no remote to send to)".to_string()
        }
    }
}

/// "received N entries from X, Y", or nothing when none came.
fn received(received: &[(String, usize)]) -> Option<String> {
    let total: usize = received.iter().map(|(_, n)| n).sum();
    let from: Vec<&str> = received.iter().map(|(id, _)| id.as_str()).collect();
    (total > 0).then(|| {
        format!(
            "received {} from {}",
            count(total, "entry", "entries"),
            from.join(", ")
        )
    })
}

/// "1 entry", "3 entries".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `note`, `set`, `status` and `verify` given a case folder instead of a
/// journal: the case's version of the command, else `None`.
pub fn on_case_folder(env: &Env, command: &crate::cli::Command) -> Result<Option<Report>, Failure> {
    use crate::cli::Command;
    let done = match command {
        Command::Status { journal, json } if folder::is_case(journal) => {
            status(env, journal, *json)?
        }
        Command::Verify { journal, .. } if folder::is_case(journal) => verify(journal)?.into(),
        Command::Note {
            journal,
            text,
            actor,
            step,
            ..
        } if folder::is_case(journal) => (
            note(env, journal, actor.as_deref(), text, step.as_deref())?,
            0,
        )
            .into(),
        Command::Set {
            journal,
            assignment,
            actor,
            occurred_at,
            correct,
            confirm,
            rationale,
            ..
        } if folder::is_case(journal) => {
            if *correct {
                return Err(Failure::usage(
                    "in a case folder, `set` records a new value (--correct works on a single journal)",
                ));
            }
            let options = SetOptions {
                occurred_at: occurred_at.as_deref(),
                confirm: *confirm,
                rationale: rationale.as_deref(),
            };
            (set(env, journal, actor.as_deref(), assignment, options)?, 0).into()
        }
        Command::Correct {
            journal,
            seq,
            fields,
            reason,
            actor,
        } if folder::is_case(journal) => (
            correct(env, journal, actor.as_deref(), *seq, fields, reason)?,
            0,
        )
            .into(),
        _ => return Ok(None),
    };
    Ok(Some(done))
}

/// `case …`, `resolve` and `sync`.
pub fn run(env: &Env, command: crate::cli::Command) -> Result<(String, u8), Failure> {
    use crate::cli::{CaseCommand, Command};
    let text = match command {
        Command::Case {
            action:
                CaseCommand::New {
                    playbook,
                    dir,
                    title,
                    exercise,
                    timezone,
                },
        } => {
            let dir = new_case(
                env,
                NewCase {
                    playbook,
                    dir,
                    title,
                    exercise,
                    timezone,
                },
            )?;
            format!("{}\n", dir.display())
        }
        Command::Case {
            action: CaseCommand::From { journal, dir },
        } => format!("{}\n", case_from(env, &journal, &dir)?.display()),
        Command::Case {
            action:
                CaseCommand::Step {
                    dir,
                    step: id,
                    action,
                    reason,
                    actor,
                },
        } => step(env, &dir, actor.as_deref(), &id, action, reason.as_deref())?,
        Command::Case {
            action:
                CaseCommand::Submit {
                    dir,
                    step,
                    channel,
                    recipient,
                    reference,
                    sent_at,
                    backdated_reason,
                    override_reason,
                    actor,
                },
        } => {
            let args = Submit {
                step,
                channel,
                recipient,
                reference,
                sent_at,
                backdated_reason,
                override_reason,
            };
            submit(env, &dir, actor.as_deref(), &args)?
        }
        Command::Resolve {
            dir,
            assignment,
            role,
            reason,
            actor,
        } => resolve(env, &dir, actor.as_deref(), &assignment, role, &reason)?,
        Command::Sync {
            dir,
            actor,
            bundle_out,
            bundle_in,
        } => {
            let transport = match (bundle_out, bundle_in) {
                (Some(file), _) => {
                    // The bundle is written whole over `file`: never over
                    // a journal or a file the case's journals cover.
                    super::guard::refuse_covered_output(
                        &file,
                        &dir,
                        "a bundle never replaces a file of the case",
                    )?;
                    Transport::BundleOut(file)
                }
                (None, Some(file)) => Transport::BundleIn(file),
                (None, None) => Transport::Remote,
            };
            sync_case(env, &dir, actor.as_deref(), &transport)?
        }
        other => {
            return Err(Failure::usage(format!("`{other:?}` is not a case command")));
        }
    };
    Ok((text, 0))
}
