//! The one task that owns the terminal.
//!
//! [`Core`] connects the pure [`App`] to the journal writer thread and the
//! clipboard; it has no terminal and drives headless tests. The event loop
//! around it selects over terminal events, writer acknowledgements, a tick
//! and signals, and redraws only when something changed. The terminal is
//! restored on every exit path: normal quit, error, SIGTERM/SIGHUP, and
//! panic (ratatui's hook, kept).

mod case_link;
mod follow;
mod keys;

pub use follow::recheck_drafts;

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration as StdDuration;

use base64::Engine as _;
use futures_util::StreamExt as _;
use ratatui::crossterm::event::{self as ct, Event as TermEvent, EventStream, KeyEventKind};
use ratatui::{DefaultTerminal, Frame};
use tokio::sync::Notify;

use crate::app::name_prompt::NamePrompt;
use crate::app::picker::{Choice, Picker};
use crate::app::{App, Effect, Msg};
use crate::journal::writer::{Ack, Append, Writer};
use crate::time::TimeSource;
use crate::ui::name_prompt::NamePromptView;
use crate::ui::picker::PickerView;
use crate::ui::{RunnerView, Theme};

/// How long quitting waits for a team case's sync under way to end.
const SYNC_QUIT_BOUND: StdDuration = StdDuration::from_secs(20);

/// How long quitting waits for the last entries to be acknowledged.
const QUIT_BOUND: StdDuration = StdDuration::from_secs(5);

/// The app, its writer and its clipboard, without a terminal.
pub struct Core {
    pub app: App,
    writer: Writer,
    acks: mpsc::Receiver<Ack>,
    wake: Arc<Notify>,
    clock: Arc<dyn TimeSource>,
    clipboard: Box<dyn FnMut(&str) + Send>,
    pub quit: bool,
    /// Where the journal is, for the message printed on exit.
    pub journal_path: Option<PathBuf>,
    /// The watch and the syncs of a runner inside a team case.
    case: Option<case_link::CaseLink>,
}

pub use case_link::SyncJob;

impl std::fmt::Debug for Core {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Core")
            .field("quit", &self.quit)
            .finish_non_exhaustive()
    }
}

impl Core {
    /// Starts the writer thread over `target` (an open, locked journal).
    pub fn new(
        app: App,
        target: Box<dyn Append>,
        clock: Arc<dyn TimeSource>,
        clipboard: Box<dyn FnMut(&str) + Send>,
    ) -> Self {
        let (tx, acks) = mpsc::channel();
        let wake = Arc::new(Notify::new());
        let waker = Arc::clone(&wake);
        let writer = Writer::spawn(target, move |ack| {
            let _ = tx.send(ack);
            waker.notify_one();
        });
        Self {
            app,
            writer,
            acks,
            wake,
            clock,
            clipboard,
            quit: false,
            journal_path: None,
            case: None,
        }
    }

    /// Hands the start of this session to the writer (see
    /// [`App::open_session`]).
    pub fn open_session(&mut self, event: crate::journal::Event) {
        let effects = self.app.open_session(event);
        self.run_effects(effects);
    }

    /// Feeds one input to the app and carries out its effects.
    pub fn handle(&mut self, msg: Msg) {
        let effects = self.app.update(msg, self.clock.now());
        self.run_effects(effects);
    }

    fn run_effects(&mut self, effects: Vec<Effect>) {
        for effect in effects {
            match effect {
                Effect::Append {
                    ticket,
                    mut draft,
                    attachment,
                } => {
                    // The pure app has no monotonic clock; the shell stamps it.
                    draft.mono_ms = self.clock.mono_ms();
                    let attachment = attachment.map(|a| (a.file_name, a.text));
                    if let Err(error) = self.writer.submit(ticket, draft, attachment) {
                        let effects = self
                            .app
                            .update(Msg::Ack(Ack::Failed { ticket, error }), self.clock.now());
                        self.run_effects(effects);
                    }
                }
                Effect::Retry {
                    ticket,
                    mut draft,
                    attachment,
                } => {
                    draft.mono_ms = self.clock.mono_ms();
                    let attachment = attachment.map(|a| (a.file_name, a.text));
                    if let Err(error) = self.writer.retry(ticket, draft, attachment) {
                        let effects = self
                            .app
                            .update(Msg::Ack(Ack::Failed { ticket, error }), self.clock.now());
                        self.run_effects(effects);
                    }
                }
                Effect::Clipboard(text) => (self.clipboard)(&text),
                Effect::Quit => self.quit = true,
                Effect::Checkpoint {
                    ticket,
                    mut draft,
                    key,
                } => {
                    draft.mono_ms = self.clock.mono_ms();
                    self.sign_checkpoint(ticket, draft, &key);
                }
                Effect::Sync => self.start_sync(),
                Effect::Collect {
                    ticket,
                    mut draft,
                    paths,
                } => {
                    draft.mono_ms = self.clock.mono_ms();
                    self.collect_evidence(ticket, draft, &paths);
                }
            }
        }
    }

