//! `update` driven by key events alone, as the clinician presses them: no terminal, no disk, no
//! clock (the app's `now` is set by hand, as the runner would). Each test is a sentence about
//! what the clinician can rely on.

#[path = "common/app.rs"]
mod harness;

use chrono::Duration;
use harness::*;
use physio_intake::tui::app::{
    AUTOSAVE_AFTER_IDLE, AUTOSAVE_AT_MOST_EVERY, App, Dialog, Effect, Msg, Question, Screen, Session, update,
};
use physio_intake::tui::form::{Field, Form};
use physio_intake::tui::theme::Theme;
use physio_intake::tui::view::view;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

// ---------------------------------------------------------------------------------------------
// A small desk (common/app.rs): an app with a fixed clock and fixed ids, and the keys a clinician
// presses; here what only these tests need.

/// Home, then Enter on "New intake".
fn new_intake() -> App {
    let mut app = home();
    let effects = press(&mut app, KeyCode::Enter);
    assert!(effects.is_empty(), "{effects:?}");
    app
}

/// An intake filled from the full-intake fixture, focused on `item` (as benches/keystroke.rs).
fn full_intake_on(item: &str) -> App {
    let file: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/full_intake.json")).unwrap_or_else(|e| panic!("{e}"));
    let answers = file["answers"].as_object().cloned().unwrap_or_default();
    let form = Form::from_answers(content(), &answers, today());
    let mut app = App::new(content(), nine_o_clock(), today(), ids("01TEST"));
    app.screen = Screen::Wizard(Box::new(Session::new(form, "01TESTDRAFT000000000000001".into(), None)));
    focus(&mut app, item);
    app
}

fn section_id(app: &App) -> &'static str {
    &content().questionnaire.sections[session(app).form.section].id
}

/// The ids of the questions shown in the current section.
fn shown(app: &App) -> Vec<String> {
    session(app).form.visible_items(content()).iter().map(|id| content().questionnaire.item(*id).id.clone()).collect()
}

/// Type the clinician's name into the visit section (who acknowledges and overrides).
fn set_clinician(app: &mut App, name: &str) {
    focus(app, "visit.clinician");
    type_text(app, name);
}

/// What is typed in a one-line field (or the lines of a notes field, joined by newlines).
fn typed(app: &App, item: &str) -> String {
    let id = content().questionnaire.id(item).expect("an item");
    match &session(app).form.fields[id.index()] {
        Field::Line(input) => input.value().to_owned(),
        Field::Notes(area) => area.lines().join("\n"),
        other => panic!("{item} is not a text field: {other:?}"),
    }
}

fn problem(app: &App, item: &str) -> Option<String> {
    let id = content().questionnaire.id(item).expect("an item");
    session(app).form.problems[id.index()].as_ref().map(ToString::to_string)
}

/// The rule ids of the flags raised so far.
fn flags(app: &App) -> Vec<String> {
    let rules = &content().rulebook;
    session(app).form.assessment.flags.iter().map(|f| rules.rule(f.rule).id.clone()).collect()
}

fn banner_rules(app: &App) -> Vec<String> {
    let rules = &content().rulebook;
    app.banner_flags().iter().map(|&i| rules.rule(session(app).form.assessment.flags[i].rule).id.clone()).collect()
}

fn is_quit(effects: &[Effect]) -> bool {
    effects.contains(&Effect::Quit)
}

fn saves_record(effects: &[Effect]) -> bool {
    effects.iter().any(|e| matches!(e, Effect::SaveRecord(_)))
}

fn saves_draft(effects: &[Effect]) -> bool {
    effects.iter().any(|e| matches!(e, Effect::SaveDraft(_)))
}

// ---------------------------------------------------------------------------------------------
// Home and moving around

#[test]
fn enter_on_home_starts_a_new_intake_focused_on_the_patient_name() {
    let mut app = home();
    assert!(matches!(app.screen, Screen::Home(_)));
    assert!(app.session().is_none());
    let effects = press(&mut app, KeyCode::Enter);
    assert!(effects.is_empty(), "nothing to save yet: {effects:?}");
    assert!(matches!(app.screen, Screen::Wizard(_)));
    assert_eq!(section_id(&app), "patient");
    assert_eq!(focused(&app), "patient.name");
    assert_eq!(session(&app).draft_id, "01TEST00000000000000000001", "the id comes from the app's id source");
    assert!(!session(&app).unsaved, "a fresh intake has nothing to lose");
    assert_eq!(typed(&app, "visit.date"), "2026-11-22", "the visit date defaults to today");
}

#[test]
fn tab_moves_to_the_next_question_and_every_spelling_of_shift_tab_moves_back() {
    let mut app = new_intake();
    press(&mut app, KeyCode::Tab);
    assert_eq!(focused(&app), "patient.dob");
    press(&mut app, KeyCode::Tab);
    assert_eq!(focused(&app), "patient.sex");
    // Terminals send Shift-Tab as BackTab, BackTab+Shift or Tab+Shift: all go back.
    for (code, modifiers) in [(KeyCode::BackTab, KeyModifiers::NONE), (KeyCode::BackTab, KeyModifiers::SHIFT)] {
        press(&mut app, KeyCode::Tab);
        assert_eq!(focused(&app), "visit.date");
        key(&mut app, code, modifiers);
        assert_eq!(focused(&app), "patient.sex", "{code:?} {modifiers:?} from a list field");
    }
    key(&mut app, KeyCode::Tab, KeyModifiers::SHIFT);
    assert_eq!(focused(&app), "patient.dob", "Tab+Shift from a list field");
    // From a text field too (the date of birth takes text).
    for (code, modifiers) in [
        (KeyCode::BackTab, KeyModifiers::NONE),
        (KeyCode::BackTab, KeyModifiers::SHIFT),
        (KeyCode::Tab, KeyModifiers::SHIFT),
    ] {
        focus(&mut app, "patient.dob");
        key(&mut app, code, modifiers);
        assert_eq!(focused(&app), "patient.name", "{code:?} {modifiers:?} from a text field");
    }
    // And from a yes/no question.
    focus(&mut app, "visit.consent");
    key(&mut app, KeyCode::Tab, KeyModifiers::SHIFT);
    assert_eq!(focused(&app), "visit.referral_source");
}

