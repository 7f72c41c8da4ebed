//! The participant view of a drill, for projection: the scenario clock,
//! the injects delivered so far (their text only), progress and running
//! deadlines. No facilitator notes, expected outcomes, evaluations or
//! upcoming injects are ever drawn here.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Paragraph, Widget};

use super::deadlines::{qualified_stage_words, stage_style};
use super::frame::{exercise_band, too_small};
use super::theme::Theme;
use super::{scroll, text};
use crate::app::review::Review;
use crate::app::view_keys::Participant;
use crate::clocks::{self, StageState};
use crate::drill::{ScenarioClock, format_scenario};
use crate::journal::Kind;
use crate::run::query;

#[derive(Debug, Clone, Copy)]
pub struct ParticipantView<'a> {
    pub review: &'a Review,
    pub theme: &'a Theme,
}

impl Widget for ParticipantView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        if area.width < super::frame::MIN_WIDTH || area.height < super::frame::MIN_HEIGHT {
            too_small(area, buf, t);
            return;
        }
        let review = self.review;
        let state = &review.state;
        let origin = state.created_at.unwrap_or(review.now);
        let clock = ScenarioClock::from_controls(origin, &state.drill_controls);
        let scenario_now = clock.scenario_now(review.now);
        let inject_lines = latest_inject_lines(review, t);
        // The latest inject gets the height its text needs, up to two
        // thirds of the screen; the rest keeps at least four rows.
        let room = area.height.saturating_sub(4 + 4);
        let needed = u16::try_from(
            scroll::wrap(&inject_lines, usize::from(area.width.saturating_sub(2))).len(),
        )
        .unwrap_or(u16::MAX)
        .saturating_add(2);
        let inject_height = needed.clamp(4, (room * 2 / 3).max(4));
        let [band, header, inject, body, band2] = Layout::vertical([
            Constraint::Length(1),
            Constraint::Length(2),
            Constraint::Length(inject_height),
            Constraint::Min(4),
            Constraint::Length(1),
        ])
        .areas(area);
        exercise_band(band, buf, t);
        exercise_band(band2, buf, t);
        let running = match (clock.started, clock.running) {
            (false, _) => "waiting to start",
            (true, true) => "running",
            (true, false) => "paused",
        };
        Paragraph::new(vec![
            Line::from(vec![
                Span::styled(format!(" {}", state.title()), t.title),
                Span::styled(
                    format!(
                        "   scenario time {} ({running})",
                        format_scenario(clock.scenario_ms(review.now))
                    ),
                    t.active,
                ),
            ]),
            if review.stop_armed {
                Line::from(Span::styled(
                    format!(
                        " Press {} again to stop projecting (any other key keeps it).",
                        review
                            .keys
                            .participant
                            .keys(Participant::Stop)
                            .first()
                            .map_or_else(|| "ctrl-c".to_string(), ToString::to_string)
                    ),
                    t.warn,
                ))
            } else {
                Line::from(Span::styled(
                    " This is an exercise. Nothing shown here is a real incident.",
                    t.dim,
                ))
            },
        ])
        .render(header, buf);

        latest_inject(&inject_lines, t, inject, buf);
        let [left, right] =
            Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)])
                .spacing(2)
                .areas(body);
        progress(review, t, left, buf);
        deadlines_and_actions(review, scenario_now, t, right, buf);
    }
}

/// The last inject delivered, with its text for participants.
fn latest_inject_lines(review: &Review, t: &Theme) -> Vec<Line<'static>> {
    let state = &review.state;
    match state.injects.last() {
        None => vec![Line::from(Span::styled("No inject yet.", t.dim))],
        Some(i) => {
            let body = review
                .drill
                .as_ref()
                .and_then(|d| d.inject(&i.inject))
                .and_then(|d| d.body.clone())
                .unwrap_or_default();
            let mut lines = vec![Line::from(vec![
                Span::styled(
                    format!(
                        "{} ",
                        i.at.scenario_ms.map(format_scenario).unwrap_or_default()
                    ),
                    t.active,
                ),
                Span::styled(i.title.clone(), t.title),
            ])];
            lines.extend(super::markdown::render(&body, t));
            lines
        }
    }
}

