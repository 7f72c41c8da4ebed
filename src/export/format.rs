//! The export formats `runsheet export --format` names: defined beside the
//! exporters so the command line depends on them, never the reverse.

use clap::ValueEnum;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// After-action report in Markdown.
    Md,
    /// Self-contained HTML report with an SVG timeline.
    Html,
    /// One row per entry (RFC 4180).
    Csv,
    /// Entries and the derived state.
    Json,
    /// JSON Lines for Timesketch.
    Timesketch,
    /// Exercise after-action report (Markdown).
    Aar,
    /// Exercise after-action report (HTML).
    AarHtml,
    /// Step execution statuses in the shape of SOARCA's reporter API.
    CacaoStatus,
    /// Chain-of-custody form of the evidence register (RFC 4180).
    CustodyCsv,
}
