//! Checks for clock definitions, in packs and in playbooks, and the pack
//! library that `use:` resolves against.

use std::collections::{BTreeMap, HashSet};

use chrono::{NaiveDate, NaiveTime};

use super::{Checked, Checker, FactTable, with_suggestion};
use crate::diag::{Diagnostic, Located};
use crate::playbook::doc::{ClockDoc, ClockStatusDoc, PackDoc, PlaybookDoc, StartRuleDoc};
use crate::playbook::{Anchor, Clock, ClockStatus, Condition, FactType, Stage, StartRule};

/// Clocks from packs, by id, with the file each came from. A later pack with
/// the same id replaces an earlier one (local overrides of bundled clocks).
#[derive(Debug, Clone, Default)]
pub struct ClockLibrary {
    clocks: BTreeMap<String, (Clock, String)>,
}

impl ClockLibrary {
    pub fn insert(&mut self, clock: Clock, origin: &str) {
        self.clocks
            .insert(clock.id.clone(), (clock, origin.to_string()));
    }

    pub fn get(&self, id: &str) -> Option<&Clock> {
        self.clocks.get(id).map(|(c, _)| c)
    }

    pub fn origin(&self, id: &str) -> Option<&str> {
        self.clocks.get(id).map(|(_, o)| o.as_str())
    }

    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.clocks.keys().map(String::as_str)
    }

    pub fn clocks(&self) -> impl Iterator<Item = &Clock> {
        self.clocks.values().map(|(c, _)| c)
    }
}

/// Checks a clock pack file; `today` dates the holiday-list horizon check.
pub fn compile_pack(doc: &PackDoc, src: &str, today: NaiveDate) -> Checked<Vec<Clock>> {
    let mut c = Checker::new(src);
    c.runsheet_version(&doc.runsheet);
    if doc.clocks.is_empty() {
        c.push(Diagnostic::error("a clock pack needs at least one clock").at(doc.runsheet.at));
    }
    let mut clocks = Vec::new();
    for clock in &doc.clocks {
        for (key, value) in [("use", &clock.use_clock), ("when", &clock.when)] {
            if let Some(v) = value {
                c.push(
                    Diagnostic::error(format!(
                        "`{key}:` belongs in a playbook's `clocks:`, not in a clock pack"
                    ))
                    .at_value(v),
                );
            }
        }
        if let Some(k) = compile_clock(&mut c, clock, None) {
            warn_holiday_horizon(&mut c, clock, &k, today);
            if let Some(at) = &clock.verified_on {
                c.warn_if_future("`verified_on`", k.verified_on, at, today);
            }
            clocks.push(k);
        }
    }
    c.unique("clock", doc.clocks.iter().filter_map(|k| k.id.as_ref()));
    c.finish(|| clocks)
}

/// How far ahead a holiday list must reach before `validate` is quiet.
const HOLIDAY_HORIZON_DAYS: i64 = 365;

/// A clock that skips holidays but whose list ends within a year counts
/// later holidays as business days, silently: say so while there is time.
fn warn_holiday_horizon(c: &mut Checker<'_>, doc: &ClockDoc, clock: &Clock, today: NaiveDate) {
    let Some(last) = clock.holidays.iter().max() else {
        return;
    };
    if (*last - today).num_days() >= HOLIDAY_HORIZON_DAYS {
        return;
    }
    let at = doc
        .holidays
        .iter()
        .find(|h| h.trim() == last.to_string())
        .map_or(clock_at(doc), |h| h.at);
    c.push(
        Diagnostic::warning(format!(
            "the holidays of clock `{}` end on {last}, less than 12 months from today ({today}); \
             after that date holidays count as business days",
            clock.id
        ))
        .at(at)
        .help("extend `holidays:` from the official calendar"),
    );
}

fn clock_at(doc: &ClockDoc) -> crate::diag::Pos {
    doc.id.as_ref().map(|i| i.at).unwrap_or_default()
}

