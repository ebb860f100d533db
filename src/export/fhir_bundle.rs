//! One record as an HL7 FHIR R4 `transaction` Bundle that a FHIR server can take as it is (POST to
//! the server's base): the Patient, the clinician as a Practitioner, the visit as an Encounter, the
//! QuestionnaireResponse with subject, author, encounter and identifier, one `Flag` per fired flag
//! (with its tier, referral and body sites), the recommended plan as a `CarePlan` of intent
//! `proposal` (the tool proposes; the clinician's decision rides in its note), Observations for the
//! pain score, the blood pressure and the PSFS derived from the response, and a `Provenance` per
//! amendment.
//!
//! Why `Flag` and not `DetectedIssue`: R4 defines Flag as a prospective warning about a patient
//! for whoever next provides care, which is what a contraindication or red flag is; DetectedIssue
//! is about a proposed or ongoing action (a drug interaction in an order), and a massage verdict is
//! not an order.
//!
//! Entries are addressed by `urn:uuid:` full URLs derived from the record id (the same record
//! always gives the same bundle), and reference each other by those URLs, as a transaction allows.
//! Pure: the record and the content in, JSON out.

use super::fhir::{self, REGION_SYSTEM};
use super::{answers_of, visible};
use crate::content::Content;
use crate::domain::{ItemType, Value};
use crate::known;
use crate::record::{Record, Status};
use crate::report::FlagReport;
use serde_json::{Value as Json, json};

/// Our code system of rule ids (the flags), exported as a CodeSystem by `export-questionnaire
/// --with-codesystems`.
pub const RULE_SYSTEM: &str = "https://physio-intake.example/fhir/CodeSystem/rule";
/// The identifier system of record ids.
pub const RECORD_ID_SYSTEM: &str = "https://physio-intake.example/fhir/record-id";
/// Our extensions on a Flag: the massage tier, the referral urgency, the body sites.
pub const TIER_EXTENSION: &str = "https://physio-intake.example/fhir/StructureDefinition/massage-tier";
pub const REFERRAL_EXTENSION: &str = "https://physio-intake.example/fhir/StructureDefinition/referral";
pub const BODY_SITE_EXTENSION: &str = "https://physio-intake.example/fhir/StructureDefinition/body-site";
/// The code system of our plan and score codes (route, PSFS), where no standard code exists.
pub const PLAN_SYSTEM: &str = "https://physio-intake.example/fhir/CodeSystem/plan";

const LOINC: &str = "http://loinc.org";
const UCUM: &str = "http://unitsofmeasure.org";
const OBSERVATION_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/observation-category";
const FLAG_CATEGORY: &str = "http://terminology.hl7.org/CodeSystem/flag-category";
const ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
const DATA_OPERATION: &str = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";
const DATA_ABSENT_REASON: &str = "http://hl7.org/fhir/StructureDefinition/data-absent-reason";

