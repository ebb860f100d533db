//! `practice --list`, `practice --grade` and `practice --report` as CONTRACT.md gives them, on the
//! real binary. The cases are found through the library by what they contain, never by id.

use physio_intake::content::Content;
use physio_intake::practice::{Attempt, Case, Cases, grade};
use physio_intake::report::FlagReport;
use physio_intake::rules::{Referral, Tier};
use physio_intake::store::{Store, new_id};
use serde_json::{Map, Value, json};
use std::io::Write;
use std::process::{Command, Stdio};

fn run(args: &[&str], stdin: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_physio-intake"))
        .args(args)
        .env_remove("PHYSIO_INTAKE_DATA_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The binary may exit before reading standard input.
    let _ = child.stdin.take().unwrap().write_all(stdin.as_bytes());
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn content() -> &'static Content {
    Content::embedded().unwrap()
}

fn cases() -> &'static Cases {
    Cases::embedded(content()).unwrap()
}

fn is_critical(flag: &FlagReport) -> bool {
    flag.massage == Some(Tier::Stop) || matches!(flag.referral, Some(Referral::Emergency | Referral::Urgent))
}

/// A case with a stop or emergency/urgent flag, that flag, and the case's answers without the
/// answers behind it.
fn critical_miss() -> (&'static Case, FlagReport, Map<String, Value>) {
    for case in &cases().cases {
        if let Some(flag) = case.reference(content()).unwrap().flags.into_iter().find(is_critical) {
            let mut answers = answered(case);
            for item in flag.because.iter().filter(|i| *i != "visit.date") {
                let nested = format!("{item}.");
                answers.retain(|key, _| key != item && !key.starts_with(&nested));
            }
            return (case, flag, answers);
        }
    }
    panic!("no case has a stop or emergency/urgent flag");
}

/// The case's reference answers with the decision it expects: a complete, correct attempt.
fn answered(case: &Case) -> Map<String, Value> {
    let mut answers = case.answers.clone();
    let expected = case.expected_decision_for(&case.reference(content()).unwrap());
    answers.insert("decision.outcome".into(), expected.outcome.into());
    answers
}

fn input(answers: &Map<String, Value>) -> String {
    json!({ "answers": answers }).to_string()
}

#[test]
fn list_prints_one_case_a_line_id_tab_title() {
    let (code, out, err) = run(&["practice", "--list"], "");
    assert_eq!(code, 0, "{err}");
    let expected: Vec<String> = cases().cases.iter().map(|c| format!("{}\t{}", c.id, c.title)).collect();
    assert_eq!(out.lines().collect::<Vec<_>>(), expected);
}

