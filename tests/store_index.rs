//! Issue 15, the store half: the list index's journal (a save appends, never rewrites the
//! index), what a warm list trusts, the journal's damage (a cut-off last line, a flipped bit,
//! garbage, a journal of another generation: always the right list, and a report), the records
//! filter (the same matches as the records screen's own), and releasing a lock with its file.

use chrono::{DateTime, TimeZone, Utc};
use physio_intake::content::Content;
use physio_intake::domain::Answers;
use physio_intake::record::{Record, Revision, Status};
use physio_intake::report::VerdictReport;
use physio_intake::store::index::{ListCheck, ListEntry};
use physio_intake::store::lock::Holder;
use physio_intake::store::search::RecordFilter;
use physio_intake::store::{Store, new_id};
use serde_json::json;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

fn content() -> &'static Content {
    Content::embedded().unwrap_or_else(|e| panic!("{e}"))
}

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 9, minute, 0).unwrap()
}

fn answers(name: &str, pain: i64) -> Answers {
    let base = json!({"patient.name": name, "visit.date": "2026-11-22", "visit.consent": true, "pain.now": pain});
    content().parse_answers(base.as_object().unwrap(), at(0).date_naive()).unwrap()
}

fn new_record(store: &Store, name: &str, minute: u32) -> Record {
    let record = Record::new(content(), new_id(at(minute)).unwrap(), &answers(name, 4), Status::InProgress, at(minute));
    store.create(&record).unwrap();
    record
}

/// Long enough for the folder's time to have settled (index::SETTLE_NS is 50 ms).
fn settle() {
    std::thread::sleep(Duration::from_millis(120));
}

fn listed(store: &Store, check: ListCheck) -> Vec<(String, u32, Option<String>)> {
    let mut rows: Vec<_> = store
        .list_checked(content(), check)
        .unwrap()
        .records
        .into_iter()
        .map(|r| (r.id, r.revision, r.patient))
        .collect();
    rows.sort();
    rows
}

/// What the record files themselves say (no index at all).
fn truth(dir: &Path) -> Vec<(String, u32, Option<String>)> {
    let copy = tempfile::tempdir().unwrap();
    let store = Store::open(copy.path()).unwrap();
    for entry in std::fs::read_dir(dir.join("records")).unwrap().flatten() {
        let name = entry.file_name().into_string().unwrap();
        if name.ends_with(".json") && !name.starts_with("index") {
            std::fs::copy(entry.path(), store.records_dir().join(&name)).unwrap();
        }
    }
    listed(&store, ListCheck::Trust)
}

fn journal(dir: &Path) -> PathBuf {
    dir.join("records/index.journal")
}

fn index(dir: &Path) -> PathBuf {
    dir.join("records/index.json")
}

/// A store with three records, listed (index compacted) and listed again once settled (the
/// journal's `seen` line), then a fourth record and a save of the first: two `put` lines.
fn journalled_store() -> (tempfile::TempDir, Store, Vec<Record>) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut records: Vec<Record> = (0..3).map(|n| new_record(&store, &format!("Patient {n}"), n)).collect();
    store.list(content()).unwrap();
    settle();
    store.list(content()).unwrap();
    records.push(new_record(&store, "Patient 3", 3));
    let editing = store.edit(&records[0].id, &Holder::this_process(at(9))).unwrap().unwrap();
    let next = records[0].revise(content(), &answers("Patient 0 renamed", 5), Revision::Draft, at(10));
    store.save(&editing, &next, content()).unwrap();
    records[0] = next;
    (dir, store, records)
}

#[test]
fn a_save_appends_one_journal_line_and_leaves_the_index_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    new_record(&store, "Ana Ruiz", 0);
    store.list(content()).unwrap();
    let before = std::fs::symlink_metadata(index(dir.path())).unwrap();
    let lines = std::fs::read_to_string(journal(dir.path())).unwrap().lines().count();
    new_record(&store, "Ben Okafor", 1);
    let after = std::fs::symlink_metadata(index(dir.path())).unwrap();
    assert_eq!((before.ino(), before.mtime_nsec(), before.len()), (after.ino(), after.mtime_nsec(), after.len()));
    let text = std::fs::read_to_string(journal(dir.path())).unwrap();
    assert_eq!(text.lines().count(), lines + 1, "one line per save");
    let last = text.lines().last().unwrap();
    assert!(last.starts_with("crc32:") && last.contains("Ben Okafor"), "{last}");
    for file in [index(dir.path()), journal(dir.path())] {
        assert_eq!(std::fs::symlink_metadata(&file).unwrap().mode() & 0o777, 0o600, "{}", file.display());
    }
    assert_eq!(listed(&store, ListCheck::Trust), truth(dir.path()));
}

