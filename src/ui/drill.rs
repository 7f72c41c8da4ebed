//! The facilitator's panel in a drill: scenario clock and inject queue.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::theme::Theme;
use super::{scroll, text};
use crate::app::{App, Pane};
use crate::drill::format_scenario;
use crate::playbook::{Inject, Trigger};

/// Rows kept for the selected inject's text (one of them the "more"
/// marker): a page of the scroll step, so paging never skips a line.
const FACILITATOR_DETAIL_ROWS: usize = 6;

/// Scenario clock, controls, and every inject with its state; the selected
/// one shows its text, expected response and facilitator notes.
pub fn facilitator_pane(app: &App, t: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(drill) = &app.drill else { return };
    let focused = app.focus == Pane::Drill;
    let block = super::frame::pane_block("Facilitator (participants do not see this)", focused, t);
    let inner = block.inner(area);
    block.render(area, buf);
    let count = drill.drill.injects.len();
    let room = usize::from(inner.height).saturating_sub(1 + count.min(3) + FACILITATOR_DETAIL_ROWS);
    let (head, safety_below) = head_lines(app, drill, usize::from(inner.width), room, t);
    let head_height = u16::try_from(head.len())
        .unwrap_or(u16::MAX)
        .min(inner.height);
    let rest = inner.height.saturating_sub(head_height + 1);
    let detail_rows = u16::try_from(FACILITATOR_DETAIL_ROWS).unwrap_or(u16::MAX);
    let list_height = u16::try_from(count)
        .unwrap_or(u16::MAX)
        .min((rest / 2).max(3))
        .min(rest.saturating_sub(detail_rows).max(3))
        .min(rest);
    let [head_area, list_title, list_area, detail_area] = Layout::vertical([
        Constraint::Length(head_height),
        Constraint::Length(1),
        Constraint::Length(list_height),
        Constraint::Min(0),
    ])
    .areas(inner);
    Paragraph::new(head).render(head_area, buf);
    let height = usize::from(list_height);
    let first = scroll::list_start(drill.selected, count, height);
    let shown_to = (first + height).min(count);
    let range = if count > height {
        format!(" {}–{} of {count} · j/k", first + 1, shown_to)
    } else {
        String::new()
    };
    Paragraph::new(Line::from(vec![
        Span::styled("Injects", t.title),
        Span::styled(range, t.dim),
    ]))
    .render(list_title, buf);
    let rows: Vec<Line> = drill
        .drill
        .injects
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .map(|(i, inject)| inject_row(app, inject, i == drill.selected && focused, inner.width, t))
        .collect();
    Paragraph::new(rows).render(list_area, buf);
    let mut detail_lines = drill
        .drill
        .injects
        .get(drill.selected)
        .map(|inject| inject_detail(inject, t))
        .unwrap_or_default();
    if !safety_below.is_empty() {
        if !detail_lines.is_empty() {
            detail_lines.push(Line::default());
        }
        detail_lines.push(Line::from(Span::styled("Ground rules:", t.warn)));
        detail_lines.extend(safety_below);
    }
    if !detail_lines.is_empty() {
        // A blank row parts the list from the text when there is room.
        let gap = u16::from(detail_area.height > detail_rows);
        let detail = Rect {
            y: detail_area.y.saturating_add(gap).min(detail_area.bottom()),
            height: detail_area.height.saturating_sub(gap),
            ..detail_area
        };
        scroll::render(
            &detail_lines,
            usize::from(drill.detail_scroll),
            " · PgDn/PgUp",
            detail,
            buf,
            t,
        );
    }
}

