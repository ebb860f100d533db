//! `practice --list` and `practice --grade` as CONTRACT.md gives them.

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_physio-intake"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn case_answers(id: &str) -> serde_json::Map<String, Value> {
    let text = std::fs::read_to_string(format!("{}/assets/cases/{id}.json", env!("CARGO_MANIFEST_DIR"))).unwrap();
    serde_json::from_str::<Value>(&text).unwrap()["answers"].as_object().unwrap().clone()
}

#[test]
fn list_prints_one_case_a_line_id_then_title() {
    let (code, out, _) = run(&["practice", "--list"], "");
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines.len() >= 16);
    assert!(lines.iter().any(|l| l.starts_with("foundation-ankle-sprain-day-4\tAnkle sprain, four days on")));
}

#[test]
fn grade_json_has_the_contract_fields_and_a_critical_miss_fails() {
    let mut answers = case_answers("advanced-throbbing-belly");
    answers.insert("redflag.pulsatile_abdominal_mass".into(), false.into());
    let input = serde_json::json!({ "answers": answers }).to_string();
    let (code, out, err) = run(&["practice", "--grade", "advanced-throbbing-belly", "-", "--format", "json"], &input);
    assert_eq!(code, 0, "{err}");
    let grade: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(grade["case"], "advanced-throbbing-belly");
    assert_eq!(grade["passed"], false);
    assert_eq!(grade["missed"], serde_json::json!(["aaa_suspicion"]));
    assert!(grade["extra"].is_array() && grade["verdict_match"] == false && grade["score"].as_u64().is_some());
    assert!(grade["feedback"][0].as_str().unwrap().contains("Source:"));
}

#[test]
fn grade_text_of_the_reference_answers_passes_with_100() {
    let input = serde_json::json!({ "answers": case_answers("foundation-desk-neck-tension") }).to_string();
    let (code, out, _) = run(&["practice", "--grade", "foundation-desk-neck-tension", "-", "--format", "text"], &input);
    assert_eq!(code, 0);
    assert!(out.starts_with("PASSED  100/100"), "{out}");
}

#[test]
fn an_unknown_case_is_bad_input_and_points_to_the_list() {
    let (code, _, err) = run(&["practice", "--grade", "no-such-case", "-"], "{\"answers\": {}}");
    assert_eq!(code, 2);
    assert!(err.contains("no-such-case") && err.contains("practice --list"), "{err}");
}

#[test]
fn report_lists_every_case_with_attempts_and_counts_unreadable_files_without_failing() {
    use physio_intake::content::Content;
    use physio_intake::practice::{Attempt, Cases, grade};
    let dir = tempfile::tempdir().unwrap();
    let store = physio_intake::store::Store::open(dir.path()).unwrap();
    let content = Content::embedded().unwrap();
    let case = Cases::embedded(content).unwrap().get("foundation-desk-neck-tension").unwrap();
    let answers = case.reference_answers(content).unwrap();
    let result = grade(content, case, &answers, 1).unwrap();
    let now = chrono::Utc::now();
    let id = physio_intake::store::new_id(now).unwrap();
    store.save_attempt(&Attempt::new(id, result, case.answers.clone(), now, now)).unwrap();
    let junk = physio_intake::store::new_id(now).unwrap();
    std::fs::write(dir.path().join("practice").join(format!("{junk}.json")), "{ not json").unwrap();

    let data = dir.path().to_str().unwrap();
    let (code, out, err) = run(&["--data-dir", data, "practice", "--report", "--format", "json"], "");
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["unreadable_attempts"], 1);
    let rows = report["cases"].as_array().unwrap();
    assert!(rows.len() >= 16);
    let row = rows.iter().find(|r| r["case"] == "foundation-desk-neck-tension").unwrap();
    assert_eq!(
        (row["attempts"].as_u64(), row["best_score"].as_u64(), row["passed"].as_bool()),
        (Some(1), Some(97), Some(true))
    );

    let (code, out, _) = run(&["--data-dir", data, "practice", "--report", "--format", "text"], "");
    assert_eq!(code, 0);
    assert!(out.contains("foundation-desk-neck-tension") && out.contains("could not be read"), "{out}");
}
