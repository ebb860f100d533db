//! The content is checked at load: a rule naming an unknown item, option, region or rule, a
//! malformed condition, or an example that does not behave as it says, is an error that names
//! the file and the rule, never a rule that silently never fires.

use physio_intake::content::{Content, Sources};
use physio_intake::rules::RuleSource;
use serde_json::{Value, json};

/// A minimal valid rule; tests break one part of it.
fn rule() -> Value {
    json!({
        "id": "test_rule", "kind": "contraindication", "massage": "avoid", "referral": null,
        "restricts_pressure": false, "title": "Test", "action": "Do the test thing.",
        "sources": ["Test source"],
        "when": {"is_true": "screen.open_wound"},
        "regions": {"from": "screen.open_wound.regions"},
        "examples": {
            "fires": [{"note": "wound", "answers": {"screen.open_wound": true}}],
            "near_misses": [{"note": "no wound", "answers": {"screen.open_wound": false}}]
        }
    })
}

/// Load the embedded content with one extra rule file holding `extra`.
fn load_with(extra: Value) -> Result<Content, Vec<String>> {
    let text = json!({"rules": [extra]}).to_string();
    let mut sources = Sources::embedded();
    sources.rule_files.push(RuleSource { name: "extra.json", text: &text });
    Content::load(&sources).map_err(|e| e.problems)
}

fn problems_with(extra: Value) -> String {
    match load_with(extra) {
        Ok(_) => panic!("the broken rule loaded"),
        Err(problems) => problems.join("\n"),
    }
}

#[test]
fn a_valid_extra_rule_loads() {
    let content = load_with(rule()).unwrap_or_else(|p| panic!("{p:?}"));
    assert!(content.rulebook.index_of("test_rule").is_some());
}

#[test]
fn unknown_item_is_a_load_error() {
    let mut r = rule();
    r["when"] = json!({"is_true": "screen.open_wuond"});
    let message = problems_with(r);
    assert!(
        message.contains("extra.json")
            && message.contains("test_rule")
            && message.contains("unknown item screen.open_wuond"),
        "{message}"
    );
}

#[test]
fn unknown_option_is_a_load_error() {
    let mut r = rule();
    r["when"] = json!({"equals": {"item": "screen.varicose_veins", "value": "extreme"}});
    let message = problems_with(r);
    assert!(message.contains("has no option extreme"), "{message}");
}

#[test]
fn unknown_region_is_a_load_error() {
    let mut r = rule();
    r["regions"] = json!({"fixed": ["necc"]});
    assert!(problems_with(r).contains("unknown region necc"));
    let mut r = rule();
    r["when"] = json!({"holds_any": {"item": "complaint.regions", "values": ["lumbar"]}});
    assert!(problems_with(r).contains("unknown region lumbar"));
}

#[test]
fn unknown_rule_and_unknown_definition_are_load_errors() {
    let mut r = rule();
    r["when"] = json!({"fired": "no_such_rule"});
    assert!(problems_with(r).contains("unknown rule no_such_rule"));
    let mut r = rule();
    r["when"] = json!({"def": "no_such_definition"});
    assert!(problems_with(r).contains("unknown definition no_such_definition"));
}

#[test]
fn a_condition_testing_the_wrong_type_is_a_load_error() {
    let mut r = rule();
    r["when"] = json!({"is_true": "pain.now"});
    assert!(problems_with(r).contains("cannot test"));
    let mut r = rule();
    r["when"] = json!({"compare": {"item": "screen.fever", "op": ">", "value": 1}});
    assert!(problems_with(r).contains("cannot test"));
}

#[test]
fn misspelt_fields_and_operators_are_load_errors() {
    let mut r = rule();
    r["regoins"] = json!({"fixed": ["neck"]});
    assert!(problems_with(r).contains("regoins"));
    let mut r = rule();
    r["when"] = json!({"compare": {"item": "pain.now", "op": "=>", "value": 3}});
    assert!(problems_with(r).contains("extra.json"));
}

#[test]
fn a_rule_without_sources_or_examples_is_a_load_error() {
    let mut r = rule();
    r["sources"] = json!([]);
    assert!(problems_with(r).contains("at least one source"));
    let mut r = rule();
    r["examples"]["near_misses"] = json!([]);
    assert!(problems_with(r).contains("near miss"));
}

#[test]
fn an_example_that_does_not_fire_is_a_load_error() {
    let mut r = rule();
    r["examples"]["fires"] = json!([{"note": "forgot the wound", "answers": {"screen.fever": true}}]);
    let message = problems_with(r);
    assert!(
        message.contains("test_rule")
            && message.contains("forgot the wound")
            && message.contains("should fire but does not"),
        "{message}"
    );
}

#[test]
fn a_near_miss_that_fires_is_a_load_error() {
    let mut r = rule();
    r["examples"]["near_misses"] = json!([{"note": "actually a wound", "answers": {"screen.open_wound": true}}]);
    assert!(problems_with(r).contains("is a near miss but fires"));
}

#[test]
fn an_example_with_wrong_regions_or_because_is_a_load_error() {
    let mut r = rule();
    r["examples"]["fires"] = json!([{"note": "shin", "regions": ["foot_r"],
        "answers": {"screen.open_wound": true, "screen.open_wound.regions": ["lower_leg_r"]}}]);
    assert!(problems_with(r).contains("regions are [\"lower_leg_r\"]"));
    let mut r = rule();
    r["examples"]["fires"] = json!([{"note": "shin", "because": ["screen.open_wound"],
        "answers": {"screen.open_wound": true, "screen.open_wound.regions": ["lower_leg_r"]}}]);
    assert!(problems_with(r).contains("because is"));
}

