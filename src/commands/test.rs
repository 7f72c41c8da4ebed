//! `runsheet test <playbook|folder> [cases.yaml…]`: run playbook test cases
//! headless and report one line per case.

use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::validate::{context_for, expand};
use crate::catalog::{self, LoadError, SourceText};
use crate::diag::Diagnostic;
use crate::playbook::Playbook;
use crate::playbook::load::{self, DocumentKind};
use crate::playtest::{self, doc::CaseFileDoc};

/// A playbook under test with its validation warnings.
struct UnderTest {
    playbook: Playbook,
    warnings: Vec<Diagnostic>,
    path: Option<PathBuf>,
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    code: u8,
}

impl Tally {
    fn problem(&mut self, err: &mut dyn Write, e: &LoadError) {
        let _ = write!(err, "{}", e.render());
        self.code = self.code.max(e.exit_code());
    }
}

/// Runs the cases; returns the exit code: 0 all passed, 1 a case failed or
/// a file is invalid, 2 a file could not be read.
pub fn run(
    target: &Path,
    case_files: &[PathBuf],
    today: NaiveDate,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> u8 {
    let mut tally = Tally::default();
    if !target.exists() {
        let _ = writeln!(
            err,
            "error: {}: No such file or directory",
            target.display()
        );
        return 2;
    }
    let mut sources = Vec::new();
    for path in expand(&[target.to_path_buf()]) {
        match catalog::read_source(&path) {
            Ok(s)
                if load::detect_kind(&s.text) == DocumentKind::Playbook
                    && !load::is_test_cases(&s.text) =>
            {
                sources.push(s);
            }
            Ok(_) => {}
            Err(e) => tally.problem(err, &e),
        }
    }
    let context = context_for(&sources, today);
    let mut playbooks = Vec::new();
    for source in &sources {
        match catalog::check_playbook_file(source, &context.library, today) {
            Ok((playbook, warnings)) => playbooks.push(UnderTest {
                playbook,
                warnings,
                path: source.path.clone(),
            }),
            Err(e) => {
                tally.problem(err, &e);
                tally.failed += 1;
            }
        }
    }
    if case_files.is_empty() {
        for under in &playbooks {
            let files = discover(under);
            if files.is_empty() {
                let _ = writeln!(
                    out,
                    "FAIL {}: no test cases in {}/",
                    under.playbook.id,
                    playtest::cases_dir(&under.playbook.id).display()
                );
                tally.failed += 1;
            }
            for file in files {
                run_file(&file, |_| Some(under), &mut tally, out, err);
            }
        }
    } else {
        let single = target.is_file();
        for file in case_files {
            run_file(
                file,
                |id| {
                    if single {
                        playbooks.first()
                    } else {
                        playbooks.iter().find(|p| p.playbook.id == id)
                    }
                },
                &mut tally,
                out,
                err,
            );
        }
    }
    let _ = writeln!(out, "{} passed, {} failed", tally.passed, tally.failed);
    if tally.failed > 0 {
        tally.code = tally.code.max(1);
    }
    tally.code
}

/// `tests/playbooks/<id>/*.yaml` in the playbook's folder or the nearest
/// folder above it that has one.
fn discover(under: &UnderTest) -> Vec<PathBuf> {
    let start = under
        .path
        .as_deref()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let start = if start.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        start
    };
    let absolute = std::fs::canonicalize(&start).unwrap_or(start);
    absolute
        .ancestors()
        .map(|dir| dir.join(playtest::cases_dir(&under.playbook.id)))
        .find(|dir| dir.is_dir())
        .map(|dir| {
            let files = catalog::yaml_files(&dir);
            let cwd = std::env::current_dir().unwrap_or_default();
            files
                .into_iter()
                .map(|f| f.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or(f))
                .collect()
        })
        .unwrap_or_default()
}

fn run_file<'p>(
    file: &Path,
    find: impl Fn(&str) -> Option<&'p UnderTest>,
    tally: &mut Tally,
    out: &mut dyn Write,
    err: &mut dyn Write,
) {
    let source = match catalog::read_source(file) {
        Ok(s) => s,
        Err(e) => {
            tally.problem(err, &e);
            tally.failed += 1;
            return;
        }
    };
    let under = match playbook_of(&source, &find) {
        Ok(u) => u,
        Err(e) => {
            tally.problem(err, &e);
            tally.failed += 1;
            let _ = writeln!(out, "FAIL {}: invalid case file", source.label);
            return;
        }
    };
    let cases = match playtest::compile(&source, &under.playbook) {
        Ok(cases) => cases,
        Err(e) => {
            tally.problem(err, &e);
            tally.failed += 1;
            let _ = writeln!(out, "FAIL {}: invalid case file", source.label);
            return;
        }
    };
    for case in &cases {
        let failures = playtest::run_case(case, &under.playbook, &under.warnings);
        if failures.is_empty() {
            tally.passed += 1;
            let _ = writeln!(out, "ok   {}: {}", source.label, case.name);
        } else {
            tally.failed += 1;
            let _ = writeln!(
                out,
                "FAIL {}:{}: {}: {}",
                source.label,
                case.line,
                case.name,
                failures.join("; ")
            );
        }
    }
}

/// The playbook a case file names, among those under test.
fn playbook_of<'p>(
    source: &SourceText,
    find: &impl Fn(&str) -> Option<&'p UnderTest>,
) -> Result<&'p UnderTest, LoadError> {
    let invalid = |diagnostics: Vec<Diagnostic>| LoadError::Invalid {
        label: source.label.clone(),
        text: source.text.clone(),
        diagnostics,
    };
    let doc: CaseFileDoc = load::parse_reporting_all(&source.text).map_err(invalid)?;
    find(&doc.playbook).ok_or_else(|| {
        invalid(vec![
            Diagnostic::error(format!(
                "no playbook `{}` among those tested",
                doc.playbook.value
            ))
            .at_value(&doc.playbook),
        ])
    })
}
