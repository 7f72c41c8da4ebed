//! The read-only review of a journal: a sorted, filterable timeline, the
//! run state at any moment (replay of the prefix), metrics, and the
//! verification status. It never writes; following a live journal it reads
//! complete lines only and verifies them as a continuation of the chain.

mod lines;
mod reading;

use std::collections::BTreeSet;

use crate::app::input::{KeyCode, KeyEvent, KeyModifiers};
use crate::app::key_config::ModeKeys;
use crate::app::modes::Review as Act;
use crate::app::view_keys::Participant;
use chrono::{DateTime, Utc};

use crate::app::editor::Editor;
use crate::export::document::Document;
use crate::journal::typed::Recent;
use crate::journal::verify::{Break, Tally, Verified};
use crate::journal::{Kind, Line};
use crate::playbook::{Drill, Playbook};
use crate::run::{RunState, Warning};
pub use lines::{JournalLines, Row};
pub use reading::{Complete, Counter, Progress, Reading};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Timeline,
    State,
    Metrics,
}

impl Tab {
    pub const ALL: [Self; 3] = [Self::Timeline, Self::State, Self::Metrics];

    pub const fn title(self) -> &'static str {
        match self {
            Self::Timeline => "Timeline",
            Self::State => "State at cursor",
            Self::Metrics => "Metrics",
        }
    }
}

/// What the timeline shows; every part optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    pub kind: Option<Kind>,
    pub actor: Option<String>,
    pub phase: Option<String>,
    pub step: Option<String>,
    pub text: String,
}

impl Filter {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }

    /// `kind=note actor=Dana` for the filter line.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(k) = self.kind {
            parts.push(format!("kind={k}"));
        }
        if let Some(a) = &self.actor {
            parts.push(format!("actor={a}"));
        }
        if let Some(p) = &self.phase {
            parts.push(format!("phase={p}"));
        }
        if let Some(s) = &self.step {
            parts.push(format!("step={s}"));
        }
        if !self.text.is_empty() {
            parts.push(format!("\"{}\"", self.text));
        }
        parts.join(" ")
    }
}

/// A journal opened for review. Its flags are independent switches of
/// the screen (following, help, quitting, a pending stop), not one state.
#[derive(Debug, Clone)]
#[allow(clippy::struct_excessive_bools)]
pub struct Review {
    pub playbook: Playbook,
    pub journal_name: String,
    /// The verified lines: their text and what the timeline sorts on.
    pub lines: JournalLines,
    pub head_hash: Option<String>,
    pub broken: Option<Break>,
    pub torn_tail: usize,
    /// One sentence per draft file that is missing or changed, naming its
    /// `message_drafted` entry: a verification failure like a break.
    pub draft_problems: Vec<String>,
    /// Bytes of the file verified so far (where following resumes).
    pub verified_len: usize,
    /// The state after every verified entry.
    pub state: RunState,
    /// Line indexes in time order (ties by seq).
    order: Vec<usize>,
    /// `order` filtered.
    pub visible: Vec<usize>,
    pub tab: Tab,
    pub cursor: usize,
    pub filter: Filter,
    pub searching: Option<Editor>,
    pub follow: bool,
    pub drill: Option<Drill>,
    pub now: DateTime<Utc>,
    pub quit: bool,
    /// The projector asked "q again to stop"; any other key cancels.
    pub stop_armed: bool,
    /// The help screen is open (any key closes it).
    pub help: bool,
    /// Scroll of the metrics view.
    pub scroll: u16,
    /// Scroll of the state-at-cursor view (`[`/`]` move in time there).
    pub state_scroll: u16,
    /// The state at a line (its index in `lines`), once replayed.
    cursor_state: Option<(usize, RunState)>,
    metrics: Option<Document>,
    /// The keys of the review screen and the participant projector.
    pub keys: ModeKeys,
    /// The rest of the journal, still being verified and replayed.
    pub reading: Option<Reading>,
}

