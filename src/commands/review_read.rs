//! `runsheet review` reading its journal: verified and replayed in one
//! streamed pass on a thread of its own, so that the first screen shows
//! the first lines of a long journal while the rest is checked. A short
//! journal is read to its end before the first frame, as before.
//! Diagnostics are those of reading the whole journal first: a read error
//! wins over a journal that names no playbook, and what the header says
//! once the read ends is what it said when the read came first.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, Sender, channel};

use super::open::{self, Resolved};
use super::{Env, Failure};
use crate::app::review::{Complete, Counter, JournalLines, Progress, Reading, Review};
use crate::catalog::Catalog;
use crate::journal::Line;
use crate::journal::verify::{Tally, Verified, verify_file};
use crate::playbook::Playbook;
use crate::run::RunState;

/// How many verified lines the first frame waits for: a screenful many
/// times over, a few milliseconds of reading.
pub const EARLY_LINES: usize = 1_000;

/// A journal opened for review: what its first line settles, and its lines
/// so far.
#[derive(Debug)]
pub struct Opened {
    pub created: crate::journal::event::Created,
    pub resolved: Resolved,
    pub start: Start,
}

/// What the first frame shows.
#[derive(Debug)]
pub enum Start {
    /// The journal read to its end (it had no more than the early lines).
    Whole(Box<Complete>),
    /// The first lines and the state after them; the rest is on its way.
    Early {
        lines: Vec<Line>,
        state: Box<RunState>,
        reading: Reading,
    },
}

impl Opened {
    /// The review screen over what was read so far.
    pub fn into_review(self, journal_name: &str, follow: bool, env: &Env) -> (Review, Resolved) {
        let playbook = self.resolved.playbook.clone();
        let review = match self.start {
            Start::Whole(complete) => {
                let mut review = Review::loaded(
                    playbook,
                    journal_name,
                    complete.lines,
                    complete.state,
                    complete.tally,
                    follow,
                    env.clock.now(),
                );
                review.draft_problems = complete.draft_problems;
                review
            }
            Start::Early {
                lines,
                state,
                reading,
            } => {
                let mut kept = JournalLines::default();
                for line in &lines {
                    kept.push(line);
                }
                // Nothing is known of the whole chain yet: no head, no
                // break, no torn tail; the header says "verifying".
                let so_far = Tally {
                    entries: lines.len(),
                    ..Tally::default()
                };
                let mut review = Review::loaded(
                    playbook,
                    journal_name,
                    kept,
                    *state,
                    so_far,
                    follow,
                    env.clock.now(),
                );
                review.reading = Some(reading);
                review
            }
        };
        (review, self.resolved)
    }
}

/// Starts reading `journal` and returns once the first frame can be drawn:
/// after `early` verified lines, or at the end of a shorter journal.
pub fn open_for_review(
    env: &Env,
    catalog: &Catalog,
    journal: &Path,
    early: usize,
) -> Result<Opened, Failure> {
    let io_failed = |error| {
        Failure::from(crate::journal::writer::OpenError::Io {
            path: journal.to_path_buf(),
            error,
        })
    };
    // The texts stay in the file; a line shown is read back and checked.
    let file = crate::journal::attachment::open_regular(journal).map_err(io_failed)?;
    let (progress, received) = channel();
    let (settle, settled) = channel();
    let counter = Arc::new(Counter::default());
    let reader = Reader {
        path: journal.to_path_buf(),
        lines: JournalLines::in_file(file),
        early: early.max(1),
        progress,
        settled,
        counter: Arc::clone(&counter),
    };
    std::thread::Builder::new()
        .name("review-read".into())
        .spawn(move || reader.run())
        .map_err(io_failed)?;
    let stopped = || io_failed(std::io::Error::other("the journal reader stopped"));
    let mut ended = None;
    let first = match received.recv().map_err(|_| stopped())? {
        Progress::First(line) => Some(*line),
        Progress::Done(done) => {
            ended = Some(done.map_err(io_failed)?);
            None
        }
        Progress::Early { .. } => return Err(stopped()),
    };
    let started = start_review(env, catalog, journal, first.as_ref());
    // The reader replays with the playbook, or only verifies without one.
    let _ = settle.send(started.as_ref().ok().map(|(_, r)| r.playbook.clone()));
    let (created, resolved) = match started {
        Ok(started) => started,
        Err(failure) => {
            if ended.is_none()
                && let Some(Err(error)) = wait_for_end(&received)
            {
                return Err(io_failed(error));
            }
            return Err(failure);
        }
    };
    let start = match ended {
        Some(complete) => Start::Whole(complete),
        None => match received.recv().map_err(|_| stopped())? {
            Progress::Early { lines, state } => Start::Early {
                lines,
                state,
                reading: Reading::new(received, counter),
            },
            Progress::Done(done) => Start::Whole(done.map_err(io_failed)?),
            Progress::First(_) => return Err(stopped()),
        },
    };
    Ok(Opened {
        created,
        resolved,
        start,
    })
}