#[test]
fn a_warm_list_trusts_the_index_while_the_folder_is_unchanged_and_verify_checks_the_files() {
    let (dir, store, records) = journalled_store();
    assert_eq!(listed(&store, ListCheck::Trust), truth(dir.path()), "after saves: checked");
    settle();
    listed(&store, ListCheck::Trust); // records the settled folder
    // Rewritten in place, not renamed: the folder's times do not move.
    let path = store.records_dir().join(format!("{}.json", records[1].id));
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() - 10]).unwrap();
    let trusted = listed(&store, ListCheck::Trust);
    assert_eq!(trusted.len(), 4, "the index is trusted as it is: no file was looked at");
    let verified = store.list_checked(content(), ListCheck::Verify).unwrap();
    assert_eq!(verified.records.len(), 3, "a verifying list sees the file changed in place");
    assert_eq!(verified.quarantined.len(), 1);
    assert_eq!(verified.quarantined[0].problem, "truncated");
    // A file replaced by a rename changes the folder: seen without --verify.
    let other = store.records_dir().join(format!("{}.json", records[2].id));
    let moved = dir.path().join("moved-aside.json");
    std::fs::rename(&other, &moved).unwrap();
    assert_eq!(listed(&store, ListCheck::Trust).len(), 2, "a record removed is no longer listed");
}

fn damage(dir: &Path, how: impl FnOnce(&mut Vec<u8>)) {
    let path = journal(dir);
    let mut bytes = std::fs::read(&path).unwrap();
    how(&mut bytes);
    std::fs::write(&path, bytes).unwrap(); // in place, as damage is
}

fn check_damaged(dir: &Path, store: &Store, expect_report: bool) {
    let listing = store.list(content()).unwrap();
    let mut got: Vec<_> = listing.records.iter().map(|r| (r.id.clone(), r.revision, r.patient.clone())).collect();
    got.sort();
    assert_eq!(got, truth(dir), "never a wrong list");
    if expect_report {
        let why = listing.index_rebuilt.expect("the damage is reported");
        assert!(why.contains("index.journal"), "{why}");
        assert!(!why.contains("Patient"), "no patient data in the report: {why}");
    }
    settle();
    assert_eq!(store.list(content()).unwrap().index_rebuilt, None, "repaired: trusted again");
    assert_eq!(listed(store, ListCheck::Trust), truth(dir));
}

#[test]
fn a_journal_cut_off_in_its_last_line_is_checked_against_the_files() {
    let (dir, store, _) = journalled_store();
    damage(dir.path(), |bytes| bytes.truncate(bytes.len() - 25));
    check_damaged(dir.path(), &store, true);
}

#[test]
fn a_flipped_bit_in_any_journal_line_never_gives_a_wrong_list() {
    let (dir, store, _) = journalled_store();
    let original = std::fs::read(journal(dir.path())).unwrap();
    // One position in each line (the header too), and the newline between two lines.
    let mut positions: Vec<usize> = Vec::new();
    let mut start = 0;
    for line in original.split_inclusive(|&b| b == b'\n') {
        positions.push(start + line.len() / 2);
        positions.push(start + line.len() - 1);
        start += line.len();
    }
    for position in positions {
        let copy = tempfile::tempdir().unwrap();
        copy_dir(dir.path(), copy.path());
        let store = Store::open(copy.path()).unwrap();
        damage(copy.path(), |bytes| bytes[position] ^= 0x04);
        check_damaged(copy.path(), &store, true);
    }
    drop(store);
}

#[test]
fn a_garbage_or_foreign_journal_is_ignored_and_replaced() {
    let (dir, store, _) = journalled_store();
    std::fs::write(journal(dir.path()), b"\x00\x01garbage\nnot a journal at all\n").unwrap();
    check_damaged(dir.path(), &store, true);
    // A journal of another generation (a compaction killed between its two files): not ours.
    let (dir, store, _) = journalled_store();
    let text = std::fs::read_to_string(journal(dir.path())).unwrap();
    let other = tempfile::tempdir().unwrap();
    let other_store = Store::open(other.path()).unwrap();
    new_record(&other_store, "Someone Else", 20);
    other_store.list(content()).unwrap();
    std::fs::copy(journal(other.path()), journal(dir.path())).unwrap();
    assert_ne!(std::fs::read_to_string(journal(dir.path())).unwrap(), text);
    check_damaged(dir.path(), &store, false);
    // Removed altogether.
    std::fs::remove_file(journal(dir.path())).unwrap();
    check_damaged(dir.path(), &store, false);
}

