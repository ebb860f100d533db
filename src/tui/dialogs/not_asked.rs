//! Why a screening question was not asked: one reason of [`NotAskedReason::ALL`], and words
//! (needed for "other").

use super::{After, edit_line, paste_line, small_box};
use crate::gate::{NotAsked, NotAskedReason};
use crate::tui::app::Shared;
use crate::tui::keymap::{Action, Context, key_for};
use crate::tui::screens::Screen;
use crate::tui::screens::wizard::attest;
use crate::tui::theme::Theme;
use crate::tui::width::fit;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAskedDialog {
    pub item: String,
    pub reason: usize,
    pub text: String,
    pub problem: Option<String>,
}

impl NotAskedDialog {
    pub fn new(item: String) -> NotAskedDialog {
        NotAskedDialog { item, reason: 0, text: String::new(), problem: None }
    }

    pub fn paste(&mut self, text: &str) {
        paste_line(&mut self.text, text);
    }

    pub fn on_key(&mut self, screen: &mut Screen, shared: &mut Shared, action: Option<Action>, key: KeyEvent) -> After {
        let count = NotAskedReason::ALL.len();
        match action {
            Some(Action::Back) => return After::Close,
            Some(Action::Up) => self.reason = (self.reason + count - 1) % count,
            Some(Action::Down) => self.reason = (self.reason + 1) % count,
            Some(Action::Confirm) => {
                let chosen = NotAskedReason::ALL[self.reason.min(count - 1)];
                let words = self.text.trim().to_owned();
                let mark = NotAsked { reason: chosen, text: (!words.is_empty()).then_some(words) };
                if !mark.is_complete() {
                    self.problem = Some("\"Other\" needs a few words: why was it not asked?".into());
                    return After::Stay;
                }
                if let Screen::Wizard(session) = screen {
                    attest::keep_not_asked(session, shared, self.item.clone(), mark);
                }
                return After::Close;
            }
            _ => edit_line(&mut self.text, key),
        }
        After::Stay
    }

    pub fn draw(&self, shared: &Shared, theme: Theme, frame: &mut Frame, area: Rect) {
        let questionnaire = &shared.content.questionnaire;
        let label = questionnaire.id(&self.item).map_or(self.item.as_str(), |id| questionnaire.item(id).label.as_str());
        let mut lines = vec![Line::styled(fit(label, 68), theme.heading()), Line::raw("Why was it not asked?")];
        for (i, choice) in NotAskedReason::ALL.iter().enumerate() {
            let focused = i == self.reason;
            let marker = if focused { "› (•) " } else { "  ( ) " };
            lines.push(Line::styled(
                format!("{marker}{}", choice.words()),
                if focused { theme.focus() } else { theme.base() },
            ));
        }
        lines.push(Line::from(vec![Span::styled("Words: ", theme.muted()), Span::raw(format!("{}▏", self.text))]));
        lines.push(Line::raw(""));
        match &self.problem {
            Some(problem) => lines.push(Line::styled(problem.clone(), theme.error())),
            None => {
                let (enter, esc) = (key_for(Action::Confirm, Context::Dialog), key_for(Action::Back, Context::Dialog));
                let hint = format!("↑↓ reason · type words (needed for other) · {enter} keep · {esc} cancel");
                lines.push(Line::styled(hint, theme.muted()));
            }
        }
        small_box(theme, frame, area, " Not asked ", lines);
    }
}
