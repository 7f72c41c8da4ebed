//! `runsheet import` and `runsheet export-playbook`: the IO around the
//! pure converters. Output files are written whole or not at all.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use super::markdown::{self, Preset};
use super::{ImportError, Imported, cacao, document};
use crate::cli::{MarkdownPreset, PlaybookFormat};
use crate::commands::export::write_atomically;
use crate::commands::open as session;
use crate::commands::{Env, Failure};
use crate::diag::describe_io;
use crate::playbook::load;

/// What a command printed: standard output, standard error, exit code.
#[derive(Debug, Default)]
pub struct Outcome {
    pub stdout: String,
    pub stderr: String,
    pub code: u8,
}

/// `runsheet import <file|folder> [-o PATH] [--preset P]`.
pub fn import(
    env: &Env,
    input: &Path,
    output: Option<&Path>,
    preset: Option<MarkdownPreset>,
) -> Result<Outcome, Failure> {
    let preset = preset.map(|p| match p {
        MarkdownPreset::Guardsight => Preset::GuardSight,
        MarkdownPreset::Aws => Preset::Aws,
        MarkdownPreset::Generic => Preset::Generic,
    });
    if input.is_dir() {
        return import_folder(env, input, output.unwrap_or(Path::new(".")), preset);
    }
    let label = input.display().to_string();
    let text = read(input)?;
    match convert(env, input, &label, &text, preset) {
        Ok(imported) => {
            let mut out = Outcome::default();
            for note in &imported.notes {
                let _ = writeln!(out.stderr, "{label}: {note}");
            }
            if let Some(path) = output {
                write_whole(path, &imported.yaml)?;
                if let Some(drill) = &imported.drill {
                    let target = drill_path(path);
                    write_whole(&target, drill)?;
                    let _ = writeln!(
                        out.stderr,
                        "{label}: drill scenario stub written to {}",
                        target.display()
                    );
                }
            } else {
                if imported.drill.is_some() {
                    let _ = writeln!(
                        out.stderr,
                        "{label}: a drill scenario stub was made from the Game Day section; give -o to write it beside the playbook"
                    );
                }
                out.stdout = imported.yaml;
            }
            Ok(out)
        }
        // The caller says `error: ` before the message already.
        Err(e) => Err(Failure::bad(
            e.render(&label).trim_start_matches("error: ").to_string(),
        )),
    }
}

/// One summary line per `.json` and `.md` file, in name order; exit 1 if
/// any failed, including a file whose output an earlier one wrote.
fn import_folder(
    env: &Env,
    folder: &Path,
    out_dir: &Path,
    preset: Option<Preset>,
) -> Result<Outcome, Failure> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(|e| Failure::usage(format!("{}: {}", folder.display(), describe_io(&e))))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && kind(p).is_some())
        .collect();
    files.sort();
    let mut out = Outcome::default();
    // What this import wrote, and from which source: `x.json` and `x.md`
    // both become `x.yaml`, and the later one must not replace the earlier.
    let mut written: HashMap<PathBuf, String> = HashMap::new();
    for path in &files {
        let label = path.display().to_string();
        let result = read_text(path)
            .map_err(|f| NotImported::unread(&label, &f))
            .and_then(|text| {
                convert(env, path, &label, &text, preset)
                    .map_err(|e| NotImported::refused(e.render(&label)))
            });
        match result {
            Ok(imported) => {
                let stem = path
                    .file_stem()
                    .map_or_else(|| "imported".into(), |s| s.to_string_lossy().into_owned());
                let target = out_dir.join(format!("{stem}.yaml"));
                let outputs = outputs_of(&target, &imported);
                if let Some((taken, from)) = outputs
                    .iter()
                    .find_map(|p| written.get(p).map(|from| (p, from)))
                {
                    out.code = 1;
                    let why = format!(
                        "not written: {} was already written from {from} in this import",
                        taken.display()
                    );
                    let _ = writeln!(out.stdout, "FAIL  {label}: {why}");
                    let _ = writeln!(out.stderr, "error: {label}: {why}");
                    continue;
                }
                written.extend(outputs.into_iter().map(|p| (p, label.clone())));
                write_whole(&target, &imported.yaml)?;
                if let Some(drill) = &imported.drill {
                    write_whole(&drill_path(&target), drill)?;
                }
                let p = &imported.playbook;
                let _ = writeln!(
                    out.stdout,
                    "ok    {label} -> {}: {} phases, {} steps, {} notes",
                    target.display(),
                    p.phases.len(),
                    p.step_count(),
                    imported.notes.len()
                );
                for note in &imported.notes {
                    let _ = writeln!(out.stderr, "{label}: {note}");
                }
            }
            Err(not) => {
                out.code = 1;
                let _ = writeln!(out.stdout, "FAIL  {label}: {}", not.reason);
                let _ = writeln!(out.stderr, "{}", not.detail);
            }
        }
    }
    if files.is_empty() {
        return Err(Failure::usage(format!(
            "{}: no .json or .md files to import",
            folder.display()
        )));
    }
    Ok(out)
}

