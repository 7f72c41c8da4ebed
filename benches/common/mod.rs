//! Shared by the journal, runner and review benchmarks: timing statistics,
//! the machine record, a temporary folder on the real disk, and a
//! deterministic generator of realistic journals and playbooks.
//!
//! Each benchmark binary uses a different part of this module.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::io::{BufWriter, Write as _};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use runsheet::catalog::Catalog;
use runsheet::catalog::DrillEntry;
use runsheet::commands::open::Resolved;
use runsheet::hash::{ZERO_HASH, sha256_hex};
use runsheet::journal::event::{
    Approval, ChecklistItem, Correction, Created, Decision, DrillAction, DrillControl, DrillRef,
    FactSet, InjectDelivered, MessageDrafted, Note, Observation, ObservationKind, Payload, Purpose,
    Rating, Reason, Reopened, RoleAssigned, SessionEnded, SessionStarted, StepDone, Submission,
};
use runsheet::journal::{Draft, Event, Line};
use runsheet::playbook::{Drill, FactDef, FactType, FactValue, Playbook, Step};

/// The day benchmarks pretend it is (clock packs are checked against it).
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap_or_default()
}

/// When synthetic incidents start.
pub fn incident_start() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-02T08:00:00Z")
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------
// Timing

/// Summary of a set of timings.
#[derive(Debug, Clone, Copy)]
pub struct Stats {
    pub n: usize,
    pub median: Duration,
    pub p99: Duration,
    pub min: Duration,
    pub max: Duration,
    pub total: Duration,
}

impl Stats {
    pub fn of(mut times: Vec<Duration>) -> Self {
        assert!(!times.is_empty(), "no timings");
        times.sort_unstable();
        let n = times.len();
        // Nearest-rank percentile: the smallest value with at least 99 %
        // of the samples at or below it.
        let p99 = times[(n * 99).div_ceil(100).saturating_sub(1)];
        Self {
            n,
            median: times[n / 2],
            p99,
            min: times[0],
            max: times[n - 1],
            total: times.iter().sum(),
        }
    }
}

/// Times `runs` calls of `f` after `warm_up` calls.
pub fn sample(warm_up: usize, runs: usize, mut f: impl FnMut()) -> Stats {
    for _ in 0..warm_up {
        f();
    }
    Stats::of(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect(),
    )
}

/// Times `runs` calls of `f` after `warm_up` calls; what `f` returns is
/// dropped after the clock stops (the program keeps it).
pub fn sample_keep<T>(warm_up: usize, runs: usize, mut f: impl FnMut() -> T) -> Stats {
    for _ in 0..warm_up {
        drop(std::hint::black_box(f()));
    }
    Stats::of(
        (0..runs)
            .map(|_| {
                let start = Instant::now();
                let kept = std::hint::black_box(f());
                let time = start.elapsed();
                drop(kept);
                time
            })
            .collect(),
    )
}

/// Milliseconds with two decimals.
pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1_000.0)
}

/// Microseconds with one decimal.
pub fn us(d: Duration) -> String {
    format!("{:.1} µs", d.as_secs_f64() * 1_000_000.0)
}

pub fn ratio(a: Duration, b: Duration) -> f64 {
    a.as_secs_f64() / b.as_secs_f64()
}

pub fn verdict(pass: bool) -> &'static str {
    if pass { "PASS" } else { "MISS" }
}

/// Bytes as MiB with one decimal.
pub fn mib(bytes: u64) -> String {
    // Sizes here are far below 2^52: the conversion is exact.
    #[allow(clippy::cast_precision_loss)]
    let m = bytes as f64 / (1024.0 * 1024.0);
    format!("{m:.1} MiB")
}

// ---------------------------------------------------------------------------
// The machine

