//! Whole screens rendered into ratatui's TestBackend and kept as insta snapshots: every section of
//! the intake at 80x24 and 120x40 with the full intake loaded (several flags firing), the home and
//! records screens, every dialog, the too-small screen; style snapshots of the flag panel and the
//! referral banner, where colour and bold carry meaning (in colour and under NO_COLOR); and a sweep
//! of every screen and dialog at every size from 0x0 to 300x100 that must never panic.
//!
//! The clock and the ids are fixed, so the snapshots are the same on every run. After a change,
//! `INSTA_UPDATE=always cargo test --test tui_snapshots`, then read `git diff tests/snapshots/`
//! as a clinician would: the snapshots are what is on the screen.

use chrono::{NaiveDate, TimeZone, Utc};
use physio_intake::content::Content;
use physio_intake::record::{Record, Status};
use physio_intake::report::VerdictReport;
use physio_intake::store::drafts::DraftSummary;
use physio_intake::store::index::ListEntry;
use physio_intake::tui::app::{App, Dialog, Home, Question, Records, Screen, Session, WhoWhy, completed_banner};
use physio_intake::tui::dialogs::reading::SummaryView;
use physio_intake::tui::form::Form;
use physio_intake::tui::screens::cases::CaseList;
use physio_intake::tui::theme::Theme;
use physio_intake::tui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::{Color, Modifier, Style};
use serde_json::{Map, Value, json};

const COLOUR: Theme = Theme { colour: true };
const MONO: Theme = Theme { colour: false };

fn content() -> &'static Content {
    Content::embedded().unwrap_or_else(|e| panic!("{e}"))
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).expect("a date")
}

/// Home, at a fixed time, with fixed ids.
fn app() -> App {
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 9, 30, 0).single().expect("a time");
    App::new(content(), now, today(), Box::new(|| Ok("01SNAP0000000000000000000X".to_owned())))
}

fn full_intake() -> Map<String, Value> {
    let file: Value = serde_json::from_str(include_str!("fixtures/full_intake.json")).unwrap_or_else(|e| panic!("{e}"));
    file["answers"].as_object().cloned().unwrap_or_default()
}

/// The full intake with two red flags more: chest symptoms (STOP, emergency referral) and foot
/// drop (STOP, urgent referral), so every badge and both banners show.
fn red_flag_intake() -> Map<String, Value> {
    let mut answers = full_intake();
    answers.insert("redflag.chest_symptoms".into(), json!(true));
    answers.insert("redflag.foot_drop".into(), json!(true));
    answers
}

/// The wizard on a section with these answers, focused on the section's first question.
fn wizard_with(answers: &Map<String, Value>, section: &str) -> App {
    let mut form = Form::from_answers(content(), answers, today());
    form.section = content().questionnaire.sections.iter().position(|s| s.id == section).expect("a section");
    let mut app = app();
    app.screen = Screen::Wizard(Box::new(Session::new(form, "01SNAPDRAFT000000000000000".into(), None)));
    app
}

fn wizard(section: &str) -> App {
    wizard_with(&full_intake(), section)
}

/// The wizard focused on one question (its editor open).
fn wizard_on(item: &str) -> App {
    let id = content().questionnaire.id(item).expect("an item");
    let section = content().questionnaire.section_of(id).id.clone();
    let mut app = wizard(&section);
    let session = app.session_mut().expect("a session");
    session.form.focus = session.form.visible_items(content()).iter().position(|i| *i == id).expect("shown");
    app
}

/// The session as a completed record opened from the records browser: read-only, F5 amends it.
fn completed(mut app: App) -> App {
    let now = app.now;
    if let Some(session) = app.session_mut() {
        let record =
            Record::new(content(), "01SNAPREC0000000000000001".into(), &session.form.answers, Status::Completed, now);
        session.record = Some(record);
        session.read_only = Some(completed_banner());
    }
    app
}

fn entry(n: u32, patient: &str, date: &str, status: &str, massage: &str, referral: &str) -> ListEntry {
    ListEntry {
        id: format!("01SNAPREC{n:017}"),
        visit_date: Some(date.into()),
        patient: Some(patient.into()),
        status: status.into(),
        revision: 1,
        updated_at: "2026-11-22T09:00:00+00:00".into(),
        verdict: Some(VerdictReport { massage: massage.into(), referral: referral.into() }),
        read_only: false,
        integrity: None,
    }
}

