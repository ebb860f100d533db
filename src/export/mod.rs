//! One record in the shapes other people and systems read: a Markdown summary for the chart and
//! an HL7 FHIR R4 `QuestionnaireResponse` (with the `Questionnaire` it answers). Pure: a record
//! and the clinical content in, text or JSON out.

pub mod fhir;
pub mod fhir_bundle;
pub mod markdown;

use crate::content::Content;
use crate::domain::answers::parse_value;
use crate::domain::{Answers, ItemId, Value};
use crate::record::Record;

/// The record's answers read back against the questionnaire one item at a time. A record that
/// loaded has only valid answers, so this is the strict reading; reading item by item means that
/// if one answer ever stopped fitting, only that answer is missing from an export, not the export.
fn answers_of(content: &Content, record: &Record) -> Answers {
    let visit = record.visit_day().unwrap_or(record.created_at.date_naive());
    let mut answers = Answers::empty(&content.questionnaire, visit);
    for (key, json) in &record.answers {
        let Some(id) = content.questionnaire.id(key) else { continue };
        if let Ok(value) = parse_value(&content.questionnaire, &content.regions, id, json, visit) {
            answers.set(id, Some(value));
        }
    }
    answers
}

/// The answer a reader should see: given (not empty) and on a question the form shows for these
/// answers. An answer left behind under a hidden question (a pregnancy week after "pregnant" was
/// changed to no) is stale, and FHIR forbids answers to disabled items.
fn visible<'a>(content: &Content, answers: &'a Answers, id: ItemId) -> Option<&'a Value> {
    answers.get(id).filter(|_| content.is_shown(id, answers))
}
