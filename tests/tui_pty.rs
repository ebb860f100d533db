//! The real binary in a pseudo-terminal, read back through a vt100 parser: a whole intake typed by
//! keys with flags rising live, saved and checked on disk; kill -9 mid-typing then recovery;
//! SIGTERM; a window shrunk below the minimum and back. Waits poll the screen (up to 30 s) rather
//! than sleep fixed times, so a slow shared machine only makes them slower, not flaky.

use portable_pty::{Child, CommandBuilder, MasterPty, PtySize, native_pty_system};
use serde_json::Value;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(30);

const ENTER: &str = "\r";
const TAB: &str = "\t";
const PAGE_DOWN: &str = "\x1b[6~";
const F10: &str = "\x1b[21~";
const CTRL_S: &str = "\x13";
const CTRL_Q: &str = "\x11";

struct App {
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    writer: Box<dyn Write + Send>,
    screen: Arc<Mutex<vt100::Parser>>,
    /// Everything the app wrote, to check the escape sequences of a clean exit.
    output: Arc<Mutex<Vec<u8>>>,
}

impl App {
    fn start(data: &Path, cols: u16, rows: u16) -> App {
        App::start_with(data, cols, rows, &[])
    }

    fn start_with(data: &Path, cols: u16, rows: u16, args: &[&str]) -> App {
        let pair = native_pty_system()
            .openpty(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 })
            .expect("a pseudo-terminal");
        let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_physio-intake"));
        command.arg("--data-dir");
        command.arg(data);
        for arg in args {
            command.arg(arg);
        }
        command.env("TERM", "xterm-256color");
        command.env_remove("NO_COLOR");
        let child = pair.slave.spawn_command(command).expect("the app starts");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let screen = Arc::new(Mutex::new(vt100::Parser::new(non_zero(rows), non_zero(cols), 0)));
        let output = Arc::new(Mutex::new(Vec::new()));
        let (parser, raw) = (Arc::clone(&screen), Arc::clone(&output));
        std::thread::spawn(move || {
            let mut buffer = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buffer) {
                if n == 0 {
                    break;
                }
                parser.lock().unwrap().process(&buffer[..n]);
                raw.lock().unwrap().extend_from_slice(&buffer[..n]);
            }
        });
        App { child, master: pair.master, writer, screen, output }
    }

    fn contents(&self) -> String {
        self.screen.lock().unwrap().screen().contents()
    }

    fn wait_for(&self, text: &str) {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if self.contents().contains(text) {
                return;
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("waited {WAIT:?} for {text:?}; the screen shows:\n{}", self.contents());
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).unwrap();
        self.writer.flush().unwrap();
        // Let the app read one key at a time, as a person types.
        std::thread::sleep(Duration::from_millis(15));
    }

    fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.send(&c.to_string());
        }
    }

    /// Tab until the question box shows `question` (the focused item).
    fn tab_to(&mut self, question: &str) {
        for _ in 0..80 {
            if self.contents().lines().nth(1).is_some_and(|l| l.contains(question)) {
                return;
            }
            self.send(TAB);
            std::thread::sleep(Duration::from_millis(10));
        }
        self.wait_for(question);
    }

    fn resize(&self, cols: u16, rows: u16) {
        self.master.resize(PtySize { rows, cols, pixel_width: 0, pixel_height: 0 }).unwrap();
        self.screen.lock().unwrap().screen_mut().set_size(non_zero(rows), non_zero(cols));
    }

    fn signal(&self, signal: &str) {
        let pid = self.child.process_id().expect("pid");
        let status = std::process::Command::new("kill").args([signal, &pid.to_string()]).status().unwrap();
        assert!(status.success());
    }

    fn exit_code(&mut self) -> u32 {
        let deadline = Instant::now() + WAIT;
        while Instant::now() < deadline {
            if let Some(status) = self.child.try_wait().unwrap() {
                std::thread::sleep(Duration::from_millis(100)); // the last output
                return status.exit_code();
            }
            std::thread::sleep(Duration::from_millis(25));
        }
        panic!("the app did not exit; it shows:\n{}", self.contents());
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

fn non_zero(n: u16) -> std::num::NonZeroU16 {
    std::num::NonZeroU16::new(n).expect("a size above zero")
}

fn files_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|x| x == "json")).collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

