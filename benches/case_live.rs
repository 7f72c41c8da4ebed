//! Team cases, live: how long a line another responder writes takes to
//! reach the runner's screen. Real files on the real disk: the other
//! responder's journal is appended by the real writer (write + fsync);
//! this runner's side is the real watch (`notify`, and the polling pass
//! alone for the fallback), the real read of the new bytes, the app's fold
//! (merge + replay of the case) and a full render of the runner screen
//! into a test terminal, which must show the new line.
//!
//! Baseline in the same run: the same read, fold and render started right
//! after the write, without waiting for the watch.
//!
//! Run with `cargo bench --bench case_live`. See docs/BENCHMARKS.md.

mod common;

use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use runsheet::app::App;
use runsheet::app::keymap::Keymap;
use runsheet::case::live::CaseLive;
use runsheet::case::watch::{self, Mode};
use runsheet::case::{folder, merge};
use runsheet::catalog::Catalog;
use runsheet::journal::event::{Note, Payload};
use runsheet::journal::identity::Identity;
use runsheet::journal::writer::JournalFile;
use runsheet::journal::{Draft, Event};
use runsheet::ui::{RunnerView, Theme};

use common::{Incident, Stats, ms, ratio, verdict};

/// Entries already in each of the two journals: a case some hours in.
const PREFILL: usize = 2_000;
const WARM_UP: usize = 5;
const RUNS: usize = 100;
const POLL_RUNS: usize = 30;
const TARGET: Duration = Duration::from_millis(100);
const BAR: Duration = Duration::from_millis(250);
/// No line may take longer than this to arrive (then the bench fails).
const GIVE_UP: Duration = Duration::from_secs(5);
const OWN: &str = "dana@bench";
const OTHER: &str = "tomas@bench";

/// The runner's side: the app over the case, and a test terminal.
struct Runner {
    app: App,
    terminal: Terminal<TestBackend>,
    theme: Theme,
}

impl Runner {
    fn open(dir: &Path, playbook: &runsheet::playbook::Playbook) -> Self {
        let journals = merge::load(dir).expect("journals");
        let mut case = CaseLive::new(OWN, journals);
        let feed = case.feed();
        let mut app = App::new(
            playbook.clone(),
            &feed,
            Identity::new("Dana".to_string()),
            "dana@bench.jsonl",
            Keymap::default(),
            chrono::Utc::now(),
        );
        app.join_case(case, None);
        Self {
            app,
            terminal: Terminal::new(TestBackend::new(110, 34)).expect("terminal"),
            theme: Theme::new(runsheet::config::Theme::Dark, false),
        }
    }

    /// Reads what the other journals gained, folds it, draws; whether the
    /// screen now shows `needle`.
    fn catch_up(&mut self, dir: &Path, needle: &str) -> bool {
        let reads = self
            .app
            .team
            .as_ref()
            .map(|team| watch::appended(dir, &team.case))
            .unwrap_or_default();
        for (id, bytes) in reads {
            self.app.fold(&id, &bytes);
        }
        let app = &self.app;
        let theme = &self.theme;
        self.terminal
            .draw(|f| f.render_widget(RunnerView { app, theme }, f.area()))
            .expect("draw");
        let buffer = self.terminal.backend().buffer();
        let text: String = buffer
            .content()
            .iter()
            .map(ratatui::buffer::Cell::symbol)
            .collect();
        text.contains(needle)
    }
}

fn note(i: usize) -> Draft {
    Draft {
        ts: chrono::Utc::now(),
        mono_ms: 0,
        scenario_ms: None,
        session: "tomas-bench".into(),
        actor: "Tomas".into(),
        event: Event::new(Payload::Note(Note {
            text: format!("bench line {i:04}"),
        })),
    }
}