#[test]
fn tab_on_the_last_question_of_a_section_moves_on_to_the_first_question_of_the_next() {
    let mut app = new_intake();
    focus(&mut app, "visit.consent");
    assert_eq!(shown(&app).last().map(String::as_str), Some("visit.consent"));
    press(&mut app, KeyCode::Tab);
    assert_eq!(section_id(&app), "history");
    assert_eq!(focused(&app), "complaint.description");
}

#[test]
fn shift_tab_on_the_first_question_of_a_section_goes_back_to_the_last_question_of_the_one_before() {
    let mut app = new_intake();
    focus(&mut app, "complaint.description");
    key(&mut app, KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(section_id(&app), "patient");
    assert_eq!(focused(&app), "visit.consent");
}

#[test]
fn tab_on_the_very_last_question_stays_there() {
    let mut app = new_intake();
    focus(&mut app, "decision.next_visit");
    press(&mut app, KeyCode::Tab);
    assert_eq!(section_id(&app), "decision");
    assert_eq!(focused(&app), "decision.next_visit");
}

#[test]
fn shift_tab_on_the_very_first_question_stays_there() {
    let mut app = new_intake();
    assert_eq!(focused(&app), "patient.name");
    key(&mut app, KeyCode::BackTab, KeyModifiers::NONE);
    assert_eq!(section_id(&app), "patient");
    assert_eq!(focused(&app), "patient.name", "Shift-Tab at the very start should not jump to the section's end");
}

#[test]
fn page_down_and_page_up_move_between_sections_and_stop_at_either_end() {
    let mut app = new_intake();
    let ids: Vec<&str> = content().questionnaire.sections.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(
        ids,
        ["patient", "history", "symptoms", "red_flags", "safety", "yellow_flags", "goals", "examination", "decision"]
    );
    for expected in &ids[1..] {
        press(&mut app, KeyCode::PageDown);
        assert_eq!(section_id(&app), *expected);
        assert_eq!(session(&app).form.focus, 0, "a new section starts at its first question");
    }
    press(&mut app, KeyCode::PageDown);
    assert_eq!(section_id(&app), "decision", "PgDn on the last section stays");
    for expected in ids[..ids.len() - 1].iter().rev() {
        press(&mut app, KeyCode::PageUp);
        assert_eq!(section_id(&app), *expected);
    }
    press(&mut app, KeyCode::PageUp);
    assert_eq!(section_id(&app), "patient", "PgUp on the first section stays");
}

#[test]
fn arrows_move_within_a_choice_list_and_between_questions_elsewhere() {
    let mut app = new_intake();
    focus(&mut app, "patient.sex");
    press(&mut app, KeyCode::Down);
    assert_eq!(focused(&app), "patient.sex", "↓ moves among the options of a choice");
    press(&mut app, KeyCode::Char(' '));
    assert_eq!(session(&app).form.answers.to_json(&content().questionnaire, &content().regions)["patient.sex"], "male");
    focus(&mut app, "visit.consent");
    press(&mut app, KeyCode::Up);
    assert_eq!(focused(&app), "visit.referral_source", "↑ on a yes/no question goes to the one above");
}

#[test]
fn section_keys_work_from_inside_a_text_field_without_typing_anything() {
    let mut app = new_intake();
    type_text(&mut app, "Ann");
    press(&mut app, KeyCode::PageDown);
    assert_eq!(section_id(&app), "history");
    press(&mut app, KeyCode::PageUp);
    assert_eq!(typed(&app, "patient.name"), "Ann");
}

// ---------------------------------------------------------------------------------------------
// Esc and quitting

#[test]
fn esc_never_quits_anywhere() {
    // Home.
    let mut app = home();
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert!(!app.quitting);
    assert!(matches!(app.screen, Screen::Home(_)));

    // A text field: Esc leaves what was typed alone.
    let mut app = new_intake();
    type_text(&mut app, "Margaret");
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert!(!app.quitting);
    assert!(matches!(app.screen, Screen::Wizard(_)));
    assert_eq!(typed(&app, "patient.name"), "Margaret", "Esc never throws away typing");

    // A yes/no question, a list field, a notes field.
    for item in ["visit.consent", "patient.sex", "complaint.description", "screen.open_wound.regions"] {
        let mut app = full_intake_on(item);
        let effects = press(&mut app, KeyCode::Esc);
        assert!(!is_quit(&effects) && !app.quitting, "{item}: {effects:?}");
        assert!(matches!(app.screen, Screen::Wizard(_)), "{item}");
        assert_eq!(focused(&app), item, "{item}");
    }

    // The flag panel: Esc goes back to the form.
    let mut app = full_intake_on("screen.fever");
    press(&mut app, KeyCode::F(2));
    assert_eq!(session(&app).flag_focus, Some(0));
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert_eq!(session(&app).flag_focus, None);
    assert!(!app.quitting);

    // Every dialog: Esc closes it and nothing else.
    let overlays = [
        Dialog::Help { scroll: 0 },
        Dialog::Ask { question: Question::Quit, button: 0 },
        Dialog::FlagDetail { flag: 0, scroll: 0 },
        Dialog::summary(session(&full_intake_on("screen.fever")), content()),
        Dialog::Text { title: "t".into(), lines: vec!["x".into()], scroll: 0 },
    ];
    for overlay in overlays {
        let mut app = full_intake_on("screen.fever");
        app.dialog = Some(overlay.clone());
        let effects = press(&mut app, KeyCode::Esc);
        assert!(effects.is_empty(), "{overlay:?}: {effects:?}");
        assert_eq!(app.dialog, None, "{overlay:?}");
        assert!(!app.quitting, "{overlay:?}");
        assert!(matches!(app.screen, Screen::Wizard(_)));
    }

    // The records browser: Esc clears the filter, then goes back Home.
    let mut app = home();
    update(&mut app, Msg::RecordsListed(Ok(Vec::new())));
    type_text(&mut app, "ell");
    assert_eq!(app.records().map(|r| r.filter.as_str()), Some("ell"));
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert_eq!(app.records().map(|r| r.filter.as_str()), Some(""));
    assert!(matches!(app.screen, Screen::Records(_)));
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert!(matches!(app.screen, Screen::Home(_)));
    assert!(!app.quitting);
}

#[test]
fn ctrl_q_with_unsaved_work_asks_to_save_discard_or_cancel() {
    let mut app = new_intake();
    type_text(&mut app, "Margaret Ellis");
    assert!(session(&app).unsaved);
    let effects = ctrl(&mut app, 'q');
    assert!(effects.is_empty(), "asking first: {effects:?}");
    assert!(!app.quitting);
    assert_eq!(app.dialog, Some(Dialog::Ask { question: Question::Quit, button: 0 }), "Save is the default");
    let screen = screen_text(&app, 80, 24);
    for word in ["[ Save ]", "[ Discard ]", "[ Cancel ]", "not saved as a record yet"] {
        assert!(screen.contains(word), "{word} missing:\n{screen}");
    }
    // Ctrl-C asks the same.
    let mut app = new_intake();
    type_text(&mut app, "M");
    ctrl(&mut app, 'c');
    assert_eq!(app.dialog, Some(Dialog::Ask { question: Question::Quit, button: 0 }));
}

#[test]
fn choosing_save_in_the_quit_dialog_saves_the_record_and_quits_once_it_is_saved() {
    let mut app = new_intake();
    type_text(&mut app, "Margaret Ellis");
    ctrl(&mut app, 'q');
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(effects.len(), 1, "{effects:?}");
    let Some(Effect::SaveRecord(record)) = effects.first() else { panic!("{effects:?}") };
    assert_eq!(record.answers["patient.name"], "Margaret Ellis");
    assert_eq!(record.revision, 1);
    assert!(!app.quitting, "not before the record is on disk");
    assert_eq!(app.dialog, None);

    // The runner reports the save: now it quits (and the draft goes).
    let effects = update(&mut app, Msg::RecordSaved(Ok(record.clone())));
    assert!(is_quit(&effects), "{effects:?}");
    assert!(effects.contains(&Effect::DiscardDraft("01TEST00000000000000000001".into())), "{effects:?}");
    assert!(app.quitting);
}

#[test]
fn a_failed_save_from_the_quit_dialog_does_not_quit() {
    let mut app = new_intake();
    type_text(&mut app, "Margaret Ellis");
    ctrl(&mut app, 'q');
    let effects = press(&mut app, KeyCode::Enter);
    assert!(saves_record(&effects));
    let full = physio_intake::store::StoreError::NotSaved("the disk is full".into());
    let effects = update(&mut app, Msg::RecordSaved(Err(full)));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(!app.quitting);
    assert!(app.status.as_ref().is_some_and(|(text, problem)| *problem && text.contains("the disk is full")));
    // A later, unrelated save does not quit either.
    let effects = ctrl(&mut app, 's');
    let Some(Effect::SaveRecord(record)) = effects.first() else { panic!("{effects:?}") };
    let effects = update(&mut app, Msg::RecordSaved(Ok(record.clone())));
    assert!(!is_quit(&effects), "{effects:?}");
}

#[test]
fn save_in_the_quit_dialog_with_an_answer_needing_attention_says_so_and_stays() {
    let mut app = new_intake();
    focus(&mut app, "patient.dob");
    type_text(&mut app, "1958-13-40");
    ctrl(&mut app, 'q');
    let effects = press(&mut app, KeyCode::Enter);
    assert!(effects.is_empty(), "{effects:?}");
    assert!(!app.quitting);
    assert!(!app.quit_after_save);
    let (message, problem) = app.status.clone().expect("a message");
    assert!(problem && message.contains("need attention"), "{message}");
    assert_eq!(typed(&app, "patient.dob"), "1958-13-40");
}

#[test]
fn choosing_discard_in_the_quit_dialog_discards_the_draft_and_quits() {
    let mut app = new_intake();
    type_text(&mut app, "Margaret Ellis");
    ctrl(&mut app, 'q');
    assert!(press(&mut app, KeyCode::Right).is_empty());
    assert_eq!(app.dialog, Some(Dialog::Ask { question: Question::Quit, button: 1 }));
    let effects = press(&mut app, KeyCode::Enter);
    assert_eq!(effects, vec![Effect::DiscardDraft("01TEST00000000000000000001".into()), Effect::Quit]);
    assert!(app.quitting);
}

#[test]
fn choosing_cancel_in_the_quit_dialog_goes_back_to_the_intake_unchanged() {
    let mut app = new_intake();
    type_text(&mut app, "Margaret Ellis");
    ctrl(&mut app, 'q');
    // ← from Save wraps round to Cancel; Tab and Shift-Tab move between the buttons too.
    press(&mut app, KeyCode::Left);
    assert_eq!(app.dialog, Some(Dialog::Ask { question: Question::Quit, button: 2 }));
    press(&mut app, KeyCode::Tab);
    assert_eq!(app.dialog, Some(Dialog::Ask { question: Question::Quit, button: 0 }));
    key(&mut app, KeyCode::BackTab, KeyModifiers::SHIFT);
    assert_eq!(app.dialog, Some(Dialog::Ask { question: Question::Quit, button: 2 }));
    let effects = press(&mut app, KeyCode::Enter);
    assert!(effects.is_empty(), "{effects:?}");
    assert_eq!(app.dialog, None);
    assert!(!app.quitting);
    assert_eq!(typed(&app, "patient.name"), "Margaret Ellis");
    assert!(session(&app).unsaved);

    // Esc is Cancel too.
    ctrl(&mut app, 'q');
    assert!(press(&mut app, KeyCode::Esc).is_empty());
    assert_eq!(app.dialog, None);
    assert!(!app.quitting);
}

#[test]
fn ctrl_q_with_nothing_unsaved_quits_at_once() {
    let mut app = home();
    assert_eq!(ctrl(&mut app, 'q'), vec![Effect::Quit]);
    assert!(app.quitting);

    let mut app = home();
    assert_eq!(ctrl(&mut app, 'c'), vec![Effect::Quit], "Ctrl-C is Ctrl-Q");

    let mut app = new_intake();
    assert_eq!(ctrl(&mut app, 'q'), vec![Effect::Quit], "a fresh intake has nothing to lose");
    assert_eq!(app.dialog, None);

    // Saved, then Ctrl-Q: nothing to lose.
    let mut app = new_intake();
    type_text(&mut app, "Margaret Ellis");
    let effects = ctrl(&mut app, 's');
    let Some(Effect::SaveRecord(record)) = effects.first() else { panic!("{effects:?}") };
    update(&mut app, Msg::RecordSaved(Ok(record.clone())));
    assert!(!session(&app).unsaved);
    assert_eq!(ctrl(&mut app, 'q'), vec![Effect::Quit]);
}

#[test]
fn q_quits_from_home_but_is_a_letter_in_a_text_field() {
    let mut app = home();
    assert_eq!(press(&mut app, KeyCode::Char('q')), vec![Effect::Quit]);

    let mut app = new_intake();
    let effects = type_text(&mut app, "q");
    assert!(!is_quit(&effects) && !app.quitting);
    assert_eq!(typed(&app, "patient.name"), "q");
}

// ---------------------------------------------------------------------------------------------
// Show-when

#[test]
fn answering_yes_reveals_the_where_question_and_answering_no_hides_it() {
    let mut app = new_intake();
    focus(&mut app, "screen.open_wound");
    assert!(!shown(&app).contains(&"screen.open_wound.regions".to_owned()));
    press(&mut app, KeyCode::Char('y'));
    let list = shown(&app);
    let at = list.iter().position(|i| i == "screen.open_wound").expect("the question");
    assert_eq!(list[at + 1], "screen.open_wound.regions", "the child shows right under its parent");
    assert_eq!(focused(&app), "screen.open_wound", "the focus stays on the answered question");
    press(&mut app, KeyCode::Char('n'));
    assert!(!shown(&app).contains(&"screen.open_wound.regions".to_owned()));
    // Space cycles unanswered → yes → no → unanswered.
    press(&mut app, KeyCode::Char(' '));
    assert!(!shown(&app).contains(&"screen.open_wound.regions".to_owned()), "no → unanswered: still hidden");
    press(&mut app, KeyCode::Char(' '));
    assert!(shown(&app).contains(&"screen.open_wound.regions".to_owned()), "unanswered → yes");
}

#[test]
fn a_recent_injury_asks_where_and_when_only_when_answered_yes() {
    let mut app = new_intake();
    focus(&mut app, "screen.acute_injury");
    press(&mut app, KeyCode::Char('y'));
    let list = shown(&app);
    let at = list.iter().position(|i| i == "screen.acute_injury").expect("the question");
    assert_eq!(&list[at + 1..at + 3], ["screen.acute_injury.regions", "screen.acute_injury.date"]);
    press(&mut app, KeyCode::Char('n'));
    let list = shown(&app);
    assert!(!list.contains(&"screen.acute_injury.regions".to_owned()));
    assert!(!list.contains(&"screen.acute_injury.date".to_owned()));
}

#[test]
fn hiding_a_child_keeps_the_focus_on_a_shown_question() {
    let mut app = new_intake();
    // The last question of the safety screen has a child: answer yes, go to the child...
    focus(&mut app, "meds.insulin");
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::Tab);
    assert_eq!(focused(&app), "meds.insulin.regions");
    // ...back up, answer no: the focus is on a question still shown.
    key(&mut app, KeyCode::Tab, KeyModifiers::SHIFT);
    press(&mut app, KeyCode::Char('n'));
    assert_eq!(focused(&app), "meds.insulin");
    assert!(session(&app).form.focused_item(content()).is_some());
}

