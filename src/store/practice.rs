//! Practice attempts: saved under practice/, apart from patient records, with the same atomic
//! writes and modes (0600 files in the 0700 folder). A file that cannot be read is skipped and
//! reported (its name and the kind of problem, never its content): progress never fails.

use super::atomic::write_atomic;
use super::{Store, StoreError, is_valid_id};
use crate::practice::{ATTEMPT_FORMAT, ATTEMPT_SCHEMA_VERSION, Attempt};
use serde_json::Value as Json;

/// An attempt file that was skipped.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct UnreadableAttempt {
    /// The file name inside practice/ (an opaque id).
    pub file: String,
    /// `io`, `not_json`, `wrong_format`, `too_new`, `invalid` or `not_a_file`.
    pub problem: &'static str,
}

/// The attempts that could be read (oldest first), and the files that could not.
#[derive(Debug, Default)]
pub struct Attempts {
    pub attempts: Vec<Attempt>,
    /// How many files could not be read (`problems.len()`).
    pub unreadable: usize,
    pub problems: Vec<UnreadableAttempt>,
}

impl Store {
    /// Save a graded attempt as practice/<id>.json, atomically, mode 0600.
    pub fn save_attempt(&self, attempt: &Attempt) -> Result<(), StoreError> {
        if !is_valid_id(&attempt.id) {
            return Err(StoreError::NotSaved("the attempt has no valid id".into()));
        }
        if attempt.format != ATTEMPT_FORMAT {
            return Err(StoreError::NotSaved("the attempt has the wrong format name".into()));
        }
        let bytes = serde_json::to_vec_pretty(attempt)
            .map_err(|_| StoreError::NotSaved("the attempt cannot be written as JSON".into()))?;
        write_atomic(&self.practice_dir(), &format!("{}.json", attempt.id), &bytes)
    }

    /// Every saved attempt, oldest first (see [`read_attempts`]).
    pub fn attempts(&self) -> Attempts {
        read_attempts(&self.practice_dir())
    }
}

/// Every attempt in a practice folder, oldest first: this data folder's, or a student's folder
/// a teacher collected (`practice --report DIR...`). Files that are not attempts (temporary
/// files, other names) are ignored; attempt files that cannot be read are reported in `problems`.
pub fn read_attempts(dir: &std::path::Path) -> Attempts {
    let mut found = Attempts::default();
    let Ok(entries) = std::fs::read_dir(dir) else { return found };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let Some(id) = name.strip_suffix(".json") else { continue };
        if !is_valid_id(id) {
            continue;
        }
        match read_attempt(&entry.path(), id) {
            Ok(attempt) => found.attempts.push(attempt),
            Err(problem) => found.problems.push(UnreadableAttempt { file: name.to_owned(), problem }),
        }
    }
    found.attempts.sort_by(|a, b| (a.finished_at, &a.id).cmp(&(b.finished_at, &b.id)));
    found.problems.sort_by(|a, b| a.file.cmp(&b.file));
    found.unreadable = found.problems.len();
    found
}

fn read_attempt(path: &std::path::Path, id: &str) -> Result<Attempt, &'static str> {
    // Never through a link, FIFO or device, never another user's file, never more than 16 MiB.
    let bytes = super::files::read_private(path).map_err(|refused| match refused {
        super::files::Refused::NotAFile(_) | super::files::Refused::Foreign => super::files::NOT_A_FILE,
        super::files::Refused::TooLarge => "invalid",
        _ => "io",
    })?;
    let value: Json = serde_json::from_slice(&bytes).map_err(|_| "not_json")?;
    if value.get("format").and_then(Json::as_str) != Some(ATTEMPT_FORMAT) {
        return Err("wrong_format");
    }
    match value.get("schema_version").and_then(Json::as_u64) {
        Some(v) if v > u64::from(ATTEMPT_SCHEMA_VERSION) => return Err("too_new"),
        Some(_) => {}
        None => return Err("invalid"),
    }
    let attempt: Attempt = serde_json::from_value(value).map_err(|_| "invalid")?;
    if attempt.id != id {
        return Err("invalid");
    }
    Ok(attempt)
}

/// The format name of an unfinished (paused, or left by a crash) practice attempt.
pub const UNFINISHED_FORMAT: &str = "physio-intake/practice-unfinished";
const UNFINISHED_SUFFIX: &str = ".unfinished.json";

/// A practice attempt not graded yet, saved as it is typed (like an intake's draft) so a pause,
/// a closed window or a kill never loses it. Kept under practice/ as `<id>.unfinished.json`:
/// never a patient record or draft, and never counted as an attempt until it is graded.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Unfinished {
    pub format: String,
    pub id: String,
    /// The case's id.
    pub case: String,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub saved_at: chrono::DateTime<chrono::Utc>,
    /// What was typed, as typed (answers-file form; text not yet valid is kept as text).
    pub answers: serde_json::Map<String, Json>,
    /// The section the student was on.
    #[serde(default)]
    pub section: Option<String>,
    /// Hints taken so far: they still count when the attempt is graded.
    pub hints_used: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub student: Option<String>,
}

impl Store {
    /// Save (or replace) an unfinished attempt, atomically, mode 0600.
    pub fn save_unfinished(&self, attempt: &Unfinished) -> Result<(), StoreError> {
        if !is_valid_id(&attempt.id) || attempt.format != UNFINISHED_FORMAT {
            return Err(StoreError::NotSaved("the unfinished attempt has no valid id or format".into()));
        }
        let bytes = serde_json::to_vec_pretty(attempt)
            .map_err(|_| StoreError::NotSaved("the attempt cannot be written as JSON".into()))?;
        write_atomic(&self.practice_dir(), &format!("{}{UNFINISHED_SUFFIX}", attempt.id), &bytes)
    }

    /// Forget an unfinished attempt (graded or discarded). Gone already is fine.
    pub fn discard_unfinished(&self, id: &str) -> Result<(), StoreError> {
        if !is_valid_id(id) {
            return Err(StoreError::NotFound(id.to_owned()));
        }
        let path = self.practice_dir().join(format!("{id}{UNFINISHED_SUFFIX}"));
        match std::fs::remove_file(&path) {
            Ok(()) => super::atomic::sync_dir(&self.practice_dir()).map_err(|e| StoreError::Io(super::io_words(&e))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError::Io(super::io_words(&e))),
        }
    }

    /// The unfinished attempts, oldest first. One that cannot be read is left where it is and
    /// skipped (a newer version's, or damaged): never deleted, never fatal.
    pub fn unfinished(&self) -> Vec<Unfinished> {
        let mut found = Vec::new();
        let Ok(entries) = std::fs::read_dir(self.practice_dir()) else { return found };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(id) = name.to_str().and_then(|n| n.strip_suffix(UNFINISHED_SUFFIX)) else { continue };
            if !is_valid_id(id) {
                continue;
            }
            let Ok(bytes) = super::files::read_private(&entry.path()) else { continue };
            match serde_json::from_slice::<Unfinished>(&bytes) {
                Ok(attempt) if attempt.id == id && attempt.format == UNFINISHED_FORMAT => found.push(attempt),
                _ => {}
            }
        }
        found.sort_by(|a, b| (a.started_at, &a.id).cmp(&(b.started_at, &b.id)));
        found
    }
}
