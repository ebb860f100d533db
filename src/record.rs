//! The assessment record: what is kept on disk for each intake, its schema version, integrity
//! checksum and migrations. Pure: the store reads and writes the bytes, this decides what they
//! mean.

use crate::content::Content;
use crate::domain::Answers;
use crate::gate::{Attestations, Recheck};
use crate::known;
use crate::report::Report;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

/// The `format` of every record file.
pub const FORMAT: &str = "physio-intake/assessment";
/// The schema this program writes. Older schemas are migrated on load (see [`migrate`]); newer
/// ones open read-only.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    InProgress,
    Completed,
    Amended,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::InProgress => "in_progress",
            Status::Completed => "completed",
            Status::Amended => "amended",
        }
    }

    /// A completed (or amended) record is never rewritten in place: changes are amendments.
    pub fn is_final(self) -> bool {
        matches!(self, Status::Completed | Status::Amended)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionnaireRef {
    pub id: String,
    pub version: String,
}

/// Who changed a completed record, when and why (record-keeping standards: the original entry is
/// kept, and the change is attributed and explained).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Amendment {
    /// The revision this amendment created.
    pub revision: u32,
    pub at: DateTime<Utc>,
    pub by: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub format: String,
    pub schema_version: u32,
    pub id: String,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub revision: u32,
    pub questionnaire: QuestionnaireRef,
    pub answers: Map<String, Json>,
    /// The evaluated result (verdict, flags, avoid map, plan, scores) with its rulebook version.
    pub result: Report,
    #[serde(default)]
    pub amendments: Vec<Amendment>,
    /// For a follow-up visit: the record of the visit it follows (its answers were carried over).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_of: Option<String>,
    /// Not-asked marks, acknowledgements and any override (absent in older records).
    #[serde(default, skip_serializing_if = "Attestations::is_empty")]
    pub attestations: Attestations,
}

impl Record {
    /// A new record (revision 1) for validated answers, evaluated now.
    pub fn new(content: &Content, id: String, answers: &Answers, status: Status, now: DateTime<Utc>) -> Record {
        Record {
            format: FORMAT.to_owned(),
            schema_version: SCHEMA_VERSION,
            id,
            status,
            created_at: now,
            updated_at: now,
            revision: 1,
            questionnaire: QuestionnaireRef {
                id: content.questionnaire.id.clone(),
                version: content.questionnaire.version.clone(),
            },
            answers: answers.to_json(&content.questionnaire, &content.regions),
            result: Report::new(content, &content.evaluate(answers)),
            amendments: Vec::new(),
            follow_up_of: None,
            attestations: Attestations::default(),
        }
    }

    /// The next revision of this record with new answers. A final record becomes `amended` and
    /// must say who and why; an in-progress one may be completed.
    pub fn revise(&self, content: &Content, answers: &Answers, change: Revision, now: DateTime<Utc>) -> Record {
        let mut next = self.clone();
        next.revision = self.revision + 1;
        // A clock set back (or another machine's clock) must not make the record look damaged.
        next.updated_at = now.max(self.updated_at);
        next.questionnaire =
            QuestionnaireRef { id: content.questionnaire.id.clone(), version: content.questionnaire.version.clone() };
        next.answers = answers.to_json(&content.questionnaire, &content.regions);
        next.result = Report::new(content, &content.evaluate(answers));
        match change {
            Revision::Draft => {}
            Revision::Complete => next.status = Status::Completed,
            Revision::Amend { by, reason } => {
                next.status = Status::Amended;
                next.amendments.push(Amendment { revision: next.revision, at: now, by, reason });
            }
        }
        next
    }

    pub fn patient(&self) -> Option<&str> {
        self.answers.get(known::item::PATIENT_NAME).and_then(Json::as_str)
    }

    pub fn visit_date(&self) -> Option<&str> {
        self.answers.get(known::item::VISIT_DATE).and_then(Json::as_str)
    }

    /// The visit date as a date (records always store it explicitly).
    pub fn visit_day(&self) -> Option<NaiveDate> {
        crate::domain::dates::parse_iso_date(self.visit_date()?)
    }

