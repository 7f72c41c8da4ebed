//! Renders a [`Document`] as one self-contained HTML page: inline CSS, no
//! scripts, nothing fetched (a Content-Security-Policy says so too), the
//! only links being public references the playbook lists. Readable on
//! screen and on paper; colour is never the only signal.

use std::fmt::Write as _;

use super::document::{Block, Document, Row, Section, Span, Table, Text, Tone};
use super::escape::{escape, escape_into, text};
use super::svg;

const STYLE: &str = include_str!("../../assets/report.css");

/// Printed on every page of an exercise report (where the browser supports
/// page margin boxes), in addition to the banners and section headings.
const EXERCISE_PAGES: &str = "@page{@top-center{content:\"EXERCISE — not a real incident\";color:#8a4b00;font:700 10pt system-ui,sans-serif}\
@bottom-center{content:\"EXERCISE — not a real incident\";color:#8a4b00;font:700 10pt system-ui,sans-serif}}\n";

pub fn render(doc: &Document) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let contents = doc.sections.iter().map(|s| (s.id, s.title.as_str()));
    write_open(&mut out, doc, contents);
    for section in &doc.sections {
        write_section(&mut out, doc, section);
    }
    write_close(&mut out, doc);
    out
}

/// Everything before the first section: the head, the title, the
/// preamble and the contents, which link to `sections` (ids and titles).
pub fn write_open<'s>(
    out: &mut String,
    doc: &Document,
    sections: impl Iterator<Item = (&'s str, &'s str)>,
) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"generator\" content=\"runsheet\">\n<title>{}</title>\n<style>\n{STYLE}{}</style>\n</head>\n<body>\n",
        escape(&doc.title),
        if doc.exercise { EXERCISE_PAGES } else { "" }
    );
    out.push_str("<header>\n");
    let _ = writeln!(out, "<h1>{}</h1>", escape(&doc.title));
    for block in &doc.preamble {
        write_block(out, block);
    }
    out.push_str("<nav><p>Contents: ");
    let links: Vec<String> = sections
        .map(|(id, title)| format!("<a href=\"#{id}\">{}</a>", escape(title)))
        .collect();
    out.push_str(&links.join(" · "));
    out.push_str("</p></nav>\n</header>\n<main>\n");
}

/// A whole section of `doc`.
pub fn write_section(out: &mut String, doc: &Document, section: &Section) {
    write_heading(out, doc, section);
    for block in &section.blocks {
        write_section_block(out, doc, block);
    }
    write_section_end(out);
}

/// A block inside a section: in an exercise a subheading is tagged as
/// every heading is, so a part copied out on its own still says EXERCISE.
pub fn write_section_block(out: &mut String, doc: &Document, block: &Block) {
    match block {
        Block::Subheading(text) if doc.exercise => {
            let _ = writeln!(
                out,
                "<h3>{} <span class=\"tag\">EXERCISE</span></h3>",
                escape(text)
            );
        }
        _ => write_block(out, block),
    }
}

/// A section's opening and heading, before its blocks.
pub fn write_heading(out: &mut String, doc: &Document, section: &Section) {
    let _ = write!(
        out,
        "<section id=\"{}\">\n<h2>{}{}</h2>\n",
        section.id,
        escape(&section.title),
        if doc.exercise {
            " <span class=\"tag\">EXERCISE</span>"
        } else {
            ""
        }
    );
}

/// What closes a section, after its blocks.
pub fn write_section_end(out: &mut String) {
    out.push_str("</section>\n");
}

/// Everything after the last section.
pub fn write_close(out: &mut String, doc: &Document) {
    out.push_str("</main>\n<footer>\n");
    for block in &doc.closing {
        write_block(out, block);
    }
    out.push_str("</footer>\n</body>\n</html>\n");
}

