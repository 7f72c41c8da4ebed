//! `review --follow` checks message drafts as entries arrive: a draft file
//! edited or deleted after the review opened, or a new `message_drafted`
//! whose file does not match, is flagged in the header when it is seen.

mod support;

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use runsheet::app::review::Review;
use runsheet::journal::Event;
use runsheet::journal::event::{MessageDrafted, Payload, Purpose};
use runsheet::runtime::{poll_journal, recheck_drafts};
use runsheet::ui::Theme;
use runsheet::ui::review::ReviewView;

fn header(review: &mut Review) -> String {
    let mut terminal = Terminal::new(TestBackend::new(200, 24)).expect("terminal");
    let theme = Theme::default();
    terminal
        .draw(|f| {
            f.render_widget(
                ReviewView {
                    review: &mut *review,
                    theme: &theme,
                },
                f.area(),
            );
        })
        .expect("draw");
    let buf = terminal.backend().buffer();
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// What the follow loop does on a tick: new lines, then the drafts.
fn tick(review: &mut Review, journal: &std::path::Path) -> bool {
    let grew = poll_journal(review, journal).expect("poll");
    recheck_drafts(review, journal) || grew
}

#[test]
fn drafts_that_arrive_or_change_while_following_are_flagged() {
    let mut j = support::complete_incident(false);
    let journal = j.path.clone();
    let verified = runsheet::journal::verify::verify(&std::fs::read(&journal).expect("journal"));
    let now = verified.entries().map(|e| e.ts).max().expect("entries");
    let playbook = support::fixture_playbook().playbook;
    let mut review = Review::new(playbook, "incident.jsonl", verified, true, now);
    assert!(!recheck_drafts(&mut review, &journal), "no draft yet");

    // A draft whose file matches arrives: nothing to flag.
    support::publish_holding_statement(&mut j);
    assert!(tick(&mut review, &journal), "new lines");
    assert!(
        review.draft_problems.is_empty(),
        "{:?}",
        review.draft_problems
    );
    let screen = header(&mut review);
    assert!(screen.contains("✓ intact"), "{screen}");

    // A second version arrives naming a file whose text is not the one
    // recorded.
    let file = "incident.jsonl.holding-statement-v2.txt";
    std::fs::write(journal.with_file_name(file), "Something else entirely.").expect("v2");
    j.event(Event::on_step(
        "holding-statement",
        Payload::MessageDrafted(MessageDrafted {
            version: 2,
            purpose: Purpose::Statement,
            subject: None,
            text_sha256: runsheet::hash::sha256_hex(b"The text that was drafted."),
            file: file.into(),
            gaps: Vec::new(),
            edited: true,
        }),
    ));
    let v2 = j.lines.last().expect("v2 line").entry.seq;
    assert!(tick(&mut review, &journal));
    let screen = header(&mut review);
    assert!(screen.contains("✗ MESSAGE DRAFTS DO NOT MATCH"), "{screen}");
    assert!(
        screen.contains(&format!("entry {v2} (message_drafted v2")),
        "{screen}"
    );
    assert!(!screen.contains("✓ intact"), "{screen}");
    assert!(
        !tick(&mut review, &journal),
        "nothing new: nothing to redraw"
    );

    // The first version's file is deleted after it was checked.
    let v1 = review
        .lines
        .rows()
        .iter()
        .find(|row| row.kind == runsheet::journal::Kind::MessageDrafted)
        .expect("v1")
        .seq;
    std::fs::remove_file(journal.with_file_name("incident.jsonl.holding-statement-v1.txt"))
        .expect("delete v1");
    assert!(tick(&mut review, &journal), "a deleted draft is noticed");
    assert_eq!(
        review.draft_problems.len(),
        2,
        "{:?}",
        review.draft_problems
    );
    assert!(
        review.draft_problems[0].starts_with(&format!("entry {v1} (message_drafted v1")),
        "{:?}",
        review.draft_problems
    );
}
