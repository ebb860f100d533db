//! Clinical vignettes run through the real binary: `physio-intake screen - --format json`.
//!
//! Every expected value below is derived from the shared spec documents (CONTRACT.md, INTAKE.md,
//! RULEBOOK.md, PLAN.md), not from the program's output. Each vignette states `visit.date`
//! explicitly so that time windows, ages and stages never depend on the day the tests run.

use serde_json::{Value, json};

#[path = "common/screen.rs"]
mod screen;
use screen::*;

// --- time windows -----------------------------------------------------------------------------

/// A footballer rolled his right ankle three days ago: the acutely injured area is avoided and,
/// because rehabilitation is early, physiotherapy and massage go on separate days.
#[test]
fn ankle_sprain_on_day_three_is_an_acute_injury_to_avoid() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "sprain_strain",
        "screen.acute_injury": true, "screen.acute_injury.date": "2026-11-19",
        "screen.acute_injury.regions": ["foot_r"],
    }));
    assert_flags(&report, &["acute_soft_tissue_injury"]);
    let f = flag(&report, "acute_soft_tissue_injury");
    assert_eq!(
        (&f["kind"], &f["massage"], &f["referral"]),
        (&json!("contraindication"), &json!("avoid"), &Value::Null)
    );
    assert_regions(&report, "acute_soft_tissue_injury", &["foot_r"]);
    assert_because_has(&report, "acute_soft_tissue_injury", &["screen.acute_injury"]);
    assert_avoid_regions(&report, &["foot_r"]);
    assert_verdict(&report, "avoid", "none");
    assert_eq!(route(&report), "combined");
    assert_eq!(report["plan"]["session_order"], "physio_first");
    assert_eq!(massage_type(&report), Some("therapeutic"));
    assert_eq!(separate_days(&report), (true, 1), "early injury rehabilitation");
    assert!(report["plan"]["frequency"].is_string());
    assert!(aftercare_len(&report) > 0);
}

/// The same ankle sprain on day four is past the 72-hour window: no flag, same-day sessions.
#[test]
fn ankle_sprain_on_day_four_is_no_longer_acute() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "sprain_strain",
        "screen.acute_injury": true, "screen.acute_injury.date": "2026-11-18",
        "screen.acute_injury.regions": ["foot_r"],
    }));
    assert_flags(&report, &[]);
    assert_verdict(&report, "clear", "none");
    assert_avoid_regions(&report, &[]);
    assert_eq!(route(&report), "combined");
    assert_eq!(separate_days(&report), (false, 0));
}

/// A patient reports a recent calf strain but cannot say when: the rule fires on the safe side,
/// and with no physiotherapy indication the route is massage, so separate days are not asked.
#[test]
fn acute_injury_without_a_date_fires_on_the_safe_side() {
    let report = screen(json!({
        "visit.date": VISIT, "screen.acute_injury": true, "screen.acute_injury.regions": ["lower_leg_l"],
    }));
    assert_flags(&report, &["acute_soft_tissue_injury"]);
    assert_avoid_regions(&report, &["lower_leg_l"]);
    assert_eq!(route(&report), "massage");
    assert_eq!(separate_days(&report), (false, 0), "separate days only for the combined route");
}

/// Knee arthroscopy exactly 42 days ago: still within six weeks, so the knee is avoided and the
/// post-surgical plan books physiotherapy first, on separate days.
#[test]
fn surgery_on_day_42_is_recent() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "post_surgical",
        "screen.surgery_recent": true, "screen.surgery_recent.date": "2026-10-11",
        "screen.surgery_recent.regions": ["knee_r"],
    }));
    assert_flags(&report, &["surgery_recent"]);
    assert_regions(&report, "surgery_recent", &["knee_r"]);
    assert_avoid_regions(&report, &["knee_r"]);
    assert_verdict(&report, "avoid", "none");
    assert_eq!(route(&report), "combined");
    assert_eq!(report["plan"]["session_order"], "physio_first");
    assert_eq!(massage_type(&report), Some("therapeutic"), "gentle massage after surgery");
    assert_eq!(separate_days(&report), (true, 1));
}

/// The same knee surgery 43 days ago is past six weeks: no flag, same-day sessions.
#[test]
fn surgery_on_day_43_is_no_longer_recent() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "post_surgical",
        "screen.surgery_recent": true, "screen.surgery_recent.date": "2026-10-10",
        "screen.surgery_recent.regions": ["knee_r"],
    }));
    assert_flags(&report, &[]);
    assert_avoid_regions(&report, &[]);
    assert_eq!(route(&report), "combined");
    assert_eq!(separate_days(&report), (false, 0));
}

/// A patient had abdominal surgery "a few weeks ago" and the date is not recorded: the safe side.
#[test]
fn recent_surgery_without_a_date_fires_on_the_safe_side() {
    let report = screen(json!({
        "visit.date": VISIT, "screen.surgery_recent": true, "screen.surgery_recent.regions": ["abdomen"],
    }));
    assert_flags(&report, &["surgery_recent"]);
    assert_avoid_regions(&report, &["abdomen"]);
}

// --- age ----------------------------------------------------------------------------------------

/// A woman with past breast cancer, the day before her 50th birthday: cancer history only (modify).
#[test]
fn cancer_history_the_day_before_the_50th_birthday_is_cancer_history() {
    let report = screen(json!({
        "visit.date": VISIT, "patient.dob": "1976-11-23", "redflag.cancer_history": true,
    }));
    assert_eq!(report["scores"]["age"], 49);
    assert_flags(&report, &["cancer_history"]);
    assert_verdict(&report, "modify", "none");
    assert_eq!(route(&report), "massage");
}

