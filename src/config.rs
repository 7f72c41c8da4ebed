//! `~/.config/runsheet/config.toml`: who I am, my time zone, my keys, my
//! theme. Every field is optional; a bad file is reported, never ignored.
//!
//! ```toml
//! actor = "Dana Reyes"
//! timezone = "Europe/Amsterdam"
//! theme = "dark"            # dark | light | mono
//! holidays = ["2026-12-25"] # extra non-business days for every clock
//! sync_every = "30s"        # team cases: the runner syncs through git (s, m, h; "off")
//!
//! [keys]
//! done = ["x", "ctrl-d"]
//! skip = "s"
//!
//! [checkpoint]              # see `crate::proof::auto`
//! on_quit = true
//! ```

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::Deserialize;

use crate::app::key_config::KeyOverride;
pub use crate::app::keymap::KeyList;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Theme {
    #[default]
    Dark,
    Light,
    /// No colour at all (also forced by `NO_COLOR`).
    Mono,
}

/// A date written as a TOML date (`2026-12-25`) or a string.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
enum DateField {
    Date(toml::value::Datetime),
    Text(String),
}

impl DateField {
    fn date(&self) -> Option<NaiveDate> {
        let text = match self {
            Self::Date(d) => d.to_string(),
            Self::Text(t) => t.clone(),
        };
        NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d").ok()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub actor: Option<String>,
    pub timezone: Option<String>,
    #[serde(default)]
    pub theme: Theme,
    #[serde(default)]
    holidays: Vec<DateField>,
    /// `[keys]` is read with its places by [`key_overrides`], into `keys`.
    #[serde(default, rename = "keys")]
    keys_table: serde::de::IgnoredAny,
    /// Key overrides in file order: top-level entries rebind normal mode,
    /// `[keys.<mode>]` tables another mode (checked by the app's tables).
    #[serde(skip)]
    pub keys: Vec<KeyOverride>,
    /// Automatic checkpoints (`[checkpoint]`), off unless configured.
    #[serde(default)]
    pub checkpoint: crate::proof::auto::AutoCheckpoint,
    /// How often the runner of a team case syncs through git.
    sync_every: Option<String>,
}

impl Config {
    /// Reads the config file; a missing file is the default config.
    pub fn load(path: &Path) -> Result<Self, String> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::parse(&text).map_err(|e| format!("{}: {e}", path.display())),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Self::default()),
            Err(e) => Err(format!(
                "{}: {}",
                path.display(),
                crate::diag::describe_io(&e)
            )),
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let mut config: Self =
            toml::from_str(text).map_err(|e| e.to_string().trim().to_string())?;
        config.keys = key_overrides(text)?;
        if let Some(bad) = config.holidays.iter().find(|h| h.date().is_none()) {
            return Err(format!("holiday `{bad:?}` is not a date (YYYY-MM-DD)"));
        }
        config.checkpoint.validate()?;
        if let Some(tz) = &config.timezone {
            tz.parse::<Tz>().map_err(|_| {
                format!("`timezone = \"{tz}\"` is not an IANA time zone such as Europe/Amsterdam")
            })?;
        }
        if let Some(every) = &config.sync_every {
            parse_every(every)?;
        }
        Ok(config)
    }

    /// `sync_every` (already validated); `None` when absent or "off".
    pub fn sync_every(&self) -> Option<chrono::Duration> {
        self.sync_every
            .as_deref()
            .and_then(|e| parse_every(e).ok().flatten())
    }

    /// Extra non-business days for every clock.
    pub fn holidays(&self) -> Vec<NaiveDate> {
        self.holidays.iter().filter_map(DateField::date).collect()
    }

    pub fn default_path() -> PathBuf {
        crate::paths::config_dir().join("config.toml")
    }

    /// Who is acting as far as the command line and the config say:
    /// `--as` wins, then the config. `None` means the caller must find out
    /// (from the journal, or by asking), never guess.
    pub fn actor(&self, flag: Option<&str>) -> Option<String> {
        flag.map(str::to_string)
            .or_else(|| self.actor.clone())
            .map(|a| a.trim().to_string())
            .filter(|a| !a.is_empty())
    }

    /// The zone for a new incident: config, then the playbook's, then the
    /// system's, then UTC.
    pub fn incident_zone(&self, playbook: Option<Tz>) -> Tz {
        self.timezone
            .as_deref()
            .and_then(|t| t.parse().ok())
            .or(playbook)
            .or_else(system_zone)
            .unwrap_or(chrono_tz::UTC)
    }

    /// Whether colour may be used: `NO_COLOR` set to anything disables it.
    pub fn colour(&self) -> bool {
        self.theme != Theme::Mono && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
    }
}

