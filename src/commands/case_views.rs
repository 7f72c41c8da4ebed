//! `review DIR` and `export DIR` on a team case folder: the merged case,
//! every entry naming its responder as `actor@host` (see
//! [`crate::case::views`]). Read only: no journal is written or locked.

use std::path::Path;

use super::export::{Destination, Exported, deliver_text};
use super::open::{self, Resolved};
use super::{Env, Failure};
use crate::case::folder;
use crate::case::merge::Merged;
use crate::case::views;
use crate::cli::ExportFormat;
use crate::export::drafts::DraftTexts;
use crate::export::{self, Input, aar};
use crate::journal::event::Created;
use crate::journal::verify::Verified;
use crate::playbook::Drill;
use crate::run;

/// A case read for a view.
struct Read {
    resolved: Resolved,
    verified: Verified,
    created: Created,
    /// Every journal's draft texts, numbered by merged position.
    drafts: DraftTexts,
    /// What each journal's `journal_created` recorded, in journal order.
    createds: Vec<Created>,
    /// The conflicts nobody settled, as the views' warnings.
    open_conflicts: Vec<run::Warning>,
}

fn read(env: &Env, dir: &Path) -> Result<Read, Failure> {
    let case = folder::read(dir).map_err(Failure::usage)?;
    let mut resolved = super::case::case_playbook(env, dir, &case)?;
    let merged = views::load(dir).map_err(Failure::usage)?;
    // What needs the journals apart is taken before the merge is
    // consumed into one journal.
    let drafts = draft_texts(dir, &merged);
    let createds = merged
        .journals
        .iter()
        .filter_map(|j| open::created_of(&j.verified.lines))
        .collect();
    let tz = case.timezone.parse().unwrap_or(chrono_tz::UTC);
    let open_conflicts = views::open_conflicts(&merged, &resolved.playbook, tz);
    let verified = views::verified(merged);
    let created = open::require_created(&verified.lines, dir)?;
    resolved.playbook = resolved
        .playbook
        .clone()
        .with_extra_holidays(&created.holidays);
    Ok(Read {
        resolved,
        verified,
        created,
        drafts,
        createds,
        open_conflicts,
    })
}

/// The drill a case runs: the scenario the facilitator's journal recorded
/// (any journal's `journal_created` naming one).
fn case_drill(env: &Env, createds: &[Created]) -> Option<Drill> {
    if createds.iter().all(|c| c.drill.is_none()) {
        return None;
    }
    let catalog = env.catalog();
    createds
        .iter()
        .find_map(|created| open::scenario_for(created, &catalog).map(|found| found.drill))
}

/// Every draft text of every journal, numbered by merged position.
fn draft_texts(dir: &Path, merged: &Merged) -> DraftTexts {
    let positions = merged.positions();
    let mut all = DraftTexts::default();
    for (index, journal) in merged.journals.iter().enumerate() {
        let path = folder::journal_path(dir, &journal.id);
        let own = DraftTexts::read(&path, &journal.verified);
        let slots = &positions[index];
        all.insert_renumbered(own, |seq| {
            usize::try_from(seq)
                .ok()
                .and_then(|s| slots.get(s).copied().flatten())
        });
    }
    all
}

/// `runsheet export DIR --format …`: every format over the merged case.
/// Exit 1 (the export still written) when the case does not fully verify.
pub fn export(
    env: &Env,
    dir: &Path,
    format: ExportFormat,
    to: Destination<'_>,
) -> Result<Exported, Failure> {
    let case = read(env, dir)?;
    let mut state = views::replay(&case.resolved.playbook, &case.verified);
    state.warnings.extend(case.open_conflicts.iter().cloned());
    run::times_ahead::add_warnings(&mut state, &case.resolved.playbook, env.clock.now());
    let drafts = &case.drafts;
    let mut problems = drafts.problems(&case.verified);
    let text = if let Some(format) = export::Format::from_cli(format) {
        let input = Input::new(&case.verified, &case.resolved.playbook, &state)
            .with_drafts(drafts)
            .of_case();
        export::render(format, &input)
    } else if let Some(format) = aar::Format::from_cli(format) {
        let refused = |e: aar::NotAnExercise| Failure::usage(format!("{}: {e}", dir.display()));
        if !case.created.exercise {
            return Err(refused(aar::NotAnExercise));
        }
        let drill = case_drill(env, &case.createds);
        let exercise = aar::Exercise::new(
            &case.verified,
            &case.resolved.playbook,
            &state,
            drill.as_ref(),
        )
        .map_err(refused)?;
        aar::render(format, &exercise)
    } else {
        problems.clear();
        let register = crate::evidence::register(&case.verified.lines);
        crate::evidence::custody::csv(&register, case.created.exercise)
    };
    deliver(dir, &case.verified, &text, to, &problems)
}

