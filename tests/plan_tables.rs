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
        // v2: a routine-referral flag holds massage until a clearance is on file; with it on file
        // the route is massage and the type is chosen.
        answers["screen.clearance_on_file"] = json!(true);
        let p = plan(answers);
        assert_eq!(p.route, Route::Massage, "{case}");
        assert_eq!(p.massage_type, Some(MassageType::Therapeutic), "{case}");
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

/// v2: a routine referral on a modify flag holds massage until the clearance is on file (route
/// `defer` without a physiotherapy indication); with the clearance on file, massage, and the
/// reason says the clearance is on file.
#[test]
fn routine_referrals_are_named_in_the_route_reason() {
    let p = plan(json!({"screen.heart_condition": true}));
    assert_eq!(p.route, Route::Defer);
    assert!(p.route_reason.contains("clearance asked for by: Heart condition"), "{}", p.route_reason);
    let p = plan(json!({"screen.heart_condition": true, "screen.clearance_on_file": true}));
    assert_eq!(p.route, Route::Massage);
    assert!(p.route_reason.contains("Clearance on file for: Heart condition"), "{}", p.route_reason);
}

// --- v2: the plan never contradicts a flag (PLAN.md sections 0-6, each route row's boundary) ---------

fn with(base: &Value, extra: Value) -> Value {
    let mut answers = base.clone();
    for (k, v) in extra.as_object().unwrap() {
        answers[k] = v.clone();
    }
    answers
}

/// Low back pain, chronic: physiotherapy indicated, massage first: `combined` with nothing held.
fn back_pain() -> Value {
    json!({"complaint.condition": "low_back_pain", "complaint.onset_date": CHRONIC_ONSET})
}

#[test]
fn row_emergency_beats_urgent_and_names_only_the_emergency_flags() {
    let p = plan(json!({"redflag.chest_symptoms": true, "redflag.foot_drop": true}));
    assert_eq!(p.route, Route::EmergencyReferral);
    assert!(p.route_reason.contains("Chest pain or sudden breathlessness"), "{}", p.route_reason);
    assert!(!p.route_reason.contains("New foot drop"), "{}", p.route_reason);
    let p = plan(json!({"redflag.foot_drop": true}));
    assert_eq!(p.route, Route::UrgentReferral);
    assert!(p.route_reason.contains("(New foot drop)"), "{}", p.route_reason);
}

#[test]
fn referral_and_defer_routes_have_no_massage_type_order_frequency_or_aftercare() {
    for answers in [
        with(&back_pain(), json!({"redflag.chest_symptoms": true})),
        with(&back_pain(), json!({"redflag.foot_drop": true, "goals.primary": "muscle_tension"})),
        with(&back_pain(), json!({"screen.fever": true})),
        json!({"screen.heart_condition": true}),
    ] {
        let p = plan(answers.clone());
        assert!(matches!(p.route, Route::EmergencyReferral | Route::UrgentReferral | Route::Defer), "{answers}");
        assert_eq!((p.massage_type, p.massage_type_reason.as_deref()), (None, None), "{answers}");
        assert_eq!((p.session_order, p.frequency.as_deref()), (None, None), "{answers}");
        assert!(p.aftercare.is_empty() && !p.separate_days, "{answers}");
    }
}

#[test]
fn row_defer_for_a_stop_flag_names_it_and_the_clearance_a_routine_stop_flag_needs() {
    // Knee pain, not spinal pain: fever alone (spinal pain with fever is an urgent referral).
    let knee = json!({"complaint.condition": "knee_pfps", "complaint.onset_date": CHRONIC_ONSET});
    let p = plan(with(&knee, json!({"screen.fever": true})));
    assert_eq!(p.route, Route::Defer);
    assert!(p.route_reason.contains("(Fever or acute illness)"), "{}", p.route_reason);
    assert!(!p.route_reason.contains("Massage waits"), "fever needs no clearance: {}", p.route_reason);
    let p = plan(with(&back_pain(), json!({"screen.aneurysm": true})));
    assert_eq!(p.route, Route::Defer);
    assert!(
        p.route_reason
            .contains("Massage waits for the medical review or written clearance asked for by: Diagnosed aneurysm."),
        "{}",
        p.route_reason
    );
    assert!(!p.route_reason.contains("Physiotherapy may proceed"), "not on a defer route: {}", p.route_reason);
}

