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
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::frame::{MIN_HEIGHT, MIN_WIDTH, exercise_band, too_small};
use super::theme::Theme;
use super::{deadlines, detail, dialogs, markdown, steps, text};
use crate::app::action::Action;
use crate::app::modes::Facilitator;
use crate::app::{App, Pane, Saved};
use crate::clocks::format_duration;
use crate::drill::format_scenario;

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
        let live = deadlines::live_clocks(app);
        let clock_rows = if app.playbook.clocks.is_empty() {
            0
        } else {
            1 + u16::try_from(live.len().clamp(1, 3)).unwrap_or(3)
        };
        let wide = area.width >= 110;
        let banner_rows = u16::from(!app.banners.is_empty() || app.write_error.is_some());
        // The latest inject, to the facilitator and to a participant in a
        // team drill alike (the participant sees its title only: the
        // scenario file stays the facilitator's).
        let inject_rows =
            u16::from(app.scenario_clock().is_some() && !app.state().injects.is_empty());
        let [
            ex,
            header,
            team,
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
            Constraint::Length(u16::from(super::team::shown(app))),
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
        super::team::team_line(app, t, team, buf);
        if banner_rows > 0 {
            banner_line(app, t).render(banner, buf);
        }
        if inject_rows > 0 {
            inject_line(app, t).render(inject, buf);
        }
        if clock_rows > 0 {
            deadlines::clocks_panel(app, &live, t, clocks_area, buf);
        }
        let main = if wide {
            let [phases, rest] = Layout::horizontal([
                Constraint::Length(phases_width(app, area.width)),
                Constraint::Min(20),
            ])
            .areas(main);
            steps::phases_pane(app, t, phases, buf);
            rest
        } else {
            steps::phase_strip(app, t).render(strip, buf);
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
        let [steps_area, detail] =
            Layout::horizontal([Constraint::Percentage(42), Constraint::Percentage(58)])
                .areas(main);
        steps::steps_pane(app, t, steps_area, buf);
        if show_drill && area.width < 150 {
            super::drill::facilitator_pane(app, t, detail, buf);
        } else {
            detail::detail_pane(app, t, detail, buf);
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

/// The phases pane grows with its longest title on wide terminals (up to
/// a quarter of the width, from 150 columns), so names are not cut when
/// there is room; narrower screens keep the room for step titles.
fn phases_width(app: &App, width: u16) -> u16 {
    let longest = app
        .playbook
        .phases
        .iter()
        .map(|p| text::width(&p.title))
        .max()
        .unwrap_or(0);
    if width < 150 {
        return 26;
    }
    let wanted = u16::try_from(longest + 11).unwrap_or(u16::MAX);
    wanted.clamp(26, (width / 4).max(26))
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
    let elapsed = since_label(app);
    let roles = state.roles_of(&app.identity.actor);
    let who = if roles.is_empty() {
        app.identity.actor.clone()
    } else {
        format!("{} ({})", app.identity.actor, roles.join(", "))
    };
    let status = save_status(app, t);
    let right = vec![Span::raw(format!(" {who} · ")), status];
    let right_width = right.iter().map(|s| text::width(&s.content)).sum::<usize>() + 1;
    // Most important first: pieces that do not fit are left out whole,
    // never cut mid-word; the title takes what room is left.
    let mut left = Vec::new();
    let scenario = app.scenario_clock();
    if let Some(clock) = scenario {
        let ms = clock.scenario_ms(app.now);
        let run = match (clock.started, clock.running) {
            (false, _) => "not started".to_string(),
            (true, true) => format!("▶ x{}", clock.speed),
            (true, false) => "⏸ paused".to_string(),
        };
        left.push(Span::styled(
            format!(" · scenario {} {run}", format_scenario(ms)),
            t.active,
        ));
    }
    left.push(Span::raw(format!(" · ⏱ {elapsed}")));
    // In a drill "now" is the scenario clock's: a time of day shown bare
    // would read as the wall clock (the UTC twin is left out for room).
    let now = if scenario.is_some() {
        let local = app.domain_now().with_timezone(&tz);
        format!("scenario time {}", local.format("%H:%M %Z"))
    } else {
        short_time(app.domain_now(), tz)
    };
    left.push(Span::styled(format!(" · {now}"), t.dim));
    left.push(Span::styled(
        format!(" · {} {}", app.playbook.id, app.playbook.version),
        t.dim,
    ));
    let [l, r] = Layout::horizontal([
        Constraint::Min(10),
        Constraint::Length(u16::try_from(right_width).unwrap_or(20)),
    ])
    .areas(area);
    let room = usize::from(l.width);
    let title_min = text::width(state.title()).min(16) + 1;
    let mut used = title_min;
    let kept: Vec<Span> = left
        .into_iter()
        .take_while(|s| {
            used += text::width(&s.content);
            used <= room
        })
        .collect();
    let rest: usize = kept.iter().map(|s| text::width(&s.content)).sum();
    let mut line = vec![Span::styled(
        format!(
            " {}",
            text::fit(state.title(), room.saturating_sub(rest + 1))
        ),
        t.title,
    )];
    line.extend(kept);
    Paragraph::new(Line::from(line)).render(l, buf);
    Paragraph::new(Line::from(right)).render(r, buf);
}

/// The fact recording when the organisation became aware (the reports
/// measure from it too).
const AWARE_FACT: &str = "aware_at";

/// `since aware 2h 08m`, counted from the awareness fact once answered
/// (legal clocks run from it; `⚠ contested` while an open conflict is on
/// it), else `since opened 9m`.
fn since_label(app: &App) -> String {
    let now = app.domain_now();
    let aware = match app.state().fact(AWARE_FACT) {
        Some(crate::playbook::value::FactValue::DateTime(t)) => Some(*t),
        _ => None,
    };
    match (aware, app.state().created_at) {
        (Some(t), _) => format!(
            "since aware {}{}",
            format_duration((now - t).max(Duration::zero())),
            // Counted from the latest value by time; which is right is
            // open until someone settles it.
            if app.contested().fact(AWARE_FACT).is_some() {
                " ⚠ contested"
            } else {
                ""
            }
        ),
        (None, Some(c)) => format!(
            "since opened {}",
            format_duration((now - c).max(Duration::zero()))
        ),
        (None, None) => String::new(),
    }
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
            match app.unsaved.first() {
                Some(first) => format!(
                    " ✗ NOT saved (Ctrl-R retries): {e} · {}{}",
                    crate::ui::text::entry_summary(
                        &first.draft.clone().into_entry(0, String::new()),
                        &app.playbook
                    ),
                    match app.unsaved.len() {
                        1 => String::new(),
                        n => format!(" and {} more", n - 1),
                    }
                ),
                None => format!(
                    " ✗ WRITE FAILED — the journal is read-only; unsaved actions are marked ✗ below. {e}"
                ),
            },
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

/// The facilitator panel's keys the footer names, most used first.
const DRILL_KEYS: [(Facilitator, &str); 8] = [
    (Facilitator::StartPause, "start/pause"),
    (Facilitator::Faster, "speed"),
    (Facilitator::NextInject, "next inject"),
    (Facilitator::Release, "release"),
    (Facilitator::Hold, "hold"),
    (Facilitator::Observe, "observe"),
    (Facilitator::HotWash, "hot-wash"),
    (Facilitator::ScrollDown, "inject text"),
];

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
    // `? help` and `q quit` are reserved first: at any width the way to
    // every other key stays on screen.
    let piece = |action: Action| {
        app.keymap
            .first(action)
            .map(|key| (format!(" {key}"), format!(" {}", action.hint())))
    };
    let reserved: Vec<(String, String)> = [Action::Help, Action::Quit]
        .into_iter()
        .filter_map(piece)
        .collect();
    let mut budget = usize::from(width).saturating_sub(
        reserved
            .iter()
            .map(|(k, h)| text::width(k) + text::width(h))
            .sum(),
    );
    let mut spans = Vec::new();
    let add = |spans: &mut Vec<Span<'static>>, key: String, hint: String, budget: &mut usize| {
        let w = text::width(&key) + text::width(&hint);
        if w > *budget {
            return false;
        }
        *budget -= w;
        spans.push(Span::styled(key, t.key));
        spans.push(Span::styled(hint, t.dim));
        true
    };
    if app.focus == Pane::Drill {
        for (action, hint) in DRILL_KEYS {
            let keys = &app.mode_keys.facilitator;
            let Some(mut key) = keys.keys(action).first().map(ToString::to_string) else {
                continue;
            };
            // One footer entry for the speed: `+/-`.
            if action == Facilitator::Faster
                && let Some(slower) = keys.keys(Facilitator::Slower).first()
            {
                key = format!("{key}/{slower}");
            }
            if !add(
                &mut spans,
                format!(" {key}"),
                format!(" {hint}"),
                &mut budget,
            ) {
                break;
            }
        }
    }
    for action in actions
        .iter()
        .filter(|a| !matches!(a, Action::Help | Action::Quit))
    {
        let Some((key, hint)) = piece(*action) else {
            continue;
        };
        if !add(&mut spans, key, hint, &mut budget) {
            break;
        }
    }
    for (key, hint) in reserved {
        spans.push(Span::styled(key, t.key));
        spans.push(Span::styled(hint, t.dim));
    }
    Paragraph::new(Line::from(spans))
}
