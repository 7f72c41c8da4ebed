//! `runsheet validate` on bad input, table-driven.
//!
//! Every file under `tests/fixtures/bad` is listed in [`BAD`] with every
//! diagnostic it must produce: severity, exact `line:column`, a specific part
//! of the message and, where it matters, the help. Each is checked twice:
//! through the library (the diagnostics themselves, nothing more and nothing
//! less) and through the binary (exit code, `path:line:col` locator and the
//! source snippet on stderr). Files under `tests/fixtures/warn` must pass
//! with their warnings shown. Hostile inputs (alias bombs, a 50 MB file,
//! deep nesting, NUL bytes, invalid UTF-8, tabs) are generated at test time
//! and must each be refused with one clear sentence.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use chrono::NaiveDate;
use runsheet::catalog::{self, Catalog, LoadError};
use runsheet::diag::{Diagnostic, Pos, Severity, source_line};
use runsheet::playbook::load::{self, DocumentKind};

/// The date the checks run on (`RUNSHEET_NOW` for the binary), so the
/// "reviewed more than a year ago" warning does not depend on the calendar.
const TODAY: (i32, u32, u32) = (2026, 11, 28);
const NOW: &str = "2026-11-28T12:00:00Z";

/// One diagnostic a fixture must produce.
#[derive(Debug, Clone, Copy)]
struct Expect {
    severity: Severity,
    line: u32,
    col: u32,
    /// A specific part of the message.
    message: &'static str,
    /// A part of the help, when it is worth pinning down.
    help: Option<&'static str>,
}

const fn error(line: u32, col: u32, message: &'static str) -> Expect {
    Expect {
        severity: Severity::Error,
        line,
        col,
        message,
        help: None,
    }
}

const fn warning(line: u32, col: u32, message: &'static str) -> Expect {
    Expect {
        severity: Severity::Warning,
        ..error(line, col, message)
    }
}

impl Expect {
    const fn help(self, help: &'static str) -> Self {
        Self {
            help: Some(help),
            ..self
        }
    }

    fn matches(&self, d: &Diagnostic) -> bool {
        d.severity == self.severity
            && d.pos == Some(Pos::new(self.line, self.col))
            && d.message.contains(self.message)
            && self
                .help
                .is_none_or(|h| d.help.as_deref().is_some_and(|dh| dh.contains(h)))
    }
}

/// A fixture file and everything `validate` must say about it, in order.
struct Case {
    file: &'static str,
    expect: &'static [Expect],
}

