//! `run`, `resume`, `drill` and the picker: everything that opens the
//! terminal interface. Journals are created or opened (and recovered) here,
//! before the interface starts; from then on only the writer thread writes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::ahead::Ahead;
use super::{Env, Failure};
use crate::app::key_config::{self, ModeKeys};
use crate::app::keymap::Keymap;
use crate::app::picker::{Choice, DrillItem, JournalItem, Picker, PlaybookItem};
use crate::app::saved_lines::SavedLines;
use crate::app::{App, Pane};
use crate::catalog::{self, Catalog, Origin};
use crate::commands::open::{self, NewJournal, Resolved};
use crate::drill::DrillState;
use crate::journal::event::{DrillRef, Payload};
use crate::journal::identity::Identity;
use crate::journal::writer::{JournalFile, WriteError};
use crate::journal::{Event, Line};
use crate::playbook::Drill;
use crate::run;
use crate::runtime::{self, Core, Opening, Outcome};
use crate::ui::Theme;

pub(crate) fn theme(env: &Env) -> Theme {
    Theme::new(env.config.theme, env.config.colour())
}

/// Every mode's keys with the config's overrides; a bad override names
/// the config file, line and column.
fn keys(env: &Env) -> Result<(Keymap, ModeKeys), Failure> {
    key_config::bind(&env.config.keys).map_err(|e| {
        Failure::usage(format!(
            "{}:{e}",
            crate::config::Config::default_path().display()
        ))
    })
}

/// An open journal turned into a ready runner.
fn runner(
    env: &Env,
    file: JournalFile,
    lines: &[Line],
    resolved: &Resolved,
    who: Identity,
    banners: Vec<String>,
    drill: Option<Drill>,
) -> Result<Core, Failure> {
    let path = file.path().to_path_buf();
    runner_over(
        env,
        Box::new(file),
        &path,
        lines,
        resolved,
        who,
        banners,
        drill,
    )
}

/// [`runner`] over any journal target (a team case's writer records `seen`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn runner_over(
    env: &Env,
    target: Box<dyn crate::journal::writer::Append>,
    path: &Path,
    lines: &[Line],
    resolved: &Resolved,
    who: Identity,
    banners: Vec<String>,
    drill: Option<Drill>,
) -> Result<Core, Failure> {
    let prepared = RunnerPlaybook::new(resolved, open::created_of(lines).as_ref())?;
    let saved = SavedLines::of(&prepared.playbook, lines);
    runner_replayed(env, target, path, prepared, saved, who, banners, drill)
}

/// The playbook as the runner replays and runs it: with the holidays the
/// journal recorded when it was created (so the runner, status, review and
/// export compute the same due times) and the local contacts.
struct RunnerPlaybook {
    playbook: crate::playbook::Playbook,
    contacts_file: PathBuf,
    /// Local contacts the playbook does not have.
    unknown: Vec<String>,
}

impl RunnerPlaybook {
    fn new(
        resolved: &Resolved,
        created: Option<&crate::journal::event::Created>,
    ) -> Result<Self, Failure> {
        let holidays = created.map(|c| c.holidays.clone()).unwrap_or_default();
        let mut playbook = resolved.playbook.clone().with_extra_holidays(&holidays);
        let contacts_file = crate::paths::config_dir().join("contacts.yaml");
        // Never the real numbers of the local contacts file in a drill.
        let exercise = created.is_some_and(|c| c.exercise);
        let local = if exercise {
            Vec::new()
        } else {
            catalog::local_contacts(&contacts_file)?
        };
        let unknown = playbook.contacts_for_run(&local, exercise);
        Ok(Self {
            playbook,
            contacts_file,
            unknown,
        })
    }
}

