//! Exports of one record: the Markdown chart summary and the FHIR R4 QuestionnaireResponse with
//! its Questionnaire.
//!
//! The FHIR resources are checked by a structural validator written here from the R4 spec
//! (resource types, status codes, `authored`, the canonical, link ids and their nesting, answer
//! types against item types, answer options, ranges, `repeats`, `required`, `enableWhen`), not
//! by comparing with the program's own output. The validator is itself tested on broken
//! resources, so a pass means something.

use chrono::{DateTime, TimeZone, Utc};
use physio_intake::content::Content;
use physio_intake::domain::ItemType;
use physio_intake::export::{fhir, markdown};
use physio_intake::record::{Record, Revision, Status};
use serde_json::{Map, Value, json};
use std::collections::HashSet;

const RECORD_ID: &str = "01JTESTEXPORT0000000000000";

// --- helpers ---------------------------------------------------------------------------------

fn content() -> &'static Content {
    Content::embedded().expect("the embedded content loads")
}

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 30, 0).single().expect("a valid time")
}

fn fixture_answers() -> Map<String, Value> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/full_intake.json"))
        .expect("read the fixture");
    let file: Value = serde_json::from_str(&text).expect("the fixture is JSON");
    file["answers"].as_object().expect("the fixture has answers").clone()
}

fn record_from(answers: &Map<String, Value>, status: Status) -> Record {
    let content = content();
    let visit = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("a valid date");
    let parsed = content.parse_answers(answers, visit).expect("the answers are valid");
    Record::new(content, RECORD_ID.into(), &parsed, status, at(22, 10))
}

fn full_record(status: Status) -> Record {
    record_from(&fixture_answers(), status)
}

/// The full intake, completed, then amended: the decision notes changed a day later.
fn amended_record() -> Record {
    let content = content();
    let original = full_record(Status::Completed);
    let mut answers = fixture_answers();
    answers.insert("decision.notes".into(), json!("Light pressure only; GP letter sent"));
    let visit = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).expect("a valid date");
    let parsed = content.parse_answers(&answers, visit).expect("the answers are valid");
    let change = Revision::Amend {
        by: "J. Okafor".into(),
        reason: "GP letter sent after the visit\nnotes updated to say so".into(),
    };
    original.revise(content, &parsed, change, at(23, 9))
}

fn region_label(code: &str) -> String {
    let regions = &content().regions;
    regions.label(regions.id(code).expect("a known region")).to_owned()
}

fn item_label(item_id: &str) -> String {
    let questionnaire = &content().questionnaire;
    questionnaire.item(questionnaire.id(item_id).expect("a known item")).label.clone()
}

/// The text between a heading and the next heading of the same or a higher level.
fn section<'a>(markdown: &'a str, heading: &str) -> &'a str {
    let start = markdown.find(&format!("\n{heading}\n")).unwrap_or_else(|| panic!("no heading {heading}"));
    let body = &markdown[start + heading.len() + 2..];
    let level = heading.split(' ').next().expect("a heading level");
    let end = body
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .find(|&i| {
            let line = &body[i..];
            line.starts_with('#') && line.split(' ').next().is_some_and(|marks| marks.len() <= level.len())
        })
        .unwrap_or(body.len());
    &body[..end]
}

// --- Markdown --------------------------------------------------------------------------------

#[test]
fn markdown_has_the_soap_headings_in_order() {
    let text = markdown::markdown(content(), &full_record(Status::Completed));
    let headings =
        ["## Subjective", "## Objective", "## Assessment", "### Areas to avoid", "## Plan", "### Clinician's decision"];
    let mut last = 0;
    for heading in headings {
        let at = text.find(&format!("\n{heading}\n")).unwrap_or_else(|| panic!("missing {heading}:\n{text}"));
        assert!(at > last, "{heading} is out of order:\n{text}");
        last = at;
    }
    assert!(text.starts_with("# "), "a title first:\n{text}");
    assert!(!text.contains("## Amendments"), "a record never amended lists no amendments");
}

