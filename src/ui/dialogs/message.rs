//! A step's message: drafts, versions, approvals and what was sent.

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Clear, Paragraph, Widget, Wrap};

use crate::app::App;
use crate::app::modes::Bound;
use crate::app::view_keys::Message;
use crate::ui::theme::Theme;
use crate::ui::{centered, text};

pub(super) fn message(
    app: &App,
    t: &Theme,
    area: Rect,
    buf: &mut Buffer,
    v: &crate::app::MessageView,
) {
    let Some(step) = app.playbook.step(&v.step) else {
        return;
    };
    let state = app.state();
    let mut lines = recipient_lines(app, step, t);
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
                format!("⟦gaps⟧ not yet known: {}", gaps.join(", ")),
                t.warn,
            )));
            for (where_, facts) in gap_sources(app, step, &gaps) {
                lines.push(Line::from(Span::styled(
                    format!("  {}: {where_}", facts.join(", ")),
                    t.dim,
                )));
            }
        }
    }
    let rect = centered(area, 96, area.height.saturating_sub(2));
    let hint = message_hint(&app.mode_keys.message, step.statement.is_some(), rect.width);
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

/// Where each missing placeholder is filled, grouped so the hint points
/// to the right key: a role's holder with `o` (assign roles); a
/// submission's field by recording that step's submission; a fact with
/// `a` on this step when it captures it, else on the steps that do, else
/// `a` with the phases pane focused, which offers every fact.
fn gap_sources(
    app: &App,
    step: &crate::playbook::Step,
    gaps: &[String],
) -> Vec<(String, Vec<String>)> {
    let mut groups: Vec<(String, Vec<String>)> = Vec::new();
    for gap in gaps {
        let where_ = gap_source(app, step, gap);
        match groups.iter_mut().find(|(w, _)| *w == where_) {
            Some((_, facts)) => facts.push(gap.clone()),
            None => groups.push((where_, vec![gap.clone()])),
        }
    }
    groups
}

/// Where one missing placeholder is filled (see [`gap_sources`]).
fn gap_source(app: &App, step: &crate::playbook::Step, gap: &str) -> String {
    if gap.starts_with("role.") {
        return "`o` (assign roles)".to_string();
    }
    if let Some(rest) = gap.strip_prefix("submission.") {
        let on = rest.rsplit_once('.').map_or(rest, |(step, _)| step);
        let title = app.playbook.step(on).map_or(on, |s| s.title.as_str());
        return format!("record the submission on “{title}”");
    }
    if step.capture.iter().any(|c| c == gap) {
        return "`a` on this step".to_string();
    }
    let owners: Vec<String> = app
        .playbook
        .steps()
        .filter(|s| s.capture.iter().any(|c| c == gap))
        .map(|s| format!("“{}”", s.title))
        .collect();
    if owners.is_empty() {
        "`a` with the phases pane focused (every fact)".to_string()
    } else {
        format!("`a` on {}", owners.join(" or "))
    }
}

/// Who the message goes to, and a warning when that contact is still the
/// playbook's placeholder.
fn recipient_lines(app: &App, step: &crate::playbook::Step, t: &Theme) -> Vec<Line<'static>> {
    let Some(contact) = step
        .contact
        .as_deref()
        .and_then(|c| app.playbook.contact(c))
    else {
        return Vec::new();
    };
    let how = [&contact.email, &contact.phone, &contact.url]
        .iter()
        .filter_map(|x| x.as_deref())
        .collect::<Vec<_>>()
        .join(" · ");
    let mut lines = vec![Line::from(Span::styled(
        format!("To: {} {how}", contact.name),
        t.title,
    ))];
    if let Some(warning) = contact.placeholder_warning() {
        lines.push(Line::from(Span::styled(warning, t.warn)));
    }
    lines
}

/// The message view's keys for its frame, whole entries only: leaving and
/// scrolling come first, so a narrow screen drops the rarer ones.
fn message_hint(keys: &Bound<Message>, statement: bool, width: u16) -> String {
    let mut hinted: Vec<(&[Message], &str)> = vec![
        (&[Message::Copy], "copy"),
        (&[Message::Save], "save"),
        (&[Message::Edit], "edit"),
    ];
    if statement {
        hinted.extend([
            (&[Message::Approve][..], "approve"),
            (&[Message::Send], "record published"),
        ]);
    } else {
        hinted.push((&[Message::Send], "record as sent"));
    }
    hinted.extend([
        (&[Message::Close][..], "back"),
        (&[Message::PageDown, Message::PageUp], "scroll"),
        (&[Message::Template], "template"),
    ]);
    // The frame's corners and padding take four columns.
    let room = usize::from(width).saturating_sub(4);
    let mut hint = keys.hint(&hinted);
    while text::width(&hint) > room && hinted.len() > 1 {
        hinted.pop();
        hint = keys.hint(&hinted);
    }
    hint
}
