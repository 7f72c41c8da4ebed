//! `runsheet status`: where an incident stands, for people (text) and
//! scripts (`--json`, documented in docs/journal-format.md).

use std::path::Path;

use chrono::DateTime;
use chrono_tz::Tz;

use super::{Env, Failure, Report};
use crate::case::contested::Contested;
use crate::catalog::Catalog;
use crate::clocks::format_duration;
use crate::commands::open::{self, Resolved};
use crate::export::summary::{self, Summary};
use crate::journal::Line;
use crate::journal::verify::view_file_for_summary;
use crate::journal::writer::OpenError;
use crate::playbook::Playbook;
use crate::playbook::value::format_local_and_utc;
use crate::run::RunState;

/// Reads, verifies and summarises a journal (never writes it). The exit
/// code is 1 when the journal fails verification.
///
/// The journal is streamed into the replay, one line at a time: memory
/// holds the replayed state, never every entry.
pub fn run(env: &Env, path: &Path, json: bool) -> Result<Report, Failure> {
    let mut drafts = Vec::new();
    let mut records_proofs = false;
    let (verified, replay) = std::thread::scope(|scope| {
        let mut catalog = env.catalog_ahead(scope, path);
        let mut replay: Option<Result<(Resolved, RunState), Failure>> = None;
        // Entries are decoded for replay on the checking cores; no line
        // text is copied, nor a note's text (a summary keeps no notes).
        let verified = view_file_for_summary(path, |line| {
            // Draft files are checked as `verify` checks them, so that the
            // two never disagree on whether the journal verifies.
            drafts.extend(super::journal::draft_problem(path, &line));
            records_proofs |= super::proof::is_proof(line.kind);
            if let Some(Ok((resolved, state))) = &mut replay {
                state.apply_typed(&resolved.playbook, line.into_typed());
            } else if replay.is_none() {
                let first = line.into_line();
                replay = Some(start_replay(
                    env,
                    catalog.get(),
                    path,
                    std::slice::from_ref(&first),
                ));
            }
        });
        let replay = match replay {
            Some(started) => started,
            None => start_replay(env, catalog.get(), path, &[]),
        };
        (verified, replay)
    });
    let verified = verified.map_err(|error| OpenError::Io {
        path: path.to_path_buf(),
        error,
    })?;
    let (resolved, mut state) = replay?;
    crate::run::times_ahead::add_warnings(&mut state, &resolved.playbook, env.clock.now());
    // An incident's clocks run now; a drill's at the scenario time of its
    // last entry, as its reports have them.
    let now = crate::drill::clocks_now(&state, env.clock.now());
    let mut summary = summary::summarise_tally(&verified, &resolved.playbook, &state, now);
    with_draft_problems(&mut summary.journal, &drafts);
    if summary.journal.intact && records_proofs {
        with_proof_problems(
            &mut summary.journal,
            &super::proof::recorded_proof_problems(path)?,
        );
    }
    // As `verify`: a break, a torn tail or a draft file that does not
    // match is a failed verification (FORMATS.md: exit 1).
    let code = u8::from(!summary.journal.intact);
    let problem = (!summary.journal.intact).then(|| {
        does_not_verify(
            path,
            summary
                .journal
                .problem
                .as_deref()
                .unwrap_or("it failed verification"),
        )
    });
    let text = if json {
        let mut t = serde_json::to_string_pretty(&summary).unwrap_or_default();
        t.push('\n');
        t
    } else {
        render_text(&summary, state.timezone())
    };
    super::free_in_background(state);
    Ok(Report {
        text,
        code,
        problem,
    })
}

/// The line for stderr when `status` reports on a journal or case that
/// fails verification.
pub fn does_not_verify(path: &Path, problem: &str) -> String {
    format!(
        "{} does not verify: {problem} (`runsheet verify {}` says more)",
        path.display(),
        path.display()
    )
}

/// How a draft problem starts in `problem`, where the chain is intact.
const DRAFTS_DO_NOT_MATCH: &str = "MESSAGE DRAFTS DO NOT MATCH the journal: ";