/// The same woman on her 50th birthday: v2 no longer counts age in the cancer clusters (NICE
/// NG234), so a cancer history with nothing new is the modify flag, not a red flag.
#[test]
fn cancer_history_on_the_50th_birthday_alone_is_not_malignancy_suspicion() {
    let report = screen(json!({
        "visit.date": VISIT, "patient.dob": "1976-11-22", "redflag.cancer_history": true,
    }));
    assert_eq!(report["scores"]["age"], 50);
    assert_flags(&report, &["cancer_history"]);
    assert_verdict(&report, "modify", "none");
}

/// A 69-year-old fell on her hip (trauma, condition `other`): no fracture cluster, physiotherapy first.
#[test]
fn fall_at_69_is_not_a_fracture_cluster() {
    let report = screen(json!({
        "visit.date": VISIT, "patient.dob": "1956-11-23", "complaint.condition": "other",
        "complaint.mechanism": "trauma", "complaint.regions": ["hip_buttock_l"],
    }));
    assert_eq!(report["scores"]["age"], 69);
    assert_flags(&report, &[]);
    assert_eq!(route(&report), "physio_first");
    assert_null(&report["plan"], "session_order");
    assert_eq!(report["plan"]["frequency"].as_str().map(|s| s.to_lowercase().contains("week")), Some(true));
    assert_eq!(aftercare_len(&report), 0, "no massage in the physio_first route");
}

/// The same fall on her 70th birthday: trauma at age 70 suggests fracture in the painful region.
#[test]
fn fall_at_70_is_fracture_suspicion_over_the_complaint_regions() {
    let report = screen(json!({
        "visit.date": VISIT, "patient.dob": "1956-11-22", "complaint.condition": "other",
        "complaint.mechanism": "trauma", "complaint.regions": ["hip_buttock_l"],
    }));
    assert_eq!(report["scores"]["age"], 70);
    assert_flags(&report, &["fracture_suspicion"]);
    assert_regions(&report, "fracture_suspicion", &["hip_buttock_l"]);
    assert_because_has(&report, "fracture_suspicion", &["complaint.mechanism"]);
    assert_avoid_regions(&report, &[]);
    assert_verdict(&report, "stop", "urgent");
    assert_eq!(route(&report), "urgent_referral");
    assert_no_massage_plan(&report);
}

/// A man born on 29 February 1956 who fell: 69 on 27 Feb 2026, 70 on 1 Mar 2026, 71 on 28 Feb 2028
/// and 72 on 29 Feb 2028, with the fracture cluster firing from 70.
#[test]
fn leap_day_birthday_ages_in_whole_years() {
    let base = json!({
        "patient.dob": "1956-02-29", "complaint.condition": "other",
        "complaint.mechanism": "trauma", "complaint.regions": ["hip_buttock_r"],
    });
    for (visit, age, fires) in
        [("2026-02-27", 69, false), ("2026-03-01", 70, true), ("2028-02-28", 71, true), ("2028-02-29", 72, true)]
    {
        let report = screen(with(&base, json!({ "visit.date": visit })));
        assert_eq!(report["scores"]["age"], age, "age on {visit}");
        let expected: &[&str] = if fires { &["fracture_suspicion"] } else { &[] };
        assert_eq!(flag_ids(&report), expected, "flags on {visit}");
    }
}

/// A patient with past cancer who fell, with no date of birth recorded: age is unknown, so no age
/// condition holds (no malignancy or fracture cluster).
#[test]
fn unknown_age_makes_no_age_condition_true() {
    let report = screen(json!({
        "visit.date": VISIT, "redflag.cancer_history": true, "complaint.mechanism": "trauma",
        "complaint.condition": "other",
    }));
    assert_null(&report["scores"], "age");
    assert_flags(&report, &["cancer_history"]);
}

// --- blood pressure ----------------------------------------------------------------------------

/// A man wanting firm work for tight shoulders measures 190/100: v2 puts 180/120 and above in the
/// crisis range (AHA, NICE NG136): no massage and medical review within 24 hours.
#[test]
fn bp_190_over_100_is_in_the_crisis_range() {
    let report = screen(json!({
        "visit.date": VISIT, "vitals.bp_systolic": 190, "vitals.bp_diastolic": 100,
        "goals.primary": "muscle_tension",
        // PLAN.md v2: a routine referral on a modify flag holds massage until a clearance is on file.
        "screen.clearance_on_file": true,
    }));
    assert_flags(&report, &["bp_severe"]);
    let f = flag(&report, "bp_severe");
    assert_eq!((&f["massage"], &f["referral"]), (&json!("stop"), &json!("urgent")));
    assert_verdict(&report, "stop", "urgent");
    assert_eq!(route(&report), "urgent_referral");
    assert_no_massage_plan(&report);
}

/// Systolic 191 without symptoms: the crisis range, no massage today and review within 24 hours.
#[test]
fn bp_systolic_191_is_severe_and_urgent() {
    let report = screen(json!({ "visit.date": VISIT, "vitals.bp_systolic": 191, "vitals.bp_diastolic": 80 }));
    assert_flags(&report, &["bp_severe"]);
    assert_verdict(&report, "stop", "urgent");
    assert_eq!(route(&report), "urgent_referral");
    assert_no_massage_plan(&report);
}

/// Diastolic 101 with a modest systolic: NICE stage 2 (160/100), elevated, not the crisis range.
#[test]
fn bp_diastolic_101_is_elevated() {
    let report = screen(json!({ "visit.date": VISIT, "vitals.bp_systolic": 150, "vitals.bp_diastolic": 101 }));
    assert_flags(&report, &["bp_elevated"]);
    assert_verdict(&report, "modify", "routine");
}

