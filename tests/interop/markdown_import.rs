//! Markdown import: reference sections, and what becomes plain text.

use runsheet::interop::markdown::{self, Preset};
use runsheet::playbook::Reference;

use super::{corpus, today};

/// The references an import found, after the source and licence lines
/// every import starts with.
fn found_references(references: &[Reference]) -> Vec<(&str, Option<&str>)> {
    references
        .iter()
        .skip(2)
        .map(|r| (r.title.as_str(), r.url.as_deref()))
        .collect()
}

/// Defect: bulleted links (`- [title](url)`) were never list items (only
/// checkboxes start with `[`, but every `[` was taken for one), so a
/// generic page's `## References` became an empty phase and its links were
/// lost.
#[test]
fn bulleted_links_under_a_generic_references_heading_become_references() {
    let text = "\
# Lost laptop runbook

## Triage

1. Revoke the user's sessions

## References

- [NIST SP 800-61r3](https://csrc.nist.gov/pubs/sp/800/61/r3/final)
- [Device loss policy](https://intranet.example/policy) (read it first)
* https://mdm.example/lock
";
    let source = markdown::Source {
        label: "lost-laptop.md",
        text,
        licence: None,
        imported_on: today(),
    };
    let imported = markdown::import(source, Some(Preset::Generic), today())
        .unwrap_or_else(|e| panic!("{}", e.render("lost-laptop.md")));
    let p = &imported.playbook;
    let phases: Vec<&str> = p.phases.iter().map(|ph| ph.title.as_str()).collect();
    assert_eq!(phases, ["Triage"]);
    assert_eq!(
        found_references(&p.references),
        [
            (
                "NIST SP 800-61r3",
                Some("https://csrc.nist.gov/pubs/sp/800/61/r3/final")
            ),
            (
                "Device loss policy",
                Some("https://intranet.example/policy")
            ),
            ("https://mdm.example/lock", Some("https://mdm.example/lock")),
        ]
    );
    assert_eq!(imported.notes, Vec::<String>::new());
}

/// Defect (the tester's case): `IRP-DoS.md`'s `## Appendix E — Reference
/// Links` was listed as "not mapped: lines 709–733"; its 23 links are now
/// the playbook's references.
#[test]
fn the_aws_reference_links_appendix_becomes_references() {
    let Some(corpus) = corpus() else { return };
    let text = std::fs::read_to_string(corpus.join("aws/IRP-DoS.md")).expect("readable");
    let source = markdown::Source {
        label: "IRP-DoS.md",
        text: &text,
        licence: None,
        imported_on: today(),
    };
    let imported = markdown::import(source, Some(Preset::Aws), today()).expect("imports");
    let found = found_references(&imported.playbook.references);
    assert_eq!(found.len(), 23, "{found:#?}");
    assert_eq!(
        found[0],
        (
            "NIST SP 800-61r3 — Incident Response Recommendations and Considerations for Cybersecurity Risk Management",
            Some("https://csrc.nist.gov/pubs/sp/800/61/r3/final")
        )
    );
    assert_eq!(
        found[22],
        (
            "Threat Technique Catalog for AWS",
            Some("https://aws-samples.github.io/threat-technique-catalog-for-aws/")
        )
    );
    let listed: Vec<&String> = imported
        .notes
        .iter()
        .filter(|n| n.contains("not mapped: line"))
        .collect();
    assert_eq!(
        listed,
        [
            "not mapped: lines 5–13: > **Status:** `Active`",
            "not mapped: lines 677–705: ### Layer 3/4 (Volumetric & Protocol Attacks)",
            "not mapped: line 733: ---",
        ]
    );
}