/// Why a file of a folder was not imported: the reason its summary line
/// gives after the file's name, and what standard error says in full.
struct NotImported {
    reason: String,
    detail: String,
}

impl NotImported {
    /// The file could not be read: the summary line names it once.
    fn unread(label: &str, failure: &Failure) -> Self {
        Self {
            reason: failure.message.clone(),
            detail: format!("error: {label}: {}", failure.message),
        }
    }

    /// The converter refused it: the first problem names the defect, and
    /// standard error has them all.
    fn refused(rendered: String) -> Self {
        let reason = rendered
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ")
            .to_string();
        Self {
            reason,
            detail: rendered,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Cacao,
    Markdown,
}

fn kind(path: &Path) -> Option<Kind> {
    let ext = path.extension()?.to_string_lossy().to_ascii_lowercase();
    match ext.as_str() {
        "json" => Some(Kind::Cacao),
        "md" | "markdown" => Some(Kind::Markdown),
        _ => None,
    }
}

fn convert(
    env: &Env,
    path: &Path,
    label: &str,
    text: &str,
    preset: Option<Preset>,
) -> Result<Imported, ImportError> {
    match kind(path) {
        Some(Kind::Markdown) => {
            let licence = licence_beside(path);
            let source = markdown::Source {
                label,
                text,
                licence: licence.as_deref(),
                imported_on: env.today,
            };
            markdown::import(source, preset, env.today)
        }
        _ => cacao::import::import(label, text, env.today),
    }
}

/// The licence line of a `LICENSE` file in the source's folder.
fn licence_beside(path: &Path) -> Option<String> {
    let folder = path.parent()?;
    ["LICENSE", "LICENSE.md", "LICENSE.txt", "COPYING"]
        .iter()
        .find_map(|name| std::fs::read_to_string(folder.join(name)).ok())
        .map(|text| markdown::licence_line(&text))
}

/// The largest file `import` reads: twice the limit for playbooks, as a
/// source carries what an import drops (ids, JSON punctuation, signatures).
/// Checked while reading, so a huge file is never held or parsed whole.
pub const MAX_INPUT_BYTES: u64 = 2 * load::MAX_BYTES as u64;

/// The text of `path`, as [`read_text`], with failures naming the file.
fn read(path: &Path) -> Result<String, Failure> {
    read_text(path).map_err(|f| Failure {
        message: format!("{}: {}", path.display(), f.message),
        ..f
    })
}

/// The text of `path`, read up to [`MAX_INPUT_BYTES`]. A pipe is read like
/// a file (`import <(curl …)`); the bound stops an endless one. Failures do
/// not name the file: each caller places the name once.
fn read_text(path: &Path) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|file| file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| Failure::usage(describe_io(&e)))?;
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(Failure::bad(format!(
            "is larger than {} MiB, the limit for files to import; refusing to import it",
            MAX_INPUT_BYTES / (1024 * 1024)
        )));
    }
    String::from_utf8(bytes).map_err(|_| Failure::bad("not valid UTF-8"))
}

/// The files an import to `target` writes: the playbook, and its drill
/// stub when the source has one.
fn outputs_of(target: &Path, imported: &Imported) -> Vec<PathBuf> {
    let drill = imported.drill.as_ref().map(|_| drill_path(target));
    std::iter::once(target.to_path_buf()).chain(drill).collect()
}

/// `x.yaml` → `x.drill.yaml`.
fn drill_path(playbook: &Path) -> PathBuf {
    let stem = playbook
        .file_stem()
        .map_or_else(|| "imported".into(), |s| s.to_string_lossy().into_owned());
    playbook.with_file_name(format!("{stem}.drill.yaml"))
}

/// Writes `text` whole or not at all, with the writer `export -o` uses: a
/// new temporary file beside `path` (never through a link planted there),
/// synced and renamed; a `path` that is not a regular file is refused.
fn write_whole(path: &Path, text: &str) -> Result<(), Failure> {
    write_atomically(path, text.as_bytes())
        .map_err(|e| Failure::usage(format!("{}: {}", path.display(), describe_io(&e))))
}

/// `runsheet export-playbook <playbook> --format cacao [-o FILE]`.
pub fn export_playbook(
    env: &Env,
    playbook: &str,
    format: PlaybookFormat,
    output: Option<&Path>,
) -> Result<Outcome, Failure> {
    let catalog = env.catalog();
    let resolved = session::resolve_playbook(playbook, &catalog, env.today)?;
    let doc = document::from_yaml(&resolved.source.text)
        .map_err(|m| Failure::bad(format!("{}: {m}", resolved.source.label)))?;
    let text = match format {
        PlaybookFormat::Cacao => {
            let value = cacao::export::export(&resolved.playbook, &doc);
            let mut text = serde_json::to_string_pretty(&value)
                .map_err(|e| Failure::bad(format!("could not write JSON: {e}")))?;
            text.push('\n');
            text
        }
    };
    let mut out = Outcome::default();
    match output {
        Some(path) => write_whole(path, &text)?,
        None => out.stdout = text,
    }
    Ok(out)
}
