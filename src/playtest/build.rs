//! A case file, checked against its playbook and turned into journal
//! entries. Every problem is reported at the value that causes it.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use super::doc::{CaseDoc, CaseFileDoc, GivenDoc, StatusDoc, ValueDoc};
use crate::catalog::{LoadError, SourceText};
use crate::diag::{Diagnostic, Located};
use crate::hash::{ZERO_HASH, sha256_hex};
use crate::journal::event::Payload;
use crate::journal::event::{
    Created, Decision, Empty, FactSet, PlaybookRef, Reason, Reopened, RoleAssigned, StepDone,
    Submission,
};
use crate::journal::{Draft, Entry, Event};
use crate::playbook::validate::{Checker, with_suggestion};
use crate::playbook::value::{self, parse_datetime};
use crate::playbook::{FactType, Playbook};
use crate::run::rules;

/// Who the entries of a test case are recorded as.
const ACTOR: &str = "runsheet test";

/// One case, ready to replay.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    /// Line of the case's `name`, for the report.
    pub line: u32,
    pub entries: Vec<Entry>,
    pub now: DateTime<Utc>,
    pub tz: Tz,
    pub exercise: bool,
    pub expect: Expectations,
}

/// What must hold at `now`, with names already checked.
#[derive(Debug, Clone, Default)]
pub struct Expectations {
    pub visible: Vec<String>,
    /// Step and a part of the reason it is hidden.
    pub hidden: Vec<(String, String)>,
    pub clocks: Vec<ClockExpect>,
    pub drafts: Vec<DraftExpect>,
    pub warnings: Option<Vec<String>>,
}

#[derive(Debug, Clone)]
pub struct ClockExpect {
    /// `clock.stage`.
    pub stage: String,
    pub state: Option<&'static str>,
    pub due: Option<Due>,
}

/// An expected due time, or none at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    None,
    At(DateTime<Utc>),
}

impl Due {
    pub const fn time(self) -> Option<DateTime<Utc>> {
        match self {
            Self::None => None,
            Self::At(t) => Some(t),
        }
    }
}

#[derive(Debug, Clone)]
pub struct DraftExpect {
    pub step: String,
    pub contains: Vec<String>,
    pub not_contains: Vec<String>,
    pub gaps: Option<Vec<String>>,
}

/// Parses and checks a case file against the playbook it names.
pub fn compile(source: &SourceText, playbook: &Playbook) -> Result<Vec<Case>, LoadError> {
    let invalid = |diagnostics| LoadError::Invalid {
        label: source.label.clone(),
        text: source.text.clone(),
        diagnostics,
    };
    // Every misspelt key or wrong word in one run, as `validate` reports
    // a playbook's.
    let doc: CaseFileDoc =
        crate::playbook::load::parse_reporting_all(&source.text).map_err(invalid)?;
    let mut c = Checker::new(&source.text);
    c.runsheet_version(&doc.runsheet);
    if doc.playbook.value != playbook.id {
        c.push(
            Diagnostic::error(format!(
                "case file is for playbook `{}`, but it is run against `{}`",
                doc.playbook.value, playbook.id
            ))
            .at_value(&doc.playbook),
        );
    }
    if doc.cases.is_empty() {
        c.push(Diagnostic::error("a case file needs at least one case").at(doc.playbook.at));
    }
    let mut names = std::collections::HashSet::new();
    for case in &doc.cases {
        if !names.insert(case.name.value.as_str()) {
            c.push(
                Diagnostic::error(format!("two cases are named `{}`", case.name.value))
                    .at_value(&case.name),
            );
        }
    }
    let cases: Vec<Option<Case>> = doc
        .cases
        .iter()
        .map(|case| CaseBuilder::new(&mut c, playbook, source).build(case))
        .collect();
    let checked = c.finish(|| cases.into_iter().flatten().collect::<Vec<_>>());
    match checked.value {
        Some(cases) => Ok(cases),
        None => Err(invalid(checked.diagnostics)),
    }
}

