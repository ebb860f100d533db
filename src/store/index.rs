//! The list index: one small file with what `list` shows for each record, keyed by file size,
//! modification time and inode. It is a cache: missing, unreadable or stale, it is rebuilt from the
//! record files, which are always the truth. File times are coarse (a few milliseconds), so an
//! entry whose time is not strictly older than the index file itself could hide a second save in
//! the same tick: such "racy" entries are re-read, as git does with its index. It holds patient names, so it is kept with the records
//! (0600, in the records folder) and written atomically like them. It carries a CRC-32 like the
//! records: an index that does not match is rebuilt from the files, and the rebuild is reported.

use super::atomic::write_atomic;
use super::files::{self, Refused};
use super::{Store, StoreError, checksum, io_words};
use crate::content::Content;
use crate::record::{Decoded, Record};
use crate::report::VerdictReport;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::os::unix::fs::MetadataExt;

pub const INDEX_FILE: &str = "index.json";
const INDEX_FORMAT: &str = "physio-intake/index";

/// What `list` shows for one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListEntry {
    pub id: String,
    pub visit_date: Option<String>,
    pub patient: Option<String>,
    pub status: String,
    pub revision: u32,
    pub updated_at: String,
    pub verdict: Option<VerdictReport>,
    /// Written by a newer version: readable, not editable here.
    pub read_only: bool,
    /// The stored result does not match what the record's own answers give (with the same
    /// rulebook): what differs. Such a record opens read-only.
    #[serde(default)]
    pub integrity: Option<String>,
}

impl ListEntry {
    pub fn of(record: &Record) -> ListEntry {
        ListEntry {
            id: record.id.clone(),
            visit_date: record.visit_date().map(str::to_owned),
            patient: record.patient().map(str::to_owned),
            status: record.status.code().to_owned(),
            revision: record.revision,
            updated_at: record.updated_at.to_rfc3339(),
            verdict: Some(record.result.verdict.clone()),
            read_only: false,
            integrity: None,
        }
    }

    /// As [`ListEntry::of`], with the record's answers evaluated again to check its result.
    pub fn checked(record: &Record, content: &Content) -> ListEntry {
        let mut entry = ListEntry::of(record);
        entry.integrity =
            record.recheck(content).filter(crate::gate::Recheck::is_integrity_problem).and_then(|r| r.words());
        entry
    }

