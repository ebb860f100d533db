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

use crate::domain::{ItemId, ItemType, Value};
use crate::record::Status;
use crate::report::{MassageVerdict, ReferralVerdict, VerdictReport};
use crate::rules::{Kind, Referral, Tier};
use serde_json::Value as Json;

/// How many characters of a record id the app shows (`01KAPZ00`), and the fewest the CLI takes
/// as a prefix of one (CONTRACT.md).
pub const SHORT_ID_LEN: usize = 8;
pub const MIN_ID_PREFIX_LEN: usize = 6;

/// The short record id the app shows: the first [`SHORT_ID_LEN`] characters (ids are ULIDs,
/// whose first characters are the time they were made, so records of one day share a start and
/// the short id tells them apart; the CLI takes it, or any unique prefix, as the id).
pub fn short_id(id: &str) -> &str {
    id.char_indices().nth(SHORT_ID_LEN).map_or(id, |(end, _)| &id[..end])
}

/// The symbol and word a flag is shown with: never colour alone.
pub fn tier_badge(tier: Option<Tier>) -> &'static str {
    match tier {
        Some(Tier::Stop) => "■ STOP",
        Some(Tier::Avoid) => "▲ AVOID",
        Some(Tier::Modify) => "● MODIFY",
        None => "○ NOTE",
    }
}

/// A flag's referral as a badge; none for a flag without one.
pub fn referral_badge(referral: Option<Referral>) -> Option<&'static str> {
    match referral? {
        Referral::Emergency => Some("REFER: EMERGENCY (same day, now)"),
        Referral::Urgent => Some("REFER: URGENT (within 24 h)"),
        Referral::Routine => Some("REFER: routine (clearance before massage)"),
    }
}

/// The massage verdict as a badge and what it means: ("■ STOP", "no massage or hands-on
/// treatment this visit"). Clear has a badge of its own (a verdict, not a flag).
pub fn massage_verdict(massage: MassageVerdict) -> (&'static str, &'static str) {
    match massage {
        MassageVerdict::Stop => (tier_badge(Some(Tier::Stop)), "no massage or hands-on treatment this visit"),
        MassageVerdict::Avoid => (tier_badge(Some(Tier::Avoid)), "massage allowed, but not on the areas to avoid"),
        MassageVerdict::Modify => {
            (tier_badge(Some(Tier::Modify)), "massage allowed with changed pressure, site, position or duration")
        }
        MassageVerdict::Clear => ("✓ CLEAR", "no contraindication found"),
    }
}

/// The referral verdict as a word and what it means: ("EMERGENCY", "same-day emergency care,
/// now"); ("None", "no referral needed") when there is none.
pub fn referral_verdict(referral: ReferralVerdict) -> (&'static str, &'static str) {
    match referral {
        ReferralVerdict::Emergency => ("EMERGENCY", "same-day emergency care, now"),
        ReferralVerdict::Urgent => ("URGENT", "medical assessment within 24 hours, before treatment"),
        ReferralVerdict::Routine => ("Routine", "medical review or written clearance before (further) massage"),
        ReferralVerdict::NotNeeded => ("None", "no referral needed"),
    }
}

/// The line that opens every view of a record: "VERDICT: STOP · REFER EMERGENCY".
pub fn verdict_headline(verdict: &VerdictReport) -> String {
    match verdict.referral {
        ReferralVerdict::NotNeeded => format!("VERDICT: {}", verdict.massage.code().to_uppercase()),
        referral => {
            format!("VERDICT: {} · REFER {}", verdict.massage.code().to_uppercase(), referral.code().to_uppercase())
        }
    }
}

/// The verdict in one token, for a column or a comparison: "stop+emergency", "clear".
pub fn verdict_code(verdict: &VerdictReport) -> String {
    match verdict.referral {
        ReferralVerdict::NotNeeded => verdict.massage.code().to_owned(),
        referral => format!("{}+{}", verdict.massage.code(), referral.code()),
    }
}

/// The massage verdict inside a sentence, as practice feedback says it: "stop: no massage".
pub fn massage_sentence(massage: MassageVerdict) -> &'static str {
    match massage {
        MassageVerdict::Stop => "stop: no massage",
        MassageVerdict::Avoid => "avoid an area",
        MassageVerdict::Modify => "massage with changes",
        MassageVerdict::Clear => "clear: massage as usual",
    }
}

/// The referral verdict inside a sentence: "an urgent referral", "no referral".
pub fn referral_sentence(referral: ReferralVerdict) -> &'static str {
    match referral {
        ReferralVerdict::Emergency => "an emergency referral",
        ReferralVerdict::Urgent => "an urgent referral",
        ReferralVerdict::Routine => "a routine referral",
        ReferralVerdict::NotNeeded => "no referral",
    }
}

/// The verdict as a student reads it in practice feedback: "stop: no massage; an urgent
/// referral".
pub fn verdict_sentence(verdict: &VerdictReport) -> String {
    format!("{}; {}", massage_sentence(verdict.massage), referral_sentence(verdict.referral))
}

/// The app's side panel words for the verdict so far (short, for a narrow column).
pub fn panel_verdict(tier: Option<Tier>) -> &'static str {
    match tier {
        Some(Tier::Stop) => "■ STOP: no massage this visit",
        Some(Tier::Avoid) => "▲ AVOID: not on the areas listed",
        Some(Tier::Modify) => "● MODIFY: change pressure/site",
        None => "✓ CLEAR so far",
    }
}

