//! The checker every compile function writes into: diagnostics for one
//! source text, capped per kind, with helpers for ids, dates, zones,
//! periods, conditions and templates.

use std::collections::HashMap;

use chrono::NaiveDate;
use chrono_tz::Tz;

use super::typecheck::type_check;
use super::{Checked, FactTable, MAX_ID_CHARS, MAX_PER_KIND};
use crate::diag::{Diagnostic, LineIndex, Located, Pos};
use crate::playbook::expr::{self, Expr};
use crate::playbook::template::Template;
use crate::playbook::{Condition, Period};

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
            let summary = if *error {
                Diagnostic::error(message)
            } else {
                Diagnostic::warning(message)
            };
            self.diags.push(summary.standing_for(n - MAX_PER_KIND));
        }
        let value = (!self.has_errors()).then(value);
        Checked {
            value,
            diagnostics: self.diags,
        }
    }

    /// A date that records something done (`reviewed`, `verified_on`)
    /// and lies after today is a typo: every check that trusts it (the
    /// "more than a year ago" warning) would stay quiet for years.
    pub fn warn_if_future(
        &mut self,
        key: &str,
        date: NaiveDate,
        at: &Located<String>,
        today: NaiveDate,
    ) {
        if date > today {
            self.push(
                Diagnostic::warning(format!(
                    "the {key} date {date} is after today ({today}): it should record a check already done"
                ))
                .at_value(at)
                .help("write the date the check was done"),
            );
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
        crate::playbook::period::parse(text)
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
        let mut found = Vec::new();
        let located = |offset| self.inside(text, offset);
        let ok = type_check(&located, expr, facts, &mut found);
        for d in found {
            self.push(d);
        }
        ok
    }

    /// Parses a template and checks every placeholder names something known
    /// and every `{{#if}}` condition reads known facts with fitting values.
    pub fn template(
        &mut self,
        text: &Located<String>,
        known: &dyn Fn(&str) -> Result<(), String>,
        facts: &FactTable,
    ) -> Option<Template> {
        // Every problem of the template in one run: its structure first,
        // then the names and conditions of what could be read past them.
        let (template, problems) = Template::parse_recovering(text);
        let parsed = problems.is_empty();
        for e in problems {
            let at = self.in_template(text, e.offset);
            self.push(Diagnostic::error(e.message).at(at));
        }
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
        let mut found = Vec::new();
        for block in template.blocks() {
            let located = |offset| self.in_template(text, offset);
            ok &= type_check(&located, &block.condition.expr, facts, &mut found);
        }
        for d in found {
            self.push(d);
        }
        (ok && parsed).then_some(template)
    }

    /// Position of a byte offset of a template, found by the `{{…}}` tag
    /// around it: tags keep their text in the source even when YAML folds
    /// the lines of a block scalar.
    fn in_template(&self, text: &Located<String>, offset: usize) -> Pos {
        let value = &text.value;
        let mut cut = (offset + 2).min(value.len());
        while !value.is_char_boundary(cut) {
            cut += 1;
        }
        let Some(tag) = value[..cut].rfind("{{") else {
            return self.inside(text, offset);
        };
        let tag_end = value[tag..].find("}}").map_or(value.len(), |i| tag + i + 2);
        let raw = &value[tag..tag_end];
        let earlier = value[..tag].matches(raw).count();
        let (mut from, mut found) = (text.at, text.at);
        for _ in 0..=earlier {
            found = self.lines.find_after(from, raw);
            from = found.shifted(1);
        }
        found.shifted(value.get(tag..offset).map_or(0, |s| s.chars().count()))
    }
}
