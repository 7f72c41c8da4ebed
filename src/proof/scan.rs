//! What `verify` needs to check checkpoints, anchors and the tail,
//! gathered from each verified line as it streams past: the journal is
//! read once and its lines are not kept.
//!
//! Lines are folded into a Merkle [`Frontier`], so the root at a size is
//! known when the stream reaches it: a checkpoint normally covers every
//! entry before it, and an outside note names its size before the pass.
//! A checkpoint claiming fewer entries (made by hand or tampered with) is
//! only known to need an earlier root after that size went by: those sizes
//! are listed by [`Scan::missed`] for a second pass ([`Scan::roots_from`]).

use std::collections::{BTreeMap, BTreeSet};

use super::merkle::{Frontier, Hash};
use super::tail::TailScan;
use crate::journal::Kind;
use crate::journal::event::{Anchor, Checkpoint, Created, Payload};
use crate::journal::verify::LineView;

/// The proof-relevant facts of a journal's verified lines.
#[derive(Debug, Default)]
pub struct Scan {
    frontier: Frontier,
    /// Sizes whose root is wanted before the pass (an outside note).
    wanted: BTreeSet<u64>,
    /// Merkle roots of the first n lines, for each n asked for.
    roots: BTreeMap<u64, Hash>,
    /// Sizes a checkpoint asked for after the stream had passed them.
    missed: BTreeSet<u64>,
    /// The head hash kept elsewhere to look for, and where it was found.
    head: Option<(String, Option<u64>)>,
    created: Option<Created>,
    recorded: Vec<(u64, Checkpoint)>,
    /// When each checkpoint was recorded, by its `seq`: a timestamp of its
    /// note cannot be earlier.
    recorded_at: BTreeMap<u64, chrono::DateTime<chrono::Utc>>,
    anchors: Vec<(u64, Anchor)>,
    tail: TailScan,
}

impl Scan {
    /// A scan that also keeps the roots of the first `sizes` lines and
    /// looks for the line whose hash is `head`.
    pub fn new(sizes: impl IntoIterator<Item = u64>, head: Option<&str>) -> Self {
        Self {
            wanted: sizes.into_iter().collect(),
            head: head.map(|h| (h.trim().to_ascii_lowercase(), None)),
            ..Self::default()
        }
    }

    /// Takes the next verified line, with its Merkle leaf hash.
    /// Only the entries it keeps are decoded.
    pub fn add(&mut self, line: &LineView<'_>, leaf: Hash) {
        let before = self.frontier.len();
        if self.wanted.contains(&before) {
            self.roots.insert(before, self.frontier.root());
        }
        let wanted = matches!(line.kind, Kind::Checkpoint | Kind::Anchor)
            || (line.kind == Kind::JournalCreated && before == 0);
        if let Some(entry) = wanted.then(|| line.entry().ok()).flatten() {
            self.keep(&entry, before);
        }
        if let Some((head, at @ None)) = &mut self.head
            && crate::journal::is_hex_of(&line.hash, head)
        {
            *at = Some(before);
        }
        self.tail.add(line);
        self.frontier.push(leaf);
    }

    /// Keeps what a creation, checkpoint or anchor entry says.
    fn keep(&mut self, entry: &crate::journal::Entry, before: u64) {
        match entry.kind {
            Kind::JournalCreated if before == 0 => {
                if let Ok(Payload::JournalCreated(c)) = entry.event().map(|e| e.payload) {
                    self.created = Some(*c);
                }
            }
            Kind::Checkpoint => {
                if let Ok(Payload::Checkpoint(c)) = entry.event().map(|e| e.payload) {
                    if c.size == before {
                        self.roots.insert(before, self.frontier.root());
                    } else if c.size < before && !self.roots.contains_key(&c.size) {
                        self.missed.insert(c.size);
                    }
                    self.recorded.push((entry.seq, *c));
                    self.recorded_at.insert(entry.seq, entry.ts);
                }
            }
            Kind::Anchor => {
                if let Ok(Payload::Anchor(a)) = entry.event().map(|e| e.payload) {
                    self.anchors.push((entry.seq, *a));
                }
            }
            _ => {}
        }
    }

    /// Ends the pass: the root of every line, if it was wanted.
    #[must_use]
    pub fn finish(mut self) -> Self {
        let len = self.frontier.len();
        if self.wanted.contains(&len) {
            self.roots.insert(len, self.frontier.root());
        }
        self
    }

    /// Sizes whose root only a second pass can give.
    pub fn missed(&self) -> &BTreeSet<u64> {
        &self.missed
    }

    /// Keeps the roots a second pass over the same lines found for the
    /// sizes [`Scan::missed`] listed.
    pub fn roots_from(&mut self, roots: BTreeMap<u64, Hash>) {
        for (size, root) in roots {
            if self.missed.remove(&size) {
                self.roots.insert(size, root);
            }
        }
    }

    /// How many verified lines were added.
    pub fn entries(&self) -> u64 {
        self.frontier.len()
    }

    /// The Merkle root of the first `size` lines, if it was asked for and
    /// that many lines verified.
    pub fn root_of_first(&self, size: u64) -> Option<Hash> {
        self.roots.get(&size).copied()
    }

    /// The `journal_created` payload, if the first line is one.
    pub fn created(&self) -> Option<&Created> {
        self.created.as_ref()
    }

    /// Every `checkpoint` entry, with its sequence number.
    pub fn recorded(&self) -> &[(u64, Checkpoint)] {
        &self.recorded
    }

    /// Every `anchor` entry, with its sequence number.
    /// When the checkpoint entry `seq` was recorded.
    pub fn checkpoint_recorded_at(&self, seq: u64) -> Option<chrono::DateTime<chrono::Utc>> {
        self.recorded_at.get(&seq).copied()
    }

