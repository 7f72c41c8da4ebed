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
    head(view)
}

/// The review screen's metrics: the report's opening sections, in the
/// report's order, and its warnings when there are any. Only these are
/// built: the others (the timeline alone is a row per entry) would be
/// made for nothing.
pub fn metrics(view: &View<'_>) -> Document {
    let input = view.input;
    let stages = clocks::evaluate(input.playbook, input.state, input.now);
    let spans = metrics::phase_spans(view);
    let mut sections = vec![
        overview::summary(view),
        overview::key_times(view, &spans),
        overview::phases(view, &spans, &stages),
        overview::deadlines(view, &stages),
        record::decisions(view),
        record::steps(view),
    ];
    if !input.state.warnings.is_empty() {
        sections.push(integrity::warnings(view));
    }
    Document {
        sections,
        ..head(view)
    }
}

/// The report's title, preamble and closing, without its sections.
fn head(view: &View<'_>) -> Document {
    let input = view.input;
    let exercise = view.is_exercise();
    let title = format!(
        "{}After-action report: {}",
        if exercise { "EXERCISE — " } else { "" },
        nonempty(input.state.title(), &input.playbook.title)
    );
    Document {
        title,
        exercise,
        preamble: integrity::preamble(view),
        sections: Vec::new(),
        closing: integrity::closing(view),
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

/// [`at`] for a time on the journal's own clock (a fact's value, when a
/// message was sent, a phase's start and close): in a drill a scenario
/// instant, which says so (`scenario date 2026-11-03 09:05 CET (08:05
/// UTC)`), since the recorded times beside it are wall times.
pub(super) fn on_journal_clock(view: &View<'_>, t: chrono::DateTime<chrono::Utc>) -> Text {
    let text = stamp::both(t, view.tz);
    if crate::drill::runs_on_scenario_time(view.input.state) {
        plain(format!("scenario date {text}"))
    } else {
        plain(text)
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::commands::{Env, open};
    use crate::export::Input;
    use crate::journal::Event;
    use crate::journal::event::{Note, Payload};

    /// The review's metrics are the report's opening sections, word for
    /// word, and its warnings when there are some: built alone, not cut
    /// out of the whole report.
    #[test]
    fn metrics_are_the_reports_opening_sections_built_alone() {
        let env = Env::fixed();
        let catalog = Catalog::bundled(env.today);
        let dir = tempfile::tempdir().expect("temp dir");
        let (resolved, mut file, who, path) =
            open::test_journal(dir.path(), &env, &catalog, "metrics");
        let clock = env.clock.as_ref();
        let first = resolved.playbook.steps().next().map(|s| s.id.clone());
        for (step, text) in [
            (first.clone(), "Isolated the file server"),
            (
                Some("no-such-step".to_string()),
                "A step the playbook lacks",
            ),
            (None, "Bridge call started"),
        ] {
            let mut event = Event::new(Payload::Note(Note { text: text.into() }));
            event.step = step;
            file.append(who.draft(clock, event)).expect("append");
        }
        let verified = open::read_journal(&path).expect("read");
        let playbook = &resolved.playbook;
        let state = crate::run::replay(playbook, verified.lines.iter().map(|l| &l.entry));
        assert!(!state.warnings.is_empty(), "the unknown step warns");
        let input = Input::new(&verified, playbook, &state);
        let view = View::new(&input);
        let whole = after_action(&view);
        let opening = [
            "summary",
            "key-times",
            "phases",
            "deadlines",
            "decisions",
            "steps",
            "warnings",
        ];
        let shown = metrics(&view);
        assert_eq!(
            shown.sections,
            whole
                .sections
                .iter()
                .filter(|s| opening.contains(&s.id))
                .cloned()
                .collect::<Vec<_>>()
        );
        assert_eq!(
            (shown.title, shown.exercise, shown.preamble, shown.closing),
            (whole.title, whole.exercise, whole.preamble, whole.closing)
        );
    }
}
