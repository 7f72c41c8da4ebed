//! Per inject: when it was delivered and how, what the scenario expected,
//! how the facilitator rated the response, and what the team recorded
//! until the next inject. Undelivered injects are listed with the reason.

use std::fmt::Write as _;

use super::{Report, scenario};
use crate::drill::trigger_name;
use crate::export::content::{none, section, seq};
use crate::export::document::{Block, Section, Span, Table, Text, plain};
use crate::export::when;
use crate::journal::Kind;
use crate::journal::Line;
use crate::journal::event::{DrillAction, ObservationKind, Rating};
use crate::playbook::{Inject, Trigger};
use crate::run::{InjectRecord, ObservationRecord};

/// Entries that are the team's response to an inject, as opposed to the
/// facilitator's or the program's own.
const RESPONSES: [Kind; 14] = [
    Kind::StepStarted,
    Kind::StepDone,
    Kind::StepSkipped,
    Kind::StepBlocked,
    Kind::StepReopened,
    Kind::ChecklistItem,
    Kind::Note,
    Kind::FactSet,
    Kind::Decision,
    Kind::RoleAssigned,
    Kind::MessageDrafted,
    Kind::Approval,
    Kind::Submission,
    Kind::Correction,
];

/// A delivered inject and where its delivery sits in the timeline.
#[derive(Debug)]
struct Delivery<'a> {
    record: &'a InjectRecord,
    index: usize,
}

pub fn injects(r: &Report<'_>) -> Section {
    let view = r.view;
    let state = r.state();
    let deliveries: Vec<Delivery<'_>> = view
        .timeline
        .iter()
        .enumerate()
        .filter(|(_, l)| l.entry.kind == Kind::InjectDelivered)
        .filter_map(|(index, l)| {
            state
                .injects
                .iter()
                .find(|d| d.at.seq == l.entry.seq)
                .map(|record| Delivery { record, index })
        })
        .collect();
    let undelivered: Vec<&Inject> = r.drill.map_or_else(Vec::new, |d| {
        d.injects
            .iter()
            .filter(|i| state.delivered(&i.id).is_none())
            .collect()
    });
    if deliveries.is_empty() && undelivered.is_empty() {
        return section(
            "injects",
            "Injects and responses",
            vec![none(
                "No inject was delivered, and the scenario definition that would list them is missing.",
            )],
        );
    }

    let mut blocks = vec![
        Block::Paragraph(counts(r, &deliveries, &undelivered)),
        Block::Table(overview(r, &deliveries, &undelivered)),
    ];
    if let Some(first) = deliveries.first() {
        let before = responses(r, &view.timeline[..first.index], None);
        if !before.rows.is_empty() {
            blocks.push(Block::Subheading("Before the first inject".into()));
            blocks.push(Block::Table(before));
        }
    }
    for (k, delivery) in deliveries.iter().enumerate() {
        let end = deliveries
            .get(k + 1)
            .map_or(view.timeline.len(), |next| next.index);
        blocks.extend(delivered(
            r,
            delivery,
            &view.timeline[delivery.index + 1..end],
        ));
    }
    for inject in &undelivered {
        blocks.push(Block::Subheading(format!(
            "{}: {} (not delivered)",
            inject.id, inject.title
        )));
        let mut fields = planned_fields(r, &inject.id);
        fields.insert(2, ("Delivered".into(), not_delivered(r, inject)));
        fields.extend(evaluations(r, &inject.id));
        blocks.push(Block::Fields(fields));
    }
    let others = other_evaluations(r, &deliveries);
    if !others.is_empty() {
        blocks.push(Block::Subheading(
            "Evaluations of no particular inject".into(),
        ));
        blocks.push(Block::List(others));
    }
    section("injects", "Injects and responses", blocks)
}

