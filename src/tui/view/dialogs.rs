//! Dialogs drawn over the screen: help, quit confirmation, draft recovery, flag detail, text.

use super::super::app::{App, Overlay};
use super::super::keymap;
use super::super::theme::Theme;
use super::fit;
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
            // A record read back, unchanged: its stored result (the banner says what today's
            // rulebook would add or drop). Anything being edited: the live result.
            let report = match &session.record {
                Some(record) if session.read_only.is_some() && !session.unsaved => record.result.clone(),
                _ => crate::report::Report::new(content, &session.form.assessment),
            };
            let avoid: Vec<&str> = report.avoid_regions.iter().map(String::as_str).collect();
            // What matters first: verdict, referrals with their acknowledgement, any override.
            let mut lines: Vec<Line> = crate::gate::headline(&report, &session.attestations)
                .into_iter()
                .map(|line| Line::styled(line, theme.heading()))
                .collect();
            if let Some((notice, problem)) = &session.recheck_notice {
                lines.push(Line::styled(notice.clone(), if *problem { theme.error() } else { theme.muted() }));
            }
            lines.push(Line::raw(""));
            lines.push(Line::styled("Avoid map: no massage on the marked areas (•)", theme.heading()));
            lines.push(Line::styled(super::form::CHART_HEADER, theme.muted()));
            lines.extend(super::form::chart_lines(app, theme, |code| (avoid.contains(&code), false)));
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
            let saved_before = app.session.as_ref().is_some_and(|s| s.record.is_some());
            let lines = vec![
                Line::raw(if saved_before {
                    "The changes since the last save are not in the record yet."
                } else {
                    "This intake is not saved as a record yet."
                }),
                Line::raw("Save it, discard the changes, or go back?"),
                Line::raw(""),
                buttons(theme, &["Save", "Discard", "Cancel"], *button),
            ];
            small_box(theme, frame, screen, " Quit ", lines);
        }
        Overlay::Amend { by, reason, field, problem } => {
            let record = app.session.as_ref().and_then(|s| s.record.as_ref());
            let revision = record.map_or(0, |r| r.revision);
            let mut lines = vec![
                Line::raw(format!(
                    "Revision {revision} stays as it is; your changes become revision {}.",
                    revision + 1
                )),
                Line::raw("Who amends it, and why, are kept with the record."),
                Line::raw(""),
                field_line(theme, "Who", by, *field == 0),
                field_line(theme, "Why", reason, *field == 1),
                Line::raw(""),
            ];
            match problem {
                Some(problem) => lines.push(Line::styled(problem.clone(), theme.error())),
                None => lines.push(Line::styled("Enter: next, then amend · ↑↓ switch · Esc cancel", theme.muted())),
            }
            small_box(theme, frame, screen, " Amend a completed record ", lines);
        }
        Overlay::Gate { cursor } => {
            let missing = app.gate_missing();
            // As tall as its lines (three of help, one per missing thing), at most the screen.
            let height = (missing.len() as u16).saturating_add(5).min(screen.height.saturating_sub(2));
            let area = centred(screen, screen.width.saturating_sub(6).min(100), height);
            frame.render_widget(Clear, area);
            let title = format!(" Not completed yet: {} thing(s) missing ", missing.len());
            let block = Block::default().borders(Borders::ALL).title(title).border_style(theme.selected());
            let inner = block.inner(area);
            frame.render_widget(block, area);
            let width = inner.width as usize;
            let key = |action| keymap::label(action);
            let mut lines = vec![
                Line::raw(fit(
                    &format!(
                        "Enter goes to the line. There: answer, or {} marks it not asked;",
                        key(keymap::Action::NotAsked)
                    ),
                    width,
                )),
                Line::raw(fit(
                    &format!(
                        "{} acknowledges a referral; {} overrides (who, why). Esc back.",
                        key(keymap::Action::Acknowledge),
                        key(keymap::Action::Override)
                    ),
                    width,
                )),
                Line::raw(""),
            ];
            let room = (inner.height as usize).saturating_sub(lines.len()).max(1);
            // When not everything fits, the last row says how many more: the chosen line stays
            // above it.
            let rows = if missing.len() > room { room.saturating_sub(1).max(1) } else { room };
            let top = cursor.saturating_sub(rows - 1);
            for (i, line) in missing.iter().enumerate().skip(top).take(rows) {
                let focused = i == *cursor;
                let marker = if focused { "› " } else { "  " };
                let style = match line {
                    crate::gate::Missing::Unacknowledged { .. } | crate::gate::Missing::OverrideNeeded { .. } => {
                        theme.error()
                    }
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
        Overlay::NotAsked { item, reason, text, problem } => {
            let content = app.content;
            let label = content
                .questionnaire
                .id(item)
                .map_or(item.as_str(), |id| content.questionnaire.item(id).label.as_str());
            let mut lines = vec![Line::styled(fit(label, 68), theme.heading()), Line::raw("Why was it not asked?")];
            for (i, choice) in crate::gate::NotAskedReason::ALL.iter().enumerate() {
                let focused = i == *reason;
                let marker = if focused { "› (•) " } else { "  ( ) " };
                lines.push(Line::styled(
                    format!("{marker}{}", choice.words()),
                    if focused { theme.focus() } else { theme.base() },
                ));
            }
            lines.push(Line::from(vec![Span::styled("Words: ", theme.muted()), Span::raw(format!("{text}▏"))]));
            lines.push(Line::raw(""));
            match problem {
                Some(problem) => lines.push(Line::styled(problem.clone(), theme.error())),
                None => lines.push(Line::styled(
                    "↑↓ reason · type words (needed for other) · Enter keep · Esc cancel",
                    theme.muted(),
                )),
            }
            small_box(theme, frame, screen, " Not asked ", lines);
        }
        Overlay::Override { by, why, field, problem } => {
            let verdict = app.session.as_ref().map(|s| s.form.assessment.verdict);
            let against = verdict.map_or(String::new(), |v| {
                let referral = v.referral_code();
                format!(
                    "{}{}",
                    v.massage_code().to_uppercase(),
                    if referral == "none" { String::new() } else { format!(" + refer {referral}") }
                )
            });
            let mut lines = vec![
                Line::raw(format!("The decision goes against the verdict ({against}).")),
                Line::raw("Who decides, and why in their words, are kept with the record."),
                Line::raw(""),
                field_line(theme, "Who", by, *field == 0),
                field_line(theme, "Why", why, *field == 1),
                Line::raw(""),
            ];
            match problem {
                Some(problem) => lines.push(Line::styled(problem.clone(), theme.error())),
                None => lines.push(Line::styled("Enter: next, then keep · ↑↓ switch · Esc cancel", theme.muted())),
            }
            small_box(theme, frame, screen, " Override the verdict ", lines);
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

/// One labelled text field of a dialog: the focused one marked and showing the cursor.
fn field_line(theme: Theme, label: &str, text: &str, focused: bool) -> Line<'static> {
    let marker = if focused { "› " } else { "  " };
    let cursor = if focused { "▏" } else { "" };
    Line::from(vec![
        Span::styled(format!("{marker}{label:<6}"), if focused { theme.focus() } else { theme.base() }),
        Span::raw(format!("{text}{cursor}")),
    ])
}
