//! Dialogs to read and scroll: help (every key, from the keymap), a flag's detail, the summary
//! of the open intake, a text (a record, a practice result). Enter or Esc closes them.

use super::{After, text_box};
use crate::content::Content;
use crate::tui::app::Shared;
use crate::tui::body_chart::{CHART_HEADER, chart_lines};
use crate::tui::keymap::{self, Action, Context, key_for};
use crate::tui::screens::Screen;
use crate::tui::screens::wizard::Session;
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

/// What the summary says, worked out once when it opens: nothing under it changes while it is
/// open, so a redraw (a resize, a scroll) only styles and places these lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryView {
    /// Verdict, referrals with their acknowledgement, any override: what matters first.
    headline: Vec<String>,
    /// Why the stored result and today's rulebook differ, and whether that is a problem.
    notice: Option<(String, bool)>,
    /// The regions the avoid map marks.
    avoid: Vec<String>,
    /// The report: flags, plan, aftercare.
    report: Vec<String>,
    /// Every safety-screen and red-flag question not asked, with its reason.
    not_asked: Vec<String>,
}

impl SummaryView {
    pub fn of(session: &Session, content: &Content) -> SummaryView {
        // A record read back, unchanged: its stored result (the banner says what today's
        // rulebook would add or drop). Anything being edited: the live result.
        let report = match &session.record {
            Some(record) if session.read_only.is_some() && !session.unsaved => record.result.clone(),
            _ => crate::report::Report::new(content, &session.form.assessment),
        };
        let not_asked = crate::gate::not_asked_items(content, &session.form.answers, &session.attestations)
            .into_iter()
            .map(|(label, mark)| format!("  - {label}: {}", crate::gate::not_asked_words(mark)))
            .collect();
        SummaryView {
            headline: crate::gate::headline_in(content, &report, &session.attestations),
            notice: session.recheck_notice.clone(),
            avoid: report.avoid_regions.clone(),
            report: crate::report::render_text(content, &report).lines().map(str::to_owned).collect(),
            not_asked,
        }
    }
}

pub fn summary(view: &SummaryView, shared: &Shared, theme: Theme, frame: &mut Frame, area: Rect, scroll: u16) {
    let mut lines: Vec<Line> = view.headline.iter().map(|line| Line::styled(line.as_str(), theme.heading())).collect();
    if let Some((notice, problem)) = &view.notice {
        lines.push(Line::styled(notice.as_str(), if *problem { theme.error() } else { theme.muted() }));
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Avoid map: no massage on the marked areas (•)", theme.heading()));
    lines.push(Line::styled(CHART_HEADER, theme.muted()));
    lines.extend(chart_lines(&shared.content.regions, theme, |code| (view.avoid.iter().any(|a| a == code), false)));
    lines.push(Line::raw(""));
    lines.extend(view.report.iter().map(|line| Line::raw(line.as_str())));
    if !view.not_asked.is_empty() {
        lines.push(Line::raw(""));
        lines.push(Line::styled(
            format!("NOT ASKED ({} safety-screen and red-flag questions)", view.not_asked.len()),
            theme.heading(),
        ));
        lines.extend(view.not_asked.iter().map(|line| Line::raw(line.as_str())));
    }
    let esc = key_for(Action::Back, Context::Dialog);
    text_box(theme, frame, area, &format!(" Summary ({esc} closes, ↑↓ scroll) "), lines, scroll);
}

pub fn text(theme: Theme, frame: &mut Frame, area: Rect, title: &str, lines: &[String], scroll: u16) {
    let lines = lines.iter().cloned().map(Line::raw).collect();
    let esc = key_for(Action::Back, Context::Dialog);
    text_box(theme, frame, area, &format!(" {title} ({esc} closes) "), lines, scroll);
}
