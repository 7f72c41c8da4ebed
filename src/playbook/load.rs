//! YAML text to documents. This is the only file that names the YAML crate,
//! so swapping parsers touches nothing else.
//!
//! Inputs are refused before parsing when they are too big, contain a NUL
//! byte or are not UTF-8, and parsing runs under tight budgets so alias bombs
//! and pathological nesting fail fast instead of being expanded.

use std::fmt::Write as _;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use crate::diag::{Diagnostic, Located, Pos, pos_of_offset};
use crate::playbook::recover::{Recovery, enclosing_flow_mapping, recovered, same_mapping};
use crate::playbook::validate::with_suggestion;

/// Largest file accepted (a big real playbook is under 200 KiB).
pub const MAX_BYTES: usize = 4 * 1024 * 1024;
const MAX_DEPTH: usize = 64;
const MAX_NODES: usize = 200_000;
const MAX_ALIASES: usize = 1_000;

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Located<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = serde_saphyr::Spanned::<T>::deserialize(deserializer)?;
        let at = &spanned.referenced;
        Ok(Self::new(spanned.value, to_pos(at.line(), at.column())))
    }
}

fn to_pos(line: u64, column: u64) -> Pos {
    Pos::new(
        u32::try_from(line).unwrap_or(u32::MAX),
        u32::try_from(column).unwrap_or(u32::MAX),
    )
}

/// Which kind of file a text is, judged from its top-level keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    Playbook,
    ClockPack,
    Drill,
    /// A local `contacts.yaml`.
    Contacts,
}

impl DocumentKind {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Playbook => "playbook",
            Self::ClockPack => "clock pack",
            Self::Drill => "drill scenario",
            Self::Contacts => "contacts file",
        }
    }
}

/// Looks at unindented keys only: cheap, and enough to choose the type to
/// parse into (a wrong guess still ends in a clear "unknown field" error).
pub fn detect_kind(source: &str) -> DocumentKind {
    let mut has_clocks = false;
    let mut has_contacts = false;
    for line in source.lines() {
        if line.starts_with("drill:") {
            return DocumentKind::Drill;
        }
        if line.starts_with("phases:") || line.starts_with("id:") {
            return DocumentKind::Playbook;
        }
        has_clocks |= line.starts_with("clocks:");
        has_contacts |= line.starts_with("contacts:");
    }
    if has_clocks {
        DocumentKind::ClockPack
    } else if has_contacts {
        DocumentKind::Contacts
    } else {
        DocumentKind::Playbook
    }
}

/// Whether a text is a `runsheet test` case file (`playbook:` and
/// `cases:` at the top, the layout of `tests/playbooks/<id>/*.yaml`):
/// [`detect_kind`] reads it as a playbook, which it is not.
pub fn is_test_cases(source: &str) -> bool {
    let top = |key: &str| source.lines().any(|l| l.starts_with(key));
    detect_kind(source) == DocumentKind::Playbook
        && top("cases:")
        && top("playbook:")
        && !top("id:")
        && !top("phases:")
}

/// What a file plainly is by its own text, when that is not what a
/// command expected: people pass a journal, a CACAO JSON file, a drill or
/// a clock pack where a playbook belongs, and "unknown key `v`" tells
/// them nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Evident {
    Journal,
    Json,
    Yaml(DocumentKind),
}

/// [`Evident`] from positive signs only: a first line that is a journal
/// entry, JSON, or an unindented key only one kind of YAML file has.
fn evident_kind(text: &str) -> Option<Evident> {
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with("{\"v\":") {
        return Some(Evident::Journal);
    }
    if start.starts_with('{') || start.starts_with('[') {
        return Some(Evident::Json);
    }
    let has = |key: &str| text.lines().any(|l| l.starts_with(key));
    let kind = if has("drill:") {
        DocumentKind::Drill
    } else if has("phases:") {
        DocumentKind::Playbook
    } else if has("clocks:") {
        DocumentKind::ClockPack
    } else if has("contacts:") {
        DocumentKind::Contacts
    } else {
        return None;
    };
    Some(Evident::Yaml(kind))
}

