//! The deadlines panel and how a clock stage is put into words: always
//! visible in the runner, most urgent first, never colour alone.

use chrono::{DateTime, Utc};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

use super::text;
use super::theme::Theme;
use crate::app::App;
use crate::clocks::{self, StageState, StageView, format_duration};
use crate::playbook::value::format_local_and_utc;

/// Stages that need attention, in the clocks screen's order
/// ([`crate::app::urgency::urgency_rank`]).
pub fn live_clocks(app: &App) -> Vec<StageView<'_>> {
    let mut live: Vec<StageView<'_>> =
        clocks::evaluate(&app.playbook, app.state(), app.domain_now())
            .into_iter()
            .filter(|v| v.state.is_live())
            .collect();
    live.sort_by_key(crate::app::urgency::urgency_rank);
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

/// Glyph and style of an elapsing duty: by the share of its cap used when
/// it has one (no gauge and no "left": the cap is a limit, not an allowance).
pub(super) fn cap_urgency(
    v: &StageView<'_>,
    elapsed: chrono::Duration,
    t: &Theme,
) -> (&'static str, Style) {
    match (v.started, v.due) {
        (Some(started), Some(cap)) if cap > started => {
            let minutes =
                |d: chrono::Duration| f64::from(i32::try_from(d.num_minutes()).unwrap_or(i32::MAX));
            let used = minutes(elapsed) / minutes(cap - started).max(1.0);
            urgency(used, t)
        }
        _ => ("⌛", t.warn),
    }
}

/// A share of time used as a whole percentage, 0 to 100 (past 100 %
/// counts as 100: the breach is shown in words).
pub fn percent(used: f64) -> u16 {
    // Clamped to 0..=100 first, so the conversion can neither wrap nor
    // lose a sign.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let pct = (used.clamp(0.0, 1.0) * 100.0).round() as u16;
    pct
}

