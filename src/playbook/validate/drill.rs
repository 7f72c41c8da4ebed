//! Checks for drill scenarios against the playbook they run.

use chrono::Duration;

use super::{Checked, Checker, FactTable, with_suggestion};
use crate::diag::{Diagnostic, Located};
use crate::playbook::doc::{DrillDoc, ObjectiveDoc};
use crate::playbook::{Drill, Inject, Module, Objective, Period, Playbook, Trigger};

/// HSEEP: each discussion module has three to five questions.
const QUESTIONS: std::ops::RangeInclusive<usize> = 3..=5;

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
    let objectives = compile_objectives(&mut c, doc);
    let modules = compile_modules(&mut c, doc);
    check_safety(&mut c, doc);
    let objective_ids: Vec<&str> = objectives.iter().filter_map(|o| o.id.as_deref()).collect();
    let module_ids: Vec<&str> = modules.iter().map(|m| m.id.as_str()).collect();
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
            check_links(&mut c, i, &objective_ids, &module_ids);
            Inject {
                id: i.id.value.clone(),
                title: i.title.clone(),
                body: i.body.clone(),
                trigger,
                audience: i.audience.iter().map(|r| r.value.clone()).collect(),
                objectives: i.objectives.iter().map(|o| o.value.clone()).collect(),
                module: i.module.as_ref().map(|m| m.value.clone()),
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
        objectives,
        ground_rules: doc.ground_rules.clone(),
        codeword: doc.codeword.as_ref().map(|w| w.value.trim().to_string()),
        modules,
        facilitator_notes: doc.facilitator_notes.clone(),
        injects,
        sha256: sha256.to_string(),
    })
}

/// An inject's `objectives:` and `module:` name ones the drill defines.
fn check_links(
    c: &mut Checker<'_>,
    i: &crate::playbook::doc::InjectDoc,
    objective_ids: &[&str],
    module_ids: &[&str],
) {
    for objective in &i.objectives {
        if !objective_ids.contains(&objective.as_str()) {
            let d = Diagnostic::error(format!(
                "inject `{}` tests objective `{}`, which the drill does not define",
                i.id.value, objective.value
            ))
            .at_value(objective);
            c.push(with_suggestion(d, objective, objective_ids.iter().copied()));
        }
    }
    if let Some(module) = &i.module
        && !module_ids.contains(&module.as_str())
    {
        let d = Diagnostic::error(format!(
            "inject `{}` names module `{}`, which the drill does not define",
            i.id.value, module.value
        ))
        .at_value(module);
        c.push(with_suggestion(d, module, module_ids.iter().copied()));
    }
}

/// Objectives with ids and core capabilities; a plain sentence is accepted
/// with a warning, since no inject can name it and no rating can be traced.
fn compile_objectives(c: &mut Checker<'_>, doc: &DrillDoc) -> Vec<Objective> {
    let mut ids = Vec::new();
    let objectives = doc
        .objectives
        .iter()
        .map(|o| match &o.value {
            ObjectiveDoc::Text(text) => {
                c.push(
                    Diagnostic::warning(format!(
                        "objective \"{}\" has no id and no core capability",
                        short(text)
                    ))
                    .at(o.at)
                    .underline(text.chars().count())
                    .help("write it as `{id: o1, text: …, capability: …}` so injects can name it"),
                );
                Objective {
                    id: None,
                    text: text.value.clone(),
                    capability: None,
                }
            }
            ObjectiveDoc::Full(f) => {
                c.id("objective", &f.id);
                ids.push(f.id.clone());
                if f.capability.trim().is_empty() {
                    c.push(
                        Diagnostic::error(format!(
                            "objective `{}` needs a core capability",
                            f.id.value
                        ))
                        .at(f.capability.at),
                    );
                }
                Objective {
                    id: Some(f.id.value.clone()),
                    text: f.text.clone(),
                    capability: Some(f.capability.value.trim().to_string()),
                }
            }
        })
        .collect();
    c.unique("objective", ids.iter());
    objectives
}

fn short(text: &str) -> String {
    let mut s: String = text.chars().take(40).collect();
    if s.len() < text.len() {
        s.push('…');
    }
    s
}

fn compile_modules(c: &mut Checker<'_>, doc: &DrillDoc) -> Vec<Module> {
    for m in &doc.modules {
        c.id("module", &m.id);
        if !QUESTIONS.contains(&m.questions.len()) {
            c.push(
                Diagnostic::warning(format!(
                    "module `{}` has {} discussion questions; HSEEP modules have 3 to 5",
                    m.id.value,
                    m.questions.len()
                ))
                .at_value(&m.id),
            );
        }
    }
    c.unique("module", doc.modules.iter().map(|m| &m.id));
    doc.modules
        .iter()
        .map(|m| Module {
            id: m.id.value.clone(),
            title: m.title.clone(),
            questions: m.questions.clone(),
        })
        .collect()
}

/// Real-world safety: ground rules and a codeword that stops the exercise.
fn check_safety(c: &mut Checker<'_>, doc: &DrillDoc) {
    if doc.ground_rules.is_empty() {
        c.push(
            Diagnostic::warning("the drill has no `ground_rules`")
                .at_value(&doc.drill)
                .help("state the rules read out before the start: no real calls, the codeword, artificialities"),
        );
    }
    match &doc.codeword {
        None => c.push(
            Diagnostic::warning("the drill has no real-world emergency `codeword`")
                .at_value(&doc.drill)
                .help("e.g. `codeword: REAL WORLD`; anyone who says it stops the exercise"),
        ),
        Some(w) if w.trim().is_empty() => {
            c.push(Diagnostic::error("`codeword` is empty").at(w.at));
        }
        Some(_) => {}
    }
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
