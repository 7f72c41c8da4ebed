//! A CACAO playbook's own fields that runsheet has no place for: what
//! can be carried is (`playbook_types` as tags); the rest is named on
//! standard error, and what a responder must not miss (a playbook past
//! its `valid_until`, or revoked) is a warning.

use chrono::{DateTime, NaiveDate};
use serde_json::Value;

/// `playbook_types` (`notification`, `investigation`, …): tags.
pub fn type_tags(root: &Value) -> Vec<String> {
    root["playbook_types"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

/// One line each for `created_by`, the validity period, `revoked` and the
/// rankings (`priority`, `severity`, `impact`), as of `today`.
pub fn notes(root: &Value, today: NaiveDate) -> Vec<String> {
    let mut notes = Vec::new();
    if let Some(author) = root["created_by"].as_str() {
        notes.push(format!(
            "not mapped: `created_by` ({author}): runsheet does not record a playbook's author"
        ));
    }
    for key in ["valid_from", "valid_until"] {
        if let Some(when) = root[key].as_str() {
            notes.push(format!(
                "not mapped: `{key}` ({when}): runsheet playbooks have no validity period"
            ));
        }
    }
    let day = |key: &str| {
        let text = root[key].as_str()?;
        DateTime::parse_from_rfc3339(text)
            .ok()
            .map(|t| (text, t.date_naive()))
    };
    if let Some((text, until)) = day("valid_until")
        && until < today
    {
        notes.push(format!(
            "warning: the source was valid until {text}, which has passed: check it is still current before use"
        ));
    }
    if let Some((text, from)) = day("valid_from")
        && from > today
    {
        notes.push(format!(
            "warning: the source is valid only from {text}, which is still to come"
        ));
    }
    if root["revoked"].as_bool() == Some(true) {
        notes.push(
            "warning: the source is revoked (`revoked: true`): its author withdrew it".into(),
        );
    }
    for key in ["priority", "severity", "impact"] {
        if let Some(rank) = root.get(key).filter(|v| !v.is_null()) {
            notes.push(format!(
                "not mapped: `{key}` ({rank} on CACAO's 0-100 scale): runsheet does not rank playbooks"
            ));
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_expired_or_revoked_source_is_a_warning() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 29).expect("date");
        let root = json!({
            "valid_from": "2027-01-01T00:00:00Z",
            "valid_until": "2026-11-28T23:59:59Z",
            "revoked": true,
        });
        assert_eq!(
            notes(&root, today),
            [
                "not mapped: `valid_from` (2027-01-01T00:00:00Z): runsheet playbooks have no validity period",
                "not mapped: `valid_until` (2026-11-28T23:59:59Z): runsheet playbooks have no validity period",
                "warning: the source was valid until 2026-11-28T23:59:59Z, which has passed: check it is still current before use",
                "warning: the source is valid only from 2027-01-01T00:00:00Z, which is still to come",
                "warning: the source is revoked (`revoked: true`): its author withdrew it",
            ]
        );
        assert_eq!(
            notes(&json!({"revoked": false}), today),
            Vec::<String>::new()
        );
    }
}
