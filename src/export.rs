//! Exports of a journal for people who were not there: after-action
//! reviewers, auditors, regulators and lawyers.
//!
//! Every export is a pure function of the verified lines, the playbook, the
//! replayed state and one instant, `now`, at which deadline clocks are
//! evaluated. `now` is the time of the last verified entry, never the wall
//! clock, so the same journal always gives byte-identical output. Entries
//! are ordered by recorded time, ties by `seq`, and every time says its zone.
//!
//! A broken journal still exports: the verified prefix is reported and the
//! break is stated where it happened. An exercise journal is marked EXERCISE
//! throughout (title, top and bottom banners and section headings in
//! reports; every row in `csv`; every line in `timesketch`).
//!
//! | format | what it is |
//! |---|---|
//! | `md` | after-action report in Markdown |
//! | `html` | the same report as one self-contained page, with an SVG timeline |
//! | `csv` | one RFC 4180 row per entry |
//! | `json` | the entries as stored plus the derived state |
//! | `timesketch` | JSON Lines for Timesketch |
//! | `cacao-status` | step execution statuses, SOARCA reporter shape (see [`crate::interop::cacao::status`]) |
//! | `aar`, `aar-html` | exercise after-action report (see [`aar`]) |

pub mod aar;
mod chart;
mod content;
pub(crate) mod csv;
mod describe;
pub mod document;
pub mod drafts;
mod escape;
mod format;
mod html;
mod json;
mod markdown;
mod metrics;
pub mod recorded;
pub mod report;
mod stamp;
pub mod stream;
pub mod summary;
mod svg;
pub(crate) mod timesketch;
pub(crate) mod view;

pub use view::Counts;
mod when;

use chrono::{DateTime, Utc};

pub use self::format::ExportFormat;
use crate::journal::verify::Verified;
use crate::playbook::Playbook;
use crate::run::RunState;

/// The export formats this module writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Html,
    Csv,
    Json,
    Timesketch,
    CacaoStatus,
}

impl Format {
    pub const ALL: [Self; 6] = [
        Self::Markdown,
        Self::Html,
        Self::Csv,
        Self::Json,
        Self::Timesketch,
        Self::CacaoStatus,
    ];

    /// The format for a `--format` value; `None` for the exercise
    /// after-action formats, which [`aar::Format`] covers.
    pub const fn from_cli(format: ExportFormat) -> Option<Self> {
        match format {
            ExportFormat::Md => Some(Self::Markdown),
            ExportFormat::Html => Some(Self::Html),
            ExportFormat::Csv => Some(Self::Csv),
            ExportFormat::Json => Some(Self::Json),
            ExportFormat::Timesketch => Some(Self::Timesketch),
            ExportFormat::CacaoStatus => Some(Self::CacaoStatus),
            ExportFormat::Aar | ExportFormat::AarHtml | ExportFormat::CustodyCsv => None,
        }
    }

    /// The usual file extension, e.g. for naming golden files.
    pub const fn extension(self) -> &'static str {
        match self {
            Self::Markdown => "md",
            Self::Html => "html",
            Self::Csv => "csv",
            Self::Json => "json",
            Self::Timesketch => "jsonl",
            Self::CacaoStatus => "cacao-status.json",
        }
    }
}

/// Everything an export is computed from.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    pub verified: &'a Verified,
    pub playbook: &'a Playbook,
    /// The state replayed from `verified.lines`.
    pub state: &'a RunState,
    /// When clocks are evaluated: the last entry's time, or in a drill
    /// its scenario time ([`crate::drill::clocks_now`]).
    pub now: DateTime<Utc>,
    /// The draft files read back and checked; `None` when they were not
    /// read (the review screen's metrics), and no text is shown then.
    pub drafts: Option<&'a drafts::DraftTexts>,
    /// The merged view of a team case, whose head is the case head (over
    /// every journal's head), not the SHA-256 of one line.
    pub case: bool,
    /// The recorded checkpoints and timestamps that do not verify, as
    /// `verify` states them: the chain may be intact and the record still
    /// rewritten.
    pub proof_problems: &'a [String],
}

impl<'a> Input<'a> {
    /// An input evaluated at the last verified entry (or the Unix epoch for
    /// a journal with none), so the output never depends on when it is
    /// made; in a drill, at that entry's scenario time (see
    /// [`crate::drill::clocks_now`]).
    pub fn new(verified: &'a Verified, playbook: &'a Playbook, state: &'a RunState) -> Self {
        let last = verified
            .lines
            .iter()
            .map(|l| l.entry.ts)
            .max()
            .unwrap_or(DateTime::UNIX_EPOCH);
        let now = crate::drill::clocks_now(state, last);
        Self {
            verified,
            playbook,
            state,
            now,
            drafts: None,
            case: false,
            proof_problems: &[],
        }
    }

    /// The same input, read as a team case's merged view.
    #[must_use]
    pub const fn of_case(self) -> Self {
        Self { case: true, ..self }
    }

    /// The same input, with the journal's draft texts to embed.
    #[must_use]
    pub const fn with_drafts(self, drafts: &'a drafts::DraftTexts) -> Self {
        Self {
            drafts: Some(drafts),
            ..self
        }
    }
}

/// The measures a reviewer reads first (summary, key times, phases,
/// deadlines, decisions, steps), as a document the review screen draws.
///
/// `input` may hold only the lines a report looks up (see
/// [`report::is_looked_up`]), with `counts` taken over all of them.
pub fn metrics_document(input: &Input<'_>, counts: view::Counts) -> document::Document {
    content::metrics(&view::View::counted(input, counts))
}

/// Renders one export.
pub fn render(format: Format, input: &Input<'_>) -> String {
    let view = view::View::new(input);
    match format {
        Format::Markdown => markdown::render(&content::after_action(&view)),
        Format::Html => html::render(&content::after_action(&view)),
        Format::Csv => csv::render(&view),
        Format::Json => json::render(&view),
        Format::Timesketch => timesketch::render(&view),
        Format::CacaoStatus => crate::interop::cacao::status::render(&view),
    }
}
