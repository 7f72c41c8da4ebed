//! `evidence add`, `evidence transfer`, `evidence check` and the
//! chain-of-custody export: the IO shell around `crate::evidence`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use super::{Env, Failure};
use crate::commands::open as session;
use crate::evidence::hashing::{self, Bar, Progress};
use crate::evidence::{self, Registered};
use crate::journal::Event;
use crate::journal::event::{EvidenceAdded, EvidenceItem, EvidenceTransferred, Payload};
use crate::journal::identity::Identity;
use crate::journal::writer::JournalFile;

/// Every regular file named: a file itself, a folder file by file (in
/// name order), each with its path relative to what was named's parent.
fn files_of(paths: &[PathBuf]) -> Result<Vec<(PathBuf, String)>, Failure> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::symlink_metadata(path)
            .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?;
        let base = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        if meta.is_dir() {
            walk(path, &base, &mut out)?;
        } else if meta.is_file() {
            out.push((path.clone(), base));
        } else {
            return Err(Failure::usage(format!(
                "{}: not a regular file or folder (links and devices are not followed)",
                path.display()
            )));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, rel: &str, out: &mut Vec<(PathBuf, String)>) -> Result<(), Failure> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Failure::usage(format!("{}: {e}", dir.display())))?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(std::fs::DirEntry::file_name);
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(&path, &format!("{rel}/{name}"), out)?;
        } else if kind.is_file() {
            out.push((path, format!("{rel}/{name}")));
        }
    }
    Ok(())
}

/// Hashes each file (streaming) into the next register items.
fn hash_items(
    files: &[(PathBuf, String)],
    known: &[Registered],
    progress: &mut dyn Progress,
) -> Result<Vec<EvidenceItem>, Failure> {
    let mut items = Vec::with_capacity(files.len());
    for (i, (path, rel)) in files.iter().enumerate() {
        let (sha256, size) = hashing::sha256_file(path, progress)
            .map_err(|e| Failure::usage(format!("{}: cannot read: {e}", path.display())))?;
        let modified = std::fs::metadata(path)
            .and_then(|m| m.modified())
            .ok()
            .map(|t| crate::journal::timestamp::format(&chrono::DateTime::<chrono::Utc>::from(t)));
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.clone());
        items.push(EvidenceItem {
            id: evidence::next_id(known, i),
            path: absolute.display().to_string(),
            rel: rel.clone(),
            size,
            sha256,
            modified,
        });
    }
    Ok(items)
}

/// The `evidence_added` payload the runner records: the same items
/// `evidence add` would record for `paths`, numbered after the evidence
/// already in `lines`, collected from this machine.
pub fn collected(
    paths: &[PathBuf],
    lines: &[crate::journal::Line],
    label: Option<String>,
) -> Result<Payload, String> {
    let files = files_of(paths).map_err(|f| f.message)?;
    if files.is_empty() {
        return Err("no file to record".into());
    }
    let known = evidence::register(lines);
    let items = hash_items(&files, &known, &mut hashing::Silent).map_err(|f| f.message)?;
    Ok(Payload::EvidenceAdded(EvidenceAdded {
        items,
        label,
        source: crate::journal::writer::hostname(),
    }))
}

/// Options of `evidence add`.
#[derive(Debug, Default)]
pub struct AddOptions<'a> {
    pub label: Option<&'a str>,
    pub step: Option<&'a str>,
    pub source: Option<&'a str>,
    pub actor: Option<&'a str>,
}

/// Refuses a team case's journal named by its file: the case's runner
/// records evidence in the responder's own journal.
fn refuse_case_journal(journal: &Path) -> Result<(), Failure> {
    super::journal::refuse_case_journal(journal, |dir| {
        format!(
            "{}; record evidence from the case's runner: runsheet run --case {dir}",
            super::journal::WRITTEN_THROUGH_ITS_CASE
        )
    })
}

