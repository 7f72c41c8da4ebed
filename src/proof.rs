//! Proof that holds outside the laptop: signed checkpoints of a journal.
//!
//! The hash chain shows a journal is consistent with itself; it cannot show
//! that the last lines were not cut off or that the whole file was not
//! rewritten with fresh hashes. A checkpoint is a statement signed with a
//! key the responders control ("these N lines, with this Merkle root"),
//! kept beside the journal and, ideally, somewhere else too (a ticket, an
//! email, a timestamp authority).

pub mod anchor;
pub mod auto;
pub mod checkpoint;
pub mod key;
pub mod merkle;
pub mod note;
pub mod scan;
pub mod tail;
