//! Output paths that must never be written: the journal being read and
//! every file its hash chain covers.
//!
//! `export` only reads the journal. An `-o` that names the journal (by any
//! spelling, a hard link or a symbolic link), one of its message drafts, an
//! evidence file it registers or, for a case, one of the case's journals
//! would replace the record with the export and leave a journal that no
//! longer verifies. So the output is compared with each such file by
//! identity (device and inode when both exist, the resolved path when one
//! does not yet) before anything is written.

use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};

use crate::commands::Failure;

/// A file the output must not be, and why it is protected (for the error).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Covered {
    pub path: PathBuf,
    /// What the file is, as the error names it: "the journal being
    /// exported", "message draft of entry 12 of …", ….
    pub what: String,
}

/// Refuses (exit 2, nothing written) an `output` that is `journal` itself
/// or any file it covers; `journal` may be a case folder. `rule` says why
/// in the error ("export only reads the journal").
pub fn refuse_covered_output(output: &Path, journal: &Path, rule: &str) -> Result<(), Failure> {
    let covered = covered_by(journal);
    match covered.iter().find(|c| same_file(output, &c.path)) {
        Some(hit) => Err(refusal(output, hit, rule)),
        None => refuse_journal_output(output),
    }
}

/// Refuses (exit 2) an `output` that is an existing runsheet journal: a
/// command writing a playbook, a bundle or a key never replaces a record.
pub fn refuse_journal_output(output: &Path) -> Result<(), Failure> {
    if !is_journal(output) {
        return Ok(());
    }
    let hit = Covered {
        path: output.to_path_buf(),
        what: "a runsheet journal".into(),
    };
    Err(refusal(
        output,
        &hit,
        "a journal is only ever appended to, never replaced",
    ))
}

/// The error naming the output and the protected file it resolves to.
fn refusal(output: &Path, hit: &Covered, rule: &str) -> Failure {
    Failure::usage(format!(
        "{}: refusing to write here: this is {}, {}; {rule}; choose another output file",
        output.display(),
        hit.path.display(),
        hit.what
    ))
}

/// True when the first line of `path` is a journal entry whose own hash
/// checks: the content, not the name, says it is a journal.
pub fn is_journal(path: &Path) -> bool {
    use std::io::BufRead as _;
    let Ok(file) = crate::journal::attachment::open_regular(path) else {
        return false;
    };
    let mut first = String::new();
    // One entry line is far below this; a longer first line is no journal.
    let mut reader = std::io::Read::take(file, 1 << 20);
    let mut buffered = std::io::BufReader::new(&mut reader);
    buffered.read_line(&mut first).is_ok()
        && crate::journal::check_own_hash(first.trim_end_matches('\n')).is_ok()
}

/// Every file `journal` (a journal file or a case folder) covers, itself
/// first. An unreadable journal covers only itself: the command reports
/// why it cannot read it.
pub fn covered_by(journal: &Path) -> Vec<Covered> {
    if !crate::case::folder::is_case(journal) {
        let mut covered = vec![Covered {
            path: journal.to_path_buf(),
            what: "the journal".into(),
        }];
        covered.extend(named_by(journal));
        return covered;
    }
    let mut covered = vec![
        Covered {
            path: journal.join(crate::case::folder::CASE_FILE),
            what: "the case's case.yaml".into(),
        },
        Covered {
            path: journal.join(crate::case::folder::PLAYBOOK_FILE),
            what: "the case's copy of its playbook".into(),
        },
    ];
    for (_, path) in crate::case::folder::journal_files(journal).unwrap_or_default() {
        covered.push(Covered {
            what: format!("a journal of the case {}", journal.display()),
            path: path.clone(),
        });
        covered.extend(named_by(&path));
    }
    covered.extend(files_in(&crate::case::folder::drafts_dir(journal)));
    covered
}

/// Every file of a case's drafts folder.
fn files_in(dir: &Path) -> Vec<Covered> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|e| Covered {
            path: e.path(),
            what: "a file of the case's drafts folder".into(),
        })
        .collect()
}