/// 160 systolic or 100 diastolic is elevated (NICE stage 2); v2: a diastolic of 90-99 alone is not.
#[test]
fn bp_160_or_100_is_elevated_and_90_alone_is_not() {
    for (systolic, diastolic) in [(160, 90), (160, 70), (120, 100)] {
        let report = screen(json!({
            "visit.date": VISIT, "vitals.bp_systolic": systolic, "vitals.bp_diastolic": diastolic,
        }));
        assert_eq!(flag_ids(&report), ["bp_elevated"], "{systolic}/{diastolic}");
        assert_verdict(&report, "modify", "routine");
    }
    for (systolic, diastolic) in [(120, 90), (159, 99)] {
        let report = screen(json!({
            "visit.date": VISIT, "vitals.bp_systolic": systolic, "vitals.bp_diastolic": diastolic,
        }));
        assert_flags(&report, &[]);
    }
}

/// 159/89 is just under both thresholds: nothing fires.
#[test]
fn bp_159_over_89_raises_nothing() {
    let report = screen(json!({ "visit.date": VISIT, "vitals.bp_systolic": 159, "vitals.bp_diastolic": 89 }));
    assert_flags(&report, &[]);
    assert_verdict(&report, "clear", "none");
}

/// A patient with diagnosed hypertension whose pressure has not been taken: take it before treating.
#[test]
fn hypertension_without_a_reading_is_unmeasured() {
    let report = screen(json!({ "visit.date": VISIT, "screen.hypertension": true }));
    assert_flags(&report, &["hypertension_unmeasured"]);
    let f = flag(&report, "hypertension_unmeasured");
    assert_eq!((&f["massage"], &f["referral"]), (&json!("modify"), &Value::Null));
    assert_verdict(&report, "modify", "none");
}

/// The same patient once a normal reading of 130/80 is recorded: nothing fires.
#[test]
fn hypertension_with_a_normal_reading_raises_nothing() {
    let report = screen(json!({
        "visit.date": VISIT, "screen.hypertension": true, "vitals.bp_systolic": 130, "vitals.bp_diastolic": 80,
    }));
    assert_flags(&report, &[]);
}

// --- varicose veins ---------------------------------------------------------------------------

/// Severe varicose veins on the right thigh: the thigh and everything distal on the right leg is avoided.
#[test]
fn severe_varicose_veins_on_the_thigh_avoid_everything_distal() {
    let report = screen(json!({
        "visit.date": VISIT, "screen.varicose_veins": "severe", "screen.varicose_veins.regions": ["thigh_r"],
    }));
    assert_flags(&report, &["varicose_severe"]);
    let expected = ["foot_r", "knee_r", "lower_leg_r", "thigh_r"];
    assert_regions(&report, "varicose_severe", &expected);
    assert_avoid_regions(&report, &expected);
    assert_verdict(&report, "avoid", "none");
}

/// Mild varicose veins on the left calf: modify only (no avoid map), and the pressure is not restricted.
#[test]
fn mild_varicose_veins_only_modify() {
    let report = screen(json!({
        "visit.date": VISIT, "screen.varicose_veins": "mild", "screen.varicose_veins.regions": ["lower_leg_l"],
        "goals.primary": "muscle_tension",
    }));
    assert_flags(&report, &["varicose_mild"]);
    assert_regions(&report, "varicose_mild", &["lower_leg_l"]);
    assert_avoid_regions(&report, &[]);
    assert_verdict(&report, "modify", "none");
    assert_eq!(massage_type(&report), Some("deep_tissue"), "varicose_mild is not pressure-restricting");
}

// --- cervical arterial dysfunction ---------------------------------------------------------------

/// An office worker with neck pain who gets dizzy looking up, nothing else: v2 screens it
/// (modify, neck) instead of stopping and referring (IFOMPT; Bárány 2023).
#[test]
fn dizziness_with_neck_pain_is_dizziness_neck_screened() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "neck_pain", "redflag.cad_symptoms": ["dizziness"],
    }));
    assert_flags(&report, &["dizziness_neck_screened"]);
    assert_regions(&report, "dizziness_neck_screened", &["neck"]);
    assert_avoid_regions(&report, &[]);
    assert_verdict(&report, "modify", "none");
}

/// Nausea alone with a headache on the body chart: v2's soft-sign cluster needs dizziness with
/// nausea, or facial numbness, so nausea alone raises nothing.
#[test]
fn nausea_alone_with_a_head_complaint_raises_nothing() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.regions": ["head"], "redflag.cad_symptoms": ["nausea"],
    }));
    assert_flags(&report, &[]);
}

/// A patient with low back pain who is dizzy, nauseous and numb in the face: v2 needs no neck
/// complaint, and dizziness with facial numbness is an emergency sign (IFOMPT cervical framework).
#[test]
fn dizziness_with_facial_numbness_is_an_emergency_without_a_neck_complaint() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "low_back_pain", "complaint.regions": ["lower_back"],
        "redflag.cad_symptoms": ["dizziness", "nausea", "numbness"],
    }));
    assert_flags(&report, &["cervical_arterial_emergency"]);
    assert_verdict(&report, "stop", "emergency");
    assert_eq!(route(&report), "emergency_referral");
}

/// Neck pain with dizziness and double vision: emergency only, the concern is not raised beside it.
#[test]
fn diplopia_is_cervical_arterial_emergency_only() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "neck_pain",
        "redflag.cad_symptoms": ["dizziness", "diplopia"],
    }));
    assert_flags(&report, &["cervical_arterial_emergency"]);
    assert_regions(&report, "cervical_arterial_emergency", &["neck"]);
    assert_verdict(&report, "stop", "emergency");
    assert_eq!(route(&report), "emergency_referral");
    assert_no_massage_plan(&report);
}

// --- cauda equina --------------------------------------------------------------------------------

/// New difficulty passing urine, with no back pain recorded: cauda equina, emergency.
#[test]
fn bladder_change_alone_is_cauda_equina() {
    let report = screen(json!({ "visit.date": VISIT, "redflag.bladder_bowel": true }));
    assert_flags(&report, &["cauda_equina"]);
    let f = flag(&report, "cauda_equina");
    assert_eq!((&f["kind"], &f["massage"], &f["referral"]), (&json!("red_flag"), &json!("stop"), &json!("emergency")));
    assert_because_has(&report, "cauda_equina", &["redflag.bladder_bowel"]);
    assert_verdict(&report, "stop", "emergency");
    assert_eq!(route(&report), "emergency_referral");
    assert_no_massage_plan(&report);
}

