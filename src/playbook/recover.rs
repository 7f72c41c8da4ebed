//! Edits that let the typed YAML parse go on past a shape problem, so one
//! `validate` run reports every misspelt key instead of the first.
//!
//! The typed parse stops at its first error. Rather than a second, looser
//! model of the format (which could disagree with the real one), the
//! problem is neutralised in a copy of the text and the same parse runs
//! again: every problem reported is one the real parser found. Each edit
//! keeps every other character at its line and column, so later problems
//! are located in the author's file as written.

use std::ops::Range;

use crate::diag::{LineIndex, Pos};

/// How the text can be changed so the parse gets past a problem, or that
/// it cannot be without guessing what the author meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recovery {
    /// An unknown key: blank the whole `key: value` entry.
    DropEntry,
    /// A value that is not one of the allowed words: put an allowed one in
    /// its place. The word chosen is never reported, only parsed past.
    ReplaceWord(String),
    /// A missing key, a wrong type, a syntax error: stop here.
    Stop,
}

/// `source` with the problem at `at` neutralised, and the byte range the
/// edit wrote; `None` when the text there is not of a shape this can edit
/// safely (a flow mapping, an explicit key, a position past the text).
pub fn recovered(source: &str, at: Pos, recovery: &Recovery) -> Option<(String, Range<usize>)> {
    let start = LineIndex::new(source).offset(at)?;
    match recovery {
        Recovery::DropEntry => without_entry(source, start),
        Recovery::ReplaceWord(word) => with_word_replaced(source, start, word),
        Recovery::Stop => None,
    }
}

/// Blanks the block mapping entry whose key starts at byte `start`: the rest
/// of its line and every following line indented deeper than the key (its
/// value), with blank and comment lines between them. Line breaks stay.
fn without_entry(source: &str, start: usize) -> Option<(String, Range<usize>)> {
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let before_key = &source[line_start..start];
    if !key_follows(&source[start..]) {
        return None;
    }
    match before_key.trim_end().chars().last() {
        Some('{' | ',') => return without_flow_entry(source, start),
        // An explicit key (`? key`) may span lines: not edited.
        Some('?') => return None,
        _ => {}
    }
    let key_column = before_key.chars().count();
    let mut end = line_end(source, start);
    // `key:` alone on its line may be followed by a list at the key's own
    // indentation (`bad:` then `- a`), which YAML allows: it is the value.
    let value_below = source[start..end]
        .split_once(':')
        .is_some_and(|(_, rest)| rest.trim().is_empty() || rest.trim_start().starts_with('#'));
    let mut cursor = end;
    while cursor < source.len() {
        let next_start = cursor + 1;
        let next_end = line_end(source, next_start);
        let line = &source[next_start..next_end];
        let content = line.trim_start_matches(' ');
        if content.trim().is_empty() || content.starts_with('#') {
            cursor = next_end;
            continue;
        }
        let indent = line.len() - content.len();
        let list_item = content == "-" || content.starts_with("- ");
        if indent < key_column || (indent == key_column && !(value_below && list_item)) {
            break;
        }
        end = next_end;
        cursor = next_end;
    }
    Some((blanked(source, start, end), start..end))
}

/// Blanks the entry of a flow mapping (`{id: a, bad: 1}`) whose key starts
/// at byte `start`, with the comma that joins it to its neighbour, so the
/// mapping stays well formed.
fn without_flow_entry(source: &str, start: usize) -> Option<(String, Range<usize>)> {
    let end = flow_entry_end(source, start)?;
    let (from, to) = if source[end..].starts_with(',') {
        (start, end + 1)
    } else {
        // The last entry: the comma before it goes (a first and only
        // entry has none).
        let before = source[..start].trim_end();
        let from = before.strip_suffix(',').map_or(start, str::len);
        (from, end)
    };
    Some((blanked(source, from, to), from..to))
}

/// Where the flow mapping entry starting at byte `start` ends: at the
/// `,` or `}` that closes it, outside quotes and nested brackets.
fn flow_entry_end(source: &str, start: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in source[start..].char_indices() {
        match (quote, c) {
            (Some('"'), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(q), c) if c == q && !escaped => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '[' | '{') => depth += 1,
            (None, ']' | '}') if depth > 0 => depth -= 1,
            (None, ',' | '}') if depth == 0 => return Some(start + i),
            (None, ']') => return None,
            // Inside quotes, or any other character.
            _ => {}
        }
        escaped = false;
    }
    None
}

/// True when the text at a position reads as a plain or quoted key followed
/// by `:`, on its line.
fn key_follows(rest: &str) -> bool {
    let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
    match line.chars().next() {
        Some(quote @ ('"' | '\'')) => line[1..]
            .find(quote)
            .is_some_and(|close| line[1 + close + 1..].trim_start().starts_with(':')),
        Some(_) => line.contains(':'),
        None => false,
    }
}

/// Replaces the plain word at byte `start` with `word`, when that word is a
/// whole value (followed on its line by nothing, a comment, or the `,`,
/// `}` or `]` of a flow collection). A longer or
/// shorter word moves only what follows it on the same line.
fn with_word_replaced(source: &str, start: usize, word: &str) -> Option<(String, Range<usize>)> {
    let end = line_end(source, start);
    let line = &source[start..end];
    let token_len = line
        .find(|c: char| c.is_whitespace() || matches!(c, ',' | ']' | '}' | '#'))
        .unwrap_or(line.len());
    let after = line[token_len..].trim_start();
    let quoted = line.starts_with(['"', '\'']);
    let value_ends = after.is_empty() || after.starts_with(['#', ',', '}', ']']);
    if token_len == 0 || quoted || !value_ends {
        return None;
    }
    let mut edited = String::with_capacity(source.len() + word.len());
    edited.push_str(&source[..start]);
    edited.push_str(word);
    edited.push_str(&source[start + token_len..]);
    Some((edited, start..start + word.len()))
}

