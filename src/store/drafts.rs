//! Drafts: the form as it is being typed, saved by the app (debounced) with the same atomic
//! protocol as records, offered for recovery when newer than their record, never auto-discarded.

use super::atomic::write_atomic;
use super::{Store, StoreError, io_words, is_valid_id};
use crate::content::Content;
use crate::record::{Decoded, Draft};
use chrono::{DateTime, Utc};

/// A draft worth offering for recovery.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftSummary {
    pub id: String,
    pub record_id: Option<String>,
    pub patient: Option<String>,
    pub saved_at: DateTime<Utc>,
}

impl Store {
    fn draft_path(&self, id: &str) -> std::path::PathBuf {
        self.drafts_dir().join(format!("{id}.json"))
    }

    pub fn save_draft(&self, draft: &Draft) -> Result<(), StoreError> {
        if !is_valid_id(&draft.id) {
            return Err(StoreError::NotSaved("the draft has no valid id".into()));
        }
        let bytes = draft.to_bytes().map_err(|p| StoreError::NotSaved(p.describe()))?;
        write_atomic(&self.drafts_dir(), &format!("{}.json", draft.id), &bytes)
    }

    pub fn load_draft(&self, id: &str) -> Result<Draft, StoreError> {
        if !is_valid_id(id) {
            return Err(StoreError::NotFound(id.chars().take(40).collect()));
        }
        let path = self.draft_path(id);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(StoreError::NotFound(id.to_owned())),
            Err(e) => return Err(StoreError::Io(format!("draft {id} cannot be read: {}", io_words(&e)))),
        };
        Draft::decode(&bytes, Some(id)).map_err(|problem| self.quarantine_record(id, &path, problem))
    }

    /// Discard a draft the clinician chose to throw away (or that was saved as a record).
    pub fn discard_draft(&self, id: &str) -> Result<(), StoreError> {
        if !is_valid_id(id) {
            return Err(StoreError::NotFound(id.chars().take(40).collect()));
        }
        match std::fs::remove_file(self.draft_path(id)) {
            Ok(()) => {
                let _ = super::atomic::sync_dir(&self.drafts_dir());
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError::Io(format!("draft {id} cannot be removed: {}", io_words(&e)))),
        }
    }

    /// Drafts to offer at start: those of new intakes, and those saved after their record's last
    /// revision. Unreadable drafts are quarantined, never deleted.
    pub fn recoverable_drafts(&self, content: &Content) -> Result<Vec<DraftSummary>, StoreError> {
        let entries = std::fs::read_dir(self.drafts_dir())
            .map_err(|e| StoreError::Io(format!("the drafts folder cannot be read: {}", io_words(&e))))?;
        let mut found = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(id) = name.to_str().and_then(|n| n.strip_suffix(".json")) else { continue };
            if !is_valid_id(id) {
                continue;
            }
            let Ok(draft) = self.load_draft(id) else { continue };
            let newer_than_record = match &draft.record_id {
                None => true,
                Some(record_id) => match self.load(record_id, content) {
                    Ok(Decoded::Current(record)) => draft.saved_at > record.updated_at,
                    Ok(Decoded::Newer { .. }) => false,
                    Err(_) => true,
                },
            };
            if newer_than_record {
                found.push(DraftSummary {
                    id: draft.id.clone(),
                    record_id: draft.record_id.clone(),
                    patient: draft.patient().map(str::to_owned),
                    saved_at: draft.saved_at,
                });
            }
        }
        found.sort_by_key(|d| std::cmp::Reverse(d.saved_at));
        Ok(found)
    }
}
