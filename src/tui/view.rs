//! Drawing: a pure function of the app state into a frame; it decides nothing. The frame around
//! every screen is here (title, banners, status line, footer, the too-small notice); each
//! screen draws its own body and each dialog itself.

use super::app::App;
use super::keymap;
use super::screens::Screen;
use super::screens::home::Home;
use super::theme::Theme;
use super::width::pad;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub const MIN_WIDTH: u16 = 80;
pub const MIN_HEIGHT: u16 = 24;

/// Whether a terminal of this size shows the app (else the too-small notice, and keys wait).
pub fn fits(width: u16, height: u16) -> bool {
    width >= MIN_WIDTH && height >= MIN_HEIGHT
}

/// Draw the whole screen.
pub fn view(app: &App, theme: Theme, frame: &mut Frame) {
    let Some(area) = room_for_the_app(theme, frame) else { return };
    let mut banners = match &app.screen {
        Screen::Wizard(session) => super::screens::wizard::flags::banner_lines(session, app, theme, area.width),
        _ => Vec::new(),
    };
    if app.practice.is_some() {
        let text = " PRACTICE · made-up patients for learning · not for real patients";
        banners.insert(0, Line::styled(pad(text, area.width as usize), theme.banner(None)));
    }
    // The banners never take more than half the screen, and never hide one silently: past
    // that, the last row says how many more lines there are and where to read them.
    let room = usize::from(area.height / 2);
    if banners.len() > room {
        let more = banners.len() + 1 - room;
        banners.truncate(room - 1);
        let flags = keymap::key_for(keymap::Action::FocusFlags, keymap::Context::Form { text: false });
        let text = format!(" ■ … {more} more banner line(s): every referral is in the flag panel ({flags})");
        banners
            .push(Line::styled(pad(&text, area.width as usize), theme.banner(Some(crate::rules::Referral::Emergency))));
    }
    let [title, banner_area, body, status, footer] = areas(area, banners.len() as u16);
    title_line(theme, frame, title, |columns| app.screen.title(app, columns));
    frame.render_widget(Paragraph::new(banners), banner_area);
    app.screen.draw(app, theme, frame, body);
    status_line(app, theme, frame, status);
    footer_line(&keymap::footer(&app.contexts()), theme, frame, footer);
    if let Some(dialog) = &app.dialog {
        super::dialogs::draw(dialog, &app.screen, app, theme, frame, area);
    }
}

/// The first frame, drawn before the clinical content has loaded (reading and checking every
/// rule takes longer than drawing): the home screen exactly as [`view`] draws it before the
/// drafts are read. A test holds the two to the same cells.
pub fn first_frame(theme: Theme, frame: &mut Frame) {
    let Some(area) = room_for_the_app(theme, frame) else { return };
    let [title, _, body, _, footer] = areas(area, 0);
    title_line(theme, frame, title, |_| super::screens::home::TITLE.to_owned());
    Home::default().draw(&[], theme, frame, body);
    footer_line(&keymap::footer(&[keymap::Context::Home]), theme, frame, footer);
}

/// Title, banners, body, status line, footer.
fn areas(area: Rect, banner_rows: u16) -> [Rect; 5] {
    Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(banner_rows),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area)
}

/// The app's name, then what the screen says of itself in the columns left.
fn title_line(theme: Theme, frame: &mut Frame, area: Rect, screen_title: impl FnOnce(usize) -> String) {
    let name = " physio-intake · ";
    let text = format!("{name}{}", screen_title((area.width as usize).saturating_sub(super::width::width(name))));
    frame.render_widget(Paragraph::new(text).style(theme.title()), area);
}

/// The whole frame, if the app fits in it; else the too-small notice is drawn (or nothing, in
/// a frame of no size) and there is nothing more to draw.
fn room_for_the_app(theme: Theme, frame: &mut Frame) -> Option<Rect> {
    let area = frame.area();
    if area.width == 0 || area.height == 0 {
        return None;
    }
    if !fits(area.width, area.height) {
        too_small(theme, frame, area);
        return None;
    }
    Some(area)
}

fn too_small(theme: Theme, frame: &mut Frame, area: Rect) {
    let lines = vec![
        Line::styled("Terminal too small", theme.heading()),
        Line::raw(format!("Needs {MIN_WIDTH}x{MIN_HEIGHT}; now {}x{}.", area.width, area.height)),
        Line::raw("Enlarge the window: nothing is lost, and keys wait until then."),
    ];
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), area);
}

fn status_line(app: &App, theme: Theme, frame: &mut Frame, area: Rect) {
    let mut spans = Vec::new();
    if let Some((text, problem)) = &app.status {
        spans.push(Span::styled(format!(" {text}"), if *problem { theme.error() } else { theme.ok() }));
    }
    if let Some(session) = app.session() {
        let problems = session.form.problem_count();
        if problems > 0 {
            spans.push(Span::styled(format!("  ! {problems} answer(s) need attention"), theme.error()));
        }
        if session.unsaved && session.read_only.is_none() && session.attempt.is_none() {
            let words =
                if session.record.is_some() { "  · changes not yet saved" } else { "  · not yet saved as a record" };
            // The message comes first; the reminder only where it fits whole.
            let used: usize = spans.iter().map(|s| super::width::width(&s.content)).sum();
            if used + super::width::width(words) <= area.width as usize {
                spans.push(Span::styled(words, theme.muted()));
            }
        }
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The footer: the keys that matter where the keyboard is, from the keymap. It never loses the
/// help key: hints that do not fit are left out before it is.
fn footer_line(hints: &[(&'static str, &'static str)], theme: Theme, frame: &mut Frame, area: Rect) {
    let text_width =
        |(key, description): &(&str, &str)| super::width::width(key) + super::width::width(description) + 3;
    let mut room = area.width as usize;
    let mut chosen = Vec::new();
    // The last hint is help: it is kept first, then the others in order while they fit.
    let (help, others) = hints.split_last().map_or((None, hints), |(last, rest)| (Some(*last), rest));
    if let Some(help) = help {
        room = room.saturating_sub(text_width(&help));
    }
    for hint in others {
        if text_width(hint) <= room {
            room -= text_width(hint);
            chosen.push(*hint);
        }
    }
    chosen.extend(help);
    let mut spans = Vec::new();
    for (key, description) in chosen {
        spans.push(Span::styled(format!(" {key}"), theme.key()));
        spans.push(Span::styled(format!(" {description} "), theme.muted().remove_modifier(Modifier::DIM)));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