/// Write-to-screen times: `watched` waits for the watch before reading.
fn measure(
    dir: &Path,
    runner: &mut Runner,
    other: &mut JournalFile,
    first: usize,
    runs: usize,
    wake: Option<&mpsc::Receiver<()>>,
) -> Stats {
    let mut times = Vec::with_capacity(runs);
    for i in first..first + runs {
        if let Some(rx) = wake {
            while rx.try_recv().is_ok() {}
        }
        let needle = format!("bench line {i:04}");
        other.append(note(i)).expect("append");
        let written = Instant::now();
        loop {
            if let Some(rx) = wake {
                let left = GIVE_UP.saturating_sub(written.elapsed());
                assert!(rx.recv_timeout(left).is_ok(), "line {i} never arrived");
            }
            if runner.catch_up(dir, &needle) {
                break;
            }
            assert!(written.elapsed() < GIVE_UP, "line {i} never shown");
        }
        times.push(written.elapsed());
    }
    Stats::of(times)
}

fn watched(dir: &Path, mode: Mode) -> (watch::Watch, mpsc::Receiver<()>) {
    let (tx, rx) = mpsc::channel();
    let tx = Mutex::new(tx);
    let changed: Arc<dyn Fn() + Send + Sync> = Arc::new(move || {
        let _ = tx.lock().map(|t| t.send(()));
    });
    (watch::start(dir, mode, changed), rx)
}

fn row(name: &str, s: &Stats) {
    println!(
        "{name:<34} median {:>9}  p99 {:>9}  min {:>9}  max {:>9}  (n={})",
        ms(s.median),
        ms(s.p99),
        ms(s.min),
        ms(s.max),
        s.n
    );
}

fn main() {
    let catalog = Catalog::bundled(common::today());
    let Some(resolved) = common::bundled(&catalog, "ransomware-extortion") else {
        eprintln!("bundled playbook missing");
        std::process::exit(2);
    };
    let tmp = common::disk_tempdir().expect("temp dir");
    let dir = tmp.path();
    std::fs::create_dir_all(folder::journals_dir(dir)).expect("journals dir");
    for id in [OWN, OTHER] {
        common::write_journal(
            &folder::journal_path(dir, id),
            Incident::new(&resolved, false),
            PREFILL,
        )
        .expect("journal");
    }
    let mut other = JournalFile::open(&folder::journal_path(dir, OTHER))
        .expect("open")
        .file;
    let mut runner = Runner::open(dir, &resolved.playbook);
    println!("machine: {}", common::machine());
    println!("filesystem: {}", common::filesystem(dir));
    println!("case: 2 journals x {PREFILL} entries, runner screen 110x34");

    // Warm up, then the baseline: read, fold and draw right after the write.
    measure(dir, &mut runner, &mut other, 0, WARM_UP, None);
    let direct = measure(dir, &mut runner, &mut other, WARM_UP, RUNS, None);

    let (notify, rx) = watched(dir, Mode::Notify);
    assert!(notify.notifying, "notifications did not start");
    let first = WARM_UP + RUNS;
    let live = measure(dir, &mut runner, &mut other, first, RUNS, Some(&rx));
    drop(notify);

    let (poll, rx) = watched(dir, Mode::Poll);
    let first = first + RUNS;
    let polled = measure(dir, &mut runner, &mut other, first, POLL_RUNS, Some(&rx));
    drop(poll);

    row("baseline: read + fold + draw", &direct);
    row("notify: write to screen", &live);
    row("polling alone: write to screen", &polled);
    println!(
        "notify median / baseline median: {:.2}x",
        ratio(live.median, direct.median)
    );
    println!(
        "notify median {} (target {}): {}; p99 {} (bar {}): {}",
        ms(live.median),
        ms(TARGET),
        verdict(live.median <= TARGET),
        ms(live.p99),
        ms(BAR),
        verdict(live.p99 <= BAR),
    );
    println!(
        "polling alone p99 {} (bar {}): {}",
        ms(polled.p99),
        ms(BAR),
        verdict(polled.p99 <= BAR)
    );
}
