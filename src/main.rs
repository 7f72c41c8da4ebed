//! The `runsheet` binary: parse the command line and dispatch.

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;

use runsheet::cli::{Cli, Command};
use runsheet::commands::{self, Env, Failure};

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

/// Prints a command's text to stdout and passes its exit code on.
fn print(text: &str, code: u8) -> Result<u8, Failure> {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
    Ok(code)
}

fn dispatch(command: Option<Command>) -> Result<u8, Failure> {
    let env = Env::from_system()?;
    match command {
        None => print(&commands::list::no_command(&env.catalog()), 0),
        Some(Command::Validate { files }) => {
            let mut stdout = std::io::stdout().lock();
            let mut stderr = std::io::stderr().lock();
            Ok(commands::validate::run(
                &files,
                env.today,
                &mut stdout,
                &mut stderr,
            ))
        }
        Some(Command::Schema) => print(&commands::schema::schema_json(), 0),
        Some(Command::List { drills }) => {
            let catalog = env.catalog();
            for problem in &catalog.problems {
                let _ = write!(std::io::stderr(), "{}", problem.render());
            }
            let text = if drills {
                commands::list::drills(&catalog)
            } else {
                commands::list::playbooks(&catalog)
            };
            print(&text, 0)
        }
        Some(Command::New {
            playbook,
            journal,
            title,
            actor,
            exercise,
        }) => {
            let path = commands::journal::new(
                &env,
                &playbook,
                journal,
                title,
                actor.as_deref(),
                exercise,
            )?;
            print(&format!("{}\n", path.display()), 0)
        }
        Some(Command::Note {
            journal,
            text,
            actor,
            step,
        }) => print(
            &commands::journal::note(&env, &journal, &text, actor.as_deref(), step.as_deref())?,
            0,
        ),
        Some(Command::Set {
            journal,
            assignment,
            occurred_at,
            actor,
        }) => print(
            &commands::journal::set(
                &env,
                &journal,
                &assignment,
                occurred_at.as_deref(),
                actor.as_deref(),
            )?,
            0,
        ),
        Some(Command::Verify { journal }) => {
            let (text, code) = commands::journal::verify(&journal)?;
            print(&text, code)
        }
        Some(Command::Status { journal, json }) => {
            let (text, code) = commands::status::run(&env, &journal, json)?;
            print(&text, code)
        }
        Some(other) => Err(Failure::usage(format!("`{other:?}` is pending"))),
    }
}
