//! Whole screens rendered into ratatui's TestBackend and kept as insta snapshots: every section of
//! the intake at 80x24 and 120x40 with a full intake loaded (several flags firing), the home and
//! records screens, every dialog, the too-small screen; style snapshots of the flag panel where
//! colour and bold carry meaning (in colour and under NO_COLOR); and a sweep of every screen at
//! every size from 0x0 to 300x100 that must never panic.
//!
//! Review changed snapshots by eye: `INSTA_UPDATE=always cargo test --test tui_snapshots`, then
//! `git diff tests/snapshots/`.

use chrono::{NaiveDate, TimeZone, Utc};
use physio_intake::content::Content;
use physio_intake::report::VerdictReport;
use physio_intake::store::drafts::DraftSummary;
use physio_intake::store::index::ListEntry;
use physio_intake::tui::app::{App, Overlay, Screen, Session};
use physio_intake::tui::form::Form;
use physio_intake::tui::theme::Theme;
use physio_intake::tui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Style};

const COLOUR: Theme = Theme { colour: true };
const MONO: Theme = Theme { colour: false };

fn content() -> &'static Content {
    Content::embedded().unwrap_or_else(|e| panic!("{e}"))
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn app() -> App {
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 9, 30, 0).unwrap();
    App::new(content(), now, today(), Box::new(|| "01SNAP0000000000000000000X".to_owned()))
}

/// The wizard on a section, the full-intake fixture loaded, focus on the first question.
fn wizard(section: &str) -> App {
    let file: serde_json::Value = serde_json::from_str(include_str!("fixtures/full_intake.json")).unwrap();
    let mut form = Form::from_answers(content(), file["answers"].as_object().unwrap(), today());
    form.section = content().questionnaire.sections.iter().position(|s| s.id == section).unwrap();
    let mut app = app();
    app.session = Some(Session::new(form, "01SNAPDRAFT000000000000000".into(), None));
    app.screen = Screen::Wizard;
    app
}

fn records() -> App {
    let mut app = app();
    let entry = |patient: &str, date: &str, status: &str, massage: &str, referral: &str| ListEntry {
        id: format!("01SNAP{:0>20}", patient.len()),
        visit_date: Some(date.into()),
        patient: Some(patient.into()),
        status: status.into(),
        revision: 1,
        updated_at: "2026-11-22T09:00:00+00:00".into(),
        verdict: Some(VerdictReport { massage: massage.into(), referral: referral.into() }),
        read_only: false,
    };
    app.records = vec![
        entry("Margaret Ellis", "2026-11-22", "completed", "avoid", "routine"),
        entry("Tomas Reyes", "2026-11-20", "in_progress", "clear", "none"),
        entry("Ana Ellison", "2026-10-02", "amended", "stop", "emergency"),
    ];
    app.screen = Screen::Records;
    app
}

fn render(app: &App, theme: Theme, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap();
    terminal.draw(|frame| view(app, theme, frame)).unwrap();
    terminal.backend().buffer().clone()
}

