//! What resuming a journal gathers from its lines as they are verified
//! (and from the lines it appends before the runner starts): the replayed
//! state and tail for the runner, the previous session for the notice
//! that it ended unexpectedly, and the last scenario time for a drill's
//! crash pause. Nothing keeps every decoded entry of a long journal.

use std::collections::VecDeque;
use std::os::unix::fs::FileExt as _;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use sha2::{Digest as _, Sha256};

use crate::app::saved_lines::SavedLines;
use crate::journal::verify::LineView;
use crate::journal::{Entry, Kind, Line};
use crate::playbook::Playbook;

#[derive(Debug)]
pub struct Gathered {
    /// The journal streamed, from which the last lines are read back.
    journal: PathBuf,
    saved: SavedLines,
    /// Where the last lines streamed are, read back and decoded into the
    /// saved tail only once the stream ends (each line could be among the
    /// last): keeping a copy of each line's text would copy the journal.
    tail_places: VecDeque<Place>,
    session: SessionTrace,
    /// The scenario time of the last entry that has one.
    pub last_scenario_ms: Option<u64>,
}

/// Where a verified line is in the journal, and its SHA-256 as verified.
#[derive(Debug, Clone, Copy)]
struct Place {
    offset: u64,
    len: usize,
    hash: [u8; 32],
}

impl Gathered {
    /// Gathers what resuming `journal` needs from the lines it streams.
    pub fn new(journal: &Path) -> Self {
        Self {
            journal: journal.to_path_buf(),
            saved: SavedLines::default(),
            tail_places: VecDeque::with_capacity(crate::app::TAIL),
            session: SessionTrace::default(),
            last_scenario_ms: None,
        }
    }

    /// A line as the journal's stream hands it over, decoded for replay.
    pub fn push_view(&mut self, playbook: &Playbook, line: LineView<'_>) {
        if self.tail_places.len() == crate::app::TAIL {
            self.tail_places.pop_front();
        }
        self.tail_places.push_back(Place {
            offset: line.offset,
            len: line.text.len(),
            hash: line.hash,
        });
        let session_started = line.kind == Kind::SessionStarted;
        let whole = session_started
            .then(|| {
                line.entry()
                    .ok()
                    .map(|entry| (entry, line.text.to_string()))
            })
            .flatten();
        let typed = line.into_typed();
        if typed.scenario_ms.is_some() {
            self.last_scenario_ms = typed.scenario_ms;
        }
        match whole {
            Some((entry, text)) => self.session.start(Line { entry, text }),
            None => self
                .session
                .push(&typed.session, typed.seq, typed.kind, typed.ts),
        }
        self.saved.push_typed(playbook, typed);
    }

    /// A line appended while resuming.
    pub fn push(&mut self, playbook: &Playbook, line: Line) {
        self.settle();
        if line.entry.scenario_ms.is_some() {
            self.last_scenario_ms = line.entry.scenario_ms;
        }
        let e = &line.entry;
        if e.kind == Kind::SessionStarted {
            self.session.start(line.clone());
        } else {
            self.session.push(&e.session, e.seq, e.kind, e.ts);
        }
        self.saved.push_owned(playbook, line);
    }

    /// What [`super::open::unexpected_end`] says of every line pushed.
    pub fn unexpected_end(&self) -> Option<String> {
        self.session.unexpected_end()
    }

    /// What the runner starts from.
    pub fn saved(&mut self) -> &SavedLines {
        self.settle();
        &self.saved
    }

    pub fn into_saved(mut self) -> SavedLines {
        self.settle();
        self.saved
    }

    /// Reads the last lines streamed back (in one read: they are the
    /// journal's last verified lines) and decodes them into the saved tail.
    fn settle(&mut self) {
        let places: Vec<Place> = self.tail_places.drain(..).collect();
        let (Some(&first), Some(&last)) = (places.first(), places.last()) else {
            return;
        };
        // The journal is locked while resuming: a read that fails, or a
        // line that is no longer the one verified, is left out of the few
        // lines shown, as is one that no longer decodes.
        let Some(bytes) = read_span(&self.journal, first.offset, last.offset + last.len as u64)
        else {
            return;
        };
        for place in places {
            let text = usize::try_from(place.offset - first.offset)
                .ok()
                .and_then(|start| bytes.get(start..start + place.len));
            let Some(text) = text.filter(|t| <[u8; 32]>::from(Sha256::digest(t)) == place.hash)
            else {
                continue;
            };
            if let Some(entry) = std::str::from_utf8(text)
                .ok()
                .and_then(|t| Entry::decode_verified(t).ok())
            {
                self.saved.push_tail(entry);
            }
        }
    }
}

/// The bytes of `path` from `from` to `to`.
fn read_span(path: &Path, from: u64, to: u64) -> Option<Vec<u8>> {
    let file = crate::journal::attachment::open_regular(path).ok()?;
    let mut bytes = vec![0; usize::try_from(to.checked_sub(from)?).ok()?];
    file.read_exact_at(&mut bytes, from).ok()?;
    Some(bytes)
}

