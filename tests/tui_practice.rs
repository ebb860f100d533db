//! Practice mode in the app, through `update` and the runner on a real store: flags hidden until a
//! hint (counted), F10 grades with the same function as `practice --grade`, the attempt is saved
//! under practice/ with its score and hints, nothing reaches patient records or drafts.

#[path = "common/clinic.rs"]
mod clinic;
#[path = "common/app.rs"]
mod harness;

use clinic::Clinic;
use harness::content;
use physio_intake::store::Store;
use physio_intake::tui::app::{App, Dialog, Effect, Msg, Screen};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::os::unix::fs::PermissionsExt;

/// A student at the clinic's desk: the app in practice mode.
trait Student {
    fn start_case(&mut self, id: &str);
    fn yes(&mut self, item: &str);
}

impl Student for Clinic {
    fn start_case(&mut self, id: &str) {
        let index = self.app.practice.as_ref().unwrap().cases.cases.iter().position(|c| c.id == id).unwrap();
        while matches!(&self.app.screen, Screen::Practice(list) if list.cursor < index) {
            self.press(KeyCode::Down);
        }
        self.press(KeyCode::Enter);
        assert!(matches!(self.app.screen, Screen::Wizard(_)));
    }

    /// Answer a yes/no item yes by focusing it (the keys that move focus are tested elsewhere).
    fn yes(&mut self, item: &str) {
        let id = content().questionnaire.id(item).unwrap();
        let section = &content().questionnaire.section_of(id).id;
        let session = self.app.session_mut().unwrap();
        session.form.section = content().questionnaire.sections.iter().position(|s| &s.id == section).unwrap();
        session.form.focus = session.form.visible_items(content()).iter().position(|i| *i == id).unwrap();
        self.press(KeyCode::Char('y'));
    }
}

#[test]
fn a_case_starts_on_its_visit_date_with_the_flags_hidden_and_no_banner() {
    let dir = tempfile::tempdir().unwrap();
    let mut student = Clinic::practice(dir.path());
    student.start_case("advanced-sciatica-bladder-and-foot");
    student.yes("redflag.bladder_bowel");
    assert!(student.app.flags_hidden());
    assert!(student.app.banner_flags().is_empty(), "an emergency banner would give the answer away");
    assert!(!student.app.session().unwrap().form.assessment.flags.is_empty(), "evaluated all the same");

    student.press(KeyCode::F(4));
    assert!(!student.app.flags_hidden());
    assert_eq!(student.app.banner_flags().len(), 1, "with the hint, everything shows");
    student.press(KeyCode::F(4));
    student.press(KeyCode::F(4));
    assert_eq!(student.app.practice_case().unwrap().1.hints, 2, "each showing counts");
}

/// F3's summary and step 9's recommendation show the verdict and the flags: in an attempt they
/// stay hidden until a hint is taken, and that hint is counted.
#[test]
fn the_summary_and_the_recommendation_stay_hidden_until_a_counted_hint() {
    let dir = tempfile::tempdir().unwrap();
    let mut student = Clinic::practice(dir.path());
    student.start_case("advanced-sciatica-bladder-and-foot");
    student.yes("redflag.bladder_bowel");
    student.press(KeyCode::F(3));
    assert!(student.app.dialog.is_none(), "no summary while the flags are hidden");
    assert_eq!(student.app.practice_case().unwrap().1.hints, 0);
    let decision = content().questionnaire.sections.iter().position(|s| s.id == "decision").unwrap();
    student.app.session_mut().unwrap().form.section = decision;
    let hidden = screen_text(&student.app);
    assert!(!hidden.contains("Recommendation") && !hidden.contains("STOP"), "{hidden}");

    student.press(KeyCode::F(4));
    assert_eq!(student.app.practice_case().unwrap().1.hints, 1, "the hint is counted");
    let shown = screen_text(&student.app);
    assert!(shown.contains("Recommendation"), "{shown}");
    student.press(KeyCode::F(3));
    assert!(matches!(student.app.dialog, Some(Dialog::Summary { .. })), "the summary opens after the hint");
}

/// The app drawn at 80x24, as text.
fn screen_text(app: &App) -> String {
    let backend = ratatui::backend::TestBackend::new(80, 24);
    let mut terminal = ratatui::Terminal::new(backend).unwrap();
    let theme = physio_intake::tui::theme::Theme { colour: false };
    terminal.draw(|frame| physio_intake::tui::view::view(app, theme, frame)).unwrap();
    let buffer = terminal.backend().buffer();
    buffer.content().iter().map(|cell| cell.symbol()).collect()
}

#[test]
fn f10_grades_shows_the_feedback_and_saves_the_attempt_apart_from_patient_records() {
    let dir = tempfile::tempdir().unwrap();
    let mut student = Clinic::practice(dir.path());
    student.start_case("foundation-fever-came-anyway");
    student.press(KeyCode::F(4)); // one hint
    student.yes("screen.fever");
    student.yes("meds.analgesic_today");
    student.send(Msg::Key(KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL)));
    student.press(KeyCode::F(10));

    assert!(matches!(student.app.screen, Screen::Practice(_)));
    let Some(Dialog::Text { title, lines, .. }) = &student.app.dialog else { panic!("the result is shown") };
    // Two answers and no decision: the screening questions not asked (30) and the missing
    // decision (10) cost more than the hint (3), and the attempt does not pass.
    assert_eq!(title, "Practice result: not passed");
    assert!(lines[0].starts_with("NOT PASSED  57/100"), "{lines:?}");
    assert!(lines.iter().any(|l| l == "Hints used: 1"));

    let saved = Store::open(dir.path()).unwrap().attempts();
    assert_eq!((saved.attempts.len(), saved.unreadable), (1, 0));
    let attempt = &saved.attempts[0];
    assert_eq!(
        (attempt.case.as_str(), attempt.grade.score, attempt.grade.hints_used),
        ("foundation-fever-came-anyway", 57, 1)
    );
    let file = dir.path().join("practice").join(format!("{}.json", attempt.id));
    assert_eq!(std::fs::metadata(file).unwrap().permissions().mode() & 0o777, 0o600);

    assert!(
        !student.effects.iter().any(|e| matches!(e, Effect::SaveRecord(_) | Effect::SaveDraft(_))),
        "practice never writes a patient record or draft"
    );
    let records: Vec<_> =
        std::fs::read_dir(dir.path().join("records")).unwrap().flatten().filter(|e| e.path().is_file()).collect();
    assert!(records.is_empty() && std::fs::read_dir(dir.path().join("drafts")).unwrap().next().is_none());
    let progress = &student.app.practice.as_ref().unwrap().progress;
    let row = progress.iter().find(|p| p.case == "foundation-fever-came-anyway").unwrap();
    assert_eq!((row.attempts, row.best_score, row.passed), (1, Some(57), false));
}

