//! Answers files that pass the completion gate: every shown safety-screen and red-flag question
//! answered "no" (or "none of these"), and any that cannot be answered so marked not asked with a
//! reason. Written over the questionnaire's sections, so new items need no change here.

use physio_intake::content::Content;
use physio_intake::domain::ItemType;
use physio_intake::gate::screening_items;
use serde_json::{Map, Value, json};

fn content() -> &'static Content {
    Content::embedded().unwrap_or_else(|e| panic!("content: {e}"))
}

/// `{"answers": ..., "not_asked": ...}` for these answers with the rest of the screen negative.
#[allow(dead_code)]
pub fn completed_input(answers: &Value) -> Value {
    let (answers, not_asked) = negative_screen(answers);
    json!({ "answers": answers, "not_asked": not_asked })
}

/// The answers with the rest of the screen negative, and the not-asked marks for what is left.
pub fn negative_screen(answers: &Value) -> (Map<String, Value>, Map<String, Value>) {
    let content = content();
    let mut answers = answers.as_object().cloned().unwrap_or_default();
    let mut not_asked = Map::new();
    let visit = chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap_or_default();
    // Answering can show more questions (a "yes" opens its follow-ons): repeat until stable.
    for _ in 0..4 {
        let Ok(parsed) = content.parse_answers(&answers, visit) else { break };
        for id in screening_items(content, &parsed) {
            let item = content.questionnaire.item(id);
            if answers.contains_key(&item.id) || not_asked.contains_key(&item.id) {
                continue;
            }
            let none = item.option_index("none").map(|_| "none");
            match (item.kind, none) {
                (ItemType::Bool, _) => {
                    answers.insert(item.id.clone(), json!(false));
                }
                (ItemType::Choice, Some(none)) => {
                    answers.insert(item.id.clone(), json!(none));
                }
                (ItemType::Multi, Some(none)) => {
                    answers.insert(item.id.clone(), json!([none]));
                }
                // A tick-list without "none of these" cannot record a negative; the gate does
                // not ask for it.
                (ItemType::Multi, None) => {}
                _ => {
                    not_asked.insert(item.id.clone(), json!({"reason": "not_applicable"}));
                }
            }
        }
    }
    (answers, not_asked)
}
