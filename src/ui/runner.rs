//! The runner's main screen.
//!
//! ```text
//! ▌EXERCISE · EXERCISE · EXERCISE (drills only)                        ▐
//!  Title · playbook v1 · ⏱ 2h 13m · 14:05 CET (13:05 UTC) · Dana · ✓ saved
//!  Deadlines (not legal advice)
//!  ◕ gdpr-art33.notify  Notify the SA · 11h 02m left · due Tue 14:05 ███░ 85%
//!  Detect 5/5 │ Contain 2/6 │ Notify 0/4 │ Communicate 0/2   (narrow terminals)
//! ┌ Steps: Contain ─────────────┐┌ Isolate affected hosts ───────────────┐
//! │ ✓ Confirm the incident   ic ││ Role: ic (Dana) · in progress 12m      │
//! │ ▶ Isolate hosts       ! 30m ││ instructions, checklist, facts, ...    │
//! └─────────────────────────────┘└────────────────────────────────────────┘
//!  Journal  14:05:12 ✓ saved  Dana: done · Confirm the incident
//!  x done · s skip · b block · n note · a answer · d decide · ? help
//! ```

use chrono::{DateTime, Duration, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Widget, Wrap};

use super::theme::Theme;
use super::{dialogs, markdown, text};
use crate::app::action::Action;
use crate::app::{App, Pane, Saved};
use crate::clocks::{self, StageState, StageView, format_duration};
use crate::drill::format_scenario;
use crate::playbook::value::format_local_and_utc;
use crate::playbook::{FactType, Step};
use crate::run::StepStatus;
use crate::run::query::{self, Applicability};

/// Smallest usable terminal.
pub const MIN_WIDTH: u16 = 40;
pub const MIN_HEIGHT: u16 = 12;

/// The runner screen as a widget.
#[derive(Debug, Clone, Copy)]
pub struct RunnerView<'a> {
    pub app: &'a App,
    pub theme: &'a Theme,
}

impl Widget for RunnerView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
            too_small(area, buf, self.theme);
            return;
        }
        let app = self.app;
        let t = self.theme;
        let exercise = app.state().is_exercise();
        let live = live_clocks(app);
        let clock_rows = if app.playbook.clocks.is_empty() {
            0
        } else {
            1 + live.len().clamp(1, 3) as u16
        };
        let wide = area.width >= 110;
        let banner_rows = u16::from(!app.banners.is_empty() || app.write_error.is_some());
        let inject_rows = u16::from(
            app.drill
                .as_ref()
                .is_some_and(|_| !app.state().injects.is_empty()),
        );
        let [
            ex,
            header,
            banner,
            inject,
            clocks_area,
            strip,
            main,
            notice,
            tail,
            footer,
        ] = Layout::vertical([
            Constraint::Length(u16::from(exercise)),
            Constraint::Length(1),
            Constraint::Length(banner_rows),
            Constraint::Length(inject_rows),
            Constraint::Length(clock_rows),
            Constraint::Length(u16::from(!wide)),
            Constraint::Min(4),
            Constraint::Length(u16::from(!app.notices.is_empty())),
            Constraint::Length(if area.height >= 20 { 3 } else { 1 }),
            Constraint::Length(1),
        ])
        .areas(area);
        if exercise {
            exercise_band(ex, buf, t);
        }
        self::header(app, t, header, buf);
        if banner_rows > 0 {
            banner_line(app, t).render(banner, buf);
        }
        if inject_rows > 0 {
            inject_line(app, t).render(inject, buf);
        }
        if clock_rows > 0 {
            clocks_panel(app, &live, t, clocks_area, buf);
        }
        let main = if wide {
            let [phases, rest] =
                Layout::horizontal([Constraint::Length(26), Constraint::Min(20)]).areas(main);
            phases_pane(app, t, phases, buf);
            rest
        } else {
            phase_strip(app, t).render(strip, buf);
            main
        };
        let show_drill = app.drill.is_some() && (app.focus == Pane::Drill || area.width >= 150);
        let main = if show_drill && area.width >= 150 {
            let [rest, drill] =
                Layout::horizontal([Constraint::Min(60), Constraint::Length(44)]).areas(main);
            super::drill::facilitator_pane(app, t, drill, buf);
            rest
        } else {
            main
        };
        let [steps, detail] =
            Layout::horizontal([Constraint::Percentage(42), Constraint::Percentage(58)])
                .areas(main);
        steps_pane(app, t, steps, buf);
        if show_drill && area.width < 150 {
            super::drill::facilitator_pane(app, t, detail, buf);
        } else {
            detail_pane(app, t, detail, buf);
        }
        if let Some(n) = app.notices.last() {
            let style = if n.urgent { t.danger } else { t.warn };
            Paragraph::new(Line::from(Span::styled(format!(" {}", n.text), style)))
                .render(notice, buf);
        }
        tail_panel(app, t, tail, buf);
        footer_line(app, t, footer.width).render(footer, buf);
        dialogs::overlay(app, t, area, buf);
    }
}

