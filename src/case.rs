//! Team cases: one folder per incident, one append-only journal per
//! responder and machine, one merged state computed the same way on every
//! machine, carried between machines by the system `git`.
//!
//! - [`folder`]: `case.yaml`, the playbook copy, `journals/`, `drafts/`;
//! - [`seen`]: which heads of other journals a new entry records;
//! - [`merge`]: the deterministic order that feeds the existing replay,
//!   reading each line through [`entry`] (held whole, or for replay only);
//! - [`scenario`]: a drill case's scenario, carried onto the kept creation;
//! - [`replay`]: the merged replay `status` makes, the merge deciding the
//!   order on one core while the replay applies it on another;
//! - [`conflict`]: concurrent, contradicting entries, shown never settled,
//!   and [`contested`]: what they contest, in the words the views mark it;
//! - [`witness`]: cross-checking every `seen` head against its journal;
//! - [`sync`]: driving `git` (commit own files, pull --rebase, push);
//! - [`live`] and [`watch`]: the runner following the other journals;
//! - [`views`]: the merged case as review and exports read it.

pub mod conflict;
pub mod contested;
pub mod entry;
pub mod folder;
pub mod live;
pub mod merge;
pub mod replay;
pub mod scenario;
pub mod seen;
pub mod sync;
pub mod target;
pub mod views;
pub mod watch;
pub mod witness;

pub use folder::{CaseFile, journal_id};

#[cfg(test)]
mod tests;
