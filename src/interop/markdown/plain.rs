//! Markdown text that becomes plain text (a title, a checklist item, a
//! reference's title or URL): what the source's author meant, not how
//! Markdown spells it.

/// `text` with Markdown's backslash escapes undone: a backslash before
/// ASCII punctuation stands for that character (`gsvsoc\_plan` is
/// `gsvsoc_plan`, `\[2\]` is `[2]`). Inside a code span a backslash is
/// itself, as Markdown reads it, so `` `C:\_tmp` `` stays as written.
/// Other markup (`**`, backticks) is kept.
pub fn unescape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            let (span, after) = code_span(rest);
            out.push_str(span);
            rest = after;
            continue;
        }
        let after = &rest[c.len_utf8()..];
        match after.chars().next() {
            Some(next) if c == '\\' && next.is_ascii_punctuation() => {
                out.push(next);
                rest = &after[next.len_utf8()..];
            }
            _ => {
                out.push(c);
                rest = after;
            }
        }
    }
    out
}

/// `text` starts with a run of backticks: the code span it opens (through
/// the closing run of the same length) and what follows, or, with no
/// closing run, the run alone (literal backticks, as Markdown reads them).
fn code_span(text: &str) -> (&str, &str) {
    let run = text.len() - text.trim_start_matches('`').len();
    let mut from = run;
    while let Some(found) = text[from..].find('`') {
        let start = from + found;
        let len = text[start..].len() - text[start..].trim_start_matches('`').len();
        if len == run {
            return text.split_at(start + len);
        }
        from = start + len;
    }
    text.split_at(run)
}

#[cfg(test)]
mod tests {
    use super::unescape;

    #[test]
    fn backslash_escapes_are_undone_outside_code_spans() {
        assert_eq!(
            unescape(r"https://github.com/guardsight/gsvsoc\_cybersecurity-incident-response-plan"),
            "https://github.com/guardsight/gsvsoc_cybersecurity-incident-response-plan"
        );
        assert_eq!(
            unescape(r"Use multi-factor authentication wherever possible. \[2\]"),
            "Use multi-factor authentication wherever possible. [2]"
        );
        assert_eq!(unescape(r"a \\ b \* c"), r"a \ b * c");
        // Not before punctuation: a backslash is itself.
        assert_eq!(unescape(r"C:\Windows\System32"), r"C:\Windows\System32");
        assert_eq!(unescape("ends with \\"), "ends with \\");
        // Code spans are kept whole, backslashes and all.
        assert_eq!(
            unescape(r"copy `C:\_tmp` to \_tmp"),
            r"copy `C:\_tmp` to _tmp"
        );
        assert_eq!(unescape(r"``a ` \_ b`` \_"), r"``a ` \_ b`` _");
        // An escaped backtick opens no code span; an unclosed run is literal.
        assert_eq!(unescape(r"\`not code\` \_"), r"`not code` _");
        assert_eq!(unescape(r"`open \_"), r"`open _");
        assert_eq!(unescape("Étape \\— un"), "Étape \\— un");
    }
}
