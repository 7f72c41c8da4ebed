//! The submissions of each clock stage, kept as they are applied: the
//! runner evaluates every clock on every frame, and a stage reported on
//! again and again (a repeatable update, a long incident) must not cost
//! a read of its every submission each time.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::positions::Positions;
use super::{AppendLog, SubmissionRecord};

/// What the clocks read of a stage's submissions: how many, and the
/// `sent_at` times that decide whether it was met and where the stages
/// after it count from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageSubmissions {
    pub count: usize,
    /// The first one in journal order.
    pub first: DateTime<Utc>,
    pub earliest: DateTime<Utc>,
    pub latest: DateTime<Utc>,
}

impl StageSubmissions {
    const fn of(sent_at: DateTime<Utc>) -> Self {
        Self {
            count: 1,
            first: sent_at,
            earliest: sent_at,
            latest: sent_at,
        }
    }

    fn add(&mut self, sent_at: DateTime<Utc>) {
        self.count += 1;
        self.earliest = self.earliest.min(sent_at);
        self.latest = self.latest.max(sent_at);
    }
}

/// The submissions of each stage (keyed `clock.stage`): where they are in
/// the state's list, and their [`StageSubmissions`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct StageIndex {
    positions: Positions,
    summaries: BTreeMap<String, StageSubmissions>,
}

impl StageIndex {
    /// Indexes the submission at `position`, under each stage it names
    /// (once, when it names a stage twice).
    pub fn add(&mut self, submission: &SubmissionRecord, position: usize) {
        let stages = &submission.data.stages;
        let sent_at = submission.data.sent_at;
        for (i, stage) in stages.iter().enumerate() {
            if stages[..i].contains(stage) {
                continue;
            }
            self.positions.add(stage, position);
            match self.summaries.get_mut(stage.as_str()) {
                Some(summary) => summary.add(sent_at),
                None => {
                    self.summaries
                        .insert(stage.clone(), StageSubmissions::of(sent_at));
                }
            }
        }
    }

    /// Indexes every submission again: a correction may change a
    /// submission's stages or its time (rare, so read them all).
    pub fn rebuild(&mut self, submissions: &AppendLog<SubmissionRecord>) {
        *self = Self::default();
        for (position, submission) in submissions.iter().enumerate() {
            self.add(submission, position);
        }
    }

    /// Where the submissions meeting `stage_ref` are, in journal order.
    pub fn positions<'a>(
        &'a self,
        stage_ref: &str,
    ) -> impl DoubleEndedIterator<Item = usize> + use<'a> {
        self.positions.of(stage_ref)
    }

    /// The submissions meeting `stage_ref`, summed up; none when there are
    /// none.
    pub fn summary(&self, stage_ref: &str) -> Option<StageSubmissions> {
        self.summaries.get(stage_ref).copied()
    }
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, Duration, Utc};
    use proptest::prelude::*;

    use super::{StageIndex, StageSubmissions};
    use crate::journal::event::Submission;
    use crate::run::{AppendLog, Stamp, SubmissionRecord};

    const STAGES: [&str; 4] = ["gdpr.initial", "gdpr.final", "nis2.early", "nis2.final"];

    fn submission(seq: u64, stages: &[&str], sent_at: DateTime<Utc>) -> SubmissionRecord {
        SubmissionRecord {
            at: Stamp {
                seq,
                ts: sent_at,
                actor: "Dana".into(),
                scenario_ms: None,
            },
            step: None,
            data: Submission {
                stages: stages.iter().map(ToString::to_string).collect(),
                channel: "portal".into(),
                recipient: "authority".into(),
                reference: None,
                sent_at,
                backdated_reason: None,
                version: None,
                url: None,
                override_reason: None,
            },
        }
    }

    /// What the index replaces: a read of every submission.
    fn scanned(
        submissions: &AppendLog<SubmissionRecord>,
        stage: &str,
    ) -> (Vec<usize>, Option<StageSubmissions>) {
        let positions: Vec<usize> = submissions
            .iter()
            .enumerate()
            .filter(|(_, s)| s.data.stages.iter().any(|x| x == stage))
            .map(|(i, _)| i)
            .collect();
        let sent: Vec<DateTime<Utc>> = positions
            .iter()
            .map(|&i| submissions[i].data.sent_at)
            .collect();
        let summary = sent.first().map(|&first| StageSubmissions {
            count: sent.len(),
            first,
            earliest: sent.iter().copied().min().unwrap_or(first),
            latest: sent.iter().copied().max().unwrap_or(first),
        });
        (positions, summary)
    }

    fn base() -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap_or_default()
    }

    #[test]
    fn a_stage_named_twice_counts_its_submission_once() {
        let mut index = StageIndex::default();
        index.add(&submission(1, &["gdpr.initial", "gdpr.initial"], base()), 0);
        assert_eq!(index.positions("gdpr.initial").collect::<Vec<_>>(), vec![0]);
        assert_eq!(index.summary("gdpr.initial").map(|s| s.count), Some(1));
    }

    #[test]
    fn the_first_in_journal_order_is_not_the_earliest_sent() {
        let mut index = StageIndex::default();
        index.add(&submission(1, &["gdpr.initial"], base()), 0);
        index.add(
            &submission(2, &["gdpr.initial"], base() - Duration::hours(1)),
            1,
        );
        let summary = index.summary("gdpr.initial");
        assert_eq!(summary.map(|s| s.first), Some(base()));
        assert_eq!(
            summary.map(|s| s.earliest),
            Some(base() - Duration::hours(1))
        );
        assert_eq!(index.summary("gdpr.final"), None);
    }

    proptest! {
        /// Built as submissions are applied, or again from the whole list,
        /// the index says what a read of every submission says.
        #[test]
        fn the_index_equals_a_scan(
            made in proptest::collection::vec(
                (proptest::collection::vec(0..STAGES.len(), 0..4), -5_000i64..5_000),
                0..600,
            )
        ) {
            let mut submissions = AppendLog::new();
            let mut index = StageIndex::default();
            for (i, (stages, minutes)) in made.iter().enumerate() {
                let names: Vec<&str> = stages.iter().map(|&s| STAGES[s]).collect();
                let record = submission(i as u64, &names, base() + Duration::minutes(*minutes));
                index.add(&record, submissions.len());
                submissions.push(record);
            }
            let mut rebuilt = StageIndex::default();
            rebuilt.rebuild(&submissions);
            prop_assert_eq!(&rebuilt, &index);
            for stage in STAGES.iter().chain(&["other.stage"]) {
                let (positions, summary) = scanned(&submissions, stage);
                prop_assert_eq!(index.positions(stage).collect::<Vec<_>>(), positions);
                prop_assert_eq!(index.summary(stage), summary);
            }
        }
    }
}
