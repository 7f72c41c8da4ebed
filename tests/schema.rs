//! The published JSON Schema: the checked-in copy is what `runsheet schema`
//! prints, every bundled file satisfies it according to an independent
//! validator (Python's `jsonschema`), and bad shapes are rejected by it.

use std::path::{Path, PathBuf};
use std::process::Command;

use runsheet::commands::schema::schema_json;

const SCHEMA: &str = "assets/playbook.schema.json";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn checked_in_schema_is_current() {
    let path = root().join(SCHEMA);
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == schema_json(),
        "{SCHEMA} differs from the output of `runsheet schema`; regenerate it with\n\n    \
         cargo run -- schema > {SCHEMA}\n"
    );
}

/// Loads each YAML file with YAML 1.2 core scalars (as runsheet reads them:
/// `yes` and `2026-11-28` stay strings, `17:00` is not a number) and checks
/// it against the schema. Prints one JSON line per file: `{file, error}`.
const VALIDATOR: &str = r#"
import json, re, sys
import jsonschema, yaml

class Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass

Loader.yaml_implicit_resolvers = {}
for tag, pattern, first in [
    ("bool", r"true|True|TRUE|false|False|FALSE", "tTfF"),
    ("int", r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+", "-+0123456789"),
    ("float", r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)",
     "-+.0123456789"),
    ("null", r"~|null|Null|NULL|", ["~", "n", "N", ""]),
]:
    Loader.add_implicit_resolver("tag:yaml.org,2002:" + tag, re.compile("^(?:" + pattern + ")$"), list(first))

with open(sys.argv[1], encoding="utf-8") as f:
    validator = jsonschema.Draft7Validator(json.load(f))
for path in sys.argv[2:]:
    with open(path, encoding="utf-8") as f:
        document = json.loads(json.dumps(yaml.load(f, Loader=Loader)))
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    message = None
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        message = f"{where}: {error.message[:300]}"
    print(json.dumps({"file": path, "error": message}))
"#;

/// Whether python3 with `yaml` and `jsonschema` can be used; says why not.
/// Under `CI=true` a missing tool fails the test: CI installs them.
fn python_ready() -> bool {
    let probe = Command::new("python3")
        .args(["-c", "import yaml, jsonschema"])
        .output();
    assert!(
        std::env::var("CI").as_deref() != Ok("true")
            || probe.as_ref().is_ok_and(|out| out.status.success()),
        "CI=true but python3 with pyyaml and jsonschema is missing: .ci/run must install them"
    );
    match probe {
        Err(e) => {
            eprintln!("skipping the independent schema check: cannot run python3 ({e})");
            false
        }
        Ok(out) if !out.status.success() => {
            eprintln!(
                "skipping the independent schema check: python3 lacks a module \
                 (pip install pyyaml jsonschema): {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            false
        }
        Ok(_) => true,
    }
}

/// Validates files with Python; returns each file with its schema error.
fn python_validate(files: &[PathBuf]) -> Vec<(PathBuf, Option<String>)> {
    let out = Command::new("python3")
        .args(["-c", VALIDATOR])
        .arg(root().join(SCHEMA))
        .args(files)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "the validator script failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<(PathBuf, Option<String>)> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).expect("one JSON line");
            let file = PathBuf::from(value["file"].as_str().expect("file"));
            (file, value["error"].as_str().map(str::to_string))
        })
        .collect();
    assert_eq!(results.len(), files.len(), "one result per file");
    results
}

/// `*.yaml` under `dir`, recursively, sorted.
fn yaml_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("readable folder").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

#[test]
fn bundled_playbooks_packs_and_drills_satisfy_the_schema() {
    if !python_ready() {
        return;
    }
    let mut files = yaml_under(&root().join("playbooks"));
    assert!(files.len() >= 10, "found the bundled files: {files:?}");
    files.extend(yaml_under(&root().join("tests/fixtures/playbooks")));
    files.extend(yaml_under(&root().join("tests/fixtures/warn")));
    let failures: Vec<String> = python_validate(&files)
        .into_iter()
        .filter_map(|(file, error)| error.map(|e| format!("{}: {e}", file.display())))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Fixtures whose problem is their shape: the schema must catch them too.
const BAD_SHAPES: &[&str] = &[
    "flow-shape-errors.yaml",
    "many-shape-errors.yaml",
    "missing-keys-and-wrong-types.yaml",
    "unknown-key.yaml",
    "wrong-type.yaml",
    "yes-boolean.yaml",
    "version-2.yaml",
    "anchor-typos.yaml",
    "anchor-alias-typos.yaml",
    "flow-typo.yaml",
    "pack-stage-no-from.yaml",
];

/// A key given twice cannot be seen once the YAML is a JSON object, and
/// broken YAML never becomes one.
const INVISIBLE_TO_SCHEMA: &[&str] = &["duplicate-key.yaml", "bad-indent.yaml"];

#[test]
fn schema_rejects_bad_shapes_and_only_those() {
    if !python_ready() {
        return;
    }
    let bad = root().join("tests/fixtures/bad");
    let files: Vec<PathBuf> = yaml_under(&bad)
        .into_iter()
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            !INVISIBLE_TO_SCHEMA.contains(&name)
        })
        .collect();
    let mut failures = Vec::new();
    for (file, error) in python_validate(&files) {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        match (BAD_SHAPES.contains(&name), error) {
            (true, None) => failures.push(format!("{name}: accepted by the schema")),
            (false, Some(e)) => failures.push(format!(
                "{name}: its problems are about meaning, yet the schema rejects it: {e}"
            )),
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