/// `⚠ 2 open conflicts, the first on fact `x`: A = 1 (…) vs B = 2 (…)`, or
/// `None` when nothing is contested.
fn open_conflicts_headline(warnings: &[Warning]) -> Option<String> {
    let mut open = warnings.iter().filter_map(|w| match w {
        Warning::OpenConflict { about, key, sides } => Some((about, key, sides)),
        _ => None,
    });
    let (about, key, sides) = open.next()?;
    let first = format!(
        "{about} `{key}`: {}; settle with `runsheet resolve`",
        sides.join(" vs ")
    );
    Some(match open.count() {
        0 => format!("⚠ 1 open conflict, on {first}"),
        more => format!("⚠ {} open conflicts, the first on {first}", more + 1),
    })
}

/// `⚠ 2 recorded times ahead of this clock, the first: …`, or `None`.
fn times_ahead_headline(ahead: &[Warning]) -> Option<String> {
    let first = ahead.first()?;
    Some(match ahead.len() {
        1 => format!("⚠ 1 recorded time ahead of this clock: {first}"),
        n => format!("⚠ {n} recorded times ahead of this clock, the first: {first}"),
    })
}

/// An empty state for a review to replay `lines` into: keeping no notes,
/// and, for a team case, naming the writer in its warnings (see
/// [`RunState::naming_writers`]), as every other view of the case does.
fn summary_state(lines: &JournalLines) -> RunState {
    let state = RunState::for_summary();
    if lines.is_case() {
        state.naming_writers()
    } else {
        state
    }
}

/// The state a review shows, replayed from `decoded`, and the lines kept
/// as their text, in one pass that drops each decoded line once used: a
/// team case's 100,000 lines are never held twice. The state keeps no
/// notes: the timeline reads them from their lines and no other view
/// shows them, and on a long journal they are most of the state's size.
fn read_in(
    playbook: &Playbook,
    decoded: Vec<Line>,
    mut lines: JournalLines,
) -> (RunState, JournalLines) {
    let mut state = summary_state(&lines);
    for line in decoded {
        state.apply(playbook, &line.entry);
        lines.push(&line);
    }
    (state, lines)
}

impl Review {
    pub fn new(
        playbook: Playbook,
        journal_name: &str,
        verified: Verified,
        follow: bool,
        now: DateTime<Utc>,
    ) -> Self {
        let lines = JournalLines::with_capacity(verified.verified_len);
        Self::read(playbook, journal_name, verified, lines, follow, now)
    }

    /// The review of a team case: `verified` holds the case's copies of
    /// its journals' lines in merged order (see [`crate::case::views`]),
    /// shown and replayed as those copies.
    pub fn of_case(
        playbook: Playbook,
        case_name: &str,
        verified: Verified,
        follow: bool,
        now: DateTime<Utc>,
    ) -> Self {
        let lines = JournalLines::of_case(verified.verified_len);
        Self::read(playbook, case_name, verified, lines, follow, now)
    }

    fn read(
        playbook: Playbook,
        journal_name: &str,
        verified: Verified,
        lines: JournalLines,
        follow: bool,
        now: DateTime<Utc>,
    ) -> Self {
        let Verified {
            lines: verified_lines,
            head_hash,
            verified_len,
            broken,
            torn_tail,
        } = verified;
        let entries = verified_lines.len();
        let (state, lines) = read_in(&playbook, verified_lines, lines);
        let tally = Tally {
            entries,
            head_hash,
            verified_len,
            broken,
            torn_tail,
        };
        Self::loaded(playbook, journal_name, lines, state, tally, follow, now)
    }

    /// A review of lines already verified (as `tally` says) and replayed
    /// into `state`, as a streamed read of the journal leaves them.
    pub fn loaded(
        playbook: Playbook,
        journal_name: &str,
        lines: JournalLines,
        state: RunState,
        tally: Tally,
        follow: bool,
        now: DateTime<Utc>,
    ) -> Self {
        let mut review = Self {
            playbook,
            journal_name: journal_name.to_string(),
            lines,
            head_hash: tally.head_hash,
            broken: tally.broken,
            torn_tail: tally.torn_tail,
            draft_problems: Vec::new(),
            verified_len: tally.verified_len,
            state,
            order: Vec::new(),
            visible: Vec::new(),
            tab: Tab::Timeline,
            cursor: 0,
            filter: Filter::default(),
            searching: None,
            follow,
            drill: None,
            now,
            quit: false,
            stop_armed: false,
            help: false,
            scroll: 0,
            state_scroll: 0,
            cursor_state: None,
            keys: ModeKeys::default(),
            metrics: None,
            reading: None,
        };
        review.resort();
        review.cursor = review.visible.len().saturating_sub(1);
        review
    }

