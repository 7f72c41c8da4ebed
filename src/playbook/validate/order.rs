//! `not_before:` and `not_after:` on datetime facts: each names another
//! datetime fact, so the runner can ask before recording a time that
//! contradicts the playbook (an `aware_at` before `breach_aware_at`).

use super::{Checker, unknown};
use crate::diag::Diagnostic;
use crate::playbook::doc::{FactDoc, FactTypeDoc};

pub(super) fn check(c: &mut Checker<'_>, facts: &[FactDoc]) {
    let ids = || {
        facts
            .iter()
            .map(|f| f.id.value.as_str())
            .collect::<Vec<_>>()
    };
    for fact in facts {
        for (key, names) in [
            ("not_before", &fact.not_before),
            ("not_after", &fact.not_after),
        ] {
            for name in names {
                if fact.ty.value != FactTypeDoc::Datetime {
                    c.push(
                        Diagnostic::error(format!(
                            "`{key}` applies only to datetime facts, and `{}` is not one",
                            fact.id.value
                        ))
                        .at_value(name),
                    );
                    continue;
                }
                match facts.iter().find(|f| f.id.value == name.value) {
                    None => unknown(c, "fact", name, ids()),
                    Some(other) if other.id.value == fact.id.value => c.push(
                        Diagnostic::error(format!(
                            "fact `{}` cannot be ordered against itself",
                            fact.id.value
                        ))
                        .at_value(name),
                    ),
                    Some(other) if other.ty.value != FactTypeDoc::Datetime => c.push(
                        Diagnostic::error(format!(
                            "`{key}` names `{}`, which is not a datetime fact",
                            other.id.value
                        ))
                        .at_value(name),
                    ),
                    Some(_) => {}
                }
            }
        }
    }
}