#[test]
fn dvt_current_and_unexplained_oedema_are_not_lifted_by_a_clearance_and_the_reason_says_so() {
    for (answers, title, how) in [
        (json!({"screen.dvt_current": true}), "Known current blood clot (DVT or PE)", "the clot has resolved"),
        (json!({"screen.oedema": "unexplained"}), "Unexplained swelling", "the swelling is explained"),
    ] {
        for on_file in [false, true] {
            let p = plan(with(&with(&back_pain(), answers.clone()), json!({"screen.clearance_on_file": on_file})));
            assert_eq!(p.route, Route::Defer, "{answers} clearance {on_file}");
            let expected = format!("{title}: a clearance on file does not lift this");
            assert!(p.route_reason.contains(&expected), "{}", p.route_reason);
            assert!(p.route_reason.contains(how), "{}", p.route_reason);
            assert!(!p.route_reason.contains("asked for by"), "no clearance is asked for: {}", p.route_reason);
        }
    }
}

#[test]
fn row_defer_for_a_pending_clearance_without_physiotherapy() {
    // heart_condition: modify with a routine referral, a holding flag.
    let p = plan(json!({"screen.heart_condition": true, "goals.primary": "relaxation_stress"}));
    assert_eq!(p.route, Route::Defer);
    assert_eq!(
        p.route_reason,
        "Massage waits for the medical review or written clearance asked for by: Heart condition. Physiotherapy is \
         not indicated, so nothing can be offered until that review or clearance is on file."
    );
    // The boundary: the clearance on file lifts the hold; massage, and the reason says so.
    let p = plan(
        json!({"screen.heart_condition": true, "goals.primary": "relaxation_stress", "screen.clearance_on_file": true}),
    );
    assert_eq!(p.route, Route::Massage);
    assert!(p.route_reason.ends_with("Clearance on file for: Heart condition."), "{}", p.route_reason);
    assert_eq!(p.massage_type, Some(MassageType::Therapeutic), "heart_condition restricts pressure");
    // A clearance answered `false` is no clearance.
    let p = plan(json!({"screen.heart_condition": true, "screen.clearance_on_file": false}));
    assert_eq!(p.route, Route::Defer);
}

#[test]
fn row_physio_first_for_a_pending_clearance() {
    let p = plan(with(&back_pain(), json!({"screen.heart_condition": true})));
    assert_eq!(p.route, Route::PhysioFirst, "v1 gave combined, massage first, same day");
    assert!(
        p.route_reason.starts_with(
            "Massage waits for the medical review or written clearance asked for by: Heart condition. Physiotherapy \
             may proceed within its own screening."
        ),
        "{}",
        p.route_reason
    );
    assert!(p.route_reason.contains("Indicated by: ongoing pain"), "{}", p.route_reason);
    assert_eq!(p.session_order, None, "no massage_first order for massage that cannot happen");
    assert!(!p.separate_days && p.separate_days_reasons.is_empty());
    assert_eq!(p.massage_type, Some(MassageType::Therapeutic), "chosen for the next visit");
    let reason = p.massage_type_reason.unwrap_or_default();
    assert!(
        reason.starts_with("Once clearance is on file: Gentle pressure only, because of: Heart condition."),
        "{reason}"
    );
    assert_eq!(
        p.frequency.as_deref(),
        Some(
            "Weekly physiotherapy; add massage (every two weeks, or alternating weeks) once the clearance is on file."
        )
    );
    assert_eq!(
        p.aftercare.last().map(String::as_str),
        Some("Massage will be booked once your doctor's clearance is on file.")
    );
    assert!(!p.aftercare.iter().any(|l| l.contains("soreness")), "no massage this visit: no general massage lines");
}

