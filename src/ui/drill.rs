//! The facilitator's panel in a drill: scenario clock and inject queue.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget, Wrap};

use super::text;
use super::theme::Theme;
use crate::app::{App, Pane};
use crate::drill::format_scenario;
use crate::playbook::Trigger;

/// Scenario clock, controls, and every inject with its state; the selected
/// one shows its text, expected response and facilitator notes.
pub fn facilitator_pane(app: &App, t: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(drill) = &app.drill else { return };
    let focused = app.focus == Pane::Drill;
    let block = super::frame::pane_block("Facilitator (participants do not see this)", focused, t);
    let inner = block.inner(area);
    block.render(area, buf);
    let state = app.state();
    let ms = drill.scenario_ms(app.now);
    let status = match (drill.clock.started, drill.clock.running) {
        (false, _) => "not started — space to start".to_string(),
        (true, true) => format!("running x{}", drill.clock.speed),
        (true, false) => format!("paused (x{})", drill.clock.speed),
    };
    let mut lines = vec![
        Line::from(vec![
            Span::styled(format!("Scenario {} ", format_scenario(ms)), t.title),
            Span::styled(status, t.active),
        ]),
        Line::from(Span::styled(
            text::fit(&drill.drill.title, usize::from(inner.width)),
            t.dim,
        )),
    ];
    lines.extend(safety_lines(&drill.drill, t));
    lines.push(Line::default());
    for (i, inject) in drill.drill.injects.iter().enumerate() {
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
        let line_style = if i == drill.selected && focused {
            style.patch(t.selected)
        } else {
            style
        };
        let when = format!(" {}{rated}", text::fit(&when, 16));
        let room = usize::from(inner.width).saturating_sub(when.chars().count() + 2);
        lines.push(Line::from(vec![
            Span::styled(
                format!(
                    "{glyph} {}",
                    text::fit(&format!("{} {}", inject.id, inject.title), room)
                ),
                line_style,
            ),
            Span::styled(when, t.dim),
        ]));
    }
    if let Some(inject) = drill.drill.injects.get(drill.selected) {
        lines.push(Line::default());
        if let Some(body) = &inject.body {
            lines.extend(super::markdown::render(body, t));
        }
        if let Some(expect) = &inject.expect {
            lines.push(Line::from(Span::styled(
                format!("Expect: {}", expect.trim()),
                t.ok,
            )));
        }
        if let Some(notes) = &inject.notes {
            lines.push(Line::from(Span::styled(
                format!("Notes: {}", notes.trim()),
                t.dim,
            )));
        }
    }
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}

/// The real-world codeword and the ground rules, always at the top: the
/// facilitator must be able to stop the exercise for a real emergency.
fn safety_lines(drill: &crate::playbook::Drill, t: &Theme) -> Vec<Line<'static>> {
    let mut lines = vec![Line::from(match &drill.codeword {
        Some(word) => Span::styled(
            format!("Real-world emergency codeword: {word} — stops the exercise"),
            t.danger,
        ),
        None => Span::styled(
            "No real-world codeword set: agree one before starting".to_string(),
            t.danger,
        ),
    })];
    lines.push(Line::from(Span::styled(
        "External parties are played by the facilitator: no real calls".to_string(),
        t.warn,
    )));
    for rule in &drill.ground_rules {
        lines.push(Line::from(Span::styled(
            format!("• {}", rule.trim()),
            t.dim,
        )));
    }
    lines
}
