//! runsheet: incident-response playbooks in the terminal, with a durable,
//! tamper-evident journal from which everything else is derived.

pub mod app;
pub mod catalog;
pub mod cli;
pub mod clock;
pub mod clocks;
pub mod commands;
pub mod config;
pub mod diag;
pub mod drill;
pub mod evidence;
pub mod export;
pub mod hash;
pub mod journal;
pub mod paths;
pub mod playbook;
pub mod printable;
pub mod proof;
pub mod report;
pub mod review;
pub mod run;
pub mod runtime;
pub mod session;
pub mod ui;