/// The clocks of a playbook: pack clocks it uses and inline ones, with every
/// fact they need checked against the playbook's facts.
pub(super) fn compile_playbook_clocks(
    c: &mut Checker<'_>,
    doc: &PlaybookDoc,
    library: &super::ClockLibrary,
    facts: &FactTable,
) -> Vec<Clock> {
    let mut out: Vec<Clock> = Vec::new();
    let mut ids: Vec<Located<String>> = Vec::new();
    for entry in &doc.clocks {
        if let Some(used) = &entry.use_clock {
            let extra = entry.id.is_some()
                || entry.title.is_some()
                || entry.regime.is_some()
                || entry.source.is_some()
                || entry.verified_on.is_some()
                || !entry.stages.is_empty();
            if extra {
                c.push(
                    Diagnostic::error(format!(
                        "a clock that uses `{}` takes only `when:`; define an inline clock with its own id instead",
                        used.value
                    ))
                    .at_value(used),
                );
            }
            let Some(base) = library.get(used) else {
                let d = Diagnostic::error(format!(
                    "unknown clock `{}`: no clock pack defines it",
                    used.value
                ))
                .at_value(used);
                c.push(with_suggestion(d, used, library.ids()));
                continue;
            };
            let mut clock = base.clone();
            clock.when = entry
                .when
                .as_ref()
                .and_then(|w| c.condition(w, Some(facts)));
            let origin = library.origin(used).unwrap_or("a clock pack");
            check_clock_facts(c, &clock, used, origin, facts);
            ids.push(used.clone());
            out.push(clock);
        } else if let Some(mut clock) = compile_clock(c, entry, Some(facts)) {
            clock.when = entry
                .when
                .as_ref()
                .and_then(|w| c.condition(w, Some(facts)));
            // Inline clocks had their triggers and conditions checked
            // against the facts where they are written.
            if let Some(id) = &entry.id {
                ids.push(id.clone());
            }
            out.push(clock);
        } else if let Some(id) = &entry.id {
            ids.push(id.clone());
        }
    }
    c.unique("clock", &ids);
    out
}

