//! Team cases: replaying the merged order of 8 journals x 12,500 entries
//! against replaying one journal of the same 100,000 entries, in the same
//! run. Both start from the journals' bytes in memory: verify, (merge,)
//! replay.
//!
//! Run with `cargo bench --bench case`. See docs/BENCHMARKS.md.

mod common;

use std::hint::black_box;

use runsheet::case::merge::{CaseJournal, Merged, line_hash};
use runsheet::catalog::Catalog;
use runsheet::hash::ZERO_HASH;
use runsheet::journal::event::{Head, Seen};
use runsheet::journal::verify::verify;
use runsheet::run;

use common::{Incident, ms, ratio, verdict};

const ENTRIES: usize = 100_000;
const JOURNALS: usize = 8;
/// Every this many entries, a journal records the heads it has read.
const SEEN_EVERY: u64 = 25;
const WARM_UP: usize = 1;
const RUNS: usize = 7;
const BAR: f64 = 1.5;

fn main() {
    let catalog = Catalog::bundled(common::today());
    let Some(resolved) = common::bundled(&catalog, "ransomware-extortion") else {
        eprintln!("bundled playbook missing");
        std::process::exit(2);
    };
    let mut incident = Incident::new(&resolved, false);
    let drafts: Vec<_> = (0..ENTRIES).map(|_| incident.next_draft()).collect();

    // One journal of every entry.
    let mut single = String::new();
    let mut prev = ZERO_HASH.to_string();
    for (seq, draft) in drafts.iter().cloned().enumerate() {
        let text = draft.into_entry(seq as u64, prev.clone()).encode();
        prev = line_hash(&text);
        single.push_str(&text);
        single.push('\n');
    }

    // The same entries dealt to 8 journals, each now and then recording
    // the heads of the others as written so far.
    let mut texts = vec![String::new(); JOURNALS];
    let mut heads: Vec<Option<Head>> = vec![None; JOURNALS];
    let mut counts = [0_u64; JOURNALS];
    let ids: Vec<String> = (0..JOURNALS).map(|j| format!("r{j}@host")).collect();
    for (i, draft) in drafts.into_iter().enumerate() {
        let j = i % JOURNALS;
        let prev = heads[j]
            .as_ref()
            .map_or_else(|| ZERO_HASH.to_string(), |h| h.hash.clone());
        let mut entry = draft.into_entry(counts[j], prev);
        if counts[j] % SEEN_EVERY == 1 {
            let seen: Seen = (0..JOURNALS)
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
        texts[j].push_str(&text);
        texts[j].push('\n');
    }

    let one = common::sample(WARM_UP, RUNS, || {
        let verified = verify(single.as_bytes());
        let state = run::replay(&resolved.playbook, verified.entries());
        black_box(state.entry_count);
    });
    let merged = common::sample(WARM_UP, RUNS, || {
        let journals = texts
            .iter()
            .zip(&ids)
            .map(|(t, id)| CaseJournal {
                id: id.clone(),
                verified: verify(t.as_bytes()),
            })
            .collect();
        let feed = Merged::new(journals).into_feed();
        let state = run::replay(&resolved.playbook, feed.iter().map(|l| &l.entry));
        black_box(state.entry_count);
    });
    let r = ratio(merged.median, one.median);
    println!("machine: {}", common::machine());
    println!(
        "one journal of {ENTRIES} entries: verify + replay, median {}",
        ms(one.median)
    );
    println!(
        "{JOURNALS} journals x {} entries: verify + merge + replay, median {}",
        ENTRIES / JOURNALS,
        ms(merged.median)
    );
    println!("ratio {r:.2} (bar {BAR}): {}", verdict(r <= BAR));
}
