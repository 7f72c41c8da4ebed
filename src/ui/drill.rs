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

/// Scenario clock, controls, and every inject with its state; the selected
/// one shows its text, expected response and facilitator notes.
pub fn facilitator_pane(app: &App, t: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(drill) = &app.drill else { return };
    let focused = app.focus == Pane::Drill;
    let block = super::runner::pane_block("Facilitator (participants do not see this)", focused, t);
    let inner = block.inner(area);
    block.render(area, buf);
    let ms = drill.scenario_ms(app.now);
    let status = match (drill.clock.started, drill.clock.running) {
        (false, _) => "not started — space to start".to_string(),
        (true, true) => format!("running x{}", drill.clock.speed),
        (true, false) => format!("paused (x{})", drill.clock.speed),
    };
    let head = vec![
        Line::from(vec![
            Span::styled(format!("Scenario {} ", format_scenario(ms)), t.title),
            Span::styled(status, t.active),
        ]),
        Line::from(Span::styled(
            text::fit(&drill.drill.title, usize::from(inner.width)),
            t.dim,
        )),
    ];
    let count = drill.drill.injects.len();
    let rest = inner.height.saturating_sub(3);
    let list_height = u16::try_from(count)
        .unwrap_or(u16::MAX)
        .min((rest / 2).max(3))
        .min(rest);
    let [head_area, list_title, list_area, detail_area] = Layout::vertical([
        Constraint::Length(2),
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
    if let Some(inject) = drill.drill.injects.get(drill.selected) {
        let detail = Rect {
            y: detail_area.y.saturating_add(1).min(detail_area.bottom()),
            height: detail_area.height.saturating_sub(1),
            ..detail_area
        };
        scroll::render(
            &inject_detail(inject, t),
            usize::from(drill.detail_scroll),
            " · PgDn/PgUp",
            detail,
            buf,
            t,
        );
    }
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
        .map(|(r, _)| format!(" [{}]", r.label()))
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
