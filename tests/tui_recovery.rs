//! Issue 11, items 3, 11 and 12 in the app: a kill right after Ctrl-S never makes a second
//! record, pasted control characters are dropped, and a failed draft save reads plainly. Driven
//! by keys through `update` with the runner carrying out every effect on a real store, and a
//! "crash" that stops carrying out effects at a chosen point.

#[path = "common/clinic.rs"]
mod clinic;
#[path = "common/app.rs"]
mod harness;

use clinic::Clinic;
use harness::content;
use physio_intake::tui::app::{Dialog, Home, Question, Screen};
use physio_intake::tui::runner::without_controls;
use ratatui::crossterm::event::KeyCode;
use serde_json::{Value, json};
use std::path::Path;

/// What only these tests need of the clinic.
trait Intake {
    fn new_intake_named(&mut self, name: &str);
}

impl Intake for Clinic {
    fn new_intake_named(&mut self, name: &str) {
        self.app.screen = Screen::Home(Home { cursor: 0 });
        self.press(KeyCode::Enter);
        let id = content().questionnaire.id("patient.name").unwrap();
        let position = self.session().form.visible_items(content()).iter().position(|i| *i == id).unwrap();
        self.app.session_mut().unwrap().form.focus = position;
        self.type_text(name);
    }
}

fn records(dir: &Path) -> Vec<Value> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir.join("records")).unwrap().flatten() {
        let name = entry.file_name().into_string().unwrap();
        if name.ends_with(".json") && name != "index.json" {
            found.push(serde_json::from_slice(&std::fs::read(entry.path()).unwrap()).unwrap());
        }
    }
    found
}

fn drafts(dir: &Path) -> usize {
    std::fs::read_dir(dir.join("drafts")).unwrap().flatten().count()
}

#[test]
fn a_kill_right_after_ctrl_s_leaves_nothing_to_recover_and_one_record() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = Clinic::open(dir.path());
    first.new_intake_named("Ana Ruiz");
    first.wait(3); // the autosave
    first.crash_after_record_save = true;
    first.ctrl('s');
    assert!(first.crashed);
    assert_eq!(records(dir.path()).len(), 1);
    assert_eq!(drafts(dir.path()), 1, "the kill left the draft behind");
    drop(first);

    let second = Clinic::open(dir.path());
    assert!(second.app.drafts.is_empty(), "what the record already holds is not offered again");
    assert!(second.app.dialog.is_none());
    assert_eq!(drafts(dir.path()), 0, "the left-over draft is removed quietly");
    assert_eq!(records(dir.path()).len(), 1, "never a duplicate");
}

#[test]
fn a_draft_older_than_the_save_is_offered_and_restoring_it_updates_that_record_never_a_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = Clinic::open(dir.path());
    first.new_intake_named("Ana");
    first.wait(3); // autosaved "Ana"
    first.type_text(" Ruiz");
    first.crash_after_record_save = true;
    first.ctrl('s'); // saved "Ana Ruiz", killed before the draft went
    assert_eq!(records(dir.path()).len(), 1);
    let id = records(dir.path())[0]["id"].as_str().unwrap().to_owned();
    drop(first); // the dead process's record lock goes with it

    let mut second = Clinic::open(dir.path());
    assert_eq!(second.app.drafts.len(), 1, "the draft differs from the record: offered");
    assert_eq!(second.app.drafts[0].record_id.as_deref(), Some(id.as_str()), "as changes to that record");
    assert!(matches!(second.app.dialog, Some(Dialog::Ask { question: Question::Recover { .. }, .. })));
    second.press(KeyCode::Enter); // Restore
    let status = second.app.status.clone().unwrap_or_default().0;
    assert!(status.contains("saved again since"), "the conflict is said: {status}");
    assert_eq!(second.session().record.as_ref().map(|r| r.id.as_str()), Some(id.as_str()));
    second.ctrl('s');
    let all = records(dir.path());
    assert_eq!(all.len(), 1, "restoring never makes a second record");
    assert_eq!(all[0]["revision"], json!(2));
    assert_eq!(drafts(dir.path()), 0);
}

#[test]
fn a_failed_draft_save_reads_plainly_in_the_status_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut clinic = Clinic::open(dir.path());
    // The drafts folder is gone and a file is in its place: every draft save fails.
    std::fs::remove_dir_all(dir.path().join("drafts")).unwrap();
    std::fs::write(dir.path().join("drafts"), b"").unwrap();
    clinic.new_intake_named("Ana");
    clinic.wait(3);
    let (status, problem) = clinic.app.status.clone().expect("a status");
    assert!(problem, "{status}");
    assert!(status.starts_with("Draft not saved: "), "{status}");
    assert!(!status.contains("not saved: not saved"), "{status}");
    assert!(clinic.runner.unsaved_warning().is_some_and(|w| w.contains("NOT saved")));
}

#[test]
fn pasted_control_characters_are_dropped_line_breaks_kept() {
    assert_eq!(without_controls("Ana\u{1b}[2J Ruiz\u{0}\u{7}"), "Ana[2J Ruiz");
    assert_eq!(without_controls("one\r\ntwo\tthree\u{9b}"), "one\r\ntwo three");
    assert_eq!(without_controls("Müller-Łukasz"), "Müller-Łukasz");
}
