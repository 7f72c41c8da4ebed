//! Finding and loading playbooks, clock packs and drill scenarios: the
//! bundled ones compiled into the binary and local ones on disk.
//!
//! This is the IO shell around `playbook::load` and `playbook::validate`.

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::diag::Diagnostic;
use crate::hash::sha256_hex;
use crate::journal::event::Created;
use crate::playbook::doc::{DrillDoc, PackDoc, PlaybookDoc};
use crate::playbook::load::{self, DocumentKind};
use crate::playbook::validate::{self, Checked, ClockLibrary, Context};
use crate::playbook::{Drill, Playbook};

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

/// One source file's text, named the way diagnostics should name it.
#[derive(Debug, Clone)]
pub struct SourceText {
    /// `playbooks/ddos.yaml` (bundled) or the path as given.
    pub label: String,
    pub path: Option<PathBuf>,
    pub text: String,
    pub sha256: String,
}

impl SourceText {
    pub fn bundled(label: &str, text: &str) -> Self {
        Self {
            label: format!("(bundled) {label}"),
            path: None,
            text: text.to_string(),
            sha256: sha256_hex(text.as_bytes()),
        }
    }

    /// Where a journal records this file came from: `bundled:ddos.yaml`,
    /// or the file's absolute path. A path as typed (`pb/edge.yaml`)
    /// would only be found again from the folder it was typed in, so
    /// `status` or `export` run elsewhere could not find the playbook.
    pub fn recorded_path(&self) -> String {
        match &self.path {
            None => format!("bundled:{}", self.label.trim_start_matches("(bundled) ")),
            Some(p) => std::path::absolute(p)
                .unwrap_or_else(|_| p.clone())
                .display()
                .to_string(),
        }
    }
}

/// Why a file could not be used.
#[derive(Debug)]
pub enum LoadError {
    /// Missing, unreadable: a usage or IO problem (exit 2).
    Io { label: String, message: String },
    /// Read but not valid (exit 1), with every diagnostic.
    Invalid {
        label: String,
        text: String,
        diagnostics: Vec<Diagnostic>,
    },
    /// A playbook file whose `clocks/` folder holds packs that do not
    /// load: the playbook is not checked, since a bundled clock with the
    /// same id would silently stand in for the local one.
    LocalPack {
        playbook: String,
        packs: Vec<LoadError>,
    },
}

impl LoadError {
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Io { .. } => 2,
            Self::Invalid { .. } => 1,
            Self::LocalPack { packs, .. } => packs.iter().map(Self::exit_code).max().unwrap_or(1),
        }
    }

    /// The file the problem is in: for a playbook with a broken pack, the
    /// playbook.
    pub fn label(&self) -> &str {
        match self {
            Self::Io { label, .. } | Self::Invalid { label, .. } => label,
            Self::LocalPack { playbook, .. } => playbook,
        }
    }

    /// Full report: each diagnostic with its snippet, then a count.
    pub fn render(&self) -> String {
        match self {
            Self::Io { label, message } => format!("error: {label}: {message}\n"),
            Self::Invalid {
                label,
                text,
                diagnostics,
            } => render_diagnostics(label, text, diagnostics),
            Self::LocalPack { playbook, packs } => {
                let mut out: String = packs.iter().map(Self::render).collect();
                out.push_str(&local_pack_sentence(playbook, packs));
                out
            }
        }
    }
}

/// The line that ends a [`LoadError::LocalPack`] report: the packs' own
/// problems are above it.
pub fn local_pack_sentence(playbook: &str, packs: &[LoadError]) -> String {
    let names: Vec<String> = packs.iter().map(|p| format!("`{}`", p.label())).collect();
    let (noun, verb) = if names.len() == 1 {
        ("pack", "does")
    } else {
        ("packs", "do")
    };
    format!(
        "error: {playbook}: not loaded: the clock {noun} {} in `clocks/` beside it {verb} not load\n  \
         = help: fix the {noun}; runsheet never puts a bundled clock with the same id in place of a local one\n",
        names.join(", ")
    )
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.render().trim_end())
    }
}

impl std::error::Error for LoadError {}

