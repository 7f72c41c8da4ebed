//! Semantic checks that turn documents into the domain model.
//!
//! Every problem in a file is collected (not just the first), each pointing
//! at the offending value. A model is returned only when there are no errors;
//! warnings never block.

mod clocks;
mod drill;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::doc::{FactTypeDoc, PlaybookDoc, ReferenceDoc, StepDoc};
use super::expr::{self, CmpOp, Expr, Literal};
use super::template::Template;
use super::{
    ChoiceOption, Condition, Contact, Decide, FactDef, FactType, Message, Period, Phase, Playbook,
    Reference, Role, StageRef, Statement, Step,
};
use crate::diag::{Diagnostic, LineIndex, Located, Pos};

pub use clocks::{ClockLibrary, compile_pack};
pub use drill::compile_drill;

/// The result of checking one file: the model when valid, and every
/// diagnostic (errors and warnings) either way.
#[derive(Debug)]
pub struct Checked<T> {
    pub value: Option<T>,
    pub diagnostics: Vec<Diagnostic>,
}

impl<T> Checked<T> {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }
}

/// Most diagnostics of one kind shown; the rest are counted. A generated
/// file with 300,000 copies of one mistake gets a readable report, in
/// time linear in its size.
pub const MAX_PER_KIND: usize = 100;

/// Longest id: ids appear in every screen, report and journal line.
pub const MAX_ID_CHARS: usize = 64;

/// The kind of a diagnostic: its message up to the first quoted name
/// (`duplicate step id `, `placeholder `).
fn kind_of(message: &str) -> &str {
    message.split('`').next().unwrap_or(message)
}

/// A name from the file as quoted in a message: at most 80 characters.
pub(crate) fn quoted(name: &str) -> String {
    const SHOWN: usize = 80;
    match name.char_indices().nth(SHOWN) {
        Some((cut, _)) => format!("{}… ({} characters)", &name[..cut], name.chars().count()),
        None => name.to_string(),
    }
}

/// Collects diagnostics for one source text.
pub(crate) struct Checker<'a> {
    pub diags: Vec<Diagnostic>,
    /// The source's lines, to point inside scalars without rescanning it.
    lines: LineIndex<'a>,
    /// Diagnostics of each kind pushed so far (shown or not), with whether
    /// the kind is an error.
    kinds: HashMap<String, (usize, bool)>,
}

impl<'a> Checker<'a> {
    pub fn new(src: &'a str) -> Self {
        Self {
            diags: Vec::new(),
            lines: LineIndex::new(src),
            kinds: HashMap::new(),
        }
    }

    /// Keeps `d` unless [`MAX_PER_KIND`] of its kind are kept already.
    pub fn push(&mut self, d: Diagnostic) {
        let seen = self
            .kinds
            .entry(kind_of(&d.message).to_string())
            .or_insert((0, false));
        seen.0 += 1;
        seen.1 |= d.is_error();
        if seen.0 <= MAX_PER_KIND {
            self.diags.push(d);
        }
    }

    /// Whether another diagnostic like `message` would still be shown, so
    /// locating it is worth the work.
    fn shows(&self, message: &str) -> bool {
        self.kinds
            .get(kind_of(message))
            .is_none_or(|(n, _)| *n < MAX_PER_KIND)
    }

    pub fn has_errors(&self) -> bool {
        self.diags.iter().any(Diagnostic::is_error)
    }

    pub fn finish<T>(mut self, value: impl FnOnce() -> T) -> Checked<T> {
        self.diags.sort_by_key(|d| (d.pos, d.severity));
        // Counts of what was not shown come last, after what was.
        let mut hidden: Vec<(&String, &(usize, bool))> = self
            .kinds
            .iter()
            .filter(|(_, (n, _))| *n > MAX_PER_KIND)
            .collect();
        hidden.sort();
        for (kind, (n, error)) in hidden {
            let message = format!(
                "{} more like \"{}…\" not shown (the first {MAX_PER_KIND} of a kind are)",
                n - MAX_PER_KIND,
                kind.trim_end()
            );
            self.diags.push(if *error {
                Diagnostic::error(message)
            } else {
                Diagnostic::warning(message)
            });
        }
        let value = (!self.has_errors()).then(value);
        Checked {
            value,
            diagnostics: self.diags,
        }
    }

