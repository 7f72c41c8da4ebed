//! Runner action to saved: from the key press that records a note to the
//! writer's acknowledgement applied and the screen redrawn, with a real
//! `JournalFile` (each entry written and fsync'd) on the disk, over a
//! 100,000-entry journal against a 10-entry one. Rounds of each alternate
//! so that drifts in disk latency hit both alike; p99 over 200 actions
//! each.
//!
//! Run with `cargo bench --bench action_saved`. See docs/BENCHMARKS.md.
//! With `ACTION_SAVED_PROFILE=N` set, only the 100,000-entry runner (or
//! one over `ACTION_SAVED_PROFILE_ENTRIES` entries) is opened and N
//! actions are made on it, for a profiler to sample.

mod common;

use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use runsheet::app::input::{KeyCode, KeyEvent, KeyModifiers};
use runsheet::app::keymap::Keymap;
use runsheet::app::{App, Msg};
use runsheet::catalog::Catalog;
use runsheet::commands::open::Resolved;
use runsheet::journal::identity::Identity;
use runsheet::journal::writer::JournalFile;
use runsheet::runtime::Core;
use runsheet::time::{ManualTime, SystemTime, TimeSource};
use runsheet::ui::{RunnerView, Theme};

use common::{Incident, Stats, ratio, us, verdict};

const LARGE: usize = 100_000;
const SMALL: usize = 10;
const ROUNDS: usize = 20;
const PER_ROUND: usize = 10;
const WARM_UP: usize = 5;
const BAR: f64 = 1.5;

type Screen = Terminal<TestBackend>;

fn main() {
    let catalog = Catalog::bundled(common::today());
    let Some(resolved) = common::bundled(&catalog, "ransomware-extortion") else {
        return eprintln!("bundled playbook missing");
    };
    let dir = match common::disk_tempdir() {
        Ok(dir) => dir,
        Err(e) => return eprintln!("cannot make a folder on the disk: {e}"),
    };
    println!("machine: {}", common::machine());
    println!("journal folder: {}", common::filesystem(dir.path()));
    if let Some(actions) = profile_actions() {
        return profile(&resolved, dir.path(), actions);
    }
    let mut runners = Vec::new();
    for (name, count) in [("large.jsonl", LARGE), ("small.jsonl", SMALL)] {
        let path = dir.path().join(name);
        if let Err(e) = common::write_journal(&path, Incident::new(&resolved, false), count) {
            return eprintln!("cannot write {}: {e}", path.display());
        }
        match Runner::open(&resolved, &path) {
            Ok(runner) => runners.push(runner),
            Err(e) => return eprintln!("cannot open {}: {e}", path.display()),
        }
    }
    let Ok([mut large, mut small]) = <[Runner; 2]>::try_from(runners) else {
        return eprintln!("two runners expected");
    };
    for runner in [&mut large, &mut small] {
        for _ in 0..WARM_UP {
            if let Err(e) = runner.action() {
                return eprintln!("warm-up failed: {e}");
            }
        }
        runner.saved.clear();
        runner.acked.clear();
    }
    for round in 0..ROUNDS {
        let order: [&mut Runner; 2] = if round % 2 == 0 {
            [&mut large, &mut small]
        } else {
            [&mut small, &mut large]
        };
        for runner in order {
            for _ in 0..PER_ROUND {
                if let Err(e) = runner.action() {
                    return eprintln!("action failed: {e}");
                }
            }
        }
    }
    let mut p99 = Vec::new();
    println!("  {:<46} {:>10} {:>10} {:>10}", "", "median", "p99", "max");
    for (label, runner) in [("100,000 entries", &mut large), ("10 entries", &mut small)] {
        let acked = Stats::of(std::mem::take(&mut runner.acked));
        let saved = Stats::of(std::mem::take(&mut runner.saved));
        println!(
            "  {:<46} {:>10} {:>10} {:>10}",
            format!("{label}: key to acknowledged ({} actions)", acked.n),
            us(acked.median),
            us(acked.p99),
            us(acked.max)
        );
        println!(
            "  {:<46} {:>10} {:>10} {:>10}",
            format!("{label}: key to saved on screen"),
            us(saved.median),
            us(saved.p99),
            us(saved.max)
        );
        p99.push(saved.p99);
    }
    let r = ratio(p99[0], p99[1]);
    println!(
        "ratio of p99, 100,000 / 10 entries: {r:.2} (bar {BAR}): {}",
        verdict(r <= BAR)
    );
    large.core.finish();
    small.core.finish();
}

