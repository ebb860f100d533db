//! The completion gate in the app, through `update()` with key events: F10 on an intake with an
//! unacknowledged emergency, with unanswered screening questions, and with a decision against the
//! verdict each meets one dialog listing exactly those things; Enter on a line goes to it; after
//! acknowledging, marking not asked with a reason and overriding with who and why, F10 completes,
//! the record holds all of it, and the session turns read-only at once. Snapshots at 80x24 of the
//! dialogs (`INSTA_UPDATE=always cargo test --test tui_gate`, then read the diff).

#[path = "common/app.rs"]
mod harness;
#[path = "common/gate_input.rs"]
mod screen;

use harness::*;

use physio_intake::gate::{Missing, NotAskedReason};
use physio_intake::record::{Record, Status};
use physio_intake::tui::app::{
    App, Dialog, Effect, Msg, NotAskedDialog, OpenedRecord, Screen, Session, WhoWhy, completed_banner, update,
};
use physio_intake::tui::form::Form;
use physio_intake::tui::keymap::Context;
use ratatui::crossterm::event::KeyCode;
use serde_json::{Map, Value, json};

/// A whole intake with the screen answered negatively, plus `extra`, minus `without`.
fn answers(extra: Value, without: &[&str]) -> Map<String, Value> {
    let mut base = json!({"patient.name": "Margaret Ellis", "visit.date": "2026-11-22", "visit.consent": true,
        "visit.clinician": "Sam Physio", "vitals.bp_systolic": 122, "vitals.bp_diastolic": 78});
    for (key, value) in extra.as_object().cloned().unwrap_or_default() {
        base[key] = value;
    }
    let (mut answers, not_asked) = screen::negative_screen(&base);
    assert!(not_asked.is_empty(), "every screening question has a negative answer: {not_asked:?}");
    for item in without {
        answers.remove(*item);
    }
    answers
}

fn wizard(answers: &Map<String, Value>) -> App {
    let form = Form::from_answers(content(), answers, today());
    let mut app = App::new(content(), nine_o_clock(), today(), ids("01GATE"));
    app.screen = Screen::Wizard(Box::new(Session::new(form, "01GATEDRAFT000000000000001".into(), None)));
    app
}

/// F10, expecting the gate; what it lists.
fn f10_gate(app: &mut App) -> Vec<Missing> {
    let effects = press(app, KeyCode::F(10));
    assert!(effects.is_empty(), "{effects:?}");
    assert!(matches!(app.dialog, Some(Dialog::Gate { .. })), "{:?}", app.dialog);
    app.gate_missing()
}

/// F10, expecting the record to be saved completed.
fn f10_saves(app: &mut App) -> Record {
    let effects = press(app, KeyCode::F(10));
    let Some(Effect::SaveRecord(record)) = effects.into_iter().next() else { panic!("not saved: {:?}", app.dialog) };
    assert_eq!(record.status, Status::Completed);
    *record
}

fn emergency(decision: &str) -> Map<String, Value> {
    answers(
        json!({"complaint.condition": "low_back_pain", "redflag.bladder_bowel": true,
               "redflag.saddle_anaesthesia": true, "decision.outcome": decision}),
        &[],
    )
}

