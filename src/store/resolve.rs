//! The record a short id means: the app shows the first characters of a record id (see
//! `words::short_id`), and the CLI takes any unique prefix of at least
//! [`MIN_ID_PREFIX_LEN`](crate::words::MIN_ID_PREFIX_LEN) characters. Reads only the names in the
//! records folder (ids, never patient data).

use super::{Store, StoreError, io_words, is_valid_id};
use crate::words::MIN_ID_PREFIX_LEN;
use std::fmt;

/// How many matching ids an ambiguous prefix lists (ids are opaque; the list helps pick one).
const MATCHES_SHOWN: usize = 10;

/// Why a prefix names no single record. What was typed is never repeated (someone may type a
/// patient's name where the id goes); the matching ids are opaque and may be.
#[derive(Debug)]
pub enum ResolveError {
    /// Fewer characters than a prefix needs.
    TooShort,
    /// Characters no record id has (a path, a name).
    NotAnId,
    /// No record id starts with it.
    NoMatch,
    /// More than one record id starts with it: the matching ids, sorted.
    Ambiguous { matches: Vec<String> },
    /// The records folder could not be read.
    Store(StoreError),
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResolveError::TooShort => write!(
                f,
                "no record chosen: give at least {MIN_ID_PREFIX_LEN} characters of the record id (`physio-intake list` shows the ids)"
            ),
            ResolveError::NotAnId => write!(
                f,
                "no record has that id: a record id is 26 letters and digits, or its first {MIN_ID_PREFIX_LEN} or more (`physio-intake list` shows the ids)"
            ),
            ResolveError::NoMatch => {
                write!(f, "no record has an id starting with those characters (`physio-intake list` shows the ids)")
            }
            ResolveError::Ambiguous { matches } => {
                write!(f, "{} records have an id starting with those characters: give more of the id", matches.len())?;
                let shown: Vec<&str> = matches.iter().take(MATCHES_SHOWN).map(String::as_str).collect();
                write!(f, " ({}", shown.join(", "))?;
                if matches.len() > MATCHES_SHOWN {
                    write!(f, ", and {} more", matches.len() - MATCHES_SHOWN)?;
                }
                write!(f, ")")
            }
            ResolveError::Store(error) => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for ResolveError {}

impl Store {
    /// The full record id a prefix names. A whole id is returned as it is, whether or not the
    /// record exists (loading it says what is wrong); a prefix must match exactly one record
    /// file. Letters may be typed in lower case.
    pub fn resolve_id(&self, prefix: &str) -> Result<String, ResolveError> {
        let wanted = prefix.trim().to_ascii_uppercase();
        if is_valid_id(&wanted) {
            return Ok(wanted);
        }
        // Only our alphabet: anything else (a path, a name) can match no file name.
        if wanted.is_empty() || !wanted.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()) {
            return Err(ResolveError::NotAnId);
        }
        if wanted.len() < MIN_ID_PREFIX_LEN {
            return Err(ResolveError::TooShort);
        }
        let entries = match std::fs::read_dir(self.records_dir()) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ResolveError::NoMatch),
            Err(e) => {
                return Err(ResolveError::Store(StoreError::Io(format!(
                    "the records folder cannot be read: {}",
                    io_words(&e)
                ))));
            }
        };
        let mut matches: Vec<String> = entries
            .filter_map(Result::ok)
            .filter_map(|entry| entry.file_name().to_str().and_then(|n| n.strip_suffix(".json")).map(str::to_owned))
            .filter(|id| is_valid_id(id) && id.starts_with(&wanted))
            .collect();
        matches.sort_unstable();
        matches.dedup();
        match matches.len() {
            0 => Err(ResolveError::NoMatch),
            1 => Ok(matches.remove(0)),
            _ => Err(ResolveError::Ambiguous { matches }),
        }
    }
}