/// `nproc` and the CPU model, for the record.
pub fn machine() -> String {
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

/// The file system holding `path`, as `df -T` names it (`ext4 on /dev/vda`).
pub fn filesystem(path: &Path) -> String {
    let out = Command::new("df").arg("-T").arg(path).output();
    let Ok(out) = out else {
        return "unknown (df failed)".into();
    };
    let text = String::from_utf8_lossy(&out.stdout);
    let fields: Vec<&str> = text
        .lines()
        .nth(1)
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    match fields.as_slice() {
        [device, kind, .., mount] => format!("{kind} on {device} (mounted at {mount})"),
        _ => "unknown".into(),
    }
}

/// A temporary folder under the build's target directory, which is on the
/// real disk (never `/dev/shm`): fsync must cost what it costs.
pub fn disk_tempdir() -> std::io::Result<tempfile::TempDir> {
    let base = Path::new(env!("CARGO_TARGET_TMPDIR"));
    std::fs::create_dir_all(base)?;
    tempfile::Builder::new()
        .prefix("runsheet-bench")
        .tempdir_in(base)
}

// ---------------------------------------------------------------------------
// Playbooks

/// A bundled playbook by id, resolved as `runsheet run <id>` resolves it.
pub fn bundled(catalog: &Catalog, id: &str) -> Option<Resolved> {
    catalog.playbook(id).map(|e| Resolved {
        playbook: e.playbook.clone(),
        source: e.source.clone(),
    })
}

const ROLES: [&str; 6] = ["ic", "tech-lead", "comms", "legal", "dpo", "scribe"];
const CONTACTS: [&str; 5] = ["csirt", "dpa", "insurer", "dfir", "counsel"];

/// A valid playbook of `phases` × `steps` steps with the features real
/// playbooks use: Markdown instructions, checklists, captures, decisions,
/// `when:` conditions, dependencies, timeboxes, messages with placeholders
/// and two pack clocks.
pub fn synthetic_playbook(phases: usize, steps: usize) -> String {
    let mut y = String::with_capacity(phases * steps * 800);
    let _ = write!(
        y,
        "runsheet: 1\nid: synthetic-{n}\ntitle: Synthetic playbook with {n} steps\n\
         version: 1.0.0\nsummary: Generated for the runner benchmark.\n\
         timezone: Europe/Amsterdam\nroles:\n",
        n = phases * steps
    );
    for r in ROLES {
        let _ = writeln!(y, "  - {{id: {r}, title: Role {r}}}");
    }
    y.push_str(
        "facts:\n\
         \x20 - {id: aware_at, prompt: When did we become aware?, type: datetime}\n\
         \x20 - {id: breach_aware_at, prompt: When did we know data was affected?, type: datetime}\n\
         \x20 - {id: personal_data, prompt: Is personal data affected?, type: bool}\n\
         \x20 - {id: records, prompt: How many records?, type: number}\n\
         \x20 - {id: org, prompt: Organisation, type: text}\n\
         \x20 - {id: regions, prompt: Where?, type: choice, multiple: true, options: [eu, uk, us]}\n\
         \x20 - {id: severity, prompt: How severe?, type: choice, options: [low, medium, high]}\n\
         \x20 - {id: intermediate_requested_at, prompt: When did the CSIRT request an intermediate report?, type: datetime}\n",
    );
    for p in 0..phases {
        let _ = writeln!(
            y,
            "  - {{id: done_{p}, prompt: Is phase {p} complete?, type: bool}}"
        );
        let _ = writeln!(
            y,
            "  - {{id: count_{p}, prompt: Items in phase {p}, type: number}}"
        );
    }
    y.push_str("contacts:\n");
    for c in CONTACTS {
        let _ = writeln!(
            y,
            "  - {{id: {c}, name: Contact {c}, kind: other, email: {c}@example.org}}"
        );
    }
    y.push_str(
        "clocks:\n  - use: gdpr-art33\n    when: personal_data and \"eu\" in regions\n  \
         - use: nis2-art23\nphases:\n",
    );
    for p in 0..phases {
        let _ = write!(
            y,
            "  - id: phase-{p}\n    title: Phase {p}\n    summary: Work package {p}.\n    steps:\n"
        );
        for s in 0..steps {
            synthetic_step(&mut y, p, s, p + 1 == phases && s + 1 == steps);
        }
    }
    y
}

fn synthetic_step(y: &mut String, p: usize, s: usize, last: bool) {
    let role = ROLES[s % ROLES.len()];
    let _ = write!(
        y,
        "      - id: p{p}-s{s}\n        title: Step {s} of phase {p} for {role}\n        \
         role: {role}\n        timebox: {}\n",
        ["30m", "2h", "1h30m"][s % 3]
    );
    if s > 0 {
        let _ = writeln!(y, "        after: [p{p}-s{}]", s - 1);
    }
    match s % 4 {
        1 => y.push_str("        when: 'personal_data and \"eu\" in regions'\n"),
        2 => {
            let _ = writeln!(
                y,
                "        when: 'severity == \"high\" or records > {}'",
                s * 10
            );
        }
        3 => {
            let _ = writeln!(y, "        when: 'not done_{p}'");
        }
        _ => {}
    }
    if p == 0 && s == 0 {
        y.push_str("        capture: [aware_at, breach_aware_at, personal_data, org, regions]\n");
        y.push_str("        decide: {fact: severity}\n");
    } else if s.is_multiple_of(7) {
        let _ = writeln!(y, "        decide: {{fact: done_{p}}}");
    } else {
        let _ = writeln!(y, "        capture: [count_{p}, records]");
    }
    let _ = write!(
        y,
        "        instructions: |\n          Establish what happened in **area {s}**.\n\n          \
         - Check the `host-{s}` logs.\n          - Preserve evidence; see \
         [the guide](https://example.org/{s}).\n        \
         checklist: [Evidence preserved, Timeline updated, Owner told]\n"
    );
    if s.is_multiple_of(5) {
        let c = CONTACTS[(s / 5) % CONTACTS.len()];
        let _ = write!(
            y,
            "        contact: {c}\n        message:\n          subject: 'Update {s} from {{{{org}}}}'\n          \
             body: |\n            Dear {{{{contact.{c}}}}}, since {{{{aware_at}}}} {{{{org}}}} has \
             responded to an incident; {{{{records}}}} records may be affected.\n"
        );
    }
    if last {
        y.push_str(
            "        satisfies: [gdpr-art33.notify, nis2-art23.early-warning, \
             nis2-art23.notification, nis2-art23.final-report]\n",
        );
    }
}

// ---------------------------------------------------------------------------
// Journals

/// People in synthetic incidents.
const ACTORS: [&str; 6] = [
    "Dana Reyes",
    "Sam Okafor",
    "Priya Natarajan",
    "Jonas Berg",
    "Lea Martin",
    "Tomás Silva",
];

/// Note texts of realistic lengths (40 to 260 characters).
const NOTES: [&str; 6] = [
    "Bridge call started; DFIR on the line.",
    "EDR shows the encryptor staged from the backup server at 03:12; isolating that segment first and keeping the hypervisor cluster up for imaging.",
    "Insurer breach coach confirmed panel DFIR firm; engagement letter goes through outside counsel so the forensic report stays privileged. Reference to follow.",
    "Leak site lists us with a countdown of 6 days. Screenshot and page hash saved to the evidence share (evidence/leak-site/). No data published yet; the actor posted a file tree of the finance share.",
    "Backups: immutable copies from 31 Oct verified by restoring one file server into the clean-room network; the 1 Nov copies are encrypted. Restore plan assumes a 30-hour window; application owners for payroll and ERP have been told and agree on the order.",
    "Helpdesk reports phishing follow-ups to staff using the ransom note wording.",
];

/// splitmix64: deterministic, fast, good enough for picking.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        // `n` is small; the modulo bias is irrelevant here.
        usize::try_from(self.next() % n as u64).unwrap_or(0)
    }
}

