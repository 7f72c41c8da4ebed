//! Evidence hashing against `sha256sum` on the same file in the same run.
//!
//! Target: `evidence add` hashes at no less than 80% of `sha256sum`'s
//! speed. The file is 1 GiB of non-repeating bytes (not sparse), written to
//! the real disk; both sides run warm (the file in the page cache), median
//! of 5 runs after 1 warm-up run. `RUNSHEET_BENCH_EVIDENCE_MIB` changes the
//! size. Run: `cargo bench --bench evidence`.

mod common;

use std::io::Write as _;
use std::path::Path;
use std::process::Command;

use runsheet::evidence::hashing::{Silent, sha256_file};

const WARM_UP: usize = 1;
const RUNS: usize = 5;

fn main() {
    let mib: u32 = std::env::var("RUNSHEET_BENCH_EVIDENCE_MIB")
        .ok()
        .and_then(|m| m.parse().ok())
        .unwrap_or(1024);
    let dir = common::disk_tempdir().expect("temporary folder");
    let path = dir.path().join("evidence.img");
    write_file(&path, mib).expect("write the evidence file");
    println!("{}", common::machine());
    println!("evidence hashing, {mib} MiB file, median of {RUNS} runs after {WARM_UP} warm-up");
    let mut ours = String::new();
    let runsheet = common::sample(WARM_UP, RUNS, || {
        ours = sha256_file(&path, &mut Silent).expect("hash").0;
    });
    let mut theirs = String::new();
    let sha256sum = common::sample(WARM_UP, RUNS, || {
        let out = Command::new("sha256sum")
            .arg(&path)
            .output()
            .expect("sha256sum");
        theirs = String::from_utf8_lossy(&out.stdout)
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
    });
    assert_eq!(ours, theirs, "both must give the same hash");
    let speed = |d: std::time::Duration| f64::from(mib) / d.as_secs_f64();
    println!(
        "  runsheet (streaming, 1 MiB blocks): {} ({:.0} MiB/s)",
        common::ms(runsheet.median),
        speed(runsheet.median)
    );
    println!(
        "  sha256sum (spawned, wall time):     {} ({:.0} MiB/s)",
        common::ms(sha256sum.median),
        speed(sha256sum.median)
    );
    let relative = sha256sum.median.as_secs_f64() / runsheet.median.as_secs_f64();
    println!(
        "  runsheet speed / sha256sum speed: {relative:.2} (target >= 0.80): {}",
        common::verdict(relative >= 0.8)
    );
}

/// `mib` MiB of bytes from a simple generator: nothing repeats, so no
/// filesystem can store it sparse or compressed.
fn write_file(path: &Path, mib: u32) -> std::io::Result<()> {
    let mut file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    let mut block = vec![0u8; 1 << 20];
    for _ in 0..mib {
        for chunk in block.chunks_exact_mut(8) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            chunk.copy_from_slice(&state.to_le_bytes());
        }
        file.write_all(&block)?;
    }
    file.flush()?;
    file.get_ref().sync_all()
}