/// The notice shown instead of the screen on a tiny terminal.
pub fn too_small(area: Rect, buf: &mut Buffer, t: &Theme) {
    Clear.render(area, buf);
    let text = vec![
        Line::from(Span::styled("Terminal too small", t.title)),
        Line::from(format!(
            "{}x{} — runsheet needs at least {MIN_WIDTH}x{MIN_HEIGHT}.",
            area.width, area.height
        )),
        Line::from("Enlarge the window; nothing is lost meanwhile."),
    ];
    Paragraph::new(text)
        .wrap(Wrap { trim: true })
        .render(area, buf);
}

pub fn exercise_band(area: Rect, buf: &mut Buffer, t: &Theme) {
    let unit = " EXERCISE ·";
    let text: String = unit
        .repeat(usize::from(area.width) / unit.len() + 1)
        .chars()
        .take(usize::from(area.width))
        .collect();
    Paragraph::new(Line::from(Span::styled(text, t.exercise))).render(area, buf);
}

fn save_status(app: &App, t: &Theme) -> Span<'static> {
    if app.write_error.is_some() {
        return Span::styled("✗ NOT SAVED", t.danger);
    }
    match app.pending().len() {
        0 => Span::styled("✓ all saved", t.ok),
        n => Span::styled(format!("… saving {n}"), t.warn),
    }
}

/// Title and times on the left; who is acting and whether everything is
/// saved on the right, where it is never cut off.
fn header(app: &App, t: &Theme, area: Rect, buf: &mut Buffer) {
    let state = app.state();
    let tz = app.tz();
    let elapsed = state.created_at.map_or_else(String::new, |c| {
        format_duration((app.domain_now() - c).max(Duration::zero()))
    });
    let roles = state.roles_of(&app.identity.actor);
    let who = if roles.is_empty() {
        app.identity.actor.clone()
    } else {
        format!("{} ({})", app.identity.actor, roles.join(", "))
    };
    let status = save_status(app, t);
    let right = vec![Span::raw(format!(" {who} · ")), status];
    let right_width = right
        .iter()
        .map(|s| s.content.chars().count())
        .sum::<usize>()
        + 1;
    let mut left = vec![
        Span::styled(format!(" {}", state.title()), t.title),
        Span::raw(format!(" · ⏱ {elapsed}")),
    ];
    if let Some(d) = &app.drill {
        let ms = d.scenario_ms(app.now);
        let run = match (d.clock.started, d.clock.running) {
            (false, _) => "not started".to_string(),
            (true, true) => format!("▶ x{}", d.clock.speed),
            (true, false) => "⏸ paused".to_string(),
        };
        left.push(Span::styled(
            format!(" · scenario {} {run}", format_scenario(ms)),
            t.active,
        ));
    }
    left.push(Span::styled(
        format!(" · {}", short_time(app.domain_now(), tz)),
        t.dim,
    ));
    left.push(Span::styled(
        format!(" · {} {}", app.playbook.id, app.playbook.version),
        t.dim,
    ));
    let [l, r] = Layout::horizontal([
        Constraint::Min(10),
        Constraint::Length(u16::try_from(right_width).unwrap_or(20)),
    ])
    .areas(area);
    Paragraph::new(Line::from(left)).render(l, buf);
    Paragraph::new(Line::from(right)).render(r, buf);
}

