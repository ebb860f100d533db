//! The real binary in a pseudo-terminal, read back through a vt100 screen: a whole intake typed
//! by keys with both flags rising live in the panel, saved, completed and checked on disk; the
//! same at 120x40 with the mouse on, quitting through the Save dialog; kill -9 mid-typing, then
//! recovery of what was typed two seconds before; SIGTERM and SIGHUP while editing; a window
//! shrunk below the minimum and back; bracketed paste; Discard at quit; a practice attempt. Each
//! test has its own data directory, and every wait polls the screen (up to 20 s) instead of
//! sleeping fixed times; the only fixed sleeps are the 2.5 s the autosave is given.

#[path = "common/pty.rs"]
mod pty;

use pty::{Tui, json_files, key, mode, records, the_draft, the_record};
use serde_json::json;
use std::path::Path;
use std::time::{Duration, Instant};

/// A visit date in the past, typed over the date the app offers (today).
const VISIT: &str = "2025-03-14";

/// Start a new intake from Home.
fn new_intake(app: &mut Tui) {
    app.wait_for("New intake");
    app.press(key::ENTER);
    app.wait_for("Step 1/9");
    app.wait_until("the focus on the patient's name", |s| s.contains("› Patient name"));
}

/// Step 1 (name, date of birth, visit date, consent), step 3 (pain now), step 4: an open wound
/// on the right lower leg and blood thinners, each flag checked in the live panel right after its
/// answer, while still in the wizard.
fn type_patient_and_safety_screen(app: &mut Tui, name: &str) {
    app.type_str(name);
    app.wait_for(name);
    app.tab_to("Date of birth");
    app.type_str("1961-03-04");
    app.tab_to("Date of this visit");
    for _ in 0.."YYYY-MM-DD".len() {
        app.press(key::BACKSPACE);
    }
    app.type_str(VISIT);
    app.wait_for(VISIT);
    app.tab_to("Consent to assessment obtained");
    app.press("y");
    app.wait_until("consent answered yes", |s| {
        s.lines().any(|l| l.contains("› Consent obtained") && l.contains("Yes"))
    });

    app.press(key::PAGE_DOWN);
    app.press(key::PAGE_DOWN);
    app.wait_for("Step 3/9");
    app.wait_until("the focus on pain now", |s| s.contains("› Pain now"));
    app.type_str("6");
    app.press(key::PAGE_DOWN); // the red flags come before the safety screen
    app.wait_for("Step 4/9: Red flags");
    app.press(key::PAGE_DOWN);
    app.wait_for("Step 5/9");
    assert!(app.flag_panel().contains("No flags so far"), "no flag before the safety screen:\n{}", app.screen());

    app.tab_to("Open wound, sore, burn or unhealed skin?");
    app.press("y");
    app.wait_for_flag("AVOID Open wound");
    app.wait_for_flag("Flags (1)");
    app.press(key::TAB); // the body chart of the wound: from the head down to the right lower leg
    app.wait_for("Where is the open wound?");
    for _ in 0..8 {
        app.press(key::DOWN);
    }
    app.press(key::SPACE);
    app.wait_for_flag("Right lower leg");
    app.wait_until("the wound on the right lower leg", |s| {
        s.lines().any(|l| l.contains("› Open wound: where") && l.contains("Right lower leg"))
    });

    app.tab_to("Blood thinners");
    app.press("y");
    app.wait_for_flag("MODIFY Blood thinners");
    let panel = app.flag_panel();
    assert!(panel.contains("Flags (2)") && panel.contains("AVOID Open wound"), "both flags at once:\n{panel}");
    assert!(panel.contains("▲ AVOID: not on the areas"), "the verdict badge:\n{panel}");
    assert!(app.row(0).contains("Step 5/9"), "still in the wizard's safety screen:\n{}", app.screen());
}

/// The answers typed by `type_patient_and_safety_screen`, and the flags they raise.
fn assert_patient_and_safety_screen_saved(record: &serde_json::Value, name: &str) {
    let answers = &record["answers"];
    assert_eq!(answers["patient.name"], name);
    assert_eq!(answers["patient.dob"], "1961-03-04");
    assert_eq!(answers["visit.date"], VISIT);
    assert_eq!(answers["visit.consent"], true);
    assert_eq!(answers["pain.now"], 6);
    assert_eq!(answers["screen.open_wound"], true);
    assert_eq!(answers["screen.open_wound.regions"], json!(["lower_leg_r"]));
    assert_eq!(answers["meds.anticoagulant"], true);
    let flags: Vec<&str> =
        record["result"]["flags"].as_array().unwrap().iter().filter_map(|f| f["id"].as_str()).collect();
    assert_eq!(flags, ["open_wound", "anticoagulant"], "ordered by tier: avoid, then modify");
    assert_eq!(record["result"]["avoid_regions"], json!(["lower_leg_r"]));
    assert_eq!(record["result"]["verdict"], json!({"massage": "avoid", "referral": "none"}));
}

