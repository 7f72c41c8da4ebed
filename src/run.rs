//! Run state, derived by replaying journal entries against a playbook.
//!
//! `replay` is pure and is the only way state is built: the live runner,
//! resume, `status`, review and every export fold entries through the same
//! [`RunState::apply`]. Nothing is ever dropped: entries about steps or facts
//! the playbook no longer has are kept and reported.

pub mod append_log;
pub mod closing;
pub mod fills;
pub mod positions;
pub mod query;
pub mod rules;
pub mod stage_index;
pub mod times_ahead;

#[cfg(test)]
mod fact_order_tests;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use crate::journal::event::{self, Created, DrillAction, Observation, Payload, Rating, Recovery};
use crate::journal::{Entry, Event, Kind, TypedEntry};
use crate::playbook::{FactValue, Playbook};

pub use append_log::AppendLog;
use positions::Positions;
use stage_index::StageIndex;
pub use stage_index::StageSubmissions;

/// When an entry was written, as evaluating clocks "as at" it needs:
/// its wall time and, in a drill, its scenario time if recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EntryTime {
    pub seq: u64,
    pub ts: DateTime<Utc>,
    pub scenario_ms: Option<u64>,
}

impl EntryTime {
    /// Where `entry` stands in time.
    pub const fn of(entry: &Entry) -> Self {
        Self {
            seq: entry.seq,
            ts: entry.ts,
            scenario_ms: entry.scenario_ms,
        }
    }
}

/// Who did something, when, in which entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stamp {
    pub seq: u64,
    pub ts: DateTime<Utc>,
    pub actor: String,
    pub scenario_ms: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum StepStatus {
    /// Not started (or reopened).
    #[default]
    Open,
    InProgress,
    Blocked,
    Skipped,
    Done,
}

impl StepStatus {
    /// Done or skipped: nothing more is expected.
    pub const fn is_closed(self) -> bool {
        matches!(self, Self::Done | Self::Skipped)
    }

    pub const fn label(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::InProgress => "in progress",
            Self::Blocked => "blocked",
            Self::Skipped => "skipped",
            Self::Done => "done",
        }
    }
}

/// One change of a step's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepChange {
    pub at: Stamp,
    pub status: StepStatus,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StepState {
    pub status: StepStatus,
    pub history: AppendLog<StepChange>,
    /// Checklist items by position: ticked or not, and by whom.
    pub checklist: BTreeMap<usize, (bool, Stamp)>,
}

impl StepState {
    /// When work on the step last started, on the wall clock. A timebox
    /// is measured with [`query::started_on_clock`] instead, which puts a
    /// drill's start on the scenario clock.
    pub fn started_at(&self) -> Option<DateTime<Utc>> {
        self.last_start().map(|c| c.at.ts)
    }

    /// The change that last started work on the step: its stamp carries
    /// both the wall time and, in a drill, the scenario time.
    pub fn last_start(&self) -> Option<&StepChange> {
        self.history
            .iter()
            .rev()
            .find(|c| c.status == StepStatus::InProgress)
    }

    pub fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.status
            .is_closed()
            .then(|| self.history.last().map(|c| c.at.ts))
            .flatten()
    }

    pub fn is_checked(&self, item: usize) -> bool {
        self.checklist.get(&item).is_some_and(|(c, _)| *c)
    }
}

/// How a fact got a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FactSource {
    Set,
    Decision,
}

/// One recorded value of a fact, and its correction if one was made.
#[derive(Debug, Clone, PartialEq)]
pub struct FactRecord {
    pub at: Stamp,
    pub step: Option<String>,
    pub source: FactSource,
    pub value: Value,
    pub occurred_at: Option<DateTime<Utc>>,
    /// The typed value, when the playbook defines the fact and it decodes.
    pub typed: Option<FactValue>,
    /// Boxed: few records are corrected, and every record would otherwise
    /// carry a correction's room (twice the record's own).
    pub correction: Option<Box<FactCorrection>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FactCorrection {
    pub at: Stamp,
    pub reason: String,
    pub value: Value,
    pub typed: Option<FactValue>,
    pub occurred_at: Option<DateTime<Utc>>,
}

impl FactRecord {
    /// The value in force for this record: the correction's, if corrected.
    pub fn effective(&self) -> Option<&FactValue> {
        match &self.correction {
            Some(c) => c.typed.as_ref(),
            None => self.typed.as_ref(),
        }
    }
}

/// Every value a fact has had, in journal order.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FactState {
    pub history: AppendLog<FactRecord>,
}

impl FactState {
    /// The latest value (corrections applied).
    pub fn current(&self) -> Option<&FactValue> {
        self.history.last().and_then(FactRecord::effective)
    }

