//! Issue 11 at the command line: a visit date after tomorrow is refused by import, control
//! characters never reach a record, and core dumps are off for the process (items 9, 11, 12).

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn import(data: &std::path::Path, answers: serde_json::Value) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_physio-intake"))
        .args(["--data-dir", data.to_str().unwrap(), "import", "-", "--status", "in_progress"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let text = serde_json::json!({ "answers": answers }).to_string();
    child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn record_count(data: &std::path::Path) -> usize {
    std::fs::read_dir(data.join("records"))
        .map(|d| d.flatten().filter(|e| e.file_name().to_string_lossy().ends_with(".json")).count())
        .unwrap_or(0)
}

#[test]
fn import_refuses_a_visit_date_after_tomorrow() {
    let dir = tempfile::tempdir().unwrap();
    let later = (chrono::Local::now().date_naive() + chrono::Days::new(3 * 365)).format("%Y-%m-%d").to_string();
    let out = import(dir.path(), serde_json::json!({"patient.name": "Ana Ruiz", "visit.date": later}));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("visit.date") && err.contains("future"), "{err}");
    assert!(!err.contains(&later), "the value is not repeated: {err}");
    assert_eq!(record_count(dir.path()), 0);
    let tomorrow = (chrono::Local::now().date_naive() + chrono::Days::new(1)).format("%Y-%m-%d").to_string();
    let out = import(dir.path(), serde_json::json!({"patient.name": "Ana Ruiz", "visit.date": tomorrow}));
    assert_eq!(out.status.code(), Some(0), "tomorrow allows for time zones: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn import_refuses_control_characters_and_saves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = import(dir.path(), serde_json::json!({"patient.name": "Ana\u{1b}]0;pwned\u{7}Ruiz"}));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("patient.name") && err.contains("control character"), "{err}");
    assert!(!err.contains('\u{1b}') && !err.contains("pwned"), "{err}");
    assert_eq!(record_count(dir.path()), 0);
}

#[test]
fn core_dumps_are_off_for_the_process_whatever_the_shell_allows() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("answers");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    // `screen` of a FIFO waits for a writer: long enough to look at the running process.
    let script = format!("ulimit -c unlimited 2>/dev/null || ulimit -c 1000000; exec \"$0\" screen {}", fifo.display());
    let mut child = Command::new("sh")
        .args(["-c", &script, env!("CARGO_BIN_EXE_physio-intake")])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id();
    let mut limits = String::new();
    for _ in 0..200 {
        std::thread::sleep(std::time::Duration::from_millis(25));
        let exe = std::fs::read_link(format!("/proc/{pid}/exe")).unwrap_or_default();
        if exe.to_string_lossy().contains("physio-intake") {
            std::thread::sleep(std::time::Duration::from_millis(100));
            limits = std::fs::read_to_string(format!("/proc/{pid}/limits")).unwrap_or_default();
            break;
        }
    }
    // Let it finish: write an empty answers file into the FIFO.
    std::fs::write(&fifo, br#"{"answers": {}}"#).unwrap();
    let _ = child.wait();
    let core = limits.lines().find(|l| l.starts_with("Max core file size")).unwrap_or_default().to_owned();
    let fields: Vec<&str> = core.split_whitespace().collect();
    assert_eq!(fields.get(4..6), Some(&["0", "0"][..]), "soft and hard core limits: {core:?}");
}

#[test]
fn disabling_core_dumps_also_makes_the_process_not_dumpable() {
    physio_intake::store::os::disable_core_dumps().unwrap();
    assert!(physio_intake::store::os::core_dumps_disabled());
}
