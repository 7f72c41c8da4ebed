//! What the team recorded: decisions, facts, roles, steps set aside,
//! messages, notes and corrections. Each row carries its entry number
//! (`#seq`) so a reader can find it in the timeline.

use std::fmt::Write as _;

use super::{Lazy, Part, at, none, section, seq, step_cell};
use crate::export::describe::fact_of;
use crate::export::document::{Block, Section, Span, Table, Text, plain};
use crate::export::view::View;
use crate::export::when;
use crate::journal::Kind;
use crate::run::{FactSource, StepStatus, query};

pub fn decisions(view: &View<'_>) -> Section {
    let state = view.input.state;
    if state.decisions.is_empty() {
        return section(
            "decisions",
            "Decisions",
            vec![none("No decisions were recorded.")],
        );
    }
    let mut table = Table::new([
        "#",
        "When",
        "Decided by",
        "Step",
        "Decision",
        "Options offered",
        "Rationale",
    ]);
    for d in &state.decisions {
        table.push(vec![
            seq(d.at.seq),
            at(view, d.at.ts),
            plain(format!(
                "{}{}",
                decider(&d.decider, &d.at.actor),
                corrected(view, d.at.seq, "decider")
            )),
            step_cell(view, d.step.as_deref()),
            vec![
                Span::Code(d.fact.clone()),
                Span::Plain(format!(" = {}", view.fact_value(&d.fact, &d.value))),
            ],
            plain(d.options.join(", ")),
            plain(format!(
                "{}{}",
                d.rationale,
                corrected(view, d.at.seq, "rationale")
            )),
        ]);
    }
    section(
        "decisions",
        "Decisions",
        vec![
            Block::Paragraph(plain(
                "Who decided what and why, with the options that were on the table.",
            )),
            Block::Table(table),
        ],
    )
}

/// ` (corrected in #6 by Ana; was “…”)` after a value of the entry's
/// `field` that a later entry corrected: the tables show corrected values,
/// and one must never pass for what the entry's author recorded. Empty
/// when no correction changed that field (another field of the same
/// entry may have been corrected: its own cell says so).
fn corrected(view: &View<'_>, seq: u64, field: &str) -> String {
    let by: Vec<String> = view
        .corrections_of(seq)
        .iter()
        .filter(|c| {
            c.data
                .get("fields")
                .and_then(serde_json::Value::as_object)
                .is_some_and(|f| f.contains_key(field))
        })
        .map(|c| format!("#{} by {}", c.seq, c.actor))
        .collect();
    if by.is_empty() {
        return String::new();
    }
    let was = view
        .entry(seq)
        .and_then(|e| e.data.get(field))
        .and_then(serde_json::Value::as_str)
        .map(|w| format!("; was “{w}”"))
        .unwrap_or_default();
    format!(" (corrected in {}{was})", by.join(", "))
}

/// The decider, and who recorded it when that was someone else. In a team
/// case the recorder is `name@host`: a decider of that name is the
/// recorder, shown with the host as every other actor of the case.
fn decider(decider: &str, recorder: &str) -> String {
    let same = recorder == decider
        || recorder
            .strip_prefix(decider)
            .is_some_and(|host| host.starts_with('@'));
    if same {
        recorder.to_string()
    } else {
        format!("{decider} (recorded by {recorder})")
    }
}

pub fn facts<'v>(view: &'v View<'v>) -> Part<'v> {
    let state = view.input.state;
    if state.facts.is_empty() {
        return Part::Whole(section(
            "facts",
            "Facts",
            vec![none("No facts were recorded.")],
        ));
    }
    let table = Table::new([
        "#",
        "Fact",
        "Value",
        "By",
        "Recorded",
        "Occurred",
        "Correction",
    ]);
    let mut records: Vec<_> = state
        .facts
        .iter()
        .flat_map(|(id, f)| f.history.iter().map(move |r| (id, r)))
        .collect();
    records.sort_by_key(|(_, r)| (r.at.ts, r.at.seq));
    let len = records.len();
    let row = move |i: usize| {
        let (id, r) = records[i];
        let how = match r.source {
            FactSource::Set => "",
            FactSource::Decision => " (decision)",
        };
        let correction = r.correction.as_ref().map_or_else(
            || plain("—"),
            |c| {
                plain(format!(
                    "#{} by {} at {}: now {}, because: {}",
                    c.at.seq,
                    c.at.actor,
                    when::both(c.at.ts, view.tz),
                    view.fact_value(id, &c.value),
                    c.reason
                ))
            },
        );
        vec![
            seq(r.at.seq),
            vec![Span::Code(id.clone())],
            plain(format!("{}{how}", view.fact_value(id, &r.value))),
            plain(r.at.actor.clone()),
            at(view, r.at.ts),
            r.occurred_at.map_or_else(|| plain("—"), |t| at(view, t)),
            correction,
        ]
    };
    Part::Rows(Lazy {
        section: section(
            "facts",
            "Facts",
            vec![
                Block::Paragraph(plain(
                    "Every value recorded, oldest first; a correction is shown beside the value it corrects.",
                )),
                Block::Table(table),
            ],
        ),
        len,
        row: Box::new(row),
    })
}

