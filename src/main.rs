//! The `runsheet` binary: parse the command line and dispatch.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use clap::{CommandFactory as _, Parser as _};

use runsheet::cli::{AnchorCommand, Cli, Command, EvidenceCommand, ExportFormat, KeyCommand};
use runsheet::commands::export::Destination;
use runsheet::commands::{self, Env, Failure};
use runsheet::printable::{Escape, SafeWriter, printable, printable_json};
use runsheet::{export, interop};

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let cli = Cli::try_parse_from(&args).unwrap_or_else(|err| {
        runsheet::suggest::subcommand_tip(err, &Cli::command(), &args).exit()
    });
    let code = match dispatch(cli.command) {
        Ok(code) => code,
        Err(failure) => {
            eprint_safe(&format!("error: {}\n", failure.message));
            failure.code
        }
    };
    ExitCode::from(code)
}

/// Prints a command's text to stdout and passes its exit code on. The text
/// quotes playbooks and journals, so control characters and bidi overrides
/// are shown escaped, never sent to the terminal. A failed write (full
/// disk, closed pipe) is an IO error, exit 2, so a truncated export is never
/// taken for a whole one.
fn print(text: &str, code: u8) -> u8 {
    write_out(printable(text).as_bytes(), code)
}

/// Writes `bytes` to stdout; exit 2 when stdout cannot take them.
fn write_out(bytes: &[u8], code: u8) -> u8 {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(bytes).and_then(|()| stdout.flush()) {
        Ok(()) => code,
        Err(e) => {
            let _ = writeln!(
                std::io::stderr(),
                "error: standard output: {}",
                runsheet::diag::describe_io(&e)
            );
            2
        }
    }
}

/// Prints a JSON document with unsafe characters as JSON escapes, so it
/// still parses to the same data.
fn print_json(text: &str, code: u8) -> u8 {
    write_out(printable_json(text).as_bytes(), code)
}

/// Prints a report, then its problem to stderr: the exit code is the
/// report's, or 2 when stdout cannot take it.
fn print_report(report: &commands::Report, json: bool) -> u8 {
    let code = if json {
        print_json(&report.text, report.code)
    } else {
        print(&report.text, report.code)
    };
    if let Some(problem) = &report.problem {
        eprint_safe(&format!("error: {problem}\n"));
    }
    code
}

/// Writes `text` to stderr with control characters escaped.
fn eprint_safe(text: &str) {
    let _ = std::io::stderr().write_all(printable(text).as_bytes());
}

/// The environment for `command`: commands that write a journal always use
/// the real clock.
fn env_for(command: Option<&Command>) -> Result<Env, Failure> {
    let writes = matches!(
        command,
        None | Some(
            Command::Run { .. }
                | Command::Resume { .. }
                | Command::Drill { .. }
                | Command::New { .. }
                | Command::Note { .. }
                | Command::Set { .. }
                | Command::Correct { .. }
                | Command::Close { .. }
                | Command::Checkpoint { .. }
                | Command::Anchor(AnchorCommand::Attach { .. })
                | Command::Evidence(EvidenceCommand::Add { .. } | EvidenceCommand::Transfer { .. })
                | Command::Case { .. }
                | Command::Resolve { .. }
                | Command::Sync { .. }
        )
    );
    if writes {
        if std::env::var_os("RUNSHEET_NOW").is_some_and(|v| !v.is_empty()) {
            eprint_safe(
                "warning: RUNSHEET_NOW is ignored by commands that write a journal: entries always get the real time\n",
            );
        }
        Env::for_writing()
    } else {
        Env::from_system()
    }
}

