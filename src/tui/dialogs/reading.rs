//! Dialogs to read and scroll: help (every key, from the keymap), a flag's detail, the summary
//! of the open intake, a text (a record, a practice result). Enter or Esc closes them.

use super::{After, text_box};
use crate::tui::app::Shared;
use crate::tui::body_chart::{CHART_HEADER, chart_lines};
use crate::tui::keymap::{self, Action, Context, key_for};
use crate::tui::screens::Screen;
use crate::tui::screens::wizard::flags::flag_detail_lines;
use crate::tui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

pub fn on_key(scroll: &mut u16, action: Option<Action>) -> After {
    match action {
        Some(Action::Back | Action::Confirm) => return After::Close,
        Some(Action::Down) => *scroll = scroll.saturating_add(1),
        Some(Action::Up) => *scroll = scroll.saturating_sub(1),
        _ => {}
    }
    After::Stay
}

pub fn help(theme: Theme, frame: &mut Frame, area: Rect, scroll: u16, in_attempt: bool) {
    let mut lines = Vec::new();
    for (title, keys) in keymap::help_sections(in_attempt) {
        lines.push(Line::styled(title, theme.heading()));
        for (key, description) in keys {
            lines.push(Line::from(vec![Span::styled(format!("  {key:<10}"), theme.key()), Span::raw(description)]));
        }
        lines.push(Line::raw(""));
    }
    let esc = key_for(Action::Back, Context::Dialog);
    let last = format!("Letters typed in a text field are text, never shortcuts. {esc} closes this.");
    lines.push(Line::styled(last, theme.muted()));
    text_box(theme, frame, area, &format!(" Help: every key ({esc} closes, ↑↓ scroll) "), lines, scroll);
}

pub fn flag_detail(
    screen: &Screen,
    shared: &Shared,
    theme: Theme,
    frame: &mut Frame,
    area: Rect,
    flag: usize,
    scroll: u16,
) {
    let Screen::Wizard(session) = screen else { return };
    let (title, lines) = flag_detail_lines(session, shared, flag);
    text_box(theme, frame, area, &format!(" {title} "), lines.into_iter().map(Line::raw).collect(), scroll);
}

pub fn summary(screen: &Screen, shared: &Shared, theme: Theme, frame: &mut Frame, area: Rect, scroll: u16) {
    let Screen::Wizard(session) = screen else { return };
    let content = shared.content;
    // A record read back, unchanged: its stored result (the banner says what today's rulebook
    // would add or drop). Anything being edited: the live result.
    let report = match &session.record {
        Some(record) if session.read_only.is_some() && !session.unsaved => record.result.clone(),
        _ => crate::report::Report::new(content, &session.form.assessment),
    };
    let avoid: Vec<&str> = report.avoid_regions.iter().map(String::as_str).collect();
    // What matters first: verdict, referrals with their acknowledgement, any override.
    let mut lines: Vec<Line> = crate::gate::headline_in(content, &report, &session.attestations)
        .into_iter()
        .map(|line| Line::styled(line, theme.heading()))
        .collect();
    if let Some((notice, problem)) = &session.recheck_notice {
        lines.push(Line::styled(notice.clone(), if *problem { theme.error() } else { theme.muted() }));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Avoid map: no massage on the marked areas (•)", theme.heading()));
    lines.push(Line::styled(CHART_HEADER, theme.muted()));
    lines.extend(chart_lines(&content.regions, theme, |code| (avoid.contains(&code), false)));
    lines.push(Line::raw(""));
    lines.extend(crate::report::render_text(content, &report).lines().map(|l| Line::raw(l.to_owned())));
    let not_asked = crate::gate::not_asked_items(content, &session.form.answers, &session.attestations);
    if !not_asked.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("NOT ASKED ({} safety-screen and red-flag questions)", not_asked.len()),
            theme.heading(),
        ));
        for (label, mark) in not_asked {
            lines.push(Line::raw(format!("  - {label}: {}", crate::gate::not_asked_words(mark))));
        }
    }
    let esc = key_for(Action::Back, Context::Dialog);
    text_box(theme, frame, area, &format!(" Summary ({esc} closes, ↑↓ scroll) "), lines, scroll);
}

pub fn text(theme: Theme, frame: &mut Frame, area: Rect, title: &str, lines: &[String], scroll: u16) {
    let lines = lines.iter().cloned().map(Line::raw).collect();
    let esc = key_for(Action::Back, Context::Dialog);
    text_box(theme, frame, area, &format!(" {title} ({esc} closes) "), lines, scroll);
}