    /// Best effort for a file from a newer schema: the fields we know, where they still are.
    fn of_newer(id: &str, value: &serde_json::Map<String, Json>) -> ListEntry {
        let text = |v: Option<&Json>| v.and_then(Json::as_str).map(str::to_owned);
        let answers = value.get("answers");
        ListEntry {
            id: id.to_owned(),
            visit_date: text(answers.and_then(|a| a.get("visit.date"))),
            patient: text(answers.and_then(|a| a.get("patient.name"))),
            status: text(value.get("status")).unwrap_or_else(|| "unknown".into()),
            revision: value.get("revision").and_then(Json::as_u64).and_then(|r| u32::try_from(r).ok()).unwrap_or(0),
            updated_at: text(value.get("updated_at")).unwrap_or_default(),
            verdict: value
                .get("result")
                .and_then(|r| r.get("verdict"))
                .and_then(|v| serde_json::from_value(v.clone()).ok()),
            read_only: true,
            integrity: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Indexed {
    size: u64,
    mtime_ns: i128,
    inode: u64,
    entry: ListEntry,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct IndexFile {
    format: String,
    entries: BTreeMap<String, Indexed>,
}

/// What was wrong with the index file, reported when it is rebuilt.
pub(super) type IndexProblem = Option<String>;

/// The index and its file's modification time (None when there is no usable index), and what was
/// wrong with it when there was one that could not be used.
fn read_index(store: &Store) -> (IndexFile, Option<i128>, IndexProblem) {
    let path = store.records_dir().join(INDEX_FILE);
    let file = match files::open_existing(&path, false) {
        Ok(file) => file,
        Err(Refused::NotFound) => return (IndexFile::default(), None, None),
        Err(refused) if refused.quarantine() => {
            let moved = store.quarantine(&path, refused.category()).map(|to| to.display().to_string());
            let problem = format!(
                "records/{INDEX_FILE} was refused ({}){}; the list was rebuilt from the record files",
                refused.describe(),
                moved.map(|to| format!(" and moved to {to}")).unwrap_or_default()
            );
            return (IndexFile::default(), None, Some(problem));
        }
        Err(_) => return (IndexFile::default(), None, None),
    };
    let written = file.metadata().ok().map(|m| file_stamp(&m).mtime_ns);
    let mut bytes = Vec::new();
    if std::io::Read::read_to_end(&mut std::io::Read::take(&file, files::MAX_FILE_BYTES), &mut bytes).is_err() {
        return (IndexFile::default(), None, None);
    }
    let damaged = |why: &str| {
        (
            IndexFile::default(),
            None,
            Some(format!("records/{INDEX_FILE} {why}; the list was rebuilt from the record files")),
        )
    };
    let Ok(Json::Object(body)) = serde_json::from_slice::<Json>(&bytes) else {
        return damaged("is damaged (not valid JSON)");
    };
    let body = match checksum::verify(body) {
        Ok(body) => body,
        Err(_) => return damaged("does not match its checksum (changed outside physio-intake, or damaged)"),
    };
    match serde_json::from_value::<IndexFile>(Json::Object(body)) {
        Ok(index) if index.format == INDEX_FORMAT => (index, written, None),
        _ => damaged("is not an index this version can read"),
    }
}

fn write_index(store: &Store, entries: BTreeMap<String, Indexed>) {
    let index = IndexFile { format: INDEX_FORMAT.to_owned(), entries };
    let Ok(Json::Object(body)) = serde_json::to_value(&index) else { return };
    if let Ok(bytes) = serde_json::to_vec(&Json::Object(checksum::seal(body))) {
        // A cache: if it cannot be written, the next list rebuilds it.
        let _ = write_atomic(&store.records_dir(), INDEX_FILE, &bytes);
    }
}

struct Stamp {
    size: u64,
    mtime_ns: i128,
    inode: u64,
}

fn file_stamp(metadata: &std::fs::Metadata) -> Stamp {
    Stamp {
        size: metadata.len(),
        mtime_ns: i128::from(metadata.mtime()) * 1_000_000_000 + i128::from(metadata.mtime_nsec()),
        inode: metadata.ino(),
    }
}

impl Indexed {
    /// The cached entry still describes the file: same stamp, and written a tick before the index.
    fn describes(&self, now: &Stamp, index_written: Option<i128>) -> bool {
        self.size == now.size
            && self.mtime_ns == now.mtime_ns
            && self.inode == now.inode
            && index_written.is_some_and(|written| self.mtime_ns < written)
    }
}

/// After a save: update the record's index entry, so the next `list` need not read the file.
pub(super) fn note_saved(store: &Store, record: &Record) {
    let Ok(metadata) = std::fs::symlink_metadata(store.record_path(&record.id)) else { return };
    let Stamp { size, mtime_ns, inode } = file_stamp(&metadata);
    let (mut index, _, _) = read_index(store);
    index.entries.insert(record.id.clone(), Indexed { size, mtime_ns, inode, entry: ListEntry::of(record) });
    write_index(store, index.entries);
}

/// Bring the index up to date with the record files and return its entries, newest visit first,
/// and what was wrong with the index if it had to be rebuilt. Files that changed are read through
/// the full load pipeline; those that fail are quarantined, and so is anything in the records
/// folder that is not a plain file of ours (never followed, never read).
pub(super) fn refresh(store: &Store, content: &Content) -> Result<(Vec<ListEntry>, IndexProblem), StoreError> {
    let dir = store.records_dir();
    let entries = std::fs::read_dir(&dir)
        .map_err(|e| StoreError::Io(format!("the records folder cannot be read: {}", io_words(&e))))?;
    let (IndexFile { entries: old, .. }, index_written, problem) = read_index(store);
    let mut fresh = BTreeMap::new();
    let mut changed = false;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(id) = name.to_str().and_then(|n| n.strip_suffix(".json")) else { continue };
        if !super::is_valid_id(id) {
            continue;
        }
        let Ok(metadata) = entry.metadata() else { continue }; // lstat: a link is not followed
        if !metadata.file_type().is_file() {
            changed = true;
            let _ = store.quarantine(&entry.path(), files::NOT_A_FILE);
            continue;
        }
        let stamp = file_stamp(&metadata);
        if let Some(known) = old.get(id).filter(|known| known.describes(&stamp, index_written)) {
            fresh.insert(id.to_owned(), known.clone());
            continue;
        }
        changed = true;
        let bytes = match files::read_private(&entry.path()) {
            Ok(bytes) => bytes,
            Err(refused) if refused.quarantine() => {
                let _ = store.quarantine(&entry.path(), refused.category());
                continue;
            }
            Err(_) => continue, // removed or unreadable just now: it is listed again next time
        };
        let listed = match crate::record::decode(&bytes, Some(id), content) {
            Ok(Decoded::Current(record)) => ListEntry::checked(&record, content),
            Ok(Decoded::Newer { value, .. }) => ListEntry::of_newer(id, &value),
            Err(problem) => {
                // Quarantined files show up in the listing's `quarantined` part.
                let _ = store.quarantine(&entry.path(), problem.category());
                continue;
            }
        };
        let Stamp { size, mtime_ns, inode } = stamp;
        fresh.insert(id.to_owned(), Indexed { size, mtime_ns, inode, entry: listed });
    }
    if changed || fresh.len() != old.len() || problem.is_some() {
        write_index(store, fresh.clone());
    }
    let mut listed: Vec<ListEntry> = fresh.into_values().map(|i| i.entry).collect();
    listed.sort_by(|a, b| b.visit_date.cmp(&a.visit_date).then_with(|| b.updated_at.cmp(&a.updated_at)));
    Ok((listed, problem))
}