#[test]
fn the_pregnancy_questions_show_only_when_the_patient_is_pregnant() {
    let pregnancy = ["pregnancy.weeks", "pregnancy.high_risk", "pregnancy.warning_signs"];
    let mut app = new_intake();
    focus(&mut app, "screen.pregnant");
    for item in pregnancy {
        assert!(!shown(&app).contains(&item.to_owned()), "{item} before an answer");
    }
    press(&mut app, KeyCode::Char('y'));
    let list = shown(&app);
    let at = list.iter().position(|i| i == "screen.pregnant").expect("the question");
    assert_eq!(&list[at + 1..at + 4], pregnancy);
    press(&mut app, KeyCode::Char('n'));
    for item in pregnancy {
        assert!(!shown(&app).contains(&item.to_owned()), "{item} after no");
    }
    press(&mut app, KeyCode::Delete);
    for item in pregnancy {
        assert!(!shown(&app).contains(&item.to_owned()), "{item} after clearing");
    }
}

// ---------------------------------------------------------------------------------------------
// Validation

#[test]
fn an_invalid_date_shows_an_inline_error_and_keeps_what_was_typed() {
    let mut app = new_intake();
    focus(&mut app, "patient.dob");
    type_text(&mut app, "1958-02-30");
    assert_eq!(typed(&app, "patient.dob"), "1958-02-30");
    let message = problem(&app, "patient.dob").expect("an inline problem");
    assert!(!message.is_empty());
    assert_eq!(session(&app).form.problem_count(), 1);
    assert!(
        session(&app).form.answers.to_json(&content().questionnaire, &content().regions).get("patient.dob").is_none()
    );
    let screen = screen_text(&app, 80, 24);
    assert!(screen.contains("1958-02-30"), "the typed text is on screen:\n{screen}");
    assert!(screen.contains("! Date of birth"), "the row is marked:\n{screen}");
    assert!(screen.contains(&message[..message.len().min(30)]), "the problem is on screen:\n{screen}");

    // Moving on keeps it; coming back, it can be fixed in place.
    press(&mut app, KeyCode::Tab);
    key(&mut app, KeyCode::Tab, KeyModifiers::SHIFT);
    assert_eq!(typed(&app, "patient.dob"), "1958-02-30");
    press(&mut app, KeyCode::Backspace);
    press(&mut app, KeyCode::Backspace);
    type_text(&mut app, "28");
    assert_eq!(problem(&app, "patient.dob"), None);
    assert_eq!(session(&app).form.problem_count(), 0);
}