    /// Its answers evaluated again and compared with the stored result (a read never writes).
    pub fn recheck(&self, content: &Content) -> Option<Recheck> {
        let answers = self.parsed_answers(content).ok()?;
        Some(crate::gate::recheck(content, &self.result, &answers))
    }

    /// The record as file bytes: pretty JSON with its checksum last, and no trailing
    /// newline, so that every truncation of the file is incomplete JSON.
    pub fn to_bytes(&self) -> Result<Vec<u8>, RecordProblem> {
        with_checksum(self)
    }

    /// Answers as the core reads them, validated.
    pub fn parsed_answers(&self, content: &Content) -> Result<Answers, Vec<crate::domain::AnswerError>> {
        let visit = self.visit_day().unwrap_or(self.created_at.date_naive());
        content.parse_answers(&self.answers, visit)
    }
}

/// What kind of change a new revision is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revision {
    /// Still in progress.
    Draft,
    /// Completed now.
    Complete,
    /// A change to a completed record.
    Amend { by: String, reason: String },
}

/// Why a record file could not be used. The categories are CONTRACT.md's; the detail is fixed
/// text that never holds file content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordProblem {
    Truncated,
    NotJson,
    WrongFormat,
    TooNew,
    Invalid(&'static str),
}

impl RecordProblem {
    pub fn category(self) -> &'static str {
        match self {
            RecordProblem::Truncated => "truncated",
            RecordProblem::NotJson => "not_json",
            RecordProblem::WrongFormat => "wrong_format",
            RecordProblem::TooNew => "too_new",
            RecordProblem::Invalid(_) => "invalid",
        }
    }

    pub fn describe(self) -> String {
        match self {
            RecordProblem::Truncated => "the file ends too early (truncated)".into(),
            RecordProblem::NotJson => "the file is not valid JSON text".into(),
            RecordProblem::WrongFormat => "the file is not a physio-intake assessment record".into(),
            RecordProblem::TooNew => "the file was written by a newer version of physio-intake".into(),
            RecordProblem::Invalid(why) => format!("the record is not valid: {why}"),
        }
    }
}

/// A record read from bytes: usable, or only readable (written by a newer version).
#[derive(Debug, Clone, PartialEq)]
pub enum Decoded {
    Current(Box<Record>),
    /// A newer schema: shown read-only as best it can be, and never written back.
    Newer {
        schema_version: u64,
        value: Map<String, Json>,
    },
}

/// CRC-32 of the record body without its checksum, in compact canonical form (key order as
/// written). Whitespace-only edits keep it; any change of content does not.
fn checksum_of(body: &Map<String, Json>) -> String {
    let canonical = serde_json::to_vec(body).unwrap_or_default();
    format!("crc32:{:08x}", crc32fast::hash(&canonical))
}

/// Largest record file read (an intake is a few kilobytes; this guards against mistakes).
pub const MAX_RECORD_BYTES: usize = 8 * 1024 * 1024;

/// The load pipeline after the bytes are read: size, UTF-8 and JSON, envelope, checksum,
/// migrations, strict typed parse, then semantic validation against the clinical content.
pub fn decode(bytes: &[u8], expected_id: Option<&str>, content: &Content) -> Result<Decoded, RecordProblem> {
    let (body, schema) = envelope(bytes, FORMAT)?;
    if schema > u64::from(SCHEMA_VERSION) {
        // A newer program may checksum or lay out the file differently: read it, never judge it.
        return Ok(Decoded::Newer { schema_version: schema, value: body });
    }
    let body = verify_checksum(body)?;
    let body = migrate(body, schema as u32)?;
    let record: Record = serde_json::from_value(Json::Object(body))
        .map_err(|_| RecordProblem::Invalid("a field is missing or of the wrong type"))?;
    if record.format != FORMAT || record.schema_version != SCHEMA_VERSION {
        return Err(RecordProblem::Invalid("the envelope changed during migration"));
    }
    if expected_id.is_some_and(|id| id != record.id) {
        return Err(RecordProblem::Invalid("its id does not match its file name"));
    }
    if record.revision == 0 || record.updated_at < record.created_at {
        return Err(RecordProblem::Invalid("its revision or timestamps are inconsistent"));
    }
    if record.parsed_answers(content).is_err() {
        return Err(RecordProblem::Invalid("an answer does not fit the questionnaire"));
    }
    Ok(Decoded::Current(Box::new(record)))
}

