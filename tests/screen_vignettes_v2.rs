//! Vignettes for rulebook v2 (../shared/clinical/CHANGES-v2.md), through the real binary's
//! `screen - --format json`. Each expectation is read from RULEBOOK.md and PLAN.md v2 and the
//! sources they cite, not from the program's output: the emergencies v1 missed, each new rule alone
//! and at its boundaries, the over-calls that must no longer fire, combinations, and the plan's
//! coherence with the flags. Every vignette gives `visit.date`.

use serde_json::{Value, json};

#[path = "common/screen.rs"]
mod screen;
use screen::*;

/// The flags as a set: these vignettes are about which flags fire, not their display order.
fn assert_flag_set(report: &Value, expected: &[&str]) {
    let mut got = flag_ids(report);
    got.sort();
    let mut want: Vec<String> = expected.iter().map(|s| (*s).to_owned()).collect();
    want.sort();
    assert_eq!(got, want, "flags fired");
}

fn fires(report: &Value, id: &str) -> bool {
    flag_ids(report).iter().any(|f| f == id)
}

fn tiers(report: &Value, id: &str) -> (Value, Value) {
    let f = flag(report, id);
    (f["massage"].clone(), f["referral"].clone())
}

fn aftercare(report: &Value) -> Vec<String> {
    strings(&report["plan"]["aftercare"])
}

fn reason(report: &Value, key: &str) -> String {
    report["plan"][key].as_str().unwrap_or_default().to_owned()
}

// --- cauda equina and spinal cord compression --------------------------------------------------

/// Both legs getting weaker, no back pain charted (the patient came about a knee): v1 missed it;
/// BMJ Best Practice sends bilateral motor weakness to hospital at once.
#[test]
fn bilateral_leg_weakness_without_back_pain_is_an_emergency() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "knee_pfps", "complaint.regions": ["knee_r"],
        "redflag.bilateral_leg_deficit": true,
    }));
    assert_flag_set(&report, &["cauda_equina"]);
    assert_verdict(&report, "stop", "emergency");
    assert_eq!(route(&report), "emergency_referral");
    assert_no_massage_plan(&report);
}

/// Pain down both legs below the knees without back pain (calf pain from running): the back-pain
/// cluster needs back pain, so nothing fires.
#[test]
fn bilateral_leg_pain_without_back_pain_is_not_cauda_equina() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "sports_injury",
        "complaint.regions": ["lower_leg_l", "lower_leg_r"], "redflag.bilateral_leg_symptoms": true,
        "redflag.bilateral_leg_deficit": false,
    }));
    assert!(!fires(&report, "cauda_equina"), "{:?}", flag_ids(&report));
}

/// Breast cancer four years ago and now clumsy hands: metastatic spinal cord compression is an
/// oncological emergency (NICE CG75/NG234), not the urgent myelopathy referral alone.
#[test]
fn cancer_history_with_new_myelopathy_is_mscc_emergency() {
    let report = screen(json!({
        "visit.date": VISIT, "patient.dob": "1968-02-01", "redflag.cancer_history": true,
        "redflag.myelopathy": true, "complaint.condition": "neck_pain",
    }));
    assert!(fires(&report, "mscc_suspicion") && fires(&report, "cervical_myelopathy"), "{:?}", flag_ids(&report));
    assert!(!fires(&report, "cancer_history"), "the cancer history modify flag gives way to the red flag");
    assert_verdict(&report, "stop", "emergency");
    assert_eq!(route(&report), "emergency_referral");
}

/// Known bone metastases that oncology knows about, yet a new bladder change: a new neurological
/// symptom is never "known and stable".
#[test]
fn known_stable_metastases_with_a_new_bladder_change_is_still_mscc() {
    let report = screen(json!({
        "visit.date": VISIT, "screen.bone_metastases": true, "screen.bone_metastases.regions": ["lower_back"],
        "redflag.cancer_symptoms_known": true, "redflag.bladder_bowel": true,
    }));
    assert!(fires(&report, "mscc_suspicion") && fires(&report, "cauda_equina"));
    assert_verdict(&report, "stop", "emergency");
}

// --- cancer: known and managed vs new --------------------------------------------------------