/// The records browser with a few records, as the store lists them (newest visit first).
fn records() -> App {
    let mut app = app();
    app.screen = Screen::Records(Records::new(vec![
        entry(1, "Margaret Ellis", "2026-11-22", "completed", "avoid", "routine"),
        entry(2, "Tomas Reyes", "2026-11-20", "in_progress", "clear", "none"),
        entry(3, "Ana Ellison", "2026-10-02", "amended", "stop", "emergency"),
        entry(4, "Wei Zhang", "2026-09-14", "completed", "modify", "none"),
        ListEntry { patient: None, verdict: None, ..entry(5, "", "2026-09-01", "in_progress", "", "") },
    ]));
    app
}

/// Type a filter into the records browser.
fn filter(app: &mut App, words: &str) {
    if let Screen::Records(records) = &mut app.screen {
        records.set_filter(words);
    }
}

fn recovery() -> App {
    let mut app = app();
    let draft = |n: u32, patient: Option<&str>, minute: u32| DraftSummary {
        id: format!("01SNAPDRAFT{n:015}"),
        record_id: None,
        patient: patient.map(str::to_owned),
        saved_at: Utc.with_ymd_and_hms(2026, 11, 22, 9, minute, 0).single().expect("a time"),
        other_host: None,
    };
    app.drafts = vec![draft(1, Some("Margaret Ellis"), 12), draft(2, None, 3)];
    app.dialog = Some(Dialog::Ask { question: Question::Recover { draft: 0 }, button: 0 });
    app
}

fn render(app: &App, theme: Theme, width: u16, height: u16) -> Buffer {
    let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap_or_else(|e| match e {});
    terminal.draw(|frame| view(app, theme, frame)).unwrap_or_else(|e| match e {});
    terminal.backend().buffer().clone()
}

/// The screen as text, one line per row, trailing blanks trimmed.
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

/// A colour by name: the theme's Okabe-Ito hues, or as ratatui names it.
fn colour_name(colour: Color) -> String {
    match colour {
        Color::Rgb(213, 94, 0) => "vermillion".into(),
        Color::Rgb(230, 159, 0) => "orange".into(),
        Color::Rgb(0, 114, 178) => "blue".into(),
        Color::Rgb(86, 180, 233) => "sky".into(),
        Color::Rgb(150, 150, 150) => "grey".into(),
        Color::Rgb(40, 60, 90) => "navy".into(),
        other => format!("{other:?}").to_lowercase(),
    }
}

/// `{fg on bg +bold+reversed}`, or `{}` for the terminal's default style.
fn style_name(style: Style) -> String {
    let mut words = Vec::new();
    if let Some(fg) = style.fg.filter(|c| *c != Color::Reset) {
        words.push(colour_name(fg));
    }
    if let Some(bg) = style.bg.filter(|c| *c != Color::Reset) {
        words.push(format!("on {}", colour_name(bg)));
    }
    let modifiers = style.add_modifier - style.sub_modifier;
    let names: Vec<String> = modifiers.iter_names().map(|(name, _)| name.to_lowercase()).collect();
    if !names.is_empty() {
        words.push(format!("+{}", names.join("+")));
    }
    format!("{{{}}}", words.join(" "))
}

/// The style runs of an area, one line per row: `{style}text` at each change of style. Trailing
/// blanks in the default style are dropped.
fn style_runs(buffer: &Buffer, area: Rect) -> String {
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        let mut last = String::from("{}");
        for x in area.left()..area.right() {
            let cell = &buffer[(x, y)];
            let style = style_name(cell.style());
            if style != last {
                line.push_str(&style);
                last = style;
            }
            line.push_str(cell.symbol());
        }
        let line = line.trim_end();
        let line = line.strip_suffix("{}").unwrap_or(line).trim_end();
        out.push_str(&format!("{:>2} {line}\n", y));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Screens

#[test]
fn every_section_at_80x24_and_120x40() {
    let sections: Vec<&str> = content().questionnaire.sections.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        sections,
        ["patient", "history", "symptoms", "red_flags", "safety", "yellow_flags", "goals", "examination", "decision"]
    );
    for section in sections {
        let app = wizard(section);
        insta::assert_snapshot!(format!("section_{section}_80x24"), screen(&app, 80, 24));
        insta::assert_snapshot!(format!("section_{section}_120x40"), screen(&app, 120, 40));
    }
}