#[test]
fn a_history_date_after_the_visit_is_an_error_not_a_silent_change() {
    let mut app = new_intake();
    focus(&mut app, "patient.dob");
    type_text(&mut app, "2027-01-01");
    assert_eq!(typed(&app, "patient.dob"), "2027-01-01");
    assert!(problem(&app, "patient.dob").is_some());
}

#[test]
fn an_out_of_range_number_shows_an_inline_error_and_keeps_what_was_typed() {
    let mut app = new_intake();
    focus(&mut app, "pain.now");
    type_text(&mut app, "12");
    assert_eq!(typed(&app, "pain.now"), "12", "never clamped");
    let message = problem(&app, "pain.now").expect("an inline problem");
    let screen = screen_text(&app, 80, 24);
    assert!(screen.contains("! Pain now"), "{screen}");
    assert!(screen.contains(&message[..message.len().min(30)]), "{screen}");
    press(&mut app, KeyCode::Backspace);
    assert_eq!(typed(&app, "pain.now"), "1");
    assert_eq!(problem(&app, "pain.now"), None);
}

#[test]
fn letters_typed_in_a_number_field_do_not_hide_in_the_number() {
    let mut app = new_intake();
    focus(&mut app, "pain.now");
    type_text(&mut app, "5x");
    assert_eq!(typed(&app, "pain.now"), "5");
    assert_eq!(problem(&app, "pain.now"), None);
}