#[test]
fn clearance_on_file_turns_physio_first_back_into_combined_with_shorter_sessions_apart() {
    let p = plan(with(&back_pain(), json!({"screen.heart_condition": true, "screen.clearance_on_file": true})));
    assert_eq!(p.route, Route::Combined);
    assert_eq!(p.session_order, Some(SessionOrder::MassageFirst));
    assert!(p.separate_days, "heart_condition calls for shorter, lighter sessions");
    assert_eq!(
        p.separate_days_reasons,
        vec!["a medical condition that calls for shorter, lighter sessions (Heart condition)".to_owned()]
    );
    assert!(!p.aftercare.iter().any(|l| l.contains("clearance is on file")), "{:?}", p.aftercare);
    assert!(p.frequency.unwrap_or_default().starts_with("Weekly physiotherapy with massage every two weeks"));
}

#[test]
fn every_shorter_sessions_flag_books_combined_sessions_apart() {
    let cases = [
        json!({"screen.heart_condition": true}),
        json!({"screen.cancer_treatment": true}),
        json!({"screen.low_platelets": true}),
        json!({"screen.kidney_disease": true}),
        json!({"screen.autoimmune": true}),
        json!({"screen.oedema": "heart_or_kidney"}),
    ];
    for case in cases {
        let p = plan(with(&with(&back_pain(), case.clone()), json!({"screen.clearance_on_file": true})));
        assert_eq!(p.route, Route::Combined, "{case}");
        assert_eq!(p.separate_days_reasons.len(), 1, "{case}: {:?}", p.separate_days_reasons);
        assert!(p.separate_days_reasons[0].starts_with("a medical condition that calls for shorter"), "{case}");
    }
    // Near miss: a modify flag outside the list (osteoporosis) keeps the same day.
    let p = plan(with(&back_pain(), json!({"screen.osteoporosis": true})));
    assert_eq!(p.route, Route::Combined);
    assert!(!p.separate_days, "{:?}", p.separate_days_reasons);
}

#[test]
fn a_routine_avoid_flag_or_a_flag_without_tier_holds_nothing_back() {
    // skin_infection: avoid with a routine referral; unexplained_weight_loss: no massage tier.
    for extra in [
        json!({"screen.skin_infection_local": true, "screen.skin_infection_local.regions": ["thigh_l"]}),
        json!({"redflag.weight_loss": true}),
    ] {
        let p = plan(with(&back_pain(), extra.clone()));
        assert_eq!(p.route, Route::Combined, "{extra}");
        assert!(p.route_reason.contains("Medical review asked for by:"), "{}", p.route_reason);
        assert!(!p.aftercare.iter().any(|l| l.contains("clearance")), "{extra}");
    }
}

#[test]
fn row_physio_first_for_an_avoided_complaint() {
    let wound = json!({"complaint.regions": ["lower_back"], "screen.open_wound": true, "screen.open_wound.regions": ["lower_back"]});
    let p = plan(with(&back_pain(), wound));
    assert_eq!(p.route, Route::PhysioFirst);
    assert!(
        p.route_reason.starts_with(
            "The area of the complaint is on the avoid map (Open wound or unhealed skin): start with physiotherapy; \
             massage, if any, of other areas only."
        ),
        "{}",
        p.route_reason
    );
    assert_eq!(p.session_order, None);
    assert_eq!(p.frequency.as_deref(), Some("Weekly physiotherapy."));
}