/// The over-call of v1: known spinal metastases under oncology care, the pain known and unchanged,
/// 62 years old. Only the avoid flag over the affected bones; no referral at every visit.
#[test]
fn known_managed_metastases_give_only_the_avoid_flag() {
    let report = screen(json!({
        "visit.date": VISIT, "patient.dob": "1964-05-05", "redflag.cancer_history": true,
        "screen.bone_metastases": true, "screen.bone_metastases.regions": ["lower_back"],
        "redflag.cancer_symptoms_known": true, "complaint.condition": "low_back_pain",
        "complaint.onset_date": CHRONIC_ONSET, "pain.night": "wakes_nightly", "complaint.trend": "unchanged",
    }));
    assert_flag_set(&report, &["bone_metastases", "cancer_history"]);
    assert_verdict(&report, "avoid", "none");
    assert_avoid_regions(&report, &["lower_back"]);
}

/// The same metastases without the clinician's note that oncology knows the pain: unanswered
/// counts as not known (the safe side), and night pain in the spine with known cancer is cluster 2.
#[test]
fn metastases_with_night_pain_not_known_to_oncology_are_malignancy_suspicion() {
    let report = screen(json!({
        "visit.date": VISIT, "screen.bone_metastases": true, "screen.bone_metastases.regions": ["lower_back"],
        "complaint.condition": "low_back_pain", "complaint.onset_date": CHRONIC_ONSET, "pain.night": "wakes_nightly",
    }));
    assert!(fires(&report, "malignancy_suspicion"), "{:?}", flag_ids(&report));
    assert_verdict(&report, "stop", "urgent");
}

/// Cancer history and thoracic pain that began two weeks ago: new thoracic pain with cancer is
/// cluster 1 (NICE: contact the MSCC coordinator within 24 hours).
#[test]
fn cancer_history_with_new_thoracic_pain_is_malignancy_suspicion() {
    let report = screen(json!({
        "visit.date": VISIT, "redflag.cancer_history": true, "complaint.regions": ["upper_back"],
        "complaint.onset_date": "2026-11-08",
    }));
    assert_flag_set(&report, &["malignancy_suspicion"]);
    assert_eq!(tiers(&report, "malignancy_suspicion"), (json!("stop"), json!("urgent")));
}

/// Constant pain that nothing eases: at 50 the unremitting-pain cluster is malignancy suspicion
/// (urgent); the day before the 50th birthday it is unremitting_pain (routine review, modify).
#[test]
fn unremitting_pain_at_the_age_50_boundary() {
    let at_50 =
        screen(json!({ "visit.date": VISIT, "patient.dob": "1976-11-22", "redflag.non_mechanical_pain": true }));
    assert_flag_set(&at_50, &["malignancy_suspicion"]);
    let at_49 =
        screen(json!({ "visit.date": VISIT, "patient.dob": "1976-11-23", "redflag.non_mechanical_pain": true }));
    assert_flag_set(&at_49, &["unremitting_pain"]);
    assert_eq!(tiers(&at_49, "unremitting_pain"), (json!("modify"), json!("routine")));
}

// --- infection, meningitis, arteritis, joints -----------------------------------------------------

/// Constant, worsening back pain three weeks after an epidural, no fever: 80% of epidural abscesses
/// are afebrile in the emergency department (AJEM 2019), so the afebrile cluster fires.
#[test]
fn afebrile_back_pain_after_an_epidural_is_spinal_infection_emergency() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "low_back_pain", "screen.fever": false,
        "redflag.systemically_unwell": false, "redflag.non_mechanical_pain": true,
        "redflag.spinal_procedure_recent": true,
    }));
    assert!(fires(&report, "spinal_infection_suspicion"), "{:?}", flag_ids(&report));
    assert!(!fires(&report, "unremitting_pain"), "the infection cluster takes the unremitting pain");
    assert_verdict(&report, "stop", "emergency");
}

/// Back pain with chills in a patient with diabetes: diabetes completes the febrile cluster.
#[test]
fn back_pain_with_chills_and_diabetes_is_spinal_infection() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "low_back_pain", "redflag.systemically_unwell": true,
        "screen.diabetes": true,
    }));
    assert!(fires(&report, "spinal_infection_suspicion"));
    assert!(!fires(&report, "spinal_pain_with_fever"));
}

