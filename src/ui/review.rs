//! The review screen: verification header, tabs, timeline with filters,
//! state at the time cursor, metrics.

use std::fmt::Write as _;

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Widget};

use super::deadlines::{qualified_stage_words, stage_style};
use super::frame::status_glyph;
use super::frame::{exercise_band, too_small};
use super::theme::Theme;
use super::{document, scroll, text};
use crate::app::modes::Review as Act;
use crate::app::review::{Review, Tab};
use crate::clocks;
use crate::journal::Kind;
use crate::run::{EntryTime, query};

/// The review screen; takes `&mut` because the time cursor's state and the
/// metrics are computed on demand and cached.
#[derive(Debug)]
pub struct ReviewView<'a> {
    pub review: &'a mut Review,
    pub theme: &'a Theme,
}

impl Widget for ReviewView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        if area.width < super::frame::MIN_WIDTH || area.height < super::frame::MIN_HEIGHT {
            too_small(area, buf, t);
            return;
        }
        let review = self.review;
        let exercise = review.state.is_exercise();
        let warnings = review.header_warnings();
        let [band, header, verify, warned, tabs, body, footer] = Layout::vertical([
            Constraint::Length(u16::from(exercise)),
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Length(u16::try_from(warnings.len()).unwrap_or(u16::MAX)),
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
        ])
        .areas(area);
        if exercise {
            exercise_band(band, buf, t);
        }
        Paragraph::new(Line::from(vec![
            Span::styled(format!(" {}", review.state.title()), t.title),
            Span::styled(
                format!(
                    " · {} {} · {} · read-only",
                    review.playbook.id, review.playbook.version, review.journal_name
                ),
                t.dim,
            ),
            Span::styled(
                if review.follow {
                    " · ● following"
                } else {
                    ""
                },
                t.active,
            ),
        ]))
        .render(header, buf);
        verification_line(review, t, usize::from(verify.width)).render(verify, buf);
        warnings_line(&warnings, t, usize::from(warned.width)).render(warned, buf);
        let mut spans = vec![Span::raw(" ")];
        for (i, tab) in Tab::ALL.iter().enumerate() {
            let style = if *tab == review.tab {
                t.selected
            } else {
                t.dim
            };
            spans.push(Span::styled(format!(" {} {} ", i + 1, tab.title()), style));
        }
        Paragraph::new(Line::from(spans)).render(tabs, buf);
        match review.tab {
            Tab::Timeline => timeline(review, t, body, buf),
            Tab::State => state_at(review, t, body, buf),
            Tab::Metrics => {
                let lines = document::lines(review.metrics(), t);
                let shown = scroll::render(
                    &lines,
                    usize::from(review.scroll),
                    " · ↓/PgDn",
                    body,
                    buf,
                    t,
                );
                review.scroll = u16::try_from(shown.offset).unwrap_or(u16::MAX);
            }
        }
        let hint = match &review.searching {
            Some(editor) => format!(" search: {}▏ Enter apply · Esc cancel", editor.text()),
            None => format!(
                " {}",
                review.keys.review.hint(&[
                    (&[Act::Help], "help"),
                    (&[Act::Quit], "quit"),
                    (&[Act::Up, Act::Down], "move"),
                    (&[Act::StateAtCursor], "state at entry"),
                    (&[Act::Search], "search"),
                    (&[Act::FilterKind], "kind"),
                    (&[Act::FilterActor], "actor"),
                    (&[Act::FilterPhase], "phase"),
                    (&[Act::FilterStep], "step"),
                    (&[Act::ClearFilters], "clear"),
                    (&[Act::NextTab], "view"),
                    (&[Act::Follow], "follow"),
                ])
            ),
        };
        Paragraph::new(Line::from(Span::styled(
            text::fit(&hint, usize::from(footer.width)),
            t.dim,
        )))
        .render(footer, buf);
        if review.help {
            super::dialogs::review_help(&review.keys.review, t, area, buf);
        }
    }
}

