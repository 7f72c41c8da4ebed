//! Overlays drawn over the runner: help, search, and every dialog.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Widget, Wrap};

use super::deadlines::{stage_style, stage_words};
use super::theme::Theme;
use super::{centered, text};
use crate::app::dialog::{
    ApproveDialog, AssignDialog, Choices, DecideDialog, DecideFocus, FactsDialog, FieldInput,
    NoteDialog, ReasonDialog, SubmitDialog, SubmitField,
};
use crate::app::editor::Editor;
use crate::app::{App, Mode, ObserveDialog, ObserveField, SearchView};
use crate::clocks;

/// Draws whatever dialog the mode calls for.
pub fn overlay(app: &App, t: &Theme, area: Rect, buf: &mut Buffer) {
    let dialog = match &app.mode {
        Mode::Normal => return,
        Mode::Help { scroll } => return help(app, t, area, buf, *scroll),
        Mode::Message(v) => return message(app, t, area, buf, v),
        Mode::Clocks(v) => return clocks_dialog(app, t, area, buf, v.selected, v.detail),
        Mode::Search(s) => search(app, s, t),
        Mode::Reason(d) => reason(app, d, t),
        Mode::Note(d) => note(app, d, t),
        Mode::Facts(d) => facts(app, d, t),
        Mode::Decide(d) => decide(d, t),
        Mode::Assign(d) => assign(app, d, t),
        Mode::EditDraft { editor, .. } => edit_draft(editor, t),
        Mode::Submit(d) => submit(app, d, t),
        Mode::Approve(d) => approve(d, t),
        Mode::Observe(d) => observe(app, d, t),
        Mode::ConfirmQuit => confirm_quit(app),
    };
    dialog.render(area, buf, t);
}

/// A framed dialog: its lines, size and key hint.
struct Dialog {
    title: String,
    width: u16,
    height: u16,
    hint: &'static str,
    lines: Vec<Line<'static>>,
}

impl Dialog {
    fn render(self, area: Rect, buf: &mut Buffer, t: &Theme) {
        let wanted = u16::try_from(self.lines.len() + 3).unwrap_or(u16::MAX);
        let rect = centered(area, self.width, self.height.max(wanted));
        Clear.render(rect, buf);
        let block = Block::new()
            .borders(Borders::ALL)
            .border_type(BorderType::Double)
            .border_style(t.focus_border)
            .title(Span::styled(format!(" {} ", self.title), t.title))
            .title_bottom(Span::styled(format!(" {} ", self.hint), t.dim));
        let inner = block.inner(rect);
        block.render(rect, buf);
        Paragraph::new(self.lines)
            .wrap(Wrap { trim: false })
            .render(inner, buf);
    }
}

fn search(app: &App, s: &SearchView, t: &Theme) -> Dialog {
    let hits = app.search_hits(&s.editor.text());
    let mut lines = vec![editor_line("Find: ", &s.editor, true, t), Line::default()];
    for (i, id) in hits.iter().enumerate().take(12) {
        let Some(step) = app.playbook.step(id) else {
            continue;
        };
        let phase = app
            .playbook
            .phase_of(id)
            .map_or("", |p| app.playbook.phases[p].title.as_str());
        let style = if i == s.selected.min(hits.len().saturating_sub(1)) {
            t.selected
        } else {
            t.base
        };
        lines.push(Line::from(vec![
            Span::styled(step.title.clone(), style),
            Span::styled(format!("  {phase} · {id}"), t.dim),
        ]));
    }
    if hits.is_empty() && !s.editor.is_blank() {
        lines.push(Line::from(Span::styled("no step matches", t.dim)));
    }
    Dialog {
        title: ("Search steps").to_string(),
        width: 70,
        height: 18,
        hint: "Enter: go · ↑↓ choose · Esc: close",
        lines,
    }
}

fn reason(app: &App, d: &ReasonDialog, t: &Theme) -> Dialog {
    let mut lines = vec![
        Line::from(
            app.playbook
                .step(&d.step)
                .map_or(d.step.clone(), |s| s.title.clone()),
        ),
        Line::default(),
        editor_line("Reason: ", &d.editor, true, t),
    ];
    error_line(&mut lines, d.error.as_ref(), t);
    Dialog {
        title: (d.kind.title()).to_string(),
        width: 70,
        height: 8,
        hint: "Enter: record · Esc: cancel",
        lines,
    }
}

