//! Whether the record can be trusted: banners at the top and bottom,
//! recovered writes, replay warnings and the verification section.

use super::{at, none, section, seq};
use crate::export::document::{Block, Section, Span, Table, Text, Tone, code, message, plain};
use crate::export::drafts;
use crate::export::view::View;

pub(in crate::export) const EXERCISE_BANNER: &str =
    "EXERCISE — EXERCISE — EXERCISE: this journal records a drill, not a real incident.";

/// Banners and how to read the report.
pub fn preamble(view: &View<'_>) -> Vec<Block> {
    let mut blocks = Vec::new();
    if view.is_exercise() {
        blocks.push(Block::Banner(Tone::Exercise, plain(EXERCISE_BANNER)));
    }
    if let Some(problem) = problem(view) {
        blocks.push(Block::Banner(Tone::Alert, problem));
    }
    blocks.extend(draft_banner(view));
    let drill = if view.on_scenario_time() {
        " In this drill the entries' times are wall time, while the facts' times and the deadlines are on the scenario clock (a fact's time reads \"scenario date …\"); the exercise report (`export --format aar`) sets both clocks side by side."
    } else {
        ""
    };
    blocks.push(Block::Paragraph(plain(format!(
        "Produced by runsheet from journal {} ({} verified entries). Times are shown in the incident time zone ({}) with UTC beside them. Deadline clocks are evaluated {}.{drill}",
        journal_id(view),
        view.counts.entries,
        view.tz.name(),
        view.clocks_evaluated_at()
    ))));
    blocks
}

/// The closing banner and the anchor a reader can check.
pub fn closing(view: &View<'_>) -> Vec<Block> {
    let mut blocks = Vec::new();
    if let Some(problem) = problem(view) {
        blocks.push(Block::Banner(Tone::Alert, problem));
    }
    blocks.extend(draft_banner(view));
    let head = view
        .input
        .verified
        .head_hash
        .clone()
        .unwrap_or_else(|| "none".into());
    blocks.push(Block::Paragraph(vec![
        Span::Plain(format!(
            "End of report for journal {}: {} verified entries, head hash ",
            journal_id(view),
            view.counts.entries
        )),
        Span::Code(head),
        Span::Plain(".".into()),
    ]));
    if view.is_exercise() {
        blocks.push(Block::Banner(Tone::Exercise, plain(EXERCISE_BANNER)));
    }
    blocks
}

/// Draft files that no longer match their entries: a verification failure
/// even when the hash chain is intact.
pub(in crate::export) fn draft_problems(view: &View<'_>) -> Vec<String> {
    view.input
        .drafts
        .map(|d| d.problems(view.input.verified))
        .unwrap_or_default()
}

/// The alert banner naming draft files that no longer match, if any.
pub(in crate::export) fn draft_banner(view: &View<'_>) -> Option<Block> {
    let problems = draft_problems(view);
    (!problems.is_empty()).then(|| {
        Block::Banner(
            Tone::Alert,
            message(&format!(
                "✗ MESSAGE TEXTS NOT VERIFIED: {}.",
                drafts::in_short(&problems, "the Verification section")
            )),
        )
    })
}

pub(in crate::export) fn journal_id(view: &View<'_>) -> String {
    view.input
        .state
        .created
        .as_ref()
        .map_or_else(|| "(unknown)".into(), |c| c.journal_id.clone())
}

/// The banner text for a broken or incomplete journal (the banner itself
/// carries the emphasis).
pub(in crate::export) fn problem(view: &View<'_>) -> Option<Text> {
    let verified = view.input.verified;
    if let Some(b) = &verified.broken {
        return Some(message(&format!(
            "✗ JOURNAL BROKEN at line {} (entry {}): {}. Only the {} entries before it are verified and reported; entries from that line on are not trusted.",
            b.line, b.seq, b.reason, view.counts.entries
        )));
    }
    (verified.torn_tail > 0).then(|| {
        plain(format!(
            "✗ JOURNAL INCOMPLETE: the file ends with {} bytes of an interrupted write, which are not reported (opening the journal again quarantines them).",
            verified.torn_tail
        ))
    })
}

pub fn recoveries(view: &View<'_>) -> Section {
    let state = view.input.state;
    if state.recoveries.is_empty() {
        return section(
            "recoveries",
            "Recovered writes",
            vec![none("No interrupted write was recovered.")],
        );
    }
    let mut table = Table::new([
        "#",
        "When",
        "Bytes",
        "Quarantine file",
        "SHA-256 of the bytes",
    ]);
    for (stamp, r) in &state.recoveries {
        table.push(vec![
            seq(stamp.seq),
            at(view, stamp.ts),
            plain(r.bytes.to_string()),
            code(r.file.clone()),
            code(r.sha256.clone()),
        ]);
    }
    section(
        "recoveries",
        "Recovered writes",
        vec![
            Block::Paragraph(plain(
                "A write interrupted by a crash leaves a torn last line. When the journal was next opened, those bytes were copied to a quarantine file beside the journal, cut off, and recorded here; nothing was lost silently.",
            )),
            Block::Table(table),
        ],
    )
}