/// The gate's lines, as the app computes them for its dialog.
fn gate_lines(app: &App) -> Vec<String> {
    app.gate_missing().iter().map(|m| m.words()).collect()
}

#[test]
fn completing_without_the_patient_name_or_consent_is_refused_with_a_message_naming_both() {
    let mut app = new_intake();
    let effects = press(&mut app, KeyCode::F(10));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(matches!(app.dialog, Some(Dialog::Gate { .. })), "{:?}", app.dialog);
    let said = gate_lines(&app).join("\n");
    assert!(said.contains("patient.name") && said.contains("Patient name"), "{said}");
    assert!(said.contains("visit.consent") && said.contains("Consent"), "{said}");
    let screen = screen_text(&app, 80, 24);
    assert!(screen.contains("Not completed yet") && screen.contains("Patient name"), "{screen}");

    // Name given: only consent is missing of the two.
    press(&mut app, KeyCode::Esc);
    type_text(&mut app, "Margaret Ellis");
    press(&mut app, KeyCode::F(10));
    let said = gate_lines(&app).join("\n");
    assert!(!said.contains("patient.name") && said.contains("visit.consent"), "{said}");
}

#[test]
fn consent_answered_no_still_blocks_completion() {
    let mut app = new_intake();
    type_text(&mut app, "Margaret Ellis");
    focus(&mut app, "visit.consent");
    press(&mut app, KeyCode::Char('n'));
    assert!(press(&mut app, KeyCode::F(10)).is_empty());
    assert!(matches!(app.dialog, Some(Dialog::Gate { .. })), "{:?}", app.dialog);
    assert!(gate_lines(&app).join("\n").contains("visit.consent"));
}

#[test]
fn typing_is_never_blocked_by_missing_or_invalid_answers() {
    let mut app = new_intake();
    focus(&mut app, "pain.now");
    type_text(&mut app, "99");
    assert!(problem(&app, "pain.now").is_some());
    // Other fields take typing, yes/no answers and choices as usual.
    focus(&mut app, "pain.aggravating");
    type_text(&mut app, "Bending? Lifting!");
    assert_eq!(typed(&app, "pain.aggravating"), "Bending? Lifting!");
    focus(&mut app, "pain.pattern");
    press(&mut app, KeyCode::Char(' '));
    focus(&mut app, "screen.fever");
    press(&mut app, KeyCode::Char('n'));
    // A failed completion changes nothing typed.
    press(&mut app, KeyCode::F(10));
    press(&mut app, KeyCode::Esc);
    assert_eq!(typed(&app, "pain.now"), "99");
    assert_eq!(typed(&app, "pain.aggravating"), "Bending? Lifting!");
    focus(&mut app, "patient.name");
    type_text(&mut app, "Ann");
    assert_eq!(typed(&app, "patient.name"), "Ann");
}

// ---------------------------------------------------------------------------------------------
// Live flags and the referral banner

