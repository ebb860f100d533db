//! The words a person reads, in one place: option labels for codes, the verdict headline, tier
//! and referral badges, answers in words (an unanswered item is "not asked", never "no"), record
//! status and the short record id. Used by the report, the CLI, the exports, practice and the
//! app. Pure: content and values in, text out. JSON keeps codes; only people get these words.

use crate::content::Content;

/// The label of an option of an item (`decision.outcome`, `proceed_modified` → "Proceed with
/// changes"). A code the item does not offer, or an item the questionnaire lacks, reads as the
/// code without underscores: a word is never dropped.
pub fn option_label(content: &Content, item_id: &str, code: &str) -> String {
    content
        .questionnaire
        .id(item_id)
        .map(|id| content.questionnaire.item(id))
        .and_then(|item| item.option_index(code).map(|i| item.option_label(i).to_owned()))
        .unwrap_or_else(|| code.replace('_', " "))
}

/// The clinician's decision (a `decision.outcome` code) as the form shows it.
pub fn decision_label(content: &Content, code: &str) -> String {
    option_label(content, crate::gate::DECISION_ITEM, code)
}

/// What a decision goes against, as overrides and the gate say it: "STOP + refer emergency".
pub fn against_verdict(massage: &str, referral: &str) -> String {
    let referral = if referral == "none" { String::new() } else { format!(" + refer {referral}") };
    format!("{}{referral}", massage.to_uppercase())
}
