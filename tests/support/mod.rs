//! Shared test fixtures: deterministic journals written through the real
//! writer with a hand-moved clock and fixed ids, so golden files are stable.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use chrono::{DateTime, Duration, Utc};
use runsheet::catalog::{self, Catalog};
use runsheet::clock::{Clock, ManualClock};
use runsheet::journal::event::{
    Created, Decision, FactSet, Note, Payload, Reason, SessionStarted, StepDone, Submission,
};
use runsheet::journal::writer::JournalFile;
use runsheet::journal::{Draft, Event, Line};
use runsheet::playbook::value::parse_input;
use runsheet::session::Resolved;

/// A temporary folder on tmpfs when the machine has one: these tests check
/// recovery logic, not the disk, and fsync there costs nothing.
pub fn fast_tempdir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(dir) = tempfile::Builder::new()
            .prefix("runsheet-test")
            .tempdir_in(shm)
        {
            return dir;
        }
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
    pub clock: ManualClock,
    pub lines: Vec<Line>,
    file: JournalFile,
    actor: String,
    session: String,
}

impl JournalBuilder {
    /// A journal for `resolved`, created at `start` by "Dana Reyes".
    pub fn new(resolved: Resolved, start: &str, exercise: bool) -> Self {
        let dir = fast_tempdir();
        let path = dir.path().join("incident.jsonl");
        let clock = ManualClock::at(utc(start));
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
        };
        let first = Draft {
            ts: clock.now(),
            mono_ms: clock.mono_ms(),
            scenario_ms: None,
            session: "session-1".into(),
            actor: "Dana Reyes".into(),
            event: Event::new(Payload::JournalCreated(created)),
        };
        let (file, line) = JournalFile::create(&path, first).expect("create journal");
        let mut builder = Self {
            dir,
            path,
            resolved,
            clock,
            lines: vec![line],
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
            scenario_ms: None,
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
            Payload::StepStarted(Default::default()),
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
        })));
        self
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
            Payload::Decision(Decision {
                fact: fact.into(),
                value,
                rationale: rationale.into(),
                options,
                decider,
            }),
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
            Payload::Submission(Submission {
                stages: stages.iter().map(|s| (*s).to_string()).collect(),
                channel: channel.into(),
                recipient: "authority".into(),
                reference: Some(reference.into()),
                sent_at,
                backdated_reason: None,
                version: None,
                url: None,
                override_reason: None,
            }),
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
            file: "incident.jsonl.holding-statement-v1.txt".into(),
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
        Payload::Submission(Submission {
            stages: Vec::new(),
            channel: "website".into(),
            recipient: "public".into(),
            reference: None,
            sent_at,
            backdated_reason: None,
            version: Some(1),
            url: Some("https://court.example/news/incident".into()),
            override_reason: None,
        }),
    ));
    j.done(step).actor("Dana Reyes");
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
    j.advance(30).event(Event::new(Payload::Correction(
        runsheet::journal::event::Correction {
            corrects: records,
            reason: "Recount after removing duplicate case parties".into(),
            value: Some(serde_json::json!(1500)),
            occurred_at: None,
        },
    )));
    j
}
