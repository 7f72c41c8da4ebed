//! One step: its references to roles, facts, contacts, clocks and other
//! steps, its decision, message and checklist.

use std::collections::HashSet;

use super::{Checker, FactTable, quoted, references, with_suggestion};
use crate::diag::{Diagnostic, Located};
use crate::playbook::doc::StepDoc;
use crate::playbook::{Contact, Decide, FactType, Message, Role, StageRef, Statement, Step};

/// Everything a step may refer to.
pub(super) struct Names<'a> {
    pub(super) roles: &'a [Role],
    pub(super) facts: &'a FactTable<'a>,
    pub(super) contacts: &'a [Contact],
    pub(super) clocks: &'a [crate::playbook::Clock],
    pub(super) steps: &'a HashSet<&'a str>,
}

impl Names<'_> {
    /// `submission.<step>.<field>`: an existing step, and a field a
    /// submission records.
    fn submission_placeholder(&self, name: &str, rest: &str) -> Result<(), String> {
        const FIELDS: [&str; 4] = ["reference", "sent_at", "channel", "recipient"];
        let Some((step, field)) = rest.rsplit_once('.') else {
            return Err(format!(
                "placeholder `{{{{{}}}}}` needs a step and a field: `submission.<step>.reference`",
                quoted(name)
            ));
        };
        if !self.steps.contains(step) {
            return Err(format!(
                "placeholder `{{{{{}}}}}` names unknown step `{}`",
                quoted(name),
                quoted(step)
            ));
        }
        if !FIELDS.contains(&field) {
            return Err(format!(
                "placeholder `{{{{{}}}}}`: a submission has no `{}`; use one of {}",
                quoted(name),
                quoted(field),
                FIELDS.join(", ")
            ));
        }
        Ok(())
    }

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
        if let Some(rest) = name.strip_prefix("submission.") {
            return self.submission_placeholder(name, rest);
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

pub(crate) fn unknown(c: &mut Checker<'_>, kind: &str, value: &Located<String>, known: Vec<&str>) {
    let d = Diagnostic::error(format!("unknown {kind} `{}`", quoted(&value.value))).at_value(value);
    c.push(with_suggestion(d, value, known.into_iter()));
}

/// A decision: the fact must be a bool or a choice.
fn compile_decide(
    c: &mut Checker<'_>,
    s: &StepDoc,
    d: &crate::playbook::doc::DecideDoc,
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
    m: &crate::playbook::doc::MessageDoc,
    names: &Names<'_>,
) -> Option<Message> {
    let placeholder = |name: &str| names.placeholder(name);
    let subject = m
        .subject
        .as_ref()
        .map(|t| c.template(t, &placeholder, names.facts));
    let body = c.template(&m.body, &placeholder, names.facts);
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

pub(super) fn compile_step(c: &mut Checker<'_>, s: &StepDoc, names: &Names<'_>) -> Step {
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
        fills: super::fills::compile_fills(c, s, names.facts),
    }
}

fn stage_ref(
    c: &mut Checker<'_>,
    r: &Located<String>,
    clocks: &[crate::playbook::Clock],
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