/// `diagnostic`, from a file expected to be an `expected` that did not
/// parse as one, with its help replaced by what the file is instead and
/// the command that takes it ("did you mean `id`?" misleads there).
/// Unchanged when the file says nothing else.
pub fn with_kind_hint(diagnostic: Diagnostic, text: &str, expected: DocumentKind) -> Diagnostic {
    let wanted = expected.label();
    let help = match evident_kind(text) {
        Some(Evident::Journal) => format!(
            "this file is a runsheet journal, not a {wanted}: read it with `runsheet status FILE` or `runsheet review FILE`, reopen it with `runsheet resume FILE`"
        ),
        Some(Evident::Json) => format!(
            "this file is JSON, not a YAML {wanted}: a CACAO 2.0 playbook converts with `runsheet import FILE -o PLAYBOOK.yaml`"
        ),
        Some(Evident::Yaml(kind)) if kind == expected => return diagnostic,
        Some(Evident::Yaml(DocumentKind::Drill)) => format!(
            "this file is a drill scenario, not a {wanted}: run it with `runsheet drill FILE`, check it with `runsheet validate FILE`"
        ),
        Some(Evident::Yaml(DocumentKind::Playbook)) => format!(
            "this file is a playbook, not a {wanted}: start it with `runsheet run FILE`, check it with `runsheet validate FILE`"
        ),
        Some(Evident::Yaml(DocumentKind::ClockPack)) => format!(
            "this file is a clock pack, not a {wanted}: a playbook uses its clocks by id, and `runsheet validate FILE` checks it"
        ),
        Some(Evident::Yaml(DocumentKind::Contacts)) => format!(
            "this file is a contacts file (contacts.yaml in the configuration folder), not a {wanted}"
        ),
        None => return diagnostic,
    };
    diagnostic.help(help)
}

/// Checks raw bytes before any parsing: size, NUL bytes, UTF-8.
pub fn preflight(bytes: &[u8]) -> Result<&str, Diagnostic> {
    if bytes.len() > MAX_BYTES {
        // Callers may read only `MAX_BYTES + 1` bytes, so the real size is unknown here.
        return Err(Diagnostic::error(format!(
            "file is larger than {} MiB, the limit for playbooks; refusing to parse it",
            MAX_BYTES / (1024 * 1024)
        )));
    }
    if let Some(offset) = bytes.iter().position(|b| *b == 0) {
        let before = String::from_utf8_lossy(&bytes[..offset]);
        return Err(
            Diagnostic::error("file contains a NUL byte; playbooks are plain UTF-8 text")
                .at(pos_of_offset(&before, before.len())),
        );
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let valid = &bytes[..e.valid_up_to()];
        let valid = std::str::from_utf8(valid).unwrap_or_default();
        Diagnostic::error("file is not valid UTF-8; save it as UTF-8")
            .at(pos_of_offset(valid, valid.len()))
    })
}

/// Most shape problems reported from one file: enough for any real
/// playbook, few enough that a generated file cannot make `validate` parse
/// it thousands of times.
const MAX_SHAPE_PROBLEMS: usize = 100;

/// Most text parsed in all while collecting shape problems: a hundred
/// passes over a real playbook, a few over a file at [`MAX_BYTES`].
const MAX_REPARSED_BYTES: usize = 16 * MAX_BYTES;

