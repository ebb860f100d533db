//! Answers validation: every value type's errors name the item and the problem in plain words,
//! and never repeat the value (values are patient data).

use chrono::NaiveDate;
use physio_intake::content::Content;
use physio_intake::domain::{AnswerError, Answers, ItemType};
use serde_json::{Value, json};

fn content() -> &'static Content {
    Content::embedded().unwrap_or_else(|e| panic!("{e}"))
}

fn visit() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn parse(answers: Value) -> Result<Answers, Vec<AnswerError>> {
    let Value::Object(map) = answers else { panic!("test answers must be an object") };
    content().parse_answers(&map, visit())
}

/// The single error for these answers, checked not to contain `secret`.
fn only_error(answers: Value, secret: &str) -> String {
    let errors = parse(answers).expect_err("these answers must be refused");
    assert_eq!(errors.len(), 1, "{errors:?}");
    let message = errors[0].to_string();
    assert!(!message.contains(secret), "the message repeats the value: {message}");
    message
}

#[test]
fn a_valid_answer_of_every_type_is_accepted() {
    let answers = parse(json!({
        "patient.name": "Ana Ruiz", "patient.dob": "1961-03-04", "patient.sex": "female",
        "visit.date": "2026-11-22", "screen.open_wound": true,
        "screen.open_wound.regions": ["lower_leg_r", "lower_leg_r", "foot_r"],
        "pain.now": 6, "pain.quality": ["sharp", "ache", "sharp"], "complaint.condition": "low_back_pain",
    }))
    .expect("valid answers");
    let back = answers.to_json(&content().questionnaire, &content().regions);
    assert_eq!(back["screen.open_wound.regions"], json!(["lower_leg_r", "foot_r"]), "regions kept once each");
    assert_eq!(back["pain.quality"], json!(["ache", "sharp"]), "options kept once each, in questionnaire order");
    assert_eq!(back["pain.now"], json!(6));
}

#[test]
fn a_missing_visit_date_means_the_date_given_by_the_caller() {
    let answers = parse(json!({"pain.now": 2})).unwrap();
    assert_eq!(answers.visit_date(), visit());
    let back = answers.to_json(&content().questionnaire, &content().regions);
    assert_eq!(back["visit.date"], json!("2026-11-22"), "the visit date is recorded explicitly");
}

#[test]
fn unknown_item_ids_are_errors_that_name_the_id() {
    let message = only_error(json!({"screen.opne_wound": true}), "\u{0}");
    assert!(message.contains("screen.opne_wound") && message.contains("not an item"), "{message}");
}

#[test]
fn bool_items_refuse_anything_but_true_or_false() {
    let message = only_error(json!({"screen.fever": "CANARY-Jane-Doe"}), "CANARY");
    assert!(message.contains("screen.fever") && message.contains("true or false"), "{message}");
    only_error(json!({"screen.fever": 1}), "1,");
}

#[test]
fn text_items_refuse_non_text_and_enormous_text() {
    let message = only_error(json!({"patient.name": 4242}), "4242");
    assert!(message.contains("patient.name") && message.contains("expected text"), "{message}");
    let huge = "CANARY".repeat(5_000);
    let message = only_error(json!({"history.conditions": huge}), "CANARY");
    assert!(message.contains("longer than"), "{message}");
}

#[test]
fn numbers_out_of_range_are_refused_never_clamped() {
    let message = only_error(json!({"pain.now": 77}), "77");
    assert!(message.contains("pain.now") && message.contains("0 to 10"), "{message}");
    let message = only_error(json!({"vitals.bp_systolic": 59}), "59");
    assert!(message.contains("60 to 300"), "{message}");
    let message = only_error(json!({"pain.now": 6.5}), "6.5");
    assert!(message.contains("whole number"), "{message}");
    let message = only_error(json!({"pain.now": "six"}), "six");
    assert!(message.contains("whole number"), "{message}");
}