/// Neck pain and a temperature, no risk factor: not the infection cluster, but not to be massaged
/// either: spinal_pain_with_fever, urgent review.
#[test]
fn neck_pain_with_fever_and_no_risk_factor_is_urgent() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "neck_pain", "screen.fever": true,
        "redflag.recent_infection": false, "redflag.iv_drug_use": false, "redflag.immunosuppressed": false,
        "redflag.spinal_procedure_recent": false, "meds.corticosteroid_long_term": false, "screen.diabetes": false,
    }));
    assert_flag_set(&report, &["spinal_pain_with_fever", "fever_acute_illness"]);
    assert_verdict(&report, "stop", "urgent");
    assert_eq!(route(&report), "urgent_referral");
}

/// Fever with a new stiff neck and light hurting the eyes: NICE NG240 red flags for meningitis.
#[test]
fn fever_with_neck_stiffness_and_photophobia_is_meningitis() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "neck_pain", "screen.fever": true,
        "redflag.headache_signs": ["neck_stiffness", "photophobia"],
    }));
    assert!(fires(&report, "meningitis_suspicion"));
    assert!(!fires(&report, "spinal_pain_with_fever"), "meningitis takes precedence");
    assert_verdict(&report, "stop", "emergency");
}

/// A rash that does not fade under a glass, nothing else asked: an emergency on its own.
#[test]
fn a_non_blanching_rash_alone_is_an_emergency() {
    let report = screen(json!({ "visit.date": VISIT, "redflag.headache_signs": ["non_blanching_rash"] }));
    assert_flag_set(&report, &["meningitis_suspicion"]);
    assert_verdict(&report, "stop", "emergency");
}

/// A stiff neck without fever is the usual neck problem, not meningism.
#[test]
fn neck_stiffness_without_fever_is_not_meningitis() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "neck_pain", "screen.fever": false,
        "redflag.systemically_unwell": false, "redflag.headache_signs": ["neck_stiffness"],
    }));
    assert_flag_set(&report, &[]);
}

/// Jaw aching on chewing at 72: giant cell arteritis, same-day specialist (BSR 2020). At 49 the
/// rule (age 50 and over) does not fire.
#[test]
fn jaw_claudication_over_50_is_gca_and_under_50_is_not() {
    let report = screen(json!({
        "visit.date": VISIT, "patient.dob": "1954-03-01", "redflag.headache_signs": ["jaw_claudication"],
    }));
    assert_flag_set(&report, &["gca_suspicion"]);
    assert_verdict(&report, "stop", "urgent");
    let young = screen(json!({
        "visit.date": VISIT, "patient.dob": "1976-11-23", "redflag.headache_signs": ["jaw_claudication"],
    }));
    assert_flag_set(&young, &[]);
}

/// A new headache at 70 with no other feature: ask about the others; it does not fire alone.
#[test]
fn a_new_headache_over_50_alone_is_not_gca() {
    let report = screen(json!({
        "visit.date": VISIT, "patient.dob": "1956-01-01", "redflag.headache_signs": ["new_headache"],
        "redflag.systemically_unwell": false, "redflag.weight_loss": false,
    }));
    assert_flag_set(&report, &[]);
}

/// A hot, swollen knee over two days, no fever: septic until proven otherwise (BSR 2006), urgent,
/// over the joint. With a fever the same joint is an emergency.
#[test]
fn a_hot_swollen_joint_is_urgent_and_with_fever_an_emergency() {
    let base = json!({
        "visit.date": VISIT, "redflag.hot_swollen_joint": true, "redflag.hot_swollen_joint.regions": ["knee_r"],
        "screen.fever": false, "redflag.systemically_unwell": false,
    });
    let report = screen(base.clone());
    assert_flag_set(&report, &["septic_arthritis_suspicion"]);
    assert_regions(&report, "septic_arthritis_suspicion", &["knee_r"]);
    assert_verdict(&report, "stop", "urgent");
    let febrile = screen(with(&base, json!({"screen.fever": true})));
    assert_flag_set(&febrile, &["septic_arthritis_with_fever", "fever_acute_illness"]);
    assert_verdict(&febrile, "stop", "emergency");
}

// --- heart and blood pressure ------------------------------------------------------------------

