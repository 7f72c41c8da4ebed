//! Playbook load and validation speed, compared in the same run with
//! `PyYAML`'s C loader (libyaml) parsing the same file.
//!
//! Run with `cargo bench --bench load`. Each measurement is the median of
//! several runs after warm-up runs, timed with `std::time::Instant`. See
//! docs/BENCHMARKS.md for the method and recorded numbers.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use runsheet::catalog::{self, Catalog, SourceText};
use runsheet::playbook::doc::PlaybookDoc;
use runsheet::playbook::load;
use runsheet::playbook::validate::{self, ClockLibrary, Context};

const PHASES: usize = 10;
const STEPS_PER_PHASE: usize = 200;
const WARM_UP: usize = 3;
const RUNS: usize = 21;

fn main() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default();
    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => return eprintln!("cannot create a temp dir: {e}"),
    };
    let path = dir.path().join("synthetic-2000.yaml");
    let yaml = synthetic_playbook();
    if let Err(e) = std::fs::write(&path, &yaml) {
        return eprintln!("cannot write {}: {e}", path.display());
    }
    let library = Catalog::bundled(today).library;
    if let Err(problem) = load_and_validate(&path, &library, today) {
        return eprintln!("the synthetic playbook must be valid:\n{problem}");
    }

    println!("Playbook load and validation");
    println!("  machine: {}", machine());
    println!(
        "  synthetic playbook: {PHASES} phases x {STEPS_PER_PHASE} steps, {} bytes, {} lines",
        yaml.len(),
        yaml.lines().count()
    );
    println!("  median of {RUNS} runs after {WARM_UP} warm-up runs\n");

    let (full, parse) = synthetic(&path, &library, today);
    bundled(today);
    match python_c_loader(&path) {
        Ok(python) => {
            row(
                "python3 yaml.load(f, Loader=yaml.CSafeLoader), same file",
                python,
            );
            let ratio = |d: Duration| d.as_secs_f64() / python.as_secs_f64();
            println!(
                "\n  ratio runsheet (read + parse + validate) / PyYAML C loader: {:.2}x \
                 (target: within 2x)",
                ratio(full)
            );
            println!(
                "  ratio runsheet parse only / PyYAML C loader:                {:.2}x",
                ratio(parse)
            );
        }
        Err(why) => println!("\n  no comparison with PyYAML: {why}"),
    }
    hostile(dir.path(), &library, today);
}

fn row(label: &str, time: Duration) {
    println!("  {label:<58} {:>10}", ms(time));
}

/// Times the synthetic playbook as a whole and by phase; returns the
/// whole and the parse times.
fn synthetic(path: &Path, library: &ClockLibrary, today: NaiveDate) -> (Duration, Duration) {
    let full = median(|| {
        let _ = black_box(load_and_validate(path, library, today));
    });
    row("runsheet, 2,000-step file: read + parse + validate", full);
    let read = median(|| {
        let _ = black_box(catalog::read_source(path));
    });
    row("  of which read (IO, size/NUL/UTF-8 checks, SHA-256)", read);
    let Ok(source) = catalog::read_source(path) else {
        return (full, Duration::ZERO);
    };
    let parse = median(|| {
        let _ = black_box(load::parse::<PlaybookDoc>(&source.text));
    });
    row("  of which YAML parse into documents (with spans)", parse);
    if let Ok(doc) = load::parse::<PlaybookDoc>(&source.text) {
        let check = median(|| {
            let cx = Context {
                library,
                today,
                sha256: &source.sha256,
            };
            let _ = black_box(validate::compile_playbook(&doc, &source.text, cx));
        });
        row(
            "  of which validation (references, expressions, ...)",
            check,
        );
    }
    (full, parse)
}

