//! The completion gate, recorded acknowledgements, not-asked marks and overrides through the real
//! binary (import, list, show, export), and records whose stored result no longer matches their
//! answers: changed by hand (an integrity problem) or made with another rulebook version.

#[path = "common/gate_input.rs"]
mod screen;

use serde_json::{Value, json};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn run(data: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_physio-intake"))
        .arg("--data-dir")
        .arg(data)
        .env_remove("PHYSIO_INTAKE_DATA_DIR")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// What `show` prints first, after the note's title and its underline: the verdict lines.
fn opening(show: &str) -> Vec<&str> {
    let mut lines = show.lines();
    let title = lines.next().unwrap_or_default();
    assert!(title.starts_with("Physiotherapy and massage intake"), "the note's title first: {show}");
    assert!(lines.next().unwrap_or_default().starts_with("===="), "a plain-text underline: {show}");
    lines.filter(|l| !l.trim().is_empty()).take(4).collect()
}

/// Cauda equina signs: an emergency referral and STOP.
fn emergency_answers() -> Value {
    json!({"patient.name": "CANARY Patient", "visit.date": "2026-11-22", "visit.consent": true,
           "visit.clinician": "Sam Physio", "complaint.condition": "low_back_pain",
           "redflag.bladder_bowel": true, "redflag.saddle_anaesthesia": true,
           "decision.outcome": "proceed", "decision.notes": "CANARY notes"})
}

fn import(data: &Path, input: &Value, status: &str) -> Output {
    run(data, &["import", "-", "--status", status], &input.to_string())
}

fn imported_id(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{}", err(o));
    out(o).trim().to_owned()
}

/// The emergency intake with everything the gate asks for: acknowledgements, an override, and
/// two screening questions marked not asked.
fn documented_emergency() -> Value {
    let mut input = screen::completed_input(&emergency_answers());
    let answers = input["answers"].as_object_mut().unwrap();
    answers.remove("screen.fever");
    answers.remove("screen.lotion_allergy");
    input["not_asked"]["screen.fever"] = json!({"reason": "patient_declined"});
    input["not_asked"]["screen.lotion_allergy"] = json!({"reason": "other", "text": "ran out of time"});
    input["acknowledgements"] = json!([{"flag": "cauda_equina", "at": "2026-11-22T09:30:00Z"}]);
    input["override"] = json!({"why": "patient refused transfer; GP phoned, ambulance declined"});
    input
}

#[test]
fn import_completed_names_every_missing_thing_by_id_and_label_never_a_value() {
    let dir = tempfile::tempdir().unwrap();
    let o = import(dir.path(), &json!({"answers": emergency_answers()}), "completed");
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    let message = err(&o);
    for part in [
        "not answered: ",
        "(item screen.fever)",
        "(item redflag.weight_loss)",
        "EMERGENCY referral not acknowledged",
        "(flag cauda_equina)",
        "decision \"Proceed\" goes against the verdict (STOP + refer emergency): an override needs who and why",
        "--status in_progress",
    ] {
        assert!(message.contains(part), "{part}: {message}");
    }
    assert!(!message.contains("CANARY"), "a value leaked: {message}");
    assert!(out(&run(dir.path(), &["list", "--format", "json"], "")).contains("\"records\": []"));
}

#[test]
fn acknowledgements_not_asked_marks_and_the_override_are_in_json_show_markdown_and_fhir() {
    let dir = tempfile::tempdir().unwrap();
    let id = imported_id(&import(dir.path(), &documented_emergency(), "completed"));

    let record: Value = serde_json::from_str(&out(&run(dir.path(), &["export", &id, "--format", "json"], ""))).unwrap();
    assert_eq!(record["status"], json!("completed"));
    let attestations = &record["attestations"];
    assert_eq!(attestations["not_asked"]["screen.fever"], json!({"reason": "patient_declined"}));
    assert_eq!(attestations["not_asked"]["screen.lotion_allergy"]["text"], json!("ran out of time"));
    let ack = &attestations["acknowledgements"][0];
    assert_eq!(ack["flag"], json!("cauda_equina"));
    assert_eq!(ack["by"], json!("Sam Physio"));
    assert_eq!(ack["at"], json!("2026-11-22T09:30:00Z"));
    assert_eq!(ack["rulebook_version"], record["result"]["rulebook_version"]);
    let override_ = &attestations["override"];
    assert_eq!(override_["by"], json!("Sam Physio"));
    assert_eq!(override_["decision"], json!("proceed"));
    assert_eq!(override_["verdict_massage"], json!("stop"));
    assert_eq!(override_["verdict_referral"], json!("emergency"));

    let show = out(&run(dir.path(), &["show", &id], ""));
    let first = opening(&show);
    assert!(first[0].starts_with("- VERDICT: STOP · REFER EMERGENCY"), "{show}");
    assert!(first.iter().any(|l| l.contains("acknowledged by Sam Physio at 2026-11-22 09:30 UTC")), "{show}");
    assert!(
        first.iter().any(|l| l.contains("OVERRIDE by Sam Physio") && l.contains("patient refused transfer")),
        "{show}"
    );
    assert!(show.contains("- Not asked ("), "{show}");
    let content = physio_intake::content::Content::embedded().unwrap();
    let label = |id: &str| content.questionnaire.item(content.questionnaire.id(id).unwrap()).label.clone();
    assert!(
        show.contains(&format!("{} (patient declined)", label("screen.fever")))
            && show.contains(&format!("{} (other: ran out of time)", label("screen.lotion_allergy"))),
        "{show}"
    );
    // The terminal gets the note without Markdown syntax: the same as `export --format text`.
    assert!(!show.contains("**") && !show.contains("\n## ") && !show.contains('`'), "{show}");
    assert_eq!(show, out(&run(dir.path(), &["export", &id, "--format", "text"], "")));

    let markdown = out(&run(dir.path(), &["export", &id, "--format", "markdown"], ""));
    let head: String = markdown.lines().take(8).collect::<Vec<_>>().join("\n");
    assert!(head.contains("**VERDICT: STOP · REFER EMERGENCY**"), "{head}");
    assert!(head.contains("acknowledged by Sam Physio at 2026-11-22 09:30 UTC"), "{head}");
    assert!(head.contains("OVERRIDE by Sam Physio"), "{head}");
    assert!(markdown.contains("**Not asked ("), "{markdown}");
    let content = physio_intake::content::Content::embedded().unwrap();
    let fever = content.questionnaire.item(content.questionnaire.id("screen.fever").unwrap()).label.clone();
    assert!(markdown.contains(&format!("{fever} (patient declined)")), "{markdown}");
    assert!(markdown.contains("(other: ran out of time)"), "{markdown}");
    assert!(markdown.contains("**Override:**"), "{markdown}");
    // People read the decision as the form labels it; the JSON and FHIR keep the code.
    assert!(markdown.contains("decision \"Proceed\" against verdict STOP + refer emergency"), "{markdown}");
    assert!(show.contains("decision \"Proceed\" against verdict STOP + refer emergency"), "{show}");

    let fhir = out(&run(dir.path(), &["export", &id, "--format", "fhir"], ""));
    for part in [
        "https://physio-intake.example/fhir/StructureDefinition/acknowledgement",
        "https://physio-intake.example/fhir/StructureDefinition/override",
        "https://physio-intake.example/fhir/StructureDefinition/not-asked",
        "\"valueCode\": \"patient_declined\"",
        "\"valueString\": \"Sam Physio\"",
        "\"valueCode\": \"cauda_equina\"",
    ] {
        assert!(fhir.contains(part), "{part}: {fhir}");
    }
}

#[test]
fn half_a_screen_unanswered_is_listed_as_not_asked_with_no_score_built_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let input = json!({"answers": {"patient.name": "Half Screen", "visit.date": "2026-11-22", "visit.consent": true,
        "screen.fever": false, "screen.open_wound": false, "yellow.low_mood": false}});
    let id = imported_id(&import(dir.path(), &input, "in_progress"));
    let show = out(&run(dir.path(), &["show", &id], ""));
    assert!(show.contains("- Not asked ("), "{show}");
    assert!(show.contains("yellow flags not assessed (6 not asked, 0 ticked)"), "{show}");
    assert!(show.contains("PSFS not assessed"), "{show}");
    let markdown = out(&run(dir.path(), &["export", &id, "--format", "markdown"], ""));
    assert!(markdown.contains("**Not asked ("), "{markdown}");
    assert!(markdown.contains("yellow flags not assessed (6 not asked, 0 ticked)"), "{markdown}");
    assert!(!markdown.contains("yellow flags 0"), "{markdown}");
    // Answered no stays no: summarised in one line, listed in the appendix.
    assert!(markdown.contains("**Screened negative:**"), "answered no stays no: {markdown}");
    // The unanswered questions are not "No" anywhere.
    let answered_no = markdown
        .lines()
        .find(|l| l.contains("**Screened negative, Safety screen") && l.contains("Fever"))
        .unwrap_or_else(|| panic!("the negatives of the safety screen in the appendix: {markdown}"));
    assert!(!answered_no.contains("Redflag") && !answered_no.contains("Weight loss"), "{answered_no}");
}

