//! Messages: versions, the draft editor, approval and publication.

use super::*;

// --- messages ------------------------------------------------------------

#[test]
fn message_on_a_step_without_one_says_so() {
    let mut r = Runner::new();
    assert!(r.ch('m').is_empty());
    assert_eq!(r.app.mode, Mode::Normal);
    assert!(r.has_notice("no message"));
}

#[test]
fn copy_saves_a_version_beside_the_journal_and_puts_it_on_the_clipboard() {
    let mut r = Journal::incident().with_basics().open();
    r.select("early-warning");
    r.ch('m');
    assert_eq!(mode!(r, Message).step, "early-warning");
    let effects = r.ch('y');
    assert_eq!(effects.len(), 2, "{effects:?}");
    let text = "Subject: Early warning — Example Court\n\n\
                We became aware of an incident at 2026-11-02 08:45 CET (07:45 UTC).\n";
    assert_eq!(effects[1], Effect::Clipboard(text.into()));
    let file = attachment(&effects);
    assert_eq!(file.text, text);
    let drafted = payload!(appended(&effects)[0], MessageDrafted);
    assert_eq!(
        drafted,
        &event::MessageDrafted {
            version: 1,
            purpose: event::Purpose::Notification,
            subject: Some("Early warning — Example Court".into()),
            text_sha256: sha256_hex(text.as_bytes()),
            file: "incident.early-warning.v1.txt".into(),
            gaps: Vec::new(),
            edited: false,
        }
    );
    assert_eq!(file.file_name, drafted.file, "the file the entry names");
    assert!(!file.file_name.contains('/'), "beside the journal");
    assert!(r.has_notice("version 1 sent to the terminal clipboard"));

    r.save(&effects);
    let again = r.ch('c');
    assert_eq!(again, [Effect::Clipboard(text.into())], "no new version");
    assert!(r.ch('w').is_empty());
    assert!(r.has_notice("already saved as version 1"));
    r.assert_live_state_is_replay();
}

#[test]
fn w_saves_the_current_text_as_a_version() {
    let mut r = Journal::incident().with_basics().open();
    r.select("notify-csirt");
    r.ch('m');
    let effects = r.ch('w');
    let drafted = payload!(only_append(&effects), MessageDrafted);
    assert_eq!(
        (drafted.version, drafted.gaps.as_slice()),
        (1, ["records".to_string()].as_slice())
    );
    assert!(r.has_notice("saving version 1 as incident.notify-csirt.v1.txt"));
}

/// The defect: "saving version 1 as …" stayed on screen for its full
/// time after the journal held the version, so a responder could not
/// tell a slow disk from a finished save. It says "saved" once the
/// writer acknowledges the entry, never before, and goes if it fails.
#[test]
fn the_saving_notice_says_saved_once_the_version_is_saved_and_goes_if_it_fails() {
    let file = "incident.notify-csirt.v1.txt";
    let mut r = Journal::incident().with_basics().open();
    r.select("notify-csirt");
    r.ch('m');
    let effects = r.ch('w');
    assert!(r.has_notice(&format!("saving version 1 as {file}")));
    assert!(!r.has_notice(&format!("saved version 1 as {file}")));
    r.save(&effects);
    assert!(r.has_notice(&format!("saved version 1 as {file}")));
    assert!(!r.has_notice(&format!("saving version 1 as {file}")));

    let mut r = Journal::incident().with_basics().open();
    r.select("notify-csirt");
    r.ch('m');
    let effects = r.ch('w');
    r.fail(&effects, "disk full");
    assert!(!r.has_notice(&format!("saving version 1 as {file}")));
    assert!(!r.has_notice(&format!("saved version 1 as {file}")));
}

#[test]
fn editing_a_draft_makes_a_new_version_and_keeps_the_old_one() {
    let mut r = Journal::incident().with_basics().open();
    r.select("early-warning");
    r.ch('m');
    let first = r.ch('y');
    let v1 = attachment(&first).text.clone();
    r.save(&first);

    assert!(r.ch('e').is_empty());
    let Mode::EditDraft { step, editor } = &r.app.mode else {
        panic!("expected the editor, got {:?}", r.app.mode);
    };
    assert_eq!(
        (step.as_str(), editor.text()),
        ("early-warning", v1.trim_end().to_string())
    );
    r.update(Msg::Paste(" Call 555-0100.".into()));
    let effects = r.ctrl('s');
    let v2 = format!("{} Call 555-0100.\n", v1.trim_end());
    assert_eq!(attachment(&effects).text, v2);
    let drafted = payload!(only_append(&effects), MessageDrafted);
    assert_eq!(
        (drafted.version, drafted.edited, drafted.file.as_str()),
        (2, true, "incident.early-warning.v2.txt")
    );
    assert_eq!(drafted.text_sha256, sha256_hex(v2.as_bytes()));
    assert_eq!(mode!(r, Message).version, Some(2));
    r.save(&effects);
    assert_eq!(
        r.app.draft_texts.get(&("early-warning".into(), 1)),
        Some(&v1),
        "version 1 is never overwritten"
    );
    assert_eq!(r.app.state().drafts_for("early-warning").count(), 2);
    let step = r.app.playbook.step("early-warning").cloned().expect("step");
    assert_eq!(
        r.app.message_text(&step, None).map(|(t, _)| t),
        Some(v2),
        "the edited text is the current one"
    );
}

