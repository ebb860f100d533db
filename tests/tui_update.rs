//! `update()` driven by key events alone: no terminal, no disk, no clock. Navigation, the quit
//! dialog, show-when, validation, live flags, banners, autosave timing, help and paste.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use physio_intake::content::Content;
use physio_intake::tui::app::{App, Effect, Msg, Overlay, Screen, update};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use serde_json::{Value, json};

fn content() -> &'static Content {
    Content::embedded().unwrap_or_else(|e| panic!("{e}"))
}

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap()
}

fn app() -> App {
    let mut counter = 0;
    let ids = Box::new(move || {
        counter += 1;
        format!("01TEST{counter:020}")
    });
    App::new(content(), start(), NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(), ids)
}

fn key(app: &mut App, code: KeyCode) -> Vec<Effect> {
    update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn with(app: &mut App, code: KeyCode, modifiers: KeyModifiers) -> Vec<Effect> {
    update(app, Msg::Key(KeyEvent::new(code, modifiers)))
}

fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        key(app, KeyCode::Char(c));
    }
}

/// Home → New intake.
fn intake() -> App {
    let mut app = app();
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.screen, Screen::Wizard);
    app
}

fn focused(app: &App) -> String {
    let session = app.session.as_ref().unwrap();
    session.form.focused_item(content()).map(|id| content().questionnaire.item(id).id.clone()).unwrap_or_default()
}

fn section(app: &App) -> String {
    content().questionnaire.sections[app.session.as_ref().unwrap().form.section].id.clone()
}

fn visible(app: &App) -> Vec<String> {
    let session = app.session.as_ref().unwrap();
    session.form.visible_items(content()).iter().map(|id| content().questionnaire.item(*id).id.clone()).collect()
}

/// Move to an item with the keys a clinician would use (PgDn between sections, Tab within).
fn go_to(app: &mut App, item: &str) {
    let id = content().questionnaire.id(item).unwrap();
    let target = content().questionnaire.section_of(id).id.clone();
    let index = |id: &str| content().questionnaire.sections.iter().position(|s| s.id == id).unwrap();
    while index(&section(app)) > index(&target) {
        key(app, KeyCode::PageUp);
    }
    while index(&section(app)) < index(&target) {
        key(app, KeyCode::PageDown);
    }
    for _ in 0..80 {
        if focused(app) == item {
            return;
        }
        key(app, KeyCode::Tab);
    }
    panic!("{item} not reached; at {}", focused(app));
}

fn answer(app: &App, item: &str) -> Option<Value> {
    app.session.as_ref().unwrap().form.draft_answers(content()).get(item).cloned()
}

fn flags(app: &App) -> Vec<String> {
    let session = app.session.as_ref().unwrap();
    session.form.assessment.flags.iter().map(|f| content().rulebook.rule(f.rule).id.clone()).collect()
}

#[test]
fn a_new_intake_opens_on_the_patient_section_with_todays_visit_date() {
    let app = intake();
    assert_eq!((section(&app).as_str(), focused(&app).as_str()), ("patient", "patient.name"));
    assert_eq!(answer(&app, "visit.date"), Some(json!("2026-11-22")));
}

#[test]
fn tab_and_every_shift_tab_variant_move_between_questions_and_across_sections() {
    let mut app = intake();
    key(&mut app, KeyCode::Tab);
    assert_eq!(focused(&app), "patient.dob");
    key(&mut app, KeyCode::BackTab);
    assert_eq!(focused(&app), "patient.name");
    key(&mut app, KeyCode::Tab);
    with(&mut app, KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(focused(&app), "patient.name", "BackTab with SHIFT set (some terminals)");
    key(&mut app, KeyCode::Tab);
    with(&mut app, KeyCode::Tab, KeyModifiers::SHIFT);
    assert_eq!(focused(&app), "patient.name", "Tab with SHIFT (kitty protocol)");

    let items = visible(&app).len();
    for _ in 0..items {
        key(&mut app, KeyCode::Tab);
    }
    assert_eq!(section(&app), "history", "Tab past the last question goes to the next section");
    key(&mut app, KeyCode::BackTab);
    assert_eq!((section(&app).as_str(), focused(&app).as_str()), ("patient", "visit.consent"));
    key(&mut app, KeyCode::PageDown);
    key(&mut app, KeyCode::PageDown);
    assert_eq!(section(&app), "symptoms");
    key(&mut app, KeyCode::PageUp);
    assert_eq!(section(&app), "history");
}

#[test]
fn esc_never_quits_anywhere() {
    let mut home = app();
    assert!(!key(&mut home, KeyCode::Esc).contains(&Effect::Quit));
    let mut app = intake();
    type_text(&mut app, "Ann");
    for _ in 0..3 {
        assert_eq!(key(&mut app, KeyCode::Esc), Vec::new());
    }
    assert!(!app.quitting);
    assert_eq!(answer(&app, "patient.name"), Some(json!("Ann")), "and never discards what was typed");
    key(&mut app, KeyCode::F(1));
    assert!(matches!(app.overlay, Some(Overlay::Help { .. })));
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.overlay, None, "Esc closes the overlay, nothing more");
    assert_eq!(app.screen, Screen::Wizard);
}

