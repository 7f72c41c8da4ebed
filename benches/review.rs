//! Review and export speed on a 100,000-entry journal: opening the review
//! screen to its first frame, and every export format.
//!
//! Run with `cargo bench --bench review`. See docs/BENCHMARKS.md for the
//! method and recorded numbers.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use runsheet::app::review::Review;
use runsheet::catalog::Catalog;
use runsheet::commands::open;
use runsheet::export::{self, Format, Input, aar};
use runsheet::run;
use runsheet::ui::Theme;
use runsheet::ui::review::ReviewView;

use common::{Incident, Stats, mib, ms, verdict};

const ENTRIES: usize = 100_000;
const WIDTH: u16 = 200;
const HEIGHT: u16 = 60;
const WARM_UP: usize = 2;
const RUNS: usize = 11;
/// Exports are slower; fewer runs.
const EXPORT_WARM_UP: usize = 1;
const EXPORT_RUNS: usize = 5;
const PLAYBOOK: &str = "ransomware-extortion";
const DRILL: &str = "hospital-ransomware";

fn main() {
    let dir = match common::disk_tempdir() {
        Ok(dir) => dir,
        Err(e) => return eprintln!("cannot create a temp dir: {e}"),
    };
    let catalog = Catalog::bundled(common::today());
    let Some(resolved) = common::bundled(&catalog, PLAYBOOK) else {
        return eprintln!("bundled playbook `{PLAYBOOK}` not found");
    };
    println!("Review and export");
    println!("  machine: {}", common::machine());
    println!("  file system: {}", common::filesystem(dir.path()));
    let path = dir.path().join("incident.jsonl");
    let size = match common::write_journal(&path, Incident::new(&resolved, false), ENTRIES) {
        Ok(size) => size,
        Err(e) => return eprintln!("cannot write {}: {e}", path.display()),
    };
    println!(
        "  journal: {ENTRIES} entries over `{PLAYBOOK}`, {} ({size} bytes)",
        mib(size)
    );
    println!("  median of {RUNS} runs after {WARM_UP} warm-up runs unless said otherwise\n");
    open_review(&path, &catalog);
    exports(&path, &catalog);
    let Some(drill) = catalog.drill(DRILL) else {
        return println!("\n  no after-action report: bundled drill `{DRILL}` not found");
    };
    let exercise = dir.path().join("exercise.jsonl");
    match common::write_journal(&exercise, Incident::exercise(&resolved, drill), ENTRIES) {
        Ok(size) => {
            println!(
                "\n  exercise journal for the after-action report: {ENTRIES} entries of drill \
                 `{DRILL}`, {}",
                mib(size)
            );
            after_action(&exercise, &catalog);
        }
        Err(e) => eprintln!("cannot write {}: {e}", exercise.display()),
    }
}

/// `runsheet review <journal>` up to its first frame, by phase.
fn open_review(path: &Path, catalog: &Catalog) {
    let theme = Theme::default();
    let mut phases: [Vec<Duration>; 4] = Default::default();
    let mut totals = Vec::new();
    for run in 0..WARM_UP + RUNS {
        let mut times = [Duration::ZERO; 4];
        let mut lap = Instant::now();
        let mut split = |i: usize| {
            times[i] = lap.elapsed();
            lap = Instant::now();
        };
        let Ok(verified) = open::read_journal(path) else {
            return eprintln!("cannot read {}", path.display());
        };
        split(0);
        let Some(created) = open::created_of(&verified.lines) else {
            return eprintln!("no journal_created entry");
        };
        let Ok(resolved) = open::playbook_for(&created, catalog, common::today()) else {
            return eprintln!("the journal's playbook cannot be found");
        };
        split(1);
        let mut review = Review::new(
            resolved.playbook,
            "incident.jsonl",
            verified,
            false,
            opened_at(),
        );
        split(2);
        let Ok(mut terminal) = Terminal::new(TestBackend::new(WIDTH, HEIGHT));
        if let Err(e) = terminal.draw(|f| {
            f.render_widget(
                ReviewView {
                    review: &mut review,
                    theme: &theme,
                },
                f.area(),
            );
        }) {
            return eprintln!("draw failed: {e}");
        }
        split(3);
        if run >= WARM_UP {
            for (all, t) in phases.iter_mut().zip(times) {
                all.push(t);
            }
            totals.push(times.iter().sum());
        }
        drop(review);
    }
    let [read, lookup, new, draw] = phases.map(|p| Stats::of(p).median);
    println!("  open the review screen to its first frame (200x60):");
    row("read + verify (open::read_journal)", read);
    row("find the playbook (created_of, playbook_for)", lookup);
    row("Review::new (replay, sort by time, filter)", new);
    row("first ReviewView draw (timeline tab)", draw);
    let total = Stats::of(totals).median;
    row("total", total);
    println!(
        "    target < 300 ms: {}",
        verdict(total < Duration::from_millis(300))
    );
}