#[test]
fn missing_the_stop_flag_fails_and_leaving_an_attempt_asks_first() {
    let dir = tempfile::tempdir().unwrap();
    let mut student = Clinic::practice(dir.path());
    student.start_case("foundation-fever-came-anyway");
    student.press(KeyCode::F(10));
    let Some(Dialog::Text { title, lines, .. }) = &student.app.dialog else { panic!("the result is shown") };
    assert_eq!(title, "Practice result: not passed");
    assert!(lines.iter().any(|l| l.contains("MISSED Fever or acute illness")), "{lines:?}");
    student.press(KeyCode::Esc);

    student.start_case("foundation-fever-came-anyway");
    student.yes("screen.fever");
    student.send(Msg::Key(KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL)));
    assert!(matches!(student.app.dialog, Some(Dialog::Ask { .. })), "answers given: ask first");
    student.press(KeyCode::Right);
    student.press(KeyCode::Right);
    student.press(KeyCode::Enter); // Discard: back to the cases, the app still running
    assert!(matches!(student.app.screen, Screen::Practice(_)));
    assert!(!student.app.quitting);
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.attempts().attempts.len(), 1, "only the graded attempt");
    assert!(store.unfinished().is_empty(), "the discarded attempt is not kept");

    let mut again = Clinic::practice(dir.path());
    let row = again
        .app
        .practice
        .as_ref()
        .unwrap()
        .progress
        .iter()
        .find(|p| p.case == "foundation-fever-came-anyway")
        .cloned()
        .unwrap();
    assert_eq!((row.attempts, row.passed), (1, false), "progress is read back at start");
    again.press(KeyCode::Char('q'));
    assert!(again.app.quitting);
}

/// An attempt is kept as it is typed (under practice/, never as a patient draft): paused from
/// the leave dialog it is resumed from the case list with its answers and hints; killed with -9
/// it is offered back at the next start; graded, it is an attempt and no longer unfinished.
#[test]
fn an_attempt_survives_a_pause_and_a_kill_and_is_resumed_from_the_case_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut student = Clinic::practice(dir.path());
    student.start_case("advanced-sciatica-bladder-and-foot");
    student.yes("redflag.bladder_bowel");
    student.press(KeyCode::F(4)); // a hint: it must still count after the pause
    student.ctrl('q');
    assert!(matches!(student.app.dialog, Some(Dialog::Ask { .. })));
    student.press(KeyCode::Right);
    student.press(KeyCode::Enter); // Pause
    assert!(matches!(student.app.screen, Screen::Practice(_)));
    let store = Store::open(dir.path()).unwrap();
    let paused = store.unfinished();
    assert_eq!(paused.len(), 1, "the paused attempt is kept");
    assert_eq!((paused[0].case.as_str(), paused[0].hints_used), ("advanced-sciatica-bladder-and-foot", 1));
    assert_eq!(paused[0].answers.get("redflag.bladder_bowel"), Some(&serde_json::Value::Bool(true)));
    assert!(store.attempts().attempts.is_empty(), "not an attempt until graded");
    assert_eq!(std::fs::read_dir(dir.path().join("drafts")).unwrap().count(), 0, "never a patient draft");
    assert!(student.screen(80, 24).contains("paused"), "the case list says so:\n{}", student.screen(80, 24));

    // Enter on the case resumes it: the answer and the hint are there.
    student.press(KeyCode::Enter);
    assert!(matches!(student.app.screen, Screen::Wizard(_)));
    assert_eq!(student.app.practice_case().unwrap().1.hints, 1, "the hint taken before the pause counts");
    let answers = student.session().form.draft_answers(content());
    assert_eq!(answers.get("redflag.bladder_bowel"), Some(&serde_json::Value::Bool(true)));

    // More typing, then kill -9 after the autosave: nothing flushed on the way out.
    student.yes("redflag.saddle_anaesthesia");
    student.wait(3);
    drop(student);
    let mut again = Clinic::practice(dir.path());
    let status = again.app.status.clone().unwrap_or_default().0;
    assert!(status.contains("Unfinished") && status.contains("resumes"), "offered back: {status}");
    again.press(KeyCode::Enter); // the cursor is on its case
    let answers = again.session().form.draft_answers(content());
    assert_eq!(answers.get("redflag.saddle_anaesthesia"), Some(&serde_json::Value::Bool(true)), "{answers:?}");

    again.press(KeyCode::F(10));
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.attempts().attempts.len(), 1, "graded: an attempt");
    assert_eq!(store.attempts().attempts[0].hints_used, 1, "with the hint from before the pause");
    assert!(store.unfinished().is_empty(), "and no longer unfinished");
}
