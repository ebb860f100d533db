//! The record store through its API: create, load, amend with history, drafts and recovery,
//! the list index as a cache, and failed saves that leave the previous file untouched.

use chrono::{DateTime, TimeZone, Utc};
use physio_intake::content::Content;
use physio_intake::domain::Answers;
use physio_intake::record::{Decoded, Draft, Record, Revision, Status};
use physio_intake::store::lock::Holder;
use physio_intake::store::{Store, StoreError, atomic, new_id};
use serde_json::{Value, json};

fn content() -> &'static Content {
    Content::embedded().unwrap_or_else(|e| panic!("{e}"))
}

fn at(minute: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 22, 9, minute, 0).unwrap()
}

fn answers(extra: Value) -> Answers {
    let mut base =
        json!({"patient.name": "Test Patient", "visit.date": "2026-11-22", "visit.consent": true, "pain.now": 4});
    for (k, v) in extra.as_object().unwrap() {
        base[k] = v.clone();
    }
    content().parse_answers(base.as_object().unwrap(), at(0).date_naive()).unwrap()
}

fn new_record(store: &Store, status: Status) -> Record {
    let record = Record::new(content(), new_id(at(0)).unwrap(), &answers(json!({})), status, at(0));
    store.create(&record).unwrap();
    record
}

fn current(store: &Store, id: &str) -> Record {
    match store.load(id, content()).unwrap() {
        Decoded::Current(record) => *record,
        Decoded::Newer { .. } => panic!("unexpected newer record"),
    }
}

fn holder() -> Holder {
    Holder::this_process(at(0))
}

#[test]
fn a_created_record_loads_back_identical() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let record = new_record(&store, Status::Completed);
    assert_eq!(current(&store, &record.id), record);
    let bytes = std::fs::read(dir.path().join("records").join(format!("{}.json", record.id))).unwrap();
    assert_ne!(bytes.last(), Some(&b'\n'), "no trailing newline: every truncation is incomplete JSON");
}

#[test]
fn a_completed_record_changes_only_by_amendment_and_keeps_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let original = new_record(&store, Status::Completed);
    let original_bytes = std::fs::read(dir.path().join("records").join(format!("{}.json", original.id))).unwrap();
    let editing = store.edit(&original.id, &holder()).unwrap().unwrap();

    let silent = original.revise(content(), &answers(json!({"pain.now": 7})), Revision::Draft, at(5));
    assert!(matches!(store.save(&editing, &silent, content()), Err(StoreError::Final(_))));
    assert_eq!(current(&store, &original.id), original, "a refused save changes nothing");

    let change = Revision::Amend { by: "J. Okafor".into(), reason: "Pain score misheard; patient confirmed 7".into() };
    let amended = original.revise(content(), &answers(json!({"pain.now": 7})), change, at(6));
    store.save(&editing, &amended, content()).unwrap();
    let now = current(&store, &original.id);
    assert_eq!((now.revision, now.status), (2, Status::Amended));
    assert_eq!(now.amendments.len(), 1);
    assert_eq!(now.amendments[0].by, "J. Okafor");

    let history = store.history(&original.id, content()).unwrap();
    assert_eq!(history, vec![original.clone()], "the original revision stays readable");
    let kept = std::fs::read(dir.path().join("records/history").join(format!("{}.r1.json", original.id))).unwrap();
    assert_eq!(kept, original_bytes, "byte for byte");
}

#[test]
fn an_in_progress_record_can_be_saved_again_and_completed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let record = new_record(&store, Status::InProgress);
    let editing = store.edit(&record.id, &holder()).unwrap().unwrap();
    let second = record.revise(content(), &answers(json!({"pain.now": 5})), Revision::Draft, at(1));
    store.save(&editing, &second, content()).unwrap();
    let done = second.revise(content(), &answers(json!({"pain.now": 5})), Revision::Complete, at(2));
    store.save(&editing, &done, content()).unwrap();
    let loaded = current(&store, &record.id);
    assert_eq!((loaded.revision, loaded.status), (3, Status::Completed));
    assert!(store.history(&record.id, content()).unwrap().is_empty(), "in-progress revisions are not history");
}