fn note(app: &App, d: &NoteDialog, t: &Theme) -> Dialog {
    let about = d
        .step
        .as_deref()
        .and_then(|s| app.playbook.step(s))
        .map_or("the incident in general".to_string(), |s| {
            format!("step: {}", s.title)
        });
    let mut lines = vec![
        Line::from(Span::styled(format!("About {about}"), t.dim)),
        Line::default(),
    ];
    lines.extend(editor_lines(&d.editor, true, t));
    Dialog {
        title: ("Note").to_string(),
        width: 76,
        height: 16,
        hint: "Ctrl-S: save · Tab: step/general · Esc: cancel",
        lines,
    }
}

fn facts(app: &App, d: &FactsDialog, t: &Theme) -> Dialog {
    let cx = app.ctx();
    let mut lines = Vec::new();
    for (i, fact) in d.facts.iter().enumerate() {
        let def = app.playbook.fact(fact);
        let prompt = def.map_or(fact.as_str(), |d| d.prompt.as_str());
        let value = app
            .state()
            .fact(fact)
            .map_or_else(|| "—".to_string(), |v| v.display(def, app.tz()));
        let style = if i == d.selected { t.selected } else { t.base };
        lines.push(Line::from(vec![
            Span::styled(format!("{prompt} "), style),
            Span::styled(value, t.ok),
        ]));
        if i == d.selected {
            match &d.editing {
                Some(FieldInput::Text(e)) => {
                    lines.push(editor_line("  > ", e, true, t));
                    if let Some(p) = d.preview(cx) {
                        lines.push(Line::from(Span::styled(format!("    {p}"), t.dim)));
                    }
                }
                Some(FieldInput::Pick(c)) => lines.extend(choice_lines(c, true, t)),
                None => {}
            }
            if let Some(help) = def.and_then(|d| d.help.clone()) {
                lines.push(Line::from(Span::styled(format!("  {help}"), t.dim)));
            }
        }
    }
    if let Some(a) = &d.amend {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            format!("{} was {}; new value {}.", a.fact, a.previous, a.shown),
            t.warn,
        )));
        match &a.reason {
                None => lines.push(Line::from("c: the earlier value was wrong (a correction, kept beside it) · n: it has changed since")),
                Some(reason) => lines.push(editor_line("Why was it wrong: ", reason, true, t)),
            }
    }
    error_line(&mut lines, d.error.as_ref(), t);
    if let Some(echo) = &d.echo {
        lines.push(Line::from(Span::styled(format!("saving: {echo}"), t.ok)));
    }
    let hint = if d.editing.is_some() {
        "Enter: save · Esc: back"
    } else {
        "Enter: edit · ↑↓ choose · Esc: close"
    };
    Dialog {
        title: ("Answer facts").to_string(),
        width: 78,
        height: 20,
        hint,
        lines,
    }
}

fn decide(d: &DecideDialog, t: &Theme) -> Dialog {
    let mut lines = vec![
        Line::from(Span::styled(d.prompt.clone(), t.title)),
        Line::default(),
    ];
    lines.extend(choice_lines(&d.choices, d.focus == DecideFocus::Options, t));
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Rationale (required):", t.title)));
    lines.extend(editor_lines(
        &d.rationale,
        d.focus == DecideFocus::Rationale,
        t,
    ));
    lines.push(editor_line(
        "Decided by: ",
        &d.decider,
        d.focus == DecideFocus::Decider,
        t,
    ));
    error_line(&mut lines, d.error.as_ref(), t);
    Dialog {
        title: ("Decision").to_string(),
        width: 76,
        height: 20,
        hint: "Tab: next field · space/1-9: choose · Ctrl-S: record · Esc",
        lines,
    }
}

fn assign(app: &App, d: &AssignDialog, t: &Theme) -> Dialog {
    let mut lines = Vec::new();
    for (i, role) in d.roles.iter().enumerate() {
        let title = app
            .playbook
            .role(role)
            .map_or(role.as_str(), |r| r.title.as_str());
        let holder = app.state().holder(role).unwrap_or("unassigned");
        let style = if i == d.cursor { t.selected } else { t.base };
        lines.push(Line::from(vec![
            Span::styled(format!("{title} ({role})"), style),
            Span::styled(format!("  {holder}"), t.dim),
        ]));
        if i == d.cursor && d.editing {
            lines.push(editor_line("  person: ", &d.person, true, t));
        }
    }
    Dialog {
        title: ("Assign roles").to_string(),
        width: 70,
        height: 18,
        hint: "Enter: assign (empty clears) · Esc: close",
        lines,
    }
}

