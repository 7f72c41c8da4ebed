//! `run`, `resume`, `drill` and the picker: everything that opens the
//! terminal interface. Journals are created or opened (and recovered) here,
//! before the interface starts; from then on only the writer thread writes.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Env, Failure};
use crate::app::keymap::Keymap;
use crate::app::picker::{Choice, DrillItem, JournalItem, Picker, PlaybookItem};
use crate::app::{App, Pane};
use crate::catalog::{self, Catalog, Origin};
use crate::commands::open::{self, NewJournal, Resolved};
use crate::drill::DrillState;
use crate::journal::event::{DrillRef, Payload};
use crate::journal::identity::Identity;
use crate::journal::writer::JournalFile;
use crate::journal::{Event, Line};
use crate::playbook::Drill;
use crate::run;
use crate::runtime::{self, Core};
use crate::ui::Theme;

pub(crate) fn theme(env: &Env) -> Theme {
    Theme::new(env.config.theme, env.config.colour())
}

fn keymap(env: &Env) -> Result<Keymap, Failure> {
    Keymap::with_overrides(&env.config.keys).map_err(|e| {
        Failure::usage(format!(
            "{}: {e}",
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
    let mut playbook = resolved
        .playbook
        .clone()
        .with_extra_holidays(&env.config.holidays());
    let contacts_file = crate::paths::config_dir().join("contacts.yaml");
    let unknown = playbook.apply_contacts(&catalog::local_contacts(&contacts_file)?);
    let journal_file = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut app = App::new(
        playbook,
        lines,
        who,
        &journal_file,
        keymap(env)?,
        env.clock.now(),
    );
    app.banners.extend(banners);
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
    let clipboard: Box<dyn FnMut(&str) + Send> = Box::new(runtime::osc52);
    Ok(Core::new(app, target, Arc::clone(&env.clock), clipboard))
}

/// Creates a journal and returns its runner.
fn start(
    env: &Env,
    resolved: &Resolved,
    settings: NewJournal,
    actor: Option<&str>,
    mode: &str,
    drill: Option<Drill>,
) -> Result<Core, Failure> {
    let who = Identity::new(env.config.actor(actor));
    let (file, lines) = open::create_journal(resolved, settings, &who, env.clock.as_ref(), mode)?;
    runner(env, file, &lines, resolved, who, Vec::new(), drill)
}

/// Opens an existing journal: lock, verify, quarantine a torn tail, record
/// the recovery and the new session.
fn reopen(env: &Env, catalog: &Catalog, path: &Path, actor: Option<&str>) -> Result<Core, Failure> {
    let opened = JournalFile::open(path).map_err(|e| {
        let mut f = Failure::from(e);
        if f.code == 2 && f.message.contains("already open") {
            f.message
                .push_str("; to read it meanwhile: runsheet review ");
            f.message.push_str(&path.display().to_string());
        }
        f
    })?;
    let created = open::require_created(&opened.lines, path)?;
    let resolved = open::playbook_for(&created, catalog, env.today)?;
    let who = Identity::new(env.config.actor(actor));
    let mut file = opened.file;
    let mut lines = opened.lines;
    let mut banners = Vec::new();
    let write_failed = |e: String| Failure::usage(format!("{}: {e}", path.display()));
    for recovery in opened.recoveries {
        banners.push(format!(
            "Recovered an interrupted write: {} bytes were quarantined in {} (SHA-256 {}…). Everything saved before it is intact.",
            recovery.bytes,
            recovery.file,
            &recovery.sha256[..12]
        ));
        lines.push(
            file.append(who.draft(env.clock.as_ref(), Event::new(Payload::Recovery(recovery))))
                .map_err(write_failed)?,
        );
    }
    lines.push(
        file.append(who.draft(env.clock.as_ref(), open::session_started("resume")))
            .map_err(write_failed)?,
    );
    let drill = created
        .drill
        .as_ref()
        .map(|d| {
            catalog
                .drill(&d.id)
                .map(|e| e.drill.clone())
                .ok_or_else(|| {
                    Failure::usage(format!(
                        "this exercise runs drill `{}`, which cannot be found",
                        d.id
                    ))
                })
        })
        .transpose()?;
    runner(env, file, &lines, &resolved, who, banners, drill)
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
) -> Result<(), Failure> {
    let (_, resolved) =
        open::discover_and_resolve(playbook, &crate::paths::local_playbook_dirs(), env.today)?;
    let settings = NewJournal {
        path: journal,
        title,
        exercise,
        timezone: env.config.incident_zone(resolved.playbook.timezone),
        drill: None,
    };
    let core = start(env, &resolved, settings, actor, "run", None)?;
    runtime::run_runner(core, &theme(env)).map_err(|e| io_failure(&e))
}

/// `runsheet resume <journal>`.
pub fn resume(env: &Env, journal: &Path, actor: Option<&str>) -> Result<(), Failure> {
    let catalog = env.catalog();
    let core = reopen(env, &catalog, journal, actor)?;
    runtime::run_runner(core, &theme(env)).map_err(|e| io_failure(&e))
}

/// Finds a drill scenario by id or file.
fn resolve_drill(
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
            Failure::usage(format!(
                "no drill scenario `{scenario}` (see `runsheet list --drills`)"
            ))
        })
}

fn start_drill(
    env: &Env,
    catalog: &Catalog,
    scenario: &str,
    journal: Option<PathBuf>,
    actor: Option<&str>,
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
            path: source.path.as_ref().map_or_else(
                || format!("bundled:{}", source.label.trim_start_matches("(bundled) ")),
                |p| p.display().to_string(),
            ),
            sha256: source.sha256.clone(),
        }),
    };
    start(env, &resolved, settings, actor, "drill", Some(drill))
}

