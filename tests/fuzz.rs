//! Mutation fuzzing on stable Rust, driven by proptest.
//!
//! Four targets take mutated seeds (bundled playbooks, the bad-playbook
//! fixtures, hostile inputs, sample journals) and must never panic:
//!
//! - `playbook`: preflight, YAML loading and validation, diagnostics;
//! - `journal`: verification of the raw bytes, the fast canonical check
//!   against the decoder on every line re-sealed, then every line decoded
//!   without its hash (as a forger who re-seals the chain would write it),
//!   replayed, summarised and exported in every format;
//! - `when`: expression parsing, printing and evaluation;
//! - `template`: message template parsing and rendering.
//!
//! `cargo test` runs a few cases of each. With `RUNSHEET_FUZZ_SECONDS=N`
//! each target runs for N seconds instead and prints its executions
//! (`.ci/run` does this with 60). A failure prints the shrunk input: commit
//! it as a regression test.

mod support;

use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use runsheet::catalog::{self, Catalog, SourceText};
use runsheet::journal::verify::{Verified, verify};
use runsheet::journal::{Entry, Line, TypedEntry};
use runsheet::playbook::expr;
use runsheet::playbook::template::Template;
use runsheet::playbook::value::FactValue;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).expect("date")
}

/// One edit of a seed.
#[derive(Debug, Clone)]
enum Mutation {
    FlipBit(usize, u8),
    Insert(usize, Vec<u8>),
    Delete(usize, usize),
    Duplicate(usize, usize),
    Splice(usize, usize, usize, usize),
    Truncate(usize),
}

/// Tokens that matter to the formats, so mutations reach deep paths.
const DICTIONARY: &[&[u8]] = &[
    b"{{",
    b"}}",
    b" and ",
    b" or ",
    b"not ",
    b"(",
    b")",
    b"\n  - ",
    b": ",
    b"!!binary ",
    b"&a ",
    b"*a",
    b"\"",
    b"\\u202e",
    b"\x1b]0;x\x07",
    b"18446744073709551615",
    b"9223372036854775808",
    b"-1",
    b"9999-12-31T23:59:59Z",
    b"\"scenario_ms\":",
    b"\"kind\":\"drill_control\"",
    b"T+99999999h",
    b"when: ",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    let index = any::<usize>();
    prop_oneof![
        (index, 0u8..8).prop_map(|(i, b)| Mutation::FlipBit(i, b)),
        (
            index,
            prop_oneof![
                proptest::sample::select(DICTIONARY).prop_map(<[u8]>::to_vec),
                proptest::collection::vec(any::<u8>(), 1..4),
            ]
        )
            .prop_map(|(i, bytes)| Mutation::Insert(i, bytes)),
        (index, 1usize..16).prop_map(|(i, n)| Mutation::Delete(i, n)),
        (index, 1usize..64).prop_map(|(i, n)| Mutation::Duplicate(i, n)),
        (index, any::<usize>(), any::<usize>(), 1usize..256)
            .prop_map(|(i, seed, from, n)| Mutation::Splice(i, seed, from, n)),
        index.prop_map(Mutation::Truncate),
    ]
}

fn apply(seeds: &[Vec<u8>], base: &[u8], mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = base.to_vec();
    for m in mutations {
        let at = |i: usize, len: usize| if len == 0 { 0 } else { i % (len + 1) };
        match *m {
            Mutation::FlipBit(i, bit) if !bytes.is_empty() => {
                let i = i % bytes.len();
                bytes[i] ^= 1 << bit;
            }
            Mutation::Insert(i, ref new) => {
                let i = at(i, bytes.len());
                bytes.splice(i..i, new.iter().copied());
            }
            Mutation::Delete(i, n) => {
                let i = at(i, bytes.len());
                let end = (i + n).min(bytes.len());
                bytes.drain(i..end);
            }
            Mutation::Duplicate(i, n) => {
                let i = at(i, bytes.len());
                let end = (i + n).min(bytes.len());
                let copy = bytes[i..end].to_vec();
                bytes.splice(end..end, copy);
            }
            Mutation::Splice(i, seed, from, n) => {
                let other = &seeds[seed % seeds.len()];
                let from = at(from, other.len());
                let end = (from + n).min(other.len());
                let i = at(i, bytes.len());
                bytes.splice(i..i, other[from..end].iter().copied());
            }
            Mutation::Truncate(i) => {
                let i = at(i, bytes.len());
                bytes.truncate(i);
            }
            Mutation::FlipBit(..) => {}
        }
    }
    bytes
}

