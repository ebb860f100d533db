//! The records browser, amendments and follow-up visits, driven by keys through `update` with the
//! runner carrying out every effect on a real store in a temporary folder (no terminal).

#[path = "common/clinic.rs"]
mod clinic;
#[path = "common/app.rs"]
mod harness;

use chrono::Utc;
use clinic::Clinic;
use harness::{content, today};
use physio_intake::record::{Decoded, Record, Status};
use physio_intake::store::{Store, new_id};
use physio_intake::tui::app::{Dialog, Home, Question, Screen, WhoWhy};
use ratatui::crossterm::event::KeyCode;
use serde_json::{Map, Value, json};
use std::path::Path;

/// What only these tests need of the clinic.
trait Browse {
    fn go_to_records(&mut self);
    fn answer(&self, item: &str) -> Option<Value>;
}

impl Browse for Clinic {
    fn go_to_records(&mut self) {
        // Records is above Quit, at the bottom of Home.
        let cursor = physio_intake::tui::screens::home::entries(&self.app.drafts).len() - 2;
        self.app.screen = Screen::Home(Home { cursor });
        self.press(KeyCode::Enter);
        assert!(matches!(self.app.screen, Screen::Records(_)));
    }

    fn answer(&self, item: &str) -> Option<Value> {
        self.session().form.draft_answers(content()).get(item).cloned()
    }
}

fn fixture_answers() -> Map<String, Value> {
    let file: Value = serde_json::from_str(include_str!("fixtures/full_intake.json")).unwrap();
    file["answers"].as_object().unwrap().clone()
}

/// Save a record straight into the store (as `import` does).
fn saved_record(dir: &Path, changes: Value, status: Status) -> Record {
    let mut answers = fixture_answers();
    for (key, value) in changes.as_object().unwrap() {
        answers.insert(key.clone(), value.clone());
    }
    let parsed = content().parse_answers(&answers, today()).unwrap();
    let record = Record::new(content(), new_id(Utc::now()).unwrap(), &parsed, status, Utc::now());
    Store::open(dir).unwrap().create(&record).unwrap();
    record
}

fn load(dir: &Path, id: &str) -> Record {
    match Store::open(dir).unwrap().load(id, content()).unwrap() {
        Decoded::Current(record) => *record,
        Decoded::Newer { .. } => panic!("newer"),
    }
}

#[test]
fn typing_in_the_records_browser_filters_by_patient_date_or_status_and_esc_clears_before_leaving() {
    let dir = tempfile::tempdir().unwrap();
    saved_record(dir.path(), json!({"patient.name": "Margaret Ellis"}), Status::Completed);
    saved_record(dir.path(), json!({"patient.name": "Tomas Reyes", "visit.date": "2026-11-25"}), Status::InProgress);
    saved_record(dir.path(), json!({"patient.name": "Ana Ellison", "visit.date": "2026-12-02"}), Status::Completed);
    let mut clinic = Clinic::open(dir.path());
    clinic.go_to_records();
    assert_eq!(clinic.app.records().unwrap().shown.len(), 3);

    clinic.type_text("ELL");
    assert_eq!(clinic.app.records().unwrap().shown.len(), 2, "case does not matter");
    clinic.type_text(" 2026-12");
    let records = clinic.app.records().unwrap();
    let shown: Vec<_> = records.shown.iter().map(|&i| records.entries[i].patient.clone()).collect();
    assert_eq!(shown, vec![Some("Ana Ellison".to_owned())], "every word must match");
    assert!(clinic.screen(100, 30).contains("Filter: ELL 2026-12"));

    for _ in 0.." 2026-12".len() {
        clinic.press(KeyCode::Backspace);
    }
    clinic.type_text(" progress");
    assert_eq!(clinic.app.records().unwrap().shown.len(), 0, "Tomas is in progress but not an Ell…");
    assert!(clinic.screen(100, 30).contains("No record matches the filter."));

    clinic.press(KeyCode::Esc);
    assert_eq!(clinic.app.records().map(|r| r.filter.as_str()), Some(""), "Esc clears first");
    assert_eq!(clinic.app.records().unwrap().shown.len(), 3);
    clinic.press(KeyCode::Esc);
    assert!(matches!(clinic.app.screen, Screen::Home(_)));
}

