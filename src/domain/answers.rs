//! Answers to the questionnaire, and their validation.
//!
//! Values are patient data: no error here ever repeats a value. serde_json's own messages quote
//! the offending value, so answers are read from a `serde_json::Value` by hand, never through a
//! typed `Deserialize`.

use super::dates::parse_iso_date;
use super::questionnaire::{Item, ItemId, ItemType, Questionnaire};
use super::regions::{RegionId, Regions};
use chrono::NaiveDate;
use serde_json::{Map, Value as Json};
use std::fmt;

/// Longest text answer accepted, in characters (a guard against pasted files, not a clinical limit).
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Dates before this year are taken for typing mistakes.
pub const EARLIEST_YEAR: i32 = 1900;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Bool(bool),
    Text(String),
    Int(i64),
    Date(NaiveDate),
    /// Index into the item's options.
    Choice(u16),
    /// Option indices, sorted, without duplicates.
    Multi(Vec<u16>),
    /// Region ids, sorted, without duplicates.
    Regions(Vec<RegionId>),
}

impl Value {
    /// Whether the value counts as an answer at all (empty text and empty lists do not).
    pub fn is_given(&self) -> bool {
        match self {
            Value::Text(text) => !text.trim().is_empty(),
            Value::Multi(codes) => !codes.is_empty(),
            Value::Regions(ids) => !ids.is_empty(),
            _ => true,
        }
    }
}

/// Every item's answer (or none), indexed by [`ItemId`], and the visit date everything is
/// measured from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answers {
    values: Vec<Option<Value>>,
    visit_date: NaiveDate,
}

impl Answers {
    pub fn empty(questionnaire: &Questionnaire, visit_date: NaiveDate) -> Answers {
        Answers { values: vec![None; questionnaire.len()], visit_date }
    }

    pub fn visit_date(&self) -> NaiveDate {
        self.visit_date
    }

    pub fn set_visit_date(&mut self, date: NaiveDate) {
        self.visit_date = date;
    }

    /// The answer, if one was given (empty text and empty lists count as no answer).
    pub fn get(&self, id: ItemId) -> Option<&Value> {
        self.values.get(id.index())?.as_ref().filter(|v| v.is_given())
    }

    pub fn set(&mut self, id: ItemId, value: Option<Value>) {
        if let Some(slot) = self.values.get_mut(id.index()) {
            *slot = value;
        }
    }

