//! Playbook documents built in code: written as YAML, then checked by the
//! same loader as any playbook file.

use chrono::NaiveDate;
use serde_json::Value;

use super::ImportError;
use crate::catalog::{self, Catalog, SourceText};
use crate::hash::sha256_hex;
use crate::playbook::{Playbook, load};

/// The document as YAML text, for `-o playbook.yaml` and the loader.
pub fn to_yaml(doc: &Value) -> Result<String, String> {
    serde_saphyr::to_string(doc).map_err(|e| format!("could not write the playbook as YAML: {e}"))
}

/// Reads a playbook file's text into its document form.
pub fn from_yaml(text: &str) -> Result<Value, String> {
    crate::playbook::load::parse::<Value>(text).map_err(|d| d.message)
}

/// Checks YAML text as a playbook named `label`, against the bundled
/// clock library. A playbook over the loader's size limit is refused here,
/// saying it is the playbook made from `label` that is too big: the loader
/// alone would say the file is, which is not what the user gave.
pub fn check(label: &str, yaml: &str, today: NaiveDate) -> Result<Playbook, ImportError> {
    if yaml.len() > load::MAX_BYTES {
        return Err(ImportError::unwritable(format!(
            "the playbook made from this file would be larger than {} MiB, the limit for playbooks",
            load::MAX_BYTES / (1024 * 1024)
        )));
    }
    let source = SourceText {
        label: label.to_string(),
        path: None,
        text: yaml.to_string(),
        sha256: sha256_hex(yaml.as_bytes()),
    };
    let library = Catalog::bundled_library(today);
    catalog::check_playbook(&source, &library, today)
        .map(|(playbook, _)| playbook)
        .map_err(ImportError::Playbook)
}

/// A runsheet id from any name: lower-case letters, digits and `-`,
/// starting with a letter; `fallback` when nothing is left.
pub fn slug(name: &str, fallback: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let trimmed = out.trim_end_matches('-');
    let mut id: String = trimmed.chars().take(60).collect();
    id = id.trim_end_matches('-').to_string();
    if !id.starts_with(|c: char| c.is_ascii_lowercase()) {
        id = if id.is_empty() {
            fallback.to_string()
        } else {
            format!("{fallback}-{id}")
        };
    }
    id
}

/// Ids given out so far; each new one is made unique by appending `-2`,
/// `-3`, … (the first free one). Each base remembers the suffix it reached,
/// so 10,000 steps with one title cost 10,000 tries, not 50 million.
#[derive(Debug, Default)]
pub struct UniqueIds {
    taken: std::collections::HashSet<String>,
    next_suffix: std::collections::HashMap<String, usize>,
    tries: usize,
}

impl UniqueIds {
    /// `id` itself if no one has it, else the first free `id-2`, `id-3`, …
    /// (a suffix once taken stays taken, so resuming where the last call
    /// for `id` stopped finds the same one as starting from `-2`).
    pub fn claim(&mut self, id: String) -> String {
        self.tries += 1;
        if self.taken.insert(id.clone()) {
            return id;
        }
        let mut n = self.next_suffix.get(&id).copied().unwrap_or(2);
        loop {
            let candidate = format!("{id}-{n}");
            self.tries += 1;
            n += 1;
            if self.taken.insert(candidate.clone()) {
                self.next_suffix.insert(id, n);
                return candidate;
            }
        }
    }

    /// Ids tried so far, over every claim: the work, for tests.
    pub fn tries(&self) -> usize {
        self.tries
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_valid_ids() {
        assert_eq!(slug("IMC assets by CVE", "step"), "imc-assets-by-cve");
        assert_eq!(slug("1.4 Game Day", "step"), "step-1-4-game-day");
        assert_eq!(slug("***", "step"), "step");
        let mut taken = UniqueIds::default();
        assert_eq!(taken.claim("a".into()), "a");
        assert_eq!(taken.claim("a".into()), "a-2");
    }

    /// Defect: uniquifying 80,000 steps with three titles tried every
    /// suffix from `-2` for each step (quadratic). A claim now resumes from
    /// the suffix its base reached: one try per id, plus one per suffix
    /// someone else took.
    #[test]
    fn many_equal_titles_get_their_suffixes_in_linear_work() {
        let mut ids = UniqueIds::default();
        let given: Vec<String> = (0..10_000).map(|_| ids.claim("x".into())).collect();
        assert_eq!(given[0], "x");
        assert_eq!(given[1], "x-2");
        assert_eq!(given[9_999], "x-10000");
        assert_eq!(
            ids.tries(),
            1 + 2 * 9_999,
            "the first try, then two per suffix"
        );
    }

    #[test]
    fn a_claim_skips_suffixes_another_base_took() {
        let mut ids = UniqueIds::default();
        assert_eq!(ids.claim("a-2".into()), "a-2");
        assert_eq!(ids.claim("a".into()), "a");
        assert_eq!(ids.claim("a".into()), "a-3");
        assert_eq!(ids.claim("a-3".into()), "a-3-2");
        assert_eq!(ids.claim("a".into()), "a-4");
    }
}