    pub fn anchors(&self) -> &[(u64, Anchor)] {
        &self.anchors
    }

    /// The index of the line whose hash is the head looked for.
    pub fn head_at(&self) -> Option<u64> {
        self.head.as_ref().and_then(|(_, at)| *at)
    }

    /// What is needed to judge the tail.
    pub fn tail(&self) -> &TailScan {
        &self.tail
    }
}

/// The Merkle roots of the first n lines for chosen sizes n, as leaf
/// hashes stream past: the second pass for [`Scan::missed`].
#[derive(Debug, Default)]
pub struct RootsAt {
    sizes: BTreeSet<u64>,
    frontier: Frontier,
    roots: BTreeMap<u64, Hash>,
}

impl RootsAt {
    pub fn new(sizes: BTreeSet<u64>) -> Self {
        let mut roots = BTreeMap::new();
        if sizes.contains(&0) {
            roots.insert(0, Frontier::default().root());
        }
        Self {
            sizes,
            frontier: Frontier::default(),
            roots,
        }
    }

    /// Takes the next leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        self.frontier.push(leaf);
        let len = self.frontier.len();
        if self.sizes.contains(&len) {
            self.roots.insert(len, self.frontier.root());
        }
    }

    pub fn finish(self) -> BTreeMap<u64, Hash> {
        self.roots
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::sha256_hex;
    use crate::journal::Line;
    use crate::journal::event::{Note, SessionStarted};
    use crate::journal::{Draft, Event};
    use crate::proof::merkle;
    use crate::proof::tail;

    fn line(seq: u64, payload: Payload) -> Line {
        let draft = Draft {
            ts: chrono::DateTime::UNIX_EPOCH,
            mono_ms: 0,
            scenario_ms: None,
            session: "s".into(),
            actor: "a".into(),
            event: Event::new(payload),
        };
        let entry = draft.into_entry(seq, String::new());
        Line {
            text: entry.encode(),
            entry,
        }
    }

    fn checkpoint(size: u64) -> Payload {
        Payload::Checkpoint(Box::new(Checkpoint {
            size,
            root: String::new(),
            head: String::new(),
            key: String::new(),
            verifier: String::new(),
            note: format!("n{size}"),
            ssh_signature: String::new(),
        }))
    }

    /// Notes, a session left open, a checkpoint covering what comes
    /// before it (seq 4) and one covering fewer entries (seq 7, size 3).
    fn journal() -> Vec<Line> {
        (0..10)
            .map(|seq| match seq {
                2 => line(
                    seq,
                    Payload::SessionStarted(SessionStarted {
                        pid: 1,
                        host: "h".into(),
                        app_version: "t".into(),
                        mode: "run".into(),
                    }),
                ),
                4 => line(seq, checkpoint(4)),
                7 => line(seq, checkpoint(3)),
                _ => line(
                    seq,
                    Payload::Note(Note {
                        text: format!("note {seq}"),
                    }),
                ),
            })
            .collect()
    }

    fn root_of(lines: &[Line]) -> Hash {
        merkle::root(&lines.iter().map(|l| l.text.as_bytes()).collect::<Vec<_>>())
    }

    #[test]
    fn roots_kept_in_one_pass_are_those_of_the_lines_before() {
        let lines = journal();
        let head = sha256_hex(lines[6].text.as_bytes());
        let mut scan = Scan::new([0, 5, 10, 11], Some(&head));
        for l in &lines {
            scan.add(&LineView::of(l), merkle::leaf_hash(l.text.as_bytes()));
        }
        let mut scan = scan.finish();
        assert_eq!(scan.entries(), 10);
        for size in [0_usize, 4, 5, 10] {
            assert_eq!(
                scan.root_of_first(size as u64),
                Some(root_of(&lines[..size])),
                "{size}"
            );
        }
        assert_eq!(scan.root_of_first(11), None, "more than verified");
        assert_eq!(scan.head_at(), Some(6));
        let sizes: Vec<u64> = scan
            .recorded()
            .iter()
            .map(|(seq, c)| seq * 100 + c.size)
            .collect();
        assert_eq!(sizes, [404, 703]);

        // The checkpoint at seq 7 asked for size 3 after it had passed.
        assert_eq!(scan.missed().iter().copied().collect::<Vec<_>>(), [3]);
        assert_eq!(scan.root_of_first(3), None);
        let mut again = RootsAt::new(scan.missed().clone());
        for l in &lines {
            again.push(merkle::leaf_hash(l.text.as_bytes()));
        }
        scan.roots_from(again.finish());
        assert!(scan.missed().is_empty());
        assert_eq!(scan.root_of_first(3), Some(root_of(&lines[..3])));
    }

    #[test]
    fn the_tail_judged_in_the_pass_is_the_one_assess_finds() {
        let lines = journal();
        let nowhere = std::path::Path::new("/nonexistent/journal.jsonl");
        let mut scan = Scan::new([], None);
        for l in &lines {
            scan.add(&LineView::of(l), merkle::leaf_hash(l.text.as_bytes()));
        }
        let found = scan.tail().assess(nowhere);
        assert_eq!(found, tail::assess(nowhere, &lines));
        assert_eq!(
            found,
            tail::Tail::Open {
                started_at: 2,
                checkpoint: Some((7, 3)),
                entries: 10
            }
        );
    }

    #[test]
    fn roots_at_size_zero_is_the_empty_tree() {
        let roots = RootsAt::new([0].into()).finish();
        assert_eq!(roots.get(&0), Some(&merkle::root::<&[u8]>(&[])));
    }
}