    /// Reads the key here, so a missing or unusable key is said at once;
    /// the writer thread makes the checkpoint of every line before it.
    fn sign_checkpoint(&mut self, ticket: u64, draft: crate::journal::Draft, key: &Path) {
        let ack = match crate::proof::key::SigningKey::read(key) {
            Ok(signing) => match self.writer.submit_from_lines(
                ticket,
                draft,
                Box::new(move |path, lines| crate::proof::auto::payload_for(path, lines, &signing)),
            ) {
                Ok(()) => return,
                Err(error) => Ack::Failed { ticket, error },
            },
            Err(reason) => Ack::Skipped { ticket, reason },
        };
        let effects = self.app.update(Msg::Ack(ack), self.clock.now());
        self.run_effects(effects);
    }

    /// The writer thread hashes the files (so a large one never freezes
    /// the screen) and records them after every entry before.
    fn collect_evidence(&mut self, ticket: u64, draft: crate::journal::Draft, paths: &[PathBuf]) {
        let label = match &draft.event.payload {
            crate::journal::event::Payload::EvidenceAdded(added) => added.label.clone(),
            _ => None,
        };
        let paths: Vec<PathBuf> = paths.iter().map(|p| expand_home(p)).collect();
        let make = Box::new(move |_: &Path, lines: &[crate::journal::Line]| {
            crate::commands::evidence::collected(&paths, lines, label)
        });
        if let Err(error) = self.writer.submit_from_lines(ticket, draft, make) {
            let effects = self
                .app
                .update(Msg::Ack(Ack::Failed { ticket, error }), self.clock.now());
            self.run_effects(effects);
        }
    }

    /// Applies every acknowledgement that has arrived.
    pub fn drain_acks(&mut self) -> bool {
        let mut any = false;
        while let Ok(ack) = self.acks.try_recv() {
            self.handle(Msg::Ack(ack));
            any = true;
        }
        any
    }

    /// Waits (bounded) until nothing is saving; for tests and for quitting.
    pub fn settle(&mut self, bound: StdDuration) -> bool {
        let deadline = std::time::Instant::now() + bound;
        while !self.app.pending().is_empty() {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.acks.recv_timeout(left) {
                Ok(ack) => self.handle(Msg::Ack(ack)),
                Err(_) => return false,
            }
        }
        true
    }

    /// Stops the writer after the queued writes are done.
    pub fn finish(self) {
        self.writer.close();
    }
}

