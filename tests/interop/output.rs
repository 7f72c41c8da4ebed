//! Where `import -o` and `export-playbook -o` write: whole files, through
//! the same writer as `export -o`, never through a link or over a device,
//! and never one source's output over another's.

use std::os::unix::fs::FileTypeExt as _;

use super::cli::{aws_style_with_game_day, import, names, one_manual_step, runsheet, set, stderr};

/// Defect: `import -o out.yaml` wrote `out.yaml.partial` with a plain
/// write, so a link planted under that name sent the playbook into the
/// file it pointed at.
#[test]
fn import_output_never_writes_through_a_link_planted_beside_it() {
    let home = tempfile::tempdir().expect("tempdir");
    let dir = tempfile::tempdir().expect("tempdir");
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious\n").expect("victim");
    std::os::unix::fs::symlink("victim.txt", dir.path().join("out.yaml.partial")).expect("link");
    let out = dir.path().join("out.yaml");
    let run = import(home.path(), &one_manual_step(), Some(&out));
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(
        std::fs::read_to_string(&victim).expect("victim") == "precious\n",
        "the linked file is untouched"
    );
    let to_stdout = import(home.path(), &one_manual_step(), None);
    assert_eq!(
        std::fs::read_to_string(&out).expect("written"),
        String::from_utf8_lossy(&to_stdout.stdout),
        "the file holds the playbook import prints"
    );
    assert_eq!(
        names(dir.path()),
        set(&["out.yaml", "out.yaml.partial", "victim.txt"]),
        "no temporary file is left"
    );
}

/// Defect: `export-playbook -o x.json` wrote through a link planted at
/// `x.json.partial` too.
#[test]
fn export_playbook_output_never_writes_through_a_link_planted_beside_it() {
    let home = tempfile::tempdir().expect("tempdir");
    let dir = tempfile::tempdir().expect("tempdir");
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "precious\n").expect("victim");
    std::os::unix::fs::symlink("victim.txt", dir.path().join("x.json.partial")).expect("link");
    let out = dir.path().join("x.json");
    let args = ["export-playbook", "ddos", "--format", "cacao"];
    let run = runsheet(home.path())
        .args(args)
        .arg("-o")
        .arg(&out)
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(
        std::fs::read_to_string(&victim).expect("victim") == "precious\n",
        "the linked file is untouched"
    );
    let to_stdout = runsheet(home.path()).args(args).output().expect("runs");
    assert!(
        std::fs::read(&out).expect("written") == to_stdout.stdout,
        "the file holds the export export-playbook prints"
    );
    assert_eq!(
        names(dir.path()),
        set(&["victim.txt", "x.json", "x.json.partial"])
    );
}

/// Defect: `import -o` replaced a device or pipe with a regular file (exit
/// 0), and `-o FOLDER` for one file left `FOLDER.partial` behind. Like
/// `export -o`, it now refuses anything there that is not a regular file
/// (a link included) and leaves the folder as it was.
#[test]
fn import_output_that_is_not_a_regular_file_is_refused_and_nothing_is_left_behind() {
    let home = tempfile::tempdir().expect("tempdir");
    let dir = tempfile::tempdir().expect("tempdir");
    let made = std::process::Command::new("mkfifo")
        .arg(dir.path().join("pipe"))
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    std::fs::create_dir(dir.path().join("folder")).expect("folder");
    std::fs::write(dir.path().join("target.yaml"), "kept\n").expect("target");
    std::os::unix::fs::symlink("target.yaml", dir.path().join("link.yaml")).expect("link");
    let before = names(dir.path());
    for name in ["pipe", "folder", "link.yaml"] {
        let out = dir.path().join(name);
        let run = import(home.path(), &one_manual_step(), Some(&out));
        assert_eq!(run.status.code(), Some(2), "{name}: {}", stderr(&run));
        assert_eq!(
            stderr(&run),
            format!(
                "error: {}: is not a regular file; refusing to replace it\n",
                out.display()
            ),
            "{name}"
        );
        assert_eq!(
            names(dir.path()),
            before,
            "{name}: nothing added or removed"
        );
    }
    let kind = |name: &str| {
        std::fs::symlink_metadata(dir.path().join(name))
            .expect("still there")
            .file_type()
    };
    assert!(kind("pipe").is_fifo());
    assert!(kind("folder").is_dir());
    assert!(kind("link.yaml").is_symlink());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("target.yaml")).expect("target"),
        "kept\n"
    );
}