/// New chest tightness at rest this morning: NICE CG95, pain in the last 12 hours with no ECG is an
/// emergency; 12-72 hours ago or earlier in the last weeks, urgent.
#[test]
fn unstable_angina_by_the_time_of_the_last_episode() {
    for (last, id, referral) in [
        ("within_12h", "unstable_angina_12h", "emergency"),
        ("within_72h", "unstable_angina", "urgent"),
        ("earlier", "unstable_angina", "urgent"),
    ] {
        let report = screen(json!({ "visit.date": VISIT, "screen.angina_unstable": last }));
        assert_flag_set(&report, &[id]);
        assert_verdict(&report, "stop", referral);
    }
    let none = screen(json!({ "visit.date": VISIT, "screen.angina_unstable": "none" }));
    assert_flag_set(&none, &[]);
}

/// 185/95 with a severe headache: a hypertensive emergency by AHA; without symptoms the same
/// reading is the crisis range, urgent.
#[test]
fn bp_185_over_95_with_and_without_symptoms() {
    let base = json!({ "visit.date": VISIT, "vitals.bp_systolic": 185, "vitals.bp_diastolic": 95 });
    let with_headache = screen(with(&base, json!({"redflag.headache_signs": ["severe_headache"]})));
    assert_flag_set(&with_headache, &["bp_crisis_symptoms"]);
    assert_verdict(&with_headache, "stop", "emergency");
    let calm = screen(with(&base, json!({"redflag.headache_signs": ["none"], "redflag.chest_symptoms": false})));
    assert_flag_set(&calm, &["bp_severe"]);
    assert_verdict(&calm, "stop", "urgent");
}

/// The crisis boundary: 179/119 is raised (modify, routine), 180/119 and 179/120 are the crisis.
#[test]
fn bp_crisis_boundary_180_over_120() {
    let below = screen(json!({ "visit.date": VISIT, "vitals.bp_systolic": 179, "vitals.bp_diastolic": 119 }));
    assert_flag_set(&below, &["bp_elevated"]);
    for (s, d) in [(180, 119), (179, 120)] {
        let report = screen(json!({ "visit.date": VISIT, "vitals.bp_systolic": s, "vitals.bp_diastolic": d }));
        assert_flag_set(&report, &["bp_severe"]);
    }
}

/// Crisis-range pressure with a neurovascular sign (blurred vision): an emergency, and the eye
/// sign is a cervical arterial emergency too.
#[test]
fn crisis_bp_with_vision_loss_is_an_emergency_twice_over() {
    let report = screen(json!({
        "visit.date": VISIT, "vitals.bp_systolic": 182, "vitals.bp_diastolic": 100,
        "redflag.cad_symptoms": ["vision_loss"],
    }));
    assert_flag_set(&report, &["bp_crisis_symptoms", "cervical_arterial_emergency"]);
    assert_verdict(&report, "stop", "emergency");
}

/// A heart attack four months ago with the cardiologist's clearance on file: no longer stopped;
/// gentle, shorter sessions.
#[test]
fn recent_heart_attack_with_clearance_is_modify() {
    let report =
        screen(json!({ "visit.date": VISIT, "screen.cardiac_recent": true, "screen.clearance_on_file": true }));
    assert_flag_set(&report, &["cardiac_recent_cleared"]);
    assert_verdict(&report, "modify", "none");
    let uncleared = screen(json!({ "visit.date": VISIT, "screen.cardiac_recent": true }));
    assert_flag_set(&uncleared, &["cardiac_recent"]);
    assert_verdict(&uncleared, "stop", "routine");
}

/// Haemophilia with the haematologist's letter: light pressure (a pressure-restricting flag), and
/// the aneurysm with clearance keeps the abdomen off limits.
#[test]
fn clearance_turns_bleeding_disorder_and_aneurysm_into_precautions() {
    let report = screen(json!({
        "visit.date": VISIT, "screen.bleeding_disorder": true, "screen.aneurysm": true,
        "screen.clearance_on_file": true, "complaint.condition": "general_tension",
    }));
    assert_flag_set(&report, &["bleeding_disorder_cleared", "aneurysm_cleared"]);
    assert_avoid_regions(&report, &["abdomen"]);
    assert_verdict(&report, "avoid", "none");
    assert_eq!(massage_type(&report), Some("therapeutic"), "both restrict pressure");
}