/// `runsheet drill <scenario>`.
pub fn drill(
    env: &Env,
    scenario: &str,
    journal: Option<PathBuf>,
    actor: Option<&str>,
) -> Result<(), Failure> {
    let catalog = env.catalog();
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

/// `runsheet` with no command: the picker (or, without a terminal, the list).
pub fn picker(env: &Env) -> Result<Option<String>, Failure> {
    use std::io::IsTerminal as _;
    let catalog = env.catalog();
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Ok(Some(super::list::no_command(&catalog)));
    }
    let playbooks = catalog
        .playbooks
        .iter()
        .map(|e| PlaybookItem {
            id: e.playbook.id.clone(),
            version: e.playbook.version.clone(),
            title: e.playbook.title.clone(),
            summary: e.playbook.summary.clone(),
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
    let mut picker = Picker::new(journals, playbooks, drills);
    picker.problems = catalog
        .problems
        .iter()
        .map(|p| p.to_string().lines().next().unwrap_or_default().to_string())
        .collect();
    let mut open = |choice: Choice| -> Result<Option<Core>, String> {
        let result = match choice {
            Choice::Quit => return Ok(None),
            Choice::Resume(path) => reopen(env, &catalog, &path, None),
            Choice::Drill(id) => start_drill(env, &catalog, &id, None, None),
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
                    };
                    start(env, &resolved, settings, None, "run", None)
                }),
        };
        result.map(Some).map_err(|f| f.message)
    };
    runtime::run_picker(picker, &theme(env), &mut open).map_err(|e| io_failure(&e))?;
    Ok(None)
}

/// `runsheet review <journal> [--follow]`: read-only; on a drill journal
/// followed live, the participant view for projection.
pub fn review(env: &Env, journal: &Path, follow: bool) -> Result<(), Failure> {
    let catalog = env.catalog();
    let verified = open::read_journal(journal)?;
    let created = open::require_created(&verified.lines, journal)?;
    let resolved = open::playbook_for(&created, &catalog, env.today)?;
    let name = journal
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut review = crate::app::review::Review::new(
        resolved.playbook,
        &name,
        verified,
        follow,
        env.clock.now(),
    );
    review.drill = created
        .drill
        .as_ref()
        .and_then(|d| catalog.drill(&d.id))
        .map(|e| e.drill.clone());
    let participant = follow && review.drill.is_some();
    runtime::run_review(review, journal, participant, &env.clock, &theme(env))
        .map_err(|e| io_failure(&e))
}
