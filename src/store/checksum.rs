//! A CRC-32 over a JSON object, as record files carry it (`"checksum": "crc32:…"`, computed over
//! the compact form of the object without that field, keys in the order written). Small and
//! independent of what the object holds, so any file of the store can carry one.

use serde_json::{Map, Value as Json};

pub const FIELD: &str = "checksum";

/// The checksum of an object (without its `checksum` field).
pub fn of(body: &Map<String, Json>) -> String {
    let canonical = serde_json::to_vec(body).unwrap_or_default();
    format!("crc32:{:08x}", crc32fast::hash(&canonical))
}

/// The object with its checksum added last.
pub fn seal(mut body: Map<String, Json>) -> Map<String, Json> {
    body.remove(FIELD);
    let sum = of(&body);
    body.insert(FIELD.to_owned(), Json::String(sum));
    body
}

/// Why a sealed object was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mismatch {
    Missing,
    Wrong,
}

/// The object without its checksum, if the checksum is there and matches.
pub fn verify(mut body: Map<String, Json>) -> Result<Map<String, Json>, Mismatch> {
    let Some(Json::String(stored)) = body.remove(FIELD) else { return Err(Mismatch::Missing) };
    if stored == of(&body) { Ok(body) } else { Err(Mismatch::Wrong) }
}

/// The checksum of raw bytes, in the same `crc32:…` form: for files that are not one JSON object
/// (the list index's entry lines, each line of its journal).
pub fn of_bytes(bytes: &[u8]) -> String {
    format!("crc32:{:08x}", crc32fast::hash(bytes))
}