/// A known current clot is not lifted by a clearance: the answer changes when the clot resolves.
#[test]
fn a_current_clot_is_not_lifted_by_clearance() {
    let report = screen(json!({ "visit.date": VISIT, "screen.dvt_current": true, "screen.clearance_on_file": true }));
    assert_flag_set(&report, &["dvt_current"]);
    assert_verdict(&report, "stop", "routine");
    assert_eq!(route(&report), "defer");
}

/// Calf signs 84 days after surgery: the surgery is a risk factor (DVT Wells, 12 weeks); at 85
/// days it no longer joins the flag.
#[test]
fn surgery_joins_dvt_suspected_until_12_weeks() {
    let at = |date: &str| {
        screen(json!({
            "visit.date": VISIT, "screen.calf_signs": true, "screen.surgery_recent": true,
            "screen.surgery_recent.date": date,
        }))
    };
    let day_84 = at("2026-08-30");
    assert_because_has(&day_84, "dvt_suspected", &["screen.surgery_recent"]);
    let day_85 = at("2026-08-29");
    let because = strings(&flag(&day_85, "dvt_suspected")["because"]);
    assert!(!because.iter().any(|b| b == "screen.surgery_recent"), "{because:?}");
}

// --- neck: arteries, dizziness, trauma ----------------------------------------------------------

/// A sudden, worst-ever headache that peaked within a minute, in a patient who came about low back
/// pain: a thunderclap headache is an emergency sign with or without neck pain.
#[test]
fn thunderclap_headache_without_neck_pain_is_an_emergency() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "low_back_pain", "redflag.cad_symptoms": ["thunderclap_headache"],
    }));
    assert_flag_set(&report, &["cervical_arterial_emergency"]);
    assert_verdict(&report, "stop", "emergency");
}

/// One drooping eyelid and a small pupil with a shoulder complaint: Horner's sign of carotid
/// dissection (28-41% of cases).
#[test]
fn horner_signs_are_an_emergency() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "shoulder_impingement", "redflag.cad_symptoms": ["eyelid_pupil"],
    }));
    assert_flag_set(&report, &["cervical_arterial_emergency"]);
}

/// Dizziness with neck pain and nausea: two soft signs, urgent assessment (not the screened path).
#[test]
fn dizziness_with_nausea_is_cervical_arterial_concern() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "neck_pain", "redflag.cad_symptoms": ["dizziness", "nausea"],
    }));
    assert_flag_set(&report, &["cervical_arterial_concern"]);
    assert_verdict(&report, "stop", "urgent");
}

/// The cervicogenic-dizziness over-call of v1: neck pain for months, dizzy looking up, nothing else.
/// Screened and modified, not stopped; massage can go on with the neck precautions.
#[test]
fn cervicogenic_dizziness_is_screened_not_stopped() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "neck_pain", "complaint.mechanism": "insidious",
        "complaint.onset_date": CHRONIC_ONSET, "redflag.cad_symptoms": ["dizziness"],
    }));
    assert_flag_set(&report, &["dizziness_neck_screened"]);
    assert_verdict(&report, "modify", "none");
    assert_ne!(route(&report), "urgent_referral");
    assert!(
        aftercare(&report).iter().any(|l| l.contains("Double vision")),
        "its aftercare line: {:?}",
        aftercare(&report)
    );
}

/// Rear-ended yesterday, walked at the scene, sits comfortably, turns the head 45° each way, 40:
/// the Canadian C-spine rule is negative. Low-risk whiplash, modify; no urgent stop only because
/// no doctor has seen it (the v1 over-call).
#[test]
fn low_risk_whiplash_is_modify_not_stop() {
    let report = screen(json!({
        "visit.date": VISIT, "patient.dob": "1986-04-04", "complaint.condition": "neck_pain",
        "complaint.mechanism": "trauma", "complaint.onset_date": "2026-11-21",
        "screen.trauma_recent": true, "screen.trauma_recent.regions": ["neck"],
        "screen.trauma_recent.cspine_high_risk": ["none"],
        "screen.trauma_recent.cspine_low_risk": ["simple_rear_end", "ambulatory", "sitting_comfortably"],
        "screen.trauma_recent.cspine_rotation": true, "redflag.cad_symptoms": ["none"],
    }));
    assert_flag_set(&report, &["whiplash_low_risk"]);
    assert_verdict(&report, "modify", "none");
    assert!(aftercare(&report).iter().any(|l| l.contains("pins and needles")), "{:?}", aftercare(&report));
}

