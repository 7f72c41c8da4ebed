//! Who took part: everyone who wrote to the journal, and who held which
//! of the playbook's roles.

use std::collections::BTreeMap;

use super::Report;
use crate::export::content::section;
use crate::export::document::{Block, Section, Span, Table, Text, plain};
use crate::journal::{Entry, Kind};

/// Entries only the facilitator's side of a drill writes.
const FACILITATION: [Kind; 3] = [Kind::DrillControl, Kind::InjectDelivered, Kind::Observation];

pub fn participants(r: &Report<'_>) -> Section {
    let view = r.view;
    let mut by_actor: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
    for line in &view.timeline {
        by_actor
            .entry(line.entry.actor.as_str())
            .or_default()
            .push(&line.entry);
    }
    let mut people = Table::new([
        "Participant",
        "Part",
        "Roles held at the end",
        "Entries",
        "First entry",
        "Last entry",
    ]);
    for (actor, entries) in &by_actor {
        let facilitator = entries.iter().any(|e| FACILITATION.contains(&e.kind));
        let roles: Vec<String> = r
            .state()
            .roles_of(actor)
            .iter()
            .map(|role| view.role_title(role))
            .collect();
        let (first, last) = (entries.first(), entries.last());
        people.push(vec![
            plain(*actor),
            plain(if facilitator {
                "facilitator"
            } else {
                "participant"
            }),
            plain(if roles.is_empty() {
                "—".to_string()
            } else {
                roles.join(", ")
            }),
            plain(entries.len().to_string()),
            first.map_or_else(|| plain("—"), |e| r.when_entry(e)),
            last.map_or_else(|| plain("—"), |e| r.when_entry(e)),
        ]);
    }
    section(
        "participants",
        "Participants and roles",
        vec![
            Block::Paragraph(plain(
                "Everyone who wrote to the journal, by the name they gave. A facilitator is anyone who controlled the scenario clock, delivered an inject or recorded an evaluation.",
            )),
            Block::Table(people),
            Block::Subheading("Roles".into()),
            Block::Table(roles(r)),
        ],
    )
}

/// Each role of the playbook (and any other the journal names), who held
/// it at the end, and every assignment with who made it.
fn roles(r: &Report<'_>) -> Table {
    let view = r.view;
    let state = r.state();
    let mut ids: Vec<&str> = view
        .input
        .playbook
        .roles
        .iter()
        .map(|role| role.id.as_str())
        .collect();
    for a in &state.role_history {
        if !ids.contains(&a.role.as_str()) {
            ids.push(&a.role);
        }
    }
    let mut table = Table::new(["Role", "Held by at the end", "Assignments"]);
    for id in ids {
        let holder: Text = state
            .holder(id)
            .map_or_else(|| vec![Span::Strong("not assigned".into())], plain);
        let history: Vec<String> = state
            .role_history
            .iter()
            .filter(|a| a.role == id)
            .map(|a| {
                let person = if a.person.trim().is_empty() {
                    "(unassigned)"
                } else {
                    a.person.as_str()
                };
                format!(
                    "#{} {person} at {} by {}",
                    a.at.seq,
                    r.scenario(&a.at),
                    a.at.actor
                )
            })
            .collect();
        table.push(vec![
            vec![
                Span::Plain(format!("{} (", view.role_title(id))),
                Span::Code(id.to_string()),
                Span::Plain(")".into()),
            ],
            holder,
            plain(if history.is_empty() {
                "never assigned in the journal".to_string()
            } else {
                history.join("; ")
            }),
        ]);
    }
    table
}