/// `~/x` is `x` in the home folder, as a shell would read it.
fn expand_home(path: &Path) -> PathBuf {
    match (path.strip_prefix("~"), std::env::var_os("HOME")) {
        (Ok(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ => path.to_path_buf(),
    }
}

/// Puts text on the clipboard of the terminal (and of the machine running
/// it, over SSH too) with the OSC 52 escape sequence.
pub fn osc52(text: &str) {
    let encoded = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let mut out = std::io::stdout();
    let _ = write!(out, "\x1b]52;c;{encoded}\x07");
    let _ = out.flush();
}

/// Restores the terminal when dropped, whatever path leaves the loop.
struct TerminalGuard;

impl TerminalGuard {
    fn start() -> (DefaultTerminal, Self) {
        let terminal = ratatui::init();
        let _ = ratatui::crossterm::execute!(std::io::stdout(), ct::EnableBracketedPaste);
        (terminal, Self)
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        let _ = ratatui::crossterm::execute!(std::io::stdout(), ct::DisableBracketedPaste);
        ratatui::restore();
    }
}

/// What a terminal event means to the app, if anything.
fn to_msg(event: TermEvent) -> Option<Msg> {
    match event {
        TermEvent::Key(key) if key.kind != KeyEventKind::Release => {
            keys::translate(&key).map(Msg::Key)
        }
        TermEvent::Paste(text) => Some(Msg::Paste(text)),
        TermEvent::Resize(..) => Some(Msg::Resize),
        _ => None,
    }
}

/// `first` and every event already read behind it. A terminal that sends
/// a paste as plain keystrokes sends them in one go, so they are all
/// waiting at once; a person's keys come one at a time, each drawn before
/// the next. A poll that does not wait never blocks, and leaves the
/// stream's own wake-up alone.
fn with_waiting(first: TermEvent) -> std::io::Result<Vec<TermEvent>> {
    let mut events = vec![first];
    while ct::poll(StdDuration::ZERO)? {
        events.push(ct::read()?);
    }
    Ok(events)
}

/// One screen driven by [`run_screen`]: the picker, the runner or the
/// review. The loop is the same for all three, so every screen redraws only
/// when something changed, handles SIGTERM/SIGHUP and restores the terminal.
trait Screen {
    fn draw(&mut self, frame: &mut Frame, theme: &Theme);
    /// A terminal event; returns whether the screen changed.
    fn event(&mut self, event: TermEvent) -> bool;
    /// Events read together (see [`with_waiting`]); returns whether the
    /// screen changed. Screens that take keys one by one get them so.
    fn events(&mut self, events: Vec<TermEvent>) -> bool {
        let mut changed = false;
        for event in events {
            changed |= self.event(event);
        }
        changed
    }
    /// The periodic tick; returns whether the screen changed.
    fn tick(&mut self) -> std::io::Result<bool>;
    /// The writer acknowledged something; returns whether the screen changed.
    fn wake(&mut self) -> bool {
        false
    }
    /// A signal asks the program to end; `reason` is recorded where the
    /// screen writes a journal.
    fn signal(&mut self, reason: &str);
    fn done(&self) -> bool;
    fn tick_ms(&self) -> u64;
    /// What wakes the loop when the writer acknowledges an entry.
    fn waker(&self) -> Option<Arc<Notify>> {
        None
    }
}

/// Runs `screen` until it is done, a signal arrives or the terminal closes.
async fn run_screen(
    screen: &mut dyn Screen,
    terminal: &mut DefaultTerminal,
    theme: &Theme,
) -> std::io::Result<()> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut events = EventStream::new();
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let mut ticker = tokio::time::interval(StdDuration::from_millis(screen.tick_ms()));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let wake = screen.waker().unwrap_or_default();
    let mut dirty = true;
    loop {
        if dirty {
            terminal.draw(|f| screen.draw(f, theme))?;
            dirty = false;
        }
        if screen.done() {
            return Ok(());
        }
        tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => dirty |= screen.events(with_waiting(event)?),
                Some(Err(e)) => return Err(e),
                None => {
                    screen.signal("hangup");
                    return Ok(());
                }
            },
            () = wake.notified() => dirty |= screen.wake(),
            _ = ticker.tick() => dirty |= screen.tick()?,
            _ = sigterm.recv() => {
                screen.signal("signal");
                return Ok(());
            }
            _ = sighup.recv() => {
                screen.signal("hangup");
                return Ok(());
            }
        }
    }
}

/// How a runner session ended, for the shell to report once the terminal
/// is restored.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The journal the session wrote, when one was opened.
    pub journal: Option<PathBuf>,
    /// Entries still saving when the bounded wait ran out, described.
    pub unsaved: Vec<String>,
    /// The write error that stopped the journal, if one did.
    pub write_error: Option<String>,
}

impl Outcome {
    /// Whether anything the responder did is not in the journal.
    pub fn lost_entries(&self) -> bool {
        !self.unsaved.is_empty() || self.write_error.is_some()
    }
}

struct RunnerScreen {
    core: Core,
}

impl Screen for RunnerScreen {
    fn draw(&mut self, frame: &mut Frame, theme: &Theme) {
        frame.render_widget(
            RunnerView {
                app: &self.core.app,
                theme,
            },
            frame.area(),
        );
    }

