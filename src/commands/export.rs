//! `runsheet export`: the IO around [`render`](crate::export::render) and [`aar::render`]. Reads
//! and verifies the journal (never writes it), resolves its playbook (and
//! for an exercise report, its drill scenario), renders, and writes the
//! result whole or not at all.

use std::collections::HashSet;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, NaiveDate};

use crate::catalog::Catalog;
use crate::commands::ahead::Ahead;
use crate::commands::open::{self, Resolved};
use crate::commands::{Env, Failure};
use crate::export::drafts::DraftTexts;
use crate::export::report::{self, Report, Scanned, Unscanned};
use crate::export::stream::{self, Failed, Slot, Source, Streamed};
use crate::export::timesketch::{self, StatedTime};
use crate::export::view::View;
use crate::export::{Format, Input, aar};
use crate::journal::Line;
use crate::journal::event::Created;
use crate::journal::verify::{Verified, view_file_for_summary};
use crate::journal::writer::OpenError;
use crate::run::{self, RunState};

/// What the command found, once the export is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    /// For standard error: why the exit code is not 0.
    pub warning: Option<String>,
    /// 0 intact, 1 the journal does not fully verify (the export is still
    /// written, covering the verified part).
    pub code: u8,
}

/// Where an export goes.
pub enum Destination<'a> {
    /// A file (`-o`), replaced whole or not at all.
    File(&'a Path),
    /// Standard output, written as the export is made: a long journal's
    /// export is never held whole in memory. A failure part way is an
    /// error (exit 2, or 1 when the journal changed); `-o` is the way to
    /// get a whole export or none.
    Stream(&'a mut dyn Write),
}

impl std::fmt::Debug for Destination<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File(path) => f.debug_tuple("File").field(path).finish(),
            Self::Stream(_) => f.write_str("Stream"),
        }
    }
}

impl<'a> Destination<'a> {
    /// `output` when given, else `stdout`.
    pub fn of(output: Option<&'a Path>, stdout: &'a mut dyn Write) -> Self {
        output.map_or(Self::Stream(stdout), Self::File)
    }
}

/// Exports `journal` in `format` to `to`.
pub fn run(
    env: &Env,
    journal: &Path,
    format: Format,
    to: Destination<'_>,
) -> Result<Exported, Failure> {
    let streamed = match format {
        Format::Csv => Streamed::Csv,
        Format::Timesketch => Streamed::Timesketch,
        Format::Json => Streamed::Json,
        Format::CacaoStatus => Streamed::CacaoStatus,
        Format::Markdown => return run_report(env, journal, Report::Markdown, to),
        Format::Html => return run_report(env, journal, Report::Html, to),
    };
    run_streamed(env, journal, streamed, to)
}

/// The failure of a write to standard output (exit 2, as for a file).
fn stdout_failed(error: &std::io::Error) -> Failure {
    Failure::usage(format!(
        "standard output: {}",
        crate::diag::describe_io(error)
    ))
}

/// Writes an export made as the journal is read back: to a file (whole or
/// not at all) or to a stream. A read of the journal that fails is the
/// journal's error; a write that fails is the output's.
fn deliver_streamed(
    journal: &Path,
    to: Destination<'_>,
    write: impl Fn(&mut dyn Write) -> Result<(), Failed>,
) -> Result<(), Failure> {
    let reading = |error: &std::io::Error| {
        Failure::bad(format!(
            "{}: {}",
            journal.display(),
            crate::diag::describe_io(error)
        ))
    };
    let path = match to {
        Destination::File(path) => path,
        Destination::Stream(out) => {
            let mut out = BufWriter::new(out);
            return match write(&mut out) {
                Ok(()) => out.flush().map_err(|e| stdout_failed(&e)),
                Err(Failed::Reading(e)) => Err(reading(&e)),
                Err(Failed::Writing(e)) => Err(stdout_failed(&e)),
            };
        }
    };
    let mut failed = None;
    let written = write_atomically_with(path, |file| {
        let mut out = BufWriter::new(file);
        match write(&mut out) {
            Ok(()) => out.flush(),
            Err(e) => {
                failed = Some(e);
                Err(std::io::Error::other("the export stopped"))
            }
        }
    });
    match (failed, written) {
        (Some(Failed::Reading(e)), _) => Err(reading(&e)),
        (Some(Failed::Writing(e)), _) | (None, Err(e)) => Err(Failure::usage(format!(
            "{}: {}",
            path.display(),
            crate::diag::describe_io(&e)
        ))),
        (None, Ok(())) => Ok(()),
    }
}

