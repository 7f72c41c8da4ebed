//! The live runner's state and its pure update function.
//!
//! `App::update(msg, now)` turns key presses, journal acknowledgements and
//! ticks into new state and [`Effect`]s for the runtime (append an entry,
//! copy to the clipboard, quit). Run state is never edited here: every
//! action becomes a journal entry, shown as *saving* until the writer
//! acknowledges it, and the state is the replay of what was saved plus what
//! is still saving.

pub mod action;
mod auto_checkpoint;
mod burst;
mod clocks_view;
mod collect;
pub mod confirm;
pub mod dialog;
mod drill;
pub mod editor;
pub mod input;
pub mod key_config;
pub mod keymap;
pub mod live;
pub mod message;
mod message_view;
pub mod modes;
pub mod name_prompt;
pub mod picker;
mod record_actions;
mod retry;
pub mod review;
pub mod saved_lines;
mod screen;
mod search;
pub mod urgency;
pub mod view_keys;
pub mod words;

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::Arc;

use crate::app::input::{KeyCode, KeyEvent, KeyModifiers};
use chrono::{DateTime, Duration, Utc};

use self::action::Action;
use self::dialog::{
    ApproveDialog, AssignDialog, Attachment, Ctx, DecideDialog, FactsDialog, NoteDialog, Outcome,
    ReasonDialog, ReasonKind, SubmitDialog, Write,
};
use self::editor::Editor;
use self::keymap::{Key, Keymap};
use crate::clocks::{self, StageState};
use crate::drill::DrillState;
use crate::journal::event::{self, Payload};
use crate::journal::identity::Identity;
use crate::journal::writer::Ack;
use crate::journal::{Draft, Entry, Event, Line};
use crate::playbook::{Playbook, Step};
use crate::run::query::{self, StepView};
use crate::run::{self, RunState, StepStatus};

pub use self::dialog::{ObserveDialog, ObserveField};
pub use self::screen::{Pane, StepRow};

/// Inputs to the runner. Each is moved once, by value: boxing the large
/// variant would only add an allocation per journal write.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Msg {
    Key(KeyEvent),
    /// Keys the terminal delivered at once, in order: read together
    /// before the screen could be drawn again, as a paste arrives from a
    /// terminal that sends it as plain keystrokes.
    Burst(Vec<KeyEvent>),
    Paste(String),
    Ack(Ack),
    /// Time passed (elapsed counters, clocks, drill injects).
    Tick,
    /// The terminal changed size: only a redraw, never a domain tick.
    Resize,
    /// A sync of the team case ended.
    Synced(crate::case::live::SyncOutcome),
}

/// What the runtime must do for the runner (moved once, by value).
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Effect {
    /// Write `attachment` (if any) beside the journal, then append `draft`.
    Append {
        ticket: u64,
        draft: Draft,
        attachment: Option<Attachment>,
    },
    /// [`Effect::Append`] after a failed write, asked for by the responder:
    /// the writer first cuts what the failed write left, then appends.
    Retry {
        ticket: u64,
        draft: Draft,
        attachment: Option<Attachment>,
    },
    /// Put text on the terminal's clipboard (OSC 52).
    Clipboard(String),
    Quit,
    /// Sign a checkpoint of every line before it with the key at `key`,
    /// then append `draft` carrying it.
    Checkpoint {
        ticket: u64,
        draft: Draft,
        key: std::path::PathBuf,
    },
    /// Sync the team case through git, off the interface's thread.
    Sync,
    /// Hash the files at `paths` into the items of `draft` (an
    /// `evidence_added` entry), then append it.
    Collect {
        ticket: u64,
        draft: Draft,
        paths: Vec<std::path::PathBuf>,
    },
}

/// How a recent entry is shown in the journal tail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Saved {
    Saving,
    Saved(u64),
    Failed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct TailLine {
    pub ts: DateTime<Utc>,
    pub ticket: Option<u64>,
    pub status: Saved,
    pub entry: Entry,
}

/// A short-lived message at the bottom of the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub urgent: bool,
    pub until: DateTime<Utc>,
    /// The write this notice waits for, and what it says once that write
    /// is saved: "saving …" must not outlive the save.
    pub once_saved: Option<(u64, String)>,
}

/// The message view of a step (drafts, copy, record as sent).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageView {
    pub step: String,
    pub scroll: u16,
    /// Show this saved version instead of the live template.
    pub version: Option<u32>,
}

/// Navigating all clock stages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ClocksView {
    pub selected: usize,
    pub detail: bool,
}

/// Searching steps by title, id or instructions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchView {
    pub editor: Editor,
    pub selected: usize,
}

/// What has the keyboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    Normal,
    Help { scroll: u16 },
    Search(SearchView),
    Reason(ReasonDialog),
    Note(NoteDialog),
    Facts(FactsDialog),
    Decide(DecideDialog),
    Assign(AssignDialog),
    Message(MessageView),
    EditDraft { step: String, editor: Editor },
    Submit(SubmitDialog),
    Approve(ApproveDialog),
    Clocks(ClocksView),
    Observe(ObserveDialog),
    ConfirmQuit,
    Close(dialog::CloseDialog),
    Correct(dialog::CorrectDialog),
    Evidence(dialog::EvidenceDialog),
}

/// Drafts not yet acknowledged by the writer.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub ticket: u64,
    pub draft: Draft,
}

/// Letters arriving this soon after a dialog recorded and closed are
/// type-ahead (nobody reads the new screen that fast), never commands; a
/// key repeated this soon after a question was asked is no answer to it.
pub(crate) const TYPE_AHEAD_MS: i64 = 400;
/// How many recent entries the tail keeps.
pub(crate) const TAIL: usize = 64;
/// How long a notice stays.
const NOTICE_SECONDS: i64 = 10;
/// A "press again" question lapses after this long.
const CONFIRM_SECONDS: i64 = 5;