    fn event(&mut self, event: TermEvent) -> bool {
        let Some(msg) = to_msg(event) else {
            return false;
        };
        self.core.handle(msg);
        true
    }

    fn events(&mut self, events: Vec<TermEvent>) -> bool {
        let messages = keys::grouped(events.into_iter().filter_map(to_msg));
        let changed = !messages.is_empty();
        for msg in messages {
            self.core.handle(msg);
        }
        changed
    }

    fn tick(&mut self) -> std::io::Result<bool> {
        self.core.handle(Msg::Tick);
        Ok(true)
    }

    fn wake(&mut self) -> bool {
        let acked = self.core.drain_acks();
        self.core.poll_case() || acked
    }

    fn signal(&mut self, reason: &str) {
        let effects = self.core.app.end_session(reason);
        self.core.run_effects(effects);
    }

    fn done(&self) -> bool {
        self.core.quit
    }

    fn tick_ms(&self) -> u64 {
        if self.core.app.drill.is_some() {
            250
        } else {
            1000
        }
    }

    fn waker(&self) -> Option<Arc<Notify>> {
        Some(Arc::clone(&self.core.wake))
    }
}

impl Core {
    /// Waits (bounded) for the last entries, stops the writer and says what,
    /// if anything, did not reach the journal.
    pub fn shut_down(mut self) -> Outcome {
        self.settle(QUIT_BOUND);
        // A sync under way (a facilitator's pause just saved starts one)
        // ends before the process does: killed mid-way it would leave
        // git's lock behind and the pause unsent.
        self.wait_for_sync(SYNC_QUIT_BOUND);
        let outcome = Outcome {
            journal: self.journal_path.clone(),
            unsaved: self
                .app
                .pending()
                .iter()
                .map(|p| {
                    let event = &p.draft.event;
                    match &event.step {
                        Some(step) => format!("{} ({step})", event.kind()),
                        None => event.kind().to_string(),
                    }
                })
                .collect(),
            write_error: self.app.write_error.clone(),
        };
        if outcome.unsaved.is_empty() {
            self.finish();
        }
        // With entries still queued the writer thread may be stuck in a
        // write; it is left to the process exit rather than joined.
        outcome
    }
}

/// Why the picker's choice did not open a runner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Opening {
    /// Nobody is named yet: ask, then open again (the text says what is
    /// being opened).
    NeedsName(String),
    /// A sentence to show in the picker.
    Problem(String),
}

/// The choice-to-runner function the picker calls, with the name typed
/// into the prompt when one was asked.
pub type OpenChoice<'a> = dyn FnMut(Choice, Option<String>) -> Result<Option<Core>, Opening> + 'a;

/// The picker, until a choice opens a runner or the user leaves.
struct PickerScreen<'a> {
    picker: Picker,
    open: &'a mut OpenChoice<'a>,
    /// The choice waiting for a name, with the prompt asking for it.
    asking: Option<(Choice, NamePrompt)>,
    next: Option<Next>,
}

impl PickerScreen<'_> {
    fn open(&mut self, choice: Choice, name: Option<String>) {
        match (self.open)(choice.clone(), name) {
            Ok(core) => self.next = Some(core.map_or(Next::Quit, |c| Next::Runner(Box::new(c)))),
            Err(Opening::NeedsName(context)) => {
                self.asking = Some((choice, NamePrompt::new(context)));
            }
            Err(Opening::Problem(problem)) => {
                self.picker.form = None;
                self.picker.problems.insert(0, problem);
            }
        }
    }
}

/// What the picker leads to.
enum Next {
    Runner(Box<Core>),
    Quit,
}

