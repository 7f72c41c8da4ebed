//! "Did you mean": the names closest to one a person mistyped (a playbook
//! id, a subcommand), so a typo under stress costs one more try, not a
//! search through `--help` or `runsheet list`.

use std::fmt::Write as _;

/// How many suggestions at most: more would be a list, not a hint.
const AT_MOST: usize = 3;

/// The names in `names` close to `typed`, closest first: within one typo
/// (a letter wrong, missing, extra, or two swapped) per four letters, or
/// containing `typed` as one of its `-`-separated words or as its start.
pub fn similar<'a>(typed: &str, names: impl IntoIterator<Item = &'a str>) -> Vec<&'a str> {
    let typed_lower = typed.trim().to_lowercase();
    if typed_lower.is_empty() {
        return Vec::new();
    }
    let allowed = (typed_lower.chars().count() / 4).max(1);
    let mut found: Vec<(usize, &str)> = names
        .into_iter()
        .filter_map(|name| {
            let lower = name.to_lowercase();
            let distance = typos(&typed_lower, &lower);
            let part = typed_lower.chars().count() >= 3
                && (lower.starts_with(&typed_lower)
                    || lower.split('-').any(|word| word == typed_lower));
            (distance <= allowed || part).then_some((distance, name))
        })
        .collect();
    found.sort_unstable();
    found.dedup_by(|a, b| a.1 == b.1);
    found.into_iter().take(AT_MOST).map(|(_, n)| n).collect()
}

/// `; did you mean `a` or `b`?` for an error message, or nothing.
pub fn did_you_mean(suggestions: &[&str]) -> String {
    let Some((last, rest)) = suggestions.split_last() else {
        return String::new();
    };
    let mut text = String::from("; did you mean ");
    for s in rest {
        let _ = write!(text, "`{s}`, ");
    }
    if !rest.is_empty() {
        text.truncate(text.len() - 2);
        text.push_str(" or ");
    }
    let _ = write!(text, "`{last}`?");
    text
}

/// Typos between `a` and `b`: letters changed, added, dropped, or two
/// neighbours swapped (the optimal string alignment distance).
fn typos(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // rows[i][j]: typos between a[..i] and b[..j].
    let mut rows = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in rows.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in rows[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let changed = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (rows[i - 1][j] + 1)
                .min(rows[i][j - 1] + 1)
                .min(rows[i - 1][j - 1] + changed);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[i - 2][j - 2] + 1);
            }
            rows[i][j] = best;
        }
    }
    rows[a.len()][b.len()]
}

/// Adds clap's "a similar subcommand exists" tip where clap found none
/// (clap misses swapped letters, as in `rnu` for `run`), for the command
/// level the mistyped word was given at.
pub fn subcommand_tip(
    mut err: clap::Error,
    root: &clap::Command,
    args: &[std::ffi::OsString],
) -> clap::Error {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if err.kind() != ErrorKind::InvalidSubcommand
        || err.get(ContextKind::SuggestedSubcommand).is_some()
    {
        return err;
    }
    let Some(ContextValue::String(typed)) = err.get(ContextKind::InvalidSubcommand).cloned() else {
        return err;
    };
    let mut level = root;
    for arg in args.iter().skip(1).take_while(|a| **a != *typed) {
        if let Some(sub) = arg.to_str().and_then(|a| level.find_subcommand(a)) {
            level = sub;
        }
    }
    let names = level.get_subcommands().map(clap::Command::get_name);
    let found: Vec<String> = similar(&typed, names)
        .into_iter()
        .map(str::to_string)
        .collect();
    if !found.is_empty() {
        err.insert(
            ContextKind::SuggestedSubcommand,
            ContextValue::Strings(found),
        );
    }
    err
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAYBOOKS: [&str; 4] = [
        "state-actor-intrusion",
        "ransomware-extortion",
        "personal-data-breach",
        "phishing",
    ];

    #[test]
    fn d21_a_typo_or_a_word_of_the_id_suggests_the_playbook() {
        assert_eq!(
            similar("state-actor-intrustion", PLAYBOOKS),
            ["state-actor-intrusion"]
        );
        assert_eq!(similar("ransomware", PLAYBOOKS), ["ransomware-extortion"]);
        assert_eq!(similar("rnu", ["run", "resume", "new"]), ["run"]);
        assert!(similar("firewall", PLAYBOOKS).is_empty());
    }

    #[test]
    fn d21_did_you_mean_joins_one_or_several_names() {
        assert_eq!(did_you_mean(&[]), "");
        assert_eq!(did_you_mean(&["run"]), "; did you mean `run`?");
        assert_eq!(
            did_you_mean(&["a", "b", "c"]),
            "; did you mean `a`, `b` or `c`?"
        );
    }

    #[test]
    fn typos_count_swaps_as_one() {
        assert_eq!(typos("rnu", "run"), 1);
        assert_eq!(typos("kitten", "sitting"), 3);
        assert_eq!(typos("", "abc"), 3);
    }
}