/// `runsheet evidence add <journal> <path>…`: hashes each file and
/// journals one `evidence_added` entry.
pub fn add(
    env: &Env,
    journal: &Path,
    paths: &[PathBuf],
    options: &AddOptions<'_>,
) -> Result<String, Failure> {
    let files = files_of(paths)?;
    if files.is_empty() {
        return Err(Failure::usage("no file to record"));
    }
    refuse_case_journal(journal)?;
    let opened = JournalFile::open(journal)?;
    let created = session::require_created(&opened.lines, journal)?;
    if let Some(step) = options.step {
        // A mistyped step would file the evidence under nothing.
        let resolved = session::playbook_for(&created, &env.catalog(), env.today)?;
        if resolved.playbook.step(step).is_none() {
            return Err(Failure::usage(format!(
                "playbook `{}` has no step `{step}`",
                resolved.playbook.id
            )));
        }
    }
    let known = evidence::register(&opened.lines);
    let mut progress: Box<dyn Progress> = Bar::for_terminal();
    let items = hash_items(&files, &known, progress.as_mut())?;
    let who = Identity::new(super::journal::script_actor(
        env,
        options.actor,
        &opened.lines,
    )?);
    let scenario = super::journal::scenario_of(env, &created, &opened.lines)?;
    let mut file = opened.file;
    let write_failed = |e: crate::journal::writer::WriteError| {
        Failure::usage(format!(
            "{}: write failed, nothing was recorded: {e}",
            journal.display()
        ))
    };
    for recovery in opened.recoveries {
        let draft = who.draft(env.clock.as_ref(), Event::new(Payload::Recovery(recovery)));
        file.append(draft).map_err(write_failed)?;
    }
    let count = items.len();
    let first = items.first().map(|i| i.id.clone()).unwrap_or_default();
    let last = items.last().map(|i| i.id.clone()).unwrap_or_default();
    let payload = Payload::EvidenceAdded(EvidenceAdded {
        items,
        label: options.label.map(str::to_string),
        source: options
            .source
            .map_or_else(crate::journal::writer::hostname, str::to_string),
    });
    let event = Event {
        step: options.step.map(str::to_string),
        payload,
    };
    let line =
        super::journal::append_in_own_session(&mut file, &who, env, scenario.as_ref(), event)?;
    let range = if count == 1 {
        first
    } else {
        format!("{first}–{last}")
    };
    Ok(format!(
        "saved: entry {} (evidence_added): {count} item(s), {range}\n",
        line.entry.seq
    ))
}

/// `runsheet evidence transfer <journal> <item> --to NAME --reason R`.
pub fn transfer(
    env: &Env,
    journal: &Path,
    item: &str,
    to: &str,
    reason: &str,
    actor: Option<&str>,
) -> Result<String, Failure> {
    if to.trim().is_empty() || reason.trim().is_empty() {
        return Err(Failure::usage(
            "--to and --reason must say who receives it and why",
        ));
    }
    refuse_case_journal(journal)?;
    let opened = JournalFile::open(journal)?;
    let created = session::require_created(&opened.lines, journal)?;
    let scenario = super::journal::scenario_of(env, &created, &opened.lines)?;
    let register = evidence::register(&opened.lines);
    let found = register.iter().find(|r| r.item.id == item).ok_or_else(|| {
        Failure::usage(format!("{}: no evidence item `{item}`", journal.display()))
    })?;
    let who = Identity::new(super::journal::script_actor(env, actor, &opened.lines)?);
    let mut file = opened.file;
    let payload = Payload::EvidenceTransferred(EvidenceTransferred {
        item: item.to_string(),
        from: found.holder().to_string(),
        to: to.trim().to_string(),
        reason: reason.trim().to_string(),
    });
    let line = super::journal::append_in_own_session(
        &mut file,
        &who,
        env,
        scenario.as_ref(),
        Event::new(payload),
    )?;
    Ok(format!(
        "saved: entry {} (evidence_transferred): {item} from {} to {}\n",
        line.entry.seq,
        found.holder(),
        to.trim()
    ))
}