/// Every diagnostic of a file, then a summary line when there are errors.
pub fn render_diagnostics(label: &str, text: &str, diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        out.push_str(&d.render(label, text));
        out.push('\n');
    }
    let errors: usize = diagnostics.iter().map(Diagnostic::errors).sum();
    if errors > 0 {
        let _ = writeln!(
            out,
            "{label}: {errors} error{}",
            if errors == 1 { "" } else { "s" }
        );
    }
    out
}

/// Reads a file with the size limit applied before the whole file is read.
pub fn read_source(path: &Path) -> Result<SourceText, LoadError> {
    let label = path.display().to_string();
    let io = |e: std::io::Error| LoadError::Io {
        label: label.clone(),
        message: crate::diag::describe_io(&e),
    };
    let file = crate::journal::attachment::open_regular(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::IsADirectory {
            LoadError::Io {
                label: label.clone(),
                message: "is a directory, not a YAML file".into(),
            }
        } else {
            io(e)
        }
    })?;
    let mut bytes = Vec::new();
    file.take(load::MAX_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    let text = load::preflight(&bytes).map_err(|d| LoadError::Invalid {
        label: label.clone(),
        text: String::from_utf8_lossy(&bytes[..bytes.len().min(64 * 1024)]).into_owned(),
        diagnostics: vec![d],
    })?;
    Ok(SourceText {
        label,
        path: Some(path.to_path_buf()),
        text: text.to_string(),
        sha256: sha256_hex(&bytes),
    })
}

fn invalid(source: &SourceText, diagnostics: Vec<Diagnostic>) -> LoadError {
    LoadError::Invalid {
        label: source.label.clone(),
        text: source.text.clone(),
        diagnostics,
    }
}

fn into_result<T>(
    source: &SourceText,
    checked: Checked<T>,
) -> Result<(T, Vec<Diagnostic>), LoadError> {
    match checked.value {
        Some(v) => Ok((v, checked.diagnostics)),
        None => Err(invalid(source, checked.diagnostics)),
    }
}

/// Checks a playbook source against a clock library.
pub fn check_playbook(
    source: &SourceText,
    library: &ClockLibrary,
    today: NaiveDate,
) -> Result<(Playbook, Vec<Diagnostic>), LoadError> {
    compile_playbook(source, &parse_playbook(source)?, library, today)
}

/// The YAML step of [`check_playbook`]: needs no clock library, so it can
/// run while the library is being loaded.
pub fn parse_playbook(source: &SourceText) -> Result<PlaybookDoc, LoadError> {
    load::parse_document(&source.text, load::DocumentKind::Playbook)
        .map_err(|problems| invalid(source, problems))
}

/// The checking step of [`check_playbook`].
pub fn compile_playbook(
    source: &SourceText,
    doc: &PlaybookDoc,
    library: &ClockLibrary,
    today: NaiveDate,
) -> Result<(Playbook, Vec<Diagnostic>), LoadError> {
    let cx = Context {
        library,
        today,
        sha256: &source.sha256,
    };
    into_result(source, validate::compile_playbook(doc, &source.text, cx))
}

/// The clock packs in the `clocks/` folder beside a playbook file.
pub fn packs_beside(playbook: &SourceText) -> Vec<PathBuf> {
    playbook
        .path
        .as_deref()
        .and_then(Path::parent)
        .map(|dir| yaml_files(&dir.join("clocks")))
        .unwrap_or_default()
}

/// `library` with the clock packs in `clocks/` beside the playbook file
/// `source` laid over it, so a local pack overrides a bundled clock of the
/// same id. A pack there that does not load makes the playbook fail to
/// load ([`LoadError::LocalPack`]), with the pack's own problems: falling
/// back to the bundled clock would count down to another deadline than
/// the organisation's, and nobody would be told.
pub fn library_for(
    source: &SourceText,
    library: &ClockLibrary,
    today: NaiveDate,
) -> Result<ClockLibrary, LoadError> {
    let mut library = library.clone();
    let mut broken = Vec::new();
    for path in packs_beside(source) {
        // Every file there is read as a pack: one whose `clocks:` key is
        // misspelt does not look like a pack, and still is one.
        let pack = read_source(&path)
            .and_then(|pack| check_pack(&pack, today).map(|(clocks, _)| (clocks, pack.label)));
        match pack {
            Ok((clocks, label)) => {
                for clock in clocks {
                    library.insert(clock, &label);
                }
            }
            Err(e) => broken.push(e),
        }
    }
    if broken.is_empty() {
        Ok(library)
    } else {
        Err(LoadError::LocalPack {
            playbook: source.label.clone(),
            packs: broken,
        })
    }
}

