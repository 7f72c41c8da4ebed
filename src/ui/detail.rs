//! The detail pane: everything about the selected step, from its
//! instructions to its history.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::deadlines::{qualified_stage_words, stage_style};
use super::frame::{pane_block, status_glyph};
use super::theme::Theme;
use super::{markdown, text};
use crate::app::{App, Pane, words};
use crate::clocks::{self, format_duration};
use crate::playbook::value::format_local_and_utc;
use crate::playbook::{FactType, Step};
use crate::run::query::Applicability;

pub(super) fn detail_pane(app: &App, t: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(step) = app.selected_step() else {
        let block = pane_block("Details", app.focus == Pane::Detail, t);
        block.render(area, buf);
        return;
    };
    let block = pane_block(
        &text::fit(&step.title, usize::from(area.width).saturating_sub(4)),
        app.focus == Pane::Detail,
        t,
    );
    let inner = block.inner(area);
    block.render(area, buf);
    // Every line takes at least one row, so none past the last row shown
    // can be seen: a step with thousands of notes costs a screenful.
    let shown = usize::from(app.detail_scroll) + usize::from(inner.height);
    let lines = detail_lines_upto(app, step, t, shown);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((app.detail_scroll, 0))
        .render(inner, buf);
}

pub(super) fn section(title: &str, t: &Theme) -> Line<'static> {
    Line::from(Span::styled(
        title.to_string(),
        t.title.add_modifier(Modifier::UNDERLINED),
    ))
}

/// Everything the detail pane says about a step, section by section.
pub fn detail_lines(app: &App, step: &Step, t: &Theme) -> Vec<Line<'static>> {
    detail_lines_upto(app, step, t, usize::MAX)
}

/// [`detail_lines`], the notes and history only as far as line `limit`
/// (the lines after it are the ones that grow with the journal).
fn detail_lines_upto(app: &App, step: &Step, t: &Theme, limit: usize) -> Vec<Line<'static>> {
    let mut lines = status_lines(app, step, t);
    if let Some(instructions) = &step.instructions {
        lines.push(Line::default());
        lines.extend(markdown::render(instructions, t));
    }
    lines.extend(checklist_lines(app, step, t));
    if !step.capture.is_empty() {
        lines.push(Line::default());
        lines.push(section("Facts (a to answer)", t));
        lines.extend(step.capture.iter().map(|fact| fact_line(app, fact, t)));
    }
    lines.extend(decision_lines(app, step, t));
    lines.extend(contact_lines(app, step, t));
    if step.message.is_some() {
        lines.extend(message_summary(app, step, t));
    }
    lines.extend(deadline_lines(app, step, t));
    lines.extend(reference_lines(step, t));
    let room = limit.saturating_sub(lines.len());
    lines.extend(notes_and_history(app, step, t, room));
    lines
}

/// When a step's status last changed, on the clock its timebox runs on:
/// scenario time (`T+00:50`) in a drill, beside the scenario clock the
/// header shows and the timebox is measured on; else the local wall time.
fn since_label(state: &crate::run::RunState, at: &crate::run::Stamp, tz: chrono_tz::Tz) -> String {
    if crate::drill::runs_on_scenario_time(state) {
        let origin = state.created_at.unwrap_or(chrono::DateTime::UNIX_EPOCH);
        let entry = crate::run::query::entry_time(at);
        let ms = crate::drill::scenario_ms_of(origin, &state.drill_controls, entry);
        return crate::drill::format_scenario(ms);
    }
    at.ts.with_timezone(&tz).format("%H:%M").to_string()
}