#[test]
fn a_damaged_compacted_index_with_a_good_journal_is_rebuilt_and_reported() {
    let (dir, store, _) = journalled_store();
    let path = index(dir.path());
    let mut bytes = std::fs::read(&path).unwrap();
    let last = bytes.len() - 30;
    bytes[last] ^= 0x01;
    std::fs::write(&path, bytes).unwrap();
    let listing = store.list(content()).unwrap();
    assert!(listing.index_rebuilt.unwrap().contains("checksum"));
    let mut got: Vec<_> = listing.records.iter().map(|r| (r.id.clone(), r.revision, r.patient.clone())).collect();
    got.sort();
    assert_eq!(got, truth(dir.path()));
}

#[test]
fn a_temporary_file_an_older_version_left_in_records_is_swept_by_a_checking_list() {
    let (dir, store, _) = journalled_store();
    let dead = store.records_dir().join(".tmp-4000000000-00aa-X.json");
    std::fs::write(&dead, b"plaintext copy").unwrap();
    store.list(content()).unwrap();
    assert!(!dead.exists());
    assert_eq!(listed(&store, ListCheck::Trust), truth(dir.path()));
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

// --- The records filter ----------------------------------------------------------------------

/// Entries with names, dates, statuses and verdicts of every kind (and non-ASCII letters).
fn generated_entries(count: usize) -> Vec<ListEntry> {
    let names = ["Ana Ruiz", "ÉLODIE Brun", "Ben O'Neil", "Ἀλέξανδρος ΣΟΦΟΣ", "İsmail Kaya", "Zoë", "", "van der Berg"];
    let statuses = ["in_progress", "completed", "amended"];
    let massages = ["stop", "avoid", "modify", "clear"];
    let referrals = ["emergency", "urgent", "routine", "none"];
    (0..count)
        .map(|n| ListEntry {
            id: format!("{n:026}"),
            visit_date: (n % 7 != 0).then(|| format!("20{:02}-{:02}-{:02}", 10 + n % 16, 1 + n % 12, 1 + n % 28)),
            patient: (n % 11 != 0).then(|| format!("{} {n}", names[n % names.len()])),
            status: statuses[n % statuses.len()].to_owned(),
            revision: 1,
            updated_at: String::new(),
            verdict: (n % 13 != 0).then(|| VerdictReport {
                massage: massages[n % massages.len()].into(),
                referral: referrals[(n / 4) % referrals.len()].into(),
            }),
            read_only: false,
            integrity: None,
        })
        .collect()
}

/// The rule the filter is written to, searched afresh with no cleverness: every word of the
/// query, lowercased, is in the entry's patient, date, status (`_` as a space) and verdict.
fn reference_filter(entries: Vec<ListEntry>, query: &str) -> Vec<usize> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    let text = |e: &ListEntry| {
        let verdict = e.verdict.as_ref().map_or(String::new(), |v| {
            let massage = serde_json::to_value(v.massage).unwrap();
            let referral = serde_json::to_value(v.referral).unwrap();
            format!("{} {}", massage.as_str().unwrap(), referral.as_str().unwrap())
        });
        let status = e.status.replace('_', " ");
        format!(
            "{} {} {} {}",
            e.patient.as_deref().unwrap_or(""),
            e.visit_date.as_deref().unwrap_or(""),
            status,
            verdict
        )
        .to_lowercase()
    };
    (0..entries.len()).filter(|&i| words.iter().all(|w| text(&entries[i]).contains(w.as_str()))).collect()
}

/// What the records screen shows for this filter.
fn screen_filter(entries: Vec<ListEntry>, query: &str) -> Vec<usize> {
    let mut screen = physio_intake::tui::screens::records::Records::new(entries);
    screen.set_filter(query);
    screen.shown
}