fn edit_draft(editor: &Editor, t: &Theme) -> Dialog {
    let lines = editor_lines(editor, true, t);
    Dialog {
        title: ("Edit draft (saved as a new version)").to_string(),
        width: 90,
        height: 24,
        hint: "Ctrl-S: save version · Esc: discard",
        lines,
    }
}

fn submit(app: &App, d: &SubmitDialog, t: &Theme) -> Dialog {
    let title = if d.purpose == crate::journal::event::Purpose::Statement {
        "Record publication"
    } else {
        "Record as sent"
    };
    let mut lines = vec![Line::from(Span::styled(
        format!(
            "{}{}",
            app.playbook
                .step(&d.step)
                .map_or(d.step.clone(), |s| s.title.clone()),
            d.version
                .map(|v| format!(" · version {v}"))
                .unwrap_or_default()
        ),
        t.title,
    ))];
    if !d.stages.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("meets: {}", d.stages.join(", ")),
            t.dim,
        )));
    }
    if !d.gaps.is_empty() {
        lines.push(Line::from(Span::styled(
            format!("⟦gaps⟧ still unknown: {}", d.gaps.join(", ")),
            t.gap,
        )));
    }
    if d.unapproved {
        lines.push(Line::from(Span::styled(
            "this version has no approval",
            t.warn,
        )));
    }
    if let Some(warning) = app
        .playbook
        .step(&d.step)
        .and_then(|s| s.contact.as_deref())
        .and_then(|c| app.playbook.contact(c))
        .and_then(crate::playbook::Contact::placeholder_warning)
    {
        lines.push(Line::from(Span::styled(warning, t.warn)));
    }
    lines.push(Line::default());
    let cx = app.ctx();
    for (i, (field, editor)) in d.fields.iter().enumerate() {
        lines.push(editor_line(
            &format!("{:<24}", field.label()),
            editor,
            i == d.focus,
            t,
        ));
        if *field == SubmitField::SentAt {
            let shown = d.sent_at(cx).map_or_else(
                |e| e,
                |at| {
                    format!(
                        "= {}",
                        crate::playbook::value::format_local_and_utc(at, app.tz())
                    )
                },
            );
            lines.push(Line::from(Span::styled(
                format!("{:<24}{shown}", ""),
                t.dim,
            )));
        }
    }
    error_line(&mut lines, d.error.as_ref(), t);
    Dialog {
        title: (title).to_string(),
        width: 80,
        height: 20,
        hint: "Tab/↑↓: field · Enter: record · Esc: cancel",
        lines,
    }
}

fn approve(d: &ApproveDialog, t: &Theme) -> Dialog {
    let mut lines = vec![
        Line::from(format!("Approve version {} as {}", d.version, d.role)),
        Line::default(),
        editor_line("Approver: ", &d.approver, !d.on_comment, t),
        editor_line("Comment:  ", &d.comment, d.on_comment, t),
    ];
    error_line(&mut lines, d.error.as_ref(), t);
    Dialog {
        title: ("Approve statement").to_string(),
        width: 70,
        height: 10,
        hint: "Tab: field · Enter: record · Esc: cancel",
        lines,
    }
}

fn observe(app: &App, d: &ObserveDialog, t: &Theme) -> Dialog {
    let title = d
        .inject
        .as_deref()
        .map_or("Hot-wash item".to_string(), |i| {
            format!("Observation on inject {i}")
        });
    let mut lines = Vec::new();
    if let Some(expect) = d
        .inject
        .as_deref()
        .and_then(|i| app.drill.as_ref()?.drill.inject(i))
        .and_then(|i| i.expect.clone())
    {
        lines.push(Line::from(Span::styled(
            format!("Expected: {expect}"),
            t.dim,
        )));
        lines.push(Line::default());
    }
    lines.extend(choice_lines(&d.kind, d.focus == ObserveField::Kind, t));
    lines.push(Line::from(Span::styled("What was observed:", t.title)));
    lines.extend(editor_lines(&d.note, d.focus == ObserveField::Note, t));
    if d.inject.is_none() {
        lines.push(editor_line(
            "Owner: ",
            &d.owner,
            d.focus == ObserveField::Owner,
            t,
        ));
        lines.push(editor_line(
            "Due (YYYY-MM-DD): ",
            &d.due,
            d.focus == ObserveField::Due,
            t,
        ));
    }
    error_line(&mut lines, d.error.as_ref(), t);
    Dialog {
        title,
        width: 76,
        height: 18,
        hint: "Tab: field · Ctrl-S: record · Esc: cancel",
        lines,
    }
}