/// Where a line was and what it was, for the notice.
#[derive(Debug, Clone, Copy)]
struct Mark {
    seq: u64,
    kind: Kind,
    ts: DateTime<Utc>,
}

/// The last session started: its first line, whether it ended, and its
/// last entry so far.
#[derive(Debug, Default)]
struct SessionTrace {
    start: Option<Line>,
    ended: bool,
    last: Option<Mark>,
}

impl SessionTrace {
    fn start(&mut self, line: Line) {
        *self = Self {
            start: Some(line),
            ended: false,
            last: None,
        };
    }

    /// A line other than a session's start.
    fn push(&mut self, session: &str, seq: u64, kind: Kind, ts: DateTime<Utc>) {
        let Some(start) = &self.start else { return };
        if session != start.entry.session {
            return;
        }
        self.ended |= kind == Kind::SessionEnded;
        self.last = Some(Mark { seq, kind, ts });
    }

    fn unexpected_end(&self) -> Option<String> {
        let start = self.start.as_ref()?;
        if self.ended {
            return None;
        }
        let mut last = start.entry.clone();
        if let Some(mark) = self.last {
            last.seq = mark.seq;
            last.kind = mark.kind;
            last.ts = mark.ts;
        }
        Some(super::open::session_end_notice(start, &last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::event::{Note, Payload};
    use crate::journal::{Draft, Event};

    fn line(seq: u64, session: &str, payload: Payload) -> Line {
        let event = Event::new(payload);
        let entry = Draft {
            ts: chrono::DateTime::from_timestamp(
                1_800_000_000 + i64::try_from(seq).unwrap_or(0),
                0,
            )
            .unwrap_or_default(),
            mono_ms: seq,
            scenario_ms: (seq % 4 == 1).then_some(seq * 1000),
            session: session.into(),
            actor: format!("actor of {session}"),
            event,
        }
        .into_entry(seq, String::new());
        Line {
            text: entry.encode(),
            entry,
        }
    }

    fn started(seq: u64, session: &str) -> Line {
        line(
            seq,
            session,
            super::super::open::session_started("resume").payload,
        )
    }

    fn note(seq: u64, session: &str) -> Line {
        line(
            seq,
            session,
            Payload::Note(Note {
                text: format!("n{seq}"),
            }),
        )
    }

    fn ended(seq: u64, session: &str) -> Line {
        line(
            seq,
            session,
            Payload::SessionEnded(crate::journal::event::SessionEnded {
                reason: "quit".into(),
            }),
        )
    }

    /// Streams `lines`, as the journal's stream hands them over and as
    /// lines appended while resuming, and compares with what the whole
    /// slice gives.
    fn check(lines: &[Line]) {
        let playbook = crate::catalog::Catalog::bundled(chrono::NaiveDate::default())
            .playbook("ransomware-extortion")
            .map(|e| e.playbook.clone())
            .expect("bundled playbook");
        let whole = SavedLines::of(&playbook, lines);
        // The lines as a journal file: the tail is read back from it.
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("j.jsonl");
        let mut text = String::new();
        let mut offsets = Vec::new();
        for l in lines {
            offsets.push(text.len() as u64);
            text.push_str(&l.text);
            text.push('\n');
        }
        std::fs::write(&path, text).expect("journal");
        let mut viewed = Gathered::new(&path);
        for (l, offset) in lines.iter().zip(offsets) {
            let mut view = LineView::of(l);
            view.offset = offset;
            viewed.push_view(&playbook, view);
        }
        let mut pushed = Gathered::new(&path);
        for l in lines {
            pushed.push(&playbook, l.clone());
        }
        for gathered in [viewed, pushed] {
            assert_eq!(
                gathered.unexpected_end(),
                super::super::open::unexpected_end(lines),
                "{:?}",
                lines.iter().map(|l| l.entry.kind).collect::<Vec<_>>()
            );
            assert_eq!(
                gathered.last_scenario_ms,
                lines.iter().rev().find_map(|l| l.entry.scenario_ms)
            );
            let saved = gathered.into_saved();
            assert_eq!(saved.count, whole.count);
            assert_eq!(saved.tail, whole.tail);
            assert_eq!(saved.last_step, whole.last_step);
            assert_eq!(saved.state, whole.state);
        }
    }

    #[test]
    fn streamed_lines_give_what_the_whole_journal_gives() {
        check(&[]);
        check(&[note(0, "a")]);
        check(&[started(0, "a")]);
        check(&[started(0, "a"), note(1, "a"), note(2, "a")]);
        check(&[started(0, "a"), note(1, "a"), ended(2, "a")]);
        check(&[started(0, "a"), ended(1, "a"), note(2, "a")]);
        check(&[
            started(0, "a"),
            note(1, "a"),
            started(2, "b"),
            note(3, "a"),
            note(4, "b"),
            note(5, "c"),
        ]);
        check(&[started(0, "a"), note(1, "a"), started(2, "b"), note(3, "c")]);
        let long: Vec<Line> = std::iter::once(started(0, "a"))
            .chain((1..200).map(|s| note(s, if s % 3 == 0 { "b" } else { "a" })))
            .collect();
        check(&long);
    }
}