#[test]
fn esc_in_the_draft_editor_returns_to_the_message_unsaved() {
    let mut r = Journal::incident().with_basics().open();
    r.select("early-warning");
    r.ch('m');
    r.ch('e');
    r.type_text("scratch");
    assert!(r.esc().is_empty());
    assert!(r.app.discard_armed, "typed text: Esc asks first");
    assert!(r.esc().is_empty());
    assert_eq!(mode!(r, Message).version, None);
    assert!(r.app.state().drafts.is_empty());
    r.ch('j');
    assert_eq!(mode!(r, Message).scroll, 1);
    r.ch('q');
    assert_eq!(r.app.mode, Mode::Normal);
}

#[test]
fn a_statement_published_without_approval_requires_an_override_reason() {
    let mut r = Journal::incident().with_basics().open();
    r.select("holding-statement");
    r.ch('m');
    let drafted = r.ch('s');
    assert_eq!(
        payload!(only_append(&drafted), MessageDrafted).purpose,
        event::Purpose::Statement
    );
    let form = mode!(r, Submit);
    assert!(form.unapproved && !form.then_done);
    assert_eq!(form.fields[0].1.text(), "website");
    assert_eq!(form.fields[1].1.text(), "the public");
    assert!(r.enter().is_empty());
    let form = mode!(r, Submit);
    assert_eq!(
        form.error.as_deref(),
        Some(
            "this version was not approved: give the reason to publish it anyway \
             · the cursor is now in Publish unapproved: why"
        )
    );
    assert_eq!(form.fields[form.focus].0, SubmitField::Override);
    r.type_text("IC unreachable; press deadline");
    let effects = r.enter();
    let sub = payload!(only_append(&effects), Submission);
    assert_eq!(
        sub.override_reason.as_deref(),
        Some("IC unreachable; press deadline")
    );
    assert_eq!((sub.version, sub.stages.is_empty()), (Some(1), true));
    assert_eq!(
        mode!(r, Message).step,
        "holding-statement",
        "back to the message"
    );
    r.save(&drafted);
    r.save(&effects);
    assert_eq!(r.status("holding-statement"), StepStatus::Open);
    r.assert_live_state_is_replay();
}

#[test]
fn an_approved_statement_is_published_without_an_override() {
    let mut r = Journal::incident().with_basics().open();
    r.select("holding-statement");
    r.ch('m');
    let drafted = r.ch('p');
    assert_eq!(kinds(&drafted), [Kind::MessageDrafted]);
    let dialog = mode!(r, Approve);
    assert_eq!(
        (dialog.version, dialog.role.as_str(), dialog.approver.text()),
        (1, "ic", ACTOR.to_string())
    );
    r.tab();
    r.type_text("Approved as drafted");
    let approval = r.enter();
    assert_eq!(
        payload!(only_append(&approval), Approval),
        &event::Approval {
            version: 1,
            approver: ACTOR.into(),
            role: "ic".into(),
            comment: Some("Approved as drafted".into()),
        }
    );
    assert!(matches!(r.app.mode, Mode::Message(_)));
    r.save(&drafted);
    r.save(&approval);
    r.advance(Duration::seconds(1)); // a moment after the dialog closed
    assert!(r.ch('s').is_empty(), "version 1 is already saved");
    let form = mode!(r, Submit);
    assert!(!form.unapproved);
    assert!(form.fields.iter().all(|(f, _)| *f != SubmitField::Override));
    r.tab();
    r.tab();
    r.type_text("PR-1");
    let effects = r.enter();
    let sub = payload!(only_append(&effects), Submission);
    assert_eq!(
        (
            sub.override_reason.as_ref(),
            sub.reference.as_deref(),
            sub.version
        ),
        (None, Some("PR-1"), Some(1))
    );
}

#[test]
fn p_approves_only_statements() {
    let mut r = Journal::incident().with_basics().open();
    r.select("early-warning");
    r.ch('m');
    assert!(r.ch('p').is_empty());
    assert!(matches!(r.app.mode, Mode::Message(_)));
}

#[test]
fn exercise_drafts_carry_the_marking_top_and_bottom() {
    let mut r = Journal::exercise().with_basics().open();
    r.select("early-warning");
    r.ch('m');
    let effects = r.ch('y');
    let text = attachment(&effects).text.clone();
    assert!(
        text.starts_with(&format!("{MARK}\n\nSubject: Early warning")),
        "{text}"
    );
    assert!(text.ends_with(&format!("\n\n{MARK}\n")), "{text}");
    assert_eq!(effects[1], Effect::Clipboard(text.clone()));
    r.save(&effects);

    // Deleting the bottom marking while editing does not remove it.
    r.ch('e');
    for _ in 0..MARK.chars().count() + 2 {
        r.press(KeyCode::Backspace);
    }
    r.type_text(" Edited.");
    let edited = r.ctrl('s');
    let text = &attachment(&edited).text;
    assert!(text.starts_with(&format!("{MARK}\n\n")), "{text}");
    assert!(text.ends_with(&format!("Edited.\n\n{MARK}\n")), "{text}");
    assert_eq!(text.matches(MARK).count(), 2, "{text}");
}