const BAD: &[Case] = &[
    // Duplicate ids, each pointing at the repeat and naming the first.
    Case {
        file: "dup-phase-id.yaml",
        expect: &[error(11, 9, "duplicate phase id `detect`").help("first defined at line 7")],
    },
    Case {
        file: "dup-step-id.yaml",
        expect: &[error(15, 14, "duplicate step id `triage`").help("first defined at line 10")],
    },
    Case {
        file: "dup-fact-id.yaml",
        expect: &[error(8, 10, "duplicate fact id `aware_at`").help("first defined at line 7")],
    },
    Case {
        file: "dup-role-id.yaml",
        expect: &[error(9, 10, "duplicate role id `ic`").help("first defined at line 7")],
    },
    Case {
        file: "dup-contact-id.yaml",
        expect: &[error(8, 10, "duplicate contact id `csirt`").help("first defined at line 7")],
    },
    Case {
        file: "dup-clock-id.yaml",
        expect: &[error(16, 9, "duplicate clock id `contract`").help("first defined at line 9")],
    },
    // References to things that do not exist.
    Case {
        file: "unknown-after-step.yaml",
        expect: &[
            error(13, 17, "unknown step `isolate-host`").help("did you mean `isolate-hosts`?")
        ],
    },
    Case {
        file: "unknown-capture-fact.yaml",
        expect: &[error(14, 29, "unknown fact `awere_at`").help("did you mean `aware_at`?")],
    },
    Case {
        file: "unknown-role.yaml",
        expect: &[error(13, 41, "unknown role `lead`").help("known: `ic`")],
    },
    Case {
        file: "unknown-contact.yaml",
        expect: &[error(13, 60, "unknown contact `police`").help("known: `csirt`")],
    },
    Case {
        file: "unknown-decide-fact.yaml",
        expect: &[error(18, 17, "unknown fact `pay_ransom`").help("known: `personal_data`")],
    },
    Case {
        file: "unknown-satisfies-clock.yaml",
        expect: &[error(
            17,
            40,
            "`satisfies` names clock `gdpr-art34`, which this playbook does not use",
        )],
    },
    Case {
        file: "unknown-satisfies-stage.yaml",
        expect: &[
            warning(9, 10, "no step satisfies clock stage `gdpr-art33.notify`"),
            error(17, 21, "clock `gdpr-art33` has no stage `notification`")
                .help("known: `notify`, `phased`"),
        ],
    },
    Case {
        file: "unknown-approver.yaml",
        expect: &[error(16, 46, "unknown role `ceo`").help("known: `comms`, `ic`")],
    },
    Case {
        file: "unknown-use-clock.yaml",
        expect: &[error(
            11,
            10,
            "unknown clock `nis2-art32`: no clock pack defines it",
        )
        .help("did you mean `nis2-art23`?")],
    },
    Case {
        file: "clock-from-unknown.yaml",
        expect: &[error(
            15,
            56,
            "stage `notice` counts from `awareness_at`, which is neither a fact of this playbook nor an earlier stage",
        )],
    },
    Case {
        file: "after-cycle.yaml",
        expect: &[error(
            15,
            17,
            "`after` dependencies form a cycle: restore → verify → rebuild → restore",
        )],
    },
    // `when:` expressions.
    Case {
        file: "when-syntax.yaml",
        expect: &[error(
            17,
            29,
            "invalid expression: use `==` to compare, not `=`",
        )],
    },
    Case {
        file: "when-unknown-fact.yaml",
        expect: &[error(
            17,
            34,
            "expression names unknown fact `persnal_data_eu`",
        )],
    },
    Case {
        file: "when-bool-vs-string.yaml",
        expect: &[error(
            17,
            32,
            "fact `personal_data` is bool, but is compared with a string",
        )],
    },
    Case {
        file: "when-choice-option.yaml",
        expect: &[error(
            20,
            27,
            "`critical` is not an option of fact `severity` (options: low, medium, high)",
        )],
    },
    Case {
        file: "when-ordering-non-number.yaml",
        expect: &[error(
            17,
            25,
            "`>` compares numbers, but fact `records` is text",
        )],
    },
    Case {
        file: "when-eq-multiple-choice.yaml",
        expect: &[error(
            21,
            27,
            "fact `regions` is a multiple choice; write `\"value\" in regions`",
        )],
    },
    Case {
        file: "when-multiline.yaml",
        expect: &[
            error(
                21,
                21,
                "fact `records` is number, but is compared with a string",
            ),
            error(22, 15, "expression names unknown fact `exempted`"),
        ],
    },
    // Templates, decisions, durations.
    Case {
        file: "placeholder-unknown.yaml",
        expect: &[error(
            21,
            69,
            "placeholder `{{sytem_name}}` names no fact or built-in",
        )],
    },
    Case {
        file: "template-if.yaml",
        expect: &[
            error(23, 19, "expression names unknown fact `personal_dta`")
                .help("did you mean `personal_data`?"),
            error(
                23,
                46,
                "fact `records` is number, but is compared with a string",
            ),
            error(31, 15, "`{{#if}}` is not closed by `{{/if}}`"),
            error(36, 28, "`{{else}}` outside an `{{#if}}` block"),
            error(42, 43, "`{{/if}}` closes no `{{#if}}` block"),
            error(49, 13, "`{{#if}}` blocks nest more than 8 deep"),
        ],
    },
    Case {
        file: "decide-wrong-type.yaml",
        expect: &[error(
            14,
            24,
            "`decide` needs a bool or choice fact, but `ransom_decision` is text",
        )],
    },
    Case {
        file: "timebox-bad.yaml",
        expect: &[error(
            12,
            18,
            "`half an hour` is not a duration; write e.g. `90m`",
        )],
    },
    Case {
        file: "clock-within-bad.yaml",
        expect: &[error(
            18,
            17,
            "`2 fortnights` is not a duration; write e.g. `90m`",
        )],
    },
    // YAML and shape.
    Case {
        file: "unknown-key.yaml",
        expect: &[error(12, 9, "unknown key `requried`").help("did you mean `required`?")],
    },
    // Every misspelt key and wrong word in one run, each where it is
    // written. `idd` is reported as the unknown key it is, not again as
    // `id` missing; the parse goes on past that step.
    Case {
        file: "many-shape-errors.yaml",
        expect: &[
            error(5, 1, "unknown key `summry`").help("did you mean `summary`?"),
            error(9, 11, "`csrit` is not a valid value here").help("did you mean `csirt`?"),
            error(10, 5, "unknown key `phon`").help("did you mean `phone`?"),
            error(13, 5, "unknown key `titel`").help("did you mean `title`?"),
            error(17, 9, "unknown key `instrctions`").help("did you mean `instructions`?"),
            error(21, 9, "unknown key `idd`").help("did you mean `id`?"),
            error(25, 9, "unknown key `colour`").help(
                "expected one of: id, title, role, instructions, checklist, capture, decide, \
                 when, after, required, timebox, contact, message, statement, satisfies, \
                 command, references, fills",
            ),
        ],
    },
    // Defect: validate stopped at the first missing key or wrong type, so
    // an author fixing a playbook saw one such problem per run. The list
    // item holding one (a step, a fact, a contact) is now dropped from the
    // parse, which goes on; an only item, or the top of the file, still
    // stops it.
    Case {
        file: "missing-keys-and-wrong-types.yaml",
        expect: &[
            error(9, 5, "missing required key `title`"),
            error(
                18,
                19,
                "not a boolean: write `true` or `false` (yes/no/on/off are not booleans in runsheet)",
            ),
            error(22, 9, "missing required key `title`"),
            error(26, 20, "expected a list here"),
            error(29, 9, "unknown key `titel`").help("did you mean `title`?"),
        ],
    },
    // The same inside flow mappings: an entry goes with its comma.
    Case {
        file: "flow-shape-errors.yaml",
        expect: &[
            error(7, 41, "unknown key `x1`"),
            error(8, 33, "unknown key `x2`"),
            error(10, 52, "`txt` is not a valid value here").help("did you mean `text`?"),
            error(17, 9, "unknown key `x3`"),
        ],
    },
    Case {
        file: "duplicate-key.yaml",
        expect: &[error(
            13,
            9,
            "duplicate key `title`: a key may appear only once in a mapping",
        )],
    },
    Case {
        file: "yes-boolean.yaml",
        expect: &[error(
            12,
            19,
            "not a boolean: write `true` or `false` (yes/no/on/off are not booleans in runsheet)",
        )],
    },
    Case {
        file: "wrong-type.yaml",
        expect: &[error(12, 20, "expected a list here")],
    },
    Case {
        file: "version-2.yaml",
        expect: &[error(
            1,
            11,
            "unsupported format version `runsheet: 2`; this runsheet reads version 1",
        )],
    },
    // Facts, dates, zones, clocks.
    Case {
        file: "choice-no-options.yaml",
        expect: &[error(9, 11, "choice fact `severity` needs `options`")],
    },
    Case {
        file: "reviewed-bad-date.yaml",
        expect: &[error(
            6,
            11,
            "`reviewed` `2026-02-30` is not a date (YYYY-MM-DD)",
        )],
    },
    Case {
        file: "timezone-bad.yaml",
        expect: &[error(6, 11, "`CET+1` is not an IANA time zone")],
    },
    Case {
        file: "inline-clock-missing-source.yaml",
        expect: &[error(
            9,
            9,
            "clock `contract` is missing `source`, `verified_on`",
        )],
    },
    Case {
        file: "pack-bad.yaml",
        expect: &[
            error(
                7,
                18,
                "`verified_on` `2026-11-31` is not a date (YYYY-MM-DD)",
            ),
            error(8, 15, "`Europe/Bruxelles` is not an IANA time zone"),
            error(9, 13, "cutoff `5pm` is not a time (HH:MM)"),
            error(
                12,
                48,
                "stage `final` counts from stage `follow-up`, which comes later",
            ),
            error(13, 14, "stage `follow-up` needs `within`, `soft`, or both"),
            error(14, 14, "duplicate stage id `initial`"),
        ],
    },
    // Drill scenarios, checked against the bundled playbook they run.
    Case {
        file: "drill-two-triggers.yaml",
        expect: &[error(
            8,
            9,
            "inject `i2` has more than one of `at`, `after`, `when`; give it one trigger",
        )],
    },
    Case {
        file: "drill-unknown-step.yaml",
        expect: &[error(
            8,
            21,
            "inject `i2` waits for step `declare-incident`, which playbook `ransomware-extortion` does not have",
        )],
    },
    Case {
        file: "drill-unknown-playbook.yaml",
        expect: &[error(
            4,
            11,
            "drill runs playbook `ransomware-extorsion`, which is not bundled nor found locally",
        )],
    },
    Case {
        file: "drill-inject-when.yaml",
        expect: &[
            error(
                8,
                47,
                "fact `exfiltration_confirmed` is bool, but is compared with a string",
            ),
            error(9, 18, "`T+90` is not a scenario time"),
            error(9, 61, "unknown role `fbi-liaison` in audience"),
            error(10, 10, "duplicate inject id `i1`"),
        ],
    },
    Case {
        file: "drill-hseep.yaml",
        expect: &[
            error(5, 11, "`codeword` is empty"),
            error(9, 10, "duplicate objective id `o1`"),
            error(
                13,
                51,
                "inject `i1` tests objective `o2`, which the drill does not define",
            ),
            error(
                13,
                64,
                "inject `i1` names module `m9`, which the drill does not define",
            ),
        ],
    },
    // Every problem of a file in one run.
    Case {
        file: "many-errors.yaml",
        expect: &[
            error(6, 11, "`Europe/Amsterdm` is not an IANA time zone"),
            error(18, 15, "unknown role `icc`").help("did you mean `ic`?"),
            error(21, 18, "`30 mins` is not a duration"),
            error(
                24,
                32,
                "fact `personal_data` is bool, but is compared with a string",
            ),
            error(25, 25, "unknown step `scope`"),
            error(
                28,
                25,
                "placeholder `{{organisation}}` names no fact or built-in",
            ),
        ],
    },
    // Defects from the authoring walk (see the tests named after them).
    Case {
        file: "anchor-typos.yaml",
        expect: &[
            error(2, 1, "unknown key `x-common`"),
            error(29, 42, "`regulater` is not a valid value here")
                .help("did you mean `regulator`?"),
            error(41, 9, "unknown key `requried`").help("did you mean `required`?"),
            error(42, 9, "unknown key `timebxo`").help("did you mean `timebox`?"),
        ],
    },
    Case {
        file: "anchor-alias-typos.yaml",
        expect: &[
            error(2, 1, "unknown key `x-common`"),
            error(29, 42, "`regulater` is not a valid value here")
                .help("did you mean `regulator`?"),
            error(42, 9, "unknown key `requried`").help("did you mean `required`?"),
            error(43, 9, "unknown key `timebxo`").help("did you mean `timebox`?"),
        ],
    },
    Case {
        file: "flow-typo.yaml",
        expect: &[
            error(13, 14, "unknown key `titel`").help("did you mean `title`?"),
            error(28, 15, "unknown key `nam`").help("did you mean `name`?"),
        ],
    },
    Case {
        file: "after-self.yaml",
        expect: &[
            error(37, 17, "step `confirm` cannot come after itself"),
            error(
                56,
                17,
                "`after` dependencies form a cycle: scope → notify-dpa → scope",
            ),
        ],
    },
    Case {
        file: "pack-stage-no-from.yaml",
        expect: &[error(12, 9, "missing required key `from`")],
    },
    Case {
        file: "bad-indent.yaml",
        expect: &[error(
            43,
            7,
            "while parsing a block collection, did not find expected '-' indicator",
        )],
    },
    Case {
        file: "pack-empty-stages.yaml",
        expect: &[
            error(3, 9, "clock `my-clock` is missing `source`"),
            error(10, 13, "cutoff `25:00` is not a time (HH:MM)"),
            error(
                13,
                37,
                "stage `two` counts from stage `three`, which comes later",
            ),
            error(14, 54, "`1 fortnight` is not a duration"),
            error(15, 9, "clock `other` has no stages").help(
                "list at least one stage under `stages:`, each with `id`, `title` and `from`",
            ),
        ],
    },
    Case {
        file: "drill-objective-text.yaml",
        expect: &[
            warning(
                9,
                5,
                "objective \"Plain sentence objective\" has no id and no core capability",
            ),
            error(
                13,
                51,
                "inject `i1` tests objective `o2`, which the drill does not define",
            ),
        ],
    },
];

