//! The team line of a runner inside a case, under the header: the open
//! conflicts, who else is in the incident and how fresh each journal is,
//! lines refused from another journal, and the last sync with its result.
//!
//! ```text
//!  ⚠ 1 open conflict (`c`) · With Tomas Novák · 12 s ago │ Ana Ruiz · 4 min ago   sync 14:05 ok
//! ```

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::text;
use super::theme::Theme;
use crate::app::App;
use crate::app::live::Team;
use crate::case::live::{SyncOutcome, freshness};

/// Whether the runner shows a team line (it is inside a case).
pub fn shown(app: &App) -> bool {
    app.team.is_some()
}

fn sync_span(app: &App, team: &Team, t: &Theme) -> Span<'static> {
    if team.syncing {
        return Span::styled(" syncing…", t.warn);
    }
    match &team.last_sync {
        None => Span::styled(" not synced yet", t.dim),
        Some(report) => {
            let at = report.at.with_timezone(&app.tz()).format("%H:%M");
            let style = match report.outcome {
                SyncOutcome::Ok => t.ok,
                SyncOutcome::Offline => t.warn,
                SyncOutcome::Conflict(_) | SyncOutcome::Failed(_) => t.danger,
            };
            Span::styled(format!(" sync {at} {}", report.outcome.label()), style)
        }
    }
}

/// Renders the team line into `area` (one row).
pub fn team_line(app: &App, t: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(team) = app.team.as_ref() else {
        return;
    };
    let sync = sync_span(app, team, t);
    let sync_width = u16::try_from(text::width(&sync.content) + 1).unwrap_or(30);
    let [left, right] =
        Layout::horizontal([Constraint::Min(10), Constraint::Length(sync_width)]).areas(area);
    let mut spans = Vec::new();
    // First, so no width cuts it: a contested value is on screen as if
    // settled until someone resolves it (`c` lists both sides).
    if let Some(marker) = team.contested.marker() {
        spans.push(Span::styled(format!(" {marker} (`c`) ·"), t.danger));
    }
    if !team.refused.is_empty() {
        spans.push(Span::styled(
            format!(" ⚠ {} refused ·", team.refused.len()),
            t.danger,
        ));
    }
    let others = team.case.others();
    if others.is_empty() {
        spans.push(Span::styled(" nobody else has written yet", t.dim));
    } else {
        spans.push(Span::styled(" With ", t.dim));
        for (i, who) in others.iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(" │ ", t.dim));
            }
            spans.push(Span::raw(who.actor.clone()));
            spans.push(Span::styled(
                format!(" · {}", freshness(app.now, who.last)),
                t.dim,
            ));
        }
    }
    // Cut at the edge: the sync result on the right is never cut.
    let room = usize::from(left.width);
    let mut used = 0;
    let kept: Vec<Span> = spans
        .into_iter()
        .map(|s| {
            let left_room = room.saturating_sub(used);
            let w = text::width(&s.content);
            used += w.min(left_room);
            if w <= left_room {
                s
            } else {
                Span::styled(text::fit(&s.content, left_room), s.style)
            }
        })
        .collect();
    Paragraph::new(Line::from(kept)).render(left, buf);
    Paragraph::new(Line::from(sync)).render(right, buf);
}