/// After the app has exited: off the alternate screen, out of raw mode, bracketed paste off, and
/// nothing of the patient's left on the normal screen.
fn assert_terminal_restored(app: &Tui, name: &str) {
    assert!(!app.alternate_screen(), "back on the normal screen:\n{}", app.screen());
    assert!(!app.screen().contains(name), "no patient data on the normal screen:\n{}", app.screen());
    let output = app.output();
    assert!(output.contains("\x1b[?1049h") && output.contains("\x1b[?1049l"), "alternate screen entered and left");
    assert!(output.contains("\x1b[?2004h") && output.contains("\x1b[?2004l"), "bracketed paste on, then off");
    assert!(output.rfind("\x1b[?2004l") > output.rfind("\x1b[?2004h"), "bracketed paste off last");
    assert!(output.rfind("\x1b[?25h") > output.rfind("\x1b[?25l"), "the cursor shown again");
    let modes = app.local_modes();
    assert!(modes.iter().any(|m| m == "ICANON") && modes.iter().any(|m| m == "ECHO"), "raw mode left: {modes:?}");
}

/// Press F10 until the record completes, resolving each first line of the gate as a clinician
/// would: Enter goes to it; a question is marked not asked (patient declined), a referral is
/// acknowledged, an override gets its why (who comes from the visit). How often the gate was met.
fn complete_through_the_gate(app: &mut Tui) -> usize {
    for met in 0..150 {
        app.press(key::F10);
        app.wait_until("the gate or the completed record", |s| {
            s.contains("Not completed yet") || s.contains("(completed)")
        });
        let screen = app.screen();
        if !screen.contains("Not completed yet") {
            return met;
        }
        let line = screen
            .lines()
            .find(|l| l.contains("│› "))
            .unwrap_or_else(|| panic!("a chosen line in the gate:\n{screen}"))
            .to_owned();
        app.press(key::ENTER);
        app.wait_until("the gate closed", |s| !s.contains("Not completed yet"));
        if line.contains("Not answered:") {
            app.press(key::CTRL_N);
            app.wait_for("Why was it not asked?");
            app.press(key::ENTER);
            app.wait_until("the mark kept", |s| !s.contains("Why was it not asked?"));
        } else if line.contains("Not acknowledged:") {
            app.press(key::CTRL_A);
            app.wait_for("Acknowledged by");
        } else if line.contains("Override needed:") {
            app.wait_for("Override the verdict");
            app.type_str("Patient declined transfer; GP phoned");
            app.press(key::ENTER);
            app.wait_until("the override kept", |s| !s.contains("Override the verdict"));
        } else {
            panic!("an unexpected gate line: {line}\n{screen}");
        }
    }
    panic!("the gate never let the record through:\n{}", app.screen());
}

/// An empty directory to stand in for the home, config, cache and temporary folders, to check
/// that the app writes nothing outside its data directory.
fn elsewhere(home: &Path) -> Vec<(&'static str, &std::ffi::OsStr)> {
    ["HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME", "TMPDIR"]
        .into_iter()
        .map(|name| (name, home.as_os_str()))
        .collect()
}

