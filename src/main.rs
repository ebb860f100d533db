//! Thin: parse the command line, dispatch, map errors to exit codes (0 done, 2 bad usage or bad
//! input, 1 any other failure).

use clap::{Parser, Subcommand};
use physio_intake::cli::{self, Format};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "physio-intake",
    version,
    about = "Intake, safety screen and care plan for physiotherapy and massage clinics"
)]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Evaluate an answers file (or - for standard input): verdict, flags, avoid map, plan, scores.
    /// Touches no data directory. Output is JSON when piped, text at a terminal, unless --format says.
    Screen {
        /// The answers file ({"answers": {...}}), a saved record, or - for standard input.
        file: String,
        #[arg(long, value_enum)]
        format: Option<Format>,
    },
    /// The rulebook: every rule with its kind, tiers, trigger, action and sources.
    Rules {
        #[arg(long, value_enum)]
        format: Option<Format>,
    },
}

fn main() -> ExitCode {
    let args = Args::parse();
    let default_format = || if std::io::stdout().is_terminal() { Format::Text } else { Format::Json };
    // The clock is read here, in the shell: the core takes the visit date as an input.
    let today = chrono::Local::now().date_naive();
    let result = match args.command {
        Some(Command::Screen { file, format }) => cli::screen(&file, format.unwrap_or_else(default_format), today),
        Some(Command::Rules { format }) => cli::rules(format.unwrap_or_else(default_format)),
        None => Err(cli::CliError::failure(
            "the interactive intake is not built yet; see `physio-intake --help` for the commands available".into(),
        )),
    };
    match result {
        Ok(text) => {
            let mut stdout = std::io::stdout().lock();
            // A closed pipe (e.g. `| head`) is not an error worth a message.
            let _ = stdout.write_all(text.as_bytes());
            let _ = stdout.flush();
            ExitCode::SUCCESS
        }
        Err(error) => {
            for line in &error.lines {
                eprintln!("physio-intake: {line}");
            }
            ExitCode::from(u8::try_from(error.status).unwrap_or(1))
        }
    }
}
