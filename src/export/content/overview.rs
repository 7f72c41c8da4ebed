//! The first sections: summary, key times, phases, deadlines, references.

use super::{at, none, nonempty, on_journal_clock, section};
use crate::clocks::{StageState, StageView};
use crate::export::chart::Chart;
use crate::export::document::{
    Block, Section, Span, Table, Text, alert, is_web_url, message, plain,
};
use crate::export::metrics::{self, AWARE_FACT, PhaseSpan};
use crate::export::view::View;
use crate::export::when;
use crate::run::query;

pub fn summary(view: &View<'_>) -> Section {
    let input = view.input;
    let state = input.state;
    let playbook = input.playbook;
    let mut fields: Vec<(String, Text)> = vec![
        (
            "Incident".into(),
            plain(nonempty(state.title(), &playbook.title)),
        ),
        (
            "Exercise".into(),
            if view.is_exercise() {
                vec![Span::Strong(
                    "EXERCISE: a drill, not a real incident".into(),
                )]
            } else {
                plain("no: a real incident")
            },
        ),
        (
            "Playbook".into(),
            vec![
                Span::Plain(format!("{} (", playbook.title)),
                Span::Code(playbook.id.clone()),
                Span::Plain(format!(" version {})", playbook.version)),
            ],
        ),
        ("Incident time zone".into(), plain(view.tz.name())),
    ];
    if let Some(created) = state.created_at {
        fields.push(("Created".into(), at(view, created)));
    }
    if let Some(last) = view.counts.last {
        fields.push(("Last entry".into(), at(view, last)));
        if let Some(created) = state.created_at {
            fields.push(("Duration".into(), plain(when::span(last - created))));
        }
    }
    fields.push((
        "Entries".into(),
        plain(format!("{} verified", view.counts.entries)),
    ));
    fields.push(("Actors".into(), plain(actors(view))));
    let progress = query::total_progress(playbook, state);
    fields.push((
        "Progress".into(),
        plain(format!(
            "{} of {} applicable steps done or skipped",
            progress.closed, progress.total
        )),
    ));
    fields.push(("Integrity".into(), integrity_line(view)));
    section("summary", "Summary", vec![Block::Fields(fields)])
}