/// [`runner_over`] with the saved lines already replayed.
#[allow(clippy::too_many_arguments)]
fn runner_replayed(
    env: &Env,
    target: Box<dyn crate::journal::writer::Append>,
    path: &Path,
    prepared: RunnerPlaybook,
    saved: SavedLines,
    who: Identity,
    banners: Vec<String>,
    drill: Option<Drill>,
) -> Result<Core, Failure> {
    let RunnerPlaybook {
        playbook,
        contacts_file,
        unknown,
    } = prepared;
    let journal_file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (keymap, mode_keys) = keys(env)?;
    let mut app = App::resumed(playbook, saved, who, &journal_file, keymap, env.clock.now());
    app.mode_keys = mode_keys;
    app.config_path = crate::config::Config::default_path().display().to_string();
    app.banners.extend(banners);
    app.journal_dir = std::path::absolute(path)
        .ok()
        .and_then(|p| p.parent().map(std::path::Path::to_path_buf));
    if !unknown.is_empty() {
        app.banners.push(format!(
            "{} lists contacts this playbook does not have: {}",
            contacts_file.display(),
            unknown.join(", ")
        ));
    }
    if let Some(drill) = drill {
        app.drill = Some(DrillState::new(drill, app.state()));
        app.focus = Pane::Drill;
    }
    runtime::load_draft_texts(&mut app, path);
    app.set_auto_checkpoint(env.config.checkpoint.clone());
    let clipboard: Box<dyn FnMut(&str) + Send> = Box::new(runtime::osc52);
    let mut core = Core::new(app, target, Arc::clone(&env.clock), clipboard);
    core.journal_path = Some(path.to_path_buf());
    Ok(core)
}

/// Creates a journal and returns its runner.
fn start(
    env: &Env,
    resolved: &Resolved,
    settings: NewJournal,
    actor: String,
    mode: &str,
    drill: Option<Drill>,
) -> Result<Core, Failure> {
    let who = Identity::new(actor);
    let (file, lines) = open::create_journal(resolved, settings, &who, env.clock.as_ref(), mode)?;
    runner(env, file, &lines, resolved, who, Vec::new(), drill)
}

/// The pause to journal when a drill is resumed with its scenario clock
/// still running (the facilitator's program died): the clock stops at the
/// scenario time of the last saved entry, so time away never advanced it.
pub(crate) fn crash_pause(
    state: &run::RunState,
    last_scenario_ms: Option<u64>,
) -> Option<crate::journal::event::DrillControl> {
    let origin = state.created_at.unwrap_or_default();
    let clock = crate::drill::ScenarioClock::from_controls(origin, &state.drill_controls);
    if !clock.running {
        return None;
    }
    let last = last_scenario_ms.unwrap_or(clock.base_ms).max(clock.base_ms);
    Some(crate::journal::event::DrillControl {
        action: crate::journal::event::DrillAction::Pause,
        speed: clock.speed,
        scenario_ms: last,
        inject: None,
    })
}

/// Who resumes `path` when `--as` and the config do not say: the actor of
/// the journal's last session on this host.
fn journal_actor(path: &Path) -> Option<String> {
    super::last_actor::last_actor_on_host(path, &crate::journal::writer::hostname())
}

/// Who is acting: `--as`, the config, then (for `journal`) its last
/// session on this host; else the name prompt, before anything is written.
fn actor_or_ask(
    env: &Env,
    flag: Option<&str>,
    journal: Option<&Path>,
    context: &str,
) -> Result<String, Failure> {
    if let Some(name) = env
        .config
        .actor(flag)
        .or_else(|| journal.and_then(journal_actor))
    {
        return Ok(name);
    }
    runtime::ask_name(&theme(env), context)
        .map_err(|e| io_failure(&e))?
        .ok_or_else(|| Failure::usage("no name given; nothing was written"))
}

