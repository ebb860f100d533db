//! The terminal app: the only code that touches the terminal.
//!
//! - `app`: the state (the screen showing, the dialog over it, what they share) and `update`,
//!   the one place it changes; it returns effects for the runner (`messages`: what goes in
//!   and out).
//! - `screens/`: one room per screen (home, records, practice cases, the wizard), each with its
//!   state, keys, drawing and context. `dialogs/`: one module per dialog.
//! - `view`: the frame around every screen (title, banners, status, footer, too small), and
//!   the first frame (home), drawn before the content has loaded.
//! - `keymap`: the one table of keys; footer, help and every message name keys through it.
//! - `runner`: the event loop; carries out effects with the store. `terminal`: set up and
//!   restore the terminal on every exit path.
//! - `form`, `body_chart`, `scroll`, `width`, `theme`: the pieces the screens are drawn from.

pub mod app;
pub mod body_chart;
pub mod dialogs;
pub mod form;
pub mod keymap;
pub mod messages;
pub mod runner;
pub mod screens;
pub mod scroll;
pub mod terminal;
pub mod theme;
pub mod view;
pub mod width;

use crate::content::{Content, LoadError};
use crate::store::Store;
use app::App;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use runner::{Ending, Runner};

/// Run the app on the real terminal until the clinician quits. Returns the process exit status.
/// `content` gives the clinical content, waiting for it if it is still loading: the first frame
/// is drawn before it is asked for.
pub fn run(content: impl FnOnce() -> Result<&'static Content, &'static LoadError>, store: Store, mouse: bool) -> i32 {
    run_mode(content, store, mouse, None)
}

/// Run the app in practice mode, for students: the cases (built-in and folder cases, loaded by
/// the caller), graded attempts carrying the student's name when given, no patient records.
pub fn run_practice(
    content: &'static Content,
    store: Store,
    mouse: bool,
    cases: &'static crate::practice::Cases,
    student: Option<String>,
) -> i32 {
    run_mode(|| Ok(content), store, mouse, Some((cases, student)))
}

fn run_mode(
    content: impl FnOnce() -> Result<&'static Content, &'static LoadError>,
    store: Store,
    mouse: bool,
    practice: Option<(&'static crate::practice::Cases, Option<String>)>,
) -> i32 {
    let theme = theme::Theme::from_env(std::env::var_os("NO_COLOR"));
    let (sender, wakes) = std::sync::mpsc::channel();
    if let Err(e) = runner::spawn_signal_thread(sender.clone()) {
        eprintln!("physio-intake: cannot watch for signals ({}); not starting, to keep work safe", e.kind());
        return 1;
    }
    terminal::install_panic_hook();
    if let Err(e) = terminal::setup(mouse) {
        terminal::restore();
        eprintln!("physio-intake: this terminal cannot run the app ({})", e.kind());
        return 1;
    }
    let mut term = match Terminal::new(CrosstermBackend::new(std::io::stdout())) {
        Ok(term) => term,
        Err(e) => {
            terminal::restore();
            eprintln!("physio-intake: this terminal cannot run the app ({})", e.kind());
            return 1;
        }
    };
    if practice.is_none() {
        // Home, at once: the content (every rule read and checked) is waited for after it.
        let _ = term.draw(|frame| view::first_frame(theme, frame));
    }
    let content = match content() {
        Ok(content) => content,
        Err(error) => {
            terminal::restore();
            eprintln!("physio-intake: {error}");
            return 1;
        }
    };
    runner::spawn_input_thread(sender.clone());
    runner::spawn_tty_watchdog(sender);
    let now = chrono::Utc::now();
    let today = chrono::Local::now().date_naive();
    let id_source = Box::new(|| crate::store::new_id(chrono::Utc::now()));
    let mut app = App::new(content, now, today, id_source);
    // Offered as the author of an amendment; the clinician can change it.
    app.user = std::env::var("USER").unwrap_or_default();
    if let Some((cases, student)) = practice {
        app.enter_practice(cases, student);
    }
    let mut runner = Runner::new(store);
    // The first frame comes first; the drafts (or a student's progress) are read after it.
    let ending = runner.run(&mut app, theme, &mut term, &wakes);
    // Leave nothing with patient data on the normal screen: the alternate screen is discarded.
    terminal::restore();
    if let Some(warning) = runner.unsaved_warning() {
        eprintln!("physio-intake: {warning}");
    }
    match ending {
        Ending::Quit => 0,
        Ending::Signal(signal) => 128 + signal,
        Ending::TerminalLost => 129,
    }
}