/// The record as a transaction Bundle.
pub fn transaction_bundle(content: &Content, record: &Record) -> Json {
    let ids = Ids::new(&record.id);
    let answers = answers_of(content, record);
    let text = |item: &str| -> Option<String> {
        let id = content.questionnaire.id(item)?;
        match visible(content, &answers, id)? {
            Value::Text(text) => Some(text.clone()).filter(|t| !t.trim().is_empty()),
            _ => None,
        }
    };
    let visit_date = record.visit_date().map(str::to_owned).unwrap_or_else(|| record.result.visit_date.clone());
    let clinician = text(known::item::VISIT_CLINICIAN);

    let mut entries = Vec::new();
    entries.push(entry(&ids.patient, "Patient", patient(content, record, &answers)));
    // A clinician not recorded is no author at all: QuestionnaireResponse.author (like Flag.author,
    // Observation.performer and Encounter.participant) is optional (0..1 / 0..*), and FHIR's rule
    // for an optional element with no data is to omit it (the data-absent-reason extension is for
    // required elements; see the IPS and HL7 Europe "Handling missing data" pages). A Practitioner
    // with no name, or one named "not recorded", would be a person we made up that a receiving
    // server would store and match. The absence stays visible: the response has no
    // `visit.clinician` answer, and the note says "clinician not recorded".
    if let Some(name) = &clinician {
        entries.push(entry(
            &ids.practitioner,
            "Practitioner",
            json!({ "resourceType": "Practitioner", "name": [{ "text": name }] }),
        ));
    }
    let author = clinician.as_ref().map(|_| json!({ "reference": ids.practitioner }));
    entries.push(entry(&ids.encounter, "Encounter", encounter(content, record, &ids, &visit_date, author.as_ref())));

    let mut response = fhir::questionnaire_response(content, record);
    if let Some(object) = response.as_object_mut() {
        // A server assigns ids in a transaction; ours is kept as the identifier.
        object.remove("id");
        object.insert("identifier".into(), json!({ "system": RECORD_ID_SYSTEM, "value": record.id }));
        object.insert("subject".into(), json!({ "reference": ids.patient }));
        object.insert("encounter".into(), json!({ "reference": ids.encounter }));
        object.insert("authored".into(), json!(visit_date));
        if let Some(author) = &author {
            object.insert("author".into(), author.clone());
        }
    }
    entries.push(entry(&ids.response, "QuestionnaireResponse", response));

    for (index, flag) in record.result.flags.iter().enumerate() {
        entries.push(entry(
            &ids.numbered("flag", index),
            "Flag",
            flag_resource(content, flag, &ids, &visit_date, author.as_ref()),
        ));
    }
    entries.push(entry(&ids.care_plan, "CarePlan", care_plan(content, record, &ids, &visit_date)));
    for (index, observation) in observations(content, record, &answers).into_iter().enumerate() {
        let mut observation = observation;
        if let Some(object) = observation.as_object_mut() {
            object.insert("status".into(), json!("final"));
            object.insert("subject".into(), json!({ "reference": ids.patient }));
            object.insert("encounter".into(), json!({ "reference": ids.encounter }));
            object.insert("effectiveDateTime".into(), json!(visit_date));
            object.insert("derivedFrom".into(), json!([{ "reference": ids.response }]));
            if let Some(author) = &author {
                object.insert("performer".into(), json!([author]));
            }
        }
        entries.push(entry(&ids.numbered("observation", index), "Observation", observation));
    }
    for (index, amendment) in record.amendments.iter().enumerate() {
        // Provenance.agent.who is required (1..1): with no name, the data-absent-reason extension
        // says it is unknown rather than a display that reads like a person.
        let who = if amendment.by.trim().is_empty() {
            json!({ "extension": [{ "url": DATA_ABSENT_REASON, "valueCode": "unknown" }] })
        } else {
            json!({ "display": amendment.by })
        };
        entries.push(entry(
            &ids.numbered("provenance", index),
            "Provenance",
            json!({
                "resourceType": "Provenance",
                "target": [{ "reference": ids.response }],
                "recorded": amendment.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                "activity": { "coding": [{ "system": DATA_OPERATION, "code": "UPDATE", "display": "revise" }] },
                "reason": [{ "text": amendment.reason }],
                "agent": [{ "who": who }],
            }),
        ));
    }
    json!({ "resourceType": "Bundle", "type": "transaction", "entry": entries })
}

fn entry(full_url: &str, kind: &str, resource: Json) -> Json {
    json!({ "fullUrl": full_url, "resource": resource, "request": { "method": "POST", "url": kind } })
}

/// The Patient: name, birth date and administrative gender.
fn patient(content: &Content, record: &Record, answers: &crate::domain::Answers) -> Json {
    let mut patient = json!({ "resourceType": "Patient" });
    if let Some(name) = record.patient().filter(|n| !n.trim().is_empty()) {
        patient["name"] = json!([{ "text": name }]);
    }
    let get = |item: &str| content.questionnaire.id(item).and_then(|id| visible(content, answers, id));
    if let Some(Value::Date(dob)) = get(known::item::PATIENT_DOB) {
        patient["birthDate"] = json!(dob.format("%Y-%m-%d").to_string());
    }
    if let (Some(Value::Choice(index)), Some(item)) =
        (get(known::item::PATIENT_SEX), content.questionnaire.id(known::item::PATIENT_SEX))
    {
        patient["gender"] = json!(administrative_gender(content.questionnaire.item(item).option_code(*index)));
    }
    patient
}

