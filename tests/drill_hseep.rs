//! Drills that follow HSEEP: objectives with core capabilities that injects
//! name, the HSEEP rating scale, an after-action report rating each
//! objective with an improvement plan, and real-world safety (the codeword
//! and ground rules on the facilitator screen, no real contact details in
//! an exercise).

mod support;

use runsheet::export::aar::{self, Exercise, Format};
use runsheet::journal::event::Rating;
use runsheet::journal::verify::verify;
use runsheet::playbook::PLAYED_BY_FACILITATOR;
use runsheet::playbook::doc::ContactOverrideDoc;
use runsheet::run;
use support::{drill_exercise, fixture_drill};

fn report() -> String {
    let d = drill_exercise();
    let bytes = d.j.bytes();
    let (_dir, _, resolved) = d.j.close();
    let verified = verify(&bytes);
    let state = run::replay(&resolved.playbook, verified.entries());
    let drill = fixture_drill();
    let exercise =
        Exercise::new(&verified, &resolved.playbook, &state, Some(&drill)).expect("an exercise");
    aar::render(Format::Markdown, &exercise)
}

#[test]
fn dr5_objectives_carry_a_capability_and_injects_name_them() {
    let drill = fixture_drill();
    let o1 = &drill.objectives[0];
    assert_eq!(
        (o1.id.as_deref(), o1.capability.as_deref()),
        (Some("o1"), Some("Situational Assessment"))
    );
    let i2 = drill.inject("i2").expect("inject");
    assert_eq!(
        (i2.objectives.as_slice(), i2.module.as_deref()),
        (&["o4".to_string()][..], Some("m2"))
    );
    assert!(
        drill
            .modules
            .iter()
            .all(|m| (3..=5).contains(&m.questions.len()))
    );
}

#[test]
fn dr5_ratings_use_the_hseep_scale() {
    let names: Vec<&str> = Rating::HSEEP.iter().map(|r| r.label()).collect();
    assert_eq!(
        names,
        [
            "Performed without Challenges (P)",
            "Performed with Some Challenges (S)",
            "Performed with Major Challenges (M)",
            "Unable to be Performed (U)",
        ]
    );
    let text = serde_json::to_string(&Rating::SomeChallenges).expect("json");
    assert_eq!(text, "\"some_challenges\"");
    // Older journals keep reading.
    let old: Rating = serde_json::from_str("\"partly\"").expect("old scale");
    assert_eq!(old.severity(), Rating::SomeChallenges.severity());
}

#[test]
fn dr5_the_after_action_report_rates_each_objective_and_plans_corrective_actions() {
    let md = report();
    for expected in [
        "## Exercise overview",
        "- **Core capabilities:** Cybersecurity; Operational Coordination; Public Information and Warning; Situational Assessment",
        "- **Real-world codeword:** REAL WORLD",
        "## Objectives and ratings",
        "| o1: Confirm the incident and record when the organisation became aware within 30 minutes of T+0 | Situational Assessment | i1 | ✓ Performed without Challenges (P) (worst of 1 rated of 1 injects) |",
        "| o4: Give the press an approved holding line without operational detail | Public Information and Warning | i2, i3 | **◔ Performed with Major Challenges (M)** (worst of 2 rated of 2 injects) |",
        "| o3: Send the CSIRT early warning within 24 hours of awareness | Cybersecurity | — | **no inject tests it** |",
        "| Capability | Finding | Corrective action | Responsible organisation | Point of contact | Start | Completion | Status | Raised |",
        "| Public Information and Warning | The leaked sample was not compared with the records by hash | Add a hash comparison to the leak-handling procedure and train the analysts | Registry IT security | Dana Reyes | 2026-12-01 | 2027-01-15 | in progress |",
    ] {
        assert!(md.contains(expected), "missing `{expected}` in:\n{md}");
    }
}

#[test]
fn dr4_an_exercise_shows_no_real_contact_details() {
    let mut playbook = support::bundled_playbook("ddos").playbook;
    let real: ContactOverrideDoc = runsheet::playbook::load::parse(
        "{id: csirt, phone: '+31 70 751 5555', email: cert@ncsc.nl, url: 'https://www.ncsc.nl'}",
    )
    .expect("override");
    // A real incident gets the local details...
    let mut incident = playbook.clone();
    assert!(
        incident
            .contacts_for_run(std::slice::from_ref(&real), false)
            .is_empty()
    );
    let csirt = incident.contact("csirt").expect("csirt");
    assert_eq!(csirt.phone.as_deref(), Some("+31 70 751 5555"));
    // ...an exercise never does, whatever the local file says.
    assert!(playbook.contacts_for_run(&[real], true).is_empty());
    for c in &playbook.contacts {
        assert_eq!(c.phone.as_deref(), Some(PLAYED_BY_FACILITATOR), "{}", c.id);
        assert_eq!((&c.email, &c.url), (&None, &None), "{}", c.id);
        let notes = c.notes.as_deref().unwrap_or_default();
        assert!(
            !notes.contains("+31") && notes.starts_with("EXERCISE"),
            "{notes}"
        );
    }
}