/// `7 injects in the scenario: 5 delivered, 2 not; evaluations: …`.
fn counts(r: &Report<'_>, deliveries: &[Delivery<'_>], undelivered: &[&Inject]) -> Text {
    let held = undelivered
        .iter()
        .filter(|i| r.state().is_held(&i.id))
        .count();
    let mut text = match r.drill {
        Some(d) => format!(
            "The scenario has {} injects: {} delivered, {} not delivered ({held} held by the facilitator, {} never triggered).",
            d.injects.len(),
            deliveries.len(),
            undelivered.len(),
            undelivered.len() - held
        ),
        None => format!(
            "{} injects were delivered (the scenario definition that would list the others is missing).",
            deliveries.len()
        ),
    };
    let mut tally = [0_usize; 4];
    let mut unrated = 0;
    for d in deliveries {
        match latest_rating(r, &d.record.inject) {
            Some(rating) => tally[usize::from(rating.severity())] += 1,
            None => unrated += 1,
        }
    }
    let _ = write!(
        text,
        " Responses to delivered injects were rated (HSEEP) P {}, S {}, M {}, U {}; {unrated} not evaluated.",
        tally[0], tally[1], tally[2], tally[3]
    );
    plain(text)
}

/// One row an inject, delivered ones first in the order they came.
fn overview(r: &Report<'_>, deliveries: &[Delivery<'_>], undelivered: &[&Inject]) -> Table {
    let mut table = Table::new([
        "Inject",
        "Title",
        "Planned trigger",
        "Delivered",
        "Evaluation",
    ]);
    for d in deliveries {
        let id = &d.record.inject;
        table.push(vec![
            plain(id.clone()),
            plain(d.record.title.clone()),
            planned(r, id),
            plain(format!(
                "{} ({})",
                r.scenario(&d.record.at),
                d.record.trigger
            )),
            latest_rating(r, id).map_or_else(|| plain("not evaluated"), rating),
        ]);
    }
    for inject in undelivered {
        table.push(vec![
            plain(inject.id.clone()),
            plain(inject.title.clone()),
            planned(r, &inject.id),
            vec![Span::Strong("not delivered".into())],
            latest_rating(r, &inject.id).map_or_else(|| plain("—"), undelivered_rating),
        ]);
    }
    table
}

/// The subsection of one delivered inject.
fn delivered(r: &Report<'_>, d: &Delivery<'_>, after: &[&Line]) -> Vec<Block> {
    let record = d.record;
    let mut delivered = r.when(&record.at);
    delivered.push(Span::Plain(format!(
        "; entry #{} by {}; trigger recorded: ",
        record.at.seq, record.at.actor
    )));
    delivered.push(Span::Code(record.trigger.clone()));
    let planned_kind = inject(r, &record.inject).map(|i| trigger_name(&i.trigger));
    if record.trigger == "manual" && planned_kind.is_some_and(|k| k != "manual") {
        delivered.push(Span::Plain(
            " (released by hand before its planned trigger)".into(),
        ));
    }
    let mut fields = planned_fields(r, &record.inject);
    fields.insert(2, ("Delivered".into(), delivered));
    fields.extend(evaluations(r, &record.inject));
    let table = responses(r, after, Some(r.time.of_stamp(&record.at)));
    let mut blocks = vec![
        Block::Subheading(format!("{}: {}", record.inject, record.title)),
        Block::Fields(fields),
    ];
    if table.rows.is_empty() {
        blocks.push(none(
            "No response was recorded between this inject and the next.",
        ));
    } else {
        blocks.push(Block::Paragraph(plain(
            "Responses recorded after this inject, until the next one:",
        )));
        blocks.push(Block::Table(table));
    }
    blocks
}

