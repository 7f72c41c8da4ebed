//! The evidence register and each item's chain of custody, when the
//! journal has one.

use super::section;
use crate::evidence::{self, Registered};
use crate::export::document::{Block, Section, Span, Table, plain};
use crate::export::view::View;

/// The section, or `None` when no evidence was recorded (reports of
/// journals without evidence stay as they were).
pub fn register(view: &View<'_>) -> Option<Section> {
    let items = evidence::register(&view.input.verified.lines);
    if items.is_empty() {
        return None;
    }
    let mut table = Table::new(["Item", "Name", "SHA-256", "Bytes", "Source", "Custody"]);
    for r in &items {
        table.push(vec![
            plain(r.item.id.clone()),
            vec![Span::Code(r.item.rel.clone())],
            vec![Span::Code(r.item.sha256.clone())],
            plain(r.item.size.to_string()),
            plain(r.source.clone()),
            plain(custody(r)),
        ]);
    }
    Some(section(
        "evidence",
        "Evidence and chain of custody",
        vec![
            Block::Paragraph(plain(
                "What was collected, its SHA-256 when recorded, and who has held it since (entry numbers in brackets). `runsheet evidence check` hashes the items again.",
            )),
            Block::Table(table),
        ],
    ))
}

/// `collected by A at T [#n]; → B at T: reason [#m]`.
fn custody(r: &Registered) -> String {
    r.custody
        .iter()
        .map(|c| match &c.from {
            None => format!("collected by {} at {} [#{}]", c.to, c.at, c.seq),
            Some(from) => format!("{from} → {} at {}: {} [#{}]", c.to, c.at, c.reason, c.seq),
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The register for the JSON export: items with their custody.
pub fn json(view: &View<'_>) -> Option<serde_json::Value> {
    let items = evidence::register(&view.input.verified.lines);
    if items.is_empty() {
        return None;
    }
    Some(serde_json::Value::Array(
        items
            .iter()
            .map(|r| {
                serde_json::json!({
                    "id": r.item.id,
                    "path": r.item.path,
                    "rel": r.item.rel,
                    "size": r.item.size,
                    "sha256": r.item.sha256,
                    "modified": r.item.modified,
                    "label": r.label,
                    "source": r.source,
                    "step": r.step,
                    "custody": r.custody.iter().map(|c| serde_json::json!({
                        "entry": c.seq,
                        "at": c.at,
                        "from": c.from,
                        "to": c.to,
                        "recorded_by": c.by,
                        "reason": c.reason,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    ))
}