impl Screen for PickerScreen<'_> {
    fn draw(&mut self, frame: &mut Frame, theme: &Theme) {
        frame.render_widget(
            PickerView {
                picker: &self.picker,
                theme,
            },
            frame.area(),
        );
        if let Some((_, prompt)) = &self.asking {
            frame.render_widget(NamePromptView { prompt, theme }, frame.area());
        }
    }

    fn event(&mut self, event: TermEvent) -> bool {
        if let Some((choice, prompt)) = &mut self.asking {
            match to_msg(event) {
                Some(Msg::Key(key)) => prompt.key(&key),
                Some(Msg::Paste(text)) => prompt.paste(&text),
                _ => return false,
            }
            match prompt.answer.clone() {
                Some(Some(name)) => {
                    let choice = choice.clone();
                    self.asking = None;
                    self.open(choice, Some(name));
                }
                Some(None) => self.asking = None,
                None => {}
            }
            return true;
        }
        let Some(Msg::Key(key)) = to_msg(event) else {
            return false;
        };
        let Some(choice) = self.picker.key(&key) else {
            return true;
        };
        if choice == Choice::Quit {
            self.next = Some(Next::Quit);
            return true;
        }
        self.open(choice, None);
        true
    }

    fn tick(&mut self) -> std::io::Result<bool> {
        Ok(false)
    }

    fn signal(&mut self, _reason: &str) {
        self.next = Some(Next::Quit);
    }

    fn done(&self) -> bool {
        self.next.is_some()
    }

    fn tick_ms(&self) -> u64 {
        1000
    }
}

/// Runs the picker until a choice; `open` turns the choice into a runner
/// (creating or opening a journal) or an error to show in the picker.
/// Returns the runner's outcome when one was opened.
pub fn run_picker<'a>(
    picker: Picker,
    theme: &Theme,
    open: &'a mut OpenChoice<'a>,
) -> std::io::Result<Option<Outcome>> {
    let (mut terminal, guard) = TerminalGuard::start();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut screen = PickerScreen {
        picker,
        open,
        asking: None,
        next: None,
    };
    rt.block_on(run_screen(&mut screen, &mut terminal, theme))?;
    let Some(Next::Runner(core)) = screen.next else {
        return Ok(None);
    };
    let mut runner = RunnerScreen { core: *core };
    let result = rt.block_on(run_screen(&mut runner, &mut terminal, theme));
    let outcome = runner.core.shut_down();
    drop(guard);
    result.map(|()| Some(outcome))
}

/// The name prompt on its own, before a journal is opened or created.
struct NameScreen {
    prompt: NamePrompt,
}

impl Screen for NameScreen {
    fn draw(&mut self, frame: &mut Frame, theme: &Theme) {
        frame.render_widget(
            NamePromptView {
                prompt: &self.prompt,
                theme,
            },
            frame.area(),
        );
    }

    fn event(&mut self, event: TermEvent) -> bool {
        match to_msg(event) {
            Some(Msg::Key(key)) => self.prompt.key(&key),
            Some(Msg::Paste(text)) => self.prompt.paste(&text),
            _ => return false,
        }
        true
    }

    fn tick(&mut self) -> std::io::Result<bool> {
        Ok(false)
    }

    fn signal(&mut self, _reason: &str) {
        self.prompt.answer = Some(None);
    }

    fn done(&self) -> bool {
        self.prompt.answer.is_some()
    }

    fn tick_ms(&self) -> u64 {
        1000
    }
}

/// Asks who is acting; `None` when the user left without a name.
pub fn ask_name(theme: &Theme, context: &str) -> std::io::Result<Option<String>> {
    let (mut terminal, guard) = TerminalGuard::start();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut screen = NameScreen {
        prompt: NamePrompt::new(context),
    };
    let result = rt.block_on(run_screen(&mut screen, &mut terminal, theme));
    drop(guard);
    result.map(|()| screen.prompt.answer.flatten())
}

/// Runs the runner on the real terminal until the responder quits; the
/// terminal is restored before the outcome is returned.
pub fn run_runner(core: Core, theme: &Theme) -> std::io::Result<Outcome> {
    let (mut terminal, guard) = TerminalGuard::start();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut runner = RunnerScreen { core };
    let result = rt.block_on(run_screen(&mut runner, &mut terminal, theme));
    let outcome = runner.core.shut_down();
    drop(guard);
    result.map(|()| outcome)
}

/// Reads the saved texts of a journal's drafts (files beside it). A draft
/// that is missing, outside the journal's folder, not a regular file, too
/// large or changed since it was recorded is never shown as the message: a
/// banner names it instead.
pub fn load_draft_texts(app: &mut App, journal: &Path) {
    let drafts: Vec<(String, u32, String, String)> = app
        .state()
        .drafts
        .iter()
        .map(|d| {
            (
                d.step.clone(),
                d.data.version,
                d.data.file.clone(),
                d.data.text_sha256.clone(),
            )
        })
        .collect();
    for (step, version, file, sha256) in drafts {
        match crate::journal::attachment::read_draft(journal, &file, &sha256) {
            Ok(text) => {
                app.draft_texts.insert((step, version), text);
            }
            Err(problem) => app.banners.push(format!(
                "draft v{version} of step `{step}` is not shown ({file}): {problem}"
            )),
        }
    }
}

