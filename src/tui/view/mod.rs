//! Drawing: a pure function of the app state into a frame. It decides nothing.

mod dialogs;
mod flags;
mod form;

use super::app::{App, HomeEntry, Screen};
use super::keymap;
use super::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Draw the whole screen.
pub fn view(app: &App, theme: Theme, frame: &mut Frame) {
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return;
    }
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(theme, frame, area);
        return;
    }
    let mut banners = flags::banner_lines(app, theme, area.width);
    if app.practice.is_some() {
        let text = " PRACTICE · made-up patients for learning · not for real patients";
        banners.insert(0, Line::styled(format!("{text:<w$}", w = area.width as usize), theme.banner(None)));
    }
    let [title, banner_area, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banners.len() as u16),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(title_line(app)).style(theme.title()), title);
    frame.render_widget(Paragraph::new(banners), banner_area);
    match app.screen {
        Screen::Home => home(app, theme, frame, body),
        Screen::Records => records(app, theme, frame, body),
        Screen::Practice => practice_cases(app, theme, frame, body),
        Screen::Wizard => {
            let panel_width = if body.width >= 110 { 40 } else { 30 };
            let [form_area, flag_area] =
                Layout::horizontal([Constraint::Min(40), Constraint::Length(panel_width)]).areas(body);
            form::draw(app, theme, frame, form_area);
            if app.flags_hidden() {
                story(app, theme, frame, flag_area);
            } else {
                flags::panel(app, theme, frame, flag_area);
            }
        }
    }
    status_line(app, theme, frame, status);
    footer_line(app, theme, frame, footer);
    dialogs::draw(app, theme, frame, area);
}

fn too_small(theme: Theme, frame: &mut Frame, area: Rect) {
    let lines = vec![
        Line::styled("Terminal too small", theme.heading()),
        Line::raw(format!("Needs {MIN_WIDTH}x{MIN_HEIGHT}; now {}x{}.", area.width, area.height)),
        Line::raw("Enlarge the window: nothing is lost."),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}

fn title_line(app: &App) -> Line<'static> {
    let mut text = String::from(" physio-intake");
    match app.screen {
        Screen::Home => text.push_str(" · Home"),
        Screen::Records => text.push_str(" · Records"),
        Screen::Practice => text.push_str(" · Practice cases"),
        Screen::Wizard => {
            if let Some(session) = &app.session {
                let sections = &app.content.questionnaire.sections;
                let n = session.form.section;
                let what = match (&session.record, app.practice_case()) {
                    (_, Some((case, _))) => format!("Practice: {}", case.title),
                    (record, None) => match record {
                        Some(record) => format!("Record {} r{}", &record.id[..8.min(record.id.len())], record.revision),
                        None => match &session.previous {
                            Some(previous) => {
                                format!("Follow-up (last visit {})", previous.visit_date.as_deref().unwrap_or("?"))
                            }
                            None => "New intake".into(),
                        },
                    },
                };
                // The window title never carries patient data; this in-app title may, as the
                // clinician is looking at the record anyway.
                text.push_str(&format!(
                    " · {what} · Step {}/{}: {}",
                    n + 1,
                    sections.len(),
                    sections.get(n).map_or("", |s| s.title.as_str())
                ));
            }
        }
    }
    Line::raw(text)
}

fn home(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut lines = vec![
        Line::raw(""),
        Line::styled("  Intake, safety screen and care plan", theme.heading()),
        Line::styled("  for physiotherapy and massage", theme.muted()),
        Line::raw(""),
    ];
    for (index, entry) in app.home_entries().iter().enumerate() {
        let text = match entry {
            HomeEntry::NewIntake => "New intake".to_owned(),
            HomeEntry::Draft(i) => app.drafts.get(*i).map_or_else(String::new, |d| {
                let patient = d.patient.as_deref().filter(|p| !p.trim().is_empty()).unwrap_or("no name yet");
                match &d.other_host {
                    None => format!("Resume draft: {patient} (last edit {} UTC)", d.saved_at.format("%Y-%m-%d %H:%M")),
                    Some(host) => format!("View draft from {host}: {patient} (read-only)"),
                }
            }),
            HomeEntry::Records => "Records".to_owned(),
            HomeEntry::Quit => "Quit".to_owned(),
        };
        let focused = index == app.home_cursor;
        let marker = if focused { "› " } else { "  " };
        let style = if focused { theme.focus() } else { theme.base() };
        lines.push(Line::from(vec![Span::raw("  "), Span::styled(format!("{marker}{text}"), style)]));
    }
    frame.render_widget(Paragraph::new(lines), area);
}

