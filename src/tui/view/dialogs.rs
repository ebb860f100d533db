//! Dialogs drawn over the screen: help, quit confirmation, draft recovery, flag detail, text.

use super::super::app::{App, Overlay};
use super::super::keymap;
use super::super::theme::Theme;
use super::flags::flag_detail_lines;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};

pub fn draw(app: &App, theme: Theme, frame: &mut Frame, screen: Rect) {
    let Some(overlay) = &app.overlay else { return };
    match overlay {
        Overlay::Help { scroll } => {
            let mut lines = Vec::new();
            for (title, keys) in keymap::help_sections() {
                lines.push(Line::styled(title, theme.heading()));
                for (key, description) in keys {
                    lines.push(Line::from(vec![
                        Span::styled(format!("  {key:<10}"), theme.key()),
                        Span::raw(description),
                    ]));
                }
                lines.push(Line::raw(""));
            }
            lines.push(Line::styled(
                "Letters typed in a text field are text, never shortcuts. Esc closes this.",
                theme.muted(),
            ));
            text_box(theme, frame, screen, " Help: every key (Esc closes, ↑↓ scroll) ", lines, *scroll);
        }
        Overlay::FlagDetail { flag, scroll } => {
            let (title, lines) = flag_detail_lines(app, *flag);
            text_box(theme, frame, screen, &format!(" {title} "), lines.into_iter().map(Line::raw).collect(), *scroll);
        }
        Overlay::Summary { scroll } => {
            let Some(session) = &app.session else { return };
            let content = app.content;
            let assessment = &session.form.assessment;
            let avoid: Vec<&str> = assessment.avoid_regions.iter().map(|r| content.regions.code(*r)).collect();
            let mut lines = vec![
                Line::styled("Avoid map: no massage on the marked areas (•)", theme.heading()),
                Line::styled(super::form::CHART_HEADER, theme.muted()),
            ];
            lines.extend(super::form::chart_lines(app, theme, |code| (avoid.contains(&code), false)));
            lines.push(Line::raw(""));
            let report = crate::report::Report::new(content, assessment);
            lines.extend(crate::report::render_text(content, &report).lines().map(|l| Line::raw(l.to_owned())));
            text_box(theme, frame, screen, " Summary (Esc closes, ↑↓ scroll) ", lines, *scroll);
        }
        Overlay::Text { title, lines, scroll } => {
            text_box(
                theme,
                frame,
                screen,
                &format!(" {title} (Esc closes) "),
                lines.iter().cloned().map(Line::raw).collect(),
                *scroll,
            );
        }
        Overlay::QuitConfirm { button } if app.practice_case().is_some() => {
            let lines = vec![
                Line::raw("Leave this practice attempt?"),
                Line::raw("Grade it now (it is saved with its score), discard it, or go back?"),
                Line::raw(""),
                buttons(theme, &["Grade", "Discard", "Cancel"], *button),
            ];
            small_box(theme, frame, screen, " Leave the attempt ", lines);
        }
        Overlay::QuitConfirm { button } => {
            let lines = vec![
                Line::raw("This intake is not saved as a record yet."),
                Line::raw("Save it, discard the changes, or go back?"),
                Line::raw(""),
                buttons(theme, &["Save", "Discard", "Cancel"], *button),
            ];
            small_box(theme, frame, screen, " Quit ", lines);
        }
        Overlay::Amend { by, reason, field, problem } => {
            let record = app.session.as_ref().and_then(|s| s.record.as_ref());
            let revision = record.map_or(0, |r| r.revision);
            let field_line = |label: &str, text: &str, focused: bool| {
                let marker = if focused { "› " } else { "  " };
                let cursor = if focused { "▏" } else { "" };
                Line::from(vec![
                    Span::styled(format!("{marker}{label:<6}"), if focused { theme.focus() } else { theme.base() }),
                    Span::raw(format!("{text}{cursor}")),
                ])
            };
            let mut lines = vec![
                Line::raw(format!(
                    "Revision {revision} stays as it is; your changes become revision {}.",
                    revision + 1
                )),
                Line::raw("Who amends it, and why, are kept with the record."),
                Line::raw(""),
                field_line("Who", by, *field == 0),
                field_line("Why", reason, *field == 1),
                Line::raw(""),
            ];
            match problem {
                Some(problem) => lines.push(Line::styled(problem.clone(), theme.error())),
                None => lines.push(Line::styled("Enter: next, then amend · ↑↓ switch · Esc cancel", theme.muted())),
            }
            small_box(theme, frame, screen, " Amend a completed record ", lines);
        }
        Overlay::Recovery { draft, button } => {
            let Some(summary) = app.drafts.get(*draft) else { return };
            let patient = summary.patient.as_deref().filter(|p| !p.trim().is_empty()).unwrap_or("no name yet");
            let of = if app.drafts.len() > 1 {
                format!("  ({} of {}, ↑↓)", draft + 1, app.drafts.len())
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
                    buttons(theme, &["Restore", "View", "Discard"], *button),
                ],
                Some(host) => {
                    let age = (app.now - summary.saved_at).num_minutes();
                    let age = if age < 1 { "under a minute".to_owned() } else { format!("{age} min") };
                    vec![
                        Line::raw(format!("Unsaved work from another computer, {host}:")),
                        Line::styled(
                            format!("  {patient} — saved {age} ago by that computer's clock{of}"),
                            theme.heading(),
                        ),
                        Line::raw("It may still be open there. View opens it read-only;"),
                        Line::raw("Take over moves it to this computer (the other one stops saving it)."),
                        Line::raw(""),
                        buttons(theme, &["Take over", "View", "Discard"], *button),
                    ]
                }
            };
            small_box(theme, frame, screen, " Recover unsaved work ", lines);
        }
    }
}

fn buttons(theme: Theme, labels: &[&str], selected: usize) -> Line<'static> {
    let mut spans = vec![Span::raw("  ")];
    for (i, label) in labels.iter().enumerate() {
        let style = if i == selected { theme.focus() } else { theme.base() };
        spans.push(Span::styled(format!("[ {label} ]"), style));
        spans.push(Span::raw("  "));
    }
    spans.push(Span::styled("← → choose · Enter · Esc cancel", theme.muted()));
    Line::from(spans)
}

fn centred(screen: Rect, width: u16, height: u16) -> Rect {
    let width = width.min(screen.width);
    let height = height.min(screen.height);
    Rect { x: screen.x + (screen.width - width) / 2, y: screen.y + (screen.height - height) / 2, width, height }
}

fn small_box(theme: Theme, frame: &mut Frame, screen: Rect, title: &str, lines: Vec<Line<'static>>) {
    let area = centred(screen, 72, lines.len() as u16 + 2);
    frame.render_widget(Clear, area);
    let block = Block::default().borders(Borders::ALL).title(title.to_owned()).border_style(theme.selected());
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).block(block), area);
}

fn text_box(theme: Theme, frame: &mut Frame, screen: Rect, title: &str, lines: Vec<Line<'static>>, scroll: u16) {
    let area = centred(screen, screen.width.saturating_sub(6).min(100), screen.height.saturating_sub(2));
    frame.render_widget(Clear, area);
    let block = Block::default().borders(Borders::ALL).title(title.to_owned()).border_style(theme.selected());
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }).scroll((scroll, 0)).block(block), area);
}
