//! Journal speed: durable appends against a bare `write_all` + `sync_data`
//! loop, verification against `sha256sum`, replay, and peak memory, each
//! compared with its baseline in the same run.
//!
//! Run with `cargo bench --bench journal`. See docs/BENCHMARKS.md for the
//! method and recorded numbers.

mod common;

use std::fs::OpenOptions;
use std::hint::black_box;
use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use runsheet::catalog::Catalog;
use runsheet::commands::open::Resolved;
use runsheet::journal::Draft;
use runsheet::journal::verify::verify;
use runsheet::journal::writer::JournalFile;
use runsheet::run;

use common::{Incident, Stats, mib, ms, ratio, us, verdict};

/// Entries in the large journal.
const ENTRIES: usize = 100_000;
/// Durable appends timed, per side.
const APPENDS: usize = 2_000;
/// Rounds the appends are split into, alternating which side goes first.
const ROUNDS: usize = 20;
/// Appends per side before timing starts.
const APPEND_WARM_UP: usize = 50;
const WARM_UP: usize = 2;
const RUNS: usize = 11;
const PLAYBOOK: &str = "ransomware-extortion";
/// Fresh processes that read, verify and replay the large journal.
const FRESH_RUNS: usize = 7;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--fresh") {
        return fresh_child(args.get(i + 1).map(String::as_str).unwrap_or_default());
    }
    let dir = match common::disk_tempdir() {
        Ok(dir) => dir,
        Err(e) => return eprintln!("cannot create a temp dir: {e}"),
    };
    let catalog = Catalog::bundled(common::today());
    let Some(resolved) = common::bundled(&catalog, PLAYBOOK) else {
        return eprintln!("bundled playbook `{PLAYBOOK}` not found");
    };

    println!("Journal");
    println!("  machine: {}", common::machine());
    println!("  folder: {}", dir.path().display());
    println!("  file system: {}\n", common::filesystem(dir.path()));

    if let Err(e) = appends(dir.path(), &resolved) {
        return eprintln!("append benchmark failed: {e}");
    }
    let path = dir.path().join("large.jsonl");
    let start = Instant::now();
    let size = match common::write_journal(&path, Incident::new(&resolved, false), ENTRIES) {
        Ok(size) => size,
        Err(e) => return eprintln!("cannot write {}: {e}", path.display()),
    };
    println!(
        "\n  large journal: {ENTRIES} entries over `{PLAYBOOK}`, {size} bytes ({}), \
         {} bytes per line on average, generated in {}",
        mib(size),
        size / ENTRIES as u64,
        ms(start.elapsed())
    );
    large(&path, size, &resolved);
}

