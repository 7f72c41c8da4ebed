//! The `runsheet` binary: parse the command line and dispatch.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use clap::Parser as _;

use runsheet::cli::{Cli, Command, ExportFormat};
use runsheet::commands::{self, Env, Failure};
use runsheet::printable::{printable, printable_json};
use runsheet::{export, interop};

fn main() -> ExitCode {
    let cli = Cli::parse();
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
/// are shown escaped, never sent to the terminal.
fn print(text: &str, code: u8) -> u8 {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(printable(text).as_bytes());
    let _ = stdout.flush();
    code
}

/// Writes `text` to stderr with control characters escaped.
fn eprint_safe(text: &str) {
    let _ = std::io::stderr().write_all(printable(text).as_bytes());
}

fn dispatch(command: Option<Command>) -> Result<u8, Failure> {
    let writes = matches!(
        command,
        None | Some(
            Command::Run { .. }
                | Command::Resume { .. }
                | Command::Drill { .. }
                | Command::New { .. }
                | Command::Note { .. }
                | Command::Set { .. }
                | Command::Case { .. }
                | Command::Resolve { .. }
                | Command::Sync { .. }
        )
    );
    let env = if writes {
        if std::env::var_os("RUNSHEET_NOW").is_some_and(|v| !v.is_empty()) {
            eprint_safe(
                "warning: RUNSHEET_NOW is ignored by commands that write a journal: entries always get the real time\n",
            );
        }
        Env::for_writing()?
    } else {
        Env::from_system()?
    };
    let Some(command) = command else {
        return Ok(commands::tui::picker(&env)?.map_or(0, |text| print(&text, 0)));
    };
    if let Some((text, code)) = commands::case::on_case_folder(&env, &command)? {
        return Ok(print(&text, code));
    }
    match command {
        Command::Run { .. }
        | Command::Resume { .. }
        | Command::Drill { .. }
        | Command::Review { .. } => interactive(&env, command).map(|()| 0),
        Command::New { .. } | Command::Note { .. } | Command::Set { .. } => {
            journal_command(&env, command)
        }
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

/// Prints an interop command's output and passes its exit code on.
#[allow(clippy::needless_pass_by_value)] // used as `.map(finish)`
fn finish(outcome: interop::command::Outcome) -> u8 {
    let _ = std::io::stderr().write_all(outcome.stderr.as_bytes());
    print(&outcome.stdout, outcome.code)
}

/// Commands that open the terminal interface.
fn interactive(env: &Env, command: Command) -> Result<(), Failure> {
    match command {
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
        Command::Resume { journal, actor } => {
            commands::tui::resume(env, &journal, actor.as_deref())
        }
        Command::Drill {
            scenario,
            journal,
            actor,
        } => commands::tui::drill(env, &scenario, journal, actor.as_deref()),
        Command::Review { journal, follow } => commands::tui::review(env, &journal, follow),
        other => Err(Failure::usage(format!(
            "`{other:?}` does not open the interface"
        ))),
    }
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
        } => {
            let mode = match (correct, reason.as_deref()) {
                (true, Some(reason)) => commands::journal::SetMode::Correct { reason },
                _ => commands::journal::SetMode::New,
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
        eprint_safe(&format!("warning: {warning}\n"));
    }
    if matches!(format, ExportFormat::Json | ExportFormat::Timesketch) {
        // JSON escapes stay JSON: the document parses to the same data.
        let mut stdout = std::io::stdout().lock();
        let _ = stdout.write_all(printable_json(&done.stdout).as_bytes());
        let _ = stdout.flush();
        return Ok(done.code);
    }
    Ok(print(&done.stdout, done.code))
}