    /// Ids are lower-case letters, digits, `-` and `_`, starting with a letter.
    pub fn id(&mut self, kind: &str, id: &Located<String>) {
        let valid = id
            .value
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_lowercase())
            && id
                .value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
        if !valid {
            self.push(
                Diagnostic::error(format!(
                    "{kind} id `{}` must be lower-case letters, digits, `-` or `_`, starting with a letter",
                    quoted(&id.value)
                ))
                .at_value(id),
            );
        } else if id.value.len() > MAX_ID_CHARS {
            self.push(
                Diagnostic::error(format!(
                    "{kind} id `{}` is longer than {MAX_ID_CHARS} characters",
                    quoted(&id.value)
                ))
                .at_value(id),
            );
        }
    }

    /// Reports every id seen before, pointing at the repeat.
    pub fn unique<'b>(&mut self, kind: &str, ids: impl IntoIterator<Item = &'b Located<String>>) {
        let mut seen: HashMap<&str, Pos> = HashMap::new();
        for id in ids {
            if let Some(first) = seen.get(id.as_str()) {
                self.push(
                    Diagnostic::error(format!("duplicate {kind} id `{}`", quoted(&id.value)))
                        .at_value(id)
                        .help(format!("first defined at line {}", first.line)),
                );
            } else {
                seen.insert(id.as_str(), id.at);
            }
        }
    }

    pub fn runsheet_version(&mut self, version: &Located<u32>) {
        if version.value != 1 {
            self.push(
                Diagnostic::error(format!(
                    "unsupported format version `runsheet: {}`; this runsheet reads version 1",
                    version.value
                ))
                .at(version.at),
            );
        }
    }

    pub fn date(&mut self, what: &str, text: &Located<String>) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
            .map_err(|_| {
                self.push(
                    Diagnostic::error(format!(
                        "{what} `{}` is not a date (YYYY-MM-DD)",
                        text.value
                    ))
                    .at_value(text),
                );
            })
            .ok()
    }

    pub fn timezone(&mut self, text: &Located<String>) -> Option<Tz> {
        text.trim()
            .parse::<Tz>()
            .map_err(|_| {
                self.push(
                    Diagnostic::error(format!(
                        "`{}` is not an IANA time zone such as `Europe/Amsterdam` or `UTC`",
                        text.value
                    ))
                    .at_value(text),
                );
            })
            .ok()
    }

    pub fn period(&mut self, text: &Located<String>) -> Option<Period> {
        super::period::parse(text)
            .map_err(|message| self.push(Diagnostic::error(message).at_value(text)))
            .ok()
    }

    /// Position of a byte offset of a scalar's value, on whichever line of
    /// the scalar it was written.
    pub fn inside(&self, scalar: &Located<String>, offset: usize) -> Pos {
        self.lines.pos_in_scalar(scalar.at, &scalar.value, offset)
    }

    /// Parses an expression and checks it against the facts it may read.
    pub fn condition(
        &mut self,
        text: &Located<String>,
        facts: Option<&FactTable>,
    ) -> Option<Condition> {
        let expr = match expr::parse(text) {
            Ok(e) => e,
            Err(e) => {
                let at = self.inside(text, e.offset);
                self.push(Diagnostic::error(format!("invalid expression: {}", e.message)).at(at));
                return None;
            }
        };
        let ok = facts.is_none_or(|facts| self.type_check(text, &expr, facts));
        ok.then(|| Condition {
            source: text.value.trim().to_string(),
            expr,
        })
    }

    fn type_check(&mut self, text: &Located<String>, expr: &Expr, facts: &FactTable) -> bool {
        match expr {
            Expr::Not(e) => self.type_check(text, e, facts),
            Expr::And(a, b) | Expr::Or(a, b) => {
                let left = self.type_check(text, a, facts);
                self.type_check(text, b, facts) && left
            }
            Expr::Fact(r) => self.known_fact(text, &r.name, r.span.0, facts).is_some(),
            Expr::Compare {
                fact,
                op,
                value,
                value_span,
            } => {
                let Some(def) = self.known_fact(text, &fact.name, fact.span.0, facts) else {
                    return false;
                };
                let problem = compare_problem(def, *op, value);
                if let Some(problem) = &problem {
                    let at = self.inside(text, value_span.0);
                    self.push(Diagnostic::error(problem.clone()).at(at));
                }
                problem.is_none()
            }
            Expr::In {
                value,
                value_span,
                fact,
            } => {
                let Some(def) = self.known_fact(text, &fact.name, fact.span.0, facts) else {
                    return false;
                };
                let problem = membership_problem(def, value);
                if let Some(problem) = &problem {
                    let at = self.inside(text, value_span.0);
                    self.push(Diagnostic::error(problem.clone()).at(at));
                }
                problem.is_none()
            }
        }
    }

    fn known_fact<'f>(
        &mut self,
        text: &Located<String>,
        name: &str,
        offset: usize,
        facts: &'f FactTable,
    ) -> Option<&'f FactDef> {
        let def = facts.get(name).copied();
        if def.is_none() {
            let message = format!("expression names unknown fact `{}`", quoted(name));
            if !self.shows(&message) {
                self.push(Diagnostic::error(message));
                return def;
            }
            let at = self.inside(text, offset);
            let d = Diagnostic::error(message)
                .at(at)
                .underline(name.chars().count());
            self.push(with_suggestion(d, name, facts.keys().copied()));
        }
        def
    }

    /// Parses a template and checks every placeholder names something known.
    pub fn template(
        &mut self,
        text: &Located<String>,
        known: &dyn Fn(&str) -> Result<(), String>,
    ) -> Option<Template> {
        let template = match Template::parse(text) {
            Ok(t) => t,
            Err(e) => {
                let raw = text.value.get(e.offset..).unwrap_or_default();
                let needle: String = raw.chars().take(12).collect();
                let at = self.lines.find_after(text.at, &needle);
                self.push(Diagnostic::error(e.message).at(at));
                return None;
            }
        };
        // Only unknown placeholders are located, each searched for after the
        // last one found: a placeholder's text decides whether it is known,
        // so no known one is ever mistaken for it.
        let mut cursor = text.at;
        let mut ok = true;
        for (name, offset) in template.slots() {
            let Err(message) = known(name) else {
                continue;
            };
            ok = false;
            if !self.shows(&message) {
                self.push(Diagnostic::error(message));
                continue;
            }
            let raw_end = text.value[offset..]
                .find("}}")
                .map_or(text.value.len(), |i| offset + i + 2);
            let raw = &text.value[offset..raw_end];
            let at = self.lines.find_after(cursor, raw);
            cursor = at.shifted(1);
            self.push(
                Diagnostic::error(message)
                    .at(at)
                    .underline(raw.chars().count()),
            );
        }
        ok.then_some(template)
    }
}