#[test]
fn part_of_the_complaint_avoided_stays_combined_and_the_order_names_the_remaining_areas() {
    let wound = json!({
        "complaint.regions": ["lower_back", "upper_back"], "screen.open_wound": true,
        "screen.open_wound.regions": ["lower_back", "thigh_l"],
    });
    let p = plan(with(&back_pain(), wound));
    assert_eq!(p.route, Route::Combined);
    let reason = p.session_order_reason.unwrap_or_default();
    assert!(reason.starts_with("Reduce muscle guarding"), "{reason}");
    assert!(reason.contains("massage of Upper back only"), "{reason}");
    // No region recorded for the complaint: nothing can be avoided.
    let p = plan(with(&back_pain(), json!({"screen.open_wound": true, "screen.open_wound.regions": ["lower_back"]})));
    assert_eq!(p.route, Route::Combined);
    assert!(!p.session_order_reason.unwrap_or_default().contains("only"));
}

#[test]
fn the_massage_route_names_the_areas_left_out() {
    let answers = json!({
        "goals.primary": "relaxation_stress", "complaint.regions": ["neck", "upper_back"],
        "screen.open_wound": true, "screen.open_wound.regions": ["neck"],
    });
    let p = plan(answers);
    assert_eq!(p.route, Route::Massage);
    assert!(p.route_reason.ends_with("Left out of massage (on the avoid map): Neck."), "{}", p.route_reason);
}

#[test]
fn deep_tissue_names_the_regions_a_modify_flag_keeps_deep_work_off() {
    let veins = json!({"goals.primary": "muscle_tension", "screen.varicose_veins": "mild", "screen.varicose_veins.regions": ["lower_leg_l"]});
    let p = plan(veins);
    assert_eq!(p.route, Route::Massage);
    assert_eq!(p.massage_type, Some(MassageType::DeepTissue));
    let reason = p.massage_type_reason.unwrap_or_default();
    assert!(reason.contains("except over Left lower leg (Mild varicose veins)"), "{reason}");
    // Regions not recorded: the reason says so rather than naming none.
    let p = plan(json!({"goals.primary": "muscle_tension", "screen.varicose_veins": "mild"}));
    let reason = p.massage_type_reason.unwrap_or_default();
    assert!(reason.contains("except over the areas the flag concerns (not recorded)"), "{reason}");
    // Near miss: without the flag, no exception.
    let p = plan(json!({"goals.primary": "muscle_tension"}));
    assert!(!p.massage_type_reason.unwrap_or_default().contains("except over"));
}

#[test]
fn each_fired_flags_aftercare_line_follows_the_general_lines_once() {
    let content = Content::embedded().unwrap_or_else(|e| panic!("{e}"));
    let line = |id: &str| {
        let index = content.rulebook.index_of(id).unwrap_or_else(|| panic!("no rule {id}"));
        content.rulebook.rule(index).aftercare.clone()
    };
    // anticoagulant and long_term_steroids on a massage route.
    let p = plan(
        json!({"goals.primary": "relaxation_stress", "meds.anticoagulant": true, "meds.corticosteroid_long_term": true}),
    );
    assert_eq!(p.route, Route::Massage);
    let mut expected: Vec<String> = plan(json!({"goals.primary": "relaxation_stress"})).aftercare;
    assert_eq!(expected.len(), 3, "the general massage lines");
    expected.extend(line("anticoagulant"));
    expected.extend(line("long_term_steroids"));
    assert_eq!(p.aftercare, expected);
}