/// Opens an existing journal: lock, verify, quarantine a torn tail, record
/// the recovery and the new session. The lines are replayed as they are
/// verified; only the state, the last few entries and what the notices
/// need are kept.
fn reopen(
    env: &Env,
    catalog: &mut impl Catalogs,
    path: &Path,
    actor: String,
) -> Result<Core, Failure> {
    let mut started: Option<Result<Started, Failure>> = None;
    let mut gathered = super::resume_read::Gathered::new(path);
    let opened = JournalFile::open_streaming(path, |line| {
        let first = started.get_or_insert_with(|| {
            let first = line.entry().ok().map(|entry| Line {
                entry,
                text: line.text.to_string(),
            });
            Started::from_first(env, catalog.catalog(), path, first.as_ref())
        });
        if let Ok(s) = first {
            gathered.push_view(&s.runner.playbook, line);
        }
    })
    .map_err(|e| {
        let mut f = Failure::from(e);
        if f.code == 2 && f.message.contains("already open") {
            f.message
                .push_str("; to read it meanwhile: runsheet review ");
            f.message.push_str(&path.display().to_string());
        }
        f
    })?;
    let Started {
        created,
        runner: prepared,
    } = match started {
        Some(started) => started?,
        None => Started::from_first(env, catalog.catalog(), path, None)?,
    };
    let playbook = &prepared.playbook;
    let who = Identity::new(actor);
    let mut file = opened.file;
    let mut banners = Vec::new();
    let write_failed = |e: WriteError| Failure::usage(format!("{}: {e}", path.display()));
    for recovery in opened.recoveries {
        banners.push(format!(
            "Recovered an interrupted write: {} bytes were quarantined in {} (SHA-256 {}…). Everything saved before it is intact.",
            recovery.bytes,
            recovery.file,
            &recovery.sha256[..12]
        ));
        gathered.push(
            playbook,
            file.append(who.draft(env.clock.as_ref(), Event::new(Payload::Recovery(recovery))))
                .map_err(write_failed)?,
        );
    }
    let drill = match &created.drill {
        None => None,
        Some(recorded) => {
            let found = open::scenario_for(&created, catalog.catalog()).ok_or_else(|| {
                Failure::usage(format!(
                    "this exercise runs drill `{}` from {}, which cannot be found",
                    recorded.id, recorded.path
                ))
            })?;
            banners.extend(found.changed);
            Some(found.drill)
        }
    };
    if let Some(notice) = gathered.unexpected_end() {
        banners.push(notice);
    }
    let last_scenario_ms = gathered.last_scenario_ms;
    if drill.is_some()
        && let Some(pause) = crash_pause(&gathered.saved().state, last_scenario_ms)
    {
        banners.push(format!(
            "The scenario clock was running when the last session ended; it is paused at {}. Press space to resume it.",
            crate::drill::format_scenario(pause.scenario_ms)
        ));
        gathered.push(
            playbook,
            file.append(who.draft(env.clock.as_ref(), Event::new(Payload::DrillControl(pause))))
                .map_err(write_failed)?,
        );
    }
    let path = file.path().to_path_buf();
    let mut core = runner_replayed(
        env,
        Box::new(file),
        &path,
        prepared,
        gathered.into_saved(),
        who,
        banners,
        drill,
    )?;
    core.open_session(open::session_started("resume"));
    Ok(core)
}

/// Where a resumed journal's playbook is looked up: a catalog already
/// discovered (the picker's), or one still being discovered while the
/// journal is read.
trait Catalogs {
    fn catalog(&mut self) -> &Catalog;
}

impl Catalogs for &Catalog {
    fn catalog(&mut self) -> &Catalog {
        self
    }
}

impl Catalogs for Ahead<'_, Catalog> {
    fn catalog(&mut self) -> &Catalog {
        self.get()
    }
}

/// What the first verified line of a resumed journal settles: its
/// `journal_created` payload, the playbook it runs, and that playbook as
/// the runner replays it.
struct Started {
    created: crate::journal::event::Created,
    runner: RunnerPlaybook,
}

impl Started {
    fn from_first(
        env: &Env,
        catalog: &Catalog,
        path: &Path,
        first: Option<&Line>,
    ) -> Result<Self, Failure> {
        let first = first.map(std::slice::from_ref).unwrap_or_default();
        let created = open::require_created(first, path)?;
        let resolved = open::playbook_for(&created, catalog, env.today)?;
        let runner = RunnerPlaybook::new(&resolved, Some(&created))?;
        Ok(Self { created, runner })
    }
}

pub(crate) fn io_failure(e: &std::io::Error) -> Failure {
    Failure::usage(format!("terminal: {}", crate::diag::describe_io(e)))
}

/// `runsheet run <playbook>`.
pub fn run(
    env: &Env,
    playbook: &str,
    journal: Option<PathBuf>,
    actor: Option<&str>,
    title: Option<String>,
    exercise: bool,
) -> Result<Outcome, Failure> {
    // A bad key override is refused before a journal is created.
    keys(env)?;
    let (_, resolved) =
        open::discover_and_resolve(playbook, &crate::paths::local_playbook_dirs(), env.today)?;
    let settings = NewJournal {
        path: journal,
        title,
        exercise,
        timezone: env.config.incident_zone(resolved.playbook.timezone),
        drill: None,
        holidays: env.config.holidays(),
    };
    let actor = actor_or_ask(
        env,
        actor,
        None,
        &format!("Starting: {}", resolved.playbook.title),
    )?;
    let core = start(env, &resolved, settings, actor, "run", None)?;
    runtime::run_runner(core, &theme(env)).map_err(|e| io_failure(&e))
}

