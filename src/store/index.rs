//! The list index: what `list` shows for each record, so that listing need not read (or, when
//! nothing changed, even look at) the record files. It is a cache: missing, unreadable, damaged
//! or stale, it is rebuilt from the record files, which are always the truth. It holds patient
//! names, so both of its files live with the records (0600, in the records folder), are never
//! opened through a link, and carry CRC-32 checksums.
//!
//! Two files, so that a save costs the same at any size:
//!
//! - `records/index.json`, the compacted index, written atomically (temporary file, fsync,
//!   rename) now and then: a header line (format, a random generation, the state of the records
//!   folder when it was checked, the CRC-32 of the entry lines; sealed with its own checksum),
//!   then one JSON line per record, newest visit first.
//! - `records/index.journal`, appended to: a header line naming the generation of the index it
//!   belongs to, then one line per change (`crc32:XXXXXXXX {json}`): a record saved (`put`, with
//!   its file's size, times and inode), a record gone, or the records folder checked (`seen`). A
//!   save appends one line (one `write` with O_APPEND, no rewrite, no fsync: it is a cache, and
//!   the record file itself was made durable before). A journal of another generation (a
//!   compaction killed half-way) is ignored; a line that is cut short (a save killed mid-append),
//!   fails its checksum or is not ours is skipped, and then nothing in the index is trusted
//!   without checking it against the files (and the damage is reported).
//!
//! How `list` decides what to trust:
//!
//! 1. **Nothing changed: no look at the files at all.** The last `seen` line (or the index header)
//!    records the folder's modification time, change time and inode, taken *before* the check
//!    that followed it. Every one of our writes to the records folder (a save, an import, a lock,
//!    a quarantine move, the index's own compaction) creates or renames a directory entry, and
//!    that changes the folder's times. So if the folder's times are what the last check saw, no
//!    record file was created, renamed over, moved away or deleted since, and the index is
//!    trusted as it is. File times are coarse: a change in the same clock tick as the recorded
//!    time would not move it. So, like git's "racy" rule, a recorded time is trusted only if it
//!    was already [`SETTLE_NS`] old when it was taken (two and a half seconds on a file system
//!    whose times have whole seconds only): any later change then has a later time.
//! 2. **Something changed: check, read only what changed.** Otherwise every record file is
//!    looked at (one lstat each, no read) and compared with its entry: size, modification time,
//!    change time and inode. Only files that differ (or whose entry was recorded less than
//!    [`SETTLE_NS`] after the file changed) are read again, through the full load pipeline; a
//!    file that fails is quarantined, and so is anything that is not a plain file of ours. The
//!    changes go to the journal, with a `seen` line, so the next list is case 1 again.
//!
//! What is not seen: a record file changed *in place* (opened and rewritten, not replaced by a
//! rename) by something other than this program does not change the folder's times, so case 1
//! keeps the entry it had. This program never writes a record in place (every save is a rename),
//! and a record file changed by hand fails its checksum anyway. [`ListCheck::Verify`] (`list
//! --verify`) always does case 2, whose change-time comparison sees any in-place write.

use super::atomic::{self, write_atomic_via};
use super::files::{self, Refused};
use super::{Store, StoreError, checksum, io_words};
use crate::content::Content;
use crate::record::{Decoded, Record};
use crate::report::VerdictReport;
use serde::{Deserialize, Serialize};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::os::unix::fs::MetadataExt;

pub const INDEX_FILE: &str = "index.json";
pub const JOURNAL_FILE: &str = "index.journal";
const INDEX_FORMAT: &str = "physio-intake/index";
const INDEX_VERSION: u32 = 2;
const JOURNAL_FORMAT: &str = "physio-intake/index-journal";
/// Largest index or journal read (about 300 bytes a record: millions of records).
const MAX_INDEX_BYTES: u64 = 1024 * 1024 * 1024;
/// How old a recorded file or folder time must already be when it is recorded to be trusted
/// later (see the module notes): well above the kernel's timestamp tick (at most 10 ms).
pub const SETTLE_NS: i64 = 50_000_000;
/// The same for a file system whose times are whole seconds (FAT has two-second times).
const SETTLE_COARSE_NS: i64 = 2_500_000_000;

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

