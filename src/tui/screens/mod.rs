//! One room per screen: each module holds its screen's state, its keys (returning effects), its
//! drawing and the context its hints come from. Only one screen exists at a time, so states that
//! cannot be valid together (an open intake on the records list) cannot be built.

pub mod cases;
pub mod home;
pub mod records;
pub mod wizard;

use super::app::Shared;
use super::keymap::Context;
use super::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;

pub enum Screen {
    /// New intake, drafts to resume, records, quit.
    Home(home::Home),
    /// The saved records, filtered as you type.
    Records(records::Records),
    /// Practice mode: choosing a case (the students' home).
    Practice(cases::CaseList),
    /// An intake (or a practice attempt) being filled in or read.
    Wizard(Box<wizard::Session>),
}

impl Screen {
    /// Where the keyboard is on this screen, for the keymap and the footer.
    pub fn context(&self, shared: &Shared) -> Context {
        match self {
            Screen::Home(_) => Context::Home,
            Screen::Records(_) => Context::Records,
            Screen::Practice(_) => Context::Practice,
            Screen::Wizard(session) => session.context(shared.content),
        }
    }

    /// The title line's words after the app's name, in at most `columns`.
    pub fn title(&self, shared: &Shared, columns: usize) -> String {
        match self {
            Screen::Home(_) => home::TITLE.into(),
            Screen::Records(_) => "Records".into(),
            Screen::Practice(_) => "Practice cases".into(),
            Screen::Wizard(session) => session.title(shared, columns),
        }
    }

    pub fn draw(&self, shared: &Shared, theme: Theme, frame: &mut Frame, area: Rect) {
        match self {
            Screen::Home(home) => home.draw(&shared.drafts, theme, frame, area),
            Screen::Records(records) => records.draw(theme, frame, area),
            Screen::Practice(cases) => cases.draw(shared, theme, frame, area),
            Screen::Wizard(session) => wizard::draw::draw(session, shared, theme, frame, area),
        }
    }
}

impl std::fmt::Debug for Screen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Screen::Home(_) => "Home",
            Screen::Records(_) => "Records",
            Screen::Practice(_) => "Practice",
            Screen::Wizard(_) => "Wizard",
        })
    }
}