/// `runsheet resume <journal>`.
pub fn resume(env: &Env, journal: &Path, actor: Option<&str>) -> Result<Outcome, Failure> {
    // Resumed alone it shows none of the other responders' entries, and
    // what is written records no `seen` heads.
    super::journal::refuse_case_journal(journal, |dir| {
        format!("resume it through the case, with everyone's entries: runsheet run --case {dir}")
    })?;
    keys(env)?;
    let core = std::thread::scope(|scope| {
        // Playbooks are parsed while the journal is read.
        let mut catalog = env.catalog_ahead(scope, journal);
        let actor = actor_or_ask(
            env,
            actor,
            Some(journal),
            &format!("Resuming {}", journal.display()),
        )?;
        reopen(env, &mut catalog, journal, actor)
    })?;
    runtime::run_runner(core, &theme(env)).map_err(|e| io_failure(&e))
}

/// `resume --latest`: the journal in `dir` written to most recently.
pub fn latest_journal(dir: &Path) -> Result<PathBuf, Failure> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Failure::usage(format!(
            "{}: {}; there is no journal to resume",
            dir.display(),
            crate::diag::describe_io(&e)
        ))
    })?;
    entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)))
        .max()
        .map(|(_, p)| p)
        .ok_or_else(|| Failure::usage(format!("no journal in {} to resume", dir.display())))
}

/// Finds a drill scenario by id or file.
pub(crate) fn resolve_drill(
    scenario: &str,
    catalog: &Catalog,
) -> Result<(Drill, catalog::SourceText), Failure> {
    let path = Path::new(scenario);
    if path.is_file() {
        let source = catalog::read_source(path)?;
        let lookup = |id: &str| catalog.playbook(id).map(|e| e.playbook.clone());
        let (drill, _) = catalog::check_drill(&source, &lookup)?;
        return Ok((drill, source));
    }
    catalog
        .drill(scenario)
        .map(|e| (e.drill.clone(), e.source.clone()))
        .ok_or_else(|| {
            let ids = catalog.drills.iter().map(|e| e.drill.id.as_str());
            Failure::usage(format!(
                "no drill scenario `{scenario}` (see `runsheet list --drills`){}",
                crate::suggest::did_you_mean(&crate::suggest::similar(scenario, ids))
            ))
        })
}

fn start_drill(
    env: &Env,
    catalog: &Catalog,
    scenario: &str,
    journal: Option<PathBuf>,
    actor: String,
) -> Result<Core, Failure> {
    let (drill, source) = resolve_drill(scenario, catalog)?;
    let entry = catalog.playbook(&drill.playbook).ok_or_else(|| {
        Failure::usage(format!(
            "drill `{}` runs playbook `{}`, which cannot be found",
            drill.id, drill.playbook
        ))
    })?;
    let resolved = Resolved {
        playbook: entry.playbook.clone(),
        source: entry.source.clone(),
    };
    let settings = NewJournal {
        path: journal,
        title: Some(format!("EXERCISE: {}", drill.title)),
        exercise: true,
        timezone: env.config.incident_zone(resolved.playbook.timezone),
        drill: Some(DrillRef {
            id: drill.id.clone(),
            path: source.recorded_path(),
            sha256: source.sha256.clone(),
        }),
        holidays: env.config.holidays(),
    };
    start(env, &resolved, settings, actor, "drill", Some(drill))
}

/// `runsheet drill <scenario>`.
pub fn drill(
    env: &Env,
    scenario: &str,
    journal: Option<PathBuf>,
    actor: Option<&str>,
) -> Result<Outcome, Failure> {
    keys(env)?;
    let catalog = env.catalog();
    let actor = actor_or_ask(env, actor, None, &format!("Facilitating drill {scenario}"))?;
    let core = start_drill(env, &catalog, scenario, journal, actor)?;
    runtime::run_runner(core, &theme(env)).map_err(|e| io_failure(&e))
}

/// Journals in the data directory, summarised for the picker.
pub fn journal_items(dir: &Path, catalog: &Catalog, env: &Env) -> Vec<JournalItem> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut items = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_none_or(|e| e != "jsonl") {
            continue;
        }
        let Ok(verified) = open::read_journal(&path) else {
            continue;
        };
        let Some(created) = open::created_of(&verified.lines) else {
            continue;
        };
        let mut item = JournalItem {
            path: path.clone(),
            title: created.title.clone(),
            playbook: created.playbook.id.clone(),
            last_activity: verified.lines.last().map(|l| l.entry.ts),
            closed: 0,
            total: 0,
            exercise: created.exercise,
            problem: verified
                .broken
                .as_ref()
                .map(|b| format!("fails verification at {b}")),
        };
        match open::playbook_for(&created, catalog, env.today) {
            Ok(resolved) => {
                let state = run::replay(&resolved.playbook, verified.entries());
                let p = run::query::total_progress(&resolved.playbook, &state);
                item.closed = p.closed;
                item.total = p.total;
            }
            Err(e) => item.problem = item.problem.or(Some(e.to_string())),
        }
        items.push(item);
    }
    items
}