/// Defect: `x.json` and `x.md` in one folder both became `out/x.yaml`; the
/// import said `ok` twice, exited 0 and kept only the second. Now files go
/// in name order, the first keeps the name, and a later file whose
/// playbook or drill stub would replace an output of this import is not
/// written and fails the import (exit 1), naming both sources.
#[test]
fn a_folder_import_never_overwrites_one_sources_output_with_anothers() {
    let home = tempfile::tempdir().expect("tempdir");
    let dir = tempfile::tempdir().expect("tempdir");
    let (sources, out) = (dir.path().join("in"), dir.path().join("out"));
    std::fs::create_dir(&sources).expect("in");
    std::fs::create_dir(&out).expect("out");
    for (fixture, name) in [
        (one_manual_step(), "x.json"),
        (aws_style_with_game_day(), "x.md"),
        // `a.md`'s drill stub would be `a.drill.yaml`, `a.drill.json`'s playbook.
        (one_manual_step(), "a.drill.json"),
        (aws_style_with_game_day(), "a.md"),
    ] {
        std::fs::copy(fixture, sources.join(name)).expect("copied");
    }
    let run = import(home.path(), &sources, Some(&out));
    let (i, o) = (sources.display(), out.display());
    let author = "not mapped: `created_by` (identity--00000000-0000-4000-8000-000000000002): runsheet does not record a playbook's author";
    let created = "not mapped: `created` (2026-01-05T09:00:00.000Z)";
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        format!(
            "ok    {i}/a.drill.json -> {o}/a.drill.yaml: 1 phases, 1 steps, 2 notes\n\
             FAIL  {i}/a.md: not written: {o}/a.drill.yaml was already written from {i}/a.drill.json in this import\n\
             ok    {i}/x.json -> {o}/x.yaml: 1 phases, 1 steps, 2 notes\n\
             FAIL  {i}/x.md: not written: {o}/x.yaml was already written from {i}/x.json in this import\n"
        )
    );
    assert_eq!(
        stderr(&run),
        format!(
            "{i}/a.drill.json: {author}\n\
             {i}/a.drill.json: {created}\n\
             error: {i}/a.md: not written: {o}/a.drill.yaml was already written from {i}/a.drill.json in this import\n\
             {i}/x.json: {author}\n\
             {i}/x.json: {created}\n\
             error: {i}/x.md: not written: {o}/x.yaml was already written from {i}/x.json in this import\n"
        )
    );
    assert_eq!(
        run.status.code(),
        Some(1),
        "a file not written fails the import"
    );
    assert_eq!(names(&out), set(&["a.drill.yaml", "x.yaml"]));
    let cacao = import(home.path(), &sources.join("x.json"), None);
    assert_eq!(
        std::fs::read_to_string(out.join("x.yaml")).expect("x.yaml"),
        String::from_utf8_lossy(&cacao.stdout),
        "x.yaml is the CACAO import, the first in name order"
    );
}

/// Defect: a folder import's FAIL line for a file that could not be read
/// named the file twice (`FAIL  in/x.json: in/x.json: not valid UTF-8`),
/// as the read error already carried the path. The file is named once, on
/// the summary line and on standard error.
#[test]
fn a_folder_import_names_a_file_it_could_not_read_once() {
    let home = tempfile::tempdir().expect("tempdir");
    let dir = tempfile::tempdir().expect("tempdir");
    let (sources, out) = (dir.path().join("in"), dir.path().join("out"));
    std::fs::create_dir(&sources).expect("in");
    std::fs::create_dir(&out).expect("out");
    std::fs::write(sources.join("x.json"), b"{\"name\": \"\xff\"}").expect("written");
    let run = import(home.path(), &sources, Some(&out));
    let i = sources.display();
    assert_eq!(
        String::from_utf8_lossy(&run.stdout),
        format!("FAIL  {i}/x.json: not valid UTF-8\n")
    );
    assert_eq!(
        stderr(&run),
        format!("error: {i}/x.json: not valid UTF-8\n")
    );
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(names(&out), set(&[]));
}