/// Facts by id, for expression checks.
pub(crate) type FactTable<'a> = HashMap<&'a str, &'a FactDef>;

fn compare_problem(def: &FactDef, op: CmpOp, value: &Literal) -> Option<String> {
    let id = &def.id;
    match (&def.ty, value) {
        (FactType::DateTime, _) => Some(format!(
            "fact `{id}` is a datetime; test whether it is known with `{id}` alone"
        )),
        (FactType::Choice(_), _) if def.multiple => Some(format!(
            "fact `{id}` is a multiple choice; write `\"value\" in {id}`"
        )),
        (_, _) if op.is_ordering() && def.ty != FactType::Number => Some(format!(
            "`{}` compares numbers, but fact `{id}` is {}",
            op.symbol(),
            def.ty.name()
        )),
        (FactType::Bool, Literal::Bool(_))
        | (FactType::Number, Literal::Num(_))
        | (FactType::Text, Literal::Str(_)) => None,
        (FactType::Choice(options), Literal::Str(s)) => option_problem(def, options, s),
        (ty, literal) => Some(format!(
            "fact `{id}` is {}, but is compared with {}",
            ty.name(),
            literal.kind()
        )),
    }
}

fn membership_problem(def: &FactDef, value: &Literal) -> Option<String> {
    match (&def.ty, value) {
        (FactType::Choice(options), Literal::Str(s)) => option_problem(def, options, s),
        (FactType::Text, Literal::Str(_)) => None,
        (FactType::Choice(_) | FactType::Text, literal) => {
            Some(format!("`in` looks for a string, found {}", literal.kind()))
        }
        (ty, _) => Some(format!(
            "`in` needs a choice or text fact, but `{}` is {}",
            def.id,
            ty.name()
        )),
    }
}

