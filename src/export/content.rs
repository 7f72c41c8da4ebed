//! The after-action report's content, as a [`Document`] that Markdown and
//! HTML render alike. Sections answer, in order: what happened and how
//! long it took, whether deadlines were met, who decided what and why, the
//! full timeline, and whether the record can be trusted.

pub(super) mod evidence;
pub(super) mod integrity;
pub(super) mod overview;
mod record;
pub(super) mod sent;
pub(super) mod timeline;

use super::document::{Block, Document, Row, Section, Span, Text, plain};
use super::metrics;
use super::stamp;
use super::view::View;
use crate::clocks;

/// Builds the report.
pub fn after_action(view: &View<'_>) -> Document {
    let mut sections = Vec::new();
    let head = outline(view, |part| sections.push(part.whole(view)));
    Document { sections, ..head }
}

/// A section whose last block is a table made one row at a time, so that a
/// streamed report never holds all its rows.
pub struct Lazy<'v> {
    /// The section, its last block the table without rows.
    pub section: Section,
    pub len: usize,
    /// The cells of row `i`.
    pub row: Box<dyn Fn(usize) -> Vec<Text> + Sync + 'v>,
}

/// One section of the report, as built before rendering.
pub enum Part<'v> {
    Whole(Section),
    Rows(Lazy<'v>),
    /// The timeline, its last block the table without rows: one row per
    /// verified entry in time order ([`timeline::cells`]), then the break
    /// ([`timeline::end_row`]).
    Timeline(Section),
}

impl Part<'_> {
    /// The section with every row in it.
    pub fn whole(self, view: &View<'_>) -> Section {
        let (mut section, rows): (Section, Box<dyn Iterator<Item = Row>>) = match self {
            Self::Whole(section) => return section,
            Self::Rows(lazy) => {
                let rows = (0..lazy.len).map(move |i| Row {
                    cells: (lazy.row)(i),
                    alert: false,
                });
                (lazy.section, Box::new(rows))
            }
            Self::Timeline(section) => {
                let rows = view
                    .timeline
                    .iter()
                    .map(|l| Row {
                        cells: timeline::cells(view, &l.entry),
                        alert: false,
                    })
                    .chain(
                        timeline::end_row(view, timeline::WIDTH)
                            .map(|cells| Row { cells, alert: true }),
                    );
                (section, Box::new(rows))
            }
        };
        if let Some(Block::Table(table)) = section.blocks.last_mut() {
            table.rows.extend(rows);
        }
        section
    }

    /// The section as built (for a lazy one, without its rows).
    pub fn section(&self) -> &Section {
        match self {
            Self::Whole(section) | Self::Timeline(section) => section,
            Self::Rows(lazy) => &lazy.section,
        }
    }
}

/// The report without its sections, which go to `each` in order, as they
/// are built.
pub fn outline<'v>(view: &'v View<'v>, mut each: impl FnMut(Part<'v>)) -> Document {
    let input = view.input;
    let stages = clocks::evaluate(input.playbook, input.state, input.now);
    let spans = metrics::phase_spans(view);
    let exercise = view.is_exercise();
    let title = format!(
        "{}After-action report: {}",
        if exercise { "EXERCISE — " } else { "" },
        nonempty(input.state.title(), &input.playbook.title)
    );
    let head = Document {
        title,
        exercise,
        preamble: integrity::preamble(view),
        sections: Vec::new(),
        closing: integrity::closing(view),
    };
    each(Part::Whole(overview::summary(view)));
    each(Part::Whole(overview::key_times(view, &spans)));
    each(Part::Whole(overview::phases(view, &spans, &stages)));
    each(Part::Whole(overview::deadlines(view, &stages)));
    each(Part::Whole(record::decisions(view)));
    each(record::facts(view));
    each(Part::Whole(record::roles(view)));
    each(Part::Whole(record::steps(view)));
    each(Part::Whole(record::communications(view)));
    each(record::notes(view));
    each(Part::Whole(record::corrections(view)));
    each(Part::Timeline(timeline::timeline(view)));
    // After the timeline, before the verification sections.
    if let Some(register) = evidence::register(view) {
        each(Part::Whole(register));
    }
    each(Part::Whole(integrity::recoveries(view)));
    each(Part::Whole(integrity::warnings(view)));
    each(Part::Whole(integrity::verification(view)));
    each(Part::Whole(overview::references(view)));
    head
}

/// The review screen's metrics: the report's opening sections only.
pub fn metrics(view: &View<'_>) -> Document {
    let full = after_action(view);
    let keep = [
        "summary",
        "key-times",
        "phases",
        "deadlines",
        "decisions",
        "steps",
    ];
    Document {
        sections: full
            .sections
            .into_iter()
            .filter(|s| {
                keep.contains(&s.id)
                    || (s.id == "warnings" && !view.input.state.warnings.is_empty())
            })
            .collect(),
        ..full
    }
}

pub(super) fn section(id: &'static str, title: &str, blocks: Vec<Block>) -> Section {
    Section {
        id,
        title: title.to_string(),
        blocks,
    }
}

pub(super) fn nonempty<'a>(text: &'a str, fallback: &'a str) -> &'a str {
    if text.trim().is_empty() {
        fallback
    } else {
        text
    }
}

/// `2026-11-02 09:00 CET (08:00 UTC)` as text.
pub(super) fn at(view: &View<'_>, t: chrono::DateTime<chrono::Utc>) -> Text {
    plain(stamp::both(t, view.tz))
}

/// `#12`: an entry's `seq`, the key into the timeline.
pub(super) fn seq(n: u64) -> Text {
    plain(format!("#{n}"))
}

/// A paragraph saying a section has nothing, so silence is never ambiguous.
pub(super) fn none(what: &str) -> Block {
    Block::Paragraph(vec![Span::Plain(what.to_string())])
}

/// A step's title, or a dash for entries about no step.
fn step_cell(view: &View<'_>, step: Option<&str>) -> Text {
    step.map_or_else(|| plain("—"), |s| plain(view.step_title(s)))
}