/// Bring an older record body up to [`SCHEMA_VERSION`], one version at a time. Each step is a
/// pure function with a golden fixture (tests/fixtures/records/v<N>.json) kept forever.
pub fn migrate(body: Map<String, Json>, from: u32) -> Result<Map<String, Json>, RecordProblem> {
    match from {
        SCHEMA_VERSION => Ok(body),
        // One arm per released older schema, e.g. `1 => migrate(v1_to_v2(body)?, 2)`.
        _ => Err(RecordProblem::Invalid("no migration from its schema version")),
    }
}

/// The `format` of a draft file.
pub const DRAFT_FORMAT: &str = "physio-intake/draft";

/// The form as it was being typed: saved every couple of seconds, so a crash loses at most that.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Draft {
    pub format: String,
    pub schema_version: u32,
    /// The draft's own id (its file name).
    pub id: String,
    /// The record this draft edits, if it edits one.
    pub record_id: Option<String>,
    /// The record's revision when editing started (to detect a conflicting save).
    pub base_revision: Option<u32>,
    pub saved_at: DateTime<Utc>,
    /// Where the clinician was in the form (a section id), to resume there.
    pub section: Option<String>,
    /// Answers as typed, including any not yet valid (kept as text so nothing is lost).
    pub answers: Map<String, Json>,
    /// For a follow-up visit: the record of the visit it follows.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up_of: Option<String>,
    /// Not-asked marks, acknowledgements and any override made so far.
    #[serde(default, skip_serializing_if = "Attestations::is_empty")]
    pub attestations: Attestations,
    /// The session that writes this draft: while it runs, no other instance offers, restores or
    /// deletes the draft. Absent in drafts of older versions (treated as left over).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<DraftOwner>,
}

/// The process that owns a draft: its computer, pid, the boot it runs in and when it started (so
/// a reused pid is not taken for the owner). No patient data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DraftOwner {
    pub host: String,
    pub pid: u32,
    #[serde(default)]
    pub boot_id: Option<String>,
    /// Clock ticks since boot when the process started (Linux /proc/PID/stat field 22).
    #[serde(default)]
    pub started: Option<u64>,
}

impl Draft {
    pub fn new(id: String, record_id: Option<String>, base_revision: Option<u32>, now: DateTime<Utc>) -> Draft {
        Draft {
            format: DRAFT_FORMAT.to_owned(),
            schema_version: SCHEMA_VERSION,
            id,
            record_id,
            base_revision,
            saved_at: now,
            section: None,
            answers: Map::new(),
            follow_up_of: None,
            attestations: Attestations::default(),
            owner: None,
        }
    }

    pub fn patient(&self) -> Option<&str> {
        self.answers.get(known::item::PATIENT_NAME).and_then(Json::as_str)
    }

    pub fn to_bytes(&self) -> Result<Vec<u8>, RecordProblem> {
        with_checksum(self)
    }

    /// Drafts hold work in progress, so their answers are not validated here: a half-typed date
    /// is still the clinician's work. Everything else is checked as for records.
    pub fn decode(bytes: &[u8], expected_id: Option<&str>) -> Result<Draft, RecordProblem> {
        let body = checked_body(bytes, DRAFT_FORMAT)?;
        let draft: Draft = serde_json::from_value(Json::Object(body))
            .map_err(|_| RecordProblem::Invalid("a field is missing or of the wrong type"))?;
        if expected_id.is_some_and(|id| id != draft.id) {
            return Err(RecordProblem::Invalid("its id does not match its file name"));
        }
        Ok(draft)
    }
}

