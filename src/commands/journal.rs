//! `new`, `note`, `set` and `verify`: journal commands for scripts, alert
//! pipelines and reviewers.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{Env, Failure};
use crate::commands::open::{self, NewJournal, Resolved};
use crate::drill::ScenarioClock;
use crate::journal::event::{FactSet, Note, Payload};
use crate::journal::identity::Identity;
use crate::journal::verify::LineView;
use crate::journal::writer::{JournalFile, OpenError, WriteError};
use crate::journal::{Event, Line};
use crate::playbook::value;
use crate::run::{self, RunState, rules};

/// `runsheet new`: creates a journal and returns its path.
pub fn new(
    env: &Env,
    playbook: &str,
    journal: Option<PathBuf>,
    title: Option<String>,
    actor: Option<&str>,
    exercise: bool,
) -> Result<PathBuf, Failure> {
    if let Some(path) = &journal {
        refuse_case_journal(path, |dir| {
            format!(
                "{WRITTEN_THROUGH_ITS_CASE}; a responder joins it with: runsheet run --case {dir} --as NAME"
            )
        })?;
    }
    let (_, resolved) =
        open::discover_and_resolve(playbook, &crate::paths::local_playbook_dirs(), env.today)?;
    let who = Identity::new(script_actor(env, actor, &[])?);
    let settings = NewJournal {
        path: journal,
        title,
        exercise,
        timezone: env.config.incident_zone(resolved.playbook.timezone),
        drill: None,
        holidays: env.config.holidays(),
    };
    let (mut file, _) = open::create_journal(&resolved, settings, &who, env.clock.as_ref(), "cli")?;
    let path = file.path().to_path_buf();
    // Close the session like every other one-shot command: a journal that
    // ends inside a session is one whose tail may have been cut off.
    let ended = Event::new(Payload::SessionEnded(crate::journal::event::SessionEnded {
        reason: "cli".into(),
    }));
    file.append(who.draft(env.clock.as_ref(), ended))
        .map_err(|e| {
            Failure::usage(format!(
                "{}: the journal was created, but ending the session failed: {e}",
                path.display()
            ))
        })?;
    Ok(path)
}

/// Who a script acts as: `--as`, the config, the journal's last session
/// on this host, then the login name; never a made-up placeholder.
pub(crate) fn script_actor(
    env: &Env,
    flag: Option<&str>,
    lines: &[Line],
) -> Result<String, Failure> {
    env.config
        .actor(flag)
        .or_else(|| open::last_actor_on_host(lines, &crate::journal::writer::hostname()))
        .or_else(|| {
            std::env::var("USER")
                .ok()
                .map(|u| u.trim().to_string())
                .filter(|u| !u.is_empty())
        })
        .ok_or_else(|| {
            Failure::usage(
                "nobody is named: pass --as NAME or set `actor` in config.toml, so the journal records who acted",
            )
        })
}

/// A journal opened for one append from the command line.
struct OneShot {
    file: JournalFile,
    /// The journal's lines as opened (recoveries included).
    lines: Vec<Line>,
    resolved: Resolved,
    state: RunState,
    who: Identity,
    /// A drill's scenario clock: the entries are stamped on it and "now"
    /// for the values is its instant, as in the drill view.
    scenario: Option<ScenarioClock>,
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
    let who = Identity::new(script_actor(env, actor, &opened.lines)?);
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
    let scenario = crate::drill::journal_clock(&state);
    Ok(OneShot {
        file,
        lines,
        resolved,
        state,
        who,
        scenario,
        notices,
    })
}

impl OneShot {
    /// "Now" for the values written: the scenario instant in a drill (its
    /// facts are scenario instants), else the wall clock.
    fn now(&self, env: &Env) -> chrono::DateTime<chrono::Utc> {
        crate::drill::now_on(self.scenario.as_ref(), env.clock.now())
    }

    /// Appends `event` inside a session of its own; returns the entry's
    /// line.
    fn append(mut self, env: &Env, event: Event) -> Result<(Line, Vec<String>), Failure> {
        let scenario = self.scenario.take();
        let line = append_in_own_session(&mut self.file, &self.who, env, scenario.as_ref(), event)?;
        Ok((line, self.notices))
    }
}

