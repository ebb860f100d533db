//! A structural validator for FHIR R4 Questionnaire and QuestionnaireResponse, our own reading
//! of the specification: what an outside validator does not check (value-set bindings, link ids,
//! answer types against item types, enableWhen). Included with `#[path]` by the export tests.

#![allow(dead_code)] // each test file uses the part it needs

use serde_json::Value;
use std::collections::{HashMap, HashSet};

pub const ITEM_TYPES: [&str; 16] = [
    "group",
    "display",
    "boolean",
    "decimal",
    "integer",
    "date",
    "dateTime",
    "time",
    "string",
    "text",
    "url",
    "choice",
    "open-choice",
    "attachment",
    "reference",
    "quantity",
];
pub const RESPONSE_STATUSES: [&str; 5] = ["in-progress", "completed", "amended", "entered-in-error", "stopped"];
pub const MIN_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/minValue";
pub const MAX_VALUE: &str = "http://hl7.org/fhir/StructureDefinition/maxValue";

/// One Questionnaire item, indexed by link id.
pub struct QuestionInfo {
    /// Link ids of the enclosing items, outermost first.
    pub path: Vec<String>,
    pub item: Value,
}

impl QuestionInfo {
    pub fn kind(&self) -> &str {
        self.item["type"].as_str().unwrap_or("")
    }

    pub fn flag(&self, key: &str) -> bool {
        self.item[key].as_bool().unwrap_or(false)
    }

    pub fn extension(&self, url: &str) -> Option<i64> {
        self.item["extension"].as_array()?.iter().find(|e| e["url"] == url)?["valueInteger"].as_i64()
    }

    pub fn options(&self) -> HashSet<(String, String)> {
        self.item["answerOption"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|option| {
                let coding = &option["valueCoding"];
                Some((coding["system"].as_str()?.to_owned(), coding["code"].as_str()?.to_owned()))
            })
            .collect()
    }
}