/// Whether both standard input and output are a terminal.
pub fn has_terminal() -> bool {
    use std::io::IsTerminal as _;
    std::io::stdout().is_terminal() && std::io::stdin().is_terminal()
}

/// The refusal for `runsheet <command>` run without a terminal.
pub fn needs_terminal(command: &str) -> Failure {
    Failure::usage(format!(
        "runsheet {command} needs an interactive terminal; use `runsheet status` or `export` in scripts"
    ))
}

/// What the shell prints once the terminal is restored: where the journal
/// is, how to resume it and, when entries were lost, which ones; with the
/// exit code (2 when anything was lost).
pub fn farewell(outcome: &Outcome) -> (String, String, u8) {
    let mut out = String::new();
    let mut err = String::new();
    if let Some(path) = &outcome.journal {
        // A team case's journal resumes through the case: resumed alone it
        // shows none of the others' entries and writes no `seen` heads.
        let resume = match crate::case::folder::case_of_journal(path) {
            Some(dir) => {
                // The journal is this responder's by name: the case opens
                // it again under the same name.
                let actor = super::last_actor::last_actor_on_host(
                    path,
                    &crate::journal::writer::hostname(),
                )
                .map(|a| format!(" --as {}", shell_quote(&a)))
                .unwrap_or_default();
                // The facilitator's journal records the scenario: only
                // `drill` opens the panel that runs its clock and injects.
                let opens = super::open::peek_created(path)
                    .and_then(|c| c.drill)
                    .map_or_else(
                        || "run".to_string(),
                        |d| {
                            let scenario = if d.path.starts_with("bundled:") {
                                d.id
                            } else {
                                d.path
                            };
                            format!("drill {}", shell_quote(&scenario))
                        },
                    );
                format!(
                    "runsheet {opens} --case {}{actor}",
                    shell_quote(&dir.display().to_string())
                )
            }
            None => format!(
                "runsheet resume {}",
                shell_quote(&path.display().to_string())
            ),
        };
        let _ = write!(out, "Journal: {}\nResume with: {resume}\n", path.display());
    }
    if let Some(error) = &outcome.write_error {
        // Exit 2: actions shown ✗ were not saved, and a script or shell
        // must not read the exit as success.
        let _ = writeln!(
            err,
            "error: the journal stopped accepting entries ({error}); actions marked ✗ were not saved"
        );
    }
    if !outcome.unsaved.is_empty() {
        let _ = writeln!(
            err,
            "error: {} entr{} NOT saved: {}",
            outcome.unsaved.len(),
            if outcome.unsaved.len() == 1 {
                "y was"
            } else {
                "ies were"
            },
            outcome.unsaved.join(", ")
        );
    }
    (out, err, if outcome.lost_entries() { 2 } else { 0 })
}

/// `path` as one shell word.
pub(super) fn shell_quote(path: &str) -> String {
    if path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%=,".contains(c))
    {
        path.to_string()
    } else {
        format!("'{}'", path.replace('\'', "'\\''"))
    }
}