#[test]
fn the_open_editors_at_80x24() {
    // The body chart, the options of a choice, a long note being typed, an answer in error.
    insta::assert_snapshot!("editor_body_chart_80x24", screen(&wizard_on("screen.open_wound.regions"), 80, 24));
    insta::assert_snapshot!("editor_choice_80x24", screen(&wizard_on("complaint.condition"), 80, 24));
    let mut notes = wizard_on("decision.notes");
    if let Some(session) = notes.session_mut() {
        let id = content().questionnaire.id("decision.notes").expect("an item");
        let text = "Light pressure only; avoid right lower leg and left leg veins; GP letter re BP. \
                    Explained why the calf is left alone today and when to seek help.";
        let mut area = physio_intake::tui::form::notes_area(vec!["Plan agreed with the patient:".into(), text.into()]);
        area.move_cursor(ratatui_textarea::CursorMove::Bottom);
        area.move_cursor(ratatui_textarea::CursorMove::End);
        session.form.fields[id.index()] = physio_intake::tui::form::Field::Notes(Box::new(area));
        session.form.refresh(content());
    }
    insta::assert_snapshot!("editor_long_notes_80x24", screen(&notes, 80, 24));
    let mut invalid = full_intake();
    invalid.insert("pain.now".into(), json!(12));
    invalid.insert("patient.dob".into(), json!("1958-02-30"));
    let mut app = wizard_with(&invalid, "symptoms");
    insta::assert_snapshot!("invalid_answer_80x24", screen(&app, 80, 24));
    app.session_mut().expect("a session").form.section = 0;
    insta::assert_snapshot!("invalid_date_80x24", screen(&app, 80, 24));
}

#[test]
fn a_new_intake_at_80x24() {
    let mut app = app();
    app.screen = Screen::Wizard(Box::new(Session::new(
        Form::new(content(), today()),
        "01SNAPDRAFT000000000000000".into(),
        None,
    )));
    insta::assert_snapshot!("new_intake_80x24", screen(&app, 80, 24));
}

#[test]
fn referral_banners_and_read_only_records_at_80x24() {
    let app = wizard_with(&red_flag_intake(), "red_flags");
    insta::assert_snapshot!("banners_80x24", screen(&app, 80, 24));
    let app = completed(wizard("patient"));
    insta::assert_snapshot!("read_only_80x24", screen(&app, 80, 24));
}

#[test]
fn home_records_and_recovery() {
    insta::assert_snapshot!("home_80x24", screen(&app(), 80, 24));
    insta::assert_snapshot!("recovery_80x24", screen(&recovery(), 80, 24));
    let mut home = recovery();
    home.dialog = None;
    home.screen = Screen::Home(Home { cursor: 1 });
    insta::assert_snapshot!("home_with_drafts_80x24", screen(&home, 80, 24));

    let mut list = records();
    insta::assert_snapshot!("records_80x24", screen(&list, 80, 24));
    insta::assert_snapshot!("records_120x40", screen(&list, 120, 40));
    filter(&mut list, "ell");
    insta::assert_snapshot!("records_filtered_80x24", screen(&list, 80, 24));
    filter(&mut list, "nobody");
    insta::assert_snapshot!("records_no_match_80x24", screen(&list, 80, 24));
    let mut empty = app();
    empty.screen = Screen::Records(Records::default());
    insta::assert_snapshot!("records_empty_80x24", screen(&empty, 80, 24));
}

#[test]
fn dialogs_over_the_wizard() {
    let mut over = wizard("safety");
    over.dialog = Some(Dialog::Help { scroll: 0 });
    insta::assert_snapshot!("help_80x24", screen(&over, 80, 24));
    insta::assert_snapshot!("help_120x40", screen(&over, 120, 40));
    over.dialog = Some(Dialog::Ask { question: Question::Quit, button: 0 });
    insta::assert_snapshot!("quit_confirm_80x24", screen(&over, 80, 24));
    over.dialog = Some(Dialog::FlagDetail { flag: 0, scroll: 0 });
    insta::assert_snapshot!("flag_detail_80x24", screen(&over, 80, 24));
    over.dialog = Some(summary_of(&over));
    insta::assert_snapshot!("summary_80x24", screen(&over, 80, 24));
    insta::assert_snapshot!("summary_120x40", screen(&over, 120, 40));
    let mut amend = completed(wizard("safety"));
    amend.dialog = Some(Dialog::Amend(WhoWhy { by: "J. Okafor".into(), why: String::new(), field: 1, problem: None }));
    insta::assert_snapshot!("amend_80x24", screen(&amend, 80, 24));

    // F10 on a new intake: what blocks completion.
    let mut fresh = app();
    fresh.screen = Screen::Wizard(Box::new(Session::new(
        Form::new(content(), today()),
        "01SNAPDRAFT000000000000000".into(),
        None,
    )));
    fresh.dialog = Some(Dialog::Gate { cursor: 0 });
    insta::assert_snapshot!("not_completed_80x24", screen(&fresh, 80, 24));
}

