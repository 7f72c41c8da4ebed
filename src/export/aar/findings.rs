//! The hot-wash: strengths, areas for improvement, and the improvement
//! plan an auditor follows up (HSEEP: each finding with its corrective
//! action kept apart, the capability, the responsible organisation, a point
//! of contact, start and completion dates and a status; anything missing is
//! called out).

use std::fmt::Write as _;

use super::Report;
use crate::export::content::{none, section};
use crate::export::document::{Block, Section, Span, Table, Text, plain};
use crate::journal::event::ObservationKind;
use crate::run::ObservationRecord;

pub fn strengths(r: &Report<'_>) -> Section {
    let items: Vec<Text> = r
        .state()
        .observations_of(ObservationKind::Strength)
        .map(|o| finding(r, o))
        .collect();
    let blocks = if items.is_empty() {
        vec![none("No strength was recorded.")]
    } else {
        vec![Block::List(items)]
    };
    section("strengths", "Strengths", blocks)
}

pub fn improvements(r: &Report<'_>) -> Section {
    let items: Vec<Text> = r
        .state()
        .observations_of(ObservationKind::Improvement)
        .map(|o| finding(r, o))
        .collect();
    let blocks = if items.is_empty() {
        vec![none("No area for improvement was recorded.")]
    } else {
        vec![Block::List(items)]
    };
    section("improvements", "Areas for improvement", blocks)
}

/// `note (Alex Moreau at T+75:00, #52; inject i2)`.
fn finding(r: &Report<'_>, o: &ObservationRecord) -> Text {
    let mut text = format!(
        "{} ({} at {}, #{}",
        o.data.note.trim(),
        o.at.actor,
        r.scenario(&o.at),
        o.at.seq
    );
    if let Some(inject) = &o.data.inject {
        let _ = write!(text, "; inject {inject}");
    }
    text.push(')');
    plain(text)
}

/// Every improvement, and any other observation given an owner or a due
/// date, sorted by due date then owner; undated or unowned ones last.
pub fn plan(r: &Report<'_>) -> Section {
    let mut actions: Vec<&ObservationRecord> = r
        .state()
        .observations
        .iter()
        .filter(|o| {
            o.data.kind == ObservationKind::Improvement
                || o.data.owner.is_some()
                || o.data.due.is_some()
        })
        .collect();
    if actions.is_empty() {
        return section(
            "plan",
            "Improvement plan",
            vec![none("No improvement action was recorded.")],
        );
    }
    actions.sort_by(|a, b| {
        let key = |o: &&ObservationRecord| {
            (
                o.data.due.is_none(),
                o.data.due.clone(),
                o.data.owner.is_none(),
                o.data.owner.clone(),
                o.at.seq,
            )
        };
        key(a).cmp(&key(b))
    });
    let incomplete = actions
        .iter()
        .filter(|o| {
            o.data.owner.is_none() || o.data.due.is_none() || o.data.corrective_action.is_none()
        })
        .count();
    let mut table = Table::new([
        "Capability",
        "Finding",
        "Corrective action",
        "Responsible organisation",
        "Point of contact",
        "Start",
        "Completion",
        "Status",
        "Raised",
    ]);
    let missing = |text: &str| vec![Span::Alert(text.into())];
    for o in &actions {
        let from = match (o.data.kind, &o.data.inject) {
            (ObservationKind::Improvement, None) => "area for improvement".to_string(),
            (ObservationKind::Improvement, Some(i)) => format!("area for improvement, inject {i}"),
            (ObservationKind::Strength, _) => "strength".to_string(),
            (ObservationKind::Evaluation, Some(i)) => format!("evaluation of inject {i}"),
            (ObservationKind::Evaluation, None) => "evaluation".to_string(),
        };
        let d = &o.data;
        table.push(vec![
            d.capability
                .clone()
                .or_else(|| inject_capabilities(r, o))
                .map_or_else(|| missing("not given"), plain),
            plain(d.note.trim()),
            d.corrective_action
                .clone()
                .map_or_else(|| missing("to be agreed"), plain),
            d.organisation
                .clone()
                .map_or_else(|| missing("to be assigned"), plain),
            d.owner.clone().map_or_else(|| missing("no owner"), plain),
            d.start.clone().map_or_else(|| plain("—"), plain),
            d.due.clone().map_or_else(|| missing("no due date"), plain),
            plain(d.status.clone().unwrap_or_else(|| "open".into())),
            plain(format!(
                "{from}; {} at {}, #{}",
                o.at.actor,
                r.scenario(&o.at),
                o.at.seq
            )),
        ]);
    }
    let summary = match incomplete {
        0 => format!(
            "{} actions, each with a corrective action, a point of contact and a completion date.",
            actions.len()
        ),
        n => format!(
            "{} actions; {n} still without a corrective action, a point of contact or a completion date, which the plan needs before it can be followed up.",
            actions.len()
        ),
    };
    section(
        "plan",
        "Improvement plan",
        vec![Block::Paragraph(plain(summary)), Block::Table(table)],
    )
}

/// The core capabilities of the objectives an observed inject tests.
fn inject_capabilities(r: &Report<'_>, o: &ObservationRecord) -> Option<String> {
    let drill = r.drill?;
    let inject = drill.inject(o.data.inject.as_deref()?)?;
    let mut capabilities: Vec<&str> = drill
        .objectives
        .iter()
        .filter(|obj| {
            obj.id
                .as_deref()
                .is_some_and(|id| inject.objectives.iter().any(|i| i == id))
        })
        .filter_map(|obj| obj.capability.as_deref())
        .collect();
    capabilities.dedup();
    (!capabilities.is_empty()).then(|| capabilities.join("; "))
}