#[test]
fn a_completed_record_opens_read_only_with_a_banner_and_keys_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let record = saved_record(dir.path(), json!({}), Status::Completed);
    let mut clinic = Clinic::open(dir.path());
    clinic.go_to_records();
    clinic.press(KeyCode::Enter);
    assert!(matches!(clinic.app.screen, Screen::Wizard(_)));
    assert!(clinic.screen(100, 30).contains("READ-ONLY: completed · F5 amend"), "{}", clinic.screen(100, 30));

    clinic.focus("screen.fever");
    clinic.press(KeyCode::Char('y'));
    clinic.ctrl('s');
    assert_eq!(clinic.answer("screen.fever"), Some(json!(false)));
    assert_eq!(load(dir.path(), &record.id), record, "nothing written");
    assert!(clinic.app.status.as_ref().is_some_and(|(text, problem)| *problem && text.contains("Not saved")));

    clinic.ctrl('q');
    assert!(matches!(clinic.app.screen, Screen::Records(_)), "Ctrl-Q closes the record, back to the list");
    assert!(!clinic.quit);
}

#[test]
fn an_amendment_asks_who_and_why_then_saves_the_next_revision_and_keeps_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let record = saved_record(dir.path(), json!({"pain.now": 5}), Status::Completed);
    let mut clinic = Clinic::open(dir.path());
    clinic.go_to_records();
    clinic.press(KeyCode::Enter);

    clinic.press(KeyCode::F(5));
    assert!(matches!(&clinic.app.dialog, Some(Dialog::Amend(WhoWhy { by, .. })) if by == "j.okafor"), "who is offered");
    for _ in 0.."j.okafor".len() {
        clinic.press(KeyCode::Backspace);
    }
    clinic.press(KeyCode::Enter); // to "why"
    clinic.press(KeyCode::Enter); // both empty
    assert!(matches!(&clinic.app.dialog, Some(Dialog::Amend(WhoWhy { problem: Some(_), .. }))), "both are required");
    clinic.type_text("Pain score was misheard");
    clinic.press(KeyCode::Up);
    clinic.type_text("J. Okafor");
    clinic.press(KeyCode::Enter);
    clinic.press(KeyCode::Enter);
    assert_eq!(clinic.app.dialog, None);
    assert_eq!(clinic.session().read_only, None, "editable while amending");

    clinic.focus("pain.now");
    clinic.press(KeyCode::Backspace);
    clinic.type_text("3");
    clinic.ctrl('s');

    let amended = load(dir.path(), &record.id);
    assert_eq!((amended.revision, amended.status), (2, Status::Amended));
    assert_eq!(amended.answers["pain.now"], json!(3));
    assert_eq!(amended.amendments.len(), 1);
    assert_eq!(
        (amended.amendments[0].by.as_str(), amended.amendments[0].reason.as_str()),
        ("J. Okafor", "Pain score was misheard")
    );
    let history = Store::open(dir.path()).unwrap().history(&record.id, content()).unwrap();
    assert_eq!(history, vec![record], "revision 1 is kept as it was");
    assert!(clinic.session().read_only.is_some(), "closed again: the next change needs its own amendment");
    assert!(clinic.session().amendment.is_none());
}

#[test]
fn a_record_open_in_another_app_opens_read_only_naming_who_has_it() {
    let dir = tempfile::tempdir().unwrap();
    saved_record(dir.path(), json!({}), Status::InProgress);
    let mut first = Clinic::open(dir.path());
    first.go_to_records();
    first.press(KeyCode::Enter);
    assert_eq!(first.session().read_only, None, "the first to open an in-progress record edits it");

    let mut second = Clinic::open(dir.path());
    second.go_to_records();
    second.press(KeyCode::Enter);
    let banner = second.session().read_only.clone().unwrap_or_default();
    assert!(banner.starts_with("open for editing by "), "{banner}");
    assert!(banner.contains(&format!("process {}", std::process::id())), "{banner}");
}

