//! Practice attempts: saved under practice/, apart from patient records, with the same atomic
//! writes and modes. A file that cannot be read is counted and skipped: progress never fails.

use super::atomic::write_atomic;
use super::{Store, StoreError, is_valid_id};
use crate::practice::{ATTEMPT_FORMAT, Attempt};

/// The attempts that could be read, and how many files could not.
#[derive(Debug, Default)]
pub struct Attempts {
    pub attempts: Vec<Attempt>,
    pub unreadable: usize,
}

impl Store {
    pub fn save_attempt(&self, attempt: &Attempt) -> Result<(), StoreError> {
        if !is_valid_id(&attempt.id) {
            return Err(StoreError::NotSaved("the attempt has no valid id".into()));
        }
        let bytes = serde_json::to_vec_pretty(attempt)
            .map_err(|_| StoreError::NotSaved("the attempt cannot be written as JSON".into()))?;
        write_atomic(&self.practice_dir(), &format!("{}.json", attempt.id), &bytes)
    }

    pub fn attempts(&self) -> Attempts {
        let mut found = Attempts::default();
        let Ok(entries) = std::fs::read_dir(self.practice_dir()) else { return found };
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(id) = name.to_str().and_then(|n| n.strip_suffix(".json")) else { continue };
            if !is_valid_id(id) {
                continue;
            }
            match std::fs::read(entry.path()).ok().and_then(|b| serde_json::from_slice::<Attempt>(&b).ok()) {
                Some(attempt) if attempt.format == ATTEMPT_FORMAT && attempt.id == id => found.attempts.push(attempt),
                _ => found.unreadable += 1,
            }
        }
        found.attempts.sort_by_key(|a| a.finished_at);
        found
    }
}