/// Change a record file by hand and recompute its checksum, as a careful tamperer would.
fn rewrite(path: &Path, change: impl FnOnce(&mut serde_json::Map<String, Value>)) -> Vec<u8> {
    let mut body: serde_json::Map<String, Value> = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    body.remove("checksum");
    change(&mut body);
    let checksum = format!("crc32:{:08x}", crc32fast::hash(&serde_json::to_vec(&body).unwrap()));
    body.insert("checksum".into(), json!(checksum));
    let bytes = serde_json::to_vec_pretty(&Value::Object(body)).unwrap();
    std::fs::write(path, &bytes).unwrap();
    bytes
}

#[test]
fn a_hand_edited_result_is_flagged_in_list_and_show_and_the_file_stays_as_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let id = imported_id(&import(dir.path(), &documented_emergency(), "completed"));
    let path = dir.path().join("records").join(format!("{id}.json"));
    let bytes = rewrite(&path, |body| {
        body["result"]["verdict"] = json!({"massage": "clear", "referral": "none"});
        body["result"]["flags"] = json!([]);
    });
    let listing: Value = serde_json::from_str(&out(&run(dir.path(), &["list", "--format", "json"], ""))).unwrap();
    let integrity = listing["records"][0]["integrity"].as_str().unwrap_or_default();
    assert!(integrity.contains("INTEGRITY PROBLEM"), "{listing}");
    assert!(integrity.contains("the answers adds: ") || integrity.contains("adds:"), "{integrity}");
    let text = out(&run(dir.path(), &["list", "--format", "text"], ""));
    assert!(text.contains("!INTEGRITY"), "{text}");
    let show = out(&run(dir.path(), &["show", &id], ""));
    assert!(show.contains("INTEGRITY PROBLEM: the stored result does not match"), "{show}");
    assert!(show.contains("verdict clear stored, the answers gives stop+emergency"), "{show}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes, "reading never rewrites the file");
}

