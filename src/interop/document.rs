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

/// Makes `id` unique among `taken` by appending `-2`, `-3`, …
pub fn unique<S: std::hash::BuildHasher>(
    id: String,
    taken: &mut std::collections::HashSet<String, S>,
) -> String {
    if taken.insert(id.clone()) {
        return id;
    }
    let mut candidate = id.clone();
    let mut n = 1;
    while !taken.insert(candidate.clone()) {
        n += 1;
        candidate = format!("{id}-{n}");
    }
    candidate
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_valid_ids() {
        assert_eq!(slug("IMC assets by CVE", "step"), "imc-assets-by-cve");
        assert_eq!(slug("1.4 Game Day", "step"), "step-1-4-game-day");
        assert_eq!(slug("***", "step"), "step");
        let mut taken = std::collections::HashSet::new();
        assert_eq!(unique("a".into(), &mut taken), "a");
        assert_eq!(unique("a".into(), &mut taken), "a-2");
    }
}