/// [`parse`], and when the text does not fit `T`, every shape problem the
/// parser finds in one run rather than the first: an unknown key is parsed
/// past by blanking its entry, a wrong word by putting an allowed one in
/// its place, a missing key or a wrong type by blanking the list item that
/// holds it (see [`crate::playbook::recover`]). Stops at a problem no edit
/// gets past without guessing (broken YAML, a duplicate key, a missing key
/// at the top of the file or in an only item).
pub fn parse_reporting_all<T: DeserializeOwned>(source: &str) -> Result<T, Vec<Diagnostic>> {
    let mut problems = Vec::new();
    let mut text = std::borrow::Cow::Borrowed(source);
    // What the edits wrote, up to the line end they leave: a problem found
    // there is the edit's (an item left empty by a blanked key), not the
    // author's.
    let mut edited_spans: Vec<std::ops::Range<usize>> = Vec::new();
    let mut parsed_bytes = 0;
    // Each unknown key blanked, and the keys it may have meant.
    let mut misspelt: Vec<(usize, Vec<String>)> = Vec::new();
    loop {
        let (diagnostic, recovery) = match parse_once::<T>(&text) {
            Ok(parsed) if problems.is_empty() => return Ok(parsed),
            Ok(_) => return Err(problems),
            Err(failed) => failed,
        };
        if problems.is_empty()
            && recovery != Recovery::Stop
            && let Some(broken) = broken_yaml(source)
        {
            return Err(vec![broken]);
        }
        let keys = KeysAt::of(&recovery);
        let Some(at) = diagnostic.pos else {
            problems.push(diagnostic);
            return Err(problems);
        };
        let offset = crate::diag::byte_offset(&text, at);
        if offset.is_some_and(|o| {
            edited_spans
                .iter()
                .any(|span| (span.start..=span.end).contains(&o))
        }) {
            return Err(problems);
        }
        let explained = match (&keys, offset) {
            (KeysAt::Missing(key), Some(at)) => misspelt.iter().any(|(entry, meant)| {
                meant.iter().any(|m| m == key) && same_mapping(&text, *entry, at)
            }),
            _ => false,
        };
        // A key missing from a mapping where an unknown key that may have
        // meant it was blanked (`idd` for `id`) was reported as that key.
        if !explained {
            problems.push(diagnostic);
        }
        if let (KeysAt::Unknown(meant), Some(at)) = (keys, offset) {
            misspelt.push((at, meant));
        }
        parsed_bytes += text.len();
        let within_budget =
            problems.len() < MAX_SHAPE_PROBLEMS && parsed_bytes < MAX_REPARSED_BYTES;
        match recovered(&text, at, &recovery) {
            Some((edited, spans)) if within_budget => {
                edited_spans.extend(spans);
                text = edited.into();
            }
            _ => return Err(problems),
        }
    }
}

/// The syntax error of a text that is not well-formed YAML at all. The
/// typed parse reads as it goes, so a key indented short ends its
/// mapping early and is first reported as "missing" from it: with the
/// YAML broken, that problem is the syntax error's, and only it is real.
/// A budget tripped while reading every alias is not a syntax error: the
/// typed parse refuses such a file sooner, and says why.
fn broken_yaml(source: &str) -> Option<Diagnostic> {
    parse_once::<serde::de::IgnoredAny>(source)
        .err()
        .map(|(diagnostic, _)| diagnostic)
        .filter(|d| !d.message.starts_with("refused"))
}

/// [`parse_reporting_all`] for a file meant to be a `kind`. A file that is
/// plainly of another kind (a journal, CACAO JSON, a drill given as a
/// playbook) gets one problem saying so, not a list of every key that
/// does not fit.
pub fn parse_document<T: DeserializeOwned>(
    source: &str,
    kind: DocumentKind,
) -> Result<T, Vec<Diagnostic>> {
    parse_reporting_all(source).map_err(|mut problems| {
        let first = problems.remove(0);
        let help = first.help.clone();
        let first = with_kind_hint(first, source, kind);
        if first.help == help {
            problems.insert(0, first);
            problems
        } else {
            vec![first]
        }
    })
}

/// Parses one YAML document into `T` with strict booleans, duplicate keys
/// rejected and input budgets applied.
pub fn parse<T: DeserializeOwned>(source: &str) -> Result<T, Diagnostic> {
    parse_once(source).map_err(|(diagnostic, _)| diagnostic)
}