/// `runsheet` with no command: the picker (or, without a terminal, the
/// list as text). Returns the text or the outcome of the runner opened.
pub fn picker(env: &Env) -> Result<Result<Option<Outcome>, String>, Failure> {
    let catalog = env.catalog();
    if !has_terminal() {
        return Ok(Err(super::list::no_command(&catalog)));
    }
    let playbooks = catalog
        .playbooks
        .iter()
        .map(|e| PlaybookItem {
            id: e.playbook.id.clone(),
            version: e.playbook.version.clone(),
            title: e.playbook.title.clone(),
            summary: e.playbook.summary.clone(),
            tags: e.playbook.tags.clone(),
            local: e.origin != Origin::Bundled,
        })
        .collect();
    let drills = catalog
        .drills
        .iter()
        .map(|e| DrillItem {
            id: e.drill.id.clone(),
            title: e.drill.title.clone(),
            playbook: e.drill.playbook.clone(),
            injects: e.drill.injects.len(),
        })
        .collect();
    let journals = journal_items(&crate::paths::journals_dir(), &catalog, env);
    let cases = super::case_views::case_items(&super::case_views::case_search_dirs());
    let mut picker = Picker::new(journals, playbooks, drills).with_cases(cases);
    picker.keys = keys(env)?.1.picker;
    picker.problems = catalog
        .problems
        .iter()
        .map(|p| p.to_string().lines().next().unwrap_or_default().to_string())
        .collect();
    let mut open = |choice: Choice, given: Option<String>| -> Result<Option<Core>, Opening> {
        let journal = match &choice {
            Choice::Resume(path) => Some(path.as_path()),
            _ => None,
        };
        let Some(actor) = given
            .or_else(|| env.config.actor(None))
            .or_else(|| journal.and_then(journal_actor))
        else {
            return Err(Opening::NeedsName(match &choice {
                Choice::Resume(path) => format!("Resuming {}", path.display()),
                Choice::Drill(id) => format!("Facilitating drill {id}"),
                Choice::Case(path) => format!("Joining case {}", path.display()),
                _ => "Starting an incident".to_string(),
            }));
        };
        let result = match choice {
            Choice::Quit => return Ok(None),
            Choice::Resume(path) => reopen(env, &mut &catalog, &path, actor),
            Choice::Drill(id) => start_drill(env, &catalog, &id, None, actor),
            Choice::Case(path) => super::case::case_runner(env, &path, actor, None),
            Choice::Start {
                playbook,
                title,
                exercise,
            } => open::resolve_playbook(&playbook, &catalog, env.today)
                .map_err(Failure::from)
                .and_then(|resolved| {
                    let settings = NewJournal {
                        path: None,
                        title: Some(title).filter(|t| !t.is_empty()),
                        exercise,
                        timezone: env.config.incident_zone(resolved.playbook.timezone),
                        drill: None,
                        holidays: env.config.holidays(),
                    };
                    start(env, &resolved, settings, actor, "run", None)
                }),
        };
        result.map(Some).map_err(|f| Opening::Problem(f.message))
    };
    runtime::run_picker(picker, &theme(env), &mut open)
        .map(Ok)
        .map_err(|e| io_failure(&e))
}

