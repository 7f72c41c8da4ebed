//! The command-line contract (see `docs/` and FORMATS section 1). Only
//! definitions live here; `commands` carries them out.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

pub use crate::export::ExportFormat;

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
        #[arg(required_unless_present = "case", conflicts_with = "case")]
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
        /// The journal to reopen.
        #[arg(required_unless_present = "latest", conflicts_with = "latest")]
        journal: Option<PathBuf>,
        /// The journal in the data folder written to most recently.
        #[arg(long)]
        latest: bool,
        /// Your name, recorded with what you do (default: `actor` in the configuration).
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
    },
    /// Create a journal without opening the terminal interface; prints its path.
    New {
        /// Playbook id (see `runsheet list`) or path to a playbook file.
        playbook: String,
        /// Where to write the journal (default: the data directory).
        #[arg(long, value_name = "FILE")]
        journal: Option<PathBuf>,
        /// Incident title.
        #[arg(long, value_name = "TEXT")]
        title: Option<String>,
        /// Your name, recorded with what you do (default: `actor` in the configuration).
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
        /// Mark the journal as an exercise, not a real incident.
        #[arg(long)]
        exercise: bool,
    },
    /// Check playbooks, clock packs and drill scenarios (files or folders).
    Validate {
        /// Playbooks, clock packs or drill scenarios, or folders of them.
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
        /// The incident's journal file.
        journal: PathBuf,
        /// Machine-readable output (documented in docs/journal-format.md).
        #[arg(long)]
        json: bool,
    },
    /// Append a note to a journal.
    Note {
        /// The incident's journal file.
        journal: PathBuf,
        /// The note's text.
        text: String,
        /// Your name, recorded with what you do (default: `actor` in the configuration).
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
        /// The incident's journal file.
        journal: PathBuf,
        /// `fact=value`, checked against the fact's type.
        #[arg(value_name = "FACT=VALUE")]
        assignment: String,
        /// When it became true, if not now (`-2h` works as written).
        #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
        occurred_at: Option<String>,
        /// Your name, recorded with what you do (default: `actor` in the configuration).
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
        /// The value in force was wrong: record a correction of it (kept
        /// beside the original) instead of a new value.
        #[arg(long, requires = "reason")]
        correct: bool,
        /// Why the earlier value was wrong (with --correct).
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
        /// Record a time that contradicts the playbook's `not_before:` or
        /// `not_after:` (the confirmation is recorded with it).
        #[arg(long)]
        confirm: bool,
        /// For a fact a step decides: why it was decided (the decider is
        /// the actor); required for such facts.
        #[arg(long, value_name = "TEXT")]
        rationale: Option<String>,
    },
    /// Correct a recorded entry (approval, submission, decision, role
    /// assignment, note): a new entry naming it, with the reason and the
    /// corrected fields; the original stays and is shown beside them.
    Correct {
        /// The incident's journal file, or a team case folder.
        journal: PathBuf,
        /// The `seq` of the entry to correct (as `review` and exports show;
        /// in a case, the merged position they show).
        seq: u64,
        /// A corrected field, `name=value`; repeat for several.
        #[arg(long = "field", value_name = "NAME=VALUE", required = true)]
        fields: Vec<String>,
        /// Why the entry was wrong.
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// Your name, recorded with what you do (default: `actor` in the configuration).
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
    },
    /// Team cases: one folder per incident, one journal per responder.
    Case {
        #[command(subcommand)]
        action: CaseCommand,
    },
    /// Settle a conflict in a case with a journaled resolution: `fact=value`
    /// (or `--role role=person`) and why.
    Resolve {
        /// The case folder.
        dir: PathBuf,
        /// The settled value, `fact=value` (or `role=person` with --role).
        #[arg(value_name = "FACT=VALUE")]
        assignment: String,
        /// The conflict is about who holds a role (`role=person`).
        #[arg(long)]
        role: bool,
        /// Why this value settles the conflict.
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// Your name, recorded with what you do (default: `actor` in the configuration).
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
    },
    /// Close the incident: a `closed` entry with the reason. Required steps
    /// still open are named and refused unless each has a reason.
    Close {
        /// The incident's journal file.
        journal: PathBuf,
        /// Why the incident is closed.
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// Why a required step is left open, `step=reason`; one per open
        /// required step.
        #[arg(long = "open-step-reason", value_name = "STEP=REASON")]
        open_step_reasons: Vec<String>,
        /// Your name, recorded with what you do (default: `actor` in the configuration).
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
    },
    /// Check a journal's hash chain and framing, and every checkpoint it
    /// records; prints the entry count and head hash. Given a case folder:
    /// every journal, then every `seen` head, and the case head.
    Verify {
        /// A journal, or a case folder.
        journal: PathBuf,
        /// A signed checkpoint note kept elsewhere (a ticket, an email):
        /// the journal must still hold exactly the lines it covers.
        #[arg(long, value_name = "FILE")]
        checkpoint: Option<PathBuf>,
        /// A head hash kept elsewhere: some entry must still have it.
        #[arg(long, value_name = "HASH")]
        expect_head: Option<String>,
        /// Public key (OpenSSH) that must have signed every checkpoint;
        /// repeat for several.
        #[arg(long = "key", value_name = "FILE")]
        keys: Vec<PathBuf>,
    },
    /// Sign the state of a journal (or of every journal in a folder) with an
    /// Ed25519 key: a C2SP signed note and an SSH signature beside it.
    Checkpoint {
        /// A journal, or a folder of journals.
        target: PathBuf,
        /// OpenSSH Ed25519 private key (default: the data directory's
        /// `keys/checkpoint_ed25519`, made by `runsheet key new`).
        #[arg(long, value_name = "FILE")]
        key: Option<PathBuf>,
        /// Your name, recorded with what you do (default: `actor` in the configuration).
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
    },
    /// Manage checkpoint signing keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// RFC 3161 trusted timestamps of checkpoints (no network: you send
    /// the request yourself).
    #[command(subcommand)]
    Anchor(AnchorCommand),
    /// The evidence register and its chain of custody.
    #[command(subcommand)]
    Evidence(EvidenceCommand),
    /// Send and receive a case through git: commit your own journal and
    /// drafts, `pull --rebase`, `push` (or write / read a git bundle).
    Sync {
        /// The case folder (default: the current one).
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Your name, recorded with what you do (default: `actor` in the configuration).
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
        /// The journal to read.
        journal: PathBuf,
        /// Participant view for projection during a drill: follows new entries,
        /// shows no facilitator material.
        #[arg(long)]
        follow: bool,
    },
    /// Export a journal for others: report, spreadsheet, timeline tools.
    Export {
        /// The incident's journal file.
        journal: PathBuf,
        /// What to write: a report (md, html), a spreadsheet (csv), json, or a timeline for Timesketch.
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
        /// The format to write.
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
        /// Where to write the journal (default: the data directory).
        #[arg(long, value_name = "FILE")]
        journal: Option<PathBuf>,
        /// Facilitate in an exercise case folder: the scenario and injects
        /// go in your own journal; participants join with `run --case`.
        #[arg(long, value_name = "DIR", conflicts_with = "journal")]
        case: Option<PathBuf>,
        /// Your name, recorded with what you do (default: `actor` in the configuration).
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum KeyCommand {
    /// Make an Ed25519 key (OpenSSH format, FILE and FILE.pub) for checkpoints.
    New {
        /// Where to write it (default: the data directory's `keys/checkpoint_ed25519`).
        file: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Record files (a folder file by file) with their SHA-256.
    Add {
        /// The incident's journal file.
        journal: PathBuf,
        /// Files or folders to record.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<PathBuf>,
        /// A short description of the items.
        #[arg(long, value_name = "TEXT")]
        label: Option<String>,
        /// The step it was collected for.
        #[arg(long, value_name = "ID")]
        step: Option<String>,
        /// The machine it came from (default: this one).
        #[arg(long, value_name = "HOST")]
        source: Option<String>,
        /// Your name, recorded with what you do (default: `actor` in the configuration).
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
    },
    /// Record that an item was handed to someone.
    Transfer {
        /// The incident's journal file.
        journal: PathBuf,
        /// Item id (`E1`, …).
        item: String,
        /// Who receives the item.
        #[arg(long, value_name = "NAME")]
        to: String,
        /// Why it is handed over.
        #[arg(long, value_name = "TEXT")]
        reason: String,
        /// Your name, recorded with what you do (default: `actor` in the configuration).
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
    },
    /// Hash every item again; exit 1 if one changed or is missing.
    Check {
        /// The incident's journal file.
        journal: PathBuf,
        /// Look for items under this folder by their relative path.
        root: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum AnchorCommand {
    /// Write `<note>.tsq`, a timestamp request for a checkpoint note.
    Request {
        /// A checkpoint note (`<journal>.checkpoint-N.note`).
        note: PathBuf,
    },
    /// Check a timestamp reply and record it in the journal.
    Attach {
        /// The incident's journal file.
        journal: PathBuf,
        /// The authority's reply (`.tsr`).
        reply: PathBuf,
        /// The request it answers (default: the reply's name with `.tsq`).
        #[arg(long, value_name = "FILE")]
        request: Option<PathBuf>,
        /// The authority's certificate (PEM) to check the signature with.
        #[arg(long, value_name = "PEM")]
        tsa_cert: Option<PathBuf>,
        /// Your name, recorded with what you do (default: `actor` in the configuration).
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
    },
}

/// Formats `export-playbook` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlaybookFormat {
    /// OASIS CACAO Security Playbooks 2.0 (JSON), with runsheet's extension.
    Cacao,
}

/// Layouts of Markdown playbooks `import` knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[allow(clippy::doc_markdown)] // the doc comments are `--help` text
pub enum MarkdownPreset {
    /// GuardSight CIRT playbook battle cards (PICERL bold headings).
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
        /// Incident title.
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
    From {
        /// The solo journal to copy into the case.
        journal: PathBuf,
        /// The case folder to create.
        dir: PathBuf,
    },
    /// Start, finish or skip a step in your journal of a case.
    Step {
        /// The case folder.
        dir: PathBuf,
        /// The step id (as the playbook names it).
        step: String,
        /// What to do with the step.
        #[arg(value_enum)]
        action: crate::commands::case::StepAction,
        /// Why the step is skipped (required with `skip`).
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
        /// Your name, recorded with what you do (default: `actor` in the configuration).
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
    },
    /// Record in your journal of a case that a step's notification was
    /// sent (or its statement published): it meets the step's deadline clock.
    Submit {
        /// The case folder.
        dir: PathBuf,
        /// The step id (as the playbook names it).
        step: String,
        /// How it was sent (portal, email, phone, …).
        #[arg(long, value_name = "TEXT")]
        channel: String,
        /// Who it was sent to.
        #[arg(long, value_name = "TEXT")]
        recipient: String,
        /// The recipient's case or ticket number.
        #[arg(long, value_name = "TEXT")]
        reference: Option<String>,
        /// When it was sent, if not now (`-20m` works as written).
        #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
        sent_at: Option<String>,
        /// Why it is recorded more than a few minutes after it was sent.
        #[arg(long, value_name = "TEXT")]
        backdated_reason: Option<String>,
        /// Why a statement version nobody approved is published anyway.
        #[arg(long, value_name = "TEXT")]
        override_reason: Option<String>,
        /// Your name, recorded with what you do (default: `actor` in the configuration).
        #[arg(long = "as", value_name = "NAME")]
        actor: Option<String>,
    },
}