/// `14:05 CET (13:05 UTC)` without the date, for the header.
fn short_time(now: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    let local = now.with_timezone(&tz);
    let zone = local.format("%Z").to_string();
    if zone == "UTC" {
        return now.format("%H:%M UTC").to_string();
    }
    format!("{} ({})", local.format("%H:%M %Z"), now.format("%H:%M UTC"))
}

fn banner_line(app: &App, t: &Theme) -> Paragraph<'static> {
    let line = match &app.write_error {
        Some(e) => Span::styled(
            format!(
                " ✗ WRITE FAILED — the journal is read-only; unsaved actions are marked ✗ below. {e}"
            ),
            t.danger,
        ),
        None => Span::styled(
            format!(" ⚑ {}", app.banners.first().cloned().unwrap_or_default()),
            t.warn,
        ),
    };
    Paragraph::new(Line::from(line))
}

fn inject_line(app: &App, t: &Theme) -> Paragraph<'static> {
    let Some(last) = app.state().injects.last() else {
        return Paragraph::new("");
    };
    let body = app
        .drill
        .as_ref()
        .and_then(|d| d.drill.inject(&last.inject))
        .and_then(|i| i.body.clone())
        .and_then(|b| {
            markdown::render(&b, t)
                .into_iter()
                .find(|l| !l.to_string().trim().is_empty())
        })
        .map(|l| format!(" — {l}"))
        .unwrap_or_default();
    let when = last.at.scenario_ms.map(format_scenario).unwrap_or_default();
    Paragraph::new(Line::from(vec![
        Span::styled(format!(" 📣 INJECT {when} "), t.exercise),
        Span::styled(format!(" {}{body}", last.title), t.title),
    ]))
}

/// Stages that need attention: breached first, then running by due time,
/// then elapsing duties.
pub fn live_clocks(app: &App) -> Vec<StageView<'_>> {
    let mut live: Vec<StageView<'_>> =
        clocks::evaluate(&app.playbook, app.state(), app.domain_now())
            .into_iter()
            .filter(|v| v.state.is_live())
            .collect();
    live.sort_by_key(|v| {
        let rank = match v.state {
            StageState::Breached { .. } => 0,
            StageState::Running { .. } => 1,
            _ => 2,
        };
        (rank, v.due)
    });
    live
}

/// Glyph and style for a share of time used: never colour alone.
pub fn urgency(used: f64, t: &Theme) -> (&'static str, Style) {
    if used >= 1.0 {
        ("✗", t.danger)
    } else if used >= 0.9 {
        ("⚠", t.danger)
    } else if used >= 0.75 {
        ("◕", t.warn)
    } else if used >= 0.5 {
        ("◑", t.warn)
    } else {
        ("◔", t.ok)
    }
}

