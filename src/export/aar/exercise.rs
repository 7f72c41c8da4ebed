//! What was exercised and when: the scenario and playbook pinned by their
//! hashes, wall and scenario time covered, the clock controls, and the
//! objectives the exercise set out to test.

use super::{Report, needs_scenario, scenario};
use crate::export::content::{at, none, section, seq};
use crate::export::document::{Block, Section, Span, Table, Text, code, plain};
use crate::export::when;
use crate::journal::Kind;

pub fn what(r: &Report<'_>) -> Section {
    let view = r.view;
    let playbook = view.input.playbook;
    let state = r.state();
    let mut fields: Vec<(String, Text)> = vec![(
        "Exercise".into(),
        vec![Span::Strong(
            "EXERCISE: a drill, not a real incident".into(),
        )],
    )];
    fields.push(("Scenario".into(), scenario_name(r)));
    if let Some(recorded) = r.recorded() {
        fields.push(("Scenario file".into(), code(recorded.path.clone())));
        fields.push((
            "Scenario SHA-256".into(),
            scenario_hash(r, &recorded.sha256),
        ));
    }
    if let Some(summary) = r.drill.and_then(|d| d.summary.as_ref()) {
        fields.push(("Scenario summary".into(), plain(summary.trim())));
    }
    fields.push((
        "Playbook".into(),
        vec![
            Span::Plain(format!("{} (", playbook.title)),
            Span::Code(playbook.id.clone()),
            Span::Plain(format!(" version {})", playbook.version)),
        ],
    ));
    if let Some(created) = &state.created {
        fields.push((
            "Playbook SHA-256".into(),
            vec![
                Span::Code(created.playbook.sha256.clone()),
                Span::Plain(" (recorded when the journal was created; see Verification)".into()),
            ],
        ));
        fields.push(("Exercise title".into(), plain(created.title.clone())));
        fields.push(("Journal id".into(), code(created.journal_id.clone())));
    }
    fields.push(("Exercise time zone".into(), plain(view.tz.name())));
    if let Some(drill) = r.drill {
        let mut capabilities: Vec<&str> = drill
            .objectives
            .iter()
            .filter_map(|o| o.capability.as_deref())
            .collect();
        capabilities.sort_unstable();
        capabilities.dedup();
        fields.push((
            "Objectives".into(),
            plain(format!(
                "{} (see Objectives and ratings)",
                drill.objectives.len()
            )),
        ));
        fields.push((
            "Core capabilities".into(),
            if capabilities.is_empty() {
                vec![Span::Alert("none given".into())]
            } else {
                plain(capabilities.join("; "))
            },
        ));
        if !drill.modules.is_empty() {
            let modules: Vec<&str> = drill.modules.iter().map(|m| m.title.as_str()).collect();
            fields.push(("Modules".into(), plain(modules.join("; "))));
        }
        fields.push((
            "Real-world codeword".into(),
            drill
                .codeword
                .clone()
                .map_or_else(|| vec![Span::Alert("none set".into())], plain),
        ));
    }
    section(
        "exercised",
        "Exercise overview",
        vec![
            Block::Fields(fields),
            Block::Paragraph(vec![
                Span::Plain("To check which scenario was run: ".into()),
                Span::Code("sha256sum <scenario file>".into()),
                Span::Plain(
                    " prints the SHA-256 recorded above while the file is unchanged; the journal itself is checked under Verification."
                        .into(),
                ),
            ]),
        ],
    )
}

fn scenario_name(r: &Report<'_>) -> Text {
    match (r.drill, r.recorded()) {
        (Some(d), _) => vec![
            Span::Plain(format!("{} (", d.title)),
            Span::Code(d.id.clone()),
            Span::Plain(format!(", {} injects)", d.injects.len())),
        ],
        (None, Some(recorded)) => vec![
            Span::Code(recorded.id.clone()),
            Span::Alert(" (scenario definition missing)".into()),
        ],
        (None, None) => vec![Span::Alert(
            "none recorded: the journal was marked as an exercise without a scenario".into(),
        )],
    }
}

/// The recorded hash, and whether the scenario used for this report has it.
fn scenario_hash(r: &Report<'_>, recorded: &str) -> Text {
    let mut text = vec![
        Span::Code(recorded.to_string()),
        Span::Plain(" (recorded when the journal was created)".into()),
    ];
    text.push(Span::Plain("; ".into()));
    match (r.drill, r.changed_scenario()) {
        (Some(_), None) => text.push(Span::Good(
            "✓ the scenario file used for this report has the same SHA-256".into(),
        )),
        (Some(_), Some((_, found))) => {
            text.push(Span::Alert("✗ differs".into()));
            text.push(Span::Plain(" from the scenario file found now: ".into()));
            text.push(Span::Code(found.to_string()));
        }
        (None, _) => text.push(Span::Alert("✗ the scenario file was not found".into())),
    }
    text
}