const WARN: &[Case] = &[
    Case {
        file: "reviewed-old.yaml",
        expect: &[warning(
            6,
            11,
            "playbook was last reviewed on 2025-06-30, more than a year ago",
        )],
    },
    Case {
        file: "reviewed-future.yaml",
        expect: &[warning(
            7,
            11,
            "the `reviewed` date 2031-06-01 is after today (2026-11-28)",
        )],
    },
    Case {
        file: "pack-verified-future.yaml",
        expect: &[warning(
            7,
            18,
            "the `verified_on` date 2036-11-01 is after today (2026-11-28)",
        )],
    },
    Case {
        file: "fact-unused.yaml",
        expect: &[warning(
            8,
            10,
            "fact `ticket` is never captured, decided or filled by any step",
        )],
    },
    Case {
        file: "contact-unused.yaml",
        expect: &[warning(8, 10, "contact `insurer` is not used by any step")],
    },
    Case {
        file: "holidays-ending.yaml",
        expect: &[warning(
            12,
            9,
            "the holidays of clock `filing-4bd` end on 2027-05-31, less than 12 months from today (2026-11-28)",
        )
        .help("extend `holidays:` from the official calendar")],
    },
];

fn fixtures(dir: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir)
}

fn today() -> NaiveDate {
    let (y, m, d) = TODAY;
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// Every diagnostic the library reports for a file, errors and warnings.
fn diagnostics(path: &Path, catalog: &Catalog) -> Vec<Diagnostic> {
    let source = match catalog::read_source(path) {
        Ok(source) => source,
        Err(e) => return into_diagnostics(e),
    };
    let result = match load::detect_kind(&source.text) {
        DocumentKind::Playbook => {
            catalog::check_playbook(&source, &catalog.library, today()).map(|(_, w)| w)
        }
        DocumentKind::ClockPack => catalog::check_pack(&source, today()).map(|(_, w)| w),
        DocumentKind::Drill => {
            let lookup = |id: &str| catalog.playbook(id).map(|e| e.playbook.clone());
            catalog::check_drill(&source, &lookup).map(|(_, w)| w)
        }
        DocumentKind::Contacts => panic!("{}: no fixture is a contacts file", path.display()),
    };
    result.unwrap_or_else(into_diagnostics)
}

fn into_diagnostics(e: LoadError) -> Vec<Diagnostic> {
    match e {
        LoadError::Invalid { diagnostics, .. } => diagnostics,
        LoadError::Io { label, message } => panic!("{label}: {message}"),
        e @ LoadError::LocalPack { .. } => panic!("{e}"),
    }
}

/// Compares what was reported with what was expected, one by one.
fn mismatch(file: &str, expect: &[Expect], actual: &[Diagnostic]) -> Option<String> {
    let same = expect.len() == actual.len() && expect.iter().zip(actual).all(|(e, d)| e.matches(d));
    if same {
        return None;
    }
    let mut report = format!("{file}: expected\n");
    for e in expect {
        let _ = writeln!(
            report,
            "  {}:{}: {}: {}{}",
            e.line,
            e.col,
            e.severity.label(),
            e.message,
            e.help.map(|h| format!(" (help: {h})")).unwrap_or_default()
        );
    }
    report.push_str("but got\n");
    for d in actual {
        let _ = writeln!(
            report,
            "  {}{}",
            d.one_line(""),
            d.help
                .as_ref()
                .map(|h| format!(" (help: {h})"))
                .unwrap_or_default()
        );
    }
    Some(report)
}

#[test]
fn every_bad_fixture_is_in_the_table_and_the_other_way_round() {
    for (dir, cases) in [("bad", BAD), ("warn", WARN)] {
        let mut on_disk: Vec<String> = catalog::yaml_files(&fixtures(dir))
            .iter()
            .filter_map(|p| p.file_name()?.to_str().map(str::to_string))
            .collect();
        let mut listed: Vec<String> = cases.iter().map(|c| c.file.to_string()).collect();
        on_disk.sort();
        listed.sort();
        assert_eq!(on_disk, listed, "tests/fixtures/{dir} and its table differ");
    }
    assert!(
        BAD.len() >= 30,
        "the acceptance asks for at least 30 bad fixtures"
    );
    let most = BAD.iter().map(|c| c.expect.len()).max().unwrap_or(0);
    assert!(
        most >= 4,
        "one fixture shows that all errors come in one run"
    );
}

#[test]
fn library_reports_exactly_the_expected_diagnostics() {
    let catalog = Catalog::bundled(today());
    let mut failures = Vec::new();
    for (dir, cases) in [("bad", BAD), ("warn", WARN)] {
        for case in cases {
            let actual = diagnostics(&fixtures(dir).join(case.file), &catalog);
            failures.extend(mismatch(case.file, case.expect, &actual));
            let errors = actual.iter().filter(|d| d.is_error()).count();
            if dir == "warn" && errors > 0 {
                failures.push(format!("{}: warnings only, but {errors} errors", case.file));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs the binary in `dir` on `file`, with no local playbooks or config and
/// a fixed "now".
fn validate(dir: &Path, file: &str) -> std::process::Output {
    let home = tempfile::tempdir().expect("temp dir");
    Command::cargo_bin("runsheet")
        .expect("binary built")
        .current_dir(dir)
        .env("RUNSHEET_DATA_DIR", home.path().join("data"))
        .env("RUNSHEET_CONFIG_DIR", home.path().join("config"))
        .env("RUNSHEET_NOW", NOW)
        .args(["validate", file])
        .output()
        .expect("runsheet runs")
}

/// What the binary must print for one expected diagnostic: the message line,
/// the locator, and the offending source line.
fn rendered_problems(file: &str, source: &str, stderr: &str, expect: &[Expect]) -> Vec<String> {
    let mut problems = Vec::new();
    for e in expect {
        let heading = format!("{}: ", e.severity.label());
        let message_shown = stderr
            .lines()
            .any(|l| l.starts_with(&heading) && l.contains(e.message));
        if !message_shown {
            problems.push(format!("{file}: no `{heading}…{}` line", e.message));
        }
        let locator = format!("  --> {file}:{}:{}\n", e.line, e.col);
        if !stderr.contains(&locator) {
            problems.push(format!("{file}: no locator `{}`", locator.trim()));
        }
        let line = source_line(source, e.line).unwrap_or_default();
        let snippet = format!("\n{} | {line}\n", e.line);
        if !stderr.contains(&snippet) {
            problems.push(format!("{file}: no snippet `{}`", snippet.trim()));
        }
    }
    problems
}

#[test]
fn binary_exits_1_with_locators_and_snippets() {
    let dir = fixtures("bad");
    let mut failures = Vec::new();
    for case in BAD {
        let out = validate(&dir, case.file);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let source = std::fs::read_to_string(dir.join(case.file)).expect("fixture readable");
        let mut problems = rendered_problems(case.file, &source, &stderr, case.expect);
        if out.status.code() != Some(1) {
            problems.push(format!(
                "{}: exit {:?}, expected 1",
                case.file,
                out.status.code()
            ));
        }
        let errors = case
            .expect
            .iter()
            .filter(|e| e.severity == Severity::Error)
            .count();
        let plural = if errors == 1 { "" } else { "s" };
        let summary = format!("{}: {errors} error{plural}\n", case.file);
        if !stderr.ends_with(&summary) {
            problems.push(format!(
                "{}: stderr does not end with `{}`",
                case.file,
                summary.trim()
            ));
        }
        if !out.stdout.is_empty() {
            problems.push(format!(
                "{}: nothing is `ok`, yet stdout is not empty",
                case.file
            ));
        }
        if !problems.is_empty() {
            failures.extend(problems);
            failures.push(format!("--- stderr of {}:\n{stderr}", case.file));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn binary_shows_warnings_and_exits_0() {
    let dir = fixtures("warn");
    let mut failures = Vec::new();
    for case in WARN {
        let out = validate(&dir, case.file);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let source = std::fs::read_to_string(dir.join(case.file)).expect("fixture readable");
        if out.status.code() != Some(0) {
            failures.push(format!(
                "{}: exit {:?}, expected 0",
                case.file,
                out.status.code()
            ));
        }
        if !stdout.starts_with(&format!("ok: {} (playbook", case.file))
            && !stdout.starts_with(&format!("ok: {} (clock pack", case.file))
        {
            failures.push(format!("{}: stdout is `{stdout}`", case.file));
        }
        if stderr.lines().any(|l| l.starts_with("error")) {
            failures.push(format!("{}: an error was printed:\n{stderr}", case.file));
        }
        failures.extend(rendered_problems(case.file, &source, &stderr, case.expect));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The library reports for `file` exactly what its table lists.
fn assert_fixture(file: &str) {
    let (dir, case) = [("bad", BAD), ("warn", WARN)]
        .into_iter()
        .find_map(|(dir, cases)| cases.iter().find(|c| c.file == file).map(|c| (dir, c)))
        .expect("the fixture is in a table");
    let actual = diagnostics(&fixtures(dir).join(file), &Catalog::bundled(today()));
    if let Some(report) = mismatch(file, case.expect, &actual) {
        panic!("{report}");
    }
}

/// ANCHORED-UNKNOWN-KEY-HIDES-LATER-ERRORS: an unknown key whose value
/// carried an anchor (`x-common: &common […]`) stopped the shape check,
/// so the typos after it went unreported; now all four are reported,
/// also when an alias (`checklist: *common`) repeats the anchor.
#[test]
fn anchored_unknown_key_hides_later_errors() {
    assert_fixture("anchor-typos.yaml");
    assert_fixture("anchor-alias-typos.yaml");
}

/// FLOW-MAPPING-TYPO-DOUBLE-REPORTED: in a flow mapping a misspelt key was
/// also reported as the key it meant, "missing" at an unrelated key, and a
/// step after itself was also a cycle of one; now each is reported once,
/// and a missing key in a flow mapping is located at its `{`.
#[test]
fn flow_mapping_typo_double_reported() {
    assert_fixture("flow-typo.yaml");
    assert_fixture("after-self.yaml");
    assert_fixture("pack-stage-no-from.yaml");
}

/// INDENT-ERROR-SPURIOUS-MISSING-KEY: a key indented short was first
/// reported as missing from its step, then as the YAML error it is; now
/// only the syntax error is reported.
#[test]
fn indent_error_spurious_missing_key() {
    assert_fixture("bad-indent.yaml");
}

/// PACK-ERRORS-MISLEADING: `stages: []` was "missing `stages`" with help
/// about sources and dates; now it is "has no stages" with help on what a
/// stage needs.
#[test]
fn pack_errors_misleading() {
    assert_fixture("pack-empty-stages.yaml");
    let docs = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/playbook-format.md"),
    )
    .expect("docs");
    assert!(docs.contains("| `id`, `title`, `from` | required |"));
}

/// DATES-NOT-SANITY-CHECKED: a `reviewed` or `verified_on` date after
/// today passed silently; now each is a warning at the date.
#[test]
fn dates_not_sanity_checked() {
    assert_fixture("reviewed-future.yaml");
    assert_fixture("pack-verified-future.yaml");
}

/// DRILL-OBJECTIVE-WARNING-WRONG-LINE: the warning for an objective
/// without id pointed at the drill's `drill:` line; now at the objective.
#[test]
fn drill_objective_warning_wrong_line() {
    assert_fixture("drill-objective-text.yaml");
}

/// FILLS-FACT-FALSE-WARNING: a fact set only by a submission's `fills:`
/// was "never captured nor decided by any step"; now it draws no warning.
#[test]
fn fills_fact_false_warning() {
    let source = catalog::read_source(&fixtures("author").join("fills-only.yaml")).expect("read");
    let library = Catalog::bundled(today()).library;
    let (_, warnings) = catalog::check_playbook(&source, &library, today()).expect("valid");
    assert_eq!(warnings, []);
}

/// VALIDATE-FOLDER-READS-TEST-CASES: `validate` on a folder with the
/// documented `tests/playbooks/<id>/case.yaml` read the case file as a
/// playbook and failed; now it checks it against its playbook.
#[test]
fn validate_folder_reads_test_cases() {
    let out = validate(&fixtures("author"), "valfolder");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "ok: valfolder/good.yaml (playbook `walk-good` 1.0.0: 2 phases, 4 steps, 5 facts, 1 clocks)\n\
         ok: valfolder/tests/playbooks/walk-good/case.yaml (test cases for playbook `walk-good`: 3 cases)\n"
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    assert_eq!(out.status.code(), Some(0));
}

/// The line that ends the report of a playbook whose local pack is broken.
const NOT_LOADED: &str = "in `clocks/` beside it does not load\n  \
     = help: fix the pack; runsheet never puts a bundled clock with the same id in place of a local one\n";

/// BROKEN-LOCAL-PACK-SILENTLY-REPLACED-BY-BUNDLED: a pack in `clocks/`
/// beside a playbook overriding a bundled clock was dropped for one typo,
/// and the playbook ran on the bundled 72 h clock with `ok` everywhere;
/// now `validate` and `new` fail naming the pack's problem, and the pack
/// once fixed is the clock the playbook gets.
#[test]
fn broken_local_pack_silently_replaced_by_bundled() {
    let dir = fixtures("local-packs");
    let pack_error = "error: unknown key `verifed_on`\n  \
         --> override/clocks/gdpr.yaml:7:5\n  \
         |\n\
         7 |     verifed_on: 2026-11-20\n  \
         |     ^^^^^^^^^^\n  \
         = help: did you mean `verified_on`?\n\n\
         override/clocks/gdpr.yaml: 1 error\n";
    let expected = format!(
        "{pack_error}error: override/good.yaml: not loaded: the clock pack `override/clocks/gdpr.yaml` {NOT_LOADED}"
    );
    let out = validate(&dir, "override/good.yaml");
    assert_eq!(String::from_utf8_lossy(&out.stderr), expected);
    assert_eq!(out.stdout, b"");
    assert_eq!(out.status.code(), Some(1));

    let home = tempfile::tempdir().expect("temp dir");
    let journal = home.path().join("j.jsonl");
    let new = Command::cargo_bin("runsheet")
        .expect("binary built")
        .current_dir(&dir)
        .env("RUNSHEET_DATA_DIR", home.path().join("data"))
        .env("RUNSHEET_CONFIG_DIR", home.path().join("config"))
        .args(["new", "override/good.yaml", "--as", "Dana", "--journal"])
        .arg(&journal)
        .output()
        .expect("runsheet runs");
    assert_eq!(String::from_utf8_lossy(&new.stderr), expected);
    assert_eq!(new.status.code(), Some(1));
    assert!(!journal.exists(), "no journal on the bundled clock");

    // Fixed, the local clock is the one the playbook uses.
    let fixed = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(fixed.path().join("clocks")).expect("mkdir");
    let pack = std::fs::read_to_string(dir.join("override/clocks/gdpr.yaml")).expect("pack");
    std::fs::write(
        fixed.path().join("clocks/gdpr.yaml"),
        pack.replace("verifed_on", "verified_on"),
    )
    .expect("write");
    std::fs::copy(
        dir.join("override/good.yaml"),
        fixed.path().join("good.yaml"),
    )
    .expect("copy");
    let source = catalog::read_source(&fixed.path().join("good.yaml")).expect("read");
    let library = Catalog::bundled(today()).library;
    let (playbook, _) =
        catalog::check_playbook_file(&source, &library, today()).expect("valid with its pack");
    let titles: Vec<&str> = playbook.clocks.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(
        titles,
        ["GDPR Art. 33 (our national variant, 48 h internal target)"]
    );
}

/// INVALID-LOCAL-PACK-REPORTED-AS-UNKNOWN-CLOCK: an invalid local pack
/// whose clock is not bundled gave "unknown clock `big`" and two
/// `satisfies` errors; now the pack's own error, and nothing else.
#[test]
fn invalid_local_pack_reported_as_unknown_clock() {
    let out = validate(&fixtures("local-packs"), "badpack/big.yaml");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let pack_error = "error: `4000000 business days` is not a duration; write e.g. `90m`, `24h`, `1h30m`, `3d`, `2w`, `4 business days` or `1 month`\n  \
         --> badpack/clocks/big.yaml:10:53\n";
    assert!(stderr.starts_with(pack_error), "{stderr}");
    assert!(
        stderr.ends_with(&format!(
            "badpack/clocks/big.yaml: 1 error\n\
             error: badpack/big.yaml: not loaded: the clock pack `badpack/clocks/big.yaml` {NOT_LOADED}"
        )),
        "{stderr}"
    );
    assert_eq!(stderr.matches("error:").count(), 2, "{stderr}");
    assert_eq!(out.status.code(), Some(1));
}

/// Hostile inputs, generated here (the big one is not worth committing).
mod hostile {
    use std::fmt::Write as _;
    use std::io::Write as _;

    use super::validate;

    /// A type-correct alias bomb under `phases:` (a list): each phase is an
    /// alias of one with 300 steps, each an alias of one with 300 checklist
    /// aliases, so 10 KB would expand to 27 million strings.
    fn alias_bomb() -> String {
        const N: usize = 300;
        let mut yaml = String::from(
            "runsheet: 1\nid: bomb\ntitle: Alias bomb\nversion: 1.0.0\nsummary: Expands exponentially.\n\
             phases:\n  - id: p0\n    title: First\n    steps: &steps\n",
        );
        yaml.push_str("      - &step {id: s, title: Step, checklist: [&item lol");
        yaml.push_str(&", *item".repeat(N));
        yaml.push_str("]}\n");
        yaml.push_str(&"      - *step\n".repeat(N));
        yaml.push_str("  - &phase {id: p1, title: Second, steps: *steps}\n");
        yaml.push_str(&"  - *phase\n".repeat(N));
        yaml
    }

    /// The classic billion laughs, nine levels of ten, under `tags:`.
    fn billion_laughs() -> String {
        let mut yaml = String::from(
            "runsheet: 1\nid: laughs\ntitle: Billion laughs\nversion: 1.0.0\nsummary: Lol.\ntags:\n",
        );
        yaml.push_str("  - &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for level in 1..10 {
            let previous = format!("*a{}", level - 1);
            let items = [previous.as_str(); 10].join(", ");
            let _ = writeln!(yaml, "  - &a{level} [{items}]");
        }
        yaml.push_str("phases: []\n");
        yaml
    }

    /// More aliases than the parser accepts at all.
    fn alias_flood() -> String {
        let mut yaml = String::from(
            "runsheet: 1\nid: flood\ntitle: Alias flood\nversion: 1.0.0\nsummary: Many aliases.\n\
             tags: [&tag incident",
        );
        yaml.push_str(&", *tag".repeat(5_000));
        yaml.push_str("]\nphases: []\n");
        yaml
    }

    fn deep_nesting() -> String {
        format!(
            "runsheet: 1\nid: deep\ntitle: Deep\nversion: 1.0.0\nsummary: Deep.\ntags: {}{}\nphases: []\n",
            "[".repeat(10_000),
            "]".repeat(10_000)
        )
    }

    /// Runs `validate` on `bytes` and returns the exit code and stderr.
    fn refuse(name: &str, write: impl FnOnce(&mut std::fs::File)) -> (Option<i32>, String) {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut file = std::fs::File::create(dir.path().join(name)).expect("create");
        write(&mut file);
        file.flush().expect("flush");
        drop(file);
        let out = validate(dir.path(), name);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }

    fn bytes(data: &[u8]) -> impl FnOnce(&mut std::fs::File) + '_ {
        move |f| f.write_all(data).expect("write")
    }

    /// Exit 1, the expected sentence first, and no second error.
    fn assert_refused(name: &str, (code, stderr): (Option<i32>, String), first_line: &str) {
        assert_eq!(code, Some(1), "{name}: exit code; stderr:\n{stderr}");
        assert_eq!(
            stderr.lines().next(),
            Some(first_line),
            "{name}: stderr:\n{stderr}"
        );
        let errors = stderr.lines().filter(|l| l.starts_with("error")).count();
        assert_eq!(errors, 1, "{name}: one error only; stderr:\n{stderr}");
        assert!(
            stderr.ends_with(&format!("{name}: 1 error\n")),
            "{name}: {stderr}"
        );
    }

    #[test]
    fn alias_bomb_is_refused() {
        let result = refuse("bomb.yaml", bytes(alias_bomb().as_bytes()));
        assert_refused(
            "bomb.yaml",
            result,
            "error: refused: more than 200000 YAML nodes once aliases are expanded (a guard against alias bombs)",
        );
    }

    #[test]
    fn billion_laughs_is_refused_before_expanding() {
        let result = refuse("laughs.yaml", bytes(billion_laughs().as_bytes()));
        assert_refused(
            "laughs.yaml",
            result,
            "error: expected text here, not a list or a mapping",
        );
    }

    #[test]
    fn alias_flood_is_refused() {
        let result = refuse("flood.yaml", bytes(alias_flood().as_bytes()));
        assert_refused(
            "flood.yaml",
            result,
            "error: refused: more than 1000 YAML aliases or anchors (a guard against alias bombs)",
        );
    }

    #[test]
    fn fifty_megabytes_are_refused() {
        let result = refuse("big.yaml", |f| {
            let mut out = std::io::BufWriter::new(f);
            out.write_all(
                b"runsheet: 1\nid: big\ntitle: Big\nversion: 1.0.0\nsummary: Big.\ntags:\n",
            )
            .expect("write");
            let line = format!("  - {}\n", "x".repeat(96));
            for _ in 0..(50 * 1024 * 1024 / line.len()) {
                out.write_all(line.as_bytes()).expect("write");
            }
            out.write_all(b"phases: []\n").expect("write");
            out.flush().expect("flush");
        });
        assert_refused(
            "big.yaml",
            result,
            "error: file is larger than 4 MiB, the limit for playbooks; refusing to parse it",
        );
    }

    #[test]
    fn nesting_ten_thousand_deep_is_refused() {
        let result = refuse("deep.yaml", bytes(deep_nesting().as_bytes()));
        assert_refused(
            "deep.yaml",
            result,
            "error: refused: nesting deeper than 64 levels",
        );
    }

    #[test]
    fn nul_byte_is_refused() {
        let result = refuse("nul.yaml", bytes(b"runsheet: 1\nid: n\0l\ntitle: NUL\n"));
        let stderr = result.1.clone();
        assert_refused(
            "nul.yaml",
            result,
            "error: file contains a NUL byte; playbooks are plain UTF-8 text",
        );
        assert!(stderr.contains("  --> nul.yaml:2:6\n"), "{stderr}");
    }

    #[test]
    fn invalid_utf8_is_refused() {
        let result = refuse(
            "latin1.yaml",
            bytes(b"runsheet: 1\nid: cafe\ntitle: Caf\xe9\n"),
        );
        let stderr = result.1.clone();
        assert_refused(
            "latin1.yaml",
            result,
            "error: file is not valid UTF-8; save it as UTF-8",
        );
        assert!(stderr.contains("  --> latin1.yaml:3:11\n"), "{stderr}");
    }

    #[test]
    fn tab_indentation_is_refused() {
        let yaml = "runsheet: 1\nid: tabs\ntitle: Tabs\nversion: 1.0.0\nsummary: Tabs.\nphases:\n\t- id: detect\n\t  title: Detect\n";
        let result = refuse("tabs.yaml", bytes(yaml.as_bytes()));
        let stderr = result.1.clone();
        assert_refused(
            "tabs.yaml",
            result,
            "error: tab used for indentation: indent YAML with spaces",
        );
        assert!(stderr.contains("  --> tabs.yaml:7:"), "{stderr}");
    }
}

#[test]
fn d6_validate_warns_when_a_holiday_list_ends_within_twelve_months() {
    let pack = catalog::read_source(&fixtures("warn").join("holidays-ending.yaml")).expect("read");
    let (_, warnings) = catalog::check_pack(&pack, today()).expect("valid pack");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].message.contains("end on 2027-05-31"));
    // Twelve months or more ahead of today, the list is long enough.
    // (Then the pack's `verified_on` is in the future: warned of apart.)
    let early = NaiveDate::from_ymd_opt(2026, 5, 30).expect("date");
    let (_, quiet) = catalog::check_pack(&pack, early).expect("valid pack");
    assert!(
        quiet.iter().all(|w| !w.message.contains("holidays")),
        "{quiet:?}"
    );
}