fn dispatch(command: Option<Command>) -> Result<u8, Failure> {
    let env = env_for(command.as_ref())?;
    let Some(command) = command else {
        return Ok(match commands::tui::picker(&env)? {
            Err(text) => print(&text, 0),
            Ok(None) => 0,
            Ok(Some(outcome)) => farewell(&outcome),
        });
    };
    if let Some(report) = commands::case::on_case_folder(&env, &command)? {
        return Ok(print_report(&report, false));
    }
    match command {
        Command::Run { .. }
        | Command::Resume { .. }
        | Command::Drill { .. }
        | Command::Review { .. } => interactive(&env, command),
        Command::New { .. }
        | Command::Note { .. }
        | Command::Set { .. }
        | Command::Correct { .. }
        | Command::Close { .. } => journal_command(&env, command),
        Command::Validate { files } => {
            let (mut out, mut err) = (Vec::new(), Vec::new());
            let code = commands::validate::run(&files, env.today, &mut out, &mut err);
            eprint_safe(&String::from_utf8_lossy(&err));
            Ok(print(&String::from_utf8_lossy(&out), code))
        }
        Command::Schema => Ok(print(&commands::schema::schema_json(), 0)),
        Command::Test { target, cases } => {
            let mut stdout = std::io::stdout().lock();
            let mut stderr = std::io::stderr().lock();
            Ok(commands::test::run(
                &target,
                &cases,
                env.today,
                &mut stdout,
                &mut stderr,
            ))
        }
        Command::List { drills } => {
            let catalog = env.catalog();
            for problem in &catalog.problems {
                eprint_safe(&problem.render());
            }
            let text = if drills {
                commands::list::drills(&catalog)
            } else {
                commands::list::playbooks(&catalog)
            };
            Ok(print(&text, 0))
        }
        Command::Case { .. } | Command::Resolve { .. } | Command::Sync { .. } => {
            let (text, code) = commands::case::run(&env, command)?;
            Ok(print(&text, code))
        }
        Command::Verify { .. }
        | Command::Checkpoint { .. }
        | Command::Key(_)
        | Command::Evidence(_)
        | Command::Anchor(_) => proof_command(&env, command),
        Command::Status { journal, json } => {
            let report = commands::status::run(&env, &journal, json)?;
            Ok(print_report(&report, json))
        }
        Command::Export {
            journal,
            format,
            output,
        } => export_journal(&env, &journal, format, output.as_deref()),
        Command::Import {
            input,
            output,
            preset,
        } => interop::command::import(&env, &input, output.as_deref(), preset).map(finish),
        Command::ExportPlaybook {
            playbook,
            format,
            output,
        } => interop::command::export_playbook(&env, &playbook, format, output.as_deref())
            .map(finish),
    }
}

/// Checkpoints, trusted timestamps, the evidence register and `verify`,
/// which checks them.
fn proof_command(env: &Env, command: Command) -> Result<u8, Failure> {
    match command {
        Command::Verify {
            journal,
            checkpoint,
            expect_head,
            keys,
        } => {
            let options = commands::proof::VerifyOptions {
                checkpoint,
                expect_head,
                keys,
            };
            let (text, code) = commands::proof::verify(&journal, &options)?;
            Ok(print(&text, code))
        }
        Command::Checkpoint { target, key, actor } => {
            let text = commands::proof::checkpoint(env, &target, key.as_deref(), actor.as_deref())?;
            Ok(print(&text, 0))
        }
        Command::Key(KeyCommand::New { file }) => {
            Ok(print(&commands::proof::key_new(file.as_deref())?, 0))
        }
        Command::Evidence(command) => evidence_command(env, command),
        Command::Anchor(AnchorCommand::Request { note }) => {
            Ok(print(&commands::proof::anchor_request(&note)?, 0))
        }
        Command::Anchor(AnchorCommand::Attach {
            journal,
            reply,
            request,
            tsa_cert,
            actor,
        }) => {
            let text = commands::proof::anchor_attach(
                env,
                &journal,
                &reply,
                request.as_deref(),
                tsa_cert.as_deref(),
                actor.as_deref(),
            )?;
            Ok(print(&text, 0))
        }
        _ => unreachable!("dispatch sends only proof commands here"),
    }
}

