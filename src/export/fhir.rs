//! HL7 FHIR R4: the intake as a `Questionnaire`, and one record as the `QuestionnaireResponse`
//! that answers it, so another system can read the answers without knowing physio-intake.
//!
//! The resources are a handful of small hand-written types (serialisation only): a FHIR crate
//! would bring hundreds of generated types for the two we need.
//!
//! Both resources use the same identifiers, so a reader can match them:
//! - the questionnaire's canonical URL is [`QUESTIONNAIRE_URL`], and a response points at it as
//!   `URL|version`;
//! - link ids are our section ids (groups) and item ids (questions);
//! - coded answers use one code system per item ([`option_system`], codes = our option codes)
//!   and one for body regions ([`REGION_SYSTEM`], codes = our region codes).
//!
//! The host `physio-intake.example` is under a domain reserved for examples (RFC 2606): these
//! are identifiers, never fetched, and can never name someone else's resource.

use super::{answers_of, visible};
use crate::content::Content;
use crate::domain::{Item, ItemType, Value};
use crate::record::{Record, Status};
use crate::rules::language::{Op, RawCondition};
use chrono::SecondsFormat;
use serde::Serialize;
use serde_json::Value as Json;

/// The canonical URL of the intake questionnaire.
pub const QUESTIONNAIRE_URL: &str = "https://physio-intake.example/fhir/Questionnaire/physio-intake";
/// Where the code systems of our option codes live: one per item, named by the item id.
pub const CODE_SYSTEM_BASE: &str = "https://physio-intake.example/fhir/CodeSystem/";
/// The code system of the 27 body-region codes.
pub const REGION_SYSTEM: &str = "https://physio-intake.example/fhir/CodeSystem/body-region";

/// FHIR's own extensions for the range of an integer question and its unit.
const MIN_VALUE_EXTENSION: &str = "http://hl7.org/fhir/StructureDefinition/minValue";
const MAX_VALUE_EXTENSION: &str = "http://hl7.org/fhir/StructureDefinition/maxValue";
const UNIT_EXTENSION: &str = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit";
const UCUM: &str = "http://unitsofmeasure.org";

/// The code system of one choice or multi item's options.
pub fn option_system(item_id: &str) -> String {
    format!("{CODE_SYSTEM_BASE}{item_id}")
}

/// `URL|version`: how a response names the exact questionnaire version it answers.
pub fn questionnaire_canonical(version: &str) -> String {
    format!("{QUESTIONNAIRE_URL}|{version}")
}

/// The intake as an R4 `Questionnaire`: one group per section, one question per item.
pub fn questionnaire(content: &Content) -> Json {
    let questionnaire = &content.questionnaire;
    let resource = Questionnaire {
        resource_type: "Questionnaire",
        id: &questionnaire.id,
        url: QUESTIONNAIRE_URL,
        version: &questionnaire.version,
        name: computable_name(&questionnaire.id),
        title: &questionnaire.title,
        status: "active",
        item: questionnaire
            .sections
            .iter()
            .map(|section| {
                let items: Vec<QuestionnaireItem> =
                    section.items.iter().map(|id| question(content, questionnaire.item(*id))).collect();
                QuestionnaireItem {
                    link_id: section.id.clone(),
                    text: section.title.clone(),
                    kind: "group",
                    // A required question inside an optional group is only required when the group
                    // is answered; a group holding one is therefore required itself.
                    required: items.iter().any(|item| item.required),
                    item: items,
                    ..QuestionnaireItem::default()
                }
            })
            .collect(),
    };
    to_json(&resource)
}