/// The app's side panel words for the referral so far.
pub fn panel_referral(referral: Option<Referral>) -> &'static str {
    match referral {
        Some(Referral::Emergency) => "REFER: EMERGENCY, now",
        Some(Referral::Urgent) => "REFER: URGENT, within 24 h",
        Some(Referral::Routine) => "Refer: routine clearance",
        None => "No referral",
    }
}

/// A rule's kind in words: "red flag".
pub fn kind_words(kind: Kind) -> &'static str {
    match kind {
        Kind::Contraindication => "contraindication",
        Kind::RedFlag => "red flag",
        Kind::YellowFlag => "yellow flag",
    }
}

/// A record's status as people read it.
pub fn status_words(status: Status) -> &'static str {
    match status {
        Status::InProgress => "in progress (not final)",
        Status::Completed => "completed",
        Status::Amended => "amended",
    }
}

/// What an unanswered item reads as, everywhere: never "no".
pub const NOT_ASKED: &str = "not asked";

/// An answer in words: option and region labels rather than codes, units after numbers, Yes or
/// No, dates as YYYY-MM-DD.
pub fn answer_words(content: &Content, id: ItemId, value: &Value) -> String {
    let item = content.questionnaire.item(id);
    match value {
        Value::Bool(true) => "Yes".to_owned(),
        Value::Bool(false) => "No".to_owned(),
        Value::Text(text) => text.clone(),
        Value::Int(n) => match &item.unit {
            Some(unit) => format!("{n} {unit}"),
            None => n.to_string(),
        },
        Value::Date(date) => date.format("%Y-%m-%d").to_string(),
        Value::Choice(option) => item.option_label(*option).to_owned(),
        Value::Multi(options) => options.iter().map(|option| item.option_label(*option)).collect::<Vec<_>>().join(", "),
        // Region ids are kept sorted, and their order is body order (head to foot).
        Value::Regions(ids) => ids.iter().map(|region| content.regions.label(*region)).collect::<Vec<_>>().join(", "),
    }
}

/// An answer in words, or "not asked" for none.
pub fn answer_or_not_asked(content: &Content, id: ItemId, value: Option<&Value>) -> String {
    value.map_or_else(|| NOT_ASKED.to_owned(), |value| answer_words(content, id, value))
}

/// An answer as stored in a record or draft (JSON) in words, as [`answer_words`] gives it; a
/// code the item does not know is shown as it is.
pub fn json_answer_words(content: &Content, id: ItemId, value: &Json) -> String {
    let item = content.questionnaire.item(id);
    let word = |text: &str| match item.kind {
        ItemType::Regions => content.regions.id(text).map_or(text.to_owned(), |r| content.regions.label(r).to_owned()),
        ItemType::Choice | ItemType::Multi => {
            item.option_index(text).map_or(text.to_owned(), |i| item.option_label(i).to_owned())
        }
        _ => text.to_owned(),
    };
    match value {
        Json::Null => NOT_ASKED.to_owned(),
        Json::Bool(true) => "Yes".into(),
        Json::Bool(false) => "No".into(),
        Json::String(text) => word(text),
        Json::Array(values) => values.iter().filter_map(Json::as_str).map(word).collect::<Vec<_>>().join(", "),
        Json::Number(n) => match &item.unit {
            Some(unit) => format!("{n} {unit}"),
            None => n.to_string(),
        },
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> &'static Content {
        Content::embedded().unwrap_or_else(|e| panic!("content: {e}"))
    }

    fn id(item: &str) -> ItemId {
        content().questionnaire.id(item).unwrap_or_else(|| panic!("no item {item}"))
    }

    #[test]
    fn the_short_id_is_the_first_eight_characters() {
        assert_eq!(short_id("01KAPZ0000000000000000AM03"), "01KAPZ00");
        assert_eq!(short_id("01KAP"), "01KAP");
        assert_eq!(short_id("ÅÄÖÅÄÖÅÄÖ"), "ÅÄÖÅÄÖÅÄ", "cut on characters, never inside one");
    }

    #[test]
    fn an_unanswered_item_is_not_asked_and_no_is_no() {
        let fever = id("screen.fever");
        assert_eq!(answer_or_not_asked(content(), fever, None), "not asked");
        assert_eq!(answer_or_not_asked(content(), fever, Some(&Value::Bool(false))), "No");
        assert_eq!(json_answer_words(content(), fever, &Json::Null), "not asked");
        assert_eq!(json_answer_words(content(), fever, &Json::Bool(true)), "Yes");
    }

    #[test]
    fn codes_read_as_labels() {
        assert_eq!(decision_label(content(), "proceed_modified"), "Proceed with changes");
        assert_eq!(decision_label(content(), "no_such_code"), "no such code");
        let outcome = id("decision.outcome");
        assert_eq!(json_answer_words(content(), outcome, &Json::String("defer".into())), "Defer treatment");
        let wound = id("screen.open_wound.regions");
        let words = json_answer_words(content(), wound, &serde_json::json!(["lower_leg_r"]));
        assert_eq!(words, "Right lower leg");
    }

    #[test]
    fn the_verdict_headline_and_code() {
        let verdict = VerdictReport { massage: MassageVerdict::Stop, referral: ReferralVerdict::Emergency };
        assert_eq!(verdict_headline(&verdict), "VERDICT: STOP · REFER EMERGENCY");
        assert_eq!(verdict_code(&verdict), "stop+emergency");
        let clear = VerdictReport { massage: MassageVerdict::Clear, referral: ReferralVerdict::NotNeeded };
        assert_eq!(verdict_headline(&clear), "VERDICT: CLEAR");
        assert_eq!(verdict_code(&clear), "clear");
        assert_eq!(verdict_sentence(&clear), "clear: massage as usual; no referral");
    }
}