#[test]
fn a_whole_intake_typed_by_keys_shows_both_flags_live_saves_completes_and_restores_the_terminal() {
    let data = tempfile::tempdir().unwrap();
    let home = tempfile::tempdir().unwrap();
    let mut app = Tui::start_with(data.path(), 80, 24, &[], &elsewhere(home.path()));
    new_intake(&mut app);
    let modes = app.local_modes();
    assert!(!modes.iter().any(|m| m == "ICANON" || m == "ECHO"), "raw mode while running: {modes:?}");

    type_patient_and_safety_screen(&mut app, "Zed Canary");

    // On through the other sections: the flags stay in the panel on every one.
    for step in 6..=9 {
        app.press(key::PAGE_DOWN);
        app.wait_for(&format!("Step {step}/9"));
        let panel = app.flag_panel();
        assert!(panel.contains("AVOID Open wound") && panel.contains("MODIFY Blood thinners"), "step {step}:\n{panel}");
    }
    app.wait_until("the focus on the decision", |s| s.contains("› Decision"));
    app.press(key::DOWN);
    app.press(key::SPACE); // Proceed with changes
    app.wait_until("the decision chosen", |s| s.contains("(•) Proceed with changes"));
    app.tab_to("Reasoning, referrals made");
    app.type_str("Wound dressed");
    app.press(key::ENTER); // a new line in notes
    app.type_str("Light pressure only");
    app.wait_for("Light pressure only");

    app.press(key::CTRL_S);
    app.wait_for("revision 1 (in progress)");
    let record = the_record(data.path());
    assert_eq!((record["status"].as_str(), record["revision"].as_u64()), (Some("in_progress"), Some(1)));

    // Most of the safety screen and the red flags were never asked: F10 meets the gate, and each
    // of its lines is resolved from it (marked not asked, with a reason).
    let met = complete_through_the_gate(&mut app);
    assert!(met > 0, "the gate was met");
    app.wait_for("revision 2 (completed)");
    app.wait_for("READ-ONLY: completed");
    assert!(!app.screen().contains("not yet saved"), "{}", app.screen());
    let record = the_record(data.path());
    assert_eq!(record["attestations"]["not_asked"]["screen.fever"], json!({"reason": "patient_declined"}));
    assert!(record["attestations"]["not_asked"].get("screen.open_wound").is_none(), "answered, not marked");
    assert_eq!(record["format"], "physio-intake/assessment");
    assert_eq!((record["status"].as_str(), record["revision"].as_u64()), (Some("completed"), Some(2)));
    assert_patient_and_safety_screen_saved(&record, "Zed Canary");
    assert_eq!(record["answers"]["decision.outcome"], "proceed_modified");
    assert_eq!(record["answers"]["decision.notes"], "Wound dressed\nLight pressure only");
    let file = &records(data.path())[0];
    assert!(!file.file_name().unwrap().to_string_lossy().contains("Zed"), "the file name is an opaque id");
    assert_eq!(mode(file), 0o600);
    assert_eq!(mode(&data.path().join("records")), 0o700);
    assert!(json_files(&data.path().join("drafts")).is_empty(), "the saved intake leaves no draft behind");

    app.press(key::CTRL_Q); // everything is saved: no question asked
    let status = app.wait_for_exit();
    assert_eq!((status.exit_code(), status.signal()), (0, None));
    assert_terminal_restored(&app, "Zed Canary");
    let output = app.output();
    assert!(!output.contains("\x1b[?1000h"), "no mouse capture unless asked for");
    assert!(!output.contains("\x1b]0;") && !output.contains("\x1b]2;"), "the window title is never set");
    let strays: Vec<_> = std::fs::read_dir(home.path()).unwrap().flatten().map(|e| e.path()).collect();
    assert!(strays.is_empty(), "nothing written outside the data directory: {strays:?}");
}

#[test]
fn at_120x40_with_the_mouse_on_quitting_with_unsaved_work_asks_and_save_keeps_it_and_the_mouse_is_released() {
    let data = tempfile::tempdir().unwrap();
    let mut app = Tui::start_with(data.path(), 120, 40, &["--mouse"], &[]);
    new_intake(&mut app);
    type_patient_and_safety_screen(&mut app, "Ida Widescreen");
    let panel = app.flag_panel();
    assert!(
        panel.contains("AVOID Open wound or unhealed skin") && panel.contains("MODIFY Blood thinners or antiplatel"),
        "the whole titles in the wide panel:\n{panel}"
    );

    // Why the flag fired, from the panel.
    app.press(key::F2);
    app.wait_for("Enter: why");
    app.press(key::ENTER);
    app.wait_for("Why it fired:");
    app.wait_for("Where: Right lower leg");
    app.press(key::ESC);
    app.press(key::ESC);
    app.wait_until("the detail closed and the form focused", |s| !s.contains("Why it fired:") && s.contains("· F2"));

    app.press(key::CTRL_Q);
    app.wait_for("This intake is not saved as a record yet.");
    app.press(key::ENTER); // [ Save ]
    let status = app.wait_for_exit();
    assert_eq!((status.exit_code(), status.signal()), (0, None));

    let record = the_record(data.path());
    assert_eq!((record["status"].as_str(), record["revision"].as_u64()), (Some("in_progress"), Some(1)));
    assert_patient_and_safety_screen_saved(&record, "Ida Widescreen");
    assert!(json_files(&data.path().join("drafts")).is_empty(), "saved on the way out: no draft left");
    assert_terminal_restored(&app, "Ida Widescreen");
    let output = app.output();
    assert!(output.contains("\x1b[?1000h"), "mouse capture on, as asked");
    for off in ["\x1b[?1000l", "\x1b[?1002l", "\x1b[?1003l", "\x1b[?1006l"] {
        assert!(output.rfind(off) > output.rfind("\x1b[?1000h"), "mouse capture off at exit: {off:?}");
    }
}

