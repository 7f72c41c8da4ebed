//! `after:` cycles between steps.

use std::collections::{HashMap, HashSet};

use super::Checker;
use crate::diag::Diagnostic;
use crate::playbook::doc::StepDoc;

/// Depth-first search marks for cycle detection.
#[derive(Clone, Copy, PartialEq)]
enum Mark {
    New,
    Active,
    Done,
}

/// Finds `after:` cycles and names each one, pointing at the edge closing it.
pub(super) fn check_after_cycles(c: &mut Checker<'_>, steps: &[&StepDoc]) {
    let by_id: HashMap<&str, &StepDoc> = steps.iter().map(|s| (s.id.as_str(), *s)).collect();
    let mut marks: HashMap<&str, Mark> = steps.iter().map(|s| (s.id.as_str(), Mark::New)).collect();
    let mut reported: HashSet<Vec<String>> = HashSet::new();
    for start in steps {
        if marks[start.id.as_str()] != Mark::New {
            continue;
        }
        // Iterative depth-first search: (step, index of next edge to follow).
        let mut stack: Vec<(&str, usize)> = vec![(start.id.as_str(), 0)];
        marks.insert(start.id.as_str(), Mark::Active);
        while let Some((id, edge)) = stack.last_mut() {
            let step = by_id[*id];
            let Some(next) = step.after.get(*edge) else {
                marks.insert(id, Mark::Done);
                stack.pop();
                continue;
            };
            *edge += 1;
            let next_id = next.as_str();
            // A step after itself is reported as such (see `check_after`),
            // not a second time as a cycle of one.
            if next_id == *id {
                continue;
            }
            match marks.get(next_id) {
                Some(Mark::New) => {
                    marks.insert(next_id, Mark::Active);
                    stack.push((next_id, 0));
                }
                Some(Mark::Active) => {
                    let from = stack.iter().position(|(s, _)| *s == next_id).unwrap_or(0);
                    let mut cycle: Vec<String> = stack[from..]
                        .iter()
                        .map(|(s, _)| (*s).to_string())
                        .collect();
                    let mut key = cycle.clone();
                    key.sort();
                    cycle.push(next_id.to_string());
                    if reported.insert(key) {
                        c.push(
                            Diagnostic::error(format!(
                                "`after` dependencies form a cycle: {}",
                                cycle.join(" → ")
                            ))
                            .at_value(next),
                        );
                    }
                }
                _ => {}
            }
        }
    }
}
