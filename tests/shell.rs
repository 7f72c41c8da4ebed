//! The shell around the interface, through the real binary: what happens
//! without a terminal, and when standard output cannot be written.

mod support;

use std::process::{Command, Output, Stdio};

fn runsheet(args: &[&str], stdin: Stdio, stdout: Stdio) -> Output {
    let config = tempfile::tempdir().expect("config");
    let data = tempfile::tempdir().expect("data");
    Command::new(env!("CARGO_BIN_EXE_runsheet"))
        .args(args)
        .current_dir(support::fixture(""))
        .env("RUNSHEET_CONFIG_DIR", config.path())
        .env("RUNSHEET_DATA_DIR", data.path())
        .env("RUNSHEET_NOW", "2026-11-05T18:00:00Z")
        .stdin(stdin)
        .stdout(stdout)
        .stderr(Stdio::piped())
        .output()
        .expect("run runsheet")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn resume_without_terminal_exits_2_with_one_sentence() {
    let (_dir, path, _) = support::complete_incident(false).close();
    let journal = path.to_str().expect("utf-8");
    let before = std::fs::read(&path).expect("journal");
    for args in [
        vec!["resume", journal],
        vec!["review", journal],
        vec!["run", "fixture-incident"],
        vec!["drill", "fixture-drill"],
    ] {
        let out = runsheet(&args, Stdio::null(), Stdio::piped());
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        let text = stderr(&out);
        assert_eq!(text.lines().count(), 1, "{args:?}: one sentence: {text}");
        assert!(
            text.contains(&format!(
                "runsheet {} needs an interactive terminal",
                args[0]
            )),
            "{text}"
        );
        assert!(!text.contains("panicked"), "{text}");
    }
    assert_eq!(
        std::fs::read(&path).expect("journal"),
        before,
        "nothing was written"
    );
}

#[test]
fn export_to_a_full_disk_exits_2() {
    let (_dir, path, _) = support::complete_incident(false).close();
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let out = runsheet(
        &["export", path.to_str().expect("utf-8"), "--format", "md"],
        Stdio::null(),
        Stdio::from(full),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("standard output"), "{}", stderr(&out));
}

#[test]
fn export_to_a_closed_pipe_exits_2() {
    let (_dir, path, _) = support::complete_incident(false).close();
    let (reader, writer) = std::io::pipe().expect("pipe");
    drop(reader);
    let out = runsheet(
        &["export", path.to_str().expect("utf-8"), "--format", "json"],
        Stdio::null(),
        Stdio::from(writer),
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}