fn flags_needing_acknowledgement(app: &App) -> Vec<String> {
    app.gate_missing()
        .iter()
        .filter_map(|m| match m {
            Missing::Unacknowledged { flag, .. } => Some(flag.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_clean_whole_intake_meets_no_gate_and_turns_read_only_once_completed() {
    let mut app = wizard(&answers(json!({"decision.outcome": "proceed"}), &[]));
    let record = f10_saves(&mut app);
    assert!(record.attestations.is_empty());
    let effects = update(&mut app, Msg::RecordSaved(Ok(Box::new(record))));
    assert!(effects.contains(&Effect::ReleaseRecord), "{effects:?}");
    assert_eq!(session(&app).read_only.as_deref(), Some(completed_banner().as_str()));
    assert_eq!(app.context(), Context::ReadOnly);
    let (status, problem) = app.status.clone().expect("a status");
    assert!(status.contains("completed") && status.contains("read-only now, F5 amends") && !problem, "{status}");
    let screen = screen_text(&app, 80, 24);
    assert!(!screen.contains("not yet saved"), "{screen}");
    assert!(screen.contains("READ-ONLY: completed"), "{screen}");
    // Answers cannot change; Ctrl-Q closes without offering a Save that would do nothing.
    press(&mut app, KeyCode::Char('y'));
    assert!(!session(&app).unsaved);
    let effects = ctrl(&mut app, 'q');
    assert!(app.dialog.is_none(), "{:?}", app.dialog);
    assert_eq!(effects, vec![Effect::Quit]);
}

#[test]
fn an_unacknowledged_emergency_is_the_one_line_of_the_gate_and_ctrl_a_records_who_and_when() {
    let mut app = wizard(&emergency("refer"));
    let missing = f10_gate(&mut app);
    assert!(missing.iter().all(|m| matches!(m, Missing::Unacknowledged { .. })) && !missing.is_empty(), "{missing:?}");
    assert!(flags_needing_acknowledgement(&app).contains(&"cauda_equina".to_owned()));
    let screen = screen_text(&app, 80, 24);
    assert!(screen.contains("Not acknowledged: REFER EMERGENCY"), "{screen}");
    // Enter goes to the flag in the panel.
    press(&mut app, KeyCode::Enter);
    assert!(app.dialog.is_none());
    let flag = session(&app).flag_focus.expect("the flag panel has the focus");
    let rule = content().rulebook.rule(session(&app).form.assessment.flags[flag].rule);
    assert_eq!(rule.id, flags_needing_acknowledgement(&app)[0]);
    ctrl(&mut app, 'a');
    assert!(flags_needing_acknowledgement(&app).is_empty());
    let record = f10_saves(&mut app);
    let ack = record.attestations.acknowledgement("cauda_equina").expect("kept with the record");
    assert_eq!(ack.by, "Sam Physio");
    assert_eq!(ack.at, nine_o_clock());
    assert_eq!(ack.rulebook_version, content().rulebook.version);
}

#[test]
fn unanswered_screening_questions_are_listed_and_each_is_answered_or_marked_not_asked_from_the_gate() {
    let mut app = wizard(&answers(json!({}), &["screen.fever", "redflag.weight_loss"]));
    let missing = f10_gate(&mut app);
    let items: Vec<&str> = missing.iter().filter_map(Missing::item).collect();
    assert_eq!(items, ["screen.fever", "redflag.weight_loss"], "{missing:?}");
    // Enter on the first line: the question is focused, in its section.
    press(&mut app, KeyCode::Enter);
    assert_eq!(focused(&app), "screen.fever");
    // Ctrl-N: why it was not asked; "other" needs words.
    ctrl(&mut app, 'n');
    assert!(matches!(app.dialog, Some(Dialog::NotAsked(..))), "{:?}", app.dialog);
    for _ in 0..3 {
        press(&mut app, KeyCode::Down);
    }
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.dialog, Some(Dialog::NotAsked(NotAskedDialog { problem: Some(_), .. }))), "{:?}", app.dialog);
    type_text(&mut app, "fire alarm");
    press(&mut app, KeyCode::Enter);
    assert!(app.dialog.is_none());
    let mark = session(&app).attestations.not_asked.get("screen.fever").cloned().expect("marked");
    assert_eq!(mark.reason, NotAskedReason::Other);
    assert!(screen_text(&app, 80, 24).contains("not asked (other: fire alarm)"));
    // The second line: answered "no" this time.
    let missing = f10_gate(&mut app);
    assert_eq!(missing.iter().filter_map(Missing::item).collect::<Vec<_>>(), ["redflag.weight_loss"]);
    press(&mut app, KeyCode::Enter);
    assert_eq!(focused(&app), "redflag.weight_loss");
    press(&mut app, KeyCode::Char('n'));
    let record = f10_saves(&mut app);
    assert_eq!(record.attestations.not_asked.get("screen.fever"), Some(&mark));
    assert_eq!(record.answers.get("redflag.weight_loss"), Some(&json!(false)));
    assert!(record.answers.get("screen.fever").is_none(), "not asked is not an answer");
}

#[test]
fn a_decision_against_the_verdict_needs_an_override_with_who_and_why() {
    let mut app = wizard(&emergency("proceed"));
    ctrl(&mut app, 'a');
    let missing = f10_gate(&mut app);
    assert!(
        matches!(missing.as_slice(), [Missing::OverrideNeeded { decision, .. }] if decision == "proceed"),
        "{missing:?}"
    );
    // Enter goes to the decision and opens the override, who filled in from the visit.
    press(&mut app, KeyCode::Enter);
    assert_eq!(focused(&app), "decision.outcome");
    let Some(Dialog::Override(WhoWhy { by, field, .. })) = &app.dialog else { panic!("{:?}", app.dialog) };
    assert_eq!((by.as_str(), *field), ("Sam Physio", 1));
    press(&mut app, KeyCode::Enter);
    assert!(matches!(app.dialog, Some(Dialog::Override(WhoWhy { problem: Some(_), .. }))), "why is required");
    type_text(&mut app, "patient refused transfer; GP phoned");
    press(&mut app, KeyCode::Enter);
    assert!(app.dialog.is_none());
    let record = f10_saves(&mut app);
    let override_ = record.attestations.override_.expect("kept with the record");
    assert_eq!((override_.by.as_str(), override_.why.as_str()), ("Sam Physio", "patient refused transfer; GP phoned"));
    assert_eq!((override_.decision.as_str(), override_.verdict_massage.as_str()), ("proceed", "stop"));
    assert_eq!(override_.verdict_referral, "emergency");
}

#[test]
fn a_flag_that_fires_after_an_acknowledgement_needs_its_own() {
    let mut app = wizard(&emergency("refer"));
    ctrl(&mut app, 'a');
    assert!(flags_needing_acknowledgement(&app).is_empty());
    let session = app.session_mut().expect("a session");
    let id = content().questionnaire.id("redflag.chest_symptoms").expect("an item");
    session.form.section =
        content().questionnaire.sections.iter().position(|s| s.items.contains(&id)).expect("a section");
    session.form.focus = session.form.visible_items(content()).iter().position(|i| *i == id).expect("shown");
    press(&mut app, KeyCode::Char('y'));
    assert_eq!(flags_needing_acknowledgement(&app), ["chest_symptoms"]);
}

#[test]
fn reopening_shows_who_acknowledged_and_when_instead_of_the_prompt() {
    let mut app = wizard(&emergency("refer"));
    ctrl(&mut app, 'a');
    let record = f10_saves(&mut app);
    let mut reopened = App::new(content(), nine_o_clock(), today(), ids("01GATE"));
    let opened = OpenedRecord { record, locked_by: None, previous: None };
    update(&mut reopened, Msg::RecordOpened(Ok(Box::new(opened))));
    let screen = screen_text(&reopened, 80, 24);
    assert!(screen.contains("acknowledged by Sam Physio at 2026-11-22 09:00"), "{screen}");
    assert!(!screen.contains("Ctrl-A acknowledge"), "{screen}");
    assert!(reopened.banner_flags().is_empty());
}

#[test]
fn a_record_whose_result_does_not_match_its_answers_opens_read_only_with_a_banner() {
    let mut app = wizard(&emergency("refer"));
    ctrl(&mut app, 'a');
    let mut record = f10_saves(&mut app);
    record.status = Status::InProgress;
    record.result.verdict.massage = "clear".into();
    record.result.verdict.referral = "none".into();
    record.result.flags.clear();
    let mut reopened = App::new(content(), nine_o_clock(), today(), ids("01GATE"));
    let opened = OpenedRecord { record, locked_by: None, previous: None };
    let effects = update(&mut reopened, Msg::RecordOpened(Ok(Box::new(opened))));
    assert_eq!(effects, vec![Effect::ReleaseRecord]);
    assert!(session(&reopened).read_only.is_some());
    let screen = screen_text(&reopened, 80, 24);
    assert!(screen.contains("INTEGRITY PROBLEM"), "{screen}");
    // Nothing can be saved over it.
    assert!(ctrl(&mut reopened, 's').is_empty());
}

#[test]
fn attestations_travel_with_the_draft() {
    let mut app = wizard(&emergency("refer"));
    ctrl(&mut app, 'a');
    app.now = nine_o_clock() + chrono::Duration::seconds(10);
    let effects = update(&mut app, Msg::Tick);
    let Some(Effect::SaveDraft(draft)) = effects.first() else { panic!("{effects:?}") };
    assert!(draft.attestations.acknowledgement("cauda_equina").is_some());
}

fn snapshot_screen(app: &App) -> String {
    screen_text(app, 80, 24)
}

#[test]
fn the_gate_and_its_dialogs_at_80x24() {
    let mut unacknowledged = wizard(&emergency("refer"));
    f10_gate(&mut unacknowledged);
    insta::assert_snapshot!("gate_unacknowledged_80x24", snapshot_screen(&unacknowledged));

    let mut unanswered = wizard(&answers(json!({}), &["screen.fever", "redflag.weight_loss", "screen.implant"]));
    f10_gate(&mut unanswered);
    insta::assert_snapshot!("gate_unanswered_80x24", snapshot_screen(&unanswered));

    let mut contradicting = wizard(&emergency("proceed"));
    ctrl(&mut contradicting, 'a');
    f10_gate(&mut contradicting);
    insta::assert_snapshot!("gate_override_80x24", snapshot_screen(&contradicting));
    press(&mut contradicting, KeyCode::Enter);
    insta::assert_snapshot!("override_dialog_80x24", snapshot_screen(&contradicting));

    let mut everything = wizard(&Map::new());
    f10_gate(&mut everything);
    insta::assert_snapshot!("gate_blank_intake_80x24", snapshot_screen(&everything));

    press(&mut unanswered, KeyCode::Enter);
    ctrl(&mut unanswered, 'n');
    insta::assert_snapshot!("not_asked_dialog_80x24", snapshot_screen(&unanswered));
}

#[test]
fn a_record_from_another_rulebook_shows_its_stored_result_and_what_today_says_and_a_follow_up_uses_today() {
    let mut app = wizard(&emergency("refer"));
    ctrl(&mut app, 'a');
    let mut record = f10_saves(&mut app);
    record.result.rulebook_version = "2026.11.0-older".into();
    record.result.verdict.massage = "clear".into();
    record.result.verdict.referral = "none".into();
    record.result.flags.clear();
    let mut reopened = App::new(content(), nine_o_clock(), today(), ids("01GATE"));
    let opened = OpenedRecord { record, locked_by: None, previous: None };
    let effects = update(&mut reopened, Msg::RecordOpened(Ok(Box::new(opened))));
    assert!(effects.is_empty(), "not an integrity problem: {effects:?}");
    assert_eq!(session(&reopened).read_only.as_deref(), Some(completed_banner().as_str()));
    let (notice, problem) = session(&reopened).recheck_notice.clone().expect("a notice");
    assert!(!problem && notice.contains("made with rulebook 2026.11.0-older"), "{notice}");
    assert!(notice.contains("today's rulebook adds: "), "{notice}");
    let screen = screen_text(&reopened, 80, 24);
    assert!(screen.contains("made with rulebook 2026.11.0-older"), "{screen}");
    // F3: the stored result first, what today's rulebook says beside it.
    press(&mut reopened, KeyCode::F(3));
    let summary = screen_text(&reopened, 100, 40);
    assert!(summary.contains("VERDICT: CLEAR"), "{summary}");
    assert!(summary.contains("today's rulebook adds: "), "{summary}");
    press(&mut reopened, KeyCode::Esc);
    // F6: the follow-up visit is screened with today's rulebook.
    let effects = press(&mut reopened, KeyCode::F(6));
    assert!(effects.contains(&Effect::ReleaseRecord), "{effects:?}");
    assert!(session(&reopened).record.is_none() && session(&reopened).recheck_notice.is_none());
    let effects = ctrl(&mut reopened, 's');
    let Some(Effect::SaveRecord(follow_up)) = effects.first() else { panic!("{effects:?}: {:?}", reopened.status) };
    assert_eq!(follow_up.result.rulebook_version, content().rulebook.version);
}

#[test]
fn the_chosen_gate_line_stays_in_view_when_the_list_is_longer_than_the_dialog() {
    let mut app = wizard(&Map::new());
    f10_gate(&mut app);
    for _ in 0..25 {
        press(&mut app, KeyCode::Down);
    }
    let screen = screen_text(&app, 80, 24);
    assert!(screen.contains("│› Not answered: "), "{screen}");
    assert!(screen.contains("more"), "{screen}");
    // Enter goes to that very question.
    let chosen = app.gate_missing()[25].item().map(str::to_owned);
    press(&mut app, KeyCode::Enter);
    assert_eq!(Some(focused(&app)), chosen);
}