#[test]
fn a_save_based_on_an_old_revision_is_a_conflict_not_an_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let record = new_record(&store, Status::InProgress);
    let editing = store.edit(&record.id, &holder()).unwrap().unwrap();
    let first = record.revise(content(), &answers(json!({"pain.now": 1})), Revision::Draft, at(1));
    store.save(&editing, &first, content()).unwrap();
    let stale = record.revise(content(), &answers(json!({"pain.now": 9})), Revision::Draft, at(2));
    let error = store.save(&editing, &stale, content()).unwrap_err();
    assert!(matches!(error, StoreError::Conflict { on_disk: 2, expected: 1, .. }), "{error}");
    assert!(error.to_string().contains("changed elsewhere"));
    assert_eq!(current(&store, &record.id), first);
}

#[test]
fn drafts_save_load_discard_and_are_offered_when_they_differ_from_their_record() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let record = new_record(&store, Status::Completed);

    let mut fresh = Draft::new(new_id(at(1)).unwrap(), None, None, at(1));
    fresh.answers.insert("pain.now".into(), json!("1x")); // half-typed: kept as typed
    store.save_draft(&fresh).unwrap();
    // Holds exactly what its record holds: left over from a save that completed.
    let mut same = Draft::new(new_id(at(0)).unwrap(), Some(record.id.clone()), Some(1), at(5));
    same.answers = record.answers.clone();
    store.save_draft(&same).unwrap();
    // Differs from its record: offered, whatever the clocks say (saved "before" the record here).
    let mut changed = Draft::new(
        new_id(at(3)).unwrap(),
        Some(record.id.clone()),
        Some(1),
        Utc.with_ymd_and_hms(2026, 11, 22, 8, 0, 0).unwrap(),
    );
    changed.answers = record.answers.clone();
    changed.answers.insert("pain.now".into(), json!(7));
    store.save_draft(&changed).unwrap();

    assert_eq!(store.load_draft(&fresh.id).unwrap(), fresh);
    let offered: Vec<String> = store.recoverable_drafts(content()).unwrap().into_iter().map(|d| d.id).collect();
    assert_eq!(
        offered,
        vec![fresh.id.clone(), changed.id.clone()],
        "newest first; the already-saved one is not offered"
    );
    assert!(
        matches!(store.load_draft(&same.id), Err(StoreError::NotFound(_))),
        "a draft its record already holds is removed quietly"
    );

    store.discard_draft(&fresh.id).unwrap();
    assert!(matches!(store.load_draft(&fresh.id), Err(StoreError::NotFound(_))));
}

#[test]
fn the_list_index_is_a_cache_rebuilt_from_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let a = new_record(&store, Status::Completed);
    let b = new_record(&store, Status::InProgress);
    let listed = |store: &Store| store.list(content()).unwrap().records.into_iter().map(|r| r.id).collect::<Vec<_>>();
    let mut expected = vec![a.id.clone(), b.id.clone()];
    expected.sort();
    let mut got = listed(&store);
    got.sort();
    assert_eq!(got, expected);

    let index = dir.path().join("records/index.json");
    std::fs::write(&index, b"{ not json").unwrap();
    let mut got = listed(&store);
    got.sort();
    assert_eq!(got, expected, "an unreadable index is rebuilt");
    std::fs::remove_file(&index).unwrap();
    assert_eq!(listed(&store).len(), 2, "a missing index is rebuilt");

    // A record removed behind the index's back disappears from the list.
    std::fs::remove_file(dir.path().join("records").join(format!("{}.json", a.id))).unwrap();
    assert_eq!(listed(&store), vec![b.id.clone()]);
}