/// Lower back pain on the body chart with numbness in both legs: cauda equina.
#[test]
fn back_pain_with_bilateral_leg_symptoms_is_cauda_equina() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.regions": ["lower_back"], "redflag.bilateral_leg_symptoms": true,
    }));
    assert_flags(&report, &["cauda_equina"]);
    assert_because_has(&report, "cauda_equina", &["redflag.bilateral_leg_symptoms"]);
    assert_eq!(route(&report), "emergency_referral");
}

/// Sciatica (back pain by condition) with a new change in sexual function: cauda equina.
#[test]
fn sciatica_with_sexual_dysfunction_is_cauda_equina() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "sciatica", "redflag.sexual_dysfunction": true,
    }));
    assert_flags(&report, &["cauda_equina"]);
}

/// A runner with both knees aching and no back pain: bilateral leg symptoms alone raise nothing.
#[test]
fn bilateral_leg_symptoms_without_back_pain_raise_nothing() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "knee_pfps", "complaint.regions": ["knee_l", "knee_r"],
        "redflag.bilateral_leg_symptoms": true,
    }));
    assert_flags(&report, &[]);
    assert_verdict(&report, "clear", "none");
}

// --- malignancy and weight loss --------------------------------------------------------------------

/// Unexplained weight loss with nothing else: a routine GP review, massage not restricted.
#[test]
fn weight_loss_alone_is_a_routine_review() {
    let report = screen(json!({ "visit.date": VISIT, "redflag.weight_loss": true }));
    assert_flags(&report, &["unexplained_weight_loss"]);
    let f = flag(&report, "unexplained_weight_loss");
    assert_eq!((&f["kind"], &f["massage"], &f["referral"]), (&json!("red_flag"), &Value::Null, &json!("routine")));
    assert_verdict(&report, "clear", "routine");
    assert_eq!(route(&report), "massage");
}

/// Weight loss with pain that wakes the patient every night: malignancy suspicion, not the routine flag.
#[test]
fn weight_loss_with_nightly_pain_is_malignancy_suspicion() {
    let report = screen(json!({
        "visit.date": VISIT, "redflag.weight_loss": true, "pain.night": "wakes_nightly",
    }));
    assert_flags(&report, &["malignancy_suspicion"]);
    assert_because_has(&report, "malignancy_suspicion", &["redflag.weight_loss", "pain.night"]);
    assert_verdict(&report, "stop", "urgent");
    assert_eq!(route(&report), "urgent_referral");
}

/// Weight loss with constant pain that nothing eases: malignancy suspicion.
#[test]
fn weight_loss_with_non_mechanical_pain_is_malignancy_suspicion() {
    let report = screen(json!({
        "visit.date": VISIT, "redflag.weight_loss": true, "redflag.non_mechanical_pain": true,
    }));
    assert_flags(&report, &["malignancy_suspicion"]);
}

/// Weight loss with pain that only occasionally wakes: not severe night pain, so the routine flag.
#[test]
fn weight_loss_with_occasional_night_waking_stays_routine() {
    let report = screen(json!({
        "visit.date": VISIT, "redflag.weight_loss": true, "pain.night": "wakes_occasionally",
    }));
    assert_flags(&report, &["unexplained_weight_loss"]);
}

// --- spinal infection ------------------------------------------------------------------------------

/// Low back pain, a fever and a recent urinary infection: the spinal infection cluster. v2: an
/// emergency (state referral guidelines send suspected spinal infection to the emergency department).
#[test]
fn back_pain_fever_and_recent_infection_is_spinal_infection_suspicion() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "low_back_pain", "screen.fever": true,
        "redflag.recent_infection": true,
    }));
    assert_flags(&report, &["spinal_infection_suspicion", "fever_acute_illness"]);
    assert_verdict(&report, "stop", "emergency");
    assert_eq!(route(&report), "emergency_referral");
    assert_no_massage_plan(&report);
}

/// Neck pain, night sweats and immunosuppression: the triad without a fever flag.
#[test]
fn neck_pain_night_sweats_and_immunosuppression_is_spinal_infection_suspicion() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "neck_pain", "redflag.systemically_unwell": true,
        "redflag.immunosuppressed": true,
    }));
    assert_flags(&report, &["spinal_infection_suspicion"]);
}

/// Knee pain with a fever and a history of injecting drugs: no spinal complaint, so only the fever.
#[test]
fn fever_and_risk_factor_without_spinal_complaint_is_only_fever() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "knee_pfps", "complaint.regions": ["knee_r"],
        "screen.fever": true, "redflag.iv_drug_use": true,
    }));
    assert_flags(&report, &["fever_acute_illness"]);
    assert_verdict(&report, "stop", "none");
    assert_eq!(route(&report), "defer");
}

// --- deep vein thrombosis -----------------------------------------------------------------------------

/// A swollen, warm left calf ten days after knee surgery: suspected DVT, and the surgery is named.
#[test]
fn calf_signs_after_recent_surgery_is_dvt_suspected_because_of_the_surgery() {
    let report = screen(json!({
        "visit.date": VISIT, "screen.calf_signs": true, "screen.calf_signs.regions": ["lower_leg_l"],
        "screen.surgery_recent": true, "screen.surgery_recent.date": "2026-11-12",
        "screen.surgery_recent.regions": ["knee_l"],
    }));
    assert_flags(&report, &["dvt_suspected", "surgery_recent"]);
    assert_regions(&report, "dvt_suspected", &["lower_leg_l"]);
    assert_because_has(&report, "dvt_suspected", &["screen.calf_signs", "screen.surgery_recent"]);
    assert_avoid_regions(&report, &["knee_l"]);
    assert_verdict(&report, "stop", "urgent");
    assert_eq!(route(&report), "urgent_referral");
    assert_no_massage_plan(&report);
}