/// The pane's fixed head within `room` rows, most important first: the
/// scenario clock and the real-world codeword always (the facilitator
/// must be able to stop the exercise), then the ground rules (whole, else
/// one cut row each), the no-real-calls line and the drill's title as far
/// as they fit. What is left out or cut is returned to follow the
/// inject text, so nothing is lost.
fn head_lines(
    app: &App,
    drill: &crate::drill::DrillState,
    width: usize,
    room: usize,
    t: &Theme,
) -> (Vec<Line<'static>>, Vec<Line<'static>>) {
    let status = match (drill.clock.started, drill.clock.running) {
        (false, _) => "not started — space to start".to_string(),
        (true, true) => format!("running x{}", drill.clock.speed),
        (true, false) => format!("paused (x{})", drill.clock.speed),
    };
    let scenario = Line::from(vec![
        Span::styled(
            format!("Scenario {} ", format_scenario(drill.scenario_ms(app.now))),
            t.title,
        ),
        Span::styled(status, t.active),
    ]);
    let (codeword, no_calls, rules) = safety_lines(&drill.drill, t);
    let mut head = scroll::wrap(&[scenario, codeword], width);
    let mut below = Vec::new();
    let whole = scroll::wrap(&rules, width);
    if head.len() + whole.len() <= room {
        head.extend(whole);
    } else {
        if head.len() + rules.len() <= room {
            head.extend(rules.iter().map(|rule| {
                let style = rule.spans.first().map(|s| s.style).unwrap_or_default();
                Line::from(Span::styled(text::fit(&rule.to_string(), width), style))
            }));
        }
        below.extend(rules);
    }
    let wrapped = scroll::wrap(std::slice::from_ref(&no_calls), width);
    if head.len() + wrapped.len() <= room {
        head.extend(wrapped);
    } else {
        below.insert(0, no_calls);
    }
    if head.len() < room {
        head.insert(
            1,
            Line::from(Span::styled(text::fit(&drill.drill.title, width), t.dim)),
        );
    }
    (head, below)
}

/// One inject in the queue: state glyph, id and title, and when it fires.
fn inject_row(app: &App, inject: &Inject, selected: bool, width: u16, t: &Theme) -> Line<'static> {
    let state = app.state();
    let (glyph, style) = if state.delivered(&inject.id).is_some() {
        ("✓", t.ok)
    } else if state.is_held(&inject.id) {
        ("⏸", t.warn)
    } else {
        ("○", t.base)
    };
    let when = match &inject.trigger {
        Trigger::At(d) => format_scenario(u64::try_from(d.num_milliseconds()).unwrap_or(0)),
        Trigger::AfterStep(s) => format!("after {s}"),
        Trigger::When(c) => format!("when {}", c.source),
        Trigger::Manual => "by hand".into(),
    };
    let rated = state
        .evaluation_of(&inject.id)
        .map(|(r, _)| format!(" [{}]", r.short()))
        .unwrap_or_default();
    let line_style = if selected {
        style.patch(t.selected)
    } else {
        style
    };
    let when = format!(" {}{rated}", text::fit(&when, 16));
    let room = usize::from(width).saturating_sub(text::width(&when) + 2);
    Line::from(vec![
        Span::styled(
            format!(
                "{glyph} {}",
                text::fit(&format!("{} {}", inject.id, inject.title), room)
            ),
            line_style,
        ),
        Span::styled(when, t.dim),
    ])
}

/// The selected inject for the facilitator: its text, then what the
/// team is expected to do and the facilitator's notes, all as Markdown.
fn inject_detail(inject: &Inject, t: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(Span::styled(
        format!("{} {}", inject.id, inject.title),
        t.title,
    ))];
    if let Some(body) = &inject.body {
        lines.extend(super::markdown::render(body, t));
    }
    for (label, text, style) in [
        ("Expect", &inject.expect, t.ok),
        ("Notes", &inject.notes, t.dim),
    ] {
        if let Some(text) = text {
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(format!("{label}:"), style)));
            lines.extend(super::markdown::render(text, t));
        }
    }
    lines
}

/// The real-world codeword, the no-real-calls reminder and the ground
/// rules, as the facilitator must see them before any inject.
fn safety_lines(
    drill: &crate::playbook::Drill,
    t: &Theme,
) -> (Line<'static>, Line<'static>, Vec<Line<'static>>) {
    let codeword = Line::from(match &drill.codeword {
        Some(word) => Span::styled(
            format!("Real-world emergency codeword: {word} — stops the exercise"),
            t.danger,
        ),
        None => Span::styled(
            "No real-world codeword set: agree one before starting".to_string(),
            t.danger,
        ),
    });
    let no_calls = Line::from(Span::styled(
        "External parties are played by the facilitator: no real calls".to_string(),
        t.warn,
    ));
    let rules = drill
        .ground_rules
        .iter()
        .map(|rule| Line::from(Span::styled(format!("• {}", rule.trim()), t.dim)))
        .collect();
    (codeword, no_calls, rules)
}