fn text(buffer: &Buffer) -> String {
    let mut out = String::new();
    for y in 0..buffer.area.height {
        let line: String = (0..buffer.area.width).map(|x| buffer[(x, y)].symbol()).collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn screen(app: &App, width: u16, height: u16) -> String {
    text(&render(app, COLOUR, width, height))
}

/// The style runs of a rectangle, one line per row: `[fg/bg/modifiers]text` for each run.
fn styles(buffer: &Buffer, x0: u16, width: u16, rows: std::ops::Range<u16>) -> String {
    let describe = |style: Style| {
        let colour = |c: Option<Color>| c.map_or("-".to_owned(), |c| format!("{c:?}"));
        let modifiers = style.add_modifier - style.sub_modifier;
        let modifiers = if modifiers.is_empty() { String::new() } else { format!("/{modifiers:?}") };
        format!("[{}/{}{}]", colour(style.fg), colour(style.bg), modifiers)
    };
    let mut out = String::new();
    for y in rows {
        let mut last = String::new();
        let mut line = String::new();
        for x in x0..x0 + width {
            let cell = &buffer[(x, y)];
            let style = describe(cell.style());
            if style != last {
                line.push_str(&style);
                last = style;
            }
            line.push_str(cell.symbol());
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[test]
fn every_section_at_80x24_and_120x40() {
    for section in &content().questionnaire.sections {
        let app = wizard(&section.id);
        insta::assert_snapshot!(format!("section_{}_80x24", section.id), screen(&app, 80, 24));
        insta::assert_snapshot!(format!("section_{}_120x40", section.id), screen(&app, 120, 40));
    }
}

#[test]
fn home_and_records_screens() {
    let mut home = app();
    insta::assert_snapshot!("home_80x24", screen(&home, 80, 24));
    home.drafts = vec![DraftSummary {
        id: "01SNAPDRAFT000000000000000".into(),
        patient: Some("Margaret Ellis".into()),
        saved_at: Utc.with_ymd_and_hms(2026, 11, 22, 9, 12, 0).unwrap(),
        record_id: None,
    }];
    home.overlay = Some(Overlay::Recovery { draft: 0, button: 0 });
    insta::assert_snapshot!("recovery_80x24", screen(&home, 80, 24));

    let mut list = records();
    insta::assert_snapshot!("records_80x24", screen(&list, 80, 24));
    list.records_filter = "ell".into();
    insta::assert_snapshot!("records_filtered_80x24", screen(&list, 80, 24));
}

#[test]
fn dialogs_over_the_wizard() {
    let mut app = wizard("safety");
    app.overlay = Some(Overlay::Help { scroll: 0 });
    insta::assert_snapshot!("help_80x24", screen(&app, 80, 24));
    app.overlay = Some(Overlay::QuitConfirm { button: 0 });
    insta::assert_snapshot!("quit_confirm_80x24", screen(&app, 80, 24));
    app.overlay = Some(Overlay::FlagDetail { flag: 0, scroll: 0 });
    insta::assert_snapshot!("flag_detail_80x24", screen(&app, 80, 24));
    app.overlay = Some(Overlay::Summary { scroll: 0 });
    insta::assert_snapshot!("summary_120x40", screen(&app, 120, 40));
    app.overlay = Some(Overlay::Amend { by: "J. Okafor".into(), reason: String::new(), field: 1, problem: None });
    insta::assert_snapshot!("amend_80x24", screen(&app, 80, 24));
}

#[test]
fn a_terminal_below_80x24_says_so_and_keeps_the_state() {
    let app = wizard("safety");
    insta::assert_snapshot!("too_small_79x23", screen(&app, 79, 23));
    assert!(screen(&app, 80, 24).contains("Safety screen"), "back at full size, the same section");
}

/// The flag panel is where colour and bold carry meaning: in colour, and with NO_COLOR, where
/// severities must still differ (by symbol, word and modifiers).
#[test]
fn the_flag_panel_styles_in_colour_and_without() {
    let app = wizard("safety");
    for (name, theme) in [("colour", COLOUR), ("no_color", MONO)] {
        let buffer = render(&app, theme, 120, 40);
        // The panel is the right-hand 40 columns at this width; the banner and title rows too.
        insta::assert_snapshot!(format!("flag_panel_styles_{name}"), styles(&buffer, 80, 40, 0..30));
    }
    let mono = render(&app, MONO, 120, 40);
    let used: std::collections::BTreeSet<String> = (0..40)
        .flat_map(|y| (0..120).map(move |x| (x, y)))
        .filter_map(|(x, y)| {
            let style = mono[(x, y)].style();
            style.fg.or(style.bg).filter(|c| *c != Color::Reset).map(|c| format!("{c:?}"))
        })
        .collect();
    assert!(used.is_empty(), "NO_COLOR uses no colour at all: {used:?}");
}

/// Every screen and dialog at every size: no panic, whatever the window.
#[test]
fn every_screen_renders_at_every_size_from_0x0_to_300x100() {
    let mut screens = vec![app(), records()];
    for section in ["patient", "safety", "goals", "decision"] {
        screens.push(wizard(section));
    }
    for overlay in [
        Overlay::Help { scroll: 3 },
        Overlay::QuitConfirm { button: 2 },
        Overlay::FlagDetail { flag: 1, scroll: 0 },
        Overlay::Summary { scroll: 5 },
        Overlay::Amend { by: "x".repeat(300), reason: "y".into(), field: 0, problem: Some("both".into()) },
        Overlay::Text { title: "T".into(), lines: vec!["line".into(); 50], scroll: 100 },
    ] {
        let mut app = wizard("red_flags");
        app.overlay = Some(overlay);
        screens.push(app);
    }
    let mut terminal = Terminal::new(TestBackend::new(1, 1)).unwrap();
    let mut sizes: Vec<(u16, u16)> = Vec::new();
    for height in [0, 1, 2, 5, 10, 23, 24, 25, 40, 100] {
        sizes.extend((0..=300).step_by(3).map(|w| (w, height)));
    }
    for width in [0, 1, 2, 10, 79, 80, 81, 120, 300] {
        sizes.extend((0..=100).map(|h| (width, h)));
    }
    for app in &screens {
        for &(width, height) in &sizes {
            terminal.backend_mut().resize(width, height);
            terminal.resize(ratatui::layout::Rect::new(0, 0, width, height)).unwrap();
            terminal.draw(|frame| view(app, COLOUR, frame)).unwrap();
        }
    }
}
