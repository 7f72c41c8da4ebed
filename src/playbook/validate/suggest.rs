//! "Did you mean": the closest known name to a misspelt one.

use super::{MAX_ID_CHARS, quoted};
use crate::diag::Diagnostic;

/// Adds "did you mean" (close spelling) or the list of known names.
pub(crate) fn with_suggestion<'a>(
    d: Diagnostic,
    name: &str,
    known: impl Iterator<Item = &'a str>,
) -> Diagnostic {
    let mut known: Vec<&str> = known.collect();
    known.sort_unstable();
    // Edit distance costs the product of the lengths: only names of id
    // length are compared, and only when their lengths are close enough.
    let len = name.chars().count();
    let close_enough = |k: &str| {
        let k_len = k.chars().count();
        len <= MAX_ID_CHARS && k_len <= MAX_ID_CHARS && len.abs_diff(k_len) <= 2.max(k_len / 4)
    };
    if let Some(close) = known
        .iter()
        .filter(|k| close_enough(k))
        .map(|k| (edit_distance(name, k), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
    {
        return d.help(format!("did you mean `{}`?", close.1));
    }
    if known.is_empty() {
        return d.help("none are defined");
    }
    let shown: Vec<_> = known
        .iter()
        .take(10)
        .map(|k| format!("`{}`", quoted(k)))
        .collect();
    let more = if known.len() > 10 { ", …" } else { "" };
    d.help(format!("known: {}{more}", shown.join(", ")))
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}
