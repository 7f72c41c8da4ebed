//! Roles, contacts and facts: the definitions steps refer to.

use std::collections::HashSet;

use super::Checker;
use crate::diag::Diagnostic;
use crate::playbook::doc::{FactTypeDoc, PlaybookDoc};
use crate::playbook::{ChoiceOption, Contact, FactDef, FactType, Role};

pub(super) fn compile_roles(c: &mut Checker<'_>, doc: &PlaybookDoc) -> Vec<Role> {
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

pub(super) fn compile_contacts(c: &mut Checker<'_>, doc: &PlaybookDoc) -> Vec<Contact> {
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

pub(super) fn compile_facts(c: &mut Checker<'_>, doc: &PlaybookDoc) -> Vec<FactDef> {
    for f in &doc.facts {
        c.id("fact", &f.id);
    }
    c.unique("fact", doc.facts.iter().map(|f| &f.id));
    super::order::check(c, &doc.facts);
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
                not_before: f.not_before.iter().map(|x| x.value.clone()).collect(),
                not_after: f.not_after.iter().map(|x| x.value.clone()).collect(),
            }
        })
        .collect()
}