/// One record as an R4 `QuestionnaireResponse`: its answers only (the evaluated flags and plan
/// are ours, not answers, and are exported as Markdown or JSON). Bare: no subject and no
/// author, with or without a recorded clinician (the clinician's name is the `visit.clinician`
/// answer); the transaction Bundle adds them as references, and leaves an unrecorded clinician
/// out rather than make up a Practitioner (see `fhir_bundle`).
pub fn questionnaire_response(content: &Content, record: &Record) -> Json {
    let answers = answers_of(content, record);
    let questionnaire = &content.questionnaire;
    let item = questionnaire
        .sections
        .iter()
        .filter_map(|section| {
            let items: Vec<ResponseItem> = section
                .items
                .iter()
                .filter_map(|id| {
                    let item = questionnaire.item(*id);
                    let answer = answer_values(content, item, visible(content, &answers, *id)?);
                    (!answer.is_empty()).then(|| ResponseItem {
                        link_id: item.id.clone(),
                        text: Some(item.text.clone()),
                        answer,
                        item: Vec::new(),
                    })
                })
                .collect();
            // FHIR groups must hold something: sections with no answers are left out.
            (!items.is_empty()).then(|| ResponseItem {
                link_id: section.id.clone(),
                text: Some(section.title.clone()),
                answer: Vec::new(),
                item: items,
            })
        })
        .collect();
    let resource = QuestionnaireResponse {
        resource_type: "QuestionnaireResponse",
        id: &record.id,
        questionnaire: questionnaire_canonical(&record.questionnaire.version),
        status: response_status(record.status),
        authored: record.updated_at.to_rfc3339_opts(SecondsFormat::AutoSi, true),
        item,
    };
    let mut json = to_json(&resource);
    document_attestations(content, record, &answers, &mut json);
    json
}

/// Our extensions for what a record documents beside its answers.
pub const NOT_ASKED_EXTENSION: &str = "https://physio-intake.example/fhir/StructureDefinition/not-asked";
pub const ACKNOWLEDGEMENT_EXTENSION: &str = "https://physio-intake.example/fhir/StructureDefinition/acknowledgement";
pub const OVERRIDE_EXTENSION: &str = "https://physio-intake.example/fhir/StructureDefinition/override";

/// Unanswered safety-screen and red-flag questions are listed in `not-asked` extensions of the
/// response (the item's link id, and the reason when one was given), so a reader never takes the
/// absence of an answer for "no". Acknowledgements and an override become extensions of the
/// response too, each with who, when and what.
fn document_attestations(content: &Content, record: &Record, answers: &crate::domain::Answers, json: &mut Json) {
    use serde_json::json;
    let attestations = &record.attestations;
    let mut resource_extensions = Vec::new();
    for ack in &attestations.acknowledgements {
        resource_extensions.push(json!({
            "url": ACKNOWLEDGEMENT_EXTENSION,
            "extension": [
                {"url": "flag", "valueCode": ack.flag},
                {"url": "by", "valueString": ack.by},
                {"url": "at", "valueDateTime": ack.at.to_rfc3339_opts(SecondsFormat::Secs, true)},
                {"url": "rulebookVersion", "valueString": ack.rulebook_version},
            ]
        }));
    }
    if let Some(o) = &attestations.override_ {
        resource_extensions.push(json!({
            "url": OVERRIDE_EXTENSION,
            "extension": [
                {"url": "by", "valueString": o.by},
                {"url": "why", "valueString": o.why},
                {"url": "at", "valueDateTime": o.at.to_rfc3339_opts(SecondsFormat::Secs, true)},
                {"url": "decision", "valueCode": o.decision},
                {"url": "verdictMassage", "valueCode": o.verdict_massage},
                {"url": "verdictReferral", "valueCode": o.verdict_referral},
            ]
        }));
    }
    // Not-asked questions go on the response, not as answer-less items (a question item of a
    // response holds its answer).
    for id in crate::gate::screening_items(content, answers) {
        if answers.get(id).is_some() {
            continue;
        }
        let item = content.questionnaire.item(id);
        let mut extension = vec![json!({"url": "linkId", "valueString": item.id})];
        if let Some(mark) = attestations.not_asked.get(&item.id) {
            extension.push(json!({"url": "reason", "valueCode": mark.reason.code()}));
            if let Some(text) = &mark.text {
                extension.push(json!({"url": "text", "valueString": text}));
            }
        }
        resource_extensions.push(json!({"url": NOT_ASKED_EXTENSION, "extension": extension}));
    }
    if let Some(object) = json.as_object_mut()
        && !resource_extensions.is_empty()
    {
        object.insert("extension".into(), Json::Array(resource_extensions));
    }
}