fn option_problem(def: &FactDef, options: &[ChoiceOption], value: &str) -> Option<String> {
    if options.iter().any(|o| o.value == value) {
        return None;
    }
    let known: Vec<_> = options.iter().map(|o| o.value.as_str()).collect();
    Some(format!(
        "`{value}` is not an option of fact `{}` (options: {})",
        def.id,
        known.join(", ")
    ))
}

/// Adds "did you mean" (close spelling) or the list of known names.
pub(crate) fn with_suggestion<'a>(
    d: Diagnostic,
    name: &str,
    known: impl Iterator<Item = &'a str>,
) -> Diagnostic {
    let mut known: Vec<&str> = known.collect();
    known.sort_unstable();
    // Edit distance costs the product of the lengths: only names of id
    // length are compared, and only when their lengths are close enough.
    let len = name.chars().count();
    let close_enough = |k: &str| {
        let k_len = k.chars().count();
        len <= MAX_ID_CHARS && k_len <= MAX_ID_CHARS && len.abs_diff(k_len) <= 2.max(k_len / 4)
    };
    if let Some(close) = known
        .iter()
        .filter(|k| close_enough(k))
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
    {
        return d.help(format!("did you mean `{}`?", close.1));
    }
    if known.is_empty() {
        return d.help("none are defined");
    }
    let shown: Vec<_> = known
        .iter()
        .take(10)
        .map(|k| format!("`{}`", quoted(k)))
        .collect();
    let more = if known.len() > 10 { ", …" } else { "" };
    d.help(format!("known: {}{more}", shown.join(", ")))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

pub(crate) fn references(docs: &[ReferenceDoc]) -> Vec<Reference> {
    docs.iter()
        .map(|r| Reference {
            title: r.title.clone(),
            url: r.url.clone(),
        })
        .collect()
}

/// What a validation run needs besides the document.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub library: &'a ClockLibrary,
    /// For the "reviewed more than a year ago" warning.
    pub today: NaiveDate,
    pub sha256: &'a str,
}

/// Checks a playbook document and builds the model.
pub fn compile_playbook(doc: &PlaybookDoc, src: &str, cx: Context<'_>) -> Checked<Playbook> {
    let mut c = Checker::new(src);
    c.runsheet_version(&doc.runsheet);
    c.id("playbook", &doc.id);
    let reviewed = doc.reviewed.as_ref().and_then(|r| c.date("`reviewed`", r));
    if let (Some(date), Some(at)) = (reviewed, &doc.reviewed)
        && (cx.today - date).num_days() > 365
    {
        c.push(
            Diagnostic::warning(format!(
                "playbook was last reviewed on {date}, more than a year ago"
            ))
            .at_value(at)
            .help("review the content and update `reviewed:`"),
        );
    }
    let timezone = doc.timezone.as_ref().and_then(|t| c.timezone(t));
    if doc.phases.is_empty() {
        c.push(Diagnostic::error("a playbook needs at least one phase").at(doc.id.at));
    }

    let roles = compile_roles(&mut c, doc);

    let facts = compile_facts(&mut c, doc);
    let fact_table: FactTable = facts.iter().map(|f| (f.id.as_str(), f)).collect();

    let contacts = compile_contacts(&mut c, doc);

    let clocks = clocks::compile_playbook_clocks(&mut c, doc, cx.library, &fact_table);

    for phase in &doc.phases {
        c.id("phase", &phase.id);
        if phase.steps.is_empty() {
            c.push(
                Diagnostic::error(format!("phase `{}` has no steps", phase.id.value))
                    .at_value(&phase.id),
            );
        }
    }
    c.unique("phase", doc.phases.iter().map(|p| &p.id));
    let all_steps: Vec<&StepDoc> = doc.phases.iter().flat_map(|p| &p.steps).collect();
    for step in &all_steps {
        c.id("step", &step.id);
    }
    c.unique("step", all_steps.iter().map(|s| &s.id));
    let step_ids: HashSet<&str> = all_steps.iter().map(|s| s.id.as_str()).collect();

    let names = Names {
        roles: &roles,
        facts: &fact_table,
        contacts: &contacts,
        clocks: &clocks,
        steps: &step_ids,
    };
    let phases: Vec<Phase> = doc
        .phases
        .iter()
        .map(|p| Phase {
            id: p.id.value.clone(),
            title: p.title.clone(),
            summary: p.summary.clone(),
            steps: p
                .steps
                .iter()
                .map(|s| compile_step(&mut c, s, &names))
                .collect(),
        })
        .collect();

    check_after_cycles(&mut c, &all_steps);
    warn_unused(&mut c, doc, &all_steps, &clocks);

    c.finish(|| {
        Playbook {
            id: doc.id.value.clone(),
            title: doc.title.clone(),
            version: doc.version.clone(),
            summary: doc.summary.clone(),
            owner: doc.owner.clone(),
            reviewed,
            timezone,
            tags: doc.tags.clone(),
            references: references(&doc.references),
            roles,
            facts,
            contacts,
            clocks,
            phases,
            sha256: cx.sha256.to_string(),
            step_index: HashMap::new(),
            fact_index: HashMap::new(),
        }
        .assemble()
    })
}

