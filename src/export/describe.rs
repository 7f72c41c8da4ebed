//! One human sentence per entry: the `summary` column in `csv`, the
//! `message` in `timesketch`, the details in report timelines. A reader
//! who never saw the playbook should understand each one on its own.

use std::fmt::Write as _;

use chrono::{DateTime, Utc};

use super::recorded::Recorded;
use super::view::View;
use super::when;
use crate::journal::Entry;
use crate::journal::event::{self, DrillAction, ObservationKind, Payload, Purpose};

impl View<'_> {
    /// What the entry records, in words, noting any later correction of it.
    pub fn sentence(&self, entry: &impl Recorded) -> String {
        let mut text = self.sentence_as_recorded(entry);
        for correction in self.corrections_of(entry.seq()) {
            let _ = write!(text, " (corrected by entry {})", correction.seq);
        }
        text
    }

    /// What the entry records, in words, as it was recorded.
    pub fn sentence_as_recorded(&self, entry: &impl Recorded) -> String {
        match entry.payload() {
            Ok(payload) => {
                self.payload_sentence(entry.ts(), entry.scenario_ms(), entry.step(), &payload)
            }
            Err(e) => format!("A {} entry that could not be read: {e}", entry.kind()),
        }
    }

    fn on_step(&self, step: Option<&str>) -> String {
        step.map(|s| format!(" on \"{}\"", self.title_of(s)))
            .unwrap_or_default()
    }

    /// A step's title, or its id when the playbook no longer has it:
    /// borrowed, as one sentence per entry is made.
    fn title_of<'s>(&'s self, id: &'s str) -> &'s str {
        self.step(id).map_or(id, |s| s.title.as_str())
    }

    /// `scenario_ms` is where the scenario clock stood when the entry was
    /// written (before a jump it records takes effect).
    fn payload_sentence(
        &self,
        ts: DateTime<Utc>,
        scenario_ms: Option<u64>,
        step: Option<&str>,
        payload: &Payload,
    ) -> String {
        let title = || step.map_or("", |s| self.title_of(s));
        match payload {
            Payload::JournalCreated(c) => {
                let exercise = if c.exercise { " as an EXERCISE" } else { "" };
                format!(
                    "Journal created{exercise} for \"{}\" with playbook {} {} (incident time zone {})",
                    c.title, c.playbook.id, c.playbook.version, c.timezone
                )
            }
            Payload::SessionStarted(s) => format!(
                "Session started ({}) on {} with runsheet {}",
                s.mode, s.host, s.app_version
            ),
            Payload::SessionEnded(s) => format!("Session ended ({})", s.reason),
            Payload::StepStarted(_) => format!("Started \"{}\"", title()),
            Payload::StepDone(d) => with_detail(format!("Done \"{}\"", title()), d.note.as_deref()),
            Payload::StepSkipped(r) => format!("Skipped \"{}\": {}", title(), r.reason),
            Payload::StepBlocked(r) => format!("Blocked \"{}\": {}", title(), r.reason),
            Payload::StepReopened(r) => {
                with_detail(format!("Reopened \"{}\"", title()), r.reason.as_deref())
            }
            Payload::ChecklistItem(c) => format!(
                "{} checklist item {} \"{}\"{}",
                if c.checked { "Ticked" } else { "Unticked" },
                c.item + 1,
                c.text,
                self.on_step(step)
            ),
            Payload::Note(n) => format!("Note{}: {}", self.on_step(step), n.text),
            Payload::FactSet(f) => {
                let mut text = format!(
                    "Set {} to {}",
                    self.fact_name(&f.fact),
                    self.fact_value(&f.fact, &f.value)
                );
                if let Some(t) = f.occurred_at {
                    let _ = write!(text, ", which occurred at {}", when::both(t, self.tz));
                }
                text
            }
            Payload::Decision(d) => format!(
                "{} decided {} = {}{} (options offered: {}), because: {}",
                d.decider,
                self.fact_name(&d.fact),
                self.fact_value(&d.fact, &d.value),
                self.on_step(step),
                d.options.join(", "),
                d.rationale
            ),
            Payload::RoleAssigned(r) if r.person.trim().is_empty() => {
                format!("Role {} ({}) unassigned", self.role_title(&r.role), r.role)
            }
            Payload::RoleAssigned(r) => format!(
                "{} assigned as {} ({})",
                r.person,
                self.role_title(&r.role),
                r.role
            ),
            Payload::MessageDrafted(m) => self.drafted(m, step),
            Payload::Approval(a) => with_detail(
                format!(
                    "{} approved version {}{} as {}",
                    a.approver,
                    a.version,
                    self.on_step(step),
                    self.role_title(&a.role)
                ),
                a.comment.as_deref(),
            ),
            Payload::Submission(s) => self.submitted(ts, s, step),
            Payload::Correction(c) => self.corrected(c),
            Payload::Recovery(r) => format!(
                "Recovered an interrupted write: {} bytes quarantined in {} (SHA-256 {})",
                r.bytes, r.file, r.sha256
            ),
            Payload::InjectDelivered(i) => {
                format!("Inject {} delivered ({}): {}", i.inject, i.trigger, i.title)
            }
            Payload::Observation(o) => observed(o),
            Payload::DrillControl(d) => drill_control(d, scenario_ms),
            Payload::Closed(c) => closed(c),
            Payload::Checkpoint(_)
            | Payload::Anchor(_)
            | Payload::EvidenceAdded(_)
            | Payload::EvidenceTransferred(_) => proof_sentence(payload),
            Payload::Resolution(r) => format!(
                "Conflict on {} `{}` resolved: {} ({})",
                r.about, r.key, r.value, r.reason
            ),
        }
    }

    /// `records (How many records?)`: the id and what it asks.
    pub fn fact_name(&self, fact: &str) -> String {
        self.input
            .playbook
            .fact(fact)
            .map_or_else(|| fact.to_string(), |d| format!("{fact} ({})", d.prompt))
    }

    fn drafted(&self, m: &event::MessageDrafted, step: Option<&str>) -> String {
        let purpose = match m.purpose {
            Purpose::Notification => "notification",
            Purpose::Statement => "statement",
        };
        let mut text = format!(
            "Drafted {purpose} version {}{}",
            m.version,
            self.on_step(step)
        );
        if let Some(subject) = &m.subject {
            let _ = write!(text, ", subject \"{subject}\"");
        }
        let _ = write!(text, ", text in {} (SHA-256 {})", m.file, m.text_sha256);
        if m.edited {
            text.push_str(", edited by hand");
        }
        if !m.gaps.is_empty() {
            let _ = write!(text, ", unfilled: {}", m.gaps.join(", "));
        }
        text
    }

    fn submitted(&self, ts: DateTime<Utc>, s: &event::Submission, step: Option<&str>) -> String {
        let mut text = format!(
            "Sent{} via {} to {}",
            self.on_step(step),
            s.channel,
            s.recipient
        );
        if let Some(r) = &s.reference {
            let _ = write!(text, ", reference {r}");
        }
        if let Some(v) = s.version {
            let _ = write!(text, ", message version {v}");
        }
        if s.sent_at != ts {
            // In a drill `sent_at` is a scenario instant, unlike the
            // recorded time the entry is listed at.
            let scenario = if crate::drill::runs_on_scenario_time(self.input.state) {
                "scenario date "
            } else {
                ""
            };
            let _ = write!(
                text,
                ", sent at {scenario}{}",
                when::both(s.sent_at, self.tz)
            );
        }
        let (applies, not): (Vec<&String>, Vec<&String>) = s
            .stages
            .iter()
            .partition(|r| crate::clocks::stage_applies(self.input.playbook, self.input.state, r));
        if !applies.is_empty() {
            let joined: Vec<&str> = applies.iter().map(|r| r.as_str()).collect();
            let _ = write!(text, "; meets {}", joined.join(", "));
        }
        if !not.is_empty() {
            let joined: Vec<&str> = not.iter().map(|r| r.as_str()).collect();
            let _ = write!(
                text,
                "; recorded as meeting {}, which does not apply",
                joined.join(", ")
            );
        }
        if let Some(url) = &s.url {
            let _ = write!(text, "; published at {url}");
        }
        if let Some(why) = &s.backdated_reason {
            let _ = write!(text, "; recorded later because: {why}");
        }
        if let Some(why) = &s.override_reason {
            let _ = write!(text, "; published without approval because: {why}");
        }
        text
    }

    fn corrected(&self, c: &event::Correction) -> String {
        let target = self.entry(c.corrects);
        let fact = target.and_then(fact_of);
        let what = match (target, &fact) {
            (None, _) => format!(
                "entry {}, which is not among the verified entries",
                c.corrects
            ),
            (Some(_), Some(f)) => format!("entry {}, which set {}", c.corrects, self.fact_name(f)),
            (Some(e), None) => format!("entry {}, a {} entry", c.corrects, e.kind),
        };
        let mut text = format!("Corrected {what}");
        if let Some(value) = &c.value {
            let shown = fact
                .as_deref()
                .map_or_else(|| value.to_string(), |f| self.fact_value(f, value));
            let _ = write!(text, ": the value is now {shown}");
        }
        for (field, value) in &c.fields {
            let shown = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_string);
            let _ = write!(text, "; {field} is now “{shown}”");
        }
        if let Some(t) = c.occurred_at {
            let _ = write!(text, ", which occurred at {}", when::both(t, self.tz));
        }
        let _ = write!(text, ", because: {}", c.reason);
        text
    }
}