/// The same calf signs 35 days after surgery: v2 counts surgery within 12 weeks (the DVT Wells
/// score, NICE NG158), so the surgery joins the flag's `because`.
#[test]
fn calf_signs_35_days_after_surgery_name_the_surgery() {
    let report = screen(json!({
        "visit.date": VISIT, "screen.calf_signs": true, "screen.calf_signs.regions": ["lower_leg_l"],
        "screen.surgery_recent": true, "screen.surgery_recent.date": "2026-10-18",
        "screen.surgery_recent.regions": ["knee_l"],
    }));
    assert_flags(&report, &["dvt_suspected", "surgery_recent"]);
    assert_because_has(&report, "dvt_suspected", &["screen.surgery_recent", "screen.surgery_recent.date"]);
}

// --- pregnancy -----------------------------------------------------------------------------------------

/// Twelve weeks pregnant: first trimester, so no abdominal or sacral work, and gentle massage.
#[test]
fn pregnancy_at_12_weeks_is_first_trimester() {
    let report = screen(json!({
        "visit.date": VISIT, "screen.pregnant": true, "pregnancy.weeks": 12, "goals.primary": "muscle_tension",
    }));
    assert_flags(&report, &["pregnancy_first_trimester", "pregnancy"]);
    assert_regions(&report, "pregnancy_first_trimester", &["abdomen", "sacrum_pelvis"]);
    assert_avoid_regions(&report, &["abdomen", "sacrum_pelvis"]);
    assert_verdict(&report, "avoid", "none");
    assert_eq!(massage_type(&report), Some("therapeutic"), "pregnancy restricts pressure");
}

/// Thirteen weeks pregnant: v2 follows ACOG, the first trimester runs to 13+6 weeks; 14 is past it.
#[test]
fn pregnancy_at_13_weeks_is_still_first_trimester_and_14_is_not() {
    let report = screen(json!({ "visit.date": VISIT, "screen.pregnant": true, "pregnancy.weeks": 13 }));
    assert_flags(&report, &["pregnancy_first_trimester", "pregnancy"]);
    assert_avoid_regions(&report, &["abdomen", "sacrum_pelvis"]);
    assert_verdict(&report, "avoid", "none");
    let report = screen(json!({ "visit.date": VISIT, "screen.pregnant": true, "pregnancy.weeks": 14 }));
    assert_flags(&report, &["pregnancy"]);
    assert_avoid_regions(&report, &[]);
    assert_verdict(&report, "modify", "none");
}

/// Pregnant with the weeks not recorded: a comparison with an unanswered number is false.
#[test]
fn pregnancy_with_unknown_weeks_is_not_first_trimester() {
    let report = screen(json!({ "visit.date": VISIT, "screen.pregnant": true }));
    assert_flags(&report, &["pregnancy"]);
}

/// A high-risk pregnancy at 30 weeks with sudden facial swelling: obstetric care today.
#[test]
fn pregnancy_warning_signs_are_an_emergency() {
    let report = screen(json!({
        "visit.date": VISIT, "screen.pregnant": true, "pregnancy.weeks": 30, "pregnancy.high_risk": true,
        "pregnancy.warning_signs": true,
    }));
    assert_flags(&report, &["pregnancy_warning_signs", "pregnancy_high_risk", "pregnancy"]);
    assert_verdict(&report, "stop", "emergency");
    assert_eq!(route(&report), "emergency_referral");
    assert_no_massage_plan(&report);
}

// --- pressure ------------------------------------------------------------------------------------------

/// A man on apixaban who asks for firm pressure on tight shoulders: the conflict is flagged and
/// the massage is therapeutic.
#[test]
fn firm_pressure_on_anticoagulants_is_a_conflict() {
    let report = screen(json!({
        "visit.date": VISIT, "goals.massage_pressure": "firm", "goals.primary": "muscle_tension",
        "meds.anticoagulant": true,
    }));
    assert_flags(&report, &["anticoagulant", "firm_pressure_conflict"]);
    assert_because_has(&report, "firm_pressure_conflict", &["goals.massage_pressure", "meds.anticoagulant"]);
    assert_verdict(&report, "modify", "none");
    assert_eq!(route(&report), "massage");
    assert_eq!(massage_type(&report), Some("therapeutic"));
}

/// The same request for firm pressure from a healthy patient: no flag, deep tissue massage.
#[test]
fn firm_pressure_without_a_conflict_is_deep_tissue() {
    let report = screen(json!({
        "visit.date": VISIT, "goals.massage_pressure": "firm", "goals.primary": "muscle_tension",
    }));
    assert_flags(&report, &[]);
    assert_eq!(massage_type(&report), Some("deep_tissue"));
}

/// Insulin injected into the abdomen and left thigh: those sites are avoided, diabetes care applies.
#[test]
fn insulin_sites_are_avoided_and_diabetes_is_modified() {
    let report = screen(json!({
        "visit.date": VISIT, "meds.insulin": true, "meds.insulin.regions": ["thigh_l", "abdomen"],
    }));
    assert_flags(&report, &["insulin_sites", "diabetes"]);
    assert_because_has(&report, "diabetes", &["meds.insulin"]);
    assert_avoid_regions(&report, &["abdomen", "thigh_l"]);
    assert_verdict(&report, "avoid", "none");
}

/// A fall on the upper back in a patient on long-term prednisone: fracture suspicion and steroids.
#[test]
fn trauma_on_long_term_steroids_is_fracture_suspicion() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.mechanism": "trauma", "complaint.regions": ["upper_back"],
        "meds.corticosteroid_long_term": true,
    }));
    assert_flags(&report, &["fracture_suspicion", "long_term_steroids"]);
    assert_regions(&report, "fracture_suspicion", &["upper_back"]);
    assert_eq!(route(&report), "urgent_referral");
}

