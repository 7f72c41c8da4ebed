//! Markdown import: reference sections, and what becomes plain text.

use runsheet::interop::markdown::Preset;
use runsheet::playbook::Reference;

use super::{corpus, import_text};

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
    let imported = import_text("lost-laptop.md", text, Preset::Generic);
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
    let imported = import_text("IRP-DoS.md", &text, Preset::Aws);
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
            // The `---` lines around the disclaimer and after the tables
            // are not listed, so the ranges end at the last line with text.
            "not mapped: lines 5–7: > **Status:** `Active`",
            "not mapped: line 11: > ⚠\u{fe0f} **Disclaimer:** This playbook is provided as a template…",
            "not mapped: lines 677–703: ### Layer 3/4 (Volumetric & Protocol Attacks)",
        ]
    );
}

/// Defect: `GuardSight` cards kept Markdown backslash escapes in plain-text
/// fields, so a reference URL read `…/gsvsoc\_cybersecurity-…` (a broken
/// link) and titles `… possible. \[2\]`. Titles, checklist items and
/// references are plain text now; instructions stay Markdown, escapes and
/// all; a code span keeps its backslashes.
#[test]
fn markdown_backslash_escapes_are_undone_in_titles_checklists_and_references() {
    let long = "Ensure that all wired and wireless traffic is encrypted appropriately, \
                and that web traffic that may carry credentials is protected by TLS \\[1\\]";
    let text = format!(
        "\
##### CIRT Playbook Battle Card: **GSPBC-9999 - Credential Access - Test\\_Card**

**(P) Preparation**

1.  Use multi-factor authentication wherever possible. \\[2\\]
2.  Patch asset vulnerabilities
    a. Look in `C:\\_tmp` for \\*.tmp files
3.  {long}

**(I) Identification**

1.  Monitor for newly executed processes

**References:**

1.  https://attack.mitre.org/mitigations/M1032/

**Resources:**

*    GuardSight GSVSOC Incident Response Plan: https://github.com/guardsight/gsvsoc\\_cybersecurity-incident-response-plan
"
    );
    let imported = import_text("GSPBC-9999.md", &text, Preset::GuardSight);
    let p = &imported.playbook;
    assert_eq!(p.title, "GSPBC-9999 - Credential Access - Test_Card");
    let preparation: Vec<&str> = p.phases[0].steps.iter().map(|s| s.title.as_str()).collect();
    assert_eq!(
        preparation,
        [
            "Use multi-factor authentication wherever possible. [2]",
            "Patch asset vulnerabilities",
            "Ensure that all wired and wireless traffic is encrypted appropriately, and that web traffic that may…",
        ]
    );
    assert_eq!(
        p.phases[0].steps[1].checklist,
        [r"Look in `C:\_tmp` for *.tmp files"]
    );
    assert_eq!(
        p.phases[0].steps[2].instructions.as_deref(),
        Some(long),
        "instructions are Markdown: the escapes stay"
    );
    assert_eq!(
        found_references(&p.references),
        [
            (
                "https://attack.mitre.org/mitigations/M1032/",
                Some("https://attack.mitre.org/mitigations/M1032/")
            ),
            (
                "GuardSight GSVSOC Incident Response Plan: https://github.com/guardsight/gsvsoc_cybersecurity-incident-response-plan",
                Some("https://github.com/guardsight/gsvsoc_cybersecurity-incident-response-plan")
            ),
        ]
    );
}

/// The tester's case: GSPBC-1068's resource link and its step titles.
#[test]
fn the_network_sniffing_card_has_a_working_resource_link_and_plain_titles() {
    let Some(corpus) = corpus() else { return };
    let path = corpus.join("guardsight/GSPBC-1068 - Credential Access - Network Sniffing.md");
    let text = std::fs::read_to_string(path).expect("readable");
    let imported = import_text("GSPBC-1068.md", &text, Preset::GuardSight);
    let p = &imported.playbook;
    assert!(
        p.references.iter().any(|r| r.url.as_deref()
            == Some("https://github.com/guardsight/gsvsoc_cybersecurity-incident-response-plan")),
        "{:#?}",
        p.references
    );
    assert!(
        p.steps()
            .any(|s| s.title == "Use multi-factor authentication wherever possible. [2]")
    );
    let escaped: Vec<&str> = p
        .steps()
        .flat_map(|s| std::iter::once(&s.title).chain(&s.checklist))
        .map(String::as_str)
        .chain(p.references.iter().filter_map(|r| r.url.as_deref()))
        .filter(|t| t.contains('\\'))
        .collect();
    assert_eq!(escaped, Vec::<&str>::new(), "no backslash is left");
}

