//! Every verified entry in time order, on the scenario clock and in wall
//! time, with the break (if any) marked where verification stopped.

use super::{Report, scenario};
use crate::export::content::timeline::end_row;
use crate::export::content::{section, seq};
use crate::export::document::{Block, Section, Table, code, plain};
use crate::export::when;

pub fn timeline(r: &Report<'_>) -> Section {
    let view = r.view;
    let mut table = Table::new([
        "#",
        "Scenario time",
        "Wall time (UTC)",
        "",
        "Actor",
        "Kind",
        "Details",
    ]);
    table.head[3] = format!("Local ({})", view.tz.name());
    for line in &view.timeline {
        let e = &line.entry;
        table.push(vec![
            seq(e.seq),
            plain(scenario::label(r.time.of_entry(e))),
            plain(when::utc(e.ts)),
            plain(when::local(e.ts, view.tz)),
            plain(e.actor.clone()),
            code(e.kind.as_str()),
            plain(view.sentence(e)),
        ]);
    }
    if let Some(cells) = end_row(view, table.head.len()) {
        table.push_alert(cells);
    }
    section(
        "timeline",
        "Timeline of injects and responses",
        vec![
            Block::Paragraph(plain(
                "Every verified entry, including the facilitator's, ordered by the wall time it was recorded (ties by entry number).",
            )),
            Block::Table(table),
        ],
    )
}