fn compile_roles(c: &mut Checker<'_>, doc: &PlaybookDoc) -> Vec<Role> {
    for r in &doc.roles {
        c.id("role", &r.id);
    }
    c.unique("role", doc.roles.iter().map(|r| &r.id));
    doc.roles
        .iter()
        .map(|r| Role {
            id: r.id.value.clone(),
            title: r.title.clone(),
            description: r.description.clone(),
        })
        .collect()
}

fn compile_contacts(c: &mut Checker<'_>, doc: &PlaybookDoc) -> Vec<Contact> {
    for contact in &doc.contacts {
        c.id("contact", &contact.id);
    }
    c.unique("contact", doc.contacts.iter().map(|x| &x.id));
    doc.contacts
        .iter()
        .map(|x| Contact {
            id: x.id.value.clone(),
            name: x.name.clone(),
            kind: x.kind,
            phone: x.phone.clone(),
            email: x.email.clone(),
            url: x.url.clone(),
            notes: x.notes.clone(),
        })
        .collect()
}

fn compile_facts(c: &mut Checker<'_>, doc: &PlaybookDoc) -> Vec<FactDef> {
    for f in &doc.facts {
        c.id("fact", &f.id);
    }
    c.unique("fact", doc.facts.iter().map(|f| &f.id));
    doc.facts
        .iter()
        .map(|f| {
            let ty = match f.ty.value {
                FactTypeDoc::Text => FactType::Text,
                FactTypeDoc::Bool => FactType::Bool,
                FactTypeDoc::Number => FactType::Number,
                FactTypeDoc::Datetime => FactType::DateTime,
                FactTypeDoc::Choice => {
                    if f.options.is_empty() {
                        c.push(
                            Diagnostic::error(format!(
                                "choice fact `{}` needs `options`",
                                f.id.value
                            ))
                            .at(f.ty.at)
                            .underline(6),
                        );
                    }
                    let mut seen = HashSet::new();
                    for o in &f.options {
                        if !seen.insert(o.value.as_str()) {
                            c.push(
                                Diagnostic::error(format!(
                                    "fact `{}` lists option `{}` twice",
                                    f.id.value, o.value
                                ))
                                .at_value(&f.id),
                            );
                        }
                    }
                    FactType::Choice(
                        f.options
                            .iter()
                            .map(|o| ChoiceOption {
                                value: o.value.clone(),
                                label: o.label.clone().unwrap_or_else(|| o.value.clone()),
                            })
                            .collect(),
                    )
                }
            };
            if f.ty.value != FactTypeDoc::Choice && (!f.options.is_empty() || f.multiple) {
                c.push(
                    Diagnostic::error(format!(
                        "`options` and `multiple` apply only to choice facts, and `{}` is {}",
                        f.id.value,
                        ty.name()
                    ))
                    .at_value(&f.id),
                );
            }
            FactDef {
                id: f.id.value.clone(),
                prompt: f
                    .prompt
                    .clone()
                    .unwrap_or_else(|| f.id.value.replace('_', " ")),
                ty,
                multiple: f.multiple,
                help: f.help.clone(),
            }
        })
        .collect()
}