/// `Dana Reyes (Incident commander; 30 entries)`, alphabetically.
fn actors(view: &View<'_>) -> String {
    view.counts
        .actors
        .iter()
        .map(|(actor, n)| {
            let roles: Vec<String> = view
                .input
                .state
                .roles_of(actor)
                .iter()
                .map(|r| view.role_title(r))
                .collect();
            let entries = if *n == 1 { "entry" } else { "entries" };
            if roles.is_empty() {
                format!("{actor} ({n} {entries})")
            } else {
                format!("{actor} ({}; {n} {entries})", roles.join(", "))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn integrity_line(view: &View<'_>) -> Text {
    let verified = view.input.verified;
    match &verified.broken {
        Some(b) => alert(format!(
            "✗ BROKEN at line {}: entries from there on are not trusted (see Verification)",
            b.line
        )),
        None if verified.torn_tail > 0 => alert(format!(
            "✗ INCOMPLETE: the file ends with {} bytes of an interrupted write (see Verification)",
            verified.torn_tail
        )),
        None if !view.input.proof_problems.is_empty() => alert(
            "✗ CHECKPOINT OR TIMESTAMP DOES NOT VERIFY: the record may have been rewritten (see Verification)"
                .to_string(),
        ),
        None => vec![Span::Good("✓ intact: hash chain verified".into())],
    }
}

pub fn key_times(view: &View<'_>, spans: &[PhaseSpan<'_>]) -> Section {
    let aware = metrics::aware_at(view);
    let mut table = Table::new(["Measure", "When", "Since awareness"]);
    table.push(vec![
        vec![
            Span::Plain("Awareness (".into()),
            Span::Code(AWARE_FACT.into()),
            Span::Plain(")".into()),
        ],
        aware.map_or_else(|| plain("not recorded"), |t| on_journal_clock(view, t)),
        plain("—"),
    ]);
    for m in metrics::milestones(view, spans) {
        let since = match (aware, m.at) {
            (Some(a), Some(t)) => plain(when::span(t - a)),
            (None, Some(_)) => plain("awareness not recorded"),
            _ => plain("—"),
        };
        let when_cell = match (m.at, &m.missing) {
            (Some(t), _) => on_journal_clock(view, t),
            (None, Some(why)) => plain(why.clone()),
            (None, None) => plain("—"),
        };
        table.push(vec![plain(m.label), when_cell, since]);
    }
    section(
        "key-times",
        "Key times",
        vec![
            Block::Paragraph(plain(
                if crate::drill::runs_on_scenario_time(view.input.state) {
                    "Measured from when the organisation became aware, as recorded (corrections applied). In a drill every time here is on the scenario clock."
                } else {
                    "Measured from when the organisation became aware, as recorded (corrections applied)."
                },
            )),
            Block::Table(table),
        ],
    )
}

pub fn phases(view: &View<'_>, spans: &[PhaseSpan<'_>], stages: &[StageView<'_>]) -> Section {
    let mut table = Table::new([
        "Phase",
        "First start",
        "Last close",
        "Duration",
        "Steps closed",
    ]);
    for span in spans {
        let (close, duration) = match (span.first_start, span.last_close) {
            (Some(start), Some(end)) => {
                (on_journal_clock(view, end), plain(when::span(end - start)))
            }
            (Some(_), None) => (plain("still open"), plain("—")),
            (None, _) => (plain("—"), plain("not started")),
        };
        table.push(vec![
            plain(span.phase.title.clone()),
            span.first_start
                .map_or_else(|| plain("—"), |t| on_journal_clock(view, t)),
            close,
            duration,
            plain(format!(
                "{} of {}",
                span.progress.closed, span.progress.total
            )),
        ]);
    }
    let mut blocks = vec![Block::Table(table)];
    if let Some(chart) = Chart::build(spans, stages, view.input.now) {
        blocks.push(Block::Chart(chart));
    }
    section("phases", "Phases", blocks)
}

pub fn deadlines(view: &View<'_>, stages: &[StageView<'_>]) -> Section {
    let mut blocks = vec![Block::Paragraph(vec![
        Span::Strong("Not legal advice.".into()),
        Span::Plain(format!(
            " Deadlines are computed from the clock definitions below and the facts as recorded; \
             check each against its source. Clocks are evaluated {}, not at \
             the time this report was produced.",
            view.clocks_evaluated_at()
        )),
    ])];
    if stages.is_empty() {
        blocks.push(none("The playbook defines no deadline clocks."));
        return section("deadlines", "Deadlines", blocks);
    }
    let mut table = Table::new(["Clock stage", "Outcome", "Trigger", "Due", "Submitted"]);
    for s in stages {
        let submitted = match &s.state {
            StageState::Met { at: t, .. }
            | StageState::Breached {
                submitted: Some(t), ..
            } => at(view, *t),
            _ => plain("—"),
        };
        table.push(vec![
            stage_name(s),
            outcome(s),
            s.started.map_or_else(|| plain("—"), |t| at(view, t)),
            s.due.map_or_else(
                || plain(s.stage.soft.clone().unwrap_or_else(|| "—".into())),
                |t| at(view, t),
            ),
            submitted,
        ]);
    }
    blocks.push(Block::Table(table));
    blocks.push(Block::Subheading("Sources".into()));
    blocks.push(Block::List(
        view.input
            .playbook
            .clocks
            .iter()
            .map(clock_source)
            .collect(),
    ));
    section("deadlines", "Deadlines", blocks)
}

/// Met or breached with the margin, in words first; colour only helps.
pub(in crate::export) fn outcome(s: &StageView<'_>) -> Text {
    let mut text = match &s.state {
        StageState::Met {
            margin: Some(m), ..
        } => vec![
            Span::Good("✓ met".into()),
            Span::Plain(format!(", {} before the deadline", when::span(*m))),
        ],
        StageState::Met { margin: None, .. } => vec![
            Span::Good("✓ met".into()),
            Span::Plain(" (no fixed deadline)".into()),
        ],
        StageState::Breached {
            late_by,
            submitted: Some(_),
        } => vec![
            Span::Alert("✗ BREACHED".into()),
            Span::Plain(format!(": submitted {} late", when::span(*late_by))),
        ],
        StageState::Breached {
            late_by,
            submitted: None,
        } => vec![
            Span::Alert("✗ BREACHED".into()),
            Span::Plain(format!(
                ": not submitted, {} past due at the last entry",
                when::span(*late_by)
            )),
        ],
        StageState::Running { remaining, .. } => plain(format!(
            "running: {} left at the last entry",
            when::span(*remaining)
        )),
        StageState::Elapsing { elapsed } => plain(match s.due {
            Some(cap) => format!(
                "{}: {} elapsed at the last entry, at the latest by {}",
                s.stage.soft.as_deref().unwrap_or("due"),
                when::span(*elapsed),
                when::utc(cap)
            ),
            None => format!(
                "{}: {} elapsed, no fixed deadline",
                s.stage.soft.as_deref().unwrap_or("due"),
                when::span(*elapsed)
            ),
        }),
        // The reason already says what it waits for.
        StageState::Waiting { reason } => message(reason),
        StageState::NotInForce { reason } | StageState::NotApplicable { reason } => {
            message(&format!("{}: {reason}", s.state.label()))
        }
    };
    if !s.provisional.is_empty() {
        text.push(Span::Plain(format!(
            " (if it applies: waiting for {})",
            s.provisional.join(", ")
        )));
    }
    text
}

pub(in crate::export) fn clock_source(clock: &crate::playbook::Clock) -> Text {
    let mut text = vec![
        Span::Strong(clock.title.clone()),
        Span::Plain(format!(" — {}", clock.regime)),
    ];
    if let Some(j) = &clock.jurisdiction {
        text.push(Span::Plain(format!("; {j}")));
    }
    text.push(Span::Plain("; source: ".into()));
    text.push(link(&clock.source, &clock.source));
    text.push(Span::Plain(format!("; verified on {}", clock.verified_on)));
    if let Some(v) = clock.verification {
        text.push(Span::Plain(format!(" ({})", v.label())));
    }
    if clock.status != crate::playbook::ClockStatus::InForce {
        text.push(Span::Plain(format!("; {}", clock.status.label())));
    }
    if let Some(notes) = &clock.notes {
        text.push(Span::Plain(format!(". {notes}")));
    }
    text
}

fn link(text: &str, url: &str) -> Span {
    if is_web_url(url) {
        Span::Link {
            text: text.to_string(),
            url: url.to_string(),
        }
    } else {
        Span::Plain(text.to_string())
    }
}

pub fn references(view: &View<'_>) -> Section {
    let playbook = view.input.playbook;
    let mut items: Vec<Text> = playbook
        .references
        .iter()
        .map(|r| reference(r, None))
        .collect();
    for step in playbook.steps() {
        items.extend(
            step.references
                .iter()
                .map(|r| reference(r, Some(&step.title))),
        );
    }
    let blocks = if items.is_empty() {
        vec![none("The playbook lists no references.")]
    } else {
        vec![
            Block::Paragraph(plain("Public sources the playbook follows.")),
            Block::List(items),
        ]
    };
    section("references", "References", blocks)
}

fn reference(r: &crate::playbook::Reference, step: Option<&str>) -> Text {
    let mut text = vec![match &r.url {
        Some(url) => link(&r.title, url),
        None => Span::Plain(r.title.clone()),
    }];
    if let Some(url) = r.url.as_deref().filter(|u| !is_web_url(u)) {
        text.push(Span::Plain(" — ".into()));
        text.push(Span::Code(url.to_string()));
    }
    if let Some(step) = step {
        text.push(Span::Plain(format!(" (step \"{step}\")")));
    }
    text
}

/// `Clock: Stage (clock.stage)`, the first cell of a deadline row.
pub(in crate::export) fn stage_name(s: &crate::clocks::StageView<'_>) -> Text {
    vec![
        Span::Plain(format!("{}: {} (", s.clock.title, s.stage.title)),
        Span::Code(format!("{}.{}", s.clock.id, s.stage.id)),
        Span::Plain(")".into()),
    ]
}
