//! The case folder on disk: `case.yaml` (what the incident is and which
//! playbook bytes it runs), `playbook.yaml` (that copy), `journals/` (one
//! file per responder and machine) and `drafts/`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Name of the case description file inside a case folder.
pub const CASE_FILE: &str = "case.yaml";
/// Name of the playbook copy inside a case folder.
pub const PLAYBOOK_FILE: &str = "playbook.yaml";

/// `case.yaml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CaseFile {
    /// Identifies the incident across every clone.
    pub case: String,
    pub title: String,
    /// IANA zone the incident's times are shown in.
    pub timezone: String,
    pub exercise: bool,
    pub playbook: CasePlaybook,
}

/// The playbook a case runs, pinned by the SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CasePlaybook {
    pub id: String,
    pub version: String,
    pub sha256: String,
    /// The copy inside the case folder.
    pub file: String,
}

/// Whether `dir` is a case folder (it holds a `case.yaml`).
pub fn is_case(dir: &Path) -> bool {
    dir.join(CASE_FILE).is_file()
}

/// The case folder a journal file belongs to, when it sits in a case's
/// `journals/` folder: its entries are numbered in that journal alone,
/// while every view of the case shows merged positions.
pub fn case_of_journal(journal: &Path) -> Option<PathBuf> {
    let journals = journal.parent()?;
    if journals.file_name()? != "journals" {
        return None;
    }
    let dir = journals.parent()?;
    // `journals/x.jsonl` names no parent; the case is then the current folder.
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    is_case(dir).then(|| dir.to_path_buf())
}

/// The id of the case in `dir`, which every journal's creation names;
/// `None` when its `case.yaml` cannot be read (every command reads it,
/// and says why, before it reads a journal).
pub fn case_id(dir: &Path) -> Option<String> {
    read(dir).ok().map(|case| case.case)
}

/// Why the journal at `path` is not one of case `case`'s, when its
/// creation (its first line) names another case: copied in from another
/// case folder, its entries are another incident's record, and its
/// `journal_created` could give this case another title, time zone and
/// playbook. It is refused whole, as a break at its first line, so every
/// view says the case does not fully verify and none of it is merged.
/// Read without verifying: a first line altered to name this case fails
/// verification anyway.
pub fn foreign(path: &Path, case: &str) -> Option<crate::journal::verify::Break> {
    another_case(&crate::commands::open::peek_created(path)?, case)
}

/// The break refusing a journal whose creation `created` names another
/// case than `case` (see [`foreign`]).
pub fn another_case(
    created: &crate::journal::event::Created,
    case: &str,
) -> Option<crate::journal::verify::Break> {
    (created.journal_id != case).then(|| crate::journal::verify::Break {
        line: 1,
        seq: 0,
        reason: format!(
            "this journal belongs to another case: its journal_created names case `{}`, this case is `{case}` (copied in from another case folder?); none of it is merged",
            created.journal_id
        ),
    })
}

pub fn journals_dir(dir: &Path) -> PathBuf {
    dir.join("journals")
}

pub fn drafts_dir(dir: &Path) -> PathBuf {
    dir.join("drafts")
}

/// Reads `case.yaml`; the error names the file.
pub fn read(dir: &Path) -> Result<CaseFile, String> {
    let path = dir.join(CASE_FILE);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("{}: {}", path.display(), crate::diag::describe_io(&e)))?;
    // Parsed with the playbooks' limits: a case.yaml arrives from the
    // other responders' remote, and hostile YAML is refused, not obeyed.
    crate::playbook::load::parse(&text).map_err(|d| {
        // The caller prints it after `error: `.
        let shown = d.render(&path.display().to_string(), &text);
        shown
            .strip_prefix("error: ")
            .unwrap_or(&shown)
            .trim_end()
            .to_string()
    })
}