/// The latest time a given fact's value may hold.
#[derive(Debug, Clone, Copy)]
enum Latest {
    /// The item's own `at:`: when the answer was recorded.
    RecordedAt(DateTime<Utc>),
    /// The case's `now`: no journal read then holds a later time.
    Now(DateTime<Utc>),
}

impl Latest {
    /// How `when` is too late, beyond the clock skew allowed everywhere.
    fn exceeded_by(self, when: DateTime<Utc>, tz: Tz) -> Option<String> {
        let (limit, what) = match self {
            Self::RecordedAt(t) => (t, "when this answer is recorded (its `at`)"),
            Self::Now(t) => (t, "the case's `now`"),
        };
        (when > limit + chrono::Duration::minutes(rules::CLOCK_SKEW_MINUTES)).then(|| {
            format!(
                "later than {what}, {}",
                value::format_local_and_utc(limit, tz)
            )
        })
    }
}

struct CaseBuilder<'c, 'a> {
    c: &'c mut Checker<'a>,
    playbook: &'c Playbook,
    source: &'c SourceText,
    lines: Vec<Entry>,
    last_hash: String,
}

impl<'c, 'a> CaseBuilder<'c, 'a> {
    fn new(c: &'c mut Checker<'a>, playbook: &'c Playbook, source: &'c SourceText) -> Self {
        Self {
            c,
            playbook,
            source,
            lines: Vec::new(),
            last_hash: ZERO_HASH.to_string(),
        }
    }

    fn error(&mut self, at: &Located<String>, message: impl Into<String>) {
        self.c.push(Diagnostic::error(message).at_value(at));
    }

    fn build(mut self, case: &CaseDoc) -> Option<Case> {
        let errors_before = self.c.diags.len();
        let tz = match &case.timezone {
            Some(t) => self.c.timezone(t).unwrap_or(chrono_tz::UTC),
            None => self.playbook.timezone.unwrap_or(chrono_tz::UTC),
        };
        let start = self.time(&case.start, tz);
        let now = self.time(&case.now, tz);
        let start_at = start.unwrap_or_default();
        self.push(
            start_at,
            Event::new(Payload::JournalCreated(Box::new(Created {
                journal_id: format!("test:{}", case.name.value),
                playbook: PlaybookRef {
                    id: self.playbook.id.clone(),
                    version: self.playbook.version.clone(),
                    path: self.source.label.clone(),
                    sha256: self.playbook.sha256.clone(),
                },
                title: case.name.value.clone(),
                timezone: tz.name().to_string(),
                exercise: case.exercise,
                app_version: env!("CARGO_PKG_VERSION").to_string(),
                drill: None,
                holidays: Vec::new(),
            }))),
        );
        for given in &case.given {
            self.given(given, start_at, now.unwrap_or(start_at), tz);
        }
        let expect = super::check::compile_expectations(self.c, self.playbook, &case.expect, tz);
        let clean = self.c.diags[errors_before..].iter().all(|d| !d.is_error());
        (clean && start.is_some()).then(|| Case {
            name: case.name.value.clone(),
            line: case.name.at.line,
            entries: self.lines,
            now: now.unwrap_or(start_at),
            tz,
            exercise: case.exercise,
            expect,
        })
    }

    /// An absolute time: RFC 3339, or `YYYY-MM-DD HH:MM` in the case's zone.
    fn time(&mut self, text: &Located<String>, tz: Tz) -> Option<DateTime<Utc>> {
        absolute_time(text, tz)
            .map_err(|why| self.error(text, why))
            .ok()
    }

    fn push(&mut self, ts: DateTime<Utc>, event: Event) {
        let draft = Draft {
            ts,
            mono_ms: 0,
            scenario_ms: None,
            session: "runsheet-test".into(),
            actor: ACTOR.into(),
            event,
        };
        let seq = self.lines.len() as u64;
        let entry = draft.into_entry(seq, std::mem::take(&mut self.last_hash));
        self.last_hash = sha256_hex(entry.encode().as_bytes());
        self.lines.push(entry);
    }