/// Our sex options in FHIR's required administrative-gender value set.
pub fn administrative_gender(code: &str) -> &'static str {
    match code {
        "female" => "female",
        "male" => "male",
        "intersex" => "other",
        _ => "unknown",
    }
}

fn encounter(content: &Content, record: &Record, ids: &Ids, visit_date: &str, author: Option<&Json>) -> Json {
    let status = match record.status {
        Status::InProgress => "in-progress",
        Status::Completed | Status::Amended => "finished",
    };
    let mut encounter = json!({
        "resourceType": "Encounter",
        "status": status,
        "class": { "system": ACT_CODE, "code": "AMB", "display": "ambulatory" },
        "subject": { "reference": ids.patient },
        "period": { "start": visit_date },
    });
    if let Some(kind) = record.answers.get(known::item::VISIT_TYPE).and_then(Json::as_str) {
        let label = content
            .questionnaire
            .id(known::item::VISIT_TYPE)
            .map(|id| content.questionnaire.item(id))
            .and_then(|item| item.option_index(kind).map(|i| item.option_label(i).to_owned()))
            .unwrap_or_else(|| kind.to_owned());
        encounter["type"] = json!([{ "text": label }]);
    }
    if let Some(author) = author {
        encounter["participant"] = json!([{ "individual": author }]);
    }
    encounter
}

fn flag_resource(content: &Content, flag: &FlagReport, ids: &Ids, visit_date: &str, author: Option<&Json>) -> Json {
    let mut extension = Vec::new();
    if let Some(tier) = flag.massage {
        extension.push(json!({ "url": TIER_EXTENSION, "valueCode": tier.code() }));
    }
    if let Some(referral) = flag.referral {
        extension.push(json!({ "url": REFERRAL_EXTENSION, "valueCode": referral.code() }));
    }
    for code in &flag.regions {
        let display = content.regions.id(code).map(|id| content.regions.get(id).label.clone()).unwrap_or_default();
        extension.push(json!({
            "url": BODY_SITE_EXTENSION,
            "valueCoding": { "system": REGION_SYSTEM, "code": code, "display": display },
        }));
    }
    let mut resource = json!({
        "resourceType": "Flag",
        "status": "active",
        "category": [{ "coding": [{ "system": FLAG_CATEGORY, "code": "clinical", "display": "Clinical" }] }],
        "code": {
            "coding": [{ "system": RULE_SYSTEM, "code": flag.id, "display": flag.title }],
            "text": format!("{}: {}", flag.title, flag.action),
        },
        "subject": { "reference": ids.patient },
        "period": { "start": visit_date },
        "encounter": { "reference": ids.encounter },
    });
    if !extension.is_empty() {
        resource["extension"] = Json::Array(extension);
    }
    if let Some(author) = author {
        resource["author"] = author.clone();
    }
    resource
}