/// Facts set at the start of an incident, so that clocks run: (id, input).
const OPENING: [(&str, &str); 16] = [
    ("aware_at", "-15m"),
    ("org", "Example Logistics B.V."),
    (
        "incident_summary",
        "Ransomware encrypted file servers and data was stolen",
    ),
    ("jurisdictions", "eu,uk,us"),
    ("encryption_observed", "yes"),
    ("personal_data", "yes"),
    ("breach_aware_at", "now"),
    ("high_risk_to_individuals", "yes"),
    ("nis2_entity", "yes"),
    ("significant_incident", "yes"),
    ("dora_entity", "no"),
    ("sec_registrant", "yes"),
    ("material_incident", "yes"),
    ("materiality_determined_at", "now"),
    ("nydfs_covered", "yes"),
    ("incident_determined_at", "now"),
];

/// Writes an endless, deterministic, realistic incident against a
/// playbook: facts, notes, step changes, checklists, decisions,
/// submissions, role changes, drafts, approvals, corrections and sessions.
#[derive(Debug)]
pub struct Incident<'a> {
    playbook: &'a Playbook,
    created: Created,
    steps: Vec<&'a Step>,
    /// 0 open, 1 in progress, 2 done/skipped, per step of `steps`.
    status: Vec<u8>,
    cursor: usize,
    pub now: DateTime<Utc>,
    mono_ms: u64,
    seq: u64,
    session: u64,
    versions: Vec<u32>,
    last_fact: Option<(u64, usize)>,
    rng: Rng,
    /// In an exercise: the scenario, and how many injects were delivered.
    drill: Option<(&'a Drill, usize)>,
    /// Every entry after the opening two is a long note.
    long_notes: bool,
}