/// [`check_playbook`] for a playbook file, against `library` with the
/// packs beside it (see [`library_for`]).
pub fn check_playbook_file(
    source: &SourceText,
    library: &ClockLibrary,
    today: NaiveDate,
) -> Result<(Playbook, Vec<Diagnostic>), LoadError> {
    check_playbook(source, &library_for(source, library, today)?, today)
}

/// Checks a clock pack source.
pub fn check_pack(
    source: &SourceText,
    today: NaiveDate,
) -> Result<(Vec<crate::playbook::Clock>, Vec<Diagnostic>), LoadError> {
    let doc: PackDoc = load::parse_document(&source.text, load::DocumentKind::ClockPack)
        .map_err(|problems| invalid(source, problems))?;
    into_result(source, validate::compile_pack(&doc, &source.text, today))
}

/// Checks a drill scenario; `playbook` finds the playbook it runs by id.
pub fn check_drill(
    source: &SourceText,
    playbook: &dyn Fn(&str) -> Option<Playbook>,
) -> Result<(Drill, Vec<Diagnostic>), LoadError> {
    let doc: DrillDoc = load::parse_document(&source.text, load::DocumentKind::Drill)
        .map_err(|problems| invalid(source, problems))?;
    into_result(
        source,
        validate::compile_drill(&doc, &source.text, &source.sha256, playbook),
    )
}

/// The local `contacts.yaml` (in the config folder), if there is one.
pub fn local_contacts(
    path: &Path,
) -> Result<Vec<crate::playbook::doc::ContactOverrideDoc>, LoadError> {
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let source = read_source(path)?;
    let doc: crate::playbook::doc::ContactsDoc =
        load::parse_document(&source.text, load::DocumentKind::Contacts)
            .map_err(|problems| invalid(&source, problems))?;
    Ok(doc.contacts)
}

/// Checks a contacts file's shape; returns how many contacts it lists.
pub fn local_contacts_text(source: &SourceText) -> Result<usize, LoadError> {
    let doc: crate::playbook::doc::ContactsDoc =
        load::parse_document(&source.text, load::DocumentKind::Contacts)
            .map_err(|problems| invalid(source, problems))?;
    let mut c = crate::playbook::validate::Checker::new(&source.text);
    c.runsheet_version(&doc.runsheet);
    c.unique("contact", doc.contacts.iter().map(|x| &x.id));
    let checked = c.finish(|| doc.contacts.len());
    into_result(source, checked).map(|(n, _)| n)
}

/// Where a catalogued file came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Bundled,
    Local(PathBuf),
}

#[derive(Debug, Clone)]
pub struct PlaybookEntry {
    pub playbook: Playbook,
    pub source: SourceText,
    pub origin: Origin,
}

#[derive(Debug, Clone)]
pub struct DrillEntry {
    pub drill: Drill,
    pub source: SourceText,
    pub origin: Origin,
}

/// Everything runsheet can find: bundled files first, then local folders.
/// A local file with the id of a bundled one replaces it; invalid local
/// files are kept as problems to report, never silently dropped.
#[derive(Debug, Default)]
pub struct Catalog {
    pub library: ClockLibrary,
    pub playbooks: Vec<PlaybookEntry>,
    pub drills: Vec<DrillEntry>,
    pub problems: Vec<LoadError>,
    /// Set when only one playbook's entry was looked for (see
    /// [`Catalog::discover_for`]).
    narrowed: Option<Narrowed>,
}

/// What a narrowed catalog was discovered for, and from where: enough to
/// discover the whole one when it does not cover a journal.
#[derive(Debug, Clone)]
struct Narrowed {
    playbook: String,
    dirs: Vec<PathBuf>,
    today: NaiveDate,
}