/// Status, since when and by whom, role holder, timebox, and why a step
/// is hidden or what it normally follows.
fn status_lines(app: &App, step: &Step, t: &Theme) -> Vec<Line<'static>> {
    let state = app.state();
    let tz = app.tz();
    let view = app.step_view(step);
    let mut lines: Vec<Line<'static>> = Vec::new();
    let (glyph, style) = status_glyph(view.status, t);
    let mut meta = vec![Span::styled(
        format!("{glyph} {}", view.status.label()),
        style,
    )];
    if let Some(since) = state.step(&step.id).and_then(|s| s.history.last()) {
        meta.push(Span::styled(
            format!(
                " since {} by {}",
                since_label(state, &since.at, tz),
                since.at.actor
            ),
            t.dim,
        ));
    }
    if let Some(role) = &step.role {
        let title = app
            .playbook
            .role(role)
            .map_or(role.as_str(), |r| r.title.as_str());
        let holder = state
            .holder(role)
            .map_or_else(|| " — unassigned".into(), |h| format!(" — {h}"));
        meta.push(Span::raw(format!(" · {title}{holder}")));
    }
    if step.required {
        meta.push(Span::styled(" · required", t.warn));
    }
    if let Some(tb) = step.timebox {
        meta.push(Span::raw(format!(" · timebox {tb}")));
    }
    if let Some(late) = view.overdue_by {
        meta.push(Span::styled(
            format!(" · ⚠ overdue by {}", format_duration(late)),
            t.danger,
        ));
    }
    lines.push(Line::from(meta));
    match &view.applicability {
        Applicability::Applies => {}
        // The questions, not the fact ids: a responder answers questions.
        Applicability::Undetermined { waiting_on, .. } => {
            let questions: Vec<String> = waiting_on
                .iter()
                .map(|f| {
                    app.playbook
                        .fact(f)
                        .map_or_else(|| f.clone(), |d| d.prompt.clone())
                })
                .collect();
            lines.push(Line::from(Span::styled(
                format!(
                    "{} hidden: waiting for the answer to: {} (a: answer facts)",
                    super::steps::AWAITS_ANSWER,
                    questions.join("; ")
                ),
                t.dim,
            )));
        }
        Applicability::NotApplicable { .. } => lines.push(Line::from(Span::styled(
            format!(
                "{} hidden: does not apply given: {}",
                super::steps::DOES_NOT_APPLY,
                step.when
                    .as_ref()
                    .map(|c| words::condition_answers(c, &app.playbook, state))
                    .unwrap_or_default()
            ),
            t.dim,
        ))),
    }
    if !view.waiting_for.is_empty() && !view.status.is_closed() {
        let names: Vec<String> = view
            .waiting_for
            .iter()
            .map(|w| {
                app.playbook
                    .step(w)
                    .map_or_else(|| (*w).to_string(), |s| s.title.clone())
            })
            .collect();
        lines.push(Line::from(Span::styled(
            format!("⋯ normally after: {}", names.join("; ")),
            t.warn,
        )));
    }
    lines
}

fn checklist_lines(app: &App, step: &Step, t: &Theme) -> Vec<Line<'static>> {
    let state = app.state();
    let mut lines = Vec::new();
    if !step.checklist.is_empty() {
        lines.push(Line::default());
        lines.push(section("Checklist (space or 1-9 to tick)", t));
        for (i, item) in step.checklist.iter().enumerate() {
            let checked = state.step(&step.id).is_some_and(|s| s.is_checked(i));
            let mut style = if checked { t.ok } else { t.base };
            if app.focus == Pane::Detail && app.item == i {
                style = style.patch(t.selected);
            }
            lines.push(Line::from(Span::styled(
                format!("{} {}. {item}", if checked { "[x]" } else { "[ ]" }, i + 1),
                style,
            )));
        }
    }
    lines
}

