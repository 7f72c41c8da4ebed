//! Which steps one branch of a condition alone leads to: those steps are
//! under that branch's `when:`; a step two branches (or a branch and the
//! condition's `on_completion`) both lead to is under neither.
//!
//! Walking everything each branch reaches costs the rest of the workflow
//! per condition, so a chain of N conditions cost N². Instead, who
//! reaches each step is carried forward in reading order, and the walk
//! stops as soon as no step is left that one branch alone reaches: a
//! chain of N conditions costs a few steps per condition. That shortcut
//! needs every step to come after the steps that lead to it; where a loop
//! leads back into what it would skip, the condition is walked in full.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, HashSet};

use serde_json::{Map, Value};

use super::import::{links, postorder, reachable};

/// Who reaches a step from a condition's branches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reached {
    /// One branch: its index among the condition's branch starts (the
    /// index one past them is `on_completion`).
    By(usize),
    /// More than one.
    ByMany,
}

impl Reached {
    fn join(self, other: Self) -> Self {
        if self == other { self } else { Self::ByMany }
    }
}

/// A workflow in reading order, and the work its branch walks cost.
#[derive(Debug)]
pub struct Branches<'w> {
    workflow: &'w Map<String, Value>,
    order: Vec<String>,
    position: HashMap<String, usize>,
    /// For each position, the earliest step a link from there or later
    /// leads back to (a loop), if any: where the shortcut must not stop.
    earliest_back_link_from: Vec<usize>,
    steps_walked: usize,
}

impl<'w> Branches<'w> {
    /// The steps reachable from `roots`, in reading order.
    pub fn new(workflow: &'w Map<String, Value>, roots: &[String]) -> Self {
        let order = reachable(workflow, roots);
        let position: HashMap<String, usize> = order
            .iter()
            .enumerate()
            .map(|(i, id)| (id.clone(), i))
            .collect();
        let mut earliest = vec![usize::MAX; order.len() + 1];
        for (from, id) in order.iter().enumerate().rev() {
            let back = successors(workflow, id)
                .filter_map(|next| position.get(&next).copied())
                .filter(|&to| to <= from)
                .min()
                .unwrap_or(usize::MAX);
            earliest[from] = back.min(earliest[from + 1]);
        }
        Self {
            workflow,
            order,
            position,
            earliest_back_link_from: earliest,
            steps_walked: 0,
        }
    }

    /// Every reachable step, each after the steps that lead to it.
    pub fn order(&self) -> &[String] {
        &self.order
    }

    /// Steps visited by [`Self::only_under`] so far: the work, for tests.
    pub fn steps_walked(&self) -> usize {
        self.steps_walked
    }

    /// For each of `starts` (the first steps of `condition`'s branches),
    /// the steps that branch leads to and no other branch nor the
    /// condition's `on_completion` does, never going through `condition`.
    pub fn only_under(&mut self, condition: &str, starts: &[String]) -> Vec<HashSet<String>> {
        self.forward_walk(condition, starts)
            .unwrap_or_else(|| self.full_walk(condition, starts))
    }

    /// The shortcut: `None` when a loop leads back before where it stopped.
    fn forward_walk(&mut self, condition: &str, starts: &[String]) -> Option<Vec<HashSet<String>>> {
        let from = *self.position.get(condition)?;
        let mut walk = ForwardWalk::new(starts.len());
        for (index, start) in self.branch_and_join_starts(condition, starts) {
            match self.position.get(&start) {
                Some(&at) if at > from => walk.reach(at, Reached::By(index)),
                _ => return None,
            }
        }
        let mut last = from;
        while let Some((at, reached)) = walk.next_step() {
            self.steps_walked += 1;
            last = at;
            for next in successors(self.workflow, &self.order[at]) {
                match self.position.get(&next) {
                    Some(&to) if to > at => walk.reach(to, reached),
                    _ => {}
                }
            }
        }
        if self.earliest_back_link_from[from] <= last {
            return None;
        }
        let mut only = vec![HashSet::new(); starts.len()];
        for (at, reached) in walk.reached {
            if let Reached::By(index) = reached
                && let Some(set) = only.get_mut(index)
            {
                set.insert(self.order[at].clone());
            }
        }
        Some(only)
    }