#[test]
fn markdown_header_identifies_patient_visit_and_record() {
    let record = full_record(Status::Completed);
    let text = markdown::markdown(content(), &record);
    let header = &text[..text.find("## Subjective").expect("a Subjective heading")];
    for expected in [
        "Margaret Ellis",
        "1958-04-17 (age 68 at the visit)",
        "2026-11-22 (Initial assessment)",
        "J. Okafor",
        RECORD_ID,
        "completed",
        "revision 1",
    ] {
        assert!(header.contains(expected), "the header lacks {expected:?}:\n{header}");
    }
    // The questionnaire and rulebook versions are for the reader who checks the reasoning.
    let appendix = section(&text, "## Appendix: rules, sources and negatives");
    assert!(appendix.contains(&record.result.rulebook_version), "{appendix}");
}

#[test]
fn markdown_subjective_reads_answers_in_words() {
    let text = markdown::markdown(content(), &full_record(Status::Completed));
    let subjective = section(&text, "## Subjective");
    for expected in [
        "Aching low back for four months",
        "**Condition:** Low back pain",
        &format!(
            "{}, {}, {}",
            region_label("lower_back"),
            region_label("sacrum_pelvis"),
            region_label("hip_buttock_r")
        ),
        "2026-07-10 (stage: chronic)",
        "now 5/10 (moderate) · worst in 24 h 7/10 · best in 24 h 2/10",
        "Apixaban, bisoprolol, calcium",
        "Retired teacher",
        "mean 5.33",
        "Kneeling to garden: 3/10",
        // 3 of the 7 yellow flags ticked: moderate concern (INTAKE.md section 6).
        "Present (3, moderate concern)",
        "Garden for an hour without pain",
    ] {
        assert!(subjective.contains(expected), "Subjective lacks {expected:?}:\n{subjective}");
    }
    assert!(!subjective.contains("low_back_pain"), "codes are shown as labels:\n{subjective}");
    let objective = section(&text, "## Objective");
    assert!(objective.contains("164/88 mmHg"), "blood pressure is an examination finding:\n{objective}");
    assert!(objective.contains("SLR negative both sides"));
    assert!(!subjective.contains("BP systolic"), "blood pressure is not repeated in Subjective");
}

#[test]
fn markdown_states_the_areas_to_avoid_by_label() {
    let record = full_record(Status::Completed);
    let text = markdown::markdown(content(), &record);
    let areas = section(&text, "### Areas to avoid");
    // The fixture's open wound is on the right lower leg: an `avoid` area (RULEBOOK.md).
    assert!(record.result.avoid_regions.contains(&"lower_leg_r".to_owned()));
    assert!(!record.result.avoid_regions.is_empty());
    for code in &record.result.avoid_regions {
        let label = region_label(code);
        assert!(areas.contains(&format!("- {label}\n")), "{label} is not listed:\n{areas}");
    }
    assert!(!areas.contains("lower_leg_r"), "labels, not codes:\n{areas}");
}

#[test]
fn markdown_lists_every_flag_with_badge_action_and_sources() {
    let record = full_record(Status::Completed);
    assert!(!record.result.flags.is_empty(), "the fixture raises flags");
    let text = markdown::markdown(content(), &record);
    let assessment = section(&text, "## Assessment");
    let appendix = section(&text, "## Appendix: rules, sources and negatives");
    for flag in &record.result.flags {
        assert!(assessment.contains(&flag.title), "flag {} is missing:\n{assessment}", flag.id);
        assert!(assessment.contains(&flag.action), "the action of {} is missing", flag.id);
        for source in &flag.sources {
            assert!(!assessment.contains(source.as_str()), "sources of {} belong in the appendix", flag.id);
            assert!(appendix.contains(source.as_str()), "a source of {} is missing from the appendix", flag.id);
        }
        assert!(appendix.contains(&format!("`{}`", flag.id)), "the rule id of {} in the appendix", flag.id);
    }
    // No rule id (they all hold an underscore or are listed) outside the appendix.
    let before_appendix = &text[..text.find("## Appendix").expect("an appendix")];
    for rule in content().rulebook.rules().iter().filter(|r| r.id.contains('_')) {
        assert!(!before_appendix.contains(&rule.id), "rule id {} outside the appendix:\n{before_appendix}", rule.id);
    }
    assert!(assessment.contains("▲ AVOID · "), "flags carry symbol and word:\n{assessment}");
    assert!(assessment.contains(&format!("**Because:** {}", item_label("screen.open_wound"))), "{assessment}");
}

