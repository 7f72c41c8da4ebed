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

/// The backticked keys of a README section, lower-cased.
fn backticked(section: &str) -> Vec<String> {
    section
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_lowercase)
        .collect()
}

fn readme_section(start: &str, end: &str) -> String {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("readme");
    let from = readme.find(start).expect("section start");
    let to = readme[from..].find(end).map_or(readme.len(), |i| from + i);
    readme[from..to].to_string()
}

/// Every key of the key tables is in the README, so the README cannot
/// drift from what the program does.
#[test]
fn code1_the_readme_key_table_matches_the_key_tables() {
    use runsheet::app::action::Action;
    use runsheet::app::keymap::Keymap;
    use runsheet::app::modes::{FACILITATOR, REVIEW};
    use runsheet::app::view_keys::{CLOCKS, MESSAGE, PARTICIPANT, PICKER, SEARCH};

    let keys = backticked(&readme_section("## Keys", "\n## Commands"));
    let map = Keymap::default();
    for action in Action::ALL {
        for key in map.keys(action) {
            let shown = key.to_string().to_lowercase();
            assert!(
                keys.contains(&shown),
                "README key table lacks `{shown}` ({})",
                action.name()
            );
        }
    }
    readme_has(&keys, "facilitator", &FACILITATOR);
    readme_has(&keys, "search", &SEARCH);
    readme_has(&keys, "clocks", &CLOCKS);
    readme_has(&keys, "message", &MESSAGE);
    readme_has(&keys, "review", &REVIEW);
    readme_has(&keys, "picker", &PICKER);
    readme_has(&keys, "participant", &PARTICIPANT);
}

/// Every key of `table` is among the README's backticked `keys`.
fn readme_has<A>(keys: &[String], mode: &str, table: &runsheet::app::modes::Table<A>) {
    for binding in table.0 {
        for key in binding.keys {
            let shown = key.to_string().to_lowercase();
            assert!(
                keys.iter()
                    .any(|k| k == &shown || k.split('/').any(|p| p == shown)),
                "README lacks {mode} key `{shown}` ({})",
                binding.name
            );
        }
    }
}