/// Runs `target` on mutated seeds: a few cases, or for the time set in
/// `RUNSHEET_FUZZ_SECONDS`. Returns the executions.
fn fuzz(name: &str, seeds: &[Vec<u8>], target: impl Fn(&[u8])) -> u64 {
    assert!(!seeds.is_empty(), "{name}: no seeds");
    let budget = std::env::var("RUNSHEET_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse::<u64>().ok())
        .map(Duration::from_secs);
    let executions = AtomicU64::new(0);
    let start = Instant::now();
    let strategy = (0..seeds.len(), proptest::collection::vec(mutation(), 0..8));
    let mut round = 0u32;
    loop {
        let mut config = Config::with_cases(if budget.is_some() { 512 } else { 48 });
        config.failure_persistence = None;
        config.rng_seed = proptest::test_runner::RngSeed::Fixed(u64::from(round) + 1);
        let mut runner = TestRunner::new(config);
        let result = runner.run(&strategy, |(seed, mutations)| {
            // Past the budget the rest of the round is skipped, so a
            // target never runs much longer than it was given.
            if budget.is_some_and(|b| start.elapsed() >= b) {
                return Ok(());
            }
            let bytes = apply(seeds, &seeds[seed], &mutations);
            executions.fetch_add(1, Ordering::Relaxed);
            target(&bytes);
            Ok(())
        });
        if let Err(e) = result {
            panic!("fuzz target {name} failed: {e}");
        }
        round += 1;
        if budget.is_none_or(|b| start.elapsed() >= b) {
            break;
        }
    }
    let n = executions.load(Ordering::Relaxed);
    println!(
        "fuzz {name}: {n} executions in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    n
}

fn files(dir: &Path, ext: &str) -> Vec<Vec<u8>> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.sort();
    paths
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .filter_map(|p| std::fs::read(p).ok())
        .collect()
}

fn playbook_seeds() -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = catalog::bundled_files()
        .iter()
        .map(|(_, text)| text.as_bytes().to_vec())
        .collect();
    seeds.extend(files(&support::fixture("bad"), "yaml"));
    seeds.extend(files(&support::fixture("adversary"), "yaml"));
    seeds
}

fn source(bytes: &[u8]) -> Option<SourceText> {
    let text = runsheet::playbook::load::preflight(bytes).ok()?;
    Some(SourceText {
        label: "fuzz.yaml".into(),
        path: None,
        text: text.to_string(),
        sha256: runsheet::hash::sha256_hex(bytes),
    })
}

#[test]
fn fuzz_playbook_loader_and_validator() {
    let library = Catalog::bundled(today()).library;
    fuzz("playbook", &playbook_seeds(), |bytes| {
        let Some(source) = source(bytes) else { return };
        match catalog::check_playbook(&source, &library, today()) {
            Ok((_, diagnostics)) => {
                let _ = catalog::render_diagnostics(&source.label, &source.text, &diagnostics);
            }
            Err(e) => {
                let _ = e.render();
            }
        }
    });
}

/// Each line of `bytes`, re-sealed with its own hash (so that its form
/// alone decides): the fast canonical check never accepts a line that
/// `Entry::decode` refuses, and reads the same fields; nor does reading it
/// straight into its typed event.
fn fast_check_agrees_with_decode(bytes: &[u8]) {
    const HASH_KEY: &str = ",\"hash\":\"";
    for text in String::from_utf8_lossy(bytes).lines() {
        let Some(end) = text.rfind(HASH_KEY) else {
            continue;
        };
        let body = format!("{}}}", &text[..end]);
        let line = format!(
            "{}{HASH_KEY}{}\"}}",
            &text[..end],
            runsheet::hash::sha256_hex(body.as_bytes())
        );
        if let Some(head) = runsheet::journal::canonical::header(&line) {
            let entry = Entry::decode(&line).expect("what the fast check accepts decodes");
            assert_eq!(
                (head.seq, head.ts, head.kind, head.prev, head.step),
                (
                    entry.seq,
                    entry.ts,
                    entry.kind,
                    entry.prev.as_str(),
                    entry.step.as_deref()
                )
            );
            assert_eq!(
                (head.mono_ms, head.scenario_ms, head.data.to_string()),
                (
                    entry.mono_ms,
                    entry.scenario_ms,
                    serde_json::to_string(&entry.data).expect("a map writes")
                )
            );
            // Read straight into its event, the line replays as the entry
            // does, or is left to the entry's decoding.
            let mut recent = runsheet::journal::typed::Recent::default();
            if let Some(typed) = TypedEntry::from_header(&head, &mut recent) {
                assert_eq!(typed, TypedEntry::from_entry(entry));
            }
        }
    }
}