#[test]
fn answering_open_wound_yes_with_a_region_raises_its_flag_at_once() {
    let mut app = new_intake();
    focus(&mut app, "screen.open_wound");
    assert!(!flags(&app).contains(&"open_wound".to_owned()));
    press(&mut app, KeyCode::Char('y'));
    assert!(flags(&app).contains(&"open_wound".to_owned()), "{:?}", flags(&app));
    // Where: the body chart, from the head down to the right lower leg.
    press(&mut app, KeyCode::Tab);
    assert_eq!(focused(&app), "screen.open_wound.regions");
    for _ in 0..8 {
        press(&mut app, KeyCode::Down);
    }
    let Field::Regions { cursor, .. } =
        &session(&app).form.fields[content().questionnaire.id("screen.open_wound.regions").expect("item").index()]
    else {
        panic!("a region field")
    };
    assert_eq!(content().regions.code(*cursor), "lower_leg_r");
    press(&mut app, KeyCode::Char(' '));
    let rules = &content().rulebook;
    let flag = session(&app)
        .form
        .assessment
        .flags
        .iter()
        .find(|f| rules.rule(f.rule).id == "open_wound")
        .expect("the open wound flag");
    let regions: Vec<&str> = flag.regions.iter().map(|r| content().regions.code(*r)).collect();
    assert_eq!(regions, ["lower_leg_r"]);
    assert!(session(&app).form.assessment.avoid_regions.contains(&flag.regions[0]));
    let screen = screen_text(&app, 120, 40);
    assert!(screen.contains("▲ AVOID Open wound"), "{screen}");
    // No takes it away again.
    key(&mut app, KeyCode::Tab, KeyModifiers::SHIFT);
    press(&mut app, KeyCode::Char('n'));
    assert!(!flags(&app).contains(&"open_wound".to_owned()));
}

#[test]
fn an_emergency_referral_pins_a_banner_until_ctrl_a_acknowledges_it() {
    let mut app = new_intake();
    set_clinician(&mut app, "Sam Physio");
    focus(&mut app, "redflag.chest_symptoms");
    assert!(app.banner_flags().is_empty());
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(banner_rules(&app), ["chest_symptoms"]);
    let screen = screen_text(&app, 80, 24);
    assert!(screen.contains("REFER EMERGENCY"), "{screen}");
    assert!(screen.contains("Ctrl-A"), "{screen}");
    // It stays while the clinician moves on...
    press(&mut app, KeyCode::PageDown);
    press(&mut app, KeyCode::PageUp);
    assert_eq!(banner_rules(&app), ["chest_symptoms"]);
    // ...and goes with Ctrl-A, while the flag itself stays in the panel.
    assert!(ctrl(&mut app, 'a').is_empty());
    assert!(app.banner_flags().is_empty());
    assert!(flags(&app).contains(&"chest_symptoms".to_owned()));
    let screen = screen_text(&app, 80, 24);
    assert!(!screen.contains("Ctrl-A acknowledge"), "{screen}");
}

#[test]
fn flags_rise_and_fall_live_with_each_answer() {
    let mut app = new_intake();
    focus(&mut app, "meds.anticoagulant");
    press(&mut app, KeyCode::Char('y'));
    assert!(flags(&app).contains(&"anticoagulant".to_owned()));
    press(&mut app, KeyCode::Char('n'));
    assert!(!flags(&app).contains(&"anticoagulant".to_owned()));
    focus(&mut app, "redflag.bladder_bowel");
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(banner_rules(&app), ["cauda_equina"]);
    press(&mut app, KeyCode::Delete);
    assert!(app.banner_flags().is_empty(), "clearing the answer takes the banner away");
    assert!(!flags(&app).contains(&"cauda_equina".to_owned()));
}

#[test]
fn an_urgent_referral_raised_after_an_acknowledgement_gets_its_own_banner() {
    let mut app = new_intake();
    set_clinician(&mut app, "Sam Physio");
    focus(&mut app, "redflag.chest_symptoms");
    press(&mut app, KeyCode::Char('y'));
    ctrl(&mut app, 'a');
    focus(&mut app, "redflag.foot_drop");
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(banner_rules(&app), ["foot_drop"]);
    let screen = screen_text(&app, 80, 24);
    assert!(screen.contains("REFER URGENT"), "{screen}");
}

#[test]
fn ctrl_a_from_the_flag_panel_acknowledges_too() {
    let mut app = new_intake();
    set_clinician(&mut app, "Sam Physio");
    focus(&mut app, "redflag.chest_symptoms");
    press(&mut app, KeyCode::Char('y'));
    press(&mut app, KeyCode::F(2));
    ctrl(&mut app, 'a');
    assert!(app.banner_flags().is_empty());
}

#[test]
fn enter_on_a_flag_in_the_panel_opens_why_it_fired() {
    let mut app = full_intake_on("screen.fever");
    press(&mut app, KeyCode::F(2));
    press(&mut app, KeyCode::Down);
    assert_eq!(session(&app).flag_focus, Some(1));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.dialog, Some(Dialog::FlagDetail { flag: 1, scroll: 0 }));
    let screen = screen_text(&app, 80, 24);
    assert!(screen.contains("Why it fired"), "{screen}");
}

// ---------------------------------------------------------------------------------------------
// Autosave

#[test]
fn a_draft_is_saved_after_a_second_of_quiet_and_not_before() {
    let mut app = new_intake();
    assert!(update(&mut app, Msg::Tick).is_empty(), "nothing to save");
    assert_eq!(app.autosave_due(), None);
    type_text(&mut app, "Ann");
    assert_eq!(app.autosave_due(), Some(nine_o_clock() + AUTOSAVE_AFTER_IDLE));
    app.now = nine_o_clock() + AUTOSAVE_AFTER_IDLE - Duration::milliseconds(1);
    assert!(update(&mut app, Msg::Tick).is_empty(), "too soon");
    app.now = nine_o_clock() + AUTOSAVE_AFTER_IDLE;
    let effects = update(&mut app, Msg::Tick);
    assert_eq!(effects.len(), 1, "{effects:?}");
    let Some(Effect::SaveDraft(draft)) = effects.first() else { panic!("{effects:?}") };
    assert_eq!(draft.id, "01TEST00000000000000000001");
    assert_eq!(draft.answers["patient.name"], "Ann");
    assert_eq!(draft.section.as_deref(), Some("patient"));
    // Saved once: the next tick has nothing to do.
    app.now += Duration::seconds(10);
    assert!(update(&mut app, Msg::Tick).is_empty());
    assert_eq!(app.autosave_due(), None);
}