#[test]
fn markdown_shows_the_plan_and_the_clinicians_decision() {
    let record = full_record(Status::Completed);
    let text = markdown::markdown(content(), &record);
    let plan = section(&text, "## Plan");
    assert!(plan.contains(&record.result.plan.route_reason), "{plan}");
    for line in &record.result.plan.aftercare {
        assert!(plan.contains(line.as_str()), "aftercare line missing: {line}");
    }
    let decision = section(&text, "### Clinician's decision");
    let outcome = &content().questionnaire;
    let outcome = outcome.item(outcome.id("decision.outcome").expect("the decision item"));
    let proceed_modified = outcome.option_label(outcome.option_index("proceed_modified").expect("an option"));
    assert!(decision.contains(proceed_modified), "{decision}");
    assert!(decision.contains("avoid right lower leg and left leg veins"), "{decision}");
}

#[test]
fn markdown_of_an_amended_record_lists_its_amendments() {
    let text = markdown::markdown(content(), &amended_record());
    let amendments = section(&text, "## Amendments");
    assert!(amendments.contains("Revision 2, 2026-11-23 09:30 UTC by J. Okafor"), "{amendments}");
    // The two-line reason stays inside its bullet.
    assert!(amendments.contains("GP letter sent after the visit\n  notes updated to say so"), "{amendments}");
    assert!(text.contains("amended · revision 2"));
    assert!(section(&text, "### Clinician's decision").contains("GP letter sent"));
}

#[test]
fn markdown_keeps_multi_line_text_inside_its_bullet() {
    let mut answers = fixture_answers();
    answers.insert("complaint.description".into(), json!("Low back ache\r\nworse bending\n\nsince July"));
    let text = markdown::markdown(content(), &record_from(&answers, Status::Completed));
    assert!(
        text.contains("- **Main complaint:** Low back ache\n  worse bending\n\n  since July\n"),
        "continuation lines are indented:\n{text}"
    );
}

#[test]
fn markdown_of_a_sparse_record_shows_only_what_was_answered() {
    let answers = json!({ "patient.name": "A. Patient", "visit.date": "2026-11-22" });
    let record = record_from(answers.as_object().expect("an object"), Status::InProgress);
    let text = markdown::markdown(content(), &record);
    assert!(section(&text, "## Objective").contains("Not examined at this visit."), "{text}");
    assert!(section(&text, "### Areas to avoid").contains("None."), "{text}");
    assert!(section(&text, "### Clinician's decision").contains("Not recorded"), "{text}");
    // Unanswered is not "no": the screening questions are listed as not asked.
    assert!(section(&text, "## Subjective").contains("**Not asked ("), "{text}");
    assert!(!text.contains("Pain (NPRS)") && !text.contains("Screened negative"), "{text}");
    assert!(text.contains("in progress"), "{text}");
}

#[test]
fn markdown_without_examination_still_gives_blood_pressure() {
    let mut answers = fixture_answers();
    answers.retain(|key, _| !key.starts_with("exam."));
    let text = markdown::markdown(content(), &record_from(&answers, Status::Completed));
    let objective = section(&text, "## Objective");
    assert!(objective.contains("Not examined at this visit."), "{objective}");
    assert!(objective.contains("164/88 mmHg"), "{objective}");
}