impl Catalog {
    /// Only the bundled files.
    pub fn bundled(today: NaiveDate) -> Self {
        Self::discover(&[], today)
    }

    /// The clock packs bundled with runsheet, as [`Catalog::bundled`]
    /// has them, without checking the bundled playbooks and drills: for a
    /// caller that checks one playbook of its own (a team case's copy).
    pub fn bundled_library(today: NaiveDate) -> ClockLibrary {
        let packs: Vec<(SourceText, Origin)> = bundled::BUNDLED
            .iter()
            .filter(|(_, text)| matches!(load::detect_kind(text), DocumentKind::ClockPack))
            .map(|(label, text)| (SourceText::bundled(label, text), Origin::Bundled))
            .collect();
        let mut catalog = Self::default();
        catalog.add_sources(packs, today);
        catalog.library
    }

    /// Bundled files plus `*.yaml` in each folder, with packs in its
    /// `clocks/` and drill scenarios in its `drills/`.
    pub fn discover(dirs: &[PathBuf], today: NaiveDate) -> Self {
        Self::discover_narrowed(dirs, today, None)
    }

    /// What [`Catalog::discover`] finds for the one playbook `id`: the same
    /// clock packs, problems in local files and entry for `id`, without
    /// checking the bundled playbooks with another id (nor local copies of
    /// them), or any drill scenario. For a command that opens one journal
    /// of a real incident; [`Catalog::covers`] says whether it will do.
    pub fn discover_for(dirs: &[PathBuf], today: NaiveDate, id: &str) -> Self {
        let mut catalog = Self::discover_narrowed(dirs, today, Some(id));
        catalog.narrowed = Some(Narrowed {
            playbook: id.to_string(),
            dirs: dirs.to_vec(),
            today,
        });
        catalog
    }

    /// Whether this catalog resolves the playbook and drill of a journal
    /// created with `created` as the whole catalog would.
    pub fn covers(&self, created: &Created) -> bool {
        self.narrowed
            .as_ref()
            .is_none_or(|n| n.playbook == created.playbook.id && created.drill.is_none())
    }

    /// The whole catalog, when this one was narrowed to another playbook
    /// than `created` runs.
    pub fn widened_for(&self, created: &Created) -> Option<Self> {
        let narrowed = self.narrowed.as_ref().filter(|_| !self.covers(created))?;
        Some(Self::discover(&narrowed.dirs, narrowed.today))
    }