#[test]
fn a_draft_keeps_what_was_typed_even_when_it_is_not_valid_yet() {
    let mut app = new_intake();
    focus(&mut app, "pain.now");
    type_text(&mut app, "11");
    app.now += AUTOSAVE_AFTER_IDLE;
    let effects = update(&mut app, Msg::Tick);
    let Some(Effect::SaveDraft(draft)) = effects.first() else { panic!("{effects:?}") };
    assert_eq!(draft.answers["pain.now"], 11, "kept as typed, for the clinician to fix");
}

#[test]
fn a_draft_is_saved_at_most_two_seconds_after_the_first_unsaved_change_while_typing_goes_on() {
    let mut app = new_intake();
    let mut saved_at = Vec::new();
    // A key every half second for eight seconds, with the runner's wake-ups in between.
    for step in 0..16 {
        app.now = nine_o_clock() + Duration::milliseconds(500 * step);
        let effects = type_text(&mut app, "a");
        assert!(!saves_draft(&effects), "typing itself never waits on a save");
        if saves_draft(&update(&mut app, Msg::Tick)) {
            saved_at.push(app.now - nine_o_clock());
        }
    }
    assert!(AUTOSAVE_AT_MOST_EVERY <= Duration::seconds(2), "the README promises two seconds");
    // The first change at 0 s is saved by 1.5 s; the next unsaved change (2 s) by 3.5 s; and so on.
    let expected: Vec<Duration> = (0..4).map(|n| Duration::milliseconds(2000 * n) + AUTOSAVE_AT_MOST_EVERY).collect();
    assert_eq!(saved_at, expected, "never more than {AUTOSAVE_AT_MOST_EVERY} after the first unsaved change");
}

