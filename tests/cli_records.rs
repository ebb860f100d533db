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
        "intake: Rosa Lind\n",
        "- VERDICT: AVOID",
        "The tool's verdict: massage: ▲ AVOID",
        "Open wound",
        "Left wrist and hand",
        "Sources:",
        "RECOMMENDED PLAN (THE TOOL'S)",
        "CLINICIAN'S DECISION",
        "Proceed",
        "Avoid left hand",
    ] {
        assert!(text.contains(part), "{part}: {text}");
    }
    // The chart note as plain text, the same as `export --format text`.
    assert!(!text.contains("**") && !text.contains("\n## "), "{text}");
    assert_eq!(text, out(&run(dir.path(), &["export", &id, "--format", "text"], "")));
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

/// The app shows the first characters of a record id (`words::short_id`): show and export take
/// it, or any unique prefix of six or more, in either case.
#[test]
fn show_and_export_take_the_short_id_the_app_shows() {
    let dir = tempfile::tempdir().unwrap();
    let id = import(dir.path(), &complete());
    let short = physio_intake::words::short_id(&id);
    assert_eq!(short.len(), 8);
    let full = out(&run(dir.path(), &["show", &id], ""));
    for prefix in [short.to_owned(), short.to_lowercase(), id[..6].to_owned()] {
        let o = run(dir.path(), &["show", &prefix], "");
        assert_eq!(o.status.code(), Some(0), "{prefix}: {}", err(&o));
        assert_eq!(out(&o), full, "{prefix}");
    }
    for format in ["markdown", "text", "fhir", "fhir-response", "json"] {
        let by_prefix = run(dir.path(), &["export", short, "--format", format], "");
        assert_eq!(by_prefix.status.code(), Some(0), "{format}: {}", err(&by_prefix));
        assert_eq!(out(&by_prefix), out(&run(dir.path(), &["export", &id, "--format", format], "")), "{format}");
    }
}

/// A prefix two records share is bad input naming how many match (and their ids, which are
/// opaque), never a patient; too short, unknown or not an id at all says so in plain words.
#[test]
fn an_ambiguous_short_or_unknown_prefix_is_bad_input_in_plain_words() {
    let dir = tempfile::tempdir().unwrap();
    let id = import(dir.path(), &complete());
    // A second record file sharing the first 20 characters (only its name is read to resolve).
    // Its tail differs from the record's at character 21, so 21 characters tell them apart.
    let tail = if id.as_bytes()[20] == b'Z' { "YYYYYY" } else { "ZZZZZZ" };
    let twin = format!("{}{tail}", &id[..20]);
    let records = dir.path().join("records");
    std::fs::copy(records.join(format!("{id}.json")), records.join(format!("{twin}.json"))).unwrap();
    for command in [vec!["show", &id[..8]], vec!["export", &id[..12], "--format", "json"]] {
        let o = run(dir.path(), &command, "");
        assert_eq!(o.status.code(), Some(2), "{command:?}: {}", err(&o));
        let message = err(&o);
        assert!(message.contains("2 records have an id starting with those characters"), "{message}");
        assert!(message.contains(&id) && message.contains(&twin), "the matching ids: {message}");
        assert!(!message.contains("Rosa") && out(&o).is_empty(), "{message}");
    }
    // One more character than they share tells them apart.
    let o = run(dir.path(), &["export", &id[..21], "--format", "json"], "");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let record: Value = serde_json::from_str(&out(&o)).unwrap();
    assert_eq!(record["id"], json!(id));

    for (given, words) in [
        (&id[..5], "give at least 6 characters"),
        ("ZZZZZZZZ", "no record has an id starting with those characters"),
        ("Rosa Lind", "no record has that id"),
    ] {
        let o = run(dir.path(), &["show", given], "");
        assert_eq!(o.status.code(), Some(2), "{given}: {}", err(&o));
        assert!(err(&o).contains(words), "{given}: {}", err(&o));
        assert!(!err(&o).contains("Rosa"), "what was typed is never repeated: {}", err(&o));
    }
}