impl<'a> Incident<'a> {
    pub fn new(resolved: &'a Resolved, exercise: bool) -> Self {
        let playbook = &resolved.playbook;
        let created = Created {
            journal_id: "bench-journal-0001".into(),
            playbook: resolved.reference(),
            title: format!("{} (benchmark)", playbook.title),
            timezone: playbook
                .timezone
                .map_or_else(|| "Europe/Amsterdam".into(), |t| t.name().to_string()),
            exercise,
            app_version: "bench".into(),
            drill: None,
            holidays: Vec::new(),
        };
        let steps: Vec<&Step> = playbook.steps().collect();
        Self {
            playbook,
            created,
            status: vec![0; steps.len()],
            versions: vec![0; steps.len()],
            steps,
            cursor: 0,
            now: incident_start(),
            mono_ms: 0,
            seq: 0,
            session: 1,
            last_fact: None,
            rng: Rng(0x5eed),
            drill: None,
            long_notes: false,
        }
    }

    /// The same incident where, after `journal_created` and
    /// `session_started`, every entry is a note of several sentences: a
    /// journal whose size is mostly free text.
    pub fn long_notes(resolved: &'a Resolved) -> Self {
        let mut incident = Self::new(resolved, false);
        incident.long_notes = true;
        incident
    }

    /// The same incident as an exercise of `drill` (which runs the
    /// playbook): scenario times on every entry, the drill started, its
    /// injects delivered in turn, and observations.
    pub fn exercise(resolved: &'a Resolved, drill: &'a DrillEntry) -> Self {
        let mut incident = Self::new(resolved, true);
        incident.created.title = format!("EXERCISE: {}", drill.drill.title);
        incident.created.drill = Some(DrillRef {
            id: drill.drill.id.clone(),
            path: format!(
                "bundled:{}",
                drill.source.label.trim_start_matches("(bundled) ")
            ),
            sha256: drill.source.sha256.clone(),
        });
        incident.drill = Some((&drill.drill, 0));
        incident
    }

    /// The next draft; its entry will have `seq` equal to the number of
    /// drafts made before it.
    pub fn next_draft(&mut self) -> Draft {
        let event = self.next_event();
        let draft = Draft {
            ts: self.now,
            mono_ms: self.mono_ms,
            scenario_ms: self.drill.map(|_| self.mono_ms),
            session: format!("session-{:04}", self.session),
            actor: ACTORS[self.rng.below(ACTORS.len())].to_string(),
            event,
        };
        self.seq += 1;
        let secs = 1 + self.rng.below(4);
        self.now += TimeDelta::seconds(i64::try_from(secs).unwrap_or(1));
        self.mono_ms += 1_000 * secs as u64;
        draft
    }