#[test]
fn quitting_with_nothing_unsaved_quits_at_once() {
    let mut home = app();
    assert_eq!(with(&mut home, KeyCode::Char('q'), KeyModifiers::CONTROL), vec![Effect::Quit]);
    let mut fresh = intake();
    assert_eq!(with(&mut fresh, KeyCode::Char('q'), KeyModifiers::CONTROL), vec![Effect::Quit]);
}

#[test]
fn quitting_with_unsaved_work_asks_save_discard_or_cancel() {
    let ctrl_q = |app: &mut App| with(app, KeyCode::Char('q'), KeyModifiers::CONTROL);
    let mut app = intake();
    type_text(&mut app, "Ann Lee");

    assert_eq!(ctrl_q(&mut app), Vec::new());
    assert_eq!(app.overlay, Some(Overlay::QuitConfirm { button: 0 }));
    key(&mut app, KeyCode::Right);
    key(&mut app, KeyCode::Right);
    assert_eq!(key(&mut app, KeyCode::Enter), Vec::new(), "Cancel");
    assert_eq!((app.overlay.clone(), app.quitting), (None, false));

    ctrl_q(&mut app);
    let effects = key(&mut app, KeyCode::Enter); // Save
    assert!(matches!(effects.as_slice(), [Effect::SaveRecord(record)] if record.patient() == Some("Ann Lee")));
    assert!(app.quit_after_save, "quits once the save is confirmed");

    let mut app = intake();
    type_text(&mut app, "Ann Lee");
    ctrl_q(&mut app);
    key(&mut app, KeyCode::Left);
    key(&mut app, KeyCode::Left); // wraps round to Discard
    let effects = key(&mut app, KeyCode::Enter);
    assert_eq!(effects, vec![Effect::DiscardDraft("01TEST00000000000000000001".into()), Effect::Quit]);
}

#[test]
fn a_yes_shows_the_follow_on_questions_and_a_no_hides_them() {
    let mut app = intake();
    go_to(&mut app, "screen.open_wound");
    assert!(!visible(&app).contains(&"screen.open_wound.regions".to_owned()));
    key(&mut app, KeyCode::Char('y'));
    assert!(visible(&app).contains(&"screen.open_wound.regions".to_owned()));
    key(&mut app, KeyCode::Char('n'));
    assert!(!visible(&app).contains(&"screen.open_wound.regions".to_owned()));

    go_to(&mut app, "screen.pregnant");
    assert!(!visible(&app).contains(&"pregnancy.weeks".to_owned()));
    key(&mut app, KeyCode::Char('y'));
    for item in ["pregnancy.weeks", "pregnancy.high_risk", "pregnancy.warning_signs"] {
        assert!(visible(&app).contains(&item.to_owned()), "{item}");
    }
}

#[test]
fn invalid_input_is_explained_inline_and_kept_and_only_completion_is_blocked() {
    let mut app = intake();
    key(&mut app, KeyCode::F(10));
    let Some(Overlay::Text { lines, .. }) = &app.overlay else { panic!("completion explains what blocks it") };
    let text = lines.join("\n");
    assert!(text.contains("name") && text.contains("onsent"), "{text}");
    key(&mut app, KeyCode::Esc);

    go_to(&mut app, "patient.dob");
    type_text(&mut app, "1990-13-45");
    let session = app.session.as_ref().unwrap();
    let dob = content().questionnaire.id("patient.dob").unwrap();
    assert!(session.form.problems[dob.index()].is_some(), "explained inline");
    assert_eq!(answer(&app, "patient.dob"), Some(json!("1990-13-45")), "kept as typed");

    type_text(&mut app, "x"); // letters never go into a date
    assert_eq!(answer(&app, "patient.dob"), Some(json!("1990-13-45")));

    assert_eq!(key(&mut app, KeyCode::F(10)), Vec::new());
    let (status, problem) = app.status.clone().unwrap_or_default();
    assert!(problem && status.contains("need attention"), "{status}");

    go_to(&mut app, "pain.now");
    type_text(&mut app, "11");
    let pain = content().questionnaire.id("pain.now").unwrap();
    assert!(app.session.as_ref().unwrap().form.problems[pain.index()].is_some(), "out of range");
    assert_eq!(answer(&app, "pain.now"), Some(json!(11)));
}

