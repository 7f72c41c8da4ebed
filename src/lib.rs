//! runsheet: incident-response playbooks in the terminal, with a durable,
//! tamper-evident journal from which everything else is derived.
//!
//! Layers, each importing only from the ones above it:
//! - pure core (no terminal, no wall clock, no IO except the journal
//!   writer): `time`, `hash`, `diag`, `playbook`, `journal`, `run`,
//!   `clocks`, `drill`, `export`;
//! - app state machines: `app`;
//! - widgets over that state: `ui`;
//! - the shell doing IO: `runtime`, `config`, `paths`, `catalog`, `cli`,
//!   `commands`.

pub mod bytewise;
pub mod clocks;
pub mod diag;
pub mod drill;
pub mod evidence;
pub mod export;
pub mod hash;
pub mod interop;
pub mod journal;
pub mod playbook;
pub mod playtest;
pub mod printable;
pub mod proof;
pub mod run;
pub mod threads;
pub mod time;

pub mod case;

pub mod app;

pub mod ui;

pub mod catalog;
pub mod cli;
pub mod commands;
pub mod config;
pub mod paths;
pub mod runtime;
pub mod suggest;
