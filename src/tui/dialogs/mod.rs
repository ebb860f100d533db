//! Dialogs over the screen, one module each: `ask` (buttons: quit, leave an attempt, recover a
//! draft), `who_why` (amend, override), `not_asked`, `gate` (what F10 found missing), `reading`
//! (help, flag detail, summary, a text). A dialog takes every key while it is open.

pub mod ask;
pub mod gate;
pub mod not_asked;
pub mod reading;
pub mod who_why;

use super::app::{Effect, Shared};
use super::keymap::{Action, Context, key_for};
use super::screens::Screen;
use super::theme::Theme;
use ratatui::Frame;
use ratatui::crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub use ask::Question;
pub use who_why::WhoWhy;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dialog {
    Help {
        scroll: u16,
    },
    FlagDetail {
        flag: usize,
        scroll: u16,
    },
    /// The summary of the open intake: verdict, the avoid map on the body chart, flags, plan.
    Summary {
        scroll: u16,
        view: Box<reading::SummaryView>,
    },
    /// A read-only text (a record, a practice result).
    Text {
        title: String,
        lines: Vec<String>,
        scroll: u16,
    },
    /// A question answered with buttons: quit, leave an attempt, recover a draft.
    Ask {
        question: Question,
        button: usize,
    },
    /// Who amends a completed record and why (both required): the amendment's audit trail.
    Amend(WhoWhy),
    /// A decision against the verdict: who and why (both required), kept with the record.
    Override(WhoWhy),
    /// Why a question was not asked.
    NotAsked(not_asked::NotAskedDialog),
    /// F10 met the completion gate: everything missing, one line each; Enter jumps to it.
    Gate {
        cursor: usize,
    },
}

impl Dialog {
    /// The summary of the open intake, worked out now, as it opens.
    pub fn summary(session: &crate::tui::screens::wizard::Session, content: &crate::content::Content) -> Dialog {
        Dialog::Summary { scroll: 0, view: Box::new(reading::SummaryView::of(session, content)) }
    }
}

/// After a key: the dialog stays open, or closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    Stay,
    Close,
}

pub fn on_key(
    dialog: &mut Dialog,
    screen: &mut Screen,
    shared: &mut Shared,
    action: Option<Action>,
    key: KeyEvent,
) -> (After, Vec<Effect>) {
    match dialog {
        Dialog::Help { scroll }
        | Dialog::FlagDetail { scroll, .. }
        | Dialog::Summary { scroll, .. }
        | Dialog::Text { scroll, .. } => (reading::on_key(scroll, action), Vec::new()),
        Dialog::Ask { question, button } => ask::on_key(question, button, screen, shared, action),
        Dialog::Amend(fields) => who_why::on_amend_key(fields, screen, action, key),
        Dialog::Override(fields) => (who_why::on_override_key(fields, screen, shared, action, key), Vec::new()),
        Dialog::NotAsked(fields) => (fields.on_key(screen, shared, action, key), Vec::new()),
        Dialog::Gate { cursor } => (gate::on_key(cursor, screen, shared, action), Vec::new()),
    }
}

/// Pasted text goes into the dialog's text field, on one line.
pub fn on_paste(dialog: &mut Dialog, _screen: &mut Screen, text: &str) -> Vec<Effect> {
    match dialog {
        Dialog::Amend(fields) | Dialog::Override(fields) => fields.paste(text),
        Dialog::NotAsked(fields) => fields.paste(text),
        _ => {}
    }
    Vec::new()
}

