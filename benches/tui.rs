//! Runner (TUI) speed: process start to first frame, one full frame, and
//! key press to redrawn frame, rendered into ratatui's `TestBackend`.
//!
//! Run with `cargo bench --bench tui`. See docs/BENCHMARKS.md for the
//! method and recorded numbers.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::TimeDelta;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use runsheet::app::input::{KeyCode, KeyEvent, KeyModifiers};
use runsheet::app::keymap::Keymap;
use runsheet::app::{App, Effect, Mode, Msg, Pane};
use runsheet::catalog::Catalog;
use runsheet::commands::open::{self, NewJournal, Resolved};
use runsheet::journal::Line;
use runsheet::journal::identity::Identity;
use runsheet::journal::writer::Ack;
use runsheet::playbook::doc::PlaybookDoc;
use runsheet::playbook::load;
use runsheet::runtime::Core;
use runsheet::time::{SystemTime, TimeSource};
use runsheet::ui::{RunnerView, Theme};

use common::{Stats, ms, us, verdict};

const WIDTH: u16 = 200;
const HEIGHT: u16 = 60;
const WARM_UP: usize = 3;
const RUNS: usize = 21;
const FRAMES: usize = 2_000;
const PRESSES: usize = 3_000;
/// Entries in the mid-incident journal the frame and key timings use.
const MID_INCIDENT: usize = 500;
const PLAYBOOK: &str = "ransomware-extortion";
/// Longer incidents the key timings are repeated on.
const LONGER: [usize; 2] = [10_000, 100_000];

type Screen = Terminal<TestBackend>;

fn main() {
    let dir = match common::disk_tempdir() {
        Ok(dir) => dir,
        Err(e) => return eprintln!("cannot create a temp dir: {e}"),
    };
    let catalog = Catalog::bundled(common::today());
    println!("Runner (TUI)");
    println!("  machine: {}", common::machine());
    println!("  journals in: {}", common::filesystem(dir.path()));
    println!("  screen: {WIDTH}x{HEIGHT} TestBackend, default theme\n");

    let exec = exec_overhead();
    start_to_first_frame(dir.path(), &catalog, exec);

    let Some(resolved) = common::bundled(&catalog, PLAYBOOK) else {
        return eprintln!("bundled playbook `{PLAYBOOK}` not found");
    };
    let lines: Vec<Line> = common::lines(&resolved, MID_INCIDENT).collect();
    frames(&resolved, &lines);
    println!(
        "\n  key press to redrawn frame: Enter (start), x (done), k, j, j per step, with Esc, \
         Shift-Tab and l where needed; every entry written is acknowledged"
    );
    keys(&resolved, &lines, PRESSES, true);
    println!("\n  the same on longer incidents, for information (no target):");
    for entries in LONGER {
        let lines: Vec<Line> = common::lines(&resolved, entries).collect();
        keys(&resolved, &lines, 300, false);
    }
}

// ---------------------------------------------------------------------------
// Start to first frame

/// Median wall time of starting the release binary, for `--version` (exec,
/// dynamic linking, argument parsing) and for `list` (which also loads the
/// catalog and prints it).
fn exec_overhead() -> Option<Duration> {
    let exe = env!("CARGO_BIN_EXE_runsheet");
    let mut failed = None;
    let mut run = |arg: &str| {
        common::sample(WARM_UP, RUNS, || {
            match Command::new(exe).arg(arg).env("NO_COLOR", "1").output() {
                Ok(out) if out.status.success() => {}
                Ok(out) => failed = Some(String::from_utf8_lossy(&out.stderr).into_owned()),
                Err(e) => failed = Some(e.to_string()),
            }
        })
    };
    let version = run("--version");
    let list = run("list");
    if let Some(why) = failed {
        println!("  cannot run {exe}: {why}");
        return None;
    }
    println!("  process start (median of {RUNS} spawns after {WARM_UP} warm-up):");
    row("runsheet --version (exec overhead)", version.median);
    row(
        "runsheet list (exec + catalog + print), for reference",
        list.median,
    );
    Some(version.median)
}

