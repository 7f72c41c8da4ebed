//! Automatic checkpoints: when the runner signs one without being asked.
//!
//! Configured in `config.toml`:
//!
//! ```toml
//! [checkpoint]
//! key = "~/keys/checkpoint_ed25519" # default: the key `runsheet key new` makes
//! on_quit = true                    # when the session ends
//! on_phase_complete = true          # when a phase's last step closes
//! every_minutes = 30                # while entries keep arriving
//! ```
//!
//! Each one is the same `checkpoint` entry and the same two files as
//! `runsheet checkpoint`; the signing runs on the journal's writer thread,
//! so the checkpoint of N entries is always entry N.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::checkpoint;
use super::key::SigningKey;
use crate::journal::Line;
use crate::journal::event::Payload;

/// The longest interval accepted: one day.
const MAX_MINUTES: u32 = 24 * 60;

/// The `[checkpoint]` section of the config.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoCheckpoint {
    /// The OpenSSH Ed25519 key; `~/` is the home folder.
    key: Option<String>,
    #[serde(default)]
    pub on_quit: bool,
    #[serde(default)]
    pub on_phase_complete: bool,
    pub every_minutes: Option<u32>,
}

impl AutoCheckpoint {
    /// Refuses settings that cannot be meant.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(minutes) = self.every_minutes
            && !(1..=MAX_MINUTES).contains(&minutes)
        {
            return Err(format!(
                "[checkpoint] every_minutes = {minutes}: write a whole number of minutes from 1 to {MAX_MINUTES}"
            ));
        }
        if self.key.as_deref().is_some_and(|k| k.trim().is_empty()) {
            return Err(
                "[checkpoint] key = \"\": name the key file, or leave `key` out to use the one `runsheet key new` makes".into(),
            );
        }
        Ok(())
    }

    /// Whether any trigger is on.
    pub fn is_on(&self) -> bool {
        self.on_quit || self.on_phase_complete || self.every_minutes.is_some()
    }

    /// The key file to sign with.
    pub fn key_path(&self) -> PathBuf {
        match self.key.as_deref().map(str::trim) {
            None => crate::commands::proof::default_key_path(),
            Some(k) => match (k.strip_prefix("~/"), std::env::var_os("HOME")) {
                (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
                _ => PathBuf::from(k),
            },
        }
    }

    /// The interval between timed checkpoints.
    pub fn every(&self) -> Option<chrono::Duration> {
        self.every_minutes
            .map(|m| chrono::Duration::minutes(i64::from(m)))
    }

    /// A config naming `key` with every trigger on; for tests and examples.
    pub fn all_with_key(key: &Path, every_minutes: u32) -> Self {
        Self {
            key: Some(key.to_string_lossy().into_owned()),
            on_quit: true,
            on_phase_complete: true,
            every_minutes: Some(every_minutes),
        }
    }
}

/// The `checkpoint` payload for every line of the journal at `path`: signs
/// them and writes the note and its SSH signature beside the journal.
pub fn payload_for(path: &Path, lines: &[Line], key: &SigningKey) -> Result<Payload, String> {
    let created = crate::commands::open::created_of(lines)
        .ok_or("no verified `journal_created` entry opens the journal")?;
    checkpoint::make(path, &created.journal_id, lines, key)
        .map(|(p, _)| Payload::Checkpoint(Box::new(p)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<AutoCheckpoint, String> {
        let c: AutoCheckpoint = toml::from_str(text).map_err(|e| e.to_string())?;
        c.validate().map(|()| c)
    }

    #[test]
    fn reads_and_checks_the_section() {
        let c = parse("key = \"/k/id\"\non_quit = true\nevery_minutes = 30").expect("valid");
        assert!(c.is_on() && c.on_quit && !c.on_phase_complete);
        assert_eq!(c.key_path(), PathBuf::from("/k/id"));
        assert_eq!(c.every(), Some(chrono::Duration::minutes(30)));
        assert!(!parse("").expect("empty").is_on());
        assert!(
            parse("every_minutes = 0")
                .unwrap_err()
                .contains("from 1 to 1440")
        );
        assert!(parse("every_minutes = 1441").unwrap_err().contains("1440"));
        assert!(
            parse("key = \" \"")
                .unwrap_err()
                .contains("name the key file")
        );
        assert!(parse("on_qit = true").unwrap_err().contains("on_qit"));
        assert_eq!(
            parse("").expect("default").key_path(),
            crate::commands::proof::default_key_path()
        );
    }

    #[test]
    fn the_config_file_refuses_a_bad_section() {
        let config = crate::config::Config::parse("[checkpoint]\non_phase_complete = true\n")
            .expect("valid");
        assert!(config.checkpoint.on_phase_complete && config.checkpoint.is_on());
        assert!(
            !crate::config::Config::default().checkpoint.is_on(),
            "off by default"
        );
        let refused = crate::config::Config::parse("[checkpoint]\nevery_minutes = 0\n")
            .expect_err("zero minutes");
        assert!(refused.contains("every_minutes = 0"), "{refused}");
    }
}
