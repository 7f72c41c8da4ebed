//! The exercise after-action report (`--format aar` and `aar-html`): proof
//! for an auditor that a response plan was tested, and the team's own list
//! of what to improve.
//!
//! It is built on the incident report's `View` and [`Document`], so the
//! Markdown and HTML say the same thing and look like the other exports,
//! but it answers an exercise's questions: which scenario was exercised
//! (pinned by the SHA-256 recorded when the drill journal was created),
//! when, by whom, how each inject was handled against what was expected,
//! which deadlines were met on scenario time, and what will be improved, by
//! whom and by when.
//!
//! Scenario time: during a drill the app's "now" is the scenario instant
//! (journal creation + `scenario_ms`), so facts and submissions are
//! recorded on it. Deadline clocks are therefore evaluated at the scenario
//! instant of the last entry: evaluating them at wall time would compare
//! scenario deadlines with an afternoon's clock and mean nothing. Entry
//! times are shown both ways, `T+hh:mm` and wall time.
//!
//! Like every export this is a pure function of its input: the same
//! journal and scenario always give the same bytes. Only exercise journals
//! have an after-action report; [`Exercise::new`] refuses the others.

mod deadlines;
mod exercise;
mod findings;
mod injects;
mod people;
mod rich;
mod scenario;
mod timeline;

use chrono::{DateTime, Utc};

use super::ExportFormat;
use super::content::{integrity, none, nonempty};
use super::document::{Block, Document, Section, Span, Text, Tone, plain};
use super::view::View;
use super::{Input, html, markdown, when};
use crate::journal::Entry;
use crate::journal::event::DrillRef;
use crate::journal::verify::Verified;
use crate::playbook::{Drill, Playbook};
use crate::run::{RunState, Stamp};
use scenario::ScenarioTime;

/// The two renderings of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
}

impl Format {
    pub const ALL: [Self; 2] = [Self::Markdown, Self::Html];

    /// The format for a `--format` value; `None` for the incident exports,
    /// which [`super::Format`] covers.
    pub const fn from_cli(format: ExportFormat) -> Option<Self> {
        match format {
            ExportFormat::Aar => Some(Self::Markdown),
            ExportFormat::AarHtml => Some(Self::Html),
            ExportFormat::Md
            | ExportFormat::Html
            | ExportFormat::Csv
            | ExportFormat::Json
            | ExportFormat::Timesketch
            | ExportFormat::CacaoStatus
            | ExportFormat::CustodyCsv => None,
        }
    }

    /// The usual file extension.
    pub const fn extension(self) -> &'static str {
        match self {
            Self::Markdown => "md",
            Self::Html => "html",
        }
    }
}

/// Asked for the after-action report of a journal that records a real
/// incident: its report is `--format md`, which never calls it a drill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAnExercise;

impl std::fmt::Display for NotAnExercise {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(
            "this journal is a real incident, not a drill; use --format md or --format html",
        )
    }
}

impl std::error::Error for NotAnExercise {}

/// Everything the report is computed from; only an exercise journal makes one.
#[derive(Debug, Clone, Copy)]
pub struct Exercise<'a> {
    /// The incident export's input, with `now` at the scenario instant of
    /// the last entry.
    input: Input<'a>,
    /// The scenario the journal ran, when it could be found.
    drill: Option<&'a Drill>,
}

impl<'a> Exercise<'a> {
    /// The report's input; `state` is `verified` replayed against
    /// `playbook`. `drill` is the scenario found for the drill id recorded
    /// in the journal; one with another id is ignored, so the report never
    /// pairs a journal with the wrong scenario.
    pub fn new(
        verified: &'a Verified,
        playbook: &'a Playbook,
        state: &'a RunState,
        drill: Option<&'a Drill>,
    ) -> Result<Self, NotAnExercise> {
        if !state.is_exercise() {
            return Err(NotAnExercise);
        }
        let recorded = state.created.as_ref().and_then(|c| c.drill.as_ref());
        let drill = drill.filter(|d| recorded.is_some_and(|r| r.id == d.id));
        // T+0 for a journal with no entry, as for an `--exercise` one with
        // no scenario (whose entries are all at T+0 on a clock never started).
        let now = crate::drill::clocks_now(state, ScenarioTime::new(state).origin);
        Ok(Self {
            input: Input {
                verified,
                playbook,
                state,
                now,
                drafts: None,
                case: false,
                proof_problems: &[],
            },
            drill,
        })
    }

    /// The report with the draft files read beside the journal: their
    /// problems are a verification failure, named as the incident report
    /// names them (banner, Verification section), so that the two reports
    /// of one journal never disagree on whether it verifies.
    #[must_use]
    pub const fn with_drafts(mut self, drafts: &'a crate::export::drafts::DraftTexts) -> Self {
        self.input.drafts = Some(drafts);
        self
    }

    /// The scenario instant deadline clocks are evaluated at.
    pub const fn now(&self) -> DateTime<Utc> {
        self.input.now
    }
}

/// Renders the report.
pub fn render(format: Format, exercise: &Exercise<'_>) -> String {
    let view = View::new(&exercise.input);
    let doc = document(&Report::new(&view, exercise.drill));
    match format {
        Format::Markdown => markdown::render(&doc),
        Format::Html => html::render(&doc),
    }
}

/// What every section reads: the view, the scenario and its clock.
#[derive(Debug)]
struct Report<'r> {
    view: &'r View<'r>,
    drill: Option<&'r Drill>,
    time: ScenarioTime<'r>,
}

impl<'r> Report<'r> {
    fn new(view: &'r View<'r>, drill: Option<&'r Drill>) -> Self {
        Self {
            view,
            drill,
            time: ScenarioTime::new(view.input.state),
        }
    }