/// Appends `event` inside a session of its own (`session_started`, the
/// entry, `session_ended`), like every program that opens the journal:
/// `verify` proves a journal's tail complete up to the last session end,
/// so an entry no session frames reads as one anyone could have added. In
/// a drill every entry is stamped on the scenario clock. Returns the
/// entry's line.
pub(super) fn append_in_own_session(
    file: &mut JournalFile,
    who: &Identity,
    env: &Env,
    scenario: Option<&ScenarioClock>,
    event: Event,
) -> Result<Line, Failure> {
    let path = file.path().display().to_string();
    let clock = env.clock.as_ref();
    let failed = |e: WriteError| {
        Failure::usage(format!(
            "{path}: write failed, the entry was not saved: {e}"
        ))
    };
    let draft = |event| crate::drill::stamped(scenario, who.draft(clock, event));
    file.append(draft(open::session_started("cli")))
        .map_err(failed)?;
    let line = file.append(draft(event)).map_err(failed)?;
    let ended = Event::new(Payload::SessionEnded(crate::journal::event::SessionEnded {
        reason: "cli".into(),
    }));
    file.append(draft(ended)).map_err(|e| {
        Failure::usage(format!(
            "{path}: the entry was saved as #{}, but ending the session failed: {e}",
            line.entry.seq
        ))
    })?;
    Ok(line)
}

/// Refuses `path` when it is a journal inside a team case's `journals/`:
/// such a journal is written and read only through its case, by its own
/// responder, so a command given its file instead of the case folder
/// would write under whoever runs it, into whichever journal was named,
/// with no `seen` of the others. `instead` says what to run, given the
/// case folder as it is typed. The message names the file and the case.
pub(super) fn refuse_case_journal(
    path: &Path,
    instead: impl FnOnce(&str) -> String,
) -> Result<(), Failure> {
    let Some(dir) = crate::case::folder::case_of_journal(path) else {
        return Ok(());
    };
    Err(Failure::usage(format!(
        "{} is a journal of the team case {}: {}",
        path.display(),
        dir.display(),
        instead(&super::tui::shell_quote(&dir.display().to_string()))
    )))
}

/// Why a writer refuses a case's journal named by its file.
pub(super) const WRITTEN_THROUGH_ITS_CASE: &str =
    "a case's journal is written only through the case, each by its own responder";

