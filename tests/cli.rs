//! The `screen` and `rules` commands as a script or a clinician uses them: formats, exit codes,
//! and messages that name the file and the problem without repeating patient data.

use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Output, Stdio};

fn run(args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_physio-intake"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("the binary finishes")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn rules_json_lists_every_rule_with_its_sources() {
    let output = run(&["rules", "--format", "json"], "");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert!(report["rulebook_version"].as_str().is_some_and(|v| !v.is_empty()));
    let rules = report["rules"].as_array().expect("rules");
    assert_eq!(rules.len(), 82, "64 rules of v1 and 18 added in v2 (RULEBOOK.md)");
    for rule in rules {
        let sources = rule["sources"].as_array().expect("sources");
        assert!(!sources.is_empty(), "{}", rule["id"]);
        for key in ["id", "kind", "massage", "referral", "trigger", "title", "action"] {
            assert!(rule.get(key).is_some(), "{} lacks {key}", rule["id"]);
        }
    }
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    for id in ["open_wound", "cauda_equina", "psychosocial_risk", "firm_pressure_conflict"] {
        assert!(ids.contains(&id), "{id}");
    }
}

#[test]
fn rules_text_reads_as_a_rulebook() {
    let output = run(&["rules", "--format", "text"], "");
    let text = stdout(&output);
    for heading in ["CONTRAINDICATIONS", "RED FLAGS", "YELLOW FLAGS", "when:", "do:", "sources:"] {
        assert!(text.contains(heading), "{heading}");
    }
}

#[test]
fn screen_json_has_every_key_of_the_contract_even_when_empty() {
    let output = run(&["screen", "-", "--format", "json"], r#"{"answers": {"visit.date": "2026-11-22"}}"#);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["verdict"], json!({"massage": "clear", "referral": "none"}));
    assert_eq!(report["flags"], json!([]));
    assert_eq!(report["avoid_regions"], json!([]));
    for key in [
        "route",
        "massage_type",
        "massage_type_reason",
        "session_order",
        "session_order_reason",
        "separate_days",
        "separate_days_reasons",
        "frequency",
        "aftercare",
    ] {
        assert!(report["plan"].get(key).is_some(), "plan.{key} missing");
    }
    for key in ["nprs_severity", "stage", "age", "psfs_mean", "yellow_flag_count"] {
        assert!(report["scores"].get(key).is_some(), "scores.{key} missing");
    }
    assert_eq!(report["scores"]["age"], Value::Null);
    assert_eq!(report["scores"]["yellow_flag_count"], json!(0));
}

#[test]
fn piped_output_is_json_without_a_format() {
    let output = run(&["screen", "-"], r#"{"answers": {"screen.fever": true}}"#);
    let report: Value = serde_json::from_str(&stdout(&output)).expect("JSON when piped");
    assert_eq!(report["verdict"]["massage"], json!("stop"));
}

#[test]
fn screen_text_puts_the_verdict_first_then_flags_with_action_and_source() {
    let answers = r#"{"answers": {"visit.date": "2026-11-22", "screen.open_wound": true, "screen.open_wound.regions": ["lower_leg_r"], "meds.anticoagulant": true}}"#;
    let text = stdout(&run(&["screen", "-", "--format", "text"], answers));
    assert!(text.starts_with("VERDICT  AVOID"), "{text}");
    let wound = text.find("▲ AVOID").expect("avoid flag");
    let thinners = text.find("● MODIFY").expect("modify flag");
    assert!(wound < thinners, "stronger tier first");
    assert!(text.contains("do:") && text.contains("sources:") && text.contains("Right lower leg"));
    assert!(text.contains("AVOID THESE AREAS  Right lower leg"));
}

#[test]
fn a_missing_visit_date_means_today() {
    let before = chrono::Local::now().date_naive().to_string();
    let output = run(&["screen", "-", "--format", "json"], r#"{"answers": {"pain.now": 3}}"#);
    let after = chrono::Local::now().date_naive().to_string();
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let visit = report["visit_date"].as_str().unwrap();
    assert!(visit == before || visit == after, "{visit}");
}

#[test]
fn a_saved_record_is_accepted_as_input() {
    let record = json!({
        "format": "physio-intake/assessment", "schema_version": 1, "id": "01J0000000000000000000000",
        "status": "completed", "answers": {"visit.date": "2026-11-22", "screen.fever": true}
    });
    let output = run(&["screen", "-", "--format", "json"], &record.to_string());
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(report["flags"][0]["id"], json!("fever_acute_illness"));
}

#[test]
fn a_missing_file_is_bad_input_named_in_the_message() {
    let output = run(&["screen", "/no/such/answers.json"], "");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("/no/such/answers.json: no such file"), "{}", stderr(&output));
    assert!(stdout(&output).is_empty());
}

#[test]
fn broken_json_is_bad_input_and_its_content_is_not_repeated() {
    let output = run(&["screen", "-"], r#"{"answers": {"patient.name": "CANARY-Jane-Doe" "#);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert!(message.contains("standard input") && message.contains("truncated"), "{message}");
    assert!(!message.contains("CANARY"), "{message}");
    let output = run(&["screen", "-"], r#"{"answers": {"patient.name": CANARY-Jane-Doe}}"#);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("not valid JSON") && !stderr(&output).contains("CANARY"));
}

#[test]
fn a_file_without_an_answers_object_is_bad_input() {
    for input in [r#"[]"#, r#"{"screen.fever": true}"#, r#"{"answers": [1]}"#] {
        let output = run(&["screen", "-"], input);
        assert_eq!(output.status.code(), Some(2), "{input}");
        assert!(stderr(&output).contains("\"answers\" object"), "{input}");
    }
}

#[test]
fn every_bad_answer_is_listed_with_file_and_item() {
    let output =
        run(&["screen", "-"], r#"{"answers": {"pain.now": 11, "patient.sex": "CANARY", "screen.opne_wound": true}}"#);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    assert_eq!(message.lines().count(), 3, "{message}");
    for part in ["item pain.now", "item patient.sex", "screen.opne_wound", "standard input:"] {
        assert!(message.contains(part), "{part}: {message}");
    }
    assert!(!message.contains("CANARY") && !message.contains("11 "), "{message}");
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(run(&["screen", "-", "--format", "yaml"], "").status.code(), Some(2));
    assert_eq!(run(&["no-such-command"], "").status.code(), Some(2));
    assert_eq!(run(&["screen"], "").status.code(), Some(2));
}

#[test]
fn version_and_help_work() {
    let output = run(&["--version"], "");
    assert_eq!(output.status.code(), Some(0));
    assert!(stdout(&output).starts_with("physio-intake "));
    let help = stdout(&run(&["--help"], ""));
    assert!(help.contains("screen") && help.contains("rules"));
}