    pub fn latest(&self) -> Option<&FactRecord> {
        self.history.last()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DecisionRecord {
    pub at: Stamp,
    pub step: Option<String>,
    pub fact: String,
    pub value: Value,
    pub rationale: String,
    pub options: Vec<String>,
    pub decider: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleAssignment {
    pub at: Stamp,
    pub role: String,
    pub person: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteRecord {
    pub at: Stamp,
    pub step: Option<String>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionRecord {
    pub at: Stamp,
    pub step: Option<String>,
    pub data: event::Submission,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftRecord {
    pub at: Stamp,
    pub step: String,
    pub data: event::MessageDrafted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalRecord {
    pub at: Stamp,
    pub step: String,
    pub data: event::Approval,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub id: String,
    pub started: Stamp,
    pub mode: String,
    pub host: String,
    pub ended: Option<(Stamp, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CorrectionRecord {
    pub at: Stamp,
    pub corrects: u64,
    pub reason: String,
    pub value: Option<Value>,
    /// Corrected fields of a non-fact entry, with their new values.
    pub fields: serde_json::Map<String, Value>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InjectRecord {
    pub at: Stamp,
    pub inject: String,
    pub title: String,
    pub trigger: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObservationRecord {
    pub at: Stamp,
    pub data: Observation,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrillControlRecord {
    pub at: Stamp,
    pub data: event::DrillControl,
}

/// What replay noticed that a reader must be told.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// The playbook's bytes differ from those the journal was created with.
    PlaybookChanged { recorded: String, current: String },
    /// Entries name a step the playbook no longer has.
    UnknownStep { step: String, seq: u64 },
    /// Entries name a fact the playbook no longer has.
    UnknownFact { fact: String, seq: u64 },
    /// An entry whose data could not be decoded.
    Undecodable { seq: u64, reason: String },
    /// `journal_created` names a time zone that does not exist; times
    /// are shown in UTC.
    UnknownTimezone { zone: String },
    /// A second `journal_created`: ignored, the first one stands.
    SecondCreated { seq: u64 },
    /// A correction of an entry that does not come before it.
    DanglingCorrection { seq: u64, corrects: u64 },
    /// An entry stamped earlier than the one before it.
    TimeGoesBack {
        seq: u64,
        /// Who wrote it, as a team case's views name a responder
        /// (`actor@host`): there `seq` is the merged position, which alone
        /// does not say whose journal holds the entry. `None` for a single
        /// journal, whose wording stays as it was.
        writer: Option<String>,
    },
    /// An entry stamped more than a year after the one before it.
    TimeLeaps { seq: u64 },
    /// A value that does not fit the fact's type.
    BadValue {
        fact: String,
        seq: u64,
        reason: String,
    },
    /// In a team case: responders set a fact (or gave a role) differently
    /// without having seen each other's entry, and nobody settled it. The
    /// replay shows the latest by time; a reader must know it is contested.
    OpenConflict {
        /// `fact` or `role`.
        about: String,
        key: String,
        /// Each side: who said what, and where.
        sides: Vec<String>,
    },
    /// A writer's newest entry is stamped ahead of the reader's clock by
    /// more than [`times_ahead::TOLERANCE`]: that writer's clock runs fast (or
    /// the reader's slow). Found where the journal is read, at the
    /// reader's "now", never by the replay (see [`times_ahead`]).
    EntryAhead {
        actor: String,
        seq: u64,
        ahead: chrono::Duration,
    },
    /// A time fact in force is ahead of the reader's "now": deadlines
    /// counted from it start in the future (see [`times_ahead`]).
    FactAhead {
        fact: String,
        /// The entry that set (or corrected) it, and its writer.
        seq: u64,
        actor: String,
        ahead: chrono::Duration,
        /// The clocks counted from it.
        clocks: Vec<String>,
    },
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::PlaybookChanged { recorded, current } => write!(
                f,
                "the playbook has changed since this journal was created (SHA-256 {} then, {} now); entries are shown as recorded",
                recorded.chars().take(12).collect::<String>(),
                current.chars().take(12).collect::<String>()
            ),
            Self::UnknownStep { step, seq } => {
                write!(
                    f,
                    "entry {seq} names step `{step}`, which the playbook no longer has"
                )
            }
            Self::UnknownFact { fact, seq } => {
                write!(
                    f,
                    "entry {seq} sets fact `{fact}`, which the playbook no longer has"
                )
            }
            Self::Undecodable { seq, reason } => {
                write!(f, "entry {seq} could not be read: {reason}")
            }
            Self::UnknownTimezone { zone } => write!(
                f,
                "the journal names time zone `{zone}`, which does not exist; times are shown in UTC"
            ),
            Self::SecondCreated { seq } => write!(
                f,
                "entry {seq} is a second `journal_created`; it is ignored (only the first entry creates a journal)"
            ),
            Self::DanglingCorrection { seq, corrects } => write!(
                f,
                "entry {seq} corrects entry {corrects}, which does not come before it; the correction changes nothing"
            ),
            Self::TimeGoesBack { seq, writer } => {
                write!(f, "entry {seq}")?;
                if let Some(writer) = writer {
                    write!(f, " by {writer}")?;
                }
                f.write_str(
                    " is stamped earlier than the entry before it (clock changed, or the journal was edited)",
                )
            }
            Self::TimeLeaps { seq } => write!(
                f,
                "entry {seq} is stamped more than a year after the entry before it"
            ),
            Self::BadValue { fact, seq, reason } => {
                write!(
                    f,
                    "entry {seq}: value of `{fact}` does not fit its type: {reason}"
                )
            }
            Self::OpenConflict { about, key, sides } => write!(
                f,
                "open conflict on {about} `{key}`: {}; the latest by time is shown until someone settles it with `runsheet resolve`",
                sides.join(" vs ")
            ),
            Self::EntryAhead { actor, seq, ahead } => write!(
                f,
                "entry {seq} by {actor} is stamped {} ahead of this reader's clock: the writer's clock may run fast; its times are shown as recorded",
                crate::clocks::format_duration(*ahead)
            ),
            Self::FactAhead {
                fact,
                seq,
                actor,
                ahead,
                clocks,
            } => {
                write!(
                    f,
                    "entry {seq} by {actor} sets `{fact}` to a time {} ahead of this reader's clock",
                    crate::clocks::format_duration(*ahead)
                )?;
                if clocks.is_empty() {
                    f.write_str("; it is shown as recorded")
                } else {
                    write!(
                        f,
                        "; the deadlines of {} derive from a time in the future and are shown as recorded",
                        clocks.join(", ")
                    )
                }
            }
        }
    }
}

/// The incident was closed: when, by whom, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClosedRecord {
    pub at: Stamp,
    pub data: event::Closed,
}

/// Everything known about a run at the end of the entries replayed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RunState {
    pub created: Option<Created>,
    pub created_at: Option<DateTime<Utc>>,
    pub steps: BTreeMap<String, StepState>,
    pub facts: BTreeMap<String, FactState>,
    pub decisions: AppendLog<DecisionRecord>,
    /// Where each fact's decisions are in `decisions` (a step's detail
    /// shows the latest decision on its fact).
    decisions_by_fact: Positions,
    pub roles: BTreeMap<String, RoleAssignment>,
    pub role_history: AppendLog<RoleAssignment>,
    /// Every note, unless the state was replayed for a summary
    /// ([`RunState::for_summary`]): then none.
    pub notes: AppendLog<NoteRecord>,
    /// Where each step's notes are in `notes`: the runner shows the
    /// selected step's notes on every frame, which must not mean reading
    /// every note of the journal.
    notes_by_step: Positions,
    pub submissions: AppendLog<SubmissionRecord>,
    /// Each clock stage's submissions: every clock is evaluated on every
    /// frame. A correction of a submission's fields may change its stages
    /// or time, so it indexes them all again.
    submissions_by_stage: StageIndex,
    /// Where each step's submissions are in `submissions`.
    submissions_by_step: Positions,
    pub drafts: AppendLog<DraftRecord>,
    /// Where each step's drafts are in `drafts`.
    drafts_by_step: Positions,
    pub approvals: AppendLog<ApprovalRecord>,
    /// Where each step's approvals are in `approvals`.
    approvals_by_step: Positions,
    pub sessions: AppendLog<SessionRecord>,
    pub corrections: AppendLog<CorrectionRecord>,
    pub recoveries: AppendLog<(Stamp, Recovery)>,
    pub injects: AppendLog<InjectRecord>,
    pub observations: AppendLog<ObservationRecord>,
    /// Where each inject's observations are in `observations`: the drill
    /// pane shows every inject's latest evaluation on every frame.
    observations_by_inject: Positions,
    pub drill_controls: Vec<DrillControlRecord>,
    /// The last `closed` entry: the incident is closed.
    pub closed: Option<ClosedRecord>,
    pub warnings: Vec<Warning>,
    /// The last entry applied.
    pub last: Option<Stamp>,
    /// The newest entry applied, in time order (ties by `seq`): reports
    /// and a drill's `status` evaluate deadline clocks as at it (see
    /// [`crate::drill::clocks_now`]). Usually `last`, unless a writer's
    /// clock went back.
    pub newest: Option<EntryTime>,
    /// Each writer's newest entry, in time order (ties by `seq`): a writer
    /// whose clock runs fast shows here (see [`times_ahead`]).
    pub newest_by_writer: BTreeMap<String, EntryTime>,
    pub entry_count: u64,
    /// Whether some fact's history is not in rising `seq` order (only
    /// entries fed out of journal order do that): a correction then finds
    /// its record by reading every history instead of searching each.
    facts_out_of_order: bool,
    /// Whether notes are kept (see [`RunState::for_summary`]).
    notes_kept: NotesKept,
    /// Whether warnings name an entry's writer (see
    /// [`RunState::naming_writers`]).
    writers_named: bool,
}

/// Whether a replay keeps the notes it meets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum NotesKept {
    #[default]
    Yes,
    /// Replayed for a summary, which shows no note.
    No,
}

/// Warnings about a journal that verifies but is not consistent: what a
/// forger who re-seals the chain, or a wrong clock, leaves behind. Needs
/// no playbook, so `verify` reports them too.
pub fn consistency_warnings<'a>(entries: impl IntoIterator<Item = &'a Entry>) -> Vec<Warning> {
    let mut warnings = Vec::new();
    let mut previous = None;
    for entry in entries {
        check_consistency(
            previous,
            Placed::unnamed(entry.seq),
            entry.ts,
            entry.kind,
            || entry.event(),
            &mut warnings,
        );
        previous = Some(entry.ts);
    }
    warnings
}

/// [`consistency_warnings`] fed one entry at a time, for a journal read
/// as a stream rather than held in memory.
#[derive(Debug, Default)]
pub struct Consistency {
    previous: Option<DateTime<Utc>>,
    warnings: Vec<Warning>,
}

impl Consistency {
    /// Checks the entry that follows those already checked.
    pub fn check(&mut self, entry: &Entry) {
        check_consistency(
            self.previous,
            Placed::unnamed(entry.seq),
            entry.ts,
            entry.kind,
            || entry.event(),
            &mut self.warnings,
        );
        self.previous = Some(entry.ts);
    }

    /// [`Consistency::check`] of a line as a stream hands it over: only
    /// the kinds the checks read are decoded.
    pub fn check_line(&mut self, line: &crate::journal::verify::LineView<'_>) {
        check_consistency(
            self.previous,
            Placed::unnamed(line.seq),
            line.ts,
            line.kind,
            || line.entry().and_then(|entry| entry.event()),
            &mut self.warnings,
        );
        self.previous = Some(line.ts);
    }

    pub fn into_warnings(self) -> Vec<Warning> {
        self.warnings
    }
}

/// Where an entry sits, for its warnings: its `seq`, and its writer when
/// the warnings name one ([`RunState::naming_writers`]).
#[derive(Debug, Clone, Copy)]
struct Placed<'a> {
    seq: u64,
    writer: Option<&'a str>,
}

impl Placed<'_> {
    /// An entry of a single journal: its `seq` says where it is.
    const fn unnamed(seq: u64) -> Self {
        Self { seq, writer: None }
    }
}

/// The checks of [`consistency_warnings`] for one entry (where it sits,
/// its time, kind and event), given the time of the entry before it (none for the
/// first). The event is read only for a creation or a correction.
fn check_consistency(
    previous: Option<DateTime<Utc>>,
    placed: Placed<'_>,
    ts: DateTime<Utc>,
    kind: Kind,
    event: impl FnOnce() -> Result<Event, crate::journal::DecodeError>,
    warnings: &mut Vec<Warning>,
) {
    let seq = placed.seq;
    if let Some(previous) = previous {
        if ts < previous {
            warnings.push(Warning::TimeGoesBack {
                seq,
                writer: placed.writer.map(str::to_string),
            });
        } else if ts - previous > chrono::Duration::days(366) {
            warnings.push(Warning::TimeLeaps { seq });
        }
    }
    if !matches!(kind, Kind::JournalCreated | Kind::Correction) {
        return;
    }
    match event().map(|e| e.payload) {
        Ok(Payload::JournalCreated(created)) => {
            if previous.is_some() {
                warnings.push(Warning::SecondCreated { seq });
            } else if created.timezone.parse::<Tz>().is_err() {
                warnings.push(Warning::UnknownTimezone {
                    zone: created.timezone,
                });
            }
        }
        Ok(Payload::Correction(c)) if c.corrects >= seq => {
            warnings.push(Warning::DanglingCorrection {
                seq,
                corrects: c.corrects,
            });
        }
        _ => {}
    }
}

/// Replays entries in order against a playbook.
pub fn replay<'a>(playbook: &Playbook, entries: impl IntoIterator<Item = &'a Entry>) -> RunState {
    let mut state = RunState::default();
    for entry in entries {
        state.apply(playbook, entry);
    }
    state
}

/// [`replay`] of entries the caller is done with: their strings move into
/// the state instead of being copied.
pub fn replay_owned(playbook: &Playbook, entries: impl IntoIterator<Item = Entry>) -> RunState {
    replay_typed(playbook, entries.into_iter().map(TypedEntry::from_entry))
}

/// [`replay`] of entries decoded for replay.
pub fn replay_typed(
    playbook: &Playbook,
    entries: impl IntoIterator<Item = TypedEntry>,
) -> RunState {
    let mut state = RunState::default();
    for entry in entries {
        state.apply_typed(playbook, entry);
    }
    state
}

impl RunState {
    /// An empty state to replay for a summary (`status`, a case's
    /// `status`, the row-per-entry exports and `cacao-status`): what it
    /// shows is the same, but it keeps no note. Notes are most of a long
    /// journal's words (half the bench mix's bytes, all of the long-notes
    /// journal's), and a summary counts none of them: kept, they were 77
    /// of the 93 MiB `status` held on the long-notes journal, and a fifth
    /// of its time (see docs/BENCHMARKS.md).
    pub fn for_summary() -> Self {
        Self {
            notes_kept: NotesKept::No,
            ..Self::default()
        }
    }

    /// This state, its warnings naming the writer of the entry they are
    /// about: for a team case's merged replay, whose `seq` is a position
    /// in the merge and whose actors are `actor@host`, so a reviewer can
    /// tell whose journal holds the entry. A single journal's warnings keep
    /// their wording.
    #[must_use]
    pub fn naming_writers(self) -> Self {
        Self {
            writers_named: true,
            ..self
        }
    }

    /// Folds one entry into the state. Never fails: what cannot be
    /// understood becomes a warning, and the rest still applies.
    pub fn apply(&mut self, playbook: &Playbook, entry: &Entry) {
        self.apply_typed(playbook, TypedEntry::of(entry));
    }

    /// [`RunState::apply`] of an entry decoded for replay, whose strings
    /// move into the state rather than being copied.
    pub fn apply_typed(&mut self, playbook: &Playbook, entry: TypedEntry) {
        let TypedEntry {
            seq,
            ts,
            scenario_ms,
            session,
            actor,
            kind,
            step,
            payload,
        } = entry;
        self.entry_count += 1;
        check_consistency(
            self.last.as_ref().map(|l| l.ts),
            Placed {
                seq,
                writer: self.writers_named.then_some(actor.as_str()),
            },
            ts,
            kind,
            || {
                Ok(Event {
                    step: step.clone(),
                    payload: payload.clone()?,
                })
            },
            &mut self.warnings,
        );
        let at = Stamp {
            seq,
            ts,
            actor,
            scenario_ms,
        };
        self.mark_last(&at);
        let event = match payload {
            Ok(payload) => Event { step, payload },
            Err(e) => {
                self.warnings
                    .push(Warning::Undecodable { seq, reason: e.0 });
                return;
            }
        };
        if let Some(step) = &event.step
            && playbook.step(step).is_none()
            && !self
                .warnings
                .iter()
                .any(|w| matches!(w, Warning::UnknownStep { step: s, .. } if s == step))
        {
            self.warnings.push(Warning::UnknownStep {
                step: step.clone(),
                seq,
            });
        }
        self.apply_payload(playbook, &session, at, event);
    }

    /// The kind-specific part of [`RunState::apply`].
    fn apply_payload(&mut self, playbook: &Playbook, session: &str, at: Stamp, event: Event) {
        let Event { step, payload } = event;
        match payload {
            Payload::JournalCreated(created) => self.created(playbook, &at, *created),
            Payload::SessionStarted(s) => self.sessions.push(SessionRecord {
                id: session.to_string(),
                started: at,
                mode: s.mode,
                host: s.host,
                ended: None,
            }),
            Payload::SessionEnded(e) => {
                if let Some(s) = self.sessions.rfind_mut(|s| s.id == session) {
                    s.ended = Some((at, e.reason));
                }
            }
            Payload::StepStarted(_) => self.change_step(step, at, StepStatus::InProgress, None),
            Payload::StepDone(d) => self.change_step(step, at, StepStatus::Done, d.note),
            Payload::StepSkipped(r) => {
                self.change_step(step, at, StepStatus::Skipped, Some(r.reason));
            }
            Payload::StepBlocked(r) => {
                self.change_step(step, at, StepStatus::Blocked, Some(r.reason));
            }
            Payload::StepReopened(r) => self.change_step(step, at, StepStatus::Open, r.reason),
            Payload::ChecklistItem(c) => {
                if let Some(step) = step {
                    self.steps
                        .entry(step)
                        .or_default()
                        .checklist
                        .insert(c.item, (c.checked, at));
                }
            }
            Payload::Note(_) if self.notes_kept == NotesKept::No => {}
            Payload::Note(n) => {
                if let Some(step) = &step {
                    self.notes_by_step.add(step, self.notes.len());
                }
                self.notes.push(NoteRecord {
                    at,
                    step,
                    text: n.text,
                });
            }
            Payload::FactSet(f) => {
                self.record_fact(
                    playbook,
                    &f.fact,
                    f.value,
                    f.occurred_at,
                    FactSource::Set,
                    step,
                    at,
                );
            }
            Payload::Decision(d) => self.decide(playbook, at, step, *d),
            Payload::RoleAssigned(r) => self.assign(at, r),
            Payload::MessageDrafted(data) => {
                if let Some(step) = step {
                    self.drafts_by_step.add(&step, self.drafts.len());
                    self.drafts.push(DraftRecord { at, step, data });
                }
            }
            Payload::Approval(data) => {
                if let Some(step) = step {
                    self.approvals_by_step.add(&step, self.approvals.len());
                    self.approvals.push(ApprovalRecord { at, step, data });
                }
            }
            Payload::Submission(data) => self.submit(at, step, *data),
            Payload::Correction(c) => self.correct(playbook, at, *c),
            Payload::Recovery(r) => self.recoveries.push((at, r)),
            Payload::InjectDelivered(i) => self.injects.push(InjectRecord {
                at,
                inject: i.inject,
                title: i.title,
                trigger: i.trigger,
            }),
            Payload::Observation(data) => {
                if let Some(inject) = &data.inject {
                    self.observations_by_inject
                        .add(inject, self.observations.len());
                }
                self.observations
                    .push(ObservationRecord { at, data: *data });
            }
            Payload::DrillControl(data) => {
                self.drill_controls.push(DrillControlRecord { at, data });
            }
            Payload::Closed(data) => self.closed = Some(ClosedRecord { at, data }),
            // Proof of the record, not part of the incident's state.
            Payload::Checkpoint(_)
            | Payload::Anchor(_)
            | Payload::EvidenceAdded(_)
            | Payload::EvidenceTransferred(_) => {}
            Payload::Resolution(r) => self.resolve(playbook, at, step, *r),
        }
    }

    /// Keeps `time` as `actor`'s newest entry if it is; the name is
    /// copied only for a writer not met before.
    fn mark_newest_of_writer(&mut self, actor: &str, time: EntryTime) {
        match self.newest_by_writer.get_mut(actor) {
            Some(newest) if (newest.ts, newest.seq) < (time.ts, time.seq) => *newest = time,
            Some(_) => {}
            None => {
                self.newest_by_writer.insert(actor.to_string(), time);
            }
        }
    }

    /// Records `at` as the last entry applied, and as the newest if it is.
    /// It changes on every entry: the actor's allocation is reused rather
    /// than cloned afresh.
    fn mark_last(&mut self, at: &Stamp) {
        match &mut self.last {
            Some(last) => {
                last.seq = at.seq;
                last.ts = at.ts;
                last.actor.clone_from(&at.actor);
                last.scenario_ms = at.scenario_ms;
            }
            None => self.last = Some(at.clone()),
        }
        let time = EntryTime {
            seq: at.seq,
            ts: at.ts,
            scenario_ms: at.scenario_ms,
        };
        if self
            .newest
            .is_none_or(|n| (n.ts, n.seq) < (time.ts, time.seq))
        {
            self.newest = Some(time);
        }
        self.mark_newest_of_writer(&at.actor, time);
    }

    fn created(&mut self, playbook: &Playbook, at: &Stamp, created: Created) {
        if self.created.is_some() {
            return;
        }
        if created.playbook.sha256 != playbook.sha256 {
            self.warnings.push(Warning::PlaybookChanged {
                recorded: created.playbook.sha256.clone(),
                current: playbook.sha256.clone(),
            });
        }
        self.created_at = Some(at.ts);
        self.created = Some(created);
    }

    fn decide(&mut self, playbook: &Playbook, at: Stamp, step: Option<String>, d: event::Decision) {
        self.record_fact(
            playbook,
            &d.fact,
            d.value.clone(),
            None,
            FactSource::Decision,
            step.clone(),
            at.clone(),
        );
        self.decisions_by_fact.add(&d.fact, self.decisions.len());
        self.decisions.push(DecisionRecord {
            at,
            step,
            fact: d.fact,
            value: d.value,
            rationale: d.rationale,
            options: d.options,
            decider: d.decider,
        });
    }

    fn submit(&mut self, at: Stamp, step: Option<String>, data: event::Submission) {
        let position = self.submissions.len();
        if let Some(step) = &step {
            self.submissions_by_step.add(step, position);
        }
        let record = SubmissionRecord { at, step, data };
        self.submissions_by_stage.add(&record, position);
        self.submissions.push(record);
    }

    /// A team conflict settled: the chosen value applies like a new one.
    fn resolve(
        &mut self,
        playbook: &Playbook,
        at: Stamp,
        step: Option<String>,
        r: event::Resolution,
    ) {
        match r.about.as_str() {
            "fact" => self.record_fact(playbook, &r.key, r.value, None, FactSource::Set, step, at),
            "role" => {
                let person = r.value.as_str().unwrap_or_default().to_string();
                self.assign(
                    at,
                    event::RoleAssigned {
                        role: r.key,
                        person,
                    },
                );
            }
            _ => {}
        }
    }

    /// A role given to a person; an empty name takes it back.
    fn assign(&mut self, at: Stamp, r: event::RoleAssigned) {
        let assignment = RoleAssignment {
            at,
            role: r.role.clone(),
            person: r.person,
        };
        self.role_history.push(assignment.clone());
        if assignment.person.trim().is_empty() {
            self.roles.remove(&r.role);
        } else {
            self.roles.insert(r.role, assignment);
        }
    }

    fn change_step(
        &mut self,
        step: Option<String>,
        at: Stamp,
        status: StepStatus,
        reason: Option<String>,
    ) {
        let Some(step) = step else { return };
        let state = self.steps.entry(step).or_default();
        state.status = status;
        state.history.push(StepChange { at, status, reason });
    }

    #[allow(clippy::too_many_arguments)]
    fn record_fact(
        &mut self,
        playbook: &Playbook,
        fact: &str,
        value: Value,
        occurred_at: Option<DateTime<Utc>>,
        source: FactSource,
        step: Option<String>,
        at: Stamp,
    ) {
        let typed = self.typed(playbook, fact, &value, at.seq);
        let record = FactRecord {
            at,
            step,
            source,
            value,
            occurred_at,
            typed,
            correction: None,
        };
        // Look up before inserting: most values are for facts already set,
        // and a lookup needs no owned key.
        match self.facts.get_mut(fact) {
            Some(state) => {
                if state
                    .history
                    .last()
                    .is_some_and(|last| last.at.seq >= record.at.seq)
                {
                    self.facts_out_of_order = true;
                }
                state.history.push(record);
            }
            None => {
                self.facts.insert(
                    fact.to_string(),
                    FactState {
                        history: std::iter::once(record).collect(),
                    },
                );
            }
        }
    }

    fn typed(
        &mut self,
        playbook: &Playbook,
        fact: &str,
        value: &Value,
        seq: u64,
    ) -> Option<FactValue> {
        let Some(def) = playbook.fact(fact) else {
            self.warnings.push(Warning::UnknownFact {
                fact: fact.to_string(),
                seq,
            });
            return None;
        };
        FactValue::from_json(def, value)
            .map_err(|reason| {
                self.warnings.push(Warning::BadValue {
                    fact: fact.to_string(),
                    seq,
                    reason,
                });
            })
            .ok()
    }

    fn correct(&mut self, playbook: &Playbook, at: Stamp, c: event::Correction) {
        self.corrections.push(CorrectionRecord {
            at: at.clone(),
            corrects: c.corrects,
            reason: c.reason.clone(),
            value: c.value.clone(),
            fields: c.fields.clone(),
        });
        if !c.fields.is_empty() {
            self.correct_fields(c.corrects, &c.fields);
        }
        let Some(value) = c.value else { return };
        let target = self.fact_record_of(c.corrects);
        if let Some((fact, index)) = target {
            let typed = self.typed(playbook, &fact, &value, at.seq);
            if let Some(record) = self
                .facts
                .get_mut(&fact)
                .and_then(|s| s.history.get_mut(index))
            {
                record.correction = Some(Box::new(FactCorrection {
                    at,
                    reason: c.reason,
                    value,
                    typed,
                    occurred_at: c.occurred_at,
                }));
            }
        }
    }

    /// The fact and the place in its history of the record entry `seq`
    /// made (the first fact, in id order, that has one).
    ///
    /// Each history is in rising `seq` order when entries come in journal
    /// order, so each is searched by halves: reading every record of every
    /// fact for each correction made replay quadratic in a journal's facts.
    fn fact_record_of(&self, seq: u64) -> Option<(String, usize)> {
        let position = |history: &AppendLog<FactRecord>| {
            if self.facts_out_of_order {
                return history.position(|r| r.at.seq == seq);
            }
            history.position_by_key(&seq, |r| r.at.seq)
        };
        self.facts
            .iter()
            .find_map(|(fact, state)| position(&state.history).map(|i| (fact.clone(), i)))
    }

    /// Applies corrected fields to the record of entry `seq`, so the state
    /// (status, review, exports) holds the corrected values; the journal
    /// keeps the original, which exports show beside it.
    fn correct_fields(&mut self, seq: u64, fields: &serde_json::Map<String, Value>) {
        fn merged<T: serde::Serialize + serde::de::DeserializeOwned>(
            data: &T,
            fields: &serde_json::Map<String, Value>,
        ) -> Option<T> {
            let mut value = serde_json::to_value(data).ok()?;
            let object = value.as_object_mut()?;
            for (k, v) in fields {
                object.insert(k.clone(), v.clone());
            }
            serde_json::from_value(value).ok()
        }
        let text = |k: &str| fields.get(k).and_then(Value::as_str).map(str::to_string);
        if let Some(r) = self.approvals.find_mut(|r| r.at.seq == seq) {
            if let Some(data) = merged(&r.data, fields) {
                r.data = data;
            }
        } else if let Some(r) = self.submissions.find_mut(|r| r.at.seq == seq) {
            if let Some(data) = merged(&r.data, fields) {
                r.data = data;
            }
            self.submissions_by_stage.rebuild(&self.submissions);
        } else if let Some(r) = self.decisions.find_mut(|r| r.at.seq == seq) {
            r.rationale = text("rationale").unwrap_or_else(|| r.rationale.clone());
            r.decider = text("decider").unwrap_or_else(|| r.decider.clone());
        } else if let Some(r) = self.notes.find_mut(|r| r.at.seq == seq) {
            r.text = text("text").unwrap_or_else(|| r.text.clone());
        } else if let Some(person) = text("person") {
            self.role_history
                .update_where(|r| r.at.seq == seq, |r| r.person.clone_from(&person));
            for r in self.roles.values_mut().filter(|r| r.at.seq == seq) {
                r.person.clone_from(&person);
            }
        }
    }

    /// The current value of a fact (corrections applied).
    pub fn fact(&self, id: &str) -> Option<&FactValue> {
        self.facts.get(id).and_then(FactState::current)
    }

    pub fn step(&self, id: &str) -> Option<&StepState> {
        self.steps.get(id)
    }

    pub fn status(&self, id: &str) -> StepStatus {
        self.steps.get(id).map(|s| s.status).unwrap_or_default()
    }

    pub fn is_exercise(&self) -> bool {
        self.created.as_ref().is_some_and(|c| c.exercise)
    }

    pub fn title(&self) -> &str {
        self.created.as_ref().map_or("", |c| c.title.as_str())
    }

    /// The incident's time zone (UTC when unknown or unparseable).
    pub fn timezone(&self) -> Tz {
        self.created
            .as_ref()
            .and_then(|c| c.timezone.parse().ok())
            .unwrap_or(chrono_tz::UTC)
    }

    /// Submissions that meet a clock stage, in journal order.
    pub fn submissions_for<'a>(
        &'a self,
        clock: &str,
        stage: &str,
    ) -> impl DoubleEndedIterator<Item = &'a SubmissionRecord> + use<'a> {
        self.submissions_meeting(&format!("{clock}.{stage}"))
    }

    /// Submissions that meet the stage `stage_ref` (`clock.stage`), in
    /// journal order.
    pub fn submissions_meeting<'a>(
        &'a self,
        stage_ref: &str,
    ) -> impl DoubleEndedIterator<Item = &'a SubmissionRecord> + use<'a> {
        self.submissions_by_stage
            .positions(stage_ref)
            .filter_map(|at| self.submissions.get(at))
    }

