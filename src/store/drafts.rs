//! Drafts: the form as it is being typed, saved by the app with the same atomic protocol as
//! records. A draft belongs to its session: it records its owner (computer, pid, boot, process
//! start), the record it edits and the revision it was based on.
//!
//! Recovery at start compares content, never clocks: a draft whose owner is still running on
//! this computer is someone's live work and is left alone (not offered, not restored, not
//! deleted); a draft whose answers are what its record already holds is left over from a save
//! that completed (it is removed quietly); any other draft is offered. A draft from another
//! computer (a shared data folder) is offered with its computer's name, read-only unless the
//! clinician takes it over. Unreadable drafts are quarantined, never deleted.

use super::atomic::write_atomic;
use super::files::{self, Refused};
use super::os::{self, Owner};
use super::{Store, StoreError, io_words, is_valid_id};
use crate::content::Content;
use crate::record::{Decoded, Draft};
use chrono::{DateTime, Utc};

/// A draft worth offering for recovery.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftSummary {
    pub id: String,
    /// The record it edits: restoring it updates that record, never makes a new one.
    pub record_id: Option<String>,
    pub patient: Option<String>,
    /// When it was saved, by the clock of the computer that saved it: shown, never compared.
    pub saved_at: DateTime<Utc>,
    /// Saved on another computer that shares this data folder (its name): opened read-only
    /// unless the clinician explicitly takes it over.
    pub other_host: Option<String>,
}

impl Store {
    fn draft_path(&self, id: &str) -> std::path::PathBuf {
        self.drafts_dir().join(format!("{id}.json"))
    }

    /// Save a draft. It is refused if another live session owns the draft on disk.
    pub fn save_draft(&self, draft: &Draft) -> Result<(), StoreError> {
        if !is_valid_id(&draft.id) {
            return Err(StoreError::NotSaved("the draft has no valid id".into()));
        }
        if let Ok(on_disk) = self.read_draft(&draft.id)
            && os::owner_state(on_disk.owner.as_ref()) == Owner::AliveHere
            && on_disk.owner != draft.owner
        {
            return Err(StoreError::NotSaved(format!(
                "the draft is being edited in another window (process {})",
                on_disk.owner.as_ref().map_or(0, |o| o.pid)
            )));
        }
        let bytes = draft.to_bytes().map_err(|p| StoreError::NotSaved(p.describe()))?;
        write_atomic(&self.drafts_dir(), &format!("{}.json", draft.id), &bytes)
    }

    /// Read a draft: a link, FIFO, device or another user's file is quarantined, never read.
    fn read_draft(&self, id: &str) -> Result<Draft, StoreError> {
        if !is_valid_id(id) {
            return Err(StoreError::NotFound(id.chars().take(40).collect()));
        }
        let path = self.draft_path(id);
        let bytes = match files::read_private(&path) {
            Ok(bytes) => bytes,
            Err(Refused::NotFound) => return Err(StoreError::NotFound(id.to_owned())),
            Err(Refused::Io(e)) => return Err(StoreError::Io(format!("draft {id} cannot be read: {}", io_words(&e)))),
            Err(refused) => return Err(self.quarantine_refused(id, &path, &refused)),
        };
        Draft::decode(&bytes, Some(id)).map_err(|problem| self.quarantine_record(id, &path, problem))
    }

    /// Read a draft to restore or view it. A draft another running session owns on this
    /// computer is refused: it is that session's live work.
    pub fn load_draft(&self, id: &str) -> Result<Draft, StoreError> {
        let draft = self.read_draft(id)?;
        if os::owner_state(draft.owner.as_ref()) == Owner::AliveHere {
            return Err(live_elsewhere(&draft));
        }
        Ok(draft)
    }

