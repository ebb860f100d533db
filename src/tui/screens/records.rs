//! The records browser: every saved record, newest visit first, filtered as you type (every word
//! must appear in patient, date, status or verdict). Enter opens one, F3 shows it.

use super::Screen;
use super::home::Home;
use crate::report::ReferralVerdict;
use crate::store::index::ListEntry;
use crate::store::search::RecordFilter;
use crate::tui::app::{Effect, Shared};
use crate::tui::keymap::{Action, Context, key_for};
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{
    Block, Borders, Paragraph, Row, Scrollbar, ScrollbarOrientation, ScrollbarState, Table, TableState,
};

#[derive(Debug, Clone, Default)]
pub struct Records {
    pub entries: Vec<ListEntry>,
    /// Index into the filtered records.
    pub cursor: usize,
    /// Typed in the browser: every word must appear in patient, date, status or verdict.
    pub filter: String,
    /// The records the filter lets through, as indexes into `entries` (kept up to date with
    /// the filter, never recomputed per frame).
    pub shown: Vec<usize>,
    /// The list is being read: the screen says so instead of "no records".
    pub loading: bool,
    /// Each entry's lowercased text, built once per loaded list; a key that narrows the filter
    /// searches only what the previous filter matched (under a frame at 100,000 records).
    search: RecordFilter,
}

impl Records {
    pub fn new(entries: Vec<ListEntry>) -> Records {
        let search = RecordFilter::new(&entries);
        let mut records = Records { entries, search, ..Records::default() };
        records.refilter();
        records
    }

    /// The screen shown while the list is read.
    pub fn loading() -> Records {
        Records { loading: true, ..Records::default() }
    }

    /// The selected record, if any.
    pub fn selected(&self) -> Option<&ListEntry> {
        self.shown.get(self.cursor).and_then(|&i| self.entries.get(i))
    }

    /// Filter by these words (as if typed).
    pub fn set_filter(&mut self, words: &str) {
        self.filter = words.to_owned();
        self.refilter();
    }

    fn refilter(&mut self) {
        self.shown = self.search.matching_from(&self.filter);
        self.cursor = 0;
    }

    pub fn on_key(&mut self, shared: &mut Shared, action: Option<Action>, key: KeyEvent) -> Vec<Effect> {
        let selected = self.selected().map(|r| r.id.clone());
        match action {
            Some(Action::Up) => self.cursor = self.cursor.saturating_sub(1),
            Some(Action::Down) => self.cursor = (self.cursor + 1).min(self.shown.len().saturating_sub(1)),
            Some(Action::Confirm) => return selected.map(Effect::OpenRecord).into_iter().collect(),
            Some(Action::Summary) => return selected.map(Effect::ShowRecord).into_iter().collect(),
            Some(Action::Clear) => {
                self.filter.pop();
                self.refilter();
            }
            // Esc clears the filter first, then goes back.
            Some(Action::Back) if !self.filter.is_empty() => {
                self.filter.clear();
                self.refilter();
            }
            Some(Action::Back) => shared.go_to = Some(Screen::Home(Home::default())),
            None => {
                if let KeyCode::Char(c) = key.code
                    && !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
                {
                    self.filter.push(c);
                    self.refilter();
                }
            }
            _ => {}
        }
        Vec::new()
    }

    /// Pasted text goes into the filter, on one line.
    pub fn on_paste(&mut self, text: &str) -> Vec<Effect> {
        self.filter.extend(text.chars().map(|c| if c.is_control() { ' ' } else { c }).take(200));
        self.refilter();
        Vec::new()
    }

    pub fn draw(&self, theme: Theme, frame: &mut Frame, area: Rect) {
        let title = format!(" Records ({} of {}, newest visit first) ", self.shown.len(), self.entries.len());
        let block = Block::default().borders(Borders::TOP).title(title);
        let inner = block.inner(area);
        frame.render_widget(block, area);
        if inner.height == 0 {
            return;
        }
        let filter = if self.filter.is_empty() {
            Line::styled(" Type to filter by patient, date, status or verdict", theme.muted())
        } else {
            Line::from(vec![
                Span::styled(" Filter: ", theme.muted()),
                Span::styled(format!("{}▏", self.filter), theme.focus()),
                Span::styled(format!("  ({} clears)", key_for(Action::Back, Context::Records)), theme.muted()),
            ])
        };
        frame.render_widget(Paragraph::new(filter), Rect { height: 1, ..inner });
        let inner = Rect { y: inner.y + 1, height: inner.height - 1, ..inner };
        if self.loading {
            frame.render_widget(Paragraph::new(" Reading the records…").style(theme.muted()), inner);
            return;
        }
        if self.entries.is_empty() {
            let save = key_for(Action::Save, Context::Form { text: false });
            frame.render_widget(Paragraph::new(format!(" No records yet. {save} in an intake saves one.")), inner);
            return;
        }
        if self.shown.is_empty() {
            frame.render_widget(Paragraph::new(" No record matches the filter."), inner);
            return;
        }
        // Only the rows that can show are built: the list may hold 100,000 records.
        let height = inner.height as usize;
        let top = self.cursor.saturating_sub(height.saturating_sub(1));
        let rows: Vec<Row> =
            self.shown.iter().skip(top).take(height).filter_map(|&i| self.entries.get(i)).map(row).collect();
        let widths = [Constraint::Length(12), Constraint::Length(12), Constraint::Length(23), Constraint::Fill(1)];
        let table = Table::new(rows, widths).column_spacing(1).style(theme.base()).row_highlight_style(theme.focus());
        let mut state = TableState::default().with_selected(Some(self.cursor - top));
        frame.render_stateful_widget(table, inner, &mut state);
        if self.shown.len() > height {
            let mut bar = ScrollbarState::new(self.shown.len()).position(self.cursor);
            frame.render_stateful_widget(Scrollbar::new(ScrollbarOrientation::VerticalRight), inner, &mut bar);
        }
    }
}

fn row(r: &ListEntry) -> Row<'static> {
    let verdict = r.verdict.as_ref().map_or("?".to_owned(), |v| match v.referral {
        ReferralVerdict::NotNeeded => v.massage.to_string(),
        referral => format!("{} + refer {referral}", v.massage),
    });
    let status = match &r.integrity {
        Some(_) => format!("! {}", r.status.replace('_', " ")),
        None => r.status.replace('_', " "),
    };
    Row::new(vec![
        format!(" {}", r.visit_date.as_deref().unwrap_or("–")),
        status,
        verdict,
        r.patient.as_deref().unwrap_or("(no name)").to_owned(),
    ])
}
