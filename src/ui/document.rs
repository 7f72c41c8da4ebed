//! The report document model (shared with the Markdown and HTML exports)
//! drawn as terminal lines, so the review's metrics say exactly what the
//! after-action report says.

use ratatui::text::{Line, Span};

use super::theme::Theme;
use crate::export::document::{Block, Document, Span as DocSpan, Text, Tone};

fn spans(text: &Text, t: &Theme) -> Vec<Span<'static>> {
    text.iter()
        .map(|s| match s {
            DocSpan::Plain(p) => Span::raw(p.clone()),
            DocSpan::Strong(p) => Span::styled(p.clone(), t.title),
            DocSpan::Code(p) => Span::styled(p.clone(), t.code),
            DocSpan::Alert(p) => Span::styled(p.clone(), t.danger),
            DocSpan::Good(p) => Span::styled(p.clone(), t.ok),
            DocSpan::Link { text, url } => Span::raw(format!("{text} ({url})")),
        })
        .collect()
}

/// Every section as lines; tables become `a · b · c` rows.
pub fn lines(doc: &Document, t: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for section in &doc.sections {
        out.push(Line::from(Span::styled(
            format!(" {}", section.title),
            t.title,
        )));
        for block in &section.blocks {
            match block {
                Block::Banner(tone, text) => {
                    let style = if *tone == Tone::Exercise {
                        t.exercise
                    } else {
                        t.danger
                    };
                    let mut line = vec![Span::styled("  ", style)];
                    line.extend(spans(text, t).into_iter().map(|s| s.patch_style(style)));
                    out.push(Line::from(line));
                }
                Block::Subheading(h) => {
                    out.push(Line::from(Span::styled(format!("  {h}"), t.title)));
                }
                Block::Paragraph(text) => {
                    let mut line = vec![Span::raw("  ")];
                    line.extend(spans(text, t));
                    out.push(Line::from(line));
                }
                Block::Fields(fields) => {
                    for (label, value) in fields {
                        let mut line = vec![Span::styled(format!("  {label}: "), t.dim)];
                        line.extend(spans(value, t));
                        out.push(Line::from(line));
                    }
                }
                Block::List(items) => {
                    for item in items {
                        let mut line = vec![Span::styled("  • ", t.dim)];
                        line.extend(spans(item, t));
                        out.push(Line::from(line));
                    }
                }
                Block::Table(table) => {
                    out.push(Line::from(Span::styled(
                        format!("  {}", table.head.join(" · ")),
                        t.dim,
                    )));
                    for row in &table.rows {
                        let mut line = vec![Span::styled(
                            if row.alert { "  ✗ " } else { "  " },
                            t.danger,
                        )];
                        for (i, cell) in row.cells.iter().enumerate() {
                            if i > 0 {
                                line.push(Span::styled(" · ", t.dim));
                            }
                            line.extend(spans(cell, t));
                        }
                        out.push(Line::from(line));
                    }
                }
                Block::Verbatim(text) => {
                    for line in text.lines() {
                        out.push(Line::from(format!(
                            "  │ {}",
                            crate::printable::printable(line)
                        )));
                    }
                }
                Block::Chart(_) => {}
            }
        }
        out.push(Line::default());
    }
    out
}
