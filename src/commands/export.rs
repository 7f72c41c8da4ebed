//! `runsheet export`: the IO around [`render`] and [`aar::render`]. Reads
//! and verifies the journal (never writes it), resolves its playbook (and
//! for an exercise report, its drill scenario), renders, and writes the
//! result whole or not at all.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};

use crate::commands::open;
use crate::commands::{Env, Failure};
use crate::export::drafts::DraftTexts;
use crate::export::{Format, Input, aar, render};
use crate::journal::event::Created;
use crate::journal::verify::Verified;
use crate::run;

/// What the command produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    /// For standard output (empty when written to a file).
    pub stdout: String,
    /// For standard error: why the exit code is not 0.
    pub warning: Option<String>,
    /// 0 intact, 1 the journal does not fully verify (the export is still
    /// written, covering the verified part).
    pub code: u8,
}

/// Exports `journal` in `format` to `output`, or returns it for stdout.
pub fn run(
    env: &Env,
    journal: &Path,
    format: Format,
    output: Option<&Path>,
) -> Result<Exported, Failure> {
    let (verified, created) = read(journal)?;
    let catalog = env.catalog();
    let resolved = open::playbook_for(&created, &catalog, env.today)?;
    let state = run::replay(&resolved.playbook, verified.entries());
    let drafts = DraftTexts::read(journal, &verified);
    let input = Input::new(&verified, &resolved.playbook, &state).with_drafts(&drafts);
    let text = render(format, &input);
    let mut done = deliver(journal, &verified, &text, output)?;
    let problems = drafts.problems(&verified);
    if !problems.is_empty() {
        // A changed or missing text is a verification failure: the export
        // names it in place of the text, and the exit code says so.
        let named = format!(
            "{}: message drafts do not match the journal: {}",
            journal.display(),
            problems.join("; ")
        );
        done.warning = Some(match done.warning {
            Some(w) => format!("{w}\n{named}"),
            None => named,
        });
        done.code = 1;
    }
    Ok(done)
}

/// Exports the after-action report of the exercise `journal`. A journal
/// of a real incident is a usage error, refused before anything is written.
pub fn run_aar(
    env: &Env,
    journal: &Path,
    format: aar::Format,
    output: Option<&Path>,
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
    let exercise = aar::Exercise::new(&verified, &resolved.playbook, &state, drill.as_ref())
        .map_err(refused)?;
    let text = aar::render(format, &exercise);
    deliver(journal, &verified, &text, output)
}

/// Reads and verifies the journal (never writing it) and its
/// `journal_created` entry, without which there is nothing to export.
fn read(journal: &Path) -> Result<(Verified, Created), Failure> {
    let verified = open::read_journal(journal)?;
    let created = open::require_created(&verified.lines, journal)?;
    Ok((verified, created))
}

/// Writes the export (or hands it back for stdout) and says whether the
/// journal fully verified: code 1 and a warning when it did not.
fn deliver(
    journal: &Path,
    verified: &Verified,
    text: &str,
    output: Option<&Path>,
) -> Result<Exported, Failure> {
    let warning = match (&verified.broken, verified.torn_tail) {
        (Some(b), _) => Some(format!(
            "{}: journal broken at {b}; exported the {} entries before it",
            journal.display(),
            verified.lines.len()
        )),
        (None, n) if n > 0 => Some(format!(
            "{}: the file ends with {n} bytes of an interrupted write; exported the {} complete entries",
            journal.display(),
            verified.lines.len()
        )),
        _ => None,
    };
    let code = u8::from(!verified.is_intact());
    let stdout = match output {
        Some(path) => {
            write_atomically(path, text.as_bytes()).map_err(|e| {
                Failure::usage(format!(
                    "{}: {}",
                    path.display(),
                    crate::diag::describe_io(&e)
                ))
            })?;
            String::new()
        }
        None => text.to_string(),
    };
    Ok(Exported {
        stdout,
        warning,
        code,
    })
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, renames it
/// over `path` and syncs the folder: a reader sees the old file or the new
/// one, never half a report. Like journals, exports are private (0600).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .ok_or_else(|| std::io::Error::other("the output path names no file"))?;
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
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)?;
        File::open(&dir)?.sync_all()
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}