/// `runsheet evidence check <journal> [root]`: hashes every item again;
/// exit 1 when one changed or is missing. With `root`, items are looked for
/// under it by their relative path (a copy made elsewhere).
pub fn check(journal: &Path, root: Option<&Path>) -> Result<(String, u8), Failure> {
    let verified = session::read_journal(journal)?;
    let register = evidence::register(&verified.lines);
    let mut out = String::new();
    let mut bad = 0;
    let mut progress: Box<dyn Progress> = Bar::for_terminal();
    for r in &register {
        let path = root.map_or_else(
            || PathBuf::from(&r.item.path),
            |root| root.join(&r.item.rel),
        );
        let shown = path.display();
        match hashing::sha256_file(&path, progress.as_mut()) {
            Ok((sha, _)) if sha == r.item.sha256 => {}
            Ok((sha, size)) => {
                bad += 1;
                let _ = writeln!(
                    out,
                    "changed: {} {shown}: SHA-256 {sha} ({size} bytes), recorded {} ({} bytes)",
                    r.item.id, r.item.sha256, r.item.size
                );
            }
            Err(e) => {
                bad += 1;
                let _ = writeln!(out, "missing: {} {shown}: {e}", r.item.id);
            }
        }
    }
    if bad == 0 {
        let _ = writeln!(
            out,
            "intact: all {} evidence items match their SHA-256",
            register.len()
        );
    } else {
        let _ = writeln!(
            out,
            "{bad} of {} evidence items changed or missing",
            register.len()
        );
    }
    if !verified.is_intact() {
        let _ = writeln!(
            out,
            "note: the journal itself does not verify; run `runsheet verify`"
        );
        bad += 1;
    }
    Ok((out, u8::from(bad > 0)))
}

/// `runsheet export --format custody-csv`: the form, and when the journal
/// does not verify, the sentence saying where and why its verified part
/// stops (the warning; the form's last row says the same).
pub fn custody_csv(journal: &Path) -> Result<(String, Option<String>), Failure> {
    // Read as a stream, keeping only the lines the register is made of.
    let mut kept = Vec::new();
    let mut exercise = false;
    let mut journal_id = String::new();
    let mut records_proofs = false;
    let tally = crate::journal::verify::verify_file(journal, |line| {
        records_proofs |= super::proof::is_proof(line.entry.kind);
        if line.entry.seq == 0
            && let Ok(Payload::JournalCreated(created)) = line.entry.event().map(|e| e.payload)
        {
            exercise = created.exercise;
            journal_id = created.journal_id;
        }
        if matches!(
            line.entry.kind,
            crate::journal::Kind::EvidenceAdded | crate::journal::Kind::EvidenceTransferred
        ) {
            kept.push(line);
        }
    })
    .map_err(|error| crate::journal::writer::OpenError::Io {
        path: journal.to_path_buf(),
        error,
    })?;
    let register: Vec<Registered> = evidence::register(&kept);
    let mut csv = evidence::custody::csv(&register, exercise);
    let stops = where_verified_part_stops(&tally);
    if let Some(stops) = &stops {
        evidence::custody::closing_row(&mut csv, exercise, stops);
    }
    let mut warning = stops.map(|stops| format!("{}: {stops}", journal.display()));
    // A chain intact but a checkpoint or timestamp that does not verify:
    // the record may have been rewritten, and the form says so.
    if warning.is_none() && records_proofs {
        let problems = super::proof::recorded_proof_problems(journal)?;
        if let Some(first) = problems.first() {
            let statement = format!(
                "FORM NOT VERIFIED: {}{first}",
                super::status::PROOF_DOES_NOT_VERIFY
            );
            evidence::custody::statement_row(&mut csv, exercise, &statement);
            warning = Some(format!("{}: {statement}", journal.display()));
        }
    }
    // What ties the form to its journal: a reader compares the head hash
    // with `runsheet verify` or with one kept elsewhere.
    evidence::custody::statement_row(
        &mut csv,
        exercise,
        &format!(
            "JOURNAL {journal_id}: made from its {} verified entries; head hash {}",
            tally.entries,
            tally.head_hash.as_deref().unwrap_or("none")
        ),
    );
    Ok((csv, warning))
}

/// Where and why the verified part of a journal stops, or `None` when the
/// whole journal verifies.
fn where_verified_part_stops(tally: &crate::journal::verify::Tally) -> Option<String> {
    let entries = tally.entries;
    match (&tally.broken, tally.torn_tail) {
        (Some(b), _) => Some(format!(
            "journal broken at {b}; the form holds the custody recorded in the {entries} entries before it"
        )),
        (None, n) if n > 0 => Some(format!(
            "the file ends with {n} bytes of an interrupted write; the form holds the custody recorded in the {entries} complete entries"
        )),
        _ => None,
    }
}
