//! Every rule of RULEBOOK.md is in the rulebook with its kind, tiers and pressure mark, and every
//! rule's examples behave as they say (loading runs them; a failure lists each one).

use physio_intake::content::{Content, Sources};
use physio_intake::rules::{Kind, Referral, Tier};

fn content() -> Content {
    match Content::load(&Sources::embedded()) {
        Ok(content) => content,
        Err(error) => panic!("{error}"),
    }
}

#[test]
fn every_example_of_every_rule_behaves_as_it_says() {
    let content = content();
    let problems = content.check_examples();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let examples: usize =
        content.rulebook.rules().iter().map(|r| r.examples.fires.len() + r.examples.near_misses.len()).sum();
    eprintln!("{} rules, {examples} examples checked", content.rulebook.rules().len());
}

#[test]
fn every_rule_has_an_example_that_fires_and_a_near_miss() {
    for rule in content().rulebook.rules() {
        assert!(!rule.examples.fires.is_empty(), "{} has no example that fires", rule.id);
        assert!(!rule.examples.near_misses.is_empty(), "{} has no near miss", rule.id);
        assert!(!rule.sources.is_empty(), "{} has no source", rule.id);
    }
}

use Kind::{Contraindication as CI, RedFlag as RF, YellowFlag as YF};
use Referral::{Emergency, Routine, Urgent};
use Tier::{Avoid, Modify, Stop};

/// RULEBOOK.md, transcribed: id, kind, massage tier, referral.
const RULEBOOK: &[(&str, Kind, Option<Tier>, Option<Referral>)] = &[
    ("fever_acute_illness", CI, Some(Stop), None),
    ("contagious_skin", CI, Some(Avoid), None),
    ("skin_infection", CI, Some(Avoid), Some(Routine)),
    ("open_wound", CI, Some(Avoid), None),
    ("fracture", CI, Some(Avoid), None),
    ("acute_soft_tissue_injury", CI, Some(Avoid), None),
    ("haematoma", CI, Some(Avoid), None),
    ("trauma_unassessed", CI, Some(Stop), Some(Urgent)),
    ("dvt_current", CI, Some(Stop), Some(Routine)),
    ("dvt_suspected", CI, Some(Stop), Some(Urgent)),
    ("bleeding_disorder", CI, Some(Stop), Some(Routine)),
    ("low_platelets", CI, Some(Modify), Some(Routine)),
    ("tumour_site", CI, Some(Avoid), None),
    ("lump_undiagnosed", CI, Some(Avoid), Some(Routine)),
    ("cancer_treatment", CI, Some(Modify), Some(Routine)),
    ("radiotherapy_field", CI, Some(Avoid), None),
    ("bone_metastases", CI, Some(Avoid), None),
    ("lymphoedema", CI, Some(Avoid), None),
    ("varicose_severe", CI, Some(Avoid), None),
    ("varicose_mild", CI, Some(Modify), None),
    ("surgery_recent", CI, Some(Avoid), None),
    ("implanted_device", CI, Some(Avoid), None),
    ("insulin_sites", CI, Some(Avoid), None),
    ("bp_severe", CI, Some(Stop), Some(Urgent)),
    ("bp_elevated", CI, Some(Modify), Some(Routine)),
    ("hypertension_unmeasured", CI, Some(Modify), None),
    ("cardiac_recent", CI, Some(Stop), Some(Routine)),
    ("heart_condition", CI, Some(Modify), Some(Routine)),
    ("stroke_tia", CI, Some(Modify), Some(Routine)),
    ("aneurysm", CI, Some(Stop), Some(Routine)),
    ("oedema_heart_kidney", CI, Some(Modify), Some(Routine)),
    ("oedema_unexplained", CI, Some(Stop), Some(Routine)),
    ("kidney_disease", CI, Some(Modify), Some(Routine)),
    ("osteoporosis", CI, Some(Modify), None),
    ("diabetes", CI, Some(Modify), None),
    ("neuropathy", CI, Some(Modify), None),
    ("inflammatory_flare", CI, Some(Avoid), None),
    ("autoimmune", CI, Some(Modify), Some(Routine)),
    ("pregnancy", CI, Some(Modify), None),
    ("pregnancy_first_trimester", CI, Some(Avoid), None),
    ("pregnancy_high_risk", CI, Some(Modify), Some(Routine)),
    ("pregnancy_warning_signs", CI, Some(Stop), Some(Emergency)),
    ("miscarriage_recent", CI, Some(Avoid), None),
    ("altered_state", CI, Some(Stop), None),
    ("lotion_allergy", CI, Some(Modify), None),
    ("trauma_informed_care", CI, Some(Modify), None),
    ("anticoagulant", CI, Some(Modify), None),
    ("long_term_steroids", CI, Some(Modify), None),
    ("analgesic_today", CI, Some(Modify), None),
    ("antihypertensive", CI, Some(Modify), None),
    ("cancer_history", CI, Some(Modify), None),
    ("firm_pressure_conflict", CI, Some(Modify), None),
    ("lymphangitis", CI, Some(Stop), Some(Urgent)),
    ("whiplash_low_risk", CI, Some(Modify), None),
    ("bleeding_disorder_cleared", CI, Some(Modify), None),
    ("cardiac_recent_cleared", CI, Some(Modify), None),
    ("aneurysm_cleared", CI, Some(Avoid), None),
    ("cauda_equina", RF, Some(Stop), Some(Emergency)),
    ("malignancy_suspicion", RF, Some(Stop), Some(Urgent)),
    ("spinal_infection_suspicion", RF, Some(Stop), Some(Emergency)),
    ("mscc_suspicion", RF, Some(Stop), Some(Emergency)),
    ("spinal_pain_with_fever", RF, Some(Stop), Some(Urgent)),
    ("meningitis_suspicion", RF, Some(Stop), Some(Emergency)),
    ("gca_suspicion", RF, Some(Stop), Some(Urgent)),
    ("septic_arthritis_suspicion", RF, Some(Stop), Some(Urgent)),
    ("septic_arthritis_with_fever", RF, Some(Stop), Some(Emergency)),
    ("unstable_angina_12h", RF, Some(Stop), Some(Emergency)),
    ("unstable_angina", RF, Some(Stop), Some(Urgent)),
    ("bp_crisis_symptoms", RF, Some(Stop), Some(Emergency)),
    ("cspine_imaging_indicated", RF, Some(Stop), Some(Urgent)),
    ("ottawa_xray_indicated", RF, Some(Avoid), Some(Urgent)),
    ("dizziness_neck_screened", RF, Some(Modify), None),
    ("unremitting_pain", RF, Some(Modify), Some(Routine)),
    ("fracture_suspicion", RF, Some(Stop), Some(Urgent)),
    ("cervical_arterial_emergency", RF, Some(Stop), Some(Emergency)),
    ("cervical_arterial_concern", RF, Some(Stop), Some(Urgent)),
    ("cervical_myelopathy", RF, Some(Stop), Some(Urgent)),
    ("foot_drop", RF, Some(Stop), Some(Urgent)),
    ("aaa_suspicion", RF, Some(Stop), Some(Emergency)),
    ("chest_symptoms", RF, Some(Stop), Some(Emergency)),
    ("unexplained_weight_loss", RF, None, Some(Routine)),
    ("psychosocial_risk", YF, None, None),
];