fn with_checksum<T: Serialize>(value: &T) -> Result<Vec<u8>, RecordProblem> {
    let value = serde_json::to_value(value).map_err(|_| RecordProblem::Invalid("cannot be written as JSON"))?;
    let Json::Object(mut body) = value else { return Err(RecordProblem::Invalid("not an object")) };
    let checksum = checksum_of(&body);
    body.insert("checksum".to_owned(), Json::String(checksum));
    serde_json::to_vec_pretty(&Json::Object(body)).map_err(|_| RecordProblem::Invalid("cannot be written as JSON"))
}

/// UTF-8, JSON, format and checksum of a current-schema file; the body without its checksum.
fn checked_body(bytes: &[u8], format: &str) -> Result<Map<String, Json>, RecordProblem> {
    match envelope(bytes, format)? {
        (body, schema) if schema == u64::from(SCHEMA_VERSION) => verify_checksum(body),
        (_, schema) if schema > u64::from(SCHEMA_VERSION) => Err(RecordProblem::TooNew),
        _ => Err(RecordProblem::WrongFormat),
    }
}

/// Size, UTF-8, JSON and the `format`/`schema_version` envelope.
fn envelope(bytes: &[u8], format: &str) -> Result<(Map<String, Json>, u64), RecordProblem> {
    if bytes.len() > MAX_RECORD_BYTES {
        return Err(RecordProblem::Invalid("the file is too large to be a record"));
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        // An incomplete character at the very end is a cut-off file, not a foreign one.
        Err(e) if e.error_len().is_none() => return Err(RecordProblem::Truncated),
        Err(_) => return Err(RecordProblem::NotJson),
    };
    let value = serde_json::from_str::<UniqueKeys>(text).map_err(|e| match e.classify() {
        serde_json::error::Category::Eof => RecordProblem::Truncated,
        serde_json::error::Category::Data => RecordProblem::Invalid("a field is written twice with two values"),
        _ => RecordProblem::NotJson,
    })?;
    let Json::Object(body) = value.0 else { return Err(RecordProblem::WrongFormat) };
    if body.get("format").and_then(Json::as_str) != Some(format) {
        return Err(RecordProblem::WrongFormat);
    }
    let schema = body.get("schema_version").and_then(Json::as_u64).ok_or(RecordProblem::WrongFormat)?;
    if schema == 0 {
        return Err(RecordProblem::WrongFormat);
    }
    Ok((body, schema))
}

/// A JSON value in which no object has the same key twice. serde_json keeps the last of two
/// duplicates, while a person reading the file may believe the first: such a file is damaged.
struct UniqueKeys(Json);

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(UniqueKeysVisitor).map(UniqueKeys)
    }
}

struct UniqueKeysVisitor;

impl<'de> serde::de::Visitor<'de> for UniqueKeysVisitor {
    type Value = Json;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Json, E> {
        Ok(Json::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Json, E> {
        Ok(Json::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Json, E> {
        Ok(Json::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Json, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Json::Null, Json::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Json, E> {
        Ok(Json::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Json, E> {
        Ok(Json::String(v))
    }
    fn visit_unit<E>(self) -> Result<Json, E> {
        Ok(Json::Null)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Json, A::Error> {
        let mut items = Vec::new();
        while let Some(UniqueKeys(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Json, A::Error> {
        let mut object = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let UniqueKeys(value) = map.next_value()?;
            if object.insert(key, value).is_some() {
                // Neither the key nor its value is repeated in the message.
                return Err(serde::de::Error::custom("a key appears twice"));
            }
        }
        Ok(Json::Object(object))
    }
}

fn verify_checksum(mut body: Map<String, Json>) -> Result<Map<String, Json>, RecordProblem> {
    let Some(Json::String(stored)) = body.remove("checksum") else {
        return Err(RecordProblem::Invalid("it has no checksum"));
    };
    if stored != checksum_of(&body) {
        return Err(RecordProblem::Invalid("its checksum does not match (changed outside physio-intake, or damaged)"));
    }
    Ok(body)
}
