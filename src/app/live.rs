//! The runner inside a team case: other responders' lines folded into the
//! merged state as they arrive, this responder's own entries placed by the
//! same merge, corrections naming their target's journal, and syncs
//! through git started on a timer or by a key and reported in the header.
//! Pure: the runtime reads the files and runs git; time comes in `now`.

use chrono::{DateTime, Duration, Utc};

use super::{App, Effect, Saved, TAIL, TailLine};
use crate::case::contested::{self, Contested};
use crate::case::live::{CaseLive, Read, SyncOutcome};
use crate::journal::event::Payload;
use crate::journal::{Draft, Line};
use crate::run;

/// A sync that ended, for the header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    pub at: DateTime<Utc>,
    pub outcome: SyncOutcome,
}

/// Everything the runner knows about the case beyond the merged state.
#[derive(Debug, Clone)]
pub struct Team {
    pub case: CaseLive,
    /// One sentence per line refused from another journal.
    pub refused: Vec<String>,
    /// `sync_every` from the config; `None` syncs only on the key.
    pub sync_every: Option<Duration>,
    /// A sync is running (started, not yet reported).
    pub syncing: bool,
    pub last_sync: Option<SyncReport>,
    /// When the timer starts the next sync.
    pub sync_due: Option<DateTime<Utc>>,
    /// What the open conflicts contest, as of the last merge: the header,
    /// the clocks and the facts mark it until someone settles it.
    pub contested: Contested,
}

impl App {
    /// Turns this runner into one over a team case: the state becomes the
    /// merged replay of `case`, and syncs every `sync_every` if given.
    pub fn join_case(&mut self, case: CaseLive, sync_every: Option<Duration>) {
        self.team = Some(Box::new(Team {
            case,
            refused: Vec::new(),
            sync_every,
            syncing: false,
            last_sync: None,
            sync_due: sync_every.map(|every| self.now + every),
            contested: Contested::NONE,
        }));
        self.replay_case();
    }

    /// What the open conflicts of the case contest; nothing outside a case.
    pub fn contested(&self) -> &Contested {
        static NOTHING: Contested = Contested::NONE;
        self.team.as_ref().map_or(&NOTHING, |t| &t.contested)
    }

    /// Takes in what another responder's journal `id` holds beyond what
    /// was read (`bytes`, from [`CaseLive::read_from`] on). Returns
    /// whether the screen changed.
    pub fn fold(&mut self, id: &str, bytes: &[u8]) -> bool {
        let Some(team) = self.team.as_mut() else {
            return false;
        };
        match team.case.take(id, bytes) {
            Read::Nothing | Read::Waiting => false,
            Read::Folded(_) => {
                self.replay_telling_changes();
                true
            }
            Read::Refused { folded, why } => {
                team.refused.push(why.clone());
                if folded > 0 {
                    self.replay_telling_changes();
                }
                self.notice(why, true);
                true
            }
        }
    }

    /// [`App::replay_case`] after another journal's lines arrived: a fact
    /// they moved is said in the notice line, with who moved it, since
    /// the header and clocks now count from the new value.
    fn replay_telling_changes(&mut self) {
        let before = std::sync::Arc::clone(&self.saved);
        self.replay_case();
        for change in fact_changes(&before, &self.saved, &self.playbook, self.tz()) {
            self.notice(change, true);
        }
    }

    /// The saved state again from the merged journals, with the entries
    /// still saving on top; the tail shows the latest merged entries.
    fn replay_case(&mut self) {
        let Some(team) = self.team.as_mut() else {
            return;
        };
        let feed = team.case.feed();
        self.saved =
            std::sync::Arc::new(run::replay(&self.playbook, feed.iter().map(|l| &l.entry)));
        self.next_seq = feed.len() as u64;
        let unsaved: Vec<TailLine> = self
            .tail
            .iter()
            .filter(|t| t.ticket.is_some() && !matches!(t.status, Saved::Saved(_)))
            .cloned()
            .collect();
        let keep = TAIL.saturating_sub(unsaved.len());
        self.tail = feed
            .iter()
            .skip(feed.len().saturating_sub(keep))
            .map(|l| TailLine {
                ts: l.entry.ts,
                ticket: None,
                status: Saved::Saved(l.entry.seq),
                entry: l.entry.clone(),
            })
            .chain(unsaved)
            .collect();
        let contested =
            Contested::new(team.case.conflicts(), &self.playbook, self.saved.timezone());
        team.contested = contested;
        self.rebuild_view();
    }

    /// An own entry the writer saved: placed by the merge like any other.
    /// `None` outside a case (the solo path handles it).
    pub(super) fn case_saved(&mut self, ticket: u64, line: &Line) -> Option<Vec<Effect>> {
        let team = self.team.as_mut()?;
        team.case.push_own(line.clone());
        self.pending.retain(|p| p.ticket != ticket);
        self.tail.retain(|t| t.ticket != Some(ticket));
        self.replay_case();
        let mut effects = Vec::new();
        if self.drill.is_some()
            && matches!(
                line.entry.kind,
                crate::journal::Kind::DrillControl | crate::journal::Kind::InjectDelivered
            )
        {
            // Participants run on this clock and wait for these injects:
            // send them now, not at the next timed sync (or never, with
            // none configured), so nobody stamps time past a pause.
            effects.extend(self.sync_soon());
        }
        if line.entry.kind == crate::journal::Kind::DrillControl && self.drill.is_some() {
            // As in a single journal: the scenario clock moves once the
            // control is saved, and injects it made due are delivered.
            self.sync_drill_clock();
            effects.extend(self.drill_tick());
        }
        Some(effects)
    }