/// Marks `journal` not intact when draft files are missing or changed,
/// naming them in `problem` unless the chain's own problem is there.
fn with_draft_problems(journal: &mut summary::JournalInfo, drafts: &[String]) {
    if drafts.is_empty() {
        return;
    }
    journal.intact = false;
    if journal.problem.is_none() {
        journal.problem = Some(format!(
            "{DRAFTS_DO_NOT_MATCH}{}",
            crate::export::drafts::in_short(drafts, "`runsheet verify`")
        ));
    }
}

/// Marks `journal` not intact when a checkpoint or timestamp it records
/// does not verify, naming the first problem as `verify` does.
pub fn with_proof_problems(journal: &mut summary::JournalInfo, problems: &[String]) {
    if let Some(first) = problems.first() {
        journal.intact = false;
        journal.problem = Some(format!("{PROOF_DOES_NOT_VERIFY}{first}"));
    }
}

/// How a failed checkpoint or timestamp starts in `problem`.
pub const PROOF_DOES_NOT_VERIFY: &str = "CHECKPOINT OR TIMESTAMP DOES NOT VERIFY: ";

/// The playbook the journal's first line names, and the state after
/// that line: where a streamed replay starts. No line: not a journal.
fn start_replay(
    env: &Env,
    catalog: &Catalog,
    path: &Path,
    first: &[Line],
) -> Result<(Resolved, RunState), Failure> {
    let created = open::require_created(first, path)?;
    let resolved = open::playbook_for(&created, catalog, env.today)?;
    let mut state = RunState::for_summary();
    for line in first {
        state.apply(&resolved.playbook, &line.entry);
    }
    Ok((resolved, state))
}

fn when(text: Option<&str>, tz: Tz) -> String {
    text.and_then(|t| DateTime::parse_from_rfc3339(t).ok())
        .map_or_else(|| "-".into(), |t| format_local_and_utc(t.to_utc(), tz))
}

fn secs(s: i64) -> String {
    format_duration(chrono::Duration::seconds(s))
}

/// The human report.
pub fn render_text(s: &Summary, tz: Tz) -> String {
    render_marked(s, tz, None)
}

/// What a case's report marks: its open conflicts, and the playbook that
/// says which facts each clock reads.
#[derive(Debug, Clone, Copy)]
pub struct CaseMarks<'a> {
    pub contested: &'a Contested,
    pub playbook: &'a Playbook,
}

/// The human report of a case: as [`render_text`], with the open
/// conflicts counted under the header and each clock reading a contested
/// fact marked on its line, so neither is taken for settled.
pub fn render_case_text(s: &Summary, tz: Tz, marks: CaseMarks<'_>) -> String {
    render_marked(s, tz, Some(marks))
}

fn render_marked(s: &Summary, tz: Tz, marks: Option<CaseMarks<'_>>) -> String {
    let mut out = String::new();
    header(&mut out, s, tz);
    if let Some(line) = marks.and_then(|m| m.contested.headline()) {
        row(&mut out, format_args!("{line}"));
    }
    progress(&mut out, s, tz);
    open_required(&mut out, s, tz);
    clocks(&mut out, s, tz, marks);
    for section in [sent, facts_and_decisions, roles_and_warnings] {
        section(&mut out, s, tz);
    }
    out
}

/// Title, exercise marking, verification and times.
fn header(out: &mut String, s: &Summary, tz: Tz) {
    let j = &s.journal;
    if j.exercise {
        row(
            out,
            format_args!(
                "*** EXERCISE EXERCISE EXERCISE: this is a drill, not a real incident ***"
            ),
        );
    }
    row(out, format_args!("{}", j.title));
    row(
        out,
        format_args!(
            "playbook {} {} · {} entries · {}",
            s.playbook.id,
            s.playbook.version,
            j.entries,
            match (&j.problem, j.torn_tail_bytes) {
                (Some(p), _)
                    if p.starts_with(DRAFTS_DO_NOT_MATCH)
                        || p.starts_with(PROOF_DOES_NOT_VERIFY) =>
                {
                    p.clone()
                }
                (Some(p), _) => format!("BROKEN at {p}"),
                (None, 0) => "intact".to_string(),
                (None, n) => format!("incomplete last line ({n} bytes)"),
            }
        ),
    );
    if let Some(c) = &s.closed {
        row(
            out,
            format_args!(
                "CLOSED {} by {} · {}",
                when(Some(&c.at), tz),
                c.by,
                c.reason
            ),
        );
        for open in &c.open_steps {
            row(
                out,
                format_args!("  left open: {} · {}", open.step, open.reason),
            );
        }
    }
    if let Some(head) = &j.head_hash {
        row(out, format_args!("head hash {head}"));
    }
    row(
        out,
        format_args!(
            "created {} · last activity {} · times in {}",
            when(j.created_at.as_deref(), tz),
            when(j.last_activity.as_deref(), tz),
            j.timezone
        ),
    );
}