/// How `runsheet run <playbook>` finds what it runs.
#[derive(Debug, Clone, Copy)]
enum Source<'a> {
    Bundled(&'a str),
    File(&'a Path),
}

/// The phases of the in-process path to the first frame.
#[derive(Debug, Default)]
struct Phases {
    discover: Vec<Duration>,
    resolve: Vec<Duration>,
    create: Vec<Duration>,
    app: Vec<Duration>,
    draw: Vec<Duration>,
    total: Vec<Duration>,
}

fn start_to_first_frame(dir: &Path, catalog: &Catalog, exec: Option<Duration>) {
    let Some(largest) = catalog
        .playbooks
        .iter()
        .max_by_key(|e| e.playbook.step_count())
    else {
        return eprintln!("no bundled playbooks");
    };
    let synthetic = dir.join("synthetic-2000.yaml");
    let yaml = common::synthetic_playbook(10, 200);
    if let Err(e) = std::fs::write(&synthetic, &yaml) {
        return eprintln!("cannot write {}: {e}", synthetic.display());
    }
    match runsheet::catalog::read_source(&synthetic).and_then(|source| {
        runsheet::catalog::check_playbook(&source, &catalog.library, common::today())
    }) {
        Ok((_, diagnostics)) if diagnostics.is_empty() => {}
        Ok((_, diagnostics)) => println!(
            "  note: the synthetic playbook has {} warnings, the first: {}",
            diagnostics.len(),
            diagnostics[0].message
        ),
        Err(e) => return eprintln!("the synthetic playbook must be valid:\n{e}"),
    }
    let local = [dir.join("data/playbooks"), dir.join("cwd/playbooks")];
    let cases = [
        (
            format!(
                "largest bundled playbook, `{}` ({} steps)",
                largest.playbook.id,
                largest.playbook.step_count()
            ),
            Source::Bundled(&largest.playbook.id),
        ),
        (
            format!(
                "synthetic playbook file, 2,000 steps ({} KiB, {} lines)",
                yaml.len() / 1024,
                yaml.lines().count()
            ),
            Source::File(&synthetic),
        ),
    ];
    println!(
        "\n  start to first frame, in process (median of {RUNS} runs after {WARM_UP} warm-up):"
    );
    for (case, (label, source)) in cases.into_iter().enumerate() {
        let mut phases = Phases::default();
        for run in 0..WARM_UP + RUNS {
            let journal = dir.join(format!("start-{case}-{run}.jsonl"));
            match first_frame(source, &local, &journal) {
                Ok(times) if run >= WARM_UP => {
                    for (all, t) in [
                        (&mut phases.discover, times[0]),
                        (&mut phases.resolve, times[1]),
                        (&mut phases.create, times[2]),
                        (&mut phases.app, times[3]),
                        (&mut phases.draw, times[4]),
                    ] {
                        all.push(t);
                    }
                    phases.total.push(times.iter().sum());
                }
                Ok(_) => {}
                Err(e) => return eprintln!("{label}: {e}"),
            }
        }
        println!("  {label}:");
        let median = |v: Vec<Duration>| Stats::of(v).median;
        row(
            "  Catalog::discover and resolve the playbook (concurrent for a file)",
            median(phases.discover),
        );
        row("  clone the playbook, add holidays", median(phases.resolve));
        if matches!(source, Source::File(_)) {
            let parse = common::sample(WARM_UP, RUNS, || {
                let _ = std::hint::black_box(load::parse::<PlaybookDoc>(&yaml));
            });
            row("    of which YAML parse into documents", parse.median);
        }
        row(
            "  create the journal (2 entries, fsync'd)",
            median(phases.create),
        );
        row("  App::new + writer thread (Core::new)", median(phases.app));
        row("  first RunnerView draw (200x60)", median(phases.draw));
        let total = median(phases.total);
        row("  in-process total", total);
        if let Some(exec) = exec {
            let sum = total + exec;
            row("  + exec overhead = process start to first frame", sum);
            println!(
                "    target < 50 ms: {}",
                verdict(sum < Duration::from_millis(50))
            );
        }
    }
}

/// One start of `runsheet run`, timed by phase: what the binary does
/// between parsing its arguments and its first draw, minus the terminal's
/// own set-up.
fn first_frame(
    source: Source<'_>,
    local: &[PathBuf],
    journal: &Path,
) -> Result<[Duration; 5], String> {
    let clock: Arc<dyn TimeSource> = Arc::new(SystemTime::new());
    let today = clock.now().date_naive();
    let mut times = [Duration::ZERO; 5];
    let mut lap = Instant::now();
    let mut split = |i: usize| {
        times[i] = lap.elapsed();
        lap = Instant::now();
    };

    let arg = match source {
        Source::Bundled(id) => id.to_string(),
        Source::File(path) => path.display().to_string(),
    };
    // What `run` does: the catalog is discovered while a named file is
    // parsed (both phases are reported as one, in `discover`).
    let (_catalog, resolved) =
        open::discover_and_resolve(&arg, local, today).map_err(|e| e.to_string())?;
    split(0);
    let playbook = resolved.playbook.clone().with_extra_holidays(&[]);
    split(1);
    let settings = NewJournal {
        path: Some(journal.to_path_buf()),
        title: None,
        exercise: false,
        timezone: resolved.playbook.timezone.unwrap_or(chrono_tz::UTC),
        drill: None,
        holidays: Vec::new(),
    };
    let who = Identity::new("Dana Reyes");
    let (file, lines) = open::create_journal(&resolved, settings, &who, clock.as_ref(), "run")
        .map_err(|e| e.to_string())?;
    split(2);
    let name = journal
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let app = App::new(playbook, &lines, who, &name, Keymap::default(), clock.now());
    let core = Core::new(
        app,
        Box::new(file),
        Arc::clone(&clock),
        Box::new(|_: &str| {}),
    );
    split(3);
    let theme = Theme::default();
    let mut terminal = screen()?;
    draw(&mut terminal, &core.app, &theme)?;
    split(4);
    core.finish();
    Ok(times)
}

// ---------------------------------------------------------------------------
// Frames

fn screen() -> Result<Screen, String> {
    Terminal::new(TestBackend::new(WIDTH, HEIGHT)).map_err(|e| e.to_string())
}

fn draw(terminal: &mut Screen, app: &App, theme: &Theme) -> Result<(), String> {
    terminal
        .draw(|f| f.render_widget(RunnerView { app, theme }, f.area()))
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// A runner over the mid-incident journal, three hours in.
fn mid_incident(resolved: &Resolved, lines: &[Line]) -> App {
    let last = lines
        .last()
        .map_or_else(common::incident_start, |l| l.entry.ts);
    App::new(
        resolved.playbook.clone(),
        lines,
        Identity {
            actor: "Dana Reyes".into(),
            session: "session-bench".into(),
        },
        "incident.jsonl",
        Keymap::default(),
        last + TimeDelta::hours(3),
    )
}

fn frames(resolved: &Resolved, lines: &[Line]) {
    let app = mid_incident(resolved, lines);
    let theme = Theme::default();
    let live = runsheet::ui::deadlines::live_clocks(&app).len();
    let facts = app.state().facts.len();
    println!(
        "\n  one frame, mid-incident: `{PLAYBOOK}`, {} entries, {facts} facts known, \
         {live} deadline stages live, {FRAMES} frames after {WARM_UP} warm-up:",
        lines.len()
    );
    let Ok(mut terminal) = screen() else {
        return eprintln!("cannot create the test terminal");
    };
    let mut failed = None;
    let mut frame = |clear: bool| {
        let mut times = Vec::with_capacity(FRAMES);
        for i in 0..WARM_UP + FRAMES {
            if clear {
                // Forget the last frame, so every cell is drawn and sent.
                let _ = terminal.clear();
            }
            let start = Instant::now();
            if let Err(e) = draw(&mut terminal, &app, &theme) {
                failed = Some(e);
            }
            if i >= WARM_UP {
                times.push(start.elapsed());
            }
        }
        Stats::of(times)
    };
    let full = frame(true);
    let same = frame(false);
    if let Some(e) = failed {
        return eprintln!("draw failed: {e}");
    }
    println!("  {:<52} {:>10} {:>10}", "", "median", "p99");
    stats_row("full frame (after terminal.clear(): every cell)", full);
    stats_row("redraw of an unchanged screen (diff empty)", same);
    println!(
        "    target: full frame median < 2 ms: {}",
        verdict(full.median < Duration::from_millis(2))
    );
}

// ---------------------------------------------------------------------------
// Key presses

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

/// Feeds key presses to a runner and acknowledges what they write, timing
/// each press to its redrawn frame and each acknowledgement to its frame.
struct Driver<'a> {
    resolved: &'a Resolved,
    lines: &'a [Line],
    app: App,
    terminal: Screen,
    theme: Theme,
    presses: Vec<Duration>,
    acks: Vec<Duration>,
    appends: usize,
}

impl Driver<'_> {
    /// One key press: update, then draw; then the writer's acks for what
    /// it wrote, each with its own redraw (as the runtime does).
    fn press(&mut self, code: KeyCode) -> Result<(), String> {
        let now = self.app.now;
        let base = self.app.state().entry_count - self.app.pending().len() as u64;
        let start = Instant::now();
        let effects = self.app.update(key(code), now);
        draw(&mut self.terminal, &self.app, &self.theme)?;
        self.presses.push(start.elapsed());
        let appended = effects
            .iter()
            .filter(|e| matches!(e, Effect::Append { .. }))
            .count() as u64;
        let mut next = base + self.app.pending().len() as u64 - appended;
        for effect in effects {
            if let Effect::Append { ticket, draft, .. } = effect {
                let entry = draft.into_entry(next, String::new());
                next += 1;
                let line = Line {
                    text: entry.encode(),
                    entry,
                };
                let start = Instant::now();
                self.app.update(Msg::Ack(Ack::Saved { ticket, line }), now);
                draw(&mut self.terminal, &self.app, &self.theme)?;
                self.acks.push(start.elapsed());
                self.appends += 1;
            }
        }
        Ok(())
    }

    /// Back to the step list with nothing open.
    fn settle(&mut self) -> Result<(), String> {
        if self.app.mode != Mode::Normal {
            self.press(KeyCode::Esc)?;
        }
        if self.app.focus != Pane::Steps {
            self.press(KeyCode::BackTab)?;
        }
        Ok(())
    }

    /// Works one step: start it, mark it done, look at the one above and
    /// come back, then move to the next (the next phase after the last).
    fn work_step(&mut self) -> Result<(), String> {
        self.press(KeyCode::Enter)?;
        self.settle()?;
        self.press(KeyCode::Char('x'))?;
        self.settle()?;
        self.press(KeyCode::Char('k'))?;
        self.press(KeyCode::Char('j'))?;
        let here = self.app.selected.clone();
        self.press(KeyCode::Char('j'))?;
        if self.app.selected == here {
            self.press(KeyCode::Char('l'))?;
            if self.app.phase == 0 {
                // Every step has been worked: start again from the journal.
                self.app = mid_incident(self.resolved, self.lines);
            }
        }
        Ok(())
    }
}

