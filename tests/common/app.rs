//! The app without a terminal, for the tests of `update` and the screens: the built-in content
//! at a fixed time, the keys a clinician presses, a session on given answers, and the screen as
//! text at a size. Included with `#[path]` (the runner on a real store is `common/clinic.rs`).

#![allow(dead_code)] // each test file uses the part it needs

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use physio_intake::content::Content;
use physio_intake::store::StoreError;
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

pub fn nine_o_clock() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).single().expect("a time")
}

/// Ids `{prefix}00000000000000000001`, `…02`, … in order (26 characters for a 6-letter prefix).
pub fn ids(prefix: &'static str) -> Box<dyn FnMut() -> Result<String, StoreError>> {
    let mut n = 0u32;
    Box::new(move || {
        n += 1;
        Ok(format!("{prefix}{n:020}"))
    })
}

/// The app as it starts: on Home, at 09:00 on 2026-11-22, nothing open.
pub fn home() -> App {
    App::new(content(), nine_o_clock(), today(), ids("01TEST"))
}

/// The app in the wizard on these answers (as a draft or a record gives them), on `visit`.
pub fn wizard_with(answers: &Map<String, Value>, visit: NaiveDate) -> App {
    let mut app = home();
    let form = Form::from_answers(content(), answers, visit);
    let mut session = Session::new(form, "01TESTDRAFT000000000000001".into(), None);
    session.refresh_view(content());
    app.screen = Screen::Wizard(Box::new(session));
    app
}

pub fn key(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    update(app, Msg::Key(KeyEvent::new(code, modifiers)))
}

pub fn press(app: &mut App, code: KeyCode) -> Vec<Effect> {
    key(app, code, KeyModifiers::NONE)
}

pub fn ctrl(app: &mut App, c: char) -> Vec<Effect> {
    key(app, KeyCode::Char(c), KeyModifiers::CONTROL)
}

/// Type as a keyboard does: capitals come with Shift.
pub fn type_text(app: &mut App, text: &str) -> Vec<Effect> {
    let mut effects = Vec::new();
    for c in text.chars() {
        let modifiers = if c.is_ascii_uppercase() { KeyModifiers::SHIFT } else { KeyModifiers::NONE };
        effects.extend(key(app, KeyCode::Char(c), modifiers));
    }
    effects
}

pub fn session(app: &App) -> &Session {
    app.session().expect("an open intake")
}

/// The id of the focused question.
pub fn focused(app: &App) -> String {
    let id = session(app).form.focused_item(content()).expect("a focused question");
    content().questionnaire.item(id).id.clone()
}

/// Focus a question by id, moving through the sections with PgDn/PgUp as a clinician would.
pub fn focus(app: &mut App, item: &str) {
    let id = content().questionnaire.id(item).unwrap_or_else(|| panic!("no item {item}"));
    let section = &content().questionnaire.section_of(id).id;
    let target = content().questionnaire.sections.iter().position(|s| &s.id == section).expect("its section");
    while session(app).form.section < target {
        press(app, KeyCode::PageDown);
    }
    while session(app).form.section > target {
        press(app, KeyCode::PageUp);
    }
    let at = session(app).form.visible_items(content()).iter().position(|i| *i == id);
    let at = at.unwrap_or_else(|| panic!("{item} is not shown"));
    app.session_mut().expect("an open intake").form.focus = at;
    assert_eq!(focused(app), item);
}

/// The frame drawn at a size, and where the cursor was put.
pub fn render(app: &App, width: u16, height: u16) -> (Buffer, Option<(u16, u16)>) {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap_or_else(|e| match e {});
    terminal.draw(|frame| view(app, Theme { colour: true }, frame)).unwrap_or_else(|e| match e {});
    let position = terminal.get_cursor_position().ok().map(|p| (p.x, p.y));
    (terminal.backend().buffer().clone(), position)
}

/// The screen as text: every row in full, each ending in a newline.
pub fn screen_text(app: &App, width: u16, height: u16) -> String {
    let (buffer, _) = render(app, width, height);
    let mut text = String::new();
    for y in 0..buffer.area.height {
        for x in 0..buffer.area.width {
            text.push_str(buffer[(x, y)].symbol());
        }
        text.push('\n');
    }
    text
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

/// Columns `from..to` of every row as one text with single spaces: what a person reads in that
/// part of the screen, whatever the wrapping.
pub fn read_columns(buffer: &Buffer, from: u16, to: u16) -> String {
    let mut words = Vec::new();
    for y in 0..buffer.area.height {
        let row: String = (from..to.min(buffer.area.width)).map(|x| buffer[(x, y)].symbol().to_owned()).collect();
        words.extend(row.split_whitespace().map(str::to_owned));
    }
    words.join(" ")
}
