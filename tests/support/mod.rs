//! Shared test fixtures: deterministic journals written through the real
//! writer with a hand-moved clock and fixed ids, so golden files are stable.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use runsheet::catalog::{self, Catalog};
use runsheet::commands::open::Resolved;
use runsheet::journal::event::{
    Created, Decision, FactSet, Note, Payload, Reason, SessionStarted, StepDone, Submission,
};
use runsheet::journal::writer::JournalFile;
use runsheet::journal::{Draft, Event, Line};
use runsheet::playbook::value::parse_input;
use runsheet::time::{ManualTime, TimeSource};

/// A temporary folder on tmpfs when the machine has one: these tests check
/// recovery logic, not the disk, and fsync there costs nothing.
pub fn fast_tempdir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir()
        && let Ok(dir) = tempfile::Builder::new()
            .prefix("runsheet-test")
            .tempdir_in(shm)
    {
        return dir;
    }
    tempfile::tempdir().expect("temp dir")
}

/// Path of a file under `tests/fixtures`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

pub fn utc(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("valid time")
        .with_timezone(&Utc)
}

/// The fixture playbook (stable, inline clocks), loaded like any local file.
pub fn fixture_playbook() -> Resolved {
    let path = fixture("playbooks/fixture-incident.yaml");
    let source = catalog::read_source(&path).expect("fixture readable");
    let library = Catalog::bundled(utc("2026-11-28T00:00:00Z").date_naive()).library;
    let (playbook, _) =
        catalog::check_playbook(&source, &library, utc("2026-11-28T00:00:00Z").date_naive())
            .expect("fixture playbook valid");
    Resolved { playbook, source }
}

/// A bundled playbook by id.
pub fn bundled_playbook(id: &str) -> Resolved {
    let catalog = Catalog::bundled(utc("2026-11-28T00:00:00Z").date_naive());
    let entry = catalog.playbook(id).expect("bundled playbook");
    Resolved {
        playbook: entry.playbook.clone(),
        source: entry.source.clone(),
    }
}

/// Writes a journal step by step through the real [`JournalFile`].
pub struct JournalBuilder {
    pub dir: tempfile::TempDir,
    pub path: PathBuf,
    pub resolved: Resolved,
    pub clock: ManualTime,
    pub lines: Vec<Line>,
    /// Scenario time stamped on the entries written next (`None`, the
    /// default, outside a drill); see [`DrillBuilder`].
    pub scenario_ms: Option<u64>,
    file: JournalFile,
    actor: String,
    session: String,
}

impl JournalBuilder {
    /// A journal for `resolved`, created at `start` by "Dana Reyes".
    pub fn new(resolved: Resolved, start: &str, exercise: bool) -> Self {
        let dir = fast_tempdir();
        let path = dir.path().join("incident.jsonl");
        let clock = ManualTime::at(utc(start));
        let mut reference = resolved.reference();
        reference.path = format!("fixtures/{}.yaml", resolved.playbook.id);
        let created = Created {
            journal_id: "fixture-journal-0001".into(),
            playbook: reference,
            title: if exercise {
                "Drill: fixture incident".into()
            } else {
                "Fixture incident".into()
            },
            timezone: resolved
                .playbook
                .timezone
                .map_or("UTC".into(), |t| t.name().to_string()),
            exercise,
            app_version: "test".into(),
            drill: None,
            holidays: Vec::new(),
        };
        let first = Draft {
            ts: clock.now(),
            mono_ms: clock.mono_ms(),
            scenario_ms: None,
            session: "session-1".into(),
            actor: "Dana Reyes".into(),
            event: Event::new(Payload::JournalCreated(Box::new(created))),
        };
        let (file, line) = JournalFile::create(&path, first).expect("create journal");
        let mut builder = Self {
            dir,
            path,
            resolved,
            clock,
            lines: vec![line],
            scenario_ms: None,
            file,
            actor: "Dana Reyes".into(),
            session: "session-1".into(),
        };
        builder.event(Event::new(Payload::SessionStarted(SessionStarted {
            pid: 1,
            host: "test-host".into(),
            app_version: "test".into(),
            mode: "run".into(),
        })));
        builder
    }