    fn next_event(&mut self) -> Event {
        let opening = OPENING.len() as u64;
        match self.seq {
            0 => return Event::new(Payload::JournalCreated(Box::new(self.created.clone()))),
            1 => return session_started(),
            _ if self.long_notes => return self.long_note(),
            n if n < 2 + opening => {
                let (fact, input) = OPENING[usize::try_from(n - 2).unwrap_or(0)];
                if let Some(e) = self.opening_fact(fact, input) {
                    return e;
                }
            }
            _ => {}
        }
        // A new session every 5,000 entries: one ends, the next starts.
        match self.seq % 5_000 {
            4_998 => {
                return Event::new(Payload::SessionEnded(SessionEnded {
                    reason: "quit".into(),
                }));
            }
            4_999 => {
                self.session += 1;
                return session_started();
            }
            _ => {}
        }
        if let Some(event) = self.drill_event() {
            return event;
        }
        let roll = self.rng.below(100);
        match roll {
            0..32 => self.note(),
            32..56 => self.fact_set(),
            56..76 => self.step_change(),
            76..84 => self.checklist(),
            84..89 => self.decision(),
            89..92 => self.submission(),
            92..95 => self.role(),
            95..99 => self.draft_or_approval(),
            _ => self.correction(),
        }
    }

    /// In an exercise: the start, an inject every 2,000 entries while
    /// any are left, and an observation in fifty entries.
    fn drill_event(&mut self) -> Option<Event> {
        let (drill, delivered) = self.drill?;
        if self.seq == 2 + OPENING.len() as u64 {
            return Some(Event::new(Payload::DrillControl(DrillControl {
                action: DrillAction::Start,
                speed: 1,
                scenario_ms: self.mono_ms,
                inject: None,
            })));
        }
        if self.seq % 2_000 == 100 && delivered < drill.injects.len() {
            let inject = &drill.injects[delivered];
            self.drill = Some((drill, delivered + 1));
            return Some(Event::new(Payload::InjectDelivered(InjectDelivered {
                inject: inject.id.clone(),
                title: inject.title.clone(),
                trigger: "manual".into(),
            })));
        }
        if self.rng.below(50) != 0 {
            return None;
        }
        let (kind, inject, rating) = match (delivered.checked_sub(1), self.rng.below(3)) {
            (Some(last), 0) => (
                ObservationKind::Evaluation,
                Some(drill.injects[last].id.clone()),
                Some([Rating::Met, Rating::Partly, Rating::NotMet][self.rng.below(3)]),
            ),
            (_, 1) => (ObservationKind::Strength, None, None),
            _ => (ObservationKind::Improvement, None, None),
        };
        Some(Event::new(Payload::Observation(Box::new(Observation {
            kind,
            inject,
            rating,
            note: NOTES[self.rng.below(NOTES.len())].to_string(),
            owner: (kind == ObservationKind::Improvement).then(|| "Jonas Berg".to_string()),
            due: (kind == ObservationKind::Improvement).then(|| "2026-12-15".to_string()),
            corrective_action: None,
            capability: None,
            organisation: None,
            start: None,
            status: None,
        }))))
    }

    fn opening_fact(&mut self, fact: &str, input: &str) -> Option<Event> {
        let def = self.playbook.fact(fact)?;
        let tz = self.playbook.timezone.unwrap_or(chrono_tz::UTC);
        let value = runsheet::playbook::value::parse_input(def, input, self.now, tz).ok()?;
        Some(Event::new(Payload::FactSet(FactSet {
            fact: fact.to_string(),
            value: value.to_json(),
            occurred_at: None,
            confirmed: None,
        })))
    }

    fn random_step(&mut self) -> (usize, &'a Step) {
        let i = self.rng.below(self.steps.len());
        (i, self.steps[i])
    }

    fn note(&mut self) -> Event {
        let text = NOTES[self.rng.below(NOTES.len())].to_string();
        let step = (self.rng.below(10) < 6).then(|| self.random_step().1.id.clone());
        Event {
            step,
            payload: Payload::Note(Note { text }),
        }
    }

    /// Three to six of the stock notes in one, 200 to 800 characters.
    fn long_note(&mut self) -> Event {
        let sentences = 3 + self.rng.below(4);
        let text = (0..sentences)
            .map(|_| NOTES[self.rng.below(NOTES.len())])
            .collect::<Vec<_>>()
            .join(" ");
        Event::new(Payload::Note(Note { text }))
    }

