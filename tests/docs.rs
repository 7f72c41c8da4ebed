//! The examples in the documentation are real: the complete playbook in
//! docs/playbook-format.md validates without errors or warnings.

use runsheet::catalog::{Catalog, SourceText, check_playbook};

#[test]
fn the_complete_example_in_the_playbook_format_validates() {
    let doc = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/docs/playbook-format.md"
    ))
    .expect("doc");
    let section = &doc[doc.find("## A complete example").expect("section")..];
    let yaml = section
        .split("```yaml\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("yaml block");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).expect("date");
    let source = SourceText::bundled("docs/playbook-format.md", yaml);
    let library = Catalog::bundled(today).library;
    match check_playbook(&source, &library, today) {
        Ok((playbook, warnings)) => {
            assert_eq!(playbook.id, "example");
            assert!(warnings.is_empty(), "{warnings:?}");
        }
        Err(e) => panic!("{e}"),
    }
}