    pub fn advance(&mut self, minutes: i64) -> &mut Self {
        self.clock.advance(Duration::minutes(minutes));
        self
    }

    pub fn actor(&mut self, name: &str) -> &mut Self {
        self.actor = name.into();
        self
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    pub fn event(&mut self, event: Event) -> &Line {
        let draft = Draft {
            ts: self.clock.now(),
            mono_ms: self.clock.mono_ms(),
            scenario_ms: self.scenario_ms,
            session: self.session.clone(),
            actor: self.actor.clone(),
            event,
        };
        let line = self.file.append(draft).expect("append");
        self.lines.push(line);
        self.lines.last().expect("just pushed")
    }

    pub fn start(&mut self, step: &str) -> &mut Self {
        self.event(Event::on_step(
            step,
            Payload::StepStarted(runsheet::journal::event::Empty::default()),
        ));
        self
    }

    pub fn done(&mut self, step: &str) -> &mut Self {
        self.event(Event::on_step(step, Payload::StepDone(StepDone::default())));
        self
    }

    pub fn skip(&mut self, step: &str, reason: &str) -> &mut Self {
        self.event(Event::on_step(
            step,
            Payload::StepSkipped(Reason {
                reason: reason.into(),
            }),
        ));
        self
    }

    pub fn block(&mut self, step: &str, reason: &str) -> &mut Self {
        self.event(Event::on_step(
            step,
            Payload::StepBlocked(Reason {
                reason: reason.into(),
            }),
        ));
        self
    }

    pub fn note(&mut self, step: Option<&str>, text: &str) -> &mut Self {
        self.event(Event {
            step: step.map(str::to_string),
            payload: Payload::Note(Note { text: text.into() }),
        });
        self
    }

    fn value(&self, fact: &str, input: &str) -> serde_json::Value {
        let def = self.resolved.playbook.fact(fact).expect("fact in playbook");
        let tz = self.resolved.playbook.timezone.unwrap_or(chrono_tz::UTC);
        parse_input(def, input, self.clock.now(), tz)
            .expect("valid input")
            .to_json()
    }

    /// Sets a fact from what a responder would type.
    pub fn set(&mut self, fact: &str, input: &str) -> &mut Self {
        let value = self.value(fact, input);
        self.event(Event::new(Payload::FactSet(FactSet {
            fact: fact.into(),
            value,
            occurred_at: None,
            confirmed: None,
        })));
        self
    }

    /// Corrects the value entry `corrects` gave: it is now `value`, which
    /// became true at `occurred_at` when one is given.
    pub fn correct(
        &mut self,
        corrects: u64,
        reason: &str,
        value: serde_json::Value,
        occurred_at: Option<DateTime<Utc>>,
    ) -> &mut Self {
        self.correction(runsheet::journal::event::Correction {
            corrects,
            journal: None,
            reason: reason.into(),
            value: Some(value),
            occurred_at,
            fields: serde_json::Map::new(),
        })
    }

    fn correction(&mut self, correction: runsheet::journal::event::Correction) -> &mut Self {
        self.event(Event::new(Payload::Correction(Box::new(correction))));
        self
    }

    /// The `seq` of the first entry of `kind`.
    pub fn seq_of(&self, kind: runsheet::journal::Kind) -> u64 {
        self.lines
            .iter()
            .find(|l| l.entry.kind == kind)
            .unwrap_or_else(|| panic!("no {kind} entry"))
            .entry
            .seq
    }

    /// Corrects fields of entry `corrects` (a note's `text`, a decision's
    /// `decider` or `rationale`, a role's `person`), as `C` does.
    pub fn correct_fields(
        &mut self,
        corrects: u64,
        reason: &str,
        pairs: &[(&str, &str)],
    ) -> &mut Self {
        self.correction(runsheet::journal::event::Correction {
            corrects,
            journal: None,
            reason: reason.into(),
            value: None,
            occurred_at: None,
            fields: pairs
                .iter()
                .map(|(k, v)| ((*k).to_string(), serde_json::json!(v)))
                .collect(),
        })
    }

    pub fn decide(&mut self, step: &str, fact: &str, input: &str, rationale: &str) -> &mut Self {
        let value = self.value(fact, input);
        let def = self.resolved.playbook.fact(fact).expect("fact");
        let options = match &def.ty {
            runsheet::playbook::FactType::Choice(o) => o.iter().map(|o| o.value.clone()).collect(),
            _ => vec!["true".into(), "false".into()],
        };
        let decider = self.actor.clone();
        self.event(Event::on_step(
            step,
            Payload::Decision(Box::new(Decision {
                fact: fact.into(),
                value,
                rationale: rationale.into(),
                options,
                decider,
            })),
        ));
        self
    }

    /// Records a submission meeting `stages`, sent now.
    pub fn submit(
        &mut self,
        step: &str,
        stages: &[&str],
        channel: &str,
        reference: &str,
    ) -> &mut Self {
        let sent_at = self.clock.now();
        self.event(Event::on_step(
            step,
            Payload::Submission(Box::new(Submission {
                stages: stages.iter().map(|s| (*s).to_string()).collect(),
                channel: channel.into(),
                recipient: "authority".into(),
                reference: Some(reference.into()),
                sent_at,
                backdated_reason: None,
                version: None,
                url: None,
                override_reason: None,
            })),
        ));
        self
    }

    /// The journal's bytes as written.
    pub fn bytes(&self) -> Vec<u8> {
        std::fs::read(&self.path).expect("read journal")
    }

    /// Releases the lock (drops the open file) and keeps the files.
    pub fn close(self) -> (tempfile::TempDir, PathBuf, Resolved) {
        drop(self.file);
        (self.dir, self.path, self.resolved)
    }
}

/// A complete fixture incident: detection, decisions, containment,
/// notifications (one late), a holding statement, notes.
pub fn complete_incident(exercise: bool) -> JournalBuilder {
    let mut j = JournalBuilder::new(fixture_playbook(), "2026-11-02T08:00:00Z", exercise);
    j.start("confirm")
        .advance(5)
        .set("aware_at", "2026-11-02T07:45:00Z")
        .set("org", "Example Court")
        .advance(10)
        .done("confirm")
        .advance(5)
        .start("scope")
        .set("jurisdictions", "eu")
        .set("records", "1200")
        .decide(
            "scope",
            "personal_data",
            "yes",
            "Case-party contact details were in the exfiltrated share",
        )
        .done("scope")
        .advance(20)
        .decide("rate", "severity", "high", "Privileged account compromised")
        .done("rate")
        .start("isolate")
        .advance(40)
        .done("isolate")
        .note(
            Some("isolate"),
            "Registry file server moved to quarantine VLAN",
        )
        .skip(
            "preserve",
            "Forensic images taken by the vendor before isolation",
        )
        .advance(60 * 20)
        .submit(
            "early-warning",
            &["csirt-report.early-warning"],
            "portal",
            "CSIRT-2026-0042",
        )
        .done("early-warning")
        .advance(60 * 30)
        .submit(
            "notify-csirt",
            &["csirt-report.notification"],
            "portal",
            "CSIRT-2026-0042/2",
        )
        .done("notify-csirt")
        .advance(60 * 30)
        .submit("notify-dpa", &["breach-72h.notify"], "email", "DPA-REF-77")
        .done("notify-dpa")
        .note(None, "Lessons-learned session booked for next week");
    j
}

/// Assigns the communications lead, then drafts, approves and publishes the
/// fixture's holding statement: Sam Okafor drafts and publishes, Dana Reyes
/// approves as incident commander.
pub fn publish_holding_statement(j: &mut JournalBuilder) {
    use runsheet::journal::event::{Approval, MessageDrafted, Purpose, RoleAssigned};
    let step = "holding-statement";
    let text = "Example Court is responding to a security incident.";
    let file = "incident.jsonl.holding-statement-v1.txt";
    // Beside the journal, as the runner writes it.
    std::fs::write(j.path.with_file_name(file), text).expect("write draft");
    j.actor("Dana Reyes")
        .event(Event::new(Payload::RoleAssigned(RoleAssigned {
            role: "comms".into(),
            person: "Sam Okafor".into(),
        })));
    j.advance(5).actor("Sam Okafor").start(step);
    j.event(Event::on_step(
        step,
        Payload::MessageDrafted(MessageDrafted {
            version: 1,
            purpose: Purpose::Statement,
            subject: None,
            text_sha256: runsheet::hash::sha256_hex(text.as_bytes()),
            file: file.into(),
            gaps: Vec::new(),
            edited: false,
        }),
    ));
    j.advance(15).actor("Dana Reyes");
    j.event(Event::on_step(
        step,
        Payload::Approval(Approval {
            version: 1,
            approver: "Dana Reyes".into(),
            role: "ic".into(),
            comment: Some("Approved as drafted".into()),
        }),
    ));
    j.advance(10).actor("Sam Okafor");
    let sent_at = j.now();
    j.event(Event::on_step(
        step,
        Payload::Submission(Box::new(Submission {
            stages: Vec::new(),
            channel: "website".into(),
            recipient: "public".into(),
            reference: None,
            sent_at,
            backdated_reason: None,
            version: Some(1),
            url: Some("https://court.example/news/incident".into()),
            override_reason: None,
        })),
    ));
    j.done(step).actor("Dana Reyes");
}

/// A ransomware incident 30 minutes after awareness, scoped to the EU and
/// nothing more: NIS2's duties run "if it applies" (whether the
/// organisation is an entity under it is not answered yet).
pub fn ransomware_scoped_to_the_eu() -> JournalBuilder {
    let mut j = JournalBuilder::new(
        bundled_playbook("ransomware-extortion"),
        "2026-11-02T08:00:00Z",
        false,
    );
    j.set("aware_at", "2026-11-02T08:00:00Z")
        .set("jurisdictions", "eu")
        .advance(30)
        .note(None, "scoping");
    j
}

/// A complete incident with a published holding statement, then a
/// correction of the `records` fact: 1200 recorded, 1500 after a recount.
pub fn incident_with_correction() -> JournalBuilder {
    let mut j = complete_incident(false);
    publish_holding_statement(&mut j);
    let records = j
        .lines
        .iter()
        .find(|l| {
            l.entry.kind == runsheet::journal::Kind::FactSet
                && l.entry.data.get("fact") == Some(&serde_json::json!("records"))
        })
        .map(|l| l.entry.seq)
        .expect("the fixture records `records`");
    j.advance(30).correct(
        records,
        "Recount after removing duplicate case parties",
        serde_json::json!(1500),
        None,
    );
    j
}

pub mod html_check;

// Drill journals, for the exercise after-action report (`export --format aar`).

/// The fixture drill scenario, relative to `tests/fixtures`: command tests
/// run there, so the catalog finds it as a local scenario and the journal's
/// recorded path names it.
pub const FIXTURE_DRILL: &str = "playbooks/drills/fixture-drill.yaml";

/// The facilitator of the fixture drill.
pub const FACILITATOR: &str = "Alex Moreau";

/// The fixture drill scenario, checked against the fixture playbook.
pub fn fixture_drill() -> runsheet::playbook::Drill {
    let source = catalog::read_source(&fixture(FIXTURE_DRILL)).expect("fixture drill readable");
    let playbook = fixture_playbook().playbook;
    let lookup = |id: &str| (id == playbook.id).then(|| playbook.clone());
    catalog::check_drill(&source, &lookup)
        .expect("fixture drill valid")
        .0
}

/// A drill journal written the way the facilitator's screen writes it:
/// every entry after `journal_created` and `session_started` carries the
/// scenario time of the real [`ScenarioClock`], which only the controls
/// (and wall time, while it runs) move. Use [`DrillBuilder::wait`] rather
/// than `j.advance` so scenario time follows.
pub struct DrillBuilder {
    pub j: JournalBuilder,
    pub clock: runsheet::drill::ScenarioClock,
}

impl DrillBuilder {
    /// A drill of the fixture scenario, created at `start` by the
    /// facilitator. The journal records the scenario file's real SHA-256
    /// (stable: the file is checked in) and its fixed relative path.
    pub fn new(start: &str) -> Self {
        use runsheet::journal::event::DrillRef;
        let resolved = fixture_playbook();
        let drill = fixture_drill();
        let dir = fast_tempdir();
        let path = dir.path().join("drill.jsonl");
        let clock = ManualTime::at(utc(start));
        let mut reference = resolved.reference();
        reference.path = format!("fixtures/{}.yaml", resolved.playbook.id);
        let created = Created {
            journal_id: "fixture-drill-journal-0001".into(),
            playbook: reference,
            title: format!("EXERCISE: {}", drill.title),
            timezone: resolved
                .playbook
                .timezone
                .map_or("UTC".into(), |t| t.name().to_string()),
            exercise: true,
            app_version: "test".into(),
            drill: Some(DrillRef {
                id: drill.id.clone(),
                path: FIXTURE_DRILL.into(),
                sha256: drill.sha256.clone(),
            }),
            holidays: Vec::new(),
        };
        let first = Draft {
            ts: clock.now(),
            mono_ms: clock.mono_ms(),
            scenario_ms: None,
            session: "session-1".into(),
            actor: FACILITATOR.into(),
            event: Event::new(Payload::JournalCreated(Box::new(created))),
        };
        let (file, line) = JournalFile::create(&path, first).expect("create journal");
        let mut j = JournalBuilder {
            dir,
            path,
            resolved,
            clock,
            lines: vec![line],
            scenario_ms: None,
            file,
            actor: FACILITATOR.into(),
            session: "session-1".into(),
        };
        j.event(Event::new(Payload::SessionStarted(SessionStarted {
            pid: 1,
            host: "test-host".into(),
            app_version: "test".into(),
            mode: "drill".into(),
        })));
        let mut builder = Self {
            j,
            clock: runsheet::drill::ScenarioClock::new(utc(start)),
        };
        builder.sync();
        builder
    }

