//! import, list, show and export through the real binary, with the data directory chosen by
//! flag or environment.

use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn run_in(data: Option<&Path>, env_data: Option<&Path>, args: &[&str], stdin: &str) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_physio-intake"));
    if let Some(dir) = data {
        command.arg("--data-dir").arg(dir);
    }
    command.env_remove("PHYSIO_INTAKE_DATA_DIR");
    if let Some(dir) = env_data {
        command.env("PHYSIO_INTAKE_DATA_DIR", dir);
    }
    let mut child =
        command.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn run(data: &Path, args: &[&str], stdin: &str) -> Output {
    run_in(Some(data), None, args, stdin)
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[path = "common/gate_input.rs"]
mod screen;

/// A record that passes the completion gate: the rest of the screen answered negatively.
fn complete() -> String {
    screen::completed_input(&json!({"patient.name": "Rosa Lind", "visit.date": "2026-11-22", "visit.consent": true,
      "screen.open_wound": true, "screen.open_wound.regions": ["hand_l"], "decision.outcome": "proceed_modified",
      "decision.notes": "Avoid left hand", "visit.clinician": "Sam Physio"}))
    .to_string()
}

fn import(data: &Path, answers: &str) -> String {
    let o = run(data, &["import", "-"], answers);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    out(&o).trim().to_owned()
}

#[test]
fn import_prints_an_opaque_id_and_list_shows_the_record() {
    let dir = tempfile::tempdir().unwrap();
    let id = import(dir.path(), &complete());
    assert_eq!(id.len(), 26);
    assert!(!id.contains("Rosa"));
    let listing: Value = serde_json::from_str(&out(&run(dir.path(), &["list", "--format", "json"], ""))).unwrap();
    let record = &listing["records"][0];
    assert_eq!(record["id"], json!(id));
    assert_eq!(record["patient"], json!("Rosa Lind"));
    assert_eq!(record["visit_date"], json!("2026-11-22"));
    assert_eq!(record["status"], json!("completed"));
    assert_eq!(record["revision"], json!(1));
    assert_eq!(record["verdict"], json!({"massage": "avoid", "referral": "none"}));
    assert!(record["updated_at"].as_str().is_some());
    assert_eq!(listing["quarantined"], json!([]));
    let text = out(&run(dir.path(), &["list", "--format", "text"], ""));
    assert!(text.contains(&id) && text.contains("Rosa Lind") && text.contains("avoid"), "{text}");
}

#[test]
fn completing_needs_the_name_and_consent_but_in_progress_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let answers = r#"{"answers": {"visit.date": "2026-11-22", "pain.now": 3}}"#;
    let o = run(dir.path(), &["import", "-"], answers);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("patient.name")
            && err(&o).contains("visit.consent")
            && err(&o).contains("--status in_progress"),
        "{}",
        err(&o)
    );
    let o = run(dir.path(), &["import", "-", "--status", "in_progress"], answers);
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
}

#[test]
fn import_refuses_bad_answers_like_screen_does() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(dir.path(), &["import", "-"], r#"{"answers": {"pain.now": "CANARY"}}"#);
    assert_eq!(o.status.code(), Some(2));
    assert!(err(&o).contains("pain.now") && !err(&o).contains("CANARY"));
    let listing: Value = serde_json::from_str(&out(&run(dir.path(), &["list", "--format", "json"], ""))).unwrap();
    assert_eq!(listing["records"], json!([]));
}

#[test]
fn show_reads_as_a_clinical_summary() {
    let dir = tempfile::tempdir().unwrap();
    let id = import(dir.path(), &complete());
    let o = run(dir.path(), &["show", &id], "");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let text = out(&o);
    for part in [
        "Patient:   Rosa Lind",
        "VERDICT  AVOID",
        "Open wound",
        "Left wrist and hand",
        "sources:",
        "CARE PLAN",
        "CLINICIAN'S DECISION",
        "Proceed",
        "Avoid left hand",
    ] {
        assert!(text.contains(part), "{part}: {text}");
    }
}

#[test]
fn unknown_or_malformed_ids_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    for id in ["01ZZZZZZZZZZZZZZZZZZZZZZZZ", "../../etc/passwd"] {
        let o = run(dir.path(), &["show", id], "");
        assert_eq!(o.status.code(), Some(2), "{id}");
        assert!(err(&o).contains("no record"), "{}", err(&o));
    }
}

#[test]
fn export_json_is_the_record_itself() {
    let dir = tempfile::tempdir().unwrap();
    let id = import(dir.path(), &complete());
    let o = run(dir.path(), &["export", &id, "--format", "json"], "");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let record: Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(record["format"], json!("physio-intake/assessment"));
    assert_eq!(record["id"], json!(id));
    assert_eq!(record["result"]["flags"][0]["id"], json!("open_wound"));
    assert!(record["result"]["rulebook_version"].as_str().is_some());
    // The exported record is itself a valid input for screen.
    let o = run(dir.path(), &["screen", "-", "--format", "json"], &out(&o));
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
}

#[test]
fn the_flag_wins_over_the_environment_which_wins_over_the_default() {
    let flag = tempfile::tempdir().unwrap();
    let env = tempfile::tempdir().unwrap();
    let o = run_in(Some(flag.path()), Some(env.path()), &["import", "-"], &complete());
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let saved = |dir: &Path| {
        std::fs::read_dir(dir.join("records"))
            .map_or(0, |d| d.flatten().filter(|e| e.path().extension().is_some_and(|x| x == "json")).count())
    };
    assert_eq!(saved(flag.path()), 1, "the record went to the flag's folder");
    assert!(!env.path().join("records").exists());
    let o = run_in(None, Some(env.path()), &["import", "-"], &complete());
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    assert!(env.path().join("records").exists());
}

#[test]
fn screen_touches_no_data_directory() {
    let home = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_physio-intake"))
        .args(["screen", "-", "--format", "json"])
        .env("HOME", home.path())
        .env("XDG_DATA_HOME", home.path().join("data"))
        .env_remove("PHYSIO_INTAKE_DATA_DIR")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let _ = o;
    assert_eq!(std::fs::read_dir(home.path()).unwrap().count(), 0, "nothing written under HOME");
}
