//! Type checks of `when:` expressions against the facts they read.

use std::collections::HashMap;

use super::quoted;
use super::with_suggestion;
use crate::diag::{Diagnostic, Pos};
use crate::playbook::expr::{CmpOp, Expr, Literal};
use crate::playbook::{ChoiceOption, FactDef, FactType};

/// Checks every fact an expression reads; `located` turns a byte offset of
/// the expression's text into a source position.
pub(super) fn type_check(
    located: &dyn Fn(usize) -> Pos,
    expr: &Expr,
    facts: &FactTable,
    out: &mut Vec<Diagnostic>,
) -> bool {
    match expr {
        Expr::Not(e) => type_check(located, e, facts, out),
        Expr::And(a, b) | Expr::Or(a, b) => {
            let left = type_check(located, a, facts, out);
            type_check(located, b, facts, out) && left
        }
        Expr::Fact(r) => known_fact(located, &r.name, r.span.0, facts, out).is_some(),
        Expr::Compare {
            fact,
            op,
            value,
            value_span,
        } => {
            let Some(def) = known_fact(located, &fact.name, fact.span.0, facts, out) else {
                return false;
            };
            let problem = compare_problem(def, *op, value);
            if let Some(problem) = &problem {
                out.push(Diagnostic::error(problem.clone()).at(located(value_span.0)));
            }
            problem.is_none()
        }
        Expr::In {
            value,
            value_span,
            fact,
        } => {
            let Some(def) = known_fact(located, &fact.name, fact.span.0, facts, out) else {
                return false;
            };
            let problem = membership_problem(def, value);
            if let Some(problem) = &problem {
                out.push(Diagnostic::error(problem.clone()).at(located(value_span.0)));
            }
            problem.is_none()
        }
    }
}

fn known_fact<'f>(
    located: &dyn Fn(usize) -> Pos,
    name: &str,
    offset: usize,
    facts: &'f FactTable,
    out: &mut Vec<Diagnostic>,
) -> Option<&'f FactDef> {
    let def = facts.get(name).copied();
    if def.is_none() {
        let d = Diagnostic::error(format!("expression names unknown fact `{}`", quoted(name)))
            .at(located(offset))
            .underline(name.chars().count());
        out.push(with_suggestion(d, name, facts.keys().copied()));
    }
    def
}

/// Facts by id, for expression checks.
pub(crate) type FactTable<'a> = HashMap<&'a str, &'a FactDef>;

fn compare_problem(def: &FactDef, op: CmpOp, value: &Literal) -> Option<String> {
    let id = &def.id;
    match (&def.ty, value) {
        (FactType::DateTime, _) => Some(format!(
            "fact `{id}` is a datetime; test whether it is known with `{id}` alone"
        )),
        (FactType::Choice(_), _) if def.multiple => Some(format!(
            "fact `{id}` is a multiple choice; write `\"value\" in {id}`"
        )),
        (_, _) if op.is_ordering() && def.ty != FactType::Number => Some(format!(
            "`{}` compares numbers, but fact `{id}` is {}",
            op.symbol(),
            def.ty.name()
        )),
        (FactType::Bool, Literal::Bool(_))
        | (FactType::Number, Literal::Num(_))
        | (FactType::Text, Literal::Str(_)) => None,
        (FactType::Choice(options), Literal::Str(s)) => option_problem(def, options, s),
        (ty, literal) => Some(format!(
            "fact `{id}` is {}, but is compared with {}",
            ty.name(),
            literal.kind()
        )),
    }
}

fn membership_problem(def: &FactDef, value: &Literal) -> Option<String> {
    match (&def.ty, value) {
        (FactType::Choice(options), Literal::Str(s)) => option_problem(def, options, s),
        (FactType::Text, Literal::Str(_)) => None,
        (FactType::Choice(_) | FactType::Text, literal) => {
            Some(format!("`in` looks for a string, found {}", literal.kind()))
        }
        (ty, _) => Some(format!(
            "`in` needs a choice or text fact, but `{}` is {}",
            def.id,
            ty.name()
        )),
    }
}

fn option_problem(def: &FactDef, options: &[ChoiceOption], value: &str) -> Option<String> {
    if options.iter().any(|o| o.value == value) {
        return None;
    }
    let known: Vec<_> = options.iter().map(|o| o.value.as_str()).collect();
    Some(format!(
        "`{value}` is not an option of fact `{}` (options: {})",
        def.id,
        known.join(", ")
    ))
}