#[test]
fn after_kill_9_mid_typing_a_restart_offers_the_draft_with_what_was_typed_two_seconds_before() {
    let data = tempfile::tempdir().unwrap();
    let mut app = Tui::start(data.path(), 80, 24);
    new_intake(&mut app);
    app.type_str("Kim Draftwell");
    app.press(key::PAGE_DOWN);
    app.wait_for("Step 2/9");
    app.wait_until("the focus on the main complaint", |s| s.contains("› Main complaint"));
    app.type_str("Sore calf");
    app.press(key::ENTER);
    app.type_str("since Monday");
    app.wait_for("since Monday"); // the app has taken the last key
    let last_change = Instant::now();

    // The draft is due 1 s after the last change; give it 2.5 s, then type on and kill at once.
    std::thread::sleep(Duration::from_millis(2500).saturating_sub(last_change.elapsed()));
    app.type_str(", worse at night");
    app.signal("-KILL");
    let status = app.wait_for_exit();
    assert_eq!(status.signal(), Some("Killed"), "killed, not a clean exit");

    let drafts = json_files(&data.path().join("drafts"));
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    assert_eq!(mode(&drafts[0]), 0o600, "the draft is readable by its owner only");
    assert_eq!(mode(&data.path().join("drafts")), 0o700);
    let draft = the_draft(data.path());
    assert_eq!(draft["answers"]["patient.name"], "Kim Draftwell");
    let complaint = draft["answers"]["complaint.description"].as_str().unwrap_or_default();
    assert!(complaint.starts_with("Sore calf\nsince Monday"), "the notes typed 2.5 s before the kill: {complaint:?}");
    assert!(records(data.path()).is_empty(), "a draft, not a record");

    let mut again = Tui::start(data.path(), 80, 24);
    again.wait_for("Recover unsaved work");
    again.wait_for("Kim Draftwell — last edit");
    again.wait_for("[ Restore ]  [ View ]  [ Discard ]");
    again.press(key::ENTER); // Restore
    again.wait_for("Draft restored");
    again.wait_for("Step 2/9"); // where the typing was
    again.wait_for("Sore calf");
    again.wait_for("since Monday");
    again.press(key::PAGE_UP);
    again.wait_for("Step 1/9");
    again.wait_for("Kim Draftwell");

    // The recovered work becomes a record, and the draft goes.
    again.press(key::CTRL_S);
    again.wait_for("revision 1 (in progress)");
    let record = the_record(data.path());
    assert_eq!(record["answers"]["patient.name"], "Kim Draftwell");
    assert!(record["answers"]["complaint.description"].as_str().unwrap().starts_with("Sore calf\nsince Monday"));
    again.press(key::CTRL_Q);
    assert_eq!(again.wait_for_exit().exit_code(), 0);
    let left: Vec<_> =
        std::fs::read_dir(data.path().join("drafts")).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(left.is_empty(), "no draft and no temporary file left: {left:?}");
}

/// A signal while a name is typed but not yet autosaved: the draft is flushed on the way out, the
/// terminal restored, and the next start offers the work; View opens it read-only and keeps it.
fn a_signal_while_editing_saves_the_draft(signal: &str, exit_code: u32) {
    let data = tempfile::tempdir().unwrap();
    let mut app = Tui::start(data.path(), 80, 24);
    new_intake(&mut app);
    app.type_str("Sam Termwell");
    app.wait_for("Sam Termwell");
    app.signal(signal); // well before the autosave is due
    let status = app.wait_for_exit();
    assert_eq!((status.exit_code(), status.signal()), (exit_code, None), "caught, and exited 128 + the signal");
    assert_terminal_restored(&app, "Sam Termwell");
    assert_eq!(the_draft(data.path())["answers"]["patient.name"], "Sam Termwell");
    assert_eq!(mode(&json_files(&data.path().join("drafts"))[0]), 0o600);

    let mut again = Tui::start(data.path(), 80, 24);
    again.wait_for("Recover unsaved work");
    again.wait_for("Sam Termwell — last edit");
    again.press(key::RIGHT);
    again.press(key::ENTER); // View
    again.wait_for("Viewing a recovered draft");
    again.wait_for("READ-ONLY");
    again.type_str("x");
    again.press(key::CTRL_Q); // closes the view
    again.wait_for("Resume draft: Sam Termwell");
    again.press("q");
    assert_eq!(again.wait_for_exit().exit_code(), 0);
    assert_eq!(the_draft(data.path())["answers"]["patient.name"], "Sam Termwell", "viewing changes nothing");
}