/// The R4 `QuestionnaireResponse.status` code for a record status.
pub fn response_status(status: Status) -> &'static str {
    match status {
        Status::InProgress => "in-progress",
        Status::Completed => "completed",
        Status::Amended => "amended",
    }
}

fn to_json<T: Serialize>(resource: &T) -> Json {
    // These types have only string keys and plain values, for which serialisation cannot fail.
    serde_json::to_value(resource).unwrap_or_default()
}

/// A FHIR `name` is computer-friendly (`[A-Z][A-Za-z0-9_]*`): `physio-intake` -> `PhysioIntake`.
fn computable_name(id: &str) -> String {
    let name: String = id
        .split(|c: char| !c.is_ascii_alphanumeric())
        .flat_map(|word| {
            let mut chars = word.chars();
            chars.next().map(|first| first.to_ascii_uppercase()).into_iter().chain(chars)
        })
        .collect();
    match name.chars().next() {
        Some(first) if first.is_ascii_uppercase() => name,
        _ => format!("Q{name}"),
    }
}

/// One of our items as a Questionnaire question.
fn question(content: &Content, item: &Item) -> QuestionnaireItem {
    let mut question = QuestionnaireItem {
        link_id: item.id.clone(),
        text: item.text.clone(),
        required: item.required,
        code: item
            .codes
            .iter()
            .map(|c| Coding {
                system: Some(c.system.clone()),
                code: Some(c.code.clone()),
                display: Some(c.display.clone()),
            })
            .collect(),
        ..QuestionnaireItem::default()
    };
    match item.kind {
        ItemType::Bool => question.kind = "boolean",
        ItemType::Text => question.kind = if item.multiline { "text" } else { "string" },
        ItemType::Int => {
            question.kind = "integer";
            question.extension.extend(item.min.map(|min| Extension::integer(MIN_VALUE_EXTENSION, min)));
            question.extension.extend(item.max.map(|max| Extension::integer(MAX_VALUE_EXTENSION, max)));
            question.extension.extend(item.unit.as_deref().map(unit_extension));
        }
        ItemType::Date => question.kind = "date",
        ItemType::Choice | ItemType::Multi => {
            question.kind = "choice";
            question.repeats = item.kind == ItemType::Multi;
            question.answer_option =
                (0..item.options.len()).map(|index| AnswerOption::Coding(option_coding(item, index as u16))).collect();
        }
        ItemType::Regions => {
            question.kind = "choice";
            question.repeats = true;
            question.answer_option = content
                .regions
                .all()
                .map(|(_, region)| AnswerOption::Coding(region_coding(&region.code, &region.label)))
                .collect();
        }
    }
    if let Some(raw) = &item.show_when {
        let (enable_when, behaviour) = enable_when(content, raw);
        question.enable_behavior = behaviour.filter(|_| enable_when.len() > 1);
        question.enable_when = enable_when;
    }
    question
}

fn option_coding(item: &Item, index: u16) -> Coding {
    Coding {
        system: Some(option_system(&item.id)),
        code: Some(item.option_code(index).to_owned()),
        display: Some(item.option_label(index).to_owned()),
    }
}

fn region_coding(code: &str, label: &str) -> Coding {
    Coding { system: Some(REGION_SYSTEM.to_owned()), code: Some(code.to_owned()), display: Some(label.to_owned()) }
}