fn gauge(used: f64, width: usize) -> String {
    let filled = ((used.clamp(0.0, 1.0) * width as f64).round() as usize).min(width);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

fn clocks_panel(app: &App, live: &[StageView<'_>], t: &Theme, area: Rect, buf: &mut Buffer) {
    let tz = app.tz();
    let mut lines = vec![Line::from(vec![
        Span::styled(" Deadlines", t.title),
        Span::styled(" (not legal advice — `c` for sources)", t.dim),
    ])];
    if live.is_empty() {
        let waiting = clocks::evaluate(&app.playbook, app.state(), app.domain_now())
            .iter()
            .filter(|v| matches!(v.state, StageState::Waiting { .. }))
            .count();
        lines.push(Line::from(Span::styled(
            format!("  no deadline running · {waiting} waiting for a trigger"),
            t.dim,
        )));
    }
    let width = usize::from(area.width);
    for v in live.iter().take(usize::from(area.height.saturating_sub(1))) {
        let name = format!("{}.{}", v.clock.id, v.stage.id);
        let cond = if v.provisional.is_empty() {
            ""
        } else {
            "if it applies: "
        };
        let (glyph, style, detail) = match &v.state {
            StageState::Breached { late_by, .. } => (
                "✗",
                t.danger,
                format!(
                    "BREACHED {} ago · was due {}",
                    format_duration(*late_by),
                    due_short(v.due, app.domain_now(), tz)
                ),
            ),
            StageState::Running { remaining, used } => {
                let (g, s) = urgency(*used, t);
                let pct = (used * 100.0).round() as u32;
                let bar = if width > 100 {
                    format!(" {} {pct}%", gauge(*used, 10))
                } else {
                    format!(" {pct}%")
                };
                (
                    g,
                    s,
                    format!(
                        "{} left · due {}{bar}",
                        format_duration(*remaining),
                        due_short(v.due, app.domain_now(), tz)
                    ),
                )
            }
            StageState::Elapsing { elapsed } => (
                "⌛",
                t.warn,
                format!(
                    "{} · {} elapsed",
                    v.stage.soft.as_deref().unwrap_or("no fixed date"),
                    format_duration(*elapsed)
                ),
            ),
            _ => continue,
        };
        let title_width = (width / 3).clamp(20, 48);
        lines.push(Line::from(vec![
            Span::styled(format!("  {glyph} "), style),
            Span::styled(format!("{:<title_width$}", text::fit(&v.stage.title, title_width)), style.add_modifier(ratatui::style::Modifier::BOLD)),
            Span::raw(" "),
            Span::styled(detail, style),
            Span::styled(if cond.is_empty() { String::new() } else { " · if it applies".to_string() }, t.dim),
            Span::styled(format!(" · {name}"), t.dim),
        ]));
    }
    Paragraph::new(lines).render(area, buf);
}

/// A due time for the panel: `today 16:05 CET`, `Tue 3 Nov 08:45 CET`
/// (the clock detail shows it in UTC too).
fn due_short(due: Option<DateTime<Utc>>, now: DateTime<Utc>, tz: chrono_tz::Tz) -> String {
    let Some(due) = due else { return "-".into() };
    let local = due.with_timezone(&tz);
    if local.date_naive() == now.with_timezone(&tz).date_naive() {
        local.format("today %H:%M %Z").to_string()
    } else {
        local.format("%a %-d %b %H:%M %Z").to_string()
    }
}

/// A due time in the incident's zone and UTC.
pub fn due_text(due: Option<DateTime<Utc>>, tz: chrono_tz::Tz) -> String {
    due.map_or_else(|| "-".into(), |d| format_local_and_utc(d, tz))
}

fn phase_label(app: &App, i: usize) -> (String, bool) {
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

fn phase_strip(app: &App, t: &Theme) -> Paragraph<'static> {
    let mut spans = vec![Span::raw(" ")];
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

fn pane_block<'a>(title: String, focused: bool, t: &Theme) -> Block<'a> {
    Block::new()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Rounded
        })
        .border_style(if focused { t.focus_border } else { t.border })
        .title(Span::styled(format!(" {title} "), t.title))
}

fn phases_pane(app: &App, t: &Theme, area: Rect, buf: &mut Buffer) {
    let block = pane_block("Phases".into(), app.focus == Pane::Phases, t);
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

fn steps_pane(app: &App, t: &Theme, area: Rect, buf: &mut Buffer) {
    let phase = &app.playbook.phases[app.phase.min(app.playbook.phases.len().saturating_sub(1))];
    let mut title = format!("Steps: {}", phase.title);
    if app.mine_only {
        title.push_str(" · mine");
    }
    if app.show_hidden {
        title.push_str(" · +hidden");
    }
    let block = pane_block(title, app.focus == Pane::Steps, t);
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
                    suffix.push_str(&format!(" {tb}"));
                }
                if !row.waiting_for.is_empty() && !row.status.is_closed() {
                    suffix.push_str(" ⋯");
                }
                if let Some(role) = &step.role {
                    suffix.push_str(&format!(" {role}"));
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

fn detail_pane(app: &App, t: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(step) = app.selected_step() else {
        let block = pane_block("Details".into(), app.focus == Pane::Detail, t);
        block.render(area, buf);
        return;
    };
    let block = pane_block(
        text::fit(&step.title, usize::from(area.width).saturating_sub(4)),
        app.focus == Pane::Detail,
        t,
    );
    let inner = block.inner(area);
    block.render(area, buf);
    let lines = detail_lines(app, step, t);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((app.detail_scroll, 0))
        .render(inner, buf);
}

fn section(title: &str, t: &Theme) -> Line<'static> {
    Line::from(Span::styled(
        title.to_string(),
        t.title.add_modifier(Modifier::UNDERLINED),
    ))
}

/// Everything the detail pane says about a step.
pub fn detail_lines(app: &App, step: &Step, t: &Theme) -> Vec<Line<'static>> {
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
                since.at.ts.with_timezone(&tz).format("%H:%M"),
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
            .map(|h| format!(" — {h}"))
            .unwrap_or_else(|| " — unassigned".into());
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
        other => lines.push(Line::from(Span::styled(
            format!("◌ hidden: {}", other.reason().unwrap_or_default()),
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
    if let Some(instructions) = &step.instructions {
        lines.push(Line::default());
        lines.extend(markdown::render(instructions, t));
    }
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
    if !step.capture.is_empty() {
        lines.push(Line::default());
        lines.push(section("Facts (a to answer)", t));
        for fact in &step.capture {
            lines.push(fact_line(app, fact, t));
        }
    }
    if let Some(decide) = &step.decide {
        lines.push(Line::default());
        lines.push(section("Decision (d)", t));
        lines.push(Line::from(decide.prompt.clone()));
        match state.decisions.iter().rev().find(|d| d.fact == decide.fact) {
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
                    format!("  because: {}", d.rationale),
                    t.dim,
                )));
            }
            None => lines.push(Line::from(Span::styled("not decided yet", t.warn))),
        }
    }
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
    if step.message.is_some() {
        lines.extend(message_summary(app, step, t));
    }
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
                format!("  {}.{}: {}", v.clock.id, v.stage.id, stage_words(v, tz)),
                stage_style(&v.state, t),
            )));
        }
    }
    if let Some(command) = &step.command {
        lines.push(Line::default());
        lines.push(section("Command (copy; runsheet never runs it)", t));
        lines.push(Line::from(Span::styled(format!("  {command}"), t.code)));
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
    let notes: Vec<_> = state.notes_for(&step.id).collect();
    if !notes.is_empty() {
        lines.push(Line::default());
        lines.push(section("Notes", t));
        for n in notes {
            lines.push(Line::from(vec![
                Span::styled(
                    format!(
                        "{} {}: ",
                        n.at.ts.with_timezone(&tz).format("%H:%M"),
                        n.at.actor
                    ),
                    t.dim,
                ),
                Span::raw(n.text.clone()),
            ]));
        }
    }
    if let Some(history) = state.step(&step.id).filter(|s| !s.history.is_empty()) {
        lines.push(Line::default());
        lines.push(section("History", t));
        for change in &history.history {
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

fn fact_line(app: &App, fact: &str, t: &Theme) -> Line<'static> {
    let def = app.playbook.fact(fact);
    let prompt = def.map_or(fact, |d| d.prompt.as_str());
    match app.state().facts.get(fact).and_then(|f| f.latest()) {
        Some(record) => {
            let value = record
                .effective()
                .map_or_else(|| record.value.to_string(), |v| v.display(def, app.tz()));
            let corrected = if record.correction.is_some() {
                " (corrected)"
            } else {
                ""
            };
            Line::from(vec![
                Span::raw(format!("  {prompt} ")),
                Span::styled(format!("{value}{corrected}"), t.ok),
            ])
        }
        None => {
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
}

fn message_summary(app: &App, step: &Step, t: &Theme) -> Vec<Line<'static>> {
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
    for s in state
        .submissions
        .iter()
        .filter(|s| s.step.as_deref() == Some(&step.id))
    {
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

/// A stage's state in words.
pub fn stage_words(v: &StageView<'_>, tz: chrono_tz::Tz) -> String {
    match &v.state {
        StageState::NotInForce { reason }
        | StageState::NotApplicable { reason }
        | StageState::Waiting { reason } => {
            format!("{} — {reason}", v.state.label())
        }
        StageState::Running { remaining, used } => format!(
            "{} left of the time ({:.0}% used), due {}",
            format_duration(*remaining),
            used * 100.0,
            due_text(v.due, tz)
        ),
        StageState::Elapsing { elapsed } => format!(
            "{}: {} elapsed",
            v.stage.soft.as_deref().unwrap_or("no fixed date"),
            format_duration(*elapsed)
        ),
        StageState::Met { at, margin } => match margin {
            Some(m) => format!(
                "met at {}, {} to spare",
                format_local_and_utc(*at, tz),
                format_duration(*m)
            ),
            None => format!("met at {}", format_local_and_utc(*at, tz)),
        },
        StageState::Breached {
            late_by,
            submitted: None,
        } => {
            format!(
                "BREACHED: {} late, was due {}",
                format_duration(*late_by),
                due_text(v.due, tz)
            )
        }
        StageState::Breached {
            late_by,
            submitted: Some(at),
        } => {
            format!(
                "submitted {} late at {}",
                format_duration(*late_by),
                format_local_and_utc(*at, tz)
            )
        }
    }
}

pub fn stage_style(state: &StageState, t: &Theme) -> Style {
    match state {
        StageState::Breached { .. } => t.danger,
        StageState::Met { .. } => t.ok,
        StageState::Running { used, .. } => urgency(*used, t).1,
        StageState::Elapsing { .. } => t.warn,
        _ => t.dim,
    }
}

fn tail_panel(app: &App, t: &Theme, area: Rect, buf: &mut Buffer) {
    let tz = app.tz();
    let rows = usize::from(area.height);
    let lines: Vec<Line> = app
        .tail
        .iter()
        .rev()
        .take(rows)
        .rev()
        .map(|line| {
            let (status, style) = match &line.status {
                Saved::Saving => ("… saving".to_string(), t.warn),
                Saved::Saved(seq) => (format!("✓ saved #{seq}"), t.ok),
                Saved::Failed(_) => ("✗ NOT SAVED".to_string(), t.danger),
            };
            Line::from(vec![
                Span::styled(
                    format!(" {} ", line.ts.with_timezone(&tz).format("%H:%M:%S")),
                    t.dim,
                ),
                Span::styled(format!("{status:<12}"), style),
                Span::raw(format!(
                    " {}: {}",
                    line.entry.actor,
                    text::entry_summary(&line.entry, &app.playbook)
                )),
            ])
        })
        .collect();
    Paragraph::new(lines).render(area, buf);
}

fn footer_line(app: &App, t: &Theme, width: u16) -> Paragraph<'static> {
    let actions: &[Action] = if app.focus == Pane::Drill {
        &[Action::Help, Action::Quit]
    } else {
        &[
            Action::Open,
            Action::Done,
            Action::Skip,
            Action::Block,
            Action::Note,
            Action::Answer,
            Action::Decide,
            Action::Message,
            Action::Clocks,
            Action::Search,
            Action::NextRequired,
            Action::Help,
            Action::Quit,
        ]
    };
    let mut spans = Vec::new();
    if app.focus == Pane::Drill {
        spans.push(Span::styled(" space start/pause · +/- speed · n next inject · r release · h hold · o observe · w hot-wash ·", t.dim));
    }
    let mut used = spans
        .iter()
        .map(|s| s.content.chars().count())
        .sum::<usize>();
    for action in actions {
        let Some(key) = app.keymap.first(*action) else {
            continue;
        };
        let piece = format!(" {key} {}", action.hint());
        if used + piece.chars().count() > usize::from(width) {
            break;
        }
        used += piece.chars().count();
        spans.push(Span::styled(format!(" {key}"), t.key));
        spans.push(Span::styled(format!(" {}", action.hint()), t.dim));
    }
    Paragraph::new(Line::from(spans))
}