fn confirm_quit(app: &App) -> Dialog {
    let n = app.pending().len();
    let mut lines = Vec::new();
    if let Some(error) = &app.write_error {
        let lost: Vec<String> = app
            .tail
            .iter()
            .filter(|t| matches!(t.status, crate::app::Saved::Failed(_)))
            .map(|t| crate::ui::text::entry_summary(&t.entry, &app.playbook))
            .collect();
        lines.push(Line::from(format!(
            "The journal stopped accepting entries: {error}"
        )));
        lines.push(Line::from(format!("NOT saved: {}", lost.join("; "))));
        lines.push(Line::from(
            "Quitting loses them; note them elsewhere, free the disk, then resume.",
        ));
    }
    if n > 0 {
        lines.push(Line::from(format!(
            "{n} entr{} still saving.",
            if n == 1 { "y is" } else { "ies are" }
        )));
        lines.push(Line::from(
            "Quit anyway? Writes already queued are finished first.",
        ));
    }
    Dialog {
        title: ("Quit?").to_string(),
        width: 70,
        height: 8,
        hint: "y: quit · any other key: stay",
        lines,
    }
}

fn error_line(lines: &mut Vec<Line<'_>>, error: Option<&String>, t: &Theme) {
    if let Some(e) = error {
        lines.push(Line::from(Span::styled(format!("✗ {e}"), t.danger)));
    }
}

/// A one-line editor with its label and a visible cursor.
fn editor_line(label: &str, editor: &Editor, focused: bool, t: &Theme) -> Line<'static> {
    let text = editor.lines().first().cloned().unwrap_or_default();
    let mut spans = vec![Span::styled(
        label.to_string(),
        if focused { t.title } else { t.dim },
    )];
    spans.extend(with_cursor(&text, focused.then_some(editor.cursor().1), t));
    Line::from(spans)
}

fn editor_lines(editor: &Editor, focused: bool, t: &Theme) -> Vec<Line<'static>> {
    let (row, col) = editor.cursor();
    editor
        .lines()
        .iter()
        .enumerate()
        .map(|(i, line)| Line::from(with_cursor(line, (focused && i == row).then_some(col), t)))
        .collect()
}

fn with_cursor(text: &str, cursor: Option<usize>, t: &Theme) -> Vec<Span<'static>> {
    let Some(col) = cursor else {
        return vec![Span::raw(text.to_string())];
    };
    let before: String = text.chars().take(col).collect();
    let at: String = text.chars().nth(col).map_or(" ".into(), |c| c.to_string());
    let after: String = text.chars().skip(col + 1).collect();
    vec![
        Span::raw(before),
        Span::styled(at, t.selected),
        Span::raw(after),
    ]
}

fn choice_lines(c: &Choices, focused: bool, t: &Theme) -> Vec<Line<'static>> {
    c.options
        .iter()
        .enumerate()
        .map(|(i, (_, label))| {
            let mark = match (c.multiple, c.chosen[i]) {
                (true, true) => "[x]",
                (true, false) => "[ ]",
                (false, true) => "(•)",
                (false, false) => "( )",
            };
            let style = if focused && i == c.cursor {
                t.selected
            } else {
                t.base
            };
            Line::from(Span::styled(format!("  {mark} {}. {label}", i + 1), style))
        })
        .collect()
}