pub fn roles(view: &View<'_>) -> Section {
    let state = view.input.state;
    if state.role_history.is_empty() {
        return section(
            "roles",
            "Roles",
            vec![none("No roles were assigned in the journal.")],
        );
    }
    let mut table = Table::new(["#", "When", "Role", "Person", "Assigned by"]);
    for r in &state.role_history {
        table.push(vec![
            seq(r.at.seq),
            at(view, r.at.ts),
            plain(format!("{} ({})", view.role_title(&r.role), r.role)),
            plain(format!(
                "{}{}",
                if r.person.trim().is_empty() {
                    "(unassigned)"
                } else {
                    &r.person
                },
                corrected(view, r.at.seq, "person")
            )),
            plain(r.at.actor.clone()),
        ]);
    }
    section("roles", "Roles", vec![Block::Table(table)])
}

pub fn steps(view: &View<'_>) -> Section {
    let state = view.input.state;
    let playbook = view.input.playbook;
    let mut changes: Vec<_> = state
        .steps
        .iter()
        .flat_map(|(id, s)| s.history.iter().map(move |c| (id, c)))
        .filter(|(_, c)| matches!(c.status, StepStatus::Skipped | StepStatus::Blocked))
        .collect();
    changes.sort_by_key(|(_, c)| (c.at.ts, c.at.seq));
    let mut blocks = vec![Block::Subheading("Skipped and blocked".into())];
    if changes.is_empty() {
        blocks.push(none("No step was skipped or blocked."));
    } else {
        let mut table = Table::new([
            "#", "When", "By", "Step", "Phase", "Set to", "Reason", "Now",
        ]);
        for (id, c) in changes {
            table.push(vec![
                seq(c.at.seq),
                at(view, c.at.ts),
                plain(c.at.actor.clone()),
                plain(view.step_title(id)),
                plain(view.phase_of(id).map_or("—", |p| p.title.as_str())),
                plain(c.status.label()),
                plain(c.reason.clone().unwrap_or_else(|| "no reason given".into())),
                plain(state.status(id).label()),
            ]);
        }
        blocks.push(Block::Table(table));
    }
    blocks.push(Block::Subheading("Required steps still open".into()));
    let open = query::open_required(playbook, state);
    if open.is_empty() {
        blocks.push(none("None: every required step that applies is closed."));
    } else {
        blocks.push(Block::List(
            open.iter()
                .map(|s| {
                    vec![
                        Span::Plain(format!("{} (", s.title)),
                        Span::Code(s.id.clone()),
                        Span::Plain(format!("): {}", state.status(&s.id).label())),
                    ]
                })
                .collect(),
        ));
    }
    if let Some(closed) = &state.closed {
        blocks.push(Block::Subheading("Incident closed".into()));
        blocks.push(Block::Paragraph(vec![Span::Plain(format!(
            "Closed by {} at {}: {}",
            closed.at.actor,
            when::both(closed.at.ts, view.tz),
            closed.data.reason
        ))]));
        if !closed.data.open_steps.is_empty() {
            blocks.push(Block::List(
                closed
                    .data
                    .open_steps
                    .iter()
                    .map(|o| {
                        vec![
                            Span::Plain(format!("{} (", view.step_title(&o.step))),
                            Span::Code(o.step.clone()),
                            Span::Plain(format!(") left open: {}", o.reason)),
                        ]
                    })
                    .collect(),
            ));
        }
    }
    section("steps", "Steps set aside or left open", blocks)
}