/// The scenario's side of an inject: trigger, audience, text, expectation.
fn planned_fields(r: &Report<'_>, id: &str) -> Vec<(String, Text)> {
    let Some(inject) = inject(r, id) else {
        let why = plain(missing(r));
        return vec![
            ("Planned trigger".into(), why.clone()),
            ("Audience".into(), why.clone()),
            ("Expected response".into(), why),
        ];
    };
    let audience = if inject.audience.is_empty() {
        "everyone".to_string()
    } else {
        inject
            .audience
            .iter()
            .map(|role| format!("{} ({role})", r.view.role_title(role)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut fields = vec![
        ("Planned trigger".into(), planned(r, id)),
        ("Audience".into(), plain(audience)),
    ];
    if let Some(body) = inject.body.as_deref().filter(|b| !b.trim().is_empty()) {
        fields.push(("Inject text".into(), super::rich::inline(body)));
    }
    fields.push((
        "Expected response".into(),
        inject.expect.as_deref().map_or_else(
            || plain("none written in the scenario"),
            super::rich::inline,
        ),
    ));
    fields
}

fn inject<'a>(r: &Report<'a>, id: &str) -> Option<&'a Inject> {
    r.drill.and_then(|d| d.inject(id))
}

fn missing(r: &Report<'_>) -> &'static str {
    if r.drill.is_some() {
        "unknown: this inject is not in the scenario file found"
    } else {
        "unknown: the scenario definition is missing"
    }
}

/// The planned trigger in words, its kind first.
fn planned(r: &Report<'_>, id: &str) -> Text {
    let Some(inject) = inject(r, id) else {
        return plain("unknown");
    };
    match &inject.trigger {
        Trigger::At(at) => plain(format!(
            "at {} on the scenario clock",
            scenario::label(u64::try_from(at.num_milliseconds()).unwrap_or(0))
        )),
        Trigger::AfterStep(step) => vec![
            Span::Plain(format!("after \"{}\" (", r.view.step_title(step))),
            Span::Code(step.clone()),
            Span::Plain(") is done".into()),
        ],
        Trigger::When(condition) => vec![
            Span::Plain("when ".into()),
            Span::Code(condition.source.clone()),
            Span::Plain(" holds".into()),
        ],
        Trigger::Manual => plain("manual: released by the facilitator"),
    }
}

/// Why an inject of the scenario never reached the team.
fn not_delivered(r: &Report<'_>, inject: &Inject) -> Text {
    let mut text = vec![Span::Strong("not delivered".into())];
    let held = r.state().drill_controls.iter().rev().find(|c| {
        c.data.inject.as_deref() == Some(inject.id.as_str())
            && matches!(c.data.action, DrillAction::Hold | DrillAction::Unhold)
    });
    let reason = match (held, &inject.trigger) {
        (Some(c), _) if c.data.action == DrillAction::Hold => format!(
            ": held by the facilitator (entry #{} by {} at {})",
            c.at.seq,
            c.at.actor,
            r.scenario(&c.at)
        ),
        (_, Trigger::At(at))
            if u64::try_from(at.num_milliseconds()).unwrap_or(0)
                > r.time.ms_of(r.view.input.now) =>
        {
            format!(
                ": never triggered; the scenario clock stopped at {}, before its time",
                scenario::label(r.time.ms_of(r.view.input.now))
            )
        }
        (_, Trigger::AfterStep(step)) => format!(
            ": never triggered; \"{}\" was not done",
            r.view.step_title(step)
        ),
        (_, Trigger::When(_)) => ": never triggered; its condition never held".into(),
        (_, Trigger::Manual) => ": never released by the facilitator".into(),
        (_, Trigger::At(_)) => ": never triggered".into(),
    };
    text.push(Span::Plain(reason));
    text
}

/// The facilitator's evaluations of an inject, oldest first.
fn evaluations_of<'a>(r: &Report<'a>, id: &str) -> Vec<&'a ObservationRecord> {
    r.state()
        .observations_of(ObservationKind::Evaluation)
        .filter(|o| o.data.inject.as_deref() == Some(id))
        .collect()
}

pub(super) fn latest_rating(r: &Report<'_>, id: &str) -> Option<Rating> {
    evaluations_of(r, id)
        .iter()
        .rev()
        .find_map(|o| o.data.rating)
}