    fn given(&mut self, g: &GivenDoc, start: DateTime<Utc>, now: DateTime<Utc>, tz: Tz) {
        let kinds = [&g.fact, &g.decide, &g.step, &g.submit, &g.role];
        let named: Vec<&Located<String>> = kinds.iter().filter_map(|k| k.as_ref()).collect();
        let Some(&what) = named.first() else {
            let at =
                g.at.as_ref()
                    .or(g.sent_at.as_ref())
                    .map(|a| a.at)
                    .unwrap_or_default();
            self.c.push(
                Diagnostic::error(
                    "a `given` item needs one of `fact`, `decide`, `step`, `submit` or `role`",
                )
                .at(at),
            );
            return;
        };
        if named.len() > 1 {
            self.error(
                named[1],
                "a `given` item is one answer: give only one of `fact`, `decide`, `step`, `submit`, `role`",
            );
            return;
        }
        let at = match &g.at {
            Some(t) => self.time(t, tz).unwrap_or(start),
            None => start,
        };
        // The latest time a fact's value may hold: when the answer is
        // recorded, where `at` says; else the case's `now` (the default
        // `start` is a convenience, not when the author says it was known).
        let latest = match &g.at {
            Some(_) => Latest::RecordedAt(at),
            None => Latest::Now(now.max(at)),
        };
        if let Some(fact) = &g.fact {
            self.fact(g, fact, at, latest, tz, false);
        } else if let Some(fact) = &g.decide {
            self.fact(g, fact, at, latest, tz, true);
        } else if let Some(step) = &g.step {
            self.step(g, step, at);
        } else if let Some(step) = &g.submit {
            self.submit(g, step, at, tz);
        } else if let Some(role) = &g.role {
            self.role(g, role, at);
        }
        self.unused_keys(g, what);
    }

    /// Keys that do not belong to the kind of answer given.
    fn unused_keys(&mut self, g: &GivenDoc, what: &Located<String>) {
        let is_fact = g.fact.is_some() || g.decide.is_some();
        let misplaced = [
            ("value", g.value.is_some() && !is_fact),
            ("occurred_at", g.occurred_at.is_some() && g.fact.is_none()),
            ("rationale", g.rationale.is_some() && g.decide.is_none()),
            ("status", g.status.is_some() && g.step.is_none()),
            ("reason", g.reason.is_some() && g.step.is_none()),
            ("person", g.person.is_some() && g.role.is_none()),
            ("sent_at", g.sent_at.is_some() && g.submit.is_none()),
            ("stages", g.stages.is_some() && g.submit.is_none()),
        ];
        for (key, wrong) in misplaced {
            if wrong {
                self.error(
                    what,
                    format!("`{key}` does not go with this kind of answer"),
                );
            }
        }
    }

