//! CACAO import on this project's own small fixtures (the corpus has no
//! schema-valid conditions): the order of steps and what is carried over.

use std::path::PathBuf;

use runsheet::interop::Imported;

use super::{corpus, import_cacao, python, root, schemas, validate_cacao};

fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures/interop").join(name)
}

/// Imports a fixture, first checking that it follows the OASIS schemas
/// (when the corpus and Python's `jsonschema` are at hand).
fn imported(name: &str) -> Imported {
    let path = fixture(name);
    if let (Some(corpus), Some(())) = (corpus(), python()) {
        for (file, errors) in validate_cacao(&schemas(&corpus), std::slice::from_ref(&path)) {
            assert!(errors.is_empty(), "{file} follows the schemas: {errors:#?}");
        }
    }
    let text = std::fs::read_to_string(&path).expect("fixture");
    import_cacao(name, &text).unwrap_or_else(|e| panic!("{}", e.render(name)))
}

/// Each step's title and `when:`, in playbook order.
fn steps(imported: &Imported) -> Vec<(String, Option<String>)> {
    imported
        .playbook
        .steps()
        .map(|s| (s.title.clone(), s.when.as_ref().map(|w| w.source.clone())))
        .collect()
}

/// Defect: the steps an `if-condition`'s branches lead to were listed
/// after everything past its `on_completion` (where they join), because
/// `on_completion` was followed first; a `parallel` step's branches too.
/// Branches now come before the join, the join after every branch.
#[test]
fn if_condition_branch_steps_come_before_the_steps_past_the_join() {
    let imported = imported("branches-join-again.json");
    let owned = steps(&imported);
    let got: Vec<(&str, Option<&str>)> = owned
        .iter()
        .map(|(title, when)| (title.as_str(), when.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("Check the alert", None),
            ("Is the host a server", None),
            ("Isolate the server", Some("is_the_host_a_server")),
            ("Quarantine the laptop", Some("not is_the_host_a_server")),
            ("Collect memory", None),
            ("Tell the owner", None),
            ("Tell legal", None),
            ("Write the report", None),
        ]
    );
}