/// Writes a whole export to `to`: a file is replaced whole or not at all.
pub fn deliver_text(text: &str, to: Destination<'_>) -> Result<(), Failure> {
    match to {
        Destination::File(path) => write_atomically(path, text.as_bytes()).map_err(|e| {
            Failure::usage(format!(
                "{}: {}",
                path.display(),
                crate::diag::describe_io(&e)
            ))
        }),
        Destination::Stream(out) => out
            .write_all(text.as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| stdout_failed(&e)),
    }
}

/// Says in `done` that draft files do not match the journal, if any.
fn with_draft_problems(mut done: Exported, journal: &Path, problems: &[String]) -> Exported {
    if !problems.is_empty() {
        // A changed or missing text is a verification failure: the export
        // names it in place of the text, and the exit code says so.
        let named = format!(
            "{}: message drafts do not match the journal: {}",
            journal.display(),
            crate::export::drafts::in_short(problems, "`runsheet verify`")
        );
        done.warning = Some(match done.warning {
            Some(w) => format!("{w}\n{named}"),
            None => named,
        });
        done.code = 1;
    }
    done
}

/// A row-per-entry export, written as the journal is read back (see
/// [`crate::export::stream`]).
fn run_streamed(
    env: &Env,
    journal: &Path,
    streamed: Streamed,
    to: Destination<'_>,
) -> Result<Exported, Failure> {
    let mut scan = std::thread::scope(|scope| {
        // Playbooks are parsed while the journal is read.
        let mut catalog = env.catalog_ahead(scope, journal);
        Scan::read(journal, &mut catalog, env.today, streamed)
    })?;
    crate::run::times_ahead::add_warnings(
        &mut scan.state,
        &scan.resolved.playbook,
        env.clock.now(),
    );
    let drafts = DraftTexts::read(journal, &scan.looked_up);
    let proofs = proof_problems(journal, &scan.looked_up, scan.records_proofs)?;
    let input = Input {
        verified: &scan.looked_up,
        playbook: &scan.resolved.playbook,
        state: &scan.state,
        now: crate::drill::clocks_now(
            &scan.state,
            scan.newest.as_ref().map_or(DateTime::UNIX_EPOCH, |s| s.ts),
        ),
        drafts: Some(&drafts),
        case: false,
        proof_problems: &proofs,
    };
    let source =
        crate::journal::attachment::open_regular(journal).map_err(|error| OpenError::Io {
            path: journal.to_path_buf(),
            error,
        })?;
    deliver_streamed(journal, to, |out| {
        stream::write(
            streamed,
            &input,
            &scan.slots,
            &scan.fact_times,
            &source,
            out,
        )
    })?;
    let (warning, code) = verdict(journal, &scan.looked_up, scan.lines);
    let done = Exported { warning, code };
    let done = with_draft_problems(done, journal, &drafts.problems(&scan.looked_up));
    let done = with_proof_problems(done, journal, &proofs);
    // The command ends here: its lines, slots and state are freed beside
    // its last steps, not one by one before it can exit.
    super::free_in_background((scan, drafts));
    Ok(done)
}

