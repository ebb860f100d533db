//! The app without a terminal, for the tests of `update` and the screens: an app on the built-in
//! content at a fixed time, keys, a session on given answers, and the screen as text at a size.
//! Included with `#[path]`; the runner-driven harness (a real store) is `Clinic` in each file.

#![allow(dead_code)] // each test file uses the part it needs

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use physio_intake::content::Content;
use physio_intake::tui::app::{App, Effect, Msg, Screen, Session, update};
use physio_intake::tui::form::Form;
use physio_intake::tui::theme::Theme;
use physio_intake::tui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Map, Value};

pub fn content() -> &'static Content {
    Content::embedded().unwrap_or_else(|e| panic!("{e}"))
}

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).expect("a date")
}

pub fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).single().expect("a time")
}

/// The app on Home, at 09:00 on 2026-11-22, with ids that never change.
pub fn app() -> App {
    App::new(content(), now(), today(), Box::new(|| "01TESTRECORD00000000000000".to_owned()))
}

/// The app in the wizard on these answers (as a draft or record would give them).
pub fn wizard_with(answers: &Map<String, Value>, visit: NaiveDate) -> App {
    let mut app = app();
    let form = Form::from_answers(content(), answers, visit);
    let mut session = Session::new(form, "01TESTDRAFT000000000000001".into(), None);
    session.refresh_view(content());
    app.screen = Screen::Wizard(Box::new(session));
    app
}

/// Move the wizard's focus onto an item (its section, then the item).
pub fn focus(app: &mut App, item: &str) {
    let q = &content().questionnaire;
    let id = q.id(item).unwrap_or_else(|| panic!("no item {item}"));
    let section = q.sections.iter().position(|s| s.items.contains(&id)).expect("a section");
    let session = app.session_mut().expect("an open intake");
    session.form.section = section;
    session.form.focus = session.form.visible_items(content()).iter().position(|i| *i == id).expect("shown");
}

pub fn key(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    update(app, Msg::Key(KeyEvent::new(code, modifiers)))
}

pub fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    key(app, code, KeyModifiers::NONE)
}

pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        press(app, KeyCode::Char(c));
    }
}

/// The frame drawn at a size, with the cursor position if the frame set one.
pub fn render(app: &App, width: u16, height: u16) -> (Buffer, Option<(u16, u16)>) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap_or_else(|e| match e {});
    terminal.draw(|frame| view(app, Theme { colour: true }, frame)).unwrap_or_else(|e| match e {});
    let position = terminal.get_cursor_position().ok().map(|p| (p.x, p.y));
    let shown = terminal.backend().buffer().clone();
    (shown, position)
}

/// The screen as text, one line per row (trailing spaces kept off).
pub fn screen_text(app: &App, width: u16, height: u16) -> String {
    rows(&render(app, width, height).0).join("\n")
}

/// Each row of a buffer as a string, trailing spaces trimmed.
pub fn rows(buffer: &Buffer) -> Vec<String> {
    (0..buffer.area.height)
        .map(|y| {
            let row: String = (0..buffer.area.width).map(|x| buffer[(x, y)].symbol().to_owned()).collect();
            row.trim_end().to_owned()
        })
        .collect()
}

/// Columns `from..to` of every row, trimmed, as one text with single spaces: what a person reads
/// in that part of the screen, whatever the wrapping.
pub fn read_columns(buffer: &Buffer, from: u16, to: u16) -> String {
    let mut words = Vec::new();
    for y in 0..buffer.area.height {
        let row: String = (from..to.min(buffer.area.width)).map(|x| buffer[(x, y)].symbol().to_owned()).collect();
        words.extend(row.split_whitespace().map(str::to_owned));
    }
    words.join(" ")
}