/// Its flags are independent toggles of the screen (hidden steps, my
/// roles, quitting, a pending discard), not a state machine in disguise.
#[derive(Debug, Clone)]
#[allow(clippy::struct_excessive_bools)]
pub struct App {
    pub playbook: Playbook,
    /// The replay of what the journal holds.
    saved: Arc<RunState>,
    /// `saved` plus every pending entry. While nothing is pending it is the
    /// same allocation as `saved`: a replayed state is about the journal's
    /// size, and a resumed run must not hold it twice before its first
    /// action.
    view: Arc<RunState>,
    pending: Vec<Pending>,
    /// An entry the writer refused; the journal is read-only from then on.
    pub write_error: Option<String>,
    pub tail: VecDeque<TailLine>,
    pub identity: Identity,
    /// The journal's file name (drafts are saved beside it).
    pub journal_file: String,
    /// The journal's folder, to name draft files in full; unset in tests.
    pub journal_dir: Option<std::path::PathBuf>,
    /// An action that asked "press again" and waits for its key.
    pub armed: Option<confirm::Question>,
    pub mode: Mode,
    pub focus: Pane,
    pub phase: usize,
    pub selected: Option<String>,
    pub item: usize,
    pub detail_scroll: u16,
    pub show_hidden: bool,
    pub mine_only: bool,
    pub notices: Vec<Notice>,
    /// Shown once on open: recovered torn writes, playbook changes.
    pub banners: Vec<String>,
    pub keymap: Keymap,
    /// The keys of the facilitator pane, search, clocks and message views.
    pub mode_keys: key_config::ModeKeys,
    /// Where the keys can be changed, as the help names it.
    pub config_path: String,
    pub now: DateTime<Utc>,
    pub quitting: bool,
    /// Esc was pressed on a dialog holding typed text: a second Esc
    /// discards it, any other key keeps editing.
    pub discard_armed: bool,
    /// Until then, letters typed on after a dialog recorded and closed are
    /// held back: they were meant for the dialog, not as commands.
    pub typed_ahead_until: Option<DateTime<Utc>>,
    next_ticket: u64,
    next_seq: u64,
    nudged: BTreeSet<(String, u8)>,
    /// Texts of drafted versions: (step, version) to text.
    pub draft_texts: BTreeMap<(String, u32), String>,
    pub drill: Option<DrillState>,
    auto: auto_checkpoint::AutoState,
    /// Set when the runner works inside a team case.
    pub team: Option<Box<live::Team>>,
    /// Entries the writer refused, kept whole for `Ctrl-R`.
    pub unsaved: Vec<retry::Unsaved>,
    /// Files to write before pending entries, by ticket (for a retry).
    attachments: BTreeMap<u64, Attachment>,
    /// A retry is under way: the journal takes entries again once saved.
    retrying: bool,
}

impl App {
    /// A runner over the journal's verified lines.
    pub fn new(
        playbook: Playbook,
        lines: &[Line],
        identity: Identity,
        journal_file: &str,
        keymap: Keymap,
        now: DateTime<Utc>,
    ) -> Self {
        let saved = saved_lines::SavedLines::of(&playbook, lines);
        Self::resumed(playbook, saved, identity, journal_file, keymap, now)
    }

    /// [`App::new`] over lines already replayed (as they were read).
    pub fn resumed(
        playbook: Playbook,
        lines: saved_lines::SavedLines,
        identity: Identity,
        journal_file: &str,
        keymap: Keymap,
        now: DateTime<Utc>,
    ) -> Self {
        let saved = Arc::new(lines.state);
        let tail = lines
            .tail
            .into_iter()
            .map(|entry| TailLine {
                ts: entry.ts,
                ticket: None,
                status: Saved::Saved(entry.seq),
                entry,
            })
            .collect();
        let banners = saved
            .warnings
            .iter()
            .filter(|w| matches!(w, run::Warning::PlaybookChanged { .. }))
            .map(ToString::to_string)
            .collect();
        let mut app = Self {
            view: Arc::clone(&saved),
            saved,
            playbook,
            pending: Vec::new(),
            write_error: None,
            tail,
            identity,
            journal_file: journal_file.to_string(),
            journal_dir: None,
            armed: None,
            mode: Mode::Normal,
            focus: Pane::Steps,
            phase: 0,
            selected: None,
            item: 0,
            detail_scroll: 0,
            show_hidden: false,
            mine_only: false,
            notices: Vec::new(),
            banners,
            keymap,
            mode_keys: key_config::ModeKeys::default(),
            config_path: "~/.config/runsheet/config.toml".into(),
            now,
            quitting: false,
            discard_armed: false,
            typed_ahead_until: None,
            next_ticket: 1,
            next_seq: lines.count,
            nudged: BTreeSet::new(),
            draft_texts: BTreeMap::new(),
            drill: None,
            auto: auto_checkpoint::AutoState::default(),
            team: None,
            unsaved: Vec::new(),
            attachments: BTreeMap::new(),
            retrying: false,
        };
        app.select_resume_point(lines.last_step);
        app.mark_passed_thresholds();
        app
    }

    /// The run as it stands, including entries still saving.
    pub fn state(&self) -> &RunState {
        &self.view
    }

    /// Entries submitted but not yet on disk.
    pub fn pending(&self) -> &[Pending] {
        &self.pending
    }

    pub fn tz(&self) -> chrono_tz::Tz {
        self.view.timezone()
    }

    /// "Now" for facts and clocks: scenario time in a drill, else wall time.
    pub fn domain_now(&self) -> DateTime<Utc> {
        self.scenario_clock()
            .map_or(self.now, |c| c.scenario_now(self.now))
    }