#[test]
fn a_record_from_an_older_rulebook_opens_lists_exports_and_shows_what_today_says() {
    let dir = tempfile::tempdir().unwrap();
    let id = imported_id(&import(dir.path(), &documented_emergency(), "completed"));
    let path = dir.path().join("records").join(format!("{id}.json"));
    let bytes = rewrite(&path, |body| {
        body["result"]["rulebook_version"] = json!("2026.11.0-old");
        body["result"]["flags"] = json!([]);
        body["result"]["verdict"] = json!({"massage": "clear", "referral": "none"});
    });
    let listing: Value = serde_json::from_str(&out(&run(dir.path(), &["list", "--format", "json"], ""))).unwrap();
    assert_eq!(listing["records"][0]["integrity"], Value::Null, "an older rulebook is not an integrity problem");
    assert_eq!(listing["records"][0]["verdict"], json!({"massage": "clear", "referral": "none"}));
    let show = out(&run(dir.path(), &["show", &id], ""));
    assert!(opening(&show)[0].starts_with("- VERDICT: CLEAR"), "the stored result comes first: {show}");
    assert!(show.contains("made with rulebook 2026.11.0-old, result as stored; "), "{show}");
    assert!(show.contains("today's rulebook adds: "), "{show}");
    for format in ["markdown", "fhir", "json"] {
        let o = run(dir.path(), &["export", &id, "--format", format], "");
        assert_eq!(o.status.code(), Some(0), "{format}: {}", err(&o));
    }
    let markdown = out(&run(dir.path(), &["export", &id, "--format", "markdown"], ""));
    assert!(markdown.contains("today's rulebook adds: "), "{markdown}");
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

/// The golden record files written with rulebook 2026.11.0 (tests/fixtures/records/): each still
/// lists (no integrity problem: its result is what its answers gave), shows and exports; when
/// today's rulebook is another version, `show` says so beside the stored result.
#[test]
fn records_saved_with_rulebook_2026_11_0_still_open_list_export_and_show_the_difference() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/records");
    for name in ["v1.json", "full_intake.json", "small.json", "amended.json"] {
        let bytes = std::fs::read(fixtures.join(name)).unwrap();
        let record: Value = serde_json::from_slice(&bytes).unwrap();
        let id = record["id"].as_str().unwrap().to_owned();
        let stored_version = record["result"]["rulebook_version"].as_str().unwrap().to_owned();
        assert!(stored_version.starts_with("2026.11.0"), "{name}: {stored_version}");
        let dir = tempfile::tempdir().unwrap();
        let records = dir.path().join("records");
        std::fs::create_dir_all(&records).unwrap();
        let path = records.join(format!("{id}.json"));
        std::fs::write(&path, &bytes).unwrap();
        let listing: Value = serde_json::from_str(&out(&run(dir.path(), &["list", "--format", "json"], ""))).unwrap();
        assert_eq!(listing["records"][0]["id"], json!(id), "{name}: {listing}");
        assert_eq!(listing["records"][0]["integrity"], Value::Null, "{name}: {listing}");
        let o = run(dir.path(), &["show", &id], "");
        assert_eq!(o.status.code(), Some(0), "{name}: {}", err(&o));
        let show = out(&o);
        let today = out(&run(dir.path(), &["rules", "--format", "json"], ""));
        let today: Value = serde_json::from_str(&today).unwrap();
        if today["rulebook_version"] != json!(stored_version) {
            assert!(show.contains(&format!("made with rulebook {stored_version}")), "{name}: {show}");
        }
        assert!(!show.contains("INTEGRITY"), "{name}: {show}");
        for format in ["markdown", "fhir", "json"] {
            let o = run(dir.path(), &["export", &id, "--format", format], "");
            assert_eq!(o.status.code(), Some(0), "{name} {format}: {}", err(&o));
        }
        assert_eq!(std::fs::read(&path).unwrap(), bytes, "{name}: never rewritten by reading");
    }
}