/// Writes the export with the warning and exit code that say whether the
/// case fully verified.
fn deliver(
    dir: &Path,
    verified: &Verified,
    text: &str,
    to: Destination<'_>,
    draft_problems: &[String],
) -> Result<Exported, Failure> {
    let mut warnings = Vec::new();
    if let Some(b) = &verified.broken {
        warnings.push(format!(
            "{}: the case does not verify ({}); run `runsheet verify {}`",
            dir.display(),
            b.reason,
            dir.display()
        ));
    }
    if verified.torn_tail > 0 {
        warnings.push(format!(
            "{}: {} bytes of unfinished lines (a write or a copy in progress) were left out",
            dir.display(),
            verified.torn_tail
        ));
    }
    if !draft_problems.is_empty() {
        warnings.push(format!(
            "{}: message drafts do not match the journals: {}",
            dir.display(),
            crate::export::drafts::in_short(draft_problems, "`runsheet verify`")
        ));
    }
    deliver_text(text, to)?;
    Ok(Exported {
        code: u8::from(!warnings.is_empty()),
        warning: (!warnings.is_empty()).then(|| warnings.join("\n")),
    })
}

/// The review of a case, ready to show: merged lines, the drill if the
/// case runs one.
pub fn review_of(
    env: &Env,
    dir: &Path,
    follow: bool,
) -> Result<crate::app::review::Review, Failure> {
    let case = read(env, dir)?;
    let name = format!("{} (case)", dir.display());
    let problems = case.drafts.problems(&case.verified);
    let mut review = crate::app::review::Review::of_case(
        case.resolved.playbook,
        &name,
        case.verified,
        follow,
        env.clock.now(),
    );
    review.draft_problems = problems;
    review.state.warnings.extend(case.open_conflicts);
    review.drill = case_drill(env, &case.createds);
    Ok(review)
}

/// `runsheet review DIR [--follow]`: the merged case; followed live on a
/// drill case, the participant view for the projector.
pub fn review(env: &Env, dir: &Path, follow: bool) -> Result<(), Failure> {
    let review = review_of(env, dir, follow)?;
    let participant = follow && review.drill.is_some();
    crate::runtime::run_review(
        review,
        dir,
        participant,
        &env.clock,
        &super::tui::theme(env),
    )
    .map_err(|e| super::tui::io_failure(&e))
}

/// Where the picker looks for team case folders: the data folder's
/// `cases/` and the current folder (each of them, and every folder
/// directly inside it, that holds a `case.yaml`).
pub fn case_search_dirs() -> Vec<std::path::PathBuf> {
    let mut dirs = vec![crate::paths::data_dir().join("cases")];
    if let Ok(here) = std::env::current_dir() {
        dirs.push(here);
    }
    dirs
}

/// The case folders found in `dirs` (see [`case_search_dirs`]), by path:
/// each of them, the folders directly inside it, and the folders inside
/// those, where a git clone holds its case (`cases/incident/case`, as
/// docs/team.md lays a case out).
pub fn case_items(dirs: &[std::path::PathBuf]) -> Vec<crate::app::picker::CaseItem> {
    let mut found = std::collections::BTreeSet::new();
    for dir in dirs {
        find_cases(dir, 2, &mut found);
    }
    found.into_iter().map(case_item).collect()
}

/// Adds `dir` if it is a case folder, else looks `depth` levels further
/// down: a case folder's own subfolders are never searched.
fn find_cases(dir: &Path, depth: u32, found: &mut std::collections::BTreeSet<std::path::PathBuf>) {
    if folder::is_case(dir) {
        found.insert(std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf()));
        return;
    }
    let Some(deeper) = depth.checked_sub(1) else {
        return;
    };
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            find_cases(&entry.path(), deeper, found);
        }
    }
}

fn case_item(path: std::path::PathBuf) -> crate::app::picker::CaseItem {
    let responders = folder::journal_files(&path).map_or(0, |j| j.len());
    match folder::read(&path) {
        Ok(case) => crate::app::picker::CaseItem {
            title: case.title,
            playbook: case.playbook.id,
            exercise: case.exercise,
            responders,
            problem: None,
            path,
        },
        Err(e) => crate::app::picker::CaseItem {
            title: path.display().to_string(),
            playbook: String::new(),
            exercise: false,
            responders,
            problem: Some(e),
            path,
        },
    }
}