/// The end of a read whose first frame is not wanted.
fn wait_for_end(received: &Receiver<Progress>) -> Option<std::io::Result<Box<Complete>>> {
    received.iter().find_map(|p| match p {
        Progress::Done(done) => Some(done),
        _ => None,
    })
}

/// A review's `journal_created` payload and playbook (no line: not a
/// journal).
fn start_review(
    env: &Env,
    catalog: &Catalog,
    journal: &Path,
    first: Option<&Line>,
) -> Result<(crate::journal::event::Created, Resolved), Failure> {
    let first = first.map(std::slice::from_ref).unwrap_or_default();
    let created = open::require_created(first, journal)?;
    let resolved = open::playbook_for(&created, catalog, env.today)?;
    Ok((created, resolved))
}

/// The reading thread: one streamed verify of the journal, each verified
/// line replayed into the state and kept as a row.
struct Reader {
    path: PathBuf,
    lines: JournalLines,
    early: usize,
    progress: Sender<Progress>,
    /// The playbook the first line names (none: the review will fail).
    settled: Receiver<Option<Playbook>>,
    counter: Arc<Counter>,
}

impl Reader {
    fn run(self) {
        let Self {
            path,
            mut lines,
            early,
            progress,
            settled,
            counter,
        } = self;
        let hand = |message| {
            // The screen may be gone (quit early): nothing is left to do.
            let _ = progress.send(message);
            counter.wake();
        };
        let mut playbook: Option<Option<Playbook>> = None;
        // As `Review::new` replays it: without notes.
        let mut state = RunState::for_summary();
        let mut first_lines = Some(Vec::new());
        let mut drafted = Vec::new();
        let mut count = 0;
        let tally = verify_file(&path, |line| {
            count += 1;
            counter.count(count);
            let playbook = playbook.get_or_insert_with(|| {
                hand(Progress::First(Box::new(line.clone())));
                settled.recv().ok().flatten()
            });
            if let Some(playbook) = playbook {
                state.apply(playbook, &line.entry);
            }
            if crate::export::drafts::drafted(&line).is_some() {
                drafted.push(line.clone());
            }
            if let Some(shown) = &mut first_lines {
                shown.push(line.clone());
                if shown.len() == early {
                    hand(Progress::Early {
                        lines: std::mem::take(shown),
                        state: Box::new(state.clone()),
                    });
                    first_lines = None;
                }
            }
            lines.push(&line);
        });
        let done = tally.map(|tally| {
            Box::new(Complete {
                draft_problems: draft_problems(&path, drafted),
                lines,
                state,
                tally,
            })
        });
        hand(Progress::Done(done));
    }
}

/// The draft checks look at `message_drafted` entries only.
fn draft_problems(journal: &Path, drafted: Vec<Line>) -> Vec<String> {
    let drafts = Verified {
        lines: drafted,
        head_hash: None,
        verified_len: 0,
        broken: None,
        torn_tail: 0,
    };
    crate::export::drafts::DraftTexts::read(journal, &drafts).problems(&drafts)
}

