//! Saving, loading, amending and listing assessment records.

use super::atomic::{write_atomic, write_atomic_via};
use super::files::{self, Refused};
use super::index::{self, ListEntry};
use super::lock::{self, Holder, LockOutcome, RecordLock};
use super::{Store, StoreError, io_words, is_valid_id};
use crate::content::Content;
use crate::record::{Decoded, Record, RecordProblem, Status};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The result of `list`: records, and the files that failed to load and were moved aside.
#[derive(Debug, Clone, Serialize)]
pub struct Listing {
    pub records: Vec<ListEntry>,
    pub quarantined: Vec<Quarantined>,
    /// Set when the list index could not be trusted (checksum, damage, not a file) and was
    /// rebuilt from the record files: what was wrong with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index_rebuilt: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quarantined {
    /// Where the file was moved to.
    pub file: PathBuf,
    /// `truncated`, `not_json`, `wrong_format`, `too_new`, `invalid`, `io` or `not_a_file`.
    pub problem: String,
}

/// Proof that the caller holds a record's lock, needed to save it.
#[derive(Debug)]
pub struct Editing {
    pub id: String,
    lock: RecordLock,
}

impl Editing {
    /// Done editing (the app quits or closes the record): release the lock and remove its
    /// file, if it is still this lock's (see [`RecordLock::release_and_remove`]). Dropping an
    /// `Editing` releases the lock too, but leaves the file.
    pub fn release(self) -> Result<(), StoreError> {
        self.lock.release_and_remove()
    }
}

impl Store {
    pub(crate) fn record_path(&self, id: &str) -> PathBuf {
        self.records_dir().join(format!("{id}.json"))
    }

    fn lock_path(&self, id: &str) -> PathBuf {
        self.records_dir().join(format!("{id}.lock"))
    }

    fn check_id(id: &str) -> Result<(), StoreError> {
        if is_valid_id(id) { Ok(()) } else { Err(StoreError::NotFound(id.chars().take(40).collect())) }
    }

    /// Save a new record (revision 1). Its id is new, so nothing is overwritten.
    pub fn create(&self, record: &Record) -> Result<(), StoreError> {
        Self::check_id(&record.id)?;
        if std::fs::symlink_metadata(self.record_path(&record.id)).is_ok() {
            return Err(StoreError::NotSaved(format!("a record with id {} already exists", record.id)));
        }
        let bytes = record.to_bytes().map_err(|p| StoreError::NotSaved(p.describe()))?;
        write_atomic_via(&self.records_dir(), &self.records_temp_dir(), &format!("{}.json", record.id), &bytes)?;
        index::note_saved(self, record);
        Ok(())
    }

    /// Open a record for editing: take its lock, or say who holds it.
    pub fn edit(&self, id: &str, holder: &Holder) -> Result<Result<Editing, Option<Holder>>, StoreError> {
        Self::check_id(id)?;
        if std::fs::symlink_metadata(self.record_path(id)).is_err() {
            return Err(StoreError::NotFound(id.to_owned()));
        }
        // A link, FIFO or anything else planted at the lock's name is moved aside, never followed.
        let lock_path = self.lock_path(id);
        if let Err(refused) = files::open_existing(&lock_path, false)
            && refused.quarantine()
        {
            self.quarantine(&lock_path, refused.category())?;
        }
        Ok(match lock::acquire(&lock_path, holder)? {
            LockOutcome::Acquired(lock) => Ok(Editing { id: id.to_owned(), lock }),
            LockOutcome::HeldBy(holder) => Err(holder),
        })
    }