/// [`parse`], with how the text could be edited to parse past its problem.
fn parse_once<T: DeserializeOwned>(source: &str) -> Result<T, (Diagnostic, Recovery)> {
    if source.len() > MAX_BYTES {
        let refused = preflight(source.as_bytes())
            .err()
            .unwrap_or_else(|| Diagnostic::error("file is larger than the limit for playbooks"));
        return Err((refused, Recovery::Stop));
    }
    let budget = serde_saphyr::budget! {
        max_depth: MAX_DEPTH,
        flow_nesting_limit: MAX_DEPTH,
        max_nodes: MAX_NODES,
        max_aliases: MAX_ALIASES,
        max_anchors: MAX_ALIASES,
        max_documents: 1,
        max_reader_input_bytes: Some(MAX_BYTES),
        max_total_scalar_bytes: MAX_BYTES,
    };
    // Tags change what a reader of the file sees (`!!binary` decodes
    // base64) or name types runsheet has not: refused, never applied.
    if let Some(at) = binary_tag(source) {
        let refused = Diagnostic::error(
            "YAML tag `!!binary` is not allowed: write the text itself, so readers of the file see what runsheet shows",
        )
        .at(at)
        .underline("!!binary".len());
        return Err((refused, Recovery::Stop));
    }
    let options = serde_saphyr::options! {
        strict_booleans: true,
        reject_unsupported_tags: true,
        ignore_binary_tag_for_string: true,
        budget: budget,
    };
    serde_saphyr::from_str_with_options::<T>(source, options)
        .map_err(|e| (to_diagnostic(&e, source), recovery(&e)))
}

/// The key a shape problem is about, to tell a missing key that an
/// unknown one explains from one the author left out.
enum KeysAt {
    /// An unknown key, blanked: the known keys it may have meant.
    Unknown(Vec<String>),
    /// A missing key.
    Missing(String),
    Other,
}

impl KeysAt {
    fn of(recovery: &Recovery) -> Self {
        match recovery {
            Recovery::DropEntry { meant } => Self::Unknown(meant.clone()),
            Recovery::DropItem { missing: Some(key) } => Self::Missing(key.clone()),
            _ => Self::Other,
        }
    }
}

/// How to parse past an error: only problems whose fix cannot change what
/// the rest of the file means are passed (see [`Recovery`]).
fn recovery(error: &serde_saphyr::Error) -> Recovery {
    match error.without_snippet() {
        serde_saphyr::Error::SerdeUnknownField {
            field, expected, ..
        } => Recovery::DropEntry {
            meant: crate::suggest::similar(field, expected.iter().copied())
                .into_iter()
                .map(str::to_string)
                .collect(),
        },
        serde_saphyr::Error::SerdeMissingField { field, .. } => Recovery::DropItem {
            missing: Some((*field).to_string()),
        },
        serde_saphyr::Error::SerdeInvalidType { .. }
        | serde_saphyr::Error::SerdeInvalidValue { .. }
        | serde_saphyr::Error::SerdeInvalidLength { .. }
        | serde_saphyr::Error::Unexpected { .. }
        | serde_saphyr::Error::InvalidBooleanStrict { .. }
        | serde_saphyr::Error::InvalidScalar { .. }
        | serde_saphyr::Error::NullIntoString { .. } => Recovery::DropItem { missing: None },
        serde_saphyr::Error::SerdeUnknownVariant { expected, .. } => {
            expected.first().map_or(Recovery::Stop, |word| {
                Recovery::ReplaceWord((*word).to_string())
            })
        }
        _ => Recovery::Stop,
    }
}

/// Where a `!!binary` tag starts a node (outside quotes and comments).
fn binary_tag(source: &str) -> Option<Pos> {
    const TAG: &str = "!!binary";
    for (index, line) in source.lines().enumerate() {
        let mut quote: Option<char> = None;
        let mut previous = ' ';
        for (i, c) in line.char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (None, '"' | '\'') if " :-[{,".contains(previous) => quote = Some(c),
                (None, '#') if previous == ' ' || i == 0 => break,
                (None, '!')
                    if " :-[{,?".contains(previous)
                        && line[i..].starts_with(TAG)
                        && line[i + TAG.len()..]
                            .chars()
                            .next()
                            .is_none_or(|n| n == ' ' || n == ',' || n == ']' || n == '}') =>
                {
                    let col = line[..i].chars().count() + 1;
                    return Some(Pos::new(
                        u32::try_from(index + 1).ok()?,
                        u32::try_from(col).ok()?,
                    ));
                }
                _ => {}
            }
            previous = c;
        }
    }
    None
}

