//! Thin: parse the command line, dispatch, map errors to exit codes (0 done, 2 bad usage or bad
//! input, 1 any other failure).

use clap::{Parser, Subcommand};
use physio_intake::cli::{self, Format};
use physio_intake::store::{Store, resolve_data_dir};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "physio-intake",
    version,
    about = "Intake, safety screen and care plan for physiotherapy and massage clinics"
)]
struct Args {
    /// The data folder (default: PHYSIO_INTAKE_DATA_DIR, then the platform's local data folder).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Let the mouse click in the app (off by default: it stops copying text out of the terminal).
    #[arg(long)]
    mouse: bool,
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
    /// Validate an answers file (or -) and save it as a new record; prints the new id.
    Import {
        file: String,
        /// `completed` (the default) needs the patient's name and consent.
        #[arg(long, value_enum, default_value = "completed")]
        status: cli::ImportStatus,
    },
    /// Saved records: id, visit date, status, verdict, patient; and any quarantined files.
    List {
        #[arg(long, value_enum)]
        format: Option<Format>,
        /// Check every record file's size, times and inode against the index, even when the
        /// records folder looks unchanged: sees a file another program rewrote in place.
        #[arg(long)]
        verify: bool,
    },
    /// One record as its chart note in plain text (the same as `export ID --format text`).
    Show {
        /// The record id, or a unique prefix of it (6 characters or more: the short id the app shows).
        id: String,
    },
    /// One record to standard output: a Markdown chart note, a FHIR R4 transaction Bundle (fhir) or the bare QuestionnaireResponse (fhir-response), or the record's JSON.
    Export {
        /// The record id, or a unique prefix of it (6 characters or more: the short id the app shows).
        id: String,
        #[arg(long, value_enum)]
        format: cli::ExportFormat,
    },
    /// The FHIR R4 Questionnaire that exported QuestionnaireResponses answer.
    ExportQuestionnaire {
        /// A collection Bundle: the Questionnaire and a CodeSystem for every code it and the
        /// exports use (item options, body regions, rule ids).
        #[arg(long)]
        with_codesystems: bool,
    },
    /// Practice cases for students: the app in practice mode, or list the cases, grade an attempt
    /// (an answers file), check a teacher's case file, or report progress (one data folder, or a
    /// class merged from several students' folders).
    Practice {
        /// The cases, one a line: id, then title (tab-separated).
        #[arg(long, conflicts_with_all = ["grade", "report", "check"])]
        list: bool,
        /// Progress per case from this data folder's attempts; with folders (each a student's data
        /// folder or practice folder), the merged class table per student and case.
        #[arg(long, num_args = 0.., value_name = "DIR", conflicts_with_all = ["grade", "check"])]
        report: Option<Vec<PathBuf>>,
        /// Grade FILE (or - for standard input) against the case CASE_ID.
        #[arg(long, num_args = 2, value_names = ["CASE_ID", "FILE"], conflicts_with = "check")]
        grade: Option<Vec<String>>,
        /// Check a case file as a teacher wrote it: exit 0 with a summary, or 2 with each problem.
        #[arg(long, value_name = "FILE")]
        check: Option<PathBuf>,
        /// More cases: every .json case file in DIR (besides the built-in set and the data
        /// folder's cases/). A folder case never replaces a built-in one.
        #[arg(long, value_name = "DIR")]
        cases: Option<PathBuf>,
        /// The student's name, saved with each attempt (and shown in the class table).
        #[arg(long, value_name = "NAME")]
        student: Option<String>,
        /// text or json; csv too for --report.
        #[arg(long, value_enum)]
        format: Option<cli::PracticeFormat>,
    },
}