    /// Save the next revision of a record being edited. The revision on disk must be the one it
    /// was based on (a conflict is reported, never overwritten), a completed record only changes
    /// by amendment, and the revision it replaces is kept in history/.
    pub fn save(&self, editing: &Editing, record: &Record, content: &Content) -> Result<(), StoreError> {
        if editing.id != record.id {
            return Err(StoreError::NotSaved("the record being saved is not the one opened".into()));
        }
        let path = self.record_path(&record.id);
        let on_disk_bytes = match files::read_private(&path) {
            Ok(bytes) => bytes,
            Err(Refused::Io(e)) => return Err(StoreError::NotSaved(io_words(&e))),
            Err(Refused::NotFound) => return Err(StoreError::NotSaved("the record file is missing".into())),
            Err(refused) => return Err(self.quarantine_refused(&record.id, &path, &refused)),
        };
        let on_disk = match crate::record::decode(&on_disk_bytes, Some(&record.id), content) {
            Ok(Decoded::Current(on_disk)) => on_disk,
            Ok(Decoded::Newer { .. }) => return Err(StoreError::ReadOnly(record.id.clone())),
            Err(problem) => return Err(self.quarantine_record(&record.id, &path, problem)),
        };
        if on_disk.revision + 1 != record.revision {
            return Err(StoreError::Conflict {
                id: record.id.clone(),
                on_disk: on_disk.revision,
                expected: record.revision.saturating_sub(1),
            });
        }
        if on_disk.status.is_final() && record.status != Status::Amended {
            return Err(StoreError::Final(record.id.clone()));
        }
        let bytes = record.to_bytes().map_err(|p| StoreError::NotSaved(p.describe()))?;
        if on_disk.status.is_final() {
            // The original entry is kept, byte for byte, before the amendment replaces it.
            write_atomic(&self.history_dir(), &format!("{}.r{}.json", record.id, on_disk.revision), &on_disk_bytes)?;
        }
        write_atomic_via(&self.records_dir(), &self.records_temp_dir(), &format!("{}.json", record.id), &bytes)?;
        index::note_saved(self, record);
        Ok(())
    }

    /// Read a record. A file that fails to load is moved to quarantine (never overwritten or
    /// deleted) and the error names only the file and the problem.
    pub fn load(&self, id: &str, content: &Content) -> Result<Decoded, StoreError> {
        Self::check_id(id)?;
        let path = self.record_path(id);
        let bytes = match files::read_private(&path) {
            Ok(bytes) => bytes,
            Err(Refused::NotFound) => return Err(self.not_found(id)),
            Err(Refused::Io(e)) => return Err(StoreError::Io(format!("record {id} cannot be read: {}", io_words(&e)))),
            Err(refused) => return Err(self.quarantine_refused(id, &path, &refused)),
        };
        crate::record::decode(&bytes, Some(id), content).map_err(|problem| self.quarantine_record(id, &path, problem))
    }

    /// Earlier revisions of a record, oldest first (amendments keep the original readable).
    pub fn history(&self, id: &str, content: &Content) -> Result<Vec<Record>, StoreError> {
        Self::check_id(id)?;
        let mut revisions = Vec::new();
        let entries = match std::fs::read_dir(self.history_dir()) {
            Ok(entries) => entries,
            Err(e) => return Err(StoreError::Io(format!("the history folder cannot be read: {}", io_words(&e)))),
        };
        let prefix = format!("{id}.r");
        for entry in entries.flatten() {
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            if !name.starts_with(&prefix) || !name.ends_with(".json") {
                continue;
            }
            let bytes = match files::read_private(&entry.path()) {
                Ok(bytes) => bytes,
                Err(Refused::Io(e)) => return Err(StoreError::Io(io_words(&e))),
                Err(_) => continue, // not a plain file of ours: never read
            };
            if let Ok(Decoded::Current(record)) = crate::record::decode(&bytes, Some(id), content) {
                revisions.push(*record);
            }
        }
        revisions.sort_by_key(|r| r.revision);
        Ok(revisions)
    }

    /// Move a file that failed to load into quarantine/, named by its problem. Returns the error
    /// to show; if even the move fails, the file stays where it is, untouched.
    pub(crate) fn quarantine_record(&self, id: &str, path: &Path, problem: RecordProblem) -> StoreError {
        match self.quarantine(path, problem.category()) {
            Ok(moved_to) => StoreError::Quarantined {
                id: id.to_owned(),
                moved_to,
                category: problem.category(),
                detail: problem.describe(),
            },
            Err(e) => e,
        }
    }