#[test]
fn a_whole_intake_typed_by_keys_raises_flags_live_saves_the_record_and_restores_the_terminal() {
    let data = tempfile::tempdir().unwrap();
    let mut app = App::start(data.path(), 80, 24);
    app.wait_for("New intake");
    app.send(ENTER);
    app.wait_for("Step 1/9");

    app.type_text("Zed Canary");
    app.tab_to("Date of birth");
    app.type_text("1961-03-04");
    app.tab_to("Consent");
    app.send("y");

    for _ in 0..3 {
        app.send(PAGE_DOWN);
    }
    app.wait_for("Step 4/9");
    app.tab_to("Open wound, sore");
    app.send("y");
    app.wait_for("AVOID Open wound");
    app.send(TAB); // the body chart of the wound
    app.send(" ");
    app.tab_to("Blood thinners");
    app.send("y");
    app.wait_for("MODIFY Blood thinners");
    assert!(app.contents().contains("Step 4/9"), "both flags while still typing the safety screen");

    app.send(CTRL_S);
    app.wait_for("Saved: record");
    app.send(F10);
    app.wait_for("(completed)");

    let records: Vec<PathBuf> =
        files_in(&data.path().join("records")).into_iter().filter(|p| !p.ends_with("index.json")).collect();
    assert_eq!(records.len(), 1, "{records:?}");
    assert_eq!(std::fs::metadata(&records[0]).unwrap().permissions().mode() & 0o777, 0o600);
    let record: Value = serde_json::from_slice(&std::fs::read(&records[0]).unwrap()).unwrap();
    assert_eq!(record["status"], "completed");
    assert_eq!(record["revision"], 2);
    assert_eq!(record["answers"]["patient.name"], "Zed Canary");
    assert_eq!(record["answers"]["patient.dob"], "1961-03-04");
    assert_eq!(record["answers"]["screen.open_wound"], true);
    assert_eq!(record["answers"]["meds.anticoagulant"], true);
    let flags: Vec<&str> =
        record["result"]["flags"].as_array().unwrap().iter().filter_map(|f| f["id"].as_str()).collect();
    assert!(flags.contains(&"open_wound") && flags.contains(&"anticoagulant"), "{flags:?}");
    assert!(files_in(&data.path().join("drafts")).is_empty(), "the saved intake leaves no draft behind");

    app.send(CTRL_Q);
    assert_eq!(app.exit_code(), 0);
    let parser = app.screen.lock().unwrap();
    assert!(!parser.screen().alternate_screen(), "back on the normal screen");
    assert!(!parser.screen().contents().contains("Zed Canary"), "no patient data left on the normal screen");
    drop(parser);
    let output = String::from_utf8_lossy(&app.output.lock().unwrap()).into_owned();
    assert!(output.contains("\x1b[?2004l"), "bracketed paste switched off");
    assert!(output.contains("\x1b[?1049l"), "alternate screen left");
    assert!(!output.contains("\x1b]0;") && !output.contains("\x1b]2;"), "the window title is never set");
}

#[test]
fn after_kill_9_mid_typing_a_restart_offers_the_draft_with_what_was_typed_two_seconds_before() {
    let data = tempfile::tempdir().unwrap();
    let mut app = App::start(data.path(), 80, 24);
    app.wait_for("New intake");
    app.send(ENTER);
    app.wait_for("Step 1/9");
    app.type_text("Kim Draftwell");
    app.tab_to("Date of birth");
    app.type_text("1980-05-06");
    std::thread::sleep(Duration::from_millis(2500)); // the draft is due 1 s after the last key
    app.wait_for("Draft saved");
    app.tab_to("Clinician");
    app.type_text("Dr Lost"); // typed after the last draft: may be lost, nothing else may
    app.signal("-9");
    app.exit_code();

    let drafts = files_in(&data.path().join("drafts"));
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    assert_eq!(std::fs::metadata(&drafts[0]).unwrap().permissions().mode() & 0o777, 0o600);

    let mut again = App::start(data.path(), 80, 24);
    again.wait_for("Recover unsaved work");
    again.wait_for("Kim Draftwell");
    again.send(ENTER); // Restore
    again.wait_for("Draft restored");
    let screen = again.contents();
    assert!(screen.contains("Kim Draftwell") && screen.contains("1980-05-06"), "{screen}");
}

#[test]
fn sigterm_saves_the_draft_restores_the_terminal_and_the_work_is_offered_next_time() {
    let data = tempfile::tempdir().unwrap();
    let mut app = App::start(data.path(), 80, 24);
    app.wait_for("New intake");
    app.send(ENTER);
    app.wait_for("Step 1/9");
    app.type_text("Sam Termwell");
    app.wait_for("Sam Termwell");
    app.signal("-TERM"); // before any autosave: the draft is flushed on the way out
    assert_eq!(app.exit_code(), 128 + 15);
    assert!(!app.screen.lock().unwrap().screen().alternate_screen());

    let again = App::start(data.path(), 80, 24);
    again.wait_for("Recover unsaved work");
    again.wait_for("Sam Termwell");
}

#[test]
fn a_window_below_80x24_shows_terminal_too_small_and_the_form_is_intact_after() {
    let data = tempfile::tempdir().unwrap();
    let mut app = App::start(data.path(), 80, 24);
    app.wait_for("New intake");
    app.send(ENTER);
    app.wait_for("Step 1/9");
    app.type_text("Tia Smallwood");
    app.resize(40, 10);
    app.wait_for("Terminal too small");
    app.type_text(" Jr"); // typing goes on into the form
    app.resize(120, 40);
    app.wait_for("Tia Smallwood Jr");
    app.wait_for("Step 1/9");
}

#[test]
fn a_practice_attempt_is_typed_graded_with_feedback_and_saved_apart_from_patient_records() {
    let data = tempfile::tempdir().unwrap();
    let mut app = App::start_with(data.path(), 80, 24, &["practice"]);
    app.wait_for("PRACTICE");
    app.wait_for("Came in with a temperature");
    for _ in 0..3 {
        app.send("\x1b[B"); // Down
    }
    app.send(ENTER);
    app.wait_for("The patient's story");
    app.wait_for("38.4");
    for _ in 0..3 {
        app.send(PAGE_DOWN);
    }
    app.wait_for("Step 4/9");
    app.send("y"); // fever: yes; the painkillers of the story are left unasked
    assert!(!app.contents().contains("STOP Fever"), "the flags stay hidden");
    app.send(F10);
    app.wait_for("Practice result: passed");
    app.wait_for("PASSED  90/100");
    app.wait_for("MISSED Painkillers");
    app.send("\x1b");
    app.wait_for("best  90 · 1 attempt · passed");
    app.send("q");
    assert_eq!(app.exit_code(), 0);

    assert_eq!(files_in(&data.path().join("practice")).len(), 1);
    let records: Vec<PathBuf> =
        files_in(&data.path().join("records")).into_iter().filter(|p| !p.ends_with("index.json")).collect();
    assert!(records.is_empty() && files_in(&data.path().join("drafts")).is_empty());
}
