//! A CACAO playbook's own fields that runsheet has no place for: what
//! can be carried is (`playbook_types`, `playbook_activities` and
//! `industry_sectors` as tags, `derived_from` and `related_to` as
//! references); the rest is named on
//! standard error, and what a responder must not miss (a playbook past
//! its `valid_until`, or revoked) is a warning.

use chrono::{DateTime, NaiveDate};
use serde_json::Value;

/// `playbook_types` (`notification`, `investigation`, …), then
/// `playbook_activities` (`scan-system`, …), then `industry_sectors`
/// (`financial-services`, …): keywords a responder can filter by, so tags.
pub fn keyword_tags(root: &Value) -> Vec<String> {
    ["playbook_types", "playbook_activities", "industry_sectors"]
        .iter()
        .flat_map(|key| texts(&root[*key]))
        .collect()
}

/// `derived_from` and `related_to`: the playbooks (or other objects) the
/// source names by id, as reference titles.
pub fn related_references(root: &Value) -> Vec<String> {
    let derived = texts(&root["derived_from"])
        .into_iter()
        .map(|id| format!("Derived from CACAO playbook {id}"));
    let related = texts(&root["related_to"])
        .into_iter()
        .map(|id| format!("Related in the source: {id}"));
    derived.chain(related).collect()
}

/// The non-blank texts of a list.
fn texts(list: &Value) -> Vec<String> {
    list.as_array()
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