pub(super) fn gauge(used: f64, width: usize) -> String {
    let filled = (usize::from(percent(used)) * width / 100).min(width);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

pub(super) fn clocks_panel(
    app: &App,
    live: &[StageView<'_>],
    t: &Theme,
    area: Rect,
    buf: &mut Buffer,
) {
    let tz = app.tz();
    let mut lines = vec![Line::from(vec![
        Span::styled(" Deadlines", t.title),
        Span::styled(" (not legal advice — `c` for sources)", t.dim),
    ])];
    if live.is_empty() {
        lines.push(nothing_running(app, t));
    }
    let width = usize::from(area.width);
    let rows = usize::from(area.height.saturating_sub(1));
    // More deadlines than rows: the last row says so, or a running clock
    // would be hidden without a sign.
    let shown = if live.len() > rows {
        rows.saturating_sub(1)
    } else {
        live.len()
    };
    for v in live.iter().take(shown) {
        let name = format!("{}.{}", v.clock.id, v.stage.id);
        let contested = app.contested().stage_note(v.clock, v.stage).is_some();
        let cond = match (contested, v.provisional.is_empty()) {
            (true, true) => "⚠ contested: ",
            (true, false) => "⚠ contested, if it applies: ",
            (false, false) => "if it applies: ",
            (false, true) => "",
        };
        let (glyph, style, detail, extra) = match &v.state {
            StageState::Breached { late_by, .. } => (
                "✗",
                t.danger,
                format!(
                    "BREACHED {} ago · was due {}",
                    format_duration(*late_by),
                    due_short(v.due, app.domain_now(), tz, v.clock.timezone)
                ),
                String::new(),
            ),
            StageState::Running { remaining, used } => {
                let (g, s) = urgency(*used, t);
                let pct = percent(*used);
                let bar = if width > 100 {
                    format!(" {} {pct}%", gauge(*used, 10))
                } else {
                    format!(" {pct}%")
                };
                (
                    g,
                    s,
                    format!(
                        "{} left · due {}",
                        format_duration(*remaining),
                        due_short(v.due, app.domain_now(), tz, v.clock.timezone)
                    ),
                    bar,
                )
            }
            StageState::Elapsing { elapsed } => (
                cap_urgency(v, *elapsed, t).0,
                cap_urgency(v, *elapsed, t).1,
                format!(
                    "{}{} elapsed{}",
                    // On a narrow screen the duty's wording gives way to
                    // the time elapsed and the cap, which must not be cut
                    // (the ⌛ or share glyph already says it has no date).
                    if width > 100 {
                        format!("{} · ", v.stage.soft.as_deref().unwrap_or("no fixed date"))
                    } else {
                        String::new()
                    },
                    format_duration(*elapsed),
                    v.due
                        .map(|cap| format!(
                            " · cap {}",
                            due_short(Some(cap), app.domain_now(), tz, v.clock.timezone)
                        ))
                        .unwrap_or_default()
                ),
                String::new(),
            ),
            _ => continue,
        };
        let strip = StripLine {
            glyph,
            style,
            name: &name,
            cond,
            cond_style: if contested { t.warn } else { t.dim },
            detail: &detail,
            extra: &extra,
            title: &v.stage.title,
        };
        lines.push(strip.fitted(width));
    }
    if let Some(hidden) = live.len().checked_sub(shown).filter(|n| *n > 0) {
        let more = format!("  + {hidden} more running, less urgent: `c` lists every deadline");
        lines.push(Line::from(Span::styled(text::fit(&more, width), t.warn)));
    }
    Paragraph::new(lines).render(area, buf);
}

/// `no deadline running · 6 waiting for a trigger`, and how many stages
/// hang on a contested fact: none running may be only the latest of two
/// contested answers.
fn nothing_running(app: &App, t: &Theme) -> Line<'static> {
    let all = clocks::evaluate(&app.playbook, app.state(), app.domain_now());
    let waiting = all
        .iter()
        .filter(|v| matches!(v.state, StageState::Waiting { .. }))
        .count();
    let mut spans = vec![Span::styled(
        format!("  no deadline running · {waiting} waiting for a trigger"),
        t.dim,
    )];
    let hanging = all
        .iter()
        .filter(|v| app.contested().stage_note(v.clock, v.stage).is_some())
        .count();
    if hanging > 0 {
        spans.push(Span::styled(
            format!(" · ⚠ {hanging} hang on a contested fact (`c`)"),
            t.warn,
        ));
    }
    Line::from(spans)
}

/// One deadline in the strip, before it is fitted to a width.
struct StripLine<'a> {
    glyph: &'a str,
    style: Style,
    /// `clock.stage`, which tells two lines of one regime apart.
    name: &'a str,
    /// "if it applies: " while the regime may not bind, "⚠ contested: "
    /// while it reads a fact an open conflict is on, else empty.
    cond: &'a str,
    cond_style: Style,
    /// The time left or elapsed and the due time: what a responder must
    /// read, kept whole before anything else.
    detail: &'a str,
    /// A share used or its gauge: shown only when it fits whole.
    extra: &'a str,
    title: &'a str,
}

/// Fewest columns a shortened `clock.stage` name keeps.
const NAME_MIN: usize = 12;

