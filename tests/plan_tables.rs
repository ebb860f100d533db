//! Every row of PLAN.md's tables, each tested: route, physiotherapy indications, massage type,
//! session order, same or separate days, frequency and aftercare.

use chrono::NaiveDate;
use physio_intake::content::Content;
use physio_intake::plan::{MassageType, Plan, Route, SessionOrder};
use physio_intake::report::Report;
use serde_json::{Value, json};

const VISIT: &str = "2026-11-22";

fn report(answers: Value) -> Report {
    let content = Content::embedded().unwrap_or_else(|e| panic!("{e}"));
    let Value::Object(mut map) = answers else { panic!("answers must be an object") };
    map.entry("visit.date").or_insert(json!(VISIT));
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    let answers = content.parse_answers(&map, today).unwrap_or_else(|e| panic!("invalid test answers: {e:?}"));
    Report::new(content, &content.evaluate(&answers))
}

fn plan(answers: Value) -> Plan {
    report(answers).plan
}

/// A chronic condition (onset more than 42 days before the visit): physiotherapy indicated.
const CHRONIC_ONSET: &str = "2026-06-01";

// --- 1. Route -----------------------------------------------------------------------------

#[test]
fn route_emergency_referral_when_any_referral_is_emergency() {
    let p = plan(json!({"redflag.chest_symptoms": true, "screen.trauma_recent": true}));
    assert_eq!(p.route, Route::EmergencyReferral);
    assert!(p.route_reason.contains("emergency"), "{}", p.route_reason);
}

#[test]
fn route_urgent_referral_when_the_worst_referral_is_urgent() {
    assert_eq!(plan(json!({"screen.trauma_recent": true})).route, Route::UrgentReferral);
}

#[test]
fn route_defer_when_massage_is_stopped_without_urgent_referral() {
    let p =
        plan(json!({"screen.fever": true, "complaint.condition": "knee_pfps", "complaint.onset_date": CHRONIC_ONSET}));
    assert_eq!(p.route, Route::Defer);
    assert_eq!(p.massage_type, None, "no massage type when massage is stopped");
    assert!(p.aftercare.is_empty() && p.frequency.is_none() && p.session_order.is_none());
}

#[test]
fn route_combined_when_physio_indicated_and_the_condition_has_an_order() {
    let p = plan(json!({"complaint.condition": "low_back_pain", "complaint.onset_date": CHRONIC_ONSET}));
    assert_eq!(p.route, Route::Combined);
}

#[test]
fn route_physio_first_when_physio_indicated_and_no_order() {
    let p = plan(json!({"complaint.condition": "other", "complaint.onset_date": CHRONIC_ONSET}));
    assert_eq!(p.route, Route::PhysioFirst);
    assert_eq!(p.session_order, None);
    assert!(p.aftercare.is_empty(), "no massage in this route, so no aftercare");
    assert_eq!(p.frequency.as_deref(), Some("Weekly physiotherapy."));
}

#[test]
fn route_massage_otherwise_and_says_why_and_what_next() {
    let p = plan(json!({"complaint.condition": "stress_anxiety_sleep", "goals.primary": "relaxation_stress"}));
    assert_eq!(p.route, Route::Massage);
    assert!(p.route_reason.contains("physiotherapy assessment is the next step"), "{}", p.route_reason);
    assert_eq!(p.frequency, None, "nothing invented for the massage route");
    assert!(!p.aftercare.is_empty());
}

// --- 1. Physiotherapy indicated: each condition on its own --------------------------------