/// Every fact a clock reads must exist with the right type: triggers are
/// datetimes, conditions type-check. Problems point at the `use:` line.
fn check_clock_facts(
    c: &mut Checker<'_>,
    clock: &Clock,
    at: &Located<String>,
    origin: &str,
    facts: &FactTable,
) {
    let mut needed: Vec<(String, &'static str)> = Vec::new();
    for stage in &clock.stages {
        let anchors = std::iter::once(&stage.from).chain(stage.earliest_of.iter().map(|(a, _)| a));
        for anchor in anchors {
            if let Anchor::Fact(f) = anchor {
                needed.push((f.clone(), "datetime"));
            }
        }
        if let Some(cond) = &stage.condition {
            for f in cond.expr.facts() {
                needed.push((f.name.clone(), "any"));
            }
        }
    }
    let mut reported = HashSet::new();
    for (fact, ty) in needed {
        if !reported.insert(fact.clone()) {
            continue;
        }
        match facts.get(fact.as_str()) {
            None => c.push(
                Diagnostic::error(format!(
                    "clock `{}` (from {origin}) needs fact `{fact}`{}, which this playbook does not define",
                    clock.id,
                    if ty == "any" { String::new() } else { format!(" ({ty})") }
                ))
                .at_value(at),
            ),
            Some(def) if ty == "datetime" && def.ty != FactType::DateTime => c.push(
                Diagnostic::error(format!(
                    "clock `{}` counts from fact `{fact}`, which must be a datetime, but it is {}",
                    clock.id,
                    def.ty.name()
                ))
                .at_value(at),
            ),
            Some(_) => {}
        }
    }
    for stage in &clock.stages {
        if let Some(cond) = &stage.condition {
            let text = Located::new(cond.source.clone(), at.at);
            let before = c.diags.len();
            let _ = c.condition(&text, Some(facts));
            for d in &mut c.diags[before..] {
                d.message = format!(
                    "in clock `{}` stage `{}`: {}",
                    clock.id, stage.id, d.message
                );
                d.pos = Some(at.at);
                d.width = at.value.chars().count();
            }
        }
    }
}

/// In an inline clock, a stage's trigger must be a datetime fact of the
/// playbook; the problem is shown at the `from:` that names it.
fn check_trigger_fact(
    c: &mut Checker<'_>,
    stage: &Located<String>,
    from: &Located<String>,
    facts: &FactTable,
) {
    match facts.get(from.as_str()) {
        None => {
            let d = Diagnostic::error(format!(
                "stage `{}` counts from `{}`, which is neither a fact of this playbook nor an earlier stage",
                stage.value, from.value
            ))
            .at_value(from);
            c.push(with_suggestion(d, from, facts.keys().copied()));
        }
        Some(def) if def.ty != FactType::DateTime => c.push(
            Diagnostic::error(format!(
                "stage `{}` counts from fact `{}`, which must be a datetime, but it is {}",
                stage.value,
                from.value,
                def.ty.name()
            ))
            .at_value(from),
        ),
        Some(_) => {}
    }
}

/// The stages of a clock, in order: a stage may count from an earlier
/// stage's submission, never a later one.
fn compile_stages(c: &mut Checker<'_>, doc: &ClockDoc, facts: Option<&FactTable>) -> Vec<Stage> {
    c.unique("stage", doc.stages.iter().map(|s| &s.id));
    let mut earlier: Vec<&str> = Vec::new();
    let mut stages = Vec::new();
    for s in &doc.stages {
        c.id("stage", &s.id);
        let anchor = |c: &mut Checker<'_>, from: &Located<String>, earlier: &[&str]| {
            if from.value == s.id.value {
                c.push(
                    Diagnostic::error(format!("stage `{}` cannot count from itself", s.id.value))
                        .at_value(from),
                );
            } else if doc.stages.iter().any(|o| o.id.value == from.value)
                && !earlier.contains(&from.as_str())
            {
                c.push(
                    Diagnostic::error(format!(
                        "stage `{}` counts from stage `{}`, which comes later; list stages in order",
                        s.id.value, from.value
                    ))
                    .at_value(from),
                );
            }
            if earlier.contains(&from.as_str()) {
                return Anchor::Stage(from.value.clone());
            }
            let is_stage = doc.stages.iter().any(|o| o.id.value == from.value);
            if let (Some(facts), false) = (facts, is_stage) {
                check_trigger_fact(c, &s.id, from, facts);
            }
            Anchor::Fact(from.value.clone())
        };
        let from = anchor(c, &s.from, &earlier);
        let within = s.within.as_ref().and_then(|w| c.period(w));
        if s.within.is_none() && s.soft.is_none() {
            c.push(
                Diagnostic::error(format!(
                    "stage `{}` needs `within`, `soft`, or both",
                    s.id.value
                ))
                .at_value(&s.id),
            );
        }
        let earliest_of = s
            .earliest_of
            .iter()
            .filter_map(|cap| {
                let a = anchor(c, &cap.from, &earlier);
                c.period(&cap.within).map(|p| (a, p))
            })
            .collect();
        if !s.earliest_of.is_empty() && s.within.is_none() {
            c.push(
                Diagnostic::error(format!(
                    "stage `{}` has `earliest_of` but no `within` of its own",
                    s.id.value
                ))
                .at_value(&s.id),
            );
        }
        let condition = s.condition.as_ref().and_then(|w| c.condition(w, facts));
        stages.push(Stage {
            id: s.id.value.clone(),
            title: s.title.clone(),
            from,
            within,
            soft: s.soft.clone(),
            earliest_of,
            start: match s.start {
                None => StartRule::Trigger,
                Some(StartRuleDoc::NextBusinessDay) => StartRule::NextBusinessDay,
                Some(StartRuleDoc::EndOfYear) => StartRule::EndOfYear,
            },
            condition,
            repeatable: s.repeatable,
            notes: s.notes.clone(),
        });
        earlier.push(s.id.as_str());
    }
    stages
}

