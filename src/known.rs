//! Every questionnaire item, section and option that Rust code names, declared once and checked
//! when the content loads ([`check`], called by `Content::load`). Renaming or retyping one of
//! them in assets/questionnaire.json is then a load error naming it, never a behaviour that
//! silently switches off (a clinician's decision no longer read, a follow-up no longer marked).
//!
//! Code names these through the constants below, never as string literals. The app's ids are
//! here too (`VISIT_DATE`, `VISIT_TYPE`, `PSFS_3_SCORE`, the `DECISION` section), so it can use
//! them in the same way. Policy that is data lives in assets instead (which sections a follow-up
//! asks again: assets/follow_up.json).

use crate::domain::{ItemType, Questionnaire};

/// Item ids.
pub mod item {
    pub const PATIENT_NAME: &str = "patient.name";
    pub const PATIENT_DOB: &str = "patient.dob";
    pub const PATIENT_SEX: &str = "patient.sex";
    pub const VISIT_DATE: &str = "visit.date";
    pub const VISIT_TYPE: &str = "visit.type";
    pub const VISIT_CLINICIAN: &str = "visit.clinician";
    pub const VISIT_CONSENT: &str = "visit.consent";
    pub const COMPLAINT_CONDITION: &str = "complaint.condition";
    pub const COMPLAINT_REGIONS: &str = "complaint.regions";
    pub const COMPLAINT_ONSET_DATE: &str = "complaint.onset_date";
    pub const PAIN_NOW: &str = "pain.now";
    pub const PAIN_WORST_24H: &str = "pain.worst_24h";
    pub const PAIN_BEST_24H: &str = "pain.best_24h";
    pub const BP_SYSTOLIC: &str = "vitals.bp_systolic";
    pub const BP_DIASTOLIC: &str = "vitals.bp_diastolic";
    pub const PSFS_1_ACTIVITY: &str = "psfs.1.activity";
    pub const PSFS_1_SCORE: &str = "psfs.1.score";
    pub const PSFS_2_ACTIVITY: &str = "psfs.2.activity";
    pub const PSFS_2_SCORE: &str = "psfs.2.score";
    pub const PSFS_3_ACTIVITY: &str = "psfs.3.activity";
    pub const PSFS_3_SCORE: &str = "psfs.3.score";
    pub const DECISION_OUTCOME: &str = "decision.outcome";
    pub const DECISION_NOTES: &str = "decision.notes";
    pub const DECISION_IMPRESSION: &str = "decision.impression";

    /// The three NPRS ratings, in the order the note and the follow-up show them.
    pub const PAIN_RATINGS: [&str; 3] = [PAIN_NOW, PAIN_WORST_24H, PAIN_BEST_24H];
    /// The PSFS activities with their scores: (activity, score).
    pub const PSFS: [(&str, &str); 3] =
        [(PSFS_1_ACTIVITY, PSFS_1_SCORE), (PSFS_2_ACTIVITY, PSFS_2_SCORE), (PSFS_3_ACTIVITY, PSFS_3_SCORE)];
}

/// Section ids.
pub mod section {
    pub const PATIENT: &str = "patient";
    pub const HISTORY: &str = "history";
    pub const SYMPTOMS: &str = "symptoms";
    pub const SAFETY: &str = "safety";
    pub const RED_FLAGS: &str = "red_flags";
    pub const YELLOW_FLAGS: &str = "yellow_flags";
    pub const GOALS: &str = "goals";
    pub const EXAMINATION: &str = "examination";
    pub const DECISION: &str = "decision";

    /// The sections whose every shown item must be answered, or marked not asked with a reason,
    /// before a record is completed.
    pub const SCREENING: [&str; 2] = [SAFETY, RED_FLAGS];
}

/// Option codes code compares answers with.
pub mod option {
    /// `decision.outcome`.
    pub const PROCEED: &str = "proceed";
    pub const PROCEED_MODIFIED: &str = "proceed_modified";
    pub const DEFER: &str = "defer";
    pub const REFER: &str = "refer";
    /// `visit.type`.
    pub const INITIAL: &str = "initial";
    pub const FOLLOW_UP: &str = "follow_up";
    /// The "none of these" option of a tick-list (a negative screen), on any item that has it.
    pub const NONE: &str = "none";
}