/// The same collision at 65: age is a high-risk factor of the rule, imaging within 24 hours.
#[test]
fn the_same_whiplash_at_65_needs_imaging() {
    let report = screen(json!({
        "visit.date": VISIT, "patient.dob": "1961-11-22", "screen.trauma_recent": true,
        "screen.trauma_recent.regions": ["neck"], "screen.trauma_recent.cspine_high_risk": ["none"],
        "screen.trauma_recent.cspine_low_risk": ["simple_rear_end", "ambulatory"],
        "screen.trauma_recent.cspine_rotation": true,
    }));
    assert_flag_set(&report, &["cspine_imaging_indicated"]);
    assert_regions(&report, "cspine_imaging_indicated", &["neck"]);
    assert_verdict(&report, "stop", "urgent");
}

/// A fall down six stairs with neck pain: a dangerous mechanism, imaging indicated whatever else.
#[test]
fn a_dangerous_mechanism_needs_neck_imaging() {
    let report = screen(json!({
        "visit.date": VISIT, "patient.dob": "1990-01-01", "screen.trauma_recent": true,
        "screen.trauma_recent.regions": ["neck"], "screen.trauma_recent.cspine_high_risk": ["dangerous_mechanism"],
    }));
    assert_flag_set(&report, &["cspine_imaging_indicated"]);
}

/// Dizzy since a low-risk whiplash two days ago: dizziness after neck trauma is a soft-sign cluster
/// (IFOMPT: trauma a risk factor), so it stops and refers within 24 hours beside the whiplash flag.
#[test]
fn dizziness_after_a_low_risk_whiplash_is_cervical_arterial_concern() {
    let report = screen(json!({
        "visit.date": VISIT, "patient.dob": "1986-04-04", "screen.trauma_recent": true,
        "screen.trauma_recent.regions": ["neck"], "screen.trauma_recent.cspine_high_risk": ["none"],
        "screen.trauma_recent.cspine_low_risk": ["delayed_onset"], "screen.trauma_recent.cspine_rotation": true,
        "redflag.cad_symptoms": ["dizziness"], "complaint.condition": "neck_pain",
    }));
    assert_flag_set(&report, &["whiplash_low_risk", "cervical_arterial_concern"]);
    assert!(!fires(&report, "dizziness_neck_screened"));
    assert_verdict(&report, "stop", "urgent");
}

/// A rolled ankle, bone tender at the tip of the lateral malleolus: Ottawa positive, X-ray within
/// 24 hours; the ankle is avoided, not the whole patient stopped.
#[test]
fn ottawa_positive_ankle_avoids_the_ankle_and_refers_urgently() {
    let report = screen(json!({
        "visit.date": VISIT, "patient.dob": "1995-01-01", "screen.trauma_recent": true,
        "screen.trauma_recent.regions": ["foot_r"], "screen.trauma_recent.ottawa": ["malleolar_tenderness"],
    }));
    assert_flag_set(&report, &["ottawa_xray_indicated"]);
    assert_regions(&report, "ottawa_xray_indicated", &["foot_r"]);
    assert_verdict(&report, "avoid", "urgent");
}

/// An Ottawa-negative ankle: no imaging needed, and no longer trauma_unassessed.
#[test]
fn ottawa_negative_ankle_raises_nothing() {
    let report = screen(json!({
        "visit.date": VISIT, "patient.dob": "1995-01-01", "screen.trauma_recent": true,
        "screen.trauma_recent.regions": ["foot_r"], "screen.trauma_recent.ottawa": ["none"],
    }));
    assert_flag_set(&report, &[]);
}

/// A knee injury with no Ottawa finding: the knee rule adds age 55 or over, so 55 needs an X-ray
/// and 54 does not.
#[test]
fn ottawa_knee_age_boundary_55() {
    let at = |dob: &str| {
        screen(json!({
            "visit.date": VISIT, "patient.dob": dob, "screen.trauma_recent": true,
            "screen.trauma_recent.regions": ["knee_l"], "screen.trauma_recent.ottawa": ["none"],
        }))
    };
    assert_flag_set(&at("1971-11-22"), &["ottawa_xray_indicated"]);
    assert_flag_set(&at("1971-11-23"), &[]);
}