    /// The submissions meeting a clock stage, summed up (none when there
    /// are none): what the clocks read on every frame.
    pub fn stage_submissions(&self, clock: &str, stage: &str) -> Option<StageSubmissions> {
        self.submissions_by_stage
            .summary(&format!("{clock}.{stage}"))
    }

    /// Submissions recorded on a step, in journal order.
    pub fn submissions_on<'a>(
        &'a self,
        step: &str,
    ) -> impl DoubleEndedIterator<Item = &'a SubmissionRecord> + use<'a> {
        self.submissions_by_step
            .of(step)
            .filter_map(|at| self.submissions.get(at))
    }

    /// Drafts of a step's message, oldest first.
    pub fn drafts_for<'a>(
        &'a self,
        step: &str,
    ) -> impl DoubleEndedIterator<Item = &'a DraftRecord> + use<'a> {
        self.drafts_by_step
            .of(step)
            .filter_map(|at| self.drafts.get(at))
    }

    pub fn notes_for<'a>(
        &'a self,
        step: &str,
    ) -> impl DoubleEndedIterator<Item = &'a NoteRecord> + use<'a> {
        self.notes_by_step
            .of(step)
            .filter_map(|at| self.notes.get(at))
    }

    /// The latest decision on a fact.
    pub fn latest_decision(&self, fact: &str) -> Option<&DecisionRecord> {
        self.decisions_by_fact
            .last(fact)
            .and_then(|at| self.decisions.get(at))
    }

    /// Person holding a role now, if any.
    pub fn holder(&self, role: &str) -> Option<&str> {
        self.roles.get(role).map(|r| r.person.as_str())
    }

    /// Roles a person holds now.
    pub fn roles_of(&self, person: &str) -> Vec<&str> {
        self.roles
            .values()
            .filter(|r| r.person == person)
            .map(|r| r.role.as_str())
            .collect()
    }

    /// Observations of one kind, e.g. strengths.
    pub fn observations_of(
        &self,
        kind: event::ObservationKind,
    ) -> impl Iterator<Item = &ObservationRecord> {
        self.observations
            .iter()
            .filter(move |o| o.data.kind == kind)
    }

    /// Whether the drill's facilitator has held an inject (and not released it).
    pub fn is_held(&self, inject: &str) -> bool {
        self.drill_controls
            .iter()
            .rev()
            .find(|c| {
                c.data.inject.as_deref() == Some(inject)
                    && matches!(c.data.action, DrillAction::Hold | DrillAction::Unhold)
            })
            .is_some_and(|c| c.data.action == DrillAction::Hold)
    }

    pub fn delivered(&self, inject: &str) -> Option<&InjectRecord> {
        self.injects.iter().find(|i| i.inject == inject)
    }

    /// Evaluation recorded against an inject, latest first.
    pub fn evaluation_of(&self, inject: &str) -> Option<(Rating, &ObservationRecord)> {
        self.observations_by_inject
            .of(inject)
            .rev()
            .filter_map(|at| self.observations.get(at))
            .find_map(|o| o.data.rating.map(|r| (r, o)))
    }

    /// The latest drafted version of a step's message.
    pub fn latest_draft(&self, step: &str) -> Option<&DraftRecord> {
        self.drafts_by_step
            .last(step)
            .and_then(|at| self.drafts.get(at))
    }

    /// Whether a statement version has been approved. Read newest first:
    /// the version asked about is mostly the latest.
    pub fn is_approved(&self, step: &str, version: u32) -> bool {
        self.approvals_by_step
            .of(step)
            .rev()
            .filter_map(|at| self.approvals.get(at))
            .any(|a| a.data.version == version)
    }
}

#[cfg(test)]
mod index_tests;