    fn value_of(&mut self, def: &FactDef) -> serde_json::Value {
        let pick = self.rng.below(1_000);
        let value = match &def.ty {
            FactType::Text => FactValue::Text(format!(
                "{} — update {pick} from the {} workstream",
                def.prompt.trim_end_matches('?'),
                ROLES[pick % ROLES.len()]
            )),
            FactType::Bool => FactValue::Bool(!pick.is_multiple_of(3)),
            #[allow(clippy::cast_precision_loss)]
            FactType::Number => FactValue::Number((pick * 37) as f64),
            FactType::DateTime => FactValue::DateTime(
                self.now - TimeDelta::minutes(i64::try_from(pick % 240).unwrap_or(0)),
            ),
            FactType::Choice(options) if def.multiple => FactValue::Choices(
                options
                    .iter()
                    .take(1 + pick % options.len())
                    .map(|o| o.value.clone())
                    .collect(),
            ),
            FactType::Choice(options) => {
                FactValue::Choice(options[pick % options.len()].value.clone())
            }
        };
        value.to_json()
    }

    fn fact_set(&mut self) -> Event {
        let i = self.rng.below(self.playbook.facts.len());
        let def = &self.playbook.facts[i];
        let value = self.value_of(def);
        self.last_fact = Some((self.seq, i));
        let occurred_at = (self.rng.below(10) == 0).then(|| self.now - TimeDelta::minutes(20));
        Event::new(Payload::FactSet(FactSet {
            fact: def.id.clone(),
            value,
            occurred_at,
            confirmed: None,
        }))
    }

    /// Works through the steps in order (start, then done, skipped or
    /// blocked); once all are closed, reopens them one by one.
    fn step_change(&mut self) -> Event {
        let i = self.cursor;
        let step = self.steps[i].id.clone();
        let event = match self.status[i] {
            0 => {
                self.status[i] = 1;
                Payload::StepStarted(runsheet::journal::event::Empty {})
            }
            1 => {
                self.status[i] = 2;
                self.cursor = (self.cursor + 1) % self.steps.len();
                match self.rng.below(10) {
                    0 => Payload::StepSkipped(Reason {
                        reason: "Not applicable: handled by the vendor".into(),
                    }),
                    1 => {
                        self.status[i] = 0;
                        Payload::StepBlocked(Reason {
                            reason: "Waiting for the DFIR firm's access".into(),
                        })
                    }
                    _ => Payload::StepDone(StepDone::default()),
                }
            }
            _ => {
                self.status[i] = 0;
                Payload::StepReopened(Reopened {
                    reason: Some("New evidence: re-check".into()),
                })
            }
        };
        Event::on_step(step, event)
    }

    fn checklist(&mut self) -> Event {
        let (_, step) = self.random_step();
        if step.checklist.is_empty() {
            return self.note();
        }
        let item = self.rng.below(step.checklist.len());
        Event::on_step(
            step.id.clone(),
            Payload::ChecklistItem(ChecklistItem {
                item,
                text: step.checklist[item].clone(),
                checked: self.rng.below(5) != 0,
            }),
        )
    }

    fn decision(&mut self) -> Event {
        let (_, step) = self.random_step();
        let Some(decide) = &step.decide else {
            return self.fact_set();
        };
        let Some(def) = self.playbook.fact(&decide.fact) else {
            return self.fact_set();
        };
        let value = self.value_of(def);
        let options = match &def.ty {
            FactType::Choice(o) => o.iter().map(|o| o.value.clone()).collect(),
            _ => vec!["true".into(), "false".into()],
        };
        Event::on_step(
            step.id.clone(),
            Payload::Decision(Box::new(Decision {
                fact: decide.fact.clone(),
                value,
                rationale: "Agreed on the bridge after hearing legal and the DFIR lead".into(),
                options,
                decider: "Dana Reyes".into(),
            })),
        )
    }