fn decision_lines(app: &App, step: &Step, t: &Theme) -> Vec<Line<'static>> {
    let state = app.state();
    let tz = app.tz();
    let mut lines = Vec::new();
    if let Some(decide) = &step.decide {
        lines.push(Line::default());
        lines.push(section("Decision (d)", t));
        lines.push(Line::from(decide.prompt.clone()));
        match state.latest_decision(&decide.fact) {
            Some(d) => {
                let shown = app
                    .playbook
                    .fact(&d.fact)
                    .and_then(|def| {
                        crate::playbook::FactValue::from_json(def, &d.value)
                            .ok()
                            .map(|v| v.display(Some(def), tz))
                    })
                    .unwrap_or_else(|| d.value.to_string());
                lines.push(Line::from(vec![
                    Span::styled(format!("→ {shown}"), t.ok),
                    Span::styled(
                        format!(
                            " decided by {} at {}",
                            d.decider,
                            d.at.ts.with_timezone(&tz).format("%H:%M")
                        ),
                        t.dim,
                    ),
                ]));
                lines.push(Line::from(Span::styled(
                    format!("  because: {}", text::expand_tabs(&d.rationale)),
                    t.dim,
                )));
            }
            None => lines.push(Line::from(Span::styled("not decided yet", t.warn))),
        }
    }
    lines
}

fn contact_lines(app: &App, step: &Step, t: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(contact) = step
        .contact
        .as_deref()
        .and_then(|c| app.playbook.contact(c))
    {
        lines.push(Line::default());
        lines.push(section(
            &format!("Contact: {} ({})", contact.name, contact.kind.label()),
            t,
        ));
        for (label, value) in [
            ("phone", &contact.phone),
            ("email", &contact.email),
            ("web", &contact.url),
            ("notes", &contact.notes),
        ] {
            if let Some(v) = value {
                lines.push(Line::from(format!("  {label}: {v}")));
            }
        }
    }
    lines
}

fn deadline_lines(app: &App, step: &Step, t: &Theme) -> Vec<Line<'static>> {
    let state = app.state();
    let tz = app.tz();
    let mut lines = Vec::new();
    if !step.satisfies.is_empty() {
        lines.push(Line::default());
        lines.push(section("Deadlines this step meets", t));
        for v in clocks::evaluate(&app.playbook, state, app.domain_now())
            .iter()
            .filter(|v| {
                step.satisfies
                    .iter()
                    .any(|r| r.clock == v.clock.id && r.stage == v.stage.id)
            })
        {
            lines.push(Line::from(Span::styled(
                format!(
                    "  {}.{}: {}",
                    v.clock.id,
                    v.stage.id,
                    qualified_stage_words(v, tz)
                ),
                stage_style(&v.state, t),
            )));
        }
    }
    lines
}

fn reference_lines(step: &Step, t: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    if let Some(command) = &step.command {
        lines.push(Line::default());
        lines.push(section("Command (copy; runsheet never runs it)", t));
        // One row per line of the command: the pane's wrapping does not
        // break at a newline inside a span, and glued lines read as one
        // command that is not the one to run.
        lines.extend(
            command
                .lines()
                .map(|line| Line::from(Span::styled(format!("  {line}"), t.code))),
        );
    }
    if !step.references.is_empty() {
        lines.push(Line::default());
        lines.push(section("References", t));
        for r in &step.references {
            lines.push(Line::from(format!(
                "  {}{}",
                r.title,
                r.url
                    .as_ref()
                    .map(|u| format!(" ({u})"))
                    .unwrap_or_default()
            )));
        }
    }
    lines
}

fn notes_and_history(app: &App, step: &Step, t: &Theme, room: usize) -> Vec<Line<'static>> {
    let state = app.state();
    let tz = app.tz();
    let mut lines = Vec::new();
    let mut notes = state.notes_for(&step.id).take(room).peekable();
    if notes.peek().is_some() {
        lines.push(Line::default());
        lines.push(section("Notes", t));
        for n in notes {
            // A note of several lines keeps them (see the command above),
            // the ones after the first indented under it.
            let mut note_lines = n.text.lines();
            lines.push(Line::from(vec![
                Span::styled(
                    format!(
                        "{} {}: ",
                        n.at.ts.with_timezone(&tz).format("%H:%M"),
                        n.at.actor
                    ),
                    t.dim,
                ),
                Span::raw(text::expand_tabs(note_lines.next().unwrap_or_default()).into_owned()),
            ]));
            lines.extend(
                note_lines.map(|line| Line::from(format!("  {}", text::expand_tabs(line)))),
            );
        }
    }
    if lines.len() >= room {
        lines.truncate(room);
        return lines;
    }
    if let Some(history) = state.step(&step.id).filter(|s| !s.history.is_empty()) {
        lines.push(Line::default());
        lines.push(section("History", t));
        for change in history
            .history
            .iter()
            .take(room.saturating_sub(lines.len()))
        {
            let reason = change
                .reason
                .as_ref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            lines.push(Line::from(Span::styled(
                format!(
                    "  {} {} {}{reason}",
                    change.at.ts.with_timezone(&tz).format("%m-%d %H:%M"),
                    change.at.actor,
                    change.status.label()
                ),
                t.dim,
            )));
        }
    }
    lines
}