/// Everything a step may refer to.
struct Names<'a> {
    roles: &'a [Role],
    facts: &'a FactTable<'a>,
    contacts: &'a [Contact],
    clocks: &'a [super::Clock],
    steps: &'a HashSet<&'a str>,
}

impl Names<'_> {
    /// Whether a template placeholder names a fact or a built-in.
    fn placeholder(&self, name: &str) -> Result<(), String> {
        if self.facts.contains_key(name)
            || name == "incident.title"
            || name == "incident.started_at"
        {
            return Ok(());
        }
        if let Some(role) = name.strip_prefix("role.") {
            return if self.roles.iter().any(|r| r.id == role) {
                Ok(())
            } else {
                Err(format!(
                    "placeholder `{{{{{name}}}}}` names unknown role `{role}`"
                ))
            };
        }
        if let Some(contact) = name.strip_prefix("contact.") {
            return if self.contacts.iter().any(|c| c.id == contact) {
                Ok(())
            } else {
                Err(format!(
                    "placeholder `{{{{{name}}}}}` names unknown contact `{contact}`"
                ))
            };
        }
        let close = with_suggestion(Diagnostic::error(""), name, self.facts.keys().copied());
        let hint = close
            .help
            .filter(|h| h.starts_with("did"))
            .map(|h| format!(" ({h})"))
            .unwrap_or_default();
        Err(format!(
            "placeholder `{{{{{}}}}}` names no fact or built-in{hint}",
            quoted(name)
        ))
    }
}

fn unknown(c: &mut Checker<'_>, kind: &str, value: &Located<String>, known: Vec<&str>) {
    let d = Diagnostic::error(format!("unknown {kind} `{}`", quoted(&value.value))).at_value(value);
    c.push(with_suggestion(d, value, known.into_iter()));
}

/// A decision: the fact must be a bool or a choice.
fn compile_decide(
    c: &mut Checker<'_>,
    s: &StepDoc,
    d: &super::doc::DecideDoc,
    names: &Names<'_>,
) -> Decide {
    match names.facts.get(d.fact.as_str()) {
        None => unknown(c, "fact", &d.fact, names.facts.keys().copied().collect()),
        Some(def) if !matches!(def.ty, FactType::Bool | FactType::Choice(_)) => c.push(
            Diagnostic::error(format!(
                "`decide` needs a bool or choice fact, but `{}` is {}",
                def.id,
                def.ty.name()
            ))
            .at_value(&d.fact),
        ),
        Some(_) => {}
    }
    Decide {
        fact: d.fact.value.clone(),
        prompt: d
            .prompt
            .clone()
            .or_else(|| names.facts.get(d.fact.as_str()).map(|f| f.prompt.clone()))
            .unwrap_or_else(|| s.title.clone()),
    }
}

/// A message: every placeholder must name a fact or a built-in.
fn compile_message(
    c: &mut Checker<'_>,
    m: &super::doc::MessageDoc,
    names: &Names<'_>,
) -> Option<Message> {
    let placeholder = |name: &str| names.placeholder(name);
    let subject = m.subject.as_ref().map(|t| c.template(t, &placeholder));
    let body = c.template(&m.body, &placeholder);
    match (subject, body) {
        (Some(None), _) | (_, None) => None,
        (subject, Some(body)) => Some(Message {
            subject: subject.flatten(),
            body,
        }),
    }
}

/// `after:` names other, existing steps.
fn check_after(c: &mut Checker<'_>, s: &StepDoc, names: &Names<'_>) {
    for after in &s.after {
        if after.value == s.id.value {
            c.push(
                Diagnostic::error(format!("step `{}` cannot come after itself", s.id.value))
                    .at_value(after),
            );
        } else if !names.steps.contains(after.as_str()) {
            unknown(c, "step", after, names.steps.iter().copied().collect());
        }
    }
}

