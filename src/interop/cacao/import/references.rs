//! CACAO `external_references` (of the playbook, a step or a command) as
//! runsheet references. A runsheet reference has a title and a url; the
//! rest of a CACAO reference (its description, its citation `source`, the
//! publisher's `external_id`, a `reference_id` such as a STIX id) is what
//! lets a reader find the right document, so it is carried in the title,
//! never dropped. A field the specification does not define is named.

use serde_json::{Map, Value};

use super::fields::preview;

/// The parts of a CACAO reference carried into the title, with the label
/// each is given there (the description needs none).
const DETAILS: [(&str, &str); 4] = [
    ("description", ""),
    ("source", "source: "),
    ("external_id", "id: "),
    ("reference_id", "reference: "),
];

/// The `external_references` of `owner` as runsheet references; a note in
/// `notes` for each field of a reference that is not carried. `whose`
/// names the owner in a note ("the playbook", "action `action--…`").
pub fn carried(owner: &Value, whose: &str, notes: &mut Vec<String>) -> Vec<Value> {
    owner["external_references"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_object)
        .map(|reference| {
            let name = reference
                .get("name")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .unwrap_or("reference");
            notes.extend(unread(reference, name, whose));
            let mut carried = Map::new();
            carried.insert("title".into(), title(name, reference).into());
            if let Some(url) = reference.get("url").and_then(Value::as_str) {
                carried.insert("url".into(), url.into());
            }
            Value::Object(carried)
        })
        .collect()
}

/// `name`, then the reference's details in brackets:
/// `TNO SOARCA (SOARCA Homepage; source: TNO CST)`.
fn title(name: &str, reference: &Map<String, Value>) -> String {
    let details: Vec<String> = DETAILS
        .iter()
        .filter_map(|(field, label)| {
            let text = reference.get(*field)?.as_str()?;
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            (!text.is_empty()).then(|| format!("{label}{text}"))
        })
        .collect();
    if details.is_empty() {
        name.to_string()
    } else {
        format!("{name} ({})", details.join("; "))
    }
}

/// A note for each field of `reference` that is neither its name, its url
/// nor one of [`DETAILS`] (and for a detail that is not text).
fn unread(reference: &Map<String, Value>, name: &str, whose: &str) -> Vec<String> {
    reference
        .iter()
        .filter(|(field, value)| match field.as_str() {
            "name" | "url" => false,
            f if DETAILS.iter().any(|(d, _)| *d == f) => !value.is_string(),
            _ => true,
        })
        .map(|(field, value)| {
            format!(
                "not mapped: `{field}` of the external reference \"{name}\" of {whose} ({})",
                preview(value)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_detail_of_a_reference_is_carried_in_its_title() {
        let owner = json!({"external_references": [
            {"name": "TNO SOARCA", "description": "SOARCA  Homepage", "source": "TNO CST",
             "url": "http://tno.nl/cst", "external_id": "SOARCA-1",
             "reference_id": "report--00000000-0000-4000-8000-000000000001"},
            {"name": "Handbook", "source": "CSIRT library, shelf 3"},
            {"name": "Bare", "url": "https://example.org"},
        ]});
        let mut notes = Vec::new();
        assert_eq!(
            carried(&owner, "the playbook", &mut notes),
            [
                json!({"title": "TNO SOARCA (SOARCA Homepage; source: TNO CST; id: SOARCA-1; \
                                 reference: report--00000000-0000-4000-8000-000000000001)",
                       "url": "http://tno.nl/cst"}),
                json!({"title": "Handbook (source: CSIRT library, shelf 3)"}),
                json!({"title": "Bare", "url": "https://example.org"}),
            ]
        );
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn a_field_of_a_reference_that_is_not_carried_is_named() {
        let owner = json!({"external_references": [
            {"name": "Guide", "url": "https://example.org", "x_rating": 5, "source": 7},
        ]});
        let mut notes = Vec::new();
        let references = carried(&owner, "action `action--1`", &mut notes);
        assert_eq!(
            references,
            [json!({"title": "Guide", "url": "https://example.org"})]
        );
        assert_eq!(
            notes,
            [
                "not mapped: `x_rating` of the external reference \"Guide\" of action `action--1` (5)",
                "not mapped: `source` of the external reference \"Guide\" of action `action--1` (7)",
            ]
        );
    }
}
