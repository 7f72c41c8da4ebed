//! The `runsheet` binary: parse the command line and dispatch.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser as _;

use runsheet::cli::{Cli, Command, ExportFormat};
use runsheet::commands::{self, Env, Failure};
use runsheet::export;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match dispatch(cli.command) {
        Ok(code) => code,
        Err(failure) => {
            let _ = writeln!(std::io::stderr(), "error: {}", failure.message);
            failure.code
        }
    };
    ExitCode::from(code)
}

/// Prints a command's text to stdout and passes its exit code on; a
/// failed write (full disk, closed pipe) is an IO error, exit 2, so a
/// truncated export is never taken for a whole one.
fn print(text: &str, code: u8) -> u8 {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
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

fn dispatch(command: Option<Command>) -> Result<u8, Failure> {
    let env = Env::from_system()?;
    let Some(command) = command else {
        return Ok(match commands::tui::picker(&env)? {
            Err(text) => print(&text, 0),
            Ok(None) => 0,
            Ok(Some(outcome)) => farewell(&outcome),
        });
    };
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
            let mut stdout = std::io::stdout().lock();
            let mut stderr = std::io::stderr().lock();
            Ok(commands::validate::run(
                &files,
                env.today,
                &mut stdout,
                &mut stderr,
            ))
        }
        Command::Schema => Ok(print(&commands::schema::schema_json(), 0)),
        Command::List { drills } => {
            let catalog = env.catalog();
            for problem in &catalog.problems {
                let _ = write!(std::io::stderr(), "{}", problem.render());
            }
            let text = if drills {
                commands::list::drills(&catalog)
            } else {
                commands::list::playbooks(&catalog)
            };
            Ok(print(&text, 0))
        }
        Command::Verify { journal } => {
            let (text, code) = commands::journal::verify(&journal)?;
            Ok(print(&text, code))
        }
        Command::Status { journal, json } => {
            let (text, code) = commands::status::run(&env, &journal, json)?;
            Ok(print(&text, code))
        }
        Command::Export {
            journal,
            format,
            output,
        } => export_journal(&env, &journal, format, output.as_deref()),
    }
}

/// Prints where the journal is and what was lost, once the terminal is
/// restored; returns the exit code.
fn farewell(outcome: &runsheet::runtime::Outcome) -> u8 {
    let (out, err, code) = commands::tui::farewell(outcome);
    let _ = std::io::stderr().write_all(err.as_bytes());
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
            playbook,
            journal,
            actor,
            title,
            exercise,
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
            journal,
            actor,
        } => commands::tui::drill(env, &scenario, journal, actor.as_deref()),
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
        } => commands::journal::note(env, &journal, &text, actor.as_deref(), step.as_deref())?,
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
fn export_journal(
    env: &Env,
    journal: &Path,
    format: ExportFormat,
    output: Option<&Path>,
) -> Result<u8, Failure> {
    let done = match (
        export::Format::from_cli(format),
        export::aar::Format::from_cli(format),
    ) {
        (Some(format), _) => commands::export::run(env, journal, format, output)?,
        (None, Some(format)) => commands::export::run_aar(env, journal, format, output)?,
        (None, None) => {
            return Err(Failure::usage(format!(
                "`--format {format:?}` is not an export format"
            )));
        }
    };
    if let Some(warning) = &done.warning {
        let _ = writeln!(std::io::stderr(), "warning: {warning}");
    }
    Ok(print(&done.stdout, done.code))
}