/// Defect (the tester's case, `IRP-Ransomware.md` §1.2): the checklist
/// item "Pre-built IAM deny policies … :" was imported with nothing after
/// its colon, and its nested sub-items went into the step's instructions,
/// above the checklist, with no context. A nested list belongs to its
/// item: plain sub-items are folded into it, in order; a nested checkbox
/// is its own item, its parent named first. The same holds under
/// `GuardSight`'s `a.` items, which become checklist items.
#[test]
fn checklist_sub_items_stay_with_their_parent_item() {
    let text = "\
# Ransomware playbook

## Part 1 — Prepare

### 1.2 Tooling

- [ ] **Pre-built IAM deny policies** ready to attach:
  - `DenyAllKMSActions` — blocks `kms:Encrypt`
  - `DenyDestructiveS3Actions` — blocks `s3:DeleteObject*`,
    `s3:PutBucketVersioning`
  - `DenySnapshotDeletion`
- [ ] **Forensic account** available
  - [ ] cross-account snapshot copy tested
  - [x] isolated from production
- [ ] Backups tested
- [ ] **Address the root cause:**
  - If phishing: enforce phishing-resistant MFA
  - If a leaked key: scan the repositories
- [ ] Snapshots locked
  - critical volumes first

Then restore.
";
    let imported = import_text("ransomware.md", text, Preset::Aws);
    let step = &imported.playbook.phases[0].steps[0];
    assert_eq!(
        step.checklist,
        [
            "**Pre-built IAM deny policies** ready to attach: `DenyAllKMSActions` — blocks `kms:Encrypt`; `DenyDestructiveS3Actions` — blocks `s3:DeleteObject*`, `s3:PutBucketVersioning`; `DenySnapshotDeletion`",
            "**Forensic account** available",
            "**Forensic account** available — cross-account snapshot copy tested",
            "**Forensic account** available — isolated from production",
            "Backups tested",
            "**Address the root cause:** If phishing: enforce phishing-resistant MFA; If a leaked key: scan the repositories",
            "Snapshots locked: critical volumes first",
        ]
    );
    assert_eq!(step.instructions.as_deref(), Some("Then restore."));
    assert_eq!(imported.notes, Vec::<String>::new());

    let card = "\
##### **CIRT Playbook Battle Card: Lost laptop**
**(P) Preparation**
1. Patch systems
    a. Check these:
        - servers
        - laptops
    b. Record the patch level
";
    let imported = import_text("card.md", card, Preset::GuardSight);
    let step = &imported.playbook.phases[0].steps[0];
    assert_eq!(step.title, "Patch systems");
    assert_eq!(
        step.checklist,
        ["Check these: servers; laptops", "Record the patch level"]
    );
    assert_eq!(step.instructions, None);
}

