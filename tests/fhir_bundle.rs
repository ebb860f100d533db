//! `export --format fhir`: the transaction Bundle of every practice case and every fixture record,
//! checked twice: by an outside R4 validator (SMART's fhirclient models in strict mode, which
//! .ci/run installs from PyPI; tests/fhir/validate_r4.py), and by our own checks of what such a
//! validator does not look at: references inside the Bundle resolve, value-set bindings (gender,
//! statuses), every linkId and answer type against the Questionnaire, one Flag per flag, the NPRS
//! Observation, the Provenance of an amendment.
//!
//! Run locally: `pip install fhirclient==4.4.0`, then `cargo test --test fhir_bundle`. Without
//! python3 and fhirclient the outside check is skipped with a message, except under CI (CI=true),
//! where it must run.

use chrono::{TimeZone, Utc};
use physio_intake::content::Content;
use physio_intake::export::fhir;
use physio_intake::export::fhir_bundle::{self, RULE_SYSTEM};
use physio_intake::practice::Cases;
use physio_intake::record::{self, Decoded, Record, Status};
use serde_json::Value;
use std::collections::HashSet;
use std::path::Path;
use std::process::Command;

#[path = "common/fhir_check.rs"]
mod fhir_check;

fn content() -> &'static Content {
    Content::embedded().unwrap_or_else(|e| panic!("{e}"))
}

/// Every practice case as a completed record, and every fixture record that this program can
/// read as current: the records whose exports are checked.
fn records() -> Vec<(String, Record)> {
    let content = content();
    let mut out = Vec::new();
    let cases = Cases::embedded(content).unwrap_or_else(|problems| panic!("{problems:?}"));
    let now = Utc.with_ymd_and_hms(2026, 11, 22, 10, 30, 0).single().expect("a time");
    for (n, case) in cases.cases.iter().enumerate() {
        let answers = case.reference_answers(content).unwrap_or_else(|e| panic!("{e}"));
        let id = format!("01JCASE{n:019}");
        out.push((format!("case {}", case.id), Record::new(content, id, &answers, Status::Completed, now)));
    }
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/records");
    for entry in std::fs::read_dir(&fixtures).expect("the fixtures folder") {
        let path = entry.expect("a fixture").path();
        let bytes = std::fs::read(&path).expect("a fixture file");
        if let Ok(Decoded::Current(record)) = record::decode(&bytes, None, content) {
            out.push((format!("fixture {}", path.display()), *record));
        }
    }
    // An amendment whose author was not recorded: its Provenance says who is unknown.
    if let Some((_, amended)) = out.iter().find(|(_, r)| !r.amendments.is_empty()) {
        let mut anonymous = amended.clone();
        anonymous.amendments.iter_mut().for_each(|a| a.by = String::new());
        out.push(("the amended fixture, amended by no one recorded".into(), anonymous));
    }
    assert!(out.len() > 20, "cases and fixtures to check");
    out
}

fn resources<'a>(bundle: &'a Value, kind: &str) -> Vec<&'a Value> {
    bundle["entry"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == kind)
        .collect()
}