#[test]
fn a_terminal_below_80x24_says_so_and_keeps_the_state() {
    let app = wizard("safety");
    insta::assert_snapshot!("too_small_79x23", screen(&app, 79, 23));
    assert_eq!(screen(&app, 80, 23), screen(&app, 79, 23).replace("79x23", "80x23"));
    assert!(screen(&app, 80, 24).contains("Safety screen"), "back at full size, the same section");
}

// ---------------------------------------------------------------------------------------------
// Style: where colour and emphasis carry meaning

/// The flag panel and the banners, where colour and bold carry meaning: in colour, and with
/// NO_COLOR, where the severities must still differ by symbol, word and modifier.
#[test]
fn the_flag_panel_and_banners_in_colour_and_without() {
    let mut app = wizard_with(&red_flag_intake(), "red_flags");
    // The cursor on the third flag, to show the selection against the badges.
    app.session_mut().expect("a session").flag_focus = Some(2);
    for (name, theme) in [("colour", COLOUR), ("no_color", MONO)] {
        let buffer = render(&app, theme, 120, 40);
        // Title and both banners across the width; then the panel: the right-hand 40 columns,
        // less the border, so that each row starts with its own style.
        let banners = style_runs(&buffer, Rect::new(0, 0, 120, 3));
        let panel = style_runs(&buffer, Rect::new(81, 3, 39, 26));
        insta::assert_snapshot!(format!("flag_panel_styles_{name}"), format!("{banners}---\n{panel}"));
    }

    let mono = render(&app, MONO, 120, 40);
    let coloured: Vec<(u16, u16)> = (0..40)
        .flat_map(|y| (0..120).map(move |x| (x, y)))
        .filter(|&(x, y)| {
            let style = mono[(x, y)].style();
            [style.fg, style.bg].iter().flatten().any(|c| *c != Color::Reset)
        })
        .collect();
    assert!(coloured.is_empty(), "NO_COLOR uses no colour at all: {coloured:?}");

    // Without colour, each badge still has its own word and symbol, and STOP stands out.
    let text = text(&mono);
    for badge in ["■ STOP", "▲ AVOID", "● MODIFY", "○ NOTE", "REFER EMERGENCY", "REFER URGENT"] {
        assert!(text.contains(badge), "{badge} missing:\n{text}");
    }
    let modifiers_of = |needle: &str| {
        let y = (0..40).find(|&y| {
            let row: String = (80..120).map(|x| mono[(x, y)].symbol()).collect();
            row.contains(needle)
        });
        let y = y.unwrap_or_else(|| panic!("{needle} not in the panel"));
        let x = (80..120).find(|&x| mono[(x, y)].symbol() == needle.chars().next().unwrap_or(' ').to_string());
        mono[(x.unwrap_or(81), y)].style().add_modifier
    };
    let stop = modifiers_of("■ STOP Chest");
    let avoid = modifiers_of("▲ AVOID");
    let modify = modifiers_of("● MODIFY Raised");
    assert!(stop.contains(Modifier::REVERSED | Modifier::BOLD), "{stop:?}");
    assert_ne!(stop, avoid);
    assert_ne!(avoid, modify);
    assert_ne!(stop, modify);
}

// ---------------------------------------------------------------------------------------------
// The sweep

/// Every screen and dialog the app can show.
/// Practice: the case list, and an attempt on a case with its story beside the form.
fn practice(on_case: bool) -> App {
    let mut app = app();
    app.enter_practice(physio_intake::practice::Cases::embedded(content()).unwrap(), None);
    if on_case {
        let cases = &app.practice.as_ref().unwrap().cases.cases;
        let index = cases.iter().position(|c| c.id == "foundation-fever-came-anyway").unwrap();
        app.screen = Screen::Practice(CaseList { cursor: index });
        let _ = physio_intake::tui::app::update(
            &mut app,
            physio_intake::tui::app::Msg::Key(ratatui::crossterm::event::KeyEvent::from(
                ratatui::crossterm::event::KeyCode::Enter,
            )),
        );
    }
    app
}

