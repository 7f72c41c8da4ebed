//! `export --format custody-csv`: a chain-of-custody form, one row per
//! custody event of each item (RFC 4180).

use super::Registered;

const HEADER: [&str; 13] = [
    "item",
    "label",
    "name",
    "sha256",
    "size",
    "source",
    "step",
    "entry",
    "when_utc",
    "from",
    "to",
    "recorded_by",
    "reason",
];

/// The form for the register.
pub fn csv(register: &[Registered]) -> String {
    let mut out = String::new();
    row(&mut out, HEADER.iter().map(|h| (*h).to_string()));
    for r in register {
        for c in &r.custody {
            row(
                &mut out,
                [
                    r.item.id.clone(),
                    r.label.clone().unwrap_or_default(),
                    r.item.rel.clone(),
                    r.item.sha256.clone(),
                    r.item.size.to_string(),
                    r.source.clone(),
                    r.step.clone().unwrap_or_default(),
                    c.seq.to_string(),
                    c.at.clone(),
                    c.from.clone().unwrap_or_default(),
                    c.to.clone(),
                    c.by.clone(),
                    c.reason.clone(),
                ],
            );
        }
    }
    out
}

fn row(out: &mut String, cells: impl IntoIterator<Item = String>) {
    let cells: Vec<String> = cells.into_iter().map(|c| quote(&c)).collect();
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

/// Quotes a cell when needed; a leading `=`, `+`, `-` or `@` is prefixed
/// with `'` so a spreadsheet shows it instead of running it.
fn quote(cell: &str) -> String {
    let cell = if cell.starts_with(['=', '+', '-', '@']) {
        format!("'{cell}")
    } else {
        cell.to_string()
    };
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_quoted_and_formulas_neutralised() {
        assert_eq!(quote("a,b"), "\"a,b\"");
        assert_eq!(quote("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(quote("=cmd()"), "'=cmd()");
        assert_eq!(quote("plain"), "plain");
    }
}