/// Steps closed per phase.
fn progress(out: &mut String, s: &Summary, _: Tz) {
    let p = &s.progress;
    out.push('\n');
    row(out, format_args!("Progress {}/{} steps", p.closed, p.total));
    let width = p
        .phases
        .iter()
        .map(|x| x.title.chars().count())
        .max()
        .unwrap_or(0);
    for phase in &p.phases {
        row(
            out,
            format_args!(
                "  {:<width$}  {:>3}/{:<3} {}",
                phase.title,
                phase.closed,
                phase.total,
                bar(phase.closed, phase.total)
            ),
        );
    }
}

/// Required steps still open.
fn open_required(out: &mut String, s: &Summary, _: Tz) {
    out.push('\n');
    row(
        out,
        format_args!("Open required steps ({})", s.open_required.len()),
    );
    for step in &s.open_required {
        let role = step
            .role
            .as_deref()
            .map(|r| format!(" [{r}]"))
            .unwrap_or_default();
        row(
            out,
            format_args!("  {} · {}{role} ({})", step.id, step.title, step.status),
        );
    }
}

/// Every clock stage, in words; in a case, a stage reading a contested
/// fact says which and between what.
fn clocks(out: &mut String, s: &Summary, tz: Tz, marks: Option<CaseMarks<'_>>) {
    out.push('\n');
    row(
        out,
        format_args!("Clocks (not legal advice: check each against its source)"),
    );
    if s.clocks.is_empty() {
        row(out, format_args!("  none"));
    }
    for c in &s.clocks {
        let provisional = if c.provisional.is_empty() {
            String::new()
        } else {
            format!(" [if it applies: waiting for {}]", c.provisional.join(", "))
        };
        let detail = match c.state {
            "running" => format!(
                "running, {} left, due {}",
                secs(c.remaining_seconds.unwrap_or_default()),
                when(c.due.as_deref(), tz)
            ),
            "breached" => format!(
                "BREACHED, late by {}, was due {}",
                secs(c.late_by_seconds.unwrap_or_default()),
                when(c.due.as_deref(), tz)
            ),
            "submitted_late" => format!(
                "submitted late by {} at {}",
                secs(c.late_by_seconds.unwrap_or_default()),
                when(c.submitted_at.as_deref(), tz)
            ),
            "met" => match c.margin_seconds {
                Some(m) => format!(
                    "met at {}, {} before the deadline",
                    when(c.submitted_at.as_deref(), tz),
                    secs(m)
                ),
                None => format!("met at {}", when(c.submitted_at.as_deref(), tz)),
            },
            "elapsing" => format!(
                "{}: {} elapsed{}",
                c.soft.as_deref().unwrap_or("no fixed deadline"),
                secs(c.elapsed_seconds.unwrap_or_default()),
                c.due
                    .as_deref()
                    .map(|cap| format!(", at the latest by {}", when(Some(cap), tz)))
                    .unwrap_or_default()
            ),
            other => format!(
                "{}: {}",
                other.replace('_', " "),
                c.reason.as_deref().unwrap_or("")
            ),
        };
        let contested = marks
            .and_then(|m| contested_note(m, &c.clock, &c.stage))
            .map(|note| format!(" [⚠ {note}]"))
            .unwrap_or_default();
        row(
            out,
            format_args!(
                "  {}.{} · {} · {detail}{provisional}{contested}",
                c.clock, c.stage, c.title
            ),
        );
    }
}