fn to_diagnostic(error: &serde_saphyr::Error, source: &str) -> Diagnostic {
    let at = error
        .location()
        .map_or(Pos::default(), |at| to_pos(at.line(), at.column()));
    let raw = error.without_snippet().to_string();
    if raw.contains("found a tab") || raw.contains("tabs disallowed") {
        // The scanner reports a tab where it noticed it, often the end of
        // the line before; the author needs the tab itself.
        let at = tab_indentation(source, at.line).unwrap_or(at);
        return Diagnostic::error("tab used for indentation: indent YAML with spaces").at(at);
    }
    let diagnostic = match error.without_snippet() {
        serde_saphyr::Error::SerdeUnknownField {
            field, expected, ..
        } => not_one_of(format!("unknown key `{field}`"), field, expected),
        serde_saphyr::Error::SerdeUnknownVariant {
            variant, expected, ..
        } => not_one_of(
            format!("`{variant}` is not a valid value here"),
            variant,
            expected,
        ),
        serde_saphyr::Error::SerdeMissingField { .. } => {
            let message = humanize(first_sentence(&error.without_snippet().to_string()));
            return Diagnostic::error(message).at(missing_key_at(source, at));
        }
        other => {
            let raw = other.to_string();
            let (raw, defined) = alias_origin(&raw);
            let mut message = humanize(first_sentence(raw));
            // A limit tripped while an alias is replayed: say so, or the
            // author looks for a huge file that is not there.
            let replaying = char_at(source, at) == Some('*');
            if replaying && message.starts_with("refused") && !message.contains("alias") {
                message.push_str(" once aliases are expanded (a guard against alias bombs)");
            } else if let Some(defined) = defined {
                let _ = write!(
                    message,
                    " (the alias here repeats the node defined at {defined})"
                );
            }
            Diagnostic::error(message)
        }
    };
    diagnostic.at(at)
}

/// Where a missing key is reported: in a flow mapping, at its `{` (the
/// parser names whichever key it read last, which is not the one
/// missing); in block style, where the parser says.
fn missing_key_at(source: &str, at: Pos) -> Pos {
    crate::diag::byte_offset(source, at)
        .and_then(|offset| enclosing_flow_mapping(&source[..offset]))
        .map_or(at, |brace| pos_of_offset(source, brace))
}

/// Where the first tab in a line's indentation is, on line `from` or
/// after it (1-based line and column).
fn tab_indentation(source: &str, from: u32) -> Option<Pos> {
    let skip = usize::try_from(from.saturating_sub(1)).ok()?;
    source
        .lines()
        .enumerate()
        .skip(skip)
        .find_map(|(index, line)| {
            let indent = &line[..line.len() - line.trim_start_matches([' ', '\t']).len()];
            let col = indent.find('\t')?;
            Some(Pos::new(
                u32::try_from(index + 1).ok()?,
                u32::try_from(col + 1).ok()?,
            ))
        })
}

/// A name that is not one of the allowed ones: underline it and suggest the
/// closest, or list them all in their documented order.
fn not_one_of(message: String, name: &str, allowed: &[&str]) -> Diagnostic {
    let d = Diagnostic::error(message).underline(name.chars().count());
    let suggested = with_suggestion(d.clone(), name, allowed.iter().copied());
    if suggested
        .help
        .as_deref()
        .is_some_and(|h| h.starts_with("did you mean"))
    {
        suggested
    } else {
        d.help(format!("expected one of: {}", allowed.join(", ")))
    }
}