#[test]
fn grade_json_has_the_contract_fields_and_a_critical_miss_fails() {
    let (case, flag, answers) = critical_miss();
    let (code, out, err) = run(&["practice", "--grade", &case.id, "-", "--format", "json"], &input(&answers));
    assert_eq!(code, 0, "{err}");
    let grade: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(grade["case"], case.id.as_str());
    assert_eq!(grade["passed"], false);
    assert!(grade["missed"].as_array().unwrap().contains(&flag.id.as_str().into()), "{grade}");
    assert!(grade["extra"].is_array() && grade["verdict_match"].is_boolean() && grade["score"].as_u64() <= Some(100));
    let feedback: Vec<&str> = grade["feedback"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    let line = feedback.iter().find(|l| l.starts_with(&format!("MISSED {}", flag.title))).unwrap();
    for source in flag.sources.iter().filter(|s| !s.to_lowercase().starts_with("seed ")) {
        assert!(line.contains("Source:") && line.contains(source.as_str()), "{line}");
    }
}

#[test]
fn grade_is_json_when_piped() {
    let case = &cases().cases[0];
    let (code, out, _) = run(&["practice", "--grade", &case.id, "-"], &input(&answered(case)));
    assert_eq!(code, 0);
    let grade: Value = serde_json::from_str(&out).unwrap();
    assert_eq!((grade["score"].as_u64(), grade["passed"].as_bool()), (Some(100), Some(true)));
}

#[test]
fn grade_text_reads_for_a_student() {
    let case = &cases().cases[0];
    let (code, out, _) = run(&["practice", "--grade", &case.id, "-", "--format", "text"], &input(&answered(case)));
    assert_eq!(code, 0);
    assert!(out.starts_with("PASSED  100/100"), "{out}");
    assert!(out.contains("Learning points:") && out.contains(case.learning_points[0].as_str()), "{out}");

    let (case, flag, answers) = critical_miss();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("attempt.json");
    std::fs::write(&file, input(&answers)).unwrap();
    let (code, out, _) = run(&["practice", "--grade", &case.id, file.to_str().unwrap(), "--format", "text"], "");
    assert_eq!(code, 0);
    assert!(out.starts_with("NOT PASSED"), "{out}");
    let missed = out.find(&format!("MISSED {}", flag.title)).unwrap();
    assert!(missed < out.find("Verdict: expected").unwrap() && out.contains("Plan route: expected"), "{out}");
}

#[test]
fn an_unknown_case_is_bad_input_and_points_to_the_list() {
    let (code, out, err) = run(&["practice", "--grade", "no-such-case", "-"], "{\"answers\": {}}");
    assert_eq!(code, 2);
    assert!(out.is_empty() && err.contains("no-such-case") && err.contains("practice --list"), "{err}");
}

#[test]
fn bad_answers_are_bad_input_like_screen_without_repeating_values() {
    let case = &cases().cases[0];
    let mut answers = case.answers.clone();
    answers.insert("screen.no_such_item".into(), true.into());
    answers.insert("pain.now".into(), "sore-ish-ZQX".into());
    let (code, out, err) = run(&["practice", "--grade", &case.id, "-"], &input(&answers));
    assert_eq!(code, 2, "{out}");
    assert!(err.contains("standard input") && err.contains("screen.no_such_item") && err.contains("pain.now"), "{err}");
    assert!(!err.contains("ZQX"), "{err}");

    let (code, _, err) = run(&["practice", "--grade", &case.id, "-"], "{\"answers\": ");
    assert_eq!(code, 2);
    assert!(err.contains("standard input"), "{err}");
    let (code, _, err) = run(&["practice", "--grade", &case.id, "/no/such/attempt.json"], "");
    assert_eq!(code, 2);
    assert!(err.contains("/no/such/attempt.json"), "{err}");
}

#[test]
fn report_lists_every_case_with_attempts_and_names_unreadable_files_without_failing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let case = &cases().cases[0];
    let answers = case.reference_answers(content()).unwrap();
    let result = grade(content(), case, &answers, 1).unwrap();
    let score = result.score;
    let now = chrono::Utc::now();
    store.save_attempt(&Attempt::new(new_id(now).unwrap(), result, case.answers.clone(), now, now)).unwrap();
    let junk = format!("{}.json", new_id(now).unwrap());
    std::fs::write(dir.path().join("practice").join(&junk), "{ not json").unwrap();

    let data = dir.path().to_str().unwrap();
    let (code, out, err) = run(&["--data-dir", data, "practice", "--report", "--format", "json"], "");
    assert_eq!(code, 0, "{err}");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["unreadable_attempts"], 1);
    assert_eq!(report["unreadable"], json!([{ "file": junk, "problem": "not_json" }]));
    let rows = report["cases"].as_array().unwrap();
    assert_eq!(rows.len(), cases().cases.len());
    let row = rows.iter().find(|r| r["case"] == case.id.as_str()).unwrap();
    assert_eq!(
        (row["attempts"].as_u64(), row["best_score"].as_u64(), row["passed"].as_bool()),
        (Some(1), Some(u64::from(score)), Some(true))
    );
    assert!(score < 100);

    let (code, out, _) = run(&["--data-dir", data, "practice", "--report", "--format", "text"], "");
    assert_eq!(code, 0);
    assert!(out.contains(&case.id) && out.contains("could not be read") && out.contains(&junk), "{out}");

    // The environment variable names the data directory too.
    let out = Command::new(env!("CARGO_BIN_EXE_physio-intake"))
        .args(["practice", "--report", "--format", "json"])
        .env("PHYSIO_INTAKE_DATA_DIR", data)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["unreadable_attempts"], 1);
    assert!(std::fs::read_dir(dir.path().join("records")).unwrap().flatten().all(|e| !e.path().is_file()));
}

#[test]
fn a_student_name_where_nothing_is_saved_is_refused_not_dropped() {
    let case = &cases().cases[0];
    let (code, out, err) =
        run(&["practice", "--grade", &case.id, "-", "--student", "Ana Student"], &input(&answered(case)));
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(err.contains("--student") && err.contains("save nothing"), "{err}");
    let (code, _, err) = run(&["practice", "--list", "--student", "Ana"], "");
    assert_eq!(code, 2, "{err}");
}