    fn submission(&mut self) -> Event {
        let (_, step) = self.random_step();
        let stages: Vec<String> = step.satisfies.iter().map(ToString::to_string).collect();
        if stages.is_empty() && step.message.is_none() {
            return self.note();
        }
        Event::on_step(
            step.id.clone(),
            Payload::Submission(Box::new(Submission {
                stages,
                channel: "portal".into(),
                recipient: step.contact.clone().unwrap_or_else(|| "authority".into()),
                reference: Some(format!("REF-2026-{:05}", self.seq % 100_000)),
                sent_at: self.now - TimeDelta::minutes(2),
                backdated_reason: None,
                version: None,
                url: None,
                override_reason: None,
            })),
        )
    }

    fn role(&mut self) -> Event {
        let role = self.playbook.roles[self.rng.below(self.playbook.roles.len().max(1))]
            .id
            .clone();
        Event::new(Payload::RoleAssigned(RoleAssigned {
            role,
            person: ACTORS[self.rng.below(ACTORS.len())].to_string(),
        }))
    }

    fn draft_or_approval(&mut self) -> Event {
        let (i, step) = self.random_step();
        if step.message.is_none() {
            return self.note();
        }
        if self.versions[i] > 0 && self.rng.below(2) == 0 {
            return Event::on_step(
                step.id.clone(),
                Payload::Approval(Approval {
                    version: self.versions[i],
                    approver: "Dana Reyes".into(),
                    role: "ic".into(),
                    comment: Some("Approved as drafted".into()),
                }),
            );
        }
        self.versions[i] += 1;
        let version = self.versions[i];
        Event::on_step(
            step.id.clone(),
            Payload::MessageDrafted(MessageDrafted {
                version,
                purpose: if step.statement.is_some() {
                    Purpose::Statement
                } else {
                    Purpose::Notification
                },
                subject: Some(format!("Update {version} on the incident")),
                text_sha256: sha256_hex(format!("{}-{version}", step.id).as_bytes()),
                file: format!("incident.jsonl.{}-v{version}.txt", step.id),
                gaps: Vec::new(),
                edited: version > 1,
            }),
        )
    }

    fn correction(&mut self) -> Event {
        let Some((seq, i)) = self.last_fact.take() else {
            return self.note();
        };
        let def = &self.playbook.facts[i];
        let value = self.value_of(def);
        Event::new(Payload::Correction(Box::new(Correction {
            corrects: seq,
            journal: None,
            reason: "Recount after removing duplicates".into(),
            value: Some(value),
            occurred_at: None,
            fields: serde_json::Map::new(),
        })))
    }
}

fn session_started() -> Event {
    Event::new(Payload::SessionStarted(SessionStarted {
        pid: 4242,
        host: "ir-laptop-07".into(),
        app_version: "bench".into(),
        mode: "resume".into(),
    }))
}

/// The first `count` entries of the incident, encoded and chained: the
/// lines `JournalFile` would have written, without touching the disk.
pub fn lines(resolved: &Resolved, count: usize) -> impl Iterator<Item = Line> + '_ {
    chain(Incident::new(resolved, false), count)
}

/// The first `count` entries of an incident, encoded and chained.
pub fn chain(mut incident: Incident<'_>, count: usize) -> impl Iterator<Item = Line> + '_ {
    let mut prev = ZERO_HASH.to_string();
    (0..count as u64).map(move |seq| {
        let entry = incident
            .next_draft()
            .into_entry(seq, std::mem::take(&mut prev));
        let text = entry.encode();
        prev = sha256_hex(text.as_bytes());
        Line { entry, text }
    })
}

/// Writes an incident of `count` entries straight to `path` (encode, chain,
/// buffered write; no fsync). Returns the file's size.
pub fn write_journal(path: &Path, incident: Incident<'_>, count: usize) -> std::io::Result<u64> {
    let file = std::fs::File::create(path)?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let mut size = 0;
    for line in chain(incident, count) {
        out.write_all(line.text.as_bytes())?;
        out.write_all(b"\n")?;
        size += line.text.len() as u64 + 1;
    }
    out.flush()?;
    Ok(size)
}