    fn state(&self) -> &'r RunState {
        self.view.input.state
    }

    /// The drill reference recorded when the journal was created.
    fn recorded(&self) -> Option<&'r DrillRef> {
        self.state().created.as_ref().and_then(|c| c.drill.as_ref())
    }

    /// `T+00:12`: scenario time of an entry.
    fn scenario(&self, stamp: &Stamp) -> String {
        scenario::label(self.time.of_stamp(stamp))
    }

    /// `T+00:12 · wall 2026-11-02 09:22 CET (08:22 UTC)`: when an entry
    /// was written, on both clocks.
    fn when(&self, stamp: &Stamp) -> Text {
        self.when_at(self.time.of_stamp(stamp), stamp.ts)
    }

    fn when_entry(&self, entry: &Entry) -> Text {
        self.when_at(self.time.of_entry(entry), entry.ts)
    }

    fn when_at(&self, scenario_ms: u64, ts: DateTime<Utc>) -> Text {
        plain(format!(
            "{} · wall {}",
            scenario::label(scenario_ms),
            when::both(ts, self.view.tz)
        ))
    }

    /// `T+24:05 · scenario date 2026-11-03 09:05 CET (08:05 UTC)`: an
    /// instant on the scenario clock, such as a deadline.
    fn instant(&self, t: DateTime<Utc>) -> Text {
        plain(format!(
            "{} · scenario date {}",
            self.time.offset(t),
            when::both(t, self.view.tz)
        ))
    }

    /// Why the scenario's side of the report is missing, if it is.
    fn missing_scenario(&self) -> Option<String> {
        if self.drill.is_some() {
            return None;
        }
        Some(match self.recorded() {
            Some(r) => format!(
                "SCENARIO DEFINITION MISSING: drill scenario `{}` (recorded as `{}`) could not be found, neither at that path nor among the bundled and local scenarios. Objectives, planned triggers and expected responses are therefore missing; everything else is reported from the journal alone.",
                r.id, r.path
            ),
            None => "SCENARIO DEFINITION MISSING: this exercise journal names no drill scenario (it was started with --exercise rather than from a scenario), so there are no objectives, planned triggers or expected responses; everything else is reported from the journal alone.".into(),
        })
    }

    /// Set when the scenario found is not byte for byte the one the drill ran.
    fn changed_scenario(&self) -> Option<(&'r str, &'r str)> {
        let (drill, recorded) = (self.drill?, self.recorded()?);
        (drill.sha256 != recorded.sha256).then_some((&recorded.sha256, &drill.sha256))
    }
}

fn document(r: &Report<'_>) -> Document {
    let view = r.view;
    let name = r.drill.map_or_else(
        || nonempty(view.input.state.title(), &view.input.playbook.title),
        |d| d.title.as_str(),
    );
    let sections: Vec<Section> = vec![
        exercise::what(r),
        exercise::when(r),
        exercise::objectives(r),
        people::participants(r),
        injects::injects(r),
        deadlines::deadlines(r),
        findings::strengths(r),
        findings::improvements(r),
        findings::plan(r),
        timeline::timeline(r),
        integrity::recoveries(view),
        integrity::warnings(view),
        integrity::verification(view),
    ];
    Document {
        title: format!("EXERCISE — After-action report: {name}"),
        exercise: true,
        preamble: preamble(r),
        sections,
        closing: integrity::closing(view),
    }
}

/// Banners, then how to read the times.
fn preamble(r: &Report<'_>) -> Vec<Block> {
    let view = r.view;
    let mut blocks = vec![Block::Banner(
        Tone::Exercise,
        plain(integrity::EXERCISE_BANNER),
    )];
    if let Some(problem) = integrity::problem(view) {
        blocks.push(Block::Banner(Tone::Alert, problem));
    }
    blocks.extend(integrity::draft_banner(view));
    if let Some(missing) = r.missing_scenario() {
        blocks.push(Block::Banner(
            Tone::Alert,
            super::document::message(&missing),
        ));
    }
    if let Some((recorded, found)) = r.changed_scenario() {
        blocks.push(Block::Banner(
            Tone::Alert,
            vec![
                Span::Plain("SCENARIO CHANGED: the scenario file found now (SHA-256 ".into()),
                Span::Code(found.to_string()),
                Span::Plain(") is not the one this drill ran (SHA-256 ".into()),
                Span::Code(recorded.to_string()),
                Span::Plain(
                    "). Objectives and expected responses below are taken from the file found now."
                        .into(),
                ),
            ],
        ));
    }
    let now_ms = r.time.ms_of(view.input.now);
    blocks.push(Block::Paragraph(plain(format!(
        "Produced by runsheet from exercise journal {} ({} verified entries). Every time is given twice: on the scenario clock as T+hh:mm, counted from T+00:00 = {}, when the drill journal was created, and as wall time in the exercise time zone ({}) with UTC beside it. \
         Facts, submissions and deadlines in a drill are scenario instants, shown as T+hh:mm with the scenario date they stand for. \
         Deadline clocks run on scenario time and are evaluated at the scenario time of the last entry, {}. \
         Entries that carry no scenario time (a session's start, written before the drill view opens, and evidence and checkpoint entries) are placed on the scenario clock rebuilt from the drill controls.",
        integrity::journal_id(view),
        view.input.verified.lines.len(),
        when::both(r.time.origin, view.tz),
        view.tz.name(),
        scenario::label(now_ms),
    ))));
    blocks
}

/// A section that needs the scenario definition, when it is missing.
fn needs_scenario(id: &'static str, title: &str, what: &str) -> Section {
    super::content::section(
        id,
        title,
        vec![none(&format!(
            "The scenario definition is missing, so {what} cannot be shown."
        ))],
    )
}