pub fn is_fhir_id(id: &str) -> bool {
    (1..=64).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

pub fn is_fhir_date(text: &str) -> bool {
    chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok() && text.len() == 10
}

/// Checks an R4 Questionnaire; returns its items by link id, and every problem found.
pub fn validate_questionnaire(q: &Value) -> (HashMap<String, QuestionInfo>, Vec<String>) {
    let mut problems = Vec::new();
    let mut index = HashMap::new();
    if q["resourceType"] != "Questionnaire" {
        problems.push("Questionnaire: resourceType".into());
    }
    if !q["id"].as_str().is_some_and(is_fhir_id) {
        problems.push("Questionnaire: id is not a FHIR id".into());
    }
    if !q["url"].as_str().is_some_and(|url| url.starts_with("http") || url.starts_with("urn:")) {
        problems.push("Questionnaire: url".into());
    }
    if q["version"].as_str().is_none_or(str::is_empty) {
        problems.push("Questionnaire: version".into());
    }
    let name_ok = q["name"].as_str().is_some_and(|name| {
        name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    });
    if !name_ok {
        problems.push("Questionnaire: name is not computer-friendly (que-0)".into());
    }
    if !["draft", "active", "retired", "unknown"].contains(&q["status"].as_str().unwrap_or("")) {
        problems.push("Questionnaire: status".into());
    }
    fn walk(items: &Value, path: &[String], index: &mut HashMap<String, QuestionInfo>, problems: &mut Vec<String>) {
        for item in items.as_array().into_iter().flatten() {
            let Some(link_id) = item["linkId"].as_str() else {
                problems.push(format!("an item under {path:?} has no linkId"));
                continue;
            };
            let kind = item["type"].as_str().unwrap_or("");
            if !ITEM_TYPES.contains(&kind) {
                problems.push(format!("{link_id}: type {kind:?} is not an R4 item type"));
            }
            let children = item["item"].as_array().map_or(0, Vec::len);
            if kind == "group" && children == 0 {
                problems.push(format!("{link_id}: a group holds no items (que-1)"));
            }
            if kind != "group" && kind != "display" && children > 0 {
                problems.push(format!("{link_id}: only groups hold items here"));
            }
            let has_options = item.get("answerOption").is_some();
            if has_options && kind != "choice" && kind != "open-choice" {
                problems.push(format!("{link_id}: answerOption on a {kind} item (que-5)"));
            }
            if kind == "choice" && !has_options && item.get("answerValueSet").is_none() {
                problems.push(format!("{link_id}: a choice item without options"));
            }
            for option in item["answerOption"].as_array().into_iter().flatten() {
                let keys: Vec<&String> = option.as_object().map(|o| o.keys().collect()).unwrap_or_default();
                let coding = &option["valueCoding"];
                if keys != ["valueCoding"] || !coding["system"].is_string() || !coding["code"].is_string() {
                    problems.push(format!("{link_id}: an answerOption is not a coding with system and code"));
                }
            }
            let conditions = item["enableWhen"].as_array().map_or(0, Vec::len);
            if conditions > 1 && !["all", "any"].contains(&item["enableBehavior"].as_str().unwrap_or("")) {
                problems.push(format!("{link_id}: several enableWhen need enableBehavior (que-12)"));
            }
            let info = QuestionInfo { path: path.to_vec(), item: item.clone() };
            if index.insert(link_id.to_owned(), info).is_some() {
                problems.push(format!("{link_id}: linkId is not unique"));
            }
            let mut inner = path.to_vec();
            inner.push(link_id.to_owned());
            walk(&item["item"], &inner, index, problems);
        }
    }
    walk(&q["item"], &[], &mut index, &mut problems);
    for (link_id, info) in &index {
        for condition in info.item["enableWhen"].as_array().into_iter().flatten() {
            let question = condition["question"].as_str().unwrap_or("");
            let operator = condition["operator"].as_str().unwrap_or("");
            if !index.contains_key(question) {
                problems.push(format!("{link_id}: enableWhen names unknown question {question:?}"));
            }
            if !["exists", "=", "!=", ">", "<", ">=", "<="].contains(&operator) {
                problems.push(format!("{link_id}: enableWhen operator {operator:?}"));
            }
            let answers: Vec<&String> = condition
                .as_object()
                .map(|o| o.keys().filter(|k| k.starts_with("answer")).collect())
                .unwrap_or_default();
            if answers.len() != 1 {
                problems.push(format!("{link_id}: enableWhen needs exactly one answer[x]"));
            } else if operator == "exists" && answers[0] != "answerBoolean" {
                problems.push(format!("{link_id}: exists takes answerBoolean (que-7)"));
            }
        }
    }
    (index, problems)
}

/// Checks an R4 QuestionnaireResponse against its Questionnaire; every problem found.
pub fn validate_response(response: &Value, questionnaire: &Value) -> Vec<String> {
    let (index, mut problems) = validate_questionnaire(questionnaire);
    if response["resourceType"] != "QuestionnaireResponse" {
        problems.push("QuestionnaireResponse: resourceType".into());
    }
    // Inside a transaction Bundle the server assigns the id: absent is allowed, malformed is not.
    if response.get("id").is_some_and(|id| !id.as_str().is_some_and(is_fhir_id)) {
        problems.push("QuestionnaireResponse: id is not a FHIR id".into());
    }
    let status = response["status"].as_str().unwrap_or("");
    if !RESPONSE_STATUSES.contains(&status) {
        problems.push(format!("QuestionnaireResponse: status {status:?}"));
    }
    let authored = response["authored"].as_str().unwrap_or("");
    // An R4 dateTime: a full RFC 3339 time, or a date alone (partial dateTimes are allowed).
    if chrono::DateTime::parse_from_rfc3339(authored).is_err() && !is_fhir_date(authored) {
        problems.push("QuestionnaireResponse: authored is not an R4 dateTime".into());
    }
    let canonical = format!(
        "{}|{}",
        questionnaire["url"].as_str().unwrap_or_default(),
        questionnaire["version"].as_str().unwrap_or_default()
    );
    if response["questionnaire"] != canonical.as_str() {
        problems.push("QuestionnaireResponse: questionnaire is not the Questionnaire's url|version".into());
    }
    // Every answer given, by link id, to evaluate enableWhen afterwards.
    let mut given: HashMap<String, Vec<Value>> = HashMap::new();
    fn walk(
        items: &Value,
        path: &[String],
        index: &HashMap<String, QuestionInfo>,
        given: &mut HashMap<String, Vec<Value>>,
        problems: &mut Vec<String>,
    ) {
        let mut seen = HashSet::new();
        for item in items.as_array().into_iter().flatten() {
            let link_id = item["linkId"].as_str().unwrap_or("");
            let Some(info) = index.get(link_id) else {
                problems.push(format!("{link_id:?}: not an item of the Questionnaire"));
                continue;
            };
            if info.path != path {
                problems.push(format!("{link_id}: nested under {path:?}, the Questionnaire has {:?}", info.path));
            }
            if !seen.insert(link_id.to_owned()) && !info.flag("repeats") {
                problems.push(format!("{link_id}: appears twice but does not repeat"));
            }
            let answers = item["answer"].as_array().cloned().unwrap_or_default();
            let kind = info.kind();
            if kind == "group" {
                if !answers.is_empty() {
                    problems.push(format!("{link_id}: a group has answers"));
                }
                if item["item"].as_array().is_none_or(Vec::is_empty) {
                    problems.push(format!("{link_id}: a group with nothing in it"));
                }
            } else if answers.is_empty() {
                problems.push(format!("{link_id}: a question without an answer"));
            }
            if answers.len() > 1 && !info.flag("repeats") {
                problems.push(format!("{link_id}: {} answers, but the item does not repeat", answers.len()));
            }
            for answer in &answers {
                check_answer(link_id, info, answer, problems);
            }
            given.insert(link_id.to_owned(), answers);
            let mut inner = path.to_vec();
            inner.push(link_id.to_owned());
            walk(&item["item"], &inner, index, given, problems);
        }
    }
    walk(&response["item"], &[], &index, &mut given, &mut problems);
    // Required items of a final response: the top level, and inside every group present.
    if status == "completed" || status == "amended" {
        for (link_id, info) in &index {
            let parent_present = info.path.last().is_none_or(|parent| given.contains_key(parent));
            if info.flag("required") && parent_present && !given.contains_key(link_id) {
                problems.push(format!("{link_id}: required, but not in a {status} response"));
            }
        }
    }
    // An answered item must be enabled by the answers around it.
    for link_id in given.keys() {
        let info = &index[link_id];
        let conditions = info.item["enableWhen"].as_array().cloned().unwrap_or_default();
        if conditions.is_empty() {
            continue;
        }
        let results: Vec<bool> = conditions.iter().map(|c| enable_condition_holds(c, &given)).collect();
        let enabled =
            if info.item["enableBehavior"] == "all" { results.iter().all(|r| *r) } else { results.iter().any(|r| *r) };
        if !enabled {
            problems.push(format!("{link_id}: answered, but its enableWhen does not hold"));
        }
    }
    problems
}

/// One answer's value[x] against its item's type, options and range.
pub fn check_answer(link_id: &str, info: &QuestionInfo, answer: &Value, problems: &mut Vec<String>) {
    let keys: Vec<&String> =
        answer.as_object().map(|o| o.keys().filter(|k| k.starts_with("value")).collect()).unwrap_or_default();
    if keys.len() != 1 {
        problems.push(format!("{link_id}: an answer needs exactly one value[x]"));
        return;
    }
    let (key, value) = (keys[0].as_str(), &answer[keys[0]]);
    let expected = match info.kind() {
        "boolean" => "valueBoolean",
        "string" | "text" => "valueString",
        "integer" => "valueInteger",
        "date" => "valueDate",
        "choice" => "valueCoding",
        other => {
            problems.push(format!("{link_id}: answered, but of type {other}"));
            return;
        }
    };
    if key != expected {
        problems.push(format!("{link_id}: {key} given for a {} item (expected {expected})", info.kind()));
        return;
    }
    let fits = match key {
        "valueBoolean" => value.is_boolean(),
        "valueString" => value.as_str().is_some_and(|s| !s.trim().is_empty()),
        "valueInteger" => value.as_i64().is_some_and(|n| {
            info.extension(MIN_VALUE).is_none_or(|min| n >= min) && info.extension(MAX_VALUE).is_none_or(|max| n <= max)
        }),
        "valueDate" => value.as_str().is_some_and(is_fhir_date),
        _ => {
            let pair = (
                value["system"].as_str().unwrap_or_default().to_owned(),
                value["code"].as_str().unwrap_or_default().to_owned(),
            );
            info.options().contains(&pair)
        }
    };
    if !fits {
        problems.push(format!("{link_id}: {key} does not fit the item (type, range or options)"));
    }
}

pub fn enable_condition_holds(condition: &Value, given: &HashMap<String, Vec<Value>>) -> bool {
    let question = condition["question"].as_str().unwrap_or("");
    let answers = given.get(question).cloned().unwrap_or_default();
    let values: Vec<Value> = answers
        .iter()
        .filter_map(|a| a.as_object()?.iter().find(|(k, _)| k.starts_with("value")).map(|(_, v)| v.clone()))
        .collect();
    let (key, expected) = condition
        .as_object()
        .and_then(|o| o.iter().find(|(k, _)| k.starts_with("answer")))
        .map(|(k, v)| (k.clone(), v.clone()))
        .unwrap_or_default();
    let same = |v: &Value| {
        if key == "answerCoding" {
            v["system"] == expected["system"] && v["code"] == expected["code"]
        } else {
            *v == expected
        }
    };
    match condition["operator"].as_str().unwrap_or("") {
        "exists" => values.is_empty() != (expected == true),
        "=" => values.iter().any(same),
        "!=" => !values.iter().any(same),
        _ => true,
    }
}