/// RULEBOOK.md, "Pressure-restricting flags".
const PRESSURE_RESTRICTING: &[&str] = &[
    "anticoagulant",
    "low_platelets",
    "bleeding_disorder",
    "osteoporosis",
    "long_term_steroids",
    "analgesic_today",
    "neuropathy",
    "cancer_treatment",
    "bone_metastases",
    "lymphoedema",
    "pregnancy",
    "autoimmune",
    "heart_condition",
    "oedema_heart_kidney",
    "kidney_disease",
    "bp_elevated",
    "stroke_tia",
    "firm_pressure_conflict",
    "bleeding_disorder_cleared",
    "cardiac_recent_cleared",
    "aneurysm_cleared",
    "unremitting_pain",
];

/// RULEBOOK.md, "Flag aftercare" (v2): the rules that carry a patient-facing aftercare line.
const WITH_AFTERCARE: &[&str] = &[
    "anticoagulant",
    "low_platelets",
    "bleeding_disorder_cleared",
    "long_term_steroids",
    "antihypertensive",
    "diabetes",
    "insulin_sites",
    "neuropathy",
    "lymphoedema",
    "surgery_recent",
    "haematoma",
    "acute_soft_tissue_injury",
    "pregnancy",
    "heart_condition",
    "cardiac_recent_cleared",
    "bp_elevated",
    "cancer_treatment",
    "bone_metastases",
    "cancer_history",
    "whiplash_low_risk",
    "dizziness_neck_screened",
    "osteoporosis",
];

#[test]
fn exactly_the_rules_of_rulebook_md_carry_an_aftercare_line() {
    let content = content();
    for rule in content.rulebook.rules() {
        assert_eq!(
            rule.aftercare.is_some(),
            WITH_AFTERCARE.contains(&rule.id.as_str()),
            "{}: aftercare {:?}",
            rule.id,
            rule.aftercare
        );
    }
}