/// Checks one full clock definition. Stage triggers and conditions are checked
/// against `facts` when the clock is inline in a playbook, and at `use:` otherwise.
fn compile_clock(c: &mut Checker<'_>, doc: &ClockDoc, facts: Option<&FactTable>) -> Option<Clock> {
    let Some(id) = &doc.id else {
        let at = doc
            .stages
            .first()
            .map_or(crate::diag::Pos::default(), |s| s.id.at);
        c.push(
            Diagnostic::error("a clock needs an `id` (or, in a playbook, `use:` of a pack clock)")
                .at(at),
        );
        return None;
    };
    c.id("clock", id);
    let mut missing = Vec::new();
    for (key, present) in [
        ("title", doc.title.is_some()),
        ("regime", doc.regime.is_some()),
        ("source", doc.source.is_some()),
        ("verified_on", doc.verified_on.is_some()),
    ] {
        if !present {
            missing.push(format!("`{key}`"));
        }
    }
    if doc.stages.is_empty() {
        // `stages: []` and no `stages:` read the same: say what is wrong
        // with either, not that a source or date is missing.
        c.push(
            Diagnostic::error(format!("clock `{}` has no stages", id.value))
                .at_value(id)
                .help(
                    "list at least one stage under `stages:`, each with `id`, `title` and `from`",
                ),
        );
    }
    if !missing.is_empty() {
        c.push(
            Diagnostic::error(format!(
                "clock `{}` is missing {}",
                id.value,
                missing.join(", ")
            ))
            .at_value(id)
            .help("every clock carries its legal source and the date it was verified"),
        );
    }
    let verified_on = doc
        .verified_on
        .as_ref()
        .and_then(|d| c.date("`verified_on`", d));
    let applies_from = doc
        .applies_from
        .as_ref()
        .and_then(|d| c.date("`applies_from`", d));
    let timezone = doc.timezone.as_ref().and_then(|t| c.timezone(t));
    let holidays = doc
        .holidays
        .iter()
        .filter_map(|d| c.date("holiday", d))
        .collect();
    let cutoff = doc.cutoff.as_ref().and_then(|t| {
        NaiveTime::parse_from_str(t.trim(), "%H:%M")
            .map_err(|_| {
                c.push(
                    Diagnostic::error(format!("cutoff `{}` is not a time (HH:MM)", t.value))
                        .at_value(t),
                );
            })
            .ok()
    });

    let stages = compile_stages(c, doc, facts);
    Some(Clock {
        id: id.value.clone(),
        title: doc.title.clone().unwrap_or_default(),
        regime: doc.regime.clone().unwrap_or_default(),
        jurisdiction: doc.jurisdiction.clone(),
        source: doc.source.clone().unwrap_or_default(),
        verified_on: verified_on.unwrap_or_default(),
        verification: doc.verification,
        notes: doc.notes.clone(),
        status: match doc.status {
            None | Some(ClockStatusDoc::InForce) => ClockStatus::InForce,
            Some(ClockStatusDoc::NotInEffect) => ClockStatus::NotInEffect,
            Some(ClockStatusDoc::Proposal) => ClockStatus::Proposal,
        },
        applies_from,
        timezone,
        holidays,
        cutoff,
        when: None::<Condition>,
        stages,
    })
    .filter(|_| !missing_required(doc))
}

fn missing_required(doc: &ClockDoc) -> bool {
    doc.title.is_none()
        || doc.regime.is_none()
        || doc.source.is_none()
        || doc.verified_on.is_none()
        || doc.stages.is_empty()
}