    fn fact(
        &mut self,
        g: &GivenDoc,
        fact: &Located<String>,
        at: DateTime<Utc>,
        latest: Latest,
        tz: Tz,
        decision: bool,
    ) {
        let Some(def) = self.playbook.fact(fact) else {
            let d = Diagnostic::error(format!("unknown fact `{}`", fact.value)).at_value(fact);
            let known = self.playbook.facts.iter().map(|f| f.id.as_str());
            self.c.push(with_suggestion(d, fact, known));
            return;
        };
        if decision && !matches!(def.ty, FactType::Bool | FactType::Choice(_)) {
            self.error(
                fact,
                format!(
                    "`decide` needs a bool or choice fact, but `{}` is {}",
                    def.id,
                    def.ty.name()
                ),
            );
            return;
        }
        let Some(raw) = &g.value else {
            self.error(fact, format!("`{}` needs a `value`", fact.value));
            return;
        };
        let text = match &raw.value {
            ValueDoc::One(s) => s.clone(),
            ValueDoc::Many(items) if def.multiple => items.join(","),
            ValueDoc::Many(_) => {
                self.c.push(
                    Diagnostic::error(format!("`{}` takes one value, not a list", fact.value))
                        .at(raw.at),
                );
                return;
            }
        };
        let typed = if matches!(def.ty, FactType::DateTime) {
            absolute_time(&Located::new(text.clone(), raw.at), tz).map(value::FactValue::DateTime)
        } else {
            value::parse_input(def, &text, at, tz)
        };
        let typed = match typed {
            Ok(v) => v,
            Err(why) => {
                self.c.push(
                    Diagnostic::error(format!(
                        "`{text}` is not a valid value for `{}`, which expects {}: {why}",
                        def.id,
                        def.ty.describe(def.multiple)
                    ))
                    .at(raw.at),
                );
                return;
            }
        };
        // As `runsheet set`: a time in the future is refused, so a case
        // cannot test a clock no journal could hold.
        if let Some(when) = typed.as_datetime()
            && let Some(problem) = latest.exceeded_by(when, tz)
        {
            self.c.push(
                Diagnostic::error(format!(
                    "`{}` {} is {problem}: the runner and `runsheet set` refuse a time in the future",
                    def.id,
                    value::format_local_and_utc(when, tz),
                ))
                .at(raw.at)
                .underline(text.chars().count()),
            );
            return;
        }
        let step = self
            .playbook
            .steps()
            .find(|s| {
                s.capture.contains(&def.id) || s.decide.as_ref().is_some_and(|d| d.fact == def.id)
            })
            .map(|s| s.id.clone());
        let payload = if decision {
            let options = match &def.ty {
                FactType::Choice(options) => options.iter().map(|o| o.value.clone()).collect(),
                _ => vec!["true".into(), "false".into()],
            };
            Payload::Decision(Box::new(Decision {
                fact: def.id.clone(),
                value: typed.to_json(),
                rationale: g
                    .rationale
                    .clone()
                    .unwrap_or_else(|| "recorded by a test case".into()),
                options,
                decider: ACTOR.into(),
            }))
        } else {
            let occurred_at = g.occurred_at.as_ref().and_then(|t| self.time(t, tz));
            Payload::FactSet(FactSet {
                fact: def.id.clone(),
                value: typed.to_json(),
                occurred_at,
                confirmed: None,
            })
        };
        let event = Event { step, payload };
        self.push(at, event);
    }

    fn known_step(&mut self, step: &Located<String>) -> bool {
        if self.playbook.step(step).is_some() {
            return true;
        }
        let d = Diagnostic::error(format!("unknown step `{}`", step.value)).at_value(step);
        let known: Vec<&str> = self.playbook.steps().map(|s| s.id.as_str()).collect();
        self.c.push(with_suggestion(d, step, known.into_iter()));
        false
    }

    fn step(&mut self, g: &GivenDoc, step: &Located<String>, at: DateTime<Utc>) {
        if !self.known_step(step) {
            return;
        }
        let Some(status) = &g.status else {
            self.error(
                step,
                "a step answer needs `status`: started, done, skipped, blocked or reopened",
            );
            return;
        };
        let reason = g.reason.clone();
        let payload = match status.value {
            StatusDoc::Started => Payload::StepStarted(Empty {}),
            StatusDoc::Done => Payload::StepDone(StepDone { note: reason }),
            StatusDoc::Skipped => Payload::StepSkipped(Reason {
                reason: reason.unwrap_or_else(|| "skipped in a test case".into()),
            }),
            StatusDoc::Blocked => Payload::StepBlocked(Reason {
                reason: reason.unwrap_or_else(|| "blocked in a test case".into()),
            }),
            StatusDoc::Reopened => Payload::StepReopened(Reopened { reason }),
        };
        self.push(at, Event::on_step(step.value.clone(), payload));
    }