/// Why stage `clock`.`stage` is contested (see [`Contested::stage_note`]).
fn contested_note(marks: CaseMarks<'_>, clock: &str, stage: &str) -> Option<String> {
    let clock = marks.playbook.clock(clock)?;
    marks.contested.stage_note(clock, clock.stage(stage)?)
}

/// Notifications and statements sent: who, when, how, to whom, reference.
fn sent(out: &mut String, s: &Summary, tz: Tz) {
    out.push('\n');
    row(out, format_args!("Sent ({})", s.sent.len()));
    for m in &s.sent {
        let reference = m
            .reference
            .as_deref()
            .map(|r| format!(" · reference {r}"))
            .unwrap_or_default();
        let meets = if m.stages.is_empty() {
            String::new()
        } else {
            format!(" · meets {}", m.stages.join(", "))
        };
        // A drill's sending time is a scenario instant, as its facts are.
        let scenario = if s.on_scenario_time {
            "sent at scenario date "
        } else {
            ""
        };
        row(
            out,
            format_args!(
                "  {} {} · {scenario}{} · via {} to {}{reference}{meets} · recorded by {}",
                m.purpose,
                m.step.as_deref().unwrap_or("-"),
                when(Some(&m.sent_at), tz),
                m.channel,
                m.recipient,
                m.by
            ),
        );
    }
}

/// Facts as they stand and the decisions taken.
fn facts_and_decisions(out: &mut String, s: &Summary, tz: Tz) {
    out.push('\n');
    row(out, format_args!("Facts ({})", s.facts.len()));
    for f in &s.facts {
        let corrected = if f.corrected { " (corrected)" } else { "" };
        row(
            out,
            format_args!(
                "  {} = {}{corrected} · by {} at {}",
                f.id,
                f.display,
                f.by,
                when(Some(&f.recorded_at), tz)
            ),
        );
    }
    out.push('\n');
    row(out, format_args!("Decisions ({})", s.decisions.len()));
    for d in &s.decisions {
        let corrected = if d.corrected_in.is_empty() {
            String::new()
        } else {
            let seqs: Vec<String> = d.corrected_in.iter().map(|n| format!("#{n}")).collect();
            format!(" · corrected in {}", seqs.join(", "))
        };
        row(
            out,
            format_args!(
                "  {} = {} · decided by {} at {} · because: {}{corrected}",
                d.fact,
                d.display,
                d.decider,
                when(Some(&d.at), tz),
                d.rationale
            ),
        );
    }
}

/// Who holds which role, and what replay noticed.
fn roles_and_warnings(out: &mut String, s: &Summary, _: Tz) {
    let assigned: Vec<_> = s.roles.iter().filter(|r| r.person.is_some()).collect();
    if !assigned.is_empty() {
        out.push('\n');
        row(out, format_args!("Roles"));
        for r in assigned {
            row(
                out,
                format_args!(
                    "  {} ({}): {}",
                    r.title,
                    r.role,
                    r.person.as_deref().unwrap_or("")
                ),
            );
        }
    }
    if !s.warnings.is_empty() {
        out.push('\n');
        row(out, format_args!("Warnings"));
        for w in &s.warnings {
            row(out, format_args!("  {w}"));
        }
    }
}

/// Writes one row of the report: the formatted text on one line, any
/// line break carried by journal text (a rationale, a note, a reason)
/// shown as `↵` so it cannot start a line that reads as the report's own.
fn row(out: &mut String, args: std::fmt::Arguments<'_>) {
    let text = args.to_string();
    out.push_str(&crate::printable::one_line(&text));
    out.push('\n');
}

fn bar(closed: usize, total: usize) -> String {
    const WIDTH: usize = 10;
    let filled = (closed * WIDTH)
        .checked_div(total)
        .unwrap_or(WIDTH)
        .min(WIDTH);
    format!("{}{}", "#".repeat(filled), ".".repeat(WIDTH - filled))
}