/// ` ⚠ contested: 03:55 vs 04:10 UTC` after a value an open conflict is
/// on: shown is only the latest by time.
pub(super) fn contested_span(app: &App, fact: &str, t: &Theme) -> Option<Span<'static>> {
    let values = app.contested().fact(fact)?;
    Some(Span::styled(format!(" ⚠ contested: {values}"), t.danger))
}

pub(super) fn fact_line(app: &App, fact: &str, t: &Theme) -> Line<'static> {
    let def = app.playbook.fact(fact);
    let prompt = def.map_or(fact, |d| d.prompt.as_str());
    if let Some(record) = app.state().facts.get(fact).and_then(|f| f.latest()) {
        let value = record
            .effective()
            .map_or_else(|| record.value.to_string(), |v| v.display(def, app.tz()));
        let corrected = if record.correction.is_some() {
            " (corrected)"
        } else {
            ""
        };
        let mut spans = vec![
            Span::raw(format!("  {prompt} ")),
            Span::styled(format!("{value}{corrected}"), t.ok),
        ];
        spans.extend(contested_span(app, fact, t));
        Line::from(spans)
    } else {
        let kind = def.map_or(String::new(), |d| match &d.ty {
            FactType::DateTime => " (now, 14:05, -2h…)".into(),
            ty => format!(" ({})", ty.describe(d.multiple)),
        });
        Line::from(vec![
            Span::raw(format!("  {prompt} ")),
            Span::styled(format!("not answered{kind}"), t.warn),
        ])
    }
}

pub(super) fn message_summary(app: &App, step: &Step, t: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::default()];
    let kind = step
        .statement
        .as_ref()
        .map_or("Message draft", |s| s.kind.label());
    lines.push(section(
        &format!("{} (m to review, copy, record)", text::capitalise(kind)),
        t,
    ));
    if let Some((text, gaps)) = app.message_text(step, None) {
        for line in text.lines().take(4) {
            lines.push(Line::from(Span::styled(format!("  {line}"), t.dim)));
        }
        if !gaps.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("  ⟦gaps⟧ not yet known: {}", gaps.join(", ")),
                t.warn,
            )));
        }
    }
    let state = app.state();
    if let Some(draft) = state.latest_draft(&step.id) {
        let approved = state.is_approved(&step.id, draft.data.version);
        let mut line = format!("  saved as version {}", draft.data.version);
        if step.statement.is_some() {
            line.push_str(if approved {
                " · approved"
            } else {
                " · not approved"
            });
        }
        lines.push(Line::from(Span::styled(
            line,
            if approved || step.statement.is_none() {
                t.ok
            } else {
                t.warn
            },
        )));
    }
    for s in state.submissions_on(&step.id) {
        lines.push(Line::from(Span::styled(
            format!(
                "  ✓ sent via {} to {} at {}{}",
                s.data.channel,
                s.data.recipient,
                format_local_and_utc(s.data.sent_at, app.tz()),
                s.data
                    .reference
                    .as_ref()
                    .map(|r| format!(" (ref {r})"))
                    .unwrap_or_default()
            ),
            t.ok,
        )));
    }
    lines
}