/// Every `reference` string anywhere in `value`.
fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("reference", Value::String(r)) => out.push(r.clone()),
                    _ => references(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

/// Our own checks of one Bundle; every problem found.
fn check_bundle(what: &str, record: &Record, bundle: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let mut problem = |text: String| problems.push(format!("{what}: {text}"));
    if bundle["resourceType"] != "Bundle" || bundle["type"] != "transaction" {
        problem("not a transaction Bundle".into());
    }
    let entries = bundle["entry"].as_array().cloned().unwrap_or_default();
    let mut full_urls = HashSet::new();
    for entry in &entries {
        let url = entry["fullUrl"].as_str().unwrap_or_default();
        if !url.starts_with("urn:uuid:") || url.len() != "urn:uuid:".len() + 36 {
            problem(format!("fullUrl {url:?} is not a urn:uuid"));
        }
        if !full_urls.insert(url.to_owned()) {
            problem(format!("fullUrl {url} is used twice"));
        }
        let kind = entry["resource"]["resourceType"].as_str().unwrap_or_default();
        if entry["request"]["method"] != "POST" || entry["request"]["url"] != kind {
            problem(format!("{kind}: request is not POST {kind}"));
        }
    }
    let mut refs = Vec::new();
    references(bundle, &mut refs);
    for r in refs.iter().filter(|r| !full_urls.contains(*r)) {
        problem(format!("reference {r} does not resolve inside the Bundle"));
    }

    let patients = resources(bundle, "Patient");
    if patients.len() != 1 {
        problem(format!("{} Patients", patients.len()));
    }
    if let Some(gender) = patients.first().and_then(|p| p["gender"].as_str())
        && !["male", "female", "other", "unknown"].contains(&gender)
    {
        problem(format!("gender {gender} is not in administrative-gender"));
    }
    let responses = resources(bundle, "QuestionnaireResponse");
    // A record keeps the questionnaire version it was answered with (fixtures of 1.0.0 among
    // them); every v1 item is still in v2, so today's items are checked under that version.
    let mut questionnaire = fhir::questionnaire(content());
    questionnaire["version"] = Value::String(record.questionnaire.version.clone());
    match responses.as_slice() {
        [response] => {
            for p in fhir_check::validate_response(response, &questionnaire) {
                problem(p);
            }
            if response["subject"]["reference"].as_str().is_none() {
                problem("the response has no subject".into());
            }
            if response["identifier"]["value"] != record.id.as_str() {
                problem("the response's identifier is not the record id".into());
            }
            if record.answers.get("visit.clinician").is_some() && response["author"]["reference"].as_str().is_none() {
                problem("the response has no author though a clinician is recorded".into());
            }
            if let Some(visit) = record.visit_date()
                && response["authored"] != visit
            {
                problem(format!("authored is {} and the visit {visit}", response["authored"]));
            }
        }
        _ => problem(format!("{} QuestionnaireResponses", responses.len())),
    }
    let flags = resources(bundle, "Flag");
    let flag_codes: Vec<&str> = flags
        .iter()
        .filter_map(|f| {
            f["code"]["coding"][0]["code"].as_str().filter(|_| f["code"]["coding"][0]["system"] == RULE_SYSTEM)
        })
        .collect();
    let fired: Vec<&str> = record.result.flags.iter().map(|f| f.id.as_str()).collect();
    if flag_codes != fired {
        problem(format!("Flags {flag_codes:?}, the record's flags {fired:?}"));
    }
    for flag in &flags {
        if !["active", "inactive", "entered-in-error"].contains(&flag["status"].as_str().unwrap_or_default()) {
            problem("a Flag's status is not in flag-status".into());
        }
    }
    let observations = resources(bundle, "Observation");
    let nprs = observations.iter().filter(|o| o["code"]["coding"][0]["code"] == "72514-3").count();
    let pain_scored = record.answers.get("pain.now").is_some();
    if nprs != usize::from(pain_scored) {
        problem(format!("{nprs} NPRS Observations, pain scored: {pain_scored}"));
    }
    for observation in &observations {
        if observation["status"] != "final" || observation["derivedFrom"][0]["reference"].as_str().is_none() {
            problem("an Observation is not final or not derived from the response".into());
        }
    }
    let provenances = resources(bundle, "Provenance").len();
    if provenances != record.amendments.len() {
        problem(format!("{provenances} Provenances for {} amendments", record.amendments.len()));
    }
    if resources(bundle, "CarePlan").len() != 1 {
        problem("no CarePlan".into());
    }
    problems
}

#[test]
fn every_case_and_fixture_exports_a_bundle_that_passes_our_checks() {
    let mut problems = Vec::new();
    for (what, record) in records() {
        let bundle = fhir_bundle::transaction_bundle(content(), &record);
        problems.extend(check_bundle(&what, &record, &bundle));
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The outside validator. Skipped (loudly) only where python3 or fhirclient is missing and CI is
/// not set: CI installs them and must run it.
#[test]
fn every_case_and_fixture_bundle_passes_an_outside_r4_validator() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let mut files = Vec::new();
    for (n, (_, record)) in records().into_iter().enumerate() {
        let path = dir.path().join(format!("bundle-{n:03}.json"));
        let bundle = fhir_bundle::transaction_bundle(content(), &record);
        std::fs::write(&path, serde_json::to_vec_pretty(&bundle).expect("JSON")).expect("write a bundle");
        files.push(path);
    }
    let questionnaire = dir.path().join("questionnaire.json");
    std::fs::write(&questionnaire, serde_json::to_vec(&fhir::questionnaire(content())).expect("JSON")).expect("write");
    files.push(questionnaire);
    let code_systems = dir.path().join("code-systems.json");
    let with_code_systems = fhir_bundle::questionnaire_with_code_systems(content());
    std::fs::write(&code_systems, serde_json::to_vec(&with_code_systems).expect("JSON")).expect("write");
    files.push(code_systems);

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fhir/validate_r4.py");
    let available = Command::new("python3")
        .args(["-c", "import fhirclient.models.bundle"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        assert!(std::env::var_os("CI").is_none(), "CI must install fhirclient (pip install fhirclient==4.4.0)");
        eprintln!("SKIPPED: python3 with fhirclient is not installed (pip install fhirclient==4.4.0)");
        return;
    }
    let output = Command::new("python3").arg(&script).args(&files).output().expect("run the validator");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    eprintln!("{}", stdout.lines().last().unwrap_or_default());
}

/// A strict validator that accepts anything would prove nothing: a Bundle with a wrongly typed
/// element must fail it.
#[test]
fn the_outside_validator_rejects_a_broken_bundle() {
    let available = Command::new("python3")
        .args(["-c", "import fhirclient.models.bundle"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !available {
        assert!(std::env::var_os("CI").is_none(), "CI must install fhirclient");
        return;
    }
    let (_, record) = records().into_iter().next().expect("a record");
    let mut bundle = fhir_bundle::transaction_bundle(content(), &record);
    bundle["entry"][0]["resource"]["birthDate"] = serde_json::json!(19610304);
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("broken.json");
    std::fs::write(&path, serde_json::to_vec(&bundle).expect("JSON")).expect("write");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fhir/validate_r4.py");
    let output = Command::new("python3").arg(&script).arg(&path).output().expect("run the validator");
    assert!(!output.status.success(), "{}", String::from_utf8_lossy(&output.stdout));
}

/// Our own checks can fail too: a dangling reference and a missing subject are found.
#[test]
fn our_checks_find_a_dangling_reference() {
    let (what, record) = records().into_iter().next().expect("a record");
    let mut bundle = fhir_bundle::transaction_bundle(content(), &record);
    let entries = bundle["entry"].as_array_mut().expect("entries");
    entries.remove(0); // the Patient
    let problems = check_bundle(&what, &record, &bundle);
    assert!(problems.iter().any(|p| p.contains("does not resolve")), "{problems:#?}");
}

/// The items other systems must recognise carry standard codes.
#[test]
fn the_questionnaire_carries_loinc_codes_for_pain_and_blood_pressure() {
    let questionnaire = fhir::questionnaire(content());
    let text = questionnaire.to_string();
    for code in ["72514-3", "8480-6", "8462-4", "21112-8", "46098-0"] {
        assert!(text.contains(code), "LOINC {code} in the Questionnaire");
    }
}

/// An amended record's Bundle says who amended it, when and why, as a Provenance of the response.
#[test]
fn an_amendment_is_a_provenance_with_who_when_and_why() {
    let (_, record) = records().into_iter().find(|(_, r)| !r.amendments.is_empty()).expect("the amended fixture");
    let bundle = fhir_bundle::transaction_bundle(content(), &record);
    let provenance = resources(&bundle, "Provenance")[0].clone();
    let amendment = &record.amendments[0];
    assert_eq!(provenance["agent"][0]["who"]["display"], amendment.by.as_str());
    assert_eq!(provenance["reason"][0]["text"], amendment.reason.as_str());
    assert!(
        provenance["recorded"].as_str().is_some_and(|t| t.starts_with(&amendment.at.format("%Y-%m-%d").to_string()))
    );
}

/// No clinician recorded (the practice cases): no author, performer or participant anywhere and
/// no Practitioner made up; with a clinician, every one of them names the same Practitioner.
#[test]
fn an_unrecorded_clinician_is_left_out_never_made_up() {
    for (what, record) in records() {
        let bundle = fhir_bundle::transaction_bundle(content(), &record);
        let practitioners = resources(&bundle, "Practitioner");
        let text = bundle.to_string();
        if record.answers.get("visit.clinician").is_some() {
            assert_eq!(practitioners.len(), 1, "{what}");
            assert!(practitioners[0]["name"][0]["text"].as_str().is_some_and(|n| !n.trim().is_empty()), "{what}");
        } else {
            assert!(practitioners.is_empty(), "{what}: {practitioners:?}");
            for key in ["\"author\"", "\"performer\"", "\"participant\"", "not recorded"] {
                assert!(!text.contains(key), "{what}: {key}");
            }
        }
    }
}

/// Provenance.agent.who is required: an amendment with no name says so with data-absent-reason.
#[test]
fn an_amendment_by_no_one_recorded_has_an_unknown_agent() {
    let (what, record) =
        records().into_iter().find(|(_, r)| r.amendments.iter().any(|a| a.by.is_empty())).expect("the anonymous one");
    let bundle = fhir_bundle::transaction_bundle(content(), &record);
    let who = &resources(&bundle, "Provenance")[0]["agent"][0]["who"];
    assert_eq!(
        who,
        &serde_json::json!({"extension": [{"url": "http://hl7.org/fhir/StructureDefinition/data-absent-reason",
            "valueCode": "unknown"}]}),
        "{what}"
    );
}