pub(super) fn write_block(out: &mut String, block: &Block) {
    match block {
        Block::Banner(tone, text) => {
            let class = match tone {
                Tone::Exercise => "banner exercise",
                Tone::Alert => "banner alert",
            };
            let _ = writeln!(out, "<p class=\"{class}\">{}</p>", inline(text));
        }
        Block::Subheading(text) => {
            let _ = writeln!(out, "<h3>{}</h3>", escape(text));
        }
        Block::Paragraph(text) => {
            let _ = writeln!(out, "<p>{}</p>", inline(text));
        }
        Block::Fields(fields) => {
            out.push_str("<dl class=\"fields\">\n");
            for (label, value) in fields {
                let _ = writeln!(out, "<dt>{}</dt><dd>{}</dd>", escape(label), inline(value));
            }
            out.push_str("</dl>\n");
        }
        Block::List(items) => {
            out.push_str("<ul>\n");
            for item in items {
                let _ = writeln!(out, "<li>{}</li>", inline(item));
            }
            out.push_str("</ul>\n");
        }
        Block::Table(table) => write_table(out, table),
        Block::Verbatim(text) => {
            let _ = writeln!(out, "<pre class=\"message\">{}</pre>", escape(text));
        }
        Block::Chart(chart) => {
            out.push_str("<figure>\n");
            out.push_str(&svg::draw(chart));
            out.push_str(
                "<figcaption>Phases and deadline clocks on one axis (UTC). Every bar is also listed in the tables above.</figcaption>\n</figure>\n",
            );
        }
    }
}

fn write_table(out: &mut String, table: &Table) {
    write_table_head(out, &table.head);
    for row in &table.rows {
        write_row(out, row);
    }
    write_table_end(out);
}

/// A table's opening and head, before its rows.
pub fn write_table_head(out: &mut String, head: &[String]) {
    out.push_str("<div class=\"scroll\"><table>\n<thead><tr>");
    for head in head {
        let _ = write!(out, "<th scope=\"col\">{}</th>", escape(head));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
}

/// One row of a table.
pub fn write_row(out: &mut String, row: &Row) {
    out.push_str(if row.alert {
        "<tr class=\"alert-row\">"
    } else {
        "<tr>"
    });
    for cell in &row.cells {
        out.push_str("<td>");
        inline_into(out, cell);
        out.push_str("</td>");
    }
    out.push_str("</tr>\n");
}

/// What closes a table, after its rows.
pub fn write_table_end(out: &mut String) {
    out.push_str("</tbody>\n</table></div>\n");
}

/// [`inline`], appended to `out`.
fn inline_into(out: &mut String, text: &Text) {
    for s in text {
        match s {
            Span::Plain(t) => escape_into(out, t, true),
            Span::Code(t) => {
                out.push_str("<code>");
                escape_into(out, t, false);
                out.push_str("</code>");
            }
            other => out.push_str(&span(other)),
        }
    }
}

fn inline(text: &Text) -> String {
    text.iter().map(span).collect()
}

fn span(span: &Span) -> String {
    match span {
        Span::Plain(t) => text(t),
        Span::Strong(t) => format!("<strong>{}</strong>", text(t)),
        Span::Alert(t) => format!("<strong class=\"alert\">{}</strong>", text(t)),
        Span::Good(t) => format!("<span class=\"good\">{}</span>", text(t)),
        Span::Code(t) => format!("<code>{}</code>", escape(t)),
        Span::Link { text, url } => format!(
            "<a href=\"{}\" rel=\"noopener noreferrer\">{}</a>",
            escape(url),
            escape(text)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_text_is_shown_not_obeyed() {
        let mut out = String::new();
        write_block(
            &mut out,
            &Block::Verbatim("<script>alert(1)</script>\n& line two".into()),
        );
        assert_eq!(
            out,
            "<pre class=\"message\">&lt;script&gt;alert(1)&lt;/script&gt;\n&amp; line two</pre>\n"
        );
    }

    /// Printed, an identifier cell (`step_done`) keeps its word whole: code
    /// in a table breaks only where a whole word cannot fit a line.
    #[test]
    fn m15_printed_code_in_tables_is_not_split_mid_word() {
        let print = &STYLE[STYLE.find("@media print").expect("print rules")..];
        assert!(
            print.contains("td code,th code{overflow-wrap:break-word}"),
            "{print}"
        );
    }

    /// A wide table (the timeline, the improvement plan) is laid out to the
    /// printed page's width, its cells wrapping, so its right border stays
    /// on the page instead of running past the edge.
    #[test]
    fn m15_wide_tables_fit_the_printed_page() {
        let print = &STYLE[STYLE.find("@media print").expect("print rules")..];
        let print = &print[..print.find("\n}\n").expect("end of the print rules")];
        assert!(
            print.contains("table{font-size:8.5pt;width:100%;table-layout:fixed}"),
            "{print}"
        );
        assert!(print.contains("th,td{overflow-wrap:break-word}"), "{print}");
        assert!(print.contains(".scroll{overflow:visible}"), "{print}");
    }
}
