//! The `runsheet` binary: parse the command line and dispatch.

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;

use runsheet::catalog::Catalog;
use runsheet::cli::{Cli, Command};
use runsheet::commands;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let today = chrono::Local::now().date_naive();
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let code = match cli.command {
        Some(Command::Validate { files }) => {
            commands::validate::run(&files, today, &mut stdout, &mut stderr)
        }
        Some(Command::Schema) => {
            let _ = stdout.write_all(commands::schema::schema_json().as_bytes());
            0
        }
        Some(Command::List { drills }) => {
            let catalog = Catalog::discover(&runsheet::paths::local_playbook_dirs(), today);
            for problem in &catalog.problems {
                let _ = write!(stderr, "{}", problem.render());
            }
            let text = if drills {
                commands::list::drills(&catalog)
            } else {
                commands::list::playbooks(&catalog)
            };
            let _ = stdout.write_all(text.as_bytes());
            0
        }
        _ => {
            let _ = writeln!(stderr, "error: command pending");
            2
        }
    };
    ExitCode::from(code)
}