/// Git is not asked more often than this.
const SYNC_FLOOR_SECONDS: i64 = 5;

/// `"30s"`, `"5m"`, `"1h"` or `"off"`: how often the runner syncs.
fn parse_every(text: &str) -> Result<Option<chrono::Duration>, String> {
    let bad = |why: &str| format!("`sync_every = \"{text}\"`: {why}");
    let t = text.trim();
    if t == "off" {
        return Ok(None);
    }
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: i64 = digits
        .parse()
        .map_err(|_| bad("expected a number and a unit, such as \"30s\", \"5m\" or \"off\""))?;
    let seconds = match unit.trim() {
        "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3600),
        _ => return Err(bad("the unit is s, m or h, such as \"30s\"")),
    };
    if seconds < SYNC_FLOOR_SECONDS {
        return Err(bad(&format!(
            "at least {SYNC_FLOOR_SECONDS}s between syncs (or \"off\")"
        )));
    }
    Ok(Some(chrono::Duration::seconds(seconds)))
}

/// The entries of `[keys]` with their line and column: a string or a list
/// of strings per action, at the top level (normal mode) or in a
/// `[keys.<mode>]` table.
fn key_overrides(text: &str) -> Result<Vec<KeyOverride>, String> {
    use toml::de::{DeTable, DeValue};
    let doc = DeTable::parse(text).map_err(|e| e.to_string().trim().to_string())?;
    let place = |offset: usize| {
        let before = &text[..offset.min(text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    };
    let Some(keys) = doc.get_ref().get("keys") else {
        return Ok(Vec::new());
    };
    let DeValue::Table(keys) = keys.get_ref() else {
        return Err("`keys` must be a table: `[keys]`".into());
    };
    let list = |value: &DeValue<'_>| -> Option<Vec<String>> {
        match value {
            DeValue::String(s) => Some(vec![s.to_string()]),
            DeValue::Array(items) => items
                .iter()
                .map(|i| match i.get_ref() {
                    DeValue::String(s) => Some(s.to_string()),
                    _ => None,
                })
                .collect(),
            _ => None,
        }
    };
    let mut out = Vec::new();
    let mut entry = |mode: &str,
                     name: &toml::Spanned<std::borrow::Cow<'_, str>>,
                     value: &toml::Spanned<DeValue<'_>>| {
        let (line, column) = place(name.span().start);
        let keys = list(value.get_ref()).ok_or_else(|| {
            let table = if mode == "normal" { "[keys]".to_string() } else { format!("[keys.{mode}]") };
            format!("{line}:{column}: {table} {}: give a key as a string or a list of strings (`\"x\"`, `[\"x\", \"ctrl-d\"]`)", name.get_ref())
        })?;
        out.push(KeyOverride {
            mode: mode.to_string(),
            action: name.get_ref().to_string(),
            keys,
            line,
            column,
        });
        Ok::<(), String>(())
    };
    for (name, value) in keys {
        if let DeValue::Table(mode) = value.get_ref() {
            for (action, keys) in mode {
                entry(name.get_ref(), action, keys)?;
            }
        } else {
            entry("normal", name, value)?;
        }
    }
    Ok(out)
}