/// Whether `list` may trust the index where the records folder has not changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListCheck {
    /// Trust the index when the folder is unchanged; otherwise check each file's stamp.
    Trust,
    /// Always check each file's stamp (size, times, inode), whatever the folder says: sees a
    /// record file changed in place by another program.
    Verify,
}

/// What a file or folder looked like, and when we looked (a clock reading taken before the
/// look, so it is never later than the look itself).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    size: u64,
    mtime_ns: i64,
    ctime_ns: i64,
    inode: u64,
    seen_ns: i64,
}

impl Stamp {
    fn of(metadata: &std::fs::Metadata, seen_ns: i64) -> Stamp {
        Stamp {
            size: metadata.len(),
            mtime_ns: metadata.mtime().saturating_mul(1_000_000_000).saturating_add(metadata.mtime_nsec()),
            ctime_ns: metadata.ctime().saturating_mul(1_000_000_000).saturating_add(metadata.ctime_nsec()),
            inode: metadata.ino(),
            seen_ns,
        }
    }

    /// The same file (or folder) state, whenever each was looked at.
    fn same(&self, other: &Stamp) -> bool {
        self.size == other.size
            && self.mtime_ns == other.mtime_ns
            && self.ctime_ns == other.ctime_ns
            && self.inode == other.inode
    }

    /// Its times were already old when it was looked at: a later change gets a later time.
    fn settled(&self) -> bool {
        let newest = self.mtime_ns.max(self.ctime_ns);
        let whole_seconds = self.mtime_ns % 1_000_000_000 == 0 && self.ctime_ns % 1_000_000_000 == 0;
        self.seen_ns.saturating_sub(newest) >= if whole_seconds { SETTLE_COARSE_NS } else { SETTLE_NS }
    }
}

fn clock_ns() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX))
}

/// The records folder as it is now (never followed if it were a link).
fn look_at_folder(store: &Store) -> Result<Stamp, StoreError> {
    let seen_ns = clock_ns();
    std::fs::symlink_metadata(store.records_dir())
        .map(|m| Stamp::of(&m, seen_ns))
        .map_err(|e| StoreError::Io(format!("the records folder cannot be read: {}", io_words(&e))))
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(from = "Row")]
struct Indexed {
    file: Stamp,
    entry: ListEntry,
}

/// How an entry is written in the index and journal: a JSON array, in this order (half the size
/// of an object with names, and faster to read back).
#[derive(Serialize, Deserialize)]
struct Row(
    u64,
    i64,
    i64,
    u64,
    i64,
    String,
    Option<String>,
    Option<String>,
    String,
    u32,
    String,
    Option<VerdictReport>,
    bool,
    Option<String>,
);

impl From<Row> for Indexed {
    fn from(
        Row(
            size,
            mtime_ns,
            ctime_ns,
            inode,
            seen_ns,
            id,
            visit_date,
            patient,
            status,
            revision,
            updated_at,
            verdict,
            read_only,
            integrity,
        ): Row,
    ) -> Indexed {
        Indexed {
            file: Stamp { size, mtime_ns, ctime_ns, inode, seen_ns },
            entry: ListEntry { id, visit_date, patient, status, revision, updated_at, verdict, read_only, integrity },
        }
    }
}

impl Serialize for Indexed {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let (file, entry) = (&self.file, &self.entry);
        (
            file.size,
            file.mtime_ns,
            file.ctime_ns,
            file.inode,
            file.seen_ns,
            &entry.id,
            &entry.visit_date,
            &entry.patient,
            &entry.status,
            entry.revision,
            &entry.updated_at,
            &entry.verdict,
            entry.read_only,
            &entry.integrity,
        )
            .serialize(serializer)
    }
}

