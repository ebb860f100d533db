//! The chart note (`export --format markdown` and `--format text`) as a clinician would paste it,
//! snapshotted with insta: a clean first visit, a STOP / emergency visit, and a follow-up visit
//! with the change since the last one. None may name a rule id outside its appendix.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use physio_intake::content::Content;
use physio_intake::export::markdown;
use physio_intake::record::{Record, Status};
use serde_json::{Map, Value, json};

fn content() -> &'static Content {
    Content::embedded().unwrap_or_else(|e| panic!("{e}"))
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 30, 0).single().expect("a valid time")
}

fn record(id: &str, answers: Value, saved: DateTime<Utc>) -> Record {
    let answers: Map<String, Value> = answers.as_object().expect("answers").clone();
    let visit = answers
        .get("visit.date")
        .and_then(Value::as_str)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .expect("a visit date");
    let parsed = content().parse_answers(&answers, visit).unwrap_or_else(|e| panic!("{e:?}"));
    Record::new(content(), id.into(), &parsed, Status::Completed, saved)
}

/// A chronic low back pain, everything asked and negative but two findings.
fn first_visit() -> Value {
    json!({
        "patient.name": "Ada Lowe", "patient.dob": "1979-05-02", "patient.sex": "female",
        "visit.date": "2026-11-02", "visit.type": "initial", "visit.clinician": "R. Singh", "visit.consent": true,
        "complaint.description": "Low back ache for five months, worse after long drives",
        "complaint.condition": "low_back_pain", "complaint.regions": ["lower_back"],
        "complaint.onset_date": "2026-06-01", "complaint.mechanism": "insidious",
        "pain.now": 6, "pain.worst_24h": 7, "pain.best_24h": 3, "pain.night": "none",
        "psfs.1.activity": "Driving 1 hour", "psfs.1.score": 4,
        "screen.fever": false, "screen.open_wound": false, "screen.pregnant": false,
        "meds.anticoagulant": true, "redflag.bladder_bowel": false, "redflag.saddle_anaesthesia": false,
        "redflag.cad_symptoms": ["none"], "redflag.headache_signs": ["none"],
        "goals.primary": "pain_relief", "goals.massage_pressure": "moderate",
        "decision.outcome": "proceed_modified", "decision.notes": "Light pressure only",
        "decision.impression": "Non-specific mechanical low back pain; no red flags.",
        "decision.treatment_given": "Soft-tissue work to the lumbar paraspinals, light pressure.\nCore activation taught.",
        "decision.response": "Pain 6 to 4 after treatment",
        "decision.home_programme": "Pelvic tilts twice a day; walk daily",
        "decision.next_visit": "2026-11-16",
    })
}

fn assert_no_rule_id_before_the_appendix(note: &str) {
    let body = &note[..note.find("## Appendix").or_else(|| note.find("Appendix:")).expect("an appendix")];
    for rule in content().rulebook.rules().iter().filter(|r| r.id.contains('_')) {
        assert!(!body.contains(&rule.id), "rule id {} outside the appendix", rule.id);
    }
}

#[test]
fn a_clean_first_visit() {
    let note = markdown::markdown(content(), &record("01JNOTE0000000000000000001", first_visit(), at(2, 10)));
    assert_no_rule_id_before_the_appendix(&note);
    insta::assert_snapshot!("note_first_visit", note);
}

#[test]
fn a_stop_and_emergency_visit() {
    let answers = json!({
        "patient.name": "Bo Marsh", "patient.dob": "1960-01-15", "patient.sex": "male",
        "visit.date": "2026-11-22", "visit.type": "initial", "visit.clinician": "R. Singh", "visit.consent": true,
        "complaint.condition": "sciatica", "complaint.regions": ["lower_back", "thigh_l"],
        "redflag.bladder_bowel": true, "redflag.saddle_anaesthesia": true,
        "decision.outcome": "refer", "decision.notes": "Sent to the emergency department by ambulance, 10:40",
    });
    let note = markdown::markdown(content(), &record("01JNOTE0000000000000000002", answers, at(22, 10)));
    assert_no_rule_id_before_the_appendix(&note);
    assert!(note.contains("EMERGENCY"), "{note}");
    insta::assert_snapshot!("note_stop_emergency", note);
}

