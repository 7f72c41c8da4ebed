//! Warnings for facts, contacts and clock stages nothing uses.

use super::{Checker, quoted};
use crate::diag::Diagnostic;
use crate::playbook::doc::{PlaybookDoc, StepDoc};

pub(super) fn warn_unused(
    c: &mut Checker<'_>,
    doc: &PlaybookDoc,
    steps: &[&StepDoc],
    clocks: &[crate::playbook::Clock],
) {
    for fact in &doc.facts {
        // A submission's `fills:` answers a fact as surely as a capture.
        let used = steps.iter().any(|s| {
            s.capture.iter().any(|f| f.value == fact.id.value)
                || s.decide
                    .as_ref()
                    .is_some_and(|d| d.fact.value == fact.id.value)
                || s.fills.iter().any(|f| f.fact.value == fact.id.value)
        });
        if !used {
            c.push(
                Diagnostic::warning(format!(
                    "fact `{}` is never captured, decided or filled by any step",
                    quoted(&fact.id.value)
                ))
                .at_value(&fact.id)
                .help("add it to a step's `capture:` (or a submission's `fills:`), or it can only be set with `runsheet set`"),
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