/// `show` of a follow-up prints the note with the change since the visit it follows: it reads
/// that record too.
#[test]
fn show_of_a_follow_up_gives_the_change_since_the_visit_it_follows() {
    let dir = tempfile::tempdir().unwrap();
    let first_answers = json!({"answers": {"patient.name": "Follow Up", "visit.date": "2026-11-02",
        "visit.consent": true, "pain.now": 6, "complaint.condition": "low_back_pain"}});
    let first = imported_id(&import(dir.path(), &first_answers, "in_progress"));
    let mut second_answers = first_answers.clone();
    second_answers["answers"]["visit.date"] = json!("2026-11-16");
    second_answers["answers"]["visit.type"] = json!("follow_up");
    second_answers["answers"]["pain.now"] = json!(2);
    let second = imported_id(&import(dir.path(), &second_answers, "in_progress"));
    let path = dir.path().join("records").join(format!("{second}.json"));
    rewrite(&path, |body| {
        body.insert("follow_up_of".into(), json!(first));
    });
    let o = run(dir.path(), &["show", &second], "");
    assert_eq!(o.status.code(), Some(0), "{}", err(&o));
    let show = out(&o);
    assert!(show.contains("Change since 2026-11-02\n-------"), "{show}");
    assert!(show.contains(&format!("Follows: the visit of 2026-11-02 (record {first})")), "{show}");
    assert_eq!(show, out(&run(dir.path(), &["export", &second, "--format", "text"], "")));
}
