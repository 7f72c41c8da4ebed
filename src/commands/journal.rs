//! `new`, `note`, `set` and `verify`: journal commands for scripts, alert
//! pipelines and reviewers.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{Env, Failure};
use crate::commands::open::{self, NewJournal, Resolved};
use crate::journal::event::{FactSet, Note, Payload};
use crate::journal::identity::Identity;
use crate::journal::writer::{JournalFile, OpenError};
use crate::journal::{Event, Line};
use crate::playbook::value;
use crate::run::{self, RunState};

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
        open::discover_and_resolve(playbook, &crate::paths::local_playbook_dirs(), env.today)?;
    let who = Identity::new(env.config.actor(actor));
    let settings = NewJournal {
        path: journal,
        title,
        exercise,
        timezone: env.config.incident_zone(resolved.playbook.timezone),
        drill: None,
    };
    let (file, _) = open::create_journal(&resolved, settings, &who, env.clock.as_ref(), "cli")?;
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
    open_waiting(env, path, actor, None)
}

/// [`open_for_append`], waiting up to `wait` while another runsheet holds
/// the journal (an alert pipeline appending while a responder has it open).
fn open_waiting(
    env: &Env,
    path: &Path,
    actor: Option<&str>,
    wait: Option<std::time::Duration>,
) -> Result<OneShot, Failure> {
    const POLL: std::time::Duration = std::time::Duration::from_millis(100);
    let deadline = wait.map(|w| std::time::Instant::now() + w);
    let mut told = false;
    let opened = loop {
        match JournalFile::open(path) {
            Err(OpenError::Locked { holder, .. })
                if deadline.is_some_and(|d| std::time::Instant::now() < d) =>
            {
                if !told {
                    // Said once on stderr so a script's log shows why it pauses.
                    eprintln!(
                        "{}: waiting for the journal, open by {}",
                        crate::printable::printable(&path.display().to_string()),
                        crate::printable::printable(
                            holder.as_deref().unwrap_or("another runsheet")
                        )
                    );
                    told = true;
                }
                std::thread::sleep(POLL);
            }
            other => break other?,
        }
    };
    let created = open::require_created(&opened.lines, path)?;
    let resolved = open::playbook_for(&created, &env.catalog(), env.today)?;
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
                Failure::usage(format!(
                    "{path}: write failed, the entry was not saved: {e}"
                ))
            })?;
        Ok((line, self.notices))
    }
}

/// What `runsheet note` records, and how long it may wait for the lock.
#[derive(Debug, Clone, Copy)]
pub struct NoteArgs<'a> {
    pub text: &'a str,
    pub actor: Option<&'a str>,
    pub step: Option<&'a str>,
    pub wait: Option<std::time::Duration>,
}

/// `10s`, `2m`, `500ms`: how long `note --wait` waits.
pub fn parse_wait(text: &str) -> Result<std::time::Duration, Failure> {
    let text = text.trim();
    let (number, unit) = text
        .find(|c: char| !c.is_ascii_digit())
        .map_or((text, ""), |i| text.split_at(i));
    let n: u64 = number
        .parse()
        .map_err(|_| Failure::usage(format!("--wait `{text}`: write e.g. `10s` or `2m`")))?;
    let ms = match unit {
        "ms" => Some(n),
        "s" | "" => n.checked_mul(1000),
        "m" => n.checked_mul(60_000),
        _ => None,
    }
    .filter(|ms| *ms <= 24 * 3_600_000)
    .ok_or_else(|| {
        Failure::usage(format!(
            "--wait `{text}`: write e.g. `10s` or `2m` (at most a day)"
        ))
    })?;
    Ok(std::time::Duration::from_millis(ms))
}