    fn resort(&mut self) {
        let rows = self.lines.rows();
        let mut order: Vec<usize> = (0..rows.len()).collect();
        order.sort_by_key(|i| (rows[*i].ts, rows[*i].seq));
        self.order = order;
        self.refilter();
    }

    fn refilter(&mut self) {
        let selected = self.selected_index();
        let words: Vec<String> = self
            .filter
            .text
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        self.visible = self
            .order
            .iter()
            .copied()
            .filter(|i| self.matches(*i, &words))
            .collect();
        self.cursor = selected
            .and_then(|s| self.visible.iter().position(|i| *i == s))
            .unwrap_or_else(|| self.visible.len().saturating_sub(1));
    }

    fn matches(&self, index: usize, words: &[String]) -> bool {
        let row = &self.lines.rows()[index];
        let f = &self.filter;
        if f.kind.is_some_and(|k| k != row.kind)
            || f.actor.as_ref().is_some_and(|a| a != self.lines.actor(row))
        {
            return false;
        }
        let step = self.lines.step(row);
        if let Some(wanted) = &f.step
            && step != Some(wanted.as_str())
        {
            return false;
        }
        if let Some(phase) = &f.phase {
            let in_phase = step
                .and_then(|s| self.playbook.phase_of(s))
                .is_some_and(|p| self.playbook.phases[p].id == *phase);
            if !in_phase {
                return false;
            }
        }
        if words.is_empty() {
            return true;
        }
        // The stored text, and the writer as shown: a team case names
        // each `actor@host`, which no stored line holds.
        let hay = self.lines.text(index).to_lowercase();
        let actor = self.lines.actor(row).to_lowercase();
        words.iter().all(|w| hay.contains(w) || actor.contains(w))
    }

    /// The line index under the cursor.
    pub fn selected_index(&self) -> Option<usize> {
        self.visible.get(self.cursor).copied()
    }

    /// The line under the cursor, decoded again from its text.
    pub fn selected(&self) -> Option<Line> {
        self.selected_index().and_then(|i| self.lines.line(i))
    }

    /// Adds lines verified as a continuation (following a live journal).
    pub fn extend(&mut self, more: Verified) {
        if more.lines.is_empty() && more.broken.is_none() {
            return;
        }
        let at_end = self.cursor + 1 >= self.visible.len();
        for line in &more.lines {
            self.state.apply(&self.playbook, &line.entry);
            self.lines.push(line);
        }
        self.verified_len += more.verified_len;
        if more.head_hash.is_some() {
            self.head_hash = more.head_hash;
        }
        self.broken = self.broken.take().or(more.broken);
        self.torn_tail = more.torn_tail;
        self.metrics = None;
        self.resort();
        if at_end || self.follow {
            self.cursor = self.visible.len().saturating_sub(1);
        }
    }

    /// Replaces everything read with `fresh` (a team case merged again:
    /// new entries may sort before those shown); tab, filter and scroll stay.
    pub fn replace(&mut self, fresh: Verified) {
        let at_end = self.cursor + 1 >= self.visible.len();
        let Verified {
            lines: decoded,
            head_hash,
            verified_len,
            broken,
            torn_tail,
        } = fresh;
        let lines = if self.lines.is_case() {
            JournalLines::of_case(verified_len)
        } else {
            JournalLines::with_capacity(verified_len)
        };
        (self.state, self.lines) = read_in(&self.playbook, decoded, lines);
        self.head_hash = head_hash;
        self.broken = broken;
        self.torn_tail = torn_tail;
        self.verified_len = verified_len;
        self.cursor_state = None;
        self.metrics = None;
        self.resort();
        if at_end || self.follow {
            self.cursor = self.visible.len().saturating_sub(1);
        }
    }