/// The fact a `fact_set` or `decision` entry gives a value to.
pub fn fact_of(entry: &Entry) -> Option<String> {
    match entry.event().ok()?.payload {
        Payload::FactSet(f) => Some(f.fact),
        Payload::Decision(d) => Some(d.fact),
        _ => None,
    }
}

fn observed(o: &event::Observation) -> String {
    let kind = match o.kind {
        ObservationKind::Evaluation => "Evaluation",
        ObservationKind::Strength => "Strength",
        ObservationKind::Improvement => "Improvement",
    };
    let mut text = kind.to_string();
    if let Some(inject) = &o.inject {
        let _ = write!(text, " of inject {inject}");
    }
    if let Some(rating) = o.rating {
        let _ = write!(text, ", {}", rating.label());
    }
    let _ = write!(text, ": {}", o.note);
    if let Some(owner) = &o.owner {
        let _ = write!(text, " (owner {owner}");
        if let Some(due) = &o.due {
            let _ = write!(text, ", due {due}");
        }
        text.push(')');
    }
    text
}

fn with_detail(text: String, detail: Option<&str>) -> String {
    match detail {
        Some(d) if !d.trim().is_empty() => format!("{text}: {d}"),
        _ => text,
    }
}

/// A scenario-clock control in words. A jump names where the clock
/// moved from (the entry's own scenario time, written before the jump
/// took effect) and to: "moved at T+50m" in a row whose scenario time
/// reads T+00:02 left the reader to guess which was which.
fn drill_control(d: &event::DrillControl, from_ms: Option<u64>) -> String {
    let action = match d.action {
        DrillAction::Start => "Drill started",
        DrillAction::Pause => "Drill paused",
        DrillAction::Resume => "Drill resumed",
        DrillAction::Speed => "Drill speed changed",
        DrillAction::Jump => return jump(d, from_ms),
        DrillAction::Hold => "Inject held",
        DrillAction::Unhold => "Inject released from hold",
    };
    let mut text = format!(
        "{action} at scenario time {} (speed {}x)",
        scenario_span(d.scenario_ms),
        d.speed
    );
    if let Some(inject) = &d.inject {
        let _ = write!(text, ", inject {inject}");
    }
    text
}

