//! The fast check must never accept a line the decoder refuses, and must
//! accept the lines runsheet writes.

use chrono::DateTime;
use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::header;
use crate::hash::sha256_hex;
use crate::journal::{Entry, HASH_KEY, Kind, VERSION};

/// An entry with `data`, encoded as runsheet writes it.
fn line_with(data: Map<String, Value>) -> String {
    Entry {
        v: VERSION,
        seq: 7,
        ts: DateTime::from_timestamp(1_790_000_000, 123_456_000).expect("time"),
        mono_ms: 42,
        scenario_ms: Some(5),
        session: "s-1".into(),
        actor: "Dana \"D\" Reyes\t\u{1}\u{7f}é".into(),
        kind: Kind::Note,
        step: Some("contain/isolate".into()),
        data,
        seen: None,
        prev: "ab".repeat(32),
    }
    .encode()
}

/// `line` with its own hash made right again, so that only its form
/// decides (as a forger who re-seals lines would write it).
fn resealed(line: &str) -> String {
    let Some(end) = line.rfind(HASH_KEY) else {
        return line.to_string();
    };
    let body = format!("{}}}", &line[..end]);
    format!(
        "{}{HASH_KEY}{}\"}}",
        &line[..end],
        sha256_hex(body.as_bytes())
    )
}

/// What the fast check answered must agree with the decoder.
fn assert_agrees(line: &str) {
    let Some(head) = header(line) else { return };
    let entry = Entry::decode(line)
        .unwrap_or_else(|e| panic!("fast check accepted what decode refuses ({e}): {line}"));
    assert_eq!(entry.v, VERSION, "{line}");
    assert_eq!(
        (head.seq, head.ts, head.kind, head.prev, head.step),
        (
            entry.seq,
            entry.ts,
            entry.kind,
            entry.prev.as_str(),
            entry.step.as_deref()
        ),
        "{line}"
    );
}

#[test]
fn lines_runsheet_writes_are_accepted_and_read_right() {
    let mut data = Map::new();
    data.insert(
        "text".into(),
        json!("line\nbreak \\ \"quoted\" \u{0} \u{1f} ünï"),
    );
    data.insert("n".into(), json!(-9_223_372_036_854_775_808_i64));
    data.insert("big".into(), json!(u64::MAX));
    data.insert("zero".into(), json!(0));
    data.insert(
        "list".into(),
        json!([1, "two", null, true, false, {"k": []}]),
    );
    data.insert("nested".into(), json!({"b": {"a": {}}, "a": [[]]}));
    let line = line_with(data);
    let head = header(&line).expect("canonical");
    assert_eq!(head.seq, 7);
    assert_eq!(head.step, Some("contain/isolate"));
    assert_agrees(&line);
    assert!(header(&line_with(Map::new())).is_some());
}

#[test]
fn what_serde_would_write_differently_is_left_to_the_decoder() {
    let line = line_with(Map::new());
    let cases = [
        // A float, an exponent, a negative zero, leading zeros.
        ("\"data\":{}", "\"data\":{\"x\":1.5}"),
        ("\"data\":{}", "\"data\":{\"x\":1e3}"),
        ("\"data\":{}", "\"data\":{\"x\":-0}"),
        ("\"mono_ms\":42", "\"mono_ms\":042"),
        // Escapes serde does not write; a duplicate key; spaces.
        ("\"data\":{}", "\"data\":{\"x\":\"\\u0041\"}"),
        ("\"data\":{}", "\"data\":{\"x\":\"\\/\"}"),
        ("\"data\":{}", "\"data\":{\"x\":\"\\u000A\"}"),
        ("\"data\":{}", "\"data\":{\"x\":1,\"x\":2}"),
        ("\"data\":{}", "\"data\": {}"),
        // A null where the member is left out, an unknown kind, a second
        // version, a timestamp not in the fixed form.
        ("\"step\":\"contain/isolate\"", "\"step\":null"),
        ("\"kind\":\"note\"", "\"kind\":\"nope\""),
        ("{\"v\":1", "{\"v\":2"),
        ("\"ts\":\"2026-09-21", "\"ts\":\"2026-9-21"),
    ];
    for (from, to) in cases {
        assert!(line.contains(from), "{from}");
        let changed = resealed(&line.replacen(from, to, 1));
        assert!(header(&changed).is_none(), "{changed}");
    }
}

#[test]
fn a_line_whose_own_hash_is_wrong_is_never_accepted() {
    let line = line_with(Map::new());
    let changed = line.replacen("\"seq\":7", "\"seq\":8", 1);
    assert!(header(&changed).is_none());
    assert!(header(&resealed(&changed)).is_some());
}

/// Every byte of a line changed to each of the characters JSON gives
/// meaning to, then re-sealed.
#[test]
fn every_single_byte_change_agrees_with_the_decoder() {
    let mut data = Map::new();
    data.insert("text".into(), json!("a\"b\\c\nd"));
    data.insert("items".into(), json!([1, -2, {"k": null}]));
    let line = line_with(data);
    for at in 0..line.len() {
        for to in [
            b'"', b'\\', b'{', b'}', b'[', b']', b',', b':', b'0', b'-', b'.', b'e', b'u', b' ',
            b'n', 0x01,
        ] {
            let mut bytes = line.clone().into_bytes();
            bytes[at] = to;
            if let Ok(text) = String::from_utf8(bytes) {
                assert_agrees(&resealed(&text));
            }
        }
    }
}

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "\\PC{0,12}|[\\x00-\\x20\"\\\\/]{0,6}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec(("[a-c\"\\\\]{0,3}", inner), 0..5)
                .prop_map(|members| Value::Object(members.into_iter().collect())),
        ]
    })
}

fn holds_float(value: &Value) -> bool {
    match value {
        Value::Number(n) => n.is_f64(),
        Value::Array(items) => items.iter().any(holds_float),
        Value::Object(members) => members.values().any(holds_float),
        _ => false,
    }
}

proptest! {
    /// Whatever `data` holds, the line runsheet writes is accepted unless
    /// it holds a float, and the answer agrees with the decoder; so does
    /// the same line with a piece cut out.
    #[test]
    fn generated_lines_agree_with_the_decoder(
        members in prop::collection::vec(("[a-z\"]{0,4}", json_value()), 0..6),
        cut in any::<(prop::sample::Index, prop::sample::Index)>(),
    ) {
        let data: Map<String, Value> = members.into_iter().collect();
        let floats = data.values().any(holds_float);
        let line = line_with(data);
        if !floats {
            prop_assert!(header(&line).is_some(), "refused: {}", line);
        }
        assert_agrees(&line);
        let (a, b) = (cut.0.index(line.len()), cut.1.index(line.len()));
        let (a, b) = (a.min(b), a.max(b));
        if line.is_char_boundary(a) && line.is_char_boundary(b) {
            assert_agrees(&resealed(&format!("{}{}", &line[..a], &line[b..])));
        }
    }
}