#[test]
fn bad_dates_are_refused_with_the_reason() {
    let message = only_error(json!({"patient.dob": "1961-02-30"}), "1961");
    assert!(message.contains("patient.dob") && message.contains("not a valid date"), "{message}");
    let message = only_error(json!({"patient.dob": "04/03/1961"}), "1961");
    assert!(message.contains("YYYY-MM-DD"), "{message}");
    let message = only_error(json!({"patient.dob": "1861-03-04"}), "1861");
    assert!(message.contains("before 1900"), "{message}");
}

#[test]
fn history_dates_after_the_visit_are_refused() {
    let message =
        only_error(json!({"visit.date": "2026-11-22", "screen.acute_injury.date": "2026-11-23"}), "2026-11-23");
    assert!(message.contains("screen.acute_injury.date") && message.contains("after the visit"), "{message}");
    let message = only_error(json!({"visit.date": "2026-11-22", "patient.dob": "2030-01-01"}), "2030");
    assert!(message.contains("patient.dob"), "{message}");
    assert!(
        parse(json!({"visit.date": "2026-11-22", "screen.acute_injury.date": "2026-11-22"})).is_ok(),
        "the visit day itself is fine"
    );
}

#[test]
fn choice_items_refuse_unknown_codes_and_list_the_valid_ones() {
    let message = only_error(json!({"patient.sex": "CANARY"}), "CANARY");
    assert!(message.contains("patient.sex") && message.contains("female, male, intersex, undisclosed"), "{message}");
    let message = only_error(json!({"patient.sex": ["female"]}), "\u{0}");
    assert!(message.contains("one option code"), "{message}");
}

#[test]
fn multi_items_refuse_unknown_codes() {
    let message = only_error(json!({"redflag.cad_symptoms": ["dizziness", "CANARY"]}), "CANARY");
    assert!(message.contains("redflag.cad_symptoms") && message.contains("not one of the options"), "{message}");
    let message = only_error(json!({"redflag.cad_symptoms": "dizziness"}), "dizziness\"");
    assert!(message.contains("list of option codes"), "{message}");
}

#[test]
fn regions_items_refuse_unknown_region_codes() {
    let message = only_error(json!({"screen.open_wound.regions": ["lower_leg_x", "CANARY"]}), "CANARY");
    assert!(message.contains("screen.open_wound.regions") && message.contains("body region"), "{message}");
    assert!(!message.contains("lower_leg_x"), "{message}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let errors = parse(json!({"pain.now": 11, "patient.sex": "x", "nonsense": 1})).unwrap_err();
    assert_eq!(errors.len(), 3, "{errors:?}");
}

#[test]
fn null_counts_as_unanswered() {
    let answers = parse(json!({"screen.fever": null, "pain.now": null})).unwrap();
    assert_eq!(answers.given().count(), 1, "only the visit date");
}

#[test]
fn empty_text_and_empty_lists_are_no_answer() {
    let answers = parse(json!({"function.limitations": "   ", "screen.open_wound.regions": []})).unwrap();
    let limitations = content().questionnaire.id("function.limitations").unwrap();
    assert!(answers.get(limitations).is_none());
}

// --- `none` is exclusive in multi items (CHANGES-v2 item 3) ----------------------------------------

/// A questionnaire of one multi item with a `none` option and one without, for the check itself
/// (independent of which screening items the clinical content gives a `none`).
fn none_questionnaire() -> (physio_intake::domain::Questionnaire, physio_intake::domain::Regions) {
    let questionnaire = physio_intake::domain::Questionnaire::from_json(
        r#"{"id": "t", "version": "1", "title": "t", "sections": [{"id": "s", "title": "s", "items": [
            {"id": "screen.signs", "type": "multi", "text": "Signs?", "label": "Signs",
             "options": [{"code": "alpha", "label": "Alpha"}, {"code": "beta", "label": "Beta"},
                         {"code": "none", "label": "None of these"}]},
            {"id": "pain.kind", "type": "multi", "text": "Kind?", "label": "Kind",
             "options": [{"code": "alpha", "label": "Alpha"}, {"code": "beta", "label": "Beta"}]}
        ]}]}"#,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let regions = content().regions.clone();
    (questionnaire, regions)
}

