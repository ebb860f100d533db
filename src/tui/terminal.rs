//! Terminal setup and restore, symmetric (as yazi's term.rs): raw mode, alternate screen,
//! bracketed paste, and mouse capture only if asked. Restore runs on every exit path: normal,
//! error, panic (hook), and signals (the runner).

use ratatui::crossterm::event::{DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture};
use ratatui::crossterm::terminal::{EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode};
use ratatui::crossterm::{cursor, execute};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

static MOUSE: AtomicBool = AtomicBool::new(false);
static ACTIVE: AtomicBool = AtomicBool::new(false);

pub fn setup(mouse: bool) -> std::io::Result<()> {
    MOUSE.store(mouse, Ordering::SeqCst);
    enable_raw_mode()?;
    ACTIVE.store(true, Ordering::SeqCst);
    let mut out = std::io::stdout();
    execute!(out, EnterAlternateScreen, EnableBracketedPaste)?;
    if mouse {
        execute!(out, EnableMouseCapture)?;
    }
    Ok(())
}

/// Undo everything `setup` did. Safe to call twice, and from the panic hook.
pub fn restore() {
    if !ACTIVE.swap(false, Ordering::SeqCst) {
        return;
    }
    let mut out = std::io::stdout();
    if MOUSE.load(Ordering::SeqCst) {
        let _ = execute!(out, DisableMouseCapture);
    }
    let _ = execute!(out, DisableBracketedPaste, LeaveAlternateScreen, cursor::Show);
    let _ = disable_raw_mode();
    let _ = out.flush();
}

/// On a panic: restore the terminal first, then say what happened without the panic's message,
/// which could hold patient data. Drafts already saved stay for recovery at the next start.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        restore();
        let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        eprintln!(
            "physio-intake stopped because of an internal error{place}.\nWork typed up to the last autosave (at most 2 seconds before) is kept and will be offered at the next start."
        );
    }));
}