fn verification_line(review: &Review, t: &Theme, width: usize) -> Paragraph<'static> {
    let head = review
        .head_hash
        .as_deref()
        .map_or("none".into(), std::string::ToString::to_string);
    let line = match &review.broken {
        // Until the whole chain is checked nothing is claimed of it.
        _ if review.verifying().is_some() => verifying_line(review, t),
        // A torn tail is not intact: `verify` exits 1 on it, and the
        // header must not say otherwise.
        None if review.torn_tail > 0 => Line::from(vec![
            Span::styled(
                format!(
                    " ✗ INCOMPLETE: {} entries verify, then {} bytes of an interrupted write (not shown)",
                    review.lines.len(),
                    review.torn_tail
                ),
                t.warn,
            ),
            Span::styled(format!(" · head {head}"), t.dim),
        ]),
        // A changed or missing message text is a failure too: the header
        // never says intact while a draft does not match its entry.
        None if !review.draft_problems.is_empty() => Line::from(vec![
            Span::styled(
                format!(
                    " ✗ MESSAGE DRAFTS DO NOT MATCH ({} {}): {}",
                    review.draft_problems.len(),
                    if review.draft_problems.len() == 1 {
                        "entry"
                    } else {
                        "entries"
                    },
                    crate::printable::printable(&crate::export::drafts::in_short(
                        &review.draft_problems,
                        "`runsheet verify`"
                    ))
                ),
                t.danger,
            ),
            Span::styled(
                format!(" · chain of {} entries verifies", review.lines.len()),
                t.dim,
            ),
        ]),
        None => Line::from(vec![
            Span::styled(format!(" ✓ intact: {} entries", review.lines.len()), t.ok),
            Span::styled(format!(" · head {head}"), t.dim),
        ]),
        Some(b) => Line::from(vec![
            Span::styled(format!(" ✗ BROKEN at {b}"), t.danger),
            Span::styled(
                format!(
                    " · {} entries before it verify (head {})",
                    review.lines.len(),
                    text::fit(&head, 16)
                ),
                t.dim,
            ),
        ]),
    };
    Paragraph::new(Line::from(text::fit_spans(line.spans, width)))
}

/// The header's warnings (see [`Review::header_warnings`]), one row per
/// kind, each counted first: on one shared row the second kind was cut
/// off at any usual width by the first one's detail.
fn warnings_line(warnings: &[String], t: &Theme, width: usize) -> Paragraph<'static> {
    let rows: Vec<Line<'static>> = warnings
        .iter()
        .map(|warning| {
            let text = format!(" {warning}");
            Line::from(Span::styled(
                text::fit(&crate::printable::printable(&text), width),
                t.warn,
            ))
        })
        .collect();
    Paragraph::new(rows)
}

/// The header while the rest of a long journal is still being verified.
fn verifying_line(review: &Review, t: &Theme) -> Line<'static> {
    let so_far = review.verifying().unwrap_or_default();
    Line::from(vec![
        Span::styled(
            format!(
                " … VERIFYING: {so_far} entries checked so far; the first {} are shown",
                review.lines.len()
            ),
            t.warn,
        ),
        Span::styled(" · nothing is known of the rest yet", t.dim),
    ])
}

/// Digits the timeline's `#seq` column holds at the least: a short
/// journal keeps the layout it always had.
const MIN_SEQ_WIDTH: usize = 4;

/// Digits of the widest `seq` among `entries` entries (numbered from 0),
/// so that `#12345` never runs into the actor beside it.
fn seq_column_width(entries: usize) -> usize {
    let widest = entries.saturating_sub(1).max(1);
    (widest.ilog10() as usize + 1).max(MIN_SEQ_WIDTH)
}

/// Columns the timeline's actor column takes at the least (a journal of
/// short names keeps the layout it always had) and at the most.
const MIN_ACTOR_WIDTH: usize = 14;
const MAX_ACTOR_WIDTH: usize = 28;

/// Columns of the widest actor, within those bounds: a team case names
/// each writer `actor@host`, and a name cut before its host would show
/// two people of one name on two machines as one.
fn actor_column_width(review: &Review) -> usize {
    review
        .lines
        .actors()
        .map(text::width)
        .max()
        .unwrap_or(0)
        .clamp(MIN_ACTOR_WIDTH, MAX_ACTOR_WIDTH)
}