/// The spec itself, where it is beside the checkout (as CI and every developer have it): every
/// `| id | massage | referral |` row of RULEBOOK.md must match the transcription above, so that
/// the transcription cannot drift from the document it copies.
#[test]
fn the_transcription_matches_rulebook_md_itself() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/clinical/RULEBOOK.md");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("{} not found: only the transcription is checked", path.display());
        return;
    };
    let mut in_rule_table = false;
    let mut seen = Vec::new();
    for line in text.lines() {
        if !line.starts_with('|') {
            in_rule_table = false;
            continue;
        }
        let cells: Vec<&str> = line.trim_matches('|').split('|').map(str::trim).collect();
        if cells.len() >= 3 && cells[0] == "id" && cells[1] == "massage" && cells[2] == "referral" {
            in_rule_table = true;
            continue;
        }
        if !in_rule_table || cells[0].starts_with("---") {
            continue;
        }
        let id = cells[0].split_whitespace().next().unwrap_or_default();
        let tier = match cells[1] {
            "stop" => Some(Stop),
            "avoid" => Some(Avoid),
            "modify" => Some(Modify),
            _ => None,
        };
        let referral = match cells[2] {
            "emergency" => Some(Emergency),
            "urgent" => Some(Urgent),
            "routine" => Some(Routine),
            _ => None,
        };
        let Some((_, _, want_tier, want_referral)) = RULEBOOK.iter().find(|(known, ..)| *known == id) else {
            panic!("RULEBOOK.md names {id}, which the transcription lacks");
        };
        assert_eq!((tier, referral), (*want_tier, *want_referral), "{id}: RULEBOOK.md and the transcription differ");
        seen.push(id.to_owned());
    }
    assert_eq!(
        seen.len(),
        RULEBOOK.len(),
        "RULEBOOK.md has {} rule rows, the transcription {}",
        seen.len(),
        RULEBOOK.len()
    );
}

#[test]
fn the_rulebook_holds_exactly_the_rules_of_rulebook_md() {
    let content = content();
    let mut missing = Vec::new();
    let mut wrong = Vec::new();
    for (id, kind, massage, referral) in RULEBOOK {
        match content.rulebook.index_of(id).map(|i| content.rulebook.rule(i)) {
            None => missing.push(*id),
            Some(rule) => {
                if (rule.kind, rule.massage, rule.referral) != (*kind, *massage, *referral) {
                    wrong.push(format!("{id}: {:?} {:?} {:?}", rule.kind, rule.massage, rule.referral));
                }
                if rule.restricts_pressure != PRESSURE_RESTRICTING.contains(id) {
                    wrong.push(format!("{id}: restricts_pressure is {}", rule.restricts_pressure));
                }
            }
        }
    }
    let extra: Vec<&str> = content
        .rulebook
        .rules()
        .iter()
        .map(|r| r.id.as_str())
        .filter(|id| !RULEBOOK.iter().any(|(known, ..)| known == id))
        .collect();
    assert!(missing.is_empty(), "rules missing: {missing:?}");
    assert!(wrong.is_empty(), "rules differing from RULEBOOK.md: {wrong:#?}");
    assert!(extra.is_empty(), "rules not in RULEBOOK.md (add them there first): {extra:?}");
}

/// The flag detail and a student's feedback say what a rule checks with every shared definition
/// spelled out: no definition is left as a bare name (`crisis_bp`) a reader cannot look up.
#[test]
fn every_rule_trigger_in_full_spells_out_each_shared_definition() {
    let content = content();
    let rulebook: serde_json::Value =
        serde_json::from_str(include_str!("../assets/rules/rulebook.json")).expect("rulebook.json is JSON");
    let names: Vec<&str> =
        rulebook["definitions"].as_object().expect("definitions").keys().map(String::as_str).collect();
    assert!(!names.is_empty());
    let mut spelled = 0;
    for rule in content.rulebook.rules() {
        for name in &names {
            // Where it is spelled out, a definition reads "its name [what it checks]".
            let unspelled = rule.trigger_in_full.replace(&format!("{} [", name.replace('_', " ")), "[");
            let bare =
                unspelled.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')).any(|t| t == *name);
            assert!(!bare, "{}: {name} is not spelled out in {:?}", rule.id, rule.trigger_in_full);
            if rule.trigger.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.')).any(|t| t == *name) {
                let words = format!("{} [", name.replace('_', " "));
                assert!(rule.trigger_in_full.contains(&words), "{}: {words}", rule.id);
                spelled += 1;
            }
        }
    }
    assert!(spelled > 10, "definitions are used by many rules ({spelled})");
}

#[test]
fn a_definition_is_spelled_out_where_it_is_used_nested_ones_too() {
    use physio_intake::rules::language::RawCondition;
    let raw = |v: serde_json::Value| serde_json::from_value::<RawCondition>(v).expect("a condition");
    let definitions = std::collections::HashMap::from([
        (
            "high_bp".to_owned(),
            raw(serde_json::json!({"compare": {"item": "vitals.bp_systolic", "op": ">=", "value": 180}})),
        ),
        ("bp_and_pain".to_owned(), raw(serde_json::json!({"all": [{"def": "high_bp"}, {"is_true": "pain.any"}]}))),
    ]);
    let when = raw(serde_json::json!({"any": [{"def": "bp_and_pain"}, {"not": {"def": "unknown_name"}}]}));
    assert_eq!(when.describe(), "bp_and_pain or not unknown_name");
    assert_eq!(
        when.describe_in_full(&definitions),
        "bp and pain [high bp [vitals.bp_systolic ≥ 180] and pain.any is yes] or not unknown_name"
    );
}