#[test]
fn an_example_with_invalid_answers_is_a_load_error() {
    let mut r = rule();
    r["examples"]["fires"] = json!([{"note": "typo", "answers": {"screen.open_wuond": true}}]);
    assert!(problems_with(r).contains("invalid answers"));
}

#[test]
fn a_duplicate_rule_id_is_a_load_error() {
    let mut r = rule();
    r["id"] = json!("open_wound");
    assert!(problems_with(r).contains("open_wound is defined twice"));
}

#[test]
fn a_rule_depending_on_itself_is_a_load_error() {
    let mut r = rule();
    r["when"] = json!({"all": [{"is_true": "screen.open_wound"}, {"not": {"fired": "test_rule"}}]});
    assert!(problems_with(r).contains("depends on itself"));
}

#[test]
fn rules_are_evaluated_after_the_rules_they_name_whatever_the_file_order() {
    // This rule names a red flag that is in a file loaded after it; it must still see it.
    let mut r = rule();
    r["id"] = json!("zz_after_chest");
    r["when"] = json!({"fired": "chest_symptoms"});
    r["regions"] = Value::Null;
    r["examples"] = json!({
        "fires": [{"note": "chest pain", "answers": {"redflag.chest_symptoms": true}}],
        "near_misses": [{"note": "none", "answers": {"redflag.chest_symptoms": false}}]
    });
    let mut sources = Sources::embedded();
    let text = json!({"rules": [r]}).to_string();
    sources.rule_files.insert(0, RuleSource { name: "aaa_first.json", text: &text });
    assert!(Content::load(&sources).is_ok());
}

#[test]
fn a_broken_questionnaire_show_when_is_a_load_error() {
    let mut questionnaire: Value = serde_json::from_str(Sources::embedded().questionnaire).unwrap();
    questionnaire["sections"][0]["items"][0]["show_when"] = json!({"is_true": "no.such.item"});
    let text = questionnaire.to_string();
    let mut sources = Sources::embedded();
    sources.questionnaire = &text;
    let error = Content::load(&sources).err().expect("must not load");
    assert!(error.to_string().contains("show_when") && error.to_string().contains("no.such.item"), "{error}");
}

/// The questionnaire with one change made by `change`, loaded: its problems.
fn questionnaire_problems(change: impl FnOnce(&mut Value)) -> String {
    let mut questionnaire: Value = serde_json::from_str(Sources::embedded().questionnaire).unwrap();
    change(&mut questionnaire);
    let text = questionnaire.to_string();
    let mut sources = Sources::embedded();
    sources.questionnaire = &text;
    match Content::load(&sources) {
        Ok(_) => panic!("the changed questionnaire loaded"),
        Err(error) => error.problems.join("\n"),
    }
}

/// The item with this id, wherever it sits.
fn item_mut<'a>(questionnaire: &'a mut Value, id: &str) -> &'a mut Value {
    questionnaire["sections"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .flat_map(|s| s["items"].as_array_mut().unwrap().iter_mut())
        .find(|item| item["id"] == id)
        .unwrap_or_else(|| panic!("no item {id}"))
}

/// An item the program names (src/known.rs), renamed in the questionnaire, fails the load and is
/// named: the clinician's decision is never silently no longer read.
#[test]
fn renaming_an_item_the_program_names_is_a_load_error_naming_it() {
    let message = questionnaire_problems(|q| item_mut(q, "decision.outcome")["id"] = json!("decision.result"));
    assert!(
        message.contains("questionnaire.json")
            && message.contains("the item decision.outcome is missing")
            && message.contains("src/known.rs"),
        "{message}"
    );
}

#[test]
fn retyping_a_known_item_renaming_its_option_or_a_known_section_is_a_load_error() {
    let message = questionnaire_problems(|q| item_mut(q, "visit.clinician")["type"] = json!("bool"));
    assert!(message.contains("the item visit.clinician has type Bool; the program reads it as Text"), "{message}");
    let message = questionnaire_problems(|q| {
        let options = item_mut(q, "decision.outcome")["options"].as_array_mut().unwrap();
        let refer = options.iter_mut().find(|o| o["code"] == "refer").unwrap();
        refer["code"] = json!("referral");
    });
    assert!(message.contains("the item decision.outcome has no option refer"), "{message}");
    let message = questionnaire_problems(|q| {
        let section = q["sections"].as_array_mut().unwrap().iter_mut().find(|s| s["id"] == "red_flags").unwrap();
        section["id"] = json!("redflags");
    });
    assert!(message.contains("the section red_flags is missing"), "{message}");
}

/// What a follow-up asks again is data (assets/follow_up.json), checked like the rest.
#[test]
fn the_follow_up_policy_names_only_sections_and_items_that_exist() {
    let mut policy: Value = serde_json::from_str(Sources::embedded().follow_up).unwrap();
    policy["ask_again"]["sections"].as_array_mut().unwrap().push(json!("safety_screen"));
    policy["ask_again"]["items"].as_array_mut().unwrap().push(json!("pain.today"));
    let text = policy.to_string();
    let mut sources = Sources::embedded();
    sources.follow_up = &text;
    let message = Content::load(&sources).err().expect("must not load").problems.join("\n");
    assert!(
        message.contains("follow_up.json: ask_again: unknown section safety_screen")
            && message.contains("follow_up.json: ask_again: unknown item pain.today"),
        "{message}"
    );
    let content = Content::embedded().unwrap();
    let q = &content.questionnaire;
    let asks = |id: &str| content.follow_up.asks_again(q, q.id(id).unwrap());
    assert!(asks("screen.fever") && asks("redflag.weight_loss") && asks("pain.now") && asks("visit.consent"));
    assert!(!asks("complaint.condition") && !asks("psfs.1.activity") && !asks("patient.name"));
}