    fn submit(&mut self, g: &GivenDoc, step: &Located<String>, at: DateTime<Utc>, tz: Tz) {
        if !self.known_step(step) {
            return;
        }
        let Some(sent_text) = &g.sent_at else {
            self.error(step, "a submission needs `sent_at`");
            return;
        };
        let Some(sent_at) = self.time(sent_text, tz) else {
            return;
        };
        let stages: Vec<String> = match &g.stages {
            Some(stages) => {
                let mut out = Vec::new();
                for stage in stages {
                    if self.known_stage(stage) {
                        out.push(stage.value.clone());
                    }
                }
                out
            }
            None => self
                .playbook
                .step(step)
                .map(|s| s.satisfies.iter().map(ToString::to_string).collect())
                .unwrap_or_default(),
        };
        if stages.is_empty() && g.stages.is_none() {
            self.error(
                step,
                format!(
                    "step `{}` satisfies no clock stage; name them with `stages:`",
                    step.value
                ),
            );
            return;
        }
        let payload = Payload::Submission(Box::new(Submission {
            stages,
            channel: "test".into(),
            recipient: "test".into(),
            reference: None,
            sent_at,
            backdated_reason: (sent_at < at).then(|| "recorded by a test case".into()),
            version: None,
            url: None,
            override_reason: None,
        }));
        self.push(at.max(sent_at), Event::on_step(step.value.clone(), payload));
        self.push(
            at.max(sent_at),
            Event::on_step(
                step.value.clone(),
                Payload::StepDone(StepDone { note: None }),
            ),
        );
    }

    fn known_stage(&mut self, stage: &Located<String>) -> bool {
        let found = stage.split_once('.').is_some_and(|(clock, id)| {
            self.playbook
                .clocks
                .iter()
                .any(|k| k.id == clock && k.stage(id).is_some())
        });
        if !found {
            let d = Diagnostic::error(format!(
                "`{}` is not a clock stage of this playbook (write `clock.stage`)",
                stage.value
            ))
            .at_value(stage);
            let known: Vec<String> = self
                .playbook
                .clocks
                .iter()
                .flat_map(|k| k.stages.iter().map(move |s| format!("{}.{}", k.id, s.id)))
                .collect();
            self.c
                .push(with_suggestion(d, stage, known.iter().map(String::as_str)));
        }
        found
    }

    fn role(&mut self, g: &GivenDoc, role: &Located<String>, at: DateTime<Utc>) {
        if self.playbook.role(role).is_none() {
            let d = Diagnostic::error(format!("unknown role `{}`", role.value)).at_value(role);
            let known = self.playbook.roles.iter().map(|r| r.id.as_str());
            self.c.push(with_suggestion(d, role, known));
            return;
        }
        let Some(person) = &g.person else {
            self.error(role, "a role answer needs `person`");
            return;
        };
        self.push(
            at,
            Event::new(Payload::RoleAssigned(RoleAssigned {
                role: role.value.clone(),
                person: person.value.clone(),
            })),
        );
    }
}

/// A time in a case file: RFC 3339, or `YYYY-MM-DD HH:MM` in `tz`. Relative
/// forms (`now`, `-2h`, `14:05`) would depend on when the test runs.
pub(super) fn absolute_time(text: &Located<String>, tz: Tz) -> Result<DateTime<Utc>, String> {
    let t = text.trim();
    let dated = t.len() >= 16 && t.as_bytes()[4] == b'-' && t.as_bytes()[7] == b'-';
    if !dated {
        return Err(format!(
            "`{t}` is not a time: write RFC 3339 (`2026-11-27T09:00:00Z`) or `2026-11-27 10:00` in the case's time zone"
        ));
    }
    parse_datetime(t, DateTime::<Utc>::UNIX_EPOCH, tz)
        .map_err(|why| format!("`{t}` is not a time: {why}"))
}