/// A fall onto the shoulder: no decision rule covers the shoulder, so recent unassessed trauma
/// still stops and refers (NYSED).
#[test]
fn trauma_to_an_area_without_a_decision_rule_is_still_unassessed() {
    let report = screen(json!({
        "visit.date": VISIT, "screen.trauma_recent": true, "screen.trauma_recent.regions": ["shoulder_l", "neck"],
    }));
    assert!(fires(&report, "trauma_unassessed"));
    assert!(fires(&report, "cspine_imaging_indicated"), "the neck rule is not completed: the safe side");
}

// --- skin, surgery ---------------------------------------------------------------------------------

/// Cellulitis on the forearm with red streaks towards the armpit: lymphangitis, no massage and
/// antibiotics today (Werner; Atlas of Emergency Medicine).
#[test]
fn red_streaks_from_cellulitis_are_lymphangitis() {
    let report = screen(json!({
        "visit.date": VISIT, "screen.skin_infection_local": true, "screen.skin_infection_local.regions": ["forearm_r"],
        "screen.red_streaks": true,
    }));
    assert_flag_set(&report, &["lymphangitis", "skin_infection"]);
    assert_verdict(&report, "stop", "urgent");
}

/// 43 days after a knee operation: past the 6-week deep-pressure window, but the scar is still
/// pink and raised, so the area is avoided (NYSED sets no day count for healing scars).
#[test]
fn a_healing_scar_keeps_the_area_avoided_after_six_weeks() {
    let base = json!({
        "visit.date": VISIT, "screen.surgery_recent": true, "screen.surgery_recent.date": "2026-10-10",
        "screen.surgery_recent.regions": ["knee_r"],
    });
    let healing = screen(with(&base, json!({"screen.surgery_recent.scar_unhealed": true})));
    assert_flag_set(&healing, &["surgery_recent"]);
    assert_avoid_regions(&healing, &["knee_r"]);
    let healed = screen(with(&base, json!({"screen.surgery_recent.scar_unhealed": false})));
    assert_flag_set(&healed, &[]);
}

// --- the plan follows the flags (PLAN.md v2) -----------------------------------------------------

/// Chronic low back pain (physiotherapy indicated, massage first by seed 001) with a heart
/// condition needing clearance: v1 said "combined, massage first, same day". v2: physiotherapy first,
/// massage waits for the clearance; no session order; the type is chosen "once clearance is on
/// file"; the aftercare carries the heart line and says massage will be booked once cleared.
#[test]
fn a_pending_clearance_makes_physiotherapy_first_and_massage_wait() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "low_back_pain", "complaint.regions": ["lower_back"],
        "complaint.onset_date": CHRONIC_ONSET, "screen.heart_condition": true,
    }));
    assert_flag_set(&report, &["heart_condition"]);
    assert_eq!(route(&report), "physio_first");
    assert_null(&report["plan"], "session_order");
    assert!(
        reason(&report, "route_reason").contains("asked for by: Heart condition"),
        "the route names the flag: {}",
        reason(&report, "route_reason")
    );
    assert!(
        reason(&report, "massage_type_reason").starts_with("Once clearance is on file:"),
        "{}",
        reason(&report, "massage_type_reason")
    );
    let lines = aftercare(&report);
    assert!(lines.iter().any(|l| l.contains("clearance is on file")), "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("Chest pain")), "the heart condition's own aftercare: {lines:?}");
}

/// The same patient with the clearance on file: combined care, massage first, and on separate days
/// because a heart condition calls for shorter, lighter sessions.
#[test]
fn with_clearance_on_file_the_same_patient_gets_combined_care_on_separate_days() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "low_back_pain", "complaint.regions": ["lower_back"],
        "complaint.onset_date": CHRONIC_ONSET, "screen.heart_condition": true, "screen.clearance_on_file": true,
    }));
    assert_eq!(route(&report), "combined");
    assert_eq!(report["plan"]["session_order"], "massage_first");
    assert_eq!(report["plan"]["separate_days"], true);
    assert_eq!(massage_type(&report), Some("therapeutic"), "heart_condition restricts pressure");
}

