//! One dialog for every question answered with buttons: quit with unsaved work (Save, Discard,
//! Cancel), leave a practice attempt (Grade, Discard, Cancel), recover a draft a session left
//! behind (Restore or Take over, View, Discard).

use super::{After, buttons, small_box};
use crate::tui::app::{Effect, Shared};
use crate::tui::keymap::Action;
use crate::tui::screens::Screen;
use crate::tui::screens::wizard::{practice, saving};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Question {
    /// Quit with work not yet in the record.
    Quit,
    /// Leave a practice attempt with answers given.
    LeaveAttempt,
    /// Restore, view or discard the draft of this index in `Shared::drafts`.
    Recover { draft: usize },
}

impl Question {
    /// The buttons, in order (the first is the default).
    fn buttons(&self, shared: &Shared) -> &'static [&'static str] {
        match self {
            Question::Quit => &["Save", "Discard", "Cancel"],
            Question::LeaveAttempt => &["Grade", "Pause", "Discard", "Cancel"],
            Question::Recover { draft } => match shared.drafts.get(*draft).and_then(|d| d.other_host.as_ref()) {
                Some(_) => &["Take over", "View", "Discard"],
                None => &["Restore", "View", "Discard"],
            },
        }
    }
}

pub fn on_key(
    question: &mut Question,
    button: &mut usize,
    screen: &mut Screen,
    shared: &mut Shared,
    action: Option<Action>,
) -> (After, Vec<Effect>) {
    let count = question.buttons(shared).len();
    match action {
        Some(Action::Back) => return (After::Close, Vec::new()),
        Some(Action::Right) => *button = (*button + 1) % count,
        Some(Action::Left) => *button = (*button + count - 1) % count,
        Some(direction @ (Action::Up | Action::Down)) => {
            if let Question::Recover { draft } = question {
                let count = shared.drafts.len().max(1);
                *draft = if direction == Action::Down { (*draft + 1) % count } else { (*draft + count - 1) % count };
            }
        }
        Some(Action::Confirm) => return (After::Close, confirm(question, *button, screen, shared)),
        _ => {}
    }
    (After::Stay, Vec::new())
}

fn confirm(question: &Question, button: usize, screen: &mut Screen, shared: &mut Shared) -> Vec<Effect> {
    match (question, screen) {
        (Question::LeaveAttempt, Screen::Wizard(session)) => match button {
            0 => practice::grade_attempt(session, shared),
            1 => practice::pause_attempt(session, shared),
            2 => practice::leave_attempt(session, shared),
            _ => Vec::new(),
        },
        (Question::Quit, Screen::Wizard(session)) => match button {
            0 => {
                shared.quit_after_save = true;
                let effects = saving::record_effect(session, shared, false);
                if effects.is_empty() {
                    shared.quit_after_save = false;
                }
                effects
            }
            1 => {
                shared.quitting = true;
                vec![Effect::DiscardDraft(session.draft_id.clone()), Effect::Quit]
            }
            _ => Vec::new(),
        },
        (Question::Quit, _) if button == 1 => {
            shared.quitting = true;
            vec![Effect::Quit]
        }
        (Question::Recover { draft }, _) => {
            let Some(summary) = shared.drafts.get(*draft).cloned() else { return Vec::new() };
            match button {
                0 | 1 => vec![Effect::OpenDraft(summary.id, button == 1)],
                _ => {
                    shared.drafts.remove(*draft);
                    if !shared.drafts.is_empty() {
                        shared.dialog =
                            Some(super::Dialog::Ask { question: Question::Recover { draft: 0 }, button: 0 });
                    }
                    vec![Effect::DiscardDraft(summary.id)]
                }
            }
        }
        _ => Vec::new(),
    }
}

pub fn draw(
    question: &Question,
    button: usize,
    screen: &Screen,
    shared: &Shared,
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
) {
    match question {
        Question::LeaveAttempt => {
            let lines = vec![
                Line::raw("Leave this practice attempt?"),
                Line::raw("Grade it now (saved with its score), pause it (resume it from the"),
                Line::raw("case list), discard it, or go back?"),
                Line::raw(""),
                buttons(theme, question.buttons(shared), button),
            ];
            small_box(theme, frame, area, " Leave the attempt ", lines);
        }
        Question::Quit => {
            let saved_before = matches!(screen, Screen::Wizard(session) if session.record.is_some());
            let lines = vec![
                Line::raw(if saved_before {
                    "The changes since the last save are not in the record yet."
                } else {
                    "This intake is not saved as a record yet."
                }),
                Line::raw("Save it, discard the changes, or go back?"),
                Line::raw(""),
                buttons(theme, question.buttons(shared), button),
            ];
            small_box(theme, frame, area, " Quit ", lines);
        }
        Question::Recover { draft } => recover(*draft, button, shared, theme, frame, area),
    }
}

fn recover(draft: usize, button: usize, shared: &Shared, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(summary) = shared.drafts.get(draft) else { return };
    let patient = summary.patient.as_deref().filter(|p| !p.trim().is_empty()).unwrap_or("no name yet");
    let of = if shared.drafts.len() > 1 {
        format!("  ({} of {}, ↑↓)", draft + 1, shared.drafts.len())
    } else {
        String::new()
    };
    let lines = match &summary.other_host {
        None => vec![
            Line::raw("Unsaved work was found from a session that did not end normally:"),
            Line::styled(
                format!("  {patient} — last edit {}{of}", summary.saved_at.format("%Y-%m-%d %H:%M:%S UTC")),
                theme.heading(),
            ),
            Line::raw("It holds what was typed up to 2 seconds before that session ended."),
            Line::raw("Nothing is discarded unless you choose to."),
            Line::raw(""),
            buttons(theme, Question::Recover { draft }.buttons(shared), button),
        ],
        Some(host) => {
            let age = (shared.now - summary.saved_at).num_minutes();
            let age = if age < 1 { "under a minute".to_owned() } else { format!("{age} min") };
            vec![
                Line::raw(format!("Unsaved work from another computer, {host}:")),
                Line::styled(format!("  {patient} — saved {age} ago by that computer's clock{of}"), theme.heading()),
                Line::raw("It may still be open there. View opens it read-only;"),
                Line::raw("Take over moves it to this computer (the other one stops saving it)."),
                Line::raw(""),
                buttons(theme, Question::Recover { draft }.buttons(shared), button),
            ]
        }
    };
    small_box(theme, frame, area, " Recover unsaved work ", lines);
}