#[test]
fn each_physiotherapy_indication_alone_makes_physio_first() {
    let cases = [
        json!({"complaint.onset_date": "2026-10-31"}),  // 22 days: subacute
        json!({"complaint.onset_date": CHRONIC_ONSET}), // chronic
        json!({"complaint.trend": "worsening"}),
        json!({"complaint.mechanism": "trauma"}),
        json!({"complaint.mechanism": "post_surgical"}),
        json!({"function.limitations": "Cannot climb stairs"}),
        json!({"goals.primary": "mobility"}),
        json!({"goals.primary": "strength_function"}),
        json!({"goals.primary": "return_to_sport"}),
        json!({"goals.primary": "return_to_work"}),
        json!({"goals.primary": "post_surgical_rehab"}),
        json!({"complaint.previous_episodes": true}),
    ];
    for case in cases {
        let p = plan(case.clone());
        assert_eq!(p.route, Route::PhysioFirst, "{case}");
        assert!(p.route_reason.contains("Indicated by"), "{case}: {}", p.route_reason);
    }
}

#[test]
fn rehabilitation_conditions_indicate_physiotherapy() {
    for condition in ["post_surgical", "sports_injury", "sprain_strain", "fracture_rehab", "tendinopathy"] {
        // These all have a session order, so the route is combined.
        assert_eq!(plan(json!({"complaint.condition": condition})).route, Route::Combined, "{condition}");
    }
}

#[test]
fn near_misses_do_not_indicate_physiotherapy() {
    for case in [
        json!({"complaint.onset_date": "2026-11-02"}), // 20 days: acute
        json!({"complaint.trend": "improving"}),
        json!({"complaint.mechanism": "insidious"}),
        json!({"goals.primary": "pain_relief"}),
        json!({"complaint.previous_episodes": false}),
        json!({"function.limitations": ""}),
    ] {
        assert_eq!(plan(case.clone()).route, Route::Massage, "{case}");
    }
}

// --- 2. Massage type ------------------------------------------------------------------------

#[test]
fn pressure_restricting_flags_choose_therapeutic_and_are_named() {
    let p =
        plan(json!({"meds.anticoagulant": true, "goals.primary": "muscle_tension", "goals.massage_pressure": "firm"}));
    assert_eq!(p.massage_type, Some(MassageType::Therapeutic));
    let reason = p.massage_type_reason.unwrap_or_default();
    assert!(reason.to_lowercase().contains("gentle pressure only"), "{reason}");
    assert!(reason.contains(';') || reason.contains(':'), "the flags are named: {reason}");
}

#[test]
fn every_pressure_restricting_flag_alone_chooses_therapeutic() {
    let cases = [
        json!({"meds.anticoagulant": true}),
        json!({"screen.low_platelets": true}),
        json!({"screen.osteoporosis": true}),
        json!({"meds.corticosteroid_long_term": true}),
        json!({"meds.analgesic_today": true}),
        json!({"screen.neuropathy": true}),
        json!({"screen.cancer_treatment": true}),
        json!({"screen.bone_metastases": true}),
        json!({"screen.lymphoedema": true}),
        json!({"screen.pregnant": true, "pregnancy.weeks": 24}),
        json!({"screen.autoimmune": true}),
        json!({"screen.heart_condition": true}),
        json!({"screen.oedema": "heart_or_kidney"}),
        json!({"screen.kidney_disease": true}),
        json!({"vitals.bp_systolic": 165}),
        json!({"screen.stroke_tia": true}),
    ];
    for case in cases {
        let mut answers = case.clone();
        answers["goals.primary"] = json!("muscle_tension"); // would otherwise be deep tissue
        assert_eq!(plan(answers).massage_type, Some(MassageType::Therapeutic), "{case}");
    }
}

#[test]
fn light_pressure_relaxation_stress_or_surgery_choose_therapeutic() {
    for case in [
        json!({"goals.massage_pressure": "light", "goals.primary": "muscle_tension"}),
        json!({"goals.primary": "relaxation_stress"}),
        json!({"complaint.condition": "stress_anxiety_sleep"}),
        json!({"complaint.condition": "post_surgical", "complaint.onset_date": CHRONIC_ONSET}),
    ] {
        assert_eq!(plan(case.clone()).massage_type, Some(MassageType::Therapeutic), "{case}");
    }
}