/// The after-action report (`md`, `html`), written as it is made (see
/// [`crate::export::report`]).
fn run_report(
    env: &Env,
    journal: &Path,
    format: Report,
    to: Destination<'_>,
) -> Result<Exported, Failure> {
    let reading = |error: &std::io::Error| {
        Failure::bad(format!(
            "{}: {}",
            journal.display(),
            crate::diag::describe_io(error)
        ))
    };
    let opening = |error| {
        Failure::from(OpenError::Io {
            path: journal.to_path_buf(),
            error,
        })
    };
    let scanned = std::thread::scope(|scope| {
        // Playbooks are parsed while the journal is read.
        let mut catalog = env.catalog_ahead(scope, journal);
        let resolve = |line: &crate::journal::Line| -> Result<Resolved, Failure> {
            let created = open::require_created(std::slice::from_ref(line), journal)?;
            Ok(open::playbook_for(&created, catalog.get(), env.today)?)
        };
        report::scan(journal, resolve, |r| &r.playbook)
    });
    let Scanned {
        slots,
        mut state,
        resolved,
        kept,
        counts,
    } = scanned.map_err(|e| match e {
        Unscanned::Verifying(error) => opening(error),
        Unscanned::Reading(error) => reading(&error),
        Unscanned::Unresolved(failure) => failure,
        Unscanned::Empty => open::require_created(&[], journal)
            .map_or_else(Failure::from, |_| Failure::bad("no entries")),
    })?;
    crate::run::times_ahead::add_warnings(&mut state, &resolved.playbook, env.clock.now());
    let drafts = DraftTexts::read(journal, &kept);
    let records_proofs = slots.iter().any(|s| super::proof::is_proof(s.kind));
    let proofs = proof_problems(journal, &kept, records_proofs)?;
    let input = Input {
        verified: &kept,
        playbook: &resolved.playbook,
        state: &state,
        now: crate::drill::clocks_now(&state, counts.last.unwrap_or(DateTime::UNIX_EPOCH)),
        drafts: Some(&drafts),
        case: false,
        proof_problems: &proofs,
    };
    let view = View::counted(&input, counts);
    let file = crate::journal::attachment::open_regular(journal).map_err(opening)?;
    deliver_streamed(journal, to, |out| {
        report::write(format, &view, &slots, &file, out)
    })?;
    let (warning, code) = verdict(journal, &kept, slots.len());
    let done = Exported { warning, code };
    let done = with_draft_problems(done, journal, &drafts.problems(&kept));
    let done = with_proof_problems(done, journal, &proofs);
    drop(view);
    // As for the streamed exports: freed beside the command's last steps.
    super::free_in_background((state, slots, kept, resolved, drafts));
    Ok(done)
}

/// One streaming pass over a journal: where each verified line is, the
/// state replayed from them, and the few lines the rows look up.
struct Scan {
    /// Every verified line's slot, when the export reads lines back.
    slots: Vec<Slot>,
    /// How many lines verified.
    lines: usize,
    /// The slot of the last line in time order.
    newest: Option<Slot>,
    state: RunState,
    resolved: Resolved,
    /// The looked-up lines, with what verification found.
    looked_up: Verified,
    /// The times `fact_set` entries state, for `timesketch` alone.
    fact_times: Vec<StatedTime>,
    /// A checkpoint or a timestamp is among the lines verified.
    records_proofs: bool,
}

