//! The command-line contract (see `docs/` and FORMATS section 1). Only
//! definitions live here; `commands` carries them out.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// Incident-response playbooks in the terminal, with a tamper-evident journal.
///
/// Run with no command to pick a bundled or local playbook, or a journal to
/// resume.
#[derive(Debug, Parser)]
#[command(name = "runsheet", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Start a new incident from a playbook (a bundled id or a file) and open it.
    Run {
        /// Playbook id (see `runsheet list`) or path to a playbook file.
        #[arg(required_unless_present = "case")]
        playbook: Option<String>,
        /// Join a team case folder: opens your own journal in it.
        #[arg(long, value_name = "DIR", conflicts_with_all = ["journal", "title", "exercise"])]
        case: Option<PathBuf>,
        /// Where to write the journal (default: the data directory).
        #[arg(long, value_name = "FILE")]
        journal: Option<PathBuf>,
        /// Your name, recorded with every action.
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
        /// Incident title.
        #[arg(long, value_name = "TEXT")]
        title: Option<String>,
        /// Mark the journal as an exercise, not a real incident.
        #[arg(long)]
        exercise: bool,
    },
    /// Reopen a journal where it was left (after quitting or a crash).
    Resume {
        journal: PathBuf,
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
    },
    /// Create a journal without opening the terminal interface; prints its path.
    New {
        playbook: String,
        #[arg(long, value_name = "FILE")]
        journal: Option<PathBuf>,
        #[arg(long, value_name = "TEXT")]
        title: Option<String>,
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
        #[arg(long)]
        exercise: bool,
    },
    /// Check playbooks, clock packs and drill scenarios (files or folders).
    Validate {
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
    },
    /// Print the JSON Schema (draft-07) of the playbook format.
    Schema,
    /// Run playbook test cases headless: one line per case, then a summary.
    ///
    /// Without case files, each playbook's cases are read from
    /// `tests/playbooks/<playbook-id>/*.yaml` in its folder or the nearest
    /// folder above it.
    Test {
        /// A playbook file, or a folder of playbooks.
        #[arg(value_name = "PLAYBOOK|FOLDER")]
        target: PathBuf,
        /// Case files to run instead of the discovered ones.
        #[arg(value_name = "CASES.yaml")]
        cases: Vec<PathBuf>,
    },
    /// List bundled and local playbooks: id, version, title.
    List {
        /// List drill scenarios instead.
        #[arg(long)]
        drills: bool,
    },
    /// Show progress, facts, decisions, clocks and open required steps.
    Status {
        journal: PathBuf,
        /// Machine-readable output (documented in docs/journal-format.md).
        #[arg(long)]
        json: bool,
    },
    /// Append a note to a journal.
    Note {
        journal: PathBuf,
        text: String,
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
        /// The step the note is about.
        #[arg(long, value_name = "ID")]
        step: Option<String>,
        /// If another runsheet has the journal open, wait up to this long
        /// (`10s`, `2m`) for it instead of failing at once.
        #[arg(long, value_name = "DURATION")]
        wait: Option<String>,
    },
    /// Record a fact, e.g. `aware_at=2026-11-28T09:15:00Z`.
    Set {
        journal: PathBuf,
        /// `fact=value`, checked against the fact's type.
        #[arg(value_name = "FACT=VALUE")]
        assignment: String,
        /// When it became true, if not now (`-2h` works as written).
        #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
        occurred_at: Option<String>,
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
        /// The value in force was wrong: record a correction of it (kept
        /// beside the original) instead of a new value.
        #[arg(long, requires = "reason")]
        correct: bool,
        /// Why the earlier value was wrong (with --correct).
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
    /// Check a journal's hash chain and framing; prints the entry count and head hash.
    /// Given a case folder: every journal, then every `seen` head, and the case head.
    Verify { journal: PathBuf },
    /// Team cases: one folder per incident, one journal per responder.
    Case {
        #[command(subcommand)]
        action: CaseCommand,
    },
    /// Settle a conflict in a case with a journaled resolution: `fact=value`
    /// (or `--role role=person`) and why.
    Resolve {
        dir: PathBuf,
        #[arg(value_name = "FACT=VALUE")]
        assignment: String,
        /// The conflict is about who holds a role (`role=person`).
        #[arg(long)]
        role: bool,
        #[arg(long, value_name = "TEXT")]
        reason: String,
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
    },
    /// Send and receive a case through git: commit your own journal and
    /// drafts, `pull --rebase`, `push` (or write / read a git bundle).
    Sync {
        #[arg(default_value = ".")]
        dir: PathBuf,
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
        /// Write a git bundle for an air-gapped hand-over instead of pushing.
        #[arg(long, value_name = "FILE", conflicts_with = "bundle_in")]
        bundle_out: Option<PathBuf>,
        /// Take in a git bundle another responder wrote.
        #[arg(long, value_name = "FILE")]
        bundle_in: Option<PathBuf>,
    },
    /// Read a journal: timeline, metrics, state at any moment (never writes).
    Review {
        journal: PathBuf,
        /// Participant view for projection during a drill: follows new entries,
        /// shows no facilitator material.
        #[arg(long)]
        follow: bool,
    },
    /// Export a journal for others: report, spreadsheet, timeline tools.
    Export {
        journal: PathBuf,
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Output file (default: standard output).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Convert a CACAO 2.0 playbook (`.json`) or a Markdown playbook (`.md`)
    /// into a runsheet playbook; a folder converts every such file in it.
    Import {
        /// A `.json` or `.md` file, or a folder of them.
        input: PathBuf,
        /// Output file (default: standard output); for a folder, the folder
        /// to write `<name>.yaml` files into (default: the current one).
        #[arg(short, long, value_name = "PATH")]
        output: Option<PathBuf>,
        /// Markdown layout (detected when not given).
        #[arg(long, value_enum)]
        preset: Option<MarkdownPreset>,
    },
    /// Write a playbook in another tool's format.
    ExportPlaybook {
        /// Playbook id (see `runsheet list`) or path to a playbook file.
        playbook: String,
        #[arg(long, value_enum)]
        format: PlaybookFormat,
        /// Output file (default: standard output).
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Run a tabletop exercise from a drill scenario (facilitator view).
    Drill {
        /// Scenario id (see `runsheet list --drills`) or path to a scenario file.
        scenario: String,
        #[arg(long, value_name = "FILE")]
        journal: Option<PathBuf>,
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
    },
}

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
}

/// Formats `export-playbook` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlaybookFormat {
    /// OASIS CACAO Security Playbooks 2.0 (JSON), with runsheet's extension.
    Cacao,
}