fn records(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let shown = app.filtered_records();
    let title = format!(" Records ({} of {}, newest visit first) ", shown.len(), app.records.len());
    let block = Block::default().borders(Borders::TOP).title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    let filter = if app.records_filter.is_empty() {
        Line::styled(" Type to filter by patient, date, status or verdict", theme.muted())
    } else {
        Line::from(vec![
            Span::styled(" Filter: ", theme.muted()),
            Span::styled(format!("{}▏", app.records_filter), theme.focus()),
            Span::styled("  (Esc clears)", theme.muted()),
        ])
    };
    frame.render_widget(Paragraph::new(filter), Rect { height: 1, ..inner });
    let inner = Rect { y: inner.y + 1, height: inner.height - 1, ..inner };
    if app.records.is_empty() {
        frame.render_widget(Paragraph::new(" No records yet. Ctrl-S in an intake saves one."), inner);
        return;
    }
    if shown.is_empty() {
        frame.render_widget(Paragraph::new(" No record matches the filter."), inner);
        return;
    }
    let height = inner.height as usize;
    let start = app.records_cursor.saturating_sub(height.saturating_sub(1));
    let lines: Vec<Line> = shown
        .iter()
        .enumerate()
        .skip(start)
        .take(height)
        .filter_map(|(row, &index)| Some((row, app.records.get(index)?)))
        .map(|(i, r)| {
            let verdict = r.verdict.as_ref().map_or("?".to_owned(), |v| {
                if v.referral.code() == "none" {
                    v.massage.to_string()
                } else {
                    format!("{} + refer {}", v.massage, v.referral)
                }
            });
            let status = match &r.integrity {
                Some(_) => format!("! {}", r.status.replace('_', " ")),
                None => r.status.replace('_', " "),
            };
            let text = format!(
                " {:<10}  {:<11}  {:<22}  {}",
                r.visit_date.as_deref().unwrap_or("–"),
                status,
                verdict,
                r.patient.as_deref().unwrap_or("(no name)")
            );
            let style = if i == app.records_cursor { theme.focus() } else { theme.base() };
            Line::styled(text, style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

/// Practice: the cases by level, with the student's best score and attempts.
fn practice_cases(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some(practice) = &app.practice else { return };
    let mut lines = vec![
        Line::styled(" Choose a case, read the story, take the history, find every flag; F10 grades.", theme.muted()),
        Line::raw(""),
    ];
    let mut cursor_row = 0;
    let mut level = None;
    for (i, case) in practice.cases.cases.iter().enumerate() {
        if level != Some(case.level) {
            level = Some(case.level);
            lines.push(Line::styled(format!(" {}", case.level.code().to_uppercase()), theme.heading()));
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
        let focused = i == practice.cursor;
        if focused {
            cursor_row = lines.len();
        }
        let marker = if focused { "›" } else { " " };
        let width = (area.width as usize).saturating_sub(38).max(10);
        let text = format!(" {marker} {:<width$}  {score}", fit(&case.title, width));
        lines.push(Line::styled(text, if focused { theme.focus() } else { theme.base() }));
    }
    let height = area.height as usize;
    let top = cursor_row.saturating_sub(height.saturating_sub(2));
    frame.render_widget(Paragraph::new(lines.into_iter().skip(top).take(height).collect::<Vec<_>>()), area);
}

/// Practice: the patient's story beside the form, where the flags would be.
fn story(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let Some((case, attempt)) = app.practice_case() else { return };
    let block = Block::default().borders(Borders::LEFT).title(" The patient's story ").border_style(theme.muted());
    let mut lines = vec![
        Line::styled(case.title.clone(), theme.heading()),
        Line::styled(
            format!("{} · visit {}", case.level.code(), case.visit_date().map_or(String::new(), |d| d.to_string())),
            theme.muted(),
        ),
        Line::raw(""),
        Line::raw(case.vignette.clone()),
        Line::raw(""),
    ];
    let hints = if attempt.hints == 0 { String::new() } else { format!(" ({} used)", attempt.hints) };
    lines.push(Line::styled(format!("Flags hidden: find them. F4 hint{hints}"), theme.muted()));
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }).block(block), area);
}

fn status_line(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    if let Some((text, problem)) = &app.status {
        spans.push(Span::styled(format!(" {text}"), if *problem { theme.error() } else { theme.ok() }));
    }
    if let Some(session) = &app.session
        && app.screen == Screen::Wizard
    {
        let problems = session.form.problem_count();
        if problems > 0 {
            spans.push(Span::styled(format!("  ! {problems} answer(s) need attention"), theme.error()));
        }
        if session.unsaved && session.read_only.is_none() {
            let words =
                if session.record.is_some() { "  · changes not yet saved" } else { "  · not yet saved as a record" };
            // The message comes first; the reminder only where it fits whole.
            let used: usize = spans.iter().map(|s| s.content.chars().count()).sum();
            if used + words.chars().count() <= area.width as usize {
                spans.push(Span::styled(words, theme.muted()));
            }
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn footer_line(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    let mut hints = keymap::footer(app.context());
    if app.practice_case().is_some() {
        // In practice nothing is saved but the graded attempt, and the flags are a hint.
        hints.retain(|(_, hint)| !matches!(*hint, "save" | "flags" | "next section"));
        hints.insert(hints.len().saturating_sub(1), ("F10", "grade"));
        hints.insert(hints.len().saturating_sub(1), ("F4", "hint"));
    }
    for (key, description) in hints {
        spans.push(Span::styled(format!(" {key}"), theme.key()));
        spans.push(Span::styled(format!(" {description} "), theme.muted().remove_modifier(Modifier::DIM)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Cut a string to a width in characters, with an ellipsis.
pub fn fit(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}