#[test]
fn quitting_releases_the_record_with_its_lock_file_and_the_next_app_edits_it() {
    let dir = tempfile::tempdir().unwrap();
    let record = saved_record(dir.path(), json!({}), Status::InProgress);
    let lock_file = dir.path().join("records").join(format!("{}.lock", record.id));
    let mut first = Clinic::open(dir.path());
    first.go_to_records();
    first.press(KeyCode::Enter);
    assert!(lock_file.exists(), "held while open");
    first.ctrl('q');
    assert!(first.quit);
    assert!(!lock_file.exists(), "quitting removes the lock file it held");

    let mut second = Clinic::open(dir.path());
    second.go_to_records();
    second.press(KeyCode::Enter);
    assert_eq!(second.session().read_only, None, "free again: the next app edits it");
}

#[test]
fn a_follow_up_carries_the_story_asks_the_safety_screen_again_and_marks_meaningful_change() {
    let dir = tempfile::tempdir().unwrap();
    let first = saved_record(
        dir.path(),
        json!({"pain.now": 6, "screen.open_wound": true,
               "screen.open_wound.regions": ["lower_leg_r"]}),
        Status::Completed,
    );
    let mut clinic = Clinic::open(dir.path());
    clinic.go_to_records();
    clinic.press(KeyCode::Enter);
    clinic.press(KeyCode::F(6));

    assert!(clinic.session().record.is_none(), "a new visit, a new record");
    assert_eq!(clinic.session().read_only, None);
    assert_eq!(clinic.answer("patient.name"), first.answers.get("patient.name").cloned(), "the story carries");
    assert_eq!(clinic.answer("complaint.condition"), first.answers.get("complaint.condition").cloned());
    assert_eq!(clinic.answer("visit.type"), Some(json!("follow_up")));
    assert_eq!(clinic.answer("visit.date"), Some(json!("2026-11-22")));
    for asked_again in ["screen.open_wound", "screen.fever", "redflag.weight_loss", "visit.consent", "pain.now"] {
        assert_eq!(clinic.answer(asked_again), None, "{asked_again} is asked again");
    }
    assert!(clinic.screen(100, 30).contains("Follow-up (last visit 2026-11-22)"));

    clinic.focus("screen.open_wound");
    assert!(clinic.screen(100, 30).contains("↳ last visit: Yes"), "a yes last time is shown while it is asked again");
    clinic.focus("pain.now");
    clinic.type_text("5");
    assert!(clinic.screen(100, 30).contains("6 → 5 (−1, under 2: not meaningful)"), "{}", clinic.screen(100, 30));
    clinic.press(KeyCode::Backspace);
    clinic.type_text("3");
    assert!(clinic.screen(100, 30).contains("6 → 3 (−3, meaningful)"));

    clinic.ctrl('s');
    let saved = clinic.session().record.clone().expect("saved");
    assert_eq!(saved.follow_up_of.as_deref(), Some(first.id.as_str()));
    assert_eq!(load(dir.path(), &first.id), first, "the first visit is untouched");
}

#[test]
fn a_follow_up_restored_after_a_crash_still_knows_the_visit_it_follows() {
    let dir = tempfile::tempdir().unwrap();
    let first = saved_record(dir.path(), json!({"pain.now": 6}), Status::Completed);
    {
        let mut clinic = Clinic::open(dir.path());
        clinic.go_to_records();
        clinic.press(KeyCode::Enter);
        clinic.press(KeyCode::F(6));
        clinic.focus("pain.now");
        clinic.type_text("2");
        clinic.wait(3);
        // The app is killed here: no quit, no save.
    }
    let mut clinic = Clinic::open(dir.path());
    assert!(
        matches!(clinic.app.dialog, Some(Dialog::Ask { question: Question::Recover { .. }, .. })),
        "the draft is offered"
    );
    clinic.press(KeyCode::Enter); // Restore
    assert_eq!(clinic.answer("pain.now"), Some(json!(2)));
    assert_eq!(clinic.session().previous.as_ref().map(|p| p.record_id.as_str()), Some(first.id.as_str()));
    clinic.focus("pain.now");
    assert!(clinic.screen(100, 30).contains("6 → 2 (−4, meaningful)"));
}