/// The draft files and evidence files the entries of `journal` name. Every
/// line is looked at, verified or not: a file named after a break is
/// still one a reader would take for the record.
///
/// Read in chunks (never the whole journal in memory), at most
/// [`JOURNAL_LIMIT`](crate::journal::attachment::JOURNAL_LIMIT) bytes, and
/// searched for the two kinds that name files: an export of a long
/// journal pays a search at memory speed for this check, not a second
/// decode of every line.
fn named_by(journal: &Path) -> Vec<Covered> {
    use std::io::Read as _;
    const CHUNK: usize = 1 << 20;
    let limit = crate::journal::attachment::JOURNAL_LIMIT;
    let Ok(file) = crate::journal::attachment::open_regular(journal) else {
        return Vec::new();
    };
    let mut reader = file.take(limit);
    let mut buffer: Vec<u8> = Vec::with_capacity(CHUNK);
    let mut lines_before = 0;
    let mut covered = Vec::new();
    loop {
        let held = buffer.len();
        buffer.resize(held + CHUNK, 0);
        let read = reader.read(&mut buffer[held..]).unwrap_or(0);
        buffer.truncate(held + read);
        let at_end = read == 0;
        let complete = if at_end {
            buffer.len()
        } else {
            memchr::memrchr(b'\n', &buffer).map_or(0, |i| i + 1)
        };
        lines_before = named_in(journal, &buffer[..complete], lines_before, &mut covered);
        buffer.drain(..complete);
        if at_end {
            return covered;
        }
    }
}

/// The files named by the entries in `text` (whole lines, the first of
/// them line `lines_before + 1`), added to `covered`; returns the lines
/// counted through the end of `text`.
fn named_in(journal: &Path, text: &[u8], lines_before: usize, covered: &mut Vec<Covered>) -> usize {
    let mut hits: Vec<usize> = KINDS_NAMING_FILES
        .iter()
        .flat_map(|kind| memchr::memmem::find_iter(text, kind))
        .collect();
    hits.sort_unstable();
    let (mut counted_to, mut lines) = (0, lines_before);
    let mut last_line_start = None;
    for hit in hits {
        let start = memchr::memrchr(b'\n', &text[..hit]).map_or(0, |i| i + 1);
        if last_line_start == Some(start) {
            continue;
        }
        last_line_start = Some(start);
        lines += memchr::memchr_iter(b'\n', &text[counted_to..start]).count();
        counted_to = start;
        let end = memchr::memchr(b'\n', &text[start..]).map_or(text.len(), |i| start + i);
        if let Ok(entry) = serde_json::from_slice::<serde_json::Value>(&text[start..end]) {
            covered.extend(files_of_entry(journal, lines + 1, &entry));
        }
    }
    lines + memchr::memchr_iter(b'\n', &text[counted_to..]).count()
}

/// The kinds of entry that name a file, as they appear in a line: only
/// these lines are decoded.
const KINDS_NAMING_FILES: [&[u8]; 2] = [b"\"message_drafted\"", b"\"evidence_added\""];

/// The files one entry (line `number` of `journal`) names.
fn files_of_entry(journal: &Path, number: usize, entry: &serde_json::Value) -> Vec<Covered> {
    let data = &entry["data"];
    match entry["kind"].as_str() {
        Some("message_drafted") => data["file"]
            .as_str()
            .filter(|f| !f.is_empty() && !f.contains('/'))
            .map(|file| Covered {
                path: journal.with_file_name(file),
                what: format!(
                    "the message draft line {number} of the journal {} covers",
                    journal.display()
                ),
            })
            .into_iter()
            .collect(),
        Some("evidence_added") => data["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|item| {
                let path = item["path"].as_str().filter(|p| !p.is_empty())?;
                let id = item["id"].as_str().unwrap_or("an item");
                Some(Covered {
                    path: PathBuf::from(path),
                    what: format!(
                        "evidence item {id}, registered by line {number} of the journal {}",
                        journal.display()
                    ),
                })
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether `a` and `b` are the same file: the same device and inode when
/// both exist (any spelling, hard link or symbolic link), else the same
/// resolved folder and name (a file about to be created).
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
        _ => resolved(a).is_some_and(|ra| resolved(b).is_some_and(|rb| ra == rb)),
    }
}

/// `path` with its folder made canonical (the file itself may not exist).
fn resolved(path: &Path) -> Option<PathBuf> {
    let name = path.file_name()?;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    Some(std::fs::canonicalize(dir).ok()?.join(name))
}

#[cfg(test)]
mod tests {
    use super::same_file;

    #[test]
    fn a_file_is_the_same_by_any_spelling_or_link() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = dir.path().join("a.jsonl");
        std::fs::write(&a, "x").expect("write");
        let hard = dir.path().join("hard");
        std::fs::hard_link(&a, &hard).expect("link");
        let soft = dir.path().join("soft");
        std::os::unix::fs::symlink(&a, &soft).expect("symlink");
        let dotted = dir.path().join(".").join("a.jsonl");
        for other in [&hard, &soft, &dotted] {
            assert!(same_file(other, &a), "{}", other.display());
        }
        let absent = dir.path().join("sub/../a.jsonl.txt");
        assert!(!same_file(&absent, &a));
        let missing = dir.path().join("missing.txt");
        assert!(same_file(&dir.path().join("./missing.txt"), &missing));
    }
}
