//! An action's CACAO `commands`, read for a person who runs them by hand:
//! runsheet never runs a command. Each command's text is carried; an HTTP
//! command (`http-api`, `openc2-http`) with its headers and body, since a
//! request line alone cannot be sent as the source meant it. A header
//! that may carry a credential keeps its name, its value dropped with a
//! warning, as `authentication_info_definitions` are. A step holds one
//! `command`: of several, the first is it and each other one is a typed
//! block of its own in the instructions, never run together with another.
//! A command's description becomes an instruction and its references the
//! step's; the fields runsheet has no place for are named.

use base64::Engine as _;
use serde_json::Value;

use super::fields::preview;
use super::references;

/// Fields of a command read here; any other is named in a note.
const READ: [&str; 8] = [
    "type",
    "command",
    "command_b64",
    "description",
    "headers",
    "content",
    "content_b64",
    "external_references",
];

/// What stands in a carried request for a header value that was dropped.
pub const DROPPED_VALUE: &str = "<credential: fill in by hand>";

/// An action's commands as the step carries them.
#[derive(Debug, Default, PartialEq)]
pub struct Read {
    /// The text of each `manual` command: what a person does.
    pub manual: Vec<String>,
    /// Each other command, to copy.
    pub automated: Vec<Automated>,
    /// Each command's description, as an instruction.
    pub described: Vec<String>,
    pub references: Vec<Value>,
    pub notes: Vec<String>,
}

/// A command runsheet does not run but a person may: its place among the
/// action's commands (from 1), its type and its text to copy.
#[derive(Debug, PartialEq, Eq)]
pub struct Automated {
    pub number: usize,
    pub kind: String,
    pub text: String,
}

/// Where an action's automated commands go in its step.
#[derive(Debug, PartialEq, Eq)]
pub struct Placed {
    /// The step's `command`: the first automated command.
    pub command: String,
    /// What the instructions say about the commands, then each further
    /// command as a block of its own.
    pub instructions: Vec<String>,
    /// Names the commands that are in the instructions, not the `command`.
    pub note: Option<String>,
}

/// The `commands` of action `step_id`.
pub fn read(step_id: &str, step: &Value) -> Read {
    let mut read = Read::default();
    for (i, command) in step["commands"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let ty = command["type"].as_str().unwrap_or("manual");
        let whose = format!("command {} (`{ty}`) of action `{step_id}`", i + 1);
        read.notes.extend(unread_fields(command, &whose));
        if let Some(description) = text_of(&command["description"]) {
            read.described
                .push(format!("About the `{ty}` command: {description}"));
        }
        read.references
            .extend(references::carried(command, &whose, &mut read.notes));
        let Some(text) = command_text(command, &whose, &mut read.notes) else {
            continue;
        };
        if ty == "manual" {
            read.manual.push(text.trim().to_string());
        } else {
            read.automated.push(Automated {
                number: i + 1,
                kind: ty.to_string(),
                text: with_request_parts(&text, command, &whose, &mut read.notes),
            });
        }
    }
    read
}

/// Places action `step_id`'s automated commands: the first is the step's
/// `command`; a step holds one, so each other one is a block of its own in
/// the instructions, numbered and typed, and a note names them. Joined
/// into one `command`, an HTTP request would be pasted into a shell.
pub fn place(step_id: &str, automated: Vec<Automated>) -> Option<Placed> {
    let mut commands = automated.into_iter();
    let first = commands.next()?;
    let others: Vec<Automated> = commands.collect();
    if others.is_empty() {
        return Some(Placed {
            instructions: vec![format!(
                "Automated in the source (`{}`). runsheet never runs it: the command is here to copy and run by hand if you decide to.",
                first.kind
            )],
            command: first.text,
            note: None,
        });
    }
    let all: Vec<String> = std::iter::once(&first).chain(&others).map(named).collect();
    let mut instructions = vec![format!(
        "Automated in the source: {}, in this order. runsheet never runs them: each is here to copy and run by hand if you decide to. Command {} is the step's command; a step holds one, so each other one follows here in a block of its own.",
        listed(&all),
        first.number
    )];
    instructions.extend(others.iter().map(block));
    let moved: Vec<String> = others.iter().map(named).collect();
    Some(Placed {
        command: first.text,
        instructions,
        note: Some(format!(
            "not mapped: {} of action `{step_id}`: a step's `command` holds one, command {}; the others are in its instructions, each in a block of its own with its type",
            listed(&moved),
            first.number
        )),
    })
}

/// `command 2 (`bash`)`.
fn named(command: &Automated) -> String {
    format!("command {} (`{}`)", command.number, command.kind)
}