#[test]
fn practice_cases_and_an_attempt_with_its_story_at_80x24() {
    insta::assert_snapshot!("practice_cases_80x24", screen(&practice(false), 80, 24));
    insta::assert_snapshot!("practice_attempt_80x24", screen(&practice(true), 80, 24));
    let mut leaving = practice(true);
    leaving.dialog = Some(Dialog::Ask { question: Question::LeaveAttempt, button: 0 });
    insta::assert_snapshot!("practice_leave_80x24", screen(&leaving, 80, 24));
}

fn every_screen() -> Vec<(String, App)> {
    let mut screens =
        vec![("home".to_owned(), app()), ("recovery".to_owned(), recovery()), ("records".into(), records())];
    screens.push(("practice cases".into(), practice(false)));
    screens.push(("practice attempt".into(), practice(true)));
    let mut filtered = records();
    filter(&mut filtered, "zzz");
    screens.push(("records: no match".into(), filtered));
    let mut empty = app();
    empty.screen = Screen::Records(Records::default());
    screens.push(("records: none".into(), empty));
    for section in &content().questionnaire.sections {
        screens.push((format!("section {}", section.id), wizard_with(&red_flag_intake(), &section.id)));
    }
    for item in ["screen.open_wound.regions", "complaint.condition", "pain.quality", "decision.notes", "patient.name"] {
        screens.push((format!("editor {item}"), wizard_on(item)));
    }
    let mut flags = wizard_with(&red_flag_intake(), "safety");
    flags.session_mut().expect("a session").flag_focus = Some(14);
    screens.push(("flag panel focus".into(), flags));
    let mut read_only = completed(wizard("goals"));
    read_only.session_mut().expect("a session").read_only = Some("x".repeat(400));
    screens.push(("read-only".into(), read_only));
    let mut blank = app();
    blank.screen = Screen::Wizard(Box::new(Session::new(
        Form::new(content(), today()),
        "01SNAPDRAFT000000000000000".into(),
        None,
    )));
    screens.push(("new intake".into(), blank));
    let with_red_flags = wizard_with(&red_flag_intake(), "red_flags");
    for overlay in [
        Dialog::Help { scroll: 0 },
        Dialog::Help { scroll: 500 },
        Dialog::Ask { question: Question::Quit, button: 2 },
        Dialog::FlagDetail { flag: 1, scroll: 0 },
        Dialog::FlagDetail { flag: 99, scroll: 0 },
        Dialog::Summary { scroll: 5, view: Box::new(SummaryView::of(session_of(&with_red_flags), content())) },
        Dialog::Amend(WhoWhy { by: "x".repeat(300), why: "y".into(), field: 0, problem: Some("both".into()) }),
        Dialog::Text { title: "T".repeat(200), lines: vec!["line ".repeat(40); 30], scroll: 100 },
        Dialog::Ask { question: Question::Recover { draft: 1 }, button: 1 },
    ] {
        let mut app = wizard_with(&red_flag_intake(), "red_flags");
        app.drafts = recovery().drafts.clone();
        screens.push((format!("{overlay:?}").chars().take(40).collect(), {
            app.dialog = Some(overlay);
            app
        }));
    }
    screens
}

/// Draw each screen at each size, in colour and (for every seventh width) without: never a panic.
/// Straight into the frame's buffer: the terminal's diff and flush are ratatui's, not ours, and
/// would triple the time in a debug build.
fn sweep(screens: &[(String, App)], sizes: &[(u16, u16)]) {
    let mut terminal = Terminal::new(TestBackend::new(1, 1)).unwrap_or_else(|e| match e {});
    for &(width, height) in sizes {
        terminal.backend_mut().resize(width, height);
        terminal.resize(Rect::new(0, 0, width, height)).unwrap_or_else(|e| match e {});
        let themes: &[Theme] = if width % 7 == 0 { &[COLOUR, MONO] } else { &[COLOUR] };
        for (name, app) in screens {
            for &theme in themes {
                terminal.current_buffer_mut().reset();
                let mut frame = terminal.get_frame();
                let drawn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| view(app, theme, &mut frame)));
                assert!(drawn.is_ok(), "{name} panicked at {width}x{height} (colour: {})", theme.colour);
            }
        }
    }
}

