//! `new`, `note`, `set` and `verify`: journal commands for scripts, alert
//! pipelines and reviewers.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{Env, Failure};
use crate::journal::event::{FactSet, Note, Payload};
use crate::journal::writer::JournalFile;
use crate::journal::{Event, Line};
use crate::playbook::value;
use crate::run::{self, RunState};
use crate::session::{self, Identity, NewJournal, Resolved};

/// `runsheet new`: creates a journal and returns its path.
pub fn new(
    env: &Env,
    playbook: &str,
    journal: Option<PathBuf>,
    title: Option<String>,
    actor: Option<&str>,
    exercise: bool,
) -> Result<PathBuf, Failure> {
    let (_, resolved) =
        session::discover_and_resolve(playbook, &crate::paths::local_playbook_dirs(), env.today)?;
    let who = Identity::new(env.config.actor(actor));
    let settings = NewJournal {
        path: journal,
        title,
        exercise,
        timezone: env.config.incident_zone(resolved.playbook.timezone),
        drill: None,
    };
    let (file, _) = session::create_journal(&resolved, settings, &who, env.clock.as_ref(), "cli")?;
    Ok(file.path().to_path_buf())
}

/// A journal opened for one append from the command line.
struct OneShot {
    file: JournalFile,
    resolved: Resolved,
    state: RunState,
    who: Identity,
    /// Messages about recovered torn writes, for stderr.
    notices: Vec<String>,
}

fn open_for_append(env: &Env, path: &Path, actor: Option<&str>) -> Result<OneShot, Failure> {
    let opened = JournalFile::open(path)?;
    let created = session::require_created(&opened.lines, path)?;
    let resolved = session::playbook_for(&created, &env.catalog(), env.today)?;
    let who = Identity::new(env.config.actor(actor));
    let mut file = opened.file;
    let mut lines: Vec<Line> = opened.lines;
    let mut notices = Vec::new();
    for recovery in opened.recoveries {
        notices.push(format!(
            "recovered an interrupted write: {} bytes quarantined in {}",
            recovery.bytes, recovery.file
        ));
        let line = file
            .append(who.draft(env.clock.as_ref(), Event::new(Payload::Recovery(recovery))))
            .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?;
        lines.push(line);
    }
    let state = run::replay(&resolved.playbook, lines.iter().map(|l| &l.entry));
    Ok(OneShot {
        file,
        resolved,
        state,
        who,
        notices,
    })
}

impl OneShot {
    fn append(mut self, env: &Env, event: Event) -> Result<(Line, Vec<String>), Failure> {
        let path = self.file.path().display().to_string();
        let line = self
            .file
            .append(self.who.draft(env.clock.as_ref(), event))
            .map_err(|e| {
                Failure::usage(format!("{path}: write failed, nothing was recorded: {e}"))
            })?;
        Ok((line, self.notices))
    }
}

/// `runsheet note`: appends a note; returns a confirmation line.
pub fn note(
    env: &Env,
    path: &Path,
    text: &str,
    actor: Option<&str>,
    step: Option<&str>,
) -> Result<String, Failure> {
    if text.trim().is_empty() {
        return Err(Failure::usage("the note is empty"));
    }
    let shot = open_for_append(env, path, actor)?;
    if let Some(step) = step
        && shot.resolved.playbook.step(step).is_none()
    {
        return Err(Failure::usage(format!(
            "playbook `{}` has no step `{step}`",
            shot.resolved.playbook.id
        )));
    }
    let event = Event {
        step: step.map(str::to_string),
        payload: Payload::Note(Note {
            text: text.to_string(),
        }),
    };
    let (line, notices) = shot.append(env, event)?;
    Ok(confirm(&line, &notices))
}

/// How `set` records the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetMode<'a> {
    /// A new value (the situation changed or it was not known).
    New,
    /// The value in force was wrong: a `correction` entry with the reason.
    Correct { reason: &'a str },
}

