//! Phases and the step list: status glyphs, progress, filters.

use std::fmt::Write as _;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::runner::pane_block;
use super::text;
use super::theme::Theme;
use crate::app::{App, Pane};
use crate::run::StepStatus;
use crate::run::query::{self};

pub(super) fn phase_label(app: &App, i: usize) -> (String, bool) {
    let p = query::phase_progress(&app.playbook, app.state(), i);
    let done = p.is_complete() && p.total > 0;
    let glyph = if done { "✓" } else { "" };
    (
        format!(
            "{glyph}{} {}/{}",
            app.playbook.phases[i].title, p.closed, p.total
        ),
        done,
    )
}

pub(super) fn phase_strip(app: &App, t: &Theme) -> Paragraph<'static> {
    // The strip stands in for the Phases pane on narrow screens, so it
    // shows when that pane has the keys.
    let mut spans = if app.focus == Pane::Phases {
        vec![Span::styled("▶ phases (←→, Enter): ", t.title)]
    } else {
        vec![Span::raw(" ")]
    };
    for i in 0..app.playbook.phases.len() {
        let (label, done) = phase_label(app, i);
        let style = if i == app.phase {
            t.selected
        } else if done {
            t.ok
        } else {
            t.base
        };
        if i > 0 {
            spans.push(Span::styled(" │ ", t.dim));
        }
        spans.push(Span::styled(label, style));
    }
    Paragraph::new(Line::from(spans))
}

pub(super) fn phases_pane(app: &App, t: &Theme, area: Rect, buf: &mut Buffer) {
    let block = pane_block("Phases", app.focus == Pane::Phases, t);
    let inner = block.inner(area);
    block.render(area, buf);
    let lines: Vec<Line> = (0..app.playbook.phases.len())
        .map(|i| {
            let p = query::phase_progress(&app.playbook, app.state(), i);
            let glyph = if p.is_complete() && p.total > 0 {
                "✓"
            } else if p.closed > 0 {
                "◐"
            } else {
                "○"
            };
            let title = text::fit(
                &app.playbook.phases[i].title,
                usize::from(inner.width).saturating_sub(9),
            );
            let style = if i == app.phase { t.selected } else { t.base };
            Line::from(vec![
                Span::styled(
                    format!(
                        "{glyph} {title:<w$}",
                        w = usize::from(inner.width).saturating_sub(9)
                    ),
                    style,
                ),
                Span::styled(format!(" {:>2}/{:<2}", p.closed, p.total), t.dim),
            ])
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
}

/// Glyph and style of a step status; a hidden step is always dim.
pub fn status_glyph(status: StepStatus, t: &Theme) -> (&'static str, Style) {
    match status {
        StepStatus::Open => ("○", t.base),
        StepStatus::InProgress => ("▶", t.active),
        StepStatus::Blocked => ("✗", t.danger),
        StepStatus::Skipped => ("↷", t.dim),
        StepStatus::Done => ("✓", t.ok),
    }
}

pub(super) fn steps_pane(app: &App, t: &Theme, area: Rect, buf: &mut Buffer) {
    let phase = &app.playbook.phases[app.phase.min(app.playbook.phases.len().saturating_sub(1))];
    let mut title = format!("Steps: {}", phase.title);
    if app.mine_only {
        title.push_str(" · mine");
    }
    if app.show_hidden {
        title.push_str(" · +hidden");
    }
    let block = pane_block(&title, app.focus == Pane::Steps, t);
    let inner = block.inner(area);
    block.render(area, buf);
    let rows = app.rows(app.phase);
    if rows.is_empty() {
        let why = if app.mine_only {
            "none of your roles' steps here (f: show all)"
        } else {
            "no step applies yet (H: show hidden)"
        };
        Paragraph::new(Span::styled(why, t.dim)).render(inner, buf);
        return;
    }
    let selected = rows
        .iter()
        .position(|r| Some(&r.id) == app.selected.as_ref())
        .unwrap_or(0);
    let height = usize::from(inner.height);
    let first = selected.saturating_sub(height.saturating_sub(1));
    let width = usize::from(inner.width);
    let lines: Vec<Line> =
        rows.iter()
            .enumerate()
            .skip(first)
            .take(height)
            .map(|(i, row)| {
                let Some(step) = app.playbook.step(&row.id) else {
                    return Line::default();
                };
                let (glyph, mut style) = status_glyph(row.status, t);
                if row.hidden.is_some() {
                    style = t.dim;
                }
                let mark = if step.required { "!" } else { " " };
                let mut suffix = String::new();
                if row.overdue {
                    suffix.push_str(" ⚠late");
                } else if let Some(tb) = step.timebox.filter(|_| {
                    row.status == StepStatus::InProgress || row.status == StepStatus::Open
                }) {
                    let _ = write!(suffix, " {tb}");
                }
                if !row.waiting_for.is_empty() && !row.status.is_closed() {
                    suffix.push_str(" ⋯");
                }
                if let Some(role) = &step.role {
                    let _ = write!(suffix, " {role}");
                }
                let title_width = width.saturating_sub(4 + suffix.chars().count());
                let mut line_style = style;
                if i == selected {
                    line_style = line_style.patch(t.selected);
                }
                let title = if row.hidden.is_some() {
                    format!("◌ {}", step.title)
                } else {
                    step.title.clone()
                };
                Line::from(vec![
                    Span::styled(format!("{glyph}{mark} "), line_style),
                    Span::styled(
                        format!("{:<title_width$}", text::fit(&title, title_width)),
                        line_style,
                    ),
                    Span::styled(suffix, if row.overdue { t.danger } else { t.dim }),
                ])
            })
            .collect();
    Paragraph::new(lines).render(inner, buf);
}