    /// A file refused before it was read (a link, FIFO, device, folder, another user's file, too
    /// large): moved to quarantine as it is, never followed, read or deleted.
    pub(crate) fn quarantine_refused(&self, id: &str, path: &Path, refused: &Refused) -> StoreError {
        match self.quarantine(path, refused.category()) {
            Ok(moved_to) => StoreError::Quarantined {
                id: id.to_owned(),
                moved_to,
                category: refused.category(),
                detail: refused.describe(),
            },
            Err(e) => e,
        }
    }

    /// A record that is not in records/: if an earlier check moved it to quarantine, say where
    /// and why instead of "no record".
    fn not_found(&self, id: &str) -> StoreError {
        let wanted = format!("{id}.json");
        let found = self.quarantined().into_iter().rev().find(|q| {
            let name = q.file.file_name().and_then(|n| n.to_str()).unwrap_or_default();
            name.split_once("--").is_some_and(|(_, rest)| {
                rest == wanted || rest.strip_prefix(&wanted).is_some_and(|n| n.starts_with('.'))
            })
        });
        match found {
            Some(q) => StoreError::Quarantined {
                id: id.to_owned(),
                category: category_name(&q.problem),
                detail: "an earlier check found it damaged or not a plain file".into(),
                moved_to: q.file,
            },
            None => StoreError::NotFound(id.to_owned()),
        }
    }

    pub(crate) fn quarantine(&self, path: &Path, category: &str) -> Result<PathBuf, StoreError> {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
        let dir = self.quarantine_dir();
        let mut target = dir.join(format!("{category}--{name}"));
        let mut n = 2;
        loop {
            // Never replaces what is already in quarantine, never follows a link (it moves the link).
            match files::rename_no_replace(path, &target) {
                Ok(()) => break,
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && n < 10_000 => {
                    target = dir.join(format!("{category}--{name}.{n}"));
                    n += 1;
                }
                Err(e) => {
                    return Err(StoreError::Io(format!(
                        "{} could not be moved to quarantine: {}",
                        path.display(),
                        io_words(&e)
                    )));
                }
            }
        }
        let _ = super::atomic::sync_dir(&dir);
        let _ = super::atomic::sync_dir(path.parent().unwrap_or(&dir));
        Ok(target)
    }

    /// Files in quarantine, with their problem category.
    pub fn quarantined(&self) -> Vec<Quarantined> {
        let Ok(entries) = std::fs::read_dir(self.quarantine_dir()) else { return Vec::new() };
        let mut found: Vec<Quarantined> = entries
            .flatten()
            .filter_map(|entry| {
                let name = entry.file_name().into_string().ok()?;
                let (category, _) = name.split_once("--")?;
                Some(Quarantined { file: entry.path(), problem: category.to_owned() })
            })
            .collect();
        found.sort_by(|a, b| a.file.cmp(&b.file));
        found
    }

    /// Every record, newest visit first, and what is in quarantine. Uses the index for records
    /// whose file has not changed since it was indexed; the files are the truth.
    pub fn list(&self, content: &Content) -> Result<Listing, StoreError> {
        self.list_checked(content, index::ListCheck::Trust)
    }

    /// As [`Store::list`]; with [`index::ListCheck::Verify`] every record file's stamp is checked
    /// even when the records folder looks unchanged (`list --verify`: sees a file another program
    /// rewrote in place).
    pub fn list_checked(&self, content: &Content, check: index::ListCheck) -> Result<Listing, StoreError> {
        self.list_loading(&|| Some(content), check)
    }

    /// As [`Store::list_checked`], loading the content only if a record file has to be read
    /// (a warm list reads none): for a command whose whole run is the list.
    pub fn list_loading<'c>(
        &self,
        content: &dyn Fn() -> Option<&'c Content>,
        check: index::ListCheck,
    ) -> Result<Listing, StoreError> {
        let (records, index_rebuilt) = index::refresh(self, content, check)?;
        Ok(Listing { records, quarantined: self.quarantined(), index_rebuilt })
    }
}

/// The static name of a quarantine category read back from a file name.
fn category_name(found: &str) -> &'static str {
    ["truncated", "not_json", "wrong_format", "too_new", "invalid", "io", files::NOT_A_FILE]
        .into_iter()
        .find(|c| *c == found)
        .unwrap_or("io")
}