/// `runsheet review <journal> [--follow]`: read-only; on a drill journal
/// followed live, the participant view for projection. A long journal
/// shows its first lines while the rest is verified.
pub fn review(env: &Env, journal: &Path, follow: bool) -> Result<(), Failure> {
    let catalog = env.catalog();
    let opened = super::review_read::open_for_review(
        env,
        &catalog,
        journal,
        super::review_read::EARLY_LINES,
    )?;
    let created = opened.created.clone();
    let name = journal
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let (mut review, _) = opened.into_review(&name, follow, env);
    review.keys = keys(env)?.1;
    review.drill = open::scenario_for(&created, &catalog).map(|found| found.drill);
    let participant = follow && review.drill.is_some();
    let reading = review.reading.clone();
    if participant {
        // The projection has no header to say "verifying": it shows only
        // the journal read to its end.
        review.wait_for_reading();
    }
    runtime::run_review(review, journal, participant, &env.clock, &theme(env))
        .map_err(|e| io_failure(&e))?;
    match reading.and_then(|r| r.take_failure()) {
        Some(error) => Err(Failure::from(crate::journal::writer::OpenError::Io {
            path: journal.to_path_buf(),
            error,
        })),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::{Draft, Kind};

    #[test]
    fn friction_11_exit_prints_the_journal_and_the_resume_command() {
        let outcome = Outcome {
            journal: Some(PathBuf::from("/data/my incident.jsonl")),
            ..Outcome::default()
        };
        let (out, err, code) = farewell(&outcome);
        assert_eq!(
            out,
            "Journal: /data/my incident.jsonl\nResume with: runsheet resume '/data/my incident.jsonl'\n"
        );
        assert_eq!((err.as_str(), code), ("", 0));
    }

    #[test]
    fn a_team_case_journal_resumes_through_its_case_folder() {
        let root = tempfile::tempdir().expect("temp dir");
        let case = root.path().join("incident 7");
        std::fs::create_dir_all(case.join("journals")).expect("journals folder");
        std::fs::write(case.join("case.yaml"), "case: x\n").expect("case file");
        let journal = case.join("journals").join("ana@laptop-7.jsonl");
        let outcome = Outcome {
            journal: Some(journal.clone()),
            ..Outcome::default()
        };
        let (out, _, _) = farewell(&outcome);
        assert_eq!(
            out,
            format!(
                "Journal: {}\nResume with: runsheet run --case '{}'\n",
                journal.display(),
                case.display()
            )
        );
    }

    /// The defect: a facilitator quitting a team drill was told to resume
    /// with `run --case`, which opens a participant's runner: no panel, so
    /// the scenario clock could not be resumed nor an inject released.
    #[test]
    fn a_facilitators_case_journal_resumes_with_drill() {
        use crate::journal::event::{Created, DrillRef, Payload, PlaybookRef};
        let root = tempfile::tempdir().expect("temp dir");
        let case = root.path().join("drill");
        std::fs::create_dir_all(case.join("journals")).expect("journals folder");
        std::fs::write(case.join("case.yaml"), "case: x\n").expect("case file");
        let journal = case.join("journals").join("fran@laptop-2.jsonl");
        let created = Created {
            journal_id: "x".into(),
            playbook: PlaybookRef {
                id: "ransomware-extortion".into(),
                version: "1".into(),
                path: "bundled:ransomware-extortion.yaml".into(),
                sha256: "0".repeat(64),
            },
            title: "Drill".into(),
            timezone: "UTC".into(),
            exercise: true,
            app_version: "test".into(),
            drill: Some(DrillRef {
                id: "hospital-ransomware".into(),
                path: "bundled:hospital-ransomware.yaml".into(),
                sha256: "0".repeat(64),
            }),
            holidays: Vec::new(),
        };
        let who = crate::journal::identity::Identity::new("Fran".to_string());
        let first = who.draft(
            &crate::time::SystemTime::new(),
            crate::journal::Event::new(Payload::JournalCreated(Box::new(created))),
        );
        crate::journal::writer::JournalFile::create(&journal, first).expect("journal");
        let outcome = Outcome {
            journal: Some(journal),
            ..Outcome::default()
        };
        let (out, _, _) = farewell(&outcome);
        assert!(
            out.contains(&format!(
                "Resume with: runsheet drill hospital-ransomware --case {}",
                shell_quote(&case.display().to_string())
            )),
            "{out}"
        );
    }

    #[test]
    fn d26_a_session_with_a_failed_write_does_not_exit_0() {
        let clean = Outcome::default();
        assert_eq!(farewell(&clean).2, 0);
        let failed = Outcome {
            write_error: Some("No space left on device".into()),
            ..Outcome::default()
        };
        let (_, err, code) = farewell(&failed);
        assert_eq!(code, 2);
        assert!(err.contains("not saved"), "{err}");
    }

    #[test]
    fn d15_shutdown_with_lost_entries_says_which_and_exits_non_zero() {
        let outcome = Outcome {
            journal: Some(PathBuf::from("/data/x.jsonl")),
            unsaved: vec!["note".into(), "step_done (triage)".into()],
            write_error: Some("No space left on device".into()),
        };
        let (_, err, code) = farewell(&outcome);
        assert_eq!(code, 2);
        assert!(err.contains("No space left on device"), "{err}");
        assert!(
            err.contains("2 entries were NOT saved: note, step_done (triage)"),
            "{err}"
        );
    }

    /// A journal of notes, facts and step work by two sessions, with a
    /// torn tail after it.
    fn sample_journal(dir: &Path, env: &Env, catalog: &Catalog) -> PathBuf {
        let (resolved, mut file, who, path) = open::test_journal(dir, env, catalog, "sample");
        let step = resolved.playbook.steps().next().map(|s| s.id.clone());
        for i in 0..40 {
            let mut event = Event::new(Payload::Note(crate::journal::event::Note {
                text: format!("note {i}"),
            }));
            if i % 3 == 0 {
                event.step.clone_from(&step);
            }
            file.append(who.draft(env.clock.as_ref(), event))
                .expect("append");
        }
        drop(file);
        let mut bytes = std::fs::read(&path).expect("read");
        bytes.extend_from_slice(b"{\"v\":1,\"seq\":");
        std::fs::write(&path, bytes).expect("torn tail");
        path
    }

    #[test]
    fn a_streamed_review_holds_what_reading_the_journal_whole_gives() {
        let dir = tempfile::tempdir().expect("temp dir");
        let env = Env::fixed();
        let catalog = Catalog::bundled(env.today);
        let path = sample_journal(dir.path(), &env, &catalog);
        let (resolved, read) =
            super::super::review_read::read_whole(&env, &catalog, &path).expect("review read");
        let verified = open::read_journal(&path).expect("whole read");
        assert!(verified.torn_tail > 0);
        let whole = crate::app::review::Review::new(
            resolved.playbook.clone(),
            "j.jsonl",
            verified.clone(),
            false,
            env.clock.now(),
        );
        let streamed = crate::app::review::Review::loaded(
            resolved.playbook,
            "j.jsonl",
            read.lines,
            read.state,
            read.tally,
            false,
            env.clock.now(),
        );
        assert_eq!(streamed.lines.decode_all(), verified.lines);
        assert_eq!(streamed.state, whole.state);
        assert_eq!(
            (
                &streamed.head_hash,
                &streamed.broken,
                streamed.torn_tail,
                streamed.verified_len
            ),
            (
                &whole.head_hash,
                &whole.broken,
                whole.torn_tail,
                whole.verified_len
            )
        );
        assert_eq!(streamed.visible, whole.visible);
        assert_eq!(streamed.cursor, whole.cursor);
        let drafts = crate::export::drafts::DraftTexts::read(&path, &verified).problems(&verified);
        assert_eq!(read.draft_problems, drafts);
    }

    #[test]
    fn a_resumed_runner_is_ready_while_its_session_start_is_saved() {
        let dir = tempfile::tempdir().expect("temp dir");
        let env = Env::fixed();
        let catalog = Catalog::bundled(env.today);
        let path = sample_journal(dir.path(), &env, &catalog);
        let mut core = reopen(&env, &mut &catalog, &path, "Ravi".into()).expect("resumed");
        // The start of the session is the writer's first entry, pending
        // (shown as saving) until acknowledged: the runner does not wait
        // for the disk to show its first frame.
        let pending: Vec<&Draft> = core.app.pending().iter().map(|p| &p.draft).collect();
        assert_eq!(pending.len(), 1);
        let Payload::SessionStarted(started) = &pending[0].event.payload else {
            panic!("pending: {:?}", pending[0].event);
        };
        assert_eq!(started.mode, "resume");
        assert_eq!(pending[0].actor, "Ravi");
        assert_eq!(pending[0].scenario_ms, None);
        assert!(core.settle(std::time::Duration::from_secs(10)), "saved");
        core.finish();
        // Written once, after the recovery of the torn tail (written
        // before the runner), and the journal verifies.
        let verified = open::read_journal(&path).expect("read back");
        assert_eq!(verified.broken, None);
        assert_eq!(verified.torn_tail, 0);
        let kinds: Vec<Kind> = verified.lines.iter().map(|l| l.entry.kind).collect();
        assert_eq!(
            kinds[kinds.len() - 2..],
            [Kind::Recovery, Kind::SessionStarted]
        );
        let last = &verified.lines[verified.lines.len() - 1].entry;
        assert_eq!((last.actor.as_str(), last.scenario_ms), ("Ravi", None));
        assert_eq!(
            verified
                .lines
                .iter()
                .filter(|l| l.entry.kind == Kind::SessionStarted && l.entry.actor == "Ravi")
                .count(),
            1
        );
    }

    #[test]
    fn friction_11_resume_latest_opens_the_journal_written_last() {
        let dir = std::env::temp_dir().join(format!("runsheet-latest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let old = dir.join("a.jsonl");
        let new = dir.join("b.jsonl");
        for (path, age) in [(&new, 60), (&old, 3600)] {
            let file = std::fs::File::create(path).expect("file");
            file.set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(age))
                .expect("mtime");
        }
        std::fs::write(dir.join("notes.txt"), "x").expect("other file");
        assert_eq!(latest_journal(&dir).expect("found"), new);
        std::fs::remove_dir_all(&dir).expect("clean up");
        assert!(latest_journal(&dir).is_err());
    }

    #[test]
    fn a_bad_key_override_is_refused_with_its_place_before_a_journal_is_created() {
        let dir = tempfile::tempdir().expect("tempdir");
        let journal = dir.path().join("incident.jsonl");
        let env = Env {
            config: crate::config::Config::parse("[keys.review]\nfly = \"z\"\n").expect("parses"),
            clock: Arc::new(crate::time::ManualTime::at(chrono::Utc::now())),
            today: chrono::NaiveDate::from_ymd_opt(2026, 11, 29).expect("date"),
        };
        let failure = run(
            &env,
            "ransomware-extortion",
            Some(journal.clone()),
            Some("Dana"),
            None,
            false,
        )
        .expect_err("refused");
        assert_eq!(failure.code, 2);
        assert!(
            failure
                .message
                .contains("config.toml:2:1: [keys.review] `fly` is not a review action"),
            "{}",
            failure.message
        );
        assert!(!journal.exists(), "nothing written");
    }
}