/// [`open_for_review`] read to its end, as one value (tests compare it
/// with the whole journal read at once).
pub fn read_whole(
    env: &Env,
    catalog: &Catalog,
    journal: &Path,
) -> Result<(Resolved, Box<Complete>), Failure> {
    let opened = open_for_review(env, catalog, journal, usize::MAX)?;
    match opened.start {
        Start::Whole(complete) => Ok((opened.resolved, complete)),
        Start::Early { .. } => Err(Failure::usage("read ended early")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::Event;
    use crate::journal::event::{Note, Payload};

    /// A journal of `notes` notes (every third on the first step).
    fn journal(dir: &Path, env: &Env, catalog: &Catalog, notes: usize) -> PathBuf {
        let (resolved, mut file, who, path) = open::test_journal(dir, env, catalog, "long");
        let step = resolved.playbook.steps().next().map(|s| s.id.clone());
        for i in 0..notes {
            let mut event = Event::new(Payload::Note(Note {
                text: format!("note {i}"),
            }));
            if i % 3 == 0 {
                event.step.clone_from(&step);
            }
            file.append(who.draft(env.clock.as_ref(), event))
                .expect("append");
        }
        path
    }

    /// Changes one byte of the text of line `line` (from 1): its own hash
    /// no longer matches.
    fn tamper(path: &Path, line: usize) {
        let mut bytes = std::fs::read(path).expect("read");
        let start: usize = bytes
            .split_inclusive(|b| *b == b'\n')
            .take(line - 1)
            .map(<[u8]>::len)
            .sum();
        let at = start
            + bytes[start..]
                .windows(6)
                .position(|w| w == b"note 3")
                .expect("a note text")
            + 5;
        bytes[at] = b'7';
        std::fs::write(path, bytes).expect("tampered");
    }

    fn header(review: &mut Review) -> String {
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::TestBackend::new(110, 12)).expect("terminal");
        let theme = crate::ui::Theme::default();
        terminal
            .draw(|f| {
                f.render_widget(
                    crate::ui::review::ReviewView {
                        review,
                        theme: &theme,
                    },
                    f.area(),
                );
            })
            .expect("draw");
        let buffer = terminal.backend().buffer();
        (0..buffer.area.height)
            .map(|y| {
                (0..buffer.area.width)
                    .map(|x| buffer[(x, y)].symbol())
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// What a review of the whole journal read at once shows.
    fn whole(env: &Env, resolved: &Resolved, path: &Path) -> Review {
        let verified = open::read_journal(path).expect("whole read");
        let mut review = Review::new(
            resolved.playbook.clone(),
            "j.jsonl",
            verified.clone(),
            false,
            env.clock.now(),
        );
        review.draft_problems =
            crate::export::drafts::DraftTexts::read(path, &verified).problems(&verified);
        review
    }

    fn assert_same(early: &Review, whole: &Review) {
        assert_eq!(early.lines.decode_all(), whole.lines.decode_all());
        assert_eq!(early.state, whole.state);
        assert_eq!(
            (
                &early.head_hash,
                &early.broken,
                early.torn_tail,
                early.verified_len,
                &early.draft_problems,
            ),
            (
                &whole.head_hash,
                &whole.broken,
                whole.torn_tail,
                whole.verified_len,
                &whole.draft_problems,
            )
        );
        assert_eq!(early.visible, whole.visible);
        assert_eq!(early.cursor, whole.cursor);
    }

    #[test]
    fn a_long_journal_shows_its_first_lines_verifying_then_the_whole_journal() {
        let dir = tempfile::tempdir().expect("temp dir");
        let env = Env::fixed();
        let catalog = Catalog::bundled(env.today);
        let path = journal(dir.path(), &env, &catalog, 60);
        let opened = open_for_review(&env, &catalog, &path, 5).expect("opened");
        assert!(matches!(opened.start, Start::Early { .. }));
        let (mut review, resolved) = opened.into_review("j.jsonl", false, &env);
        // The first frame: five lines, nothing claimed of the chain.
        assert!(review.verifying().is_some());
        assert_eq!(review.lines.len(), 5);
        assert_eq!((&review.head_hash, &review.broken), (&None, &None));
        let first = header(&mut review);
        assert!(first.contains("VERIFYING"), "{first}");
        assert!(!first.contains("intact"), "{first}");
        let first_five = open::read_journal(&path).expect("read").lines[..5].to_vec();
        assert_eq!(review.lines.decode_all(), first_five);
        // Replayed as a review keeps it: without notes.
        let mut replayed = crate::run::RunState::for_summary();
        for line in &first_five {
            replayed.apply(&resolved.playbook, &line.entry);
        }
        assert_eq!(review.state, replayed);
        review.wait_for_reading();
        assert_eq!(review.verifying(), None);
        assert_same(&review, &whole(&env, &resolved, &path));
        let last = header(&mut review);
        assert!(last.contains("✓ intact: 62 entries"), "{last}");
    }

    #[test]
    fn a_short_journal_is_read_whole_before_the_first_frame() {
        let dir = tempfile::tempdir().expect("temp dir");
        let env = Env::fixed();
        let catalog = Catalog::bundled(env.today);
        let path = journal(dir.path(), &env, &catalog, 3);
        let opened = open_for_review(&env, &catalog, &path, EARLY_LINES).expect("opened");
        let (review, resolved) = opened.into_review("j.jsonl", false, &env);
        assert_eq!(review.verifying(), None);
        assert_same(&review, &whole(&env, &resolved, &path));
    }

    #[test]
    fn a_journal_broken_late_is_found_after_the_first_frame_and_shown_broken_as_before() {
        let dir = tempfile::tempdir().expect("temp dir");
        let env = Env::fixed();
        let catalog = Catalog::bundled(env.today);
        let path = journal(dir.path(), &env, &catalog, 60);
        // Line 40 holds "note 37"; it is changed to "note 77".
        tamper(&path, 40);
        let opened = open_for_review(&env, &catalog, &path, 5).expect("opened");
        let (mut review, resolved) = opened.into_review("j.jsonl", false, &env);
        let first = header(&mut review);
        assert!(first.contains("VERIFYING"), "{first}");
        assert!(!first.contains("BROKEN"), "{first}");
        review.wait_for_reading();
        let whole = whole(&env, &resolved, &path);
        assert!(whole.broken.is_some());
        assert_same(&review, &whole);
        let last = header(&mut review);
        assert!(last.contains("✗ BROKEN at line 40"), "{last}");
        // The header lines; the count checked so far and the head hash
        // depend on the moment and the session, not on the screen.
        let first = first.lines().nth(1).unwrap_or_default().to_string();
        let so_far = first
            .split_whitespace()
            .nth(2)
            .unwrap_or_default()
            .to_string();
        assert!(so_far.parse::<usize>().is_ok_and(|n| n >= 5), "{first}");
        insta::assert_snapshot!(
            "review_verifying_first_frame",
            first.replacen(&so_far, "N", 1)
        );
        let last = last.lines().nth(1).unwrap_or_default();
        insta::assert_snapshot!(
            "review_broken_after_verifying",
            last.split(" (head").next().unwrap_or_default()
        );
    }

    #[test]
    fn a_journal_naming_no_playbook_is_refused_as_before() {
        let dir = tempfile::tempdir().expect("temp dir");
        let env = Env::fixed();
        let catalog = Catalog::bundled(env.today);
        let path = dir.path().join("empty.jsonl");
        std::fs::write(&path, b"").expect("empty journal");
        let failure = open_for_review(&env, &catalog, &path, 5).expect_err("refused");
        let whole = Failure::from(open::require_created(&[], &path).expect_err("refused"));
        assert_eq!((failure.code, failure.message), (whole.code, whole.message));
    }
}
