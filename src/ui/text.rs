//! Small text helpers shared by the screens.

use crate::journal::Entry;
use crate::journal::event::Payload;
use crate::playbook::Playbook;

/// Cuts a string to `width` characters, with `…` when it was longer.
pub fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    if width == 0 {
        return String::new();
    }
    let mut out: String = text.chars().take(width - 1).collect();
    out.push('…');
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
        Payload::Note(n) => format!("note{on}: {}", n.text.lines().next().unwrap_or_default()),
        Payload::FactSet(f) => format!("{} = {}", f.fact, compact(&f.value)),
        Payload::Decision(d) => {
            format!("decided {} = {} ({})", d.fact, compact(&d.value), d.decider)
        }
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
            format!("scenario clock: {:?} x{}", c.action, c.speed).to_lowercase()
        }
        Payload::Resolution(r) => format!("resolved {} {}: {}", r.about, r.key, compact(&r.value)),
    }
}

fn compact(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_with_an_ellipsis() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
        assert_eq!(fit("abc", 0), "");
    }
}
