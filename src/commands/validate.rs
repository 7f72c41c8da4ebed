//! `runsheet validate <file>...`: check playbooks, clock packs and drill
//! scenarios, reporting every problem of every file in one run.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use crate::catalog::{self, Catalog, LoadError, SourceText};
use crate::playbook::load::{self, DocumentKind};

/// Checks the files (folders are searched for `*.yaml`) and writes the
/// report; returns the exit code: 0 valid, 1 invalid, 2 IO.
pub fn run(
    paths: &[PathBuf],
    today: NaiveDate,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> u8 {
    let mut code = 0;
    let mut sources = Vec::new();
    for path in expand(paths) {
        match catalog::read_source(&path) {
            Ok(s) => sources.push(s),
            Err(e) => {
                let _ = write!(err, "{}", e.render());
                code = code.max(e.exit_code());
            }
        }
    }

    let context = context_for(&sources, today);
    let mut checked_playbooks = Vec::new();
    let mut report = |source: &SourceText,
                      result: Result<(String, Vec<crate::diag::Diagnostic>), LoadError>,
                      code: &mut u8| match result {
        Ok((summary, warnings)) => {
            if !warnings.is_empty() {
                let _ = write!(
                    err,
                    "{}",
                    catalog::render_diagnostics(&source.label, &source.text, &warnings)
                );
            }
            let _ = writeln!(out, "ok: {} ({summary})", source.label);
        }
        Err(e) => {
            let _ = write!(err, "{}", render_once(&e, &sources));
            *code = (*code).max(e.exit_code());
        }
    };
    for source in &sources {
        match load::detect_kind(&source.text) {
            // Checked once every playbook is (below).
            DocumentKind::Playbook if load::is_test_cases(&source.text) => {}
            DocumentKind::ClockPack => {
                let result = catalog::check_pack(source, today).map(|(clocks, w)| {
                    let ids: Vec<_> = clocks.iter().map(|c| c.id.as_str()).collect();
                    (format!("clock pack: {}", ids.join(", ")), w)
                });
                report(source, result, &mut code);
            }
            DocumentKind::Playbook => {
                let result =
                    catalog::check_playbook_file(source, &context.library, today).map(|(p, w)| {
                        let summary = playbook_summary(&p);
                        checked_playbooks.push(p);
                        (summary, w)
                    });
                report(source, result, &mut code);
            }
            DocumentKind::Drill => {}
            DocumentKind::Contacts => {
                let result = catalog::local_contacts_text(source)
                    .map(|n| (format!("contacts file: {n} contacts"), Vec::new()));
                report(source, result, &mut code);
            }
        }
    }
    let lookup = |id: &str| {
        checked_playbooks
            .iter()
            .find(|p| p.id == id)
            .cloned()
            .or_else(|| context.playbook(id).map(|e| e.playbook.clone()))
    };
    for source in &sources {
        if load::detect_kind(&source.text) == DocumentKind::Drill {
            let result = catalog::check_drill(source, &lookup).map(|(d, w)| {
                (
                    format!(
                        "drill `{}` on playbook `{}`: {} injects",
                        d.id,
                        d.playbook,
                        d.injects.len()
                    ),
                    w,
                )
            });
            report(source, result, &mut code);
        }
    }
    let mut unchecked = Vec::new();
    for source in sources.iter().filter(|s| load::is_test_cases(&s.text)) {
        match test_cases(source, &lookup) {
            Some(result) => report(source, result, &mut code),
            None => unchecked.push(&source.label),
        }
    }
    for label in unchecked {
        let _ = writeln!(
            err,
            "note: {label}: test cases of a playbook not found valid here: not checked (`runsheet test` runs them)"
        );
    }
    code
}

/// What `ok:` says of a valid playbook.
fn playbook_summary(p: &crate::playbook::Playbook) -> String {
    format!(
        "playbook `{}` {}: {} phases, {} steps, {} facts, {} clocks",
        p.id,
        p.version,
        p.phases.len(),
        p.step_count(),
        p.facts.len(),
        p.clocks.len()
    )
}

/// A `runsheet test` case file checked against the playbook it names, as
/// `runsheet test` would; `None` when that playbook is not at hand (not
/// among the files nor the catalog, or itself invalid: reported already).
fn test_cases(
    source: &SourceText,
    playbook: &dyn Fn(&str) -> Option<crate::playbook::Playbook>,
) -> Option<Result<(String, Vec<crate::diag::Diagnostic>), LoadError>> {
    let doc = match load::parse::<crate::playtest::doc::CaseFileDoc>(&source.text) {
        Ok(doc) => doc,
        Err(d) => {
            return Some(Err(LoadError::Invalid {
                label: source.label.clone(),
                text: source.text.clone(),
                diagnostics: vec![d],
            }));
        }
    };
    let playbook = playbook(&doc.playbook.value)?;
    Some(crate::playtest::compile(source, &playbook).map(|cases| {
        (
            format!(
                "test cases for playbook `{}`: {} cases",
                playbook.id,
                cases.len()
            ),
            Vec::new(),
        )
    }))
}

/// `e` as reported, without the problems of a broken pack that is among
/// the files checked: that pack is reported as a file of its own.
fn render_once(e: &LoadError, sources: &[SourceText]) -> String {
    let LoadError::LocalPack { playbook, packs } = e else {
        return e.render();
    };
    let mut out: String = packs
        .iter()
        .filter(|pack| !sources.iter().any(|s| s.label == pack.label()))
        .map(LoadError::render)
        .collect();
    out.push_str(&catalog::local_pack_sentence(playbook, packs));
    out
}

/// What the files are checked against: bundled and local files, with the
/// clock packs among the files and in `clocks/` beside each playbook laid
/// over the bundled library, so local overrides are what the playbooks see.
pub(crate) fn context_for(sources: &[SourceText], today: NaiveDate) -> Catalog {
    let mut context = Catalog::discover(&crate::paths::local_playbook_dirs(), today);
    let mut extra_packs: Vec<SourceText> = Vec::new();
    let known = |path: &Path, extra: &[SourceText]| {
        sources
            .iter()
            .chain(extra)
            .any(|s| s.path.as_deref() == Some(path))
    };
    for source in sources {
        if load::detect_kind(&source.text) != DocumentKind::Playbook {
            continue;
        }
        let Some(dir) = source.path.as_deref().and_then(Path::parent) else {
            continue;
        };
        for pack in catalog::yaml_files(&dir.join("clocks")) {
            if !known(&pack, &extra_packs)
                && let Ok(s) = catalog::read_source(&pack)
            {
                extra_packs.push(s);
            }
        }
    }
    for pack in extra_packs.iter().chain(sources) {
        if load::detect_kind(&pack.text) == DocumentKind::ClockPack
            && let Ok((clocks, _)) = catalog::check_pack(pack, today)
        {
            for clock in clocks {
                context.library.insert(clock, &pack.label);
            }
        }
    }
    context
}

/// Files as given, with folders replaced by the YAML files under them.
pub(crate) fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut stack = vec![path.clone()];
            while let Some(dir) = stack.pop() {
                out.extend(catalog::yaml_files(&dir));
                if let Ok(entries) = std::fs::read_dir(&dir) {
                    let mut subdirs: Vec<_> = entries
                        .flatten()
                        .map(|e| e.path())
                        .filter(|p| p.is_dir())
                        .collect();
                    subdirs.sort();
                    stack.extend(subdirs.into_iter().rev());
                }
            }
        } else {
            out.push(path.clone());
        }
    }
    out
}