#[test]
fn markdown_gives_every_answered_item() {
    let record = full_record(Status::Completed);
    let text = markdown::markdown(content(), &record);
    // Shown combined on one line rather than under their own labels.
    let combined = [
        "patient.name",
        "visit.date",
        "visit.type",
        "pain.now",
        "pain.worst_24h",
        "pain.best_24h",
        "vitals.bp_systolic",
        "vitals.bp_diastolic",
    ];
    for (item_id, value) in &record.answers {
        if combined.contains(&item_id.as_str()) || item_id.starts_with("psfs.") {
            continue;
        }
        if value == &json!([]) {
            continue;
        }
        let label = item_label(item_id);
        assert!(text.contains(&label), "{item_id} ({label}) is missing:\n{text}");
    }
}

#[test]
fn exports_leave_out_answers_to_hidden_questions() {
    let mut answers = fixture_answers();
    // Not pregnant, yet a week count left behind from an earlier answer.
    answers.insert("pregnancy.weeks".into(), json!(20));
    let record = record_from(&answers, Status::Completed);
    let text = markdown::markdown(content(), &record);
    assert!(!text.contains(&item_label("pregnancy.weeks")), "a stale answer is not charted");
    let response = fhir::questionnaire_response(content(), &record);
    assert!(!response.to_string().contains("\"pregnancy.weeks\""), "nor sent as an answer");
}

#[path = "common/fhir_check.rs"]
mod fhir_check;
use fhir_check::*;

fn resources(record: &Record) -> (Value, Value) {
    (fhir::questionnaire_response(content(), record), fhir::questionnaire(content()))
}

// --- FHIR ------------------------------------------------------------------------------------