/// The unit as UCUM where we know its code, else as text for a person to read.
fn unit_extension(unit: &str) -> Extension {
    let ucum = match unit {
        "mmHg" => Some("mm[Hg]"),
        "minutes" => Some("min"),
        "weeks" => Some("wk"),
        "days" => Some("d"),
        "hours" => Some("h"),
        _ => None,
    };
    Extension {
        url: UNIT_EXTENSION,
        value_integer: None,
        value_coding: Some(Coding {
            system: ucum.map(|_| UCUM.to_owned()),
            code: ucum.map(str::to_owned),
            display: Some(unit.to_owned()),
        }),
    }
}

/// A show-when condition as R4 `enableWhen` and `enableBehavior`. R4 can say "all of" or "any
/// of" a list of simple comparisons, and no more; a condition beyond that (age, dates, nested
/// all/any) leaves the question always enabled, which errs on the side of asking.
fn enable_when(content: &Content, raw: &Json) -> (Vec<EnableWhen>, Option<&'static str>) {
    let Ok(condition) = serde_json::from_value::<RawCondition>(raw.clone()) else { return (Vec::new(), None) };
    let (parts, behaviour) = match condition {
        RawCondition::All(parts) => (parts, "all"),
        RawCondition::Any(parts) => (parts, "any"),
        // One condition that may expand to several comparisons, any of which enables.
        single => (vec![single], "any"),
    };
    let mut clauses = Vec::new();
    for part in &parts {
        match simple_clauses(content, part) {
            // Several clauses from one part are "any of"; inside an "all" that needs nesting R4 lacks.
            Some(part_clauses) if part_clauses.len() == 1 || behaviour == "any" => clauses.extend(part_clauses),
            _ => return (Vec::new(), None),
        }
    }
    (clauses, Some(behaviour))
}

/// A condition R4 can express directly, as its `enableWhen` clauses (several = any of them).
fn simple_clauses(content: &Content, condition: &RawCondition) -> Option<Vec<EnableWhen>> {
    let questionnaire = &content.questionnaire;
    let coded = |item_id: &str, codes: &[String], operator: &'static str| -> Option<Vec<EnableWhen>> {
        let item = questionnaire.item(questionnaire.id(item_id)?);
        codes
            .iter()
            .map(|code| {
                let coding = match item.kind {
                    ItemType::Regions => {
                        let region = content.regions.get(content.regions.id(code)?);
                        region_coding(&region.code, &region.label)
                    }
                    _ => option_coding(item, item.option_index(code)?),
                };
                Some(EnableWhen::new(item_id, operator, EnableAnswer::Coding(coding)))
            })
            .collect()
    };
    match condition {
        RawCondition::IsTrue(item) => Some(vec![EnableWhen::new(item, "=", EnableAnswer::Boolean(true))]),
        RawCondition::Answered(item) => Some(vec![EnableWhen::new(item, "exists", EnableAnswer::Boolean(true))]),
        RawCondition::Not(inner) => match inner.as_ref() {
            RawCondition::Answered(item) => Some(vec![EnableWhen::new(item, "exists", EnableAnswer::Boolean(false))]),
            RawCondition::IsTrue(item) => Some(vec![EnableWhen::new(item, "!=", EnableAnswer::Boolean(true))]),
            RawCondition::Equals { item, value } => coded(item, std::slice::from_ref(value), "!="),
            _ => None,
        },
        RawCondition::Equals { item, value } => coded(item, std::slice::from_ref(value), "="),
        RawCondition::OneOf { item, values } | RawCondition::HoldsAny { item, values } => coded(item, values, "="),
        RawCondition::Compare { item, op, value } => {
            let operator = match op {
                Op::Gt => ">",
                Op::Ge => ">=",
                Op::Lt => "<",
                Op::Le => "<=",
                Op::Eq => "=",
            };
            Some(vec![EnableWhen::new(item, operator, EnableAnswer::Integer(*value))])
        }
        _ => None,
    }
}