#[test]
fn a_record_changed_behind_the_index_is_read_again() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let record = new_record(&store, Status::InProgress);
    assert_eq!(store.list(content()).unwrap().records[0].revision, 1);
    let editing = store.edit(&record.id, &holder()).unwrap().unwrap();
    let next = record.revise(content(), &answers(json!({})), Revision::Draft, at(1));
    store.save(&editing, &next, content()).unwrap();
    assert_eq!(store.list(content()).unwrap().records[0].revision, 2);
}

#[test]
fn a_hand_edited_record_is_quarantined_never_deleted_and_listed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let record = new_record(&store, Status::Completed);
    let path = dir.path().join("records").join(format!("{}.json", record.id));
    let edited =
        String::from_utf8(std::fs::read(&path).unwrap()).unwrap().replace("\"pain.now\": 4", "\"pain.now\": 5");
    std::fs::write(&path, &edited).unwrap();
    let error = store.load(&record.id, content()).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("invalid") && message.contains("quarantine"), "{message}");
    assert!(!message.contains("Test Patient"), "{message}");
    assert!(!path.exists());
    let listing = store.list(content()).unwrap();
    assert!(listing.records.is_empty());
    assert_eq!(listing.quarantined.len(), 1);
    assert_eq!(listing.quarantined[0].problem, "invalid");
    assert_eq!(std::fs::read_to_string(&listing.quarantined[0].file).unwrap(), edited, "moved, not changed");
}

#[test]
fn a_failed_save_says_not_saved_and_leaves_the_previous_file_and_no_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    // The target name is taken by a non-empty folder, so the final rename fails.
    let target = dir.path().join("record.json");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("keep"), b"previous").unwrap();
    let error = atomic::write_atomic(dir.path(), "record.json", b"new content").unwrap_err();
    assert!(error.to_string().starts_with("not saved:"), "{error}");
    assert_eq!(std::fs::read(target.join("keep")).unwrap(), b"previous");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().starts_with(".tmp-"))
        .collect();
    assert!(leftovers.is_empty(), "the temporary copy was removed");
    assert!(atomic::write_atomic(&dir.path().join("missing"), "x.json", b"x").is_err());
}

#[test]
fn opening_the_store_sweeps_leftovers_of_killed_saves_but_not_of_running_ones() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let records = store.records_temp_dir(); // saves to records/ keep their temporary files here
    let dead = records.join(".tmp-4000000000-00aa-X.json"); // no such process
    let alive = records.join(format!(".tmp-{}-00bb-Y.json", std::process::id()));
    std::fs::write(&dead, b"plaintext copy").unwrap();
    std::fs::write(&alive, b"in flight").unwrap();
    Store::open(dir.path()).unwrap();
    assert!(!dead.exists(), "a killed save's copy is removed");
    assert!(alive.exists(), "a running save is left alone");
}

#[test]
fn ids_are_opaque_sortable_and_never_paths() {
    let a = new_id(at(0)).unwrap();
    let b = new_id(at(1)).unwrap();
    assert_eq!(a.len(), 26);
    assert!(a < b, "ids sort by creation time");
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    for bad in ["../../etc/passwd", "", "01M815BEM1C3N43MSGF8DYXDC", "01m815bem1c3n43msgf8dyxdc2"] {
        assert!(matches!(store.load(bad, content()), Err(StoreError::NotFound(_))), "{bad}");
    }
}

/// A clock set back between two saves (or two machines sharing a folder) must not make the
/// saved record look damaged and end in quarantine.
#[test]
fn a_save_with_the_clock_set_back_still_loads() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let original = Record::new(content(), new_id(at(30)).unwrap(), &answers(json!({})), Status::InProgress, at(30));
    store.create(&original).unwrap();
    let editing = store.edit(&original.id, &holder()).unwrap().unwrap();
    let next = original.revise(content(), &answers(json!({"pain.now": 2})), Revision::Draft, at(10));
    store.save(&editing, &next, content()).unwrap();
    let loaded = current(&store, &original.id);
    assert_eq!((loaded.revision, loaded.updated_at), (2, at(30)));
}