/// Prints an interop command's output and passes its exit code on.
#[allow(clippy::needless_pass_by_value)] // used as `.map(finish)`
fn finish(outcome: interop::command::Outcome) -> u8 {
    let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    print(&outcome.stdout, outcome.code)
}

/// Prints where the journal is and what was lost, once the terminal is
/// restored; returns the exit code.
fn farewell(outcome: &runsheet::runtime::Outcome) -> u8 {
    let (out, err, code) = commands::tui::farewell(outcome);
    eprint_safe(&err);
    print(&out, code)
}

/// Commands that open the terminal interface.
fn interactive(env: &Env, command: Command) -> Result<u8, Failure> {
    if !commands::tui::has_terminal() {
        let name = match &command {
            Command::Run { .. } => "run",
            Command::Resume { .. } => "resume",
            Command::Drill { .. } => "drill",
            _ => "review",
        };
        return Err(commands::tui::needs_terminal(name));
    }
    let outcome = match command {
        Command::Run {
            case: Some(dir),
            actor,
            ..
        } => commands::case::run_case(env, &dir, actor.as_deref()),
        Command::Run {
            playbook: Some(playbook),
            journal,
            actor,
            title,
            exercise,
            ..
        } => commands::tui::run(env, &playbook, journal, actor.as_deref(), title, exercise),
        Command::Resume { journal, actor, .. } => {
            let journal = match journal {
                Some(journal) => journal,
                None => commands::tui::latest_journal(&runsheet::paths::journals_dir())?,
            };
            commands::tui::resume(env, &journal, actor.as_deref())
        }
        Command::Drill {
            scenario,
            case: Some(dir),
            actor,
            ..
        } => commands::case::drill_case(env, &dir, &scenario, actor.as_deref()),
        Command::Drill {
            scenario,
            journal,
            actor,
            ..
        } => commands::tui::drill(env, &scenario, journal, actor.as_deref()),
        Command::Review { journal, follow } if runsheet::case::folder::is_case(&journal) => {
            return commands::case_views::review(env, &journal, follow).map(|()| 0);
        }
        Command::Review { journal, follow } => {
            return commands::tui::review(env, &journal, follow).map(|()| 0);
        }
        other => Err(Failure::usage(format!(
            "`{other:?}` does not open the interface"
        ))),
    }?;
    Ok(farewell(&outcome))
}

/// Commands that create or append to a journal from scripts.
fn journal_command(env: &Env, command: Command) -> Result<u8, Failure> {
    let text = match command {
        Command::New {
            playbook,
            journal,
            title,
            actor,
            exercise,
        } => {
            let path =
                commands::journal::new(env, &playbook, journal, title, actor.as_deref(), exercise)?;
            format!("{}\n", path.display())
        }
        Command::Note {
            journal,
            text,
            actor,
            step,
            wait,
        } => {
            let wait = wait
                .as_deref()
                .map(commands::journal::parse_wait)
                .transpose()?;
            let note = commands::journal::NoteArgs {
                text: &text,
                actor: actor.as_deref(),
                step: step.as_deref(),
                wait,
            };
            commands::journal::note(env, &journal, &note)?
        }
        Command::Set {
            journal,
            assignment,
            occurred_at,
            actor,
            correct,
            reason,
            confirm,
            rationale,
        } => {
            let mode = match (correct, reason.as_deref(), rationale.as_deref()) {
                (true, Some(reason), _) => commands::journal::SetMode::Correct { reason, confirm },
                (_, _, Some(rationale)) => {
                    commands::journal::SetMode::Decide { rationale, confirm }
                }
                _ => commands::journal::SetMode::New { confirm },
            };
            commands::journal::set(
                env,
                &journal,
                &assignment,
                occurred_at.as_deref(),
                actor.as_deref(),
                mode,
            )?
        }
        Command::Correct {
            journal,
            seq,
            fields,
            reason,
            actor,
        } => commands::journal::correct(env, &journal, seq, &fields, &reason, actor.as_deref())?,
        Command::Close {
            journal,
            reason,
            open_step_reasons,
            actor,
        } => {
            commands::journal::close(env, &journal, &reason, &open_step_reasons, actor.as_deref())?
        }
        other => {
            return Err(Failure::usage(format!(
                "`{other:?}` does not write a journal"
            )));
        }
    };
    Ok(print(&text, 0))
}

