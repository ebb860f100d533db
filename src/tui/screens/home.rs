//! Home: a new intake, the drafts to resume, the records, quit.

use super::Screen;
use super::records::Records;
use super::wizard::Session;
use crate::store::drafts::DraftSummary;
use crate::tui::app::{Effect, Shared};
use crate::tui::form::Form;
use crate::tui::keymap::Action;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{List, ListItem, ListState};

/// The title line's words for this screen.
pub const TITLE: &str = "Home";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Home {
    pub cursor: usize,
}

/// The entries of the home screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HomeEntry {
    NewIntake,
    Draft(usize),
    Records,
    Quit,
}

pub fn entries(drafts: &[DraftSummary]) -> Vec<HomeEntry> {
    let mut entries = vec![HomeEntry::NewIntake];
    entries.extend((0..drafts.len()).map(HomeEntry::Draft));
    entries.push(HomeEntry::Records);
    entries.push(HomeEntry::Quit);
    entries
}

impl Home {
    pub fn on_key(&mut self, shared: &mut Shared, action: Option<Action>) -> Vec<Effect> {
        let entries = entries(&shared.drafts);
        match action {
            Some(Action::Up) => self.cursor = self.cursor.saturating_sub(1),
            Some(Action::Down) => self.cursor = (self.cursor + 1).min(entries.len() - 1),
            Some(Action::Confirm) => match entries.get(self.cursor) {
                Some(HomeEntry::NewIntake) => {
                    let Some(id) = shared.next_id() else { return Vec::new() };
                    let form = Form::new(shared.content, shared.today);
                    shared.go_to = Some(Screen::Wizard(Box::new(Session::new(form, id, None))));
                }
                Some(HomeEntry::Draft(i)) => {
                    if let Some(draft) = shared.drafts.get(*i) {
                        // Another computer's draft opens read-only: taking it over is the
                        // recovery dialog's explicit choice.
                        return vec![Effect::OpenDraft(draft.id.clone(), draft.other_host.is_some())];
                    }
                }
                Some(HomeEntry::Records) => {
                    shared.go_to = Some(Screen::Records(Records::loading()));
                    return vec![Effect::ListRecords];
                }
                Some(HomeEntry::Quit) => {
                    shared.quitting = true;
                    return vec![Effect::Quit];
                }
                None => {}
            },
            _ => {}
        }
        Vec::new()
    }

    /// Drawn from the drafts alone (no content): the first frame comes before the content loads.
    pub fn draw(&self, drafts: &[DraftSummary], theme: Theme, frame: &mut Frame, area: Rect) {
        let heading = vec![
            Line::raw(""),
            Line::styled("  Intake, safety screen and care plan", theme.heading()),
            Line::styled("  for physiotherapy and massage", theme.muted()),
            Line::raw(""),
        ];
        let top = heading.len() as u16;
        frame.render_widget(ratatui::widgets::Paragraph::new(heading), Rect { height: top.min(area.height), ..area });
        let items: Vec<ListItem> = entries(drafts)
            .iter()
            .map(|entry| {
                let text = match entry {
                    HomeEntry::NewIntake => "New intake".to_owned(),
                    HomeEntry::Draft(i) => drafts.get(*i).map_or_else(String::new, |d| {
                        let patient = d.patient.as_deref().filter(|p| !p.trim().is_empty()).unwrap_or("no name yet");
                        match &d.other_host {
                            None => format!(
                                "Resume draft: {patient} (last edit {} UTC)",
                                d.saved_at.format("%Y-%m-%d %H:%M")
                            ),
                            Some(host) => format!("View draft from {host}: {patient} (read-only)"),
                        }
                    }),
                    HomeEntry::Records => "Records".to_owned(),
                    HomeEntry::Quit => "Quit".to_owned(),
                };
                ListItem::new(Line::from(Span::raw(text)))
            })
            .collect();
        let list = List::new(items).style(theme.base()).highlight_style(theme.focus()).highlight_symbol("  › ");
        let mut state = ListState::default().with_selected(Some(self.cursor));
        let list_area = Rect { y: area.y + top.min(area.height), height: area.height.saturating_sub(top), ..area };
        frame.render_stateful_widget(list, list_area, &mut state);
    }
}