fn parse_with(
    questionnaire: &physio_intake::domain::Questionnaire,
    regions: &physio_intake::domain::Regions,
    answers: Value,
) -> Result<Answers, Vec<AnswerError>> {
    let Value::Object(map) = answers else { panic!("test answers must be an object") };
    physio_intake::domain::answers::parse_answers(&map, questionnaire, regions, visit())
}

#[test]
fn none_with_another_option_is_an_error_naming_the_item_not_the_values() {
    let (questionnaire, regions) = none_questionnaire();
    for value in [json!(["none", "alpha"]), json!(["beta", "none"]), json!(["alpha", "none", "beta", "none"])] {
        let errors = parse_with(&questionnaire, &regions, json!({"screen.signs": value})).expect_err("refused");
        assert_eq!(errors.len(), 1, "{errors:?}");
        let message = errors[0].to_string();
        assert!(message.contains("screen.signs") && message.contains("none"), "{message}");
        assert!(!message.contains("alpha") && !message.contains("beta"), "the message repeats the value: {message}");
    }
}

#[test]
fn none_alone_or_options_without_none_are_accepted() {
    let (questionnaire, regions) = none_questionnaire();
    for value in [json!(["none"]), json!(["none", "none"]), json!(["alpha", "beta"]), json!([])] {
        assert!(parse_with(&questionnaire, &regions, json!({"screen.signs": value.clone()})).is_ok(), "{value}");
    }
    // An item without a `none` option has nothing to be exclusive with.
    assert!(parse_with(&questionnaire, &regions, json!({"pain.kind": ["alpha", "beta"]})).is_ok());
}

#[test]
fn the_none_error_is_reported_with_the_others() {
    let (questionnaire, regions) = none_questionnaire();
    let errors = parse_with(&questionnaire, &regions, json!({"screen.signs": ["none", "alpha"], "nonsense": 1}))
        .expect_err("refused");
    assert_eq!(errors.len(), 2, "{errors:?}");
}

/// Every multi item of the clinical content that has a `none` option refuses it with another code,
/// and accepts it alone.
#[test]
fn every_content_multi_with_none_is_exclusive() {
    let content = content();
    let multis = content.questionnaire.items().filter(|(_, i)| i.kind == ItemType::Multi);
    for (_, item) in multis.filter(|(_, i)| i.option_index("none").is_some()) {
        let other = item.options.iter().find(|o| o.code != "none").map(|o| o.code.clone());
        let Some(other) = other else { continue };
        let message = only_error(json!({ item.id.clone(): ["none", other.clone()] }), &other);
        assert!(message.contains(&item.id), "{message}");
        assert!(parse(json!({ item.id.clone(): ["none"] })).is_ok(), "{}", item.id);
    }
}

/// The terminal app's form applies the same check: the field is marked, the item is left out of
/// the answers and saving waits, so no record is saved that could not be read back.
#[test]
fn the_form_marks_none_with_another_code_and_keeps_it_out_of_the_answers() {
    use physio_intake::domain::Problem;
    use physio_intake::tui::form::Form;
    let content = content();
    let item = content.questionnaire.id("redflag.cad_symptoms").expect("the neurovascular signs item");
    let mut answers = serde_json::Map::new();
    answers.insert("redflag.cad_symptoms".into(), json!(["none", "dizziness"]));
    let form = Form::from_answers(content, &answers, visit());
    assert_eq!(form.problems[item.index()], Some(Problem::NoneWithOthers));
    assert!(form.answers.get(item).is_none());
    assert_eq!(form.problem_count(), 1);
    answers.insert("redflag.cad_symptoms".into(), json!(["none"]));
    let form = Form::from_answers(content, &answers, visit());
    assert_eq!(form.problem_count(), 0);
    assert!(form.answers.get(item).is_some());
}