#[test]
fn the_filter_and_the_records_screen_match_exactly_what_the_rule_says() {
    let entries = generated_entries(600);
    let filter = RecordFilter::new(&entries);
    let queries = [
        "",
        " ",
        "ana",
        "ANA ruiz",
        "ruiz ana",
        "2019",
        "2019-0",
        "in progress",
        "in_progress",
        "progress comp",
        "avoid",
        "modify routine",
        "stop emergency",
        "élodie",
        "ÉLO",
        "σοφος",
        "ΣΟΦΟΣ",
        "σοφοσ",
        "i̇smail",
        "zoë 4",
        "van der",
        "o'neil",
        "nobody",
        "clear none 2024",
        "  a  b  ",
        "1",
        "12",
        "-",
        "a-",
        "ss",
    ];
    for query in queries {
        assert_eq!(filter.matching(query), reference_filter(entries.clone(), query), "query {query:?}");
        assert_eq!(filter.matching(query), screen_filter(entries.clone(), query), "screen, query {query:?}");
    }
}

#[test]
fn narrowing_as_the_user_types_gives_the_same_answers_as_searching_afresh() {
    let entries = generated_entries(800);
    let mut filter = RecordFilter::new(&entries);
    // Typing, backspacing, clearing, and a Greek final sigma (whose lowercase depends on what follows).
    let typed = [
        "a",
        "an",
        "ana",
        "ana ",
        "ana r",
        "ana ru",
        "ana r",
        "ana",
        "",
        "Σ",
        "ΣΟ",
        "ΣΟΦΟΣ",
        "ΣΟΦΟΣ ",
        "ΣΟΦΟΣ 1",
        "ΑΣ",
        "ΑΣΑ",
        "2",
        "20",
        "201",
        "2019",
        "2019 av",
        "2019 avoid",
        "x",
        "",
    ];
    for query in typed {
        assert_eq!(filter.matching_from(query), filter.matching(query), "query {query:?}");
        assert_eq!(filter.matching(query), reference_filter(entries.clone(), query), "query {query:?}");
        assert_eq!(filter.matching(query), screen_filter(entries.clone(), query), "screen, query {query:?}");
    }
}

// --- Releasing a lock with its file ----------------------------------------------------------

#[test]
fn releasing_a_lock_removes_its_file_and_the_record_can_be_locked_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let record = new_record(&store, "Ana Ruiz", 0);
    let lock_file = store.records_dir().join(format!("{}.lock", record.id));
    let editing = store.edit(&record.id, &Holder::this_process(at(1))).unwrap().unwrap();
    assert!(lock_file.exists());
    editing.release().unwrap();
    assert!(!lock_file.exists(), "the lock file is removed when its holder is done");
    let again = store.edit(&record.id, &Holder::this_process(at(2))).unwrap();
    assert!(again.is_ok(), "the record can be opened again");
    drop(again);
    assert!(lock_file.exists(), "dropped without release: the file stays (the lock does not)");
}

#[test]
fn releasing_leaves_a_lock_file_that_is_no_longer_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let record = new_record(&store, "Ana Ruiz", 0);
    let lock_file = store.records_dir().join(format!("{}.lock", record.id));
    let editing = store.edit(&record.id, &Holder::this_process(at(1))).unwrap().unwrap();
    // Someone replaced the file at the lock's name (a newer instance's own lock file).
    std::fs::remove_file(&lock_file).unwrap();
    std::fs::write(&lock_file, b"{}").unwrap();
    editing.release().unwrap();
    assert_eq!(std::fs::read(&lock_file).unwrap(), b"{}", "not ours: left alone");
    // A link planted at the name is not followed or removed either.
    let outside = tempfile::tempdir().unwrap();
    let target = outside.path().join("target");
    std::fs::write(&target, b"keep").unwrap();
    std::fs::remove_file(&lock_file).unwrap();
    let editing = store.edit(&record.id, &Holder::this_process(at(2))).unwrap().unwrap();
    std::fs::remove_file(&lock_file).unwrap();
    std::os::unix::fs::symlink(&target, &lock_file).unwrap();
    editing.release().unwrap();
    assert!(std::fs::symlink_metadata(&lock_file).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read(&target).unwrap(), b"keep");
}

#[test]
fn a_lock_taken_on_a_file_its_holder_removed_is_taken_again_on_the_new_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let record = new_record(&store, "Ana Ruiz", 0);
    let first = store.edit(&record.id, &Holder::this_process(at(1))).unwrap().unwrap();
    first.release().unwrap();
    let second = store.edit(&record.id, &Holder::this_process(at(2))).unwrap().unwrap();
    let third = store.edit(&record.id, &Holder::this_process(at(3))).unwrap();
    assert!(third.is_err(), "one editor at a time, on the file now at the lock's name");
    drop(second);
}
