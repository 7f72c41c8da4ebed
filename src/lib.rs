//! runsheet: incident-response playbooks in the terminal, with a durable,
//! tamper-evident journal from which everything else is derived.

pub mod catalog;
pub mod cli;
pub mod commands;
pub mod diag;
pub mod hash;
pub mod paths;
pub mod playbook;
