//! `runsheet export`: the IO around [`render`]. Reads and
//! verifies the journal (never writes it), resolves its playbook, renders,
//! and writes the result whole or not at all.

use std::fs::{File, OpenOptions};
use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::{Path, PathBuf};

use super::{Format, Input, render};
use crate::commands::{Env, Failure};
use crate::{run, session};

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
    let verified = session::read_journal(journal)?;
    let created = session::created_of(&verified.lines).ok_or_else(|| {
        Failure::bad(format!(
            "{}: no `journal_created` entry could be verified, so there is nothing to export",
            journal.display()
        ))
    })?;
    let resolved = session::playbook_for(&created, &env.catalog(), env.today)?;
    let state = run::replay(&resolved.playbook, verified.entries());
    let text = render(format, &Input::new(&verified, &resolved.playbook, &state));
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
                    crate::catalog::describe_io(&e)
                ))
            })?;
            String::new()
        }
        None => text,
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