/// The recommendation as a CarePlan of intent `proposal`: the verdict and the route reason in the
/// description, one activity per part of the plan, the aftercare and the clinician's decision in
/// the notes.
fn care_plan(content: &Content, record: &Record, ids: &Ids, visit_date: &str) -> Json {
    let result = &record.result;
    let plan = &result.plan;
    let avoid: Vec<String> = result
        .avoid_regions
        .iter()
        .map(|code| content.regions.id(code).map(|id| content.regions.get(id).label.clone()).unwrap_or(code.clone()))
        .collect();
    let mut activities = vec![format!("Route: {} ({})", plan.route.code().replace('_', " "), plan.route_reason)];
    if let (Some(kind), Some(reason)) = (plan.massage_type, &plan.massage_type_reason) {
        activities.push(format!("Massage type: {} ({reason})", kind.code().replace('_', " ")));
    }
    if let (Some(order), Some(reason)) = (plan.session_order, &plan.session_order_reason) {
        activities.push(format!("Session order: {} ({reason})", order.code().replace('_', " ")));
    }
    if plan.separate_days {
        activities.push(format!("Separate days: {}", plan.separate_days_reasons.join("; ")));
    }
    if let Some(frequency) = &plan.frequency {
        activities.push(format!("Frequency: {frequency}"));
    }
    if !avoid.is_empty() {
        activities.push(format!("Do not massage: {}", avoid.join(", ")));
    }
    let mut notes: Vec<Json> =
        plan.aftercare.iter().map(|line| json!({ "text": format!("Aftercare: {line}") })).collect();
    if let Some(outcome) = record.answers.get(known::item::DECISION_OUTCOME).and_then(Json::as_str) {
        notes.push(
            json!({ "text": format!("Clinician's decision: {}", crate::words::decision_label(content, outcome)) }),
        );
    }
    let status = if record.status.is_final() { "active" } else { "draft" };
    let mut resource = json!({
        "resourceType": "CarePlan",
        "status": status,
        "intent": "proposal",
        "title": "Recommended care plan (physio-intake)",
        "description": format!(
            "Massage verdict {}, referral {}. {}",
            result.verdict.massage, result.verdict.referral, plan.route_reason
        ),
        "category": [{ "coding": [{ "system": PLAN_SYSTEM, "code": plan.route.code() }] }],
        "subject": { "reference": ids.patient },
        "encounter": { "reference": ids.encounter },
        "period": { "start": visit_date },
        "supportingInfo": [{ "reference": ids.response }],
        "activity": activities
            .into_iter()
            .map(|description| json!({ "detail": { "status": "not-started", "description": description } }))
            .collect::<Vec<_>>(),
    });
    if !notes.is_empty() {
        resource["note"] = Json::Array(notes);
    }
    resource
}