    /// The state as it was when the selected entry was written: a replay of
    /// every line up to it in the order read (a journal's own order, or a
    /// case's merged order), cached per selected line. At the last line that is the state already
    /// replayed, and no second one is made: on a long journal each is tens
    /// of MiB. Replayed states keep no notes, which the State tab does not
    /// show.
    pub fn state_at_cursor(&mut self) -> Option<&RunState> {
        let index = self.selected_index()?;
        if index + 1 == self.lines.len() {
            self.cursor_state = None;
            return Some(&self.state);
        }
        if self
            .cursor_state
            .as_ref()
            .is_none_or(|(at, _)| *at != index)
        {
            // The one held before goes first.
            self.cursor_state = None;
            let mut state = summary_state(&self.lines);
            let mut recent = Recent::default();
            for i in 0..=index {
                if let Some(entry) = self.lines.entry_for_summary(i, &mut recent) {
                    state.apply_typed(&self.playbook, entry);
                }
            }
            self.cursor_state = Some((index, state));
        }
        self.cursor_state.as_ref().map(|(_, s)| s)
    }

    /// What the header warns of before anything on screen is trusted,
    /// each kind counted, the first named: the open conflicts of a team
    /// case, and recorded times ahead of this clock (see
    /// [`crate::run::times_ahead`]). A reader who only looks at the review
    /// must not take a contested value for settled, nor a deadline counted
    /// from a time to come for a running one.
    pub fn header_warnings(&self) -> Vec<String> {
        let ahead = crate::run::times_ahead::warnings(&self.state, &self.playbook, self.now);
        open_conflicts_headline(&self.state.warnings)
            .into_iter()
            .chain(times_ahead_headline(&ahead))
            .collect()
    }

    /// The facts an open conflict contests: the State tab marks them,
    /// whatever entry the cursor is on, since the conflict is open now.
    pub fn contested_facts(&self) -> BTreeSet<String> {
        self.state
            .warnings
            .iter()
            .filter_map(|w| match w {
                Warning::OpenConflict { about, key, .. } if about == "fact" => Some(key.clone()),
                _ => None,
            })
            .collect()
    }

    /// The metrics document, built once per change of the journal from
    /// the few lines a report looks up: decoding every line of a long
    /// journal for it took seconds and several times the journal's size
    /// in memory.
    pub fn metrics(&mut self) -> &Document {
        if self.metrics.is_none() {
            let (lines, counts) = self.lines.for_report();
            let verified = Verified {
                lines,
                head_hash: self.head_hash.clone(),
                verified_len: self.verified_len,
                broken: self.broken.clone(),
                torn_tail: self.torn_tail,
            };
            let input = crate::export::Input {
                now: crate::drill::clocks_now(
                    &self.state,
                    counts.last.unwrap_or(DateTime::UNIX_EPOCH),
                ),
                ..crate::export::Input::new(&verified, &self.playbook, &self.state)
            };
            self.metrics = Some(crate::export::metrics_document(&input, counts));
        }
        self.metrics.get_or_insert_with(|| Document {
            title: String::new(),
            exercise: false,
            preamble: Vec::new(),
            sections: Vec::new(),
            closing: Vec::new(),
        })
    }

    /// The next value of a cycling filter: each value present in the
    /// journal in turn, then none.
    fn cycle<T: Ord + Clone>(current: Option<&T>, values: &BTreeSet<T>) -> Option<T> {
        match current {
            None => values.iter().next().cloned(),
            Some(c) => values
                .range((
                    std::ops::Bound::Excluded(c.clone()),
                    std::ops::Bound::Unbounded,
                ))
                .next()
                .cloned(),
        }
    }

    /// Keys of the participant projector: a stray key must not end a
    /// projection the room is reading, so stopping takes `q` twice (or
    /// Ctrl-C); Esc and every other key only cancel a pending stop.
    pub fn participant_key(&mut self, key: &KeyEvent) {
        let ctrl_c =
            key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c');
        let stop = self.keys.participant.action(key) == Some(Participant::Stop);
        if ctrl_c || (self.stop_armed && stop) {
            self.quit = true;
            return;
        }
        self.stop_armed = stop;
    }