impl Scan {
    /// Scans `journal` for `streamed`: each line's place and hash, the
    /// replayed state, and the lines rows look up (corrected entries only
    /// when the export reads lines back).
    fn read(
        journal: &Path,
        catalog: &mut Ahead<'_, Catalog>,
        today: NaiveDate,
        streamed: Streamed,
    ) -> Result<Self, Failure> {
        let reads_back = streamed.reads_back();
        let notes_times = streamed == Streamed::Timesketch;
        let mut fact_times = Vec::new();
        // Kept only for an export that reads lines back: 72 bytes a line
        // (7 MiB of the bench mix) that `cacao-status` never reads.
        let mut slots: Vec<Slot> = Vec::new();
        let mut lines = 0;
        // These exports show no note from the state: rows read their
        // lines back.
        let mut state = RunState::for_summary();
        let mut resolved: Option<Result<Resolved, Failure>> = None;
        let mut kept = Vec::new();
        // The last entry in time order dates what the exports close with;
        // it is read back at the end rather than copied as each line could
        // be it.
        let mut newest: Option<Slot> = None;
        // Each line's SHA-256 comes from the chain check, which needs it
        // for the next line's `prev` anyway. Lines are decoded for replay
        // on the checking cores; only the few looked up are kept whole.
        let mut records_proofs = false;
        let tally = view_file_for_summary(journal, |line| {
            let slot = Slot::of(&line);
            lines += 1;
            records_proofs |= super::proof::is_proof(line.kind);
            if newest
                .as_ref()
                .is_none_or(|n| (slot.ts, slot.seq) > (n.ts, n.seq))
            {
                newest = Some(slot.clone());
            }
            if reads_back {
                slots.push(slot);
            }
            let looked_up = stream::is_looked_up_kind(line.seq, line.kind);
            if resolved.is_none() || looked_up {
                let whole = line.into_line();
                let resolved = resolved.get_or_insert_with(|| {
                    let created = open::require_created(std::slice::from_ref(&whole), journal)?;
                    Ok(open::playbook_for(&created, catalog.get(), today)?)
                });
                if let Ok(r) = resolved {
                    state.apply(&r.playbook, &whole.entry);
                }
                if looked_up {
                    kept.push(whole);
                }
            } else if let Some(Ok(r)) = &resolved {
                let typed = line.into_typed();
                if notes_times {
                    timesketch::note_stated_times(&r.playbook, &typed, &mut fact_times);
                }
                state.apply_typed(&r.playbook, typed);
            }
        })
        .map_err(|error| OpenError::Io {
            path: journal.to_path_buf(),
            error,
        })?;
        let resolved = match resolved {
            Some(r) => r?,
            // No line verified: refused as a journal no creation entry opens.
            None => {
                return Err(open::require_created(&[], journal)
                    .map_or_else(Failure::from, |_| Failure::bad("no entries")));
            }
        };
        look_up_more(journal, &mut kept, newest.as_ref(), &slots, reads_back)?;
        kept.sort_by_key(|l| l.entry.seq);
        let looked_up = Verified {
            lines: kept,
            head_hash: tally.head_hash,
            verified_len: tally.verified_len,
            broken: tally.broken,
            torn_tail: tally.torn_tail,
        };
        Ok(Self {
            slots,
            lines,
            newest,
            state,
            resolved,
            looked_up,
            fact_times,
            records_proofs,
        })
    }
}

/// The recorded checkpoints and timestamps that do not verify, when the
/// chain itself is intact and the journal records any (a second read).
fn proof_problems(
    journal: &Path,
    verified: &Verified,
    records: bool,
) -> Result<Vec<String>, Failure> {
    if records && verified.is_intact() {
        super::proof::recorded_proof_problems(journal)
    } else {
        Ok(Vec::new())
    }
}

/// Says in `done` that a checkpoint or timestamp does not verify.
fn with_proof_problems(mut done: Exported, journal: &Path, problems: &[String]) -> Exported {
    if let Some(first) = problems.first() {
        let named = format!(
            "{}: {}{first}",
            journal.display(),
            super::status::PROOF_DOES_NOT_VERIFY
        );
        done.warning = Some(match done.warning {
            Some(w) => format!("{w}\n{named}"),
            None => named,
        });
        done.code = 1;
    }
    done
}