/// The lines of `bytes` decoded as entries without checking any hash.
fn forged(bytes: &[u8]) -> Verified {
    let lines = String::from_utf8_lossy(bytes)
        .lines()
        .filter_map(|text| {
            let mut value: serde_json::Value = serde_json::from_str(text).ok()?;
            value.as_object_mut()?.remove("hash");
            let entry: Entry = serde_json::from_value(value).ok()?;
            Some(Line {
                entry,
                text: text.to_string(),
            })
        })
        .collect();
    Verified {
        lines,
        head_hash: None,
        verified_len: 0,
        broken: None,
        torn_tail: 0,
    }
}

fn journal_seeds() -> Vec<Vec<u8>> {
    let mut seeds = files(&support::fixture("adversary"), "jsonl");
    seeds.push(support::complete_incident(false).bytes());
    seeds.push(support::complete_incident(true).bytes());
    seeds.push(support::drill_exercise().j.bytes());
    seeds
}

#[test]
fn fuzz_journal_reader_verifier_replay_and_exports() {
    let catalog = Catalog::bundled(today());
    let fixture = support::fixture_playbook().playbook;
    fuzz("journal", &journal_seeds(), |bytes| {
        let _ = verify(bytes);
        fast_check_agrees_with_decode(bytes);
        let verified = forged(bytes);
        let created = runsheet::commands::open::created_of(&verified.lines);
        let playbook = created
            .as_ref()
            .and_then(|c| catalog.playbook(&c.playbook.id))
            .map_or(&fixture, |p| &p.playbook);
        let state = runsheet::run::replay(playbook, verified.lines.iter().map(|l| &l.entry));
        let input = runsheet::export::Input::new(&verified, playbook, &state);
        let _ = runsheet::export::summary::summarise(&verified, playbook, &state, input.now);
        for format in runsheet::export::Format::ALL {
            let _ = runsheet::export::render(format, &input);
        }
        let drill = created
            .as_ref()
            .and_then(|c| c.drill.as_ref())
            .and_then(|d| catalog.drill(&d.id))
            .map(|d| &d.drill);
        if let Ok(exercise) =
            runsheet::export::aar::Exercise::new(&verified, playbook, &state, drill)
        {
            for format in runsheet::export::aar::Format::ALL {
                let _ = runsheet::export::aar::render(format, &exercise);
            }
        }
    });
}

/// Lines of the seed playbooks holding `marker`, as seeds of their own.
fn lines_with(marker: &str, extra: &[&str]) -> Vec<Vec<u8>> {
    let mut seeds: Vec<Vec<u8>> = playbook_seeds()
        .iter()
        .flat_map(|s| {
            String::from_utf8_lossy(s)
                .lines()
                .filter_map(|l| {
                    l.split_once(marker)
                        .map(|(_, rest)| rest.as_bytes().to_vec())
                })
                .collect::<Vec<_>>()
        })
        .collect();
    seeds.extend(extra.iter().map(|s| s.as_bytes().to_vec()));
    seeds
}

#[test]
fn fuzz_when_expressions() {
    let seeds = lines_with(
        "when:",
        &[
            "a and (b or not c)",
            "\"x\" in tags",
            "n >= 3 and flag == true",
        ],
    );
    fuzz("when", &seeds, |bytes| {
        let text = String::from_utf8_lossy(bytes);
        if let Ok(e) = expr::parse(text.trim().trim_matches(['\'', '"'])) {
            let printed = e.to_string();
            let again = expr::parse(&printed).expect("printed form parses");
            assert_eq!(again.to_string(), printed, "printing is stable");
            let _ = e.eval(&|_| None);
        }
    });
}

#[test]
fn fuzz_templates() {
    let seeds = lines_with(
        "body:",
        &[
            "Dear {{contact.dpa}}, at {{aware_at}} {{ org }}",
            "{{#if contained}}We contained it.{{else}}We are containing it.{{/if}}",
            "{{#if a and not b}}x{{#if c == 'y'}}{{d}}{{/if}}{{else}}z{{/if}}",
        ],
    );
    fuzz("template", &seeds, |bytes| {
        let text = String::from_utf8_lossy(bytes);
        if let Ok(t) = Template::parse(&text) {
            // Facts with even-length names are known and true; the rest
            // are unknown, so both branches and gaps are exercised.
            let yes = FactValue::Bool(true);
            let rendered = t.render(
                &|name| (name.len() % 2 == 0).then(|| name.repeat(2)),
                &|name| (name.len() % 2 == 0).then_some(&yes),
            );
            let _ = (rendered.gaps(), rendered.text(), t.slots().len());
        }
    });
}