impl Indexed {
    /// The cached entry still describes the file: same stamp, recorded once the file had settled.
    fn describes(&self, now: &Stamp) -> bool {
        self.file.same(now) && self.file.settled()
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct IndexHeader {
    format: String,
    version: u32,
    generation: String,
    /// The records folder, looked at before the check that produced these entries.
    folder: Option<Stamp>,
    entries: usize,
    /// CRC-32 of everything after the header line.
    body: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct JournalHeader {
    format: String,
    generation: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum JournalLine {
    /// A record saved (or read again by a check): its file's stamp and its entry.
    Put(Box<Indexed>),
    /// A record file no longer in the folder.
    Gone(String),
    /// The records folder was checked, after being seen like this.
    Seen(Stamp),
}

/// What was wrong with the index file, reported when it is rebuilt.
pub(super) type IndexProblem = Option<String>;

/// A cache file read: missing, usable, or refused or damaged (with what was wrong).
enum Cached<T> {
    Missing,
    Good(T),
    Bad(Option<String>),
}

/// Open and read one of the index's files, moving aside anything that is not a plain file of ours.
fn read_cache_file(store: &Store, name: &str) -> Cached<Vec<u8>> {
    let path = store.records_dir().join(name);
    let file = match files::open_existing_up_to(&path, false, MAX_INDEX_BYTES) {
        Ok(file) => file,
        Err(Refused::NotFound) => return Cached::Missing,
        Err(refused) if refused.quarantine() => {
            let moved = store.quarantine(&path, refused.category()).map(|to| to.display().to_string());
            return Cached::Bad(Some(format!(
                "records/{name} was refused ({}){}; the list was rebuilt from the record files",
                refused.describe(),
                moved.map(|to| format!(" and moved to {to}")).unwrap_or_default()
            )));
        }
        Err(_) => return Cached::Bad(None),
    };
    let size = file.metadata().map_or(0, |m| m.len()).min(MAX_INDEX_BYTES);
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    match file.take(MAX_INDEX_BYTES).read_to_end(&mut bytes) {
        Ok(_) => Cached::Good(bytes),
        Err(_) => Cached::Bad(None),
    }
}

/// A line `crc32:XXXXXXXX {json}` checked and parsed.
fn checked_line<T: serde::de::DeserializeOwned>(line: &[u8]) -> Option<T> {
    let split = line.iter().position(|&b| b == b' ')?;
    let (sum, json) = (&line[..split], &line[split + 1..]);
    if sum != checksum::of_bytes(json).as_bytes() {
        return None;
    }
    serde_json::from_slice(json).ok()
}

fn sealed_line<T: Serialize>(value: &T) -> Option<Vec<u8>> {
    let json = serde_json::to_vec(value).ok()?;
    let mut line = checksum::of_bytes(&json).into_bytes();
    line.push(b' ');
    line.extend_from_slice(&json);
    line.push(b'\n');
    Some(line)
}

struct Index {
    header: IndexHeader,
    /// In list order, as written; `stamps[i]` is the file of `entries[i]` (apart, so that a
    /// trusted index's entries are returned as they were read, without a copy).
    stamps: Vec<Stamp>,
    entries: Vec<ListEntry>,
}

impl Index {
    fn into_indexed(self) -> Vec<Indexed> {
        self.stamps.into_iter().zip(self.entries).map(|(file, entry)| Indexed { file, entry }).collect()
    }
}

fn read_index(store: &Store) -> Cached<Index> {
    let bytes = match read_cache_file(store, INDEX_FILE) {
        Cached::Good(bytes) => bytes,
        Cached::Missing => return Cached::Missing,
        Cached::Bad(why) => return Cached::Bad(why),
    };
    let damaged = |why: &str| {
        Cached::Bad(Some(format!("records/{INDEX_FILE} {why}; the list was rebuilt from the record files")))
    };
    let split = bytes.iter().position(|&b| b == b'\n').unwrap_or(bytes.len());
    let (head, body) = (&bytes[..split], bytes.get(split + 1..).unwrap_or_default());
    let Ok(Json::Object(head)) = serde_json::from_slice::<Json>(head) else {
        return damaged("is damaged (not valid JSON)");
    };
    let Ok(head) = checksum::verify(head) else {
        return damaged("does not match its checksum (changed outside physio-intake, or damaged)");
    };
    let header = match serde_json::from_value::<IndexHeader>(Json::Object(head)) {
        Ok(header) if header.format == INDEX_FORMAT && header.version == INDEX_VERSION => header,
        _ => return damaged("is not an index this version can read"),
    };
    if header.body != checksum::of_bytes(body) {
        return damaged("does not match its checksum (changed outside physio-intake, or damaged)");
    }
    let lines: Vec<&[u8]> = body.split(|&b| b == b'\n').filter(|l| !l.is_empty()).collect();
    let Some((stamps, entries)) = parse_entries(&lines) else {
        return damaged("is not an index this version can read");
    };
    if entries.len() != header.entries {
        return damaged("is damaged (entries are missing)");
    }
    Cached::Good(Index { header, stamps, entries })
}

/// Parse the entry lines, on two threads when there are very many (below that, a second thread
/// costs more than it saves).
fn parse_entries(lines: &[&[u8]]) -> Option<(Vec<Stamp>, Vec<ListEntry>)> {
    let parse = |part: &[&[u8]]| -> Option<(Vec<Stamp>, Vec<ListEntry>)> {
        let mut stamps = Vec::with_capacity(part.len());
        let mut entries = Vec::with_capacity(part.len());
        for line in part {
            let Indexed { file, entry } = serde_json::from_slice::<Indexed>(line).ok()?;
            stamps.push(file);
            entries.push(entry);
        }
        Some((stamps, entries))
    };
    if lines.len() < 40960 {
        return parse(lines);
    }
    let (first, second) = lines.split_at(lines.len() / 2);
    std::thread::scope(|scope| {
        let other = scope.spawn(|| parse(second));
        let (mut stamps, mut entries) = parse(first)?;
        let (more_stamps, more_entries) = other.join().ok()??;
        stamps.extend(more_stamps);
        entries.extend(more_entries);
        Some((stamps, entries))
    })
}

struct Journal {
    lines: Vec<JournalLine>,
    /// Lines that were cut short, failed their checksum or were not ours.
    skipped: usize,
}

/// The journal of this generation; `Missing` also when it belongs to another generation (a
/// compaction was killed between writing the two files).
fn read_journal(store: &Store, generation: &str) -> Cached<Journal> {
    let bytes = match read_cache_file(store, JOURNAL_FILE) {
        Cached::Good(bytes) => bytes,
        Cached::Missing => return Cached::Missing,
        Cached::Bad(why) => return Cached::Bad(why),
    };
    let mut lines = bytes.split_inclusive(|&b| b == b'\n');
    let header = lines.next().and_then(|l| l.strip_suffix(b"\n")).and_then(checked_line::<JournalHeader>);
    match header {
        Some(header) if header.format == JOURNAL_FORMAT && header.generation == generation => {}
        Some(header) if header.format == JOURNAL_FORMAT => return Cached::Missing,
        _ => {
            return Cached::Bad(Some(format!(
                "records/{JOURNAL_FILE} is damaged (not a journal this version can read); the list was checked against the record files"
            )));
        }
    }
    let mut journal = Journal { lines: Vec::new(), skipped: 0 };
    for line in lines {
        match line.strip_suffix(b"\n").and_then(checked_line::<JournalLine>) {
            Some(parsed) => journal.lines.push(parsed),
            None => journal.skipped += 1,
        }
    }
    Cached::Good(journal)
}

fn new_generation() -> String {
    let mut random = [0u8; 8];
    if getrandom::fill(&mut random).is_err() {
        // Only needs to differ from the last one.
        random = clock_ns().to_le_bytes()[..8].try_into().unwrap_or_default();
    }
    random.iter().map(|b| format!("{b:02x}")).collect()
}

/// Newest visit first, then most recently updated.
fn list_order(a: &ListEntry, b: &ListEntry) -> std::cmp::Ordering {
    b.visit_date.cmp(&a.visit_date).then_with(|| b.updated_at.cmp(&a.updated_at)).then_with(|| a.id.cmp(&b.id))
}

/// Write a fresh journal and a compacted index holding `entries` (in list order). A cache: if it
/// cannot be written, the next list checks the files again.
fn compact(store: &Store, entries: &[&Indexed], folder: Stamp) {
    let dir = store.records_dir();
    let generation = new_generation();
    let header = JournalHeader { format: JOURNAL_FORMAT.to_owned(), generation: generation.clone() };
    let Some(journal) = sealed_line(&header) else { return };
    let mut body = Vec::with_capacity(entries.len() * 320);
    for indexed in entries {
        if serde_json::to_writer(&mut body, indexed).is_err() {
            return;
        }
        body.push(b'\n');
    }
    let header = IndexHeader {
        format: INDEX_FORMAT.to_owned(),
        version: INDEX_VERSION,
        generation,
        folder: Some(folder),
        entries: entries.len(),
        body: checksum::of_bytes(&body),
    };
    let Ok(Json::Object(head)) = serde_json::to_value(&header) else { return };
    let Ok(mut bytes) = serde_json::to_vec(&Json::Object(checksum::seal(head))) else { return };
    bytes.push(b'\n');
    bytes.extend_from_slice(&body);
    // The journal first: killed between the two, the old index and a journal of another
    // generation remain, and that journal is ignored.
    let temp = store.records_temp_dir();
    if write_atomic_via(&dir, &temp, JOURNAL_FILE, &journal).is_ok() {
        let _ = write_atomic_via(&dir, &temp, INDEX_FILE, &bytes);
    }
}

/// Append lines to the journal, if there is one (a missing journal is made by the next list's
/// compaction; until then the folder's changed times make every list check the files).
fn append(store: &Store, lines: &[u8]) {
    if let Ok(mut file) = files::open_append(&store.records_dir().join(JOURNAL_FILE), MAX_INDEX_BYTES) {
        // One write with O_APPEND: concurrent appends never interleave inside a line.
        let _ = file.write_all(lines);
    }
}

/// After a save: one journal line for the record, so the next `list` need not read the file.
pub(super) fn note_saved(store: &Store, record: &Record) {
    let seen_ns = clock_ns();
    let Ok(metadata) = std::fs::symlink_metadata(store.record_path(&record.id)) else { return };
    let indexed = Indexed { file: Stamp::of(&metadata, seen_ns), entry: ListEntry::of(record) };
    if let Some(line) = sealed_line(&JournalLine::Put(Box::new(indexed))) {
        append(store, &line);
    }
}

/// Bring the index up to date with the record files and return its entries, newest visit first,
/// and what was wrong with the index if it had to be rebuilt (see the module notes for what is
/// trusted when).
pub(super) fn refresh<'c>(
    store: &Store,
    content: &dyn Fn() -> Option<&'c Content>,
    check: ListCheck,
) -> Result<(Vec<ListEntry>, IndexProblem), StoreError> {
    let folder = look_at_folder(store)?;
    let mut problems: Vec<String> = Vec::new();
    let (index, mut last_seen, generation) = match read_index(store) {
        Cached::Good(index) => {
            let (seen, generation) = (index.header.folder, index.header.generation.clone());
            (Some(index), seen, Some(generation))
        }
        Cached::Missing => (None, None, None),
        Cached::Bad(why) => {
            problems.extend(why);
            (None, None, None)
        }
    };
    // What the journal changed since the index was written, by id (None: gone).
    let mut changed_since: HashMap<String, Option<Indexed>> = HashMap::new();
    // Whether the index and journal are whole and of one generation.
    let mut whole = generation.is_some();
    let mut journal_lines = 0;
    if generation.is_none()
        && let Cached::Bad(Some(why)) = read_cache_file(store, JOURNAL_FILE)
    {
        // Not used without its index, but a link or FIFO planted there is moved aside all the same.
        problems.push(why);
    }
    if let Some(generation) = &generation {
        match read_journal(store, generation) {
            Cached::Good(journal) => {
                journal_lines = journal.lines.len() + journal.skipped;
                if journal.skipped > 0 {
                    whole = false;
                    problems.push(format!(
                        "records/{JOURNAL_FILE} had {} damaged or unfinished line(s); the list was checked against the record files",
                        journal.skipped
                    ));
                }
                for line in journal.lines {
                    match line {
                        JournalLine::Put(indexed) => {
                            changed_since.insert(indexed.entry.id.clone(), Some(*indexed));
                        }
                        JournalLine::Gone(id) => {
                            changed_since.insert(id, None);
                        }
                        JournalLine::Seen(stamp) => last_seen = Some(stamp),
                    }
                }
            }
            Cached::Missing => whole = false,
            Cached::Bad(why) => {
                whole = false;
                problems.extend(why);
            }
        }
    }
    let too_long = |entries: usize| journal_lines > 256 && journal_lines > entries / 4;

    let unchanged = last_seen.is_some_and(|seen| seen.same(&folder) && seen.settled());
    if whole && unchanged && check == ListCheck::Trust {
        let Some(index) = index else { return Ok((Vec::new(), joined(problems))) }; // whole: never None
        if !too_long(index.entries.len()) {
            // The entries as read (already in list order), with the journal's changes applied
            // in place: no copy of the list.
            let mut entries = index.entries;
            if !changed_since.is_empty() {
                entries.retain_mut(|entry| match changed_since.remove(&entry.id) {
                    Some(Some(new)) => {
                        *entry = new.entry;
                        true
                    }
                    Some(None) => false,
                    None => true,
                });
                entries.extend(changed_since.into_values().flatten().map(|i| i.entry));
                entries.sort_by(list_order);
            }
            return Ok((entries, joined(problems)));
        }
        let listed = {
            let mut listed: Vec<Indexed> = index
                .into_indexed()
                .into_iter()
                .filter_map(|old| match changed_since.remove(&old.entry.id) {
                    Some(new) => new,
                    None => Some(old),
                })
                .collect();
            listed.extend(changed_since.into_values().flatten());
            listed.sort_by(|a, b| list_order(&a.entry, &b.entry));
            listed
        };
        if too_long(listed.len()) {
            compact(store, &listed.iter().collect::<Vec<_>>(), folder);
        }
        return Ok((listed.into_iter().map(|i| i.entry).collect(), joined(problems)));
    }
    let mut known: HashMap<String, Indexed> =
        index.map(Index::into_indexed).unwrap_or_default().into_iter().map(|i| (i.entry.id.clone(), i)).collect();
    for (id, change) in changed_since {
        match change {
            Some(indexed) => known.insert(id, indexed),
            None => known.remove(&id),
        };
    }

    let dir = store.records_dir();
    let entries = std::fs::read_dir(&dir)
        .map_err(|e| StoreError::Io(format!("the records folder cannot be read: {}", io_words(&e))))?;
    // The names first (one pass over the folder), then each file's stamp, on two threads when
    // there are many: looking is what a check costs.
    let mut found: Vec<(std::fs::DirEntry, String)> = Vec::with_capacity(known.len() + 16);
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        if let Some(rest) = name.strip_prefix(atomic::TEMP_PREFIX)
            && atomic::is_left_over(rest)
        {
            // Left by a killed save of an older version (saves now use records/.tmp/).
            let _ = std::fs::remove_file(entry.path());
            continue;
        }
        let Some(id) = name.strip_suffix(".json") else { continue };
        if super::is_valid_id(id) {
            let id = id.to_owned();
            found.push((entry, id));
        }
    }
    let stamps = look_at_all(&found);
    let mut fresh: Vec<Indexed> = Vec::with_capacity(found.len());
    let mut changes = Vec::new();
    let mut changed = 0usize;
    for ((entry, id), metadata) in found.iter().zip(stamps) {
        let id = id.as_str();
        let Some(metadata) = metadata else { continue }; // lstat: a link is not followed
        if !metadata.file_type().is_file() {
            let _ = store.quarantine(&entry.path(), files::NOT_A_FILE);
            continue;
        }
        // The clock was read before the folder was looked at, so before this file was.
        let stamp = Stamp::of(&metadata, folder.seen_ns);
        if let Some(known) = known.remove(id).filter(|known| known.describes(&stamp)) {
            fresh.push(known);
            continue;
        }
        let bytes = match files::read_private(&entry.path()) {
            Ok(bytes) => bytes,
            Err(refused) if refused.quarantine() => {
                let _ = store.quarantine(&entry.path(), refused.category());
                continue;
            }
            Err(_) => continue, // removed or unreadable just now: it is listed again next time
        };
        // Loaded only now: a list that trusts the index (or reads no file) never needs it.
        let content = content()
            .ok_or_else(|| StoreError::Io("the built-in questionnaire and rulebook could not be loaded".into()))?;
        let listed = match crate::record::decode(&bytes, Some(id), content) {
            Ok(Decoded::Current(record)) => ListEntry::checked(&record, content),
            Ok(Decoded::Newer { value, .. }) => ListEntry::of_newer(id, &value),
            Err(problem) => {
                // Quarantined files show up in the listing's `quarantined` part.
                let _ = store.quarantine(&entry.path(), problem.category());
                continue;
            }
        };
        let indexed = Indexed { file: stamp, entry: listed };
        if let Some(line) = sealed_line(&JournalLine::Put(Box::new(indexed.clone()))) {
            changes.extend_from_slice(&line);
        }
        changed += 1;
        fresh.push(indexed);
    }
    for id in known.into_keys() {
        changed += 1;
        if let Some(line) = sealed_line(&JournalLine::Gone(id)) {
            changes.extend_from_slice(&line);
        }
    }
    fresh.sort_by(|a, b| list_order(&a.entry, &b.entry));
    let listed: Vec<&Indexed> = fresh.iter().collect();
    // Many changes at once (a folder copied in, records removed): one compaction, not a long journal.
    let many = changed > 64 && changed * 8 > listed.len();
    if !whole || many || too_long(listed.len()) {
        compact(store, &listed, folder);
    } else {
        if folder.settled()
            && let Some(line) = sealed_line(&JournalLine::Seen(folder))
        {
            changes.extend_from_slice(&line);
        }
        if !changes.is_empty() {
            append(store, &changes);
        }
    }
    drop(listed);
    Ok((fresh.into_iter().map(|i| i.entry).collect(), joined(problems)))
}

/// Each entry's lstat (None if it vanished or cannot be looked at), in order.
fn look_at_all(found: &[(std::fs::DirEntry, String)]) -> Vec<Option<std::fs::Metadata>> {
    let look = |part: &[(std::fs::DirEntry, String)]| -> Vec<Option<std::fs::Metadata>> {
        part.iter().map(|(entry, _)| entry.metadata().ok()).collect()
    };
    if found.len() < 2048 {
        return look(found);
    }
    let (first, second) = found.split_at(found.len() / 2);
    std::thread::scope(|scope| {
        let other = scope.spawn(|| look(second));
        let mut all = look(first);
        match other.join() {
            Ok(rest) => all.extend(rest),
            Err(_) => all.extend(look(second)),
        }
        all
    })
}

fn joined(problems: Vec<String>) -> IndexProblem {
    if problems.is_empty() { None } else { Some(problems.join("; ")) }
}