#[test]
fn sigterm_while_editing_saves_the_draft_restores_the_terminal_and_the_work_is_offered_next_time() {
    a_signal_while_editing_saves_the_draft("-TERM", 128 + 15);
}

#[test]
fn sighup_from_a_closed_window_saves_the_draft_and_the_work_is_offered_next_time() {
    a_signal_while_editing_saves_the_draft("-HUP", 128 + 1);
}

#[test]
fn a_window_below_80x24_shows_terminal_too_small_and_the_form_is_intact_after() {
    let data = tempfile::tempdir().unwrap();
    let mut app = Tui::start(data.path(), 80, 24);
    new_intake(&mut app);
    app.type_str("Tia Smallwood");
    app.wait_for("Tia Smallwood");

    app.resize(40, 10);
    app.wait_for("Terminal too small");
    app.wait_for("now 40x10");
    assert!(!app.screen().contains("Tia Smallwood"), "the form is hidden:\n{}", app.screen());
    app.type_str(" Xx"); // keys wait: nothing is typed blind into the hidden form
    app.resize(0, 0);
    app.resize(79, 24);
    app.wait_for("now 79x24");

    app.resize(80, 24);
    app.wait_for("Tia Smallwood");
    app.wait_for("Step 1/9");
    assert!(!app.screen().contains("Tia Smallwood Xx"), "nothing typed while hidden:\n{}", app.screen());
    app.type_str(" Jr");
    app.wait_for("Tia Smallwood Jr");
    assert!(app.screen().contains("› Patient name"), "the focus kept:\n{}", app.screen());
    app.resize(120, 40);
    app.wait_for_flag("No flags so far");
    app.wait_for("Tia Smallwood Jr");

    // Quitting asks; Esc goes back; Save keeps what was typed.
    app.press(key::CTRL_Q);
    app.wait_for("[ Save ]  [ Discard ]  [ Cancel ]");
    app.press(key::ESC);
    app.wait_until("the dialog closed", |s| !s.contains("[ Discard ]"));
    app.press(key::CTRL_Q);
    app.wait_for("[ Save ]");
    app.press(key::ENTER);
    assert_eq!(app.wait_for_exit().exit_code(), 0);
    assert_eq!(the_record(data.path())["answers"]["patient.name"], "Tia Smallwood Jr");
}

#[test]
fn a_paste_lands_in_the_focused_field_and_letters_typed_in_text_are_never_shortcuts() {
    let data = tempfile::tempdir().unwrap();
    let mut app = Tui::start(data.path(), 80, 24);
    new_intake(&mut app);
    app.type_str("Quinn");
    app.press("\x1b[200~ O'Brien\nJr\x1b[201~"); // a one-line field: the newline becomes a space
    app.wait_for("Quinn O'Brien Jr");
    app.press(key::PAGE_DOWN);
    app.wait_until("the focus on the main complaint", |s| s.contains("› Main complaint"));
    app.type_str("quite sore? yes, no");
    app.press("\x1b[200~Line two\nLine three\x1b[201~"); // notes keep their lines
    app.wait_for("Line three");
    let screen = app.screen();
    assert!(screen.contains("quite sore? yes, noLine two") && !screen.contains("Help: every key"), "{screen}");
    app.press(key::CTRL_S);
    app.wait_for("revision 1 (in progress)");
    let answers = &the_record(data.path())["answers"];
    assert_eq!(answers["patient.name"], "Quinn O'Brien Jr");
    assert_eq!(answers["complaint.description"], "quite sore? yes, noLine two\nLine three");
    app.press(key::CTRL_Q);
    assert_eq!(app.wait_for_exit().exit_code(), 0);
}

