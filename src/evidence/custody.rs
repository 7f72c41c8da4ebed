//! `export --format custody-csv`: a chain-of-custody form, one row per
//! custody event of each item (RFC 4180). An exercise's form has a first
//! column `exercise` reading `EXERCISE` on every row, as the `csv` export
//! has: a custody form copied out of a drill must never pass for a real
//! incident's.

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

/// The form for the register; `exercise` marks every row of a drill's.
pub fn csv(register: &[Registered], exercise: bool) -> String {
    let mark = |name: &str| exercise.then(|| name.to_string());
    let mut out = String::new();
    row(
        &mut out,
        mark("exercise")
            .into_iter()
            .chain(HEADER.iter().map(|h| (*h).to_string())),
    );
    for r in register {
        for c in &r.custody {
            row(
                &mut out,
                mark("EXERCISE").into_iter().chain([
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
                ]),
            );
        }
    }
    out
}

/// Ends a form made from the verified part of a journal that does not
/// verify: one last row whose `reason` says where and why that part stops,
/// so the form itself (not only the warning) tells a reader it is partial.
pub fn closing_row(out: &mut String, exercise: bool, stops: &str) {
    statement_row(out, exercise, &format!("FORM INCOMPLETE: {stops}"));
}

/// Ends a form with a row whose `reason` states `statement` about the
/// whole form (where its journal stops, or a proof that does not verify).
pub fn statement_row(out: &mut String, exercise: bool, statement: &str) {
    let cells = std::iter::repeat_n(String::new(), HEADER.len() - 1).chain([statement.to_string()]);
    row(
        out,
        exercise
            .then(|| "EXERCISE".to_string())
            .into_iter()
            .chain(cells),
    );
}

/// One CRLF-terminated record, each field as the `csv` export writes it
/// (quoted when needed, a formula defused).
fn row(out: &mut String, cells: impl IntoIterator<Item = String>) {
    for (i, cell) in cells.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        crate::export::csv::push_field(out, &cell);
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(cells: &[&str]) -> String {
        let mut out = String::new();
        row(&mut out, cells.iter().map(|c| (*c).to_string()));
        out
    }

    #[test]
    fn cells_are_quoted_and_formulas_neutralised() {
        assert_eq!(
            record(&["a,b", "say \"hi\"", "=cmd()", "plain"]),
            "\"a,b\",\"say \"\"hi\"\"\",'=cmd(),plain\r\n"
        );
    }

    /// The custody form defuses what the `csv` export defuses: a cell that
    /// starts with a tab or a carriage return too (it wrote those as they
    /// were, with its own copy of the quoting).
    #[test]
    fn a_cell_starting_with_a_tab_or_a_carriage_return_is_defused_as_in_the_csv_export() {
        assert_eq!(record(&["\t=cmd()", "-1"]), "'\t=cmd(),'-1\r\n");
        assert_eq!(record(&["\rline"]), "\"'\rline\"\r\n");
    }
}