/// The latest rating of an inject the team actually received: the only
/// kind that is a performance result. HSEEP rates observed performance
/// against an expected outcome; an inject never delivered was never
/// played, so a rating recorded against it (by hand before it fell due,
/// or from an older runsheet, whose panel allowed it) is reported beside
/// the inject with that caveat and counts toward no objective.
pub(super) fn performance_rating(r: &Report<'_>, id: &str) -> Option<Rating> {
    r.state().delivered(id)?;
    latest_rating(r, id)
}

/// `rated ✓ Performed without Challenges (P), but the inject was never
/// delivered: not a performance result`.
fn undelivered_rating(given: Rating) -> Text {
    let mut text = vec![Span::Plain("rated ".into())];
    text.extend(rating(given));
    text.extend(never_delivered_caveat());
    text
}

/// `, but the inject was never delivered: not a performance result`.
fn never_delivered_caveat() -> Text {
    vec![
        Span::Plain(", but ".into()),
        Span::Alert("the inject was never delivered".into()),
        Span::Plain(": not a performance result".into()),
    ]
}

fn evaluations(r: &Report<'_>, id: &str) -> Vec<(String, Text)> {
    let all = evaluations_of(r, id);
    if all.is_empty() {
        return vec![("Evaluation".into(), plain("not evaluated"))];
    }
    let never_delivered = r.state().delivered(id).is_none();
    all.into_iter()
        .map(|o| {
            let mut text = evaluation(r, o);
            if never_delivered && o.data.rating.is_some() {
                text.extend(never_delivered_caveat());
                text.push(Span::Plain(", left out of the objectives' ratings".into()));
            }
            ("Evaluation".into(), text)
        })
        .collect()
}

/// `✗ not met: note (Alex Moreau at T+01:20, #31)`.
fn evaluation(r: &Report<'_>, o: &ObservationRecord) -> Text {
    let mut text = o.data.rating.map_or_else(|| plain("no rating"), rating);
    text.push(Span::Plain(format!(
        ": {} ({} at {}, #{})",
        o.data.note.trim(),
        o.at.actor,
        r.scenario(&o.at),
        o.at.seq
    )));
    text
}

/// A rating in words first; the mark and colour only help.
pub(super) fn rating(rating: Rating) -> Text {
    let words = rating.label();
    vec![match rating.severity() {
        0 => Span::Good(format!("✓ {words}")),
        1 => Span::Strong(format!("◐ {words}")),
        2 => Span::Alert(format!("◔ {words}")),
        _ => Span::Alert(format!("✗ {words}")),
    }]
}

fn other_evaluations(r: &Report<'_>, deliveries: &[Delivery<'_>]) -> Vec<Text> {
    r.state()
        .observations_of(ObservationKind::Evaluation)
        .filter(|o| {
            o.data.inject.as_deref().is_none_or(|id| {
                inject(r, id).is_none() && deliveries.iter().all(|d| d.record.inject != id)
            })
        })
        .map(|o| {
            let mut text = evaluation(r, o);
            if let Some(id) = &o.data.inject {
                text.push(Span::Plain(format!(" about inject {id}, which is unknown")));
            }
            text
        })
        .collect()
}

/// The team's entries among `lines`, compactly; `since` is the inject's
/// scenario time, to show how long each response took.
fn responses(r: &Report<'_>, lines: &[&Line], since: Option<u64>) -> Table {
    let view = r.view;
    let mut table = Table::new(["#", "Scenario time", "Wall time", "By", "Response"]);
    for line in lines.iter().filter(|l| RESPONSES.contains(&l.entry.kind)) {
        let e = &line.entry;
        let ms = r.time.of_entry(e);
        let scenario_time = match since {
            Some(since) => format!(
                "{} (+{})",
                scenario::label(ms),
                when::span(chrono::Duration::milliseconds(
                    i64::try_from(ms.saturating_sub(since)).unwrap_or(i64::MAX)
                ))
            ),
            None => scenario::label(ms),
        };
        table.push(vec![
            seq(e.seq),
            plain(scenario_time),
            plain(when::local(e.ts, view.tz)),
            plain(e.actor.clone()),
            plain(view.sentence(e)),
        ]);
    }
    table
}