impl StripLine<'_> {
    /// The line in `width` columns. What gives way, in turn: the stage
    /// title, the share used, the middle of the name (down to [`NAME_MIN`] columns; its clock's start and its stage's end stay, so two cut names
    /// differ); only then the end of
    /// the detail. "if it applies" and the time are never dropped for them.
    fn fitted(&self, width: usize) -> Line<'static> {
        let frame = text::width(&format!("  {}  ", self.glyph)) + text::width(self.cond);
        let detail_room = width.saturating_sub(frame + text::width(self.detail));
        let extra = if text::width(self.extra) + text::width(self.name) <= detail_room {
            self.extra
        } else {
            ""
        };
        let name_room = detail_room.saturating_sub(text::width(extra)).max(NAME_MIN);
        let name = text::fit_middle(self.name, name_room);
        let head = format!("  {} {name} ", self.glyph);
        let detail = format!("{}{extra}", self.detail);
        let used = text::width(&head) + text::width(self.cond) + text::width(&detail);
        let room = width.saturating_sub(used + 3);
        let title = if room >= 8 {
            format!(" · {}", text::fit(self.title, room))
        } else {
            String::new()
        };
        let detail = text::fit(
            &detail,
            width.saturating_sub(text::width(&head) + text::width(self.cond)),
        );
        Line::from(vec![
            Span::styled(
                head,
                self.style.add_modifier(ratatui::style::Modifier::BOLD),
            ),
            Span::styled(self.cond.to_string(), self.cond_style),
            Span::styled(detail, self.style),
            Span::styled(title, self.style),
        ])
    }
}

/// A due time for the panel: `today 16:05 CET`, `Tue 3 Nov 08:45 CET`.
/// A clock whose law counts in its own zone (SEC: New York) shows that
/// zone's time first: `Thu 3 Dec 17:30 ET (23:30 CET)`.
pub fn due_short(
    due: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    tz: chrono_tz::Tz,
    clock_tz: Option<chrono_tz::Tz>,
) -> String {
    let Some(due) = due else { return "-".into() };
    let local = due.with_timezone(&tz);
    let ours = if local.date_naive() == now.with_timezone(&tz).date_naive() {
        format!("today {}", local.format("%H:%M"))
    } else {
        local.format("%a %-d %b %H:%M").to_string()
    };
    let ours = format!("{ours} {}", zone_name(&local.format("%Z").to_string()));
    match clock_tz.filter(|c| *c != tz) {
        Some(law) => {
            let theirs = due.with_timezone(&law);
            format!(
                "{} {} ({} {})",
                theirs.format("%a %-d %b %H:%M"),
                zone_name(&theirs.format("%Z").to_string()),
                local.format("%H:%M"),
                zone_name(&local.format("%Z").to_string()),
            )
        }
        None => ours,
    }
}

/// US zone abbreviations as counsel writes them in deadlines (`ET`, not
/// `EST`/`EDT`, which change with the season); others as they are.
fn zone_name(abbreviation: &str) -> String {
    match abbreviation {
        "EST" | "EDT" => "ET".into(),
        "CST" | "CDT" => "CT".into(),
        "MST" | "MDT" => "MT".into(),
        "PST" | "PDT" => "PT".into(),
        other => other.into(),
    }
}

/// A due time in the incident's zone and UTC, after the law's own zone
/// when the clock has one.
pub fn due_text(
    due: Option<DateTime<Utc>>,
    tz: chrono_tz::Tz,
    clock_tz: Option<chrono_tz::Tz>,
) -> String {
    let Some(d) = due else { return "-".into() };
    match clock_tz.filter(|c| *c != tz) {
        Some(law) => {
            let theirs = d.with_timezone(&law);
            format!(
                "{} {} = {}",
                theirs.format("%a %-d %b %Y %H:%M"),
                zone_name(&theirs.format("%Z").to_string()),
                format_local_and_utc(d, tz)
            )
        }
        None => format_local_and_utc(d, tz),
    }
}