fn help(app: &App, t: &Theme, area: Rect, buf: &mut Buffer, scroll: u16) {
    let mut lines = vec![
        Line::from(Span::styled(
            "Every action is written to the journal and shown as “saving” until it is on disk.",
            t.dim,
        )),
        Line::default(),
    ];
    for (keys, what) in app.keymap.help_rows() {
        lines.push(Line::from(vec![
            Span::styled(format!("{keys:<16}"), t.key),
            Span::raw(what),
        ]));
    }
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Glyphs: ○ open ▶ in progress ✓ done ↷ skipped ✗ blocked ◌ does not apply ! required ⋯ waits for another step", t.dim)));
    lines.push(Line::from(Span::styled(
        "Clocks: ◔ <50% ◑ <75% ◕ <90% ⚠ ≥90% ✗ breached ⌛ without undue delay",
        t.dim,
    )));
    lines.push(Line::from(Span::styled(
        "Keys can be changed in ~/.config/runsheet/config.toml under [keys].",
        t.dim,
    )));
    let rect = centered(area, 84, area.height.saturating_sub(2));
    Clear.render(rect, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(t.focus_border)
        .title(Span::styled(" Help ", t.title))
        .title_bottom(Span::styled(" ↑↓ scroll · any key: close ", t.dim));
    let inner = block.inner(rect);
    block.render(rect, buf);
    Paragraph::new(lines).scroll((scroll, 0)).render(inner, buf);
}

fn message(app: &App, t: &Theme, area: Rect, buf: &mut Buffer, v: &crate::app::MessageView) {
    let Some(step) = app.playbook.step(&v.step) else {
        return;
    };
    let state = app.state();
    let mut lines = Vec::new();
    if let Some(contact) = step
        .contact
        .as_deref()
        .and_then(|c| app.playbook.contact(c))
    {
        let how = [&contact.email, &contact.phone, &contact.url]
            .iter()
            .filter_map(|x| x.as_deref())
            .collect::<Vec<_>>()
            .join(" · ");
        lines.push(Line::from(Span::styled(
            format!("To: {} {how}", contact.name),
            t.title,
        )));
        if let Some(warning) = contact.placeholder_warning() {
            lines.push(Line::from(Span::styled(warning, t.warn)));
        }
    }
    if let Some(s) = &step.statement {
        let latest = state.latest_draft(&step.id).map(|d| d.data.version);
        let approved = latest.is_some_and(|ver| state.is_approved(&step.id, ver));
        lines.push(Line::from(Span::styled(
            format!(
                "{} · approval by {} · {}",
                text::capitalise(s.kind.label()),
                s.approver,
                if approved {
                    "latest version approved"
                } else {
                    "not approved"
                }
            ),
            if approved { t.ok } else { t.warn },
        )));
    }
    let versions: Vec<String> = state
        .drafts_for(&step.id)
        .map(|d| format!("v{}", d.data.version))
        .collect();
    let showing = v.version.map_or_else(
        || {
            if state.latest_draft(&step.id).is_some_and(|d| d.data.edited) {
                "latest edited version".to_string()
            } else {
                "filled from current facts".to_string()
            }
        },
        |n| format!("version {n}"),
    );
    lines.push(Line::from(Span::styled(
        format!(
            "Showing: {showing}{}",
            if versions.is_empty() {
                String::new()
            } else {
                format!(" · saved: {}", versions.join(" "))
            }
        ),
        t.dim,
    )));
    lines.push(Line::default());
    if let Some((text, gaps)) = app.message_text(step, v.version) {
        for line in text.lines() {
            lines.push(gap_highlighted(line, t));
        }
        if !gaps.is_empty() {
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(
                format!(
                    "⟦gaps⟧ not yet known: {} (answer the facts with a)",
                    gaps.join(", ")
                ),
                t.warn,
            )));
        }
    }
    let hint = if step.statement.is_some() {
        "c copy · w save · e edit · p approve · s record published · t template · Esc"
    } else {
        "c copy · w save · e edit · s record as sent · t template · Esc"
    };
    let rect = centered(area, 96, area.height.saturating_sub(2));
    Clear.render(rect, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(t.focus_border)
        .title(Span::styled(format!(" {} ", step.title), t.title))
        .title_bottom(Span::styled(format!(" {hint} "), t.dim));
    let inner = block.inner(rect);
    block.render(rect, buf);
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((v.scroll, 0))
        .render(inner, buf);
}

/// A line with `⟦gap?⟧` markers highlighted so they cannot be missed.
fn gap_highlighted(line: &str, t: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    let mut rest = line;
    while let Some(start) = rest.find('⟦') {
        spans.push(Span::raw(rest[..start].to_string()));
        let after = &rest[start..];
        let end = after.find('⟧').map_or(after.len(), |e| e + '⟧'.len_utf8());
        spans.push(Span::styled(after[..end].to_string(), t.gap));
        rest = &after[end..];
    }
    spans.push(Span::raw(rest.to_string()));
    Line::from(spans)
}