#[test]
fn tension_pain_mobility_chronic_or_listed_conditions_choose_deep_tissue() {
    let mut cases = vec![
        json!({"goals.primary": "muscle_tension"}),
        json!({"goals.primary": "pain_relief"}),
        json!({"goals.primary": "mobility"}),
        json!({"complaint.onset_date": CHRONIC_ONSET}),
    ];
    for condition in [
        "general_tension",
        "low_back_pain",
        "neck_pain",
        "shoulder_impingement",
        "sciatica",
        "fibromyalgia",
        "tension_headache",
    ] {
        cases.push(json!({"complaint.condition": condition}));
    }
    for case in cases {
        let p = plan(case.clone());
        assert_eq!(p.massage_type, Some(MassageType::DeepTissue), "{case}");
        assert!(
            p.massage_type_reason.unwrap_or_default().contains("never be painful"),
            "seed 003's caution is in the reason"
        );
    }
}

#[test]
fn otherwise_therapeutic() {
    let p = plan(json!({"complaint.condition": "doms"}));
    assert_eq!(p.massage_type, Some(MassageType::Therapeutic));
}

// --- 3. Session order: every row of the table ----------------------------------------------

#[test]
fn session_order_follows_the_table_for_every_condition() {
    use SessionOrder::{MassageFirst, PhysioFirst};
    let table = [
        ("low_back_pain", MassageFirst, "muscle guarding"),
        ("neck_pain", MassageFirst, "upper trapezius"),
        ("tension_headache", MassageFirst, "upper trapezius"),
        ("shoulder_impingement", MassageFirst, "rotator cuff"),
        ("knee_pfps", PhysioFirst, "IT band"),
        ("post_surgical", PhysioFirst, "scar"),
        ("sciatica", MassageFirst, "piriformis"),
        ("stress_anxiety_sleep", MassageFirst, "nervous system"),
        ("general_tension", MassageFirst, "warms and relaxes"),
        ("frozen_shoulder", MassageFirst, "warms and relaxes"),
        ("tendinopathy", PhysioFirst, "tendon"),
        ("sprain_strain", PhysioFirst, "tendon"),
        ("fracture_rehab", PhysioFirst, "tendon"),
        ("sports_injury", PhysioFirst, "tendon"),
    ];
    for (condition, order, words) in table {
        let p = plan(json!({"complaint.condition": condition, "complaint.onset_date": CHRONIC_ONSET}));
        assert_eq!(p.route, Route::Combined, "{condition}");
        assert_eq!(p.session_order, Some(order), "{condition}");
        let reason = p.session_order_reason.unwrap_or_default();
        assert!(reason.contains(words), "{condition}: {reason}");
    }
}

#[test]
fn conditions_without_an_order_have_none() {
    for condition in ["doms", "arthritis", "fibromyalgia", "other"] {
        let p = plan(json!({"complaint.condition": condition, "complaint.onset_date": CHRONIC_ONSET}));
        assert_eq!(p.route, Route::PhysioFirst, "{condition}");
        assert_eq!((p.session_order, p.session_order_reason), (None, None), "{condition}");
    }
}

#[test]
fn session_order_is_null_unless_the_route_is_combined() {
    // massage route: low back pain without any physiotherapy indication
    let p = plan(json!({"complaint.condition": "low_back_pain", "complaint.onset_date": "2026-11-15"}));
    assert_eq!(p.route, Route::Massage);
    assert_eq!(p.session_order, None);
    assert!(!p.separate_days && p.separate_days_reasons.is_empty());
}

// --- 4. Same day or separate days ----------------------------------------------------------

fn combined_with(extra: Value) -> Plan {
    let mut answers = json!({"complaint.condition": "neck_pain", "complaint.onset_date": CHRONIC_ONSET});
    for (k, v) in extra.as_object().unwrap() {
        answers[k] = v.clone();
    }
    plan(answers)
}

#[test]
fn same_day_when_no_reason_holds() {
    let p = combined_with(json!({}));
    assert_eq!(p.route, Route::Combined);
    assert!(!p.separate_days && p.separate_days_reasons.is_empty());
}