/// Type a name, quit, and choose Discard in the quit dialog, after `pause`.
fn discard_at_quit(pause: Duration) -> tempfile::TempDir {
    let data = tempfile::tempdir().unwrap();
    let mut app = Tui::start(data.path(), 80, 24);
    new_intake(&mut app);
    app.type_str("Dee Discard");
    app.wait_for("Dee Discard");
    std::thread::sleep(pause);
    app.press(key::CTRL_Q);
    app.wait_for("[ Save ]  [ Discard ]  [ Cancel ]");
    app.press(key::RIGHT);
    app.press(key::ENTER); // [ Discard ]
    assert_eq!(app.wait_for_exit().exit_code(), 0);
    data
}

#[test]
fn discard_at_quit_after_the_autosave_leaves_no_draft_and_no_record() {
    let data = discard_at_quit(Duration::from_millis(2500));
    let drafts = json_files(&data.path().join("drafts"));
    assert!(drafts.is_empty() && records(data.path()).is_empty(), "discarded, yet left: {drafts:?}");
}

#[test]
fn discard_at_quit_right_after_typing_leaves_no_draft() {
    let data = discard_at_quit(Duration::ZERO);
    let drafts = json_files(&data.path().join("drafts"));
    assert!(drafts.is_empty(), "discarded, yet offered for recovery next time: {drafts:?}");
}

#[test]
fn a_practice_attempt_is_typed_graded_with_feedback_and_saved_apart_from_patient_records() {
    let data = tempfile::tempdir().unwrap();
    let mut app = Tui::start_with(data.path(), 80, 24, &["practice"], &[]);
    app.wait_for("PRACTICE");
    app.wait_for("Relaxation massage, booked and paid for");
    for _ in 0..3 {
        app.press(key::DOWN);
    }
    app.press(key::ENTER);
    app.wait_for("The patient's story");
    app.wait_for("38.4");
    for _ in 0..4 {
        app.press(key::PAGE_DOWN);
    }
    app.wait_for("5/9: Safety screen"); // a long case title: the step keeps its section whole
    app.press("y"); // fever: yes; the painkillers of the story are left unasked
    app.wait_until("fever answered", |s| s.lines().any(|l| l.contains("› Fever") && l.contains("Yes")));
    assert!(!app.screen().contains("STOP Fever"), "the flags stay hidden");
    app.press(key::F10);
    // One answer: the missed painkillers (10), the screening questions not asked (30) and no
    // decision (10) leave 50, short of the pass mark.
    app.wait_for("Practice result: not passed");
    app.wait_for("NOT PASSED  50/100");
    app.wait_for("MISSED Painkillers");
    app.press(key::ESC);
    app.wait_for("best  50 · 1 attempt");
    app.press("q");
    assert_eq!(app.wait_for_exit().exit_code(), 0);

    assert_eq!(json_files(&data.path().join("practice")).len(), 1);
    assert!(records(data.path()).is_empty() && json_files(&data.path().join("drafts")).is_empty());
}

#[test]
fn an_emergency_with_a_contradicting_decision_meets_the_gate_and_completes_once_acknowledged_and_overridden() {
    let data = tempfile::tempdir().unwrap();
    let mut app = Tui::start(data.path(), 80, 24);
    new_intake(&mut app);
    app.type_str("Ada Canary");
    app.tab_to("Clinician or student name");
    app.type_str("Sam Physio");
    app.tab_to("Consent to assessment obtained");
    app.press("y");
    app.wait_until("consent answered yes", |s| {
        s.lines().any(|l| l.contains("› Consent obtained") && l.contains("Yes"))
    });
    for step in 2..=4 {
        app.press(key::PAGE_DOWN);
        app.wait_for(&format!("Step {step}/9"));
    }
    app.wait_for("Step 4/9: Red flags");
    app.tab_to("New trouble passing or controlling");
    app.press("y");
    app.wait_for("REFER EMERGENCY");
    for step in 5..=9 {
        app.press(key::PAGE_DOWN);
        app.wait_for(&format!("Step {step}/9"));
    }
    app.wait_until("the focus on the decision", |s| s.contains("› Decision"));
    app.press(key::SPACE); // Proceed: against the STOP and the emergency referral
    app.wait_until("the decision chosen", |s| s.contains("(•) Proceed"));

    app.press(key::F10);
    app.wait_for("Not completed yet");
    let screen = app.screen();
    assert!(screen.contains("Not acknowledged: REFER EMERGENCY"), "{screen}");
    assert!(screen.contains("Not answered: "), "{screen}");
    assert!(!screen.contains('…') || screen.contains("more"), "nothing cut off at 80 columns:\n{screen}");
    app.press(key::ESC);
    app.wait_until("the gate closed", |s| !s.contains("Not completed yet"));

    let met = complete_through_the_gate(&mut app);
    assert!(met > 2, "unanswered questions, the acknowledgement and the override: {met}");
    app.wait_for("(completed)");
    let record = the_record(data.path());
    assert_eq!(record["status"], "completed");
    let attestations = &record["attestations"];
    assert_eq!(attestations["acknowledgements"][0]["flag"], "cauda_equina");
    assert_eq!(attestations["acknowledgements"][0]["by"], "Sam Physio");
    assert_eq!(attestations["override"]["by"], "Sam Physio");
    assert_eq!(attestations["override"]["why"], "Patient declined transfer; GP phoned");
    assert_eq!(attestations["override"]["decision"], "proceed");
    assert!(attestations["not_asked"].as_object().is_some_and(|m| !m.is_empty()));
    // Read-only at once; Ctrl-O and Ctrl-Q: nothing to change, nothing to save.
    app.wait_for("READ-ONLY: completed");
    app.press(key::CTRL_O);
    app.press(key::CTRL_Q);
    let status = app.wait_for_exit();
    assert_eq!(status.exit_code(), 0);
}