    /// A sync as soon as possible: now, or when the running one ends.
    fn sync_soon(&mut self) -> Vec<Effect> {
        let now = self.now;
        match self.team.as_mut() {
            Some(team) if team.syncing => {
                team.sync_due = Some(now);
                Vec::new()
            }
            Some(_) => self.start_sync(),
            None => Vec::new(),
        }
    }

    /// The draft as written to the journal: in a case, a correction names
    /// its target by journal and `seq` (a merged position differs from
    /// machine to machine while journals arrive).
    pub(super) fn for_journal(&self, mut draft: Draft) -> Draft {
        let Some(team) = self.team.as_ref() else {
            return draft;
        };
        if let Payload::Correction(c) = &mut draft.event.payload
            && c.journal.is_none()
        {
            let feed_len = self.next_seq;
            let target = match team.case.origin(c.corrects) {
                Some((id, seq)) => Some((id.to_string(), seq)),
                // An own entry still saving: it lands after the saved ones.
                None if c.corrects >= feed_len => Some((
                    team.case.own_id().to_string(),
                    team.case.own_len() + (c.corrects - feed_len),
                )),
                None => None,
            };
            if let Some((id, seq)) = target {
                c.journal = Some(id);
                c.corrects = seq;
            }
        }
        draft
    }

    /// The draft as the merged view applies it: a correction's journal and
    /// `seq` turned back into the merged position.
    pub(super) fn for_view(&self, mut draft: Draft) -> Draft {
        let Some(team) = self.team.as_ref() else {
            return draft;
        };
        if let Payload::Correction(c) = &mut draft.event.payload
            && let Some(id) = c.journal.take()
        {
            let own_saved = team.case.own_len();
            c.corrects = team.case.position(&id, c.corrects).unwrap_or_else(|| {
                // Still saving: shown where it sits among the pending.
                self.next_seq + c.corrects.saturating_sub(own_saved)
            });
        }
        draft
    }

    /// The sync key: a sync now, unless one is running or this is no case.
    pub(super) fn sync_now(&mut self) -> Vec<Effect> {
        match self.team.as_ref() {
            None => {
                self.notice("sync works in a team case (runsheet run --case DIR)", false);
                Vec::new()
            }
            Some(team) if team.syncing => {
                self.notice("a sync is already running", false);
                Vec::new()
            }
            Some(_) => self.start_sync(),
        }
    }

    fn start_sync(&mut self) -> Vec<Effect> {
        let now = self.now;
        let Some(team) = self.team.as_mut() else {
            return Vec::new();
        };
        team.syncing = true;
        team.sync_due = team.sync_every.map(|every| now + every);
        vec![Effect::Sync]
    }

    /// The timer: a sync when one is due and none is running.
    pub(super) fn sync_if_due(&mut self) -> Vec<Effect> {
        match self.team.as_ref() {
            Some(team) if !team.syncing && team.sync_due.is_some_and(|due| self.now >= due) => {
                self.start_sync()
            }
            _ => Vec::new(),
        }
    }

    /// A sync ended. A conflict or failure is also a notice: the header
    /// keeps it until the next sync.
    pub(super) fn synced(&mut self, outcome: SyncOutcome) {
        let now = self.now;
        let Some(team) = self.team.as_mut() else {
            return;
        };
        team.syncing = false;
        let alarm = matches!(outcome, SyncOutcome::Conflict(_) | SyncOutcome::Failed(_));
        let text = format!("sync: {}", outcome.label());
        team.last_sync = Some(SyncReport { at: now, outcome });
        if alarm {
            self.notice(text, true);
        }
    }
}

/// `aware_at changed by Tomas: 08:00 → 07:45 UTC`, for each fact whose
/// value `before` held and `after` holds differently (a fact answered for
/// the first time is no change: the tail shows it).
fn fact_changes(
    before: &run::RunState,
    after: &run::RunState,
    playbook: &crate::playbook::Playbook,
    tz: chrono_tz::Tz,
) -> Vec<String> {
    after
        .facts
        .iter()
        .filter_map(|(id, fact)| {
            let old = before.fact(id)?;
            let new = fact.current()?;
            if old == new {
                return None;
            }
            let record = fact.latest()?;
            let by = record
                .correction
                .as_ref()
                .map_or(&record.at.actor, |c| &c.at.actor);
            let words =
                contested::in_words(&[old.clone(), new.clone()], playbook.fact(id), tz, " → ");
            Some(format!("{id} changed by {by}: {words}"))
        })
        .collect()
}
