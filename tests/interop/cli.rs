//! Running the `runsheet` binary on this project's own small fixtures.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

use super::root;

/// A small CACAO playbook this project wrote, for tests of the output side.
pub fn one_manual_step() -> PathBuf {
    root().join("tests/fixtures/interop/one-manual-step.json")
}

/// A small AWS-style Markdown playbook this project wrote, with a Game Day
/// section (so its import has a drill stub too).
pub fn aws_style_with_game_day() -> PathBuf {
    root().join("tests/fixtures/interop/aws-style-phished-credentials.md")
}

/// `runsheet` with its own config and data folders under `home`.
pub fn runsheet(home: &Path) -> assert_cmd::Command {
    let mut command = assert_cmd::Command::cargo_bin("runsheet").expect("binary");
    command
        .env("RUNSHEET_NOW", "2026-11-29T00:00:00Z")
        .env("XDG_CONFIG_HOME", home)
        .env("XDG_DATA_HOME", home);
    command
}

/// `runsheet import <source> [-o <out>]`.
pub fn import(home: &Path, source: &Path, out: Option<&Path>) -> Output {
    let mut command = runsheet(home);
    command.arg("import").arg(source);
    if let Some(out) = out {
        command.arg("-o").arg(out);
    }
    command.output().expect("runs")
}

/// The names in `dir`, sorted.
pub fn names(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("readable folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect()
}

pub fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|n| (*n).to_string()).collect()
}

pub fn stderr(run: &Output) -> String {
    String::from_utf8_lossy(&run.stderr).into_owned()
}
