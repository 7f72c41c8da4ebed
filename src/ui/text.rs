//! Small text helpers shared by the screens.

use std::borrow::Cow;
use std::fmt::Write as _;

use ratatui::text::Span;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use crate::journal::Entry;
use crate::journal::event::Payload;
use crate::playbook::Playbook;
use crate::playbook::value::{FactValue, format_number};

/// Display columns a string takes: wide characters count two, combining
/// marks none, so cut text lines up in the terminal.
pub fn width(text: &str) -> usize {
    UnicodeWidthStr::width(text)
}

/// Columns from one tab stop to the next when a recorded tab is drawn:
/// the terminal's own default and `expand`'s, so a pasted table lines up
/// as it did where it was copied from.
pub const TAB_STOP: usize = 8;

/// One line of recorded text with each tab drawn as the spaces up to the
/// next tab stop, counted from the line's start. Notes and rationales keep
/// a pasted tab (see `Editor::insert`); the terminal must never get it raw:
/// ratatui would drop it, running the columns together, and a tab that got
/// through would move the cursor past the layout.
pub fn expand_tabs(line: &str) -> Cow<'_, str> {
    expand_tabs_from(line, 0)
}

/// [`expand_tabs`] for text that starts at column `from` of its line (the
/// part after an editor's cursor), so its stops fall where the whole
/// line's would.
pub fn expand_tabs_from(text: &str, from: usize) -> Cow<'_, str> {
    if !text.contains('\t') {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + TAB_STOP);
    let mut column = from;
    for c in text.chars() {
        if c == '\t' {
            let pad = TAB_STOP - column % TAB_STOP;
            out.extend(std::iter::repeat_n(' ', pad));
            column += pad;
        } else {
            out.push(c);
            column += UnicodeWidthChar::width(c).unwrap_or(0);
        }
    }
    Cow::Owned(out)
}

/// Cuts a string to `width` display columns, with `…` when it was longer.
pub fn fit(text: &str, width: usize) -> String {
    if self::width(text) <= width {
        return text.to_string();
    }
    cut(text, width)
}

/// `text` in `width` columns at most, its middle given way to `…`: for
/// identifiers whose start and end both tell them apart
/// (`host-csirt…early-warning`).
pub fn fit_middle(text: &str, width: usize) -> String {
    if self::width(text) <= width {
        return text.to_string();
    }
    if width < 3 {
        return cut(text, width);
    }
    let tail_room = (width - 1) / 2;
    let mut tail: Vec<char> = Vec::new();
    let mut used = 0;
    for c in text.chars().rev() {
        let w = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > tail_room {
            break;
        }
        used += w;
        tail.push(c);
    }
    let mut out = cut(text, width - used);
    out.extend(tail.iter().rev());
    out
}

