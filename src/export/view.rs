//! What every format derives from the same input: entries in time order,
//! which entries correct which, and names for steps, phases and facts.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use super::Input;
use crate::journal::event::Payload;
use crate::journal::{Entry, Kind, Line};
use crate::playbook::{FactValue, Phase, Step};

/// The input, indexed for the renderers.
#[derive(Debug)]
pub struct View<'a> {
    pub input: &'a Input<'a>,
    /// The incident's time zone.
    pub tz: Tz,
    /// Verified lines by recorded time, ties by `seq`.
    pub timeline: Vec<&'a Line>,
    by_seq: BTreeMap<u64, &'a Entry>,
    /// Corrected `seq` -> the correction entries naming it, in order.
    corrected_by: BTreeMap<u64, Vec<&'a Entry>>,
    /// What the reports count over every verified entry.
    pub counts: Counts,
}

/// What the reports count over every verified entry: gathered from the
/// lines in memory, or while verifying when the lines are not kept.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub entries: usize,
    /// The latest recorded time.
    pub last: Option<DateTime<Utc>>,
    /// Entries per actor.
    pub actors: BTreeMap<String, usize>,
}

impl Counts {
    /// Counts `entry` in.
    pub fn add(&mut self, entry: &Entry) {
        self.count(entry.ts, &entry.actor);
    }

    /// Counts in an entry made at `ts` by `actor`.
    pub fn count(&mut self, ts: DateTime<Utc>, actor: &str) {
        self.entries += 1;
        self.last = self.last.max(Some(ts));
        if let Some(n) = self.actors.get_mut(actor) {
            *n += 1;
        } else {
            self.actors.insert(actor.to_string(), 1);
        }
    }
}

impl<'a> View<'a> {
    pub fn new(input: &'a Input<'a>) -> Self {
        let mut counts = Counts::default();
        for line in &input.verified.lines {
            counts.add(&line.entry);
        }
        Self::counted(input, counts)
    }

    /// The view of an input holding only some of the verified lines, with
    /// `counts` taken over all of them.
    pub fn counted(input: &'a Input<'a>, counts: Counts) -> Self {
        let mut timeline: Vec<&Line> = input.verified.lines.iter().collect();
        timeline.sort_by_key(|l| (l.entry.ts, l.entry.seq));
        let by_seq = timeline.iter().map(|l| (l.entry.seq, &l.entry)).collect();
        let mut corrected_by: BTreeMap<u64, Vec<&Entry>> = BTreeMap::new();
        // Only a correction entry can decode to a correction: skip decoding
        // the others.
        for line in timeline.iter().filter(|l| l.entry.kind == Kind::Correction) {
            if let Ok(Payload::Correction(c)) = line.entry.event().map(|e| e.payload) {
                corrected_by
                    .entry(c.corrects)
                    .or_default()
                    .push(&line.entry);
            }
        }
        Self {
            input,
            tz: input.state.timezone(),
            timeline,
            by_seq,
            corrected_by,
            counts,
        }
    }

    pub fn is_exercise(&self) -> bool {
        self.input.state.is_exercise()
    }

    /// The verified entry with this `seq`.
    pub fn entry(&self, seq: u64) -> Option<&'a Entry> {
        self.by_seq.get(&seq).copied()
    }

    /// Correction entries that name `seq`, oldest first.
    pub fn corrections_of(&self, seq: u64) -> &[&'a Entry] {
        self.corrected_by.get(&seq).map_or(&[], Vec::as_slice)
    }

    pub fn step(&self, id: &str) -> Option<&'a Step> {
        self.input.playbook.step(id)
    }

    /// A step's title, or its id when the playbook no longer has it.
    pub fn step_title(&self, id: &str) -> String {
        self.step(id)
            .map_or_else(|| id.to_string(), |s| s.title.clone())
    }

    pub fn phase_of(&self, step: &str) -> Option<&'a Phase> {
        let playbook = self.input.playbook;
        playbook.phase_of(step).and_then(|i| playbook.phases.get(i))
    }

    /// A fact value as a person reads it (labels, zones), or the JSON as
    /// stored when the playbook cannot type it.
    /// A drill's time facts are scenario instants, while the times of the
    /// entries beside them are wall time: such a value reads "scenario
    /// date …", as in the exercise report, never as a wall-clock time.
    pub fn fact_value(&self, fact: &str, value: &Value) -> String {
        let def = self.input.playbook.fact(fact);
        def.and_then(|d| FactValue::from_json(d, value).ok())
            .map_or_else(
                || match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                },
                |v| super::summary::shown(&v, def, self.input.state, self.tz),
            )
    }

    /// Whether the journal is a drill whose facts and deadlines run on
    /// the scenario clock.
    pub fn on_scenario_time(&self) -> bool {
        crate::drill::runs_on_scenario_time(self.input.state)
    }

    /// A role's title, or its id.
    pub fn role_title(&self, id: &str) -> String {
        self.input
            .playbook
            .role(id)
            .map_or_else(|| id.to_string(), |r| r.title.clone())
    }

    /// Where the report's deadline clocks were evaluated, to follow
    /// "evaluated": at the last entry, or in a drill at its scenario time,
    /// whose date would otherwise pass for the wall time of the last entry.
    pub fn clocks_evaluated_at(&self) -> String {
        let at = super::when::both(self.input.now, self.tz);
        if crate::drill::runs_on_scenario_time(self.input.state) {
            format!("on scenario time, at the scenario time of the last entry (scenario date {at})")
        } else {
            format!("at the last entry, {at}")
        }
    }

    /// The last verified entry, in time order.
    pub fn last(&self) -> Option<&'a Entry> {
        self.timeline.last().map(|l| &l.entry)
    }
}