    /// Moves through the metrics or state tab, which scroll as text;
    /// whether `action` was a scroll there.
    fn scroll_tab(&mut self, action: Act) -> bool {
        let scroll = match self.tab {
            Tab::Metrics => &mut self.scroll,
            Tab::State => &mut self.state_scroll,
            Tab::Timeline => return false,
        };
        *scroll = match action {
            Act::Down => scroll.saturating_add(1),
            Act::Up => scroll.saturating_sub(1),
            Act::PageDown => scroll.saturating_add(15),
            Act::PageUp => scroll.saturating_sub(15),
            _ => return false,
        };
        true
    }

    pub fn key(&mut self, key: &KeyEvent) {
        if let Some(editor) = &mut self.searching {
            match key.code {
                KeyCode::Esc => self.searching = None,
                KeyCode::Enter => {
                    self.filter.text = editor.text().trim().to_string();
                    self.searching = None;
                    self.refilter();
                }
                _ => {
                    editor.key(key);
                }
            }
            return;
        }
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            self.quit = true;
            return;
        }
        if self.help {
            // Any key closes the help.
            self.help = false;
            return;
        }
        let Some(action) = self.keys.review.action(key) else {
            return;
        };
        let page = 15;
        let last = self.visible.len().saturating_sub(1);
        if self.scroll_tab(action) {
            return;
        }
        match action {
            Act::Quit => self.quit = true,
            Act::Help => self.help = true,
            Act::NextTab => {
                self.tab =
                    Tab::ALL[(Tab::ALL.iter().position(|t| *t == self.tab).unwrap_or(0) + 1) % 3];
            }
            Act::PrevTab => {
                self.tab =
                    Tab::ALL[(Tab::ALL.iter().position(|t| *t == self.tab).unwrap_or(0) + 2) % 3];
            }
            Act::Timeline => self.tab = Tab::Timeline,
            Act::State => self.tab = Tab::State,
            Act::Metrics => self.tab = Tab::Metrics,
            Act::Down | Act::NextEntry => self.cursor = (self.cursor + 1).min(last),
            Act::Up | Act::PrevEntry => self.cursor = self.cursor.saturating_sub(1),
            Act::PageDown => self.cursor = (self.cursor + page).min(last),
            Act::PageUp => self.cursor = self.cursor.saturating_sub(page),
            Act::First => self.cursor = 0,
            Act::Last => self.cursor = last,
            Act::StateAtCursor => {
                if self.tab == Tab::Timeline {
                    self.tab = Tab::State;
                }
            }
            Act::Search => self.searching = Some(Editor::single(&self.filter.text)),
            Act::FilterKind => {
                let kinds: BTreeSet<Kind> = self.lines.rows().iter().map(|r| r.kind).collect();
                self.filter.kind = Self::cycle(self.filter.kind.as_ref(), &kinds);
                self.refilter();
            }
            Act::FilterActor => {
                let actors: BTreeSet<String> = self.lines.actors().map(str::to_string).collect();
                self.filter.actor = Self::cycle(self.filter.actor.as_ref(), &actors);
                self.refilter();
            }
            Act::FilterPhase => {
                let phases: Vec<String> =
                    self.playbook.phases.iter().map(|p| p.id.clone()).collect();
                self.filter.phase = match &self.filter.phase {
                    None => phases.first().cloned(),
                    Some(p) => phases.iter().skip_while(|x| *x != p).nth(1).cloned(),
                };
                self.refilter();
            }
            Act::FilterStep => {
                self.filter.step = if self.filter.step.is_some() {
                    None
                } else {
                    self.selected().and_then(|l| l.entry.step.clone())
                };
                self.refilter();
            }
            Act::ClearFilters => {
                self.filter = Filter::default();
                self.refilter();
            }
            Act::Follow => self.follow = !self.follow,
        }
    }
}