/// Every item code names, with the type the code expects it to have.
pub const ITEMS: &[(&str, ItemType)] = &[
    (item::PATIENT_NAME, ItemType::Text),
    (item::PATIENT_DOB, ItemType::Date),
    (item::PATIENT_SEX, ItemType::Choice),
    (item::VISIT_DATE, ItemType::Date),
    (item::VISIT_TYPE, ItemType::Choice),
    (item::VISIT_CLINICIAN, ItemType::Text),
    (item::VISIT_CONSENT, ItemType::Bool),
    (item::COMPLAINT_CONDITION, ItemType::Choice),
    (item::COMPLAINT_REGIONS, ItemType::Regions),
    (item::COMPLAINT_ONSET_DATE, ItemType::Date),
    (item::PAIN_NOW, ItemType::Int),
    (item::PAIN_WORST_24H, ItemType::Int),
    (item::PAIN_BEST_24H, ItemType::Int),
    (item::BP_SYSTOLIC, ItemType::Int),
    (item::BP_DIASTOLIC, ItemType::Int),
    (item::PSFS_1_ACTIVITY, ItemType::Text),
    (item::PSFS_1_SCORE, ItemType::Int),
    (item::PSFS_2_ACTIVITY, ItemType::Text),
    (item::PSFS_2_SCORE, ItemType::Int),
    (item::PSFS_3_ACTIVITY, ItemType::Text),
    (item::PSFS_3_SCORE, ItemType::Int),
    (item::DECISION_OUTCOME, ItemType::Choice),
    (item::DECISION_NOTES, ItemType::Text),
    (item::DECISION_IMPRESSION, ItemType::Text),
];

/// Every section code names.
pub const SECTIONS: &[&str] = &[
    section::PATIENT,
    section::HISTORY,
    section::SYMPTOMS,
    section::SAFETY,
    section::RED_FLAGS,
    section::YELLOW_FLAGS,
    section::GOALS,
    section::EXAMINATION,
    section::DECISION,
];

/// Every option code names, on its item.
pub const OPTIONS: &[(&str, &str)] = &[
    (item::DECISION_OUTCOME, option::PROCEED),
    (item::DECISION_OUTCOME, option::PROCEED_MODIFIED),
    (item::DECISION_OUTCOME, option::DEFER),
    (item::DECISION_OUTCOME, option::REFER),
    (item::VISIT_TYPE, option::INITIAL),
    (item::VISIT_TYPE, option::FOLLOW_UP),
];

/// Items that sit in a particular section because code reads them as part of it (the PSFS with
/// the goals, the decision's items in the decision section, the patient's own details).
const IN_SECTION: &[(&str, &str)] = &[
    (item::PATIENT_NAME, section::PATIENT),
    (item::PATIENT_DOB, section::PATIENT),
    (item::VISIT_DATE, section::PATIENT),
    (item::VISIT_TYPE, section::PATIENT),
    (item::VISIT_CLINICIAN, section::PATIENT),
    (item::DECISION_OUTCOME, section::DECISION),
    (item::DECISION_NOTES, section::DECISION),
    (item::DECISION_IMPRESSION, section::DECISION),
];

/// Every known id that the questionnaire lacks, or has with another type, option set or section:
/// one line each, naming the file, the id and what the program expects.
pub fn check(questionnaire: &Questionnaire) -> Vec<String> {
    let mut problems = Vec::new();
    let mut missing = |what: String| problems.push(format!("questionnaire.json: {what}"));
    for &(id, kind) in ITEMS {
        match questionnaire.id(id) {
            None => missing(format!(
                "the item {id} is missing; the program names it (src/known.rs): rename it back, or rename it there too"
            )),
            Some(item_id) if questionnaire.item(item_id).kind != kind => missing(format!(
                "the item {id} has type {:?}; the program reads it as {kind:?} (src/known.rs)",
                questionnaire.item(item_id).kind
            )),
            Some(_) => {}
        }
    }
    for &id in SECTIONS {
        if questionnaire.section(id).is_none() {
            missing(format!("the section {id} is missing; the program names it (src/known.rs)"));
        }
    }
    for &(item_id, code) in OPTIONS {
        if let Some(id) = questionnaire.id(item_id)
            && questionnaire.item(id).option_index(code).is_none()
        {
            missing(format!("the item {item_id} has no option {code}; the program names it (src/known.rs)"));
        }
    }
    for &(item_id, section_id) in IN_SECTION {
        if let Some(id) = questionnaire.id(item_id)
            && questionnaire.section(section_id).is_some()
            && questionnaire.section_of(id).id != section_id
        {
            missing(format!(
                "the item {item_id} is in the section {}; the program reads it as part of {section_id} (src/known.rs)",
                questionnaire.section_of(id).id
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_names_each_id_once() {
        let mut items: Vec<&str> = ITEMS.iter().map(|(id, _)| *id).collect();
        items.sort_unstable();
        let before = items.len();
        items.dedup();
        assert_eq!(items.len(), before);
        let mut sections = SECTIONS.to_vec();
        sections.sort_unstable();
        sections.dedup();
        assert_eq!(sections.len(), SECTIONS.len());
        for (id, _) in item::PSFS.iter().chain(IN_SECTION) {
            assert!(ITEMS.iter().any(|(known, _)| known == id), "{id} is declared in ITEMS");
        }
        for id in item::PAIN_RATINGS.iter().chain(OPTIONS.iter().map(|(id, _)| id)) {
            assert!(ITEMS.iter().any(|(known, _)| known == id), "{id} is declared in ITEMS");
        }
    }
}
