//! Deadlines met or missed on scenario time: the playbook's clocks,
//! evaluated at the scenario instant of the last entry.

use super::Report;
use crate::clocks::{self, StageState};
use crate::export::content::overview::{clock_source, outcome, stage_name};
use crate::export::content::{none, section};
use crate::export::document::{Block, Section, Span, Table, Text, plain};
use crate::export::when;

pub fn deadlines(r: &Report<'_>) -> Section {
    let view = r.view;
    let input = view.input;
    let stages = clocks::evaluate(input.playbook, input.state, input.now);
    let mut intro = vec![
        Span::Strong("Not legal advice.".into()),
        Span::Plain(" In a drill, deadlines run on scenario time: facts and submissions were recorded as scenario instants, and every clock is evaluated at the scenario time of the last entry, ".into()),
    ];
    intro.extend(r.instant(input.now));
    intro.push(Span::Plain(
        ". \"At the last entry\" below means that moment. Check each clock against its source."
            .into(),
    ));
    let mut blocks = vec![Block::Paragraph(intro)];
    if stages.is_empty() {
        blocks.push(none("The playbook defines no deadline clocks."));
        return section("deadlines", "Deadlines on scenario time", blocks);
    }
    let (mut met, mut missed, mut running, mut other) = (0, 0, 0, 0);
    for s in &stages {
        match s.state {
            StageState::Met { .. } => met += 1,
            StageState::Breached { .. } => missed += 1,
            StageState::Running { .. } | StageState::Elapsing { .. } => running += 1,
            _ => other += 1,
        }
    }
    blocks.push(Block::Paragraph(plain(format!(
        "{met} met, {missed} missed (breached or submitted late), {running} still running when the exercise ended, {other} not started or not applicable."
    ))));
    let mut table = Table::new(["Clock stage", "Outcome", "Trigger", "Due", "Submitted"]);
    for s in &stages {
        let submitted = match &s.state {
            StageState::Met { at: t, .. }
            | StageState::Breached {
                submitted: Some(t), ..
            } => submitted(r, &s.clock.id, &s.stage.id, *t),
            _ => plain("—"),
        };
        table.push(vec![
            stage_name(s),
            outcome(s),
            s.started.map_or_else(|| plain("—"), |t| r.instant(t)),
            s.due.map_or_else(
                || plain(s.stage.soft.clone().unwrap_or_else(|| "—".into())),
                |t| r.instant(t),
            ),
            submitted,
        ]);
    }
    blocks.push(Block::Table(table));
    blocks.push(Block::Subheading("Sources".into()));
    blocks.push(Block::List(
        input.playbook.clocks.iter().map(clock_source).collect(),
    ));
    section("deadlines", "Deadlines on scenario time", blocks)
}

/// When a stage was submitted on the scenario clock, and the entry that
/// recorded it in wall time.
fn submitted(
    r: &Report<'_>,
    clock: &str,
    stage: &str,
    sent: chrono::DateTime<chrono::Utc>,
) -> Text {
    let mut text = r.instant(sent);
    if let Some(s) = r
        .state()
        .submissions_for(clock, stage)
        .find(|s| s.data.sent_at == sent)
    {
        text.push(Span::Plain(format!(
            "; recorded in entry #{} by {} at wall {}",
            s.at.seq,
            s.at.actor,
            when::both(s.at.ts, r.view.tz)
        )));
    }
    text
}