/// The start of `text` and `…`, in `width` columns at most.
fn cut(text: &str, width: usize) -> String {
    if width == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

/// Spans cut to `width` columns as [`fit`] cuts one text, with `…` where
/// they were cut: a line clipped silently at the edge (a hash in a header)
/// reads, and copies, as if it were whole.
pub fn fit_spans(spans: Vec<Span<'static>>, width: usize) -> Vec<Span<'static>> {
    let total: usize = spans.iter().map(|s| self::width(&s.content)).sum();
    if total <= width {
        return spans;
    }
    let mut out = Vec::new();
    let mut used = 0;
    for span in spans {
        let w = self::width(&span.content);
        if used + w < width {
            used += w;
            out.push(span);
            continue;
        }
        // The span at the edge is cut, even one that would fill the width
        // exactly: more follows it.
        out.push(Span::styled(cut(&span.content, width - used), span.style));
        break;
    }
    out
}

pub fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}

/// A few words for the journal tail: what kind of entry, about what.
pub fn entry_summary(entry: &Entry, playbook: &Playbook) -> String {
    let step = entry.step.as_deref().map(|s| {
        playbook
            .step(s)
            .map_or_else(|| s.to_string(), |st| st.title.clone())
    });
    let on = step.as_ref().map(|s| format!(" · {s}")).unwrap_or_default();
    let Ok(event) = entry.event() else {
        return entry.kind.to_string();
    };
    match event.payload {
        Payload::JournalCreated(c) => format!("journal created · {}", c.title),
        Payload::SessionStarted(s) => format!("session started ({})", s.mode),
        Payload::SessionEnded(s) => format!("session ended ({})", s.reason),
        Payload::StepStarted(_) => format!("started{on}"),
        Payload::StepDone(_) => format!("done{on}"),
        Payload::StepSkipped(r) => format!("skipped{on}: {}", r.reason),
        Payload::StepBlocked(r) => format!("blocked{on}: {}", r.reason),
        Payload::StepReopened(_) => format!("reopened{on}"),
        Payload::ChecklistItem(c) => format!(
            "{} “{}”",
            if c.checked { "ticked" } else { "unticked" },
            c.text
        ),
        Payload::Note(n) => format!(
            "note{on}: {}",
            expand_tabs(n.text.lines().next().unwrap_or_default())
        ),
        Payload::FactSet(f) => format!(
            "{} {}",
            fact_question(playbook, &f.fact),
            fact_value(playbook, &f.fact, &f.value)
        ),
        Payload::Decision(d) => format!(
            "decided: {} {} ({})",
            fact_question(playbook, &d.fact),
            fact_value(playbook, &d.fact, &d.value),
            d.decider
        ),
        Payload::RoleAssigned(r) if r.person.is_empty() => format!("role {} cleared", r.role),
        Payload::RoleAssigned(r) => format!("{} is {}", r.person, r.role),
        Payload::MessageDrafted(m) => format!("draft v{} saved{on}", m.version),
        Payload::Approval(a) => format!("v{} approved by {}{on}", a.version, a.approver),
        Payload::Submission(s) => format!("sent via {} to {}{on}", s.channel, s.recipient),
        Payload::Correction(c) => format!("correction of #{}: {}", c.corrects, c.reason),
        Payload::Recovery(r) => format!("recovered {} torn bytes → {}", r.bytes, r.file),
        Payload::InjectDelivered(i) => format!("inject {} delivered: {}", i.inject, i.title),
        Payload::Observation(o) => {
            format!("observation: {}", o.note.lines().next().unwrap_or_default())
        }
        Payload::DrillControl(c) => {
            let mut text = format!("scenario clock: {:?} x{}", c.action, c.speed).to_lowercase();
            if let Some(inject) = &c.inject {
                let _ = write!(text, " · inject {inject}");
            }
            text
        }
        Payload::Closed(c) => format!("incident closed: {}", c.reason),
        Payload::Checkpoint(c) => format!("checkpoint of {} entries signed by {}", c.size, c.key),
        Payload::Anchor(a) => format!("timestamp of {} by {} at {}", a.note, a.tsa, a.gen_time),
        Payload::EvidenceAdded(e) => format!("evidence added: {} item(s)", e.items.len()),
        Payload::EvidenceTransferred(t) => format!("evidence {} handed to {}", t.item, t.to),
        Payload::Resolution(r) => format!("resolved {} {}: {}", r.about, r.key, compact(&r.value)),
    }
}

/// A fact as the dialogs ask it, ready for its answer (`Severity:`, `Is
/// personal data affected?`); an id the playbook lacks as `id =`.
fn fact_question(playbook: &Playbook, fact: &str) -> String {
    playbook.fact(fact).map_or_else(
        || format!("{fact} ="),
        |d| crate::app::words::asked(&d.prompt),
    )
}

/// A fact's value as the dialogs show it (option labels, `yes`/`no`,
/// whole numbers), falling back to the raw value for unknown facts.
fn fact_value(playbook: &Playbook, fact: &str, value: &serde_json::Value) -> String {
    playbook
        .fact(fact)
        .and_then(|def| FactValue::from_json(def, value).ok().map(|v| (def, v)))
        .map_or_else(
            || compact(value),
            |(def, v)| v.display(Some(def), chrono_tz::UTC),
        )
}

/// A value in a few words: strings without quotes, whole numbers without
/// `.0`, lists as `a, b`.
pub fn compact(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), format_number),
        serde_json::Value::Array(items) => items.iter().map(compact).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tab_is_drawn_as_spaces_to_the_next_stop() {
        assert_eq!(expand_tabs("host\tip"), "host    ip");
        assert_eq!(expand_tabs("\tx"), "        x");
        assert_eq!(expand_tabs("12345678\tx"), "12345678        x");
        assert_eq!(expand_tabs("é\tx"), "é       x", "columns, not bytes");
        assert_eq!(expand_tabs_from("\tx", 5), "   x");
        assert!(matches!(expand_tabs("no tab"), Cow::Borrowed(_)));
    }

    #[test]
    fn fits_with_an_ellipsis() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
        assert_eq!(fit("abc", 0), "");
    }

    #[test]
    fn spans_cut_at_the_edge_end_in_an_ellipsis() {
        let texts = |spans: Vec<Span<'static>>| -> String {
            spans.iter().map(|s| s.content.as_ref()).collect()
        };
        let line = || vec![Span::raw(" ✓ intact"), Span::raw(" · head 2f57055270db")];
        assert_eq!(
            texts(fit_spans(line(), 40)),
            " ✓ intact · head 2f57055270db"
        );
        assert_eq!(texts(fit_spans(line(), 22)), " ✓ intact · head 2f57…");
        // A first span that exactly fills the width still shows the cut.
        assert_eq!(texts(fit_spans(line(), 9)), " ✓ intac…");
        assert_eq!(texts(fit_spans(line(), 0)), "");
    }

    #[test]
    fn fit_counts_display_columns_not_chars() {
        // Each ideograph takes two columns: six columns hold two and the ellipsis.
        assert_eq!(fit("事件事件事件", 5), "事件…");
        assert_eq!(width("事件"), 4);
        assert_eq!(width("é"), 1);
    }

    #[test]
    fn m14_whole_numbers_show_as_integers() {
        assert_eq!(compact(&serde_json::json!(140.0)), "140");
        assert_eq!(compact(&serde_json::json!(0.5)), "0.5");
        assert_eq!(compact(&serde_json::json!(["eu", "other"])), "eu, other");
    }
}
