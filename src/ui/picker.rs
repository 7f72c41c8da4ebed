//! The picker screen: resume a journal, start a playbook, run a drill.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Widget, Wrap};

use super::theme::Theme;
use super::{centered, text};
use crate::app::picker::{CaseItem, Item, NewIncident, Picker};
use crate::app::view_keys::Picker as Act;

#[derive(Debug, Clone, Copy)]
pub struct PickerView<'a> {
    pub picker: &'a Picker,
    pub theme: &'a Theme,
}

impl Widget for PickerView<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let t = self.theme;
        let p = self.picker;
        if area.width < super::frame::MIN_WIDTH || area.height < super::frame::MIN_HEIGHT {
            super::frame::too_small(area, buf, t);
            return;
        }
        let [title, filter, list, footer] = Layout::vertical([
            Constraint::Length(2),
            Constraint::Length(1),
            Constraint::Min(3),
            Constraint::Length(1),
        ])
        .areas(area);
        Paragraph::new(vec![
            Line::from(vec![
                Span::styled(" runsheet", t.title),
                Span::styled(
                    " — incident response playbooks; every action goes to a tamper-evident journal",
                    t.dim,
                ),
            ]),
            Line::default(),
        ])
        .render(title, buf);
        Paragraph::new(Line::from(vec![
            Span::styled(" Filter: ", t.title),
            Span::raw(p.filter.text()),
            Span::styled(" ", t.selected),
        ]))
        .render(filter, buf);
        list_lines(p, t, list, buf);
        let keys = p.keys.hint(&[
            (&[Act::Up, Act::Down], "choose"),
            (&[Act::Open], "open"),
            (&[Act::ClearOrQuit], "clear filter, or quit"),
        ]);
        Paragraph::new(Line::from(Span::styled(
            format!(" type to filter · {keys}"),
            t.dim,
        )))
        .render(footer, buf);
        if let Some(form) = &p.form {
            new_incident_form(form, t, area, buf);
        }
    }
}

/// Journals, playbooks and drills in sections, scrolled to the cursor.
fn list_lines(p: &Picker, t: &Theme, list: Rect, buf: &mut Buffer) {
    let width = usize::from(list.width);
    let visible = p.visible();
    let mut lines = Vec::new();
    let mut last_section = "";
    let mut cursor_line = 0;
    for (i, item) in visible.iter().enumerate() {
        let section = match item {
            Item::Journal(_) => "Resume an incident",
            Item::Playbook(_) => "Start a new incident",
            Item::Drill(_) => "Rehearse (tabletop drill — marked EXERCISE)",
            Item::Case(_) => "Join a team case",
        };
        if section != last_section {
            if !lines.is_empty() {
                lines.push(Line::default());
            }
            lines.push(Line::from(Span::styled(format!(" {section}"), t.title)));
            last_section = section;
        }
        let selected = i == p.cursor;
        if selected {
            cursor_line = lines.len();
        }
        let style = if selected { t.selected } else { t.base };
        let line = match item {
            Item::Journal(j) => {
                let when = j
                    .last_activity
                    .map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
                    .unwrap_or_default();
                let detail = j.problem.as_ref().map_or_else(
                    || format!(" {} · {}/{} steps · {when}", j.playbook, j.closed, j.total),
                    |e| format!(" cannot resume: {e}"),
                );
                // The exercise mark leads the row so no width can cut it.
                let mark = if j.exercise { "EXERCISE " } else { "" };
                let title_width = (width / 2).saturating_sub(mark.len());
                Line::from(vec![
                    Span::raw("   "),
                    Span::styled(mark, t.exercise),
                    Span::styled(text::fit(&j.title, title_width), style),
                    Span::styled(
                        text::fit(&detail, width / 2),
                        if j.problem.is_some() { t.danger } else { t.dim },
                    ),
                ])
            }
            Item::Playbook(pb) => Line::from(vec![
                Span::styled(format!("   {:<26}", pb.id), style),
                Span::styled(
                    text::fit(
                        &format!("{} — {}", pb.title, pb.summary),
                        width.saturating_sub(30),
                    ),
                    t.dim,
                ),
            ]),
            Item::Case(c) => case_line(c, t, width, style),
            Item::Drill(d) => Line::from(vec![
                Span::styled(format!("   {:<26}", d.id), style),
                Span::styled(
                    text::fit(
                        &format!(
                            "{} ({} injects, playbook {})",
                            d.title, d.injects, d.playbook
                        ),
                        width.saturating_sub(30),
                    ),
                    t.dim,
                ),
            ]),
        };
        lines.push(line);
    }
    if visible.is_empty() {
        lines.push(Line::from(Span::styled(
            " nothing matches the filter",
            t.dim,
        )));
    }
    for problem in &p.problems {
        lines.push(Line::from(Span::styled(format!(" ⚠ {problem}"), t.warn)));
    }
    let scroll = cursor_line.saturating_sub(usize::from(list.height).saturating_sub(2));
    Paragraph::new(lines)
        .scroll((u16::try_from(scroll).unwrap_or(0), 0))
        .render(list, buf);
}

/// A team case row: the exercise mark first, the title, then the
/// playbook, how many responders have a journal in it, and where it is.
fn case_line(c: &CaseItem, t: &Theme, width: usize, style: Style) -> Line<'static> {
    let detail = c.problem.as_ref().map_or_else(
        || {
            let people = if c.responders == 1 {
                "responder"
            } else {
                "responders"
            };
            format!(
                " {} · {} {people} · {}",
                c.playbook,
                c.responders,
                c.path.display()
            )
        },
        |e| format!(" cannot join: {e}"),
    );
    let mark = if c.exercise { "EXERCISE " } else { "" };
    let title_width = (width / 2).saturating_sub(mark.len());
    Line::from(vec![
        Span::raw("   "),
        Span::styled(mark, t.exercise),
        Span::styled(text::fit(&c.title, title_width), style),
        Span::styled(
            text::fit(&detail, width / 2),
            if c.problem.is_some() { t.danger } else { t.dim },
        ),
    ])
}

/// The title and exercise choice for a new incident.
fn new_incident_form(form: &NewIncident, t: &Theme, area: Rect, buf: &mut Buffer) {
    let rect = centered(area, 72, 12);
    Clear.render(rect, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(t.focus_border)
        .title(Span::styled(" Start a new incident ", t.title))
        .title_bottom(Span::styled(
            " Enter: start · Tab: exercise on/off · Esc: back ",
            t.dim,
        ));
    let inner = block.inner(rect);
    block.render(rect, buf);
    // The playbook's title in the body, where it wraps: a frame title
    // would cut a long one.
    let lines = vec![
        Line::from(vec![
            Span::styled("Playbook: ", t.title),
            Span::raw(form.playbook.title.clone()),
        ]),
        Line::default(),
        Line::from(vec![
            Span::styled("Incident title: ", t.title),
            Span::raw(form.title.text()),
            Span::styled(" ", t.selected),
        ]),
        Line::from(Span::styled(
            "(leave empty for the playbook title and today's date)",
            t.dim,
        )),
        Line::default(),
        Line::from(vec![
            Span::styled("Exercise: ", t.title),
            if form.exercise {
                Span::styled(" YES — marked EXERCISE everywhere ", t.exercise)
            } else {
                Span::raw("no — a real incident")
            },
        ]),
    ];
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .render(inner, buf);
}
