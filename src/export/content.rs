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

use super::document::{Block, Document, Section, Span, Text, plain};
use super::metrics;
use super::view::View;
use super::when;
use crate::clocks;

/// Builds the report.
pub fn after_action(view: &View<'_>) -> Document {
    let input = view.input;
    let stages = clocks::evaluate(input.playbook, input.state, input.now);
    let spans = metrics::phase_spans(view);
    let exercise = view.is_exercise();
    let title = format!(
        "{}After-action report: {}",
        if exercise { "EXERCISE — " } else { "" },
        nonempty(input.state.title(), &input.playbook.title)
    );
    let mut sections = vec![
        overview::summary(view),
        overview::key_times(view, &spans),
        overview::phases(view, &spans, &stages),
        overview::deadlines(view, &stages),
        record::decisions(view),
        record::facts(view),
        record::roles(view),
        record::steps(view),
        record::communications(view),
        record::notes(view),
        record::corrections(view),
        timeline::timeline(view),
        integrity::recoveries(view),
        integrity::warnings(view),
        integrity::verification(view),
        overview::references(view),
    ];
    if let Some(register) = evidence::register(view) {
        // Before the verification sections, after the timeline.
        let at = sections.len() - 4;
        sections.insert(at, register);
    }
    Document {
        title,
        exercise,
        preamble: integrity::preamble(view),
        sections,
        closing: integrity::closing(view),
    }
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
    plain(when::both(t, view.tz))
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