/// Durable appends through `JournalFile::append` against a bare loop of
/// `write_all(line)` + `sync_data()` on a plain file in the same folder,
/// same lines, interleaved in rounds.
fn appends(dir: &Path, resolved: &Resolved) -> std::io::Result<()> {
    let total = APPEND_WARM_UP + APPENDS;
    let mut incident = Incident::new(resolved, false);
    let first = incident.next_draft();
    let drafts: Vec<Draft> = (0..total).map(|_| incident.next_draft()).collect();
    // The same lines, encoded and chained as the journal will write them:
    // the bare loop writes byte-identical data.
    let mut prev = runsheet::hash::ZERO_HASH.to_string();
    let mut lines: Vec<Vec<u8>> = Vec::with_capacity(total + 1);
    for (seq, draft) in std::iter::once(&first).chain(&drafts).enumerate() {
        let text = draft.clone().into_entry(seq as u64, prev).encode();
        prev = runsheet::hash::sha256_hex(text.as_bytes());
        let mut line = text.into_bytes();
        line.push(b'\n');
        lines.push(line);
    }
    let bytes: usize = lines[1..].iter().map(Vec::len).sum();

    let (mut journal, _) = JournalFile::create(&dir.join("appends.jsonl"), first)
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    let mut plain = OpenOptions::new()
        .append(true)
        .read(true)
        .create_new(true)
        .mode(0o600)
        .open(dir.join("plain.jsonl"))?;
    plain.write_all(&lines[0])?;
    plain.sync_all()?;

    let mut drafts = drafts.into_iter();
    let mut plain_lines = lines[1..].iter();
    let mut ours = Vec::with_capacity(APPENDS);
    let mut bare = Vec::with_capacity(APPENDS);
    let mut append = |times: &mut Vec<Duration>, n: usize| -> std::io::Result<()> {
        for draft in drafts.by_ref().take(n) {
            let start = Instant::now();
            let line = journal.append(draft).map_err(std::io::Error::other)?;
            times.push(start.elapsed());
            drop(line);
        }
        Ok(())
    };
    let mut write = |times: &mut Vec<Duration>, n: usize| -> std::io::Result<()> {
        for line in plain_lines.by_ref().take(n) {
            let start = Instant::now();
            plain.write_all(line)?;
            plain.sync_data()?;
            times.push(start.elapsed());
        }
        Ok(())
    };
    append(&mut Vec::new(), APPEND_WARM_UP)?;
    write(&mut Vec::new(), APPEND_WARM_UP)?;
    let per_round = APPENDS / ROUNDS;
    for round in 0..ROUNDS {
        if round % 2 == 0 {
            append(&mut ours, per_round)?;
            write(&mut bare, per_round)?;
        } else {
            write(&mut bare, per_round)?;
            append(&mut ours, per_round)?;
        }
    }
    let ours = Stats::of(ours);
    let bare = Stats::of(bare);
    println!(
        "  durable append: {APPENDS} entries per side, {} bytes per line on average, \
         {ROUNDS} interleaved rounds after {APPEND_WARM_UP} warm-up appends per side",
        bytes / total
    );
    println!(
        "  {:<52} {:>10} {:>10} {:>10}",
        "", "median", "p99", "total"
    );
    for (label, s) in [
        ("JournalFile::append (encode, chain, write, sync)", ours),
        ("bare write_all + sync_data, same lines", bare),
    ] {
        println!(
            "  {label:<52} {:>10} {:>10} {:>10}",
            us(s.median),
            us(s.p99),
            ms(s.total)
        );
    }
    let r = ratio(ours.total, bare.total);
    println!(
        "  ratio (total time) {r:.3}x, ratio of medians {:.3}x (target <= 1.3x): {}",
        ratio(ours.median, bare.median),
        verdict(r <= 1.3)
    );
    Ok(())
}

fn large(path: &Path, size: u64, resolved: &Resolved) {
    let Ok(bytes) = std::fs::read(path) else {
        return eprintln!("cannot read {}", path.display());
    };
    let verified = verify(&bytes);
    if !verified.is_intact() || verified.lines.len() != ENTRIES {
        return eprintln!(
            "the generated journal must verify: {:?}, {} lines",
            verified.broken,
            verified.lines.len()
        );
    }
    let state = run::replay(&resolved.playbook, verified.entries());
    let mut kinds = std::collections::BTreeMap::new();
    for e in verified.entries() {
        *kinds.entry(e.kind.as_str()).or_insert(0_usize) += 1;
    }
    let mix: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
    println!("  mix: {}", mix.join(", "));
    println!(
        "  replayed: {} facts with {} values, {} notes, {} decisions, {} submissions, \
         {} warnings",
        state.facts.len(),
        state.facts.values().map(|f| f.history.len()).sum::<usize>(),
        state.notes.len(),
        state.decisions.len(),
        state.submissions.len(),
        state.warnings.len()
    );
    println!("  median of {RUNS} runs after {WARM_UP} warm-up runs\n");

    let verify_only = common::sample_keep(WARM_UP, RUNS, || verify(&bytes));
    let read_verify = common::sample_keep(WARM_UP, RUNS, || {
        std::fs::read(path).map(|b| verify(&b)).ok()
    });
    let sha = sha256sum(path);
    let spawn = sha256sum(Path::new("/dev/null"));
    let in_process_sha = common::sample(WARM_UP, RUNS, || {
        black_box(runsheet::hash::sha256_hex(black_box(&bytes)));
    });
    row("verify (bytes in memory)", verify_only.median);
    row("read + verify", read_verify.median);
    let sha_median = sha.as_ref().ok().map(|s| s.median);
    match (sha, spawn) {
        (Ok(sha), Ok(spawn)) => {
            row("sha256sum <file> (spawned; wall time)", sha.median);
            row("  of which spawning (sha256sum /dev/null)", spawn.median);
            row(
                "SHA-256 of the whole file in-process (sha2 crate)",
                in_process_sha.median,
            );
            let r = ratio(read_verify.median, sha.median);
            println!(
                "  ratio read + verify / sha256sum: {r:.2}x (target <= 3x): {}",
                verdict(r <= 3.0)
            );
        }
        (Err(e), _) | (_, Err(e)) => println!("  no sha256sum comparison: {e}"),
    }

    let replay = common::sample_keep(WARM_UP, RUNS, || {
        run::replay(&resolved.playbook, verified.entries())
    });
    row("run::replay of the verified entries", replay.median);
    println!(
        "  replay target < 200 ms: {}",
        verdict(replay.median < Duration::from_millis(200))
    );
    fresh(path, size, sha_median);
}

