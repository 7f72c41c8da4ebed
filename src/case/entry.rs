//! What merging a case reads of each line, and how it renumbers one, for
//! a line held whole ([`Line`]: review, exports, the runner) and for one
//! held only as a replay reads it ([`ReplayLine`]: `status`, which reads
//! every line of every journal and shows none of them).

use chrono::{DateTime, Utc};

use super::merge::line_hash;
use crate::journal::event::{Correction, Payload, Seen};
use crate::journal::typed::TypedEntry;
use crate::journal::verify::LineView;
use crate::journal::{Entry, Kind, Line};

/// A verified line of a case's journal, as the merge, the conflict and
/// witness checks and the renumbering read it.
pub trait CaseEntry {
    fn seq(&self) -> u64;
    fn ts(&self) -> DateTime<Utc>;
    fn kind(&self) -> Kind;
    fn actor(&self) -> &str;
    /// The heads of other journals its writer had read, if recorded.
    fn seen(&self) -> Option<&Seen>;
    /// What `read` makes of its typed payload; `None` when `data` is not
    /// the kind's. A line decoded for replay lends its payload.
    fn with_payload<R>(&self, read: impl FnOnce(&Payload) -> R) -> Option<R>;
    /// Whether the line's exact bytes have this SHA-256 (hex), as a `seen`
    /// head names it.
    fn hashes_to(&self, sha256: &str) -> bool;
    /// Gives the line its merged position.
    fn set_seq(&mut self, seq: u64);
    /// Replaces a correction's payload (its target renumbered).
    fn set_correction(&mut self, correction: Correction);
    /// Names the writer as views name it (`actor@host`).
    fn set_actor(&mut self, actor: String);
    /// A `journal_created` line's whole entry (a drill case's scenario is
    /// read from, and carried into, its JSON `data`).
    fn created(&self) -> Option<&Entry>;
    /// Changes a `journal_created` line's entry as `change` does, which
    /// says whether it changed anything.
    fn change_created(&mut self, change: impl FnOnce(&mut Entry) -> bool);
}

impl CaseEntry for Line {
    fn seq(&self) -> u64 {
        self.entry.seq
    }

    fn ts(&self) -> DateTime<Utc> {
        self.entry.ts
    }

    fn kind(&self) -> Kind {
        self.entry.kind
    }

    fn actor(&self) -> &str {
        &self.entry.actor
    }

    fn seen(&self) -> Option<&Seen> {
        self.entry.seen.as_ref()
    }

    fn with_payload<R>(&self, read: impl FnOnce(&Payload) -> R) -> Option<R> {
        self.entry.event().ok().map(|e| read(&e.payload))
    }

    fn hashes_to(&self, sha256: &str) -> bool {
        line_hash(&self.text) == sha256
    }

    fn set_seq(&mut self, seq: u64) {
        self.entry.seq = seq;
    }

    fn set_correction(&mut self, correction: Correction) {
        self.entry.data = Payload::Correction(Box::new(correction)).to_data();
    }

    fn set_actor(&mut self, actor: String) {
        self.entry.actor = actor;
    }

    fn created(&self) -> Option<&Entry> {
        (self.entry.kind == Kind::JournalCreated).then_some(&self.entry)
    }

    fn change_created(&mut self, change: impl FnOnce(&mut Entry) -> bool) {
        if self.entry.kind == Kind::JournalCreated {
            change(&mut self.entry);
        }
    }
}

/// A case's line kept for replay only: the entry as a replay applies it,
/// its `seen` heads, its SHA-256, and for a `journal_created` the whole
/// entry (a drill case's scenario is carried between those as JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct ReplayLine {
    /// Held in place, not boxed: a box was an allocation on the reader's
    /// thread freed on the replay's, for every line (the bench case's CPU
    /// went 0.44 → 0.38 s without it).
    pub entry: TypedEntry,
    /// The entry's `seq`, `ts` and `kind` again, together: the merge
    /// compares them for the next line of every journal at each step.
    seq: u64,
    ts: DateTime<Utc>,
    kind: Kind,
    seen: Option<Seen>,
    sha256: [u8; 32],
    created: Option<Box<Entry>>,
}

impl ReplayLine {
    /// The line as the verifying stream hands it over, decoded for
    /// replay. Only the few lines that record `seen` heads or create a
    /// journal are decoded whole as well.
    pub fn of_view(view: LineView<'_>) -> Self {
        let sha256 = view.hash;
        let whole = (view.kind == Kind::JournalCreated || may_record_seen(view.text))
            .then(|| view.entry().ok())
            .flatten();
        let seen = whole.as_ref().and_then(|e| e.seen.clone());
        let created = whole
            .filter(|e| e.kind == Kind::JournalCreated)
            .map(Box::new);
        Self {
            seq: view.seq,
            ts: view.ts,
            kind: view.kind,
            entry: view.into_typed(),
            seen,
            sha256,
            created,
        }
    }
}

/// Whether a line may hold a `seen` member. In a canonical line the bytes
/// `"seen":` occur only as a member name (a quote inside a string is
/// escaped), so a line without them records no heads; one with them is
/// decoded whole to find out (its `data` may have a member of that name).
fn may_record_seen(text: &str) -> bool {
    memchr::memmem::find(text.as_bytes(), b"\"seen\":").is_some()
}

impl ReplayLine {
    /// SHA-256 of the line's exact bytes.
    pub const fn sha256(&self) -> [u8; 32] {
        self.sha256
    }
}

impl CaseEntry for ReplayLine {
    fn seq(&self) -> u64 {
        self.seq
    }

    fn ts(&self) -> DateTime<Utc> {
        self.ts
    }

    fn kind(&self) -> Kind {
        self.kind
    }

    fn actor(&self) -> &str {
        &self.entry.actor
    }

    fn seen(&self) -> Option<&Seen> {
        self.seen.as_ref()
    }

    fn with_payload<R>(&self, read: impl FnOnce(&Payload) -> R) -> Option<R> {
        self.entry.payload.as_ref().ok().map(read)
    }

    fn hashes_to(&self, sha256: &str) -> bool {
        // Compared digit by digit: no hex string made for every head.
        crate::journal::is_hex_of(&self.sha256, sha256)
    }

    fn set_seq(&mut self, seq: u64) {
        self.seq = seq;
        self.entry.seq = seq;
    }

    fn set_correction(&mut self, correction: Correction) {
        self.entry.payload = Ok(Payload::Correction(Box::new(correction)));
    }

    fn set_actor(&mut self, actor: String) {
        self.entry.actor = actor;
    }

    fn created(&self) -> Option<&Entry> {
        self.created.as_deref()
    }

    /// The payload replayed is read again from the changed `data`.
    fn change_created(&mut self, change: impl FnOnce(&mut Entry) -> bool) {
        if let Some(created) = &mut self.created
            && change(created)
        {
            self.entry.payload = Payload::from_data(created.kind, &created.data);
        }
    }
}