/// The emergency acknowledged and a decision that goes against it, overridden with who and why:
/// both open the note, before the patient's details.
#[test]
fn a_stop_and_emergency_visit_acknowledged_and_overridden() {
    use physio_intake::gate::{Acknowledgement, NotAsked, NotAskedReason, Override};
    let answers = json!({
        "patient.name": "Bo Marsh", "patient.dob": "1960-01-15", "patient.sex": "male",
        "visit.date": "2026-11-22", "visit.type": "initial", "visit.clinician": "R. Singh", "visit.consent": true,
        "complaint.condition": "sciatica", "complaint.regions": ["lower_back", "thigh_l"],
        "redflag.bladder_bowel": true, "redflag.saddle_anaesthesia": false,
        "decision.outcome": "defer", "decision.notes": "Declined the emergency department; GP phoned at 10:40",
    });
    let mut record = record("01JNOTE0000000000000000004", answers, at(22, 10));
    record.attestations.acknowledgements.push(Acknowledgement {
        flag: "cauda_equina".into(),
        by: "R. Singh".into(),
        at: at(22, 9),
        rulebook_version: record.result.rulebook_version.clone(),
    });
    record.attestations.override_ = Some(Override {
        by: "R. Singh".into(),
        why: "Patient declined transfer after a full explanation; GP informed by phone".into(),
        at: at(22, 10),
        decision: "defer".into(),
        verdict_massage: "stop".into(),
        verdict_referral: "emergency".into(),
    });
    record
        .attestations
        .not_asked
        .insert("redflag.sexual_dysfunction".into(), NotAsked { reason: NotAskedReason::PatientDeclined, text: None });
    let note = markdown::markdown(content(), &record);
    let head = &note[..note.find("- **Date of birth").expect("the header")];
    assert!(head.contains("acknowledged by R. Singh"), "{head}");
    assert!(head.contains("Patient declined transfer"), "{head}");
    assert_no_rule_id_before_the_appendix(&note);
    insta::assert_snapshot!("note_stop_emergency_acknowledged_overridden", note);
}

#[test]
fn a_follow_up_visit_shows_the_change_and_what_was_carried_over() {
    let first = record("01JNOTE0000000000000000001", first_visit(), at(2, 10));
    let mut answers = first_visit();
    for (key, value) in [
        ("visit.date", json!("2026-11-16")),
        ("visit.type", json!("follow_up")),
        ("pain.now", json!(3)),
        ("pain.worst_24h", json!(5)),
        ("pain.best_24h", json!(2)),
        ("psfs.1.score", json!(8)),
        ("decision.response", json!("Pain 3 to 2")),
        ("decision.next_visit", json!("2026-11-30")),
    ] {
        answers[key] = value;
    }
    let mut second = record("01JNOTE0000000000000000003", answers, at(16, 10));
    second.follow_up_of = Some(first.id.clone());
    let note = markdown::note(content(), &second, Some(&first));
    assert!(note.contains("## Change since 2026-11-02"), "{note}");
    assert!(note.contains("(carried over from 2026-11-02)"), "{note}");
    assert!(note.contains("Follows"), "{note}");
    assert_no_rule_id_before_the_appendix(&note);
    insta::assert_snapshot!("note_follow_up", note);
}

#[test]
fn the_plain_text_note_has_no_markdown_syntax() {
    let note = markdown::markdown(content(), &record("01JNOTE0000000000000000001", first_visit(), at(2, 10)));
    let text = markdown::plain_text(&note);
    assert!(!text.contains("**") && !text.contains("# ") && !text.contains('`'), "{text}");
    assert!(text.contains("Subjective\n----------"), "{text}");
    insta::assert_snapshot!("note_first_visit_text", text);
}
