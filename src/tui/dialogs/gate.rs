//! What F10 found missing before completion, one line each: ↑↓ choose, Enter goes to it.

use super::{After, centred};
use crate::gate::Missing;
use crate::tui::app::Shared;
use crate::tui::keymap::{Action, Context, key_for};
use crate::tui::screens::Screen;
use crate::tui::screens::wizard::attest;
use crate::tui::theme::Theme;
use crate::tui::width::fit;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

fn missing(screen: &Screen, shared: &Shared) -> Vec<Missing> {
    match screen {
        Screen::Wizard(session) => session.gate_missing(shared.content),
        _ => Vec::new(),
    }
}

pub fn on_key(cursor: &mut usize, screen: &mut Screen, shared: &mut Shared, action: Option<Action>) -> After {
    let missing = missing(screen, shared);
    if missing.is_empty() {
        return After::Close;
    }
    match action {
        Some(Action::Back) => return After::Close,
        Some(Action::Up) => *cursor = cursor.saturating_sub(1),
        Some(Action::Down) => *cursor = (*cursor + 1).min(missing.len() - 1),
        Some(Action::Confirm) => {
            let chosen = &missing[(*cursor).min(missing.len() - 1)];
            if let Screen::Wizard(session) = screen {
                attest::jump_to(session, shared, chosen);
            }
            return After::Close;
        }
        _ => {}
    }
    After::Stay
}

pub fn draw(cursor: usize, screen: &Screen, shared: &Shared, theme: Theme, frame: &mut Frame, area: Rect) {
    let missing = missing(screen, shared);
    // As tall as its lines (three of help, one per missing thing), at most the screen.
    let height = (missing.len() as u16).saturating_add(5).min(area.height.saturating_sub(2));
    let area = centred(area, area.width.saturating_sub(6).min(100), height);
    frame.render_widget(Clear, area);
    let title = format!(" Not completed yet: {} thing(s) missing ", missing.len());
    let block = Block::default().borders(Borders::ALL).title(title).border_style(theme.selected());
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let width = inner.width as usize;
    let form = Context::Form { text: false };
    let (not_asked, acknowledge, override_) =
        (key_for(Action::NotAsked, form), key_for(Action::Acknowledge, form), key_for(Action::Override, form));
    let (enter, back) = (key_for(Action::Confirm, Context::Dialog), key_for(Action::Back, Context::Dialog));
    let mut lines = vec![
        Line::raw(fit(&format!("{enter} goes to the line. There: answer, or {not_asked} marks it not asked;"), width)),
        Line::raw(fit(
            &format!("{acknowledge} acknowledges a referral; {override_} overrides (who, why). {back} back."),
            width,
        )),
        Line::raw(""),
    ];
    let room = (inner.height as usize).saturating_sub(lines.len()).max(1);
    // When not everything fits, the last row says how many more: the chosen line stays above it.
    let rows = if missing.len() > room { room.saturating_sub(1).max(1) } else { room };
    let top = cursor.saturating_sub(rows - 1);
    for (i, line) in missing.iter().enumerate().skip(top).take(rows) {
        let focused = i == cursor;
        let marker = if focused { "› " } else { "  " };
        let style = match line {
            Missing::Unacknowledged { .. } | Missing::OverrideNeeded { .. } => theme.error(),
            _ => theme.base(),
        };
        let style = if focused { theme.focus() } else { style };
        lines.push(Line::styled(fit(&format!("{marker}{}", line.short_words()), width), style));
    }
    let more = missing.len().saturating_sub(top + rows);
    if more > 0 {
        lines.push(Line::styled(fit(&format!("  ↓ {more} more"), width), theme.heading()));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