// --- Issue 11: live sessions, failed drafts on the way out, a hang-up with SIGHUP ignored ------

#[test]
fn a_second_instance_never_offers_the_live_draft_of_the_first() {
    let data = tempfile::tempdir().unwrap();
    let mut first = Tui::start(data.path(), 80, 24);
    new_intake(&mut first);
    first.type_str("Alex Liveone");
    first.wait_for("Alex Liveone");
    let deadline = Instant::now() + pty::WAIT;
    while json_files(&data.path().join("drafts")).is_empty() && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(json_files(&data.path().join("drafts")).len(), 1, "the first instance autosaved");

    let mut second = Tui::start(data.path(), 80, 24);
    second.wait_for("New intake");
    std::thread::sleep(Duration::from_millis(300));
    let screen = second.screen();
    assert!(!screen.contains("Recover unsaved work") && !screen.contains("Resume draft"), "offered:\n{screen}");
    second.press("q");
    assert_eq!(second.wait_for_exit().exit_code(), 0);
    assert_eq!(json_files(&data.path().join("drafts")).len(), 1, "and left alone");

    first.signal("-KILL"); // now it is crashed work
    first.wait_for_exit();
    let third = Tui::start(data.path(), 80, 24);
    third.wait_for("Recover unsaved work");
    third.wait_for("Alex Liveone");
}

#[test]
fn sigterm_when_the_draft_cannot_be_saved_says_what_was_not_saved() {
    let data = tempfile::tempdir().unwrap();
    let mut app = Tui::start(data.path(), 80, 24);
    new_intake(&mut app);
    // As a full disk would: every draft save fails from now on.
    std::fs::remove_dir_all(data.path().join("drafts")).unwrap();
    std::fs::write(data.path().join("drafts"), b"").unwrap();
    app.type_str("Fay Fulldisk");
    app.wait_for("Fay Fulldisk");
    app.signal("-TERM");
    let status = app.wait_for_exit();
    assert_eq!(status.exit_code(), 128 + 15);
    let output = app.output();
    assert!(output.contains("NOT saved as a draft"), "no message on the way out:\n{output:?}");
    assert!(!output.contains("not saved: not saved"));
}