/// An entry's `T+` in the timeline. In a drill every row has one: as
/// recorded, else placed on the clock rebuilt from the controls (a
/// session's start, an evidence entry), as the after-action report
/// places it.
fn scenario_cell(review: &Review, e: &crate::journal::Entry) -> String {
    let state = &review.state;
    let ms = if crate::drill::runs_on_scenario_time(state) {
        let origin = state.created_at.unwrap_or_default();
        Some(crate::drill::scenario_ms_of(
            origin,
            &state.drill_controls,
            crate::run::EntryTime::of(e),
        ))
    } else {
        e.scenario_ms
    };
    ms.map(|ms| format!("{} ", crate::drill::format_scenario(ms)))
        .unwrap_or_default()
}

fn timeline(review: &Review, t: &Theme, area: Rect, buf: &mut Buffer) {
    let [filter, list, detail] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(6),
    ])
    .areas(area);
    let shown = format!(
        " {} of {} entries{}",
        review.visible.len(),
        review.lines.len(),
        if review.filter.is_empty() {
            String::new()
        } else {
            format!(" · filter: {}", review.filter.describe())
        }
    );
    Paragraph::new(Line::from(Span::styled(shown, t.dim))).render(filter, buf);
    let tz = review.state.timezone();
    let seq_width = seq_column_width(review.lines.len());
    let actor_width = actor_column_width(review);
    // What the columns before the summary take beyond their narrowest.
    let wider = (seq_width - MIN_SEQ_WIDTH) + (actor_width - MIN_ACTOR_WIDTH);
    let height = usize::from(list.height);
    let first = review.cursor.saturating_sub(height.saturating_sub(2));
    let mut lines: Vec<Line> = review
        .visible
        .iter()
        .enumerate()
        .skip(first)
        .take(height)
        .filter_map(|(i, index)| {
            let e = review.lines.entry(*index)?;
            let style = if i == review.cursor {
                t.selected
            } else {
                kind_style(e.kind, t)
            };
            let local = e.ts.with_timezone(&tz);
            let mut summary = text::entry_summary(&e, &review.playbook);
            if let Some(by) = review.lines.corrected_by(e.seq) {
                let _ = write!(summary, "  ⟲ corrected by #{by}");
            }
            let scenario = scenario_cell(review, &e);
            Some(Line::from(vec![
                Span::styled(format!(" {} ", e.ts.format("%m-%d %H:%M:%S UTC")), t.dim),
                Span::styled(format!("{} ", local.format("%H:%M %Z")), t.dim),
                Span::styled(scenario, t.active),
                Span::styled(format!("#{:<seq_width$} ", e.seq), t.dim),
                Span::styled(
                    format!("{:<actor_width$}", text::fit(&e.actor, actor_width)),
                    style,
                ),
                Span::styled(
                    format!(
                        " {}",
                        text::fit(&summary, usize::from(list.width).saturating_sub(50 + wider))
                    ),
                    style,
                ),
            ]))
        })
        .collect();
    if let Some(b) = &review.broken
        && first + height > review.visible.len()
    {
        lines.push(Line::from(Span::styled(
            format!(" ✗ ─── verification stops here: {b} ───"),
            t.danger,
        )));
    }
    Paragraph::new(lines).render(list, buf);
    if let Some(line) = review.selected() {
        let e = &line.entry;
        let block = Block::new()
            .borders(Borders::TOP)
            .border_style(t.border)
            .title(Span::styled(format!(" #{} {} ", e.seq, e.kind), t.title));
        let inner = block.inner(detail);
        block.render(detail, buf);
        let mut lines = vec![Line::from(format!(
            "{} · {} · session {}",
            e.ts.format("%Y-%m-%dT%H:%M:%S%.6fZ"),
            e.actor,
            e.session
        ))];
        if let Some(by) = review.lines.corrected_by(e.seq) {
            lines.push(Line::from(Span::styled(
                format!("⟲ corrected by #{by}: see that entry for the value in force"),
                t.warn,
            )));
        }
        lines.extend(readable_data(&e.data, t));
        scroll::render(&lines, 0, "", inner, buf, t);
    }
}