/// `a`, `a and b`, `a, b and c`.
fn listed(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A command as a labelled, fenced block of the instructions: the fence is
/// longer than any run of backticks in the command, so it cannot end early.
fn block(command: &Automated) -> String {
    let (label, info) = match command.kind.as_str() {
        "http-api" | "openc2-http" => (
            format!(
                "Command {}, an HTTP request (`{}`):",
                command.number, command.kind
            ),
            "http",
        ),
        kind => (
            format!("Command {} (`{kind}`):", command.number),
            fence_language(kind),
        ),
    };
    let longest = command
        .text
        .split(|c| c != '`')
        .map(str::len)
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!(
        "{label}\n\n{fence}{info}\n{}\n{fence}",
        command.text.trim_end()
    )
}

/// The language a fence names for a command type: the type itself when it
/// is a plain word (`bash`, `powershell`), `sh` for `ssh`, else `text`: the
/// vocabulary is open, and a type with a space or backtick would break the
/// fence.
fn fence_language(kind: &str) -> &str {
    match kind {
        "ssh" => "sh",
        plain
            if plain
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            plain
        }
        _ => "text",
    }
}

/// Trimmed text, when there is any.
fn text_of(value: &Value) -> Option<String> {
    value
        .as_str()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// The command's text: `command`, or `command_b64` decoded. A
/// `command_b64` that is not base64 of UTF-8 text is named, not dropped.
fn command_text(command: &Value, whose: &str, notes: &mut Vec<String>) -> Option<String> {
    if let Some(text) = command["command"].as_str() {
        return Some(text.to_string()).filter(|t| !t.trim().is_empty());
    }
    let encoded = command["command_b64"].as_str()?;
    let Some(text) = decoded_text(encoded) else {
        notes.push(format!(
            "not mapped: `command_b64` of {whose}: not base64 of text ({})",
            preview(&command["command_b64"])
        ));
        return None;
    };
    Some(text).filter(|t| !t.trim().is_empty())
}

fn decoded_text(encoded: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    String::from_utf8(bytes).ok()
}

/// `text` followed by the command's headers (one `Name: value` line each)
/// and, after a blank line, its body: an HTTP request as it is written.
fn with_request_parts(text: &str, command: &Value, whose: &str, notes: &mut Vec<String>) -> String {
    let mut lines = vec![text.trim_end().to_string()];
    lines.extend(header_lines(&command["headers"], whose, notes));
    if let Some(body) = body(command, whose, notes) {
        lines.push(String::new());
        lines.push(body);
    }
    lines.join("\n")
}

/// The headers as lines; CACAO gives each name a list of values (one
/// line each), a single text is taken as one.
fn header_lines(headers: &Value, whose: &str, notes: &mut Vec<String>) -> Vec<String> {
    let mut lines = Vec::new();
    for (name, values) in headers.as_object().into_iter().flatten() {
        let values: Vec<&str> = match values {
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            Value::String(one) => vec![one.as_str()],
            _ => Vec::new(),
        };
        if may_hold_credential(name) {
            notes.push(format!(
                "warning: the value of header `{name}` of {whose} dropped: it may hold a credential"
            ));
            lines.push(format!("{name}: {DROPPED_VALUE}"));
            continue;
        }
        lines.extend(values.into_iter().map(|value| format!("{name}: {value}")));
    }
    lines
}

/// Whether a header's value may be a secret: the HTTP authentication and
/// cookie headers, and the names APIs give their keys and tokens.
fn may_hold_credential(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    matches!(
        name.as_str(),
        "authorization" | "proxy-authorization" | "cookie" | "set-cookie"
    ) || ["token", "key", "secret", "password", "auth", "session"]
        .iter()
        .any(|word| name.contains(word))
}

/// The request body: `content`, or `content_b64` decoded when it is text.
/// A binary body cannot be shown: it is named with its size.
fn body(command: &Value, whose: &str, notes: &mut Vec<String>) -> Option<String> {
    if let Some(content) = command["content"].as_str() {
        return Some(content.to_string());
    }
    let encoded = command["content_b64"].as_str()?;
    if let Some(text) = decoded_text(encoded) {
        return Some(text);
    }
    let size = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_or_else(
            |_| "not base64".to_string(),
            |b| format!("{} bytes", b.len()),
        );
    notes.push(format!(
        "not mapped: `content_b64` of {whose}: a binary body ({size})"
    ));
    None
}

/// A note for each field of `command` runsheet has no place for (its
/// `version`, `playbook_activity`, anything the specification does not
/// define), with its value.
fn unread_fields(command: &Value, whose: &str) -> Vec<String> {
    command
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(field, _)| !READ.contains(&field.as_str()))
        .map(|(field, value)| format!("not mapped: `{field}` of {whose} ({})", preview(value)))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn automated(number: usize, kind: &str, text: &str) -> Automated {
        Automated {
            number,
            kind: kind.to_string(),
            text: text.to_string(),
        }
    }

    /// The command vocabulary is open: a type that is not a plain word
    /// does not go into the fence, where it would break it.
    #[test]
    fn a_further_command_of_an_odd_type_is_fenced_as_text() {
        let placed = place(
            "action--4",
            vec![
                automated(1, "bash", "id"),
                automated(2, "ssh", "uptime"),
                automated(3, "my `tool`", "run it"),
            ],
        )
        .expect("placed");
        assert_eq!(placed.command, "id");
        assert_eq!(
            placed.instructions[1..],
            [
                "Command 2 (`ssh`):\n\n```sh\nuptime\n```",
                "Command 3 (`my `tool``):\n\n```text\nrun it\n```",
            ]
        );
    }

    #[test]
    fn an_http_command_is_carried_as_a_whole_request_without_its_credentials() {
        let step = json!({"commands": [{
            "type": "http-api",
            "command": "POST /api/v1/block HTTP/1.1",
            "headers": {
                "Content-Type": ["application/json"],
                "Authorization": ["Bearer abc123"],
                "X-Api-Key": ["k"],
                "Accept": ["application/json", "text/plain"],
            },
            "content": "{\"ip\": \"__ip__\"}",
        }]});
        let read = read("action--1", &step);
        let request = "POST /api/v1/block HTTP/1.1\n\
                       Content-Type: application/json\n\
                       Authorization: <credential: fill in by hand>\n\
                       X-Api-Key: <credential: fill in by hand>\n\
                       Accept: application/json\n\
                       Accept: text/plain\n\
                       \n\
                       {\"ip\": \"__ip__\"}";
        assert_eq!(read.automated, [automated(1, "http-api", request)]);
        assert_eq!(
            read.notes,
            [
                "warning: the value of header `Authorization` of command 1 (`http-api`) of action `action--1` dropped: it may hold a credential",
                "warning: the value of header `X-Api-Key` of command 1 (`http-api`) of action `action--1` dropped: it may hold a credential",
            ]
        );
        assert!(!format!("{read:?}").contains("abc123"), "no secret is kept");
    }

    #[test]
    fn an_openc2_body_in_base64_is_decoded_and_a_binary_one_named() {
        let openc2 = base64::engine::general_purpose::STANDARD
            .encode(r#"{"action": "deny", "target": {"ipv4_net": "1.2.3.4"}}"#);
        let binary = base64::engine::general_purpose::STANDARD.encode([0xff, 0xfe, 0x00]);
        let step = json!({"commands": [
            {"type": "openc2-http", "command": "POST /openc2 HTTP/1.1", "content_b64": openc2},
            {"type": "http-api", "command": "PUT /blob HTTP/1.1", "content_b64": binary},
        ]});
        let read = read("action--2", &step);
        assert_eq!(
            read.automated,
            [
                automated(
                    1,
                    "openc2-http",
                    "POST /openc2 HTTP/1.1\n\n{\"action\": \"deny\", \"target\": {\"ipv4_net\": \"1.2.3.4\"}}"
                ),
                automated(2, "http-api", "PUT /blob HTTP/1.1"),
            ]
        );
        assert_eq!(
            read.notes,
            [
                "not mapped: `content_b64` of command 2 (`http-api`) of action `action--2`: a binary body (3 bytes)"
            ]
        );
    }

    #[test]
    fn a_commands_description_references_and_other_fields_are_carried_or_named() {
        let step = json!({"commands": [
            {"type": "bash", "command": "iptables -A INPUT -s __ip__ -j DROP",
             "description": "Block the  address on the gateway", "version": "5.2",
             "playbook_activity": "deny-activity",
             "external_references": [{"name": "iptables(8)", "url": "https://man7.org/linux/man-pages/man8/iptables.8.html"}]},
            {"type": "manual", "command": "Call the service owner", "description": "By phone"},
        ]});
        let read = read("action--3", &step);
        assert_eq!(
            read.automated,
            [automated(1, "bash", "iptables -A INPUT -s __ip__ -j DROP")]
        );
        assert_eq!(read.manual, ["Call the service owner"]);
        assert_eq!(
            read.described,
            [
                "About the `bash` command: Block the  address on the gateway",
                "About the `manual` command: By phone",
            ]
        );
        assert_eq!(
            read.references,
            [
                json!({"title": "iptables(8)", "url": "https://man7.org/linux/man-pages/man8/iptables.8.html"})
            ]
        );
        assert_eq!(
            read.notes,
            [
                "not mapped: `version` of command 1 (`bash`) of action `action--3` (5.2)",
                "not mapped: `playbook_activity` of command 1 (`bash`) of action `action--3` (deny-activity)",
            ]
        );
    }
}