    fn sync(&mut self) {
        self.j.scenario_ms = Some(self.clock.scenario_ms(self.j.now()));
    }

    /// Moves wall time; scenario time follows while the clock runs.
    pub fn wait(&mut self, minutes: i64) -> &mut Self {
        self.j.advance(minutes);
        self.sync();
        self
    }

    /// The scenario instant now: "now" for facts and submissions in a drill.
    pub fn scenario_now(&self) -> DateTime<Utc> {
        self.clock.scenario_now(self.j.now())
    }

    pub fn actor(&mut self, name: &str) -> &mut Self {
        self.j.actor(name);
        self
    }

    /// Records a clock control as the facilitator's keys do (`jump_to` for
    /// a jump), applying it first so the entry carries the new time.
    pub fn control(
        &mut self,
        action: runsheet::journal::event::DrillAction,
        speed: u32,
        jump_to: Option<u64>,
        inject: Option<&str>,
    ) -> &mut Self {
        let now = self.j.now();
        let scenario_ms = jump_to.unwrap_or_else(|| self.clock.scenario_ms(now));
        self.clock.apply(action, speed, scenario_ms, now);
        self.sync();
        self.j.event(Event::new(Payload::DrillControl(
            runsheet::journal::event::DrillControl {
                action,
                speed,
                scenario_ms,
                inject: inject.map(str::to_string),
            },
        )));
        self
    }

