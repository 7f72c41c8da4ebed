//! What resuming a journal gathers from its lines as they are verified
//! (and from the lines it appends before the runner starts): the replayed
//! state and tail for the runner, the previous session for the notice
//! that it ended unexpectedly, and the last scenario time for a drill's
//! crash pause. Nothing keeps every decoded entry of a long journal.

use crate::app::saved_lines::SavedLines;
use crate::journal::{Entry, Kind, Line};
use crate::playbook::Playbook;

#[derive(Debug, Default)]
pub struct Gathered {
    pub saved: SavedLines,
    session: SessionTrace,
    /// The scenario time of the last entry that has one.
    pub last_scenario_ms: Option<u64>,
}

impl Gathered {
    pub fn push(&mut self, playbook: &Playbook, line: Line) {
        if line.entry.scenario_ms.is_some() {
            self.last_scenario_ms = line.entry.scenario_ms;
        }
        self.session.push(&line);
        self.saved.push_owned(playbook, line);
    }

    /// What [`super::open::unexpected_end`] says of every line pushed.
    pub fn unexpected_end(&self) -> Option<String> {
        self.session.unexpected_end()
    }
}

/// The last session started: its first line, whether it ended, and its
/// last entry so far.
#[derive(Debug, Default)]
struct SessionTrace {
    start: Option<Line>,
    ended: bool,
    last: Option<Entry>,
}

impl SessionTrace {
    fn push(&mut self, line: &Line) {
        let e = &line.entry;
        if e.kind == Kind::SessionStarted {
            *self = Self {
                start: Some(line.clone()),
                ended: false,
                last: None,
            };
            return;
        }
        let Some(start) = &self.start else { return };
        if e.session != start.entry.session {
            return;
        }
        self.ended |= e.kind == Kind::SessionEnded;
        match &mut self.last {
            // Only what the notice shows changes; no copy per line.
            Some(last) => {
                last.seq = e.seq;
                last.kind = e.kind;
                last.ts = e.ts;
            }
            None => self.last = Some(e.clone()),
        }
    }

    fn unexpected_end(&self) -> Option<String> {
        let start = self.start.as_ref()?;
        if self.ended {
            return None;
        }
        let last = self.last.as_ref().unwrap_or(&start.entry);
        Some(super::open::session_end_notice(start, last))
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

    /// Streams `lines` and compares with what the whole slice gives.
    fn check(lines: &[Line]) {
        let playbook = crate::catalog::Catalog::bundled(chrono::NaiveDate::default())
            .playbook("ransomware-extortion")
            .map(|e| e.playbook.clone())
            .expect("bundled playbook");
        let mut gathered = Gathered::default();
        for l in lines {
            gathered.push(&playbook, l.clone());
        }
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
        let whole = SavedLines::of(&playbook, lines);
        assert_eq!(gathered.saved.count, whole.count);
        assert_eq!(gathered.saved.tail, whole.tail);
        assert_eq!(gathered.saved.last_step, whole.last_step);
        assert_eq!(gathered.saved.state, whole.state);
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