/// How many actions the profiling variant makes, when asked for.
fn profile_actions() -> Option<usize> {
    std::env::var("ACTION_SAVED_PROFILE").ok()?.parse().ok()
}

/// The profiling variant: one side alone, `actions` notes, and their
/// median key to saved on screen.
fn profile(resolved: &Resolved, dir: &Path, actions: usize) {
    let entries = std::env::var("ACTION_SAVED_PROFILE_ENTRIES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(LARGE);
    let path = dir.join("profiled.jsonl");
    if let Err(e) = common::write_journal(&path, Incident::new(resolved, false), entries) {
        return eprintln!("cannot write {}: {e}", path.display());
    }
    let mut runner = match Runner::open(resolved, &path) {
        Ok(runner) => runner,
        Err(e) => return eprintln!("cannot open {}: {e}", path.display()),
    };
    eprintln!("opened; {actions} actions follow");
    for _ in 0..actions {
        if let Err(e) = runner.action() {
            return eprintln!("action failed: {e}");
        }
    }
    let saved = Stats::of(std::mem::take(&mut runner.saved));
    println!(
        "{entries} entries, {actions} actions: key to saved on screen median {}, p99 {}",
        us(saved.median),
        us(saved.p99)
    );
    eprintln!("the last frame:\n{}", runner.terminal.backend());
    runner.core.finish();
}

/// A runner over a journal on the disk, as `runsheet resume` makes it.
struct Runner {
    core: Core,
    /// The app's clock: moved a second on before each action, as a person
    /// pauses (keys right after a save are held as type-ahead).
    clock: ManualTime,
    terminal: Screen,
    theme: Theme,
    /// Key press to the acknowledgement applied.
    acked: Vec<Duration>,
    /// Key press to the frame that shows the entry saved.
    saved: Vec<Duration>,
    notes: usize,
}

impl Runner {
    fn open(resolved: &Resolved, path: &Path) -> Result<Self, String> {
        let clock = ManualTime::at(SystemTime::new().now());
        let opened = JournalFile::open(path).map_err(|e| e.to_string())?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let playbook = resolved.playbook.clone().with_extra_holidays(&[]);
        let app = App::new(
            playbook,
            &opened.lines,
            Identity::new("Dana Reyes"),
            &name,
            Keymap::default(),
            clock.now(),
        );
        let shared: Arc<dyn TimeSource> = Arc::new(clock.clone());
        let core = Core::new(app, Box::new(opened.file), shared, Box::new(|_: &str| {}));
        let terminal = Terminal::new(TestBackend::new(200, 60)).map_err(|e| e.to_string())?;
        Ok(Self {
            core,
            clock,
            terminal,
            theme: Theme::default(),
            acked: Vec::new(),
            saved: Vec::new(),
            notes: 0,
        })
    }

    /// Opens the note dialog and types a note (not timed), then times
    /// Ctrl-S, which records it, to the acknowledgement and its frame.
    fn action(&mut self) -> Result<(), String> {
        self.notes += 1;
        self.clock.advance(chrono::Duration::seconds(1));
        self.key(KeyCode::Char('n'));
        for c in format!("note {} from the action bench", self.notes).chars() {
            self.key(KeyCode::Char(c));
        }
        self.draw()?;
        let start = Instant::now();
        self.core.handle(Msg::Key(KeyEvent::new(
            KeyCode::Char('s'),
            KeyModifiers::CONTROL,
        )));
        self.draw()?;
        if self.core.app.pending().is_empty() {
            return Err(format!(
                "Ctrl-S recorded nothing (mode {:?}, notices {:?})",
                self.core.app.mode, self.core.app.notices
            ));
        }
        if !self.core.settle(Duration::from_secs(10)) {
            return Err("no acknowledgement within 10 s".into());
        }
        self.acked.push(start.elapsed());
        self.draw()?;
        self.saved.push(start.elapsed());
        Ok(())
    }

    fn key(&mut self, code: KeyCode) {
        self.core
            .handle(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    fn draw(&mut self) -> Result<(), String> {
        let (app, theme) = (&self.core.app, &self.theme);
        self.terminal
            .draw(|f| f.render_widget(RunnerView { app, theme }, f.area()))
            .map(|_| ())
            .map_err(|e| e.to_string())
    }
}