fn keys(resolved: &Resolved, lines: &[Line], count: usize, target: bool) {
    let Ok(terminal) = screen() else {
        return eprintln!("cannot create the test terminal");
    };
    let mut driver = Driver {
        resolved,
        lines,
        app: mid_incident(resolved, lines),
        terminal,
        theme: Theme::default(),
        presses: Vec::new(),
        acks: Vec::new(),
        appends: 0,
    };
    while driver.presses.len() < count {
        if let Err(e) = driver.work_step() {
            return eprintln!("key press failed: {e}");
        }
    }
    let presses = Stats::of(driver.presses);
    let acks = Stats::of(driver.acks);
    println!(
        "  {} entries: {} presses, {} entries written and acknowledged",
        lines.len(),
        presses.n,
        driver.appends
    );
    println!("  {:<52} {:>10} {:>10} {:>10}", "", "median", "p99", "max");
    for (label, s) in [
        ("  App::update(key) + draw", presses),
        ("  App::update(Ack::Saved) + draw", acks),
    ] {
        println!(
            "  {label:<52} {:>10} {:>10} {:>10}",
            us(s.median),
            us(s.p99),
            us(s.max)
        );
    }
    if target {
        println!(
            "    target: key press p99 < 16 ms: {}",
            verdict(presses.p99 < Duration::from_millis(16))
        );
    }
}

fn row(label: &str, time: Duration) {
    println!("  {label:<52} {:>10}", ms(time));
}

fn stats_row(label: &str, s: Stats) {
    println!("  {label:<52} {:>10} {:>10}", us(s.median), us(s.p99));
}