/// `runsheet set fact=value`: typed against the playbook.
pub fn set(
    env: &Env,
    path: &Path,
    assignment: &str,
    occurred_at: Option<&str>,
    actor: Option<&str>,
    mode: SetMode<'_>,
) -> Result<String, Failure> {
    let (fact, raw) = assignment
        .split_once('=')
        .ok_or_else(|| Failure::usage(format!("expected FACT=VALUE, got `{assignment}`")))?;
    let fact = fact.trim();
    let shot = open_for_append(env, path, actor)?;
    let playbook = &shot.resolved.playbook;
    let Some(def) = playbook.fact(fact) else {
        let known: Vec<_> = playbook.facts.iter().map(|f| f.id.as_str()).collect();
        return Err(Failure::usage(format!(
            "playbook `{}` has no fact `{fact}`; its facts are: {}",
            playbook.id,
            known.join(", ")
        )));
    };
    let now = env.clock.now();
    let tz = shot.state.timezone();
    let value = value::parse_input(def, raw, now, tz).map_err(|why| {
        Failure::usage(format!(
            "`{raw}` is not a valid value for `{fact}`, which expects {}: {why}",
            def.ty.describe(def.multiple)
        ))
    })?;
    let occurred_at = occurred_at
        .map(|t| value::parse_datetime(t, now, tz))
        .transpose()
        .map_err(|why| Failure::usage(format!("--occurred-at: {why}")))?;
    let shown = value.display(Some(def), tz);
    let event = match mode {
        SetMode::New => Event::new(Payload::FactSet(FactSet {
            fact: fact.to_string(),
            value: value.to_json(),
            occurred_at,
        })),
        SetMode::Correct { reason } => {
            let corrects = shot
                .state
                .facts
                .get(fact)
                .and_then(|f| f.latest())
                .map(|r| r.at.seq)
                .ok_or_else(|| {
                    Failure::usage(format!(
                        "`{fact}` has no value yet: there is nothing to correct"
                    ))
                })?;
            if reason.trim().is_empty() {
                return Err(Failure::usage(
                    "--reason must say why the earlier value was wrong",
                ));
            }
            Event::new(Payload::Correction(crate::journal::event::Correction {
                corrects,
                reason: reason.trim().to_string(),
                value: Some(value.to_json()),
                occurred_at,
            }))
        }
    };
    let (line, notices) = shot.append(env, event)?;
    let mut out = confirm(&line, &notices);
    let _ = writeln!(out, "{fact} = {shown}");
    Ok(out)
}

fn confirm(line: &Line, notices: &[String]) -> String {
    let mut out = String::new();
    for n in notices {
        let _ = writeln!(out, "{n}");
    }
    let _ = writeln!(out, "saved: entry {} ({})", line.entry.seq, line.entry.kind);
    out
}

/// `runsheet verify`: the report and the exit code (0 intact, 1 broken).
pub fn verify(path: &Path) -> Result<(String, u8), Failure> {
    let checked = session::read_journal(path)?;
    Ok(chain_report(path, &checked))
}

/// The hash-chain part of `verify`'s report for a journal already read.
pub fn chain_report(path: &Path, checked: &crate::journal::verify::Verified) -> (String, u8) {
    let mut out = String::new();
    let count = checked.lines.len();
    let head = checked
        .head_hash
        .as_deref()
        .unwrap_or("none (no verified entry)");
    match &checked.broken {
        None if checked.torn_tail == 0 && count > 0 => {
            let _ = writeln!(
                out,
                "intact: {count} entries, hash chain verified from the first line"
            );
            let _ = writeln!(out, "head hash: {head}");
            (out, 0)
        }
        None if count == 0 => {
            let _ = writeln!(
                out,
                "broken: {} holds no complete journal entry",
                path.display()
            );
            (out, 1)
        }
        None => {
            let _ = writeln!(
                out,
                "broken: the file ends with an incomplete line of {} bytes after entry {} (an interrupted write; `runsheet resume` quarantines it)",
                checked.torn_tail,
                count.saturating_sub(1)
            );
            let _ = writeln!(out, "{count} complete entries verify; head hash: {head}");
            (out, 1)
        }
        Some(problem) => {
            let _ = writeln!(out, "broken at {problem}");
            let _ = writeln!(
                out,
                "{count} entries before it verify; head hash of the verified part: {head}"
            );
            (out, 1)
        }
    }
}