    /// Discard a draft the clinician chose to throw away (or that was saved as a record). A
    /// draft another running session owns on this computer is never deleted.
    pub fn discard_draft(&self, id: &str) -> Result<(), StoreError> {
        if !is_valid_id(id) {
            return Err(StoreError::NotFound(id.chars().take(40).collect()));
        }
        match self.read_draft(id) {
            Ok(draft) if os::owner_state(draft.owner.as_ref()) == Owner::AliveHere => {
                return Err(live_elsewhere(&draft));
            }
            Err(StoreError::NotFound(_)) => return Ok(()),
            // Quarantined (not a plain file, damaged): nothing of ours is left to remove.
            Err(StoreError::Quarantined { .. }) => return Ok(()),
            _ => {}
        }
        self.remove_draft_file(id)
    }

    fn remove_draft_file(&self, id: &str) -> Result<(), StoreError> {
        match std::fs::remove_file(self.draft_path(id)) {
            Ok(()) => {
                let _ = super::atomic::sync_dir(&self.drafts_dir());
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(StoreError::Io(format!("draft {id} cannot be removed: {}", io_words(&e)))),
        }
    }

    /// The record a draft belongs to: the one it names, or, for a new intake, the record saved
    /// under the draft's own id (the app gives a new intake's record its draft's id, so a crash
    /// between the save and the draft's removal never leaves a draft that would make a second
    /// record).
    pub fn draft_record_id(&self, draft: &Draft) -> Option<String> {
        draft
            .record_id
            .clone()
            .or_else(|| std::fs::symlink_metadata(self.record_path(&draft.id)).is_ok().then(|| draft.id.clone()))
    }

    /// Drafts to offer at start, newest first. See the module comment for what is offered.
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
            let Ok(draft) = self.read_draft(id) else { continue };
            let owner = os::owner_state(draft.owner.as_ref());
            if owner == Owner::AliveHere {
                continue; // another window's live work: not crashed, not ours to offer
            }
            let record_id = self.draft_record_id(&draft);
            let already_saved = match &record_id {
                None => false,
                Some(record_id) => match self.load(record_id, content) {
                    Ok(Decoded::Current(record)) => record.answers == draft.answers,
                    // Written by a newer version: this one cannot save it anyway.
                    Ok(Decoded::Newer { .. }) => continue,
                    Err(_) => false,
                },
            };
            if already_saved {
                // Its record holds exactly this: left over from a save that completed. Another
                // computer's session may still be running, so only our own computer's is removed.
                if matches!(owner, Owner::Gone | Owner::Me) {
                    let _ = self.remove_draft_file(id);
                }
                continue;
            }
            found.push(DraftSummary {
                id: draft.id.clone(),
                record_id,
                patient: draft.patient().map(str::to_owned),
                saved_at: draft.saved_at,
                other_host: match owner {
                    Owner::OtherHost => draft.owner.as_ref().map(|o| o.host.clone()),
                    _ => None,
                },
            });
        }
        found.sort_by(|a, b| b.saved_at.cmp(&a.saved_at).then_with(|| b.id.cmp(&a.id)));
        Ok(found)
    }

    /// Make this process the owner of a draft (restoring it, or explicitly taking over one from
    /// another computer). Refused while another session on this computer runs with it.
    pub fn claim_draft(&self, id: &str) -> Result<Draft, StoreError> {
        let mut draft = self.load_draft(id)?;
        if draft.owner.as_ref() != Some(os::this_process()) {
            draft.owner = Some(os::this_process().clone());
            let bytes = draft.to_bytes().map_err(|p| StoreError::NotSaved(p.describe()))?;
            write_atomic(&self.drafts_dir(), &format!("{id}.json"), &bytes)?;
        }
        Ok(draft)
    }
}

fn live_elsewhere(draft: &Draft) -> StoreError {
    StoreError::NotSaved(format!(
        "draft {} is being edited in another window on this computer (process {}); it is left as it is",
        draft.id,
        draft.owner.as_ref().map_or(0, |o| o.pid)
    ))
}