#[test]
fn the_questionnaire_is_structurally_valid_r4() {
    let (_, problems) = validate_questionnaire(&fhir::questionnaire(content()));
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_response_of_the_full_intake_is_structurally_valid_r4() {
    let record = full_record(Status::Completed);
    let (response, questionnaire) = resources(&record);
    let problems = validate_response(&response, &questionnaire);
    assert!(problems.is_empty(), "{problems:#?}");
    assert_eq!(response["id"], RECORD_ID);
    assert_eq!(response["authored"], "2026-11-22T10:30:00Z");
    assert_eq!(response["questionnaire"], format!("{}|2.0.0", fhir::QUESTIONNAIRE_URL));
}

#[test]
fn responses_of_every_status_and_a_sparse_draft_are_valid() {
    let sparse = json!({ "patient.name": "A. Patient", "visit.date": "2026-11-22", "pain.quality": ["sharp"] });
    let records = [
        full_record(Status::InProgress),
        full_record(Status::Completed),
        amended_record(),
        record_from(sparse.as_object().expect("an object"), Status::InProgress),
    ];
    for record in &records {
        let (response, questionnaire) = resources(record);
        let problems = validate_response(&response, &questionnaire);
        assert!(problems.is_empty(), "{:?}: {problems:#?}", record.status);
    }
}

#[test]
fn response_status_follows_the_record_status() {
    for (status, code) in [(Status::InProgress, "in-progress"), (Status::Completed, "completed")] {
        let (response, _) = resources(&full_record(status));
        assert_eq!(response["status"], code);
    }
    let amended = amended_record();
    assert_eq!(amended.status, Status::Amended);
    let (response, _) = resources(&amended);
    assert_eq!(response["status"], "amended");
    assert_eq!(response["authored"], "2026-11-23T09:30:00Z", "authored is the last change");
}

#[test]
fn the_response_carries_typed_answers_and_nothing_else() {
    let (response, _) = resources(&full_record(Status::Completed));
    let keys: HashSet<&str> = response.as_object().expect("an object").keys().map(String::as_str).collect();
    // `extension` lists what the record documents beside its answers (not-asked questions).
    let keys: HashSet<&str> = keys.into_iter().filter(|k| *k != "extension").collect();
    assert_eq!(keys, HashSet::from(["resourceType", "id", "questionnaire", "status", "authored", "item"]));
    for extension in response["extension"].as_array().into_iter().flatten() {
        let url = extension["url"].as_str().unwrap_or_default();
        assert!(url.starts_with("https://physio-intake.example/fhir/StructureDefinition/"), "{url}");
    }
    let find = |link_id: &str| -> Value {
        response["item"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|group| group["item"].as_array().cloned().unwrap_or_default())
            .find(|item| item["linkId"] == link_id)
            .unwrap_or_else(|| panic!("{link_id} is not in the response"))
    };
    assert_eq!(find("visit.consent")["answer"], json!([{ "valueBoolean": true }]));
    assert_eq!(find("pain.now")["answer"], json!([{ "valueInteger": 5 }]));
    assert_eq!(find("patient.dob")["answer"], json!([{ "valueDate": "1958-04-17" }]));
    assert_eq!(find("patient.name")["answer"], json!([{ "valueString": "Margaret Ellis" }]));
    let quality = find("pain.quality")["answer"].as_array().cloned().expect("answers");
    let codes: Vec<&str> = quality.iter().map(|a| a["valueCoding"]["code"].as_str().expect("a code")).collect();
    assert_eq!(codes, ["ache", "stiffness"], "one answer per selected code");
    let wound = &find("screen.open_wound.regions")["answer"][0]["valueCoding"];
    assert_eq!(wound["system"], fhir::REGION_SYSTEM);
    assert_eq!(wound["code"], "lower_leg_r");
    assert_eq!(wound["display"], region_label("lower_leg_r"));
    let condition = &find("complaint.condition")["answer"][0]["valueCoding"];
    assert_eq!(condition["system"], fhir::option_system("complaint.condition"));
    assert_eq!(condition["code"], "low_back_pain");
}

#[test]
fn every_questionnaire_item_is_in_the_fhir_questionnaire() {
    let content = content();
    let (index, _) = validate_questionnaire(&fhir::questionnaire(content));
    for (_, item) in content.questionnaire.items() {
        let info = index.get(&item.id).unwrap_or_else(|| panic!("{} is missing", item.id));
        let section = content.questionnaire.section_of(content.questionnaire.id(&item.id).expect("an id"));
        assert_eq!(info.path, std::slice::from_ref(&section.id), "{} sits in its section's group", item.id);
        assert_eq!(info.item["text"], item.text.as_str());
        let (kind, repeats) = match item.kind {
            ItemType::Bool => ("boolean", false),
            ItemType::Text if item.multiline => ("text", false),
            ItemType::Text => ("string", false),
            ItemType::Int => ("integer", false),
            ItemType::Date => ("date", false),
            ItemType::Choice => ("choice", false),
            ItemType::Multi | ItemType::Regions => ("choice", true),
        };
        assert_eq!(info.kind(), kind, "{}", item.id);
        assert_eq!(info.flag("repeats"), repeats, "{}", item.id);
        assert_eq!(info.flag("required"), item.required, "{}", item.id);
        assert_eq!(info.extension(MIN_VALUE), item.min, "{}", item.id);
        assert_eq!(info.extension(MAX_VALUE), item.max, "{}", item.id);
        let codes: HashSet<String> = info.options().into_iter().map(|(_, code)| code).collect();
        let expected: HashSet<String> = match item.kind {
            ItemType::Regions => content.regions.all().map(|(_, r)| r.code.clone()).collect(),
            _ => item.options.iter().map(|o| o.code.clone()).collect(),
        };
        assert_eq!(codes, expected, "{}", item.id);
        // R4 enableWhen is flat: "all of (a, any of (b, c))" has no form there, so such an item
        // is exported always enabled. Only this one item of the questionnaire has such a condition.
        let inexpressible_in_r4 = ["screen.trauma_recent.cspine_rotation"];
        if !inexpressible_in_r4.contains(&item.id.as_str()) {
            assert_eq!(item.show_when.is_some(), info.item.get("enableWhen").is_some(), "{}", item.id);
        }
    }
    for section in &content.questionnaire.sections {
        assert_eq!(index[&section.id].kind(), "group");
        assert!(index[&section.id].path.is_empty());
    }
}

#[test]
fn show_when_becomes_enable_when() {
    let (index, _) = validate_questionnaire(&fhir::questionnaire(content()));
    let wound = &index["screen.open_wound.regions"].item;
    assert_eq!(
        wound["enableWhen"],
        json!([{ "question": "screen.open_wound", "operator": "=", "answerBoolean": true }])
    );
    assert!(wound.get("enableBehavior").is_none());
    let veins = &index["screen.varicose_veins.regions"].item;
    assert_eq!(veins["enableBehavior"], "any");
    let codes: Vec<&str> = veins["enableWhen"]
        .as_array()
        .expect("conditions")
        .iter()
        .map(|c| {
            assert_eq!(c["question"], "screen.varicose_veins");
            assert_eq!(c["operator"], "=");
            assert_eq!(c["answerCoding"]["system"], fhir::option_system("screen.varicose_veins"));
            c["answerCoding"]["code"].as_str().expect("a code")
        })
        .collect();
    assert_eq!(codes, ["mild", "severe"]);
    let psfs = &index["psfs.1.score"].item;
    assert_eq!(
        psfs["enableWhen"],
        json!([{ "question": "psfs.1.activity", "operator": "exists", "answerBoolean": true }])
    );
}

/// The response item with this link id, inside its section group.
fn item_mut<'a>(response: &'a mut Value, link_id: &str) -> &'a mut Value {
    response["item"]
        .as_array_mut()
        .into_iter()
        .flatten()
        .flat_map(|group| group["item"].as_array_mut().into_iter().flatten())
        .find(|item| item["linkId"] == link_id)
        .unwrap_or_else(|| panic!("{link_id} is not in the response"))
}