fn row(label: &str, time: Duration) {
    println!("  {label:<52} {:>10}", ms(time));
}

/// Median wall time of running `sha256sum <path>`.
fn sha256sum(path: &Path) -> Result<Stats, String> {
    let mut error = None;
    let stats = common::sample(WARM_UP, RUNS, || {
        match Command::new("sha256sum").arg(path).output() {
            Ok(out) if out.status.success() => {}
            Ok(out) => error = Some(String::from_utf8_lossy(&out.stderr).trim().to_string()),
            Err(e) => error = Some(format!("cannot run sha256sum: {e}")),
        }
    });
    error.map_or(Ok(stats), Err)
}

/// Read + verify and replay in fresh processes (as `runsheet verify` or
/// `review` runs once, page faults and all), and the peak resident memory
/// of such a process: this binary again, with `--fresh`.
fn fresh(path: &Path, size: u64, sha: Option<Duration>) {
    let exe = match std::env::current_exe() {
        Ok(exe) => exe,
        Err(e) => return println!("  no fresh-process run: {e}"),
    };
    let mut runs: Vec<[u64; 4]> = Vec::with_capacity(FRESH_RUNS);
    for _ in 0..FRESH_RUNS {
        let out = match Command::new(&exe).arg("--fresh").arg(path).output() {
            Ok(out) if out.status.success() => out,
            Ok(out) => {
                let why = String::from_utf8_lossy(&out.stderr);
                return println!("  no fresh-process run: {}", why.trim());
            }
            Err(e) => return println!("  no fresh-process run: {e}"),
        };
        let text = String::from_utf8_lossy(&out.stdout);
        let numbers: Vec<u64> = text
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        match numbers[..] {
            [a, b, c, d] => runs.push([a, b, c, d]),
            _ => return println!("  unexpected output `{}`", text.trim()),
        }
    }
    let median = |i: usize| Stats::of(runs.iter().map(|r| Duration::from_nanos(r[i])).collect());
    let verify = median(2).median;
    let replay = median(3).median;
    let (before, after) = (runs[0][0], runs.iter().map(|r| r[1]).max().unwrap_or(0));
    println!("\n  in a fresh process each time (median of {FRESH_RUNS} processes):");
    row("read + verify", verify);
    if let Some(sha) = sha {
        let r = ratio(verify, sha);
        println!(
            "  ratio fresh read + verify / sha256sum: {r:.2}x (target <= 3x): {}",
            verdict(r <= 3.0)
        );
    }
    row("run::replay", replay);
    // Sizes in KiB; the ratio of two sizes through `ratio` of durations.
    println!(
        "  peak RSS (VmHWM) after read + verify + replay: {} ({} before reading, so {} \
         for the journal: {:.2}x the file's {})",
        mib(after * 1024),
        mib(before * 1024),
        mib(after.saturating_sub(before) * 1024),
        ratio(
            Duration::from_nanos(after.saturating_sub(before) * 1024),
            Duration::from_nanos(size)
        ),
        mib(size)
    );
}

/// The child of [`fresh`]: prints the high-water mark (KiB) before and
/// after, and the nanoseconds read + verify and replay took.
fn fresh_child(path: &str) {
    let catalog = Catalog::bundled(common::today());
    let Some(resolved) = common::bundled(&catalog, PLAYBOOK) else {
        return eprintln!("bundled playbook `{PLAYBOOK}` not found");
    };
    let before = vm_hwm();
    let start = Instant::now();
    let Ok(bytes) = std::fs::read(path) else {
        return eprintln!("cannot read {path}");
    };
    let verified = verify(&bytes);
    let verify_time = start.elapsed();
    let start = Instant::now();
    let state = run::replay(&resolved.playbook, verified.entries());
    let replay_time = start.elapsed();
    black_box((&verified, &state));
    println!(
        "{before} {} {} {}",
        vm_hwm(),
        verify_time.as_nanos(),
        replay_time.as_nanos()
    );
}

/// `VmHWM` of this process, in KiB.
fn vm_hwm() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