/// `Drill clock moved from T+00:02 to T+50m (speed 1x)`; `to scenario
/// time` alone when the entry does not say where the clock stood before.
fn jump(d: &event::DrillControl, from_ms: Option<u64>) -> String {
    let to = scenario_span(d.scenario_ms);
    match from_ms.filter(|from| *from != d.scenario_ms) {
        Some(from) => format!(
            "Drill clock moved from {} to {to} (speed {}x)",
            crate::drill::format_scenario(from),
            d.speed
        ),
        None => format!(
            "Drill clock moved to scenario time {to} (speed {}x)",
            d.speed
        ),
    }
}

/// `T+1h 20m`: scenario time as the control sentences give it.
fn scenario_span(ms: u64) -> String {
    let at = chrono::Duration::milliseconds(i64::try_from(ms).unwrap_or(i64::MAX));
    format!("T+{}", when::span(at))
}

/// `Closed the incident: REASON`, then each required step left open.
fn closed(c: &event::Closed) -> String {
    let mut text = format!("Closed the incident: {}", c.reason);
    for open in &c.open_steps {
        let _ = write!(
            text,
            "; required step {} left open: {}",
            open.step, open.reason
        );
    }
    text
}

/// Sentences for the proof and evidence entries: checkpoints, timestamps,
/// the evidence register.
fn proof_sentence(payload: &Payload) -> String {
    match payload {
        Payload::Checkpoint(c) => format!(
            "Checkpoint of entries 0–{} signed by key {} (Merkle root {}; note {})",
            c.size.saturating_sub(1),
            c.key,
            c.root,
            c.note
        ),
        Payload::Anchor(a) => format!(
            "Timestamp (RFC 3161) of {} by an authority naming itself {} at {} (its identity is checked against its root with `openssl ts -verify`, not by runsheet)",
            a.note, a.tsa, a.gen_time
        ),
        Payload::EvidenceAdded(e) => format!(
            "Evidence collected from {}{}: {}",
            e.source,
            e.label
                .as_ref()
                .map(|l| format!(" ({l})"))
                .unwrap_or_default(),
            e.items
                .iter()
                .map(|i| format!(
                    "{} {} (SHA-256 {}, {} bytes)",
                    i.id, i.rel, i.sha256, i.size
                ))
                .collect::<Vec<_>>()
                .join("; ")
        ),
        Payload::EvidenceTransferred(t) => format!(
            "Custody of evidence {} passed from {} to {}: {}",
            t.item, t.from, t.to, t.reason
        ),
        _ => String::new(),
    }
}
