//! Every deadline clock, and one clock in full.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Widget, Wrap};

use crate::app::App;
use crate::app::view_keys::Clocks;
use crate::app::words;
use crate::clocks;
use crate::ui::centered;
use crate::ui::deadlines::{qualified_stage_words, stage_style, stage_words};
use crate::ui::theme::Theme;

pub(super) fn clocks_dialog(
    app: &App,
    t: &Theme,
    area: Rect,
    buf: &mut Buffer,
    selected: usize,
    detail: bool,
) {
    let tz = app.tz();
    let all = clocks::evaluate(&app.playbook, app.state(), app.domain_now());
    let (stages, folded) = crate::app::urgency::clocks_by_urgency(all.clone());
    let mut lines = vec![Line::from(Span::styled(
        "Not legal advice: each clock is the regime's text as checked on its verified-on date; confirm with counsel.",
        t.warn,
    ))];
    lines.push(Line::default());
    lines.extend(conflict_lines(app, t));
    // The row the selection is on, for the scroll: notes and the open
    // conflicts above take rows of their own.
    let mut selected_line = lines.len();
    if detail {
        if let Some(v) = stages.get(selected) {
            lines.extend(clock_detail(app, v, &all, tz, t));
        }
    } else {
        for (i, v) in stages.iter().enumerate() {
            let style = if i == selected {
                selected_line = lines.len();
                t.selected
            } else {
                stage_style(&v.state, t)
            };
            let provisional = if v.provisional.is_empty() {
                ""
            } else {
                " (if it applies)"
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{}.{}", v.clock.id, v.stage.id), style),
                Span::styled(format!(" {}{provisional}: ", v.stage.title), t.dim),
                Span::styled(stage_words(v, tz), stage_style(&v.state, t)),
            ]));
            lines.extend(contested_line(app, v, t));
        }
        // A stage left out only because of a contested answer is named,
        // not folded away: the other answer would make it count.
        let (contested, folded): (Vec<_>, Vec<_>) = folded
            .into_iter()
            .partition(|v| app.contested().stage_note(v.clock, v.stage).is_some());
        for v in &contested {
            lines.push(Line::from(vec![
                Span::styled(format!("{}.{}", v.clock.id, v.stage.id), t.dim),
                Span::styled(format!(" {}: ", v.stage.title), t.dim),
                Span::styled(stage_words(v, tz), stage_style(&v.state, t)),
            ]));
            lines.extend(contested_line(app, v, t));
        }
        if !folded.is_empty() {
            lines.push(Line::from(Span::styled(
                format!(
                    "▸ {} more do not apply or are not in force: {}",
                    folded.len(),
                    words::stage_titles(&folded)
                ),
                t.dim,
            )));
        }
    }
    let rect = centered(area, 110, area.height.saturating_sub(2));
    Clear.render(rect, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(t.focus_border)
        .title(Span::styled(" Deadline clocks ", t.title))
        .title_bottom(Span::styled(
            format!(
                " {} ",
                app.mode_keys.clocks.hint(&[
                    (&[Clocks::Up, Clocks::Down], "choose"),
                    (&[Clocks::Detail], "details"),
                    (&[Clocks::GoToStep], "go to its step"),
                    (&[Clocks::Close], "back"),
                ])
            ),
            t.dim,
        ));
    let inner = block.inner(rect);
    block.render(rect, buf);
    let scroll = if detail {
        0
    } else {
        u16::try_from(selected_line.saturating_sub(usize::from(inner.height).saturating_sub(2)))
            .unwrap_or(0)
    };
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0))
        .render(inner, buf);
}

/// One clock in full: regime, source, verified-on date, every stage with
/// its state and the step that meets it.
fn clock_detail(
    app: &App,
    v: &clocks::StageView<'_>,
    stages: &[clocks::StageView<'_>],
    tz: chrono_tz::Tz,
    t: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let c = v.clock;
    lines.push(Line::from(Span::styled(
        format!("{} — {}", c.title, v.stage.title),
        t.title,
    )));
    lines.push(Line::from(format!("Regime: {}", c.regime)));
    if let Some(j) = &c.jurisdiction {
        lines.push(Line::from(format!("Jurisdiction: {j}")));
    }
    lines.push(Line::from(format!("Source: {}", c.source)));
    lines.push(Line::from(format!(
        "Verified on: {}{}",
        c.verified_on,
        c.verification
            .map(|v| format!(" ({})", v.label()))
            .unwrap_or_default()
    )));
    lines.push(Line::from(format!("Status: {}", c.status.label())));
    if let Some(when) = &c.when {
        lines.push(Line::from(format!("Applies when: {}", when.source)));
    }
    lines.push(Line::default());
    for s in stages.iter().filter(|s| s.clock.id == c.id) {
        let within = s
            .stage
            .within
            .map(|w| format!(" within {w}"))
            .unwrap_or_default();
        lines.push(Line::from(vec![Span::styled(
            format!(
                "• {} ({}{within} from {})",
                s.stage.title,
                s.stage.id,
                s.stage.from.name()
            ),
            t.title,
        )]));
        lines.push(Line::from(Span::styled(
            format!("  {}", qualified_stage_words(s, tz)),
            stage_style(&s.state, t),
        )));
        lines.extend(contested_line(app, s, t));
        if !s.met_by.is_empty() {
            lines.push(Line::from(Span::styled(
                format!(
                    "  met by the step {}",
                    words::step_titles(&app.playbook, &s.met_by)
                ),
                t.dim,
            )));
        }
        if let Some(n) = &s.stage.notes {
            // Line by line: the dialog's wrapping does not break at a
            // newline inside a span.
            lines.extend(
                n.trim()
                    .lines()
                    .map(|l| Line::from(Span::styled(format!("  {l}"), t.dim))),
            );
        }
    }
    if let Some(notes) = &c.notes {
        lines.push(Line::default());
        for l in notes.lines() {
            lines.push(Line::from(Span::styled(l.to_string(), t.dim)));
        }
    }

    lines
}

/// The open conflicts of the case, both sides named, above the clocks:
/// where a responder looks when a deadline is marked contested.
fn conflict_lines(app: &App, t: &Theme) -> Vec<Line<'static>> {
    let contested = app.contested();
    let Some(marker) = contested.marker() else {
        return Vec::new();
    };
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{marker}: the latest value by time counts until one is settled with `runsheet resolve`"
        ),
        t.danger,
    ))];
    lines.extend(
        contested
            .rows()
            .iter()
            .map(|row| Line::from(Span::styled(format!("  {row}"), t.warn))),
    );
    lines.push(Line::default());
    lines
}

/// `  ⚠ runs from aware_at, contested: 03:55 vs 04:10 UTC` under a stage
/// that reads a contested fact.
fn contested_line(app: &App, v: &clocks::StageView<'_>, t: &Theme) -> Option<Line<'static>> {
    let note = app.contested().stage_note(v.clock, v.stage)?;
    Some(Line::from(Span::styled(format!("  ⚠ {note}"), t.warn)))
}