/// Observations for the measures that other systems recognise: the pain score (NPRS, LOINC
/// 72514-3), the resting blood pressure (LOINC panel 85354-9, systolic 8480-6, diastolic 8462-4),
/// and the PSFS scores (no LOINC code found for the PSFS: our own code, with its name). Only
/// answered measures: an unanswered one is not assessed, never 0.
fn observations(content: &Content, record: &Record, answers: &crate::domain::Answers) -> Vec<Json> {
    let int = |item: &str| -> Option<i64> {
        let id = content.questionnaire.id(item)?;
        match visible(content, answers, id)? {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    };
    let mut out = Vec::new();
    if let Some(score) = int(known::item::PAIN_NOW) {
        out.push(json!({
            "resourceType": "Observation",
            "category": [category("survey", "Survey")],
            "code": { "coding": [{ "system": LOINC, "code": "72514-3",
                "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported" }],
                "text": "Pain now (NPRS 0-10)" },
            "valueInteger": score,
        }));
    }
    let systolic = int(known::item::BP_SYSTOLIC);
    let diastolic = int(known::item::BP_DIASTOLIC);
    if systolic.is_some() || diastolic.is_some() {
        let component = |code: &str, display: &str, value: i64| {
            json!({
                "code": { "coding": [{ "system": LOINC, "code": code, "display": display }] },
                "valueQuantity": { "value": value, "unit": "mmHg", "system": UCUM, "code": "mm[Hg]" },
            })
        };
        let mut components = Vec::new();
        components.extend(systolic.map(|v| component("8480-6", "Systolic blood pressure", v)));
        components.extend(diastolic.map(|v| component("8462-4", "Diastolic blood pressure", v)));
        out.push(json!({
            "resourceType": "Observation",
            "category": [category("vital-signs", "Vital Signs")],
            "code": { "coding": [{ "system": LOINC, "code": "85354-9",
                "display": "Blood pressure panel with all children optional" }], "text": "Resting blood pressure" },
            "component": components,
        }));
    }
    for (activity_id, score_id) in known::item::PSFS {
        let activity = record.answers.get(activity_id).and_then(Json::as_str).map(str::to_owned);
        let (Some(score), Some(activity)) = (int(score_id), activity) else {
            continue;
        };
        out.push(json!({
            "resourceType": "Observation",
            "category": [category("survey", "Survey")],
            "code": { "coding": [{ "system": PLAN_SYSTEM, "code": "psfs-activity-score",
                "display": "Patient-Specific Functional Scale, activity score (0-10)" }],
                "text": format!("PSFS: {activity}") },
            "valueInteger": score,
        }));
    }
    out
}

fn category(code: &str, display: &str) -> Json {
    json!({ "coding": [{ "system": OBSERVATION_CATEGORY, "code": code, "display": display }] })
}

/// The `urn:uuid:` full URLs of one record's entries, derived from its id: stable, unique per
/// record and entry, and shaped as UUIDs (RFC 4122 variant bits, version 8: "custom").
struct Ids {
    record: String,
    patient: String,
    practitioner: String,
    encounter: String,
    response: String,
    care_plan: String,
}

impl Ids {
    fn new(record: &str) -> Ids {
        let at = |what: &str| uuid_urn(record, what);
        Ids {
            record: record.to_owned(),
            patient: at("patient"),
            practitioner: at("practitioner"),
            encounter: at("encounter"),
            response: at("response"),
            care_plan: at("care-plan"),
        }
    }

    fn numbered(&self, what: &str, index: usize) -> String {
        uuid_urn(&self.record, &format!("{what}-{index}"))
    }
}

/// 128 bits of FNV-1a over `record/what`, formatted as a version-8 UUID.
fn uuid_urn(record: &str, what: &str) -> String {
    let mut hash: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for byte in record.bytes().chain(std::iter::once(b'/')).chain(what.bytes()) {
        hash ^= u128::from(byte);
        hash = hash.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013b);
    }
    let mut bytes = hash.to_be_bytes();
    bytes[6] = (bytes[6] & 0x0f) | 0x80; // version 8
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("urn:uuid:{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// The intake Questionnaire with our code systems as a `collection` Bundle: one CodeSystem per
/// choice item's options, the body regions and the rule ids, so that a receiving system can
/// resolve every code we use.
pub fn questionnaire_with_code_systems(content: &Content) -> Json {
    let mut entries = vec![json!({ "fullUrl": fhir::QUESTIONNAIRE_URL, "resource": fhir::questionnaire(content) })];
    let version = &content.questionnaire.version;
    let code_system = |url: String, name: String, title: String, concepts: Vec<Json>| {
        json!({
            "fullUrl": url,
            "resource": {
                "resourceType": "CodeSystem",
                "url": url,
                "version": version,
                "name": name,
                "title": title,
                "status": "active",
                "content": "complete",
                "count": concepts.len(),
                "concept": concepts,
            }
        })
    };
    for section in &content.questionnaire.sections {
        for id in &section.items {
            let item = content.questionnaire.item(*id);
            if !matches!(item.kind, ItemType::Choice | ItemType::Multi) {
                continue;
            }
            let concepts = item.options.iter().map(|o| json!({ "code": o.code, "display": o.label })).collect();
            entries.push(code_system(
                fhir::option_system(&item.id),
                code_system_name(&item.id),
                format!("Options of {}", item.label),
                concepts,
            ));
        }
    }
    let regions = content.regions.all().map(|(_, r)| json!({ "code": r.code, "display": r.label })).collect();
    entries.push(code_system(REGION_SYSTEM.to_owned(), "BodyRegion".into(), "Body regions".into(), regions));
    let rules = content
        .rulebook
        .rules()
        .iter()
        .map(|r| json!({ "code": r.id, "display": r.title, "definition": r.action }))
        .collect();
    entries.push(code_system(RULE_SYSTEM.to_owned(), "Rule".into(), "Rulebook flags".into(), rules));
    json!({ "resourceType": "Bundle", "type": "collection", "entry": entries })
}

/// `screen.oedema` -> `ScreenOedema`: FHIR's computable name form.
fn code_system_name(item_id: &str) -> String {
    item_id
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map(|c| c.to_ascii_uppercase()).into_iter().chain(chars).collect::<String>()
        })
        .collect()
}