/// The character at a position, if the position is in the text.
fn char_at(source: &str, at: Pos) -> Option<char> {
    crate::diag::byte_offset(source, at).and_then(|i| source[i..].chars().next())
}

/// Rewrites the parser's terse messages as sentences a playbook author can
/// act on; others pass through unchanged.
fn humanize(message: String) -> String {
    if let Some(key) = message.strip_prefix("duplicate mapping key: ") {
        let key = key.split(", set ").next().unwrap_or(key);
        return format!("duplicate key `{key}`: a key may appear only once in a mapping");
    }
    if message.starts_with("invalid boolean") {
        return "not a boolean: write `true` or `false` (yes/no/on/off are not booleans in runsheet)".into();
    }
    if let Some(field) = message.strip_prefix("missing field ") {
        return format!("missing required key {field}");
    }
    match message.as_str() {
        "expected sequence start" => {
            return "expected a list here: `[a, b]`, or one `- item` per line".into();
        }
        "expected mapping start" => return "expected a mapping here (`key: value`)".into(),
        "expected string scalar" => return "expected text here, not a list or a mapping".into(),
        "expected scalar" => return "expected a single value here, not a list or a mapping".into(),
        "invalid u32" => {
            return "expected a whole number from 0 to 4294967295 here (such as `runsheet: 1`)"
                .into();
        }
        "recursive references require weak recursion types" => {
            return "an alias refers to the node that contains it (a recursive alias); an alias may only repeat a finished node".into();
        }
        _ => {}
    }
    if let Some(tag) = message.strip_prefix("unsupported tag ") {
        return format!(
            "YAML tag {tag} is not allowed: runsheet reads plain values, and a tag would change or hide what the file says"
        );
    }
    if message.starts_with("recursion limit exceeded") {
        return format!("refused: nesting deeper than {MAX_DEPTH} levels");
    }
    let Some(breach) = message.strip_prefix("budget breached: ") else {
        return message;
    };
    let what = breach.split([' ', '{', '(']).next().unwrap_or(breach);
    match what {
        "Depth" => format!("refused: nesting deeper than {MAX_DEPTH} levels"),
        "Nodes" | "Events" => format!("refused: more than {MAX_NODES} YAML nodes"),
        "Aliases"
        | "Anchors"
        | "AliasAnchorRatio"
        | "RecordedAnchorEvents"
        | "RecordedAnchorBytes" => {
            format!(
                "refused: more than {MAX_ALIASES} YAML aliases or anchors (a guard against alias bombs)"
            )
        }
        "Documents" => "a file holds one YAML document; remove the extra `---`".into(),
        "ScalarBytes" | "InputBytes" | "CommentBytes" => {
            format!("refused: more than {MAX_BYTES} bytes of text")
        }
        _ => format!("refused: the file exceeds a parsing limit ({what})"),
    }
}

/// The parser's message split from the `(defined at line L, column C)`
/// it adds when the value came through an alias: the diagnostic points at
/// the alias, and the author needs the anchored node's place too.
fn alias_origin(raw: &str) -> (&str, Option<&str>) {
    let Some(start) = raw.find(" (defined at ") else {
        return (raw, None);
    };
    let rest = &raw[start + " (defined at ".len()..];
    let defined = rest.split(')').next().filter(|d| d.starts_with("line "));
    (&raw[..start], defined)
}

