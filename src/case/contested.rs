//! What the open conflicts of a case contest, in the words every live view
//! puts beside what they touch: the runner's header and clocks, the clocks
//! list, and `status`. The latest value by time is what the views use
//! meanwhile (docs/team.md), so a clock counted from a contested fact, or
//! applying because of one, must say so rather than silently pick a side.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::conflict::Conflict;
use crate::playbook::{Anchor, Clock, FactDef, FactValue, Playbook, Stage};

/// The open conflicts of a case, read for the views that mark them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contested {
    /// Each contested fact, with its sides' values in short words
    /// (`03:55 vs 04:10 UTC`).
    facts: BTreeMap<String, String>,
    /// One row per open conflict, as `status` and the review name it:
    /// `fact aware_at: ana@lap = … (ana@lap entry 4) vs bob@pc = …`.
    rows: Vec<String>,
    /// What each conflict is on, in the order of `rows`: `fact aware_at`.
    names: Vec<String>,
}

impl Contested {
    /// Nothing contested: a runner outside a case, or a case at peace.
    pub const NONE: Self = Self {
        facts: BTreeMap::new(),
        rows: Vec::new(),
        names: Vec::new(),
    };

    /// The conflicts as found in the merged case, values read with the
    /// playbook's fact definitions and shown in zone `tz`.
    pub fn new(conflicts: &[Conflict], playbook: &Playbook, tz: chrono_tz::Tz) -> Self {
        let facts = conflicts
            .iter()
            .filter(|c| c.about == "fact")
            .map(|c| (c.key.clone(), short_values(c, playbook, tz)))
            .collect();
        let rows = conflicts
            .iter()
            .map(|c| {
                let sides = super::views::conflict_sides(c, playbook, tz);
                // Each side is journal text: a line break in it is shown
                // as `↵`, never as a line of its own.
                crate::printable::one_line(&format!(
                    "{} {}: {}",
                    c.about,
                    c.key,
                    sides.join(" vs ")
                ))
                .into_owned()
            })
            .collect();
        let names = conflicts
            .iter()
            .map(|c| format!("{} {}", c.about, c.key))
            .collect();
        Self { facts, rows, names }
    }

    /// `⚠ 2 open conflicts, on fact aware_at and fact host_notification
    /// (…)`: for the top of a report, the sides listed further down.
    pub fn headline(&self) -> Option<String> {
        let marker = self.marker()?;
        Some(format!(
            "{marker}, on {}: the latest value by time is shown until settled with `runsheet resolve` (both sides under conflicts below)",
            self.names.join(", ")
        ))
    }

    /// How many conflicts are open.
    pub fn count(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Every open conflict, one row each, both sides named.
    pub fn rows(&self) -> &[String] {
        &self.rows
    }

    /// The values fact `id` is contested between, or `None` when it is not.
    pub fn fact(&self, id: &str) -> Option<&str> {
        self.facts.get(id).map(String::as_str)
    }

    /// `⚠ 2 open conflicts`, or `None` when nothing is contested.
    pub fn marker(&self) -> Option<String> {
        match self.count() {
            0 => None,
            1 => Some("⚠ 1 open conflict".to_string()),
            n => Some(format!("⚠ {n} open conflicts")),
        }
    }

    /// Why a clock stage cannot be taken as settled: `runs from aware_at,
    /// contested: 03:55 vs 04:10 UTC`, and for a fact deciding whether it
    /// applies `depends on host_notification, contested: CSIRT vs None
    /// yet`. `None` when the stage reads no contested fact.
    pub fn stage_note(&self, clock: &Clock, stage: &Stage) -> Option<String> {
        if self.facts.is_empty() {
            return None;
        }
        let notes: Vec<String> = stage_facts(clock, stage)
            .into_iter()
            .filter_map(|(id, how)| {
                let values = self.fact(id)?;
                Some(format!("{} {id}, contested: {values}", how.words()))
            })
            .collect();
        (!notes.is_empty()).then(|| notes.join("; "))
    }
}

/// How a stage reads a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reads {
    /// The stage counts from it (its trigger, or a cap's).
    Trigger,
    /// Whether the clock or the stage applies depends on it.
    Condition,
}

impl Reads {
    const fn words(self) -> &'static str {
        match self {
            Self::Trigger => "runs from",
            Self::Condition => "depends on",
        }
    }
}

/// Every fact a stage reads, each once, triggers first.
fn stage_facts<'a>(clock: &'a Clock, stage: &'a Stage) -> Vec<(&'a str, Reads)> {
    let triggers = std::iter::once(&stage.from)
        .chain(stage.earliest_of.iter().map(|(anchor, _)| anchor))
        .filter_map(|anchor| match anchor {
            Anchor::Fact(f) => Some((f.as_str(), Reads::Trigger)),
            Anchor::Stage(_) => None,
        });
    let conditions = clock
        .when
        .iter()
        .chain(&stage.condition)
        .flat_map(|c| c.expr.facts())
        .map(|f| (f.name.as_str(), Reads::Condition));
    let mut out: Vec<(&str, Reads)> = Vec::new();
    for (id, how) in triggers.chain(conditions) {
        if !out.iter().any(|(seen, _)| *seen == id) {
            out.push((id, how));
        }
    }
    out
}

/// A conflict's values, each once, in short words (see [`in_words`]); a
/// value the playbook cannot read is shown as written.
fn short_values(conflict: &Conflict, playbook: &Playbook, tz: chrono_tz::Tz) -> String {
    let def = playbook.fact(&conflict.key);
    let typed: Option<Vec<FactValue>> = conflict
        .entries
        .iter()
        .map(|e| def.and_then(|d| FactValue::from_json(d, &e.value).ok()))
        .collect();
    let words = match typed {
        // Three sides, two of them alike: each value once.
        Some(values) => in_words(&unique(values), def, tz, " vs "),
        None => unique(
            conflict
                .entries
                .iter()
                .map(|e| {
                    e.value
                        .as_str()
                        .map_or_else(|| e.value.to_string(), str::to_string)
                })
                .collect(),
        )
        .join(" vs "),
    };
    crate::printable::one_line(&words).into_owned()
}

/// Values side by side, joined by `between`: times as `03:55
/// vs 04:10 UTC` (with their dates when they fall on different days),
/// anything else as the facts list shows it.
pub fn in_words(
    values: &[FactValue],
    def: Option<&FactDef>,
    tz: chrono_tz::Tz,
    between: &str,
) -> String {
    let times: Option<Vec<DateTime<Utc>>> = values.iter().map(FactValue::as_datetime).collect();
    match times.filter(|t| !t.is_empty()) {
        Some(times) => {
            let one_day = times
                .iter()
                .all(|t| t.date_naive() == times[0].date_naive());
            let format = if one_day { "%H:%M" } else { "%Y-%m-%d %H:%M" };
            let shown: Vec<String> = times.iter().map(|t| t.format(format).to_string()).collect();
            format!("{} UTC", shown.join(between))
        }
        None => values
            .iter()
            .map(|v| v.display(def, tz))
            .collect::<Vec<_>>()
            .join(between),
    }
}

/// `items` without repeats, in order.
fn unique<T: PartialEq>(items: Vec<T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}