/// [`stage_words`], led by "if it applies: " while the facts deciding
/// whether the regime applies are unanswered: without it a NIS2 or DORA
/// duty that may not bind at all reads as one that is running.
pub fn qualified_stage_words(v: &StageView<'_>, tz: chrono_tz::Tz) -> String {
    let words = stage_words(v, tz);
    if v.provisional.is_empty() {
        words
    } else {
        format!("if it applies: {words}")
    }
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
            due_text(v.due, tz, v.clock.timezone)
        ),
        StageState::Elapsing { elapsed } => format!(
            "{}: {} elapsed{}",
            v.stage.soft.as_deref().unwrap_or("no fixed date"),
            format_duration(*elapsed),
            v.due
                .map(|cap| format!(
                    ", at the latest by {}",
                    due_text(Some(cap), tz, v.clock.timezone)
                ))
                .unwrap_or_default()
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
                due_text(v.due, tz, v.clock.timezone)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn d6_a_clock_with_its_own_zone_shows_that_zone_first() {
        let due = Some(utc("2026-12-03T22:30:00Z"));
        let now = utc("2026-11-28T12:00:00Z");
        let ams = chrono_tz::Europe::Amsterdam;
        let ny = Some(chrono_tz::America::New_York);
        assert_eq!(
            due_short(due, now, ams, ny),
            "Thu 3 Dec 17:30 ET (23:30 CET)"
        );
        assert_eq!(due_short(due, now, ams, None), "Thu 3 Dec 23:30 CET");
        assert_eq!(
            due_text(due, ams, ny),
            "Thu 3 Dec 2026 17:30 ET = 2026-12-03 23:30 CET (22:30 UTC)"
        );
        // A clock in the incident's own zone is not shown twice.
        assert_eq!(due_short(due, now, ams, Some(ams)), "Thu 3 Dec 23:30 CET");
    }

    fn strip(name: &str, cond: &str, detail: &str, extra: &str, width: usize) -> String {
        let t = Theme::mono();
        StripLine {
            glyph: "◔",
            style: t.ok,
            name,
            cond,
            cond_style: t.dim,
            detail,
            extra,
            title: "Send the early warning to the CSIRT",
        }
        .fitted(width)
        .to_string()
    }

    #[test]
    fn d6_a_cut_deadline_line_keeps_the_regime_and_the_time_left() {
        for (name, short) in [
            ("nis2.early-warning", "nis2.e…rning"),
            ("dora.initial", "dora.initial"),
        ] {
            let line = strip(
                name,
                "if it applies: ",
                "BREACHED 6h 00m ago · was due Sat 28 Nov 21:03 CET",
                "",
                80,
            );
            assert!(text::width(&line) <= 80, "{line}");
            assert!(line.contains(short), "{line}");
            assert!(
                line.contains("if it applies: BREACHED 6h 00m ago · was due Sat 28 Nov"),
                "{line}"
            );
        }
        let wide = strip(
            "sec-8k-item105.form-8k",
            "",
            "4d 20h left · due Thu 3 Dec 17:30 ET (23:30 CET)",
            "",
            120,
        );
        assert!(wide.contains("17:30 ET (23:30 CET) · Send the"), "{wide}");
    }

    /// The defect: at 80 columns a long `clock.stage` name pushed the due
    /// time's hour and zone off the line ("due Tue 1 Dec…").
    #[test]
    fn at_80_columns_the_due_time_is_kept_whole_and_the_name_gives_way() {
        let detail = "21h 58m left · due Tue 1 Dec 21:47 CET";
        let line = strip(
            "host-csirt-target.early-warning",
            "if it applies: ",
            detail,
            " 9%",
            80,
        );
        assert!(text::width(&line) <= 80, "{line}");
        assert!(
            line.ends_with(&format!("if it applies: {detail}")),
            "{line}"
        );
        assert!(line.contains(" host-csirt-…ly-warning "), "{line}");
        // With room, the name and the share used are whole.
        let wide = strip(
            "host-csirt-target.early-warning",
            "if it applies: ",
            detail,
            " 9%",
            120,
        );
        assert!(
            wide.contains(&format!(
                "host-csirt-target.early-warning if it applies: {detail} 9%"
            )),
            "{wide}"
        );
        // At 60 columns the time left and the day go before the name's
        // middle does.
        let narrow = strip(
            "host-csirt-target.early-warning",
            "if it applies: ",
            detail,
            " 9%",
            60,
        );
        assert!(text::width(&narrow) <= 60, "{narrow}");
        assert!(
            narrow.contains("if it applies: 21h 58m left · due Tue 1"),
            "{narrow}"
        );
    }
}