/// The sizes where the layout is drawn (80x24 and up): every width across the breakpoints (80,
/// the 106 where dialogs stop growing, the 110 where the flag panel widens) at the smallest and a
/// roomy height, every height from 24 to 45 at the narrowest and widest, then a few large ones.
fn layout_sizes() -> Vec<(u16, u16)> {
    let mut sizes = Vec::new();
    for height in [24, 40] {
        sizes.extend((80..=125).map(|width| (width, height)));
    }
    for width in [80, 300] {
        sizes.extend((25..=45).map(|height| (width, height)));
    }
    for width in [81, 120, 150, 299, 300] {
        sizes.extend([60, 100].map(|height| (width, height)));
    }
    sizes
}

/// Below 80x24 every screen is the same "too small" notice (the state is kept, not drawn): the
/// whole range of small sizes once, 0x0 to 300x23 and 79x100, then a sample for every screen.
#[test]
fn every_size_below_80x24_says_too_small_without_a_panic() {
    let mut sizes: Vec<(u16, u16)> = Vec::new();
    for height in [0, 1, 2, 5, 10, 23] {
        sizes.extend((0..=300).map(|width| (width, height)));
    }
    for height in [24, 25, 40, 100] {
        sizes.extend((0..80).map(|width| (width, height)));
    }
    for width in [0, 1, 2, 10, 79] {
        sizes.extend((0..=100).map(|height| (width, height)));
    }
    let screens = every_screen();
    sweep(&screens[..1], &sizes);
    let sample: Vec<(u16, u16)> = sizes.iter().copied().step_by(97).chain([(0, 0), (79, 100), (300, 23)]).collect();
    sweep(&screens, &sample);
    let app = &screens[0].1;
    for (width, height) in [(79, 100), (300, 23), (20, 5)] {
        assert!(screen(app, width, height).contains("Terminal too small"), "{width}x{height}");
    }
}

#[test]
fn home_and_records_render_at_every_size_up_to_300x100() {
    let screens: Vec<_> =
        every_screen().into_iter().filter(|(n, _)| n.starts_with("home") || n.starts_with("rec")).collect();
    sweep(&screens, &layout_sizes());
}

#[test]
fn every_section_renders_at_every_size_up_to_300x100() {
    let screens: Vec<_> = every_screen().into_iter().filter(|(n, _)| n.starts_with("section")).collect();
    assert_eq!(screens.len(), 9);
    sweep(&screens, &layout_sizes());
}

#[test]
fn every_editor_and_banner_renders_at_every_size_up_to_300x100() {
    let screens: Vec<_> = every_screen()
        .into_iter()
        .filter(|(n, _)| {
            n.starts_with("editor") || ["flag panel focus", "read-only", "new intake"].contains(&n.as_str())
        })
        .collect();
    sweep(&screens, &layout_sizes());
}

#[test]
fn every_dialog_renders_at_every_size_up_to_300x100() {
    let screens: Vec<_> = every_screen().into_iter().filter(|(_, app)| app.dialog.is_some()).collect();
    assert!(screens.len() >= 10);
    sweep(&screens, &layout_sizes());
}

/// The first frame is drawn before the content loads, by its own function: it must be, cell for
/// cell and style for style, the home screen the app then draws, or the screen would jump.
#[test]
fn the_first_frame_drawn_before_the_content_is_the_home_screen_the_app_draws() {
    let app = app();
    for (width, height) in [(80, 24), (120, 40), (300, 100), (79, 24), (40, 10), (1, 1), (0, 0)] {
        for colour in [true, false] {
            let theme = Theme { colour };
            let draw = |first: bool| {
                let mut terminal = Terminal::new(TestBackend::new(width, height)).unwrap_or_else(|e| match e {});
                terminal
                    .draw(|frame| {
                        if first {
                            physio_intake::tui::view::first_frame(theme, frame)
                        } else {
                            view(&app, theme, frame)
                        }
                    })
                    .unwrap_or_else(|e| match e {});
                terminal.backend().buffer().clone()
            };
            assert_eq!(draw(true), draw(false), "{width}x{height}, colour {colour}");
        }
    }
}

/// The app's open intake.
fn session_of(app: &App) -> &Session {
    match &app.screen {
        Screen::Wizard(session) => session,
        _ => panic!("no open intake"),
    }
}

/// The summary dialog as F3 opens it over this app's intake.
fn summary_of(app: &App) -> Dialog {
    Dialog::summary(session_of(app), content())
}
