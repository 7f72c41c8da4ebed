//! What an import gives: a checked playbook with notes for the reader, or
//! every problem that stopped it, each with its place.

use std::fmt::Write as _;

use crate::catalog::LoadError;
use crate::playbook::Playbook;

/// One problem in the input: where, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub pointer: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// Why an input was refused.
#[derive(Debug)]
pub enum ImportError {
    /// Not a playbook runsheet can import; every problem found.
    Invalid(Vec<Problem>),
    /// The converted playbook did not validate (a defect in the mapping).
    Playbook(LoadError),
}

impl ImportError {
    /// The converted document could not be written as YAML.
    pub fn unwritable(message: String) -> Self {
        Self::Invalid(vec![Problem {
            pointer: String::new(),
            line: 1,
            column: 1,
            message,
        }])
    }

    /// Each problem as `error: … (at /pointer)` over `--> file:line:column`,
    /// the way playbook diagnostics read, then a count.
    pub fn render(&self, label: &str) -> String {
        match self {
            Self::Invalid(problems) => {
                let mut out = String::new();
                for p in problems {
                    let _ = writeln!(
                        out,
                        "error: {} (at {})\n  --> {label}:{}:{}",
                        p.message,
                        if p.pointer.is_empty() {
                            "/"
                        } else {
                            &p.pointer
                        },
                        p.line,
                        p.column,
                    );
                }
                let _ = write!(
                    out,
                    "{label}: {} problem{}; nothing was imported",
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" }
                );
                out
            }
            Self::Playbook(e) => e.render(),
        }
    }
}

/// A converted playbook: the YAML to write, the checked playbook, and what
/// the reader must know (dropped secrets, leniency, what did not map).
#[derive(Debug)]
pub struct Imported {
    pub yaml: String,
    pub playbook: Playbook,
    pub notes: Vec<String>,
    /// A drill scenario stub to write beside the playbook (YAML).
    pub drill: Option<String>,
}