// --- yellow flags ---------------------------------------------------------------------------------------

/// One psychosocial factor (fear of movement) is counted but raises no flag.
#[test]
fn one_yellow_flag_is_counted_not_flagged() {
    let report = screen(json!({ "visit.date": VISIT, "yellow.fear_avoidance": true }));
    assert_flags(&report, &[]);
    assert_eq!(report["scores"]["yellow_flag_count"], 1);
}

/// Fear of movement and low mood together: psychosocial risk, which never blocks treatment.
#[test]
fn two_yellow_flags_raise_psychosocial_risk() {
    let report = screen(json!({
        "visit.date": VISIT, "yellow.fear_avoidance": true, "yellow.low_mood": true, "yellow.low_support": false,
    }));
    assert_flags(&report, &["psychosocial_risk"]);
    let f = flag(&report, "psychosocial_risk");
    assert_eq!((&f["kind"], &f["massage"], &f["referral"]), (&json!("yellow_flag"), &Value::Null, &Value::Null));
    assert_verdict(&report, "clear", "none");
    assert_eq!(report["scores"]["yellow_flag_count"], 2);
    assert_eq!(route(&report), "massage");
}

// --- ordering and the avoid map ------------------------------------------------------------------

/// A patient with a crowded screen: flags come stop, avoid, modify, none; within a tier emergency,
/// urgent, routine, none; then by id.
#[test]
fn flags_are_ordered_by_tier_then_referral_then_id() {
    let report = screen(json!({
        "visit.date": VISIT,
        "screen.lotion_allergy": true,
        "yellow.low_mood": true, "yellow.work_issues": true,
        "redflag.weight_loss": true,
        "screen.low_platelets": true,
        "screen.open_wound": true, "screen.open_wound.regions": ["hand_r"],
        "screen.lymphoedema": true, "screen.lymphoedema.regions": ["upper_arm_l"],
        "screen.skin_infection_local": true, "screen.skin_infection_local.regions": ["forearm_r"],
        "screen.fever": true,
        "screen.dvt_current": true,
        "screen.trauma_recent": true,
        "redflag.foot_drop": true,
        "redflag.myelopathy": true,
        "redflag.chest_symptoms": true,
    }));
    assert_flags(
        &report,
        &[
            "chest_symptoms",          // stop, emergency
            "cervical_myelopathy",     // stop, urgent
            "foot_drop",               // stop, urgent
            "trauma_unassessed",       // stop, urgent
            "dvt_current",             // stop, routine
            "fever_acute_illness",     // stop, none
            "skin_infection",          // avoid, routine
            "lymphoedema",             // avoid, none
            "open_wound",              // avoid, none
            "low_platelets",           // modify, routine
            "lotion_allergy",          // modify, none
            "unexplained_weight_loss", // none, routine
            "psychosocial_risk",       // none, none
        ],
    );
    assert_avoid_regions(&report, &["forearm_r", "hand_r", "upper_arm_l"]);
    assert_verdict(&report, "stop", "emergency");
    assert_eq!(report["scores"]["yellow_flag_count"], 2);
    assert_eq!(route(&report), "emergency_referral");
}

/// Chest pain plus new foot drop: the emergency wins the route over the urgent referral.
#[test]
fn emergency_beats_urgent_in_the_route() {
    let report = screen(json!({ "visit.date": VISIT, "redflag.chest_symptoms": true, "redflag.foot_drop": true }));
    assert_flags(&report, &["chest_symptoms", "foot_drop"]);
    assert_verdict(&report, "stop", "emergency");
    assert_eq!(route(&report), "emergency_referral");
}

/// New foot drop in a patient who also has a fever: urgent referral comes before deferring.
#[test]
fn urgent_beats_defer_in_the_route() {
    let report = screen(json!({ "visit.date": VISIT, "redflag.foot_drop": true, "screen.fever": true }));
    assert_flags(&report, &["foot_drop", "fever_acute_illness"]);
    assert_eq!(route(&report), "urgent_referral");
}

/// A cyclist with grazes, a healing wrist fracture, a known spinal tumour and a past TIA: the avoid
/// map is the sorted union of the avoid flags' regions, and the modify flag's neck is not in it.
#[test]
fn avoid_regions_are_the_sorted_union_of_avoid_flags() {
    let report = screen(json!({
        "visit.date": VISIT,
        "screen.open_wound": true, "screen.open_wound.regions": ["lower_leg_r", "hand_l"],
        "screen.fracture": true, "screen.fracture.regions": ["hand_l", "forearm_l"],
        "screen.tumour": true, "screen.tumour.regions": ["upper_back"],
        "screen.stroke_tia": true,
        // PLAN.md v2: stroke_tia's routine referral holds massage until a clearance is on file.
        "screen.clearance_on_file": true,
    }));
    assert_flags(&report, &["fracture", "open_wound", "tumour_site", "stroke_tia"]);
    assert_regions(&report, "open_wound", &["hand_l", "lower_leg_r"]);
    assert_regions(&report, "fracture", &["forearm_l", "hand_l"]);
    assert_regions(&report, "stroke_tia", &["neck"]);
    assert_eq!(
        strings(&flag(&report, "open_wound")["because"]),
        ["screen.open_wound", "screen.open_wound.regions"],
        "as in CONTRACT.md's example"
    );
    assert_avoid_regions(&report, &["forearm_l", "hand_l", "lower_leg_r", "upper_back"]);
    assert_verdict(&report, "avoid", "routine");
    assert_eq!(massage_type(&report), Some("therapeutic"), "stroke_tia restricts pressure");
}

// --- care plan -----------------------------------------------------------------------------------------