pub fn communications(view: &View<'_>) -> Section {
    let rows: Vec<_> = view
        .timeline
        .iter()
        .map(|l| &l.entry)
        .filter(|e| {
            matches!(
                e.kind,
                Kind::MessageDrafted | Kind::Approval | Kind::Submission
            )
        })
        .collect();
    if rows.is_empty() {
        return section(
            "communications",
            "Messages and statements",
            vec![none(
                "No message was drafted, approved or sent through the journal.",
            )],
        );
    }
    let mut table = Table::new(["#", "When", "By", "Step", "Public statement", "What"]);
    for e in rows {
        let statement = e
            .step
            .as_deref()
            .and_then(|s| view.step(s))
            .and_then(|s| s.statement.as_ref())
            .map_or_else(|| plain("no"), |st| plain(st.kind.label()));
        table.push(vec![
            seq(e.seq),
            at(view, e.ts),
            plain(e.actor.clone()),
            step_cell(view, e.step.as_deref()),
            statement,
            plain(view.sentence(e)),
        ]);
    }
    let mut blocks = vec![
        Block::Paragraph(plain(
            "Drafts, approvals and what was sent or published. Message texts are kept in the files named, beside the journal; their SHA-256 proves which text was meant. Each text sent or published is shown below after its file was checked against that SHA-256.",
        )),
        Block::Table(table),
    ];
    blocks.extend(super::sent::texts(view));
    section("communications", "Messages and statements", blocks)
}

pub fn notes<'v>(view: &'v View<'v>) -> Part<'v> {
    let state = view.input.state;
    if state.notes.is_empty() {
        return Part::Whole(section(
            "notes",
            "Notes",
            vec![none("No notes were written.")],
        ));
    }
    let table = Table::new(["#", "When", "By", "Step", "Note"]);
    let mut notes: Vec<_> = state.notes.iter().collect();
    notes.sort_by_key(|n| (n.at.ts, n.at.seq));
    let len = notes.len();
    let row = move |i: usize| {
        let n = notes[i];
        vec![
            seq(n.at.seq),
            at(view, n.at.ts),
            plain(n.at.actor.clone()),
            step_cell(view, n.step.as_deref()),
            plain(format!("{}{}", n.text, corrected(view, n.at.seq, "text"))),
        ]
    };
    Part::Rows(Lazy {
        section: section("notes", "Notes", vec![Block::Table(table)]),
        len,
        row: Box::new(row),
    })
}

pub fn corrections(view: &View<'_>) -> Section {
    let state = view.input.state;
    if state.corrections.is_empty() {
        return section(
            "corrections",
            "Corrections",
            vec![none(
                "No entry was corrected. (Entries are never edited: a correction is a new entry naming the one it corrects.)",
            )],
        );
    }
    let mut table = Table::new(["Original entry", "Correction", "Reason"]);
    for c in &state.corrections {
        let original: Text = view.entry(c.corrects).map_or_else(
            || plain(format!("#{}: not among the verified entries", c.corrects)),
            |e| {
                plain(format!(
                    "#{} by {} at {}: {}",
                    e.seq,
                    e.actor,
                    when::both(e.ts, view.tz),
                    view.sentence_as_recorded(e)
                ))
            },
        );
        let fact = view.entry(c.corrects).and_then(fact_of);
        let mut new_value = match (&c.value, &fact) {
            (Some(v), Some(f)) => format!(": the value is now {}", view.fact_value(f, v)),
            (Some(v), None) => format!(": the value is now {v}"),
            (None, _) => String::new(),
        };
        for (field, value) in &c.fields {
            let shown = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_string);
            let _ = write!(new_value, "; {field} is now “{shown}”");
        }
        table.push(vec![
            original,
            plain(format!(
                "#{} by {} at {}{new_value}",
                c.at.seq,
                c.at.actor,
                when::both(c.at.ts, view.tz)
            )),
            plain(c.reason.clone()),
        ]);
    }
    section(
        "corrections",
        "Corrections",
        vec![
            Block::Paragraph(plain(
                "Entries are never edited: each correction is a new entry naming the one it corrects. Both are shown.",
            )),
            Block::Table(table),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::decider;

    /// The defect: in a team case a decision Ana recorded herself read
    /// "Ana Ruiz (recorded by Ana Ruiz@laptop-7)", as if two people were
    /// involved, and named her without the host everywhere else shows.
    #[test]
    fn a_decider_who_recorded_the_decision_is_shown_once_with_the_host() {
        assert_eq!(
            decider("Ana Ruiz", "Ana Ruiz@laptop-7"),
            "Ana Ruiz@laptop-7"
        );
        assert_eq!(decider("Ana Ruiz", "Ana Ruiz"), "Ana Ruiz");
        assert_eq!(
            decider("CEO Lee", "Ana Ruiz@laptop-7"),
            "CEO Lee (recorded by Ana Ruiz@laptop-7)"
        );
        assert_eq!(
            decider("Ana", "Ana Ruiz@laptop-7"),
            "Ana (recorded by Ana Ruiz@laptop-7)"
        );
    }
}
