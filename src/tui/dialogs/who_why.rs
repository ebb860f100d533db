//! Who and why, both required: the amendment of a completed record, and the override of a
//! verdict. Enter moves to the second field, then confirms; the arrows switch fields.

use super::{After, edit_line, field_line, paste_line, small_box};
use crate::tui::app::{Effect, Shared};
use crate::tui::keymap::{Action, Context, key_for};
use crate::tui::screens::Screen;
use crate::tui::screens::wizard::attest;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::Line;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WhoWhy {
    pub by: String,
    pub why: String,
    /// 0: who, 1: why.
    pub field: usize,
    pub problem: Option<String>,
}

impl WhoWhy {
    pub fn new(by: String, why: String) -> WhoWhy {
        WhoWhy { by, why, field: 0, problem: None }
    }

    pub fn paste(&mut self, text: &str) {
        paste_line(if self.field == 0 { &mut self.by } else { &mut self.why }, text);
    }

    /// A key in either dialog; `Some((who, why))` once both are given and confirmed.
    fn on_key(&mut self, action: Option<Action>, key: KeyEvent, needed: &str) -> Result<Option<(String, String)>, ()> {
        match action {
            Some(Action::Back) => return Err(()),
            Some(Action::Left | Action::Right | Action::Up | Action::Down) => self.field = 1 - self.field,
            Some(Action::Confirm) if self.field == 0 => self.field = 1,
            Some(Action::Confirm) => {
                let (who, why) = (self.by.trim().to_owned(), self.why.trim().to_owned());
                if who.is_empty() || why.is_empty() {
                    self.problem = Some(needed.to_owned());
                    return Ok(None);
                }
                return Ok(Some((who, why)));
            }
            _ => edit_line(if self.field == 0 { &mut self.by } else { &mut self.why }, key),
        }
        Ok(None)
    }

    fn lines(&self, theme: Theme, intro: [String; 2], hint: &str) -> Vec<Line<'static>> {
        let [first, second] = intro;
        let mut lines = vec![
            Line::raw(first),
            Line::raw(second),
            Line::raw(""),
            field_line(theme, "Who", &self.by, self.field == 0),
            field_line(theme, "Why", &self.why, self.field == 1),
            Line::raw(""),
        ];
        match &self.problem {
            Some(problem) => lines.push(Line::styled(problem.clone(), theme.error())),
            None => lines.push(Line::styled(hint.to_owned(), theme.muted())),
        }
        lines
    }
}

pub fn on_amend_key(
    fields: &mut WhoWhy,
    screen: &mut Screen,
    action: Option<Action>,
    key: KeyEvent,
) -> (After, Vec<Effect>) {
    match fields.on_key(action, key, "Both are needed: they are kept with the record as its audit trail.") {
        Err(()) => (After::Close, Vec::new()),
        Ok(None) => (After::Stay, Vec::new()),
        Ok(Some(amendment)) => {
            let Screen::Wizard(session) = screen else { return (After::Close, Vec::new()) };
            let Some(record) = &session.record else { return (After::Close, Vec::new()) };
            let id = record.id.clone();
            session.amendment = Some(amendment);
            (After::Close, vec![Effect::BeginAmend(id)])
        }
    }
}

pub fn on_override_key(
    fields: &mut WhoWhy,
    screen: &mut Screen,
    shared: &mut Shared,
    action: Option<Action>,
    key: KeyEvent,
) -> After {
    match fields.on_key(action, key, "Both are needed: they are kept with the record.") {
        Err(()) => After::Close,
        Ok(None) => After::Stay,
        Ok(Some((by, why))) => {
            if let Screen::Wizard(session) = screen {
                attest::keep_override(session, shared, by, why);
            }
            After::Close
        }
    }
}

/// How to fill the two fields, with the dialog's keys.
fn hint(confirm: &str) -> String {
    let (enter, esc) = (key_for(Action::Confirm, Context::Dialog), key_for(Action::Back, Context::Dialog));
    format!("{enter}: next, then {confirm} · ↑↓ switch · {esc} cancel")
}

pub fn draw_amend(fields: &WhoWhy, screen: &Screen, theme: Theme, frame: &mut Frame, area: Rect) {
    let revision = match screen {
        Screen::Wizard(session) => session.record.as_ref().map_or(0, |r| r.revision),
        _ => 0,
    };
    let intro = [
        format!("Revision {revision} stays as it is; your changes become revision {}.", revision + 1),
        "Who amends it, and why, are kept with the record.".to_owned(),
    ];
    let lines = fields.lines(theme, intro, &hint("amend"));
    small_box(theme, frame, area, " Amend a completed record ", lines);
}

pub fn draw_override(fields: &WhoWhy, screen: &Screen, theme: Theme, frame: &mut Frame, area: Rect) {
    let against = match screen {
        Screen::Wizard(session) => {
            let verdict = session.form.assessment.verdict;
            let referral = verdict.referral_code();
            let refer = if referral == "none" { String::new() } else { format!(" + refer {referral}") };
            format!("{}{refer}", verdict.massage_code().to_uppercase())
        }
        _ => String::new(),
    };
    let intro = [
        format!("The decision goes against the verdict ({against})."),
        "Who decides, and why in their words, are kept with the record.".to_owned(),
    ];
    let lines = fields.lines(theme, intro, &hint("keep"));
    small_box(theme, frame, area, " Override the verdict ", lines);
}