fn clocks_dialog(
    app: &App,
    t: &Theme,
    area: Rect,
    buf: &mut Buffer,
    selected: usize,
    detail: bool,
) {
    let tz = app.tz();
    let stages = clocks::evaluate(&app.playbook, app.state(), app.domain_now());
    let mut lines = vec![Line::from(Span::styled(
        "Not legal advice: each clock is the regime's text as checked on its verified-on date; confirm with counsel.",
        t.warn,
    ))];
    lines.push(Line::default());
    if detail {
        if let Some(v) = stages.get(selected) {
            lines.extend(clock_detail(v, &stages, tz, t));
        }
    } else {
        for (i, v) in stages.iter().enumerate() {
            let style = if i == selected {
                t.selected
            } else {
                stage_style(&v.state, t)
            };
            let provisional = if v.provisional.is_empty() {
                ""
            } else {
                " (if it applies)"
            };
            lines.push(Line::from(vec![
                Span::styled(format!("{}.{}", v.clock.id, v.stage.id), style),
                Span::styled(format!(" {}{provisional}: ", v.stage.title), t.dim),
                Span::styled(stage_words(v, tz), stage_style(&v.state, t)),
            ]));
        }
    }
    let rect = centered(area, 110, area.height.saturating_sub(2));
    Clear.render(rect, buf);
    let block = Block::new()
        .borders(Borders::ALL)
        .border_type(BorderType::Double)
        .border_style(t.focus_border)
        .title(Span::styled(" Deadline clocks ", t.title))
        .title_bottom(Span::styled(
            " ↑↓ choose · Enter: details · g: go to its step · Esc ",
            t.dim,
        ));
    let inner = block.inner(rect);
    block.render(rect, buf);
    let scroll = if detail {
        0
    } else {
        u16::try_from(selected.saturating_sub(usize::from(inner.height).saturating_sub(4)))
            .unwrap_or(0)
    };
    Paragraph::new(lines)
        .wrap(Wrap { trim: false })
        .scroll((scroll, 0))
        .render(inner, buf);
}

/// One clock in full: regime, source, verified-on date, every stage with
/// its state and the step that meets it.
fn clock_detail(
    v: &clocks::StageView<'_>,
    stages: &[clocks::StageView<'_>],
    tz: chrono_tz::Tz,
    t: &Theme,
) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let c = v.clock;
    lines.push(Line::from(Span::styled(
        format!("{} — {}", c.title, v.stage.title),
        t.title,
    )));
    lines.push(Line::from(format!("Regime: {}", c.regime)));
    if let Some(j) = &c.jurisdiction {
        lines.push(Line::from(format!("Jurisdiction: {j}")));
    }
    lines.push(Line::from(format!("Source: {}", c.source)));
    lines.push(Line::from(format!(
        "Verified on: {}{}",
        c.verified_on,
        c.verification
            .map(|v| format!(" ({})", v.label()))
            .unwrap_or_default()
    )));
    lines.push(Line::from(format!("Status: {}", c.status.label())));
    if let Some(when) = &c.when {
        lines.push(Line::from(format!("Applies when: {}", when.source)));
    }
    lines.push(Line::default());
    for s in stages.iter().filter(|s| s.clock.id == c.id) {
        let within = s
            .stage
            .within
            .map(|w| format!(" within {w}"))
            .unwrap_or_default();
        lines.push(Line::from(vec![Span::styled(
            format!(
                "• {} ({}{within} from {})",
                s.stage.title,
                s.stage.id,
                s.stage.from.name()
            ),
            t.title,
        )]));
        lines.push(Line::from(Span::styled(
            format!("  {}", stage_words(s, tz)),
            stage_style(&s.state, t),
        )));
        if !s.met_by.is_empty() {
            lines.push(Line::from(Span::styled(
                format!("  met by step: {}", s.met_by.join(", ")),
                t.dim,
            )));
        }
        if let Some(n) = &s.stage.notes {
            lines.push(Line::from(Span::styled(format!("  {}", n.trim()), t.dim)));
        }
    }
    if let Some(notes) = &c.notes {
        lines.push(Line::default());
        for l in notes.lines() {
            lines.push(Line::from(Span::styled(l.to_string(), t.dim)));
        }
    }

    lines
}
