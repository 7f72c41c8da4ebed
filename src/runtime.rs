//! The one task that owns the terminal.
//!
//! [`Core`] connects the pure [`App`] to the journal writer thread and the
//! clipboard; it has no terminal and drives headless tests. The event loop
//! around it selects over terminal events, writer acknowledgements, a tick
//! and signals, and redraws only when something changed. The terminal is
//! restored on every exit path: normal quit, error, SIGTERM/SIGHUP, and
//! panic (ratatui's hook, kept).

use std::io::Write as _;
use std::path::Path;
use std::sync::Arc;
use std::sync::mpsc;
use std::time::Duration as StdDuration;

use base64::Engine as _;
use futures_util::StreamExt as _;
use ratatui::crossterm::event::{self as ct, Event as TermEvent, EventStream, KeyEventKind};
use ratatui::{DefaultTerminal, Frame};
use tokio::sync::Notify;

use crate::app::picker::{Choice, Picker};
use crate::app::{App, Effect, Msg};
use crate::clock::Clock;
use crate::journal::writer::{Ack, Append, Writer};
use crate::ui::picker::PickerView;
use crate::ui::{RunnerView, Theme};

/// How long quitting waits for the last entries to be acknowledged.
const QUIT_BOUND: StdDuration = StdDuration::from_secs(5);

/// The app, its writer and its clipboard, without a terminal.
pub struct Core {
    pub app: App,
    writer: Writer,
    acks: mpsc::Receiver<Ack>,
    wake: Arc<Notify>,
    clock: Arc<dyn Clock>,
    clipboard: Box<dyn FnMut(&str) + Send>,
    pub quit: bool,
}

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
        clock: Arc<dyn Clock>,
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
        }
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
                Effect::Clipboard(text) => (self.clipboard)(&text),
                Effect::Quit => self.quit = true,
            }
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
        TermEvent::Key(key) if key.kind != KeyEventKind::Release => Some(Msg::Key(key)),
        TermEvent::Paste(text) => Some(Msg::Paste(text)),
        TermEvent::Resize(..) => Some(Msg::Tick),
        _ => None,
    }
}

/// What to open after the picker.
#[derive(Debug)]
enum Next {
    Runner(Box<Core>),
    Quit,
}

/// Runs the picker until a choice; `open` turns the choice into a runner
/// (creating or opening a journal) or an error to show in the picker.
pub fn run_picker(
    mut picker: Picker,
    theme: &Theme,
    open: &mut dyn FnMut(Choice) -> Result<Option<Core>, String>,
) -> std::io::Result<Option<String>> {
    let (mut terminal, guard) = TerminalGuard::start();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let next = rt.block_on(async {
        let mut events = EventStream::new();
        loop {
            terminal.draw(|f: &mut Frame| {
                f.render_widget(
                    PickerView {
                        picker: &picker,
                        theme,
                    },
                    f.area(),
                );
            })?;
            let Some(Ok(event)) = events.next().await else {
                return Ok::<Next, std::io::Error>(Next::Quit);
            };
            let Some(Msg::Key(key)) = to_msg(event) else {
                continue;
            };
            let Some(choice) = picker.key(&key) else {
                continue;
            };
            if choice == Choice::Quit {
                return Ok(Next::Quit);
            }
            match open(choice) {
                Ok(Some(core)) => return Ok(Next::Runner(Box::new(core))),
                Ok(None) => return Ok(Next::Quit),
                Err(problem) => {
                    picker.form = None;
                    picker.problems.insert(0, problem);
                }
            }
        }
    })?;
    match next {
        Next::Runner(core) => {
            let result = rt.block_on(event_loop(*core, &mut terminal, theme));
            drop(guard);
            result
        }
        Next::Quit => Ok(None),
    }
}