    /// Everything each branch reaches, compared: right for any workflow.
    fn full_walk(&mut self, condition: &str, starts: &[String]) -> Vec<HashSet<String>> {
        let reach: Vec<HashSet<String>> = self
            .branch_and_join_starts(condition, starts)
            .map(|(_, start)| {
                let mut seen = HashSet::new();
                postorder(self.workflow, &start, Some(condition), &mut seen);
                seen
            })
            .collect();
        self.steps_walked += reach.iter().map(HashSet::len).sum::<usize>();
        (0..starts.len())
            .map(|i| {
                reach[i]
                    .iter()
                    .filter(|step| {
                        reach
                            .iter()
                            .enumerate()
                            .all(|(j, other)| j == i || !other.contains(*step))
                    })
                    .cloned()
                    .collect()
            })
            .collect()
    }

    /// `starts` with their indices, then the condition's `on_completion`.
    fn branch_and_join_starts(
        &self,
        condition: &str,
        starts: &[String],
    ) -> impl Iterator<Item = (usize, String)> {
        let join = self
            .workflow
            .get(condition)
            .and_then(|step| step["on_completion"].as_str())
            .map(str::to_string);
        starts.iter().cloned().chain(join).enumerate()
    }
}

/// Steps a step links to.
pub(super) fn successors(workflow: &Map<String, Value>, id: &str) -> impl Iterator<Item = String> {
    workflow
        .get(id)
        .map(links)
        .unwrap_or_default()
        .into_iter()
        .map(|(_, target)| target)
}

/// The state of a forward walk: who reaches each step found so far, the
/// steps still to walk on from (earliest first), and how many of them one
/// branch alone reaches (the walk is over when none is left).
struct ForwardWalk {
    branches: usize,
    reached: HashMap<usize, Reached>,
    to_walk: BinaryHeap<Reverse<usize>>,
    one_branch_pending: usize,
}

impl ForwardWalk {
    fn new(branches: usize) -> Self {
        Self {
            branches,
            reached: HashMap::new(),
            to_walk: BinaryHeap::new(),
            one_branch_pending: 0,
        }
    }

    /// One branch only, not `on_completion` (whose steps get no `when:`).
    fn under_one_branch(&self, reached: Reached) -> bool {
        matches!(reached, Reached::By(index) if index < self.branches)
    }

    /// The step at position `at` is reached by `by`, too.
    fn reach(&mut self, at: usize, by: Reached) {
        let before = self.reached.get(&at).copied();
        let now = before.map_or(by, |b| b.join(by));
        if before.is_none() {
            self.to_walk.push(Reverse(at));
        }
        if before.is_some_and(|b| self.under_one_branch(b)) {
            self.one_branch_pending -= 1;
        }
        if self.under_one_branch(now) {
            self.one_branch_pending += 1;
        }
        self.reached.insert(at, now);
    }

    /// The earliest step left to walk on from, while one branch alone
    /// still reaches some step ahead.
    fn next_step(&mut self) -> Option<(usize, Reached)> {
        if self.one_branch_pending == 0 {
            return None;
        }
        let Reverse(at) = self.to_walk.pop()?;
        let reached = *self.reached.get(&at)?;
        if self.under_one_branch(reached) {
            self.one_branch_pending -= 1;
        }
        Some((at, reached))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn set(ids: &[&str]) -> HashSet<String> {
        ids.iter().map(|id| (*id).to_string()).collect()
    }

    /// A loop from past the join back into the `on_true` branch: the
    /// branch's step is reached from the join too, so it is under neither
    /// branch, as a full walk finds.
    #[test]
    fn a_loop_back_into_a_branch_is_walked_in_full() {
        let workflow = json!({
            "start": {"type": "start", "on_completion": "if"},
            "if": {"type": "if-condition", "on_true": "yes", "on_false": "no", "on_completion": "join"},
            "yes": {"type": "action", "on_completion": "join"},
            "no": {"type": "action", "on_completion": "join"},
            "join": {"type": "while-condition", "on_true": "yes", "on_completion": "end"},
            "end": {"type": "end"},
        });
        let workflow = workflow.as_object().expect("an object");
        let mut branches = Branches::new(workflow, &["start".to_string()]);
        let only = branches.only_under("if", &["yes".into(), "no".into()]);
        assert_eq!(only, [set(&[]), set(&["no"])]);
    }
}