/// Layouts of Markdown playbooks `import` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MarkdownPreset {
    /// `GuardSight` CIRT playbook battle cards (PICERL bold headings).
    Guardsight,
    /// AWS incident-response playbooks (`## Part N —`, `###` steps).
    Aws,
    /// Any Markdown: `##` phases, `###` steps.
    Generic,
}

/// `runsheet case …`.
#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// Create a case folder: case.yaml, a copy of the playbook, journals/, drafts/.
    New {
        /// Playbook id (see `runsheet list`) or path to a playbook file.
        playbook: String,
        /// The folder to create (default: `<playbook>-<case id>`).
        dir: Option<PathBuf>,
        #[arg(long)]
        title: String,
        /// Mark the case as an exercise, not a real incident.
        #[arg(long)]
        exercise: bool,
        /// IANA time zone of the incident (default: configured or the playbook's).
        #[arg(long, value_name = "ZONE")]
        timezone: Option<String>,
    },
    /// Turn a solo journal into a case (the journal is copied, never rewritten).
    From { journal: PathBuf, dir: PathBuf },
    /// Start, finish or skip a step in your journal of a case.
    Step {
        dir: PathBuf,
        step: String,
        #[arg(value_enum)]
        action: crate::commands::case::StepAction,
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
    },
}