    pub fn bool(&self, id: ItemId) -> Option<bool> {
        match self.get(id)? {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    pub fn int(&self, id: ItemId) -> Option<i64> {
        match self.get(id)? {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    pub fn date(&self, id: ItemId) -> Option<NaiveDate> {
        match self.get(id)? {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    pub fn choice(&self, id: ItemId) -> Option<u16> {
        match self.get(id)? {
            Value::Choice(c) => Some(*c),
            _ => None,
        }
    }

    pub fn text(&self, id: ItemId) -> Option<&str> {
        match self.get(id)? {
            Value::Text(t) => Some(t),
            _ => None,
        }
    }

    pub fn regions(&self, id: ItemId) -> &[RegionId] {
        match self.get(id) {
            Some(Value::Regions(ids)) => ids,
            _ => &[],
        }
    }

    /// Option indices of a multi item, or the one index of a choice item.
    pub fn codes(&self, id: ItemId) -> &[u16] {
        match self.get(id) {
            Some(Value::Multi(codes)) => codes,
            Some(Value::Choice(code)) => std::slice::from_ref(code),
            _ => &[],
        }
    }

    /// Iterate over the items that have an answer.
    pub fn given(&self) -> impl Iterator<Item = (ItemId, &Value)> {
        self.values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| Some((ItemId(i as u16), v.as_ref().filter(|v| v.is_given())?)))
    }

    /// The answers as an answers-file object, in questionnaire order.
    pub fn to_json(&self, questionnaire: &Questionnaire, regions: &Regions) -> Map<String, Json> {
        let mut map = Map::new();
        for (id, value) in self.given() {
            let item = questionnaire.item(id);
            let json = match value {
                Value::Bool(b) => Json::Bool(*b),
                Value::Text(t) => Json::String(t.clone()),
                Value::Int(n) => Json::from(*n),
                Value::Date(d) => Json::String(d.format("%Y-%m-%d").to_string()),
                Value::Choice(c) => Json::String(item.option_code(*c).to_owned()),
                Value::Multi(codes) => codes.iter().map(|c| Json::String(item.option_code(*c).to_owned())).collect(),
                Value::Regions(ids) => ids.iter().map(|r| Json::String(regions.code(*r).to_owned())).collect(),
            };
            map.insert(item.id.clone(), json);
        }
        map
    }
}

/// What is wrong with one answer. Never holds the answer itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    UnknownItem,
    WrongType(ItemType),
    NotWholeNumber,
    OutOfRange {
        min: i64,
        max: i64,
    },
    InvalidDate,
    DateTooEarly,
    AfterVisit,
    UnknownOption {
        codes: String,
    },
    UnknownRegion,
    TooLong,
    /// A multi item's `none` option ("none of these") given together with another option.
    NoneWithOthers,
    /// A control character (ESC, NUL, …) in a text answer; newline and tab only in multi-line items.
    ControlCharacter {
        multiline: bool,
    },
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::UnknownItem => write!(f, "is not an item of this questionnaire (check the spelling)"),
            Problem::WrongType(kind) => write!(f, "expected {}", kind.expected()),
            Problem::NotWholeNumber => write!(f, "expected a whole number"),
            Problem::OutOfRange { min, max } => write!(f, "is out of range (allowed {min} to {max})"),
            Problem::InvalidDate => write!(f, "is not a valid date written YYYY-MM-DD"),
            Problem::DateTooEarly => write!(f, "is a date before {EARLIEST_YEAR} (check the year)"),
            Problem::AfterVisit => write!(f, "is a date after the visit date (in the future)"),
            Problem::UnknownOption { codes } => write!(f, "is not one of the options ({codes})"),
            Problem::UnknownRegion => write!(f, "holds something that is not a body region code"),
            Problem::TooLong => write!(f, "is longer than {MAX_TEXT_CHARS} characters"),
            Problem::NoneWithOthers => {
                write!(
                    f,
                    "gives `none` (none of these) together with another option: give either `none` or the options"
                )
            }
            Problem::ControlCharacter { multiline: true } => write!(
                f,
                "holds a control character (only line breaks and tabs are allowed in this text; remove the others)"
            ),
            Problem::ControlCharacter { multiline: false } => {
                write!(f, "holds a control character or a line break (this is a one-line text; remove them)")
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerError {
    /// The item id as written in the input (an unknown id is shown shortened and escaped).
    pub item: String,
    pub problem: Problem,
}

impl fmt::Display for AnswerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.item.starts_with('"') || looks_like_item_id(&self.item) {
            write!(f, "item {}: {}", self.item, self.problem)
        } else {
            write!(f, "{}: {}", self.item, self.problem)
        }
    }
}

/// An unknown key is echoed only when it has the shape of an item id (short, lowercase ASCII
/// letters and digits, dots and underscores), so a typo can be found; anything else may be patient
/// data pasted into the wrong place, and is named by its position in the file instead.
fn printable_key(key: &str, position: usize) -> String {
    if looks_like_item_id(key) { format!("\"{key}\"") } else { format!("an unknown item (key {position} in the file)") }
}

/// The shape of an item id: `screen.open_wound.regions`.
pub fn looks_like_item_id(key: &str) -> bool {
    (1..=48).contains(&key.len())
        && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'_')
        && key.bytes().next().is_some_and(|b| b.is_ascii_lowercase())
}

/// Whether a text answer holds a control character it may not: see [`is_refused_control`]; in
/// a multi-line text a carriage return is accepted only as part of a CRLF line break (files
/// written on Windows), never alone (it would move a terminal's cursor back over the line).
pub fn has_refused_control(text: &str, multiline: bool) -> bool {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let crlf = multiline && c == '\r' && chars.peek() == Some(&'\n');
        if !crlf && is_refused_control(c, multiline) {
            return true;
        }
    }
    false
}

/// A control character that must not be stored in a text answer: every C0 control (newline and
/// tab only where `multiline`), DEL and the C1 controls (a terminal may act on any of them).
pub fn is_refused_control(c: char, multiline: bool) -> bool {
    let allowed = multiline && (c == '\n' || c == '\t');
    !allowed && (c < ' ' || ('\u{7f}'..='\u{9f}').contains(&c))
}

/// Read an answers object. `default_visit` is the visit date when `visit.date` is not answered
/// (the caller's "today"); it is then written into the answers, so a saved record says it.
pub fn parse_answers(
    object: &Map<String, Json>,
    questionnaire: &Questionnaire,
    regions: &Regions,
    default_visit: NaiveDate,
) -> Result<Answers, Vec<AnswerError>> {
    let mut errors = Vec::new();
    let visit_item = questionnaire.id("visit.date");
    let mut visit_date = default_visit;
    if visit_item.is_some() {
        match object.get("visit.date") {
            None | Some(Json::Null) => {}
            Some(json) => match parse_date(json) {
                Ok(date) => visit_date = date,
                Err(problem) => errors.push(AnswerError { item: "visit.date".into(), problem }),
            },
        }
    }
    let mut answers = Answers::empty(questionnaire, visit_date);
    if let Some(visit_id) = visit_item {
        answers.set(visit_id, Some(Value::Date(visit_date)));
    }
    for (position, (key, json)) in object.iter().enumerate() {
        let Some(id) = questionnaire.id(key) else {
            errors.push(AnswerError { item: printable_key(key, position + 1), problem: Problem::UnknownItem });
            continue;
        };
        if Some(id) == visit_item || json.is_null() {
            continue;
        }
        match parse_value(questionnaire, regions, id, json, visit_date) {
            Ok(value) => answers.set(id, Some(value)),
            Err(problem) => errors.push(AnswerError { item: key.clone(), problem }),
        }
    }
    if errors.is_empty() { Ok(answers) } else { Err(errors) }
}

/// Whether these option indices of a multi item hold its `none` option together with another
/// option (INTAKE.md: `none` is exclusive). Items without a `none` option never conflict.
pub fn none_with_others(item: &Item, codes: &[u16]) -> bool {
    codes.len() > 1 && item.option_index(NONE_CODE).is_some_and(|none| codes.contains(&none))
}

/// The option code that means "none of these" in a multi item.
pub const NONE_CODE: &str = "none";

fn parse_date(json: &Json) -> Result<NaiveDate, Problem> {
    let text = json.as_str().ok_or(Problem::WrongType(ItemType::Date))?;
    let date = parse_iso_date(text).ok_or(Problem::InvalidDate)?;
    if date < NaiveDate::from_ymd_opt(EARLIEST_YEAR, 1, 1).unwrap_or(NaiveDate::MIN) {
        return Err(Problem::DateTooEarly);
    }
    Ok(date)
}

/// Validate one answer against its item. Shared by file input and the terminal app's editors.
pub fn parse_value(
    questionnaire: &Questionnaire,
    regions: &Regions,
    id: ItemId,
    json: &Json,
    visit_date: NaiveDate,
) -> Result<Value, Problem> {
    let item = questionnaire.item(id);
    let wrong = Problem::WrongType(item.kind);
    match item.kind {
        ItemType::Bool => json.as_bool().map(Value::Bool).ok_or(wrong),
        ItemType::Text => {
            let text = json.as_str().ok_or(wrong)?;
            if text.chars().count() > MAX_TEXT_CHARS {
                return Err(Problem::TooLong);
            }
            if has_refused_control(text, item.multiline) {
                return Err(Problem::ControlCharacter { multiline: item.multiline });
            }
            Ok(Value::Text(text.to_owned()))
        }
        ItemType::Int => {
            let Json::Number(number) = json else { return Err(wrong) };
            let n = number.as_i64().ok_or(Problem::NotWholeNumber)?;
            let (min, max) = (item.min.unwrap_or(i64::MIN), item.max.unwrap_or(i64::MAX));
            if n < min || n > max {
                return Err(Problem::OutOfRange { min, max });
            }
            Ok(Value::Int(n))
        }
        ItemType::Date => {
            let date = parse_date(json)?;
            if item.not_after_visit && date > visit_date {
                return Err(Problem::AfterVisit);
            }
            Ok(Value::Date(date))
        }
        ItemType::Choice => {
            let code = json.as_str().ok_or(wrong)?;
            item.option_index(code)
                .map(Value::Choice)
                .ok_or_else(|| Problem::UnknownOption { codes: item.option_codes() })
        }
        ItemType::Multi => {
            let list = json.as_array().ok_or(wrong.clone())?;
            let mut codes = Vec::with_capacity(list.len());
            for entry in list {
                let code = entry.as_str().ok_or(wrong.clone())?;
                codes.push(
                    item.option_index(code).ok_or_else(|| Problem::UnknownOption { codes: item.option_codes() })?,
                );
            }
            codes.sort_unstable();
            codes.dedup();
            if none_with_others(item, &codes) {
                return Err(Problem::NoneWithOthers);
            }
            Ok(Value::Multi(codes))
        }
        ItemType::Regions => {
            let list = json.as_array().ok_or(wrong.clone())?;
            let mut ids = Vec::with_capacity(list.len());
            for entry in list {
                let code = entry.as_str().ok_or(wrong.clone())?;
                ids.push(regions.id(code).ok_or(Problem::UnknownRegion)?);
            }
            ids.sort_unstable();
            ids.dedup();
            Ok(Value::Regions(ids))
        }
    }
}
