//! Writes the journals `benches/whole-process.sh` runs the release binary
//! on: `mix.jsonl` (the realistic mix of `common::Incident`), `notes.jsonl`
//! (long notes), 100,000 entries each, and `small.jsonl`, the first 10
//! entries of the mix, the baseline of the first-frame measures.
//!
//! Run by the script: `cargo bench --bench whole_process_journals -- <dir>`.

mod common;

use std::path::Path;

use runsheet::catalog::Catalog;

use common::Incident;

const ENTRIES: usize = 100_000;
const SMALL: usize = 10;
const PLAYBOOK: &str = "ransomware-extortion";

fn main() {
    // `cargo bench` adds `--bench`; the first other argument is the folder.
    let Some(dir) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        return eprintln!("usage: whole_process_journals <dir>");
    };
    let catalog = Catalog::bundled(common::today());
    let Some(resolved) = common::bundled(&catalog, PLAYBOOK) else {
        return eprintln!("bundled playbook `{PLAYBOOK}` not found");
    };
    let dir = Path::new(&dir);
    let journals = [
        ("mix.jsonl", Incident::new(&resolved, false), ENTRIES),
        ("notes.jsonl", Incident::long_notes(&resolved), ENTRIES),
        ("small.jsonl", Incident::new(&resolved, false), SMALL),
    ];
    for (name, incident, count) in journals {
        let path = dir.join(name);
        match common::write_journal(&path, incident, count) {
            Ok(size) => println!("{name}: {count} entries, {size} bytes"),
            Err(e) => return eprintln!("cannot write {}: {e}", path.display()),
        }
    }
}