/// A stressed 36-year-old who sleeps badly wants a relaxing, light massage: clean screen, massage only.
#[test]
fn clean_relaxation_visit_is_massage_only() {
    let report = screen(json!({
        "visit.date": VISIT, "patient.name": "Maya Lind", "patient.dob": "1990-05-10", "visit.type": "initial",
        "visit.consent": true, "complaint.condition": "stress_anxiety_sleep", "complaint.onset_date": "2026-11-12",
        "pain.now": 2, "goals.primary": "relaxation_stress", "goals.massage_pressure": "light",
    }));
    assert_flags(&report, &[]);
    assert_verdict(&report, "clear", "none");
    assert_avoid_regions(&report, &[]);
    let plan = &report["plan"];
    assert_eq!(route(&report), "massage");
    assert_eq!(massage_type(&report), Some("therapeutic"));
    assert_null(plan, "session_order");
    assert_eq!(separate_days(&report), (false, 0));
    assert_null(plan, "frequency");
    assert!(aftercare_len(&report) > 0, "massage is part of the route");
    let scores = &report["scores"];
    assert_eq!(scores["age"], 36);
    assert_eq!(scores["stage"], "acute");
    assert_eq!(scores["nprs_severity"], "low");
    assert_null(scores, "psfs_mean");
    assert_eq!(scores["yellow_flag_count"], 0);
}

/// Low back pain for six months: massage first then physiotherapy, same day, deep tissue, weekly.
#[test]
fn chronic_low_back_pain_is_combined_massage_first() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "low_back_pain", "complaint.regions": ["lower_back"],
        "complaint.onset_date": CHRONIC_ONSET, "pain.now": 5, "goals.primary": "pain_relief",
    }));
    assert_flags(&report, &[]);
    let plan = &report["plan"];
    assert_eq!(route(&report), "combined");
    assert_eq!(plan["session_order"], "massage_first");
    assert_eq!(massage_type(&report), Some("deep_tissue"));
    assert_eq!(separate_days(&report), (false, 0), "same day");
    let frequency = plan["frequency"].as_str().unwrap_or_else(|| panic!("frequency for combined: {plan}"));
    assert!(frequency.to_lowercase().contains("weekly"), "{frequency}");
    assert!(aftercare_len(&report) > 0);
    assert_eq!(report["scores"]["stage"], "chronic");
    assert_eq!(report["scores"]["nprs_severity"], "moderate");
}

/// Patellofemoral knee pain that makes stairs hard: physiotherapy first, then massage, same day.
#[test]
fn knee_pfps_with_limitations_is_combined_physio_first() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "knee_pfps", "complaint.regions": ["knee_r"],
        "complaint.onset_date": "2026-11-12", "function.limitations": "Stairs and squatting hurt",
    }));
    assert_flags(&report, &[]);
    assert_eq!(route(&report), "combined");
    assert_eq!(report["plan"]["session_order"], "physio_first");
    assert_eq!(massage_type(&report), Some("therapeutic"));
    assert_eq!(separate_days(&report), (false, 0));
    assert!(report["plan"]["frequency"].is_string());
}

/// Long-standing fibromyalgia: PLAN.md gives it no session order, so the route is physio_first and
/// the separate-days question (asked only for combined) is not asked, although PLAN.md lists
/// fibromyalgia as a separate-days reason.
#[test]
fn chronic_fibromyalgia_is_physio_first_not_combined() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "fibromyalgia", "complaint.onset_date": "2025-01-15",
    }));
    assert_flags(&report, &[]);
    assert_eq!(route(&report), "physio_first");
    assert_null(&report["plan"], "session_order");
    assert_eq!(separate_days(&report), (false, 0));
    assert!(report["plan"]["frequency"].is_string());
    assert_eq!(aftercare_len(&report), 0);
}

/// A trauma-started sciatica five days old in a patient who tires easily: combined, on separate
/// days for two reasons (tires easily; early injury rehabilitation).
#[test]
fn acute_traumatic_sciatica_in_a_tired_patient_has_two_separate_days_reasons() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "sciatica", "complaint.mechanism": "trauma",
        "complaint.onset_date": "2026-11-17", "plan.fatigues_easily": true,
    }));
    assert_flags(&report, &[]);
    assert_eq!(route(&report), "combined");
    assert_eq!(report["plan"]["session_order"], "massage_first");
    assert_eq!(massage_type(&report), Some("deep_tissue"));
    assert_eq!(separate_days(&report), (true, 2));
}

/// Neck pain for months in a patient who gets dizzy after treatment and finds back-to-back sessions
/// overwhelming, and tires easily: every reason is listed.
#[test]
fn every_separate_days_reason_is_listed() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "neck_pain", "complaint.onset_date": CHRONIC_ONSET,
        "plan.fatigues_easily": true, "plan.dizzy_after_treatment": true, "plan.overwhelmed_back_to_back": true,
    }));
    assert_eq!(route(&report), "combined");
    assert_eq!(separate_days(&report), (true, 3));
}

/// Achilles tendinopathy with no onset date: the condition alone indicates physiotherapy, first.
#[test]
fn tendinopathy_is_combined_physio_first() {
    let report = screen(json!({ "visit.date": VISIT, "complaint.condition": "tendinopathy" }));
    assert_flags(&report, &[]);
    assert_eq!(route(&report), "combined");
    assert_eq!(report["plan"]["session_order"], "physio_first");
    assert_eq!(massage_type(&report), Some("therapeutic"));
    assert!(report["plan"]["frequency"].is_string());
    assert!(aftercare_len(&report) > 0);
}

/// A chronic problem the clinic files as `other`: physiotherapy indicated but no order, so physio_first
/// with weekly physiotherapy, no session order and no aftercare.
#[test]
fn chronic_other_condition_is_physio_first() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "other", "complaint.onset_date": CHRONIC_ONSET,
    }));
    assert_flags(&report, &[]);
    let plan = &report["plan"];
    assert_eq!(route(&report), "physio_first");
    assert_null(plan, "session_order");
    assert_eq!(separate_days(&report), (false, 0));
    let frequency = plan["frequency"].as_str().unwrap_or_else(|| panic!("frequency for physio_first: {plan}"));
    assert!(frequency.to_lowercase().contains("weekly physiotherapy"), "{frequency}");
    assert_eq!(aftercare_len(&report), 0);
    // PLAN.md section 2: a massage type is chosen whenever the massage verdict is not stop.
    assert_eq!(massage_type(&report), Some("deep_tissue"), "stage chronic");
}

