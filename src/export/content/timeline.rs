//! Every verified entry in time order, in words, with the break (if any)
//! marked where verification stopped.

use super::{section, seq, step_cell};
use crate::export::document::{Block, Section, Table, alert, code, message, plain};
use crate::export::view::View;
use crate::export::when;

pub fn timeline(view: &View<'_>) -> Section {
    let local = format!("Local ({})", view.tz.name());
    let mut table = Table::new(["#", "Time (UTC)", "", "Actor", "Kind", "Step", "Details"]);
    table.head[2] = local;
    for line in &view.timeline {
        let e = &line.entry;
        table.push(vec![
            seq(e.seq),
            plain(when::utc(e.ts)),
            plain(when::local(e.ts, view.tz)),
            plain(e.actor.clone()),
            code(e.kind.as_str()),
            step_cell(view, e.step.as_deref()),
            plain(view.sentence(e)),
        ]);
    }
    let verified = view.input.verified;
    if let Some(b) = &verified.broken {
        table.push_alert(vec![
            plain(format!("line {}", b.line)),
            alert("✗ BROKEN"),
            plain("—"),
            plain("—"),
            plain("—"),
            plain("—"),
            message(&format!(
                "Verification stops here: {}. Entries from this line on are not trusted and are not shown.",
                b.reason
            )),
        ]);
    } else if verified.torn_tail > 0 {
        table.push_alert(vec![
            plain("end"),
            alert("✗ INCOMPLETE"),
            plain("—"),
            plain("—"),
            plain("—"),
            plain("—"),
            plain(format!(
                "The file ends with {} bytes of an interrupted write, not shown.",
                verified.torn_tail
            )),
        ]);
    }
    section(
        "timeline",
        "Timeline",
        vec![
            Block::Paragraph(plain(format!(
                "Every verified entry, ordered by the time it was recorded (ties by entry number), in UTC and in the incident time zone ({}).",
                view.tz.name()
            ))),
            Block::Table(table),
        ],
    )
}