#[test]
fn flags_rise_live_as_each_answer_is_given() {
    let mut app = intake();
    go_to(&mut app, "screen.open_wound");
    key(&mut app, KeyCode::Char('y'));
    assert!(flags(&app).contains(&"open_wound".to_owned()));
    go_to(&mut app, "meds.anticoagulant");
    key(&mut app, KeyCode::Char('y'));
    assert!(flags(&app).contains(&"anticoagulant".to_owned()));
    key(&mut app, KeyCode::Char('n'));
    assert!(!flags(&app).contains(&"anticoagulant".to_owned()));
}

#[test]
fn an_emergency_referral_pins_a_banner_until_acknowledged() {
    let mut app = intake();
    assert!(app.banner_flags().is_empty());
    go_to(&mut app, "redflag.bladder_bowel");
    key(&mut app, KeyCode::Char('y'));
    assert_eq!(app.banner_flags().len(), 1);
    key(&mut app, KeyCode::PageUp); // moving on does not dismiss it
    assert_eq!(app.banner_flags().len(), 1);
    with(&mut app, KeyCode::Char('a'), KeyModifiers::CONTROL);
    assert!(app.banner_flags().is_empty());
    assert!(flags(&app).contains(&"cauda_equina".to_owned()), "the flag itself stays");
}

#[test]
fn a_draft_is_due_one_second_after_the_last_change_and_at_every_section_change() {
    let mut app = intake();
    type_text(&mut app, "Ann");
    assert_eq!(app.autosave_due(), Some(start() + Duration::milliseconds(1000)));
    app.now = start() + Duration::milliseconds(500);
    assert_eq!(update(&mut app, Msg::Tick), Vec::new());
    app.now = start() + Duration::milliseconds(1000);
    let effects = update(&mut app, Msg::Tick);
    assert!(matches!(effects.as_slice(), [Effect::SaveDraft(draft)] if draft.patient() == Some("Ann")));
    assert_eq!(app.autosave_due(), None);

    type_text(&mut app, "e");
    let effects = key(&mut app, KeyCode::PageDown);
    assert!(matches!(effects.as_slice(), [Effect::SaveDraft(_)]), "a section change saves at once");
}

#[test]
fn question_mark_is_text_in_a_text_field_and_help_elsewhere_f1_is_help_anywhere() {
    let mut app = intake();
    type_text(&mut app, "?");
    assert_eq!(answer(&app, "patient.name"), Some(json!("?")));
    assert_eq!(app.overlay, None);
    key(&mut app, KeyCode::F(1));
    assert!(matches!(app.overlay, Some(Overlay::Help { .. })));
    key(&mut app, KeyCode::Esc);
    go_to(&mut app, "visit.consent");
    key(&mut app, KeyCode::Char('?'));
    assert!(matches!(app.overlay, Some(Overlay::Help { .. })));
}

#[test]
fn a_paste_goes_into_the_focused_field_whole() {
    let mut app = intake();
    update(&mut app, Msg::Paste("Ann\r\nLee".into()));
    assert_eq!(answer(&app, "patient.name"), Some(json!("Ann  Lee")), "one-line fields flatten newlines");
    go_to(&mut app, "complaint.description");
    update(&mut app, Msg::Paste("Low back pain\nsince lifting".into()));
    assert_eq!(answer(&app, "complaint.description"), Some(json!("Low back pain\nsince lifting")));
    go_to(&mut app, "visit.consent");
    assert_eq!(update(&mut app, Msg::Paste("yes".into())), Vec::new(), "a yes/no takes no text");
    assert_eq!(answer(&app, "visit.consent"), None);
}