/// When the review is opened: a fixed instant, so runs are identical.
fn opened_at() -> chrono::DateTime<chrono::Utc> {
    common::incident_start() + chrono::TimeDelta::days(3)
}

/// Every incident export of the journal, timed alone (read, verify and
/// replay done once beforehand, as the command does once per export).
fn exports(path: &Path, catalog: &Catalog) {
    let Ok(verified) = open::read_journal(path) else {
        return eprintln!("cannot read {}", path.display());
    };
    let Some(resolved) = open::created_of(&verified.lines)
        .and_then(|c| open::playbook_for(&c, catalog, common::today()).ok())
    else {
        return eprintln!("the journal's playbook cannot be found");
    };
    let prepare = common::sample_keep(WARM_UP, RUNS, || {
        run::replay(&resolved.playbook, verified.entries())
    });
    let state = run::replay(&resolved.playbook, verified.entries());
    let input = Input::new(&verified, &resolved.playbook, &state);
    println!(
        "\n  exports (export::render alone, median of {EXPORT_RUNS} after {EXPORT_WARM_UP} \
         warm-up; the command also reads, verifies and replays, see above; replay here {}):",
        ms(prepare.median)
    );
    println!("  {:<52} {:>10} {:>12}  target < 1 s", "", "time", "output");
    for format in Format::ALL {
        let mut size = 0;
        let time = common::sample(EXPORT_WARM_UP, EXPORT_RUNS, || {
            size = export::render(format, &input).len();
        });
        export_row(&format!("--format {}", cli_name(format)), time.median, size);
    }
}

/// The `--format` value of an export.
fn cli_name(format: Format) -> &'static str {
    match format {
        Format::Markdown => "md",
        Format::Html => "html",
        Format::Csv => "csv",
        Format::Json => "json",
        Format::Timesketch => "timesketch",
        Format::CacaoStatus => "cacao-status",
    }
}

/// The exercise after-action report in both renderings.
fn after_action(path: &Path, catalog: &Catalog) {
    let Ok(verified) = open::read_journal(path) else {
        return eprintln!("cannot read {}", path.display());
    };
    let Some(created) = open::created_of(&verified.lines) else {
        return eprintln!("no journal_created entry");
    };
    let Ok(resolved) = open::playbook_for(&created, catalog, common::today()) else {
        return eprintln!("the journal's playbook cannot be found");
    };
    let drill = catalog.drill(DRILL).map(|e| &e.drill);
    let state = run::replay(&resolved.playbook, verified.entries());
    let exercise = match aar::Exercise::new(&verified, &resolved.playbook, &state, drill) {
        Ok(exercise) => exercise,
        Err(e) => return eprintln!("not an exercise: {e}"),
    };
    for format in aar::Format::ALL {
        let mut size = 0;
        let time = common::sample(EXPORT_WARM_UP, EXPORT_RUNS, || {
            size = aar::render(format, &exercise).len();
        });
        let name = match format {
            aar::Format::Markdown => "aar",
            aar::Format::Html => "aar-html",
        };
        export_row(&format!("--format {name}"), time.median, size);
    }
}

fn row(label: &str, time: Duration) {
    println!("  {label:<52} {:>10}", ms(time));
}

fn export_row(label: &str, time: Duration, size: usize) {
    println!(
        "  {label:<52} {:>10} {:>12}  {}",
        ms(time),
        mib(size as u64),
        verdict(time < Duration::from_secs(1))
    );
}