/// A holding flag and nothing that indicates physiotherapy (tension, relaxation goal): nothing can
/// be offered until the clearance is on file, so the visit is deferred.
#[test]
fn a_pending_clearance_without_physiotherapy_defers() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "general_tension", "goals.primary": "relaxation_stress",
        "screen.autoimmune": true,
    }));
    assert_flag_set(&report, &["autoimmune"]);
    assert_eq!(route(&report), "defer");
    assert_null(&report["plan"], "massage_type");
    assert!(aftercare(&report).is_empty(), "no aftercare on a defer route");
}

/// Chronic low back pain with an open wound over the lower back: the complaint is on the avoid map,
/// so physiotherapy first (massage, if any, of other areas only).
#[test]
fn an_avoided_complaint_starts_with_physiotherapy() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "low_back_pain", "complaint.regions": ["lower_back"],
        "complaint.onset_date": CHRONIC_ONSET, "screen.open_wound": true, "screen.open_wound.regions": ["lower_back"],
    }));
    assert_eq!(route(&report), "physio_first");
    assert!(reason(&report, "route_reason").contains("avoid"), "{}", reason(&report, "route_reason"));
}

/// Combined care for chronic neck pain on blood thinners: the aftercare carries the anticoagulant's
/// bruising line after the general massage lines, once.
#[test]
fn aftercare_carries_each_flags_own_line() {
    let report = screen(json!({
        "visit.date": VISIT, "complaint.condition": "neck_pain", "complaint.regions": ["neck"],
        "complaint.onset_date": CHRONIC_ONSET, "meds.anticoagulant": true, "meds.antihypertensive": true,
    }));
    assert_eq!(route(&report), "combined");
    let lines = aftercare(&report);
    let bruising = lines.iter().filter(|l| l.contains("blood thinners")).count();
    assert_eq!(bruising, 1, "{lines:?}");
    assert!(lines.iter().any(|l| l.contains("Get up slowly")), "{lines:?}");
}

/// Deep tissue for chronic neck pain, with a low-risk whiplash: the reason names the neck as the
/// exception instead of contradicting the flag.
#[test]
fn deep_tissue_names_the_regional_exception() {
    let report = screen(json!({
        "visit.date": VISIT, "patient.dob": "1986-04-04", "complaint.condition": "neck_pain",
        "complaint.regions": ["neck"], "complaint.onset_date": CHRONIC_ONSET,
        "screen.trauma_recent": true, "screen.trauma_recent.regions": ["neck"],
        "screen.trauma_recent.cspine_high_risk": ["none"], "screen.trauma_recent.cspine_low_risk": ["ambulatory"],
        "screen.trauma_recent.cspine_rotation": true,
    }));
    assert!(fires(&report, "whiplash_low_risk"));
    assert_eq!(massage_type(&report), Some("deep_tissue"));
    assert!(
        reason(&report, "massage_type_reason").contains("except over"),
        "{}",
        reason(&report, "massage_type_reason")
    );
}

/// No plan says "massage first, same day" while a flag asks for clearance before massage: over
/// every holding flag of the rulebook, with a complaint that has a massage-first order.
#[test]
fn no_holding_flag_ever_gets_combined_massage_first() {
    let holding = [
        json!({"screen.heart_condition": true}),
        json!({"screen.kidney_disease": true}),
        json!({"screen.autoimmune": true}),
        json!({"screen.low_platelets": true}),
        json!({"screen.cancer_treatment": true}),
        json!({"screen.oedema": "heart_or_kidney"}),
        json!({"screen.stroke_tia": true}),
        json!({"pregnancy.high_risk": true, "screen.pregnant": true, "pregnancy.weeks": 24}),
        json!({"vitals.bp_systolic": 165, "vitals.bp_diastolic": 85}),
        json!({"redflag.non_mechanical_pain": true, "patient.dob": "1990-01-01"}),
    ];
    let base = json!({
        "visit.date": VISIT, "complaint.condition": "low_back_pain", "complaint.regions": ["lower_back"],
        "complaint.onset_date": CHRONIC_ONSET,
    });
    for extra in holding {
        let report = screen(with(&base, extra.clone()));
        assert_ne!(route(&report), "combined", "{extra}");
        assert_ne!(route(&report), "massage", "{extra}");
        assert_null(&report["plan"], "session_order");
    }
}