/// Adds to `kept` the lines rows look up that the scan could not know
/// as it went: the last in time order (`newest`), and, when `targets_too`,
/// every entry a kept correction names (found among `slots`). Each is
/// read back and refused unless it is still the line verified.
fn look_up_more(
    journal: &Path,
    kept: &mut Vec<Line>,
    newest: Option<&Slot>,
    slots: &[Slot],
    targets_too: bool,
) -> Result<(), Failure> {
    let source = Source::open(journal).map_err(|error| OpenError::Io {
        path: journal.to_path_buf(),
        error,
    })?;
    let look_up = |slot: &Slot| {
        source.line(slot).map_err(|e| {
            Failure::bad(format!(
                "{}: {}",
                journal.display(),
                crate::diag::describe_io(&e)
            ))
        })
    };
    let mut held: HashSet<u64> = kept.iter().map(|l: &Line| l.entry.seq).collect();
    if let Some(slot) = newest
        && held.insert(slot.seq)
    {
        kept.push(look_up(slot)?);
    }
    // Only rows look corrected entries up.
    let targets = if targets_too {
        stream::corrected_targets(kept)
    } else {
        Vec::new()
    };
    for seq in targets {
        let at = slots.binary_search_by_key(&seq, |s| s.seq);
        if let Ok(i) = at
            && held.insert(seq)
        {
            kept.push(look_up(&slots[i])?);
        }
    }
    Ok(())
}

/// Exports the after-action report of the exercise `journal`. A journal
/// of a real incident is a usage error, refused before anything is written.
pub fn run_aar(
    env: &Env,
    journal: &Path,
    format: aar::Format,
    to: Destination<'_>,
) -> Result<Exported, Failure> {
    let refused = |e: aar::NotAnExercise| Failure::usage(format!("{}: {e}", journal.display()));
    let (verified, created) = read(journal)?;
    if !created.exercise {
        return Err(refused(aar::NotAnExercise));
    }
    let catalog = env.catalog();
    let resolved = open::playbook_for(&created, &catalog, env.today)?;
    let state = run::replay(&resolved.playbook, verified.entries());
    let drill = open::scenario_for(&created, &catalog).map(|found| found.drill);
    let drafts = DraftTexts::read(journal, &verified);
    let exercise = aar::Exercise::new(&verified, &resolved.playbook, &state, drill.as_ref())
        .map_err(refused)?
        .with_drafts(&drafts);
    let text = aar::render(format, &exercise);
    deliver_text(&text, to)?;
    let (warning, code) = verdict(journal, &verified, verified.lines.len());
    let done = Exported { warning, code };
    Ok(with_draft_problems(
        done,
        journal,
        &drafts.problems(&verified),
    ))
}

/// Reads and verifies the journal (never writing it) and its
/// `journal_created` entry, without which there is nothing to export.
fn read(journal: &Path) -> Result<(Verified, Created), Failure> {
    let verified = open::read_journal(journal)?;
    let created = open::require_created(&verified.lines, journal)?;
    Ok((verified, created))
}

/// The warning and exit code for a journal whose first `entries` lines
/// verified: code 1 and a warning when it did not fully verify.
fn verdict(journal: &Path, verified: &Verified, entries: usize) -> (Option<String>, u8) {
    let warning = match (&verified.broken, verified.torn_tail) {
        (Some(b), _) => Some(format!(
            "{}: journal broken at {b}; exported the {} entries before it",
            journal.display(),
            entries
        )),
        (None, n) if n > 0 => Some(format!(
            "{}: the file ends with {n} bytes of an interrupted write; exported the {} complete entries",
            journal.display(),
            entries
        )),
        _ => None,
    };
    (warning, u8::from(!verified.is_intact()))
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, renames it
/// over `path` and syncs the folder: a reader sees the old file or the new
/// one, never half a report. Like journals, exports are private (0600).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    write_atomically_with(path, |file| file.write_all(bytes))
}

/// [`write_atomically`] of what `write` writes to the temporary file.
pub fn write_atomically_with(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("the output path names no file"))?;
    // The new file is renamed over the old one: a device, a pipe or a
    // folder there would be replaced, not written to.
    if let Ok(existing) = std::fs::symlink_metadata(path)
        && !existing.file_type().is_file()
    {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "is not a regular file; refusing to replace it",
        ));
    }
    // Nothing runsheet writes whole ever takes a journal's place: a
    // journal is only appended to.
    if super::guard::is_journal(path) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            "is a runsheet journal; refusing to replace it (a journal is only ever appended to)",
        ));
    }
    let mut temp_name = std::ffi::OsString::from(".");
    temp_name.push(name);
    temp_name.push(format!(".tmp-{}", std::process::id()));
    let temp = dir.join(temp_name);
    let written = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&temp)?;
        written_back(&mut file, write)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)?;
        File::open(&dir)?.sync_all()
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