/// The system's IANA zone from `TZ`, `/etc/timezone` or `/etc/localtime`.
pub fn system_zone() -> Option<Tz> {
    if let Ok(tz) = std::env::var("TZ")
        && let Ok(z) = tz.trim_start_matches(':').parse()
    {
        return Some(z);
    }
    if let Ok(text) = std::fs::read_to_string("/etc/timezone")
        && let Ok(z) = text.trim().parse()
    {
        return Some(z);
    }
    let target = std::fs::read_link("/etc/localtime").ok()?;
    let text = target.to_string_lossy();
    let name = text.split("zoneinfo/").nth(1)?;
    name.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_field() {
        let c = Config::parse(
            "actor = \"Dana\"\ntimezone = \"Europe/Amsterdam\"\ntheme = \"mono\"\nholidays = [2026-12-25]\n[keys]\ndone = [\"x\", \"ctrl-d\"]\nskip = \"s\"\n",
        )
        .unwrap();
        assert_eq!(c.actor.as_deref(), Some("Dana"));
        assert_eq!(c.theme, Theme::Mono);
        assert_eq!(c.keys[0].action, "done");
        assert_eq!(c.keys[0].keys, ["x", "ctrl-d"]);
        assert_eq!(
            c.holidays(),
            [NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()]
        );
        let quoted = Config::parse("holidays = [\"2026-12-24\"]").unwrap();
        assert_eq!(
            quoted.holidays(),
            [NaiveDate::from_ymd_opt(2026, 12, 24).unwrap()]
        );
        assert_eq!(c.actor(Some(" Sam ")).as_deref(), Some("Sam"));
        assert_eq!(Config::parse("").unwrap().actor(None), None);
        assert!(!c.colour());
    }

    #[test]
    fn sync_every_takes_seconds_minutes_hours_or_off_and_refuses_the_rest() {
        let every =
            |t: &str| Config::parse(&format!("sync_every = \"{t}\"")).map(|c| c.sync_every());
        assert_eq!(every("30s"), Ok(Some(chrono::Duration::seconds(30))));
        assert_eq!(every("5m"), Ok(Some(chrono::Duration::minutes(5))));
        assert_eq!(every("1h"), Ok(Some(chrono::Duration::hours(1))));
        assert_eq!(every("off"), Ok(None));
        assert_eq!(Config::parse("").map(|c| c.sync_every()), Ok(None));
        for bad in ["30", "1s", "ten s", "30 sec", "-5s"] {
            let err = every(bad).unwrap_err();
            assert!(err.contains("sync_every"), "{bad}: {err}");
        }
    }

    #[test]
    fn refuses_typos_and_bad_zones() {
        assert!(Config::parse("actr = \"x\"").unwrap_err().contains("actr"));
        assert!(
            Config::parse("timezone = \"Mars/Base\"")
                .unwrap_err()
                .contains("IANA")
        );
    }

    #[test]
    fn key_overrides_of_every_mode_keep_their_line_and_column() {
        let c = Config::parse(
            "actor = \"Dana\"\n[keys]\ndone = \"ctrl-d\"\n\n[keys.review]\nquit = [\"Q\", \"f10\"]\n  follow = \"F\"\n",
        )
        .unwrap();
        let found: Vec<(&str, &str, Vec<&str>, usize, usize)> = c
            .keys
            .iter()
            .map(|o| {
                (
                    o.mode.as_str(),
                    o.action.as_str(),
                    o.keys.iter().map(String::as_str).collect(),
                    o.line,
                    o.column,
                )
            })
            .collect();
        assert_eq!(
            found,
            [
                ("normal", "done", vec!["ctrl-d"], 3, 1),
                ("review", "follow", vec!["F"], 7, 3),
                ("review", "quit", vec!["Q", "f10"], 6, 1),
            ]
        );
        let err = Config::parse("[keys.review]\nquit = 3\n").unwrap_err();
        assert!(
            err.starts_with("2:1: [keys.review] quit: give a key as a string"),
            "{err}"
        );
    }
}
