//! Every verified entry in time order, in words, with the break (if any)
//! marked where verification stopped.

use super::{section, seq, step_cell};
use crate::export::document::{Block, Section, Table, Text, alert, code, message, plain};
use crate::export::recorded::Recorded;
use crate::export::stamp;
use crate::export::view::View;

/// Columns of the timeline.
pub const WIDTH: usize = 7;

/// The section, its table without rows (see [`super::Part::Timeline`]).
pub fn timeline(view: &View<'_>) -> Section {
    let local = format!("Local ({})", view.tz.name());
    let mut table = Table::new(["#", "Time (UTC)", "", "Actor", "Kind", "Step", "Details"]);
    table.head[2] = local;
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

/// The row of one entry.
pub fn cells(view: &View<'_>, e: &impl Recorded) -> Vec<Text> {
    vec![
        seq(e.seq()),
        plain(stamp::utc(e.ts())),
        plain(stamp::local(e.ts(), view.tz)),
        plain(e.actor().to_string()),
        code(e.kind().as_str()),
        step_cell(view, e.step()),
        plain(view.sentence(e)),
    ]
}

/// The last row of a timeline `width` columns wide when the journal does
/// not fully verify: where verification stopped and why, so a reader of
/// any timeline sees the break in place rather than a shorter list.
pub(in crate::export) fn end_row(view: &View<'_>, width: usize) -> Option<Vec<Text>> {
    let verified = view.input.verified;
    let (label, marker, details) = if let Some(b) = &verified.broken {
        (
            format!("line {}", b.line),
            "✗ BROKEN",
            message(&format!(
                "Verification stops here: {}. Entries from this line on are not trusted and are not shown.",
                b.reason
            )),
        )
    } else if verified.torn_tail > 0 {
        (
            "end".to_string(),
            "✗ INCOMPLETE",
            plain(format!(
                "The file ends with {} bytes of an interrupted write, not shown.",
                verified.torn_tail
            )),
        )
    } else {
        return None;
    };
    let mut cells = vec![plain(label), alert(marker)];
    cells.extend(std::iter::repeat_with(|| plain("—")).take(width.saturating_sub(3)));
    cells.push(details);
    Some(cells)
}