/// The parser's message without its own location suffix and snippet: the
/// renderer adds both in the shared format.
fn first_sentence(raw: &str) -> String {
    let first = raw.lines().next().unwrap_or(raw).trim();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    let cut = first
        .find(" at line ")
        .map_or(first, |i| &first[..i])
        .trim_end_matches(['.', ','])
        .trim();
    let mut message = cut.to_string();
    if let Some(c) = message.get(..1) {
        let lower = c.to_lowercase();
        message.replace_range(..1, &lower);
    }
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    fn help(text: &str, expected: DocumentKind) -> Option<String> {
        with_kind_hint(
            Diagnostic::error("unknown key").help("did you mean `id`?"),
            text,
            expected,
        )
        .help
    }

    /// The defect: a wrong value reached through an alias gave a message
    /// cut mid-sentence, "expected string scalar (defined".
    #[test]
    fn a_wrong_value_through_an_alias_names_where_the_node_was_defined() {
        let text = "runsheet: 1\nid: x\ntitle: t\nversion: '1'\nsummary: s\ntags: &a0 [x, y]\nphases:\n  - id: p\n    title: P\n    steps:\n      - id: s\n        title: S\n        checklist: [*a0]\n";
        let error = parse::<crate::playbook::doc::PlaybookDoc>(text)
            .expect_err("a list where text belongs");
        assert_eq!(
            error.message,
            "expected text here, not a list or a mapping (the alias here repeats the node defined at line 6, column 11)"
        );
        assert_eq!(error.pos.map(|p| p.line), Some(13));
    }

    /// The defect: a tab indenting line 16 was reported at the end of
    /// line 15 as "while scanning a plain scalar, found a tab".
    #[test]
    fn a_tab_in_the_indentation_is_named_where_it_is() {
        let text = "runsheet: 1\nid: x\ntitle: t\nversion: '1'\nsummary: s\nphases:\n  - id: p\n    title: P\n    steps:\n      - id: s\n        title: S\n\trole: ic\n";
        let error = parse::<crate::playbook::doc::PlaybookDoc>(text).expect_err("a tab");
        assert_eq!(
            error.message,
            "tab used for indentation: indent YAML with spaces"
        );
        assert_eq!(error.pos, Some(Pos::new(12, 1)));
    }

    /// A generated file with thousands of unknown keys is reported up to
    /// the limit, never parsed once per key.
    #[test]
    fn shape_problems_stop_at_the_limit() {
        let mut text = String::from("runsheet: 1\nid: x\ntitle: t\nversion: '1'\nsummary: s\n");
        for i in 0..5_000 {
            let _ = writeln!(text, "extra_{i}: 1");
        }
        let problems = parse_reporting_all::<crate::playbook::doc::PlaybookDoc>(&text)
            .expect_err("unknown keys");
        assert_eq!(problems.len(), MAX_SHAPE_PROBLEMS);
        assert_eq!(problems[99].message, "unknown key `extra_99`");
        assert_eq!(problems[99].pos, Some(Pos::new(105, 1)));
    }

    /// A journal given as a playbook is one problem saying what it is, not
    /// one per key that does not fit.
    #[test]
    fn a_file_of_another_kind_is_one_problem() {
        let journal = "{\"v\":1,\"seq\":0}\n";
        let problems =
            parse_document::<crate::playbook::doc::PlaybookDoc>(journal, DocumentKind::Playbook)
                .expect_err("not a playbook");
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0]
                .help
                .as_deref()
                .is_some_and(|h| h.contains("runsheet journal"))
        );
    }

    #[test]
    fn a_file_of_another_kind_is_named_and_a_broken_one_of_the_right_kind_is_not() {
        let journal = "{\"v\":1,\"seq\":0}\n";
        assert!(
            help(journal, DocumentKind::Playbook).is_some_and(|h| h.contains("runsheet journal"))
        );
        let cacao = "\n  {\"type\": \"playbook\"}";
        assert!(help(cacao, DocumentKind::Playbook).is_some_and(|h| h.contains("runsheet import")));
        let pack = "runsheet: 1\nclocks:\n  - id: x\n";
        assert!(help(pack, DocumentKind::Playbook).is_some_and(|h| h.contains("clock pack")));
        let playbook = "id: x\nphases:\n  - idd: y\n";
        assert!(help(playbook, DocumentKind::Drill).is_some_and(|h| h.contains("is a playbook")));
        // A broken playbook, or a file that says nothing: the loader's help stays.
        for text in [playbook, "title: x\n"] {
            assert_eq!(
                help(text, DocumentKind::Playbook).as_deref(),
                Some("did you mean `id`?")
            );
        }
    }
}