/// Reads what was appended to a journal since `review` last looked and
/// verifies it as a continuation of the chain. Never writes, never locks.
pub fn poll_journal(review: &mut crate::app::review::Review, path: &Path) -> std::io::Result<bool> {
    use std::io::{Read as _, Seek as _, SeekFrom};
    if review.broken.is_some() {
        return Ok(false);
    }
    let mut file = std::fs::File::open(path)?;
    let len = file.metadata()?.len();
    let from = review.verified_len as u64;
    if len <= from {
        return Ok(false);
    }
    file.seek(SeekFrom::Start(from))?;
    let mut bytes = Vec::new();
    file.take(len - from).read_to_end(&mut bytes)?;
    let next_seq = review.lines.len() as u64;
    let head = review
        .head_hash
        .clone()
        .unwrap_or_else(|| crate::hash::ZERO_HASH.to_string());
    let more = crate::journal::verify::verify_from(&bytes, next_seq, &head);
    let changed =
        !more.lines.is_empty() || more.broken.is_some() || more.torn_tail != review.torn_tail;
    review.extend(more);
    Ok(changed)
}

/// The read-only review, or for a drill followed live the participant view.
struct ReviewScreen<'a> {
    review: crate::app::review::Review,
    path: &'a Path,
    participant: bool,
    clock: &'a Arc<dyn TimeSource>,
}

impl Screen for ReviewScreen<'_> {
    fn draw(&mut self, frame: &mut Frame, theme: &Theme) {
        use crate::ui::participant::ParticipantView;
        use crate::ui::review::ReviewView;
        self.review.now = self.clock.now();
        if self.participant {
            frame.render_widget(
                ParticipantView {
                    review: &self.review,
                    theme,
                },
                frame.area(),
            );
        } else {
            frame.render_widget(
                ReviewView {
                    review: &mut self.review,
                    theme,
                },
                frame.area(),
            );
        }
    }

    fn event(&mut self, event: TermEvent) -> bool {
        if let TermEvent::Key(key) = event {
            if key.kind == KeyEventKind::Release {
                return false;
            }
            if let Some(key) = keys::translate(&key) {
                if self.participant {
                    self.review.participant_key(&key);
                } else {
                    self.review.key(&key);
                }
            }
        }
        true
    }

    fn tick(&mut self) -> std::io::Result<bool> {
        // A journal still being read is followed once its read ends.
        let mut dirty = self.review.poll_reading();
        if self.review.follow && self.review.reading.is_none() {
            dirty |= if crate::case::folder::is_case(self.path) {
                crate::case::views::poll(&mut self.review, self.path)?
            } else {
                poll_journal(&mut self.review, self.path)?
                    | recheck_drafts(&mut self.review, self.path)
            };
        }
        // The scenario clock and elapsed times move on.
        Ok(dirty || self.participant)
    }

    fn wake(&mut self) -> bool {
        self.review.poll_reading()
    }

    fn signal(&mut self, _reason: &str) {
        self.review.quit = true;
    }

    fn done(&self) -> bool {
        self.review.quit
    }

    fn tick_ms(&self) -> u64 {
        500
    }

    fn waker(&self) -> Option<Arc<Notify>> {
        self.review
            .reading
            .as_ref()
            .map(crate::app::review::Reading::waker)
    }
}

/// Runs the read-only review (or, for a drill followed live, the
/// participant view) until the reader quits.
pub fn run_review(
    review: crate::app::review::Review,
    path: &Path,
    participant: bool,
    clock: &Arc<dyn TimeSource>,
    theme: &Theme,
) -> std::io::Result<()> {
    let (mut terminal, guard) = TerminalGuard::start();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut screen = ReviewScreen {
        review,
        path,
        participant,
        clock,
    };
    let result = rt.block_on(run_screen(&mut screen, &mut terminal, theme));
    drop(guard);
    result
}