/// Defect: a thematic break (`---`) after the AWS reference list was
/// listed as `not mapped: line 733`. A break carries no content, so it is
/// never listed, wherever it is.
#[test]
fn a_thematic_break_is_not_reported_as_not_mapped() {
    let text = "\
# Playbook
> **Playbook Version:** 1.0

---

## Part 1 — Prepare

### 1.1 Tooling

- [ ] Backups tested

## References

- [NIST](https://nist.example/)

---
* * *
___
";
    let imported = import_text("breaks.md", text, Preset::Aws);
    assert_eq!(imported.notes, Vec::<String>::new());
    assert_eq!(imported.playbook.references.len(), 3);
}

/// Defect: a thematic break inside a phase was kept as text: every AWS
/// playbook's last step of each part ended its instructions with `---`
/// (the break before the next `## Part`), and one before a phase's first
/// step went into the phase summary. A break carries no content anywhere
/// (as before and after the phases): it is dropped, ends any open list, and
/// the text after it still belongs to the step its heading opened.
#[test]
fn a_thematic_break_inside_a_phase_is_not_kept_as_step_text() {
    let text = "\
# Playbook

## Part 1 — Prepare

Before anything else.

---

### 1.1 Tooling

Check the backups.

---

Then the restores.

- [ ] Backups tested
  - nightly
___
  - weekly, by hand

---

## Part 2 — Detect

### 2.1 Alerts

```bash
echo '---'
```

Watch the alerts.

* * *
";
    let imported = import_text("breaks-in-phases.md", text, Preset::Aws);
    let p = &imported.playbook;
    assert_eq!(
        p.phases[0].summary.as_deref(),
        Some("Before anything else.")
    );
    let tooling = &p.phases[0].steps[0];
    assert_eq!(
        tooling.instructions.as_deref(),
        Some("Check the backups.\n\n\nThen the restores.\n\n  - weekly, by hand")
    );
    assert_eq!(tooling.checklist, ["Backups tested: nightly"]);
    let alerts = &p.phases[1].steps[0];
    // The block stays before the text that follows it, its `---` kept.
    assert_eq!(
        alerts.instructions.as_deref(),
        Some("```bash\necho '---'\n```\n\nWatch the alerts.")
    );
    assert_eq!(alerts.command, None);
    assert_eq!(imported.notes, Vec::<String>::new());
}

/// IMPORT-COMMANDS-RUN-TOGETHER (Markdown): every fenced shell block of a
/// step was taken out of the text and the blocks merged into one
/// `command`, so "Capture memory first:" and "Then isolate:" lost the
/// commands they go with, and their order, silently. Blocks now stay in
/// place in the instructions when a step has several or text follows one.
#[test]
fn import_commands_run_together_in_markdown() {
    let text =
        std::fs::read_to_string(super::root().join("tests/fixtures/interop/two-code-blocks.md"))
            .expect("fixture");
    let imported = import_text("two-code-blocks.md", &text, Preset::Generic);
    let step = &imported.playbook.phases[0].steps[0];
    assert_eq!(step.title, "Isolate host");
    assert_eq!(
        step.instructions.as_deref(),
        Some(
            "Capture memory first:\n\n```bash\navml /evidence/mem.lime\n```\n\n\
             Then isolate:\n\n```bash\niptables -P INPUT DROP\n```"
        )
    );
    assert_eq!(step.command, None);
    assert_eq!(imported.notes, Vec::<String>::new());
}

/// IMPORT-COMMANDS-RUN-TOGETHER (Markdown): a lone shell block that ends
/// its step is still lifted into `command` (nothing follows it, so no order
/// is lost), without the indent of the list item it is in, and a line
/// says it was moved; one with text after it stays in place.
#[test]
fn import_commands_run_together_only_a_lone_last_block_is_lifted() {
    let text = "\
# Host triage

## Contain

### Isolate host

1. Isolate it:

   ```bash
   iptables -P INPUT DROP
   ```

### Capture memory

```sh
avml /evidence/mem.lime
```

Then hand the image to the forensics lead.
";
    let imported = import_text("one-block.md", text, Preset::Generic);
    let steps = &imported.playbook.phases[0].steps;
    assert_eq!(steps[0].instructions.as_deref(), Some("1. Isolate it:"));
    assert_eq!(steps[0].command.as_deref(), Some("iptables -P INPUT DROP"));
    assert_eq!(
        steps[1].instructions.as_deref(),
        Some("```sh\navml /evidence/mem.lime\n```\n\nThen hand the image to the forensics lead.")
    );
    assert_eq!(steps[1].command, None);
    assert_eq!(
        imported.notes,
        [
            "moved: the `bash` block at lines 9–11 ends step `Isolate host`: it is the step's `command`, shown after its instructions"
        ]
    );
}

/// IMPORT-COMMANDS-RUN-TOGETHER (`--preset aws`): a file without `## Part`
/// headings printed "not mapped: section `Contain` (outside the phases;
/// kept out of the playbook)" although the whole file, that section
/// included, became the one step. The warning now names the headings the
/// preset looks for, and no section or line is listed as left out.
#[test]
fn import_commands_run_together_aws_preset_warning_is_true() {
    let text =
        std::fs::read_to_string(super::root().join("tests/fixtures/interop/two-code-blocks.md"))
            .expect("fixture");
    let imported = import_text("two-code-blocks.md", &text, Preset::Aws);
    let p = &imported.playbook;
    assert_eq!(p.step_count(), 1);
    assert_eq!(
        p.phases[0].steps[0].instructions.as_deref(),
        Some(text.trim())
    );
    assert_eq!(
        imported.notes,
        [
            "warning: no phase headings found (the aws preset's phases are `## Part N — …` headings); the whole file is one step"
        ]
    );
}