#[test]
fn each_separate_days_reason_alone() {
    let cases = [
        (json!({"plan.fatigues_easily": true}), "tires easily"),
        (json!({"plan.dizzy_after_treatment": true}), "dizzy"),
        (json!({"plan.overwhelmed_back_to_back": true}), "overwhelming"),
        (json!({"screen.acute_injury": true, "screen.acute_injury.date": "2026-11-20"}), "early injury"),
        (json!({"screen.surgery_recent": true, "screen.surgery_recent.date": "2026-11-01"}), "early injury"),
    ];
    for (extra, words) in cases {
        let p = combined_with(extra.clone());
        assert_eq!(p.route, Route::Combined, "{extra}");
        assert!(p.separate_days, "{extra}");
        assert_eq!(p.separate_days_reasons.len(), 1, "{extra}: {:?}", p.separate_days_reasons);
        assert!(p.separate_days_reasons[0].contains(words), "{extra}: {:?}", p.separate_days_reasons);
    }
}

/// PLAN.md lists fibromyalgia and arthritis as a separate-days reason, but gives them no session
/// order, and only the combined route (which needs one) asks the question: as written, the row
/// can never apply. This test pins that literal reading so a change to it is deliberate.
#[test]
fn chronic_pain_conditions_are_never_combined_so_never_separate_days() {
    for condition in ["fibromyalgia", "arthritis"] {
        let p = plan(json!({"complaint.condition": condition, "complaint.onset_date": CHRONIC_ONSET}));
        assert_eq!(p.route, Route::PhysioFirst);
        assert!(!p.separate_days, "separate days is asked only for the combined route");
    }
}

#[test]
fn acute_trauma_or_post_surgical_onset_is_early_rehabilitation() {
    for mechanism in ["trauma", "post_surgical"] {
        let p = plan(
            json!({"complaint.condition": "sprain_strain", "complaint.onset_date": "2026-11-12", "complaint.mechanism": mechanism}),
        );
        assert_eq!(p.route, Route::Combined);
        assert_eq!(p.separate_days_reasons, vec!["early injury rehabilitation".to_owned()], "{mechanism}");
    }
    let p = plan(
        json!({"complaint.condition": "sprain_strain", "complaint.onset_date": "2026-11-12", "complaint.mechanism": "overuse"}),
    );
    assert!(!p.separate_days, "overuse in the acute stage is not early injury rehabilitation");
}

#[test]
fn every_reason_that_holds_is_listed() {
    let p = combined_with(
        json!({"plan.fatigues_easily": true, "plan.dizzy_after_treatment": true, "plan.overwhelmed_back_to_back": true}),
    );
    assert_eq!(p.separate_days_reasons.len(), 3, "{:?}", p.separate_days_reasons);
}

// --- 5. Frequency and 6. aftercare ------------------------------------------------------------

#[test]
fn frequency_for_combined_mentions_both_schedules() {
    let p = combined_with(json!({}));
    let frequency = p.frequency.unwrap_or_default();
    assert!(frequency.contains("every two weeks") && frequency.contains("alternating"), "{frequency}");
}

#[test]
fn aftercare_whenever_massage_is_part_of_the_route() {
    let p = combined_with(json!({}));
    let text = p.aftercare.join(" ");
    for words in ["soreness", "tiredness", "headache", "water", "rest", "strenuous", "Contact the clinic"] {
        assert!(text.contains(words), "aftercare lacks {words}: {text}");
    }
    for answers in [json!({"screen.trauma_recent": true}), json!({"screen.fever": true})] {
        assert!(plan(answers).aftercare.is_empty());
    }
}

#[test]
fn routine_referrals_are_named_in_the_route_reason() {
    let p = plan(json!({"screen.heart_condition": true}));
    assert_eq!(p.route, Route::Massage);
    assert!(p.route_reason.contains("clearance"), "{}", p.route_reason);
}