    fn discover_narrowed(dirs: &[PathBuf], today: NaiveDate, id: Option<&str>) -> Self {
        let mut sources: Vec<(SourceText, Origin)> = bundled::BUNDLED
            .iter()
            .map(|(label, text)| (SourceText::bundled(label, text), Origin::Bundled))
            .collect();
        let mut catalog = Self::default();
        // Which bundled playbook each text is, by its bytes: a file with
        // the same bytes is that playbook, whatever its name or folder.
        let bundled_ids: Vec<(String, Option<&'static str>)> = sources
            .iter()
            .zip(bundled::BUNDLED)
            .map(|((source, _), (_, text))| (source.sha256.clone(), declared_id(text)))
            .collect();
        let may_be_wanted = |source: &SourceText| {
            id.is_none_or(|id| {
                bundled_ids
                    .iter()
                    .find(|(sha, _)| *sha == source.sha256)
                    .is_none_or(|(_, declared)| declared.is_none_or(|d| d == id))
            })
        };
        for dir in dirs {
            for sub in [dir.clone(), dir.join("clocks"), dir.join("drills")] {
                for path in yaml_files(&sub) {
                    match read_source(&path) {
                        Ok(s) => sources.push((s, Origin::Local(path))),
                        Err(e) => catalog.problems.push(e),
                    }
                }
            }
        }
        sources.retain(|(source, _)| match load::detect_kind(&source.text) {
            DocumentKind::Playbook => may_be_wanted(source),
            DocumentKind::Drill => id.is_none(),
            DocumentKind::ClockPack | DocumentKind::Contacts => true,
        });
        catalog.add_sources(sources, today);
        catalog
    }

    fn add_sources(&mut self, sources: Vec<(SourceText, Origin)>, today: NaiveDate) {
        let mut playbooks = Vec::new();
        let mut drills = Vec::new();
        for (source, origin) in sources {
            match load::detect_kind(&source.text) {
                DocumentKind::ClockPack => match check_pack(&source, today) {
                    Ok((clocks, _)) => {
                        for clock in clocks {
                            self.library.insert(clock, &source.label);
                        }
                    }
                    Err(e) => self.problems.push(e),
                },
                DocumentKind::Playbook => playbooks.push((source, origin)),
                DocumentKind::Contacts => {}
                DocumentKind::Drill => drills.push((source, origin)),
            }
        }
        for (source, origin) in playbooks {
            // The same bytes as an entry already checked (a checkout's
            // `./playbooks`): `add_playbook` would keep that entry.
            if self
                .playbooks
                .iter()
                .any(|e| e.source.sha256 == source.sha256)
            {
                continue;
            }
            // A local playbook gets the packs beside it, which must load.
            let checked = match origin {
                Origin::Bundled => check_playbook(&source, &self.library, today),
                Origin::Local(_) => check_playbook_file(&source, &self.library, today),
            };
            match checked {
                Ok((playbook, _)) => self.add_playbook(PlaybookEntry {
                    playbook,
                    source,
                    origin,
                }),
                Err(e) => self.problems.push(e),
            }
        }
        for (source, origin) in drills {
            let lookup = |id: &str| self.playbook(id).map(|e| e.playbook.clone());
            match check_drill(&source, &lookup) {
                Ok((drill, _)) => {
                    self.drills.retain(|d| d.drill.id != drill.id);
                    self.drills.push(DrillEntry {
                        drill,
                        source,
                        origin,
                    });
                }
                Err(e) => self.problems.push(e),
            }
        }
    }

    fn add_playbook(&mut self, entry: PlaybookEntry) {
        if let Some(existing) = self
            .playbooks
            .iter_mut()
            .find(|e| e.playbook.id == entry.playbook.id)
        {
            // The same bytes found twice (e.g. `./playbooks` in a checkout)
            // stay bundled; different bytes are a local override.
            if existing.source.sha256 != entry.source.sha256 {
                *existing = entry;
            }
        } else {
            self.playbooks.push(entry);
        }
    }

    pub fn playbook(&self, id: &str) -> Option<&PlaybookEntry> {
        self.playbooks.iter().find(|e| e.playbook.id == id)
    }

    pub fn drill(&self, id: &str) -> Option<&DrillEntry> {
        self.drills.iter().find(|e| e.drill.id == id)
    }
}

/// The `id` a bundled playbook declares on its own top-level line, read
/// without parsing it (a test holds it to the parsed id for every bundled
/// file); `None` when there is no such line.
fn declared_id(text: &str) -> Option<&str> {
    let value = text.lines().find_map(|line| line.strip_prefix("id:"))?;
    let value = value.trim();
    Some(
        value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(value),
    )
}

/// `*.yaml` and `*.yml` directly in `dir`, sorted; none when it is missing.
pub fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    files
}

