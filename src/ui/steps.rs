//! Phases and the step list: status glyphs, progress, filters.

use std::fmt::Write as _;

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::frame::{pane_block, status_glyph};
use super::text;
use super::theme::Theme;
use crate::app::{App, Pane};
use crate::playbook::Step;
use crate::run::StepStatus;
use crate::run::query::{self, Applicability};

pub(super) fn phase_label(app: &App, i: usize) -> (String, bool) {
    let p = query::phase_progress(&app.playbook, app.state(), i);
    let done = p.is_complete() && p.total > 0;
    let glyph = if done { "✓" } else { "" };
    let title = &app.playbook.phases[i].title;
    let waiting = waiting_on_facts(app, i).len();
    if p.total == 0 && waiting > 0 {
        return (format!("{title} {waiting} waiting on facts"), false);
    }
    (format!("{glyph}{title} {}/{}", p.closed, p.total), done)
}

/// Open steps of a phase whose condition cannot be decided yet because
/// facts are unanswered: they are neither "to do" nor "does not apply".
pub(super) fn waiting_on_facts(app: &App, phase: usize) -> Vec<&Step> {
    let Some(phase) = app.playbook.phases.get(phase) else {
        return Vec::new();
    };
    phase
        .steps
        .iter()
        .filter(|s| app.state().status(&s.id) == StepStatus::Open)
        .filter(|s| {
            matches!(
                query::applicability(s, app.state()),
                Applicability::Undetermined { .. }
            )
        })
        .collect()
}

/// What an empty step list says: which facts the waiting steps need and
/// the first step that asks for them.
fn empty_reason(app: &App) -> String {
    let waiting = waiting_on_facts(app, app.phase);
    if waiting.is_empty() {
        return "no step applies (H: show hidden)".into();
    }
    let mut facts: Vec<String> = Vec::new();
    for step in &waiting {
        if let Applicability::Undetermined { waiting_on, .. } =
            query::applicability(step, app.state())
        {
            for f in waiting_on {
                if !facts.contains(&f) {
                    facts.push(f);
                }
            }
        }
    }
    let asker = app.playbook.steps().find(|s| {
        s.capture.iter().any(|c| facts.contains(c))
            || s.decide.as_ref().is_some_and(|d| facts.contains(&d.fact))
    });
    let names: Vec<String> = facts
        .iter()
        .map(|f| {
            app.playbook
                .fact(f)
                .map_or_else(|| f.clone(), |d| d.prompt.clone())
        })
        .collect();
    let mut why = format!("{} steps waiting on facts.", waiting.len());
    if let Some(step) = asker {
        let _ = write!(why, " Answered in “{}”.", step.title);
    }
    let _ = write!(
        why,
        " H: show them with why. Waiting on: {}",
        names.join("; ")
    );
    why
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

/// A step (or a phase's steps) that may yet apply, once a question is
/// answered: a notification duty not known yet must not read as none.
pub(super) const AWAITS_ANSWER: &str = "?";

/// A step that does not apply, given the answers recorded.
pub(super) const DOES_NOT_APPLY: &str = "◌";

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
                Span::styled(
                    match waiting_on_facts(app, i).len() {
                        n if p.total == 0 && n > 0 => format!(" {n:>2} {AWAITS_ANSWER} "),
                        _ => format!(" {:>2}/{:<2}", p.closed, p.total),
                    },
                    t.dim,
                ),
            ])
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
}

