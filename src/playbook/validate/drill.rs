//! Checks for drill scenarios against the playbook they run.

use chrono::Duration;

use super::{Checked, Checker, FactTable, with_suggestion};
use crate::diag::{Diagnostic, Located};
use crate::playbook::doc::DrillDoc;
use crate::playbook::{Drill, Inject, Period, Playbook, Trigger};

/// Checks a drill scenario; `playbook` finds a playbook by id.
pub fn compile_drill(
    doc: &DrillDoc,
    src: &str,
    sha256: &str,
    playbook: &dyn Fn(&str) -> Option<Playbook>,
) -> Checked<Drill> {
    let mut c = Checker::new(src);
    c.runsheet_version(&doc.runsheet);
    c.id("drill", &doc.drill);
    let target = playbook(&doc.playbook);
    if target.is_none() {
        c.push(
            Diagnostic::error(format!(
                "drill runs playbook `{}`, which is not bundled nor found locally",
                doc.playbook.value
            ))
            .at_value(&doc.playbook)
            .help("run `runsheet list` to see the playbooks runsheet can find"),
        );
    }
    if doc.injects.is_empty() {
        c.push(Diagnostic::error("a drill needs at least one inject").at_value(&doc.drill));
    }
    for inject in &doc.injects {
        c.id("inject", &inject.id);
    }
    c.unique("inject", doc.injects.iter().map(|i| &i.id));
    let facts: Option<FactTable> = target
        .as_ref()
        .map(|p| p.facts.iter().map(|f| (f.id.as_str(), f)).collect());

    let injects: Vec<Inject> = doc
        .injects
        .iter()
        .map(|i| {
            let triggers = [i.at.as_ref(), i.after.as_ref(), i.when.as_ref()];
            if triggers.iter().flatten().count() > 1 {
                c.push(
                    Diagnostic::error(format!(
                        "inject `{}` has more than one of `at`, `after`, `when`; give it one trigger",
                        i.id.value
                    ))
                    .at_value(&i.id),
                );
            }
            let trigger = if let Some(at) = &i.at {
                scenario_time(&mut c, at).map_or(Trigger::Manual, Trigger::At)
            } else if let Some(after) = &i.after {
                if let Some(p) = &target
                    && p.step(after).is_none() {
                        let d = Diagnostic::error(format!(
                            "inject `{}` waits for step `{}`, which playbook `{}` does not have",
                            i.id.value, after.value, p.id
                        ))
                        .at_value(after);
                        c.push(with_suggestion(d, after, p.steps().map(|s| s.id.as_str())));
                    }
                Trigger::AfterStep(after.value.clone())
            } else if let Some(when) = &i.when {
                c.condition(when, facts.as_ref()).map_or(Trigger::Manual, Trigger::When)
            } else {
                Trigger::Manual
            };
            if let Some(p) = &target {
                for role in &i.audience {
                    if p.role(role).is_none() {
                        let d = Diagnostic::error(format!("unknown role `{}` in audience", role.value)).at_value(role);
                        c.push(with_suggestion(d, role, p.roles.iter().map(|r| r.id.as_str())));
                    }
                }
            }
            Inject {
                id: i.id.value.clone(),
                title: i.title.clone(),
                body: i.body.clone(),
                trigger,
                audience: i.audience.iter().map(|r| r.value.clone()).collect(),
                expect: i.expect.clone(),
                notes: i.notes.clone(),
            }
        })
        .collect();

    c.finish(|| Drill {
        id: doc.drill.value.clone(),
        title: doc.title.clone(),
        playbook: doc.playbook.value.clone(),
        summary: doc.summary.clone(),
        objectives: doc.objectives.clone(),
        facilitator_notes: doc.facilitator_notes.clone(),
        injects,
        sha256: sha256.to_string(),
    })
}

/// `T+40m`, `T+1h30m`, `T+0`: an offset on the scenario clock.
fn scenario_time(c: &mut Checker<'_>, text: &Located<String>) -> Option<Duration> {
    let bad = |c: &mut Checker<'_>| {
        c.push(
            Diagnostic::error(format!("`{}` is not a scenario time", text.value))
                .at_value(text)
                .help("write `T+0m`, `T+40m` or `T+1h30m`"),
        );
        None
    };
    let Some(offset) = text.trim().strip_prefix("T+") else {
        return bad(c);
    };
    let digits = offset.trim_end_matches(['m', 'h']);
    if !digits.is_empty() && digits.chars().all(|ch| ch == '0') {
        return Some(Duration::zero());
    }
    match crate::playbook::period::parse(offset) {
        Ok(Period::Exact(d)) => Some(d),
        Ok(Period::Days(n)) => Some(Duration::days(i64::from(n))),
        _ => bad(c),
    }
}