/// Times loading every bundled playbook, pack and drill.
fn bundled(today: NaiveDate) {
    let time = median(|| {
        let _ = black_box(Catalog::bundled(today));
    });
    let files = catalog::bundled_files();
    let bytes: usize = files.iter().map(|(_, text)| text.len()).sum();
    let label = format!(
        "runsheet, all {} bundled files ({} KiB): Catalog::bundled",
        files.len(),
        bytes / 1024
    );
    row(&label, time);
}

/// Times refusing each hostile input, with the first line of its report.
fn hostile(dir: &Path, library: &ClockLibrary, today: NaiveDate) {
    println!("\n  hostile inputs, time to refuse (read + parse):");
    for (name, bytes) in hostile_inputs() {
        let file = dir.join(format!("{name}.yaml"));
        if let Err(e) = std::fs::write(&file, &bytes) {
            return eprintln!("cannot write {}: {e}", file.display());
        }
        let first_line = match load_and_validate(&file, library, today) {
            Ok(()) => "ACCEPTED (should have been refused)".to_string(),
            Err(text) => text.lines().next().unwrap_or_default().to_string(),
        };
        let time = median(|| {
            let _ = black_box(load_and_validate(&file, library, today));
        });
        println!("  {name:<20} {:>10}  {first_line}", ms(time));
    }
}

/// What `runsheet validate` does for one local playbook file; the first
/// error, rendered, when it is refused.
fn load_and_validate(path: &Path, library: &ClockLibrary, today: NaiveDate) -> Result<(), String> {
    let source: SourceText = catalog::read_source(path).map_err(|e| e.render())?;
    catalog::check_playbook(&source, library, today)
        .map(|_| ())
        .map_err(|e| e.render())
}

/// The median wall time of `RUNS` calls, after `WARM_UP` calls.
fn median(mut f: impl FnMut()) -> Duration {
    for _ in 0..WARM_UP {
        f();
    }
    let mut times: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .collect();
    times.sort_unstable();
    times[times.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1_000.0)
}

/// Times `PyYAML`'s C loader on the file, inside Python (interpreter start-up
/// excluded), with the same warm-up and median as the Rust side.
fn python_c_loader(path: &Path) -> Result<Duration, String> {
    let script = format!(
        "import yaml, sys, time\n\
         if not getattr(yaml, '__with_libyaml__', False):\n\
         \x20   sys.exit('PyYAML was built without libyaml (no CSafeLoader)')\n\
         def once():\n\
         \x20   start = time.perf_counter()\n\
         \x20   with open(sys.argv[1], encoding='utf-8') as f:\n\
         \x20       yaml.load(f, Loader=yaml.CSafeLoader)\n\
         \x20   return time.perf_counter() - start\n\
         for _ in range({WARM_UP}):\n\
         \x20   once()\n\
         times = sorted(once() for _ in range({RUNS}))\n\
         print(times[len(times) // 2])\n"
    );
    let out = Command::new("python3")
        .args(["-c", &script])
        .arg(path)
        .output()
        .map_err(|e| format!("cannot run python3: {e}"))?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    text.trim()
        .parse::<f64>()
        .map(Duration::from_secs_f64)
        .map_err(|e| format!("unexpected output `{}`: {e}", text.trim()))
}

/// `nproc` and the CPU model, for the record.
fn machine() -> String {
    let cpus = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|info| {
            info.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cpus} CPUs, {model}")
}

const ROLES: [&str; 6] = ["ic", "tech-lead", "comms", "legal", "dpo", "scribe"];
const CONTACTS: [&str; 10] = [
    "csirt", "dpa", "police", "insurer", "dfir", "counsel", "bank", "cloud", "press", "board",
];

const HEADER: &str = r#"# Generated by benches/load.rs
runsheet: 1
id: synthetic-2000
title: Synthetic benchmark playbook with 2,000 steps
version: 1.0.0
summary: >-
  Ten phases of two hundred steps each, with every feature a real playbook
  uses, for measuring load and validation time.