/// ` ⚑ Thu 08:45` on an open step that meets a running legal deadline or
/// the cap of a duty without undue delay (` ⚑ late` once breached), so the
/// list shows which steps the law times.
fn deadline_marker(
    app: &App,
    step: &Step,
    status: StepStatus,
    live: &[crate::clocks::StageView<'_>],
    t: &Theme,
) -> (String, Style) {
    if status.is_closed() {
        return (String::new(), t.dim);
    }
    let Some(v) = live
        .iter()
        .find(|v| step.satisfies.contains(&v.stage_ref()))
    else {
        return (String::new(), t.dim);
    };
    match (&v.state, v.due) {
        (crate::clocks::StageState::Breached { .. }, _) => (" ⚑ late".into(), t.danger),
        (crate::clocks::StageState::Running { used, .. }, Some(due)) => {
            let local = due.with_timezone(&app.tz());
            let style = super::deadlines::urgency(*used, t).1;
            (format!(" ⚑ {}", local.format("%a %H:%M")), style)
        }
        // A duty "without undue delay" shows its cap, the latest it may be met.
        (crate::clocks::StageState::Elapsing { elapsed }, Some(cap)) => {
            let local = cap.with_timezone(&app.tz());
            let style = super::deadlines::cap_urgency(v, *elapsed, t).1;
            (format!(" ⚑ {}", local.format("%a %H:%M")), style)
        }
        _ => (" ⚑".into(), t.warn),
    }
}

/// Step lists narrower than this leave out the role column.
const ROLE_MIN_WIDTH: usize = 36;

pub(super) fn steps_pane(app: &App, t: &Theme, area: Rect, buf: &mut Buffer) {
    let phase = &app.playbook.phases[app.phase.min(app.playbook.phases.len().saturating_sub(1))];
    // Filters lead the title so a cut title still shows them.
    let mut title = "Steps".to_string();
    if app.mine_only {
        title.push_str(" [mine only]");
    }
    if app.show_hidden {
        title.push_str(" [+hidden]");
    }
    let _ = write!(title, ": {}", phase.title);
    let block = pane_block(&title, app.focus == Pane::Steps, t);
    let inner = block.inner(area);
    block.render(area, buf);
    let rows = app.rows(app.phase);
    if rows.is_empty() {
        let why = if app.mine_only {
            "none of your roles' steps here (f: show all)".to_string()
        } else {
            empty_reason(app)
        };
        super::scroll::render(
            &[Line::from(Span::styled(why, t.warn))],
            0,
            "",
            inner,
            buf,
            t,
        );
        return;
    }
    let selected = rows
        .iter()
        .position(|r| Some(&r.id) == app.selected.as_ref())
        .unwrap_or(0);
    let height = usize::from(inner.height);
    let first = selected.saturating_sub(height.saturating_sub(1));
    let width = usize::from(inner.width);
    let live = super::deadlines::live_clocks(app);
    let lines: Vec<Line> = rows
        .iter()
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
            } else if let Some(tb) = step
                .timebox
                .filter(|_| row.status == StepStatus::InProgress || row.status == StepStatus::Open)
            {
                let _ = write!(suffix, " {tb}");
            }
            if !row.waiting_for.is_empty() && !row.status.is_closed() {
                suffix.push_str(" ⋯");
            }
            // Narrow lists keep the title readable: the role is in
            // the Details pane.
            if let Some(role) = step.role.as_ref().filter(|_| width >= ROLE_MIN_WIDTH) {
                let _ = write!(suffix, " {role}");
            }
            let (due, due_style) = deadline_marker(app, step, row.status, &live, t);
            let title_width = width.saturating_sub(4 + text::width(&suffix) + text::width(&due));
            let mut line_style = style;
            if i == selected {
                line_style = line_style.patch(t.selected);
            }
            let title = if row.hidden.is_some() {
                let glyph = if row.awaits_answer {
                    AWAITS_ANSWER
                } else {
                    DOES_NOT_APPLY
                };
                format!("{glyph} {}", step.title)
            } else {
                step.title.clone()
            };
            Line::from(vec![
                Span::styled(format!("{glyph}{mark} "), line_style),
                Span::styled(
                    format!("{:<title_width$}", text::fit(&title, title_width)),
                    line_style,
                ),
                Span::styled(due, due_style),
                Span::styled(suffix, if row.overdue { t.danger } else { t.dim }),
            ])
        })
        .collect();
    Paragraph::new(lines).render(inner, buf);
}