/// Runs the runner on the real terminal until the responder quits.
/// Runs the interface until quit. Returns the write error that made the
/// journal read-only, if one did: some actions were then not saved.
pub fn run_runner(core: Core, theme: &Theme) -> std::io::Result<Option<String>> {
    let (mut terminal, guard) = TerminalGuard::start();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = rt.block_on(event_loop(core, &mut terminal, theme));
    drop(guard);
    result
}

async fn event_loop(
    mut core: Core,
    terminal: &mut DefaultTerminal,
    theme: &Theme,
) -> std::io::Result<Option<String>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut events = EventStream::new();
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sighup = signal(SignalKind::hangup())?;
    let tick = if core.app.drill.is_some() { 250 } else { 1000 };
    let mut ticker = tokio::time::interval(StdDuration::from_millis(tick));
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let wake = Arc::clone(&core.wake);
    let mut dirty = true;
    loop {
        if dirty {
            terminal.draw(|f| {
                f.render_widget(
                    RunnerView {
                        app: &core.app,
                        theme,
                    },
                    f.area(),
                );
            })?;
            dirty = false;
        }
        if core.quit {
            break;
        }
        tokio::select! {
            event = events.next() => match event {
                Some(Ok(event)) => {
                    if let Some(msg) = to_msg(event) {
                        core.handle(msg);
                        dirty = true;
                    }
                }
                Some(Err(e)) => return Err(e),
                None => break,
            },
            () = wake.notified() => {
                dirty |= core.drain_acks();
            }
            _ = ticker.tick() => {
                core.handle(Msg::Tick);
                dirty = true;
            }
            _ = sigterm.recv() => {
                let effects = core.app.end_session("signal");
                core.run_effects(effects);
                core.settle(QUIT_BOUND);
                break;
            }
            _ = sighup.recv() => {
                let effects = core.app.end_session("hangup");
                core.run_effects(effects);
                core.settle(QUIT_BOUND);
                break;
            }
        }
    }
    core.settle(QUIT_BOUND);
    let unsaved = core.app.write_error.clone();
    core.finish();
    Ok(unsaved)
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
pub fn poll_journal(review: &mut crate::review::Review, path: &Path) -> std::io::Result<bool> {
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

/// Runs the read-only review (or, for a drill followed live, the
/// participant view) until the reader quits.
pub fn run_review(
    mut review: crate::review::Review,
    path: &Path,
    participant: bool,
    clock: &Arc<dyn Clock>,
    theme: &Theme,
) -> std::io::Result<()> {
    use crate::ui::participant::ParticipantView;
    use crate::ui::review::ReviewView;
    let (mut terminal, guard) = TerminalGuard::start();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let result = rt.block_on(async {
        let mut events = EventStream::new();
        let mut ticker = tokio::time::interval(StdDuration::from_millis(500));
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
        let mut dirty = true;
        loop {
            if dirty {
                review.now = clock.now();
                terminal.draw(|f| {
                    if participant {
                        f.render_widget(ParticipantView { review: &review, theme }, f.area());
                    } else {
                        f.render_widget(ReviewView { review: &mut review, theme }, f.area());
                    }
                })?;
                dirty = false;
            }
            if review.quit {
                return Ok(());
            }
            tokio::select! {
                event = events.next() => match event {
                    Some(Ok(TermEvent::Key(key))) if key.kind != KeyEventKind::Release => {
                        if participant {
                            review.quit |= matches!(key.code, ct::KeyCode::Char('q') | ct::KeyCode::Esc);
                        } else {
                            review.key(&key);
                        }
                        dirty = true;
                    }
                    Some(Ok(_)) => dirty = true,
                    Some(Err(e)) => return Err(e),
                    None => return Ok(()),
                },
                _ = ticker.tick() => {
                    if review.follow {
                        dirty |= poll_journal(&mut review, path)?;
                    }
                    // The scenario clock and elapsed times move on.
                    dirty |= participant;
                }
            }
        }
    });
    drop(guard);
    result
}