fn main() -> ExitCode {
    // Before anything holds patient data: no core file may keep a copy of this process's memory.
    if let Err(e) = physio_intake::store::os::disable_core_dumps() {
        eprintln!("physio-intake: warning: core dumps could not be turned off ({})", e.kind());
    }
    let args = Args::parse();
    let default_format = || if std::io::stdout().is_terminal() { Format::Text } else { Format::Json };
    // The clock is read here, in the shell: the core takes the visit date as an input.
    let today = chrono::Local::now().date_naive();
    let now = chrono::Utc::now();
    let store = || -> Result<Store, cli::CliError> {
        let dir = resolve_data_dir(args.data_dir.clone(), std::env::var_os("PHYSIO_INTAKE_DATA_DIR"))?;
        let store = Store::open(&dir)?;
        for warning in &store.warnings {
            eprintln!("physio-intake: warning: {warning}");
        }
        Ok(store)
    };
    let result = match args.command {
        Some(Command::Screen { file, format }) => cli::screen(&file, format.unwrap_or_else(default_format), today),
        Some(Command::Rules { format }) => cli::rules(format.unwrap_or_else(default_format)),
        Some(Command::Import { ref file, status }) => store().and_then(|s| cli::import(&s, file, status, now)),
        Some(Command::List { format, verify }) => {
            // Written as it is made: a long listing is never held whole as text.
            let written = store().and_then(|s| {
                cli::list_to(&s, format.unwrap_or_else(default_format), verify, &mut std::io::stdout().lock())
            });
            written.map(|()| String::new())
        }
        Some(Command::Show { ref id }) => store().and_then(|s| cli::show(&s, id)),
        Some(Command::Export { ref id, format }) => store().and_then(|s| cli::export(&s, id, format)),
        Some(Command::ExportQuestionnaire { with_codesystems }) => cli::export_questionnaire(with_codesystems),
        Some(Command::Practice { ref list, ref report, ref grade, ref check, ref cases, ref student, format }) => {
            // The data folder's cases/ is read when the data folder resolves; it is never created
            // for listing or grading.
            let folders = cli::CaseFolders {
                from_flag: cases.clone(),
                data_folder_cases: resolve_data_dir(args.data_dir.clone(), std::env::var_os("PHYSIO_INTAKE_DATA_DIR"))
                    .ok()
                    .map(|dir| dir.join("cases")),
            };
            let practice_format = || match format {
                Some(format) => format,
                None if std::io::stdout().is_terminal() => cli::PracticeFormat::Text,
                None => cli::PracticeFormat::Json,
            };
            let app = check.is_none() && !*list && report.is_none() && grade.is_none();
            if student.is_some() && !app {
                // Only the app saves attempts: a name given to --grade, --check, --list or --report
                // would be silently dropped.
                let words = "--student names the attempts the practice app saves; --grade, --check, --list and --report save nothing, so it does not apply to them";
                eprintln!("physio-intake: {words}");
                return ExitCode::from(2);
            }
            if let Some(file) = check {
                cli::practice_check(file)
            } else if *list {
                cli::practice_list(&folders)
            } else if let Some(dirs) = report {
                if dirs.is_empty() {
                    store().and_then(|s| cli::practice_report(&s, &folders, practice_format()))
                } else {
                    cli::practice_class_report(&folders, dirs, practice_format())
                }
            } else if let Some(grade) = grade {
                match grade.as_slice() {
                    [case, file] => practice_format()
                        .text_or_json("--grade")
                        .and_then(|format| cli::practice_grade(&folders, case, file, format)),
                    _ => Err(cli::CliError::bad_input(vec!["--grade needs a case id and a file".into()])),
                }
            } else {
                let loaded = (store(), physio_intake::content::Content::embedded(), cli::practice_cases(&folders));
                return match loaded {
                    (Ok(store), Ok(content), Ok(cases)) => ExitCode::from(
                        u8::try_from(physio_intake::tui::run_practice(
                            content,
                            store,
                            args.mouse,
                            cases,
                            student.clone(),
                        ))
                        .unwrap_or(1),
                    ),
                    (Err(error), _, _) | (_, _, Err(error)) => {
                        error.lines.iter().for_each(|l| eprintln!("physio-intake: {l}"));
                        ExitCode::from(u8::try_from(error.status).unwrap_or(1))
                    }
                    (_, Err(error), _) => {
                        eprintln!("physio-intake: {error}");
                        ExitCode::from(1)
                    }
                };
            }
        }
        None => {
            // The content loads on its own thread while the store opens and the terminal is set
            // up; the app draws its first frame before it waits for it.
            let loading =
                std::thread::Builder::new().name("content".into()).spawn(physio_intake::content::Content::embedded);
            let content = move || match loading {
                Ok(thread) => thread.join().unwrap_or_else(|_| physio_intake::content::Content::embedded()),
                Err(_) => physio_intake::content::Content::embedded(),
            };
            return match store() {
                Ok(store) => {
                    ExitCode::from(u8::try_from(physio_intake::tui::run(content, store, args.mouse)).unwrap_or(1))
                }
                Err(error) => {
                    error.lines.iter().for_each(|l| eprintln!("physio-intake: {l}"));
                    ExitCode::from(1)
                }
            };
        }
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
