//! `runsheet test`: playbooks tested like code. A case file gives answers
//! (facts, decisions, step changes, submissions) and expectations (which
//! steps show, where each clock stands, what each draft says). Each case is
//! turned into journal entries in memory and replayed through the same
//! engine the runner uses; nothing is written.

pub mod doc;

mod build;
mod check;

pub use build::{Case, compile};
pub use check::run_case;

/// Where case files for a playbook are looked for, relative to a folder at
/// or above the playbook's own.
pub fn cases_dir(playbook_id: &str) -> std::path::PathBuf {
    std::path::Path::new("tests")
        .join("playbooks")
        .join(playbook_id)
}