/// An entry's data as `field: value` lines: strings unquoted with their
/// line breaks kept, numbers as written, lists joined; nested objects stay
/// compact JSON.
fn readable_data(
    fields: &serde_json::Map<String, serde_json::Value>,
    t: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (key, value) in fields {
        let shown = match value {
            serde_json::Value::Object(_) => value.to_string(),
            other => text::compact(other),
        };
        let mut parts = shown.lines();
        lines.push(Line::from(vec![
            Span::styled(format!("{key}: "), t.dim),
            Span::raw(text::expand_tabs(parts.next().unwrap_or_default()).into_owned()),
        ]));
        for more in parts {
            lines.push(Line::from(format!("  {}", text::expand_tabs(more))));
        }
    }
    lines
}

fn kind_style(kind: Kind, t: &Theme) -> Style {
    match kind {
        Kind::Decision | Kind::Submission | Kind::Approval => t.active,
        Kind::StepSkipped | Kind::StepBlocked | Kind::Correction | Kind::Recovery => t.warn,
        Kind::InjectDelivered => t.exercise,
        _ => t.base,
    }
}

fn state_at(review: &mut Review, t: &Theme, area: Rect, buf: &mut Buffer) {
    let Some(at) = review.selected().map(|l| EntryTime::of(&l.entry)) else {
        Paragraph::new("no entry selected").render(area, buf);
        return;
    };
    let (seq, ts) = (at.seq, at.ts);
    let playbook = review.playbook.clone();
    let contested = review.contested_facts();
    let Some(state) = review.state_at_cursor() else {
        return;
    };
    let tz = state.timezone();
    // A drill's clocks at the entry's scenario time, as its reports have them.
    let now = crate::drill::clocks_at(state, at);
    let mut lines = vec![
        Line::from(Span::styled(
            format!(
                " As at entry #{seq}, {} ([ and ] move in time, ↓↑ scroll)",
                crate::playbook::value::format_local_and_utc(ts, tz)
            ),
            t.title,
        )),
        Line::default(),
    ];
    if let Some(closed) = &state.closed {
        lines.push(Line::from(Span::styled(
            format!(
                " CLOSED by {} at {}: {}",
                closed.at.actor,
                crate::playbook::value::format_local_and_utc(closed.at.ts, tz),
                closed.data.reason
            ),
            t.warn,
        )));
        lines.push(Line::default());
    }
    lines.push(Line::from(Span::styled(
        " Deadlines then (not legal advice)",
        t.title,
    )));
    for v in clocks::evaluate(&playbook, state, now) {
        lines.push(Line::from(Span::styled(
            format!(
                "  {}.{}: {}",
                v.clock.id,
                v.stage.id,
                qualified_stage_words(&v, tz)
            ),
            stage_style(&v.state, t),
        )));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled(" Facts then", t.title)));
    for (id, fact) in &state.facts {
        if let Some(v) = fact.current() {
            let mut line = Line::from(format!("  {id} = {}", v.display(playbook.fact(id), tz)));
            if contested.contains(id) {
                line.push_span(Span::styled(
                    "  ⚠ contested: open conflict, see the header",
                    t.warn,
                ));
            }
            lines.push(line);
        }
    }
    lines.push(Line::default());
    for (i, phase) in playbook.phases.iter().enumerate() {
        let p = query::phase_progress(&playbook, state, i);
        lines.push(Line::from(Span::styled(
            format!(" {} {}/{}", phase.title, p.closed, p.total),
            t.title,
        )));
        let steps: Vec<Span> = phase
            .steps
            .iter()
            .filter(|s| {
                query::applicability(s, state).applies()
                    || state.status(&s.id) != crate::run::StepStatus::Open
            })
            .map(|s| {
                let (g, style) = status_glyph(state.status(&s.id), t);
                Span::styled(format!("  {g} {}", text::fit(&s.title, 34)), style)
            })
            .collect();
        for chunk in steps.chunks(2) {
            lines.push(Line::from(chunk.to_vec()));
        }
    }
    let shown = scroll::render(
        &lines,
        usize::from(review.state_scroll),
        " · ↓/PgDn scroll",
        area,
        buf,
        t,
    );
    review.state_scroll = u16::try_from(shown.offset).unwrap_or(u16::MAX);
}