/// An answer as R4 `answer[]` values: one per selected code for multi and regions items.
fn answer_values(content: &Content, item: &Item, value: &Value) -> Vec<AnswerValue> {
    match value {
        Value::Bool(b) => vec![AnswerValue::Boolean(*b)],
        // FHIR strings should not start or end with white space, and may not be only that.
        Value::Text(text) if text.trim().is_empty() => Vec::new(),
        Value::Text(text) => vec![AnswerValue::String(text.trim().to_owned())],
        Value::Int(n) => vec![AnswerValue::Integer(*n)],
        Value::Date(date) => vec![AnswerValue::Date(date.format("%Y-%m-%d").to_string())],
        Value::Choice(option) => vec![AnswerValue::Coding(option_coding(item, *option))],
        Value::Multi(options) => {
            options.iter().map(|option| AnswerValue::Coding(option_coding(item, *option))).collect()
        }
        Value::Regions(ids) => ids
            .iter()
            .map(|id| {
                let region = content.regions.get(*id);
                AnswerValue::Coding(region_coding(&region.code, &region.label))
            })
            .collect(),
    }
}

// --- the R4 resources, as much of them as we use ---------------------------------------------

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Questionnaire<'a> {
    resource_type: &'static str,
    id: &'a str,
    url: &'static str,
    version: &'a str,
    name: String,
    title: &'a str,
    status: &'static str,
    item: Vec<QuestionnaireItem>,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct QuestionnaireItem {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    extension: Vec<Extension>,
    link_id: String,
    /// Standard codes (LOINC, SNOMED CT) for the question, where one exists.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    code: Vec<Coding>,
    text: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    enable_when: Vec<EnableWhen>,
    #[serde(skip_serializing_if = "Option::is_none")]
    enable_behavior: Option<&'static str>,
    /// Absent means not required, and not repeating (R4's meaning when missing).
    #[serde(skip_serializing_if = "is_false")]
    required: bool,
    #[serde(skip_serializing_if = "is_false")]
    repeats: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    answer_option: Vec<AnswerOption>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    item: Vec<QuestionnaireItem>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Extension {
    url: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_integer: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    value_coding: Option<Coding>,
}

impl Extension {
    fn integer(url: &'static str, value: i64) -> Extension {
        Extension { url, value_integer: Some(value), value_coding: None }
    }
}

#[derive(Serialize)]
struct Coding {
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    display: Option<String>,
}

/// `{"valueCoding": {...}}`: serde's external tagging is exactly FHIR's `value[x]`.
#[derive(Serialize)]
enum AnswerOption {
    #[serde(rename = "valueCoding")]
    Coding(Coding),
}

#[derive(Serialize)]
struct EnableWhen {
    question: String,
    operator: &'static str,
    #[serde(flatten)]
    answer: EnableAnswer,
}

impl EnableWhen {
    fn new(question: &str, operator: &'static str, answer: EnableAnswer) -> EnableWhen {
        EnableWhen { question: question.to_owned(), operator, answer }
    }
}

/// `answer[x]` of an `enableWhen`.
#[derive(Serialize)]
enum EnableAnswer {
    #[serde(rename = "answerBoolean")]
    Boolean(bool),
    #[serde(rename = "answerInteger")]
    Integer(i64),
    #[serde(rename = "answerCoding")]
    Coding(Coding),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct QuestionnaireResponse<'a> {
    resource_type: &'static str,
    id: &'a str,
    questionnaire: String,
    status: &'static str,
    authored: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    item: Vec<ResponseItem>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ResponseItem {
    link_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    answer: Vec<AnswerValue>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    item: Vec<ResponseItem>,
}

/// One `answer` of a response item, `{"valueX": ...}`.
#[derive(Serialize)]
enum AnswerValue {
    #[serde(rename = "valueBoolean")]
    Boolean(bool),
    #[serde(rename = "valueString")]
    String(String),
    #[serde(rename = "valueInteger")]
    Integer(i64),
    #[serde(rename = "valueDate")]
    Date(String),
    #[serde(rename = "valueCoding")]
    Coding(Coding),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_computer_friendly() {
        assert_eq!(computable_name("physio-intake"), "PhysioIntake");
        assert_eq!(computable_name("2026 form"), "Q2026Form");
    }
}
