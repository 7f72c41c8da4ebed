//! Compiles the bundled playbooks, clock packs and drill scenarios into the
//! binary, so `runsheet` works from any directory with no installation step.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let dir = root.join("playbooks");
    println!("cargo:rerun-if-changed=playbooks");
    let mut files = Vec::new();
    collect(&dir, &mut files);
    files.sort();
    let mut out = String::from(
        "/// Bundled files: (path relative to the crate root, contents).\npub static BUNDLED: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        let relative = file
            .strip_prefix(&root)
            .expect("under the crate root")
            .to_string_lossy()
            .replace('\\', "/");
        println!("cargo:rerun-if-changed={relative}");
        writeln!(
            out,
            "    ({relative:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/{relative}\"))),"
        )
        .expect("write to string");
    }
    out.push_str("];\n");
    let target = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("bundled.rs");
    std::fs::write(target, out).expect("write bundled.rs");
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(&path, files);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            files.push(path);
        }
    }
}
