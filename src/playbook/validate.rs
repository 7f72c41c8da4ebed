//! Semantic checks that turn documents into the domain model.
//!
//! Every problem in a file is collected (not just the first), each pointing
//! at the offending value. A model is returned only when there are no errors;
//! warnings never block.

mod checker;
mod clocks;
mod definitions;
mod drill;
mod fills;
mod graph;
mod order;
mod step;
mod suggest;
mod typecheck;
mod unused;

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use super::doc::{PlaybookDoc, ReferenceDoc, StepDoc};
use super::{Phase, Playbook, Reference};
use crate::diag::Diagnostic;

pub(crate) use checker::{Checker, quoted};
pub use clocks::{ClockLibrary, compile_pack};
use definitions::{compile_contacts, compile_facts, compile_roles};
pub use drill::compile_drill;
use graph::check_after_cycles;
pub(crate) use step::unknown;
use step::{Names, compile_step};
pub(crate) use suggest::with_suggestion;
pub(crate) use typecheck::FactTable;
use unused::warn_unused;

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
    if let (Some(date), Some(at)) = (reviewed, &doc.reviewed) {
        c.warn_if_future("`reviewed`", date, at, cx.today);
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
