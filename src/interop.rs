//! Other tools' formats, in and out: OASIS CACAO 2.0 playbooks and
//! execution reports, Markdown playbooks (`GuardSight` battle cards, AWS
//! incident-response playbooks, generic wiki pages).
//!
//! Every importer builds a playbook *document* (the YAML file's shape, as
//! JSON), writes it as YAML and checks it with the ordinary loader, so an
//! imported playbook is exactly as valid as a hand-written one.

pub mod cacao;
pub mod command;
pub mod document;
pub mod imported;
pub mod markdown;

pub use imported::{ImportError, Imported, Problem};