/// Hang the terminal up (its master side closed) with SIGHUP ignored, as `nohup` or a careless
/// wrapper leaves it: the app must notice at once, without spinning. Returns (seconds from the
/// hang-up to the exit, CPU seconds the app used in all).
fn hang_up_with_sighup_ignored(data: &Path) -> (f64, f64) {
    use std::os::fd::{FromRawFd, OwnedFd};
    use std::os::unix::process::CommandExt;
    let (mut master, mut slave) = (0, 0);
    let size = libc::winsize { ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0 };
    // SAFETY: openpty writes two descriptors; the size is read only.
    let opened = unsafe { libc::openpty(&mut master, &mut slave, std::ptr::null_mut(), std::ptr::null(), &size) };
    assert_eq!(opened, 0, "a pseudo-terminal");
    // The app must not inherit the master side, or closing ours would not hang up its terminal.
    // SAFETY: fcntl on a descriptor we just opened.
    assert_eq!(unsafe { libc::fcntl(master, libc::F_SETFD, libc::FD_CLOEXEC) }, 0);
    // SAFETY: both descriptors were just opened and are owned here.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_physio-intake"));
    command
        .arg("--data-dir")
        .arg(data)
        .env("TERM", "xterm-256color")
        .stdin(slave.try_clone().unwrap())
        .stdout(slave.try_clone().unwrap())
        .stderr(slave);
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(|| {
            libc::setsid();
            libc::ioctl(0, libc::TIOCSCTTY, 0);
            libc::signal(libc::SIGHUP, libc::SIG_IGN);
            Ok(())
        });
    }
    #[allow(clippy::zombie_processes)] // waited for with wait4 below, for its CPU time
    let child = command.spawn().expect("the app starts");
    drop(command); // the parent's copies of the terminal's slave side
    let pid = child.id() as libc::pid_t;
    // Read the app's output until its home screen is drawn.
    use std::os::fd::AsRawFd;
    let fd = master.as_raw_fd();
    let mut seen = Vec::new();
    let deadline = Instant::now() + pty::WAIT;
    while !String::from_utf8_lossy(&seen).contains("New intake") {
        assert!(Instant::now() < deadline, "the app did not draw its home screen");
        let mut poll = libc::pollfd { fd, events: libc::POLLIN, revents: 0 };
        // SAFETY: one valid pollfd; then a read into a live buffer of the size given.
        if unsafe { libc::poll(&mut poll, 1, 50) } > 0 {
            let mut buffer = [0u8; 4096];
            let n = unsafe { libc::read(fd, buffer.as_mut_ptr().cast(), buffer.len()) };
            if n > 0 {
                seen.extend_from_slice(&buffer[..n as usize]);
            }
        }
    }
    std::thread::sleep(Duration::from_millis(300));
    let hung_up = Instant::now();
    drop(master); // the window closes
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let watching = std::sync::Arc::clone(&done);
    std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(10));
        if !watching.load(std::sync::atomic::Ordering::SeqCst) {
            // SAFETY: our own child, not yet waited for: its pid is still ours.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
    });
    let mut status = 0;
    // SAFETY: an all-zero rusage is valid; wait4 fills it for our own child.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(waited, pid);
    let exit = hung_up.elapsed().as_secs_f64();
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    (exit, seconds(usage.ru_utime) + seconds(usage.ru_stime))
}

#[test]
fn a_hang_up_with_sighup_ignored_ends_the_app_at_once_without_spinning() {
    let mut worst = (0.0f64, 0.0f64);
    for _ in 0..3 {
        let data = tempfile::tempdir().unwrap();
        let (exit, cpu) = hang_up_with_sighup_ignored(data.path());
        worst = (worst.0.max(exit), worst.1.max(cpu));
    }
    eprintln!("hang-up with SIGHUP ignored: worst exit {:.3} s after, worst CPU {:.3} s in all", worst.0, worst.1);
    assert!(worst.0 < 0.5, "took {:.3} s to notice the hang-up", worst.0);
    assert!(worst.1 < 0.5, "used {:.3} s of CPU", worst.1);
}

#[test]
fn fifos_where_a_draft_a_record_and_the_index_should_be_never_freeze_the_app() {
    let data = tempfile::tempdir().unwrap();
    Tui::start(data.path(), 80, 24).wait_for("New intake"); // makes the folders
    let fifo = |path: std::path::PathBuf| {
        assert!(std::process::Command::new("mkfifo").arg(path).status().unwrap().success());
    };
    fifo(data.path().join("drafts/01M8SSEFPBFEZ6WWNKGVS5G2N9.json"));
    fifo(data.path().join("records/01M8SSEFPBFEZ6WWNKGVS5G2NA.json"));
    let _ = std::fs::remove_file(data.path().join("records/index.json"));
    fifo(data.path().join("records/index.json"));
    let mut app = Tui::start(data.path(), 80, 24);
    app.wait_for("New intake"); // recovery looked at the drafts without hanging
    app.press(key::DOWN);
    app.press(key::ENTER); // Records: the list reads the records folder and the index
    app.wait_for("Records (0 of 0");
    app.press(key::CTRL_Q);
    app.wait_for_exit();
    let quarantined = std::fs::read_dir(data.path().join("quarantine")).unwrap().count();
    assert_eq!(quarantined, 3, "each FIFO moved aside, none deleted");
}
