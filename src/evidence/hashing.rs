//! Streaming SHA-256 of evidence files, with a progress line on a terminal.
//!
//! Files may be disk images far larger than memory: they are read in 1 MiB
//! blocks. The speed is measured against `sha256sum` (docs/BENCHMARKS.md).

use std::io::{IsTerminal as _, Read as _, Write as _};
use std::path::Path;

use sha2::{Digest as _, Sha256};

use crate::hash::to_hex;

const BLOCK: usize = 1 << 20;

/// Reports progress of one file: bytes done, bytes in all.
pub trait Progress {
    fn update(&mut self, name: &str, done: u64, total: u64);
    fn finish(&mut self);
}

/// No progress shown (not a terminal, tests, benchmarks).
#[derive(Debug, Default)]
pub struct Silent;

impl Progress for Silent {
    fn update(&mut self, _: &str, _: u64, _: u64) {}
    fn finish(&mut self) {}
}

/// A one-line bar on standard error, redrawn every 64 MiB.
#[derive(Debug, Default)]
pub struct Bar {
    shown: bool,
    last: u64,
}

impl Bar {
    /// A bar when standard error is a terminal, else nothing.
    pub fn for_terminal() -> Box<dyn Progress> {
        if std::io::stderr().is_terminal() {
            Box::new(Self::default())
        } else {
            Box::new(Silent)
        }
    }
}

impl Progress for Bar {
    fn update(&mut self, name: &str, done: u64, total: u64) {
        if done != total && done.saturating_sub(self.last) < 64 << 20 {
            return;
        }
        self.last = done;
        let percent = (done * 100).checked_div(total).unwrap_or(100);
        let filled = usize::try_from(percent / 5).unwrap_or(20);
        let _ = write!(
            std::io::stderr(),
            "\r\x1b[2Khashing {name} [{}{}] {percent}% ({} of {} MiB)",
            "#".repeat(filled),
            " ".repeat(20 - filled.min(20)),
            done >> 20,
            total >> 20
        );
        self.shown = true;
    }

    fn finish(&mut self) {
        if self.shown {
            let _ = writeln!(std::io::stderr());
        }
        self.shown = false;
        self.last = 0;
    }
}

/// SHA-256 (hex) and size of the file at `path`, read as a stream.
pub fn sha256_file(path: &Path, progress: &mut dyn Progress) -> std::io::Result<(String, u64)> {
    let mut file = std::fs::File::open(path)?;
    let total = file.metadata()?.len();
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; BLOCK];
    let mut done = 0u64;
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
        done += n as u64;
        progress.update(&name, done, total);
    }
    progress.finish();
    Ok((to_hex(&hasher.finalize()), done))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_the_same_hash_as_in_memory_across_block_edges() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("f");
        let data: Vec<u8> = (0..BLOCK * 2 + 17)
            .map(|i| u8::try_from(i % 251).unwrap())
            .collect();
        std::fs::write(&path, &data).unwrap();
        let (hash, size) = sha256_file(&path, &mut Silent).unwrap();
        assert_eq!(hash, crate::hash::sha256_hex(&data));
        assert_eq!(size, data.len() as u64);
    }
}