#[test]
fn a_section_change_saves_the_pending_draft_at_once() {
    let mut app = new_intake();
    type_text(&mut app, "Ann");
    let effects = press(&mut app, KeyCode::PageDown);
    let Some(Effect::SaveDraft(draft)) = effects.first() else { panic!("{effects:?}") };
    assert_eq!(draft.section.as_deref(), Some("history"));
    assert_eq!(app.autosave_due(), None);
    // Nothing pending: the next section change saves nothing.
    assert!(press(&mut app, KeyCode::PageDown).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Help, typing and paste

#[test]
fn question_mark_opens_help_outside_text_fields() {
    for item in ["visit.consent", "patient.sex", "screen.open_wound.regions"] {
        let mut app = full_intake_on(item);
        assert!(type_text(&mut app, "?").is_empty());
        assert_eq!(app.dialog, Some(Dialog::Help { scroll: 0 }), "{item}");
    }
    let mut app = home();
    type_text(&mut app, "?");
    assert_eq!(app.dialog, Some(Dialog::Help { scroll: 0 }), "home");

    let mut app = full_intake_on("screen.fever");
    press(&mut app, KeyCode::F(2));
    type_text(&mut app, "?");
    assert_eq!(app.dialog, Some(Dialog::Help { scroll: 0 }), "flag panel");
}

#[test]
fn question_mark_is_typed_as_text_inside_a_text_field() {
    let mut app = new_intake();
    type_text(&mut app, "Ann?");
    assert_eq!(app.dialog, None);
    assert_eq!(typed(&app, "patient.name"), "Ann?");

    let mut app = full_intake_on("complaint.description");
    press(&mut app, KeyCode::End);
    key(&mut app, KeyCode::End, KeyModifiers::CONTROL);
    type_text(&mut app, "?");
    assert_eq!(app.dialog, None);
    assert!(typed(&app, "complaint.description").ends_with('?'), "{}", typed(&app, "complaint.description"));
}

#[test]
fn shortcut_letters_are_text_inside_a_text_field() {
    let mut app = new_intake();
    type_text(&mut app, "yn q?");
    assert_eq!(typed(&app, "patient.name"), "yn q?");
    assert_eq!(app.dialog, None);
    assert!(!app.quitting);
}

#[test]
fn f1_opens_help_anywhere() {
    let mut app = home();
    press(&mut app, KeyCode::F(1));
    assert_eq!(app.dialog, Some(Dialog::Help { scroll: 0 }), "home");

    for item in ["patient.name", "complaint.description", "visit.consent", "patient.sex", "screen.open_wound.regions"] {
        let mut app = full_intake_on(item);
        assert!(press(&mut app, KeyCode::F(1)).is_empty());
        assert_eq!(app.dialog, Some(Dialog::Help { scroll: 0 }), "{item}");
    }

    let mut app = full_intake_on("screen.fever");
    press(&mut app, KeyCode::F(2));
    press(&mut app, KeyCode::F(1));
    assert_eq!(app.dialog, Some(Dialog::Help { scroll: 0 }), "flag panel");

    let mut app = home();
    update(&mut app, Msg::RecordsListed(Ok(Vec::new())));
    press(&mut app, KeyCode::F(1));
    assert_eq!(app.dialog, Some(Dialog::Help { scroll: 0 }), "records");
}

#[test]
fn the_help_overlay_scrolls_and_closes_with_esc_or_enter() {
    let mut app = home();
    press(&mut app, KeyCode::F(1));
    press(&mut app, KeyCode::Down);
    press(&mut app, KeyCode::Down);
    assert_eq!(app.dialog, Some(Dialog::Help { scroll: 2 }));
    press(&mut app, KeyCode::Up);
    assert_eq!(app.dialog, Some(Dialog::Help { scroll: 1 }));
    press(&mut app, KeyCode::Enter);
    assert_eq!(app.dialog, None);
    press(&mut app, KeyCode::F(1));
    press(&mut app, KeyCode::Esc);
    assert_eq!(app.dialog, None);
}

#[test]
fn a_paste_goes_into_the_focused_field_as_text() {
    let mut app = new_intake();
    type_text(&mut app, "Ellis");
    press(&mut app, KeyCode::Home);
    update(&mut app, Msg::Paste("Margaret\n".into()));
    assert_eq!(typed(&app, "patient.name"), "MargaretEllis", "at the cursor, trailing newline dropped");
    update(&mut app, Msg::Paste(" Anne\r\nMarie ".into()));
    assert_eq!(typed(&app, "patient.name"), "Margaret Anne  MarieEllis", "newlines become spaces in one line");
    assert!(session(&app).unsaved);
    assert!(app.autosave_due().is_some(), "a paste is a change: a draft follows");

    // Notes keep their lines.
    focus(&mut app, "complaint.description");
    update(&mut app, Msg::Paste("Aching low back\r\nworse after gardening".into()));
    assert_eq!(typed(&app, "complaint.description"), "Aching low back\nworse after gardening");

    // A paste into a number field keeps what was pasted, flagged if it is not a number.
    focus(&mut app, "pain.now");
    update(&mut app, Msg::Paste("seven".into()));
    assert_eq!(typed(&app, "pain.now"), "seven");
    assert!(problem(&app, "pain.now").is_some());
}

#[test]
fn a_paste_onto_a_yes_no_question_or_into_a_dialog_changes_nothing() {
    let mut app = new_intake();
    focus(&mut app, "visit.consent");
    let effects = update(&mut app, Msg::Paste("yes".into()));
    assert!(effects.is_empty());
    assert!(!session(&app).unsaved);
    assert_eq!(
        session(&app).form.answers.to_json(&content().questionnaire, &content().regions).get("visit.consent"),
        None
    );

    let mut app = new_intake();
    press(&mut app, KeyCode::F(1));
    update(&mut app, Msg::Paste("Margaret".into()));
    assert_eq!(typed(&app, "patient.name"), "", "not into the field behind the help");
}

#[test]
fn key_releases_are_ignored() {
    let mut app = new_intake();
    let mut release = KeyEvent::new(KeyCode::Char('a'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    assert!(update(&mut app, Msg::Key(release)).is_empty());
    assert_eq!(typed(&app, "patient.name"), "");
    let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL);
    release.kind = KeyEventKind::Release;
    assert!(update(&mut app, Msg::Key(release)).is_empty());
    assert!(!app.quitting);
    // Repeats count as presses (holding Backspace).
    let mut repeat = KeyEvent::new(KeyCode::Char('b'), KeyModifiers::NONE);
    repeat.kind = KeyEventKind::Repeat;
    update(&mut app, Msg::Key(repeat));
    assert_eq!(typed(&app, "patient.name"), "b");
}

#[test]
fn typing_a_long_note_keeps_what_is_typed_in_sight() {
    let mut app = new_intake();
    focus(&mut app, "complaint.description");
    let text = "Aching low back for four months, worse after gardening, right calf sore since a fall in October";
    type_text(&mut app, text);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap_or_else(|e| match e {});
    terminal.draw(|frame| view(&app, Theme { colour: true }, frame)).unwrap_or_else(|e| match e {});
    let screen = screen_text(&app, 80, 24);
    // The note wraps at the form's edge: all of it is on screen, the end being typed included.
    for words in ["Aching low back", "since a fall in", "October"] {
        assert!(screen.contains(words), "{words} is on screen:\n{screen}");
    }
    let cursor = terminal.get_cursor_position().unwrap_or_else(|e| match e {});
    let row: String =
        (0..80).map(|x| terminal.backend().buffer()[(x, cursor.y)].symbol().to_owned()).collect::<String>();
    assert!(row.contains("October"), "the cursor is on the typed line: {row}");
    assert!(cursor.x < 50, "the cursor stays in the form, left of the flag panel: {cursor:?}");
    assert_eq!(terminal.backend().buffer()[(cursor.x - 1, cursor.y)].symbol(), "r", "right after the last letter");
}

#[test]
fn a_long_answer_not_being_edited_shows_its_start() {
    let mut app = new_intake();
    focus(&mut app, "social.activity");
    type_text(&mut app, "Gardening, walking 5 km twice a week, swimming on Sundays");
    key(&mut app, KeyCode::BackTab, KeyModifiers::NONE);
    assert_eq!(focused(&app), "social.occupation");
    let screen = screen_text(&app, 80, 24);
    assert!(screen.contains("Gardening, walking"), "{screen}");
}

#[test]
fn failures_the_app_used_to_swallow_are_said_on_the_status_line() {
    use physio_intake::store::StoreError;
    // No id can be made: nothing starts, and the clinician is told why.
    let no_ids = Box::new(|| Err(StoreError::Io("the system could not supply random numbers".into())));
    let mut app = App::new(content(), nine_o_clock(), today(), no_ids);
    assert!(press(&mut app, KeyCode::Enter).is_empty());
    assert!(matches!(app.screen, Screen::Home(_)), "no intake without an id");
    let (text, problem) = app.status.clone().expect("a status");
    assert!(problem && text.contains("could not be made") && text.contains("random numbers"), "{text}");

    // The drafts could not be looked for at start.
    let mut app = home();
    update(&mut app, Msg::DraftsFound(Err(StoreError::Io("permission denied on the data folder".into()))));
    let (text, problem) = app.status.clone().expect("a status");
    assert!(problem && text.contains("drafts could not be looked for"), "{text}");

    // A draft could not be thrown away: it stays, and the clinician knows it will be offered again.
    update(&mut app, Msg::DraftNotDiscarded(StoreError::Io("the disk is read-only".into())));
    let (text, problem) = app.status.clone().expect("a status");
    assert!(problem && text.contains("offered again") && text.contains("read-only"), "{text}");
}