/// Chronic knee pain but feverish today: the only finding is a stop, so the visit is deferred.
/// (With spinal pain, v2 raises spinal_pain_with_fever instead.)
#[test]
fn fever_alone_defers_even_a_combined_case() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "knee_pfps", "complaint.regions": ["knee_r"],
        "complaint.onset_date": CHRONIC_ONSET, "plan.fatigues_easily": true, "screen.fever": true,
    }));
    assert_flags(&report, &["fever_acute_illness"]);
    let f = flag(&report, "fever_acute_illness");
    assert_eq!((&f["massage"], &f["referral"]), (&json!("stop"), &Value::Null));
    assert_verdict(&report, "stop", "none");
    assert_eq!(route(&report), "defer");
    assert_no_massage_plan(&report);
}

// --- scores ---------------------------------------------------------------------------------------------

/// Pain now 0, 3, 4, 6, 7 and 10: low, low, moderate, moderate, high, high (CPA Pain Science
/// Division NRS-11 bands, INTAKE.md v2).
#[test]
fn nprs_severity_bands() {
    for (pain, band) in [(0, "low"), (3, "low"), (4, "moderate"), (6, "moderate"), (7, "high"), (10, "high")] {
        let report = screen(json!({ "visit.date": VISIT, "pain.now": pain }));
        assert_eq!(report["scores"]["nprs_severity"], band, "pain.now {pain}");
    }
}

/// Onset 20, 21, 42 and 43 days before the visit: acute, subacute, subacute, chronic.
#[test]
fn stage_boundaries() {
    for (onset, stage) in
        [("2026-11-02", "acute"), ("2026-11-01", "subacute"), ("2026-10-11", "subacute"), ("2026-10-10", "chronic")]
    {
        let report = screen(json!({ "visit.date": VISIT, "complaint.onset_date": onset }));
        assert_eq!(report["scores"]["stage"], stage, "onset {onset}");
    }
}

/// PSFS mean counts only answered activities, and a score of 0 is an answer.
#[test]
fn psfs_mean_of_answered_scores() {
    for (scores, mean) in [
        (json!({ "psfs.1.score": 4, "psfs.3.score": 7 }), 5.5),
        (json!({ "psfs.1.score": 3, "psfs.2.score": 4, "psfs.3.score": 8 }), 5.0),
        (json!({ "psfs.1.score": 0, "psfs.2.score": 9 }), 4.5),
        (json!({ "psfs.2.score": 6 }), 6.0),
    ] {
        let report = screen(with(&scores, json!({ "visit.date": VISIT, "psfs.1.activity": "Stairs" })));
        let got = report["scores"]["psfs_mean"].as_f64().unwrap_or_else(|| panic!("psfs_mean for {scores}"));
        assert!((got - mean).abs() < 1e-9, "{scores}: {got} != {mean}");
    }
}

/// An almost empty intake: every score key is present, and the unknown ones are null.
#[test]
fn unknown_scores_are_null_and_the_yellow_count_is_zero() {
    let report = screen(json!({ "visit.date": VISIT }));
    let scores = &report["scores"];
    for key in ["nprs_severity", "stage", "age", "psfs_mean"] {
        assert_null(scores, key);
    }
    assert_eq!(scores["yellow_flag_count"], 0);
    assert_flags(&report, &[]);
    assert_verdict(&report, "clear", "none");
    assert_eq!(route(&report), "massage");
}

/// Four psychosocial factors ticked: the count is four, one flag.
#[test]
fn four_yellow_flags_are_counted() {
    let report = screen(json!({
        "visit.date": VISIT, "yellow.pain_means_harm": true, "yellow.catastrophising": true,
        "yellow.passive_expectation": true, "yellow.work_issues": true,
    }));
    assert_eq!(report["scores"]["yellow_flag_count"], 4);
    assert_flags(&report, &["psychosocial_risk"]);
}

// --- bad input ------------------------------------------------------------------------------------------

/// A typo in a contraindication id must never be dropped silently.
#[test]
fn unknown_item_id_is_refused_and_named() {
    let stderr = refused(json!({ "visit.date": VISIT, "screen.opne_wound": true }));
    assert!(stderr.contains("screen.opne_wound"), "{stderr}");
}

/// A date of birth after the visit date is an input error naming patient.dob.
#[test]
fn date_of_birth_after_the_visit_is_refused() {
    let stderr = refused(json!({ "visit.date": VISIT, "patient.dob": "2027-01-04" }));
    assert!(stderr.contains("patient.dob"), "{stderr}");
    assert!(!stderr.contains("2027-01-04"), "the value is patient data: {stderr}");
}

/// Pain now of 77 is out of range: refused, named, and the value is not repeated.
#[test]
fn out_of_range_pain_is_refused_without_repeating_the_value() {
    let stderr = refused(json!({ "visit.date": VISIT, "pain.now": 77 }));
    assert!(stderr.contains("pain.now"), "{stderr}");
    assert!(!stderr.contains("77"), "the value is patient data: {stderr}");
}

/// A patient's name pasted into a yes/no item: refused, and the text never reaches the message.
#[test]
fn text_in_a_bool_item_is_refused_without_repeating_it() {
    let stderr = refused(json!({ "visit.date": VISIT, "screen.fever": "CANARY-Jane-Doe" }));
    assert!(stderr.contains("screen.fever"), "{stderr}");
    assert!(!stderr.contains("CANARY"), "the value is patient data: {stderr}");
}
