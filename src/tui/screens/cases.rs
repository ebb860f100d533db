//! Practice: the cases by level, with the student's best score and attempts; Enter starts one.

use super::Screen;
use super::wizard::{PracticeAttempt, Session};
use crate::store::StoreError;
use crate::store::practice::Unfinished;
use crate::tui::app::{Effect, Shared};
use crate::tui::form::Form;
use crate::tui::keymap::{Action, Context, key_for};
use crate::tui::theme::Theme;
use crate::tui::width::pad;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{List, ListItem, ListState, Paragraph, Scrollbar, ScrollbarOrientation, ScrollbarState};

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CaseList {
    pub cursor: usize,
}

impl CaseList {
    pub fn on_key(&mut self, shared: &mut Shared, action: Option<Action>) -> Vec<Effect> {
        let Some(practice) = shared.practice.as_ref() else { return Vec::new() };
        let cases = practice.cases;
        match action {
            Some(Action::Up) => self.cursor = self.cursor.saturating_sub(1),
            Some(Action::Down) => self.cursor = (self.cursor + 1).min(cases.cases.len().saturating_sub(1)),
            Some(Action::Confirm) => {
                let Some(case) = cases.cases.get(self.cursor) else { return Vec::new() };
                let visit = case.visit_date().unwrap_or(shared.today);
                let grade = key_for(Action::Complete, Context::Attempt);
                // A paused attempt on this case is taken up where it was left.
                if let Some(paused) = practice.unfinished.iter().rev().find(|u| u.case == case.id).cloned() {
                    let session = resume(shared, &paused, self.cursor, visit);
                    let hints = paused.hints_used;
                    shared.tell(format!(
                        "Resumed where you left it ({hints} hint(s) so far, still counted) · {grade}: grade"
                    ));
                    shared.go_to = Some(Screen::Wizard(Box::new(session)));
                    return Vec::new();
                }
                let Some(id) = shared.next_id() else { return Vec::new() };
                let mut session = Session::new(Form::new(shared.content, visit), id, None);
                session.attempt = Some(PracticeAttempt {
                    case: self.cursor,
                    hints: 0,
                    showing_flags: false,
                    started_at: shared.now,
                    resumed: false,
                });
                shared.go_to = Some(Screen::Wizard(Box::new(session)));
                let hint = key_for(Action::Hint, Context::Attempt);
                shared.tell(format!(
                    "Read the story on the right, then take the history. {hint}: hint (shows the flags) · {grade}: grade"
                ));
            }
            _ => {}
        }
        Vec::new()
    }

    pub fn draw(&self, shared: &Shared, theme: Theme, frame: &mut Frame, area: Rect) {
        let Some(practice) = &shared.practice else { return };
        let grade = key_for(Action::Complete, Context::Attempt);
        let intro = format!(" Choose a case, read the story, take the history, find every flag; {grade} grades.");
        frame.render_widget(Paragraph::new(Line::styled(intro, theme.muted())), Rect { height: 1, ..area });
        let list_area = Rect { y: area.y + 2, height: area.height.saturating_sub(2), ..area };
        // The levels' headings are rows of the list too; the selected row is the case's.
        let mut lines: Vec<ListItem> = Vec::new();
        let mut cursor_row = 0;
        let mut level = None;
        for (i, case) in practice.cases.cases.iter().enumerate() {
            if level != Some(case.level) {
                level = Some(case.level);
                lines.push(ListItem::new(Line::styled(
                    format!(" {}", case.level.code().to_uppercase()),
                    theme.heading(),
                )));
            }
            let progress = practice.progress.iter().find(|p| p.case == case.id);
            let score = match progress {
                Some(p) if p.attempts > 0 => format!(
                    "best {:>3} · {} attempt{}{}",
                    p.best_score.unwrap_or(0),
                    p.attempts,
                    if p.attempts == 1 { "" } else { "s" },
                    if p.passed { " · passed" } else { "" }
                ),
                _ => "not tried".to_owned(),
            };
            // A paused attempt is said first (it is what Enter takes up), in the same room.
            let score = match progress {
                _ if !practice.unfinished.iter().any(|u| u.case == case.id) => score,
                Some(p) if p.attempts > 0 => format!("paused · best {}", p.best_score.unwrap_or(0)),
                _ => "paused".to_owned(),
            };
            let focused = i == self.cursor;
            if focused {
                cursor_row = lines.len();
            }
            let marker = if focused { "›" } else { " " };
            let width = (area.width as usize).saturating_sub(38).max(10);
            let text = format!(" {marker} {}  {score}", pad(&case.title, width));
            lines.push(ListItem::new(Line::styled(text, theme.base())));
        }
        let total = lines.len();
        let list = List::new(lines).highlight_style(theme.focus()).scroll_padding(1);
        let mut state = ListState::default().with_selected(Some(cursor_row));
        frame.render_stateful_widget(list, list_area, &mut state);
        if total > list_area.height as usize {
            let mut bar = ScrollbarState::new(total).position(cursor_row);
            frame.render_stateful_widget(Scrollbar::new(ScrollbarOrientation::VerticalRight), list_area, &mut bar);
        }
    }
}

/// The session of a paused attempt: its answers as typed, its section, its hints.
fn resume(shared: &Shared, paused: &Unfinished, case: usize, visit: chrono::NaiveDate) -> Session {
    let content = shared.content;
    let mut form = Form::from_answers(content, &paused.answers, visit);
    if let Some(section) = &paused.section {
        form.section = content.questionnaire.sections.iter().position(|s| &s.id == section).unwrap_or(0);
    }
    let mut session = Session::new(form, paused.id.clone(), None);
    session.attempt = Some(PracticeAttempt {
        case,
        hints: paused.hints_used,
        showing_flags: false,
        started_at: paused.started_at,
        resumed: true,
    });
    session
}

/// The unfinished attempts were read (at start, or after one was saved or thrown away). At start,
/// one left by a closed window or a crash is offered back: the cursor goes to its case.
pub fn unfinished_found(screen: &mut Screen, shared: &mut Shared, found: Result<Vec<Unfinished>, StoreError>) {
    let Some(practice) = shared.practice.as_mut() else { return };
    let found = match found {
        Ok(found) => found,
        Err(why) => {
            shared.warn(format!("The attempt in progress was not saved: {}", why.reason()));
            return;
        }
    };
    let first_time = !std::mem::replace(&mut practice.offered, true);
    practice.unfinished = found;
    if let (Screen::Practice(list), true) = (screen, first_time)
        && let Some(paused) = practice.unfinished.last()
        && let Some(index) = practice.cases.cases.iter().position(|c| c.id == paused.case)
    {
        list.cursor = index;
        let title = practice.cases.cases[index].title.clone();
        let enter = key_for(Action::Confirm, Context::Practice);
        shared.tell(format!("Unfinished: {title} · {enter} resumes it where it was left"));
    }
}