#[test]
fn the_validator_catches_broken_responses() {
    let (response, questionnaire) = resources(&full_record(Status::Completed));
    assert!(validate_response(&response, &questionnaire).is_empty());
    let broken = |change: &dyn Fn(&mut Value)| {
        let mut copy = response.clone();
        change(&mut copy);
        validate_response(&copy, &questionnaire)
    };
    let cases: Vec<(&str, Vec<String>)> = vec![
        ("a wrong resource type", broken(&|r| r["resourceType"] = json!("Questionnaire"))),
        ("a wrong status", broken(&|r| r["status"] = json!("in_progress"))),
        ("a wrong canonical", broken(&|r| r["questionnaire"] = json!(fhir::QUESTIONNAIRE_URL))),
        ("a local time", broken(&|r| r["authored"] = json!("2026-11-22 10:30"))),
        ("an unknown link id", broken(&|r| item_mut(r, "patient.name")["linkId"] = json!("patient.nickname"))),
        ("a wrong value type", broken(&|r| item_mut(r, "patient.name")["answer"] = json!([{ "valueBoolean": true }]))),
        ("text for a date", broken(&|r| item_mut(r, "patient.dob")["answer"] = json!([{ "valueString": "1958" }]))),
        (
            "an unknown code",
            broken(&|r| {
                item_mut(r, "patient.sex")["answer"][0]["valueCoding"]["code"] = json!("other");
            }),
        ),
        (
            "a code from another item's system",
            broken(&|r| {
                item_mut(r, "patient.sex")["answer"][0]["valueCoding"]["system"] = json!(fhir::REGION_SYSTEM);
            }),
        ),
        (
            "a question out of its group",
            broken(&|r| {
                let question = item_mut(r, "pain.now").clone();
                r["item"].as_array_mut().expect("groups").push(question);
            }),
        ),
        (
            "two answers to a single-answer item",
            broken(&|r| {
                item_mut(r, "patient.name")["answer"] = json!([{ "valueString": "A" }, { "valueString": "B" }])
            }),
        ),
        (
            "a missing required item",
            broken(&|r| {
                r["item"][0]["item"].as_array_mut().expect("items").retain(|i| i["linkId"] != "visit.consent");
            }),
        ),
        ("an out-of-range integer", broken(&|r| item_mut(r, "pain.now")["answer"] = json!([{ "valueInteger": 11 }]))),
        (
            "an answer to a disabled question",
            // The wound's regions are still answered.
            broken(&|r| item_mut(r, "screen.open_wound")["answer"] = json!([{ "valueBoolean": false }])),
        ),
    ];
    for (case, problems) in cases {
        assert!(!problems.is_empty(), "the validator missed {case}");
    }
}