pub fn when(r: &Report<'_>) -> Section {
    let view = r.view;
    let state = r.state();
    let mut fields: Vec<(String, Text)> = Vec::new();
    if let Some(created) = state.created_at {
        fields.push(("Journal created (T+00:00)".into(), at(view, created)));
    }
    let end = view.last().map(|e| e.ts);
    match (r.time.started(), end) {
        (Some(start), Some(end)) => {
            fields.push(("Drill started (wall time)".into(), r.when(start)));
            fields.push(("Last entry (wall time)".into(), at(view, end)));
            fields.push((
                "Wall-clock duration".into(),
                plain(format!(
                    "{} from the start to the last entry, of which {} paused",
                    when::span(end - start.ts),
                    when::span(r.time.paused(end))
                )),
            ));
            let gaps: Vec<String> = r
                .time
                .gaps(end)
                .iter()
                .map(|(since, length, ms)| {
                    format!(
                        "{} at {} for {}",
                        crate::drill::format_scenario(*ms),
                        when::both(*since, view.tz),
                        when::span(*length)
                    )
                })
                .collect();
            fields.push((
                "Gaps in the scenario clock".into(),
                plain(if gaps.is_empty() {
                    "none: the clock ran from the start to the last entry".to_string()
                } else {
                    gaps.join("; ")
                }),
            ));
        }
        _ => fields.push((
            "Drill started".into(),
            plain("never: no `start` control was recorded, so scenario time did not run"),
        )),
    }
    let covered = r.time.ms_of(view.input.now);
    fields.push((
        "Scenario time covered".into(),
        plain(format!(
            "T+00:00 to {} ({} of scenario time)",
            scenario::label(covered),
            when::span(view.input.now - r.time.origin)
        )),
    ));
    fields.push(("Deadlines evaluated at".into(), r.instant(view.input.now)));
    let mut blocks = vec![Block::Fields(fields)];
    blocks.push(Block::Subheading("Scenario clock controls".into()));
    if state.drill_controls.is_empty() {
        blocks.push(none("No clock control was recorded."));
    } else {
        let mut table = Table::new(["#", "Scenario time", "Wall time", "By", "What"]);
        for line in view
            .timeline
            .iter()
            .filter(|l| l.entry.kind == Kind::DrillControl)
        {
            let e = &line.entry;
            table.push(vec![
                seq(e.seq),
                plain(scenario::label(r.time.of_entry(e))),
                at(view, e.ts),
                plain(e.actor.clone()),
                plain(view.sentence(e)),
            ]);
        }
        blocks.push(Block::Paragraph(plain(
            "The facilitator starts, pauses, speeds up and moves the scenario clock; held injects are not delivered until released. Scenario time is recomputed from these entries.",
        )));
        blocks.push(Block::Table(table));
    }
    section("when", "When", blocks)
}

/// `; a rating of i2, never delivered, is left out`: says why a rating
/// the facilitator did record does not count toward the objective.
fn rated_undelivered(r: &Report<'_>, injects: &[&str]) -> Option<Span> {
    let left_out: Vec<&str> = injects
        .iter()
        .copied()
        .filter(|i| r.state().delivered(i).is_none())
        .filter(|i| super::injects::latest_rating(r, i).is_some())
        .collect();
    (!left_out.is_empty()).then(|| {
        Span::Plain(format!(
            "; a rating of {}, never delivered, is left out",
            left_out.join(", ")
        ))
    })
}

pub fn objectives(r: &Report<'_>) -> Section {
    let Some(drill) = r.drill else {
        return needs_scenario("objectives", "Objectives", "the exercise's objectives");
    };
    if drill.objectives.is_empty() {
        return section(
            "objectives",
            "Objectives and ratings",
            vec![none("The scenario lists no objectives.")],
        );
    }
    let mut table = Table::new([
        "Objective",
        "Core capability",
        "Tested by injects",
        "Rating (HSEEP)",
    ]);
    for objective in &drill.objectives {
        let injects: Vec<&str> = objective.id.as_deref().map_or_else(Vec::new, |id| {
            drill
                .injects
                .iter()
                .filter(|i| i.objectives.iter().any(|o| o == id))
                .map(|i| i.id.as_str())
                .collect()
        });
        let ratings: Vec<_> = injects
            .iter()
            .filter_map(|i| super::injects::performance_rating(r, i))
            .collect();
        let mut rating = match ratings.iter().max_by_key(|r| r.severity()) {
            Some(worst) => {
                let mut text = super::injects::rating(*worst);
                text.push(Span::Plain(format!(
                    " (worst of {} rated of {} injects)",
                    ratings.len(),
                    injects.len()
                )));
                text
            }
            None if injects.is_empty() => vec![Span::Alert("no inject tests it".into())],
            None => plain("not rated"),
        };
        rating.extend(rated_undelivered(r, &injects));
        let name = match &objective.id {
            Some(id) => format!("{id}: {}", objective.text.trim()),
            None => objective.text.trim().to_string(),
        };
        table.push(vec![
            plain(name),
            objective
                .capability
                .clone()
                .map_or_else(|| vec![Span::Alert("none given".into())], plain),
            if injects.is_empty() {
                plain("—")
            } else {
                plain(injects.join(", "))
            },
            rating,
        ]);
    }
    section(
        "objectives",
        "Objectives and ratings",
        vec![
            Block::Paragraph(plain(
                "What the exercise set out to test, with the core capability each exercises. An objective's rating is the worst HSEEP rating the facilitator gave to the delivered injects that test it (a rating of an inject never delivered is no performance result and is left out); the evaluations of each inject, the deadlines and the findings below are the evidence.",
            )),
            Block::Table(table),
        ],
    )
}
