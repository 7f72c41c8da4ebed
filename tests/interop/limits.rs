//! Size limits on `import`: the input is bounded before it is parsed, and
//! a playbook too big to load is reported as what it is.

use std::io::Write as _;

use runsheet::interop::cacao;
use runsheet::interop::command::MAX_INPUT_BYTES;
use serde_json::Value;

use super::cli::{import, one_manual_step, stderr};
use super::today;

/// JSON that is cut off: never valid, whatever its length.
fn unfinished_json(len: u64) -> Vec<u8> {
    let mut text = b"{\"description\": \"".to_vec();
    let len = usize::try_from(len).expect("fits");
    text.resize(len, b'a');
    text
}

/// Defect: `import` read its input whole with no bound (a 200 MB file
/// was read and parsed, 624 MB resident). A file over the limit is now
/// refused while it is read, before any parsing: over the limit, this
/// cut-off JSON is refused for its size, not for its syntax.
#[test]
fn an_import_over_the_input_limit_is_refused_before_it_is_parsed() {
    assert_eq!(MAX_INPUT_BYTES, 8 << 20, "the limit docs/interop.md states");
    let home = tempfile::tempdir().expect("tempdir");
    let dir = tempfile::tempdir().expect("tempdir");
    let big = dir.path().join("big.json");
    let mut file = std::fs::File::create(&big).expect("created");
    file.write_all(&unfinished_json(MAX_INPUT_BYTES + 1))
        .expect("written");
    drop(file);
    let run = import(home.path(), &big, None);
    assert_eq!(
        stderr(&run),
        format!(
            "error: {}: is larger than 8 MiB, the limit for files to import; refusing to import it\n",
            big.display()
        )
    );
    assert_eq!(run.status.code(), Some(1));
    assert!(run.stdout.is_empty());
    // At the limit exactly, the file is read and parsed (and refused as JSON).
    std::fs::write(&big, unfinished_json(MAX_INPUT_BYTES)).expect("written");
    let run = import(home.path(), &big, None);
    assert_eq!(run.status.code(), Some(1));
    assert_eq!(
        stderr(&run).lines().next(),
        Some("error: not valid JSON: EOF while parsing a string at line 1 column 8388608 (at /)"),
        "read whole and parsed at the limit"
    );
}

/// Defect: a source under the limit whose playbook came out over the
/// playbook limit was refused with "file is larger than 4 MiB, the limit
/// for playbooks; refusing to parse it", which blamed the source file. A
/// 3 MiB description becomes the summary and the phase's summary: 6 MiB.
#[test]
fn a_playbook_made_too_big_is_reported_as_the_playbook_not_the_file() {
    let source = std::fs::read_to_string(one_manual_step()).expect("fixture");
    let mut root: Value = serde_json::from_str(&source).expect("JSON");
    root["description"] = Value::String("a".repeat(3 << 20));
    let text = serde_json::to_string(&root).expect("JSON");
    assert!(text.len() < 4 << 20, "the source itself is under 4 MiB");
    let refused = cacao::import::import("long.json", &text, today()).expect_err("refused");
    assert_eq!(
        refused.render("long.json"),
        "error: the playbook made from this file would be larger than 4 MiB, the limit for playbooks (at /)\n  \
         --> long.json:1:1\n\
         long.json: 1 problem; nothing was imported"
    );
}