/// Runs `write` on `file` while what it writes is written back to the
/// disk on another thread, a few MiB at a time: the `fsync` that makes the
/// file durable then has only the last few to wait for, not the whole
/// export (30 ms for 50 MB on a virtual disk).
fn written_back(
    file: &mut File,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let syncing = file.try_clone()?;
    std::thread::scope(|scope| {
        let (ask, asked) = std::sync::mpsc::sync_channel::<()>(1);
        // A write-back error is kept and reported: the descriptor is shared,
        // so the final `fsync` would not see it again.
        let syncer = scope.spawn(move || {
            let mut failed = Ok(());
            for () in asked {
                if let Err(e) = syncing.sync_data()
                    && failed.is_ok()
                {
                    failed = Err(e);
                }
            }
            failed
        });
        let mut out = WrittenBack {
            file,
            ask,
            since: 0,
        };
        let result = write(&mut out);
        drop(out);
        result.and(crate::threads::joined(syncer))
    })
}

/// A file whose writes ask for a write-back every [`WRITE_BACK_EVERY`]
/// bytes (skipped while the previous one still runs).
struct WrittenBack<'f> {
    file: &'f mut File,
    ask: std::sync::mpsc::SyncSender<()>,
    since: usize,
}

/// Bytes written between two write-backs.
const WRITE_BACK_EVERY: usize = 8 << 20;

impl Write for WrittenBack<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.since += n;
        if self.since >= WRITE_BACK_EVERY {
            self.since = 0;
            // Full: a write-back is still running and will take these too.
            let _ = self.ask.try_send(());
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::FileTypeExt as _;

    use super::write_atomically;

    /// `-o /dev/null` (or any device, pipe, folder or link) is refused
    /// and left as it was, never replaced by a regular file.
    #[test]
    fn an_output_that_is_not_a_regular_file_is_refused_and_left_alone() {
        let dir = tempfile::tempdir().expect("temp dir");
        let folder = dir.path().join("folder");
        std::fs::create_dir(&folder).expect("folder");
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(dir.path().join("target"), &link).expect("link");
        for path in [std::path::Path::new("/dev/null"), &folder, &link] {
            let error = write_atomically(path, b"report").expect_err("refused");
            assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput, "{path:?}");
        }
        let null = std::fs::metadata("/dev/null").expect("null");
        assert!(
            null.file_type().is_char_device(),
            "/dev/null is still a device"
        );
        assert!(folder.is_dir());
        assert!(
            std::fs::symlink_metadata(&link)
                .expect("link")
                .file_type()
                .is_symlink()
        );
        let file = dir.path().join("report.md");
        write_atomically(&file, b"one").expect("new file");
        write_atomically(&file, b"two").expect("replaced");
        assert_eq!(std::fs::read(&file).expect("read"), b"two");
    }

    /// An export larger than the write-back step is written back while it
    /// is written, and arrives whole.
    #[test]
    fn a_long_export_written_back_as_it_is_written_arrives_whole() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("long.csv");
        let row: Vec<u8> = (0..=250_u8).chain([b'\n']).collect();
        let rows = 3 * super::WRITE_BACK_EVERY / row.len();
        super::write_atomically_with(&file, |out| {
            for _ in 0..rows {
                out.write_all(&row)?;
            }
            Ok(())
        })
        .expect("written");
        let written = std::fs::read(&file).expect("read");
        assert_eq!(written.len(), rows * row.len());
        assert!(written.chunks(row.len()).all(|r| r == row.as_slice()));
    }
}