/// `runsheet note`: appends a note; returns a confirmation line.
pub fn note(env: &Env, path: &Path, args: &NoteArgs<'_>) -> Result<String, Failure> {
    let NoteArgs {
        text, actor, step, ..
    } = *args;
    if text.trim().is_empty() {
        return Err(Failure::usage("the note is empty"));
    }
    let shot = open_waiting(env, path, actor, args.wait)?;
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
    if let Some(t) = occurred_at {
        let _ = writeln!(out, "occurred at {}", value::format_local_and_utc(t, tz));
    }
    let times = [occurred_at, value.as_datetime()];
    if times
        .iter()
        .flatten()
        .any(|t| *t > now + chrono::Duration::hours(1))
    {
        let _ = writeln!(
            out,
            "warning: this time is in the future; if that is a typo, record the right one with `runsheet set --correct`"
        );
    }
    if times
        .iter()
        .flatten()
        .any(|t| *t < now - chrono::Duration::days(366))
    {
        let _ = writeln!(
            out,
            "warning: this time is more than a year ago; if that is a typo, record the right one with `runsheet set --correct`"
        );
    }
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
///
/// The journal is streamed: each line is checked and dropped, so memory
/// stays bounded whatever the journal's size.
pub fn verify(path: &Path) -> Result<(String, u8), Failure> {
    let mut drafts = Vec::new();
    let mut consistency = run::Consistency::default();
    let checked = crate::journal::verify::verify_file(path, |line| {
        drafts.extend(draft_problem(path, &line));
        consistency.check(&line.entry);
    })
    .map_err(|error| OpenError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    let mut out = String::new();
    let count = checked.entries;
    let head = checked
        .head_hash
        .as_deref()
        .unwrap_or("none (no verified entry)");
    for problem in &drafts {
        let _ = writeln!(out, "broken: {problem}");
    }
    for warning in consistency.into_warnings() {
        let _ = writeln!(out, "warning: {warning}");
    }
    match &checked.broken {
        None if checked.torn_tail == 0 && count > 0 && !drafts.is_empty() => {
            let _ = writeln!(
                out,
                "{count} entries, hash chain verified from the first line, but the drafts above do not match the journal"
            );
            let _ = writeln!(out, "head hash: {head}");
            Ok((out, 1))
        }
        None if checked.torn_tail == 0 && count > 0 => {
            let _ = writeln!(
                out,
                "intact: {count} entries, hash chain verified from the first line"
            );
            let _ = writeln!(out, "head hash: {head}");
            Ok((out, 0))
        }
        None if count == 0 => {
            let _ = writeln!(
                out,
                "broken: {} holds no complete journal entry",
                path.display()
            );
            Ok((out, 1))
        }
        None => {
            let _ = writeln!(
                out,
                "broken: the file ends with an incomplete line of {} bytes after entry {} (an interrupted write; `runsheet resume` quarantines it)",
                checked.torn_tail,
                count.saturating_sub(1)
            );
            let _ = writeln!(out, "{count} complete entries verify; head hash: {head}");
            Ok((out, 1))
        }
        Some(problem) => {
            let _ = writeln!(out, "broken at {problem}");
            let _ = writeln!(
                out,
                "{count} entries before it verify; head hash of the verified part: {head}"
            );
            Ok((out, 1))
        }
    }
}

/// Every `message_drafted` entry whose file is missing, outside the
/// journal's folder, not a regular file, too large or changed.
fn draft_problem(path: &Path, line: &Line) -> Option<String> {
    // Only a `message_drafted` entry can name a draft: skip decoding others.
    if line.entry.kind != crate::journal::Kind::MessageDrafted {
        return None;
    }
    let Ok(Event {
        step,
        payload: Payload::MessageDrafted(m),
    }) = line.entry.event()
    else {
        return None;
    };
    let problem = crate::journal::attachment::read_draft(path, &m.file, &m.text_sha256).err()?;
    Some(format!(
        "entry {} (message_drafted v{}{}) names `{}`: {problem}",
        line.entry.seq,
        m.version,
        step.map(|s| format!(" of step `{s}`")).unwrap_or_default(),
        m.file
    ))
}
