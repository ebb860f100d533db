//! Helpers for the vignette tests: the real binary's `screen - --format json`, and readable
//! assertions on its report. Included by each vignette file with `#[path]`.

#![allow(dead_code)] // each vignette file uses the part it needs

use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Output, Stdio};

/// The visit date used by most vignettes.
pub const VISIT: &str = "2026-11-22";
/// An onset more than 42 days before `VISIT`: stage `chronic`.
pub const CHRONIC_ONSET: &str = "2026-06-01";

// --- helpers ---------------------------------------------------------------------------------

/// Runs `screen - --format json` with `{"answers": answers}` on standard input.
pub fn run(answers: &Value) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_physio-intake"))
        .args(["screen", "-", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start physio-intake");
    let body = serde_json::to_vec(&json!({ "answers": answers })).expect("serialise answers");
    let mut stdin = child.stdin.take().expect("stdin is piped");
    // The program may refuse the input before reading all of it; a broken pipe is not our failure.
    let _ = stdin.write_all(&body);
    drop(stdin);
    child.wait_with_output().expect("wait for physio-intake")
}

/// Screens valid answers: exit status 0 and a JSON report on standard output.
pub fn screen(answers: Value) -> Value {
    assert!(answers.get("visit.date").is_some(), "every vignette gives visit.date explicitly");
    let output = run(&answers);
    assert_eq!(
        output.status.code(),
        Some(0),
        "screen failed for {answers}\nstderr: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {}", String::from_utf8_lossy(&output.stdout)))
}

/// Screens answers that must be refused as bad input: exit status 2, nothing on stdout.
/// Returns the message on standard error.
pub fn refused(answers: Value) -> String {
    let output = run(&answers);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "bad input must exit 2; stderr: {stderr}");
    assert!(output.stdout.is_empty(), "nothing on stdout for bad input: {}", String::from_utf8_lossy(&output.stdout));
    stderr
}

pub fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .unwrap_or_else(|| panic!("expected an array, got {value}"))
        .iter()
        .map(|v| v.as_str().unwrap_or_else(|| panic!("expected a string, got {v}")).to_owned())
        .collect()
}

/// The flag ids of a report, in report order.
pub fn flag_ids(report: &Value) -> Vec<String> {
    report["flags"]
        .as_array()
        .unwrap_or_else(|| panic!("flags is an array: {report}"))
        .iter()
        .map(|f| f["id"].as_str().unwrap_or_else(|| panic!("flag without id: {f}")).to_owned())
        .collect()
}

pub fn flag<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["flags"]
        .as_array()
        .and_then(|flags| flags.iter().find(|f| f["id"] == id))
        .unwrap_or_else(|| panic!("no flag {id} among {:?}", flag_ids(report)))
}

pub fn assert_flags(report: &Value, expected: &[&str]) {
    assert_eq!(flag_ids(report), expected, "flags (in order)");
}

pub fn assert_verdict(report: &Value, massage: &str, referral: &str) {
    assert_eq!(report["verdict"], json!({ "massage": massage, "referral": referral }), "verdict");
}

pub fn assert_avoid_regions(report: &Value, expected: &[&str]) {
    assert_eq!(strings(&report["avoid_regions"]), expected, "avoid_regions");
}

pub fn assert_regions(report: &Value, id: &str, expected: &[&str]) {
    assert_eq!(strings(&flag(report, id)["regions"]), expected, "regions of {id}");
}

/// `because` of flag `id` holds every one of `items`.
pub fn assert_because_has(report: &Value, id: &str, items: &[&str]) {
    let because = strings(&flag(report, id)["because"]);
    for item in items {
        assert!(because.iter().any(|b| b == item), "because of {id} lacks {item}: {because:?}");
    }
}

/// The key is present and null (CONTRACT: "Keys that have no value are null, never missing").
pub fn assert_null(object: &Value, key: &str) {
    assert_eq!(object.get(key), Some(&Value::Null), "{key} must be present and null in {object}");
}

pub fn route(report: &Value) -> &str {
    report["plan"]["route"].as_str().unwrap_or_else(|| panic!("plan.route is a string: {}", report["plan"]))
}

pub fn massage_type(report: &Value) -> Option<&str> {
    report["plan"]["massage_type"].as_str()
}

pub fn separate_days(report: &Value) -> (bool, usize) {
    let plan = &report["plan"];
    let separate = plan["separate_days"].as_bool().unwrap_or_else(|| panic!("separate_days is a bool: {plan}"));
    (separate, strings(&plan["separate_days_reasons"]).len())
}

pub fn aftercare_len(report: &Value) -> usize {
    strings(&report["plan"]["aftercare"]).len()
}

/// A route without hands-on treatment today (emergency or urgent referral, or defer): no massage
/// type, no order, same-day question not asked, no frequency, no aftercare.
pub fn assert_no_massage_plan(report: &Value) {
    let plan = &report["plan"];
    assert_null(plan, "massage_type");
    assert_null(plan, "session_order");
    assert_eq!(separate_days(report), (false, 0), "separate days only for the combined route");
    assert_null(plan, "frequency");
    assert_eq!(aftercare_len(report), 0, "no aftercare when massage is not part of the route");
}

/// Builds answers from `base` with `extra` merged over it.
pub fn with(base: &Value, extra: Value) -> Value {
    let mut answers = base.clone();
    for (k, v) in extra.as_object().expect("extra answers are an object") {
        answers[k] = v.clone();
    }
    answers
}