fn check_checklist(c: &mut Checker<'_>, s: &StepDoc) {
    for (i, item) in s.checklist.iter().enumerate() {
        if item.trim().is_empty() {
            c.push(
                Diagnostic::error(format!(
                    "checklist item {} of step `{}` is empty",
                    i + 1,
                    s.id.value
                ))
                .at_value(&s.id),
            );
        }
    }
}

fn compile_step(c: &mut Checker<'_>, s: &StepDoc, names: &Names<'_>) -> Step {
    let role_ids = || {
        names
            .roles
            .iter()
            .map(|r| r.id.as_str())
            .collect::<Vec<_>>()
    };
    if let Some(role) = &s.role
        && !names.roles.iter().any(|r| r.id == role.value)
    {
        unknown(c, "role", role, role_ids());
    }
    let fact_ids = || names.facts.keys().copied().collect::<Vec<_>>();
    for fact in &s.capture {
        if !names.facts.contains_key(fact.as_str()) {
            unknown(c, "fact", fact, fact_ids());
        }
    }
    let decide = s.decide.as_ref().map(|d| compile_decide(c, s, d, names));
    let when = s
        .when
        .as_ref()
        .and_then(|w| c.condition(w, Some(names.facts)));
    check_after(c, s, names);
    let timebox = s.timebox.as_ref().and_then(|t| c.period(t));
    if let Some(contact) = &s.contact
        && !names.contacts.iter().any(|x| x.id == contact.value)
    {
        unknown(
            c,
            "contact",
            contact,
            names.contacts.iter().map(|x| x.id.as_str()).collect(),
        );
    }
    let message = s
        .message
        .as_ref()
        .and_then(|m| compile_message(c, m, names));
    let statement = s.statement.as_ref().map(|st| {
        if !names.roles.iter().any(|r| r.id == st.approver.value) {
            unknown(c, "role", &st.approver, role_ids());
        }
        if s.message.is_none() {
            c.push(
                Diagnostic::error(format!(
                    "statement step `{}` needs a `message` with its text",
                    s.id.value
                ))
                .at_value(&s.id),
            );
        }
        Statement {
            kind: st.kind,
            approver: st.approver.value.clone(),
        }
    });
    let satisfies = s
        .satisfies
        .iter()
        .filter_map(|r| stage_ref(c, r, names.clocks))
        .collect();
    check_checklist(c, s);
    Step {
        id: s.id.value.clone(),
        title: s.title.clone(),
        role: s.role.as_ref().map(|r| r.value.clone()),
        instructions: s.instructions.clone(),
        checklist: s.checklist.clone(),
        capture: s.capture.iter().map(|f| f.value.clone()).collect(),
        decide,
        when,
        after: s.after.iter().map(|a| a.value.clone()).collect(),
        required: s.required,
        timebox,
        contact: s.contact.as_ref().map(|x| x.value.clone()),
        message,
        statement,
        satisfies,
        command: s.command.clone(),
        references: references(&s.references),
    }
}

fn stage_ref(
    c: &mut Checker<'_>,
    r: &Located<String>,
    clocks: &[super::Clock],
) -> Option<StageRef> {
    let Some((clock_id, stage_id)) = r.split_once('.') else {
        c.push(
            Diagnostic::error(format!(
                "`{}` should name a clock stage as `clock.stage`",
                r.value
            ))
            .at_value(r)
            .help("e.g. `gdpr-art33.notify`"),
        );
        return None;
    };
    let Some(clock) = clocks.iter().find(|k| k.id == clock_id) else {
        let d = Diagnostic::error(format!(
            "`satisfies` names clock `{clock_id}`, which this playbook does not use"
        ))
        .at_value(r);
        c.push(with_suggestion(
            d,
            clock_id,
            clocks.iter().map(|k| k.id.as_str()),
        ));
        return None;
    };
    if clock.stage(stage_id).is_none() {
        let d =
            Diagnostic::error(format!("clock `{clock_id}` has no stage `{stage_id}`")).at_value(r);
        c.push(with_suggestion(
            d,
            stage_id,
            clock.stages.iter().map(|s| s.id.as_str()),
        ));
        return None;
    }
    Some(StageRef {
        clock: clock_id.to_string(),
        stage: stage_id.to_string(),
    })
}

/// Depth-first search marks for cycle detection.
#[derive(Clone, Copy, PartialEq)]
enum Mark {
    New,
    Active,
    Done,
}