pub fn draw(dialog: &Dialog, screen: &Screen, shared: &Shared, theme: Theme, frame: &mut Frame, area: Rect) {
    match dialog {
        Dialog::Help { scroll } => {
            let in_attempt = matches!(screen, Screen::Wizard(session) if session.attempt.is_some());
            reading::help(theme, frame, area, *scroll, in_attempt);
        }
        Dialog::FlagDetail { flag, scroll } => reading::flag_detail(screen, shared, theme, frame, area, *flag, *scroll),
        Dialog::Summary { scroll, view } => reading::summary(view, shared, theme, frame, area, *scroll),
        Dialog::Text { title, lines, scroll } => reading::text(theme, frame, area, title, lines, *scroll),
        Dialog::Ask { question, button } => ask::draw(question, *button, screen, shared, theme, frame, area),
        Dialog::Amend(fields) => who_why::draw_amend(fields, screen, theme, frame, area),
        Dialog::Override(fields) => who_why::draw_override(fields, screen, theme, frame, area),
        Dialog::NotAsked(fields) => fields.draw(shared, theme, frame, area),
        Dialog::Gate { cursor } => gate::draw(*cursor, screen, shared, theme, frame, area),
    }
}

/// A row of buttons, the chosen one highlighted.
pub fn buttons(theme: Theme, labels: &[&str], selected: usize) -> Line<'static> {
    let mut spans = vec![Span::raw("  ")];
    for (i, label) in labels.iter().enumerate() {
        let style = if i == selected { theme.focus() } else { theme.base() };
        spans.push(Span::styled(format!("[ {label} ]"), style));
        spans.push(Span::raw("  "));
    }
    let (enter, esc) = (key_for(Action::Confirm, Context::Dialog), key_for(Action::Back, Context::Dialog));
    spans.push(Span::styled(format!("← → choose · {enter} · {esc} cancel"), theme.muted()));
    Line::from(spans)
}

pub fn centred(screen: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(screen.width);
    let height = height.min(screen.height);
    Rect { x: screen.x + (screen.width - width) / 2, y: screen.y + (screen.height - height) / 2, width, height }
}

/// A small dialog as tall as its lines.
pub fn small_box(theme: Theme, frame: &mut Frame, screen: Rect, title: &str, lines: Vec<Line<'static>>) {
    // As tall as its lines once wrapped in the box, so the last words (often the keys) show.
    let inner = 70;
    let rows: usize = lines
        .iter()
        .map(|line| {
            let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
            super::width::wrap(&text, inner).len()
        })
        .sum();
    let area = centred(screen, 72, (rows as u16).saturating_add(2));
    frame.render_widget(Clear, area);
    let block = Block::default().borders(Borders::ALL).title(title.to_owned()).border_style(theme.selected());
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), area);
}

/// A large dialog of text, scrolled.
pub fn text_box(theme: Theme, frame: &mut Frame, screen: Rect, title: &str, lines: Vec<Line<'_>>, scroll: u16) {
    let area = centred(screen, screen.width.saturating_sub(6).min(100), screen.height.saturating_sub(2));
    frame.render_widget(Clear, area);
    let block = Block::default().borders(Borders::ALL).title(title.to_owned()).border_style(theme.selected());
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((scroll, 0)).block(block), area);
}

/// One labelled text field of a dialog: the focused one marked and showing the cursor.
pub fn field_line(theme: Theme, label: &str, text: &str, focused: bool) -> Line<'static> {
    let marker = if focused { "› " } else { "  " };
    let cursor = if focused { "▏" } else { "" };
    Line::from(vec![
        Span::styled(format!("{marker}{label:<6}"), if focused { theme.focus() } else { theme.base() }),
        Span::raw(format!("{text}{cursor}")),
    ])
}

/// One-line text in a dialog: characters and Backspace, at most 200 characters.
pub fn edit_line(text: &mut String, key: KeyEvent) {
    use ratatui::crossterm::event::{KeyCode, KeyModifiers};
    match key.code {
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char(c)
            if !key.modifiers.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) && text.chars().count() < 200 =>
        {
            text.push(c);
        }
        _ => {}
    }
}

/// Pasted text for a one-line field: control characters become spaces, at most 200 characters.
pub fn paste_line(text: &mut String, pasted: &str) {
    let room = 200usize.saturating_sub(text.chars().count());
    let flat: String = pasted.chars().map(|c| if c.is_control() { ' ' } else { c }).take(room).collect();
    text.push_str(flat.trim_end());
}