pub fn warnings(view: &View<'_>) -> Section {
    let warnings = &view.input.state.warnings;
    let blocks = if warnings.is_empty() {
        vec![none(
            "None: every entry was understood against the playbook.",
        )]
    } else {
        vec![Block::List(
            warnings.iter().map(|w| message(&w.to_string())).collect(),
        )]
    };
    section("warnings", "Warnings", blocks)
}

/// Whether every draft file still holds the text its entry recorded.
fn drafts_status(view: &View<'_>) -> Text {
    let problems = draft_problems(view);
    if view.input.drafts.is_some_and(drafts::DraftTexts::is_empty) {
        return plain("none: no message was drafted.");
    }
    if problems.is_empty() {
        return vec![
            Span::Good("✓ verified".into()),
            Span::Plain(
                ": every draft file beside the journal has the SHA-256 its message_drafted entry records."
                    .into(),
            ),
        ];
    }
    let mut text = vec![Span::Alert(format!(
        "✗ {} draft file(s) missing or changed",
        problems.len()
    ))];
    text.extend(message(&format!(": {}.", problems.join("; "))));
    text
}

/// The verification status of the journal: its chain, and the proofs it
/// records.
fn status(view: &View<'_>) -> Text {
    let input = view.input;
    let verified = input.verified;
    match &verified.broken {
        Some(b) => {
            let mut text = vec![Span::Alert(format!(
                "✗ BROKEN at line {} (entry {})",
                b.line, b.seq
            ))];
            text.extend(message(&format!(
                ": {}. Entries from that line on are not trusted and are not reported; the {} entries before it verify.",
                b.reason,
                view.counts.entries
            )));
            text
        }
        None if verified.torn_tail > 0 => vec![
            Span::Alert("✗ INCOMPLETE".into()),
            Span::Plain(format!(
                ": every complete line verifies, but the file ends with {} bytes of an interrupted write that are not reported.",
                verified.torn_tail
            )),
        ],
        None if !input.proof_problems.is_empty() => {
            let mut text = vec![Span::Alert("✗ CHECKPOINT OR TIMESTAMP DOES NOT VERIFY".into())];
            text.extend(message(&format!(
                ": {}. The hash chain is intact, but entries a checkpoint or timestamp covers no longer match what was signed or stamped: they may have been rewritten and the chain made again. Do not rely on this report until `runsheet verify` passes.",
                input.proof_problems.join("; ")
            )));
            text
        }
        None => vec![
            Span::Good("✓ intact".into()),
            Span::Plain(
                ": every line's own hash, the entry numbering and the chain of previous-line hashes verify from the first line."
                    .into(),
            ),
        ],
    }
}

pub fn verification(view: &View<'_>) -> Section {
    let input = view.input;
    let verified = input.verified;
    let status = status(view);
    let recorded = input.state.created.as_ref().map(|c| &c.playbook);
    let playbook_hash: Text = match recorded {
        Some(r) if r.sha256 != input.playbook.sha256 => vec![
            Span::Code(input.playbook.sha256.clone()),
            Span::Alert(" differs".into()),
            Span::Plain(" from the SHA-256 recorded when the journal was created: ".into()),
            Span::Code(r.sha256.clone()),
        ],
        _ => vec![
            Span::Code(input.playbook.sha256.clone()),
            Span::Plain(" (as recorded when the journal was created)".into()),
        ],
    };
    let mut fields: Vec<(String, Text)> = vec![
        ("Status".into(), status),
        (
            "Entries verified".into(),
            plain(view.counts.entries.to_string()),
        ),
        (
            "Head hash".into(),
            verified.head_hash.clone().map_or_else(
                || plain("none: no entry verifies"),
                |h| {
                    let what = if input.case {
                        " (the case head: SHA-256 over every journal's head, as `runsheet verify DIR` prints it)"
                    } else {
                        " (SHA-256 of the last verified line)"
                    };
                    vec![Span::Code(h), Span::Plain(what.into())]
                },
            ),
        ),
        ("Playbook SHA-256".into(), playbook_hash),
    ];
    if input.drafts.is_some() {
        fields.push(("Message drafts".into(), drafts_status(view)));
    }
    if let Some(c) = &input.state.created {
        fields.push(("Playbook recorded as".into(), code(c.playbook.path.clone())));
        fields.push(("Journal id".into(), code(c.journal_id.clone())));
        fields.push(("Written by runsheet".into(), plain(c.app_version.clone())));
    }
    section(
        "verification",
        "Verification",
        vec![
            Block::Fields(fields),
            Block::Paragraph(vec![
                Span::Plain("To check this record yourself: ".into()),
                Span::Code(
                    if input.case {
                        "runsheet verify <case folder>"
                    } else {
                        "runsheet verify <journal>"
                    }
                    .into(),
                ),
                Span::Plain(
                    " prints the same head hash while the journal is unchanged, and ".into(),
                ),
                Span::Code("sha256sum <playbook file>".into()),
                Span::Plain(
                    " prints the playbook's SHA-256. The head hash can be pasted into a ticket as an outside anchor."
                        .into(),
                ),
            ]),
        ],
    )
}