/// Writes the folder skeleton and `case.yaml` plus the playbook copy.
/// Refuses a folder that already holds a case.
pub fn create(dir: &Path, case: &CaseFile, playbook_bytes: &[u8]) -> Result<(), String> {
    if is_case(dir) {
        return Err(format!("{}: already a case folder", dir.display()));
    }
    let io =
        |p: &Path, e: &std::io::Error| format!("{}: {}", p.display(), crate::diag::describe_io(e));
    for sub in [journals_dir(dir), drafts_dir(dir)] {
        std::fs::create_dir_all(&sub).map_err(|e| io(&sub, &e))?;
        // git keeps no empty folders: a marker keeps the layout in every clone.
        let keep = sub.join(".gitkeep");
        std::fs::write(&keep, b"").map_err(|e| io(&keep, &e))?;
    }
    // The lock note names the local process holding a journal: never shared.
    let ignore = dir.join(".gitignore");
    std::fs::write(&ignore, b"journals/*.lock\n").map_err(|e| io(&ignore, &e))?;
    let playbook = dir.join(PLAYBOOK_FILE);
    write_synced(&playbook, playbook_bytes).map_err(|e| io(&playbook, &e))?;
    let text = serde_saphyr::to_string(case).map_err(|e| e.to_string())?;
    let path = dir.join(CASE_FILE);
    write_synced(&path, text.as_bytes()).map_err(|e| io(&path, &e))?;
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io(dir, &e))
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// `journals/<actor-slug>@<host>`: a responder on one machine, the only
/// writer of that journal.
pub fn journal_id(actor: &str, host: &str) -> String {
    format!("{}@{}", slug(actor), slug(host))
}

/// The journal file of `id` in case folder `dir`.
pub fn journal_path(dir: &Path, id: &str) -> PathBuf {
    journals_dir(dir).join(format!("{id}.jsonl"))
}

/// Lowercase letters and digits, everything else one `-`.
fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.trim().chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    if out.is_empty() {
        "responder".into()
    } else {
        out
    }
}

/// Every journal file of a case, sorted by id (the file stem).
pub fn journal_files(dir: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let jdir = journals_dir(dir);
    let entries = std::fs::read_dir(&jdir)
        .map_err(|e| format!("{}: {}", jdir.display(), crate::diag::describe_io(&e)))?;
    let mut found: Vec<(String, PathBuf)> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .filter_map(|p| {
            let id = p.file_stem()?.to_str()?.to_string();
            Some((id, p))
        })
        .collect();
    found.sort();
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn journal_ids_are_slugs_of_actor_and_host() {
        assert_eq!(
            journal_id("Tomas Novák", "laptop-7.local"),
            "tomas-novák@laptop-7-local"
        );
        assert_eq!(journal_id("  ", "h"), "responder@h");
        assert_eq!(journal_id("a/../b", "x"), "a-b@x");
    }

    #[test]
    fn a_bad_case_yaml_is_named_by_file_line_and_column_and_a_hostile_one_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(CASE_FILE), "case: x\ntitle: [unclosed\n").unwrap();
        let why = read(dir.path()).unwrap_err();
        let at = format!("--> {}:2:8", dir.path().join(CASE_FILE).display());
        assert!(why.contains(&at), "{why}");
        assert!(
            !why.starts_with("error"),
            "the caller says error once: {why}"
        );
        let bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n";
        std::fs::write(dir.path().join(CASE_FILE), bomb).unwrap();
        // Refused before anything is expanded, and named where.
        let why = read(dir.path()).unwrap_err();
        assert!(
            why.contains(&format!("--> {}:1:1", dir.path().join(CASE_FILE).display())),
            "{why}"
        );
    }

    #[test]
    fn case_yaml_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let case = CaseFile {
            case: "c1".into(),
            title: "T".into(),
            timezone: "UTC".into(),
            exercise: true,
            playbook: CasePlaybook {
                id: "p".into(),
                version: "1".into(),
                sha256: "ab".into(),
                file: PLAYBOOK_FILE.into(),
            },
        };
        create(dir.path(), &case, b"x").unwrap();
        assert_eq!(read(dir.path()).unwrap(), case);
        assert!(create(dir.path(), &case, b"x").is_err());
        assert!(journals_dir(dir.path()).is_dir());
    }
}