    /// The scenario clock facts and deadlines run on: the facilitator's
    /// own; in a participant's runner in a team drill (or a drill journal
    /// resumed without its panel), the one the journal's controls leave,
    /// which moves as the facilitator's controls arrive. `None` in an
    /// incident.
    pub fn scenario_clock(&self) -> Option<crate::drill::ScenarioClock> {
        match &self.drill {
            Some(d) => Some(d.clock),
            None => crate::drill::journal_clock(&self.view),
        }
    }

    pub fn ctx(&self) -> Ctx<'_> {
        Ctx {
            playbook: &self.playbook,
            state: &self.view,
            now: self.domain_now(),
            tz: self.tz(),
            actor: &self.identity.actor,
        }
    }

    /// [`App::ctx`] beside the mode a dialog key or paste acts on: the two
    /// borrows of `self` split once, here.
    fn ctx_and_mode(&mut self) -> (Ctx<'_>, &mut Mode) {
        let cx = Ctx {
            playbook: &self.playbook,
            state: &self.view,
            now: self.domain_now(),
            tz: self.view.timezone(),
            actor: &self.identity.actor,
        };
        (cx, &mut self.mode)
    }

    /// Selects the step the journal last acted on, so a resumed run opens
    /// where it was left; if that step is not listed (its `when:` no longer
    /// holds, or a note named a step still waiting on a fact), the next
    /// required step to do, else the first listed one. Never a hidden step:
    /// the list would show no cursor and a key would act on a step the
    /// responder cannot see.
    fn select_resume_point(&mut self, last_step: Option<String>) {
        let target = last_step
            .filter(|s| self.is_listed(s))
            .or_else(|| query::next_open(&self.playbook, &self.view, true).map(|s| s.id.clone()))
            .or_else(|| self.first_listed());
        match target {
            Some(step) => self.select_step(&step),
            None => self.selected = None,
        }
    }

    /// Whether `step` is a row of its phase's list as it is filtered now.
    fn is_listed(&self, step: &str) -> bool {
        self.playbook
            .phase_of(step)
            .is_some_and(|phase| self.rows(phase).iter().any(|r| r.id == step))
    }

    /// The first row of the first phase that lists any.
    fn first_listed(&self) -> Option<String> {
        (0..self.playbook.phases.len())
            .find_map(|phase| self.rows(phase).into_iter().next())
            .map(|row| row.id)
    }

    pub fn select_step(&mut self, step: &str) {
        if let Some(phase) = self.playbook.phase_of(step) {
            self.phase = phase;
            self.selected = Some(step.to_string());
            self.item = 0;
            self.detail_scroll = 0;
        }
    }

    /// The selected step, if it is in the current list.
    pub fn selected_step(&self) -> Option<&Step> {
        self.selected.as_deref().and_then(|s| self.playbook.step(s))
    }

    pub fn step_view<'a>(&'a self, step: &'a Step) -> StepView<'a> {
        query::step_view(&self.playbook, &self.view, step, self.domain_now())
    }

    /// Handles one input. `now` is the wall time it arrived at.
    pub fn update(&mut self, msg: Msg, now: DateTime<Utc>) -> Vec<Effect> {
        self.now = now;
        self.notices.retain(|n| n.until > now);
        if self.armed.as_ref().is_some_and(|q| q.until <= now) {
            self.armed = None;
        }
        let mut effects = match msg {
            Msg::Key(key) => self.key(&key),
            Msg::Burst(keys) => self.burst(&keys),
            Msg::Paste(text) => {
                self.paste(&text);
                Vec::new()
            }
            Msg::Ack(ack) => {
                let mut effects = self.ack(ack);
                effects.extend(self.checkpoint_on_phase_completion());
                effects.extend(self.quit_once_saved());
                effects
            }
            Msg::Tick => {
                let mut effects = self.tick();
                effects.extend(self.checkpoint_when_due());
                effects
            }
            Msg::Resize => Vec::new(),
            Msg::Synced(outcome) => {
                self.synced(outcome);
                Vec::new()
            }
        };
        if self.quitting && self.pending.is_empty() && !effects.contains(&Effect::Quit) {
            effects.push(Effect::Quit);
        }
        effects
    }

    /// Asks "press again": the question shows until the next key or until
    /// it lapses, whichever comes first.
    fn ask_again(&mut self, action: confirm::Armed, question: String) {
        let until = self.now + Duration::seconds(CONFIRM_SECONDS);
        self.notices.push(Notice {
            text: question.clone(),
            urgent: true,
            until,
            once_saved: None,
        });
        self.armed = Some(confirm::Question {
            action,
            text: question,
            readable_from: self.now + Duration::milliseconds(TYPE_AHEAD_MS),
            until,
        });
    }

    /// Any key answers a pending question: its notice goes at once, and
    /// the action a repeat would confirm is returned once the question
    /// could be read and while it has not lapsed. A repeat that comes too
    /// soon is no yes: the action asks again.
    fn answer_question(&mut self) -> Option<confirm::Armed> {
        let question = self.armed.take()?;
        self.notices.retain(|n| n.text != question.text);
        question.answered_at(self.now)
    }

    fn notice(&mut self, text: impl Into<String>, urgent: bool) {
        self.notices.push(Notice {
            text: text.into(),
            urgent,
            until: self.now + Duration::seconds(NOTICE_SECONDS),
            once_saved: None,
        });
    }

    /// A notice about the write `ticket` while it is saving, which says
    /// `saved` once the journal holds it (and goes if the write fails).
    fn notice_until_saved(&mut self, ticket: u64, saving: String, saved: String) {
        self.notices.push(Notice {
            text: saving,
            urgent: false,
            until: self.now + Duration::seconds(NOTICE_SECONDS),
            once_saved: Some((ticket, saved)),
        });
    }

    /// The notices waiting for write `ticket`: told it saved, or dropped
    /// when it failed (the failure has its own banner).
    fn settle_notices(&mut self, ticket: u64, saved: bool) {
        let until = self.now + Duration::seconds(NOTICE_SECONDS);
        self.notices
            .retain_mut(|n| match n.once_saved.take_if(|(t, _)| *t == ticket) {
                Some((_, text)) if saved => {
                    n.text = text;
                    n.until = until;
                    true
                }
                Some(_) => false,
                None => true,
            });
    }

    /// Turns events into drafts for the writer, stamped now.
    fn record(&mut self, writes: Vec<Write>) -> Vec<Effect> {
        if let Some(error) = &self.write_error {
            let text =
                format!("not recorded: the journal is read-only after a write error ({error})");
            self.notice(text, true);
            return Vec::new();
        }
        let mut effects = Vec::new();
        for write in writes {
            let scenario_ms = self.scenario_clock().map(|c| c.scenario_ms(self.now));
            effects.push(self.queue(write, scenario_ms));
        }
        #[cfg(debug_assertions)]
        {
            let incremental = self.view.clone();
            self.rebuild_view();
            debug_assert_eq!(incremental, self.view, "incremental view differs");
        }
        effects
    }

    /// Records the start of this session, as the first entry the writer
    /// saves. The runner is shown while it is saved: on a long journal
    /// the first frame need not wait for the disk's flush, and the entry
    /// shows as saving until it is acknowledged, like any other. Its
    /// `scenario_ms` stays unset, as when it was written before the runner.
    pub fn open_session(&mut self, event: Event) -> Vec<Effect> {
        vec![self.queue(Write::event(event), None)]
    }

    /// One write stamped now, made pending and applied to the view: the
    /// effect that hands it to the writer.
    fn queue(&mut self, write: Write, scenario_ms: Option<u64>) -> Effect {
        let draft = Draft {
            ts: self.now,
            mono_ms: 0,
            scenario_ms,
            session: self.identity.session.clone(),
            actor: self.identity.actor.clone(),
            event: write.event,
        };
        let ticket = self.next_ticket;
        self.next_ticket += 1;
        let draft = self.for_journal(draft);
        let provisional = self
            .for_view(draft.clone())
            .into_entry(self.next_seq + self.pending.len() as u64, String::new());
        // The view is the saved state plus every pending entry in
        // order: applying the new one keeps it so without cloning the
        // whole state, whose size grows with the journal.
        // The first entry pending separates the view from the saved
        // state (one copy); later ones apply to the view alone.
        Arc::make_mut(&mut self.view).apply(&self.playbook, &provisional);
        self.tail.push_back(TailLine {
            ts: draft.ts,
            ticket: Some(ticket),
            status: Saved::Saving,
            entry: provisional,
        });
        while self.tail.len() > TAIL {
            self.tail.pop_front();
        }
        self.pending.push(Pending {
            ticket,
            draft: draft.clone(),
        });
        if let Some(a) = &write.attachment {
            self.attachments.insert(ticket, a.clone());
        }
        Effect::Append {
            ticket,
            draft,
            attachment: write.attachment,
        }
    }

    /// Saved state plus what is still saving (applied in order).
    fn rebuild_view(&mut self) {
        if self.pending.is_empty() {
            self.view = Arc::clone(&self.saved);
            return;
        }
        let mut view = RunState::clone(&self.saved);
        for (i, p) in self.pending.iter().enumerate() {
            let entry = self
                .for_view(p.draft.clone())
                .into_entry(self.next_seq + i as u64, String::new());
            view.apply(&self.playbook, &entry);
        }
        self.view = Arc::new(view);
    }

    fn ack(&mut self, ack: Ack) -> Vec<Effect> {
        match &ack {
            Ack::Saved { ticket, .. } => self.settle_notices(*ticket, true),
            Ack::Failed { ticket, .. } | Ack::Skipped { ticket, .. } => {
                self.settle_notices(*ticket, false);
            }
        }
        match ack {
            Ack::Saved { ticket, line } if self.team.is_some() => {
                let effects = self.case_saved(ticket, &line).unwrap_or_default();
                self.saved_after_retry(ticket);
                return effects;
            }
            Ack::Saved { ticket, line } => {
                // The oldest pending entry saved at the seq it was shown with:
                // the view already includes it, so no rebuild is needed.
                let in_order = self.pending.first().is_some_and(|p| p.ticket == ticket)
                    && line.entry.seq == self.next_seq;
                self.pending.retain(|p| p.ticket != ticket);
                self.saved_after_retry(ticket);
                let control = line.entry.kind == crate::journal::Kind::DrillControl;
                Arc::make_mut(&mut self.saved).apply(&self.playbook, &line.entry);
                self.next_seq = line.entry.seq + 1;
                if let Some(t) = self.tail.iter_mut().find(|t| t.ticket == Some(ticket)) {
                    t.status = Saved::Saved(line.entry.seq);
                    t.entry = line.entry;
                }
                if control {
                    // The clock moves now that the journal holds the
                    // control; injects it made due are delivered.
                    self.sync_drill_clock();
                    if !in_order {
                        self.rebuild_view();
                    }
                    return self.drill_tick();
                }
                if in_order {
                    return Vec::new();
                }
            }
            Ack::Failed { ticket, error } => {
                self.keep_unsaved(ticket);
                self.pending.retain(|p| p.ticket != ticket);
                if let Some(t) = self.tail.iter_mut().find(|t| t.ticket == Some(ticket)) {
                    t.status = Saved::Failed(error.to_string());
                }
                self.write_error = Some(error.to_string());
            }
            Ack::Skipped { ticket, reason } => {
                self.write_skipped(ticket, reason);
                return Vec::new();
            }
        }
        self.rebuild_view();
        Vec::new()
    }

    fn tick(&mut self) -> Vec<Effect> {
        self.nudge_clocks();
        let mut effects = self.sync_if_due();
        if self.drill.is_some() {
            effects.extend(self.drill_tick());
        }
        effects
    }

    /// Thresholds already passed when the journal opens are not announced.
    fn mark_passed_thresholds(&mut self) {
        self.nudge_clocks();
        self.notices.clear();
    }

    /// A notice when a running clock passes 75 % and 90 % of its time, and
    /// when it is breached.
    fn nudge_clocks(&mut self) {
        let now = self.domain_now();
        let mut fresh = Vec::new();
        for v in clocks::evaluate(&self.playbook, &self.view, now) {
            let key = format!("{}.{}", v.clock.id, v.stage.id);
            let level = match &v.state {
                StageState::Breached {
                    submitted: None, ..
                } => 100,
                StageState::Running { used, .. } if *used >= 0.9 => 90,
                StageState::Running { used, .. } if *used >= 0.75 => 75,
                _ => continue,
            };
            if self.nudged.insert((key.clone(), level)) {
                let text = match level {
                    100 => format!("⚠ DEADLINE PASSED: {} — {}", key, v.stage.title),
                    _ => format!("⏰ {level}% of the time used: {} — {}", key, v.stage.title),
                };
                fresh.push((text, level >= 90));
            }
        }
        for (text, urgent) in fresh {
            self.notice(text, urgent);
        }
    }

    /// Pasted text goes wherever typed text would go, in every mode that
    /// takes text.
    fn paste(&mut self, text: &str) {
        self.discard_armed = false;
        let (cx, mode) = self.ctx_and_mode();
        match mode {
            Mode::Note(d) => d.editor.insert(text),
            Mode::EditDraft { editor, .. } => editor.insert(text),
            Mode::Reason(d) => d.editor.insert(text),
            Mode::Search(s) => s.editor.insert(text),
            Mode::Facts(d) => d.paste(text, cx),
            Mode::Decide(d) => d.paste(text),
            Mode::Assign(d) => d.paste(text),
            Mode::Submit(d) => d.paste(text),
            Mode::Approve(d) => d.paste(text),
            Mode::Observe(d) => d.paste(text),
            Mode::Close(d) => d.paste(text),
            Mode::Correct(d) => d.paste(text),
            Mode::Evidence(d) => d.paste(text),
            _ => {}
        }
    }

    /// A key in the screen a dialog just closed onto, within the
    /// type-ahead window, that is text or would run a command (Enter
    /// starts a step, Space ticks an item, a rebound key marks one done):
    /// dropped with a notice. A key that only moves, or does nothing here,
    /// ends the window at once.
    fn held_as_type_ahead(&mut self, key: &KeyEvent) -> bool {
        let Some(until) = self.typed_ahead_until else {
            return false;
        };
        let commands_here = matches!(self.mode, Mode::Normal | Mode::Message(_));
        let typed_on = key.printable().is_some() || self.runs_a_command(key);
        if !commands_here || !typed_on || self.now >= until {
            self.typed_ahead_until = None;
            return false;
        }
        // Each held key keeps the window open, so a burst is held whole.
        self.typed_ahead_until = Some(self.now + Duration::milliseconds(TYPE_AHEAD_MS));
        self.notice(
            "keys typed right after saving were not used as commands",
            false,
        );
        true
    }

    /// Whether `key` means more than moving around on this screen: the
    /// facilitator pane's keys while it has the focus, the message view's
    /// or the step list's otherwise.
    fn runs_a_command(&self, key: &KeyEvent) -> bool {
        if let Mode::Message(_) = self.mode {
            return self
                .mode_keys
                .message
                .action(key)
                .is_some_and(|a| !a.only_moves());
        }
        if self.focus == Pane::Drill
            && self.drill.is_some()
            && let Some(action) = self.mode_keys.facilitator.action(key)
        {
            return !action.only_moves();
        }
        self.keymap
            .action(Key::from_event(key))
            .is_some_and(|a| !a.only_moves())
    }

    /// Whether Esc now would throw away text the responder typed.
    fn esc_would_discard(&self) -> bool {
        match &self.mode {
            Mode::Reason(d) => d.typed(),
            Mode::Note(d) => d.typed(),
            Mode::Facts(d) => d.amend.is_none() && d.typed(),
            Mode::Decide(d) => d.typed(),
            Mode::Assign(d) => d.typed(),
            Mode::Submit(d) => d.typed(),
            Mode::Approve(d) => d.typed(),
            Mode::Observe(d) => d.typed(),
            Mode::Close(d) => d.typed(),
            Mode::Correct(d) => d.typed(),
            Mode::Evidence(d) => d.typed(),
            Mode::EditDraft { editor, .. } => editor.is_edited(),
            _ => false,
        }
    }

    /// Esc on a dialog holding typed text asks first: `true` when this
    /// key was that question (and is used up).
    fn guard_discard(&mut self, key: &KeyEvent) -> bool {
        if key.code != KeyCode::Esc {
            self.discard_armed = false;
            return false;
        }
        if self.discard_armed || !self.esc_would_discard() {
            self.discard_armed = false;
            return false;
        }
        self.discard_armed = true;
        true
    }

    fn key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        let answer = self.answer_question();
        if key.modifiers.contains(KeyModifiers::CONTROL)
            && key.code == KeyCode::Char('c')
            && self.mode == Mode::Normal
        {
            return self.request_quit();
        }
        if key.modifiers.contains(KeyModifiers::CONTROL)
            && key.code == KeyCode::Char('r')
            && !self.unsaved.is_empty()
        {
            return self.retry_unsaved();
        }
        if self.held_as_type_ahead(key) {
            return Vec::new();
        }
        let cx_outcome = match &mut self.mode {
            Mode::Normal => return self.normal_key(key, answer.as_ref()),
            Mode::Help { scroll } => {
                match key.code {
                    KeyCode::Down | KeyCode::Char('j') => *scroll = scroll.saturating_add(1),
                    KeyCode::Up | KeyCode::Char('k') => *scroll = scroll.saturating_sub(1),
                    _ => self.mode = Mode::Normal,
                }
                return Vec::new();
            }
            Mode::ConfirmQuit => {
                if matches!(key.code, KeyCode::Char('y' | 'Y')) {
                    // Queued writes (this one included) are finished by the
                    // runtime before it exits; the session still ends.
                    let mut effects = self.end_session("quit");
                    if !effects.contains(&Effect::Quit) {
                        effects.push(Effect::Quit);
                    }
                    return effects;
                }
                self.mode = Mode::Normal;
                return Vec::new();
            }
            Mode::Search(_) => return self.search_key(key),
            Mode::Clocks(_) => return self.clocks_key(key),
            Mode::Message(_) => return self.message_key(key),
            Mode::Evidence(_) => return self.evidence_key(key),
            _ => {
                if self.guard_discard(key) {
                    return Vec::new();
                }
                if matches!(self.mode, Mode::EditDraft { .. }) {
                    return self.edit_draft_key(key);
                }
                if matches!(self.mode, Mode::Correct(_)) {
                    return self.correct_key(key);
                }
                self.dialog_key(key)
            }
        };
        self.apply_outcome(cx_outcome)
    }

    fn dialog_key(&mut self, key: &KeyEvent) -> Outcome {
        let (cx, mode) = self.ctx_and_mode();
        match mode {
            Mode::Reason(d) => d.key(key),
            Mode::Note(d) => d.key(key),
            Mode::Facts(d) => d.key(key, cx),
            Mode::Decide(d) => d.key(key, cx),
            Mode::Assign(d) => d.key(key, cx),
            Mode::Submit(d) => d.key(key, cx),
            Mode::Approve(d) => d.key(key),
            Mode::Observe(d) => d.key(key),
            Mode::Close(d) => d.key(key, cx),
            _ => Outcome::Stay,
        }
    }

    fn apply_outcome(&mut self, outcome: Outcome) -> Vec<Effect> {
        match outcome {
            Outcome::Stay => Vec::new(),
            Outcome::Close => {
                self.close_dialog();
                Vec::new()
            }
            Outcome::Record(writes) => {
                self.close_dialog();
                self.typed_ahead_until = Some(self.now + Duration::milliseconds(TYPE_AHEAD_MS));
                self.record(writes)
            }
            Outcome::RecordAndStay(writes) => self.record(writes),
        }
    }

    /// Dialogs opened from the message view return to it.
    fn close_dialog(&mut self) {
        self.mode = match &self.mode {
            Mode::Submit(d) if !d.then_done && self.has_message(&d.step) => {
                Mode::Message(MessageView {
                    step: d.step.clone(),
                    scroll: 0,
                    version: None,
                })
            }
            Mode::Approve(d) => Mode::Message(MessageView {
                step: d.step.clone(),
                scroll: 0,
                version: None,
            }),
            _ => Mode::Normal,
        };
    }

    /// A quit asked about only because entries were still saving goes
    /// ahead once the last is saved: the reason to ask is gone (a quit
    /// right after resuming finds the session's start still saving).
    fn quit_once_saved(&mut self) -> Vec<Effect> {
        if self.mode != Mode::ConfirmQuit
            || !self.pending.is_empty()
            || self.write_error.is_some()
            || self.quitting
        {
            return Vec::new();
        }
        self.mode = Mode::Normal;
        self.end_session("quit")
    }

    fn request_quit(&mut self) -> Vec<Effect> {
        // Never quit silently over entries still saving or not saved.
        if !self.pending.is_empty() || self.write_error.is_some() {
            self.mode = Mode::ConfirmQuit;
            return Vec::new();
        }
        self.end_session("quit")
    }

    /// Ends the session on a signal: the entry is queued; the runtime waits
    /// (bounded) for it and quits.
    pub fn end_session(&mut self, reason: &str) -> Vec<Effect> {
        self.quitting = true;
        if self.write_error.is_some() {
            return vec![Effect::Quit];
        }
        let mut writes: Vec<Write> = self.pause_on_exit().into_iter().collect();
        writes.push(Write::event(Event::new(Payload::SessionEnded(
            event::SessionEnded {
                reason: reason.into(),
            },
        ))));
        let mut effects = self.record(writes);
        effects.extend(self.checkpoint_on_quit());
        effects
    }

    fn normal_key(&mut self, key: &KeyEvent, answer: Option<&confirm::Armed>) -> Vec<Effect> {
        if let Some(effects) = self.drill_key(key) {
            return effects;
        }
        let Some(action) = self.keymap.action(Key::from_event(key)) else {
            if let KeyCode::Char(c @ '1'..='9') = key.code {
                return self.toggle_item(c as usize - '1' as usize);
            }
            return Vec::new();
        };
        self.act(action, answer)
    }

    /// Carries out an action in normal mode. `answer` is the question the
    /// key answered, if one was asked: only the same action on the same
    /// step says yes.
    pub fn act(&mut self, action: Action, armed: Option<&confirm::Armed>) -> Vec<Effect> {
        match action {
            Action::MoveUp => self.move_cursor(-1),
            Action::MoveDown => self.move_cursor(1),
            Action::NextPane => {
                self.focus = if self.focus == Pane::Detail && self.drill.is_some() {
                    Pane::Drill
                } else {
                    self.focus.next()
                };
            }
            Action::PrevPane => {
                self.focus = if self.focus == Pane::Phases && self.drill.is_some() {
                    Pane::Drill
                } else {
                    self.focus.prev()
                };
            }
            Action::NextPhase => self.change_phase(1),
            Action::PrevPhase => self.change_phase(-1),
            Action::PageUp => self.detail_scroll = self.detail_scroll.saturating_sub(8),
            Action::PageDown => self.detail_scroll = self.detail_scroll.saturating_add(8),
            Action::Open => return self.open(armed),
            Action::Done => return self.done(armed),
            Action::Skip => self.with_step(|app, step| {
                app.mode = Mode::Reason(ReasonDialog::new(ReasonKind::Skip, step));
            }),
            Action::Block => self.with_step(|app, step| {
                app.mode = Mode::Reason(ReasonDialog::new(ReasonKind::Block, step));
            }),
            Action::Reopen => self.reopen(),
            Action::Note => {
                let step = if self.focus == Pane::Phases {
                    None
                } else {
                    self.selected.clone()
                };
                self.mode = Mode::Note(NoteDialog::new(step.as_deref()));
            }
            Action::Evidence => self.open_evidence(),
            Action::Answer => self.answer(),
            Action::Decide => self.decide(),
            Action::Assign => {
                let roles: Vec<String> = self.playbook.roles.iter().map(|r| r.id.clone()).collect();
                if roles.is_empty() {
                    self.notice("this playbook defines no roles", false);
                } else {
                    let pre = self.selected_step().and_then(|s| s.role.clone());
                    let dialog = AssignDialog::new(roles, pre.as_deref(), self.ctx());
                    self.mode = Mode::Assign(dialog);
                }
            }
            Action::Message => self.with_step(Self::open_message),
            Action::Clocks => {
                if self.playbook.clocks.is_empty() {
                    self.notice("this playbook has no deadline clocks", false);
                } else {
                    self.mode = Mode::Clocks(ClocksView::default());
                }
            }
            Action::ToggleItem => return self.toggle_item(self.item),
            Action::Search => {
                self.mode = Mode::Search(SearchView {
                    editor: Editor::single(""),
                    selected: 0,
                });
            }
            Action::NextRequired => self.next_required(),
            Action::MyRoles => {
                self.mine_only = !self.mine_only;
                if self.mine_only && self.view.roles_of(&self.identity.actor).is_empty() {
                    self.notice(
                        format!(
                            "{} holds no role yet: assign one with `o`",
                            self.identity.actor
                        ),
                        false,
                    );
                }
                self.keep_selection_listed();
            }
            Action::ShowHidden => {
                self.show_hidden = !self.show_hidden;
                self.keep_selection_listed();
            }
            Action::Help => self.mode = Mode::Help { scroll: 0 },
            Action::Quit => return self.request_quit(),
            Action::Sync => return self.sync_now(),
            Action::CloseIncident => self.close_incident(),
            Action::Correct => self.correct(),
        }
        Vec::new()
    }

    fn with_step(&mut self, f: impl FnOnce(&mut Self, &str)) {
        match self.selected.clone() {
            Some(step) if self.focus != Pane::Phases => f(self, &step),
            _ => self.notice("select a step first", false),
        }
    }

    fn open(&mut self, armed: Option<&confirm::Armed>) -> Vec<Effect> {
        match self.focus {
            Pane::Phases | Pane::Drill => {
                self.focus = Pane::Steps;
                Vec::new()
            }
            Pane::Detail => self.toggle_item(self.item),
            Pane::Steps => {
                let Some(step) = self.selected.clone() else {
                    return Vec::new();
                };
                match self.view.status(&step) {
                    StepStatus::Open | StepStatus::Blocked => {
                        let question = self
                            .selected_step()
                            .and_then(|s| confirm::start_question(s, &self.playbook, &self.view));
                        let yes = armed == Some(&confirm::Armed::Start(step.clone()))
                            || self.write_error.is_some();
                        if let Some(question) = question.filter(|_| !yes) {
                            self.ask_again(confirm::Armed::Start(step), question);
                            return Vec::new();
                        }
                        let waiting = self
                            .selected_step()
                            .map(|s| {
                                self.step_view(s)
                                    .waiting_for
                                    .iter()
                                    .map(|w| (*w).to_string())
                                    .collect::<Vec<_>>()
                            })
                            .unwrap_or_default();
                        if !waiting.is_empty() {
                            self.notice(
                                format!(
                                    "note: this step normally follows {}",
                                    words::step_titles(&self.playbook, &waiting)
                                ),
                                false,
                            );
                        }
                        self.record(vec![Write::event(Event::on_step(
                            step,
                            Payload::StepStarted(event::Empty {}),
                        ))])
                    }
                    StepStatus::InProgress => {
                        self.focus = Pane::Detail;
                        Vec::new()
                    }
                    StepStatus::Done | StepStatus::Skipped => {
                        // Keys stay in the list: a closed step's checklist
                        // is not something to tick by momentum.
                        self.notice(
                            "this step is closed: `r` reopens it; Tab shows its details",
                            false,
                        );
                        Vec::new()
                    }
                }
            }
        }
    }

    fn done(&mut self, armed: Option<&confirm::Armed>) -> Vec<Effect> {
        let Some(step) = self.selected_step().cloned() else {
            self.notice("select a step first", false);
            return Vec::new();
        };
        if self.view.status(&step.id) == StepStatus::Done {
            self.notice("already done (reopen it with `r`)", false);
            return Vec::new();
        }
        // A step that meets a clock stage records the submission first.
        let unmet: Vec<String> = step
            .satisfies
            .iter()
            .map(ToString::to_string)
            .filter(|r| crate::clocks::stage_applies(&self.playbook, &self.view, r))
            .filter(|r| self.view.submissions_meeting(r).next().is_none())
            .collect();
        if !unmet.is_empty() {
            self.open_submit(&step, unmet, true);
            return Vec::new();
        }
        // The submission form above is its own confirmation; a read-only
        // journal refuses in `record`, so asking first would only delay that.
        let yes =
            armed == Some(&confirm::Armed::Done(step.id.clone())) || self.write_error.is_some();
        if let Some(question) = confirm::done_question(&step, &self.view).filter(|_| !yes) {
            self.ask_again(confirm::Armed::Done(step.id.clone()), question);
            return Vec::new();
        }
        let unanswered: Vec<&str> = step
            .capture
            .iter()
            .filter(|f| self.view.fact(f).is_none())
            .map(String::as_str)
            .collect();
        if !unanswered.is_empty() {
            let text = format!("done, but not answered yet: {}", unanswered.join(", "));
            self.notice(text, false);
        }
        self.record(vec![Write::event(Event::on_step(
            step.id.clone(),
            Payload::StepDone(event::StepDone::default()),
        ))])
    }

    fn reopen(&mut self) {
        self.with_step(|app, step| {
            if app.view.status(step) == StepStatus::Open {
                app.notice("the step is already open", false);
            } else {
                app.mode = Mode::Reason(ReasonDialog::new(ReasonKind::Reopen, step));
            }
        });
    }

    /// `a`: the selected step's facts, or every fact when the step asks
    /// none or the phases pane has the keys (the way to a fact no step
    /// asks, which the message view's gap hints point to).
    fn answer(&mut self) {
        let step = self
            .selected_step()
            .filter(|_| self.focus != Pane::Phases)
            .cloned();
        let facts: Vec<String> = match &step {
            Some(s) if !s.capture.is_empty() => s.capture.clone(),
            _ => self.playbook.facts.iter().map(|f| f.id.clone()).collect(),
        };
        if facts.is_empty() {
            self.notice("this playbook defines no facts", false);
            return;
        }
        let on = step.filter(|s| !s.capture.is_empty()).map(|s| s.id);
        let dialog = FactsDialog::open(on.as_deref(), facts, self.ctx());
        self.mode = Mode::Facts(dialog);
    }

    fn decide(&mut self) {
        let Some(step) = self.selected_step().cloned() else {
            self.notice("select a step first", false);
            return;
        };
        let Some(decide) = &step.decide else {
            self.notice("this step has no decision", false);
            return;
        };
        let Some(def) = self.playbook.fact(&decide.fact) else {
            return;
        };
        let decider = step
            .role
            .as_deref()
            .and_then(|r| self.view.holder(r))
            .unwrap_or(&self.identity.actor)
            .to_string();
        self.mode = Mode::Decide(DecideDialog::new(
            &step.id,
            def,
            &decide.prompt,
            &decider,
            &self.view,
        ));
    }

    fn toggle_item(&mut self, item: usize) -> Vec<Effect> {
        let Some(step) = self.selected_step().cloned() else {
            return Vec::new();
        };
        let Some(text) = step.checklist.get(item) else {
            if step.checklist.is_empty() {
                self.notice("this step has no checklist", false);
            }
            return Vec::new();
        };
        self.item = item;
        let checked = !self.view.step(&step.id).is_some_and(|s| s.is_checked(item));
        self.record(vec![Write::event(Event::on_step(
            step.id.clone(),
            Payload::ChecklistItem(event::ChecklistItem {
                item,
                text: text.clone(),
                checked,
            }),
        ))])
    }

    /// `g`: the most urgent required step the responder can act on, and why.
    fn next_required(&mut self) {
        let Some(found) = urgency::most_urgent(&self.playbook, &self.view, self.domain_now())
        else {
            self.notice("no required step is open that waits on nothing", false);
            return;
        };
        self.select_step(&found.step);
        self.focus = Pane::Steps;
        let title = urgency::title(&self.playbook, &found.step).to_string();
        self.notice(format!("→ {title}: {}", found.why), false);
    }

    /// After a filter changes, the selection (and so the Details pane)
    /// stays on a listed row: the first one when the old one went away.
    fn keep_selection_listed(&mut self) {
        let rows = self.rows(self.phase);
        if !rows.iter().any(|r| Some(&r.id) == self.selected.as_ref()) {
            self.selected = rows.first().map(|r| r.id.clone());
            self.item = 0;
            self.detail_scroll = 0;
        }
    }

    fn change_phase(&mut self, delta: isize) {
        let count = self.playbook.phases.len();
        if count == 0 {
            return;
        }
        self.phase = if delta < 0 {
            (self.phase + count - 1) % count
        } else {
            (self.phase + 1) % count
        };
        self.selected = self.rows(self.phase).first().map(|r| r.id.clone());
        self.item = 0;
        self.detail_scroll = 0;
    }

    fn move_cursor(&mut self, delta: isize) {
        match self.focus {
            Pane::Phases => self.change_phase(delta),
            Pane::Steps => {
                let rows = self.rows(self.phase);
                if rows.is_empty() {
                    return;
                }
                let here = self
                    .selected
                    .as_deref()
                    .and_then(|s| rows.iter().position(|r| r.id == s))
                    .unwrap_or(0);
                let next = here.saturating_add_signed(delta).min(rows.len() - 1);
                self.selected = Some(rows[next].id.clone());
                self.item = 0;
                self.detail_scroll = 0;
            }
            Pane::Detail | Pane::Drill => {
                let items = self.selected_step().map_or(0, |s| s.checklist.len());
                if items > 0 {
                    self.item = self.item.saturating_add_signed(delta).min(items - 1);
                } else if delta > 0 {
                    self.detail_scroll = self.detail_scroll.saturating_add(1);
                } else {
                    self.detail_scroll = self.detail_scroll.saturating_sub(1);
                }
            }
        }
    }

    /// Rows of a phase's step list, filtered as the responder asked.
    pub fn rows(&self, phase: usize) -> Vec<StepRow> {
        screen::rows(self, phase)
    }
}

#[cfg(test)]
mod action_tests;
#[cfg(test)]
mod live_tests;
#[cfg(test)]
mod proof_tests;
#[cfg(test)]
mod tests;