/// A drill journal's scenario clock as its lines leave it (the entries of
/// a command are stamped on it), or `None` for an incident.
pub(super) fn scenario_of(
    env: &Env,
    created: &crate::journal::event::Created,
    lines: &[Line],
) -> Result<Option<ScenarioClock>, Failure> {
    if created.drill.is_none() {
        return Ok(None);
    }
    let resolved = open::playbook_for(created, &env.catalog(), env.today)?;
    let state = run::replay(&resolved.playbook, lines.iter().map(|l| &l.entry));
    Ok(crate::drill::journal_clock(&state))
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
    refuse_case_journal(path, |dir| {
        format!("{WRITTEN_THROUGH_ITS_CASE}; note through the case: runsheet note {dir} TEXT")
    })?;
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
    New { confirm: bool },
    /// The value in force was wrong: a `correction` entry with the reason.
    Correct { reason: &'a str, confirm: bool },
    /// A decision on a fact a step decides, with why.
    Decide { rationale: &'a str, confirm: bool },
}

impl SetMode<'_> {
    fn confirmed(self) -> bool {
        match self {
            Self::New { confirm }
            | Self::Correct { confirm, .. }
            | Self::Decide { confirm, .. } => confirm,
        }
    }
}

/// A `correction` of the fact's value in force, carrying the corrected
/// entry's step so a step's history lists it (m12).
fn correction(
    state: &RunState,
    fact: &str,
    value: serde_json::Value,
    occurred_at: Option<chrono::DateTime<chrono::Utc>>,
    reason: &str,
) -> Result<Event, Failure> {
    let (corrects, step) = state
        .facts
        .get(fact)
        .and_then(|f| f.latest())
        .map(|r| (r.at.seq, r.step.clone()))
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
    Ok(Event {
        step,
        payload: Payload::Correction(Box::new(crate::journal::event::Correction {
            corrects,
            journal: None,
            reason: reason.trim().to_string(),
            value: Some(value),
            occurred_at,
            fields: serde_json::Map::new(),
        })),
    })
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
    refuse_case_journal(path, |dir| {
        format!(
            "{WRITTEN_THROUGH_ITS_CASE}; set through the case: runsheet set {dir} {}",
            super::tui::shell_quote(assignment)
        )
    })?;
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
    let now = shot.now(env);
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
    if let Some(at) = occurred_at {
        rules::not_in_future("--occurred-at", at, now, tz)
            .map_err(|r| Failure::usage(r.sentence()))?;
    }
    let confirmed = rules::fact_value(
        &playbook.facts,
        def,
        &value,
        &shot.state,
        now,
        tz,
        mode.confirmed(),
    )
    .map_err(|r| match r {
        rules::Refusal::Refused(why) => Failure::usage(why),
        rules::Refusal::Confirm(why) => {
            Failure::usage(format!("{why}; pass --confirm to record it anyway"))
        }
    })?;
    let shown = value.display(Some(def), tz);
    let decided_by = playbook
        .steps()
        .find(|s| s.decide.as_ref().is_some_and(|d| d.fact == fact))
        .map(|s| s.id.clone());
    if let (Some(step), SetMode::New { .. }) = (&decided_by, mode) {
        return Err(Failure::usage(format!(
            "`{fact}` is decided in step `{step}`: a decision records why, so pass --rationale TEXT (the decider is --as)"
        )));
    }
    let event = match mode {
        SetMode::Decide { rationale, .. } => {
            decision(def, &value, decided_by, rationale, &shot.who.actor)?
        }
        SetMode::New { .. } => Event::new(Payload::FactSet(FactSet {
            fact: fact.to_string(),
            value: value.to_json(),
            occurred_at,
            confirmed,
        })),
        SetMode::Correct { reason, .. } => {
            correction(&shot.state, fact, value.to_json(), occurred_at, reason)?
        }
    };
    let (line, notices) = shot.append(env, event)?;
    let mut out = confirm(&line, &notices);
    let _ = writeln!(out, "{fact} = {shown}");
    if let Some(t) = occurred_at {
        let _ = writeln!(out, "occurred at {}", value::format_local_and_utc(t, tz));
    }
    unlikely_time_warnings(&mut out, [occurred_at, value.as_datetime()], now);
    Ok(out)
}

/// Warns under a saved value of a time far in the future or more than a
/// year ago: likely a typo, which `set --correct` puts right.
fn unlikely_time_warnings(
    out: &mut String,
    times: [Option<chrono::DateTime<chrono::Utc>>; 2],
    now: chrono::DateTime<chrono::Utc>,
) {
    let times = times.iter().flatten();
    if times.clone().any(|t| *t > now + chrono::Duration::hours(1)) {
        let _ = writeln!(
            out,
            "warning: this time is in the future; if that is a typo, record the right one with `runsheet set --correct`"
        );
    }
    if times
        .clone()
        .any(|t| *t < now - chrono::Duration::days(366))
    {
        let _ = writeln!(
            out,
            "warning: this time is more than a year ago; if that is a typo, record the right one with `runsheet set --correct`"
        );
    }
}

/// `runsheet correct`: a correction of any correctable entry, naming it,
/// with the reason and the corrected fields.
pub fn correct(
    env: &Env,
    path: &Path,
    seq: u64,
    fields: &[String],
    reason: &str,
    actor: Option<&str>,
) -> Result<String, Failure> {
    let pairs = field_pairs(fields)?;
    // Its own `seq` is not the number the case's views show: a
    // correction by it lands on another entry than the one read.
    refuse_case_journal(path, |dir| {
        format!(
            "the case's views number entries by merged position, not by this journal's own; correct through the case: runsheet correct {dir} SEQ (the # that `runsheet review {dir}` shows)"
        )
    })?;
    let shot = open_for_append(env, path, actor)?;
    let target = shot
        .lines
        .iter()
        .find(|l| l.entry.seq == seq)
        .map(|l| (l.entry.kind, l.entry.step.clone()))
        .ok_or_else(|| Failure::usage(format!("{} has no entry #{seq}", path.display())))?;
    let corrected = rules::correction_fields(target.0, &pairs, reason)
        .map_err(|r| Failure::usage(format!("entry #{seq}: {r}")))?;
    let event = Event {
        step: target.1,
        payload: Payload::Correction(Box::new(crate::journal::event::Correction {
            corrects: seq,
            journal: None,
            reason: reason.trim().to_string(),
            value: None,
            occurred_at: None,
            fields: corrected,
        })),
    };
    let (line, notices) = shot.append(env, event)?;
    Ok(confirm(&line, &notices))
}

/// `--field NAME=VALUE` arguments as (name, value) pairs.
pub(crate) fn field_pairs(fields: &[String]) -> Result<Vec<(String, String)>, Failure> {
    fields
        .iter()
        .map(|f| {
            f.split_once('=')
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .ok_or_else(|| Failure::usage(format!("--field expects NAME=VALUE, got `{f}`")))
        })
        .collect()
}

/// The `decision` entry `set --rationale` records on the deciding step.
pub(crate) fn decision(
    def: &crate::playbook::FactDef,
    value: &crate::playbook::FactValue,
    decided_by: Option<String>,
    rationale: &str,
    decider: &str,
) -> Result<Event, Failure> {
    let fact = &def.id;
    let Some(step) = decided_by else {
        return Err(Failure::usage(format!(
            "no step decides `{fact}`: --rationale applies to decisions only"
        )));
    };
    if rationale.trim().is_empty() {
        return Err(Failure::usage("--rationale must say why it was decided"));
    }
    let options = match &def.ty {
        crate::playbook::FactType::Choice(options) => {
            options.iter().map(|o| o.value.clone()).collect()
        }
        _ => vec!["true".into(), "false".into()],
    };
    Ok(Event::on_step(
        step,
        Payload::Decision(Box::new(crate::journal::event::Decision {
            fact: fact.clone(),
            value: value.to_json(),
            rationale: rationale.trim().to_string(),
            options,
            decider: decider.to_string(),
        })),
    ))
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
    let checked = crate::journal::verify::view_file(path, None, |line, _| {
        drafts.extend(draft_problem(path, &line));
        consistency.check_line(&line);
    })
    .map_err(|error| OpenError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    Ok(chain_report(path, &checked, &drafts, consistency))
}

/// [`verify`] handing each verified line, with its `digest`, to `each` as
/// well, in the same single read of the journal; also returns the tally.
pub(crate) fn verify_with(
    path: &Path,
    digest: crate::journal::verify::LineDigest,
    mut each: impl FnMut(&LineView<'_>, [u8; 32]),
) -> Result<(String, u8, crate::journal::verify::Tally), Failure> {
    let mut drafts = Vec::new();
    let mut consistency = run::Consistency::default();
    let checked = crate::journal::verify::view_file(path, Some(digest), |line, hash| {
        drafts.extend(draft_problem(path, &line));
        consistency.check_line(&line);
        each(&line, hash.unwrap_or_default());
    })
    .map_err(|error| OpenError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    let (out, code) = chain_report(path, &checked, &drafts, consistency);
    Ok((out, code, checked))
}

/// The hash-chain part of `verify`'s report, from the streaming tally, the
/// draft files that do not match and the consistency warnings.
fn chain_report(
    path: &Path,
    checked: &crate::journal::verify::Tally,
    drafts: &[String],
    consistency: run::Consistency,
) -> (String, u8) {
    let mut out = String::new();
    let count = checked.entries;
    let head = checked
        .head_hash
        .as_deref()
        .unwrap_or("none (no verified entry)");
    for problem in drafts {
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
            (out, 1)
        }
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
        Some(_) if count == 0 && crate::journal::verify::is_not_a_journal(path) => {
            let _ = writeln!(
                out,
                "not a runsheet journal: {}",
                crate::journal::writer::NO_ENTRY_LINE
            );
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

/// Every `message_drafted` entry whose file is missing, outside the
/// journal's folder, not a regular file, too large or changed.
pub(crate) fn draft_problem(path: &Path, line: &LineView<'_>) -> Option<String> {
    // Only a `message_drafted` entry can name a draft: skip decoding others.
    if line.kind != crate::journal::Kind::MessageDrafted {
        return None;
    }
    let Ok(Event {
        step,
        payload: Payload::MessageDrafted(m),
    }) = line.entry().and_then(|entry| entry.event())
    else {
        return None;
    };
    let problem = crate::journal::attachment::read_draft(path, &m.file, &m.text_sha256).err()?;
    Some(format!(
        "entry {} (message_drafted v{}{}) names `{}`: {problem}",
        line.seq,
        m.version,
        step.map(|s| format!(" of step `{s}`")).unwrap_or_default(),
        m.file
    ))
}

/// `runsheet close`: writes the `closed` entry. Required steps still open
/// are refused by name unless each has `--open-step-reason STEP=REASON`.
pub fn close(
    env: &Env,
    path: &Path,
    reason: &str,
    step_reasons: &[String],
    actor: Option<&str>,
) -> Result<String, Failure> {
    let pairs = step_reasons
        .iter()
        .map(|r| {
            r.split_once('=')
                .map(|(s, why)| (s.trim().to_string(), why.to_string()))
                .ok_or_else(|| {
                    Failure::usage(format!("--open-step-reason expects STEP=REASON, got `{r}`"))
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    refuse_case_journal(path, |dir| {
        format!(
            "{WRITTEN_THROUGH_ITS_CASE}; close it from the case's runner: runsheet run --case {dir}"
        )
    })?;
    let shot = open_for_append(env, path, actor)?;
    let closed = crate::run::closing::close(&shot.resolved.playbook, &shot.state, reason, &pairs)
        .map_err(|r| Failure::usage(format!("{}: not closed: {r}", path.display())))?;
    let (line, notices) = shot.append(env, Event::new(Payload::Closed(closed)))?;
    Ok(confirm(&line, &notices))
}