#[test]
fn dizziness_screened_and_low_risk_whiplash_keep_deep_work_off_the_neck() {
    let dizzy = json!({
        "complaint.condition": "neck_pain", "complaint.onset_date": CHRONIC_ONSET,
        "redflag.cad_symptoms": ["dizziness"],
    });
    let r = report(dizzy);
    assert!(r.flags.iter().any(|f| f.id == "dizziness_neck_screened"), "{:?}", r.flags);
    assert_eq!(r.plan.route, Route::Combined);
    assert_eq!(r.plan.massage_type, Some(MassageType::DeepTissue));
    let reason = r.plan.massage_type_reason.clone().unwrap_or_default();
    assert!(reason.contains("except over Neck ("), "{reason}");
    let whiplash = json!({
        "patient.dob": "1990-01-01", "goals.primary": "muscle_tension",
        "screen.trauma_recent": true, "screen.trauma_recent.regions": ["neck"],
        "screen.trauma_recent.cspine_high_risk": ["none"], "screen.trauma_recent.cspine_low_risk": ["simple_rear_end"],
        "screen.trauma_recent.cspine_rotation": true,
    });
    let r = report(whiplash);
    assert_eq!(r.flags.iter().map(|f| f.id.as_str()).collect::<Vec<_>>(), ["whiplash_low_risk"]);
    assert_eq!(r.plan.massage_type, Some(MassageType::DeepTissue));
    let reason = r.plan.massage_type_reason.clone().unwrap_or_default();
    assert!(reason.contains("except over Neck ("), "{reason}");
    let content = Content::embedded().unwrap_or_else(|e| panic!("{e}"));
    let line = content.rulebook.index_of("whiplash_low_risk").and_then(|i| content.rulebook.rule(i).aftercare.clone());
    assert!(line.is_some_and(|l| r.plan.aftercare.contains(&l)), "{:?}", r.plan.aftercare);
}

#[test]
fn anticoagulants_add_their_bruising_line_to_hands_on_routes_only() {
    let bruising = "Bruising can come more easily on blood thinners";
    for (answers, route) in [
        (json!({"meds.anticoagulant": true, "goals.primary": "relaxation_stress"}), Route::Massage),
        (with(&back_pain(), json!({"meds.anticoagulant": true})), Route::Combined),
        (
            json!({"meds.anticoagulant": true, "complaint.condition": "other", "complaint.onset_date": CHRONIC_ONSET}),
            Route::PhysioFirst,
        ),
    ] {
        let p = plan(answers.clone());
        assert_eq!(p.route, route, "{answers}");
        assert!(p.aftercare.iter().any(|l| l.starts_with(bruising)), "{answers}: {:?}", p.aftercare);
    }
    let p = plan(json!({"meds.anticoagulant": true, "redflag.chest_symptoms": true}));
    assert!(p.aftercare.is_empty(), "a referral route gives the flag's action, not aftercare");
}

#[test]
fn a_line_two_flags_share_is_given_once() {
    // heart_condition and cardiac_recent_cleared carry the same line (RULEBOOK.md, Flag aftercare).
    let answers = with(
        &back_pain(),
        json!({"screen.heart_condition": true, "screen.cardiac_recent": true, "screen.clearance_on_file": true}),
    );
    let r = report(answers);
    let ids: Vec<&str> = r.flags.iter().map(|f| f.id.as_str()).collect();
    assert!(ids.contains(&"heart_condition") && ids.contains(&"cardiac_recent_cleared"), "{ids:?}");
    assert_eq!(r.plan.route, Route::Combined);
    let chest = r.plan.aftercare.iter().filter(|l| l.starts_with("Chest pain, unusual breathlessness")).count();
    assert_eq!(chest, 1, "{:?}", r.plan.aftercare);
    assert!(r.plan.separate_days_reasons[0].contains("Heart condition"), "{:?}", r.plan.separate_days_reasons);
}

#[test]
fn a_recent_heart_attack_waits_for_clearance_then_gets_gentle_shorter_sessions_apart() {
    let answers = with(&back_pain(), json!({"screen.cardiac_recent": true}));
    let p = plan(answers.clone());
    assert_eq!(p.route, Route::Defer, "cardiac_recent is stop with a routine referral");
    assert!(p.route_reason.contains("asked for by: "), "{}", p.route_reason);
    let p = plan(with(&answers, json!({"screen.clearance_on_file": true})));
    assert_eq!(p.route, Route::Combined);
    assert_eq!(p.massage_type, Some(MassageType::Therapeutic), "cardiac_recent_cleared restricts pressure");
    assert!(p.separate_days, "cardiac_recent_cleared calls for shorter sessions");
    assert!(p.aftercare.iter().any(|l| l.starts_with("Chest pain")), "{:?}", p.aftercare);
}