/// Finds `after:` cycles and names each one, pointing at the edge closing it.
fn check_after_cycles(c: &mut Checker<'_>, steps: &[&StepDoc]) {
    let by_id: HashMap<&str, &StepDoc> = steps.iter().map(|s| (s.id.as_str(), *s)).collect();
    let mut marks: HashMap<&str, Mark> = steps.iter().map(|s| (s.id.as_str(), Mark::New)).collect();
    let mut reported: HashSet<Vec<String>> = HashSet::new();
    for start in steps {
        if marks[start.id.as_str()] != Mark::New {
            continue;
        }
        // Iterative depth-first search: (step, index of next edge to follow).
        let mut stack: Vec<(&str, usize)> = vec![(start.id.as_str(), 0)];
        marks.insert(start.id.as_str(), Mark::Active);
        while let Some((id, edge)) = stack.last_mut() {
            let step = by_id[*id];
            let Some(next) = step.after.get(*edge) else {
                marks.insert(id, Mark::Done);
                stack.pop();
                continue;
            };
            *edge += 1;
            let next_id = next.as_str();
            match marks.get(next_id) {
                Some(Mark::New) => {
                    marks.insert(next_id, Mark::Active);
                    stack.push((next_id, 0));
                }
                Some(Mark::Active) => {
                    let from = stack.iter().position(|(s, _)| *s == next_id).unwrap_or(0);
                    let mut cycle: Vec<String> = stack[from..]
                        .iter()
                        .map(|(s, _)| (*s).to_string())
                        .collect();
                    let mut key = cycle.clone();
                    key.sort();
                    cycle.push(next_id.to_string());
                    if reported.insert(key) {
                        c.push(
                            Diagnostic::error(format!(
                                "`after` dependencies form a cycle: {}",
                                cycle.join(" → ")
                            ))
                            .at_value(next),
                        );
                    }
                }
                _ => {}
            }
        }
    }
}

fn warn_unused(
    c: &mut Checker<'_>,
    doc: &PlaybookDoc,
    steps: &[&StepDoc],
    clocks: &[super::Clock],
) {
    for fact in &doc.facts {
        let used = steps.iter().any(|s| {
            s.capture.iter().any(|f| f.value == fact.id.value)
                || s.decide
                    .as_ref()
                    .is_some_and(|d| d.fact.value == fact.id.value)
        });
        if !used {
            c.push(
                Diagnostic::warning(format!(
                    "fact `{}` is never captured nor decided by any step",
                    quoted(&fact.id.value)
                ))
                .at_value(&fact.id)
                .help("add it to a step's `capture:`, or it can only be set with `runsheet set`"),
            );
        }
    }
    for contact in &doc.contacts {
        let needle = format!("contact.{}", contact.id.value);
        let used = steps.iter().any(|s| {
            s.contact
                .as_ref()
                .is_some_and(|x| x.value == contact.id.value)
        }) || steps.iter().any(|s| {
            s.message.as_ref().is_some_and(|m| {
                m.body.contains(&needle) || m.subject.as_ref().is_some_and(|t| t.contains(&needle))
            })
        });
        if !used {
            c.push(
                Diagnostic::warning(format!(
                    "contact `{}` is not used by any step",
                    contact.id.value
                ))
                .at_value(&contact.id),
            );
        }
    }
    for clock in clocks {
        for stage in &clock.stages {
            let name = format!("{}.{}", clock.id, stage.id);
            let met = steps
                .iter()
                .any(|s| s.satisfies.iter().any(|r| r.value == name));
            if !met && stage.within.is_some() {
                let at = doc
                    .clocks
                    .iter()
                    .find_map(|k| {
                        k.use_clock
                            .as_ref()
                            .filter(|u| u.value == clock.id)
                            .or(k.id.as_ref().filter(|i| i.value == clock.id))
                    })
                    .map_or(doc.id.at, |l| l.at);
                c.push(
                    Diagnostic::warning(format!(
                        "no step satisfies clock stage `{}.{}` ({})",
                        clock.id, stage.id, stage.title
                    ))
                    .at(at)
                    .help("add it to the `satisfies:` of the step that makes the submission"),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests;