/// The bundled files, for tests and `list`.
pub fn bundled_files() -> &'static [(&'static str, &'static str)] {
    bundled::BUNDLED
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_library_is_the_bundled_catalogs_without_its_playbooks() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap_or_default();
        let library = Catalog::bundled_library(today);
        let catalog = Catalog::bundled(today);
        assert!(library.ids().count() > 0, "the bundled packs have clocks");
        assert_eq!(
            format!("{library:?}"),
            format!("{:?}", catalog.library),
            "same clocks, same origins"
        );
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap_or_default()
    }

    /// A journal's creation naming playbook `id` (and drill `drill`).
    fn created(id: &str, drill: Option<&str>) -> Created {
        let mut value = serde_json::json!({
            "journal_id": "j",
            "playbook": {"id": id, "version": "1", "path": format!("bundled:playbooks/{id}.yaml"), "sha256": ""},
            "title": "t",
            "timezone": "UTC",
            "exercise": drill.is_some(),
            "app_version": "test",
        });
        if let Some(drill) = drill {
            value["drill"] = serde_json::json!({"id": drill, "path": "bundled:x", "sha256": ""});
        }
        serde_json::from_value(value).expect("a creation")
    }

    fn bundled_playbook_ids(catalog: &Catalog) -> Vec<String> {
        catalog
            .playbooks
            .iter()
            .map(|e| e.playbook.id.clone())
            .collect()
    }

    #[test]
    fn every_bundled_playbook_declares_its_id_on_its_own_line() {
        let catalog = Catalog::bundled(today());
        let parsed = bundled_playbook_ids(&catalog);
        let declared: Vec<&str> = bundled::BUNDLED
            .iter()
            .filter(|(_, text)| matches!(load::detect_kind(text), DocumentKind::Playbook))
            .filter_map(|(_, text)| declared_id(text))
            .collect();
        assert_eq!(declared, parsed, "in bundled order");
        assert!(parsed.len() > 1);
    }

    /// Defect CONTENT-FR-INSURANCE-CLOCK-SOURCE-NOT-SPECIFIC: the French
    /// insurance-complaint clock cited Légifrance's home page, which a
    /// reader cannot check the deadline against. Every bundled clock's
    /// source that is an address names a page below its site's root.
    #[test]
    fn fr_insurance_clock_source_not_specific() {
        let catalog = Catalog::bundled(today());
        let mut checked = 0;
        for entry in &catalog.playbooks {
            // A source that is not an address (an internal plan) is not
            // a site either.
            let linked = entry
                .playbook
                .clocks
                .iter()
                .filter(|c| c.source.contains("://"));
            for clock in linked {
                let page = clock
                    .source
                    .split_once("://")
                    .and_then(|(_, rest)| rest.split_once('/'))
                    .map(|(_, path)| path.trim_matches('/'));
                assert!(
                    page.is_some_and(|p| !p.is_empty()),
                    "{} clock {}: source {} is a site, not the text",
                    entry.playbook.id,
                    clock.id,
                    clock.source
                );
                checked += 1;
            }
        }
        assert!(checked > 20, "{checked} clocks");
    }

    /// The local folder: an edited copy of one bundled playbook, and the
    /// other bundled playbooks byte for byte (a checkout's `./playbooks`).
    fn local_folder(edited: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        for (label, text) in bundled::BUNDLED {
            if !matches!(load::detect_kind(text), DocumentKind::Playbook) {
                continue;
            }
            let name = Path::new(label).file_name().expect("a file name");
            let text = if declared_id(text) == Some(edited) {
                text.replacen("title:", "title: Edited", 1)
            } else {
                (*text).to_string()
            };
            std::fs::write(dir.path().join(name), text).expect("write");
        }
        dir
    }

    #[test]
    fn a_catalog_narrowed_to_a_playbook_finds_the_entry_the_whole_one_does() {
        let ids = bundled_playbook_ids(&Catalog::bundled(today()));
        let edited = &ids[0];
        let local = local_folder(edited);
        let dirs = [local.path().to_path_buf()];
        let whole = Catalog::discover(&dirs, today());
        for id in &ids {
            let narrowed = Catalog::discover_for(&dirs, today(), id);
            let (found, expected) = (narrowed.playbook(id), whole.playbook(id));
            let describe = |e: Option<&PlaybookEntry>| {
                e.map(|e| {
                    (
                        e.origin.clone(),
                        e.source.sha256.clone(),
                        e.playbook.clone(),
                    )
                })
            };
            assert!(expected.is_some(), "{id}");
            assert_eq!(describe(found), describe(expected), "{id}");
            // Local files other than copies are checked whatever their id.
            let checked: Vec<&str> = narrowed
                .playbooks
                .iter()
                .filter(|e| e.playbook.id == *id || e.origin == Origin::Bundled)
                .map(|e| e.playbook.id.as_str())
                .collect();
            assert_eq!(
                checked,
                [id.as_str()],
                "no other bundled playbook is checked"
            );
            assert!(narrowed.drills.is_empty());
            assert_eq!(
                format!("{:?}", narrowed.library),
                format!("{:?}", whole.library)
            );
        }
        assert_eq!(
            whole.playbook(edited).map(|e| &e.origin),
            Some(&Origin::Local(dirs[0].join(format!("{edited}.yaml")))),
            "the edited copy overrides the bundled playbook"
        );
        let copies = whole
            .playbooks
            .iter()
            .filter(|e| e.origin == Origin::Bundled);
        assert_eq!(
            copies.count(),
            ids.len() - 1,
            "byte-for-byte copies stay bundled"
        );
    }

    #[test]
    fn a_copy_of_a_bundled_playbook_after_an_override_still_replaces_the_override() {
        let ids = bundled_playbook_ids(&Catalog::bundled(today()));
        let id = &ids[0];
        let edited = local_folder(id);
        let copy = tempfile::tempdir().expect("temp dir");
        let (label, text) = bundled::BUNDLED
            .iter()
            .find(|(_, text)| declared_id(text) == Some(id.as_str()))
            .expect("bundled");
        let name = Path::new(label).file_name().expect("a file name");
        std::fs::write(copy.path().join(name), text).expect("write");
        let dirs = [edited.path().to_path_buf(), copy.path().to_path_buf()];
        let whole = Catalog::discover(&dirs, today());
        assert_eq!(
            whole.playbook(id).map(|e| &e.origin),
            Some(&Origin::Local(copy.path().join(name))),
            "the last folder's file wins, as a local file over the edited one"
        );
        let narrowed = Catalog::discover_for(&dirs, today(), id);
        assert_eq!(
            narrowed.playbook(id).map(|e| &e.origin),
            whole.playbook(id).map(|e| &e.origin)
        );
    }

    /// BROKEN-LOCAL-PACK-SILENTLY-REPLACED-BY-BUNDLED, by id: a local
    /// playbook in a catalogued folder whose `clocks/` pack does not load
    /// is not catalogued on the bundled clock; naming it gives the pack's
    /// problem.
    #[test]
    fn a_catalogued_playbook_with_a_broken_pack_beside_it_is_not_loaded() {
        let dir = tempfile::tempdir().expect("temp dir");
        let fixture =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/local-packs/override");
        std::fs::create_dir(dir.path().join("clocks")).expect("mkdir");
        for file in ["good.yaml", "clocks/gdpr.yaml"] {
            std::fs::copy(fixture.join(file), dir.path().join(file)).expect("copy");
        }
        let catalog = Catalog::discover(&[dir.path().to_path_buf()], today());
        assert!(catalog.playbook("walk-good").is_none());
        let err = crate::commands::open::resolve_playbook("walk-good", &catalog, today())
            .expect_err("the pack is broken");
        let LoadError::LocalPack { playbook, packs } = &err else {
            panic!("{err}");
        };
        assert_eq!(
            *playbook,
            dir.path().join("good.yaml").display().to_string()
        );
        assert_eq!(
            packs.iter().map(LoadError::label).collect::<Vec<_>>(),
            [dir.path().join("clocks/gdpr.yaml").display().to_string()]
        );
        assert_eq!(err.exit_code(), 1);
    }

    #[test]
    fn a_narrowed_catalog_covers_only_its_playbook_without_a_drill() {
        let ids = bundled_playbook_ids(&Catalog::bundled(today()));
        let narrowed = Catalog::discover_for(&[], today(), &ids[0]);
        assert!(narrowed.covers(&created(&ids[0], None)));
        assert!(narrowed.widened_for(&created(&ids[0], None)).is_none());
        for other in [created(&ids[1], None), created(&ids[0], Some("a-drill"))] {
            assert!(!narrowed.covers(&other));
            let whole = narrowed.widened_for(&other).expect("widened");
            assert_eq!(bundled_playbook_ids(&whole), ids);
            assert!(!whole.drills.is_empty());
        }
        let resolved =
            crate::commands::open::playbook_for(&created(&ids[1], None), &narrowed, today())
                .expect("found in the whole catalog");
        assert_eq!(resolved.playbook.id, ids[1]);
        let whole = Catalog::bundled(today());
        assert!(whole.covers(&created(&ids[1], Some("a-drill"))));
    }
}