/// `runsheet export`: the report on stdout or in a file, a warning on
/// stderr when the journal does not fully verify. `aar` and `aar-html`
/// are the exercise after-action report.
fn evidence_command(env: &Env, command: EvidenceCommand) -> Result<u8, Failure> {
    use commands::evidence;
    match command {
        EvidenceCommand::Add {
            journal,
            paths,
            label,
            step,
            source,
            actor,
        } => {
            let options = evidence::AddOptions {
                label: label.as_deref(),
                step: step.as_deref(),
                source: source.as_deref(),
                actor: actor.as_deref(),
            };
            Ok(print(&evidence::add(env, &journal, &paths, &options)?, 0))
        }
        EvidenceCommand::Transfer {
            journal,
            item,
            to,
            reason,
            actor,
        } => {
            let text = evidence::transfer(env, &journal, &item, &to, &reason, actor.as_deref())?;
            Ok(print(&text, 0))
        }
        EvidenceCommand::Check { journal, root } => {
            let (text, code) = evidence::check(&journal, root.as_deref())?;
            Ok(print(&text, code))
        }
    }
}

/// `export --format custody-csv`: the register's custody form.
fn custody_export(journal: &Path, output: Option<&Path>) -> Result<u8, Failure> {
    let (csv, broken) = commands::evidence::custody_csv(journal)?;
    let intact = broken.is_none();
    if let Some(warning) = &broken {
        eprint_safe(&format!("warning: {warning}\n"));
    }
    match output {
        Some(path) => {
            commands::export::write_atomically(path, csv.as_bytes())
                .map_err(|e| Failure::usage(format!("{}: {e}", path.display())))?;
            Ok(u8::from(!intact))
        }
        None => Ok(print(&csv, u8::from(!intact))),
    }
}

fn export_journal(
    env: &Env,
    journal: &Path,
    format: ExportFormat,
    output: Option<&Path>,
) -> Result<u8, Failure> {
    if let Some(output) = output {
        commands::guard::refuse_covered_output(output, journal, "export only reads the journal")?;
    }
    if format == ExportFormat::CustodyCsv && !runsheet::case::folder::is_case(journal) {
        return custody_export(journal, output);
    }
    // JSON documents keep parsing to the same data once made safe.
    let escape = if matches!(format, ExportFormat::Json | ExportFormat::Timesketch) {
        Escape::Json
    } else {
        Escape::Text
    };
    let mut stdout = SafeWriter::new(std::io::stdout().lock(), escape);
    let to = Destination::of(output, &mut stdout);
    let done = if runsheet::case::folder::is_case(journal) {
        commands::case_views::export(env, journal, format, to)?
    } else {
        match (
            export::Format::from_cli(format),
            export::aar::Format::from_cli(format),
        ) {
            (Some(format), _) => commands::export::run(env, journal, format, to)?,
            (None, Some(format)) => commands::export::run_aar(env, journal, format, to)?,
            (None, None) => {
                return Err(Failure::usage(format!(
                    "`--format {format:?}` is not an export format"
                )));
            }
        }
    };
    stdout.finish().map_err(|e| {
        Failure::usage(format!(
            "standard output: {}",
            runsheet::diag::describe_io(&e)
        ))
    })?;
    if let Some(warning) = &done.warning {
        eprint_safe(&format!("warning: {warning}\n"));
    }
    Ok(done.code)
}
