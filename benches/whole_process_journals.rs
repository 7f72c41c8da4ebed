//! Writes the journals `benches/whole-process.sh` runs the release binary
//! on: `mix.jsonl` (the realistic mix of `common::Incident`), `notes.jsonl`
//! (long notes), 100,000 entries each, and `small.jsonl`, the first 10
//! entries of the mix, the baseline of the first-frame measures; and
//! `case-journals/`, the mix's entries dealt round-robin to 8 journals of
//! 12,500 (each recording the heads of the others every 25 entries), for
//! the merged replay of a team case.
//!
//! Run by the script: `cargo bench --bench whole_process_journals -- <dir>`.

mod common;

use std::path::Path;

use runsheet::case::merge::line_hash;
use runsheet::catalog::Catalog;
use runsheet::hash::ZERO_HASH;
use runsheet::journal::event::{Head, Seen};

use common::Incident;

const ENTRIES: usize = 100_000;
const SMALL: usize = 10;
const PLAYBOOK: &str = "ransomware-extortion";
/// Journals of the team case, and how often each records the others' heads.
const CASE_JOURNALS: usize = 8;
const SEEN_EVERY: u64 = 25;

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
    let case = dir.join("case-journals");
    match write_case(&case, Incident::new(&resolved, false)) {
        Ok(()) => println!(
            "case-journals: {CASE_JOURNALS} x {} entries",
            ENTRIES / CASE_JOURNALS
        ),
        Err(e) => eprintln!("cannot write {}: {e}", case.display()),
    }
}

/// The entries of `incident` dealt to journals `r0@host` … `r7@host`, as
/// responders of one case write them.
fn write_case(dir: &Path, mut incident: Incident<'_>) -> std::io::Result<()> {
    use std::io::Write as _;
    std::fs::create_dir_all(dir)?;
    let ids: Vec<String> = (0..CASE_JOURNALS).map(|j| format!("r{j}@host")).collect();
    let mut files = ids
        .iter()
        .map(|id| {
            let file = std::fs::File::create(dir.join(format!("{id}.jsonl")))?;
            Ok(std::io::BufWriter::with_capacity(1 << 20, file))
        })
        .collect::<std::io::Result<Vec<_>>>()?;
    let mut heads: Vec<Option<Head>> = vec![None; CASE_JOURNALS];
    let mut counts = [0_u64; CASE_JOURNALS];
    for i in 0..ENTRIES {
        let j = i % CASE_JOURNALS;
        let prev = heads[j]
            .as_ref()
            .map_or_else(|| ZERO_HASH.to_string(), |h| h.hash.clone());
        let mut entry = incident.next_draft().into_entry(counts[j], prev);
        if counts[j] % SEEN_EVERY == 1 {
            let seen: Seen = (0..CASE_JOURNALS)
                .filter(|k| *k != j)
                .filter_map(|k| Some((ids[k].clone(), heads[k].clone()?)))
                .collect();
            entry.seen = Some(seen).filter(|s| !s.is_empty());
        }
        let text = entry.encode();
        heads[j] = Some(Head {
            seq: counts[j],
            hash: line_hash(&text),
        });
        counts[j] += 1;
        files[j].write_all(text.as_bytes())?;
        files[j].write_all(b"\n")?;
    }
    for mut file in files {
        file.flush()?;
    }
    Ok(())
}