owner: Benchmarks
reviewed: 2026-11-01
timezone: Europe/Amsterdam
tags: [synthetic, benchmark, gdpr, nis2]
references:
  - {title: "NIST SP 800-61 Rev. 3", url: "https://doi.org/10.6028/NIST.SP.800-61r3"}
"#;

const FACTS: &str = r#"facts:
  - {id: aware_at, prompt: "When did we become aware?", type: datetime}
  - {id: breach_aware_at, prompt: "When did we know personal data was affected?", type: datetime}
  - {id: personal_data, prompt: "Is personal data affected?", type: bool}
  - {id: records, prompt: "How many records?", type: number}
  - {id: org, prompt: "Organisation name", type: text}
  - id: regions
    prompt: "Which jurisdictions?"
    type: choice
    multiple: true
    options:
      - {value: eu, label: European Union}
      - {value: uk, label: United Kingdom}
      - us
  - id: severity
    prompt: "How severe?"
    type: choice
    options: [low, medium, high, critical]
"#;

const CLOCKS: &str = r#"clocks:
  - use: gdpr-art33
    when: personal_data and "eu" in regions
  - use: nis2-art23
"#;

/// Step text with `STEP`, `AREA` and `ROLE` filled in per step.
const INSTRUCTIONS: &str = r"        instructions: |
          Establish what happened in **area AREA** and record it in the timeline.

          - Check the `host-AREA` logs and the alert that triggered this step.
          - Preserve evidence before changing anything; see [the guide](https://example.org/g/AREA).
          - Tell the ROLE lead when done.
        checklist: [Evidence preserved, Timeline updated, 'Owner told: ROLE']
";

/// A message draft with `CONTACT` and `AREA` filled in.
const MESSAGE: &str = r"        message:
          subject: 'Update AREA on the incident at {{org}}'
          body: |
            Dear {{contact.CONTACT}},

            Since {{aware_at}} {{org}} has been responding to an incident; about
            {{records}} records may be affected. Our incident commander is
            {{role.ic}}. Next update from {{incident.title}}.
";

const LAST_STEP: &str = "        satisfies: [gdpr-art33.notify, nis2-art23.early-warning, \
                         nis2-art23.notification, nis2-art23.final-report]\n";

/// A realistic, valid 2,000-step playbook: Markdown instructions,
/// checklists, `when:` expressions, captures, decisions, messages with
/// placeholders, dependencies, timeboxes, contacts and pack clocks.
fn synthetic_playbook() -> String {
    let mut y = String::with_capacity(2 << 20);
    y.push_str(HEADER);
    y.push_str("roles:\n");
    for role in ROLES {
        let _ = writeln!(
            y,
            "  - {{id: {role}, title: Role {role}, description: Owns the {role} work}}"
        );
    }
    y.push_str(FACTS);
    for p in 0..PHASES {
        let _ = writeln!(
            y,
            "  - {{id: phase{p}_done, prompt: Is phase {p} complete?, type: bool}}"
        );
        let _ = writeln!(
            y,
            "  - {{id: phase{p}_count, prompt: Items handled in phase {p}, type: number}}"
        );
        let _ = writeln!(
            y,
            "  - {{id: phase{p}_note, prompt: Notes for phase {p}, type: text}}"
        );
    }
    y.push_str("contacts:\n");
    for c in CONTACTS {
        let _ = writeln!(
            y,
            "  - {{id: {c}, name: Contact {c}, kind: other, email: {c}@example.org}}"
        );
    }
    y.push_str(CLOCKS);
    y.push_str("phases:\n");
    for p in 0..PHASES {
        let _ = writeln!(y, "  - id: phase-{p}");
        let _ = writeln!(y, "    title: Phase {p} of the response");
        let _ = writeln!(y, "    summary: Work package {p}.");
        let _ = writeln!(y, "    steps:");
        for s in 0..STEPS_PER_PHASE {
            step(&mut y, p, s);
        }
    }
    y
}

fn step(y: &mut String, p: usize, s: usize) {
    let role = ROLES[s % ROLES.len()];
    let contact = CONTACTS[s % CONTACTS.len()];
    let _ = writeln!(y, "      - id: p{p}-s{s}");
    let _ = writeln!(y, "        title: Step {s} of phase {p}, handled by {role}");
    let _ = writeln!(y, "        role: {role}");
    if s > 0 {
        let _ = writeln!(y, "        after: [p{p}-s{}]", s - 1);
    }
    let when = match s % 5 {
        0 => None,
        1 => Some("personal_data and \"eu\" in regions".to_string()),
        2 => Some(format!("severity == \"high\" or records > {}", s * 10)),
        3 => Some(format!("not phase{p}_done")),
        _ => Some(format!(
            "(personal_data or phase{p}_count >= 3) and severity != 'low'"
        )),
    };
    if let Some(when) = when {
        let _ = writeln!(y, "        when: {}", single_quoted(&when));
    }
    let _ = writeln!(
        y,
        "        timebox: {}",
        ["30m", "2h", "1h30m", "4 hours"][s % 4]
    );
    if p == 0 && s == 0 {
        y.push_str("        capture: [aware_at, breach_aware_at, org, records, regions]\n");
        y.push_str("        decide: {fact: severity}\n        required: true\n");
    } else if s.is_multiple_of(7) {
        let _ = writeln!(
            y,
            "        decide: {{fact: phase{p}_done, prompt: Is phase {p} complete?}}"
        );
    } else {
        let _ = writeln!(y, "        capture: [phase{p}_count, phase{p}_note]");
    }
    let area = s.to_string();
    y.push_str(&INSTRUCTIONS.replace("AREA", &area).replace("ROLE", role));
    if s.is_multiple_of(4) {
        let _ = writeln!(y, "        contact: {contact}");
        y.push_str(&MESSAGE.replace("AREA", &area).replace("CONTACT", contact));
    }
    if s % 50 == 10 {
        y.push_str("        command: \"grep -c 'Failed password' /var/log/auth.log\"\n");
    }
    if p == PHASES - 1 && s == STEPS_PER_PHASE - 1 {
        y.push_str(LAST_STEP);
    }
}

/// A YAML single-quoted scalar.
fn single_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The hostile inputs of `tests/validate_fixtures.rs`.
fn hostile_inputs() -> Vec<(&'static str, Vec<u8>)> {
    let header = "runsheet: 1\nid: hostile\ntitle: Hostile\nversion: 1.0.0\nsummary: Hostile.\n";
    let mut bomb = format!("{header}phases:\n  - id: p0\n    title: First\n    steps: &steps\n");
    bomb.push_str("      - &step {id: s, title: Step, checklist: [&item lol");
    bomb.push_str(&", *item".repeat(300));
    bomb.push_str("]}\n");
    bomb.push_str(&"      - *step\n".repeat(300));
    bomb.push_str("  - &phase {id: p1, title: Second, steps: *steps}\n");
    bomb.push_str(&"  - *phase\n".repeat(300));

    let mut big = format!("{header}tags:\n").into_bytes();
    let line = format!("  - {}\n", "x".repeat(96));
    while big.len() < 50 * 1024 * 1024 {
        big.extend_from_slice(line.as_bytes());
    }
    let deep = format!(
        "{header}tags: {}{}\nphases: []\n",
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let tabs = format!("{header}phases:\n\t- id: detect\n\t  title: Detect\n");
    vec![
        ("alias bomb", bomb.into_bytes()),
        ("50 MB file", big),
        ("nesting 10,000", deep.into_bytes()),
        ("NUL byte", b"runsheet: 1\nid: n\0l\n".to_vec()),
        (
            "invalid UTF-8",
            b"runsheet: 1\nid: cafe\ntitle: Caf\xe9\n".to_vec(),
        ),
        ("tab indentation", tabs.into_bytes()),
    ]
}