/// The latest inject in its double-ruled box; text that still does not
/// fit ends in a marker so the room knows it is not the whole inject.
fn latest_inject(lines: &[Line<'static>], t: &Theme, inject: Rect, buf: &mut Buffer) {
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(t.warn)
        .title(Span::styled(" Latest inject ", t.title));
    let inner = block.inner(inject);
    block.render(inject, buf);
    scroll::render(lines, 0, " (ask the facilitator)", inner, buf, t);
}

/// Progress by phase and the injects delivered earlier.
fn progress(review: &Review, t: &Theme, left: Rect, buf: &mut Buffer) {
    let state = &review.state;
    let mut progress = vec![Line::from(Span::styled(" Progress", t.title))];
    for (i, phase) in review.playbook.phases.iter().enumerate() {
        let p = query::phase_progress(&review.playbook, state, i);
        progress.push(Line::from(format!(
            "  {} {}/{}",
            text::fit(&phase.title, 28),
            p.closed,
            p.total
        )));
    }
    progress.push(Line::default());
    progress.push(Line::from(Span::styled(" Earlier injects", t.title)));
    let width = usize::from(left.width);
    let room = usize::from(left.height).saturating_sub(scroll::wrap(&progress, width).len());
    progress.extend(earlier_injects(review, t, width, room));
    scroll::render(&progress, 0, "", left, buf, t);
}

/// The injects delivered before the latest, newest first, as many as fit
/// in `room` rows of `width` (a long title wraps), then how many older
/// ones did not fit. A fixed count of six used to drop the oldest (the
/// T+00:00 one of eight) with rows to spare and nothing saying so.
fn earlier_injects(review: &Review, t: &Theme, width: usize, room: usize) -> Vec<Line<'static>> {
    let rows: Vec<Line<'static>> = review
        .state
        .injects
        .iter()
        .rev()
        .skip(1)
        .map(|i| {
            Line::from(Span::styled(
                format!(
                    "  {} {}",
                    i.at.scenario_ms.map(format_scenario).unwrap_or_default(),
                    i.title
                ),
                t.dim,
            ))
        })
        .collect();
    let heights: Vec<usize> = rows
        .iter()
        .map(|l| scroll::wrap(std::slice::from_ref(l), width).len().max(1))
        .collect();
    if heights.iter().sum::<usize>() <= room {
        return rows;
    }
    // One row is kept for the count of those left out.
    let mut used = 0;
    let shown = heights
        .iter()
        .take_while(|h| {
            used += **h;
            used < room
        })
        .count();
    let hidden = rows.len() - shown;
    let mut lines: Vec<Line<'static>> = rows.into_iter().take(shown).collect();
    let noun = if hidden == 1 { "inject" } else { "injects" };
    lines.push(Line::from(Span::styled(
        text::fit(&format!("  + {hidden} older {noun} not shown"), width),
        t.dim,
    )));
    lines
}

/// Running deadlines (on scenario time) and recent actions, without any
/// facilitator entry.
fn deadlines_and_actions(
    review: &Review,
    scenario_now: chrono::DateTime<chrono::Utc>,
    t: &Theme,
    right: Rect,
    buf: &mut Buffer,
) {
    let state = &review.state;
    let tz = state.timezone();
    let mut right_lines = vec![Line::from(Span::styled(
        " Deadlines (scenario time; not legal advice)",
        t.title,
    ))];
    for v in clocks::evaluate(&review.playbook, state, scenario_now)
        .iter()
        .filter(|v| v.state.is_live() || matches!(v.state, StageState::Met { .. }))
    {
        right_lines.push(Line::from(Span::styled(
            format!("  {}: {}", v.stage.title, qualified_stage_words(v, tz)),
            stage_style(&v.state, t),
        )));
    }
    right_lines.push(Line::default());
    right_lines.push(Line::from(Span::styled(" Recent actions", t.title)));
    let recent = (0..review.lines.len())
        .rev()
        .filter(|i| {
            !matches!(
                review.lines.rows()[*i].kind,
                Kind::Observation | Kind::DrillControl | Kind::SessionStarted | Kind::SessionEnded
            )
        })
        .take(8)
        .filter_map(|i| review.lines.line(i))
        .collect::<Vec<_>>();
    for l in recent.into_iter().rev() {
        right_lines.push(Line::from(format!(
            "  {} {}: {}",
            l.entry.scenario_ms.map(format_scenario).unwrap_or_default(),
            l.entry.actor,
            text::entry_summary(&l.entry, &review.playbook)
        )));
    }
    scroll::render(&right_lines, 0, "", right, buf, t);
}
