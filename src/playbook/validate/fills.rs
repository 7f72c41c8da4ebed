//! `fills:` on a step: facts a recorded submission answers. Each names a
//! known fact, and either a submission field whose type fits the fact or
//! a fixed value the fact accepts.

use super::{Checker, FactTable, unknown};
use crate::diag::Diagnostic;
use crate::playbook::doc::StepDoc;
use crate::playbook::{FactType, Fill, FillSource};

/// Submission fields a fact can be filled from, and whether each is a time.
const FIELDS: [(&str, bool); 4] = [
    ("reference", false),
    ("sent_at", true),
    ("channel", false),
    ("recipient", false),
];

pub(super) fn compile_fills(c: &mut Checker<'_>, s: &StepDoc, facts: &FactTable<'_>) -> Vec<Fill> {
    let mut out = Vec::new();
    for fill in &s.fills {
        let Some(def) = facts.get(fill.fact.value.as_str()) else {
            unknown(c, "fact", &fill.fact, facts.keys().copied().collect());
            continue;
        };
        let source = match (&fill.from, &fill.value) {
            (Some(from), None) => {
                let Some((_, time)) = FIELDS.iter().find(|(f, _)| *f == from.value) else {
                    let names: Vec<&str> = FIELDS.iter().map(|(f, _)| *f).collect();
                    c.push(
                        Diagnostic::error(format!(
                            "a submission has no field `{}`; `from:` takes one of {}",
                            from.value,
                            names.join(", ")
                        ))
                        .at_value(from),
                    );
                    continue;
                };
                let fits = if *time {
                    def.ty == FactType::DateTime
                } else {
                    def.ty == FactType::Text
                };
                if !fits {
                    c.push(
                        Diagnostic::error(format!(
                            "fact `{}` is {}, but the submission's `{}` is {}",
                            def.id,
                            def.ty.describe(def.multiple),
                            from.value,
                            if *time { "a date and time" } else { "text" }
                        ))
                        .at_value(from),
                    );
                    continue;
                }
                FillSource::Field(from.value.clone())
            }
            (None, Some(value)) => {
                let epoch = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
                if let Err(why) =
                    crate::playbook::value::parse_input(def, &value.value, epoch, chrono_tz::UTC)
                {
                    c.push(
                        Diagnostic::error(format!(
                            "`{}` is not a value of fact `{}`: {why}",
                            value.value, def.id
                        ))
                        .at_value(value),
                    );
                    continue;
                }
                FillSource::Value(value.value.clone())
            }
            _ => {
                c.push(
                    Diagnostic::error(format!(
                        "a fill of `{}` needs exactly one of `from:` (a submission field) or `value:`",
                        fill.fact.value
                    ))
                    .at_value(&fill.fact),
                );
                continue;
            }
        };
        out.push(Fill {
            fact: def.id.clone(),
            source,
        });
    }
    out
}
