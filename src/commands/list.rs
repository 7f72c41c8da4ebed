//! `runsheet list`: bundled and local playbooks (or drill scenarios), one a
//! line, so scripts can read it and people can scan it.

use std::fmt::Write as _;

use crate::catalog::{Catalog, Origin};

/// `id  version  title` rows, aligned, local files marked with their path.
pub fn playbooks(catalog: &Catalog) -> String {
    let rows: Vec<[String; 3]> = catalog
        .playbooks
        .iter()
        .map(|e| {
            let title = match &e.origin {
                Origin::Bundled => e.playbook.title.clone(),
                Origin::Local(path) => format!("{} (local: {})", e.playbook.title, path.display()),
            };
            [e.playbook.id.clone(), e.playbook.version.clone(), title]
        })
        .collect();
    table(&rows)
}

/// `id  playbook  title` rows for drill scenarios.
pub fn drills(catalog: &Catalog) -> String {
    let rows: Vec<[String; 3]> = catalog
        .drills
        .iter()
        .map(|e| {
            [
                e.drill.id.clone(),
                e.drill.playbook.clone(),
                e.drill.title.clone(),
            ]
        })
        .collect();
    table(&rows)
}

/// One row per playbook: a title written over several YAML lines shows
/// its breaks as `↵` rather than starting a row of its own.
fn table(rows: &[[String; 3]]) -> String {
    let rows: Vec<[String; 3]> = rows
        .iter()
        .map(|r| {
            r.clone()
                .map(|cell| crate::printable::one_line(&cell).into_owned())
        })
        .collect();
    let w0 = rows.iter().map(|r| r[0].chars().count()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| r[1].chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for [a, b, c] in &rows {
        let _ = writeln!(out, "{a:<w0$}  {b:<w1$}  {c}");
    }
    out
}

/// What `runsheet` prints when it has no terminal to draw the picker in.
pub fn no_command(catalog: &Catalog) -> String {
    let mut out =
        String::from("runsheet: incident-response playbooks in the terminal.\n\nPlaybooks:\n");
    for line in playbooks(catalog).lines() {
        let _ = writeln!(out, "  {line}");
    }
    out.push_str(
        "\nStart one:     runsheet run <id>          e.g. runsheet run ransomware-extortion\nRehearse:      runsheet drill <scenario>  (runsheet list --drills)\nMore:          runsheet --help\n",
    );
    out
}