    /// Delivers an inject of the fixture scenario by `trigger`.
    pub fn deliver(&mut self, inject: &str, trigger: &str) -> &mut Self {
        let title = fixture_drill()
            .inject(inject)
            .expect("inject in the fixture drill")
            .title
            .clone();
        self.j.event(Event::new(Payload::InjectDelivered(
            runsheet::journal::event::InjectDelivered {
                inject: inject.into(),
                title,
                trigger: trigger.into(),
            },
        )));
        self
    }

    pub fn observe(&mut self, observation: runsheet::journal::event::Observation) -> &mut Self {
        self.j
            .event(Event::new(Payload::Observation(Box::new(observation))));
        self
    }

    /// The facilitator's rating of the response to an inject.
    pub fn evaluate(
        &mut self,
        inject: &str,
        rating: runsheet::journal::event::Rating,
        note: &str,
    ) -> &mut Self {
        use runsheet::journal::event::{Observation, ObservationKind};
        self.observe(Observation {
            kind: ObservationKind::Evaluation,
            inject: Some(inject.into()),
            rating: Some(rating),
            note: note.into(),
            owner: None,
            due: None,
            corrective_action: None,
            capability: None,
            organisation: None,
            start: None,
            status: None,
        })
    }

    /// A hot-wash strength or improvement, with its owner and due date.
    pub fn hot_wash(
        &mut self,
        kind: runsheet::journal::event::ObservationKind,
        note: &str,
        owner: Option<&str>,
        due: Option<&str>,
    ) -> &mut Self {
        self.observe(runsheet::journal::event::Observation {
            kind,
            inject: None,
            rating: None,
            note: note.into(),
            owner: owner.map(str::to_string),
            due: due.map(str::to_string),
            corrective_action: None,
            capability: None,
            organisation: None,
            start: None,
            status: None,
        })
    }