/// The byte offset of the end of the line holding `offset` (its `\n`, or
/// the end of the text).
fn line_end(source: &str, offset: usize) -> usize {
    source[offset..]
        .find('\n')
        .map_or(source.len(), |i| offset + i)
}

/// `source` with every character from `start` to `end` but line breaks
/// turned into spaces, so nothing after it moves.
fn blanked(source: &str, start: usize, end: usize) -> String {
    let mut edited = String::with_capacity(source.len());
    edited.push_str(&source[..start]);
    edited.extend(source[start..end].chars().map(|c| match c {
        '\n' | '\r' => c,
        _ => ' ',
    }));
    edited.push_str(&source[end..]);
    edited
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drop_at(source: &str, line: u32, col: u32) -> Option<String> {
        recovered(source, Pos::new(line, col), &Recovery::DropEntry).map(|(text, _)| text)
    }

    fn replace_at(source: &str, word: &str) -> Option<String> {
        let word = Recovery::ReplaceWord(word.into());
        recovered(source, Pos::new(1, 7), &word).map(|(text, _)| text)
    }

    /// Asserts that `edited` is `text` with each `(line, from)` in
    /// `blanked` blank from column `from` on, every other line unchanged,
    /// and the length unchanged.
    fn assert_blanked(text: &str, edited: &str, blanked: &[(usize, usize)]) {
        assert_eq!(edited.len(), text.len(), "{edited:?}");
        for (index, (before, after)) in text.lines().zip(edited.lines()).enumerate() {
            match blanked.iter().find(|(line, _)| *line == index + 1) {
                Some(&(_, from)) => {
                    assert_eq!(after[..from - 1], before[..from - 1], "line {}", index + 1);
                    assert!(
                        after[from - 1..].trim().is_empty(),
                        "line {}: {after:?}",
                        index + 1
                    );
                }
                None => assert_eq!(after, before, "line {}", index + 1),
            }
        }
    }

    #[test]
    fn an_entry_and_its_nested_value_are_blanked_and_nothing_else_moves() {
        let text = "a:\n  bad:\n    x: 1\n\n    # note\n    y: 2\n  good: 3\n";
        let edited = drop_at(text, 2, 3).expect("a block entry");
        assert_blanked(text, &edited, &[(2, 3), (3, 1), (5, 1), (6, 1)]);
    }

    #[test]
    fn the_first_key_of_a_list_item_leaves_the_item_and_its_other_keys() {
        let text = "steps:\n  - idd: t\n    title: T\n";
        let edited = drop_at(text, 2, 5).expect("a block entry");
        assert_blanked(text, &edited, &[(2, 5)]);
        assert!(edited.contains("\n  -"));
    }

    /// YAML lets a list under `key:` sit at the key's own indentation;
    /// blanking only `bad:` left `- a` behind as a problem nobody wrote.
    #[test]
    fn a_list_at_the_keys_own_indentation_goes_with_it() {
        let text = "s:\n  bad:\n  - a\n  -   b\n    c: 1\n  title: S\n";
        let edited = drop_at(text, 2, 3).expect("a block entry");
        assert_blanked(text, &edited, &[(2, 3), (3, 1), (4, 1), (5, 1)]);
        // A list at the key's column after a value on the key's line is
        // the next entry's business, not this one's.
        let text = "- a: 1\n- b: 2\n";
        let edited = drop_at(text, 1, 3).expect("a block entry");
        assert_blanked(text, &edited, &[(1, 3)]);
    }

    #[test]
    fn a_block_scalar_value_goes_with_its_key() {
        let text = "s:\n  instrctions: |\n    do it\n\n    now\n  title: S\n";
        let edited = drop_at(text, 2, 3).expect("a block entry");
        assert_blanked(text, &edited, &[(2, 3), (3, 1), (5, 1)]);
    }

    #[test]
    fn an_entry_of_a_flow_mapping_goes_with_the_comma_that_joins_it() {
        let spaces = |n: usize| " ".repeat(n);
        assert_eq!(
            drop_at("a: {b: 1, bad: 2}\n", 1, 11),
            Some(format!("a: {{b: 1{}}}\n", spaces(", bad: 2".len())))
        );
        assert_eq!(
            drop_at("a: {bad: [1, {c: 2}], b: 1}\n", 1, 5),
            Some(format!(
                "a: {{{} b: 1}}\n",
                spaces("bad: [1, {c: 2}],".len())
            ))
        );
        assert_eq!(
            drop_at("a: {bad: 'x, y'}\n", 1, 5),
            Some(format!("a: {{{}}}\n", spaces("bad: 'x, y'".len())))
        );
    }

    #[test]
    fn non_keys_and_positions_past_the_text_are_left_alone() {
        assert_eq!(drop_at("- just text\n", 1, 3), None);
        assert_eq!(drop_at("a: 1\n", 9, 1), None);
        assert_eq!(drop_at("a: [b, {bad: 1]\n", 1, 9), None);
    }

    #[test]
    fn a_wrong_word_is_replaced_only_when_it_is_the_whole_value() {
        assert_eq!(
            replace_at("kind: emial  # x\n", "email").as_deref(),
            Some("kind: email  # x\n")
        );
        assert_eq!(replace_at("kind: emial: x\n", "email"), None);
        assert_eq!(replace_at("kind: \"emial\"\n", "email"), None);
        assert_eq!(
            replace_at("kind: emial}, x: 1\n", "email").as_deref(),
            Some("kind: email}, x: 1\n")
        );
        assert_eq!(replace_at("kind: emial: x\n", "email"), None);
    }
}