    /// A submission meeting `stage`, sent at the scenario instant now.
    pub fn submit(&mut self, step: &str, stage: &str, reference: &str) -> &mut Self {
        let sent_at = self.scenario_now();
        self.j.event(Event::on_step(
            step,
            Payload::Submission(Box::new(Submission {
                stages: vec![stage.into()],
                channel: "portal".into(),
                recipient: "CSIRT".into(),
                reference: Some(reference.into()),
                sent_at,
                backdated_reason: None,
                version: None,
                url: None,
                override_reason: None,
            })),
        ));
        self
    }

    /// A note appended from the command line by another process during
    /// the drill: no scenario time, another session.
    pub fn cli_note(&mut self, actor: &str, text: &str) -> &mut Self {
        let (session, scenario_ms) = (self.j.session.clone(), self.j.scenario_ms.take());
        let previous = std::mem::replace(&mut self.j.actor, actor.into());
        self.j.session = "session-cli".into();
        self.j.note(None, text);
        self.j.session = session;
        self.j.actor = previous;
        self.j.scenario_ms = scenario_ms;
        self
    }
}

/// A complete fixture drill (wall time from 2026-11-02 08:00 UTC): every
/// trigger kind, a pause, a speed change, jumps, a held inject and one
/// never triggered, evaluations with each rating, a CLI note without
/// scenario time, strengths, improvements with (and one without) an owner
/// and due date, and on scenario time one deadline met (the CSIRT early
/// warning) and others breached (the 72-hour notifications).
pub fn drill_exercise() -> DrillBuilder {
    let mut d = DrillBuilder::new("2026-11-02T08:00:00Z");
    drill_first_hour(&mut d);
    drill_compressed(&mut d);
    drill_hot_wash(&mut d);
    d
}

/// Real time, then a pause, a CLI note, a speed change: injects i1 to i4.
fn drill_first_hour(d: &mut DrillBuilder) {
    use runsheet::journal::event::{DrillAction, Rating, RoleAssigned};
    let role = |role: &str, person: &str| {
        Event::new(Payload::RoleAssigned(RoleAssigned {
            role: role.into(),
            person: person.into(),
        }))
    };
    d.j.event(role("ic", "Dana Reyes"));
    d.wait(5)
        .control(DrillAction::Start, 1, None, None)
        .deliver("i1", "at")
        .actor("Dana Reyes");
    d.j.start("confirm");
    d.wait(10);
    d.j.set("aware_at", "2026-11-02T08:05:00Z")
        .set("org", "Example Court");
    d.wait(5);
    d.j.done("confirm").event(role("comms", "Sam Okafor"));
    d.j.start("scope")
        .set("jurisdictions", "eu")
        .set("records", "1200");
    d.wait(5);
    d.j.decide(
        "scope",
        "personal_data",
        "yes",
        "Case-party contact details were on the exfiltrated share",
    )
    .done("scope");
    d.actor(FACILITATOR).deliver("i4", "when").wait(3).evaluate(
        "i1",
        Rating::WithoutChallenges,
        "Awareness recorded ten minutes after the alert; channel opened",
    );
    d.control(DrillAction::Pause, 1, None, None)
        .wait(15)
        .cli_note("Lee Chen", "Break: the DPO role-player joins by phone")
        .control(DrillAction::Resume, 1, None, None)
        .wait(2)
        .control(DrillAction::Speed, 5, None, None)
        .wait(3)
        .deliver("i2", "at")
        .actor("Sam Okafor");
    d.j.start("holding-statement").note(
        Some("holding-statement"),
        "Holding line agreed with the IC: we are investigating, no detail",
    );
    d.wait(2).actor("Dana Reyes");
    d.j.decide("rate", "severity", "high", "A privileged account was used")
        .done("rate")
        .start("isolate");
    d.wait(4);
    d.j.done("isolate");
    d.actor(FACILITATOR)
        .deliver("i3", "after")
        .actor("Dana Reyes");
    d.j.skip("preserve", "The vendor imaged the server before isolation");
}

/// Evaluations, a held inject and a jump of scenario time: the early
/// warning goes out at T+20:00 and i5 is released by hand.
fn drill_compressed(d: &mut DrillBuilder) {
    use runsheet::journal::event::{DrillAction, Rating};
    d.wait(2)
        .actor(FACILITATOR)
        .evaluate(
            "i2",
            Rating::SomeChallenges,
            "Holding line given, but twenty minutes late and not approved by the IC",
        )
        .evaluate(
            "i3",
            Rating::MajorChallenges,
            "No one compared the leaked sample with the records",
        )
        .evaluate(
            "i4",
            Rating::WithoutChallenges,
            "The IC took the call with the agreed line",
        )
        .control(DrillAction::Hold, 5, None, Some("i6"))
        .control(DrillAction::Jump, 5, Some(20 * 3_600_000), None)
        .actor("Dana Reyes");
    d.j.start("early-warning");
    d.submit(
        "early-warning",
        "csirt-report.early-warning",
        "CSIRT-DRILL-1",
    );
    d.j.done("early-warning");
    d.actor(FACILITATOR)
        .deliver("i5", "manual")
        .wait(2)
        .actor("Dana Reyes");
    d.j.note(None, "Leaked sample not yet compared with the records");
}

/// A jump to T+75:00 (past the 72-hour deadlines), a pause, and the
/// hot-wash: strengths and improvements.
fn drill_hot_wash(d: &mut DrillBuilder) {
    use runsheet::journal::event::{DrillAction, ObservationKind, SessionEnded};
    d.actor(FACILITATOR)
        .control(DrillAction::Jump, 5, Some(75 * 3_600_000), None)
        .control(DrillAction::Pause, 5, None, None)
        .wait(10)
        .hot_wash(
            ObservationKind::Strength,
            "Awareness and scope recorded with a rationale within twenty minutes",
            None,
            None,
        )
        .hot_wash(
            ObservationKind::Strength,
            "The early warning went out well inside its deadline",
            None,
            None,
        )
        .hot_wash(
            ObservationKind::Improvement,
            "Compare leaked samples with the records by hash before any comment",
            Some("Dana Reyes"),
            Some("2026-12-15"),
        )
        .hot_wash(
            ObservationKind::Improvement,
            "Pre-approve a holding statement template with the IC",
            Some("Sam Okafor"),
            Some("2026-12-01"),
        )
        .hot_wash(
            ObservationKind::Improvement,
            "Put the 72-hour notifications on the first-day checklist",
            Some("Dana Reyes"),
            Some("2026-12-01"),
        )
        .hot_wash(
            ObservationKind::Improvement,
            "Rehearse the backup-server scenario that was held",
            None,
            None,
        )
        .observe(runsheet::journal::event::Observation {
            kind: ObservationKind::Improvement,
            inject: Some("i3".into()),
            rating: None,
            note: "The leaked sample was not compared with the records by hash".into(),
            owner: Some("Dana Reyes".into()),
            due: Some("2027-01-15".into()),
            corrective_action: Some(
                "Add a hash comparison to the leak-handling procedure and train the analysts"
                    .into(),
            ),
            capability: None,
            organisation: Some("Registry IT security".into()),
            start: Some("2026-12-01".into()),
            status: Some("in progress".into()),
        });
    d.j.event(Event::new(Payload::SessionEnded(SessionEnded {
        reason: "quit".into(),
    })));
}

/// Whether the system tool `tool` runs (`probe` is a harmless argument
/// such as `-V`). Under `CI=true` a missing tool fails the test, since
/// `.ci/run` installs it; elsewhere the test says so and stops.
pub fn have_tool(tool: &str, probe: &str) -> bool {
    let found = std::process::Command::new(tool)
        .arg(probe)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok();
    assert!(
        found || std::env::var("CI").as_deref() != Ok("true"),
        "`{tool}` is needed by this test and CI installs it (.ci/run)"
    );
    if !found {
        eprintln!("`{tool}` is not installed: skipping");
    }
    found
}

/// The screen's text, one line per row, trailing spaces trimmed.
pub fn screen(buf: &ratatui::buffer::Buffer) -> String {
    let mut out = String::new();
    for y in 0..buf.area.height {
        let line: String = (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The runner drawn at `width` x `height` with the default theme.
pub fn draw_runner(app: &runsheet::app::App, width: u16, height: u16) -> ratatui::buffer::Buffer {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height))
        .expect("terminal");
    let theme = runsheet::ui::Theme::default();
    terminal
        .draw(|f| f.render_widget(runsheet::ui::RunnerView { app, theme: &theme }, f.area()))
        .expect("draw");
    terminal.backend().buffer().clone()
}

/// Looks with `probe` every 25 ms until it gives `Ok`, for at most 45 s,
/// then fails naming `what` with the last thing it saw (the `Err`). Tests
/// of real processes (tmux panes, their journals) wait with this, never a
/// fixed sleep.
pub fn poll_until<T>(what: &str, mut probe: impl FnMut() -> Result<T, String>) -> T {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(45);
    loop {
        match probe() {
            Ok(done) => return done,
            Err(seen) => assert!(
                std::time::Instant::now() < deadline,
                "{what} never happened; last seen:\n{seen}"
            ),
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
}

/// A runner over `j`'s journal as Dana Reyes, in a second session, with
/// the default keys, at the journal's clock.
pub fn runner_app(j: &JournalBuilder) -> runsheet::app::App {
    runsheet::app::App::new(
        j.resolved.playbook.clone(),
        &j.lines,
        runsheet::journal::identity::Identity {
            actor: "Dana Reyes".into(),
            session: "session-2".into(),
        },
        "incident.jsonl",
        runsheet::app::keymap::Keymap::default(),
        j.now(),
    )
}

/// A review of `lines` as if they verified (no chain is checked), named
/// `name`, at `now`.
pub fn review_of_lines(
    playbook: &runsheet::playbook::Playbook,
    name: &str,
    lines: Vec<Line>,
    follow: bool,
    now: DateTime<Utc>,
) -> runsheet::app::review::Review {
    let verified = runsheet::journal::verify::Verified {
        head_hash: None,
        verified_len: 0,
        broken: None,
        torn_tail: 0,
        lines,
    };
    runsheet::app::review::Review::new(playbook.clone(), name, verified, follow, now)
}

/// The review screen's text at `width` x `height`, default theme.
pub fn draw_review(review: &mut runsheet::app::review::Review, width: u16, height: u16) -> String {
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height))
        .expect("terminal");
    let theme = runsheet::ui::Theme::default();
    terminal
        .draw(|f| {
            f.render_widget(
                runsheet::ui::review::ReviewView {
                    review,
                    theme: &theme,
                },
                f.area(),
            );
        })
        .expect("draw");
    screen(terminal.backend().buffer())
}

/// Re-encodes every line from `from` on with fresh `prev` and `hash`:
/// what someone rewriting the file with the right tools would do.
pub fn rechain(lines: &mut [String], from: usize) {
    for i in from..lines.len() {
        let body = runsheet::journal::check_own_hash(&lines[i]).unwrap_or_else(|_| {
            lines[i]
                .rsplit_once(",\"hash\"")
                .map(|(b, _)| format!("{b}}}"))
                .unwrap()
        });
        let mut entry: runsheet::journal::Entry = serde_json::from_str(&body).expect("entry");
        if i > 0 {
            entry.prev = runsheet::hash::sha256_hex(lines[i - 1].as_bytes());
        }
        lines[i] = entry.encode();
    }
}
